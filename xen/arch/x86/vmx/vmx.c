// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX backend: VMs and vCPUs, event injection, the run, and the
 * guest state as user space sees it.
 */
#include <hxen/arch.h>
#include <hxen/caps.h>
#include <hxen/cpuid.h>
#include <hxen/debugreg.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/msr.h>
#include <hxen/x86.h>

#include "insn.h"
#include "vmcs.h"
#include "vmx.h"

#define CR0_NW			(1ULL << 29)
#define CR0_CD			(1ULL << 30)
#define CR0_PG			(1ULL << 31)

/* CPUID 7 EBX: INVPCID, which VMX must enable for the guest. */
#define CPUID7_EBX_INVPCID	(1U << 10)

/* --- VMs ---------------------------------------------------------------- */

static u64 vmx_vm_serials;

static struct hx_vm *vmx_vm_alloc(void)
{
	struct vmx_vm *vm = hxh_zalloc(sizeof(*vm));

	if (!vm)
		return NULL;
	if (hx_p2m_init(&vm->ept, 4,
			VMX_EPT_LEAF_WB | VMX_EPT_LEAF_IGNORE_PAT)) {
		hxh_free(vm);
		return NULL;
	}
	vm->eptp = hxh_page_to_pa(vm->ept.root) | VMX_EPTP_WB |
		   VMX_EPTP_WALK_4;
	vm->serial = __atomic_add_fetch(&vmx_vm_serials, 1, __ATOMIC_RELAXED);
	return &vm->vm;
}

static void vmx_vm_free(struct hx_vm *hvm)
{
	struct vmx_vm *vm = to_vmx_vm(hvm);

	hx_p2m_free(&vm->ept);
	hxh_free(vm);
}

static int vmx_map_ram(struct hx_vm *vm, u64 gpa, u64 size)
{
	return hx_p2m_map_ram(&to_vmx_vm(vm)->ept, &vm->ram, gpa, size);
}

static int vmx_map_page(struct hx_vm *vm, u64 gpa, u64 pa)
{
	return hx_p2m_map_page(&to_vmx_vm(vm)->ept, gpa, pa);
}

static void vmx_unmap_page(struct hx_vm *vm, u64 gpa)
{
	hx_p2m_unmap_page(&to_vmx_vm(vm)->ept, &vm->ram, gpa);
}

static u64 vmx_guest_tsc(struct hx_vcpu *vcpu)
{
	return hx_rdtsc() + to_vmx(vcpu)->tsc_offset;
}

/* --- vCPUs -------------------------------------------------------------- */

static struct hx_vcpu *vmx_vcpu_alloc(struct hx_vm *vm)
{
	struct vmx_vcpu *vx = hxh_zalloc(sizeof(*vx));
	int vpid;
	u32 i;

	if (!vx)
		return NULL;
	vpid = vmx_vpid_alloc();
	vx->vmcs_page = hxh_page_alloc(0);
	vx->msr_page = hxh_page_alloc(0);
	if (vpid < 0 || !vx->vmcs_page || !vx->msr_page)
		goto out_free;
	vx->vpid = (u16)vpid;
	vx->vmcs_pa = hxh_page_to_pa(vx->vmcs_page);
	*(u32 *)hxh_page_to_va(vx->vmcs_page) = vmx_cfg.revision;
	vx->guest_msrs = hxh_page_to_va(vx->msr_page);
	vx->host_msrs = vx->guest_msrs +
			HX_PAGE_SIZE / 2 / sizeof(struct vmx_msr_entry);
	for (i = 0; i < vmx_cfg.nr_msrs; i++) {
		vx->guest_msrs[i].index = vmx_cfg.msrs[i];
		vx->host_msrs[i].index = vmx_cfg.msrs[i];
	}
	vx->cpu_ctls = vmx_cfg.cpu;
	vx->entry_ctls = vmx_cfg.entry;
	vx->cpu = HX_NOT_RUNNING;
	vx->vcpu.vm = vm;
	vmx_reset_state(&vx->g);
	return &vx->vcpu;

out_free:
	if (vx->msr_page)
		hxh_page_free(vx->msr_page, 0);
	if (vx->vmcs_page)
		hxh_page_free(vx->vmcs_page, 0);
	if (vpid > 0)
		vmx_vpid_free((u16)vpid);
	hxh_free(vx);
	return NULL;
}

static void vmx_vcpu_free(struct hx_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vmx_vpid_free(vx->vpid);
	hxh_page_free(vx->msr_page, 0);
	hxh_page_free(vx->vmcs_page, 0);
	hxh_free(vx);
}

