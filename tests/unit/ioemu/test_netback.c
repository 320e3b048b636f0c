// SPDX-License-Identifier: GPL-2.0
/*
 * The network backend's rings (netif_ring.c) and checksums (net_csum.c)
 * against a fake guest: guest RAM and a grant table in this process's
 * memory, a user-mode link (libslirp) behind the backend, frames put on
 * the transmit ring as xen-netfront would.  An ARP request for the
 * gateway must come back as an ARP reply on the receive ring; bad
 * requests get errors; a frame with a blank TCP checksum is completed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "grant.h"
#include "ioemu.h"
#include "net_csum.h"
#include "netif_ring.h"
#include "test.h"
#include "vifspec.h"

int test_failures;

#define RAM_PAGES	64
#define TX_GFN		0
#define RX_GFN		1
#define TXBUF_GFN	8
#define RXBUF_GFN	24
#define NR_ENTRIES	512

static const uint8_t guest_mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };

static uint8_t *ram;
static grant_entry_v1_t *entries;
static struct guest_mem mem;
static struct grant_table gnt;
static struct vm vm;
static netif_tx_front_ring_t txf;
static netif_rx_front_ring_t rxf;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static uint8_t *page(uint32_t gfn)
{
	return ram + (size_t)gfn * 4096;
}

static void grant(uint32_t ref, uint32_t gfn, bool ro)
{
	entries[ref].domid = 0;
	entries[ref].frame = gfn;
	__atomic_store_n(&entries[ref].flags,
			 (uint16_t)(GTF_permit_access | (ro ? GTF_readonly : 0)),
			 __ATOMIC_RELEASE);
}

static void kick(struct netback *n)
{
	uint64_t one = 1;

	if (write(n->efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd");
}

/* Post 16 receive buffers (grants 300.., pages RXBUF_GFN..). */
static void post_rx(struct netback *n)
{
	struct netif_rx_request *r;
	int i, notify;

	for (i = 0; i < 16; i++) {
		r = RING_GET_REQUEST(&rxf, rxf.req_prod_pvt);
		r->id = (uint16_t)i;
		r->gref = 300 + i;
		grant(300 + i, RXBUF_GFN + i, false);
		rxf.req_prod_pvt++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&rxf, notify);
	(void)notify;
	kick(n);
}

/* Put one frame in one slot (grant 100 + slot) and send it. */
static void tx_frame(struct netback *n, const uint8_t *frame, uint16_t len,
		     uint16_t flags)
{
	struct netif_tx_request *r = RING_GET_REQUEST(&txf, txf.req_prod_pvt);
	uint32_t ref = 100 + txf.req_prod_pvt % 16;
	int notify;

	memcpy(page(TXBUF_GFN + ref - 100) + 64, frame, len);
	grant(ref, TXBUF_GFN + ref - 100, true);
	r->gref = ref;
	r->offset = 64;
	r->flags = flags;
	r->id = (uint16_t)txf.req_prod_pvt;
	r->size = len;
	txf.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&txf, notify);
	(void)notify;
	kick(n);
}

/* The next transmit answer's status (99 after 3 s without one). */
static int tx_status(void)
{
	struct netif_tx_response *rsp;
	int i;

	for (i = 0; i < 3000; i++) {
		if (__atomic_load_n(&txf.sring->rsp_prod, __ATOMIC_ACQUIRE) !=
		    txf.rsp_cons) {
			rsp = RING_GET_RESPONSE(&txf, txf.rsp_cons);
			txf.rsp_cons++;
			return rsp->status;
		}
		usleep(1000);
	}
	return 99;
}

/* The next received frame into @buf; its length, or -1 after 3 s. */
static int rx_frame(uint8_t *buf)
{
	struct netif_rx_response *rsp;
	int i;

	for (i = 0; i < 3000; i++) {
		if (__atomic_load_n(&rxf.sring->rsp_prod, __ATOMIC_ACQUIRE) !=
		    rxf.rsp_cons) {
			rsp = RING_GET_RESPONSE(&rxf, rxf.rsp_cons);
			rxf.rsp_cons++;
			if (rsp->status <= 0)
				return -1;
			memcpy(buf, page(RXBUF_GFN + rsp->id) + rsp->offset,
			       (size_t)rsp->status);
			return rsp->status;
		}
		usleep(1000);
	}
	return -1;
}

