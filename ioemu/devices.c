// SPDX-License-Identifier: GPL-2.0
/* The VM's paravirtual devices (see devices.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "blkback.h"
#include "devices.h"
#include "disk_image.h"
#include "ioemu.h"
#include "netback.h"
#include "vifspec.h"

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

static int open_vif(struct devices *dv, const struct vmconfig *cfg,
		    const char *spec, char *err, size_t errlen)
{
	unsigned int i = dv->nr_vifs;
	struct vif_spec v;
	uint8_t mac[6];
	char why[512];

	if (vif_spec_parse(spec, &v, why, sizeof(why))) {
		snprintf(err, errlen, "vif %u: %s", i + 1, why);
		return -1;
	}
	if (v.mac_given)
		memcpy(mac, v.mac, sizeof(mac));
	else
		vif_spec_default_mac(cfg->uuid[0] ? cfg->uuid : cfg->name, i,
				     mac);
	dv->net[i] = netback_new(&v, i, mac, err, errlen);
	if (!dv->net[i])
		return -1;
	dv->nr_vifs++;
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
	for (i = 0; i < cfg->nr_vifs; i++)
		if (open_vif(dv, cfg, cfg->vifs[i], err, errlen))
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

	if (!dv->nr_disks && !dv->nr_vifs)
		return 0;
	if (vm->abi_minor < GNTTAB_ABI_MINOR) {
		ioemu_log("disks and network interfaces need hxen.ko with ABI 1.%u or later; the loaded module has 1.%u: reload it",
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
	for (i = 0; i < dv->nr_vifs; i++)
		if (netback_attach(dv->net[i], vm, xs, &dv->gnt))
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
	for (i = 0; i < dv->nr_vifs; i++)
		netback_detach(dv->net[i]);
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
	for (i = 0; i < dv->nr_vifs; i++)
		netback_free(dv->net[i]);
	dv->nr_vifs = 0;
}
