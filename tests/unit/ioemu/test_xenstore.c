// SPDX-License-Identifier: GPL-2.0
/*
 * ioemu's xenstore server, driven through a ring page exactly as Linux's
 * xenbus drives it: request bytes into req[], req_prod bumped, the
 * server run, replies and watch events parsed out of rsp[].
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "xenstore.h"

int test_failures;

#define DOMID		5
#define HOME		"/local/domain/5"
#define MAX_EVENTS	64
#define HDR		sizeof(struct xsd_sockmsg)

struct msg {
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 1];
};

/* The guest side of one connection. */
struct guest {
	struct xenstore_domain_interface *ring;
	struct xs_server *s;
	uint32_t req_id;
	bool notified;			/* what the last process() said */
	unsigned int nevents;
	char events[MAX_EVENTS][256];	/* "path|token" */
	char rbuf[HDR + XENSTORE_PAYLOAD_MAX];
	size_t rhave;
	struct msg last;		/* the last reply */
};

static void guest_init(struct guest *g, bool populate)
{
	struct xs_domain_info info = {
		.name = "vm1", .vcpus = 2, .memory_kib = 262144,
	};

	memset(g, 0, sizeof(*g));
	g->ring = calloc(1, sizeof(*g->ring));
	g->s = xs_server_new(DOMID);
	if (populate && xs_domain_populate(g->s, &info))
		printf("FAIL: ioemu/xs_setup: populate\n");
	xs_server_attach_ring(g->s, g->ring);
}

static void guest_fini(struct guest *g)
{
	xs_server_free(g->s);
	free(g->ring);
}

/* Puts as many of len bytes as fit into the request ring. */
static size_t g_put(struct guest *g, const void *buf, size_t len)
{
	struct xenstore_domain_interface *r = g->ring;
	size_t i;

	for (i = 0; i < len && r->req_prod - r->req_cons < XENSTORE_RING_SIZE;
	     i++) {
		r->req[MASK_XENSTORE_IDX(r->req_prod)] = ((const char *)buf)[i];
		r->req_prod++;
	}
	return i;
}

/* Takes one whole message from the response ring, if there is one. */
static bool g_take(struct guest *g, struct msg *m)
{
	struct xenstore_domain_interface *r = g->ring;

	for (;;) {
		size_t want;

		if (g->rhave < HDR) {
			want = HDR - g->rhave;
		} else {
			memcpy(&m->h, g->rbuf, HDR);
			if (m->h.len > XENSTORE_PAYLOAD_MAX) {
				printf("FAIL: ioemu/xs_reply_len: %u\n",
				       m->h.len);
				test_failures++;
				exit(1);
			}
			want = HDR + m->h.len - g->rhave;
		}
		if (!want)
			break;
		if (r->rsp_prod == r->rsp_cons)
			return false;
		g->rbuf[g->rhave++] = r->rsp[MASK_XENSTORE_IDX(r->rsp_cons)];
		r->rsp_cons++;
	}
	memcpy(m->body, g->rbuf + HDR, m->h.len);
	m->body[m->h.len] = '\0';
	g->rhave = 0;
	return true;
}

/* Takes every message there is: events to the list, a reply to last. */
static bool g_drain(struct guest *g, uint32_t req_id)
{
	struct msg m;
	bool got = false;

	while (g_take(g, &m)) {
		if (m.h.type == XS_WATCH_EVENT) {
			if (g->nevents < MAX_EVENTS)
				snprintf(g->events[g->nevents++], 256,
					 "%.120s|%.120s", m.body,
					 m.body + strlen(m.body) + 1);
		} else if (m.h.req_id == req_id) {
			g->last = m;
			got = true;
		}
	}
	return got;
}

static void g_process(struct guest *g)
{
	g->notified = xs_server_process(g->s);
}

/*
 * Sends a request and returns the reply body, or "!ENAME" for an error
 * reply, or "!NONE" when no reply came.
 */
static const char *g_call(struct guest *g, uint32_t type, uint32_t tx,
			  const void *payload, size_t len)
{
	static char err[64];
	struct xsd_sockmsg h = {
		.type = type, .req_id = ++g->req_id, .tx_id = tx,
		.len = (uint32_t)len,
	};
	char buf[HDR + XENSTORE_PAYLOAD_MAX + 64];
	size_t total = HDR + len, sent = 0;
	bool got = false;
	int i;

	memcpy(buf, &h, HDR);
	memcpy(buf + HDR, payload, len);
	while (sent < total) {
		sent += g_put(g, buf + sent, total - sent);
		g_process(g);
		got |= g_drain(g, h.req_id);
	}
	for (i = 0; i < 8 && !got; i++) {
		g_process(g);
		got = g_drain(g, h.req_id);
	}
	if (!got)
		return "!NONE";
	if (g->last.h.req_id != h.req_id || g->last.h.tx_id != tx)
		return "!ECHO";
	if (g->last.h.type == XS_ERROR) {
		snprintf(err, sizeof(err), "!%.60s", g->last.body);
		return err;
	}
	if (g->last.h.type != type)
		return "!TYPE";
	return g->last.body;
}

static const char *g_str(struct guest *g, uint32_t type, uint32_t tx,
			 const char *arg)
{
	return g_call(g, type, tx, arg, strlen(arg) + 1);
}

static const char *g_two(struct guest *g, uint32_t type, uint32_t tx,
			 const char *a, const char *b)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t al = strlen(a) + 1, bl = strlen(b) + 1;

	memcpy(buf, a, al);
	memcpy(buf + al, b, bl);
	return g_call(g, type, tx, buf, al + bl);
}

static const char *rd(struct guest *g, uint32_t tx, const char *path)
{
	return g_str(g, XS_READ, tx, path);
}

/* WRITE: path, NUL, then the value's bytes without a NUL. */
static const char *wr(struct guest *g, uint32_t tx, const char *path,
		      const char *value)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	return g_call(g, XS_WRITE, tx, buf, pl + vl);
}

static uint32_t tx_start(struct guest *g)
{
	const char *r = g_str(g, XS_TRANSACTION_START, 0, "");

	return r[0] == '!' ? 0 : (uint32_t)strtoul(r, NULL, 10);
}

static const char *tx_end(struct guest *g, uint32_t tx, bool commit)
{
	return g_str(g, XS_TRANSACTION_END, tx, commit ? "T" : "F");
}

