// SPDX-License-Identifier: GPL-2.0
/*
 * virthxend's domain procedures through dispatch_packet(), in a temporary
 * XDG_RUNTIME_DIR and XDG_CONFIG_HOME, with fake-ioemu (built beside this
 * program) as the VMs: define, look up, describe, list with filters,
 * start, suspend, resume, undefine while running, destroy, transient
 * domains, the console as a stream, read-only connections, libvirt error
 * codes, and calls with malformed arguments, which must get an error and
 * nothing else.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dispatch.h"
#include "rpc_call.h"
#include "rpc_proto.h"
#include "stream.h"
#include "test.h"
#include "xdr.h"

int test_failures;

static struct vhd_config cfg_user = { .privileged = false };
static char tmp[] = "/tmp/hxen-test-domprocs-XXXXXX";
static struct xdr_enc out, a;
static char msg[PROC_ERROR_MAX];

/* A domain as the procedures return it. */
struct wire_dom {
	char *name;
	uint8_t uuid[VIR_UUID_BUFLEN];
	int32_t id;
};

static bool get_dom(struct xdr_dec *d, struct wire_dom *w)
{
	free(w->name);
	w->name = NULL;
	return !xdr_get_string(d, &w->name, REMOTE_STRING_MAX) &&
	       !xdr_get_fixed(d, w->uuid, sizeof(w->uuid)) &&
	       !xdr_get_i32(d, &w->id);
}

static void put_dom(struct xdr_enc *e, const struct wire_dom *w)
{
	xdr_put_string(e, w->name, REMOTE_STRING_MAX);
	xdr_put_fixed(e, w->uuid, sizeof(w->uuid));
	xdr_put_i32(e, w->id);
}

/* Call @proc with the arguments in @a; the answer in @out. */
static void call(struct rpc_conn *c, int proc)
{
	struct rpc_header h = remote_call(proc);

	send_call(c, &h, a.data, a.len, &out);
}

/* Call @proc on @w, with @flags when @with_flags. */
static void call_dom(struct rpc_conn *c, int proc, const struct wire_dom *w,
		     bool with_flags, uint32_t flags)
{
	xdr_enc_reset(&a);
	put_dom(&a, w);
	if (with_flags)
		xdr_put_u32(&a, flags);
	call(c, proc);
}

static bool ok_dom(struct wire_dom *w)
{
	struct xdr_dec d;

	return is_ok(&out, &d) && get_dom(&d, w) && !xdr_dec_done(&d);
}

static bool ok_i32(int32_t *v)
{
	struct xdr_dec d;

	return is_ok(&out, &d) && !xdr_get_i32(&d, v) && !xdr_dec_done(&d);
}

static bool ok_empty(void)
{
	struct xdr_dec d;

	return is_ok(&out, &d) && !xdr_dec_done(&d);
}

static bool error(int code)
{
	return is_error(&out, code, msg, sizeof(msg));
}

static void open_conn(struct rpc_conn *c, uint32_t flags)
{
	open_args(&a, "hxen:///session", flags);
	call(c, REMOTE_PROC_CONNECT_OPEN);
}

static void define(struct rpc_conn *c, const char *xml)
{
	xdr_enc_reset(&a);
	xdr_put_string(&a, xml, REMOTE_STRING_MAX);
	call(c, REMOTE_PROC_DOMAIN_DEFINE_XML);
}

static void lookup(struct rpc_conn *c, const char *name)
{
	xdr_enc_reset(&a);
	xdr_put_string(&a, name, REMOTE_STRING_MAX);
	call(c, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME);
}

/* LIST_ALL_DOMAINS: the count, the first name into @first. */
static int list_all(struct rpc_conn *c, uint32_t flags, bool need,
		    char *first, size_t len)
{
	struct wire_dom w = { 0 };
	struct xdr_dec d;
	uint32_t n, count, i;

	xdr_enc_reset(&a);
	xdr_put_i32(&a, need);
	xdr_put_u32(&a, flags);
	call(c, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS);
	if (!is_ok(&out, &d) ||
	    xdr_get_count(&d, &n, REMOTE_DOMAIN_LIST_MAX, 24))
		return -1;
	if (first)
		first[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!get_dom(&d, &w))
			return -1;
		if (i == 0 && first)
			snprintf(first, len, "%s", w.name);
	}
	free(w.name);
	if (xdr_get_u32(&d, &count) || xdr_dec_done(&d))
		return -1;
	if (need && n != count)
		return -1;
	return (int)count;
}

