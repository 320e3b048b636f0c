// SPDX-License-Identifier: GPL-2.0
/*
 * Event channels, 2-level ABI (xen/common/event_2l.c describes the
 * rules): 4096 ports whose pending and mask bits live in shared_info;
 * raising a port sets its pending bit and, unless it is masked, its
 * word's bit in the target vCPU's evtchn_pending_sel and the vCPU's
 * evtchn_upcall_pending, and wakes the vCPU.  The upcall itself is the
 * callback vector (HVM_PARAM_CALLBACK_IRQ type 2), injected for as long
 * as evtchn_upcall_pending stays set.
 *
 * Ports here: IPIs (bind_ipi), VIRQs (bind_virq) and unbound ports for
 * the device model (alloc_unbound).  Layouts (xen/include/public/xen.h):
 * shared_info evtchn_pending[64] at 2048, evtchn_mask[64] at 2560;
 * vcpu_info evtchn_upcall_pending at 0, evtchn_pending_sel at 8.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

#define SHARED_PENDING		2048
#define SHARED_MASK		2560
#define VI_UPCALL_PENDING	0
#define VI_PENDING_SEL		8
#define CALLBACK_TYPE_VECTOR	2ULL

/* struct hx_evtchn.state */
enum { PORT_FREE, PORT_UNBOUND, PORT_VIRQ, PORT_IPI };

static u64 *port_word(struct hx_vm *vm, u32 off, u32 port)
{
	return (u64 *)((u8 *)hxh_page_to_va(vm->xen.shared_info) + off) +
	       port / 64;
}

