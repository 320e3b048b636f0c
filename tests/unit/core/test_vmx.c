// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VMX backend's parts that need no VMX instruction:
 * the controls it derives from the capability MSRs (xen/arch/x86/vmx/
 * vmcs.c), the CPU's CR0/CR4 for the guest's, VPIDs, and the MSR rules
 * both backends share.  The world switch itself is tested under Bochs
 * (tests/bochs).
 */
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/errno.h>
#include <hxen/msr.h>

#include "../../../xen/arch/x86/vmx/vmcs.h"
#include "../../../xen/arch/x86/vmx/vmx.h"

int test_failures;

#define ALL_MAY		0xffffffff00000000ULL
/* Bits the CPU insists on in each control (allowed-0 settings). */
#define PIN_MUST	0x16U		/* bits 1, 2, 4 */
#define CPU_MUST	0x0401e172U	/* incl. CR3 load/store exiting */
#define TRUE_CPU_MUST	0x04006172U	/* without them */
#define EXIT_MUST	0x00036dffU
#define ENTRY_MUST	0x000011ffU
#define EPT_CAPS	(VMX_EPT_WALK_4 | VMX_EPT_WB | VMX_EPT_2MB | \
			 VMX_EPT_INVEPT | VMX_EPT_INVEPT_SINGLE | \
			 VMX_EPT_INVEPT_ALL | VMX_INVVPID | VMX_INVVPID_SINGLE)

/* A CPU like Bochs' Skylake-X: TRUE controls, EPT, VPID, unrestricted. */
static void intel_cpu(bool true_ctls)
{
	fake_reset(1);
	fake_set_msr(MSR_VMX_BASIC, 0x4ULL | (true_ctls ? VMX_BASIC_TRUE_CTLS : 0));
	fake_set_msr(MSR_VMX_PINBASED, ALL_MAY | PIN_MUST);
	fake_set_msr(MSR_VMX_TRUE_PINBASED, ALL_MAY | PIN_MUST);
	fake_set_msr(MSR_VMX_PROCBASED, ALL_MAY | CPU_MUST);
	fake_set_msr(MSR_VMX_TRUE_PROCBASED, ALL_MAY | TRUE_CPU_MUST);
	fake_set_msr(MSR_VMX_PROCBASED2, ALL_MAY);
	fake_set_msr(MSR_VMX_EXIT, ALL_MAY | EXIT_MUST);
	fake_set_msr(MSR_VMX_TRUE_EXIT, ALL_MAY | (EXIT_MUST & ~EXIT_SAVE_DEBUG));
	fake_set_msr(MSR_VMX_ENTRY, ALL_MAY | ENTRY_MUST);
	fake_set_msr(MSR_VMX_TRUE_ENTRY, ALL_MAY | (ENTRY_MUST & ~ENTRY_LOAD_DEBUG));
	fake_set_msr(MSR_VMX_CR0_FIXED0, 0x80000021ULL);	/* PE, NE, PG */
	fake_set_msr(MSR_VMX_CR0_FIXED1, 0xffffffffULL);
	fake_set_msr(MSR_VMX_CR4_FIXED0, 0x2000ULL);		/* VMXE */
	fake_set_msr(MSR_VMX_CR4_FIXED1, 0x3727ffULL);
	fake_set_msr(MSR_VMX_EPT_VPID_CAP, EPT_CAPS);
	fake_set_msr(HX_MSR_KERNEL_GS_BASE, 0);
	fake_set_msr(HX_MSR_STAR, 0);
	fake_set_msr(HX_MSR_LSTAR, 0);
	fake_set_msr(HX_MSR_SFMASK, 0);
	/* No CSTAR: an MSR that faults is not switched. */
}

