/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests of virthxend's protocol layer: calls of the remote
 * program put through dispatch_packet(), and checks of the answers.
 */
#ifndef USERSPACE_RPC_CALL_H
#define USERSPACE_RPC_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rpc_packet.h"
#include "rpc_proto.h"
#include "xdr.h"

static const struct rpc_header call_hdr = {
	.prog = REMOTE_PROGRAM,
	.vers = REMOTE_PROTOCOL_VERSION,
	.proc = REMOTE_PROC_CONNECT_GET_TYPE,
	.type = VIR_NET_CALL,
	.serial = 7,
	.status = VIR_NET_OK,
};

/*
 * Check that @e holds exactly one packet, and decode its header into @h;
 * @d is left at its payload.
 */
static inline bool one_packet(const struct xdr_enc *e, struct xdr_dec *d,
			      struct rpc_header *h)
{
	uint32_t len;

	xdr_dec_init(d, e->data, e->len);
	if (xdr_get_u32(d, &len) || len != e->len)
		return false;
	return !rpc_header_decode(d, h);
}

/*
 * Dispatch a packet with header @h and the @args_len bytes at @args; the
 * answer (if any) is left in @out.  Returns the dispatch result.
 */
static inline enum dispatch_result send_call(struct rpc_conn *c,
					     const struct rpc_header *h,
					     const void *args,
					     size_t args_len,
					     struct xdr_enc *out)
{
	struct xdr_enc e;
	enum dispatch_result r;
	uint8_t *copy;

	xdr_enc_init(&e, 1 << 20);
	rpc_header_encode(&e, h);
	xdr_put_fixed(&e, args, (uint32_t)args_len);
	e.len -= XDR_PAD(args_len);	/* the caller's bytes, unpadded */
	copy = malloc(e.len);
	memcpy(copy, e.data, e.len);
	xdr_enc_reset(out);
	r = dispatch_packet(c, copy, e.len, out);
	free(copy);
	xdr_enc_free(&e);
	return r;
}

/* The answer in @out is an error with @code; its message into @msg. */
static inline bool is_error(const struct xdr_enc *out, int code,
			    char *msg, size_t msglen)
{
	struct rpc_error err;
	struct rpc_header h;
	struct xdr_dec d;
	bool ok;

	if (!one_packet(out, &d, &h) || h.type != VIR_NET_REPLY ||
	    h.status != VIR_NET_ERROR || rpc_error_decode(&d, &err))
		return false;
	ok = err.code == code && !xdr_dec_done(&d);
	if (msg)
		snprintf(msg, msglen, "%s", err.message ? err.message : "");
	rpc_error_free(&err);
	return ok;
}

/* The answer in @out is an OK reply; @d is left at its payload. */
static inline bool is_ok(const struct xdr_enc *out, struct xdr_dec *d)
{
	struct rpc_header h;

	return one_packet(out, d, &h) && h.type == VIR_NET_REPLY &&
	       h.status == VIR_NET_OK;
}

/* A call of remote procedure @proc. */
static inline struct rpc_header remote_call(int proc)
{
	struct rpc_header h = call_hdr;

	h.proc = proc;
	return h;
}

static inline void open_args(struct xdr_enc *a, const char *uri,
			     uint32_t flags)
{
	xdr_enc_reset(a);
	xdr_put_opt_string(a, uri, REMOTE_STRING_MAX);
	xdr_put_u32(a, flags);
}

#endif /* USERSPACE_RPC_CALL_H */
