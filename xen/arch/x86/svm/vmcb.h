/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM virtual machine control block (AMD APM vol. 2, appendix B):
 * a 1 KiB control area followed by the guest state save area, in one
 * 4 KiB page.  Offsets are checked at build time in vmcb.c.
 */
#ifndef HXEN_SVM_VMCB_H
#define HXEN_SVM_VMCB_H

#include <hxen/types.h>

/* vmcb_control.intercept_misc1 (APM vol. 2, table B-1, offset 0x0c) */
#define SVM_INTERCEPT_INTR		(1U << 0)
#define SVM_INTERCEPT_NMI		(1U << 1)
#define SVM_INTERCEPT_SMI		(1U << 2)
#define SVM_INTERCEPT_INIT		(1U << 3)
#define SVM_INTERCEPT_VINTR		(1U << 4)
#define SVM_INTERCEPT_CPUID		(1U << 18)
#define SVM_INTERCEPT_IRET		(1U << 20)
#define SVM_INTERCEPT_INVD		(1U << 22)
#define SVM_INTERCEPT_HLT		(1U << 24)
#define SVM_INTERCEPT_INVLPGA		(1U << 26)
#define SVM_INTERCEPT_IOIO		(1U << 27)
#define SVM_INTERCEPT_MSR		(1U << 28)
#define SVM_INTERCEPT_TASK_SWITCH	(1U << 29)
#define SVM_INTERCEPT_SHUTDOWN		(1U << 31)
/* vmcb_control.intercept_misc2 (offset 0x10) */
#define SVM_INTERCEPT_VMRUN		(1U << 0)
#define SVM_INTERCEPT_VMMCALL		(1U << 1)
#define SVM_INTERCEPT_VMLOAD		(1U << 2)
#define SVM_INTERCEPT_VMSAVE		(1U << 3)
#define SVM_INTERCEPT_STGI		(1U << 4)
#define SVM_INTERCEPT_CLGI		(1U << 5)
#define SVM_INTERCEPT_SKINIT		(1U << 6)
#define SVM_INTERCEPT_RDTSCP		(1U << 7)
#define SVM_INTERCEPT_MONITOR		(1U << 10)
#define SVM_INTERCEPT_MWAIT		(1U << 11)
#define SVM_INTERCEPT_XSETBV		(1U << 13)

/* vmcb_control.intercept_dr: reads of DR0-DR7 15:0, writes 31:16 */
#define SVM_INTERCEPT_DR_ALL		0x00ff00ffU

/* vmcb_control.int_ctl */
#define SVM_INT_CTL_V_TPR_MASK		0xffU
#define SVM_INT_CTL_V_IRQ		(1U << 8)
#define SVM_INT_CTL_V_INTR_PRIO_SHIFT	16
#define SVM_INT_CTL_V_IGN_TPR		(1U << 20)
#define SVM_INT_CTL_V_INTR_MASKING	(1U << 24)

/* vmcb_control.int_state */
#define SVM_INT_STATE_SHADOW		(1ULL << 0)

/* vmcb_control.tlb_ctl */
#define SVM_TLB_CTL_NONE		0
#define SVM_TLB_CTL_FLUSH_ALL		1

/* vmcb_control.np_ctl */
#define SVM_NP_ENABLE			(1ULL << 0)

/* vmcb_control.event_inj and exit_int_info */
#define SVM_EVT_VECTOR_MASK		0xffULL
#define SVM_EVT_TYPE_SHIFT		8
#define SVM_EVT_TYPE_MASK		(7ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_INTR		(0ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_NMI		(2ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_EXCEPTION		(3ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_SOFT		(4ULL << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_ERROR_VALID		(1ULL << 11)
#define SVM_EVT_VALID			(1ULL << 31)
#define SVM_EVT_ERROR_SHIFT		32

