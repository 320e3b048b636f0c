// SPDX-License-Identifier: GPL-2.0
/*
 * VM exits of the VMX backend: what each reason means for the guest and
 * the host (SDM vol. 3, chapter 27 and appendix C).
 */
#include <hxen/cpuid.h>
#include <hxen/debugreg.h>
#include <hxen/fpu.h>
#include <hxen/host.h>
#include <hxen/msr.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "vmcs.h"
#include "vmx.h"

#define CR0_TS			(1ULL << 3)
#define CR0_ET			(1ULL << 4)
#define CR0_NW			(1ULL << 29)
#define CR0_CD			(1ULL << 30)
#define CR0_PG			(1ULL << 31)
#define CR4_PSE			(1ULL << 4)
#define CR4_PAE			(1ULL << 5)
#define CR4_PGE			(1ULL << 7)
/*
 * CR4 bits a guest may set: VME, PVI, TSD, DE, PSE, PAE, MCE, PGE, PCE,
 * OSFXSR, OSXMMEXCPT, UMIP, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP, where
 * the CPU has them.  Never VMXE or SMXE.
 */
#define CR4_GUEST_BITS		0x3707ffULL
#define SEG_AR_L		(1U << 13)
#define EXIT_QUAL_DB_BITS	0x600fULL	/* B0-B3, BD, BS */
#define LEN_VMMCALL		3

void vmx_skip(struct vmx_vcpu *vx, u64 len)
{
	vx->g.rip += len;
	vx->g.interruptibility &= ~(INTERRUPT_STI | INTERRUPT_MOV_SS);
}

/* Real mode has no error codes; VM entry refuses them there. */
void vmx_inject_exception(struct vmx_vcpu *vx, u8 vector, bool has_error,
			  u32 error)
{
	vx->entry_intr = vector | INTR_TYPE_HW_EXC | INTR_INFO_VALID;
	vx->entry_error = 0;
	if (has_error && (vx->g.cr0 & HX_CR0_PE)) {
		vx->entry_intr |= INTR_INFO_ERROR;
		vx->entry_error = error;
	}
}

static int inject_gp(struct vmx_vcpu *vx)
{
	vmx_inject_exception(vx, HX_VECTOR_GP, true, 0);
	return 1;
}

static int inject_ud(struct vmx_vcpu *vx)
{
	vmx_inject_exception(vx, HX_VECTOR_UD, false, 0);
	return 1;
}

int vmx_exit_internal(struct vmx_vcpu *vx, u32 suberror)
{
	struct hx_exit *e = &vx->vcpu.exit;

	e->reason = HX_EXIT_INTERNAL;
	e->internal.suberror = suberror;
	e->internal.data[0] = vx->exit.reason;
	e->internal.data[1] = vx->exit.qual;
	e->internal.data[2] = vx->exit.gpa;
	e->internal.data[3] = vx->g.rip;
	return 0;
}

static bool long_mode_cs(const struct vmx_vcpu *vx)
{
	return (vx->g.efer & HX_EFER_LMA) &&
	       (vx->g.seg[VMX_CS].ar & SEG_AR_L);
}

static u8 cpl(const struct vmx_vcpu *vx)
{
	return (vx->g.seg[VMX_SS].ar >> 5) & 3;
}

static int vmx_hypercall(struct vmx_vcpu *vx, u32 len);

/*
 * After the exit: an event whose delivery the exit interrupted goes in
 * again on the next entry (SDM vol. 3, 27.2.4); the windows asked for
 * last time are asked for again only if still needed.
 */
static void vmx_requeue_event(struct vmx_vcpu *vx)
{
	const struct vmx_exit_info *e = &vx->exit;

	vx->cpu_ctls &= ~(CPU_INTR_WINDOW | CPU_NMI_WINDOW);
	vx->entry_intr = 0;
	if (e->idt_info & INTR_INFO_VALID) {
		vx->entry_intr = e->idt_info & ~INTR_INFO_NMI_UNBLOCK;
		vx->entry_error = e->idt_error;
		vx->entry_len = e->insn_len;
	}
}

/* An IRET that unblocked NMIs faulted: it runs again, so block again. */
static void vmx_nmi_reblock(struct vmx_vcpu *vx, bool unblocked)
{
	if (unblocked && !(vx->exit.idt_info & INTR_INFO_VALID))
		vx->g.interruptibility |= INTERRUPT_NMI;
}

