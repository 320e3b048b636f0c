// SPDX-License-Identifier: GPL-2.0
/*
 * SIZE argument parsing.  Only plain decimal digits are accepted (no sign,
 * spaces, hex or exponents) so that a typo can never turn into a
 * surprising image size.
 */
#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

#include "createimg.h"
#include "size.h"

#define ACCEPTED_FORM \
	"give a whole number of bytes, optionally followed by K, M, G or T " \
	"(powers of 1024, e.g. 10G)"

struct size_unit {
	const char *suffix;
	unsigned int shift;
};

static const struct size_unit size_units[] = {
	{ "", 0 }, { "B", 0 },
	{ "K", 10 }, { "KB", 10 }, { "KiB", 10 },
	{ "M", 20 }, { "MB", 20 }, { "MiB", 20 },
	{ "G", 30 }, { "GB", 30 }, { "GiB", 30 },
	{ "T", 40 }, { "TB", 40 }, { "TiB", 40 },
};

static bool is_decimal_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Look up @suffix; return false if it is not a known unit. */
static bool find_unit_shift(const char *suffix, unsigned int *shift)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(size_units); i++) {
		if (strcasecmp(suffix, size_units[i].suffix) == 0) {
			*shift = size_units[i].shift;
			return true;
		}
	}
	return false;
}

enum size_parse_result parse_size(const char *text, uint64_t *bytes)
{
	const char *cursor = text;
	uint64_t number = 0;
	bool overflow = false;
	unsigned int shift;

	if (text[0] == '\0')
		return SIZE_EMPTY;
	if (text[0] == '-')
		return SIZE_NEGATIVE;
	if (text[0] == '.' && is_decimal_digit(text[1]))
		return SIZE_FRACTIONAL;
	if (!is_decimal_digit(text[0]))
		return SIZE_NOT_A_NUMBER;

	for (; is_decimal_digit(*cursor); cursor++) {
		unsigned int digit = (unsigned int)(*cursor - '0');

		if (number > (UINT64_MAX - digit) / 10)
			overflow = true;
		else
			number = number * 10 + digit;
	}

	if ((*cursor == '.' || *cursor == ',') && is_decimal_digit(cursor[1]))
		return SIZE_FRACTIONAL;
	if (!find_unit_shift(cursor, &shift))
		return SIZE_UNKNOWN_SUFFIX;
	if (overflow || number > (UINT64_MAX >> shift))
		return SIZE_TOO_LARGE;
	if (number == 0)
		return SIZE_ZERO;

	number <<= shift;
	if (number > IMAGE_SIZE_MAX)
		return SIZE_TOO_LARGE;
	if (number % IMAGE_SIZE_ALIGNMENT != 0)
		return SIZE_NOT_ALIGNED;

	*bytes = number;
	return SIZE_OK;
}

const char *size_error_reason(enum size_parse_result result)
{
	switch (result) {
	case SIZE_OK:
		return "no error";
	case SIZE_EMPTY:
		return "the size is empty; " ACCEPTED_FORM;
	case SIZE_NEGATIVE:
		return "the size must be positive; " ACCEPTED_FORM;
	case SIZE_NOT_A_NUMBER:
		return "not a number; " ACCEPTED_FORM;
	case SIZE_FRACTIONAL:
		return "fractions are not accepted; use a whole number of a "
		       "smaller unit (e.g. 1536M instead of 1.5G)";
	case SIZE_UNKNOWN_SUFFIX:
		return "unknown suffix; accepted suffixes are K, M, G and T "
		       "(powers of 1024), optionally followed by B or iB";
	case SIZE_ZERO:
		return "the size must be greater than zero";
	case SIZE_TOO_LARGE:
		return "too large; the maximum image size is "
		       IMAGE_SIZE_MAX_TEXT;
	case SIZE_NOT_ALIGNED:
		return "not a multiple of 512 bytes; image sizes are whole "
		       "512-byte sectors";
	}
	return "invalid size";
}
