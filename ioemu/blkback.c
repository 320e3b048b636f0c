// SPDX-License-Identifier: GPL-2.0
/*
 * The block backend's xenstore side (see blkback.h): the nodes libxl and
 * Linux's blkback write for a disk, the features offered, and connecting
 * to a frontend: its ring-ref (one page), event-channel and protocol.
 *
 * Offered: flush (feature-flush-cache), discard when the image can,
 * indirect requests of up to BLKBACK_MAX_SEGMENTS segments.  Not
 * offered: persistent grants (the backend reaches every guest page
 * through its mapping of guest RAM anyway, so they would save nothing),
 * multi-page rings, barriers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "blkif_ring.h"
#include "disk_image.h"
#include "grant.h"
#include "ioemu.h"
#include "xenstore.h"

struct blkback *blkback_new(struct disk_image *disk,
			    const struct blkback_config *cfg)
{
	struct blkback *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->disk = disk;
	b->cfg = *cfg;
	b->sectors = disk_size(disk) >> 9;
	b->read_only = disk_read_only(disk);
	b->discard = cfg->discard && !b->read_only && disk_can_discard(disk);
	b->efd = b->stop_efd = -1;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->idle, NULL);
	return b;
}

void blkback_free(struct blkback *b)
{
	if (!b)
		return;
	blkback_detach(b);
	pthread_cond_destroy(&b->idle);
	pthread_cond_destroy(&b->work);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static int setup(struct xendev *d)
{
	struct blkback *b = d->priv;
	int err;

	err = xendev_be_printf(d, "feature-flush-cache", "1");
	if (!err)
		err = xendev_be_printf(d, "feature-barrier", "0");
	if (!err)
		err = xendev_be_printf(d, "feature-max-indirect-segments",
				       "%u", BLKBACK_MAX_SEGMENTS);
	if (!err)
		err = xendev_be_printf(d, "feature-discard", "%d",
				       b->discard);
	if (!err && b->discard)
		err = xendev_be_printf(d, "discard-granularity", "4096");
	if (!err && b->discard)
		err = xendev_be_printf(d, "discard-alignment", "0");
	if (!err && b->discard)
		err = xendev_be_printf(d, "discard-secure", "0");
	if (!err)
		err = xendev_be_printf(d, "sectors", "%llu",
				       (unsigned long long)b->sectors);
	if (!err)
		err = xendev_be_printf(d, "info", "%u",
				       b->read_only ? VDISK_READONLY : 0);
	if (!err)
		err = xendev_be_printf(d, "sector-size", "512");
	if (!err)
		err = xendev_be_printf(d, "physical-sector-size", "512");
	return err;
}

/* The frontend's ring-ref, event-channel and protocol. */
static int read_frontend(struct blkback *b)
{
	struct xendev *d = &b->dev;
	char proto[32];
	uint32_t order;
	int n;

	if (!xendev_fe_read_u32(d, "ring-page-order", &order) && order) {
		ioemu_log("%s: the frontend asks for a ring of %u pages; one is offered",
			  b->cfg.vdev, 1u << order);
		return -1;
	}
	if (xendev_fe_read_u32(d, "ring-ref", &b->ring_ref) ||
	    xendev_fe_read_u32(d, "event-channel", &b->port)) {
		ioemu_log("%s: the frontend gave no ring-ref or event-channel",
			  b->cfg.vdev);
		return -1;
	}
	n = xendev_fe_read(d, "protocol", proto, sizeof(proto));
	if (n >= 0 && strcmp(proto, XEN_IO_PROTO_ABI_NATIVE) != 0) {
		ioemu_log("%s: the frontend speaks protocol '%s'; only '%s' is served",
			  b->cfg.vdev, proto, XEN_IO_PROTO_ABI_NATIVE);
		return -1;
	}
	return 0;
}

static uint64_t per_request_us(const struct blkback *b, uint64_t ns)
{
	return b->stats.requests ? ns / b->stats.requests / 1000 : 0;
}

