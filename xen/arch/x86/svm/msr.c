// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR by the guest.  Every MSR is intercepted (the MSR bitmap is
 * all ones); the ones a guest needs are emulated here, in the kernel.
 * The SYSCALL/SYSENTER MSRs and the FS/GS bases live in the VMCB, which
 * VMLOAD/VMSAVE switch around each run; the rest are the same on both
 * backends (hxen/msr.h).  Anything else raises #GP.
 */
#include <hxen/msr.h>
#include <hxen/vm.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "svm.h"

static u64 *vmcb_msr(struct vmcb_save *s, u32 msr)
{
	switch (msr) {
	case HX_MSR_SYSENTER_CS:
		return &s->sysenter_cs;
	case HX_MSR_SYSENTER_ESP:
		return &s->sysenter_esp;
	case HX_MSR_SYSENTER_EIP:
		return &s->sysenter_eip;
	case HX_MSR_STAR:
		return &s->star;
	case HX_MSR_LSTAR:
		return &s->lstar;
	case HX_MSR_CSTAR:
		return &s->cstar;
	case HX_MSR_SFMASK:
		return &s->sfmask;
	case HX_MSR_FS_BASE:
		return &s->fs.base;
	case HX_MSR_GS_BASE:
		return &s->gs.base;
	case HX_MSR_KERNEL_GS_BASE:
		return &s->kernel_gs_base;
	default:
		return NULL;
	}
}

int svm_msr_read(struct svm_vcpu *sv, u32 msr, u64 *val)
{
	struct vmcb *v = sv->vmcb;
	u64 *field = vmcb_msr(&v->save, msr);

	if (field) {
		*val = *field;
		return 0;
	}
	switch (msr) {
	case HX_MSR_EFER:
		*val = v->save.efer & ~HX_EFER_SVME;
		return 0;
	case HX_MSR_PAT:
		*val = v->save.g_pat;
		return 0;
	case HX_MSR_TSC:
		*val = hx_rdtsc() + v->control.tsc_offset;
		return 0;
	default:
		return hx_msr_common_read(&sv->vcpu, msr, val) ? -1 : 0;
	}
}

int svm_msr_write(struct svm_vcpu *sv, u32 msr, u64 val)
{
	struct vmcb *v = sv->vmcb;
	u64 *field = vmcb_msr(&v->save, msr);

	if (field) {
		if (hx_msr_bad_address(msr, val))
			return -1;
		*field = val;
		return 0;
	}
	switch (msr) {
	case HX_MSR_EFER:
		if (val & ~HX_EFER_GUEST_BITS)
			return -1;
		/* LMA is the CPU's to set; SVME stays on for VMRUN. */
		v->save.efer = (val & ~HX_EFER_LMA) |
			       (v->save.efer & HX_EFER_LMA) | HX_EFER_SVME;
		return 0;
	case HX_MSR_PAT:
		if (!hx_pat_valid(val))
			return -1;
		v->save.g_pat = val;
		return 0;
	case HX_MSR_TSC:
		v->control.tsc_offset = val - hx_rdtsc();
		return 0;
	case HX_XEN_MSR_HCALL_PAGE:
		if (!sv->vcpu.vm->xen.enabled)
			return -1;
		return svm_xen_hcall_page(sv, val);
	default:
		return hx_msr_common_write(&sv->vcpu, msr, val) ? -1 : 0;
	}
}
