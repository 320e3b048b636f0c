// SPDX-License-Identifier: GPL-2.0
/* The console ring helpers against a ring page the test plays guest on. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console_ring.h"
#include "test.h"

int test_failures;

/* What hvc_xen does to print: bytes into out[], then out_prod. */
static size_t guest_print(struct xencons_interface *c, const char *s,
			  size_t len)
{
	size_t i;

	for (i = 0; i < len && c->out_prod - c->out_cons < sizeof(c->out);
	     i++) {
		c->out[MASK_XENCONS_IDX(c->out_prod, c->out)] = s[i];
		c->out_prod++;
	}
	return i;
}

/* What hvc_xen does to read input. */
static size_t guest_getc(struct xencons_interface *c, char *buf, size_t max)
{
	size_t i;

	for (i = 0; i < max && c->in_cons != c->in_prod; i++) {
		buf[i] = c->in[MASK_XENCONS_IDX(c->in_cons, c->in)];
		c->in_cons++;
	}
	return i;
}

static void test_read(void)
{
	struct xencons_interface *c = calloc(1, sizeof(*c));
	char buf[4096], big[3000];
	size_t i;
	ssize_t n;

	EXPECT("cons_read_empty", console_ring_read(c, buf, sizeof(buf)) == 0);
	guest_print(c, "hello", 5);
	n = console_ring_read(c, buf, sizeof(buf));
	EXPECT("cons_read_simple", n == 5 && memcmp(buf, "hello", 5) == 0 &&
	       c->out_cons == 5);
	/* Across the end of out[]. */
	c->out_cons = c->out_prod = sizeof(c->out) - 3;
	guest_print(c, "wrapping", 8);
	n = console_ring_read(c, buf, sizeof(buf));
	EXPECT("cons_read_wrap", n == 8 && memcmp(buf, "wrapping", 8) == 0 &&
	       c->out_cons == sizeof(c->out) + 5);
	EXPECT("cons_read_wrap_layout", memcmp(c->out, "pping", 5) == 0 &&
	       memcmp(c->out + sizeof(c->out) - 3, "wra", 3) == 0);
	/* Less room in buf than bytes in the ring. */
	guest_print(c, "abcdef", 6);
	n = console_ring_read(c, buf, 4);
	EXPECT("cons_read_partial", n == 4 && memcmp(buf, "abcd", 4) == 0);
	n = console_ring_read(c, buf, sizeof(buf));
	EXPECT("cons_read_rest", n == 2 && memcmp(buf, "ef", 2) == 0);
	/* A full ring: exactly sizeof(out) bytes. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	EXPECT("cons_guest_fills", guest_print(c, big, sizeof(big)) ==
	       sizeof(c->out));
	n = console_ring_read(c, buf, sizeof(buf));
	EXPECT("cons_read_full", n == (ssize_t)sizeof(c->out) &&
	       memcmp(buf, big, sizeof(c->out)) == 0);
	/* Indices wrapping around 2^32. */
	c->out_cons = c->out_prod = 0xfffffffc;
	guest_print(c, "12345678", 8);
	n = console_ring_read(c, buf, sizeof(buf));
	EXPECT("cons_read_idx_wrap", n == 8 &&
	       memcmp(buf, "12345678", 8) == 0 && c->out_cons == 4);
	/* Hostile: the producer claims more than the ring holds. */
	c->out_cons = 100;
	c->out_prod = 100 + sizeof(c->out) + 1;
	EXPECT("cons_read_hostile", console_ring_read(c, buf, sizeof(buf)) ==
	       -EPROTO && c->out_cons == 100);
	c->out_prod = 99;
	EXPECT("cons_read_hostile_behind",
	       console_ring_read(c, buf, sizeof(buf)) == -EPROTO);
	c->out_prod = 100 + sizeof(c->out);
	EXPECT("cons_read_exactly_full_ok",
	       console_ring_read(c, buf, 1) == 1 && c->out_cons == 101);
	free(c);
}

static void test_write(void)
{
	struct xencons_interface *c = calloc(1, sizeof(*c));
	char buf[2048], in[1500];
	size_t i;
	ssize_t n;

	n = console_ring_write(c, "ls\n", 3);
	EXPECT("cons_write_simple", n == 3 && c->in_prod == 3 &&
	       guest_getc(c, buf, sizeof(buf)) == 3 &&
	       memcmp(buf, "ls\n", 3) == 0);
	/* Across the end of in[]. */
	c->in_cons = c->in_prod = sizeof(c->in) - 2;
	n = console_ring_write(c, "wxyz", 4);
	EXPECT("cons_write_wrap", n == 4 &&
	       c->in_prod == sizeof(c->in) + 2 &&
	       memcmp(c->in + sizeof(c->in) - 2, "wx", 2) == 0 &&
	       memcmp(c->in, "yz", 2) == 0);
	EXPECT("cons_write_wrap_guest", guest_getc(c, buf, sizeof(buf)) == 4 &&
	       memcmp(buf, "wxyz", 4) == 0);
	/* More than fits: only the room is taken. */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)('a' + i % 26);
	n = console_ring_write(c, in, sizeof(in));
	EXPECT("cons_write_fills", n == (ssize_t)sizeof(c->in));
	EXPECT("cons_write_full", console_ring_write(c, "x", 1) == 0);
	EXPECT("cons_write_full_content",
	       guest_getc(c, buf, sizeof(buf)) == sizeof(c->in) &&
	       memcmp(buf, in, sizeof(c->in)) == 0);
	guest_getc(c, buf, 0);
	c->in_cons = c->in_prod - 1000;
	n = console_ring_write(c, in, 100);
	EXPECT("cons_write_partial_room", n == 24);
	/* Hostile: the consumer claims to have read what was never there. */
	c->in_cons = c->in_prod + 1;
	EXPECT("cons_write_hostile", console_ring_write(c, "x", 1) == -EPROTO);
	c->in_cons = c->in_prod - sizeof(c->in) - 1;
	EXPECT("cons_write_hostile_far", console_ring_write(c, "x", 1) ==
	       -EPROTO);
	EXPECT("cons_write_zero", (c->in_cons = c->in_prod,
				   console_ring_write(c, "x", 0) == 0));
	free(c);
}

int main(void)
{
	test_read();
	test_write();
	return test_failures ? 1 : 0;
}
