// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the instruction emulator (xen/arch/x86/emulate.c): MMIO
 * stores and loads, string moves, string port I/O, faults, completion.
 * The vCPU and VM are built by hand; guest RAM is on the fake host.
 */
#include <stdio.h>
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

int test_failures;

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define P		(1ULL << 0)
#define RW		(1ULL << 1)
#define US		(1ULL << 2)
#define PS		(1ULL << 7)
#define RFLAGS_DF	(1ULL << 10)

/*
 * Guest-physical layout: RAM at 0-640 KiB and 1-16 MiB; everything else
 * is a hole.  64-bit tests map 0-4 GiB 1:1 with 1 GiB pages (PML4[0]);
 * PML4[1] is not present; PML4[2] maps R4 with 4 KiB pages:
 *   R4 + 0x0000 -> 0x300000, R4 + 0x1000 -> 0x302000 (not contiguous),
 *   R4 + 0x2000 not present, R4 + 0x3000 -> 0x304000,
 *   R4 + 0x4000 -> a hole (0xd0100000)
 */
#define PML4		0x10000ULL
#define PDPT_LOW	0x11000ULL
#define PDPT_R4		0x12000ULL
#define PD_R4		0x13000ULL
#define PT_R4		0x14000ULL
#define CODE		0x1000ULL
#define DATA		0x200000ULL
#define MMIO		0xd0000000ULL
#define UNMAPPED	0x8000000000ULL
#define R4		0x10000000000ULL
#define IO_SIZE		64

static struct hx_vm vm;
static struct hx_vcpu vcpu;
static struct hx_emul_ctx ctx;
static u8 io_buf[IO_SIZE];

static void w64(u64 gpa, u64 v)
{
	hx_ram_write(&vm.ram, gpa, &v, 8);
}

static u64 r64(u64 gpa)
{
	u64 v = 0;

	hx_ram_read(&vm.ram, gpa, &v, 8);
	return v;
}

static u8 r8(u64 gpa)
{
	u8 v = 0;

	hx_ram_read(&vm.ram, gpa, &v, 1);
	return v;
}

static void setup_ram(void)
{
	u64 i;

	hx_ram_free(&vm.ram);
	fake_mem_reset();
	hx_ram_add(&vm.ram, 0, 640 * 1024);
	hx_ram_add(&vm.ram, 1 * MiB, 15 * MiB);
	w64(PML4 + 0 * 8, PDPT_LOW | P | RW | US);
	w64(PML4 + 2 * 8, PDPT_R4 | P | RW | US);
	for (i = 0; i < 4; i++)
		w64(PDPT_LOW + i * 8, (i << 30) | P | RW | US | PS);
	w64(PDPT_R4, PD_R4 | P | RW | US);
	w64(PD_R4, PT_R4 | P | RW | US);
	w64(PT_R4 + 0 * 8, 0x300000 | P | RW | US);
	w64(PT_R4 + 1 * 8, 0x302000 | P | RW | US);
	w64(PT_R4 + 3 * 8, 0x304000 | P | RW | US);
	w64(PT_R4 + 4 * 8, 0xd0100000 | P | RW | US);
}

static void reset_regs(void)
{
	u32 r;

	for (r = 0; r < HX_NR_GPRS; r++)
		vcpu.gprs[r] = 0x0101010101010101ULL * (r + 1);
	vcpu.gprs[HX_RAX] = 0x1122334455667788ULL;
	vcpu.gprs[HX_RSP] = 0x8877665544332211ULL;
	memset(&vcpu.exit, 0, sizeof(vcpu.exit));
	memset(&vcpu.emul, 0, sizeof(vcpu.emul));
	memset(&vcpu.stats, 0, sizeof(vcpu.stats));
	vcpu.io_in_pending = false;
	vcpu.io_data = io_buf;
	vcpu.io_data_size = IO_SIZE;
}

/* 64-bit mode, 4-level paging. */
static void mode64(void)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.vcpu = &vcpu;
	ctx.cs_bits = 64;
	ctx.rip = CODE;
	ctx.rflags = 2;
	ctx.paging.cr0 = (1ULL << 31) | (1ULL << 16) | 1;
	ctx.paging.cr3 = PML4;
	ctx.paging.cr4 = 1ULL << 5;
	ctx.paging.efer = (1ULL << 8) | (1ULL << 10) | (1ULL << 11);
	reset_regs();
}

/* Real mode: 16-bit code, no paging, segment bases. */
static void mode16(void)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.vcpu = &vcpu;
	ctx.cs_bits = 16;
	ctx.rip = CODE;
	ctx.rflags = 2;
	ctx.seg_base[HX_DS] = 0x20000;
	ctx.seg_base[HX_ES] = 0x30000;
	ctx.seg_base[HX_SS] = 0x40000;
	reset_regs();
}

/* 32-bit protected mode without paging. */
static void mode32(void)
{
	mode16();
	ctx.cs_bits = 32;
	ctx.paging.cr0 = 1;
}

static void put(u64 gpa, const u8 *b, u32 n)
{
	hx_ram_write(&vm.ram, gpa, b, n);
}

/* Instruction bytes as one value. */
struct bytes {
	u8 b[32];
	u32 n;
};

#define BYTES(...) ((struct bytes){ { __VA_ARGS__ }, \
				    sizeof((u8[]){ __VA_ARGS__ }) })

/* Write bytes at guest-linear addresses, through the guest's tables. */
static void put_linear(u64 gla, struct bytes bs)
{
	u64 gpa;
	u32 i, err;

	for (i = 0; i < bs.n; i++)
		if (!hx_walk(&vm.ram, &ctx.paging, gla + i, 0, &gpa, &err))
			put(gpa, bs.b + i, 1);
}
#define CODE_AT(gla, ...) do {						\
		put_linear(gla, BYTES(__VA_ARGS__));			\
		ctx.rip = (gla);					\
	} while (0)
#define INSN(...) CODE_AT(CODE, __VA_ARGS__)

