// SPDX-License-Identifier: GPL-2.0
/*
 * Host services for the hypervisor core (xen/include/hxen/host.h),
 * implemented with Linux kernel APIs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>

#include "compat.h"
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
