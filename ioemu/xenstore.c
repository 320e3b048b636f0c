// SPDX-License-Identifier: GPL-2.0
/*
 * ioemu's xenstore server: the guest's connection (reading requests,
 * queueing replies and watch events) and the firing of watches.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"
#include "xs_server.h"

/* Domain ids from here on are special (DOMID_FIRST_RESERVED). */
#define XS_DOMID_FIRST_RESERVED	0x7FF0u

struct xs_server *xs_server_new(unsigned int domid)
{
	const struct xs_who dom0 = { .domid = 0, .priv = true };
	struct xs_perms home_perms = {
		.n = 2,
		.p = { { 0, XS_ACCESS_NONE }, { domid, XS_ACCESS_READ } },
	};
	struct xs_server *s;

	if (domid == 0 || domid >= XS_DOMID_FIRST_RESERVED)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->domid = domid;
	snprintf(s->home, sizeof(s->home), "/local/domain/%u", domid);
	s->guest.domid = domid;
	s->guest.priv = false;
	s->tree = xs_tree_new(domid);
	if (!s->tree || xs_tree_mkdir(s->tree, &dom0, s->home) < 0 ||
	    xs_tree_set_perms(s->tree, &dom0, s->home, &home_perms)) {
		xs_tree_free(s->tree);
		free(s);
		return NULL;
	}
	return s;
}

static void out_free(struct xs_server *s)
{
	while (s->out_head) {
		struct xs_outmsg *m = s->out_head;

		s->out_head = m->next;
		free(m);
	}
	s->out_tail = NULL;
	s->out_bytes = 0;
}

/* Forgets everything the guest's connection holds. */
static void conn_reset(struct xs_server *s)
{
	out_free(s);
	s->in_have = 0;
	xs_txn_end_all(s);
	xs_watch_del_all(&s->watches, true);
}

void xs_server_free(struct xs_server *s)
{
	if (!s)
		return;
	conn_reset(s);
	xs_watch_del_all(&s->watches, false);
	while (s->lev_head) {
		struct xs_local_event *ev = s->lev_head;

		s->lev_head = ev->next;
		free(ev);
	}
	xs_changes_clear(&s->pending);
	xs_tree_free(s->tree);
	free(s);
}

void xs_server_attach_ring(struct xs_server *s,
			   struct xenstore_domain_interface *ring)
{
	conn_reset(s);
	s->stats.broken = false;
	s->stats.broken_reason = XENSTORE_ERROR_NONE;
	s->ring = ring;
	if (!ring)
		return;
	s->req_cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
	s->rsp_prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
	__atomic_store_n(&ring->server_features,
			 XENSTORE_SERVER_FEATURE_ERROR, __ATOMIC_RELAXED);
	__atomic_store_n(&ring->error, XENSTORE_ERROR_NONE, __ATOMIC_RELAXED);
	__atomic_store_n(&ring->connection, XENSTORE_CONNECTED,
			 __ATOMIC_RELEASE);
}

/* The guest broke the protocol: tell it why and stop serving it. */
static void conn_break(struct xs_server *s, uint32_t reason)
{
	conn_reset(s);
	s->stats.broken = true;
	s->stats.broken_reason = reason;
	__atomic_store_n(&s->ring->error, reason, __ATOMIC_RELEASE);
}

static bool conn_up(const struct xs_server *s)
{
	return s->ring && !s->stats.broken;
}

bool xs_server_broken(const struct xs_server *s)
{
	return s->stats.broken;
}

void xs_server_get_stats(const struct xs_server *s,
			 struct xs_server_stats *st)
{
	*st = s->stats;
}

int xs_queue_msg(struct xs_server *s, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const void *a, size_t alen, const void *b,
		 size_t blen)
{
	struct xsd_sockmsg hdr = {
		.type = type,
		.req_id = req_id,
		.tx_id = tx_id,
		.len = (uint32_t)(alen + blen),
	};
	size_t len = sizeof(hdr) + alen + blen;
	struct xs_outmsg *m;

	if (!conn_up(s))
		return 0;
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = len;
	m->off = 0;
	memcpy(m->data, &hdr, sizeof(hdr));
	if (alen)
		memcpy(m->data + sizeof(hdr), a, alen);
	if (blen)
		memcpy(m->data + sizeof(hdr) + alen, b, blen);
	if (s->out_tail)
		s->out_tail->next = m;
	else
		s->out_head = m;
	s->out_tail = m;
	s->out_bytes += len;
	return 0;
}

/* Sends queued output while the ring has room; true if rsp_prod moved. */
static bool out_flush(struct xs_server *s)
{
	bool moved = false;

	while (conn_up(s) && s->out_head) {
		struct xs_outmsg *m = s->out_head;
		int n = xs_ring_put(s->ring, &s->rsp_prod, m->data + m->off,
				    m->len - m->off);

		if (n < 0) {
			conn_break(s, XENSTORE_ERROR_RINGIDX);
			break;
		}
		if (n == 0)
			break;
		moved = true;
		m->off += (size_t)n;
		if (m->off < m->len)
			break;
		s->out_head = m->next;
		if (!s->out_head)
			s->out_tail = NULL;
		s->out_bytes -= m->len;
		free(m);
	}
	return moved;
}

/*
 * Reads requests piece by piece as the guest provides them and answers
 * each whole one, until the ring runs dry or too much output waits.
 */
