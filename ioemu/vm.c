// SPDX-License-Identifier: GPL-2.0
/* The VM through /dev/hxen: RAM, the Xen interface, event channels. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ioemu.h"
#include "libhxen.h"

static int add_ram(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct hxen_ram_range r = { .gpa = gpa, .size = size };
	struct guest_ram_range *g = &vm->mem.r[vm->mem.nr];
	void *p;

	if (ioctl(vm->fd, HXEN_VM_ADD_RAM, &r) < 0) {
		ioemu_log("cannot give the VM %llu MiB of RAM at %#llx: %s",
			  (unsigned long long)(size >> 20),
			  (unsigned long long)gpa, strerror(errno));
		return -1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->fd,
		 (off_t)gpa);
	if (p == MAP_FAILED) {
		ioemu_log("cannot map guest RAM: %s", strerror(errno));
		return -1;
	}
	g->gpa = gpa;
	g->size = size;
	g->host = p;
	vm->mem.nr++;
	vm->mem.total += size;
	return 0;
}

/* RAM up to 3 GiB below 4 GiB, the rest from 4 GiB. */
static int vm_add_memory(struct vm *vm)
{
	uint64_t low = vm->mem_bytes, high = 0;

	if (low > GUEST_MEM_LOW_LIMIT) {
		high = low - GUEST_MEM_LOW_LIMIT;
		low = GUEST_MEM_LOW_LIMIT;
	}
	if (add_ram(vm, 0, low))
		return -1;
	return high ? add_ram(vm, GUEST_MEM_HIGH_START, high) : 0;
}

int vm_create(struct vm *vm, const char *prog)
{
	struct hxen_version v;
	int fd;

	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->unpaused, NULL);
	vm->fd = vm->dev_fd = vm->store_efd = vm->console_efd = -1;
	vm->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_efd < 0) {
		ioemu_log("eventfd: %s", strerror(errno));
		return -1;
	}
	fd = hxen_open_checked(prog, &v);
	if (fd < 0)
		return -1;
	vm->dev_fd = fd;
	vm->abi_minor = v.abi_minor;
	vm->fd = ioctl(fd, HXEN_CREATE_VM, 0);
	if (vm->fd < 0) {
		if (errno == EBUSY)
			ioemu_log("cannot create the VM: another hypervisor holds the CPU's virtualization extensions ('hxenctl doctor' explains)");
		else
			ioemu_log("cannot create the VM: %s", strerror(errno));
		return -1;
	}
	return vm_add_memory(vm);
}

int vm_enable_xen(struct vm *vm)
{
	struct hxen_xen_config c = { .domid = (uint16_t)vm->domid };

	if (ioctl(vm->fd, HXEN_VM_ENABLE_XEN, &c) < 0) {
		ioemu_log("cannot turn on the Xen interface: %s",
			  strerror(errno));
		return -1;
	}
	return 0;
}

int vm_evtchn_bind_port(struct vm *vm, uint32_t *port, int *efd)
{
	struct hxen_evtchn_bind b = { .port = *port };
	int err;

	*efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*efd < 0) {
		err = -errno;
		ioemu_log("eventfd: %s", strerror(errno));
		return err;
	}
	b.eventfd = *efd;
	if (ioctl(vm->fd, HXEN_VM_EVTCHN_BIND, &b) < 0) {
		err = -errno;
		close(*efd);
		*efd = -1;
		return err;
	}
	*port = b.port;
	return 0;
}

uint32_t vm_evtchn_bind(struct vm *vm, int *efd)
{
	uint32_t port = 0;
	int err = vm_evtchn_bind_port(vm, &port, efd);

	if (err) {
		ioemu_log("cannot bind an event channel: %s", strerror(-err));
		return 0;
	}
	return port;
}

void vm_evtchn_unbind(struct vm *vm, uint32_t port, int efd)
{
	struct hxen_evtchn_bind b = { .port = port, .eventfd = -1 };

	/* EINVAL: the guest has closed the port already. */
	if (ioctl(vm->fd, HXEN_VM_EVTCHN_BIND, &b) < 0 && errno != EINVAL)
		ioemu_log("cannot unbind event channel %u: %s", port,
			  strerror(errno));
	close(efd);
}

int vm_evtchn_notify(struct vm *vm, uint32_t port)
{
	struct hxen_evtchn_notify n = { .port = port };

	return ioctl(vm->fd, HXEN_VM_EVTCHN_NOTIFY, &n) < 0 ? -errno : 0;
}

int vm_set_param(struct vm *vm, uint32_t index, uint64_t value)
{
	struct hxen_xen_param p = { .index = index, .value = value };

	if (ioctl(vm->fd, HXEN_VM_SET_XEN_PARAM, &p) < 0) {
		ioemu_log("cannot set HVM parameter %u: %s", index,
			  strerror(errno));
		return -1;
	}
	return 0;
}

void vm_end(struct vm *vm, enum vm_end why)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->lock);
	if (vm->end == VM_END_NONE)
		vm->end = why;
	pthread_cond_broadcast(&vm->unpaused);
	pthread_mutex_unlock(&vm->lock);
	if (write(vm->stop_efd, &one, sizeof(one)) < 0)
		ioemu_log("cannot wake the event loop: %s", strerror(errno));
}

enum vm_end vm_ended(struct vm *vm)
{
	enum vm_end e;

	pthread_mutex_lock(&vm->lock);
	e = vm->end;
	pthread_mutex_unlock(&vm->lock);
	return e;
}

/* Everything goes with the fds: the module frees the VM's pages. */
void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->mem.nr; i++)
		munmap(vm->mem.r[i].host, vm->mem.r[i].size);
	vm->mem.nr = 0;
	vm->mem.total = 0;
	if (vm->vcpus) {
		for (i = 0; i < vm->nr_vcpus; i++) {
			if (vm->vcpus[i].run)
				munmap(vm->vcpus[i].run, 4096);
			if (vm->vcpus[i].fd >= 0)
				close(vm->vcpus[i].fd);
		}
		free(vm->vcpus);
		vm->vcpus = NULL;
	}
	if (vm->store_efd >= 0)
		close(vm->store_efd);
	if (vm->console_efd >= 0)
		close(vm->console_efd);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	if (vm->stop_efd >= 0)
		close(vm->stop_efd);
	vm->fd = vm->dev_fd = vm->stop_efd = -1;
	vm->store_efd = vm->console_efd = -1;
	vm->end = VM_END_NONE;
	pthread_cond_destroy(&vm->unpaused);
	pthread_mutex_destroy(&vm->lock);
}
