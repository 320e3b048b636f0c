/*
 * Guest for MMIO emulation in 64-bit mode.  It goes from real mode to
 * long mode with 4-level paging:
 *   linear 0..2 MiB                 -> itself (2 MiB page)
 *   linear 0x200000 (4 KiB page)    -> 0xd0002000, a hole
 *   linear 0xd0000000..+2 MiB       -> itself (2 MiB page), a hole
 * DS and ES hold a descriptor with base 0x100000, which 64-bit mode
 * ignores (an emulator that adds it sends the access elsewhere); FS base
 * is 0xcfff0000 (WRMSR FS_BASE).  "W gpa len data" is an MMIO write
 * exit, "R gpa len -> v" an MMIO read the host answers with v, "rep64"
 * two OUTs to port 0x81 (4 bytes each: bits 31:0, then 63:32) of a
 * register for the host to check, "rep" one such OUT.  Exits, in order:
 *   OUT 0x80 size 1 'L'
 *   W 0xd0000000 8 0x1122334455667788     48 89 (RAX)
 *   R 0xd0000008 8 -> 0xfedcba9876543210  48 8B into RCX
 *   rep64 0xfedcba9876543210
 *   W 0xd0000010 8 0xfffffffffffffffe     48 C7 imm32 sign-extended
 *   W 0xd0000038 8 0x0102030405060708     4C 89 R9 to RBX + RCX*8 + 0x20
 *   R 0xd0000040 8 -> 0x8877665544332211  4C 8B into R10
 *   rep64 0x8877665544332211
 *   W 0xd0000048 4 0x600dd00d             41 89 with base R11
 *   R 0xd0000050 4 -> 0x89abcdef          8B into EDX (RDX was -1)
 *   rep64 0x0000000089abcdef              the upper half cleared
 *   R 0xd0000054 2 -> 0xbeef              66 8B into DX
 *   rep64 0x112233445566beef              (RDX was 0x1122334455667788)
 *   R 0xd0000056 1 -> 0x99                40 8A into SIL (REX: reg 6 = SIL)
 *   rep64 0x1111111111111199
 *   R 0xd0000057 1 -> 0x99                8A into DH (no REX: reg 6 = DH)
 *   rep64 0x1111111111119911
 *   R 0xd0000058 2 -> 0xfffe              48 0F B7 MOVZX r64, m16
 *   rep64 0x000000000000fffe              (RSI was -1)
 *   R 0xd000005a 1 -> 0x80                48 0F BE MOVSX r64, m8
 *   rep64 0xffffffffffffff80              (RDI was 0)
 *   R 0xd000005b 1 -> 0x7f                44 0F B6 MOVZX r32 (R8D), m8
 *   rep64 0x000000000000007f              (R8 was -1)
 *   W 0xd0002030 4 0x5eed5eed             C7 RIP-relative, imm32 after disp
 *   R 0xd0002038 8 -> 0x0123456789abcdef  48 8B RIP-relative
 *   rep64 0x0123456789abcdef
 *   R 0xd0000060 4 -> 0x0a0b0c0d          A1 with a 64-bit moffs
 *   rep64 0x000000000a0b0c0d              (RAX was -1)
 *   W 0xd0000068 8 0x1020304050607080     48 A3 with a 64-bit moffs
 *   W 0xd0000070 4 0x67676767             67 89: ECX, not RCX 0x55555555d0000070
 *   R 0xd0000080 4 -> 0x600dcafe          64 8B: FS base + RCX 0x10080
 *   rep 0x600dcafe
 *   W 0xd0000088 4 0x600dcafe             64 89: FS base + disp32 0x10088 (SIB)
 *   W 0xd0000100 8 0xa5a5a5a55a5a5a5a     REP STOSQ, 2 elements
 *   W 0xd0000108 8 0xa5a5a5a55a5a5a5a
 *   rep64 0x00000000d0000110              RDI after
 *   R 0xd0000200 8 -> 0xc0ffee00c0ffee11  MOVSQ to RAM 0x20000
 *   W 0xd0000208 8 0xc0ffee00c0ffee11     MOVSQ from RAM 0x20000
 *   rep64 0x0000000000020008              RSI after
 *   HLT
 */
#define TABLES		0x10000		/* ES base in real mode */
#define PML4		0x10000
#define PDPT		0x11000
#define PD0		0x12000		/* linear 0..1 GiB */
#define PD3		0x13000		/* linear 3..4 GiB */
#define PT		0x14000		/* linear 2..4 MiB */
#define RAMBUF		0x20000
#define HOLE		0xd0000000
#define HOLE_RIP	0xd0002000	/* at linear 0x200000 */
#define LIN_RIP		0x200000
#define FS_BASE		0xcfff0000
#define REPORT		0x81
#define CODE_LIMIT	0x5000		/* code ends below 0x6000, the stack is at 0x7000 */

	/* The two halves of a 64-bit register, to port REPORT. */
	.macro	report64 reg
	mov	\reg, %rax
	out	%eax, $REPORT
	shr	$32, %rax
	out	%eax, $REPORT
	.endm

	.code16
	.text
	.globl	_start
