// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 layout planning.  The refcount blocks must count every cluster of
 * the image, themselves and the refcount table included, so their number
 * is found by iterating until it stops growing.
 */
#include <errno.h>
#include <string.h>

#include "qcow2-layout.h"
#include "size.h"

/* Limits QEMU enforces when opening an image. */
#define QCOW2_MAX_L1_BYTES		(32ULL << 20)
#define QCOW2_MAX_REFTABLE_BYTES	(8ULL << 20)

static uint64_t div_round_up(uint64_t dividend, uint64_t divisor)
{
	return dividend / divisor + (dividend % divisor != 0);
}

static uint64_t clusters_for_bytes(uint64_t bytes)
{
	return div_round_up(bytes, QCOW2_CLUSTER_SIZE);
}

static uint64_t run_end(const struct cluster_run *run)
{
	return run->first + run->count;
}

/*
 * The refcount blocks and refcount table clusters needed to count
 * @other_clusters plus those blocks and table clusters themselves.
 */
static void size_refcount_structures(uint64_t other_clusters,
				     uint64_t *block_count,
				     uint64_t *table_clusters)
{
	uint64_t blocks = 1, table = 1;

	for (;;) {
		uint64_t total = other_clusters + blocks + table;
		uint64_t need_blocks =
			div_round_up(total, QCOW2_REFCOUNTS_PER_BLOCK);
		uint64_t need_table = clusters_for_bytes(
			need_blocks * QCOW2_REFTABLE_ENTRY_BYTES);

		if (need_blocks <= blocks && need_table <= table)
			break;
		if (need_blocks > blocks)
			blocks = need_blocks;
		if (need_table > table)
			table = need_table;
	}
	*block_count = blocks;
	*table_clusters = table;
}

int plan_qcow2_layout(struct qcow2_layout *layout, uint64_t virtual_size,
		      bool preallocate)
{
	uint64_t data_clusters, l2_tables, l1_clusters, other_clusters;
	uint64_t refcount_blocks, refcount_table_clusters;

	if (virtual_size == 0 || virtual_size > IMAGE_SIZE_MAX)
		return -EFBIG;

	memset(layout, 0, sizeof(*layout));
	layout->virtual_size = virtual_size;
	layout->preallocated = preallocate;
	layout->l1_entries = div_round_up(virtual_size, QCOW2_L2_ENTRIES *
						      QCOW2_CLUSTER_SIZE);
	if (layout->l1_entries * QCOW2_L1_ENTRY_BYTES > QCOW2_MAX_L1_BYTES)
		return -EFBIG;

	l1_clusters = clusters_for_bytes(layout->l1_entries *
					 QCOW2_L1_ENTRY_BYTES);
	data_clusters = preallocate ? clusters_for_bytes(virtual_size) : 0;
	l2_tables = preallocate ? layout->l1_entries : 0;
	other_clusters = 1 + l1_clusters + l2_tables + data_clusters;
	size_refcount_structures(other_clusters, &refcount_blocks,
				 &refcount_table_clusters);
	if (refcount_table_clusters * QCOW2_CLUSTER_SIZE >
	    QCOW2_MAX_REFTABLE_BYTES)
		return -EFBIG;

	layout->header = (struct cluster_run){ 0, 1 };
	layout->refcount_table = (struct cluster_run){
		run_end(&layout->header), refcount_table_clusters };
	layout->l1_table = (struct cluster_run){
		run_end(&layout->refcount_table), l1_clusters };
	layout->refcount_blocks = (struct cluster_run){
		run_end(&layout->l1_table), refcount_blocks };
	layout->l2_tables = (struct cluster_run){
		run_end(&layout->refcount_blocks), l2_tables };
	layout->data = (struct cluster_run){
		run_end(&layout->l2_tables), data_clusters };
	layout->total_clusters = run_end(&layout->data);
	return 0;
}