/* Exit codes (APM vol. 2, appendix C) */
#define SVM_EXIT_CR0_READ		0x000
#define SVM_EXIT_CR0_WRITE		0x010
#define SVM_EXIT_READ_DR0		0x020
#define SVM_EXIT_WRITE_DR0		0x030
#define SVM_EXIT_WRITE_DR7		0x037
#define SVM_EXIT_EXCP_BASE		0x040
#define SVM_EXIT_INTR			0x060
#define SVM_EXIT_NMI			0x061
#define SVM_EXIT_SMI			0x062
#define SVM_EXIT_INIT			0x063
#define SVM_EXIT_VINTR			0x064
#define SVM_EXIT_CPUID			0x072
#define SVM_EXIT_IRET			0x074
#define SVM_EXIT_INVD			0x076
#define SVM_EXIT_HLT			0x078
#define SVM_EXIT_INVLPGA		0x07a
#define SVM_EXIT_IOIO			0x07b
#define SVM_EXIT_MSR			0x07c
#define SVM_EXIT_TASK_SWITCH		0x07d
#define SVM_EXIT_SHUTDOWN		0x07f
#define SVM_EXIT_VMRUN			0x080
#define SVM_EXIT_VMMCALL		0x081
#define SVM_EXIT_VMLOAD			0x082
#define SVM_EXIT_VMSAVE			0x083
#define SVM_EXIT_STGI			0x084
#define SVM_EXIT_CLGI			0x085
#define SVM_EXIT_SKINIT			0x086
#define SVM_EXIT_RDTSCP			0x087
#define SVM_EXIT_MONITOR		0x08a
#define SVM_EXIT_MWAIT			0x08b
#define SVM_EXIT_XSETBV			0x08d
#define SVM_EXIT_NPF			0x400
/*
 * VMRUN failed its consistency checks.  The APM says -1; QEMU before
 * 10.1.3 stores 0xffffffff, so only the low 32 bits are compared.
 */
#define SVM_EXIT_INVALID		0xffffffffULL

/* IOIO exit_info_1 (APM vol. 2, 15.10.2) */
#define SVM_IOIO_IN			(1ULL << 0)
#define SVM_IOIO_STR			(1ULL << 2)
#define SVM_IOIO_REP			(1ULL << 3)
#define SVM_IOIO_SIZE_SHIFT		4
#define SVM_IOIO_SIZE_MASK		(7ULL << SVM_IOIO_SIZE_SHIFT)
#define SVM_IOIO_ASIZE_SHIFT		7
#define SVM_IOIO_ASIZE_MASK		(7ULL << SVM_IOIO_ASIZE_SHIFT)
#define SVM_IOIO_SEG_SHIFT		10
#define SVM_IOIO_SEG_MASK		(7ULL << SVM_IOIO_SEG_SHIFT)
#define SVM_IOIO_PORT_SHIFT		16

/* NPF exit_info_1: a page-fault error code plus where the fault was. */
#define SVM_NPF_PRESENT			(1ULL << 0)
#define SVM_NPF_WRITE			(1ULL << 1)
#define SVM_NPF_FETCH			(1ULL << 4)
#define SVM_NPF_FINAL_GPA		(1ULL << 32)
#define SVM_NPF_GUEST_TABLES		(1ULL << 33)

struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;

struct vmcb_control {
	u32 intercept_cr;		/* 0x000: reads 15:0, writes 31:16 */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept_misc1;		/* 0x00c */
	u32 intercept_misc2;		/* 0x010 */
	u32 intercept_misc3;		/* 0x014 */
	u8 reserved_018[0x03c - 0x018];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_ctl;			/* 0x05c */
	u8 reserved_05d[3];
	u32 int_ctl;			/* 0x060 */
	u32 int_vector;			/* 0x064 */
	u64 int_state;			/* 0x068 */
	u64 exit_code;			/* 0x070 */
	u64 exit_info_1;		/* 0x078 */
	u64 exit_info_2;		/* 0x080 */
	u64 exit_int_info;		/* 0x088 */
	u64 np_ctl;			/* 0x090 */
	u64 avic_apic_bar;		/* 0x098 */
	u64 ghcb_pa;			/* 0x0a0 */
	u64 event_inj;			/* 0x0a8 */
	u64 n_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8 */
	u32 clean;			/* 0x0c0 */
	u32 reserved_0c4;
	u64 next_rip;			/* 0x0c8 */
	u8 insn_len;			/* 0x0d0 */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 reserved_0e0[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es;		/* 0x400 */
	struct vmcb_seg cs;
	struct vmcb_seg ss;
	struct vmcb_seg ds;
	struct vmcb_seg fs;
	struct vmcb_seg gs;
	struct vmcb_seg gdtr;
	struct vmcb_seg ldtr;
	struct vmcb_seg idtr;
	struct vmcb_seg tr;
	u8 reserved_4a0[0x4cb - 0x4a0];
	u8 cpl;				/* 0x4cb */
	u32 reserved_4cc;
	u64 efer;			/* 0x4d0 */
	u8 reserved_4d8[0x548 - 0x4d8];
	u64 cr4;			/* 0x548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;			/* 0x578 */
	u8 reserved_580[0x5d8 - 0x580];
	u64 rsp;			/* 0x5d8 */
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
	u64 rax;			/* 0x5f8 */
	u64 star;			/* 0x600 */
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;			/* 0x640 */
	u8 reserved_648[0x668 - 0x648];
	u64 g_pat;			/* 0x668 */
	u64 dbgctl;
	u64 br_from;
	u64 br_to;
	u64 last_excp_from;
	u64 last_excp_to;		/* 0x690 */
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

#endif /* HXEN_SVM_VMCB_H */
