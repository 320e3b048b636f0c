// SPDX-License-Identifier: GPL-2.0
/*
 * guesttest: runs the test guests on hxen and checks every exit, the
 * registers and guest memory.  Prints "PASS: guest/<name>" or
 * "FAIL: guest/<name>: <why>".  Run inside the sandbox.
 *
 *   guesttest DIR all     every test below; the guests are DIR/NAME.bin
 *   guesttest DIR spin    run a spinning guest forever (for kill tests)
 *   guesttest DIR beside NAME
 *                         the guests of each kind (I/O, interrupts, long
 *                         mode, MMIO, the Xen interface, two vCPUs), for
 *                         runs beside another hypervisor (guest/NAME/...)
 *   guesttest DIR hotplug the same after CPU hotplug (guest/hotplug/after-...)
 *   guesttest DIR io NAME the I/O guest alone (guest/NAME/io/...)
 *   guesttest DIR only GROUP  one group: io, triple, bad-state, signal, irq,
 *                         window, long, pmode, mmio, state, xen, smp, two-vms
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hxen.h>

#define RAM_SIZE	(1 << 20)
#define LOAD_ADDR	0x1000

static const char *guest_dir;
static const char *prefix = "";
static int failures;

static void check(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: guest/%s%s\n", prefix, name);
		return;
	}
	failures++;
	printf("FAIL: guest/%s%s: ", prefix, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

struct vm {
	int dev, fd;
	unsigned char *ram;
};

struct vcpu {
	int fd;
	struct hxen_run *run;
};

static int vm_open(struct vm *vm)
{
	struct hxen_ram_range r = { .gpa = 0, .size = RAM_SIZE };

	vm->dev = open(getenv("HXEN_DEVICE") ? getenv("HXEN_DEVICE") : "/dev/hxen",
		       O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		return -errno;
	vm->fd = ioctl(vm->dev, HXEN_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	if (ioctl(vm->fd, HXEN_VM_ADD_RAM, &r) < 0)
		return -errno;
	vm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->fd, 0);
	return vm->ram == MAP_FAILED ? -errno : 0;
}

static void vm_close(struct vm *vm)
{
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, RAM_SIZE);
	close(vm->fd);
	close(vm->dev);
}

static int load_guest(struct vm *vm, const char *name)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.bin", guest_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	n = fread(vm->ram + LOAD_ADDR, 1, RAM_SIZE - LOAD_ADDR, f);
	fclose(f);
	return n ? 0 : -EIO;
}

/* vCPU @id starting in real mode at 0:LOAD_ADDR. */
static int vcpu_open(struct vm *vm, int id, struct vcpu *v)
{
	struct hxen_sregs s;
	struct hxen_regs r;

	v->fd = ioctl(vm->fd, HXEN_VM_CREATE_VCPU, id);
	if (v->fd < 0)
		return -errno;
	v->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		return -errno;
	if (ioctl(v->fd, HXEN_VCPU_GET_SREGS, &s) < 0)
		return -errno;
	s.cs.selector = 0;
	s.cs.base = 0;
	if (ioctl(v->fd, HXEN_VCPU_SET_SREGS, &s) < 0)
		return -errno;
	memset(&r, 0, sizeof(r));
	r.rip = LOAD_ADDR;
	r.rflags = 2;
	r.rsp = 0x8000;
	return ioctl(v->fd, HXEN_VCPU_SET_REGS, &r) < 0 ? -errno : 0;
}

static void vcpu_close(struct vcpu *v)
{
	munmap(v->run, 4096);
	close(v->fd);
}

/* A VM with the guest NAME loaded and vCPU 0 at its entry. */
static int guest_setup(struct vm *vm, struct vcpu *v, const char *name)
{
	int err = vm_open(vm);

	if (!err)
		err = load_guest(vm, name);
	if (!err)
		err = vcpu_open(vm, 0, v);
	return err;
}

static int vcpu_run(struct vcpu *v)
{
	return ioctl(v->fd, HXEN_VCPU_RUN, 0) < 0 ? -errno : 0;
}

static uint64_t io_data(const struct vcpu *v)
{
	const unsigned char *d = (const unsigned char *)v->run + HXEN_RUN_DATA_OFFSET;
	uint64_t val = 0;
	int i;

	for (i = 0; i < v->run->io.size; i++)
		val |= (uint64_t)d[i] << (8 * i);
	return val;
}

/* Run until the next exit and check it is an OUT of @want to @port. */
static int expect_out(struct vcpu *v, const char *name, uint16_t port,
		      uint8_t size, uint64_t want, uint64_t mask)
{
	int err = vcpu_run(v);
	struct hxen_run *r = v->run;
	int ok = !err && r->exit_reason == HXEN_EXIT_IO &&
		 r->io.direction == HXEN_IO_OUT && r->io.port == port &&
		 r->io.size == size && r->io.count == 1 &&
		 (io_data(v) & mask) == want;

	if (r->exit_reason == HXEN_EXIT_INTERNAL)
		check(name, ok, "internal exit %u: code %#llx info1 %#llx info2 %#llx rip %#llx",
		      r->internal.suberror,
		      (unsigned long long)r->internal.data[0],
		      (unsigned long long)r->internal.data[1],
		      (unsigned long long)r->internal.data[2],
		      (unsigned long long)r->internal.data[3]);
	else
		check(name, ok, "run %d, exit %u, dir %u, port %#x, size %u, data %#llx",
		      err, r->exit_reason, r->io.direction, r->io.port,
		      r->io.size, (unsigned long long)io_data(v));
	return ok;
}

static void test_realmode_io(void)
{
	unsigned int eax, ebx, ecx, edx;
	struct hxen_vcpu_stats st;
	struct hxen_regs regs;
	struct vcpu v;
	struct vm vm;
	int err;

	err = vm_open(&vm);
	check("io/vm", !err, "%s", strerror(-err));
	if (err)
		return;
	err = load_guest(&vm, "realmode_io");
	if (!err)
		err = vcpu_open(&vm, 0, &v);
	check("io/setup", !err, "%s", strerror(-err));
	if (err) {
		vm_close(&vm);
		return;
	}

	expect_out(&v, "io/out-byte", 0xe9, 1, 'O', 0xff);
	expect_out(&v, "io/out-byte-again", 0xe9, 1, 'K', 0xff);

	err = vcpu_run(&v);
	check("io/in-exit", !err && v.run->exit_reason == HXEN_EXIT_IO &&
	      v.run->io.direction == HXEN_IO_IN && v.run->io.port == 0x71 &&
	      v.run->io.size == 1, "run %d exit %u dir %u port %#x", err,
	      v.run->exit_reason, v.run->io.direction, v.run->io.port);
	((unsigned char *)v.run)[HXEN_RUN_DATA_OFFSET] = 0x5a;
	expect_out(&v, "io/in-value-reaches-guest", 0x72, 1, 0x5a, 0xff);

	__cpuid(0, eax, ebx, ecx, edx);
	expect_out(&v, "io/cpuid-vendor", 0x73, 4, ebx, 0xffffffff);
	expect_out(&v, "io/cpuid-hypervisor-bit", 0x74, 4, 1ULL << 31, 1ULL << 31);
	expect_out(&v, "io/cpuid-no-svm-in-guest-apic-id", 0x75, 1, 0, 0xff);

	err = vcpu_run(&v);
	check("io/hlt", !err && v.run->exit_reason == HXEN_EXIT_HLT,
	      "run %d exit %u", err, v.run->exit_reason);
	check("io/guest-wrote-ram", vm.ram[0x2000] == 0xef && vm.ram[0x2001] == 0xbe,
	      "RAM at 0x2000: %02x %02x", vm.ram[0x2000], vm.ram[0x2001]);

	err = vcpu_run(&v);
	check("io/hypercall", !err && v.run->exit_reason == HXEN_EXIT_HYPERCALL &&
	      v.run->hypercall.nr == 0x1234 && v.run->hypercall.args[0] == 5,
	      "run %d exit %u nr %#llx arg0 %llu", err, v.run->exit_reason,
	      (unsigned long long)v.run->hypercall.nr,
	      (unsigned long long)v.run->hypercall.args[0]);

	err = ioctl(v.fd, HXEN_VCPU_GET_REGS, &regs);
	check("io/regs-after-hypercall", !err && regs.rip == LOAD_ADDR + 0x45 &&
	      (regs.rax & 0xffff) == 0x1234 && (regs.rdi & 0xffff) == 5,
	      "rip %#llx rax %#llx", (unsigned long long)regs.rip,
	      (unsigned long long)regs.rax);

	err = vcpu_run(&v);
	check("io/hlt-after-hypercall", !err && v.run->exit_reason == HXEN_EXIT_HLT,
	      "run %d exit %u", err, v.run->exit_reason);

	memset(&st, 0, sizeof(st));
	err = ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	check("io/stats", !err && st.io_exits == 7 && st.cpuid_exits == 2 &&
	      st.hlt_exits == 2 && st.hypercalls == 1 && st.user_exits == 10,
	      "io %llu cpuid %llu hlt %llu hypercalls %llu user %llu",
	      (unsigned long long)st.io_exits, (unsigned long long)st.cpuid_exits,
	      (unsigned long long)st.hlt_exits, (unsigned long long)st.hypercalls,
	      (unsigned long long)st.user_exits);
	vcpu_close(&v);
	vm_close(&vm);
}

