/* SPDX-License-Identifier: GPL-2.0 */
/* The VMX backend's own structures. */
#ifndef HXEN_VMX_H
#define HXEN_VMX_H

#include <hxen/arch.h>
#include <hxen/lib.h>
#include <hxen/p2m.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

struct hxh_page;

#define VMX_RFLAGS_IF		(1ULL << 9)

/* Segment registers as the VMCS orders them. */
enum vmx_seg_nr {
	VMX_ES, VMX_CS, VMX_SS, VMX_DS, VMX_FS, VMX_GS, VMX_LDTR, VMX_TR,
	VMX_NR_SEGS
};

/* @ar: access rights in the VMCS format (bit 16: unusable) */
struct vmx_seg {
	u64 base;
	u32 limit;
	u32 ar;
	u16 sel;
};

/*
 * struct vmx_config - what the CPU lets hxen use, from the capability
 * MSRs at probe (vmcs.c)
 */
struct vmx_config {
	u32 revision;
	u32 pin, cpu, cpu2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_caps;
	u32 nr_msrs;			/* switched through the MSR areas */
	u32 msrs[8];
};

extern struct vmx_config vmx_cfg;

/*
 * struct vmx_cpu - per host CPU (cpu.c)
 * @vmxon_pa: hxen's VMXON region, for runs where VMX is off
 * @shared: the current run borrows another hypervisor's VMX operation
 * @other_vmcs: that hypervisor's current VMCS, made current again after
 * @last_vm: the serial of the VM that ran here last (IBPB on a change)
 * @arrived: a vCPU thread came onto the CPU since the last run
 * @dirty: runs inside the other's VMX operation since the thread came
 * @stale: other guests may have run here: flush before the next run
 */
struct vmx_cpu {
	struct hxh_page *vmxon;
	u64 vmxon_pa;
	bool shared;
	bool arrived;
	bool dirty;
	bool stale;
	u64 other_vmcs;
	u64 last_vm;
	struct hx_arch_stats stats;
};

struct vmx_vm {
	struct hx_vm vm;
	u64 serial;			/* unique for the module's life */
	struct hx_p2m ept;
	u64 eptp;
};

/* An entry of the VM-entry/VM-exit MSR areas (SDM vol. 3, 25.7.2). */
struct vmx_msr_entry {
	u32 index;
	u32 reserved;
	u64 value;
};

/*
 * The guest state while the VMCS is not current (it is current only
 * during a run, see cpu.c): read back after every exit, written before
 * every entry (vmcs.c).  @cr0 and @cr4 are what the guest sees; the
 * CPU's values add the bits VMX requires.
 */
struct vmx_guest {
	u64 rip, rsp, rflags;
	u64 cr0, cr2, cr3, cr4;
	u64 efer, pat, dr6, dr7;
	u64 pdpte[4];
	u64 sysenter_esp, sysenter_eip;
	u32 sysenter_cs;
	u32 interruptibility;
	u64 pending_dbg;
	struct vmx_seg seg[VMX_NR_SEGS];
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	u64 cr8;
};

/* Why the last run ended, read from the VMCS after the exit. */
struct vmx_exit_info {
	u32 reason;
	u32 intr_info, intr_error;
	u32 idt_info, idt_error;
	u32 insn_len;
	u32 insn_error;
	u64 qual;
	u64 gpa;
};

/*
 * struct vmx_vcpu - a VMX vCPU
 * @vmcs_pa: its VMCS, clear (not current anywhere) outside a run
 * @msrs: one page: the guest's MSR area (loaded on entry, stored on exit)
 *        and the host's (loaded on exit)
 * @g: the guest state
 * @cpu_ctls, @entry_ctls: the controls hxen changes between runs
 *                         (interrupt/NMI windows, IA-32e mode guest)
 * @entry_intr, @entry_error, @entry_len: the event the next entry
 *                                        delivers (VM-entry fields)
 * @cpu, @tlb_gen: where the vCPU ran last and the EPT generation then;
 *                 a change flushes its cached translations
 * @vpid: its virtual-processor ID (0: none)
 */
struct vmx_vcpu {
	struct hx_vcpu vcpu;
	struct hxh_page *vmcs_page;
	u64 vmcs_pa;
	struct hxh_page *msr_page;
	struct vmx_msr_entry *guest_msrs, *host_msrs;
	struct vmx_guest g;
	u32 cpu_ctls, entry_ctls;
	u32 entry_intr, entry_error, entry_len;
	u64 tsc_offset;
	struct vmx_exit_info exit;
	bool setup_done;
	u32 cpu;
	u32 tlb_gen;
	u16 vpid;
};

static inline struct vmx_vm *to_vmx_vm(struct hx_vm *vm)
{
	return hx_container_of(vm, struct vmx_vm, vm);
}

static inline struct vmx_vcpu *to_vmx(struct hx_vcpu *vcpu)
{
	return hx_container_of(vcpu, struct vmx_vcpu, vcpu);
}

/* cpu.c */
extern struct vmx_cpu *vmx_cpus;
int vmx_cpus_init(void);
void vmx_cpus_exit(void);
int vmx_take(struct vmx_cpu *c, struct vmx_vcpu *vx);
void vmx_give_back(struct vmx_cpu *c, struct vmx_vcpu *vx);
void vmx_cpu_arrive(u32 cpu);
void vmx_cpu_leave(void);
void vmx_cpu_stats(struct hx_arch_stats *st);
int vmx_vpid_alloc(void);
bool vmx_invvpid_usable(void);
void vmx_invvpid_one(u16 vpid);
void vmx_vpid_free(u16 vpid);

/* vmcs.c */
int vmx_config_probe(void);
void vmx_vmcs_setup(struct vmx_vcpu *vx);
void vmx_host_state(struct vmx_vcpu *vx);
void vmx_guest_write(struct vmx_vcpu *vx);
void vmx_guest_read(struct vmx_vcpu *vx);
void vmx_reset_state(struct vmx_guest *g);
u64 vmx_real_cr0(u64 cr0);
u64 vmx_real_cr4(u64 cr4);
u64 *vmx_guest_msr(struct vmx_vcpu *vx, u32 msr);

/* exits.c */
int vmx_handle_exit(struct vmx_vcpu *vx);
void vmx_skip(struct vmx_vcpu *vx, u64 len);
void vmx_inject_exception(struct vmx_vcpu *vx, u8 vector, bool has_error,
			  u32 error);
int vmx_exit_internal(struct vmx_vcpu *vx, u32 suberror);

/* msr.c: 0, or -1 when the guest gets #GP. */
int vmx_msr_read(struct vmx_vcpu *vx, u32 msr, u64 *val);
int vmx_msr_write(struct vmx_vcpu *vx, u32 msr, u64 val);

/* emul.c */
int vmx_exit_ept_violation(struct vmx_vcpu *vx);
int vmx_exit_string_io(struct vmx_vcpu *vx, u16 port, u8 size, bool in,
		       bool rep);
int vmx_xen_hypercall(struct vmx_vcpu *vx, u32 len);
bool vmx_at_vmmcall(struct vmx_vcpu *vx);
int vmx_xen_hcall_page(struct vmx_vcpu *vx, u64 val);
int vmx_load_pdptes(struct vmx_vcpu *vx);

#endif /* HXEN_VMX_H */
