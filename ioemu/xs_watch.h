/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xenstore watches, and the changes that fire them.
 *
 * A change at a path fires every watch at or above it; removing a
 * subtree also fires the watches inside it, each with its own path (as
 * xenstored does: the watcher learns that its node went away).  A guest
 * watch only fires for changes the guest may see.  "@introduceDomain"
 * and "@releaseDomain" match only themselves.
 */
#ifndef IOEMU_XS_WATCH_H
#define IOEMU_XS_WATCH_H

#include <stdbool.h>

/* Watches the guest may hold at once (xenstored's default quota). */
#define XS_GUEST_WATCHES_MAX	128

typedef void (*xs_watch_fn)(void *opaque, const char *path);

struct xs_watch {
	struct xs_watch *next;
	int id;			/* > 0, unique among live watches */
	bool guest;		/* else a local callback */
	bool relative;		/* the guest gave a home-relative path */
	char *path;		/* absolute, or a special "@..." name */
	char *token;		/* guest watches: echoed in events */
	xs_watch_fn fn;		/* local watches */
	void *opaque;
};

/* All watches of a server, in the order they were set. */
struct xs_watches {
	struct xs_watch *head;
	unsigned int nguest;
	int last_id;
};

/* A change a watch may fire for. */
struct xs_change {
	char *path;		/* absolute */
	bool removed;		/* the subtree at path was removed */
	bool visible;		/* the guest may read what changed */
	bool guest_only;	/* fires guest watches only */
};

struct xs_changes {
	struct xs_change *v;
	unsigned int n;
	unsigned int cap;
};

/* "@introduceDomain" or "@releaseDomain". */
bool xs_watch_special(const char *path);

/*
 * Adds a copy of w (path, token, and the rest) at the end.  -EEXIST when
 * the guest already has a watch with that path and token, -E2BIG past
 * XS_GUEST_WATCHES_MAX guest watches.  *out is the new watch.
 */
int xs_watch_add(struct xs_watches *ws, const struct xs_watch *w,
		 struct xs_watch **out);
/* Removes the guest watch with this path and token, or -ENOENT. */
int xs_watch_del_guest(struct xs_watches *ws, const char *path,
		       const char *token);
/* Removes the watch with this id, or -ENOENT. */
int xs_watch_del_id(struct xs_watches *ws, int id);
struct xs_watch *xs_watch_find_id(struct xs_watches *ws, int id);
/* Removes every guest watch, or every local one. */
void xs_watch_del_all(struct xs_watches *ws, bool guest);

/*
 * Calls emit for each watch that c fires, with the path to report.
 * emit must not add or remove watches.
 */
void xs_watch_match(struct xs_watches *ws, const struct xs_change *c,
		    void (*emit)(void *ctx, struct xs_watch *w,
				 const char *epath),
		    void *ctx);

/*
 * Records a change unless one with the same path and kind is there (it
 * then widens to whom the two reach).  -ENOSPC when max changes are
 * recorded.
 */
int xs_changes_add(struct xs_changes *c, const struct xs_change *ch,
		   unsigned int max);
/* Whether xs_changes_add could record this without hitting max. */
bool xs_changes_room(const struct xs_changes *c, const char *path,
		     bool removed, unsigned int max);
void xs_changes_clear(struct xs_changes *c);

#endif /* IOEMU_XS_WATCH_H */
