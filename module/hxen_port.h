/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of the Linux port. */
#ifndef HXEN_PORT_H
#define HXEN_PORT_H

#include <linux/atomic.h>
#include <linux/fs.h>

extern atomic64_t hxen_pages_held;
extern atomic_t hxen_vms_alive;

int hxen_dev_register(void);
void hxen_dev_unregister(void);

/* HXEN_CREATE_VM: a new VM and the fd that owns it. */
int hxen_vm_create_fd(void);

#endif /* HXEN_PORT_H */
