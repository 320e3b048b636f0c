// SPDX-License-Identifier: GPL-2.0
/*
 * Xen timers: each vCPU has a single-shot timer (VCPUOP_set_singleshot_
 * timer, or set_timer_op) and a periodic one (VCPUOP_set_periodic_timer);
 * either raises the vCPU's VIRQ_TIMER.  Deadlines are in guest system
 * time, the pvclock's nanoseconds since the VM's Xen ABI came on.  The
 * host's per-vCPU timer wakes the vCPU; its own thread then raises the
 * VIRQ (evtchn state is under a sleeping lock).  Only a vCPU's own timers
 * may be set, as in Xen, so no lock guards them.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

#define VIRQ_TIMER_NR		0
/* Xen's floor for the periodic timer. */
#define PERIOD_MIN_NS		1000000ULL

static u64 host_time(const struct hx_vcpu *vcpu, u64 guest_ns)
{
	return vcpu->vm->xen.boot_ns + guest_ns;
}

/* Tell the host the earliest of the two deadlines. */
static void timer_rearm(struct hx_vcpu *vcpu)
{
	u64 next = vcpu->xen_oneshot;

	if (vcpu->xen_period && (!next || vcpu->xen_period_next < next))
		next = vcpu->xen_period_next;
	hxh_vcpu_timer_arm(vcpu->host, next);
}

void hx_xen_timer_service(struct hx_vcpu *vcpu)
{
	bool fire = false;
	u64 now;

	if (!__atomic_exchange_n(&vcpu->timer_due, 0, __ATOMIC_ACQ_REL))
		return;
	now = hxh_now_ns();
	if (vcpu->xen_oneshot && vcpu->xen_oneshot <= now) {
		vcpu->xen_oneshot = 0;
		fire = true;
	}
	if (vcpu->xen_period && vcpu->xen_period_next <= now) {
		vcpu->xen_period_next += vcpu->xen_period;
		/* Ticks missed while the host was busy are dropped. */
		if (vcpu->xen_period_next <= now)
			vcpu->xen_period_next = now + vcpu->xen_period;
		fire = true;
	}
	if (fire)
		hx_xen_virq_raise(vcpu, VIRQ_TIMER_NR);
	timer_rearm(vcpu);
}

/* A single-shot deadline of @guest_ns (0: stop); @future: -ETIME if past. */
static long set_oneshot(struct hx_vcpu *vcpu, u64 guest_ns, bool future)
{
	u64 deadline;

	if (!guest_ns) {
		vcpu->xen_oneshot = 0;
		timer_rearm(vcpu);
		return 0;
	}
	deadline = host_time(vcpu, guest_ns);
	if (deadline < vcpu->vm->xen.boot_ns)		/* wrapped */
		deadline = ~0ULL;
	if (future && deadline <= hxh_now_ns())
		return -HX_ETIME;
	/* A deadline already past fires at once. */
	vcpu->xen_oneshot = deadline ? deadline : 1;
	timer_rearm(vcpu);
	return 0;
}

/* 32-bit guests pass the 64-bit deadline in two halves (EBX, ECX). */
long hx_xen_set_timer_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	u64 t = ctx->cs_bits == 64 ? a[0] : a[0] | a[1] << 32;

	return set_oneshot(ctx->vcpu, t, false);
}

long hx_xen_vcpu_timer_op(struct hx_emul_ctx *ctx, u32 cmd, u32 id, u64 arg)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	struct vcpu_set_singleshot_timer ss;
	struct vcpu_set_periodic_timer pt;

	if (id != vcpu->id) {
		/* Timers of other vCPUs start and stay off here. */
		return cmd == VCPUOP_stop_periodic_timer ||
		       cmd == VCPUOP_stop_singleshot_timer ? 0 : -HX_EINVAL;
	}
	switch (cmd) {
	case VCPUOP_set_singleshot_timer:
		if (hx_copy_from_guest(ctx, &ss, arg, sizeof(ss)))
			return -HX_EFAULT;
		if (ss.flags & ~VCPU_SSHOTTMR_future)
			return -HX_EINVAL;
		return set_oneshot(vcpu, ss.timeout_abs_ns,
				   ss.flags & VCPU_SSHOTTMR_future);
	case VCPUOP_stop_singleshot_timer:
		return set_oneshot(vcpu, 0, false);
	case VCPUOP_set_periodic_timer:
		if (hx_copy_from_guest(ctx, &pt, arg, sizeof(pt)))
			return -HX_EFAULT;
		if (pt.period_ns < PERIOD_MIN_NS || pt.period_ns >> 62)
			return -HX_EINVAL;
		vcpu->xen_period = pt.period_ns;
		vcpu->xen_period_next = hxh_now_ns() + pt.period_ns;
		timer_rearm(vcpu);
		return 0;
	default:			/* VCPUOP_stop_periodic_timer */
		vcpu->xen_period = 0;
		timer_rearm(vcpu);
		return 0;
	}
}