static char *domain_xml(const char *name, const char *extra)
{
	char *xml;

	if (asprintf(&xml,
		     "<domain type='xen'><name>%s</name>%s"
		     "<memory unit='MiB'>96</memory><vcpu>3</vcpu>"
		     "<os><type>xenpvh</type><kernel>%s/vmlinuz</kernel></os>"
		     "</domain>", name, extra, tmp) < 0)
		abort();
	return xml;
}

static bool ended(long pid)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (waitpid((pid_t)pid, NULL, WNOHANG) == (pid_t)pid ||
		    kill((pid_t)pid, 0) < 0)
			return true;
		usleep(50000);
	}
	return false;
}

static void test_definitions(struct rpc_conn *c, struct wire_dom *web)
{
	struct wire_dom w = { 0 };
	struct xdr_dec d;
	char first[80], *xml, *got;
	uint32_t u, n;
	int32_t v;
	uint64_t mem, cpu_time, max;

	EXPECT("list/none", list_all(c, 0, true, NULL, 0) == 0);

	xml = domain_xml("web", "");
	define(c, xml);
	free(xml);
	EXPECT("define/ok", ok_dom(web));
	EXPECT_STR("define/name", web->name, "web");
	EXPECT("define/id-shut-off", web->id == -1);
	EXPECT("define/uuid-made", memcmp(web->uuid, (uint8_t[16]){ 0 }, 16));

	lookup(c, "web");
	EXPECT("lookup/name", ok_dom(&w) && !strcmp(w.name, "web") &&
	       !memcmp(w.uuid, web->uuid, 16) && w.id == -1);
	lookup(c, "nosuch");
	EXPECT("lookup/unknown", error(VIR_ERR_NO_DOMAIN));
	EXPECT_STR("lookup/unknown-says", msg,
		   "Domain not found: no domain with matching name 'nosuch'");
	lookup(c, "../web");
	EXPECT("lookup/bad-name", error(VIR_ERR_NO_DOMAIN));
	lookup(c, "");
	EXPECT("lookup/empty-name", error(VIR_ERR_NO_DOMAIN));

	xdr_enc_reset(&a);
	xdr_put_fixed(&a, web->uuid, 16);
	call(c, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID);
	EXPECT("lookup/uuid", ok_dom(&w) && !strcmp(w.name, "web"));
	xdr_enc_reset(&a);
	xdr_put_fixed(&a, "0123456789abcdef", 16);
	call(c, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID);
	EXPECT("lookup/uuid-unknown", error(VIR_ERR_NO_DOMAIN));
	EXPECT_CONTAINS("lookup/uuid-unknown-says", msg,
			"no domain with matching uuid '30313233-3435-3637-3839-616263646566'");
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 1);
	call(c, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID);
	EXPECT("lookup/id-none-running", error(VIR_ERR_NO_DOMAIN));

	call_dom(c, REMOTE_PROC_DOMAIN_GET_INFO, web, false, 0);
	EXPECT("info/shut-off", is_ok(&out, &d) && !xdr_get_u32(&d, &u) &&
	       u == VIR_DOMAIN_SHUTOFF && !xdr_get_u64(&d, &max) &&
	       max == 96 * 1024 && !xdr_get_u64(&d, &mem) &&
	       mem == 96 * 1024 && !xdr_get_u32(&d, &n) && n == 3 &&
	       !xdr_get_u64(&d, &cpu_time) && cpu_time == 0 &&
	       !xdr_dec_done(&d));
	call_dom(c, REMOTE_PROC_DOMAIN_GET_STATE, web, true, 0);
	EXPECT("state/shut-off", is_ok(&out, &d) && !xdr_get_i32(&d, &v) &&
	       v == VIR_DOMAIN_SHUTOFF && !xdr_get_i32(&d, &v) && v == 0 &&
	       !xdr_dec_done(&d));
	call_dom(c, REMOTE_PROC_DOMAIN_GET_STATE, web, true, 1);
	EXPECT("state/bad-flags", error(VIR_ERR_INVALID_ARG));
	call_dom(c, REMOTE_PROC_DOMAIN_IS_ACTIVE, web, false, 0);
	EXPECT("active/no", ok_i32(&v) && v == 0);
	call_dom(c, REMOTE_PROC_DOMAIN_IS_PERSISTENT, web, false, 0);
	EXPECT("persistent/yes", ok_i32(&v) && v == 1);
	call_dom(c, REMOTE_PROC_DOMAIN_GET_MAX_MEMORY, web, false, 0);
	EXPECT("max-memory", is_ok(&out, &d) && !xdr_get_u64(&d, &max) &&
	       max == 96 * 1024);

	call_dom(c, REMOTE_PROC_DOMAIN_GET_XML_DESC, web, true, 0);
	EXPECT("xml/ok", is_ok(&out, &d) &&
	       !xdr_get_string(&d, &got, REMOTE_STRING_MAX));
	EXPECT_CONTAINS("xml/no-id-shut-off", got, "<domain type='xen'>\n");
	EXPECT_CONTAINS("xml/memory", got,
			"<memory unit='KiB'>98304</memory>");
	EXPECT_CONTAINS("xml/uuid", got, "<uuid>");
	/* Redefined with its own description: the same domain. */
	define(c, got);
	EXPECT("define/again-same-uuid", ok_dom(&w) &&
	       !memcmp(w.uuid, web->uuid, 16));
	free(got);
	call_dom(c, REMOTE_PROC_DOMAIN_GET_XML_DESC, web, true, 0x10);
	EXPECT("xml/bad-flags", error(VIR_ERR_INVALID_ARG));

	/* Autostart. */
	call_dom(c, REMOTE_PROC_DOMAIN_GET_AUTOSTART, web, false, 0);
	EXPECT("autostart/off", ok_i32(&v) && v == 0);
	EXPECT("list/no-autostart", list_all(c,
		VIR_CONNECT_LIST_DOMAINS_AUTOSTART, true, NULL, 0) == 0);
	xdr_enc_reset(&a);
	put_dom(&a, web);
	xdr_put_i32(&a, 1);
	call(c, REMOTE_PROC_DOMAIN_SET_AUTOSTART);
	EXPECT("autostart/set", ok_empty());
	call_dom(c, REMOTE_PROC_DOMAIN_GET_AUTOSTART, web, false, 0);
	EXPECT("autostart/on", ok_i32(&v) && v == 1);
	EXPECT("list/autostart", list_all(c,
		VIR_CONNECT_LIST_DOMAINS_AUTOSTART, true, first,
		sizeof(first)) == 1 && !strcmp(first, "web"));

	/* The filters and the older lists. */
	EXPECT("list/all", list_all(c, 0, true, first, sizeof(first)) == 1);
	EXPECT("list/inactive", list_all(c, VIR_CONNECT_LIST_DOMAINS_INACTIVE,
					 true, NULL, 0) == 1);
	EXPECT("list/active-none", list_all(c, VIR_CONNECT_LIST_DOMAINS_ACTIVE,
					    true, NULL, 0) == 0);
	EXPECT("list/shutoff", list_all(c, VIR_CONNECT_LIST_DOMAINS_SHUTOFF |
					VIR_CONNECT_LIST_DOMAINS_PAUSED, true,
					NULL, 0) == 1);
	EXPECT("list/transient-none", list_all(c,
		VIR_CONNECT_LIST_DOMAINS_TRANSIENT, true, NULL, 0) == 0);
	EXPECT("list/managed-save-none", list_all(c,
		VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, true, NULL, 0) == 0);
	EXPECT("list/count-only", list_all(c, 0, false, NULL, 0) == 1);
	xdr_enc_reset(&a);
	call(c, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS);
	EXPECT("num-defined", ok_i32(&v) && v == 1);
	xdr_enc_reset(&a);
	call(c, REMOTE_PROC_CONNECT_NUM_OF_DOMAINS);
	EXPECT("num-running", ok_i32(&v) && v == 0);
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 10);
	call(c, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS);
	EXPECT("list-defined", is_ok(&out, &d) &&
	       !xdr_get_count(&d, &n, REMOTE_DOMAIN_LIST_MAX, 4) && n == 1 &&
	       !xdr_get_string(&d, &got, REMOTE_STRING_MAX) &&
	       !strcmp(got, "web") && !xdr_dec_done(&d));
	free(got);
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 0);
	call(c, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS);
	EXPECT("list-defined-max-0", is_ok(&out, &d) &&
	       !xdr_get_count(&d, &n, REMOTE_DOMAIN_LIST_MAX, 4) && n == 0);
	free(w.name);
}

