/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the core and a hardware backend (SVM now, VMX later).
 *
 * A backend's probe returns its ops or NULL; the core keeps the one it
 * chose in hx_arch.  Backends embed struct hx_vm and struct hx_vcpu in
 * their own structures.  All ops are mandatory.
 */
#ifndef HXEN_ARCH_H
#define HXEN_ARCH_H

#include <hxen/types.h>

struct hx_caps;
struct hx_state;
struct hx_vcpu;
struct hx_vm;

struct hx_arch_ops {
	const char *name;
	/* Module unload: return per-CPU resources. */
	void (*exit)(void);
	/* Refuse a new VM while another hypervisor holds the extensions. */
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
	/* No VM is left: turn the extensions off on every CPU. */
	void (*all_vms_gone)(void);
	/* The calling CPU goes offline or the host reboots. */
	void (*cpu_down)(void);
};

extern const struct hx_arch_ops *hx_arch;

/* Choose the backend for these capabilities; -HX_ENODEV if none fits. */
int hx_arch_init(const struct hx_caps *caps);
void hx_arch_exit(void);

const struct hx_arch_ops *svm_probe(const struct hx_caps *caps);

#endif /* HXEN_ARCH_H */
