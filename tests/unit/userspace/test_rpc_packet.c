// SPDX-License-Identifier: GPL-2.0
/*
 * virthxend's packets: framing from a stream fd (whole, split, back to
 * back, too short, too long, cut off), the header, error and keepalive
 * replies, and the routing of packets to programs and procedures (bad
 * program, bad version, unknown and unimplemented procedures, calls before
 * CONNECT_OPEN, malformed arguments).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dispatch.h"
#include "rpc_call.h"
#include "rpc_packet.h"
#include "rpc_proto.h"
#include "test.h"
#include "xdr.h"

int test_failures;

#define MAX_PACKET 300000u

/* ---- Helpers ------------------------------------------------------------ */

/* A whole packet (length word first) for @h with @payload_len bytes of @fill. */
static void make_packet(struct xdr_enc *e, const struct rpc_header *h,
			size_t payload_len, uint8_t fill)
{
	size_t start = e->len, i;

	rpc_packet_begin(e, h);
	for (i = 0; i < payload_len / 4; i++)
		xdr_put_u32(e, fill * 0x01010101u);
	rpc_packet_end(e, start);
}

/* An fd reading @n bytes of @data, then end of file. */
static int fd_with(const void *data, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	if (!f || fwrite(data, 1, n, f) != n || fflush(f))
		abort();
	fd = dup(fileno(f));
	fclose(f);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* ---- Header ------------------------------------------------------------- */

static void test_header(void)
{
	struct rpc_header h = call_hdr, back;
	struct xdr_enc e;
	struct xdr_dec d;

	h.proc = -5;
	h.serial = 0xfffffffe;
	xdr_enc_init(&e, 64);
	rpc_header_encode(&e, &h);
	EXPECT("rpc/header-24-bytes", e.len == VIR_NET_MESSAGE_HEADER_MAX);
	xdr_dec_init(&d, e.data, e.len);
	EXPECT("rpc/header-round-trip",
	       !rpc_header_decode(&d, &back) && !memcmp(&h, &back, sizeof(h)));
	xdr_dec_init(&d, e.data, e.len - 1);
	EXPECT("rpc/header-short", rpc_header_decode(&d, &back) == -EBADMSG);
	xdr_enc_free(&e);
}

/* ---- Framing ------------------------------------------------------------ */

static void test_reader_whole_and_back_to_back(void)
{
	struct rpc_reader r;
	struct xdr_enc e;
	struct rpc_header h2 = call_hdr;
	bool ok;
	int fd;

	xdr_enc_init(&e, 1 << 20);
	make_packet(&e, &call_hdr, 8, 0xaa);
	h2.serial = 8;
	make_packet(&e, &h2, 100, 0x55);
	fd = fd_with(e.data, e.len);

	rpc_reader_init(&r, MAX_PACKET);
	EXPECT("rpc/read-first", rpc_reader_feed(&r, fd) == 1);
	ok = r.total == 4 + 24 + 8 && r.body[24] == 0xaa &&
	     !memcmp(r.body, e.data + 4, 24);
	EXPECT("rpc/read-first-contents", ok);
	EXPECT("rpc/read-second", rpc_reader_feed(&r, fd) == 1);
	ok = r.total == 4 + 24 + 100 && r.body[24 + 99] == 0x55 &&
	     r.body[19] == 8;	/* the serial's low byte */
	EXPECT("rpc/read-second-not-merged", ok);
	EXPECT("rpc/read-eof-between-packets", rpc_reader_feed(&r, fd) == -EPIPE);
	rpc_reader_free(&r);
	close(fd);
	xdr_enc_free(&e);
}

static void test_reader_split(void)
{
	struct rpc_reader r;
	struct xdr_enc e;
	int sv[2], rc = 0;
	size_t i;
	bool zero_until_last = true;

	xdr_enc_init(&e, 1 << 20);
	make_packet(&e, &call_hdr, 12, 0x11);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		abort();
	rpc_reader_init(&r, MAX_PACKET);
	EXPECT("rpc/read-nothing-yet", rpc_reader_feed(&r, sv[0]) == 0);
	for (i = 0; i < e.len; i++) {
		if (write(sv[1], e.data + i, 1) != 1)
			abort();
		rc = rpc_reader_feed(&r, sv[0]);
		if (i + 1 < e.len && rc != 0)
			zero_until_last = false;
	}
	EXPECT("rpc/read-byte-by-byte", zero_until_last && rc == 1 &&
						r.body[24] == 0x11);
	close(sv[1]);
	EXPECT("rpc/read-peer-closed", rpc_reader_feed(&r, sv[0]) == -EPIPE);
	rpc_reader_free(&r);
	close(sv[0]);
	xdr_enc_free(&e);
}

static void test_reader_large(void)
{
	struct rpc_reader r;
	struct xdr_enc e;
	size_t body = 200000;
	bool ok;
	int fd;

	xdr_enc_init(&e, 1 << 20);
	make_packet(&e, &call_hdr, body, 0x77);
	fd = fd_with(e.data, e.len);
	rpc_reader_init(&r, MAX_PACKET);
	EXPECT("rpc/read-large", rpc_reader_feed(&r, fd) == 1);
	ok = r.total == e.len && !memcmp(r.body, e.data + 4, e.len - 4);
	EXPECT("rpc/read-large-contents", ok);
	rpc_reader_free(&r);
	close(fd);
	xdr_enc_free(&e);
}

/* A packet whose length word says @len, followed by @extra bytes. */
static int read_with_length(uint32_t len, size_t extra)
{
	uint8_t buf[64] = { len >> 24, len >> 16, len >> 8, len };
	struct rpc_reader r;
	int fd, rc;

	fd = fd_with(buf, 4 + extra);
	rpc_reader_init(&r, MAX_PACKET);
	rc = rpc_reader_feed(&r, fd);
	rpc_reader_free(&r);
	close(fd);
	return rc;
}

static void test_reader_bad_lengths(void)
{
	EXPECT("rpc/length-0", read_with_length(0, 0) == -EMSGSIZE);
	EXPECT("rpc/length-below-header", read_with_length(27, 23) == -EMSGSIZE);
	EXPECT("rpc/length-over-limit",
	       read_with_length(MAX_PACKET + 1, 0) == -EMSGSIZE);
	EXPECT("rpc/length-0xffffffff",
	       read_with_length(0xffffffff, 0) == -EMSGSIZE);
	EXPECT("rpc/length-at-limit-then-eof",
	       read_with_length(MAX_PACKET, 40) == -EPROTO);
	EXPECT("rpc/eof-after-length-word", read_with_length(0x1c, 0) == -EPROTO);
	{
		uint8_t two[2] = { 0, 0 };
		struct rpc_reader r;
		int fd = fd_with(two, sizeof(two));

		rpc_reader_init(&r, MAX_PACKET);
		EXPECT("rpc/eof-inside-length-word",
		       rpc_reader_feed(&r, fd) == -EPROTO);
		rpc_reader_free(&r);
		close(fd);
	}
	EXPECT("rpc/cut-in-body", read_with_length(40, 20) == -EPROTO);
}

/* ---- Replies ------------------------------------------------------------ */

static void test_error_reply(void)
{
	struct rpc_error err;
	struct rpc_header h;
	struct xdr_enc e;
	struct xdr_dec d;
	bool ok;

	xdr_enc_init(&e, 4096);
	EXPECT("rpc/build-error",
	       !rpc_build_error(&e, &call_hdr, VIR_ERR_NO_SUPPORT, VIR_FROM_XEN,
				"not here"));
	ok = one_packet(&e, &d, &h) && h.prog == REMOTE_PROGRAM &&
	     h.type == VIR_NET_REPLY && h.status == VIR_NET_ERROR &&
	     h.serial == 7 && h.proc == REMOTE_PROC_CONNECT_GET_TYPE;
	EXPECT("rpc/error-header", ok);
	ok = !rpc_error_decode(&d, &err) && !xdr_dec_done(&d) &&
	     err.code == VIR_ERR_NO_SUPPORT && err.domain == VIR_FROM_XEN &&
	     err.level == VIR_ERR_ERROR;
	EXPECT("rpc/error-payload", ok);
	EXPECT_STR("rpc/error-message", err.message, "not here");
	rpc_error_free(&err);

	/* Every truncation of the payload fails to decode, without leaks. */
	{
		size_t cut, payload = 4 + 24;
		bool all_fail = true;

		for (cut = payload; cut < e.len; cut++) {
			uint8_t *copy = malloc(cut);

			memcpy(copy, e.data, cut);
			xdr_dec_init(&d, copy + payload, cut - payload);
			all_fail &= rpc_error_decode(&d, &err) != 0 &&
				    err.message == NULL;
			free(copy);
		}
		EXPECT("rpc/error-every-truncation-fails", all_fail);
	}

	/* An error on a stream packet is a STREAM packet. */
	{
		struct rpc_header sh = call_hdr;

		sh.type = VIR_NET_STREAM;
		sh.status = VIR_NET_CONTINUE;
		xdr_enc_reset(&e);
		rpc_build_error(&e, &sh, VIR_ERR_RPC, VIR_FROM_RPC, NULL);
		ok = one_packet(&e, &d, &h) && h.type == VIR_NET_STREAM &&
		     h.status == VIR_NET_ERROR && !rpc_error_decode(&d, &err) &&
		     err.message == NULL;
		EXPECT("rpc/stream-error", ok);
		rpc_error_free(&err);
	}
	xdr_enc_free(&e);
}

static void test_pong(void)
{
	const struct rpc_header ping = {
		.prog = KEEPALIVE_PROGRAM,
		.vers = KEEPALIVE_PROTOCOL_VERSION,
		.proc = KEEPALIVE_PROC_PING,
		.type = VIR_NET_MESSAGE,
	};
	struct rpc_header h;
	struct xdr_enc e;
	struct xdr_dec d;
	bool ok;

	xdr_enc_init(&e, 64);
	rpc_build_pong(&e, &ping);
	ok = one_packet(&e, &d, &h) && h.prog == KEEPALIVE_PROGRAM &&
	     h.proc == KEEPALIVE_PROC_PONG && h.type == VIR_NET_MESSAGE &&
	     h.status == VIR_NET_OK && !xdr_dec_done(&d);
	EXPECT("rpc/pong", ok);
	xdr_enc_free(&e);
}

/* ---- Routing ------------------------------------------------------------ */

static struct vhd_config cfg_user = { .privileged = false };

static void test_routing_before_open(void)
{
	struct rpc_conn c = { .cfg = &cfg_user };
	struct rpc_header h;
	struct xdr_enc out;
	struct xdr_dec d;
	char msg[512];
	uint32_t n;
	int32_t type, sup;

	xdr_enc_init(&out, VIR_NET_MESSAGE_MAX);

	h = remote_call(REMOTE_PROC_CONNECT_GET_TYPE);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/before-open-refused",
	       is_error(&out, VIR_ERR_INTERNAL_ERROR, msg, sizeof(msg)));
	EXPECT_CONTAINS("route/before-open-message", msg, "not open");

	h = remote_call(REMOTE_PROC_AUTH_LIST);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/auth-list-before-open", is_ok(&out, &d));
	xdr_get_count(&d, &n, REMOTE_AUTH_TYPE_LIST_MAX, 4);
	xdr_get_i32(&d, &type);
	EXPECT("route/auth-list-none", n == 1 && type == REMOTE_AUTH_NONE &&
					       !xdr_dec_done(&d));

	{
		uint8_t arg[4] = { 0, 0, 0, VIR_DRV_FEATURE_PROGRAM_KEEPALIVE };

		h = remote_call(REMOTE_PROC_CONNECT_SUPPORTS_FEATURE);
		send_call(&c, &h, arg, sizeof(arg), &out);
		EXPECT("route/feature-keepalive", is_ok(&out, &d) &&
				!xdr_get_i32(&d, &sup) && sup == 1);
		arg[3] = VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK;
		send_call(&c, &h, arg, sizeof(arg), &out);
		EXPECT("route/feature-event-callback-no", is_ok(&out, &d) &&
				!xdr_get_i32(&d, &sup) && sup == 0);
		send_call(&c, &h, arg, 3, &out);
		EXPECT("route/feature-short-args",
		       is_error(&out, VIR_ERR_RPC, NULL, 0));
	}
	xdr_enc_free(&out);
}

