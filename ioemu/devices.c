// SPDX-License-Identifier: GPL-2.0
/* The VM's paravirtual devices (see devices.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "blkback.h"
#include "devices.h"
#include "disk_image.h"
#include "ioemu.h"

/* The module maps the grant table from this ABI on. */
#define GNTTAB_ABI_MINOR	4

static int open_disk(struct devices *dv, const char *spec,
		     const char *base_dir, char *err, size_t errlen)
{
	unsigned int i = dv->nr_disks;
	struct disk_spec *d = &dv->disk[i];
	struct blkback_config bc;
	char why[512];
	unsigned int j;

	if (disk_spec_parse(spec, base_dir, d, why, sizeof(why))) {
		snprintf(err, errlen, "disk %u: %s", i + 1, why);
		return -1;
	}
	for (j = 0; j < i; j++) {
		if (dv->disk[j].devid == d->devid) {
			snprintf(err, errlen, "disk %u: %s is disk %u as well",
				 i + 1, d->vdev, j + 1);
			disk_spec_free(d);
			return -1;
		}
	}
	dv->image[i] = disk_open(d->target,
				 d->format == DISK_SPEC_QCOW2 ?
				 DISK_FORMAT_QCOW2 : DISK_FORMAT_RAW,
				 d->read_only, why, sizeof(why));
	if (!dv->image[i]) {
		snprintf(err, errlen, "disk %u (%s): %s", i + 1, d->vdev, why);
		disk_spec_free(d);
		return -1;
	}
	bc = (struct blkback_config){
		.vdev = d->vdev,
		.devid = d->devid,
		.target = d->target,
		.format = d->format == DISK_SPEC_QCOW2 ? "qcow2" : "raw",
		.discard = d->discard,
	};
	dv->blk[i] = blkback_new(dv->image[i], &bc);
	if (!dv->blk[i]) {
		snprintf(err, errlen, "disk %u (%s): out of memory", i + 1,
			 d->vdev);
		disk_close(dv->image[i]);
		disk_spec_free(d);
		return -1;
	}
	dv->nr_disks++;
	return 0;
}

int devices_open(struct devices *dv, const struct vmconfig *cfg,
		 const char *base_dir, char *err, size_t errlen)
{
	unsigned int i;

	memset(dv, 0, sizeof(*dv));
	for (i = 0; i < cfg->nr_disks; i++)
		if (open_disk(dv, cfg->disks[i], base_dir, err, errlen))
			goto fail;
	return 0;
fail:
	devices_close(dv);
	return -1;
}

int devices_attach(struct devices *dv, struct vm *vm, struct xs_server *xs)
{
	unsigned int i;
	int err;

	if (!dv->nr_disks)
		return 0;
	if (vm->abi_minor < GNTTAB_ABI_MINOR) {
		ioemu_log("disks need hxen.ko with ABI 1.%u or later; the loaded module has 1.%u: reload it",
			  GNTTAB_ABI_MINOR, vm->abi_minor);
		return -1;
	}
	err = grant_table_map(&dv->gnt, vm->fd, &vm->mem);
	if (err) {
		ioemu_log("cannot map the guest's grant table: %s",
			  strerror(-err));
		return -1;
	}
	dv->attached = true;
	for (i = 0; i < dv->nr_disks; i++)
		if (blkback_attach(dv->blk[i], vm, xs, &dv->gnt))
			goto fail;
	return 0;
fail:
	devices_detach(dv);
	return -1;
}

void devices_detach(struct devices *dv)
{
	unsigned int i;

	if (!dv->attached)
		return;
	for (i = 0; i < dv->nr_disks; i++)
		blkback_detach(dv->blk[i]);
	grant_table_free(&dv->gnt);
	dv->attached = false;
}

void devices_close(struct devices *dv)
{
	unsigned int i;

	devices_detach(dv);
	for (i = 0; i < dv->nr_disks; i++) {
		blkback_free(dv->blk[i]);
		disk_close(dv->image[i]);
		disk_spec_free(&dv->disk[i]);
	}
	dv->nr_disks = 0;
}
