/*
 * Real-mode guest that triple faults: an IDT of limit 0 makes INT3
 * raise #GP, which cannot be delivered either -> double fault ->
 * shutdown.
 */
	.code16
	.text
	.globl	_start
_start:
	lidt	idt_desc
	int3
	hlt
	.p2align 2
idt_desc:
	.word	0
	.long	0
