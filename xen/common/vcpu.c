// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU lifetime and the run loop shared by every backend.
 */
#include <hxen/arch.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>

struct hx_vcpu *hx_vcpu_create(struct hx_vm *vm, u32 id)
{
	struct hx_vcpu *vcpu = hx_arch->vcpu_alloc(vm);

	if (!vcpu)
		return NULL;
	if (hx_fpu_init(&vcpu->fpu)) {
		hx_arch->vcpu_free(vcpu);
		return NULL;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->running_cpu = HX_NOT_RUNNING;
	hx_apic_init(vcpu);
	hx_xen_vcpu_attach(vcpu);
	return vcpu;
}

void hx_vcpu_destroy(struct hx_vcpu *vcpu)
{
	if (!vcpu)
		return;
	hx_xen_vcpu_detach(vcpu);
	hx_fpu_free(&vcpu->fpu);
	hx_arch->vcpu_free(vcpu);
}

int hx_vcpu_io_exit(struct hx_vcpu *vcpu, u16 port, u8 size, bool in)
{
	u32 i;

	if (!vcpu->io_data || vcpu->io_data_size < size)
		return -1;
	vcpu->exit.reason = HX_EXIT_IO;
	vcpu->exit.io.port = port;
	vcpu->exit.io.size = size;
	vcpu->exit.io.in = in;
	vcpu->exit.io.count = 1;
	if (in)
		vcpu->io_in_pending = true;
	else
		for (i = 0; i < size; i++)
			vcpu->io_data[i] = (u8)(vcpu->gprs[HX_RAX] >> (8 * i));
	vcpu->stats.io++;
	return 0;
}

/* The number in RAX, the arguments as Linux passes syscall arguments. */
void hx_vcpu_hypercall_exit(struct hx_vcpu *vcpu)
{
	const u64 *g = vcpu->gprs;

	vcpu->stats.hypercalls++;
	vcpu->exit.reason = HX_EXIT_HYPERCALL;
	vcpu->exit.hypercall.nr = g[HX_RAX];
	vcpu->exit.hypercall.args[0] = g[HX_RDI];
	vcpu->exit.hypercall.args[1] = g[HX_RSI];
	vcpu->exit.hypercall.args[2] = g[HX_RDX];
	vcpu->exit.hypercall.args[3] = g[HX_R10];
	vcpu->exit.hypercall.args[4] = g[HX_R8];
	vcpu->exit.hypercall.args[5] = g[HX_R9];
}

void hx_vcpu_set_io_buffer(struct hx_vcpu *vcpu, u8 *data, u32 size)
{
	vcpu->io_data = data;
	vcpu->io_data_size = size;
}

int hx_vcpu_run(struct hx_vcpu *vcpu)
{
	int ret;

	if (vcpu->dead)
		return -HX_EIO;
	/* Finish what the host answered; it may need the host again. */
	if (hx_emulate_complete(vcpu) == HX_EMUL_EXIT) {
		vcpu->stats.user++;
		return 0;
	}

	vcpu->exit.reason = HX_EXIT_NONE;
	for (;;) {
		if (hxh_signal_pending()) {
			vcpu->exit.reason = HX_EXIT_INTR;
			ret = -HX_EINTR;
			break;
		}
		hxh_cond_resched();
		hx_xen_refresh_time(vcpu);
		hx_xen_timer_service(vcpu);
		if (!hx_apic_ready_to_run(vcpu))
			continue;	/* still waiting for a SIPI */
		hxh_vcpu_timer_follow(vcpu->host);
		ret = hx_arch->vcpu_enter(vcpu);
		if (ret <= 0)
			break;
	}
	vcpu->stats.user++;
	return ret;
}

void hx_vcpu_timer_fired(struct hx_vcpu *vcpu)
{
	__atomic_store_n(&vcpu->timer_due, 1, __ATOMIC_SEQ_CST);
	hxh_vcpu_kick(vcpu->host,
		      __atomic_load_n(&vcpu->running_cpu, __ATOMIC_SEQ_CST));
}

struct hx_wait {
	struct hx_vcpu *vcpu;
	bool (*ready)(void *arg);
	void *arg;
};

static bool hx_wait_done(void *arg)
{
	struct hx_wait *w = arg;

	if (__atomic_load_n(&w->vcpu->timer_due, __ATOMIC_ACQUIRE) ||
	    hx_arch->vcpu_has_event(w->vcpu))
		return true;
	return w->ready && w->ready(w->arg);
}

void hx_vcpu_wait(struct hx_vcpu *vcpu, bool (*ready)(void *arg), void *arg,
		  u64 deadline_ns)
{
	struct hx_wait w = { vcpu, ready, arg };

	hxh_vcpu_block_until(vcpu->host, hx_wait_done, &w, deadline_ns);
}

int hx_vcpu_inject(struct hx_vcpu *vcpu, bool nmi, u8 vector)
{
	u32 event = nmi ? HX_EVENT_NMI : HX_EVENT_IRQ;
	u32 old = hx_vcpu_events(vcpu), new;

	/* The kind and its vector are published together. */
	do {
		if (old & event)
			return -HX_EBUSY;
		new = old | event;
		if (!nmi)
			new |= (u32)vector << HX_EVENT_VECTOR_SHIFT;
	} while (!__atomic_compare_exchange_n(&vcpu->events, &old, new, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_ACQUIRE));
	hxh_vcpu_kick(vcpu->host,
		      __atomic_load_n(&vcpu->running_cpu, __ATOMIC_SEQ_CST));
	return 0;
}

void hx_vcpu_get_state(struct hx_vcpu *vcpu, struct hx_state *st)
{
	hx_arch->get_state(vcpu, st);
}

void hx_vcpu_set_state(struct hx_vcpu *vcpu, const struct hx_state *st)
{
	hx_arch->set_state(vcpu, st);
}

int hx_vcpu_get_msr(struct hx_vcpu *vcpu, u32 msr, u64 *val)
{
	return hx_arch->get_msr(vcpu, msr, val);
}

int hx_vcpu_set_msr(struct hx_vcpu *vcpu, u32 msr, u64 val)
{
	return hx_arch->set_msr(vcpu, msr, val);
}
