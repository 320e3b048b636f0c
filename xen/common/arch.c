// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing the hardware backend.
 */
#include <hxen/arch.h>
#include <hxen/caps.h>
#include <hxen/errno.h>
#include <hxen/fpu.h>

const struct hx_arch_ops *hx_arch;

int hx_arch_init(const struct hx_caps *caps)
{
	hx_fpu_setup();
	hx_arch = svm_probe(caps);
	if (!hx_arch)
		hx_arch = vmx_probe(caps);
	return hx_arch ? 0 : -HX_ENODEV;
}

void hx_arch_exit(void)
{
	if (hx_arch)
		hx_arch->exit();
	hx_arch = NULL;
}

void hx_arch_cpu_arrive(u32 cpu)
{
	if (hx_arch)
		hx_arch->cpu_arrive(cpu);
}

void hx_arch_cpu_leave(void)
{
	if (hx_arch)
		hx_arch->cpu_leave();
}

void hx_arch_get_stats(struct hx_arch_stats *st)
{
	if (hx_arch)
		hx_arch->stats(st);
	else
		*st = (struct hx_arch_stats){ 0 };
}
