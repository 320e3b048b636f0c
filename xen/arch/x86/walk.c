// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's own page tables: translation of a guest-linear address to
 * a guest-physical one for the emulator, in every x86 paging mode, with
 * the CPU's permission checks and accessed/dirty updates.  Entry formats
 * from the Intel SDM vol. 3, ch. 4 and the AMD APM vol. 2, ch. 5.
 */
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/host.h>

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)
/* A 4 MiB page of 32-bit paging: bits 20:13 are address bits 39:32. */
#define PDE32_HI_SHIFT	13

#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define CR4_SMEP	(1ULL << 20)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

#define MAX_LEVELS	5
#define ENTRIES_64	512

/* Bits lo..hi, inclusive. */
static u64 bits(u32 lo, u32 hi)
{
	return (~0ULL >> (63 - hi)) & (~0ULL << lo);
}

/*
 * One walk: the entries it used (for the accessed and dirty bits) and the
 * permissions they grant together.
 */
struct walk {
	const struct hx_guest_ram *ram;
	const struct hx_paging *pg;
	u32 access;
	u32 phys_bits;
	bool nx_on;		/* EFER.NXE with PAE or long-mode tables */
	void *used[MAX_LEVELS];
	bool used64[MAX_LEVELS];
	u32 nr_used;
	bool rw, us, nx;
};

/* The entry at guest-physical @gpa (naturally aligned), or NULL. */
static void *entry_at(const struct hx_guest_ram *ram, u64 gpa)
{
	struct hxh_page *page = hx_ram_page(ram, gpa);

	if (!page)
		return NULL;
	return (u8 *)hxh_page_to_va(page) + (gpa & (HX_PAGE_SIZE - 1));
}

static void use_entry(struct walk *w, void *p, bool is64, u64 e)
{
	if (w->nr_used < MAX_LEVELS) {
		w->used[w->nr_used] = p;
		w->used64[w->nr_used] = is64;
		w->nr_used++;
	}
	w->rw = w->rw && (e & PTE_RW);
	w->us = w->us && (e & PTE_US);
	w->nx = w->nx || (w->nx_on && (e & PTE_NX));
}

/* The #PF error code of this walk's access, P and RSVD aside. */
static u32 pf_code(const struct walk *w)
{
	u32 code = w->access & (HX_PF_WRITE | HX_PF_USER);

	if ((w->access & HX_PF_FETCH) &&
	    (w->nx_on || (w->pg->cr4 & CR4_SMEP)))
		code |= HX_PF_FETCH;
	return code;
}

static int fault(const struct walk *w, u32 extra, u32 *pf_error)
{
	*pf_error = pf_code(w) | extra;
	return -HX_EFAULT;
}

/*
 * The leaf is found: check the access against the permissions of all
 * levels, then set the accessed bits and, for a write, the leaf's dirty
 * bit.
 */
static int finish(struct walk *w, u32 *pf_error)
{
	bool user = w->access & HX_PF_USER;
	bool write = w->access & HX_PF_WRITE;
	bool fetch = w->access & HX_PF_FETCH;
	u64 set;
	u32 i;

	if ((user && !w->us) ||
	    (write && !w->rw && (user || (w->pg->cr0 & CR0_WP))) ||
	    (fetch && w->nx) ||
	    (fetch && !user && w->us && (w->pg->cr4 & CR4_SMEP)))
		return fault(w, HX_PF_PRESENT, pf_error);

	for (i = 0; i < w->nr_used; i++) {
		set = PTE_A;
		if (write && i == w->nr_used - 1)
			set |= PTE_D;
		if (w->used64[i])
			__atomic_fetch_or((u64 *)w->used[i], set,
					  __ATOMIC_RELAXED);
		else
			__atomic_fetch_or((u32 *)w->used[i], (u32)set,
					  __ATOMIC_RELAXED);
	}
	return 0;
}

