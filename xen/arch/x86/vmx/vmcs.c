// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCS: which controls the CPU allows (from its capability MSRs,
 * never hard-coded), the fields set once per vCPU, the host state of
 * each run, and the guest state copied in before every entry and out
 * after every exit.
 */
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/msr.h>
#include <hxen/x86.h>

#include "insn.h"
#include "vmcs.h"
#include "vmx.h"

#define CR0_MP			(1ULL << 1)
#define CR0_TS			(1ULL << 3)
#define CR0_NW			(1ULL << 29)
#define CR0_CD			(1ULL << 30)
#define CR0_PG			(1ULL << 31)
/* CR0 bits the guest changes without an exit (CLTS, and FPU emulation). */
#define CR0_GUEST_OWNED		(CR0_TS | CR0_MP)

#define RESET_CR0		0x60000010ULL
#define RESET_RFLAGS		0x2ULL
#define RESET_DR6		0xffff0ff0ULL
#define RESET_DR7		0x400ULL
#define AR_CODE16		0x009b	/* present, code, read, accessed */
#define AR_DATA16		0x0093	/* present, data, write, accessed */
#define AR_LDT			0x0082
#define AR_TSS16_BUSY		0x008b

struct vmx_config vmx_cfg;

/* MSRs VMX leaves alone that a guest changes: switched by the MSR areas. */
static const u32 vmx_switched_msrs[] = {
	HX_MSR_KERNEL_GS_BASE, HX_MSR_STAR, HX_MSR_LSTAR, HX_MSR_CSTAR,
	HX_MSR_SFMASK,
};

/*
 * A control field from its capability MSR: bits 31:0 must be 1, bits
 * 63:32 may be 1 (SDM vol. 3, A.3-A.5).  Every bit of @want must be
 * allowed; @optional bits are taken where allowed.
 */
static int vmx_adjust(u32 msr, u32 want, u32 optional, u32 *out)
{
	u64 cap;
	u32 must, may;

	if (hxh_rdmsr_safe(msr, &cap))
		return -HX_ENODEV;
	must = (u32)cap;
	may = (u32)(cap >> 32);
	if ((want & may) != want)
		return -HX_ENODEV;
	*out = want | (optional & may) | must;
	return 0;
}

