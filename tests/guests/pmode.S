/*
 * Guest for MMIO and string I/O emulation outside long mode.  It starts
 * in real mode, goes to 32-bit protected mode with a flat GDT, then turns
 * on 32-bit paging: a 4 MiB page (CR4.PSE) maps linear 0..4 MiB to itself
 * and a 4 KiB page table maps
 *   MMIO0 linear 0x400000 -> 0xd0000000   (a hole: MMIO)
 *   RAMW  linear 0x402000 -> 0x12000      (RAM, not identity-mapped)
 *   MMIO1 linear 0x403000 -> 0xd0001000   (a hole)
 *   MMIO2 linear 0x404000 -> 0xd0002000   (a hole, only ever read)
 * so every MMIO access needs the emulator's page walk.  Guest RAM is
 * 1 MiB, so 0x100000 and up is a hole too.  "W gpa len data" is an MMIO
 * write exit, "R gpa len -> v" an MMIO read that the host answers with v,
 * "rep" an OUT of a register to port 0x81 (4 bytes) for the host to
 * check.  Exits, in order:
 *
 * real mode:
 *   OUT 0x90 size 1 count 5 "Real!"       REP OUTSB, DS:SI, 16-bit CX
 *   rep 0x00000005                        CX << 16 | SI advance
 *   W 0x100010 2 0x1234                   FS=0xffff, 16-bit ModRM disp16
 *   R 0x100014 4 -> 0xa1b2c3d4            66 64 A1 moffs16
 *   rep 0xa1b2c3d4
 * protected mode, paging off:
 *   OUT 0x80 size 1 'P'
 * paging on (MMIO0 is 0xd0000000 and so on; EBX = 0x8765435a):
 *   W 0xd0000010 1 0x5a                   88 (BL)
 *   W 0xd0000012 2 0x435a                 66 89 (BX)
 *   W 0xd0000014 4 0x8765435a             89 (EBX)
 *   W 0xd0000018 4 0xcafef00d             C7 imm32
 *   W 0xd000001c 1 0xa5                   C6 imm8
 *   W 0xd000001e 2 0xbeef                 66 C7 imm16
 *   W 0xd0000020 4 0x8765435a             A3 moffs32
 *   W 0xd0000024 1 0x5a                   A2 moffs32
 *   W 0xd0000068 4 0x8765435a             89 SIB (ESI + ECX*4 + 0x60)
 *   W 0xd0001ffe 1 0x43                   88 (BH, reg 7), 2nd table entry
 *   R 0xd0000040 4 -> 0x13579bdf          8B into ECX
 *   rep 0x13579bdf
 *   R 0xd0000044 4 -> 0x2468ace0          A1 moffs32
 *   rep 0x2468ace0
 *   R 0xd0000048 1 -> 0x99                8A into AH (reg 4), EAX 0x11223344
 *   rep 0x11229944
 *   R 0xd0000049 1 -> 0x01                8A into BH (reg 7), EBX 0x55667788
 *   rep 0x55660188
 *   R 0xd000004a 1 -> 0xee                8A into CL, ECX 0xaabbccdd
 *   rep 0xaabbccee
 *   R 0xd000004c 2 -> 0x1234              66 8B into DX, EDX 0xdeadbeef
 *   rep 0xdead1234
 *   R 0xd000004f 1 -> 0x7e                A0 into AL, EAX 0x01020304
 *   rep 0x0102037e
 *   R 0xd0000050 1 -> 0xf0                MOVZX r32, m8 (EAX was -1)
 *   rep 0x000000f0
 *   R 0xd0000052 2 -> 0x8001              MOVZX r32, m16 (EAX was -1)
 *   rep 0x00008001
 *   R 0xd0000054 1 -> 0x80                MOVSX r32, m8 (EAX was 0)
 *   rep 0xffffff80
 *   R 0xd0000056 2 -> 0x8765              MOVSX r32, m16 (EAX was 0)
 *   rep 0xffff8765
 *   R 0xd0000057 1 -> 0x7f                MOVSX r32, m8 (EAX was -1)
 *   rep 0x0000007f
 *   R 0xd0000058 1 -> 0x80                66 MOVZX r16, m8 (EAX 0x12345678)
 *   rep 0x12340080
 *   R 0xd0000059 1 -> 0x80                66 MOVSX r16, m8 (EAX 0x12345678)
 *   rep 0x1234ff80
 *   R 0xd0001005 1 -> 0xc3                MOVZX into EDI, moffs-like disp32
 *   rep 0x000000c3
 *   R 0xd0002010 4 -> 0x0d15ea5e          MMIO2 (read only: PTE gets A, not D)
 *   rep 0x0d15ea5e
 *   W 0xd0000100 4 0x77665544  x4         REP STOSD, 4 dwords up to 0xd000010c
 *   rep 0x00400110                        EDI after
 *   rep 0x00000000                        ECX after
 *   W 0xd0001100 2 0xabcd                 STOSW without REP
 *   W 0xd0000200 1 'A', 0xd0000201 'B', 0xd0000202 'C'   REP MOVSB RAMW -> MMIO0
 *   W 0xd0001010 4 0x0badf00d, 0xd0001014 4 0x12345678  REP MOVSD RAMW -> MMIO1
 *   rep 0x0040200c, rep 0x00403018        ESI, EDI after
 *   R 0xd0000300 4 -> 0x10000001, 0xd0000304 -> 0x20000002,
 *     0xd0000308 -> 0x30000003            REP MOVSD MMIO0 -> RAMW + 0x100
 *   R 0xd0001020 1 -> 0xaa, 0xd0001021 -> 0xbb   REP MOVSB MMIO1 -> RAMW + 0x10c
 *   rep 0x0040210e                        EDI after (RAM 0x12100.. checked)
 *   W 0xd000040c 4 0x12345678, 0xd0000408 0x0badf00d,
 *     0xd0000404 0x44434241               REP MOVSD with DF=1, RAMW -> MMIO0
 *   rep 0x00401ffc, rep 0x00400400        ESI, EDI after
 *   R 0xd0001042 2 -> 0x5aa5              MOVSW (no REP), DF=1, -> RAMW + 0x120
 *   rep 0x00403040, rep 0x0040211e        ESI, EDI after
 * string port I/O (RAM buffers, identity-mapped):
 *   OUT 0x90 size 1 count 100             REP OUTSB, byte i = 3i + 1
 *   rep 0x00014064                        ESI after
 *   IN 0x92 size 2 count 64               REP INSW of 100 words to 0x15f80:
 *   IN 0x92 size 2 count 36               split at the page boundary 0x16000
 *   rep 0x00016048                        EDI after (RAM checked)
 *   OUT 0x94 size 1 count 3072            REP OUTSB of 4000 bytes at 0x18000,
 *   OUT 0x94 size 1 count 928             byte i = (i & 0xff) ^ (i >> 8)
 *   rep 0x00018fa0                        ESI after
 *   (REP OUTSB with ECX = 0: no exit)
 *   rep 0x00014000                        ESI unchanged
 *   OUT 0x96 size 1 count 4 "abcd"        67 REP OUTSB: SI/CX only
 *   rep 0xabcde004, rep 0x12340000        ESI, ECX after
 *   OUT 0x96 size 2 count 1 0x0401        OUTSW without REP
 *   IN 0x98 size 1 count 1                INSB to RAMW + 0x200 (through the
 *                                         page table: RAM 0x12200)
 *   rep 0x00402201                        EDI after
 *   OUT 0x90 size 1 count 4 {10, 7, 4, 1} REP OUTSB with DF=1 from 0x14003
 *   rep 0x00013fff                        ESI after
 *   HLT
 */
