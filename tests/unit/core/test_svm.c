// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the SVM backend (xen/arch/x86/svm/) and the vCPU run loop
 * (xen/common/vcpu.c, vm.c, arch.c), without hardware.
 *
 * hxh_svm_vmrun() is a scripted "CPU" (cpu_vmrun below): each VMRUN
 * records what the core gave it (event injection, interrupt window,
 * intercepts, guest state, ASID, the FPU state that was loaded), checks
 * a few of VMRUN's consistency rules, and then writes the next #VMEXIT of
 * the test's script into the VMCB, with whatever the guest did before it
 * (registers, rip, rflags, interrupt shadow).  When the script is over it
 * makes a host-interrupt exit and raises a signal, so a run that keeps
 * going ends with -HX_EINTR.  Record n is the n-th VMRUN of the script
 * (what the guest got), step n the exit that followed it.
 *
 * Privileged instructions never run: the fake CPU has no XSAVE (so the
 * guest FPU uses FXSAVE/FXRSTOR) and the guest's DR7 never enables a
 * breakpoint (so no MOV to DR0-DR3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/arch.h>
#include <hxen/caps.h>
#include <hxen/emulate.h>
#include <hxen/errno.h>
#include <hxen/fpu.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/x86.h>
#include <hxen/xen.h>

#include "../../../xen/arch/x86/svm/svm.h"

int test_failures;

#define MiB		(1ULL << 20)
#define MSR_VM_HSAVE_PA	0xc0010117
#define MSR_PAT		0x00000277
#define MSR_STAR	0xc0000081
#define MSR_APIC_BASE	0x0000001b
#define MSR_MTRR_DEF	0x000002ff
#define HOST_EFER	0xd01ULL
#define NR_ASIDS	4
#define NR_FAKE_CPUS	2

#define RFLAGS_FIXED	0x2ULL
#define RFLAGS_TF	(1ULL << 8)
#define RFLAGS_IF	(1ULL << 9)
#define DR6_BS		(1ULL << 14)
#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_SCE	(1ULL << 0)
#define EFER_LME	(1ULL << 8)
#define EFER_NXE	(1ULL << 11)
#define SEG_CODE16	0x009b
#define SEG_DATA16	0x0093
#define SEG_L		(1U << 9)
#define PTE		0x7ULL		/* present, writable, user */
#define PTE_PS		0x80ULL

/* IOIO exit_info_1: operand sizes and address size A16. */
#define IO_SZ8		(1ULL << 4)
#define IO_SZ16		(1ULL << 5)
#define IO_SZ32		(1ULL << 6)
#define IO_A16		(1ULL << 7)
#define IO_PORT(p)	((u64)(p) << SVM_IOIO_PORT_SHIFT)

/* EVENTINJ / EXITINTINFO values */
#define EV_INTR(v)	((u64)(v) | SVM_EVT_TYPE_INTR | SVM_EVT_VALID)
#define EV_NMI		(2 | SVM_EVT_TYPE_NMI | SVM_EVT_VALID)
#define EV_EXC(v)	((u64)(v) | SVM_EVT_TYPE_EXCEPTION | SVM_EVT_VALID)
#define EV_EXC_ERR(v, e) (EV_EXC(v) | SVM_EVT_ERROR_VALID | \
			  ((u64)(e) << SVM_EVT_ERROR_SHIFT))
#define EV_GP		EV_EXC_ERR(HX_VECTOR_GP, 0)
#define EV_UD		EV_EXC(HX_VECTOR_UD)
#define WINDOW_BITS	(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_IGN_TPR | \
			 (0xfU << SVM_INT_CTL_V_INTR_PRIO_SHIFT))

/*
 * Guest-physical layout: RAM at 0-640 KiB (4 KiB pages) and 1-4 MiB
 * (1-2 MiB in pages, 2-4 MiB one 2 MiB block); the VGA window and
 * everything from 4 MiB up are holes.  Long mode maps 0-4 GiB 1:1 with
 * 1 GiB pages; PML4[1] is not present.
 */
#define RAM_LOW		0xa0000ULL
#define CODE		0x1000ULL
#define DATA		0x2000ULL
#define DATA2		0x3000ULL
#define PML4		0x10000ULL
#define PDPT		0x11000ULL
#define VGA		0xb8000ULL
#define LAPIC		0xfee00000ULL
#define UNMAPPED	0x8000000000ULL
#define IO_SIZE		256

/* --- the scripted CPU ----------------------------------------------------- */

#define MAX_STEPS	16
#define MAX_RECS	24
#define MAX_VMRUNS	64

/* One #VMEXIT, and what the guest did before it. */
struct step {
	u64 code, info1, info2, int_info, int_state;
	bool set_rip, set_rflags, set_dr6;
	u64 rip, rflags, dr6;
	u32 regs_set;			/* bit n: regs[n] is the guest's GPR n */
	u64 regs[HX_NR_GPRS];
	u32 mxcsr;			/* nonzero: the guest loads this MXCSR */
	/* Another thread queues an event while the guest runs. */
	bool inject, inject_nmi;
	u8 inject_vector;
};

/* What one VMRUN was given. */
struct rec {
	u64 vmcb_pa, host_save_pa;
	u64 event_inj;
	u32 int_ctl, int_vector;
	u64 int_state;
	u32 misc1, misc2, intercept_dr;
	u32 asid;
	u8 tlb_ctl;
	u64 rip, rflags, efer, cr4, dr6, dr7;
	u8 cpl;
	u64 gprs[HX_NR_GPRS];		/* as the guest gets them */
	u32 mxcsr;			/* the guest's, loaded */
	u32 cpu, running_cpu;
	u64 host_efer, host_hsave;	/* the CPU's MSRs */
	bool valid;			/* passed the consistency checks */
};

static struct {
	struct step steps[MAX_STEPS];
	int nr_steps;
	struct rec recs[MAX_RECS];
	int nr_runs;
	int inject_ret;
	u32 kick_cpu;
} script;

static struct hx_vm *vm;
static struct hx_vcpu *vcpu;
static u8 io_buf[IO_SIZE];
static int host_marker;		/* vcpu->host */

static struct vmcb *vmcb(void)
{
	return to_svm(vcpu)->vmcb;
}

