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

/*
 * vcpu.c is not linked: a vCPU that waits returns at once, counted.
 * @during, if set, runs "while it sleeps" (another thread's doing),
 * before @ready is asked.
 */
static struct {
	long calls;
	u64 deadline;
	bool ready;		/* what @ready said, if given */
	struct hx_vcpu *vcpu;	/* who waited */
	void (*during)(void);
} waits;

void hx_vcpu_wait(struct hx_vcpu *v, bool (*ready)(void *arg), void *arg,
		  u64 deadline_ns)
{
	waits.calls++;
	waits.deadline = deadline_ns;
	waits.vcpu = v;
	if (waits.during)
		waits.during();
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
	EXPECT("xen/get-features", ret == 0 && fi.submap == 0x305);
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
	       fi.submap == 0x305);
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

#define MS		1000000ULL
#define PORT_LIST	(ARG + 0x100)
#define DOMID_SELF	0x7ff0

/* shared_info's event words, and vCPU @id's vcpu_info slot in it. */
static u64 *si_word(u32 off)
{
	return (u64 *)((u8 *)hxh_page_to_va(vm.xen.shared_info) + off);
}

static u8 *si_vcpu_info(u32 id)
{
	return (u8 *)hxh_page_to_va(vm.xen.shared_info) + id * 64;
}

static bool port_pending(u32 port)
{
	return si_word(2048)[port / 64] >> (port % 64) & 1;
}

/* Forget every event: pending bits, masks, vCPU 3's selector and flag. */
static void events_clear(void)
{
	memset(si_word(2048), 0, 1024);
	memset(si_vcpu_info(3), 0, 16);
}

/* VCPUOP_set_singleshot_timer and _set_periodic_timer for vCPU @id. */
static long singleshot(u64 id, u64 timeout, u32 flags)
{
	struct { u64 timeout; u32 flags, pad; } s = { timeout, flags, 0 };

	hx_ram_write(&vm.ram, ARG, &s, sizeof(s));
	return call64_3(24, 8, id, ARG);
}

static long periodic(u64 id, u64 period)
{
	hx_ram_write(&vm.ram, ARG, &period, sizeof(period));
	return call64_3(24, 6, id, ARG);
}

/* The single-shot timer and set_timer_op: host deadlines, refusals. */
static void test_timer_singleshot(void)
{
	u64 boot, t = 5000 * MS + 1234;	/* above 2^32 ns */
	long arms;

	setup();
	fake_run_reset();
	fake_time.now_ns = 7000 * MS;
	hx_xen_enable(&vm, 4, 0);
	boot = vm.xen.boot_ns;
	fake_time.now_ns = boot + MS;		/* guest time 1 ms */

	EXPECT("xen/timer-boot-is-enable-time", boot == 7000 * MS);
	EXPECT("xen/timer-singleshot", singleshot(3, 5 * MS, 0) == 0 &&
	       vcpu.xen_oneshot == boot + 5 * MS && fake_run.timer_arms == 1 &&
	       fake_run.timer_deadline == boot + 5 * MS);
	EXPECT("xen/timer-singleshot-future-past",
	       singleshot(3, MS / 2, 1) == -HX_ETIME &&
	       vcpu.xen_oneshot == boot + 5 * MS && fake_run.timer_arms == 1);
	EXPECT("xen/timer-singleshot-future", singleshot(3, 2 * MS, 1) == 0 &&
	       vcpu.xen_oneshot == boot + 2 * MS && fake_run.timer_arms == 2 &&
	       fake_run.timer_deadline == boot + 2 * MS);
	EXPECT("xen/timer-singleshot-bad-flags",
	       singleshot(3, 3 * MS, 2) == -HX_EINVAL &&
	       singleshot(3, 3 * MS, 0x80000001) == -HX_EINVAL &&
	       vcpu.xen_oneshot == boot + 2 * MS && fake_run.timer_arms == 2);
	w64(UNMAPPED - 8, 3 * MS);	/* the struct runs into a hole */
	EXPECT("xen/timer-singleshot-bad-pointer",
	       call64_3(24, 8, 3, UNMAPPED) == -HX_EFAULT &&
	       call64_3(24, 8, 3, UNMAPPED - 8) == -HX_EFAULT &&
	       vcpu.xen_oneshot == boot + 2 * MS && fake_run.timer_arms == 2);
	EXPECT("xen/timer-singleshot-past-fires-at-once",
	       singleshot(3, MS / 2, 0) == 0 &&
	       vcpu.xen_oneshot == boot + MS / 2 &&
	       fake_run.timer_deadline == boot + MS / 2);
	/* boot + timeout wraps: not a deadline in the past. */
	EXPECT("xen/timer-singleshot-wrapped",
	       singleshot(3, ~0ULL - 5, 1) == 0 &&
	       vcpu.xen_oneshot > boot + (1ULL << 62) &&
	       fake_run.timer_deadline == vcpu.xen_oneshot);
	EXPECT("xen/timer-singleshot-far-no-wrap",
	       singleshot(3, 1ULL << 63, 1) == 0 &&
	       vcpu.xen_oneshot == boot + (1ULL << 63));

	/* Another vCPU's timers: set refused, stop a no-op; ours stay. */
	singleshot(3, 9 * MS, 0);
	arms = fake_run.timer_arms;
	EXPECT("xen/timer-other-vcpu-set",
	       singleshot(2, 4 * MS, 0) == -HX_EINVAL &&
	       periodic(2, 10 * MS) == -HX_EINVAL &&
	       vcpu.xen_oneshot == boot + 9 * MS && !vcpu.xen_period &&
	       fake_run.timer_arms == arms);
	EXPECT("xen/timer-other-vcpu-stop", call64_3(24, 9, 2, 0) == 0 &&
	       call64_3(24, 7, 63, 0) == 0 &&
	       vcpu.xen_oneshot == boot + 9 * MS &&
	       fake_run.timer_arms == arms);
	/* The id is checked whole: 2^32 + 3 is not vCPU 3. */
	EXPECT("xen/timer-bad-vcpu",
	       call64_3(24, 9, 64, 0) == -HX_ENOENT &&
	       call64_3(24, 9, (1ULL << 32) | 3, 0) == -HX_ENOENT &&
	       vcpu.xen_oneshot == boot + 9 * MS);
	EXPECT("xen/timer-singleshot-stop", call64_3(24, 9, 3, 0) == 0 &&
	       !vcpu.xen_oneshot && fake_run.timer_arms == arms + 1 &&
	       fake_run.timer_deadline == 0);

	EXPECT("xen/set-timer-op", call64(15, 4 * MS, 0) == 0 &&
	       vcpu.xen_oneshot == boot + 4 * MS &&
	       fake_run.timer_deadline == boot + 4 * MS);
	EXPECT("xen/set-timer-op-past", call64(15, 1, 0) == 0 &&
	       vcpu.xen_oneshot == boot + 1);
	EXPECT("xen/set-timer-op-wrapped", call64(15, ~0ULL, 0) == 0 &&
	       vcpu.xen_oneshot > fake_time.now_ns);
	EXPECT("xen/set-timer-op-zero-stops", call64(15, 0, 0) == 0 &&
	       !vcpu.xen_oneshot && fake_run.timer_deadline == 0);
	EXPECT("xen/timer-locks-balanced", fake_mem.locks_unbalanced == 0);

	/*
	 * A 32-bit guest passes set_timer_op's 64-bit timeout in EBX (low
	 * half) and ECX (high half), as Xen's compat_set_timer_op(lo, hi).
	 */
	ctx.cs_bits = 32;
	ctx.paging.cr0 = CR0_PE;
	ctx.paging.efer = 0;
	vcpu.gprs[HX_RAX] = 15;
	vcpu.gprs[HX_RBX] = (u32)t;
	vcpu.gprs[HX_RCX] = t >> 32;
	hx_xen_hypercall(&ctx, 3);
	EXPECT("xen/set-timer-op-32bit-two-halves", vcpu.gprs[HX_RAX] == 0 &&
	       vcpu.xen_oneshot == boot + t);
}

