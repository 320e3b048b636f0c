// SPDX-License-Identifier: GPL-2.0
/*
 * How a guest finds the Xen interface: the CPUID leaves at 0x40000000 and
 * the hypercall page it may ask for through MSR 0x40000000.
 */
#include <hxen/arch.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>

/* "XenVMMXenVMM" in EBX, ECX, EDX. */
#define SIG_EBX			0x566e6558U
#define SIG_ECX			0x65584d4dU
#define SIG_EDX			0x4d4d566eU
#define LEAF_LAST		4
/* Leaf base + 4, EAX: EBX holds the vCPU id, ECX the domain id. */
#define HVM_VCPU_ID_PRESENT	(1U << 3)
#define HVM_DOMID_PRESENT	(1U << 4)
/* Domain ids from 0x7ff0 up are reserved (DOMID_FIRST_RESERVED). */
#define DOMID_LIMIT		0x7ff0U

/* shared_info starts with vcpu_info[32], 64 bytes each. */
#define SHARED_VCPU_INFOS	32
#define VCPU_INFO_SIZE		64

#define HCALL_STUB_SIZE		32
#define HCALL_STUBS		(HX_PAGE_SIZE / HCALL_STUB_SIZE)
/* Hypercall 23 is iret, which HVM guests may not use: ud2 there. */
#define HCALL_IRET		23

int hx_xen_enable(struct hx_vm *vm, u16 domid, u32 version)
{
	struct hx_xen *x = &vm->xen;

	if (!domid || domid >= DOMID_LIMIT)
		return -HX_EINVAL;
	x->lock = hxh_mutex_create();
	x->shared_info = hxh_page_alloc(0);
	x->evtchn = hxh_zalloc(HX_XEN_EVTCHN_PORTS * sizeof(*x->evtchn));
	x->virq_port = hxh_zalloc(HX_XEN_MAX_VCPUS * sizeof(*x->virq_port));
	if (!x->lock || !x->shared_info || !x->evtchn || !x->virq_port) {
		hx_xen_free(vm);
		return -HX_ENOMEM;
	}
	x->shared_info_gfn = HX_XEN_NO_GFN;
	hx_xen_gnttab_free(vm);
	x->boot_ns = hxh_now_ns();
	x->boot_wall_ns = hxh_realtime_ns();
	hx_xen_set_wallclock(vm);
	x->domid = domid;
	x->version = version ? version : HX_XEN_VERSION_DEFAULT;
	x->enabled = true;
	return 0;
}

void hx_xen_free(struct hx_vm *vm)
{
	struct hx_xen *x = &vm->xen;

	if (x->shared_info)
		hxh_page_free(x->shared_info, 0);
	hx_xen_evtchn_free(x);
	hx_xen_gnttab_free(vm);
	hxh_mutex_destroy(x->lock);
	if (x->evtchn)
		hxh_free(x->evtchn);
	if (x->virq_port)
		hxh_free(x->virq_port);
	x->shared_info = NULL;
	x->lock = NULL;
	x->evtchn = NULL;
	x->virq_port = NULL;
	x->enabled = false;
}

void hx_xen_vcpu_attach(struct hx_vcpu *vcpu)
{
	struct hx_xen *x = &vcpu->vm->xen;

	if (!x->enabled || vcpu->id >= HX_XEN_MAX_VCPUS)
		return;
	hxh_mutex_lock(x->lock);
	__atomic_store_n(&x->vcpus[vcpu->id], vcpu, __ATOMIC_RELEASE);
	hxh_mutex_unlock(x->lock);
}

void hx_xen_vcpu_detach(struct hx_vcpu *vcpu)
{
	struct hx_xen *x = &vcpu->vm->xen;

	if (!x->enabled || vcpu->id >= HX_XEN_MAX_VCPUS)
		return;
	hxh_mutex_lock(x->lock);
	__atomic_store_n(&x->vcpus[vcpu->id], NULL, __ATOMIC_RELEASE);
	hxh_mutex_unlock(x->lock);
}

