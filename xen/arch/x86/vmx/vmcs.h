/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field encodings, control bits, exit reasons and capability MSRs
 * of Intel VMX (SDM vol. 3, chapters 25-28 and appendices A-C).
 */
#ifndef HXEN_VMX_VMCS_H
#define HXEN_VMX_VMCS_H

/* Capability MSRs (SDM vol. 3, appendix A) */
#define MSR_VMX_BASIC			0x480
#define MSR_VMX_PINBASED		0x481
#define MSR_VMX_PROCBASED		0x482
#define MSR_VMX_EXIT			0x483
#define MSR_VMX_ENTRY			0x484
#define MSR_VMX_MISC			0x485
#define MSR_VMX_CR0_FIXED0		0x486
#define MSR_VMX_CR0_FIXED1		0x487
#define MSR_VMX_CR4_FIXED0		0x488
#define MSR_VMX_CR4_FIXED1		0x489
#define MSR_VMX_PROCBASED2		0x48b
#define MSR_VMX_EPT_VPID_CAP		0x48c
#define MSR_VMX_TRUE_PINBASED		0x48d
#define MSR_VMX_TRUE_PROCBASED		0x48e
#define MSR_VMX_TRUE_EXIT		0x48f
#define MSR_VMX_TRUE_ENTRY		0x490

#define VMX_BASIC_REVISION		0x7fffffffULL
#define VMX_BASIC_TRUE_CTLS		(1ULL << 55)

/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_WALK_4			(1ULL << 6)
#define VMX_EPT_WB			(1ULL << 14)
#define VMX_EPT_2MB			(1ULL << 16)
#define VMX_EPT_INVEPT			(1ULL << 20)
#define VMX_EPT_INVEPT_SINGLE		(1ULL << 25)
#define VMX_EPT_INVEPT_ALL		(1ULL << 26)

#define VMX_INVVPID			(1ULL << 32)
#define VMX_INVVPID_SINGLE		(1ULL << 41)
#define VMX_INVVPID_ALL_CAP		(1ULL << 42)

/* EPT pointer and leaf entries (SDM vol. 3, 25.6.11 and 29.3.2) */
#define VMX_EPTP_WB			6ULL
#define VMX_EPTP_WALK_4			(3ULL << 3)
#define VMX_EPT_LEAF_WB			(6ULL << 3)
#define VMX_EPT_LEAF_IGNORE_PAT		(1ULL << 6)

/* INVEPT and INVVPID types */
#define VMX_INVEPT_SINGLE		1
#define VMX_INVEPT_ALL			2
#define VMX_INVVPID_CONTEXT		1
#define VMX_INVVPID_ALL			2

/* Pin-based controls */
#define PIN_EXT_INTR			(1U << 0)
#define PIN_NMI				(1U << 3)
#define PIN_VIRTUAL_NMIS		(1U << 5)

/* Primary processor-based controls */
#define CPU_INTR_WINDOW			(1U << 2)
#define CPU_TSC_OFFSET			(1U << 3)
#define CPU_HLT				(1U << 7)
#define CPU_INVLPG			(1U << 9)
#define CPU_MWAIT			(1U << 10)
#define CPU_RDPMC			(1U << 11)
#define CPU_RDTSC			(1U << 12)
#define CPU_CR3_LOAD			(1U << 15)
#define CPU_CR3_STORE			(1U << 16)
#define CPU_CR8_LOAD			(1U << 19)
#define CPU_CR8_STORE			(1U << 20)
#define CPU_NMI_WINDOW			(1U << 22)
#define CPU_MOV_DR			(1U << 23)
#define CPU_UNCOND_IO			(1U << 24)
#define CPU_IO_BITMAPS			(1U << 25)
#define CPU_MSR_BITMAPS			(1U << 28)
#define CPU_MONITOR			(1U << 29)
#define CPU_SECONDARY			(1U << 31)

