// SPDX-License-Identifier: GPL-2.0
/*
 * virthxend's XDR layer: round trips, exact wire bytes, and every kind of
 * malformed input.  Inputs are copied into heap blocks of exactly their
 * size, so a read past the end is an AddressSanitizer report.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "xdr.h"

int test_failures;

/* A decoder over a private heap copy of @n bytes (free with dec_free). */
static void *dec_copy(struct xdr_dec *d, const void *bytes, size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	if (n)
		memcpy(p, bytes, n);
	xdr_dec_init(d, p, n);
	return p;
}

/* ---- Round trips -------------------------------------------------------- */

static void test_round_trip(void)
{
	static const uint8_t fixed[5] = { 1, 2, 3, 4, 5 };
	struct xdr_enc e;
	struct xdr_dec d;
	uint8_t fixed_out[5];
	uint32_t u32, n;
	int32_t i32;
	uint64_t u64;
	int64_t i64;
	bool b1, b2;
	char *s, *none, *some;
	void *op;

	xdr_enc_init(&e, 4096);
	xdr_put_u32(&e, 0xdeadbeef);
	xdr_put_i32(&e, -2);
	xdr_put_u64(&e, 0x0123456789abcdefull);
	xdr_put_i64(&e, -3);
	xdr_put_bool(&e, true);
	xdr_put_bool(&e, false);
	xdr_put_string(&e, "hello", 16);
	xdr_put_opt_string(&e, NULL, 16);
	xdr_put_opt_string(&e, "hxen", 16);
	xdr_put_fixed(&e, fixed, sizeof(fixed));
	xdr_put_opaque(&e, "abc", 3, 8);
	xdr_put_count(&e, 7, 10);
	EXPECT("xdr/encode-ok", e.err == 0);
	/* 4+4+8+8+4+4 + (4+5+3) + 4 + (4+4+4) + (5+3) + (4+3+1) + 4 */
	EXPECT("xdr/encode-length", e.len == 80);
	EXPECT("xdr/length-multiple-of-4", e.len % 4 == 0);

	xdr_dec_init(&d, e.data, e.len);
	xdr_get_u32(&d, &u32);
	xdr_get_i32(&d, &i32);
	xdr_get_u64(&d, &u64);
	xdr_get_i64(&d, &i64);
	xdr_get_bool(&d, &b1);
	xdr_get_bool(&d, &b2);
	xdr_get_string(&d, &s, 16);
	xdr_get_opt_string(&d, &none, 16);
	xdr_get_opt_string(&d, &some, 16);
	xdr_get_fixed(&d, fixed_out, sizeof(fixed_out));
	xdr_get_opaque(&d, &op, &n, 8);
	xdr_get_count(&d, &u32, 10, 4);	/* 7 elements of 4 bytes: none left */
	EXPECT("xdr/count-needs-bytes", d.err == -EBADMSG);

	xdr_dec_init(&d, e.data, e.len);
	free(s);
	free(some);
	free(op);
	xdr_get_u32(&d, &u32);
	EXPECT("xdr/u32", u32 == 0xdeadbeef);
	xdr_get_i32(&d, &i32);
	EXPECT("xdr/i32-negative", i32 == -2);
	xdr_get_u64(&d, &u64);
	EXPECT("xdr/u64", u64 == 0x0123456789abcdefull);
	xdr_get_i64(&d, &i64);
	EXPECT("xdr/i64-negative", i64 == -3);
	xdr_get_bool(&d, &b1);
	xdr_get_bool(&d, &b2);
	EXPECT("xdr/bools", b1 && !b2);
	xdr_get_string(&d, &s, 16);
	EXPECT_STR("xdr/string", s, "hello");
	xdr_get_opt_string(&d, &none, 16);
	EXPECT("xdr/opt-string-absent", none == NULL);
	xdr_get_opt_string(&d, &some, 16);
	EXPECT_STR("xdr/opt-string-present", some, "hxen");
	xdr_get_fixed(&d, fixed_out, sizeof(fixed_out));
	EXPECT("xdr/fixed", !memcmp(fixed_out, fixed, sizeof(fixed)));
	xdr_get_opaque(&d, &op, &n, 8);
	EXPECT("xdr/opaque", n == 3 && op && !memcmp(op, "abc", 3));
	xdr_get_count(&d, &u32, 10, 0);
	EXPECT("xdr/count", u32 == 7);
	EXPECT("xdr/all-consumed", xdr_dec_done(&d) == 0);
	free(s);
	free(some);
	free(op);
	xdr_enc_free(&e);
}

