// SPDX-License-Identifier: GPL-2.0
/* hxenctl version: tool, module and ABI versions. */
#include <stdio.h>
#include <unistd.h>

#include "hxenctl.h"
#include "libhxen.h"

int cmd_version(int argc, char **argv)
{
	struct hxen_version v;
	int fd, err;

	err = no_args("version", argc, argv);
	if (err)
		return err < 0 ? HXEN_EXIT_OK : err;

	fd = hxen_open_checked(HXENCTL, &v);
	if (fd < 0)
		return -fd;
	close(fd);

	printf("hxenctl %s\n", HXEN_TOOLS_VERSION);
	printf("module %s (kernel %s)\n", v.build, v.kernel);
	printf("abi %u.%u\n", v.abi_major, v.abi_minor);
	return HXEN_EXIT_OK;
}