int vmx_config_probe(void)
{
	struct vmx_config *c = &vmx_cfg;
	u64 basic, v;
	bool true_ctls;
	u32 i, pin_msr, cpu_msr, exit_msr, entry_msr;

	if (hxh_rdmsr_safe(MSR_VMX_BASIC, &basic))
		return -HX_ENODEV;
	c->revision = (u32)(basic & VMX_BASIC_REVISION);
	true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	pin_msr = true_ctls ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED;
	cpu_msr = true_ctls ? MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED;
	exit_msr = true_ctls ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT;
	entry_msr = true_ctls ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY;

	if (vmx_adjust(pin_msr, PIN_EXT_INTR | PIN_NMI | PIN_VIRTUAL_NMIS, 0,
		       &c->pin) ||
	    vmx_adjust(cpu_msr, CPU_HLT | CPU_MOV_DR | CPU_UNCOND_IO |
			       CPU_CR8_LOAD | CPU_CR8_STORE | CPU_MWAIT |
			       CPU_MONITOR | CPU_TSC_OFFSET | CPU_SECONDARY |
			       CPU_INTR_WINDOW | CPU_NMI_WINDOW, 0, &c->cpu) ||
	    vmx_adjust(MSR_VMX_PROCBASED2, CPU2_EPT | CPU2_UNRESTRICTED,
		       CPU2_VPID, &c->cpu2) ||
	    vmx_adjust(exit_msr, EXIT_HOST_64 | EXIT_SAVE_EFER |
				EXIT_LOAD_EFER | EXIT_SAVE_PAT | EXIT_LOAD_PAT,
		       EXIT_SAVE_DEBUG, &c->exit) ||
	    vmx_adjust(entry_msr, ENTRY_LOAD_EFER | ENTRY_LOAD_PAT,
		       ENTRY_LOAD_DEBUG, &c->entry))
		return -HX_ENODEV;
	/* The windows are opened when needed; IA-32e mode follows EFER.LMA. */
	c->cpu &= ~(CPU_INTR_WINDOW | CPU_NMI_WINDOW);
	c->entry &= ~ENTRY_IA32E;

	if (hxh_rdmsr_safe(MSR_VMX_CR0_FIXED0, &c->cr0_fixed0) ||
	    hxh_rdmsr_safe(MSR_VMX_CR0_FIXED1, &c->cr0_fixed1) ||
	    hxh_rdmsr_safe(MSR_VMX_CR4_FIXED0, &c->cr4_fixed0) ||
	    hxh_rdmsr_safe(MSR_VMX_CR4_FIXED1, &c->cr4_fixed1) ||
	    hxh_rdmsr_safe(MSR_VMX_EPT_VPID_CAP, &c->ept_caps))
		return -HX_ENODEV;
	/* Four-level write-back EPT with 2 MiB pages, and a way to flush it. */
	if ((c->ept_caps & (VMX_EPT_WALK_4 | VMX_EPT_WB | VMX_EPT_2MB |
			    VMX_EPT_INVEPT)) !=
	    (VMX_EPT_WALK_4 | VMX_EPT_WB | VMX_EPT_2MB | VMX_EPT_INVEPT) ||
	    !(c->ept_caps & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)))
		return -HX_ENODEV;

	c->nr_msrs = 0;
	for (i = 0; i < HX_ARRAY_SIZE(vmx_switched_msrs); i++)
		if (hxh_rdmsr_safe(vmx_switched_msrs[i], &v) == 0)
			c->msrs[c->nr_msrs++] = vmx_switched_msrs[i];
	return 0;
}

/*
 * The CPU's CR0 for the guest's: the bits VMX requires (PE and PG may
 * be clear with unrestricted guest), and caching always on, as the EPT
 * maps guest RAM write-back.
 */
u64 vmx_real_cr0(u64 cr0)
{
	u64 fixed0 = vmx_cfg.cr0_fixed0 & ~(HX_CR0_PE | CR0_PG);

	return ((cr0 & ~(CR0_CD | CR0_NW)) | fixed0) & vmx_cfg.cr0_fixed1;
}

u64 vmx_real_cr4(u64 cr4)
{
	return (cr4 | vmx_cfg.cr4_fixed0) & vmx_cfg.cr4_fixed1;
}

/* The guest's value of a switched MSR, or NULL if it is not one. */
u64 *vmx_guest_msr(struct vmx_vcpu *vx, u32 msr)
{
	u32 i;

	for (i = 0; i < vmx_cfg.nr_msrs; i++)
		if (vx->guest_msrs[i].index == msr)
			return &vx->guest_msrs[i].value;
	return NULL;
}

static u16 read_sel(int which)
{
	u16 sel;

	if (which == VMX_CS)
		asm volatile("mov %%cs, %0" : "=r"(sel));
	else if (which == VMX_SS)
		asm volatile("mov %%ss, %0" : "=r"(sel));
	else
		asm volatile("str %0" : "=r"(sel));
	return sel;
}

/*
 * Fields that stay for the vCPU's life, written once while its VMCS is
 * current for the first time.  The VMCS keeps them across VMCLEAR.
 */
