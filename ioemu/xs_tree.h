/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xenstore database: a tree of nodes, each with a value, permissions
 * and children, and the access and quota rules of every operation on it.
 * A transaction works on its own copy (xs_tree_clone).
 *
 * Paths given here are absolute and valid (see xs_path.h).  Functions
 * return 0 or a negative errno; the errno is the one xenstored answers.
 */
#ifndef IOEMU_XS_TREE_H
#define IOEMU_XS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_perm.h"

/* Longest value, for any caller. */
#define XS_VALUE_MAX		4096
/* Nodes the guest may own. */
#define XS_GUEST_NODES_MAX	1000
/*
 * Bytes the whole tree may hold (names, values, bookkeeping) when the
 * guest adds to it; ioemu's own writes are not limited.
 */
#define XS_STORE_BYTES_MAX	(2u << 20)

struct xs_node {
	char *name;			/* last component, "" for the root */
	char *value;			/* len bytes, not NUL-terminated */
	size_t len;
	struct xs_perms perms;
	/* The tree's generation when the node or its child list changed. */
	uint64_t gen;
	struct xs_node *parent;
	struct xs_node **child;		/* in creation order */
	unsigned int nchild;
	unsigned int cap;
};

struct xs_tree {
	struct xs_node *root;
	uint64_t gen;			/* bumped by every change */
	size_t bytes;			/* accounted size of all nodes */
	unsigned int guest;		/* domid whose nodes are counted */
	unsigned int guest_nodes;	/* nodes owned by that domain */
};

/* A tree holding only "/", owned by dom0 and closed to everyone else. */
struct xs_tree *xs_tree_new(unsigned int guest);
struct xs_tree *xs_tree_clone(const struct xs_tree *t);
void xs_tree_free(struct xs_tree *t);

/*
 * The node at path when who has the XS_ACCESS_* bits need on it.
 * -ENOENT when it does not exist, -EACCES when who may not use it, or
 * may not read the closest existing ancestor of a missing node (so that
 * a domain cannot learn what exists where it may not look).
 */
int xs_tree_get(struct xs_tree *t, const struct xs_who *who,
		const char *path, unsigned int need, struct xs_node **out);

/* XS_ACCESS_* bits who has on the node at path, 0 when it is missing. */
unsigned int xs_tree_access(struct xs_tree *t, const struct xs_who *who,
			    const char *path);

/*
 * Sets the value of path, creating it and missing ancestors.  A new node
 * inherits its parent's permissions; one an unprivileged domain creates
 * is owned by that domain.  Creating needs write access to the closest
 * existing ancestor, changing needs write access to the node.
 * -E2BIG for a value over XS_VALUE_MAX, -ENOSPC when a quota is hit.
 */
int xs_tree_write(struct xs_tree *t, const struct xs_who *who,
		  const char *path, const void *value, size_t len);

/* Like xs_tree_write without touching a value.  1 if created, else 0. */
int xs_tree_mkdir(struct xs_tree *t, const struct xs_who *who,
		  const char *path);

/*
 * Removes path and everything below it: 1 if removed, 0 if it did not
 * exist but its parent does, -ENOENT if neither exists, -EINVAL for "/".
 */
int xs_tree_rm(struct xs_tree *t, const struct xs_who *who, const char *path);

/*
 * Replaces the permissions of path.  An unprivileged domain must own the
 * node (-EACCES) and may not give it away (-EPERM).
 */
int xs_tree_set_perms(struct xs_tree *t, const struct xs_who *who,
		      const char *path, const struct xs_perms *perms);

#endif /* IOEMU_XS_TREE_H */
