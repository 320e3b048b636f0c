/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network backend: one virtual interface (vif) of the guest, served
 * to Linux's xen-netfront over the netif protocol
 * (xen/include/public/io/netif.h), its frames going to and from a link
 * (net_link.h: user-mode networking or a tap device).
 *
 * The guest's transmit ring is served by a thread of the vif's own;
 * frames from the link are put on the guest's receive ring from the
 * link's thread, or queued (boundedly) until the guest posts buffers.
 */
#ifndef IOEMU_NETBACK_H
#define IOEMU_NETBACK_H

#include <stdint.h>

struct grant_table;
struct netback;
struct vif_spec;
struct vm;
struct xs_server;

/*
 * A backend for vif number @index (its xenstore handle) with MAC @mac,
 * and its link, which starts at once.  NULL with a message in @err.
 */
struct netback *netback_new(const struct vif_spec *spec, unsigned int index,
			    const uint8_t mac[6], char *err, size_t errlen);
void netback_free(struct netback *n);

/* As blkback_attach() and blkback_detach(). */
int netback_attach(struct netback *n, struct vm *vm, struct xs_server *xs,
		   struct grant_table *gnt);
void netback_detach(struct netback *n);

#endif /* IOEMU_NETBACK_H */