/* --- events --------------------------------------------------------------- */

static bool vmx_irq_allowed(const struct vmx_vcpu *vx)
{
	return (vx->g.rflags & VMX_RFLAGS_IF) &&
	       !(vx->g.interruptibility & (INTERRUPT_STI | INTERRUPT_MOV_SS));
}

static bool vmx_nmi_allowed(const struct vmx_vcpu *vx)
{
	return !(vx->g.interruptibility &
		 (INTERRUPT_STI | INTERRUPT_MOV_SS | INTERRUPT_NMI));
}

/*
 * Before the entry, with interrupts off: give the guest the next queued
 * event if it can take it now, or ask for an exit the moment it can (the
 * interrupt-window and NMI-window controls).  The Xen upcall is due for
 * as long as the guest leaves evtchn_upcall_pending set, and goes in
 * like an interrupt whenever RFLAGS.IF allows.
 */
static void vmx_inject_events(struct vmx_vcpu *vx)
{
	struct hx_vcpu *vcpu = &vx->vcpu;
	u32 ev = hx_vcpu_events(vcpu);
	bool irq = ev & HX_EVENT_IRQ;
	u8 vector = (ev & HX_EVENT_VECTOR_MASK) >> HX_EVENT_VECTOR_SHIFT;
	bool apic_vector = false;

	if (!irq) {
		u8 up, req;
		bool has_up = hx_xen_upcall(vcpu, &up);
		bool has_req = hx_apic_pending(vcpu, &req);

		if (has_req && (!has_up || req > up)) {
			vector = req;
			irq = true;
			apic_vector = true;
		} else if (has_up) {
			vector = up;
			irq = true;
		}
	}
	if (!(ev & HX_EVENT_NMI) && !irq)
		return;
	if (vx->entry_intr & INTR_INFO_VALID) {
		if (irq)
			vx->cpu_ctls |= CPU_INTR_WINDOW;
		if (ev & HX_EVENT_NMI)
			vx->cpu_ctls |= CPU_NMI_WINDOW;
		return;
	}
	if (ev & HX_EVENT_NMI) {
		if (vmx_nmi_allowed(vx)) {
			vx->entry_intr = 2 | INTR_TYPE_NMI | INTR_INFO_VALID;
			hx_vcpu_take_event(vcpu, HX_EVENT_NMI);
			if (irq)
				vx->cpu_ctls |= CPU_INTR_WINDOW;
			return;
		}
		vx->cpu_ctls |= CPU_NMI_WINDOW;
	}
	if (!irq)
		return;
	if (!vmx_irq_allowed(vx)) {
		vx->cpu_ctls |= CPU_INTR_WINDOW;
		return;
	}
	vx->entry_intr = vector | INTR_TYPE_EXT | INTR_INFO_VALID;
	if (ev & HX_EVENT_IRQ)
		hx_vcpu_take_event(vcpu, HX_EVENT_IRQ);
	else if (apic_vector)
		hx_apic_take(vcpu, vector);
}

static bool vmx_has_event(struct hx_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u8 vector;

	return (hx_vcpu_events(vcpu) & HX_EVENT_IRQ) ||
	       ((hx_vcpu_events(vcpu) & HX_EVENT_NMI) &&
		!(vx->g.interruptibility & INTERRUPT_NMI)) ||
	       hx_xen_upcall(vcpu, &vector) || hx_apic_pending(vcpu, &vector);
}

/* --- running ---------------------------------------------------------------- */

/*
 * A vCPU on a new CPU, after a mapping went away, or after another
 * hypervisor's guests may have run here, drops what the TLB holds for
 * its EPT root and for its VPID.  (The EPT root tags its translations on
 * hardware; Bochs tags them by VPID alone, and other hypervisors number
 * VPIDs too.)
 */
static void vmx_flush_if_needed(struct vmx_vcpu *vx, u32 cpu, bool stale)
{
	struct vmx_vm *vm = to_vmx_vm(vx->vcpu.vm);
	u32 gen = hx_p2m_tlb_gen(&vm->ept);

	if (vx->cpu == cpu && vx->tlb_gen == gen && !stale)
		return;
	if (vmx_cfg.ept_caps & VMX_EPT_INVEPT_SINGLE)
		vmx_invept(VMX_INVEPT_SINGLE, vm->eptp);
	else
		vmx_invept(VMX_INVEPT_ALL, 0);
	if (vx->vpid)
		vmx_invvpid_one(vx->vpid);
	vx->cpu = cpu;
	vx->tlb_gen = gen;
}

