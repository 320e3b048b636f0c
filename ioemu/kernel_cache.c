// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel cache (see kernel_cache.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "libhxen.h"
#include "kernel_cache.h"

#define KCACHE_MAGIC		"HXKCACH1"
#define KCACHE_SUFFIX		".kernel"
#define KCACHE_TMP_PREFIX	".tmp-"
/* A temporary file this old was left by a writer that died. */
#define KCACHE_TMP_STALE_SEC	3600

struct kcache_header {
	char magic[8];
	uint64_t bz_len;
	uint64_t elf_len;
	uint32_t elf_crc;	/* zlib crc32 of the vmlinux */
	uint32_t pad;
};

static int join(char *buf, size_t len, const char *a, const char *b)
{
	int n = snprintf(buf, len, "%s%s", a, b);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int kcache_dir(char *buf, size_t len)
{
	const char *env = getenv("HXEN_KERNEL_CACHE");
	const char *base;

	if (env && *env) {
		if (!strcmp(env, "off") || env[0] != '/')
			return -1;
		return join(buf, len, env, "");
	}
	base = getenv("XDG_CACHE_HOME");
	if (base && base[0] == '/')
		return join(buf, len, base, "/hxen/kernels");
	base = getenv("HOME");
	if (base && base[0] == '/')
		return join(buf, len, base, "/.cache/hxen/kernels");
	return -1;
}

static int entry_path(char *buf, size_t len, const char *dir,
		      const uint8_t *bz, size_t bz_len)
{
	uint64_t crc = lzma_crc64(bz, bz_len, 0);
	int n = snprintf(buf, len, "%s/%016llx%s", dir,
			 (unsigned long long)crc, KCACHE_SUFFIX);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static uint32_t crc_of(const uint8_t *p, size_t len)
{
	return (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), p, len);
}

int kcache_get(const char *dir, const uint8_t *bz, size_t bz_len,
	       struct kcache_hit *hit)
{
	const struct kcache_header *h;
	char path[PATH_MAX];
	struct stat st;
	bool damaged = false;
	uint8_t *map;
	int fd;

	if (entry_path(path, sizeof(path), dir, bz, bz_len))
		return -1;
	/* Not blocking on a FIFO someone left under the entry's name. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < sizeof(*h) + bz_len) {
		damaged = S_ISREG(st.st_mode);
		close(fd);
		goto miss;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return -1;
	}
	h = (const struct kcache_header *)map;
	if (memcmp(h->magic, KCACHE_MAGIC, sizeof(h->magic)) ||
	    h->bz_len != bz_len ||
	    h->elf_len != (uint64_t)st.st_size - sizeof(*h) - bz_len ||
	    memcmp(map + sizeof(*h), bz, bz_len) ||
	    crc_of(map + sizeof(*h) + bz_len, (size_t)h->elf_len) !=
	    h->elf_crc) {
		/* Another image with the same CRC-64 is left alone. */
		damaged = !memcmp(h->magic, KCACHE_MAGIC, sizeof(h->magic)) &&
			  h->bz_len == bz_len &&
			  !memcmp(map + sizeof(*h), bz, bz_len);
		munmap(map, (size_t)st.st_size);
		close(fd);
		goto miss;
	}
	/* Most recently used: the last one trimming removes. */
	futimens(fd, NULL);
	close(fd);
	hit->map = map;
	hit->map_len = (size_t)st.st_size;
	hit->elf = map + sizeof(*h) + bz_len;
	hit->elf_len = (size_t)h->elf_len;
	return 0;
miss:
	if (damaged)
		unlink(path);
	return -1;
}

void kcache_release(struct kcache_hit *hit)
{
	if (hit->map)
		munmap(hit->map, hit->map_len);
	hit->map = NULL;
}

/* mkdir -p, new levels mode 0700. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	char *p;

	if (join(path, sizeof(path), dir, ""))
		return -1;
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

struct kcache_entry {
	char name[NAME_MAX + 1];
	struct timespec mtime;
};

static int older(const void *a, const void *b)
{
	const struct kcache_entry *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool is_entry_name(const char *name)
{
	size_t n = strlen(name), s = strlen(KCACHE_SUFFIX);

	return n > s && !strcmp(name + n - s, KCACHE_SUFFIX) &&
	       name[0] != '.';
}

/* Keep the KCACHE_MAX_ENTRIES most recently used entries. */
static void trim(const char *dir)
{
	struct kcache_entry *e = NULL, *grown;
	size_t n = 0, cap = 0, i;
	time_t now = time(NULL);
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int dfd;

	dp = opendir(dir);
	if (!dp)
		return;
	dfd = dirfd(dp);
	while ((d = readdir(dp))) {
		bool tmp = !strncmp(d->d_name, KCACHE_TMP_PREFIX,
				    strlen(KCACHE_TMP_PREFIX));

		if ((!tmp && !is_entry_name(d->d_name)) ||
		    fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (tmp) {
			if (now - st.st_mtime > KCACHE_TMP_STALE_SEC)
				unlinkat(dfd, d->d_name, 0);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(e, cap * sizeof(*e));
			if (!grown)
				goto out;
			e = grown;
		}
		snprintf(e[n].name, sizeof(e[n].name), "%s", d->d_name);
		e[n].mtime = st.st_mtim;
		n++;
	}
	if (n > KCACHE_MAX_ENTRIES) {
		qsort(e, n, sizeof(*e), older);
		for (i = 0; i < n - KCACHE_MAX_ENTRIES; i++)
			unlinkat(dfd, e[i].name, 0);
	}
out:
	free(e);
	closedir(dp);
}

int kcache_put(const char *dir, const uint8_t *bz, size_t bz_len,
	       const uint8_t *elf, size_t elf_len)
{
	struct kcache_header h = {
		.bz_len = bz_len,
		.elf_len = elf_len,
		.elf_crc = crc_of(elf, elf_len),
	};
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, ok;

	memcpy(h.magic, KCACHE_MAGIC, sizeof(h.magic));
	if (make_dirs(dir) ||
	    entry_path(path, sizeof(path), dir, bz, bz_len) ||
	    snprintf(tmp, sizeof(tmp), "%s/%sXXXXXX", dir,
		     KCACHE_TMP_PREFIX) >= (int)sizeof(tmp))
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = !hxen_write_all(fd, &h, sizeof(h)) &&
	     !hxen_write_all(fd, bz, bz_len) &&
	     !hxen_write_all(fd, elf, elf_len);
	if (close(fd))
		ok = 0;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	trim(dir);
	return 0;
}
