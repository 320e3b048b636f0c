/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of the Linux port. */
#ifndef HXEN_PORT_H
#define HXEN_PORT_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/mutex.h>

#include <hxen.h>

struct hx_vm;

/*
 * struct hxen_vm - the port's side of a VM
 * @core: the core's VM; changed only under @lock
 * @lock: serializes ioctls that change the VM, RAM lookups by faults and
 *        @vcpu_ids
 * @mm: the address space of the creator; other processes that inherit
 *      the fd get -EIO, as with KVM
 * @vcpu_ids: vCPU ids in use
 */
struct hxen_vm {
	struct hx_vm *core;
	struct mutex lock;
	struct mm_struct *mm;
	DECLARE_BITMAP(vcpu_ids, HXEN_MAX_VCPUS);
};

extern atomic64_t hxen_pages_held;
extern atomic_t hxen_vms_alive;

int hxen_dev_register(void);
void hxen_dev_unregister(void);

/* HXEN_CREATE_VM: a new VM and the fd that owns it. */
int hxen_vm_create_fd(void);

/* Module load and unload: the hooks that follow vCPU threads across CPUs. */
void hxen_vcpu_hooks_init(void);
void hxen_vcpu_hooks_exit(void);

/* HXEN_VM_CREATE_VCPU: vCPU @id of @vm, whose fd is @vm_file. */
int hxen_vcpu_create_fd(struct hxen_vm *vm, struct file *vm_file,
			unsigned long id);

#endif /* HXEN_PORT_H */
