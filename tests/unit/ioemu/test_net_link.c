// SPDX-License-Identifier: GPL-2.0
/*
 * The links of the network backend (net_link.h), played from the guest's
 * side: frames built here by hand (Ethernet, ARP, IPv4, UDP, TCP, BOOTP,
 * with their checksums) go in through net_link_send(), and what the link
 * hands to rx is taken apart and checked.  The user link (libslirp)
 * needs no network: its gateway 10.0.2.2 is this machine's 127.0.0.1,
 * where the test listens.  The tap link needs root to create a tap (and
 * a packet socket to play the host's side); an unprivileged user gets
 * the hint of the error message checked instead.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ioemu.h"
#include "net_link.h"
#include "test.h"

int test_failures;

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define GUEST_IP	IP4(10, 0, 2, 15)
#define HOST_IP		IP4(10, 0, 2, 2)
#define DNS_IP		IP4(10, 0, 2, 3)
#define ETH_LOCAL	0x88b5		/* IEEE 802 local experimental */
#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define MAX_CAPTURED	512
#define WAIT_MS		3000
#define QUIET_MS	300

static const uint8_t guest_mac[6] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* --- frames the link handed to rx ---------------------------------------- */

struct frame {
	size_t len;
	uint8_t data[];
};

static pthread_mutex_t cap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cap_cond = PTHREAD_COND_INITIALIZER;
static struct frame *captured[MAX_CAPTURED];
static unsigned int nr_captured;
static size_t longest_rx;
/* The link rx answers ARP requests for the guest on (set after new). */
static struct net_link *arp_link;
/* While closed, rx holds the link's thread (the queue then fills up). */
static bool gate_closed, in_gate;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static size_t put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src,
		      uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, type);
	return 14;
}

static size_t put_arp(uint8_t *p, uint16_t op, const uint8_t *sha,
		      uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t zero[6];
	size_t n = put_eth(p, op == 1 ? bcast_mac : tha, sha, 0x0806);

	p += n;
	put16(p, 1);			/* Ethernet */
	put16(p + 2, 0x0800);		/* IPv4 */
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, sha, 6);
	put32(p + 14, spa);
	memcpy(p + 18, op == 1 ? zero : tha, 6);
	put32(p + 24, tpa);
	return n + 28;
}

static void arp_request_for_guest(const uint8_t *f, size_t len)
{
	uint8_t reply[64];
	size_t n;

	struct net_link *l = __atomic_load_n(&arp_link, __ATOMIC_ACQUIRE);

	if (len < 42 || get16(f + 12) != 0x0806 || get16(f + 20) != 1 ||
	    get32(f + 38) != GUEST_IP || !l)
		return;
	n = put_arp(reply, 2, guest_mac, GUEST_IP, f + 22, get32(f + 28));
	net_link_send(l, reply, n);
}

static void rx(void *opaque, const void *data, size_t len)
{
	struct frame *f = malloc(sizeof(*f) + len);

	(void)opaque;
	if (!f)
		die("malloc");
	f->len = len;
	memcpy(f->data, data, len);
	pthread_mutex_lock(&cap_lock);
	in_gate = true;
	pthread_cond_broadcast(&cap_cond);
	while (gate_closed)
		pthread_cond_wait(&cap_cond, &cap_lock);
	in_gate = false;
	if (nr_captured == MAX_CAPTURED) {
		free(captured[0]);
		memmove(captured, captured + 1,
			(MAX_CAPTURED - 1) * sizeof(captured[0]));
		nr_captured--;
	}
	captured[nr_captured++] = f;
	if (len > longest_rx)
		longest_rx = len;
	pthread_cond_broadcast(&cap_cond);
	pthread_mutex_unlock(&cap_lock);
	arp_request_for_guest(data, len);
}

static void forget_frames(void)
{
	pthread_mutex_lock(&cap_lock);
	while (nr_captured)
		free(captured[--nr_captured]);
	longest_rx = 0;
	pthread_mutex_unlock(&cap_lock);
}

