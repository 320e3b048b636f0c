// SPDX-License-Identifier: GPL-2.0
/*
 * Grant references for ioemu's backends (see grant.h).  The first use of
 * an entry sets GTF_reading (and GTF_writing for a writable use) with a
 * compare-and-swap on the flags and domid together, as Xen does, then
 * reads the frame; the last use clears them again.  Uses in between only
 * count.  The guest may change an entry it has not marked in use at any
 * time, so every entry is read once, atomically, and checked whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <hxen.h>

#include "grant.h"

#define ENTRIES_PER_FRAME	(4096 / sizeof(grant_entry_v1_t))
#define PAGE_BYTES		4096ULL

int grant_table_init(struct grant_table *g, void *entries,
		     uint32_t nr_entries, const struct guest_mem *mem)
{
	memset(g, 0, sizeof(*g));
	g->pins = calloc(nr_entries, sizeof(*g->pins));
	if (!g->pins)
		return -ENOMEM;
	g->entries = entries;
	g->nr_entries = nr_entries;
	g->mem = mem;
	pthread_mutex_init(&g->lock, NULL);
	return 0;
}

int grant_table_map(struct grant_table *g, int vm_fd,
		    const struct guest_mem *mem)
{
	size_t len = HXEN_GNTTAB_FRAMES * PAGE_BYTES;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, vm_fd,
		       (off_t)HXEN_GNTTAB_MMAP_OFFSET);
	int err;

	if (p == MAP_FAILED)
		return -errno;
	err = grant_table_init(g, p, HXEN_GNTTAB_FRAMES * ENTRIES_PER_FRAME,
			       mem);
	if (err) {
		munmap(p, len);
		return err;
	}
	g->mapped = true;
	return 0;
}

void grant_table_free(struct grant_table *g)
{
	if (!g->pins)
		return;
	if (g->mapped)
		munmap(g->entries, HXEN_GNTTAB_FRAMES * PAGE_BYTES);
	free(g->pins);
	pthread_mutex_destroy(&g->lock);
	memset(g, 0, sizeof(*g));
}

/*
 * flags (low half) and domid (high half) of an entry, as one word: the
 * guest writes them apart, but a use is only taken on both at once.
 */
static uint32_t *entry_word(grant_entry_v1_t *e)
{
	return (uint32_t *)(void *)e;
}

/* Mark entry @e in use; false if it does not grant domain 0 this use. */
static bool claim(grant_entry_v1_t *e, bool first_reader, bool first_writer)
{
	uint32_t *word = entry_word(e);
	uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE), new;
	uint16_t flags;

	do {
		flags = (uint16_t)old;
		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    (old >> 16) != 0)
			return false;
		if (first_writer && (flags & GTF_readonly))
			return false;
		new = old | (first_reader ? GTF_reading : 0) |
		      (first_writer ? GTF_writing : 0);
	} while (!__atomic_compare_exchange_n(word, &old, new, false,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return true;
}

static void release(grant_entry_v1_t *e, uint16_t bits)
{
	__atomic_fetch_and(&e->flags, (uint16_t)~bits, __ATOMIC_RELEASE);
}

void *grant_get(struct grant_table *g, uint32_t ref, bool write)
{
	struct grant_pin *pin;
	grant_entry_v1_t *e;
	bool first_reader, first_writer;
	void *page = NULL;

	if (ref >= g->nr_entries)
		return NULL;
	e = &g->entries[ref];
	pin = &g->pins[ref];
	pthread_mutex_lock(&g->lock);
	first_reader = !pin->readers;
	first_writer = write && !pin->writers;
	if (pin->readers == UINT16_MAX)
		goto out;
	if ((first_reader || first_writer) &&
	    !claim(e, first_reader, first_writer))
		goto out;
	if (first_reader)
		pin->frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
	page = guest_mem_ptr(g->mem, (uint64_t)pin->frame * PAGE_BYTES,
			     PAGE_BYTES);
	if (!page) {
		release(e, (first_reader ? GTF_reading : 0) |
			   (first_writer ? GTF_writing : 0));
		goto out;
	}
	pin->readers++;
	if (write)
		pin->writers++;
out:
	if (!page)
		g->refused++;
	pthread_mutex_unlock(&g->lock);
	return page;
}

void grant_put(struct grant_table *g, uint32_t ref, bool write)
{
	struct grant_pin *pin;
	uint16_t bits = 0;

	if (ref >= g->nr_entries)
		return;
	pin = &g->pins[ref];
	pthread_mutex_lock(&g->lock);
	if (pin->readers && (!write || pin->writers)) {
		if (write && !--pin->writers)
			bits |= GTF_writing;
		if (!--pin->readers)
			bits |= GTF_reading;
		if (bits)
			release(&g->entries[ref], bits);
	}
	pthread_mutex_unlock(&g->lock);
}
