/* SPDX-License-Identifier: GPL-2.0 */
/* The Xen public interface for the core, from the kernel's own copy. */
#ifndef HXEN_LINUX_XEN_PUBLIC_H
#define HXEN_LINUX_XEN_PUBLIC_H

#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/features.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/memory.h>
#include <xen/interface/sched.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/version.h>

#endif /* HXEN_LINUX_XEN_PUBLIC_H */
