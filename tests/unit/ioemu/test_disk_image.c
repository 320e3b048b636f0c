// SPDX-License-Identifier: GPL-2.0
/*
 * The disk image layer (disk_image.c, disk_raw.c, disk_qcow2.c): raw
 * images (round trip, size, read-only, discard, locks, files it refuses)
 * and qcow2 images checked against qemu-img and qemu-io: data written
 * here must pass 'qemu-img check', read back with 'qemu-io read -P' and
 * compare equal to a raw image written alike; data written by qemu-io
 * must read back here; discard; images refused with their messages;
 * random damage to an image; concurrent writers; and a writer killed
 * with SIGKILL.  Everything happens below a directory made in /tmp and
 * removed at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "disk_image.h"
#include "test.h"

int test_failures;

#define KiB		1024ULL
#define MiB		(1024 * KiB)
#define GiB		(1024 * MiB)
#define MAX_IOV		128
#define MAX_OPS		64
#define ERRLEN		512
#define L2_COPIED	(1ULL << 63)
#define OFFSET_MASK	0x00fffffffffffe00ULL

static char tmpdir[] = "/tmp/hxen-test-disk-XXXXXX";
static char out[16384];		/* what the last sh() printed */

struct op {
	uint64_t off;
	uint64_t len;
	int pattern;		/* a byte, or -1: pseudo-random data */
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The same bytes for the same seed. */
static void fill(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL | 1;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(next_rand(&x) >> 24);
}

static void *xmalloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p)
		die("malloc");
	return p;
}

/* Strings come from a ring of buffers: each one lasts for 16 more. */
__attribute__((format(printf, 1, 2)))
static const char *fmt(const char *f, ...)
{
	static char ring[16][512];
	static unsigned int next;
	char *p = ring[next++ % 16];
	va_list ap;

	va_start(ap, f);
	vsnprintf(p, 512, f, ap);
	va_end(ap);
	return p;
}

static const char *at(const char *name)
{
	return fmt("%s/%s", tmpdir, name);
}

/* Run a shell command, its output in out[]: the exit status or -1. */
__attribute__((format(printf, 1, 2)))
static int sh(const char *f, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *p;
	size_t n;
	int st;

	va_start(ap, f);
	vsnprintf(cmd, sizeof(cmd) - 8, f, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p)
		die("popen");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	while (fread(cmd, 1, sizeof(cmd), p) > 0)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void mkqcow2(const char *path, const char *opts, uint64_t size)
{
	if (sh("qemu-img create -q -f qcow2 %s%s %s %llu", opts ? "-o " : "",
	       opts ? opts : "", path, (unsigned long long)size)) {
		fprintf(stderr, "qemu-img create %s: %s\n", path, out);
		exit(2);
	}
}

static int mkraw(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)size))
		die(path);
	return fd;
}

static void patch(const char *path, uint64_t off, const void *p, size_t len)
{
	int fd = open(path, O_RDWR);

	if (fd < 0 || pwrite(fd, p, len, (off_t)off) != (ssize_t)len ||
	    close(fd))
		die(path);
}

static void patch_be32(const char *path, uint64_t off, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	patch(path, off, b, 4);
}

static void patch_be64(const char *path, uint64_t off, uint64_t v)
{
	patch_be32(path, off, (uint32_t)(v >> 32));
	patch_be32(path, off + 4, (uint32_t)v);
}

static uint64_t read_be(const char *path, uint64_t off, int bytes)
{
	uint8_t b[8];
	uint64_t v = 0;
	int fd = open(path, O_RDONLY), i;

	if (fd < 0 || pread(fd, b, (size_t)bytes, (off_t)off) != bytes)
		die(path);
	close(fd);
	for (i = 0; i < bytes; i++)
		v = v << 8 | b[i];
	return v;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static void copy_file(const char *from, const char *to)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "cp %s %s", from, to);
	if (sh("%s", cmd))
		die(cmd);
}

/* @len bytes at @off in requests of up to MAX_IOV pieces of 512..4096. */
static int io_scattered(struct disk_image *d, bool write, uint8_t *buf,
			uint64_t off, size_t len, uint64_t *rs)
{
	struct iovec iov[MAX_IOV];
	size_t done = 0, start, piece;
	int n, r;

	while (done < len) {
		start = done;
		for (n = 0; done < len && n < MAX_IOV; n++) {
			piece = 512 * (1 + next_rand(rs) % 8);
			if (piece > len - done)
				piece = len - done;
			iov[n].iov_base = buf + done;
			iov[n].iov_len = piece;
			done += piece;
		}
		r = write ? disk_pwritev(d, iov, n, off + start) :
			    disk_preadv(d, iov, n, off + start);
		if (r)
			return r;
	}
	return 0;
}

static struct disk_image *open_img(const char *path, enum disk_format f,
				   bool ro)
{
	char err[ERRLEN];
	struct disk_image *d = disk_open(path, f, ro, err, sizeof(err));

	if (!d)
		printf("  disk_open: %s\n", err);
	return d;
}

/* disk_open() fails with exactly "'path': why". */
static bool refused(const char *path, enum disk_format f, bool ro,
		    const char *why)
{
	char err[ERRLEN], want[ERRLEN];
	struct disk_image *d = disk_open(path, f, ro, err, sizeof(err));

	if (d) {
		printf("  %s: opened, expected \"%s\"\n", path, why);
		disk_close(d);
		return false;
	}
	snprintf(want, sizeof(want), "'%s': %s", path, why);
	if (strcmp(err, want)) {
		printf("  got:  %s\n  want: %s\n", err, want);
		return false;
	}
	return true;
}

