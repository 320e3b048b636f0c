// SPDX-License-Identifier: GPL-2.0
/*
 * Copies to and from guest-virtual memory for hypercall arguments: the
 * guest's own page tables translate, as for a supervisor access, and any
 * failure is reported to the caller (Xen returns -EFAULT to the guest; no
 * page fault is injected).
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

static int guest_copy(struct hx_emul_ctx *ctx, u64 gva, void *buf, u32 len,
		      bool write)
{
	const struct hx_guest_ram *ram = &ctx->vcpu->vm->ram;
	u8 *p = buf;
	u32 pf, n;
	u64 gpa;

	while (len) {
		if (ctx->cs_bits != 64)
			gva = (u32)gva;
		if (hx_walk(ram, &ctx->paging, gva, write ? HX_PF_WRITE : 0,
			    &gpa, &pf))
			return -HX_EFAULT;
		n = (u32)(HX_PAGE_SIZE - (gpa & (HX_PAGE_SIZE - 1)));
		if (n > len)
			n = len;
		if (write ? hx_ram_write(ram, gpa, p, n) :
			    hx_ram_read(ram, gpa, p, n))
			return -HX_EFAULT;
		gva += n;
		p += n;
		len -= n;
	}
	return 0;
}

int hx_copy_from_guest(struct hx_emul_ctx *ctx, void *buf, u64 gva, u32 len)
{
	return guest_copy(ctx, gva, buf, len, false);
}

int hx_copy_to_guest(struct hx_emul_ctx *ctx, u64 gva, const void *buf,
		     u32 len)
{
	return guest_copy(ctx, gva, (void *)buf, len, true);
}
