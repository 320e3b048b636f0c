// SPDX-License-Identifier: GPL-2.0
/* Xenstore path syntax: validation, domain-relative paths, ancestry. */

/* strnlen is POSIX.1-2008. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "xs_path.h"

/* The characters docs/misc/xenstore.txt allows in a path. */
static bool xs_path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

bool xs_path_valid(const char *path)
{
	size_t len = strnlen(path, XS_PATH_MAX + 1);
	size_t i;

	if (len == 0 || len > XS_PATH_MAX || path[0] != '/')
		return false;
	if (len == 1)
		return true;
	if (path[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		if (!xs_path_char_ok(path[i]))
			return false;
		if (path[i] == '/' && path[i + 1] == '/')
			return false;
	}
	return true;
}

int xs_path_resolve(const char *home, const char *path, char *out,
		    bool *relative)
{
	size_t len = strnlen(path, XS_PATH_MAX + 1);
	int n;

	if (relative)
		*relative = path[0] != '/';
	if (path[0] == '/') {
		if (!xs_path_valid(path))
			return -EINVAL;
		memcpy(out, path, len + 1);
		return 0;
	}
	if (len == 0 || len > XENSTORE_REL_PATH_MAX)
		return -EINVAL;
	n = snprintf(out, XS_PATH_BUF, "%s/%s", home, path);
	if (n < 0 || n >= XS_PATH_BUF || !xs_path_valid(out))
		return -EINVAL;
	return 0;
}

bool xs_path_is_under(const char *path, const char *ancestor)
{
	size_t alen = strlen(ancestor);

	if (strcmp(ancestor, "/") == 0)
		return path[0] == '/';
	return strncmp(path, ancestor, alen) == 0 &&
	       (path[alen] == '\0' || path[alen] == '/');
}

const char *xs_path_below(const char *path, const char *home)
{
	size_t hlen = strlen(home);

	if (strncmp(path, home, hlen) != 0 || path[hlen] != '/' ||
	    path[hlen + 1] == '\0')
		return NULL;
	return path + hlen + 1;
}