/* ---- raw ---- */

static bool raw_round_trip(struct disk_image *d, uint64_t size)
{
	static const uint64_t offs[] = { 0, 512, 65536 - 1024, 3 * MiB + 512 };
	uint8_t *a = xmalloc(300 * KiB), *b = xmalloc(300 * KiB);
	uint64_t rs = 42;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		fill(a, 300 * KiB, i + 1);
		ok &= !io_scattered(d, true, a, offs[i], 300 * KiB, &rs);
		memset(b, 0xee, 300 * KiB);
		ok &= !io_scattered(d, false, b, offs[i], 300 * KiB, &rs);
		ok &= !memcmp(a, b, 300 * KiB);
	}
	fill(a, 512, 99);
	ok &= !io_scattered(d, true, a, size - 512, 512, &rs);
	ok &= !io_scattered(d, false, b, size - 512, 512, &rs) &&
	      !memcmp(a, b, 512);
	free(a);
	free(b);
	return ok;
}

static bool bad_args_refused(struct disk_image *d)
{
	uint8_t buf[1024];
	struct iovec iov = { .iov_base = buf, .iov_len = 512 };
	struct iovec odd = { .iov_base = buf, .iov_len = 700 };
	uint64_t size = disk_size(d);

	return disk_preadv(d, &iov, 1, 100) == -EINVAL &&
	       disk_preadv(d, &odd, 1, 0) == -EINVAL &&
	       disk_preadv(d, &iov, 1, size) == -EINVAL &&
	       disk_pwritev(d, &iov, 1, size - 256) == -EINVAL &&
	       disk_pwritev(d, &iov, 1, UINT64_MAX - 511) == -EINVAL &&
	       disk_discard(d, 0, size + 512) == -EINVAL &&
	       disk_preadv(d, &iov, 0, 0) == 0;
}

static bool reads_zero(struct disk_image *d, uint64_t off, size_t len)
{
	uint8_t *b = xmalloc(len);
	uint64_t rs = 7;
	bool ok = !io_scattered(d, false, b, off, len, &rs);
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = !b[i];
	free(b);
	return ok;
}

static void test_raw_locks(const char *img)
{
	struct disk_image *rw, *ro, *ro2;
	const char *locked = "in use by another VM (locked)";

	rw = open_img(img, DISK_FORMAT_RAW, false);
	EXPECT("disk/raw/lock-rw-rw", rw &&
	       refused(img, DISK_FORMAT_RAW, false, locked));
	EXPECT("disk/raw/lock-rw-ro", rw &&
	       refused(img, DISK_FORMAT_RAW, true, locked));
	disk_close(rw);
	ro = open_img(img, DISK_FORMAT_RAW, true);
	ro2 = open_img(img, DISK_FORMAT_RAW, true);
	EXPECT("disk/raw/lock-ro-ro", ro && ro2);
	EXPECT("disk/raw/lock-ro-rw",
	       refused(img, DISK_FORMAT_RAW, false, locked));
	disk_close(ro);
	disk_close(ro2);
	rw = open_img(img, DISK_FORMAT_RAW, false);
	EXPECT("disk/raw/lock-released", rw);
	disk_close(rw);
}

static void test_raw(void)
{
	const char *img = at("raw.img"), *odd = at("odd.img");
	struct iovec iov;
	struct disk_image *d;
	uint8_t buf[4096];

	close(mkraw(img, 16 * MiB));
	close(mkraw(odd, 16 * MiB + 700));
	d = open_img(odd, DISK_FORMAT_RAW, true);
	EXPECT("disk/raw/size-rounded", d && disk_size(d) == 16 * MiB + 512);
	disk_close(d);

	d = open_img(img, DISK_FORMAT_RAW, false);
	if (!d) {
		EXPECT("disk/raw/open", 0);
		return;
	}
	EXPECT("disk/raw/size", disk_size(d) == 16 * MiB &&
	       !disk_read_only(d) && disk_can_discard(d));
	EXPECT("disk/raw/round-trip", raw_round_trip(d, 16 * MiB));
	EXPECT("disk/raw/bad-args", bad_args_refused(d));
	EXPECT("disk/raw/discard", !disk_discard(d, 3 * MiB, MiB) &&
	       reads_zero(d, 3 * MiB, MiB) && !disk_flush(d));
	disk_close(d);

	d = open_img(img, DISK_FORMAT_RAW, true);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	EXPECT("disk/raw/read-only", d && disk_read_only(d) &&
	       !disk_can_discard(d) && !disk_preadv(d, &iov, 1, 0) &&
	       disk_pwritev(d, &iov, 1, 0) == -EROFS &&
	       disk_discard(d, 0, 4096) == -EROFS && !disk_flush(d));
	disk_close(d);
	disk_close(NULL);
	test_raw_locks(img);

	EXPECT("disk/raw/refuse-missing", refused(at("none"), DISK_FORMAT_RAW,
	       false, "No such file or directory"));
	EXPECT("disk/raw/refuse-dir", refused(tmpdir, DISK_FORMAT_RAW, true,
	       "Is a directory"));
	if (mkfifo(at("fifo"), 0600))
		die("mkfifo");
	/* Without a writer at the other end, a blocking open would hang. */
	EXPECT("disk/raw/refuse-fifo", refused(at("fifo"), DISK_FORMAT_RAW,
	       true, "not a regular file or block device"));
}

