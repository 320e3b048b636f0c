/*
 * Guest for the state hxen keeps apart from the host's: SSE/AVX
 * registers across exits to user space, XCR0 (XSETBV/XGETBV), debug
 * registers (MOV DRn and a data watchpoint), and MSRs the host sets and
 * reads through the ioctls.  Goes to 64-bit long mode as longmode.S does.
 * Exits, in order:
 *   OUT 0x90          xmm0 = pattern A (the host may read and change
 *                     the state here: it writes pattern B into xmm1)
 *   OUT 0x91 mask     pmovmskb of xmm0 == A: 0xffff if it survived
 *   OUT 0x92 mask     pmovmskb of xmm1 == B: 0xffff if the host's state
 *                     reached the guest
 *   OUT 0x93 ecx      CPUID 1 ECX after CR4.OSXSAVE was set (if XSAVE)
 *   OUT 0x94 xcr0     XGETBV before XSETBV (x87 only: 1)
 *   OUT 0x95 xcr0     XGETBV after XSETBV of x87|SSE|AVX (if AVX)
 *   OUT 0x96          ymm1 = pattern A:B (if AVX)
 *   OUT 0x97 mask     high half of ymm1 == B: 0xffff (if AVX)
 *   OUT 0x84 13       #GP from XSETBV with XCR0 = 0 (if XSAVE)
 *   OUT 0x98 dr0      MOV to DR0 and back
 *   OUT 0x99 dr7      DR7 with L0 set, read back
 *   OUT 0x9a          the host reads and sets debug registers here
 *   OUT 0x9b dr1      DR1 as the host set it
 *   OUT 0x9c dr6      #DB from single-stepping (TF): DR6 in the handler
 *   OUT 0x9c dr6      #DB from a write watchpoint: DR6 in the handler
 *                     (hardware only: QEMU does not arm breakpoints
 *                     that VMRUN loads)
 *   OUT 0x9d          the host sets LSTAR here
 *   OUT 0x9e lstar    RDMSR LSTAR (low half)
 *   OUT 0x84 13       WRMSR of a non-canonical CSTAR: #GP
 *   OUT 0x9f          CSTAR written by the guest; the host reads it
 *   HLT
 * A port of 0xff means a feature the test needs is missing (eax says
 * which step); the host fails the test then.
 */
#include "long_mode.inc"

#define IDT		0x6000
#define WATCHED		0x5000
#define VECTOR_DB	1
#define VECTOR_GP	13
#define CPUID1_XSAVE	(1 << 26)
#define CPUID1_AVX	(1 << 28)

	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	lm_identity_2m
	/* PAE, OSFXSR, OSXMMEXCPT; EM off and MP on, so SSE may run. */
	lm_enter long_mode, cr4=0x620, cr0_clear=0x4, cr0_set=0x80000003

	.code64
/* Install the gate for vector \vec at handler \fn. */
.macro	gate vec, fn
	lea	\fn(%rip), %rax
	mov	$(IDT + \vec * 16), %rdi
	mov	%ax, (%rdi)
	movw	$0x08, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	movl	$0, 8(%rdi)
	movl	$0, 12(%rdi)
.endm

