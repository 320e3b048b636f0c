/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domains a client sees: the user's defined domains (domstore.h) and
 * running VMs (vmctl.h), matched by name.  A running VM without a
 * definition is a transient domain; a definition without a VM is a
 * shut-off one.
 *
 * A domain's UUID is its definition's; for a transient domain the one in
 * the domain XML it runs with, or else one derived from its name, so that
 * it stays the same from call to call.  Its ID, while it runs, is the pid
 * of its ioemu (unique among running VMs, as Xen's domain IDs are not:
 * each hxen VM is domain 1 of its own); -1 otherwise.
 */
#ifndef VIRTHXEND_DOMAIN_H
#define VIRTHXEND_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "dispatch.h"
#include "domstore.h"
#include "vmconfig.h"
#include "vmctl.h"
#include "vmuuid.h"
#include "xdr.h"

struct vhd_dom {
	char name[VMCONFIG_NAME_MAX + 1];
	uint8_t uuid[VMUUID_LEN];
	int id;			/* its ioemu's pid when active, else -1 */
	bool active;		/* its ioemu has a control socket */
	bool persistent;	/* it is defined */
	bool autostart;		/* defined and marked autostart */
	struct vmctl_vm vm;	/* when active: what the VM says */
};

/* The user's domain store, or -1 with an error. */
int dom_store(struct domstore *st, struct proc_error *err);

/*
 * Domain @name: 0 with @d filled in, or -1 with VIR_ERR_NO_DOMAIN (or
 * another error) in @err.
 */
int dom_find(const char *name, struct vhd_dom *d, struct proc_error *err);

/* Every domain, sorted by name, into *@doms (free() it): count, or -1. */
int dom_list(struct vhd_dom **doms, struct proc_error *err);

/* virDomainState and its reason, for virDomainGetState(). */
void dom_state(const struct vhd_dom *d, int *state, int *reason);

/*
 * The configuration to describe @d with: what it runs with when active
 * (unless @inactive), else its definition.  Its UUID is @d's.  0, or -1
 * with an error.
 */
int dom_config(const struct vhd_dom *d, bool inactive, struct vmconfig *cfg,
	       struct proc_error *err);

/* remote_nonnull_domain: decode one (the name into *@name, free() it). */
int dom_get_arg(struct xdr_dec *args, char **name);
/*
 * The arguments of most domain procedures: a remote_nonnull_domain and
 * nothing more.  Decodes them and finds the domain: 0, or -1 with an
 * error.
 */
int dom_from_args(struct xdr_dec *args, struct vhd_dom *d,
		  struct proc_error *err);
/*
 * The same with flags after the domain: those outside @known are refused
 * for @api (proc_check_flags()) before the domain is looked for.
 */
int dom_from_args_flags(struct xdr_dec *args, uint32_t known,
			const char *api, uint32_t *flags, struct vhd_dom *d,
			struct proc_error *err);
/* remote_nonnull_domain: encode @d. */
int dom_put(struct xdr_enc *ret, const struct vhd_dom *d);

/*
 * Errors of libhxen as libvirt errors, with the same messages as hxenctl
 * gives: vmctl's and domstore's statuses, and a domain XML message
 * (unsupported elements are VIR_ERR_CONFIG_UNSUPPORTED, the rest
 * VIR_ERR_XML_ERROR).  Each returns -1.
 */
int dom_fail_vmctl(struct proc_error *err, int status, const char *msg);
int dom_fail_store(struct proc_error *err, int status, const char *msg);
int dom_fail_xml(struct proc_error *err, const char *msg);

/* CPU time the VM's ioemu has used, in nanoseconds (0 if unknown). */
uint64_t dom_cpu_time_ns(const struct vhd_dom *d);

/* For a domain that must run, or must not. */
int dom_fail_inactive(struct proc_error *err, const struct vhd_dom *d);
int dom_fail_active(struct proc_error *err, const struct vhd_dom *d);

#endif /* VIRTHXEND_DOMAIN_H */