/* ---- qcow2: writing, then checking with qemu ---- */

/* Writes that cover the interesting cases for this cluster size. */
static int make_ops(uint64_t cs, uint64_t size, struct op *ops)
{
	int n = 0, i;

	ops[n++] = (struct op){ 0, 4096, 0x11 };		/* 1st cluster */
	ops[n++] = (struct op){ 16 * cs + cs - 1024, 2048, 0x22 };
	ops[n++] = (struct op){ size - 512, 512, 0x33 };	/* last sector */
	ops[n++] = (struct op){ 32 * cs + 512, 3 * cs + 1024, -1 };
	ops[n++] = (struct op){ 48 * cs + 1024, 512, 0x44 };	/* mid cluster */
	for (i = 0; i < 24; i++) {		/* sparse, far apart */
		uint64_t off = (size / 24) * i + 64 * cs + (i * 1536) % cs;

		off &= ~511ULL;
		ops[n++] = (struct op){ off, 512 * (1 + i % 9),
					i % 2 ? -1 : 0x50 + i };
	}
	ops[n++] = (struct op){ 1024, 1024, 0x66 };	/* rewrite in place */
	ops[n++] = (struct op){ 32 * cs, 2 * cs, 0x77 };	/* partly again */
	if (cs == 512)		/* beyond what one refcount table cluster covers */
		ops[n++] = (struct op){ size / 2, 10 * MiB, -1 };
	return n;
}

static uint8_t *op_data(const struct op *o, int i)
{
	uint8_t *buf = xmalloc(o->len);

	if (o->pattern >= 0)
		memset(buf, o->pattern, o->len);
	else
		fill(buf, o->len, o->off * 31 + (uint64_t)i);
	return buf;
}

/* Each op through @d and into the raw reference file @ref. */
static bool apply_ops(struct disk_image *d, int ref, const struct op *ops,
		      int n)
{
	uint64_t rs = 12345;
	bool ok = true;
	uint8_t *buf;
	int i, r;

	for (i = 0; i < n; i++) {
		buf = op_data(&ops[i], i);
		r = io_scattered(d, true, buf, ops[i].off, ops[i].len, &rs);
		if (r) {
			printf("  write %llu+%llu: %s\n",
			       (unsigned long long)ops[i].off,
			       (unsigned long long)ops[i].len, strerror(-r));
			ok = false;
		}
		if (pwrite(ref, buf, ops[i].len, (off_t)ops[i].off) !=
		    (ssize_t)ops[i].len)
			die("pwrite");
		free(buf);
	}
	return ok;
}

/* @d and @ref agree on [off, off + len). */
static bool same(struct disk_image *d, int ref, uint64_t off, uint64_t len)
{
	uint8_t *a = xmalloc(len), *b = xmalloc(len);
	uint64_t rs = off | 1;
	bool ok;

	ok = !io_scattered(d, false, a, off, len, &rs) &&
	     pread(ref, b, len, (off_t)off) == (ssize_t)len &&
	     !memcmp(a, b, len);
	if (!ok)
		printf("  differs in %llu+%llu\n", (unsigned long long)off,
		       (unsigned long long)len);
	free(a);
	free(b);
	return ok;
}

/* Every op's range and some of what surrounds it. */
static bool verify_ops(struct disk_image *d, int ref, const struct op *ops,
		       int n)
{
	uint64_t size = disk_size(d), lo, hi;
	bool ok = true;
	int i;

	for (i = 0; i < n; i++) {
		lo = ops[i].off > 4096 ? ops[i].off - 4096 : 0;
		hi = ops[i].off + ops[i].len + 4096;
		if (hi > size)
			hi = size;
		ok &= same(d, ref, lo, hi - lo);
	}
	return ok;
}

static bool overlaps(const struct op *a, const struct op *b)
{
	return a->off < b->off + b->len && b->off < a->off + a->len;
}

/* qemu-io reads every pattern no later op overwrote. */
static bool qemu_io_verify(const char *img, const struct op *ops, int n)
{
	char cmd[8192];
	size_t len = 0;
	int i, j, r;

	for (i = 0; i < n; i++) {
		if (ops[i].pattern < 0)
			continue;
		for (j = i + 1; j < n && !overlaps(&ops[i], &ops[j]); j++)
			;
		if (j < n)
			continue;
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len,
					" -c 'read -P 0x%02x %llu %llu'",
					ops[i].pattern,
					(unsigned long long)ops[i].off,
					(unsigned long long)ops[i].len);
		if (len >= sizeof(cmd))
			return false;
	}
	r = sh("qemu-io -f qcow2 -r%s %s", cmd, img);
	if (r || strstr(out, "fail"))
		printf("  qemu-io: %s\n", out);
	return !r && !strstr(out, "fail");
}

static bool qemu_check(const char *img)
{
	int r = sh("qemu-img check %s", img);

	if (r)
		printf("  qemu-img check (%d): %s\n", r, out);
	return !r;
}

static bool qemu_compare(const char *img, const char *ref)
{
	int r = sh("qemu-img compare -f qcow2 -F raw %s %s", img, ref);

	if (r)
		printf("  qemu-img compare (%d): %s\n", r, out);
	return !r;
}

