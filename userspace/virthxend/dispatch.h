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

/*
 * One client's libvirt connection.
 *	(s) set by the server when the client connects;
 *	(o) changed only by CONNECT_OPEN and CONNECT_CLOSE.
 */
struct rpc_conn {
	const struct vhd_config *cfg;	/* (s) */
	bool open;			/* (o) CONNECT_OPEN succeeded */
	bool read_only;			/* (o) opened with VIR_CONNECT_RO */
	const char *uri;		/* (o) canonical URI, static storage */
};

/* What a failed procedure answers: a libvirt error. */
struct proc_error {
	int code;		/* VIR_ERR_* */
	int domain;		/* VIR_FROM_* */
	char message[512];
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
/* Check that @args was consumed exactly (-1 with an RPC error if not). */
int proc_args_done(struct xdr_dec *args, struct proc_error *err);

#endif /* VIRTHXEND_DISPATCH_H */
