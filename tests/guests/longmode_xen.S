/*
 * Guest for the Xen interface (a VM with HXEN_VM_ENABLE_XEN, domid 7).
 * Goes to 64-bit long mode as longmode.S does.  Exits, in order:
 *   OUT 0x60 ebx, 0x61 ecx, 0x62 edx   CPUID 0x40000000: "XenVMMXenVMM"
 *   OUT 0x63 eax      CPUID 0x40000000 EAX: the last leaf
 *   OUT 0x64 eax      CPUID 0x40000001: the version
 *   OUT 0x65 ebx      CPUID 0x40000002 EBX: the hypercall MSR
 *   OUT 0x66 ecx      CPUID 0x40000004 ECX: the domain id
 *   OUT 0x67 eax      xen_version(XENVER_version) through the hypercall
 *                     page the guest asked for with WRMSR 0x40000000
 *   OUT 0x68 eax      xen_version(XENVER_get_features, &fi) by VMMCALL:
 *                     fi.submap
 *   OUT 0x69 eax      xen_version(XENVER_extraversion): the first 4 bytes
 *   OUT 0x6a eax      hypercall 99: -ENOSYS (-38)
 *   OUT 0x6b eax      xen_version(XENVER_get_features, unmapped): -EFAULT
 *   OUT 0x6c eax      first byte of hypercall page stub 23 (ud2: 0x0f)
 *   OUT 0x6d eax      memory_op(add_to_physmap shared_info, gfn 0x80,
 *                     where RAM holds 0x11223344): 0
 *   OUT 0x6e eax      the dword at 0x80000 now: shared_info's, 0
 *   OUT 0x6f eax      after writing 0xcafe there, shared_info moved to gfn
 *                     0x90: 0
 *   OUT 0x70 eax      the dword at 0x80000: the RAM's again, 0x11223344
 *   OUT 0x71 eax      the dword at 0x90000: shared_info's, 0xcafe
 *   OUT 0x72 eax      hvm_op(get_param STORE_PFN): 0
 *   OUT 0x73 eax      the value the host set: 0xfeffc
 *   OUT 0x74 eax      vcpu_op(register_vcpu_info, vCPU 0, gfn 0x50 + 0x40): 0
 *   OUT 0x75 eax      the same again: -EINVAL (-22)
 *   sched_op(shutdown, reboot): the run ends with HXEN_EXIT_XEN_SHUTDOWN
 *   OUT 0x76 eax      the shutdown hypercall's result when resumed: 0
 *   OUT 0x77 eax      pvclock version in the registered vcpu_info (even)
 *   OUT 0x78 eax      pvclock tsc_to_system_mul (2^31 .. 2^32 - 1)
 *   OUT 0x79 eax      pvclock system_time >> 20 (about ms since start)
 *   OUT 0x7a eax      wallclock wc_sec in shared_info (now at 0x90000)
 *   OUT 0x7b eax      ns from the pvclock between two reads 0x100000
 *                     iterations apart, >> 10 (must be > 0)
 *   OUT 0x7d eax      event_channel_op(bind_ipi, vCPU 0): the port (1)
 *   (callback vector 0xf3 set with HVMOP_set_param, then STI and
 *   EVTCHNOP_send on the port: the upcall handler runs at once)
 *   OUT 0x7c eax      in the upcall handler: evtchn_pending word 0
 *   OUT 0x7e          back after the handler
 *   HLT
 */
#include "long_mode.inc"

#define HCALL_PAGE	0xb000
#define SCRATCH		0xc000
#define IDT		0xd000
#define UPCALL_VECTOR	0xf3

	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	lm_identity_2m			/* 2 MiB at 0; nothing mapped above */
	lm_enter long_mode

	.code64
