/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disk specifications: the strings of a configuration's 'disk' list, in
 * the syntax of xl-disk-configuration(5) (see hxen.cfg(5)).
 */
#ifndef DISKSPEC_H
#define DISKSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The highest disk index hxen gives a guest, and so the last vdev. */
#define DISK_SPEC_MAX_INDEX	255	/* xvdiv */

enum disk_spec_format { DISK_SPEC_RAW, DISK_SPEC_QCOW2 };

struct disk_spec {
	char *target;		/* absolute path, malloc'd */
	enum disk_spec_format format;
	char vdev[16];		/* as written, e.g. "xvda" */
	uint32_t devid;		/* Xen virtual-device number for xenstore */
	unsigned int index;	/* disk index: xvda 0, xvdb 1, ..., xvdaa 26 */
	bool read_only;
	bool discard;		/* default true; "no-discard" turns it off */
};

/*
 * Parse the disk specification @spec into @out.  A relative target is
 * resolved against @base_dir (absolute), or refused when @base_dir is
 * NULL.  Returns 0, or -1 with a one-line message (no "file:line:"
 * prefix) in @err and @out left empty.  @err may be NULL when @errlen
 * is 0.
 */
int disk_spec_parse(const char *spec, const char *base_dir,
		    struct disk_spec *out, char *err, size_t errlen);

/* Free what @d holds and empty it; safe on an empty or freed @d. */
void disk_spec_free(struct disk_spec *d);

#endif /* DISKSPEC_H */
