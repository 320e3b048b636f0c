// SPDX-License-Identifier: GPL-2.0
/*
 * Host CPUs for the SVM backend: turning SVM on for a guest run, sharing
 * it with another hypervisor that has it on, and handing out ASIDs.
 *
 * hxen never leaves EFER.SVME set outside a guest run.  Each run, with
 * interrupts off, finds the CPU in one of two states:
 *
 * - SVM off: hxen turns it on, runs the guest and turns it off again.
 *   A hypervisor loaded later (KVM turns SVM on at load time from Linux
 *   6.12, or when its first guest starts) therefore always finds the CPU
 *   as it expects, even while hxen VMs run.
 *
 * - SVM on, set by another hypervisor (KVM): hxen borrows it.  It never
 *   touches EFER.SVME, points VM_HSAVE_PA at its own host-save area for
 *   the run and puts the other's address back before interrupts come on,
 *   so the other hypervisor's area (KVM keeps its VMSAVE'd host state
 *   there) is never written.  Guest state lives in hxen's own VMCBs.
 *
 * TLB entries made in guest mode are tagged with the ASID only, and both
 * hypervisors number their ASIDs from 1 on the same CPU.  So when the
 * two may meet on a CPU, each must not see the other's entries:
 *
 * - before hxen's first borrowed run after any other thread ran on the
 *   CPU (svm_cpu_arrive), hxen starts a new ASID generation, which
 *   flushes the entries of every ASID;
 * - before the CPU goes to any other thread after borrowed runs
 *   (svm_cpu_leave), hxen runs an empty guest whose VMRUN flushes every
 *   ASID, so KVM never finds hxen's translations under its own ASIDs.
 *
 * Branch predictors are shared the same way: a guest of another VM (of
 * hxen, or of the other hypervisor at those same two points) is
 * preceded by a branch barrier (IBPB), as KVM does when it switches
 * VMCBs on a CPU.
 *
 * When the other hypervisor turns SVM off in between, there is nothing
 * to clean: whoever turns SVM on next must assume stale entries (KVM and
 * hxen both start with a flush), and hxen notices that someone else used
 * SVM here because VM_HSAVE_PA is no longer its own.
 */
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/x86.h>

#include "svm.h"

#define MSR_VM_HSAVE_PA		0xc0010117

struct svm_cpu *svm_cpus;
static u32 svm_nr_cpus;
static u32 svm_nr_asids;
static bool svm_switch_hooks;
static struct hxh_page *svm_empty_npt;

/* The next pick hands out ASIDs from a fresh generation (flush all). */
static void svm_asid_restart(struct svm_cpu *c)
{
	c->asid_generation++;
	c->next_asid = svm_nr_asids;
}

int svm_take(struct svm_cpu *c, u64 vm_serial)
{
	u64 efer, hsave;

	if (hxh_rdmsr_safe(HX_MSR_EFER, &efer) ||
	    hxh_rdmsr_safe(MSR_VM_HSAVE_PA, &hsave))
		return -HX_EIO;
	c->efer = efer;
	c->shared = efer & HX_EFER_SVME;
	if (c->shared) {
		c->other_hsave_pa = hsave;
		c->stats.shared_runs++;
		/* The other hypervisor may have run guests meanwhile. */
		if (c->arrived)
			c->stale = true;
	} else if (hsave != c->hsave_pa) {
		/* Someone else had SVM on here since hxen's last run. */
		c->stale = true;
	}
	c->arrived = false;
	if (c->stale) {
		c->stale = false;
		svm_asid_restart(c);
		c->last_vm = 0;
	}
	if (c->last_vm != vm_serial) {
		hxh_branch_barrier();
		c->last_vm = vm_serial;
	}
	if (hsave != c->hsave_pa &&
	    hxh_wrmsr_safe(MSR_VM_HSAVE_PA, c->hsave_pa))
		return -HX_EIO;
	if (!c->shared && hxh_wrmsr_safe(HX_MSR_EFER, efer | HX_EFER_SVME)) {
		hxh_wrmsr_safe(MSR_VM_HSAVE_PA, hsave);
		return -HX_EIO;
	}
	return 0;
}

