/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the disk image layer: what disk_image.c (open, lock,
 * argument checks, dispatch) calls in the two format drivers,
 * disk_raw.c and disk_qcow2.c.  Nothing else includes this.
 */
#ifndef IOEMU_DISK_QCOW2_H
#define IOEMU_DISK_QCOW2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>

/* disk_raw.c: plain I/O on a file descriptor, also used by qcow2. */

/*
 * All of @iov at @off, retrying after EINTR and short transfers.  A read
 * past the end of the file fills the rest with zeros.  0 or -errno.
 */
int raw_io(int fd, bool write, const struct iovec *iov, int iovcnt,
	   uint64_t off);
int raw_pread(int fd, void *buf, size_t len, uint64_t off);
int raw_pwrite(int fd, const void *buf, size_t len, uint64_t off);
/* Bytes in a regular file or block device: 0 or -errno. */
int raw_host_size(int fd, const struct stat *st, uint64_t *size);
/*
 * Punch a hole (it reads back as zeros).  0, -EOPNOTSUPP when the file
 * system cannot, or another -errno.
 */
int raw_punch(int fd, uint64_t off, uint64_t len);

/* disk_qcow2.c */

struct qcow2;

/*
 * Check the image on @fd (@host_size bytes) and set it up.  NULL with the
 * reason (without the file name) in @err when it is refused.
 */
struct qcow2 *qcow2_open(int fd, bool read_only, uint64_t host_size,
			 char *err, size_t errlen);
void qcow2_close(struct qcow2 *q);
uint64_t qcow2_size(const struct qcow2 *q);
/* Arguments already checked by disk_image.c. */
int qcow2_preadv(struct qcow2 *q, const struct iovec *iov, int iovcnt,
		 uint64_t off);
int qcow2_pwritev(struct qcow2 *q, const struct iovec *iov, int iovcnt,
		  uint64_t off);
int qcow2_discard(struct qcow2 *q, uint64_t off, uint64_t len);

#endif /* IOEMU_DISK_QCOW2_H */
