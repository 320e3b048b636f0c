/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VM as ioemu runs it: the VM and vCPU fds, guest RAM, the event
 * channels of the console and xenstore, and how the run ended.
 */
#ifndef IOEMU_IOEMU_H
#define IOEMU_IOEMU_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <hxen.h>

#include "guest_mem.h"

struct console;
struct xs_server;

/* Why the VM stopped (struct vm.end). */
enum vm_end {
	VM_END_NONE,
	VM_END_POWEROFF,
	VM_END_REBOOT,
	VM_END_CRASH,
	VM_END_KILLED,		/* SIGTERM/SIGINT or "destroy" */
	VM_END_ERROR,		/* hxen or ioemu failed */
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct hxen_run *run;
	pthread_t thread;
	bool started;
};

#define PORT_COUNT	65536	/* x86 I/O ports */

struct vm {
	const char *name;
	unsigned int domid;
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	int dev_fd;
	int fd;
	unsigned int abi_minor;		/* of the hxen module */
	struct guest_mem mem;
	struct vcpu *vcpus;
	/* Event channel ports and the eventfds the guest's sends signal. */
	uint32_t store_port, console_port;
	int store_efd, console_efd;
	/* Set once by the first thread that ends the VM. */
	int end;
	pthread_mutex_t lock;
	/* Written by the event loop when the VM ends; wakes it up. */
	int stop_efd;
	/* Unknown ports and MMIO the guest touched (logged once each). */
	unsigned long io_unhandled, mmio_unhandled;
	bool paused;
	pthread_cond_t unpaused;
	bool stats;			/* --stats: time each disk request */
	uint32_t *port_counts;		/* --stats: PORT_COUNT counters */
};

/* vm.c */
int vm_create(struct vm *vm, const char *prog);
int vm_enable_xen(struct vm *vm);
/* Give the guest an event channel for a device: returns the port or 0. */
uint32_t vm_evtchn_bind(struct vm *vm, int *efd);
/*
 * Bind the device model's end of the guest's port *@port (allocated
 * unbound for domain 0; 0: a new one, returned in *@port) to a new
 * eventfd *@efd.  0 or a negative errno.  vm_evtchn_unbind() undoes it
 * and closes @efd.
 */
int vm_evtchn_bind_port(struct vm *vm, uint32_t *port, int *efd);
void vm_evtchn_unbind(struct vm *vm, uint32_t port, int efd);
int vm_evtchn_notify(struct vm *vm, uint32_t port);
int vm_set_param(struct vm *vm, uint32_t index, uint64_t value);
void vm_destroy(struct vm *vm);
/* Record why the VM ends (the first reason wins) and wake the loop. */
void vm_end(struct vm *vm, enum vm_end why);
enum vm_end vm_ended(struct vm *vm);

/* vcpu.c */
int vcpus_create(struct vm *vm, uint64_t entry, uint64_t start_info);
int vcpus_start(struct vm *vm);
void vcpus_stop(struct vm *vm);
/* --stats: each vCPU's exit counters, logged. */
void vcpus_log_stats(struct vm *vm);
/* Hold every vCPU out of the guest (true) or let them run again. */
int vcpus_pause(struct vm *vm, bool pause);
/* The guest's early output on port 0xE9 goes to this function. */
extern void (*vcpu_debug_out)(const uint8_t *buf, size_t len);

/* log.c: messages to stderr (and the VM's log), prefixed with "ioemu". */
void ioemu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* IOEMU_IOEMU_H */
