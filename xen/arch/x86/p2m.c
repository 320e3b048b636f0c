// SPDX-License-Identifier: GPL-2.0
/*
 * Nested (AMD APM vol. 2, 15.25) and extended (Intel SDM vol. 3, 29.3)
 * page tables; see hxen/p2m.h.
 */
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>
#include <hxen/p2m.h>

static unsigned int p2m_index(u64 gpa, int level)
{
	return (gpa >> (HX_PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static bool p2m_present(u64 e)
{
	return e & HX_P2M_PRESENT;
}

int hx_p2m_init(struct hx_p2m *p2m, int levels, u64 leaf_flags)
{
	p2m->levels = levels;
	p2m->leaf_flags = leaf_flags;
	p2m->tlb_gen = 0;
	p2m->root = hxh_page_alloc(0);
	return p2m->root ? 0 : -HX_ENOMEM;
}

static void p2m_free_table(u64 *table, int level)
{
	unsigned int i;

	for (i = 0; i < 512; i++) {
		u64 e = table[i];

		if (!p2m_present(e) || (e & HX_P2M_LARGE) || level == 1)
			continue;
		if (level > 2)
			p2m_free_table(hxh_pa_to_va(e & HX_P2M_ADDR), level - 1);
		hxh_page_free(hxh_pa_to_page(e & HX_P2M_ADDR), 0);
	}
}

void hx_p2m_free(struct hx_p2m *p2m)
{
	if (!p2m->root)
		return;
	p2m_free_table(hxh_page_to_va(p2m->root), p2m->levels);
	hxh_page_free(p2m->root, 0);
	p2m->root = NULL;
}

/*
 * The entry for @gpa at @leaf_level (1: 4 KiB, 2: 2 MiB), allocating the
 * tables above it; NULL when out of memory.
 */
static u64 *p2m_entry(struct hx_p2m *p2m, u64 gpa, int leaf_level)
{
	u64 *table = hxh_page_to_va(p2m->root);
	int level;

	for (level = p2m->levels; level > leaf_level; level--) {
		u64 *e = &table[p2m_index(gpa, level)];

		if (!p2m_present(*e)) {
			struct hxh_page *p = hxh_page_alloc(0);

			if (!p)
				return NULL;
			*e = hxh_page_to_pa(p) | HX_P2M_PRESENT;
		}
		table = hxh_pa_to_va(*e & HX_P2M_ADDR);
	}
	return &table[p2m_index(gpa, leaf_level)];
}

static u64 p2m_leaf(struct hx_p2m *p2m, u64 pa)
{
	return pa | HX_P2M_PRESENT | p2m->leaf_flags;
}

/*
 * Two passes: first every table the range needs (which can fail, but
 * leaves nothing visible to the guest), then the leaves (which cannot).
 * A failed call therefore never leaves entries that point at RAM that
 * the caller is about to free.
 */
int hx_p2m_map_ram(struct hx_p2m *p2m, const struct hx_guest_ram *ram,
		   u64 gpa, u64 size)
{
	u64 end = gpa + size, a;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (a = gpa; a < end;) {
			struct hxh_page *large = hx_ram_large(ram, a);
			bool whole = !(a & (HX_CHUNK_SIZE - 1)) &&
				     end - a >= HX_CHUNK_SIZE && large;
			int level = whole ? 2 : 1;
			u64 *e = p2m_entry(p2m, a, level);

			if (!e)
				return -HX_ENOMEM;
			if (pass == 1 && whole)
				*e = p2m_leaf(p2m, hxh_page_to_pa(large)) |
				     HX_P2M_LARGE;
			else if (pass == 1)
				*e = p2m_leaf(p2m, hxh_page_to_pa(hx_ram_page(ram, a)));
			a += whole ? HX_CHUNK_SIZE : HX_PAGE_SIZE;
		}
	}
	return 0;
}

/*
 * A 2 MiB leaf that maps @gpa becomes a table of 512 4 KiB leaves with
 * the same translations, so that one of them can change.
 */
static int p2m_split(struct hx_p2m *p2m, u64 *e)
{
	struct hxh_page *p;
	u64 *t, base = *e & HX_P2M_ADDR & ~(HX_CHUNK_SIZE - 1);
	unsigned int i;

	p = hxh_page_alloc(0);
	if (!p)
		return -HX_ENOMEM;
	t = hxh_page_to_va(p);
	for (i = 0; i < 512; i++)
		t[i] = p2m_leaf(p2m, base + ((u64)i << HX_PAGE_SHIFT));
	*e = hxh_page_to_pa(p) | HX_P2M_PRESENT;
	return 0;
}

/* The 4 KiB leaf for @gpa, splitting a large leaf on the way. */
static u64 *p2m_leaf_entry(struct hx_p2m *p2m, u64 gpa)
{
	u64 *e = p2m_entry(p2m, gpa, 2);

	if (!e)
		return NULL;
	if (p2m_present(*e) && (*e & HX_P2M_LARGE) && p2m_split(p2m, e))
		return NULL;
	return p2m_entry(p2m, gpa, 1);
}

/*
 * Every vCPU drops its cached translations before it runs again (the
 * new @tlb_gen), so no stale translation of @gpa survives.
 */
int hx_p2m_map_page(struct hx_p2m *p2m, u64 gpa, u64 pa)
{
	u64 *e;

	if (gpa >= HX_GPA_MAX || (gpa & (HX_PAGE_SIZE - 1)))
		return -HX_EINVAL;
	e = p2m_leaf_entry(p2m, gpa);
	if (!e)
		return -HX_ENOMEM;
	*e = p2m_leaf(p2m, pa);
	__atomic_fetch_add(&p2m->tlb_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void hx_p2m_unmap_page(struct hx_p2m *p2m, const struct hx_guest_ram *ram,
		       u64 gpa)
{
	struct hxh_page *page = hx_ram_page(ram, gpa);
	u64 *e = p2m_leaf_entry(p2m, gpa);

	/* The leaf exists (the page was mapped), so no allocation fails. */
	if (!e)
		return;
	*e = page ? p2m_leaf(p2m, hxh_page_to_pa(page)) : 0;
	__atomic_fetch_add(&p2m->tlb_gen, 1, __ATOMIC_SEQ_CST);
}
