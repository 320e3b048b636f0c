// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel cache (kernel_cache.c): where kcache_dir() looks for it,
 * entries stored and found again byte for byte, misses, damaged entries
 * dropped and foreign files left alone, trimming to the most recently
 * used KCACHE_MAX_ENTRIES, stale temporary files, and directories and
 * symlinks it has to refuse.  Everything happens below a directory made
 * in /tmp and removed at exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel_cache.h"
#include "test.h"

int test_failures;

#define HDR_LEN		32		/* struct kcache_header */
#define BIG_BZ_LEN	(100 * 1024 + 7)
#define BIG_ELF_LEN	(3 * 1024 * 1024 + 12345)
#define BZ_LEN		4096
#define ELF_LEN		(64 * 1024)
#define NR_IMAGES	5

static char tmpdir[] = "/tmp/hxen-test-kcache-XXXXXX";

struct image {
	uint8_t *bz;
	uint8_t *elf;
	size_t bz_len;
	size_t elf_len;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* xorshift64: the same bytes for the same seed. */
static void fill(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL | 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

static void image_init(struct image *im, size_t bz_len, size_t elf_len,
		       uint64_t seed)
{
	im->bz_len = bz_len;
	im->elf_len = elf_len;
	im->bz = malloc(bz_len);
	im->elf = malloc(elf_len ? elf_len : 1);
	if (!im->bz || !im->elf)
		die("malloc");
	fill(im->bz, bz_len, 2 * seed);
	fill(im->elf, elf_len, 2 * seed + 1);
}

static void image_free(struct image *im)
{
	free(im->bz);
	free(im->elf);
}

/* Paths come from a ring of buffers: each one lasts for 16 more. */
static char *path_buf(void)
{
	static char ring[16][512];
	static unsigned int next;

	return ring[next++ % 16];
}

/* name below tmpdir */
static const char *at(const char *name)
{
	char *p = path_buf();

	snprintf(p, 512, "%s/%s", tmpdir, name);
	return p;
}

/* dir/<crc64 of the bzImage>.kernel, as kernel_cache.h describes it. */
static const char *ent(const char *dir, const struct image *im)
{
	char *p = path_buf();

	snprintf(p, 512, "%s/%016llx.kernel", dir,
		 (unsigned long long)lzma_crc64(im->bz, im->bz_len, 0));
	return p;
}

/* -1 if there is nothing at path (not even a dangling symlink) */
static off_t size_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? -1 : st.st_size;
}

#define exists(path)	(size_of(path) >= 0)

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		die(path);
}

static void set_mtime(const char *path, time_t sec)
{
	struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };

	if (utimensat(AT_FDCWD, path, ts, 0))
		die(path);
}

static void flip(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	if (fd < 0 || pread(fd, &b, 1, off) != 1)
		die(path);
	b ^= 0x40;
	if (pwrite(fd, &b, 1, off) != 1 || close(fd))
		die(path);
}

/* Files in dir: all of them, or only the *.kernel ones. */
static int count(const char *dir, int entries_only)
{
	DIR *dp = opendir(dir);
	struct dirent *d;
	int n = 0;

	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		size_t l = strlen(d->d_name);

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (entries_only && (l <= 7 ||
				     strcmp(d->d_name + l - 7, ".kernel")))
			continue;
		n++;
	}
	closedir(dp);
	return n;
}

static int put(const char *dir, const struct image *im)
{
	return kcache_put(dir, im->bz, im->bz_len, im->elf, im->elf_len);
}

/* 1: a hit with exactly im's vmlinux, 0: a clean miss, -1: neither */
static int lookup(const char *dir, const struct image *im)
{
	struct kcache_hit hit = { 0 };
	int ok;

	if (kcache_get(dir, im->bz, im->bz_len, &hit))
		return hit.map ? -1 : 0;
	ok = hit.map && hit.elf_len == im->elf_len &&
	     !memcmp(hit.elf, im->elf, im->elf_len);
	kcache_release(&hit);
	return ok ? 1 : -1;
}

#define hits(dir, im)	(lookup(dir, im) == 1)
#define misses(dir, im)	(lookup(dir, im) == 0)

/* ------------------------------------------------------------------ */

