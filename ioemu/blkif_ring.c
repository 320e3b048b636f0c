// SPDX-License-Identifier: GPL-2.0
/*
 * The blkif ring of one disk (see blkback.h).  The ring thread copies
 * each request out of the shared page before it looks at it, checks it
 * whole (operation, segment count and sectors, the disk's bounds) and
 * queues it; the I/O threads take the granted pages (grant.c), read or
 * write the image, and answer.  Requests that continue each other on the
 * disk and wait in the queue together are done as one transfer (each is
 * still answered on its own).  At most one request per ring slot is in
 * flight, so an answer always has a free slot, whatever the guest does
 * with the indexes; a guest whose producer index runs more than a ring
 * ahead has broken the protocol and is no longer served.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "blkif_ring.h"
#include "disk_image.h"
#include "grant.h"
#include "ioemu.h"

#define SECTOR_SHIFT		9
#define BLKBACK_LOGGED_BAD	5
#define BLKBACK_PUSH_BATCH	8
#define SECTORS_PER_PAGE	8
#define SEGS_PER_INDIRECT_PAGE	(4096 / sizeof(struct blkif_request_segment))

_Static_assert(__CONST_RING_SIZE(blkif, 4096) == BLKBACK_RING_SLOTS,
	       "a one-page blkif ring has BLKBACK_RING_SLOTS slots");
_Static_assert(BLKBACK_MAX_SEGMENTS <= SEGS_PER_INDIRECT_PAGE *
	       BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST,
	       "indirect pages hold BLKBACK_MAX_SEGMENTS segments");

/* A timestamp for the per-request times, taken only under --stats. */
static uint64_t stamp(const struct blkback *b)
{
	struct timespec t;

	if (!b->vm->stats)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void kick(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ioemu_log("eventfd write: %s", strerror(errno));
}

/* --- answers ------------------------------------------------------------ */

/*
 * Answer @head and the jobs chained to it, each with its status; an I/O
 * thread picked them at @picked_ns.
 */
static void respond(struct blkback *b, struct blk_job *head,
		    uint64_t picked_ns)
{
	struct blkif_response *rsp;
	struct blk_job *job, *next;
	bool wake_ring = false;
	uint64_t done_ns = stamp(b);
	int notify = 0;

	pthread_mutex_lock(&b->lock);
	for (job = head; job; job = next) {
		next = job->chain;
		b->stats.wait_ns += picked_ns - job->queued_ns;
		b->stats.serve_ns += done_ns - picked_ns;
		rsp = RING_GET_RESPONSE(&b->ring, b->ring.rsp_prod_pvt);
		rsp->id = job->id;
		rsp->operation = job->rsp_op;
		rsp->status = job->status;
		b->ring.rsp_prod_pvt++;
		b->unpushed++;
		b->stats.requests++;
		if (job->status != BLKIF_RSP_OKAY)
			b->stats.errors++;
		job->chain = NULL;
		job->next = b->free_jobs;
		b->free_jobs = job;
		b->in_flight--;
	}
	if (!b->in_flight && done_ns) {
		b->stats.busy_ns += done_ns - b->busy_since;
		b->idle_since = done_ns;
	}
	/*
	 * Answers done while others are still in flight wait for them (up
	 * to BLKBACK_PUSH_BATCH): a request split in several reaches the
	 * guest as one interrupt, not one each.  The last answers in
	 * flight always push, so no answer waits for ever.
	 */
	if (!b->in_flight || b->unpushed >= BLKBACK_PUSH_BATCH) {
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->ring, notify);
		b->unpushed = 0;
	}
	b->stats.notifies += notify != 0;
	if (b->ring_waits) {
		b->ring_waits = false;
		wake_ring = true;
	}
	pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&b->lock);
	if (notify)
		vm_evtchn_notify(b->vm, b->port);
	if (wake_ring)
		kick(b->efd);
}

/* --- the I/O threads ---------------------------------------------------- */

/* Let go of the pages of the first @n segments of @job. */
static void put_pages(struct blkback *b, const struct blk_job *job,
		      unsigned int n, bool device_writes)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		grant_put(b->gnt, job->seg[i].gref, device_writes);
}

