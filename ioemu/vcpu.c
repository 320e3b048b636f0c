// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per vCPU, each in a loop of HXEN_VCPU_RUN.  Exits that reach
 * user space are rare for a Xen guest: early output on port 0xE9, stray
 * port I/O and MMIO (answered as by absent hardware: all ones), and the
 * end of the VM (SCHEDOP_shutdown, a triple fault, or an error).  A stop
 * is a signal to each thread, which makes HXEN_VCPU_RUN return EINTR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "acpi.h"
#include "ioemu.h"

#define PORT_DEBUG_OUT		0xE9
/*
 * There is no PIT.  Reads of its channel 2 answer 0 rather than the
 * floating bus's 0xff: Linux's quick TSC calibration waits for that
 * counter to leave 0xff and would spend ~100000 exits finding out.
 */
#define PORT_PIT_CH2		0x42
/* The keyboard controller's pulse of the reset line (Linux's fallback). */
#define PORT_KBD_COMMAND	0x64
#define KBD_PULSE_RESET		0xFE
#define STOP_SIGNAL		SIGUSR1
/* --stats: how many of the busiest ports are logged. */
#define STATS_TOP_PORTS		8
/* Stray accesses logged before going quiet. */
#define LOG_UNHANDLED_MAX	16

/* SCHEDOP_shutdown reasons (xen/sched.h). */
#define XEN_SHUTDOWN_POWEROFF	0
#define XEN_SHUTDOWN_REBOOT	1
#define XEN_SHUTDOWN_SUSPEND	2
#define XEN_SHUTDOWN_CRASH	3
#define XEN_SHUTDOWN_WATCHDOG	4

void (*vcpu_debug_out)(const uint8_t *buf, size_t len);

/* Flat 4 GiB segments (SVM attributes: type, S, P, D/B, G). */
#define SEG_CODE32		0xC9B
#define SEG_DATA32		0xC93
#define SEG_TSS32_BUSY		0x08B
#define SEG_LDT			0x082
#define CR0_PE			0x1ULL
#define CR0_ET			0x10ULL

static void flat(struct hxen_segment *s, uint16_t sel, uint16_t attrib)
{
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->attrib = attrib;
}

/* The PVH boot ABI: 32-bit flat protected mode, paging off, EBX. */
static int vcpu_set_pvh_entry(struct vcpu *c, uint64_t entry,
			      uint64_t start_info)
{
	struct hxen_sregs s;
	struct hxen_regs r;

	memset(&s, 0, sizeof(s));
	flat(&s.cs, 0x10, SEG_CODE32);
	flat(&s.ds, 0x18, SEG_DATA32);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr.limit = 0x67;
	s.tr.attrib = SEG_TSS32_BUSY;
	s.ldt.limit = 0xffff;
	s.ldt.attrib = SEG_LDT;
	s.gdt.limit = 0xffff;
	s.idt.limit = 0xffff;
	s.cr0 = CR0_PE | CR0_ET;
	memset(&r, 0, sizeof(r));
	r.rip = entry;
	r.rbx = start_info;
	r.rflags = 0x2;
	if (ioctl(c->fd, HXEN_VCPU_SET_SREGS, &s) < 0 ||
	    ioctl(c->fd, HXEN_VCPU_SET_REGS, &r) < 0) {
		ioemu_log("cannot set vCPU %u's boot state: %s", c->id,
			  strerror(errno));
		return -1;
	}
	return 0;
}

int vcpus_create(struct vm *vm, uint64_t entry, uint64_t start_info)
{
	unsigned int i;

	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -1;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];

		c->vm = vm;
		c->id = i;
		c->fd = ioctl(vm->fd, HXEN_VM_CREATE_VCPU, (unsigned long)i);
		if (c->fd < 0) {
			ioemu_log("cannot create vCPU %u: %s", i,
				  strerror(errno));
			return -1;
		}
		c->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			      c->fd, 0);
		if (c->run == MAP_FAILED) {
			c->run = NULL;
			ioemu_log("cannot map vCPU %u's run page: %s", i,
				  strerror(errno));
			return -1;
		}
	}
	return vcpu_set_pvh_entry(&vm->vcpus[0], entry, start_info);
}

/* Power-off and reset through the ACPI registers (or the 8042). */
static bool vcpu_platform_out(struct vcpu *c, uint16_t port, uint8_t v)
{
	if (port == ACPI_SLEEP_CONTROL_PORT) {
		if ((v & ACPI_SLEEP_ENABLE) &&
		    ((v >> 2) & 7) == ACPI_SLEEP_TYPE_S5)
			vm_end(c->vm, VM_END_POWEROFF);
		return true;
	}
	if ((port == ACPI_RESET_PORT && v == ACPI_RESET_VALUE) ||
	    (port == PORT_KBD_COMMAND && v == KBD_PULSE_RESET)) {
		vm_end(c->vm, VM_END_REBOOT);
		return true;
	}
	return port == ACPI_RESET_PORT;
}