/* The host timer fired: VIRQ_TIMER on the vCPU's own port, re-armed. */
static void test_timer_service(void)
{
	u64 boot, t0;
	long arms;
	u32 port, other;
	u8 *vi, vector = 0;
	long ret;

	setup();
	fake_run_reset();
	fake_time.now_ns = 3000 * MS;
	hx_xen_enable(&vm, 4, 0);
	hx_xen_vcpu_attach(&vcpu);
	boot = vm.xen.boot_ns;
	vi = si_vcpu_info(3);
	hx_xen_set_param(&vm, 0, (2ULL << 56) | 0xf3);
	other = evtchn_bind(1, 0, 2, &ret);	/* vCPU 2's VIRQ_TIMER */
	port = evtchn_bind(1, 0, 3, &ret);	/* and vCPU 3's */
	EXPECT("xen/timer-virq-bound", ret == 0 && port && other &&
	       port != other);

	/* Past its deadline, but the host timer has not said so. */
	singleshot(3, MS, 0);
	fake_time.now_ns = boot + 2 * MS;
	arms = fake_run.timer_arms;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-not-due", !port_pending(port) && !vi[0] &&
	       vcpu.xen_oneshot == boot + MS && fake_run.timer_arms == arms);

	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-fires", port_pending(port) &&
	       !port_pending(other) && vi[0] == 1 && !vcpu.timer_due &&
	       !vcpu.xen_oneshot && fake_run.timer_arms == arms + 1 &&
	       fake_run.timer_deadline == 0);
	EXPECT("xen/timer-upcall", hx_xen_upcall(&vcpu, &vector) &&
	       vector == 0xf3);
	events_clear();

	/* Woken before the deadline: nothing raised, the same one armed. */
	singleshot(3, 10 * MS, 0);
	vcpu.timer_due = 1;
	arms = fake_run.timer_arms;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-early", !port_pending(port) && !vi[0] &&
	       vcpu.xen_oneshot == boot + 10 * MS && !vcpu.timer_due &&
	       fake_run.timer_arms == arms + 1 &&
	       fake_run.timer_deadline == boot + 10 * MS);
	fake_time.now_ns = boot + 10 * MS;
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-at-deadline", port_pending(port) &&
	       vi[0] == 1 && !vcpu.xen_oneshot);
	events_clear();

	/* Masked: pending only; the vCPU gets no upcall. */
	si_word(2560)[0] = 1ULL << port;
	singleshot(3, 10 * MS, 0);
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-masked", port_pending(port) && !vi[0] &&
	       !vcpu.xen_oneshot);
	events_clear();

	/* The periodic timer. */
	EXPECT("xen/timer-periodic-below-1ms",
	       periodic(3, MS - 1) == -HX_EINVAL &&
	       periodic(3, 0) == -HX_EINVAL && !vcpu.xen_period);
	EXPECT("xen/timer-periodic-huge",
	       periodic(3, 1ULL << 62) == -HX_EINVAL &&
	       periodic(3, ~0ULL) == -HX_EINVAL && !vcpu.xen_period);
	EXPECT("xen/timer-periodic-bad-pointer",
	       call64_3(24, 6, 3, UNMAPPED) == -HX_EFAULT && !vcpu.xen_period);
	t0 = fake_time.now_ns;			/* guest time 10 ms */
	EXPECT("xen/timer-periodic", periodic(3, 4 * MS) == 0 &&
	       vcpu.xen_period == 4 * MS &&
	       vcpu.xen_period_next == t0 + 4 * MS &&
	       fake_run.timer_deadline == t0 + 4 * MS);
	EXPECT("xen/timer-periodic-1ms", periodic(3, MS) == 0 &&
	       vcpu.xen_period == MS && fake_run.timer_deadline == t0 + MS);
	periodic(3, 4 * MS);
	/* The host timer is armed for the earlier of the two. */
	EXPECT("xen/timer-arm-periodic-first", singleshot(3, 20 * MS, 0) == 0 &&
	       fake_run.timer_deadline == t0 + 4 * MS);
	EXPECT("xen/timer-arm-singleshot-first",
	       singleshot(3, 11 * MS, 0) == 0 &&
	       fake_run.timer_deadline == t0 + MS);

	fake_time.now_ns = t0 + MS;
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-singleshot-then-periodic",
	       port_pending(port) && !vcpu.xen_oneshot &&
	       vcpu.xen_period_next == t0 + 4 * MS &&
	       fake_run.timer_deadline == t0 + 4 * MS);
	events_clear();
	fake_time.now_ns = t0 + 4 * MS;
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-periodic-tick", port_pending(port) &&
	       vi[0] == 1 && vcpu.xen_period_next == t0 + 8 * MS &&
	       fake_run.timer_deadline == t0 + 8 * MS);
	events_clear();
	/* Three ticks missed: one event, the next a period from now. */
	fake_time.now_ns = t0 + 22 * MS;
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-periodic-missed-ticks", port_pending(port) &&
	       vcpu.xen_period_next == t0 + 26 * MS &&
	       fake_run.timer_deadline == t0 + 26 * MS);
	events_clear();
	singleshot(3, 30 * MS, 0);		/* t0 + 20 ms */
	EXPECT("xen/timer-periodic-stop", call64_3(24, 7, 3, 0) == 0 &&
	       !vcpu.xen_period && fake_run.timer_deadline == t0 + 20 * MS);
	EXPECT("xen/timer-singleshot-stop-both-off",
	       call64_3(24, 9, 3, 0) == 0 && fake_run.timer_deadline == 0);
	fake_time.now_ns = t0 + 1000 * MS;
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-stopped-quiet", !port_pending(port) &&
	       !vi[0] && fake_run.timer_deadline == 0);

	/* No VIRQ_TIMER bound: the deadline goes, nothing is raised. */
	evtchn_port(3, port, 0);
	singleshot(3, 1, 0);
	vcpu.timer_due = 1;
	hx_xen_timer_service(&vcpu);
	EXPECT("xen/timer-service-unbound-virq", !si_word(2048)[0] &&
	       !vi[0] && !vcpu.xen_oneshot);
	EXPECT("xen/timer-service-locks-balanced",
	       fake_mem.locks_unbalanced == 0);
	hx_xen_vcpu_detach(&vcpu);
}

