// SPDX-License-Identifier: GPL-2.0
/*
 * x2APIC emulation for Xen VMs (see hxen/apic.h).  Register numbers and
 * ICR fields: Intel SDM vol. 3, 11.12 (x2APIC) and 11.6 (IPIs).
 */
#include <hxen/apic.h>
#include <hxen/arch.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_BSP		(1ULL << 8)
#define APIC_BASE_EXTD		(1ULL << 10)
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_ADDR		0xfee00000ULL

#define X2APIC_FIRST		0x800
#define X2APIC_LAST		0x8ff
#define REG_ID			0x02
#define REG_VERSION		0x03
#define REG_TPR			0x08
#define REG_PPR			0x0a
#define REG_EOI			0x0b
#define REG_LDR			0x0d
#define REG_SVR			0x0f
#define REG_ISR0		0x10
#define REG_TMR0		0x18
#define REG_IRR0		0x20
#define REG_ESR			0x28
#define REG_LVT_CMCI		0x2f
#define REG_ICR			0x30
#define REG_LVT_TIMER		0x32
#define REG_LVT_ERROR		0x37
#define REG_TMICT		0x38
#define REG_TMCCT		0x39
#define REG_TDCR		0x3e
#define REG_SELF_IPI		0x3f

/* Version 0x14 (integrated), 6 LVT entries (max LVT index 5). */
#define APIC_VERSION		0x00050014U
#define LVT_MASKED		(1U << 16)
#define SVR_RESET		0xffU

#define ICR_VECTOR(v)		((u8)(v))
#define ICR_MODE(v)		(((v) >> 8) & 7)
#define ICR_SHORTHAND(v)	(((v) >> 18) & 3)
#define ICR_DEST(v)		((u32)((v) >> 32))
#define MODE_FIXED		0
#define MODE_NMI		4
#define MODE_INIT		5
#define MODE_STARTUP		6
#define SHORT_NONE		0
#define SHORT_SELF		1
#define SHORT_ALL		2
#define SHORT_OTHERS		3
#define DEST_BROADCAST		0xffffffffU

void hx_apic_init(struct hx_vcpu *vcpu)
{
	struct hx_apic *a = &vcpu->apic;
	int i;

	a->present = vcpu->vm->xen.enabled;
	a->mp_state = a->present && vcpu->id ? HX_MP_WAIT_SIPI :
					       HX_MP_RUNNABLE;
	a->svr = SVR_RESET;
	for (i = 0; i < HX_APIC_NR_LVT; i++)
		a->lvt[i] = LVT_MASKED;
}

bool hx_apic_msr(struct hx_vcpu *vcpu, u32 msr)
{
	return vcpu->apic.present &&
	       (msr == MSR_APIC_BASE ||
		(msr >= X2APIC_FIRST && msr <= X2APIC_LAST));
}

static void request(struct hx_vcpu *t, u8 vector)
{
	__atomic_fetch_or(&t->apic.irr[vector / 64], 1ULL << (vector % 64),
			  __ATOMIC_SEQ_CST);
	hxh_vcpu_kick(t->host, __atomic_load_n(&t->running_cpu,
					       __ATOMIC_SEQ_CST));
}

static void deliver(struct hx_vcpu *t, u32 mode, u8 vector)
{
	struct hx_apic *a = &t->apic;

	switch (mode) {
	case MODE_FIXED:
		if (vector >= 16)
			request(t, vector);
		break;
	case MODE_NMI:
		hx_vcpu_inject(t, true, 0);
		break;
	case MODE_INIT:
		if (t->id)		/* the BSP is not reset */
			__atomic_store_n(&a->mp_state, HX_MP_WAIT_SIPI,
					 __ATOMIC_SEQ_CST);
		hxh_vcpu_kick(t->host, __atomic_load_n(&t->running_cpu,
						       __ATOMIC_SEQ_CST));
		break;
	case MODE_STARTUP:
		if (__atomic_load_n(&a->mp_state, __ATOMIC_ACQUIRE) !=
		    HX_MP_WAIT_SIPI)
			break;		/* a second SIPI is ignored */
		a->sipi_vector = vector;
		__atomic_store_n(&a->mp_state, HX_MP_SIPI, __ATOMIC_SEQ_CST);
		hxh_vcpu_kick(t->host, HX_NOT_RUNNING);
		break;
	default:			/* SMI, lowest priority, ExtINT */
		break;
	}
}

