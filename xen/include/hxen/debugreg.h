/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's debug registers.  Every guest MOV to or from DR0-DR7 is
 * intercepted and emulated on the copies in struct hx_vcpu and the
 * backend's state; the guest's DR0-DR3 only go into the hardware for a
 * run in which the guest's DR7 enables a breakpoint.  The world switch
 * leaves the host's DR7 disabled, and hxh_guest_exit() restores the
 * host's breakpoints if it has any.
 */
#ifndef HXEN_DEBUGREG_H
#define HXEN_DEBUGREG_H

#include <hxen/types.h>

#define HX_DR7_ENABLED		0xffULL		/* L0-L3, G0-G3 */
#define HX_DR7_FIXED_1		(1ULL << 10)
#define HX_DR7_MUST_BE_0	(0xffffffff00000000ULL | (1ULL << 12) | \
				 (3ULL << 14))
#define HX_DR6_FIXED_1		0xffff0ff0ULL
#define HX_DR6_WRITABLE		0x0000e00fULL	/* B0-B3, BD, BS, BT */

static inline void hx_load_guest_db(const u64 db[4])
{
	asm volatile("mov %0, %%db0" :: "r"(db[0]));
	asm volatile("mov %0, %%db1" :: "r"(db[1]));
	asm volatile("mov %0, %%db2" :: "r"(db[2]));
	asm volatile("mov %0, %%db3" :: "r"(db[3]));
}

/* MOV from DR0-DR3, DR6 or DR7 (DR4/DR5 already mapped to DR6/DR7). */
static inline u64 hx_dr_read(const u64 db[4], u64 dr6, u64 dr7, u32 dr)
{
	if (dr < 4)
		return db[dr];
	return dr == 6 ? dr6 : dr7;
}

/* MOV to DRn: 0, or -1 for a value that makes it raise #GP. */
static inline int hx_dr_write(u64 db[4], u64 *dr6, u64 *dr7, u32 dr,
			      u64 val)
{
	if (dr < 4) {
		db[dr] = val;
		return 0;
	}
	if (val >> 32)
		return -1;
	if (dr == 6)
		*dr6 = (val & HX_DR6_WRITABLE) | HX_DR6_FIXED_1;
	else
		*dr7 = (val & ~HX_DR7_MUST_BE_0) | HX_DR7_FIXED_1;
	return 0;
}

#endif /* HXEN_DEBUGREG_H */
