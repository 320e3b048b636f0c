// SPDX-License-Identifier: GPL-2.0
/*
 * Xenstore requests from the guest: argument parsing, the operations,
 * and the reply (or XS_ERROR with the errno's name) that each gets.
 */
#include <stdio.h>
#include <string.h>

#include "xs_server.h"

/*
 * An operation.  data holds len payload bytes and a NUL after them.  On
 * success the reply payload is left in s->reply, *rlen bytes long.
 */
typedef int (*xs_op_fn)(struct xs_server *s, const struct xsd_sockmsg *h,
			const char *data, size_t *rlen);

static size_t reply_str(struct xs_server *s, const char *str)
{
	size_t n = strlen(str) + 1;

	memcpy(s->reply, str, n);
	return n;
}

static int reply_ok(struct xs_server *s, size_t *rlen)
{
	*rlen = reply_str(s, "OK");
	return 0;
}

/* The request's one argument: a single NUL-terminated string. */
static const char *one_arg(const struct xsd_sockmsg *h, const char *data)
{
	if (h->len == 0 || strlen(data) != h->len - 1)
		return NULL;
	return data;
}

/*
 * The string after the first one (which must end inside the payload),
 * and how many bytes follow its start; NULL without a first string.
 */
static const char *after_first(const struct xsd_sockmsg *h, const char *data,
			       size_t *left)
{
	size_t n = strlen(data);

	if (n >= h->len)
		return NULL;
	*left = h->len - n - 1;
	return data + n + 1;
}

/* A decimal domid, as in GET_DOMAIN_PATH, or -1. */
static long parse_domid(const char *str)
{
	long v = 0;

	if (!*str || strlen(str) > 5)
		return -1;
	for (; *str; str++) {
		if (*str < '0' || *str > '9')
			return -1;
		v = v * 10 + (*str - '0');
	}
	return v <= XS_DOMID_MAX ? v : -1;
}

/* The tree a request works on: the store's, or its transaction's. */
static int op_tree(struct xs_server *s, const struct xsd_sockmsg *h,
		   struct xs_tree **t, struct xs_txn **tx)
{
	*tx = NULL;
	*t = s->tree;
	if (!h->tx_id)
		return 0;
	*tx = xs_txn_find(s, h->tx_id);
	if (!*tx)
		return -ENOENT;
	*t = (*tx)->tree;
	return 0;
}

/*
 * Resolves the path argument and finds the tree; for a change inside a
 * transaction, also checks the transaction may record one more.
 */
static int op_prepare(struct xs_server *s, const struct xsd_sockmsg *h,
		      const char *arg, bool removed, bool changes,
		      char *path, struct xs_tree **t, struct xs_txn **tx)
{
	int err;

	if (!arg || xs_path_resolve(s->home, arg, path, NULL))
		return -EINVAL;
	err = op_tree(s, h, t, tx);
	if (err)
		return err;
	if (changes && *tx &&
	    !xs_changes_room(&(*tx)->changes, path, removed,
			     XS_TXN_CHANGES_MAX))
		return -ENOSPC;
	return 0;
}

static int op_read(struct xs_server *s, const struct xsd_sockmsg *h,
		   const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_tree *t;
	struct xs_txn *tx;
	struct xs_node *n;
	int err;

	err = op_prepare(s, h, one_arg(h, data), false, false, path, &t, &tx);
	if (!err)
		err = xs_tree_get(t, &s->guest, path, XS_ACCESS_READ, &n);
	if (err)
		return err;
	/* XS_VALUE_MAX keeps every value within one payload. */
	if (n->len)
		memcpy(s->reply, n->value, n->len);
	*rlen = n->len;
	return 0;
}

