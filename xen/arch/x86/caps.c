// SPDX-License-Identifier: GPL-2.0
/*
 * Host capability probe: decode CPUID and the SVM/VMX capability MSRs
 * into struct hx_caps.
 */
#include <hxen/caps.h>
#include <hxen/host.h>
#include <hxen/x86.h>

static bool vendor_is(const u32 r[4], const char *name)
{
	/* The vendor string is EBX, EDX, ECX in that order (CPUID 0). */
	const u32 order[3] = { r[1], r[3], r[2] };
	int i;

	for (i = 0; i < 12; i++) {
		u32 word = order[i / 4];

		if ((char)(word >> (8 * (i % 4))) != name[i])
			return false;
	}
	return true;
}

static enum hx_vendor probe_vendor(void)
{
	u32 r[4];

	hxh_cpuid(HX_CPUID_VENDOR, 0, r);
	if (vendor_is(r, "AuthenticAMD"))
		return HX_VENDOR_AMD;
	if (vendor_is(r, "HygonGenuine"))
		return HX_VENDOR_HYGON;
	if (vendor_is(r, "GenuineIntel"))
		return HX_VENDOR_INTEL;
	return HX_VENDOR_UNKNOWN;
}

static void probe_svm(struct hx_caps *caps)
{
	u32 r[4];
	u64 vm_cr;

	hxh_cpuid(HX_CPUID_EXT_MAX, 0, r);
	if (r[0] < HX_CPUID_SVM)
		return;
	hxh_cpuid(HX_CPUID_EXT_FEATURES, 0, r);
	if (!(r[2] & HX_CPUID81_ECX_SVM))
		return;
	caps->features |= HX_CAP_SVM;

	/* Firmware may disable SVM with VM_CR.SVMDIS (APM vol. 2, 15.4). */
	if (hxh_rdmsr_safe(HX_MSR_VM_CR, &vm_cr) == 0 &&
	    (vm_cr & HX_VM_CR_SVMDIS))
		caps->features |= HX_CAP_SVM_DISABLED;

	hxh_cpuid(HX_CPUID_SVM, 0, r);
	caps->svm_revision = r[0] & 0xff;
	caps->nr_asids = r[1];
	if (r[3] & HX_SVM_FEAT_NP)
		caps->features |= HX_CAP_NPT;
	if (r[3] & HX_SVM_FEAT_NRIPS)
		caps->features |= HX_CAP_NRIP_SAVE;
	if (r[3] & HX_SVM_FEAT_DECODE_ASSISTS)
		caps->features |= HX_CAP_DECODE_ASSISTS;
	if (r[3] & HX_SVM_FEAT_FLUSH_BY_ASID)
		caps->features |= HX_CAP_FLUSH_BY_ASID;
	if (r[3] & HX_SVM_FEAT_VGIF)
		caps->features |= HX_CAP_VGIF;
}

static void probe_vmx(struct hx_caps *caps)
{
	u64 feat_ctl, procbased, secondary;
	u32 r[4];

	hxh_cpuid(HX_CPUID_FEATURES, 0, r);
	if (!(r[2] & HX_CPUID1_ECX_VMX))
		return;
	caps->features |= HX_CAP_VMX;

	/*
	 * A locked FEATURE_CONTROL without "VMX outside SMX" means firmware
	 * turned VMX off; only a firmware setting can change that.
	 */
	if (hxh_rdmsr_safe(HX_MSR_FEATURE_CONTROL, &feat_ctl) == 0 &&
	    (feat_ctl & HX_FEAT_CTL_LOCKED) &&
	    !(feat_ctl & HX_FEAT_CTL_VMX_OUTSIDE_SMX))
		caps->features |= HX_CAP_VMX_DISABLED;

	if (hxh_rdmsr_safe(HX_MSR_VMX_PROCBASED_CTLS, &procbased) ||
	    !(procbased & HX_VMX_PROCBASED_SECONDARY))
		return;
	if (hxh_rdmsr_safe(HX_MSR_VMX_PROCBASED_CTLS2, &secondary))
		return;
	if (secondary & HX_VMX_SECONDARY_EPT)
		caps->features |= HX_CAP_EPT;
	if (secondary & HX_VMX_SECONDARY_VPID) {
		caps->features |= HX_CAP_VPID;
		caps->nr_vpids = HX_VMX_NR_VPIDS;
	}
	if (secondary & HX_VMX_SECONDARY_UNRESTRICTED)
		caps->features |= HX_CAP_UNRESTRICTED;
}

/* Runs on each CPU: is SVM (EFER.SVME) turned on here? */
static bool svm_is_on(void *unused)
{
	u64 efer;

	return hxh_rdmsr_safe(HX_MSR_EFER, &efer) == 0 &&
	       (efer & HX_EFER_SVME);
}

/* Runs on each CPU: is this CPU in VMX operation (CR4.VMXE)? */
static bool vmx_is_on(void *unused)
{
	return hxh_read_cr4() & HX_CR4_VMXE;
}

void hx_caps_probe(struct hx_caps *caps)
{
	u32 r[4];

	*caps = (struct hx_caps){ 0 };
	caps->vendor = probe_vendor();

	hxh_cpuid(HX_CPUID_FEATURES, 0, r);
	if (r[2] & HX_CPUID1_ECX_HYPERVISOR)
		caps->features |= HX_CAP_NESTED;

	switch (caps->vendor) {
	case HX_VENDOR_AMD:
	case HX_VENDOR_HYGON:
		probe_svm(caps);
		break;
	case HX_VENDOR_INTEL:
		probe_vmx(caps);
		break;
	default:
		break;
	}

	/*
	 * Nothing in hxen sets EFER.SVME or CR4.VMXE, so any CPU with them
	 * on belongs to another hypervisor.
	 */
	if (caps->features & HX_CAP_SVM)
		caps->nr_cpus_held = hxh_count_cpus(svm_is_on, NULL,
						    &caps->nr_cpus);
	else if (caps->features & HX_CAP_VMX)
		caps->nr_cpus_held = hxh_count_cpus(vmx_is_on, NULL,
						    &caps->nr_cpus);
	else
		hxh_count_cpus(NULL, NULL, &caps->nr_cpus);
	if (caps->nr_cpus_held)
		caps->features |= HX_CAP_HELD;
}
