/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MSRs both backends emulate the same way (xen/arch/x86/msr.c):
 * the local APIC, the MTRRs, the Xen hypercall page MSR's read side, AMD's
 * interrupt-pending message register.
 * Each backend handles the MSRs that live in its own guest state first.
 */
#ifndef HXEN_MSR_H
#define HXEN_MSR_H

#include <hxen/types.h>

struct hx_vcpu;

#define HX_MSR_TSC		0x00000010
#define HX_MSR_APIC_BASE	0x0000001b
#define HX_MSR_SYSENTER_CS	0x00000174
#define HX_MSR_SYSENTER_ESP	0x00000175
#define HX_MSR_SYSENTER_EIP	0x00000176
#define HX_MSR_PAT		0x00000277
#define HX_MSR_STAR		0xc0000081
#define HX_MSR_LSTAR		0xc0000082
#define HX_MSR_CSTAR		0xc0000083
#define HX_MSR_SFMASK		0xc0000084
#define HX_MSR_FS_BASE		0xc0000100
#define HX_MSR_GS_BASE		0xc0000101
#define HX_MSR_KERNEL_GS_BASE	0xc0000102

/* EFER bits a guest may set (LMA only through CR0.PG). */
#define HX_EFER_SCE		(1ULL << 0)
#define HX_EFER_LME		(1ULL << 8)
#define HX_EFER_NXE		(1ULL << 11)
#define HX_EFER_FFXSR		(1ULL << 14)
#define HX_EFER_GUEST_BITS	(HX_EFER_SCE | HX_EFER_LME | (1ULL << 10) | \
				 HX_EFER_NXE | HX_EFER_FFXSR)

/* The state of PAT after RESET. */
#define HX_PAT_RESET		0x0007040600070406ULL

/*
 * MSRs that hold a linear address: WRMSR of a non-canonical one raises
 * #GP (and VM entry would refuse it).
 */
static inline bool hx_msr_bad_address(u32 msr, u64 val)
{
	switch (msr) {
	case HX_MSR_SYSENTER_ESP:
	case HX_MSR_SYSENTER_EIP:
	case HX_MSR_LSTAR:
	case HX_MSR_CSTAR:
	case HX_MSR_FS_BASE:
	case HX_MSR_GS_BASE:
	case HX_MSR_KERNEL_GS_BASE:
		return (u64)((s64)(val << 16) >> 16) != val;
	default:
		return false;
	}
}

/* Return: 0 done, -1 the guest gets #GP, 1 not one of these MSRs. */
int hx_msr_common_read(struct hx_vcpu *vcpu, u32 msr, u64 *val);
int hx_msr_common_write(struct hx_vcpu *vcpu, u32 msr, u64 val);

/* Does every byte of @pat name a memory type (0, 1, 4, 5, 6 or 7)? */
bool hx_pat_valid(u64 pat);

static inline u64 hx_rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#endif /* HXEN_MSR_H */
