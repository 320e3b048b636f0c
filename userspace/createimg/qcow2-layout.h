/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where everything goes in a new qcow2 image.  The image is laid out as
 * consecutive runs of clusters, in this order:
 *
 *   header | refcount table | L1 table | refcount blocks | L2 tables | data
 *
 * A sparse image has no L2 tables and no data clusters.  A preallocated
 * one has every L2 table and every data cluster.  Either way the clusters
 * in use are exactly 0 .. total_clusters - 1, each with refcount 1.
 */
#ifndef CREATEIMG_QCOW2_LAYOUT_H
#define CREATEIMG_QCOW2_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define QCOW2_CLUSTER_BITS	16
#define QCOW2_CLUSTER_SIZE	(1ULL << QCOW2_CLUSTER_BITS)	/* 64 KiB */
#define QCOW2_REFCOUNT_ORDER	4				/* 16 bits */
#define QCOW2_REFCOUNT_BYTES	((1U << QCOW2_REFCOUNT_ORDER) / 8)
#define QCOW2_L1_ENTRY_BYTES	8
#define QCOW2_L2_ENTRY_BYTES	8
#define QCOW2_REFTABLE_ENTRY_BYTES 8

/* Data clusters mapped by one L2 table; 512 MiB of guest disk. */
#define QCOW2_L2_ENTRIES	(QCOW2_CLUSTER_SIZE / QCOW2_L2_ENTRY_BYTES)
/* Clusters counted by one refcount block. */
#define QCOW2_REFCOUNTS_PER_BLOCK (QCOW2_CLUSTER_SIZE / QCOW2_REFCOUNT_BYTES)

/* A run of consecutive clusters. */
struct cluster_run {
	uint64_t first;		/* cluster index */
	uint64_t count;
};

struct qcow2_layout {
	uint64_t virtual_size;
	bool preallocated;
	uint64_t l1_entries;		/* header l1_size */
	struct cluster_run header;
	struct cluster_run refcount_table;
	struct cluster_run l1_table;
	struct cluster_run refcount_blocks;
	struct cluster_run l2_tables;
	struct cluster_run data;
	uint64_t total_clusters;
};

/*
 * Plan the image for @virtual_size bytes (non-zero, at most
 * IMAGE_SIZE_MAX).  Returns 0, or -EFBIG if qcow2 cannot describe it.
 */
int plan_qcow2_layout(struct qcow2_layout *layout, uint64_t virtual_size,
		      bool preallocate);

static inline uint64_t cluster_offset(uint64_t cluster_index)
{
	return cluster_index << QCOW2_CLUSTER_BITS;
}

#endif /* CREATEIMG_QCOW2_LAYOUT_H */
