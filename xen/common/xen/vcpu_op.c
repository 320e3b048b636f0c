// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_op: where each vCPU's vcpu_info lives in guest memory (Linux 5.16
 * and later panic if this fails), its runstate area (accepted; hxen does
 * not update it yet, which Linux allows), and the timers (timer.c).
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

#define VCPU_INFO_SIZE		64

static long register_vcpu_info(struct hx_emul_ctx *ctx, u32 id, u64 arg)
{
	struct hx_xen *x = &ctx->vcpu->vm->xen;
	struct vcpu_register_vcpu_info r;
	u64 gpa;
	long ret = 0;

	if (hx_copy_from_guest(ctx, &r, arg, sizeof(r)))
		return -HX_EFAULT;
	if (r.offset > HX_PAGE_SIZE - VCPU_INFO_SIZE ||
	    r.mfn >= HX_GPA_MAX >> HX_PAGE_SHIFT)
		return -HX_EINVAL;
	gpa = (r.mfn << HX_PAGE_SHIFT) + r.offset;
	if (!hx_ram_page(&ctx->vcpu->vm->ram, gpa))
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	if (x->vcpu_info_gpa[id])
		ret = -HX_EINVAL;		/* once per vCPU */
	else
		__atomic_store_n(&x->vcpu_info_gpa[id], gpa, __ATOMIC_RELEASE);
	hxh_mutex_unlock(x->lock);
	/* Others get theirs when they next run. */
	if (!ret && id == ctx->vcpu->id)
		hx_xen_update_time(ctx->vcpu);
	return ret;
}

long hx_xen_vcpu_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	struct hx_xen *x = &ctx->vcpu->vm->xen;
	u32 id = (u32)a[1];
	u64 gva;

	if (a[1] >= HX_XEN_MAX_VCPUS)
		return -HX_ENOENT;
	switch (a[0]) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(ctx, id, a[2]);
	case VCPUOP_set_periodic_timer:
	case VCPUOP_stop_periodic_timer:
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_stop_singleshot_timer:
		return hx_xen_vcpu_timer_op(ctx, (u32)a[0], id, a[2]);
	case VCPUOP_register_runstate_memory_area:
		/* The argument holds the area's guest-virtual address. */
		if (hx_copy_from_guest(ctx, &gva, a[2], sizeof(gva)))
			return -HX_EFAULT;
		__atomic_store_n(&x->runstate_gva[id], gva, __ATOMIC_RELEASE);
		return 0;
	default:
		return -HX_ENOSYS;
	}
}