static bool test_and_set(u64 *word, u32 bit)
{
	u64 m = 1ULL << bit;

	return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

/* Mark @port's word and the upcall on vCPU @id; wake it if needed. */
static void notify_vcpu(struct hx_vm *vm, u32 id, u32 port)
{
	u8 *vi = hx_xen_vcpu_info(vm, id);
	struct hx_vcpu *target;

	if (!vi || test_and_set((u64 *)(vi + VI_PENDING_SEL), port / 64))
		return;
	__atomic_store_n(vi + VI_UPCALL_PENDING, 1, __ATOMIC_SEQ_CST);
	target = __atomic_load_n(&vm->xen.vcpus[id], __ATOMIC_ACQUIRE);
	if (target)
		hxh_vcpu_kick(target->host,
			      __atomic_load_n(&target->running_cpu,
					      __ATOMIC_SEQ_CST));
}

/* Called with the lock held (the port's binding must not change). */
static void raise_locked(struct hx_vm *vm, u32 port)
{
	if (test_and_set(port_word(vm, SHARED_PENDING, port), port % 64))
		return;
	if (*port_word(vm, SHARED_MASK, port) & (1ULL << (port % 64)))
		return;
	notify_vcpu(vm, vm->xen.evtchn[port].vcpu, port);
}

int hx_xen_evtchn_raise(struct hx_vm *vm, u32 port)
{
	struct hx_xen *x = &vm->xen;
	int err = 0;

	if (!x->enabled || !port || port >= HX_XEN_EVTCHN_PORTS)
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	if (x->evtchn[port].state == PORT_FREE)
		err = -HX_EINVAL;
	else
		raise_locked(vm, port);
	hxh_mutex_unlock(x->lock);
	return err;
}

bool hx_xen_upcall(struct hx_vcpu *vcpu, u8 *vector)
{
	struct hx_xen *x = &vcpu->vm->xen;
	u64 cb;
	u8 *vi;

	if (!x->enabled)
		return false;
	cb = __atomic_load_n(&x->params[HVM_PARAM_CALLBACK_IRQ],
			     __ATOMIC_ACQUIRE);
	if (cb >> 56 != CALLBACK_TYPE_VECTOR || (u8)cb < 16)
		return false;
	vi = hx_xen_vcpu_info(vcpu->vm, vcpu->id);
	if (!vi || !__atomic_load_n(vi + VI_UPCALL_PENDING, __ATOMIC_ACQUIRE))
		return false;
	*vector = (u8)cb;
	return true;
}

/* The lowest free port, bound as @state for vCPU @vcpu; 0 if none. */
static u32 alloc_port(struct hx_xen *x, u8 state, u32 vcpu, u32 virq)
{
	u32 p;

	for (p = 1; p < HX_XEN_EVTCHN_PORTS; p++) {
		if (x->evtchn[p].state == PORT_FREE) {
			x->evtchn[p].state = state;
			x->evtchn[p].vcpu = (u8)vcpu;
			x->evtchn[p].virq = (u8)virq;
			return p;
		}
	}
	return 0;
}

static long bind(struct hx_emul_ctx *ctx, u64 cmd, u64 arg)
{
	struct hx_vm *vm = ctx->vcpu->vm;
	struct hx_xen *x = &vm->xen;
	union {
		struct evtchn_alloc_unbound au;
		struct evtchn_bind_virq bv;
		struct evtchn_bind_ipi bi;
	} u;
	u32 size, *port, vcpu = 0, virq = 0;
	u8 state;
	long ret = 0;

	if (cmd == EVTCHNOP_alloc_unbound) {
		size = sizeof(u.au);
		port = &u.au.port;
	} else if (cmd == EVTCHNOP_bind_virq) {
		size = sizeof(u.bv);
		port = &u.bv.port;
	} else {
		size = sizeof(u.bi);
		port = &u.bi.port;
	}
	if (hx_copy_from_guest(ctx, &u, arg, size))
		return -HX_EFAULT;
	if (cmd == EVTCHNOP_alloc_unbound) {
		if ((u.au.dom != DOMID_SELF && u.au.dom != x->domid) ||
		    (u.au.remote_dom != 0 && u.au.remote_dom != DOMID_SELF &&
		     u.au.remote_dom != x->domid))
			return -HX_EPERM;
		state = PORT_UNBOUND;
		vcpu = 0;
	} else if (cmd == EVTCHNOP_bind_virq) {
		if (u.bv.virq >= HX_XEN_NR_VIRQS)
			return -HX_EINVAL;
		if (u.bv.vcpu >= HX_XEN_MAX_VCPUS)
			return -HX_ENOENT;
		state = PORT_VIRQ;
		vcpu = u.bv.vcpu;
		virq = u.bv.virq;
	} else {
		if (u.bi.vcpu >= HX_XEN_MAX_VCPUS)
			return -HX_ENOENT;
		state = PORT_IPI;
		vcpu = u.bi.vcpu;
	}
	hxh_mutex_lock(x->lock);
	if (state == PORT_VIRQ && x->virq_port[vcpu][virq]) {
		ret = -HX_EEXIST;
	} else {
		*port = alloc_port(x, state, vcpu, virq);
		if (!*port)
			ret = -HX_ENOSPC;
		else if (state == PORT_VIRQ)
			x->virq_port[vcpu][virq] = (u16)*port;
	}
	hxh_mutex_unlock(x->lock);
	if (!ret && hx_copy_to_guest(ctx, arg, &u, size))
		ret = -HX_EFAULT;
	return ret;
}

/* close, send, unmask and bind_vcpu: one port from the guest. */
static long port_op(struct hx_emul_ctx *ctx, u64 cmd, u64 arg)
{
	struct hx_vm *vm = ctx->vcpu->vm;
	struct hx_xen *x = &vm->xen;
	struct evtchn_bind_vcpu a = { 0, 0 };
	struct hx_evtchn *ch;
	u64 *mask;
	long ret = 0;

	if (hx_copy_from_guest(ctx, &a, arg, cmd == EVTCHNOP_bind_vcpu ?
			       sizeof(a) : sizeof(a.port)))
		return -HX_EFAULT;
	if (!a.port || a.port >= HX_XEN_EVTCHN_PORTS)
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	ch = &x->evtchn[a.port];
	if (ch->state == PORT_FREE) {
		ret = -HX_EINVAL;
		goto out;
	}
	switch (cmd) {
	case EVTCHNOP_close:
		if (ch->state == PORT_VIRQ)
			x->virq_port[ch->vcpu][ch->virq] = 0;
		ch->state = PORT_FREE;
		break;
	case EVTCHNOP_send:
		if (ch->state == PORT_IPI)
			raise_locked(vm, a.port);
		else if (ch->state == PORT_UNBOUND)
			x->host_sends++;	/* nobody bound yet */
		else
			ret = -HX_EINVAL;
		break;
	case EVTCHNOP_unmask:
		mask = port_word(vm, SHARED_MASK, a.port);
		__atomic_fetch_and(mask, ~(1ULL << (a.port % 64)),
				   __ATOMIC_SEQ_CST);
		if (*port_word(vm, SHARED_PENDING, a.port) &
		    (1ULL << (a.port % 64)))
			notify_vcpu(vm, ch->vcpu, a.port);
		break;
	default:			/* EVTCHNOP_bind_vcpu */
		if (a.vcpu >= HX_XEN_MAX_VCPUS)
			ret = -HX_ENOENT;
		else if (ch->state == PORT_IPI)
			ret = -HX_EINVAL;
		else
			ch->vcpu = (u8)a.vcpu;
		break;
	}
out:
	hxh_mutex_unlock(x->lock);
	return ret;
}

long hx_xen_event_channel_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	switch (a[0]) {
	case EVTCHNOP_alloc_unbound:
	case EVTCHNOP_bind_virq:
	case EVTCHNOP_bind_ipi:
		return bind(ctx, a[0], a[1]);
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
	case EVTCHNOP_bind_vcpu:
		return port_op(ctx, a[0], a[1]);
	default:
		/* FIFO (init_control) among them: the guest uses 2-level. */
		return -HX_ENOSYS;
	}
}