/* The bytes on the wire: big-endian words, zero padding to 4 bytes. */
static void test_wire_bytes(void)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c', 0x00,	/* string */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,	/* hyper 1<<32 */
		0x00, 0x00, 0x00, 0x00,				/* opt NULL */
		0xff, 0xff, 0xff, 0xfe,				/* int -2 */
	};
	struct xdr_enc e;

	xdr_enc_init(&e, 64);
	xdr_put_string(&e, "abc", 8);
	xdr_put_u64(&e, 1ull << 32);
	xdr_put_opt_string(&e, NULL, 8);
	xdr_put_i32(&e, -2);
	EXPECT("xdr/wire-bytes",
	       e.len == sizeof(want) && !memcmp(e.data, want, sizeof(want)));
	xdr_enc_free(&e);
}

/* ---- The encoder's limits ----------------------------------------------- */

static void test_encoder_limits(void)
{
	struct xdr_enc e;

	xdr_enc_init(&e, 8);
	EXPECT("xdr/enc-fits", !xdr_put_u64(&e, 1) && e.len == 8);
	EXPECT("xdr/enc-over-max", xdr_put_u32(&e, 1) == -EMSGSIZE);
	EXPECT("xdr/enc-sticky", xdr_put_bool(&e, true) == -EMSGSIZE &&
					 e.len == 8);
	xdr_enc_truncate(&e, 4);
	EXPECT("xdr/enc-truncate-clears", e.err == 0 && e.len == 4);
	EXPECT("xdr/enc-patch", !xdr_patch_u32(&e, 0, 0x01020304) &&
					e.data[0] == 1 && e.data[3] == 4);
	EXPECT("xdr/enc-patch-out-of-range", xdr_patch_u32(&e, 2, 0) == -EINVAL);
	xdr_enc_free(&e);

	xdr_enc_init(&e, 1024);
	EXPECT("xdr/enc-string-over-max",
	       xdr_put_string(&e, "toolong", 3) == -EMSGSIZE && e.len == 0);
	xdr_enc_reset(&e);
	EXPECT("xdr/enc-opaque-over-max",
	       xdr_put_opaque(&e, "abcd", 4, 3) == -EMSGSIZE);
	xdr_enc_reset(&e);
	EXPECT("xdr/enc-count-over-max", xdr_put_count(&e, 11, 10) == -EMSGSIZE);
	xdr_enc_reset(&e);
	EXPECT("xdr/enc-reset-reuses", !xdr_put_u32(&e, 5) && e.len == 4);
	xdr_enc_free(&e);

	/* Growth across many reallocations keeps the contents. */
	xdr_enc_init(&e, 1 << 20);
	{
		uint32_t i, v;
		struct xdr_dec d;
		bool same = true;

		for (i = 0; i < 100000; i++)
			xdr_put_u32(&e, i);
		xdr_dec_init(&d, e.data, e.len);
		for (i = 0; i < 100000; i++) {
			xdr_get_u32(&d, &v);
			same &= v == i;
		}
		EXPECT("xdr/enc-growth", !e.err && same && !xdr_dec_done(&d));
	}
	xdr_enc_free(&e);
}

/* ---- Malformed input ---------------------------------------------------- */

