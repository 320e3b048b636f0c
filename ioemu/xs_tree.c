// SPDX-License-Identifier: GPL-2.0
/* The xenstore node tree, its access rules and its quotas. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_tree.h"

/* What a node costs against XS_STORE_BYTES_MAX besides name and value. */
#define XS_NODE_OVERHEAD	64

static size_t node_cost(const struct xs_node *n)
{
	return XS_NODE_OVERHEAD + strlen(n->name) + n->len;
}

static void node_account(struct xs_tree *t, const struct xs_node *n,
			 bool add)
{
	bool guests = n->perms.p[0].domid == t->guest;

	if (add) {
		t->bytes += node_cost(n);
		t->guest_nodes += guests;
	} else {
		t->bytes -= node_cost(n);
		t->guest_nodes -= guests;
	}
}

static void node_touch(struct xs_tree *t, struct xs_node *n)
{
	n->gen = ++t->gen;
}

static struct xs_node *node_alloc(const char *name, size_t nlen,
				  const struct xs_perms *perms)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = malloc(nlen + 1);
	if (!n->name) {
		free(n);
		return NULL;
	}
	memcpy(n->name, name, nlen);
	n->name[nlen] = '\0';
	n->perms = *perms;
	return n;
}

/* Frees n and all below it; t, when given, stops accounting for them. */
static void node_free(struct xs_tree *t, struct xs_node *n)
{
	unsigned int i;

	for (i = 0; i < n->nchild; i++)
		node_free(t, n->child[i]);
	if (t)
		node_account(t, n, false);
	free(n->child);
	free(n->value);
	free(n->name);
	free(n);
}

static int node_link(struct xs_node *parent, struct xs_node *n)
{
	if (parent->nchild == parent->cap) {
		unsigned int cap = parent->cap ? parent->cap * 2 : 4;
		struct xs_node **c;

		c = realloc(parent->child, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		parent->child = c;
		parent->cap = cap;
	}
	parent->child[parent->nchild++] = n;
	n->parent = parent;
	return 0;
}

static void node_unlink(struct xs_node *n)
{
	struct xs_node *p = n->parent;
	unsigned int i;

	for (i = 0; i < p->nchild && p->child[i] != n; i++)
		;
	memmove(&p->child[i], &p->child[i + 1],
		(p->nchild - i - 1) * sizeof(*p->child));
	p->nchild--;
	n->parent = NULL;
}

static struct xs_node *child_find(const struct xs_node *n, const char *name,
				  size_t len)
{
	unsigned int i;

	for (i = 0; i < n->nchild; i++) {
		struct xs_node *c = n->child[i];

		if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
			return c;
	}
	return NULL;
}

static size_t component_len(const char *p)
{
	const char *end = strchr(p, '/');

	return end ? (size_t)(end - p) : strlen(p);
}

/*
 * The deepest existing node on the way to path.  *rest points into path
 * at the first missing component, or is NULL when path exists.
 */
static struct xs_node *walk(const struct xs_tree *t, const char *path,
			    const char **rest)
{
	struct xs_node *n = t->root;
	const char *p = path + 1;

	while (*p) {
		size_t len = component_len(p);
		struct xs_node *c = child_find(n, p, len);

		if (!c) {
			*rest = p;
			return n;
		}
		n = c;
		p += len;
		if (*p == '/')
			p++;
	}
	*rest = NULL;
	return n;
}

struct xs_tree *xs_tree_new(unsigned int guest)
{
	struct xs_perms perms = { .n = 1, .p = { { 0, XS_ACCESS_NONE } } };
	struct xs_tree *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->guest = guest;
	t->root = node_alloc("", 0, &perms);
	if (!t->root) {
		free(t);
		return NULL;
	}
	node_account(t, t->root, true);
	return t;
}

static struct xs_node *node_clone(const struct xs_node *src)
{
	struct xs_node *n = node_alloc(src->name, strlen(src->name),
				       &src->perms);
	unsigned int i;

	if (!n)
		return NULL;
	n->gen = src->gen;
	if (src->len) {
		n->value = malloc(src->len);
		if (!n->value)
			goto fail;
		memcpy(n->value, src->value, src->len);
		n->len = src->len;
	}
	if (src->nchild) {
		n->child = malloc(src->nchild * sizeof(*n->child));
		if (!n->child)
			goto fail;
		n->cap = src->nchild;
	}
	for (i = 0; i < src->nchild; i++) {
		struct xs_node *c = node_clone(src->child[i]);

		if (!c)
			goto fail;
		c->parent = n;
		n->child[n->nchild++] = c;
	}
	return n;
fail:
	node_free(NULL, n);
	return NULL;
}

struct xs_tree *xs_tree_clone(const struct xs_tree *t)
{
	struct xs_tree *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *t;
	c->root = node_clone(t->root);
	if (!c->root) {
		free(c);
		return NULL;
	}
	return c;
}

void xs_tree_free(struct xs_tree *t)
{
	if (!t)
		return;
	node_free(NULL, t->root);
	free(t);
}

int xs_tree_get(struct xs_tree *t, const struct xs_who *who,
		const char *path, unsigned int need, struct xs_node **out)
{
	const char *rest;
	struct xs_node *n = walk(t, path, &rest);
	unsigned int acc = xs_perms_access(&n->perms, who);

	if (rest)
		return (acc & XS_ACCESS_READ) ? -ENOENT : -EACCES;
	if ((acc & need) != need)
		return -EACCES;
	*out = n;
	return 0;
}

unsigned int xs_tree_access(struct xs_tree *t, const struct xs_who *who,
			    const char *path)
{
	const char *rest;
	struct xs_node *n = walk(t, path, &rest);

	return rest ? 0 : xs_perms_access(&n->perms, who);
}

/*
 * Creates the components in rest below their closest existing ancestor
 * n, checking access and quotas first (value_len: the value that will
 * follow).  On success *leaf is the last node created.
 */
static int create(struct xs_tree *t, const struct xs_who *who,
		  struct xs_node *n, const char *rest, size_t value_len,
		  struct xs_node **leaf)
{
	struct xs_node *parent = n, *first = NULL;
	unsigned int count = 1;
	const char *p;
	size_t bytes;

	if (!(xs_perms_access(&n->perms, who) & XS_ACCESS_WRITE))
		return -EACCES;
	for (p = rest; *p; p++)
		count += *p == '/';
	/* Names are rest less its separators. */
	bytes = count * XS_NODE_OVERHEAD + strlen(rest) - (count - 1) +
		value_len;
	if (!who->priv) {
		if (who->domid == t->guest &&
		    t->guest_nodes + count > XS_GUEST_NODES_MAX)
			return -ENOSPC;
		if (t->bytes + bytes > XS_STORE_BYTES_MAX)
			return -ENOSPC;
	}
	for (p = rest; *p;) {
		size_t len = component_len(p);
		struct xs_perms perms = parent->perms;
		struct xs_node *c;

		if (!who->priv)
			perms.p[0].domid = who->domid;
		c = node_alloc(p, len, &perms);
		if (!c)
			goto fail;
		if (node_link(parent, c)) {
			node_free(NULL, c);
			goto fail;
		}
		node_account(t, c, true);
		node_touch(t, parent);
		node_touch(t, c);
		if (!first)
			first = c;
		parent = c;
		p += len;
		if (*p == '/')
			p++;
	}
	*leaf = parent;
	return 0;
fail:
	if (first) {
		node_unlink(first);
		node_free(t, first);
	}
	return -ENOMEM;
}

int xs_tree_write(struct xs_tree *t, const struct xs_who *who,
		  const char *path, const void *value, size_t len)
{
	const char *rest;
	struct xs_node *n;
	char *copy = NULL;
	int err;

	if (len > XS_VALUE_MAX)
		return -E2BIG;
	n = walk(t, path, &rest);
	if (!rest) {
		if (!(xs_perms_access(&n->perms, who) & XS_ACCESS_WRITE))
			return -EACCES;
		if (!who->priv && len > n->len &&
		    t->bytes + (len - n->len) > XS_STORE_BYTES_MAX)
			return -ENOSPC;
	}
	if (len) {
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, value, len);
	}
	if (rest) {
		err = create(t, who, n, rest, len, &n);
		if (err) {
			free(copy);
			return err;
		}
	}
	t->bytes -= n->len;
	free(n->value);
	n->value = copy;
	n->len = len;
	t->bytes += len;
	node_touch(t, n);
	return 0;
}

