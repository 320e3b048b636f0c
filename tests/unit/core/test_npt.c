// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the SVM nested page tables (xen/arch/x86/svm/npt.c). */
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>

#include "../../../xen/arch/x86/svm/svm.h"

int test_failures;

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define P 1ULL
#define RW 2ULL
#define US 4ULL
#define PS 0x80ULL
#define ADDR 0x000ffffffffff000ULL

static int levels;

/* Walk the tables like the CPU: the leaf entry and its level, or 0. */
static u64 walk(struct svm_vm *svm, u64 gpa, int *leaf_level)
{
	u64 *table = hxh_page_to_va(svm->npt_root), e = 0;
	int level;

	for (level = levels; level >= 1; level--) {
		e = table[(gpa >> (12 + 9 * (level - 1))) & 511];
		if (!(e & P))
			return 0;
		if (level == 1 || (e & PS)) {
			*leaf_level = level;
			return e;
		}
		table = hxh_pa_to_va(e & ADDR);
	}
	return 0;
}

static bool maps_to_ram(struct svm_vm *svm, u64 gpa)
{
	int lvl = 0;
	u64 e = walk(svm, gpa, &lvl);
	u64 want = hxh_page_to_pa(hx_ram_page(&svm->vm.ram, gpa));
	u64 got;

	if (!e || (e & (P | RW | US)) != (P | RW | US))
		return false;
	got = (e & ADDR) + (lvl == 2 ? (gpa & (HX_CHUNK_SIZE - 1) & ~0xfffULL) : 0);
	return got == want;
}

static bool add_and_map(struct svm_vm *svm, u64 gpa, u64 size)
{
	return hx_ram_add(&svm->vm.ram, gpa, size) == 0 &&
	       svm_npt_map_ram(svm, gpa, size) == 0;
}

static void test_layout(bool five)
{
	struct svm_vm svm;
	int lvl = 0;
	char name[64];
	const char *m = five ? "5-level" : "4-level";
	long ram_pages;

	fake_mem_reset();
	memset(&svm, 0, sizeof(svm));
	levels = five ? 5 : 4;
	svm_npt_setup(five);
	snprintf(name, sizeof(name), "npt/%s/init", m);
	EXPECT(name, svm_npt_init(&svm) == 0);
	snprintf(name, sizeof(name), "npt/%s/map", m);
	EXPECT(name, add_and_map(&svm, 0, 640 << 10) &&
	       add_and_map(&svm, 1 * MiB, 7 * MiB) &&
	       add_and_map(&svm, 4 * GiB, 2 * MiB));

	snprintf(name, sizeof(name), "npt/%s/ram-mapped", m);
	EXPECT(name, maps_to_ram(&svm, 0) && maps_to_ram(&svm, 0x9f000) &&
	       maps_to_ram(&svm, 1 * MiB) && maps_to_ram(&svm, 3 * MiB + 0x5000) &&
	       maps_to_ram(&svm, 8 * MiB - 4096) && maps_to_ram(&svm, 4 * GiB + 0x1ff000));
	snprintf(name, sizeof(name), "npt/%s/holes-not-present", m);
	EXPECT(name, !walk(&svm, 640 << 10, &lvl) && !walk(&svm, 8 * MiB, &lvl) &&
	       !walk(&svm, 4 * GiB - 4096, &lvl) && !walk(&svm, 4 * GiB + 2 * MiB, &lvl));
	snprintf(name, sizeof(name), "npt/%s/whole-chunk-large", m);
	EXPECT(name, walk(&svm, 2 * MiB, &lvl) && lvl == 2 &&
	       walk(&svm, 4 * GiB, &lvl) && lvl == 2);
	snprintf(name, sizeof(name), "npt/%s/partial-chunk-small", m);
	EXPECT(name, walk(&svm, 1 * MiB, &lvl) && lvl == 1);

	ram_pages = (long)svm.vm.ram.nr_pages;
	svm_npt_free(&svm);
	snprintf(name, sizeof(name), "npt/%s/free-tables", m);
	EXPECT(name, fake_mem.pages_live == ram_pages);
	hx_ram_free(&svm.vm.ram);
	snprintf(name, sizeof(name), "npt/%s/nothing-left", m);
	EXPECT(name, fake_mem.pages_live == 0 && fake_mem.blocks_live == 0);
}

