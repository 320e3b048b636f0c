/* SPDX-License-Identifier: GPL-2.0 */
/* The types the core is built with in the user-space test build. */
#ifndef FAKE_TYPES_H
#define FAKE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define __printf(fmt, args) __attribute__((format(printf, fmt, args)))
#define __packed __attribute__((__packed__))

#endif /* FAKE_TYPES_H */
