/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine as the core sees it.
 *
 * Locking: the host serializes every call that changes a VM (the Linux
 * port holds the VM's mutex); lookups of guest RAM may run concurrently
 * with each other but not with hx_vm_add_ram().
 */
#ifndef HXEN_VM_H
#define HXEN_VM_H

#include <hxen/guest_ram.h>

struct hx_vm {
	struct hx_guest_ram ram;
};

/* A new, empty VM, or NULL when out of memory. */
struct hx_vm *hx_vm_create(void);

/* Free the VM and everything it holds. */
void hx_vm_destroy(struct hx_vm *vm);

/* See hx_ram_add(). */
int hx_vm_add_ram(struct hx_vm *vm, u64 gpa, u64 size);

#endif /* HXEN_VM_H */