static bool mmio_is(u64 gpa, u32 len, bool write, u64 data)
{
	const struct hx_exit *e = &vcpu.exit;
	u8 want[8] = { 0 };
	u32 i;

	for (i = 0; i < len && write; i++)
		want[i] = (u8)(data >> (8 * i));
	if (e->reason == HX_EXIT_MMIO && e->mmio.gpa == gpa &&
	    e->mmio.len == len && e->mmio.is_write == write &&
	    !memcmp(e->mmio.data, want, 8))
		return true;
	printf("  exit %d gpa %#llx len %u write %d data %02x%02x%02x%02x..\n",
	       e->reason, (unsigned long long)e->mmio.gpa, e->mmio.len,
	       e->mmio.is_write, e->mmio.data[0], e->mmio.data[1],
	       e->mmio.data[2], e->mmio.data[3]);
	return false;
}

static void answer(u64 v)
{
	u32 i;

	for (i = 0; i < 8; i++)
		vcpu.exit.mmio.data[i] = (u8)(v >> (8 * i));
}

/* --- stores --------------------------------------------------------- */

static void check_store(const char *name, u64 want_gpa, u32 len, u64 data,
		  u64 next)
{
	char n[120];
	int r = hx_emulate_mmio(&ctx, 0);

	snprintf(n, sizeof(n), "emulate/store/%s", name);
	EXPECT(n, r == HX_EMUL_EXIT && mmio_is(want_gpa, len, true, data) &&
	       ctx.rip == next);
}

static void test_stores(void)
{
	char n[80];

	mode64();
	vcpu.gprs[HX_RBX] = MMIO + 0x10;
	INSN(0x89, 0x03);
	check_store("mov-r32", MMIO + 0x10, 4, 0x55667788, CODE + 2);
	EXPECT("emulate/store/backend-counts-exit", vcpu.stats.mmio == 0);
	INSN(0x48, 0x89, 0x03);
	check_store("mov-r64", MMIO + 0x10, 8, 0x1122334455667788ULL, CODE + 3);
	INSN(0x66, 0x89, 0x03);
	check_store("mov-r16", MMIO + 0x10, 2, 0x7788, CODE + 3);
	INSN(0x88, 0x23);
	check_store("mov-ah", MMIO + 0x10, 1, 0x77, CODE + 2);
	INSN(0x88, 0x3b);
	check_store("mov-bh", MMIO + 0x10, 1, (MMIO + 0x10) >> 8, CODE + 2);
	INSN(0x40, 0x88, 0x23);
	check_store("mov-spl", MMIO + 0x10, 1, 0x11, CODE + 3);
	INSN(0x44, 0x88, 0x03);
	check_store("mov-r8b", MMIO + 0x10, 1, 0x09, CODE + 3);
	INSN(0xc6, 0x03, 0x80);
	check_store("mov-imm8", MMIO + 0x10, 1, 0x80, CODE + 3);
	INSN(0x66, 0xc7, 0x03, 0x34, 0x12);
	check_store("mov-imm16", MMIO + 0x10, 2, 0x1234, CODE + 5);
	INSN(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff);
	check_store("mov-imm32-sext", MMIO + 0x10, 8, 0xfffffffffffffffeULL,
	      CODE + 7);
	INSN(0xc7, 0x43, 0x08, 0x78, 0x56, 0x34, 0x12);
	check_store("mov-imm32-disp8", MMIO + 0x18, 4, 0x12345678, CODE + 7);
	INSN(0xa3, 0x20, 0x00, 0x00, 0xd0, 0, 0, 0, 0);
	check_store("mov-moffs", MMIO + 0x20, 4, 0x55667788, CODE + 9);
	INSN(0x48, 0xa3, 0x20, 0x00, 0x00, 0xd0, 0, 0, 0, 0);
	check_store("mov-moffs-r64", MMIO + 0x20, 8, 0x1122334455667788ULL,
	      CODE + 10);
	vcpu.gprs[HX_RBX] = 0x40;
	ctx.seg_base[HX_FS] = MMIO;
	ctx.seg_base[HX_DS] = 0x1000;	/* ignored in 64-bit mode */
	INSN(0x64, 0x89, 0x03);
	check_store("fs-base", MMIO + 0x40, 4, 0x55667788, CODE + 3);
	INSN(0x89, 0x03);
	snprintf(n, sizeof(n), "emulate/store/ds-base-ignored-in-64bit");
	EXPECT(n, hx_emulate_mmio(&ctx, 0) == HX_EMUL_RESUME &&
	       r64(0x40) == 0x55667788 && ctx.rip == CODE + 2);

	/* The operand is RAM after all: stored directly. */
	mode64();
	vcpu.gprs[HX_RBX] = DATA;
	w64(DATA, 0);
	INSN(0x48, 0x89, 0x03);
	EXPECT("emulate/store/to-ram",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_RESUME &&
	       r64(DATA) == 0x1122334455667788ULL && ctx.rip == CODE + 3 &&
	       vcpu.exit.reason == HX_EXIT_NONE);
	/* RIP-relative: DATA + 8 = CODE + 6 + disp */
	INSN(0x89, 0x05, 0x02, 0xf0, 0x1f, 0x00);
	EXPECT("emulate/store/rip-relative",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_RESUME &&
	       r64(DATA + 8) == 0x55667788 && ctx.rip == CODE + 6);

	/* Real mode: DS:BX+SI, linear = DS base + offset */
	mode16();
	ctx.seg_base[HX_DS] = 0xb0000;
	vcpu.gprs[HX_RBX] = 0xffff8000;
	vcpu.gprs[HX_RSI] = 0x10;
	INSN(0x89, 0x00);
	check_store("real-mode-bx-si", 0xb8010, 2, 0x7788, CODE + 2);
	INSN(0x26, 0x66, 0xc7, 0x46, 0x02, 0x01, 0x02, 0x03, 0x04);
	ctx.seg_base[HX_ES] = 0xa0000;
	vcpu.gprs[HX_RBP] = 0xfffe;
	check_store("real-mode-es-bp-disp-wraps", 0xa0000, 4, 0x04030201,
	      CODE + 9);
	/* 32-bit: linear addresses wrap at 4 GiB */
	mode32();
	ctx.seg_base[HX_DS] = 0xe0000000;
	vcpu.gprs[HX_RBX] = 0xf0000010;
	INSN(0x89, 0x03);
	check_store("32bit-wraps-4g", 0xd0000010, 4, 0x55667788, CODE + 2);
}

/* --- loads ---------------------------------------------------------- */