static bool has_event(struct guest *g, const char *ev)
{
	unsigned int i;

	for (i = 0; i < g->nevents; i++)
		if (strcmp(g->events[i], ev) == 0)
			return true;
	return false;
}

static unsigned int count_event(struct guest *g, const char *ev)
{
	unsigned int i, n = 0;

	for (i = 0; i < g->nevents; i++)
		n += strcmp(g->events[i], ev) == 0;
	return n;
}

static void clear_events(struct guest *g)
{
	g->nevents = 0;
}

/* Whether the reply body is exactly these len bytes. */
static bool body_is(struct guest *g, const void *want, size_t len)
{
	return g->last.h.len == len && memcmp(g->last.body, want, len) == 0;
}

#define EQ(name, got, want)	EXPECT(name, strcmp((got), (want)) == 0)

static void test_read_write(void)
{
	struct guest g;
	char buf[64];

	guest_init(&g, true);
	EQ("xs_write_relative", wr(&g, 0, "data/x", "hello"), "OK");
	EQ("xs_read_relative", rd(&g, 0, "data/x"), "hello");
	EQ("xs_read_absolute", rd(&g, 0, HOME "/data/x"), "hello");
	EQ("xs_write_absolute", wr(&g, 0, HOME "/data/y", "abs"), "OK");
	EQ("xs_read_after_abs_write", rd(&g, 0, "data/y"), "abs");
	EXPECT("xs_local_reads_guest_write",
	       xs_local_read(g.s, "data/x", buf, sizeof(buf)) == 5 &&
	       strcmp(buf, "hello") == 0);
	EQ("xs_write_creates_parents", wr(&g, 0, "data/a/b/c", "deep"), "OK");
	EQ("xs_parent_is_empty", rd(&g, 0, "data/a/b"), "");
	EQ("xs_overwrite", wr(&g, 0, "data/x", "bye"), "OK");
	EQ("xs_overwrite_read", rd(&g, 0, "data/x"), "bye");
	EQ("xs_write_empty", wr(&g, 0, "data/x", ""), "OK");
	EXPECT("xs_read_empty_len",
	       strcmp(rd(&g, 0, "data/x"), "") == 0 && g.last.h.len == 0);
	EQ("xs_read_populated_name", rd(&g, 0, "name"), "vm1");
	EQ("xs_read_populated_domid", rd(&g, 0, "domid"), "5");
	EQ("xs_read_populated_feature",
	   rd(&g, 0, "control/platform-feature-xs_reset_watches"), "1");
	EQ("xs_read_populated_cpu", rd(&g, 0, "cpu/1/availability"), "online");
	EQ("xs_read_populated_mem", rd(&g, 0, "memory/target"), "262144");
	EQ("xs_guest_writes_feature",
	   wr(&g, 0, "control/feature-poweroff", "1"), "OK");
	EQ("xs_read_missing", rd(&g, 0, "data/nope"), "!ENOENT");
	guest_fini(&g);
}

static void test_binary_value(void)
{
	static const char val[] = { 'a', 0, 'b', (char)0xff };
	char buf[XENSTORE_PAYLOAD_MAX];
	struct guest g;

	guest_init(&g, true);
	memcpy(buf, "data/bin", 9);
	memcpy(buf + 9, val, sizeof(val));
	EQ("xs_write_binary", g_call(&g, XS_WRITE, 0, buf, 9 + sizeof(val)),
	   "OK");
	rd(&g, 0, "data/bin");
	EXPECT("xs_read_binary", body_is(&g, val, sizeof(val)));
	guest_fini(&g);
}

static void test_access(void)
{
	struct guest g;

	guest_init(&g, true);
	xs_local_write(g.s, "/local/domain/0/secret", "s3cr3t");
	xs_local_write(g.s, "/local/domain/7/name", "other");
	EQ("xs_eacces_dom0_read", rd(&g, 0, "/local/domain/0/secret"),
	   "!EACCES");
	EQ("xs_eacces_dom0_missing", rd(&g, 0, "/local/domain/0/none"),
	   "!EACCES");
	EQ("xs_eacces_other_domain", rd(&g, 0, "/local/domain/7/name"),
	   "!EACCES");
	EQ("xs_eacces_root", g_str(&g, XS_DIRECTORY, 0, "/"), "!EACCES");
	EQ("xs_eacces_dom0_write", wr(&g, 0, "/local/domain/0/x", "1"),
	   "!EACCES");
	EQ("xs_eacces_tool", wr(&g, 0, "/tool/x", "1"), "!EACCES");
	EQ("xs_eacces_home_create", wr(&g, 0, "newnode", "1"), "!EACCES");
	EQ("xs_eacces_readonly_node", wr(&g, 0, "name", "evil"), "!EACCES");
	EQ("xs_readonly_unchanged", rd(&g, 0, "name"), "vm1");
	EQ("xs_eacces_rm_home", g_str(&g, XS_RM, 0, HOME), "!EACCES");
	EQ("xs_eacces_rm_readonly", g_str(&g, XS_RM, 0, "name"), "!EACCES");
	EQ("xs_eacces_mkdir_readonly", g_str(&g, XS_MKDIR, 0, "memory/x"),
	   "!EACCES");
	EQ("xs_eacces_rm_dom0", g_str(&g, XS_RM, 0, "/local/domain/0/secret"),
	   "!EACCES");
	EXPECT("xs_dom0_node_survives",
	       xs_local_read(g.s, "/local/domain/0/secret", NULL, 0) == 6);
	/* The toolstack grants read access to a backend node. */
	xs_local_write(g.s, "/local/domain/0/backend/vbd/5/768/state", "1");
	xs_local_set_perms(g.s, "/local/domain/0/backend/vbd/5/768", 0,
			   XS_ACCESS_READ);
	xs_local_write(g.s, "/local/domain/0/backend/vbd/5/768/mode", "w");
	EQ("xs_granted_read",
	   rd(&g, 0, "/local/domain/0/backend/vbd/5/768/mode"), "w");
	EQ("xs_granted_read_not_write",
	   wr(&g, 0, "/local/domain/0/backend/vbd/5/768/mode", "r"),
	   "!EACCES");
	EQ("xs_granted_read_missing",
	   rd(&g, 0, "/local/domain/0/backend/vbd/5/768/none"), "!ENOENT");
	EQ("xs_not_granted_parent",
	   g_str(&g, XS_DIRECTORY, 0, "/local/domain/0/backend/vbd/5"),
	   "!EACCES");
	guest_fini(&g);
}

