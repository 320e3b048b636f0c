// SPDX-License-Identifier: GPL-2.0
/* XDR encoding and bounds-checked decoding (RFC 4506, big-endian). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xdr.h"

/* The first allocation; later ones double up to the encoder's maximum. */
#define XDR_ENC_MIN_CAP 256

void xdr_enc_init(struct xdr_enc *e, size_t max)
{
	memset(e, 0, sizeof(*e));
	e->max = max;
}

void xdr_enc_free(struct xdr_enc *e)
{
	free(e->data);
	e->data = NULL;
	e->len = e->cap = 0;
	e->err = 0;
}

void xdr_enc_reset(struct xdr_enc *e)
{
	e->len = 0;
	e->err = 0;
}

void xdr_enc_truncate(struct xdr_enc *e, size_t len)
{
	if (len < e->len)
		e->len = len;
	e->err = 0;
}

/* Room for @n more bytes, zeroed, at e->data + e->len; NULL on error. */
static uint8_t *enc_reserve(struct xdr_enc *e, size_t n)
{
	uint8_t *p;

	if (e->err)
		return NULL;
	if (n > e->max || e->len > e->max - n) {
		e->err = -EMSGSIZE;
		return NULL;
	}
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : XDR_ENC_MIN_CAP;

		while (cap < e->len + n)
			cap = cap > e->max / 2 ? e->max : cap * 2;
		p = realloc(e->data, cap);
		if (!p) {
			e->err = -ENOMEM;
			return NULL;
		}
		e->data = p;
		e->cap = cap;
	}
	p = e->data + e->len;
	memset(p, 0, n);
	e->len += n;
	return p;
}