_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$(TABLES >> 4), %ax
	mov	%ax, %es
	xor	%di, %di
	xor	%eax, %eax
	mov	$(5 * 1024), %cx
	rep stosl				/* clear the five tables */
	movl	$(PDPT + 3), %es:(PML4 - TABLES)
	movl	$(PD0 + 3), %es:(PDPT - TABLES)
	movl	$(PD3 + 3), %es:(PDPT - TABLES + 3 * 8)
	movl	$0x83, %es:(PD0 - TABLES)		/* 2 MiB page at 0 */
	movl	$(PT + 3), %es:(PD0 - TABLES + 1 * 8)
	movl	$(HOLE_RIP + 3), %es:(PT - TABLES)
	movl	$(HOLE + 0x83), %es:(PD3 - TABLES + 128 * 8)	/* 0xd0000000 */
	lgdtl	gdt_desc
	mov	%cr4, %eax
	or	$0x20, %eax			/* PAE */
	mov	%eax, %cr4
	mov	$PML4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	or	$0x100, %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax		/* PG | PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %ax
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$0x18, %ax			/* base 0x100000: ignored here */
	mov	%ax, %ds
	mov	%ax, %es
	mov	$0x7000, %rsp
	mov	$0xc0000100, %ecx		/* FS_BASE, after loading FS */
	mov	$FS_BASE, %eax
	xor	%edx, %edx
	wrmsr
	mov	$'L', %al
	out	%al, $0x80

	mov	$HOLE, %ebx			/* zero-extended: 0xd0000000 */
	movabs	$0x1122334455667788, %rax
	mov	%rax, (%rbx)
	mov	8(%rbx), %rcx
	report64 %rcx
	movq	$-2, 0x10(%rbx)
	movabs	$0x0102030405060708, %r9
	mov	$3, %ecx
	mov	%r9, 0x20(%rbx, %rcx, 8)
	mov	0x40(%rbx), %r10
	report64 %r10
	mov	%rbx, %r11
	mov	$0x600dd00d, %eax
	mov	%eax, 0x48(%r11)

	mov	$-1, %rdx
	mov	0x50(%rbx), %edx
	report64 %rdx
	movabs	$0x1122334455667788, %rdx
	mov	0x54(%rbx), %dx
	report64 %rdx
	movabs	$0x1111111111111111, %rsi
	mov	0x56(%rbx), %sil
	report64 %rsi
	movabs	$0x1111111111111111, %rdx
	mov	0x57(%rbx), %dh
	report64 %rdx
	mov	$-1, %rsi
	movzwq	0x58(%rbx), %rsi
	report64 %rsi
	xor	%edi, %edi
	movsbq	0x5a(%rbx), %rdi
	report64 %rdi
	mov	$-1, %r8
	movzbl	0x5b(%rbx), %r8d
	report64 %r8

	movl	$0x5eed5eed, rip_w(%rip)
	mov	rip_r(%rip), %rcx
	report64 %rcx

	mov	$-1, %rax
	movabs	HOLE + 0x60, %eax
	report64 %rax
	movabs	$0x1020304050607080, %rax
	movabs	%rax, HOLE + 0x68

	movabs	$0x55555555d0000070, %rcx
	mov	$0x67676767, %eax
	addr32 mov %eax, (%ecx)

	mov	$(HOLE + 0x80 - FS_BASE), %ecx
	mov	%fs:(%rcx), %eax
	out	%eax, $REPORT
	mov	%eax, %fs:(HOLE + 0x88 - FS_BASE)

	mov	$(HOLE + 0x100), %edi
	movabs	$0xa5a5a5a55a5a5a5a, %rax
	mov	$2, %ecx
	rep stosq
	report64 %rdi

	mov	$(HOLE + 0x200), %esi
	mov	$RAMBUF, %edi
	movsq
	mov	$RAMBUF, %esi
	mov	$(HOLE + 0x208), %edi
	movsq
	report64 %rsi

	hlt
	jmp	.

	/* RIP-relative targets: symbols at fixed linear addresses. */
	.set	rip_w, _start + (LIN_RIP + 0x30 - 0x1000)
	.set	rip_r, _start + (LIN_RIP + 0x38 - 0x1000)

	.p2align 3
gdt:
	.quad	0
	.quad	0x00209a0000000000	/* 0x08: 64-bit code */
	.quad	0x0000920000000000	/* 0x10: data */
	.quad	0x00cf92100000ffff	/* 0x18: data, base 0x100000 */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
code_end:

	/* Assembly fails if the code grows into the stack. */
	.section .sizecheck, ""
	.org	code_end - _start
	.org	CODE_LIMIT