#define PD		0x10000		/* page directory */
#define PT		0x11000		/* page table for linear 4..8 MiB */
#define RAMW_PHYS	0x12000
#define OUTBUF		0x14000
#define INBUF		0x15f80		/* 200 bytes, crosses 0x16000 */
#define BIGBUF		0x18000		/* 4000 bytes */
#define OBUF16		0xe000		/* reachable with a 16-bit address */
#define MMIO0		0x00400000
#define RAMW		0x00402000
#define MMIO1		0x00403000
#define MMIO2		0x00404000
#define HOLE0		0xd0000000
#define HOLE1		0xd0001000
#define HOLE2		0xd0002000
#define REPORT		0x81
#define CODE_LIMIT	0x5000		/* code ends below 0x6000, the stack is at 0x7000 */

	.code16
	.text
	.globl	_start
_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp

	/* Real-mode string I/O: 16-bit address and count. */
	mov	$rm_msg, %si
	mov	$5, %cx
	mov	$0x90, %dx
	rep outsb
	movzwl	%cx, %eax
	shl	$16, %eax
	mov	%si, %ax
	sub	$rm_msg, %ax
	out	%eax, $REPORT

	/* Real-mode MMIO: FS base 0xffff0, above the 1 MiB of RAM. */
	mov	$0xffff, %ax
	mov	%ax, %fs
	movw	$0x1234, %fs:0x20
	mov	%fs:0x24, %eax
	out	%eax, $REPORT

	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax		/* PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $pm32

	.code32
pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$0x7000, %esp
	mov	$'P', %al
	out	%al, $0x80

	/* Page directory and table (RAM is zeroed, but do not rely on it). */
	mov	$PD, %edi
	xor	%eax, %eax
	mov	$2048, %ecx
	rep stosl
	movl	$0x83, PD			/* 4 MiB page at 0: P, RW, PS */
	movl	$(PT + 3), PD + 4		/* linear 4..8 MiB: the table */
	movl	$(HOLE0 + 3), PT + 0 * 4
	movl	$(RAMW_PHYS + 3), PT + 2 * 4
	movl	$(HOLE1 + 3), PT + 3 * 4
	movl	$(HOLE2 + 3), PT + 4 * 4
	mov	%cr4, %eax
	or	$0x10, %eax			/* PSE */
	mov	%eax, %cr4
	mov	$PD, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$0x80000000, %eax		/* PG */
	mov	%eax, %cr0
	jmp	1f
