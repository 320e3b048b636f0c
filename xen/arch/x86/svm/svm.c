// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM backend: per-CPU enablement, VMCB setup, the world switch and
 * exit handling.
 */
#include <hxen/arch.h>
#include <hxen/caps.h>
#include <hxen/cpuid.h>
#include <hxen/debugreg.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/msr.h>
#include <hxen/host.h>
#include <hxen/x86.h>

#include "svm.h"

/* Architectural reset values (APM vol. 2, table 14-1). */
#define RESET_CR0		0x60000010ULL
#define RESET_RFLAGS		0x2ULL
#define RESET_DR6		0xffff0ff0ULL
#define RESET_DR7		0x400ULL
#define SEG_CODE16		0x009b	/* present, code, read, accessed */
#define SEG_DATA16		0x0093	/* present, data, write, accessed */
#define SEG_LDT			0x0082
#define SEG_TSS16_BUSY		0x008b

/* Instruction lengths: QEMU's SVM has no NRIP save, so we count. */
#define LEN_CPUID		2
#define LEN_HLT			1
#define LEN_VMMCALL		3
#define LEN_RDMSR_WRMSR		2

/* --- VMs ---------------------------------------------------------------- */

/* VM serials, never reused: a CPU tells VMs apart by them. */
static u64 svm_vm_serials;
static int svm_npt_levels = 4;

static struct hx_vm *svm_vm_alloc(void)
{
	struct svm_vm *svm = hxh_zalloc(sizeof(*svm));

	if (!svm)
		return NULL;
	/* Intercept every port and every MSR (all bits set). */
	svm->iopm = hxh_page_alloc(2);
	svm->msrpm = hxh_page_alloc(1);
	if (!svm->iopm || !svm->msrpm || hx_p2m_init(&svm->npt, svm_npt_levels, 0))
		goto out_free;
	__builtin_memset(hxh_page_to_va(svm->iopm), 0xff, 4 * HX_PAGE_SIZE);
	__builtin_memset(hxh_page_to_va(svm->msrpm), 0xff, 2 * HX_PAGE_SIZE);
	svm->serial = __atomic_add_fetch(&svm_vm_serials, 1, __ATOMIC_RELAXED);
	return &svm->vm;

out_free:
	if (svm->msrpm)
		hxh_page_free(svm->msrpm, 1);
	if (svm->iopm)
		hxh_page_free(svm->iopm, 2);
	hxh_free(svm);
	return NULL;
}

static void svm_vm_free(struct hx_vm *vm)
{
	struct svm_vm *svm = to_svm_vm(vm);

	hx_p2m_free(&svm->npt);
	hxh_page_free(svm->msrpm, 1);
	hxh_page_free(svm->iopm, 2);
	hxh_free(svm);
}

static int svm_map_ram(struct hx_vm *vm, u64 gpa, u64 size)
{
	return hx_p2m_map_ram(&to_svm_vm(vm)->npt, &vm->ram, gpa, size);
}

static u64 svm_guest_tsc(struct hx_vcpu *vcpu)
{
	return hx_rdtsc() + to_svm(vcpu)->vmcb->control.tsc_offset;
}

static int svm_map_page(struct hx_vm *vm, u64 gpa, u64 pa)
{
	return hx_p2m_map_page(&to_svm_vm(vm)->npt, gpa, pa);
}

static void svm_unmap_page(struct hx_vm *vm, u64 gpa)
{
	hx_p2m_unmap_page(&to_svm_vm(vm)->npt, &vm->ram, gpa);
}

/* --- vCPUs -------------------------------------------------------------- */

static void seg_set(struct vmcb_seg *s, u16 sel, u64 base, u32 limit,
		    u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attrib;
}

