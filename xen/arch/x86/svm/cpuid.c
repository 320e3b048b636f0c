// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's view of CPUID: the host's, less what hxen does not
 * virtualize, plus the hypervisor bit.
 */
#include <hxen/host.h>
#include <hxen/x86.h>

#include "svm.h"

#define CPUID1_ECX_MONITOR	(1U << 3)
#define CPUID1_ECX_VMX		(1U << 5)
#define CPUID1_ECX_X2APIC	(1U << 21)
#define CPUID1_ECX_XSAVE	(1U << 26)
#define CPUID1_ECX_OSXSAVE	(1U << 27)
#define CPUID1_ECX_HYPERVISOR	(1U << 31)
#define CPUID1_EDX_APIC		(1U << 9)
#define CPUID7_EBX_RTM_HLE	((1U << 4) | (1U << 11))
#define CPUID81_ECX_SVM		(1U << 2)
#define CPUID_MAX_BASIC		0xd

void svm_guest_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 r[4])
{
	/* 0x4000_00xx belongs to the hypervisor; nothing is offered yet. */
	if ((leaf & 0xffffff00) == 0x40000000) {
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
		 * No MONITOR/MWAIT, nested VMX, XSAVE (XSETBV is not handled
		 * yet) or local APIC is emulated: hide them.
		 */
		r[2] &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX |
			  CPUID1_ECX_X2APIC | CPUID1_ECX_XSAVE |
			  CPUID1_ECX_OSXSAVE);
		r[2] |= CPUID1_ECX_HYPERVISOR;
		r[3] &= ~CPUID1_EDX_APIC;
		/* EBX[31:24]: initial APIC ID = vCPU id; [23:16]: one CPU. */
		r[1] = (r[1] & 0x0000ffff) | (1U << 16) | (vcpu->id << 24);
		break;
	case 7:
		if (subleaf == 0)
			r[1] &= ~CPUID7_EBX_RTM_HLE;
		break;
	case 0xd:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case HX_CPUID_EXT_FEATURES:
		r[2] &= ~CPUID81_ECX_SVM;
		break;
	case HX_CPUID_SVM:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	default:
		break;
	}
}
