// SPDX-License-Identifier: GPL-2.0
/*
 * Packet routing.  Keepalive pings get a pong; calls of the remote program
 * go through remote_procs[], indexed by procedure number.  A procedure
 * without a handler answers VIR_ERR_NO_SUPPORT, as libvirt's own drivers
 * do for an API they lack, so every client request gets an answer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "dispatch.h"
#include "log.h"
#include "procs.h"
#include "rpc_proto.h"
#include "stream.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* May be called before CONNECT_OPEN (the client library does, to log in). */
#define PROC_PRE_OPEN (1u << 0)
/* Changes something: refused on a read-only connection. */
#define PROC_WRITE (1u << 1)

struct proc_entry {
	const char *name;	/* the libvirt API, for messages */
	proc_fn fn;		/* NULL: not supported (yet) */
	unsigned int flags;	/* PROC_* */
};

/* Implemented, and allowed before CONNECT_OPEN or not. */
#define PROC(api, handler, fl) { .name = (api), .fn = (handler), .flags = (fl) }
/* Known to virsh but not implemented: answers VIR_ERR_NO_SUPPORT. */
#define NO_PROC(api) { .name = (api) }

static const struct proc_entry remote_procs[] = {
	/* The connection. */
	[REMOTE_PROC_CONNECT_OPEN] =
		PROC("virConnectOpen", proc_connect_open, PROC_PRE_OPEN),
	[REMOTE_PROC_CONNECT_CLOSE] =
		PROC("virConnectClose", proc_connect_close, 0),
	[REMOTE_PROC_AUTH_LIST] =
		PROC("virConnectAuthList", proc_auth_list, PROC_PRE_OPEN),
	[REMOTE_PROC_CONNECT_SUPPORTS_FEATURE] =
		PROC("virConnectSupportsFeature",
		     proc_connect_supports_feature, PROC_PRE_OPEN),
	[REMOTE_PROC_CONNECT_GET_TYPE] =
		PROC("virConnectGetType", proc_connect_get_type, 0),
	[REMOTE_PROC_CONNECT_GET_VERSION] =
		PROC("virConnectGetVersion", proc_connect_get_version, 0),
	[REMOTE_PROC_CONNECT_GET_LIB_VERSION] =
		PROC("virConnectGetLibVersion", proc_connect_get_lib_version,
		     0),
	[REMOTE_PROC_CONNECT_GET_HOSTNAME] =
		PROC("virConnectGetHostname", proc_connect_get_hostname, 0),
	[REMOTE_PROC_CONNECT_GET_URI] =
		PROC("virConnectGetURI", proc_connect_get_uri, 0),
	[REMOTE_PROC_CONNECT_GET_CAPABILITIES] =
		PROC("virConnectGetCapabilities",
		     proc_connect_get_capabilities, 0),
	[REMOTE_PROC_CONNECT_IS_SECURE] =
		PROC("virConnectIsSecure", proc_connect_is_secure, 0),

	/* Listing domains. */
	[REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS] =
		PROC("virConnectListAllDomains",
		     proc_connect_list_all_domains, 0),
	[REMOTE_PROC_CONNECT_NUM_OF_DOMAINS] =
		PROC("virConnectNumOfDomains", proc_connect_num_of_domains,
		     0),
	[REMOTE_PROC_CONNECT_LIST_DOMAINS] =
		PROC("virConnectListDomains", proc_connect_list_domains, 0),
	[REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS] =
		PROC("virConnectNumOfDefinedDomains",
		     proc_connect_num_of_defined_domains, 0),
	[REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS] =
		PROC("virConnectListDefinedDomains",
		     proc_connect_list_defined_domains, 0),

	/* Finding domains and asking about them. */
	[REMOTE_PROC_DOMAIN_LOOKUP_BY_ID] =
		PROC("virDomainLookupByID", proc_domain_lookup_by_id, 0),
	[REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME] =
		PROC("virDomainLookupByName", proc_domain_lookup_by_name, 0),
	[REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID] =
		PROC("virDomainLookupByUUID", proc_domain_lookup_by_uuid, 0),
	[REMOTE_PROC_DOMAIN_GET_INFO] =
		PROC("virDomainGetInfo", proc_domain_get_info, 0),
	[REMOTE_PROC_DOMAIN_GET_STATE] =
		PROC("virDomainGetState", proc_domain_get_state, 0),
	[REMOTE_PROC_DOMAIN_IS_ACTIVE] =
		PROC("virDomainIsActive", proc_domain_is_active, 0),
	[REMOTE_PROC_DOMAIN_IS_PERSISTENT] =
		PROC("virDomainIsPersistent", proc_domain_is_persistent, 0),
	[REMOTE_PROC_DOMAIN_GET_AUTOSTART] =
		PROC("virDomainGetAutostart", proc_domain_get_autostart, 0),
	[REMOTE_PROC_DOMAIN_GET_OS_TYPE] =
		PROC("virDomainGetOSType", proc_domain_get_os_type, 0),
	[REMOTE_PROC_DOMAIN_GET_MAX_MEMORY] =
		PROC("virDomainGetMaxMemory", proc_domain_get_max_memory, 0),
	[REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE] =
		PROC("virDomainHasManagedSaveImage",
		     proc_domain_has_managed_save_image, 0),
	[REMOTE_PROC_DOMAIN_GET_XML_DESC] =
		PROC("virDomainGetXMLDesc", proc_domain_get_xml_desc, 0),

	/* Definitions. */
	[REMOTE_PROC_DOMAIN_DEFINE_XML] =
		PROC("virDomainDefineXML", proc_domain_define_xml, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS] =
		PROC("virDomainDefineXMLFlags", proc_domain_define_xml_flags,
		     PROC_WRITE),
	[REMOTE_PROC_DOMAIN_UNDEFINE] =
		PROC("virDomainUndefine", proc_domain_undefine, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS] =
		PROC("virDomainUndefineFlags", proc_domain_undefine_flags,
		     PROC_WRITE),
	[REMOTE_PROC_DOMAIN_SET_AUTOSTART] =
		PROC("virDomainSetAutostart", proc_domain_set_autostart,
		     PROC_WRITE),

	/* Starting and stopping. */
	[REMOTE_PROC_DOMAIN_CREATE] =
		PROC("virDomainCreate", proc_domain_create, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS] =
		PROC("virDomainCreateWithFlags", proc_domain_create_with_flags,
		     PROC_WRITE),
	[REMOTE_PROC_DOMAIN_CREATE_XML] =
		PROC("virDomainCreateXML", proc_domain_create_xml, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_SHUTDOWN] =
		PROC("virDomainShutdown", proc_domain_shutdown, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS] =
		PROC("virDomainShutdownFlags", proc_domain_shutdown_flags,
		     PROC_WRITE),
	[REMOTE_PROC_DOMAIN_REBOOT] =
		PROC("virDomainReboot", proc_domain_reboot, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_DESTROY] =
		PROC("virDomainDestroy", proc_domain_destroy, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_DESTROY_FLAGS] =
		PROC("virDomainDestroyFlags", proc_domain_destroy_flags,
		     PROC_WRITE),
	[REMOTE_PROC_DOMAIN_SUSPEND] =
		PROC("virDomainSuspend", proc_domain_suspend, PROC_WRITE),
	[REMOTE_PROC_DOMAIN_RESUME] =
		PROC("virDomainResume", proc_domain_resume, PROC_WRITE),

	/* The console, as a stream. */
	[REMOTE_PROC_DOMAIN_OPEN_CONSOLE] =
		PROC("virDomainOpenConsole", proc_domain_open_console,
		     PROC_WRITE),

	/* Known to virsh but not implemented: "not supported". */
	[REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY] =
		NO_PROC("virConnectDomainEventRegisterAny"),
	[REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY] =
		NO_PROC("virConnectDomainEventRegisterAny"),
};