/* Write the ops to @img (made by someone else), then check everything. */
static void exercise(const char *tag, const char *img, uint64_t cs)
{
	struct op ops[MAX_OPS];
	struct disk_image *d;
	uint64_t size;
	int n, ref;

	d = open_img(img, DISK_FORMAT_QCOW2, false);
	EXPECT(fmt("disk/%s/open", tag), d);
	if (!d)
		return;
	size = disk_size(d);
	ref = mkraw(fmt("%s.ref", img), size);
	n = make_ops(cs, size, ops);
	EXPECT(fmt("disk/%s/write", tag), apply_ops(d, ref, ops, n));
	EXPECT(fmt("disk/%s/read-back", tag), verify_ops(d, ref, ops, n));
	if (size <= 64 * MiB)
		EXPECT(fmt("disk/%s/read-all", tag), same(d, ref, 0, size));
	EXPECT(fmt("disk/%s/flush", tag), !disk_flush(d));
	disk_close(d);
	EXPECT(fmt("disk/%s/qemu-img-check", tag), qemu_check(img));
	EXPECT(fmt("disk/%s/qemu-io-read", tag), qemu_io_verify(img, ops, n));
	EXPECT(fmt("disk/%s/qemu-img-compare", tag),
	       qemu_compare(img, fmt("%s.ref", img)));
	d = open_img(img, DISK_FORMAT_QCOW2, true);
	EXPECT(fmt("disk/%s/reopen-read-back", tag),
	       d && verify_ops(d, ref, ops, n));
	disk_close(d);
	close(ref);
}

static void test_qcow2_sizes(void)
{
	const char *img;

	img = at("c64k.qcow2");
	mkqcow2(img, NULL, 8 * GiB);
	exercise("qcow2-64k", img, 64 * KiB);

	img = at("c4k.qcow2");
	mkqcow2(img, "cluster_size=4096", GiB);
	exercise("qcow2-4k", img, 4096);

	img = at("c512.qcow2");
	mkqcow2(img, "cluster_size=512", 64 * MiB);
	exercise("qcow2-512", img, 512);
	/* One table cluster covered 8 MiB; 10 MiB were written. */
	EXPECT("disk/qcow2-512/refcount-table-grown",
	       read_be(img, 56, 4) > 1 && read_be(img, 48, 8) != 512);

	img = at("v2.qcow2");
	mkqcow2(img, "compat=0.10,cluster_size=4096", 256 * MiB);
	exercise("qcow2-v2", img, 4096);
	EXPECT("disk/qcow2-v2/still-v2", read_be(img, 4, 4) == 2);
}

static void test_createimg(void)
{
	static const char *const where[] = {
		"../../../userspace/createimg/createimg",
		"userspace/createimg/createimg",
	};
	const char *tool = getenv("HXEN_CREATEIMG"), *img = at("ci.qcow2");
	unsigned int i;

	for (i = 0; (!tool || access(tool, X_OK)) && i < 2; i++)
		tool = where[i];
	if (!tool || access(tool, X_OK)) {
		printf("SKIP: ioemu/disk/createimg: createimg is not built\n");
		return;
	}
	if (sh("%s -f qcow2 %s 2G", tool, img)) {
		EXPECT("disk/createimg/create", 0);
		printf("  %s\n", out);
		return;
	}
	exercise("createimg", img, 1ULL << read_be(img, 20, 4));
}

/* ---- qcow2: data written by qemu-io ---- */

static bool holds(struct disk_image *d, uint64_t off, size_t len, int byte)
{
	uint8_t *b = xmalloc(len);
	uint64_t rs = 3;
	bool ok = !io_scattered(d, false, b, off, len, &rs);
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = b[i] == byte;
	free(b);
	return ok;
}

static void test_qemu_written(void)
{
	const char *img = at("qemu.qcow2");
	struct disk_image *d;
	uint8_t buf[4096];
	uint64_t rs = 5;

	mkqcow2(img, NULL, 64 * MiB);
	if (sh("qemu-io -f qcow2 -c 'write -P 0x5a 1M 192k' "
	       "-c 'write -P 0x33 0 4k' -c 'write -P 0x77 8M 64k' "
	       "-c 'write -z 8M 64k' -c 'write -z 16M 64k' %s", img))
		printf("  qemu-io: %s\n", out);
	d = open_img(img, DISK_FORMAT_QCOW2, false);
	EXPECT("disk/qemu-written/read", d && holds(d, 1 * MiB, 192 * KiB, 0x5a) &&
	       holds(d, 0, 4096, 0x33) && holds(d, 4096, 60 * KiB, 0) &&
	       holds(d, 8 * MiB, 64 * KiB, 0) &&
	       holds(d, 16 * MiB, 64 * KiB, 0));
	if (!d)
		return;
	/* Into the cluster that reads as zeros but still owns its space. */
	memset(buf, 0xc4, sizeof(buf));
	EXPECT("disk/qemu-written/zero-cluster-write",
	       !io_scattered(d, true, buf, 8 * MiB + 4096, 4096, &rs) &&
	       holds(d, 8 * MiB, 4096, 0) &&
	       holds(d, 8 * MiB + 4096, 4096, 0xc4) &&
	       holds(d, 8 * MiB + 8192, 56 * KiB, 0) &&
	       !io_scattered(d, true, buf, 16 * MiB, 4096, &rs));
	disk_close(d);
	EXPECT("disk/qemu-written/check", qemu_check(img));
	EXPECT("disk/qemu-written/qemu-io",
	       !sh("qemu-io -f qcow2 -r -c 'read -P 0 8M 4k' "
		   "-c 'read -P 0xc4 8196k 4k' -c 'read -P 0 8200k 56k' "
		   "-c 'read -P 0xc4 16M 4k' -c 'read -P 0x5a 1M 192k' %s",
		   img) && !strstr(out, "fail"));
}