/*
 * CR0 values no CPU accepts, which VM entry cannot see because the CPU's
 * CR0 drops CD and NW (vmx_real_cr0()): fail the entry as SVM's VMRUN
 * does, as if the checks had run on the guest's value.
 */
static bool vmx_cr0_invalid(u64 cr0)
{
	return (cr0 >> 32) || ((cr0 & CR0_NW) && !(cr0 & CR0_CD)) ||
	       ((cr0 & CR0_PG) && !(cr0 & HX_CR0_PE));
}

static int vmx_vcpu_enter(struct hx_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_cpu *c;
	u32 cpu;
	int err, failed;

	if (vmx_cr0_invalid(vx->g.cr0)) {
		vx->exit.reason = EXIT_REASON_FAILED_ENTRY | EXIT_BAD_GUEST;
		vx->exit.insn_error = 0;
		return vmx_handle_exit(vx);
	}

	cpu = hxh_guest_enter();
	c = &vmx_cpus[cpu];
	err = vmx_take(c, vx);
	if (err) {
		hxh_guest_exit();
		return err;
	}
	if (!vx->setup_done)
		vmx_vmcs_setup(vx);
	vmx_host_state(vx);
	vmx_flush_if_needed(vx, cpu, c->stale);
	c->stale = false;
	vx->g.rsp = vcpu->gprs[HX_RSP];

	/* As on SVM: publish the CPU, then look at the queue. */
	__atomic_store_n(&vcpu->running_cpu, cpu, __ATOMIC_SEQ_CST);
	vmx_inject_events(vx);
	vmx_guest_write(vx);
	hx_fpu_enter(&vcpu->fpu);
	if (vx->g.dr7 & HX_DR7_ENABLED)
		hx_load_guest_db(vcpu->db);
	/* The VMCS has no CR2: the guest's is in the CPU during the run. */
	asm volatile("mov %0, %%cr2" :: "r"(vx->g.cr2) : "memory");
	failed = hxh_vmx_vmlaunch(vcpu->gprs);
	asm volatile("mov %%cr2, %0" : "=r"(vx->g.cr2) :: "memory");
	hx_fpu_leave(&vcpu->fpu);
	__atomic_store_n(&vcpu->running_cpu, HX_NOT_RUNNING, __ATOMIC_RELEASE);
	if (failed) {
		vx->exit.reason = EXIT_REASON_FAILED_ENTRY;
		vx->exit.insn_error = (u32)vmx_read(VMCS_INSN_ERROR);
	} else {
		vmx_guest_read(vx);
	}
	vmx_give_back(c, vx);
	hxh_guest_exit();

	vcpu->gprs[HX_RSP] = vx->g.rsp;
	vcpu->stats.exits++;
	return vmx_handle_exit(vx);
}

/* --- state ------------------------------------------------------------------ */

/* hx_seg.attrib (SVM's packing) and the VMCS access rights. */
static u32 ar_from_attrib(u16 attrib)
{
	u32 ar = (attrib & 0xff) | ((u32)(attrib & 0xf00) << 4);

	return (attrib & 0x80) ? ar : ar | AR_UNUSABLE;
}

static u16 attrib_from_ar(u32 ar)
{
	if (ar & AR_UNUSABLE)
		return 0;
	return (u16)((ar & 0xff) | ((ar >> 4) & 0xf00));
}

static void seg_get(struct hx_seg *d, const struct vmx_seg *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->sel = s->sel;
	d->attrib = attrib_from_ar(s->ar);
}

static void seg_put(struct vmx_seg *d, const struct hx_seg *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->sel = s->sel;
	d->ar = ar_from_attrib(s->attrib);
}

static void vmx_get_state(struct hx_vcpu *vcpu, struct hx_state *st)
{
	const struct vmx_guest *g = &to_vmx(vcpu)->g;

	__builtin_memcpy(st->gprs, vcpu->gprs, sizeof(st->gprs));
	st->rip = g->rip;
	st->rflags = g->rflags;
	seg_get(&st->es, &g->seg[VMX_ES]);
	seg_get(&st->cs, &g->seg[VMX_CS]);
	seg_get(&st->ss, &g->seg[VMX_SS]);
	seg_get(&st->ds, &g->seg[VMX_DS]);
	seg_get(&st->fs, &g->seg[VMX_FS]);
	seg_get(&st->gs, &g->seg[VMX_GS]);
	seg_get(&st->ldt, &g->seg[VMX_LDTR]);
	seg_get(&st->tr, &g->seg[VMX_TR]);
	st->gdt.base = g->gdtr_base;
	st->gdt.limit = (u16)g->gdtr_limit;
	st->idt.base = g->idtr_base;
	st->idt.limit = (u16)g->idtr_limit;
	st->cr0 = g->cr0;
	st->cr2 = g->cr2;
	st->cr3 = g->cr3;
	st->cr4 = g->cr4;
	st->efer = g->efer;
	__builtin_memcpy(st->db, vcpu->db, sizeof(st->db));
	st->dr6 = g->dr6;
	st->dr7 = g->dr7;
}