long_mode:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %rsp

	mov	$0x40000000, %eax
	cpuid
	mov	%eax, %esi
	mov	%ebx, %eax
	out	%eax, $0x60
	mov	%ecx, %eax
	out	%eax, $0x61
	mov	%edx, %eax
	out	%eax, $0x62
	mov	%esi, %eax
	out	%eax, $0x63
	mov	$0x40000001, %eax
	cpuid
	out	%eax, $0x64
	mov	$0x40000002, %eax
	cpuid
	mov	%ebx, %eax
	out	%eax, $0x65
	mov	$0x40000004, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ecx, %eax
	out	%eax, $0x66

	/* The hypercall page, then xen_version(XENVER_version, NULL). */
	mov	$0x40000000, %ecx
	mov	$HCALL_PAGE, %eax
	xor	%edx, %edx
	wrmsr
	xor	%edi, %edi
	xor	%esi, %esi
	mov	$(HCALL_PAGE + 17 * 32), %rax
	call	*%rax
	out	%eax, $0x67

	/* XENVER_get_features (6) for submap 0, straight by VMMCALL. */
	movl	$0, SCRATCH
	movl	$0xdeadbeef, SCRATCH + 4
	mov	$17, %eax
	mov	$6, %edi
	mov	$SCRATCH, %esi
	vmmcall
	mov	SCRATCH + 4, %eax
	out	%eax, $0x68

	/* XENVER_extraversion (1) into SCRATCH + 16. */
	mov	$17, %eax
	mov	$1, %edi
	mov	$(SCRATCH + 16), %esi
	vmmcall
	mov	SCRATCH + 16, %eax
	out	%eax, $0x69

	mov	$99, %eax
	vmmcall
	out	%eax, $0x6a

	mov	$17, %eax
	mov	$6, %edi
	mov	$0x40000000, %esi	/* 1 GiB: not mapped */
	vmmcall
	out	%eax, $0x6b

	movzbl	HCALL_PAGE + 23 * 32, %eax
	out	%eax, $0x6c

	/* shared_info over RAM at 0x80000, then moved to 0x90000. */
	movl	$0x11223344, 0x80000
	movw	$0x7ff0, SCRATCH + 32		/* DOMID_SELF */
	movw	$0, SCRATCH + 34
	movl	$0, SCRATCH + 36		/* XENMAPSPACE_shared_info */
	movq	$0, SCRATCH + 40		/* idx */
	movq	$0x80, SCRATCH + 48		/* gpfn */
	mov	$12, %eax
	mov	$7, %edi			/* XENMEM_add_to_physmap */
	mov	$(SCRATCH + 32), %esi
	vmmcall
	out	%eax, $0x6d
	mov	0x80000, %eax
	out	%eax, $0x6e
	movl	$0xcafe, 0x80000
	movq	$0x90, SCRATCH + 48
	mov	$12, %eax
	mov	$7, %edi
	mov	$(SCRATCH + 32), %esi
	vmmcall
	out	%eax, $0x6f
	mov	0x80000, %eax
	out	%eax, $0x70
	mov	0x90000, %eax
	out	%eax, $0x71

	movw	$0x7ff0, SCRATCH + 64		/* xen_hvm_param */
	movl	$1, SCRATCH + 68		/* HVM_PARAM_STORE_PFN */
	movq	$0, SCRATCH + 72
	mov	$34, %eax
	mov	$1, %edi			/* HVMOP_get_param */
	mov	$(SCRATCH + 64), %esi
	vmmcall
	out	%eax, $0x72
	mov	SCRATCH + 72, %eax
	out	%eax, $0x73

	movq	$0x50, SCRATCH + 96		/* vcpu_register_vcpu_info */
	movl	$0x40, SCRATCH + 104
	movl	$0, SCRATCH + 108
	mov	$24, %eax
	mov	$10, %edi			/* VCPUOP_register_vcpu_info */
	xor	%esi, %esi			/* vCPU 0 */
	mov	$(SCRATCH + 96), %edx
	vmmcall
	out	%eax, $0x74
	mov	$24, %eax
	mov	$10, %edi
	xor	%esi, %esi
	mov	$(SCRATCH + 96), %edx
	vmmcall
	out	%eax, $0x75

	movl	$1, SCRATCH + 128		/* SHUTDOWN_reboot */
	mov	$29, %eax
	mov	$2, %edi			/* SCHEDOP_shutdown */
	mov	$(SCRATCH + 128), %esi
	vmmcall
	out	%eax, $0x76

	mov	0x50040 + 32, %eax		/* vcpu_time_info.version */
	out	%eax, $0x77
	mov	0x50040 + 32 + 24, %eax		/* tsc_to_system_mul */
	out	%eax, $0x78
	mov	0x50040 + 32 + 16, %rax		/* system_time */
	shr	$20, %rax
	out	%eax, $0x79
	mov	0x90000 + 3076, %eax		/* wc_sec */
	out	%eax, $0x7a

	call	pvclock_ns
	mov	%rax, %r12
	mov	$0x100000, %ecx
