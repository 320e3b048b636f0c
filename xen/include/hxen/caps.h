/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host CPUs offer a hypervisor: vendor, SVM/VMX and their
 * firmware state, nested paging, and whether another hypervisor has the
 * extensions turned on right now.
 */
#ifndef HXEN_CAPS_H
#define HXEN_CAPS_H

#include <hxen/types.h>

enum hx_vendor {
	HX_VENDOR_UNKNOWN,
	HX_VENDOR_AMD,
	HX_VENDOR_INTEL,
	HX_VENDOR_HYGON,
};

/* struct hx_caps.features */
#define HX_CAP_SVM		(1ULL << 0)
#define HX_CAP_SVM_DISABLED	(1ULL << 1)
#define HX_CAP_NPT		(1ULL << 2)
#define HX_CAP_NRIP_SAVE	(1ULL << 3)
#define HX_CAP_DECODE_ASSISTS	(1ULL << 4)
#define HX_CAP_FLUSH_BY_ASID	(1ULL << 5)
#define HX_CAP_VGIF		(1ULL << 6)
#define HX_CAP_VMX		(1ULL << 8)
#define HX_CAP_VMX_DISABLED	(1ULL << 9)
#define HX_CAP_EPT		(1ULL << 10)
#define HX_CAP_VPID		(1ULL << 11)
#define HX_CAP_UNRESTRICTED	(1ULL << 12)
#define HX_CAP_NESTED		(1ULL << 16)
#define HX_CAP_HELD		(1ULL << 17)

struct hx_caps {
	enum hx_vendor vendor;
	u32 svm_revision;
	u64 features;
	u32 nr_asids;
	u32 nr_vpids;
	u32 nr_cpus;
	u32 nr_cpus_held;
};

/**
 * hx_caps_probe() - fill @caps from CPUID and the capability MSRs.
 * @caps: result; zeroed first.
 *
 * Runs on the calling CPU for the static features and on every online CPU
 * for the "held by another hypervisor" count.  Never fails: what cannot
 * be read is reported absent.
 */
void hx_caps_probe(struct hx_caps *caps);

#endif /* HXEN_CAPS_H */