/* SCHEDOP_poll's argument: ports at @list, a timeout in guest time. */
static long sched_poll(u64 list, u32 nr, u64 timeout)
{
	struct { u64 ports; u32 nr, pad; u64 timeout; } sp = {
		list, nr, 0, timeout
	};

	hx_ram_write(&vm.ram, ARG, &sp, sizeof(sp));
	return call64(29, 3, ARG);
}

static void poll_ports(u64 gpa, const u32 *ports, u32 n)
{
	hx_ram_write(&vm.ram, gpa, ports, n * sizeof(*ports));
}

/* What the device model does while the vCPU sleeps. */
static u32 raise_port;

static void raise_while_waiting(void)
{
	hx_xen_evtchn_raise(&vm, raise_port);
}

/* sched_op block and poll: when they sleep, and for how long. */
static void test_sched_block_poll(void)
{
	static u32 many[128];
	u32 list[3], a, b, c, i;
	long ret, calls, kicks, zallocs;
	int host3 = 0;
	u64 boot;
	u8 *vi;

	setup();
	fake_run_reset();
	memset(&waits, 0, sizeof(waits));
	fake_time.now_ns = 2000 * MS;
	hx_xen_enable(&vm, 4, 0);
	vcpu.host = &host3;
	hx_xen_vcpu_attach(&vcpu);
	boot = vm.xen.boot_ns;
	vi = si_vcpu_info(3);
	zallocs = fake_mem.zallocs_live;

	EXPECT("xen/sched-block", call64(29, 1, 0) == 0 && waits.calls == 1 &&
	       waits.vcpu == &vcpu && waits.deadline == 0 && !waits.ready &&
	       ctx.rip == 0x1003);

	a = evtchn_bind(7, 3, 0, &ret);		/* IPIs of vCPU 3 */
	b = evtchn_bind(7, 3, 0, &ret);
	c = evtchn_bind(7, 3, 0, &ret);
	list[0] = a;
	list[1] = b;
	poll_ports(PORT_LIST, list, 2);
	EXPECT("xen/poll-waits", sched_poll(PORT_LIST, 2, 0) == 0 &&
	       waits.calls == 2 && waits.vcpu == &vcpu &&
	       waits.deadline == 0 && !waits.ready);
	EXPECT("xen/poll-timeout", sched_poll(PORT_LIST, 2, 50 * MS) == 0 &&
	       waits.calls == 3 && waits.deadline == boot + 50 * MS &&
	       !waits.ready);
	hx_xen_evtchn_raise(&vm, c);
	EXPECT("xen/poll-other-port-pending-waits",
	       sched_poll(PORT_LIST, 2, 0) == 0 && waits.calls == 4 &&
	       !waits.ready);
	hx_xen_evtchn_raise(&vm, b);
	EXPECT("xen/poll-pending-at-once", sched_poll(PORT_LIST, 2, 0) == 0 &&
	       waits.calls == 4);
	si_word(2560)[0] = ~0ULL;
	EXPECT("xen/poll-pending-masked-at-once",
	       sched_poll(PORT_LIST, 2, 50 * MS) == 0 && waits.calls == 4);
	events_clear();

	/* Raised while it sleeps: woken, with the upcall. */
	raise_port = b;
	waits.during = raise_while_waiting;
	kicks = fake_run.kicks;
	ret = sched_poll(PORT_LIST, 2, 0);
	EXPECT("xen/poll-raise-wakes", ret == 0 && waits.calls == 5 &&
	       waits.ready && fake_run.kicks == kicks + 1 &&
	       fake_run.kick_host == &host3 && vi[0] == 1);
	events_clear();
	/* ... masked: woken all the same, but no upcall. */
	si_word(2560)[0] = 1ULL << a;
	raise_port = a;
	kicks = fake_run.kicks;
	ret = sched_poll(PORT_LIST, 2, 0);
	waits.during = NULL;
	EXPECT("xen/poll-masked-raise-wakes", ret == 0 && waits.calls == 6 &&
	       waits.ready && fake_run.kicks == kicks + 1 &&
	       fake_run.kick_host == &host3 &&
	       fake_run.kick_cpu == HX_NOT_RUNNING && port_pending(a) &&
	       !vi[0] && !*(u64 *)(vi + 8));
	events_clear();

	/* Hostile arguments. */
	calls = waits.calls;
	EXPECT("xen/poll-too-many-ports",
	       sched_poll(PORT_LIST, 129, 0) == -HX_EINVAL &&
	       sched_poll(PORT_LIST, ~0U, 0) == -HX_EINVAL &&
	       waits.calls == calls);
	EXPECT("xen/poll-bad-pointer", call64(29, 3, UNMAPPED) == -HX_EFAULT &&
	       call64(29, 3, UNMAPPED - 16) == -HX_EFAULT &&
	       waits.calls == calls);
	EXPECT("xen/poll-bad-list", sched_poll(UNMAPPED, 1, 0) == -HX_EFAULT &&
	       sched_poll(UNMAPPED - 8, 3, 0) == -HX_EFAULT &&
	       sched_poll(~0ULL - 3, 2, 0) == -HX_EFAULT &&
	       waits.calls == calls);
	EXPECT("xen/poll-no-ports", sched_poll(UNMAPPED, 0, 0) == 0 &&
	       waits.calls == calls + 1 && !waits.ready);
	/* 128 ports ending at the hole, the last one pending. */
	for (i = 0; i < 128; i++)
		many[i] = a;
	many[127] = b;
	poll_ports(UNMAPPED - sizeof(many), many, 128);
	hx_xen_evtchn_raise(&vm, b);
	calls = waits.calls;
	EXPECT("xen/poll-128-ports",
	       sched_poll(UNMAPPED - sizeof(many), 128, 0) == 0 &&
	       waits.calls == calls);
	EXPECT("xen/poll-128-ports-into-hole",
	       sched_poll(UNMAPPED - sizeof(many) + 4, 128, 0) == -HX_EFAULT &&
	       waits.calls == calls);
	events_clear();
	/* Port 0 and ports past the end are never pending. */
	list[0] = 0;
	list[1] = 4096;
	list[2] = ~0U;
	poll_ports(PORT_LIST, list, 3);
	si_word(2048)[0] = 1;			/* port 0's bit */
	EXPECT("xen/poll-bad-ports-never-pending",
	       sched_poll(PORT_LIST, 3, 0) == 0 && waits.calls == calls + 1 &&
	       !waits.ready);
	events_clear();
	list[0] = a;
	list[1] = b;
	poll_ports(PORT_LIST, list, 2);

	/* Timeouts already past, and ones that wrap, return at once. */
	fake_time.now_ns = boot + 100 * MS;
	calls = waits.calls;
	EXPECT("xen/poll-timeout-past",
	       sched_poll(PORT_LIST, 2, 100 * MS) == 0 &&
	       sched_poll(PORT_LIST, 2, 1) == 0 && waits.calls == calls);
	EXPECT("xen/poll-timeout-wrapped",
	       sched_poll(PORT_LIST, 2, ~0ULL) == 0 &&
	       sched_poll(PORT_LIST, 2, 0 - boot) == 0 &&
	       sched_poll(PORT_LIST, 2, 1 - boot) == 0 && waits.calls == calls);
	EXPECT("xen/poll-timeout-future",
	       sched_poll(PORT_LIST, 2, 100 * MS + 1) == 0 &&
	       waits.calls == calls + 1 &&
	       waits.deadline == boot + 100 * MS + 1);

	fake_mem.fail_after = 0;
	calls = waits.calls;
	EXPECT("xen/poll-enomem", sched_poll(PORT_LIST, 2, 0) == -HX_ENOMEM &&
	       waits.calls == calls);
	fake_mem.fail_after = -1;
	EXPECT("xen/poll-frees-its-set", fake_mem.zallocs_live == zallocs);
	EXPECT("xen/poll-locks-balanced", fake_mem.locks_unbalanced == 0);

	/*
	 * vCPU 3 polls a masked port that notifies vCPU 0 (not running):
	 * raising it must wake the poller, as Xen's evtchn_check_pollers().
	 */
	c = evtchn_bind(7, 0, 0, &ret);		/* an IPI of vCPU 0 */
	si_word(2560)[c / 64] |= 1ULL << (c % 64);
	poll_ports(PORT_LIST, &c, 1);
	raise_port = c;
	waits.during = raise_while_waiting;
	kicks = fake_run.kicks;
	ret = sched_poll(PORT_LIST, 1, 0);
	waits.during = NULL;
	EXPECT("xen/poll-port-of-other-vcpu-wakes-poller", ret == 0 &&
	       waits.ready && fake_run.kicks == kicks + 1 &&
	       fake_run.kick_host == &host3);
	events_clear();
	hx_xen_vcpu_detach(&vcpu);
}

