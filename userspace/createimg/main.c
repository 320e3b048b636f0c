// SPDX-License-Identifier: GPL-2.0
/*
 * createimg: create a raw or qcow2 disk image for hxen guests.
 *
 * main() parses the command line, then writes the image to a temporary
 * file and moves it into place (see output.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "createimg.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "qcow2.h"
#include "raw.h"

#define PROGRESS_PREALLOCATING	PROGRAM_NAME ": preallocating"
#define PROGRESS_WRITING	PROGRAM_NAME ": writing"

/* What writing an image needs besides the request itself. */
struct image_plan {
	struct qcow2_layout qcow2;	/* qcow2 only */
	uint64_t file_size;		/* bytes the image file will have */
	uint64_t progress_total;
};

static int plan_image(const struct image_request *request,
		      struct image_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (request->format == IMAGE_FORMAT_RAW) {
		plan->file_size = request->size;
		plan->progress_total = raw_progress_total(request->size,
							  request->preallocate);
		return 0;
	}
	if (plan_qcow2_layout(&plan->qcow2, request->size,
			      request->preallocate) != 0) {
		report_error("cannot create '%s': a qcow2 image of %llu bytes "
			     "is not supported", request->path,
			     (unsigned long long)request->size);
		return -1;
	}
	plan->file_size = cluster_offset(plan->qcow2.total_clusters);
	plan->progress_total = qcow2_progress_total(&plan->qcow2);
	return 0;
}

static void report_write_error(const struct image_request *request,
			       const struct image_plan *plan, int err)
{
	if (err == ENOSPC && request->preallocate)
		report_error("cannot write '%s': %s (the preallocated image "
			     "needs %llu bytes)", request->path, strerror(err),
			     (unsigned long long)plan->file_size);
	else if (err == EFBIG)
		report_error("cannot write '%s': %s (the file system cannot "
			     "hold a file of %llu bytes)", request->path,
			     strerror(err),
			     (unsigned long long)plan->file_size);
	else
		report_error("cannot write '%s': %s", request->path,
			     strerror(err));
}

static int write_image(const struct image_request *request,
		       const struct image_plan *plan, int fd,
		       struct progress *bar)
{
	if (request->format == IMAGE_FORMAT_RAW)
		return write_raw_image(fd, request->size, request->preallocate,
				       bar);
	return write_qcow2_image(fd, &plan->qcow2, bar);
}

static int create_image(const struct image_request *request)
{
	struct image_plan plan;
	struct output_file out;
	struct progress bar;
	int err;

	if (plan_image(request, &plan) != 0)
		return -1;
	if (output_check_target(request->path, request->replace_existing) ||
	    output_open(&out, request->path, request->replace_existing))
		return -1;

	progress_start(&bar, request->preallocate ? PROGRESS_PREALLOCATING :
						    PROGRESS_WRITING,
		       plan.progress_total);
	err = write_image(request, &plan, out.fd, &bar);
	if (err) {
		progress_abandon(&bar);
		report_write_error(request, &plan, -err);
		output_discard(&out);
		return -1;
	}
	progress_finish(&bar);

	if (output_commit(&out) != 0) {
		output_discard(&out);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct image_request request;

	switch (parse_options(argc, argv, &request)) {
	case OPTIONS_DONE:
		if (fflush(stdout) != 0 || ferror(stdout)) {
			report_error("cannot write to standard output: %s",
				     strerror(errno));
			return EXIT_RUNTIME_ERROR;
		}
		return EXIT_SUCCESS;
	case OPTIONS_INVALID:
		return EXIT_USAGE_ERROR;
	case OPTIONS_CREATE_IMAGE:
		break;
	}
	return create_image(&request) == 0 ? EXIT_SUCCESS : EXIT_RUNTIME_ERROR;
}
