// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the instruction decoder (xen/arch/x86/decode.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/lib.h>
#include <hxen/vcpu.h>

int test_failures;

/* Register values that tell every sum and truncation apart. */
#define G(r)	(((0xa0ULL + (r)) << 40) | ((u64)(r) << 33) | \
		 (0x1000ULL * ((r) + 1)) | ((r) * 2))
#define RIP	0x00007f0000001000ULL
#define M16(x)	((x) & 0xffffULL)
#define M32(x)	((x) & 0xffffffffULL)

static u64 gprs[HX_NR_GPRS];

/* Instruction bytes as one value. */
struct bytes {
	u8 b[32];
	u32 n;
};

#define BYTES(...) ((struct bytes){ { __VA_ARGS__ }, \
				    sizeof((u8[]){ __VA_ARGS__ }) })

struct want {
	u8 op, len, op_bytes, mem_bytes, addr_bytes, seg;
	int reg;		/* -1: not checked */
	bool no_ea;		/* not a memory operand */
	u64 ea;
};

/*
 * Decode @b and check it against @w, then check that every shorter
 * prefix of the bytes fails as truncated and that trailing bytes do not
 * change the result.
 */
static void dec(const char *name, u8 bits, struct bytes bs,
		struct want w, struct hx_insn *out)
{
	const u8 *b = bs.b;
	u32 n = bs.n;
	struct hx_insn insn, again;
	char what[160];
	u8 buf[32];
	bool ok = true;
	u32 i;
	int err;

	err = hx_decode(b, n, bits, &insn);
	snprintf(what, sizeof(what), "decode/%s", name);
	EXPECT(what, err == 0);
	if (err) {
		printf("  (err %d)\n", err);
		return;
	}
	snprintf(what, sizeof(what), "decode/%s/fields", name);
	ok = insn.op == w.op && insn.len == w.len &&
	     insn.op_bytes == w.op_bytes && insn.mem_bytes == w.mem_bytes &&
	     insn.addr_bytes == w.addr_bytes &&
	     (w.no_ea || insn.seg == w.seg) &&
	     (w.reg < 0 || insn.reg == w.reg) && insn.mem == !w.no_ea;
	EXPECT(what, ok);
	if (!ok)
		printf("  op %u len %u opb %u memb %u adb %u seg %u reg %u mem %d\n",
		       insn.op, insn.len, insn.op_bytes, insn.mem_bytes,
		       insn.addr_bytes, insn.seg, insn.reg, insn.mem);
	if (!w.no_ea) {
		u64 ea = hx_insn_ea(&insn, gprs, RIP + insn.len);

		snprintf(what, sizeof(what), "decode/%s/ea", name);
		EXPECT(what, ea == w.ea);
		if (ea != w.ea)
			printf("  ea %#llx want %#llx\n", (unsigned long long)ea,
			       (unsigned long long)w.ea);
	}

	ok = true;
	for (i = 0; i < n; i++)
		if (hx_decode(b, i, bits, &again) != -HX_ERANGE)
			ok = false;
	snprintf(what, sizeof(what), "decode/%s/truncated-fails", name);
	EXPECT(what, ok);

	memset(buf, 0xcc, sizeof(buf));
	memcpy(buf, b, n);
	err = hx_decode(buf, sizeof(buf), bits, &again);
	snprintf(what, sizeof(what), "decode/%s/trailing-bytes-ignored", name);
	EXPECT(what, !err && !memcmp(&insn, &again, sizeof(insn)));
	if (out)
		*out = insn;
}

static void bad(const char *name, u8 bits, struct bytes bs, int want)
{
	struct hx_insn insn;
	char what[160];
	int err = hx_decode(bs.b, bs.n, bits, &insn);

	snprintf(what, sizeof(what), "decode/%s/rejected", name);
	EXPECT(what, err == want);
	if (err != want)
		printf("  err %d\n", err);
}

#define W(...) ((struct want){ __VA_ARGS__ })