static void check_load(const char *name, u32 len, u64 reply, u32 reg, u64 want,
		 u64 next)
{
	char n[120];
	int r = hx_emulate_mmio(&ctx, 0);
	bool exit_ok = r == HX_EMUL_EXIT && mmio_is(MMIO, len, false, 0) &&
		       ctx.rip == next;

	snprintf(n, sizeof(n), "emulate/load/%s/exit", name);
	EXPECT(n, exit_ok);
	answer(reply);
	r = hx_emulate_complete(&vcpu);
	snprintf(n, sizeof(n), "emulate/load/%s/register", name);
	EXPECT(n, r == HX_EMUL_RESUME && vcpu.gprs[reg] == want);
	if (vcpu.gprs[reg] != want)
		printf("  got %#llx want %#llx\n",
		       (unsigned long long)vcpu.gprs[reg],
		       (unsigned long long)want);
	snprintf(n, sizeof(n), "emulate/load/%s/done", name);
	EXPECT(n, vcpu.emul.kind == HX_PENDING_NONE &&
	       hx_emulate_complete(&vcpu) == HX_EMUL_RESUME &&
	       vcpu.gprs[reg] == want);
}

static void test_loads(void)
{
	const u64 rax = 0x1122334455667788ULL, rsp = 0x8877665544332211ULL;
	const u64 reply = 0x2211ffeeddccbbaaULL;

	mode64();
	vcpu.gprs[HX_RBX] = MMIO;
	INSN(0x8b, 0x03);
	check_load("mov-r32-zero-extends", 4, reply, HX_RAX, 0xddccbbaa, CODE + 2);
	vcpu.gprs[HX_RAX] = rax;
	INSN(0x66, 0x8b, 0x03);
	check_load("mov-r16-merges", 2, reply, HX_RAX, 0x112233445566bbaaULL,
	     CODE + 3);
	vcpu.gprs[HX_RAX] = rax;
	INSN(0x8a, 0x03);
	check_load("mov-r8-merges", 1, reply, HX_RAX, 0x11223344556677aaULL,
	     CODE + 2);
	vcpu.gprs[HX_RAX] = rax;
	INSN(0x8a, 0x23);
	check_load("mov-ah", 1, reply, HX_RAX, 0x112233445566aa88ULL, CODE + 2);
	INSN(0x8a, 0x3b);
	check_load("mov-bh", 1, reply, HX_RBX, (MMIO & ~0xff00ULL) | 0xaa00,
	     CODE + 2);
	vcpu.gprs[HX_RBX] = MMIO;
	INSN(0x40, 0x8a, 0x23);
	check_load("mov-spl", 1, reply, HX_RSP, (rsp & ~0xffULL) | 0xaa, CODE + 3);
	INSN(0x48, 0x8b, 0x03);
	check_load("mov-r64", 8, reply, HX_RAX, reply, CODE + 3);
	INSN(0x4c, 0x8b, 0x03);
	check_load("mov-r8-rex", 8, reply, HX_R8, reply, CODE + 3);
	INSN(0x44, 0x8a, 0x2b);
	check_load("mov-r13b", 1, reply, HX_R13, 0x0e0e0e0e0e0e0eaaULL, CODE + 3);
	INSN(0x0f, 0xb6, 0x03);
	check_load("movzx-byte", 1, reply, HX_RAX, 0xaa, CODE + 3);
	INSN(0x48, 0x0f, 0xb7, 0x03);
	check_load("movzx-word-r64", 2, reply, HX_RAX, 0xbbaa, CODE + 4);
	INSN(0x48, 0x0f, 0xbf, 0x03);
	check_load("movsx-word-r64", 2, 0x8001, HX_RAX, 0xffffffffffff8001ULL,
	     CODE + 4);
	vcpu.gprs[HX_RAX] = rax;
	INSN(0x66, 0x0f, 0xbe, 0x03);
	check_load("movsx-byte-r16", 1, 0x80, HX_RAX, 0x112233445566ff80ULL,
	     CODE + 4);
	INSN(0x0f, 0xbf, 0x03);
	check_load("movsx-word-r32-positive", 2, 0x7fff, HX_RAX, 0x7fff, CODE + 3);
	INSN(0x0f, 0xbe, 0x23);
	check_load("movsx-byte-esp-not-ah", 1, 0xf0, HX_RSP, 0xfffffff0, CODE + 3);
	INSN(0xa1, 0x00, 0x00, 0x00, 0xd0, 0, 0, 0, 0);
	check_load("mov-moffs", 4, reply, HX_RAX, 0xddccbbaa, CODE + 9);
	INSN(0x8b, 0x03);
	check_load("mov-r32-no-sign-extension", 4, 0x80000000, HX_RAX,
	     0x80000000, CODE + 2);

	/* From RAM: the register is written at once. */
	mode64();
	vcpu.gprs[HX_RBX] = DATA;
	w64(DATA, 0x0123456789abcdefULL);
	INSN(0x66, 0x8b, 0x0b);
	EXPECT("emulate/load/from-ram",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RCX] == 0x020202020202cdefULL &&
	       vcpu.emul.kind == HX_PENDING_NONE && ctx.rip == CODE + 3);

	/* The host replaced the state: the load is forgotten. */
	mode64();
	vcpu.gprs[HX_RBX] = MMIO;
	INSN(0x8b, 0x03);
	hx_emulate_mmio(&ctx, 0);
	hx_emulate_cancel(&vcpu);
	answer(reply);
	EXPECT("emulate/load/cancelled",
	       hx_emulate_complete(&vcpu) == HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RAX] == rax);
}

/* --- STOS, LODS, MOVS ---------------------------------------------- */

