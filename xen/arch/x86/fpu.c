// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's extended state: XSAVE/XRSTOR (or FXSAVE/FXRSTOR) around
 * each run, the guest's XCR0 and PKRU, the guest's view of CPUID leaf
 * 0xd, and the checks on state that the host hands in.
 */
#include <hxen/errno.h>
#include <hxen/fpu.h>
#include <hxen/host.h>
#include <hxen/x86.h>

#define CPUID1_ECX_XSAVE	(1U << 26)
#define CR4_OSXSAVE		(1ULL << 18)
#define CR4_PKE			(1ULL << 22)
#define CPUID_XSTATE		0xd
#define XSAVE_STANDARD_MIN	(HX_FPU_LEGACY_SIZE + HX_FPU_HEADER_SIZE)
#define FCW_RESET		0x037f
#define MXCSR_RESET		0x1f80
#define MXCSR_MASK_DEFAULT	0xffbf
/* CPUID 0xd.1 EAX: XSAVEOPT, XSAVEC, XGETBV with ECX = 1 (not XSAVES). */
#define XSTATE1_GUEST_EAX	0x7U

/*
 * What guests get: x87, SSE, AVX and AVX-512, where the host has them in
 * XCR0.  Not PKRU (the host's is switched by hand), not MPX, not AMX.
 */
#define GUEST_FEATURES		(HX_XFEATURE_X87 | HX_XFEATURE_SSE | \
				 HX_XFEATURE_AVX | HX_XFEATURE_AVX512)

static bool fpu_xsave;		/* else FXSAVE only */
static bool fpu_pke;		/* the host uses protection keys */
static u64 fpu_host_xcr0;
static u64 fpu_mask;		/* components guests may enable */
static u32 fpu_size;		/* standard-form area for fpu_mask */
static u32 fpu_mxcsr_mask;

static u64 xgetbv0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((u64)hi << 32) | lo;
}

static void xsetbv0(u64 val)
{
	asm volatile("xsetbv" :: "a"((u32)val), "d"((u32)(val >> 32)), "c"(0)
		     : "memory");
}

static void xsave(u8 *area, u64 mask)
{
	asm volatile("xsave64 (%0)"
		     :: "r"(area), "a"((u32)mask), "d"((u32)(mask >> 32))
		     : "memory");
}

static void xrstor(const u8 *area, u64 mask)
{
	asm volatile("xrstor64 (%0)"
		     :: "r"(area), "a"((u32)mask), "d"((u32)(mask >> 32))
		     : "memory");
}

static void fxsave(u8 *area)
{
	asm volatile("fxsave64 (%0)" :: "r"(area) : "memory");
}

static void fxrstor(const u8 *area)
{
	asm volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}

static u32 rdpkru(void)
{
	u32 pkru, edx;

	asm volatile(".byte 0x0f, 0x01, 0xee"
		     : "=a"(pkru), "=d"(edx) : "c"(0));
	return pkru;
}