/* ---- qcow2: discard ---- */

static void test_discard(const char *tag, const char *opts)
{
	const char *img = at(fmt("%s.qcow2", tag));
	uint8_t *buf = xmalloc(4 * MiB);
	struct disk_image *d;
	uint64_t rs = 11;
	off_t grown;

	mkqcow2(img, opts, 64 * MiB);
	d = open_img(img, DISK_FORMAT_QCOW2, false);
	if (!d) {
		EXPECT(fmt("disk/%s/open", tag), 0);
		free(buf);
		return;
	}
	memset(buf, 0x9d, 4 * MiB);
	EXPECT(fmt("disk/%s/discard", tag), disk_can_discard(d) &&
	       !io_scattered(d, true, buf, 0, 4 * MiB, &rs) &&
	       !disk_discard(d, MiB, MiB) &&
	       !disk_discard(d, 3 * MiB + 512, 4096) &&
	       reads_zero(d, MiB, MiB) && holds(d, 0, MiB, 0x9d) &&
	       holds(d, 2 * MiB, 2 * MiB, 0x9d));
	disk_close(d);
	grown = size_of(img);
	EXPECT(fmt("disk/%s/discard-check", tag), qemu_check(img) &&
	       !sh("qemu-io -f qcow2 -r -c 'read -P 0 1M 1M' "
		   "-c 'read -P 0x9d 3M 1M' %s", img) && !strstr(out, "fail"));
	d = open_img(img, DISK_FORMAT_QCOW2, false);
	memset(buf, 0x3e, MiB);
	EXPECT(fmt("disk/%s/rewrite", tag), d &&
	       !io_scattered(d, true, buf, MiB, MiB, &rs) &&
	       holds(d, MiB, MiB, 0x3e));
	disk_close(d);
	EXPECT(fmt("disk/%s/rewrite-reuses-space", tag),
	       size_of(img) == grown && qemu_check(img) &&
	       !sh("qemu-io -f qcow2 -r -c 'read -P 0x3e 1M 1M' %s", img) &&
	       !strstr(out, "fail"));
	free(buf);
}

/* ---- qcow2: images refused ---- */

static bool qrefused(const char *path, bool ro, const char *why)
{
	return refused(path, DISK_FORMAT_QCOW2, ro, why);
}

/* A 64k-cluster image with one cluster written; a fresh copy as @name. */
static const char *small_image(const char *name)
{
	const char *base = at("small.qcow2"), *path = at(name);

	if (size_of(base) < 0) {
		mkqcow2(base, NULL, 64 * MiB);
		if (sh("qemu-io -f qcow2 -c 'write -P 0x21 0 64k' %s", base))
			die("qemu-io");
	}
	copy_file(base, path);
	return path;
}

/* Offset of the L2 entry for guest cluster 0 of @path. */
static uint64_t l2_entry0(const char *path)
{
	return read_be(path, read_be(path, 40, 8), 8) & OFFSET_MASK;
}

static void test_refuse_header(void)
{
	const char *p;
	int fd;

	p = at("text.img");
	fd = mkraw(p, 0);
	if (write(fd, "hello, world\n", 13) != 13)
		die(p);
	close(fd);
	EXPECT("disk/refuse/not-qcow2", qrefused(p, true,
	       "not a qcow2 image") && qrefused(at("raw.img"), true,
	       "not a qcow2 image"));
	p = small_image("trunc.qcow2");
	if (truncate(p, 50))
		die(p);
	EXPECT("disk/refuse/truncated", qrefused(p, true,
	       "truncated qcow2 header"));
	p = small_image("corrupt.qcow2");
	patch_be64(p, 72, 2);
	EXPECT("disk/refuse/corrupt-bit", qrefused(p, true,
	       "marked corrupt: run 'qemu-img check -r all'"));
	p = small_image("dirty.qcow2");
	patch_be64(p, 72, 1);
	EXPECT("disk/refuse/dirty-bit", qrefused(p, false,
	       "marked dirty: run 'qemu-img check -r all'"));
	p = small_image("unknown.qcow2");
	patch_be64(p, 72, 1ULL << 40);
	EXPECT("disk/refuse/unknown-feature", qrefused(p, true,
	       "unknown qcow2 incompatible features 0x10000000000"));
	p = small_image("crypt.qcow2");
	patch_be32(p, 32, 1);
	EXPECT("disk/refuse/encrypted", qrefused(p, true,
	       "encrypted qcow2 images are not supported"));
	p = small_image("v4.qcow2");
	patch_be32(p, 4, 4);
	EXPECT("disk/refuse/version", qrefused(p, true,
	       "qcow2 version 4 is not supported"));
	p = small_image("cbits.qcow2");
	patch_be32(p, 20, 22);
	EXPECT("disk/refuse/cluster-bits", qrefused(p, true,
	       "qcow2 cluster_bits 22 is not supported (9 to 21)"));
}

