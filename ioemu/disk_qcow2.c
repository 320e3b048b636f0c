// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 images, versions 2 and 3, with 16-bit refcounts and standard L2
 * entries; no backing file, encryption, compression, external data file
 * or internal snapshots.
 *
 * Everything in the file is untrusted: the header is checked, then every
 * L1, L2 and refcount table entry once at open, and anything that would
 * need a feature this driver lacks is refused with the reason.  Offsets
 * read later from cached tables are checked again before use.
 *
 * Metadata is written through, entry by entry, in an order that keeps
 * the image consistent after the process dies at any point:
 *
 *   new cluster:  refcount (new refcount block first if needed)
 *                 -> cluster contents -> L2 entry
 *   new L2 table: refcount -> zeroed table -> L1 entry (copied flag),
 *                 before the data cluster that needs it
 *   discard:      L2 entry cleared -> hole punched -> refcount to 0
 *
 * A death between a refcount going up and the entry that uses it (or
 * between a cleared entry and its refcount going down) leaks that one
 * cluster, which 'qemu-img check -r leaks' reclaims; nothing ever points
 * at a cluster whose refcount is 0.  Growing the refcount table can leak
 * the old table in the same way.  Durability against power loss is
 * disk_flush()'s job (fdatasync).
 *
 * Locking: q->lock serializes all metadata, lookups included; data I/O on
 * clusters already allocated runs without it.  q->io_lock is held shared
 * by every read and write and exclusively by discard, the only thing that
 * frees clusters, so that a cluster is never freed and reused between
 * its lookup and the I/O that follows.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk_qcow2.h"

#define QCOW2_MAGIC		0x514649fbU	/* "QFI\xfb" */
#define HDR_V2_LEN		72
#define HDR_V3_LEN		104
#define HDR_RT_OFFSET		48	/* refcount_table_offset, _clusters */
#define HDR_AUTOCLEAR		88
#define MIN_CLUSTER_BITS	9
#define MAX_CLUSTER_BITS	21
#define MAX_TABLE_BYTES		(32u << 20)	/* L1 or refcount table */
#define L2_CACHE_BYTES		(4u << 20)
#define RB_CACHE_BYTES		(1u << 20)
#define MIN_CACHE_SLOTS		4

#define INCOMPAT_DIRTY		(1ULL << 0)
#define INCOMPAT_CORRUPT	(1ULL << 1)
#define INCOMPAT_DATA_FILE	(1ULL << 2)
#define INCOMPAT_COMPRESSION	(1ULL << 3)	/* compression_type != zlib */
#define INCOMPAT_EXTL2		(1ULL << 4)
#define INCOMPAT_KNOWN		((1ULL << 5) - 1)

#define ENTRY_OFFSET		0x00fffffffffffe00ULL	/* bits 9..55 */
#define ENTRY_COPIED		(1ULL << 63)
#define ENTRY_COMPRESSED	(1ULL << 62)
#define ENTRY_ZERO		(1ULL << 0)		/* v3 */

struct qcow2_header {
	uint32_t version;
	uint64_t backing_offset;
	uint32_t cluster_bits;
	uint64_t size;
	uint32_t crypt_method;
	uint32_t l1_size;
	uint64_t l1_offset;
	uint64_t rt_offset;
	uint32_t rt_clusters;
	uint32_t nb_snapshots;
	uint64_t incompat;
	uint64_t autoclear;
	uint32_t refcount_order;
	uint32_t header_length;
};

/* Direct-mapped cache of metadata clusters, kept as on disk. */
struct mcache {
	unsigned int nslots;
	uint64_t *key;		/* host offset of the cluster held; 0: none */
	uint8_t *data;		/* nslots clusters */
};

struct qcow2 {
	int fd;
	bool read_only;
	uint32_t version;
	unsigned int cluster_bits;
	uint64_t cluster_size;
	unsigned int l2_bits;	/* log2 of entries per L2 table */
	unsigned int rb_bits;	/* log2 of refcounts per refcount block */
	uint64_t size;
	uint64_t l1_offset;
	uint32_t l1_size;
	uint64_t *l1;		/* host byte order */
	uint64_t rt_offset;
	uint64_t rt_entries;
	uint64_t *rt;		/* host byte order */
	uint64_t next_free;	/* no cluster below it has refcount 0 */
	uint64_t end;		/* first cluster past the file and all in use */
	uint8_t *buf;		/* one cluster of scratch space */
	uint8_t *zeros;		/* one cluster of zeros */
	struct mcache l2c;	/* L2 tables */
	struct mcache rbc;	/* refcount blocks */
	pthread_mutex_t lock;
	pthread_rwlock_t io_lock;
};

/* Mapping of a guest range, from map_range(). */
enum map_kind {
	MAP_ZERO,		/* reads as zeros */
	MAP_DATA,		/* at host, writable in place */
	MAP_ALLOC,		/* needs a cluster before it can be written */
};

struct mapping {
	enum map_kind kind;
	uint64_t host;
	uint64_t len;
};

struct iov_cursor {
	const struct iovec *iov;
	int iovcnt;
	size_t skip;		/* bytes of iov[0] consumed */
};