static int vmx_exit_exception(struct vmx_vcpu *vx)
{
	u32 info = vx->exit.intr_info;
	u8 vector = info & INTR_INFO_VECTOR;

	if ((info & INTR_INFO_TYPE) == INTR_TYPE_NMI) {
		/* The host's NMI: it arrived in the guest and exited. */
		hxh_nmi_reflect();
		vx->vcpu.stats.intr++;
		return 1;
	}
	vmx_nmi_reblock(vx, info & INTR_INFO_NMI_UNBLOCK);
	switch (vector) {
	case HX_VECTOR_MC:
		hxh_machine_check();
		return 1;
	case HX_VECTOR_UD:
		if (!vmx_at_vmmcall(vx))
			return inject_ud(vx);
		return vmx_hypercall(vx, LEN_VMMCALL);
	case HX_VECTOR_DB:
		vx->g.dr6 |= vx->exit.qual & EXIT_QUAL_DB_BITS;
		vmx_inject_exception(vx, vector, false, 0);
		break;
	default:
		vmx_inject_exception(vx, vector, info & INTR_INFO_ERROR,
				     vx->exit.intr_error);
		break;
	}
	vx->vcpu.stats.exceptions++;
	return 1;
}

static int vmx_exit_intr(struct vmx_vcpu *vx)
{
	/* The host takes the interrupt once interrupts are on again. */
	vx->vcpu.stats.intr++;
	return 1;
}

static int vmx_exit_window(struct vmx_vcpu *vx)
{
	vx->vcpu.stats.irq_windows++;
	return 1;
}

static int vmx_exit_resume(struct vmx_vcpu *vx)
{
	return 1;
}

static int vmx_exit_triple_fault(struct vmx_vcpu *vx)
{
	vx->vcpu.dead = true;
	vx->vcpu.exit.reason = HX_EXIT_SHUTDOWN;
	return 0;
}

static int vmx_exit_cpuid(struct vmx_vcpu *vx)
{
	u64 *g = vx->vcpu.gprs;
	u32 r[4];

	hx_guest_cpuid(&vx->vcpu, (u32)g[HX_RAX], (u32)g[HX_RCX], vx->g.cr4, r);
	g[HX_RAX] = r[0];
	g[HX_RBX] = r[1];
	g[HX_RCX] = r[2];
	g[HX_RDX] = r[3];
	vmx_skip(vx, vx->exit.insn_len);
	vx->vcpu.stats.cpuid++;
	return 1;
}

/* HLT as on SVM: sleep until an event, or let the host decide. */
static int vmx_exit_hlt(struct vmx_vcpu *vx)
{
	struct hx_vcpu *vcpu = &vx->vcpu;

	vmx_skip(vx, vx->exit.insn_len);
	vcpu->stats.hlt++;
	if ((hx_vcpu_events(vcpu) & HX_EVENT_NMI) &&
	    !(vx->g.interruptibility & INTERRUPT_NMI))
		return 1;
	if (!(vx->g.rflags & VMX_RFLAGS_IF)) {
		vcpu->exit.reason = HX_EXIT_HLT;
		return 0;
	}
	hx_vcpu_wait(vcpu, NULL, NULL, 0);
	return 1;
}

/* VMCALL, or VMMCALL (@len bytes both), as on SVM. */
static int vmx_hypercall(struct vmx_vcpu *vx, u32 len)
{
	if (vx->vcpu.vm->xen.enabled)
		return vmx_xen_hypercall(vx, len);
	vmx_skip(vx, len);
	hx_vcpu_hypercall_exit(&vx->vcpu);
	return 0;
}

static int vmx_exit_vmcall(struct vmx_vcpu *vx)
{
	return vmx_hypercall(vx, vx->exit.insn_len);
}

/* Instructions the guest does not have (VMX, SMX, MONITOR/MWAIT). */
static int vmx_exit_ud(struct vmx_vcpu *vx)
{
	return inject_ud(vx);
}

/* PAE paging outside long mode: entry loads the PDPTEs from the VMCS. */
static bool vmx_pae_legacy(const struct vmx_guest *g)
{
	return (g->cr0 & CR0_PG) && (g->cr4 & CR4_PAE) &&
	       !(g->efer & HX_EFER_LMA);
}

