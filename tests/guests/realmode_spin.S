/* Real-mode guest that spins forever, for signal and interrupt tests. */
	.code16
	.text
	.globl	_start
_start:
	inc	%eax
	jmp	_start
