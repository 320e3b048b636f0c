// SPDX-License-Identifier: GPL-2.0
/*
 * Host services of the VMX backend: the parts of the world switch that
 * depend on how Linux keeps its CPU state (see hxen/host.h).
 *
 * A VM exit loads CS, SS, TR, the GDTR and IDTR bases, FS and GS bases,
 * CR0/CR3/CR4 and a few MSRs from the VMCS, but leaves DS, ES, FS and GS
 * null, the LDTR unusable, the GDT and IDT limits at 0xffff and the TR
 * limit at 0x67.  Linux tolerates some of that and not the rest, so the
 * selectors and the LDT are put back here, the fixmap GDT is loaded
 * again, and the TSS limit is marked for a lazy reload (as KVM does).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "compat.h"
#include "hxen_port.h"
#include "hxen_types.h"
#include <hxen/host.h>

int hxen_vmx_vmlaunch_asm(u64 *gprs);

struct hxen_host_segs {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base, kernel_gs_base;
};

static void hxen_segs_save(struct hxen_host_segs *s)
{
	savesegment(ds, s->ds);
	savesegment(es, s->es);
	savesegment(fs, s->fs);
	savesegment(gs, s->gs);
	asm volatile("sldt %0" : "=r"(s->ldt));
	if (s->fs)
		rdmsrl(MSR_FS_BASE, s->fs_base);
	if (s->gs)
		rdmsrl(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
}

static void hxen_segs_restore(const struct hxen_host_segs *s)
{
	if (s->ldt)
		asm volatile("lldt %0" :: "r"(s->ldt));
	if (s->ds | s->es) {
		loadsegment(ds, s->ds);
		loadsegment(es, s->es);
	}
	if (s->fs) {
		loadsegment(fs, s->fs);
		wrmsrl(MSR_FS_BASE, s->fs_base);
	}
	if (s->gs) {
		load_gs_index(s->gs);
		wrmsrl(MSR_KERNEL_GS_BASE, s->kernel_gs_base);
	}
}

int hxh_vmx_vmlaunch(u64 *gprs)
{
	struct hxen_host_segs segs;
	int ret;

	hxen_segs_save(&segs);
	ret = hxen_vmx_vmlaunch_asm(gprs);
	hxen_segs_restore(&segs);
	load_fixmap_gdt(raw_smp_processor_id());
	invalidate_tss_limit();
	return ret;
}

void hxh_vmx_cr4_vmxe(bool on)
{
	if (on)
		cr4_set_bits_irqsoff(X86_CR4_VMXE);
	else
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
}

void hxh_nmi_reflect(void)
{
	/* As KVM did before it called the NMI entry directly. */
	asm volatile("int $2");
}
