// SPDX-License-Identifier: GPL-2.0
/*
 * The network backend's xenstore side (see netback.h): the nodes libxl
 * and Linux's netback write for a vif, the features offered, and
 * connecting to a frontend: its tx-ring-ref, rx-ring-ref, event-channel
 * and request-rx-copy.
 *
 * Offered: scatter-gather (feature-sg) and receive by copy.  Not offered:
 * segmentation offload, IPv6 checksum offload, multiple queues, split
 * event channels, multicast control.  IPv4 TCP/UDP checksums the guest
 * leaves blank are completed here (net_csum.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "grant.h"
#include "ioemu.h"
#include "net_link.h"
#include "netif_ring.h"
#include "vifspec.h"
#include "xenstore.h"

struct netback *netback_new(const struct vif_spec *spec, unsigned int index,
			    const uint8_t mac[6], char *err, size_t errlen)
{
	struct netback *n = calloc(1, sizeof(*n));

	if (n)
		n->queue = calloc(NETBACK_RX_QUEUE, sizeof(*n->queue));
	if (!n || !n->queue) {
		snprintf(err, errlen, "vif %u: out of memory", index + 1);
		if (n)
			free(n);
		return NULL;
	}
	n->index = index;
	memcpy(n->mac, mac, 6);
	n->efd = n->stop_efd = -1;
	pthread_mutex_init(&n->rx_lock, NULL);
	n->link = net_link_new(spec, index + 1, netif_ring_receive, n, err,
			       errlen);
	if (!n->link) {
		netback_free(n);
		return NULL;
	}
	return n;
}

void netback_free(struct netback *n)
{
	if (!n)
		return;
	netback_detach(n);
	net_link_free(n->link);
	pthread_mutex_destroy(&n->rx_lock);
	free(n->queue);
	free(n);
}

static int setup(struct xendev *d)
{
	static const char *const off[] = {
		"feature-rx-flip", "feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload", "feature-multicast-control",
		"feature-split-event-channels", "feature-ctrl-ring",
	};
	unsigned int i;
	int err;

	err = xendev_be_printf(d, "feature-sg", "1");
	if (!err)
		err = xendev_be_printf(d, "feature-rx-copy", "1");
	for (i = 0; !err && i < sizeof(off) / sizeof(off[0]); i++)
		err = xendev_be_printf(d, off[i], "0");
	return err;
}

static int read_frontend(struct netback *n)
{
	struct xendev *d = &n->dev;
	uint32_t v;

	if (xendev_fe_read_u32(d, "tx-ring-ref", &n->tx_ref) ||
	    xendev_fe_read_u32(d, "rx-ring-ref", &n->rx_ref) ||
	    xendev_fe_read_u32(d, "event-channel", &n->port)) {
		ioemu_log("vif%u: the frontend gave no tx-ring-ref, rx-ring-ref or event-channel (several queues or split event channels are not offered)",
			  n->index);
		return -1;
	}
	if (xendev_fe_read_u32(d, "request-rx-copy", &v) || v != 1) {
		ioemu_log("vif%u: the frontend does not ask for receive by copy, the only mode offered",
			  n->index);
		return -1;
	}
	return 0;
}

static void disconnect(struct xendev *d)
{
	struct netback *n = d->priv;

	netif_ring_stop(n);
	if (n->efd >= 0)
		vm_evtchn_unbind(n->vm, n->port, n->efd);
	if (n->stop_efd >= 0)
		close(n->stop_efd);
	n->efd = n->stop_efd = -1;
	if (n->tx.sring)
		grant_put(n->gnt, n->tx_ref, true);
	if (n->rx.sring)
		grant_put(n->gnt, n->rx_ref, true);
	memset(&n->tx, 0, sizeof(n->tx));
	pthread_mutex_lock(&n->rx_lock);
	memset(&n->rx, 0, sizeof(n->rx));
	ioemu_log("vif%u: disconnected (sent %llu frames, received %llu, dropped %llu)",
		  n->index, (unsigned long long)n->stats.tx_frames,
		  (unsigned long long)n->stats.rx_frames,
		  (unsigned long long)n->stats.rx_dropped);
	pthread_mutex_unlock(&n->rx_lock);
}

static int connect(struct xendev *d)
{
	struct netback *n = d->priv;
	netif_tx_sring_t *tx;
	netif_rx_sring_t *rx;
	int err;

	if (read_frontend(n))
		return -1;
	tx = grant_get(n->gnt, n->tx_ref, true);
	if (tx)
		BACK_RING_INIT(&n->tx, tx, 4096);
	rx = grant_get(n->gnt, n->rx_ref, true);
	if (rx) {
		pthread_mutex_lock(&n->rx_lock);
		BACK_RING_INIT(&n->rx, rx, 4096);
		pthread_mutex_unlock(&n->rx_lock);
	}
	if (!tx || !rx) {
		ioemu_log("vif%u: a ring-ref is not a page granted to domain 0",
			  n->index);
		goto fail;
	}
	n->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	err = n->stop_efd < 0 ? -errno :
	      vm_evtchn_bind_port(n->vm, &n->port, &n->efd);
	if (err) {
		ioemu_log("vif%u: cannot bind event channel %u: %s", n->index,
			  n->port, strerror(-err));
		goto fail;
	}
	if (netif_ring_start(n))
		goto fail;
	ioemu_log("vif%u: connected (%02x:%02x:%02x:%02x:%02x:%02x)", n->index,
		  n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
		  n->mac[5]);
	return 0;
fail:
	disconnect(d);
	return -1;
}

static const struct xendev_ops vif_ops = {
	.type = "vif",
	.setup = setup,
	.connect = connect,
	.disconnect = disconnect,
};

static int toolstack_nodes(struct netback *n)
{
	struct xendev *d = &n->dev;
	char mac[18];
	int err;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
		 n->mac[5]);
	err = xendev_be_printf(d, "mac", "%s", mac);
	if (!err)
		err = xendev_be_printf(d, "handle", "%u", n->index);
	if (!err)
		err = xendev_be_printf(d, "type", "vif");
	if (!err)
		err = xendev_fe_printf(d, "mac", "%s", mac);
	if (!err)
		err = xendev_fe_printf(d, "handle", "%u", n->index);
	return err;
}

int netback_attach(struct netback *n, struct vm *vm, struct xs_server *xs,
		   struct grant_table *gnt)
{
	int err;

	n->vm = vm;
	n->gnt = gnt;
	pthread_mutex_lock(&n->rx_lock);
	memset(&n->stats, 0, sizeof(n->stats));
	pthread_mutex_unlock(&n->rx_lock);
	err = xendev_init(&n->dev, xs, vm->domid, &vif_ops, n->index, n);
	if (!err)
		err = toolstack_nodes(n);
	if (!err)
		err = xendev_start(&n->dev);
	if (err) {
		ioemu_log("vif%u: cannot set up its xenstore nodes: %s",
			  n->index, strerror(-err));
		xendev_stop(&n->dev);
	}
	return err;
}

void netback_detach(struct netback *n)
{
	xendev_stop(&n->dev);
}