static u32 get_mxcsr(void)
{
	u32 v;

	__asm__ __volatile__("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(u32 v)
{
	__asm__ __volatile__("ldmxcsr %0" :: "m"(v));
}

static u64 msr_of(u32 msr)
{
	u64 v = ~0ULL;

	hxh_rdmsr_safe(msr, &v);
	return v;
}

static u64 msr_on(int cpu, u32 msr)
{
	u32 self = hxh_cpu_id();
	u64 v;

	fake_set_cpu(cpu);
	v = msr_of(msr);
	fake_set_cpu((int)self);
	return v;
}

/*
 * A few of VMRUN's consistency checks (APM vol. 2, 15.5.1): the ones the
 * core's state could break.  A real CPU exits with VMEXIT_INVALID.
 */
static bool vmrun_valid(const struct vmcb *v)
{
	const struct vmcb_save *s = &v->save;

	if (!(s->efer & HX_EFER_SVME) ||
	    !(v->control.intercept_misc2 & SVM_INTERCEPT_VMRUN) ||
	    !v->control.asid)
		return false;
	if ((s->cr0 >> 32) || (s->dr6 >> 32) || (s->dr7 >> 32))
		return false;
	/* CR0.NW without CR0.CD */
	if ((s->cr0 & (1ULL << 29)) && !(s->cr0 & (1ULL << 30)))
		return false;
	return true;
}

static void record(struct rec *r, const struct vmcb *v, u64 vmcb_pa,
		   u64 host_save_pa, const u64 *regs)
{
	const struct vmcb_control *ctl = &v->control;

	r->vmcb_pa = vmcb_pa;
	r->host_save_pa = host_save_pa;
	r->event_inj = ctl->event_inj;
	r->int_ctl = ctl->int_ctl;
	r->int_vector = ctl->int_vector;
	r->int_state = ctl->int_state;
	r->misc1 = ctl->intercept_misc1;
	r->misc2 = ctl->intercept_misc2;
	r->intercept_dr = ctl->intercept_dr;
	r->asid = ctl->asid;
	r->tlb_ctl = ctl->tlb_ctl;
	r->rip = v->save.rip;
	r->rflags = v->save.rflags;
	r->efer = v->save.efer;
	r->cr4 = v->save.cr4;
	r->dr6 = v->save.dr6;
	r->dr7 = v->save.dr7;
	r->cpl = v->save.cpl;
	memcpy(r->gprs, regs, sizeof(r->gprs));
	r->mxcsr = get_mxcsr();
	r->cpu = hxh_cpu_id();
	r->running_cpu = __atomic_load_n(&vcpu->running_cpu, __ATOMIC_SEQ_CST);
	r->host_efer = msr_of(HX_MSR_EFER);
	r->host_hsave = msr_of(MSR_VM_HSAVE_PA);
	r->valid = vmrun_valid(v);
}

/* hxh_svm_vmrun(): rax and rsp travel in the VMCB, the rest in @gprs. */
static void cpu_vmrun(u64 vmcb_pa, u64 host_save_pa, u64 *gprs)
{
	struct vmcb *v = hxh_pa_to_va(vmcb_pa);
	struct vmcb_control *ctl = &v->control;
	int n = script.nr_runs++;
	u64 regs[HX_NR_GPRS];
	const struct step *s;
	struct rec r;
	int i;

	if (n >= MAX_VMRUNS) {
		fprintf(stderr, "test_svm: the run loop does not stop\n");
		abort();
	}
	memcpy(regs, gprs, sizeof(regs));
	regs[HX_RAX] = v->save.rax;
	regs[HX_RSP] = v->save.rsp;
	record(&r, v, vmcb_pa, host_save_pa, regs);
	if (n < MAX_RECS)
		script.recs[n] = r;

	ctl->exit_info_1 = 0;
	ctl->exit_info_2 = 0;
	ctl->exit_int_info = 0;
	ctl->int_state = 0;
	if (!r.valid) {
		ctl->exit_code = SVM_EXIT_INVALID | (~0ULL << 32);
		return;
	}
	if (n >= script.nr_steps) {
		/* The script is over: a host interrupt, and a signal. */
		ctl->exit_code = SVM_EXIT_INTR;
		fake_run.signal_after = 0;
		return;
	}
	s = &script.steps[n];
	if (s->inject) {
		script.inject_ret = hx_vcpu_inject(vcpu, s->inject_nmi,
						   s->inject_vector);
		script.kick_cpu = fake_run.kick_cpu;
	}
	if (s->mxcsr)
		set_mxcsr(s->mxcsr);
	for (i = 0; i < HX_NR_GPRS; i++)
		if (s->regs_set & (1U << i))
			regs[i] = s->regs[i];
	if (s->set_rip)
		v->save.rip = s->rip;
	if (s->set_rflags)
		v->save.rflags = s->rflags;
	if (s->set_dr6)
		v->save.dr6 = s->dr6;
	ctl->exit_code = s->code;
	ctl->exit_info_1 = s->info1;
	ctl->exit_info_2 = s->info2;
	ctl->exit_int_info = s->int_info;
	ctl->int_state = s->int_state;

	for (i = 0; i < HX_NR_GPRS; i++)
		if (i != HX_RAX && i != HX_RSP)
			gprs[i] = regs[i];
	v->save.rax = regs[HX_RAX];
	v->save.rsp = regs[HX_RSP];
}

/* A new script for the current vCPU; counters and statistics from 0. */
static void script_reset(void)
{
	memset(&script, 0, sizeof(script));
	fake_run_reset();
	fake_run.vmrun = cpu_vmrun;
	if (vcpu)
		memset(&vcpu->stats, 0, sizeof(vcpu->stats));
}

static struct step *step(u64 code, u64 info1, u64 info2)
{
	struct step *s;

	if (script.nr_steps >= MAX_STEPS) {
		fprintf(stderr, "test_svm: script too long\n");
		abort();
	}
	s = &script.steps[script.nr_steps++];
	memset(s, 0, sizeof(*s));
	s->code = code;
	s->info1 = info1;
	s->info2 = info2;
	return s;
}

static void step_reg(struct step *s, int reg, u64 val)
{
	s->regs_set |= 1U << reg;
	s->regs[reg] = val;
}

static void step_rflags(struct step *s, u64 rflags)
{
	s->set_rflags = true;
	s->rflags = rflags;
}

static void step_rip(struct step *s, u64 rip)
{
	s->set_rip = true;
	s->rip = rip;
}

static const struct rec *rec(int n)
{
	static const struct rec none;

	return n < script.nr_runs && n < MAX_RECS ? &script.recs[n] : &none;
}

static bool window_open(const struct rec *r)
{
	return (r->int_ctl & WINDOW_BITS) == WINDOW_BITS &&
	       r->int_vector == 0 && (r->misc1 & SVM_INTERCEPT_VINTR);
}

static bool window_closed(const struct rec *r)
{
	return !(r->int_ctl & WINDOW_BITS) &&
	       !(r->misc1 & SVM_INTERCEPT_VINTR);
}

/* --- the machine and the guest -------------------------------------------- */

/*
 * An AMD CPU with SVM and nested paging, AVX and friends but no XSAVE
 * (so the guest FPU is FXSAVE-only), and a hypervisor's own leaves at
 * 0x4000_0000 that a guest must not see.
 */
static void amd_machine(void)
{
	fake_reset(NR_FAKE_CPUS);
	fake_set_vendor("AuthenticAMD");
	/*
	 * ECX: SSE3, DTES64, MONITOR, VMX, EST, TM2, FMA, PDCM, x2APIC, AVX,
	 * F16C; EDX: FPU, APIC, SSE2, DS, ACPI, TM, PBE.
	 */
	fake_set_leaf(HX_CPUID_FEATURES, 0x00a00f11, 0x12345678,
		      0x3020918d, 0xa4600201);
	fake_set_leaf(5, 64, 64, 3, 0x1120);
	/* Leaf 6: digital thermal sensor, turbo, ARAT; APERF/MPERF. */
	fake_set_leaf(6, 0x7, 2, 1, 0);
	/* Leaf 7: TSC_ADJUST, HLE, AVX2, RTM, AVX512F; PKU. */
	fake_set_leaf(7, 0, (1U << 1) | (1U << 4) | (1U << 5) | (1U << 11) |
		      (1U << 16), 1U << 3, 0);
	fake_set_leaf(0xa, 0x07300404, 0, 0, 0x603);
	fake_set_subleaf(0xd, 0, 3, 576, 576, 0);
	fake_set_leaf(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
	fake_set_leaf(HX_CPUID_EXT_MAX, 0x8000001f, 0, 0, 0);
	/* ECX: LAHF, SVM; EDX: SYSCALL, NX, LM */
	fake_set_leaf(HX_CPUID_EXT_FEATURES, 0, 0, 0x5, 0x20100800);
	fake_set_leaf(HX_CPUID_SVM, 1, NR_ASIDS, 0,
		      (u32)(HX_SVM_FEAT_NP | HX_SVM_FEAT_VGIF));
	fake_set_msr(HX_MSR_VM_CR, 0);
	fake_set_msr(HX_MSR_EFER, HOST_EFER);
	fake_set_msr(MSR_VM_HSAVE_PA, 0);
}

/* A fresh vCPU @id for a group of tests: nothing left from the last. */
static bool new_vcpu(u32 id)
{
	hx_vcpu_destroy(vcpu);
	vcpu = hx_vcpu_create(vm, id);
	if (!vcpu)
		return false;
	vcpu->host = &host_marker;
	hx_vcpu_set_io_buffer(vcpu, io_buf, IO_SIZE);
	return true;
}

static bool guest_create(u32 id)
{
	vcpu = NULL;
	if (hx_vm_create(&vm))
		return false;
	if (hx_vm_add_ram(vm, 0, RAM_LOW) ||
	    hx_vm_add_ram(vm, 1 * MiB, 3 * MiB) || !new_vcpu(id)) {
		hx_vm_destroy(vm);
		return false;
	}
	return true;
}

static void guest_destroy(void)
{
	hx_vcpu_destroy(vcpu);
	hx_vm_destroy(vm);
	vcpu = NULL;
	vm = NULL;
}

static void put(u64 gpa, const void *b, u32 n)
{
	hx_ram_write(&vm->ram, gpa, b, n);
}

static void put64(u64 gpa, u64 v)
{
	put(gpa, &v, 8);
}

static u8 get8(u64 gpa)
{
	u8 v = 0;

	hx_ram_read(&vm->ram, gpa, &v, 1);
	return v;
}

#define CODE_BYTES(...) do {						\
		static const u8 b_[] = { __VA_ARGS__ };			\
		put(CODE, b_, sizeof(b_));				\
	} while (0)

/* NOPs at the code, so no stray byte there looks like a HLT. */
static void clear_code(void)
{
	u8 nops[64];

	memset(nops, 0x90, sizeof(nops));
	put(CODE, nops, sizeof(nops));
}

static void seg(struct hx_seg *s, u16 attrib)
{
	s->base = 0;
	s->limit = 0xffff;
	s->sel = 0;
	s->attrib = attrib;
}

static u64 reg_pattern(int r)
{
	return r == HX_RAX ? 0x1122334455667788ULL :
	       0x0101010101010101ULL * (u64)(r + 1);
}

/*
 * Real mode at 0:CODE with every segment based at 0, recognisable
 * register values, and nothing pending from the test before in the same
 * group (setting the state leaves queued events, EVENTINJ and the
 * interrupt shadow alone).
 */
static void real_mode(u64 rflags)
{
	struct hx_state st;
	int r;

	hx_vcpu_get_state(vcpu, &st);
	seg(&st.cs, SEG_CODE16);
	seg(&st.ds, SEG_DATA16);
	seg(&st.es, SEG_DATA16);
	seg(&st.fs, SEG_DATA16);
	seg(&st.gs, SEG_DATA16);
	seg(&st.ss, SEG_DATA16);
	for (r = 0; r < HX_NR_GPRS; r++)
		st.gprs[r] = reg_pattern(r);
	st.rip = CODE;
	st.rflags = rflags | RFLAGS_FIXED;
	st.cr0 = 0x60000010;
	st.cr4 = 0;
	st.efer = 0;
	st.dr7 = 0x400;
	hx_vcpu_set_state(vcpu, &st);
	vmcb()->control.event_inj = 0;
	vmcb()->control.int_state = 0;
	__atomic_store_n(&vcpu->events, 0, __ATOMIC_SEQ_CST);
	clear_code();
}

/* 64-bit mode at CPL @cpl, 0-4 GiB mapped 1:1 (user, writable). */
static void long_mode(u64 rflags, u32 cpl)
{
	struct hx_state st;
	u64 i;

	real_mode(rflags);
	put64(PML4, PDPT | PTE);
	put64(PML4 + 8, 0);
	for (i = 0; i < 4; i++)
		put64(PDPT + 8 * i, (i << 30) | PTE | PTE_PS);
	hx_vcpu_get_state(vcpu, &st);
	st.cs.attrib = SEG_CODE16 | SEG_L | (cpl << 5);
	st.ss.attrib = SEG_DATA16 | (cpl << 5);
	st.cr0 = CR0_PG | CR0_ET | CR0_PE;
	st.cr3 = PML4;
	st.cr4 = CR4_PAE;
	st.efer = EFER_LME | HX_EFER_LMA | EFER_NXE;
	hx_vcpu_set_state(vcpu, &st);
}

static u64 rip_now(void)
{
	return vmcb()->save.rip;
}

/* Does @gpa reach host memory through the VMCB's nested tables? */
static bool npt_present(u64 gpa)
{
	u64 *t = hxh_pa_to_va(vmcb()->control.n_cr3), e;
	int level;

	for (level = 4; level >= 1; level--) {
		e = t[(gpa >> (12 + 9 * (level - 1))) & 511];
		if (!(e & 1))
			return false;
		if (level == 1 || (e & PTE_PS))
			return true;
		t = hxh_pa_to_va(e & 0x000ffffffffff000ULL);
	}
	return false;
}

/* --- backend setup -------------------------------------------------------- */

static void test_probe_failures(void)
{
	struct hx_caps caps;
	bool clean = true, probed = false;
	long n;

	amd_machine();
	hx_caps_probe(&caps);
	for (n = 0; n < 16 && !probed; n++) {
		fake_mem_reset();
		fake_mem.fail_after = n;
		probed = hx_arch_init(&caps) == 0;
		fake_mem.fail_after = -1;
		hx_arch_exit();
		if (fake_mem.blocks_live || fake_mem.zallocs_live)
			clean = false;
	}
	/* The CPU array, the empty guest's tables, three pages per CPU. */
	EXPECT("svm/probe-fails-at-every-allocation-without-leak",
	       clean && probed && n == 2 + 3 * NR_FAKE_CPUS + 1);
}

static void test_probe(void)
{
	struct hx_caps caps;

	amd_machine();
	fake_mem_reset();
	script_reset();
	hx_caps_probe(&caps);
	EXPECT("svm/caps", (caps.features & HX_CAP_SVM) &&
	       (caps.features & HX_CAP_NPT) && caps.nr_asids == NR_ASIDS);
	EXPECT("svm/arch-init", hx_arch_init(&caps) == 0 && hx_arch &&
	       !strcmp(hx_arch->name, "svm"));
	EXPECT("svm/fpu-fxsave-only", hx_fpu_guest_mask() ==
	       (HX_XFEATURE_X87 | HX_XFEATURE_SSE) &&
	       hx_fpu_area_size() == 512);
	EXPECT("svm/probe-leaves-cpus-alone",
	       msr_on(0, HX_MSR_EFER) == HOST_EFER &&
	       msr_on(1, HX_MSR_EFER) == HOST_EFER);
}

/* Another hypervisor has SVM on on CPU 1: a VM can still be made. */
static void test_vm_beside_other(void)
{
	struct hx_vm *v = NULL;
	long blocks = fake_mem.blocks_live;

	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER | HX_EFER_SVME);
	EXPECT("svm/vm-create-while-other-has-svm",
	       hx_vm_create(&v) == 0 && v);
	hx_vm_destroy(v);
	EXPECT("svm/vm-beside-other-freed", fake_mem.blocks_live == blocks &&
	       msr_on(1, HX_MSR_EFER) == (HOST_EFER | HX_EFER_SVME));
	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER);
}

