/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the core and a hardware backend (SVM or VMX).
 *
 * A backend's probe returns its ops or NULL; the core keeps the one it
 * chose in hx_arch.  Backends embed struct hx_vm and struct hx_vcpu in
 * their own structures.  Ops marked optional may be NULL.
 */
#ifndef HXEN_ARCH_H
#define HXEN_ARCH_H

#include <hxen/types.h>

struct hx_caps;
struct hx_state;
struct hx_vcpu;
struct hx_vm;

/* Counters for tests and monitoring. */
struct hx_arch_stats {
	u64 shared_runs;	/* guest runs inside another's SVM/VMX */
	u64 tlb_cleanups;	/* TLB flushes left for that hypervisor */
};

struct hx_arch_ops {
	const char *name;
	/* Module unload: return per-CPU resources. */
	void (*exit)(void);
	/* Optional: refuse a new VM while another hypervisor holds them. */
	int (*check_free)(void);
	struct hx_vm *(*vm_alloc)(void);
	/* Free the backend's VM (guest RAM is already gone). */
	void (*vm_free)(struct hx_vm *vm);
	/* Make guest RAM [gpa, gpa + size) visible to the guest. */
	int (*map_ram)(struct hx_vm *vm, u64 gpa, u64 size);
	/*
	 * Show host page @pa at guest-physical @gpa instead of what is there
	 * (RAM or a hole), and later put it back; see svm_npt_map_page().
	 */
	int (*map_page)(struct hx_vm *vm, u64 gpa, u64 pa);
	/* The guest's TSC now (the host's plus the vCPU's offset). */
	u64 (*guest_tsc)(struct hx_vcpu *vcpu);
	void (*unmap_page)(struct hx_vm *vm, u64 gpa);
	struct hx_vcpu *(*vcpu_alloc)(struct hx_vm *vm);
	void (*vcpu_free)(struct hx_vcpu *vcpu);
	/* Can the guest take an event now (IRQ, NMI, Xen upcall)? */
	bool (*vcpu_has_event)(struct hx_vcpu *vcpu);
	/* 1: keep running, 0: exit for the host, <0: error. */
	int (*vcpu_enter)(struct hx_vcpu *vcpu);
	void (*get_state)(struct hx_vcpu *vcpu, struct hx_state *st);
	void (*set_state)(struct hx_vcpu *vcpu, const struct hx_state *st);
	/* MSR access by the host: 0 or -HX_EINVAL. */
	int (*get_msr)(struct hx_vcpu *vcpu, u32 msr, u64 *val);
	int (*set_msr)(struct hx_vcpu *vcpu, u32 msr, u64 val);
	/* Optional: no VM is left: turn the extensions off on every CPU. */
	void (*all_vms_gone)(void);
	/* Optional: the calling CPU goes offline or the host reboots. */
	void (*cpu_down)(void);
	/*
	 * A thread that runs vCPUs comes onto CPU @cpu (other threads, and
	 * so other hypervisors' guests, may have run there since), or is
	 * about to leave the calling CPU (interrupts off).
	 */
	void (*cpu_arrive)(u32 cpu);
	void (*cpu_leave)(void);
	void (*stats)(struct hx_arch_stats *st);
};

extern const struct hx_arch_ops *hx_arch;

/* Choose the backend for these capabilities; -HX_ENODEV if none fits. */
int hx_arch_init(const struct hx_caps *caps);
void hx_arch_exit(void);

/*
 * For the host: a thread running vCPUs came onto @cpu, or is about to
 * leave the calling CPU (interrupts off); see struct hx_arch_ops.
 */
void hx_arch_cpu_arrive(u32 cpu);
void hx_arch_cpu_leave(void);
void hx_arch_get_stats(struct hx_arch_stats *st);

const struct hx_arch_ops *svm_probe(const struct hx_caps *caps);
const struct hx_arch_ops *vmx_probe(const struct hx_caps *caps);

#endif /* HXEN_ARCH_H */
