// SPDX-License-Identifier: GPL-2.0
/*
 * The block backend's ring (blkif_ring.c) and grants (grant.c) against a
 * fake guest: guest RAM and a grant table in this process's memory, a
 * raw image in /tmp, requests put on the shared ring as xen-blkfront
 * would, and the answers, the image and the guest's pages checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "blkif_ring.h"
#include "disk_image.h"
#include "grant.h"
#include "ioemu.h"
#include "test.h"

int test_failures;

#define RAM_PAGES	64
#define IMG_BYTES	(1024 * 1024)
#define RING_GFN	0
#define IND_GFN		1		/* the indirect segment page */
#define DATA_GFN	8		/* data pages from here on */
#define NR_ENTRIES	512

static char img_path[] = "/tmp/hxen-test-blkback-XXXXXX";
static uint8_t *ram;
static grant_entry_v1_t *entries;
static struct guest_mem mem;
static struct grant_table gnt;
static struct vm vm;
static blkif_front_ring_t front;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static uint8_t *page(uint32_t gfn)
{
	return ram + (size_t)gfn * 4096;
}

/* Grant @ref: guest frame @gfn to domain @dom. */
static void grant(uint32_t ref, uint32_t gfn, uint16_t dom, bool ro)
{
	entries[ref].domid = dom;
	entries[ref].frame = gfn;
	__atomic_store_n(&entries[ref].flags,
			 (uint16_t)(GTF_permit_access | (ro ? GTF_readonly : 0)),
			 __ATOMIC_RELEASE);
}

