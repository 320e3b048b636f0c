// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors.
 *
 * HXEN_VM_CREATE_VCPU returns an anonymous-inode fd for one vCPU.  It
 * holds a reference on the VM's file, so the VM outlives its vCPUs.  The
 * run page (struct hxen_run) is mapped with mmap(vcpu_fd, offset 0).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "compat.h"
#include "hxen_port.h"
#include "hxen_types.h"
#include <hxen/arch.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>

/*
 * struct hxen_vcpu - the port's side of a vCPU
 * @lock: one ioctl at a time runs or touches the registers (not taken
 *        by HXEN_VCPU_INJECT, which must reach a running vCPU)
 * @wq: a halted vCPU sleeps here until an event is injected
 * @run_page: struct hxen_run, shared with the device model
 * @timer: the core's per-vCPU timer (Xen timers), CLOCK_MONOTONIC
 * @timer_cpu: the CPU @timer was queued on, which it fires on
 */
struct hxen_vcpu {
	struct hx_vcpu *core;
	struct hxen_vm *vm;
	struct file *vm_file;
	struct mutex lock;
	wait_queue_head_t wq;
	struct page *run_page;
	struct hxen_run *run;
	struct hrtimer timer;
	int timer_cpu;
	/* The thread inside HXEN_VCPU_RUN, for kicks from interrupts. */
	struct task_struct *runner;
#ifdef CONFIG_PREEMPT_NOTIFIERS
	/* Tells the core when the runner comes onto or leaves a CPU. */
	struct preempt_notifier switch_hook;
#endif
};

int hxh_vcpu_block_until(void *host, bool (*ready)(void *arg), void *arg,
			 u64 deadline_ns)
{
	struct hxen_vcpu *v = host;
	s64 left;

	if (!deadline_ns)
		return wait_event_interruptible(v->wq, ready(arg)) ? -EINTR : 0;
	left = (s64)(deadline_ns - ktime_get_ns());
	if (left <= 0)
		return 0;
	return wait_event_interruptible_hrtimeout(v->wq, ready(arg),
						  ns_to_ktime(left)) ==
	       -ERESTARTSYS ? -EINTR : 0;
}

static void hxen_vcpu_kick_ipi(void *unused)
{
	/* Nothing to do: the interrupt alone makes the guest exit. */
}

/*
 * From interrupt context (the vCPU's own timer) no function call IPI can
 * be sent; a reschedule IPI to the runner's CPU (kick_process()) ends the
 * guest's run there instead.  The timer usually fires on that CPU anyway
 * (hxh_vcpu_timer_follow()), but the thread may have moved after the
 * timer was placed, and a guest that makes no exits would then not see
 * its timer until something else stopped it.  The runner is read under
 * RCU: a task_struct outlives a grace period after its thread is gone.
 */
void hxh_vcpu_kick(void *host, u32 cpu)
{
	struct hxen_vcpu *v = host;
	struct task_struct *t;
	u32 self;

	if (!v)
		return;
	wake_up_interruptible(&v->wq);
	if (cpu == HX_NOT_RUNNING)
		return;
	if (in_interrupt() || irqs_disabled()) {
		rcu_read_lock();
		t = READ_ONCE(v->runner);
		if (t)
			kick_process(t);
		rcu_read_unlock();
		return;
	}
	/* The guest cannot be running on the CPU that is doing this. */
	self = get_cpu();
	if (cpu != self)
		smp_call_function_single(cpu, hxen_vcpu_kick_ipi, NULL, 0);
	put_cpu();
}

static enum hrtimer_restart hxen_vcpu_timer_fn(struct hrtimer *t)
{
	struct hxen_vcpu *v = container_of(t, struct hxen_vcpu, timer);

	hx_vcpu_timer_fired(v->core);
	return HRTIMER_NORESTART;
}

void hxh_vcpu_timer_arm(void *host, u64 deadline_ns)
{
	struct hxen_vcpu *v = host;

	if (!deadline_ns) {
		hrtimer_try_to_cancel(&v->timer);
		return;
	}
	v->timer_cpu = raw_smp_processor_id();
	hrtimer_start(&v->timer, ns_to_ktime(deadline_ns),
		      HRTIMER_MODE_ABS_PINNED);
}

