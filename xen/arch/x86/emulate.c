// SPDX-License-Identifier: GPL-2.0
/*
 * The instruction emulator: fetch and decode at the guest's rip, MOV and
 * string moves that touch guest-physical holes (each such access becomes
 * an HX_EXIT_MMIO for the host), string port I/O in batches, and the
 * completion of all of these once the host has answered.
 *
 * Everything but the data the host supplies is done at exit time: rip,
 * rSI, rDI and rCX move then, and struct hx_emul_pending in the vCPU
 * remembers where the host's answer goes.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

#define RFLAGS_DF	(1ULL << 10)
#define CR4_LA57	(1ULL << 12)
#define VECTOR_SS	12
#define VECTOR_GP	13
#define VECTOR_PF	14
#define PAGE_OFF(a)	((u32)((a) & (HX_PAGE_SIZE - 1)))

/*
 * Where an access of @len bytes at a guest-linear address lives: @split
 * bytes at @gpa, the rest at @gpa2 on the next page.  @ram: all of it is
 * RAM (else all of it is a hole; a mix is not emulated).
 */
struct span {
	u64 gpa;
	u64 gpa2;
	u32 split;
	bool ram;
};

static u64 size_mask(u32 bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

static const struct hx_guest_ram *ram_of(const struct hx_vcpu *vcpu)
{
	return &vcpu->vm->ram;
}

/* Little-endian bytes to and from a value. */
static u64 le_get(const u8 *b, u32 len)
{
	u64 v = 0;
	u32 i;

	for (i = 0; i < len && i < 8; i++)
		v |= (u64)b[i] << (8 * i);
	return v;
}

static void le_put(u8 *b, u32 len, u64 v)
{
	u32 i;

	for (i = 0; i < len && i < 8; i++)
		b[i] = (u8)(v >> (8 * i));
}

/* --- registers --------------------------------------------------------- */

/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
static bool high_byte(const struct hx_insn *insn, u32 reg, u32 bytes)
{
	return bytes == 1 && !insn->rex && reg >= 4 && reg < 8;
}

static u64 gpr_get(const struct hx_vcpu *vcpu, u32 reg, u32 bytes,
		   bool high)
{
	u64 v = vcpu->gprs[reg % HX_NR_GPRS];

	return (high ? v >> 8 : v) & size_mask(bytes);
}

/*
 * Write @bytes of a register the way the CPU does: a 32-bit write clears
 * bits 63:32, 8- and 16-bit writes keep the other bits.
 */
static void gpr_set(struct hx_vcpu *vcpu, u32 reg, u32 bytes, bool high,
		    u64 v)
{
	u64 *r = &vcpu->gprs[reg % HX_NR_GPRS];

	if (high)
		*r = (*r & ~0xff00ULL) | ((v & 0xff) << 8);
	else if (bytes == 4)
		*r = (u32)v;
	else if (bytes >= 8)
		*r = v;
	else
		*r = (*r & ~size_mask(bytes)) | (v & size_mask(bytes));
}

/* --- faults and addresses ---------------------------------------------- */

static int emul_fault(struct hx_emul_ctx *ctx, u8 vector, bool has_error,
		 u32 error, u64 cr2)
{
	ctx->fault_vector = vector;
	ctx->fault_has_error = has_error;
	ctx->fault_error = error;
	ctx->fault_cr2 = cr2;
	return HX_EMUL_FAULT;
}

static u64 ip_mask(const struct hx_emul_ctx *ctx)
{
	return ctx->cs_bits == 64 ? ~0ULL : size_mask(ctx->cs_bits / 8);
}

static u64 next_rip(const struct hx_emul_ctx *ctx, const struct hx_insn *in)
{
	return (ctx->rip + in->len) & ip_mask(ctx);
}

/*
 * Segment base plus offset.  In 64-bit mode only FS and GS have a base;
 * elsewhere linear addresses wrap at 4 GiB.  Limits are not checked.
 */
static u64 linear(const struct hx_emul_ctx *ctx, u32 seg, u64 ea)
{
	u64 base = ctx->seg_base[seg % HX_NR_SREGS];

	if (ctx->cs_bits == 64)
		return seg == HX_FS || seg == HX_GS ? base + ea : ea;
	return (u32)(base + ea);
}

/* 0, or HX_EMUL_FAULT (#GP(0), #SS(0) for the stack) if not canonical. */
static int check_canonical(struct hx_emul_ctx *ctx, u32 seg, u64 la)
{
	u32 shift = ctx->paging.cr4 & CR4_LA57 ? 64 - 57 : 64 - 48;

	if (ctx->cs_bits != 64 || (u64)((s64)(la << shift) >> shift) == la)
		return 0;
	return emul_fault(ctx, seg == HX_SS ? VECTOR_SS : VECTOR_GP, true, 0, 0);
}

/* Translate @la for @access: 0, HX_EMUL_FAULT (#PF) or _UNHANDLED. */
static int walk(struct hx_emul_ctx *ctx, u64 la, u32 access, u64 *gpa)
{
	u32 error;
	int err;

	if (ctx->cpl == 3)
		access |= HX_PF_USER;
	err = hx_walk(ram_of(ctx->vcpu), &ctx->paging, la, access, gpa,
		      &error);
	if (err == -HX_EFAULT)
		return emul_fault(ctx, VECTOR_PF, true, error, la);
	return err ? HX_EMUL_UNHANDLED : 0;
}

/*
 * Where @len bytes at @seg-relative linear address @la live.  Unless
 * @may_split, an access across a page is not emulated.
 */
static int translate(struct hx_emul_ctx *ctx, u32 seg, u64 la, u32 len,
		     u32 access, bool may_split, struct span *s)
{
	const struct hx_guest_ram *ram = ram_of(ctx->vcpu);
	u32 first = (u32)HX_PAGE_SIZE - PAGE_OFF(la);
	u64 la2;
	int err;

	s->split = first < len ? first : len;
	s->gpa2 = 0;
	err = check_canonical(ctx, seg, la);
	if (err)
		return err;
	if (s->split < len && !may_split)
		return HX_EMUL_UNHANDLED;
	err = walk(ctx, la, access, &s->gpa);
	if (err)
		return err;
	s->ram = hx_ram_page(ram, s->gpa) != NULL;
	if (s->split == len)
		return 0;

	la2 = la + s->split;
	if (ctx->cs_bits != 64)
		la2 = (u32)la2;
	err = check_canonical(ctx, seg, la2);
	if (!err)
		err = walk(ctx, la2, access, &s->gpa2);
	if (err)
		return err;
	if (s->ram != (hx_ram_page(ram, s->gpa2) != NULL))
		return HX_EMUL_UNHANDLED;
	return 0;
}

/* Bytes [@off, @off + @len) of a span of RAM. */
static int span_copy(const struct hx_guest_ram *ram, u64 gpa, u32 split,
		     u64 gpa2, u32 off, u8 *buf, u32 len, bool write)
{
	u32 i;
	u64 a;
	int err;

	/* Byte by byte only across the split; a span is at most a page. */
	if (off + len <= split) {
		a = gpa + off;
		return write ? hx_ram_write(ram, a, buf, len) :
			       hx_ram_read(ram, a, buf, len);
	}
	for (i = 0; i < len; i++) {
		a = off + i < split ? gpa + off + i : gpa2 + (off + i - split);
		err = write ? hx_ram_write(ram, a, buf + i, 1) :
			      hx_ram_read(ram, a, buf + i, 1);
		if (err)
			return err;
	}
	return 0;
}

/* --- exits ------------------------------------------------------------- */

static int mmio_exit(struct hx_vcpu *vcpu, u64 gpa, u32 len, bool write,
		     const u8 *data)
{
	if (len > sizeof(vcpu->exit.mmio.data))
		len = sizeof(vcpu->exit.mmio.data);
	vcpu->exit.reason = HX_EXIT_MMIO;
	vcpu->exit.mmio.gpa = gpa;
	vcpu->exit.mmio.len = len;
	vcpu->exit.mmio.is_write = write;
	__builtin_memset(vcpu->exit.mmio.data, 0,
			 sizeof(vcpu->exit.mmio.data));
	if (write)
		__builtin_memcpy(vcpu->exit.mmio.data, data, len);
	return HX_EMUL_EXIT;
}

/* The completion could not be done after all: tell the host. */
static int internal_exit(struct hx_vcpu *vcpu, u64 gpa)
{
	vcpu->exit.reason = HX_EXIT_INTERNAL;
	vcpu->exit.internal.suberror = HX_INTERNAL_EMULATION;
	vcpu->exit.internal.data[0] = gpa;
	vcpu->exit.internal.data[1] = 0;
	vcpu->exit.internal.data[2] = 0;
	vcpu->exit.internal.data[3] = 0;
	return HX_EMUL_EXIT;
}

/* --- fetch ------------------------------------------------------------- */

int hx_emul_fetch(struct hx_emul_ctx *ctx, struct hx_insn *insn)
{
	const struct hx_guest_ram *ram = ram_of(ctx->vcpu);
	u64 mask = ip_mask(ctx), ip, la, gpa;
	int stop = HX_EMUL_UNHANDLED, err;
	u8 buf[HX_INSN_MAX];
	u32 got = 0, n;

	/* A page at a time; the bytes may wrap around the IP's width. */
	while (got < HX_INSN_MAX) {
		ip = (ctx->rip + got) & mask;
		la = linear(ctx, HX_CS, ip);
		err = check_canonical(ctx, HX_CS, la);
		if (!err)
			err = walk(ctx, la, HX_PF_FETCH, &gpa);
		if (err) {
			stop = err;
			break;
		}
		n = (u32)HX_PAGE_SIZE - PAGE_OFF(gpa);
		if (n > HX_INSN_MAX - got)
			n = HX_INSN_MAX - got;
		if (mask != ~0ULL && n > mask - ip + 1)
			n = (u32)(mask - ip + 1);
		if (hx_ram_read(ram, gpa, buf + got, n))
			break;
		got += n;
	}
	if (!got)
		return stop;
	/* Too few bytes: the fault on the next page (or a hole) stops us. */
	err = hx_decode(buf, got, ctx->cs_bits, insn);
	if (err == -HX_ERANGE)
		return stop;
	return err ? HX_EMUL_UNHANDLED : HX_EMUL_RESUME;
}

int hx_emul_peek(struct hx_emul_ctx *ctx, u8 *buf, u32 len)
{
	u64 la, gpa;
	u32 i;
	int err;

	for (i = 0; i < len; i++) {
		la = linear(ctx, HX_CS, (ctx->rip + i) & ip_mask(ctx));
		err = check_canonical(ctx, HX_CS, la);
		if (!err)
			err = walk(ctx, la, HX_PF_FETCH, &gpa);
		if (err)
			return err;
		if (hx_ram_read(ram_of(ctx->vcpu), gpa, buf + i, 1))
			return HX_EMUL_UNHANDLED;
	}
	return HX_EMUL_RESUME;
}

/* --- MOV --------------------------------------------------------------- */

static void finish_load(struct hx_vcpu *vcpu, const struct hx_emul_pending *p,
			const u8 *data)
{
	u64 v = le_get(data, p->src_bytes);
	u32 top = 8 * p->src_bytes - 1;

	if (p->sign_extend && p->src_bytes && p->src_bytes < 8 &&
	    (v >> top) & 1)
		v |= ~0ULL << (top + 1);
	gpr_set(vcpu, p->reg, p->dst_bytes, p->high_byte, v);
}

static void set_load(struct hx_emul_pending *p, const struct hx_insn *insn,
		     u32 reg, u32 dst_bytes, u32 src_bytes)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->kind = HX_PENDING_LOAD;
	p->high_byte = high_byte(insn, reg, dst_bytes);
	p->reg = (u8)(p->high_byte ? reg - 4 : reg);
	p->sign_extend = insn->sign_extend;
	p->dst_bytes = (u8)dst_bytes;
	p->src_bytes = (u8)src_bytes;
}

