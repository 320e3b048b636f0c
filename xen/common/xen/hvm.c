// SPDX-License-Identifier: GPL-2.0
/*
 * hvm_op: the HVM parameters through which the device model tells the
 * guest where its xenstore and console rings are (and their event
 * channels), and through which the guest names its upcall.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

/* Parameters hxen keeps; anything else is refused. */
static bool param_known(u32 index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		return true;
	default:
		return false;
	}
}

int hx_xen_set_param(struct hx_vm *vm, u32 index, u64 value)
{
	if (!vm->xen.enabled || !param_known(index))
		return -HX_EINVAL;
	__atomic_store_n(&vm->xen.params[index], value, __ATOMIC_RELEASE);
	return 0;
}

long hx_xen_hvm_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	struct hx_vm *vm = ctx->vcpu->vm;
	struct xen_hvm_param p;

	if (a[0] != HVMOP_set_param && a[0] != HVMOP_get_param)
		return -HX_ENOSYS;
	if (hx_copy_from_guest(ctx, &p, a[1], sizeof(p)))
		return -HX_EFAULT;
	if (p.domid != DOMID_SELF && p.domid != vm->xen.domid)
		return -HX_ESRCH;
	if (!param_known(p.index))
		return -HX_EINVAL;
	if (a[0] == HVMOP_get_param) {
		p.value = __atomic_load_n(&vm->xen.params[p.index],
					  __ATOMIC_ACQUIRE);
		return hx_copy_to_guest(ctx, a[1], &p, sizeof(p));
	}
	/* The guest chooses its upcall; the rings are the host's to say. */
	if (p.index != HVM_PARAM_CALLBACK_IRQ)
		return -HX_EPERM;
	__atomic_store_n(&vm->xen.params[p.index], p.value, __ATOMIC_RELEASE);
	return 0;
}