static const char *const env_names[] = {
	"HXEN_KERNEL_CACHE", "XDG_CACHE_HOME", "HOME",
};

/* The environment (NULL: unset), the buffer size, the answer (NULL: -1). */
static const struct dir_case {
	const char *name;
	const char *env[3];
	size_t len;
	const char *want;
} dir_cases[] = {
	{ "kcache/dir-off", { "off", "/c", "/h" }, 256, NULL },
	{ "kcache/dir-explicit", { "/some/dir", "/c", "/h" }, 256,
	  "/some/dir" },
	{ "kcache/dir-relative", { "some/dir", "/c", "/h" }, 256, NULL },
	/* The code treats an empty HXEN_KERNEL_CACHE as unset. */
	{ "kcache/dir-empty-is-unset", { "", "/c", "/h" }, 256,
	  "/c/hxen/kernels" },
	{ "kcache/dir-xdg", { NULL, "/c", "/h" }, 256, "/c/hxen/kernels" },
	{ "kcache/dir-xdg-relative", { NULL, "c", "/h" }, 256,
	  "/h/.cache/hxen/kernels" },
	{ "kcache/dir-home", { NULL, NULL, "/h" }, 256,
	  "/h/.cache/hxen/kernels" },
	{ "kcache/dir-home-relative", { NULL, NULL, "h" }, 256, NULL },
	{ "kcache/dir-none", { NULL, NULL, NULL }, 256, NULL },
	/* "/some/dir" is 9 characters, "/c/hxen/kernels" 15. */
	{ "kcache/dir-small-buffer", { "/some/dir", NULL, NULL }, 9, NULL },
	{ "kcache/dir-exact-buffer", { "/some/dir", NULL, NULL }, 10,
	  "/some/dir" },
	{ "kcache/dir-small-buffer-xdg", { NULL, "/c", NULL }, 15, NULL },
	{ "kcache/dir-exact-buffer-xdg", { NULL, "/c", NULL }, 16,
	  "/c/hxen/kernels" },
};

static void set_env(const char *const v[3])
{
	size_t i;

	for (i = 0; i < 3; i++) {
		if (v[i])
			setenv(env_names[i], v[i], 1);
		else
			unsetenv(env_names[i]);
	}
}

static void test_dir(void)
{
	const struct dir_case *c;
	char *saved[3], buf[256];
	size_t i;
	int rc;

	for (i = 0; i < 3; i++) {
		saved[i] = getenv(env_names[i]);
		saved[i] = saved[i] ? strdup(saved[i]) : NULL;
	}
	for (i = 0; i < sizeof(dir_cases) / sizeof(dir_cases[0]); i++) {
		c = &dir_cases[i];
		set_env(c->env);
		memset(buf, 'x', sizeof(buf));
		rc = kcache_dir(buf, c->len);
		EXPECT(c->name, c->want ? rc == 0 && !strcmp(buf, c->want) :
		       rc == -1);
	}
	set_env((const char *const *)saved);
	for (i = 0; i < 3; i++)
		free(saved[i]);
}

static void test_round_trip(struct image *big)
{
	const char *dir = at("rt/a/b"), *path = ent(dir, big);
	const char *levels[] = { at("rt"), at("rt/a"), dir };
	struct kcache_hit hit = { 0 };
	struct image other = *big;
	struct stat st;
	int i, ok = 1;

	EXPECT("kcache/put-new-dir", put(dir, big) == 0);
	for (i = 0; i < 3; i++)
		ok &= !stat(levels[i], &st) && S_ISDIR(st.st_mode) &&
		      (st.st_mode & 07777) == 0700;
	EXPECT("kcache/new-dirs-0700", ok);
	/* The one file there is <crc64 as 16 hex digits>.kernel. */
	EXPECT("kcache/one-entry", count(dir, 0) == 1 && exists(path));
	EXPECT("kcache/entry-size-mode", !stat(path, &st) &&
	       st.st_size == HDR_LEN + BIG_BZ_LEN + BIG_ELF_LEN &&
	       (st.st_mode & 07777) == 0600);

	EXPECT("kcache/get-hit",
	       !kcache_get(dir, big->bz, big->bz_len, &hit) && hit.map &&
	       hit.elf_len == BIG_ELF_LEN &&
	       !memcmp(hit.elf, big->elf, BIG_ELF_LEN));
	other.elf = hit.map;		/* kept to look at after release */
	other.elf_len = hit.map_len;
	kcache_release(&hit);
	/* msync() fails with ENOMEM on an address that is not mapped. */
	EXPECT("kcache/release-unmaps", !hit.map && other.elf &&
	       msync(other.elf, other.elf_len, MS_ASYNC) == -1 &&
	       errno == ENOMEM);

	/* A miss: one byte of the bzImage differs, or its length. */
	big->bz[BIG_BZ_LEN / 2] ^= 1;
	EXPECT("kcache/miss-other-bz", misses(dir, big));
	big->bz[BIG_BZ_LEN / 2] ^= 1;
	other = *big;
	other.bz_len--;
	EXPECT("kcache/miss-shorter-bz", misses(dir, &other));
	EXPECT("kcache/miss-keeps-entry", exists(path) &&
	       count(dir, 0) == 1 && hits(dir, big));

	mkdir(at("empty"), 0700);
	EXPECT("kcache/miss-empty-dir", misses(at("empty"), big));
	EXPECT("kcache/miss-missing-dir", misses(at("missing"), big) &&
	       !exists(at("missing")));
}

