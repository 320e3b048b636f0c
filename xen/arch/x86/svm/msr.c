// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR by the guest.  Every MSR is intercepted (the MSR bitmap is
 * all ones); the ones a guest needs are emulated here, in the kernel.
 * The SYSCALL/SYSENTER MSRs and the FS/GS bases live in the VMCB, which
 * VMLOAD/VMSAVE switch around each run.  Anything else raises #GP.
 */
#include <hxen/host.h>
#include <hxen/vm.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "svm.h"

#define MSR_TSC			0x00000010
#define MSR_APIC_BASE		0x0000001b
#define MSR_MTRRCAP		0x000000fe
#define MSR_SYSENTER_CS		0x00000174
#define MSR_SYSENTER_ESP	0x00000175
#define MSR_SYSENTER_EIP	0x00000176
#define MSR_MTRR_FIRST		0x00000200
#define MSR_MTRR_LAST		0x000002ff
#define MSR_PAT			0x00000277
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#define EFER_SCE		(1ULL << 0)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)
#define EFER_NXE		(1ULL << 11)
#define EFER_FFXSR		(1ULL << 14)
#define EFER_GUEST_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | \
				 EFER_FFXSR)

/* The local APIC's architectural base, enabled; BSP on vCPU 0. */
#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_BSP		(1ULL << 8)

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* Each byte of PAT must name a memory type: 0, 1, 4, 5, 6 or 7. */
static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = (u8)(pat >> (8 * i));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

static u64 *vmcb_msr(struct vmcb_save *s, u32 msr)
{
	switch (msr) {
	case MSR_SYSENTER_CS:
		return &s->sysenter_cs;
	case MSR_SYSENTER_ESP:
		return &s->sysenter_esp;
	case MSR_SYSENTER_EIP:
		return &s->sysenter_eip;
	case MSR_STAR:
		return &s->star;
	case MSR_LSTAR:
		return &s->lstar;
	case MSR_CSTAR:
		return &s->cstar;
	case MSR_SFMASK:
		return &s->sfmask;
	case MSR_FS_BASE:
		return &s->fs.base;
	case MSR_GS_BASE:
		return &s->gs.base;
	case MSR_KERNEL_GS_BASE:
		return &s->kernel_gs_base;
	default:
		return NULL;
	}
}

int svm_msr_read(struct svm_vcpu *sv, u32 msr, u64 *val)
{
	struct vmcb *v = sv->vmcb;
	u64 *field = vmcb_msr(&v->save, msr);

	if (hx_apic_msr(&sv->vcpu, msr))
		return hx_apic_read(&sv->vcpu, msr, val);
	if (field) {
		*val = *field;
		return 0;
	}
	switch (msr) {
	case HX_MSR_EFER:
		*val = v->save.efer & ~HX_EFER_SVME;
		return 0;
	case MSR_PAT:
		*val = v->save.g_pat;
		return 0;
	case MSR_TSC:
		*val = rdtsc() + v->control.tsc_offset;
		return 0;
	case MSR_APIC_BASE:
		*val = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		       (sv->vcpu.id == 0 ? APIC_BASE_BSP : 0);
		return 0;
	case MSR_MTRRCAP:
		/* No variable or fixed ranges, no write-combining. */
		*val = 0;
		return 0;
	case HX_XEN_MSR_HCALL_PAGE:
		*val = 0;
		return sv->vcpu.vm->xen.enabled ? 0 : -1;
	default:
		if (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST) {
			*val = 0;
			return 0;
		}
		return -1;
	}
}

int svm_msr_write(struct svm_vcpu *sv, u32 msr, u64 val)
{
	struct vmcb *v = sv->vmcb;
	u64 *field = vmcb_msr(&v->save, msr);

	if (hx_apic_msr(&sv->vcpu, msr))
		return hx_apic_write(&sv->vcpu, msr, val);
	if (field) {
		*field = val;
		return 0;
	}
	switch (msr) {
	case HX_MSR_EFER:
		if (val & ~EFER_GUEST_BITS)
			return -1;
		/* LMA is the CPU's to set; SVME stays on for VMRUN. */
		v->save.efer = (val & ~EFER_LMA) | (v->save.efer & EFER_LMA) |
			       HX_EFER_SVME;
		return 0;
	case MSR_PAT:
		if (!pat_valid(val))
			return -1;
		v->save.g_pat = val;
		return 0;
	case MSR_TSC:
		v->control.tsc_offset = val - rdtsc();
		return 0;
	case MSR_APIC_BASE:
		return 0;
	case HX_XEN_MSR_HCALL_PAGE:
		if (!sv->vcpu.vm->xen.enabled)
			return -1;
		return svm_xen_hcall_page(sv, val);
	default:
		/* MTRRs are accepted and ignored: nested paging maps WB. */
		if (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST)
			return 0;
		return -1;
	}
}