static void disconnect(struct xendev *d)
{
	struct blkback *b = d->priv;

	blkif_ring_stop(b);
	if (b->efd >= 0)
		vm_evtchn_unbind(b->vm, b->port, b->efd);
	if (b->stop_efd >= 0)
		close(b->stop_efd);
	b->efd = b->stop_efd = -1;
	if (b->ring.sring)
		grant_put(b->gnt, b->ring_ref, true);
	memset(&b->ring, 0, sizeof(b->ring));
	ioemu_log("%s: disconnected (%llu requests, %llu merged, %llu failed, %llu interrupts)",
		  b->cfg.vdev, (unsigned long long)b->stats.requests,
		  (unsigned long long)b->stats.merged,
		  (unsigned long long)b->stats.errors,
		  (unsigned long long)b->stats.notifies);
	if (b->vm && b->vm->stats)
		ioemu_log("%s: per request %llu us queued, %llu us served; %llu ring wakeups",
			  b->cfg.vdev,
			  (unsigned long long)per_request_us(b, b->stats.wait_ns),
			  (unsigned long long)per_request_us(b, b->stats.serve_ns),
			  (unsigned long long)b->stats.wakeups);
	if (b->vm && b->vm->stats && b->stats.idle_gaps)
		ioemu_log("%s: busy %llu ms; idle %llu ms between an answer and the next request (%llu times, %llu us each)",
			  b->cfg.vdev,
			  (unsigned long long)(b->stats.busy_ns / 1000000),
			  (unsigned long long)(b->stats.idle_ns / 1000000),
			  (unsigned long long)b->stats.idle_gaps,
			  (unsigned long long)(b->stats.idle_ns /
					       b->stats.idle_gaps / 1000));
}

static int connect(struct xendev *d)
{
	struct blkback *b = d->priv;
	blkif_sring_t *sring;
	int err;

	if (read_frontend(b))
		return -1;
	sring = grant_get(b->gnt, b->ring_ref, true);
	if (!sring) {
		ioemu_log("%s: ring-ref %u is not a page granted to domain 0",
			  b->cfg.vdev, b->ring_ref);
		return -1;
	}
	BACK_RING_INIT(&b->ring, sring, 4096);
	b->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	err = b->stop_efd < 0 ? -errno :
	      vm_evtchn_bind_port(b->vm, &b->port, &b->efd);
	if (err) {
		ioemu_log("%s: cannot bind event channel %u: %s", b->cfg.vdev,
			  b->port, strerror(-err));
		goto fail;
	}
	if (blkif_ring_start(b))
		goto fail;
	ioemu_log("%s: connected (%s '%s', %llu sectors%s%s)", b->cfg.vdev,
		  b->cfg.format, b->cfg.target,
		  (unsigned long long)b->sectors,
		  b->read_only ? ", read-only" : "",
		  b->discard ? ", discard" : "");
	return 0;
fail:
	disconnect(d);
	return -1;
}

static const struct xendev_ops vbd_ops = {
	.type = "vbd",
	.setup = setup,
	.connect = connect,
	.disconnect = disconnect,
};

/* The nodes libxl writes for a disk, besides the handshake's. */
static int toolstack_nodes(struct blkback *b)
{
	struct xendev *d = &b->dev;
	int err;

	err = xendev_be_printf(d, "dev", "%s", b->cfg.vdev);
	if (!err)
		err = xendev_be_printf(d, "type", "qdisk");
	if (!err)
		err = xendev_be_printf(d, "params", "%s:%s", b->cfg.format,
				       b->cfg.target);
	if (!err)
		err = xendev_be_printf(d, "mode", b->read_only ? "r" : "w");
	if (!err)
		err = xendev_be_printf(d, "device-type", "disk");
	if (!err)
		err = xendev_be_printf(d, "removable", "0");
	if (!err)
		err = xendev_be_printf(d, "bootable", "1");
	if (!err)
		err = xendev_be_printf(d, "discard-enable", "%d",
				       b->discard);
	if (!err)
		err = xendev_fe_printf(d, "virtual-device", "%u",
				       b->cfg.devid);
	if (!err)
		err = xendev_fe_printf(d, "device-type", "disk");
	return err;
}

int blkback_attach(struct blkback *b, struct vm *vm, struct xs_server *xs,
		   struct grant_table *gnt)
{
	int err;

	b->vm = vm;
	b->gnt = gnt;
	memset(&b->stats, 0, sizeof(b->stats));
	err = xendev_init(&b->dev, xs, vm->domid, &vbd_ops, b->cfg.devid, b);
	if (!err)
		err = toolstack_nodes(b);
	if (!err)
		err = xendev_start(&b->dev);
	if (err) {
		ioemu_log("%s: cannot set up its xenstore nodes: %s",
			  b->cfg.vdev, strerror(-err));
		xendev_stop(&b->dev);
	}
	return err;
}

void blkback_detach(struct blkback *b)
{
	xendev_stop(&b->dev);
}
