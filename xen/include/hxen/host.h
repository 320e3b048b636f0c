/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host services: everything the hypervisor core needs from the operating
 * system it runs on.  The core calls nothing else; module/hxen_host.c
 * implements these with Linux APIs, tests/unit/core/fake_host.c with
 * canned values so the core runs as an ordinary program.
 */
#ifndef HXEN_HOST_H
#define HXEN_HOST_H

#include <hxen/types.h>

#define HXH_LOG_ERR	3
#define HXH_LOG_WARN	4
#define HXH_LOG_INFO	6
#define HXH_LOG_DEBUG	7

/* CPUID on the current CPU: regs[] = { eax, ebx, ecx, edx }. */
void hxh_cpuid(u32 leaf, u32 subleaf, u32 regs[4]);

/* RDMSR on the current CPU; 0 on success, negative if the MSR faults. */
int hxh_rdmsr_safe(u32 msr, u64 *val);

/* WRMSR on the current CPU; 0 on success, negative if the MSR faults. */
int hxh_wrmsr_safe(u32 msr, u64 val);

/* CR4 of the current CPU. */
unsigned long hxh_read_cr4(void);

/* Highest CPU number + 1, and the CPU the caller runs on. */
u32 hxh_nr_cpu_ids(void);
u32 hxh_cpu_id(void);

/* Run @fn on every online CPU and wait (in interrupt context). */
void hxh_on_each_cpu(void (*fn)(void *arg), void *arg);

/*
 * Entering a guest: hxh_guest_enter() pins the caller to its CPU, saves
 * the host's FPU state and disables interrupts, and returns the CPU;
 * hxh_guest_exit() restores the host's debug registers (the world switch
 * disables DR7), then undoes the rest in reverse order, letting the host
 * take the interrupts that arrived while the guest ran.
 */
u32 hxh_guest_enter(void);
void hxh_guest_exit(void);

/*
 * SVM world switch (module/hxen_svm_vmrun.S): with GIF clear, VMSAVE the
 * host to @host_save_pa, VMLOAD and VMRUN the guest at @vmcb_pa with the
 * general registers in @gprs (indexed by enum hx_gpr; rax and rsp are
 * taken from the VMCB), then save the guest's registers back, VMLOAD the
 * host and set GIF again.  Called with interrupts off.
 */
void hxh_svm_vmrun(u64 vmcb_pa, u64 host_save_pa, u64 *gprs);
/* VMRUN a guest that exits before its first instruction (interrupts off). */
void hxh_svm_vmrun_empty(u64 vmcb_pa);
/*
 * VMX world switch (module/hxen_vmx_vmrun.S): with the vCPU's VMCS
 * current and its guest state written, load the general registers from
 * @gprs (indexed by enum hx_gpr; rsp is in the VMCS), VMLAUNCH, and on
 * the VM exit save them back.  The host's RSP and RIP for the exit are
 * set here; afterwards the segment registers, LDT, GDT limit and TSS
 * limit that a VM exit does not restore are the host's again.  Returns
 * 0 after a VM exit, -1 if VMLAUNCH failed (see VM_INSTRUCTION_ERROR).
 * Called with interrupts off.
 */
int hxh_vmx_vmlaunch(u64 *gprs);
/*
 * Set or clear CR4.VMXE on this CPU (interrupts off), keeping the host's
 * own record of CR4 in step.
 */
void hxh_vmx_cr4_vmxe(bool on);
/*
 * An NMI arrived while a VMX guest ran and caused the exit (NMI exiting
 * consumes it): run the host's NMI handler for it.
 */
void hxh_nmi_reflect(void);
/*
 * An indirect branch prediction barrier (IBPB) where the CPU has one:
 * branches trained by one guest do not steer the next one.
 */
void hxh_branch_barrier(void);
/* After a world switch outside hxh_guest_exit(): the host's DR0-DR7. */
void hxh_restore_host_debugregs(void);
/*
 * Does the host call hx_arch_cpu_arrive()/hx_arch_cpu_leave() whenever a
 * thread running vCPUs comes onto or leaves a CPU?  Without it the
 * backend cleans up after each run instead.
 */