/* Secondary processor-based controls */
#define CPU2_EPT			(1U << 1)
#define CPU2_VPID			(1U << 5)
#define CPU2_UNRESTRICTED		(1U << 7)

/* VM-exit controls */
#define EXIT_SAVE_DEBUG			(1U << 2)
#define EXIT_HOST_64			(1U << 9)
#define EXIT_SAVE_PAT			(1U << 18)
#define EXIT_LOAD_PAT			(1U << 19)
#define EXIT_SAVE_EFER			(1U << 20)
#define EXIT_LOAD_EFER			(1U << 21)

/* VM-entry controls */
#define ENTRY_LOAD_DEBUG		(1U << 2)
#define ENTRY_IA32E			(1U << 9)
#define ENTRY_LOAD_PAT			(1U << 14)
#define ENTRY_LOAD_EFER			(1U << 15)

/* Interruption information (entry, exit, IDT vectoring) */
#define INTR_INFO_VECTOR		0xffU
#define INTR_INFO_TYPE			(7U << 8)
#define INTR_TYPE_EXT			(0U << 8)
#define INTR_TYPE_NMI			(2U << 8)
#define INTR_TYPE_HW_EXC		(3U << 8)
#define INTR_TYPE_SW_INT		(4U << 8)
#define INTR_TYPE_PRIV_SW_EXC		(5U << 8)
#define INTR_TYPE_SW_EXC		(6U << 8)
#define INTR_INFO_ERROR			(1U << 11)
#define INTR_INFO_NMI_UNBLOCK		(1U << 12)
#define INTR_INFO_VALID			(1U << 31)

/* Guest interruptibility state and activity */
#define INTERRUPT_STI			(1U << 0)
#define INTERRUPT_MOV_SS		(1U << 1)
#define INTERRUPT_NMI			(1U << 3)
#define ACTIVITY_ACTIVE			0

/* Segment access rights: the descriptor's bits 47:40 and 55:52 */
#define AR_UNUSABLE			(1U << 16)

/* Exit reasons (SDM vol. 3, appendix C) */
#define EXIT_EXCEPTION			0
#define EXIT_EXT_INTR			1
#define EXIT_TRIPLE_FAULT		2
#define EXIT_INIT			3
#define EXIT_SIPI			4
#define EXIT_INTR_WINDOW		7
#define EXIT_NMI_WINDOW			8
#define EXIT_TASK_SWITCH		9
#define EXIT_CPUID			10
#define EXIT_GETSEC			11
#define EXIT_HLT			12
#define EXIT_INVD			13
#define EXIT_MWAIT			36
#define EXIT_MONITOR			39
#define EXIT_VMCALL			18
#define EXIT_VMCLEAR			19
#define EXIT_VMXON			27
#define EXIT_CR			28
#define EXIT_DR				29
#define EXIT_IO				30
#define EXIT_RDMSR			31
#define EXIT_WRMSR			32
#define EXIT_BAD_GUEST			33
#define EXIT_BAD_MSR_LOAD		34
#define EXIT_MCE			41
#define EXIT_EPT_VIOLATION		48
#define EXIT_EPT_MISCONFIG		49
#define EXIT_INVEPT			50
#define EXIT_INVVPID			53
#define EXIT_XSETBV			55
#define EXIT_NR				70
#define EXIT_REASON_FAILED_ENTRY	(1U << 31)

/* Exit qualifications */
#define QUAL_IO_SIZE			0x7ULL
#define QUAL_IO_IN			(1ULL << 3)
#define QUAL_IO_STRING			(1ULL << 4)
#define QUAL_IO_REP			(1ULL << 5)
#define QUAL_IO_PORT_SHIFT		16
#define QUAL_CR_NUM			0xfULL
#define QUAL_CR_TYPE_SHIFT		4
#define QUAL_CR_GPR_SHIFT		8
#define QUAL_CR_LMSW_SHIFT		16
#define QUAL_DR_NUM			0x7ULL
#define QUAL_DR_READ			(1ULL << 4)
#define QUAL_DR_GPR_SHIFT		8
#define QUAL_EPT_FETCH			(1ULL << 2)
#define QUAL_EPT_NMI_UNBLOCK		(1ULL << 12)

