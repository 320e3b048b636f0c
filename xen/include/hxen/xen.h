/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen guest ABI of a VM: whether the guest speaks it, and the entry
 * points the backends call (CPUID leaves, the hypercall-page MSR, the
 * hypercall instruction).  Hypercalls are handled in the kernel; an
 * unknown one returns -ENOSYS to the guest and is counted.
 */
#ifndef HXEN_XEN_H
#define HXEN_XEN_H

#include <hxen/types.h>

struct hx_emul_ctx;
struct hx_vcpu;
struct hx_vm;
struct hxh_page;

/* The first CPUID leaf and MSR of the Xen interface. */
#define HX_XEN_CPUID_BASE	0x40000000U
#define HX_XEN_MSR_HCALL_PAGE	0x40000000U
/* Reported when the host asks for no particular version: 4.17. */
#define HX_XEN_VERSION_DEFAULT	0x00040011U
/* HVM parameters hxen keeps: indices below this (see hvm.c). */
#define HX_XEN_NR_PARAMS	20
/* vCPU ids the Xen interface knows (as HXEN_MAX_VCPUS). */
#define HX_XEN_MAX_VCPUS	64
/* Event channel ports of the 2-level ABI, and VIRQs (NR_VIRQS). */
#define HX_XEN_EVTCHN_PORTS	4096
#define HX_XEN_NR_VIRQS		24
/* Refused hypercalls are logged once per (number, operation). */
#define HX_XEN_REFUSED_ROWS	64
/* Ports the device model may bind at once. */
#define HX_XEN_HOST_PORTS	64
/* Grant table frames (v1: 512 entries each) the guest may map. */
#define HX_XEN_GNTTAB_FRAMES	32

/* An event channel port: how it is bound and which vCPU it notifies. */
struct hx_evtchn {
	u8 state;
	u8 vcpu;
	u8 virq;
	u8 pad;
};

/*
 * struct hx_xen - a VM's Xen personality
 * @enabled: the guest gets the Xen CPUID leaves and hypercalls
 * @domid: the domain id the guest is told it has
 * @version: major << 16 | minor, as XENVER_version returns it
 * @lock: serializes changes to the guest-physical map below
 * @shared_info: the shared_info page, zeroed at creation
 * @shared_info_gfn: where the guest put it, or HX_XEN_NO_GFN
 * @params: HVM parameters (HVM_PARAM_*), set by the host or the guest
 * @vcpu_info_gpa: where each vCPU's vcpu_info is, 0 until registered
 * @runstate_gva: each vCPU's runstate area, as the guest registered it
 * @boot_ns: the host's monotonic time at guest system time 0
 * @boot_wall_ns: the wall clock then
 * @evtchn: the ports (HX_XEN_EVTCHN_PORTS), changed under @lock
 * @virq_port: the port bound to each vCPU's VIRQs, 0 if none
 * @vcpus: the VM's vCPUs by id, for waking them (under @lock)
 * @host_sends: sends on ports no host end is bound to yet
 * @host_ports: the device model's ends of ports (ctx NULL: free slot)
 * @gnttab: the grant table's frames, allocated when first mapped
 * @gnttab_gfn: where the guest mapped each, or HX_XEN_NO_GFN
 * @refused: hypercalls (row: number) and operations (bit) refused so far
 */
struct hx_xen {
	bool enabled;
	u16 domid;
	u32 version;
	void *lock;
	struct hxh_page *shared_info;
	u64 shared_info_gfn;
	u64 params[HX_XEN_NR_PARAMS];
	u64 vcpu_info_gpa[HX_XEN_MAX_VCPUS];
	u64 runstate_gva[HX_XEN_MAX_VCPUS];
	u64 boot_ns;
	u64 boot_wall_ns;
	struct hx_evtchn *evtchn;
	u16 (*virq_port)[HX_XEN_NR_VIRQS];
	struct hx_vcpu *vcpus[HX_XEN_MAX_VCPUS];
	u64 host_sends;
	struct {
		u16 port;
		void *ctx;
	} host_ports[HX_XEN_HOST_PORTS];
	struct hxh_page *gnttab[HX_XEN_GNTTAB_FRAMES];
	u64 gnttab_gfn[HX_XEN_GNTTAB_FRAMES];
	u64 refused[HX_XEN_REFUSED_ROWS];
};

#define HX_XEN_NO_GFN		(~0ULL)

/*
 * Turn the Xen ABI on for @vm.  Return: 0, -HX_EINVAL for a bad domid,
 * -HX_ENOMEM.
 */
int hx_xen_enable(struct hx_vm *vm, u16 domid, u32 version);

/* The VM goes away: its Xen pages go back to the host. */
void hx_xen_free(struct hx_vm *vm);