typedef bool (*frame_pred)(const uint8_t *f, size_t len, const void *arg);

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* The first frame @pred likes, taken off the list, or NULL after @ms. */
static struct frame *wait_frame(frame_pred pred, const void *arg, int ms)
{
	struct frame *f = NULL;
	struct timespec ts;
	unsigned int i;

	deadline_in(&ts, ms);
	pthread_mutex_lock(&cap_lock);
	for (;;) {
		for (i = 0; i < nr_captured; i++)
			if (pred(captured[i]->data, captured[i]->len, arg))
				break;
		if (i < nr_captured) {
			f = captured[i];
			memmove(captured + i, captured + i + 1,
				(nr_captured - i - 1) * sizeof(captured[0]));
			nr_captured--;
			break;
		}
		if (pthread_cond_timedwait(&cap_cond, &cap_lock, &ts))
			break;
	}
	pthread_mutex_unlock(&cap_lock);
	return f;
}

/* --- IPv4, UDP, TCP ------------------------------------------------------ */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	sum = sum16(p, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			   size_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	       proto + (uint32_t)len;
}

static uint16_t ip_id = 1;

/* Ethernet and IPv4 headers for @payload bytes of @proto: 34 bytes. */
static size_t put_ip(uint8_t *p, const uint8_t *dst_mac, uint8_t proto,
		     uint32_t src, uint32_t dst, size_t payload)
{
	uint8_t *ip = p + put_eth(p, dst_mac, guest_mac, 0x0800);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + payload));
	put16(ip + 4, ip_id++);
	put16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum(ip, 20, 0));
	return 34;
}

enum l4_csum { CSUM_GOOD, CSUM_BAD, CSUM_NONE };

static size_t put_udp(uint8_t *p, const uint8_t *dst_mac, uint32_t src,
		      uint32_t dst, uint16_t sport, uint16_t dport,
		      const void *data, size_t len, enum l4_csum how)
{
	size_t n = put_ip(p, dst_mac, 17, src, dst, 8 + len);
	uint8_t *u = p + n;
	uint16_t c;

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);
	memcpy(u + 8, data, len);
	c = csum(u, 8 + len, pseudo_sum(src, dst, 17, 8 + len));
	if (how == CSUM_NONE)
		c = 0;
	else if (!c)
		c = 0xffff;
	if (how == CSUM_BAD)
		c ^= 0x5a5a;
	put16(u + 6, c);
	return n + 8 + len;
}

static size_t put_tcp(uint8_t *p, uint32_t dst, uint16_t sport,
		      uint16_t dport, uint32_t seq, uint32_t ack,
		      uint8_t flags, const void *data, size_t len,
		      enum l4_csum how)
{
	static const uint8_t gw_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
	size_t n = put_ip(p, gw_mac, 6, GUEST_IP, dst, 20 + len);
	uint8_t *t = p + n;
	uint16_t c;

	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	put16(t + 16, 0);
	put16(t + 18, 0);
	if (len)
		memcpy(t + 20, data, len);
	c = csum(t, 20 + len, pseudo_sum(GUEST_IP, dst, 6, 20 + len));
	put16(t + 16, how == CSUM_BAD ? c ^ 0x5a5a : c);
	return n + 20 + len;
}

/* The IPv4 header of frame @f, or NULL. */
static const uint8_t *ipv4(const uint8_t *f, size_t len, uint8_t proto)
{
	const uint8_t *ip = f + 14;
	size_t ihl;

	if (len < 34 || get16(f + 12) != 0x0800 || (ip[0] >> 4) != 4)
		return NULL;
	ihl = (ip[0] & 15) * 4;
	if (ihl < 20 || 14 + (size_t)get16(ip + 2) > len || ip[9] != proto ||
	    get16(ip + 2) < ihl + 8)
		return NULL;
	return ip;
}

static const uint8_t *l4(const uint8_t *ip)
{
	return ip + (ip[0] & 15) * 4;
}

static size_t l4_len(const uint8_t *ip)
{
	return get16(ip + 2) - (size_t)(ip[0] & 15) * 4;
}