static void test_vmcb_init(void)
{
	const struct vmcb_control *ctl = &vmcb()->control;
	const struct vmcb_save *s = &vmcb()->save;
	const u8 *iopm = hxh_pa_to_va(ctl->iopm_base_pa);
	const u8 *msrpm = hxh_pa_to_va(ctl->msrpm_base_pa);
	struct hx_state st;
	bool ones = true;
	u32 i;

	for (i = 0; i < 3 * 4096; i++)
		ones &= iopm[i] == 0xff;
	for (i = 0; i < 2 * 4096; i++)
		ones &= msrpm[i] == 0xff;
	EXPECT("svm/vmcb-intercepts",
	       (ctl->intercept_misc1 & (SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
					SVM_INTERCEPT_CPUID | SVM_INTERCEPT_HLT |
					SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
					SVM_INTERCEPT_SHUTDOWN)) ==
	       (SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_CPUID |
		SVM_INTERCEPT_HLT | SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
		SVM_INTERCEPT_SHUTDOWN) &&
	       !(ctl->intercept_misc1 & SVM_INTERCEPT_VINTR) &&
	       (ctl->intercept_misc2 & (SVM_INTERCEPT_VMRUN |
					SVM_INTERCEPT_VMMCALL |
					SVM_INTERCEPT_XSETBV)) ==
	       (SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
		SVM_INTERCEPT_XSETBV) &&
	       ctl->intercept_dr == SVM_INTERCEPT_DR_ALL);
	EXPECT("svm/vmcb-io-and-msr-maps-all-ones", ones);
	EXPECT("svm/vmcb-nested-paging", (ctl->np_ctl & SVM_NP_ENABLE) &&
	       ctl->n_cr3 == hxh_page_to_pa(to_svm_vm(vm)->npt.root));
	EXPECT("svm/vmcb-exception-intercepts", ctl->intercept_exceptions ==
	       ((1U << HX_VECTOR_DB) | (1U << HX_VECTOR_AC) |
		(1U << HX_VECTOR_MC)));
	EXPECT("svm/vmcb-int-ctl", ctl->int_ctl == SVM_INT_CTL_V_INTR_MASKING &&
	       !ctl->event_inj);
	EXPECT("svm/vmcb-reset-state", s->rip == 0xfff0 &&
	       s->cs.base == 0xffff0000 && s->cs.selector == 0xf000 &&
	       s->cr0 == 0x60000010 && s->rflags == 2 && s->dr7 == 0x400 &&
	       s->dr6 == 0xffff0ff0 && s->g_pat == 0x0007040600070406ULL &&
	       s->efer == HX_EFER_SVME);
	hx_vcpu_get_state(vcpu, &st);
	EXPECT("svm/get-state-hides-svme", st.efer == 0 && st.rip == 0xfff0);
	EXPECT("svm/vcpu-not-running", vcpu->running_cpu == HX_NOT_RUNNING);
	EXPECT("svm/npt-maps-ram-not-holes", npt_present(0) &&
	       npt_present(RAM_LOW - 4096) && npt_present(1 * MiB) &&
	       npt_present(3 * MiB) && !npt_present(RAM_LOW) &&
	       !npt_present(VGA) && !npt_present(4 * MiB) &&
	       !npt_present(LAPIC));
}

/* --- the world switch ----------------------------------------------------- */

static void test_world_switch(void)
{
	const struct rec *r0, *r1;
	u32 host_mxcsr = get_mxcsr();
	u8 *mx = vcpu->fpu.area + HX_FPU_MXCSR;
	struct step *s;
	int ret;

	real_mode(0);
	script_reset();
	/* The guest's MXCSR rounds down; during the run it rounds up. */
	mx[0] = 0x80;
	mx[1] = 0x3f;
	s = step(SVM_EXIT_INTR, 0, 0);
	s->mxcsr = 0x5f80;
	ret = hx_vcpu_run(vcpu);
	r0 = rec(0);
	r1 = rec(1);
	EXPECT("svm/run-ends-on-signal", ret == -HX_EINTR &&
	       vcpu->exit.reason == HX_EXIT_INTR && script.nr_runs == 2);
	EXPECT("svm/vmrun-inside-guest-enter-exit",
	       fake_run.vmruns == 2 && fake_run.vmruns_outside == 0 &&
	       fake_run.enters == 2 && fake_run.exits == 2 &&
	       !fake_run.unbalanced && !fake_run.in_guest);
	EXPECT("svm/vmrun-args", r0->vmcb_pa == to_svm(vcpu)->vmcb_pa &&
	       r0->host_save_pa && !(r0->host_save_pa & 0xfff) &&
	       r0->host_save_pa != r0->host_hsave);
	EXPECT("svm/svm-on-for-vmrun", (r0->host_efer & HX_EFER_SVME) &&
	       r0->host_hsave && !(r0->host_hsave & 0xfff) &&
	       (r0->host_efer & ~HX_EFER_SVME) == HOST_EFER);
	EXPECT("svm/vmrun-consistent", r0->valid && r1->valid);
	EXPECT("svm/running-cpu-published", r0->running_cpu == 0 &&
	       r0->cpu == 0 && vcpu->running_cpu == HX_NOT_RUNNING);
	EXPECT("svm/first-asid-flushes", r0->asid == 1 &&
	       r0->tlb_ctl == SVM_TLB_CTL_FLUSH_ALL);
	EXPECT("svm/same-asid-no-flush", r1->asid == 1 &&
	       r1->tlb_ctl == SVM_TLB_CTL_NONE);
	EXPECT("svm/rax-rsp-through-vmcb",
	       r0->gprs[HX_RAX] == reg_pattern(HX_RAX) &&
	       r0->gprs[HX_RSP] == reg_pattern(HX_RSP) &&
	       r0->gprs[HX_R15] == reg_pattern(HX_R15));
	EXPECT("svm/fpu-guest-state-loaded", r0->mxcsr == 0x3f80 &&
	       r1->mxcsr == 0x5f80);
	EXPECT("svm/fpu-guest-state-saved", mx[0] == 0x80 && mx[1] == 0x5f);
	EXPECT("svm/fpu-host-state-back", get_mxcsr() == host_mxcsr);
	EXPECT("svm/intr-exit-counted", vcpu->stats.exits == 2 &&
	       vcpu->stats.intr == 2 && vcpu->stats.user == 1);
	EXPECT("svm/resched-each-entry", fake_run.rescheds == 2 &&
	       fake_run.signal_checks == 3);
	mx[0] = 0x80;
	mx[1] = 0x1f;

	/* A signal before the run: no VMRUN at all. */
	script_reset();
	fake_run.signal_after = 0;
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/signal-before-entry", ret == -HX_EINTR &&
	       vcpu->exit.reason == HX_EXIT_INTR && fake_run.vmruns == 0 &&
	       fake_run.enters == 0);
}

/* ASIDs per CPU and generation; NR_ASIDS - 1 per generation. */
static void test_asids(void)
{
	struct hx_vcpu *v[4], *keep = vcpu;
	u32 asid[6];
	u8 tlb[6];
	int i, ok = 1;

	for (i = 0; i < 4; i++) {
		v[i] = hx_vcpu_create(vm, 10 + i);
		if (!v[i])
			ok = 0;
	}
	if (!ok) {
		EXPECT("svm/asid-vcpus", ok);
		for (i = 0; i < 4; i++)
			hx_vcpu_destroy(v[i]);
		return;
	}
	/* v0..v3 on CPU 0, then v0 again, then v0 on CPU 1. */
	for (i = 0; i < 6; i++) {
		vcpu = v[i < 4 ? i : 0];
		real_mode(0);
		script_reset();
		fake_set_cpu(i == 5 ? 1 : 0);
		hx_vcpu_run(vcpu);
		asid[i] = rec(0)->asid;
		tlb[i] = rec(0)->tlb_ctl;
		if (rec(0)->cpu != (i == 5 ? 1U : 0U))
			ok = 0;
	}
	fake_set_cpu(0);
	EXPECT("svm/asid-ran-where-asked", ok);
	/* keep (the main vCPU) already had ASID 1 on CPU 0. */
	EXPECT("svm/asid-in-order", asid[0] == 2 && asid[1] == 3 &&
	       tlb[0] == SVM_TLB_CTL_NONE && tlb[1] == SVM_TLB_CTL_NONE);
	EXPECT("svm/asid-new-generation-flushes", asid[2] == 1 &&
	       tlb[2] == SVM_TLB_CTL_FLUSH_ALL && asid[3] == 2 &&
	       tlb[3] == SVM_TLB_CTL_NONE);
	EXPECT("svm/asid-old-generation-renewed", asid[4] == 3 &&
	       tlb[4] == SVM_TLB_CTL_NONE);
	EXPECT("svm/asid-other-cpu", asid[5] == 1 &&
	       tlb[5] == SVM_TLB_CTL_FLUSH_ALL);
	for (i = 0; i < 4; i++)
		hx_vcpu_destroy(v[i]);
	vcpu = keep;

	/* hxen turns SVM on for each run only. */
	EXPECT("svm/svm-off-between-runs",
	       msr_on(0, HX_MSR_EFER) == HOST_EFER &&
	       msr_on(1, HX_MSR_EFER) == HOST_EFER && !fake_run.empty_runs);
}

#define OTHER_HSAVE	0x7770000ULL

/* One run of @v on CPU 1 with an empty script (it ends on the signal). */
static int run_on_cpu1(struct hx_vcpu *v)
{
	int ret;

	script_reset();
	fake_set_cpu(1);
	ret = hx_vcpu_run(v);
	fake_set_cpu(0);
	return ret;
}

static u64 stat_of(bool cleanups)
{
	struct hx_arch_stats st;

	hx_arch_get_stats(&st);
	return cleanups ? st.tlb_cleanups : st.shared_runs;
}

static void leave_cpu1(void)
{
	fake_set_cpu(1);
	hx_arch_cpu_leave();
	fake_set_cpu(0);
}

/*
 * CPU 1 belongs to another hypervisor (SVM on, its own VM_HSAVE_PA):
 * hxen borrows it for the run and leaves both MSRs as it found them,
 * and keeps the two hypervisors' TLB entries apart.
 */
static void test_shared_cpu(void)
{
	struct hx_vcpu *v, *keep = vcpu;
	u64 runs0 = stat_of(false), cleanups0 = stat_of(true);
	u64 ours = svm_cpus[1].hsave_pa;
	const struct vmcb *e = hxh_pa_to_va(svm_cpus[1].empty_vmcb_pa);
	int ret;

	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER | HX_EFER_SVME);
	fake_set_msr_on(1, MSR_VM_HSAVE_PA, OTHER_HSAVE);
	v = hx_vcpu_create(vm, 20);
	if (!v) {
		EXPECT("svm/shared-vcpu", false);
		return;
	}
	vcpu = v;
	real_mode(0);
	hx_arch_cpu_arrive(1);
	ret = run_on_cpu1(v);
	EXPECT("svm/shared-run", ret == -HX_EINTR && fake_run.vmruns == 1 &&
	       rec(0)->cpu == 1 && rec(0)->valid);
	EXPECT("svm/shared-run-uses-own-hsave", rec(0)->host_hsave == ours &&
	       ours != OTHER_HSAVE &&
	       rec(0)->host_efer == (HOST_EFER | HX_EFER_SVME));
	EXPECT("svm/shared-run-leaves-other-state",
	       msr_on(1, HX_MSR_EFER) == (HOST_EFER | HX_EFER_SVME) &&
	       msr_on(1, MSR_VM_HSAVE_PA) == OTHER_HSAVE);
	EXPECT("svm/shared-first-run-flushes",
	       rec(0)->tlb_ctl == SVM_TLB_CTL_FLUSH_ALL &&
	       fake_run.barriers == 1);
	EXPECT("svm/shared-run-counted", stat_of(false) == runs0 + 1 &&
	       stat_of(true) == cleanups0 && !fake_run.empty_runs);

	/* Leaving the CPU: one flushing empty run, then nothing to do. */
	leave_cpu1();
	leave_cpu1();
	EXPECT("svm/leave-cleans-tlb-once", fake_run.empty_runs == 1 &&
	       fake_run.barriers == 2 &&
	       fake_run.empty_vmcb_pa == svm_cpus[1].empty_vmcb_pa &&
	       fake_run.empty_hsave == ours &&
	       (fake_run.empty_efer & HX_EFER_SVME) &&
	       fake_run.debugreg_restores == 1 &&
	       stat_of(true) == cleanups0 + 1);
	EXPECT("svm/leave-puts-other-hsave-back",
	       msr_on(1, MSR_VM_HSAVE_PA) == OTHER_HSAVE &&
	       msr_on(1, HX_MSR_EFER) == (HOST_EFER | HX_EFER_SVME));
	EXPECT("svm/empty-vmcb", vmrun_valid(e) &&
	       e->control.tlb_ctl == SVM_TLB_CTL_FLUSH_ALL &&
	       (e->control.int_ctl & SVM_INT_CTL_V_IRQ) &&
	       (e->control.intercept_misc1 & SVM_INTERCEPT_VINTR) &&
	       (e->save.rflags & (1ULL << 9)) &&
	       (e->control.np_ctl & SVM_NP_ENABLE));

	/* The same thread again, never off the CPU: nothing to flush. */
	run_on_cpu1(v);
	EXPECT("svm/shared-again-keeps-tlb", rec(0)->asid &&
	       rec(0)->tlb_ctl == SVM_TLB_CTL_NONE && !fake_run.barriers);
	/* Back after other threads ran there: flush. */
	hx_arch_cpu_arrive(1);
	run_on_cpu1(v);
	EXPECT("svm/shared-after-arrival-flushes",
	       rec(0)->tlb_ctl == SVM_TLB_CTL_FLUSH_ALL);

	/* The other hypervisor turns SVM off: nothing left to clean... */
	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER);
	fake_set_msr_on(1, MSR_VM_HSAVE_PA, 0);
	fake_run_reset();
	leave_cpu1();
	EXPECT("svm/leave-after-other-gone", !fake_run.empty_runs &&
	       msr_on(1, MSR_VM_HSAVE_PA) == 0);
	/* ...and hxen's next run, on its own, starts with a flush. */
	ret = run_on_cpu1(v);
	EXPECT("svm/own-run-after-other-flushes", ret == -HX_EINTR &&
	       rec(0)->tlb_ctl == SVM_TLB_CTL_FLUSH_ALL &&
	       rec(0)->host_efer == (HOST_EFER | HX_EFER_SVME) &&
	       rec(0)->host_hsave == ours);
	EXPECT("svm/own-run-turns-svm-off",
	       msr_on(1, HX_MSR_EFER) == HOST_EFER &&
	       msr_on(1, MSR_VM_HSAVE_PA) == ours);
	run_on_cpu1(v);
	EXPECT("svm/own-run-again-keeps-tlb",
	       rec(0)->tlb_ctl == SVM_TLB_CTL_NONE && !fake_run.barriers);
	/* Other threads ran, but nobody else had SVM: nothing to flush. */
	hx_arch_cpu_arrive(1);
	run_on_cpu1(v);
	EXPECT("svm/own-run-after-arrival-keeps-tlb",
	       rec(0)->tlb_ctl == SVM_TLB_CTL_NONE && !fake_run.barriers);

	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER);
	hx_vcpu_destroy(v);
	vcpu = keep;
}

