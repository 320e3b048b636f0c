// SPDX-License-Identifier: GPL-2.0
/*
 * The xenbus handshake of a backend in ioemu (see xendev.h), as
 * docs/misc/xenstore-paths and Linux's xenbus drivers expect it:
 *
 *   frontend state        backend does
 *   Initialising/InitWait after a close: setup again, InitWait
 *   Initialised/Connected connect, Connected (Closing if that fails)
 *   Closing               disconnect, Closing
 *   Closed, or gone       disconnect, Closed
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioemu.h"
#include "xendev.h"
#include "xenstore.h"

static int vnode(struct xendev *d, const char *dir, const char *name,
		 const char *fmt, va_list ap)
{
	char path[160], value[256];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return -EINVAL;
	if (vsnprintf(value, sizeof(value), fmt, ap) >= (int)sizeof(value))
		return -E2BIG;
	return xs_local_write(d->xs, path, value);
}

int xendev_be_printf(struct xendev *d, const char *name, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vnode(d, d->be, name, fmt, ap);
	va_end(ap);
	return err;
}

int xendev_fe_printf(struct xendev *d, const char *name, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vnode(d, d->fe, name, fmt, ap);
	va_end(ap);
	return err;
}

int xendev_fe_read(struct xendev *d, const char *name, char *buf,
		   size_t size)
{
	char path[160];
	int n;

	if (snprintf(path, sizeof(path), "%s/%s", d->fe, name) >=
	    (int)sizeof(path))
		return -EINVAL;
	n = xs_local_read(d->xs, path, buf, size);
	if (n >= 0 && (size_t)n >= size)
		return -E2BIG;
	return n;
}

int xendev_fe_read_u32(struct xendev *d, const char *name, uint32_t *val)
{
	char buf[16], *end;
	unsigned long v;
	int n = xendev_fe_read(d, name, buf, sizeof(buf));

	if (n < 0)
		return n == -E2BIG ? -EINVAL : n;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (!n || *end || errno || v > UINT32_MAX || buf[0] == '-')
		return -EINVAL;
	*val = (uint32_t)v;
	return 0;
}

static void set_state(struct xendev *d, enum xenbus_state s)
{
	d->state = s;
	xendev_be_printf(d, "state", "%u", (unsigned int)s);
}

static void disconnect(struct xendev *d)
{
	if (!d->connected)
		return;
	d->ops->disconnect(d);
	d->connected = false;
}

static int init_wait(struct xendev *d)
{
	int err = d->ops->setup ? d->ops->setup(d) : 0;

	if (!err)
		set_state(d, XenbusStateInitWait);
	return err;
}

static void frontend_changed(void *opaque, const char *path)
{
	struct xendev *d = opaque;
	uint32_t fs;

	(void)path;
	if (xendev_fe_read_u32(d, "state", &fs))
		fs = XenbusStateClosed;
	switch (fs) {
	case XenbusStateInitialising:
	case XenbusStateInitWait:
		if (d->state == XenbusStateClosed)
			init_wait(d);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (d->connected || d->state != XenbusStateInitWait)
			break;
		if (d->ops->connect(d)) {
			set_state(d, XenbusStateClosing);
			break;
		}
		d->connected = true;
		set_state(d, XenbusStateConnected);
		break;
	case XenbusStateClosing:
		disconnect(d);
		if (d->state != XenbusStateClosed)
			set_state(d, XenbusStateClosing);
		break;
	default:		/* Closed, Reconfiguring, unknown, removed */
		disconnect(d);
		if (d->state != XenbusStateClosed)
			set_state(d, XenbusStateClosed);
		break;
	}
}

int xendev_init(struct xendev *d, struct xs_server *xs, unsigned int domid,
		const struct xendev_ops *ops, uint32_t devid, void *priv)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->xs = xs;
	d->ops = ops;
	d->priv = priv;
	d->domid = domid;
	d->devid = devid;
	d->state = XenbusStateInitialising;
	snprintf(d->fe, sizeof(d->fe), "/local/domain/%u/device/%s/%u",
		 domid, ops->type, devid);
	snprintf(d->be, sizeof(d->be), "/local/domain/0/backend/%s/%u/%u",
		 ops->type, domid, devid);
	err = xs_local_mkdir(xs, d->be);
	if (!err)
		err = xs_local_set_perms(xs, d->be, 0, XS_ACCESS_READ);
	if (!err)
		err = xendev_be_printf(d, "frontend", "%s", d->fe);
	if (!err)
		err = xendev_be_printf(d, "frontend-id", "%u", domid);
	if (!err)
		err = xendev_be_printf(d, "online", "1");
	if (!err)
		err = xendev_be_printf(d, "state", "%u",
				       XenbusStateInitialising);
	if (!err)
		err = xs_local_mkdir(xs, d->fe);
	if (!err)
		err = xs_local_set_perms(xs, d->fe, domid, XS_ACCESS_NONE);
	if (!err)
		err = xendev_fe_printf(d, "backend", "%s", d->be);
	if (!err)
		err = xendev_fe_printf(d, "backend-id", "0");
	if (!err)
		err = xendev_fe_printf(d, "state", "%u",
				       XenbusStateInitialising);
	return err;
}

int xendev_start(struct xendev *d)
{
	char path[112];
	int err = init_wait(d);

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/state", d->fe);
	d->watch = xs_local_watch(d->xs, path, frontend_changed, d);
	return d->watch < 0 ? d->watch : 0;
}

void xendev_stop(struct xendev *d)
{
	if (!d->xs)
		return;
	if (d->watch > 0)
		xs_local_unwatch(d->xs, d->watch);
	d->watch = 0;
	disconnect(d);
	xs_local_rm(d->xs, d->be);
	xs_local_rm(d->xs, d->fe);
	d->xs = NULL;
}