static void test_bad_definitions(struct rpc_conn *c)
{
	static const struct {
		const char *name, *xml;
		int code;
		const char *says;
	} cases[] = {
		{ "define/malformed", "<domain type='xen'><name>b</name>",
		  VIR_ERR_XML_ERROR, "XML error: domain XML:1: malformed XML" },
		{ "define/empty", "", VIR_ERR_XML_ERROR, "XML error: " },
		{ "define/unsupported-device",
		  "<domain type='xen'><name>b</name><os><type>xenpvh</type>"
		  "<kernel>/k</kernel></os><devices><graphics type='vnc'/>"
		  "</devices></domain>",
		  VIR_ERR_CONFIG_UNSUPPORTED,
		  "unsupported configuration: domain XML:1: <graphics> is not supported by hxen" },
		{ "define/relative-kernel",
		  "<domain type='xen'><name>b</name><os><type>xenpvh</type>"
		  "<kernel>k</kernel></os></domain>",
		  VIR_ERR_XML_ERROR, "relative path" },
		{ "define/doctype",
		  "<!DOCTYPE domain [<!ENTITY x 'y'>]><domain/>",
		  VIR_ERR_CONFIG_UNSUPPORTED, "<!DOCTYPE> is not supported" },
	};
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		define(c, cases[i].xml);
		EXPECT(cases[i].name, error(cases[i].code));
		snprintf(name, sizeof(name), "%s-says", cases[i].name);
		EXPECT_CONTAINS(name, msg, cases[i].says);
	}
	/* Another domain with web's UUID. */
	{
		struct wire_dom w = { 0 };
		char elem[80], *xml;

		lookup(c, "web");
		ok_dom(&w);
		snprintf(elem, sizeof(elem),
			 "<uuid>%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x</uuid>",
			 w.uuid[0], w.uuid[1], w.uuid[2], w.uuid[3], w.uuid[4],
			 w.uuid[5], w.uuid[6], w.uuid[7], w.uuid[8], w.uuid[9],
			 w.uuid[10], w.uuid[11], w.uuid[12], w.uuid[13],
			 w.uuid[14], w.uuid[15]);
		xml = domain_xml("twin", elem);
		define(c, xml);
		free(xml);
		EXPECT("define/uuid-taken", error(VIR_ERR_OPERATION_FAILED));
		EXPECT_CONTAINS("define/uuid-taken-says", msg,
				"belongs to domain 'web' already");
		free(w.name);
	}
	xdr_enc_reset(&a);
	xdr_put_string(&a, "<domain/>", REMOTE_STRING_MAX);
	xdr_put_u32(&a, 2);
	call(c, REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS);
	EXPECT("define-flags/bad-flags", error(VIR_ERR_INVALID_ARG));
	EXPECT_STR("define-flags/bad-flags-says", msg,
		   "invalid argument: unsupported flags (0x2) in function virDomainDefineXMLFlags");
	EXPECT("list/still-one", list_all(c, 0, true, NULL, 0) == 1);
}