struct evtchn_st {
	u16 dom, pad;
	u32 port, status, vcpu;
	u32 u[2];
};

/* EVTCHNOP_status of @port, the struct's other bytes garbage. */
static long evtchn_status(u16 dom, u32 port, struct evtchn_st *st)
{
	long ret;

	memset(st, 0xa5, sizeof(*st));
	st->dom = dom;
	st->port = port;
	hx_ram_write(&vm.ram, ARG, st, sizeof(*st));
	ret = call64(32, 5, ARG);
	hx_ram_read(&vm.ram, ARG, st, sizeof(*st));
	return ret;
}

/* Ports not free. */
static u32 ports_used(void)
{
	u32 i, n = 0;

	for (i = 0; i < HX_XEN_EVTCHN_PORTS; i++)
		n += vm.xen.evtchn[i].state != 0;
	return n;
}

/* The device model binds (@end) or unbinds (NULL) @port. */
static int bind_host(u32 port, void *end)
{
	return hx_xen_evtchn_bind_host(&vm, &port, end);
}

/* EVTCHNOP_status; the device model's ends of ports; VIRQs. */
static void test_evtchn_status_host(void)
{
	static int ends[HX_XEN_HOST_PORTS];
	struct hx_vcpu v2, v64;
	struct evtchn_st st;
	u32 ipi, virq, ub, p, hp, t, i, used;
	int c1 = 0, c2 = 0, c3 = 0;
	bool ok;
	long ret;

	setup();
	p = 0;
	EXPECT("xen/bind-host-before-enable",
	       hx_xen_evtchn_bind_host(&vm, &p, &c1) == -HX_EINVAL && !p &&
	       c1 == 0);
	hx_xen_enable(&vm, 4, 0);
	ipi = evtchn_bind(7, 3, 0, &ret);
	virq = evtchn_bind(1, 1, 2, &ret);	/* VIRQ_DEBUG, vCPU 2 */
	ub = evtchn_bind(6, DOMID_SELF, 0, &ret);

	EXPECT("xen/evtchn-status-ipi",
	       evtchn_status(DOMID_SELF, ipi, &st) == 0 &&
	       st.dom == DOMID_SELF && st.port == ipi && st.status == 5 &&
	       st.vcpu == 3 && !st.u[0] && !st.u[1]);
	EXPECT("xen/evtchn-status-virq", evtchn_status(4, virq, &st) == 0 &&
	       st.status == 4 && st.vcpu == 2 && st.u[0] == 1 && !st.u[1]);
	EXPECT("xen/evtchn-status-unbound", evtchn_status(4, ub, &st) == 0 &&
	       st.status == 1 && st.vcpu == 0 && !st.u[0] && !st.u[1]);
	EXPECT("xen/evtchn-status-closed", evtchn_status(4, 100, &st) == 0 &&
	       st.status == 0 && evtchn_status(4, 4095, &st) == 0 &&
	       st.status == 0 && evtchn_status(4, 0, &st) == 0 &&
	       st.status == 0);
	EXPECT("xen/evtchn-status-bad-port",
	       evtchn_status(4, 4096, &st) == -HX_EINVAL &&
	       evtchn_status(4, ~0U, &st) == -HX_EINVAL &&
	       st.status == 0xa5a5a5a5);
	EXPECT("xen/evtchn-status-other-domain",
	       evtchn_status(9, ipi, &st) == -HX_ESRCH &&
	       st.status == 0xa5a5a5a5);
	EXPECT("xen/evtchn-status-bad-pointer",
	       call64(32, 5, UNMAPPED) == -HX_EFAULT &&
	       call64(32, 5, UNMAPPED - 8) == -HX_EFAULT);
	st.dom = DOMID_SELF;
	st.port = ipi;
	hx_ram_write(&vm.ram, 0x300000, &st, sizeof(st));	/* RO_LINEAR */
	EXPECT("xen/evtchn-status-read-only", call64(32, 5, RO_LINEAR) ==
	       -HX_EFAULT);
	EXPECT("xen/evtchn-bind-interdomain",
	       call64(32, 0, ARG) == -HX_EPERM);

	/* The device model binds the guest's unbound port. */
	p = ub;
	EXPECT("xen/bind-host", hx_xen_evtchn_bind_host(&vm, &p, &c1) == 0 &&
	       p == ub && evtchn_status(4, ub, &st) == 0 && st.status == 2 &&
	       !st.u[0] && !st.u[1]);
	EXPECT("xen/bind-host-send-signals", evtchn_port(4, ub, 0) == 0 &&
	       c1 == 1 && evtchn_port(4, ub, 0) == 0 && c1 == 2 &&
	       vm.xen.host_sends == 0);
	EXPECT("xen/bind-host-twice", hx_xen_evtchn_bind_host(&vm, &p, &c2) ==
	       -HX_EBUSY && c2 == 0 && evtchn_port(4, ub, 0) == 0 && c1 == 3);
	EXPECT("xen/bind-host-not-unbound", bind_host(ipi, &c2) == -HX_EINVAL &&
	       bind_host(virq, &c2) == -HX_EINVAL &&
	       bind_host(100, &c2) == -HX_EINVAL && c2 == 0 &&
	       evtchn_status(4, 100, &st) == 0 && st.status == 0);
	EXPECT("xen/bind-host-bad-port", bind_host(4096, &c2) == -HX_EINVAL &&
	       bind_host(~0U, &c2) == -HX_EINVAL && c2 == 0);
	hp = 0;
	EXPECT("xen/bind-host-new-port",
	       hx_xen_evtchn_bind_host(&vm, &hp, &c2) == 0 && hp == 4 &&
	       evtchn_status(4, hp, &st) == 0 && st.status == 2 &&
	       st.vcpu == 0 && evtchn_port(4, hp, 0) == 0 && c2 == 1 &&
	       c1 == 3);

	/* Unbound: the end is put, the port stays, sends are counted. */
	EXPECT("xen/unbind-host", bind_host(ub, NULL) == 0 &&
	       c1 == -1000 && evtchn_status(4, ub, &st) == 0 &&
	       st.status == 1 &&
	       evtchn_port(4, ub, 0) == 0 && c1 == -1000 &&
	       vm.xen.host_sends == 1);
	c1 = 0;
	EXPECT("xen/unbind-host-not-bound", bind_host(0, NULL) == -HX_EINVAL &&
	       bind_host(ub, NULL) == -HX_EINVAL &&
	       bind_host(ipi, NULL) == -HX_EINVAL &&
	       bind_host(4096, NULL) == -HX_EINVAL && c1 == 0 && c2 == 1);
	EXPECT("xen/bind-host-again", bind_host(ub, &c3) == 0 &&
	       evtchn_port(4, ub, 0) == 0 && c3 == 1 && c1 == 0);
	/* Closed by the guest: put once, and not again when the VM goes. */
	EXPECT("xen/bind-host-close-puts", evtchn_port(3, ub, 0) == 0 &&
	       c3 == -1000 && evtchn_status(4, ub, &st) == 0 && st.status == 0);
	c3 = 0;
	EXPECT("xen/bind-host-closed-send",
	       evtchn_port(4, ub, 0) == -HX_EINVAL && c3 == 0);
	/* The device model raises its port toward the guest (vCPU 0). */
	EXPECT("xen/bind-host-raise", hx_xen_evtchn_raise(&vm, hp) == 0 &&
	       port_pending(hp) && si_vcpu_info(0)[0] == 1 && c2 == 1);
	events_clear();

	/* 64 ends at most (hp holds one). */
	ok = true;
	for (i = 0; i < HX_XEN_HOST_PORTS - 1; i++) {
		p = 0;
		ends[i] = 0;
		if (hx_xen_evtchn_bind_host(&vm, &p, &ends[i]) || !p)
			ok = false;
	}
	EXPECT("xen/bind-host-64", ok);
	p = 0;
	ends[63] = 0;
	used = ports_used();
	EXPECT("xen/bind-host-full",
	       hx_xen_evtchn_bind_host(&vm, &p, &ends[63]) == -HX_ENOSPC &&
	       !p && ports_used() == used);	/* no port taken either */
	t = evtchn_bind(6, DOMID_SELF, 0, &ret);
	EXPECT("xen/bind-host-full-existing", ret == 0 &&
	       bind_host(t, &ends[63]) == -HX_ENOSPC &&
	       evtchn_status(4, t, &st) == 0 && st.status == 1 &&
	       ends[63] == 0);
	EXPECT("xen/bind-host-slot-freed", bind_host(hp, NULL) == 0 &&
	       c2 == -1000 && bind_host(t, &ends[63]) == 0 &&
	       evtchn_port(4, t, 0) == 0 && ends[63] == 1);
	c2 = 0;
	EXPECT("xen/bind-host-locks-balanced", fake_mem.locks_unbalanced == 0);

	/* hx_xen_virq_raise(): only a bound VIRQ of that vCPU. */
	memset(&v2, 0, sizeof(v2));
	v2.vm = &vm;
	v2.id = 2;
	v64 = v2;
	v64.id = 64;
	hx_xen_virq_raise(&vcpu, 1);		/* vCPU 3: not bound */
	hx_xen_virq_raise(&v2, 0);
	hx_xen_virq_raise(&v2, 24);
	hx_xen_virq_raise(&v2, ~0U);
	hx_xen_virq_raise(&v64, 1);
	EXPECT("xen/virq-raise-unbound", !si_word(2048)[0] &&
	       !si_word(2048)[1]);
	hx_xen_virq_raise(&v2, 1);
	EXPECT("xen/virq-raise", port_pending(virq) &&
	       si_vcpu_info(2)[0] == 1 && !si_vcpu_info(3)[0]);
	events_clear();

	/*
	 * A per-vCPU VIRQ moved with bind_vcpu, then closed: vCPU 3's
	 * VIRQ_TIMER is free again and its old port is nobody's timer.
	 */
	t = evtchn_bind(1, 0, 3, &ret);		/* VIRQ_TIMER, vCPU 3 */
	evtchn_port(8, t, 5);
	evtchn_port(3, t, 0);
	p = evtchn_bind(7, 5, 0, &ret);	/* an IPI takes the port */
	hx_xen_virq_raise(&vcpu, 0);
	EXPECT("xen/evtchn-virq-moved-closed-not-raised", p == t &&
	       !port_pending(t));
	evtchn_bind(1, 0, 3, &ret);
	EXPECT("xen/evtchn-virq-moved-closed-rebind", ret == 0);
	events_clear();

	/* The VM goes: every end still bound is put, the rest are not. */
	hx_xen_free(&vm);
	ok = c1 == 0 && c2 == 0 && c3 == 0;
	for (i = 0; i < HX_XEN_HOST_PORTS; i++)
		if (ends[i] != -1000)
			ok = false;
	EXPECT("xen/free-puts-host-ends", ok);
	EXPECT("xen/bind-host-after-free", bind_host(0, &c1) == -HX_EINVAL &&
	       c1 == 0);
}

