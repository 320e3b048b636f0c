/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen public interface: hypercall numbers, sub-ops and structures, as
 * the host's build ships them rather than retyped.  The port that
 * compiles the core names the header with -DHXEN_XEN_PUBLIC_HEADER=<...>:
 * the Linux kernel's copy (include/xen/interface) in the module, Xen's own
 * (libxen-dev, /usr/include/xen) in the user-space test build.
 */
#ifndef HXEN_XEN_PUBLIC_H
#define HXEN_XEN_PUBLIC_H

#ifndef HXEN_XEN_PUBLIC_HEADER
#error "HXEN_XEN_PUBLIC_HEADER must name the header with the Xen interface"
#endif
#include HXEN_XEN_PUBLIC_HEADER

#endif /* HXEN_XEN_PUBLIC_H */
