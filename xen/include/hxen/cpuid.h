/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's CPUID (xen/arch/x86/cpuid.c), the same on both backends. */
#ifndef HXEN_CPUID_H
#define HXEN_CPUID_H

#include <hxen/types.h>

struct hx_vcpu;

/*
 * Leaf 7 EBX bits a backend cannot give the guest (e.g. INVPCID where
 * VMX may not enable it); set once at probe.
 */
extern u32 hx_cpuid7_ebx_hidden;

/* CPUID @leaf/@subleaf as @vcpu sees it, with CR4 @cr4, into @r. */
void hx_guest_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u64 cr4,
		    u32 r[4]);

#endif /* HXEN_CPUID_H */
