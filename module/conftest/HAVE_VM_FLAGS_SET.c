// SPDX-License-Identifier: GPL-2.0
/* Probe: vm_flags_set() (Linux 6.3 made vma->vm_flags read-only). */
#include <linux/mm.h>

void hxen_conftest(struct vm_area_struct *vma);
void hxen_conftest(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTEXPAND);
}