int proc_fail(struct proc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->domain = code == VIR_ERR_RPC ? VIR_FROM_RPC : VIR_FROM_XEN;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

int proc_args_done(struct xdr_dec *args, struct proc_error *err)
{
	if (xdr_dec_done(args))
		return proc_fail(err, VIR_ERR_RPC,
				 "cannot decode the arguments of the call");
	return 0;
}

/* Answer @h with an error, or drop the client if even that fails. */
static enum dispatch_result reply_error(const struct rpc_header *h,
					const struct proc_error *err,
					struct xdr_enc *out)
{
	size_t start = out->len;

	if (rpc_build_error(out, h, err->code, err->domain, err->message)) {
		xdr_enc_truncate(out, start);
		return DISPATCH_CLOSE;
	}
	return DISPATCH_OK;
}

static enum dispatch_result dispatch_call(struct rpc_conn *c,
					  const struct rpc_header *h,
					  struct xdr_dec *args,
					  struct xdr_enc *out)
{
	const struct proc_entry *p = NULL;
	struct proc_error err = { 0 };
	struct rpc_header rh;
	size_t start = out->len;

	if (h->proc > 0 && (size_t)h->proc < ARRAY_SIZE(remote_procs))
		p = &remote_procs[h->proc];
	if (!p || !p->fn) {
		if (p && p->name) {
			log_msg("not supported: %s (procedure %d)", p->name,
				h->proc);
			proc_fail(&err, VIR_ERR_NO_SUPPORT,
				  "this function is not supported by the connection driver: %s",
				  p->name);
		} else {
			log_msg("not supported: remote procedure %d", h->proc);
			proc_fail(&err, VIR_ERR_NO_SUPPORT,
				  "this function is not supported by the connection driver: remote procedure %d",
				  h->proc);
		}
		return reply_error(h, &err, out);
	}
	if (!c->open && !(p->flags & PROC_PRE_OPEN)) {
		proc_fail(&err, VIR_ERR_INTERNAL_ERROR,
			  "connection not open");
		return reply_error(h, &err, out);
	}
	if (c->read_only && (p->flags & PROC_WRITE)) {
		vir_fail(&err, VIR_ERR_OPERATION_DENIED,
			 "read only access prevents %s", p->name);
		return reply_error(h, &err, out);
	}

	log_debug("call %s (procedure %d, serial %u)", p->name, h->proc,
		  h->serial);
	c->serial = h->serial;
	rpc_reply_header(&rh, h, VIR_NET_OK);
	rpc_packet_begin(out, &rh);
	if (!out->err && p->fn(c, args, out, &err) == 0) {
		if (!rpc_packet_end(out, start))
			return DISPATCH_OK;
		proc_fail(&err, VIR_ERR_RPC,
			  "the result of %s does not fit in a packet",
			  p->name);
	} else if (!err.code) {
		/* The handler or the header ran out of encoder room. */
		if (out->err == -ENOMEM)
			proc_fail(&err, VIR_ERR_NO_MEMORY, "out of memory");
		else
			proc_fail(&err, VIR_ERR_RPC,
				  "the result of %s does not fit in a packet",
				  p->name);
	}
	xdr_enc_truncate(out, start);
	return reply_error(h, &err, out);
}

static enum dispatch_result dispatch_remote(struct rpc_conn *c,
					    const struct rpc_header *h,
					    struct xdr_dec *args,
					    struct xdr_enc *out)
{
	struct proc_error err = { 0 };

	switch (h->type) {
	case VIR_NET_CALL:
		if (h->vers != REMOTE_PROTOCOL_VERSION) {
			proc_fail(&err, VIR_ERR_RPC,
				  "unsupported version %u of the remote program",
				  h->vers);
			return reply_error(h, &err, out);
		}
		if (h->status != VIR_NET_OK) {
			proc_fail(&err, VIR_ERR_RPC,
				  "call with status %u", h->status);
			return reply_error(h, &err, out);
		}
		return dispatch_call(c, h, args, out);
	case VIR_NET_CALL_WITH_FDS:
		/* Never advertised (VIR_DRV_FEATURE_FD_PASSING is "no"). */
		proc_fail(&err, VIR_ERR_NO_SUPPORT,
			  "passing file descriptors is not supported");
		return reply_error(h, &err, out);
	case VIR_NET_STREAM:
		return stream_incoming(c, h, args, out);
	case VIR_NET_MESSAGE:
		log_debug("dropped message, procedure %d", h->proc);
		return DISPATCH_OK;
	default:
		log_msg("client sent packet type %u: disconnecting it",
			h->type);
		return DISPATCH_CLOSE;
	}
}

static enum dispatch_result dispatch_keepalive(const struct rpc_header *h,
					       struct xdr_enc *out)
{
	size_t start = out->len;

	if (h->vers != KEEPALIVE_PROTOCOL_VERSION ||
	    h->type != VIR_NET_MESSAGE) {
		log_debug("dropped keepalive packet (version %u, type %u)",
			  h->vers, h->type);
		return DISPATCH_OK;
	}
	if (h->proc != KEEPALIVE_PROC_PING)
		return DISPATCH_OK;	/* PONG: we never ping */
	log_debug("keepalive ping");
	if (rpc_build_pong(out, h)) {
		xdr_enc_truncate(out, start);
		return DISPATCH_CLOSE;
	}
	return DISPATCH_OK;
}

enum dispatch_result dispatch_packet(struct rpc_conn *c, const uint8_t *body,
				     size_t len, struct xdr_enc *out)
{
	struct proc_error err = { 0 };
	struct rpc_header h;
	struct xdr_dec d;

	xdr_dec_init(&d, body, len);
	if (rpc_header_decode(&d, &h))
		return DISPATCH_CLOSE;

	switch (h.prog) {
	case KEEPALIVE_PROGRAM:
		return dispatch_keepalive(&h, out);
	case REMOTE_PROGRAM:
		return dispatch_remote(c, &h, &d, out);
	default:
		if (h.type != VIR_NET_CALL)
			return DISPATCH_OK;
		log_msg("call of unknown program 0x%x", h.prog);
		proc_fail(&err, VIR_ERR_RPC, "cannot find program 0x%x version %u",
			  h.prog, h.vers);
		return reply_error(&h, &err, out);
	}
}
