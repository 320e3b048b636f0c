// SPDX-License-Identifier: GPL-2.0
/* Xenstore watches and the change records that fire them. */

/* strdup is POSIX.1-2008. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_watch.h"

bool xs_watch_special(const char *path)
{
	return strcmp(path, "@introduceDomain") == 0 ||
	       strcmp(path, "@releaseDomain") == 0;
}

static void watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

struct xs_watch *xs_watch_find_id(struct xs_watches *ws, int id)
{
	struct xs_watch *w;

	for (w = ws->head; w; w = w->next)
		if (w->id == id)
			return w;
	return NULL;
}

static int next_id(struct xs_watches *ws)
{
	do {
		ws->last_id = ws->last_id == INT_MAX ? 1 : ws->last_id + 1;
	} while (xs_watch_find_id(ws, ws->last_id));
	return ws->last_id;
}

int xs_watch_add(struct xs_watches *ws, const struct xs_watch *w,
		 struct xs_watch **out)
{
	struct xs_watch **tail, *n;

	for (tail = &ws->head; *tail; tail = &(*tail)->next) {
		const struct xs_watch *o = *tail;

		if (w->guest && o->guest && strcmp(o->path, w->path) == 0 &&
		    strcmp(o->token, w->token) == 0)
			return -EEXIST;
	}
	if (w->guest && ws->nguest >= XS_GUEST_WATCHES_MAX)
		return -E2BIG;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *w;
	n->next = NULL;
	n->path = strdup(w->path);
	n->token = w->token ? strdup(w->token) : NULL;
	if (!n->path || (w->token && !n->token)) {
		watch_free(n);
		return -ENOMEM;
	}
	n->id = next_id(ws);
	*tail = n;
	ws->nguest += w->guest;
	if (out)
		*out = n;
	return 0;
}

static void unlink_watch(struct xs_watches *ws, struct xs_watch **link)
{
	struct xs_watch *w = *link;

	*link = w->next;
	ws->nguest -= w->guest;
	watch_free(w);
}

int xs_watch_del_guest(struct xs_watches *ws, const char *path,
		       const char *token)
{
	struct xs_watch **link;

	for (link = &ws->head; *link; link = &(*link)->next) {
		const struct xs_watch *w = *link;

		if (w->guest && strcmp(w->path, path) == 0 &&
		    strcmp(w->token, token) == 0) {
			unlink_watch(ws, link);
			return 0;
		}
	}
	return -ENOENT;
}

int xs_watch_del_id(struct xs_watches *ws, int id)
{
	struct xs_watch **link;

	for (link = &ws->head; *link; link = &(*link)->next) {
		if ((*link)->id == id) {
			unlink_watch(ws, link);
			return 0;
		}
	}
	return -ENOENT;
}

void xs_watch_del_all(struct xs_watches *ws, bool guest)
{
	struct xs_watch **link = &ws->head;

	while (*link) {
		if ((*link)->guest == guest)
			unlink_watch(ws, link);
		else
			link = &(*link)->next;
	}
}

void xs_watch_match(struct xs_watches *ws, const struct xs_change *c,
		    void (*emit)(void *ctx, struct xs_watch *w,
				 const char *epath),
		    void *ctx)
{
	struct xs_watch *w;

	for (w = ws->head; w; w = w->next) {
		const char *epath = NULL;

		if (w->guest ? !c->visible : c->guest_only)
			continue;
		if (w->path[0] == '@' || c->path[0] == '@') {
			if (strcmp(w->path, c->path) == 0)
				epath = c->path;
		} else if (xs_path_is_under(c->path, w->path)) {
			epath = c->path;
		} else if (c->removed && xs_path_is_under(w->path, c->path)) {
			epath = w->path;
		}
		if (epath)
			emit(ctx, w, epath);
	}
}

static struct xs_change *changes_find(const struct xs_changes *c,
				      const char *path, bool removed)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].removed == removed &&
		    strcmp(c->v[i].path, path) == 0)
			return &c->v[i];
	return NULL;
}

bool xs_changes_room(const struct xs_changes *c, const char *path,
		     bool removed, unsigned int max)
{
	return c->n < max || changes_find(c, path, removed);
}

int xs_changes_add(struct xs_changes *c, const struct xs_change *ch,
		   unsigned int max)
{
	struct xs_change *old = changes_find(c, ch->path, ch->removed);
	char *copy;

	if (old) {
		old->visible |= ch->visible;
		old->guest_only &= ch->guest_only;
		return 0;
	}
	if (c->n >= max)
		return -ENOSPC;
	if (c->n == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 4;
		struct xs_change *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	copy = strdup(ch->path);
	if (!copy)
		return -ENOMEM;
	c->v[c->n] = *ch;
	c->v[c->n].path = copy;
	c->n++;
	return 0;
}

void xs_changes_clear(struct xs_changes *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	c->v = NULL;
	c->n = 0;
	c->cap = 0;
}
