/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksums a PV network frontend leaves to its backend: a frame sent
 * with NETTXF_csum_blank carries a TCP or UDP checksum to be completed
 * (Linux's checksum offload), which user-mode networking would otherwise
 * drop as corrupt.
 */
#ifndef IOEMU_NET_CSUM_H
#define IOEMU_NET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Compute and store the TCP or UDP checksum of the IPv4 or IPv6 packet in
 * Ethernet frame @frame (@len bytes, untagged or with one 802.1Q tag).
 * Returns false, changing nothing, when the frame is not such a packet or
 * is truncated.  IPv6 extension headers are not followed.
 */
bool net_csum_complete(uint8_t *frame, size_t len);

#endif /* IOEMU_NET_CSUM_H */