static void test_stos_lods(void)
{
	int r;

	mode64();
	vcpu.gprs[HX_RDI] = MMIO;
	INSN(0xaa);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/stos/byte", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 1, true, 0x88) && ctx.rip == CODE + 1 &&
	       vcpu.gprs[HX_RDI] == MMIO + 1);

	/* REP: one element per exit, rip stays until rCX reaches 0. */
	vcpu.gprs[HX_RDI] = MMIO;
	vcpu.gprs[HX_RCX] = 3;
	INSN(0xf3, 0x48, 0xab);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-stosq/first", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 8, true, 0x1122334455667788ULL) &&
	       ctx.rip == CODE && vcpu.gprs[HX_RCX] == 2 &&
	       vcpu.gprs[HX_RDI] == MMIO + 8);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-stosq/second", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 8, 8, true, 0x1122334455667788ULL) &&
	       ctx.rip == CODE && vcpu.gprs[HX_RCX] == 1);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-stosq/last", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 16, 8, true, 0x1122334455667788ULL) &&
	       ctx.rip == CODE + 3 && vcpu.gprs[HX_RCX] == 0 &&
	       vcpu.gprs[HX_RDI] == MMIO + 24);

	ctx.rflags |= RFLAGS_DF;
	vcpu.gprs[HX_RDI] = MMIO + 0x100;
	vcpu.gprs[HX_RCX] = 2;
	INSN(0xf3, 0xab);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-stosd-down", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x100, 4, true, 0x55667788) &&
	       vcpu.gprs[HX_RDI] == MMIO + 0xfc && vcpu.gprs[HX_RCX] == 1 &&
	       ctx.rip == CODE);
	ctx.rflags = 2;

	vcpu.exit.reason = HX_EXIT_NONE;
	vcpu.gprs[HX_RCX] = 0;
	vcpu.gprs[HX_RDI] = MMIO;
	INSN(0xf3, 0xaa);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-count-0", r == HX_EMUL_RESUME &&
	       ctx.rip == CODE + 2 && vcpu.gprs[HX_RDI] == MMIO &&
	       vcpu.exit.reason == HX_EXIT_NONE);
	vcpu.gprs[HX_RCX] = 0xffffffff00000000ULL;
	INSN(0x67, 0xf3, 0xaa);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-count-masked-to-address-size",
	       r == HX_EMUL_RESUME && ctx.rip == CODE + 3);
	/* 32-bit addresses in 64-bit mode: EDI and ECX, zero-extended. */
	vcpu.gprs[HX_RCX] = 0xffffffff00000002ULL;
	vcpu.gprs[HX_RDI] = 0x12345678d0000000ULL;
	ctx.rip = CODE;
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-stos-addr32", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 1, true, 0x88) && vcpu.gprs[HX_RCX] == 1 &&
	       vcpu.gprs[HX_RDI] == MMIO + 1 && ctx.rip == CODE);

	/* REP STOS into RAM. */
	mode64();
	vcpu.gprs[HX_RDI] = DATA;
	vcpu.gprs[HX_RCX] = 2;
	w64(DATA, 0);
	INSN(0xf3, 0x66, 0xab);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-stos-ram", r == HX_EMUL_RESUME &&
	       r64(DATA) == 0x7788 && vcpu.gprs[HX_RCX] == 1 &&
	       vcpu.gprs[HX_RDI] == DATA + 2 && ctx.rip == CODE);

	/* Real mode: 16-bit DI wraps, the rest of RDI stays. */
	mode16();
	ctx.seg_base[HX_ES] = 0xb0000;
	vcpu.gprs[HX_RDI] = 0xabcd0000ffffULL;
	INSN(0xaa);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/stos-real-mode-di-wraps", r == HX_EMUL_EXIT &&
	       mmio_is(0xbffff, 1, true, 0x88) &&
	       vcpu.gprs[HX_RDI] == 0xabcd00000000ULL && ctx.rip == CODE + 1);

	/* LODS */
	mode64();
	vcpu.gprs[HX_RSI] = MMIO;
	INSN(0xac);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/lodsb/exit", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 1, false, 0) && vcpu.gprs[HX_RSI] == MMIO + 1 &&
	       ctx.rip == CODE + 1);
	answer(0x5a);
	EXPECT("emulate/lodsb/al", hx_emulate_complete(&vcpu) ==
	       HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RAX] == 0x112233445566775aULL);
	INSN(0x48, 0xad);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/lodsq/exit", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 1, 8, false, 0));
	answer(0x0123456789abcdefULL);
	EXPECT("emulate/lodsq",
	       hx_emulate_complete(&vcpu) == HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RAX] == 0x0123456789abcdefULL);
	w64(DATA, 0xfedcba9876543210ULL);
	vcpu.gprs[HX_RSI] = DATA;
	INSN(0xad);
	EXPECT("emulate/lodsd-ram", hx_emulate_mmio(&ctx, 0) ==
	       HX_EMUL_RESUME && vcpu.gprs[HX_RAX] == 0x76543210 &&
	       vcpu.gprs[HX_RSI] == DATA + 4);
}