static int op_write(struct xs_server *s, const struct xsd_sockmsg *h,
		    const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_tree *t;
	struct xs_txn *tx;
	const char *value;
	size_t vlen = 0;
	int err;

	value = after_first(h, data, &vlen);
	err = op_prepare(s, h, value ? data : NULL, false, true, path, &t,
			 &tx);
	if (!err)
		err = xs_tree_write(t, &s->guest, path, value, vlen);
	if (err)
		return err;
	xs_note_change(s, t, tx, path, false);
	return reply_ok(s, rlen);
}

static int op_mkdir(struct xs_server *s, const struct xsd_sockmsg *h,
		    const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_tree *t;
	struct xs_txn *tx;
	int err;

	err = op_prepare(s, h, one_arg(h, data), false, true, path, &t, &tx);
	if (!err)
		err = xs_tree_mkdir(t, &s->guest, path);
	if (err < 0)
		return err;
	if (err > 0)
		xs_note_change(s, t, tx, path, false);
	return reply_ok(s, rlen);
}

static int op_rm(struct xs_server *s, const struct xsd_sockmsg *h,
		 const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_tree *t;
	struct xs_txn *tx;
	int err;

	err = op_prepare(s, h, one_arg(h, data), true, true, path, &t, &tx);
	if (err)
		return err;
	/* Watches need the node's permissions, so note before removing. */
	if (strcmp(path, "/") != 0 &&
	    (xs_tree_access(t, &s->guest, path) & XS_ACCESS_WRITE))
		xs_note_change(s, t, tx, path, true);
	err = xs_tree_rm(t, &s->guest, path);
	if (err < 0)
		return err;
	return reply_ok(s, rlen);
}

static int op_directory(struct xs_server *s, const struct xsd_sockmsg *h,
			const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_tree *t;
	struct xs_txn *tx;
	struct xs_node *n;
	size_t len = 0;
	unsigned int i;
	int err;

	err = op_prepare(s, h, one_arg(h, data), false, false, path, &t, &tx);
	if (!err)
		err = xs_tree_get(t, &s->guest, path, XS_ACCESS_READ, &n);
	if (err)
		return err;
	for (i = 0; i < n->nchild; i++) {
		size_t nl = strlen(n->child[i]->name) + 1;

		/* Too long for one reply: DIRECTORY_PART reads it. */
		if (len + nl > XENSTORE_PAYLOAD_MAX)
			return -E2BIG;
		memcpy(s->reply + len, n->child[i]->name, nl);
		len += nl;
	}
	*rlen = len;
	return 0;
}

/*
 * DIRECTORY_PART <path>|<offset>| -> <gencnt>|<name>|*: the names from
 * byte offset of the DIRECTORY list on, as many as fit, and an empty
 * string after the last one when the list ends in this reply.
 */
static int op_directory_part(struct xs_server *s, const struct xsd_sockmsg *h,
			     const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	const char *offarg;
	unsigned long long off = 0;
	struct xs_tree *t;
	struct xs_txn *tx;
	struct xs_node *n;
	size_t left = 0, pos = 0, len;
	unsigned int i;
	int err;

	offarg = after_first(h, data, &left);
	if (!offarg || !*offarg || strlen(offarg) >= left ||
	    strlen(offarg) > 10)
		return -EINVAL;
	for (; *offarg; offarg++) {
		if (*offarg < '0' || *offarg > '9')
			return -EINVAL;
		off = off * 10 + (unsigned long long)(*offarg - '0');
	}
	err = op_prepare(s, h, data, false, false, path, &t, &tx);
	if (!err)
		err = xs_tree_get(t, &s->guest, path, XS_ACCESS_READ, &n);
	if (err)
		return err;
	/* The offset must fall on the start of a name, or the end. */
	for (i = 0; i < n->nchild && pos < off; i++)
		pos += strlen(n->child[i]->name) + 1;
	if (pos != off)
		return -EINVAL;
	len = (size_t)snprintf(s->reply, sizeof(s->reply), "%llu",
			       (unsigned long long)n->gen) + 1;
	for (; i < n->nchild; i++) {
		size_t nl = strlen(n->child[i]->name) + 1;
		size_t end = i + 1 == n->nchild;

		if (len + nl + end > XENSTORE_PAYLOAD_MAX)
			break;
		memcpy(s->reply + len, n->child[i]->name, nl);
		len += nl;
	}
	if (i == n->nchild)
		s->reply[len++] = '\0';
	*rlen = len;
	return 0;
}