static void test_short_input(void)
{
	static const uint8_t three[3] = { 0, 0, 1 };
	static const uint8_t seven[7] = { 0 };
	struct xdr_dec d;
	uint32_t u32 = 99;
	uint64_t u64 = 99;
	bool b = true;
	void *p;

	p = dec_copy(&d, three, sizeof(three));
	EXPECT("xdr/short-u32", xdr_get_u32(&d, &u32) == -EBADMSG && u32 == 0);
	free(p);
	p = dec_copy(&d, seven, sizeof(seven));
	EXPECT("xdr/short-u64", xdr_get_u64(&d, &u64) == -EBADMSG && u64 == 0);
	free(p);
	p = dec_copy(&d, NULL, 0);
	EXPECT("xdr/empty-bool", xdr_get_bool(&d, &b) == -EBADMSG && !b);
	EXPECT("xdr/empty-is-done-with-error", xdr_dec_done(&d) == -EBADMSG);
	free(p);
}

static void test_bad_bool(void)
{
	static const uint8_t two[4] = { 0, 0, 0, 2 };
	struct xdr_dec d;
	char *s = (char *)"x";
	bool b = true;
	void *p;

	p = dec_copy(&d, two, sizeof(two));
	EXPECT("xdr/bool-2", xdr_get_bool(&d, &b) == -EBADMSG && !b);
	free(p);
	p = dec_copy(&d, two, sizeof(two));
	EXPECT("xdr/opt-string-bad-discriminant",
	       xdr_get_opt_string(&d, &s, 16) == -EBADMSG && s == NULL);
	free(p);
}

static void test_bad_strings(void)
{
	/* Announces 100 bytes, has 4. */
	static const uint8_t beyond[8] = { 0, 0, 0, 100, 'a', 'b', 'c', 'd' };
	static const uint8_t huge[8] = { 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c',
					 'd' };
	/* 5 bytes of string and no padding. */
	static const uint8_t unpadded[9] = { 0, 0, 0, 5, 'a', 'b', 'c', 'd',
					     'e' };
	static const uint8_t nul[8] = { 0, 0, 0, 3, 'a', 0, 'c', 0 };
	static const uint8_t ok[8] = { 0, 0, 0, 4, 'a', 'b', 'c', 'd' };
	struct xdr_dec d;
	char *s;
	void *p;

	p = dec_copy(&d, beyond, sizeof(beyond));
	EXPECT("xdr/string-beyond-buffer",
	       xdr_get_string(&d, &s, 1000) == -EBADMSG && !s);
	EXPECT("xdr/string-beyond-consumes-only-length", d.pos == 4);
	free(p);
	p = dec_copy(&d, huge, sizeof(huge));
	EXPECT("xdr/string-length-0xffffffff",
	       xdr_get_string(&d, &s, UINT32_MAX) == -EBADMSG && !s);
	free(p);
	p = dec_copy(&d, unpadded, sizeof(unpadded));
	EXPECT("xdr/string-missing-padding",
	       xdr_get_string(&d, &s, 16) == -EBADMSG && !s);
	free(p);
	p = dec_copy(&d, nul, sizeof(nul));
	EXPECT("xdr/string-embedded-nul",
	       xdr_get_string(&d, &s, 16) == -EBADMSG && !s);
	free(p);
	p = dec_copy(&d, ok, sizeof(ok));
	EXPECT("xdr/string-over-max", xdr_get_string(&d, &s, 3) == -EBADMSG &&
					      !s);
	free(p);
	p = dec_copy(&d, ok, sizeof(ok));
	EXPECT("xdr/string-at-max", !xdr_get_string(&d, &s, 4) && s &&
					    !strcmp(s, "abcd"));
	free(s);
	free(p);
}

