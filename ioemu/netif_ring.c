// SPDX-License-Identifier: GPL-2.0
/*
 * The netif rings of one vif (see netback.h).
 *
 * Transmit (guest to link): a frame is a first request (its size is the
 * frame's), extra-info slots when it says so, and more requests while
 * NETTXF_more_data is set; the first fragment's size is what the others
 * leave.  Each slot is copied out of the shared ring once and checked
 * before its page is touched; every slot gets an answer (NULL for
 * extras), in order.  A frame not yet wholly on the ring waits.
 *
 * Receive (link to guest): one frame per receive request, copied into
 * the granted page at offset 0; frames wait in a bounded queue while the
 * guest has posted no buffers, and are dropped beyond it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grant.h"
#include "ioemu.h"
#include "net_csum.h"
#include "net_link.h"
#include "netif_ring.h"

#define PAGE_BYTES	4096u

_Static_assert(__CONST_RING_SIZE(netif_tx, 4096) == 256, "tx ring slots");
_Static_assert(__CONST_RING_SIZE(netif_rx, 4096) == 256, "rx ring slots");

static void kick(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ioemu_log("eventfd write: %s", strerror(errno));
}

/* --- receive ------------------------------------------------------------- */

/* Put one frame on the receive ring; false when no buffer is posted. */
static bool deliver(struct netback *n, const uint8_t *frame, size_t len)
{
	struct netif_rx_request req;
	struct netif_rx_response *rsp;
	RING_IDX rp = __atomic_load_n(&n->rx.sring->req_prod,
				      __ATOMIC_ACQUIRE);
	uint8_t *page;

	if (n->rx.req_cons == rp)
		return false;
	if (rp - n->rx.req_cons > RING_SIZE(&n->rx)) {
		if (!n->rx_broken)
			ioemu_log("vif%u: the guest broke its receive ring; receiving stopped",
				  n->index);
		n->rx_broken = true;
		return false;
	}
	memcpy(&req, RING_GET_REQUEST(&n->rx, n->rx.req_cons), sizeof(req));
	n->rx.req_cons++;
	rsp = RING_GET_RESPONSE(&n->rx, n->rx.rsp_prod_pvt);
	rsp->id = req.id;
	rsp->offset = 0;
	rsp->flags = 0;
	page = grant_get(n->gnt, req.gref, true);
	if (page) {
		memcpy(page, frame, len);
		grant_put(n->gnt, req.gref, true);
		rsp->status = (int16_t)len;
		n->stats.rx_frames++;
		n->stats.rx_bytes += len;
	} else {
		rsp->status = NETIF_RSP_ERROR;
		n->stats.rx_dropped++;
	}
	n->rx.rsp_prod_pvt++;
	return true;
}

/* Queued frames to the guest while it has buffers.  Under rx_lock. */
static bool flush_queue(struct netback *n)
{
	struct rx_frame *f;
	bool moved = false;

	while (n->queue_len && !n->rx_broken) {
		f = &n->queue[n->queue_head];
		if (!deliver(n, f->data, f->len))
			break;
		n->queue_head = (n->queue_head + 1) % NETBACK_RX_QUEUE;
		n->queue_len--;
		moved = true;
	}
	return moved;
}

/* Answers out, and the guest told if it wants to be.  Under rx_lock. */
static bool push_rx(struct netback *n)
{
	int notify, more;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->rx, notify);
	/* Frames still wait: ask to hear of the next buffers posted. */
	if (n->queue_len)
		RING_FINAL_CHECK_FOR_REQUESTS(&n->rx, more);
	return notify;
}

void netif_ring_receive(void *opaque, const void *frame, size_t len)
{
	struct netback *n = opaque;
	struct rx_frame *f;
	bool notify = false;

	pthread_mutex_lock(&n->rx_lock);
	if (!n->connected || n->rx_broken || len > NETBACK_RX_FRAME_MAX) {
		n->stats.rx_dropped++;
		goto out;
	}
	flush_queue(n);
	if (!n->queue_len && deliver(n, frame, len)) {
		notify = push_rx(n);
		goto out;
	}
	if (n->queue_len == NETBACK_RX_QUEUE) {
		n->stats.rx_dropped++;
	} else {
		f = &n->queue[(n->queue_head + n->queue_len) %
			      NETBACK_RX_QUEUE];
		memcpy(f->data, frame, len);
		f->len = (uint16_t)len;
		n->queue_len++;
	}
	notify = push_rx(n);
out:
	pthread_mutex_unlock(&n->rx_lock);
	if (notify)
		vm_evtchn_notify(n->vm, n->port);
}

/* --- transmit ------------------------------------------------------------ */

struct tx_slot {
	bool extra;
	struct netif_tx_request req;
};

/*
 * Copy the slots of the frame at req_cons into @slots.  Returns how many,
 * 0 when the frame is not wholly on the ring yet, -1 when it has more
 * slots than a frame may have (the guest broke the protocol).
 */
static int gather(struct netback *n, RING_IDX rp, struct tx_slot *slots)
{
	RING_IDX i = n->tx.req_cons;
	bool extra_next = false, more = true;
	struct netif_extra_info ex;
	int nr = 0;

	while (more || extra_next) {
		if (i == rp)
			return 0;
		if (nr == NETBACK_MAX_TX_SLOTS)
			return -1;
		if (extra_next) {
			memcpy(&ex, RING_GET_REQUEST(&n->tx, i), sizeof(ex));
			slots[nr].extra = true;
			extra_next = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
		} else {
			memcpy(&slots[nr].req, RING_GET_REQUEST(&n->tx, i),
			       sizeof(slots[nr].req));
			slots[nr].extra = false;
			more = slots[nr].req.flags & NETTXF_more_data;
			extra_next = !nr &&
				     (slots[nr].req.flags & NETTXF_extra_info);
		}
		i++;
		nr++;
	}
	return nr;
}