static void test_triple_fault(void)
{
	struct vcpu v;
	struct vm vm;
	int err;

	err = guest_setup(&vm, &v, "realmode_triple");
	check("triple/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	err = vcpu_run(&v);
	check("triple/shutdown-exit", !err && v.run->exit_reason == HXEN_EXIT_SHUTDOWN,
	      "run %d exit %u", err, v.run->exit_reason);
	err = vcpu_run(&v);
	check("triple/dead-after-shutdown", err == -EIO, "run returned %d", err);
	vcpu_close(&v);
	vm_close(&vm);
}

static void test_bad_state(void)
{
	struct hxen_sregs s;
	struct vcpu v;
	struct vm vm;
	int err;

	err = guest_setup(&vm, &v, "realmode_io");
	check("badstate/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	ioctl(v.fd, HXEN_VCPU_GET_SREGS, &s);
	/* CR0.NW without CR0.CD is illegal (APM vol. 2, 15.5.1). */
	s.cr0 = 0x20000010;
	err = ioctl(v.fd, HXEN_VCPU_SET_SREGS, &s) < 0 ? -errno : 0;
	if (!err)
		err = vcpu_run(&v);
	check("badstate/fail-entry", !err && v.run->exit_reason == HXEN_EXIT_FAIL_ENTRY,
	      "run %d exit %u", err, v.run->exit_reason);
	s.reserved[3] = 1;
	err = ioctl(v.fd, HXEN_VCPU_SET_SREGS, &s) < 0 ? errno : 0;
	check("badstate/sregs-reserved-einval", err == EINVAL, "errno %d", err);
	err = ioctl(v.fd, HXEN_VCPU_RUN, 1) < 0 ? errno : 0;
	check("badstate/run-nonzero-arg", err == EINVAL, "errno %d", err);
	err = ioctl(v.fd, _IO(HXEN_IOCTL_TYPE, 0x7f)) < 0 ? errno : 0;
	check("badstate/vcpu-unknown-ioctl", err == ENOTTY, "errno %d", err);
	err = ioctl(v.fd, HXEN_VCPU_GET_REGS, (void *)8) < 0 ? errno : 0;
	check("badstate/get-regs-efault", err == EFAULT, "errno %d", err);
	err = ioctl(vm.fd, HXEN_VM_CREATE_VCPU, 0) < 0 ? errno : 0;
	check("badstate/duplicate-vcpu-id", err == EEXIST, "errno %d", err);
	err = ioctl(vm.fd, HXEN_VM_CREATE_VCPU, HXEN_MAX_VCPUS) < 0 ? errno : 0;
	check("badstate/vcpu-id-too-big", err == EINVAL, "errno %d", err);
	vcpu_close(&v);
	vm_close(&vm);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_signal_interrupts_run(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct hxen_vcpu_stats st;
	struct vcpu v;
	struct vm vm;
	int err;

	err = guest_setup(&vm, &v, "realmode_spin");
	check("spin/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	err = vcpu_run(&v);
	check("spin/signal-returns-eintr", err == -EINTR &&
	      v.run->exit_reason == HXEN_EXIT_INTR, "run %d exit %u", err,
	      v.run->exit_reason);
	ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	/* A second of guest time has host timer interrupts in it. */
	check("spin/host-interrupts-served", st.intr_exits > 0,
	      "intr exits %llu", (unsigned long long)st.intr_exits);
	vcpu_close(&v);
	vm_close(&vm);
}

struct cpu_job {
	struct vm *vm;
	int id;
	int ok;
};

static void *run_one_vcpu(void *arg)
{
	struct cpu_job *j = arg;
	struct vcpu v;
	int i, seen_id = -1;

	if (vcpu_open(j->vm, j->id, &v))
		return NULL;
	for (i = 0; i < 12; i++) {
		if (vcpu_run(&v))
			break;
		if (v.run->exit_reason == HXEN_EXIT_IO && v.run->io.port == 0x75)
			seen_id = (int)io_data(&v);
		if (v.run->exit_reason == HXEN_EXIT_IO && v.run->io.port == 0x71)
			((unsigned char *)v.run)[HXEN_RUN_DATA_OFFSET] = 1;
		if (v.run->exit_reason == HXEN_EXIT_HLT)
			break;
	}
	j->ok = v.run->exit_reason == HXEN_EXIT_HLT && seen_id == j->id;
	vcpu_close(&v);
	return NULL;
}

static void test_two_vcpus(void)
{
	struct cpu_job jobs[2];
	pthread_t t[2];
	struct vm vm;
	int err, i;

	err = vm_open(&vm);
	if (!err)
		err = load_guest(&vm, "realmode_io");
	check("smp/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	for (i = 0; i < 2; i++) {
		jobs[i] = (struct cpu_job){ .vm = &vm, .id = i };
		pthread_create(&t[i], NULL, run_one_vcpu, &jobs[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check("smp/two-vcpus-at-once", jobs[0].ok && jobs[1].ok,
	      "vcpu0 %d vcpu1 %d", jobs[0].ok, jobs[1].ok);
	vm_close(&vm);
}

static void test_two_vms(void)
{
	pid_t pid[2];
	int i, status, ok = 1;

	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			struct cpu_job j = { .id = 0 };
			struct vm vm;

			if (vm_open(&vm) || load_guest(&vm, "realmode_io"))
				_exit(1);
			j.vm = &vm;
			run_one_vcpu(&j);
			_exit(j.ok ? 0 : 1);
		}
	}
	for (i = 0; i < 2; i++) {
		waitpid(pid[i], &status, 0);
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	check("smp/two-vms-at-once", ok, "a VM process failed");
}

static int inject(struct vcpu *v, uint32_t type, uint32_t vector)
{
	struct hxen_inject in = { .type = type, .vector = vector };

	return ioctl(v->fd, HXEN_VCPU_INJECT, &in) < 0 ? -errno : 0;
}

/* Run to the next exit: the OUT port, 0x100 + reason otherwise, <0 error. */
static int next_port(struct vcpu *v)
{
	int err = vcpu_run(v);

	if (err)
		return err;
	if (v->run->exit_reason != HXEN_EXIT_IO)
		return 0x100 + (int)v->run->exit_reason;
	return v->run->io.port;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct delayed_inject {
	struct vcpu *v;
	int ms;
	int err;
};

static void *inject_later(void *arg)
{
	struct delayed_inject *d = arg;

	usleep((useconds_t)d->ms * 1000);
	d->err = inject(d->v, HXEN_INJECT_IRQ, 0x30);
	return NULL;
}

static void test_interrupts(void)
{
	struct delayed_inject d;
	struct hxen_vcpu_stats st;
	struct sigaction sa = { .sa_handler = on_alarm };
	pthread_t t;
	struct vcpu v;
	struct vm vm;
	double t0, waited;
	int err, err2, p1, p2, p3, sp1, sp2;

	/* An interrupt queued while IF=0 waits for STI (and its shadow). */
	err = guest_setup(&vm, &v, "realmode_irq");
	check("irq/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	p1 = next_port(&v);
	err = inject(&v, HXEN_INJECT_IRQ, 0x30);
	check("irq/inject", p1 == 0x78 && !err, "port %#x, inject %d", p1, err);
	check("irq/inject-twice-ebusy", inject(&v, HXEN_INJECT_IRQ, 0x31) == -EBUSY,
	      "a second pending IRQ was accepted");
	p1 = next_port(&v);
	p2 = next_port(&v);
	p3 = next_port(&v);
	check("irq/window-respected", p1 == 0x79, "first exit after inject: %#x", p1);
	check("irq/delivered-after-sti", p2 == 0x76 && p3 == 0x77,
	      "exits %#x then %#x", p2, p3);
	check("irq/hlt-with-if-clear-exits", next_port(&v) == 0x100 + HXEN_EXIT_HLT,
	      "no HLT exit at the end");
	vcpu_close(&v);
	vm_close(&vm);

	/* HLT with IF=1 sleeps in the kernel until something is injected. */
	err = guest_setup(&vm, &v, "realmode_irq");
	if (err)
		return;
	next_port(&v);
	next_port(&v);
	d = (struct delayed_inject){ .v = &v, .ms = 300 };
	t0 = now_ms();
	pthread_create(&t, NULL, inject_later, &d);
	p1 = next_port(&v);
	waited = now_ms() - t0;
	pthread_join(t, NULL);
	check("irq/hlt-sleeps-until-injected", p1 == 0x76 && d.err == 0 &&
	      waited >= 250, "exit %#x after %.0f ms (inject %d)", p1, waited, d.err);
	ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	check("irq/hlt-counted", st.hlt_exits == 1, "hlt exits %llu",
	      (unsigned long long)st.hlt_exits);
	vcpu_close(&v);
	vm_close(&vm);

	/* A signal ends the sleep; the vCPU goes on afterwards. */
	err = guest_setup(&vm, &v, "realmode_irq");
	if (err)
		return;
	next_port(&v);
	next_port(&v);
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	err = vcpu_run(&v);
	check("irq/signal-ends-hlt-sleep", err == -EINTR &&
	      v.run->exit_reason == HXEN_EXIT_INTR, "run %d exit %u", err,
	      v.run->exit_reason);
	inject(&v, HXEN_INJECT_IRQ, 0x30);
	check("irq/runs-after-signal", next_port(&v) == 0x76, "no interrupt");
	vcpu_close(&v);
	vm_close(&vm);

	/*
	 * An NMI is delivered even with IF=0.  A second one queued while
	 * the first handler runs waits for its IRET: same stack depth.
	 */
	err = guest_setup(&vm, &v, "realmode_irq");
	if (err)
		return;
	next_port(&v);
	err = inject(&v, HXEN_INJECT_NMI, 0);
	p1 = next_port(&v);
	sp1 = (int)io_data(&v);
	err2 = inject(&v, HXEN_INJECT_NMI, 0);
	p2 = next_port(&v);
	sp2 = (int)io_data(&v);
	p3 = next_port(&v);
	check("irq/nmi-with-if-clear", !err && p1 == 0x7a,
	      "inject %d, exit %#x", err, p1);
	check("irq/nmi-blocked-until-iret", !err2 && p2 == 0x7a && sp2 == sp1 &&
	      p3 == 0x79, "inject %d, exits %#x (sp %#x, first %#x) then %#x",
	      err2, p2, sp2, sp1, p3);
	check("irq/bad-type", inject(&v, 7, 0) == -EINVAL, "type 7 accepted");
	check("irq/bad-vector", inject(&v, HXEN_INJECT_IRQ, 256) == -EINVAL,
	      "vector 256 accepted");
	check("irq/nmi-with-vector", inject(&v, HXEN_INJECT_NMI, 3) == -EINVAL,
	      "NMI with a vector accepted");
	vcpu_close(&v);
	vm_close(&vm);
}

static long long out_value(struct vcpu *v, const char *name, uint16_t port);

/* An interrupt queued while IF=0 arrives right after STI's shadow. */
static void test_interrupt_window(void)
{
	struct hxen_vcpu_stats st;
	struct vcpu v;
	struct vm vm;
	long long at;
	int err, p;

	err = guest_setup(&vm, &v, "realmode_window");
	check("window/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	p = next_port(&v);
	err = inject(&v, HXEN_INJECT_IRQ, 0x30);
	check("window/inject", p == 0x78 && !err, "port %#x, inject %d", p, err);
	at = out_value(&v, "window/delivered-in-loop", 0x76);
	check("window/delivered-at-once", at == 0, "ECX at delivery %#llx", at);
	at = out_value(&v, "window/loop-finished", 0x7b);
	check("window/loop-finished", at == 0x100000, "ECX %#llx", at);
	memset(&st, 0, sizeof(st));
	ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	check("window/exit-counted", st.irq_window_exits >= 1,
	      "irq window exits %llu", (unsigned long long)st.irq_window_exits);
	vcpu_close(&v);
	vm_close(&vm);
}

static void test_long_mode(void)
{
	struct hxen_vcpu_stats st;
	struct hxen_sregs sr;
	struct vcpu v;
	struct vm vm;
	int err;

	err = guest_setup(&vm, &v, "longmode");
	check("long/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	expect_out(&v, "long/entered-64-bit", 0x80, 1, 'L', 0xff);
	/* EFER as the guest reads it: LME | LMA, and no SVME. */
	expect_out(&v, "long/efer-lme-lma", 0x81, 4, 0x500, 0x1d00);
	err = ioctl(v.fd, HXEN_VCPU_GET_SREGS, &sr);
	check("long/sregs", !err && (sr.efer & 0x500) == 0x500 &&
	      !(sr.efer & 0x1000) && (sr.cs.attrib & 0x200) && (sr.cr0 >> 31) &&
	      sr.cr3 == 0x8000, "efer %#llx cs.attrib %#x cr0 %#llx cr3 %#llx",
	      (unsigned long long)sr.efer, sr.cs.attrib,
	      (unsigned long long)sr.cr0, (unsigned long long)sr.cr3);
	expect_out(&v, "long/star-low", 0x82, 4, 0x12345678, 0xffffffff);
	expect_out(&v, "long/star-high", 0x83, 4, 0x00230010, 0xffffffff);
	expect_out(&v, "long/unknown-msr-gp-to-guest-idt", 0x84, 1, 13, 0xff);
	expect_out(&v, "long/continues-after-handler", 0x85, 1, 0, 0);
	err = vcpu_run(&v);
	check("long/hlt", !err && v.run->exit_reason == HXEN_EXIT_HLT,
	      "run %d exit %u", err, v.run->exit_reason);
	ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	check("long/msr-exits-in-kernel", st.msr_exits == 6,
	      "msr exits %llu", (unsigned long long)st.msr_exits);
	vcpu_close(&v);
	vm_close(&vm);
}

/* Does the CPU we run on have @feature in /proc/cpuinfo's flags? */
static int host_has(const char *feature)
{
	char line[4096], *p;
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t n = strlen(feature);
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (p = strstr(line, feature); p; p = strstr(p + 1, feature))
			if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n'))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

/* Run until an OUT to @port; return its data, or -1 (and fail @name). */
static long long out_value(struct vcpu *v, const char *name, uint16_t port)
{
	int err = vcpu_run(v);
	struct hxen_run *r = v->run;
	int ok = !err && r->exit_reason == HXEN_EXIT_IO &&
		 r->io.direction == HXEN_IO_OUT && r->io.port == port;

	if (!ok && r->exit_reason == HXEN_EXIT_FAIL_ENTRY)
		check(name, 0, "run %d, failed entry, hardware code %#llx", err,
		      (unsigned long long)r->fail_entry.hardware_exit_code);
	else if (!ok)
		check(name, 0, "run %d, exit %u, port %#x (want %#x), data %#llx",
		      err, r->exit_reason, r->io.port, port,
		      (unsigned long long)io_data(v));
	return ok ? (long long)io_data(v) : -1;
}

/* Overwrite this thread's own vector registers before entering again. */
static void clobber_host_vectors(int avx)
{
	if (avx)
		__asm__ __volatile__("vxorps %%ymm0, %%ymm0, %%ymm0\n\t"
				     "vxorps %%ymm1, %%ymm1, %%ymm1"
				     ::: "xmm0", "xmm1");
	else
		__asm__ __volatile__("pcmpeqb %%xmm0, %%xmm0\n\t"
				     "pcmpeqb %%xmm1, %%xmm1"
				     ::: "xmm0", "xmm1");
}

static int xsave_set(struct vcpu *v, const struct hxen_xsave *x)
{
	return ioctl(v->fd, HXEN_VCPU_SET_XSAVE, x) < 0 ? errno : 0;
}

static const uint64_t pat_a[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
static const uint64_t pat_b[2] = { 0x1111222233334444ULL, 0x5555666677778888ULL };

/* XSAVE area: XMM0 at 160, XMM1 at 176, MXCSR at 24, XSTATE_BV at 512. */
static void test_xsave_ioctls(struct vcpu *v, struct hxen_xsave *x, int xsave)
{
	struct hxen_xsave bad;
	int err;

	err = ioctl(v->fd, HXEN_VCPU_GET_XSAVE, x) < 0 ? errno : 0;
	check("state/get-xsave", !err && !memcmp(x->region + 160, pat_a, 16) &&
	      (x->supported_xcr0 & 3) == 3 && x->xcr0 == 1 &&
	      x->size >= (xsave ? 576u : 512u) && x->size <= sizeof(x->region),
	      "errno %d xcr0 %#llx supported %#llx size %u", err,
	      (unsigned long long)x->xcr0,
	      (unsigned long long)x->supported_xcr0, x->size);

	memcpy(&bad, x, sizeof(bad));
	bad.region[27] |= 0x80;		/* MXCSR bit 31: reserved */
	check("state/set-xsave-bad-mxcsr", xsave_set(v, &bad) == EINVAL,
	      "accepted");
	memcpy(&bad, x, sizeof(bad));
	bad.xcr0 = 0;
	check("state/set-xsave-bad-xcr0", xsave_set(v, &bad) == EINVAL,
	      "accepted");
	memcpy(&bad, x, sizeof(bad));
	bad.reserved[2] = 1;
	check("state/set-xsave-reserved", xsave_set(v, &bad) == EINVAL,
	      "accepted");
	if (xsave) {
		memcpy(&bad, x, sizeof(bad));
		bad.region[519] = 0x80;	/* XSTATE_BV bit 63 */
		check("state/set-xsave-bad-xstate-bv",
		      xsave_set(v, &bad) == EINVAL, "accepted");
		memcpy(&bad, x, sizeof(bad));
		bad.region[527] = 0x80;	/* XCOMP_BV: compacted form */
		check("state/set-xsave-compacted", xsave_set(v, &bad) == EINVAL,
		      "accepted");
	}
	memcpy(&bad, x, sizeof(bad));
	bad.region[sizeof(bad.region) - 1] = 1;
	check("state/set-xsave-past-size", xsave_set(v, &bad) == EINVAL,
	      "accepted");

	memcpy(x->region + 176, pat_b, 16);
	if (xsave)
		x->region[512] |= 2;	/* SSE state is not in its init state */
	err = xsave_set(v, x);
	check("state/set-xsave", err == 0, "errno %d", err);
}

static void test_debugreg_ioctls(struct vcpu *v)
{
	struct hxen_debugregs d;
	int err;

	err = ioctl(v->fd, HXEN_VCPU_GET_DEBUGREGS, &d) < 0 ? errno : 0;
	check("state/get-debugregs", !err && d.db[0] == 0x12345000 &&
	      (d.dr7 & 0xffff) == 0x401, "errno %d dr0 %#llx dr7 %#llx", err,
	      (unsigned long long)d.db[0], (unsigned long long)d.dr7);
	d.dr7 = 1ULL << 32;
	err = ioctl(v->fd, HXEN_VCPU_SET_DEBUGREGS, &d) < 0 ? errno : 0;
	check("state/set-debugregs-bad-dr7", err == EINVAL, "errno %d", err);
	d.dr7 = 0x401;
	d.reserved[0] = 1;
	err = ioctl(v->fd, HXEN_VCPU_SET_DEBUGREGS, &d) < 0 ? errno : 0;
	check("state/set-debugregs-reserved", err == EINVAL, "errno %d", err);
	d.reserved[0] = 0;
	d.db[1] = 0xabcd0000;
	err = ioctl(v->fd, HXEN_VCPU_SET_DEBUGREGS, &d) < 0 ? errno : 0;
	check("state/set-debugregs", err == 0, "errno %d", err);
}

struct msr_buf {
	struct hxen_msrs h;
	struct hxen_msr_entry e[4];
};

static int msrs(struct vcpu *v, unsigned long cmd, struct msr_buf *b, int n)
{
	b->h.nmsrs = (uint32_t)n;
	b->h.pad = 0;
	return ioctl(v->fd, cmd, b) < 0 ? -errno : ioctl(v->fd, cmd, b);
}

static void test_guest_state(void)
{
	int avx = host_has("avx"), xsave = host_has("xsave");
	struct hxen_xsave *x = calloc(1, sizeof(*x));
	struct hxen_vcpu_stats st;
	struct msr_buf b;
	struct vcpu v;
	struct vm vm;
	long long val;
	int err, n;

	err = x ? guest_setup(&vm, &v, "longmode_state") : ENOMEM;
	check("state/setup", !err, "%s", strerror(err < 0 ? -err : err));
	if (err) {
		free(x);
		return;
	}
	out_value(&v, "state/sse-loaded", 0x90);
	test_xsave_ioctls(&v, x, xsave);
	clobber_host_vectors(avx);
	val = out_value(&v, "state/xmm0-kept-across-exit", 0x91);
	check("state/xmm0-kept-across-exit", val == 0xffff, "mask %#llx", val);
	val = out_value(&v, "state/xmm1-from-set-xsave", 0x92);
	check("state/xmm1-from-set-xsave", val == 0xffff, "mask %#llx", val);

	if (xsave) {
		val = out_value(&v, "state/cpuid-osxsave", 0x93);
		check("state/cpuid-osxsave", val > 0 && (val & (1 << 27)) &&
		      (val & (1 << 26)), "cpuid 1 ecx %#llx", val);
		val = out_value(&v, "state/xcr0-reset", 0x94);
		check("state/xcr0-reset", val == 1, "xcr0 %#llx", val);
		if (avx) {
			val = out_value(&v, "state/xsetbv", 0x95);
			check("state/xsetbv", val == 7, "xcr0 %#llx", val);
			out_value(&v, "state/ymm-loaded", 0x96);
			clobber_host_vectors(avx);
			val = out_value(&v, "state/ymm-high-kept", 0x97);
			check("state/ymm-high-kept", val == 0xffff, "mask %#llx",
			      val);
		}
		val = out_value(&v, "state/xsetbv-bad-gp", 0x84);
		check("state/xsetbv-bad-gp", val == 13, "vector %lld", val);
	} else {
		/* A host without XSAVE: the guest must not see it either. */
		val = out_value(&v, "state/no-xsave-in-guest", 0xff);
		check("state/no-xsave-in-guest", val == 0x93, "marker %#llx", val);
	}

	val = out_value(&v, "state/dr0-roundtrip", 0x98);
	check("state/dr0-roundtrip", val == 0x12345000, "dr0 %#llx", val);
	val = out_value(&v, "state/dr7-roundtrip", 0x99);
	check("state/dr7-roundtrip", (val & 0xffff) == 0x401, "dr7 %#llx", val);
	out_value(&v, "state/debugregs-stop", 0x9a);
	test_debugreg_ioctls(&v);
	val = out_value(&v, "state/dr1-from-host", 0x9b);
	check("state/dr1-from-host", val == 0xabcd0000, "dr1 %#llx", val);
	val = out_value(&v, "state/single-step-db", 0x9c);
	check("state/single-step-db", val > 0 && (val & 0x4000), "dr6 %#llx", val);
	memset(&st, 0, sizeof(st));
	ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	check("state/db-intercepted-and-reflected", st.exception_exits >= 1,
	      "exception exits %llu", (unsigned long long)st.exception_exits);
	/*
	 * The guest arms a write watchpoint and writes.  QEMU's SVM does not
	 * arm breakpoints that VMRUN loads, so #DB only comes on hardware.
	 */
	err = vcpu_run(&v);
	val = (long long)io_data(&v);
	if (!err && v.run->exit_reason == HXEN_EXIT_IO && v.run->io.port == 0x9c) {
		check("state/watchpoint-db", (val & 0xf) == 1, "dr6 %#llx", val);
		out_value(&v, "state/msr-stop", 0x9d);
	} else {
		printf("NOTE: guest/state/watchpoint-db not checked: this CPU raised no #DB\n");
		check("state/msr-stop", !err && v.run->exit_reason == HXEN_EXIT_IO &&
		      v.run->io.port == 0x9d, "run %d exit %u port %#x", err,
		      v.run->exit_reason, v.run->io.port);
	}
	b.e[0] = (struct hxen_msr_entry){ .index = 0xc0000082,
					  .data = 0xffffffff81000000ULL };
	b.e[1] = (struct hxen_msr_entry){ .index = 0xc0000084, .data = 0x47700 };
	b.e[2] = (struct hxen_msr_entry){ .index = 0x12345, .data = 1 };
	n = msrs(&v, HXEN_VCPU_SET_MSRS, &b, 3);
	check("state/set-msrs-stops-at-unknown", n == 2, "returned %d", n);
	b.e[0].reserved = 1;
	n = msrs(&v, HXEN_VCPU_SET_MSRS, &b, 1);
	check("state/set-msrs-reserved", n == -EINVAL, "returned %d", n);
	b.e[0].reserved = 0;
	n = msrs(&v, HXEN_VCPU_SET_MSRS, &b, HXEN_MAX_MSRS + 1);
	check("state/set-msrs-too-many", n == -EINVAL, "returned %d", n);
	val = out_value(&v, "state/lstar-from-host", 0x9e);
	check("state/lstar-from-host", val == 0x81000000, "lstar low %#llx", val);
	val = out_value(&v, "state/cstar-noncanonical-gp", 0x84);
	check("state/cstar-noncanonical-gp", val == 13, "vector %lld", val);
	out_value(&v, "state/cstar-written", 0x9f);
	memset(&b, 0, sizeof(b));
	b.e[0].index = 0xc0000083;
	b.e[1].index = 0xc0000084;
	b.e[2].index = 0xc0000080;
	n = msrs(&v, HXEN_VCPU_GET_MSRS, &b, 3);
	check("state/get-msrs", n == 3 && b.e[0].data == 0xffff888011223344ULL &&
	      b.e[1].data == 0x47700 && (b.e[2].data & 0x500) == 0x500 &&
	      !(b.e[2].data & 0x1000), "n %d cstar %#llx sfmask %#llx efer %#llx",
	      n, (unsigned long long)b.e[0].data,
	      (unsigned long long)b.e[1].data, (unsigned long long)b.e[2].data);
	err = vcpu_run(&v);
	check("state/hlt", !err && v.run->exit_reason == HXEN_EXIT_HLT,
	      "run %d exit %u", err, v.run->exit_reason);
	free(x);
	vcpu_close(&v);
	vm_close(&vm);
}

/*
 * MMIO and string I/O emulation (pmode.S, longmode_mmio.S): the exits
 * come in a fixed order, listed in the guests' header comments.  Once an
 * exit is not of the expected kind the sequence is lost, and every
 * later check fails as "not reached".
 */
#define REPORT_PORT	0x81	/* the guests report registers here */

static struct {
	const char *lost;	/* the check whose exit was of the wrong kind */
	unsigned int io, mmio;	/* exits expected so far */
} seq;

static void seq_start(void)
{
	memset(&seq, 0, sizeof(seq));
}

static int seq_lost(const char *name)
{
	if (!seq.lost)
		return 0;
	check(name, 0, "not reached: the exit of %s was wrong", seq.lost);
	return 1;
}

/* The exit in the run page, for failure messages. */
static const char *exit_str(int err, const struct hxen_run *r)
{
	static char buf[256];
	uint64_t d = 0;
	int i;

	switch (r->exit_reason) {
	case HXEN_EXIT_IO:
		snprintf(buf, sizeof(buf), "run %d: IO %s port %#x size %u count %u",
			 err, r->io.direction == HXEN_IO_IN ? "in" : "out",
			 r->io.port, r->io.size, r->io.count);
		break;
	case HXEN_EXIT_MMIO:
		for (i = 0; i < 8; i++)
			d |= (uint64_t)r->mmio.data[i] << (8 * i);
		snprintf(buf, sizeof(buf), "run %d: MMIO %s gpa %#llx len %u data %#llx",
			 err, r->mmio.is_write ? "write" : "read",
			 (unsigned long long)r->mmio.gpa, r->mmio.len,
			 (unsigned long long)d);
		break;
	case HXEN_EXIT_INTERNAL:
		snprintf(buf, sizeof(buf), "run %d: internal %u: %#llx %#llx %#llx %#llx",
			 err, r->internal.suberror,
			 (unsigned long long)r->internal.data[0],
			 (unsigned long long)r->internal.data[1],
			 (unsigned long long)r->internal.data[2],
			 (unsigned long long)r->internal.data[3]);
		break;
	default:
		snprintf(buf, sizeof(buf), "run %d: exit %u", err, r->exit_reason);
	}
	return buf;
}

/*
 * Run until the next exit and check it is an MMIO access of @len bytes
 * at @gpa; a write must carry @data.  A read is answered with @data, the
 * bytes past @len filled with junk the guest must not see.
 */
static int expect_mmio(struct vcpu *v, const char *name, uint64_t gpa,
		       uint32_t len, int is_write, uint64_t data)
{
	struct hxen_run *r = v->run;
	uint64_t got = 0;
	int err, kind, ok;
	uint32_t i;

	if (seq_lost(name))
		return 0;
	seq.mmio++;
	err = vcpu_run(v);
	kind = !err && r->exit_reason == HXEN_EXIT_MMIO && r->mmio.gpa == gpa &&
	       r->mmio.len == len && !r->mmio.is_write == !is_write;
	for (i = 0; kind && is_write && i < len; i++)
		got |= (uint64_t)r->mmio.data[i] << (8 * i);
	ok = kind && (!is_write || got == data);
	check(name, ok, "want MMIO %s gpa %#llx len %u data %#llx; %s",
	      is_write ? "write" : "read", (unsigned long long)gpa, len,
	      (unsigned long long)data, exit_str(err, r));
	if (!kind)
		seq.lost = name;
	else if (!is_write)
		for (i = 0; i < 8; i++)
			r->mmio.data[i] = i < len ? (uint8_t)(data >> (8 * i)) : 0xcc;
	return ok;
}

/* Run until the next exit; 1 if it is port I/O of this shape. */
static int next_io(struct vcpu *v, uint16_t port, uint8_t size, uint8_t dir,
		   uint32_t count, int *err)
{
	struct hxen_run *r = v->run;

	*err = vcpu_run(v);
	return !*err && r->exit_reason == HXEN_EXIT_IO && r->io.port == port &&
	       r->io.size == size && r->io.direction == dir && r->io.count == count;
}

/*
 * Run until the next exit and check it is port I/O of @count elements
 * of @size bytes: an OUT must carry @data, an IN gets @data.
 */
static int expect_io(struct vcpu *v, const char *name, uint16_t port,
		     uint8_t size, uint8_t dir, uint32_t count, const void *data)
{
	unsigned char *d = (unsigned char *)v->run + HXEN_RUN_DATA_OFFSET;
	size_t i, n = (size_t)count * size;
	int err, kind, ok;

	if (seq_lost(name))
		return 0;
	if (n > HXEN_RUN_DATA_SIZE) {
		check(name, 0, "test bug: %zu bytes of data", n);
		return 0;
	}
	seq.io++;
	kind = next_io(v, port, size, dir, count, &err);
	ok = kind && (dir == HXEN_IO_IN || !memcmp(d, data, n));
	for (i = 0; kind && !ok && i < n && d[i] == ((const unsigned char *)data)[i]; i++)
		;
	check(name, ok, "want %s port %#x size %u count %u; %s; data from byte %zu: %#x, want %#x",
	      dir == HXEN_IO_IN ? "in" : "out", port, size, count,
	      exit_str(err, v->run), i, i < n ? d[i] : 0,
	      i < n ? ((const unsigned char *)data)[i] : 0);
	if (!kind)
		seq.lost = name;
	else if (dir == HXEN_IO_IN)
		memcpy(d, data, n);
	return ok;
}

/* The guest's OUT of a 32-bit register to REPORT_PORT. */
static int expect_report(struct vcpu *v, const char *name, uint32_t want)
{
	unsigned char b[4] = { (uint8_t)want, (uint8_t)(want >> 8),
			       (uint8_t)(want >> 16), (uint8_t)(want >> 24) };

	return expect_io(v, name, REPORT_PORT, 4, HXEN_IO_OUT, 1, b);
}

/* Two OUTs to REPORT_PORT: bits 31:0, then 63:32 of a register. */
static int expect_report64(struct vcpu *v, const char *name, uint64_t want)
{
	uint64_t got = 0;
	int err, kind, ok;

	if (seq_lost(name))
		return 0;
	seq.io += 2;
	kind = next_io(v, REPORT_PORT, 4, HXEN_IO_OUT, 1, &err);
	if (kind) {
		got = io_data(v);
		kind = next_io(v, REPORT_PORT, 4, HXEN_IO_OUT, 1, &err);
		got |= io_data(v) << 32;
	}
	ok = kind && got == want;
	check(name, ok, "want %#llx, got %#llx; %s", (unsigned long long)want,
	      (unsigned long long)got, exit_str(err, v->run));
	if (!kind)
		seq.lost = name;
	return ok;
}

static int expect_hlt(struct vcpu *v, const char *name)
{
	int err, ok;

	if (seq_lost(name))
		return 0;
	err = vcpu_run(v);
	ok = !err && v->run->exit_reason == HXEN_EXIT_HLT;
	check(name, ok, "want HLT; %s", exit_str(err, v->run));
	if (!ok)
		seq.lost = name;
	return ok;
}

/* The vCPU's exit counters must match the exits the sequence had. */
static void check_seq_stats(struct vcpu *v, const char *name)
{
	struct hxen_vcpu_stats st;
	int err;

	if (seq_lost(name))
		return;
	memset(&st, 0, sizeof(st));
	err = ioctl(v->fd, HXEN_VCPU_GET_STATS, &st) < 0 ? -errno : 0;
	check(name, !err && st.mmio_exits == seq.mmio && st.io_exits == seq.io &&
	      st.hlt_exits == 1 && st.user_exits == seq.mmio + seq.io + 1,
	      "err %d: mmio %llu (want %u) io %llu (want %u) hlt %llu user %llu",
	      err, (unsigned long long)st.mmio_exits, seq.mmio,
	      (unsigned long long)st.io_exits, seq.io,
	      (unsigned long long)st.hlt_exits, (unsigned long long)st.user_exits);
}

static uint32_t ram32(const struct vm *vm, uint32_t gpa)
{
	return vm->ram[gpa] | vm->ram[gpa + 1] << 8 | vm->ram[gpa + 2] << 16 |
	       (uint32_t)vm->ram[gpa + 3] << 24;
}

/* Guest RAM at @gpa holds @n bytes of @want, with zero bytes around. */
static void check_ram(const struct vm *vm, const char *name, uint32_t gpa,
		      const void *want, size_t n)
{
	size_t i;

	if (seq_lost(name))
		return;
	for (i = 0; i < n && vm->ram[gpa + i] == ((const unsigned char *)want)[i]; i++)
		;
	check(name, i == n && !vm->ram[gpa - 1] && !vm->ram[gpa + n],
	      "RAM at %#x: byte %zu of %zu differs (%#x), before %#x, after %#x",
	      gpa, i, n, i < n ? vm->ram[gpa + i] : 0, vm->ram[gpa - 1],
	      vm->ram[gpa + n]);
}

/* pmode.S: its page tables and RAM buffers. */
#define PM_PD		0x10000
#define PM_PT		0x11000
#define PM_RAMW		0x12000		/* linear 0x402000 */
#define PM_INBUF	0x15f80

static void test_pmode(void)
{
	static const unsigned char movs_in[14] = {
		0x01, 0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x20,
		0x03, 0x00, 0x00, 0x30, 0xaa, 0xbb
	};
	static const unsigned char movsw_in[2] = { 0xa5, 0x5a };
	static const unsigned char outsw[2] = { 0x01, 0x04 };
	static const unsigned char outsb_back[4] = { 10, 7, 4, 1 };
	static const unsigned char insb[1] = { 0x3c };
	unsigned char out100[100], insw[200], big[4000];
	struct hxen_sregs sr;
	struct vcpu v;
	struct vm vm;
	uint32_t pde1, pte[5];
	int err, i;

	for (i = 0; i < 100; i++)
		out100[i] = (unsigned char)(3 * i + 1);
	for (i = 0; i < 100; i++) {
		insw[2 * i] = (unsigned char)i;		/* word i: 0xa500 + i */
		insw[2 * i + 1] = 0xa5;
	}
	for (i = 0; i < 4000; i++)
		big[i] = (unsigned char)((i & 0xff) ^ (i >> 8));

	err = guest_setup(&vm, &v, "pmode");
	check("pmode/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	seq_start();

	/* Real mode. */
	expect_io(&v, "pmode/rm-rep-outsb", 0x90, 1, HXEN_IO_OUT, 5, "Real!");
	expect_report(&v, "pmode/rm-rep-outsb-si-cx", 5);
	expect_mmio(&v, "pmode/rm-store-fs-above-1m", 0x100010, 2, 1, 0x1234);
	expect_mmio(&v, "pmode/rm-load-66-moffs16", 0x100014, 4, 0, 0xa1b2c3d4);
	expect_report(&v, "pmode/rm-load-value", 0xa1b2c3d4);
	expect_io(&v, "pmode/entered-pmode", 0x80, 1, HXEN_IO_OUT, 1, "P");

	/* Stores through the page table. */
	expect_mmio(&v, "pmode/store-88-byte", 0xd0000010, 1, 1, 0x5a);
	if (!seq_lost("pmode/sregs-paging")) {
		err = ioctl(v.fd, HXEN_VCPU_GET_SREGS, &sr) < 0 ? -errno : 0;
		check("pmode/sregs-paging", !err && (sr.cr0 & 0x80000001) == 0x80000001 &&
		      sr.cr3 == PM_PD && (sr.cr4 & 0x30) == 0x10 && !(sr.efer & 0x400) &&
		      (sr.cs.attrib & 0x600) == 0x400,
		      "err %d cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx cs.attrib %#x",
		      err, (unsigned long long)sr.cr0, (unsigned long long)sr.cr3,
		      (unsigned long long)sr.cr4, (unsigned long long)sr.efer,
		      sr.cs.attrib);
	}
	expect_mmio(&v, "pmode/store-66-89-word", 0xd0000012, 2, 1, 0x435a);
	expect_mmio(&v, "pmode/store-89-dword", 0xd0000014, 4, 1, 0x8765435a);
	expect_mmio(&v, "pmode/store-c7-imm32", 0xd0000018, 4, 1, 0xcafef00d);
	expect_mmio(&v, "pmode/store-c6-imm8", 0xd000001c, 1, 1, 0xa5);
	expect_mmio(&v, "pmode/store-66-c7-imm16", 0xd000001e, 2, 1, 0xbeef);
	expect_mmio(&v, "pmode/store-a3-moffs", 0xd0000020, 4, 1, 0x8765435a);
	expect_mmio(&v, "pmode/store-a2-moffs", 0xd0000024, 1, 1, 0x5a);
	expect_mmio(&v, "pmode/store-sib", 0xd0000068, 4, 1, 0x8765435a);
	expect_mmio(&v, "pmode/store-bh-second-pte", 0xd0001ffe, 1, 1, 0x43);

	/* Loads: the guest reports the register afterwards. */
	expect_mmio(&v, "pmode/load-8b", 0xd0000040, 4, 0, 0x13579bdf);
	expect_report(&v, "pmode/load-8b-value", 0x13579bdf);
	expect_mmio(&v, "pmode/load-a1-moffs", 0xd0000044, 4, 0, 0x2468ace0);
	expect_report(&v, "pmode/load-a1-moffs-value", 0x2468ace0);
	expect_mmio(&v, "pmode/load-8a-ah", 0xd0000048, 1, 0, 0x99);
	expect_report(&v, "pmode/load-8a-ah-keeps-eax", 0x11229944);
	expect_mmio(&v, "pmode/load-8a-bh", 0xd0000049, 1, 0, 0x01);
	expect_report(&v, "pmode/load-8a-bh-keeps-ebx", 0x55660188);
	expect_mmio(&v, "pmode/load-8a-cl", 0xd000004a, 1, 0, 0xee);
	expect_report(&v, "pmode/load-8a-cl-keeps-ecx", 0xaabbccee);
	expect_mmio(&v, "pmode/load-66-8b-dx", 0xd000004c, 2, 0, 0x1234);
	expect_report(&v, "pmode/load-66-8b-dx-keeps-edx", 0xdead1234);
	expect_mmio(&v, "pmode/load-a0-al", 0xd000004f, 1, 0, 0x7e);
	expect_report(&v, "pmode/load-a0-al-keeps-eax", 0x0102037e);
	expect_mmio(&v, "pmode/movzx-byte", 0xd0000050, 1, 0, 0xf0);
	expect_report(&v, "pmode/movzx-byte-value", 0x000000f0);
	expect_mmio(&v, "pmode/movzx-word", 0xd0000052, 2, 0, 0x8001);
	expect_report(&v, "pmode/movzx-word-value", 0x00008001);
	expect_mmio(&v, "pmode/movsx-byte", 0xd0000054, 1, 0, 0x80);
	expect_report(&v, "pmode/movsx-byte-value", 0xffffff80);
	expect_mmio(&v, "pmode/movsx-word", 0xd0000056, 2, 0, 0x8765);
	expect_report(&v, "pmode/movsx-word-value", 0xffff8765);
	expect_mmio(&v, "pmode/movsx-byte-positive", 0xd0000057, 1, 0, 0x7f);
	expect_report(&v, "pmode/movsx-byte-positive-value", 0x0000007f);
	expect_mmio(&v, "pmode/movzx-r16", 0xd0000058, 1, 0, 0x80);
	expect_report(&v, "pmode/movzx-r16-keeps-upper", 0x12340080);
	expect_mmio(&v, "pmode/movsx-r16", 0xd0000059, 1, 0, 0x80);
	expect_report(&v, "pmode/movsx-r16-keeps-upper", 0x1234ff80);
	expect_mmio(&v, "pmode/movzx-edi-disp32", 0xd0001005, 1, 0, 0xc3);
	expect_report(&v, "pmode/movzx-edi-disp32-value", 0x000000c3);
	expect_mmio(&v, "pmode/load-read-only-page", 0xd0002010, 4, 0, 0x0d15ea5e);
	expect_report(&v, "pmode/load-read-only-page-value", 0x0d15ea5e);

	/* STOS. */
	expect_mmio(&v, "pmode/rep-stosd-0", 0xd0000100, 4, 1, 0x77665544);
	expect_mmio(&v, "pmode/rep-stosd-1", 0xd0000104, 4, 1, 0x77665544);
	expect_mmio(&v, "pmode/rep-stosd-2", 0xd0000108, 4, 1, 0x77665544);
	expect_mmio(&v, "pmode/rep-stosd-3", 0xd000010c, 4, 1, 0x77665544);
	expect_report(&v, "pmode/rep-stosd-edi", 0x00400110);
	expect_report(&v, "pmode/rep-stosd-ecx", 0);
	expect_mmio(&v, "pmode/stosw", 0xd0001100, 2, 1, 0xabcd);

	/* MOVS between RAM (mapped at another linear address) and MMIO. */
	expect_mmio(&v, "pmode/rep-movsb-to-mmio-0", 0xd0000200, 1, 1, 'A');
	expect_mmio(&v, "pmode/rep-movsb-to-mmio-1", 0xd0000201, 1, 1, 'B');
	expect_mmio(&v, "pmode/rep-movsb-to-mmio-2", 0xd0000202, 1, 1, 'C');
	expect_mmio(&v, "pmode/rep-movsd-to-mmio-0", 0xd0001010, 4, 1, 0x0badf00d);
	expect_mmio(&v, "pmode/rep-movsd-to-mmio-1", 0xd0001014, 4, 1, 0x12345678);
	expect_report(&v, "pmode/rep-movs-to-mmio-esi", 0x0040200c);
	expect_report(&v, "pmode/rep-movs-to-mmio-edi", 0x00403018);
	expect_mmio(&v, "pmode/rep-movsd-from-mmio-0", 0xd0000300, 4, 0, 0x10000001);
	expect_mmio(&v, "pmode/rep-movsd-from-mmio-1", 0xd0000304, 4, 0, 0x20000002);
	expect_mmio(&v, "pmode/rep-movsd-from-mmio-2", 0xd0000308, 4, 0, 0x30000003);
	expect_mmio(&v, "pmode/rep-movsb-from-mmio-0", 0xd0001020, 1, 0, 0xaa);
	expect_mmio(&v, "pmode/rep-movsb-from-mmio-1", 0xd0001021, 1, 0, 0xbb);
	expect_report(&v, "pmode/rep-movs-from-mmio-edi", 0x0040210e);
	check_ram(&vm, "pmode/rep-movs-from-mmio-ram", PM_RAMW + 0x100, movs_in,
		  sizeof(movs_in));
	expect_mmio(&v, "pmode/rep-movsd-df-0", 0xd000040c, 4, 1, 0x12345678);
	expect_mmio(&v, "pmode/rep-movsd-df-1", 0xd0000408, 4, 1, 0x0badf00d);
	expect_mmio(&v, "pmode/rep-movsd-df-2", 0xd0000404, 4, 1, 0x44434241);
	expect_report(&v, "pmode/rep-movsd-df-esi", 0x00401ffc);
	expect_report(&v, "pmode/rep-movsd-df-edi", 0x00400400);
	expect_mmio(&v, "pmode/movsw-df-from-mmio", 0xd0001042, 2, 0, 0x5aa5);
	expect_report(&v, "pmode/movsw-df-esi", 0x00403040);
	expect_report(&v, "pmode/movsw-df-edi", 0x0040211e);
	check_ram(&vm, "pmode/movsw-df-ram", PM_RAMW + 0x120, movsw_in, sizeof(movsw_in));

	/* String port I/O. */
	expect_io(&v, "pmode/rep-outsb-100", 0x90, 1, HXEN_IO_OUT, 100, out100);
	expect_report(&v, "pmode/rep-outsb-100-esi", 0x00014064);
	expect_io(&v, "pmode/rep-insw-to-page-end", 0x92, 2, HXEN_IO_IN, 64, insw);
	expect_io(&v, "pmode/rep-insw-next-page", 0x92, 2, HXEN_IO_IN, 36, insw + 128);
	expect_report(&v, "pmode/rep-insw-edi", 0x00016048);
	check_ram(&vm, "pmode/rep-insw-ram", PM_INBUF, insw, sizeof(insw));
	expect_io(&v, "pmode/rep-outsb-3072", 0x94, 1, HXEN_IO_OUT, 3072, big);
	expect_io(&v, "pmode/rep-outsb-rest", 0x94, 1, HXEN_IO_OUT, 928, big + 3072);
	expect_report(&v, "pmode/rep-outsb-4000-esi", 0x00018fa0);
	expect_report(&v, "pmode/rep-outsb-ecx-0-no-exit", 0x00014000);
	expect_io(&v, "pmode/addr16-rep-outsb", 0x96, 1, HXEN_IO_OUT, 4, "abcd");
	expect_report(&v, "pmode/addr16-rep-outsb-esi", 0xabcde004);
	expect_report(&v, "pmode/addr16-rep-outsb-ecx", 0x12340000);
	expect_io(&v, "pmode/outsw", 0x96, 2, HXEN_IO_OUT, 1, outsw);
	expect_io(&v, "pmode/insb-through-page-table", 0x98, 1, HXEN_IO_IN, 1, insb);
	expect_report(&v, "pmode/insb-edi", 0x00402201);
	check_ram(&vm, "pmode/insb-ram", PM_RAMW + 0x200, insb, sizeof(insb));
	expect_io(&v, "pmode/rep-outsb-df", 0x90, 1, HXEN_IO_OUT, 4, outsb_back);
	expect_report(&v, "pmode/rep-outsb-df-esi", 0x00013fff);
	expect_hlt(&v, "pmode/hlt");

	/* Accessed and dirty bits, as the CPU would have set them. */
	if (!seq_lost("pmode/page-table-a-d-bits")) {
		pde1 = ram32(&vm, PM_PD + 4);
		for (i = 0; i < 5; i++)
			pte[i] = ram32(&vm, PM_PT + 4 * i);
		check("pmode/page-table-a-d-bits", (pde1 & ~0x40u) == PM_PT + 0x23 &&
		      pte[0] == 0xd0000063 && pte[1] == 0 && pte[2] == PM_RAMW + 0x63 &&
		      pte[3] == 0xd0001063 && pte[4] == 0xd0002023,
		      "PDE1 %#x PTEs %#x %#x %#x %#x %#x", pde1, pte[0], pte[1],
		      pte[2], pte[3], pte[4]);
	}
	check_seq_stats(&v, "pmode/exit-stats");
	vcpu_close(&v);
	vm_close(&vm);
}

#define LM_RAMBUF	0x20000		/* longmode_mmio.S */

static void test_long_mmio(void)
{
	static const unsigned char movsq_in[8] = {
		0x11, 0xee, 0xff, 0xc0, 0x00, 0xee, 0xff, 0xc0
	};
	struct hxen_sregs sr;
	struct vcpu v;
	struct vm vm;
	int err;

	err = guest_setup(&vm, &v, "longmode_mmio");
	check("longmmio/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	seq_start();

	expect_io(&v, "longmmio/entered-64-bit", 0x80, 1, HXEN_IO_OUT, 1, "L");
	expect_mmio(&v, "longmmio/store-rex-w", 0xd0000000, 8, 1, 0x1122334455667788ULL);
	if (!seq_lost("longmmio/sregs")) {
		err = ioctl(v.fd, HXEN_VCPU_GET_SREGS, &sr) < 0 ? -errno : 0;
		check("longmmio/sregs", !err && (sr.efer & 0x500) == 0x500 &&
		      (sr.cs.attrib & 0x200) && sr.fs.base == 0xcfff0000 &&
		      sr.ds.base == 0x100000 && sr.es.base == 0x100000,
		      "err %d efer %#llx cs.attrib %#x fs.base %#llx ds.base %#llx es.base %#llx",
		      err, (unsigned long long)sr.efer, sr.cs.attrib,
		      (unsigned long long)sr.fs.base, (unsigned long long)sr.ds.base,
		      (unsigned long long)sr.es.base);
	}
	expect_mmio(&v, "longmmio/load-rex-w", 0xd0000008, 8, 0, 0xfedcba9876543210ULL);
	expect_report64(&v, "longmmio/load-rex-w-value", 0xfedcba9876543210ULL);
	expect_mmio(&v, "longmmio/store-c7-imm32-sign-extended", 0xd0000010, 8, 1,
		    0xfffffffffffffffeULL);
	expect_mmio(&v, "longmmio/store-r9-sib", 0xd0000038, 8, 1, 0x0102030405060708ULL);
	expect_mmio(&v, "longmmio/load-r10", 0xd0000040, 8, 0, 0x8877665544332211ULL);
	expect_report64(&v, "longmmio/load-r10-value", 0x8877665544332211ULL);
	expect_mmio(&v, "longmmio/store-base-r11", 0xd0000048, 4, 1, 0x600dd00d);
	expect_mmio(&v, "longmmio/load-r32", 0xd0000050, 4, 0, 0x89abcdef);
	expect_report64(&v, "longmmio/load-r32-zeroes-upper", 0x0000000089abcdefULL);
	expect_mmio(&v, "longmmio/load-r16", 0xd0000054, 2, 0, 0xbeef);
	expect_report64(&v, "longmmio/load-r16-keeps-upper", 0x112233445566beefULL);
	expect_mmio(&v, "longmmio/load-sil", 0xd0000056, 1, 0, 0x99);
	expect_report64(&v, "longmmio/load-sil-value", 0x1111111111111199ULL);
	expect_mmio(&v, "longmmio/load-dh", 0xd0000057, 1, 0, 0x99);
	expect_report64(&v, "longmmio/load-dh-value", 0x1111111111119911ULL);
	expect_mmio(&v, "longmmio/movzx-r64-word", 0xd0000058, 2, 0, 0xfffe);
	expect_report64(&v, "longmmio/movzx-r64-word-value", 0xfffe);
	expect_mmio(&v, "longmmio/movsx-r64-byte", 0xd000005a, 1, 0, 0x80);
	expect_report64(&v, "longmmio/movsx-r64-byte-value", 0xffffffffffffff80ULL);
	expect_mmio(&v, "longmmio/movzx-r8d-byte", 0xd000005b, 1, 0, 0x7f);
	expect_report64(&v, "longmmio/movzx-r8d-byte-value", 0x7f);
	expect_mmio(&v, "longmmio/store-rip-relative-imm", 0xd0002030, 4, 1, 0x5eed5eed);
	expect_mmio(&v, "longmmio/load-rip-relative", 0xd0002038, 8, 0, 0x0123456789abcdefULL);
	expect_report64(&v, "longmmio/load-rip-relative-value", 0x0123456789abcdefULL);
	expect_mmio(&v, "longmmio/load-a1-moffs64", 0xd0000060, 4, 0, 0x0a0b0c0d);
	expect_report64(&v, "longmmio/load-a1-moffs64-value", 0x0a0b0c0d);
	expect_mmio(&v, "longmmio/store-48-a3-moffs64", 0xd0000068, 8, 1,
		    0x1020304050607080ULL);
	expect_mmio(&v, "longmmio/store-addr32", 0xd0000070, 4, 1, 0x67676767);
	expect_mmio(&v, "longmmio/load-fs-base", 0xd0000080, 4, 0, 0x600dcafe);
	expect_report(&v, "longmmio/load-fs-base-value", 0x600dcafe);
	expect_mmio(&v, "longmmio/store-fs-base-disp32", 0xd0000088, 4, 1, 0x600dcafe);
	expect_mmio(&v, "longmmio/rep-stosq-0", 0xd0000100, 8, 1, 0xa5a5a5a55a5a5a5aULL);
	expect_mmio(&v, "longmmio/rep-stosq-1", 0xd0000108, 8, 1, 0xa5a5a5a55a5a5a5aULL);
	expect_report64(&v, "longmmio/rep-stosq-rdi", 0xd0000110);
	expect_mmio(&v, "longmmio/movsq-from-mmio", 0xd0000200, 8, 0, 0xc0ffee00c0ffee11ULL);
	expect_mmio(&v, "longmmio/movsq-to-mmio", 0xd0000208, 8, 1, 0xc0ffee00c0ffee11ULL);
	expect_report64(&v, "longmmio/movsq-rsi", LM_RAMBUF + 8);
	expect_hlt(&v, "longmmio/hlt");
	check_ram(&vm, "longmmio/movsq-ram", LM_RAMBUF, movsq_in, sizeof(movsq_in));
	check_seq_stats(&v, "longmmio/exit-stats");
	vcpu_close(&v);
	vm_close(&vm);
}

static int set_param(struct vm *vm, uint32_t index, uint64_t value)
{
	struct hxen_xen_param p = { .index = index, .value = value };

	return ioctl(vm->fd, HXEN_VM_SET_XEN_PARAM, &p) < 0 ? errno : 0;
}

static long module_pages(void);

/* The Xen interface: CPUID leaves, the hypercall page, xen_version. */
static void test_xen_abi(void)
{
	struct hxen_xen_config xc = { .domid = 7 };
	long pages0 = module_pages();
	struct hxen_vcpu_stats st;
	struct vcpu v;
	struct vm vm;
	long long val;
	int err;

	err = vm_open(&vm);
	if (!err)
		err = load_guest(&vm, "longmode_xen");
	check("xen/setup", !err, "%s", strerror(-err));
	if (err)
		return;
	xc.reserved[1] = 1;
	err = ioctl(vm.fd, HXEN_VM_ENABLE_XEN, &xc) < 0 ? errno : 0;
	check("xen/enable-reserved-einval", err == EINVAL, "errno %d", err);
	xc.reserved[1] = 0;
	xc.domid = 0;
	err = ioctl(vm.fd, HXEN_VM_ENABLE_XEN, &xc) < 0 ? errno : 0;
	check("xen/enable-domid-0-einval", err == EINVAL, "errno %d", err);
	xc.domid = 7;
	err = ioctl(vm.fd, HXEN_VM_ENABLE_XEN, &xc) < 0 ? errno : 0;
	check("xen/enable", err == 0, "errno %d", err);
	err = ioctl(vm.fd, HXEN_VM_ENABLE_XEN, &xc) < 0 ? errno : 0;
	check("xen/enable-twice-eexist", err == EEXIST, "errno %d", err);
	err = set_param(&vm, 1, 0xfeffc);	/* HVM_PARAM_STORE_PFN */
	check("xen/set-param", err == 0, "errno %d", err);
	err = set_param(&vm, 3, 1);
	check("xen/set-param-unknown-einval", err == EINVAL, "errno %d", err);
	err = vcpu_open(&vm, 0, &v);
	check("xen/vcpu", !err, "%s", strerror(-err));
	if (err) {
		vm_close(&vm);
		return;
	}
	val = out_value(&v, "xen/cpuid-signature", 0x60);
	check("xen/cpuid-signature-ebx", val == 0x566e6558, "ebx %#llx", val);
	val = out_value(&v, "xen/cpuid-signature-ecx", 0x61);
	check("xen/cpuid-signature-ecx", val == 0x65584d4d, "ecx %#llx", val);
	val = out_value(&v, "xen/cpuid-signature-edx", 0x62);
	check("xen/cpuid-signature-edx", val == 0x4d4d566e, "edx %#llx", val);
	val = out_value(&v, "xen/cpuid-last-leaf", 0x63);
	check("xen/cpuid-last-leaf", val >= 0x40000002, "eax %#llx", val);
	val = out_value(&v, "xen/cpuid-version", 0x64);
	check("xen/cpuid-version", val == 0x00040011, "eax %#llx", val);
	val = out_value(&v, "xen/cpuid-hypercall-msr", 0x65);
	check("xen/cpuid-hypercall-msr", val == 0x40000000, "ebx %#llx", val);
	val = out_value(&v, "xen/cpuid-domid", 0x66);
	check("xen/cpuid-domid", val == 7, "ecx %#llx", val);
	val = out_value(&v, "xen/version-through-hypercall-page", 0x67);
	check("xen/version-through-hypercall-page", val == 0x00040011,
	      "eax %#llx", val);
	val = out_value(&v, "xen/get-features", 0x68);
	check("xen/get-features", val == 0x305, "submap %#llx", val);
	val = out_value(&v, "xen/extraversion", 0x69);
	check("xen/extraversion", val == 0x6578682d, "bytes %#llx", val);
	val = out_value(&v, "xen/unknown-enosys", 0x6a);
	check("xen/unknown-enosys", val == (unsigned int)-38, "eax %#llx", val);
	val = out_value(&v, "xen/unmapped-argument-efault", 0x6b);
	check("xen/unmapped-argument-efault", val == (unsigned int)-14,
	      "eax %#llx", val);
	val = out_value(&v, "xen/hypercall-page-iret-ud2", 0x6c);
	check("xen/hypercall-page-iret-ud2", val == 0x0f, "byte %#llx", val);
	val = out_value(&v, "xen/shared-info-map", 0x6d);
	check("xen/shared-info-map", val == 0, "eax %#llx", val);
	val = out_value(&v, "xen/shared-info-over-ram", 0x6e);
	check("xen/shared-info-over-ram", val == 0, "dword %#llx", val);
	val = out_value(&v, "xen/shared-info-move", 0x6f);
	check("xen/shared-info-move", val == 0, "eax %#llx", val);
	val = out_value(&v, "xen/shared-info-ram-back", 0x70);
	check("xen/shared-info-ram-back", val == 0x11223344, "dword %#llx", val);
	val = out_value(&v, "xen/shared-info-moved-with-data", 0x71);
	check("xen/shared-info-moved-with-data", val == 0xcafe, "dword %#llx",
	      val);
	val = out_value(&v, "xen/hvm-get-param", 0x72);
	check("xen/hvm-get-param", val == 0, "eax %#llx", val);
	val = out_value(&v, "xen/hvm-param-value", 0x73);
	check("xen/hvm-param-value", val == 0xfeffc, "value %#llx", val);
	val = out_value(&v, "xen/register-vcpu-info", 0x74);
	check("xen/register-vcpu-info", val == 0, "eax %#llx", val);
	val = out_value(&v, "xen/register-vcpu-info-twice", 0x75);
	check("xen/register-vcpu-info-twice", val == (unsigned int)-22,
	      "eax %#llx", val);
	err = vcpu_run(&v);
	check("xen/shutdown-exit", !err &&
	      v.run->exit_reason == HXEN_EXIT_XEN_SHUTDOWN &&
	      v.run->xen_shutdown.reason == 1, "run %d exit %u reason %u",
	      err, v.run->exit_reason, v.run->xen_shutdown.reason);
	val = out_value(&v, "xen/runs-on-after-shutdown-exit", 0x76);
	check("xen/runs-on-after-shutdown-exit", val == 0, "eax %#llx", val);
	val = out_value(&v, "xen/pvclock-version", 0x77);
	check("xen/pvclock-version", val > 0 && !(val & 1), "version %#llx", val);
	val = out_value(&v, "xen/pvclock-mul", 0x78);
	check("xen/pvclock-mul", val >= 0x80000000LL, "mul %#llx", val);
	val = out_value(&v, "xen/pvclock-system-time", 0x79);
	check("xen/pvclock-system-time", val >= 0 && val < 60000,
	      "about %lld ms since the VM's start", val);
	val = out_value(&v, "xen/wallclock", 0x7a);
	check("xen/wallclock", val > 0 && llabs(val - (long long)time(NULL)) < 120,
	      "wc_sec %lld, host %lld", val, (long long)time(NULL));
	val = out_value(&v, "xen/pvclock-advances", 0x7b);
	check("xen/pvclock-advances", val > 0 && val < 10000000,
	      "%lld us between two reads", val);
	val = out_value(&v, "xen/evtchn-bind-ipi", 0x7d);
	check("xen/evtchn-bind-ipi", val == 1, "port %lld", val);
	val = out_value(&v, "xen/evtchn-upcall", 0x7c);
	check("xen/evtchn-upcall", val == 2, "pending word %#llx", val);
	out_value(&v, "xen/evtchn-after-upcall", 0x7e);
	err = vcpu_run(&v);
	check("xen/hlt", !err && v.run->exit_reason == HXEN_EXIT_HLT,
	      "run %d exit %u", err, v.run->exit_reason);
	memset(&st, 0, sizeof(st));
	ioctl(v.fd, HXEN_VCPU_GET_STATS, &st);
	check("xen/hypercalls-in-kernel", st.hypercalls == 14 &&
	      st.unknown_hypercalls == 1 && st.user_exits == 33,
	      "hypercalls %llu unknown %llu user exits %llu",
	      (unsigned long long)st.hypercalls,
	      (unsigned long long)st.unknown_hypercalls,
	      (unsigned long long)st.user_exits);
	vcpu_close(&v);
	vm_close(&vm);

	/* shared_info, split nested tables: every page comes back. */
	check("xen/pages-returned", module_pages() == pages0,
	      "module pages %ld, before %ld", module_pages(), pages0);

	/* A VM that already has a vCPU cannot change personality. */
	if (vm_open(&vm))
		return;
	err = vcpu_open(&vm, 0, &v);
	if (!err)
		err = ioctl(vm.fd, HXEN_VM_ENABLE_XEN, &xc) < 0 ? errno : 0;
	check("xen/enable-after-vcpu-ebusy", err == EBUSY, "errno %d", err);
	vcpu_close(&v);
	vm_close(&vm);
}

static long module_pages(void)
{
	FILE *f = fopen("/sys/module/hxen/parameters/pages", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* VMs with a vCPU that ran, created and destroyed: nothing may stay. */
static void test_run_cycles(int n)
{
	long base = module_pages();
	int i, bad = 0;

	for (i = 0; i < n && !bad; i++) {
		struct vcpu v;
		struct vm vm;

		if (guest_setup(&vm, &v, "realmode_io") || vcpu_run(&v) ||
		    v.run->exit_reason != HXEN_EXIT_IO)
			bad = 1;
		vcpu_close(&v);
		vm_close(&vm);
		if (!bad && module_pages() != base)
			bad = 2;
	}
	check("cycles/run-destroy-200", !bad, "cycle %d: %s", i,
	      bad == 2 ? "pages not returned" : "setup or run failed");
}

/* guesttest DIR only NAME: one group of tests, for debugging. */
static int run_one(const char *name)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "io", test_realmode_io },
		{ "triple", test_triple_fault },
		{ "bad-state", test_bad_state },
		{ "signal", test_signal_interrupts_run },
		{ "irq", test_interrupts },
		{ "window", test_interrupt_window },
		{ "long", test_long_mode },
		{ "pmode", test_pmode },
		{ "mmio", test_long_mmio },
		{ "state", test_guest_state },
		{ "xen", test_xen_abi },
		{ "smp", test_two_vcpus },
		{ "two-vms", test_two_vms },
	};
	size_t i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!strcmp(name, tests[i].name)) {
			tests[i].fn();
			return failures ? 1 : 0;
		}
	}
	fprintf(stderr, "guesttest: no test group '%s'\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: guesttest DIR all|spin|beside NAME|hotplug|io NAME|only GROUP\n");
		return 2;
	}
	guest_dir = argv[1];
	if (!strcmp(argv[2], "beside") && argc == 4) {
		static char name[64];

		snprintf(name, sizeof(name), "%s/", argv[3]);
		prefix = name;
		test_realmode_io();
		test_interrupts();
		test_long_mode();
		test_long_mmio();
		test_xen_abi();
		test_two_vcpus();
	} else if (!strcmp(argv[2], "spin")) {
		struct vcpu v;
		struct vm vm;

		if (guest_setup(&vm, &v, "realmode_spin"))
			return 1;
		printf("running\n");
		/* Interrupted runs are fine; a failed one ends the process. */
		for (;;) {
			int err = vcpu_run(&v);

			if (err && err != -EINTR) {
				printf("spin: run failed: %s\n", strerror(-err));
				return 1;
			}
		}
	} else if (!strcmp(argv[2], "hotplug")) {
		prefix = "hotplug/after-";
		test_realmode_io();
	} else if (!strcmp(argv[2], "io") && argc == 4) {
		static char name[64];

		snprintf(name, sizeof(name), "%s/", argv[3]);
		prefix = name;
		test_realmode_io();
	} else if (!strcmp(argv[2], "only") && argc == 4) {
		return run_one(argv[3]);
	} else {
		test_realmode_io();
		test_triple_fault();
		test_bad_state();
		test_signal_interrupts_run();
		test_interrupts();
		test_interrupt_window();
		test_long_mode();
		test_pmode();
		test_long_mmio();
		test_guest_state();
		test_xen_abi();
		test_run_cycles(200);
		test_two_vcpus();
		test_two_vms();
	}
	return failures ? 1 : 0;
}