/* Tables fail at every point: no leaf may appear for the failed range. */
static void test_failures_leave_no_leaf(void)
{
	bool clean = true;
	long n;

	levels = 4;
	svm_npt_setup(false);
	for (n = 0; n < 12; n++) {
		struct svm_vm svm;
		int lvl = 0, err;
		u64 a;

		fake_mem_reset();
		memset(&svm, 0, sizeof(svm));
		/* 4 KiB backing: one page table per chunk, allocated as we go. */
		fake_mem.fail_large = true;
		if (svm_npt_init(&svm) || hx_ram_add(&svm.vm.ram, 0, 6 * MiB)) {
			clean = false;
			break;
		}
		fake_mem.fail_after = n;
		err = svm_npt_map_ram(&svm, 0, 6 * MiB);
		fake_mem.fail_after = -1;
		if (err == -HX_ENOMEM)
			for (a = 0; a < 6 * MiB; a += 4096)
				if (walk(&svm, a, &lvl))
					clean = false;
		if (err && err != -HX_ENOMEM)
			clean = false;
		svm_npt_free(&svm);
		hx_ram_free(&svm.vm.ram);
		if (fake_mem.pages_live || fake_mem.blocks_live)
			clean = false;
	}
	EXPECT("npt/failed-map-leaves-no-leaf-and-no-leak", clean);
}

/*
 * A single page over RAM (splitting a 2 MiB leaf) and over a hole, then
 * taken away: what was there comes back, and the TLB generation moves.
 */
static void test_map_page(void)
{
	struct hxh_page *special;
	struct svm_vm svm;
	u64 pa, e;
	u32 gen;
	int lvl = 0;

	fake_mem_reset();
	memset(&svm, 0, sizeof(svm));
	levels = 4;
	svm_npt_setup(false);
	special = hxh_page_alloc(0);
	pa = hxh_page_to_pa(special);
	EXPECT("npt/page/setup", svm_npt_init(&svm) == 0 &&
	       add_and_map(&svm, 2 * MiB, 2 * MiB) &&
	       walk(&svm, 2 * MiB, &lvl) && lvl == 2);
	gen = svm.tlb_gen;
	EXPECT("npt/page/over-ram",
	       svm_npt_map_page(&svm, 3 * MiB + 0x5000, pa) == 0 &&
	       (walk(&svm, 3 * MiB + 0x5000, &lvl) & ADDR) == pa && lvl == 1 &&
	       svm.tlb_gen == gen + 1);
	EXPECT("npt/page/split-keeps-the-rest", maps_to_ram(&svm, 2 * MiB) &&
	       maps_to_ram(&svm, 3 * MiB + 0x4000) &&
	       maps_to_ram(&svm, 3 * MiB + 0x6000) &&
	       maps_to_ram(&svm, 4 * MiB - 4096));
	svm_npt_unmap_page(&svm, 3 * MiB + 0x5000);
	EXPECT("npt/page/ram-back", maps_to_ram(&svm, 3 * MiB + 0x5000) &&
	       svm.tlb_gen == gen + 2);
	EXPECT("npt/page/over-hole", svm_npt_map_page(&svm, 16 * GiB, pa) == 0 &&
	       ((e = walk(&svm, 16 * GiB, &lvl)) & ADDR) == pa &&
	       (e & (P | RW | US)) == (P | RW | US));
	svm_npt_unmap_page(&svm, 16 * GiB);
	EXPECT("npt/page/hole-back", !walk(&svm, 16 * GiB, &lvl));
	EXPECT("npt/page/misaligned", svm_npt_map_page(&svm, 0x1234, pa) == -HX_EINVAL);
	EXPECT("npt/page/beyond-gpa", svm_npt_map_page(&svm, 1ULL << 48, pa) ==
	       -HX_EINVAL);
	fake_mem.fail_after = 0;
	EXPECT("npt/page/enomem", svm_npt_map_page(&svm, 64 * GiB, pa) ==
	       -HX_ENOMEM && !walk(&svm, 64 * GiB, &lvl));
	fake_mem.fail_after = -1;
	svm_npt_free(&svm);
	hx_ram_free(&svm.vm.ram);
	hxh_page_free(special, 0);
	EXPECT("npt/page/nothing-left", fake_mem.pages_live == 0 &&
	       fake_mem.blocks_live == 0);
}

int main(void)
{
	test_map_page();
	test_layout(false);
	test_layout(true);
	test_failures_leave_no_leaf();
	return test_failures ? 1 : 0;
}