static void svm_vmcb_init(struct svm_vcpu *sv)
{
	struct svm_vm *svm = to_svm_vm(sv->vcpu.vm);
	struct vmcb_control *ctl = &sv->vmcb->control;
	struct vmcb_save *save = &sv->vmcb->save;

	/* Host interrupts and NMIs end the guest run; the host takes them. */
	ctl->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			       SVM_INTERCEPT_SMI | SVM_INTERCEPT_CPUID |
			       SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT |
			       SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
			       SVM_INTERCEPT_MSR | SVM_INTERCEPT_TASK_SWITCH |
			       SVM_INTERCEPT_SHUTDOWN;
	/* VMRUN must be intercepted or VMRUN fails (APM vol. 2, 15.5.1). */
	ctl->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			       SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			       SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			       SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR |
			       SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_XSETBV;
	/* Every MOV to or from DR0-DR7: see svm_exit_dr(). */
	ctl->intercept_dr = SVM_INTERCEPT_DR_ALL;
	/*
	 * #DB and #AC: a guest whose handler for either faults the same way
	 * again would keep the CPU delivering exceptions forever without
	 * taking a host interrupt; each one exits to us first and is then
	 * injected, so the host keeps control.  #MC belongs to the host.
	 */
	ctl->intercept_exceptions = (1U << HX_VECTOR_DB) |
				    (1U << HX_VECTOR_AC) | (1U << HX_VECTOR_MC);
	ctl->iopm_base_pa = hxh_page_to_pa(svm->iopm);
	ctl->msrpm_base_pa = hxh_page_to_pa(svm->msrpm);
	/* Host interrupts stay with the host while the guest runs. */
	ctl->int_ctl = SVM_INT_CTL_V_INTR_MASKING;
	ctl->np_ctl = SVM_NP_ENABLE;
	ctl->n_cr3 = hxh_page_to_pa(svm->npt.root);
	svm_vmcb_reset_save(save);
}

/* The state of an x86 CPU after RESET, at F000:FFF0. */
void svm_vmcb_reset_save(struct vmcb_save *save)
{
	seg_set(&save->cs, 0xf000, 0xffff0000, 0xffff, SEG_CODE16);
	seg_set(&save->ds, 0, 0, 0xffff, SEG_DATA16);
	seg_set(&save->es, 0, 0, 0xffff, SEG_DATA16);
	seg_set(&save->fs, 0, 0, 0xffff, SEG_DATA16);
	seg_set(&save->gs, 0, 0, 0xffff, SEG_DATA16);
	seg_set(&save->ss, 0, 0, 0xffff, SEG_DATA16);
	seg_set(&save->gdtr, 0, 0, 0xffff, 0);
	seg_set(&save->idtr, 0, 0, 0xffff, 0);
	seg_set(&save->ldtr, 0, 0, 0xffff, SEG_LDT);
	seg_set(&save->tr, 0, 0, 0xffff, SEG_TSS16_BUSY);
	save->cr0 = RESET_CR0;
	/* VMRUN requires EFER.SVME in the guest state; the guest never sees it. */
	save->efer = HX_EFER_SVME;
	save->rflags = RESET_RFLAGS;
	save->rip = 0xfff0;
	save->dr6 = RESET_DR6;
	save->dr7 = RESET_DR7;
	save->g_pat = HX_PAT_RESET;
}

static struct hx_vcpu *svm_vcpu_alloc(struct hx_vm *vm)
{
	struct svm_vcpu *sv = hxh_zalloc(sizeof(*sv));

	if (!sv)
		return NULL;
	sv->vmcb_page = hxh_page_alloc(0);
	if (!sv->vmcb_page) {
		hxh_free(sv);
		return NULL;
	}
	sv->vmcb = hxh_page_to_va(sv->vmcb_page);
	sv->vmcb_pa = hxh_page_to_pa(sv->vmcb_page);
	sv->cpu = ~0U;
	sv->vcpu.vm = vm;
	svm_vmcb_init(sv);
	return &sv->vcpu;
}

static void svm_vcpu_free(struct hx_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	hxh_page_free(sv->vmcb_page, 0);
	hxh_free(sv);
}

/* --- events ---------------------------------------------------------------- */

/*
 * Complete an instruction hxen emulated: move RIP past it and end any
 * interrupt shadow it was in (after STI or MOV SS the shadow covers
 * exactly one instruction, and that one is now done).
 */
void svm_skip(struct svm_vcpu *sv, u64 len)
{
	sv->vmcb->save.rip += len;
	sv->vmcb->control.int_state &= ~SVM_INT_STATE_SHADOW;
}

