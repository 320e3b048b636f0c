// SPDX-License-Identifier: GPL-2.0
/* Guest-physical addresses to ioemu's mappings of guest RAM. */
#include "guest_mem.h"

void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	if (gpa + len < gpa)
		return NULL;
	for (i = 0; i < m->nr; i++) {
		const struct guest_ram_range *r = &m->r[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

uint64_t guest_mem_low_end(const struct guest_mem *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->r[i].gpa == 0)
			return m->r[i].size;
	return 0;
}
