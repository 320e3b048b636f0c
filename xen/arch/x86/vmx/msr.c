// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR by the guest on VMX.  No MSR bitmap is used, so every
 * access exits.  The SYSENTER MSRs, FS/GS bases, EFER and PAT are guest
 * state in the VMCS; the SYSCALL MSRs and KERNEL_GS_BASE go through the
 * VM-entry/VM-exit MSR areas; the rest are the same on both backends
 * (hxen/msr.h).  Anything else raises #GP.
 */
#include <hxen/msr.h>
#include <hxen/vm.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "vmcs.h"
#include "vmx.h"

#define CR0_PG			(1ULL << 31)

static u64 *vmx_state_msr(struct vmx_vcpu *vx, u32 msr)
{
	struct vmx_guest *g = &vx->g;

	switch (msr) {
	case HX_MSR_SYSENTER_ESP:
		return &g->sysenter_esp;
	case HX_MSR_SYSENTER_EIP:
		return &g->sysenter_eip;
	case HX_MSR_FS_BASE:
		return &g->seg[VMX_FS].base;
	case HX_MSR_GS_BASE:
		return &g->seg[VMX_GS].base;
	default:
		return vmx_guest_msr(vx, msr);
	}
}

int vmx_msr_read(struct vmx_vcpu *vx, u32 msr, u64 *val)
{
	u64 *field = vmx_state_msr(vx, msr);

	if (field) {
		*val = *field;
		return 0;
	}
	switch (msr) {
	case HX_MSR_SYSENTER_CS:
		*val = vx->g.sysenter_cs;
		return 0;
	case HX_MSR_EFER:
		*val = vx->g.efer;
		return 0;
	case HX_MSR_PAT:
		*val = vx->g.pat;
		return 0;
	case HX_MSR_TSC:
		*val = hx_rdtsc() + vx->tsc_offset;
		return 0;
	default:
		return hx_msr_common_read(&vx->vcpu, msr, val) ? -1 : 0;
	}
}

int vmx_msr_write(struct vmx_vcpu *vx, u32 msr, u64 val)
{
	struct vmx_guest *g = &vx->g;
	u64 *field = vmx_state_msr(vx, msr);

	if (field) {
		if (hx_msr_bad_address(msr, val))
			return -1;
		*field = val;
		return 0;
	}
	switch (msr) {
	case HX_MSR_SYSENTER_CS:
		g->sysenter_cs = (u32)val;
		return 0;
	case HX_MSR_EFER:
		if (val & ~HX_EFER_GUEST_BITS)
			return -1;
		/* LME cannot change under paging; LMA follows CR0.PG. */
		if ((g->cr0 & CR0_PG) && ((val ^ g->efer) & HX_EFER_LME))
			return -1;
		g->efer = (val & ~HX_EFER_LMA) | (g->efer & HX_EFER_LMA);
		return 0;
	case HX_MSR_PAT:
		if (!hx_pat_valid(val))
			return -1;
		g->pat = val;
		return 0;
	case HX_MSR_TSC:
		vx->tsc_offset = val - hx_rdtsc();
		return 0;
	case HX_XEN_MSR_HCALL_PAGE:
		if (!vx->vcpu.vm->xen.enabled)
			return -1;
		return vmx_xen_hcall_page(vx, val);
	default:
		return hx_msr_common_write(&vx->vcpu, msr, val) ? -1 : 0;
	}
}
