// SPDX-License-Identifier: GPL-2.0
/*
 * Starting and stopping domains: start a defined domain or a transient
 * one from XML, shut down, reboot, destroy, suspend and resume.  Each is
 * the vmctl.h call that hxenctl makes for the same thing, so a VM started
 * here is one hxenctl sees, and the other way round.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "domxml.h"
#include "log.h"
#include "procs.h"
#include "rpc_proto.h"

#define START_FLAGS (VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_BYPASS_CACHE | \
		     VIR_DOMAIN_START_FORCE_BOOT)
#define CREATE_XML_FLAGS (VIR_DOMAIN_START_PAUSED | \
			  VIR_DOMAIN_START_BYPASS_CACHE | \
			  VIR_DOMAIN_START_VALIDATE)

/* Start the VM @cfg describes (its UUID set), paused if @flags say so. */
static int start(const struct vmconfig *cfg, uint32_t flags,
		 struct proc_error *err)
{
	struct vmctl_start s = { 0 };
	char why[VMCTL_ERR_MAX], *xml;
	int rc;

	if (domxml_format(cfg, &xml, why, sizeof(why)))
		return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s", why);
	s.config_xml = xml;
	rc = vmctl_start(&s, why, sizeof(why));
	free(xml);
	if (rc != VMCTL_OK)
		return dom_fail_vmctl(err, rc, why);
	log_debug("started '%s' (ioemu pid %ld)", s.name, s.pid);
	if (flags & VIR_DOMAIN_START_PAUSED) {
		rc = vmctl_pause(s.name, true, why, sizeof(why));
		if (rc != VMCTL_OK)
			return dom_fail_vmctl(err, rc, why);
	}
	return 0;
}

/* Start the defined domain @d; @d then describes it running. */
static int start_defined(struct vhd_dom *d, uint32_t flags,
			 struct proc_error *err)
{
	char name[sizeof(d->name)];
	struct vmconfig cfg;
	int rc;

	if (d->active)
		return dom_fail_active(err, d);
	if (dom_config(d, true, &cfg, err))
		return -1;
	rc = start(&cfg, flags, err);
	vmconfig_free(&cfg);
	if (rc)
		return -1;
	memcpy(name, d->name, sizeof(name));
	return dom_find(name, d, err);
}

PROC_HANDLER(proc_domain_create)
{
	struct vhd_dom d;

	(void)c;
	(void)ret;
	if (dom_from_args(args, &d, err))
		return -1;
	return start_defined(&d, 0, err);
}

/* remote_domain_create_with_flags_ret: the domain, now with its ID. */
PROC_HANDLER(proc_domain_create_with_flags)
{
	struct vhd_dom d;
	uint32_t flags;

	(void)c;
	if (dom_from_args_flags(args, START_FLAGS, "virDomainCreateWithFlags",
				&flags, &d, err) ||
	    start_defined(&d, flags, err))
		return -1;
	return dom_put(ret, &d) ? -1 : 0;
}

/* Settle the UUID of @cfg, to start as a transient domain. */
static int transient_uuid(struct vmconfig *cfg, struct proc_error *err)
{
	struct vhd_dom *doms;
	uint8_t uuid[VMUUID_LEN];
	int n, i, rc = 0;

	if (!cfg->uuid[0] && vmuuid_generate(cfg->uuid))
		return vir_fail(err, VIR_ERR_INTERNAL_ERROR,
				"cannot make a UUID from /dev/urandom");
	vmuuid_parse(cfg->uuid, uuid);
	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n && !rc; i++) {
		if (!strcmp(doms[i].name, cfg->name) && doms[i].active)
			rc = dom_fail_active(err, &doms[i]);
		else if (!strcmp(doms[i].name, cfg->name) &&
			 memcmp(doms[i].uuid, uuid, sizeof(uuid)))
			rc = vir_fail(err, VIR_ERR_OPERATION_FAILED,
				      "domain '%s' is already defined with another UUID",
				      cfg->name);
		else if (strcmp(doms[i].name, cfg->name) &&
			 !memcmp(doms[i].uuid, uuid, sizeof(uuid)))
			rc = vir_fail(err, VIR_ERR_OPERATION_FAILED,
				      "UUID %s belongs to domain '%s' already",
				      cfg->uuid, doms[i].name);
	}
	free(doms);
	return rc;
}