void hxh_vcpu_timer_follow(void *host)
{
	struct hxen_vcpu *v = host;
	int cpu = raw_smp_processor_id();

	if (v->timer_cpu == cpu || !hrtimer_active(&v->timer))
		return;
	v->timer_cpu = cpu;
	hrtimer_start(&v->timer, hrtimer_get_expires(&v->timer),
		      HRTIMER_MODE_ABS_PINNED);
}

static long hxen_vcpu_inject(struct hxen_vcpu *v, void __user *argp)
{
	struct hxen_inject in;

	if (copy_from_user(&in, argp, sizeof(in)))
		return -EFAULT;
	if (in.reserved[0] || in.reserved[1] || in.vector > 255 ||
	    in.type > HXEN_INJECT_NMI ||
	    (in.type == HXEN_INJECT_NMI && in.vector))
		return -EINVAL;
	return hx_vcpu_inject(v->core, in.type == HXEN_INJECT_NMI,
			      (u8)in.vector);
}

static int hxen_vcpu_release(struct inode *inode, struct file *file)
{
	struct hxen_vcpu *v = file->private_data;

	hrtimer_cancel(&v->timer);
	mutex_lock(&v->vm->lock);
	clear_bit(v->core->id, v->vm->vcpu_ids);
	hx_vcpu_destroy(v->core);
	mutex_unlock(&v->vm->lock);
	__free_page(v->run_page);
	fput(v->vm_file);
	kfree(v);
	return 0;
}

/* Tell the device model why the run stopped. */
static void hxen_vcpu_report_exit(struct hxen_vcpu *v)
{
	const struct hx_exit *e = &v->core->exit;
	struct hxen_run *run = v->run;

	memset(&run->pad_union, 0, sizeof(run->pad_union));
	run->exit_reason = e->reason;
	switch (e->reason) {
	case HX_EXIT_IO:
		run->io.port = e->io.port;
		run->io.size = e->io.size;
		run->io.direction = e->io.in ? HXEN_IO_IN : HXEN_IO_OUT;
		run->io.count = e->io.count;
		break;
	case HX_EXIT_MMIO:
		run->mmio.gpa = e->mmio.gpa;
		run->mmio.len = e->mmio.len;
		run->mmio.is_write = e->mmio.is_write;
		memcpy(run->mmio.data, e->mmio.data, sizeof(run->mmio.data));
		break;
	case HX_EXIT_HYPERCALL:
		run->hypercall.nr = e->hypercall.nr;
		memcpy(run->hypercall.args, e->hypercall.args,
		       sizeof(run->hypercall.args));
		break;
	case HX_EXIT_INTERNAL:
		run->internal.suberror = e->internal.suberror;
		memcpy(run->internal.data, e->internal.data,
		       sizeof(run->internal.data));
		break;
	case HX_EXIT_FAIL_ENTRY:
		run->fail_entry.hardware_exit_code = e->hw_exit_code;
		break;
	case HX_EXIT_XEN_SHUTDOWN:
		run->xen_shutdown.reason = e->xen_shutdown.reason;
		break;
	default:
		break;
	}
}

/*
 * Another hypervisor's guests may run on a CPU whenever the vCPU thread
 * is off it, so the core hears of every arrival and departure: while
 * HXEN_VCPU_RUN runs, from preempt notifiers (as KVM's vcpu_load/put).
 */
#ifdef CONFIG_PREEMPT_NOTIFIERS
static void hxen_vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	hx_arch_cpu_arrive(cpu);
}

static void hxen_vcpu_sched_out(struct preempt_notifier *pn,
				struct task_struct *next)
{
	hx_arch_cpu_leave();
}

static struct preempt_ops hxen_vcpu_preempt_ops = {
	.sched_in = hxen_vcpu_sched_in,
	.sched_out = hxen_vcpu_sched_out,
};

