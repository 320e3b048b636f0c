// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the guest page walk (xen/arch/x86/walk.c) and of the
 * guest-physical copies (hx_ram_read/hx_ram_write in guest_ram.c).
 */
#include <stdio.h>
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/guest_ram.h>

int test_failures;

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define P		(1ULL << 0)
#define RW		(1ULL << 1)
#define US		(1ULL << 2)
#define A		(1ULL << 5)
#define D		(1ULL << 6)
#define PS		(1ULL << 7)
#define NX		(1ULL << 63)
#define CR0_PG		(1ULL << 31)
#define CR0_WP		(1ULL << 16)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define CR4_SMEP	(1ULL << 20)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

#define HOLE		(3ULL * GiB)	/* RAM is 0-16 MiB */

static struct hx_guest_ram ram;
static u64 next_table;

enum pmode { M32, PAE, L4, L5 };
static const char *const mode_name[] = { "32bit", "pae", "4level", "5level" };
static const int mode_levels[] = { 2, 3, 4, 5 };

static u64 rd(u64 gpa, bool wide)
{
	u64 v = 0;

	hx_ram_read(&ram, gpa, &v, wide ? 8 : 4);
	return v;
}

static void wr(u64 gpa, u64 v, bool wide)
{
	hx_ram_write(&ram, gpa, &v, wide ? 8 : 4);
}

/*
 * A mapping of one address: @entry[level] is the guest-physical address
 * of the entry the walk uses at that level (level 1 = page table).
 */
struct mapping {
	enum pmode paging_mode;
	u64 entry[6];
	int leaf;
};

static u32 index_of(enum pmode m, u64 gla, int level)
{
	if (m == M32)
		return (u32)(gla >> (level == 2 ? 22 : 12)) & 1023;
	if (m == PAE && level == 3)
		return (u32)(gla >> 30) & 3;
	return (u32)(gla >> (12 + 9 * (level - 1))) & 511;
}

/*
 * Map @gla to @gpa with a leaf at @leaf_level (PS set above level 1),
 * flags @leaf_flags on the leaf and @flags on the other entries.
 */
static void map(struct mapping *m, enum pmode mode, u64 cr3, u64 gla,
		u64 gpa, int leaf_level, u64 flags, u64 leaf_flags)
{
	bool wide = mode != M32;
	u64 table = cr3, e;
	int level;

	m->paging_mode = mode;
	m->leaf = leaf_level;
	if (mode == PAE)
		table = cr3 & 0xffffffe0;
	for (level = mode_levels[mode]; level >= leaf_level; level--) {
		u64 at = table + index_of(mode, gla, level) * (wide ? 8 : 4);

		m->entry[level] = at;
		if (level == leaf_level) {
			wr(at, gpa | leaf_flags | (level > 1 ? PS : 0), wide);
			break;
		}
		e = rd(at, wide);
		if (!(e & P)) {
			e = next_table;
			next_table += 4096;
			/* PDPTEs of PAE paging have P and nothing else. */
			e |= mode == PAE && level == 3 ? P : flags;
			wr(at, e, wide);
		}
		table = e & 0x000ffffffffff000ULL;
	}
}

static void fresh_ram(void)
{
	hx_ram_free(&ram);
	fake_mem_reset();
	hx_ram_add(&ram, 0, 16 * MiB);
	next_table = 1 * MiB;
}

static struct hx_paging paging(enum pmode m, u64 cr3)
{
	struct hx_paging pg = { .cr0 = CR0_PG, .cr3 = cr3 };

	if (m == M32)
		pg.cr4 = CR4_PSE;
	if (m != M32)
		pg.cr4 |= CR4_PAE;
	if (m == L4 || m == L5)
		pg.efer = EFER_LMA;
	if (m == L5)
		pg.cr4 |= CR4_LA57;
	return pg;
}

