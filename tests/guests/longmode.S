/*
 * Guest that goes from real mode to 64-bit long mode with paging (an
 * identity-mapped 2 MiB page), then exercises the MSRs hxen emulates and
 * takes a #GP through its own IDT.  Exits, in order:
 *   OUT 0x80 'L'          in long mode
 *   OUT 0x81 EFER         LME and LMA set
 *   OUT 0x82, 0x83        STAR written and read back (low, high)
 *   OUT 0x84 0x0d         the #GP handler (RDMSR of an unknown MSR)
 *   OUT 0x85              execution went on after the handler
 *   HLT
 */
#include "long_mode.inc"

#define IDT		0x6000
#define VECTOR_GP	13

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
	lm_enter long_mode

	.code64
long_mode:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %rsp
	/* An IDT with one gate: #GP -> gp_handler. */
	lea	gp_handler(%rip), %rax
	mov	$(IDT + VECTOR_GP * 16), %rdi
	mov	%ax, (%rdi)
	movw	$0x08, 2(%rdi)
	movw	$0x8e00, 4(%rdi)	/* present, DPL 0, 64-bit interrupt gate */
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	movl	$0, 8(%rdi)
	movl	$0, 12(%rdi)
	lidt	idt_desc

	mov	$'L', %al
	out	%al, $0x80
	mov	$0xc0000080, %ecx
	rdmsr
	out	%eax, $0x81
	mov	$0xc0000081, %ecx	/* STAR */
	mov	$0x12345678, %eax
	mov	$0x00230010, %edx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	out	%eax, $0x82
	mov	%edx, %eax
	out	%eax, $0x83
	mov	$0x12345, %ecx		/* no such MSR: #GP */
	rdmsr
	out	%al, $0x85
	hlt
	jmp	.

gp_handler:
	push	%rax
	mov	$VECTOR_GP, %al
	out	%al, $0x84
	pop	%rax
	add	$8, %rsp		/* the error code */
	addq	$2, (%rsp)		/* past the 2-byte RDMSR */
	iretq

	lm_gdt
idt_desc:
	.word	(VECTOR_GP + 1) * 16 - 1
	.quad	IDT
