// SPDX-License-Identifier: GPL-2.0
/*
 * The emulator's x86 instruction decoder: legacy and REX prefixes,
 * ModRM, SIB, displacement and immediate of the few instructions the
 * hardware leaves to us (MOV and MOVZX/MOVSX with memory, MOVS, STOS,
 * LODS, INS, OUTS, MOV to or from debug registers), and the effective
 * address of a memory operand.  Encodings from the Intel SDM vol. 2.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>

#define REX_B	0x1
#define REX_X	0x2
#define REX_R	0x4
#define REX_W	0x8

/* The bytes of one instruction, read front to back. */
struct cursor {
	const u8 *buf;
	u32 len;	/* bytes we may read: at most HX_INSN_MAX */
	u32 pos;
};

static int next_byte(struct cursor *c, u8 *b)
{
	if (c->pos >= c->len)
		return c->len < HX_INSN_MAX ? -HX_ERANGE : -HX_EINVAL;
	*b = c->buf[c->pos++];
	return 0;
}

/* A little-endian value of @bytes (1, 2, 4 or 8), sign-extended. */
static int next_signed(struct cursor *c, u32 bytes, s64 *val)
{
	u64 v = 0;
	u32 i;
	u8 b;
	int err;

	for (i = 0; i < bytes; i++) {
		err = next_byte(c, &b);
		if (err)
			return err;
		v |= (u64)b << (8 * i);
	}
	if (bytes < 8 && (v >> (8 * bytes - 1)) & 1)
		v |= ~0ULL << (8 * bytes);
	*val = (s64)v;
	return 0;
}

static u64 size_mask(u32 bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

/* 16-bit ModRM memory forms: base and index by rm (SDM vol. 2, 2-1). */
static const s8 base16[8] = {
	HX_RBX, HX_RBX, HX_RBP, HX_RBP, -1, -1, HX_RBP, HX_RBX
};

static const s8 index16[8] = {
	HX_RSI, HX_RDI, HX_RSI, HX_RDI, HX_RSI, HX_RDI, -1, -1
};

static int modrm16(struct cursor *c, struct hx_insn *insn, u8 rm)
{
	insn->base = base16[rm];
	insn->index = index16[rm];
	if (insn->mod == 0 && rm == 6) {
		insn->base = -1;
		return next_signed(c, 2, &insn->disp);
	}
	if (insn->mod == 1)
		return next_signed(c, 1, &insn->disp);
	if (insn->mod == 2)
		return next_signed(c, 2, &insn->disp);
	return 0;
}

static int modrm32(struct cursor *c, struct hx_insn *insn, u8 rm,
		   bool mode64)
{
	bool no_base = false;
	u8 sib, idx;
	int err;

	if (rm == 4) {
		err = next_byte(c, &sib);
		if (err)
			return err;
		insn->scale = 1 << (sib >> 6);
		idx = ((sib >> 3) & 7) | (insn->rex & REX_X ? 8 : 0);
		insn->index = idx == HX_RSP ? -1 : (s8)idx;
		if ((sib & 7) == 5 && insn->mod == 0)
			no_base = true;
		else
			insn->base = (s8)((sib & 7) |
					  (insn->rex & REX_B ? 8 : 0));
	} else if (rm == 5 && insn->mod == 0) {
		no_base = true;
		insn->rip_relative = mode64;
	} else {
		insn->base = (s8)(rm | (insn->rex & REX_B ? 8 : 0));
	}
	if (no_base || insn->mod == 2)
		return next_signed(c, 4, &insn->disp);
	if (insn->mod == 1)
		return next_signed(c, 1, &insn->disp);
	return 0;
}

/* ModRM; with @reg_only the rm field names a register whatever mod says. */
static int modrm(struct cursor *c, struct hx_insn *insn, bool mode64,
		 bool reg_only)
{
	u8 b, rm;
	int err;

	err = next_byte(c, &b);
	if (err)
		return err;
	insn->has_modrm = true;
	insn->mod = b >> 6;
	rm = b & 7;
	insn->reg = ((b >> 3) & 7) | (insn->rex & REX_R ? 8 : 0);
	insn->rm = rm | (insn->rex & REX_B ? 8 : 0);
	if (insn->mod == 3 || reg_only)
		return 0;
	insn->mem = true;
	if (insn->addr_bytes == 2)
		return modrm16(c, insn, rm);
	return modrm32(c, insn, rm, mode64);
}

/* The moffs of A0-A3: an absolute offset of the address size. */
static int moffs(struct cursor *c, struct hx_insn *insn)
{
	int err;

	insn->mem = true;
	insn->reg = HX_RAX;
	err = next_signed(c, insn->addr_bytes, &insn->disp);
	insn->disp = (s64)((u64)insn->disp & size_mask(insn->addr_bytes));
	return err;
}

static int one_byte(struct cursor *c, struct hx_insn *insn, bool mode64)
{
	u8 op = insn->opcode;
	bool byte = !(op & 1);
	s64 imm;
	int err;

	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		insn->op = op & 2 ? HX_OP_LOAD : HX_OP_STORE;
		err = modrm(c, insn, mode64, false);
		break;
	case 0xc6: case 0xc7:
		insn->op = HX_OP_STORE;
		err = modrm(c, insn, mode64, false);
		if (err)
			return err;
		/* Only /0 is MOV (C6 F8 and C7 F8 are XABORT and XBEGIN). */
		if (insn->reg & 7)
			return -HX_EINVAL;
		insn->imm_bytes = byte ? 1 : insn->op_bytes == 2 ? 2 : 4;
		err = next_signed(c, insn->imm_bytes, &imm);
		insn->imm = (u64)imm;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		insn->op = op & 2 ? HX_OP_STORE : HX_OP_LOAD;
		err = moffs(c, insn);
		break;
	case 0xa4: case 0xa5:
		insn->op = HX_OP_MOVS;
		return 0;
	case 0xaa: case 0xab:
		insn->op = HX_OP_STOS;
		return 0;
	case 0xac: case 0xad:
		insn->op = HX_OP_LODS;
		return 0;
	case 0x6c: case 0x6d:
		insn->op = HX_OP_INS;
		return 0;
	case 0x6e: case 0x6f:
		insn->op = HX_OP_OUTS;
		return 0;
	default:
		return -HX_EINVAL;
	}
	return err;
}

