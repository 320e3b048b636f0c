// SPDX-License-Identifier: GPL-2.0
/*
 * Raw image writer.  A sparse raw image is just a file of the right size;
 * a preallocated one also has all its blocks reserved on disk.
 */
#include "fileio.h"
#include "raw.h"

uint64_t raw_progress_total(uint64_t size, bool preallocate)
{
	return preallocate ? size : 0;
}

int write_raw_image(int fd, uint64_t size, bool preallocate,
		    struct progress *bar)
{
	int err = set_file_size(fd, size);

	if (err || !preallocate)
		return err;
	return allocate_range(fd, 0, size, bar);
}
