/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction emulation for the exits the hardware does not decode for
 * us: accesses to guest-physical holes (MMIO), string port I/O, and MOV
 * to or from debug registers.  Shared by every backend: a backend copies
 * the guest state the emulator needs into struct hx_emul_ctx, calls in,
 * and copies rip (and any fault to deliver) back.
 *
 * Everything here reads guest memory and guest registers, which the guest
 * controls: lengths, counts and indexes are bounded before use, and guest
 * RAM is only reached through hx_ram_page().
 */
#ifndef HXEN_EMULATE_H
#define HXEN_EMULATE_H

#include <hxen/guest_ram.h>
#include <hxen/types.h>

struct hx_vcpu;

/* Segment registers by their x86 encoding number. */
enum hx_sreg { HX_ES, HX_CS, HX_SS, HX_DS, HX_FS, HX_GS, HX_NR_SREGS };

/*
 * struct hx_paging - the guest's paging controls, as a walk needs them
 * @cr0: PG and WP are used
 * @cr3: the root table (PCID and flag bits are ignored)
 * @cr4: PSE, PAE, LA57 and SMEP are used
 * @efer: LMA and NXE are used
 * @phys_bits: the guest's MAXPHYADDR (CPUID 8000_0008 EAX[7:0]); table
 *             entry bits from here to 51 are reserved.  0 means 52.
 */
struct hx_paging {
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 efer;
	u8 phys_bits;
};

/*
 * Access kinds for a walk, with the bit positions of the #PF error code
 * (the walk returns that code, P bit included, when it faults).
 */
#define HX_PF_PRESENT	(1U << 0)
#define HX_PF_WRITE	(1U << 1)
#define HX_PF_USER	(1U << 2)
#define HX_PF_RSVD	(1U << 3)
#define HX_PF_FETCH	(1U << 4)

/**
 * hx_walk() - translate the guest-linear address @gla as the guest's MMU
 * would for an access of kind @access (HX_PF_WRITE/_USER/_FETCH), setting
 * accessed and dirty bits in the guest's tables like the CPU does (only
 * when the translation succeeds).  Every paging mode: none, 32-bit (4 KiB
 * and, with CR4.PSE, 4 MiB pages with PSE-36), PAE, 4- and 5-level.
 * SMAP and protection keys are not checked.
 *
 * Return: 0 with *@gpa; -HX_EFAULT when the guest must take a #PF, with
 * *@pf_error its error code; -HX_EIO when a page-table entry lies outside
 * guest RAM.
 */
int hx_walk(const struct hx_guest_ram *ram, const struct hx_paging *pg,
	    u64 gla, u32 access, u64 *gpa, u32 *pf_error);

/* The architectural limit on the length of an instruction. */
#define HX_INSN_MAX	15

/* What a decoded instruction does: struct hx_insn.op. */
enum hx_insn_op {
	HX_OP_NONE,
	HX_OP_STORE,	/* MOV r/m,reg (88/89), r/m,imm (C6/C7), moffs,rAX */
	HX_OP_LOAD,	/* MOV reg,r/m (8A/8B), rAX,moffs, MOVZX, MOVSX */
	HX_OP_MOVS,
	HX_OP_STOS,
	HX_OP_LODS,
	HX_OP_INS,
	HX_OP_OUTS,
	HX_OP_DR_READ,	/* MOV reg, DRn (0F 21): rm the GPR, reg the DR */
	HX_OP_DR_WRITE,	/* MOV DRn, reg (0F 23) */
};

/*
 * struct hx_insn - a decoded instruction: what the emulator needs of it
 * @len: bytes, prefixes included
 * @opcode: the opcode byte after any 0x0f escape
 * @twobyte: there was a 0x0f escape
 * @op: enum hx_insn_op
 * @op_bytes: operand size, 1, 2, 4 or 8: the register or immediate
 *            operand's size, the element size of a string instruction,
 *            the GPR size of MOV DR (8 in 64-bit mode, else 4)
 * @mem_bytes: bytes the memory operand reads or writes (op_bytes, or 1
 *             or 2 for MOVZX/MOVSX); 0 without a memory operand
 * @sign_extend: MOVSX: the loaded value is sign-extended to op_bytes
 *               (MOVZX and MOV zero-extend)
 * @addr_bytes: address size: 2, 4 or 8
 * @seg: enum hx_sreg of the memory operand; for string instructions that
 *       of the rSI operand (ES:rDI takes no override).  In 64-bit mode
 *       ES/CS/SS/DS overrides are ignored.
 * @rep: 0, 0xf3 or 0xf2, the last of those prefixes
 * @rex: the REX prefix, 0 if none (or if a legacy prefix followed it)
 * @has_modrm: there is a ModRM byte
 * @mod: ModRM.mod
 * @reg: ModRM.reg with REX.R applied; the register operand of
 *       HX_OP_STORE/HX_OP_LOAD (HX_RAX for the moffs forms), the debug
 *       register of MOV DR
 * @rm: ModRM.rm with REX.B applied (the GPR of MOV DR)
 * @mem: the instruction has a ModRM or moffs memory operand
 * @base: base register (enum hx_gpr), -1 for none
 * @index: index register, -1 for none
 * @scale: index multiplier: 1, 2, 4 or 8
 * @rip_relative: the displacement is relative to the next instruction
 * @disp: displacement (sign-extended), or the moffs offset (zero-extended)
 * @imm: immediate, sign-extended to 64 bits
 * @imm_bytes: immediate size in the instruction: 0, 1, 2 or 4
 */