static void wrpkru(u32 pkru)
{
	asm volatile(".byte 0x0f, 0x01, 0xef"
		     :: "a"(pkru), "c"(0), "d"(0) : "memory");
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static u32 get32(const u8 *p)
{
	return (u32)get16(p) | ((u32)get16(p + 2) << 16);
}

static u64 get64(const u8 *p)
{
	return (u64)get32(p) | ((u64)get32(p + 4) << 32);
}

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static void put32(u8 *p, u32 v)
{
	put16(p, (u16)v);
	put16(p + 2, (u16)(v >> 16));
}

/* Bytes the standard form needs for the components in @mask. */
static u32 standard_size(u64 mask)
{
	u32 size = XSAVE_STANDARD_MIN, r[4], i;

	for (i = 2; i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		hxh_cpuid(CPUID_XSTATE, i, r);
		if (r[1] + r[0] > size)
			size = r[1] + r[0];
	}
	return size;
}

/* Bytes the compacted form (XSAVEC) needs for @mask. */
static u32 compacted_size(u64 mask)
{
	u32 size = XSAVE_STANDARD_MIN, r[4], i;

	for (i = 2; i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		hxh_cpuid(CPUID_XSTATE, i, r);
		if (r[2] & 2)		/* 64-byte aligned */
			size = (size + 63) & ~63U;
		size += r[0];
	}
	return size;
}

void hx_fpu_setup(void)
{
	u32 r[4];
	u8 probe[HX_FPU_LEGACY_SIZE] __aligned(16);
	unsigned long cr4 = hxh_read_cr4();

	hxh_cpuid(HX_CPUID_FEATURES, 0, r);
	fpu_xsave = (r[2] & CPUID1_ECX_XSAVE) && (cr4 & CR4_OSXSAVE);
	fpu_pke = cr4 & CR4_PKE;

	__builtin_memset(probe, 0, sizeof(probe));
	fxsave(probe);
	fpu_mxcsr_mask = get32(probe + HX_FPU_MXCSR_MASK);
	if (!fpu_mxcsr_mask)
		fpu_mxcsr_mask = MXCSR_MASK_DEFAULT;

	fpu_mask = HX_XFEATURE_X87 | HX_XFEATURE_SSE;
	fpu_size = HX_FPU_LEGACY_SIZE;
	if (!fpu_xsave)
		return;
	fpu_host_xcr0 = xgetbv0();
	fpu_mask = fpu_host_xcr0 & GUEST_FEATURES;
	/* AVX-512 is all three components or none, and needs AVX. */
	if ((fpu_mask & HX_XFEATURE_AVX512) != HX_XFEATURE_AVX512 ||
	    !(fpu_mask & HX_XFEATURE_AVX))
		fpu_mask &= ~HX_XFEATURE_AVX512;
	if (standard_size(fpu_mask) > HX_FPU_AREA_MAX)
		fpu_mask &= ~HX_XFEATURE_AVX512;
	fpu_size = standard_size(fpu_mask);
}

u64 hx_fpu_guest_mask(void)
{
	return fpu_mask;
}

u32 hx_fpu_area_size(void)
{
	return fpu_size;
}

void hx_fpu_reset(struct hx_fpu *f)
{
	__builtin_memset(f->area, 0, HX_FPU_AREA_MAX);
	put16(f->area + HX_FPU_FCW, FCW_RESET);
	put32(f->area + HX_FPU_MXCSR, MXCSR_RESET);
	f->xcr0 = HX_XFEATURE_X87;
	f->pkru = 0;
}

int hx_fpu_init(struct hx_fpu *f)
{
	f->page = hxh_page_alloc(0);
	if (!f->page)
		return -HX_ENOMEM;
	f->area = hxh_page_to_va(f->page);
	hx_fpu_reset(f);
	return 0;
}

void hx_fpu_free(struct hx_fpu *f)
{
	if (f->page)
		hxh_page_free(f->page, 0);
	f->page = NULL;
	f->area = NULL;
}

void hx_fpu_enter(struct hx_fpu *f)
{
	if (fpu_pke) {
		f->host_pkru = rdpkru();
		if (f->pkru != f->host_pkru)
			wrpkru(f->pkru);
	}
	if (!fpu_xsave) {
		fxrstor(f->area);
		return;
	}
	xrstor(f->area, fpu_mask);
	if (f->xcr0 != fpu_host_xcr0)
		xsetbv0(f->xcr0);
}

void hx_fpu_leave(struct hx_fpu *f)
{
	u64 xcr0;

	if (fpu_xsave) {
		/*
		 * A CPU that does not intercept XSETBV (QEMU's SVM) lets the
		 * guest set XCR0 itself: keep what it set, within the mask.
		 */
		xcr0 = xgetbv0();
		if (xcr0 != f->xcr0)
			f->xcr0 = (xcr0 & fpu_mask) | HX_XFEATURE_X87;
		if (xcr0 != fpu_host_xcr0)
			xsetbv0(fpu_host_xcr0);
		xsave(f->area, fpu_mask);
	} else {
		fxsave(f->area);
	}
	if (fpu_pke) {
		f->pkru = rdpkru();
		if (f->pkru != f->host_pkru)
			wrpkru(f->host_pkru);
	}
}

/* An XCR0 value XSETBV accepts (SDM vol. 1, 13.3). */
static bool xcr0_valid(u64 v)
{
	if (!(v & HX_XFEATURE_X87) || (v & ~fpu_mask))
		return false;
	if ((v & HX_XFEATURE_AVX) && !(v & HX_XFEATURE_SSE))
		return false;
	if (v & HX_XFEATURE_AVX512)
		return (v & HX_XFEATURE_AVX512) == HX_XFEATURE_AVX512 &&
		       (v & HX_XFEATURE_AVX);
	return true;
}

int hx_fpu_xsetbv(struct hx_fpu *f, u32 index, u64 value)
{
	if (!fpu_xsave || index != 0 || !xcr0_valid(value))
		return -1;
	f->xcr0 = value;
	return 0;
}

void hx_fpu_cpuid(const struct hx_fpu *f, u32 subleaf, u32 r[4])
{
	u32 host[4];

	r[0] = r[1] = r[2] = r[3] = 0;
	if (!fpu_xsave)
		return;
	switch (subleaf) {
	case 0:
		r[0] = (u32)fpu_mask;
		r[1] = standard_size(f->xcr0);
		r[2] = fpu_size;
		r[3] = (u32)(fpu_mask >> 32);
		return;
	case 1:
		hxh_cpuid(CPUID_XSTATE, 1, host);
		r[0] = host[0] & XSTATE1_GUEST_EAX;
		r[1] = compacted_size(f->xcr0);
		return;
	default:
		if (subleaf < 64 && (fpu_mask & (1ULL << subleaf))) {
			hxh_cpuid(CPUID_XSTATE, subleaf, r);
			r[3] = 0;
		}
		return;
	}
}

void hx_fpu_get(const struct hx_fpu *f, u8 *buf, u64 *xcr0)
{
	__builtin_memset(buf, 0, HX_FPU_AREA_MAX);
	__builtin_memcpy(buf, f->area, fpu_size);
	*xcr0 = f->xcr0;
}

/*
 * Refuse what would make XRSTOR (FXRSTOR) fault in the host: reserved
 * MXCSR bits, components outside the guest mask, a compacted or dirty
 * header (SDM vol. 1, 13.8).  Bytes past the area must be zero.
 */
int hx_fpu_set(struct hx_fpu *f, const u8 *buf, u64 xcr0)
{
	u32 i;

	if (get32(buf + HX_FPU_MXCSR) & ~fpu_mxcsr_mask)
		return -HX_EINVAL;
	if (fpu_xsave) {
		if (!xcr0_valid(xcr0))
			return -HX_EINVAL;
		if (get64(buf + HX_FPU_XSTATE_BV) & ~fpu_mask)
			return -HX_EINVAL;
		for (i = HX_FPU_XCOMP_BV;
		     i < HX_FPU_LEGACY_SIZE + HX_FPU_HEADER_SIZE; i++)
			if (buf[i])
				return -HX_EINVAL;
	} else if (xcr0 != HX_XFEATURE_X87) {
		return -HX_EINVAL;
	}
	for (i = fpu_size; i < HX_FPU_AREA_MAX; i++)
		if (buf[i])
			return -HX_EINVAL;
	__builtin_memcpy(f->area, buf, fpu_size);
	f->xcr0 = xcr0;
	return 0;
}
