// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the host capability probe (xen/arch/x86/caps.c). */
#include "fake_host.h"
#include "test.h"
#include <hxen/caps.h>
#include <hxen/x86.h>

int test_failures;

#define SVM_FEATURES (HX_SVM_FEAT_NP | HX_SVM_FEAT_VGIF)

static void amd_machine(int nr_cpus, const char *vendor)
{
	fake_reset(nr_cpus);
	fake_set_vendor(vendor);
	fake_set_leaf(HX_CPUID_FEATURES, 0, 0, (u32)HX_CPUID1_ECX_HYPERVISOR, 0);
	fake_set_leaf(HX_CPUID_EXT_MAX, HX_CPUID_SVM, 0, 0, 0);
	fake_set_leaf(HX_CPUID_EXT_FEATURES, 0, 0, (u32)HX_CPUID81_ECX_SVM, 0);
	fake_set_leaf(HX_CPUID_SVM, 1, 16, 0, (u32)SVM_FEATURES);
	fake_set_msr(HX_MSR_VM_CR, 0);
	fake_set_msr(HX_MSR_EFER, 0xd01);
}

static void intel_machine(int nr_cpus)
{
	fake_reset(nr_cpus);
	fake_set_vendor("GenuineIntel");
	fake_set_leaf(HX_CPUID_FEATURES, 0, 0, (u32)HX_CPUID1_ECX_VMX, 0);
	fake_set_msr(HX_MSR_FEATURE_CONTROL,
		     HX_FEAT_CTL_LOCKED | HX_FEAT_CTL_VMX_OUTSIDE_SMX);
	fake_set_msr(HX_MSR_VMX_PROCBASED_CTLS, HX_VMX_PROCBASED_SECONDARY);
	fake_set_msr(HX_MSR_VMX_PROCBASED_CTLS2,
		     HX_VMX_SECONDARY_EPT | HX_VMX_SECONDARY_VPID |
		     HX_VMX_SECONDARY_UNRESTRICTED);
}

static void test_amd_svm_npt(void)
{
	struct hx_caps c;

	amd_machine(4, "AuthenticAMD");
	hx_caps_probe(&c);
	EXPECT("amd/vendor", c.vendor == HX_VENDOR_AMD);
	EXPECT("amd/svm", c.features & HX_CAP_SVM);
	EXPECT("amd/npt", c.features & HX_CAP_NPT);
	EXPECT("amd/vgif", c.features & HX_CAP_VGIF);
	EXPECT("amd/no-nrips", !(c.features & HX_CAP_NRIP_SAVE));
	EXPECT("amd/not-disabled", !(c.features & HX_CAP_SVM_DISABLED));
	EXPECT("amd/asids", c.nr_asids == 16);
	EXPECT("amd/revision", c.svm_revision == 1);
	EXPECT("amd/nested", c.features & HX_CAP_NESTED);
	EXPECT("amd/no-vmx", !(c.features & (HX_CAP_VMX | HX_CAP_EPT)));
	EXPECT("amd/cpus", c.nr_cpus == 4);
	EXPECT("amd/not-held", c.nr_cpus_held == 0 &&
	       !(c.features & HX_CAP_HELD));
}

static void test_amd_held(void)
{
	struct hx_caps c;

	amd_machine(4, "AuthenticAMD");
	fake_set_msr_on(1, HX_MSR_EFER, 0xd01 | HX_EFER_SVME);
	fake_set_msr_on(3, HX_MSR_EFER, 0xd01 | HX_EFER_SVME);
	hx_caps_probe(&c);
	EXPECT("amd-held/count", c.nr_cpus_held == 2 && c.nr_cpus == 4);
	EXPECT("amd-held/flag", c.features & HX_CAP_HELD);
}

static void test_amd_firmware_disabled(void)
{
	struct hx_caps c;

	amd_machine(2, "AuthenticAMD");
	fake_set_msr(HX_MSR_VM_CR, HX_VM_CR_SVMDIS);
	hx_caps_probe(&c);
	EXPECT("amd-svmdis/svm", c.features & HX_CAP_SVM);
	EXPECT("amd-svmdis/disabled", c.features & HX_CAP_SVM_DISABLED);
}

static void test_amd_without_svm(void)
{
	struct hx_caps c;

	amd_machine(2, "AuthenticAMD");
	/* Extended leaves stop before 8000_000A: SVM cannot be described. */
	fake_set_leaf(HX_CPUID_EXT_MAX, 0x80000008, 0, 0, 0);
	hx_caps_probe(&c);
	EXPECT("amd-nosvm/svm", !(c.features & HX_CAP_SVM));
	EXPECT("amd-nosvm/npt", !(c.features & HX_CAP_NPT));
	EXPECT("amd-nosvm/asids", c.nr_asids == 0);
	EXPECT("amd-nosvm/cpus-counted", c.nr_cpus == 2);

	amd_machine(2, "AuthenticAMD");
	fake_set_leaf(HX_CPUID_EXT_FEATURES, 0, 0, 0, 0);
	hx_caps_probe(&c);
	EXPECT("amd-nosvm/cpuid-bit", !(c.features & HX_CAP_SVM));
}

