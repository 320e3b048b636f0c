// SPDX-License-Identifier: GPL-2.0
/* UUIDs: random ones, and their text form. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "vmuuid.h"

static int read_random(uint8_t *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t have = 0;
	int rc = 0;

	if (fd < 0)
		return -errno;
	while (have < len) {
		ssize_t n = read(fd, buf + have, len - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		have += (size_t)n;
	}
	close(fd);
	return rc;
}

int vmuuid_generate(char out[VMUUID_TEXT])
{
	uint8_t u[VMUUID_LEN];
	int rc = read_random(u, sizeof(u));

	if (rc)
		return rc;
	u[6] = (u[6] & 0x0f) | 0x40;	/* version 4: random */
	u[8] = (u[8] & 0x3f) | 0x80;	/* the RFC 4122 variant */
	vmuuid_format(u, out);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vmuuid_parse(const char *s, uint8_t out[VMUUID_LEN])
{
	size_t i, b = 0;

	for (i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		hi = hex_digit(s[i]);
		lo = hi < 0 ? -1 : hex_digit(s[i + 1]);
		if (lo < 0)
			return -1;
		out[b++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[36] ? -1 : 0;
}

void vmuuid_format(const uint8_t in[VMUUID_LEN], char out[VMUUID_TEXT])
{
	snprintf(out, VMUUID_TEXT,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7],
		 in[8], in[9], in[10], in[11], in[12], in[13], in[14], in[15]);
}