static void test_running(struct rpc_conn *c, struct wire_dom *web)
{
	struct wire_dom w = { 0 };
	struct xdr_dec d;
	char *got;
	uint32_t n;
	int32_t v, id;

	call_dom(c, REMOTE_PROC_DOMAIN_SHUTDOWN, web, false, 0);
	EXPECT("shutdown/shut-off", error(VIR_ERR_OPERATION_INVALID));
	EXPECT_STR("shutdown/shut-off-says", msg,
		   "Requested operation is not valid: domain 'web' is not running");

	call_dom(c, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, web, true, 0);
	EXPECT("start/ok", ok_dom(&w) && w.id > 1);
	if (w.id <= 1) {
		printf("# %s\n", msg);
		return;
	}
	id = w.id;
	EXPECT("start/same-uuid", !memcmp(w.uuid, web->uuid, 16));
	call_dom(c, REMOTE_PROC_DOMAIN_GET_STATE, &w, true, 0);
	EXPECT("state/running", is_ok(&out, &d) && !xdr_get_i32(&d, &v) &&
	       v == VIR_DOMAIN_RUNNING && !xdr_get_i32(&d, &v) &&
	       v == VIR_DOMAIN_RUNNING_BOOTED);
	xdr_enc_reset(&a);
	xdr_put_i32(&a, id);
	call(c, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID);
	EXPECT("lookup/id", ok_dom(&w) && !strcmp(w.name, "web"));
	xdr_enc_reset(&a);
	xdr_put_i32(&a, 10);
	call(c, REMOTE_PROC_CONNECT_LIST_DOMAINS);
	EXPECT("list-ids", is_ok(&out, &d) &&
	       !xdr_get_count(&d, &n, REMOTE_DOMAIN_LIST_MAX, 4) && n == 1 &&
	       !xdr_get_i32(&d, &v) && v == id);
	EXPECT("list/running", list_all(c, VIR_CONNECT_LIST_DOMAINS_RUNNING,
					true, NULL, 0) == 1);
	call_dom(c, REMOTE_PROC_DOMAIN_GET_XML_DESC, &w, true, 0);
	EXPECT("xml/running-id", is_ok(&out, &d) &&
	       !xdr_get_string(&d, &got, REMOTE_STRING_MAX));
	{
		char want[64];

		snprintf(want, sizeof(want), "<domain type='xen' id='%d'>", id);
		EXPECT_CONTAINS("xml/running-id-attribute", got, want);
	}
	free(got);

	call_dom(c, REMOTE_PROC_DOMAIN_CREATE, &w, false, 0);
	EXPECT("start/twice", error(VIR_ERR_OPERATION_INVALID));
	EXPECT_CONTAINS("start/twice-says", msg, "is already running");

	call_dom(c, REMOTE_PROC_DOMAIN_SUSPEND, &w, false, 0);
	EXPECT("suspend", ok_empty());
	call_dom(c, REMOTE_PROC_DOMAIN_GET_STATE, &w, true, 0);
	EXPECT("state/paused", is_ok(&out, &d) && !xdr_get_i32(&d, &v) &&
	       v == VIR_DOMAIN_PAUSED);
	EXPECT("list/paused", list_all(c, VIR_CONNECT_LIST_DOMAINS_PAUSED,
				       true, NULL, 0) == 1);
	call_dom(c, REMOTE_PROC_DOMAIN_RESUME, &w, false, 0);
	EXPECT("resume", ok_empty());

	/* Undefined while it runs: transient until it ends. */
	call_dom(c, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, &w, true, 0x80);
	EXPECT("undefine/bad-flags", error(VIR_ERR_INVALID_ARG));
	call_dom(c, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, &w, true, 1);
	EXPECT("undefine/running", ok_empty());
	call_dom(c, REMOTE_PROC_DOMAIN_IS_PERSISTENT, &w, false, 0);
	EXPECT("undefine/now-transient", ok_i32(&v) && v == 0);
	EXPECT("list/transient", list_all(c, VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
					  true, NULL, 0) == 1);
	lookup(c, "web");
	EXPECT("undefine/uuid-kept-while-running", ok_dom(&w) &&
	       !memcmp(w.uuid, web->uuid, 16));
	call_dom(c, REMOTE_PROC_DOMAIN_UNDEFINE, &w, false, 0);
	EXPECT("undefine/transient", error(VIR_ERR_OPERATION_INVALID));
	xdr_enc_reset(&a);
	put_dom(&a, &w);
	xdr_put_i32(&a, 1);
	call(c, REMOTE_PROC_DOMAIN_SET_AUTOSTART);
	EXPECT("autostart/transient", error(VIR_ERR_OPERATION_INVALID));

	call_dom(c, REMOTE_PROC_DOMAIN_DESTROY_FLAGS, &w, true, 2);
	EXPECT("destroy/bad-flags", error(VIR_ERR_INVALID_ARG));
	call_dom(c, REMOTE_PROC_DOMAIN_DESTROY, &w, false, 0);
	EXPECT("destroy", ok_empty());
	EXPECT("destroy/ended", ended(id));
	lookup(c, "web");
	EXPECT("destroy/gone", error(VIR_ERR_NO_DOMAIN));
	free(w.name);
}

