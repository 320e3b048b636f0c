// SPDX-License-Identifier: GPL-2.0
/*
 * Host CPUs for the VMX backend: entering VMX operation for a guest run,
 * sharing it with another hypervisor that is in it, and VPIDs.
 *
 * hxen is in VMX operation only during a guest run, and its VMCSs are
 * clear (current on no CPU) outside one.  Each run, with interrupts off,
 * finds the CPU in one of two states:
 *
 * - CR4.VMXE clear: no one is in VMX operation.  hxen sets CR4.VMXE,
 *   runs VMXON on its own region, VMPTRLDs the vCPU's VMCS and launches
 *   it; after the exit it VMCLEARs the VMCS, runs VMXOFF and clears
 *   CR4.VMXE.  A hypervisor loaded later (kvm_intel turns VMX on at load
 *   time from Linux 6.12, or when its first guest starts) therefore finds
 *   the CPU as it expects, even while hxen VMs run.
 *
 * - CR4.VMXE set: another hypervisor (KVM) did VMXON here.  hxen never
 *   runs VMXON or VMXOFF then: it notes the current-VMCS pointer
 *   (VMPTRST), makes its own VMCS current for the run, VMCLEARs it after
 *   and makes the other's current again (VMPTRLD) before interrupts come
 *   on, so KVM finds its VMCS current as it left it.
 *
 * Because every run ends with VMCLEAR, a vCPU may run next on any CPU,
 * and a VMXOFF by anyone can never lose hxen's VMCS data.
 *
 * Translations cached in guest mode are tagged with the EPT root (and
 * the VPID): another hypervisor's guests, on other roots, never use
 * hxen's.  A vCPU flushes its root's translations (INVEPT) when it runs
 * on a CPU other than the last one or after a mapping went away, which
 * also covers a root page that served someone else before.  Branch
 * predictors are kept apart as on SVM: an IBPB before a guest of another
 * VM, and around runs inside the other hypervisor's VMX operation.
 */
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/x86.h>

#include "insn.h"
#include "vmcs.h"
#include "vmx.h"

#define VMX_NR_VPIDS		65536

struct vmx_cpu *vmx_cpus;
static u32 vmx_nr_cpus;
static bool vmx_switch_hooks;
/* VPIDs in use; 0 is the host's.  Changed under the host's VM lock. */
static u64 vmx_vpids[VMX_NR_VPIDS / 64];

/* hxen can flush one VPID, or all of them, where the CPU has VPIDs. */
bool vmx_invvpid_usable(void)
{
	u64 caps;

	return hxh_rdmsr_safe(MSR_VMX_EPT_VPID_CAP, &caps) == 0 &&
	       (caps & VMX_INVVPID) &&
	       (caps & (VMX_INVVPID_SINGLE | VMX_INVVPID_ALL_CAP));
}

void vmx_invvpid_one(u16 vpid)
{
	if (vmx_cfg.ept_caps & VMX_INVVPID_SINGLE)
		vmx_invvpid(VMX_INVVPID_CONTEXT, vpid);
	else
		vmx_invvpid(VMX_INVVPID_ALL, 0);
}

/*
 * VPIDs are handed out from the top: KVM numbers its own from 1 up, so
 * the two rarely share one (and a shared one is flushed anyway).
 */
int vmx_vpid_alloc(void)
{
	u32 i;

	if (!(vmx_cfg.cpu2 & CPU2_VPID))
		return 0;
	for (i = VMX_NR_VPIDS - 1; i > 0; i--) {
		if (!(vmx_vpids[i / 64] & (1ULL << (i % 64)))) {
			vmx_vpids[i / 64] |= 1ULL << (i % 64);
			return (int)i;
		}
	}
	return -HX_ENOMEM;
}

void vmx_vpid_free(u16 vpid)
{
	if (vpid)
		vmx_vpids[vpid / 64] &= ~(1ULL << (vpid % 64));
}

/* Put back what the run found: the other's VMCS, or VMX off. */
static void vmx_leave_operation(struct vmx_cpu *c)
{
	if (c->shared) {
		if (c->other_vmcs != ~0ULL)
			vmx_ptrld(c->other_vmcs);
		return;
	}
	vmx_off();
	hxh_vmx_cr4_vmxe(false);
}

