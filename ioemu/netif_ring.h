/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The insides of the network backend (netback.c: xenstore and lifecycle;
 * netif_ring.c: the rings).  Not for other users.
 */
#ifndef IOEMU_NETIF_RING_H
#define IOEMU_NETIF_RING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef mb
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#include <xen/io/netif.h>

#include "netback.h"
#include "xendev.h"

/* Slots of one transmitted frame, extras included (Linux sends <= 18). */
#define NETBACK_MAX_TX_SLOTS	XEN_NETIF_NR_SLOTS_MIN
/* Frames waiting for receive buffers, and how large one may be. */
#define NETBACK_RX_QUEUE	128
#define NETBACK_RX_FRAME_MAX	4096

struct netback_stats {
	uint64_t tx_frames, tx_bytes, tx_errors;
	uint64_t rx_frames, rx_bytes, rx_dropped;
};

struct rx_frame {
	uint16_t len;
	uint8_t data[NETBACK_RX_FRAME_MAX];
};

struct netback {
	struct xendev dev;
	struct net_link *link;
	unsigned int index;
	uint8_t mac[6];
	struct vm *vm;
	struct grant_table *gnt;

	/* While connected. */
	uint32_t tx_ref, rx_ref, port;
	int efd;			/* the guest's sends */
	int stop_efd;
	netif_tx_back_ring_t tx;
	pthread_t thread;
	bool thread_started;
	bool broken;			/* the guest broke the tx ring */
	uint8_t tx_frame[XEN_NETIF_MAX_TX_SIZE];

	pthread_mutex_t rx_lock;	/* the receive side, stats */
	bool connected;
	bool rx_broken;			/* the guest broke the rx ring */
	netif_rx_back_ring_t rx;
	struct rx_frame *queue;		/* NETBACK_RX_QUEUE of them */
	unsigned int queue_head, queue_len;
	struct netback_stats stats;
};

/* netif_ring.c */
int netif_ring_start(struct netback *n);
void netif_ring_stop(struct netback *n);
/* A frame from the link for the guest (the link's rx callback). */
void netif_ring_receive(void *opaque, const void *frame, size_t len);

#endif /* IOEMU_NETIF_RING_H */
