// SPDX-License-Identifier: GPL-2.0
/*
 * The nodes a new domain's home holds before its kernel boots, as Xen's
 * toolstack lays them out, so that Linux's xenbus, its shutdown and
 * sysrq handlers and its balloon driver find what they look for.
 */
#include <stdio.h>

#include "xs_server.h"

/* Nodes the guest writes; the toolstack creates them, the guest owns them. */
static const char *const xs_guest_owned[] = {
	"control/shutdown",
	"control/sysrq",
	"control/feature-poweroff",
	"control/feature-reboot",
	"control/feature-suspend",
	"data",
	"drivers",
	"feature",
	"attr",
	"error",
	"device/suspend/event-channel",
};

int xs_domain_populate(struct xs_server *s, const struct xs_domain_info *info)
{
	unsigned long long kib = (unsigned long long)info->memory_kib;
	unsigned int i;
	int err;

	/* Below the home everything inherits "n0 r<domid>": read-only. */
	err = xs_local_write(s, "name", info->name ? info->name : "");
	if (!err)
		err = xs_local_printf(s, "domid", "%u", s->domid);
	if (!err)
		err = xs_local_printf(s, "memory/static-max", "%llu", kib);
	if (!err)
		err = xs_local_printf(s, "memory/target", "%llu", kib);
	for (i = 0; !err && i < info->vcpus; i++) {
		char path[32];

		snprintf(path, sizeof(path), "cpu/%u/availability", i);
		err = xs_local_write(s, path, "online");
	}
	if (!err)
		err = xs_local_mkdir(s, "device");
	if (!err)
		err = xs_local_write(s,
			"control/platform-feature-multiprocessor-suspend",
			"1");
	/* Lets a kexec'd kernel drop the watches of the one before. */
	if (!err)
		err = xs_local_write(s,
			"control/platform-feature-xs_reset_watches", "1");
	for (i = 0; !err && i < sizeof(xs_guest_owned) /
			      sizeof(xs_guest_owned[0]); i++) {
		err = xs_local_mkdir(s, xs_guest_owned[i]);
		if (!err)
			err = xs_local_set_perms(s, xs_guest_owned[i],
						 s->domid, XS_ACCESS_NONE);
	}
	return err;
}
