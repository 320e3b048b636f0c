// SPDX-License-Identifier: GPL-2.0
/*
 * Guest MSRs that do not depend on the backend; see hxen/msr.h.
 */
#include <hxen/msr.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#define MSR_MTRRCAP		0x000000fe
#define MSR_MTRR_FIRST		0x00000200
#define MSR_MTRR_LAST		0x000002ff
/*
 * AMD's interrupt-pending message register: Linux reads it without a
 * fixup on CPUs with erratum 400 to see whether C1E is active.
 */
#define MSR_K8_INT_PENDING_MSG	0xc0010055

/* The local APIC's architectural base, enabled; BSP on vCPU 0. */
#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_BSP		(1ULL << 8)

bool hx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = (u8)(pat >> (8 * i));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

int hx_msr_common_read(struct hx_vcpu *vcpu, u32 msr, u64 *val)
{
	if (hx_apic_msr(vcpu, msr))
		return hx_apic_read(vcpu, msr, val);
	switch (msr) {
	case HX_MSR_APIC_BASE:
		*val = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		       (vcpu->id == 0 ? APIC_BASE_BSP : 0);
		return 0;
	case MSR_MTRRCAP:
		/* No variable or fixed ranges, no write-combining. */
		*val = 0;
		return 0;
	case MSR_K8_INT_PENDING_MSG:
		/* No C1E: the guest's idle HLT is an exit like any other. */
		*val = 0;
		return 0;
	case HX_XEN_MSR_HCALL_PAGE:
		*val = 0;
		return vcpu->vm->xen.enabled ? 0 : -1;
	default:
		if (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST) {
			*val = 0;
			return 0;
		}
		return 1;
	}
}

int hx_msr_common_write(struct hx_vcpu *vcpu, u32 msr, u64 val)
{
	if (hx_apic_msr(vcpu, msr))
		return hx_apic_write(vcpu, msr, val);
	switch (msr) {
	case HX_MSR_APIC_BASE:
		return 0;
	default:
		/* MTRRs are accepted and ignored: guest RAM is mapped WB. */
		if (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST)
			return 0;
		return 1;
	}
}
