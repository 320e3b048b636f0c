/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest boot loader: puts a Linux kernel (ELF vmlinux or bzImage), its
 * initrd, the PVH start info and the ACPI tables into guest RAM.
 *
 * Fixed guest-physical layout below 1 MiB:
 *
 *   0x00000-0x9FFFF  RAM (e820)
 *     0x6000         struct hvm_start_info
 *     0x6040         the module list (struct hvm_modlist_entry[])
 *     0x6100         the memory map (struct hvm_memmap_table_entry[])
 *     0x7000         the kernel command line (one page, NUL-terminated)
 *   0xA0000-0xDFFFF  hole (not in the e820)
 *   0xE0000-0xFFFFF  reserved (e820)
 *     0xE0000        ACPI: RSDP, then XSDT, FADT, DSDT, MADT
 *     0xFC000        console ring page (ioemu fills it)
 *     0xFD000        xenstore ring page
 *
 * Above: RAM [1 MiB, low RAM end) holds the kernel at its ELF physical
 * addresses and the initrd as high as it fits; every RAM range at or
 * above 4 GiB is RAM in the e820 too.
 *
 * The kernel is entered at boot_image.entry in 32-bit flat protected mode
 * with paging off and EBX = BOOT_START_INFO_GPA (the Xen PVH boot ABI).
 */
#ifndef IOEMU_BOOT_H
#define IOEMU_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guest_mem.h"

#define BOOT_START_INFO_GPA	0x6000
#define BOOT_MODLIST_GPA	0x6040
#define BOOT_MEMMAP_GPA		0x6100
#define BOOT_CMDLINE_GPA	0x7000
#define BOOT_CMDLINE_MAX	4096
#define BOOT_LOW_RAM_END	0xA0000
#define BOOT_ACPI_GPA		0xE0000
#define BOOT_CONSOLE_GPA	0xFC000
#define BOOT_XENSTORE_GPA	0xFD000
/* 1 MiB: the kernel and initrd go at or above this. */
#define BOOT_HIGH_GPA		0x100000

/* Largest kernel file and decompressed kernel hxen reads. */
#define BOOT_KERNEL_FILE_MAX	(256ULL << 20)
#define BOOT_UNPACKED_MAX	(512ULL << 20)

struct boot_image {
	uint64_t entry;		/* PVH 32-bit entry point (physical) */
	uint64_t kernel_start;	/* guest-physical span of the loaded */
	uint64_t kernel_end;	/* segments, bss included; end exclusive */
};

/*
 * Load an ELF vmlinux (ELF64 or ELF32, x86) with a PVH entry note, or a
 * bzImage (boot protocol >= 2.08) whose payload is a gzip, xz or zstd
 * compressed ELF vmlinux.  Segments go at their p_paddr, bss zeroed.
 * Returns 0, or -1 with a one-line message in err.
 */
int boot_load_kernel(const struct guest_mem *m, const char *path,
		     struct boot_image *img, char *err, size_t errlen);

/*
 * The same, but a bzImage's decompressed vmlinux is looked up in, and
 * else stored in, the kernel cache in cache_dir (see kernel_cache.h);
 * NULL: no cache.
 */
int boot_load_kernel_cached(const struct guest_mem *m, const char *path,
			    const char *cache_dir, struct boot_image *img,
			    char *err, size_t errlen);

struct boot_params_in {
	const char *cmdline;		/* may be NULL: empty */
	const char *initrd_path;	/* may be NULL: no initrd */
	unsigned int nr_vcpus;		/* for the MADT */
	int acpi;			/* build ACPI tables, set rsdp_paddr */
};

/*
 * Place the initrd (page-aligned, as high as possible in RAM between
 * 1 MiB and the end of low RAM, clear of the kernel), then write
 * hvm_start_info version 1 with the memory map, command line and module
 * list at the fixed addresses above, and the ACPI tables if asked.
 * Returns 0, or -1 with a one-line message in err.
 */
int boot_write_info(const struct guest_mem *m, const struct boot_image *img,
		    const struct boot_params_in *p, char *err, size_t errlen);

/* The pieces of the loader, shared between its files and the tests. */

/* Load an ELF kernel that is already in memory (see boot_load_kernel). */
int boot_load_elf(const struct guest_mem *m, const uint8_t *elf, size_t size,
		  struct boot_image *img, char *err, size_t errlen);

/*
 * Take the compressed payload out of a bzImage and decompress it into a
 * new malloc()ed buffer (*out, *out_len) the caller frees.
 * Returns 0, or -1 with err (and nothing to free).
 */
int boot_unpack_bzimage(const uint8_t *file, size_t size,
			uint8_t **out, size_t *out_len, char *err,
			size_t errlen);

/*
 * Decompress one kernel payload (format told by its magic), producing at
 * most max_out bytes; bytes after the end of the compressed stream are
 * ignored.  Same result convention as boot_unpack_bzimage().
 */
int boot_unpack_payload(const uint8_t *payload, size_t len, size_t max_out,
			uint8_t **out, size_t *out_len, char *err,
			size_t errlen);

/* Whether file looks like a bzImage ("HdrS" in its setup header). */
int boot_is_bzimage(const uint8_t *file, size_t size);

/*
 * read() until len bytes or end of file, retrying on EINTR.  Returns the
 * bytes read (short only at end of file) or -1 with errno.
 */
ssize_t boot_read_full(int fd, void *buf, size_t len);

/* snprintf() into err when there is room for it; returns -1. */
int boot_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* IOEMU_BOOT_H */
