/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's grant table as domain 0's backends in ioemu use it: a grant
 * reference names a page of guest RAM the guest lets domain 0 read (and
 * maybe write).  grant_get() checks the entry and marks it in use the way
 * Xen does (GTF_reading, GTF_writing), so the guest cannot end the grant
 * while a backend still uses the page; grant_put() lets it go.
 */
#ifndef IOEMU_GRANT_H
#define IOEMU_GRANT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <xen/grant_table.h>

#include "guest_mem.h"

struct grant_pin {
	uint16_t readers;	/* grant_get() calls not yet put */
	uint16_t writers;	/* of which for writing */
	uint32_t frame;		/* the guest frame while pinned */
};

struct grant_table {
	grant_entry_v1_t *entries;	/* shared with the guest */
	uint32_t nr_entries;
	const struct guest_mem *mem;
	bool mapped;			/* entries is our mmap of the VM */
	pthread_mutex_t lock;
	struct grant_pin *pins;		/* one per entry */
	uint64_t refused;		/* grant_get() failures, for logs */
};

/*
 * Use @nr_entries entries at @entries (memory shared with the guest) for
 * grants into @mem.  Returns 0 or -ENOMEM.
 */
int grant_table_init(struct grant_table *g, void *entries,
		     uint32_t nr_entries, const struct guest_mem *mem);

/* The same, mapping the VM's grant table through its fd (ABI 1.4). */
int grant_table_map(struct grant_table *g, int vm_fd,
		    const struct guest_mem *mem);

/* Unmaps and frees; every grant must have been put. */
void grant_table_free(struct grant_table *g);

/*
 * The page granted by @ref to domain 0, for reading (or writing as well
 * when @write), or NULL when the entry does not grant that: not a
 * permit_access entry for domain 0, read-only for a write, a frame that
 * is not guest RAM, or a bad @ref.  Thread-safe.
 */
void *grant_get(struct grant_table *g, uint32_t ref, bool write);
void grant_put(struct grant_table *g, uint32_t ref, bool write);

#endif /* IOEMU_GRANT_H */