/* Are the IPv4 and TCP or UDP checksums of frame @f all right? */
static bool checksums_ok(const uint8_t *f, size_t len)
{
	const uint8_t *ip = len >= 34 ? ipv4(f, len, f[23]) : NULL;

	if (!ip || csum(ip, (ip[0] & 15) * 4, 0))
		return false;
	if (ip[9] == 17 && !get16(l4(ip) + 6))
		return true;
	return csum(l4(ip), l4_len(ip), pseudo_sum(get32(ip + 12),
			get32(ip + 16), ip[9], l4_len(ip))) == 0;
}

/* --- what to wait for ---------------------------------------------------- */

static bool is_dhcp_reply(const uint8_t *f, size_t len, const void *arg)
{
	const uint8_t *ip = ipv4(f, len, 17), *b;

	if (!ip || get16(l4(ip)) != 67 || get16(l4(ip) + 2) != 68 ||
	    l4_len(ip) < 8 + 240)
		return false;
	b = l4(ip) + 8;
	return b[0] == 2 && get32(b + 4) == *(const uint32_t *)arg;
}

static bool is_arp_reply(const uint8_t *f, size_t len, const void *arg)
{
	return len >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 &&
	       get32(f + 28) == *(const uint32_t *)arg;
}

struct tcp_match {
	uint32_t dst;
	uint16_t sport, dport;
	uint8_t flags;			/* of SYN, ACK, RST, FIN: just these */
};

static bool is_tcp(const uint8_t *f, size_t len, const void *arg)
{
	const struct tcp_match *m = arg;
	const uint8_t *ip = ipv4(f, len, 6);
	const uint8_t mask = TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN;

	return ip && l4_len(ip) >= 20 && get32(ip + 16) == m->dst &&
	       (!m->sport || get16(l4(ip)) == m->sport) &&
	       get16(l4(ip) + 2) == m->dport &&
	       (l4(ip)[13] & mask) == m->flags;
}

static bool is_udp_to(const uint8_t *f, size_t len, const void *arg)
{
	const uint8_t *ip = ipv4(f, len, 17);

	/* A fragment (offset or more fragments) counts too. */
	if (len >= 34 && get16(f + 12) == 0x0800 && get32(f + 30) == GUEST_IP &&
	    (get16(f + 20) & 0x3fff))
		return true;
	return ip && get16(l4(ip) + 2) == *(const uint16_t *)arg;
}

/* DHCP option @code of BOOTP message @b (@len bytes), or NULL. */
static const uint8_t *dhcp_option(const uint8_t *b, size_t len, uint8_t code)
{
	size_t i = 240;

	while (i < len && b[i] != 255) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return NULL;
		if (b[i] == code)
			return b + i;
		i += 2 + b[i + 1];
	}
	return NULL;
}

/* --- sockets of the host ------------------------------------------------- */

