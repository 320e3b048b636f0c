/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The insides of the block backend (blkback.c: xenstore and lifecycle;
 * blkif_ring.c: the ring and the I/O threads).  Not for other users.
 */
#ifndef IOEMU_BLKIF_RING_H
#define IOEMU_BLKIF_RING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/blkif.h>
#include <xen/io/protocols.h>

#include "blkback.h"
#include "xendev.h"

/* Segments of one indirect request: blkfront asks for at most this. */
#define BLKBACK_MAX_SEGMENTS	256
#define BLKBACK_IO_THREADS	4
#define BLKBACK_RING_SLOTS	32	/* __CONST_RING_SIZE(blkif, 4096) */
/*
 * Contiguous reads (or writes) waiting in the queue together are done as
 * one transfer of up to this many segments (IOV_MAX): blkfront splits a
 * large transfer into requests of 32 segments unless told otherwise.
 */
#define BLKBACK_MERGE_SEGS	1024

struct blk_job {
	struct blk_job *next;	/* in the queue, or free */
	struct blk_job *chain;	/* contiguous with this one, done with it */
	int16_t status;		/* the answer, once done */
	uint64_t id;		/* the guest's, echoed */
	uint8_t rsp_op;		/* the operation, echoed */
	uint8_t op;		/* BLKIF_OP_READ, _WRITE, _FLUSH_DISKCACHE, _DISCARD */
	uint16_t nr_segs;
	uint64_t sector;
	uint64_t nr_sectors;	/* discard */
	uint64_t queued_ns;	/* when the ring thread took it */
	struct blkif_request_segment seg[BLKBACK_MAX_SEGMENTS];
};

struct blkback_stats {
	uint64_t requests, errors, bad_requests;
	uint64_t sectors_read, sectors_written, flushes, discards;
	uint64_t wait_ns;	/* taken to picked by an I/O thread, summed */
	uint64_t serve_ns;	/* picked to answered, summed */
	uint64_t wakeups;	/* of the ring thread */
	uint64_t notifies;	/* interrupts sent to the guest */
	uint64_t merged;	/* requests done in another's transfer */
	uint64_t busy_ns;	/* with requests in flight, summed */
	uint64_t idle_ns;	/* from the last answer to the next request */
	uint64_t idle_gaps;	/* how many such gaps idle_ns sums */
};

struct blkback {
	struct xendev dev;
	struct disk_image *disk;
	struct blkback_config cfg;
	uint64_t sectors;
	bool read_only;
	bool discard;
	struct vm *vm;
	struct grant_table *gnt;

	/* While connected. */
	uint32_t ring_ref;
	uint32_t port;
	int efd;			/* the guest's sends; also our kick */
	int stop_efd;
	blkif_back_ring_t ring;
	bool broken;			/* the guest broke the ring protocol */
	pthread_t ring_thread;
	pthread_t io_threads[BLKBACK_IO_THREADS];
	unsigned int nr_io_threads;
	bool ring_thread_started;

	pthread_mutex_t lock;		/* everything below */
	pthread_cond_t work;		/* the queue got a job, or quit */
	pthread_cond_t idle;		/* a job finished */
	struct blk_job *queue, **queue_tail;
	struct blk_job *free_jobs;
	unsigned int in_flight;
	unsigned int unpushed;		/* answers not yet shown the guest */
	bool ring_waits;		/* consuming stopped: no free job */
	bool quit;
	uint64_t busy_since, idle_since;	/* under --stats */
	struct blkback_stats stats;
	struct blk_job jobs[BLKBACK_RING_SLOTS];
};

/* blkif_ring.c: start serving the mapped ring; stop and wait. */
int blkif_ring_start(struct blkback *b);
void blkif_ring_stop(struct blkback *b);

#endif /* IOEMU_BLKIF_RING_H */
