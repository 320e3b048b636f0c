// SPDX-License-Identifier: GPL-2.0
/*
 * Xenstore transactions.  Each works on its own copy of the store taken
 * when it starts; committing swaps that copy in, provided nothing changed
 * the store in between (else EAGAIN, and the guest retries).  Refusing
 * on any intervening change is coarser than comparing what was touched,
 * but it is always safe, and the guest's store is small and quiet.
 */
#include <limits.h>
#include <stdlib.h>

#include "xs_server.h"

struct xs_txn *xs_txn_find(struct xs_server *s, uint32_t id)
{
	struct xs_txn *tx;

	for (tx = s->txns; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

int xs_txn_start(struct xs_server *s, uint32_t *id)
{
	struct xs_txn *tx;

	if (s->ntxns >= XS_GUEST_TXNS_MAX)
		return -ENOSPC;
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	tx->tree = xs_tree_clone(s->tree);
	if (!tx->tree) {
		free(tx);
		return -ENOMEM;
	}
	tx->base_gen = s->tree->gen;
	/* 0 means "no transaction" on the wire. */
	do {
		s->last_txid++;
	} while (s->last_txid == 0 || xs_txn_find(s, s->last_txid));
	tx->id = s->last_txid;
	tx->next = s->txns;
	s->txns = tx;
	s->ntxns++;
	*id = tx->id;
	return 0;
}

static void txn_free(struct xs_server *s, struct xs_txn *tx)
{
	struct xs_txn **link;

	for (link = &s->txns; *link != tx; link = &(*link)->next)
		;
	*link = tx->next;
	s->ntxns--;
	xs_tree_free(tx->tree);
	xs_changes_clear(&tx->changes);
	free(tx);
}

int xs_txn_end(struct xs_server *s, struct xs_txn *tx, bool commit)
{
	int err = 0;
	unsigned int i;

	if (commit && s->tree->gen != tx->base_gen) {
		err = -EAGAIN;
	} else if (commit && tx->tree->gen != tx->base_gen) {
		struct xs_tree *old = s->tree;

		s->tree = tx->tree;
		tx->tree = old;
		/* Its changes fire now, once the reply has gone. */
		for (i = 0; i < tx->changes.n; i++)
			if (xs_changes_add(&s->pending, &tx->changes.v[i],
					   UINT_MAX))
				s->stats.events_dropped++;
	}
	txn_free(s, tx);
	return err;
}

void xs_txn_end_all(struct xs_server *s)
{
	while (s->txns)
		txn_free(s, s->txns);
}
