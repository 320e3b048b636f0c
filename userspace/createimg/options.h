/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line parsing: turns argv into an image_request.
 */
#ifndef CREATEIMG_OPTIONS_H
#define CREATEIMG_OPTIONS_H

#include "createimg.h"

enum options_outcome {
	OPTIONS_CREATE_IMAGE,	/* @request is filled in: go ahead */
	OPTIONS_DONE,		/* --help or --version was printed */
	OPTIONS_INVALID,	/* an error was reported: exit 2 */
};

enum options_outcome parse_options(int argc, char **argv,
				   struct image_request *request);

#endif /* CREATEIMG_OPTIONS_H */
