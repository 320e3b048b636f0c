/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcow2 version 3 images: 64 KiB clusters, 16-bit refcounts, no backing
 * file, no compression, no encryption, no feature bits.
 */
#ifndef CREATEIMG_QCOW2_H
#define CREATEIMG_QCOW2_H

#include "progress.h"
#include "qcow2-layout.h"

/* Bytes of work write_qcow2_image() reports to its progress bar. */
uint64_t qcow2_progress_total(const struct qcow2_layout *layout);

/*
 * Write the image planned by plan_qcow2_layout() into the empty file @fd.
 * Returns 0 or -errno.
 */
int write_qcow2_image(int fd, const struct qcow2_layout *layout,
		      struct progress *bar);

#endif /* CREATEIMG_QCOW2_H */