static void test_damage(const struct image *im)
{
	const char *dir = at("dmg"), *path = ent(dir, &im[0]);
	const char *other = ent(dir, &im[1]);
	off_t size = HDR_LEN + BZ_LEN + ELF_LEN;
	int ok;

	ok = !put(dir, &im[0]);
	flip(path, HDR_LEN + BZ_LEN + ELF_LEN / 2);
	EXPECT("kcache/damaged-elf-dropped", ok && misses(dir, &im[0]) &&
	       !exists(path));

	ok = !put(dir, &im[0]) && !truncate(path, size / 2);
	EXPECT("kcache/truncated-dropped", ok && misses(dir, &im[0]) &&
	       !exists(path));

	/* Shorter than the header and the bzImage: the fstat() check. */
	ok = !put(dir, &im[0]) && !truncate(path, HDR_LEN + BZ_LEN - 1);
	EXPECT("kcache/truncated-short-dropped", ok &&
	       misses(dir, &im[0]) && !exists(path));

	/*
	 * Only a file with our magic and our bzImage is "damaged" and
	 * removed: anything else might be another image's entry (a CRC-64
	 * collision), so it is ignored and kept until a put replaces it.
	 */
	ok = !put(dir, &im[0]);
	flip(path, 0);
	EXPECT("kcache/wrong-magic-kept", ok && misses(dir, &im[0]) &&
	       size_of(path) == size);
	EXPECT("kcache/wrong-magic-replaced", put(dir, &im[0]) == 0 &&
	       hits(dir, &im[0]));

	/* For the same reason a flipped byte in the stored bzImage. */
	flip(path, HDR_LEN + 1);
	EXPECT("kcache/damaged-bz-copy-kept", misses(dir, &im[0]) &&
	       size_of(path) == size);

	/* A CRC-64 collision: im[0]'s entry under im[1]'s name. */
	ok = !put(dir, &im[0]) && !rename(path, other);
	EXPECT("kcache/collision-kept", ok && misses(dir, &im[1]) &&
	       size_of(other) == size && count(dir, 0) == 1);
}

static void test_trim(const struct image *im)
{
	const char *dir = at("trim"), *e[NR_IMAGES];
	time_t now = time(NULL);
	struct stat st;
	int i;

	for (i = 0; i < NR_IMAGES; i++)
		e[i] = ent(dir, &im[i]);

	/* Used in the order 1, 2, 0 (not the order they were put in). */
	put(dir, &im[0]);
	set_mtime(e[0], now - 10);
	put(dir, &im[1]);
	set_mtime(e[1], now - 300);
	put(dir, &im[2]);
	set_mtime(e[2], now - 200);
	EXPECT("kcache/trim-at-limit", count(dir, 1) == 3);
	EXPECT("kcache/trim-oldest", put(dir, &im[3]) == 0 &&
	       count(dir, 1) == 3 && !exists(e[1]) &&
	       exists(e[0]) && exists(e[2]) && exists(e[3]));
	EXPECT("kcache/trim-keeps-recent", put(dir, &im[4]) == 0 &&
	       count(dir, 0) == KCACHE_MAX_ENTRIES &&
	       exists(e[0]) && exists(e[3]) && exists(e[4]) &&
	       !exists(e[1]) && !exists(e[2]));

	/* Without the refresh, entry 0 would be the one to go. */
	set_mtime(e[0], now - 500);
	set_mtime(e[3], now - 400);
	set_mtime(e[4], now - 300);
	EXPECT("kcache/hit-refreshes-mtime", hits(dir, &im[0]) &&
	       !stat(e[0], &st) && st.st_mtime >= now - 1);
	EXPECT("kcache/refreshed-survives-trim", put(dir, &im[1]) == 0 &&
	       count(dir, 0) == 3 && exists(e[0]) &&
	       exists(e[1]) && exists(e[4]) && !exists(e[3]));
}