static int emul_mov(struct hx_emul_ctx *ctx, const struct hx_insn *insn)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	const struct hx_guest_ram *ram = ram_of(vcpu);
	bool store = insn->op == HX_OP_STORE;
	u32 len = insn->mem_bytes;
	u64 next = next_rip(ctx, insn), la, v;
	struct span s;
	u8 data[8];
	bool high;
	int err;

	if (!insn->mem || !len || len > 8)
		return HX_EMUL_UNHANDLED;
	la = linear(ctx, insn->seg, hx_insn_ea(insn, vcpu->gprs, next));
	err = translate(ctx, insn->seg, la, len, store ? HX_PF_WRITE : 0,
			false, &s);
	if (err)
		return err;

	if (store) {
		high = high_byte(insn, insn->reg, len);
		if (insn->imm_bytes)
			v = insn->imm;
		else
			v = gpr_get(vcpu, high ? insn->reg - 4 : insn->reg,
				    len, high);
		le_put(data, len, v);
		ctx->rip = next;
		if (!s.ram)
			return mmio_exit(vcpu, s.gpa, len, true, data);
		return hx_ram_write(ram, s.gpa, data, len) ?
		       HX_EMUL_UNHANDLED : HX_EMUL_RESUME;
	}

	set_load(&vcpu->emul, insn, insn->reg, insn->op_bytes, len);
	ctx->rip = next;
	if (!s.ram)
		return mmio_exit(vcpu, s.gpa, len, false, NULL);
	/* The hole became RAM meanwhile: just do the load. */
	vcpu->emul.kind = HX_PENDING_NONE;
	if (hx_ram_read(ram, s.gpa, data, len))
		return HX_EMUL_UNHANDLED;
	finish_load(vcpu, &vcpu->emul, data);
	return HX_EMUL_RESUME;
}