1:	dec	%ecx
	jnz	1b
	call	pvclock_ns
	sub	%r12, %rax
	shr	$10, %rax
	out	%eax, $0x7b

	/* The upcall: a gate at 0xf3, the callback, an IPI port to self. */
	lea	upcall(%rip), %rax
	mov	$(IDT + UPCALL_VECTOR * 16), %rdi
	mov	%ax, (%rdi)
	movw	$0x08, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	movl	$0, 8(%rdi)
	movl	$0, 12(%rdi)
	lidt	idt_desc
	movw	$0x7ff0, SCRATCH + 64
	movl	$0, SCRATCH + 68		/* HVM_PARAM_CALLBACK_IRQ */
	mov	$(2 << 24), %ecx		/* type 2 (vector) in 63:56 */
	shl	$32, %rcx
	or	$UPCALL_VECTOR, %rcx
	mov	%rcx, SCRATCH + 72
	mov	$34, %eax
	xor	%edi, %edi			/* HVMOP_set_param */
	mov	$(SCRATCH + 64), %esi
	vmmcall
	movl	$0, SCRATCH + 160		/* evtchn_bind_ipi: vcpu 0 */
	movl	$0, SCRATCH + 164
	mov	$32, %eax
	mov	$7, %edi			/* EVTCHNOP_bind_ipi */
	mov	$(SCRATCH + 160), %esi
	vmmcall
	mov	SCRATCH + 164, %eax
	out	%eax, $0x7d
	sti
	mov	$32, %eax
	mov	$4, %edi			/* EVTCHNOP_send */
	mov	$(SCRATCH + 164), %esi
	vmmcall
	nop
	out	%al, $0x7e
	cli
	hlt
	jmp	.

/* The event upcall: report the pending word, then clear what it saw. */
upcall:
	push	%rax
	movb	$0, 0x50040			/* evtchn_upcall_pending */
	movq	$0, 0x50040 + 8			/* evtchn_pending_sel */
	mov	0x90000 + 2048, %rax		/* evtchn_pending[0] */
	movq	$0, 0x90000 + 2048
	out	%eax, $0x7c
	pop	%rax
	iretq

/* System time in ns from the pvclock at 0x50060, in rax. */
pvclock_ns:
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	sub	0x50060 + 8, %rax		/* - tsc_timestamp */
	movsbl	0x50060 + 28, %ecx		/* tsc_shift */
	test	%ecx, %ecx
	js	2f
	shl	%cl, %rax
	jmp	3f
2:	neg	%ecx
	shr	%cl, %rax
3:	mov	0x50060 + 24, %ecx		/* mul */
	mul	%rcx				/* rdx:rax = delta * mul */
	shrd	$32, %rdx, %rax
	add	0x50060 + 16, %rax		/* + system_time */
	ret
	jmp	.

	lm_gdt
idt_desc:
	.word	0xfff
	.quad	IDT