static void test_bad_opaque_and_counts(void)
{
	static const uint8_t op9[12] = { 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t count[8] = { 0, 0, 0, 11, 0, 0, 0, 0 };
	static const uint8_t many[8] = { 0x00, 0x10, 0x00, 0x00, 0, 0, 0, 0 };
	struct xdr_dec d;
	uint8_t fixed[6];
	uint32_t n = 5;
	void *p, *out;

	p = dec_copy(&d, op9, sizeof(op9));
	EXPECT("xdr/opaque-beyond-buffer",
	       xdr_get_opaque(&d, &out, &n, 64) == -EBADMSG && !out && !n);
	free(p);
	p = dec_copy(&d, op9, sizeof(op9));
	EXPECT("xdr/opaque-over-max",
	       xdr_get_opaque(&d, &out, &n, 8) == -EBADMSG && !out);
	free(p);
	p = dec_copy(&d, op9 + 4, 5);
	EXPECT("xdr/fixed-beyond-buffer",
	       xdr_get_fixed(&d, fixed, sizeof(fixed)) == -EBADMSG &&
		       fixed[0] == 0);
	free(p);
	p = dec_copy(&d, count, sizeof(count));
	EXPECT("xdr/count-over-max",
	       xdr_get_count(&d, &n, 10, 0) == -EBADMSG && n == 0);
	free(p);
	/* 1 Mi elements of at least 4 bytes in 4 bytes of input. */
	p = dec_copy(&d, many, sizeof(many));
	EXPECT("xdr/count-beyond-input",
	       xdr_get_count(&d, &n, UINT32_MAX, 4) == -EBADMSG && n == 0);
	free(p);
	p = dec_copy(&d, many, sizeof(many));
	EXPECT("xdr/count-without-element-size",
	       !xdr_get_count(&d, &n, UINT32_MAX, 0) && n == 0x100000);
	free(p);
}

static void test_sticky_and_done(void)
{
	static const uint8_t bytes[12] = { 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 9 };
	struct xdr_dec d;
	uint32_t a, b;
	char *s = (char *)"x";
	void *p;

	p = dec_copy(&d, bytes, sizeof(bytes));
	xdr_get_u32(&d, &a);
	EXPECT("xdr/leftover-is-error", xdr_dec_done(&d) == -EBADMSG);
	EXPECT("xdr/sticky-after-error", xdr_get_u32(&d, &b) == -EBADMSG &&
						 b == 0);
	EXPECT("xdr/sticky-string", xdr_get_string(&d, &s, 8) == -EBADMSG &&
					    s == NULL);
	free(p);

	p = dec_copy(&d, bytes, sizeof(bytes));
	xdr_get_u32(&d, &a);
	xdr_get_u32(&d, &a);
	xdr_get_u32(&d, &a);
	EXPECT("xdr/done-when-consumed", !xdr_dec_done(&d) &&
						 !xdr_dec_left(&d));
	free(p);
}

/* Every prefix of a valid encoding fails cleanly, without reading past it. */
static void test_every_truncation(void)
{
	struct xdr_enc e;
	bool all_fail = true;
	size_t cut;

	xdr_enc_init(&e, 256);
	xdr_put_string(&e, "name", 64);
	xdr_put_opt_string(&e, "uri", 64);
	xdr_put_opaque(&e, "12345", 5, 16);
	xdr_put_u64(&e, 42);
	for (cut = 0; cut < e.len; cut++) {
		struct xdr_dec d;
		char *a, *b;
		void *o, *p;
		uint32_t n;
		uint64_t v;

		p = dec_copy(&d, e.data, cut);
		xdr_get_string(&d, &a, 64);
		xdr_get_opt_string(&d, &b, 64);
		xdr_get_opaque(&d, &o, &n, 16);
		xdr_get_u64(&d, &v);
		all_fail &= xdr_dec_done(&d) != 0;
		free(a);
		free(b);
		free(o);
		free(p);
	}
	EXPECT("xdr/every-truncation-fails", all_fail);
	xdr_enc_free(&e);
}

int main(void)
{
	test_round_trip();
	test_wire_bytes();
	test_encoder_limits();
	test_short_input();
	test_bad_bool();
	test_bad_strings();
	test_bad_opaque_and_counts();
	test_sticky_and_done();
	test_every_truncation();
	return test_failures ? 1 : 0;
}
