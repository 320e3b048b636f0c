/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX instructions.  Each returns 0, or -1 when it failed (CF or ZF
 * set: VMfailInvalid or VMfailValid, SDM vol. 3, 31.2).
 */
#ifndef HXEN_VMX_INSN_H
#define HXEN_VMX_INSN_H

#include <hxen/types.h>

static inline int vmx_on(u64 pa)
{
	bool fail;

	asm volatile("vmxon %1; setna %0"
		     : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -1 : 0;
}

static inline void vmx_off(void)
{
	asm volatile("vmxoff" ::: "cc", "memory");
}

static inline int vmx_ptrld(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %1; setna %0"
		     : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -1 : 0;
}

static inline u64 vmx_ptrst(void)
{
	u64 pa;

	asm volatile("vmptrst %0" : "=m"(pa) :: "cc", "memory");
	return pa;
}

static inline int vmx_clear(u64 pa)
{
	bool fail;

	asm volatile("vmclear %1; setna %0"
		     : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -1 : 0;
}

static inline u64 vmx_read(u64 field)
{
	u64 val;

	asm volatile("vmread %1, %0" : "=rm"(val) : "r"(field) : "cc");
	return val;
}

static inline void vmx_write(u64 field, u64 val)
{
	asm volatile("vmwrite %1, %0" :: "r"(field), "rm"(val) : "cc");
}

static inline void vmx_invept(u64 type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm volatile("invept %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

static inline void vmx_invvpid(u64 type, u16 vpid)
{
	struct { u64 vpid, addr; } desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

#endif /* HXEN_VMX_INSN_H */