static int host_socket(int type, uint16_t *port, bool listening)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (listening && listen(fd, 4)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl))
		die("host socket");
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A port nobody has bound just now. */
static uint16_t free_port(void)
{
	uint16_t port;

	close(host_socket(SOCK_STREAM, &port, false));
	return port;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static void user_spec(struct vif_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->type = VIF_SPEC_USER;
	spec->mac_given = true;
	memcpy(spec->mac, guest_mac, 6);
}

static void add_fwd(struct vif_spec *spec, bool udp, uint16_t host_port,
		    uint16_t guest_port)
{
	struct vif_fwd *f = &spec->fwd[spec->nr_fwd++];

	f->udp = udp;
	f->host_addr = htonl(INADDR_LOOPBACK);
	f->host_port = host_port;
	f->guest_addr = 0;
	f->guest_port = guest_port;
}

/* --- the user link ------------------------------------------------------- */

static void test_dhcp(struct net_link *l)
{
	static const uint8_t dns[4] = { 10, 0, 2, 3 }, gw[4] = { 10, 0, 2, 2 };
	uint8_t frame[600], bootp[548];
	const uint8_t *ip, *b, *o53, *o3, *o6;
	uint32_t xid = 0x68786e31;
	struct frame *f;
	size_t n, blen;

	memset(bootp, 0, sizeof(bootp));
	bootp[0] = 1;			/* BOOTREQUEST */
	bootp[1] = 1;			/* Ethernet */
	bootp[2] = 6;
	put32(bootp + 4, xid);
	memcpy(bootp + 28, guest_mac, 6);
	put32(bootp + 236, 0x63825363);	/* the magic cookie */
	memcpy(bootp + 240, (const uint8_t []){ 53, 1, 1, 55, 3, 1, 3, 6, 255 },
	       9);
	n = put_udp(frame, bcast_mac, 0, 0xffffffff, 68, 67, bootp,
		    sizeof(bootp), CSUM_GOOD);
	EXPECT("net/user/dhcp-discover-sent", net_link_send(l, frame, n) == 0);
	f = wait_frame(is_dhcp_reply, &xid, WAIT_MS);
	EXPECT("net/user/dhcp-offer", f);
	if (!f)
		return;
	ip = ipv4(f->data, f->len, 17);
	b = l4(ip) + 8;
	blen = l4_len(ip) - 8;
	o53 = dhcp_option(b, blen, 53);
	o3 = dhcp_option(b, blen, 3);
	o6 = dhcp_option(b, blen, 6);
	EXPECT("net/user/dhcp-offer-type", o53 && o53[1] == 1 && o53[2] == 2);
	EXPECT("net/user/dhcp-offer-yiaddr", get32(b + 16) == GUEST_IP);
	EXPECT("net/user/dhcp-offer-chaddr", !memcmp(b + 28, guest_mac, 6));
	EXPECT("net/user/dhcp-offer-router",
	       o3 && o3[1] >= 4 && !memcmp(o3 + 2, gw, 4));
	EXPECT("net/user/dhcp-offer-dns",
	       o6 && o6[1] >= 4 && !memcmp(o6 + 2, dns, 4));
	EXPECT("net/user/dhcp-offer-checksums", checksums_ok(f->data, f->len));
	free(f);
}

static void test_arp(struct net_link *l)
{
	static const uint8_t zero[6];
	uint32_t spa = HOST_IP;
	uint8_t frame[64];
	struct frame *f;
	size_t n = put_arp(frame, 1, guest_mac, GUEST_IP, zero, HOST_IP);

	EXPECT("net/user/arp-sent", net_link_send(l, frame, n) == 0);
	f = wait_frame(is_arp_reply, &spa, WAIT_MS);
	EXPECT("net/user/arp-reply", f && get32(f->data + 38) == GUEST_IP &&
	       !memcmp(f->data + 32, guest_mac, 6) &&
	       !memcmp(f->data, guest_mac, 6));
	free(f);
}

/* A TCP connection from the guest to the host's 127.0.0.1 through 10.0.2.2. */
static void test_tcp_out(struct net_link *l)
{
	uint8_t frame[128];
	uint16_t port, gport = 40001;
	uint32_t seq = 1000, srv_seq;
	struct tcp_match m = { GUEST_IP, 0, gport, TCP_SYN | TCP_ACK };
	int lfd = host_socket(SOCK_STREAM, &port, true), cfd = -1;
	struct frame *f;
	char buf[16];
	ssize_t got;
	size_t n;

	m.sport = port;
	n = put_tcp(frame, HOST_IP, gport, port, seq, 0, TCP_SYN, NULL, 0,
		    CSUM_GOOD);
	EXPECT("net/user/tcp-syn-sent", net_link_send(l, frame, n) == 0);
	if (readable(lfd, WAIT_MS))
		cfd = accept(lfd, NULL, NULL);
	EXPECT("net/user/tcp-host-accepts", cfd >= 0);
	f = wait_frame(is_tcp, &m, WAIT_MS);
	EXPECT("net/user/tcp-syn-ack", f);
	if (!f || cfd < 0)
		goto out;
	EXPECT("net/user/tcp-syn-ack-acks",
	       get32(l4(ipv4(f->data, f->len, 6)) + 8) == seq + 1);
	EXPECT("net/user/tcp-syn-ack-checksums",
	       checksums_ok(f->data, f->len));
	srv_seq = get32(l4(ipv4(f->data, f->len, 6)) + 4);
	seq++;
	n = put_tcp(frame, HOST_IP, gport, port, seq, srv_seq + 1, TCP_ACK,
		    NULL, 0, CSUM_GOOD);
	net_link_send(l, frame, n);
	/* A segment whose checksum is wrong never reaches the socket... */
	n = put_tcp(frame, HOST_IP, gport, port, seq, srv_seq + 1,
		    TCP_ACK | TCP_PSH, "hello", 5, CSUM_BAD);
	net_link_send(l, frame, n);
	EXPECT("net/user/tcp-bad-checksum-dropped", !readable(cfd, QUIET_MS));
	/* ...the same one with the right checksum does. */
	n = put_tcp(frame, HOST_IP, gport, port, seq, srv_seq + 1,
		    TCP_ACK | TCP_PSH, "hello", 5, CSUM_GOOD);
	net_link_send(l, frame, n);
	got = readable(cfd, WAIT_MS) ? recv(cfd, buf, sizeof(buf), 0) : -1;
	EXPECT("net/user/tcp-data", got == 5 && !memcmp(buf, "hello", 5));
	n = put_tcp(frame, HOST_IP, gport, port, seq + 5, srv_seq + 1, TCP_RST,
		    NULL, 0, CSUM_GOOD);
	net_link_send(l, frame, n);
out:
	free(f);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
}

/* UDP from the guest to the host through 10.0.2.2, and a big answer. */
static void test_udp(struct net_link *l)
{
	static const uint8_t gw_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
	uint16_t port, gport = 40002;
	int fd = host_socket(SOCK_DGRAM, &port, false);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	static char big[4000];
	uint8_t frame[128];
	struct frame *f;
	char buf[32];
	ssize_t got;
	size_t n;

	n = put_udp(frame, gw_mac, GUEST_IP, HOST_IP, gport, port, "udp-ok", 6,
		    CSUM_GOOD);
	net_link_send(l, frame, n);
	got = readable(fd, WAIT_MS) ? recvfrom(fd, buf, sizeof(buf), 0,
					       (struct sockaddr *)&from, &fl) :
				      -1;
	EXPECT("net/user/udp", got == 6 && !memcmp(buf, "udp-ok", 6));
	n = put_udp(frame, gw_mac, GUEST_IP, HOST_IP, gport, port, "udp-bad",
		    7, CSUM_BAD);
	net_link_send(l, frame, n);
	EXPECT("net/user/udp-bad-checksum-dropped", !readable(fd, QUIET_MS));
	n = put_udp(frame, gw_mac, GUEST_IP, HOST_IP, gport, port, "udp-none",
		    8, CSUM_NONE);
	net_link_send(l, frame, n);
	got = readable(fd, WAIT_MS) ? recv(fd, buf, sizeof(buf), 0) : -1;
	EXPECT("net/user/udp-no-checksum", got == 8);
	if (got < 0) {
		close(fd);
		return;
	}
	/* 4000 bytes for the guest come in frames of the 1500-byte MTU. */
	forget_frames();
	if (sendto(fd, big, sizeof(big), 0, (struct sockaddr *)&from, fl) !=
	    (ssize_t)sizeof(big))
		die("sendto");
	f = wait_frame(is_udp_to, &gport, WAIT_MS);
	EXPECT("net/user/udp-answer", f);
	free(f);
	usleep(100 * 1000);
	pthread_mutex_lock(&cap_lock);
	EXPECT("net/user/rx-frames-fit-mtu", longest_rx && longest_rx <= 1514);
	pthread_mutex_unlock(&cap_lock);
	close(fd);
}

/* The host connects to a forwarded port: slirp opens towards the guest. */
static void test_hostfwd(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct tcp_match m = { GUEST_IP, 0, 2222, TCP_SYN };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct frame *f;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    errno != EINPROGRESS)
		die("connect");
	f = wait_frame(is_tcp, &m, WAIT_MS);
	EXPECT("net/user/hostfwd-syn", f && !memcmp(f->data, guest_mac, 6));
	free(f);
	close(fd);
}

