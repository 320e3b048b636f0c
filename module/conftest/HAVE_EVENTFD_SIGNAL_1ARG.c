// SPDX-License-Identifier: GPL-2.0
/* Probe: eventfd_signal(ctx) (Linux 6.8 dropped the count argument). */
#include <linux/eventfd.h>

void hxen_conftest(struct eventfd_ctx *ctx);
void hxen_conftest(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
