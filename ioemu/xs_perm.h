/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xenstore node permissions.  A node carries a list of (domid, access)
 * entries: the first names the owner, who may do anything, and gives the
 * access of every domain not listed later; each later entry gives one
 * domain's access.  On the wire an entry is a string such as "r5": a
 * letter (n none, r read, w write, b both) and a decimal domid.
 */
#ifndef IOEMU_XS_PERM_H
#define IOEMU_XS_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_ACCESS_NONE	0u
#define XS_ACCESS_READ	1u
#define XS_ACCESS_WRITE	2u
#define XS_ACCESS_BOTH	(XS_ACCESS_READ | XS_ACCESS_WRITE)
/* Only computed, never stored: the right to change a node's permissions. */
#define XS_ACCESS_OWNER	4u

/* Entries a node may carry (xenstored's default quota). */
#define XS_PERMS_MAX	5
/* Domain ids are 16 bits on the wire. */
#define XS_DOMID_MAX	65535u

struct xs_perm {
	uint32_t domid;
	uint8_t access;		/* XS_ACCESS_NONE..XS_ACCESS_BOTH */
};

struct xs_perms {
	unsigned int n;		/* 1..XS_PERMS_MAX */
	struct xs_perm p[XS_PERMS_MAX];
};

/* Whoever makes a request: ioemu itself acts as the privileged dom0. */
struct xs_who {
	unsigned int domid;
	bool priv;
};

/* XS_ACCESS_* bits that who has on a node with these permissions. */
unsigned int xs_perms_access(const struct xs_perms *perms,
			     const struct xs_who *who);

/*
 * Parses len bytes of NUL-terminated entry strings ("n0\0r5\0").
 * Returns 0, -EINVAL for a malformed list or -ENOSPC for more than
 * XS_PERMS_MAX entries.
 */
int xs_perms_parse(const char *buf, size_t len, struct xs_perms *out);

/*
 * Writes the entries as NUL-terminated strings into buf.  Returns the
 * length they need, which is larger than size when they did not fit.
 */
size_t xs_perms_format(const struct xs_perms *perms, char *buf, size_t size);

#endif /* IOEMU_XS_PERM_H */