static void test_user(void)
{
	struct net_link_stats st;
	uint16_t fwd = free_port();
	struct vif_spec spec;
	struct net_link *l;
	uint8_t frame[16] = { 0 };
	char err[256] = "";

	user_spec(&spec);
	add_fwd(&spec, false, fwd, 2222);
	l = net_link_new(&spec, 1, rx, NULL, err, sizeof(err));
	EXPECT("net/user/new", l);
	if (!l) {
		printf("  %s\n", err);
		return;
	}
	__atomic_store_n(&arp_link, l, __ATOMIC_RELEASE);
	test_dhcp(l);
	test_arp(l);
	test_tcp_out(l);
	test_udp(l);
	test_hostfwd(fwd);
	EXPECT("net/link/short-frame", net_link_send(l, frame, 13) == -EINVAL);
	net_link_get_stats(l, &st);
	EXPECT("net/user/stats", st.tx_frames >= 10 && st.rx_frames >= 5 &&
	       st.tx_bytes > st.tx_frames * 14 &&
	       st.rx_bytes > st.rx_frames * 14 && st.tx_dropped == 1);
	__atomic_store_n(&arp_link, NULL, __ATOMIC_RELEASE);
	net_link_free(l);
	forget_frames();
}

static void test_in_use(void)
{
	struct vif_spec spec;
	struct net_link *l;
	char err[256] = "", want[64];
	uint16_t port;
	int fd;

	fd = host_socket(SOCK_STREAM, &port, true);
	user_spec(&spec);
	add_fwd(&spec, false, port, 22);
	l = net_link_new(&spec, 3, rx, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "vif 3: cannot forward tcp 127.0.0.1:%u:",
		 port);
	EXPECT("net/user/hostfwd-in-use",
	       !l && strstr(err, want) && strstr(err, "in use"));
	net_link_free(l);
	close(fd);

	fd = host_socket(SOCK_DGRAM, &port, false);
	user_spec(&spec);
	add_fwd(&spec, true, port, 53);
	l = net_link_new(&spec, 3, rx, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "vif 3: cannot forward udp 127.0.0.1:%u:",
		 port);
	EXPECT("net/user/hostfwd-udp-in-use",
	       !l && strstr(err, want) && strstr(err, "in use"));
	net_link_free(l);
	close(fd);
}

