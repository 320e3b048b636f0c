/* SPDX-License-Identifier: GPL-2.0 */
/* UUIDs of VMs: made up at random, and between text and bytes. */
#ifndef VMUUID_H
#define VMUUID_H

#include <stdint.h>

#define VMUUID_LEN	16	/* bytes */
#define VMUUID_TEXT	37	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

/* A random (version 4) UUID from /dev/urandom, as text: 0 or -errno. */
int vmuuid_generate(char out[VMUUID_TEXT]);

/*
 * Text (32 hex digits in groups of 8-4-4-4-12, either case) to bytes:
 * 0, or -1 if @s is not a UUID.
 */
int vmuuid_parse(const char *s, uint8_t out[VMUUID_LEN]);

/* Bytes to text, in lower case. */
void vmuuid_format(const uint8_t in[VMUUID_LEN], char out[VMUUID_TEXT]);

#endif /* VMUUID_H */
