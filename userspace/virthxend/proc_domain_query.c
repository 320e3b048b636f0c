// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a domain and asking about it: lookups by ID, name and UUID,
 * its info and state, whether it runs, is defined or starts with the
 * daemon.  Layouts: remote_domain_*_args / _ret in remote_protocol.x.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "procs.h"
#include "rpc_proto.h"

/* remote_domain_lookup_by_id_args: int id.  Running domains only. */
PROC_HANDLER(proc_domain_lookup_by_id)
{
	struct vhd_dom *doms;
	int32_t id;
	int n, i, rc = -1;

	(void)c;
	xdr_get_i32(args, &id);
	if (proc_args_done(args, err))
		return -1;
	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (doms[i].active && doms[i].id == id && id > 0)
			break;
	if (i < n)
		rc = dom_put(ret, &doms[i]) ? -1 : 0;
	else
		vir_fail(err, VIR_ERR_NO_DOMAIN,
			 "no domain with matching id %d", id);
	free(doms);
	return rc;
}

PROC_HANDLER(proc_domain_lookup_by_name)
{
	struct vhd_dom d;
	char *name;
	int rc;

	(void)c;
	xdr_get_string(args, &name, REMOTE_STRING_MAX);
	rc = proc_args_done(args, err);
	if (!rc)
		rc = dom_find(name, &d, err);
	free(name);
	if (rc)
		return -1;
	return dom_put(ret, &d) ? -1 : 0;
}

PROC_HANDLER(proc_domain_lookup_by_uuid)
{
	uint8_t uuid[VIR_UUID_BUFLEN];
	char text[VMUUID_TEXT];
	struct vhd_dom *doms;
	int n, i, rc = -1;

	(void)c;
	xdr_get_fixed(args, uuid, sizeof(uuid));
	if (proc_args_done(args, err))
		return -1;
	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!memcmp(doms[i].uuid, uuid, sizeof(uuid)))
			break;
	if (i < n) {
		rc = dom_put(ret, &doms[i]) ? -1 : 0;
	} else {
		vmuuid_format(uuid, text);
		vir_fail(err, VIR_ERR_NO_DOMAIN,
			 "no domain with matching uuid '%s'", text);
	}
	free(doms);
	return rc;
}

/*
 * remote_domain_get_info_ret: unsigned char state, unsigned hyper maxMem
 * and memory (KiB), unsigned short nrVirtCpu, unsigned hyper cpuTime
 * (ns); XDR carries the char and the short as 4 bytes each.
 */
PROC_HANDLER(proc_domain_get_info)
{
	uint64_t mem_kib = 0;
	unsigned int vcpus = 0;
	struct proc_error ignored = { 0 };
	struct vmconfig cfg;
	struct vhd_dom d;
	int state, reason;

	(void)c;
	if (dom_from_args(args, &d, err))
		return -1;
	if (d.active && d.vm.answered) {
		mem_kib = d.vm.info.memory_mib * 1024;
		vcpus = d.vm.info.vcpus;
	} else if (!dom_config(&d, false, &cfg, &ignored)) {
		mem_kib = cfg.memory_mib * 1024;
		vcpus = cfg.vcpus;
		vmconfig_free(&cfg);
	} else if (!d.active) {
		*err = ignored;
		return -1;
	}
	dom_state(&d, &state, &reason);
	xdr_put_u32(ret, (uint32_t)state);
	xdr_put_u64(ret, mem_kib);
	xdr_put_u64(ret, mem_kib);
	xdr_put_u32(ret, vcpus);
	return xdr_put_u64(ret, dom_cpu_time_ns(&d)) ? -1 : 0;
}

/* remote_domain_get_state_args: dom, flags (none defined);
 * ret: state, reason. */
PROC_HANDLER(proc_domain_get_state)
{
	struct vhd_dom d;
	uint32_t flags;
	int state, reason;

	(void)c;
	if (dom_from_args_flags(args, 0, "virDomainGetState", &flags, &d,
				err))
		return -1;
	dom_state(&d, &state, &reason);
	xdr_put_i32(ret, state);
	return xdr_put_i32(ret, reason) ? -1 : 0;
}

PROC_HANDLER(proc_domain_is_active)
{
	struct vhd_dom d;

	(void)c;
	if (dom_from_args(args, &d, err))
		return -1;
	return xdr_put_i32(ret, d.active) ? -1 : 0;
}

PROC_HANDLER(proc_domain_is_persistent)
{
	struct vhd_dom d;

	(void)c;
	if (dom_from_args(args, &d, err))
		return -1;
	return xdr_put_i32(ret, d.persistent) ? -1 : 0;
}

PROC_HANDLER(proc_domain_get_autostart)
{
	struct vhd_dom d;

	(void)c;
	if (dom_from_args(args, &d, err))
		return -1;
	return xdr_put_i32(ret, d.autostart) ? -1 : 0;
}

/* What the domain XML says in <os><type>: hxen boots guests as PVH. */
PROC_HANDLER(proc_domain_get_os_type)
{
	struct vhd_dom d;

	(void)c;
	if (dom_from_args(args, &d, err))
		return -1;
	return xdr_put_string(ret, "xenpvh", REMOTE_STRING_MAX) ? -1 : 0;
}

/* remote_domain_get_max_memory_ret: unsigned hyper memory (KiB). */
PROC_HANDLER(proc_domain_get_max_memory)
{
	struct vmconfig cfg;
	struct vhd_dom d;
	uint64_t kib;

	(void)c;
	if (dom_from_args(args, &d, err))
		return -1;
	if (d.active && d.vm.answered) {
		kib = d.vm.info.memory_mib * 1024;
	} else {
		if (dom_config(&d, false, &cfg, err))
			return -1;
		kib = cfg.memory_mib * 1024;
		vmconfig_free(&cfg);
	}
	return xdr_put_u64(ret, kib) ? -1 : 0;
}

/* hxen keeps no saved state of a domain: never. */
PROC_HANDLER(proc_domain_has_managed_save_image)
{
	struct vhd_dom d;
	uint32_t flags;

	(void)c;
	if (dom_from_args_flags(args, 0, "virDomainHasManagedSaveImage",
				&flags, &d, err))
		return -1;
	return xdr_put_i32(ret, 0) ? -1 : 0;
}
