// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables: guest-physical to host-physical, in the long-mode
 * page-table format (AMD APM vol. 2, 15.25).  Guest RAM is mapped when it
 * is added and stays mapped until the VM dies, so entries only ever go
 * from not-present to present and no TLB flush is needed for them.
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
