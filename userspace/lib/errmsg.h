/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages for people, left in a caller's buffer by library functions
 * that do not print.
 */
#ifndef ERRMSG_H
#define ERRMSG_H

#include <stddef.h>

/*
 * Format the message into @err (@errlen bytes, truncated to fit) and
 * return @status, so that a failing path is one statement.
 */
int errmsg_set(char *err, size_t errlen, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
