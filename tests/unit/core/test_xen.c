// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Xen interface (xen/common/xen/): the CPUID leaves,
 * the hypercall page, hypercall dispatch in both calling conventions,
 * xen_version with guest-virtual arguments, and guest copies.
 */
#include <stdio.h>
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/arch.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>

int test_failures;

#define MiB		(1ULL << 20)
#define P		(1ULL << 0)
#define RW		(1ULL << 1)
#define PS		(1ULL << 7)
#define CR0_PE		(1ULL << 0)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

/*
 * RAM at 0-4 MiB.  In 64-bit tests linear 0-2 MiB maps 1:1 with one
 * large page, linear 2 MiB-4 MiB is not mapped, and linear 4 MiB maps a
 * read-only 4 KiB page at 0x300000.
 */
#define PML4		0x10000ULL
#define PDPT		0x11000ULL
#define PD		0x12000ULL
#define PT		0x13000ULL
#define HCALL_PAGE	0x20000ULL
#define ARG		0x30000ULL
#define RO_LINEAR	0x400000ULL
#define UNMAPPED	0x200000ULL

static struct hx_vm vm;
static struct hx_vcpu vcpu;
static struct hx_emul_ctx ctx;

/* The backend, as far as the Xen code uses it: record page mappings. */
static struct {
	int maps, unmaps, fail;
	u64 map_gpa, map_pa, unmap_gpa;
} npt;

static int fake_map_page(struct hx_vm *v, u64 gpa, u64 pa)
{
	if (npt.fail)
		return -HX_ENOMEM;
	npt.maps++;
	npt.map_gpa = gpa;
	npt.map_pa = pa;
	return 0;
}

static void fake_unmap_page(struct hx_vm *v, u64 gpa)
{
	npt.unmaps++;
	npt.unmap_gpa = gpa;
}

static u64 fake_guest_tsc(struct hx_vcpu *v)
{
	return 0x123456789ULL;
}

static const struct hx_arch_ops fake_arch = {
	.name = "fake",
	.guest_tsc = fake_guest_tsc,
	.map_page = fake_map_page,
	.unmap_page = fake_unmap_page,
};

const struct hx_arch_ops *hx_arch = &fake_arch;

/* vcpu.c is not linked: a vCPU that waits returns at once, counted. */
static struct {
	long calls;
	u64 deadline;
	bool ready;		/* what @ready said, if given */
} waits;

void hx_vcpu_wait(struct hx_vcpu *v, bool (*ready)(void *arg), void *arg,
		  u64 deadline_ns)
{
	waits.calls++;
	waits.deadline = deadline_ns;
	waits.ready = ready && ready(arg);
}

static void w64(u64 gpa, u64 v)
{
	hx_ram_write(&vm.ram, gpa, &v, 8);
}

static void setup(void)
{
	hx_ram_free(&vm.ram);
	hx_xen_free(&vm);
	fake_mem_reset();
	memset(&npt, 0, sizeof(npt));
	memset(&vm, 0, sizeof(vm));
	memset(&vcpu, 0, sizeof(vcpu));
	hx_ram_add(&vm.ram, 0, 4 * MiB);
	w64(PML4, PDPT | P | RW);
	w64(PDPT, PD | P | RW);
	w64(PD, 0 | P | RW | PS);
	w64(PD + 2 * 8, PT | P | RW);
	w64(PT, 0x300000 | P);			/* read-only */
	vcpu.vm = &vm;
	vcpu.id = 3;
	memset(&ctx, 0, sizeof(ctx));
	ctx.vcpu = &vcpu;
	ctx.rip = 0x1000;
	ctx.cs_bits = 64;
	ctx.paging.cr0 = CR0_PE | CR0_PG | CR0_WP;
	ctx.paging.cr3 = PML4;
	ctx.paging.cr4 = CR4_PAE;
	ctx.paging.efer = EFER_LME | EFER_LMA;
}

static long call64(u64 nr, u64 a0, u64 a1)
{
	vcpu.gprs[HX_RAX] = nr;
	vcpu.gprs[HX_RDI] = a0;
	vcpu.gprs[HX_RSI] = a1;
	hx_xen_hypercall(&ctx, 3);
	return (long)vcpu.gprs[HX_RAX];
}

