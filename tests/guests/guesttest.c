// SPDX-License-Identifier: GPL-2.0
/*
 * guesttest: runs the test guests on hxen and checks every exit, the
 * registers and guest memory.  Prints "PASS: guest/<name>" or
 * "FAIL: guest/<name>: <why>".  Run inside the sandbox.
 *
 *   guesttest DIR all     every test below; the guests are DIR/NAME.bin
 *   guesttest DIR busy    creating a VM must fail with EBUSY
 *   guesttest DIR spin    run a spinning guest forever (for kill tests)
 *   guesttest DIR free    creating a VM and running a guest must work
 *                         (checks named guest/kvm-idle/...)
 */
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

	expect_out(&v, "io/cpuid-vendor", 0x73, 4, 0x68747541, 0xffffffff);
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
	int err, p1, p2, p3;

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

	/* An NMI is delivered even with IF=0. */
	err = guest_setup(&vm, &v, "realmode_irq");
	if (err)
		return;
	next_port(&v);
	err = inject(&v, HXEN_INJECT_NMI, 0);
	p1 = next_port(&v);
	p2 = next_port(&v);
	check("irq/nmi-with-if-clear", !err && p1 == 0x7a && p2 == 0x79,
	      "inject %d, exits %#x then %#x", err, p1, p2);
	check("irq/bad-type", inject(&v, 7, 0) == -EINVAL, "type 7 accepted");
	check("irq/bad-vector", inject(&v, HXEN_INJECT_IRQ, 256) == -EINVAL,
	      "vector 256 accepted");
	check("irq/nmi-with-vector", inject(&v, HXEN_INJECT_NMI, 3) == -EINVAL,
	      "NMI with a vector accepted");
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

static void test_busy(void)
{
	struct vm vm = { 0 };
	int err = vm_open(&vm);

	check("busy/create-vm-ebusy", err == -EBUSY, "vm_open returned %d (%s)",
	      err, strerror(-err));
	if (!err)
		vm_close(&vm);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: guesttest DIR all|busy|free\n");
		return 2;
	}
	guest_dir = argv[1];
	if (!strcmp(argv[2], "busy")) {
		test_busy();
	} else if (!strcmp(argv[2], "spin")) {
		struct vcpu v;
		struct vm vm;

		if (guest_setup(&vm, &v, "realmode_spin"))
			return 1;
		printf("running\n");
		for (;;)
			vcpu_run(&v);
	} else if (!strcmp(argv[2], "free")) {
		prefix = "kvm-idle/";
		test_realmode_io();
	} else {
		test_realmode_io();
		test_triple_fault();
		test_bad_state();
		test_signal_interrupts_run();
		test_interrupts();
		test_long_mode();
		test_run_cycles(200);
		test_two_vcpus();
		test_two_vms();
	}
	return failures ? 1 : 0;
}
