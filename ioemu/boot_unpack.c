// SPDX-License-Identifier: GPL-2.0
/*
 * bzImage unwrapping: find the compressed vmlinux in the protected-mode
 * part of a bzImage (boot protocol 2.08 and later say where it is) and
 * decompress it.  The kernel build appends the decompressed size as four
 * bytes after the compressed stream, so every decoder stops at the end of
 * its stream and ignores what follows.
 */
#define ZLIB_CONST
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "boot.h"

#define MIB			(1ULL << 20)

/* Offsets in the bzImage setup header (Linux x86 boot protocol). */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_MAGIC		0x202	/* "HdrS" */
#define BZ_VERSION		0x206
#define BZ_PAYLOAD_OFFSET	0x248
#define BZ_PAYLOAD_LENGTH	0x24c
#define BZ_HEADER_END		0x250
#define BZ_MIN_VERSION		0x0208	/* has payload_offset */
#define BZ_SECTOR		512

/* liblzma's memory cap; Linux uses a 32 MiB xz dictionary. */
#define XZ_MEMLIMIT		(256ULL << 20)
/* Largest zstd window accepted: no larger than the output cap. */
#define ZSTD_WINDOWLOG_MAX	29
/* Slack over the recorded size so a decoder sees its stream end. */
#define OUT_SLACK		(64 * 1024)

/* The growing decompression output. */
struct unpack_out {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
};

typedef int (*decode_fn)(const uint8_t *in, size_t in_len,
			 struct unpack_out *out, char *err, size_t errlen);

struct payload_format {
	const char *name;
	uint8_t magic[6];
	size_t magic_len;
	decode_fn decode;	/* NULL: recognised but not supported */
};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Double the buffer (never past out->max), or start it at first_cap. */
static int out_grow(struct unpack_out *out, size_t first_cap, char *err,
		    size_t errlen)
{
	size_t cap;
	uint8_t *data;

	if (out->cap >= out->max)
		return boot_fail(err, errlen,
				 "decompressed kernel is larger than %zu MiB",
				 (size_t)(out->max / MIB));
	cap = out->cap ? out->cap * 2 : first_cap;
	if (cap > out->max || cap < out->cap)
		cap = out->max;
	data = realloc(out->data, cap);
	if (!data)
		return boot_fail(err, errlen,
				 "out of memory decompressing the kernel (%zu MiB)",
				 (size_t)(cap / MIB));
	out->data = data;
	out->cap = cap;
	return 0;
}

/* Make sure there is room for at least one more byte of output. */
static int out_room(struct unpack_out *out, char *err, size_t errlen)
{
	if (out->len < out->cap)
		return 0;
	return out_grow(out, 0, err, errlen);
}

static int decode_gzip(const uint8_t *in, size_t in_len,
		       struct unpack_out *out, char *err, size_t errlen)
{
	z_stream zs;
	int rc, ret = -1;

	memset(&zs, 0, sizeof(zs));
	/* 16 + window bits: a gzip wrapper, not zlib's. */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return boot_fail(err, errlen, "cannot start the gzip decoder");
	zs.next_in = in;
	zs.avail_in = (uInt)in_len;
	for (;;) {
		if (out_room(out, err, errlen))
			break;
		zs.next_out = out->data + out->len;
		zs.avail_out = (uInt)(out->cap - out->len);
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len = out->cap - zs.avail_out;
		if (rc == Z_STREAM_END) {
			ret = 0;
			break;
		}
		if (rc == Z_OK)
			continue;
		if (rc == Z_BUF_ERROR)
			boot_fail(err, errlen,
				  "gzip kernel payload is truncated");
		else
			boot_fail(err, errlen,
				  "gzip kernel payload is corrupt (%s)",
				  zs.msg ? zs.msg : "unknown error");
		break;
	}
	inflateEnd(&zs);
	return ret;
}

static const char *xz_error_name(lzma_ret rc)
{
	switch (rc) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "needs too much memory";
	case LZMA_FORMAT_ERROR:
		return "not in xz format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_UNSUPPORTED_CHECK:
		return "unsupported integrity check";
	default:
		return "decoder error";
	}
}