static void test_enable_and_cpuid(void)
{
	u32 r[4];

	setup();
	EXPECT("xen/cpuid-off-without-xen",
	       !hx_xen_cpuid(&vcpu, 0x40000000, 0, r));
	EXPECT("xen/enable-domid-0", hx_xen_enable(&vm, 0, 0) == -HX_EINVAL);
	EXPECT("xen/enable-domid-reserved",
	       hx_xen_enable(&vm, 0x7ff0, 0) == -HX_EINVAL);
	EXPECT("xen/enable", hx_xen_enable(&vm, 9, 0) == 0 && vm.xen.enabled &&
	       vm.xen.version == HX_XEN_VERSION_DEFAULT);
	EXPECT("xen/cpuid-signature", hx_xen_cpuid(&vcpu, 0x40000000, 0, r) &&
	       r[0] == 0x40000004 && !memcmp(&r[1], "XenVMMXe", 8) &&
	       !memcmp(&r[3], "nVMM", 4));
	EXPECT("xen/cpuid-version", hx_xen_cpuid(&vcpu, 0x40000001, 0, r) &&
	       r[0] == 0x00040011);
	EXPECT("xen/cpuid-hypercall-page", hx_xen_cpuid(&vcpu, 0x40000002, 0, r) &&
	       r[0] == 1 && r[1] == 0x40000000 && !r[2] && !r[3]);
	EXPECT("xen/cpuid-hvm-leaf", hx_xen_cpuid(&vcpu, 0x40000004, 0, r) &&
	       r[0] == ((1U << 3) | (1U << 4)) && r[1] == 3 && r[2] == 9);
	EXPECT("xen/cpuid-beyond-last", !hx_xen_cpuid(&vcpu, 0x40000005, 0, r));
	EXPECT("xen/cpuid-below-base", !hx_xen_cpuid(&vcpu, 0x3fffffff, 0, r));
}

static void test_hcall_page(void)
{
	static const u8 insn[3] = { 0x0f, 0x01, 0xd9 };
	u8 stub[32];

	setup();
	hx_xen_enable(&vm, 1, 0);
	EXPECT("xen/hcall-page-misaligned",
	       hx_xen_hcall_page(&ctx, HCALL_PAGE + 1, insn) == -1);
	EXPECT("xen/hcall-page-in-hole",
	       hx_xen_hcall_page(&ctx, 0x40000000, insn) == -1);
	EXPECT("xen/hcall-page", hx_xen_hcall_page(&ctx, HCALL_PAGE, insn) == 0);
	hx_ram_read(&vm.ram, HCALL_PAGE + 17 * 32, stub, sizeof(stub));
	EXPECT("xen/hcall-stub-17", stub[0] == 0xb8 && stub[1] == 17 &&
	       !stub[2] && !stub[3] && !stub[4] && !memcmp(stub + 5, insn, 3) &&
	       stub[8] == 0xc3 && stub[9] == 0xcc && stub[31] == 0xcc);
	hx_ram_read(&vm.ram, HCALL_PAGE + 23 * 32, stub, sizeof(stub));
	EXPECT("xen/hcall-stub-iret-ud2", stub[0] == 0x0f && stub[1] == 0x0b &&
	       stub[2] == 0xcc);
	hx_ram_read(&vm.ram, HCALL_PAGE + 127 * 32, stub, sizeof(stub));
	EXPECT("xen/hcall-stub-127", stub[0] == 0xb8 && stub[1] == 127);
}

