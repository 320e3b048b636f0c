/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte streams through the xenstore ring page, whose indices the guest
 * can change at any time.  The server keeps its own copy of the indices
 * it produces (req_cons, rsp_prod) and only ever writes them to the
 * page; it reads the guest's (req_prod, rsp_cons) once per call.
 */
#ifndef IOEMU_XS_RING_H
#define IOEMU_XS_RING_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/*
 * Copies up to len request bytes to buf and advances *cons (and the
 * page's req_cons).  Returns the bytes copied, or -1 when req_prod is
 * further from *cons than the ring is long.
 */
int xs_ring_take(struct xenstore_domain_interface *r, uint32_t *cons,
		 void *buf, size_t len);

/*
 * Copies as many of len bytes as fit to the response ring and advances
 * *prod (and the page's rsp_prod).  Returns the bytes copied, or -1 when
 * rsp_cons claims more than the ring holds.
 */
int xs_ring_put(struct xenstore_domain_interface *r, uint32_t *prod,
		const void *buf, size_t len);

#endif /* IOEMU_XS_RING_H */