static void be32_store(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t be32_load(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int xdr_put_u32(struct xdr_enc *e, uint32_t v)
{
	uint8_t *p = enc_reserve(e, 4);

	if (!p)
		return e->err;
	be32_store(p, v);
	return 0;
}

int xdr_put_i32(struct xdr_enc *e, int32_t v)
{
	return xdr_put_u32(e, (uint32_t)v);
}

int xdr_put_u64(struct xdr_enc *e, uint64_t v)
{
	uint8_t *p = enc_reserve(e, 8);

	if (!p)
		return e->err;
	be32_store(p, v >> 32);
	be32_store(p + 4, (uint32_t)v);
	return 0;
}

int xdr_put_i64(struct xdr_enc *e, int64_t v)
{
	return xdr_put_u64(e, (uint64_t)v);
}

int xdr_put_bool(struct xdr_enc *e, bool v)
{
	return xdr_put_u32(e, v ? 1 : 0);
}

int xdr_put_fixed(struct xdr_enc *e, const void *src, uint32_t n)
{
	uint8_t *p = enc_reserve(e, (size_t)n + XDR_PAD(n));

	if (!p)
		return e->err;
	if (n)
		memcpy(p, src, n);
	return 0;
}

int xdr_put_raw(struct xdr_enc *e, const void *src, size_t n)
{
	uint8_t *p = enc_reserve(e, n);

	if (!p)
		return e->err;
	if (n)
		memcpy(p, src, n);
	return 0;
}

int xdr_put_opaque(struct xdr_enc *e, const void *src, uint32_t n,
		   uint32_t max)
{
	if (!e->err && n > max)
		e->err = -EMSGSIZE;
	if (xdr_put_u32(e, n))
		return e->err;
	return xdr_put_fixed(e, src, n);
}

int xdr_put_string(struct xdr_enc *e, const char *s, uint32_t max)
{
	size_t n = strlen(s);

	if (!e->err && n > max)
		e->err = -EMSGSIZE;
	if (e->err)
		return e->err;
	return xdr_put_opaque(e, s, (uint32_t)n, max);
}

int xdr_put_opt_string(struct xdr_enc *e, const char *s, uint32_t max)
{
	if (xdr_put_bool(e, s != NULL) || !s)
		return e->err;
	return xdr_put_string(e, s, max);
}

int xdr_put_count(struct xdr_enc *e, uint32_t n, uint32_t max)
{
	if (!e->err && n > max)
		e->err = -EMSGSIZE;
	return xdr_put_u32(e, n);
}

int xdr_patch_u32(struct xdr_enc *e, size_t off, uint32_t v)
{
	if (e->err)
		return e->err;
	if (off > e->len || e->len - off < 4)
		return e->err = -EINVAL;
	be32_store(e->data + off, v);
	return 0;
}

void xdr_dec_init(struct xdr_dec *d, const void *data, size_t len)
{
	d->data = data;
	d->len = len;
	d->pos = 0;
	d->err = 0;
}

size_t xdr_dec_left(const struct xdr_dec *d)
{
	return d->len - d->pos;
}

int xdr_dec_done(struct xdr_dec *d)
{
	if (!d->err && d->pos != d->len)
		d->err = -EBADMSG;
	return d->err;
}

/* The next @n bytes, consumed; NULL (and -EBADMSG) past the end. */
static const uint8_t *dec_take(struct xdr_dec *d, size_t n)
{
	const uint8_t *p;

	if (d->err)
		return NULL;
	if (n > d->len - d->pos) {
		d->err = -EBADMSG;
		return NULL;
	}
	p = d->data + d->pos;
	d->pos += n;
	return p;
}

int xdr_get_u32(struct xdr_dec *d, uint32_t *v)
{
	const uint8_t *p = dec_take(d, 4);

	*v = 0;
	if (!p)
		return d->err;
	*v = be32_load(p);
	return 0;
}

int xdr_get_i32(struct xdr_dec *d, int32_t *v)
{
	uint32_t u;

	xdr_get_u32(d, &u);
	*v = (int32_t)u;
	return d->err;
}

int xdr_get_u64(struct xdr_dec *d, uint64_t *v)
{
	const uint8_t *p = dec_take(d, 8);

	*v = 0;
	if (!p)
		return d->err;
	*v = (uint64_t)be32_load(p) << 32 | be32_load(p + 4);
	return 0;
}

int xdr_get_i64(struct xdr_dec *d, int64_t *v)
{
	uint64_t u;

	xdr_get_u64(d, &u);
	*v = (int64_t)u;
	return d->err;
}

int xdr_get_bool(struct xdr_dec *d, bool *v)
{
	uint32_t u;

	*v = false;
	if (xdr_get_u32(d, &u))
		return d->err;
	if (u > 1)
		return d->err = -EBADMSG;
	*v = u;
	return 0;
}

int xdr_get_fixed(struct xdr_dec *d, void *dst, uint32_t n)
{
	const uint8_t *p = dec_take(d, (size_t)n + XDR_PAD(n));

	if (!p) {
		if (n && dst)
			memset(dst, 0, n);
		return d->err;
	}
	if (n)
		memcpy(dst, p, n);
	return 0;
}

/* A length word no larger than @max whose bytes and padding are present. */
static int dec_length(struct xdr_dec *d, uint32_t *n, uint32_t max)
{
	if (xdr_get_u32(d, n))
		return d->err;
	if (*n > max || (size_t)*n + XDR_PAD(*n) > xdr_dec_left(d)) {
		*n = 0;
		return d->err = -EBADMSG;
	}
	return 0;
}

int xdr_get_opaque(struct xdr_dec *d, void **out, uint32_t *n, uint32_t max)
{
	uint8_t *p = NULL;

	*out = NULL;
	*n = 0;
	if (dec_length(d, n, max))
		return d->err;
	if (*n) {
		p = malloc(*n);
		if (!p)
			return d->err = -ENOMEM;
	}
	if (xdr_get_fixed(d, p, *n)) {
		free(p);
		*n = 0;
		return d->err;
	}
	*out = p;
	return 0;
}

int xdr_get_string(struct xdr_dec *d, char **out, uint32_t max)
{
	uint32_t n;
	char *s;

	*out = NULL;
	if (dec_length(d, &n, max))
		return d->err;
	if (memchr(d->data + d->pos, '\0', n))
		return d->err = -EBADMSG;
	s = malloc((size_t)n + 1);
	if (!s)
		return d->err = -ENOMEM;
	xdr_get_fixed(d, s, n);
	s[n] = '\0';
	*out = s;
	return 0;
}

int xdr_get_opt_string(struct xdr_dec *d, char **out, uint32_t max)
{
	bool present;

	*out = NULL;
	if (xdr_get_bool(d, &present) || !present)
		return d->err;
	return xdr_get_string(d, out, max);
}

int xdr_get_count(struct xdr_dec *d, uint32_t *n, uint32_t max,
		  uint32_t min_elem)
{
	*n = 0;
	if (xdr_get_u32(d, n))
		return d->err;
	if (*n > max || (min_elem && *n > xdr_dec_left(d) / min_elem)) {
		*n = 0;
		return d->err = -EBADMSG;
	}
	return 0;
}