#define CURSOR_BATCH	64
#define ALLOC_RUN_MAX	32	/* clusters one allocating write takes */

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

static uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static uint16_t get_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
}

static void put_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static void put_be16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

__attribute__((format(printf, 3, 4)))
static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- the metadata cluster cache ---- */

static int mcache_init(struct mcache *c, unsigned int cluster_bits,
		       unsigned int bytes)
{
	c->nslots = bytes >> cluster_bits;
	if (c->nslots < MIN_CACHE_SLOTS)
		c->nslots = MIN_CACHE_SLOTS;
	c->key = calloc(c->nslots, sizeof(*c->key));
	c->data = malloc((size_t)c->nslots << cluster_bits);
	return c->key && c->data ? 0 : -ENOMEM;
}

static void mcache_free(struct mcache *c)
{
	free(c->key);
	free(c->data);
}

static unsigned int mcache_slot(const struct qcow2 *q,
				const struct mcache *c, uint64_t host)
{
	return (unsigned int)((host >> q->cluster_bits) % c->nslots);
}

/* The cluster at @host (metadata), read on a miss; NULL and *err. */
static uint8_t *mcache_get(struct qcow2 *q, struct mcache *c, uint64_t host,
			   int *err)
{
	unsigned int slot = mcache_slot(q, c, host);
	uint8_t *p = c->data + ((size_t)slot << q->cluster_bits);

	if (c->key[slot] == host)
		return p;
	c->key[slot] = 0;
	*err = raw_pread(q->fd, p, q->cluster_size, host);
	if (*err)
		return NULL;
	c->key[slot] = host;
	return p;
}

/* @host was just written with @data. */
static void mcache_set(struct qcow2 *q, struct mcache *c, uint64_t host,
		       const uint8_t *data)
{
	unsigned int slot = mcache_slot(q, c, host);

	memcpy(c->data + ((size_t)slot << q->cluster_bits), data,
	       q->cluster_size);
	c->key[slot] = host;
}

/* Write @len (at most 8) bytes of a cached table through to the file. */
static int meta_update(struct qcow2 *q, struct mcache *c, uint64_t table,
		       size_t at, const uint8_t *val, size_t len)
{
	uint8_t old[8];
	uint8_t *p;
	int r;

	if (len > sizeof(old))
		return -EINVAL;
	p = mcache_get(q, c, table, &r);
	if (!p)
		return r;
	memcpy(old, p + at, len);
	memcpy(p + at, val, len);
	r = raw_pwrite(q->fd, val, len, table + at);
	if (r)
		memcpy(p + at, old, len);
	return r;
}

/* ---- refcounts and the cluster allocator (all under q->lock) ---- */

static uint64_t max_cluster(const struct qcow2 *q)
{
	return ENTRY_OFFSET >> q->cluster_bits;
}

static int get_refcount(struct qcow2 *q, uint64_t cluster, uint16_t *rc)
{
	uint64_t rb = cluster >> q->rb_bits;
	uint8_t *blk;
	int r;

	*rc = 0;
	if (rb >= q->rt_entries || !q->rt[rb])
		return 0;
	blk = mcache_get(q, &q->rbc, q->rt[rb], &r);
	if (!blk)
		return r;
	*rc = get_be16(blk + 2 * (cluster & ((1ULL << q->rb_bits) - 1)));
	return 0;
}

/* The cluster's refcount block exists. */
static int set_refcount(struct qcow2 *q, uint64_t cluster, uint16_t rc)
{
	uint64_t rb = cluster >> q->rb_bits;
	size_t at = 2 * (cluster & ((1ULL << q->rb_bits) - 1));
	uint8_t val[2];
	int r;

	put_be16(val, rc);
	r = meta_update(q, &q->rbc, q->rt[rb], at, val, sizeof(val));
	if (!r && !rc && cluster < q->next_free)
		q->next_free = cluster;
	return r;
}

static int put_cluster(struct qcow2 *q, uint64_t cluster)
{
	uint16_t rc;
	int r = get_refcount(q, cluster, &rc);

	if (r || !rc)
		return r;
	return set_refcount(q, cluster, rc - 1);
}

/* The lowest cluster from q->next_free on with refcount 0. */
static int find_free(struct qcow2 *q, uint64_t *cluster)
{
	uint64_t per_block = 1ULL << q->rb_bits;
	uint64_t c = q->next_free, rb;
	uint8_t *blk;
	int r;

	for (;;) {
		if (c > max_cluster(q))
			return -ENOSPC;
		rb = c >> q->rb_bits;
		if (rb >= q->rt_entries || !q->rt[rb])
			break;
		blk = mcache_get(q, &q->rbc, q->rt[rb], &r);
		if (!blk)
			return r;
		for (; c >> q->rb_bits == rb; c++) {
			if (!get_be16(blk + 2 * (c & (per_block - 1))))
				goto found;
		}
	}
found:
	q->next_free = c;
	*cluster = c;
	return 0;
}

/*
 * A refcount block for the range of free cluster @c, stored in @c itself
 * (so it counts itself): the block, then its refcount table entry.
 */
