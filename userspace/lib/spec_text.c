// SPDX-License-Identifier: GPL-2.0
/*
 * Text helpers shared by the parsers of configurations and of disk and
 * interface specifications: words quoted in messages, blanks and paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_text.h"

const char *spec_quotable(const char *s, char *buf, size_t len)
{
	if (strlen(s) <= SPEC_QUOTE_MAX)
		return s;
	snprintf(buf, len, "%.*s...", SPEC_QUOTE_MAX, s);
	return buf;
}

bool spec_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

char *spec_trim(char *s)
{
	size_t len;

	while (spec_is_blank(*s))
		s++;
	len = strlen(s);
	while (len && spec_is_blank(s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Append @path's components to @out as "/c", leaving out "" and ".". */
static size_t append_components(char *out, size_t len, const char *path)
{
	const char *end;

	for (; *path; path = end) {
		while (*path == '/')
			path++;
		end = strchrnul(path, '/');
		if (end == path || (end - path == 1 && path[0] == '.'))
			continue;
		out[len++] = '/';
		memcpy(out + len, path, end - path);
		len += end - path;
	}
	return len;
}

char *spec_absolute_path(const char *dir, const char *path)
{
	size_t dir_len = path[0] == '/' ? 0 : strlen(dir);
	char *out = malloc(dir_len + strlen(path) + 3);
	size_t len = 0;

	if (!out)
		return NULL;
	if (dir_len)
		len = append_components(out, len, dir);
	len = append_components(out, len, path);
	if (!len)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}
