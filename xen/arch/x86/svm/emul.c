// SPDX-License-Identifier: GPL-2.0
/*
 * SVM exits that need the instruction emulator: without decode assists
 * (QEMU has none, and they are optional on hardware) the VMCB does not
 * say which instruction caused a nested page fault, which segment an
 * OUTS reads, or which register a MOV to a debug register names.
 */
#include <hxen/debugreg.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/fpu.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "svm.h"

#define SEG_ATTR_L		(1U << 9)
#define SEG_ATTR_DB		(1U << 10)
#define RFLAGS_VM		(1ULL << 17)
#define LEN_XSETBV		3
#define OPCODE_HLT		0xf4

/* The guest state the emulator needs, from the VMCB. */
static void svm_emul_ctx(struct svm_vcpu *sv, struct hx_emul_ctx *ctx)
{
	const struct vmcb_save *s = &sv->vmcb->save;

	__builtin_memset(ctx, 0, sizeof(*ctx));
	ctx->vcpu = &sv->vcpu;
	ctx->rip = s->rip;
	ctx->rflags = s->rflags;
	ctx->seg_base[HX_ES] = s->es.base;
	ctx->seg_base[HX_CS] = s->cs.base;
	ctx->seg_base[HX_SS] = s->ss.base;
	ctx->seg_base[HX_DS] = s->ds.base;
	ctx->seg_base[HX_FS] = s->fs.base;
	ctx->seg_base[HX_GS] = s->gs.base;
	if ((s->efer & HX_EFER_LMA) && (s->cs.attrib & SEG_ATTR_L))
		ctx->cs_bits = 64;
	else if ((s->cr0 & HX_CR0_PE) && !(s->rflags & RFLAGS_VM) &&
		 (s->cs.attrib & SEG_ATTR_DB))
		ctx->cs_bits = 32;
	else
		ctx->cs_bits = 16;
	ctx->cpl = s->cpl;
	ctx->paging.cr0 = s->cr0;
	ctx->paging.cr3 = s->cr3;
	ctx->paging.cr4 = s->cr4;
	ctx->paging.efer = s->efer;
}

/* Apply what the emulator decided; 1: resume the guest, 0: exit. */
static int svm_emul_done(struct svm_vcpu *sv, struct hx_emul_ctx *ctx,
			 int result)
{
	struct vmcb_save *s = &sv->vmcb->save;

	switch (result) {
	case HX_EMUL_RESUME:
	case HX_EMUL_EXIT:
		if (ctx->rip != s->rip)
			svm_skip(sv, ctx->rip - s->rip);
		return result == HX_EMUL_RESUME;
	case HX_EMUL_FAULT:
		if (ctx->fault_vector == HX_VECTOR_PF)
			s->cr2 = ctx->fault_cr2;
		svm_inject_exception(sv, ctx->fault_vector,
				     ctx->fault_has_error, ctx->fault_error);
		return 1;
	default:
		return exit_to_host_internal(sv, HX_INTERNAL_EMULATION);
	}
}

/*
 * A nested page fault.  Guest RAM is mapped in full, so this is an
 * access to a hole: MMIO for the device model.  Executing from a hole,
 * or guest page tables in one, is not emulated.
 */
int svm_exit_npf(struct svm_vcpu *sv)
{
	struct vmcb_control *ctl = &sv->vmcb->control;
	struct hx_emul_ctx ctx;
	u64 gpa = ctl->exit_info_2;
	int ret;

	sv->vcpu.stats.npf++;
	/*
	 * A fault while delivering an event (the guest's stack or IDT in a
	 * hole): the instruction at RIP has not run, and emulating it would
	 * lose the event.  Not supported.
	 */
	if ((ctl->exit_int_info & SVM_EVT_VALID) ||
	    (ctl->exit_info_1 & (SVM_NPF_FETCH | SVM_NPF_GUEST_TABLES)) ||
	    hx_ram_page(&sv->vcpu.vm->ram, gpa))
		return exit_to_host_internal(sv, HX_INTERNAL_EMULATION);
	svm_emul_ctx(sv, &ctx);
	ret = hx_emulate_mmio(&ctx, gpa);
	if (ret == HX_EMUL_EXIT)
		sv->vcpu.stats.mmio++;
	return svm_emul_done(sv, &ctx, ret);
}

