/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake host for the core: a machine of up to FAKE_MAX_CPUS CPUs whose
 * CPUID leaves, MSRs and CR4 a test sets up.  hxh_* calls act on the
 * "current" CPU; hxh_count_cpus() visits each in turn.
 */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include "fake_types.h"

#define FAKE_MAX_CPUS	8
#define FAKE_MAX_LEAVES	32
#define FAKE_MAX_MSRS	32

struct fake_leaf {
	u32 leaf;
	u32 subleaf;
	u32 regs[4];
};

struct fake_msr {
	u32 index;
	u64 value;
};

struct fake_cpu {
	struct fake_leaf leaves[FAKE_MAX_LEAVES];
	int nr_leaves;
	struct fake_msr msrs[FAKE_MAX_MSRS];	/* absent MSRs fault */
	int nr_msrs;
	unsigned long cr4;
};

extern struct fake_cpu fake_cpus[FAKE_MAX_CPUS];
extern int fake_nr_cpus;

void fake_reset(int nr_cpus);
/* Set on every CPU. */
void fake_set_leaf(u32 leaf, u32 eax, u32 ebx, u32 ecx, u32 edx);
void fake_set_subleaf(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx,
		      u32 edx);
void fake_set_msr(u32 index, u64 value);
/* Set on one CPU. */
void fake_set_msr_on(int cpu, u32 index, u64 value);
void fake_set_vendor(const char *vendor12);

/* Host memory bookkeeping, for leak and failure-injection tests. */
struct fake_mem {
	long blocks_live;	/* hxh_page_alloc blocks not yet freed */
	long pages_live;	/* 4 KiB pages in those blocks */
	long zallocs_live;	/* hxh_zalloc blocks not yet freed */
	long fail_after;	/* allocations (pages or zalloc) left; <0: never fail */
	bool fail_large;	/* order > 0 page allocations fail */
	long stop_after;	/* hxh_should_stop calls before it says stop */
	long locks_unbalanced;	/* relocked, or unlocked twice, or freed held */
};

extern struct fake_mem fake_mem;
void fake_mem_reset(void);

/*
 * The CPU the caller runs on (hxh_cpu_id(), hxh_guest_enter()); 0 after
 * fake_reset().  hxh_count_cpus() and hxh_on_each_cpu() visit every CPU
 * and come back to it.
 */
void fake_set_cpu(int cpu);

/*
 * Running guests.  There is no hardware behind hxh_svm_vmrun(): a test
 * that runs a vCPU supplies the "CPU" as @vmrun, which looks at the VMCB
 * and writes the next #VMEXIT into it (without one the fake aborts).
 * The rest only counts and records:
 * - hxh_guest_enter() saves this process's x87/SSE state with FXSAVE and
 *   hxh_guest_exit() puts it back with FXRSTOR (both unprivileged), as
 *   the real host does around the guest's own state;
 * - hxh_machine_check() only counts;
 * - hxh_vcpu_block_until() returns at once (0), or what @block returns;
 * - hxh_vcpu_timer_arm() records the deadline; hxh_evtchn_signal() and
 *   hxh_evtchn_put() count per context (an int the test owns);
 * - hxh_signal_pending() says no @signal_after times, then yes (like
 *   fake_mem.stop_after; <0: never);
 * - hxh_svm_vmrun_empty() records the VMCB and the CPU's EFER and
 *   VM_HSAVE_PA at the call; hxh_restore_host_debugregs() and
 *   hxh_branch_barrier() count.
 */
struct fake_run {
	void (*vmrun)(u64 vmcb_pa, u64 host_save_pa, u64 *gprs);
	int (*block)(void *host, bool (*ready)(void *arg), void *arg);
	long signal_after;
	long enters;		/* hxh_guest_enter calls */
	long exits;		/* hxh_guest_exit calls */
	bool in_guest;		/* between the two */
	long unbalanced;	/* enter inside enter, exit without enter */
	long vmruns;		/* hxh_svm_vmrun calls */
	long vmruns_outside;	/* ... not between enter and exit */
	long machine_checks;	/* hxh_machine_check calls */
	long blocks;		/* hxh_vcpu_block_until calls */
	void *block_host;	/* ... the last one's @host */
	u64 block_deadline;	/* ... and @deadline_ns */
	u64 timer_deadline;	/* the last hxh_vcpu_timer_arm() */
	long timer_arms;	/* hxh_vcpu_timer_arm calls */
	long kicks;		/* hxh_vcpu_kick calls */
	void *kick_host;	/* ... the last one's @host and @cpu */
	u32 kick_cpu;
	long signal_checks;	/* hxh_signal_pending calls */
	long rescheds;		/* hxh_cond_resched calls */
	long on_each_cpu;	/* hxh_on_each_cpu calls */
	long empty_runs;	/* hxh_svm_vmrun_empty calls */
	u64 empty_vmcb_pa;	/* ... the last one's VMCB */
	u64 empty_efer;		/* ... EFER and VM_HSAVE_PA then */
	u64 empty_hsave;
	long debugreg_restores;	/* hxh_restore_host_debugregs calls */
	long barriers;		/* hxh_branch_barrier calls */
};

/* hxh_cpu_switch_hooks() answers !fake_no_switch_hooks (default: yes). */
extern bool fake_no_switch_hooks;

extern struct fake_run fake_run;

/* What the time services answer. */
struct fake_time {
	u32 tsc_khz;
	bool stable;
	u64 now_ns;
	u64 real_ns;
};

extern struct fake_time fake_time;
void fake_run_reset(void);

#endif /* FAKE_HOST_H */