/* With the link's thread held in rx, the queue fills up and drops. */
static void test_overflow(void)
{
	static const uint8_t zero[6];
	unsigned int i, ok = 0, dropped = 0, other = 0;
	uint32_t spa = HOST_IP;
	struct net_link_stats st;
	struct vif_spec spec;
	struct net_link *l;
	uint8_t frame[64];
	struct frame *f;
	struct timespec ts;
	char err[256];
	size_t n;
	int r;

	user_spec(&spec);
	l = net_link_new(&spec, 2, rx, NULL, err, sizeof(err));
	if (!l) {
		EXPECT("net/user/overflow-new", l);
		return;
	}
	pthread_mutex_lock(&cap_lock);
	gate_closed = true;
	pthread_mutex_unlock(&cap_lock);
	n = put_arp(frame, 1, guest_mac, GUEST_IP, zero, HOST_IP);
	net_link_send(l, frame, n);
	deadline_in(&ts, WAIT_MS);
	pthread_mutex_lock(&cap_lock);
	while (!in_gate)
		if (pthread_cond_timedwait(&cap_cond, &cap_lock, &ts))
			break;
	pthread_mutex_unlock(&cap_lock);
	EXPECT("net/user/overflow-thread-held", in_gate);
	n = put_eth(frame, bcast_mac, guest_mac, ETH_LOCAL);
	memset(frame + n, 0xab, 46);
	for (i = 0; i < NET_LINK_USER_QUEUE + 100; i++) {
		r = net_link_send(l, frame, n + 46);
		if (!r)
			ok++;
		else if (r == -ENOBUFS)
			dropped++;
		else
			other++;
	}
	net_link_get_stats(l, &st);
	EXPECT("net/user/overflow-drops",
	       ok == NET_LINK_USER_QUEUE && dropped == 100 && !other &&
	       st.tx_dropped == 100 && st.tx_frames == NET_LINK_USER_QUEUE + 1);
	pthread_mutex_lock(&cap_lock);
	gate_closed = false;
	pthread_cond_broadcast(&cap_cond);
	pthread_mutex_unlock(&cap_lock);
	f = wait_frame(is_arp_reply, &spa, WAIT_MS);
	free(f);
	/* Once the queue drains, frames go through again. */
	n = put_arp(frame, 1, guest_mac, GUEST_IP, zero, HOST_IP);
	for (i = 0; i < WAIT_MS; i++) {
		r = net_link_send(l, frame, n);
		if (r != -ENOBUFS)
			break;
		usleep(1000);
	}
	EXPECT("net/user/overflow-recovers-send", r == 0);
	f = wait_frame(is_arp_reply, &spa, WAIT_MS);
	EXPECT("net/user/overflow-recovers", f);
	free(f);
	net_link_free(l);
	forget_frames();
}