/* INS/OUTS, with or without REP. */
int svm_exit_string_io(struct svm_vcpu *sv)
{
	u64 info = sv->vmcb->control.exit_info_1;
	u32 size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	u32 asize = (info & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT;
	struct hx_emul_ctx ctx;
	int ret;

	/*
	 * ASIZE has one bit set: 16 (1), 32 (2) or 64 (4) bits; QEMU sets
	 * none, and the emulator then takes it from the instruction.
	 */
	svm_emul_ctx(sv, &ctx);
	ret = hx_emulate_string_io(&ctx, (u16)(info >> SVM_IOIO_PORT_SHIFT),
				   (u8)size, info & SVM_IOIO_IN,
				   info & SVM_IOIO_REP, (u8)(asize * 2));
	if (ret == HX_EMUL_EXIT)
		sv->vcpu.stats.io++;
	return svm_emul_done(sv, &ctx, ret);
}

/*
 * MOV from/to DRn (APM vol. 3): #GP at CPL > 0; DR4/DR5 are DR6/DR7
 * unless CR4.DE, which makes them #UD.  Outside 64-bit mode the
 * operands are 32 bits.
 */
int svm_exit_dr(struct svm_vcpu *sv)
{
	u32 code = (u32)sv->vmcb->control.exit_code;
	bool write = code >= SVM_EXIT_WRITE_DR0;
	u32 dr = code - (write ? SVM_EXIT_WRITE_DR0 : SVM_EXIT_READ_DR0);
	struct hx_emul_ctx ctx;
	struct hx_insn insn;
	u64 *gpr;
	int ret;

	svm_emul_ctx(sv, &ctx);
	ret = hx_emul_fetch(&ctx, &insn);
	if (ret != HX_EMUL_RESUME)
		return svm_emul_done(sv, &ctx, ret);
	if (!insn.twobyte || insn.opcode != (write ? 0x23 : 0x21) ||
	    insn.reg != dr)
		return exit_to_host_internal(sv, HX_INTERNAL_EMULATION);
	if (ctx.cpl) {
		svm_inject_exception(sv, HX_VECTOR_GP, true, 0);
		return 1;
	}
	if (dr == 4 || dr == 5) {
		if (sv->vmcb->save.cr4 & HX_CR4_DE) {
			svm_inject_exception(sv, HX_VECTOR_UD, false, 0);
			return 1;
		}
		dr += 2;
	}
	gpr = &sv->vcpu.gprs[insn.rm];
	if (write) {
		if (hx_dr_write(sv->vcpu.db, &sv->vmcb->save.dr6,
				&sv->vmcb->save.dr7, dr,
				ctx.cs_bits == 64 ? *gpr : (u32)*gpr)) {
			svm_inject_exception(sv, HX_VECTOR_GP, true, 0);
			return 1;
		}
	} else {
		*gpr = hx_dr_read(sv->vcpu.db, sv->vmcb->save.dr6,
				  sv->vmcb->save.dr7, dr);
		if (ctx.cs_bits != 64)
			*gpr = (u32)*gpr;
	}
	svm_skip(sv, insn.len);
	return 1;
}

/* XSETBV: #UD without CR4.OSXSAVE, #GP at CPL > 0 or for a bad value. */
int svm_exit_xsetbv(struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;
	u64 *g = sv->vcpu.gprs;

	if (!(s->cr4 & HX_CR4_OSXSAVE)) {
		svm_inject_exception(sv, HX_VECTOR_UD, false, 0);
		return 1;
	}
	if (s->cpl || hx_fpu_xsetbv(&sv->vcpu.fpu, (u32)g[HX_RCX],
				    (g[HX_RDX] << 32) | (u32)g[HX_RAX])) {
		svm_inject_exception(sv, HX_VECTOR_GP, true, 0);
		return 1;
	}
	svm_skip(sv, LEN_XSETBV);
	return 1;
}

/*
 * An interrupt window opened at a HLT.  On hardware that cannot happen
 * after STI (its shadow covers the HLT, which then exits and is woken by
 * the interrupt), but QEMU 7.2 lets the virtual interrupt request through
 * the STI shadow, and an interrupt taken before the HLT would leave the
 * guest halted with its wake-up already spent.  Complete the HLT first,
 * as hardware does when an interrupt ends a halt: at worst a guest that
 * was not in the STI; HLT idiom sees its HLT end early, which every
 * operating system allows for.
 */
void svm_window_at_hlt(struct svm_vcpu *sv)
{
	struct hx_emul_ctx ctx;
	u8 op;

	svm_emul_ctx(sv, &ctx);
	if (hx_emul_peek(&ctx, &op, 1) == HX_EMUL_RESUME && op == OPCODE_HLT)
		svm_skip(sv, 1);
}

/* VMMCALL of a guest that speaks the Xen ABI. */
int svm_exit_xen_hypercall(struct svm_vcpu *sv, u32 len)
{
	struct hx_emul_ctx ctx;

	svm_emul_ctx(sv, &ctx);
	return svm_emul_done(sv, &ctx, hx_xen_hypercall(&ctx, len));
}

/* The hypercall page asks for VMMCALL, AMD's hypercall instruction. */
int svm_xen_hcall_page(struct svm_vcpu *sv, u64 val)
{
	static const u8 vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	struct hx_emul_ctx ctx;

	svm_emul_ctx(sv, &ctx);
	return hx_xen_hcall_page(&ctx, val, vmmcall);
}
