// SPDX-License-Identifier: GPL-2.0
/*
 * Raw images, and the plain file I/O the qcow2 driver is built on: whole
 * transfers in spite of EINTR and short reads or writes, the size of a
 * file or block device, punching holes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "disk_qcow2.h"

static ssize_t xfer(int fd, bool write, const struct iovec *iov, int iovcnt,
		    uint64_t off)
{
	if (iovcnt > IOV_MAX)
		iovcnt = IOV_MAX;
	if (write)
		return pwritev(fd, iov, iovcnt, (off_t)off);
	return preadv(fd, iov, iovcnt, (off_t)off);
}

/* The end of the file came before the end of @iov (from @skip on). */
static void zero_rest(const struct iovec *iov, int iovcnt, size_t skip)
{
	for (; iovcnt > 0; iov++, iovcnt--, skip = 0)
		memset((char *)iov->iov_base + skip, 0, iov->iov_len - skip);
}

int raw_io(int fd, bool write, const struct iovec *iov, int iovcnt,
	   uint64_t off)
{
	size_t skip = 0;	/* bytes of iov[0] already done */
	ssize_t n;

	for (;;) {
		while (iovcnt > 0 && iov->iov_len == skip) {
			iov++;
			iovcnt--;
			skip = 0;
		}
		if (iovcnt <= 0)
			return 0;
		if (skip) {
			struct iovec rest = {
				.iov_base = (char *)iov->iov_base + skip,
				.iov_len = iov->iov_len - skip,
			};

			n = xfer(fd, write, &rest, 1, off);
		} else {
			n = xfer(fd, write, iov, iovcnt, off);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 && write)
			return -EIO;
		if (n == 0) {
			zero_rest(iov, iovcnt, skip);
			return 0;
		}
		off += (uint64_t)n;
		n += (ssize_t)skip;
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		skip = (size_t)n;
	}
}

int raw_pread(int fd, void *buf, size_t len, uint64_t off)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return raw_io(fd, false, &iov, 1, off);
}

int raw_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return raw_io(fd, true, &iov, 1, off);
}

int raw_host_size(int fd, const struct stat *st, uint64_t *size)
{
	if (S_ISREG(st->st_mode)) {
		*size = (uint64_t)st->st_size;
		return 0;
	}
	if (S_ISBLK(st->st_mode))
		return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
	return -EINVAL;
}

int raw_punch(int fd, uint64_t off, uint64_t len)
{
	int r;

	do {
		r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)off, (off_t)len);
	} while (r && errno == EINTR);
	if (r && (errno == EOPNOTSUPP || errno == ENOSYS))
		return -EOPNOTSUPP;
	return r ? -errno : 0;
}
