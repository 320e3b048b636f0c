// SPDX-License-Identifier: GPL-2.0
/* libvirt RPC packets: framing, header, error and keepalive replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpc_packet.h"
#include "rpc_proto.h"

/* The body buffer starts at most this large and doubles as bytes arrive. */
#define RPC_BODY_MIN_CAP 65536u
/* An idle reader keeps a body buffer no larger than this. */
#define RPC_BODY_KEEP_CAP 65536u

#define RPC_MIN_PACKET (VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX)

void rpc_reader_init(struct rpc_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void rpc_reader_free(struct rpc_reader *r)
{
	free(r->body);
	r->body = NULL;
	r->body_cap = 0;
	r->have = 0;
	r->total = 0;
}

/* Forget a completed packet; drop a large buffer so idle clients are cheap. */
static void reader_next(struct rpc_reader *r)
{
	r->have = 0;
	r->total = 0;
	if (r->body_cap > RPC_BODY_KEEP_CAP) {
		free(r->body);
		r->body = NULL;
		r->body_cap = 0;
	}
}

/* Make room for more body bytes, never beyond the announced length. */
static int reader_grow(struct rpc_reader *r)
{
	size_t body_len = r->total - VIR_NET_MESSAGE_LEN_MAX;
	size_t cap;
	uint8_t *p;

	if (r->body_cap >= body_len)
		return 0;
	cap = r->body_cap ? r->body_cap * 2 : RPC_BODY_MIN_CAP;
	if (cap < r->body_cap)
		return -ENOMEM;
	if (cap > body_len)
		cap = body_len;
	p = realloc(r->body, cap);
	if (!p)
		return -ENOMEM;
	r->body = p;
	r->body_cap = cap;
	return 0;
}

int rpc_reader_feed(struct rpc_reader *r, int fd)
{
	if (r->total && r->have == r->total)
		reader_next(r);

	for (;;) {
		uint8_t *dst;
		size_t want;
		ssize_t n;

		if (r->have < VIR_NET_MESSAGE_LEN_MAX) {
			dst = r->lenbuf + r->have;
			want = VIR_NET_MESSAGE_LEN_MAX - r->have;
		} else {
			size_t body_len = r->total - VIR_NET_MESSAGE_LEN_MAX;
			size_t off = r->have - VIR_NET_MESSAGE_LEN_MAX;
			size_t lim;
			int err;

			if (off == body_len)
				return 1;
			if (off == r->body_cap) {
				err = reader_grow(r);
				if (err)
					return err;
			}
			/* A kept buffer may be larger than this packet. */
			lim = r->body_cap < body_len ? r->body_cap : body_len;
			dst = r->body + off;
			want = lim - off;
		}

		n = read(fd, dst, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		if (n == 0)
			return r->have ? -EPROTO : -EPIPE;
		r->have += (size_t)n;

		if (!r->total && r->have == VIR_NET_MESSAGE_LEN_MAX) {
			uint32_t len = (uint32_t)r->lenbuf[0] << 24 |
				       (uint32_t)r->lenbuf[1] << 16 |
				       (uint32_t)r->lenbuf[2] << 8 |
				       r->lenbuf[3];

			if (len < RPC_MIN_PACKET || len > r->max)
				return -EMSGSIZE;
			r->total = len;
		}
	}
}

int rpc_header_decode(struct xdr_dec *d, struct rpc_header *h)
{
	xdr_get_u32(d, &h->prog);
	xdr_get_u32(d, &h->vers);
	xdr_get_i32(d, &h->proc);
	xdr_get_u32(d, &h->type);
	xdr_get_u32(d, &h->serial);
	return xdr_get_u32(d, &h->status);
}

int rpc_header_encode(struct xdr_enc *e, const struct rpc_header *h)
{
	xdr_put_u32(e, h->prog);
	xdr_put_u32(e, h->vers);
	xdr_put_i32(e, h->proc);
	xdr_put_u32(e, h->type);
	xdr_put_u32(e, h->serial);
	return xdr_put_u32(e, h->status);
}

int rpc_packet_begin(struct xdr_enc *e, const struct rpc_header *h)
{
	xdr_put_u32(e, 0);
	return rpc_header_encode(e, h);
}

int rpc_packet_end(struct xdr_enc *e, size_t start)
{
	if (e->err)
		return e->err;
	if (start > e->len || e->len - start > UINT32_MAX)
		return e->err = -EINVAL;
	return xdr_patch_u32(e, start, (uint32_t)(e->len - start));
}

void rpc_reply_header(struct rpc_header *reply, const struct rpc_header *call,
		      uint32_t status)
{
	reply->prog = call->prog;
	reply->vers = call->vers;
	reply->proc = call->proc;
	reply->type = call->type == VIR_NET_STREAM ? VIR_NET_STREAM
						   : VIR_NET_REPLY;
	reply->serial = call->serial;
	reply->status = status;
}

int rpc_error_encode(struct xdr_enc *e, const struct rpc_error *err)
{
	xdr_put_i32(e, err->code);
	xdr_put_i32(e, err->domain);
	xdr_put_opt_string(e, err->message, REMOTE_STRING_MAX);
	xdr_put_i32(e, err->level);
	xdr_put_bool(e, false);		/* dom */
	xdr_put_bool(e, false);		/* str1 */
	xdr_put_bool(e, false);		/* str2 */
	xdr_put_bool(e, false);		/* str3 */
	xdr_put_i32(e, 0);		/* int1 */
	xdr_put_i32(e, 0);		/* int2 */
	return xdr_put_bool(e, false);	/* net */
}

/* Decode and discard an optional string. */
static int skip_opt_string(struct xdr_dec *d)
{
	char *s;

	xdr_get_opt_string(d, &s, REMOTE_STRING_MAX);
	free(s);
	return d->err;
}

/*
 * Decode and discard an optional remote_nonnull_domain (name, uuid, id) or
 * remote_nonnull_network (name, uuid).
 */
static int skip_opt_object(struct xdr_dec *d, bool has_id)
{
	uint8_t uuid[VIR_UUID_BUFLEN];
	bool present;
	char *name;
	int32_t id;

	if (xdr_get_bool(d, &present) || !present)
		return d->err;
	xdr_get_string(d, &name, REMOTE_STRING_MAX);
	free(name);
	xdr_get_fixed(d, uuid, sizeof(uuid));
	if (has_id)
		xdr_get_i32(d, &id);
	return d->err;
}

int rpc_error_decode(struct xdr_dec *d, struct rpc_error *err)
{
	int32_t unused;

	memset(err, 0, sizeof(*err));
	xdr_get_i32(d, &err->code);
	xdr_get_i32(d, &err->domain);
	xdr_get_opt_string(d, &err->message, REMOTE_STRING_MAX);
	xdr_get_i32(d, &err->level);
	skip_opt_object(d, true);
	skip_opt_string(d);
	skip_opt_string(d);
	skip_opt_string(d);
	xdr_get_i32(d, &unused);
	xdr_get_i32(d, &unused);
	skip_opt_object(d, false);
	if (d->err)
		rpc_error_free(err);
	return d->err;
}

void rpc_error_free(struct rpc_error *err)
{
	free(err->message);
	err->message = NULL;
}

int rpc_build_error(struct xdr_enc *e, const struct rpc_header *call,
		    int code, int domain, const char *message)
{
	const struct rpc_error err = {
		.code = code,
		.domain = domain,
		.level = VIR_ERR_ERROR,
		.message = (char *)message,
	};
	struct rpc_header h;
	size_t start = e->len;

	rpc_reply_header(&h, call, VIR_NET_ERROR);
	rpc_packet_begin(e, &h);
	rpc_error_encode(e, &err);
	return rpc_packet_end(e, start);
}

int rpc_build_pong(struct xdr_enc *e, const struct rpc_header *ping)
{
	const struct rpc_header h = {
		.prog = KEEPALIVE_PROGRAM,
		.vers = KEEPALIVE_PROTOCOL_VERSION,
		.proc = KEEPALIVE_PROC_PONG,
		.type = VIR_NET_MESSAGE,
		.serial = ping->serial,
		.status = VIR_NET_OK,
	};
	size_t start = e->len;

	rpc_packet_begin(e, &h);
	return rpc_packet_end(e, start);
}

int rpc_build_stream(struct xdr_enc *e, int32_t proc, uint32_t serial,
		     uint32_t status, const void *data, size_t len)
{
	const struct rpc_header h = {
		.prog = REMOTE_PROGRAM,
		.vers = REMOTE_PROTOCOL_VERSION,
		.proc = proc,
		.type = VIR_NET_STREAM,
		.serial = serial,
		.status = status,
	};
	size_t start = e->len;

	rpc_packet_begin(e, &h);
	xdr_put_raw(e, data, len);
	return rpc_packet_end(e, start);
}