static int new_refblock(struct qcow2 *q, uint64_t c)
{
	uint64_t rb = c >> q->rb_bits, host = c << q->cluster_bits;
	uint8_t entry[8];
	int r;

	memset(q->buf, 0, q->cluster_size);
	put_be16(q->buf + 2 * (c & ((1ULL << q->rb_bits) - 1)), 1);
	r = raw_pwrite(q->fd, q->buf, q->cluster_size, host);
	if (r)
		return r;
	put_be64(entry, host);
	r = raw_pwrite(q->fd, entry, sizeof(entry), q->rt_offset + rb * 8);
	if (r)
		return r;
	q->rt[rb] = host;
	mcache_set(q, &q->rbc, host, q->buf);
	if (c >= q->end)
		q->end = c + 1;
	return 0;
}

/*
 * Geometry of a bigger refcount table: new refcount blocks at @start
 * (*nblocks of them) followed by the table (*tclusters), all of it
 * covered by those blocks and the table covering the blocks.
 */
static int grow_geometry(const struct qcow2 *q, uint64_t start,
			 uint64_t *nblocks, uint64_t *tclusters,
			 uint64_t *entries)
{
	uint64_t per_table_cluster = q->cluster_size / 8;
	uint64_t first_rb = start >> q->rb_bits, last_rb, b = 1, t, n;

	for (;;) {
		/* Twice as big, within the limit, or as much as needed. */
		n = min_u64(q->rt_entries * 2, MAX_TABLE_BYTES / 8);
		if (n < first_rb + b)
			n = first_rb + b;
		t = (n + per_table_cluster - 1) / per_table_cluster;
		if (t > MAX_TABLE_BYTES >> q->cluster_bits ||
		    start + b + t > max_cluster(q))
			return -ENOSPC;
		last_rb = (start + b + t - 1) >> q->rb_bits;
		if (last_rb - first_rb + 1 <= b)
			break;
		b = last_rb - first_rb + 1;
	}
	*nblocks = b;
	*tclusters = t;
	*entries = t * per_table_cluster;
	return 0;
}

/* Write the new blocks and table of grow_refcount_table(). */
static int write_grown(struct qcow2 *q, uint64_t start, uint64_t nblocks,
		       uint64_t tclusters, uint8_t *table)
{
	uint64_t per_block = 1ULL << q->rb_bits, end = start + nblocks +
			     tclusters, i, rb, x, host;
	int r;

	for (i = 0; i < q->rt_entries; i++)
		put_be64(table + 8 * i, q->rt[i]);
	for (i = 0; i < nblocks; i++) {
		rb = (start >> q->rb_bits) + i;
		host = (start + i) << q->cluster_bits;
		memset(q->buf, 0, q->cluster_size);
		x = rb << q->rb_bits;
		if (x < start)
			x = start;
		for (; x < end && x >> q->rb_bits == rb; x++)
			put_be16(q->buf + 2 * (x & (per_block - 1)), 1);
		r = raw_pwrite(q->fd, q->buf, q->cluster_size, host);
		if (r)
			return r;
		put_be64(table + 8 * rb, host);
	}
	return raw_pwrite(q->fd, table, tclusters << q->cluster_bits,
			  (start + nblocks) << q->cluster_bits);
}

/*
 * The refcount table does not reach cluster @c: move it to a bigger one
 * at the end of the file.  The new blocks and table are written first,
 * then the header is switched over in one write, then the old table's
 * clusters are freed.
 */
static int grow_refcount_table(struct qcow2 *q, uint64_t c)
{
	uint64_t start = q->end > c ? q->end : c, nblocks, tclusters;
	uint64_t entries, old = q->rt_offset >> q->cluster_bits, old_n, i;
	uint8_t hdr[12], *table;
	uint64_t *rt;
	int r;

	r = grow_geometry(q, start, &nblocks, &tclusters, &entries);
	if (r)
		return r;
	table = calloc(tclusters, q->cluster_size);
	rt = calloc(entries, sizeof(*rt));
	if (!table || !rt) {
		r = -ENOMEM;
		goto out;
	}
	r = write_grown(q, start, nblocks, tclusters, table);
	if (r)
		goto out;
	put_be64(hdr, (start + nblocks) << q->cluster_bits);
	put_be32(hdr + 8, (uint32_t)tclusters);
	r = raw_pwrite(q->fd, hdr, sizeof(hdr), HDR_RT_OFFSET);
	if (r)
		goto out;
	for (i = 0; i < entries; i++)
		rt[i] = get_be64(table + 8 * i);
	old_n = (q->rt_entries * 8) >> q->cluster_bits;
	free(q->rt);
	q->rt = rt;
	rt = NULL;
	q->rt_entries = entries;
	q->rt_offset = (start + nblocks) << q->cluster_bits;
	q->end = start + nblocks + tclusters;
	/* A failure here leaks the old table, nothing worse. */
	for (i = 0; i < old_n; i++)
		put_cluster(q, old + i);
out:
	free(table);
	free(rt);
	return r;
}

