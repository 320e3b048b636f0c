// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the nested and extended page tables (xen/arch/x86/p2m.c).
 */
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>
#include <hxen/p2m.h>

/* What a backend keeps: the guest's RAM and its tables. */
struct vmp {
	struct hx_guest_ram ram;
	struct hx_p2m npt;
};

int test_failures;

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define P 1ULL
#define RW 2ULL
#define US 4ULL
#define PS 0x80ULL
#define ADDR 0x000ffffffffff000ULL

static int levels;
/* EPT leaves: write-back memory type, guest PAT ignored. */
#define EPT_LEAF 0x70ULL
static u64 leaf_flags;

/* Walk the tables like the CPU: the leaf entry and its level, or 0. */
static u64 walk(struct vmp *v, u64 gpa, int *leaf_level)
{
	u64 *table = hxh_page_to_va(v->npt.root), e = 0;
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

static bool maps_to_ram(struct vmp *v, u64 gpa)
{
	int lvl = 0;
	u64 e = walk(v, gpa, &lvl);
	u64 want = hxh_page_to_pa(hx_ram_page(&v->ram, gpa));
	u64 got;

	if (!e || (e & ~ADDR & ~PS) != (P | RW | US | leaf_flags))
		return false;
	got = (e & ADDR) + (lvl == 2 ? (gpa & (HX_CHUNK_SIZE - 1) & ~0xfffULL) : 0);
	return got == want;
}

static bool add_and_map(struct vmp *v, u64 gpa, u64 size)
{
	return hx_ram_add(&v->ram, gpa, size) == 0 &&
	       hx_p2m_map_ram(&v->npt, &v->ram, gpa, size) == 0;
}

static void test_layout(bool five, u64 leaf)
{
	struct vmp v;
	int lvl = 0;
	char name[64];
	const char *m = leaf ? "ept" : five ? "5-level" : "4-level";
	long ram_pages;

	fake_mem_reset();
	memset(&v, 0, sizeof(v));
	levels = five ? 5 : 4;
	leaf_flags = leaf;
	snprintf(name, sizeof(name), "p2m/%s/init", m);
	EXPECT(name, hx_p2m_init(&v.npt, levels, leaf_flags) == 0);
	snprintf(name, sizeof(name), "p2m/%s/map", m);
	EXPECT(name, add_and_map(&v, 0, 640 << 10) &&
	       add_and_map(&v, 1 * MiB, 7 * MiB) &&
	       add_and_map(&v, 4 * GiB, 2 * MiB));

	snprintf(name, sizeof(name), "p2m/%s/ram-mapped", m);
	EXPECT(name, maps_to_ram(&v, 0) && maps_to_ram(&v, 0x9f000) &&
	       maps_to_ram(&v, 1 * MiB) && maps_to_ram(&v, 3 * MiB + 0x5000) &&
	       maps_to_ram(&v, 8 * MiB - 4096) && maps_to_ram(&v, 4 * GiB + 0x1ff000));
	snprintf(name, sizeof(name), "p2m/%s/holes-not-present", m);
	EXPECT(name, !walk(&v, 640 << 10, &lvl) && !walk(&v, 8 * MiB, &lvl) &&
	       !walk(&v, 4 * GiB - 4096, &lvl) && !walk(&v, 4 * GiB + 2 * MiB, &lvl));
	snprintf(name, sizeof(name), "p2m/%s/whole-chunk-large", m);
	EXPECT(name, walk(&v, 2 * MiB, &lvl) && lvl == 2 &&
	       walk(&v, 4 * GiB, &lvl) && lvl == 2);
	snprintf(name, sizeof(name), "p2m/%s/partial-chunk-small", m);
	EXPECT(name, walk(&v, 1 * MiB, &lvl) && lvl == 1);

	ram_pages = (long)v.ram.nr_pages;
	hx_p2m_free(&v.npt);
	snprintf(name, sizeof(name), "p2m/%s/free-tables", m);
	EXPECT(name, fake_mem.pages_live == ram_pages);
	hx_ram_free(&v.ram);
	snprintf(name, sizeof(name), "p2m/%s/nothing-left", m);
	EXPECT(name, fake_mem.pages_live == 0 && fake_mem.blocks_live == 0);
}

/* Tables fail at every point: no leaf may appear for the failed range. */
static void test_failures_leave_no_leaf(void)
{
	bool clean = true;
	long n;

	levels = 4;
	leaf_flags = 0;
	for (n = 0; n < 12; n++) {
		struct vmp v;
		int lvl = 0, err;
		u64 a;

		fake_mem_reset();
		memset(&v, 0, sizeof(v));
		/* 4 KiB backing: one page table per chunk, allocated as we go. */
		fake_mem.fail_large = true;
		if (hx_p2m_init(&v.npt, levels, leaf_flags) || hx_ram_add(&v.ram, 0, 6 * MiB)) {
			clean = false;
			break;
		}
		fake_mem.fail_after = n;
		err = hx_p2m_map_ram(&v.npt, &v.ram, 0, 6 * MiB);
		fake_mem.fail_after = -1;
		if (err == -HX_ENOMEM)
			for (a = 0; a < 6 * MiB; a += 4096)
				if (walk(&v, a, &lvl))
					clean = false;
		if (err && err != -HX_ENOMEM)
			clean = false;
		hx_p2m_free(&v.npt);
		hx_ram_free(&v.ram);
		if (fake_mem.pages_live || fake_mem.blocks_live)
			clean = false;
	}
	EXPECT("p2m/failed-map-leaves-no-leaf-and-no-leak", clean);
}

/*
 * A single page over RAM (splitting a 2 MiB leaf) and over a hole, then
 * taken away: what was there comes back, and the TLB generation moves.
 */
static void test_map_page(u64 leaf)
{
	struct hxh_page *special;
	struct vmp v;
	u64 pa, e;
	u32 gen;
	int lvl = 0;

	fake_mem_reset();
	memset(&v, 0, sizeof(v));
	levels = 4;
	leaf_flags = leaf;
	special = hxh_page_alloc(0);
	pa = hxh_page_to_pa(special);
	EXPECT("p2m/page/setup", hx_p2m_init(&v.npt, levels, leaf_flags) == 0 &&
	       add_and_map(&v, 2 * MiB, 2 * MiB) &&
	       walk(&v, 2 * MiB, &lvl) && lvl == 2);
	gen = v.npt.tlb_gen;
	EXPECT("p2m/page/over-ram",
	       hx_p2m_map_page(&v.npt, 3 * MiB + 0x5000, pa) == 0 &&
	       (walk(&v, 3 * MiB + 0x5000, &lvl) & ADDR) == pa && lvl == 1 &&
	       v.npt.tlb_gen == gen + 1);
	EXPECT("p2m/page/split-keeps-the-rest", maps_to_ram(&v, 2 * MiB) &&
	       maps_to_ram(&v, 3 * MiB + 0x4000) &&
	       maps_to_ram(&v, 3 * MiB + 0x6000) &&
	       maps_to_ram(&v, 4 * MiB - 4096));
	hx_p2m_unmap_page(&v.npt, &v.ram, 3 * MiB + 0x5000);
	EXPECT("p2m/page/ram-back", maps_to_ram(&v, 3 * MiB + 0x5000) &&
	       v.npt.tlb_gen == gen + 2);
	EXPECT("p2m/page/over-hole", hx_p2m_map_page(&v.npt, 16 * GiB, pa) == 0 &&
	       ((e = walk(&v, 16 * GiB, &lvl)) & ADDR) == pa &&
	       (e & ~ADDR) == (P | RW | US | leaf_flags));
	hx_p2m_unmap_page(&v.npt, &v.ram, 16 * GiB);
	EXPECT("p2m/page/hole-back", !walk(&v, 16 * GiB, &lvl));
	EXPECT("p2m/page/misaligned", hx_p2m_map_page(&v.npt, 0x1234, pa) == -HX_EINVAL);
	EXPECT("p2m/page/beyond-gpa", hx_p2m_map_page(&v.npt, 1ULL << 48, pa) ==
	       -HX_EINVAL);
	fake_mem.fail_after = 0;
	EXPECT("p2m/page/enomem", hx_p2m_map_page(&v.npt, 64 * GiB, pa) ==
	       -HX_ENOMEM && !walk(&v, 64 * GiB, &lvl));
	fake_mem.fail_after = -1;
	hx_p2m_free(&v.npt);
	hx_ram_free(&v.ram);
	hxh_page_free(special, 0);
	EXPECT("p2m/page/nothing-left", fake_mem.pages_live == 0 &&
	       fake_mem.blocks_live == 0);
}

int main(void)
{
	test_map_page(0);
	test_map_page(EPT_LEAF);
	test_layout(false, 0);
	test_layout(true, 0);
	test_layout(false, EPT_LEAF);
	test_failures_leave_no_leaf();
	return test_failures ? 1 : 0;
}