void svm_give_back(struct svm_cpu *c)
{
	if (!c->shared) {
		/* GIF is set again (the world switch ends with STGI). */
		hxh_wrmsr_safe(HX_MSR_EFER, c->efer);
		return;
	}
	hxh_wrmsr_safe(MSR_VM_HSAVE_PA, c->other_hsave_pa);
	c->dirty = true;
	if (!svm_switch_hooks) {
		/* No word when the thread leaves the CPU: clean up now. */
		svm_cpu_leave();
		c->stale = true;
	}
}

void svm_cpu_arrive(u32 cpu)
{
	if (cpu < svm_nr_cpus)
		svm_cpus[cpu].arrived = true;
}

void svm_cpu_leave(void)
{
	struct svm_cpu *c = &svm_cpus[hxh_cpu_id()];
	u64 efer, hsave;

	if (!c->dirty)
		return;
	c->dirty = false;
	if (hxh_rdmsr_safe(HX_MSR_EFER, &efer) || !(efer & HX_EFER_SVME) ||
	    hxh_rdmsr_safe(MSR_VM_HSAVE_PA, &hsave))
		return;
	if (hxh_wrmsr_safe(MSR_VM_HSAVE_PA, c->hsave_pa))
		return;
	hxh_svm_vmrun_empty(c->empty_vmcb_pa);
	hxh_wrmsr_safe(MSR_VM_HSAVE_PA, hsave);
	hxh_restore_host_debugregs();
	hxh_branch_barrier();
	c->stats.tlb_cleanups++;
}

/*
 * Hand the vCPU an ASID that is valid on this CPU in this generation
 * (APM vol. 2, 15.16).  A vCPU that moved, or whose generation ended,
 * gets a fresh one; running out starts a new generation and flushes
 * every ASID's TLB entries on this CPU.
 */
void svm_pick_asid(struct svm_vcpu *sv, u32 cpu, struct svm_cpu *c)
{
	struct vmcb_control *ctl = &sv->vmcb->control;
	u32 gen = hx_p2m_tlb_gen(&to_svm_vm(sv->vcpu.vm)->npt);

	ctl->tlb_ctl = SVM_TLB_CTL_NONE;
	if (sv->cpu == cpu && sv->asid_generation == c->asid_generation &&
	    sv->tlb_gen == gen)
		return;
	/* A nested mapping went away since: a fresh ASID has none of it. */
	sv->tlb_gen = gen;
	if (c->next_asid >= svm_nr_asids) {
		c->asid_generation++;
		c->next_asid = 1;
		ctl->tlb_ctl = SVM_TLB_CTL_FLUSH_ALL;
	}
	ctl->asid = c->next_asid++;
	sv->asid_generation = c->asid_generation;
	sv->cpu = cpu;
}

void svm_cpu_stats(struct hx_arch_stats *st)
{
	u32 i;

	*st = (struct hx_arch_stats){ 0 };
	for (i = 0; svm_cpus && i < svm_nr_cpus; i++) {
		st->shared_runs += svm_cpus[i].stats.shared_runs;
		st->tlb_cleanups += svm_cpus[i].stats.tlb_cleanups;
	}
}

/*
 * A guest that leaves at once: a virtual interrupt is pending with the
 * VINTR intercept, so the CPU exits before the first instruction (and
 * should it not, the fetch finds nothing mapped: a nested page fault).
 * Its VMRUN flushes the TLB entries of every ASID.
 */