/* A free cluster, its refcount set to 1: its host offset in *host. */
static int alloc_cluster(struct qcow2 *q, uint64_t *host)
{
	uint64_t c = 0, rb;
	int r;

	for (;;) {
		r = find_free(q, &c);
		if (r)
			return r;
		rb = c >> q->rb_bits;
		if (rb >= q->rt_entries)
			r = grow_refcount_table(q, c);
		else if (!q->rt[rb])
			r = new_refblock(q, c);
		else
			break;
		if (r)
			return r;
	}
	r = set_refcount(q, c, 1);
	if (r)
		return r;
	q->next_free = c + 1;
	if (c >= q->end)
		q->end = c + 1;
	*host = c << q->cluster_bits;
	return 0;
}

/* ---- mapping guest offsets ---- */

/* An L2 entry met at run time (the open scan checked them once). */
static int classify(const struct qcow2 *q, uint64_t e, bool write,
		    uint64_t *host)
{
	*host = e & ENTRY_OFFSET;
	if ((e & ENTRY_COMPRESSED) || (*host & (q->cluster_size - 1)))
		return -EIO;
	if (e & ENTRY_ZERO) {
		if (q->version < 3)
			return -EIO;
		return write ? MAP_ALLOC : MAP_ZERO;
	}
	if (!*host)
		return write ? MAP_ALLOC : MAP_ZERO;
	if (write && !(e & ENTRY_COPIED))
		return -EIO;
	return MAP_DATA;
}

/*
 * How guest bytes [off, off + len) are mapped: the kind of the first
 * cluster, and how far (m->len) it goes on alike and contiguously within
 * its L2 table.  A MAP_ALLOC range spans at most ALLOC_RUN_MAX clusters.
 */
static int map_range(struct qcow2 *q, uint64_t off, uint64_t len,
		     bool write, struct mapping *m)
{
	uint64_t ci = off >> q->cluster_bits, in = off & (q->cluster_size - 1);
	uint64_t l2n = 1ULL << q->l2_bits, l2i = ci & (l2n - 1), done, host;
	uint64_t table = q->l1[ci >> q->l2_bits] & ENTRY_OFFSET;
	uint8_t *t;
	int kind, r;

	len = min_u64(len, ((l2n - l2i) << q->cluster_bits) - in);
	if (write)
		len = min_u64(len, ((uint64_t)ALLOC_RUN_MAX << q->cluster_bits) -
			      in);
	m->kind = write ? MAP_ALLOC : MAP_ZERO;
	m->host = 0;
	m->len = len;
	if (!table)
		return 0;
	t = mcache_get(q, &q->l2c, table, &r);
	if (!t)
		return r;
	kind = classify(q, get_be64(t + 8 * l2i), write, &m->host);
	if (kind < 0)
		return kind;
	m->kind = (enum map_kind)kind;
	m->host += in;
	for (done = q->cluster_size - in; done < len; done += q->cluster_size) {
		l2i++;
		if (classify(q, get_be64(t + 8 * l2i), write, &host) != kind ||
		    (kind == MAP_DATA && host != m->host + done))
			break;
	}
	m->len = min_u64(done, len);
	return 0;
}

/* ---- moving data through an iovec array ---- */

/* Up to @max pieces of the next @len bytes of @c; the bytes in *got. */
static int cursor_take(struct iov_cursor *c, uint64_t len, struct iovec *out,
		       int max, size_t *got)
{
	size_t take;
	int n = 0;

	*got = 0;
	while (*got < len && n < max && c->iovcnt > 0) {
		take = min_u64(c->iov->iov_len - c->skip, len - *got);
		if (take) {
			out[n].iov_base = (char *)c->iov->iov_base + c->skip;
			out[n++].iov_len = take;
			*got += take;
			c->skip += take;
		}
		if (c->skip == c->iov->iov_len) {
			c->iov++;
			c->iovcnt--;
			c->skip = 0;
		}
	}
	return n;
}

/* The next @len bytes of @c: zeroed, or read or written at @host. */
static int cursor_io(struct qcow2 *q, struct iov_cursor *c, uint64_t len,
		     const struct mapping *m, bool write)
{
	struct iovec v[CURSOR_BATCH];
	uint64_t host = m->host;
	size_t got;
	int i, n, r;

	while (len) {
		n = cursor_take(c, len, v, CURSOR_BATCH, &got);
		if (!got)
			return -EINVAL;
		if (m->kind == MAP_ZERO) {
			for (i = 0; i < n; i++)
				memset(v[i].iov_base, 0, v[i].iov_len);
		} else {
			r = raw_io(q->fd, write, v, n, host);
			if (r)
				return r;
		}
		host += got;
		len -= got;
	}
	return 0;
}

static uint64_t iov_total(const struct iovec *iov, int iovcnt)
{
	uint64_t len = 0;
	int i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	return len;
}

/* ---- reads, writes and discards ---- */

/* The L2 table for L1 index @l1i, allocated (zeroed) if missing. */
static int get_l2_table(struct qcow2 *q, uint64_t l1i, uint64_t *table)
{
	uint8_t entry[8];
	uint64_t host;
	int r;

	*table = q->l1[l1i] & ENTRY_OFFSET;
	if (*table)
		return 0;
	r = alloc_cluster(q, &host);
	if (r)
		return r;
	memset(q->buf, 0, q->cluster_size);
	r = raw_pwrite(q->fd, q->buf, q->cluster_size, host);
	if (!r) {
		put_be64(entry, host | ENTRY_COPIED);
		r = raw_pwrite(q->fd, entry, sizeof(entry),
			       q->l1_offset + l1i * 8);
	}
	if (r) {
		put_cluster(q, host >> q->cluster_bits);
		return r;
	}
	q->l1[l1i] = host | ENTRY_COPIED;
	mcache_set(q, &q->l2c, host, q->buf);
	*table = host;
	return 0;
}

