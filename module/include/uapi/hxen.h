/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hxen control ABI: the ioctls of /dev/hxen.
 *
 * Shared by hxen.ko and user space.  Every structure has explicit padding
 * and a reserved tail so it can grow without changing its size; fields
 * that are reserved must be zero on input and are zero on output.  A
 * change that old user space cannot understand bumps HXEN_ABI_MAJOR; an
 * addition bumps HXEN_ABI_MINOR.  See docs/control-abi.md.
 */
#ifndef _UAPI_HXEN_H
#define _UAPI_HXEN_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define HXEN_ABI_MAJOR		1
#define HXEN_ABI_MINOR		4

/* ioctl type code, unused in Documentation/userspace-api/ioctl */
#define HXEN_IOCTL_TYPE		0xE8

#define HXEN_BUILD_LEN		64

/* HXEN_GET_VERSION: which module and ABI answer on this device. */
struct hxen_version {
	__u32 abi_major;
	__u32 abi_minor;
	char build[HXEN_BUILD_LEN];	/* module version, NUL-terminated */
	char kernel[HXEN_BUILD_LEN];	/* kernel release built for */
	__u64 reserved[4];
};

/* enum hxen_cpu_vendor: struct hxen_caps.vendor */
#define HXEN_VENDOR_UNKNOWN	0
#define HXEN_VENDOR_AMD		1
#define HXEN_VENDOR_INTEL	2
#define HXEN_VENDOR_HYGON	3

/* struct hxen_caps.features */
#define HXEN_CAP_SVM		(1ULL << 0)	/* CPUID reports SVM */
#define HXEN_CAP_SVM_DISABLED	(1ULL << 1)	/* VM_CR.SVMDIS: firmware off */
#define HXEN_CAP_NPT		(1ULL << 2)	/* nested paging */
#define HXEN_CAP_NRIP_SAVE	(1ULL << 3)
#define HXEN_CAP_DECODE_ASSISTS	(1ULL << 4)
#define HXEN_CAP_FLUSH_BY_ASID	(1ULL << 5)
#define HXEN_CAP_VGIF		(1ULL << 6)
#define HXEN_CAP_VMX		(1ULL << 8)	/* CPUID reports VMX */
#define HXEN_CAP_VMX_DISABLED	(1ULL << 9)	/* FEATURE_CONTROL locked off */
#define HXEN_CAP_EPT		(1ULL << 10)
#define HXEN_CAP_VPID		(1ULL << 11)
#define HXEN_CAP_UNRESTRICTED	(1ULL << 12)	/* unrestricted guest */
#define HXEN_CAP_NESTED		(1ULL << 16)	/* host itself is a guest */
#define HXEN_CAP_HELD		(1ULL << 17)	/* see nr_cpus_held */

/*
 * HXEN_GET_CAPS: what this machine offers a hypervisor.  nr_cpus_held
 * counts the online CPUs on which another hypervisor has the
 * virtualization extensions turned on right now (EFER.SVME or CR4.VMXE
 * set by someone other than hxen), e.g. kvm_amd with
 * kvm.enable_virt_at_load=1 or while a KVM guest exists.
 */
struct hxen_caps {
	__u32 vendor;
	__u32 svm_revision;	/* CPUID 8000_000A EAX[7:0] */
	__u64 features;		/* HXEN_CAP_* */
	__u32 nr_asids;		/* SVM address space IDs, 0 without SVM */
	__u32 nr_vpids;		/* VMX VPIDs usable, 0 without VPID */
	__u32 nr_cpus;		/* online CPUs examined */
	__u32 nr_cpus_held;
	__u64 reserved[6];
};

/*
 * HXEN_VM_ADD_RAM (on a VM fd): give the guest RAM at guest-physical
 * [gpa, gpa + size).  The module allocates it zeroed and charges it to
 * the caller's memory cgroup.  gpa and size are 4 KiB aligned; ranges may
 * not overlap; at most HXEN_MAX_RAM_RANGES ranges and HXEN_MAX_RAM_BYTES
 * in all.  Gaps between ranges are holes: guest accesses there are MMIO.
 * The device model maps guest RAM with mmap(vm_fd, offset = gpa).
 */
struct hxen_ram_range {
	__u64 gpa;
	__u64 size;
	__u32 flags;		/* must be 0 */
	__u32 pad;
	__u64 reserved[2];
};

