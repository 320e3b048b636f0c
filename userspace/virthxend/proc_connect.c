// SPDX-License-Identifier: GPL-2.0
/*
 * Connection procedures: open and close, authentication, and questions
 * about the host and the driver.  Argument and result layouts are those of
 * remote_connect_*_args / _ret in libvirt's src/remote/remote_protocol.x.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "procs.h"
#include "rpc_proto.h"

#ifndef HXEN_TOOLS_VERSION
#define HXEN_TOOLS_VERSION "0.0.0"
#endif

/*
 * The driver type virConnectGetType() reports: virsh prints it as "Using
 * API: hxen ..." and "Running hypervisor: hxen <version>".  The version
 * that goes with it is hxen's, so the name is hxen's too; the XML-level
 * domain type stays "xen" (see caps.c).
 */
#define VHD_DRIVER_TYPE "hxen"

/*
 * virConnectGetLibVersion() asks for the daemon's libvirt version.  The
 * daemon is not libvirt; it answers with the release whose protocol
 * definitions it follows (Debian 12's libvirt 9.0.0), which is what a
 * client may rely on.
 */
#define VHD_PROTOCOL_LIBVERSION 9000000ull

#define URI_SESSION "hxen:///session"
#define URI_SYSTEM "hxen:///system"


/* libvirt's version number: major * 1000000 + minor * 1000 + micro. */
static unsigned long long version_number(const char *v)
{
	unsigned long long part[3] = { 0, 0, 0 };
	int i;

	for (i = 0; i < 3 && *v >= '0' && *v <= '9'; i++) {
		char *end;

		part[i] = strtoull(v, &end, 10);
		if (part[i] > 999)
			part[i] = 999;
		v = *end == '.' ? end + 1 : end;
	}
	return part[0] * 1000000 + part[1] * 1000 + part[2];
}

/*
 * The canonical URI for @name (hxen:///session or hxen:///system), or NULL
 * after filling @err.  The client library has already removed its own
 * parameters (mode=, socket=, ...); anything left after '?' is ignored.
 */
static const char *canonical_uri(const char *name,
				 const struct vhd_config *cfg,
				 struct proc_error *err)
{
	const char *path;
	size_t len;

	if (!name || !*name)
		return cfg->privileged ? URI_SYSTEM : URI_SESSION;
	if (strncasecmp(name, "hxen://", 7))
		goto unsupported;
	path = name + 7;
	if (*path != '/')
		goto unsupported;	/* a host: not ours to serve */
	len = strcspn(path, "?#");
	if (len == 8 && !strncmp(path, "/session", len))
		return URI_SESSION;
	if (len == 7 && !strncmp(path, "/system", len)) {
		if (!cfg->privileged) {
			proc_fail(err, VIR_ERR_NO_CONNECT,
				  "this virthxend serves hxen:///session; hxen:///system is served by root's");
			return NULL;
		}
		return URI_SYSTEM;
	}
unsupported:
	proc_fail(err, VIR_ERR_NO_CONNECT,
		  "no connection driver available for %.256s (virthxend serves hxen:///session and hxen:///system)",
		  name);
	return NULL;
}

/* For procedures without arguments. */
static int no_args(struct xdr_dec *args, struct proc_error *err)
{
	return proc_args_done(args, err);
}

PROC_HANDLER(proc_connect_open)
{
	const char *uri;
	uint32_t flags;
	char *name;

	xdr_get_opt_string(args, &name, REMOTE_STRING_MAX);
	xdr_get_u32(args, &flags);
	if (proc_args_done(args, err))
		goto fail;
	if (c->open) {
		proc_fail(err, VIR_ERR_INTERNAL_ERROR,
			  "connection already open");
		goto fail;
	}
	uri = canonical_uri(name, c->cfg, err);
	if (!uri)
		goto fail;
	c->open = true;
	/*
	 * The flags are the client library's own open flags, not only
	 * virConnectFlags: a session client also sets its "autostart the
	 * daemon" bit.  Bit 0 means read-only in both; the others are the
	 * client's business.
	 */
	c->read_only = flags & VIR_CONNECT_RO;
	c->uri = uri;
	free(name);
	(void)ret;
	return 0;
fail:
	free(name);
	return -1;
}

