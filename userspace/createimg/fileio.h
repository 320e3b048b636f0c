/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File operations on an image being written, with 64-bit offsets.  Every
 * function returns 0 or a negative errno value.
 */
#ifndef CREATEIMG_FILEIO_H
#define CREATEIMG_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "progress.h"

int set_file_size(int fd, uint64_t size);
int write_all_at(int fd, const void *buffer, size_t length, uint64_t offset);
/*
 * Give [@offset, @offset + @length) real disk blocks that read as zeros:
 * fallocate() where the file system supports it, writing zeros otherwise.
 * Reports progress on @bar as it goes.
 */
int allocate_range(int fd, uint64_t offset, uint64_t length,
		   struct progress *bar);

#endif /* CREATEIMG_FILEIO_H */
