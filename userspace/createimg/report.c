// SPDX-License-Identifier: GPL-2.0
/*
 * Error messages: one line on stderr, prefixed with the program name.
 */
#include <stdarg.h>
#include <stdio.h>

#include "createimg.h"

void report_error(const char *format, ...)
{
	va_list args;

	fputs(PROGRAM_NAME ": ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
}