/*
 * Map @job's segments into @iov.  Returns how many it mapped: all of
 * them, or up to a bad grant (with nothing held).
 */
static unsigned int get_pages(struct blkback *b, const struct blk_job *job,
			      struct iovec *iov, bool device_writes)
{
	const struct blkif_request_segment *s;
	unsigned int i;
	uint8_t *page;

	for (i = 0; i < job->nr_segs; i++) {
		s = &job->seg[i];
		page = grant_get(b->gnt, s->gref, device_writes);
		if (!page) {
			put_pages(b, job, i, device_writes);
			return i;
		}
		iov[i].iov_base = page + (s->first_sect << SECTOR_SHIFT);
		iov[i].iov_len = (size_t)(s->last_sect - s->first_sect + 1)
				 << SECTOR_SHIFT;
	}
	return i;
}

/*
 * One transfer for @head and the next @count - 1 jobs of its chain
 * (contiguous on the disk, BLKBACK_MERGE_SEGS segments at most).  Only a
 * transfer of one job logs its failure: a failed merged transfer is done
 * again job by job.
 */
static int16_t transfer(struct blkback *b, struct blk_job *head,
			unsigned int count, bool write)
{
	struct iovec iov[BLKBACK_MERGE_SEGS];
	struct blk_job *job, *held;
	uint64_t sectors = 0;
	unsigned int i, got, n = 0;
	int err;

	/* A read from the disk writes into the guest's pages. */
	for (job = head, i = 0; i < count; job = job->chain, i++) {
		got = get_pages(b, job, iov + n, !write);
		if (got < job->nr_segs)
			break;
		n += job->nr_segs;
		sectors += job->nr_sectors;
	}
	if (i < count) {
		if (count == 1)
			ioemu_log("%s: request with a bad grant (ref %u)",
				  b->cfg.vdev, job->seg[got].gref);
		err = -EFAULT;
	} else {
		err = write ? disk_pwritev(b->disk, iov, (int)n,
					   head->sector << SECTOR_SHIFT) :
			      disk_preadv(b->disk, iov, (int)n,
					  head->sector << SECTOR_SHIFT);
	}
	for (held = head; held != job; held = held->chain)
		put_pages(b, held, held->nr_segs, !write);
	if (err) {
		if (count == 1 && err != -EFAULT)
			ioemu_log("%s: %s of %llu sectors at %llu failed: %s",
				  b->cfg.vdev, write ? "write" : "read",
				  (unsigned long long)sectors,
				  (unsigned long long)head->sector,
				  strerror(-err));
		return BLKIF_RSP_ERROR;
	}
	pthread_mutex_lock(&b->lock);
	if (write)
		b->stats.sectors_written += sectors;
	else
		b->stats.sectors_read += sectors;
	pthread_mutex_unlock(&b->lock);
	return BLKIF_RSP_OKAY;
}

/* Read or write @head and its chain; each job gets its own status. */
static void do_rw(struct blkback *b, struct blk_job *head, bool write)
{
	unsigned int count = 0;
	struct blk_job *job;
	int16_t st;

	for (job = head; job; job = job->chain)
		count++;
	st = transfer(b, head, count, write);
	for (job = head; job; job = job->chain)
		job->status = st;
	if (st == BLKIF_RSP_OKAY || count == 1)
		return;
	/* Only the requests that fail alone are answered with an error. */
	for (job = head; job; job = job->chain)
		job->status = transfer(b, job, 1, write);
}

static int16_t do_flush(struct blkback *b, struct blk_job *job)
{
	int16_t st = BLKIF_RSP_OKAY;
	int err;

	/* Data in a flush request is written first, then made durable. */
	if (job->nr_segs)
		st = transfer(b, job, 1, true);
	if (st != BLKIF_RSP_OKAY)
		return st;
	err = disk_flush(b->disk);
	if (err) {
		ioemu_log("%s: flush failed: %s", b->cfg.vdev, strerror(-err));
		return BLKIF_RSP_ERROR;
	}
	pthread_mutex_lock(&b->lock);
	b->stats.flushes++;
	pthread_mutex_unlock(&b->lock);
	return BLKIF_RSP_OKAY;
}