1:
	/* MMIO stores. */
	mov	$MMIO0, %esi
	mov	$0x8765435a, %ebx
	mov	%bl, 0x10(%esi)
	mov	%bx, 0x12(%esi)
	mov	%ebx, 0x14(%esi)
	movl	$0xcafef00d, 0x18(%esi)
	movb	$0xa5, 0x1c(%esi)
	movw	$0xbeef, 0x1e(%esi)
	mov	%ebx, %eax
	mov	%eax, MMIO0 + 0x20
	mov	%al, MMIO0 + 0x24
	mov	$2, %ecx
	mov	%ebx, 0x60(%esi, %ecx, 4)
	mov	%bh, MMIO1 + 0xffe

	/* MMIO loads. */
	mov	0x40(%esi), %ecx
	mov	%ecx, %eax
	out	%eax, $REPORT
	mov	MMIO0 + 0x44, %eax
	out	%eax, $REPORT
	mov	$0x11223344, %eax
	mov	0x48(%esi), %ah
	out	%eax, $REPORT
	mov	$0x55667788, %ebx
	mov	0x49(%esi), %bh
	mov	%ebx, %eax
	out	%eax, $REPORT
	mov	$0xaabbccdd, %ecx
	mov	0x4a(%esi), %cl
	mov	%ecx, %eax
	out	%eax, $REPORT
	mov	$0xdeadbeef, %edx
	mov	0x4c(%esi), %dx
	mov	%edx, %eax
	out	%eax, $REPORT
	mov	$0x01020304, %eax
	mov	MMIO0 + 0x4f, %al
	out	%eax, $REPORT

	/* MOVZX and MOVSX. */
	mov	$-1, %eax
	movzbl	0x50(%esi), %eax
	out	%eax, $REPORT
	mov	$-1, %eax
	movzwl	0x52(%esi), %eax
	out	%eax, $REPORT
	xor	%eax, %eax
	movsbl	0x54(%esi), %eax
	out	%eax, $REPORT
	xor	%eax, %eax
	movswl	0x56(%esi), %eax
	out	%eax, $REPORT
	mov	$-1, %eax
	movsbl	0x57(%esi), %eax
	out	%eax, $REPORT
	mov	$0x12345678, %eax
	movzbw	0x58(%esi), %ax
	out	%eax, $REPORT
	mov	$0x12345678, %eax
	movsbw	0x59(%esi), %ax
	out	%eax, $REPORT
	mov	$-1, %edi
	movzbl	MMIO1 + 5, %edi
	mov	%edi, %eax
	out	%eax, $REPORT
	mov	MMIO2 + 0x10, %eax
	out	%eax, $REPORT

	/* STOS to MMIO. */
	mov	$(MMIO0 + 0x100), %edi
	mov	$0x77665544, %eax
	mov	$4, %ecx
	rep stosl
	mov	%edi, %eax
	out	%eax, $REPORT
	mov	%ecx, %eax
	out	%eax, $REPORT
	mov	$(MMIO1 + 0x100), %edi
	mov	$0xabcd, %ax
	stosw

	/* MOVS between RAM (through the page table) and MMIO. */
	movl	$0x44434241, RAMW		/* "ABCD" */
	movl	$0x0badf00d, RAMW + 4
	movl	$0x12345678, RAMW + 8
	mov	$RAMW, %esi
	mov	$(MMIO0 + 0x200), %edi
	mov	$3, %ecx
	rep movsb
	mov	$(RAMW + 4), %esi
	mov	$(MMIO1 + 0x10), %edi
	mov	$2, %ecx
	rep movsl
	mov	%esi, %eax
	out	%eax, $REPORT
	mov	%edi, %eax
	out	%eax, $REPORT
	mov	$(MMIO0 + 0x300), %esi
	mov	$(RAMW + 0x100), %edi
	mov	$3, %ecx
	rep movsl
	mov	$(MMIO1 + 0x20), %esi
	mov	$2, %ecx
	rep movsb
	mov	%edi, %eax
	out	%eax, $REPORT
	std
	mov	$(RAMW + 8), %esi
	mov	$(MMIO0 + 0x40c), %edi
	mov	$3, %ecx
	rep movsl
	cld
	mov	%esi, %eax
	out	%eax, $REPORT
	mov	%edi, %eax
	out	%eax, $REPORT
	std
	mov	$(MMIO1 + 0x42), %esi
	mov	$(RAMW + 0x120), %edi
	movsw
	cld
	mov	%esi, %eax
	out	%eax, $REPORT
	mov	%edi, %eax
	out	%eax, $REPORT

	/* REP OUTSB of 100 bytes, 3i + 1. */
	mov	$OUTBUF, %edi
	xor	%ecx, %ecx
