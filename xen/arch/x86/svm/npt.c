// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables: guest-physical to host-physical, in the long-mode
 * page-table format (AMD APM vol. 2, 15.25).  Guest RAM is mapped when it
 * is added and stays mapped until the VM dies, so its entries only ever
 * go from not-present to present and need no TLB flush.  Single pages of
 * the hypervisor's (Xen's shared_info, grant frames) can be put over RAM
 * or a hole and taken away again; those changes bump the VM's TLB
 * generation, and a vCPU that sees a new one runs on a fresh ASID.
 */
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>

#include "svm.h"

#define NPT_P		(1ULL << 0)
#define NPT_RW		(1ULL << 1)
/* Nested walks are user accesses (APM vol. 2, 15.25.5): US must be set. */
#define NPT_US		(1ULL << 2)
#define NPT_PS		(1ULL << 7)
#define NPT_ADDR	0x000ffffffffff000ULL
#define NPT_TABLE	(NPT_P | NPT_RW | NPT_US)

/*
 * Nested paging uses the host's paging mode (APM vol. 2, 15.25.3): five
 * levels when the host runs with CR4.LA57, else four.
 */
static int npt_levels = 4;

void svm_npt_setup(bool five_levels)
{
	npt_levels = five_levels ? 5 : 4;
}

static unsigned int npt_index(u64 gpa, int level)
{
	return (gpa >> (HX_PAGE_SHIFT + 9 * (level - 1))) & 511;
}

int svm_npt_init(struct svm_vm *svm)
{
	svm->npt_root = hxh_page_alloc(0);
	return svm->npt_root ? 0 : -HX_ENOMEM;
}

static void npt_free_table(u64 *table, int level)
{
	unsigned int i;

	for (i = 0; i < 512; i++) {
		u64 e = table[i];

		if (!(e & NPT_P) || (e & NPT_PS) || level == 1)
			continue;
		if (level > 2)
			npt_free_table(hxh_pa_to_va(e & NPT_ADDR), level - 1);
		hxh_page_free(hxh_pa_to_page(e & NPT_ADDR), 0);
	}
}

void svm_npt_free(struct svm_vm *svm)
{
	if (!svm->npt_root)
		return;
	npt_free_table(hxh_page_to_va(svm->npt_root), npt_levels);
	hxh_page_free(svm->npt_root, 0);
	svm->npt_root = NULL;
}

/*
 * The entry for @gpa at @leaf_level (1: 4 KiB, 2: 2 MiB), allocating the
 * tables above it; NULL when out of memory.
 */
static u64 *npt_entry(struct svm_vm *svm, u64 gpa, int leaf_level)
{
	u64 *table = hxh_page_to_va(svm->npt_root);
	int level;

	for (level = npt_levels; level > leaf_level; level--) {
		u64 *e = &table[npt_index(gpa, level)];

		if (!(*e & NPT_P)) {
			struct hxh_page *p = hxh_page_alloc(0);

			if (!p)
				return NULL;
			*e = hxh_page_to_pa(p) | NPT_TABLE;
		}
		table = hxh_pa_to_va(*e & NPT_ADDR);
	}
	return &table[npt_index(gpa, leaf_level)];
}

/*
 * Two passes: first every table the range needs (which can fail, but
 * leaves nothing visible to the guest), then the leaves (which cannot).
 * A failed call therefore never leaves entries that point at RAM that
 * the caller is about to free.
 */
int svm_npt_map_ram(struct svm_vm *svm, u64 gpa, u64 size)
{
	const struct hx_guest_ram *ram = &svm->vm.ram;
	u64 end = gpa + size, a;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (a = gpa; a < end;) {
			struct hxh_page *large = hx_ram_large(ram, a);
			bool whole = !(a & (HX_CHUNK_SIZE - 1)) &&
				     end - a >= HX_CHUNK_SIZE && large;
			int level = whole ? 2 : 1;
			u64 *e = npt_entry(svm, a, level);

			if (!e)
				return -HX_ENOMEM;
			if (pass == 1 && whole)
				*e = hxh_page_to_pa(large) | NPT_TABLE | NPT_PS;
			else if (pass == 1)
				*e = hxh_page_to_pa(hx_ram_page(ram, a)) | NPT_TABLE;
			a += whole ? HX_CHUNK_SIZE : HX_PAGE_SIZE;
		}
	}
	return 0;
}

/*
 * A 2 MiB leaf that maps @gpa becomes a table of 512 4 KiB leaves with
 * the same translations, so that one of them can change.
 */
static int npt_split(u64 *e)
{
	struct hxh_page *p;
	u64 *t, base = *e & NPT_ADDR & ~(HX_CHUNK_SIZE - 1);
	unsigned int i;

	p = hxh_page_alloc(0);
	if (!p)
		return -HX_ENOMEM;
	t = hxh_page_to_va(p);
	for (i = 0; i < 512; i++)
		t[i] = (base + ((u64)i << HX_PAGE_SHIFT)) | NPT_TABLE;
	*e = hxh_page_to_pa(p) | NPT_TABLE;
	return 0;
}

/* The 4 KiB leaf for @gpa, splitting a large leaf on the way. */
static u64 *npt_leaf(struct svm_vm *svm, u64 gpa)
{
	u64 *e = npt_entry(svm, gpa, 2);

	if (!e)
		return NULL;
	if ((*e & NPT_P) && (*e & NPT_PS) && npt_split(e))
		return NULL;
	return npt_entry(svm, gpa, 1);
}

/*
 * Put host page @pa at guest-physical @gpa, over RAM or a hole, until
 * svm_npt_unmap_page().  Every vCPU takes a fresh ASID before it runs
 * again, so no stale translation of @gpa survives.
 */
int svm_npt_map_page(struct svm_vm *svm, u64 gpa, u64 pa)
{
	u64 *e;

	if (gpa >= HX_GPA_MAX || (gpa & (HX_PAGE_SIZE - 1)))
		return -HX_EINVAL;
	e = npt_leaf(svm, gpa);
	if (!e)
		return -HX_ENOMEM;
	*e = pa | NPT_TABLE;
	__atomic_fetch_add(&svm->tlb_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* What @gpa was before: its RAM page, or nothing (a hole). */
void svm_npt_unmap_page(struct svm_vm *svm, u64 gpa)
{
	struct hxh_page *ram = hx_ram_page(&svm->vm.ram, gpa);
	u64 *e = npt_leaf(svm, gpa);

	/* The leaf exists (the page was mapped), so no allocation fails. */
	if (!e)
		return;
	*e = ram ? hxh_page_to_pa(ram) | NPT_TABLE : 0;
	__atomic_fetch_add(&svm->tlb_gen, 1, __ATOMIC_SEQ_CST);
}