static void test_transient(struct rpc_conn *c)
{
	struct wire_dom w = { 0 };
	char *xml;
	int32_t v;
	int id;

	xml = domain_xml("tr", "");
	xdr_enc_reset(&a);
	xdr_put_string(&a, xml, REMOTE_STRING_MAX);
	xdr_put_u32(&a, VIR_DOMAIN_START_PAUSED);
	call(c, REMOTE_PROC_DOMAIN_CREATE_XML);
	EXPECT("create-xml/ok", ok_dom(&w) && w.id > 1);
	if (w.id <= 1) {
		printf("# %s\n", msg);
		free(xml);
		return;
	}
	id = w.id;
	call_dom(c, REMOTE_PROC_DOMAIN_GET_STATE, &w, true, 0);
	{
		struct xdr_dec d;

		EXPECT("create-xml/paused", is_ok(&out, &d) &&
		       !xdr_get_i32(&d, &v) && v == VIR_DOMAIN_PAUSED);
	}
	call_dom(c, REMOTE_PROC_DOMAIN_IS_PERSISTENT, &w, false, 0);
	EXPECT("create-xml/transient", ok_i32(&v) && v == 0);
	xdr_enc_reset(&a);
	xdr_put_string(&a, xml, REMOTE_STRING_MAX);
	xdr_put_u32(&a, 0);
	call(c, REMOTE_PROC_DOMAIN_CREATE_XML);
	EXPECT("create-xml/twice", error(VIR_ERR_OPERATION_INVALID));
	free(xml);
	call_dom(c, REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, &w, true,
		 VIR_DOMAIN_SHUTDOWN_PARAVIRT);
	EXPECT("shutdown-flags/paravirt", ok_empty());
	EXPECT("shutdown/ended", ended(id));
	lookup(c, "tr");
	EXPECT("shutdown/transient-gone", error(VIR_ERR_NO_DOMAIN));
	call_dom(c, REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, &w, true, 1);
	EXPECT("shutdown-flags/acpi-refused", error(VIR_ERR_INVALID_ARG));
	free(w.name);
}