void vmx_vmcs_setup(struct vmx_vcpu *vx)
{
	struct vmx_vm *vm = to_vmx_vm(vx->vcpu.vm);
	u64 msrs_pa = hxh_page_to_pa(vx->msr_page);
	u32 n = vmx_cfg.nr_msrs;

	vmx_write(VMCS_LINK, ~0ULL);
	vmx_write(VMCS_PIN_CTLS, vmx_cfg.pin);
	vmx_write(VMCS_CPU_CTLS2, vmx_cfg.cpu2);
	vmx_write(VMCS_EXIT_CTLS, vmx_cfg.exit);
	/*
	 * #DB and #AC as on SVM (see svm_vmcb_init()); #MC is the host's;
	 * #UD for VMMCALL (vmx_at_vmmcall()).
	 */
	vmx_write(VMCS_EXC_BITMAP, (1U << HX_VECTOR_DB) | (1U << HX_VECTOR_UD) |
		  (1U << HX_VECTOR_AC) | (1U << HX_VECTOR_MC));
	/* A VMCS region's contents are the CPU's: set what must be zero. */
	vmx_write(VMCS_PF_ERROR_MASK, 0);
	vmx_write(VMCS_PF_ERROR_MATCH, 0);
	vmx_write(VMCS_CR3_TARGET_COUNT, 0);
	vmx_write(VMCS_CR0_MASK, ~CR0_GUEST_OWNED);
	vmx_write(VMCS_CR4_MASK, ~0ULL);
	vmx_write(VMCS_EPTP, vm->eptp);
	if (vx->vpid)
		vmx_write(VMCS_VPID, vx->vpid);
	/* Guest MSRs: loaded on entry, stored on exit; the host's after. */
	vmx_write(VMCS_ENTRY_MSR_LOAD, msrs_pa);
	vmx_write(VMCS_EXIT_MSR_STORE, msrs_pa);
	vmx_write(VMCS_EXIT_MSR_LOAD, msrs_pa + HX_PAGE_SIZE / 2);
	vmx_write(VMCS_ENTRY_MSR_LOAD_COUNT, n);
	vmx_write(VMCS_EXIT_MSR_STORE_COUNT, n);
	vmx_write(VMCS_EXIT_MSR_LOAD_COUNT, n);
	/* Host segments: DS, ES, FS and GS are the host's to reload. */
	vmx_write(HOST_CS_SEL, read_sel(VMX_CS));
	vmx_write(HOST_SS_SEL, read_sel(VMX_SS) & ~7U);
	vmx_write(HOST_DS_SEL, 0);
	vmx_write(HOST_ES_SEL, 0);
	vmx_write(HOST_FS_SEL, 0);
	vmx_write(HOST_GS_SEL, 0);
	vmx_write(HOST_TR_SEL, read_sel(VMX_TR));
	vx->setup_done = true;
}

static u64 rdmsr_or_0(u32 msr)
{
	u64 v = 0;

	hxh_rdmsr_safe(msr, &v);
	return v;
}

/* The base of the host's TSS, from its 16-byte descriptor in the GDT. */
static u64 host_tr_base(u64 gdt_base)
{
	const u32 *d = (const u32 *)(gdt_base + (read_sel(VMX_TR) & ~7U));

	return ((d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000U)) |
	       ((u64)d[2] << 32);
}

/* The host state a VM exit loads: read fresh for each run. */
void vmx_host_state(struct vmx_vcpu *vx)
{
	struct { u16 limit; u64 base; } __packed gdt, idt;
	u64 cr0, cr3;
	u32 i;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	asm volatile("sgdt %0" : "=m"(gdt));
	asm volatile("sidt %0" : "=m"(idt));
	vmx_write(HOST_CR0, cr0);
	vmx_write(HOST_CR3, cr3);
	vmx_write(HOST_CR4, hxh_read_cr4());
	vmx_write(HOST_FS_BASE, rdmsr_or_0(HX_MSR_FS_BASE));
	vmx_write(HOST_GS_BASE, rdmsr_or_0(HX_MSR_GS_BASE));
	vmx_write(HOST_GDTR_BASE, gdt.base);
	vmx_write(HOST_IDTR_BASE, idt.base);
	vmx_write(HOST_TR_BASE, host_tr_base(gdt.base));
	vmx_write(HOST_SYSENTER_CS, rdmsr_or_0(HX_MSR_SYSENTER_CS));
	vmx_write(HOST_SYSENTER_ESP, rdmsr_or_0(HX_MSR_SYSENTER_ESP));
	vmx_write(HOST_SYSENTER_EIP, rdmsr_or_0(HX_MSR_SYSENTER_EIP));
	vmx_write(HOST_EFER, rdmsr_or_0(HX_MSR_EFER));
	vmx_write(HOST_PAT, rdmsr_or_0(HX_MSR_PAT));
	for (i = 0; i < vmx_cfg.nr_msrs; i++)
		vx->host_msrs[i].value = rdmsr_or_0(vx->host_msrs[i].index);
}