static int16_t do_discard(struct blkback *b, struct blk_job *job)
{
	int err = disk_discard(b->disk, job->sector << SECTOR_SHIFT,
			       job->nr_sectors << SECTOR_SHIFT);

	if (err) {
		ioemu_log("%s: discard failed: %s", b->cfg.vdev,
			  strerror(-err));
		return BLKIF_RSP_ERROR;
	}
	pthread_mutex_lock(&b->lock);
	b->stats.discards++;
	pthread_mutex_unlock(&b->lock);
	return BLKIF_RSP_OKAY;
}

static void do_job(struct blkback *b, struct blk_job *job)
{
	uint64_t picked_ns = stamp(b);

	switch (job->op) {
	case BLKIF_OP_READ:
		do_rw(b, job, false);
		break;
	case BLKIF_OP_WRITE:
		do_rw(b, job, true);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		job->status = do_flush(b, job);
		break;
	default:
		job->status = do_discard(b, job);
		break;
	}
	respond(b, job, picked_ns);
}

/* Does @job read or write on from where @prev ends? */
static bool continues(const struct blk_job *prev, const struct blk_job *job)
{
	return (job->op == BLKIF_OP_READ || job->op == BLKIF_OP_WRITE) &&
	       prev->op == job->op &&
	       prev->sector + prev->nr_sectors == job->sector;
}

/*
 * Take the first queued job, with the jobs queued right after it that
 * continue it on the disk chained to it.  Called with the lock held.
 */
static struct blk_job *take_jobs(struct blkback *b)
{
	struct blk_job *head = b->queue, *tail = head, *next;
	unsigned int segs = head->nr_segs;

	b->queue = head->next;
	while ((next = b->queue) && continues(tail, next) &&
	       segs + next->nr_segs <= BLKBACK_MERGE_SEGS) {
		b->queue = next->next;
		tail->chain = next;
		tail = next;
		segs += next->nr_segs;
		b->stats.merged++;
	}
	tail->chain = NULL;
	if (!b->queue)
		b->queue_tail = &b->queue;
	return head;
}