static void test_movs(void)
{
	int r;

	mode64();
	w64(DATA, 0x0011223344556677ULL);
	vcpu.gprs[HX_RSI] = DATA;
	vcpu.gprs[HX_RDI] = MMIO;
	INSN(0xa5);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/movs/ram-to-hole", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 4, true, 0x44556677) &&
	       vcpu.gprs[HX_RSI] == DATA + 4 &&
	       vcpu.gprs[HX_RDI] == MMIO + 4 && ctx.rip == CODE + 1);

	vcpu.gprs[HX_RSI] = MMIO;
	vcpu.gprs[HX_RDI] = DATA + 0x100;
	w64(DATA + 0x100, 0);
	INSN(0xa5);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/movs/hole-to-ram/read", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 4, false, 0) && vcpu.gprs[HX_RSI] == MMIO + 4 &&
	       vcpu.gprs[HX_RDI] == DATA + 0x104);
	answer(0xcafef00d);
	EXPECT("emulate/movs/hole-to-ram/stored",
	       hx_emulate_complete(&vcpu) == HX_EMUL_RESUME &&
	       r64(DATA + 0x100) == 0xcafef00d &&
	       vcpu.gprs[HX_RAX] == 0x1122334455667788ULL);

	/* Hole to hole: a read exit, then a write exit, then done. */
	vcpu.gprs[HX_RSI] = MMIO;
	vcpu.gprs[HX_RDI] = MMIO + 0x1000;
	INSN(0x48, 0xa5);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/movs/hole-to-hole/read", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 8, false, 0) && ctx.rip == CODE + 2);
	answer(0x0123456789abcdefULL);
	vcpu.stats.mmio = 0;
	r = hx_emulate_complete(&vcpu);
	EXPECT("emulate/movs/hole-to-hole/write", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x1000, 8, true, 0x0123456789abcdefULL) &&
	       vcpu.stats.mmio == 1);
	EXPECT("emulate/movs/hole-to-hole/done",
	       hx_emulate_complete(&vcpu) == HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RSI] == MMIO + 8 &&
	       vcpu.gprs[HX_RDI] == MMIO + 0x1008);

	/* REP, DF=1, hole to hole. */
	ctx.rflags |= RFLAGS_DF;
	vcpu.gprs[HX_RSI] = MMIO + 0x10;
	vcpu.gprs[HX_RDI] = MMIO + 0x2010;
	vcpu.gprs[HX_RCX] = 2;
	INSN(0xf3, 0xa4);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-movsb-down/read", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x10, 1, false, 0) && ctx.rip == CODE &&
	       vcpu.gprs[HX_RSI] == MMIO + 0xf &&
	       vcpu.gprs[HX_RDI] == MMIO + 0x200f && vcpu.gprs[HX_RCX] == 1);
	answer(0x42);
	r = hx_emulate_complete(&vcpu);
	EXPECT("emulate/rep-movsb-down/write", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x2010, 1, true, 0x42));
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/rep-movsb-down/last", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0xf, 1, false, 0) && ctx.rip == CODE + 2 &&
	       vcpu.gprs[HX_RCX] == 0);
	answer(0x43);
	r = hx_emulate_complete(&vcpu);
	EXPECT("emulate/rep-movsb-down/last-write", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x200f, 1, true, 0x43));
	ctx.rflags = 2;

	/* Source segment override; ES:rDI takes none. */
	ctx.seg_base[HX_FS] = MMIO;
	ctx.seg_base[HX_ES] = 0x1000;	/* ignored in 64-bit mode */
	vcpu.gprs[HX_RSI] = 0x30;
	vcpu.gprs[HX_RDI] = MMIO + 0x3000;
	INSN(0x64, 0xa4);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/movs/fs-source", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x30, 1, false, 0));
	answer(0x99);
	r = hx_emulate_complete(&vcpu);
	EXPECT("emulate/movs/fs-source/write", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x3000, 1, true, 0x99));

	/* RAM to RAM: just copied. */
	vcpu.gprs[HX_RSI] = DATA;
	vcpu.gprs[HX_RDI] = DATA + 0x200;
	INSN(0x66, 0xa5);
	EXPECT("emulate/movs/ram-to-ram",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_RESUME &&
	       r64(DATA + 0x200) == 0x6677);

	/* 32-bit protected mode: DS and ES bases count. */
	mode32();
	ctx.seg_base[HX_DS] = DATA;
	ctx.seg_base[HX_ES] = MMIO;
	vcpu.gprs[HX_RSI] = 0;
	vcpu.gprs[HX_RDI] = 0x40;
	INSN(0xa5);
	EXPECT("emulate/movs/32bit-bases",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_EXIT &&
	       mmio_is(MMIO + 0x40, 4, true, 0x44556677));
}

/* --- string I/O ----------------------------------------------------- */

static int sio(u16 port, u8 size, bool in, bool rep, u8 ab)
{
	return hx_emulate_string_io(&ctx, port, size, in, rep, ab);
}

static bool io_is(u16 port, u8 size, bool in, u32 count)
{
	const struct hx_exit *e = &vcpu.exit;

	if (e->reason == HX_EXIT_IO && e->io.port == port &&
	    e->io.size == size && e->io.in == in && e->io.count == count)
		return true;
	printf("  exit %d port %#x size %u in %d count %u\n", e->reason,
	       e->io.port, e->io.size, e->io.in, e->io.count);
	return false;
}

static void fill(u64 gpa, u32 n, u8 first)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u8 b = (u8)(first + i);

		hx_ram_write(&vm.ram, gpa + i, &b, 1);
	}
}

static bool io_seq(u32 n, u8 first, int step)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (io_buf[i] != (u8)(first + step * (int)i))
			return false;
	return true;
}

