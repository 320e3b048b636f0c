// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's view of CPUID on either backend: the host's, less what
 * hxen does not virtualize, plus the hypervisor bit.
 */
#include <hxen/cpuid.h>
#include <hxen/fpu.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/x86.h>

/* DTES64, DS-CPL, SMX, EST, TM2, PDCM: debug store, power, perfmon. */
#define CPUID1_ECX_HOST_ONLY	((1U << 2) | (1U << 4) | (1U << 6) | \
				 (1U << 7) | (1U << 8) | (1U << 15))
#define CPUID1_ECX_MONITOR	(1U << 3)
#define CPUID1_ECX_VMX		(1U << 5)
#define CPUID1_ECX_FMA		(1U << 12)
#define CPUID1_ECX_X2APIC	(1U << 21)
#define CPUID1_ECX_XSAVE	(1U << 26)
#define CPUID1_ECX_OSXSAVE	(1U << 27)
#define CPUID1_ECX_AVX		(1U << 28)
#define CPUID1_ECX_F16C		(1U << 29)
#define CPUID1_ECX_HYPERVISOR	(1U << 31)
#define CPUID1_EDX_MCE_MCA	((1U << 7) | (1U << 14))
#define CPUID1_EDX_APIC		(1U << 9)
/* DS, ACPI (thermal MSRs), TM, PBE. */
#define CPUID1_EDX_HOST_ONLY	((1U << 21) | (1U << 22) | (1U << 29) | \
				 (1U << 31))
#define CPUID6_EAX_ARAT		(1U << 2)
#define CPUID7_EBX_TSC_ADJUST	(1U << 1)
#define CPUID7_EBX_RTM_HLE	((1U << 4) | (1U << 11))
#define CPUID7_EBX_AVX2		(1U << 5)
#define CPUID7_EBX_MPX		(1U << 14)
/* AVX512F, DQ, IFMA, PF, ER, CD, BW, VL */
#define CPUID7_EBX_AVX512	0xdc230000U
/* AVX512_VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ */
#define CPUID7_ECX_AVX512	0x00005842U
#define CPUID7_ECX_PKU_OSPKE	((1U << 3) | (1U << 4))
#define CPUID7_ECX_CET_SS	(1U << 7)
/* AVX512_4VNNIW, 4FMAPS, VP2INTERSECT, FP16 */
#define CPUID7_EDX_AVX512	0x0080010cU
#define CPUID7_EDX_CET_IBT	(1U << 20)
/* AMX-BF16, AMX-TILE, AMX-INT8 */
#define CPUID7_EDX_AMX		((1U << 22) | (1U << 24) | (1U << 25))
#define CPUID81_ECX_SVM		(1U << 2)
#define CPUID81_EDX_RDTSCP	(1U << 27)
#define CPUID7_ECX_RDPID	(1U << 22)
#define CPUID_MAX_BASIC		0xd
#define CPUID_MONITOR		0x5
#define CPUID_POWER		0x6
#define CPUID_PERFMON		0xa

u32 hx_cpuid7_ebx_hidden;

/*
 * Leaf 7: no TSX, MPX, protection keys or CET (their state is not
 * switched), no RDPID (TSC_AUX, which it reads, is the host's), no
 * TSC_ADJUST (not emulated), and no AVX2/AVX-512/AMX when their XSAVE
 * state is not offered.
 */
static void cpuid7_filter(u32 r[4])
{
	u64 mask = hx_fpu_guest_mask();

	r[1] &= ~(CPUID7_EBX_RTM_HLE | CPUID7_EBX_MPX | CPUID7_EBX_TSC_ADJUST |
		  hx_cpuid7_ebx_hidden);
	r[2] &= ~(CPUID7_ECX_PKU_OSPKE | CPUID7_ECX_CET_SS | CPUID7_ECX_RDPID);
	r[3] &= ~(CPUID7_EDX_CET_IBT | CPUID7_EDX_AMX);
	if (!(mask & HX_XFEATURE_AVX))
		r[1] &= ~CPUID7_EBX_AVX2;
	if (!(mask & HX_XFEATURE_AVX512)) {
		r[1] &= ~CPUID7_EBX_AVX512;
		r[2] &= ~CPUID7_ECX_AVX512;
		r[3] &= ~CPUID7_EDX_AVX512;
	}
}

