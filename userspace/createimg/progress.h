/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A progress bar on stderr for long operations.  It is drawn only when
 * stderr is a terminal and the operation has already run for a while, so
 * quick runs and redirected output never see it.
 */
#ifndef CREATEIMG_PROGRESS_H
#define CREATEIMG_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress {
	const char *label;
	uint64_t total;		/* units of work (bytes) in the operation */
	uint64_t done;
	bool terminal;		/* stderr is a terminal */
	bool drawn;		/* the bar is on screen */
	struct timespec started;
	struct timespec last_drawn;
};

void progress_start(struct progress *bar, const char *label, uint64_t total);
void progress_advance(struct progress *bar, uint64_t amount);
/* Show 100% and end the line, if the bar was shown at all. */
void progress_finish(struct progress *bar);
/* End the bar's line so that an error message starts on a fresh line. */
void progress_abandon(struct progress *bar);

#endif /* CREATEIMG_PROGRESS_H */