static int op_get_perms(struct xs_server *s, const struct xsd_sockmsg *h,
			const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_tree *t;
	struct xs_txn *tx;
	struct xs_node *n;
	int err;

	err = op_prepare(s, h, one_arg(h, data), false, false, path, &t, &tx);
	if (!err)
		err = xs_tree_get(t, &s->guest, path, XS_ACCESS_READ, &n);
	if (err)
		return err;
	*rlen = xs_perms_format(&n->perms, s->reply, sizeof(s->reply));
	return 0;
}

static int op_set_perms(struct xs_server *s, const struct xsd_sockmsg *h,
			const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_perms perms;
	struct xs_tree *t;
	struct xs_txn *tx;
	const char *list;
	size_t left = 0;
	int err;

	list = after_first(h, data, &left);
	if (!list)
		return -EINVAL;
	err = xs_perms_parse(list, left, &perms);
	if (!err)
		err = op_prepare(s, h, data, false, true, path, &t, &tx);
	if (!err)
		err = xs_tree_set_perms(t, &s->guest, path, &perms);
	if (err)
		return err;
	xs_note_change(s, t, tx, path, false);
	return reply_ok(s, rlen);
}

/* WATCH and UNWATCH: <path>|<token>|, the path absolute or special. */
static int watch_args(struct xs_server *s, const struct xsd_sockmsg *h,
		      const char *data, struct xs_watch *w, char *path)
{
	size_t left = 0;
	const char *token = after_first(h, data, &left);

	if (!token || strlen(token) >= left)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->guest = true;
	w->token = (char *)token;
	w->path = path;
	if (data[0] == '@') {
		if (!xs_watch_special(data))
			return -EINVAL;
		strcpy(path, data);
		return 0;
	}
	return xs_path_resolve(s->home, data, path, &w->relative);
}

static int op_watch(struct xs_server *s, const struct xsd_sockmsg *h,
		    const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_watch w, *added;
	int err;

	err = watch_args(s, h, data, &w, path);
	if (!err)
		err = xs_watch_add(&s->watches, &w, &added);
	if (err)
		return err;
	s->initial_watch = added->id;
	return reply_ok(s, rlen);
}

static int op_unwatch(struct xs_server *s, const struct xsd_sockmsg *h,
		      const char *data, size_t *rlen)
{
	char path[XS_PATH_BUF];
	struct xs_watch w;
	int err;

	err = watch_args(s, h, data, &w, path);
	if (!err)
		err = xs_watch_del_guest(&s->watches, w.path, w.token);
	if (err)
		return err;
	return reply_ok(s, rlen);
}

static int op_transaction_start(struct xs_server *s,
				const struct xsd_sockmsg *h, const char *data,
				size_t *rlen)
{
	char id[16];
	uint32_t txid;
	int err;

	(void)data;
	/* Transactions do not nest. */
	if (h->tx_id)
		return -EBUSY;
	err = xs_txn_start(s, &txid);
	if (err)
		return err;
	snprintf(id, sizeof(id), "%u", (unsigned int)txid);
	*rlen = reply_str(s, id);
	return 0;
}

static int op_transaction_end(struct xs_server *s,
			      const struct xsd_sockmsg *h, const char *data,
			      size_t *rlen)
{
	const char *arg = one_arg(h, data);
	struct xs_txn *tx = h->tx_id ? xs_txn_find(s, h->tx_id) : NULL;
	int err;

	if (!tx)
		return -ENOENT;
	if (!arg || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0))
		return -EINVAL;
	err = xs_txn_end(s, tx, arg[0] == 'T');
	if (err)
		return err;
	return reply_ok(s, rlen);
}

