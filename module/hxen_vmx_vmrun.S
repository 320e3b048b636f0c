/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch (SDM vol. 3, chapters 26 and 27).
 *
 * int hxen_vmx_vmlaunch_asm(u64 *gprs)
 *
 * The vCPU's VMCS is current and clear (hxen clears it after every run),
 * so the entry is always VMLAUNCH.  The VM exit comes back to the
 * instruction after it, with RSP as it was at the VMLAUNCH: HOST_RIP and
 * HOST_RSP are set here to exactly that point.  A VMLAUNCH that fails
 * falls through to the same place with CF or ZF set, while a VM exit
 * clears every arithmetic flag, so one path handles both and the flags
 * tell them apart.  gprs[] is indexed by register number; rsp travels
 * in the VMCS.  Called with interrupts off.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

#define GPR(n)		(8 * (n))
#define HOST_RSP	0x6c14
#define HOST_RIP	0x6c16

.section .text, "ax"

SYM_FUNC_START(hxen_vmx_vmlaunch_asm)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* 0(%rsp): gprs, for the way back */
	push	%rdi

	mov	$HOST_RSP, %eax
	vmwrite	%rsp, %rax
	lea	.Lhxen_vmx_exit(%rip), %rdx
	mov	$HOST_RIP, %eax
	vmwrite	%rdx, %rax

	mov	GPR(0)(%rdi), %rax
	mov	GPR(1)(%rdi), %rcx
	mov	GPR(2)(%rdi), %rdx
	mov	GPR(3)(%rdi), %rbx
	mov	GPR(5)(%rdi), %rbp
	mov	GPR(6)(%rdi), %rsi
	mov	GPR(8)(%rdi), %r8
	mov	GPR(9)(%rdi), %r9
	mov	GPR(10)(%rdi), %r10
	mov	GPR(11)(%rdi), %r11
	mov	GPR(12)(%rdi), %r12
	mov	GPR(13)(%rdi), %r13
	mov	GPR(14)(%rdi), %r14
	mov	GPR(15)(%rdi), %r15
	mov	GPR(7)(%rdi), %rdi

	vmlaunch
.Lhxen_vmx_exit:
#ifdef CONFIG_X86_KERNEL_IBT
	endbr64
#endif
	/* Nothing below may change the flags before setbe. */
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, GPR(1)(%rax)
	mov	%rdx, GPR(2)(%rax)
	mov	%rbx, GPR(3)(%rax)
	mov	%rbp, GPR(5)(%rax)
	mov	%rsi, GPR(6)(%rax)
	mov	%rdi, GPR(7)(%rax)
	mov	%r8, GPR(8)(%rax)
	mov	%r9, GPR(9)(%rax)
	mov	%r10, GPR(10)(%rax)
	mov	%r11, GPR(11)(%rax)
	mov	%r12, GPR(12)(%rax)
	mov	%r13, GPR(13)(%rax)
	mov	%r14, GPR(14)(%rax)
	mov	%r15, GPR(15)(%rax)
	pop	%rcx
	mov	%rcx, GPR(0)(%rax)
	setbe	%al
	movzbl	%al, %eax
	neg	%eax
	add	$8, %rsp

	/* Leave no guest values in caller-saved registers. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(hxen_vmx_vmlaunch_asm)
