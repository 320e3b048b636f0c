// SPDX-License-Identifier: GPL-2.0
/* Reading and writing the guest's console ring page. */
#include <errno.h>
#include <string.h>

#include "console_ring.h"

ssize_t console_ring_read(struct xencons_interface *intf, void *buf,
			  size_t max)
{
	/* Acquire: the bytes below must be read after the index. */
	uint32_t prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = __atomic_load_n(&intf->out_cons, __ATOMIC_RELAXED);
	uint32_t avail = prod - cons;
	size_t n, off, first;

	if (avail > sizeof(intf->out))
		return -EPROTO;
	n = avail < max ? avail : max;
	if (!n)
		return 0;
	off = MASK_XENCONS_IDX(cons, intf->out);
	first = sizeof(intf->out) - off;
	if (first > n)
		first = n;
	memcpy(buf, intf->out + off, first);
	memcpy((char *)buf + first, intf->out, n - first);
	/* Release: the guest may reuse the space once it sees the index. */
	__atomic_store_n(&intf->out_cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
	return (ssize_t)n;
}

ssize_t console_ring_write(struct xencons_interface *intf, const void *buf,
			   size_t len)
{
	/* Acquire: no byte may be overwritten before the guest read it. */
	uint32_t cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
	uint32_t prod = __atomic_load_n(&intf->in_prod, __ATOMIC_RELAXED);
	uint32_t used = prod - cons;
	size_t n, off, first;

	if (used > sizeof(intf->in))
		return -EPROTO;
	n = sizeof(intf->in) - used;
	if (n > len)
		n = len;
	if (!n)
		return 0;
	off = MASK_XENCONS_IDX(prod, intf->in);
	first = sizeof(intf->in) - off;
	if (first > n)
		first = n;
	memcpy(intf->in + off, buf, first);
	memcpy(intf->in, (const char *)buf + first, n - first);
	/* Release: the bytes must be visible before the index is. */
	__atomic_store_n(&intf->in_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
	return (ssize_t)n;
}