static void test_dispatch(void)
{
	struct { u32 idx, submap; } fi;
	char extra[16];
	long ret;

	setup();
	hx_xen_enable(&vm, 1, 0x00040012);
	ret = call64(17, 0, 0);
	EXPECT("xen/version", ret == 0x00040012 && ctx.rip == 0x1003 &&
	       vcpu.stats.hypercalls == 1);

	fi.idx = 0;
	fi.submap = 0xdeadbeef;
	hx_ram_write(&vm.ram, ARG, &fi, sizeof(fi));
	ret = call64(17, 6, ARG);
	hx_ram_read(&vm.ram, ARG, &fi, sizeof(fi));
	EXPECT("xen/get-features", ret == 0 && fi.submap == 0x5);
	fi.idx = 1;
	hx_ram_write(&vm.ram, ARG, &fi, sizeof(fi));
	call64(17, 6, ARG);
	hx_ram_read(&vm.ram, ARG, &fi, sizeof(fi));
	EXPECT("xen/get-features-other-word", fi.submap == 0);
	EXPECT("xen/get-features-unmapped", call64(17, 6, UNMAPPED) == -HX_EFAULT);
	EXPECT("xen/get-features-read-only", call64(17, 6, RO_LINEAR) == -HX_EFAULT);

	memset(extra, 0x55, sizeof(extra));
	hx_ram_write(&vm.ram, ARG, extra, sizeof(extra));
	ret = call64(17, 1, ARG);
	hx_ram_read(&vm.ram, ARG, extra, sizeof(extra));
	EXPECT("xen/extraversion", ret == 0 && !strcmp(extra, "-hxen") &&
	       !extra[15]);
	EXPECT("xen/pagesize", call64(17, 7, 0) == 4096);
	EXPECT("xen/version-unknown-op", call64(17, 1000, 0) == -HX_ENOSYS);

	EXPECT("xen/vm-assist-runstate", call64(21, 0, 5) == 0);
	EXPECT("xen/vm-assist-other", call64(21, 0, 1) == -HX_EINVAL);
	EXPECT("xen/vm-assist-bad-cmd", call64(21, 7, 5) == -HX_EINVAL);

	vcpu.stats.unknown_hypercalls = 0;
	EXPECT("xen/unknown", call64(99, 0, 0) == -HX_ENOSYS &&
	       vcpu.stats.unknown_hypercalls == 1);
	EXPECT("xen/huge-number", call64(~0ULL, 0, 0) == -HX_ENOSYS &&
	       vcpu.stats.unknown_hypercalls == 2);

	ctx.cpl = 3;
	EXPECT("xen/cpl3-eperm", call64(17, 0, 0) == -HX_EPERM);
	ctx.cpl = 0;
}

/* 32-bit guests: EAX and EBX, ECX, ...; only EAX of the result. */
static void test_dispatch32(void)
{
	struct { u32 idx, submap; } fi = { 0, 0 };

	setup();
	hx_xen_enable(&vm, 1, 0);
	ctx.cs_bits = 32;
	ctx.paging.cr0 = CR0_PE;		/* no paging: linear = physical */
	ctx.paging.efer = 0;
	hx_ram_write(&vm.ram, ARG, &fi, sizeof(fi));
	vcpu.gprs[HX_RAX] = 0xffffffff00000011ULL;	/* high half ignored */
	vcpu.gprs[HX_RBX] = 6;
	vcpu.gprs[HX_RCX] = ARG;
	hx_xen_hypercall(&ctx, 3);
	hx_ram_read(&vm.ram, ARG, &fi, sizeof(fi));
	EXPECT("xen/32bit-get-features", vcpu.gprs[HX_RAX] == 0 &&
	       fi.submap == 0x5);
	vcpu.gprs[HX_RAX] = 99;
	hx_xen_hypercall(&ctx, 3);
	EXPECT("xen/32bit-enosys-in-eax", vcpu.gprs[HX_RAX] == (u32)-HX_ENOSYS);
	ctx.rip = 0xfffffffe;
	vcpu.gprs[HX_RAX] = 17;
	vcpu.gprs[HX_RBX] = 0;
	hx_xen_hypercall(&ctx, 3);
	EXPECT("xen/32bit-version", vcpu.gprs[HX_RAX] == 0x00040011 &&
	       ctx.rip == 1);
}

