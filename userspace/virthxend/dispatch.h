/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Routing of received packets: keepalive pings, calls of the remote
 * program (procedure number -> handler), and everything else.
 */
#ifndef VIRTHXEND_DISPATCH_H
#define VIRTHXEND_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc_packet.h"
#include "xdr.h"

/* Daemon-wide settings, fixed before the first client connects. */
struct vhd_config {
	bool privileged;	/* euid 0: serves hxen:///system as well */
};

/* A stream between the client and a socket (stream.h). */
struct vhd_stream {
	bool open;
	bool eof;		/* the socket's side ended; the client knows */
	int fd;			/* the socket, -1 after eof */
	int32_t proc;		/* the call that opened it */
	uint32_t serial;
};

/*
 * One client's libvirt connection.
 *	(s) set by the server when the client connects;
 *	(o) changed only by CONNECT_OPEN and CONNECT_CLOSE;
 *	(d) set by dispatch for the call being handled.
 */
struct rpc_conn {
	const struct vhd_config *cfg;	/* (s) */
	bool open;			/* (o) CONNECT_OPEN succeeded */
	bool read_only;			/* (o) opened with VIR_CONNECT_RO */
	const char *uri;		/* (o) canonical URI, static storage */
	uint32_t serial;		/* (d) of the call */
	struct vhd_stream stream;	/* opened by a call, see stream.h */
};

/* Room for an error message: a failed start quotes the end of a log. */
#define PROC_ERROR_MAX 12288

/* What a failed procedure answers: a libvirt error. */
struct proc_error {
	int code;		/* VIR_ERR_* */
	int domain;		/* VIR_FROM_* */
	char message[PROC_ERROR_MAX];
};

/*
 * A procedure handler decodes its arguments from @args (and must consume
 * all of them), appends its XDR result to @ret, and returns 0; or fills
 * @err and returns -1.  Nothing it appended is sent when it fails.
 */
typedef int (*proc_fn)(struct rpc_conn *c, struct xdr_dec *args,
		       struct xdr_enc *ret, struct proc_error *err);

/* What the server does with the client after a packet. */
enum dispatch_result {
	DISPATCH_OK,		/* send what was appended, keep serving */
	DISPATCH_CLOSE,		/* protocol violation: drop the client */
};

/*
 * Handle one packet (@body, @len bytes: the header and payload, without
 * the length word) from the client of @c, appending any answer, as whole
 * packets, to @out.
 */
enum dispatch_result dispatch_packet(struct rpc_conn *c, const uint8_t *body,
				     size_t len, struct xdr_enc *out);

/* Fill @err; returns -1 so a handler can "return proc_fail(...)". */
int proc_fail(struct proc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Like proc_fail(), with the words libvirt starts the message of @code
 * with ("Domain not found: ..."), as its own drivers' messages do.
 */
int vir_fail(struct proc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Refuse flags outside @known, as libvirt's drivers do
 * (VIR_ERR_INVALID_ARG); @api names the call.  0, or -1.
 */
int proc_check_flags(uint32_t flags, uint32_t known, const char *api,
		     struct proc_error *err);
/* Check that @args was consumed exactly (-1 with an RPC error if not). */
int proc_args_done(struct xdr_dec *args, struct proc_error *err);

#endif /* VIRTHXEND_DISPATCH_H */
