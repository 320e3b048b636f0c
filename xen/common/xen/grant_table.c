// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables, version 1: the guest's table of grant entries lives in
 * frames hxen allocates (zeroed) when the guest first maps each one with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table), at frames of RAM or of
 * holes above it.  grant_table_op answers query_size, set_version (1
 * only) and setup_table, which for a translated guest reports where the
 * frames are mapped.
 *
 * The device model, which is domain 0's backends, reads and updates the
 * entries itself through its own mapping of the frames
 * (hx_xen_gnttab_frame(), the mmap window HXEN_GNTTAB_MMAP_OFFSET).
 */
#include <hxen/arch.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen/xen_public.h>

#include "hypercall.h"

/* Is @gfn already taken by another special page?  Under the lock. */
static bool gfn_taken(struct hx_xen *x, u64 gfn, u64 idx)
{
	u32 i;

	if (x->shared_info_gfn == gfn)
		return true;
	for (i = 0; i < HX_XEN_GNTTAB_FRAMES; i++)
		if (i != idx && x->gnttab_gfn[i] == gfn)
			return true;
	return false;
}

/* Frame @idx, allocated (zeroed) on first use.  Under the lock. */
static struct hxh_page *frame_locked(struct hx_xen *x, u64 idx)
{
	if (!x->gnttab[idx])
		x->gnttab[idx] = hxh_page_alloc(0);
	return x->gnttab[idx];
}

struct hxh_page *hx_xen_gnttab_frame(struct hx_vm *vm, u64 idx)
{
	struct hx_xen *x = &vm->xen;
	struct hxh_page *page;

	if (!x->enabled || idx >= HX_XEN_GNTTAB_FRAMES)
		return NULL;
	hxh_mutex_lock(x->lock);
	page = frame_locked(x, idx);
	hxh_mutex_unlock(x->lock);
	return page;
}

int hx_xen_map_gnttab(struct hx_vm *vm, u64 idx, u64 gfn)
{
	struct hx_xen *x = &vm->xen;
	int err = 0;

	if (idx >= HX_XEN_GNTTAB_FRAMES || gfn >= HX_GPA_MAX >> HX_PAGE_SHIFT)
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	if (x->gnttab_gfn[idx] == gfn)
		goto out;
	if (gfn_taken(x, gfn, idx)) {
		err = -HX_EBUSY;
		goto out;
	}
	if (!frame_locked(x, idx)) {
		err = -HX_ENOMEM;
		goto out;
	}
	err = hx_arch->map_page(vm, gfn << HX_PAGE_SHIFT,
				hxh_page_to_pa(x->gnttab[idx]));
	if (err)
		goto out;
	if (x->gnttab_gfn[idx] != HX_XEN_NO_GFN)
		hx_arch->unmap_page(vm, x->gnttab_gfn[idx] << HX_PAGE_SHIFT);
	x->gnttab_gfn[idx] = gfn;
out:
	hxh_mutex_unlock(x->lock);
	return err;
}

void hx_xen_gnttab_free(struct hx_vm *vm)
{
	struct hx_xen *x = &vm->xen;
	u32 i;

	for (i = 0; i < HX_XEN_GNTTAB_FRAMES; i++) {
		if (x->gnttab[i])
			hxh_page_free(x->gnttab[i], 0);
		x->gnttab[i] = NULL;
		x->gnttab_gfn[i] = HX_XEN_NO_GFN;
	}
}

/* Frames the guest has mapped so far: the table's current size. */
static u32 nr_frames(struct hx_xen *x)
{
	u32 n = 0;

	while (n < HX_XEN_GNTTAB_FRAMES && x->gnttab_gfn[n] != HX_XEN_NO_GFN)
		n++;
	return n;
}

static long query_size(struct hx_emul_ctx *ctx, u64 arg, u32 count)
{
	struct hx_xen *x = &ctx->vcpu->vm->xen;
	struct gnttab_query_size q;

	if (count != 1)
		return -HX_EINVAL;
	if (hx_copy_from_guest(ctx, &q, arg, sizeof(q)))
		return -HX_EFAULT;
	if (q.dom != DOMID_SELF && q.dom != x->domid) {
		q.status = GNTST_bad_domain;
	} else {
		hxh_mutex_lock(x->lock);
		q.nr_frames = nr_frames(x);
		hxh_mutex_unlock(x->lock);
		q.max_nr_frames = HX_XEN_GNTTAB_FRAMES;
		q.status = GNTST_okay;
	}
	return hx_copy_to_guest(ctx, arg, &q, sizeof(q)) ? -HX_EFAULT : 0;
}

static long set_version(struct hx_emul_ctx *ctx, u64 arg, u32 count)
{
	struct gnttab_set_version v;

	if (count != 1)
		return -HX_EINVAL;
	if (hx_copy_from_guest(ctx, &v, arg, sizeof(v)))
		return -HX_EFAULT;
	if (v.version != 1) {
		v.version = 1;
		hx_copy_to_guest(ctx, arg, &v, sizeof(v));
		return -HX_EINVAL;
	}
	return 0;
}

/* A translated guest learns where each frame is (or an invalid frame). */
static long setup_table(struct hx_emul_ctx *ctx, u64 arg, u32 count)
{
	struct hx_xen *x = &ctx->vcpu->vm->xen;
	struct gnttab_setup_table t;
	u64 list, gfn;
	u32 i;

	if (count != 1)
		return -HX_EINVAL;
	if (hx_copy_from_guest(ctx, &t, arg, sizeof(t)))
		return -HX_EFAULT;
	__builtin_memcpy(&list, &t.frame_list, sizeof(list));
	if (t.dom != DOMID_SELF && t.dom != x->domid) {
		t.status = GNTST_bad_domain;
	} else if (t.nr_frames > HX_XEN_GNTTAB_FRAMES) {
		t.status = GNTST_general_error;
	} else {
		t.status = GNTST_okay;
		for (i = 0; i < t.nr_frames; i++) {
			hxh_mutex_lock(x->lock);
			gfn = x->gnttab_gfn[i];
			hxh_mutex_unlock(x->lock);
			if (hx_copy_to_guest(ctx, list + i * sizeof(gfn), &gfn,
					     sizeof(gfn)))
				return -HX_EFAULT;
		}
	}
	return hx_copy_to_guest(ctx, arg, &t, sizeof(t)) ? -HX_EFAULT : 0;
}

long hx_xen_grant_table_op(struct hx_emul_ctx *ctx, const u64 *a)
{
	u32 count = (u32)a[2];

	switch (a[0]) {
	case GNTTABOP_query_size:
		return query_size(ctx, a[1], count);
	case GNTTABOP_set_version:
		return set_version(ctx, a[1], count);
	case GNTTABOP_setup_table:
		return setup_table(ctx, a[1], count);
	default:
		/* Mapping and copying grants is for backends in domain 0. */
		return -HX_ENOSYS;
	}
}