static void expect_gpa(const char *name, const struct hx_paging *pg,
		       u64 gla, u32 access, u64 want)
{
	u64 gpa = 0;
	u32 err = 0xdead;
	int r = hx_walk(&ram, pg, gla, access, &gpa, &err);

	EXPECT(name, r == 0 && gpa == want);
	if (r || gpa != want)
		printf("  r %d gpa %#llx want %#llx err %#x\n", r,
		       (unsigned long long)gpa, (unsigned long long)want, err);
}

static void expect_pf(const char *name, const struct hx_paging *pg, u64 gla,
		      u32 access, u32 want)
{
	u64 gpa = 0;
	u32 err = 0xdead;
	int r = hx_walk(&ram, pg, gla, access, &gpa, &err);

	EXPECT(name, r == -HX_EFAULT && err == want);
	if (r != -HX_EFAULT || err != want)
		printf("  r %d err %#x want %#x\n", r, err, want);
}

static void test_paging_off(void)
{
	struct hx_paging pg = { 0 };
	char n[80];

	fresh_ram();
	snprintf(n, sizeof(n), "walk/off/truncated-to-32-bits");
	expect_gpa(n, &pg, 0x123456789ULL, HX_PF_WRITE, 0x23456789);
	pg.efer = EFER_LMA;
	expect_gpa("walk/off/long-mode-not-truncated", &pg, 0x123456789ULL, 0,
		   0x123456789ULL);
}

/* The gla each mode maps, with every index non-zero where it can be. */
static u64 gla_of(enum pmode m)
{
	switch (m) {
	case M32:
		return 0xc0345678ULL;
	case PAE:
		return 0xc0345678ULL;
	case L4:
		return 0xffff8a8b4c345678ULL;
	default:
		return 0xff5a8a8b4c345678ULL;
	}
}