static void svm_empty_vmcb_init(struct vmcb *v, u64 npt_root_pa)
{
	struct vmcb_control *ctl = &v->control;
	struct vmcb_save *save = &v->save;

	ctl->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			       SVM_INTERCEPT_SMI | SVM_INTERCEPT_VINTR |
			       SVM_INTERCEPT_HLT | SVM_INTERCEPT_SHUTDOWN;
	ctl->intercept_misc2 = SVM_INTERCEPT_VMRUN;
	ctl->asid = 1;
	ctl->tlb_ctl = SVM_TLB_CTL_FLUSH_ALL;
	ctl->int_ctl = SVM_INT_CTL_V_INTR_MASKING | SVM_INT_CTL_V_IRQ |
		       SVM_INT_CTL_V_IGN_TPR |
		       (0xfU << SVM_INT_CTL_V_INTR_PRIO_SHIFT);
	ctl->np_ctl = SVM_NP_ENABLE;
	ctl->n_cr3 = npt_root_pa;

	/* A CPU just out of RESET, with nothing mapped, and IF for V_IRQ. */
	svm_vmcb_reset_save(save);
	save->rflags |= RFLAGS_IF;
}

/* Runs on each CPU at unload: leave no pointer to pages about to go. */
static void svm_cpu_forget(void *unused)
{
	struct svm_cpu *c = &svm_cpus[hxh_cpu_id()];
	u64 efer, hsave;

	if (hxh_rdmsr_safe(HX_MSR_EFER, &efer) == 0 &&
	    !(efer & HX_EFER_SVME) &&
	    hxh_rdmsr_safe(MSR_VM_HSAVE_PA, &hsave) == 0 &&
	    hsave == c->hsave_pa)
		hxh_wrmsr_safe(MSR_VM_HSAVE_PA, 0);
}

void svm_cpus_exit(void)
{
	u32 i;

	if (!svm_cpus)
		return;
	hxh_on_each_cpu(svm_cpu_forget, NULL);
	for (i = 0; i < svm_nr_cpus; i++) {
		struct svm_cpu *c = &svm_cpus[i];

		if (c->hsave)
			hxh_page_free(c->hsave, 0);
		if (c->host_save)
			hxh_page_free(c->host_save, 0);
		if (c->empty_vmcb)
			hxh_page_free(c->empty_vmcb, 0);
	}
	if (svm_empty_npt)
		hxh_page_free(svm_empty_npt, 0);
	svm_empty_npt = NULL;
	hxh_free(svm_cpus);
	svm_cpus = NULL;
}

int svm_cpus_init(u32 nr_asids)
{
	u64 npt_pa;
	u32 i;

	svm_nr_asids = nr_asids;
	svm_switch_hooks = hxh_cpu_switch_hooks();
	svm_nr_cpus = hxh_nr_cpu_ids();
	svm_cpus = hxh_zalloc(svm_nr_cpus * sizeof(*svm_cpus));
	svm_empty_npt = hxh_page_alloc(0);
	if (!svm_cpus || !svm_empty_npt)
		goto fail;
	npt_pa = hxh_page_to_pa(svm_empty_npt);
	for (i = 0; i < svm_nr_cpus; i++) {
		struct svm_cpu *c = &svm_cpus[i];

		c->hsave = hxh_page_alloc(0);
		c->host_save = hxh_page_alloc(0);
		c->empty_vmcb = hxh_page_alloc(0);
		if (!c->hsave || !c->host_save || !c->empty_vmcb)
			goto fail;
		c->hsave_pa = hxh_page_to_pa(c->hsave);
		c->host_save_pa = hxh_page_to_pa(c->host_save);
		c->empty_vmcb_pa = hxh_page_to_pa(c->empty_vmcb);
		svm_empty_vmcb_init(hxh_page_to_va(c->empty_vmcb), npt_pa);
		/* Whatever ran here before: the first run flushes. */
		c->stale = true;
		c->next_asid = svm_nr_asids;
	}
	return 0;

fail:
	svm_cpus_exit();
	return -HX_ENOMEM;
}