long_mode:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %rsp
	gate	VECTOR_DB, db_handler
	gate	VECTOR_GP, gp_handler
	lidt	idt_desc

	/* SSE registers across an exit to user space. */
	movdqu	pat_a(%rip), %xmm0
	out	%al, $0x90
	movdqu	pat_a(%rip), %xmm2
	pcmpeqb	%xmm2, %xmm0
	pmovmskb %xmm0, %eax
	out	%eax, $0x91
	movdqu	pat_b(%rip), %xmm2
	pcmpeqb	%xmm2, %xmm1
	pmovmskb %xmm1, %eax
	out	%eax, $0x92

	/* XSAVE: CR4.OSXSAVE shows in CPUID; XCR0 starts as x87 only. */
	mov	$1, %eax
	cpuid
	test	$CPUID1_XSAVE, %ecx
	jz	no_xsave
	mov	%ecx, %esi		/* CPUID leaves ESI alone */
	mov	%cr4, %rax
	or	$(1 << 18), %rax
	mov	%rax, %cr4
	mov	$1, %eax
	cpuid
	mov	%ecx, %eax
	out	%eax, $0x93
	xor	%ecx, %ecx
	xgetbv
	out	%eax, $0x94
	test	$CPUID1_AVX, %esi
	jz	no_avx
	mov	$7, %eax
	xor	%edx, %edx
	xor	%ecx, %ecx
	xsetbv
	xor	%ecx, %ecx
	xgetbv
	out	%eax, $0x95
	vmovdqu	pat_a(%rip), %ymm1
	out	%al, $0x96
	vextractf128 $1, %ymm1, %xmm3
	movdqu	pat_b(%rip), %xmm2
	pcmpeqb	%xmm2, %xmm3
	pmovmskb %xmm3, %eax
	out	%eax, $0x97
no_avx:
	/* XCR0 without x87 is invalid: #GP, then go on. */
	mov	$3, %r15		/* length of XSETBV, for the handler */
	xor	%eax, %eax
	xor	%edx, %edx
	xor	%ecx, %ecx
	xsetbv
	jmp	debug_regs
no_xsave:
	mov	$0x93, %eax
	out	%al, $0xff

debug_regs:
	mov	$0x12345000, %rax
	mov	%rax, %dr0
	xor	%eax, %eax
	mov	%dr0, %rbx
	mov	%ebx, %eax
	out	%eax, $0x98
	mov	$0x401, %eax		/* L0: an execution breakpoint, unused */
	mov	%rax, %dr7
	xor	%eax, %eax
	mov	%dr7, %rax
	out	%eax, $0x99
	out	%al, $0x9a
	mov	%dr1, %rax
	out	%eax, $0x9b

	/* TF: a #DB after the next instruction; the handler clears TF. */
	pushfq
	orq	$0x100, (%rsp)
	popfq
	nop
	xor	%eax, %eax
	mov	%rax, %dr6

	/* A 4-byte write watchpoint on WATCHED (L0, R/W0 = 01, LEN0 = 11). */
	mov	$WATCHED, %eax
	mov	%rax, %dr0
	mov	$0x000d0401, %eax
	mov	%rax, %dr7
	movl	$0x55aa, WATCHED
	nop
	mov	$0x400, %eax
	mov	%rax, %dr7

	/* MSRs through the ioctls. */
	out	%al, $0x9d
	mov	$0xc0000082, %ecx	/* LSTAR, as the host set it */
	rdmsr
	out	%eax, $0x9e
	mov	$0xc0000083, %ecx	/* CSTAR */
	mov	$0x11223344, %eax
	mov	$0x55667788, %edx	/* not canonical: #GP */
	mov	$2, %r15		/* length of WRMSR, for the handler */
	wrmsr
	mov	$0xffff8880, %edx
	wrmsr
	out	%al, $0x9f
	hlt
	jmp	.

db_handler:
	push	%rax
	mov	%dr6, %rax
	out	%eax, $0x9c
	andq	$~0x100, 24(%rsp)	/* TF off in the saved RFLAGS */
	pop	%rax
	iretq

gp_handler:
	push	%rax
	mov	$VECTOR_GP, %al
	out	%al, $0x84
	pop	%rax
	add	$8, %rsp		/* the error code */
	add	%r15, (%rsp)		/* past the faulting instruction */
	iretq

	.p2align 4
pat_a:
	.quad	0x0123456789abcdef, 0xfedcba9876543210
pat_b:
	.quad	0x1111222233334444, 0x5555666677778888
	lm_gdt
idt_desc:
	.word	(VECTOR_GP + 1) * 16 - 1
	.quad	IDT