/* --- MOVS, STOS, LODS -------------------------------------------------- */

/*
 * One element, from seg:rSI (MOVS, LODS) or rAX (STOS) to ES:rDI (MOVS,
 * STOS) or rAX (LODS).  Each side may be RAM or a hole.
 */
static int string_element(struct hx_emul_ctx *ctx,
			  const struct hx_insn *insn, u64 si, u64 di)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	const struct hx_guest_ram *ram = ram_of(vcpu);
	struct hx_emul_pending *p = &vcpu->emul;
	u32 size = insn->op_bytes;
	struct span src = { 0 }, dst = { 0 };
	u8 data[8];
	int err;

	if (insn->op != HX_OP_STOS) {
		err = translate(ctx, insn->seg, linear(ctx, insn->seg, si),
				size, 0, false, &src);
		if (err)
			return err;
	}
	if (insn->op != HX_OP_LODS) {
		err = translate(ctx, HX_ES, linear(ctx, HX_ES, di), size,
				HX_PF_WRITE, false, &dst);
		if (err)
			return err;
	}

	if (insn->op == HX_OP_STOS) {
		le_put(data, size, gpr_get(vcpu, HX_RAX, size, false));
	} else if (src.ram) {
		if (hx_ram_read(ram, src.gpa, data, size))
			return HX_EMUL_UNHANDLED;
	} else {
		/* Read from the hole first; the rest when the host answers. */
		set_load(p, insn, HX_RAX, size, size);
		if (insn->op == HX_OP_MOVS) {
			p->kind = dst.ram ? HX_PENDING_TO_RAM :
					    HX_PENDING_TO_MMIO;
			p->gpa = dst.gpa;
			p->split = size;
		}
		return mmio_exit(vcpu, src.gpa, size, false, NULL);
	}

	if (insn->op == HX_OP_LODS) {
		gpr_set(vcpu, HX_RAX, size, false, le_get(data, size));
		return HX_EMUL_RESUME;
	}
	if (!dst.ram)
		return mmio_exit(vcpu, dst.gpa, size, true, data);
	return hx_ram_write(ram, dst.gpa, data, size) ?
	       HX_EMUL_UNHANDLED : HX_EMUL_RESUME;
}

