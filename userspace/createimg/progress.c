// SPDX-License-Identifier: GPL-2.0
/*
 * Progress bar: "createimg: preallocating [#######.........]  45%".
 */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

#define SHOW_AFTER_MS	1000	/* stay silent for operations shorter */
#define REDRAW_EVERY_MS	200
#define BAR_WIDTH	40

static int64_t elapsed_ms(const struct timespec *since,
			  const struct timespec *now)
{
	return (int64_t)(now->tv_sec - since->tv_sec) * 1000 +
	       (now->tv_nsec - since->tv_nsec) / 1000000;
}

static unsigned int percent_done(const struct progress *bar)
{
	if (bar->total == 0 || bar->done >= bar->total)
		return 100;
	/* Divide first: total may be close to 2^64 / 100. */
	return (unsigned int)(bar->done / (bar->total / 100 + 1));
}

static void draw(struct progress *bar)
{
	unsigned int percent = percent_done(bar);
	unsigned int filled = percent * BAR_WIDTH / 100;
	char cells[BAR_WIDTH + 1];
	unsigned int i;

	for (i = 0; i < BAR_WIDTH; i++)
		cells[i] = i < filled ? '#' : '.';
	cells[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3u%%", bar->label, cells, percent);
	fflush(stderr);
	bar->drawn = true;
}

void progress_start(struct progress *bar, const char *label, uint64_t total)
{
	bar->label = label;
	bar->total = total;
	bar->done = 0;
	bar->terminal = isatty(STDERR_FILENO) == 1;
	bar->drawn = false;
	clock_gettime(CLOCK_MONOTONIC, &bar->started);
	bar->last_drawn = bar->started;
}

void progress_advance(struct progress *bar, uint64_t amount)
{
	struct timespec now;

	bar->done += amount;
	if (!bar->terminal)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!bar->drawn && elapsed_ms(&bar->started, &now) < SHOW_AFTER_MS)
		return;
	if (bar->drawn && elapsed_ms(&bar->last_drawn, &now) < REDRAW_EVERY_MS)
		return;
	bar->last_drawn = now;
	draw(bar);
}

void progress_finish(struct progress *bar)
{
	if (!bar->drawn)
		return;
	bar->done = bar->total;
	draw(bar);
	fputc('\n', stderr);
	bar->drawn = false;
}

void progress_abandon(struct progress *bar)
{
	if (!bar->drawn)
		return;
	fputc('\n', stderr);
	bar->drawn = false;
}
