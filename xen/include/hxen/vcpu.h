/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual CPU as the core sees it, and why a run stopped.
 *
 * Locking: the host runs at most one call on a vCPU at a time (the Linux
 * port holds the vCPU's mutex around run and register access).
 */
#ifndef HXEN_VCPU_H
#define HXEN_VCPU_H

#include <hxen/apic.h>
#include <hxen/fpu.h>
#include <hxen/types.h>

struct hx_vm;

/* General registers by their x86 encoding number. */
enum hx_gpr {
	HX_RAX, HX_RCX, HX_RDX, HX_RBX, HX_RSP, HX_RBP, HX_RSI, HX_RDI,
	HX_R8, HX_R9, HX_R10, HX_R11, HX_R12, HX_R13, HX_R14, HX_R15,
	HX_NR_GPRS
};

struct hx_seg {
	u64 base;
	u32 limit;
	u16 sel;
	u16 attrib;		/* SVM format: type, S, DPL, P, AVL, L, DB, G */
};

struct hx_dtable {
	u64 base;
	u16 limit;
};

/* The architectural state user space may read and write. */
struct hx_state {
	u64 gprs[HX_NR_GPRS];
	u64 rip;
	u64 rflags;
	struct hx_seg cs, ds, es, fs, gs, ss, tr, ldt;
	struct hx_dtable gdt, idt;
	u64 cr0, cr2, cr3, cr4, efer;
	u64 db[4], dr6, dr7;
};

/* struct hx_exit.reason: the same numbers as HXEN_EXIT_* of the ABI. */
enum hx_exit_reason {
	HX_EXIT_NONE = 0,
	HX_EXIT_IO = 1,
	HX_EXIT_MMIO = 2,
	HX_EXIT_HLT = 3,
	HX_EXIT_SHUTDOWN = 4,
	HX_EXIT_HYPERCALL = 5,
	HX_EXIT_INTR = 6,
	HX_EXIT_INTERNAL = 7,
	HX_EXIT_FAIL_ENTRY = 8,
	HX_EXIT_XEN_SHUTDOWN = 9,
};

#define HX_INTERNAL_UNHANDLED_EXIT	1
#define HX_INTERNAL_EMULATION		2

/* Why the last run returned to the host; see struct hxen_run. */
struct hx_exit {
	enum hx_exit_reason reason;
	union {
		struct {
			u16 port;
			u8 size;
			bool in;
			u32 count;
		} io;
		/*
		 * @data: little-endian: the value written, or for a read
		 * where the host puts the value before the next run
		 * @len: 1, 2, 4 or 8 bytes
		 */
		struct {
			u64 gpa;
			u8 data[8];
			u32 len;
			bool is_write;
		} mmio;
		struct {
			u64 nr;
			u64 args[6];
		} hypercall;
		struct {
			u32 reason;
		} xen_shutdown;
		struct {
			u32 suberror;
			u64 data[4];
		} internal;
		u64 hw_exit_code;
	};
};

/* struct hx_emul_pending.kind */
enum hx_pending_kind {
	HX_PENDING_NONE,
	HX_PENDING_LOAD,	/* MMIO read data -> register */
	HX_PENDING_TO_RAM,	/* MMIO read data -> guest RAM (MOVS) */
	HX_PENDING_TO_MMIO,	/* MMIO read data -> MMIO write exit (MOVS) */
	HX_PENDING_INS,		/* I/O buffer -> guest RAM */
};

/*
 * struct hx_emul_pending - what the emulator finishes on the next run,
 * once the host has answered (see hx_emulate_complete())
 * @kind: enum hx_pending_kind
 * @reg: HX_PENDING_LOAD: the destination register (enum hx_gpr)
 * @high_byte: ... its bits 15:8 (AH, CH, DH, BH)
 * @sign_extend: ... MOVSX
 * @dst_bytes: ... bytes of the register written (1, 2, 4 or 8)
 * @src_bytes: bytes of the MMIO read (1, 2, 4 or 8)
 * @elem: HX_PENDING_INS: element size (1, 2 or 4)
 * @reverse: ... RFLAGS.DF was set: element i goes i elements below the
 *           first, which is the highest
 * @count: ... elements
 * @gpa: the destination's first (lowest) byte
 * @split: bytes at @gpa; the rest continue at @gpa2 (another page)
 * @gpa2: see @split
 */
struct hx_emul_pending {
	u8 kind;
	u8 reg;
	bool high_byte;
	bool sign_extend;
	u8 dst_bytes;
	u8 src_bytes;
	u8 elem;
	bool reverse;
	u32 count;
	u64 gpa;
	u32 split;
	u64 gpa2;
};

struct hx_vcpu_stats {
	u64 exits;
	u64 io;
	u64 mmio;
	u64 hlt;
	u64 cpuid;
	u64 msr;
	u64 intr;
	u64 npf;
	u64 hypercalls;
	u64 user;
	u64 irq_windows;
	u64 exceptions;
	u64 unknown_hypercalls;
};

/* struct hx_vcpu.events: pending kinds, and the IRQ's vector in 15:8 */
#define HX_EVENT_IRQ		(1U << 0)
#define HX_EVENT_NMI		(1U << 1)
#define HX_EVENT_VECTOR_SHIFT	8
#define HX_EVENT_VECTOR_MASK	(0xffU << HX_EVENT_VECTOR_SHIFT)

#define HX_NOT_RUNNING		(~0U)

/*
 * struct hx_vcpu - the core's part of a vCPU; backends embed it
 * @gprs: general registers while the vCPU is not running (the backend
 *        keeps rax/rsp/rip/rflags in its own state as well)
 * @io_data: the host's buffer for port I/O data (in the run page)
 * @io_in_pending: an IN went to the host; complete it on the next run
 * @emul: an emulated instruction waits for the host's answer
 * @dead: the guest state is lost (e.g. after a shutdown); runs fail
 * @events: HX_EVENT_* waiting for delivery, with the IRQ's vector; set
 *          by any thread with atomic operations, taken by the vCPU's own
 * @running_cpu: the CPU the guest runs on, or HX_NOT_RUNNING; read by
 *               injectors to decide whether to kick that CPU
 * @host: the host's vCPU, for hxh_vcpu_block_until() and hxh_vcpu_kick()
 * @fpu: the guest's x87/SSE/AVX state, XCR0 and PKRU
 * @db: the guest's DR0-DR3 (DR6 and DR7 are the backend's)
 * @xen_time_ns: when the Xen pvclock of this vCPU was last written
 * @timer_due: the host's timer for this vCPU fired (set in interrupt
 *             context, taken by the vCPU's own thread)
 * @xen_oneshot: host monotonic ns of the Xen single-shot timer, 0 if off
 * @xen_period: the Xen periodic timer's period in ns, 0 if off
 * @xen_period_next: host monotonic ns of its next tick
 * @xen_polling: in SCHEDOP_poll (any raised port wakes it)
 * @apic: the local APIC (Xen VMs)
 */
struct hx_vcpu {
	struct hx_vm *vm;
	u32 id;
	u64 gprs[HX_NR_GPRS];
	struct hx_exit exit;
	u8 *io_data;
	u32 io_data_size;
	bool io_in_pending;
	struct hx_emul_pending emul;
	bool dead;
	u32 events;
	u32 running_cpu;
	void *host;
	struct hx_fpu fpu;
	u64 db[4];
	u64 xen_time_ns;
	u32 timer_due;
	u64 xen_oneshot;
	u64 xen_period;
	u64 xen_period_next;
	u32 xen_polling;
	struct hx_apic apic;
	struct hx_vcpu_stats stats;
};

/**
 * hx_vcpu_inject() - queue an external interrupt (@nmi false, @vector)
 * or an NMI for the guest, from any thread.  The guest takes an
 * interrupt once its RFLAGS.IF and interrupt shadow allow; a halted vCPU
 * wakes up.  Return: 0, or -HX_EBUSY while one of that kind is queued.
 */
int hx_vcpu_inject(struct hx_vcpu *vcpu, bool nmi, u8 vector);

/*
 * The host's timer for @vcpu (hxh_vcpu_timer_arm()) fired: from interrupt
 * context, mark it and kick the vCPU.
 */
void hx_vcpu_timer_fired(struct hx_vcpu *vcpu);

/*
 * Sleep until the guest has something to take (an IRQ, a deliverable NMI,
 * its Xen upcall), its timer fired, @ready(@arg) if given, a signal, or
 * host time @deadline_ns (0: none).
 */
void hx_vcpu_wait(struct hx_vcpu *vcpu, bool (*ready)(void *arg), void *arg,
		  u64 deadline_ns);

/* For backends: is anything queued? */
static inline u32 hx_vcpu_events(struct hx_vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->events, __ATOMIC_ACQUIRE);
}