/* 32-bit paging: two levels of 32-bit entries, 4 KiB or 4 MiB pages. */
static int walk32(struct walk *w, u32 gla, u64 *gpa, u32 *pf_error)
{
	u32 *p, e, hi_bits;
	u64 hi;

	p = entry_at(w->ram, (w->pg->cr3 & 0xfffff000) + (gla >> 22) * 4);
	if (!p)
		return -HX_EIO;
	e = __atomic_load_n(p, __ATOMIC_RELAXED);
	if (!(e & PTE_P))
		return fault(w, 0, pf_error);
	if ((e & PTE_PS) && (w->pg->cr4 & CR4_PSE)) {
		/* PSE-36: as many high bits as MAXPHYADDR allows, 8 at most */
		hi_bits = w->phys_bits > 40 ? 8 :
			  w->phys_bits > 32 ? w->phys_bits - 32 : 0;
		if (e & bits(PDE32_HI_SHIFT + hi_bits, 21))
			return fault(w, HX_PF_PRESENT | HX_PF_RSVD, pf_error);
		hi = (e >> PDE32_HI_SHIFT) & 0xff;
		use_entry(w, p, false, e);
		*gpa = (hi << 32) | (e & 0xffc00000) | (gla & 0x3fffff);
		return finish(w, pf_error);
	}
	use_entry(w, p, false, e);

	p = entry_at(w->ram, (e & 0xfffff000) + ((gla >> 12) & 1023) * 4);
	if (!p)
		return -HX_EIO;
	e = __atomic_load_n(p, __ATOMIC_RELAXED);
	if (!(e & PTE_P))
		return fault(w, 0, pf_error);
	use_entry(w, p, false, e);
	*gpa = (e & 0xfffff000) | (gla & 0xfff);
	return finish(w, pf_error);
}

/* Reserved bits of a 64-bit entry at @level (1 = page table). */
static u64 reserved64(const struct walk *w, bool pae, u32 level, u64 e)
{
	u64 rsvd;

	if (pae && level == 3)		/* a PDPTE */
		return bits(1, 2) | bits(5, 8) | bits(w->phys_bits, 63);
	rsvd = bits(w->phys_bits, pae ? 62 : 51);
	if (!w->nx_on)
		rsvd |= PTE_NX;
	if (level >= 4)
		rsvd |= PTE_PS;
	else if (level == 3 && (e & PTE_PS))
		rsvd |= bits(13, 29);
	else if (level == 2 && (e & PTE_PS))
		rsvd |= bits(13, 20);
	return rsvd;
}

/*
 * PAE (@levels 3; the top level is the 4 PDPTEs at CR3[31:5]) and long
 * mode (@levels 4 or 5): 64-bit entries, 512 to a table.
 */
static int walk64(struct walk *w, u64 gla, u32 levels, u64 *gpa,
		  u32 *pf_error)
{
	bool pae = levels == 3;
	u64 table, e = 0, addr_mask, size, *p;
	u32 level, shift, idx;

	addr_mask = bits(12, w->phys_bits - 1);
	if (pae)
		table = w->pg->cr3 & 0xffffffe0;
	else
		table = w->pg->cr3 & addr_mask;
	for (level = levels; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		idx = (gla >> shift) & (ENTRIES_64 - 1);
		if (pae && level == 3)
			idx = (gla >> 30) & 3;
		p = entry_at(w->ram, table + idx * 8);
		if (!p)
			return -HX_EIO;
		e = __atomic_load_n(p, __ATOMIC_RELAXED);
		if (!(e & PTE_P))
			return fault(w, 0, pf_error);
		if (e & reserved64(w, pae, level, e))
			return fault(w, HX_PF_PRESENT | HX_PF_RSVD, pf_error);
		/* PDPTEs have no permission or accessed bits. */
		if (!(pae && level == 3))
			use_entry(w, p, true, e);
		if (level == 1 || (level <= 3 && !(pae && level == 3) &&
				   (e & PTE_PS)))
			break;
		table = e & addr_mask;
	}
	size = 1ULL << (12 + 9 * (level - 1));
	*gpa = (e & addr_mask & ~(size - 1)) | (gla & (size - 1));
	return finish(w, pf_error);
}

int hx_walk(const struct hx_guest_ram *ram, const struct hx_paging *pg,
	    u64 gla, u32 access, u64 *gpa, u32 *pf_error)
{
	struct walk w = {
		.ram = ram,
		.pg = pg,
		.access = access & (HX_PF_WRITE | HX_PF_USER | HX_PF_FETCH),
		.phys_bits = pg->phys_bits,
		.rw = true,
		.us = true,
	};
	bool long_mode = pg->efer & EFER_LMA;

	*pf_error = 0;
	if (!w.phys_bits || w.phys_bits > 52)
		w.phys_bits = 52;
	if (w.phys_bits < 32)
		w.phys_bits = 32;
	if (!(pg->cr0 & CR0_PG)) {
		*gpa = long_mode ? gla : (u32)gla;
		return 0;
	}
	if (!(pg->cr4 & CR4_PAE))
		return walk32(&w, (u32)gla, gpa, pf_error);
	w.nx_on = pg->efer & EFER_NXE;
	if (!long_mode)
		return walk64(&w, (u32)gla, 3, gpa, pf_error);
	return walk64(&w, gla, pg->cr4 & CR4_LA57 ? 5 : 4, gpa, pf_error);
}