static void test_outs(void)
{
	int r;

	mode64();
	fill(DATA, 0x2000, 0);
	vcpu.gprs[HX_RSI] = DATA;
	vcpu.gprs[HX_RCX] = 10;
	INSN(0xf3, 0x6e);
	r = sio(0x3f8, 1, false, true, 8);
	EXPECT("emulate/outs/rep-all-at-once", r == HX_EMUL_EXIT &&
	       io_is(0x3f8, 1, false, 10) && io_seq(10, 0, 1) &&
	       vcpu.gprs[HX_RSI] == DATA + 10 && vcpu.gprs[HX_RCX] == 0 &&
	       ctx.rip == CODE + 2 && vcpu.stats.io == 0);

	vcpu.gprs[HX_RSI] = DATA;
	vcpu.gprs[HX_RCX] = 100;
	ctx.rip = CODE;
	r = sio(0x3f8, 1, false, true, 8);
	EXPECT("emulate/outs/io-buffer-limit", r == HX_EMUL_EXIT &&
	       io_is(0x3f8, 1, false, IO_SIZE) && io_seq(IO_SIZE, 0, 1) &&
	       vcpu.gprs[HX_RCX] == 100 - IO_SIZE && ctx.rip == CODE);

	vcpu.gprs[HX_RSI] = DATA + 0xff8;
	vcpu.gprs[HX_RCX] = 100;
	INSN(0xf3, 0x6f);
	r = sio(0x1f0, 4, false, true, 8);
	EXPECT("emulate/outs/stops-at-page-end", r == HX_EMUL_EXIT &&
	       io_is(0x1f0, 4, false, 2) && io_seq(8, 0xf8, 1) &&
	       vcpu.gprs[HX_RSI] == DATA + 0x1000 &&
	       vcpu.gprs[HX_RCX] == 98 && ctx.rip == CODE);

	ctx.rflags |= RFLAGS_DF;
	vcpu.gprs[HX_RSI] = DATA + 0x1008;
	vcpu.gprs[HX_RCX] = 100;
	INSN(0xf3, 0x66, 0x6f);
	r = sio(0x1f0, 2, false, true, 8);
	EXPECT("emulate/outs/down-stops-at-page-start", r == HX_EMUL_EXIT &&
	       io_is(0x1f0, 2, false, 5) &&
	       io_buf[0] == 0x08 && io_buf[1] == 0x09 &&
	       io_buf[2] == 0x06 && io_buf[3] == 0x07 &&
	       io_buf[8] == 0x00 && io_buf[9] == 0x01 &&
	       vcpu.gprs[HX_RSI] == DATA + 0x1008 - 10 &&
	       vcpu.gprs[HX_RCX] == 95);
	ctx.rflags = 2;

	/* An element across two pages that are not contiguous. */
	fill(0x300ffe, 2, 0xa0);
	fill(0x302000, 2, 0xa2);
	vcpu.gprs[HX_RSI] = R4 + 0xffe;
	INSN(0x6f);
	r = sio(0x80, 4, false, false, 8);
	EXPECT("emulate/outs/element-across-pages", r == HX_EMUL_EXIT &&
	       io_is(0x80, 4, false, 1) && io_seq(4, 0xa0, 1) &&
	       vcpu.gprs[HX_RSI] == R4 + 0x1002 && ctx.rip == CODE + 1);
	vcpu.gprs[HX_RSI] = R4 + 0x1ffe;
	ctx.rip = CODE;
	r = sio(0x80, 4, false, false, 8);
	EXPECT("emulate/outs/element-into-absent-page-faults",
	       r == HX_EMUL_FAULT && ctx.fault_vector == 14 &&
	       ctx.fault_cr2 == R4 + 0x2000 && ctx.fault_error == 0 &&
	       ctx.rip == CODE);

	vcpu.gprs[HX_RSI] = MMIO;
	r = sio(0x80, 4, false, false, 8);
	EXPECT("emulate/outs/from-hole-unhandled", r == HX_EMUL_UNHANDLED);

	vcpu.gprs[HX_RSI] = DATA;
	vcpu.gprs[HX_RCX] = 0;
	INSN(0xf3, 0x6e);
	vcpu.exit.reason = HX_EXIT_NONE;
	r = sio(0x80, 1, false, true, 8);
	EXPECT("emulate/outs/rep-count-0", r == HX_EMUL_RESUME &&
	       ctx.rip == CODE + 2 && vcpu.exit.reason == HX_EXIT_NONE);

	vcpu.gprs[HX_RCX] = 4;
	EXPECT("emulate/outs/size-mismatch-unhandled",
	       sio(0x80, 2, false, true, 8) == HX_EMUL_UNHANDLED);
	EXPECT("emulate/outs/direction-mismatch-unhandled",
	       sio(0x80, 1, true, true, 8) == HX_EMUL_UNHANDLED);
	EXPECT("emulate/outs/rep-mismatch-unhandled",
	       sio(0x80, 1, false, false, 8) == HX_EMUL_UNHANDLED);
	EXPECT("emulate/outs/address-size-mismatch-unhandled",
	       sio(0x80, 1, false, true, 4) == HX_EMUL_UNHANDLED);
	vcpu.io_data = NULL;
	EXPECT("emulate/outs/no-io-buffer-unhandled",
	       sio(0x80, 1, false, true, 8) == HX_EMUL_UNHANDLED);
	vcpu.io_data = io_buf;

	/* 32-bit code: segment override on the source. */
	mode32();
	ctx.seg_base[HX_ES] = 0x40000;
	fill(0x40010, 4, 0x70);
	vcpu.gprs[HX_RSI] = 0x10;
	INSN(0x26, 0x66, 0x6f);
	r = sio(0x80, 2, false, false, 4);
	EXPECT("emulate/outs/es-override", r == HX_EMUL_EXIT &&
	       io_is(0x80, 2, false, 1) && io_seq(2, 0x70, 1) &&
	       vcpu.gprs[HX_RSI] == 0x12 && ctx.rip == CODE + 3);

	/* User mode on a supervisor page: #PF with U. */
	mode64();
	ctx.cpl = 3;
	w64(PML4 + 2 * 8, PDPT_R4 | P | RW);
	vcpu.gprs[HX_RSI] = R4;
	INSN(0x6e);
	r = sio(0x80, 1, false, false, 8);
	EXPECT("emulate/outs/user-on-supervisor-page", r == HX_EMUL_FAULT &&
	       ctx.fault_vector == 14 &&
	       ctx.fault_error == (HX_PF_PRESENT | HX_PF_USER) &&
	       ctx.fault_cr2 == R4);
	w64(PML4 + 2 * 8, PDPT_R4 | P | RW | US);
}