/* A guest of another VM on the same CPU comes after a branch barrier. */
static void test_branch_barrier(void)
{
	struct hx_vm *keep_vm = vm, *other_vm;
	struct hx_vcpu *keep = vcpu, *other;
	long b[3];

	if (!guest_create(30)) {
		vm = keep_vm;
		vcpu = keep;
		EXPECT("svm/barrier-second-vm", false);
		return;
	}
	other_vm = vm;
	other = vcpu;
	real_mode(0);
	script_reset();
	hx_vcpu_run(other);
	b[0] = fake_run.barriers;
	vm = keep_vm;
	vcpu = keep;
	real_mode(0);
	script_reset();
	hx_vcpu_run(keep);
	b[1] = fake_run.barriers;
	script_reset();
	hx_vcpu_run(keep);
	b[2] = fake_run.barriers;
	EXPECT("svm/branch-barrier-between-vms",
	       b[0] == 1 && b[1] == 1 && b[2] == 0);
	hx_vcpu_destroy(other);
	hx_vm_destroy(other_vm);
}

/* --- exit dispatch -------------------------------------------------------- */

static struct step *cpuid_step(u32 leaf, u32 subleaf)
{
	struct step *s = step(SVM_EXIT_CPUID, 0, 0);

	step_reg(s, HX_RAX, 0xffffffff00000000ULL | leaf);
	step_reg(s, HX_RCX, 0xffffffff00000000ULL | subleaf);
	step_reg(s, HX_RBX, ~0ULL);
	step_reg(s, HX_RDX, ~0ULL);
	return s;
}

/* The guest's RAX..RDX after step @n: what VMRUN @n + 1 gave it. */
static void cpuid_out(int n, u64 r[4])
{
	r[0] = rec(n + 1)->gprs[HX_RAX];
	r[1] = rec(n + 1)->gprs[HX_RBX];
	r[2] = rec(n + 1)->gprs[HX_RCX];
	r[3] = rec(n + 1)->gprs[HX_RDX];
}

static void test_cpuid(void)
{
	u64 r[4];
	int ret;

	real_mode(0);
	script_reset();
	cpuid_step(1, 0)->int_state = SVM_INT_STATE_SHADOW;
	cpuid_step(0, 0);
	cpuid_step(HX_CPUID_EXT_FEATURES, 0);
	cpuid_step(HX_CPUID_SVM, 0);
	cpuid_step(0x40000000, 0);
	cpuid_step(7, 0);
	cpuid_step(0xd, 0);
	cpuid_step(5, 0);
	cpuid_step(6, 0);
	cpuid_step(0xa, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/cpuid-runs-on", ret == -HX_EINTR && script.nr_runs == 11);

	cpuid_out(0, r);
	EXPECT("svm/cpuid-1-hypervisor", r[2] & HX_CPUID1_ECX_HYPERVISOR);
	EXPECT("svm/cpuid-1-hidden",
	       !(r[2] & ((1U << 3) | (1U << 5) | (1U << 21) | (1U << 26) |
			 (1U << 27))) && !(r[3] & (1U << 9)));
	EXPECT("svm/cpuid-1-host-only-hidden",
	       !(r[2] & ((1U << 2) | (1U << 7) | (1U << 8) | (1U << 15))) &&
	       !(r[3] & ((1U << 21) | (1U << 22) | (1U << 29) | (1U << 31))));
	EXPECT("svm/cpuid-1-no-avx-without-state",
	       !(r[2] & ((1U << 12) | (1U << 28) | (1U << 29))));
	EXPECT("svm/cpuid-1-kept", (r[2] & 1) && r[0] == 0x00a00f11 &&
	       (r[3] & (1U << 26)));
	EXPECT("svm/cpuid-1-apic-id-is-vcpu-id", r[1] == 0x02015678);
	EXPECT("svm/cpuid-zero-extends", !(r[0] >> 32) && !(r[1] >> 32) &&
	       !(r[2] >> 32) && !(r[3] >> 32));
	cpuid_out(1, r);
	EXPECT("svm/cpuid-0-max-basic", r[0] == 0xd && r[1] == 0x68747541);
	cpuid_out(2, r);
	EXPECT("svm/cpuid-ext-svm-hidden", r[2] == 0x1 && r[3] == 0x20100800);
	cpuid_out(3, r);
	EXPECT("svm/cpuid-svm-leaf-empty", !r[0] && !r[1] && !r[2] && !r[3]);
	cpuid_out(4, r);
	EXPECT("svm/cpuid-hypervisor-leaves-empty",
	       !r[0] && !r[1] && !r[2] && !r[3]);
	cpuid_out(5, r);
	EXPECT("svm/cpuid-7-filtered", r[1] == 0 && r[2] == 0);
	cpuid_out(6, r);
	EXPECT("svm/cpuid-d-empty-without-xsave",
	       !r[0] && !r[1] && !r[2] && !r[3]);
	cpuid_out(7, r);
	EXPECT("svm/cpuid-monitor-leaf-empty", !r[0] && !r[1] && !r[2] && !r[3]);
	cpuid_out(8, r);
	EXPECT("svm/cpuid-power-leaf-empty-without-apic",
	       !r[0] && !r[1] && !r[2] && !r[3]);
	cpuid_out(9, r);
	EXPECT("svm/cpuid-perfmon-leaf-empty", !r[0] && !r[1] && !r[2] && !r[3]);
	EXPECT("svm/cpuid-rip-plus-2", rec(1)->rip == CODE + 2 &&
	       rec(7)->rip == CODE + 14);
	EXPECT("svm/cpuid-ends-shadow", rec(1)->int_state == 0);
	EXPECT("svm/cpuid-stats", vcpu->stats.cpuid == 10 &&
	       vcpu->stats.exits == 11);
}

static int block_ready_before = -1, block_ready_after = -1;

/* A halted vCPU: another thread queues IRQ 0x40 while it sleeps. */
static int block_and_inject(void *host, bool (*ready)(void *arg), void *arg)
{
	block_ready_before = ready(arg);
	script.inject_ret = hx_vcpu_inject(vcpu, false, 0x40);
	block_ready_after = ready(arg);
	return 0;
}

/* A halted vCPU: a signal wakes it. */
static int block_and_signal(void *host, bool (*ready)(void *arg), void *arg)
{
	block_ready_before = ready(arg);
	fake_run.signal_after = 0;
	return -HX_EINTR;
}

static void test_hlt(void)
{
	struct step *s;
	int ret;

	/* IF=0: only the device model can wake it. */
	real_mode(0);
	script_reset();
	step(SVM_EXIT_HLT, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/hlt-if0-exits", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_HLT && rip_now() == CODE + 1 &&
	       fake_run.blocks == 0 && script.nr_runs == 1 &&
	       vcpu->stats.hlt == 1);

	/* IF=1, nothing queued: sleep, then go on. */
	real_mode(RFLAGS_IF);
	script_reset();
	block_ready_before = -1;
	fake_run.block = NULL;
	step(SVM_EXIT_HLT, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/hlt-if1-blocks", ret == -HX_EINTR &&
	       fake_run.blocks == 1 && fake_run.block_host == &host_marker &&
	       script.nr_runs == 2 && rec(1)->rip == CODE + 1 &&
	       vcpu->stats.hlt == 1);

	/* IF=1: an interrupt queued during the sleep is injected next. */
	real_mode(RFLAGS_IF);
	script_reset();
	fake_run.block = block_and_inject;
	step(SVM_EXIT_HLT, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/hlt-ready-only-with-event",
	       block_ready_before == 0 && block_ready_after == 1 &&
	       script.inject_ret == 0);
	EXPECT("svm/hlt-woken-injects", ret == -HX_EINTR &&
	       script.nr_runs == 2 && rec(1)->event_inj == EV_INTR(0x40) &&
	       rec(1)->rip == CODE + 1 && !hx_vcpu_events(vcpu));
	EXPECT("svm/hlt-wake-kicks", fake_run.kicks == 1 &&
	       fake_run.kick_host == &host_marker &&
	       fake_run.kick_cpu == HX_NOT_RUNNING);

	/* IF=1: a signal during the sleep ends the run. */
	real_mode(RFLAGS_IF);
	script_reset();
	fake_run.block = block_and_signal;
	step(SVM_EXIT_HLT, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/hlt-signal-ends-run", ret == -HX_EINTR &&
	       vcpu->exit.reason == HX_EXIT_INTR && script.nr_runs == 1 &&
	       fake_run.blocks == 1 && rip_now() == CODE + 1);

	/* IF=0 but an NMI queued: no exit, the NMI goes in. */
	real_mode(0);
	script_reset();
	s = step(SVM_EXIT_HLT, 0, 0);
	s->inject = true;
	s->inject_nmi = true;
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/hlt-with-nmi-runs-on", ret == -HX_EINTR &&
	       fake_run.blocks == 0 && script.nr_runs == 2 &&
	       rec(1)->event_inj == EV_NMI && rec(1)->rip == CODE + 1);
	EXPECT("svm/kick-names-running-cpu", script.kick_cpu == 0);
}

static struct step *msr_step(bool write, u32 msr, u64 val)
{
	struct step *s = step(SVM_EXIT_MSR, write, 0);

	step_reg(s, HX_RCX, msr);
	if (write) {
		step_reg(s, HX_RAX, 0xabcdef0000000000ULL | (u32)val);
		step_reg(s, HX_RDX, 0xabcdef0000000000ULL | (val >> 32));
	} else {
		step_reg(s, HX_RAX, 0x5555555555555555ULL);
		step_reg(s, HX_RDX, 0x6666666666666666ULL);
	}
	return s;
}

static bool msr_result(int n, u64 val)
{
	return rec(n + 1)->gprs[HX_RAX] == (u32)val &&
	       rec(n + 1)->gprs[HX_RDX] == val >> 32;
}

static bool advanced(int n, u64 by)
{
	return rec(n + 1)->rip == rec(n)->rip + by;
}