static void test_mkdir_rm_directory(void)
{
	static const char list[] = "a\0b\0c";
	struct guest g;

	guest_init(&g, true);
	EQ("xs_mkdir", g_str(&g, XS_MKDIR, 0, "data/d"), "OK");
	EQ("xs_mkdir_value", rd(&g, 0, "data/d"), "");
	EQ("xs_mkdir_existing", g_str(&g, XS_MKDIR, 0, "data/d"), "OK");
	wr(&g, 0, "data/d/a", "1");
	wr(&g, 0, "data/d/b", "2");
	g_str(&g, XS_MKDIR, 0, "data/d/c/deep");
	EQ("xs_directory_ok", g_str(&g, XS_DIRECTORY, 0, "data/d"), "a");
	EXPECT("xs_directory_list", body_is(&g, list, sizeof(list)));
	g_str(&g, XS_DIRECTORY, 0, "data/d/a");
	EXPECT("xs_directory_leaf_empty",
	       g.last.h.type == XS_DIRECTORY && g.last.h.len == 0);
	EQ("xs_directory_missing", g_str(&g, XS_DIRECTORY, 0, "data/zz"),
	   "!ENOENT");
	EQ("xs_rm_leaf", g_str(&g, XS_RM, 0, "data/d/a"), "OK");
	EQ("xs_rm_leaf_gone", rd(&g, 0, "data/d/a"), "!ENOENT");
	EQ("xs_rm_subtree", g_str(&g, XS_RM, 0, "data/d"), "OK");
	EQ("xs_rm_subtree_gone", rd(&g, 0, "data/d/c/deep"), "!ENOENT");
	EQ("xs_rm_missing_ok", g_str(&g, XS_RM, 0, "data/d"), "OK");
	EQ("xs_rm_missing_parent", g_str(&g, XS_RM, 0, "data/d/x"),
	   "!ENOENT");
	EQ("xs_rm_root", g_str(&g, XS_RM, 0, "/"), "!EINVAL");
	guest_fini(&g);
}

static void test_directory_part(void)
{
	char want[64];
	struct guest g;
	unsigned long gen1, gen2;
	size_t glen;

	guest_init(&g, true);
	wr(&g, 0, "data/p/aa", "");
	wr(&g, 0, "data/p/bbb", "");
	g_two(&g, XS_DIRECTORY_PART, 0, "data/p", "0");
	gen1 = strtoul(g.last.body, NULL, 10);
	glen = strlen(g.last.body) + 1;
	memcpy(want, g.last.body, glen);
	memcpy(want + glen, "aa\0bbb\0", 8);
	EXPECT("xs_dirpart_all", g.last.h.type == XS_DIRECTORY_PART &&
	       body_is(&g, want, glen + 8));
	g_two(&g, XS_DIRECTORY_PART, 0, "data/p", "3");
	memcpy(want + glen, "bbb\0", 5);
	EXPECT("xs_dirpart_offset", body_is(&g, want, glen + 5));
	g_two(&g, XS_DIRECTORY_PART, 0, "data/p", "7");
	want[glen] = '\0';
	EXPECT("xs_dirpart_end", body_is(&g, want, glen + 1));
	EQ("xs_dirpart_bad_offset",
	   g_two(&g, XS_DIRECTORY_PART, 0, "data/p", "1"), "!EINVAL");
	EQ("xs_dirpart_past_end",
	   g_two(&g, XS_DIRECTORY_PART, 0, "data/p", "99"), "!EINVAL");
	EQ("xs_dirpart_no_offset",
	   g_str(&g, XS_DIRECTORY_PART, 0, "data/p"), "!EINVAL");
	wr(&g, 0, "data/p/c", "");
	g_two(&g, XS_DIRECTORY_PART, 0, "data/p", "0");
	gen2 = strtoul(g.last.body, NULL, 10);
	EXPECT("xs_dirpart_gen_changes", gen1 != gen2);
	guest_fini(&g);
}

static void test_paths(void)
{
	char longp[XENSTORE_ABS_PATH_MAX + 16];
	struct guest g;

	guest_init(&g, true);
	EQ("xs_einval_double_slash", wr(&g, 0, "data//x", "1"), "!EINVAL");
	EQ("xs_einval_trailing_slash", wr(&g, 0, "data/x/", "1"), "!EINVAL");
	EQ("xs_einval_space", rd(&g, 0, "data/x y"), "!EINVAL");
	EQ("xs_einval_dot", rd(&g, 0, "data/x.y"), "!EINVAL");
	EQ("xs_einval_empty", rd(&g, 0, ""), "!EINVAL");
	EQ("xs_ok_chars", wr(&g, 0, "data/A-z_0@9", "1"), "OK");
	memset(longp, 'a', sizeof(longp));
	memcpy(longp, "data/", 5);
	longp[XENSTORE_REL_PATH_MAX + 1] = '\0';
	EQ("xs_einval_rel_too_long", rd(&g, 0, longp), "!EINVAL");
	longp[XENSTORE_REL_PATH_MAX] = '\0';
	EQ("xs_rel_max_ok", rd(&g, 0, longp), "!ENOENT");
	memset(longp, 'a', sizeof(longp));
	memcpy(longp, HOME "/data/", strlen(HOME "/data/"));
	longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	EQ("xs_einval_abs_too_long", rd(&g, 0, longp), "!EINVAL");
	/* A path argument must be one NUL-terminated string. */
	EQ("xs_einval_no_nul", g_call(&g, XS_READ, 0, "data/x", 6), "!EINVAL");
	EQ("xs_einval_two_args", g_call(&g, XS_READ, 0, "data\0x", 7),
	   "!EINVAL");
	EQ("xs_einval_write_no_nul", g_call(&g, XS_WRITE, 0, "data/x", 6),
	   "!EINVAL");
	EXPECT("xs_local_einval",
	       xs_local_write(g.s, "/bad//path", "x") == -EINVAL);
	guest_fini(&g);
}

