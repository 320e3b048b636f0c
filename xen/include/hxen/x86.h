/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural constants the core uses: CPUID bits, MSR numbers,
 * control-register bits.  Values from the AMD APM vol. 2/3 and the Intel
 * SDM vol. 3; names follow the manuals.
 */
#ifndef HXEN_X86_H
#define HXEN_X86_H

#define HX_BIT(n)			(1ULL << (n))

/* CPUID leaves */
#define HX_CPUID_VENDOR			0x00000000
#define HX_CPUID_FEATURES		0x00000001
#define HX_CPUID_EXT_MAX		0x80000000
#define HX_CPUID_EXT_FEATURES		0x80000001
#define HX_CPUID_SVM			0x8000000a

/* CPUID 1 ECX */
#define HX_CPUID1_ECX_VMX		HX_BIT(5)
#define HX_CPUID1_ECX_HYPERVISOR	HX_BIT(31)
/* CPUID 8000_0001 ECX */
#define HX_CPUID81_ECX_SVM		HX_BIT(2)
/* CPUID 8000_000A EDX (APM vol. 3, E.4.9) */
#define HX_SVM_FEAT_NP			HX_BIT(0)
#define HX_SVM_FEAT_NRIPS		HX_BIT(3)
#define HX_SVM_FEAT_FLUSH_BY_ASID	HX_BIT(6)
#define HX_SVM_FEAT_DECODE_ASSISTS	HX_BIT(7)
#define HX_SVM_FEAT_VGIF		HX_BIT(16)

/* Exception vectors */
#define HX_VECTOR_DB			1
#define HX_VECTOR_UD			6
#define HX_VECTOR_GP			13
#define HX_VECTOR_PF			14
#define HX_VECTOR_AC			17
#define HX_VECTOR_MC			18

/* MSRs */
#define HX_MSR_FEATURE_CONTROL		0x0000003a
#define HX_MSR_VMX_PROCBASED_CTLS	0x00000482
#define HX_MSR_VMX_PROCBASED_CTLS2	0x0000048b
#define HX_MSR_EFER			0xc0000080
#define HX_MSR_VM_CR			0xc0010114

/* IA32_FEATURE_CONTROL (SDM vol. 3, 23.7) */
#define HX_FEAT_CTL_LOCKED		HX_BIT(0)
#define HX_FEAT_CTL_VMX_OUTSIDE_SMX	HX_BIT(2)
/*
 * VMX capability MSRs report allowed-1 settings in bits 63:32.  Primary
 * processor-based control 31 activates the secondary controls; secondary
 * control 1 is EPT, 5 VPID, 7 unrestricted guest (SDM vol. 3, 25.6.2).
 */
#define HX_VMX_PROCBASED_SECONDARY	HX_BIT(32 + 31)
#define HX_VMX_SECONDARY_EPT		HX_BIT(32 + 1)
#define HX_VMX_SECONDARY_VPID		HX_BIT(32 + 5)
#define HX_VMX_SECONDARY_UNRESTRICTED	HX_BIT(32 + 7)
/* VPIDs are 16 bits wide and VPID 0 is the host's. */
#define HX_VMX_NR_VPIDS			0xffff

/* EFER */
#define HX_EFER_LMA			HX_BIT(10)
#define HX_EFER_SVME			HX_BIT(12)
/* VM_CR (APM vol. 2, 15.30.1) */
#define HX_VM_CR_SVMDIS			HX_BIT(4)

/* CR0, CR4 */
#define HX_CR0_PE			HX_BIT(0)
#define HX_CR4_DE			HX_BIT(3)
#define HX_CR4_OSXSAVE			HX_BIT(18)
#define HX_CR4_LA57			HX_BIT(12)
#define HX_CR4_VMXE			HX_BIT(13)

#endif /* HXEN_X86_H */