/* A vCPU of a Xen VM comes or goes (for event delivery). */
void hx_xen_vcpu_attach(struct hx_vcpu *vcpu);
void hx_xen_vcpu_detach(struct hx_vcpu *vcpu);

/* Where vCPU @id's vcpu_info is in host memory now, or NULL. */
u8 *hx_xen_vcpu_info(struct hx_vm *vm, u32 id);

/*
 * evtchn.c: raise @port (e.g. for the device model): 0, or -HX_EINVAL for
 * a port that is not bound.  hx_xen_upcall(): should @vcpu take its
 * event upcall now, and on which vector?
 */
int hx_xen_evtchn_raise(struct hx_vm *vm, u32 port);
/* Raise @vcpu's port for @virq, if the guest bound one. */
void hx_xen_virq_raise(struct hx_vcpu *vcpu, u32 virq);

/*
 * The device model binds @*port to its end @ctx (hxh_evtchn_signal() on
 * each guest send): a port the guest allocated unbound for domain 0, or
 * with *@port 0 a new unbound port of vCPU 0, whose number is returned
 * in *@port.  @ctx NULL unbinds (the port stays allocated, unbound).
 * Return: 0, -HX_EINVAL (no such unbound port), -HX_EBUSY (already
 * bound), -HX_ENOSPC.
 */
int hx_xen_evtchn_bind_host(struct hx_vm *vm, u32 *port, void *ctx);

/* The vCPU's timers: raise VIRQ_TIMER if due, re-arm the host timer. */
void hx_xen_timer_service(struct hx_vcpu *vcpu);
bool hx_xen_upcall(struct hx_vcpu *vcpu, u8 *vector);

/*
 * Put shared_info at guest frame @gfn (over RAM or a hole), moving it if
 * it was elsewhere.  Return: 0, -HX_EINVAL beyond guest-physical space,
 * -HX_ENOMEM.
 */
int hx_xen_map_shared_info(struct hx_vm *vm, u64 gfn);

/*
 * Put grant table frame @idx at guest frame @gfn.  Return: 0, -HX_EINVAL,
 * -HX_ENOMEM.  hx_xen_gnttab_free(): the VM goes.
 */
int hx_xen_map_gnttab(struct hx_vm *vm, u64 idx, u64 gfn);
/*
 * Grant table frame @idx for the device model's mapping, allocated (zeroed)
 * if the guest has not mapped it yet; NULL without the Xen ABI, for a bad
 * @idx or with no memory.  The page stays the VM's.
 */
struct hxh_page *hx_xen_gnttab_frame(struct hx_vm *vm, u64 idx);
void hx_xen_gnttab_free(struct hx_vm *vm);
/* evtchn.c: the VM goes; let go of the device model's ends. */
void hx_xen_evtchn_free(struct hx_xen *x);

/* CPUID leaves 0x4000_00xx; false when the VM has no Xen ABI. */
bool hx_xen_cpuid(struct hx_vcpu *vcpu, u32 leaf, u32 subleaf, u32 r[4]);

/*
 * WRMSR of the hypercall-page MSR: fill the guest page at @val (its low
 * 12 bits are the page index, which must be 0) with stubs that use the
 * 3-byte hypercall instruction @insn of this CPU's vendor.  Return: 0,
 * or -1 when the guest gets #GP.
 */
int hx_xen_hcall_page(struct hx_emul_ctx *ctx, u64 val, const u8 insn[3]);

/*
 * The host sets an HVM parameter (the device model's ring frames and
 * event channels).  Return: 0, or -HX_EINVAL for one hxen does not keep.
 */
int hx_xen_set_param(struct hx_vm *vm, u32 index, u64 value);

/*
 * The hypercall instruction at ctx->rip (already known to be one): run
 * it, put the result in RAX and move RIP past it (@len bytes).  Return:
 * HX_EMUL_RESUME, or HX_EMUL_EXIT when vcpu->exit tells the host what the
 * guest asked for (a shutdown).
 */
int hx_xen_hypercall(struct hx_emul_ctx *ctx, u32 len);

/*
 * pvclock.c: write @vcpu's vcpu_time_info now (into its registered
 * vcpu_info, else its slot in shared_info); do so again if the last time
 * is a second old; put the wallclock into shared_info.
 */
void hx_xen_update_time(struct hx_vcpu *vcpu);
void hx_xen_refresh_time(struct hx_vcpu *vcpu);
void hx_xen_set_wallclock(struct hx_vm *vm);
/* The pvclock scale for a TSC of @tsc_hz. */
void hx_pvclock_scale(u64 tsc_hz, u32 *mul, s8 *shift);

#endif /* HXEN_XEN_H */
