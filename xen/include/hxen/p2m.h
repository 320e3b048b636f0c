/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-physical to host-physical tables: AMD's nested page tables and
 * Intel's extended page tables.  Both are radix trees of 512 eight-byte
 * entries per 4 KiB table, with the address in bits 51:12, bit 7 for a
 * 2 MiB leaf, and a non-zero bits 2:0 in every present entry (P/RW/US in
 * NPT, R/W/X in EPT); they differ in the levels and in what a leaf adds
 * (EPT's memory type).
 *
 * Guest RAM is mapped when it is added and stays mapped until the VM
 * dies, so its entries only ever go from not-present to present and need
 * no TLB flush.  Single pages of the hypervisor's (Xen's shared_info,
 * grant frames) can be put over RAM or a hole and taken away again;
 * those changes bump @tlb_gen, and a vCPU that sees a new one drops its
 * cached translations before it runs again.
 */
#ifndef HXEN_P2M_H
#define HXEN_P2M_H

#include <hxen/types.h>

struct hx_guest_ram;
struct hxh_page;

/* Bits of every present entry: P, RW, US (NPT) or R, W, X (EPT). */
#define HX_P2M_PRESENT		0x7ULL
#define HX_P2M_LARGE		(1ULL << 7)
#define HX_P2M_ADDR		0x000ffffffffff000ULL

/*
 * struct hx_p2m - one VM's tables
 * @root: the top-level table
 * @levels: 4 or 5
 * @leaf_flags: added to the present bits in a leaf (EPT: memory type)
 * @tlb_gen: bumped when a mapping goes away or changes
 */
struct hx_p2m {
	struct hxh_page *root;
	int levels;
	u64 leaf_flags;
	u32 tlb_gen;
};

int hx_p2m_init(struct hx_p2m *p2m, int levels, u64 leaf_flags);
void hx_p2m_free(struct hx_p2m *p2m);
/* Map guest RAM [gpa, gpa + size) as @ram holds it; 2 MiB where it can. */
int hx_p2m_map_ram(struct hx_p2m *p2m, const struct hx_guest_ram *ram,
		   u64 gpa, u64 size);
/*
 * Put host page @pa at guest-physical @gpa, over RAM or a hole, until
 * hx_p2m_unmap_page() puts back what @ram has there (or nothing).
 */
int hx_p2m_map_page(struct hx_p2m *p2m, u64 gpa, u64 pa);
void hx_p2m_unmap_page(struct hx_p2m *p2m, const struct hx_guest_ram *ram,
		       u64 gpa);

static inline u32 hx_p2m_tlb_gen(struct hx_p2m *p2m)
{
	return __atomic_load_n(&p2m->tlb_gen, __ATOMIC_ACQUIRE);
}

#endif /* HXEN_P2M_H */
