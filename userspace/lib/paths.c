// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "libhxen.h"

const char *hxen_device_path(void)
{
	const char *p = getenv("HXEN_DEVICE");

	return p && *p ? p : "/dev/hxen";
}

const char *hxen_host_path(char *buf, size_t len, const char *path)
{
	const char *root = getenv("HXEN_SYSROOT");

	snprintf(buf, len, "%s%s", root ? root : "", path);
	return buf;
}
