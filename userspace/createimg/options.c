// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: createimg [-f raw|qcow2] [--preallocate] [--force] FILE SIZE
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "size.h"

#ifndef HXEN_TOOLS_VERSION
#error "HXEN_TOOLS_VERSION must be defined by the build"
#endif

#define TRY_HELP "try '" PROGRAM_NAME " --help'"

enum {
	OPTION_PREALLOCATE = 256,
	OPTION_FORCE,
	OPTION_VERSION,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "preallocate", no_argument, NULL, OPTION_PREALLOCATE },
	{ "force", no_argument, NULL, OPTION_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPTION_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
	"Usage: " PROGRAM_NAME
	" [-f raw|qcow2] [--preallocate] [--force] FILE SIZE\n"
	"\n"
	"Create a disk image of SIZE bytes at FILE.\n"
	"\n"
	"Options:\n"
	"  -f, --format=FORMAT  image format: raw (the default) or qcow2\n"
	"      --preallocate    allocate all space now; without it the\n"
	"                       image is sparse\n"
	"      --force          replace FILE if it already exists\n"
	"  -h, --help           print this help and exit\n"
	"      --version        print the version and exit\n"
	"\n"
	"SIZE is a whole number of bytes, optionally followed by K, M, G\n"
	"or T (powers of 1024; lower case and a trailing B or iB, as in\n"
	"10GiB, are accepted).  It must be a multiple of 512 and at most\n"
	IMAGE_SIZE_MAX_TEXT ".\n"
	"\n"
	"Exit status: 0 on success, 1 if the image could not be created,\n"
	"2 on a usage error.  See createimg(1).\n";

static bool parse_format(const char *name, enum image_format *format)
{
	if (strcmp(name, "raw") == 0) {
		*format = IMAGE_FORMAT_RAW;
		return true;
	}
	if (strcmp(name, "qcow2") == 0) {
		*format = IMAGE_FORMAT_QCOW2;
		return true;
	}
	report_error("unknown image format '%s'; supported formats are raw "
		     "and qcow2", name);
	return false;
}

/* A negative size such as "-1" reaches getopt as an unknown option. */
static bool looks_like_negative_number(const char *arg)
{
	return arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9';
}

/* The first operand that looks like a negative number, or NULL. */
static const char *find_negative_operand(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-f") == 0 ||
		    strcmp(argv[i], "--format") == 0) {
			i++;
			continue;
		}
		if (looks_like_negative_number(argv[i]))
			return argv[i];
	}
	return NULL;
}

static void report_bad_option(int option, int argc, char **argv)
{
	const char *negative;

	if (option == ':') {
		report_error("option '%s' needs a value; %s", argv[optind - 1],
			     TRY_HELP);
		return;
	}
	negative = find_negative_operand(argc, argv);
	if (negative && optopt >= '0' && optopt <= '9') {
		report_error("invalid size '%s': %s", negative,
			     size_error_reason(SIZE_NEGATIVE));
		return;
	}
	if (optopt != 0)
		report_error("unknown option '-%c'; %s", optopt, TRY_HELP);
	else
		report_error("unknown option '%s'; %s", argv[optind - 1],
			     TRY_HELP);
}

static bool parse_file_argument(const char *path)
{
	size_t length = strlen(path);

	if (length == 0) {
		report_error("FILE is empty; give the path of the image to "
			     "create");
		return false;
	}
	if (path[length - 1] == '/') {
		report_error("'%s' names a directory; FILE must be the path "
			     "of the image file", path);
		return false;
	}
	return true;
}

static bool parse_size_argument(const char *text, uint64_t *size)
{
	enum size_parse_result result = parse_size(text, size);

	if (result == SIZE_OK)
		return true;
	report_error("invalid size '%s': %s", text,
		     size_error_reason(result));
	return false;
}

enum options_outcome parse_options(int argc, char **argv,
				   struct image_request *request)
{
	int option;

	memset(request, 0, sizeof(*request));
	request->format = IMAGE_FORMAT_RAW;

	opterr = 0;
	while ((option = getopt_long(argc, argv, ":f:h", long_options,
				     NULL)) != -1) {
		switch (option) {
		case 'f':
			if (!parse_format(optarg, &request->format))
				return OPTIONS_INVALID;
			break;
		case OPTION_PREALLOCATE:
			request->preallocate = true;
			break;
		case OPTION_FORCE:
			request->replace_existing = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return OPTIONS_DONE;
		case OPTION_VERSION:
			printf("%s %s\n", PROGRAM_NAME, HXEN_TOOLS_VERSION);
			return OPTIONS_DONE;
		default:
			report_bad_option(option, argc, argv);
			return OPTIONS_INVALID;
		}
	}

	switch (argc - optind) {
	case 0:
		report_error("missing FILE and SIZE; %s", TRY_HELP);
		return OPTIONS_INVALID;
	case 1:
		report_error("missing SIZE after FILE '%s'; %s", argv[optind],
			     TRY_HELP);
		return OPTIONS_INVALID;
	case 2:
		break;
	default:
		report_error("too many arguments (first extra: '%s'); expected "
			     "only FILE and SIZE", argv[optind + 2]);
		return OPTIONS_INVALID;
	}

	if (!parse_file_argument(argv[optind]) ||
	    !parse_size_argument(argv[optind + 1], &request->size))
		return OPTIONS_INVALID;
	request->path = argv[optind];
	return OPTIONS_CREATE_IMAGE;
}
