/*
 * Real-mode guest that spins forever, for signal and interrupt tests.
 * It sets RFLAGS.IF: Bochs 2.7, the Intel test bed, takes no
 * external-interrupt VM exit from a guest whose IF stays clear (its VM
 * entry keeps interrupts masked as the host's CLI left them), so a guest
 * spinning with IF clear would hold its CPU for good.  Hardware exits
 * either way, and nothing is ever injected into this guest, so IF makes
 * no other difference.
 */
	.code16
	.text
	.globl	_start
_start:
	sti
1:	inc	%eax
	jmp	1b
