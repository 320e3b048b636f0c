/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel cache: the decompressed vmlinux of the last few bzImages
 * booted, kept in the user's cache directory so that booting the same
 * kernel again skips the decompression (seconds for a distribution
 * kernel).
 *
 * An entry is one file, <crc64 of the bzImage>.kernel, holding a header,
 * a full copy of the bzImage and the vmlinux.  A lookup compares the
 * stored bzImage byte for byte with the one being booted and checks the
 * vmlinux's CRC, so an entry is used only for exactly the image it was
 * made from, and a damaged entry is dropped instead of being booted.
 * Entries are written to a temporary file and renamed into place, and
 * the least recently used ones beyond KCACHE_MAX_ENTRIES are removed.
 *
 * The cache is a convenience: every failure to read or write it is
 * silent, and the kernel is then decompressed as usual.
 */
#ifndef IOEMU_KERNEL_CACHE_H
#define IOEMU_KERNEL_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define KCACHE_MAX_ENTRIES	3

/* A vmlinux found in the cache, mapped read-only. */
struct kcache_hit {
	const uint8_t *elf;
	size_t elf_len;
	void *map;		/* for kcache_release() */
	size_t map_len;
};

/*
 * The cache directory for this process: $HXEN_KERNEL_CACHE if set ("off"
 * turns the cache off), else $XDG_CACHE_HOME/hxen/kernels, else
 * $HOME/.cache/hxen/kernels.  Returns 0 with the path in buf, or -1 when
 * there is no cache to use.
 */
int kcache_dir(char *buf, size_t len);

/* Look the bzImage up in dir: 0 and *hit filled, or -1 (a miss). */
int kcache_get(const char *dir, const uint8_t *bz, size_t bz_len,
	       struct kcache_hit *hit);

void kcache_release(struct kcache_hit *hit);

/*
 * Store the vmlinux decompressed from bz in dir (created, mode 0700, if
 * missing), then trim the cache to KCACHE_MAX_ENTRIES.  Returns 0, or -1
 * when nothing was stored.
 */
int kcache_put(const char *dir, const uint8_t *bz, size_t bz_len,
	       const uint8_t *elf, size_t elf_len);

#endif /* IOEMU_KERNEL_CACHE_H */
