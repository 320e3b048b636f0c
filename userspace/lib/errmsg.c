// SPDX-License-Identifier: GPL-2.0
/* Messages for people in a caller's buffer (errmsg.h). */
#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"

int errmsg_set(char *err, size_t errlen, int status, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return status;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return status;
}