static void test_64(void)
{
	struct hx_insn i;

	dec("64/mov-store-rbx", 64, BYTES(0x89, 0x03),
	    W(HX_OP_STORE, 2, 4, 4, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/mov-store-rexw", 64, BYTES(0x48, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 8, 8, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/mov-store-66", 64, BYTES(0x66, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 2, 2, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/mov-store-66-rexw", 64, BYTES(0x66, 0x48, 0x89, 0x03),
	    W(HX_OP_STORE, 4, 8, 8, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);
	/* A legacy prefix after REX cancels the REX. */
	dec("64/rex-then-66-ignores-rex", 64, BYTES(0x48, 0x66, 0x89, 0x03),
	    W(HX_OP_STORE, 4, 2, 2, 8, HX_DS, HX_RAX, false, G(HX_RBX)), &i);
	EXPECT("decode/64/rex-then-66-ignores-rex/rex", i.rex == 0);
	dec("64/mov-store-byte-ah", 64, BYTES(0x88, 0x23),
	    W(HX_OP_STORE, 2, 1, 1, 8, HX_DS, 4, false, G(HX_RBX)), &i);
	EXPECT("decode/64/mov-store-byte-ah/no-rex", i.rex == 0);
	dec("64/mov-store-byte-spl", 64, BYTES(0x40, 0x88, 0x23),
	    W(HX_OP_STORE, 3, 1, 1, 8, HX_DS, 4, false, G(HX_RBX)), &i);
	EXPECT("decode/64/mov-store-byte-spl/rex", i.rex == 0x40);
	dec("64/rex-r", 64, BYTES(0x44, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_DS, HX_R8, false, G(HX_RBX)), NULL);
	dec("64/rex-b", 64, BYTES(0x41, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_DS, HX_RAX, false, G(HX_R11)), NULL);
	dec("64/sib-rex-x", 64, BYTES(0x42, 0x89, 0x04, 0x18),
	    W(HX_OP_STORE, 4, 4, 4, 8, HX_DS, HX_RAX, false,
	      G(HX_RAX) + G(HX_R11)), NULL);
	dec("64/sib-rex-xb-scale8", 64, BYTES(0x4b, 0x89, 0x04, 0xd8),
	    W(HX_OP_STORE, 4, 8, 8, 8, HX_DS, HX_RAX, false,
	      G(HX_R8) + 8 * G(HX_R11)), NULL);
	dec("64/sib-rsp-base-ss", 64, BYTES(0x89, 0x04, 0x24),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_SS, HX_RAX, false, G(HX_RSP)), &i);
	EXPECT("decode/64/sib-rsp-base-ss/no-index", i.index == -1);
	dec("64/sib-r12-index-with-rex-x", 64, BYTES(0x42, 0x89, 0x04, 0x20),
	    W(HX_OP_STORE, 4, 4, 4, 8, HX_DS, HX_RAX, false,
	      G(HX_RAX) + G(HX_R12)), NULL);
	dec("64/rbp-disp8-ss", 64, BYTES(0x89, 0x45, 0x08),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_SS, HX_RAX, false, G(HX_RBP) + 8),
	    NULL);
	dec("64/r13-disp8", 64, BYTES(0x41, 0x89, 0x45, 0x00),
	    W(HX_OP_STORE, 4, 4, 4, 8, HX_DS, HX_RAX, false, G(HX_R13)), NULL);
	dec("64/sib-disp8-negative", 64, BYTES(0x89, 0x44, 0x8b, 0xf0),
	    W(HX_OP_STORE, 4, 4, 4, 8, HX_DS, HX_RAX, false,
	      G(HX_RBX) + 4 * G(HX_RCX) - 0x10), NULL);
	dec("64/sib-disp32", 64,
	    BYTES(0x89, 0x84, 0x8b, 0x00, 0x01, 0x00, 0x80),
	    W(HX_OP_STORE, 7, 4, 4, 8, HX_DS, HX_RAX, false,
	      G(HX_RBX) + 4 * G(HX_RCX) - 0x7fffff00ULL), NULL);
	dec("64/sib-no-base-no-index", 64,
	    BYTES(0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12),
	    W(HX_OP_STORE, 7, 4, 4, 8, HX_DS, HX_RAX, false, 0x12345678),
	    NULL);
	dec("64/sib-no-base-index", 64,
	    BYTES(0x89, 0x04, 0x4d, 0x00, 0x10, 0x00, 0x00),
	    W(HX_OP_STORE, 7, 4, 4, 8, HX_DS, HX_RAX, false,
	      2 * G(HX_RCX) + 0x1000), NULL);
	dec("64/rip-relative", 64, BYTES(0x89, 0x05, 0x10, 0x00, 0x00, 0x00),
	    W(HX_OP_STORE, 6, 4, 4, 8, HX_DS, HX_RAX, false, RIP + 6 + 0x10),
	    &i);
	EXPECT("decode/64/rip-relative/flag", i.rip_relative);
	dec("64/rip-relative-negative", 64,
	    BYTES(0x48, 0x8b, 0x0d, 0xf0, 0xff, 0xff, 0xff),
	    W(HX_OP_LOAD, 7, 8, 8, 8, HX_DS, HX_RCX, false, RIP + 7 - 0x10),
	    NULL);
	dec("64/rip-relative-67", 64,
	    BYTES(0x67, 0x89, 0x05, 0x10, 0x00, 0x00, 0x00),
	    W(HX_OP_STORE, 7, 4, 4, 4, HX_DS, HX_RAX, false,
	      M32(RIP + 7 + 0x10)), NULL);
	dec("64/addr32", 64, BYTES(0x67, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 4, HX_DS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("64/fs-override", 64, BYTES(0x64, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_FS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/gs-override", 64, BYTES(0x65, 0x48, 0x89, 0x03),
	    W(HX_OP_STORE, 4, 8, 8, 8, HX_GS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/ds-override-ignored", 64, BYTES(0x3e, 0x89, 0x45, 0x00),
	    W(HX_OP_STORE, 4, 4, 4, 8, HX_SS, HX_RAX, false, G(HX_RBP)), NULL);
	dec("64/es-override-ignored", 64, BYTES(0x26, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/xrelease-mov", 64, BYTES(0xf3, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);

	dec("64/mov-imm32", 64, BYTES(0xc7, 0x03, 0x78, 0x56, 0x34, 0x12),
	    W(HX_OP_STORE, 6, 4, 4, 8, HX_DS, 0, false, G(HX_RBX)), &i);
	EXPECT("decode/64/mov-imm32/imm", i.imm == 0x12345678 &&
	       i.imm_bytes == 4);
	dec("64/mov-imm32-rexw-sign", 64,
	    BYTES(0x48, 0xc7, 0x03, 0xff, 0xff, 0xff, 0xff),
	    W(HX_OP_STORE, 7, 8, 8, 8, HX_DS, 0, false, G(HX_RBX)), &i);
	EXPECT("decode/64/mov-imm32-rexw-sign/imm", i.imm == ~0ULL);
	dec("64/mov-imm16", 64, BYTES(0x66, 0xc7, 0x03, 0x34, 0x12),
	    W(HX_OP_STORE, 5, 2, 2, 8, HX_DS, 0, false, G(HX_RBX)), &i);
	EXPECT("decode/64/mov-imm16/imm", i.imm == 0x1234 && i.imm_bytes == 2);
	dec("64/mov-imm8", 64, BYTES(0xc6, 0x03, 0x80),
	    W(HX_OP_STORE, 3, 1, 1, 8, HX_DS, 0, false, G(HX_RBX)), &i);
	EXPECT("decode/64/mov-imm8/imm", i.imm == 0xffffffffffffff80ULL &&
	       i.imm_bytes == 1);
	dec("64/mov-imm8-disp8", 64, BYTES(0xc6, 0x43, 0x08, 0x7f),
	    W(HX_OP_STORE, 4, 1, 1, 8, HX_DS, 0, false, G(HX_RBX) + 8), &i);
	EXPECT("decode/64/mov-imm8-disp8/imm", i.imm == 0x7f);
	dec("64/mov-imm-rip-relative", 64,
	    BYTES(0xc7, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	    W(HX_OP_STORE, 10, 4, 4, 8, HX_DS, 0, false, RIP + 10 + 0x100),
	    &i);
	EXPECT("decode/64/mov-imm-rip-relative/imm", i.imm == 1);
	dec("64/mov-imm-register", 64,
	    BYTES(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00),
	    W(HX_OP_STORE, 6, 4, 0, 8, 0, 0, true, 0), NULL);

	dec("64/mov-load", 64, BYTES(0x8b, 0x03),
	    W(HX_OP_LOAD, 2, 4, 4, 8, HX_DS, HX_RAX, false, G(HX_RBX)), NULL);
	dec("64/mov-load-byte", 64, BYTES(0x8a, 0x3b),
	    W(HX_OP_LOAD, 2, 1, 1, 8, HX_DS, 7, false, G(HX_RBX)), NULL);
	dec("64/mov-load-register", 64, BYTES(0x8b, 0xc3),
	    W(HX_OP_LOAD, 2, 4, 0, 8, 0, HX_RAX, true, 0), &i);
	EXPECT("decode/64/mov-load-register/rm", i.rm == HX_RBX);
	dec("64/moffs-load", 64,
	    BYTES(0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	    W(HX_OP_LOAD, 9, 4, 4, 8, HX_DS, HX_RAX, false,
	      0x1122334455667788ULL), NULL);
	dec("64/moffs-load-67", 64,
	    BYTES(0x67, 0xa0, 0x44, 0x33, 0x22, 0xf1),
	    W(HX_OP_LOAD, 6, 1, 1, 4, HX_DS, HX_RAX, false, 0xf1223344ULL),
	    NULL);
	dec("64/moffs-store-rexw-gs", 64,
	    BYTES(0x65, 0x48, 0xa3, 8, 7, 6, 5, 4, 3, 2, 1),
	    W(HX_OP_STORE, 11, 8, 8, 8, HX_GS, HX_RAX, false,
	      0x0102030405060708ULL), NULL);
	dec("64/moffs-store-byte", 64, BYTES(0xa2, 1, 0, 0, 0, 0, 0, 0, 0),
	    W(HX_OP_STORE, 9, 1, 1, 8, HX_DS, HX_RAX, false, 1), NULL);

	dec("64/movzx-byte", 64, BYTES(0x0f, 0xb6, 0x03),
	    W(HX_OP_LOAD, 3, 4, 1, 8, HX_DS, HX_RAX, false, G(HX_RBX)), &i);
	EXPECT("decode/64/movzx-byte/zero", !i.sign_extend && i.twobyte &&
	       i.opcode == 0xb6);
	dec("64/movzx-word-rexw", 64, BYTES(0x48, 0x0f, 0xb7, 0x0b),
	    W(HX_OP_LOAD, 4, 8, 2, 8, HX_DS, HX_RCX, false, G(HX_RBX)), NULL);
	dec("64/movsx-byte-66", 64, BYTES(0x66, 0x0f, 0xbe, 0x03),
	    W(HX_OP_LOAD, 4, 2, 1, 8, HX_DS, HX_RAX, false, G(HX_RBX)), &i);
	EXPECT("decode/64/movsx-byte-66/sign", i.sign_extend);
	dec("64/movsx-word-rexr", 64, BYTES(0x4c, 0x0f, 0xbf, 0x03),
	    W(HX_OP_LOAD, 4, 8, 2, 8, HX_DS, HX_R8, false, G(HX_RBX)), &i);
	EXPECT("decode/64/movsx-word-rexr/sign", i.sign_extend);

	dec("64/movsb", 64, BYTES(0xa4),
	    W(HX_OP_MOVS, 1, 1, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/movsd", 64, BYTES(0xa5),
	    W(HX_OP_MOVS, 1, 4, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/rep-movsq", 64, BYTES(0xf3, 0x48, 0xa5),
	    W(HX_OP_MOVS, 3, 8, 0, 8, HX_DS, -1, true, 0), &i);
	EXPECT("decode/64/rep-movsq/rep", i.rep == 0xf3);
	dec("64/movsw-fs-67", 64, BYTES(0x64, 0x67, 0x66, 0xa5),
	    W(HX_OP_MOVS, 4, 2, 0, 4, HX_FS, -1, true, 0), &i);
	EXPECT("decode/64/movsw-fs-67/seg", i.seg == HX_FS);
	dec("64/repne-movsb", 64, BYTES(0xf2, 0xa4),
	    W(HX_OP_MOVS, 2, 1, 0, 8, HX_DS, -1, true, 0), &i);
	EXPECT("decode/64/repne-movsb/rep", i.rep == 0xf2);
	dec("64/stosb", 64, BYTES(0xaa),
	    W(HX_OP_STOS, 1, 1, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/rep-stosq", 64, BYTES(0xf3, 0x48, 0xab),
	    W(HX_OP_STOS, 3, 8, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/lodsb", 64, BYTES(0xac),
	    W(HX_OP_LODS, 1, 1, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/lodsw", 64, BYTES(0x66, 0xad),
	    W(HX_OP_LODS, 2, 2, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/insb", 64, BYTES(0x6c),
	    W(HX_OP_INS, 1, 1, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/rep-insd-rexw-stays-32", 64, BYTES(0xf3, 0x48, 0x6d),
	    W(HX_OP_INS, 3, 4, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/insw", 64, BYTES(0x66, 0x6d),
	    W(HX_OP_INS, 2, 2, 0, 8, HX_DS, -1, true, 0), NULL);
	dec("64/outsb-gs", 64, BYTES(0x65, 0x6e),
	    W(HX_OP_OUTS, 2, 1, 0, 8, HX_GS, -1, true, 0), &i);
	EXPECT("decode/64/outsb-gs/seg", i.seg == HX_GS);
	dec("64/rep-outsd-67", 64, BYTES(0xf3, 0x67, 0x6f),
	    W(HX_OP_OUTS, 3, 4, 0, 4, HX_DS, -1, true, 0), NULL);

	dec("64/mov-from-dr1", 64, BYTES(0x0f, 0x21, 0xc8),
	    W(HX_OP_DR_READ, 3, 8, 0, 8, 0, 1, true, 0), &i);
	EXPECT("decode/64/mov-from-dr1/rm", i.rm == HX_RAX);
	dec("64/mov-to-dr7-r9", 64, BYTES(0x41, 0x0f, 0x23, 0xf9),
	    W(HX_OP_DR_WRITE, 4, 8, 0, 8, 0, 7, true, 0), &i);
	EXPECT("decode/64/mov-to-dr7-r9/rm", i.rm == HX_R9);
	/* mod is ignored: no SIB or displacement follows. */
	dec("64/mov-dr-mod0-rm4", 64, BYTES(0x0f, 0x23, 0x04),
	    W(HX_OP_DR_WRITE, 3, 8, 0, 8, 0, 0, true, 0), &i);
	EXPECT("decode/64/mov-dr-mod0-rm4/rm", i.rm == HX_RSP);
	dec("64/mov-dr-66-ignored", 64, BYTES(0x66, 0x0f, 0x21, 0xd0),
	    W(HX_OP_DR_READ, 4, 8, 0, 8, 0, 2, true, 0), NULL);

	/* 15 bytes is the limit. */
	dec("64/fifteen-bytes", 64,
	    BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x89, 0x03),
	    W(HX_OP_STORE, 15, 2, 2, 8, HX_DS, HX_RAX, false, G(HX_RBX)),
	    NULL);
	bad("64/sixteen-bytes", 64,
	    BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x89, 0x03), -HX_EINVAL);
	bad("64/fifteen-prefixes", 64,
	    BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03), -HX_EINVAL);
	bad("64/lock-mov", 64, BYTES(0xf0, 0x89, 0x03), -HX_EINVAL);
	bad("64/lock-movs", 64, BYTES(0xf0, 0xa4), -HX_EINVAL);
	bad("64/mov-c6-reg1", 64, BYTES(0xc6, 0x0b, 0x00), -HX_EINVAL);
	bad("64/xbegin", 64, BYTES(0xc7, 0xf8, 0, 0, 0, 0), -HX_EINVAL);
	bad("64/rep-movzx", 64, BYTES(0xf3, 0x0f, 0xb6, 0x03), -HX_EINVAL);
	bad("64/mov-dr9", 64, BYTES(0x44, 0x0f, 0x21, 0xc8), -HX_EINVAL);
	bad("64/add", 64, BYTES(0x01, 0x03), -HX_EINVAL);
	bad("64/syscall", 64, BYTES(0x0f, 0x05), -HX_EINVAL);
	bad("64/mov-from-cr", 64, BYTES(0x0f, 0x20, 0xc0), -HX_EINVAL);
	bad("64/nop", 64, BYTES(0x90), -HX_EINVAL);
	bad("64/grp5", 64, BYTES(0xff, 0x03), -HX_EINVAL);
	bad("64/mov-sreg", 64, BYTES(0x8e, 0xd8), -HX_EINVAL);
	bad("64/empty", 64, (struct bytes){ .n = 0 }, -HX_ERANGE);
	bad("64/only-prefixes", 64, BYTES(0x66, 0x48), -HX_ERANGE);
	bad("64/escape-only", 64, BYTES(0x0f), -HX_ERANGE);
	bad("bad-mode", 8, BYTES(0x89, 0x03), -HX_EINVAL);
}

static void test_32(void)
{
	struct hx_insn i;

	dec("32/mov-store", 32, BYTES(0x89, 0x03),
	    W(HX_OP_STORE, 2, 4, 4, 4, HX_DS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("32/mov-store-66", 32, BYTES(0x66, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 2, 2, 4, HX_DS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("32/addr16-bx", 32, BYTES(0x67, 0x89, 0x07),
	    W(HX_OP_STORE, 3, 4, 4, 2, HX_DS, HX_RAX, false, M16(G(HX_RBX))),
	    NULL);
	dec("32/ebp-disp8-ss", 32, BYTES(0x89, 0x45, 0x08),
	    W(HX_OP_STORE, 3, 4, 4, 4, HX_SS, HX_RAX, false,
	      M32(G(HX_RBP) + 8)), NULL);
	dec("32/esp-sib-ss", 32, BYTES(0x89, 0x04, 0x24),
	    W(HX_OP_STORE, 3, 4, 4, 4, HX_SS, HX_RAX, false, M32(G(HX_RSP))),
	    NULL);
	dec("32/absolute-disp32", 32,
	    BYTES(0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	    W(HX_OP_STORE, 6, 4, 4, 4, HX_DS, HX_RAX, false, 0x12345678), &i);
	EXPECT("decode/32/absolute-disp32/not-rip-relative", !i.rip_relative);
	dec("32/sib-index-no-base", 32,
	    BYTES(0x89, 0x04, 0x9d, 0x00, 0x10, 0x00, 0x00),
	    W(HX_OP_STORE, 7, 4, 4, 4, HX_DS, HX_RAX, false,
	      M32(4 * G(HX_RBX) + 0x1000)), NULL);
	dec("32/sib-ebp-base-disp32", 32,
	    BYTES(0x89, 0x84, 0x35, 0x00, 0x00, 0x00, 0x80),
	    W(HX_OP_STORE, 7, 4, 4, 4, HX_SS, HX_RAX, false,
	      M32(G(HX_RBP) + G(HX_RSI) + 0x80000000ULL)), NULL);
	dec("32/es-override", 32, BYTES(0x26, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 4, HX_ES, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("32/cs-override", 32, BYTES(0x2e, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 4, HX_CS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("32/ss-override", 32, BYTES(0x36, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 4, 4, 4, HX_SS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("32/ds-override-of-ebp", 32, BYTES(0x3e, 0x89, 0x45, 0x00),
	    W(HX_OP_STORE, 4, 4, 4, 4, HX_DS, HX_RAX, false, M32(G(HX_RBP))),
	    NULL);
	dec("32/last-override-wins", 32, BYTES(0x26, 0x64, 0x89, 0x03),
	    W(HX_OP_STORE, 4, 4, 4, 4, HX_FS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("32/moffs", 32, BYTES(0xa1, 0x78, 0x56, 0x34, 0x12),
	    W(HX_OP_LOAD, 5, 4, 4, 4, HX_DS, HX_RAX, false, 0x12345678), NULL);
	dec("32/moffs-67", 32, BYTES(0x67, 0xa3, 0x34, 0x12),
	    W(HX_OP_STORE, 4, 4, 4, 2, HX_DS, HX_RAX, false, 0x1234), NULL);
	dec("32/mov-from-dr6", 32, BYTES(0x0f, 0x21, 0xf0),
	    W(HX_OP_DR_READ, 3, 4, 0, 4, 0, 6, true, 0), NULL);
	dec("32/movsd", 32, BYTES(0xa5),
	    W(HX_OP_MOVS, 1, 4, 0, 4, HX_DS, -1, true, 0), NULL);
	dec("32/movsw-es", 32, BYTES(0x26, 0x66, 0xa5),
	    W(HX_OP_MOVS, 3, 2, 0, 4, HX_ES, -1, true, 0), &i);
	EXPECT("decode/32/movsw-es/seg", i.seg == HX_ES);
	dec("32/c7-imm", 32, BYTES(0xc7, 0x00, 1, 2, 3, 4),
	    W(HX_OP_STORE, 6, 4, 4, 4, HX_DS, 0, false, M32(G(HX_RAX))), &i);
	EXPECT("decode/32/c7-imm/imm", i.imm == 0x04030201);
	/* No REX outside 64-bit mode: 0x48 is DEC EAX. */
	bad("32/no-rex", 32, BYTES(0x48, 0x89, 0x03), -HX_EINVAL);
}

static void test_16(void)
{
	static const struct {
		const char *name;
		u8 modrm;
		u64 ea;
		u8 seg;
	} forms[] = {
		{ "bx+si", 0x00, M16(G(HX_RBX) + G(HX_RSI)), HX_DS },
		{ "bx+di", 0x01, M16(G(HX_RBX) + G(HX_RDI)), HX_DS },
		{ "bp+si", 0x02, M16(G(HX_RBP) + G(HX_RSI)), HX_SS },
		{ "bp+di", 0x03, M16(G(HX_RBP) + G(HX_RDI)), HX_SS },
		{ "si", 0x04, M16(G(HX_RSI)), HX_DS },
		{ "di", 0x05, M16(G(HX_RDI)), HX_DS },
		{ "bx", 0x07, M16(G(HX_RBX)), HX_DS },
	};
	char name[64];
	u32 k;

	for (k = 0; k < HX_ARRAY_SIZE(forms); k++) {
		snprintf(name, sizeof(name), "16/%s", forms[k].name);
		dec(name, 16, BYTES(0x89, forms[k].modrm),
		    W(HX_OP_STORE, 2, 2, 2, 2, forms[k].seg, HX_RAX, false,
		      forms[k].ea), NULL);
		snprintf(name, sizeof(name), "16/%s+disp8", forms[k].name);
		dec(name, 16, BYTES(0x89, 0x40 | forms[k].modrm, 0xfe),
		    W(HX_OP_STORE, 3, 2, 2, 2, forms[k].seg, HX_RAX, false,
		      M16(forms[k].ea - 2)), NULL);
		snprintf(name, sizeof(name), "16/%s+disp16", forms[k].name);
		dec(name, 16, BYTES(0x89, 0x80 | forms[k].modrm, 0x00, 0x80),
		    W(HX_OP_STORE, 4, 2, 2, 2, forms[k].seg, HX_RAX, false,
		      M16(forms[k].ea + 0x8000)), NULL);
	}
	dec("16/disp16-only", 16, BYTES(0x89, 0x06, 0x34, 0x12),
	    W(HX_OP_STORE, 4, 2, 2, 2, HX_DS, HX_RAX, false, 0x1234), NULL);
	dec("16/bp+disp8", 16, BYTES(0x89, 0x46, 0x10),
	    W(HX_OP_STORE, 3, 2, 2, 2, HX_SS, HX_RAX, false,
	      M16(G(HX_RBP) + 0x10)), NULL);
	dec("16/bp-es-override", 16, BYTES(0x26, 0x89, 0x46, 0x10),
	    W(HX_OP_STORE, 4, 2, 2, 2, HX_ES, HX_RAX, false,
	      M16(G(HX_RBP) + 0x10)), NULL);
	dec("16/66-op32", 16, BYTES(0x66, 0x89, 0x07),
	    W(HX_OP_STORE, 3, 4, 4, 2, HX_DS, HX_RAX, false, M16(G(HX_RBX))),
	    NULL);
	dec("16/67-addr32", 16, BYTES(0x67, 0x89, 0x03),
	    W(HX_OP_STORE, 3, 2, 2, 4, HX_DS, HX_RAX, false, M32(G(HX_RBX))),
	    NULL);
	dec("16/66-67-esp", 16, BYTES(0x66, 0x67, 0x8b, 0x04, 0x24),
	    W(HX_OP_LOAD, 5, 4, 4, 4, HX_SS, HX_RAX, false, M32(G(HX_RSP))),
	    NULL);
	dec("16/moffs", 16, BYTES(0xa1, 0x34, 0x12),
	    W(HX_OP_LOAD, 3, 2, 2, 2, HX_DS, HX_RAX, false, 0x1234), NULL);
	dec("16/imm16", 16, BYTES(0xc7, 0x07, 0x34, 0x12),
	    W(HX_OP_STORE, 4, 2, 2, 2, HX_DS, 0, false, M16(G(HX_RBX))), NULL);
	dec("16/imm32-with-66", 16,
	    BYTES(0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12),
	    W(HX_OP_STORE, 7, 4, 4, 2, HX_DS, 0, false, M16(G(HX_RBX))), NULL);
	dec("16/movzx", 16, BYTES(0x0f, 0xb6, 0x07),
	    W(HX_OP_LOAD, 3, 2, 1, 2, HX_DS, HX_RAX, false, M16(G(HX_RBX))),
	    NULL);
	dec("16/rep-insw", 16, BYTES(0xf3, 0x6d),
	    W(HX_OP_INS, 2, 2, 0, 2, HX_DS, -1, true, 0), NULL);
	dec("16/outsd-67", 16, BYTES(0x66, 0x67, 0x6f),
	    W(HX_OP_OUTS, 3, 4, 0, 4, HX_DS, -1, true, 0), NULL);
	dec("16/mov-to-dr0", 16, BYTES(0x0f, 0x23, 0xc0),
	    W(HX_OP_DR_WRITE, 3, 4, 0, 2, 0, 0, true, 0), NULL);
}

/* Random bytes: no crash, no read past the buffer, sane results. */
static void test_random(void)
{
	struct hx_insn insn;
	static const u8 modes[3] = { 16, 32, 64 };
	u8 *buf;
	bool ok = true;
	u32 k, n, j;
	int err;

	srand(12345);
	for (k = 0; k < 200000; k++) {
		n = (u32)(rand() % 17);
		buf = malloc(n ? n : 1);	/* ASan sees any overread */
		for (j = 0; j < n; j++) {
			/* Favour the bytes the decoder knows. */
			static const u8 known[] = {
				0x66, 0x67, 0xf2, 0xf3, 0x26, 0x64, 0x48, 0x41,
				0x89, 0x8b, 0xc7, 0xa1, 0xa5, 0x6d, 0x0f, 0xb6,
				0x21, 0x04, 0x05, 0x44, 0x84, 0x24,
			};
			buf[j] = rand() & 1 ? known[rand() % sizeof(known)] :
					      (u8)rand();
		}
		err = hx_decode(buf, n, modes[k % 3], &insn);
		if (!err && (insn.len > n || insn.len > HX_INSN_MAX ||
			     insn.op == HX_OP_NONE ||
			     (insn.base >= HX_NR_GPRS) ||
			     (insn.index >= HX_NR_GPRS)))
			ok = false;
		if (err && err != -HX_EINVAL && err != -HX_ERANGE)
			ok = false;
		if (!err)
			(void)hx_insn_ea(&insn, gprs, RIP);
		free(buf);
	}
	EXPECT("decode/random-bytes-are-safe", ok);
}

int main(void)
{
	u32 r;

	for (r = 0; r < HX_NR_GPRS; r++)
		gprs[r] = G(r);
	test_64();
	test_32();
	test_16();
	test_random();
	return test_failures ? 1 : 0;
}
