// SPDX-License-Identifier: GPL-2.0
/* Diagnostics on standard error. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

bool log_verbose;

__attribute__((format(printf, 1, 0)))
static void log_v(const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "virthxend: %s\n", line);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_v(fmt, ap);
	va_end(ap);
}