/* A STREAM packet of the console opened by call @serial. */
static enum dispatch_result stream_packet(struct rpc_conn *c,
					  uint32_t serial, uint32_t status,
					  const char *data)
{
	struct rpc_header h = remote_call(REMOTE_PROC_DOMAIN_OPEN_CONSOLE);

	h.type = VIR_NET_STREAM;
	h.serial = serial;
	h.status = status;
	return send_call(c, &h, data, strlen(data), &out);
}

/* The one packet in @out is STREAM @status for @serial; its data. */
static bool stream_reply(uint32_t serial, uint32_t status, char *data,
			 size_t len)
{
	struct rpc_header h;
	struct xdr_dec d;
	size_t n;

	if (!one_packet(&out, &d, &h) || h.type != VIR_NET_STREAM ||
	    h.proc != REMOTE_PROC_DOMAIN_OPEN_CONSOLE || h.serial != serial ||
	    h.status != status)
		return false;
	n = xdr_dec_left(&d);
	if (n >= len)
		return false;
	memcpy(data, d.data + d.pos, n);
	data[n] = '\0';
	return true;
}

/* Pump the console until something comes, for up to 2 s. */
static void pump(struct rpc_conn *c)
{
	int i;

	xdr_enc_reset(&out);
	for (i = 0; i < 200 && !out.len; i++) {
		struct pollfd p = { .fd = stream_poll_fd(c), .events = POLLIN };

		if (p.fd < 0 || poll(&p, 1, 10) > 0)
			stream_pump(c, &out);
	}
}

static void open_console(struct rpc_conn *c, const struct wire_dom *w,
			 const char *dev, uint32_t flags, uint32_t serial)
{
	struct rpc_header h = remote_call(REMOTE_PROC_DOMAIN_OPEN_CONSOLE);

	h.serial = serial;
	xdr_enc_reset(&a);
	put_dom(&a, w);
	xdr_put_opt_string(&a, dev, REMOTE_STRING_MAX);
	xdr_put_u32(&a, flags);
	send_call(c, &h, a.data, a.len, &out);
}