#define HXEN_MAX_RAM_RANGES	32
#define HXEN_MAX_RAM_BYTES	(64ULL << 30)

/*
 * The guest's grant table (version 1, struct grant_entry_v1), for the
 * device model's backends: mmap(vm_fd, offset HXEN_GNTTAB_MMAP_OFFSET +
 * i * 4096) maps frame i (i < HXEN_GNTTAB_FRAMES), shared with the guest
 * whether or not it has mapped that frame yet.  Needs the Xen ABI on
 * (HXEN_VM_ENABLE_XEN); otherwise an access gets SIGBUS.  (ABI 1.4)
 */
#define HXEN_GNTTAB_MMAP_OFFSET	(1ULL << 48)
#define HXEN_GNTTAB_FRAMES	32

/* HXEN_VM_GET_STATS (on a VM fd) */
struct hxen_vm_stats {
	__u64 ram_pages;	/* guest RAM pages held by the VM */
	__u64 nr_vcpus;
	__u64 reserved[6];
};

/*
 * HXEN_VM_ENABLE_XEN (on a VM fd, before its first vCPU): the guest speaks
 * the Xen HVM/PVH interface.  hxen then answers the Xen CPUID leaves at
 * 0x40000000, fills a hypercall page when the guest writes MSR
 * 0x40000000, and handles hypercalls (VMMCALL) in the kernel: unknown
 * ones return -ENOSYS to the guest.  Without it, VMMCALL ends the run
 * with HXEN_EXIT_HYPERCALL.
 */
struct hxen_xen_config {
	__u16 domid;		/* 1 .. 0x7fef */
	__u16 pad;
	__u32 version;		/* major << 16 | minor to report; 0: 4.17 */
	__u32 flags;		/* must be 0 */
	__u32 pad2;
	__u64 reserved[4];
};

/*
 * HXEN_VM_SET_XEN_PARAM (VM fd, Xen ABI on): an HVM parameter the guest
 * reads with HVMOP_get_param: HVM_PARAM_STORE_PFN 1, STORE_EVTCHN 2,
 * CONSOLE_PFN 17, CONSOLE_EVTCHN 18 (and CALLBACK_IRQ 0).
 */
struct hxen_xen_param {
	__u32 index;
	__u32 pad;
	__u64 value;
	__u64 reserved[2];
};

/*
 * HXEN_VM_EVTCHN_BIND (VM fd, Xen ABI on): the device model's end of an
 * event channel.  Each EVTCHNOP_send by the guest on @port then signals
 * @eventfd at once.  @port is a port the guest allocated unbound for
 * domain 0, or 0 to allocate a new unbound port (notifying vCPU 0), whose
 * number is returned in @port.  @eventfd -1 unbinds @port again.  At
 * most 64 ports are bound at once.
 *
 * HXEN_VM_EVTCHN_NOTIFY: raise @port in the guest (set it pending and,
 * unless masked, make its vCPU take the upcall).
 */
struct hxen_evtchn_bind {
	__u32 port;
	__s32 eventfd;
	__u64 reserved[2];
};

struct hxen_evtchn_notify {
	__u32 port;
	__u32 pad;
	__u64 reserved;
};

/* General registers (HXEN_VCPU_GET_REGS / HXEN_VCPU_SET_REGS). */
struct hxen_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/*
 * A segment register.  attrib is in the SVM VMCB format: type 3:0, S 4,
 * DPL 6:5, P 7, AVL 8, L 9, D/B 10, G 11.
 */
struct hxen_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 attrib;
};

struct hxen_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

/* Segment and control registers (HXEN_VCPU_GET_SREGS / _SET_SREGS). */
struct hxen_sregs {
	struct hxen_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct hxen_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[8];
};

/*
 * Debug registers (HXEN_VCPU_GET_DEBUGREGS / _SET_DEBUGREGS): DR0-DR3,
 * DR6 and DR7 as the guest sees them.  Bits 63:32 of dr6 and dr7 must be
 * zero.
 */
struct hxen_debugregs {
	__u64 db[4];
	__u64 dr6;
	__u64 dr7;
	__u64 reserved[10];
};

/*
 * MSRs (HXEN_VCPU_GET_MSRS / _SET_MSRS): nmsrs entries follow the header.
 * The ioctl returns how many entries it handled, in order; it stops at
 * the first MSR hxen does not emulate or a value the guest's WRMSR would
 * refuse.  At most HXEN_MAX_MSRS entries per call.
 */
