/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's FPU, SSE and AVX state (x87 through the XSAVE components
 * hxen offers), kept apart from the host's.
 *
 * The state lives in an XSAVE area in the standard (non-compacted) form,
 * or in a 512-byte FXSAVE area on CPUs without XSAVE.  Around each guest
 * run, with the host's own state already put away by hxh_guest_enter(),
 * the backend loads it (hx_fpu_enter) and saves it back (hx_fpu_leave).
 * The guest's XCR0 and, where the host uses protection keys, its PKRU
 * are switched at the same places.
 */
#ifndef HXEN_FPU_H
#define HXEN_FPU_H

#include <hxen/types.h>

struct hxh_page;

/* XSAVE state components (SDM vol. 1, 13.1) */
#define HX_XFEATURE_X87		(1ULL << 0)
#define HX_XFEATURE_SSE		(1ULL << 1)
#define HX_XFEATURE_AVX		(1ULL << 2)
#define HX_XFEATURE_OPMASK	(1ULL << 5)
#define HX_XFEATURE_ZMM_HI256	(1ULL << 6)
#define HX_XFEATURE_HI16_ZMM	(1ULL << 7)
#define HX_XFEATURE_AVX512	(HX_XFEATURE_OPMASK | HX_XFEATURE_ZMM_HI256 | \
				 HX_XFEATURE_HI16_ZMM)

/* Offsets in the area: legacy region, then the 64-byte XSAVE header. */
#define HX_FPU_FCW		0
#define HX_FPU_MXCSR		24
#define HX_FPU_MXCSR_MASK	28
#define HX_FPU_LEGACY_SIZE	512
#define HX_FPU_XSTATE_BV	512
#define HX_FPU_XCOMP_BV		520
#define HX_FPU_HEADER_SIZE	64

/* The ABI's buffer (struct hxen_xsave.region) holds this much. */
#define HX_FPU_AREA_MAX		4096

/*
 * struct hx_fpu - a vCPU's extended state
 * @page: the host page that holds @area
 * @area: the state, 64-byte aligned
 * @xcr0: the guest's XCR0 (what XSETBV set)
 * @pkru: the guest's PKRU while it is not running
 * @host_pkru: the host's PKRU during a run
 */
struct hx_fpu {
	struct hxh_page *page;
	u8 *area;
	u64 xcr0;
	u32 pkru;
	u32 host_pkru;
};

/* Learn the host's XSAVE support; once, before any vCPU exists. */
void hx_fpu_setup(void);

/* The components guests may enable, and the area size they need. */
u64 hx_fpu_guest_mask(void);
u32 hx_fpu_area_size(void);

/* A vCPU's state at RESET; -HX_ENOMEM. */
int hx_fpu_init(struct hx_fpu *f);
void hx_fpu_free(struct hx_fpu *f);
void hx_fpu_reset(struct hx_fpu *f);

/* Around a guest run: interrupts off, host state already saved. */
void hx_fpu_enter(struct hx_fpu *f);
void hx_fpu_leave(struct hx_fpu *f);

/* XSETBV by the guest: 0, or -1 when the guest gets #GP. */
int hx_fpu_xsetbv(struct hx_fpu *f, u32 index, u64 value);

/* CPUID leaf 0xd as the guest sees it. */
void hx_fpu_cpuid(const struct hx_fpu *f, u32 subleaf, u32 r[4]);

/*
 * For the host: copy the state out in the standard XSAVE form
 * (HX_FPU_AREA_MAX bytes), or check and take a new one.  Return of
 * hx_fpu_set: 0, or -HX_EINVAL for an XCR0 the guest could not set or an
 * area XRSTOR would refuse.
 */
void hx_fpu_get(const struct hx_fpu *f, u8 *buf, u64 *xcr0);
int hx_fpu_set(struct hx_fpu *f, const u8 *buf, u64 xcr0);

#endif /* HXEN_FPU_H */