/*
 * Write @len bytes of @c into the cluster at @host from byte @in of it
 * on; zeros fill the rest of the cluster.  The guest's buffers go to the
 * file as they are, without a copy.
 */
static int write_cluster(struct qcow2 *q, struct iov_cursor *c,
			 uint64_t host, uint64_t in, uint64_t len)
{
	const struct mapping m = { .kind = MAP_DATA, .host = host + in };
	uint64_t tail = q->cluster_size - in - len;
	int r = 0;

	if (in)
		r = raw_pwrite(q->fd, q->zeros, in, host);
	if (!r)
		r = cursor_io(q, c, len, &m, true);
	if (!r && tail)
		r = raw_pwrite(q->fd, q->zeros, tail, host + in + len);
	return r;
}

/*
 * Write @len bytes of @c at guest @off, a run of clusters that need
 * allocating (q->lock held; map_range() keeps the run within one L2 table
 * and ALLOC_RUN_MAX clusters).  Each cluster goes to a new host cluster,
 * or to the one a v3 "zero" entry still owns, and gets its L2 entry once
 * its data is in place: a death in between leaks that one cluster.
 */
static int write_alloc(struct qcow2 *q, struct iov_cursor *c, uint64_t off,
		       uint64_t len)
{
	uint64_t ci = off >> q->cluster_bits, in = off & (q->cluster_size - 1);
	uint64_t l2i = ci & ((1ULL << q->l2_bits) - 1), table, e, host, part;
	uint8_t val[8];
	const uint8_t *t;
	bool fresh;
	int r;

	r = get_l2_table(q, ci >> q->l2_bits, &table);
	while (!r && len) {
		t = mcache_get(q, &q->l2c, table, &r);
		if (!t)
			break;
		e = get_be64(t + 8 * l2i);
		host = e & ENTRY_OFFSET;
		fresh = !(host && (e & ENTRY_ZERO) && (e & ENTRY_COPIED));
		if (fresh) {
			r = alloc_cluster(q, &host);
			if (r)
				break;
		}
		part = min_u64(len, q->cluster_size - in);
		r = write_cluster(q, c, host, in, part);
		if (!r) {
			put_be64(val, host | ENTRY_COPIED);
			r = meta_update(q, &q->l2c, table, 8 * l2i, val,
					sizeof(val));
		}
		if (r && fresh)
			put_cluster(q, host >> q->cluster_bits);
		len -= part;
		in = 0;
		l2i++;
	}
	return r;
}

/*
 * Read or write the bytes of @iov at guest @off, a mapped range at a
 * time.  Reads meet only MAP_ZERO and MAP_DATA, writes only MAP_ALLOC
 * and MAP_DATA.
 */
static int qcow2_io(struct qcow2 *q, const struct iovec *iov, int iovcnt,
		    uint64_t off, bool write)
{
	struct iov_cursor c = { .iov = iov, .iovcnt = iovcnt };
	uint64_t len = iov_total(iov, iovcnt);
	struct mapping m;
	int r = 0;

	pthread_rwlock_rdlock(&q->io_lock);
	while (len && !r) {
		pthread_mutex_lock(&q->lock);
		r = map_range(q, off, len, write, &m);
		if (!r && m.kind == MAP_ALLOC)
			r = write_alloc(q, &c, off, m.len);
		pthread_mutex_unlock(&q->lock);
		if (!r && m.kind != MAP_ALLOC)
			r = cursor_io(q, &c, m.len, &m, write);
		off += m.len;
		len -= m.len;
	}
	pthread_rwlock_unlock(&q->io_lock);
	return r;
}

int qcow2_preadv(struct qcow2 *q, const struct iovec *iov, int iovcnt,
		 uint64_t off)
{
	return qcow2_io(q, iov, iovcnt, off, false);
}

int qcow2_pwritev(struct qcow2 *q, const struct iovec *iov, int iovcnt,
		  uint64_t off)
{
	return qcow2_io(q, iov, iovcnt, off, true);
}

/* Drop guest cluster @ci: L2 entry, then the data, then the refcount. */
static int discard_cluster(struct qcow2 *q, uint64_t ci)
{
	uint64_t table = q->l1[ci >> q->l2_bits] & ENTRY_OFFSET, e, host;
	uint64_t l2i = ci & ((1ULL << q->l2_bits) - 1);
	uint8_t *t, zero[8] = { 0 };
	int r;

	if (!table)
		return 0;
	t = mcache_get(q, &q->l2c, table, &r);
	if (!t)
		return r;
	e = get_be64(t + 8 * l2i);
	host = e & ENTRY_OFFSET;
	if (!e || (e & ENTRY_COMPRESSED) || (host & (q->cluster_size - 1)))
		return 0;
	r = meta_update(q, &q->l2c, table, 8 * l2i, zero, sizeof(zero));
	if (r || !host)
		return r;
	/* Advisory: a file system without holes keeps the old data. */
	raw_punch(q->fd, host, q->cluster_size);
	return put_cluster(q, host >> q->cluster_bits);
}