/* An ARP request from 10.0.2.15 for 10.0.2.2. */
static size_t arp_request(uint8_t *f)
{
	static const uint8_t head[] = { 0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4,
					0, 1 };

	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, guest_mac, 6);
	memcpy(f + 12, head, sizeof(head));
	memcpy(f + 22, guest_mac, 6);
	f[28] = 10; f[29] = 0; f[30] = 2; f[31] = 15;
	f[38] = 10; f[39] = 0; f[40] = 2; f[41] = 2;
	return 42;
}

static void test_arp(struct netback *n)
{
	uint8_t f[64], got[4096];
	int len, i;
	bool reply = false;

	tx_frame(n, f, (uint16_t)arp_request(f), 0);
	EXPECT("net/tx-arp-answered-okay", tx_status() == NETIF_RSP_OKAY);
	for (i = 0; i < 4 && !reply; i++) {
		len = rx_frame(got);
		reply = len >= 42 && got[12] == 0x08 && got[13] == 0x06 &&
			got[21] == 2 && !memcmp(got, guest_mac, 6) &&
			got[28] == 10 && got[31] == 2;
	}
	EXPECT("net/arp-reply-on-rx-ring", reply);
	EXPECT("net/rx-grants-let-go",
	       !(entries[300].flags & (GTF_reading | GTF_writing)));
}

/* One transmit slot, not yet pushed. */
static void tx_slot(uint32_t gref, uint16_t offset, uint16_t flags,
		    uint16_t id, uint16_t size)
{
	struct netif_tx_request *r = RING_GET_REQUEST(&txf, txf.req_prod_pvt);

	r->gref = gref;
	r->offset = offset;
	r->flags = flags;
	r->id = id;
	r->size = size;
	txf.req_prod_pvt++;
}

static void push(struct netback *n)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&txf, notify);
	(void)notify;
	kick(n);
}

static void test_bad_tx(struct netback *n)
{
	grant(120, TXBUF_GFN + 1, true);
	entries[121] = entries[120];
	entries[121].domid = 7;
	tx_slot(121, 0, 0, 550, 60);
	push(n);
	EXPECT("net/tx-foreign-grant-error", tx_status() == NETIF_RSP_ERROR);
	tx_slot(120, 4000, 0, 555, 200);
	push(n);
	EXPECT("net/tx-past-page-error", tx_status() == NETIF_RSP_ERROR);
	/* The later fragment is larger than the whole frame. */
	tx_slot(120, 0, NETTXF_more_data, 556, 100);
	tx_slot(120, 0, 0, 557, 300);
	push(n);
	EXPECT("net/tx-bad-sizes-error-1", tx_status() == NETIF_RSP_ERROR);
	EXPECT("net/tx-bad-sizes-error-2", tx_status() == NETIF_RSP_ERROR);
	/* An extra-info slot is answered with RSP_NULL. */
	tx_slot(120, 0, NETTXF_extra_info, 558, 60);
	tx_slot(0, 0, 0, 0, 0);		/* the extra: type 0, no MORE */
	push(n);
	EXPECT("net/tx-with-extra-okay", tx_status() == NETIF_RSP_OKAY);
	EXPECT("net/tx-extra-answered-null", tx_status() == NETIF_RSP_NULL);
	EXPECT("net/tx-grants-let-go",
	       !(entries[120].flags & (GTF_reading | GTF_writing)));
	/* More slots than a frame may have: the ring is given up. */
	for (int i = 0; i < NETBACK_MAX_TX_SLOTS + 1; i++)
		tx_slot(120, 0, NETTXF_more_data, (uint16_t)(600 + i), 10);
	push(n);
	usleep(200 * 1000);
	EXPECT("net/endless-frame-stops-tx", n->broken);
}

