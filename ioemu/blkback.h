/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block backend: one virtual disk (xvdX) of the guest, served from a
 * disk image (disk_image.h) over the blkif protocol of Linux's
 * xen-blkfront (xen/include/public/io/blkif.h).
 *
 * Each connected disk has a ring thread, which takes requests off the
 * shared ring, and a few I/O threads, which do them and put the answers
 * back: disk I/O never runs on a vCPU thread or the event loop.
 */
#ifndef IOEMU_BLKBACK_H
#define IOEMU_BLKBACK_H

#include <stdbool.h>
#include <stdint.h>

struct blkback;
struct disk_image;
struct grant_table;
struct vm;
struct xs_server;

/* What blkback tells the guest about the disk. */
struct blkback_config {
	const char *vdev;		/* "xvda" */
	uint32_t devid;			/* its Xen virtual-device number */
	const char *target;		/* the image, for xenstore's params */
	const char *format;		/* "raw", "qcow2" */
	bool discard;			/* offer discard if the image can */
};

/*
 * A backend for @disk (which the caller keeps open for longer), or NULL
 * without memory.  It is not visible to the guest until attached.
 */
struct blkback *blkback_new(struct disk_image *disk,
			    const struct blkback_config *cfg);
void blkback_free(struct blkback *b);

/*
 * Write the disk's xenstore directories for the guest of @xs and follow
 * its frontend; requests are served through @gnt and @vm.  0 or a
 * negative errno.  blkback_detach() stops serving (waiting for requests
 * in flight) and removes the directories.
 */
int blkback_attach(struct blkback *b, struct vm *vm, struct xs_server *xs,
		   struct grant_table *gnt);
void blkback_detach(struct blkback *b);

#endif /* IOEMU_BLKBACK_H */