static void test_misc_ops(void)
{
	struct guest g;

	guest_init(&g, true);
	EQ("xs_get_domain_path", g_str(&g, XS_GET_DOMAIN_PATH, 0, "5"), HOME);
	EQ("xs_get_domain_path_other", g_str(&g, XS_GET_DOMAIN_PATH, 0, "0"),
	   "/local/domain/0");
	EQ("xs_get_domain_path_bad", g_str(&g, XS_GET_DOMAIN_PATH, 0, "x1"),
	   "!EINVAL");
	EQ("xs_is_introduced_self",
	   g_str(&g, XS_IS_DOMAIN_INTRODUCED, 0, "5"), "T");
	EQ("xs_is_introduced_other",
	   g_str(&g, XS_IS_DOMAIN_INTRODUCED, 0, "9"), "F");
	EQ("xs_control_denied", g_str(&g, XS_CONTROL, 0, "print"), "!EACCES");
	EQ("xs_introduce_denied", g_str(&g, XS_INTRODUCE, 0, "5"), "!EACCES");
	EQ("xs_release_denied", g_str(&g, XS_RELEASE, 0, "5"), "!EACCES");
	EQ("xs_set_target_denied", g_str(&g, XS_SET_TARGET, 0, "5"),
	   "!EACCES");
	EQ("xs_resume_denied", g_str(&g, XS_RESUME, 0, "5"), "!EACCES");
	EQ("xs_unknown_type", g_str(&g, 999, 0, "x"), "!EINVAL");
	EQ("xs_event_type_from_guest", g_str(&g, XS_WATCH_EVENT, 0, "x"),
	   "!EINVAL");
	/* Replies echo req_id and tx_id; g_call checks both. */
	g.req_id = 0xabcd0000;
	EQ("xs_echo_req_id", rd(&g, 0, "name"), "vm1");
	EQ("xs_echo_bad_tx", rd(&g, 77, "name"), "!ENOENT");
	EXPECT("xs_echo_tx_id", g.last.h.tx_id == 77 &&
	       g.last.h.req_id == 0xabcd0002);
	guest_fini(&g);
}

static void test_perms(void)
{
	struct guest g;

	guest_init(&g, true);
	g_str(&g, XS_GET_PERMS, 0, HOME);
	EXPECT("xs_get_perms_home", body_is(&g, "n0\0r5", 6));
	g_str(&g, XS_GET_PERMS, 0, "data");
	EXPECT("xs_get_perms_guest_owned", body_is(&g, "n5", 3));
	wr(&g, 0, "data/mine", "1");
	g_str(&g, XS_GET_PERMS, 0, "data/mine");
	EXPECT("xs_new_node_owned_by_guest", body_is(&g, "n5", 3));
	EQ("xs_set_perms_own", g_call(&g, XS_SET_PERMS, 0,
				      "data/mine\0n5\0r0", 16), "OK");
	g_str(&g, XS_GET_PERMS, 0, "data/mine");
	EXPECT("xs_set_perms_applied", body_is(&g, "n5\0r0", 6));
	EQ("xs_set_perms_give_away", g_call(&g, XS_SET_PERMS, 0,
					    "data/mine\0n0", 13), "!EPERM");
	EQ("xs_set_perms_not_owner", g_call(&g, XS_SET_PERMS, 0,
					    "name\0b5", 8), "!EACCES");
	EQ("xs_set_perms_bad", g_call(&g, XS_SET_PERMS, 0,
				      "data/mine\0x5", 13), "!EINVAL");
	EQ("xs_set_perms_bad_domid", g_call(&g, XS_SET_PERMS, 0,
					    "data/mine\0n99999", 17),
	   "!EINVAL");
	EQ("xs_set_perms_too_many", g_call(&g, XS_SET_PERMS, 0,
		"data/mine\0n5\0r1\0r2\0r3\0r4\0r6", 28), "!ENOSPC");
	EQ("xs_get_perms_eacces", g_str(&g, XS_GET_PERMS, 0, "/local"),
	   "!EACCES");
	/* Perms the toolstack sets on a node the guest may then write. */
	xs_local_write(g.s, "/local/domain/0/backend/x", "v");
	xs_local_set_perms(g.s, "/local/domain/0/backend/x", 0,
			   XS_ACCESS_BOTH);
	EQ("xs_granted_write", wr(&g, 0, "/local/domain/0/backend/x", "g"),
	   "OK");
	g_str(&g, XS_GET_PERMS, 0, "/local/domain/0/backend/x");
	EXPECT("xs_granted_perms", body_is(&g, "n0\0b5", 6));
	EXPECT("xs_local_set_perms_bad",
	       xs_local_set_perms(g.s, "data", 70000, 0) == -EINVAL &&
	       xs_local_set_perms(g.s, "nothere", 0, 1) == -ENOENT);
	guest_fini(&g);
}

static void test_split_requests(void)
{
	struct xsd_sockmsg h = {
		.type = XS_READ, .req_id = 42, .len = 5,
	};
	char buf[HDR + 5];
	struct guest g;
	size_t i;
	bool early = false;

	guest_init(&g, true);
	memcpy(buf, &h, HDR);
	memcpy(buf + HDR, "name", 5);
	/* Part of the header only. */
	g_put(&g, buf, 5);
	g_process(&g);
	EXPECT("xs_split_header_consumed", g.notified &&
	       g.ring->req_cons == 5);
	early |= g_drain(&g, 42);
	/* The rest of the header and part of the payload. */
	g_put(&g, buf + 5, HDR - 5 + 2);
	g_process(&g);
	early |= g_drain(&g, 42);
	EXPECT("xs_split_no_early_reply", !early && g.ring->rsp_prod == 0);
	g_put(&g, buf + HDR + 2, 3);
	g_process(&g);
	EXPECT("xs_split_reply", g_drain(&g, 42) &&
	       strcmp(g.last.body, "vm1") == 0);
	/* One byte per call. */
	h.req_id = 43;
	memcpy(buf, &h, HDR);
	for (i = 0; i < sizeof(buf); i++) {
		g_put(&g, buf + i, 1);
		g_process(&g);
		if (i + 1 < sizeof(buf))
			early |= g_drain(&g, 43);
	}
	EXPECT("xs_bytewise_reply", !early && g_drain(&g, 43) &&
	       strcmp(g.last.body, "vm1") == 0);
	/* Two requests in one go are both answered, in order. */
	{
		struct xsd_sockmsg h2[2] = {
			{ .type = XS_READ, .req_id = 50, .len = 5 },
			{ .type = XS_READ, .req_id = 51, .len = 6 },
		};
		char two[2 * HDR + 11];
		struct msg m1, m2;

		memcpy(two, &h2[0], HDR);
		memcpy(two + HDR, "name", 5);
		memcpy(two + HDR + 5, &h2[1], HDR);
		memcpy(two + 2 * HDR + 5, "domid", 6);
		g_put(&g, two, sizeof(two));
		g_process(&g);
		EXPECT("xs_two_requests", g_take(&g, &m1) && g_take(&g, &m2) &&
		       m1.h.req_id == 50 && strcmp(m1.body, "vm1") == 0 &&
		       m2.h.req_id == 51 && strcmp(m2.body, "5") == 0);
	}
	guest_fini(&g);
}

