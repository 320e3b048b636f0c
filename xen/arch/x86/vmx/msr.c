// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR by the guest on VMX.  No MSR bitmap is used, so every
 * access exits.  The SYSENTER MSRs, FS/GS bases, EFER and PAT are guest
 * state in the VMCS; the SYSCALL MSRs and KERNEL_GS_BASE go through the
 * VM-entry/VM-exit MSR areas; the rest are the same on both backends
 * (hxen/msr.h), but for two Intel MSRs every guest kernel reads before it
 * has exception handlers (IA32_MISC_ENABLE in Linux's verify_cpu) or
 * expects to find (the microcode revision).  Anything else raises #GP.
 */
#include <hxen/msr.h>
#include <hxen/vm.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "vmcs.h"
#include "vmx.h"

#define CR0_PG			(1ULL << 31)

#define MSR_UCODE_REV		0x0000008b
#define MSR_MISC_ENABLE		0x000001a0

/*
 * IA32_MISC_ENABLE as the guest sees it: fast strings on, no branch
 * trace store, no PEBS; nothing the guest could turn on or off here
 * (no XD disable, no CPUID limit, no MONITOR).
 */
#define MISC_ENABLE_GUEST	((1ULL << 0) | (1ULL << 11) | (1ULL << 12))

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
	case MSR_MISC_ENABLE:
		*val = MISC_ENABLE_GUEST;
		return 0;
	case MSR_UCODE_REV:
		/* Revision 0 (bits 63:32): no microcode to report. */
		*val = 0;
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
	case MSR_MISC_ENABLE:
		/* Writing back what was read is fine; no bit can change. */
		return val == MISC_ENABLE_GUEST ? 0 : -1;
	case MSR_UCODE_REV:
		/* Written (with 0) before CPUID to latch the revision. */
		return 0;
	default:
		return hx_msr_common_write(&vx->vcpu, msr, val) ? -1 : 0;
	}
}