static void *io_thread(void *opaque)
{
	struct blkback *b = opaque;
	struct blk_job *job;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (!b->queue && !b->quit)
			pthread_cond_wait(&b->work, &b->lock);
		if (!b->queue)
			break;
		job = take_jobs(b);
		pthread_mutex_unlock(&b->lock);
		do_job(b, job);
		pthread_mutex_lock(&b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* --- taking requests ---------------------------------------------------- */

static bool segs_ok(struct blkback *b, struct blk_job *job, bool write)
{
	uint64_t sectors = 0;
	unsigned int i;

	if (write && b->read_only)
		return false;
	for (i = 0; i < job->nr_segs; i++) {
		if (job->seg[i].first_sect > job->seg[i].last_sect ||
		    job->seg[i].last_sect >= SECTORS_PER_PAGE)
			return false;
		sectors += job->seg[i].last_sect - job->seg[i].first_sect + 1;
	}
	job->nr_sectors = sectors;
	return job->sector <= b->sectors && sectors <= b->sectors - job->sector;
}

/* Copy the segments of an indirect request out of its granted pages. */
static bool read_indirect(struct blkback *b, struct blk_job *job,
			  const struct blkif_request_indirect *r)
{
	unsigned int pages, i, n;
	const void *page;

	pages = (job->nr_segs + SEGS_PER_INDIRECT_PAGE - 1) /
		SEGS_PER_INDIRECT_PAGE;
	for (i = 0; i < pages; i++) {
		page = grant_get(b->gnt, r->indirect_grefs[i], false);
		if (!page)
			return false;
		n = job->nr_segs - i * SEGS_PER_INDIRECT_PAGE;
		if (n > SEGS_PER_INDIRECT_PAGE)
			n = SEGS_PER_INDIRECT_PAGE;
		memcpy(&job->seg[i * SEGS_PER_INDIRECT_PAGE], page,
		       n * sizeof(job->seg[0]));
		grant_put(b->gnt, r->indirect_grefs[i], false);
	}
	return true;
}

/*
 * Fill @job from request @req (our copy).  Returns the status to answer
 * with at once, or 1 when the job is to be done.
 */
static int parse(struct blkback *b, const union blkif_sring_entry *req,
		 struct blk_job *job)
{
	const struct blkif_request *rw = &req->req;
	const struct blkif_request_discard *d = (const void *)req;
	const struct blkif_request_indirect *ind = (const void *)req;

	job->id = rw->id;
	job->rsp_op = job->op = rw->operation;
	job->sector = rw->sector_number;
	job->nr_segs = 0;
	job->nr_sectors = 0;
	job->chain = NULL;
	switch (rw->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
	case BLKIF_OP_FLUSH_DISKCACHE:
		job->nr_segs = rw->nr_segments;
		if (rw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
		    (!rw->nr_segments && rw->operation != BLKIF_OP_FLUSH_DISKCACHE))
			return BLKIF_RSP_ERROR;
		memcpy(job->seg, rw->seg, job->nr_segs * sizeof(job->seg[0]));
		/* A flush alone has no sector (blkfront sends ~0). */
		if (!job->nr_segs)
			return 1;
		return segs_ok(b, job, rw->operation != BLKIF_OP_READ) ?
		       1 : BLKIF_RSP_ERROR;
	case BLKIF_OP_INDIRECT:
		/* Answered as the operation inside, as Linux's blkback does. */
		job->rsp_op = job->op = ind->indirect_op;
		job->nr_segs = ind->nr_segments;
		job->sector = ind->sector_number;
		if ((job->op != BLKIF_OP_READ && job->op != BLKIF_OP_WRITE) ||
		    !job->nr_segs || job->nr_segs > BLKBACK_MAX_SEGMENTS ||
		    !read_indirect(b, job, ind))
			return BLKIF_RSP_ERROR;
		return segs_ok(b, job, job->op == BLKIF_OP_WRITE) ?
		       1 : BLKIF_RSP_ERROR;
	case BLKIF_OP_DISCARD:
		job->sector = d->sector_number;
		job->nr_sectors = d->nr_sectors;
		if (!b->discard)
			return BLKIF_RSP_EOPNOTSUPP;
		return job->sector <= b->sectors &&
		       job->nr_sectors <= b->sectors - job->sector ?
		       1 : BLKIF_RSP_ERROR;
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

/* Count a request answered at once; log the first few. */
static void bad_request(struct blkback *b, const struct blk_job *job, int st)
{
	uint64_t n;

	pthread_mutex_lock(&b->lock);
	n = ++b->stats.bad_requests;
	pthread_mutex_unlock(&b->lock);
	if (n <= BLKBACK_LOGGED_BAD)
		ioemu_log("%s: %s request (operation %u, %u segments, sector %llu)%s",
			  b->cfg.vdev, st == BLKIF_RSP_EOPNOTSUPP ?
			  "unsupported" : "bad", job->rsp_op, job->nr_segs,
			  (unsigned long long)job->sector,
			  n == BLKBACK_LOGGED_BAD ? "; no more are logged" : "");
}

static struct blk_job *get_job(struct blkback *b)
{
	uint64_t now = stamp(b);
	struct blk_job *job;

	pthread_mutex_lock(&b->lock);
	job = b->free_jobs;
	if (job) {
		b->free_jobs = job->next;
		if (!b->in_flight++ && now) {
			b->busy_since = now;
			if (b->idle_since) {
				b->stats.idle_ns += now - b->idle_since;
				b->stats.idle_gaps++;
			}
		}
		job->queued_ns = now;
	} else {
		b->ring_waits = true;
	}
	pthread_mutex_unlock(&b->lock);
	return job;
}

/*
 * Queue the jobs of @batch (@runs runs of contiguous ones) at once, so
 * that an I/O thread finds a run whole and does it in one transfer.
 */
static void queue_jobs(struct blkback *b, struct blk_job *batch,
		       struct blk_job **batch_tail, unsigned int runs)
{
	if (!batch)
		return;
	pthread_mutex_lock(&b->lock);
	*b->queue_tail = batch;
	b->queue_tail = batch_tail;
	if (runs >= b->nr_io_threads)
		pthread_cond_broadcast(&b->work);
	else
		while (runs--)
			pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->lock);
}

/* Take every request the guest has made; false once it broke the ring. */
static bool consume(struct blkback *b)
{
	struct blk_job *batch = NULL, **tail = &batch, *job, *prev = NULL;
	union blkif_sring_entry req;
	unsigned int runs = 0;
	bool ok = true;
	RING_IDX rp;
	int more, st;

	do {
		rp = __atomic_load_n(&b->ring.sring->req_prod,
				     __ATOMIC_ACQUIRE);
		if (rp - b->ring.req_cons > BLKBACK_RING_SLOTS) {
			ioemu_log("%s: the guest broke the ring (producer %u, consumer %u); disk stopped",
				  b->cfg.vdev, rp, b->ring.req_cons);
			ok = false;
			break;
		}
		while (b->ring.req_cons != rp) {
			job = get_job(b);
			if (!job)
				goto out;	/* an answer kicks us */
			memcpy(&req, RING_GET_REQUEST(&b->ring,
						      b->ring.req_cons),
			       sizeof(req));
			b->ring.req_cons++;
			st = parse(b, &req, job);
			if (st == 1) {
				if (!prev || !continues(prev, job))
					runs++;
				job->next = NULL;
				*tail = job;
				tail = &job->next;
				prev = job;
				continue;
			}
			bad_request(b, job, st);
			job->status = (int16_t)st;
			respond(b, job, job->queued_ns);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&b->ring, more);
	} while (more);
out:
	queue_jobs(b, batch, tail, runs);
	return ok;
}

static void *ring_thread(void *opaque)
{
	struct blkback *b = opaque;
	struct pollfd p[2] = {
		{ .fd = b->efd, .events = POLLIN },
		{ .fd = b->stop_efd, .events = POLLIN },
	};
	uint64_t v;

	while (!b->broken) {
		if (!consume(b)) {
			b->broken = true;
			break;
		}
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		__atomic_fetch_add(&b->stats.wakeups, 1, __ATOMIC_RELAXED);
		if (p[0].revents && read(b->efd, &v, sizeof(v)) < 0 &&
		    errno != EAGAIN)
			break;
	}
	return NULL;
}

/* --- start and stop ----------------------------------------------------- */

int blkif_ring_start(struct blkback *b)
{
	unsigned int i;
	int err;

	b->queue = NULL;
	b->queue_tail = &b->queue;
	b->free_jobs = NULL;
	for (i = 0; i < BLKBACK_RING_SLOTS; i++) {
		b->jobs[i].next = b->free_jobs;
		b->free_jobs = &b->jobs[i];
	}
	b->in_flight = 0;
	b->unpushed = 0;
	b->busy_since = b->idle_since = 0;
	b->ring_waits = false;
	b->quit = false;
	b->broken = false;
	for (i = 0; i < BLKBACK_IO_THREADS; i++) {
		err = pthread_create(&b->io_threads[i], NULL, io_thread, b);
		if (err)
			goto fail;
		b->nr_io_threads++;
	}
	err = pthread_create(&b->ring_thread, NULL, ring_thread, b);
	if (err)
		goto fail;
	b->ring_thread_started = true;
	return 0;
fail:
	ioemu_log("%s: cannot start its threads: %s", b->cfg.vdev,
		  strerror(err));
	blkif_ring_stop(b);
	return -1;
}

void blkif_ring_stop(struct blkback *b)
{
	unsigned int i;

	if (b->ring_thread_started) {
		kick(b->stop_efd);
		pthread_join(b->ring_thread, NULL);
		b->ring_thread_started = false;
	}
	pthread_mutex_lock(&b->lock);
	while (b->in_flight)
		pthread_cond_wait(&b->idle, &b->lock);
	b->quit = true;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->lock);
	for (i = 0; i < b->nr_io_threads; i++)
		pthread_join(b->io_threads[i], NULL);
	b->nr_io_threads = 0;
}