/* Replies larger than the ring wait and go out in order. */
static void test_backlog(void)
{
	char big[3000], req[5][HDR + 9];
	struct xs_server_stats st;
	struct guest g;
	unsigned int got = 0, i, rounds;
	bool ok = true;

	guest_init(&g, true);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	xs_local_write_bytes(g.s, "data/big", big, sizeof(big));
	for (i = 0; i < 5; i++) {
		struct xsd_sockmsg h = {
			.type = XS_READ, .req_id = 100 + i, .len = 9,
		};

		memcpy(req[i], &h, HDR);
		memcpy(req[i] + HDR, "data/big", 9);
		g_put(&g, req[i], sizeof(req[i]));
	}
	g_process(&g);
	EXPECT("xs_backlog_ring_full",
	       g.ring->rsp_prod - g.ring->rsp_cons == XENSTORE_RING_SIZE);
	/* Read a bit at a time, as a slow guest would. */
	for (rounds = 0; rounds < 100 && got < 5; rounds++) {
		struct msg m;

		while (g_take(&g, &m)) {
			ok &= m.h.req_id == 100 + got && m.h.len == 3000 &&
			      memcmp(m.body, big, 3000) == 0;
			got++;
		}
		g_process(&g);
	}
	EXPECT("xs_backlog_all_in_order", ok && got == 5);
	xs_server_get_stats(g.s, &st);
	EXPECT("xs_backlog_stats", st.requests >= 5 && !st.broken);
	guest_fini(&g);
}

/* A guest that never reads replies stops having requests read. */
static void test_backlog_pauses(void)
{
	static char stream[200 * (HDR + 9)];
	struct xs_server_stats st;
	size_t sent = 0, len = 0;
	unsigned int i, got = 0;
	struct guest g;
	char big[3000];
	struct msg m;

	guest_init(&g, true);
	memset(big, 'q', sizeof(big));
	xs_local_write_bytes(g.s, "data/big", big, sizeof(big));
	for (i = 0; i < 200; i++) {
		struct xsd_sockmsg h = {
			.type = XS_READ, .req_id = i, .len = 9,
		};

		memcpy(stream + len, &h, HDR);
		memcpy(stream + len + HDR, "data/big", 9);
		len += HDR + 9;
	}
	for (i = 0; i < 50; i++) {
		sent += g_put(&g, stream + sent, len - sent);
		g_process(&g);
	}
	xs_server_get_stats(g.s, &st);
	EXPECT("xs_pause_bounded", st.requests > 10 && st.requests < 40);
	EXPECT("xs_pause_req_ring_full",
	       g.ring->req_prod - g.ring->req_cons == XENSTORE_RING_SIZE);
	for (i = 0; i < 5000 && got < 200; i++) {
		while (g_take(&g, &m))
			got += m.h.req_id == got && m.h.len == 3000;
		sent += g_put(&g, stream + sent, len - sent);
		g_process(&g);
	}
	EXPECT("xs_pause_resumes_all", got == 200);
	guest_fini(&g);
}

static void test_broken(void)
{
	struct xsd_sockmsg h = {
		.type = XS_WRITE, .req_id = 1, .len = XENSTORE_PAYLOAD_MAX + 1,
	};
	struct xs_server_stats st;
	struct guest g;
	char buf[HDR + 5];

	/* Payload over the limit. */
	guest_init(&g, true);
	g_put(&g, &h, HDR);
	g_process(&g);
	xs_server_get_stats(g.s, &st);
	EXPECT("xs_oversize_broken", xs_server_broken(g.s) && st.broken &&
	       st.broken_reason == XENSTORE_ERROR_PROTO);
	EXPECT("xs_oversize_ring_error",
	       g.ring->error == XENSTORE_ERROR_PROTO &&
	       (g.ring->server_features & XENSTORE_SERVER_FEATURE_ERROR));
	h.len = 5;
	h.type = XS_READ;
	memcpy(buf, &h, HDR);
	memcpy(buf + HDR, "name", 5);
	g_put(&g, buf, sizeof(buf));
	g_process(&g);
	EXPECT("xs_broken_ignored", !g.notified && g.ring->rsp_prod == 0);
	EXPECT("xs_broken_local_ok", xs_local_write(g.s, "data/z", "1") == 0);
	/* A fresh attach serves a new connection. */
	memset(g.ring, 0, sizeof(*g.ring));
	xs_server_attach_ring(g.s, g.ring);
	EQ("xs_reattach_serves", rd(&g, 0, "data/z"), "1");
	EXPECT("xs_reattach_clears_error", g.ring->error == 0 &&
	       !xs_server_broken(g.s));
	guest_fini(&g);

	/* Producer index too far ahead. */
	guest_init(&g, true);
	g.ring->req_prod = g.ring->req_cons + XENSTORE_RING_SIZE + 1;
	g_process(&g);
	xs_server_get_stats(g.s, &st);
	EXPECT("xs_hostile_req_prod", st.broken &&
	       st.broken_reason == XENSTORE_ERROR_RINGIDX &&
	       g.ring->error == XENSTORE_ERROR_RINGIDX);
	guest_fini(&g);

	/* Producer index behind the consumer (wrapped backwards). */
	guest_init(&g, true);
	g.ring->req_prod = (uint32_t)-1;
	g_process(&g);
	EXPECT("xs_hostile_req_prod_behind", xs_server_broken(g.s));
	guest_fini(&g);

	/* Consumer index of replies ahead of what was produced. */
	guest_init(&g, true);
	g.ring->rsp_cons = 7;
	g_put(&g, buf, sizeof(buf));
	g_process(&g);
	EXPECT("xs_hostile_rsp_cons", xs_server_broken(g.s) &&
	       g.ring->rsp_prod == 0);
	guest_fini(&g);

	/* The server keeps its own req_cons: scribbling on it is ignored. */
	guest_init(&g, true);
	g_put(&g, buf, sizeof(buf));
	g.ring->req_cons = 3;
	g_process(&g);
	EXPECT("xs_own_req_cons", !xs_server_broken(g.s) &&
	       g.ring->req_cons == sizeof(buf) && g_drain(&g, 1) &&
	       strcmp(g.last.body, "vm1") == 0);
	guest_fini(&g);

	/* Garbage in a request's payload is an error, not a break. */
	guest_init(&g, true);
	EQ("xs_garbage_payload", g_call(&g, XS_WATCH, 0, "\xff\xfe", 2),
	   "!EINVAL");
	EXPECT("xs_garbage_not_broken", !xs_server_broken(g.s));
	guest_fini(&g);

	/* No ring: nothing to do. */
	{
		struct xs_server *s = xs_server_new(DOMID);

		EXPECT("xs_no_ring", !xs_server_process(s));
		EXPECT("xs_bad_domid", !xs_server_new(0) &&
		       !xs_server_new(0x7ff0));
		xs_server_free(s);
	}
}

