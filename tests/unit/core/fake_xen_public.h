/* SPDX-License-Identifier: GPL-2.0 */
/* The Xen public interface for the core's user-space build (libxen-dev). */
#ifndef FAKE_XEN_PUBLIC_H
#define FAKE_XEN_PUBLIC_H

/*
 * The hypervisor side implements the current interface; without this the
 * headers describe the legacy one (e.g. sched_op as the compat call 6).
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/version.h>

#endif /* FAKE_XEN_PUBLIC_H */