static void kick_backend(struct blkback *b)
{
	int notify;
	uint64_t one = 1;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	(void)notify;
	if (write(b->efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd");
}

static uint8_t last_op;

/* Wait (up to 5 s) for an answer; its status, or 99 on a timeout. */
static int wait_response(uint64_t *id)
{
	struct blkif_response *rsp;
	int i;

	for (i = 0; i < 5000; i++) {
		if (__atomic_load_n(&front.sring->rsp_prod, __ATOMIC_ACQUIRE) !=
		    front.rsp_cons) {
			rsp = RING_GET_RESPONSE(&front, front.rsp_cons);
			front.rsp_cons++;
			if (id)
				*id = rsp->id;
			last_op = rsp->operation;
			return rsp->status;
		}
		usleep(1000);
	}
	return 99;
}

/* One request of @op for @nsegs whole pages from DATA_GFN at @sector. */
static int rw(struct blkback *b, uint8_t op, uint64_t sector,
	      unsigned int nsegs, bool ro_grant)
{
	struct blkif_request *req;
	unsigned int i;

	req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->nr_segments = (uint8_t)nsegs;
	req->id = 0x1234 + front.req_prod_pvt;
	req->sector_number = sector;
	for (i = 0; i < nsegs; i++) {
		grant(16 + i, DATA_GFN + i, 0, ro_grant);
		req->seg[i].gref = 16 + i;
		req->seg[i].first_sect = 0;
		req->seg[i].last_sect = 7;
	}
	front.req_prod_pvt++;
	kick_backend(b);
	return wait_response(NULL);
}

static bool grants_idle(void)
{
	int i;

	for (i = 0; i < NR_ENTRIES; i++)
		if (entries[i].flags & (GTF_reading | GTF_writing))
			return false;
	return true;
}

static void test_grants(void)
{
	void *p;

	grant(5, DATA_GFN, 0, true);
	EXPECT("grant/read-ok", grant_get(&gnt, 5, false) == page(DATA_GFN));
	EXPECT("grant/reading-set", entries[5].flags & GTF_reading);
	EXPECT("grant/readonly-refuses-write", !grant_get(&gnt, 5, true));
	grant_put(&gnt, 5, false);
	EXPECT("grant/reading-cleared", !(entries[5].flags & GTF_reading));
	grant(6, DATA_GFN, 1, false);
	EXPECT("grant/other-domain-refused", !grant_get(&gnt, 6, false));
	grant(7, RAM_PAGES + 3, 0, false);
	EXPECT("grant/frame-outside-ram-refused", !grant_get(&gnt, 7, false));
	EXPECT("grant/refused-leaves-flags",
	       !(entries[7].flags & (GTF_reading | GTF_writing)));
	EXPECT("grant/bad-ref-refused", !grant_get(&gnt, NR_ENTRIES, false));
	entries[8].flags = GTF_accept_transfer;
	EXPECT("grant/transfer-entry-refused", !grant_get(&gnt, 8, false));
	grant(9, DATA_GFN + 1, 0, false);
	p = grant_get(&gnt, 9, true);
	EXPECT("grant/write-ok", p == page(DATA_GFN + 1));
	EXPECT("grant/nested-read-ok", grant_get(&gnt, 9, false) == p);
	grant_put(&gnt, 9, true);
	EXPECT("grant/writing-cleared-reading-kept",
	       (entries[9].flags & (GTF_reading | GTF_writing)) == GTF_reading);
	grant_put(&gnt, 9, false);
	EXPECT("grant/all-cleared",
	       !(entries[9].flags & (GTF_reading | GTF_writing)));
	grant_put(&gnt, 9, false);	/* an extra put changes nothing */
	EXPECT("grant/extra-put-harmless",
	       !(entries[9].flags & (GTF_reading | GTF_writing)));
}

static bool image_holds(off_t off, const uint8_t *want, size_t len)
{
	uint8_t *buf = malloc(len);
	int fd = open(img_path, O_RDONLY);
	bool same;

	if (!buf || fd < 0)
		die("image");
	same = pread(fd, buf, len, off) == (ssize_t)len &&
	       !memcmp(buf, want, len);
	close(fd);
	free(buf);
	return same;
}

static void test_rw(struct blkback *b)
{
	uint8_t want[3 * 4096];
	unsigned int i;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7 + 3);
	memcpy(page(DATA_GFN), want, sizeof(want));
	EXPECT("ring/write-ok", rw(b, BLKIF_OP_WRITE, 16, 3, true) == 0);
	EXPECT("ring/write-reached-image", image_holds(16 * 512, want,
						       sizeof(want)));
	memset(page(DATA_GFN), 0, sizeof(want));
	EXPECT("ring/read-ok", rw(b, BLKIF_OP_READ, 16, 3, false) == 0);
	EXPECT("ring/read-answered-as-read", last_op == BLKIF_OP_READ);
	EXPECT("ring/read-fills-guest-pages",
	       !memcmp(page(DATA_GFN), want, sizeof(want)));
	EXPECT("ring/grants-let-go", grants_idle());
	EXPECT("ring/read-into-readonly-grant-fails",
	       rw(b, BLKIF_OP_READ, 16, 1, true) == BLKIF_RSP_ERROR);
	EXPECT("ring/past-end-fails",
	       rw(b, BLKIF_OP_READ, IMG_BYTES / 512 - 7, 1, false) ==
	       BLKIF_RSP_ERROR);
	EXPECT("ring/last-page-ok",
	       rw(b, BLKIF_OP_READ, IMG_BYTES / 512 - 8, 1, false) == 0);
	EXPECT("ring/no-segments-fails",
	       rw(b, BLKIF_OP_READ, 0, 0, false) == BLKIF_RSP_ERROR);
	EXPECT("ring/flush-ok", rw(b, BLKIF_OP_FLUSH_DISKCACHE, 0, 0, true) == 0);
	EXPECT("ring/flush-any-sector-ok",
	       rw(b, BLKIF_OP_FLUSH_DISKCACHE, ~0ULL, 0, true) == 0);
	EXPECT("ring/flush-with-data-ok",
	       rw(b, BLKIF_OP_FLUSH_DISKCACHE, 8, 1, true) == 0);
	EXPECT("ring/flush-with-data-checks-sector",
	       rw(b, BLKIF_OP_FLUSH_DISKCACHE, ~0ULL, 1, true) ==
	       BLKIF_RSP_ERROR);
	EXPECT("ring/barrier-unsupported",
	       rw(b, BLKIF_OP_WRITE_BARRIER, 0, 1, true) ==
	       BLKIF_RSP_EOPNOTSUPP);
	EXPECT("ring/unknown-op-unsupported",
	       rw(b, 77, 0, 1, true) == BLKIF_RSP_EOPNOTSUPP);
}

static void test_bad_segments(struct blkback *b)
{
	struct blkif_request *req;

	req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_READ;
	req->nr_segments = 1;
	req->seg[0].gref = 16;
	req->seg[0].first_sect = 5;
	req->seg[0].last_sect = 2;
	front.req_prod_pvt++;
	kick_backend(b);
	EXPECT("ring/reversed-sectors-fail", wait_response(NULL) ==
	       BLKIF_RSP_ERROR);
	req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	req->seg[0].first_sect = 0;
	req->seg[0].last_sect = 8;
	front.req_prod_pvt++;
	kick_backend(b);
	EXPECT("ring/sector-past-page-fails", wait_response(NULL) ==
	       BLKIF_RSP_ERROR);
	req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	req->nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
	front.req_prod_pvt++;
	kick_backend(b);
	EXPECT("ring/too-many-segments-fail", wait_response(NULL) ==
	       BLKIF_RSP_ERROR);
}

/* 24 segments of half pages through one indirect page. */
static void test_indirect(struct blkback *b)
{
	struct blkif_request_indirect *req;
	struct blkif_request_segment *seg = (void *)page(IND_GFN);
	uint8_t want[24 * 2048];
	unsigned int i;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 13 + 1);
	for (i = 0; i < 24; i++) {
		grant(100 + i, DATA_GFN + i, 0, true);
		seg[i].gref = 100 + i;
		seg[i].first_sect = 4;
		seg[i].last_sect = 7;
		memcpy(page(DATA_GFN + i) + 2048, want + i * 2048, 2048);
	}
	grant(99, IND_GFN, 0, true);
	req = (void *)RING_GET_REQUEST(&front, front.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_INDIRECT;
	req->indirect_op = BLKIF_OP_WRITE;
	req->nr_segments = 24;
	req->id = 77;
	req->sector_number = 100;
	req->indirect_grefs[0] = 99;
	front.req_prod_pvt++;
	kick_backend(b);
	EXPECT("ring/indirect-write-ok", wait_response(NULL) == 0);
	EXPECT("ring/indirect-answered-as-write", last_op == BLKIF_OP_WRITE);
	EXPECT("ring/indirect-write-reached-image",
	       image_holds(100 * 512, want, sizeof(want)));
	req = (void *)RING_GET_REQUEST(&front, front.req_prod_pvt);
	req->nr_segments = BLKBACK_MAX_SEGMENTS + 1;
	front.req_prod_pvt++;
	kick_backend(b);
	EXPECT("ring/indirect-too-many-fails",
	       wait_response(NULL) == BLKIF_RSP_ERROR);
}

/* More requests than the ring has slots, answered as they go. */
static void test_many(struct blkback *b)
{
	unsigned int done = 0, sent = 0, ok = 0, i;
	uint64_t id;

	for (i = 0; i < 16; i++)
		grant(200 + i, DATA_GFN + 40 + i, 0, false);
	while (done < 200) {
		while (sent < 200 && sent - done < BLKBACK_RING_SLOTS) {
			struct blkif_request *req =
				RING_GET_REQUEST(&front, front.req_prod_pvt);

			memset(req, 0, sizeof(*req));
			req->operation = BLKIF_OP_READ;
			req->nr_segments = 1;
			req->id = sent;
			req->sector_number = (sent % 64) * 8;
			req->seg[0].gref = 200 + sent % 16;
			req->seg[0].last_sect = 7;
			front.req_prod_pvt++;
			sent++;
		}
		kick_backend(b);
		if (wait_response(&id) == 0 && id < 200)
			ok++;
		done++;
	}
	EXPECT("ring/200-requests-answered", ok == 200);
	EXPECT("ring/stats-count-them", b->stats.requests >= 200);
}

/* Put a read or write of @nsegs pages from @gfn at @sector on the ring. */
static void put_rw(uint8_t op, uint64_t sector, uint32_t ref, uint32_t gfn,
		   unsigned int nsegs)
{
	struct blkif_request *req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	unsigned int i;

	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->nr_segments = (uint8_t)nsegs;
	req->id = 500 + front.req_prod_pvt;
	req->sector_number = sector;
	for (i = 0; i < nsegs; i++) {
		grant(ref + i, gfn + i, 0, op == BLKIF_OP_WRITE);
		req->seg[i].gref = ref + i;
		req->seg[i].last_sect = 7;
	}
	front.req_prod_pvt++;
}

/*
 * Requests that continue each other, put on the ring together, are done
 * as one transfer and still answered one by one; one with a bad grant in
 * such a run fails alone.
 */
static void test_merge(struct blkback *b)
{
	uint8_t want[8 * 4096];
	uint64_t merged0 = b->stats.merged, ids = 0, id;
	unsigned int i, ok = 0;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 11 + 5);
	memcpy(page(DATA_GFN), want, sizeof(want));
	/* Four writes of two pages each: sectors 256..319. */
	for (i = 0; i < 4; i++)
		put_rw(BLKIF_OP_WRITE, 256 + i * 16, 300 + i * 2,
		       DATA_GFN + i * 2, 2);
	kick_backend(b);
	for (i = 0; i < 4; i++)
		if (wait_response(&id) == 0 && id >= 500) {
			ok++;
			ids |= 1ull << ((id - 500) % 64);
		}
	EXPECT("merge/writes-each-answered", ok == 4 &&
	       __builtin_popcountll(ids) == 4);
	EXPECT("merge/writes-done-as-one", b->stats.merged - merged0 == 3);
	EXPECT("merge/writes-reached-image",
	       image_holds(256 * 512, want, sizeof(want)));
	/* Read them back in the other order of pages: 8 one-page reads. */
	memset(page(DATA_GFN), 0, sizeof(want));
	merged0 = b->stats.merged;
	for (i = 0; i < 8; i++)
		put_rw(BLKIF_OP_READ, 256 + i * 8, 320 + i,
		       DATA_GFN + 7 - i, 1);
	kick_backend(b);
	for (i = 0, ok = 0; i < 8; i++)
		ok += wait_response(NULL) == 0;
	EXPECT("merge/reads-each-answered", ok == 8);
	EXPECT("merge/reads-done-as-one", b->stats.merged - merged0 == 7);
	for (i = 0, ok = 0; i < 8; i++)
		ok += !memcmp(page(DATA_GFN + 7 - i), want + i * 4096, 4096);
	EXPECT("merge/reads-fill-each-page", ok == 8);
	EXPECT("merge/grants-let-go", grants_idle());
	/* A gap, or a write after reads, starts another transfer. */
	merged0 = b->stats.merged;
	put_rw(BLKIF_OP_READ, 256, 330, DATA_GFN, 1);
	put_rw(BLKIF_OP_READ, 272, 331, DATA_GFN + 1, 1);
	put_rw(BLKIF_OP_WRITE, 280, 332, DATA_GFN + 2, 1);
	kick_backend(b);
	for (i = 0, ok = 0; i < 3; i++)
		ok += wait_response(NULL) == 0;
	EXPECT("merge/gap-or-other-op-not-merged",
	       ok == 3 && b->stats.merged == merged0);
	/* The third of four reads has a grant the guest took back. */
	memset(page(DATA_GFN), 0, sizeof(want));
	for (i = 0; i < 4; i++)
		put_rw(BLKIF_OP_READ, 256 + i * 8, 340 + i, DATA_GFN + i, 1);
	entries[342].flags = 0;
	kick_backend(b);
	for (i = 0, ok = 0, ids = 0; i < 4; i++) {
		if (wait_response(&id) == 0)
			ok++;
		else
			ids = id;
	}
	EXPECT("merge/bad-grant-fails-alone", ok == 3 &&
	       ids == 500 + front.req_prod_pvt - 2);
	EXPECT("merge/others-still-read",
	       !memcmp(page(DATA_GFN), want, 2 * 4096) &&
	       !memcmp(page(DATA_GFN + 3), want + 3 * 4096, 4096));
	EXPECT("merge/grants-let-go-after-failure", grants_idle());
}