struct hxen_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

struct hxen_msrs {
	__u32 nmsrs;
	__u32 pad;
	struct hxen_msr_entry entries[];
};

#define HXEN_MAX_MSRS		256

/*
 * x87/SSE/AVX state (HXEN_VCPU_GET_XSAVE / _SET_XSAVE): region is in the
 * standard (non-compacted) XSAVE layout, or the FXSAVE layout in its
 * first 512 bytes on CPUs without XSAVE; xcr0 is the guest's XCR0.  On
 * output, supported_xcr0 says which components guests may enable and
 * size how many bytes of region are used; both are ignored on input.
 */
#define HXEN_XSAVE_REGION_SIZE	4096

struct hxen_xsave {
	__u64 xcr0;
	__u64 supported_xcr0;
	__u32 size;
	__u32 pad;
	__u64 reserved[5];
	__u8 region[HXEN_XSAVE_REGION_SIZE];
};

/* struct hxen_run.exit_reason */
#define HXEN_EXIT_NONE		0
#define HXEN_EXIT_IO		1	/* port I/O for the device model */
#define HXEN_EXIT_MMIO		2	/* access to a guest-physical hole */
#define HXEN_EXIT_HLT		3	/* HLT with nothing to deliver */
#define HXEN_EXIT_SHUTDOWN	4	/* triple fault */
#define HXEN_EXIT_HYPERCALL	5	/* VMMCALL/VMCALL */
#define HXEN_EXIT_INTR		6	/* a signal is pending (run returned EINTR) */
#define HXEN_EXIT_INTERNAL	7	/* hxen could not handle the exit */
#define HXEN_EXIT_FAIL_ENTRY	8	/* the CPU refused the guest state */
#define HXEN_EXIT_XEN_SHUTDOWN	9	/* SCHEDOP_shutdown (Xen ABI on) */

#define HXEN_IO_OUT		0
#define HXEN_IO_IN		1

/* Where port I/O data sits in the run page. */
#define HXEN_RUN_DATA_OFFSET	1024
#define HXEN_RUN_DATA_SIZE	3072

/*
 * The run page, mmap(vcpu_fd, offset 0, 4096): why HXEN_VCPU_RUN returned.
 * For HXEN_EXIT_IO the data of count * size bytes is at
 * HXEN_RUN_DATA_OFFSET; for an IN the device model writes it there and
 * the next HXEN_VCPU_RUN gives it to the guest.  count is above 1 for
 * string I/O (INS/OUTS), whose data goes to or comes from guest memory.
 * For HXEN_EXIT_MMIO, len (1, 2, 4 or 8) bytes at gpa: a write carries
 * its data in mmio.data; for a read the device model puts the value
 * there (little-endian) and the next HXEN_VCPU_RUN completes the guest's
 * instruction with it.
 */