static void test_mode(enum pmode m)
{
	const char *mn = mode_name[m];
	bool wide = m != M32;
	u64 cr3 = m == PAE ? 0x20060 : 0x20000;
	u64 gla = gla_of(m), page = 0x00500000, e, big;
	struct hx_paging pg = paging(m, cr3);
	struct mapping mp;
	int lvl, levels = mode_levels[m];
	char n[120];
	bool ok;

	fresh_ram();
	map(&mp, m, cr3, gla, page, 1, P | RW | US, P | RW | US);

	snprintf(n, sizeof(n), "walk/%s/4k-read", mn);
	expect_gpa(n, &pg, gla, 0, page | (gla & 0xfff));
	ok = true;
	for (lvl = levels; lvl >= 1; lvl--) {
		e = rd(mp.entry[lvl], wide);
		if (m == PAE && lvl == 3)
			ok = ok && !(e & A);	/* PDPTEs have no A bit */
		else
			ok = ok && (e & A);
	}
	snprintf(n, sizeof(n), "walk/%s/accessed-set-on-every-level", mn);
	EXPECT(n, ok);
	snprintf(n, sizeof(n), "walk/%s/read-leaves-dirty-clear", mn);
	EXPECT(n, !(rd(mp.entry[1], wide) & D) &&
	       !(rd(mp.entry[2], wide) & D));
	snprintf(n, sizeof(n), "walk/%s/4k-user-write", mn);
	expect_gpa(n, &pg, gla + 1, HX_PF_WRITE | HX_PF_USER,
		   page | ((gla + 1) & 0xfff));
	snprintf(n, sizeof(n), "walk/%s/write-sets-dirty-on-leaf-only", mn);
	EXPECT(n, (rd(mp.entry[1], wide) & D) && !(rd(mp.entry[2], wide) & D));

	/* Not present at each level, and the error code bits. */
	for (lvl = levels; lvl >= 1; lvl--) {
		e = rd(mp.entry[lvl], wide);
		wr(mp.entry[lvl], e & ~P, wide);
		snprintf(n, sizeof(n), "walk/%s/not-present-level%d-read", mn,
			 lvl);
		expect_pf(n, &pg, gla, 0, 0);
		snprintf(n, sizeof(n), "walk/%s/not-present-level%d-user-write",
			 mn, lvl);
		expect_pf(n, &pg, gla, HX_PF_WRITE | HX_PF_USER,
			  HX_PF_WRITE | HX_PF_USER);
		wr(mp.entry[lvl], e, wide);
	}
	/* Faults leave the accessed bits alone. */
	for (lvl = levels; lvl >= 1; lvl--)
		wr(mp.entry[lvl], rd(mp.entry[lvl], wide) & ~(A | D), wide);
	e = rd(mp.entry[1], wide);
	wr(mp.entry[1], e & ~P, wide);
	snprintf(n, sizeof(n), "walk/%s/fault-after-clearing-a", mn);
	expect_pf(n, &pg, gla, 0, 0);
	snprintf(n, sizeof(n), "walk/%s/fault-sets-no-accessed-bit", mn);
	EXPECT(n, !(rd(mp.entry[2], wide) & A));
	wr(mp.entry[1], e, wide);

	/* Read-only leaf: user writes fault; supervisor ones only with WP. */
	wr(mp.entry[1], rd(mp.entry[1], wide) & ~RW, wide);
	snprintf(n, sizeof(n), "walk/%s/ro-supervisor-write-no-wp", mn);
	expect_gpa(n, &pg, gla, HX_PF_WRITE, page | (gla & 0xfff));
	pg.cr0 |= CR0_WP;
	snprintf(n, sizeof(n), "walk/%s/ro-supervisor-write-wp", mn);
	expect_pf(n, &pg, gla, HX_PF_WRITE, HX_PF_PRESENT | HX_PF_WRITE);
	snprintf(n, sizeof(n), "walk/%s/ro-user-read", mn);
	expect_gpa(n, &pg, gla, HX_PF_USER, page | (gla & 0xfff));
	pg.cr0 &= ~CR0_WP;
	snprintf(n, sizeof(n), "walk/%s/ro-user-write", mn);
	expect_pf(n, &pg, gla, HX_PF_WRITE | HX_PF_USER,
		  HX_PF_PRESENT | HX_PF_WRITE | HX_PF_USER);
	wr(mp.entry[1], rd(mp.entry[1], wide) | RW, wide);
	/* Read-only at an upper level counts too. */
	if (!(m == PAE)) {
		wr(mp.entry[levels], rd(mp.entry[levels], wide) & ~RW, wide);
		pg.cr0 |= CR0_WP;
		snprintf(n, sizeof(n), "walk/%s/ro-top-level-write-wp", mn);
		expect_pf(n, &pg, gla, HX_PF_WRITE,
			  HX_PF_PRESENT | HX_PF_WRITE);
		pg.cr0 &= ~CR0_WP;
		wr(mp.entry[levels], rd(mp.entry[levels], wide) | RW, wide);
	}

	/* Supervisor pages: user accesses fault, at any level. */
	wr(mp.entry[2], rd(mp.entry[2], wide) & ~US, wide);
	snprintf(n, sizeof(n), "walk/%s/supervisor-dir-user-read", mn);
	expect_pf(n, &pg, gla, HX_PF_USER, HX_PF_PRESENT | HX_PF_USER);
	snprintf(n, sizeof(n), "walk/%s/supervisor-dir-kernel-read", mn);
	expect_gpa(n, &pg, gla, 0, page | (gla & 0xfff));
	wr(mp.entry[2], rd(mp.entry[2], wide) | US, wide);
	wr(mp.entry[1], rd(mp.entry[1], wide) & ~US, wide);
	snprintf(n, sizeof(n), "walk/%s/supervisor-page-user-fetch", mn);
	expect_pf(n, &pg, gla, HX_PF_USER | HX_PF_FETCH,
		  HX_PF_PRESENT | HX_PF_USER);
	wr(mp.entry[1], rd(mp.entry[1], wide) | US, wide);

	/* SMEP: supervisor fetches from user pages fault. */
	pg.cr4 |= CR4_SMEP;
	snprintf(n, sizeof(n), "walk/%s/smep-supervisor-fetch", mn);
	expect_pf(n, &pg, gla, HX_PF_FETCH, HX_PF_PRESENT | HX_PF_FETCH);
	snprintf(n, sizeof(n), "walk/%s/smep-supervisor-read-ok", mn);
	expect_gpa(n, &pg, gla, 0, page | (gla & 0xfff));
	pg.cr4 &= ~CR4_SMEP;
	snprintf(n, sizeof(n), "walk/%s/fetch-without-nx", mn);
	expect_gpa(n, &pg, gla, HX_PF_FETCH, page | (gla & 0xfff));

	if (m != M32) {
		/* NX: reserved without EFER.NXE, enforced on fetch with it. */
		wr(mp.entry[1], rd(mp.entry[1], wide) | NX, wide);
		snprintf(n, sizeof(n), "walk/%s/nx-without-nxe-reserved", mn);
		expect_pf(n, &pg, gla, 0, HX_PF_PRESENT | HX_PF_RSVD);
		pg.efer |= EFER_NXE;
		snprintf(n, sizeof(n), "walk/%s/nx-read-ok", mn);
		expect_gpa(n, &pg, gla, 0, page | (gla & 0xfff));
		snprintf(n, sizeof(n), "walk/%s/nx-fetch", mn);
		expect_pf(n, &pg, gla, HX_PF_FETCH,
			  HX_PF_PRESENT | HX_PF_FETCH);
		wr(mp.entry[1], rd(mp.entry[1], wide) & ~NX, wide);
		wr(mp.entry[2], rd(mp.entry[2], wide) | NX, wide);
		snprintf(n, sizeof(n), "walk/%s/nx-on-directory-fetch", mn);
		expect_pf(n, &pg, gla, HX_PF_FETCH | HX_PF_USER,
			  HX_PF_PRESENT | HX_PF_FETCH | HX_PF_USER);
		wr(mp.entry[2], rd(mp.entry[2], wide) & ~NX, wide);
		snprintf(n, sizeof(n), "walk/%s/not-present-fetch-nxe", mn);
		wr(mp.entry[1], rd(mp.entry[1], wide) & ~P, wide);
		expect_pf(n, &pg, gla, HX_PF_FETCH, HX_PF_FETCH);
		wr(mp.entry[1], rd(mp.entry[1], wide) | P, wide);
		pg.efer &= ~EFER_NXE;

		/* Address bits above MAXPHYADDR are reserved. */
		pg.phys_bits = 36;
		wr(mp.entry[1], rd(mp.entry[1], wide) | (1ULL << 40), wide);
		snprintf(n, sizeof(n), "walk/%s/rsvd-above-maxphyaddr", mn);
		expect_pf(n, &pg, gla, HX_PF_WRITE,
			  HX_PF_PRESENT | HX_PF_RSVD | HX_PF_WRITE);
		wr(mp.entry[1], rd(mp.entry[1], wide) & ~(1ULL << 40), wide);
		pg.phys_bits = 0;
		snprintf(n, sizeof(n), "walk/%s/ok-again", mn);
		expect_gpa(n, &pg, gla, 0, page | (gla & 0xfff));
	}

	/* Page tables in a hole. */
	e = rd(mp.entry[2], wide);
	wr(mp.entry[2], (e & 0xfff) | HOLE, wide);
	snprintf(n, sizeof(n), "walk/%s/table-in-hole-eio", mn);
	{
		u64 gpa;
		u32 err;

		EXPECT(n, hx_walk(&ram, &pg, gla, 0, &gpa, &err) == -HX_EIO);
		pg.cr3 = HOLE;
		snprintf(n, sizeof(n), "walk/%s/root-in-hole-eio", mn);
		EXPECT(n, hx_walk(&ram, &pg, gla, 0, &gpa, &err) == -HX_EIO);
		pg.cr3 = cr3;
	}
	wr(mp.entry[2], e, wide);

	/* Large pages: 4 MiB or 2 MiB at level 2. */
	big = m == M32 ? 0x00c00000 : 0x00e00000;
	fresh_ram();
	map(&mp, m, cr3, gla, big, 2, P | RW, P | RW);
	snprintf(n, sizeof(n), "walk/%s/large-page", mn);
	expect_gpa(n, &pg, gla, HX_PF_WRITE,
		   big | (gla & (m == M32 ? 0x3fffff : 0x1fffff)));
	snprintf(n, sizeof(n), "walk/%s/large-page-dirty", mn);
	EXPECT(n, (rd(mp.entry[2], wide) & (A | D)) == (A | D));
	snprintf(n, sizeof(n), "walk/%s/large-page-user", mn);
	expect_pf(n, &pg, gla, HX_PF_USER, HX_PF_PRESENT | HX_PF_USER);
	if (m == M32) {
		/* Without CR4.PSE, PS is ignored: the entry is a table. */
		pg.cr4 &= ~CR4_PSE;
		wr(big + ((gla >> 12) & 1023) * 4, 0x7000 | P, false);
		expect_gpa("walk/32bit/ps-ignored-without-pse", &pg, gla, 0,
			   0x7000 | (gla & 0xfff));
		pg.cr4 |= CR4_PSE;
		/* PSE-36: bits 20:13 are address bits 39:32. */
		e = rd(mp.entry[2], false);
		wr(mp.entry[2], e | (0x5ULL << 13), false);
		expect_gpa("walk/32bit/pse36-high-bits", &pg, gla, 0,
			   (0x5ULL << 32) | big | (gla & 0x3fffff));
		pg.phys_bits = 34;
		expect_pf("walk/32bit/pse36-above-maxphyaddr", &pg, gla, 0,
			  HX_PF_PRESENT | HX_PF_RSVD);
		pg.phys_bits = 0;
		wr(mp.entry[2], e | (1ULL << 21), false);
		expect_pf("walk/32bit/pse-bit21-reserved", &pg, gla, 0,
			  HX_PF_PRESENT | HX_PF_RSVD);
		wr(mp.entry[2], e, false);
	} else {
		e = rd(mp.entry[2], true);
		wr(mp.entry[2], e | (1ULL << 13), true);
		snprintf(n, sizeof(n), "walk/%s/2m-bit13-reserved", mn);
		expect_pf(n, &pg, gla, 0, HX_PF_PRESENT | HX_PF_RSVD);
		wr(mp.entry[2], e | (1ULL << 12), true);	/* PAT */
		snprintf(n, sizeof(n), "walk/%s/2m-pat-bit-ok", mn);
		expect_gpa(n, &pg, gla, 0, big | (gla & 0x1fffff));
		wr(mp.entry[2], e, true);
	}

	if (m == PAE) {
		e = rd(mp.entry[3], true);
		wr(mp.entry[3], e | RW, true);
		expect_pf("walk/pae/pdpte-bit1-reserved", &pg, gla, 0,
			  HX_PF_PRESENT | HX_PF_RSVD);
		wr(mp.entry[3], e | NX, true);
		pg.efer |= EFER_NXE;
		expect_pf("walk/pae/pdpte-nx-reserved", &pg, gla, 0,
			  HX_PF_PRESENT | HX_PF_RSVD);
		pg.efer &= ~EFER_NXE;
		wr(mp.entry[3], e, true);
		expect_gpa("walk/pae/gla-truncated", &pg, gla | (7ULL << 32), 0,
			   big | (gla & 0x1fffff));
	}

	if (m == L4 || m == L5) {
		/* 1 GiB pages; PS is reserved at levels 4 and 5. */
		fresh_ram();
		map(&mp, m, cr3, gla, 0x40000000, 3, P | RW | US, P | RW | US);
		hx_ram_add(&ram, 0x40000000, 4 * MiB);
		snprintf(n, sizeof(n), "walk/%s/1g-page", mn);
		expect_gpa(n, &pg, gla, 0, 0x40000000 | (gla & (GiB - 1)));
		e = rd(mp.entry[3], true);
		wr(mp.entry[3], e | (1ULL << 20), true);
		snprintf(n, sizeof(n), "walk/%s/1g-bit20-reserved", mn);
		expect_pf(n, &pg, gla, HX_PF_USER,
			  HX_PF_PRESENT | HX_PF_RSVD | HX_PF_USER);
		wr(mp.entry[3], e, true);
		e = rd(mp.entry[4], true);
		wr(mp.entry[4], e | PS, true);
		snprintf(n, sizeof(n), "walk/%s/ps-in-pml4e-reserved", mn);
		expect_pf(n, &pg, gla, 0, HX_PF_PRESENT | HX_PF_RSVD);
		wr(mp.entry[4], e, true);
		snprintf(n, sizeof(n), "walk/%s/bits-52-62-ignored", mn);
		wr(mp.entry[4], e | (0x7ffULL << 52), true);
		expect_gpa(n, &pg, gla, 0, 0x40000000 | (gla & (GiB - 1)));
		wr(mp.entry[4], e, true);
	}
}