bool hxh_cpu_switch_hooks(void);

/* A machine check arrived while a guest ran: run the host's handler. */
void hxh_machine_check(void);

/*
 * A halted vCPU: hxh_vcpu_block_until() sleeps until hxh_vcpu_kick() is
 * called for @host and @ready(@arg) holds, a signal arrives (returns
 * -HX_EINTR) or host monotonic time reaches @deadline_ns (0: none); it
 * may return early.  hxh_vcpu_kick() wakes it, and makes @cpu (unless
 * HX_NOT_RUNNING) leave guest mode at once so a newly queued event is
 * seen; it may be called from any context.
 */
int hxh_vcpu_block_until(void *host, bool (*ready)(void *arg), void *arg,
			 u64 deadline_ns);
void hxh_vcpu_kick(void *host, u32 cpu);
/*
 * One timer per vCPU: call hx_vcpu_timer_fired() at host monotonic time
 * @deadline_ns (replacing an earlier deadline); 0 cancels it.
 */
void hxh_vcpu_timer_arm(void *host, u64 deadline_ns);
/* Before entering the guest: move the timer to this CPU if it is queued. */
void hxh_vcpu_timer_follow(void *host);

/*
 * An event channel port bound to the device model: @ctx is what the host
 * gave hx_xen_evtchn_bind_host().  signal: the guest sent on the port
 * (any context, must not sleep); put: the binding is gone.
 */
void hxh_evtchn_signal(void *ctx);
void hxh_evtchn_put(void *ctx);

/*
 * Time: the TSC rate in kHz, whether the TSC runs at that rate on every
 * CPU in every state, a monotonic clock and the wall clock in ns.
 */
u32 hxh_tsc_khz(void);
bool hxh_tsc_stable(void);
u64 hxh_now_ns(void);
u64 hxh_realtime_ns(void);

/* Between guest runs: may the loop go on, or must it return? */
bool hxh_signal_pending(void);
void hxh_cond_resched(void);

/* The kernel mapping of a physical address, and its page. */
void *hxh_pa_to_va(u64 pa);
struct hxh_page *hxh_pa_to_page(u64 pa);

/*
 * Run @pred on every online CPU (preemption disabled, may be in interrupt
 * context: it must not sleep) and return how many CPUs it returned true
 * on.  *@nr_cpus is set to the number of CPUs it ran on.
 */
u32 hxh_count_cpus(bool (*pred)(void *arg), void *arg, u32 *nr_cpus);

/*
 * Host memory.  A struct hxh_page is the host's handle for a block of
 * 2^order physically contiguous 4 KiB pages.  Blocks are zeroed and
 * charged to the memory cgroup of the process that asked for the VM;
 * each 4 KiB page of a block can be mapped into user space on its own.
 */
struct hxh_page;

struct hxh_page *hxh_page_alloc(unsigned int order);
void hxh_page_free(struct hxh_page *block, unsigned int order);
/* The n-th 4 KiB page of a block. */
struct hxh_page *hxh_page_nth(struct hxh_page *block, unsigned long n);
u64 hxh_page_to_pa(struct hxh_page *page);
void *hxh_page_to_va(struct hxh_page *page);

/*
 * A sleeping lock for state that vCPUs of one VM share (e.g. the Xen
 * special pages).  hxh_mutex_create() returns NULL when out of memory.
 */
void *hxh_mutex_create(void);
void hxh_mutex_destroy(void *m);
void hxh_mutex_lock(void *m);
void hxh_mutex_unlock(void *m);

/* General allocations for the core's own structures (may sleep). */
void *hxh_zalloc(size_t size);
void hxh_free(void *ptr);

/*
 * Called between steps of long operations: lets the host reschedule and
 * returns true when the caller should give up (a fatal signal is pending).
 */
bool hxh_should_stop(void);

/* Log a line prefixed with the module name. */
void hxh_log(int level, const char *fmt, ...) __printf(2, 3);

#endif /* HXEN_HOST_H */