static void in_process(struct xs_server *s, bool *notify)
{
	const size_t hlen = sizeof(struct xsd_sockmsg);

	while (conn_up(s) && s->out_bytes < XS_OUT_PAUSE_BYTES) {
		struct xsd_sockmsg hdr;
		size_t want;
		int n;

		if (s->in_have < hlen) {
			want = hlen - s->in_have;
		} else {
			memcpy(&hdr, s->in, hlen);
			if (hdr.len > XENSTORE_PAYLOAD_MAX) {
				conn_break(s, XENSTORE_ERROR_PROTO);
				break;
			}
			want = hlen + hdr.len - s->in_have;
		}
		if (want) {
			n = xs_ring_take(s->ring, &s->req_cons,
					 s->in + s->in_have, want);
			if (n < 0) {
				conn_break(s, XENSTORE_ERROR_RINGIDX);
				break;
			}
			if (n == 0)
				break;
			*notify = true;
			s->in_have += (size_t)n;
			continue;
		}
		s->in[hlen + hdr.len] = '\0';
		s->in_have = 0;
		xs_handle_request(s, &hdr, s->in + hlen);
		*notify |= out_flush(s);
		xs_dispatch_local(s);
	}
}

bool xs_server_process(struct xs_server *s)
{
	bool notify = false;

	if (s->processing)
		return false;
	s->processing = true;
	if (conn_up(s)) {
		notify |= out_flush(s);
		in_process(s, &notify);
	}
	xs_dispatch_local(s);
	/* Callbacks may have changed the store and queued events. */
	if (conn_up(s))
		notify |= out_flush(s);
	s->processing = false;
	return notify;
}

static void queue_guest_event(struct xs_server *s, struct xs_watch *w,
			      const char *epath)
{
	const char *p = NULL;
	size_t plen, tlen;

	if (!conn_up(s))
		return;
	if (w->relative)
		p = xs_path_below(epath, s->home);
	if (!p)
		p = epath;
	plen = strlen(p) + 1;
	tlen = strlen(w->token) + 1;
	if (plen + tlen > XENSTORE_PAYLOAD_MAX ||
	    s->out_bytes + sizeof(struct xsd_sockmsg) + plen + tlen >
	    XS_OUT_EVENT_BYTES ||
	    xs_queue_msg(s, XS_WATCH_EVENT, 0, 0, p, plen, w->token, tlen)) {
		s->stats.events_dropped++;
		return;
	}
	s->stats.events++;
}

static void queue_local_event(struct xs_server *s, int id, const char *path)
{
	size_t len = strlen(path) + 1;
	struct xs_local_event *ev = malloc(sizeof(*ev) + len);

	if (!ev)
		return;
	ev->next = NULL;
	ev->watch_id = id;
	memcpy(ev->path, path, len);
	if (s->lev_tail)
		s->lev_tail->next = ev;
	else
		s->lev_head = ev;
	s->lev_tail = ev;
}

static void emit(void *ctx, struct xs_watch *w, const char *epath)
{
	struct xs_server *s = ctx;

	if (w->guest)
		queue_guest_event(s, w, epath);
	else
		queue_local_event(s, w->id, epath);
}

static bool guest_reads(struct xs_server *s, struct xs_tree *t,
			const char *path)
{
	return xs_tree_access(t, &s->guest, path) & XS_ACCESS_READ;
}

int xs_note_change(struct xs_server *s, struct xs_tree *t,
		   struct xs_txn *tx, const char *path, bool removed)
{
	struct xs_changes *log = tx ? &tx->changes : &s->pending;
	unsigned int max = tx ? XS_TXN_CHANGES_MAX : UINT_MAX;
	struct xs_change c = {
		.path = (char *)path,
		.removed = removed,
		.visible = guest_reads(s, t, path),
	};
	struct xs_watch *w;
	int err = xs_changes_add(log, &c, max);

	if (err && !tx)
		s->stats.events_dropped++;
	if (!removed || c.visible)
		return err;
	/* Hidden removal: reach the guest's watches on readable nodes. */
	for (w = s->watches.head; w; w = w->next) {
		struct xs_change in = {
			.path = w->path,
			.removed = true,
			.visible = true,
			.guest_only = true,
		};

		if (!w->guest || w->path[0] != '/' ||
		    strcmp(w->path, path) == 0 ||
		    !xs_path_is_under(w->path, path) ||
		    !guest_reads(s, t, w->path))
			continue;
		if (xs_changes_add(log, &in, max))
			s->stats.events_dropped++;
	}
	return err;
}

void xs_fire_pending(struct xs_server *s)
{
	struct xs_changes c = s->pending;
	unsigned int i;

	memset(&s->pending, 0, sizeof(s->pending));
	for (i = 0; i < c.n; i++)
		xs_watch_match(&s->watches, &c.v[i], emit, s);
	xs_changes_clear(&c);
}

void xs_fire_initial(struct xs_server *s, struct xs_watch *w)
{
	emit(s, w, w->path);
}

void xs_dispatch_local(struct xs_server *s)
{
	if (s->dispatching)
		return;
	s->dispatching = true;
	while (s->lev_head) {
		struct xs_local_event *ev = s->lev_head;
		struct xs_watch *w;

		s->lev_head = ev->next;
		if (!s->lev_head)
			s->lev_tail = NULL;
		/* The watch may have gone since the event was queued. */
		w = xs_watch_find_id(&s->watches, ev->watch_id);
		if (w && !w->guest)
			w->fn(w->opaque, ev->path);
		free(ev);
	}
	s->dispatching = false;
}