static void test_msr(void)
{
	const u64 pat = 0x0006050400070406ULL;
	u64 v = 0;
	int ret;

	real_mode(0);
	script_reset();
	msr_step(true, HX_MSR_EFER, EFER_SCE | EFER_LME | HX_EFER_LMA |
		 EFER_NXE);					/* 0 */
	msr_step(false, HX_MSR_EFER, 0);			/* 1 */
	msr_step(true, MSR_STAR, 0x0023001012345678ULL);	/* 2 */
	msr_step(false, MSR_STAR, 0);				/* 3 */
	msr_step(true, MSR_PAT, pat);				/* 4 */
	msr_step(true, MSR_PAT, 0x0007040600070402ULL);	/* 5: #GP */
	msr_step(false, MSR_PAT, 0);				/* 6 */
	msr_step(false, 0x12345, 0);				/* 7: #GP */
	msr_step(true, 0x12345, 1);				/* 8: #GP */
	msr_step(true, HX_MSR_EFER, HX_EFER_SVME);		/* 9: #GP */
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/msr-runs-on", ret == -HX_EINTR && script.nr_runs == 11);
	EXPECT("svm/wrmsr-efer", advanced(0, 2) && !rec(1)->event_inj &&
	       rec(1)->efer == (EFER_SCE | EFER_LME | EFER_NXE | HX_EFER_SVME));
	EXPECT("svm/rdmsr-efer", advanced(1, 2) &&
	       msr_result(1, EFER_SCE | EFER_LME | EFER_NXE));
	EXPECT("svm/wrmsr-rdmsr-star", advanced(2, 2) && advanced(3, 2) &&
	       vmcb()->save.star == 0x0023001012345678ULL &&
	       msr_result(3, 0x0023001012345678ULL));
	EXPECT("svm/wrmsr-pat", advanced(4, 2) && !rec(5)->event_inj);
	EXPECT("svm/wrmsr-bad-pat-gp", advanced(5, 0) &&
	       rec(6)->event_inj == EV_GP && vmcb()->save.g_pat == pat);
	EXPECT("svm/gp-not-injected-twice", rec(7)->event_inj == 0);
	EXPECT("svm/rdmsr-pat", advanced(6, 2) && msr_result(6, pat));
	EXPECT("svm/rdmsr-unknown-gp", advanced(7, 0) &&
	       rec(8)->event_inj == EV_GP &&
	       rec(8)->gprs[HX_RAX] == 0x5555555555555555ULL &&
	       rec(8)->gprs[HX_RDX] == 0x6666666666666666ULL);
	EXPECT("svm/wrmsr-unknown-gp", advanced(8, 0) &&
	       rec(9)->event_inj == EV_GP);
	EXPECT("svm/wrmsr-efer-svme-gp", advanced(9, 0) &&
	       rec(10)->event_inj == EV_GP &&
	       vmcb()->save.efer == (EFER_SCE | EFER_LME | EFER_NXE |
				     HX_EFER_SVME));
	EXPECT("svm/msr-stats", vcpu->stats.msr == 10 &&
	       vcpu->stats.exits == 11);

	/* The same MSRs for the host. */
	EXPECT("svm/host-get-msr", hx_vcpu_get_msr(vcpu, HX_MSR_EFER, &v) == 0 &&
	       v == (EFER_SCE | EFER_LME | EFER_NXE));
	EXPECT("svm/host-get-apic-base-not-bsp",
	       hx_vcpu_get_msr(vcpu, MSR_APIC_BASE, &v) == 0 &&
	       v == 0xfee00800ULL);
	EXPECT("svm/host-set-msr", hx_vcpu_set_msr(vcpu, MSR_STAR, 7) == 0 &&
	       vmcb()->save.star == 7 &&
	       hx_vcpu_set_msr(vcpu, MSR_MTRR_DEF, 0xc06) == 0);
	EXPECT("svm/host-msr-refused",
	       hx_vcpu_set_msr(vcpu, 0x12345, 0) == -HX_EINVAL &&
	       hx_vcpu_get_msr(vcpu, 0x12345, &v) == -HX_EINVAL &&
	       hx_vcpu_set_msr(vcpu, MSR_PAT, 0x02) == -HX_EINVAL);
}

static struct step *io_step(u16 port, u64 size_bits, bool in, u64 next_rip)
{
	return step(SVM_EXIT_IOIO, IO_PORT(port) | size_bits |
		    (in ? SVM_IOIO_IN : 0), next_rip);
}

static bool io_exit(u16 port, u8 size, bool in, u32 count)
{
	const struct hx_exit *e = &vcpu->exit;

	return e->reason == HX_EXIT_IO && e->io.port == port &&
	       e->io.size == size && e->io.in == in && e->io.count == count;
}

/* A single IN of @size_bits; the host answers @data; RAX on re-entry. */
static u64 in_rax(u64 size_bits, u32 data)
{
	script_reset();
	io_step(0x71, size_bits, true, CODE + 1);
	if (hx_vcpu_run(vcpu) != 0 || !vcpu->io_in_pending)
		return 0;
	memcpy(io_buf, &data, 4);
	script_reset();
	hx_vcpu_run(vcpu);
	return rec(0)->gprs[HX_RAX];
}

static void test_io(void)
{
	int ret;

	real_mode(0);
	script_reset();
	memset(io_buf, 0, sizeof(io_buf));
	io_step(0x80, IO_SZ8, false, CODE + 2)->int_state =
		SVM_INT_STATE_SHADOW;
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/out8", ret == 0 && io_exit(0x80, 1, false, 1) &&
	       io_buf[0] == 0x88 && io_buf[1] == 0 &&
	       rip_now() == CODE + 2 && !vcpu->io_in_pending);
	EXPECT("svm/io-ends-shadow", vmcb()->control.int_state == 0);
	EXPECT("svm/io-stats", vcpu->stats.io == 1 && vcpu->stats.exits == 1);

	script_reset();
	io_step(0x3f8, IO_SZ16, false, CODE + 3);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/out16", ret == 0 && io_exit(0x3f8, 2, false, 1) &&
	       io_buf[0] == 0x88 && io_buf[1] == 0x77 && io_buf[2] == 0 &&
	       rip_now() == CODE + 3);

	/* The next rip is exit_info_2, whatever the instruction's length. */
	script_reset();
	io_step(0xcfc, IO_SZ32, false, CODE + 9);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/out32", ret == 0 && io_exit(0xcfc, 4, false, 1) &&
	       !memcmp(io_buf, "\x88\x77\x66\x55", 4) && io_buf[4] == 0 &&
	       rip_now() == CODE + 9);

	real_mode(0);
	script_reset();
	io_step(0x71, IO_SZ8, true, CODE + 1);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/in8-exit", ret == 0 && io_exit(0x71, 1, true, 1) &&
	       vcpu->io_in_pending && rip_now() == CODE + 1 &&
	       vcpu->gprs[HX_RAX] == reg_pattern(HX_RAX));

	real_mode(0);
	EXPECT("svm/in8-merges-al",
	       in_rax(IO_SZ8, 0xcdab) == 0x11223344556677abULL);
	real_mode(0);
	EXPECT("svm/in16-merges-ax",
	       in_rax(IO_SZ16, 0x1234cdab) == 0x112233445566cdabULL);
	real_mode(0);
	EXPECT("svm/in32-zero-extends",
	       in_rax(IO_SZ32, 0xdeadbeef) == 0xdeadbeefULL);
	EXPECT("svm/in-completed-once", !vcpu->io_in_pending);

	/* The host replaced the state: the IN is forgotten. */
	real_mode(0);
	script_reset();
	io_step(0x71, IO_SZ8, true, CODE + 1);
	hx_vcpu_run(vcpu);
	real_mode(0);
	script_reset();
	io_buf[0] = 0xee;
	hx_vcpu_run(vcpu);
	EXPECT("svm/in-cancelled-by-set-state", !vcpu->io_in_pending &&
	       rec(0)->gprs[HX_RAX] == reg_pattern(HX_RAX));
}

static void test_string_io(void)
{
	int ret;

	/* REP OUTSB from DS:SI, three bytes. */
	real_mode(0);
	CODE_BYTES(0xf3, 0x6e);
	put(DATA, "abc", 3);
	vcpu->gprs[HX_RSI] = DATA;
	vcpu->gprs[HX_RCX] = 3;
	script_reset();
	memset(io_buf, 0, sizeof(io_buf));
	step(SVM_EXIT_IOIO, IO_PORT(0x3f8) | SVM_IOIO_STR | SVM_IOIO_REP |
	     IO_SZ8 | IO_A16, CODE + 2);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/rep-outsb", ret == 0 && io_exit(0x3f8, 1, false, 3) &&
	       !memcmp(io_buf, "abc", 3) && vcpu->gprs[HX_RCX] == 0 &&
	       vcpu->gprs[HX_RSI] == DATA + 3 && rip_now() == CODE + 2 &&
	       vcpu->stats.io == 1);

	/* REP INSB to ES:DI, two bytes; the host's data lands on re-entry. */
	real_mode(0);
	CODE_BYTES(0xf3, 0x6c);
	vcpu->gprs[HX_RDI] = DATA2;
	vcpu->gprs[HX_RCX] = 2;
	script_reset();
	step(SVM_EXIT_IOIO, IO_PORT(0x60) | SVM_IOIO_STR | SVM_IOIO_REP |
	     SVM_IOIO_IN | IO_SZ8, CODE + 2);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/rep-insb-exit", ret == 0 && io_exit(0x60, 1, true, 2) &&
	       vcpu->gprs[HX_RDI] == DATA2 + 2 && rip_now() == CODE + 2);
	memcpy(io_buf, "xy", 2);
	script_reset();
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/rep-insb-completes", ret == -HX_EINTR &&
	       get8(DATA2) == 'x' && get8(DATA2 + 1) == 'y');
}

static void test_vmmcall(void)
{
	const struct hx_exit *e = &vcpu->exit;
	int ret;

	real_mode(0);
	script_reset();
	step(SVM_EXIT_VMMCALL, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/vmmcall", ret == 0 && e->reason == HX_EXIT_HYPERCALL &&
	       e->hypercall.nr == reg_pattern(HX_RAX) &&
	       e->hypercall.args[0] == reg_pattern(HX_RDI) &&
	       e->hypercall.args[1] == reg_pattern(HX_RSI) &&
	       e->hypercall.args[2] == reg_pattern(HX_RDX) &&
	       e->hypercall.args[3] == reg_pattern(HX_R10) &&
	       e->hypercall.args[4] == reg_pattern(HX_R8) &&
	       e->hypercall.args[5] == reg_pattern(HX_R9));
	EXPECT("svm/vmmcall-rip-plus-3", rip_now() == CODE + 3 &&
	       vcpu->stats.hypercalls == 1);
}

static void test_shutdown_and_failures(void)
{
	const struct hx_exit *e = &vcpu->exit;
	struct hx_state st;
	int ret;

	real_mode(0);
	script_reset();
	step(SVM_EXIT_SHUTDOWN, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/shutdown", ret == 0 && e->reason == HX_EXIT_SHUTDOWN &&
	       vcpu->dead);
	script_reset();
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/run-after-shutdown-eio", ret == -HX_EIO &&
	       fake_run.vmruns == 0 && fake_run.enters == 0);
	real_mode(0);
	script_reset();
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/set-state-revives", !vcpu->dead && ret == -HX_EINTR &&
	       fake_run.vmruns == 1);

	script_reset();
	step(~0ULL, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/vmrun-failed", ret == 0 &&
	       e->reason == HX_EXIT_FAIL_ENTRY && e->hw_exit_code == ~0ULL);
	/* QEMU before 10.1.3 stores only 32 bits of -1. */
	script_reset();
	step(0xffffffffULL, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/vmrun-failed-32bit", ret == 0 &&
	       e->reason == HX_EXIT_FAIL_ENTRY &&
	       e->hw_exit_code == 0xffffffffULL);

	/* State VMRUN refuses, from the host: a failed entry, not a crash. */
	real_mode(0);
	hx_vcpu_get_state(vcpu, &st);
	st.dr7 = 1ULL << 32;
	hx_vcpu_set_state(vcpu, &st);
	script_reset();
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/bad-state-fails-entry", ret == 0 &&
	       e->reason == HX_EXIT_FAIL_ENTRY && script.nr_runs == 1 &&
	       !rec(0)->valid);

	real_mode(0);
	script_reset();
	step(SVM_EXIT_TASK_SWITCH, 0x11, 0x22);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/unknown-exit-internal", ret == 0 &&
	       e->reason == HX_EXIT_INTERNAL &&
	       e->internal.suberror == HX_INTERNAL_UNHANDLED_EXIT &&
	       e->internal.data[0] == SVM_EXIT_TASK_SWITCH &&
	       e->internal.data[1] == 0x11 && e->internal.data[2] == 0x22 &&
	       e->internal.data[3] == CODE && rip_now() == CODE);
	script_reset();
	step(SVM_EXIT_EXCP_BASE + HX_VECTOR_PF, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/exception-exit-internal", ret == 0 &&
	       e->reason == HX_EXIT_INTERNAL &&
	       e->internal.data[0] == SVM_EXIT_EXCP_BASE + HX_VECTOR_PF);
	script_reset();
	step(SVM_EXIT_NPF + 1, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/exit-past-table-internal", ret == 0 &&
	       e->reason == HX_EXIT_INTERNAL &&
	       e->internal.data[0] == SVM_EXIT_NPF + 1);
	script_reset();
	step(0x123456789ULL, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/huge-exit-code-internal", ret == 0 &&
	       e->reason == HX_EXIT_INTERNAL &&
	       e->internal.data[0] == 0x123456789ULL);
}

