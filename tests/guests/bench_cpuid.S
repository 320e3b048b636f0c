/* Benchmark guest: RSI iterations of CPUID (an exit handled in the kernel), then HLT. */
	.code16
	.text
	.globl	_start
_start:
	xor	%eax, %eax
	cpuid
	dec	%esi
	jnz	_start
	hlt
	jmp	.
