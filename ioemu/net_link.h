/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outside of a virtual interface: where the Ethernet frames of the
 * network backend (netback.h) go and come from.  Two kinds, chosen by
 * the vif's type (vifspec.h):
 *
 *  - user: user-mode networking through libslirp, for users without any
 *    privilege.  The guest is on 10.0.2.0/24 as with QEMU: 10.0.2.2 is
 *    the gateway and the host (its 127.0.0.1), 10.0.2.3 the DNS server,
 *    DHCP hands out 10.0.2.15 on.  Outbound TCP and UDP, host port
 *    forwards to the guest; no IPv6.
 *  - tap: a tap device of the host (IFF_TAP | IFF_NO_PI), which the
 *    administrator creates for the user and bridges or routes.
 *
 * Each link has a thread of its own, which delivers the frames for the
 * guest.  Frames both ways are whole Ethernet frames without FCS and
 * with complete IP, TCP and UDP checksums: libslirp drops a packet whose
 * checksum is wrong, so checksums a frontend left blank must be filled
 * in before net_link_send().
 */
#ifndef IOEMU_NET_LINK_H
#define IOEMU_NET_LINK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "vifspec.h"

/* The longest frame either way: a 64 KiB packet and its Ethernet header. */
#define NET_LINK_MAX_FRAME	(65536 + 14)
/* Frames from the guest that a user link holds before it drops. */
#define NET_LINK_USER_QUEUE	256

struct net_link;

/*
 * Frames from the outside for the guest; called on the link's own
 * thread, one at a time.  It may call net_link_send() of its own link.
 */
typedef void (*net_link_rx_fn)(void *opaque, const void *frame, size_t len);

/*
 * A link for vif @spec of a VM: user-mode (libslirp) or tap.  Starts its
 * own thread, which calls @rx for each frame for the guest.  NULL with a
 * one-line message in @err ("vif 1: cannot forward tcp 127.0.0.1:2222:
 * Address already in use", "vif 1: tap 'tap0': Operation not permitted
 * (create it with 'ip tuntap add tap0 mode tap user USER')").  @index is
 * the vif's number, for messages.
 */
struct net_link *net_link_new(const struct vif_spec *spec, unsigned int index,
			      net_link_rx_fn rx, void *opaque,
			      char *err, size_t errlen);

/*
 * A frame from the guest (Ethernet, without FCS).  Thread-safe; never
 * blocks for long.  0 once the frame is on its way (a user link queues
 * it for its thread); else the frame is dropped and counted in
 * tx_dropped: -ENOBUFS when the outside is congested (a user link's
 * queue of NET_LINK_USER_QUEUE frames is full, a tap's queue too),
 * -ENETDOWN when the tap is down, -EINVAL for a frame shorter than an
 * Ethernet header or longer than NET_LINK_MAX_FRAME (or than the tap
 * takes), -EIO when the tap failed.  Not to be called during or after
 * net_link_free().
 */
int net_link_send(struct net_link *l, const void *frame, size_t len);

/* Stop the thread and free everything; NULL is fine. */
void net_link_free(struct net_link *l);

/* Counters for logs and tests. */
struct net_link_stats {
	uint64_t tx_frames, tx_bytes;	/* accepted from the guest */
	uint64_t rx_frames, rx_bytes;	/* delivered to @rx */
	uint64_t tx_dropped;		/* from the guest, not sent */
};

void net_link_get_stats(struct net_link *l, struct net_link_stats *st);

/* --- between net_link.c and the kinds of link (net_user.c, net_tap.c) --- */

struct net_link_ops {
	int (*send)(struct net_link *l, const void *frame, size_t len);
	void (*free)(struct net_link *l);
};

/* The part every kind of link starts with. */
struct net_link {
	const struct net_link_ops *ops;
	unsigned int index;
	net_link_rx_fn rx;
	void *opaque;
	struct net_link_stats stats;	/* atomic adds and loads */
};

struct net_link *net_user_new(const struct vif_spec *spec, unsigned int index,
			      net_link_rx_fn rx, void *opaque,
			      char *err, size_t errlen);
struct net_link *net_tap_new(const struct vif_spec *spec, unsigned int index,
			     net_link_rx_fn rx, void *opaque,
			     char *err, size_t errlen);

void net_link_init(struct net_link *l, const struct net_link_ops *ops,
		   unsigned int index, net_link_rx_fn rx, void *opaque);
/* Count a frame for the guest and hand it to rx (on the link's thread). */
void net_link_deliver(struct net_link *l, const void *frame, size_t len);
void net_link_count_tx(struct net_link *l, size_t len);
void net_link_count_dropped(struct net_link *l);
/*
 * Start @fn(@arg) on a new thread with every signal blocked.  0 or a
 * positive error number, as pthread_create().
 */
int net_link_start_thread(pthread_t *thread, void *(*fn)(void *), void *arg);
/* Wake the thread polling eventfd @efd. */
void net_link_kick(int efd);

#endif /* IOEMU_NET_LINK_H */
