// SPDX-License-Identifier: GPL-2.0
/*
 * sched_op: yield; block (sleep until an event is due for this vCPU);
 * poll (sleep until one of a few ports is pending, or a timeout); and
 * shutdown, which ends the run so that the device model can power the VM
 * off, reboot it or report a crash.  A signal for the vCPU's thread ends
 * a sleep early, which the guest sees as a spurious wake-up.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

/* Xen's limit on the ports of one poll. */
#define POLL_MAX_PORTS		128

struct poll_set {
	struct hx_vm *vm;
	u32 nr;
	u32 ports[POLL_MAX_PORTS];
};

static bool poll_ready(void *arg)
{
	struct poll_set *p = arg;
	u32 i;

	for (i = 0; i < p->nr; i++)
		if (hx_xen_port_pending(p->vm, p->ports[i]))
			return true;
	return false;
}

static long sched_poll(struct hx_emul_ctx *ctx, u64 arg)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	struct poll_set *p;
	struct sched_poll sp;
	u64 list, deadline = 0;
	long ret = 0;

	if (hx_copy_from_guest(ctx, &sp, arg, sizeof(sp)))
		return -HX_EFAULT;
	if (sp.nr_ports > POLL_MAX_PORTS)
		return -HX_EINVAL;
	p = hxh_zalloc(sizeof(*p));
	if (!p)
		return -HX_ENOMEM;
	p->vm = vcpu->vm;
	p->nr = sp.nr_ports;
	__builtin_memcpy(&list, &sp.ports, sizeof(list));
	if (hx_copy_from_guest(ctx, p->ports, list, p->nr * sizeof(u32))) {
		ret = -HX_EFAULT;
		goto out;
	}
	if (poll_ready(p))
		goto out;
	if (sp.timeout) {
		deadline = vcpu->vm->xen.boot_ns + sp.timeout;
		if (deadline < sp.timeout || deadline <= hxh_now_ns())
			goto out;
	}
	__atomic_store_n(&vcpu->xen_polling, 1, __ATOMIC_SEQ_CST);
	/* A port raised before the flag was seen is caught here. */
	if (!poll_ready(p))
		hx_vcpu_wait(vcpu, poll_ready, p, deadline);
	__atomic_store_n(&vcpu->xen_polling, 0, __ATOMIC_SEQ_CST);
out:
	hxh_free(p);
	return ret;
}

long hx_xen_sched_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	struct sched_shutdown s;

	switch (a[0]) {
	case SCHEDOP_yield:
		return 0;
	case SCHEDOP_block:
		/* As HLT: until an event is due, which the timer can make. */
		hx_vcpu_wait(vcpu, NULL, NULL, 0);
		return 0;
	case SCHEDOP_poll:
		return sched_poll(ctx, a[1]);
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
