/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels hxen supports.  Each one is
 * decided by a build-time probe (the files in conftest/, results in
 * compat_autoconf.h), not by the kernel version, because distributions
 * backport API changes.
 */
#ifndef HXEN_COMPAT_H
#define HXEN_COMPAT_H

#include <asm/msr.h>

#include "compat_autoconf.h"

/* rdmsrl_safe() became rdmsrq_safe() in Linux 6.16. */
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

#endif /* HXEN_COMPAT_H */