static void test_ram_copy(void)
{
	u8 buf[8192], back[8192];
	u32 i;

	fresh_ram();
	hx_ram_add(&ram, 32 * MiB, 8192);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 7);
	EXPECT("ram-copy/write-across-pages",
	       hx_ram_write(&ram, 0x1ffe, buf, 5000) == 0);
	memset(back, 0, sizeof(back));
	EXPECT("ram-copy/read-across-pages",
	       hx_ram_read(&ram, 0x1ffe, back, 5000) == 0 &&
	       !memcmp(buf, back, 5000));
	EXPECT("ram-copy/zero-length", hx_ram_read(&ram, 0, back, 0) == 0);
	/* Into a hole, partly: nothing is written. */
	memset(back, 0, sizeof(back));
	hx_ram_write(&ram, 16 * MiB - 8, back, 8);
	EXPECT("ram-copy/write-into-hole-fails",
	       hx_ram_write(&ram, 16 * MiB - 4, buf, 8) == -HX_EFAULT);
	hx_ram_read(&ram, 16 * MiB - 8, back, 8);
	EXPECT("ram-copy/failed-write-wrote-nothing",
	       !memcmp(back, "\0\0\0\0\0\0\0\0", 8));
	EXPECT("ram-copy/read-from-hole-fails",
	       hx_ram_read(&ram, HOLE, back, 1) == -HX_EFAULT);
	EXPECT("ram-copy/second-range",
	       hx_ram_write(&ram, 32 * MiB + 4000, buf, 4192) == 0 &&
	       hx_ram_read(&ram, 32 * MiB + 4000, back, 4192) == 0 &&
	       !memcmp(buf, back, 4192));
	EXPECT("ram-copy/past-range-end",
	       hx_ram_read(&ram, 32 * MiB + 8190, back, 4) == -HX_EFAULT);
	EXPECT("ram-copy/past-address-space",
	       hx_ram_read(&ram, ~0ULL - 2, back, 8) == -HX_EFAULT &&
	       hx_ram_read(&ram, HX_GPA_MAX, back, 1) == -HX_EFAULT);
}

int main(void)
{
	fake_reset(1);
	test_paging_off();
	test_mode(M32);
	test_mode(PAE);
	test_mode(L4);
	test_mode(L5);
	test_ram_copy();
	hx_ram_free(&ram);
	EXPECT("walk/no-leak", fake_mem.pages_live == 0 &&
	       fake_mem.zallocs_live == 0);
	return test_failures ? 1 : 0;
}