/* XENMEM_add_to_physmap of grant table frame @idx at @gpfn. */
static long gnttab_map(u64 idx, u64 gpfn)
{
	struct {
		u16 domid, size;
		u32 space;
		u64 idx, gpfn;
	} x = { DOMID_SELF, 0, 1, idx, gpfn };

	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	return call64(12, 7, ARG);
}

static long shared_info_map(u64 gpfn)
{
	struct {
		u16 domid, size;
		u32 space;
		u64 idx, gpfn;
	} x = { DOMID_SELF, 0, 0, 0, gpfn };

	hx_ram_write(&vm.ram, ARG, &x, sizeof(x));
	return call64(12, 7, ARG);
}

struct gnt_query {
	u16 dom, pad;
	u32 nr_frames, max_nr_frames;
	s16 status;
	u16 pad2;
};

struct gnt_setup {
	u16 dom, pad;
	u32 nr_frames;
	s16 status;
	u16 pad2[3];
	u64 frame_list;
};

static long gnt_query(u16 dom, u64 count, struct gnt_query *q)
{
	long ret;

	memset(q, 0xa5, sizeof(*q));
	q->dom = dom;
	hx_ram_write(&vm.ram, ARG, q, sizeof(*q));
	ret = call64_3(20, 6, ARG, count);
	hx_ram_read(&vm.ram, ARG, q, sizeof(*q));
	return ret;
}

