// SPDX-License-Identifier: GPL-2.0
/* ioemu's own access to the store, as the privileged dom0. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xs_server.h"

static const struct xs_who xs_dom0 = { .domid = 0, .priv = true };

/* Fires the watches of what just changed and runs local callbacks. */
static int local_done(struct xs_server *s, int err)
{
	xs_fire_pending(s);
	xs_dispatch_local(s);
	return err;
}

int xs_local_write_bytes(struct xs_server *s, const char *path,
			 const void *value, size_t len)
{
	char abs[XS_PATH_BUF];
	int err = xs_path_resolve(s->home, path, abs, NULL);

	if (!err)
		err = xs_tree_write(s->tree, &xs_dom0, abs, value, len);
	if (!err)
		xs_note_change(s, s->tree, NULL, abs, false);
	return local_done(s, err);
}

int xs_local_write(struct xs_server *s, const char *path, const char *value)
{
	return xs_local_write_bytes(s, path, value, strlen(value));
}

int xs_local_printf(struct xs_server *s, const char *path, const char *fmt,
		    ...)
{
	char buf[XS_VALUE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (n > XS_VALUE_MAX)
		return -E2BIG;
	return xs_local_write_bytes(s, path, buf, (size_t)n);
}

int xs_local_mkdir(struct xs_server *s, const char *path)
{
	char abs[XS_PATH_BUF];
	int err = xs_path_resolve(s->home, path, abs, NULL);

	if (!err)
		err = xs_tree_mkdir(s->tree, &xs_dom0, abs);
	if (err > 0) {
		xs_note_change(s, s->tree, NULL, abs, false);
		err = 0;
	}
	return local_done(s, err);
}

int xs_local_rm(struct xs_server *s, const char *path)
{
	char abs[XS_PATH_BUF];
	int err = xs_path_resolve(s->home, path, abs, NULL);

	if (err)
		return err;
	/* Watches need the node's permissions, so note before removing. */
	if (strcmp(abs, "/") != 0 && xs_tree_access(s->tree, &xs_dom0, abs))
		xs_note_change(s, s->tree, NULL, abs, true);
	err = xs_tree_rm(s->tree, &xs_dom0, abs);
	return local_done(s, err < 0 ? err : 0);
}

int xs_local_read(struct xs_server *s, const char *path, char *buf,
		  size_t size)
{
	char abs[XS_PATH_BUF];
	struct xs_node *n;
	int err = xs_path_resolve(s->home, path, abs, NULL);

	if (!err)
		err = xs_tree_get(s->tree, &xs_dom0, abs, XS_ACCESS_READ, &n);
	if (err)
		return err;
	if (size) {
		size_t copy = n->len < size - 1 ? n->len : size - 1;

		if (copy)
			memcpy(buf, n->value, copy);
		buf[copy] = '\0';
	}
	return (int)n->len;
}

int xs_local_directory(struct xs_server *s, const char *path,
		       void (*fn)(void *opaque, const char *name),
		       void *opaque)
{
	char abs[XS_PATH_BUF];
	struct xs_node *n;
	unsigned int i;
	int err = xs_path_resolve(s->home, path, abs, NULL);

	if (!err)
		err = xs_tree_get(s->tree, &xs_dom0, abs, XS_ACCESS_READ, &n);
	if (err)
		return err;
	for (i = 0; fn && i < n->nchild; i++)
		fn(opaque, n->child[i]->name);
	return (int)n->nchild;
}

int xs_local_set_perms(struct xs_server *s, const char *path,
		       unsigned int owner, unsigned int guest_access)
{
	struct xs_perms perms = {
		.n = 1,
		.p = { { owner, XS_ACCESS_NONE } },
	};
	char abs[XS_PATH_BUF];
	int err;

	if (owner > XS_DOMID_MAX || guest_access > XS_ACCESS_BOTH)
		return -EINVAL;
	if (owner != s->domid && guest_access != XS_ACCESS_NONE) {
		perms.p[1].domid = s->domid;
		perms.p[1].access = (uint8_t)guest_access;
		perms.n = 2;
	}
	err = xs_path_resolve(s->home, path, abs, NULL);
	if (!err)
		err = xs_tree_set_perms(s->tree, &xs_dom0, abs, &perms);
	if (!err)
		xs_note_change(s, s->tree, NULL, abs, false);
	return local_done(s, err);
}

int xs_local_watch(struct xs_server *s, const char *path,
		   void (*fn)(void *opaque, const char *path), void *opaque)
{
	char abs[XS_PATH_BUF];
	struct xs_watch w = { .fn = fn, .opaque = opaque, .path = abs };
	struct xs_watch *added;
	int err = 0;

	if (!fn)
		return -EINVAL;
	if (path[0] == '@') {
		if (!xs_watch_special(path))
			return -EINVAL;
		strcpy(abs, path);
	} else {
		err = xs_path_resolve(s->home, path, abs, NULL);
	}
	if (!err)
		err = xs_watch_add(&s->watches, &w, &added);
	if (err)
		return err;
	xs_fire_initial(s, added);
	return local_done(s, added->id);
}

int xs_local_unwatch(struct xs_server *s, int id)
{
	struct xs_watch *w = xs_watch_find_id(&s->watches, id);

	if (!w || w->guest)
		return -ENOENT;
	return xs_watch_del_id(&s->watches, id);
}