void vmx_guest_write(struct vmx_vcpu *vx)
{
	const struct vmx_guest *g = &vx->g;
	u32 i;

	for (i = 0; i < VMX_NR_SEGS; i++) {
		const struct vmx_seg *s = &g->seg[i];

		vmx_write(VMCS_SEG(GUEST_ES_SEL, i), s->sel);
		vmx_write(VMCS_SEG(GUEST_ES_LIMIT, i), s->limit);
		vmx_write(VMCS_SEG(GUEST_ES_AR, i), s->ar);
		vmx_write(VMCS_SEG(GUEST_ES_BASE, i), s->base);
	}
	vmx_write(GUEST_GDTR_BASE, g->gdtr_base);
	vmx_write(GUEST_GDTR_LIMIT, g->gdtr_limit);
	vmx_write(GUEST_IDTR_BASE, g->idtr_base);
	vmx_write(GUEST_IDTR_LIMIT, g->idtr_limit);
	vmx_write(GUEST_CR0, vmx_real_cr0(g->cr0));
	vmx_write(VMCS_CR0_SHADOW, g->cr0);
	vmx_write(GUEST_CR3, g->cr3);
	vmx_write(GUEST_CR4, vmx_real_cr4(g->cr4));
	vmx_write(VMCS_CR4_SHADOW, g->cr4);
	vmx_write(GUEST_DR7, g->dr7);
	vmx_write(GUEST_DEBUGCTL, 0);
	vmx_write(GUEST_RSP, g->rsp);
	vmx_write(GUEST_RIP, g->rip);
	vmx_write(GUEST_RFLAGS, g->rflags);
	vmx_write(GUEST_PENDING_DBG, g->pending_dbg);
	vmx_write(GUEST_SYSENTER_CS, g->sysenter_cs);
	vmx_write(GUEST_SYSENTER_ESP, g->sysenter_esp);
	vmx_write(GUEST_SYSENTER_EIP, g->sysenter_eip);
	vmx_write(GUEST_INTERRUPTIBILITY, g->interruptibility);
	vmx_write(GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmx_write(GUEST_EFER, g->efer);
	vmx_write(GUEST_PAT, g->pat);
	for (i = 0; i < 4; i++)
		vmx_write(GUEST_PDPTE0 + 2 * i, g->pdpte[i]);
	vmx_write(VMCS_CPU_CTLS, vx->cpu_ctls);
	vmx_write(VMCS_ENTRY_CTLS, vx->entry_ctls);
	vmx_write(VMCS_ENTRY_INTR_INFO, vx->entry_intr);
	vmx_write(VMCS_ENTRY_ERROR, vx->entry_error);
	vmx_write(VMCS_ENTRY_INSN_LEN, vx->entry_len);
	vmx_write(VMCS_TSC_OFFSET, vx->tsc_offset);
}

void vmx_guest_read(struct vmx_vcpu *vx)
{
	struct vmx_guest *g = &vx->g;
	struct vmx_exit_info *e = &vx->exit;
	u32 i;

	e->reason = (u32)vmx_read(VMCS_EXIT_REASON);
	e->qual = vmx_read(VMCS_QUALIFICATION);
	e->intr_info = (u32)vmx_read(VMCS_EXIT_INTR_INFO);
	e->intr_error = (u32)vmx_read(VMCS_EXIT_INTR_ERROR);
	e->idt_info = (u32)vmx_read(VMCS_IDT_INFO);
	e->idt_error = (u32)vmx_read(VMCS_IDT_ERROR);
	e->insn_len = (u32)vmx_read(VMCS_EXIT_INSN_LEN);
	e->gpa = vmx_read(VMCS_GUEST_PHYS);
	for (i = 0; i < VMX_NR_SEGS; i++) {
		struct vmx_seg *s = &g->seg[i];

		s->sel = (u16)vmx_read(VMCS_SEG(GUEST_ES_SEL, i));
		s->limit = (u32)vmx_read(VMCS_SEG(GUEST_ES_LIMIT, i));
		s->ar = (u32)vmx_read(VMCS_SEG(GUEST_ES_AR, i));
		s->base = vmx_read(VMCS_SEG(GUEST_ES_BASE, i));
	}
	g->gdtr_base = vmx_read(GUEST_GDTR_BASE);
	g->gdtr_limit = (u32)vmx_read(GUEST_GDTR_LIMIT);
	g->idtr_base = vmx_read(GUEST_IDTR_BASE);
	g->idtr_limit = (u32)vmx_read(GUEST_IDTR_LIMIT);
	g->cr0 = (g->cr0 & ~CR0_GUEST_OWNED) |
		 (vmx_read(GUEST_CR0) & CR0_GUEST_OWNED);
	g->cr3 = vmx_read(GUEST_CR3);
	g->dr7 = vmx_read(GUEST_DR7);
	g->rsp = vmx_read(GUEST_RSP);
	g->rip = vmx_read(GUEST_RIP);
	g->rflags = vmx_read(GUEST_RFLAGS);
	g->pending_dbg = vmx_read(GUEST_PENDING_DBG);
	g->sysenter_cs = (u32)vmx_read(GUEST_SYSENTER_CS);
	g->sysenter_esp = vmx_read(GUEST_SYSENTER_ESP);
	g->sysenter_eip = vmx_read(GUEST_SYSENTER_EIP);
	g->interruptibility = (u32)vmx_read(GUEST_INTERRUPTIBILITY);
	g->efer = vmx_read(GUEST_EFER);
	g->pat = vmx_read(GUEST_PAT);
	for (i = 0; i < 4; i++)
		g->pdpte[i] = vmx_read(GUEST_PDPTE0 + 2 * i);
	vx->entry_ctls = (u32)vmx_read(VMCS_ENTRY_CTLS);
}

static void seg_set(struct vmx_seg *s, u16 sel, u64 base, u32 ar)
{
	s->sel = sel;
	s->base = base;
	s->limit = 0xffff;
	s->ar = ar;
}

/* The state of an x86 CPU after RESET, at F000:FFF0 (SDM vol. 3, 10.1). */
void vmx_reset_state(struct vmx_guest *g)
{
	int i;

	__builtin_memset(g, 0, sizeof(*g));
	for (i = 0; i < VMX_NR_SEGS; i++)
		seg_set(&g->seg[i], 0, 0, AR_DATA16);
	seg_set(&g->seg[VMX_CS], 0xf000, 0xffff0000, AR_CODE16);
	seg_set(&g->seg[VMX_LDTR], 0, 0, AR_LDT);
	seg_set(&g->seg[VMX_TR], 0, 0, AR_TSS16_BUSY);
	g->gdtr_limit = 0xffff;
	g->idtr_limit = 0xffff;
	g->cr0 = RESET_CR0;
	g->rflags = RESET_RFLAGS;
	g->rip = 0xfff0;
	g->dr6 = RESET_DR6;
	g->dr7 = RESET_DR7;
	g->pat = HX_PAT_RESET;
}