void hx_guest_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u64 cr4,
		    u32 r[4])
{
	/* 0x4000_00xx belongs to the hypervisor: Xen's, if the VM has it. */
	if ((leaf & 0xffffff00) == 0x40000000) {
		if (!hx_xen_cpuid(vcpu, leaf, subleaf, r))
			r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	hxh_cpuid(leaf, subleaf, r);
	switch (leaf) {
	case 0:
		if (r[0] > CPUID_MAX_BASIC)
			r[0] = CPUID_MAX_BASIC;
		break;
	case 1:
		/*
		 * No MONITOR/MWAIT or nested VMX: hide them.  A Xen VM has
		 * an x2APIC; others no local APIC.  XSAVE is there when the
		 * host has it; OSXSAVE mirrors the guest's CR4, and AVX needs
		 * its XSAVE state.
		 */
		r[2] &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX |
			  CPUID1_ECX_X2APIC | CPUID1_ECX_OSXSAVE |
			  CPUID1_ECX_HOST_ONLY);
		if (vcpu->apic.present)
			r[2] |= CPUID1_ECX_X2APIC;
		if (hx_fpu_guest_mask() == (HX_XFEATURE_X87 | HX_XFEATURE_SSE))
			r[2] &= ~CPUID1_ECX_XSAVE;
		else if (cr4 & HX_CR4_OSXSAVE)
			r[2] |= CPUID1_ECX_OSXSAVE;
		if (!(hx_fpu_guest_mask() & HX_XFEATURE_AVX))
			r[2] &= ~(CPUID1_ECX_AVX | CPUID1_ECX_FMA |
				  CPUID1_ECX_F16C);
		r[2] |= CPUID1_ECX_HYPERVISOR;
		/*
		 * Machine checks, the debug store and thermal control are
		 * the host's: none of their MSRs exist for the guest.
		 */
		r[3] &= ~(CPUID1_EDX_APIC | CPUID1_EDX_MCE_MCA |
			  CPUID1_EDX_HOST_ONLY);
		if (vcpu->apic.present)
			r[3] |= CPUID1_EDX_APIC;
		/* EBX[31:24]: initial APIC ID = vCPU id; [23:16]: one CPU. */
		r[1] = (r[1] & 0x0000ffff) | (1U << 16) | (vcpu->id << 24);
		break;
	case CPUID_MONITOR:
	case CPUID_PERFMON:
		/* No MONITOR/MWAIT, no performance counters. */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case CPUID_POWER:
		/*
		 * Power and thermal management is the host's.  hxen's
		 * emulated APIC timer runs whatever the guest's C-state.
		 */
		r[0] = vcpu->apic.present ? CPUID6_EAX_ARAT : 0;
		r[1] = r[2] = r[3] = 0;
		break;
	case 7:
		if (subleaf == 0)
			cpuid7_filter(r);
		break;
	case 0xb:
		/* Topology: one thread per core, x2APIC ID = vCPU id. */
		r[0] = subleaf == 1 ? 6 : 0;
		r[1] = subleaf < 2 ? 1 : 0;
		r[2] = subleaf < 2 ? ((subleaf + 1) << 8) | subleaf : subleaf;
		r[3] = vcpu->id;
		break;
	case 0xd:
		hx_fpu_cpuid(&vcpu->fpu, subleaf, r);
		break;
	case HX_CPUID_EXT_FEATURES:
		/* TSC_AUX is not switched: no RDTSCP either. */
		r[2] &= ~CPUID81_ECX_SVM;
		r[3] &= ~CPUID81_EDX_RDTSCP;
		break;
	case HX_CPUID_SVM:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	default:
		break;
	}
}