static void test_console(struct rpc_conn *c)
{
	struct wire_dom w = { 0 };
	char data[256], *xml;
	int id;

	xml = domain_xml("con", "");
	define(c, xml);
	free(xml);
	EXPECT("console/define", ok_dom(&w));
	open_console(c, &w, NULL, 0, 40);
	EXPECT("console/shut-off", error(VIR_ERR_OPERATION_INVALID));
	call_dom(c, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, &w, true, 0);
	EXPECT("console/start", ok_dom(&w) && w.id > 1);
	id = w.id;

	open_console(c, &w, "serial1", 0, 41);
	EXPECT("console/bad-device", error(VIR_ERR_INTERNAL_ERROR));
	EXPECT_CONTAINS("console/bad-device-says", msg,
			"cannot find character device serial1");
	open_console(c, &w, NULL, 4, 42);
	EXPECT("console/bad-flags", error(VIR_ERR_INVALID_ARG));
	open_console(c, &w, "console0", VIR_DOMAIN_CONSOLE_FORCE, 43);
	EXPECT("console/open", ok_empty() && c->stream.open);
	open_console(c, &w, NULL, 0, 44);
	EXPECT("console/one-per-connection",
	       error(VIR_ERR_OPERATION_INVALID));

	EXPECT("console/data-in", stream_packet(c, 43, VIR_NET_CONTINUE,
						"hello") == DISPATCH_OK &&
	       out.len == 0);
	pump(c);
	EXPECT("console/data-out", stream_reply(43, VIR_NET_CONTINUE, data,
						sizeof(data)) &&
	       !strcmp(data, "HELLO"));
	EXPECT("console/other-serial-dropped",
	       stream_packet(c, 99, VIR_NET_CONTINUE, "x") == DISPATCH_OK &&
	       out.len == 0);
	EXPECT("console/abort-confirmed", stream_packet(c, 43, VIR_NET_ERROR,
							"") == DISPATCH_OK &&
	       stream_reply(43, VIR_NET_OK, data, sizeof(data)) &&
	       !data[0] && !c->stream.open);
	EXPECT("console/after-abort-dropped",
	       stream_packet(c, 43, VIR_NET_CONTINUE, "x") == DISPATCH_OK &&
	       out.len == 0);

	/* The VM ends under an open console: an empty CONTINUE, then the
	 * client's finish is confirmed. */
	open_console(c, &w, NULL, 0, 45);
	EXPECT("console/reopen", ok_empty());
	call_dom(c, REMOTE_PROC_DOMAIN_DESTROY, &w, false, 0);
	EXPECT("console/destroy", ok_empty() && ended(id));
	pump(c);
	EXPECT("console/vm-end-is-empty-continue",
	       stream_reply(45, VIR_NET_CONTINUE, data, sizeof(data)) &&
	       !data[0] && stream_poll_fd(c) < 0);
	EXPECT("console/data-after-end-ignored",
	       stream_packet(c, 45, VIR_NET_CONTINUE, "late") ==
	       DISPATCH_OK && out.len == 0);
	EXPECT("console/finish-confirmed", stream_packet(c, 45, VIR_NET_OK,
							 "") == DISPATCH_OK &&
	       stream_reply(45, VIR_NET_OK, data, sizeof(data)) &&
	       !c->stream.open);
	call_dom(c, REMOTE_PROC_DOMAIN_UNDEFINE, &w, false, 0);
	EXPECT("console/undefine", ok_empty());
	free(w.name);
}

static void test_start_fails(struct rpc_conn *c, struct wire_dom *web)
{
	char *xml;

	xml = domain_xml("web", "");
	define(c, xml);
	free(xml);
	EXPECT("define/after-undefine", ok_dom(web));
	setenv("HXEN_IOEMU", "/nonexistent/ioemu", 1);
	call_dom(c, REMOTE_PROC_DOMAIN_CREATE, web, false, 0);
	EXPECT("start/no-ioemu", error(VIR_ERR_OPERATION_FAILED));
	EXPECT_STR("start/no-ioemu-says", msg,
		   "operation failed: HXEN_IOEMU is '/nonexistent/ioemu', which cannot be run: No such file or directory");
	EXPECT("start/no-ioemu-still-shut-off",
	       list_all(c, VIR_CONNECT_LIST_DOMAINS_SHUTOFF, true, NULL, 0) ==
	       1);
}

static void test_read_only(struct wire_dom *web)
{
	struct rpc_conn ro = { .cfg = &cfg_user };
	struct wire_dom w = { 0 };

	open_conn(&ro, VIR_CONNECT_RO);
	EXPECT("read-only/open", ok_empty());
	lookup(&ro, "web");
	EXPECT("read-only/lookup", ok_dom(&w));
	call_dom(&ro, REMOTE_PROC_DOMAIN_UNDEFINE, web, false, 0);
	EXPECT("read-only/undefine-denied", error(VIR_ERR_OPERATION_DENIED));
	EXPECT_STR("read-only/undefine-says", msg,
		   "operation forbidden: read only access prevents virDomainUndefine");
	call_dom(&ro, REMOTE_PROC_DOMAIN_CREATE, web, false, 0);
	EXPECT("read-only/start-denied", error(VIR_ERR_OPERATION_DENIED));
	free(w.name);
}

