/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for the hypervisor core.
 *
 * The core includes no host header of its own accord.  The port that
 * compiles it names, with -DHXEN_TYPES_HEADER=<...>, the header that
 * supplies u8..u64, bool, size_t, NULL and the __printf(fmt, args) and
 * __packed attributes (module/hxen_types.h in the kernel,
 * tests/unit/core/fake_types.h in the user-space test build).
 */
#ifndef HXEN_TYPES_H
#define HXEN_TYPES_H

#ifndef HXEN_TYPES_HEADER
#error "HXEN_TYPES_HEADER must name the header that defines u8..u64"
#endif
#include HXEN_TYPES_HEADER

#endif /* HXEN_TYPES_H */