static void test_refuse_qemu_made(void)
{
	const char *p, *base = at("base.qcow2");

	mkqcow2(base, NULL, 64 * MiB);
	p = at("top.qcow2");
	if (sh("qemu-img create -q -f qcow2 -b %s -F qcow2 %s", base, p))
		die("qemu-img create -b");
	EXPECT("disk/refuse/backing-file", qrefused(p, true,
	       "qcow2 backing files are not supported"));
	p = at("comp.qcow2");
	if (sh("qemu-img convert -c -O qcow2 %s %s", small_image("c.qcow2"),
	       p))
		die("qemu-img convert -c");
	EXPECT("disk/refuse/compressed", qrefused(p, true,
	       "compressed clusters are not supported"));
	p = small_image("snap.qcow2");
	if (sh("qemu-img snapshot -c s1 %s", p))
		die("qemu-img snapshot");
	EXPECT("disk/refuse/snapshot", qrefused(p, true,
	       "internal snapshots are not supported"));
	p = at("extl2.qcow2");
	mkqcow2(p, "extended_l2=on", MiB);
	EXPECT("disk/refuse/extended-l2", qrefused(p, true,
	       "qcow2 extended L2 entries are not supported"));
	p = at("datafile.qcow2");
	mkqcow2(p, fmt("data_file=%s", at("datafile.raw")), MiB);
	EXPECT("disk/refuse/data-file", qrefused(p, true,
	       "qcow2 external data files are not supported"));
	p = at("rc8.qcow2");
	mkqcow2(p, "refcount_bits=8", MiB);
	EXPECT("disk/refuse/refcount-bits", qrefused(p, true,
	       "qcow2 refcount_order 3 is not supported (only 4: 16-bit refcounts)"));
}

static void test_refuse_tables(void)
{
	struct disk_image *d;
	const char *p;
	uint64_t e, host;

	p = small_image("l1far.qcow2");
	patch_be64(p, 40, 1ULL << 40);
	EXPECT("disk/refuse/l1-beyond-eof", qrefused(p, true,
	       "corrupt qcow2 image: L1 table lies outside the file"));
	p = small_image("l1big.qcow2");
	patch_be32(p, 36, 0x7fffffff);
	EXPECT("disk/refuse/l1-size-absurd", qrefused(p, true,
	       "corrupt qcow2 image: L1 table too large"));
	p = small_image("l1small.qcow2");
	patch_be32(p, 36, 0);
	EXPECT("disk/refuse/l1-size-small", qrefused(p, true,
	       "corrupt qcow2 image: L1 table too small for the virtual size"));
	p = small_image("rtfar.qcow2");
	patch_be64(p, 48, 1ULL << 40);
	EXPECT("disk/refuse/refcount-table-beyond-eof", qrefused(p, true,
	       "corrupt qcow2 image: refcount table lies outside the file"));

	p = small_image("l2far.qcow2");
	patch_be64(p, l2_entry0(p), L2_COPIED | 1ULL << 40);
	EXPECT("disk/refuse/l2-beyond-eof", qrefused(p, true,
	       "corrupt qcow2 image: data cluster at 0x10000000000 lies outside the file"));
	p = small_image("l2odd.qcow2");
	e = read_be(p, l2_entry0(p), 8);
	patch_be64(p, l2_entry0(p), e + 512);
	EXPECT("disk/refuse/l2-unaligned", qrefused(p, true,
	       fmt("corrupt qcow2 image: unaligned data cluster offset 0x%llx",
		   (unsigned long long)((e & OFFSET_MASK) + 512))));

	/* Inconsistencies that matter only when writing. */
	p = small_image("nocopied.qcow2");
	e = read_be(p, l2_entry0(p), 8);
	host = e & OFFSET_MASK;
	patch_be64(p, l2_entry0(p), e & ~L2_COPIED);
	EXPECT("disk/refuse/no-copied-flag", qrefused(p, false,
	       fmt("qcow2 data cluster at 0x%llx lacks the copied flag: run 'qemu-img check -r all'",
		   (unsigned long long)host)));
	d = open_img(p, DISK_FORMAT_QCOW2, true);
	EXPECT("disk/refuse/no-copied-flag-read-only-ok", d);
	disk_close(d);
	p = small_image("rc0.qcow2");
	patch(p, read_be(p, read_be(p, 48, 8), 8) + 2 * (host >> 16),
	      "\0", 2);
	EXPECT("disk/refuse/refcount-zero", qrefused(p, false,
	       fmt("corrupt qcow2 image: data cluster at 0x%llx has refcount 0: run 'qemu-img check -r all'",
		   (unsigned long long)host)));
}

static void test_autoclear(void)
{
	const char *p = small_image("bitmap.qcow2");
	struct disk_image *d;

	if (sh("qemu-img bitmap --add %s bm0", p)) {
		printf("SKIP: ioemu/disk/autoclear: qemu-img bitmap: %s\n",
		       out);
		return;
	}
	d = open_img(p, DISK_FORMAT_QCOW2, true);
	disk_close(d);
	EXPECT("disk/autoclear/kept-read-only", d && read_be(p, 88, 8) == 1);
	d = open_img(p, DISK_FORMAT_QCOW2, false);
	disk_close(d);
	EXPECT("disk/autoclear/cleared-read-write",
	       d && read_be(p, 88, 8) == 0);
}

/* ---- qcow2: random damage ---- */

#define FUZZ_ROUNDS	300

struct fuzz_image {
	uint8_t *pristine;
	uint8_t *bytes;
	size_t len;
	uint64_t region[5][2];	/* offset, length of what gets damaged */
};

