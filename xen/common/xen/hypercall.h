/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercall handlers: a[] are the five arguments, the return is RAX. */
#ifndef HXEN_XEN_HYPERCALL_H
#define HXEN_XEN_HYPERCALL_H

#include <hxen/types.h>

struct hx_emul_ctx;

long hx_xen_version_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_vm_assist(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_memory_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_hvm_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_vcpu_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_sched_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_event_channel_op(struct hx_emul_ctx *ctx, const u64 *a);

#endif /* HXEN_XEN_HYPERCALL_H */
