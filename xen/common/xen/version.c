// SPDX-License-Identifier: GPL-2.0
/*
 * The xen_version hypercall: the version, the extra version string, the
 * feature bitmap, the page size.  Features are offered only as hxen
 * implements what they promise.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

#define EXTRAVERSION	"-hxen"

/* Feature word 0: what an HVM guest of hxen may rely on. */
static u32 features(u32 idx)
{
	if (idx)
		return 0;
	return (1U << XENFEAT_writable_page_tables) |
	       (1U << XENFEAT_auto_translated_physmap) |
	       (1U << XENFEAT_hvm_callback_vector) |
	       (1U << XENFEAT_hvm_safe_pvclock);
}

long hx_xen_version_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	struct xen_feature_info fi;
	char extra[XEN_EXTRAVERSION_LEN];

	switch (a[0]) {
	case XENVER_version:
		return ctx->vcpu->vm->xen.version;
	case XENVER_extraversion:
		__builtin_memset(extra, 0, sizeof(extra));
		__builtin_memcpy(extra, EXTRAVERSION, sizeof(EXTRAVERSION));
		return hx_copy_to_guest(ctx, a[1], extra, sizeof(extra));
	case XENVER_get_features:
		if (hx_copy_from_guest(ctx, &fi, a[1], sizeof(fi)))
			return -HX_EFAULT;
		fi.submap = features(fi.submap_idx);
		return hx_copy_to_guest(ctx, a[1], &fi, sizeof(fi));
	case XENVER_pagesize:
		return HX_PAGE_SIZE;
	default:
		return -HX_ENOSYS;
	}
}