/* XENMEM_add_to_physmap of shared_info: mapped, moved, refused. */
static void test_shared_info(void)
{
	struct {
		u16 domid, size;
		u32 space;
		u64 idx, gpfn;
	} x = { 0x7ff0, 0, 0, 0, 0x123 };	/* DOMID_SELF, shared_info */
	long blocks;
	u64 pa;

	setup();
	hx_xen_enable(&vm, 4, 0);
	pa = hxh_page_to_pa(vm.xen.shared_info);
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/shared-info-map", call64(12, 7, ARG) == 0 &&
	       npt.maps == 1 && npt.map_gpa == 0x123000 && npt.map_pa == pa &&
	       npt.unmaps == 0 && vm.xen.shared_info_gfn == 0x123);
	EXPECT("xen/shared-info-same-place", call64(12, 7, ARG) == 0 &&
	       npt.maps == 1 && npt.unmaps == 0);
	x.domid = 4;				/* its own id works too */
	x.gpfn = 0xfeeff;
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/shared-info-move", call64(12, 7, ARG) == 0 &&
	       npt.maps == 2 && npt.map_gpa == 0xfeeff000 &&
	       npt.unmaps == 1 && npt.unmap_gpa == 0x123000);
	x.gpfn = 1ULL << 40;
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/shared-info-beyond-gpa-space",
	       call64(12, 7, ARG) == -HX_EINVAL && vm.xen.shared_info_gfn == 0xfeeff);
	x.gpfn = 0x200;
	npt.fail = 1;
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/shared-info-map-fails-stays",
	       call64(12, 7, ARG) == -HX_ENOMEM && npt.unmaps == 1 &&
	       vm.xen.shared_info_gfn == 0xfeeff);
	npt.fail = 0;
	x.idx = 1;
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/shared-info-idx-1", call64(12, 7, ARG) == -HX_EINVAL);
	x.idx = 0;
	x.space = 3;				/* XENMAPSPACE_gmfn_range */
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/add-to-physmap-other-space", call64(12, 7, ARG) == -HX_EINVAL);
	x.space = 0;
	x.domid = 5;
	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	EXPECT("xen/add-to-physmap-other-domain", call64(12, 7, ARG) == -3);
	EXPECT("xen/add-to-physmap-bad-pointer", call64(12, 7, UNMAPPED) == -HX_EFAULT);
	EXPECT("xen/memory-op-unknown", call64(12, 1000, 0) == -HX_ENOSYS);
	EXPECT("xen/locks-balanced", fake_mem.locks_unbalanced == 0);

	blocks = fake_mem.blocks_live;
	hx_xen_free(&vm);
	EXPECT("xen/free-returns-shared-info",
	       fake_mem.blocks_live == blocks - 1 && !vm.xen.enabled);

	/* Out of memory while enabling: nothing kept. */
	blocks = fake_mem.blocks_live;
	fake_mem.fail_after = 1;
	EXPECT("xen/enable-enomem", hx_xen_enable(&vm, 4, 0) == -HX_ENOMEM &&
	       !vm.xen.enabled && fake_mem.blocks_live == blocks &&
	       !vm.xen.lock && !vm.xen.shared_info);
	fake_mem.fail_after = -1;
}

static long call64_3(u64 nr, u64 a0, u64 a1, u64 a2)
{
	vcpu.gprs[HX_RDX] = a2;
	return call64(nr, a0, a1);
}

/* hvm_op: the host's ring parameters, the guest's callback. */
static void test_hvm_params(void)
{
	struct { u16 domid; u16 pad; u32 index; u64 value; } p;

	setup();
	EXPECT("xen/param-before-enable", hx_xen_set_param(&vm, 1, 5) == -HX_EINVAL);
	hx_xen_enable(&vm, 4, 0);
	EXPECT("xen/param-set-store-pfn", hx_xen_set_param(&vm, 1, 0xfeffc) == 0);
	EXPECT("xen/param-set-unknown", hx_xen_set_param(&vm, 3, 1) == -HX_EINVAL &&
	       hx_xen_set_param(&vm, 1000, 1) == -HX_EINVAL);
	p = (typeof(p)){ .domid = 0x7ff0, .index = 1, .value = 0 };
	hx_ram_write(&vm.ram, ARG, &p, sizeof(p));
	EXPECT("xen/hvm-get-param", call64(34, 1, ARG) == 0);
	hx_ram_read(&vm.ram, ARG, &p, sizeof(p));
	EXPECT("xen/hvm-get-param-value", p.value == 0xfeffc);
	p = (typeof(p)){ .domid = 0x7ff0, .index = 0, .value = (2ULL << 56) | 0xf3 };
	hx_ram_write(&vm.ram, ARG, &p, sizeof(p));
	EXPECT("xen/hvm-set-callback", call64(34, 0, ARG) == 0 &&
	       vm.xen.params[0] == ((2ULL << 56) | 0xf3));
	p.index = 1;
	hx_ram_write(&vm.ram, ARG, &p, sizeof(p));
	EXPECT("xen/hvm-set-store-pfn-refused", call64(34, 0, ARG) == -HX_EPERM &&
	       vm.xen.params[1] == 0xfeffc);
	p.index = 30;
	hx_ram_write(&vm.ram, ARG, &p, sizeof(p));
	EXPECT("xen/hvm-get-unknown", call64(34, 1, ARG) == -HX_EINVAL);
	p.index = 1;
	p.domid = 9;
	hx_ram_write(&vm.ram, ARG, &p, sizeof(p));
	EXPECT("xen/hvm-other-domain", call64(34, 1, ARG) == -HX_ESRCH);
	EXPECT("xen/hvm-bad-pointer", call64(34, 1, UNMAPPED) == -HX_EFAULT);
	EXPECT("xen/hvm-other-op", call64(34, 9, ARG) == -HX_ENOSYS);
}

