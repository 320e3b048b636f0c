// SPDX-License-Identifier: GPL-2.0
/*
 * vmtest: tests of the VM part of the hxen control ABI, run inside the
 * sandbox with hxen.ko loaded.  Prints "PASS: vm/<name>" or
 * "FAIL: vm/<name>: <why>" per check.
 *
 *   vmtest memory        RAM with holes, mmap by guest-physical address
 *   vmtest invalid       every ioctl and mmap with bad arguments
 *   vmtest cycles N      N create/fill/destroy cycles, no growth
 *   vmtest hold MIB      create a VM with MIB of RAM, touch it, wait
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hxen.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static int failures;

static void check(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: vm/%s\n", name);
		return;
	}
	failures++;
	printf("FAIL: vm/%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *device(void)
{
	const char *d = getenv("HXEN_DEVICE");

	return d ? d : "/dev/hxen";
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

static int open_dev(void)
{
	int fd = open(device(), O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("FAIL: vm/open: %s: %s\n", device(), strerror(errno));
		exit(1);
	}
	return fd;
}

static int add_ram(int vm, uint64_t gpa, uint64_t size)
{
	struct hxen_ram_range r = { .gpa = gpa, .size = size };

	return ioctl(vm, HXEN_VM_ADD_RAM, &r) < 0 ? -errno : 0;
}

static sigjmp_buf bus_jump;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jump, 1);
}

/* Does reading *p raise SIGBUS? */
static int read_faults(volatile unsigned char *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int faulted;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jump, 1)) {
		faulted = 1;
	} else {
		(void)*p;
		faulted = 0;
	}
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

static void test_memory(void)
{
	long base = module_pages();
	struct hxen_vm_stats st;
	int dev = open_dev(), vm, i, ok;
	unsigned char *low, *main_ram, *high, *hole;
	uint64_t want_pages;

	vm = ioctl(dev, HXEN_CREATE_VM, 0);
	check("create", vm >= 0, "HXEN_CREATE_VM: %s", strerror(errno));
	if (vm < 0)
		return;
	check("create-cloexec", fcntl(vm, F_GETFD) & FD_CLOEXEC, "no FD_CLOEXEC");
	check("add-low", add_ram(vm, 0, 640 << 10) == 0, "0-640K");
	check("add-main", add_ram(vm, 1 * MiB, 63 * MiB) == 0, "1M-64M");
	check("add-high", add_ram(vm, 4 * GiB, 2 * MiB) == 0, "4G-4G+2M");
	want_pages = ((640 << 10) + 65 * MiB) / 4096;

	memset(&st, 0, sizeof(st));
	check("stats", ioctl(vm, HXEN_VM_GET_STATS, &st) == 0 &&
	      st.ram_pages == want_pages, "ram_pages %llu, want %llu",
	      (unsigned long long)st.ram_pages, (unsigned long long)want_pages);
	/* Guest RAM plus a little for nested page tables and bitmaps. */
	check("module-pages-counted", module_pages() - base >= (long)want_pages &&
	      module_pages() - base <= (long)(want_pages + want_pages / 64 + 16),
	      "module pages went %ld -> %ld for %llu RAM pages", base,
	      module_pages(), (unsigned long long)want_pages);

	low = mmap(NULL, 640 << 10, PROT_READ | PROT_WRITE, MAP_SHARED, vm, 0);
	main_ram = mmap(NULL, 63 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, vm,
			1 * MiB);
	high = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, vm,
		    4 * GiB);
	check("mmap", low != MAP_FAILED && main_ram != MAP_FAILED &&
	      high != MAP_FAILED, "%s", strerror(errno));
	if (low == MAP_FAILED || main_ram == MAP_FAILED || high == MAP_FAILED)
		goto out;

	ok = 1;
	for (i = 0; i < 63 * 256; i++)
		ok &= main_ram[(size_t)i * 4096 + 17] == 0;
	check("ram-zeroed", ok, "guest RAM not zero");

	for (i = 0; i < 63 * 256; i++)
		main_ram[(size_t)i * 4096 + 17] = (unsigned char)(i * 7 + 1);
	low[0] = 0x5a;
	high[2 * MiB - 1] = 0xa5;

	/* A second mapping of the same guest page sees the same bytes. */
	{
		unsigned char *again = mmap(NULL, 4096, PROT_READ, MAP_SHARED,
					    vm, 1 * MiB + 4096 * 100);

		check("same-page-twice", again != MAP_FAILED &&
		      again[17] == (unsigned char)(100 * 7 + 1),
		      "second view differs");
		if (again != MAP_FAILED)
			munmap(again, 4096);
	}
	ok = 1;
	for (i = 0; i < 63 * 256; i++)
		ok &= main_ram[(size_t)i * 4096 + 17] == (unsigned char)(i * 7 + 1);
	check("ram-pattern", ok && low[0] == 0x5a && high[2 * MiB - 1] == 0xa5,
	      "pattern lost");

	/* 640K-1M and 64M-4G are holes: mappable, but access is SIGBUS. */
	hole = mmap(NULL, 4096, PROT_READ, MAP_SHARED, vm, 640 << 10);
	check("hole-sigbus", hole != MAP_FAILED && read_faults(hole),
	      "hole access did not fault");
	if (hole != MAP_FAILED)
		munmap(hole, 4096);
	hole = mmap(NULL, 4096, PROT_READ, MAP_SHARED, vm, 64 * MiB);
	check("hole-after-ram-sigbus", hole != MAP_FAILED && read_faults(hole),
	      "hole access did not fault");
	if (hole != MAP_FAILED)
		munmap(hole, 4096);

	munmap(low, 640 << 10);
	munmap(main_ram, 63 * MiB);
	/* The VM outlives its fd while a mapping holds the file. */
	close(vm);
	vm = -1;
	check("mapping-outlives-fd", high[2 * MiB - 1] == 0xa5, "lost");
	munmap(high, 2 * MiB);