static void test_controls(void)
{
	intel_cpu(true);
	EXPECT("vmx/probe", vmx_config_probe() == 0);
	EXPECT("vmx/revision", vmx_cfg.revision == 4);
	EXPECT("vmx/pin-wanted-and-required",
	       vmx_cfg.pin == (PIN_EXT_INTR | PIN_NMI | PIN_VIRTUAL_NMIS | PIN_MUST));
	EXPECT("vmx/cpu-wanted", (vmx_cfg.cpu & (CPU_HLT | CPU_MOV_DR |
		CPU_UNCOND_IO | CPU_CR8_LOAD | CPU_CR8_STORE | CPU_TSC_OFFSET |
		CPU_SECONDARY)) == (CPU_HLT | CPU_MOV_DR | CPU_UNCOND_IO |
		CPU_CR8_LOAD | CPU_CR8_STORE | CPU_TSC_OFFSET | CPU_SECONDARY));
	EXPECT("vmx/true-controls-drop-cr3-exiting",
	       !(vmx_cfg.cpu & (CPU_CR3_LOAD | CPU_CR3_STORE)));
	EXPECT("vmx/windows-closed-at-start",
	       !(vmx_cfg.cpu & (CPU_INTR_WINDOW | CPU_NMI_WINDOW)));
	EXPECT("vmx/no-msr-or-io-bitmaps",
	       !(vmx_cfg.cpu & (CPU_MSR_BITMAPS | CPU_IO_BITMAPS)));
	EXPECT("vmx/secondary", vmx_cfg.cpu2 == (CPU2_EPT | CPU2_UNRESTRICTED | CPU2_VPID));
	EXPECT("vmx/exit", (vmx_cfg.exit & (EXIT_HOST_64 | EXIT_LOAD_EFER |
		EXIT_SAVE_EFER | EXIT_LOAD_PAT | EXIT_SAVE_PAT | EXIT_SAVE_DEBUG)) ==
	       (EXIT_HOST_64 | EXIT_LOAD_EFER | EXIT_SAVE_EFER | EXIT_LOAD_PAT |
		EXIT_SAVE_PAT | EXIT_SAVE_DEBUG));
	EXPECT("vmx/entry-no-ia32e-at-reset",
	       !(vmx_cfg.entry & ENTRY_IA32E) &&
	       (vmx_cfg.entry & (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG)) ==
	       (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG));
	EXPECT("vmx/switched-msrs-skip-faulting",
	       vmx_cfg.nr_msrs == 4 && vmx_cfg.msrs[0] == HX_MSR_KERNEL_GS_BASE &&
	       vmx_cfg.msrs[3] == HX_MSR_SFMASK);

	/* Without TRUE controls the CPU's default-1 bits stay. */
	intel_cpu(false);
	EXPECT("vmx/probe-old-controls", vmx_config_probe() == 0 &&
	       (vmx_cfg.cpu & CPU_MUST) == CPU_MUST);
}

static void test_refusals(void)
{
	intel_cpu(true);
	fake_set_msr(MSR_VMX_PROCBASED2, ALL_MAY & ~(1ULL << (32 + 7)));
	EXPECT("vmx/no-unrestricted-guest", vmx_config_probe() == -HX_ENODEV);
	intel_cpu(true);
	fake_set_msr(MSR_VMX_TRUE_PINBASED, (ALL_MAY & ~(1ULL << (32 + 5))) | PIN_MUST);
	EXPECT("vmx/no-virtual-nmis", vmx_config_probe() == -HX_ENODEV);
	intel_cpu(true);
	fake_set_msr(MSR_VMX_EPT_VPID_CAP, EPT_CAPS & ~VMX_EPT_2MB);
	EXPECT("vmx/no-2mb-ept", vmx_config_probe() == -HX_ENODEV);
	intel_cpu(true);
	fake_set_msr(MSR_VMX_EPT_VPID_CAP, EPT_CAPS &
		     ~(VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL));
	EXPECT("vmx/no-invept-type", vmx_config_probe() == -HX_ENODEV);
	intel_cpu(true);
	fake_set_msr(MSR_VMX_TRUE_EXIT, (ALL_MAY & ~(1ULL << (32 + 21))) | EXIT_MUST);
	EXPECT("vmx/no-load-efer", vmx_config_probe() == -HX_ENODEV);
	intel_cpu(true);
	fake_set_msr(MSR_VMX_BASIC, VMX_BASIC_TRUE_CTLS);
	fake_set_msr(MSR_VMX_TRUE_PINBASED, 0);
	EXPECT("vmx/nothing-allowed", vmx_config_probe() == -HX_ENODEV);
}

