/* Benchmark guest: RSI iterations of OUT (an exit to user space), then HLT. */
	.code16
	.text
	.globl	_start
_start:
	out	%al, $0x80
	dec	%esi
	jnz	_start
	hlt
	jmp	.
