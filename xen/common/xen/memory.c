// SPDX-License-Identifier: GPL-2.0
/*
 * memory_op: where the guest wants the hypervisor's pages in its
 * guest-physical space (XENMEM_add_to_physmap): shared_info and the grant
 * table's frames.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

static long add_to_physmap(struct hx_emul_ctx *ctx, u64 arg)
{
	struct hx_vm *vm = ctx->vcpu->vm;
	struct xen_add_to_physmap x;

	if (hx_copy_from_guest(ctx, &x, arg, sizeof(x)))
		return -HX_EFAULT;
	if (x.domid != DOMID_SELF && x.domid != vm->xen.domid)
		return -HX_ESRCH;
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		if (x.idx)
			return -HX_EINVAL;
		return hx_xen_map_shared_info(vm, x.gpfn);
	case XENMAPSPACE_grant_table:
		/* Version 2's status frames are not offered. */
		return hx_xen_map_gnttab(vm, x.idx, x.gpfn);
	default:
		return -HX_EINVAL;
	}
}

long hx_xen_memory_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	switch (a[0]) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(ctx, a[1]);
	default:
		return -HX_ENOSYS;
	}
}