/*
 * Ask for an exit the moment the guest can take an interrupt: a virtual
 * interrupt request with the VINTR intercept (APM vol. 2, 15.21.4).  The
 * CPU checks the request exactly where it would deliver a virtual
 * interrupt, after RFLAGS.IF is set and any interrupt shadow is over,
 * and exits instead of delivering; the vector then goes in by EVENTINJ.
 * Priority 15 and V_IGN_TPR make the request beat any V_TPR.
 */
static void svm_open_window(struct vmcb_control *ctl)
{
	ctl->int_vector = 0;
	ctl->int_ctl |= SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR |
			(0xfU << SVM_INT_CTL_V_INTR_PRIO_SHIFT);
	ctl->intercept_misc1 |= SVM_INTERCEPT_VINTR;
}

/*
 * A virtual interrupt the CPU delivers by itself as soon as the guest can
 * take it (RFLAGS.IF set, no interrupt shadow), after any EVENTINJ event
 * (APM vol. 2, 15.21.4).  Used for the Xen upcall, which stays due until
 * the guest clears evtchn_upcall_pending and so needs no bookkeeping of
 * whether it went in: each entry asks again while it is pending.  Unlike
 * EVENTINJ it can never land while the guest has interrupts off, even
 * where EVENTINJ is emulated imperfectly (QEMU's software CPU has been
 * seen delivering an EVENTINJ interrupt a second time, IF clear).
 */
static void svm_request_virq(struct vmcb_control *ctl, u8 vector)
{
	ctl->int_vector = vector;
	ctl->int_ctl |= SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR |
			(0xfU << SVM_INT_CTL_V_INTR_PRIO_SHIFT);
}

/* After any exit: the request has served its purpose or is stale. */
static void svm_close_window(struct vmcb_control *ctl)
{
	ctl->int_ctl &= ~(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR |
			  (0xfU << SVM_INT_CTL_V_INTR_PRIO_SHIFT));
	ctl->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
}

/*
 * Before VMRUN, with interrupts off: give the guest the next queued
 * event if it can take it now.  An NMI always can; an external interrupt
 * only with RFLAGS.IF set and no interrupt shadow, and otherwise opens
 * an interrupt window.  The Xen upcall is left to the CPU as a virtual
 * interrupt (svm_request_virq()).
 */
static void svm_inject_events(struct svm_vcpu *sv)
{
	struct vmcb_control *ctl = &sv->vmcb->control;
	struct hx_vcpu *vcpu = &sv->vcpu;
	u32 ev = hx_vcpu_events(vcpu);
	bool irq = ev & HX_EVENT_IRQ;
	u8 vector = (ev & HX_EVENT_VECTOR_MASK) >> HX_EVENT_VECTOR_SHIFT;
	bool apic_vector = false;

	/*
	 * A queued IRQ goes first; else the higher of the APIC's requests
	 * and the Xen event upcall, which stays due for as long as the
	 * guest leaves evtchn_upcall_pending set.
	 */
	if (!irq) {
		u8 up, req;
		bool has_up = hx_xen_upcall(vcpu, &up);
		bool has_req = hx_apic_pending(vcpu, &req);

		if (has_req && (!has_up || req > up)) {
			vector = req;
			irq = true;
			apic_vector = true;
		} else if (has_up) {
			svm_request_virq(ctl, up);
		}
	}
	if (!ev && !irq)
		return;
	/*
	 * One event per entry.  An IRQ that has to wait behind another
	 * event asks for a window, which exits once that one is delivered.
	 */
	if (ctl->event_inj & SVM_EVT_VALID) {
		if (irq)
			svm_open_window(ctl);
		return;
	}
	if ((ev & HX_EVENT_NMI) && svm_nmi_can_inject(sv)) {
		ctl->event_inj = 2 | SVM_EVT_TYPE_NMI | SVM_EVT_VALID;
		hx_vcpu_take_event(vcpu, HX_EVENT_NMI);
		svm_nmi_injected(sv);
		if (irq)
			svm_open_window(ctl);
		return;
	}
	if (!irq)
		return;
	if ((sv->vmcb->save.rflags & RFLAGS_IF) &&
	    !(ctl->int_state & SVM_INT_STATE_SHADOW)) {
		ctl->event_inj = vector | SVM_EVT_TYPE_INTR | SVM_EVT_VALID;
		if (ev & HX_EVENT_IRQ)
			hx_vcpu_take_event(vcpu, HX_EVENT_IRQ);
		else if (apic_vector)
			hx_apic_take(vcpu, vector);
	} else {
		svm_open_window(ctl);
	}
}