/*
 * Only the whole clusters inside the range are dropped (they read back
 * as zeros); the parts of clusters at either end are left as they are.
 */
int qcow2_discard(struct qcow2 *q, uint64_t off, uint64_t len)
{
	uint64_t ci = (off + q->cluster_size - 1) >> q->cluster_bits;
	uint64_t end = (off + len) >> q->cluster_bits;
	uint64_t per_table = 1ULL << q->l2_bits;
	int r = 0;

	pthread_rwlock_wrlock(&q->io_lock);
	pthread_mutex_lock(&q->lock);
	while (ci < end && !r) {
		if (!(q->l1[ci >> q->l2_bits] & ENTRY_OFFSET)) {
			ci = (ci | (per_table - 1)) + 1;
			continue;
		}
		r = discard_cluster(q, ci++);
	}
	pthread_mutex_unlock(&q->lock);
	pthread_rwlock_unlock(&q->io_lock);
	return r;
}

/* ---- opening: the header ---- */

static void parse_header(const uint8_t *b, struct qcow2_header *h)
{
	h->version = get_be32(b + 4);
	h->backing_offset = get_be64(b + 8);
	h->cluster_bits = get_be32(b + 20);
	h->size = get_be64(b + 24);
	h->crypt_method = get_be32(b + 32);
	h->l1_size = get_be32(b + 36);
	h->l1_offset = get_be64(b + 40);
	h->rt_offset = get_be64(b + 48);
	h->rt_clusters = get_be32(b + 56);
	h->nb_snapshots = get_be32(b + 60);
	if (h->version < 3) {
		h->incompat = 0;
		h->autoclear = 0;
		h->refcount_order = 4;
		h->header_length = HDR_V2_LEN;
		return;
	}
	h->incompat = get_be64(b + 72);
	h->autoclear = get_be64(b + 88);
	h->refcount_order = get_be32(b + 96);
	h->header_length = get_be32(b + 100);
}

static int read_header(int fd, uint64_t host_size, struct qcow2_header *h,
		       char *err, size_t errlen)
{
	uint8_t b[HDR_V3_LEN];
	int r;

	r = raw_pread(fd, b, sizeof(b), 0);	/* zeros past the end */
	if (r)
		return refuse(err, errlen, "%s", strerror(-r));
	if (host_size < 4 || get_be32(b) != QCOW2_MAGIC)
		return refuse(err, errlen, "not a qcow2 image");
	if (host_size < 8)
		return refuse(err, errlen, "truncated qcow2 header");
	parse_header(b, h);
	if (h->version != 2 && h->version != 3)
		return refuse(err, errlen,
			      "qcow2 version %u is not supported", h->version);
	if (host_size < (h->version == 2 ? HDR_V2_LEN : HDR_V3_LEN) ||
	    host_size < h->header_length)
		return refuse(err, errlen, "truncated qcow2 header");
	return 0;
}

/* Features this driver refuses, each with its own reason. */
static int check_features(const struct qcow2_header *h, char *err,
			  size_t errlen)
{
	uint64_t unknown = h->incompat & ~INCOMPAT_KNOWN;

	if (h->incompat & INCOMPAT_CORRUPT)
		return refuse(err, errlen,
			      "marked corrupt: run 'qemu-img check -r all'");
	if (h->incompat & INCOMPAT_DIRTY)
		return refuse(err, errlen,
			      "marked dirty: run 'qemu-img check -r all'");
	if (h->incompat & INCOMPAT_DATA_FILE)
		return refuse(err, errlen,
			      "qcow2 external data files are not supported");
	if (h->incompat & INCOMPAT_EXTL2)
		return refuse(err, errlen,
			      "qcow2 extended L2 entries are not supported");
	if (unknown)
		return refuse(err, errlen,
			      "unknown qcow2 incompatible features 0x%llx",
			      (unsigned long long)unknown);
	if (h->crypt_method)
		return refuse(err, errlen,
			      "encrypted qcow2 images are not supported");
	if (h->backing_offset)
		return refuse(err, errlen,
			      "qcow2 backing files are not supported");
	if (h->nb_snapshots)
		return refuse(err, errlen,
			      "internal snapshots are not supported");
	if (h->refcount_order != 4)
		return refuse(err, errlen,
			      "qcow2 refcount_order %u is not supported (only 4: 16-bit refcounts)",
			      h->refcount_order);
	return 0;
}

/* Why a table of @bytes at @off is unusable, or NULL. */
static const char *misplaced(uint64_t off, uint64_t bytes, uint64_t cs,
			     uint64_t host_size)
{
	if (!off)
		return "overlaps the header";
	if (off & (cs - 1))
		return "is not cluster-aligned";
	if (off > host_size || bytes > host_size - off)
		return "lies outside the file";
	return NULL;
}

