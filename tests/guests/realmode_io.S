/*
 * Real-mode guest: port I/O both ways, CPUID, a store to RAM, HLT and a
 * hypercall.  Loaded at 0x1000 with CS = 0; guesttest.c checks each exit.
 */
	.code16
	.text
	.globl	_start
_start:
	mov	$0xe9, %dx
	mov	$'O', %al
	out	%al, %dx		/* exit: OUT 0xe9 'O' */
	mov	$'K', %al
	out	%al, %dx		/* exit: OUT 0xe9 'K' */
	in	$0x71, %al		/* exit: IN 0x71, the host answers */
	out	%al, $0x72		/* exit: OUT 0x72 with that answer */
	xor	%eax, %eax
	cpuid				/* in the kernel: vendor */
	mov	%ebx, %eax
	out	%eax, $0x73		/* exit: OUT 0x73, the vendor's first 4 bytes */
	mov	$1, %eax
	cpuid
	mov	%ecx, %eax
	out	%eax, $0x74		/* exit: OUT 0x74, CPUID 1 ECX */
	mov	%ebx, %eax
	shr	$24, %eax
	out	%al, $0x75		/* exit: OUT 0x75, initial APIC id */
	movw	$0xbeef, 0x2000		/* RAM the host can read */
	hlt				/* exit: HLT */
	mov	$0x1234, %eax
	mov	$5, %edi
	vmmcall				/* exit: hypercall 0x1234 (5, ...) */
	hlt
	jmp	.