static void test_tmp_files(const struct image *im)
{
	const char *dir = at("tmpf"), *readme = at("tmpf/README");
	const char *abc = at("tmpf/.tmp-abc"), *def = at("tmpf/.tmp-def");
	const char *ghi = at("tmpf/.tmp-ghi");
	time_t now = time(NULL);
	int i;

	mkdir(dir, 0700);
	write_file(readme, "not an entry\n");
	write_file(abc, "left by a writer that died\n");
	write_file(def, "being written\n");
	write_file(ghi, "being written slowly\n");
	set_mtime(readme, 1);		/* older than any entry */
	set_mtime(abc, now - 7200);
	set_mtime(ghi, now - 1800);

	EXPECT("kcache/tmp-stale-removed", put(dir, &im[0]) == 0 &&
	       !exists(abc));
	EXPECT("kcache/tmp-fresh-kept", exists(def) && exists(ghi));
	for (i = 1; i < 4; i++)
		put(dir, &im[i]);
	EXPECT("kcache/readme-kept", count(dir, 1) == 3 &&
	       size_of(readme) == 13 && count(dir, 0) == 6);
}

static void test_bad_dirs(const struct image *im)
{
	const char *plain = at("plain"), *dir = at("zero");
	struct kcache_hit hit = { 0 };
	struct image zero;

	write_file(plain, "a regular file\n");
	EXPECT("kcache/put-below-file",
	       put(at("plain/cache"), &im[0]) == -1 && size_of(plain) == 15);
	EXPECT("kcache/put-onto-file", put(plain, &im[0]) == -1 &&
	       size_of(plain) == 15);

	/* An empty vmlinux is stored and found like any other. */
	image_init(&zero, BZ_LEN, 0, 99);
	EXPECT("kcache/put-empty-elf", put(dir, &zero) == 0 &&
	       size_of(ent(dir, &zero)) == HDR_LEN + BZ_LEN);
	EXPECT("kcache/get-empty-elf",
	       !kcache_get(dir, zero.bz, BZ_LEN, &hit) && hit.map &&
	       hit.elf_len == 0);
	kcache_release(&hit);
	image_free(&zero);
}

static void test_symlink(const struct image *im)
{
	const char *real = at("real"), *link = at("link");
	const char *path = ent(link, &im[2]);
	struct stat st;
	int ok;

	ok = !put(real, &im[2]) && !mkdir(link, 0700) &&
	     !symlink(ent(real, &im[2]), path);
	EXPECT("kcache/symlink-not-followed", ok && hits(real, &im[2]) &&
	       misses(link, &im[2]));
	EXPECT("kcache/symlink-left-alone", !lstat(path, &st) &&
	       S_ISLNK(st.st_mode) && hits(real, &im[2]));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void remove_tmpdir(void)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	struct image big, im[NR_IMAGES];
	int i;

	umask(022);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	atexit(remove_tmpdir);
	image_init(&big, BIG_BZ_LEN, BIG_ELF_LEN, 1);
	for (i = 0; i < NR_IMAGES; i++)
		image_init(&im[i], BZ_LEN, ELF_LEN, 10 + i);

	test_dir();
	test_round_trip(&big);
	test_damage(im);
	test_trim(im);
	test_tmp_files(im);
	test_bad_dirs(im);
	test_symlink(im);

	image_free(&big);
	for (i = 0; i < NR_IMAGES; i++)
		image_free(&im[i]);
	return test_failures ? 1 : 0;
}
