/*
 * Guest for KVM beside hxen: each round fills 0x2000-0xffff with a
 * pattern of its own (round ^ address), reads it all back, and reports
 * the round with OUT to port 0x81; a word that reads back wrong is
 * reported on port 0x82 (with the round), then HLT.  Runs until stopped.
 */
	.code16
	.text
	.globl	_start
_start:
	xor	%ebx, %ebx
round:
	inc	%ebx
	mov	$0x2000, %esi
fill:
	mov	%ebx, %eax
	xor	%esi, %eax
	mov	%eax, (%si)
	add	$4, %esi
	cmp	$0x10000, %esi
	jb	fill
	mov	$0x2000, %esi
check:
	mov	%ebx, %eax
	xor	%esi, %eax
	cmp	(%si), %eax
	jne	bad
	add	$4, %esi
	cmp	$0x10000, %esi
	jb	check
	mov	%ebx, %eax
	out	%eax, $0x81
	jmp	round
bad:
	mov	%ebx, %eax
	out	%eax, $0x82
	hlt
	jmp	bad
