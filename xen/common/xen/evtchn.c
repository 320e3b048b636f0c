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
 * Ports here: IPIs (bind_ipi), VIRQs (bind_virq), and ports for the
 * device model: the guest allocates them unbound for domain 0 (or the
 * device model makes one), then the device model binds its end (an
 * eventfd in the Linux port) with hx_xen_evtchn_bind_host(); a guest
 * send on such a port signals that end at once.  A port raised while a
 * vCPU polls it (SCHEDOP_poll) wakes that vCPU even when it is masked.  Layouts (xen/include/public/xen.h):
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
enum { PORT_FREE, PORT_UNBOUND, PORT_VIRQ, PORT_IPI, PORT_HOST };

/* EVTCHNSTAT_* of struct evtchn_status, by state. */
static const u32 port_status[] = {
	[PORT_FREE] = EVTCHNSTAT_closed,
	[PORT_UNBOUND] = EVTCHNSTAT_unbound,
	[PORT_VIRQ] = EVTCHNSTAT_virq,
	[PORT_IPI] = EVTCHNSTAT_ipi,
	[PORT_HOST] = EVTCHNSTAT_interdomain,
};

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

/*
 * Mark @port's word and the upcall on vCPU @id; wake it if needed.
 * Return: the vCPU that was kicked, or HX_XEN_MAX_VCPUS.
 */
static u32 notify_vcpu(struct hx_vm *vm, u32 id, u32 port)
{
	u8 *vi = hx_xen_vcpu_info(vm, id);
	struct hx_vcpu *target;

	if (!vi || test_and_set((u64 *)(vi + VI_PENDING_SEL), port / 64))
		return HX_XEN_MAX_VCPUS;
	__atomic_store_n(vi + VI_UPCALL_PENDING, 1, __ATOMIC_SEQ_CST);
	target = __atomic_load_n(&vm->xen.vcpus[id], __ATOMIC_ACQUIRE);
	if (!target)
		return HX_XEN_MAX_VCPUS;
	hxh_vcpu_kick(target->host,
		      __atomic_load_n(&target->running_cpu, __ATOMIC_SEQ_CST));
	return id;
}

/*
 * Wake every vCPU in SCHEDOP_poll (but @kicked, already woken): it may
 * poll this port, masked or bound to another vCPU.  Under the lock.
 */
static void wake_pollers(struct hx_vm *vm, u32 kicked)
{
	struct hx_vcpu *v;
	u32 i;

	for (i = 0; i < HX_XEN_MAX_VCPUS; i++) {
		v = vm->xen.vcpus[i];
		if (v && i != kicked &&
		    __atomic_load_n(&v->xen_polling, __ATOMIC_ACQUIRE))
			hxh_vcpu_kick(v->host, HX_NOT_RUNNING);
	}
}

/* Called with the lock held (the port's binding must not change). */
static void raise_locked(struct hx_vm *vm, u32 port)
{
	u32 kicked = HX_XEN_MAX_VCPUS;

	if (test_and_set(port_word(vm, SHARED_PENDING, port), port % 64))
		return;
	if (!(*port_word(vm, SHARED_MASK, port) & (1ULL << (port % 64))))
		kicked = notify_vcpu(vm, vm->xen.evtchn[port].vcpu, port);
	wake_pollers(vm, kicked);
}

bool hx_xen_port_pending(struct hx_vm *vm, u32 port)
{
	if (!port || port >= HX_XEN_EVTCHN_PORTS)
		return false;
	return __atomic_load_n(port_word(vm, SHARED_PENDING, port),
			       __ATOMIC_ACQUIRE) & (1ULL << (port % 64));
}

