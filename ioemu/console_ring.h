/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's console ring page (struct xencons_interface): the guest
 * produces into out[] and consumes from in[]; ioemu does the reverse.
 * The page is guest memory, so every index in it is untrusted: each call
 * reads the guest's producer or consumer index once and checks it.
 */
#ifndef IOEMU_CONSOLE_RING_H
#define IOEMU_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <xen/io/console.h>

/*
 * Takes up to max bytes the guest wrote (out ring) into buf and advances
 * out_cons.  Returns the bytes taken, or -EPROTO when out_prod is more
 * than the ring's length ahead of out_cons: the guest broke the ring,
 * and ioemu should stop serving it (nothing was consumed).
 */
ssize_t console_ring_read(struct xencons_interface *intf, void *buf,
			  size_t max);

/*
 * Gives the guest up to len bytes of input (in ring) and advances
 * in_prod.  Returns the bytes accepted (fewer when the ring is full), or
 * -EPROTO when in_cons claims more than the ring holds.
 */
ssize_t console_ring_write(struct xencons_interface *intf, const void *buf,
			   size_t len);

#endif /* IOEMU_CONSOLE_RING_H */
