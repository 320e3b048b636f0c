// SPDX-License-Identifier: GPL-2.0
/*
 * kvmloop: a KVM guest that keeps running beside hxen in the sandbox.
 * The guest (kvm_memloop.bin) fills and checks its memory each round and
 * reports the round number; kvmloop checks that the rounds come one by
 * one and that no word read back wrong.  Prints "kvmloop: running" after
 * the first round, and at the end "kvmloop: ok N rounds" (exit 0) or
 * "kvmloop: FAIL: why" (exit 1).  Stops on SIGTERM or SIGINT, or after
 * SECONDS.
 *
 *   kvmloop GUEST_DIR SECONDS
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE	(1 << 20)
#define LOAD_ADDR	0x1000
#define PORT_ROUND	0x81
#define PORT_BAD	0x82

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int fail(const char *why, long rounds)
{
	printf("kvmloop: FAIL: %s (after %ld rounds)\n", why, rounds);
	return 1;
}

static int load(unsigned char *ram, const char *dir)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/kvm_memloop.bin", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, ram + LOAD_ADDR, RAM_SIZE - LOAD_ADDR);
	close(fd);
	return n > 0 ? 0 : -1;
}

static uint32_t io_value(const struct kvm_run *run)
{
	uint32_t v = 0;

	memcpy(&v, (const char *)run + run->io.data_offset,
	       run->io.size < 4 ? run->io.size : 4);
	return v;
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region mr = { 0 };
	struct sigaction sa = { 0 };
	struct kvm_sregs s;
	struct kvm_regs g = { 0 };
	struct kvm_run *run;
	unsigned char *ram;
	int kvm, vm, vcpu, size;
	long rounds = 0;
	time_t end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: kvmloop GUEST_DIR SECONDS\n");
		return 2;
	}
	end = time(NULL) + atol(argv[2]);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		return fail("cannot open /dev/kvm", 0);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail(strerror(errno), 0);
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || load(ram, argv[1]))
		return fail("cannot load kvm_memloop.bin", 0);
	mr.memory_size = RAM_SIZE;
	mr.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr))
		return fail("KVM_SET_USER_MEMORY_REGION", 0);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		return fail("KVM_CREATE_VCPU", 0);
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &s))
		return fail("vCPU setup", 0);
	s.cs.base = 0;
	s.cs.selector = 0;
	g.rip = LOAD_ADDR;
	g.rflags = 2;
	if (ioctl(vcpu, KVM_SET_SREGS, &s) || ioctl(vcpu, KVM_SET_REGS, &g))
		return fail("vCPU registers", 0);

	while (!stop && time(NULL) < end) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return fail(strerror(errno), rounds);
		}
		if (run->exit_reason == KVM_EXIT_INTR)
			continue;
		if (run->exit_reason != KVM_EXIT_IO)
			return fail("unexpected exit", rounds);
		if (run->io.port == PORT_BAD)
			return fail("a word read back wrong", rounds);
		if (run->io.port != PORT_ROUND)
			return fail("I/O to an unexpected port", rounds);
		if (io_value(run) != (uint32_t)rounds + 1)
			return fail("a round was skipped or repeated", rounds);
		if (++rounds == 1)
			printf("kvmloop: running\n");
	}
	if (!rounds)
		return fail("no round finished", 0);
	printf("kvmloop: ok %ld rounds\n", rounds);
	return 0;
}
