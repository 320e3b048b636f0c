// SPDX-License-Identifier: GPL-2.0
/*
 * diskbench: the disk benchmark the sandbox's guests run, on hxen (a PV
 * disk, xvda) and on QEMU+KVM (virtio-blk, vda), against the same image.
 * It prints one line per figure:
 *
 *   HXG-BENCH: seq-write MBps 41.2
 *   HXG-BENCH: seq-read MBps 55.0
 *   HXG-BENCH: rand-write IOPS 812
 *   HXG-BENCH: rand-read IOPS 1033
 *
 * Sequential: 1 MiB requests over the first SPAN bytes of the device.
 * Random: 4 KiB requests at random 4 KiB offsets in SPAN, one at a time,
 * for SECONDS each.  Everything is O_DIRECT, so the guest's page cache
 * takes no part; writes end with fdatasync.  The four run ROUNDS times
 * (each round's figures on HXG-BENCH-ROUND lines); the HXG-BENCH lines
 * give the median, so that one slow round (the first, while the machine
 * warms up) does not decide the figure.  Where the guest's CPU went
 * during each figure follows it, from /proc/stat, so that the two sides
 * can be told apart (a guest busy in the kernel, or idle waiting for
 * its disk):
 *
 *   HXG-BENCH-CPU 1: seq-write sys 61% irq 3% softirq 2% idle 34% user 0%, 9.0 interrupts per call
 *
 *   diskbench DEVICE [SPAN-MIB [SECONDS [ROUNDS]]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEQ_BLOCK	(1 << 20)
#define RAND_BLOCK	4096

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int io(int fd, void *buf, size_t len, off_t off, int write)
{
	ssize_t n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	if (n != (ssize_t)len) {
		fprintf(stderr, "diskbench: %s at %lld: %s\n",
			write ? "write" : "read", (long long)off,
			n < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

/* MB/s of sequential 1 MiB requests over @span; < 0 on an error. */
static double sequential(int fd, void *buf, off_t span, int write)
{
	double t0 = now();
	off_t off;

	for (off = 0; off + SEQ_BLOCK <= span; off += SEQ_BLOCK)
		if (io(fd, buf, SEQ_BLOCK, off, write))
			return -1;
	if (write && fdatasync(fd))
		return -1;
	return (double)span / (1 << 20) / (now() - t0);
}

/* IOPS of 4 KiB requests at random offsets; < 0 on an error. */
static double random_io(int fd, void *buf, off_t span, double secs,
			int write, uint32_t *x)
{
	uint64_t blocks = (uint64_t)span / RAND_BLOCK, n = 0;
	double t0 = now();

	do {
		*x = *x * 1103515245 + 12345;
		if (io(fd, buf, RAND_BLOCK,
		       (off_t)((*x >> 4) % blocks) * RAND_BLOCK, write))
			return -1;
		n++;
	} while ((n & 15) || now() - t0 < secs);
	if (write && fdatasync(fd))
		return -1;
	return (double)n / (now() - t0);
}

/* The guest's CPU times (in ticks) and its interrupt count. */
struct cpu_use {
	unsigned long long user, nice, sys, idle, iowait, irq, softirq, intr;
};

static void cpu_use(struct cpu_use *u)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "r");

	memset(u, 0, sizeof(*u));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4))
			sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu",
			       &u->user, &u->nice, &u->sys, &u->idle,
			       &u->iowait, &u->irq, &u->softirq);
		else if (!strncmp(line, "intr ", 5))
			sscanf(line + 5, "%llu", &u->intr);
	}
	fclose(f);
}

static void print_cpu_use(int round, const char *name, const struct cpu_use *a,
			  const struct cpu_use *b, double requests)
{
	unsigned long long user = b->user + b->nice - a->user - a->nice;
	unsigned long long idle = b->idle + b->iowait - a->idle - a->iowait;
	unsigned long long sys = b->sys - a->sys, irq = b->irq - a->irq;
	unsigned long long soft = b->softirq - a->softirq;
	double all = (double)(user + idle + sys + irq + soft);

	if (all <= 0)
		all = 1;
	printf("HXG-BENCH-CPU %d: %.*s sys %.0f%% irq %.0f%% softirq %.0f%% idle %.0f%% user %.0f%%, %.1f interrupts per call\n",
	       round, (int)strcspn(name, " "), name, 100.0 * sys / all,
	       100.0 * irq / all, 100.0 * soft / all, 100.0 * idle / all,
	       100.0 * user / all,
	       requests > 0 ? (double)(b->intr - a->intr) / requests : 0.0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define FIGURES		4
#define MAX_ROUNDS	9

static const char *const names[FIGURES] = {
	"seq-write MBps", "seq-read MBps", "rand-write IOPS", "rand-read IOPS"
};

int main(int argc, char **argv)
{
	double fig[FIGURES][MAX_ROUNDS], secs, requests, t0;
	struct cpu_use before, after;
	uint32_t x = 12345;
	int fd, r, i, rounds;
	off_t span;
	void *buf;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: diskbench DEVICE [SPAN-MIB [SECONDS [ROUNDS]]]\n");
		return 2;
	}
	span = (off_t)(argc > 2 ? atoi(argv[2]) : 32) << 20;
	secs = argc > 3 ? atof(argv[3]) : 3.0;
	rounds = argc > 4 ? atoi(argv[4]) : 1;
	if (span < SEQ_BLOCK || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "diskbench: SPAN-MIB must be 1 or more, ROUNDS 1 to %d\n",
			MAX_ROUNDS);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, 4096, SEQ_BLOCK)) {
		fprintf(stderr, "diskbench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(buf, 0xa5, SEQ_BLOCK);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < FIGURES; i++) {
			cpu_use(&before);
			t0 = now();
			if (i < 2)
				fig[i][r] = sequential(fd, buf, span, i == 0);
			else
				fig[i][r] = random_io(fd, buf, span, secs,
						      i == 2, &x);
			/* Requests the guest made: 1 MiB or 4 KiB each. */
			requests = i < 2 ? (double)(span / SEQ_BLOCK) :
				   fig[i][r] * (now() - t0);
			cpu_use(&after);
			if (fig[i][r] < 0)
				return 1;
			printf("HXG-BENCH-ROUND %d: %s %.1f\n", r + 1, names[i],
			       fig[i][r]);
			print_cpu_use(r + 1, names[i], &before, &after,
				      requests);
		}
	}
	/* The median of the rounds (the upper one of an even count). */
	for (i = 0; i < FIGURES; i++) {
		qsort(fig[i], (size_t)rounds, sizeof(double), cmp_double);
		printf("HXG-BENCH: %s %.1f\n", names[i], fig[i][rounds / 2]);
	}
	printf("HXG-BENCH: done\n");
	close(fd);
	return 0;
}
