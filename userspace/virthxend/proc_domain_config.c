// SPDX-License-Identifier: GPL-2.0
/*
 * Domain definitions: define, undefine, describe as domain XML, and the
 * autostart mark.  Definitions live in the user's domain store
 * (domstore.h), the same for every client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "domxml.h"
#include "log.h"
#include "procs.h"
#include "rpc_proto.h"

/* Store the definition @xml; answer with the domain. */
static int define(const char *xml, struct xdr_enc *ret,
		  struct proc_error *err)
{
	char why[VMCTL_ERR_MAX];
	struct domstore st;
	struct vmconfig cfg;
	struct vhd_dom d;
	bool existed;
	int rc;

	if (dom_store(&st, err))
		return -1;
	rc = domstore_define(&st, xml, &cfg, &existed, why, sizeof(why));
	if (rc != DOMSTORE_OK)
		return dom_fail_store(err, rc, why);
	log_debug("%s domain '%s'", existed ? "redefined" : "defined",
		  cfg.name);
	rc = dom_find(cfg.name, &d, err);
	vmconfig_free(&cfg);
	if (rc)
		return -1;
	return dom_put(ret, &d) ? -1 : 0;
}

/* remote_domain_define_xml_args: the XML. */
PROC_HANDLER(proc_domain_define_xml)
{
	char *xml;
	int rc;

	(void)c;
	xdr_get_string(args, &xml, REMOTE_STRING_MAX);
	rc = proc_args_done(args, err);
	if (!rc)
		rc = define(xml, ret, err);
	free(xml);
	return rc;
}

/* remote_domain_define_xml_flags_args: the XML, flags.  It is always
 * validated, so VIR_DOMAIN_DEFINE_VALIDATE changes nothing. */
PROC_HANDLER(proc_domain_define_xml_flags)
{
	uint32_t flags;
	char *xml;
	int rc;

	(void)c;
	xdr_get_string(args, &xml, REMOTE_STRING_MAX);
	xdr_get_u32(args, &flags);
	rc = proc_args_done(args, err);
	if (!rc)
		rc = proc_check_flags(flags, VIR_DOMAIN_DEFINE_VALIDATE,
				      "virDomainDefineXMLFlags", err);
	if (!rc)
		rc = define(xml, ret, err);
	free(xml);
	return rc;
}

/* A running domain stays, transient; it is gone when it ends. */
static int undefine(const struct vhd_dom *d, struct proc_error *err)
{
	char why[VMCTL_ERR_MAX];
	struct domstore st;
	int rc;

	if (!d->persistent)
		return vir_fail(err, VIR_ERR_OPERATION_INVALID,
				"cannot undefine transient domain '%s'",
				d->name);
	if (dom_store(&st, err))
		return -1;
	rc = domstore_undefine(&st, d->name, why, sizeof(why));
	if (rc != DOMSTORE_OK)
		return dom_fail_store(err, rc, why);
	log_debug("undefined domain '%s'", d->name);
	return 0;
}

PROC_HANDLER(proc_domain_undefine)
{
	struct vhd_dom d;

	(void)c;
	(void)ret;
	if (dom_from_args(args, &d, err))
		return -1;
	return undefine(&d, err);
}

/* The flags ask to remove state that an hxen domain never has. */
PROC_HANDLER(proc_domain_undefine_flags)
{
	struct vhd_dom d;
	uint32_t flags;

	(void)c;
	(void)ret;
	if (dom_from_args_flags(args, VIR_DOMAIN_UNDEFINE_KNOWN_FLAGS,
				"virDomainUndefineFlags", &flags, &d, err))
		return -1;
	return undefine(&d, err);
}

/* After "<domain type='xen'", libvirt marks a running domain's ID. */
static char *with_id(char *xml, int id)
{
	static const char head[] = "<domain type='xen'";
	char *out;

	if (strncmp(xml, head, sizeof(head) - 1))
		return xml;
	if (asprintf(&out, "%s id='%d'%s", head, id,
		     xml + sizeof(head) - 1) < 0)
		return xml;
	free(xml);
	return out;
}

/* remote_domain_get_xml_desc_args: dom, virDomainXMLFlags. */
PROC_HANDLER(proc_domain_get_xml_desc)
{
	char why[VMCTL_ERR_MAX], *xml;
	struct vmconfig cfg;
	struct vhd_dom d;
	uint32_t flags;
	bool inactive;
	int rc;

	(void)c;
	if (dom_from_args_flags(args, VIR_DOMAIN_XML_SECURE |
				VIR_DOMAIN_XML_INACTIVE |
				VIR_DOMAIN_XML_UPDATE_CPU |
				VIR_DOMAIN_XML_MIGRATABLE,
				"virDomainGetXMLDesc", &flags, &d, err))
		return -1;
	inactive = flags & VIR_DOMAIN_XML_INACTIVE;
	if (dom_config(&d, inactive, &cfg, err))
		return -1;
	rc = domxml_format(&cfg, &xml, why, sizeof(why));
	vmconfig_free(&cfg);
	if (rc)
		return vir_fail(err, VIR_ERR_OPERATION_FAILED,
				"cannot describe domain '%s': %s", d.name,
				why);
	/* Migratable XML leaves out what only this run has. */
	if (d.active && d.id > 0 && !inactive &&
	    !(flags & VIR_DOMAIN_XML_MIGRATABLE))
		xml = with_id(xml, d.id);
	rc = xdr_put_string(ret, xml, REMOTE_STRING_MAX);
	free(xml);
	return rc ? -1 : 0;
}

/* remote_domain_set_autostart_args: dom, int autostart. */
PROC_HANDLER(proc_domain_set_autostart)
{
	char why[VMCTL_ERR_MAX], *name;
	struct domstore st;
	struct vhd_dom d;
	int32_t on;
	int rc;

	(void)c;
	(void)ret;
	dom_get_arg(args, &name);
	xdr_get_i32(args, &on);
	rc = proc_args_done(args, err);
	if (!rc)
		rc = dom_find(name, &d, err);
	free(name);
	if (rc)
		return -1;
	if (!d.persistent)
		return vir_fail(err, VIR_ERR_OPERATION_INVALID,
				"cannot set autostart for transient domain '%s'",
				d.name);
	if (dom_store(&st, err))
		return -1;
	rc = domstore_set_autostart(&st, d.name, on != 0, why, sizeof(why));
	if (rc != DOMSTORE_OK)
		return dom_fail_store(err, rc, why);
	return 0;
}