PROC_HANDLER(proc_connect_close)
{
	(void)ret;
	if (no_args(args, err))
		return -1;
	c->open = false;
	c->read_only = false;
	c->uri = NULL;
	return 0;
}

/* remote_auth_list_ret: the only method is "none" (the socket's mode). */
PROC_HANDLER(proc_auth_list)
{
	(void)c;
	if (no_args(args, err))
		return -1;
	xdr_put_count(ret, 1, REMOTE_AUTH_TYPE_LIST_MAX);
	return xdr_put_i32(ret, REMOTE_AUTH_NONE) ? -1 : 0;
}

PROC_HANDLER(proc_connect_supports_feature)
{
	int32_t feature;
	int supported;

	(void)c;
	xdr_get_i32(args, &feature);
	if (proc_args_done(args, err))
		return -1;
	switch (feature) {
	case VIR_DRV_FEATURE_PROGRAM_KEEPALIVE:
		supported = 1;	/* pings are answered */
		break;
	default:
		/*
		 * Among the "no"s: REMOTE_EVENT_CALLBACK and
		 * REMOTE_CLOSE_CALLBACK, so the client library keeps event
		 * and close callbacks to itself; no migration, no fd passing.
		 */
		supported = 0;
		break;
	}
	log_debug("feature %d: %s", feature, supported ? "yes" : "no");
	return xdr_put_i32(ret, supported) ? -1 : 0;
}

PROC_HANDLER(proc_connect_get_type)
{
	(void)c;
	if (no_args(args, err))
		return -1;
	return xdr_put_string(ret, VHD_DRIVER_TYPE, REMOTE_STRING_MAX) ? -1 : 0;
}

PROC_HANDLER(proc_connect_get_version)
{
	(void)c;
	if (no_args(args, err))
		return -1;
	return xdr_put_u64(ret, version_number(HXEN_TOOLS_VERSION)) ? -1 : 0;
}

PROC_HANDLER(proc_connect_get_lib_version)
{
	(void)c;
	if (no_args(args, err))
		return -1;
	return xdr_put_u64(ret, VHD_PROTOCOL_LIBVERSION) ? -1 : 0;
}

PROC_HANDLER(proc_connect_get_hostname)
{
	char host[256];

	(void)c;
	if (no_args(args, err))
		return -1;
	if (gethostname(host, sizeof(host)))
		return proc_fail(err, VIR_ERR_INTERNAL_ERROR,
				 "cannot get the host name");
	host[sizeof(host) - 1] = '\0';
	return xdr_put_string(ret, host, REMOTE_STRING_MAX) ? -1 : 0;
}

PROC_HANDLER(proc_connect_get_uri)
{
	if (no_args(args, err))
		return -1;
	return xdr_put_string(ret, c->uri, REMOTE_STRING_MAX) ? -1 : 0;
}

PROC_HANDLER(proc_connect_get_capabilities)
{
	char *xml;
	int rc;

	(void)c;
	if (no_args(args, err))
		return -1;
	xml = caps_xml();
	if (!xml)
		return proc_fail(err, VIR_ERR_NO_MEMORY, "out of memory");
	rc = xdr_put_string(ret, xml, REMOTE_STRING_MAX);
	free(xml);
	return rc ? -1 : 0;
}

/* Clients reach virthxend only over its local UNIX socket. */
PROC_HANDLER(proc_connect_is_secure)
{
	(void)c;
	if (no_args(args, err))
		return -1;
	return xdr_put_i32(ret, 1) ? -1 : 0;
}
