/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercall handlers: a[] are the five arguments, the return is RAX. */
#ifndef HXEN_XEN_HYPERCALL_H
#define HXEN_XEN_HYPERCALL_H

#include <hxen/types.h>

struct hx_emul_ctx;
struct hx_vm;

long hx_xen_version_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_vm_assist(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_memory_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_hvm_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_vcpu_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_sched_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_event_channel_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_grant_table_op(struct hx_emul_ctx *ctx, const u64 *a);
long hx_xen_set_timer_op(struct hx_emul_ctx *ctx, const u64 *a);
/* timer.c: the VCPUOP timer commands for vCPU @id. */
long hx_xen_vcpu_timer_op(struct hx_emul_ctx *ctx, u32 cmd, u32 id, u64 arg);
/* evtchn.c: is @port pending in shared_info? */
bool hx_xen_port_pending(struct hx_vm *vm, u32 port);

#endif /* HXEN_XEN_HYPERCALL_H */
