/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen guest ABI of a VM: whether the guest speaks it, and the entry
 * points the backends call (CPUID leaves, the hypercall-page MSR, the
 * hypercall instruction).  Hypercalls are handled in the kernel; an
 * unknown one returns -ENOSYS to the guest and is counted.
 */
#ifndef HXEN_XEN_H
#define HXEN_XEN_H

#include <hxen/types.h>

struct hx_emul_ctx;
struct hx_vcpu;
struct hx_vm;

/* The first CPUID leaf and MSR of the Xen interface. */
#define HX_XEN_CPUID_BASE	0x40000000U
#define HX_XEN_MSR_HCALL_PAGE	0x40000000U
/* Reported when the host asks for no particular version: 4.17. */
#define HX_XEN_VERSION_DEFAULT	0x00040011U

/*
 * struct hx_xen - a VM's Xen personality
 * @enabled: the guest gets the Xen CPUID leaves and hypercalls
 * @domid: the domain id the guest is told it has
 * @version: major << 16 | minor, as XENVER_version returns it
 */
struct hx_xen {
	bool enabled;
	u16 domid;
	u32 version;
};

/* Turn the Xen ABI on for @vm: 0, or -HX_EINVAL for a bad domid. */
int hx_xen_enable(struct hx_vm *vm, u16 domid, u32 version);

/* CPUID leaves 0x4000_00xx; false when the VM has no Xen ABI. */
bool hx_xen_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 r[4]);

/*
 * WRMSR of the hypercall-page MSR: fill the guest page at @val (its low
 * 12 bits are the page index, which must be 0) with stubs that use the
 * 3-byte hypercall instruction @insn of this CPU's vendor.  Return: 0,
 * or -1 when the guest gets #GP.
 */
int hx_xen_hcall_page(struct hx_emul_ctx *ctx, u64 val, const u8 insn[3]);

/*
 * The hypercall instruction at ctx->rip (already known to be one): run
 * it, put the result in RAX and move RIP past it (@len bytes).
 */
void hx_xen_hypercall(struct hx_emul_ctx *ctx, u32 len);

#endif /* HXEN_XEN_H */
