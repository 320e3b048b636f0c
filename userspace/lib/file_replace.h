/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole files: written so that readers see the old contents or the new,
 * never a part, and read back with a size limit.
 */
#ifndef FILE_REPLACE_H
#define FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replace @path with the @len bytes at @data, mode @mode: they go to a
 * new temporary file beside @path ("PATH.XXXXXX"), which is flushed to
 * disk and renamed over @path.  Returns 0, or a negative errno with
 * @path unchanged and no temporary file left.
 */
int file_replace(const char *path, const void *data, size_t len,
		 mode_t mode);

/*
 * Read the regular file @path (not following a symbolic link) into a new
 * NUL-terminated buffer *@out (free() it), of *@len bytes when @len is not
 * NULL.  Returns 0, or a negative errno: -EFBIG when it holds more than
 * @max bytes, -EINVAL when it is not a regular file.
 */
int file_read_all(const char *path, size_t max, char **out, size_t *len);

#endif /* FILE_REPLACE_H */