static int op_get_domain_path(struct xs_server *s,
			      const struct xsd_sockmsg *h, const char *data,
			      size_t *rlen)
{
	const char *arg = one_arg(h, data);
	long domid = arg ? parse_domid(arg) : -1;

	if (domid < 0)
		return -EINVAL;
	*rlen = (size_t)snprintf(s->reply, sizeof(s->reply),
				 "/local/domain/%ld", domid) + 1;
	return 0;
}

static int op_is_domain_introduced(struct xs_server *s,
				   const struct xsd_sockmsg *h,
				   const char *data, size_t *rlen)
{
	const char *arg = one_arg(h, data);
	long domid = arg ? parse_domid(arg) : -1;

	if (domid < 0)
		return -EINVAL;
	/* Only dom0 (ioemu) and the guest itself exist here. */
	*rlen = reply_str(s, domid == 0 || domid == (long)s->domid ?
			  "T" : "F");
	return 0;
}

static int op_reset_watches(struct xs_server *s, const struct xsd_sockmsg *h,
			    const char *data, size_t *rlen)
{
	(void)h;
	(void)data;
	xs_watch_del_all(&s->watches, true);
	xs_txn_end_all(s);
	return reply_ok(s, rlen);
}

/* Requests only dom0 may make. */
static int op_privileged(struct xs_server *s, const struct xsd_sockmsg *h,
			 const char *data, size_t *rlen)
{
	(void)s;
	(void)h;
	(void)data;
	(void)rlen;
	return -EACCES;
}

static const xs_op_fn xs_ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] = op_privileged,
	[XS_DIRECTORY] = op_directory,
	[XS_READ] = op_read,
	[XS_GET_PERMS] = op_get_perms,
	[XS_WATCH] = op_watch,
	[XS_UNWATCH] = op_unwatch,
	[XS_TRANSACTION_START] = op_transaction_start,
	[XS_TRANSACTION_END] = op_transaction_end,
	[XS_INTRODUCE] = op_privileged,
	[XS_RELEASE] = op_privileged,
	[XS_GET_DOMAIN_PATH] = op_get_domain_path,
	[XS_WRITE] = op_write,
	[XS_MKDIR] = op_mkdir,
	[XS_RM] = op_rm,
	[XS_SET_PERMS] = op_set_perms,
	[XS_IS_DOMAIN_INTRODUCED] = op_is_domain_introduced,
	[XS_RESUME] = op_privileged,
	[XS_SET_TARGET] = op_privileged,
	[XS_RESET_WATCHES] = op_reset_watches,
	[XS_DIRECTORY_PART] = op_directory_part,
};

/* The name xenstored sends for an errno, from the table in xs_wire.h. */
static const char *errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return "EINVAL";
}

void xs_handle_request(struct xs_server *s, const struct xsd_sockmsg *h,
		       const char *payload)
{
	xs_op_fn fn = h->type < XS_TYPE_COUNT ? xs_ops[h->type] : NULL;
	size_t rlen = 0;
	int err = fn ? fn(s, h, payload, &rlen) : -EINVAL;

	s->stats.requests++;
	if (err) {
		const char *name = errno_name(-err);

		s->stats.errors++;
		xs_queue_msg(s, XS_ERROR, h->req_id, h->tx_id, name,
			     strlen(name) + 1, NULL, 0);
	} else {
		xs_queue_msg(s, h->type, h->req_id, h->tx_id, s->reply, rlen,
			     NULL, 0);
	}
	/* Events follow the reply to the request that caused them. */
	xs_fire_pending(s);
	if (s->initial_watch) {
		struct xs_watch *w = xs_watch_find_id(&s->watches,
						      s->initial_watch);

		s->initial_watch = 0;
		if (w)
			xs_fire_initial(s, w);
	}
}