struct hx_insn {
	u8 len;
	u8 opcode;
	bool twobyte;
	u8 op;
	u8 op_bytes;
	u8 mem_bytes;
	bool sign_extend;
	u8 addr_bytes;
	u8 seg;
	u8 rep;
	u8 rex;
	bool has_modrm;
	u8 mod, reg, rm;
	bool mem;
	s8 base, index;
	u8 scale;
	bool rip_relative;
	s64 disp;
	u64 imm;
	u8 imm_bytes;
};

/**
 * hx_decode() - decode one instruction from @len bytes at @buf for code
 * of @cs_bits (16, 32 or 64).  Only the instructions of enum hx_insn_op
 * are known; a LOCK prefix is refused.
 *
 * Return: 0; -HX_ERANGE if the bytes run out before the instruction ends
 * (more bytes might make it decode); -HX_EINVAL if it is not an
 * instruction the emulator knows or is longer than HX_INSN_MAX.
 */
int hx_decode(const u8 *buf, u32 len, u8 cs_bits, struct hx_insn *insn);

/*
 * The effective address (offset in its segment, truncated to the address
 * size) of the ModRM or moffs memory operand; 0 if there is none.  @gprs
 * is indexed by enum hx_gpr; @next_rip is the address of the following
 * instruction, for RIP-relative operands.
 */
u64 hx_insn_ea(const struct hx_insn *insn, const u64 *gprs, u64 next_rip);

/*
 * struct hx_emul_ctx - what the backend tells the emulator, and what it
 * gets back.  The vCPU's general registers are vcpu->gprs (in and out);
 * guest RAM is vcpu->vm->ram.
 * @rip: in: the instruction; out: where to resume (unchanged while a REP
 *       instruction has elements left, so the guest executes it again)
 * @rflags: DF is used
 * @seg_base: segment bases; in 64-bit mode only FS and GS are used
 * @cs_bits: 16, 32 or 64: the code's default operand and address size
 * @cpl: 3 makes the emulator's guest memory accesses user accesses
 * @paging: for the walks
 * @fault_vector: out, with HX_EMUL_FAULT: the exception the guest gets
 * @fault_has_error: the exception pushes @fault_error
 * @fault_error: its error code
 * @fault_cr2: for #PF: the faulting linear address
 */
struct hx_emul_ctx {
	struct hx_vcpu *vcpu;
	u64 rip;
	u64 rflags;
	u64 seg_base[HX_NR_SREGS];
	u8 cs_bits;
	u8 cpl;
	struct hx_paging paging;
	u8 fault_vector;
	bool fault_has_error;
	u32 fault_error;
	u64 fault_cr2;
};

enum hx_emul_result {
	HX_EMUL_RESUME,		/* done: enter the guest again */
	HX_EMUL_EXIT,		/* vcpu->exit tells the host what to do */
	HX_EMUL_FAULT,		/* deliver ctx->fault_vector to the guest */
	HX_EMUL_UNHANDLED,	/* cannot emulate: an internal-error exit */
};

/*
 * Fetch and decode the instruction at ctx->rip.  Return: HX_EMUL_RESUME
 * (0) with *@insn; HX_EMUL_FAULT (#PF, or #GP for a non-canonical rip);
 * HX_EMUL_UNHANDLED for code in a hole or an unknown instruction.  For
 * MOV DR a backend then advances rip by insn->len itself.
 */
int hx_emul_fetch(struct hx_emul_ctx *ctx, struct hx_insn *insn);

/* The first @len bytes at ctx->rip, without decoding them. */
int hx_emul_peek(struct hx_emul_ctx *ctx, u8 *buf, u32 len);

/*
 * A nested page fault at @gpa, a hole: emulate the instruction at
 * ctx->rip.  The emulator translates the operands itself (the guest's
 * tables may have changed since, and @gpa does not say which operand of
 * a MOVS faulted), so @gpa is only a hint; operands that turn out to be
 * RAM are accessed directly.  One element of a string instruction per
 * call.  An access that crosses a page is HX_EMUL_UNHANDLED.
 */
int hx_emulate_mmio(struct hx_emul_ctx *ctx, u64 gpa);

/*
 * INS/OUTS (with or without REP) on @port of @size bytes, with the
 * address size @addr_bytes that the exit reported (0 if it did not say):
 * as many elements as fit in the I/O buffer and in the page go to the
 * host in one HX_EXIT_IO.  The decoded instruction must agree with the
 * exit.
 */
int hx_emulate_string_io(struct hx_emul_ctx *ctx, u16 port, u8 size,
			 bool in, bool rep, u8 addr_bytes);

/*
 * Before the next entry: finish what the host answered (a single IN with
 * vcpu->io_in_pending, INS data from the I/O buffer, MMIO read data from
 * vcpu->exit.mmio.data).  Return: HX_EMUL_RESUME, or HX_EMUL_EXIT when
 * the instruction needs the host again (MOVS from one hole to another
 * writes next; counted in vcpu->stats.mmio here, while the exits of
 * hx_emulate_mmio() and hx_emulate_string_io() are the backend's to
 * count) or the completion failed (HX_EXIT_INTERNAL).
 */
int hx_emulate_complete(struct hx_vcpu *vcpu);

/* Forget any pending completion (the host replaced the guest state). */
void hx_emulate_cancel(struct hx_vcpu *vcpu);

/*
 * Copy @len bytes between a buffer and guest-virtual @gva through the
 * guest's page tables (hypercall arguments).  Return: 0, or -HX_EFAULT
 * if any byte is unmapped, read-only for a write, or not RAM.
 */
int hx_copy_from_guest(struct hx_emul_ctx *ctx, void *buf, u64 gva, u32 len);
int hx_copy_to_guest(struct hx_emul_ctx *ctx, u64 gva, const void *buf,
		     u32 len);

#endif /* HXEN_EMULATE_H */
