/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw images: the disk's bytes, one to one, in a plain file.
 */
#ifndef CREATEIMG_RAW_H
#define CREATEIMG_RAW_H

#include <stdbool.h>
#include <stdint.h>

#include "progress.h"

/* Bytes of work write_raw_image() reports to its progress bar. */
uint64_t raw_progress_total(uint64_t size, bool preallocate);

/*
 * Make the empty file @fd a raw image of @size bytes: sparse, or with
 * every block allocated when @preallocate.  Returns 0 or -errno.
 */
int write_raw_image(int fd, uint64_t size, bool preallocate,
		    struct progress *bar);

#endif /* CREATEIMG_RAW_H */