static int emul_string(struct hx_emul_ctx *ctx, const struct hx_insn *insn)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	u64 amask = size_mask(insn->addr_bytes), next = next_rip(ctx, insn);
	u64 si = vcpu->gprs[HX_RSI] & amask, di = vcpu->gprs[HX_RDI] & amask;
	u64 count = vcpu->gprs[HX_RCX] & amask;
	u64 step = insn->op_bytes;
	int ret;

	if (insn->rep && !count) {
		ctx->rip = next;
		return HX_EMUL_RESUME;
	}
	ret = string_element(ctx, insn, si, di);
	if (ret != HX_EMUL_RESUME && ret != HX_EMUL_EXIT)
		return ret;

	if (ctx->rflags & RFLAGS_DF)
		step = -step;
	if (insn->op != HX_OP_STOS)
		gpr_set(vcpu, HX_RSI, insn->addr_bytes, false, si + step);
	if (insn->op != HX_OP_LODS)
		gpr_set(vcpu, HX_RDI, insn->addr_bytes, false, di + step);
	if (insn->rep)
		gpr_set(vcpu, HX_RCX, insn->addr_bytes, false, --count);
	/* With elements left the guest runs the instruction again. */
	if (!insn->rep || !count)
		ctx->rip = next;
	return ret;
}