static int decode_xz(const uint8_t *in, size_t in_len,
		     struct unpack_out *out, char *err, size_t errlen)
{
	lzma_stream xs = LZMA_STREAM_INIT;
	lzma_ret rc;
	int ret = -1;

	/* No LZMA_CONCATENATED: stop after the first stream. */
	rc = lzma_stream_decoder(&xs, XZ_MEMLIMIT, 0);
	if (rc != LZMA_OK)
		return boot_fail(err, errlen,
				 "cannot start the xz decoder (%s)",
				 xz_error_name(rc));
	xs.next_in = in;
	xs.avail_in = in_len;
	for (;;) {
		if (out_room(out, err, errlen))
			break;
		xs.next_out = out->data + out->len;
		xs.avail_out = out->cap - out->len;
		rc = lzma_code(&xs, LZMA_FINISH);
		out->len = out->cap - xs.avail_out;
		if (rc == LZMA_STREAM_END) {
			ret = 0;
			break;
		}
		if (rc == LZMA_OK)
			continue;
		if (rc == LZMA_BUF_ERROR)
			boot_fail(err, errlen,
				  "xz kernel payload is truncated");
		else
			boot_fail(err, errlen,
				  "xz kernel payload is corrupt (%s)",
				  xz_error_name(rc));
		break;
	}
	lzma_end(&xs);
	return ret;
}

static int decode_zstd(const uint8_t *in, size_t in_len,
		       struct unpack_out *out, char *err, size_t errlen)
{
	ZSTD_inBuffer src = { in, in_len, 0 };
	ZSTD_DCtx *dctx;
	size_t rc;
	int ret = -1;

	dctx = ZSTD_createDCtx();
	if (!dctx)
		return boot_fail(err, errlen, "cannot start the zstd decoder");
	rc = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax,
				    ZSTD_WINDOWLOG_MAX);
	if (ZSTD_isError(rc)) {
		ZSTD_freeDCtx(dctx);
		return boot_fail(err, errlen,
				 "cannot set up the zstd decoder (%s)",
				 ZSTD_getErrorName(rc));
	}
	for (;;) {
		ZSTD_outBuffer dst;

		if (out_room(out, err, errlen))
			break;
		dst.dst = out->data;
		dst.size = out->cap;
		dst.pos = out->len;
		rc = ZSTD_decompressStream(dctx, &dst, &src);
		out->len = dst.pos;
		if (ZSTD_isError(rc)) {
			boot_fail(err, errlen,
				  "zstd kernel payload is corrupt (%s)",
				  ZSTD_getErrorName(rc));
			break;
		}
		/* 0: the frame is decoded and flushed. */
		if (rc == 0) {
			ret = 0;
			break;
		}
		if (dst.pos < dst.size && src.pos == src.size) {
			boot_fail(err, errlen,
				  "zstd kernel payload is truncated");
			break;
		}
	}
	ZSTD_freeDCtx(dctx);
	return ret;
}

/* An uncompressed ELF payload: take it as it is. */
static int decode_none(const uint8_t *in, size_t in_len,
		       struct unpack_out *out, char *err, size_t errlen)
{
	if (in_len > out->max)
		return boot_fail(err, errlen,
				 "kernel payload is larger than %zu MiB",
				 (size_t)(out->max / MIB));
	if (out_grow(out, in_len ? in_len : 1, err, errlen))
		return -1;
	memcpy(out->data, in, in_len);
	out->len = in_len;
	return 0;
}

static const struct payload_format payload_formats[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, decode_gzip },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, decode_xz },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, decode_zstd },
	{ "ELF (uncompressed)", { 0x7f, 'E', 'L', 'F' }, 4, decode_none },
	{ "bzip2", { 'B', 'Z', 'h' }, 3, NULL },
	{ "lzma", { 0x5d, 0x00, 0x00 }, 3, NULL },
	{ "lzo", { 0x89, 'L', 'Z', 'O' }, 4, NULL },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, NULL },	/* legacy */
	{ "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4, NULL },	/* frame */
};

