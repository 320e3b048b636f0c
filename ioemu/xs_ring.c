// SPDX-License-Identifier: GPL-2.0
/* Byte streams through the xenstore ring page. */
#include <string.h>

#include "xs_ring.h"

int xs_ring_take(struct xenstore_domain_interface *r, uint32_t *cons,
		 void *buf, size_t len)
{
	/* Acquire: the bytes below must be read after the index. */
	uint32_t prod = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE);
	uint32_t avail = prod - *cons;
	uint32_t off = MASK_XENSTORE_IDX(*cons);
	size_t n, first;

	if (avail > XENSTORE_RING_SIZE)
		return -1;
	n = avail < len ? avail : len;
	if (!n)
		return 0;
	first = XENSTORE_RING_SIZE - off;
	if (first > n)
		first = n;
	memcpy(buf, r->req + off, first);
	memcpy((char *)buf + first, r->req, n - first);
	*cons += (uint32_t)n;
	/* Release: the guest may reuse the space once it sees the index. */
	__atomic_store_n(&r->req_cons, *cons, __ATOMIC_RELEASE);
	return (int)n;
}

int xs_ring_put(struct xenstore_domain_interface *r, uint32_t *prod,
		const void *buf, size_t len)
{
	/* Acquire: no byte may be overwritten before the guest freed it. */
	uint32_t cons = __atomic_load_n(&r->rsp_cons, __ATOMIC_ACQUIRE);
	uint32_t used = *prod - cons;
	uint32_t off = MASK_XENSTORE_IDX(*prod);
	size_t n, first;

	if (used > XENSTORE_RING_SIZE)
		return -1;
	n = XENSTORE_RING_SIZE - used;
	if (n > len)
		n = len;
	if (!n)
		return 0;
	first = XENSTORE_RING_SIZE - off;
	if (first > n)
		first = n;
	memcpy(r->rsp + off, buf, first);
	memcpy(r->rsp, (const char *)buf + first, n - first);
	*prod += (uint32_t)n;
	/* Release: the bytes must be visible before the index is. */
	__atomic_store_n(&r->rsp_prod, *prod, __ATOMIC_RELEASE);
	return (int)n;
}
