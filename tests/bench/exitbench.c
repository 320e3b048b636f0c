// SPDX-License-Identifier: GPL-2.0
/*
 * exitbench: the cost of a VM exit on hxen against KVM, measured side by
 * side in one kernel.  Two real-mode guests loop N times: CPUID (an exit
 * that the hypervisor handles in the kernel) and OUT (an exit that goes
 * to the user-space device model and back).  Prints nanoseconds per exit
 * for each hypervisor and the ratio hxen/KVM; it asserts nothing.
 *
 *   exitbench GUEST_DIR N
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <hxen.h>

#define RAM_SIZE	(1 << 20)
#define LOAD_ADDR	0x1000

static const char *guest_dir;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int load(unsigned char *ram, const char *name)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.bin", guest_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	n = fread(ram + LOAD_ADDR, 1, RAM_SIZE - LOAD_ADDR, f);
	fclose(f);
	return n ? 0 : -1;
}

/* ns per exit of @guest on hxen, or a negative value on failure. */
static double run_hxen(const char *guest, long n)
{
	struct hxen_ram_range r = { .gpa = 0, .size = RAM_SIZE };
	int dev, vm, vcpu;
	struct hxen_sregs s;
	struct hxen_regs g;
	struct hxen_run *run;
	unsigned char *ram;
	double t0, t1;

	dev = open("/dev/hxen", O_RDWR);
	vm = dev < 0 ? -1 : ioctl(dev, HXEN_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, HXEN_VM_ADD_RAM, &r))
		return -1;
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vm, 0);
	vcpu = ioctl(vm, HXEN_VM_CREATE_VCPU, 0);
	if (ram == MAP_FAILED || vcpu < 0 || load(ram, guest))
		return -1;
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ioctl(vcpu, HXEN_VCPU_GET_SREGS, &s);
	s.cs.base = 0;
	s.cs.selector = 0;
	ioctl(vcpu, HXEN_VCPU_SET_SREGS, &s);
	memset(&g, 0, sizeof(g));
	g.rip = LOAD_ADDR;
	g.rflags = 2;
	g.rsi = (uint64_t)n;
	ioctl(vcpu, HXEN_VCPU_SET_REGS, &g);

	t0 = now_ns();
	for (;;) {
		if (ioctl(vcpu, HXEN_VCPU_RUN, 0) < 0 && errno != EINTR)
			return -1;
		if (run->exit_reason == HXEN_EXIT_HLT)
			break;
		if (run->exit_reason != HXEN_EXIT_IO && run->exit_reason != HXEN_EXIT_INTR)
			return -1;
	}
	t1 = now_ns();
	/* Every mapping holds the VM; hxen keeps SVM on while a VM lives. */
	munmap(run, 4096);
	close(vcpu);
	munmap(ram, RAM_SIZE);
	close(vm);
	close(dev);
	return (t1 - t0) / n;
}

/* The same on KVM, driven through /dev/kvm the way hxen is. */
static double run_kvm(const char *guest, long n)
{
	struct kvm_userspace_memory_region mr;
	int kvm, vm, vcpu, size;
	struct kvm_sregs s;
	struct kvm_regs g;
	struct kvm_run *run;
	unsigned char *ram;
	double t0, t1;

	kvm = open("/dev/kvm", O_RDWR);
	vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -1;
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || load(ram, guest))
		return -1;
	memset(&mr, 0, sizeof(mr));
	mr.memory_size = RAM_SIZE;
	mr.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr))
		return -1;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		return -1;
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.cs.base = 0;
	s.cs.selector = 0;
	ioctl(vcpu, KVM_SET_SREGS, &s);
	memset(&g, 0, sizeof(g));
	g.rip = LOAD_ADDR;
	g.rflags = 2;
	g.rsi = (uint64_t)n;
	ioctl(vcpu, KVM_SET_REGS, &g);

	t0 = now_ns();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			return -1;
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO && run->exit_reason != KVM_EXIT_INTR)
			return -1;
	}
	t1 = now_ns();
	munmap(run, (size_t)size);
	close(vcpu);
	close(vm);
	close(kvm);
	munmap(ram, RAM_SIZE);
	return (t1 - t0) / n;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *guest, *what;
	} benches[] = {
		{ "bench_cpuid", "cpuid-exit (handled in the kernel)" },
		{ "bench_out", "io-exit (to user space and back)" },
	};
	long n;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: exitbench GUEST_DIR N\n");
		return 2;
	}
	guest_dir = argv[1];
	n = atol(argv[2]);
	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		/* Alternate, best of three each, so drift hits both alike. */
		double h = 1e18, k = 1e18, t;
		int round;

		for (round = 0; round < 3; round++) {
			t = run_hxen(benches[i].guest, n);
			if (t > 0 && t < h)
				h = t;
			t = run_kvm(benches[i].guest, n);
			if (t > 0 && t < k)
				k = t;
		}
		if (h >= 1e18 || k >= 1e18) {
			printf("BENCH: %s: %s failed\n", benches[i].what,
			       h >= 1e18 ? "hxen" : "kvm");
			continue;
		}
		printf("BENCH: %s: hxen %.0f ns, kvm %.0f ns, hxen/kvm %.2f\n",
		       benches[i].what, h, k, h / k);
	}
	return 0;
}
