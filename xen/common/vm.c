// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual machine lifetime.
 */
#include <hxen/arch.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vm.h>

static u32 nr_vms;

int hx_vm_create(struct hx_vm **out)
{
	struct hx_vm *vm;
	int err;

	if (!hx_arch)
		return -HX_ENODEV;
	err = hx_arch->check_free ? hx_arch->check_free() : 0;
	if (err)
		return err;
	vm = hx_arch->vm_alloc();
	if (!vm)
		return -HX_ENOMEM;
	nr_vms++;
	*out = vm;
	return 0;
}

void hx_vm_destroy(struct hx_vm *vm)
{
	if (!vm)
		return;
	/* Nested tables only point at guest RAM; free it first. */
	hx_ram_free(&vm->ram);
	hx_xen_free(vm);
	hx_arch->vm_free(vm);
	if (--nr_vms == 0 && hx_arch->all_vms_gone)
		hx_arch->all_vms_gone();
}

int hx_vm_add_ram(struct hx_vm *vm, u64 gpa, u64 size)
{
	int err = hx_ram_add(&vm->ram, gpa, size);

	if (err)
		return err;
	err = hx_arch->map_ram(vm, gpa, size);
	if (err)
		hx_ram_remove_last(&vm->ram);
	return err;
}