void hx_xen_virq_raise(struct hx_vcpu *vcpu, u32 virq)
{
	struct hx_xen *x = &vcpu->vm->xen;
	u32 port;

	if (!x->enabled || vcpu->id >= HX_XEN_MAX_VCPUS ||
	    virq >= HX_XEN_NR_VIRQS)
		return;
	hxh_mutex_lock(x->lock);
	port = x->virq_port[vcpu->id][virq];
	if (port)
		raise_locked(vcpu->vm, port);
	hxh_mutex_unlock(x->lock);
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

/* The device model's end of @port, or NULL (under the lock). */
static void **host_end(struct hx_xen *x, u32 port)
{
	u32 i;

	for (i = 0; i < HX_XEN_HOST_PORTS; i++)
		if (x->host_ports[i].ctx && x->host_ports[i].port == port)
			return &x->host_ports[i].ctx;
	return NULL;
}

/* The port is closed or unbound: let go of the device model's end. */
static void drop_host_end(struct hx_xen *x, u32 port)
{
	void **end = host_end(x, port);

	if (end) {
		hxh_evtchn_put(*end);
		*end = NULL;
	}
}

int hx_xen_evtchn_bind_host(struct hx_vm *vm, u32 *port, void *ctx)
{
	struct hx_xen *x = &vm->xen;
	struct hx_evtchn *ch;
	u32 slot;
	int err = 0;

	if (!x->enabled || *port >= HX_XEN_EVTCHN_PORTS)
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	if (!ctx) {
		ch = &x->evtchn[*port];
		if (!*port || ch->state != PORT_HOST) {
			err = -HX_EINVAL;
		} else {
			drop_host_end(x, *port);
			ch->state = PORT_UNBOUND;
		}
		goto out;
	}
	for (slot = 0; slot < HX_XEN_HOST_PORTS; slot++)
		if (!x->host_ports[slot].ctx)
			break;
	if (slot == HX_XEN_HOST_PORTS) {
		err = -HX_ENOSPC;
		goto out;
	}
	if (!*port) {
		*port = alloc_port(x, PORT_UNBOUND, 0, 0);
		if (!*port) {
			err = -HX_ENOSPC;
			goto out;
		}
	}
	ch = &x->evtchn[*port];
	if (ch->state == PORT_HOST) {
		err = -HX_EBUSY;
	} else if (ch->state != PORT_UNBOUND) {
		err = -HX_EINVAL;
	} else {
		ch->state = PORT_HOST;
		x->host_ports[slot].port = (u16)*port;
		x->host_ports[slot].ctx = ctx;
	}
out:
	hxh_mutex_unlock(x->lock);
	return err;
}

/* The VM goes: let go of every device-model end. */
void hx_xen_evtchn_free(struct hx_xen *x)
{
	u32 i;

	for (i = 0; i < HX_XEN_HOST_PORTS; i++) {
		if (x->host_ports[i].ctx)
			hxh_evtchn_put(x->host_ports[i].ctx);
		x->host_ports[i].ctx = NULL;
	}
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
		if (ch->state == PORT_HOST)
			drop_host_end(x, a.port);
		ch->state = PORT_FREE;
		break;
	case EVTCHNOP_send:
		if (ch->state == PORT_IPI)
			raise_locked(vm, a.port);
		else if (ch->state == PORT_HOST)
			hxh_evtchn_signal(*host_end(x, a.port));
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
		else if (ch->state == PORT_IPI || ch->state == PORT_VIRQ)
			ret = -HX_EINVAL;	/* per-vCPU, as in Xen */
		else
			ch->vcpu = (u8)a.vcpu;
		break;
	}
out:
	hxh_mutex_unlock(x->lock);
	return ret;
}

static long status(struct hx_emul_ctx *ctx, u64 arg)
{
	struct hx_xen *x = &ctx->vcpu->vm->xen;
	struct evtchn_status st;
	struct hx_evtchn ch;

	if (hx_copy_from_guest(ctx, &st, arg, sizeof(st)))
		return -HX_EFAULT;
	if (st.dom != DOMID_SELF && st.dom != x->domid)
		return -HX_ESRCH;
	if (st.port >= HX_XEN_EVTCHN_PORTS)
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	ch = x->evtchn[st.port];
	hxh_mutex_unlock(x->lock);
	st.status = st.port ? port_status[ch.state] : EVTCHNSTAT_closed;
	st.vcpu = ch.vcpu;
	__builtin_memset(&st.u, 0, sizeof(st.u));
	if (ch.state == PORT_UNBOUND)
		st.u.unbound.dom = 0;
	else if (ch.state == PORT_VIRQ)
		st.u.virq = ch.virq;
	else if (ch.state == PORT_HOST)
		st.u.interdomain.dom = 0;
	return hx_copy_to_guest(ctx, arg, &st, sizeof(st)) ? -HX_EFAULT : 0;
}

long hx_xen_event_channel_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	switch (a[0]) {
	case EVTCHNOP_status:
		return status(ctx, a[1]);
	case EVTCHNOP_bind_interdomain:
		/* Domain 0's ports are the device model's: it binds them. */
		return -HX_EPERM;
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
