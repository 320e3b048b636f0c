// SPDX-License-Identifier: GPL-2.0
/*
 * Host services for the hypervisor core (xen/include/hxen/host.h),
 * implemented with Linux kernel APIs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/mce.h>
#include <asm/tsc.h>
#include <asm/msr.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/special_insns.h>

#include "compat.h"
#include "hxen_port.h"
#include "hxen_types.h"
#include <hxen/host.h>

void hxh_cpuid(u32 leaf, u32 subleaf, u32 regs[4])
{
	cpuid_count(leaf, subleaf, &regs[0], &regs[1], &regs[2], &regs[3]);
}

int hxh_rdmsr_safe(u32 msr, u64 *val)
{
	return hxen_rdmsr_safe(msr, val);
}

int hxh_wrmsr_safe(u32 msr, u64 val)
{
	return hxen_wrmsr_safe(msr, val);
}

u32 hxh_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

u32 hxh_cpu_id(void)
{
	return smp_processor_id();
}

void hxh_on_each_cpu(void (*fn)(void *arg), void *arg)
{
	on_each_cpu(fn, arg, 1);
}

u32 hxh_guest_enter(void)
{
	/*
	 * kernel_fpu_begin() saves the task's FPU state and keeps this CPU
	 * (preemption off); the core then loads the guest's own state, so
	 * neither sees the other's.
	 */
	kernel_fpu_begin();
	local_irq_disable();
	/*
	 * Guest mode is a quiescent state for RCU, as user mode is: say so
	 * on every entry.  The host ticks that reach this thread all land in
	 * the preemption-off window around the guest, so without this a
	 * busy vCPU would stall RCU grace periods.
	 */
	rcu_note_context_switch(false);
	return smp_processor_id();
}

void hxh_guest_exit(void)
{
	/*
	 * #VMEXIT left DR7 with every breakpoint off (and DR0-DR3 may hold
	 * the guest's): put back the host's, e.g. a debugger's watchpoints.
	 */
	hxh_restore_host_debugregs();
	local_irq_enable();
	kernel_fpu_end();
}

void hxh_restore_host_debugregs(void)
{
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

void hxh_branch_barrier(void)
{
	if (boot_cpu_has(X86_FEATURE_IBPB))
		hxen_wrmsr_safe(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}

bool hxh_cpu_switch_hooks(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_NOTIFIERS);
}

void hxh_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	/*
	 * As if it had hit user mode with interrupts on: the error was the
	 * guest's, not in host kernel code, so no kernel-mode panic rules.
	 */
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

u32 hxh_tsc_khz(void)
{
	return tsc_khz;
}

bool hxh_tsc_stable(void)
{
	return boot_cpu_has(X86_FEATURE_CONSTANT_TSC) &&
	       boot_cpu_has(X86_FEATURE_NONSTOP_TSC);
}

u64 hxh_now_ns(void)
{
	return ktime_get_ns();
}

u64 hxh_realtime_ns(void)
{
	return ktime_get_real_ns();
}

bool hxh_signal_pending(void)
{
	return signal_pending(current);
}

void hxh_cond_resched(void)
{
	cond_resched();
}

void *hxh_pa_to_va(u64 pa)
{
	return __va(pa);
}

struct hxh_page *hxh_pa_to_page(u64 pa)
{
	return (struct hxh_page *)pfn_to_page(PHYS_PFN(pa));
}

unsigned long hxh_read_cr4(void)
{
	return __read_cr4();
}

struct count_cpus {
	bool (*pred)(void *arg);
	void *arg;
	atomic_t ran;
	atomic_t matched;
};

static void count_cpus_one(void *info)
{
	struct count_cpus *c = info;

	atomic_inc(&c->ran);
	if (c->pred && c->pred(c->arg))
		atomic_inc(&c->matched);
}

u32 hxh_count_cpus(bool (*pred)(void *arg), void *arg, u32 *nr_cpus)
{
	struct count_cpus c = { .pred = pred, .arg = arg };

	/* Hold off CPU hotplug so "every online CPU" is one fixed set. */
	cpus_read_lock();
	on_each_cpu(count_cpus_one, &c, 1);
	cpus_read_unlock();

	*nr_cpus = atomic_read(&c.ran);
	return atomic_read(&c.matched);
}

/* 4 KiB pages held by all VMs: read as /sys/module/hxen/parameters/pages. */
atomic64_t hxen_pages_held = ATOMIC64_INIT(0);

/*
 * struct hxh_page is never defined: the core's handle is the struct page
 * of the first page of a block, cast.
 */
static struct page *to_page(struct hxh_page *p)
{
	return (struct page *)p;
}

struct hxh_page *hxh_page_alloc(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO;
	struct page *page;

	/* Large blocks are a nicety (2 MiB nested mappings): don't insist. */
	if (order)
		gfp |= __GFP_NORETRY | __GFP_NOWARN;
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	/* Each 4 KiB page gets its own reference so it can be mmap'd. */
	if (order)
		split_page(page, order);
	atomic64_add(1L << order, &hxen_pages_held);
	return (struct hxh_page *)page;
}

void hxh_page_free(struct hxh_page *block, unsigned int order)
{
	struct page *page = to_page(block);
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		__free_page(nth_page(page, i));
	atomic64_sub(1L << order, &hxen_pages_held);
}

struct hxh_page *hxh_page_nth(struct hxh_page *block, unsigned long n)
{
	return (struct hxh_page *)nth_page(to_page(block), n);
}

u64 hxh_page_to_pa(struct hxh_page *page)
{
	return page_to_phys(to_page(page));
}

void *hxh_page_to_va(struct hxh_page *page)
{
	return page_address(to_page(page));
}

void *hxh_mutex_create(void)
{
	struct mutex *m = kmalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);

	if (m)
		mutex_init(m);
	return m;
}

void hxh_mutex_destroy(void *m)
{
	if (m)
		mutex_destroy(m);
	kfree(m);
}

void hxh_mutex_lock(void *m)
{
	mutex_lock(m);
}

void hxh_mutex_unlock(void *m)
{
	mutex_unlock(m);
}

void *hxh_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

void hxh_free(void *ptr)
{
	kvfree(ptr);
}

bool hxh_should_stop(void)
{
	cond_resched();
	return fatal_signal_pending(current);
}

void hxh_log(int level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case HXH_LOG_ERR:
		pr_err("%pV\n", &vaf);
		break;
	case HXH_LOG_WARN:
		pr_warn("%pV\n", &vaf);
		break;
	case HXH_LOG_INFO:
		pr_info("%pV\n", &vaf);
		break;
	default:
		pr_debug("%pV\n", &vaf);
		break;
	}
	va_end(args);
}
