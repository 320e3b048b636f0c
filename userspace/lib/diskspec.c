// SPDX-License-Identifier: GPL-2.0
/*
 * Disk specifications in the syntax of xl-disk-configuration(5): the
 * settings hxen supports, the checks on them and the disk they describe
 * (see hxen.cfg(5)).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_lexer.h"
#include "diskspec.h"
#include "spec_text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* xl's positional parameters, in order: target, format, vdev, access. */
#define NR_POSITIONAL 4

/* Xen's virtual-device numbers (xen/include/public/io/blkif.h). */
#define XVD_MAJOR		202
#define XVD_SHORT_MAX		15	/* the last index of the short form */
#define XVD_EXTENDED		(1u << 28)

/* The settings a specification may give once each. */
enum disk_setting {
	SET_TARGET,
	SET_FORMAT,
	SET_VDEV,
	SET_ACCESS,
	SET_DEVTYPE,
	SET_BACKENDTYPE,
	SET_DISCARD,
	NR_SETTINGS,
};

static const char *const setting_names[NR_SETTINGS] = {
	[SET_TARGET] = "target",
	[SET_FORMAT] = "format",
	[SET_VDEV] = "vdev",
	[SET_ACCESS] = "access",
	[SET_DEVTYPE] = "devtype",
	[SET_BACKENDTYPE] = "backendtype",
	[SET_DISCARD] = "discard",
};

struct disk_parser {
	const char *base_dir;
	struct disk_spec *out;
	char *err;
	size_t errlen;
	bool seen[NR_SETTINGS];
	unsigned int nr_positional;
};

