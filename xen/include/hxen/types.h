/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for the hypervisor core.
 *
 * The core includes no host header of its own accord.  The port that
 * compiles it names the header that supplies u8..u64, bool, size_t and
 * NULL with -DHXEN_TYPES_HEADER=<...> (the Linux port passes
 * <linux/types.h>, the user-space test build a header of its own).
 */
#ifndef HXEN_TYPES_H
#define HXEN_TYPES_H

#ifndef HXEN_TYPES_HEADER
#error "HXEN_TYPES_HEADER must name the header that defines u8..u64"
#endif
#include HXEN_TYPES_HEADER

#endif /* HXEN_TYPES_H */