out:
	if (vm >= 0)
		close(vm);
	close(dev);
	check("pages-returned", module_pages() == base,
	      "module pages %ld after destroy, %ld before", module_pages(), base);
}

static void expect_errno(const char *name, int ret, int want)
{
	int err = errno;

	check(name, ret < 0 && err == want, "returned %d errno %d (%s), want %s",
	      ret, ret < 0 ? err : 0, ret < 0 ? strerror(err) : "-",
	      strerror(want));
}

/* Every vCPU ioctl with arguments it must refuse. */
static void test_invalid_vcpu(int vm)
{
	static const unsigned long with_arg[] = {
		HXEN_VCPU_GET_REGS, HXEN_VCPU_SET_REGS, HXEN_VCPU_GET_SREGS,
		HXEN_VCPU_SET_SREGS, HXEN_VCPU_GET_STATS, HXEN_VCPU_INJECT,
		HXEN_VCPU_GET_DEBUGREGS, HXEN_VCPU_SET_DEBUGREGS,
		HXEN_VCPU_GET_MSRS, HXEN_VCPU_SET_MSRS, HXEN_VCPU_GET_XSAVE,
		HXEN_VCPU_SET_XSAVE,
	};
	struct {
		struct hxen_msrs h;
		struct hxen_msr_entry e[1];
	} m;
	struct hxen_debugregs d;
	struct hxen_xsave *x = calloc(1, sizeof(*x));
	char name[64];
	size_t i;
	int cpu;

	cpu = ioctl(vm, HXEN_VM_CREATE_VCPU, 0);
	check("invalid-vcpu-create", cpu >= 0 && x, "%s", strerror(errno));
	if (cpu < 0 || !x) {
		free(x);
		return;
	}
	for (i = 0; i < sizeof(with_arg) / sizeof(with_arg[0]); i++) {
		snprintf(name, sizeof(name), "vcpu-ioctl-%#lx-efault",
			 with_arg[i] & 0xff);
		expect_errno(name, ioctl(cpu, with_arg[i], (void *)8), EFAULT);
	}
	expect_errno("vcpu-run-nonzero-arg", ioctl(cpu, HXEN_VCPU_RUN, 1), EINVAL);
	expect_errno("vcpu-unknown-ioctl", ioctl(cpu, _IO(HXEN_IOCTL_TYPE, 0x7f)),
		     ENOTTY);

	memset(&m, 0, sizeof(m));
	m.h.nmsrs = HXEN_MAX_MSRS + 1;
	expect_errno("msrs-too-many", ioctl(cpu, HXEN_VCPU_GET_MSRS, &m), EINVAL);
	m.h.nmsrs = 0xffffffff;
	expect_errno("msrs-huge-count", ioctl(cpu, HXEN_VCPU_SET_MSRS, &m), EINVAL);
	m.h.nmsrs = 1;
	m.h.pad = 1;
	expect_errno("msrs-pad", ioctl(cpu, HXEN_VCPU_GET_MSRS, &m), EINVAL);
	m.h.pad = 0;
	m.e[0].index = 0x12345;
	check("msrs-unknown-none-done", ioctl(cpu, HXEN_VCPU_GET_MSRS, &m) == 0,
	      "an unknown MSR was read");
	m.e[0].index = 0x277;		/* PAT: memory type 2 is reserved */
	m.e[0].data = 0x0202020202020202ULL;
	check("msrs-bad-pat-refused", ioctl(cpu, HXEN_VCPU_SET_MSRS, &m) == 0,
	      "an invalid PAT was taken");

	memset(&d, 0, sizeof(d));
	d.dr6 = 1ULL << 40;
	expect_errno("debugregs-dr6-high", ioctl(cpu, HXEN_VCPU_SET_DEBUGREGS, &d),
		     EINVAL);
	d.dr6 = 0;
	d.reserved[9] = 1;
	expect_errno("debugregs-reserved", ioctl(cpu, HXEN_VCPU_SET_DEBUGREGS, &d),
		     EINVAL);

	check("xsave-get", ioctl(cpu, HXEN_VCPU_GET_XSAVE, x) == 0 &&
	      x->xcr0 == 1 && x->region[24] == 0x80 && x->region[25] == 0x1f,
	      "%s, xcr0 %#llx", strerror(errno), (unsigned long long)x->xcr0);
	x->pad = 1;
	expect_errno("xsave-pad", ioctl(cpu, HXEN_VCPU_SET_XSAVE, x), EINVAL);
	x->pad = 0;
	x->xcr0 = 1ULL << 62;
	expect_errno("xsave-bad-xcr0", ioctl(cpu, HXEN_VCPU_SET_XSAVE, x), EINVAL);
	x->xcr0 = 1;
	memset(x->region + 512, 0xff, 64);
	expect_errno("xsave-bad-header", ioctl(cpu, HXEN_VCPU_SET_XSAVE, x), EINVAL);
	close(cpu);
	free(x);
}