static void vcpu_io(struct vcpu *c)
{
	struct hxen_run *run = c->run;
	uint8_t *data = (uint8_t *)run + HXEN_RUN_DATA_OFFSET;
	size_t len = (size_t)run->io.size * run->io.count;

	if (len > HXEN_RUN_DATA_SIZE)
		len = HXEN_RUN_DATA_SIZE;
	if (c->vm->port_counts)
		__atomic_fetch_add(&c->vm->port_counts[run->io.port], 1,
				   __ATOMIC_RELAXED);
	if (run->io.direction == HXEN_IO_OUT && run->io.port == PORT_DEBUG_OUT) {
		if (vcpu_debug_out)
			vcpu_debug_out(data, len);
		return;
	}
	if (run->io.direction == HXEN_IO_OUT && run->io.count == 1 &&
	    vcpu_platform_out(c, run->io.port, data[0]))
		return;
	if (run->io.direction == HXEN_IO_IN) {
		memset(data, run->io.port == PORT_PIT_CH2 ? 0 : 0xff, len);
		if (run->io.port == PORT_PIT_CH2)
			return;
	}
	if (c->vm->io_unhandled++ < LOG_UNHANDLED_MAX)
		ioemu_log("vCPU %u: %s port %#x (size %u) has no device",
			  c->id, run->io.direction == HXEN_IO_IN ? "IN from" :
			  "OUT to", run->io.port, run->io.size);
}

static void vcpu_mmio(struct vcpu *c)
{
	struct hxen_run *run = c->run;

	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	if (c->vm->mmio_unhandled++ < LOG_UNHANDLED_MAX)
		ioemu_log("vCPU %u: MMIO %s %#llx (%u bytes) has no device",
			  c->id, run->mmio.is_write ? "write to" : "read from",
			  (unsigned long long)run->mmio.gpa, run->mmio.len);
}

static enum vm_end shutdown_reason(uint32_t reason)
{
	switch (reason) {
	case XEN_SHUTDOWN_POWEROFF:
		return VM_END_POWEROFF;
	case XEN_SHUTDOWN_REBOOT:
		return VM_END_REBOOT;
	default:
		return VM_END_CRASH;
	}
}

static void vcpu_report_failure(struct vcpu *c)
{
	struct hxen_regs r;
	struct hxen_run *run = c->run;

	memset(&r, 0, sizeof(r));
	ioctl(c->fd, HXEN_VCPU_GET_REGS, &r);
	if (run->exit_reason == HXEN_EXIT_INTERNAL)
		ioemu_log("vCPU %u: hxen could not handle an exit (suberror %u, exit code %#llx, info %#llx %#llx) at rip %#llx",
			  c->id, run->internal.suberror,
			  (unsigned long long)run->internal.data[0],
			  (unsigned long long)run->internal.data[1],
			  (unsigned long long)run->internal.data[2],
			  (unsigned long long)r.rip);
	else
		ioemu_log("vCPU %u: the CPU refused the guest state (exit code %#llx) at rip %#llx",
			  c->id,
			  (unsigned long long)run->fail_entry.hardware_exit_code,
			  (unsigned long long)r.rip);
}

/*
 * A triple fault: where the guest was and in which mode, which is what
 * one needs to find out why (the guest's console often says nothing).
 */
static void vcpu_report_triple_fault(struct vcpu *c)
{
	struct hxen_regs r;
	struct hxen_sregs s;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	if (ioctl(c->fd, HXEN_VCPU_GET_REGS, &r) < 0 ||
	    ioctl(c->fd, HXEN_VCPU_GET_SREGS, &s) < 0) {
		ioemu_log("vCPU %u: triple fault", c->id);
		return;
	}
	ioemu_log("vCPU %u: triple fault at rip %#llx rsp %#llx (cs %#x, cr0 %#llx, cr2 %#llx, cr3 %#llx, cr4 %#llx, efer %#llx)",
		  c->id, (unsigned long long)r.rip, (unsigned long long)r.rsp,
		  s.cs.selector, (unsigned long long)s.cr0,
		  (unsigned long long)s.cr2, (unsigned long long)s.cr3,
		  (unsigned long long)s.cr4, (unsigned long long)s.efer);
}

/* One exit: false when this vCPU is done. */
static bool vcpu_exit(struct vcpu *c)
{
	struct vm *vm = c->vm;

	switch (c->run->exit_reason) {
	case HXEN_EXIT_IO:
		vcpu_io(c);
		return true;
	case HXEN_EXIT_MMIO:
		vcpu_mmio(c);
		return true;
	case HXEN_EXIT_HLT:
		/* Halted with interrupts off: this vCPU is gone for good. */
		return false;
	case HXEN_EXIT_XEN_SHUTDOWN:
		if (c->run->xen_shutdown.reason == XEN_SHUTDOWN_SUSPEND) {
			ioemu_log("the guest asked to suspend, which hxen does not do; it goes on running");
			return true;
		}
		vm_end(vm, shutdown_reason(c->run->xen_shutdown.reason));
		return false;
	case HXEN_EXIT_SHUTDOWN:
		vcpu_report_triple_fault(c);
		vm_end(vm, VM_END_CRASH);
		return false;
	case HXEN_EXIT_INTR:
		return vm_ended(vm) == VM_END_NONE;
	default:
		vcpu_report_failure(c);
		vm_end(vm, VM_END_CRASH);
		return false;
	}
}

