// SPDX-License-Identifier: GPL-2.0
/*
 * Image file I/O: size changes, complete writes and block allocation.
 */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "fileio.h"

_Static_assert(sizeof(off_t) == 8, "image offsets need a 64-bit off_t");

/* Allocation is done in steps so that progress can be shown. */
#define ALLOCATE_STEP	(1ULL << 30)
#define ZERO_CHUNK	(1ULL << 20)

/* Offsets passed in are at most a few times IMAGE_SIZE_MAX. */
static bool offset_fits(uint64_t offset, uint64_t length)
{
	return offset <= INT64_MAX && length <= INT64_MAX - offset;
}

int set_file_size(int fd, uint64_t size)
{
	if (!offset_fits(size, 0))
		return -EFBIG;
	while (ftruncate(fd, (off_t)size) != 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int write_all_at(int fd, const void *buffer, size_t length, uint64_t offset)
{
	const char *bytes = buffer;

	if (!offset_fits(offset, length))
		return -EFBIG;
	while (length > 0) {
		ssize_t written = pwrite(fd, bytes, length, (off_t)offset);

		if (written < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (written == 0)
			return -EIO;
		bytes += written;
		length -= (size_t)written;
		offset += (uint64_t)written;
	}
	return 0;
}

static int write_zeros(int fd, uint64_t offset, uint64_t length,
		       struct progress *bar)
{
	void *zeros = calloc(1, ZERO_CHUNK);
	int err = 0;

	if (!zeros)
		return -ENOMEM;
	while (length > 0) {
		size_t chunk = length < ZERO_CHUNK ? (size_t)length
						    : (size_t)ZERO_CHUNK;

		err = write_all_at(fd, zeros, chunk, offset);
		if (err)
			break;
		offset += chunk;
		length -= chunk;
		progress_advance(bar, chunk);
	}
	free(zeros);
	return err;
}

static bool fallocate_unsupported(int err)
{
	return err == EOPNOTSUPP || err == ENOSYS;
}

int allocate_range(int fd, uint64_t offset, uint64_t length,
		   struct progress *bar)
{
	if (!offset_fits(offset, length))
		return -EFBIG;
	while (length > 0) {
		uint64_t step = length < ALLOCATE_STEP ? length : ALLOCATE_STEP;

		if (fallocate(fd, 0, (off_t)offset, (off_t)step) != 0) {
			if (errno == EINTR)
				continue;
			if (fallocate_unsupported(errno))
				return write_zeros(fd, offset, length, bar);
			return -errno;
		}
		offset += step;
		length -= step;
		progress_advance(bar, step);
	}
	return 0;
}