/* Cluster size, virtual size and the L1 and refcount tables' places. */
static int check_geometry(const struct qcow2_header *h, uint64_t host_size,
			  char *err, size_t errlen)
{
	uint64_t cs, span, need;
	const char *why;

	if (h->cluster_bits < MIN_CLUSTER_BITS ||
	    h->cluster_bits > MAX_CLUSTER_BITS)
		return refuse(err, errlen,
			      "qcow2 cluster_bits %u is not supported (9 to 21)",
			      h->cluster_bits);
	cs = 1ULL << h->cluster_bits;
	if (h->version >= 3 &&
	    (h->header_length < HDR_V3_LEN || h->header_length > cs))
		return refuse(err, errlen, "corrupt qcow2 image: header length %u",
			      h->header_length);
	if (h->size > INT64_MAX)
		return refuse(err, errlen, "corrupt qcow2 image: virtual size");
	span = 2 * h->cluster_bits - 3;		/* bytes per L1 entry */
	need = (h->size >> span) + !!(h->size & ((1ULL << span) - 1));
	if (h->l1_size > MAX_TABLE_BYTES / 8)
		return refuse(err, errlen, "corrupt qcow2 image: L1 table too large");
	if (h->l1_size < need)
		return refuse(err, errlen,
			      "corrupt qcow2 image: L1 table too small for the virtual size");
	why = misplaced(h->l1_offset, 8ULL * h->l1_size, cs, host_size);
	if (why && h->l1_size)
		return refuse(err, errlen, "corrupt qcow2 image: L1 table %s",
			      why);
	if (!h->rt_clusters || h->rt_clusters > MAX_TABLE_BYTES / cs)
		return refuse(err, errlen,
			      "corrupt qcow2 image: refcount table size");
	why = misplaced(h->rt_offset, h->rt_clusters * cs, cs, host_size);
	if (why)
		return refuse(err, errlen,
			      "corrupt qcow2 image: refcount table %s", why);
	return 0;
}

/* ---- opening: the tables ---- */

/* @n big-endian 64-bit entries at @off into a new array. */
static uint64_t *load_table(int fd, uint64_t off, uint64_t n, int *err)
{
	uint64_t *t = malloc(n ? n * 8 : 1), i;

	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = raw_pread(fd, t, n * 8, off);
	if (*err) {
		free(t);
		return NULL;
	}
	for (i = 0; i < n; i++)
		t[i] = be64toh(t[i]);
	return t;
}

/* Every cluster of [off, off + bytes) has a refcount (read-write only). */
static int check_counted(struct qcow2 *q, uint64_t off, uint64_t bytes,
			 const char *what, char *err, size_t errlen)
{
	uint64_t c = off >> q->cluster_bits;
	uint64_t end = (off + bytes + q->cluster_size - 1) >> q->cluster_bits;
	uint16_t rc;
	int r;

	if (q->read_only)
		return 0;
	for (; c < end; c++) {
		r = get_refcount(q, c, &rc);
		if (r)
			return refuse(err, errlen, "%s", strerror(-r));
		if (!rc)
			return refuse(err, errlen,
				      "corrupt qcow2 image: %s at 0x%llx has refcount 0: run 'qemu-img check -r all'",
				      what,
				      (unsigned long long)(c << q->cluster_bits));
	}
	return 0;
}

/* An L1 or L2 entry's cluster: aligned, inside the file, counted. */
static int check_entry(struct qcow2 *q, uint64_t e, uint64_t host_size,
		       const char *what, char *err, size_t errlen)
{
	uint64_t host = e & ENTRY_OFFSET;

	if (host & (q->cluster_size - 1))
		return refuse(err, errlen,
			      "corrupt qcow2 image: unaligned %s offset 0x%llx",
			      what, (unsigned long long)host);
	if (host >= host_size)
		return refuse(err, errlen,
			      "corrupt qcow2 image: %s at 0x%llx lies outside the file",
			      what, (unsigned long long)host);
	if (!q->read_only && !(e & ENTRY_COPIED))
		return refuse(err, errlen,
			      "qcow2 %s at 0x%llx lacks the copied flag: run 'qemu-img check -r all'",
			      what, (unsigned long long)host);
	return check_counted(q, host, q->cluster_size, what, err, errlen);
}

static int check_l2_table(struct qcow2 *q, const uint8_t *t,
			  uint64_t host_size, char *err, size_t errlen)
{
	uint64_t i, e, n = 1ULL << q->l2_bits;

	for (i = 0; i < n; i++) {
		e = get_be64(t + 8 * i);
		if (e & ENTRY_COMPRESSED)
			return refuse(err, errlen,
				      "compressed clusters are not supported");
		if ((e & ENTRY_ZERO) && q->version < 3)
			return refuse(err, errlen,
				      "corrupt qcow2 image: zero cluster in a version 2 image");
		if (!(e & ENTRY_OFFSET))
			continue;
		if (check_entry(q, e, host_size, "data cluster", err, errlen))
			return -1;
	}
	return 0;
}