/* setup_table into PORT_LIST, which starts out all 0x5a. */
static long gnt_setup(u16 dom, u32 nr, u64 list, struct gnt_setup *t)
{
	u8 fill[64 * 8];
	long ret;

	memset(fill, 0x5a, sizeof(fill));
	hx_ram_write(&vm.ram, PORT_LIST, fill, sizeof(fill));
	memset(t, 0xa5, sizeof(*t));
	t->dom = dom;
	t->nr_frames = nr;
	t->frame_list = list;
	hx_ram_write(&vm.ram, ARG, t, sizeof(*t));
	ret = call64_3(20, 2, ARG, 1);
	hx_ram_read(&vm.ram, ARG, t, sizeof(*t));
	return ret;
}

static u64 gnt_frame(u32 i)
{
	u64 v;

	hx_ram_read(&vm.ram, PORT_LIST + i * 8, &v, sizeof(v));
	return v;
}

/* Grant table v1: frames mapped by add_to_physmap, grant_table_op. */
static void test_grant_table(void)
{
	struct gnt_query q;
	struct gnt_setup t;
	long blocks, n, ret;
	u32 v;
	u64 pa0;

	setup();
	hx_xen_enable(&vm, 4, 0);
	blocks = fake_mem.blocks_live;
	EXPECT("xen/gnttab-none-yet", gnt_query(DOMID_SELF, 1, &q) == 0 &&
	       q.nr_frames == 0 && q.max_nr_frames == 32 && q.status == 0);

	EXPECT("xen/gnttab-map", gnttab_map(0, 0x1000) == 0 && npt.maps == 1 &&
	       npt.map_gpa == 0x1000000 && vm.xen.gnttab[0] &&
	       npt.map_pa == hxh_page_to_pa(vm.xen.gnttab[0]) &&
	       vm.xen.gnttab_gfn[0] == 0x1000 &&
	       fake_mem.blocks_live == blocks + 1);
	pa0 = npt.map_pa;
	EXPECT("xen/gnttab-map-same-place", gnttab_map(0, 0x1000) == 0 &&
	       npt.maps == 1 && npt.unmaps == 0 &&
	       fake_mem.blocks_live == blocks + 1);
	EXPECT("xen/gnttab-gfn-taken", gnttab_map(1, 0x1000) == -HX_EBUSY &&
	       npt.maps == 1 && !vm.xen.gnttab[1] &&
	       fake_mem.blocks_live == blocks + 1);
	EXPECT("xen/gnttab-shared-info", shared_info_map(0x2000) == 0 &&
	       gnttab_map(1, 0x2000) == -HX_EBUSY && !vm.xen.gnttab[1] &&
	       shared_info_map(0x1000) == -HX_EBUSY &&
	       vm.xen.shared_info_gfn == 0x2000 &&
	       vm.xen.gnttab_gfn[0] == 0x1000);
	EXPECT("xen/gnttab-bad-idx", gnttab_map(32, 0x1001) == -HX_EINVAL &&
	       gnttab_map(1ULL << 63, 0x1001) == -HX_EINVAL &&
	       gnttab_map(~0ULL, 0x1001) == -HX_EINVAL);
	EXPECT("xen/gnttab-beyond-gpa-space",
	       gnttab_map(1, 1ULL << 40) == -HX_EINVAL &&
	       gnttab_map(1, ~0ULL) == -HX_EINVAL && !vm.xen.gnttab[1]);
	npt.maps = 0;
	EXPECT("xen/gnttab-map-second", gnttab_map(1, 0x1001) == 0 &&
	       npt.maps == 1 && npt.map_gpa == 0x1001000 &&
	       npt.map_pa == hxh_page_to_pa(vm.xen.gnttab[1]) &&
	       npt.map_pa != pa0 && fake_mem.blocks_live == blocks + 2);
	EXPECT("xen/gnttab-move", gnttab_map(0, 0x1002) == 0 &&
	       npt.maps == 2 && npt.map_gpa == 0x1002000 && npt.map_pa == pa0 &&
	       npt.unmaps == 1 && npt.unmap_gpa == 0x1000000 &&
	       vm.xen.gnttab_gfn[0] == 0x1002 &&
	       fake_mem.blocks_live == blocks + 2);
	EXPECT("xen/gnttab-old-place-free", gnttab_map(31, 0x1000) == 0 &&
	       vm.xen.gnttab_gfn[31] == 0x1000);

	/* query_size counts frames from 0 on: 31 is not reached yet. */
	EXPECT("xen/gnttab-query-size", gnt_query(DOMID_SELF, 1, &q) == 0 &&
	       q.nr_frames == 2 && q.max_nr_frames == 32 && q.status == 0 &&
	       q.dom == DOMID_SELF);
	EXPECT("xen/gnttab-query-own-domid", gnt_query(4, 1, &q) == 0 &&
	       q.nr_frames == 2 && q.status == 0);
	EXPECT("xen/gnttab-query-other-domain", gnt_query(9, 1, &q) == 0 &&
	       q.status == -2);
	EXPECT("xen/gnttab-query-count", gnt_query(DOMID_SELF, 0, &q) ==
	       -HX_EINVAL && q.status == (s16)0xa5a5 &&
	       gnt_query(DOMID_SELF, 2, &q) == -HX_EINVAL);
	q.dom = DOMID_SELF;
	hx_ram_write(&vm.ram, 0x300000, &q, sizeof(q));	/* RO_LINEAR */
	EXPECT("xen/gnttab-query-bad-pointer",
	       call64_3(20, 6, UNMAPPED, 1) == -HX_EFAULT &&
	       call64_3(20, 6, RO_LINEAR, 1) == -HX_EFAULT);

	v = 1;
	hx_ram_write(&vm.ram, ARG, &v, sizeof(v));
	EXPECT("xen/gnttab-set-version-1", call64_3(20, 8, ARG, 1) == 0);
	v = 2;
	hx_ram_write(&vm.ram, ARG, &v, sizeof(v));
	ret = call64_3(20, 8, ARG, 1);
	hx_ram_read(&vm.ram, ARG, &v, sizeof(v));
	EXPECT("xen/gnttab-set-version-2", ret == -HX_EINVAL && v == 1);
	v = 0;
	hx_ram_write(&vm.ram, ARG, &v, sizeof(v));
	ret = call64_3(20, 8, ARG, 1);
	hx_ram_read(&vm.ram, ARG, &v, sizeof(v));
	EXPECT("xen/gnttab-set-version-0", ret == -HX_EINVAL && v == 1);
	EXPECT("xen/gnttab-set-version-count",
	       call64_3(20, 8, ARG, 0) == -HX_EINVAL &&
	       call64_3(20, 8, ARG, 3) == -HX_EINVAL);
	EXPECT("xen/gnttab-set-version-bad-pointer",
	       call64_3(20, 8, UNMAPPED, 1) == -HX_EFAULT);

	EXPECT("xen/gnttab-setup-table", gnt_setup(DOMID_SELF, 3, PORT_LIST,
						   &t) == 0 && t.status == 0 &&
	       gnt_frame(0) == 0x1002 && gnt_frame(1) == 0x1001 &&
	       gnt_frame(2) == ~0ULL && gnt_frame(3) == 0x5a5a5a5a5a5a5a5aULL &&
	       t.frame_list == PORT_LIST);
	EXPECT("xen/gnttab-setup-table-all-32",
	       gnt_setup(4, 32, PORT_LIST, &t) == 0 && t.status == 0 &&
	       gnt_frame(31) == 0x1000 && gnt_frame(30) == ~0ULL &&
	       gnt_frame(32) == 0x5a5a5a5a5a5a5a5aULL);
	EXPECT("xen/gnttab-setup-table-none", gnt_setup(4, 0, UNMAPPED, &t) ==
	       0 && t.status == 0);
	EXPECT("xen/gnttab-setup-table-too-many",
	       gnt_setup(4, 33, PORT_LIST, &t) == 0 && t.status == -1 &&
	       gnt_frame(0) == 0x5a5a5a5a5a5a5a5aULL &&
	       gnt_setup(4, ~0U, PORT_LIST, &t) == 0 && t.status == -1 &&
	       gnt_frame(0) == 0x5a5a5a5a5a5a5a5aULL);
	EXPECT("xen/gnttab-setup-table-other-domain",
	       gnt_setup(9, 1, PORT_LIST, &t) == 0 && t.status == -2 &&
	       gnt_frame(0) == 0x5a5a5a5a5a5a5a5aULL);
	EXPECT("xen/gnttab-setup-table-bad-list",
	       gnt_setup(4, 1, UNMAPPED, &t) == -HX_EFAULT &&
	       gnt_setup(4, 2, UNMAPPED - 8, &t) == -HX_EFAULT &&
	       gnt_setup(4, 1, RO_LINEAR, &t) == -HX_EFAULT &&
	       gnt_setup(4, 2, ~0ULL - 7, &t) == -HX_EFAULT);
	EXPECT("xen/gnttab-setup-table-bad-pointer",
	       call64_3(20, 2, UNMAPPED, 1) == -HX_EFAULT &&
	       call64_3(20, 2, ARG, 2) == -HX_EINVAL);
	EXPECT("xen/gnttab-op-unknown", call64_3(20, 0, ARG, 1) == -HX_ENOSYS &&
	       call64_3(20, 1000, ARG, 1) == -HX_ENOSYS &&
	       call64_3(20, ~0ULL, ARG, 1) == -HX_ENOSYS);

	/* Failures keep the frame where it was. */
	npt.fail = 1;
	EXPECT("xen/gnttab-move-fails", gnttab_map(0, 0x1004) == -HX_ENOMEM &&
	       vm.xen.gnttab_gfn[0] == 0x1002 && npt.unmaps == 1);
	EXPECT("xen/gnttab-map-fails", gnttab_map(2, 0x1003) == -HX_ENOMEM &&
	       vm.xen.gnttab_gfn[2] == HX_XEN_NO_GFN);
	npt.fail = 0;
	blocks = fake_mem.blocks_live;
	fake_mem.fail_after = 0;
	EXPECT("xen/gnttab-map-enomem", gnttab_map(3, 0x1005) == -HX_ENOMEM &&
	       !vm.xen.gnttab[3] && vm.xen.gnttab_gfn[3] == HX_XEN_NO_GFN &&
	       fake_mem.blocks_live == blocks);
	fake_mem.fail_after = -1;
	EXPECT("xen/gnttab-locks-balanced", fake_mem.locks_unbalanced == 0);

	/* The VM goes: shared_info and every frame made. */
	blocks = fake_mem.blocks_live;
	for (v = 0, n = 0; v < HX_XEN_GNTTAB_FRAMES; v++)
		n += vm.xen.gnttab[v] != NULL;
	hx_xen_free(&vm);
	EXPECT("xen/gnttab-freed", n >= 3 &&
	       fake_mem.blocks_live == blocks - 1 - n &&
	       !vm.xen.gnttab[0] && !vm.xen.gnttab[31] &&
	       vm.xen.gnttab_gfn[0] == HX_XEN_NO_GFN);
	/* Enabled again: nothing is where it was. */
	hx_xen_enable(&vm, 4, 0);
	npt.maps = 0;
	EXPECT("xen/gnttab-after-reenable", gnttab_map(0, 0x1002) == 0 &&
	       npt.maps == 1 && gnt_query(DOMID_SELF, 1, &q) == 0 &&
	       q.nr_frames == 1);
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
	test_timer_singleshot();
	test_timer_service();
	test_sched_block_poll();
	test_evtchn_status_host();
	test_grant_table();
	test_guest_copy();
	hx_ram_free(&vm.ram);
	hx_xen_free(&vm);
	EXPECT("xen/no-page-leaked", fake_mem.blocks_live == 0 &&
	       fake_mem.zallocs_live == 0);
	return test_failures ? 1 : 0;
}
