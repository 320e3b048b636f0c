/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xenstore path syntax: which paths are valid, how a domain-relative path
 * becomes absolute, and which paths lie at or under others.
 */
#ifndef IOEMU_XS_PATH_H
#define IOEMU_XS_PATH_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/* Longest absolute path, without its NUL, and a buffer that holds one. */
#define XS_PATH_MAX	XENSTORE_ABS_PATH_MAX
#define XS_PATH_BUF	(XS_PATH_MAX + 1)

/*
 * True for "/" and for "/"-separated components of alphanumerics and
 * -_@ with no empty component and no trailing '/', at most XS_PATH_MAX
 * bytes long.
 */
bool xs_path_valid(const char *path);

/*
 * Writes the absolute form of path to out: an absolute path is checked
 * and copied, a relative one (at most XENSTORE_REL_PATH_MAX bytes) is
 * taken relative to home.  *relative tells which it was (may be NULL).
 * Returns 0 or -EINVAL.
 */
int xs_path_resolve(const char *home, const char *path, char *out,
		    bool *relative);

/* True when path is ancestor itself or lies below it ("/" holds all). */
bool xs_path_is_under(const char *path, const char *ancestor);

/*
 * The part of path below home ("/local/domain/5/a/b" -> "a/b"), or NULL
 * when path is not strictly below home.
 */
const char *xs_path_below(const char *path, const char *home);

#endif /* IOEMU_XS_PATH_H */
