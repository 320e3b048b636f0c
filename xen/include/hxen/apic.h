/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC of a Xen VM's vCPUs, in x2APIC mode only (through MSRs
 * 0x800-0x8ff; the vCPU starts with it enabled, as firmware may leave
 * it), enough for Linux: IDs, TPR, SVR, LVTs (kept, unused: Xen guests
 * take their timer from VIRQ_TIMER), EOI, and the ICR for fixed IPIs,
 * NMIs and INIT/SIPI to start secondary vCPUs.  Fixed interrupts wait in
 * a 256-bit request register and are taken highest vector first; an EOI
 * completes nothing (no in-service tracking).
 */
#ifndef HXEN_APIC_H
#define HXEN_APIC_H

#include <hxen/types.h>

struct hx_vcpu;
struct hx_vm;

/* struct hx_apic.mp_state */
enum hx_mp_state {
	HX_MP_RUNNABLE,
	HX_MP_WAIT_SIPI,	/* after INIT (or at creation, for APs) */
	HX_MP_SIPI,		/* a SIPI came: start at its vector */
};

#define HX_APIC_NR_LVT		7

struct hx_apic {
	bool present;
	u32 mp_state;
	u8 sipi_vector;
	u32 tpr;
	u32 svr;
	u32 lvt[HX_APIC_NR_LVT];
	u32 tmict;
	u32 tdcr;
	u64 irr[4];
};

/* A new vCPU: an APIC for Xen VMs; APs wait for INIT/SIPI. */
void hx_apic_init(struct hx_vcpu *vcpu);

/* RDMSR/WRMSR of MSR_APIC_BASE or 0x800-0x8ff: 0, or -1 for #GP. */
bool hx_apic_msr(struct hx_vcpu *vcpu, u32 msr);
int hx_apic_read(struct hx_vcpu *vcpu, u32 msr, u64 *val);
int hx_apic_write(struct hx_vcpu *vcpu, u32 msr, u64 val);

/* The highest requested fixed vector, if any; take it when injected. */
bool hx_apic_pending(struct hx_vcpu *vcpu, u8 *vector);
void hx_apic_take(struct hx_vcpu *vcpu, u8 vector);

/*
 * Before each entry: a vCPU waiting for SIPI sleeps (false: go back to
 * the host, a signal is pending); one that got it is put in real mode
 * at the SIPI's page.
 */
bool hx_apic_ready_to_run(struct hx_vcpu *vcpu);

#endif /* HXEN_APIC_H */
