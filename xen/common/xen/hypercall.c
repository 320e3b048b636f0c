// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall dispatch.  64-bit guests pass the number in RAX and arguments
 * in RDI, RSI, RDX, R10, R8; 32-bit guests in EAX and EBX, ECX, EDX, ESI,
 * EDI.  The result goes back in RAX.  A hypercall from CPL > 0 fails with
 * -EPERM; an unknown one with -ENOSYS.  (These Xen error numbers are the
 * same as Linux's, which the core's HX_E* are.)
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/lib.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

#define VMASST_CMD_ENABLE		0
#define VMASST_CMD_DISABLE		1
#define VMASST_RUNSTATE_UPDATE_FLAG	5

typedef long (*hx_hcall_fn)(struct hx_emul_ctx *ctx, const u64 *a);

static const hx_hcall_fn hx_hcalls[] = {
	[__HYPERVISOR_set_timer_op] = hx_xen_set_timer_op,
	[__HYPERVISOR_xen_version] = hx_xen_version_op,
	[__HYPERVISOR_grant_table_op] = hx_xen_grant_table_op,
	[__HYPERVISOR_vm_assist] = hx_xen_vm_assist,
	[__HYPERVISOR_memory_op] = hx_xen_memory_op,
	[__HYPERVISOR_vcpu_op] = hx_xen_vcpu_op,
	[__HYPERVISOR_sched_op] = hx_xen_sched_op,
	[__HYPERVISOR_hvm_op] = hx_xen_hvm_op,
	[__HYPERVISOR_event_channel_op] = hx_xen_event_channel_op,
};

/* Only the runstate update flag, which costs nothing to accept. */
long hx_xen_vm_assist(struct hx_emul_ctx *ctx, const u64 *a)
{
	if (a[0] != VMASST_CMD_ENABLE && a[0] != VMASST_CMD_DISABLE)
		return -HX_EINVAL;
	return a[1] == VMASST_RUNSTATE_UPDATE_FLAG ? 0 : -HX_EINVAL;
}

/* Log a refused hypercall (and sub-operation) once per VM. */
static void note_refused(struct hx_vcpu *vcpu, u64 nr, u64 op)
{
	struct hx_xen *x = &vcpu->vm->xen;
	u64 bit = 1ULL << (op < 63 ? op : 63);
	u32 row = nr < HX_XEN_REFUSED_ROWS ? (u32)nr :
					     HX_XEN_REFUSED_ROWS - 1;

	if (__atomic_fetch_or(&x->refused[row], bit, __ATOMIC_RELAXED) & bit)
		return;
	hxh_log(HXH_LOG_INFO, "domain %u: hypercall %llu (op %llu) refused",
		x->domid, (unsigned long long)nr, (unsigned long long)op);
}

int hx_xen_hypercall(struct hx_emul_ctx *ctx, u32 len)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	u64 *g = vcpu->gprs, nr, a[5];
	bool wide = ctx->cs_bits == 64;
	long ret;
	int i;

	if (wide) {
		nr = g[HX_RAX];
		a[0] = g[HX_RDI];
		a[1] = g[HX_RSI];
		a[2] = g[HX_RDX];
		a[3] = g[HX_R10];
		a[4] = g[HX_R8];
	} else {
		nr = (u32)g[HX_RAX];
		a[0] = g[HX_RBX];
		a[1] = g[HX_RCX];
		a[2] = g[HX_RDX];
		a[3] = g[HX_RSI];
		a[4] = g[HX_RDI];
		for (i = 0; i < 5; i++)
			a[i] = (u32)a[i];
	}
	vcpu->stats.hypercalls++;
	vcpu->exit.reason = HX_EXIT_NONE;
	if (ctx->cpl) {
		ret = -HX_EPERM;
	} else if (nr < HX_ARRAY_SIZE(hx_hcalls) && hx_hcalls[nr]) {
		ret = hx_hcalls[nr](ctx, a);
	} else {
		ret = -HX_ENOSYS;
		vcpu->stats.unknown_hypercalls++;
	}
	if (ret == -HX_ENOSYS)
		note_refused(vcpu, nr, a[0]);
	g[HX_RAX] = wide ? (u64)ret : (u32)ret;
	ctx->rip = wide ? ctx->rip + len : (u32)(ctx->rip + len);
	return vcpu->exit.reason == HX_EXIT_NONE ? HX_EMUL_RESUME :
						  HX_EMUL_EXIT;
}