/* MOV to CR0 (or LMSW): 0, or -1 for #GP. */
static int vmx_set_cr0(struct vmx_vcpu *vx, u64 val)
{
	struct vmx_guest *g = &vx->g;

	val |= CR0_ET;
	if ((val >> 32) || ((val & CR0_PG) && !(val & HX_CR0_PE)) ||
	    ((val & CR0_NW) && !(val & CR0_CD)))
		return -1;
	if ((val & CR0_PG) && !(g->cr0 & CR0_PG) && (g->efer & HX_EFER_LME)) {
		if (!(g->cr4 & CR4_PAE))
			return -1;
		g->efer |= HX_EFER_LMA;
		vx->entry_ctls |= ENTRY_IA32E;
	} else if (!(val & CR0_PG) && (g->efer & HX_EFER_LMA)) {
		g->efer &= ~HX_EFER_LMA;
		vx->entry_ctls &= ~ENTRY_IA32E;
	}
	g->cr0 = val;
	if (vmx_pae_legacy(g))
		return vmx_load_pdptes(vx);
	return 0;
}

static int vmx_set_cr4(struct vmx_vcpu *vx, u64 val)
{
	struct vmx_guest *g = &vx->g;
	u64 old = g->cr4;

	if (val & ~(CR4_GUEST_BITS & vmx_cfg.cr4_fixed1))
		return -1;
	if (!(val & CR4_PAE) && (g->efer & HX_EFER_LMA))
		return -1;
	g->cr4 = val;
	if (vmx_pae_legacy(g) &&
	    ((old ^ val) & (CR4_PSE | CR4_PAE | CR4_PGE)))
		return vmx_load_pdptes(vx);
	return 0;
}

/* MOV to/from CR0, CR3, CR4, CR8 and LMSW (SDM vol. 3, table 28-3). */
static int vmx_exit_cr(struct vmx_vcpu *vx)
{
	u64 qual = vx->exit.qual;
	u32 cr = qual & QUAL_CR_NUM;
	u32 type = (qual >> QUAL_CR_TYPE_SHIFT) & 3;
	u64 *gpr = &vx->vcpu.gprs[(qual >> QUAL_CR_GPR_SHIFT) & 0xf];
	u64 val = long_mode_cs(vx) ? *gpr : (u32)*gpr;
	int err = 0;

	switch (type) {
	case 0:		/* MOV to CR */
		if (cr == 0)
			err = vmx_set_cr0(vx, val);
		else if (cr == 4)
			err = vmx_set_cr4(vx, val);
		else if (cr == 3)
			vx->g.cr3 = val;
		else if (cr == 8)
			err = (val & ~0xfULL) ? -1 : (vx->g.cr8 = val, 0);
		else
			return vmx_exit_internal(vx, HX_INTERNAL_UNHANDLED_EXIT);
		if (cr == 3 && vmx_pae_legacy(&vx->g))
			err = vmx_load_pdptes(vx);
		break;
	case 1:		/* MOV from CR: only CR3 and CR8 exit */
		*gpr = cr == 3 ? vx->g.cr3 : vx->g.cr8;
		break;
	case 2:		/* CLTS */
		vx->g.cr0 &= ~CR0_TS;
		break;
	default:	/* LMSW: PE, MP, EM, TS; it can set PE, not clear it */
		val = (qual >> QUAL_CR_LMSW_SHIFT) & 0xf;
		err = vmx_set_cr0(vx, (vx->g.cr0 & ~0xeULL) | val);
		break;
	}
	if (err)
		return inject_gp(vx);
	vmx_skip(vx, vx->exit.insn_len);
	return 1;
}

/*
 * MOV to/from DRn.  The CPU checks CPL and CR4.DE before the exit, so
 * DR4/DR5 here are the aliases of DR6/DR7.
 */
static int vmx_exit_dr(struct vmx_vcpu *vx)
{
	u64 qual = vx->exit.qual;
	u32 dr = qual & QUAL_DR_NUM;
	u64 *gpr = &vx->vcpu.gprs[(qual >> QUAL_DR_GPR_SHIFT) & 0xf];
	struct vmx_guest *g = &vx->g;

	if (dr == 4 || dr == 5)
		dr += 2;
	if (qual & QUAL_DR_READ) {
		*gpr = hx_dr_read(vx->vcpu.db, g->dr6, g->dr7, dr);
		if (!long_mode_cs(vx))
			*gpr = (u32)*gpr;
	} else if (hx_dr_write(vx->vcpu.db, &g->dr6, &g->dr7, dr,
			       long_mode_cs(vx) ? *gpr : (u32)*gpr)) {
		return inject_gp(vx);
	}
	vmx_skip(vx, vx->exit.insn_len);
	return 1;
}

static int vmx_exit_io(struct vmx_vcpu *vx)
{
	u64 qual = vx->exit.qual;
	u8 size = (u8)(qual & QUAL_IO_SIZE) + 1;
	u16 port = (u16)(qual >> QUAL_IO_PORT_SHIFT);
	bool in = qual & QUAL_IO_IN;

	if (qual & QUAL_IO_STRING)
		return vmx_exit_string_io(vx, port, size, in,
					  qual & QUAL_IO_REP);
	if (hx_vcpu_io_exit(&vx->vcpu, port, size, in))
		return vmx_exit_internal(vx, HX_INTERNAL_EMULATION);
	vmx_skip(vx, vx->exit.insn_len);
	return 0;
}