/* vcpu_op: vcpu_info placement (once, inside a RAM page), runstate. */
static void test_vcpu_op(void)
{
	struct { u64 mfn; u32 offset, rsvd; } r = { 0x50, 0x40, 0 };
	u64 area = 0x51000;

	setup();
	hx_xen_enable(&vm, 4, 0);
	hx_ram_write(&vm.ram, ARG, &r, sizeof(r));
	EXPECT("xen/vcpu-info", call64_3(24, 10, 1, ARG) == 0 &&
	       vm.xen.vcpu_info_gpa[1] == 0x50040);
	EXPECT("xen/vcpu-info-twice", call64_3(24, 10, 1, ARG) == -HX_EINVAL);
	r.offset = 4096 - 32;
	hx_ram_write(&vm.ram, ARG, &r, sizeof(r));
	EXPECT("xen/vcpu-info-crosses-page", call64_3(24, 10, 2, ARG) == -HX_EINVAL);
	r.offset = 0;
	r.mfn = 0x40000;			/* 1 GiB: a hole */
	hx_ram_write(&vm.ram, ARG, &r, sizeof(r));
	EXPECT("xen/vcpu-info-in-hole", call64_3(24, 10, 2, ARG) == -HX_EINVAL);
	r.mfn = ~0ULL >> 4;
	hx_ram_write(&vm.ram, ARG, &r, sizeof(r));
	EXPECT("xen/vcpu-info-huge-frame", call64_3(24, 10, 2, ARG) == -HX_EINVAL &&
	       !vm.xen.vcpu_info_gpa[2]);
	EXPECT("xen/vcpu-op-bad-vcpu", call64_3(24, 10, 64, ARG) == -HX_ENOENT &&
	       call64_3(24, 10, ~0ULL, ARG) == -HX_ENOENT);
	hx_ram_write(&vm.ram, ARG, &area, sizeof(area));
	EXPECT("xen/runstate-area", call64_3(24, 5, 3, ARG) == 0 &&
	       vm.xen.runstate_gva[3] == 0x51000);
	EXPECT("xen/vcpu-op-unknown", call64_3(24, 99, 0, ARG) == -HX_ENOSYS);
	EXPECT("xen/vcpu-op-locks-balanced", fake_mem.locks_unbalanced == 0);
}

/* sched_op: yield resumes; shutdown ends the run with its reason. */
static void test_sched_op(void)
{
	u32 reason = 1;				/* SHUTDOWN_reboot */

	setup();
	hx_xen_enable(&vm, 4, 0);
	vcpu.gprs[HX_RAX] = 29;
	vcpu.gprs[HX_RDI] = 0;
	EXPECT("xen/yield", hx_xen_hypercall(&ctx, 3) == HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RAX] == 0);
	hx_ram_write(&vm.ram, ARG, &reason, sizeof(reason));
	vcpu.gprs[HX_RAX] = 29;
	vcpu.gprs[HX_RDI] = 2;
	vcpu.gprs[HX_RSI] = ARG;
	EXPECT("xen/shutdown-exits", hx_xen_hypercall(&ctx, 3) == HX_EMUL_EXIT &&
	       vcpu.exit.reason == HX_EXIT_XEN_SHUTDOWN &&
	       vcpu.exit.xen_shutdown.reason == 1 && vcpu.gprs[HX_RAX] == 0);
	vcpu.gprs[HX_RAX] = 29;
	vcpu.gprs[HX_RSI] = UNMAPPED;
	EXPECT("xen/shutdown-bad-pointer",
	       hx_xen_hypercall(&ctx, 3) == HX_EMUL_RESUME &&
	       vcpu.gprs[HX_RAX] == (u64)-HX_EFAULT);
	EXPECT("xen/sched-unknown", call64(29, 77, 0) == -HX_ENOSYS);
}