int xs_tree_mkdir(struct xs_tree *t, const struct xs_who *who,
		  const char *path)
{
	const char *rest;
	struct xs_node *n = walk(t, path, &rest);
	int err;

	if (!rest)
		return (xs_perms_access(&n->perms, who) & XS_ACCESS_WRITE) ?
			0 : -EACCES;
	err = create(t, who, n, rest, 0, &n);
	return err ? err : 1;
}

int xs_tree_rm(struct xs_tree *t, const struct xs_who *who, const char *path)
{
	const char *rest;
	struct xs_node *n, *parent;
	unsigned int acc;

	if (strcmp(path, "/") == 0)
		return -EINVAL;
	n = walk(t, path, &rest);
	acc = xs_perms_access(&n->perms, who);
	if (rest) {
		if (!(acc & XS_ACCESS_READ))
			return -EACCES;
		/* Missing is fine, as long as the parent exists. */
		return strchr(rest, '/') ? -ENOENT : 0;
	}
	if (!(acc & XS_ACCESS_WRITE))
		return -EACCES;
	parent = n->parent;
	node_unlink(n);
	node_free(t, n);
	node_touch(t, parent);
	return 1;
}

int xs_tree_set_perms(struct xs_tree *t, const struct xs_who *who,
		      const char *path, const struct xs_perms *perms)
{
	struct xs_node *n;
	int err;

	if (perms->n < 1 || perms->n > XS_PERMS_MAX)
		return -EINVAL;
	err = xs_tree_get(t, who, path, who->priv ? 0 : XS_ACCESS_OWNER, &n);
	if (err)
		return err;
	if (!who->priv && perms->p[0].domid != n->perms.p[0].domid)
		return -EPERM;
	node_account(t, n, false);
	n->perms = *perms;
	node_account(t, n, true);
	node_touch(t, n);
	return 0;
}