int vmx_take(struct vmx_cpu *c, struct vmx_vcpu *vx)
{
	u64 serial = to_vmx_vm(vx->vcpu.vm)->serial;

	c->shared = hxh_read_cr4() & HX_CR4_VMXE;
	if (c->shared) {
		c->other_vmcs = vmx_ptrst();
		c->stats.shared_runs++;
		/* The other hypervisor's guests may have run meanwhile. */
		if (c->arrived) {
			c->last_vm = 0;
			c->stale = true;
		}
	} else {
		hxh_vmx_cr4_vmxe(true);
		if (vmx_on(c->vmxon_pa)) {
			hxh_vmx_cr4_vmxe(false);
			return -HX_EIO;
		}
	}
	c->arrived = false;
	/* A new VMCS is cleared once before its first VMPTRLD. */
	if ((!vx->setup_done && vmx_clear(vx->vmcs_pa)) ||
	    vmx_ptrld(vx->vmcs_pa)) {
		vmx_leave_operation(c);
		return -HX_EIO;
	}
	if (c->last_vm != serial) {
		hxh_branch_barrier();
		c->last_vm = serial;
	}
	return 0;
}

void vmx_give_back(struct vmx_cpu *c, struct vmx_vcpu *vx)
{
	vmx_clear(vx->vmcs_pa);
	vmx_leave_operation(c);
	if (!c->shared)
		return;
	c->dirty = true;
	if (!vmx_switch_hooks) {
		/* No word when the thread leaves the CPU: clean up now. */
		vmx_cpu_leave();
		c->last_vm = 0;
	}
}

void vmx_cpu_arrive(u32 cpu)
{
	if (cpu < vmx_nr_cpus)
		vmx_cpus[cpu].arrived = true;
}

/*
 * Leaving a CPU after runs inside another's VMX operation: drop every
 * VPID's translations (the other's guests may use the same VPIDs, and
 * not every CPU tells them apart by EPT root), and an IBPB.
 */
void vmx_cpu_leave(void)
{
	struct vmx_cpu *c = &vmx_cpus[hxh_cpu_id()];

	if (!c->dirty)
		return;
	c->dirty = false;
	if ((vmx_cfg.cpu2 & CPU2_VPID) && (hxh_read_cr4() & HX_CR4_VMXE)) {
		vmx_invvpid(VMX_INVVPID_ALL, 0);
		c->stats.tlb_cleanups++;
	}
	hxh_branch_barrier();
}

void vmx_cpu_stats(struct hx_arch_stats *st)
{
	u32 i;

	*st = (struct hx_arch_stats){ 0 };
	for (i = 0; vmx_cpus && i < vmx_nr_cpus; i++) {
		st->shared_runs += vmx_cpus[i].stats.shared_runs;
		st->tlb_cleanups += vmx_cpus[i].stats.tlb_cleanups;
	}
}

void vmx_cpus_exit(void)
{
	u32 i;

	if (!vmx_cpus)
		return;
	for (i = 0; i < vmx_nr_cpus; i++)
		if (vmx_cpus[i].vmxon)
			hxh_page_free(vmx_cpus[i].vmxon, 0);
	hxh_free(vmx_cpus);
	vmx_cpus = NULL;
}

int vmx_cpus_init(void)
{
	u32 i;

	vmx_switch_hooks = hxh_cpu_switch_hooks();
	vmx_nr_cpus = hxh_nr_cpu_ids();
	vmx_cpus = hxh_zalloc(vmx_nr_cpus * sizeof(*vmx_cpus));
	if (!vmx_cpus)
		return -HX_ENOMEM;
	for (i = 0; i < vmx_nr_cpus; i++) {
		struct vmx_cpu *c = &vmx_cpus[i];

		c->vmxon = hxh_page_alloc(0);
		if (!c->vmxon) {
			vmx_cpus_exit();
			return -HX_ENOMEM;
		}
		/* The region starts with the VMCS revision (SDM vol. 3, 25.11.5). */
		*(u32 *)hxh_page_to_va(c->vmxon) = vmx_cfg.revision;
		c->vmxon_pa = hxh_page_to_pa(c->vmxon);
		/* Whatever ran here before: the first run flushes. */
		c->stale = true;
	}
	return 0;
}
