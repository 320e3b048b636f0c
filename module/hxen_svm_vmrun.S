/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch (AMD APM vol. 2, 15.5 and 15.8).
 *
 * void hxh_svm_vmrun(u64 vmcb_pa, u64 host_save_pa, u64 *gprs)
 *
 * VMRUN saves and restores only part of the host state; FS, GS, TR, LDTR
 * and the SYSCALL/SYSENTER MSRs are switched here with VMSAVE/VMLOAD.
 * Called with interrupts disabled and GIF clear, so nothing can observe
 * the guest's GS base between the two VMLOADs.  gprs[] is indexed by
 * register number; rax and rsp travel in the VMCB instead.
 *
 * With V_INTR_MASKING, physical interrupts in the guest follow the host's
 * RFLAGS.IF at VMRUN (APM vol. 2, 15.21.1), so IF is set for the VMRUN
 * alone: that makes a host interrupt end the guest run (INTR intercept).
 * GIF stays clear around it, so no interrupt is taken here.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

#define GPR(n)	(8 * (n))

.section .text, "ax"

SYM_FUNC_START(hxh_svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* Stack: 16(%rsp) gprs, 8(%rsp) vmcb_pa, 0(%rsp) host_save_pa */
	push	%rdx
	push	%rdi
	push	%rsi

	clgi
	mov	%rsi, %rax
	vmsave	%rax
	mov	8(%rsp), %rax
	vmload	%rax

	mov	%rdx, %rax
	mov	GPR(1)(%rax), %rcx
	mov	GPR(2)(%rax), %rdx
	mov	GPR(3)(%rax), %rbx
	mov	GPR(5)(%rax), %rbp
	mov	GPR(6)(%rax), %rsi
	mov	GPR(7)(%rax), %rdi
	mov	GPR(8)(%rax), %r8
	mov	GPR(9)(%rax), %r9
	mov	GPR(10)(%rax), %r10
	mov	GPR(11)(%rax), %r11
	mov	GPR(12)(%rax), %r12
	mov	GPR(13)(%rax), %r13
	mov	GPR(14)(%rax), %r14
	mov	GPR(15)(%rax), %r15
	mov	8(%rsp), %rax

	sti
	vmrun	%rax
	cli

	mov	16(%rsp), %rax
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

	mov	8(%rsp), %rax
	vmsave	%rax
	pop	%rax
	vmload	%rax
	stgi
	add	$16, %rsp

	/* Leave no guest values in caller-saved registers. */
	xor	%eax, %eax
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
SYM_FUNC_END(hxh_svm_vmrun)

/*
 * void hxh_svm_vmrun_empty(u64 vmcb_pa)
 *
 * VMRUN a guest that exits before its first instruction, for what VMRUN
 * itself does (the TLB flush its VMCB asks for).  The guest runs no code,
 * so the general registers stay the host's; #VMEXIT brings back rax, rsp
 * and the rest of what VMRUN switched.  Called with interrupts off.
 */
SYM_FUNC_START(hxh_svm_vmrun_empty)
	mov	%rdi, %rax
	clgi
	vmrun	%rax
	stgi
	xor	%eax, %eax
	RET
SYM_FUNC_END(hxh_svm_vmrun_empty)
