/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvirt RPC packets: framing on a stream socket, the header, and the
 * replies virthxend sends (results, errors, keepalive answers).
 */
#ifndef VIRTHXEND_RPC_PACKET_H
#define VIRTHXEND_RPC_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "xdr.h"

/* struct virNetMessageHeader, decoded. */
struct rpc_header {
	uint32_t prog;
	uint32_t vers;
	int32_t proc;
	uint32_t type;
	uint32_t serial;
	uint32_t status;
};

/* The error carried by a REPLY with status VIR_NET_ERROR. */
struct rpc_error {
	int32_t code;
	int32_t domain;
	int32_t level;
	char *message;		/* may be NULL */
};

/*
 * Reads one packet at a time from a stream socket, blocking or not.  It
 * asks read() for no more than the packet still lacks, so it never
 * consumes a byte of the next one, and it grows the body buffer only as
 * bytes arrive: a peer that announces a large packet and sends little
 * costs little.  @max bounds the packet, length word included.
 *
 *	(i) set by rpc_reader_init; (r) reset after each complete packet.
 */
struct rpc_reader {
	size_t max;		/* (i) */
	uint8_t lenbuf[4];	/* (r) the length word as it arrives */
	size_t have;		/* (r) bytes of the packet received */
	uint32_t total;		/* (r) announced length, 0 until known */
	uint8_t *body;		/* (r) bytes after the length word */
	size_t body_cap;	/* (r) */
};

void rpc_reader_init(struct rpc_reader *r, size_t max);
void rpc_reader_free(struct rpc_reader *r);

/*
 * Read what @fd offers toward the current packet.  Returns 1 when a packet
 * is complete (its body, header first, is r->body for r->total - 4 bytes
 * until the next call), 0 when more is needed (EAGAIN), -EPIPE on end of
 * file (-EPROTO if in the middle of a packet), -EMSGSIZE if the announced
 * length is below a header or above r->max, or another -errno.
 */
int rpc_reader_feed(struct rpc_reader *r, int fd);

/* Decode the header at the start of a packet body. */
int rpc_header_decode(struct xdr_dec *d, struct rpc_header *h);
int rpc_header_encode(struct xdr_enc *e, const struct rpc_header *h);

/*
 * Start a packet in @e (which should be empty): a length word to patch
 * later and the header @h.  Append the payload, then rpc_packet_end().
 */
int rpc_packet_begin(struct xdr_enc *e, const struct rpc_header *h);
/* Patch the length word of the packet that starts at offset @start. */
int rpc_packet_end(struct xdr_enc *e, size_t start);

/* The REPLY header that answers @call with @status. */
void rpc_reply_header(struct rpc_header *reply, const struct rpc_header *call,
		      uint32_t status);

/*
 * Append to @e a whole packet answering @call with an error: a REPLY (or,
 * for stream packets, a STREAM) with status VIR_NET_ERROR and a
 * remote_error carrying @code, @domain and @message.
 */
int rpc_build_error(struct xdr_enc *e, const struct rpc_header *call,
		    int code, int domain, const char *message);

/* Append the keepalive PONG that answers @ping. */
int rpc_build_pong(struct xdr_enc *e, const struct rpc_header *ping);

/*
 * Append a STREAM packet of the remote program for the stream opened by
 * call @proc / @serial: @len bytes of @data as they are, with @status
 * VIR_NET_CONTINUE (data; none: the end of it) or VIR_NET_OK (no data:
 * the confirmation of the client's finish or abort).
 */
int rpc_build_stream(struct xdr_enc *e, int32_t proc, uint32_t serial,
		     uint32_t status, const void *data, size_t len);

/* Encode and decode struct remote_error (the optional members empty). */
int rpc_error_encode(struct xdr_enc *e, const struct rpc_error *err);
int rpc_error_decode(struct xdr_dec *d, struct rpc_error *err);
void rpc_error_free(struct rpc_error *err);

#endif /* VIRTHXEND_RPC_PACKET_H */