static void test_ins(void)
{
	u32 i;
	int r;

	mode64();
	vcpu.gprs[HX_RDI] = DATA + 0x2000;
	vcpu.gprs[HX_RCX] = 5;
	INSN(0xf3, 0x6d);
	r = sio(0x1f0, 4, true, true, 8);
	EXPECT("emulate/ins/rep", r == HX_EMUL_EXIT &&
	       io_is(0x1f0, 4, true, 5) && vcpu.gprs[HX_RDI] == DATA + 0x2014 &&
	       vcpu.gprs[HX_RCX] == 0 && ctx.rip == CODE + 2 &&
	       vcpu.emul.kind == HX_PENDING_INS);
	for (i = 0; i < 20; i++)
		io_buf[i] = (u8)(0x30 + i);
	r = hx_emulate_complete(&vcpu);
	EXPECT("emulate/ins/rep/stored", r == HX_EMUL_RESUME &&
	       r8(DATA + 0x2000) == 0x30 && r8(DATA + 0x2013) == 0x43 &&
	       vcpu.emul.kind == HX_PENDING_NONE);

	ctx.rflags |= RFLAGS_DF;
	fill(DATA + 0x3000, 8, 0);
	vcpu.gprs[HX_RDI] = DATA + 0x3003;
	vcpu.gprs[HX_RCX] = 10;
	INSN(0xf3, 0x6c);
	r = sio(0x60, 1, true, true, 8);
	EXPECT("emulate/ins/down", r == HX_EMUL_EXIT &&
	       io_is(0x60, 1, true, 4) && vcpu.gprs[HX_RDI] == DATA + 0x2fff &&
	       vcpu.gprs[HX_RCX] == 6 && ctx.rip == CODE);
	io_buf[0] = 1;
	io_buf[1] = 2;
	io_buf[2] = 3;
	io_buf[3] = 4;
	hx_emulate_complete(&vcpu);
	EXPECT("emulate/ins/down/stored-in-reverse",
	       r8(DATA + 0x3003) == 1 && r8(DATA + 0x3002) == 2 &&
	       r8(DATA + 0x3001) == 3 && r8(DATA + 0x3000) == 4 &&
	       r8(DATA + 0x3004) == 4);
	ctx.rflags = 2;

	vcpu.gprs[HX_RDI] = R4 + 0xfff;
	INSN(0x6d);
	r = sio(0x60, 4, true, false, 8);
	io_buf[0] = 0xb0;
	io_buf[1] = 0xb1;
	io_buf[2] = 0xb2;
	io_buf[3] = 0xb3;
	EXPECT("emulate/ins/across-pages", r == HX_EMUL_EXIT &&
	       io_is(0x60, 4, true, 1) &&
	       hx_emulate_complete(&vcpu) == HX_EMUL_RESUME &&
	       r8(0x300fff) == 0xb0 && r8(0x302000) == 0xb1 &&
	       r8(0x302002) == 0xb3);

	vcpu.gprs[HX_RDI] = MMIO;
	ctx.rip = CODE;
	EXPECT("emulate/ins/into-hole-unhandled",
	       sio(0x60, 4, true, false, 8) == HX_EMUL_UNHANDLED &&
	       vcpu.emul.kind == HX_PENDING_NONE);
	vcpu.gprs[HX_RDI] = R4 + 0x3ffe;
	EXPECT("emulate/ins/half-ram-half-hole-unhandled",
	       sio(0x60, 4, true, false, 8) == HX_EMUL_UNHANDLED);
	vcpu.gprs[HX_RDI] = UNMAPPED + 4;
	EXPECT("emulate/ins/not-present-faults",
	       sio(0x60, 4, true, false, 8) == HX_EMUL_FAULT &&
	       ctx.fault_error == HX_PF_WRITE &&
	       ctx.fault_cr2 == UNMAPPED + 4);
	/* Read-only page, CR0.WP set: #PF with P and W. */
	w64(PT_R4, 0x300000 | P | US);
	vcpu.gprs[HX_RDI] = R4;
	EXPECT("emulate/ins/read-only-faults",
	       sio(0x60, 4, true, false, 8) == HX_EMUL_FAULT &&
	       ctx.fault_error == (HX_PF_PRESENT | HX_PF_WRITE));
	w64(PT_R4, 0x300000 | P | RW | US);

	/* The I/O buffer went away before the completion. */
	vcpu.gprs[HX_RDI] = DATA;
	sio(0x60, 4, true, false, 8);
	vcpu.io_data = NULL;
	EXPECT("emulate/ins/complete-without-buffer-internal",
	       hx_emulate_complete(&vcpu) == HX_EMUL_EXIT &&
	       vcpu.exit.reason == HX_EXIT_INTERNAL);
	vcpu.io_data = io_buf;

	/* Real mode, 16-bit DI: no wrap within one exit. */
	mode16();
	vcpu.gprs[HX_RDI] = 0x77770000fffeULL;
	vcpu.gprs[HX_RCX] = 0x5555000a;
	INSN(0xf3, 0x6d);
	r = sio(0x1f0, 2, true, true, 2);
	EXPECT("emulate/ins/real-mode-di-wrap", r == HX_EMUL_EXIT &&
	       io_is(0x1f0, 2, true, 1) &&
	       vcpu.gprs[HX_RDI] == 0x777700000000ULL &&
	       vcpu.gprs[HX_RCX] == 0x55550009 && ctx.rip == CODE);
	io_buf[0] = 0x12;
	io_buf[1] = 0x34;
	hx_emulate_complete(&vcpu);
	EXPECT("emulate/ins/real-mode-es-base", r8(0x3fffe) == 0x12 &&
	       r8(0x3ffff) == 0x34);
	/* The offset wraps before the page ends: stop there too. */
	ctx.seg_base[HX_ES] = 0x30800;
	vcpu.gprs[HX_RDI] = 0xfffc;
	vcpu.gprs[HX_RCX] = 10;
	ctx.rip = CODE;
	EXPECT("emulate/ins/stops-before-offset-wraps",
	       sio(0x1f0, 2, true, true, 2) == HX_EMUL_EXIT &&
	       io_is(0x1f0, 2, true, 2) && vcpu.gprs[HX_RDI] == 0 &&
	       vcpu.gprs[HX_RCX] == 8);
	hx_emulate_complete(&vcpu);
	ctx.rflags |= RFLAGS_DF;
	vcpu.gprs[HX_RDI] = 2;
	EXPECT("emulate/ins/down-stops-before-offset-wraps",
	       sio(0x1f0, 2, true, true, 2) == HX_EMUL_EXIT &&
	       io_is(0x1f0, 2, true, 2) && vcpu.gprs[HX_RDI] == 0xfffe &&
	       vcpu.gprs[HX_RCX] == 6);
	hx_emulate_complete(&vcpu);
	ctx.rflags = 2;
	vcpu.gprs[HX_RDI] = 0xffff;
	INSN(0x6d);
	EXPECT("emulate/ins/element-wrapping-offset-unhandled",
	       sio(0x1f0, 2, true, false, 2) == HX_EMUL_UNHANDLED);
}

/* --- faults and refusals -------------------------------------------- */