/* Copy the frame's data out of the guest; its length, or 0 if bad. */
static size_t copy_frame(struct netback *n, const struct tx_slot *slots,
			 int nr)
{
	size_t total = slots[0].req.size, rest = 0, len, off = 0;
	const struct netif_tx_request *r;
	const uint8_t *page;
	int i;

	for (i = 1; i < nr; i++)
		if (!slots[i].extra)
			rest += slots[i].req.size;
	if (total <= rest || total > sizeof(n->tx_frame))
		return 0;
	for (i = 0; i < nr; i++) {
		if (slots[i].extra)
			continue;
		r = &slots[i].req;
		len = i ? r->size : total - rest;
		if (!len || r->offset > PAGE_BYTES ||
		    len > PAGE_BYTES - r->offset)
			return 0;
		page = grant_get(n->gnt, r->gref, false);
		if (!page)
			return 0;
		memcpy(n->tx_frame + off, page + r->offset, len);
		grant_put(n->gnt, r->gref, false);
		off += len;
	}
	return total;
}

static void answer_tx(struct netback *n, const struct tx_slot *slots, int nr,
		      int16_t status)
{
	struct netif_tx_response *rsp;
	int i;

	for (i = 0; i < nr; i++) {
		rsp = RING_GET_RESPONSE(&n->tx, n->tx.rsp_prod_pvt);
		rsp->id = slots[i].extra ? 0 : slots[i].req.id;
		rsp->status = slots[i].extra ? NETIF_RSP_NULL : status;
		n->tx.rsp_prod_pvt++;
	}
}

static void send_frame(struct netback *n, const struct tx_slot *slots, int nr)
{
	size_t len = copy_frame(n, slots, nr);
	int16_t st = NETIF_RSP_OKAY;

	if (!len) {
		st = NETIF_RSP_ERROR;
	} else {
		if (slots[0].req.flags & NETTXF_csum_blank)
			net_csum_complete(n->tx_frame, len);
		if (net_link_send(n->link, n->tx_frame, len))
			st = NETIF_RSP_DROPPED;
	}
	answer_tx(n, slots, nr, st);
	pthread_mutex_lock(&n->rx_lock);
	if (st == NETIF_RSP_OKAY) {
		n->stats.tx_frames++;
		n->stats.tx_bytes += len;
	} else if (st == NETIF_RSP_ERROR) {
		n->stats.tx_errors++;
	}
	pthread_mutex_unlock(&n->rx_lock);
}

/* Send every whole frame on the ring; false once the guest broke it. */
static bool transmit(struct netback *n)
{
	struct tx_slot slots[NETBACK_MAX_TX_SLOTS];
	int nr, more, notify;
	RING_IDX rp;

	do {
		rp = __atomic_load_n(&n->tx.sring->req_prod, __ATOMIC_ACQUIRE);
		if (rp - n->tx.req_cons > RING_SIZE(&n->tx))
			return false;
		while (n->tx.req_cons != rp) {
			nr = gather(n, rp, slots);
			if (nr < 0)
				return false;
			if (!nr)
				break;
			n->tx.req_cons += (RING_IDX)nr;
			send_frame(n, slots, nr);
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&n->tx, notify);
		if (notify)
			vm_evtchn_notify(n->vm, n->port);
		RING_FINAL_CHECK_FOR_REQUESTS(&n->tx, more);
	} while (more);
	return true;
}

static void serve(struct netback *n)
{
	bool notify = false;

	if (!transmit(n)) {
		ioemu_log("vif%u: the guest broke its transmit ring; interface stopped",
			  n->index);
		n->broken = true;
	}
	pthread_mutex_lock(&n->rx_lock);
	if (flush_queue(n))
		notify = push_rx(n);
	pthread_mutex_unlock(&n->rx_lock);
	if (notify)
		vm_evtchn_notify(n->vm, n->port);
}

static void *tx_thread(void *opaque)
{
	struct netback *n = opaque;
	struct pollfd p[2] = {
		{ .fd = n->efd, .events = POLLIN },
		{ .fd = n->stop_efd, .events = POLLIN },
	};
	uint64_t v;

	while (!n->broken) {
		serve(n);
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (p[0].revents && read(n->efd, &v, sizeof(v)) < 0 &&
		    errno != EAGAIN)
			break;
	}
	return NULL;
}

int netif_ring_start(struct netback *n)
{
	int err;

	n->broken = false;
	pthread_mutex_lock(&n->rx_lock);
	n->rx_broken = false;
	n->queue_head = n->queue_len = 0;
	n->connected = true;
	pthread_mutex_unlock(&n->rx_lock);
	err = pthread_create(&n->thread, NULL, tx_thread, n);
	if (err) {
		ioemu_log("vif%u: cannot start its thread: %s", n->index,
			  strerror(err));
		netif_ring_stop(n);
		return -1;
	}
	n->thread_started = true;
	return 0;
}

void netif_ring_stop(struct netback *n)
{
	pthread_mutex_lock(&n->rx_lock);
	n->connected = false;
	pthread_mutex_unlock(&n->rx_lock);
	if (n->thread_started) {
		kick(n->stop_efd);
		pthread_join(n->thread, NULL);
		n->thread_started = false;
	}
}