static int two_byte(struct cursor *c, struct hx_insn *insn, bool mode64)
{
	u8 op = insn->opcode;
	int err;

	/* F2/F3 select other instructions in the 0F map. */
	if (insn->rep)
		return -HX_EINVAL;
	switch (op) {
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		insn->op = HX_OP_LOAD;
		insn->sign_extend = op & 8;
		return modrm(c, insn, mode64, false);
	case 0x21: case 0x23:
		insn->op = op == 0x21 ? HX_OP_DR_READ : HX_OP_DR_WRITE;
		/* Always a register operand, whatever mod says. */
		err = modrm(c, insn, mode64, true);
		if (err)
			return err;
		insn->op_bytes = mode64 ? 8 : 4;
		/* DR8-DR15 do not exist (#UD). */
		return insn->reg > 7 ? -HX_EINVAL : 0;
	default:
		return -HX_EINVAL;
	}
}

/* Operand sizes once the opcode is known. */
static void set_sizes(struct hx_insn *insn)
{
	u8 op = insn->opcode;

	if (insn->twobyte) {
		if (insn->op == HX_OP_LOAD)
			insn->mem_bytes = op & 1 ? 2 : 1;
		return;
	}
	if (!(op & 1))
		insn->op_bytes = 1;
	/* Port I/O is at most 32 bits wide; REX.W does not widen it. */
	if ((insn->op == HX_OP_INS || insn->op == HX_OP_OUTS) &&
	    insn->op_bytes == 8)
		insn->op_bytes = 4;
	if (insn->mem)
		insn->mem_bytes = insn->op_bytes;
}

/*
 * Legacy prefixes in any order, then in 64-bit mode an optional REX right
 * before the opcode (a REX followed by a legacy prefix is ignored).
 */
static int prefixes(struct cursor *c, struct hx_insn *insn, bool mode64,
		    bool *opsize, bool *adsize, bool *lock, int *seg)
{
	u8 b;
	int err;

	for (;;) {
		err = next_byte(c, &b);
		if (err)
			return err;
		switch (b) {
		case 0x66:
			*opsize = true;
			break;
		case 0x67:
			*adsize = true;
			break;
		case 0xf2: case 0xf3:
			insn->rep = b;
			break;
		case 0xf0:
			*lock = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			if (!mode64)
				*seg = (b >> 3) & 3;
			break;
		case 0x64: case 0x65:
			*seg = b == 0x64 ? HX_FS : HX_GS;
			break;
		default:
			if (mode64 && (b & 0xf0) == 0x40) {
				insn->rex = b;
				continue;
			}
			insn->opcode = b;
			return 0;
		}
		insn->rex = 0;
	}
}

int hx_decode(const u8 *buf, u32 len, u8 cs_bits, struct hx_insn *insn)
{
	struct cursor c = { buf, len < HX_INSN_MAX ? len : HX_INSN_MAX, 0 };
	bool mode64 = cs_bits == 64, opsize = false, adsize = false;
	bool lock = false;
	int seg = -1, err;

	__builtin_memset(insn, 0, sizeof(*insn));
	insn->base = -1;
	insn->index = -1;
	insn->scale = 1;
	if (cs_bits != 16 && cs_bits != 32 && cs_bits != 64)
		return -HX_EINVAL;

	err = prefixes(&c, insn, mode64, &opsize, &adsize, &lock, &seg);
	if (err)
		return err;
	if (lock)
		return -HX_EINVAL;

	if (mode64)
		insn->addr_bytes = adsize ? 4 : 8;
	else
		insn->addr_bytes = (cs_bits == 16) != adsize ? 2 : 4;
	if (insn->rex & REX_W)
		insn->op_bytes = 8;
	else
		insn->op_bytes = (cs_bits == 16) != opsize ? 2 : 4;

	if (insn->opcode == 0x0f) {
		insn->twobyte = true;
		err = next_byte(&c, &insn->opcode);
		if (!err)
			err = two_byte(&c, insn, mode64);
	} else {
		err = one_byte(&c, insn, mode64);
	}
	if (err)
		return err;
	set_sizes(insn);

	if (seg >= 0)
		insn->seg = (u8)seg;
	else if (insn->base == HX_RSP || insn->base == HX_RBP)
		insn->seg = HX_SS;
	else
		insn->seg = HX_DS;
	insn->len = (u8)c.pos;
	return 0;
}

u64 hx_insn_ea(const struct hx_insn *insn, const u64 *gprs, u64 next_rip)
{
	u64 ea = (u64)insn->disp;

	if (!insn->mem)
		return 0;
	if (insn->rip_relative)
		ea += next_rip;
	if (insn->base >= 0 && insn->base < HX_NR_GPRS)
		ea += gprs[insn->base];
	if (insn->index >= 0 && insn->index < HX_NR_GPRS)
		ea += gprs[insn->index] * insn->scale;
	return ea & size_mask(insn->addr_bytes);
}
