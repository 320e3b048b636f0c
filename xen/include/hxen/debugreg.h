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

#endif /* HXEN_DEBUGREG_H */