static void test_routing_open(void)
{
	struct rpc_conn c = { .cfg = &cfg_user };
	struct rpc_header h = remote_call(REMOTE_PROC_CONNECT_OPEN);
	struct xdr_enc out, a;
	struct xdr_dec d;
	char msg[512], *s = NULL;
	uint32_t n, count;

	xdr_enc_init(&out, VIR_NET_MESSAGE_MAX);
	xdr_enc_init(&a, 1 << 16);

	open_args(&a, "qemu:///system", 0);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/open-other-scheme",
	       is_error(&out, VIR_ERR_NO_CONNECT, msg, sizeof(msg)) && !c.open);
	EXPECT_CONTAINS("route/open-other-scheme-message", msg,
			"qemu:///system");
	open_args(&a, "hxen://remotehost/session", 0);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/open-with-host",
	       is_error(&out, VIR_ERR_NO_CONNECT, NULL, 0) && !c.open);
	open_args(&a, "hxen:///system", 0);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/open-system-unprivileged",
	       is_error(&out, VIR_ERR_NO_CONNECT, NULL, 0) && !c.open);

	/* Truncated (no flags) and over-long arguments. */
	send_call(&c, &h, a.data, a.len - 4, &out);
	EXPECT("route/open-truncated-args",
	       is_error(&out, VIR_ERR_RPC, NULL, 0) && !c.open);
	open_args(&a, "hxen:///session", 0);
	xdr_put_u32(&a, 0);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/open-trailing-args",
	       is_error(&out, VIR_ERR_RPC, NULL, 0) && !c.open);
	/* A URI whose length runs past the packet. */
	{
		uint8_t bad[12] = { 0, 0, 0, 1, 0, 0, 0x10, 0, 'h', 'x', 'e',
				    'n' };

		send_call(&c, &h, bad, sizeof(bad), &out);
		EXPECT("route/open-string-beyond-packet",
		       is_error(&out, VIR_ERR_RPC, NULL, 0) && !c.open);
	}

	open_args(&a, "hxen:///session?extra=1", VIR_CONNECT_RO | 0x4);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/open-session", is_ok(&out, &d) && !xdr_dec_done(&d) &&
					     c.open && c.read_only);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/open-twice",
	       is_error(&out, VIR_ERR_INTERNAL_ERROR, NULL, 0));

	h = remote_call(REMOTE_PROC_CONNECT_GET_URI);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/get-uri", is_ok(&out, &d) &&
			!xdr_get_string(&d, &s, REMOTE_STRING_MAX));
	EXPECT_STR("route/get-uri-canonical", s, "hxen:///session");
	free(s);
	s = NULL;

	h = remote_call(REMOTE_PROC_CONNECT_GET_TYPE);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/get-type", is_ok(&out, &d) &&
			!xdr_get_string(&d, &s, REMOTE_STRING_MAX));
	EXPECT_STR("route/get-type-hxen", s, "hxen");
	free(s);
	s = NULL;
	send_call(&c, &h, "\0\0\0\0", 4, &out);
	EXPECT("route/void-call-with-args",
	       is_error(&out, VIR_ERR_RPC, NULL, 0));

	h = remote_call(REMOTE_PROC_CONNECT_GET_CAPABILITIES);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/capabilities", is_ok(&out, &d) &&
			!xdr_get_string(&d, &s, REMOTE_STRING_MAX));
	EXPECT_CONTAINS("route/capabilities-guest-arch", s,
			"<arch name='x86_64'>");
	EXPECT_CONTAINS("route/capabilities-domain-xen", s,
			"<domain type='xen'/>");
	free(s);
	s = NULL;

	/* Lists: all empty, bad maxima refused. */
	h = remote_call(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS);
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 1);
	xdr_put_u32(&a, 0);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/list-all-empty", is_ok(&out, &d) &&
			!xdr_get_count(&d, &n, REMOTE_DOMAIN_LIST_MAX, 0) &&
			!xdr_get_u32(&d, &count) && !n && !count &&
			!xdr_dec_done(&d));
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 1);
	xdr_put_u32(&a, 0x10000);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/list-all-bad-flags",
	       is_error(&out, VIR_ERR_INVALID_ARG, NULL, 0));

	h = remote_call(REMOTE_PROC_CONNECT_LIST_DOMAINS);
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 100);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/list-ids-empty", is_ok(&out, &d) &&
			!xdr_get_count(&d, &n, REMOTE_DOMAIN_LIST_MAX, 4) &&
			!n && !xdr_dec_done(&d));
	xdr_enc_reset(&a);
	xdr_put_i32(&a, -1);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/list-ids-negative",
	       is_error(&out, VIR_ERR_INVALID_ARG, NULL, 0));
	h = remote_call(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS);
	xdr_enc_reset(&a);
	xdr_put_i32(&a, REMOTE_DOMAIN_LIST_MAX + 1);
	send_call(&c, &h, a.data, a.len, &out);
	EXPECT("route/list-names-over-max",
	       is_error(&out, VIR_ERR_RPC, NULL, 0));
	h = remote_call(REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/num-defined-zero", is_ok(&out, &d) &&
			!xdr_get_u32(&d, &n) && !n && !xdr_dec_done(&d));

	/* Procedures without a handler. */
	h = remote_call(REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY);
	send_call(&c, &h, "\0\0\0\1", 4, &out);
	EXPECT("route/unimplemented-domain-proc",
	       is_error(&out, VIR_ERR_NO_SUPPORT, msg, sizeof(msg)));
	EXPECT_CONTAINS("route/unimplemented-names-api", msg,
			"virConnectDomainEventRegisterAny");
	h = remote_call(9999);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/unknown-proc",
	       is_error(&out, VIR_ERR_NO_SUPPORT, msg, sizeof(msg)));
	EXPECT_CONTAINS("route/unknown-proc-message", msg, "9999");
	h = remote_call(-1);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/negative-proc", is_error(&out, VIR_ERR_NO_SUPPORT, NULL, 0));
	h = remote_call(0);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/proc-0", is_error(&out, VIR_ERR_NO_SUPPORT, NULL, 0));

	h = remote_call(REMOTE_PROC_CONNECT_CLOSE);
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/close", is_ok(&out, &d) && !c.open);

	xdr_enc_free(&a);
	xdr_enc_free(&out);
}