/*
 * After #VMEXIT: an event whose delivery the exit interrupted (say, an
 * interrupt whose IDT entry faulted in the nested tables) is delivered
 * again on the next VMRUN (APM vol. 2, 15.7.2).
 */
static void svm_requeue_event(struct vmcb_control *ctl)
{
	ctl->event_inj = 0;
	if (ctl->exit_int_info & SVM_EVT_VALID)
		ctl->event_inj = ctl->exit_int_info;
}

/* --- exits ---------------------------------------------------------------- */

int exit_to_host_internal(struct svm_vcpu *sv, u32 suberror)
{
	struct vmcb_control *ctl = &sv->vmcb->control;
	struct hx_exit *e = &sv->vcpu.exit;

	e->reason = HX_EXIT_INTERNAL;
	e->internal.suberror = suberror;
	e->internal.data[0] = ctl->exit_code;
	e->internal.data[1] = ctl->exit_info_1;
	e->internal.data[2] = ctl->exit_info_2;
	e->internal.data[3] = sv->vmcb->save.rip;
	return 0;
}

static int svm_exit_intr(struct svm_vcpu *sv)
{
	/* The host takes the interrupt or NMI once GIF and IF are set. */
	sv->vcpu.stats.intr++;
	return 1;
}

/* An intercepted #DB or #AC goes to the guest as if it had not been. */
static int svm_exit_reflect(struct svm_vcpu *sv)
{
	u8 vector = (u8)(sv->vmcb->control.exit_code - SVM_EXIT_EXCP_BASE);

	/* Our own step over an NMI handler's IRET is not the guest's. */
	if (vector == HX_VECTOR_DB && svm_nmi_step_done(sv))
		return 1;
	svm_inject_exception(sv, vector, vector == HX_VECTOR_AC, 0);
	sv->vcpu.stats.exceptions++;
	return 1;
}

/* A machine check during the guest: the host's handler deals with it. */
static int svm_exit_mc(struct svm_vcpu *sv)
{
	hxh_machine_check();
	return 1;
}

static int svm_exit_vintr(struct svm_vcpu *sv)
{
	/* The guest can take an interrupt now: the next entry injects it. */
	sv->vcpu.stats.irq_windows++;
	svm_window_at_hlt(sv);
	return 1;
}

static int svm_exit_cpuid(struct svm_vcpu *sv)
{
	u64 *g = sv->vcpu.gprs;
	u32 r[4];

	hx_guest_cpuid(&sv->vcpu, (u32)g[HX_RAX], (u32)g[HX_RCX],
		       sv->vmcb->save.cr4, r);
	g[HX_RAX] = r[0];
	g[HX_RBX] = r[1];
	g[HX_RCX] = r[2];
	g[HX_RDX] = r[3];
	svm_skip(sv, LEN_CPUID);
	sv->vcpu.stats.cpuid++;
	return 1;
}

/*
 * Something the guest can take now: an IRQ, an NMI it does not block, or
 * its Xen upcall.
 */
static bool svm_has_event(struct hx_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	u8 vector;

	return (hx_vcpu_events(vcpu) & HX_EVENT_IRQ) ||
	       svm_nmi_deliverable(sv) || hx_xen_upcall(vcpu, &vector) ||
	       hx_apic_pending(vcpu, &vector);
}

/*
 * HLT with interrupts enabled sleeps here until an event is queued or a
 * signal arrives (the run loop then returns -HX_EINTR).  With interrupts
 * disabled only an NMI could wake the guest, so the device model decides.
 */