static const struct payload_format *payload_format_of(const uint8_t *p,
						      size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(payload_formats) / sizeof(payload_formats[0]);
	     i++) {
		const struct payload_format *f = &payload_formats[i];

		if (len >= f->magic_len && !memcmp(p, f->magic, f->magic_len))
			return f;
	}
	return NULL;
}

/*
 * First output buffer size: the size the kernel build recorded in the
 * payload's last four bytes, else a guess from the usual compression
 * ratio, never more than max.  The record is untrusted; it only saves
 * reallocations, and the buffer grows if it was too small.
 */
static size_t first_out_cap(const uint8_t *payload, size_t len, size_t max)
{
	size_t recorded = len >= 4 ? get_le32(payload + len - 4) : 0;
	size_t cap;

	if (recorded)
		cap = recorded + OUT_SLACK;
	else if (len <= max / 4)
		cap = len * 4 < MIB ? MIB : len * 4;
	else
		cap = max;
	return cap < max ? cap : max;
}

int boot_unpack_payload(const uint8_t *payload, size_t len, size_t max_out,
			uint8_t **out, size_t *out_len, char *err,
			size_t errlen)
{
	const struct payload_format *fmt = payload_format_of(payload, len);
	struct unpack_out buf = { NULL, 0, 0, max_out };

	if (!fmt)
		return boot_fail(err, errlen,
				 "kernel payload has an unknown compression format (starts %02x %02x %02x %02x)",
				 len > 0 ? payload[0] : 0,
				 len > 1 ? payload[1] : 0,
				 len > 2 ? payload[2] : 0,
				 len > 3 ? payload[3] : 0);
	if (!fmt->decode)
		return boot_fail(err, errlen,
				 "kernel payload compressed with %s; hxen reads gzip, xz and zstd",
				 fmt->name);
	if (fmt->decode != decode_none &&
	    out_grow(&buf, first_out_cap(payload, len, max_out), err, errlen))
		return -1;
	if (fmt->decode(payload, len, &buf, err, errlen)) {
		free(buf.data);
		return -1;
	}
	*out = buf.data;
	*out_len = buf.len;
	return 0;
}

int boot_is_bzimage(const uint8_t *file, size_t size)
{
	return size >= BZ_MAGIC + 4 && !memcmp(file + BZ_MAGIC, "HdrS", 4);
}

int boot_unpack_bzimage(const uint8_t *file, size_t size,
			uint8_t **out, size_t *out_len, char *err,
			size_t errlen)
{
	unsigned int version, setup_sects;
	uint64_t pm_start, offset, length;

	if (!boot_is_bzimage(file, size))
		return boot_fail(err, errlen, "kernel is not a bzImage");
	if (size < BZ_HEADER_END)
		return boot_fail(err, errlen,
				 "bzImage is truncated (%zu bytes)", size);
	version = file[BZ_VERSION] | file[BZ_VERSION + 1] << 8;
	if (version < BZ_MIN_VERSION)
		return boot_fail(err, errlen,
				 "bzImage boot protocol %u.%02u is too old; hxen needs 2.08 or later",
				 version >> 8, version & 0xff);
	/* 0 setup sectors means 4, for the sake of ancient loaders. */
	setup_sects = file[BZ_SETUP_SECTS] ? file[BZ_SETUP_SECTS] : 4;
	pm_start = (uint64_t)(setup_sects + 1) * BZ_SECTOR;
	offset = get_le32(file + BZ_PAYLOAD_OFFSET);
	length = get_le32(file + BZ_PAYLOAD_LENGTH);
	if (pm_start > size || offset > size - pm_start ||
	    length > size - pm_start - offset)
		return boot_fail(err, errlen,
				 "bzImage payload (0x%llx bytes at 0x%llx) lies outside the file (%zu bytes; truncated?)",
				 (unsigned long long)length,
				 (unsigned long long)(pm_start + offset), size);
	if (length < 8)
		return boot_fail(err, errlen,
				 "bzImage payload is too short (%llu bytes)",
				 (unsigned long long)length);
	return boot_unpack_payload(file + pm_start + offset, (size_t)length,
				   BOOT_UNPACKED_MAX, out, out_len, err,
				   errlen);
}