/* Every domain procedure with cut, padded and random arguments. */
static void test_malformed(struct rpc_conn *c, const struct wire_dom *web)
{
	static const int procs[] = {
		REMOTE_PROC_DOMAIN_LOOKUP_BY_ID,
		REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
		REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, REMOTE_PROC_DOMAIN_GET_INFO,
		REMOTE_PROC_DOMAIN_GET_STATE, REMOTE_PROC_DOMAIN_IS_ACTIVE,
		REMOTE_PROC_DOMAIN_IS_PERSISTENT, REMOTE_PROC_DOMAIN_DEFINE_XML,
		REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS,
		REMOTE_PROC_DOMAIN_UNDEFINE, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS,
		REMOTE_PROC_DOMAIN_CREATE, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
		REMOTE_PROC_DOMAIN_CREATE_XML, REMOTE_PROC_DOMAIN_SHUTDOWN,
		REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, REMOTE_PROC_DOMAIN_REBOOT,
		REMOTE_PROC_DOMAIN_DESTROY, REMOTE_PROC_DOMAIN_DESTROY_FLAGS,
		REMOTE_PROC_DOMAIN_SUSPEND, REMOTE_PROC_DOMAIN_RESUME,
		REMOTE_PROC_DOMAIN_GET_XML_DESC,
		REMOTE_PROC_DOMAIN_GET_AUTOSTART,
		REMOTE_PROC_DOMAIN_SET_AUTOSTART,
		REMOTE_PROC_DOMAIN_GET_OS_TYPE,
		REMOTE_PROC_DOMAIN_GET_MAX_MEMORY,
		REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE,
		REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
		REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
	};
	struct xdr_enc good;
	size_t i, cut;
	bool all_errors = true, all_kept = true;
	uint8_t junk[64];
	int r;

	xdr_enc_init(&good, 1 << 20);
	put_dom(&good, web);
	xdr_put_u32(&good, 0);
	xdr_put_u32(&good, 0);
	srand(7);
	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		struct rpc_header h = remote_call(procs[i]);

		/* Cut short anywhere; longer than any procedure takes. */
		for (cut = 0; cut < good.len; cut += 3) {
			if (send_call(c, &h, good.data, cut, &out) !=
			    DISPATCH_OK)
				all_kept = false;
			else if (!is_error(&out, VIR_ERR_RPC, NULL, 0) &&
				 !is_ok(&out, &(struct xdr_dec){ 0 }) &&
				 !is_error(&out, VIR_ERR_NO_DOMAIN, NULL, 0) &&
				 !is_error(&out, VIR_ERR_XML_ERROR, NULL, 0) &&
				 !is_error(&out, VIR_ERR_INVALID_ARG, NULL, 0))
				all_errors = false;
		}
		xdr_put_u32(&good, 0);
		r = send_call(c, &h, good.data, good.len, &out);
		good.len -= 4;
		if (r != DISPATCH_OK || !is_error(&out, VIR_ERR_RPC, NULL, 0))
			all_errors = false;
		for (cut = 0; cut < 20; cut++) {
			size_t j, len = (size_t)rand() % sizeof(junk);

			for (j = 0; j < sizeof(junk); j++)
				junk[j] = (uint8_t)rand();
			if (send_call(c, &h, junk, len, &out) != DISPATCH_OK)
				all_kept = false;
		}
	}
	EXPECT("malformed/answered-with-errors", all_errors);
	EXPECT("malformed/connection-kept", all_kept);
	lookup(c, "web");
	EXPECT("malformed/still-serving", is_ok(&out, &(struct xdr_dec){ 0 }));
	xdr_enc_free(&good);
}

int main(void)
{
	struct rpc_conn c = { .cfg = &cfg_user };
	struct wire_dom web = { 0 };
	char path[PATH_MAX + 64], self[PATH_MAX], *slash;
	FILE *f;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || !mkdtemp(tmp))
		return 1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/fake-ioemu", self);
	setenv("HXEN_IOEMU", path, 1);
	setenv("XDG_RUNTIME_DIR", tmp, 1);
	snprintf(path, sizeof(path), "%s/config", tmp);
	setenv("XDG_CONFIG_HOME", path, 1);
	snprintf(path, sizeof(path), "%s/vmlinuz", tmp);
	f = fopen(path, "w");
	if (!f || fclose(f))
		return 1;

	xdr_enc_init(&out, VIR_NET_MESSAGE_MAX);
	xdr_enc_init(&a, 1 << 20);
	open_conn(&c, 0);
	EXPECT("open", ok_empty());

	test_definitions(&c, &web);
	test_bad_definitions(&c);
	test_read_only(&web);
	test_running(&c, &web);
	test_transient(&c);
	test_console(&c);
	test_start_fails(&c, &web);
	test_malformed(&c, &web);

	free(web.name);
	xdr_enc_free(&out);
	xdr_enc_free(&a);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	if (system(path))
		return 1;
	return test_failures ? 1 : 0;
}
