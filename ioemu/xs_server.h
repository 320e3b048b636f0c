/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The insides of struct xs_server, shared by the files that implement
 * it: xenstore.c (connection, queues, events), xs_ops.c (guest
 * requests), xs_txn.c (transactions), xs_local.c (ioemu's own access)
 * and xs_domain.c.  Not for use outside them.
 */
#ifndef IOEMU_XS_SERVER_H
#define IOEMU_XS_SERVER_H

#include "xenstore.h"
#include "xs_path.h"
#include "xs_tree.h"
#include "xs_watch.h"

/* Transactions the guest may have open (xenstored's default quota). */
#define XS_GUEST_TXNS_MAX	10
/* Distinct changes one transaction may make. */
#define XS_TXN_CHANGES_MAX	1024
/* Requests are not read while this much output waits for the guest. */
#define XS_OUT_PAUSE_BYTES	(64u << 10)
/* Watch events are dropped rather than queued past this much output. */
#define XS_OUT_EVENT_BYTES	(256u << 10)

struct xs_txn {
	struct xs_txn *next;
	uint32_t id;
	uint64_t base_gen;		/* the store's generation at start */
	struct xs_tree *tree;		/* the transaction's own copy */
	struct xs_changes changes;	/* to fire on commit */
};

/* A message to the guest, sent from off onwards. */
struct xs_outmsg {
	struct xs_outmsg *next;
	size_t len;
	size_t off;
	char data[];
};

/* A local watch's event waiting for its callback. */
struct xs_local_event {
	struct xs_local_event *next;
	int watch_id;
	char path[];
};

struct xs_server {
	unsigned int domid;
	char home[32];			/* /local/domain/<domid> */
	struct xs_who guest;
	struct xs_tree *tree;
	struct xs_watches watches;
	struct xs_txn *txns;
	unsigned int ntxns;
	uint32_t last_txid;
	/* Changes made by the current operation, fired when it ends. */
	struct xs_changes pending;
	/* A watch just set, whose first event follows the reply. */
	int initial_watch;

	/* The guest's connection. */
	struct xenstore_domain_interface *ring;
	uint32_t req_cons;
	uint32_t rsp_prod;
	size_t in_have;
	/* A request being read; one spare byte for a terminating NUL. */
	char in[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
	struct xs_outmsg *out_head;
	struct xs_outmsg *out_tail;
	size_t out_bytes;
	char reply[XENSTORE_PAYLOAD_MAX];

	struct xs_local_event *lev_head;
	struct xs_local_event *lev_tail;
	bool dispatching;		/* running local callbacks */
	bool processing;		/* inside xs_server_process */

	struct xs_server_stats stats;
};

/* xenstore.c */
int xs_queue_msg(struct xs_server *s, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const void *a, size_t alen, const void *b,
		 size_t blen);
/*
 * Notes that path changed in tree t (the store's or a transaction's):
 * into s->pending, or into tx's changes when tx is given.  Call after
 * the change, or just before it for a removal.  A removal the guest may
 * not see still reaches the guest's watches on nodes inside it that it
 * may read.
 */
int xs_note_change(struct xs_server *s, struct xs_tree *t,
		   struct xs_txn *tx, const char *path, bool removed);
/* Fires the watches of s->pending and empties it. */
void xs_fire_pending(struct xs_server *s);
/* Queues the event a watch gets when it is set. */
void xs_fire_initial(struct xs_server *s, struct xs_watch *w);
/* Runs queued local callbacks unless they are already running. */
void xs_dispatch_local(struct xs_server *s);

/* xs_ops.c: answers one guest request (payload NUL-terminated at len). */
void xs_handle_request(struct xs_server *s, const struct xsd_sockmsg *hdr,
		       const char *payload);

/* xs_txn.c */
int xs_txn_start(struct xs_server *s, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_server *s, uint32_t id);
/* Ends and frees tx; a commit fails with -EAGAIN after other changes. */
int xs_txn_end(struct xs_server *s, struct xs_txn *tx, bool commit);
void xs_txn_end_all(struct xs_server *s);

#endif /* IOEMU_XS_SERVER_H */