struct cb_log {
	int n;
	char path[16][128];
	struct xs_server *s;
	int write_in_cb;
};

static void cb(void *opaque, const char *path)
{
	struct cb_log *l = opaque;

	if (l->n < 16)
		snprintf(l->path[l->n], sizeof(l->path[0]), "%s", path);
	l->n++;
	if (l->write_in_cb) {
		l->write_in_cb = 0;
		xs_local_write(l->s, "/local/domain/0/backend/state", "4");
	}
}

static void test_watches(void)
{
	struct cb_log log = { 0 };
	struct guest g;
	int id;

	guest_init(&g, true);
	EQ("xs_watch", g_two(&g, XS_WATCH, 0, "data", "tok"), "OK");
	EXPECT("xs_watch_initial", g.nevents == 1 &&
	       strcmp(g.events[0], "data|tok") == 0);
	EQ("xs_watch_dup", g_two(&g, XS_WATCH, 0, "data", "tok"), "!EEXIST");
	EQ("xs_watch_abs", g_two(&g, XS_WATCH, 0, HOME "/control", "t2"),
	   "OK");
	EXPECT("xs_watch_abs_initial", has_event(&g, HOME "/control|t2"));
	clear_events(&g);
	wr(&g, 0, "data/a", "1");
	EXPECT("xs_watch_guest_write", g.nevents == 1 &&
	       has_event(&g, "data/a|tok"));
	clear_events(&g);
	wr(&g, 0, "control/feature-reboot", "1");
	EXPECT("xs_watch_abs_fires", g.nevents == 1 &&
	       has_event(&g, HOME "/control/feature-reboot|t2"));
	clear_events(&g);
	wr(&g, 0, "dataX", "1");
	xs_local_write(g.s, "name", "renamed");
	g_process(&g);
	EXPECT("xs_watch_prefix_not_sibling", g.nevents == 0);
	xs_local_write(g.s, "data/b", "2");
	EXPECT("xs_watch_local_write_notifies",
	       xs_server_process(g.s) && g_drain(&g, 0) == false &&
	       has_event(&g, "data/b|tok"));
	clear_events(&g);
	g_str(&g, XS_MKDIR, 0, "data/sub/leaf");
	EXPECT("xs_watch_mkdir", has_event(&g, "data/sub/leaf|tok"));
	g_two(&g, XS_WATCH, 0, "data/sub/leaf", "inner");
	clear_events(&g);
	g_str(&g, XS_MKDIR, 0, "data/sub/leaf");
	EXPECT("xs_watch_mkdir_existing_quiet", g.nevents == 0);
	g_str(&g, XS_RM, 0, "data/sub");
	EXPECT("xs_watch_rm", has_event(&g, "data/sub|tok") &&
	       has_event(&g, "data/sub/leaf|inner") && g.nevents == 2);
	clear_events(&g);
	g_str(&g, XS_RM, 0, "data/sub");
	EXPECT("xs_watch_rm_missing_quiet", g.nevents == 0);
	EQ("xs_unwatch", g_two(&g, XS_UNWATCH, 0, "data", "tok"), "OK");
	EQ("xs_unwatch_again", g_two(&g, XS_UNWATCH, 0, "data", "tok"),
	   "!ENOENT");
	wr(&g, 0, "data/c", "3");
	EXPECT("xs_unwatch_stops", !has_event(&g, "data/c|tok"));
	/* Same token, other path: a different watch. */
	EQ("xs_watch_same_token", g_two(&g, XS_WATCH, 0, "data/c", "t2"),
	   "OK");
	EQ("xs_watch_bad_path", g_two(&g, XS_WATCH, 0, "data//c", "t"),
	   "!EINVAL");
	EQ("xs_watch_no_token", g_str(&g, XS_WATCH, 0, "data"), "!EINVAL");
	clear_events(&g);
	EQ("xs_watch_special", g_two(&g, XS_WATCH, 0, "@releaseDomain", "r"),
	   "OK");
	EXPECT("xs_watch_special_initial", g.nevents == 1 &&
	       has_event(&g, "@releaseDomain|r"));
	EQ("xs_watch_special_unknown",
	   g_two(&g, XS_WATCH, 0, "@fooDomain", "r"), "!EINVAL");
	clear_events(&g);
	xs_local_write(g.s, "/local/domain/0/x", "1");
	g_process(&g);
	g_drain(&g, 0);
	EXPECT("xs_watch_special_quiet", g.nevents == 0);

	/* Local watch: guest writes reach ioemu's callbacks. */
	log.s = g.s;
	id = xs_local_watch(g.s, HOME "/data", cb, &log);
	EXPECT("xs_local_watch_initial", id > 0 && log.n == 1 &&
	       strcmp(log.path[0], HOME "/data") == 0);
	wr(&g, 0, "data/fromguest", "x");
	EXPECT("xs_local_watch_guest_write", log.n == 2 &&
	       strcmp(log.path[1], HOME "/data/fromguest") == 0);
	/* A callback that writes: its event follows it, not inside it. */
	xs_local_watch(g.s, "/local/domain/0/backend", cb, &log);
	log.n = 0;
	log.write_in_cb = 1;
	wr(&g, 0, "data/again", "y");
	EXPECT("xs_local_watch_reentrant", log.n == 2 &&
	       strcmp(log.path[0], HOME "/data/again") == 0 &&
	       strcmp(log.path[1], "/local/domain/0/backend/state") == 0);
	EXPECT("xs_local_unwatch", xs_local_unwatch(g.s, id) == 0 &&
	       xs_local_unwatch(g.s, id) == -ENOENT);
	log.n = 0;
	wr(&g, 0, "data/after", "z");
	EXPECT("xs_local_unwatch_stops", log.n == 0);
	EXPECT("xs_local_watch_bad", xs_local_watch(g.s, "//", cb, &log) ==
	       -EINVAL && xs_local_watch(g.s, "@x", cb, &log) == -EINVAL);
	guest_fini(&g);
}

