// SPDX-License-Identifier: GPL-2.0
/* ioemu's own messages: one line each on stderr, prefixed. */
#include <stdarg.h>
#include <stdio.h>

#include "ioemu.h"

void ioemu_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write, so lines of several threads do not mix. */
	fprintf(stderr, "ioemu: %s\n", line);
}