static bool mmio_exit(u64 gpa, u32 len, bool write, u64 data)
{
	const struct hx_exit *e = &vcpu->exit;
	u8 want[8] = { 0 };
	u32 i;

	for (i = 0; i < len && write; i++)
		want[i] = (u8)(data >> (8 * i));
	return e->reason == HX_EXIT_MMIO && e->mmio.gpa == gpa &&
	       e->mmio.len == len && e->mmio.is_write == write &&
	       !memcmp(e->mmio.data, want, 8);
}

static void npf_step(u64 gpa, bool write)
{
	step(SVM_EXIT_NPF, SVM_NPF_FINAL_GPA | (write ? SVM_NPF_WRITE : 0),
	     gpa);
}

static void test_npf(void)
{
	struct hx_state st;
	int ret;

	/* mov word [0x10], 0x1234 with DS = 0xb800: the VGA hole. */
	real_mode(0);
	hx_vcpu_get_state(vcpu, &st);
	st.ds.sel = VGA >> 4;
	st.ds.base = VGA;
	hx_vcpu_set_state(vcpu, &st);
	CODE_BYTES(0xc7, 0x06, 0x10, 0x00, 0x34, 0x12);
	script_reset();
	npf_step(VGA + 0x10, true);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-store-mmio", ret == 0 &&
	       mmio_exit(VGA + 0x10, 2, true, 0x1234) &&
	       rip_now() == CODE + 6);
	EXPECT("svm/npf-stats", vcpu->stats.npf == 1 &&
	       vcpu->stats.mmio == 1 && vcpu->stats.exits == 1);

	/* The same fault while delivering an interrupt: not emulated. */
	script_reset();
	vmcb()->save.rip = CODE;
	step(SVM_EXIT_NPF, SVM_NPF_FINAL_GPA | SVM_NPF_WRITE,
	     VGA + 0x10)->int_info = EV_INTR(0x30);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-during-delivery-not-emulated", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_INTERNAL && rip_now() == CODE &&
	       vmcb()->control.event_inj == EV_INTR(0x30));
	vmcb()->control.event_inj = 0;

	/* mov ax, [0x20]: the host's answer goes into AX on re-entry. */
	CODE_BYTES(0x8b, 0x06, 0x20, 0x00);
	vmcb()->save.rip = CODE;
	script_reset();
	npf_step(VGA + 0x20, false);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-load-mmio", ret == 0 &&
	       mmio_exit(VGA + 0x20, 2, false, 0) && rip_now() == CODE + 4);
	memcpy(vcpu->exit.mmio.data, "\xef\xbe\xad\xde", 4);
	script_reset();
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-load-completes", ret == -HX_EINTR &&
	       rec(0)->gprs[HX_RAX] == 0x112233445566beefULL &&
	       rec(0)->rip == CODE + 4);

	/* A nested fault on RAM cannot be: not emulated. */
	real_mode(0);
	CODE_BYTES(0x88, 0x06, 0x00, 0x30);	/* mov [0x3000], al */
	script_reset();
	npf_step(DATA2, true);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-to-ram-internal", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_INTERNAL &&
	       vcpu->exit.internal.suberror == HX_INTERNAL_EMULATION &&
	       rip_now() == CODE);

	/* Code fetched from a hole is not emulated. */
	real_mode(0);
	script_reset();
	step(SVM_EXIT_NPF, SVM_NPF_FINAL_GPA | SVM_NPF_FETCH, VGA);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-fetch-internal", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_INTERNAL &&
	       vcpu->exit.internal.suberror == HX_INTERNAL_EMULATION &&
	       vcpu->stats.npf == 1 && vcpu->stats.mmio == 0);

	/* An instruction the emulator does not know: add [0x10], al. */
	real_mode(0);
	hx_vcpu_get_state(vcpu, &st);
	st.ds.base = VGA;
	hx_vcpu_set_state(vcpu, &st);
	CODE_BYTES(0x00, 0x06, 0x10, 0x00);
	script_reset();
	npf_step(VGA + 0x10, true);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-unknown-insn-internal", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_INTERNAL &&
	       vcpu->exit.internal.suberror == HX_INTERNAL_EMULATION &&
	       vcpu->exit.internal.data[0] == SVM_EXIT_NPF &&
	       rip_now() == CODE);

	/* 64-bit: mov [rbx], eax at the local APIC. */
	long_mode(0, 0);
	CODE_BYTES(0x89, 0x03);
	vcpu->gprs[HX_RBX] = LAPIC + 0x80;
	script_reset();
	npf_step(LAPIC + 0x80, true);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-long-mode-store", ret == 0 &&
	       mmio_exit(LAPIC + 0x80, 4, true, 0x55667788) &&
	       rip_now() == CODE + 2);

	/* ...to an address the guest has not mapped: #PF for the guest. */
	long_mode(0, 0);
	CODE_BYTES(0x89, 0x03);
	vcpu->gprs[HX_RBX] = UNMAPPED;
	script_reset();
	npf_step(LAPIC, true);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/npf-guest-pf-injected", ret == -HX_EINTR &&
	       script.nr_runs == 2 &&
	       rec(1)->event_inj == EV_EXC_ERR(HX_VECTOR_PF, 2) &&
	       vmcb()->save.cr2 == UNMAPPED && rec(1)->rip == CODE);
}

/* MOV to/from DRn: exit code, then the instruction the guest runs. */
static void dr_step(bool write, u32 dr)
{
	step((write ? SVM_EXIT_WRITE_DR0 : SVM_EXIT_READ_DR0) + dr, 0, 0);
}

static void test_dr(void)
{
	struct hx_state st;
	int ret;

	/* Real mode: 32-bit operands. */
	real_mode(0);
	CODE_BYTES(0x0f, 0x23, 0xc3,	/* mov dr0, ebx */
		   0x0f, 0x21, 0xc1,	/* mov ecx, dr0 */
		   0x0f, 0x23, 0xfe,	/* mov dr7, esi */
		   0x0f, 0x21, 0xfa,	/* mov edx, dr7 */
		   0x0f, 0x21, 0xe7);	/* mov edi, dr4 (DR6) */
	vcpu->gprs[HX_RBX] = 0x1234567899aabbccULL;
	vcpu->gprs[HX_RSI] = 0xffffffff0000d300ULL;	/* no breakpoint on */
	script_reset();
	dr_step(true, 0);
	dr_step(false, 0);
	dr_step(true, 7);
	dr_step(false, 7);
	dr_step(false, 4);
	ret = hx_vcpu_run(vcpu);
	hx_vcpu_get_state(vcpu, &st);
	EXPECT("svm/dr-runs-on", ret == -HX_EINTR && script.nr_runs == 6);
	EXPECT("svm/mov-dr0-write", st.db[0] == 0x99aabbccULL &&
	       advanced(0, 3) && !rec(1)->event_inj);
	EXPECT("svm/mov-dr0-read", rec(2)->gprs[HX_RCX] == 0x99aabbccULL &&
	       advanced(1, 3));
	EXPECT("svm/mov-dr7-write", st.dr7 == 0x700 && rec(3)->dr7 == 0x700 &&
	       advanced(2, 3));
	EXPECT("svm/mov-dr7-read", rec(4)->gprs[HX_RDX] == 0x700 &&
	       advanced(3, 3));
	EXPECT("svm/mov-dr4-is-dr6", rec(5)->gprs[HX_RDI] == 0xffff0ff0ULL &&
	       advanced(4, 3));

	/* CR4.DE: DR4 is #UD, rip unchanged. */
	real_mode(0);
	hx_vcpu_get_state(vcpu, &st);
	st.cr4 = HX_CR4_DE;
	hx_vcpu_set_state(vcpu, &st);
	CODE_BYTES(0x0f, 0x21, 0xe7);
	script_reset();
	dr_step(false, 4);
	hx_vcpu_run(vcpu);
	EXPECT("svm/mov-dr4-de-ud", rec(1)->event_inj == EV_UD &&
	       advanced(0, 0) && vcpu->gprs[HX_RDI] == reg_pattern(HX_RDI));

	/* An exit that does not match the instruction is not guessed at. */
	real_mode(0);
	CODE_BYTES(0x0f, 0x21, 0xc1);		/* mov ecx, dr0 */
	script_reset();
	dr_step(true, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/mov-dr-mismatch-internal", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_INTERNAL &&
	       vcpu->exit.internal.suberror == HX_INTERNAL_EMULATION);

	/* 64-bit: full width; high DR7 bits are #GP. */
	long_mode(0, 0);
	CODE_BYTES(0x0f, 0x23, 0xc3,		/* mov dr0, rbx */
		   0x41, 0x0f, 0x23, 0xf8);	/* mov dr7, r8 */
	vcpu->gprs[HX_RBX] = 0x1234567899aabbccULL;
	vcpu->gprs[HX_R8] = 1ULL << 32;
	script_reset();
	dr_step(true, 0);
	dr_step(true, 7);
	hx_vcpu_run(vcpu);
	hx_vcpu_get_state(vcpu, &st);
	EXPECT("svm/mov-dr0-64", st.db[0] == 0x1234567899aabbccULL &&
	       advanced(0, 3));
	EXPECT("svm/mov-dr7-high-bits-gp", rec(2)->event_inj == EV_GP &&
	       advanced(1, 0) && st.dr7 == 0x400);

	/* CPL 3: #GP, nothing changed. */
	long_mode(0, 3);
	CODE_BYTES(0x0f, 0x23, 0xc3);
	vcpu->gprs[HX_RBX] = 0x42;
	script_reset();
	dr_step(true, 0);
	hx_vcpu_run(vcpu);
	hx_vcpu_get_state(vcpu, &st);
	EXPECT("svm/mov-dr-cpl3-gp", rec(0)->cpl == 3 &&
	       rec(1)->event_inj == EV_GP && advanced(0, 0) &&
	       st.db[0] == 0x1234567899aabbccULL);
}

static void test_xsetbv(void)
{
	struct hx_state st;

	real_mode(0);
	CODE_BYTES(0x0f, 0x01, 0xd1);
	vcpu->gprs[HX_RCX] = 0;
	vcpu->gprs[HX_RAX] = 3;
	vcpu->gprs[HX_RDX] = 0;
	script_reset();
	step(SVM_EXIT_XSETBV, 0, 0);
	hx_vcpu_run(vcpu);
	EXPECT("svm/xsetbv-without-osxsave-ud", rec(1)->event_inj == EV_UD &&
	       advanced(0, 0));

	real_mode(0);
	hx_vcpu_get_state(vcpu, &st);
	st.cr4 = HX_CR4_OSXSAVE;
	st.gprs[HX_RCX] = 0;
	st.gprs[HX_RAX] = 3;
	st.gprs[HX_RDX] = 0;
	hx_vcpu_set_state(vcpu, &st);
	script_reset();
	step(SVM_EXIT_XSETBV, 0, 0);
	hx_vcpu_run(vcpu);
	EXPECT("svm/xsetbv-without-xsave-gp", rec(1)->event_inj == EV_GP &&
	       advanced(0, 0) && vcpu->fpu.xcr0 == HX_XFEATURE_X87);
}