/* The pvclock scale: ns from TSC ticks, to within rounding. */
static void test_pvclock_scale(void)
{
	static const u64 rates[] = { 1000000ULL, 999999999ULL, 1000000000ULL,
				     1000000001ULL, 2500000000ULL,
				     3999999000ULL, 8000000000ULL };
	bool ok = true;
	u32 mul, i;
	s8 shift;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		u64 ticks = rates[i], d, ns;	/* one second of ticks */

		hx_pvclock_scale(rates[i], &mul, &shift);
		d = shift < 0 ? ticks >> -shift : ticks << shift;
		ns = (u64)(((unsigned __int128)d * mul) >> 32);
		if (mul < (1U << 31) || ns < 999999000ULL || ns > 1000000000ULL)
			ok = false;
	}
	EXPECT("xen/pvclock-scale-one-second", ok);
}

struct time_info {
	u32 version, pad;
	u64 tsc_timestamp, system_time;
	u32 mul;
	s8 shift;
	u8 flags;
};

/* vcpu_info time: in shared_info's slot, then in the registered place. */
static void test_pvclock(void)
{
	struct { u64 mfn; u32 offset, rsvd; } r = { 0x50, 0x40, 0 };
	struct time_info t;
	u32 wc[4];
	u8 *si;

	setup();
	fake_time.now_ns = 5000000000ULL;
	hx_xen_enable(&vm, 4, 0);
	si = hxh_page_to_va(vm.xen.shared_info);
	memcpy(wc, si + 3072, sizeof(wc));
	EXPECT("xen/wallclock", wc[0] == 2 && wc[1] == 1700000000U &&
	       wc[2] == 123456789 && wc[3] == 0);

	fake_time.now_ns += 2500;
	hx_xen_update_time(&vcpu);
	memcpy(&t, si + 3 * 64 + 32, sizeof(t));
	EXPECT("xen/pvclock-in-shared-info", t.version == 2 &&
	       t.tsc_timestamp == 0x123456789ULL && t.system_time == 2500 &&
	       t.mul >= (1U << 31) && t.flags == 1);
	fake_time.now_ns += 1000;
	hx_xen_refresh_time(&vcpu);
	memcpy(&t, si + 3 * 64 + 32, sizeof(t));
	EXPECT("xen/pvclock-refresh-waits", t.version == 2 &&
	       t.system_time == 2500);
	fake_time.now_ns += 1000000000ULL;
	hx_xen_refresh_time(&vcpu);
	memcpy(&t, si + 3 * 64 + 32, sizeof(t));
	EXPECT("xen/pvclock-refresh-after-a-second", t.version == 4 &&
	       t.system_time == 1000003500ULL);

	hx_ram_write(&vm.ram, ARG, &r, sizeof(r));
	EXPECT("xen/vcpu-info-own", call64_3(24, 10, 3, ARG) == 0);
	hx_ram_read(&vm.ram, 0x50040 + 32, &t, sizeof(t));
	EXPECT("xen/pvclock-in-registered-vcpu-info", t.version == 2 &&
	       t.system_time == 1000003500ULL && t.mul >= (1U << 31));
	fake_time.stable = false;
	fake_time.now_ns += 1000000000ULL;
	hx_xen_update_time(&vcpu);
	hx_ram_read(&vm.ram, 0x50040 + 32, &t, sizeof(t));
	EXPECT("xen/pvclock-unstable-tsc", t.version == 4 && t.flags == 0);
	fake_time.stable = true;
}

