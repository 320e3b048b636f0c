/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Safe creation of the image file.  The image is written to a temporary
 * file in the destination directory and renamed over FILE only once it is
 * complete and on disk, so an existing FILE is never damaged by a failed
 * or interrupted run.  The temporary file is removed on any error and on
 * SIGINT, SIGTERM and SIGHUP.
 *
 * Every function reports its own errors and returns 0 or -1.
 */
#ifndef CREATEIMG_OUTPUT_H
#define CREATEIMG_OUTPUT_H

#include <stdbool.h>

struct output_file {
	const char *path;	/* where the image ends up */
	char *directory;	/* the directory that holds it */
	int fd;			/* open on the temporary file */
	bool replace_existing;
};

/* Check that @path can be created (or replaced, with @replace_existing). */
int output_check_target(const char *path, bool replace_existing);

/* Create the temporary file for @path; @out->fd is ready for writing. */
int output_open(struct output_file *out, const char *path,
		bool replace_existing);

/* Flush the temporary file to disk and move it to its final name. */
int output_commit(struct output_file *out);

/* Close and remove the temporary file. */
void output_discard(struct output_file *out);

#endif /* CREATEIMG_OUTPUT_H */
