/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text helpers shared by the parsers of configurations and of disk and
 * interface specifications.  Internal to libhxen; vmconfig.c,
 * diskspec.c and vifspec.c are its users.
 */
#ifndef SPEC_TEXT_H
#define SPEC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* How much of a long word error messages quote. */
#define SPEC_QUOTE_MAX	64
/* Room for spec_quotable()'s copy: the cut word, "..." and the NUL. */
#define SPEC_QUOTE_BUF	(SPEC_QUOTE_MAX + 4)

/*
 * @s for a message: @s itself, or its first SPEC_QUOTE_MAX bytes and
 * "..." written into @buf (SPEC_QUOTE_BUF bytes) if it is longer.
 */
const char *spec_quotable(const char *s, char *buf, size_t len);

/* A space or a tab. */
bool spec_is_blank(char c);

/* @s without its leading and (cut off in place) trailing blanks. */
char *spec_trim(char *s);

/*
 * @path, made absolute against @dir if relative, without repeated
 * slashes or "." components.  ".." is kept: it may cross a symbolic link.
 * Returns a malloc'd string, or NULL when out of memory.
 */
char *spec_absolute_path(const char *dir, const char *path);

#endif /* SPEC_TEXT_H */