struct hxen_run {
	__u32 exit_reason;
	__u32 pad;
	union {
		struct {
			__u16 port;
			__u8 size;		/* 1, 2 or 4 */
			__u8 direction;		/* HXEN_IO_OUT or _IN */
			__u32 count;
		} io;
		struct {
			__u64 gpa;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		struct {
			__u64 nr;
			__u64 args[6];
		} hypercall;
		struct {
			__u32 suberror;		/* HXEN_INTERNAL_* */
			__u32 pad;
			__u64 data[4];		/* e.g. the hardware exit code */
		} internal;
		struct {
			__u64 hardware_exit_code;
		} fail_entry;
		struct {
			__u32 reason;	/* SHUTDOWN_poweroff 0, reboot 1, ... */
		} xen_shutdown;
		__u8 pad_union[256];
	};
};

#define HXEN_INTERNAL_UNHANDLED_EXIT	1
#define HXEN_INTERNAL_EMULATION		2

/* Exit counters of a vCPU (HXEN_VCPU_GET_STATS). */
struct hxen_vcpu_stats {
	__u64 exits;
	__u64 io_exits;
	__u64 mmio_exits;
	__u64 hlt_exits;
	__u64 cpuid_exits;
	__u64 msr_exits;
	__u64 intr_exits;	/* host interrupts taken during the guest */
	__u64 npf_exits;
	__u64 hypercalls;
	__u64 user_exits;	/* returns to user space */
	__u64 irq_window_exits;	/* the guest became interruptible */
	__u64 exception_exits;	/* #DB/#AC intercepted and passed on */
	__u64 unknown_hypercalls; /* answered -ENOSYS (Xen ABI on) */
	__u64 reserved[3];
};

/* HXEN_VCPU_INJECT: an external interrupt or an NMI for the guest. */
#define HXEN_INJECT_IRQ		0
#define HXEN_INJECT_NMI		1

struct hxen_inject {
	__u32 type;		/* HXEN_INJECT_IRQ or _NMI */
	__u32 vector;		/* 0..255 for an IRQ; 0 for an NMI */
	__u64 reserved[2];
};

#define HXEN_MAX_VCPUS		64

#define HXEN_GET_VERSION	_IOR(HXEN_IOCTL_TYPE, 0x00, struct hxen_version)
#define HXEN_GET_CAPS		_IOR(HXEN_IOCTL_TYPE, 0x01, struct hxen_caps)
/* Returns a new VM fd; the argument must be 0. */
#define HXEN_CREATE_VM		_IO(HXEN_IOCTL_TYPE, 0x02)

/* VM fd */
#define HXEN_VM_ADD_RAM		_IOW(HXEN_IOCTL_TYPE, 0x10, struct hxen_ram_range)
#define HXEN_VM_GET_STATS	_IOR(HXEN_IOCTL_TYPE, 0x11, struct hxen_vm_stats)
/* Argument: the vCPU id, below HXEN_MAX_VCPUS.  Returns a vCPU fd. */
#define HXEN_VM_CREATE_VCPU	_IO(HXEN_IOCTL_TYPE, 0x12)
#define HXEN_VM_ENABLE_XEN	_IOW(HXEN_IOCTL_TYPE, 0x13, struct hxen_xen_config)
#define HXEN_VM_SET_XEN_PARAM	_IOW(HXEN_IOCTL_TYPE, 0x14, struct hxen_xen_param)
#define HXEN_VM_EVTCHN_BIND	_IOWR(HXEN_IOCTL_TYPE, 0x15, struct hxen_evtchn_bind)
#define HXEN_VM_EVTCHN_NOTIFY	_IOW(HXEN_IOCTL_TYPE, 0x16, struct hxen_evtchn_notify)

/* vCPU fd */
#define HXEN_VCPU_RUN		_IO(HXEN_IOCTL_TYPE, 0x20)
#define HXEN_VCPU_GET_REGS	_IOR(HXEN_IOCTL_TYPE, 0x21, struct hxen_regs)
#define HXEN_VCPU_SET_REGS	_IOW(HXEN_IOCTL_TYPE, 0x22, struct hxen_regs)
#define HXEN_VCPU_GET_SREGS	_IOR(HXEN_IOCTL_TYPE, 0x23, struct hxen_sregs)
#define HXEN_VCPU_SET_SREGS	_IOW(HXEN_IOCTL_TYPE, 0x24, struct hxen_sregs)
#define HXEN_VCPU_GET_STATS	_IOR(HXEN_IOCTL_TYPE, 0x25, struct hxen_vcpu_stats)
/* May be called from any thread of the VM's process, also while it runs. */
#define HXEN_VCPU_INJECT	_IOW(HXEN_IOCTL_TYPE, 0x26, struct hxen_inject)
#define HXEN_VCPU_GET_DEBUGREGS	_IOR(HXEN_IOCTL_TYPE, 0x27, struct hxen_debugregs)
#define HXEN_VCPU_SET_DEBUGREGS	_IOW(HXEN_IOCTL_TYPE, 0x28, struct hxen_debugregs)
/* Return the number of entries handled. */
#define HXEN_VCPU_GET_MSRS	_IOWR(HXEN_IOCTL_TYPE, 0x29, struct hxen_msrs)
#define HXEN_VCPU_SET_MSRS	_IOW(HXEN_IOCTL_TYPE, 0x2a, struct hxen_msrs)
#define HXEN_VCPU_GET_XSAVE	_IOR(HXEN_IOCTL_TYPE, 0x2b, struct hxen_xsave)
#define HXEN_VCPU_SET_XSAVE	_IOW(HXEN_IOCTL_TYPE, 0x2c, struct hxen_xsave)

#endif /* _UAPI_HXEN_H */
