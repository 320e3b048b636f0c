// SPDX-License-Identifier: GPL-2.0
/*
 * qcow2 image writer.  Metadata is produced one cluster at a time in a
 * single buffer, so memory use does not depend on the image size.  In a
 * sparse image, clusters that would be all zeros are left as holes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "fileio.h"
#include "qcow2-format.h"
#include "qcow2.h"

struct qcow2_writer {
	int fd;
	const struct qcow2_layout *layout;
	uint8_t *cluster;	/* QCOW2_CLUSTER_SIZE bytes */
	struct progress *bar;
};

static bool cluster_is_zero(const uint8_t *cluster)
{
	uint64_t i;

	for (i = 0; i < QCOW2_CLUSTER_SIZE; i++) {
		if (cluster[i] != 0)
			return false;
	}
	return true;
}

/* Write the buffer as cluster @index, then clear the buffer. */
static int emit_cluster(struct qcow2_writer *writer, uint64_t index)
{
	int err = 0;

	if (writer->layout->preallocated || !cluster_is_zero(writer->cluster))
		err = write_all_at(writer->fd, writer->cluster,
				   QCOW2_CLUSTER_SIZE, cluster_offset(index));
	memset(writer->cluster, 0, QCOW2_CLUSTER_SIZE);
	progress_advance(writer->bar, QCOW2_CLUSTER_SIZE);
	return err;
}

static int write_header(struct qcow2_writer *writer)
{
	const struct qcow2_layout *layout = writer->layout;
	uint8_t *header = writer->cluster;
	uint8_t *end_marker = header + QCOW2_V3_HEADER_LENGTH;

	put_be32(header + QCOW2_HDR_MAGIC, QCOW2_MAGIC);
	put_be32(header + QCOW2_HDR_VERSION, QCOW2_VERSION);
	put_be64(header + QCOW2_HDR_BACKING_FILE_OFFSET, 0);
	put_be32(header + QCOW2_HDR_BACKING_FILE_SIZE, 0);
	put_be32(header + QCOW2_HDR_CLUSTER_BITS, QCOW2_CLUSTER_BITS);
	put_be64(header + QCOW2_HDR_SIZE, layout->virtual_size);
	put_be32(header + QCOW2_HDR_CRYPT_METHOD, 0);
	put_be32(header + QCOW2_HDR_L1_SIZE, (uint32_t)layout->l1_entries);
	put_be64(header + QCOW2_HDR_L1_TABLE_OFFSET,
		 cluster_offset(layout->l1_table.first));
	put_be64(header + QCOW2_HDR_REFCOUNT_TABLE_OFFSET,
		 cluster_offset(layout->refcount_table.first));
	put_be32(header + QCOW2_HDR_REFCOUNT_TABLE_CLUSTERS,
		 (uint32_t)layout->refcount_table.count);
	put_be32(header + QCOW2_HDR_NB_SNAPSHOTS, 0);
	put_be64(header + QCOW2_HDR_SNAPSHOTS_OFFSET, 0);
	put_be64(header + QCOW2_HDR_INCOMPATIBLE_FEATURES, 0);
	put_be64(header + QCOW2_HDR_COMPATIBLE_FEATURES, 0);
	put_be64(header + QCOW2_HDR_AUTOCLEAR_FEATURES, 0);
	put_be32(header + QCOW2_HDR_REFCOUNT_ORDER, QCOW2_REFCOUNT_ORDER);
	put_be32(header + QCOW2_HDR_HEADER_LENGTH, QCOW2_V3_HEADER_LENGTH);
	put_be32(end_marker, QCOW2_EXT_END);
	put_be32(end_marker + 4, 0);

	return emit_cluster(writer, layout->header.first);
}

/*
 * Write a table of 64-bit entries spread over @run, entry i being
 * entry_for(layout, i) for i < @entries and zero after that.
 */
static int write_table(struct qcow2_writer *writer,
		       const struct cluster_run *run, uint64_t entries,
		       uint64_t (*entry_for)(const struct qcow2_layout *,
					     uint64_t))
{
	const uint64_t per_cluster = QCOW2_CLUSTER_SIZE / sizeof(uint64_t);
	uint64_t cluster, slot, index;
	int err;

	for (cluster = 0; cluster < run->count; cluster++) {
		for (slot = 0; slot < per_cluster; slot++) {
			index = cluster * per_cluster + slot;
			if (index >= entries)
				break;
			put_be64(writer->cluster + slot * sizeof(uint64_t),
				 entry_for(writer->layout, index));
		}
		err = emit_cluster(writer, run->first + cluster);
		if (err)
			return err;
	}
	return 0;
}

static uint64_t refcount_table_entry(const struct qcow2_layout *layout,
				     uint64_t block)
{
	return cluster_offset(layout->refcount_blocks.first + block);
}

static uint64_t l1_entry(const struct qcow2_layout *layout, uint64_t table)
{
	if (table >= layout->l2_tables.count)
		return 0;
	return (cluster_offset(layout->l2_tables.first + table) &
		QCOW2_OFFSET_MASK) | QCOW2_FLAG_COPIED;
}

static uint64_t l2_entry(const struct qcow2_layout *layout, uint64_t data)
{
	return (cluster_offset(layout->data.first + data) &
		QCOW2_OFFSET_MASK) | QCOW2_FLAG_COPIED;
}

/* Every cluster below total_clusters is in use exactly once. */
static int write_refcount_blocks(struct qcow2_writer *writer)
{
	const struct qcow2_layout *layout = writer->layout;
	uint64_t block, slot, counted;
	int err;

	for (block = 0; block < layout->refcount_blocks.count; block++) {
		for (slot = 0; slot < QCOW2_REFCOUNTS_PER_BLOCK; slot++) {
			counted = block * QCOW2_REFCOUNTS_PER_BLOCK + slot;
			if (counted >= layout->total_clusters)
				break;
			put_be16(writer->cluster + slot * QCOW2_REFCOUNT_BYTES,
				 1);
		}
		err = emit_cluster(writer, layout->refcount_blocks.first +
					   block);
		if (err)
			return err;
	}
	return 0;
}

uint64_t qcow2_progress_total(const struct qcow2_layout *layout)
{
	return cluster_offset(layout->total_clusters);
}

int write_qcow2_image(int fd, const struct qcow2_layout *layout,
		      struct progress *bar)
{
	struct qcow2_writer writer = {
		.fd = fd,
		.layout = layout,
		.bar = bar,
	};
	int err;

	writer.cluster = calloc(1, QCOW2_CLUSTER_SIZE);
	if (!writer.cluster)
		return -ENOMEM;

	err = set_file_size(fd, cluster_offset(layout->total_clusters));
	if (!err)
		err = write_header(&writer);
	if (!err)
		err = write_table(&writer, &layout->refcount_table,
				  layout->refcount_blocks.count,
				  refcount_table_entry);
	if (!err)
		err = write_table(&writer, &layout->l1_table,
				  layout->l1_entries, l1_entry);
	if (!err)
		err = write_refcount_blocks(&writer);
	if (!err)
		err = write_table(&writer, &layout->l2_tables,
				  layout->data.count, l2_entry);
	if (!err)
		err = allocate_range(fd, cluster_offset(layout->data.first),
				     cluster_offset(layout->data.count), bar);

	free(writer.cluster);
	return err;
}