/* IPv4 TCP SYN with the checksum left blank, completed in place. */
static void test_csum(void)
{
	uint8_t f[54] = { 0 };
	uint32_t sum = 0;
	size_t i;

	f[12] = 0x08;
	f[14] = 0x45;
	f[17] = 40;		/* total length */
	f[22] = 64;
	f[23] = 6;		/* TCP */
	f[26] = 10; f[27] = 0; f[28] = 2; f[29] = 15;
	f[30] = 10; f[31] = 0; f[32] = 2; f[33] = 2;
	f[34] = 0x30; f[35] = 0x39;	/* ports */
	f[36] = 0x00; f[37] = 0x50;
	f[46] = 0x50;		/* data offset 5 */
	f[47] = 0x02;		/* SYN */
	f[48] = 0xff;
	EXPECT("csum/tcp-completed", net_csum_complete(f, sizeof(f)));
	/* Pseudo-header plus segment, checksum included, sums to 0xffff. */
	for (i = 26; i < 34; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	sum += 6 + 20;
	for (i = 34; i < 54; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	EXPECT("csum/tcp-verifies", sum == 0xffff);
	EXPECT("csum/truncated-refused", !net_csum_complete(f, 40));
	f[23] = 1;		/* ICMP */
	EXPECT("csum/not-tcp-udp-refused", !net_csum_complete(f, sizeof(f)));
	f[12] = 0x86;
	EXPECT("csum/not-ip-refused", !net_csum_complete(f, 14));
}

static struct netback *make_backend(void)
{
	struct vif_spec spec;
	char err[256];
	struct netback *n;

	if (vif_spec_parse("type=user", &spec, err, sizeof(err)))
		die(err);
	n = netback_new(&spec, 0, guest_mac, err, sizeof(err));
	if (!n) {
		fprintf(stderr, "%s\n", err);
		die("netback_new");
	}
	SHARED_RING_INIT((netif_tx_sring_t *)page(TX_GFN));
	SHARED_RING_INIT((netif_rx_sring_t *)page(RX_GFN));
	FRONT_RING_INIT(&txf, (netif_tx_sring_t *)page(TX_GFN), 4096);
	FRONT_RING_INIT(&rxf, (netif_rx_sring_t *)page(RX_GFN), 4096);
	BACK_RING_INIT(&n->tx, (netif_tx_sring_t *)page(TX_GFN), 4096);
	BACK_RING_INIT(&n->rx, (netif_rx_sring_t *)page(RX_GFN), 4096);
	n->vm = &vm;
	n->gnt = &gnt;
	n->efd = eventfd(0, EFD_NONBLOCK);
	n->stop_efd = eventfd(0, EFD_NONBLOCK);
	if (n->efd < 0 || n->stop_efd < 0)
		die("eventfd");
	return n;
}

int main(void)
{
	struct netback *n;

	ram = aligned_alloc(4096, RAM_PAGES * 4096);
	entries = calloc(NR_ENTRIES, sizeof(*entries));
	if (!ram || !entries)
		die("setup");
	memset(ram, 0, RAM_PAGES * 4096);
	mem.nr = 1;
	mem.r[0] = (struct guest_ram_range){ 0, RAM_PAGES * 4096, ram };
	mem.total = RAM_PAGES * 4096;
	vm.fd = -1;
	if (grant_table_init(&gnt, entries, NR_ENTRIES, &mem))
		die("grant_table_init");
	test_csum();
	n = make_backend();
	EXPECT("net/starts", netif_ring_start(n) == 0);
	post_rx(n);
	test_arp(n);
	test_bad_tx(n);
	netif_ring_stop(n);
	EXPECT("net/stops", !n->thread_started);
	close(n->efd);
	close(n->stop_efd);
	n->efd = n->stop_efd = -1;
	n->tx.sring = NULL;
	n->rx.sring = NULL;
	netback_free(n);
	grant_table_free(&gnt);
	free(entries);
	free(ram);
	return test_failures ? 1 : 0;
}