u8 *hx_xen_vcpu_info(struct hx_vm *vm, u32 id)
{
	struct hx_xen *x = &vm->xen;
	struct hxh_page *pg;
	u64 gpa;

	if (!x->enabled || id >= HX_XEN_MAX_VCPUS)
		return NULL;
	gpa = __atomic_load_n(&x->vcpu_info_gpa[id], __ATOMIC_ACQUIRE);
	if (gpa) {
		pg = hx_ram_page(&vm->ram, gpa);
		return pg ? (u8 *)hxh_page_to_va(pg) +
			    (gpa & (HX_PAGE_SIZE - 1)) : NULL;
	}
	if (id < SHARED_VCPU_INFOS)
		return (u8 *)hxh_page_to_va(x->shared_info) +
		       id * VCPU_INFO_SIZE;
	return NULL;
}

int hx_xen_map_shared_info(struct hx_vm *vm, u64 gfn)
{
	struct hx_xen *x = &vm->xen;
	int err;
	u32 i;

	if (gfn >= HX_GPA_MAX >> HX_PAGE_SHIFT)
		return -HX_EINVAL;
	hxh_mutex_lock(x->lock);
	if (x->shared_info_gfn == gfn) {
		err = 0;
		goto out;
	}
	for (i = 0; i < HX_XEN_GNTTAB_FRAMES; i++) {
		if (x->gnttab_gfn[i] == gfn) {
			err = -HX_EBUSY;
			goto out;
		}
	}
	err = hx_arch->map_page(vm, gfn << HX_PAGE_SHIFT,
				hxh_page_to_pa(x->shared_info));
	if (err)
		goto out;
	if (x->shared_info_gfn != HX_XEN_NO_GFN)
		hx_arch->unmap_page(vm, x->shared_info_gfn << HX_PAGE_SHIFT);
	x->shared_info_gfn = gfn;
out:
	hxh_mutex_unlock(x->lock);
	return err;
}

bool hx_xen_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 r[4])
{
	const struct hx_xen *x = &vcpu->vm->xen;

	if (!x->enabled || leaf - HX_XEN_CPUID_BASE > LEAF_LAST)
		return false;
	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf - HX_XEN_CPUID_BASE) {
	case 0:
		r[0] = HX_XEN_CPUID_BASE + LEAF_LAST;
		r[1] = SIG_EBX;
		r[2] = SIG_ECX;
		r[3] = SIG_EDX;
		break;
	case 1:
		r[0] = x->version;
		break;
	case 2:
		r[0] = 1;			/* one hypercall page */
		r[1] = HX_XEN_MSR_HCALL_PAGE;
		break;
	case 4:
		if (subleaf)
			break;
		r[0] = HVM_VCPU_ID_PRESENT | HVM_DOMID_PRESENT;
		r[1] = vcpu->id;
		r[2] = x->domid;
		break;
	default:
		break;
	}
	return true;
}

int hx_xen_hcall_page(struct hx_emul_ctx *ctx, u64 val, const u8 insn[3])
{
	struct hxh_page *pg;
	u8 *page, *stub;
	u32 i;

	if (val & (HX_PAGE_SIZE - 1))
		return -1;
	pg = hx_ram_page(&ctx->vcpu->vm->ram, val);
	if (!pg)
		return -1;
	page = hxh_page_to_va(pg);
	__builtin_memset(page, 0xcc, HX_PAGE_SIZE);	/* int3 between */
	for (i = 0; i < HCALL_STUBS; i++) {
		stub = page + i * HCALL_STUB_SIZE;
		if (i == HCALL_IRET) {
			stub[0] = 0x0f;			/* ud2 */
			stub[1] = 0x0b;
			continue;
		}
		stub[0] = 0xb8;				/* mov $i, %eax */
		stub[1] = (u8)i;
		stub[2] = 0;
		stub[3] = 0;
		stub[4] = 0;
		__builtin_memcpy(stub + 5, insn, 3);
		stub[8] = 0xc3;				/* ret */
	}
	return 0;
}