static u32 evtchn_bind(u64 cmd, u32 a, u32 b, long *ret)
{
	u32 arg[3] = { a, b, 0 };

	hx_ram_write(&vm.ram, ARG, arg, sizeof(arg));
	*ret = call64(32, cmd, ARG);
	hx_ram_read(&vm.ram, ARG, arg, sizeof(arg));
	return cmd == 6 ? arg[1] : cmd == 1 ? arg[2] : arg[1];
}

static long evtchn_port(u64 cmd, u32 port, u32 vcpu_id)
{
	u32 arg[2] = { port, vcpu_id };

	hx_ram_write(&vm.ram, ARG, arg, sizeof(arg));
	return call64(32, cmd, ARG);
}

/* Event channels: binding, raising, masking, the upcall. */
static void test_evtchn(void)
{
	u64 *pending, *mask, *sel;
	u8 *si, *vi, vector = 0;
	u32 ipi, virq, ub;
	long ret, kicks;

	setup();
	hx_xen_enable(&vm, 4, 0);
	hx_xen_vcpu_attach(&vcpu);		/* vCPU 3 */
	si = hxh_page_to_va(vm.xen.shared_info);
	pending = (u64 *)(si + 2048);
	mask = (u64 *)(si + 2560);
	vi = si + 3 * 64;
	sel = (u64 *)(vi + 8);

	ipi = evtchn_bind(7, 3, 0, &ret);	/* bind_ipi, vCPU 3 */
	EXPECT("xen/evtchn-bind-ipi", ret == 0 && ipi == 1);
	virq = evtchn_bind(1, 0, 3, &ret);	/* bind_virq TIMER, vCPU 3 */
	EXPECT("xen/evtchn-bind-virq", ret == 0 && virq == 2 &&
	       vm.xen.virq_port[3][0] == 2);
	evtchn_bind(1, 0, 3, &ret);
	EXPECT("xen/evtchn-virq-twice", ret == -HX_EEXIST);
	evtchn_bind(1, 24, 3, &ret);
	EXPECT("xen/evtchn-virq-unknown", ret == -HX_EINVAL);
	evtchn_bind(7, 64, 0, &ret);
	EXPECT("xen/evtchn-ipi-bad-vcpu", ret == -HX_ENOENT);

	EXPECT("xen/upcall-needs-callback", !hx_xen_upcall(&vcpu, &vector));
	kicks = fake_run.kicks;
	EXPECT("xen/evtchn-send-ipi", evtchn_port(4, ipi, 0) == 0 &&
	       (*pending & 2) && (*sel & 1) && vi[0] == 1 &&
	       fake_run.kicks == kicks + 1);
	hx_xen_set_param(&vm, 0, (1ULL << 56) | 0xf3);
	EXPECT("xen/upcall-gsi-callback-ignored", !hx_xen_upcall(&vcpu, &vector));
	hx_xen_set_param(&vm, 0, (2ULL << 56) | 0xf3);
	EXPECT("xen/upcall-vector", hx_xen_upcall(&vcpu, &vector) &&
	       vector == 0xf3);
	EXPECT("xen/evtchn-send-again-no-kick", evtchn_port(4, ipi, 0) == 0 &&
	       fake_run.kicks == kicks + 1);
	vi[0] = 0;				/* the guest took the upcall */
	*sel = 0;
	*pending = 0;
	EXPECT("xen/upcall-done", !hx_xen_upcall(&vcpu, &vector));

	*mask |= 1ULL << virq;
	EXPECT("xen/evtchn-raise-masked", hx_xen_evtchn_raise(&vm, virq) == 0 &&
	       (*pending & (1ULL << virq)) && !*sel && !vi[0]);
	EXPECT("xen/evtchn-unmask-delivers", evtchn_port(9, virq, 0) == 0 &&
	       !(*mask & (1ULL << virq)) && (*sel & 1) && vi[0] == 1);
	EXPECT("xen/evtchn-send-virq-einval", evtchn_port(4, virq, 0) == -HX_EINVAL);
	EXPECT("xen/evtchn-raise-free-port", hx_xen_evtchn_raise(&vm, 77) ==
	       -HX_EINVAL && hx_xen_evtchn_raise(&vm, 0) == -HX_EINVAL &&
	       hx_xen_evtchn_raise(&vm, 4096) == -HX_EINVAL);

	EXPECT("xen/evtchn-close", evtchn_port(3, ipi, 0) == 0 &&
	       evtchn_port(4, ipi, 0) == -HX_EINVAL);
	EXPECT("xen/evtchn-close-virq-frees-binding", evtchn_port(3, virq, 0) == 0 &&
	       vm.xen.virq_port[3][0] == 0);
	ub = evtchn_bind(6, 0x7ff0, 0, &ret);	/* alloc_unbound for dom0 */
	EXPECT("xen/evtchn-alloc-unbound", ret == 0 && ub == 1);
	evtchn_bind(6, 9, 0, &ret);
	EXPECT("xen/evtchn-alloc-unbound-other-dom", ret == -HX_EPERM);
	EXPECT("xen/evtchn-send-unbound", evtchn_port(4, ub, 0) == 0 &&
	       vm.xen.host_sends == 1);
	EXPECT("xen/evtchn-bind-vcpu", evtchn_port(8, ub, 5) == 0 &&
	       vm.xen.evtchn[ub].vcpu == 5);
	EXPECT("xen/evtchn-bind-vcpu-bad", evtchn_port(8, ub, 64) == -HX_ENOENT);
	ipi = evtchn_bind(7, 3, 0, &ret);
	EXPECT("xen/evtchn-bind-vcpu-ipi", evtchn_port(8, ipi, 2) == -HX_EINVAL);
	EXPECT("xen/evtchn-port-0", evtchn_port(4, 0, 0) == -HX_EINVAL &&
	       evtchn_port(9, 4096, 0) == -HX_EINVAL);
	EXPECT("xen/evtchn-fifo-refused", call64(32, 11, ARG) == -HX_ENOSYS);
	EXPECT("xen/evtchn-bad-pointer", call64(32, 4, UNMAPPED) == -HX_EFAULT);
	EXPECT("xen/evtchn-locks-balanced", fake_mem.locks_unbalanced == 0);
	hx_xen_vcpu_detach(&vcpu);
	*pending = 0;
	*sel = 0;
	vi[0] = 0;
	kicks = fake_run.kicks;
	EXPECT("xen/evtchn-detached-no-kick", hx_xen_evtchn_raise(&vm, ipi) == 0 &&
	       vi[0] == 1 && fake_run.kicks == kicks);
}