void hxen_vcpu_hooks_init(void)
{
	preempt_notifier_inc();
}

void hxen_vcpu_hooks_exit(void)
{
	preempt_notifier_dec();
}
#else
void hxen_vcpu_hooks_init(void)
{
}

void hxen_vcpu_hooks_exit(void)
{
}
#endif

static void hxen_vcpu_arrive(struct hxen_vcpu *v)
{
	preempt_disable();
#ifdef CONFIG_PREEMPT_NOTIFIERS
	preempt_notifier_register(&v->switch_hook);
#endif
	hx_arch_cpu_arrive(smp_processor_id());
	preempt_enable();
}

static void hxen_vcpu_leave(struct hxen_vcpu *v)
{
	unsigned long flags;

	preempt_disable();
#ifdef CONFIG_PREEMPT_NOTIFIERS
	preempt_notifier_unregister(&v->switch_hook);
#endif
	local_irq_save(flags);
	hx_arch_cpu_leave();
	local_irq_restore(flags);
	preempt_enable();
}

static long hxen_vcpu_run(struct hxen_vcpu *v)
{
	struct hx_exit *e = &v->core->exit;
	long err;

	/* The device model's answer to an MMIO read is in the run page. */
	if (e->reason == HX_EXIT_MMIO && !e->mmio.is_write)
		memcpy(e->mmio.data, v->run->mmio.data, sizeof(e->mmio.data));
	WRITE_ONCE(v->runner, current);
	hxen_vcpu_arrive(v);
	err = hx_vcpu_run(v->core);
	hxen_vcpu_leave(v);
	WRITE_ONCE(v->runner, NULL);
	hxen_vcpu_report_exit(v);
	return err;
}

static void regs_from_state(struct hxen_regs *r, const struct hx_state *st)
{
	const u64 *g = st->gprs;

	r->rax = g[HX_RAX];
	r->rbx = g[HX_RBX];
	r->rcx = g[HX_RCX];
	r->rdx = g[HX_RDX];
	r->rsi = g[HX_RSI];
	r->rdi = g[HX_RDI];
	r->rsp = g[HX_RSP];
	r->rbp = g[HX_RBP];
	r->r8 = g[HX_R8];
	r->r9 = g[HX_R9];
	r->r10 = g[HX_R10];
	r->r11 = g[HX_R11];
	r->r12 = g[HX_R12];
	r->r13 = g[HX_R13];
	r->r14 = g[HX_R14];
	r->r15 = g[HX_R15];
	r->rip = st->rip;
	r->rflags = st->rflags;
}

static void regs_to_state(struct hx_state *st, const struct hxen_regs *r)
{
	u64 *g = st->gprs;

	g[HX_RAX] = r->rax;
	g[HX_RBX] = r->rbx;
	g[HX_RCX] = r->rcx;
	g[HX_RDX] = r->rdx;
	g[HX_RSI] = r->rsi;
	g[HX_RDI] = r->rdi;
	g[HX_RSP] = r->rsp;
	g[HX_RBP] = r->rbp;
	g[HX_R8] = r->r8;
	g[HX_R9] = r->r9;
	g[HX_R10] = r->r10;
	g[HX_R11] = r->r11;
	g[HX_R12] = r->r12;
	g[HX_R13] = r->r13;
	g[HX_R14] = r->r14;
	g[HX_R15] = r->r15;
	st->rip = r->rip;
	st->rflags = r->rflags;
}

static void seg_out(struct hxen_segment *d, const struct hx_seg *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->selector = s->sel;
	d->attrib = s->attrib;
}

static void seg_in(struct hx_seg *d, const struct hxen_segment *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->sel = s->selector;
	d->attrib = s->attrib;
}

