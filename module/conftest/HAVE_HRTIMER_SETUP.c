// SPDX-License-Identifier: GPL-2.0
/* Probe: hrtimer_setup() (Linux 6.13 replaced hrtimer_init() with it). */
#include <linux/hrtimer.h>

static enum hrtimer_restart hxen_conftest_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void hxen_conftest(struct hrtimer *t);
void hxen_conftest(struct hrtimer *t)
{
	hrtimer_setup(t, hxen_conftest_fn, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
}