/* Read every L2 table once and check all entries. */
static int scan_l1(struct qcow2 *q, uint64_t host_size, char *err,
		   size_t errlen)
{
	uint64_t i, table;
	int r;

	for (i = 0; i < q->l1_size; i++) {
		table = q->l1[i] & ENTRY_OFFSET;
		if (!table)
			continue;
		if (check_entry(q, q->l1[i], host_size, "L2 table", err,
				errlen))
			return -1;
		r = raw_pread(q->fd, q->buf, q->cluster_size, table);
		if (r)
			return refuse(err, errlen, "%s", strerror(-r));
		if (check_l2_table(q, q->buf, host_size, err, errlen))
			return -1;
	}
	return 0;
}

/* The refcount table's entries, then the clusters all metadata uses. */
static int check_refcounts(struct qcow2 *q, const struct qcow2_header *h,
			   uint64_t host_size, char *err, size_t errlen)
{
	uint64_t i, e, cs = q->cluster_size;

	for (i = 0; i < q->rt_entries; i++) {
		e = q->rt[i];
		if (!e)
			continue;
		if (e & (cs - 1))
			return refuse(err, errlen,
				      "corrupt qcow2 image: unaligned refcount block offset 0x%llx",
				      (unsigned long long)e);
		if (e >= host_size)
			return refuse(err, errlen,
				      "corrupt qcow2 image: refcount block at 0x%llx lies outside the file",
				      (unsigned long long)e);
	}
	if (check_counted(q, 0, h->header_length, "header", err, errlen) ||
	    check_counted(q, q->l1_offset, 8ULL * q->l1_size, "L1 table",
			  err, errlen) ||
	    check_counted(q, q->rt_offset, q->rt_entries * 8,
			  "refcount table", err, errlen))
		return -1;
	for (i = 0; i < q->rt_entries; i++) {
		if (q->rt[i] && check_counted(q, q->rt[i], cs,
					      "refcount block", err, errlen))
			return -1;
	}
	return 0;
}

/* ---- opening: putting it together ---- */

static int setup(struct qcow2 *q, const struct qcow2_header *h,
		 uint64_t host_size, char *err, size_t errlen)
{
	int r;

	q->version = h->version;
	q->cluster_bits = h->cluster_bits;
	q->cluster_size = 1ULL << h->cluster_bits;
	q->l2_bits = h->cluster_bits - 3;
	q->rb_bits = h->cluster_bits - 1;
	q->size = h->size;
	q->l1_offset = h->l1_offset;
	q->l1_size = h->l1_size;
	q->rt_offset = h->rt_offset;
	q->rt_entries = ((uint64_t)h->rt_clusters << h->cluster_bits) / 8;
	q->end = (host_size + q->cluster_size - 1) >> q->cluster_bits;
	q->buf = malloc(q->cluster_size);
	q->zeros = calloc(1, q->cluster_size);
	if (!q->buf || !q->zeros || mcache_init(&q->l2c, q->cluster_bits, L2_CACHE_BYTES) ||
	    mcache_init(&q->rbc, q->cluster_bits, RB_CACHE_BYTES))
		return refuse(err, errlen, "%s", strerror(ENOMEM));
	q->l1 = load_table(q->fd, q->l1_offset, q->l1_size, &r);
	if (q->l1)
		q->rt = load_table(q->fd, q->rt_offset, q->rt_entries, &r);
	if (!q->rt)
		return refuse(err, errlen, "%s", strerror(-r));
	return 0;
}

/* Auto-clear features (bitmaps...) are not kept up to date here. */
static int clear_autoclear(struct qcow2 *q, const struct qcow2_header *h,
			   char *err, size_t errlen)
{
	uint8_t zero[8] = { 0 };
	int r;

	if (q->read_only || !h->autoclear)
		return 0;
	r = raw_pwrite(q->fd, zero, sizeof(zero), HDR_AUTOCLEAR);
	return r ? refuse(err, errlen, "%s", strerror(-r)) : 0;
}

struct qcow2 *qcow2_open(int fd, bool read_only, uint64_t host_size,
			 char *err, size_t errlen)
{
	struct qcow2_header h = { 0 };
	pthread_rwlockattr_t attr;
	struct qcow2 *q;

	if (read_header(fd, host_size, &h, err, errlen) ||
	    check_features(&h, err, errlen) ||
	    check_geometry(&h, host_size, err, errlen))
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q) {
		refuse(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	q->fd = fd;
	q->read_only = read_only;
	pthread_mutex_init(&q->lock, NULL);
	pthread_rwlockattr_init(&attr);
	/* Discards are not starved by a steady stream of I/O. */
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&q->io_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (setup(q, &h, host_size, err, errlen) ||
	    check_refcounts(q, &h, host_size, err, errlen) ||
	    scan_l1(q, host_size, err, errlen) ||
	    clear_autoclear(q, &h, err, errlen)) {
		qcow2_close(q);
		return NULL;
	}
	return q;
}

void qcow2_close(struct qcow2 *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->lock);
	pthread_rwlock_destroy(&q->io_lock);
	mcache_free(&q->l2c);
	mcache_free(&q->rbc);
	free(q->l1);
	free(q->rt);
	free(q->buf);
	free(q->zeros);
	free(q);
}

uint64_t qcow2_size(const struct qcow2 *q)
{
	return q->size;
}
