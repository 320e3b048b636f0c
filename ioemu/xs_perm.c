// SPDX-License-Identifier: GPL-2.0
/* Xenstore node permissions: access checks and the wire format. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xs_perm.h"

unsigned int xs_perms_access(const struct xs_perms *perms,
			     const struct xs_who *who)
{
	unsigned int i;

	if (who->priv || perms->p[0].domid == who->domid)
		return XS_ACCESS_BOTH | XS_ACCESS_OWNER;
	for (i = 1; i < perms->n; i++)
		if (perms->p[i].domid == who->domid)
			return perms->p[i].access;
	return perms->p[0].access;
}

static int xs_perm_letter(char c)
{
	switch (c) {
	case 'n':
		return XS_ACCESS_NONE;
	case 'r':
		return XS_ACCESS_READ;
	case 'w':
		return XS_ACCESS_WRITE;
	case 'b':
		return XS_ACCESS_BOTH;
	}
	return -1;
}

/* One entry: a letter and 1..5 decimal digits naming a valid domid. */
static int xs_perm_parse_one(const char *s, struct xs_perm *out)
{
	unsigned long id = 0;
	int acc = xs_perm_letter(s[0]);
	const char *d;

	if (acc < 0 || s[1] == '\0')
		return -EINVAL;
	for (d = s + 1; *d; d++) {
		if (*d < '0' || *d > '9' || d - s > 5)
			return -EINVAL;
		id = id * 10 + (unsigned long)(*d - '0');
	}
	if (id > XS_DOMID_MAX)
		return -EINVAL;
	out->domid = (uint32_t)id;
	out->access = (uint8_t)acc;
	return 0;
}

int xs_perms_parse(const char *buf, size_t len, struct xs_perms *out)
{
	size_t off = 0;

	out->n = 0;
	if (len == 0 || buf[len - 1] != '\0')
		return -EINVAL;
	while (off < len) {
		const char *s = buf + off;
		struct xs_perm p;

		if (xs_perm_parse_one(s, &p))
			return -EINVAL;
		if (out->n == XS_PERMS_MAX)
			return -ENOSPC;
		out->p[out->n++] = p;
		off += strlen(s) + 1;
	}
	return 0;
}

size_t xs_perms_format(const struct xs_perms *perms, char *buf, size_t size)
{
	static const char letter[] = "nrwb";
	char one[16];
	size_t need = 0;
	unsigned int i;

	for (i = 0; i < perms->n; i++) {
		int n = snprintf(one, sizeof(one), "%c%u",
				 letter[perms->p[i].access & XS_ACCESS_BOTH],
				 (unsigned int)perms->p[i].domid);

		if (need + (size_t)n + 1 <= size)
			memcpy(buf + need, one, (size_t)n + 1);
		need += (size_t)n + 1;
	}
	return need;
}
