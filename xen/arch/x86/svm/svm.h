/* SPDX-License-Identifier: GPL-2.0 */
/* The SVM backend's own structures. */
#ifndef HXEN_SVM_H
#define HXEN_SVM_H

#include <hxen/arch.h>
#include <hxen/lib.h>
#include <hxen/p2m.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

#include "vmcb.h"

struct hxh_page;

#define RFLAGS_IF		(1ULL << 9)

/*
 * struct svm_cpu - per host CPU (cpu.c)
 * @hsave_pa: hxen's VM_HSAVE_PA area (the CPU's own host state on VMRUN)
 * @host_save_pa: where VMSAVE keeps the host's FS/GS/TR/LDTR and
 *                SYSCALL/SYSENTER MSRs across a guest run
 * @empty_vmcb_pa: a guest that exits at once; its VMRUN flushes the TLB
 * @efer: EFER as the current run found it
 * @shared: the current run borrows SVM that another hypervisor turned on
 * @other_hsave_pa: that hypervisor's VM_HSAVE_PA, put back after the run
 * @stale: other guests may have run here since: flush before the next run
 * @arrived: a vCPU thread came onto the CPU since the last run (other
 *           threads, so another hypervisor's guests, may have run)
 * @dirty: borrowed runs left hxen's TLB entries under shared ASIDs
 * @last_vm: the serial of the VM that ran here last (0: none); another
 *           VM gets a branch barrier first
 * @asid_generation, @next_asid: ASIDs are handed out in order; when they
 *                run out a new generation starts with a full TLB flush
 * Only touched on its own CPU with interrupts off, or by hxh_on_each_cpu.
 */
struct svm_cpu {
	struct hxh_page *hsave;
	struct hxh_page *host_save;
	struct hxh_page *empty_vmcb;
	u64 hsave_pa;
	u64 host_save_pa;
	u64 empty_vmcb_pa;
	u64 efer;
	u64 other_hsave_pa;
	bool shared;
	bool stale;
	bool arrived;
	bool dirty;
	u64 last_vm;
	u32 asid_generation;
	u32 next_asid;
	struct hx_arch_stats stats;
};

struct svm_vm {
	struct hx_vm vm;
	u64 serial;			/* unique for the module's life */
	struct hx_p2m npt;		/* nested page tables */
	struct hxh_page *iopm;		/* 12 KiB used of an order-2 block */
	struct hxh_page *msrpm;		/* 8 KiB: one order-1 block */
};

/*
 * struct svm_nmi - NMI blocking as hxen tracks it (nmi.c)
 * @masked: an NMI went in and its handler's IRET has not run yet
 * @iret_seen: the IRET intercept fired at @iret_rip (not yet executed)
 * @stepping: single-stepping over that IRET for a waiting NMI
 * @guest_tf: the guest had RFLAGS.TF set itself before the step
 */
struct svm_nmi {
	bool masked;
	bool iret_seen;
	bool stepping;
	bool guest_tf;
	u64 iret_rip;
};

/*
 * struct svm_vcpu - an SVM vCPU
 * @cpu, @asid_generation: where and in which generation the ASID in the
 *                         VMCB was handed out
 */
struct svm_vcpu {
	struct hx_vcpu vcpu;
	struct hxh_page *vmcb_page;
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 cpu;
	u32 asid_generation;
	u32 tlb_gen;			/* the VM's, when the ASID was taken */
	struct svm_nmi nmi;
};

static inline struct svm_vm *to_svm_vm(struct hx_vm *vm)
{
	return hx_container_of(vm, struct svm_vm, vm);
}

static inline struct svm_vcpu *to_svm(struct hx_vcpu *vcpu)
{
	return hx_container_of(vcpu, struct svm_vcpu, vcpu);
}

/*
 * cpu.c: svm_take() readies this CPU for a guest run (interrupts off),
 * svm_give_back() leaves it as the run found it.  svm_cpu_arrive() and
 * svm_cpu_leave() are told when a vCPU thread comes onto or leaves a CPU.
 */
extern struct svm_cpu *svm_cpus;
int svm_cpus_init(u32 nr_asids);
void svm_cpus_exit(void);
int svm_take(struct svm_cpu *c, u64 vm_serial);
void svm_give_back(struct svm_cpu *c);
void svm_cpu_arrive(u32 cpu);
void svm_cpu_leave(void);
void svm_pick_asid(struct svm_vcpu *sv, u32 cpu, struct svm_cpu *c);
void svm_cpu_stats(struct hx_arch_stats *st);

/* svm.c: a VMCB's save area in the state of an x86 CPU after RESET. */
void svm_vmcb_reset_save(struct vmcb_save *save);

/* msr.c: 0, or -1 when the guest gets #GP. */
int svm_msr_read(struct svm_vcpu *sv, u32 msr, u64 *val);
int svm_msr_write(struct svm_vcpu *sv, u32 msr, u64 val);

/* svm.c */
void svm_skip(struct svm_vcpu *sv, u64 len);
void svm_inject_exception(struct svm_vcpu *sv, u8 vector, bool has_error,
			  u32 error);
int exit_to_host_internal(struct svm_vcpu *sv, u32 suberror);

/* emul.c: exits that need the instruction emulator */
int svm_exit_npf(struct svm_vcpu *sv);
int svm_exit_dr(struct svm_vcpu *sv);
int svm_exit_xsetbv(struct svm_vcpu *sv);
int svm_exit_string_io(struct svm_vcpu *sv);
void svm_window_at_hlt(struct svm_vcpu *sv);
int svm_exit_xen_hypercall(struct svm_vcpu *sv, u32 len);
int svm_xen_hcall_page(struct svm_vcpu *sv, u64 val);

/* nmi.c */
bool svm_nmi_can_inject(struct svm_vcpu *sv);
bool svm_nmi_deliverable(struct svm_vcpu *sv);
void svm_nmi_state_set(struct svm_vcpu *sv);
void svm_nmi_injected(struct svm_vcpu *sv);
int svm_exit_iret(struct svm_vcpu *sv);
bool svm_nmi_step_done(struct svm_vcpu *sv);

#endif /* HXEN_SVM_H */