static void sregs_from_state(struct hxen_sregs *r, const struct hx_state *st)
{
	memset(r, 0, sizeof(*r));
	seg_out(&r->cs, &st->cs);
	seg_out(&r->ds, &st->ds);
	seg_out(&r->es, &st->es);
	seg_out(&r->fs, &st->fs);
	seg_out(&r->gs, &st->gs);
	seg_out(&r->ss, &st->ss);
	seg_out(&r->tr, &st->tr);
	seg_out(&r->ldt, &st->ldt);
	r->gdt.base = st->gdt.base;
	r->gdt.limit = st->gdt.limit;
	r->idt.base = st->idt.base;
	r->idt.limit = st->idt.limit;
	r->cr0 = st->cr0;
	r->cr2 = st->cr2;
	r->cr3 = st->cr3;
	r->cr4 = st->cr4;
	r->efer = st->efer;
}

static int sregs_to_state(struct hx_state *st, const struct hxen_sregs *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (r->gdt.pad[0] | r->gdt.pad[1] | r->gdt.pad[2] |
	    r->idt.pad[0] | r->idt.pad[1] | r->idt.pad[2])
		return -EINVAL;
	seg_in(&st->cs, &r->cs);
	seg_in(&st->ds, &r->ds);
	seg_in(&st->es, &r->es);
	seg_in(&st->fs, &r->fs);
	seg_in(&st->gs, &r->gs);
	seg_in(&st->ss, &r->ss);
	seg_in(&st->tr, &r->tr);
	seg_in(&st->ldt, &r->ldt);
	st->gdt.base = r->gdt.base;
	st->gdt.limit = r->gdt.limit;
	st->idt.base = r->idt.base;
	st->idt.limit = r->idt.limit;
	st->cr0 = r->cr0;
	st->cr2 = r->cr2;
	st->cr3 = r->cr3;
	st->cr4 = r->cr4;
	st->efer = r->efer;
	return 0;
}

static void debugregs_from_state(struct hxen_debugregs *r,
				 const struct hx_state *st)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->db, st->db, sizeof(r->db));
	r->dr6 = st->dr6;
	r->dr7 = st->dr7;
}

/* VMRUN refuses DR6/DR7 with any of bits 63:32 set. */
static int debugregs_to_state(struct hx_state *st,
			      const struct hxen_debugregs *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if ((r->dr6 | r->dr7) >> 32)
		return -EINVAL;
	memcpy(st->db, r->db, sizeof(st->db));
	st->dr6 = r->dr6;
	st->dr7 = r->dr7;
	return 0;
}

static long hxen_vcpu_regs(struct hxen_vcpu *v, unsigned int cmd,
			   void __user *argp)
{
	struct hx_state st;
	union {
		struct hxen_regs regs;
		struct hxen_sregs sregs;
		struct hxen_debugregs dregs;
	} u;
	int err = 0;

	hx_vcpu_get_state(v->core, &st);
	switch (cmd) {
	case HXEN_VCPU_GET_DEBUGREGS:
		debugregs_from_state(&u.dregs, &st);
		return copy_to_user(argp, &u.dregs, sizeof(u.dregs)) ? -EFAULT : 0;
	case HXEN_VCPU_SET_DEBUGREGS:
		if (copy_from_user(&u.dregs, argp, sizeof(u.dregs)))
			return -EFAULT;
		err = debugregs_to_state(&st, &u.dregs);
		break;
	case HXEN_VCPU_GET_REGS:
		regs_from_state(&u.regs, &st);
		return copy_to_user(argp, &u.regs, sizeof(u.regs)) ? -EFAULT : 0;
	case HXEN_VCPU_GET_SREGS:
		sregs_from_state(&u.sregs, &st);
		return copy_to_user(argp, &u.sregs, sizeof(u.sregs)) ? -EFAULT : 0;
	case HXEN_VCPU_SET_REGS:
		if (copy_from_user(&u.regs, argp, sizeof(u.regs)))
			return -EFAULT;
		regs_to_state(&st, &u.regs);
		break;
	default:
		if (copy_from_user(&u.sregs, argp, sizeof(u.sregs)))
			return -EFAULT;
		err = sregs_to_state(&st, &u.sregs);
		break;
	}
	if (!err)
		hx_vcpu_set_state(v->core, &st);
	return err;
}

