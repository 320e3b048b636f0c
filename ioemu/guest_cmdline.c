// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel command line a guest boots with (see guest_cmdline.h).
 */
#include <stdio.h>
#include <string.h>

#include "blkif_ring.h"
#include "guest_cmdline.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

/* hxen's defaults, "name=value". */
struct cmdline_default {
	const char *option;
	bool disk;		/* only for a VM with a disk */
};

static const struct cmdline_default defaults[] = {
	{ "xen_blkfront.max_indirect_segments=" STR(BLKBACK_MAX_SEGMENTS),
	  true },
};

/* Do the names of options @a and @b (up to '=') match, '-' as '_'? */
static bool same_name(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];

		if (x != y || !y)
			return false;
	}
	return b[alen] == '=' || b[alen] == ' ' || b[alen] == '\t' || !b[alen];
}

/* Does @line set the option named in @option ("name=value")? */
static bool line_sets(const char *line, const char *option)
{
	size_t len = strcspn(option, "=");
	const char *p = line;

	while (*p) {
		p += strspn(p, " \t");
		if (same_name(option, len, p))
			return true;
		p += strcspn(p, " \t");
	}
	return false;
}

const char *guest_cmdline(char *out, size_t outlen, const char *user,
			  bool has_disk)
{
	size_t i, used = 0, need, ulen;

	if (!user)
		user = "";
	ulen = strlen(user);
	if (ulen + 1 > outlen)
		return user;
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if ((defaults[i].disk && !has_disk) ||
		    line_sets(user, defaults[i].option))
			continue;
		need = strlen(defaults[i].option) + 1;
		if (used + need + ulen + 1 > outlen)
			continue;
		memcpy(out + used, defaults[i].option, need - 1);
		out[used + need - 1] = ' ';
		used += need;
	}
	snprintf(out + used, outlen - used, "%s", user);
	if (used && !ulen)
		out[used - 1] = 0;
	return out;
}