/* Field encodings: 16-bit */
#define VMCS_VPID			0x0000
#define GUEST_ES_SEL			0x0800
#define GUEST_TR_SEL			0x080e
#define HOST_ES_SEL			0x0c00
#define HOST_CS_SEL			0x0c02
#define HOST_SS_SEL			0x0c04
#define HOST_DS_SEL			0x0c06
#define HOST_FS_SEL			0x0c08
#define HOST_GS_SEL			0x0c0a
#define HOST_TR_SEL			0x0c0c
/* 64-bit */
#define VMCS_EXIT_MSR_STORE		0x2006
#define VMCS_EXIT_MSR_LOAD		0x2008
#define VMCS_ENTRY_MSR_LOAD		0x200a
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_EPTP			0x201a
#define VMCS_GUEST_PHYS			0x2400
#define VMCS_LINK			0x2800
#define GUEST_DEBUGCTL			0x2802
#define GUEST_PAT			0x2804
#define GUEST_EFER			0x2806
#define GUEST_PDPTE0			0x280a
#define HOST_PAT			0x2c00
#define HOST_EFER			0x2c02
/* 32-bit */
#define VMCS_PIN_CTLS			0x4000
#define VMCS_CPU_CTLS			0x4002
#define VMCS_EXC_BITMAP			0x4004
#define VMCS_PF_ERROR_MASK		0x4006
#define VMCS_PF_ERROR_MATCH		0x4008
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CTLS			0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CTLS			0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_ERROR		0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_CPU_CTLS2			0x401e
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERROR		0x4406
#define VMCS_IDT_INFO			0x4408
#define VMCS_IDT_ERROR			0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define GUEST_ES_LIMIT			0x4800
#define GUEST_GDTR_LIMIT		0x4810
#define GUEST_IDTR_LIMIT		0x4812
#define GUEST_ES_AR			0x4814
#define GUEST_INTERRUPTIBILITY		0x4824
#define GUEST_ACTIVITY			0x4826
#define GUEST_SYSENTER_CS		0x482a
#define HOST_SYSENTER_CS		0x4c00
/* natural width */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
#define VMCS_QUALIFICATION		0x6400
#define GUEST_CR0			0x6800
#define GUEST_CR3			0x6802
#define GUEST_CR4			0x6804
#define GUEST_ES_BASE			0x6806
#define GUEST_GDTR_BASE			0x6816
#define GUEST_IDTR_BASE			0x6818
#define GUEST_DR7			0x681a
#define GUEST_RSP			0x681c
#define GUEST_RIP			0x681e
#define GUEST_RFLAGS			0x6820
#define GUEST_PENDING_DBG		0x6822
#define GUEST_SYSENTER_ESP		0x6824
#define GUEST_SYSENTER_EIP		0x6826
#define HOST_CR0			0x6c00
#define HOST_CR3			0x6c02
#define HOST_CR4			0x6c04
#define HOST_FS_BASE			0x6c06
#define HOST_GS_BASE			0x6c08
#define HOST_TR_BASE			0x6c0a
#define HOST_GDTR_BASE			0x6c0c
#define HOST_IDTR_BASE			0x6c0e
#define HOST_SYSENTER_ESP		0x6c10
#define HOST_SYSENTER_EIP		0x6c12
#define HOST_RSP			0x6c14
#define HOST_RIP			0x6c16

/*
 * The segment fields come in the order ES, CS, SS, DS, FS, GS, LDTR, TR
 * (the same as enum hx_sreg, then LDTR and TR), two encodings apart.
 */
#define VMCS_SEG(first, n)		((first) + 2 * (n))

#endif /* HXEN_VMX_VMCS_H */
