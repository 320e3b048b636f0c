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
#define HXEN_ABI_MINOR		0

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

/* HXEN_VM_GET_STATS (on a VM fd) */
struct hxen_vm_stats {
	__u64 ram_pages;	/* guest RAM pages held by the VM */
	__u64 nr_vcpus;
	__u64 reserved[6];
};

#define HXEN_GET_VERSION	_IOR(HXEN_IOCTL_TYPE, 0x00, struct hxen_version)
#define HXEN_GET_CAPS		_IOR(HXEN_IOCTL_TYPE, 0x01, struct hxen_caps)
/* Returns a new VM fd; the argument must be 0. */
#define HXEN_CREATE_VM		_IO(HXEN_IOCTL_TYPE, 0x02)

/* VM fd */
#define HXEN_VM_ADD_RAM		_IOW(HXEN_IOCTL_TYPE, 0x10, struct hxen_ram_range)
#define HXEN_VM_GET_STATS	_IOR(HXEN_IOCTL_TYPE, 0x11, struct hxen_vm_stats)

#endif /* _UAPI_HXEN_H */