/* While the VM is paused, this vCPU's thread waits here. */
static void vcpu_wait_unpaused(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	while (vm->paused && vm->end == VM_END_NONE)
		pthread_cond_wait(&vm->unpaused, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	sigset_t unblock;

	sigemptyset(&unblock);
	sigaddset(&unblock, STOP_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
	while (vm_ended(c->vm) == VM_END_NONE) {
		vcpu_wait_unpaused(c->vm);
		if (ioctl(c->fd, HXEN_VCPU_RUN, 0) < 0 && errno != EINTR) {
			ioemu_log("vCPU %u: run failed: %s", c->id,
				  strerror(errno));
			vm_end(c->vm, VM_END_ERROR);
			break;
		}
		if (!vcpu_exit(c))
			break;
	}
	return NULL;
}

static void stop_handler(int sig)
{
	(void)sig;		/* only interrupts HXEN_VCPU_RUN */
}

int vcpus_start(struct vm *vm)
{
	struct sigaction sa;
	sigset_t block;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_handler;
	sigaction(STOP_SIGNAL, &sa, NULL);
	/* Only vCPU threads take the stop signal. */
	sigemptyset(&block);
	sigaddset(&block, STOP_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	/*
	 * Secondary vCPUs wait in the kernel for the guest's INIT/SIPI
	 * (their HXEN_VCPU_RUN sleeps until then).
	 */
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread,
				   &vm->vcpus[i])) {
			ioemu_log("cannot start vCPU %u's thread", i);
			return -1;
		}
		vm->vcpus[i].started = true;
	}
	return 0;
}

int vcpus_pause(struct vm *vm, bool pause)
{
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	vm->paused = pause;
	pthread_cond_broadcast(&vm->unpaused);
	pthread_mutex_unlock(&vm->lock);
	if (!pause)
		return 0;
	/* Out of HXEN_VCPU_RUN: each thread then waits for unpause. */
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].started)
			pthread_kill(vm->vcpus[i].thread, STOP_SIGNAL);
	return 0;
}

void vcpus_stop(struct vm *vm)
{
	unsigned int i;

	if (!vm->vcpus)
		return;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];

		if (!c->started)
			continue;
		/* Repeat: a signal may land just before the ioctl starts. */
		while (pthread_tryjoin_np(c->thread, NULL) == EBUSY) {
			pthread_kill(c->thread, STOP_SIGNAL);
			usleep(1000);
		}
		c->started = false;
	}
}

/* The ports the guest touched most often through user space. */
static void log_port_counts(const struct vm *vm)
{
	unsigned int top[STATS_TOP_PORTS] = { 0 }, n = 0, p, i, j;
	char line[STATS_TOP_PORTS * 24] = "";
	size_t at = 0;

	if (!vm->port_counts)
		return;
	for (p = 0; p < PORT_COUNT; p++) {
		if (!vm->port_counts[p])
			continue;
		for (i = 0; i < n && vm->port_counts[top[i]] >= vm->port_counts[p]; i++)
			;
		if (i == STATS_TOP_PORTS)
			continue;
		if (n < STATS_TOP_PORTS)
			n++;
		for (j = n - 1; j > i; j--)
			top[j] = top[j - 1];
		top[i] = p;
	}
	for (i = 0; i < n && at < sizeof(line); i++)
		at += (size_t)snprintf(line + at, sizeof(line) - at, " %#x %u",
				       top[i], vm->port_counts[top[i]]);
	ioemu_log("port I/O in user space, busiest ports:%s",
		  n ? line : " none");
}

void vcpus_log_stats(struct vm *vm)
{
	struct hxen_vcpu_stats st;
	unsigned int i;

	log_port_counts(vm);

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (ioctl(vm->vcpus[i].fd, HXEN_VCPU_GET_STATS, &st) < 0) {
			ioemu_log("vCPU %u: no counters: %s", i,
				  strerror(errno));
			continue;
		}
		ioemu_log("vCPU %u: %llu exits: %llu hlt, %llu hypercalls, %llu io, %llu mmio, %llu npf, %llu intr, %llu irq-window, %llu msr, %llu cpuid, %llu exceptions, %llu to user space",
			  i, (unsigned long long)st.exits,
			  (unsigned long long)st.hlt_exits,
			  (unsigned long long)st.hypercalls,
			  (unsigned long long)st.io_exits,
			  (unsigned long long)st.mmio_exits,
			  (unsigned long long)st.npf_exits,
			  (unsigned long long)st.intr_exits,
			  (unsigned long long)st.irq_window_exits,
			  (unsigned long long)st.msr_exits,
			  (unsigned long long)st.cpuid_exits,
			  (unsigned long long)st.exception_exits,
			  (unsigned long long)st.user_exits);
	}
}
