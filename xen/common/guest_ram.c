// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM ranges and the host pages behind them.
 */
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>

static u64 chunk_base(u64 chunk)
{
	return chunk << HX_CHUNK_SHIFT;
}

static unsigned int page_in_chunk(u64 gpa)
{
	return (gpa >> HX_PAGE_SHIFT) & (HX_CHUNK_PAGES - 1);
}

static void chunk_free(struct hx_ram_chunk *c)
{
	unsigned int i;

	if (c->large) {
		hxh_page_free(c->large, HX_CHUNK_ORDER);
		c->large = NULL;
	}
	if (c->small) {
		for (i = 0; i < HX_CHUNK_PAGES; i++)
			if (c->small[i])
				hxh_page_free(c->small[i], 0);
		hxh_free(c->small);
		c->small = NULL;
	}
}

static void range_free(struct hx_ram_range *r)
{
	u64 i;

	if (!r->chunks)
		return;
	for (i = 0; i < r->nr_chunks; i++)
		chunk_free(&r->chunks[i]);
	hxh_free(r->chunks);
	r->chunks = NULL;
}

/*
 * Back the part [start, end) of one chunk.  A whole chunk first tries one
 * 2 MiB block; anything else, or a failed block, gets 4 KiB pages.
 * Returns the number of 4 KiB pages allocated, or -HX_ENOMEM.
 */
static long chunk_fill(struct hx_ram_chunk *c, u64 chunk, u64 start, u64 end)
{
	u64 gpa;

	if (start == chunk_base(chunk) && end == chunk_base(chunk + 1)) {
		c->large = hxh_page_alloc(HX_CHUNK_ORDER);
		if (c->large)
			return HX_CHUNK_PAGES;
	}
	c->small = hxh_zalloc(HX_CHUNK_PAGES * sizeof(*c->small));
	if (!c->small)
		return -HX_ENOMEM;
	for (gpa = start; gpa < end; gpa += HX_PAGE_SIZE) {
		c->small[page_in_chunk(gpa)] = hxh_page_alloc(0);
		if (!c->small[page_in_chunk(gpa)])
			return -HX_ENOMEM;
	}
	return (long)((end - start) >> HX_PAGE_SHIFT);
}

static bool overlaps(const struct hx_guest_ram *ram, u64 gpa, u64 end)
{
	u32 i;

	for (i = 0; i < ram->nr_ranges; i++) {
		const struct hx_ram_range *r = &ram->ranges[i];

		if (gpa < r->gpa + r->size && r->gpa < end)
			return true;
	}
	return false;
}

int hx_ram_add(struct hx_guest_ram *ram, u64 gpa, u64 size)
{
	struct hx_ram_range r = { .gpa = gpa, .size = size };
	u64 end, chunk, pages = 0;
	long got;
	int err;

	if (!size || (gpa | size) & (HX_PAGE_SIZE - 1) ||
	    gpa >= HX_GPA_MAX || size > HX_GPA_MAX - gpa)
		return -HX_EINVAL;
	end = gpa + size;
	if (overlaps(ram, gpa, end))
		return -HX_EINVAL;
	if (ram->nr_ranges >= HX_RAM_MAX_RANGES ||
	    size > HX_RAM_MAX_BYTES - ram->total_bytes)
		return -HX_ENOSPC;

	r.first_chunk = gpa >> HX_CHUNK_SHIFT;
	r.nr_chunks = ((end - 1) >> HX_CHUNK_SHIFT) - r.first_chunk + 1;
	r.chunks = hxh_zalloc(r.nr_chunks * sizeof(*r.chunks));
	if (!r.chunks)
		return -HX_ENOMEM;

	for (chunk = 0; chunk < r.nr_chunks; chunk++) {
		u64 c = r.first_chunk + chunk;
		u64 start = gpa > chunk_base(c) ? gpa : chunk_base(c);
		u64 stop = end < chunk_base(c + 1) ? end : chunk_base(c + 1);

		if (hxh_should_stop()) {
			err = -HX_EINTR;
			goto out_free_range;
		}
		got = chunk_fill(&r.chunks[chunk], c, start, stop);
		if (got < 0) {
			err = (int)got;
			goto out_free_range;
		}
		pages += (u64)got;
	}

	ram->ranges[ram->nr_ranges++] = r;
	ram->total_bytes += size;
	ram->nr_pages += pages;
	return 0;

out_free_range:
	range_free(&r);
	return err;
}