/* Free a link with frames queued, connections opening, answers coming. */
static void test_free_busy(void)
{
	static const uint8_t zero[6];
	struct vif_spec spec;
	struct net_link *l;
	uint8_t frame[128];
	uint16_t closed = free_port();
	char err[256];
	unsigned int i;
	size_t n;

	user_spec(&spec);
	add_fwd(&spec, false, free_port(), 22);
	l = net_link_new(&spec, 4, rx, NULL, err, sizeof(err));
	if (!l) {
		EXPECT("net/user/free-busy-new", l);
		return;
	}
	for (i = 0; i < 200; i++) {
		if (i % 2)
			n = put_arp(frame, 1, guest_mac, GUEST_IP, zero,
				    HOST_IP);
		else
			n = put_tcp(frame, HOST_IP, (uint16_t)(41000 + i),
				    closed, i, 0, TCP_SYN, NULL, 0, CSUM_GOOD);
		net_link_send(l, frame, n);
	}
	usleep(2000);
	net_link_free(l);
	EXPECT("net/user/free-busy", true);
	net_link_free(NULL);
	EXPECT("net/link/free-null", true);
	forget_frames();
}

/* --- the tap link -------------------------------------------------------- */

static void tap_spec(struct vif_spec *spec, const char *name)
{
	memset(spec, 0, sizeof(*spec));
	spec->type = VIF_SPEC_TAP;
	memcpy(spec->mac, guest_mac, 6);
	snprintf(spec->ifname, sizeof(spec->ifname), "%s", name);
}

static bool has_payload(const uint8_t *f, size_t len, const void *arg)
{
	const char *s = arg;

	return len >= 14 + strlen(s) && get16(f + 12) == ETH_LOCAL &&
	       !memcmp(f + 14, s, strlen(s));
}

static int set_up(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = -1;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* A packet socket on tap @name: the host's end of the wire. */
static int host_end(const char *name)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(name);
	if (fd >= 0 && (!sll.sll_ifindex ||
			bind(fd, (struct sockaddr *)&sll, sizeof(sll)))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static bool host_end_gets(int fd, const char *payload)
{
	uint8_t buf[2048];
	struct timespec t0, t;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > WAIT_MS)
			return false;
		if (!readable(fd, 100))
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0 && has_payload(buf, (size_t)n, payload))
			return true;
	}
}