/* The ICR: to one vCPU by x2APIC ID, to itself, to all or the others. */
static void send_ipi(struct hx_vcpu *vcpu, u64 icr)
{
	struct hx_xen *x = &vcpu->vm->xen;
	u32 sh = ICR_SHORTHAND(icr), dest = ICR_DEST(icr), i;
	struct hx_vcpu *t;

	if (sh == SHORT_SELF) {
		deliver(vcpu, ICR_MODE(icr), ICR_VECTOR(icr));
		return;
	}
	hxh_mutex_lock(x->lock);
	for (i = 0; i < HX_XEN_MAX_VCPUS; i++) {
		t = x->vcpus[i];
		if (!t)
			continue;
		if ((sh == SHORT_NONE && dest != DEST_BROADCAST &&
		     dest != t->id) ||
		    (sh == SHORT_OTHERS && t == vcpu))
			continue;
		deliver(t, ICR_MODE(icr), ICR_VECTOR(icr));
	}
	hxh_mutex_unlock(x->lock);
}

static u64 irr_word32(struct hx_apic *a, u32 n)
{
	u64 w = __atomic_load_n(&a->irr[n / 2], __ATOMIC_ACQUIRE);

	return n % 2 ? w >> 32 : (u32)w;
}

int hx_apic_read(struct hx_vcpu *vcpu, u32 msr, u64 *val)
{
	struct hx_apic *a = &vcpu->apic;
	u32 reg = msr - X2APIC_FIRST;

	if (msr == MSR_APIC_BASE) {
		*val = APIC_BASE_ADDR | APIC_BASE_ENABLE | APIC_BASE_EXTD |
		       (vcpu->id ? 0 : APIC_BASE_BSP);
		return 0;
	}
	*val = 0;
	if (reg >= REG_ISR0 && reg < REG_ISR0 + 8)
		return 0;
	if (reg >= REG_TMR0 && reg < REG_TMR0 + 8)
		return 0;
	if (reg >= REG_IRR0 && reg < REG_IRR0 + 8) {
		*val = irr_word32(a, reg - REG_IRR0);
		return 0;
	}
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR) {
		*val = a->lvt[reg - REG_LVT_TIMER + 1];
		return 0;
	}
	switch (reg) {
	case REG_ID:
		*val = vcpu->id;
		return 0;
	case REG_VERSION:
		*val = APIC_VERSION;
		return 0;
	case REG_TPR:
	case REG_PPR:
		*val = a->tpr;
		return 0;
	case REG_LDR:
		/* Cluster = ID[19:4], bit ID[3:0] within it. */
		*val = ((vcpu->id >> 4) << 16) | (1U << (vcpu->id & 0xf));
		return 0;
	case REG_SVR:
		*val = a->svr;
		return 0;
	case REG_ESR:
	case REG_TMCCT:
		return 0;
	case REG_LVT_CMCI:
		*val = a->lvt[0];
		return 0;
	case REG_TMICT:
		*val = a->tmict;
		return 0;
	case REG_TDCR:
		*val = a->tdcr;
		return 0;
	case REG_ICR:
		return 0;
	default:
		return -1;		/* EOI and SELF_IPI are write-only */
	}
}

