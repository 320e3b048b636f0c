/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of the SIZE argument: a whole number of bytes with an optional
 * binary (1024-based) suffix.
 */
#ifndef CREATEIMG_SIZE_H
#define CREATEIMG_SIZE_H

#include <stdint.h>

/* Image sizes must be whole sectors and no larger than 64 TiB. */
#define IMAGE_SIZE_ALIGNMENT	512ULL
#define IMAGE_SIZE_MAX		(64ULL << 40)
#define IMAGE_SIZE_MAX_TEXT	"64T"

enum size_parse_result {
	SIZE_OK,
	SIZE_EMPTY,
	SIZE_NEGATIVE,
	SIZE_NOT_A_NUMBER,
	SIZE_FRACTIONAL,
	SIZE_UNKNOWN_SUFFIX,
	SIZE_ZERO,
	SIZE_TOO_LARGE,
	SIZE_NOT_ALIGNED,
};

/*
 * Parse @text into @bytes.  Accepted: decimal digits followed by nothing,
 * "B", or one of K, M, G, T optionally followed by "B" or "iB", in any
 * letter case.  @bytes is only written on SIZE_OK.
 */
enum size_parse_result parse_size(const char *text, uint64_t *bytes);

/* A sentence saying why a size was rejected and what is accepted. */
const char *size_error_reason(enum size_parse_result result);

#endif /* CREATEIMG_SIZE_H */