static int fail(struct disk_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct disk_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(p->err, p->errlen, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Note that setting @which is given; refuse it a second time. */
static int mark_seen(struct disk_parser *p, enum disk_setting which)
{
	if (p->seen[which]) {
		if (which == SET_DISCARD)
			return fail(p,
				    "'discard' or 'no-discard' is given twice");
		return fail(p, "'%s' is given twice", setting_names[which]);
	}
	p->seen[which] = true;
	return 0;
}

/* ---- The target ---------------------------------------------------------- */

/* The prefixes of xl's deprecated "phy:/dev/sdb" form. */
static const char *const deprecated_prefixes[] = {
	"phy", "file", "tap", "tap2", "aio", "qcow", "qcow2", "raw", "vhd",
	"tapdisk", "ioemu",
};

static int check_prefix(struct disk_parser *p, const char *target)
{
	const char *colon = strchr(target, ':');
	size_t i, len;

	if (!colon)
		return 0;
	len = colon - target;
	for (i = 0; i < ARRAY_SIZE(deprecated_prefixes); i++)
		if (strlen(deprecated_prefixes[i]) == len &&
		    !strncmp(target, deprecated_prefixes[i], len))
			return fail(p,
				    "the deprecated prefix '%s:' is not supported: use format= and target=",
				    deprecated_prefixes[i]);
	return 0;
}

static int set_target(struct disk_parser *p, char *value)
{
	char buf[SPEC_QUOTE_BUF];
	const char *c;

	if (mark_seen(p, SET_TARGET) < 0)
		return -1;
	value = spec_trim(value);
	if (!*value)
		return fail(p,
			    "the target is empty: empty CD-ROM drives are not supported");
	for (c = value; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return fail(p, "the target holds a control character");
	if (check_prefix(p, value) < 0)
		return -1;
	if (value[0] != '/' && !p->base_dir)
		return fail(p,
			    "the target '%s' is a relative path with no directory to resolve it against",
			    spec_quotable(value, buf, sizeof(buf)));
	p->out->target = spec_absolute_path(p->base_dir, value);
	if (!p->out->target)
		return fail(p, "out of memory");
	if (strlen(p->out->target) >= PATH_MAX)
		return fail(p, "the target is longer than %d bytes",
			    PATH_MAX - 1);
	return 0;
}

/* If @item is "target=...", the text after the '='. */
static char *target_value(char *item)
{
	static const char key[] = "target";

	if (strncmp(item, key, sizeof(key) - 1))
		return NULL;
	item += sizeof(key) - 1;
	while (spec_is_blank(*item))
		item++;
	return *item == '=' ? item + 1 : NULL;
}

/* ---- Other settings ------------------------------------------------------ */

/* xl's other image formats, which hxen does not read. */
static const char *const unsupported_formats[] = {
	"qcow", "vhd", "qed", "empty",
};

static int set_format(struct disk_parser *p, const char *value)
{
	char buf[SPEC_QUOTE_BUF];
	size_t i;

	if (mark_seen(p, SET_FORMAT) < 0)
		return -1;
	if (!strcmp(value, "raw")) {
		p->out->format = DISK_SPEC_RAW;
		return 0;
	}
	if (!strcmp(value, "qcow2")) {
		p->out->format = DISK_SPEC_QCOW2;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(unsupported_formats); i++)
		if (!strcmp(value, unsupported_formats[i]))
			return fail(p,
				    "format '%s' is not supported (raw or qcow2)",
				    value);
	return fail(p, "unknown format '%s' (raw or qcow2)",
		    spec_quotable(value, buf, sizeof(buf)));
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* The index of "xvdX" or "xvdXX", or -1 if @vdev is not one. */
static int xvd_index(const char *vdev)
{
	const char *letters = vdev + 3;

	if (strncmp(vdev, "xvd", 3))
		return -1;
	if (is_lower(letters[0]) && !letters[1])
		return letters[0] - 'a';
	if (is_lower(letters[0]) && is_lower(letters[1]) && !letters[2])
		return 26 * (letters[0] - 'a' + 1) + (letters[1] - 'a');
	return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = strlen(s), suffix_len = strlen(suffix);

	return len >= suffix_len && !strcmp(s + len - suffix_len, suffix);
}

static int set_vdev(struct disk_parser *p, const char *value)
{
	char buf[SPEC_QUOTE_BUF];
	const char *quoted = spec_quotable(value, buf, sizeof(buf));
	unsigned int index;
	int n;

	if (mark_seen(p, SET_VDEV) < 0)
		return -1;
	if (ends_with(value, ":cdrom"))
		return fail(p, "CD-ROM devices are not supported");
	if (!strncmp(value, "hd", 2) || !strncmp(value, "sd", 2))
		return fail(p, "vdev '%s': use xvdX names", quoted);
	n = xvd_index(value);
	if (n < 0)
		return fail(p, "invalid vdev '%s' (xvda to xvdiv)", quoted);
	if (n > DISK_SPEC_MAX_INDEX)
		return fail(p, "vdev '%s' is beyond xvdiv, the last disk",
			    value);
	index = (unsigned int)n;
	p->out->index = index;
	if (index <= XVD_SHORT_MAX)
		p->out->devid = (XVD_MAJOR << 8) | (index << 4);
	else
		p->out->devid = XVD_EXTENDED | (index << 8);
	snprintf(p->out->vdev, sizeof(p->out->vdev), "%s", value);
	return 0;
}

static int set_access(struct disk_parser *p, const char *value)
{
	char buf[SPEC_QUOTE_BUF];

	if (mark_seen(p, SET_ACCESS) < 0)
		return -1;
	if (!strcmp(value, "r") || !strcmp(value, "ro")) {
		p->out->read_only = true;
		return 0;
	}
	if (!strcmp(value, "w") || !strcmp(value, "rw")) {
		p->out->read_only = false;
		return 0;
	}
	return fail(p, "unknown access '%s' (r, ro, rw or w)",
		    spec_quotable(value, buf, sizeof(buf)));
}

static int set_devtype(struct disk_parser *p, const char *value)
{
	char buf[SPEC_QUOTE_BUF];

	if (mark_seen(p, SET_DEVTYPE) < 0)
		return -1;
	if (!strcmp(value, "disk"))
		return 0;
	if (!strcmp(value, "cdrom"))
		return fail(p, "CD-ROM devices are not supported");
	return fail(p, "unknown devtype '%s' (disk)",
		    spec_quotable(value, buf, sizeof(buf)));
}

static int set_backendtype(struct disk_parser *p, const char *value)
{
	char buf[SPEC_QUOTE_BUF];

	if (mark_seen(p, SET_BACKENDTYPE) < 0)
		return -1;
	if (!strcmp(value, "qdisk"))
		return 0;
	if (!strcmp(value, "phy") || !strcmp(value, "tap") ||
	    !strcmp(value, "standalone"))
		return fail(p,
			    "backendtype '%s' is not supported: hxen serves disk images itself (backendtype=qdisk)",
			    value);
	return fail(p, "unknown backendtype '%s' (qdisk)",
		    spec_quotable(value, buf, sizeof(buf)));
}

static int refuse_script(struct disk_parser *p, const char *value)
{
	(void)value;
	return fail(p, "block scripts are not supported");
}

static const struct {
	const char *name;
	int (*set)(struct disk_parser *p, const char *value);
} keys[] = {
	{ "format", set_format },
	{ "vdev", set_vdev },
	{ "access", set_access },
	{ "devtype", set_devtype },
	{ "backendtype", set_backendtype },
	{ "script", refuse_script },
};

static int set_key(struct disk_parser *p, const char *key, const char *value)
{
	char buf[SPEC_QUOTE_BUF];
	size_t i;

	if (!*key)
		return fail(p, "a setting has no name before its '='");
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		if (!*value && keys[i].set != refuse_script)
			return fail(p, "'%s=' has no value", key);
		return keys[i].set(p, value);
	}
	return fail(p, "unknown setting '%s'",
		    spec_quotable(key, buf, sizeof(buf)));
}

/* xl's flags other than discard and no-discard. */
static const char *const unsupported_flags[] = {
	"direct-io-safe", "trusted", "untrusted", "colo",
};

/* A word without '=': 1 if it is a flag (and was applied), else 0. */
static int apply_flag(struct disk_parser *p, const char *word)
{
	size_t i;

	if (!strcmp(word, "discard") || !strcmp(word, "no-discard")) {
		if (mark_seen(p, SET_DISCARD) < 0)
			return -1;
		p->out->discard = word[0] == 'd';
		return 1;
	}
	if (!strcmp(word, "cdrom"))
		return fail(p, "CD-ROM devices are not supported");
	for (i = 0; i < ARRAY_SIZE(unsupported_flags); i++)
		if (!strcmp(word, unsupported_flags[i]))
			return fail(p, "'%s' is not supported", word);
	return 0;
}

static int set_positional(struct disk_parser *p, char *word)
{
	char buf[SPEC_QUOTE_BUF];

	switch (p->nr_positional++) {
	case 0:
		return set_target(p, word);
	case 1:
		return set_format(p, word);
	case 2:
		return set_vdev(p, word);
	case 3:
		return set_access(p, word);
	default:
		return fail(p,
			    "too many positional parameters at '%s' (target, format, vdev, access)",
			    spec_quotable(word, buf, sizeof(buf)));
	}
}

/* One comma-separated item, trimmed, other than "target=...". */
static int parse_item(struct disk_parser *p, char *item)
{
	char *equals = strchr(item, '=');
	int rc;

	if (!*item) {
		/* An empty positional parameter keeps its default. */
		if (p->nr_positional < NR_POSITIONAL)
			p->nr_positional++;
		return 0;
	}
	if (equals) {
		*equals = '\0';
		return set_key(p, spec_trim(item), spec_trim(equals + 1));
	}
	rc = apply_flag(p, item);
	if (rc)
		return rc < 0 ? -1 : 0;
	return set_positional(p, item);
}

static int parse_items(struct disk_parser *p, char *s)
{
	char *value, *end;
	bool last;

	for (;;) {
		while (spec_is_blank(*s))
			s++;
		value = target_value(s);
		if (value)	/* the rest of the string, commas and all */
			return set_target(p, value);
		end = strchrnul(s, ',');
		last = !*end;
		*end = '\0';
		if (parse_item(p, spec_trim(s)) < 0)
			return -1;
		if (last)
			return 0;
		s = end + 1;
	}
}

int disk_spec_parse(const char *spec, const char *base_dir,
		    struct disk_spec *out, char *err, size_t errlen)
{
	struct disk_parser p = {
		.base_dir = base_dir,
		.out = out,
		.err = err,
		.errlen = errlen,
	};
	char *copy;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!spec)
		return fail(&p, "no disk specification");
	if (base_dir && base_dir[0] != '/')
		return fail(&p, "the base directory '%s' is not absolute",
			    base_dir);
	copy = strdup(spec);
	if (!copy)
		return fail(&p, "out of memory");
	out->format = DISK_SPEC_RAW;
	out->discard = true;
	rc = parse_items(&p, copy);
	if (!rc && !out->target)
		rc = fail(&p,
			  "no target: give target=PATH last, or the path first");
	if (!rc && !p.seen[SET_VDEV])
		rc = fail(&p, "no vdev: give vdev=xvdX");
	free(copy);
	if (rc)
		disk_spec_free(out);
	return rc;
}

void disk_spec_free(struct disk_spec *d)
{
	free(d->target);
	memset(d, 0, sizeof(*d));
}