static int svm_exit_hlt(struct svm_vcpu *sv)
{
	struct hx_vcpu *vcpu = &sv->vcpu;

	svm_skip(sv, LEN_HLT);
	vcpu->stats.hlt++;
	if (svm_nmi_deliverable(sv))
		return 1;
	if (!(sv->vmcb->save.rflags & RFLAGS_IF)) {
		vcpu->exit.reason = HX_EXIT_HLT;
		return 0;
	}
	hx_vcpu_wait(vcpu, NULL, NULL, 0);
	return 1;
}

static int svm_exit_io(struct svm_vcpu *sv)
{
	struct vmcb_control *ctl = &sv->vmcb->control;
	u64 info = ctl->exit_info_1;
	u32 size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;

	if (info & SVM_IOIO_STR)
		return svm_exit_string_io(sv);
	if (hx_vcpu_io_exit(&sv->vcpu, (u16)(info >> SVM_IOIO_PORT_SHIFT),
			    (u8)size, info & SVM_IOIO_IN))
		return exit_to_host_internal(sv, HX_INTERNAL_EMULATION);
	/* IOIO reports the next RIP even without NRIP save. */
	svm_skip(sv, ctl->exit_info_2 - sv->vmcb->save.rip);
	return 0;
}

static int svm_exit_vmmcall(struct svm_vcpu *sv)
{
	if (sv->vcpu.vm->xen.enabled)
		return svm_exit_xen_hypercall(sv, LEN_VMMCALL);
	svm_skip(sv, LEN_VMMCALL);
	hx_vcpu_hypercall_exit(&sv->vcpu);
	return 0;
}

void svm_inject_exception(struct svm_vcpu *sv, u8 vector, bool has_error,
			  u32 error)
{
	u64 inj = vector | SVM_EVT_TYPE_EXCEPTION | SVM_EVT_VALID;

	if (has_error)
		inj |= SVM_EVT_ERROR_VALID | ((u64)error << SVM_EVT_ERROR_SHIFT);
	sv->vmcb->control.event_inj = inj;
}

static void svm_inject_gp(struct svm_vcpu *sv)
{
	svm_inject_exception(sv, HX_VECTOR_GP, true, 0);
}

static int svm_exit_msr(struct svm_vcpu *sv)
{
	u64 *g = sv->vcpu.gprs, val;
	u32 msr = (u32)g[HX_RCX];

	sv->vcpu.stats.msr++;
	if (sv->vmcb->control.exit_info_1) {
		val = (g[HX_RDX] << 32) | (u32)g[HX_RAX];
		if (svm_msr_write(sv, msr, val)) {
			svm_inject_gp(sv);
			return 1;
		}
	} else {
		if (svm_msr_read(sv, msr, &val)) {
			svm_inject_gp(sv);
			return 1;
		}
		g[HX_RAX] = (u32)val;
		g[HX_RDX] = val >> 32;
	}
	svm_skip(sv, LEN_RDMSR_WRMSR);
	return 1;
}

static int svm_exit_shutdown(struct svm_vcpu *sv)
{
	/* After a shutdown intercept the VMCB is undefined (APM 15.11). */
	sv->vcpu.dead = true;
	sv->vcpu.exit.reason = HX_EXIT_SHUTDOWN;
	return 0;
}

static int (*const svm_exit_handlers[])(struct svm_vcpu *sv) = {
	[SVM_EXIT_EXCP_BASE + HX_VECTOR_DB] = svm_exit_reflect,
	[SVM_EXIT_EXCP_BASE + HX_VECTOR_AC] = svm_exit_reflect,
	[SVM_EXIT_EXCP_BASE + HX_VECTOR_MC] = svm_exit_mc,
	[SVM_EXIT_INTR] = svm_exit_intr,
	[SVM_EXIT_NMI] = svm_exit_intr,
	[SVM_EXIT_SMI] = svm_exit_intr,
	[SVM_EXIT_VINTR] = svm_exit_vintr,
	[SVM_EXIT_CPUID] = svm_exit_cpuid,
	[SVM_EXIT_IRET] = svm_exit_iret,
	[SVM_EXIT_HLT] = svm_exit_hlt,
	[SVM_EXIT_IOIO] = svm_exit_io,
	[SVM_EXIT_MSR] = svm_exit_msr,
	[SVM_EXIT_VMMCALL] = svm_exit_vmmcall,
	[SVM_EXIT_SHUTDOWN] = svm_exit_shutdown,
	[SVM_EXIT_XSETBV] = svm_exit_xsetbv,
	[SVM_EXIT_NPF] = svm_exit_npf,
};