/* The guest only hears of what it may read. */
static void test_watch_perms(void)
{
	const char *be = "/local/domain/0/backend/vbd/5/768";
	char state[128];
	struct guest g;

	guest_init(&g, true);
	snprintf(state, sizeof(state), "%s/state", be);
	/* As the toolstack does: the device's node first, then its keys. */
	xs_local_mkdir(g.s, be);
	xs_local_set_perms(g.s, be, 0, XS_ACCESS_READ);
	xs_local_write(g.s, state, "1");
	xs_local_write(g.s, "/local/domain/0/secret", "1");
	g_two(&g, XS_WATCH, 0, state, "be");
	g_two(&g, XS_WATCH, 0, "/local/domain/0", "all");
	clear_events(&g);
	xs_local_write(g.s, "/local/domain/0/secret", "2");
	g_process(&g);
	g_drain(&g, 0);
	EXPECT("xs_watch_hidden_write", g.nevents == 0);
	xs_local_write(g.s, state, "4");
	g_process(&g);
	g_drain(&g, 0);
	{
		char ev[160];

		snprintf(ev, sizeof(ev), "%s|be", state);
		EXPECT("xs_watch_visible_write", has_event(&g, ev));
		snprintf(ev, sizeof(ev), "%s|all", state);
		EXPECT("xs_watch_visible_write_above", has_event(&g, ev));
		clear_events(&g);
		/* Removing an unreadable parent still tells the watcher. */
		xs_local_rm(g.s, "/local/domain/0/backend/vbd/5");
		g_process(&g);
		g_drain(&g, 0);
		snprintf(ev, sizeof(ev), "%s|be", state);
		EXPECT("xs_watch_hidden_rm_reaches_readable",
		       count_event(&g, ev) == 1);
		EXPECT("xs_watch_hidden_rm_no_leak",
		       !has_event(&g, "/local/domain/0/backend/vbd/5|all"));
	}
	guest_fini(&g);
}

static void test_watch_limit(void)
{
	struct guest g;
	char tok[16];
	const char *r = "OK";
	int i;

	guest_init(&g, true);
	for (i = 0; i < 200 && strcmp(r, "OK") == 0; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		r = g_two(&g, XS_WATCH, 0, "data", tok);
		clear_events(&g);
	}
	EXPECT("xs_watch_limit", strcmp(r, "!E2BIG") == 0 && i == 129);
	EQ("xs_reset_watches", g_str(&g, XS_RESET_WATCHES, 0, ""), "OK");
	wr(&g, 0, "data/q", "1");
	EXPECT("xs_reset_watches_silences", g.nevents == 0);
	EQ("xs_watch_after_reset", g_two(&g, XS_WATCH, 0, "data", "t0"), "OK");
	guest_fini(&g);
}

