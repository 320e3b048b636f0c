/* SPDX-License-Identifier: GPL-2.0 */
/* The Xen public interface for the core's user-space build (libxen-dev). */
#ifndef FAKE_XEN_PUBLIC_H
#define FAKE_XEN_PUBLIC_H

#include <xen/xen.h>
#include <xen/features.h>
#include <xen/memory.h>
#include <xen/version.h>

#endif /* FAKE_XEN_PUBLIC_H */