static void fuzz_prepare(struct fuzz_image *f)
{
	const char *p = at("fuzz0.qcow2");
	uint64_t rt;
	int fd;

	mkqcow2(p, "cluster_size=512", MiB);
	if (sh("qemu-io -f qcow2 -c 'write -P 1 0 4k' -c 'write -P 2 300k 4k' "
	       "-c 'write -P 3 900k 8k' %s", p))
		die("qemu-io");
	f->len = (size_t)size_of(p);
	f->pristine = xmalloc(f->len);
	f->bytes = xmalloc(f->len);
	fd = open(p, O_RDONLY);
	if (fd < 0 || read(fd, f->pristine, f->len) != (ssize_t)f->len)
		die(p);
	close(fd);
	memcpy(f->bytes, f->pristine, f->len);
	rt = read_be(p, 48, 8);
	f->region[0][0] = 0;
	f->region[0][1] = 112;
	f->region[1][0] = read_be(p, 40, 8);
	f->region[1][1] = 256;
	f->region[2][0] = l2_entry0(p);
	f->region[2][1] = 512;
	f->region[3][0] = rt;
	f->region[3][1] = 64;
	f->region[4][0] = read_be(p, rt, 8);
	f->region[4][1] = 128;
}

/*
 * Read the image (or its ends and some of the middle when big).  Once
 * it has been written, damaged metadata may make reads fail with EIO.
 */
static bool fuzz_read(struct disk_image *d, bool written, uint64_t *rs)
{
	static uint8_t buf[MiB];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	uint64_t size = disk_size(d), off, i, n;
	int r;

	n = size <= 16 * MiB ? (size + MiB - 1) / MiB : 18;
	for (i = 0; i < n; i++) {
		off = i * MiB;
		if (size > 16 * MiB)
			off = i == 0 ? 0 : i == 1 ? size - MiB :
			      (next_rand(rs) % (size / 512)) * 512;
		iov.iov_len = size - off < MiB ? size - off : MiB;
		r = disk_preadv(d, &iov, 1, off);
		if (r && (r != -EIO || !written)) {
			printf("  fuzz: read at %llu: %s\n",
			       (unsigned long long)off, strerror(-r));
			return false;
		}
	}
	return true;
}

/*
 * One mutation: a bit flipped, a byte replaced, or a plausible value (a
 * cluster inside the file, with random flags, or a refcount) put in an
 * L1, L2 or refcount table entry.
 */
static void fuzz_mutate(struct fuzz_image *f, uint64_t *rs)
{
	uint64_t *reg = f->region[next_rand(rs) % 5], at, v;
	uint8_t *p;
	int i;

	at = reg[0] + next_rand(rs) % reg[1];
	switch (next_rand(rs) % 4) {
	case 0:
		f->bytes[at] ^= (uint8_t)(1 << next_rand(rs) % 8);
		return;
	case 1:
		f->bytes[at] = (uint8_t)next_rand(rs);
		return;
	case 2:
		v = next_rand(rs) % (f->len / 512 + 4) * 512;
		v |= next_rand(rs) & (L2_COPIED | 1ULL << 62 | 1);
		break;
	default:
		v = (uint64_t[]){ 0, 1, 2, 0xffff }[next_rand(rs) % 4];
		v |= v << 16 | v << 32 | v << 48;
	}
	at &= ~7ULL;
	p = f->bytes + at;
	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void test_fuzz(void)
{
	const char *p = at("fuzz.qcow2");
	struct fuzz_image f;
	uint8_t buf[4096] = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int round, k, opened = 0, fd, bad = 0;
	uint64_t rs = 0xfeed;
	struct disk_image *d;
	char err[ERRLEN];

	fuzz_prepare(&f);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		memcpy(f.bytes, f.pristine, f.len);
		for (k = 1 + next_rand(&rs) % 3; k > 0; k--)
			fuzz_mutate(&f, &rs);
		fd = mkraw(p, 0);
		if (write(fd, f.bytes, f.len) != (ssize_t)f.len)
			die(p);
		close(fd);
		d = disk_open(p, DISK_FORMAT_QCOW2, round % 2, err,
			      sizeof(err));
		if (!d)
			continue;
		opened++;
		if (!fuzz_read(d, false, &rs))
			bad++;
		if (!disk_read_only(d) && disk_size(d) >= 4096) {
			disk_pwritev(d, &iov, 1, disk_size(d) / 2 & ~511ULL);
			disk_discard(d, 0, disk_size(d) & ~511ULL);
			if (!fuzz_read(d, true, &rs))
				bad++;
		}
		disk_close(d);
	}
	printf("  fuzz: %d of %d damaged images opened\n", opened,
	       FUZZ_ROUNDS);
	EXPECT("disk/qcow2-fuzz/no-crash", !bad);
	free(f.pristine);
	free(f.bytes);
}

/* ---- qcow2: concurrent writers ---- */

#define NR_WRITERS	4
#define CC_CHUNK	4096		/* one cluster: every write allocates */
#define CC_REGION	(24 * MiB)
#define CC_DISCARD_AT	(128 * MiB)

struct writer {
	struct disk_image *d;
	unsigned int id;
	int err;
};

/* Every NR_WRITERS-th chunk: the writers race for the same L2 tables. */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint8_t buf[CC_CHUNK];
	uint64_t rs = w->id + 1, k, off;

	for (k = w->id; k < CC_REGION / CC_CHUNK && !w->err; k += NR_WRITERS) {
		off = k * CC_CHUNK;
		fill(buf, CC_CHUNK, off + 1);
		w->err = io_scattered(w->d, true, buf, off, CC_CHUNK, &rs);
	}
	return NULL;
}