/*
 * User space may set any value: state the CPU rejects makes the entry
 * fail its checks, which comes back as HX_EXIT_FAIL_ENTRY.
 */
static void vmx_set_state(struct hx_vcpu *vcpu, const struct hx_state *st)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_guest *g = &vx->g;

	__builtin_memcpy(vcpu->gprs, st->gprs, sizeof(vcpu->gprs));
	g->rip = st->rip;
	g->rflags = st->rflags;
	seg_put(&g->seg[VMX_ES], &st->es);
	seg_put(&g->seg[VMX_CS], &st->cs);
	seg_put(&g->seg[VMX_SS], &st->ss);
	seg_put(&g->seg[VMX_DS], &st->ds);
	seg_put(&g->seg[VMX_FS], &st->fs);
	seg_put(&g->seg[VMX_GS], &st->gs);
	seg_put(&g->seg[VMX_LDTR], &st->ldt);
	seg_put(&g->seg[VMX_TR], &st->tr);
	g->gdtr_base = st->gdt.base;
	g->gdtr_limit = st->gdt.limit;
	g->idtr_base = st->idt.base;
	g->idtr_limit = st->idt.limit;
	g->cr0 = st->cr0;
	g->cr2 = st->cr2;
	g->cr3 = st->cr3;
	g->cr4 = st->cr4;
	g->efer = st->efer;
	if (st->efer & HX_EFER_LMA)
		vx->entry_ctls |= ENTRY_IA32E;
	else
		vx->entry_ctls &= ~ENTRY_IA32E;
	/* As on SVM: new state drops what was about to be delivered. */
	vx->entry_intr = 0;
	g->interruptibility = 0;
	g->pending_dbg = 0;
	__builtin_memcpy(vcpu->db, st->db, sizeof(vcpu->db));
	g->dr6 = st->dr6;
	g->dr7 = st->dr7;
	vcpu->dead = false;
	hx_emulate_cancel(vcpu);
}

static int vmx_get_msr(struct hx_vcpu *vcpu, u32 msr, u64 *val)
{
	return vmx_msr_read(to_vmx(vcpu), msr, val) ? -HX_EINVAL : 0;
}

static int vmx_set_msr(struct hx_vcpu *vcpu, u32 msr, u64 val)
{
	return vmx_msr_write(to_vmx(vcpu), msr, val) ? -HX_EINVAL : 0;
}

/* --- probe ------------------------------------------------------------------ */

static void vmx_exit_backend(void)
{
	vmx_cpus_exit();
}

static const struct hx_arch_ops vmx_ops = {
	.name = "vmx",
	.exit = vmx_exit_backend,
	.vm_alloc = vmx_vm_alloc,
	.vm_free = vmx_vm_free,
	.map_ram = vmx_map_ram,
	.map_page = vmx_map_page,
	.guest_tsc = vmx_guest_tsc,
	.unmap_page = vmx_unmap_page,
	.vcpu_alloc = vmx_vcpu_alloc,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_has_event = vmx_has_event,
	.vcpu_enter = vmx_vcpu_enter,
	.get_state = vmx_get_state,
	.set_state = vmx_set_state,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.cpu_arrive = vmx_cpu_arrive,
	.cpu_leave = vmx_cpu_leave,
	.stats = vmx_cpu_stats,
};

const struct hx_arch_ops *vmx_probe(const struct hx_caps *caps)
{
	if (!(caps->features & HX_CAP_VMX) ||
	    (caps->features & HX_CAP_VMX_DISABLED) ||
	    ((caps->features & HX_CAP_VPID) && !vmx_invvpid_usable()) ||
	    !(caps->features & HX_CAP_EPT) ||
	    !(caps->features & HX_CAP_UNRESTRICTED))
		return NULL;
	if (vmx_config_probe() || vmx_cpus_init())
		return NULL;
	hx_cpuid7_ebx_hidden = CPUID7_EBX_INVPCID;
	return &vmx_ops;
}
