/*
 * Real-mode guest for interrupt injection.  It installs handlers for
 * vector 0x30 and for the NMI in its IVT, says "ready" on port 0x78 with
 * interrupts disabled, reports on port 0x79 that it still runs with them
 * disabled, then STI; HLT.  The 0x30 handler writes 0x30 to port 0x76,
 * the NMI handler its stack pointer (16 bits) to port 0x7a; after HLT it writes to port 0x77 and
 * halts with interrupts disabled.
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
	movw	$nmi_handler, 2 * 4
	movw	$0, 2 * 4 + 2
	out	%al, $0x78		/* ready, IF=0 */
	out	%al, $0x79		/* still IF=0: nothing may arrive before */
	sti
	hlt				/* sleeps in the kernel until an interrupt */
	out	%al, $0x77		/* after the handler returned */
	cli
	hlt
	jmp	.

irq_handler:
	push	%ax
	mov	$0x30, %al
	out	%al, $0x76
	pop	%ax
	iret

nmi_handler:
	push	%ax
	mov	%sp, %ax		/* a nested NMI would show a lower SP */
	out	%ax, $0x7a
	pop	%ax
	iret
