/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XDR (RFC 4506) encoding into a growable buffer and bounds-checked
 * decoding from untrusted bytes.
 *
 * Both sides keep a sticky error: after the first failure every further
 * call fails too, so a caller may encode or decode a whole structure and
 * check the result once at the end.  A failed decode leaves its output
 * zero (or NULL), never uninitialized.  Decoders never
 * trust a length or count from the input: each one is checked against the
 * caller's maximum and against the bytes actually left before anything is
 * allocated.
 */
#ifndef VIRTHXEND_XDR_H
#define VIRTHXEND_XDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of padding that follow @n bytes of opaque data or string. */
#define XDR_PAD(n) ((4 - ((n) & 3)) & 3)

/*
 * An encoder.  @data grows on demand up to @max bytes in all; @err holds
 * the first error (-ENOMEM, or -EMSGSIZE past @max or a field's limit).
 */
struct xdr_enc {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
	int err;
};

/* A decoder over @len bytes at @data, which it does not own. */
struct xdr_dec {
	const uint8_t *data;
	size_t len;
	size_t pos;
	int err;
};

void xdr_enc_init(struct xdr_enc *e, size_t max);
void xdr_enc_free(struct xdr_enc *e);
/* Forget the contents but keep the memory. */
void xdr_enc_reset(struct xdr_enc *e);
/* Drop everything after the first @len bytes and clear the error. */
void xdr_enc_truncate(struct xdr_enc *e, size_t len);

int xdr_put_u32(struct xdr_enc *e, uint32_t v);
int xdr_put_i32(struct xdr_enc *e, int32_t v);
int xdr_put_u64(struct xdr_enc *e, uint64_t v);
int xdr_put_i64(struct xdr_enc *e, int64_t v);
int xdr_put_bool(struct xdr_enc *e, bool v);
/* string<@max>: -EMSGSIZE if strlen(@s) > @max. */
int xdr_put_string(struct xdr_enc *e, const char *s, uint32_t max);
/* string<@max> * : a bool, then the string when @s is not NULL. */
int xdr_put_opt_string(struct xdr_enc *e, const char *s, uint32_t max);
/* opaque[@n]: fixed length, padded. */
int xdr_put_fixed(struct xdr_enc *e, const void *p, uint32_t n);
/* Bytes as they are, not XDR: the data of a stream packet. */
int xdr_put_raw(struct xdr_enc *e, const void *p, size_t n);
/* opaque<@max>: length, bytes, padding. */
int xdr_put_opaque(struct xdr_enc *e, const void *p, uint32_t n,
		   uint32_t max);
/* The count of an array<@max>; -EMSGSIZE if @n > @max. */
int xdr_put_count(struct xdr_enc *e, uint32_t n, uint32_t max);
/* Overwrite the 4 bytes at @off (already encoded) with @v. */
int xdr_patch_u32(struct xdr_enc *e, size_t off, uint32_t v);

void xdr_dec_init(struct xdr_dec *d, const void *data, size_t len);
/* Bytes not yet decoded. */
size_t xdr_dec_left(const struct xdr_dec *d);
/* 0 if everything was decoded without error, else -EBADMSG or the error. */
int xdr_dec_done(struct xdr_dec *d);

int xdr_get_u32(struct xdr_dec *d, uint32_t *v);
int xdr_get_i32(struct xdr_dec *d, int32_t *v);
int xdr_get_u64(struct xdr_dec *d, uint64_t *v);
int xdr_get_i64(struct xdr_dec *d, int64_t *v);
/* Only 0 and 1 are booleans; anything else is -EBADMSG. */
int xdr_get_bool(struct xdr_dec *d, bool *v);
/*
 * string<@max> into a new NUL-terminated *@s (free() it).  A length over
 * @max or past the input, or an embedded NUL, is -EBADMSG.
 */
int xdr_get_string(struct xdr_dec *d, char **s, uint32_t max);
/* string<@max> * : *@s is NULL when absent. */
int xdr_get_opt_string(struct xdr_dec *d, char **s, uint32_t max);
/* opaque[@n] into @p. */
int xdr_get_fixed(struct xdr_dec *d, void *p, uint32_t n);
/* opaque<@max> into a new *@p of *@n bytes (NULL when empty). */
int xdr_get_opaque(struct xdr_dec *d, void **p, uint32_t *n, uint32_t max);
/*
 * The count of an array<@max> whose elements take at least @min_elem
 * bytes each: -EBADMSG if over @max or if the input left cannot hold that
 * many elements, so the caller may allocate *@n elements safely.
 */
int xdr_get_count(struct xdr_dec *d, uint32_t *n, uint32_t max,
		  uint32_t min_elem);

#endif /* VIRTHXEND_XDR_H */
