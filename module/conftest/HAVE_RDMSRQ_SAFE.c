// SPDX-License-Identifier: GPL-2.0
/* Probe: rdmsrq_safe() (Linux 6.16 renamed rdmsrl_safe). */
#include <linux/types.h>
#include <asm/msr.h>

int hxen_conftest(void);
int hxen_conftest(void)
{
	u64 v;

	return rdmsrq_safe(0x10, &v);
}
