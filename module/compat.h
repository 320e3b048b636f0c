/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels hxen supports.  Each one is
 * decided by a build-time probe (the files in conftest/, results in
 * compat_autoconf.h), not by the kernel version, because distributions
 * backport API changes.
 */
#ifndef HXEN_COMPAT_H
#define HXEN_COMPAT_H

#include <linux/eventfd.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <asm/msr.h>

#include "compat_autoconf.h"

/* rdmsrl_safe()/wrmsrl_safe() became rdmsrq_safe()/wrmsrq_safe() in 6.16. */
static inline int hxen_rdmsr_safe(u32 msr, u64 *val)
{
#ifdef HAVE_RDMSRQ_SAFE
	return rdmsrq_safe(msr, val);
#else
	unsigned long long v;
	int err = rdmsrl_safe(msr, &v);

	*val = v;
	return err;
#endif
}

/* vma->vm_flags became read-only in Linux 6.3: use vm_flags_set(). */
static inline void hxen_vma_flags_set(struct vm_area_struct *vma,
				      unsigned long flags)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline int hxen_wrmsr_safe(u32 msr, u64 val)
{
#ifdef HAVE_RDMSRQ_SAFE
	return wrmsrq_safe(msr, val);
#else
	return wrmsrl_safe(msr, val);
#endif
}

/* eventfd_signal() lost its count argument in 6.8. */
static inline void hxen_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef HAVE_EVENTFD_SIGNAL_1ARG
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* hrtimer_setup() replaced hrtimer_init() plus the function in 6.13. */
static inline void hxen_hrtimer_setup(struct hrtimer *t,
				      enum hrtimer_restart (*fn)(struct hrtimer *),
				      clockid_t clock, enum hrtimer_mode mode)
{
#ifdef HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

#endif /* HXEN_COMPAT_H */