/* remote_domain_create_xml_args: XML, flags; ret: the domain. */
PROC_HANDLER(proc_domain_create_xml)
{
	char why[VMCTL_ERR_MAX], *xml;
	struct vmconfig cfg = { 0 };
	struct vhd_dom d;
	uint32_t flags;
	int rc;

	(void)c;
	xdr_get_string(args, &xml, REMOTE_STRING_MAX);
	xdr_get_u32(args, &flags);
	rc = proc_args_done(args, err);
	if (!rc)
		rc = proc_check_flags(flags, CREATE_XML_FLAGS,
				      "virDomainCreateXML", err);
	if (!rc && domxml_parse_string(xml, strlen(xml), "domain XML", NULL,
				       &cfg, why, sizeof(why)))
		rc = dom_fail_xml(err, why);
	free(xml);
	if (!rc) {
		struct vhd_dom existing;
		struct proc_error none = { 0 };

		/* A defined domain keeps its UUID when started this way. */
		if (!cfg.uuid[0] && !dom_find(cfg.name, &existing, &none))
			vmuuid_format(existing.uuid, cfg.uuid);
		rc = transient_uuid(&cfg, err);
	}
	if (!rc)
		rc = start(&cfg, flags, err);
	if (!rc)
		rc = dom_find(cfg.name, &d, err);
	vmconfig_free(&cfg);
	if (rc)
		return -1;
	return dom_put(ret, &d) ? -1 : 0;
}

/* Ask the guest of running domain @d to power off or reboot. */
static int ask_guest(const struct vhd_dom *d, bool reboot,
		     struct proc_error *err)
{
	char why[VMCTL_ERR_MAX];
	int rc;

	if (!d->active)
		return dom_fail_inactive(err, d);
	rc = vmctl_shutdown(d->name, reboot, 0, why, sizeof(why));
	return rc == VMCTL_OK ? 0 : dom_fail_vmctl(err, rc, why);
}

PROC_HANDLER(proc_domain_shutdown)
{
	struct vhd_dom d;

	(void)c;
	(void)ret;
	if (dom_from_args(args, &d, err))
		return -1;
	return ask_guest(&d, false, err);
}

/* Xen's paravirtual control (xenstore control/shutdown) is the one way. */
PROC_HANDLER(proc_domain_shutdown_flags)
{
	struct vhd_dom d;
	uint32_t flags;

	(void)c;
	(void)ret;
	if (dom_from_args_flags(args, VIR_DOMAIN_SHUTDOWN_PARAVIRT,
				"virDomainShutdownFlags", &flags, &d, err))
		return -1;
	return ask_guest(&d, false, err);
}

PROC_HANDLER(proc_domain_reboot)
{
	struct vhd_dom d;
	uint32_t flags;

	(void)c;
	(void)ret;
	if (dom_from_args_flags(args, VIR_DOMAIN_REBOOT_PARAVIRT,
				"virDomainReboot", &flags, &d, err))
		return -1;
	return ask_guest(&d, true, err);
}

static int destroy(const struct vhd_dom *d, struct proc_error *err)
{
	char why[VMCTL_ERR_MAX];
	int rc;

	if (!d->active)
		return dom_fail_inactive(err, d);
	rc = vmctl_destroy(d->name, why, sizeof(why));
	return rc == VMCTL_OK ? 0 : dom_fail_vmctl(err, rc, why);
}

PROC_HANDLER(proc_domain_destroy)
{
	struct vhd_dom d;

	(void)c;
	(void)ret;
	if (dom_from_args(args, &d, err))
		return -1;
	return destroy(&d, err);
}

/* Graceful or not, ioemu ends the VM the one way it has. */
PROC_HANDLER(proc_domain_destroy_flags)
{
	struct vhd_dom d;
	uint32_t flags;

	(void)c;
	(void)ret;
	if (dom_from_args_flags(args, VIR_DOMAIN_DESTROY_GRACEFUL,
				"virDomainDestroyFlags", &flags, &d, err))
		return -1;
	return destroy(&d, err);
}

static int pause_domain(struct xdr_dec *args, bool pause,
			struct proc_error *err)
{
	char why[VMCTL_ERR_MAX];
	struct vhd_dom d;
	int rc;

	if (dom_from_args(args, &d, err))
		return -1;
	if (!d.active)
		return dom_fail_inactive(err, &d);
	rc = vmctl_pause(d.name, pause, why, sizeof(why));
	return rc == VMCTL_OK ? 0 : dom_fail_vmctl(err, rc, why);
}

PROC_HANDLER(proc_domain_suspend)
{
	(void)c;
	(void)ret;
	return pause_domain(args, true, err);
}

PROC_HANDLER(proc_domain_resume)
{
	(void)c;
	(void)ret;
	return pause_domain(args, false, err);
}