int hx_apic_write(struct hx_vcpu *vcpu, u32 msr, u64 val)
{
	struct hx_apic *a = &vcpu->apic;
	u32 reg = msr - X2APIC_FIRST;

	if (msr == MSR_APIC_BASE) {
		/* Leaving x2APIC mode is not offered. */
		u64 cur;

		hx_apic_read(vcpu, msr, &cur);
		return (val & ~APIC_BASE_BSP) == (cur & ~APIC_BASE_BSP) ?
		       0 : -1;
	}
	if (reg != REG_ICR && val >> 32)
		return -1;
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR) {
		a->lvt[reg - REG_LVT_TIMER + 1] = (u32)val;
		return 0;
	}
	switch (reg) {
	case REG_TPR:
		a->tpr = (u32)val & 0xff;
		return 0;
	case REG_EOI:
	case REG_ESR:
		return val ? -1 : 0;
	case REG_SVR:
		a->svr = (u32)val;
		return 0;
	case REG_LVT_CMCI:
		a->lvt[0] = (u32)val;
		return 0;
	case REG_ICR:
		send_ipi(vcpu, val);
		return 0;
	case REG_TMICT:
		a->tmict = (u32)val;
		return 0;
	case REG_TDCR:
		a->tdcr = (u32)val;
		return 0;
	case REG_SELF_IPI:
		deliver(vcpu, MODE_FIXED, (u8)val);
		return 0;
	default:
		return -1;		/* read-only or reserved */
	}
}

bool hx_apic_pending(struct hx_vcpu *vcpu, u8 *vector)
{
	struct hx_apic *a = &vcpu->apic;
	int i;
	u64 w;

	if (!a->present)
		return false;
	for (i = 3; i >= 0; i--) {
		w = __atomic_load_n(&a->irr[i], __ATOMIC_ACQUIRE);
		if (w) {
			*vector = (u8)(i * 64 + 63 - __builtin_clzll(w));
			return true;
		}
	}
	return false;
}

void hx_apic_take(struct hx_vcpu *vcpu, u8 vector)
{
	__atomic_fetch_and(&vcpu->apic.irr[vector / 64],
			   ~(1ULL << (vector % 64)), __ATOMIC_SEQ_CST);
}

static bool sipi_came(void *arg)
{
	struct hx_vcpu *vcpu = arg;

	return __atomic_load_n(&vcpu->apic.mp_state, __ATOMIC_ACQUIRE) !=
	       HX_MP_WAIT_SIPI;
}

/* Real mode at the SIPI's page, as the APIC's startup leaves an AP. */
static void start_at_sipi(struct hx_vcpu *vcpu)
{
	struct hx_state st;
	struct hx_seg data = { 0, 0xffff, 0, 0x93 };

	hx_arch->get_state(vcpu, &st);
	__builtin_memset(st.gprs, 0, sizeof(st.gprs));
	st.rip = 0;
	st.rflags = 0x2;
	st.cs = (struct hx_seg){ (u64)vcpu->apic.sipi_vector << 12, 0xffff,
				 (u16)(vcpu->apic.sipi_vector << 8), 0x9b };
	st.ds = st.es = st.fs = st.gs = st.ss = data;
	st.tr = (struct hx_seg){ 0, 0xffff, 0, 0x8b };
	st.ldt = (struct hx_seg){ 0, 0xffff, 0, 0x82 };
	st.gdt = (struct hx_dtable){ 0, 0xffff };
	st.idt = (struct hx_dtable){ 0, 0xffff };
	st.cr0 = 0x10;
	st.cr2 = st.cr3 = st.cr4 = st.efer = 0;
	hx_arch->set_state(vcpu, &st);
}

bool hx_apic_ready_to_run(struct hx_vcpu *vcpu)
{
	struct hx_apic *a = &vcpu->apic;
	u32 s = __atomic_load_n(&a->mp_state, __ATOMIC_ACQUIRE);

	if (s == HX_MP_RUNNABLE)
		return true;
	if (s == HX_MP_WAIT_SIPI) {
		hxh_vcpu_block_until(vcpu->host, sipi_came, vcpu, 0);
		if (hxh_signal_pending())
			return false;
		s = __atomic_load_n(&a->mp_state, __ATOMIC_ACQUIRE);
		if (s != HX_MP_SIPI)
			return false;
	}
	start_at_sipi(vcpu);
	__atomic_store_n(&a->mp_state, HX_MP_RUNNABLE, __ATOMIC_SEQ_CST);
	return true;
}