static void test_transactions(void)
{
	struct guest g;
	uint32_t t1, t2, ts[16];
	char buf[16];
	int i, n;

	guest_init(&g, true);
	t1 = tx_start(&g);
	EXPECT("xs_tx_start", t1 != 0);
	EQ("xs_tx_write", wr(&g, t1, "data/t", "in-tx"), "OK");
	EQ("xs_tx_read_own", rd(&g, t1, "data/t"), "in-tx");
	EQ("xs_tx_invisible_outside", rd(&g, 0, "data/t"), "!ENOENT");
	EQ("xs_tx_commit", tx_end(&g, t1, true), "OK");
	EQ("xs_tx_committed", rd(&g, 0, "data/t"), "in-tx");
	EQ("xs_tx_gone", rd(&g, t1, "data/t"), "!ENOENT");

	t1 = tx_start(&g);
	wr(&g, t1, "data/t", "aborted");
	g_str(&g, XS_RM, t1, "data/t");
	EQ("xs_tx_rm_in_tx", rd(&g, t1, "data/t"), "!ENOENT");
	EQ("xs_tx_abort", tx_end(&g, t1, false), "OK");
	EQ("xs_tx_abort_invisible", rd(&g, 0, "data/t"), "in-tx");

	/* Someone else changes the store meanwhile. */
	t1 = tx_start(&g);
	rd(&g, t1, "data/t");
	wr(&g, t1, "data/u", "1");
	xs_local_write(g.s, "data/other", "x");
	EQ("xs_tx_conflict", tx_end(&g, t1, true), "!EAGAIN");
	EQ("xs_tx_conflict_discarded", rd(&g, 0, "data/u"), "!ENOENT");
	EQ("xs_tx_conflict_ends", tx_end(&g, t1, true), "!ENOENT");
	/* Two transactions: the second to commit loses. */
	t1 = tx_start(&g);
	t2 = tx_start(&g);
	EXPECT("xs_tx_distinct_ids", t1 && t2 && t1 != t2);
	wr(&g, t1, "data/v", "1");
	wr(&g, t2, "data/v", "2");
	EQ("xs_tx_first_wins", tx_end(&g, t1, true), "OK");
	EQ("xs_tx_second_loses", tx_end(&g, t2, true), "!EAGAIN");
	EQ("xs_tx_first_value", rd(&g, 0, "data/v"), "1");

	/* Watches fire on commit, not before. */
	g_two(&g, XS_WATCH, 0, "data", "w");
	clear_events(&g);
	t1 = tx_start(&g);
	wr(&g, t1, "data/w1", "1");
	g_str(&g, XS_RM, t1, "data/v");
	EXPECT("xs_tx_no_event_before_commit", g.nevents == 0);
	tx_end(&g, t1, true);
	EXPECT("xs_tx_events_on_commit", has_event(&g, "data/w1|w") &&
	       has_event(&g, "data/v|w"));
	clear_events(&g);
	t1 = tx_start(&g);
	wr(&g, t1, "data/w2", "1");
	tx_end(&g, t1, false);
	EXPECT("xs_tx_no_event_on_abort", g.nevents == 0);

	EQ("xs_tx_nested", g_str(&g, XS_TRANSACTION_START, 1, ""), "!EBUSY");
	EQ("xs_tx_unknown_end", tx_end(&g, 12345, true), "!ENOENT");
	t1 = tx_start(&g);
	EQ("xs_tx_bad_end_arg", g_str(&g, XS_TRANSACTION_END, t1, "X"),
	   "!EINVAL");
	tx_end(&g, t1, false);
	/* Permissions hold inside transactions too. */
	t1 = tx_start(&g);
	EQ("xs_tx_eacces", wr(&g, t1, "name", "x"), "!EACCES");
	tx_end(&g, t1, false);

	/* At most ten open at once. */
	for (n = 0; n < 16; n++) {
		ts[n] = tx_start(&g);
		if (!ts[n])
			break;
	}
	EXPECT("xs_tx_limit", n == 10 && strcmp(g.last.body, "ENOSPC") == 0);
	for (i = 0; i < n; i++)
		tx_end(&g, ts[i], false);
	t1 = tx_start(&g);
	EXPECT("xs_tx_after_limit", t1 != 0);
	/* RESET_WATCHES ends open transactions. */
	g_str(&g, XS_RESET_WATCHES, 0, "");
	EQ("xs_tx_reset", rd(&g, t1, "data/t"), "!ENOENT");
	t2 = tx_start(&g);
	snprintf(buf, sizeof(buf), "%u", t2);
	EXPECT("xs_tx_id_decimal", t2 && strcmp(g.last.body, buf) == 0 &&
	       g.last.h.len == strlen(buf) + 1);
	/* Left open at free: freed with the server. */
	tx_start(&g);
	guest_fini(&g);
}

static void test_quota(void)
{
	struct xs_server_stats st;
	char path[64], big[4000];
	const char *r = "OK";
	struct guest g;
	int i;

	guest_init(&g, true);
	for (i = 0; i < 1100 && strcmp(r, "OK") == 0; i++) {
		snprintf(path, sizeof(path), "data/n%d", i);
		r = wr(&g, 0, path, "");
	}
	EQ("xs_node_quota", r, "!ENOSPC");
	EXPECT("xs_node_quota_count", i > 900 && i <= 1000);
	EXPECT("xs_local_beyond_quota",
	       xs_local_write(g.s, "data/local", "1") == 0);
	g_str(&g, XS_RM, 0, "data");
	EQ("xs_node_quota_freed", wr(&g, 0, "control/sysrq", "b"), "OK");
	/* Bytes: big values until the store is full. */
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r = "OK";
	for (i = 0; i < 1000 && strcmp(r, "OK") == 0; i++) {
		snprintf(path, sizeof(path), "feature/b%d", i);
		r = wr(&g, 0, path, big);
	}
	EQ("xs_bytes_quota", r, "!ENOSPC");
	EXPECT("xs_bytes_quota_count", i > 400 && i < 600);
	EXPECT("xs_local_value_max",
	       xs_local_write_bytes(g.s, "data/x", big, 4097) == -E2BIG);
	xs_server_get_stats(g.s, &st);
	EXPECT("xs_quota_not_broken", !st.broken && st.errors >= 2);
	guest_fini(&g);
}

struct dir_log {
	int n;
	char names[256];
};

static void dir_cb(void *opaque, const char *name)
{
	struct dir_log *d = opaque;

	strcat(d->names, name);
	strcat(d->names, ",");
	d->n++;
}

static void test_local_api(void)
{
	struct dir_log d = { 0 };
	struct xs_server *s = xs_server_new(DOMID);
	char buf[8];

	EXPECT("xs_local_new", s != NULL);
	EXPECT("xs_local_write_ok", xs_local_write(s, "a/b", "0123456789") ==
	       0);
	EXPECT("xs_local_read_trunc",
	       xs_local_read(s, HOME "/a/b", buf, sizeof(buf)) == 10 &&
	       strcmp(buf, "0123456") == 0);
	EXPECT("xs_local_read_missing",
	       xs_local_read(s, "a/c", buf, sizeof(buf)) == -ENOENT);
	EXPECT("xs_local_printf", xs_local_printf(s, "a/n", "%d-%s", 7, "x") ==
	       0 && xs_local_read(s, "a/n", buf, sizeof(buf)) == 3 &&
	       strcmp(buf, "7-x") == 0);
	EXPECT("xs_local_mkdir", xs_local_mkdir(s, "a/m") == 0 &&
	       xs_local_mkdir(s, "a/m") == 0);
	EXPECT("xs_local_directory",
	       xs_local_directory(s, "a", dir_cb, &d) == 3 &&
	       strcmp(d.names, "b,n,m,") == 0);
	EXPECT("xs_local_rm", xs_local_rm(s, "a") == 0 &&
	       xs_local_read(s, "a/b", buf, sizeof(buf)) == -ENOENT &&
	       xs_local_rm(s, "a") == 0 && xs_local_rm(s, "a/x/y") == -ENOENT);
	EXPECT("xs_local_rm_root", xs_local_rm(s, "/") == -EINVAL);
	xs_server_free(s);
}

int main(void)
{
	test_read_write();
	test_binary_value();
	test_access();
	test_mkdir_rm_directory();
	test_directory_part();
	test_paths();
	test_misc_ops();
	test_perms();
	test_split_requests();
	test_backlog();
	test_backlog_pauses();
	test_broken();
	test_watches();
	test_watch_perms();
	test_watch_limit();
	test_transactions();
	test_quota();
	test_local_api();
	return test_failures ? 1 : 0;
}
