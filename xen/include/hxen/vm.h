/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine as the core sees it.
 *
 * Locking: the host serializes hx_vm_create() and hx_vm_destroy() with
 * each other, and every call that changes one VM (the Linux port holds a
 * global mutex and the VM's mutex); lookups of guest RAM may run
 * concurrently with each other but not with hx_vm_add_ram().
 */
#ifndef HXEN_VM_H
#define HXEN_VM_H

#include <hxen/guest_ram.h>
#include <hxen/xen.h>

/* The core's part of a VM; backends embed it. */
struct hx_vm {
	struct hx_guest_ram ram;
	struct hx_xen xen;
};

/*
 * A new, empty VM in *@out.  Return: 0, -HX_ENODEV without a usable
 * backend, -HX_EBUSY while another hypervisor holds the virtualization
 * extensions, -HX_ENOMEM.
 */
int hx_vm_create(struct hx_vm **out);

/* Free the VM and everything it holds. */
void hx_vm_destroy(struct hx_vm *vm);

/* See hx_ram_add(). */
int hx_vm_add_ram(struct hx_vm *vm, u64 gpa, u64 size);

#endif /* HXEN_VM_H */