/* A producer index a whole ring ahead: the backend stops serving. */
static void test_broken(struct blkback *b)
{
	uint64_t one = 1;

	__atomic_store_n(&front.sring->req_prod, front.req_prod_pvt + 1000,
			 __ATOMIC_RELEASE);
	if (write(b->efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd");
	usleep(100 * 1000);
	EXPECT("ring/runaway-producer-stops-disk", b->broken);
}

static struct blkback *make_backend(struct disk_image *disk)
{
	struct blkback_config cfg = { .vdev = "xvda", .devid = 51712,
				      .target = img_path, .format = "raw" };
	struct blkback *b = blkback_new(disk, &cfg);
	blkif_sring_t *sring = (void *)page(RING_GFN);

	if (!b)
		die("blkback_new");
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&front, sring, 4096);
	BACK_RING_INIT(&b->ring, sring, 4096);
	b->vm = &vm;
	b->gnt = &gnt;
	b->efd = eventfd(0, EFD_NONBLOCK);
	b->stop_efd = eventfd(0, EFD_NONBLOCK);
	if (b->efd < 0 || b->stop_efd < 0)
		die("eventfd");
	return b;
}

int main(void)
{
	struct disk_image *disk;
	struct blkback *b;
	char err[256];
	int fd;

	ram = aligned_alloc(4096, RAM_PAGES * 4096);
	entries = calloc(NR_ENTRIES, sizeof(*entries));
	fd = mkstemp(img_path);
	if (!ram || !entries || fd < 0 || ftruncate(fd, IMG_BYTES))
		die("setup");
	close(fd);
	memset(ram, 0, RAM_PAGES * 4096);
	mem.nr = 1;
	mem.r[0] = (struct guest_ram_range){ 0, RAM_PAGES * 4096, ram };
	mem.total = RAM_PAGES * 4096;
	vm.fd = -1;
	if (grant_table_init(&gnt, entries, NR_ENTRIES, &mem))
		die("grant_table_init");
	test_grants();
	disk = disk_open(img_path, DISK_FORMAT_RAW, false, err, sizeof(err));
	if (!disk) {
		fprintf(stderr, "%s\n", err);
		die("disk_open");
	}
	b = make_backend(disk);
	EXPECT("ring/starts", blkif_ring_start(b) == 0);
	test_rw(b);
	test_bad_segments(b);
	test_indirect(b);
	test_many(b);
	test_merge(b);
	test_broken(b);
	blkif_ring_stop(b);
	EXPECT("ring/stops-idle", b->in_flight == 0);
	close(b->efd);
	close(b->stop_efd);
	b->efd = b->stop_efd = -1;
	blkback_free(b);
	disk_close(disk);
	grant_table_free(&gnt);
	unlink(img_path);
	free(entries);
	free(ram);
	return test_failures ? 1 : 0;
}