/* --- event injection ------------------------------------------------------ */

static void test_inject_if1(void)
{
	int ret;

	real_mode(RFLAGS_IF);
	script_reset();
	EXPECT("svm/inject-irq", hx_vcpu_inject(vcpu, false, 0x30) == 0 &&
	       fake_run.kicks == 1 && fake_run.kick_host == &host_marker &&
	       fake_run.kick_cpu == HX_NOT_RUNNING);
	step(SVM_EXIT_INTR, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/irq-injected-with-if", ret == -HX_EINTR &&
	       rec(0)->event_inj == EV_INTR(0x30) && window_closed(rec(0)));
	EXPECT("svm/irq-taken-from-queue", !hx_vcpu_events(vcpu) &&
	       rec(1)->event_inj == 0 && window_closed(rec(1)));
}

static void test_inject_if0_window(void)
{
	struct step *s;
	int ret;

	real_mode(0);
	script_reset();
	hx_vcpu_inject(vcpu, false, 0x31);
	step(SVM_EXIT_INTR, 0, 0);		/* IF still 0 */
	s = step(SVM_EXIT_VINTR, 0, 0);		/* the guest did STI */
	step_rflags(s, RFLAGS_FIXED | RFLAGS_IF);
	step_rip(s, CODE + 1);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/if0-no-injection", ret == -HX_EINTR &&
	       !(rec(0)->event_inj & SVM_EVT_VALID) &&
	       !(rec(1)->event_inj & SVM_EVT_VALID));
	EXPECT("svm/if0-window-requested", window_open(rec(0)) &&
	       (rec(0)->int_ctl & SVM_INT_CTL_V_INTR_MASKING));
	EXPECT("svm/window-reopened-after-other-exit", window_open(rec(1)));
	EXPECT("svm/vintr-then-injected", rec(2)->event_inj == EV_INTR(0x31) &&
	       rec(2)->rip == CODE + 1);
	EXPECT("svm/window-closed-after-vintr", window_closed(rec(2)) &&
	       (rec(2)->int_ctl & SVM_INT_CTL_V_INTR_MASKING));
	EXPECT("svm/window-stats", vcpu->stats.irq_windows == 1 &&
	       vcpu->stats.intr == 2 && vcpu->stats.exits == 3);
}

static void test_inject_shadow(void)
{
	struct step *s;
	int ret;

	/* IF=1, the guest exits right after STI; an IRQ arrives meanwhile. */
	real_mode(RFLAGS_IF);
	script_reset();
	s = step(SVM_EXIT_INTR, 0, 0);
	s->int_state = SVM_INT_STATE_SHADOW;
	s->inject = true;
	s->inject_vector = 0x32;
	step(SVM_EXIT_VINTR, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/inject-while-running-kicks", script.inject_ret == 0 &&
	       script.kick_cpu == 0);
	EXPECT("svm/shadow-window-not-injection", ret == -HX_EINTR &&
	       !(rec(1)->event_inj & SVM_EVT_VALID) && window_open(rec(1)) &&
	       rec(1)->int_state == SVM_INT_STATE_SHADOW);
	EXPECT("svm/shadow-over-injected", rec(2)->event_inj == EV_INTR(0x32) &&
	       window_closed(rec(2)));
}

static void test_inject_nmi(void)
{
	int ret;

	real_mode(0);
	script_reset();
	EXPECT("svm/inject-irq-and-nmi", hx_vcpu_inject(vcpu, false, 0x33) == 0 &&
	       hx_vcpu_inject(vcpu, true, 0) == 0);
	EXPECT("svm/inject-busy", hx_vcpu_inject(vcpu, false, 0x35) == -HX_EBUSY &&
	       hx_vcpu_inject(vcpu, true, 0) == -HX_EBUSY &&
	       (hx_vcpu_events(vcpu) & HX_EVENT_VECTOR_MASK) ==
	       (0x33U << HX_EVENT_VECTOR_SHIFT));
	step_rflags(step(SVM_EXIT_INTR, 0, 0), RFLAGS_FIXED | RFLAGS_IF);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/nmi-first-even-with-if0", ret == -HX_EINTR &&
	       rec(0)->event_inj == EV_NMI && !(rec(0)->rflags & RFLAGS_IF));
	EXPECT("svm/irq-after-nmi", rec(1)->event_inj == EV_INTR(0x33) &&
	       rec(2)->event_inj == 0 && !hx_vcpu_events(vcpu));
	EXPECT("svm/inject-again-after-delivery",
	       hx_vcpu_inject(vcpu, false, 0x36) == 0 &&
	       hx_vcpu_inject(vcpu, true, 0) == 0);
	__atomic_store_n(&vcpu->events, 0, __ATOMIC_SEQ_CST);
}

static void test_reinject(void)
{
	struct step *s;
	int ret;

	real_mode(RFLAGS_IF);
	script_reset();
	/* Delivery of IRQ 0x36 was cut short; IRQ 0x37 arrives meanwhile. */
	s = step(SVM_EXIT_INTR, 0, 0);
	s->int_info = EV_INTR(0x36);
	s->inject = true;
	s->inject_vector = 0x37;
	/* Then a #PF with its error code. */
	step(SVM_EXIT_INTR, 0, 0)->int_info = EV_EXC_ERR(HX_VECTOR_PF, 6);
	step(SVM_EXIT_INTR, 0, 0);
	step(SVM_EXIT_INTR, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/exit-int-info-reinjected", ret == -HX_EINTR &&
	       rec(1)->event_inj == EV_INTR(0x36));
	EXPECT("svm/exit-int-info-error-code-kept",
	       rec(2)->event_inj == EV_EXC_ERR(HX_VECTOR_PF, 6));
	EXPECT("svm/queued-irq-waits-for-reinjection",
	       rec(3)->event_inj == EV_INTR(0x37) && !hx_vcpu_events(vcpu));
	EXPECT("svm/no-stale-injection", rec(4)->event_inj == 0);

	/* A #GP from an exit handler goes first; a queued IRQ waits. */
	real_mode(RFLAGS_IF);
	script_reset();
	s = msr_step(false, 0x12345, 0);
	s->inject = true;
	s->inject_vector = 0x38;
	step(SVM_EXIT_INTR, 0, 0);
	hx_vcpu_run(vcpu);
	EXPECT("svm/exception-before-queued-irq", rec(1)->event_inj == EV_GP &&
	       rec(2)->event_inj == EV_INTR(0x38));
}

/*
 * NMI blocking (nmi.c): an injected NMI masks NMIs until its handler's
 * IRET has run; a second NMI waits, and the guest single-steps over the
 * IRET so that it goes in right after.
 */
static void test_nmi_blocking(void)
{
	struct step *s;
	int ret;

	real_mode(0);
	script_reset();
	hx_vcpu_inject(vcpu, true, 0);
	s = step(SVM_EXIT_INTR, 0, 0);		/* in the NMI handler */
	step_rip(s, CODE + 0x10);
	s->inject = true;			/* a second NMI */
	s->inject_nmi = true;
	step_rip(step(SVM_EXIT_IRET, 0, 0), CODE + 0x10);
	/* The step: IRET popped the interrupted code's RFLAGS. */
	s = step(SVM_EXIT_EXCP_BASE + HX_VECTOR_DB, 0, 0);
	step_rip(s, CODE + 0x20);
	step_rflags(s, RFLAGS_FIXED);
	s->set_dr6 = true;
	s->dr6 = 0xffff0ff0ULL | DR6_BS;
	step(SVM_EXIT_INTR, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/nmi-masks-and-intercepts-iret", ret == -HX_EINTR &&
	       rec(0)->event_inj == EV_NMI &&
	       (rec(0)->misc1 & SVM_INTERCEPT_IRET));
	EXPECT("svm/nmi-blocked-in-handler", script.inject_ret == 0 &&
	       !(rec(1)->event_inj & SVM_EVT_VALID) &&
	       (rec(1)->misc1 & SVM_INTERCEPT_IRET));
	EXPECT("svm/nmi-steps-over-iret", rec(2)->rip == CODE + 0x10 &&
	       !(rec(2)->event_inj & SVM_EVT_VALID) &&
	       (rec(2)->rflags & RFLAGS_TF) &&
	       !(rec(2)->misc1 & SVM_INTERCEPT_IRET));
	EXPECT("svm/nmi-after-iret", rec(3)->event_inj == EV_NMI &&
	       !(rec(3)->rflags & RFLAGS_TF) && !(rec(3)->dr6 & DR6_BS) &&
	       (rec(3)->misc1 & SVM_INTERCEPT_IRET));
	EXPECT("svm/nmi-step-not-guests", vcpu->stats.exceptions == 0 &&
	       rec(4)->event_inj == 0 && !hx_vcpu_events(vcpu));

	/* Nothing waiting at the IRET: unmasked once it has run. */
	if (!new_vcpu(2))
		return;
	real_mode(0);
	script_reset();
	hx_vcpu_inject(vcpu, true, 0);
	step_rip(step(SVM_EXIT_IRET, 0, 0), CODE + 0x10);
	step_rip(step(SVM_EXIT_INTR, 0, 0), CODE + 0x30);
	s = step(SVM_EXIT_INTR, 0, 0);
	s->inject = true;
	s->inject_nmi = true;
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/nmi-unmasked-after-iret", ret == -HX_EINTR &&
	       rec(0)->event_inj == EV_NMI && rec(3)->event_inj == EV_NMI &&
	       !(rec(3)->rflags & RFLAGS_TF));
}

/*
 * A guest that halts inside its NMI handler while another NMI waits must
 * not spin: with IF=1 it sleeps, with IF=0 the host hears of the HLT.
 */
static void test_hlt_in_nmi_handler(void)
{
	struct step *s;
	long blocks;
	int ret;

	if (!new_vcpu(3))
		return;
	real_mode(RFLAGS_IF);
	script_reset();
	hx_vcpu_inject(vcpu, true, 0);
	s = step(SVM_EXIT_HLT, 0, 0);		/* HLT in the handler */
	step_rip(s, CODE + 0x10);
	s->inject = true;
	s->inject_nmi = true;
	ret = hx_vcpu_run(vcpu);
	blocks = fake_run.blocks;
	EXPECT("svm/hlt-in-nmi-handler-sleeps", ret == -HX_EINTR &&
	       rec(0)->event_inj == EV_NMI && blocks == 1 &&
	       !(rec(1)->event_inj & SVM_EVT_VALID));

	if (!new_vcpu(4))
		return;
	real_mode(0);
	script_reset();
	hx_vcpu_inject(vcpu, true, 0);
	s = step(SVM_EXIT_HLT, 0, 0);
	step_rip(s, CODE + 0x10);
	s->inject = true;
	s->inject_nmi = true;
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/hlt-in-nmi-handler-if0-exits", ret == 0 &&
	       vcpu->exit.reason == HX_EXIT_HLT && script.nr_runs == 1 &&
	       fake_run.blocks == 0);
	__atomic_store_n(&vcpu->events, 0, __ATOMIC_SEQ_CST);
}

/* New state from the host drops an injection meant for the old one. */
static void test_set_state_drops_injection(void)
{
	struct hx_state st;

	real_mode(RFLAGS_IF);
	script_reset();
	msr_step(false, 0x12345, 0);		/* #GP queued for the guest */
	fake_run.signal_after = 1;		/* and a signal ends the run */
	hx_vcpu_run(vcpu);
	EXPECT("svm/gp-queued", vmcb()->control.event_inj == EV_GP);
	hx_vcpu_get_state(vcpu, &st);
	hx_vcpu_set_state(vcpu, &st);
	EXPECT("svm/set-state-drops-queued-gp",
	       !(vmcb()->control.event_inj & SVM_EVT_VALID));
}