static int svm_handle_exit(struct svm_vcpu *sv)
{
	u64 code = sv->vmcb->control.exit_code;

	svm_requeue_event(&sv->vmcb->control);
	svm_close_window(&sv->vmcb->control);
	if ((u32)code == (u32)SVM_EXIT_INVALID) {
		sv->vcpu.exit.reason = HX_EXIT_FAIL_ENTRY;
		sv->vcpu.exit.hw_exit_code = code;
		return 0;
	}
	if (code >= SVM_EXIT_READ_DR0 && code <= SVM_EXIT_WRITE_DR7)
		return svm_exit_dr(sv);
	if (code >= HX_ARRAY_SIZE(svm_exit_handlers) || !svm_exit_handlers[code])
		return exit_to_host_internal(sv, HX_INTERNAL_UNHANDLED_EXIT);
	return svm_exit_handlers[code](sv);
}

/* --- running ---------------------------------------------------------------- */

static int svm_vcpu_enter(struct hx_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save *save = &sv->vmcb->save;
	struct svm_cpu *c;
	u32 cpu;
	int err;

	cpu = hxh_guest_enter();
	c = &svm_cpus[cpu];
	err = svm_take(c, to_svm_vm(vcpu->vm)->serial);
	if (err) {
		hxh_guest_exit();
		return err;
	}
	svm_pick_asid(sv, cpu, c);
	save->rax = vcpu->gprs[HX_RAX];
	save->rsp = vcpu->gprs[HX_RSP];

	/*
	 * Publish the CPU before looking at the event queue: an injector
	 * that queues after the look sees the CPU and kicks it, and the
	 * kick (an IPI, with interrupts off here) makes VMRUN exit at once.
	 */
	__atomic_store_n(&vcpu->running_cpu, cpu, __ATOMIC_SEQ_CST);
	svm_inject_events(sv);
	hx_fpu_enter(&vcpu->fpu);
	if (save->dr7 & HX_DR7_ENABLED)
		hx_load_guest_db(vcpu->db);
	hxh_svm_vmrun(sv->vmcb_pa, c->host_save_pa, vcpu->gprs);
	hx_fpu_leave(&vcpu->fpu);
	__atomic_store_n(&vcpu->running_cpu, HX_NOT_RUNNING, __ATOMIC_RELEASE);
	svm_give_back(c);
	hxh_guest_exit();

	vcpu->gprs[HX_RAX] = save->rax;
	vcpu->gprs[HX_RSP] = save->rsp;
	vcpu->stats.exits++;
	return svm_handle_exit(sv);
}

/* --- state ------------------------------------------------------------------ */

static void seg_get(struct hx_seg *d, const struct vmcb_seg *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->sel = s->selector;
	d->attrib = s->attrib;
}

static void seg_put(struct vmcb_seg *d, const struct hx_seg *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->selector = s->sel;
	d->attrib = s->attrib;
}

static void svm_get_state(struct hx_vcpu *vcpu, struct hx_state *st)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	const struct vmcb_save *s = &sv->vmcb->save;

	__builtin_memcpy(st->gprs, vcpu->gprs, sizeof(st->gprs));
	st->rip = s->rip;
	st->rflags = s->rflags;
	seg_get(&st->cs, &s->cs);
	seg_get(&st->ds, &s->ds);
	seg_get(&st->es, &s->es);
	seg_get(&st->fs, &s->fs);
	seg_get(&st->gs, &s->gs);
	seg_get(&st->ss, &s->ss);
	seg_get(&st->tr, &s->tr);
	seg_get(&st->ldt, &s->ldtr);
	st->gdt.base = s->gdtr.base;
	st->gdt.limit = (u16)s->gdtr.limit;
	st->idt.base = s->idtr.base;
	st->idt.limit = (u16)s->idtr.limit;
	st->cr0 = s->cr0;
	st->cr2 = s->cr2;
	st->cr3 = s->cr3;
	st->cr4 = s->cr4;
	st->efer = s->efer & ~HX_EFER_SVME;
	__builtin_memcpy(st->db, vcpu->db, sizeof(st->db));
	st->dr6 = s->dr6;
	st->dr7 = s->dr7;
}

