/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Big-endian stores for on-disk structures, independent of host order.
 */
#ifndef CREATEIMG_BYTEORDER_H
#define CREATEIMG_BYTEORDER_H

#include <stdint.h>

static inline void put_be16(uint8_t *to, uint16_t value)
{
	to[0] = (uint8_t)(value >> 8);
	to[1] = (uint8_t)value;
}

static inline void put_be32(uint8_t *to, uint32_t value)
{
	put_be16(to, (uint16_t)(value >> 16));
	put_be16(to + 2, (uint16_t)value);
}

static inline void put_be64(uint8_t *to, uint64_t value)
{
	put_be32(to, (uint32_t)(value >> 32));
	put_be32(to + 4, (uint32_t)value);
}

#endif /* CREATEIMG_BYTEORDER_H */
