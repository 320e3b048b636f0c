/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disk images for the block backend: a raw file (or block device) or a
 * qcow2 image (versions 2 and 3, without backing files, encryption,
 * compression or internal snapshots).
 *
 * An image is opened once per VM and locked (an OFD lock on the whole
 * file) so that two VMs never write the same image.  Everything written
 * goes straight to the file, metadata included: there is nothing to write
 * back on close, and a process killed at any point leaves a consistent
 * image (at worst one leaked qcow2 cluster).  disk_flush() makes it
 * durable.
 */
#ifndef IOEMU_DISK_IMAGE_H
#define IOEMU_DISK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum disk_format { DISK_FORMAT_RAW, DISK_FORMAT_QCOW2 };

struct disk_image;	/* opaque */

/*
 * Open @path as @format, read-only or read-write.  Takes an OFD lock
 * (fcntl F_OFD_SETLK on the whole file): a write lock for read-write, a
 * read lock for read-only, so a second VM opening the image writable (or
 * read-only while one writes) fails.  Returns NULL with a one-line message
 * in @err such as "'/x/y.qcow2': in use by another VM (locked)",
 * "'/x/y.qcow2': not a qcow2 image" or "'/x/y.qcow2': No such file or
 * directory".
 */
struct disk_image *disk_open(const char *path, enum disk_format format,
			     bool read_only, char *err, size_t errlen);
void disk_close(struct disk_image *d);	/* NULL is fine */
uint64_t disk_size(const struct disk_image *d);	/* virtual size, bytes */
bool disk_read_only(const struct disk_image *d);
/* False when read-only, or once the filesystem refused to punch holes. */
bool disk_can_discard(const struct disk_image *d);

/*
 * I/O at byte @offset; @offset and the total length are multiples of 512
 * and lie inside disk_size() (-EINVAL otherwise).  Return 0 or a negative
 * errno (-EIO for metadata it refuses, -EROFS on a read-only image).
 * Thread-safe: several threads may call these at once.
 */
int disk_preadv(struct disk_image *d, const struct iovec *iov, int iovcnt,
		uint64_t offset);
int disk_pwritev(struct disk_image *d, const struct iovec *iov, int iovcnt,
		 uint64_t offset);
/* Everything acknowledged so far is made durable (fdatasync). */
int disk_flush(struct disk_image *d);
/*
 * Advisory: the range may read back as zeros afterwards (raw: always;
 * qcow2: the whole clusters inside the range, see disk_qcow2.c).
 */
int disk_discard(struct disk_image *d, uint64_t offset, uint64_t len);

#endif /* IOEMU_DISK_IMAGE_H */