/* HXEN_VCPU_GET_MSRS / _SET_MSRS: returns the number of entries done. */
static long hxen_vcpu_msrs(struct hxen_vcpu *v, unsigned int cmd,
			   void __user *argp)
{
	struct hxen_msrs __user *um = argp;
	struct hxen_msr_entry *ent;
	struct hxen_msrs hdr;
	size_t bytes;
	long done = 0;
	u32 i;

	if (copy_from_user(&hdr, um, sizeof(hdr)))
		return -EFAULT;
	if (hdr.pad || hdr.nmsrs > HXEN_MAX_MSRS)
		return -EINVAL;
	bytes = array_size(hdr.nmsrs, sizeof(*ent));
	ent = memdup_user(um->entries, bytes);
	if (IS_ERR(ent))
		return PTR_ERR(ent);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (ent[i].reserved) {
			done = done ? done : -EINVAL;
			break;
		}
		if (cmd == HXEN_VCPU_GET_MSRS) {
			u64 val;

			if (hx_vcpu_get_msr(v->core, ent[i].index, &val))
				break;
			ent[i].data = val;
		} else if (hx_vcpu_set_msr(v->core, ent[i].index,
					   ent[i].data)) {
			break;
		}
		done++;
	}
	if (cmd == HXEN_VCPU_GET_MSRS && done > 0 &&
	    copy_to_user(um->entries, ent, done * sizeof(*ent)))
		done = -EFAULT;
	kfree(ent);
	return done;
}

static long hxen_vcpu_xsave(struct hxen_vcpu *v, unsigned int cmd,
			    void __user *argp)
{
	struct hxen_xsave *x;
	long err = 0;
	size_t i;

	/* 4 KiB and more: not on the stack. */
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	if (cmd == HXEN_VCPU_GET_XSAVE) {
		hx_fpu_get(&v->core->fpu, x->region, &x->xcr0);
		x->supported_xcr0 = hx_fpu_guest_mask();
		x->size = hx_fpu_area_size();
		if (copy_to_user(argp, x, sizeof(*x)))
			err = -EFAULT;
		goto out;
	}
	if (copy_from_user(x, argp, sizeof(*x))) {
		err = -EFAULT;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(x->reserved); i++)
		if (x->reserved[i])
			err = -EINVAL;
	if (!err && x->pad)
		err = -EINVAL;
	if (!err)
		err = hx_fpu_set(&v->core->fpu, x->region, x->xcr0);
out:
	kfree(x);
	return err;
}

static long hxen_vcpu_get_stats(struct hxen_vcpu *v, void __user *argp)
{
	const struct hx_vcpu_stats *s = &v->core->stats;
	struct hxen_vcpu_stats out;

	memset(&out, 0, sizeof(out));
	out.exits = s->exits;
	out.io_exits = s->io;
	out.mmio_exits = s->mmio;
	out.hlt_exits = s->hlt;
	out.cpuid_exits = s->cpuid;
	out.msr_exits = s->msr;
	out.intr_exits = s->intr;
	out.npf_exits = s->npf;
	out.hypercalls = s->hypercalls;
	out.user_exits = s->user;
	out.irq_window_exits = s->irq_windows;
	out.exception_exits = s->exceptions;
	out.unknown_hypercalls = s->unknown_hypercalls;
	return copy_to_user(argp, &out, sizeof(out)) ? -EFAULT : 0;
}

