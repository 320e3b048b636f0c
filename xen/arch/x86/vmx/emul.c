// SPDX-License-Identifier: GPL-2.0
/*
 * VMX exits that need the instruction emulator or guest memory: MMIO
 * (EPT violations in holes), string I/O, Xen hypercalls, and the PAE
 * page-directory pointers that VM entry loads from the VMCS.
 */
#include <hxen/emulate.h>
#include <hxen/guest_ram.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "vmcs.h"
#include "vmx.h"

#define SEG_AR_L		(1U << 13)
#define SEG_AR_DB		(1U << 14)
#define RFLAGS_VM		(1ULL << 17)
#define PDPTE_PRESENT		(1ULL << 0)
/* PDPTE bits that must be 0: 2:1, 8:5 and above MAXPHYADDR (52). */
#define PDPTE_RESERVED		(0x1e6ULL | 0xfff0000000000000ULL)

/* The guest state the emulator needs. */
static void vmx_emul_ctx(struct vmx_vcpu *vx, struct hx_emul_ctx *ctx)
{
	const struct vmx_guest *g = &vx->g;
	u32 cs_ar = g->seg[VMX_CS].ar;
	int i;

	__builtin_memset(ctx, 0, sizeof(*ctx));
	ctx->vcpu = &vx->vcpu;
	ctx->rip = g->rip;
	ctx->rflags = g->rflags;
	/* enum hx_sreg and the VMCS use the same order. */
	for (i = 0; i < HX_NR_SREGS; i++)
		ctx->seg_base[i] = g->seg[i].base;
	if ((g->efer & HX_EFER_LMA) && (cs_ar & SEG_AR_L))
		ctx->cs_bits = 64;
	else if ((g->cr0 & HX_CR0_PE) && !(g->rflags & RFLAGS_VM) &&
		 (cs_ar & SEG_AR_DB))
		ctx->cs_bits = 32;
	else
		ctx->cs_bits = 16;
	ctx->cpl = (g->seg[VMX_SS].ar >> 5) & 3;
	ctx->paging.cr0 = g->cr0;
	ctx->paging.cr3 = g->cr3;
	ctx->paging.cr4 = g->cr4;
	ctx->paging.efer = g->efer;
}

/* Apply what the emulator decided; 1: resume the guest, 0: exit. */
static int vmx_emul_done(struct vmx_vcpu *vx, struct hx_emul_ctx *ctx,
			 int result)
{
	switch (result) {
	case HX_EMUL_RESUME:
	case HX_EMUL_EXIT:
		if (ctx->rip != vx->g.rip)
			vmx_skip(vx, ctx->rip - vx->g.rip);
		return result == HX_EMUL_RESUME;
	case HX_EMUL_FAULT:
		if (ctx->fault_vector == HX_VECTOR_PF)
			vx->g.cr2 = ctx->fault_cr2;
		vmx_inject_exception(vx, ctx->fault_vector,
				     ctx->fault_has_error, ctx->fault_error);
		return 1;
	default:
		return vmx_exit_internal(vx, HX_INTERNAL_EMULATION);
	}
}

/*
 * Guest RAM is mapped in full, so an EPT violation is an access to a
 * hole: MMIO for the device model.  As on SVM, executing from a hole and
 * faults while delivering an event are not emulated.
 */
int vmx_exit_ept_violation(struct vmx_vcpu *vx)
{
	struct hx_emul_ctx ctx;
	u64 gpa = vx->exit.gpa;
	int ret;

	vx->vcpu.stats.npf++;
	if ((vx->exit.idt_info & INTR_INFO_VALID) ||
	    (vx->exit.qual & QUAL_EPT_FETCH) ||
	    hx_ram_page(&vx->vcpu.vm->ram, gpa))
		return vmx_exit_internal(vx, HX_INTERNAL_EMULATION);
	vmx_emul_ctx(vx, &ctx);
	ret = hx_emulate_mmio(&ctx, gpa);
	if (ret == HX_EMUL_EXIT)
		vx->vcpu.stats.mmio++;
	return vmx_emul_done(vx, &ctx, ret);
}

/* INS/OUTS, with or without REP; the address size comes from decoding. */
int vmx_exit_string_io(struct vmx_vcpu *vx, u16 port, u8 size, bool in,
		       bool rep)
{
	struct hx_emul_ctx ctx;
	int ret;

	vmx_emul_ctx(vx, &ctx);
	ret = hx_emulate_string_io(&ctx, port, size, in, rep, 0);
	if (ret == HX_EMUL_EXIT)
		vx->vcpu.stats.io++;
	return vmx_emul_done(vx, &ctx, ret);
}

/* VMCALL (or VMMCALL) of a guest that speaks the Xen ABI. */
int vmx_xen_hypercall(struct vmx_vcpu *vx, u32 len)
{
	struct hx_emul_ctx ctx;

	vmx_emul_ctx(vx, &ctx);
	return vmx_emul_done(vx, &ctx, hx_xen_hypercall(&ctx, len));
}

/*
 * #UD at VMMCALL, AMD's hypercall instruction, which Intel CPUs do not
 * know: a guest written for SVM (or moved from an AMD host) makes its
 * hypercalls with it.  Return true if the instruction at RIP is one.
 */
bool vmx_at_vmmcall(struct vmx_vcpu *vx)
{
	static const u8 vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	struct hx_emul_ctx ctx;
	u8 insn[3];

	vmx_emul_ctx(vx, &ctx);
	return hx_emul_peek(&ctx, insn, sizeof(insn)) == HX_EMUL_RESUME &&
	       !__builtin_memcmp(insn, vmmcall, sizeof(insn));
}

/* The hypercall page asks for VMCALL, Intel's hypercall instruction. */
int vmx_xen_hcall_page(struct vmx_vcpu *vx, u64 val)
{
	static const u8 vmcall[3] = { 0x0f, 0x01, 0xc1 };
	struct hx_emul_ctx ctx;

	vmx_emul_ctx(vx, &ctx);
	return hx_xen_hcall_page(&ctx, val, vmcall);
}

/*
 * PAE paging outside long mode: the four PDPTEs at CR3 go into the
 * VMCS, as MOV to CR0/CR3/CR4 would load them (SDM vol. 3, 4.4.1).
 * -1 (#GP) when one is present with reserved bits set or not in RAM.
 */
int vmx_load_pdptes(struct vmx_vcpu *vx)
{
	u64 pdpte[4];
	int i;

	if (hx_ram_read(&vx->vcpu.vm->ram, vx->g.cr3 & 0xffffffe0ULL, pdpte,
			sizeof(pdpte)))
		return -1;
	for (i = 0; i < 4; i++)
		if ((pdpte[i] & PDPTE_PRESENT) && (pdpte[i] & PDPTE_RESERVED))
			return -1;
	__builtin_memcpy(vx->g.pdpte, pdpte, sizeof(pdpte));
	return 0;
}
