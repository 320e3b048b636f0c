// SPDX-License-Identifier: GPL-2.0
/*
 * What the kinds of link (net_user.c, net_tap.c) share: the choice of
 * kind, the checks on a frame from the guest, the counters and the
 * link's thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ioemu.h"
#include "net_link.h"

struct net_link *net_link_new(const struct vif_spec *spec, unsigned int index,
			      net_link_rx_fn rx, void *opaque,
			      char *err, size_t errlen)
{
	switch (spec->type) {
	case VIF_SPEC_USER:
		return net_user_new(spec, index, rx, opaque, err, errlen);
	case VIF_SPEC_TAP:
		return net_tap_new(spec, index, rx, opaque, err, errlen);
	}
	snprintf(err, errlen, "vif %u: unknown type of link", index);
	return NULL;
}

int net_link_send(struct net_link *l, const void *frame, size_t len)
{
	if (len < 14 || len > NET_LINK_MAX_FRAME) {
		net_link_count_dropped(l);
		return -EINVAL;
	}
	return l->ops->send(l, frame, len);
}

void net_link_free(struct net_link *l)
{
	if (l)
		l->ops->free(l);
}

void net_link_get_stats(struct net_link *l, struct net_link_stats *st)
{
	st->tx_frames = __atomic_load_n(&l->stats.tx_frames, __ATOMIC_RELAXED);
	st->tx_bytes = __atomic_load_n(&l->stats.tx_bytes, __ATOMIC_RELAXED);
	st->rx_frames = __atomic_load_n(&l->stats.rx_frames, __ATOMIC_RELAXED);
	st->rx_bytes = __atomic_load_n(&l->stats.rx_bytes, __ATOMIC_RELAXED);
	st->tx_dropped = __atomic_load_n(&l->stats.tx_dropped,
					 __ATOMIC_RELAXED);
}

void net_link_init(struct net_link *l, const struct net_link_ops *ops,
		   unsigned int index, net_link_rx_fn rx, void *opaque)
{
	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->index = index;
	l->rx = rx;
	l->opaque = opaque;
}

void net_link_deliver(struct net_link *l, const void *frame, size_t len)
{
	__atomic_add_fetch(&l->stats.rx_frames, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&l->stats.rx_bytes, len, __ATOMIC_RELAXED);
	l->rx(l->opaque, frame, len);
}

void net_link_count_tx(struct net_link *l, size_t len)
{
	__atomic_add_fetch(&l->stats.tx_frames, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&l->stats.tx_bytes, len, __ATOMIC_RELAXED);
}

void net_link_count_dropped(struct net_link *l)
{
	__atomic_add_fetch(&l->stats.tx_dropped, 1, __ATOMIC_RELAXED);
}

int net_link_start_thread(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	/* Signals are for the event loop and the vCPU threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

void net_link_kick(int efd)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is full, so the thread wakes anyway. */
	if (write(efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ioemu_log("eventfd write: %s", strerror(errno));
}