void hx_ram_remove_last(struct hx_guest_ram *ram)
{
	struct hx_ram_range *r;
	u64 pages = 0, i;

	if (!ram->nr_ranges)
		return;
	r = &ram->ranges[--ram->nr_ranges];
	for (i = 0; i < r->nr_chunks; i++) {
		const struct hx_ram_chunk *c = &r->chunks[i];
		unsigned int p;

		if (c->large) {
			pages += HX_CHUNK_PAGES;
			continue;
		}
		for (p = 0; p < HX_CHUNK_PAGES; p++)
			pages += c->small[p] != NULL;
	}
	ram->total_bytes -= r->size;
	ram->nr_pages -= pages;
	range_free(r);
}

void hx_ram_free(struct hx_guest_ram *ram)
{
	u32 i;

	for (i = 0; i < ram->nr_ranges; i++)
		range_free(&ram->ranges[i]);
	ram->nr_ranges = 0;
	ram->total_bytes = 0;
	ram->nr_pages = 0;
}

static const struct hx_ram_range *range_of(const struct hx_guest_ram *ram,
					   u64 gpa)
{
	u32 i;

	for (i = 0; i < ram->nr_ranges; i++) {
		const struct hx_ram_range *r = &ram->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

struct hxh_page *hx_ram_page(const struct hx_guest_ram *ram, u64 gpa)
{
	const struct hx_ram_range *r = range_of(ram, gpa);
	const struct hx_ram_chunk *c;

	if (!r)
		return NULL;
	c = &r->chunks[(gpa >> HX_CHUNK_SHIFT) - r->first_chunk];
	if (c->large)
		return hxh_page_nth(c->large, page_in_chunk(gpa));
	return c->small[page_in_chunk(gpa)];
}

struct hxh_page *hx_ram_large(const struct hx_guest_ram *ram, u64 gpa)
{
	const struct hx_ram_range *r = range_of(ram, gpa);

	if (!r)
		return NULL;
	return r->chunks[(gpa >> HX_CHUNK_SHIFT) - r->first_chunk].large;
}

/*
 * Check that [@gpa, @gpa + @len) is all RAM, then copy it page by page
 * between guest RAM and @buf (@to_guest says which way).
 */
static int ram_copy(const struct hx_guest_ram *ram, u64 gpa, u8 *buf,
		    u32 len, bool to_guest)
{
	u64 a, end;
	u32 done, n;
	u8 *va;

	if (gpa >= HX_GPA_MAX || len > HX_GPA_MAX - gpa)
		return -HX_EFAULT;
	end = gpa + len;
	for (a = gpa & ~(HX_PAGE_SIZE - 1); a < end; a += HX_PAGE_SIZE)
		if (!hx_ram_page(ram, a))
			return -HX_EFAULT;
	for (done = 0; done < len; done += n) {
		a = gpa + done;
		n = (u32)(HX_PAGE_SIZE - (a & (HX_PAGE_SIZE - 1)));
		if (n > len - done)
			n = len - done;
		va = (u8 *)hxh_page_to_va(hx_ram_page(ram, a)) +
		     (a & (HX_PAGE_SIZE - 1));
		if (to_guest)
			__builtin_memcpy(va, buf + done, n);
		else
			__builtin_memcpy(buf + done, va, n);
	}
	return 0;
}

int hx_ram_read(const struct hx_guest_ram *ram, u64 gpa, void *buf, u32 len)
{
	return ram_copy(ram, gpa, buf, len, false);
}

int hx_ram_write(const struct hx_guest_ram *ram, u64 gpa, const void *buf,
		 u32 len)
{
	return ram_copy(ram, gpa, (u8 *)buf, len, true);
}
