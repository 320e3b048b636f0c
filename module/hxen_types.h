/* SPDX-License-Identifier: GPL-2.0 */
/* The types the core (xen/) is built with inside the Linux kernel. */
#ifndef HXEN_LINUX_TYPES_H
#define HXEN_LINUX_TYPES_H

#include <linux/compiler.h>
#include <linux/stddef.h>
#include <linux/types.h>

#endif /* HXEN_LINUX_TYPES_H */