static void test_routing_programs(void)
{
	struct rpc_conn c = { .cfg = &cfg_user };
	struct rpc_header h;
	struct xdr_enc out;
	struct xdr_dec d;
	char msg[512];

	xdr_enc_init(&out, VIR_NET_MESSAGE_MAX);

	h = remote_call(REMOTE_PROC_AUTH_LIST);
	h.prog = 0x12345678;
	EXPECT("route/bad-program-kept",
	       send_call(&c, &h, NULL, 0, &out) == DISPATCH_OK);
	EXPECT("route/bad-program-error",
	       is_error(&out, VIR_ERR_RPC, msg, sizeof(msg)));
	EXPECT_CONTAINS("route/bad-program-message", msg, "12345678");
	h.type = VIR_NET_MESSAGE;
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/bad-program-message-dropped", out.len == 0);

	h = remote_call(REMOTE_PROC_AUTH_LIST);
	h.vers = 2;
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/bad-version", is_error(&out, VIR_ERR_RPC, NULL, 0));
	h = remote_call(REMOTE_PROC_AUTH_LIST);
	h.status = VIR_NET_ERROR;
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/call-with-error-status",
	       is_error(&out, VIR_ERR_RPC, NULL, 0));
	h = remote_call(REMOTE_PROC_AUTH_LIST);
	h.type = VIR_NET_CALL_WITH_FDS;
	send_call(&c, &h, "\0\0\0\1", 4, &out);
	EXPECT("route/call-with-fds", is_error(&out, VIR_ERR_NO_SUPPORT, NULL, 0));
	h.type = VIR_NET_REPLY;
	EXPECT("route/reply-from-client-drops",
	       send_call(&c, &h, NULL, 0, &out) == DISPATCH_CLOSE);
	h.type = 99;
	EXPECT("route/unknown-type-drops",
	       send_call(&c, &h, NULL, 0, &out) == DISPATCH_CLOSE);
	h.type = VIR_NET_STREAM;
	EXPECT("route/stream-ignored",
	       send_call(&c, &h, "data", 4, &out) == DISPATCH_OK &&
		       out.len == 0);

	/* Keepalive. */
	h = (struct rpc_header){ .prog = KEEPALIVE_PROGRAM,
				 .vers = KEEPALIVE_PROTOCOL_VERSION,
				 .proc = KEEPALIVE_PROC_PING,
				 .type = VIR_NET_MESSAGE };
	send_call(&c, &h, NULL, 0, &out);
	{
		struct rpc_header r;

		EXPECT("route/ping-pong",
		       one_packet(&out, &d, &r) && r.proc == KEEPALIVE_PROC_PONG &&
			       r.prog == KEEPALIVE_PROGRAM);
	}
	h.proc = KEEPALIVE_PROC_PONG;
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/pong-ignored", out.len == 0);
	h.proc = KEEPALIVE_PROC_PING;
	h.vers = 3;
	send_call(&c, &h, NULL, 0, &out);
	EXPECT("route/ping-bad-version-ignored", out.len == 0);

	/* Fewer bytes than a header. */
	EXPECT("route/short-header-drops",
	       dispatch_packet(&c, (const uint8_t *)"abc", 3, &out) ==
		       DISPATCH_CLOSE);
	xdr_enc_free(&out);
}

int main(void)
{
	char tmp[] = "/tmp/hxen-test-rpc-XXXXXX", cmd[64];

	/* The domain lists are the user's: make them an empty one's. */
	if (!mkdtemp(tmp))
		return 1;
	setenv("XDG_RUNTIME_DIR", tmp, 1);
	setenv("XDG_CONFIG_HOME", tmp, 1);
	test_header();
	test_reader_whole_and_back_to_back();
	test_reader_split();
	test_reader_large();
	test_reader_bad_lengths();
	test_error_reply();
	test_pong();
	test_routing_before_open();
	test_routing_open();
	test_routing_programs();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		return 1;
	return test_failures ? 1 : 0;
}
