/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioemu's xenstore: the store of one VM and the server of its guest's
 * xenstore ring (the protocol of docs/misc/xenstore.txt in Xen, as
 * Linux's xenbus speaks it).
 *
 * The guest is an unprivileged domain; ioemu itself, through the
 * xs_local_* calls, acts as the privileged dom0 (toolstack and backends).
 *
 * Threading: a server belongs to the thread of ioemu's event loop.  No
 * call may be made from another thread, and none is reentrant except as
 * said for watch callbacks.
 */
#ifndef IOEMU_XENSTORE_H
#define IOEMU_XENSTORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "xs_perm.h"		/* XS_ACCESS_* */

struct xs_server;

struct xs_server_stats {
	bool broken;		/* the guest broke the ring protocol */
	uint32_t broken_reason;	/* XENSTORE_ERROR_RINGIDX or _PROTO */
	uint64_t requests;	/* guest requests answered */
	uint64_t errors;	/* of which answered with XS_ERROR */
	uint64_t events;	/* watch events queued for the guest */
	uint64_t events_dropped; /* not queued: too large or backlog full */
};

/*
 * A store for the guest with this domid (1..DOMID_FIRST_RESERVED-1),
 * holding /local/domain/<domid>, owned by dom0 and readable by the
 * guest ("n0 r<domid>"): nodes ioemu writes below it inherit that.
 * NULL for a bad domid or no memory.
 */
struct xs_server *xs_server_new(unsigned int domid);
void xs_server_free(struct xs_server *s);

/*
 * Serves the guest's ring page from now on (NULL stops serving).  The
 * page is ioemu's mapping of guest memory; it must be zeroed before the
 * guest first runs.  Attaching starts a new connection: guest watches,
 * transactions, a partial request and unsent replies are dropped.  The
 * page's server_features get XENSTORE_SERVER_FEATURE_ERROR and, when the
 * guest breaks the protocol, its error field says why.
 */
void xs_server_attach_ring(struct xs_server *s,
			   struct xenstore_domain_interface *ring);

/*
 * Call when the guest signals the store event channel, and after local
 * changes (xs_local_*) so that watch events reach the guest.  Consumes
 * whole requests, answers them in order, sends what did not fit before,
 * and runs local watch callbacks.  Returns true when the guest should
 * be notified (an index moved).  A guest that stops reading replies
 * stops having its requests read (its replies stay queued, bounded).
 */
bool xs_server_process(struct xs_server *s);

/* True once the guest broke the ring protocol; the ring is then ignored. */
bool xs_server_broken(const struct xs_server *s);
void xs_server_get_stats(const struct xs_server *s,
			 struct xs_server_stats *st);

/*
 * Local access, as dom0.  A path not starting with '/' is relative to
 * the guest's home, /local/domain/<domid>.  Results are 0 or a negative
 * errno: -EINVAL bad path, -ENOENT, -E2BIG value over 4096 bytes,
 * -ENOMEM.  Changes fire watches, the guest's included.
 */
int xs_local_write(struct xs_server *s, const char *path, const char *value);
int xs_local_write_bytes(struct xs_server *s, const char *path,
			 const void *value, size_t len);
int xs_local_printf(struct xs_server *s, const char *path, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* Creates path (and parents) with an empty value unless it exists. */
int xs_local_mkdir(struct xs_server *s, const char *path);
/* Removes path and all below it; 0 also when it did not exist. */
int xs_local_rm(struct xs_server *s, const char *path);

/*
 * Copies the value into buf, NUL-terminated when size > 0, and returns
 * its full length: a result >= size means it was cut short.
 */
int xs_local_read(struct xs_server *s, const char *path, char *buf,
		  size_t size);

/*
 * Calls fn with each child's name; returns how many there are.
 * fn may not change the store.
 */
int xs_local_directory(struct xs_server *s, const char *path,
		       void (*fn)(void *opaque, const char *name),
		       void *opaque);

/*
 * Sets the permissions of an existing node: owned by owner (who may do
 * anything), guest_access (XS_ACCESS_NONE/READ/WRITE/BOTH) for the
 * guest when it is not the owner, nothing for anyone else.  Nodes
 * created below it later inherit these permissions.
 */
int xs_local_set_perms(struct xs_server *s, const char *path,
		       unsigned int owner, unsigned int guest_access);

/*
 * Calls fn(opaque, path) for each change at or below path (absolute or
 * home-relative, or "@introduceDomain"/"@releaseDomain"), with the
 * absolute path of what changed; removing a subtree also fires the
 * watches inside it, with their own paths.  Fires once for path itself
 * before this call returns (when called from a callback: right after
 * that callback returns).  Returns a watch id (> 0) or a negative errno.
 *
 * Callbacks run from xs_server_process and the xs_local_* calls, never
 * nested: a callback may use xs_local_* (events it causes run after it
 * returns) and xs_local_unwatch, but not xs_server_process or
 * xs_server_free.
 */
int xs_local_watch(struct xs_server *s, const char *path,
		   void (*fn)(void *opaque, const char *path), void *opaque);
int xs_local_unwatch(struct xs_server *s, int id);

/* What xs_domain_populate writes. */
struct xs_domain_info {
	const char *name;		/* the VM's name */
	unsigned int vcpus;		/* cpu/<n>/availability = online */
	uint64_t memory_kib;		/* memory/static-max and target */
};

/*
 * Writes the nodes Linux expects in a domain's home, laid out and
 * permitted as Xen's toolstack (libxl) does: name, domid, memory/, cpu/,
 * device/, control/ with the platform features and the guest-writable
 * shutdown, sysrq and feature-* nodes, and the guest-owned data/,
 * drivers/, feature/, attr/ and error/.
 */
int xs_domain_populate(struct xs_server *s, const struct xs_domain_info *info);

#endif /* IOEMU_XENSTORE_H */