static void test_control_registers(void)
{
	intel_cpu(true);
	vmx_config_probe();
	/* RESET: CD and NW set, PE and PG clear (unrestricted guest). */
	EXPECT("vmx/cr0-reset", vmx_real_cr0(0x60000010ULL) == 0x30ULL);
	EXPECT("vmx/cr0-protected-paged",
	       vmx_real_cr0(0x80000011ULL) == 0x80000031ULL);
	EXPECT("vmx/cr0-ts-kept", vmx_real_cr0(0x3aULL) == 0x3aULL);
	EXPECT("vmx/cr4-vmxe-added", vmx_real_cr4(0x20ULL) == 0x2020ULL);
	EXPECT("vmx/cr4-beyond-fixed1-dropped",
	       vmx_real_cr4(1ULL << 23) == 0x2000ULL);
}

static void test_vpids(void)
{
	int a, b, c;

	intel_cpu(true);
	vmx_config_probe();
	a = vmx_vpid_alloc();
	b = vmx_vpid_alloc();
	EXPECT("vmx/vpids-from-the-top", a == 0xffff && b == 0xfffe);
	vmx_vpid_free((u16)a);
	c = vmx_vpid_alloc();
	EXPECT("vmx/vpid-reused", c == 0xffff);
	vmx_vpid_free((u16)b);
	vmx_vpid_free((u16)c);
	fake_set_msr(MSR_VMX_PROCBASED2, ALL_MAY & ~(1ULL << (32 + 5)));
	vmx_config_probe();
	EXPECT("vmx/no-vpid-without-the-control", vmx_vpid_alloc() == 0);
}

static void test_msr_addresses(void)
{
	EXPECT("msr/canonical-low", !hx_msr_bad_address(HX_MSR_LSTAR, 0x00007fffffffffffULL));
	EXPECT("msr/canonical-high", !hx_msr_bad_address(HX_MSR_CSTAR, 0xffff800000000000ULL));
	EXPECT("msr/non-canonical", hx_msr_bad_address(HX_MSR_KERNEL_GS_BASE, 0x0000800000000000ULL) &&
	       hx_msr_bad_address(HX_MSR_FS_BASE, 0x5566778811223344ULL));
	EXPECT("msr/not-an-address", !hx_msr_bad_address(HX_MSR_SFMASK, 0x5566778811223344ULL));
}

/* The Intel MSRs a guest kernel reads before it can take a #GP. */
static void test_intel_msrs(void)
{
	static struct vmx_msr_entry area[8];
	static struct vmx_vcpu vx;
	u64 v = ~0ULL, u = ~0ULL;

	intel_cpu(true);
	vx.guest_msrs = area;
	EXPECT("msr/probe", vmx_config_probe() == 0 && vmx_cfg.nr_msrs <= 8);

	EXPECT("msr/misc-enable-read", vmx_msr_read(&vx, 0x1a0, &v) == 0 &&
	       v == 0x1801);
	EXPECT("msr/misc-enable-same-value", vmx_msr_write(&vx, 0x1a0, v) == 0);
	EXPECT("msr/misc-enable-no-xd-disable",
	       vmx_msr_write(&vx, 0x1a0, v | (1ULL << 34)) == -1);
	EXPECT("msr/ucode-rev", vmx_msr_write(&vx, 0x8b, 0) == 0 &&
	       vmx_msr_read(&vx, 0x8b, &u) == 0 && u == 0);
	EXPECT("msr/tsc-adjust-gp", vmx_msr_read(&vx, 0x3b, &v) == -1);
	EXPECT("msr/therm-interrupt-gp", vmx_msr_write(&vx, 0x19b, 3) == -1);
	v = ~0ULL;
	EXPECT("msr/int-pending-msg-no-c1e", vmx_msr_read(&vx, 0xc0010055, &v) == 0 && v == 0);
}

int main(void)
{
	test_controls();
	test_refusals();
	test_control_registers();
	test_vpids();
	test_msr_addresses();
	test_intel_msrs();
	return test_failures ? 1 : 0;
}
