/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A paravirtual device's two xenstore directories and the xenbus
 * handshake between its frontend (in the guest) and its backend (in
 * ioemu, as domain 0): the toolstack part writes both directories, the
 * backend moves InitWait -> Connected -> Closing -> Closed as the
 * frontend's state moves, and starts again when a frontend comes back
 * (a module reload, a kexec).  The device type's ops do the rest.
 *
 * Everything here runs on ioemu's event loop thread, from xenstore
 * watch callbacks.
 */
#ifndef IOEMU_XENDEV_H
#define IOEMU_XENDEV_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/io/xenbus.h>

struct xs_server;
struct xendev;

struct xendev_ops {
	const char *type;	/* "vbd", "vif": the xenstore directory */
	/* Backend features, written before the backend enters InitWait. */
	int (*setup)(struct xendev *d);
	/*
	 * The frontend is Initialised (or Connected): read its rings and
	 * event channel, start serving.  0, or -1 after logging why.
	 */
	int (*connect)(struct xendev *d);
	/* Stop serving; give back the rings and the event channel. */
	void (*disconnect)(struct xendev *d);
};

struct xendev {
	struct xs_server *xs;
	const struct xendev_ops *ops;
	void *priv;			/* the device type's state */
	unsigned int domid;
	uint32_t devid;
	char fe[96];			/* /local/domain/<domid>/device/... */
	char be[96];			/* /local/domain/0/backend/... */
	enum xenbus_state state;	/* the backend's */
	bool connected;
	int watch;			/* on the frontend's state */
};

/*
 * Write the directories of device @devid of type @ops->type for the
 * guest of @xs: the frontend's (guest-owned) with backend, backend-id,
 * state; the backend's (domain 0's, guest-readable) with frontend,
 * frontend-id, online, state.  The caller then adds its own nodes and
 * calls xendev_start().  Returns 0 or a negative errno.
 */
int xendev_init(struct xendev *d, struct xs_server *xs, unsigned int domid,
		const struct xendev_ops *ops, uint32_t devid, void *priv);

/* Run ops->setup, enter InitWait and follow the frontend. */
int xendev_start(struct xendev *d);

/* Disconnect if connected, stop following, remove both directories. */
void xendev_stop(struct xendev *d);

/* Node @name below the backend's or the frontend's directory. */
int xendev_be_printf(struct xendev *d, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int xendev_fe_printf(struct xendev *d, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read the frontend's @name as an unsigned number: 0, -ENOENT, -EINVAL. */
int xendev_fe_read_u32(struct xendev *d, const char *name, uint32_t *val);
/* Read the frontend's @name as a string: its length, or a negative errno. */
int xendev_fe_read(struct xendev *d, const char *name, char *buf,
		   size_t size);

#endif /* IOEMU_XENDEV_H */
