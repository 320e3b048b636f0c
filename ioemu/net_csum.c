// SPDX-License-Identifier: GPL-2.0
/*
 * Completing TCP and UDP checksums (see net_csum.h): the one's
 * complement sum of RFC 1071 over the pseudo-header (RFC 793, RFC 768;
 * RFC 8200 section 8.1 for IPv6) and the whole segment.
 */
#include <string.h>

#include "net_csum.h"

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define PROTO_TCP	6
#define PROTO_UDP	17
#define TCP_CSUM_OFF	16
#define UDP_CSUM_OFF	6

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Checksum the L4 segment @l4 (@l4_len bytes) given its pseudo-header sum. */
static bool store(uint8_t *l4, size_t l4_len, uint8_t proto, uint32_t sum)
{
	size_t off = proto == PROTO_TCP ? TCP_CSUM_OFF : UDP_CSUM_OFF;
	uint16_t c;

	if (l4_len < off + 2 || (proto == PROTO_TCP && l4_len < 20) ||
	    (proto == PROTO_UDP && l4_len < 8))
		return false;
	l4[off] = 0;
	l4[off + 1] = 0;
	sum += proto + (uint32_t)l4_len;
	c = fold(sum_bytes(sum, l4, l4_len));
	if (proto == PROTO_UDP && !c)
		c = 0xFFFF;	/* 0 means "no checksum" for UDP */
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return true;
}

static bool ipv4(uint8_t *ip, size_t len)
{
	size_t ihl, total;

	if (len < 20 || (ip[0] >> 4) != 4)
		return false;
	ihl = (size_t)(ip[0] & 0xF) * 4;
	total = be16(ip + 2);
	if (ihl < 20 || total < ihl || total > len)
		return false;
	/* A fragment other than the first has no L4 header to fill. */
	if (be16(ip + 6) & 0x1FFF)
		return false;
	if (ip[9] != PROTO_TCP && ip[9] != PROTO_UDP)
		return false;
	return store(ip + ihl, total - ihl, ip[9], sum_bytes(0, ip + 12, 8));
}

static bool ipv6(uint8_t *ip, size_t len)
{
	size_t payload;

	if (len < 40 || (ip[0] >> 4) != 6)
		return false;
	payload = be16(ip + 4);
	if (payload > len - 40)
		return false;
	if (ip[6] != PROTO_TCP && ip[6] != PROTO_UDP)
		return false;
	return store(ip + 40, payload, ip[6], sum_bytes(0, ip + 8, 32));
}

bool net_csum_complete(uint8_t *frame, size_t len)
{
	size_t hlen = ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return false;
	type = be16(frame + 12);
	if (type == ETH_P_8021Q) {
		if (len < ETH_HLEN + 4)
			return false;
		type = be16(frame + 16);
		hlen += 4;
	}
	if (type == ETH_P_IP)
		return ipv4(frame + hlen, len - hlen);
	if (type == ETH_P_IPV6)
		return ipv6(frame + hlen, len - hlen);
	return false;
}