/*
 * User space may set any value: state the CPU rejects makes VMRUN fail
 * its consistency checks, which comes back as HX_EXIT_FAIL_ENTRY.
 */
static void svm_set_state(struct hx_vcpu *vcpu, const struct hx_state *st)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save *s = &sv->vmcb->save;

	__builtin_memcpy(vcpu->gprs, st->gprs, sizeof(vcpu->gprs));
	s->rip = st->rip;
	s->rflags = st->rflags;
	seg_put(&s->cs, &st->cs);
	seg_put(&s->ds, &st->ds);
	seg_put(&s->es, &st->es);
	seg_put(&s->fs, &st->fs);
	seg_put(&s->gs, &st->gs);
	seg_put(&s->ss, &st->ss);
	seg_put(&s->tr, &st->tr);
	seg_put(&s->ldtr, &st->ldt);
	s->gdtr.base = st->gdt.base;
	s->gdtr.limit = st->gdt.limit;
	s->idtr.base = st->idt.base;
	s->idtr.limit = st->idt.limit;
	s->cr0 = st->cr0;
	s->cr2 = st->cr2;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	s->efer = st->efer | HX_EFER_SVME;
	/*
	 * New state drops what was about to be delivered into the old one
	 * (as KVM's SET_REGS does), and any step hxen had started over an
	 * NMI handler's IRET (RFLAGS are the host's now).
	 */
	sv->vmcb->control.event_inj = 0;
	svm_nmi_state_set(sv);
	__builtin_memcpy(vcpu->db, st->db, sizeof(vcpu->db));
	s->dr6 = st->dr6;
	s->dr7 = st->dr7;
	/* CPL is SS.DPL (APM vol. 2, 15.5.1). */
	s->cpl = (s->ss.attrib >> 5) & 3;
	/* The guest may have been dead after a shutdown; it is reset now. */
	vcpu->dead = false;
	hx_emulate_cancel(vcpu);
}

static int svm_get_msr(struct hx_vcpu *vcpu, u32 msr, u64 *val)
{
	return svm_msr_read(to_svm(vcpu), msr, val) ? -HX_EINVAL : 0;
}

static int svm_set_msr(struct hx_vcpu *vcpu, u32 msr, u64 val)
{
	return svm_msr_write(to_svm(vcpu), msr, val) ? -HX_EINVAL : 0;
}

/* --- probe ------------------------------------------------------------------ */

static void svm_exit_backend(void)
{
	svm_cpus_exit();
}

static const struct hx_arch_ops svm_ops = {
	.name = "svm",
	.exit = svm_exit_backend,
	.vm_alloc = svm_vm_alloc,
	.vm_free = svm_vm_free,
	.map_ram = svm_map_ram,
	.map_page = svm_map_page,
	.guest_tsc = svm_guest_tsc,
	.unmap_page = svm_unmap_page,
	.vcpu_alloc = svm_vcpu_alloc,
	.vcpu_free = svm_vcpu_free,
	.vcpu_has_event = svm_has_event,
	.vcpu_enter = svm_vcpu_enter,
	.get_state = svm_get_state,
	.set_state = svm_set_state,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.cpu_arrive = svm_cpu_arrive,
	.cpu_leave = svm_cpu_leave,
	.stats = svm_cpu_stats,
};

const struct hx_arch_ops *svm_probe(const struct hx_caps *caps)
{
	if (!(caps->features & HX_CAP_SVM) ||
	    !(caps->features & HX_CAP_NPT) ||
	    (caps->features & HX_CAP_SVM_DISABLED) || caps->nr_asids < 2)
		return NULL;

	/* Nested paging walks in the host's paging mode (APM 15.25.3). */
	svm_npt_levels = hxh_read_cr4() & HX_CR4_LA57 ? 5 : 4;
	if (svm_cpus_init(caps->nr_asids))
		return NULL;
	return &svm_ops;
}