/* Writes and discards elsewhere meanwhile; it ends up discarded. */
static void *discarder_main(void *arg)
{
	struct writer *w = arg;
	static uint8_t buf[64 * KiB];
	uint64_t rs = 77;
	int i;

	for (i = 0; i < 64 && !w->err; i++) {
		memset(buf, i, sizeof(buf));
		w->err = io_scattered(w->d, true, buf, CC_DISCARD_AT +
				      (i % 4) * sizeof(buf), sizeof(buf), &rs);
		if (!w->err && i % 4 == 3)
			w->err = disk_discard(w->d, CC_DISCARD_AT,
					      4 * sizeof(buf));
	}
	return NULL;
}

static bool concurrent_data_ok(struct disk_image *d)
{
	uint8_t *a = xmalloc(MiB), *b = xmalloc(MiB);
	uint64_t off, k, rs = 9;
	bool ok = true;

	for (off = 0; ok && off < CC_REGION; off += MiB) {
		for (k = 0; k < MiB; k += CC_CHUNK)
			fill(a + k, CC_CHUNK, off + k + 1);
		ok = !io_scattered(d, false, b, off, MiB, &rs) &&
		     !memcmp(a, b, MiB);
	}
	free(a);
	free(b);
	return ok && reads_zero(d, CC_DISCARD_AT, 256 * KiB);
}

static void test_concurrent(void)
{
	const char *img = at("cc.qcow2");
	struct writer w[NR_WRITERS + 1];
	pthread_t t[NR_WRITERS + 1];
	struct disk_image *d;
	bool ok = true;
	unsigned int i;

	mkqcow2(img, "cluster_size=4096", 256 * MiB);
	d = open_img(img, DISK_FORMAT_QCOW2, false);
	if (!d) {
		EXPECT("disk/qcow2-threads/open", 0);
		return;
	}
	for (i = 0; i <= NR_WRITERS; i++) {
		w[i] = (struct writer){ .d = d, .id = i };
		if (pthread_create(&t[i], NULL, i < NR_WRITERS ? writer_main :
				   discarder_main, &w[i]))
			die("pthread_create");
	}
	for (i = 0; i <= NR_WRITERS; i++) {
		pthread_join(t[i], NULL);
		ok &= !w[i].err;
	}
	EXPECT("disk/qcow2-threads/write", ok);
	EXPECT("disk/qcow2-threads/read-back", concurrent_data_ok(d));
	disk_close(d);
	EXPECT("disk/qcow2-threads/qemu-img-check", qemu_check(img));
}

/* ---- qcow2: a writer killed at a random point ---- */

static void kill_child(const char *img)
{
	static uint8_t buf[64 * KiB];
	struct disk_image *d = open_img(img, DISK_FORMAT_QCOW2, false);
	uint64_t rs = (uint64_t)getpid() * 2654435761ULL, size, off, len, i;

	if (!d)
		_exit(2);
	size = disk_size(d);
	for (i = 0;; i++) {
		len = 512 * (1 + next_rand(&rs) % 128);
		off = next_rand(&rs) % ((size - len) / 512) * 512;
		memset(buf, (int)i, len);
		if (io_scattered(d, true, buf, off, len, &rs))
			_exit(3);
		if (i % 16 == 0 &&
		    disk_discard(d, off & ~(64 * KiB - 1), 64 * KiB))
			_exit(3);
	}
}

static int leaked_clusters(void)
{
	const char *line;
	int n, end;

	for (line = out; line; line = strchr(line + 1, '\n')) {
		end = 0;
		if (sscanf(line, "%d leaked clusters were found%n", &n,
			   &end) == 1 && end)
			return n;
	}
	return 0;
}

static void test_kill(void)
{
	const char *img = at("kill.qcow2");
	struct disk_image *d;
	int round, st, r, leaks;
	pid_t pid;

	for (round = 0; round < 3; round++) {
		mkqcow2(img, "cluster_size=4096", 256 * MiB);
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid)
			kill_child(img);
		usleep(150000 + round * 50000);
		kill(pid, SIGKILL);
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid");
		EXPECT(fmt("disk/qcow2-kill/%d/killed-while-writing", round),
		       WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		r = sh("qemu-img check %s", img);
		leaks = leaked_clusters();
		printf("  killed after %d ms: qemu-img check exit %d, %d leaked cluster(s), image %lld KiB\n",
		       150 + round * 50, r, leaks,
		       (long long)size_of(img) / 1024);
		if (r != 0 && r != 3)
			printf("  %s\n", out);
		EXPECT(fmt("disk/qcow2-kill/%d/qemu-img-check", round),
		       r == 0 || (r == 3 && leaks <= 1));
		d = open_img(img, DISK_FORMAT_QCOW2, false);
		EXPECT(fmt("disk/qcow2-kill/%d/reopen", round), d);
		disk_close(d);
	}
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
	umask(022);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	atexit(remove_tmpdir);
	test_raw();
	if (sh("qemu-img --version") || sh("qemu-io --version")) {
		printf("SKIP: ioemu/disk/qcow2: qemu-img or qemu-io missing\n");
		return test_failures ? 1 : 0;
	}
	test_qcow2_sizes();
	test_createimg();
	test_qemu_written();
	test_discard("qcow2-discard-4k", "cluster_size=4096");
	test_discard("qcow2-discard-64k", NULL);
	test_discard("qcow2-discard-v2", "compat=0.10");
	test_refuse_header();
	test_refuse_qemu_made();
	test_refuse_tables();
	test_autoclear();
	test_fuzz();
	test_concurrent();
	test_kill();
	return test_failures ? 1 : 0;
}