static long hxen_vcpu_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct hxen_vcpu *v = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (v->vm->mm != current->mm)
		return -EIO;
	if (_IOC_TYPE(cmd) != HXEN_IOCTL_TYPE)
		return -ENOTTY;

	switch (cmd) {
	case HXEN_VCPU_INJECT:
		return hxen_vcpu_inject(v, argp);
	case HXEN_VCPU_RUN:
		if (arg)
			return -EINVAL;
		break;
	case HXEN_VCPU_GET_REGS:
	case HXEN_VCPU_SET_REGS:
	case HXEN_VCPU_GET_SREGS:
	case HXEN_VCPU_SET_SREGS:
	case HXEN_VCPU_GET_DEBUGREGS:
	case HXEN_VCPU_SET_DEBUGREGS:
	case HXEN_VCPU_GET_MSRS:
	case HXEN_VCPU_SET_MSRS:
	case HXEN_VCPU_GET_XSAVE:
	case HXEN_VCPU_SET_XSAVE:
	case HXEN_VCPU_GET_STATS:
		break;
	default:
		return -ENOTTY;
	}

	if (mutex_lock_killable(&v->lock))
		return -EINTR;
	if (cmd == HXEN_VCPU_RUN)
		ret = hxen_vcpu_run(v);
	else if (cmd == HXEN_VCPU_GET_STATS)
		ret = hxen_vcpu_get_stats(v, argp);
	else if (cmd == HXEN_VCPU_GET_MSRS || cmd == HXEN_VCPU_SET_MSRS)
		ret = hxen_vcpu_msrs(v, cmd, argp);
	else if (cmd == HXEN_VCPU_GET_XSAVE || cmd == HXEN_VCPU_SET_XSAVE)
		ret = hxen_vcpu_xsave(v, cmd, argp);
	else
		ret = hxen_vcpu_regs(v, cmd, argp);
	mutex_unlock(&v->lock);
	return ret;
}

static vm_fault_t hxen_vcpu_fault(struct vm_fault *vmf)
{
	struct hxen_vcpu *v = vmf->vma->vm_file->private_data;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	get_page(v->run_page);
	vmf->page = v->run_page;
	return 0;
}

static const struct vm_operations_struct hxen_vcpu_vm_ops = {
	.fault = hxen_vcpu_fault,
};

static int hxen_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hxen_vcpu *v = file->private_data;

	if (v->vm->mm != current->mm)
		return -EIO;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	hxen_vma_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &hxen_vcpu_vm_ops;
	return 0;
}

static const struct file_operations hxen_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = hxen_vcpu_release,
	.unlocked_ioctl = hxen_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hxen_vcpu_mmap,
	.llseek = noop_llseek,
};

int hxen_vcpu_create_fd(struct hxen_vm *vm, struct file *vm_file,
			unsigned long id)
{
	struct hxen_vcpu *v;
	int fd, err;

	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	v->run_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!v->run_page) {
		err = -ENOMEM;
		goto out_free_v;
	}
	v->run = page_address(v->run_page);
	mutex_init(&v->lock);
	init_waitqueue_head(&v->wq);
#ifdef CONFIG_PREEMPT_NOTIFIERS
	preempt_notifier_init(&v->switch_hook, &hxen_vcpu_preempt_ops);
#endif
	hxen_hrtimer_setup(&v->timer, hxen_vcpu_timer_fn, CLOCK_MONOTONIC,
			   HRTIMER_MODE_ABS_PINNED);
	v->vm = vm;

	mutex_lock(&vm->lock);
	if (test_bit(id, vm->vcpu_ids)) {
		err = -EEXIST;
		goto out_unlock;
	}
	v->core = hx_vcpu_create(vm->core, id);
	if (!v->core) {
		err = -ENOMEM;
		goto out_unlock;
	}
	hx_vcpu_set_io_buffer(v->core, (u8 *)v->run + HXEN_RUN_DATA_OFFSET,
			      HXEN_RUN_DATA_SIZE);
	v->core->host = v;
	set_bit(id, vm->vcpu_ids);
	mutex_unlock(&vm->lock);

	/* The vCPU keeps the VM (and so its RAM and tables) alive. */
	v->vm_file = get_file(vm_file);
	fd = anon_inode_getfd("hxen-vcpu", &hxen_vcpu_fops, v,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		fput(v->vm_file);
		mutex_lock(&vm->lock);
		clear_bit(id, vm->vcpu_ids);
		hx_vcpu_destroy(v->core);
		mutex_unlock(&vm->lock);
		__free_page(v->run_page);
		goto out_free_v;
	}
	return fd;

out_unlock:
	mutex_unlock(&vm->lock);
	__free_page(v->run_page);
out_free_v:
	kfree(v);
	return err;
}