static void test_invalid(void)
{
	long base = module_pages();
	int dev = open_dev(), vm;
	struct hxen_ram_range r;
	pid_t pid;
	int status;
	void *p;

	expect_errno("create-vm-nonzero-arg", ioctl(dev, HXEN_CREATE_VM, 1), EINVAL);
	expect_errno("dev-unknown-ioctl", ioctl(dev, _IO(HXEN_IOCTL_TYPE, 0x7f)), ENOTTY);
	expect_errno("dev-foreign-ioctl-type", ioctl(dev, _IO(0xAE, 0x01)), ENOTTY);
	expect_errno("dev-get-version-efault", ioctl(dev, HXEN_GET_VERSION, (void *)8), EFAULT);
	expect_errno("dev-get-caps-efault", ioctl(dev, HXEN_GET_CAPS, (void *)8), EFAULT);

	vm = ioctl(dev, HXEN_CREATE_VM, 0);
	check("invalid-create", vm >= 0, "%s", strerror(errno));
	if (vm < 0)
		return;
	expect_errno("add-ram-efault", ioctl(vm, HXEN_VM_ADD_RAM, (void *)8), EFAULT);
	expect_errno("add-ram-null", ioctl(vm, HXEN_VM_ADD_RAM, NULL), EFAULT);
	memset(&r, 0, sizeof(r));
	r.size = 4096;
	r.flags = 1;
	expect_errno("add-ram-flags", ioctl(vm, HXEN_VM_ADD_RAM, &r), EINVAL);
	r.flags = 0;
	r.reserved[1] = 1;
	expect_errno("add-ram-reserved", ioctl(vm, HXEN_VM_ADD_RAM, &r), EINVAL);
	check("add-ram-zero", add_ram(vm, 0, 0) == -EINVAL, "zero size");
	check("add-ram-misaligned", add_ram(vm, 123, 4096) == -EINVAL, "gpa");
	check("add-ram-misaligned-size", add_ram(vm, 0, 4095) == -EINVAL, "size");
	check("add-ram-wrap", add_ram(vm, ~0ULL & ~4095ULL, 8192) == -EINVAL, "wrap");
	check("add-ram-beyond-52bit", add_ram(vm, 1ULL << 52, 4096) == -EINVAL, "52-bit");
	check("add-ram-too-big", add_ram(vm, 0, HXEN_MAX_RAM_BYTES + 4096) == -ENOSPC,
	      "over the limit");
	check("add-ram-ok", add_ram(vm, 1 * MiB, 1 * MiB) == 0, "1M");
	check("add-ram-overlap", add_ram(vm, 1 * MiB + 8192, 4096) == -EINVAL, "overlap");
	expect_errno("get-stats-efault", ioctl(vm, HXEN_VM_GET_STATS, (void *)8), EFAULT);
	expect_errno("vm-unknown-ioctl", ioctl(vm, _IO(HXEN_IOCTL_TYPE, 0x7f)), ENOTTY);
	expect_errno("vm-dev-ioctl-on-vm", ioctl(vm, HXEN_CREATE_VM, 0), ENOTTY);

	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, vm, 1 * MiB);
	expect_errno("mmap-private", p == MAP_FAILED ? -1 : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, 4096);

	/* A child that inherits the fd may not drive the VM (like KVM). */
	pid = fork();
	if (pid == 0) {
		r.gpa = 8 * MiB;
		r.size = 4096;
		r.reserved[1] = 0;
		_exit(ioctl(vm, HXEN_VM_ADD_RAM, &r) < 0 && errno == EIO ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check("other-process-eio", WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child could use the VM fd");

	test_invalid_vcpu(vm);
	close(vm);
	close(dev);
	check("invalid-pages-returned", module_pages() == base,
	      "module pages %ld, before %ld", module_pages(), base);
}

static void test_cycles(int n)
{
	long base = module_pages();
	int dev = open_dev(), i, bad = 0;

	for (i = 0; i < n && !bad; i++) {
		int vm = ioctl(dev, HXEN_CREATE_VM, 0);
		unsigned char *m;

		if (vm < 0 || add_ram(vm, 0, 4 * MiB) || add_ram(vm, 16 * MiB, 2 * MiB)) {
			bad = 1;
			break;
		}
		m = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, vm, 0);
		if (m == MAP_FAILED) {
			bad = 1;
		} else {
			m[i % (4 * MiB)] = 1;
			munmap(m, 4 * MiB);
		}
		close(vm);
		if (module_pages() != base)
			bad = 2;
	}
	close(dev);
	check("create-destroy-cycles", !bad, "cycle %d: %s", i,
	      bad == 2 ? "pages not returned" : strerror(errno));
}

static int hold(long mib)
{
	int dev = open_dev(), vm = ioctl(dev, HXEN_CREATE_VM, 0);
	unsigned char *m;
	long i;

	if (vm < 0 || add_ram(vm, 0, (uint64_t)mib * MiB))
		return 1;
	m = mmap(NULL, (size_t)mib * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, vm, 0);
	if (m == MAP_FAILED)
		return 1;
	for (i = 0; i < mib * 256; i++)
		m[i * 4096] = 1;
	printf("holding\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "memory"))
		test_memory();
	else if (argc >= 2 && !strcmp(argv[1], "invalid"))
		test_invalid();
	else if (argc >= 3 && !strcmp(argv[1], "cycles"))
		test_cycles(atoi(argv[2]));
	else if (argc >= 3 && !strcmp(argv[1], "hold"))
		return hold(atol(argv[2]));
	else {
		fprintf(stderr, "usage: vmtest memory|invalid|cycles N|hold MIB\n");
		return 2;
	}
	return failures ? 1 : 0;
}
