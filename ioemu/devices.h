/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's paravirtual devices as its configuration lists them: disks
 * (blkback.h) and network interfaces (netback.h).  Images are opened
 * (and locked) and network links made once, before the first boot, so
 * that a bad disk or a port forward that cannot be had stops ioemu at
 * start with a clear error; they stay across guest reboots.  The
 * backends are attached to each new run of the VM and detached at its
 * end.
 */
#ifndef IOEMU_DEVICES_H
#define IOEMU_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "diskspec.h"
#include "grant.h"
#include "vmconfig.h"

struct blkback;
struct disk_image;
struct netback;
struct vm;
struct xs_server;

struct devices {
	unsigned int nr_disks;
	struct disk_spec disk[VMCONFIG_MAX_DISKS];
	struct disk_image *image[VMCONFIG_MAX_DISKS];
	struct blkback *blk[VMCONFIG_MAX_DISKS];
	unsigned int nr_vifs;
	struct netback *net[VMCONFIG_MAX_VIFS];
	struct grant_table gnt;
	bool attached;
};

/*
 * Parse @cfg's disk entries (relative targets against @base_dir) and
 * open their images; parse its vif entries and make their links.  0, or
 * -1 with "disk 2 (xvdb): ..." or "vif 1: ..." in @err and nothing left
 * open.
 */
int devices_open(struct devices *dv, const struct vmconfig *cfg,
		 const char *base_dir, char *err, size_t errlen);

/* Show the devices to the new run of @vm; 0 or -1 after logging why. */
int devices_attach(struct devices *dv, struct vm *vm, struct xs_server *xs);
/* The run ends: stop serving (requests in flight finish first). */
void devices_detach(struct devices *dv);
/* Close the images; safe on an empty @dv. */
void devices_close(struct devices *dv);

#endif /* IOEMU_DEVICES_H */