int hx_emulate_mmio(struct hx_emul_ctx *ctx, u64 gpa)
{
	struct hx_insn insn;
	int err;

	(void)gpa;
	err = hx_emul_fetch(ctx, &insn);
	if (err)
		return err;
	switch (insn.op) {
	case HX_OP_STORE:
	case HX_OP_LOAD:
		return emul_mov(ctx, &insn);
	case HX_OP_MOVS:
	case HX_OP_STOS:
	case HX_OP_LODS:
		return emul_string(ctx, &insn);
	default:
		return HX_EMUL_UNHANDLED;
	}
}

/* --- INS, OUTS --------------------------------------------------------- */

/*
 * Elements of @size at @ea (offset) / @la (linear) that can go in one
 * exit, in the direction of travel, at most @max: up to the end of the
 * page and of the address size.  An element across a page goes alone.
 */
static u64 io_batch(u64 ea, u64 la, u32 size, u64 amask, bool down,
		    u64 max)
{
	u32 off = PAGE_OFF(la);
	u64 n, room;

	if (off + size > HX_PAGE_SIZE)
		return 1;
	n = down ? off / size + 1 : (HX_PAGE_SIZE - off) / size;
	room = down ? ea / size + 1 : (amask - ea - (size - 1)) / size + 1;
	if (n > room)
		n = room;
	return n < max ? n : max;
}

int hx_emulate_string_io(struct hx_emul_ctx *ctx, u16 port, u8 size,
			 bool in, bool rep, u8 addr_bytes)
{
	struct hx_vcpu *vcpu = ctx->vcpu;
	struct hx_emul_pending *p = &vcpu->emul;
	bool down = ctx->rflags & RFLAGS_DF;
	u64 amask, next, count, n, ea, la, step, max;
	struct hx_insn insn;
	u32 reg, seg, i, off;
	struct span s;
	int err;

	err = hx_emul_fetch(ctx, &insn);
	if (err)
		return err;
	/* Some CPUs (QEMU's) leave the address size out of the exit. */
	if (!addr_bytes)
		addr_bytes = insn.addr_bytes;
	if (insn.op != (in ? HX_OP_INS : HX_OP_OUTS) ||
	    insn.op_bytes != size || insn.addr_bytes != addr_bytes ||
	    !insn.rep != !rep)
		return HX_EMUL_UNHANDLED;
	amask = size_mask(addr_bytes);
	next = next_rip(ctx, &insn);
	count = rep ? vcpu->gprs[HX_RCX] & amask : 1;
	if (!count) {
		ctx->rip = next;
		return HX_EMUL_RESUME;
	}
	if (!vcpu->io_data || vcpu->io_data_size < size)
		return HX_EMUL_UNHANDLED;

	reg = in ? HX_RDI : HX_RSI;
	seg = in ? HX_ES : insn.seg;
	ea = vcpu->gprs[reg] & amask;
	/* An element that wraps around the address size is not emulated. */
	if (amask - ea < size - 1U)
		return HX_EMUL_UNHANDLED;
	la = linear(ctx, seg, ea);
	max = count < vcpu->io_data_size / size ? count :
					       vcpu->io_data_size / size;
	n = io_batch(ea, la, size, amask, down, max);

	err = translate(ctx, seg, la, size, in ? HX_PF_WRITE : 0, n == 1, &s);
	if (err)
		return err;
	if (!s.ram)
		return HX_EMUL_UNHANDLED;
	if (n > 1) {
		/* The batch is within the page of the first element. */
		if (down)
			s.gpa -= (n - 1) * size;
		s.split = (u32)(n * size);
	}

	if (in) {
		__builtin_memset(p, 0, sizeof(*p));
		p->kind = HX_PENDING_INS;
		p->elem = size;
		p->count = (u32)n;
		p->reverse = down;
		p->gpa = s.gpa;
		p->split = s.split;
		p->gpa2 = s.gpa2;
	} else {
		for (i = 0; i < n; i++) {
			off = (u32)((down ? n - 1 - i : i) * size);
			if (span_copy(ram_of(vcpu), s.gpa, s.split, s.gpa2,
				      off, vcpu->io_data + i * size, size,
				      false))
				return HX_EMUL_UNHANDLED;
		}
	}

	vcpu->exit.reason = HX_EXIT_IO;
	vcpu->exit.io.port = port;
	vcpu->exit.io.size = size;
	vcpu->exit.io.in = in;
	vcpu->exit.io.count = (u32)n;

	step = n * size;
	gpr_set(vcpu, reg, addr_bytes, false, down ? ea - step : ea + step);
	if (rep)
		gpr_set(vcpu, HX_RCX, addr_bytes, false, count - n);
	if (!rep || count == n)
		ctx->rip = next;
	return HX_EMUL_EXIT;
}

