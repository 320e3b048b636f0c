// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU lifetime and the run loop shared by every backend.
 */
#include <hxen/arch.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

struct hx_vcpu *hx_vcpu_create(struct hx_vm *vm, u32 id)
{
	struct hx_vcpu *vcpu = hx_arch->vcpu_alloc(vm);

	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->running_cpu = HX_NOT_RUNNING;
	return vcpu;
}

void hx_vcpu_destroy(struct hx_vcpu *vcpu)
{
	if (vcpu)
		hx_arch->vcpu_free(vcpu);
}

void hx_vcpu_set_io_buffer(struct hx_vcpu *vcpu, u8 *data, u32 size)
{
	vcpu->io_data = data;
	vcpu->io_data_size = size;
}

/* An IN went to the host last time: put its data into rax now. */
static void complete_io_in(struct hx_vcpu *vcpu)
{
	u64 val = 0, mask;
	u32 i;

	for (i = 0; i < vcpu->exit.io.size; i++)
		val |= (u64)vcpu->io_data[i] << (8 * i);
	/* 8- and 16-bit INs keep the rest of rax; 32-bit ones zero it. */
	if (vcpu->exit.io.size == 4) {
		vcpu->gprs[HX_RAX] = val;
	} else {
		mask = (1ULL << (8 * vcpu->exit.io.size)) - 1;
		vcpu->gprs[HX_RAX] = (vcpu->gprs[HX_RAX] & ~mask) | val;
	}
	vcpu->io_in_pending = false;
}

int hx_vcpu_run(struct hx_vcpu *vcpu)
{
	int ret;

	if (vcpu->dead)
		return -HX_EIO;
	if (vcpu->io_in_pending)
		complete_io_in(vcpu);

	vcpu->exit.reason = HX_EXIT_NONE;
	for (;;) {
		if (hxh_signal_pending()) {
			vcpu->exit.reason = HX_EXIT_INTR;
			ret = -HX_EINTR;
			break;
		}
		hxh_cond_resched();
		ret = hx_arch->vcpu_enter(vcpu);
		if (ret <= 0)
			break;
	}
	vcpu->stats.user++;
	return ret;
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