static void test_amd_efer_faults(void)
{
	struct hx_caps c;
	int cpu;

	amd_machine(2, "AuthenticAMD");
	for (cpu = 0; cpu < 2; cpu++)
		fake_cpus[cpu].nr_msrs = 0;	/* every MSR faults */
	hx_caps_probe(&c);
	EXPECT("amd-msr-fault/svm", c.features & HX_CAP_SVM);
	EXPECT("amd-msr-fault/not-disabled",
	       !(c.features & HX_CAP_SVM_DISABLED));
	EXPECT("amd-msr-fault/not-held", c.nr_cpus_held == 0);
}

static void test_hygon(void)
{
	struct hx_caps c;

	amd_machine(1, "HygonGenuine");
	hx_caps_probe(&c);
	EXPECT("hygon/vendor", c.vendor == HX_VENDOR_HYGON);
	EXPECT("hygon/svm", c.features & HX_CAP_SVM);
}

static void test_intel_vmx_ept(void)
{
	struct hx_caps c;

	intel_machine(2);
	hx_caps_probe(&c);
	EXPECT("intel/vendor", c.vendor == HX_VENDOR_INTEL);
	EXPECT("intel/vmx", c.features & HX_CAP_VMX);
	EXPECT("intel/ept", c.features & HX_CAP_EPT);
	EXPECT("intel/vpid", (c.features & HX_CAP_VPID) &&
	       c.nr_vpids == 0xffff);
	EXPECT("intel/unrestricted", c.features & HX_CAP_UNRESTRICTED);
	EXPECT("intel/enabled", !(c.features & HX_CAP_VMX_DISABLED));
	EXPECT("intel/no-svm", !(c.features & (HX_CAP_SVM | HX_CAP_NPT)));
	EXPECT("intel/not-nested", !(c.features & HX_CAP_NESTED));
	EXPECT("intel/not-held", c.nr_cpus_held == 0);
}

static void test_intel_held(void)
{
	struct hx_caps c;

	intel_machine(3);
	fake_cpus[0].cr4 = HX_CR4_VMXE;
	fake_cpus[2].cr4 = HX_CR4_VMXE | 0x20;
	hx_caps_probe(&c);
	EXPECT("intel-held/count", c.nr_cpus_held == 2 && c.nr_cpus == 3);
	EXPECT("intel-held/flag", c.features & HX_CAP_HELD);
}

static void test_intel_firmware(void)
{
	struct hx_caps c;

	intel_machine(1);
	fake_set_msr(HX_MSR_FEATURE_CONTROL, HX_FEAT_CTL_LOCKED);
	hx_caps_probe(&c);
	EXPECT("intel-locked-off/disabled", c.features & HX_CAP_VMX_DISABLED);

	/* Unlocked: the kernel or hxen may still enable VMX. */
	intel_machine(1);
	fake_set_msr(HX_MSR_FEATURE_CONTROL, 0);
	hx_caps_probe(&c);
	EXPECT("intel-unlocked/not-disabled",
	       !(c.features & HX_CAP_VMX_DISABLED));
}

static void test_intel_no_secondary(void)
{
	struct hx_caps c;

	intel_machine(1);
	fake_set_msr(HX_MSR_VMX_PROCBASED_CTLS, 0);
	hx_caps_probe(&c);
	EXPECT("intel-no-secondary/vmx", c.features & HX_CAP_VMX);
	EXPECT("intel-no-secondary/no-ept",
	       !(c.features & (HX_CAP_EPT | HX_CAP_VPID |
			       HX_CAP_UNRESTRICTED)));
	EXPECT("intel-no-secondary/no-vpids", c.nr_vpids == 0);

	/* Capability MSRs that fault (a partial CPU model) are "absent". */
	intel_machine(1);
	fake_cpus[0].nr_msrs = 0;
	hx_caps_probe(&c);
	EXPECT("intel-msr-fault/vmx", c.features & HX_CAP_VMX);
	EXPECT("intel-msr-fault/no-ept", !(c.features & HX_CAP_EPT));
}

static void test_unknown_vendor(void)
{
	struct hx_caps c;

	fake_reset(2);
	fake_set_vendor("CyrixInstead");
	fake_set_leaf(HX_CPUID_FEATURES, 0, 0, (u32)HX_CPUID1_ECX_VMX, 0);
	hx_caps_probe(&c);
	EXPECT("unknown/vendor", c.vendor == HX_VENDOR_UNKNOWN);
	EXPECT("unknown/no-features", (c.features & ~HX_CAP_NESTED) == 0);
	EXPECT("unknown/cpus", c.nr_cpus == 2);
}

int main(void)
{
	test_amd_svm_npt();
	test_amd_held();
	test_amd_firmware_disabled();
	test_amd_without_svm();
	test_amd_efer_faults();
	test_hygon();
	test_intel_vmx_ept();
	test_intel_held();
	test_intel_firmware();
	test_intel_no_secondary();
	test_unknown_vendor();
	return test_failures ? 1 : 0;
}