2:	lea	1(%ecx, %ecx, 2), %eax
	mov	%al, (%edi, %ecx)
	inc	%ecx
	cmp	$100, %ecx
	jne	2b
	mov	$OUTBUF, %esi
	mov	$100, %ecx
	mov	$0x90, %dx
	rep outsb
	mov	%esi, %eax
	out	%eax, $REPORT

	/* REP INSW of 100 words across a page boundary. */
	mov	$INBUF, %edi
	mov	$100, %ecx
	mov	$0x92, %dx
	rep insw
	mov	%edi, %eax
	out	%eax, $REPORT

	/* REP OUTSB of 4000 bytes: more than the 3072-byte buffer. */
	mov	$BIGBUF, %edi
	xor	%ecx, %ecx
3:	mov	%ecx, %eax
	xor	%ch, %al
	mov	%al, (%edi, %ecx)
	inc	%ecx
	cmp	$4000, %ecx
	jne	3b
	mov	$BIGBUF, %esi
	mov	$4000, %ecx
	mov	$0x94, %dx
	rep outsb
	mov	%esi, %eax
	out	%eax, $REPORT

	/* REP with a zero count does nothing. */
	mov	$OUTBUF, %esi
	xor	%ecx, %ecx
	rep outsb
	mov	%esi, %eax
	out	%eax, $REPORT

	/* 16-bit address size in 32-bit code: SI and CX, not ESI and ECX. */
	movl	$0x64636261, OBUF16		/* "abcd" */
	mov	$(0xabcd0000 + OBUF16), %esi
	mov	$0x12340004, %ecx
	mov	$0x96, %dx
	addr16 rep outsb
	mov	%esi, %eax
	out	%eax, $REPORT
	mov	%ecx, %eax
	out	%eax, $REPORT

	/* OUTSW and INSB without REP. */
	mov	$OUTBUF, %esi
	outsw
	mov	$(RAMW + 0x200), %edi
	mov	$0x98, %dx
	insb
	mov	%edi, %eax
	out	%eax, $REPORT

	/* REP OUTSB backwards. */
	std
	mov	$(OUTBUF + 3), %esi
	mov	$4, %ecx
	mov	$0x90, %dx
	rep outsb
	cld
	mov	%esi, %eax
	out	%eax, $REPORT

	hlt
	jmp	.

rm_msg:
	.ascii	"Real!"

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
code_end:

	/* Assembly fails if the code grows into the stack. */
	.section .sizecheck, ""
	.org	code_end - _start
	.org	CODE_LIMIT