static int vmx_exit_msr(struct vmx_vcpu *vx)
{
	u64 *g = vx->vcpu.gprs, val;
	u32 msr = (u32)g[HX_RCX];

	vx->vcpu.stats.msr++;
	if ((vx->exit.reason & 0xffff) == EXIT_WRMSR) {
		val = (g[HX_RDX] << 32) | (u32)g[HX_RAX];
		if (vmx_msr_write(vx, msr, val))
			return inject_gp(vx);
	} else {
		if (vmx_msr_read(vx, msr, &val))
			return inject_gp(vx);
		g[HX_RAX] = (u32)val;
		g[HX_RDX] = val >> 32;
	}
	vmx_skip(vx, vx->exit.insn_len);
	return 1;
}

/* XSETBV: #UD without CR4.OSXSAVE, #GP at CPL > 0 or for a bad value. */
static int vmx_exit_xsetbv(struct vmx_vcpu *vx)
{
	u64 *g = vx->vcpu.gprs;

	if (!(vx->g.cr4 & HX_CR4_OSXSAVE))
		return inject_ud(vx);
	if (cpl(vx) || hx_fpu_xsetbv(&vx->vcpu.fpu, (u32)g[HX_RCX],
				     (g[HX_RDX] << 32) | (u32)g[HX_RAX]))
		return inject_gp(vx);
	vmx_skip(vx, vx->exit.insn_len);
	return 1;
}

static int vmx_exit_mce(struct vmx_vcpu *vx)
{
	hxh_machine_check();
	return 1;
}

static int vmx_exit_ept(struct vmx_vcpu *vx)
{
	vmx_nmi_reblock(vx, vx->exit.qual & QUAL_EPT_NMI_UNBLOCK);
	return vmx_exit_ept_violation(vx);
}

static int (*const vmx_exit_handlers[EXIT_NR])(struct vmx_vcpu *vx) = {
	[EXIT_EXCEPTION] = vmx_exit_exception,
	[EXIT_EXT_INTR] = vmx_exit_intr,
	[EXIT_TRIPLE_FAULT] = vmx_exit_triple_fault,
	[EXIT_INIT] = vmx_exit_resume,
	[EXIT_SIPI] = vmx_exit_resume,
	[EXIT_INTR_WINDOW] = vmx_exit_window,
	[EXIT_NMI_WINDOW] = vmx_exit_resume,
	[EXIT_CPUID] = vmx_exit_cpuid,
	[EXIT_GETSEC] = vmx_exit_ud,
	[EXIT_HLT] = vmx_exit_hlt,
	[EXIT_VMCALL] = vmx_exit_vmcall,
	[EXIT_VMCLEAR ... EXIT_VMXON] = vmx_exit_ud,
	[EXIT_CR] = vmx_exit_cr,
	[EXIT_DR] = vmx_exit_dr,
	[EXIT_IO] = vmx_exit_io,
	[EXIT_RDMSR] = vmx_exit_msr,
	[EXIT_WRMSR] = vmx_exit_msr,
	[EXIT_MWAIT] = vmx_exit_ud,
	[EXIT_MONITOR] = vmx_exit_ud,
	[EXIT_MCE] = vmx_exit_mce,
	[EXIT_EPT_VIOLATION] = vmx_exit_ept,
	[EXIT_INVEPT] = vmx_exit_ud,
	[EXIT_INVVPID] = vmx_exit_ud,
	[EXIT_XSETBV] = vmx_exit_xsetbv,
};

int vmx_handle_exit(struct vmx_vcpu *vx)
{
	u32 reason = vx->exit.reason;
	u32 basic = reason & 0xffff;

	if (reason & EXIT_REASON_FAILED_ENTRY) {
		/* VMLAUNCH failed (insn_error) or the guest state is bad. */
		vx->vcpu.exit.reason = HX_EXIT_FAIL_ENTRY;
		vx->vcpu.exit.hw_exit_code = ((u64)vx->exit.insn_error << 32) |
					     reason;
		return 0;
	}
	vmx_requeue_event(vx);
	if (basic >= EXIT_NR || !vmx_exit_handlers[basic])
		return vmx_exit_internal(vx, HX_INTERNAL_UNHANDLED_EXIT);
	return vmx_exit_handlers[basic](vx);
}