static void test_tap_root(void)
{
	static const char *name = "hxt-tap0";
	struct net_link_stats st;
	struct vif_spec spec;
	struct net_link *l, *l2;
	uint8_t frame[64];
	struct frame *f;
	char err[256];
	size_t n;
	int fd, r;

	tap_spec(&spec, name);
	l = net_link_new(&spec, 1, rx, NULL, err, sizeof(err));
	if (!l && strstr(err, "not permitted")) {
		printf("SKIP: ioemu/net/tap-root: %s\n", err);
		return;
	}
	EXPECT("net/tap/new", l);
	if (!l) {
		printf("  %s\n", err);
		return;
	}
	l2 = net_link_new(&spec, 2, rx, NULL, err, sizeof(err));
	EXPECT("net/tap/busy", !l2 && strstr(err, "vif 2: tap 'hxt-tap0': ") &&
	       strstr(err, "busy"));
	net_link_free(l2);

	n = put_eth(frame, bcast_mac, guest_mac, ETH_LOCAL);
	memset(frame + n, 0, 46);
	memcpy(frame + n, "hxen-tx", 7);
	r = net_link_send(l, frame, n + 46);
	net_link_get_stats(l, &st);
	EXPECT("net/tap/down-drops", r == -ENETDOWN && st.tx_dropped == 1 &&
	       st.tx_frames == 0);
	if (set_up(name)) {
		printf("SKIP: ioemu/net/tap-up: cannot bring %s up: %s\n", name,
		       strerror(errno));
		net_link_free(l);
		return;
	}
	fd = host_end(name);
	r = net_link_send(l, frame, n + 46);
	net_link_get_stats(l, &st);
	EXPECT("net/tap/send", r == 0 && st.tx_frames == 1 &&
	       st.tx_bytes == n + 46);
	if (fd < 0) {
		printf("SKIP: ioemu/net/tap-host-end: packet socket: %s\n",
		       strerror(errno));
		net_link_free(l);
		return;
	}
	EXPECT("net/tap/frame-reaches-host", host_end_gets(fd, "hxen-tx"));
	memcpy(frame + n, "hxen-rx", 7);
	if (send(fd, frame, n + 46, 0) != (ssize_t)(n + 46))
		die("packet socket send");
	f = wait_frame(has_payload, "hxen-rx", WAIT_MS);
	net_link_get_stats(l, &st);
	EXPECT("net/tap/rx", f && f->len == n + 46 && st.rx_frames >= 1);
	free(f);
	close(fd);
	net_link_free(l);
	forget_frames();
}

/* As a user without privileges: EPERM, and the message says what to do. */
static void tap_unprivileged(char *err, size_t errlen)
{
	struct vif_spec spec;
	struct net_link *l;

	tap_spec(&spec, "hxt-tap1");
	l = net_link_new(&spec, 1, rx, NULL, err, errlen);
	if (l) {
		snprintf(err, errlen, "net_link_new succeeded");
		net_link_free(l);
	}
}

static void test_tap_eperm(void)
{
	char err[256] = "";
	int pfd[2], status;
	ssize_t got;
	pid_t pid;

	if (geteuid() != 0) {
		tap_unprivileged(err, sizeof(err));
	} else {
		if (pipe(pfd))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			if (setgroups(0, NULL) ||
			    setresgid(65534, 65534, 65534) ||
			    setresuid(65534, 65534, 65534))
				snprintf(err, sizeof(err), "SKIP %s",
					 strerror(errno));
			else
				tap_unprivileged(err, sizeof(err));
			got = write(pfd[1], err, strlen(err));
			_exit(got < 0);
		}
		close(pfd[1]);
		got = read(pfd[0], err, sizeof(err) - 1);
		err[got > 0 ? got : 0] = '\0';
		close(pfd[0]);
		waitpid(pid, &status, 0);
		if (!strncmp(err, "SKIP ", 5)) {
			printf("SKIP: ioemu/net/tap-eperm: cannot become nobody: %s\n",
			       err + 5);
			return;
		}
	}
	EXPECT("net/tap/eperm-hint",
	       strstr(err, "vif 1: tap 'hxt-tap1': Operation not permitted") &&
	       strstr(err, "(create it with 'ip tuntap add hxt-tap1 mode tap "
			   "user "));
}

static void test_tap(void)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("SKIP: ioemu/net/tap-root: /dev/net/tun: %s\n",
		       strerror(errno));
		printf("SKIP: ioemu/net/tap-eperm: /dev/net/tun: %s\n",
		       strerror(errno));
		return;
	}
	close(fd);
	if (geteuid() == 0)
		test_tap_root();
	else
		printf("SKIP: ioemu/net/tap-root: not root\n");
	test_tap_eperm();
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_user();
	test_in_use();
	test_overflow();
	test_free_busy();
	test_tap();
	return test_failures ? 1 : 0;
}