/* Copies that cross pages, and stop at the first bad byte. */
static void test_guest_copy(void)
{
	u8 buf[64], back[64];
	u32 i;

	setup();
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)i;
	EXPECT("xen/copy-to-across-pages",
	       hx_copy_to_guest(&ctx, 0x1fe0, buf, sizeof(buf)) == 0);
	EXPECT("xen/copy-from-across-pages",
	       hx_copy_from_guest(&ctx, back, 0x1fe0, sizeof(back)) == 0 &&
	       !memcmp(buf, back, sizeof(buf)));
	EXPECT("xen/copy-into-unmapped",
	       hx_copy_to_guest(&ctx, UNMAPPED - 8, buf, 16) == -HX_EFAULT);
	EXPECT("xen/copy-read-only-readable",
	       hx_copy_from_guest(&ctx, back, RO_LINEAR, 16) == 0);
	EXPECT("xen/copy-read-only-not-writable",
	       hx_copy_to_guest(&ctx, RO_LINEAR, buf, 16) == -HX_EFAULT);
	EXPECT("xen/copy-zero-length", hx_copy_to_guest(&ctx, UNMAPPED, buf, 0) == 0);
}

int main(void)
{
	fake_reset(1);
	test_enable_and_cpuid();
	test_hcall_page();
	test_dispatch();
	test_dispatch32();
	test_shared_info();
	test_hvm_params();
	test_vcpu_op();
	test_sched_op();
	test_pvclock_scale();
	test_pvclock();
	test_evtchn();
	test_guest_copy();
	hx_ram_free(&vm.ram);
	hx_xen_free(&vm);
	EXPECT("xen/no-page-leaked", fake_mem.blocks_live == 0 &&
	       fake_mem.zallocs_live == 0);
	return test_failures ? 1 : 0;
}
