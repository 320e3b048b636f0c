// SPDX-License-Identifier: GPL-2.0
/*
 * Disk images (see disk_image.h): opening and locking the file, checking
 * the arguments of every request, and passing it on to the raw code
 * (disk_raw.c) or the qcow2 driver (disk_qcow2.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_image.h"
#include "disk_qcow2.h"

#define DISK_SECTOR_SIZE	512

struct disk_image {
	int fd;
	bool read_only;
	atomic_bool can_discard;
	uint64_t size;		/* virtual, a multiple of 512 */
	struct qcow2 *qcow2;	/* NULL for a raw image */
};

/* "'path': what" into err */
static void fail(char *err, size_t errlen, const char *path,
		 const char *what)
{
	if (errlen)
		snprintf(err, errlen, "'%s': %s", path, what);
}

/*
 * An OFD lock on the whole file: shared for read-only, exclusive for
 * read-write.  It belongs to the open file, so it goes with the last
 * close and a second open in this process conflicts too.
 */
static int lock_image(int fd, bool read_only)
{
	struct flock fl = {
		.l_type = read_only ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
	};

	return fcntl(fd, F_OFD_SETLK, &fl) ? -errno : 0;
}

/* Open, check the file's type and lock it: the fd, or -1 with err set. */
static int open_locked(const char *path, bool read_only, struct stat *st,
		       char *err, size_t errlen)
{
	int fd, r;

	/* O_NONBLOCK: not hanging on a FIFO before its type is checked. */
	fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC |
		  O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fail(err, errlen, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st)) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st->st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode)) {
		fail(err, errlen, path, "not a regular file or block device");
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, 0)) {
		r = -errno;
		goto out;
	}
	r = lock_image(fd, read_only);
	if (r == -EAGAIN || r == -EACCES) {
		fail(err, errlen, path, "in use by another VM (locked)");
		close(fd);
		return -1;
	}
	if (!r)
		return fd;
out:
	fail(err, errlen, path, strerror(-r));
	close(fd);
	return -1;
}

/* The format-specific part of disk_open(): 0, or -1 with err set. */
static int open_format(struct disk_image *d, const char *path,
		       enum disk_format format, const struct stat *st,
		       char *err, size_t errlen)
{
	char why[256];
	uint64_t host;
	int r;

	r = raw_host_size(d->fd, st, &host);
	if (r) {
		fail(err, errlen, path, strerror(-r));
		return -1;
	}
	if (format == DISK_FORMAT_RAW) {
		d->size = host;
	} else if (format == DISK_FORMAT_QCOW2) {
		d->qcow2 = qcow2_open(d->fd, d->read_only, host, why,
				      sizeof(why));
		if (!d->qcow2) {
			fail(err, errlen, path, why);
			return -1;
		}
		d->size = qcow2_size(d->qcow2);
	} else {
		fail(err, errlen, path, "unknown image format");
		return -1;
	}
	d->size &= ~(uint64_t)(DISK_SECTOR_SIZE - 1);
	return 0;
}

struct disk_image *disk_open(const char *path, enum disk_format format,
			     bool read_only, char *err, size_t errlen)
{
	struct disk_image *d;
	struct stat st;

	d = calloc(1, sizeof(*d));
	if (!d) {
		fail(err, errlen, path, strerror(ENOMEM));
		return NULL;
	}
	d->read_only = read_only;
	atomic_init(&d->can_discard, !read_only);
	d->fd = open_locked(path, read_only, &st, err, errlen);
	if (d->fd < 0) {
		free(d);
		return NULL;
	}
	if (open_format(d, path, format, &st, err, errlen)) {
		close(d->fd);
		free(d);
		return NULL;
	}
	return d;
}

void disk_close(struct disk_image *d)
{
	if (!d)
		return;
	qcow2_close(d->qcow2);
	close(d->fd);
	free(d);
}

uint64_t disk_size(const struct disk_image *d)
{
	return d->size;
}

bool disk_read_only(const struct disk_image *d)
{
	return d->read_only;
}

bool disk_can_discard(const struct disk_image *d)
{
	return atomic_load(&d->can_discard);
}

/* The request lies inside the disk and is made of whole sectors. */
static bool range_ok(const struct disk_image *d, uint64_t offset,
		     uint64_t len)
{
	return !(offset % DISK_SECTOR_SIZE) && !(len % DISK_SECTOR_SIZE) &&
	       offset <= d->size && len <= d->size - offset;
}

static int iov_ok(const struct disk_image *d, const struct iovec *iov,
		  int iovcnt, uint64_t offset)
{
	uint64_t len = 0;
	int i;

	if (iovcnt < 0 || (iovcnt && !iov))
		return -EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > d->size)
			return -EINVAL;
		len += iov[i].iov_len;
		if (len > d->size)
			return -EINVAL;
	}
	return range_ok(d, offset, len) ? 0 : -EINVAL;
}

int disk_preadv(struct disk_image *d, const struct iovec *iov, int iovcnt,
		uint64_t offset)
{
	int r = iov_ok(d, iov, iovcnt, offset);

	if (r)
		return r;
	if (d->qcow2)
		return qcow2_preadv(d->qcow2, iov, iovcnt, offset);
	return raw_io(d->fd, false, iov, iovcnt, offset);
}

int disk_pwritev(struct disk_image *d, const struct iovec *iov, int iovcnt,
		 uint64_t offset)
{
	int r = iov_ok(d, iov, iovcnt, offset);

	if (r)
		return r;
	if (d->read_only)
		return -EROFS;
	if (d->qcow2)
		return qcow2_pwritev(d->qcow2, iov, iovcnt, offset);
	return raw_io(d->fd, true, iov, iovcnt, offset);
}

int disk_flush(struct disk_image *d)
{
	if (d->read_only)
		return 0;
	while (fdatasync(d->fd)) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int disk_discard(struct disk_image *d, uint64_t offset, uint64_t len)
{
	int r;

	if (!range_ok(d, offset, len))
		return -EINVAL;
	if (d->read_only)
		return -EROFS;
	if (!len || !atomic_load(&d->can_discard))
		return 0;
	if (d->qcow2)
		return qcow2_discard(d->qcow2, offset, len);
	r = raw_punch(d->fd, offset, len);
	if (r == -EOPNOTSUPP) {
		/* Discard is advisory: stop offering it. */
		atomic_store(&d->can_discard, false);
		return 0;
	}
	return r;
}
