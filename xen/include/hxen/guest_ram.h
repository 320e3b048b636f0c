/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM: the guest-physical ranges that are backed by host memory.
 * Everything else in the guest-physical space is a hole (MMIO).
 *
 * RAM is kept in 2 MiB chunks aligned in guest-physical space, so that a
 * chunk backed by one contiguous 2 MiB block can be mapped with one large
 * nested-paging entry.  Chunks at the unaligned edges of a range, and
 * chunks whose large allocation failed, are backed by 4 KiB pages.
 */
#ifndef HXEN_GUEST_RAM_H
#define HXEN_GUEST_RAM_H

#include <hxen/types.h>

#define HX_PAGE_SHIFT		12
#define HX_PAGE_SIZE		(1ULL << HX_PAGE_SHIFT)
#define HX_CHUNK_ORDER		9
#define HX_CHUNK_SHIFT		(HX_PAGE_SHIFT + HX_CHUNK_ORDER)
#define HX_CHUNK_SIZE		(1ULL << HX_CHUNK_SHIFT)
#define HX_CHUNK_PAGES		(1U << HX_CHUNK_ORDER)

#define HX_RAM_MAX_RANGES	32
#define HX_RAM_MAX_BYTES	(64ULL << 30)
/* Guest-physical addresses that 4-level nested paging can map. */
#define HX_GPA_MAX		(1ULL << 48)

struct hxh_page;

struct hx_ram_chunk {
	struct hxh_page *large;		/* one 2 MiB block, or NULL */
	struct hxh_page **small;	/* else HX_CHUNK_PAGES slots */
};

struct hx_ram_range {
	u64 gpa;			/* first byte, 4 KiB aligned */
	u64 size;			/* bytes, 4 KiB multiple */
	u64 first_chunk;		/* gpa >> HX_CHUNK_SHIFT */
	u64 nr_chunks;
	struct hx_ram_chunk *chunks;
};

struct hx_guest_ram {
	struct hx_ram_range ranges[HX_RAM_MAX_RANGES];
	u32 nr_ranges;
	u64 total_bytes;
	u64 nr_pages;			/* 4 KiB host pages held */
};

/**
 * hx_ram_add() - back [@gpa, @gpa + @size) with zeroed host memory.
 *
 * Return: 0, -EINVAL for a misaligned, empty, out-of-range or overlapping
 * range, -ENOSPC past HX_RAM_MAX_RANGES or HX_RAM_MAX_BYTES, -ENOMEM if
 * the host is out of memory (nothing is kept in that case).
 */
int hx_ram_add(struct hx_guest_ram *ram, u64 gpa, u64 size);

/* Undo the last successful hx_ram_add(). */
void hx_ram_remove_last(struct hx_guest_ram *ram);

/* Return every page to the host. */
void hx_ram_free(struct hx_guest_ram *ram);

/* The 4 KiB host page behind @gpa, or NULL in a hole. */
struct hxh_page *hx_ram_page(const struct hx_guest_ram *ram, u64 gpa);

/*
 * The 2 MiB block behind the chunk containing @gpa when the whole chunk
 * is RAM in one block, else NULL.
 */
struct hxh_page *hx_ram_large(const struct hx_guest_ram *ram, u64 gpa);

/*
 * Copy @len bytes to or from guest-physical memory at @gpa, across pages
 * as needed.  Return: 0, or -HX_EFAULT (nothing copied) if any byte is
 * in a hole or past the guest-physical address space.
 */
int hx_ram_read(const struct hx_guest_ram *ram, u64 gpa, void *buf, u32 len);
int hx_ram_write(const struct hx_guest_ram *ram, u64 gpa, const void *buf,
		 u32 len);

#endif /* HXEN_GUEST_RAM_H */
