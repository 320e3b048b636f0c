/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions shared by every part of createimg: what the command line
 * asked for, the exit statuses and the error reporter.
 */
#ifndef CREATEIMG_H
#define CREATEIMG_H

#include <stdbool.h>
#include <stdint.h>

#define PROGRAM_NAME "createimg"

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

/* Exit statuses, documented in createimg.1. */
enum {
	EXIT_RUNTIME_ERROR = 1,	/* the image could not be created */
	EXIT_USAGE_ERROR = 2,	/* bad options or arguments */
};

enum image_format {
	IMAGE_FORMAT_RAW,
	IMAGE_FORMAT_QCOW2,
};

/* One image to create, as given on the command line. */
struct image_request {
	const char *path;
	enum image_format format;
	uint64_t size;		/* virtual size in bytes */
	bool preallocate;
	bool replace_existing;	/* --force */
};

/* Print "createimg: <message>" and a newline on stderr. */
void report_error(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* CREATEIMG_H */
