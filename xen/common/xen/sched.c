// SPDX-License-Identifier: GPL-2.0
/*
 * sched_op: yield, and shutdown, which ends the run so that the device
 * model can power the VM off, reboot it or report a crash.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

long hx_xen_sched_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	struct sched_shutdown s;

	switch (a[0]) {
	case SCHEDOP_yield:
		return 0;
	case SCHEDOP_shutdown:
		if (hx_copy_from_guest(ctx, &s, a[1], sizeof(s)))
			return -HX_EFAULT;
		vcpu->exit.reason = HX_EXIT_XEN_SHUTDOWN;
		vcpu->exit.xen_shutdown.reason = s.reason;
		return 0;
	default:
		return -HX_ENOSYS;
	}
}