static void test_faults(void)
{
	struct hx_insn insn;
	int r;

	mode64();
	vcpu.gprs[HX_RBX] = UNMAPPED + 0x10;
	INSN(0x89, 0x03);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/store-not-present", r == HX_EMUL_FAULT &&
	       ctx.fault_vector == 14 && ctx.fault_has_error &&
	       ctx.fault_error == HX_PF_WRITE &&
	       ctx.fault_cr2 == UNMAPPED + 0x10 && ctx.rip == CODE);
	INSN(0x8b, 0x03);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/load-not-present", r == HX_EMUL_FAULT &&
	       ctx.fault_error == 0 && vcpu.emul.kind == HX_PENDING_NONE);

	vcpu.gprs[HX_RBX] = 0x0000800000000000ULL;
	INSN(0x89, 0x03);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/non-canonical-gp", r == HX_EMUL_FAULT &&
	       ctx.fault_vector == 13 && ctx.fault_error == 0);
	vcpu.gprs[HX_RBP] = 0x0000800000000000ULL;
	INSN(0x89, 0x45, 0x00);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/non-canonical-stack-ss", r == HX_EMUL_FAULT &&
	       ctx.fault_vector == 12);

	vcpu.gprs[HX_RSI] = MMIO;
	vcpu.gprs[HX_RDI] = UNMAPPED;
	INSN(0xa4);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/movs-destination", r == HX_EMUL_FAULT &&
	       ctx.fault_error == HX_PF_WRITE && ctx.fault_cr2 == UNMAPPED &&
	       vcpu.emul.kind == HX_PENDING_NONE &&
	       vcpu.gprs[HX_RSI] == MMIO && ctx.rip == CODE);

	ctx.rip = UNMAPPED;
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/fetch-not-present", r == HX_EMUL_FAULT &&
	       ctx.fault_vector == 14 && ctx.fault_error == HX_PF_FETCH &&
	       ctx.fault_cr2 == UNMAPPED);

	/* The instruction runs into a page that is not present. */
	vcpu.gprs[HX_RBX] = MMIO;
	CODE_AT(R4 + 0x1ffe, 0x48, 0x89);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/fetch-across-into-absent-page",
	       r == HX_EMUL_FAULT && ctx.fault_cr2 == R4 + 0x2000 &&
	       ctx.fault_error == HX_PF_FETCH && ctx.rip == R4 + 0x1ffe);
	CODE_AT(R4 + 0x1ffe, 0x89, 0x03);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fault/insn-ends-at-page-end", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 4, true, 0x55667788) && ctx.rip == R4 + 0x2000);
	/* Code across two pages that are not contiguous in RAM. */
	CODE_AT(R4 + 0xfff, 0x48, 0x89, 0x03);
	r = hx_emulate_mmio(&ctx, 0);
	EXPECT("emulate/fetch/across-pages", r == HX_EMUL_EXIT &&
	       mmio_is(MMIO, 8, true, 0x1122334455667788ULL) &&
	       ctx.rip == R4 + 0x1002);
	CODE_AT(R4 + 0x3fff, 0x48);
	EXPECT("emulate/fetch/runs-into-hole-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	ctx.rip = MMIO;
	EXPECT("emulate/fetch/code-in-hole-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	ctx.rip = 0x0000900000000000ULL;
	EXPECT("emulate/fetch/non-canonical-rip-gp",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_FAULT &&
	       ctx.fault_vector == 13);

	INSN(0x0f, 0x05);
	EXPECT("emulate/unknown-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	INSN(0xf0, 0x89, 0x03);
	EXPECT("emulate/lock-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	INSN(0x89, 0xc3);
	EXPECT("emulate/register-operand-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	INSN(0x6c);
	EXPECT("emulate/ins-on-npf-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	vcpu.gprs[HX_RBX] = MMIO + 0xffe;
	INSN(0x89, 0x03);
	EXPECT("emulate/access-across-pages-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED &&
	       ctx.rip == CODE);
	/* 16 bytes of prefixes and opcode: too long. */
	INSN(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	     0x66, 0x66, 0x66, 0x66, 0x89, 0x03);
	EXPECT("emulate/too-long-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);

	/* Real mode: IP wraps at 64 KiB inside CS. */
	mode16();
	ctx.seg_base[HX_CS] = 0x50000;
	ctx.seg_base[HX_DS] = 0xb0000;
	vcpu.gprs[HX_RBX] = 0x10;
	put_linear(0x5ffff, BYTES(0x89));
	put_linear(0x50000, BYTES(0x07));
	ctx.rip = 0xffff;
	EXPECT("emulate/fetch/real-mode-ip-wraps",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_EXIT &&
	       mmio_is(0xb0010, 2, true, 0x7788) && ctx.rip == 1);

	/* MOV DR: fetch and decode for the backend. */
	mode64();
	INSN(0x0f, 0x23, 0xc1);
	EXPECT("emulate/fetch/mov-dr",
	       hx_emul_fetch(&ctx, &insn) == HX_EMUL_RESUME &&
	       insn.op == HX_OP_DR_WRITE && insn.reg == 0 &&
	       insn.rm == HX_RCX && insn.len == 3 && ctx.rip == CODE);
	EXPECT("emulate/mov-dr-on-npf-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);

	/* Guest page tables in a hole. */
	w64(PML4 + 3 * 8, MMIO | P | RW);
	vcpu.gprs[HX_RBX] = 3ULL << 39;
	INSN(0x89, 0x03);
	EXPECT("emulate/page-table-in-hole-unhandled",
	       hx_emulate_mmio(&ctx, 0) == HX_EMUL_UNHANDLED);
	w64(PML4 + 3 * 8, 0);
}

/* A single IN completes into rAX with the register rules. */
static void test_complete_in(void)
{
	mode64();
	io_buf[0] = 0xaa;
	io_buf[1] = 0xbb;
	io_buf[2] = 0xcc;
	io_buf[3] = 0xdd;
	vcpu.exit.reason = HX_EXIT_IO;
	vcpu.exit.io.size = 1;
	vcpu.io_in_pending = true;
	EXPECT("emulate/in/byte", hx_emulate_complete(&vcpu) ==
	       HX_EMUL_RESUME && vcpu.gprs[HX_RAX] == 0x11223344556677aaULL &&
	       !vcpu.io_in_pending);
	vcpu.exit.io.size = 2;
	vcpu.io_in_pending = true;
	hx_emulate_complete(&vcpu);
	EXPECT("emulate/in/word", vcpu.gprs[HX_RAX] == 0x112233445566bbaaULL);
	vcpu.exit.io.size = 4;
	vcpu.io_in_pending = true;
	hx_emulate_complete(&vcpu);
	EXPECT("emulate/in/dword", vcpu.gprs[HX_RAX] == 0xddccbbaaULL);
	vcpu.gprs[HX_RAX] = 1;
	vcpu.io_in_pending = true;
	hx_emulate_cancel(&vcpu);
	hx_emulate_complete(&vcpu);
	EXPECT("emulate/in/cancelled", vcpu.gprs[HX_RAX] == 1 &&
	       !vcpu.io_in_pending);
	vcpu.exit.io.size = 8;
	vcpu.io_in_pending = true;
	hx_emulate_complete(&vcpu);
	EXPECT("emulate/in/bad-size-ignored", vcpu.gprs[HX_RAX] == 1);
}

int main(void)
{
	fake_reset(1);
	vcpu.vm = &vm;
	setup_ram();
	test_stores();
	test_loads();
	test_stos_lods();
	test_movs();
	test_outs();
	test_ins();
	test_faults();
	test_complete_in();
	hx_ram_free(&vm.ram);
	EXPECT("emulate/no-leak", fake_mem.pages_live == 0 &&
	       fake_mem.zallocs_live == 0);
	return test_failures ? 1 : 0;
}