/* Intercepted #DB and #AC are the guest's; #MC is the host's. */
static void test_exceptions(void)
{
	real_mode(0);
	script_reset();
	step(SVM_EXIT_EXCP_BASE + HX_VECTOR_DB, 0, 0);
	step(SVM_EXIT_EXCP_BASE + HX_VECTOR_AC, 0, 0);
	step(SVM_EXIT_EXCP_BASE + HX_VECTOR_MC, 0, 0);
	hx_vcpu_run(vcpu);
	EXPECT("svm/guest-db-reflected", rec(1)->event_inj ==
	       EV_EXC(HX_VECTOR_DB) && rec(1)->rip == CODE);
	EXPECT("svm/guest-ac-reflected", rec(2)->event_inj ==
	       EV_EXC_ERR(HX_VECTOR_AC, 0));
	EXPECT("svm/mc-to-host", fake_run.machine_checks == 1 &&
	       rec(3)->event_inj == 0);
	EXPECT("svm/exception-stats", vcpu->stats.exceptions == 2 &&
	       vcpu->stats.exits == 4);
}

static void test_vintr_at_hlt(void)
{
	struct step *s;

	/* sti; hlt: the window opens with rip at the HLT. */
	real_mode(0);
	CODE_BYTES(0xfb, 0xf4);
	script_reset();
	hx_vcpu_inject(vcpu, false, 0x39);
	s = step(SVM_EXIT_VINTR, 0, 0);
	step_rflags(s, RFLAGS_FIXED | RFLAGS_IF);
	step_rip(s, CODE + 1);
	hx_vcpu_run(vcpu);
	EXPECT("svm/vintr-at-hlt-skips-hlt", rec(1)->rip == CODE + 2 &&
	       rec(1)->event_inj == EV_INTR(0x39));

	/* sti; nop: rip stays. */
	real_mode(0);
	CODE_BYTES(0xfb, 0x90);
	script_reset();
	hx_vcpu_inject(vcpu, false, 0x3a);
	s = step(SVM_EXIT_VINTR, 0, 0);
	step_rflags(s, RFLAGS_FIXED | RFLAGS_IF);
	step_rip(s, CODE + 1);
	hx_vcpu_run(vcpu);
	EXPECT("svm/vintr-elsewhere-keeps-rip", rec(1)->rip == CODE + 1 &&
	       rec(1)->event_inj == EV_INTR(0x3a));
}

/* Statistics over several runs with every kind of exit. */
static void test_stats(void)
{
	const struct hx_vcpu_stats *st = &vcpu->stats;
	struct hx_state state;
	struct step *s;

	real_mode(0);
	hx_vcpu_get_state(vcpu, &state);
	state.ds.base = VGA;
	hx_vcpu_set_state(vcpu, &state);
	CODE_BYTES(0x88, 0x06, 0x00, 0x00);	/* mov [0], al */
	script_reset();
	hx_vcpu_inject(vcpu, false, 0x41);
	cpuid_step(0, 0);				/* exits 1 */
	msr_step(false, HX_MSR_EFER, 0);		/* 2 */
	s = step(SVM_EXIT_VINTR, 0, 0);			/* 3: window */
	step_rflags(s, RFLAGS_FIXED | RFLAGS_IF);
	step_rip(s, CODE);
	step(SVM_EXIT_HLT, 0, 0);			/* 4: blocks */
	step_rip(step(SVM_EXIT_INTR, 0, 0), CODE);	/* 5 */
	npf_step(VGA, true);				/* 6: to host */
	fake_run.block = NULL;
	hx_vcpu_run(vcpu);
	io_step(0x80, IO_SZ8, false, CODE + 6);		/* 7: to host */
	hx_vcpu_run(vcpu);
	EXPECT("svm/stats", st->exits == 7 && st->cpuid == 1 &&
	       st->msr == 1 && st->irq_windows == 1 && st->hlt == 1 &&
	       st->intr == 1 && st->npf == 1 && st->mmio == 1 &&
	       st->io == 1 && st->hypercalls == 0 && st->user == 2);
}

/* --- lifecycle ------------------------------------------------------------ */

static void test_lifecycle(long base_blocks, long base_zallocs)
{
	bool clean = true, done = false;
	struct hx_vm *v;
	struct hx_vcpu *c0, *c1;
	long n;
	int err;

	/* Little RAM: 4 KiB pages at 0, one 2 MiB block at 2 MiB. */
	for (n = 0; n < 200 && !done; n++) {
		v = NULL;
		c0 = c1 = NULL;
		fake_mem.fail_after = n;
		err = hx_vm_create(&v);
		if (!err)
			err = hx_vm_add_ram(v, 0, 0x10000);
		if (!err)
			err = hx_vm_add_ram(v, 2 * MiB, 2 * MiB);
		if (!err) {
			c0 = hx_vcpu_create(v, 0);
			c1 = c0 ? hx_vcpu_create(v, 1) : NULL;
			if (!c1)
				err = -HX_ENOMEM;
		}
		fake_mem.fail_after = -1;
		done = !err;
		if (err && err != -HX_ENOMEM)
			clean = false;
		hx_vcpu_destroy(c1);
		hx_vcpu_destroy(c0);
		if (v)
			hx_vm_destroy(v);
		if (fake_mem.blocks_live != base_blocks ||
		    fake_mem.zallocs_live != base_zallocs)
			clean = false;
	}
	EXPECT("svm/create-fails-at-every-allocation-without-leak",
	       clean && done && n > 10);
}

/* Without hooks for CPU switches: the cleanup follows each shared run. */
static void test_shared_without_hooks(void)
{
	struct hx_caps caps;

	fake_no_switch_hooks = true;
	hx_caps_probe(&caps);
	if (hx_arch_init(&caps) || !guest_create(0)) {
		EXPECT("svm/no-hooks-guest", false);
		fake_no_switch_hooks = false;
		return;
	}
	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER | HX_EFER_SVME);
	fake_set_msr_on(1, MSR_VM_HSAVE_PA, OTHER_HSAVE);
	real_mode(0);
	run_on_cpu1(vcpu);
	EXPECT("svm/no-hooks-cleanup-after-run", fake_run.vmruns == 1 &&
	       fake_run.empty_runs == 1 &&
	       fake_run.empty_hsave == svm_cpus[1].hsave_pa &&
	       msr_on(1, MSR_VM_HSAVE_PA) == OTHER_HSAVE);
	run_on_cpu1(vcpu);
	EXPECT("svm/no-hooks-flush-each-run",
	       rec(0)->tlb_ctl == SVM_TLB_CTL_FLUSH_ALL &&
	       fake_run.empty_runs == 1);
	fake_set_msr_on(1, HX_MSR_EFER, HOST_EFER);
	fake_set_msr_on(1, MSR_VM_HSAVE_PA, 0);
	guest_destroy();
	hx_arch_exit();
	fake_no_switch_hooks = false;
}

static void test_teardown(long base_blocks, long base_zallocs)
{
	int i;
	bool off = true, clear = true;

	guest_destroy();
	EXPECT("svm/vm-and-vcpus-freed", fake_mem.blocks_live == base_blocks &&
	       fake_mem.zallocs_live == base_zallocs);
	for (i = 0; i < NR_FAKE_CPUS; i++)
		off &= msr_on(i, HX_MSR_EFER) == HOST_EFER;
	EXPECT("svm/svm-off-after-last-vm", off);

	/* A new VM turns it on again where it runs. */
	if (guest_create(0)) {
		real_mode(0);
		script_reset();
		hx_vcpu_run(vcpu);
		EXPECT("svm/svm-on-again", (rec(0)->host_efer & HX_EFER_SVME) &&
		       rec(0)->valid);
		guest_destroy();
	}
	hx_arch_exit();
	for (i = 0; i < NR_FAKE_CPUS; i++)
		clear &= msr_on(i, MSR_VM_HSAVE_PA) == 0;
	EXPECT("svm/arch-exit-clears-hsave", clear);
	EXPECT("svm/arch-exit-frees-everything", !hx_arch &&
	       fake_mem.blocks_live == 0 && fake_mem.pages_live == 0 &&
	       fake_mem.zallocs_live == 0);
	test_shared_without_hooks();
	EXPECT("svm/no-hooks-frees-everything", !hx_arch &&
	       fake_mem.blocks_live == 0 && fake_mem.pages_live == 0 &&
	       fake_mem.zallocs_live == 0);
}

/*
 * The Xen upcall goes in as a virtual interrupt (V_IRQ with its vector,
 * no VINTR intercept), never by EVENTINJ: the CPU itself then holds it
 * while the guest has interrupts off.  Asked for on every entry while
 * evtchn_upcall_pending is set, and no more once the guest clears it.
 * Last of the groups: it turns the Xen interface on for the VM.
 */
static void test_upcall_virq(void)
{
	u8 *vi;
	int ret;

	real_mode(0);
	script_reset();
	EXPECT("svm/upcall-xen-on", hx_xen_enable(vm, 1, 0) == 0);
	hx_xen_vcpu_attach(vcpu);
	hx_xen_set_param(vm, 0, (2ULL << 56) | 0xf3);	/* callback vector */
	vi = (u8 *)hxh_page_to_va(vm->xen.shared_info) + vcpu->id * 64;
	vi[0] = 1;					/* upcall pending */
	step(SVM_EXIT_INTR, 0, 0);
	ret = hx_vcpu_run(vcpu);
	EXPECT("svm/upcall-as-virtual-interrupt", ret == -HX_EINTR &&
	       !(rec(0)->event_inj & SVM_EVT_VALID) &&
	       (rec(0)->int_ctl & SVM_INT_CTL_V_IRQ) &&
	       (rec(0)->int_ctl & SVM_INT_CTL_V_IGN_TPR) &&
	       rec(0)->int_vector == 0xf3 &&
	       !(rec(0)->misc1 & SVM_INTERCEPT_VINTR));
	EXPECT("svm/upcall-asked-again-while-pending",
	       (rec(1)->int_ctl & SVM_INT_CTL_V_IRQ) &&
	       rec(1)->int_vector == 0xf3 &&
	       !(rec(1)->event_inj & SVM_EVT_VALID));

	vi[0] = 0;					/* the guest took it */
	script_reset();
	step(SVM_EXIT_INTR, 0, 0);
	hx_vcpu_run(vcpu);
	EXPECT("svm/upcall-done-no-request",
	       !(rec(0)->int_ctl & SVM_INT_CTL_V_IRQ) &&
	       !(rec(0)->event_inj & SVM_EVT_VALID));
}

/* Each on a fresh vCPU 2. */
static void (*const groups[])(void) = {
	test_cpuid, test_hlt, test_msr, test_io, test_string_io,
	test_vmmcall, test_shutdown_and_failures, test_npf, test_dr,
	test_xsetbv, test_exceptions, test_inject_if1,
	test_inject_if0_window, test_inject_shadow, test_inject_nmi,
	test_nmi_blocking, test_hlt_in_nmi_handler,
	test_set_state_drops_injection, test_reinject, test_vintr_at_hlt, test_stats,
	test_upcall_virq,
};

int main(void)
{
	long base_blocks, base_zallocs;
	size_t i;

	test_probe_failures();
	test_probe();
	if (!hx_arch)
		return 1;
	base_blocks = fake_mem.blocks_live;
	base_zallocs = fake_mem.zallocs_live;
	test_vm_beside_other();
	test_lifecycle(base_blocks, base_zallocs);
	if (!guest_create(2)) {
		EXPECT("svm/guest-create", false);
		return 1;
	}
	test_vmcb_init();
	test_world_switch();
	test_asids();
	test_shared_cpu();
	test_branch_barrier();
	for (i = 0; i < HX_ARRAY_SIZE(groups); i++) {
		if (!new_vcpu(2)) {
			EXPECT("svm/vcpu-create", false);
			return 1;
		}
		groups[i]();
	}
	test_teardown(base_blocks, base_zallocs);
	return test_failures ? 1 : 0;
}
