/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM as ioemu sees it: the ranges it gave the VM (HXEN_VM_ADD_RAM)
 * and where each is mapped in this process.
 */
#ifndef IOEMU_GUEST_MEM_H
#define IOEMU_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_RANGES	4
/* Low RAM ends at 3 GiB at most; the rest starts at 4 GiB. */
#define GUEST_MEM_LOW_LIMIT	0xC0000000ULL
#define GUEST_MEM_HIGH_START	0x100000000ULL

struct guest_ram_range {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

struct guest_mem {
	unsigned int nr;
	struct guest_ram_range r[GUEST_MEM_MAX_RANGES];
	uint64_t total;		/* bytes of RAM in all ranges */
};

/*
 * Host address of guest-physical [gpa, gpa + len) when it lies wholly in
 * one RAM range, else NULL (also when gpa + len overflows).
 */
void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* The end of the RAM range that starts at 0 (low RAM), 0 if none. */
uint64_t guest_mem_low_end(const struct guest_mem *m);

#endif /* IOEMU_GUEST_MEM_H */