/* --- completion -------------------------------------------------------- */

/* A single IN went to the host: put its data into rAX. */
static void complete_in(struct hx_vcpu *vcpu)
{
	u32 size = vcpu->exit.io.size;

	vcpu->io_in_pending = false;
	if (!vcpu->io_data || !size || size > 4 || size > vcpu->io_data_size)
		return;
	gpr_set(vcpu, HX_RAX, size, false, le_get(vcpu->io_data, size));
}

static int complete_ins(struct hx_vcpu *vcpu, const struct hx_emul_pending *p)
{
	u32 size = p->elem, i, off;

	if (!vcpu->io_data || !size || size > 4 ||
	    p->count > vcpu->io_data_size / size)
		return internal_exit(vcpu, p->gpa);
	for (i = 0; i < p->count; i++) {
		off = (p->reverse ? p->count - 1 - i : i) * size;
		if (span_copy(ram_of(vcpu), p->gpa, p->split, p->gpa2, off,
			      vcpu->io_data + i * size, size, true))
			return internal_exit(vcpu, p->gpa);
	}
	return HX_EMUL_RESUME;
}

int hx_emulate_complete(struct hx_vcpu *vcpu)
{
	struct hx_emul_pending p = vcpu->emul;
	u8 data[8];

	vcpu->emul.kind = HX_PENDING_NONE;
	if (vcpu->io_in_pending)
		complete_in(vcpu);
	if (p.kind == HX_PENDING_INS)
		return complete_ins(vcpu, &p);
	if (p.kind == HX_PENDING_NONE)
		return HX_EMUL_RESUME;
	if (!p.src_bytes || p.src_bytes > 8)
		return internal_exit(vcpu, p.gpa);
	__builtin_memcpy(data, vcpu->exit.mmio.data, sizeof(data));

	switch (p.kind) {
	case HX_PENDING_LOAD:
		finish_load(vcpu, &p, data);
		return HX_EMUL_RESUME;
	case HX_PENDING_TO_RAM:
		if (hx_ram_write(ram_of(vcpu), p.gpa, data, p.src_bytes))
			return internal_exit(vcpu, p.gpa);
		return HX_EMUL_RESUME;
	case HX_PENDING_TO_MMIO:
		/* The backend counts the exits it makes; this one is ours. */
		vcpu->stats.mmio++;
		return mmio_exit(vcpu, p.gpa, p.src_bytes, true, data);
	default:
		return internal_exit(vcpu, p.gpa);
	}
}

void hx_emulate_cancel(struct hx_vcpu *vcpu)
{
	vcpu->emul.kind = HX_PENDING_NONE;
	vcpu->io_in_pending = false;
}
