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
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define __printf(fmt, args) __attribute__((format(printf, fmt, args)))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))

#endif /* FAKE_TYPES_H */
