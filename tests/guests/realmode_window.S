/*
 * Real-mode guest for the interrupt window.  With interrupts disabled it
 * says "ready" on port 0x78 (the host queues vector 0x30 then), enables
 * them and counts in ECX in a loop that makes no exits.  The 0x30
 * handler reports the count on port 0x76: an interrupt delivered the
 * moment the guest became interruptible finds ECX still 0 (STI's shadow
 * covers the first instruction after it, which the handler never sees
 * counted).  The loop ends at 0x100000 with port 0x7b, then HLT.
 */
	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	movw	$irq_handler, 0x30 * 4
	movw	$0, 0x30 * 4 + 2
	xor	%ecx, %ecx
	out	%al, $0x78		/* ready, IF=0: the host injects now */
	sti
	nop				/* the STI shadow */
1:	inc	%ecx
	cmp	$0x100000, %ecx
	jne	1b
	mov	%ecx, %eax
	out	%eax, $0x7b
	cli
	hlt
	jmp	.

irq_handler:
	push	%eax
	mov	%ecx, %eax
	out	%eax, $0x76
	pop	%eax
	iret
