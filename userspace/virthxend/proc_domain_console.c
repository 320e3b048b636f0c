// SPDX-License-Identifier: GPL-2.0
/*
 * virDomainOpenConsole: the VM's console as a stream (stream.h), reached
 * as 'hxenctl console' reaches it (vmctl_console()).
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "procs.h"
#include "rpc_proto.h"
#include "stream.h"

/* The names libvirt gives the one console of an hxen domain. */
static bool is_console_name(const char *dev)
{
	return !dev || !strcmp(dev, "console0") || !strcmp(dev, "serial0");
}

/* remote_domain_open_console_args: dom, remote_string dev_name, flags. */
PROC_HANDLER(proc_domain_open_console)
{
	char rundir[VMDIR_PATH_MAX], why[VMCTL_ERR_MAX], *name, *dev;
	struct vhd_dom d;
	uint32_t flags;
	int rc, fd;

	(void)ret;
	dom_get_arg(args, &name);
	xdr_get_opt_string(args, &dev, REMOTE_STRING_MAX);
	xdr_get_u32(args, &flags);
	rc = proc_args_done(args, err);
	if (!rc)
		rc = proc_check_flags(flags, VIR_DOMAIN_CONSOLE_FORCE |
				      VIR_DOMAIN_CONSOLE_SAFE,
				      "virDomainOpenConsole", err);
	if (!rc)
		rc = dom_find(name, &d, err);
	free(name);
	if (!rc && !is_console_name(dev))
		rc = vir_fail(err, VIR_ERR_INTERNAL_ERROR,
			      "cannot find character device %.64s (an hxen domain has console0 only)",
			      dev);
	free(dev);
	if (rc)
		return -1;
	if (!d.active)
		return dom_fail_inactive(err, &d);
	if (c->stream.open)
		return vir_fail(err, VIR_ERR_OPERATION_INVALID,
				"this connection has a stream open already");
	rc = vmctl_runtime_dir(rundir, sizeof(rundir), why, sizeof(why));
	if (rc == VMCTL_OK)
		rc = vmctl_console(rundir, d.name, &fd, why, sizeof(why));
	if (rc != VMCTL_OK)
		return dom_fail_vmctl(err, rc, why);
	stream_attach(c, fd, REMOTE_PROC_DOMAIN_OPEN_CONSOLE, c->serial);
	return 0;
}