/* For backends: take an event out of the queue. */
static inline void hx_vcpu_take_event(struct hx_vcpu *vcpu, u32 event)
{
	u32 clear = event;

	if (event & HX_EVENT_IRQ)
		clear |= HX_EVENT_VECTOR_MASK;
	__atomic_fetch_and(&vcpu->events, ~clear, __ATOMIC_ACQ_REL);
}

/*
 * For backends: an I/O instruction (not a string one) for the host:
 * fill vcpu->exit, and for OUT copy the data from RAX.  -1 when the host
 * gave no buffer big enough (an internal error for the caller).
 */
int hx_vcpu_io_exit(struct hx_vcpu *vcpu, u16 port, u8 size, bool in);

/* For backends: a hypercall outside the Xen ABI goes to the host. */
void hx_vcpu_hypercall_exit(struct hx_vcpu *vcpu);

/* The host buffer for port I/O data: @data, @size bytes (set once). */
void hx_vcpu_set_io_buffer(struct hx_vcpu *vcpu, u8 *data, u32 size);

struct hx_vcpu *hx_vcpu_create(struct hx_vm *vm, u32 id);
void hx_vcpu_destroy(struct hx_vcpu *vcpu);

/**
 * hx_vcpu_run() - run the guest until the host has to act.
 *
 * Return: 0 with vcpu->exit filled in for the host, -HX_EINTR when a
 * signal is pending (exit reason HX_EXIT_INTR), -HX_EBUSY when another
 * hypervisor holds the virtualization extensions on this CPU, -HX_EIO
 * for a dead vCPU.
 */
int hx_vcpu_run(struct hx_vcpu *vcpu);

void hx_vcpu_get_state(struct hx_vcpu *vcpu, struct hx_state *st);
void hx_vcpu_set_state(struct hx_vcpu *vcpu, const struct hx_state *st);

/*
 * MSRs as the guest's RDMSR/WRMSR see them, for the host.  Return: 0, or
 * -HX_EINVAL for an MSR hxen does not emulate or a value it refuses.
 */
int hx_vcpu_get_msr(struct hx_vcpu *vcpu, u32 msr, u64 *val);
int hx_vcpu_set_msr(struct hx_vcpu *vcpu, u32 msr, u64 val);

#endif /* HXEN_VCPU_H */
