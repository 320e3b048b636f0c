// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual machine lifetime.
 */
#include <hxen/host.h>
#include <hxen/vm.h>

struct hx_vm *hx_vm_create(void)
{
	return hxh_zalloc(sizeof(struct hx_vm));
}

void hx_vm_destroy(struct hx_vm *vm)
{
	if (!vm)
		return;
	hx_ram_free(&vm->ram);
	hxh_free(vm);
}

int hx_vm_add_ram(struct hx_vm *vm, u64 gpa, u64 size)
{
	return hx_ram_add(&vm->ram, gpa, size);
}
