/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of the qcow2 on-disk format (version 3) that createimg writes,
 * as described by the qcow2 specification in the QEMU documentation.
 * All fields are big-endian.
 */
#ifndef CREATEIMG_QCOW2_FORMAT_H
#define CREATEIMG_QCOW2_FORMAT_H

#define QCOW2_MAGIC			0x514649fbU	/* "QFI\xfb" */
#define QCOW2_VERSION			3

/* Header field offsets. */
#define QCOW2_HDR_MAGIC			0	/* u32 */
#define QCOW2_HDR_VERSION		4	/* u32 */
#define QCOW2_HDR_BACKING_FILE_OFFSET	8	/* u64 */
#define QCOW2_HDR_BACKING_FILE_SIZE	16	/* u32 */
#define QCOW2_HDR_CLUSTER_BITS		20	/* u32 */
#define QCOW2_HDR_SIZE			24	/* u64: virtual size */
#define QCOW2_HDR_CRYPT_METHOD		32	/* u32 */
#define QCOW2_HDR_L1_SIZE		36	/* u32: entries */
#define QCOW2_HDR_L1_TABLE_OFFSET	40	/* u64 */
#define QCOW2_HDR_REFCOUNT_TABLE_OFFSET	48	/* u64 */
#define QCOW2_HDR_REFCOUNT_TABLE_CLUSTERS 56	/* u32 */
#define QCOW2_HDR_NB_SNAPSHOTS		60	/* u32 */
#define QCOW2_HDR_SNAPSHOTS_OFFSET	64	/* u64 */
#define QCOW2_HDR_INCOMPATIBLE_FEATURES	72	/* u64 */
#define QCOW2_HDR_COMPATIBLE_FEATURES	80	/* u64 */
#define QCOW2_HDR_AUTOCLEAR_FEATURES	88	/* u64 */
#define QCOW2_HDR_REFCOUNT_ORDER	96	/* u32 */
#define QCOW2_HDR_HEADER_LENGTH		100	/* u32 */
#define QCOW2_V3_HEADER_LENGTH		104

/* Header extensions follow the header; type 0 ends the list. */
#define QCOW2_EXT_END			0x00000000U
#define QCOW2_EXT_HEADER_SIZE		8	/* u32 type, u32 length */

/*
 * L1 and L2 entries hold a cluster offset in bits 9-55.  Bit 63 ("copied")
 * says the cluster's refcount is exactly one, which is true for every
 * cluster of a freshly created image.
 */
#define QCOW2_OFFSET_MASK		0x00fffffffffffe00ULL
#define QCOW2_FLAG_COPIED		(1ULL << 63)

#endif /* CREATEIMG_QCOW2_FORMAT_H */
