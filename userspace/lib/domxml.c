// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt domain XML (libvirt's formatdomain documentation): the elements
 * that describe what hxen runs, read into the same VM description as an
 * xl.cfg file and checked by the same vmconfig_build(), and written back
 * out in one canonical form (see hxen.cfg(5), DOMAIN XML).
 *
 * Every element and attribute outside that subset is refused by name, so
 * that a setting hxen cannot honour is never dropped unnoticed.  A
 * document type declaration is refused as soon as the parser meets it,
 * before its internal subset is read: no DTD or external entity is ever
 * loaded, and no entity is ever declared, so none can be expanded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "cfg_lexer.h"
#include "diskspec.h"
#include "domxml.h"
#include "spec_text.h"
#include "vifspec.h"
#include "vmconfig.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MIB		(1024 * 1024)
#define XML_BLANKS	" \t\r\n"

/* Room for a quoted value or name: see shown(). */
#define SHOWN_BUF	SPEC_QUOTE_BUF

/* The most element kinds one element may hold (struct element_rule). */
#define MAX_RULES	16

/* Room for one "hostfwd=udp:255.255.255.255:65535-:65535". */
#define FWD_SPEC_MAX	48

/* Where domain XML that gives none listens for forwarded ports. */
#define DEFAULT_FWD_ADDR "127.0.0.1"

/* How domain XML names the settings that vmconfig_build() checks. */
static const struct vmconfig_words xml_words = {
	.name = "<name>",
	.memory = "<memory>",
	.vcpus = "<vcpu>",
	.kernel = "<kernel>",
	.ramdisk = "<initrd>",
	.uuid = "<uuid>",
	.disks = "<disk>",
	.vifs = "<interface>",
	.disk_entry = "disk",
	.vif_entry = "interface",
};

struct xml_parser {
	const char *file;
	const char *base_dir;
	char *err;
	size_t errlen;
	unsigned int doctype_line;	/* where a DOCTYPE stopped the parser */

	/* What the document says, for vmconfig_build(). */
	struct vmconfig_draft draft;
	char *name, *uuid, *kernel, *initrd, *cmdline;	/* owned here */
	bool os_type_given;
	uint64_t current_memory_mib;
	unsigned int current_memory_line;	/* 0: no <currentMemory> */

	/*
	 * Disk and interface specifications (owned here), one more than
	 * the limit at most: enough for vmconfig_build() to name the first
	 * one too many.
	 */
	struct vmconfig_text disks[VMCONFIG_MAX_DISKS + 1];
	char *disk_specs[VMCONFIG_MAX_DISKS + 1];
	size_t nr_disks;
	struct vmconfig_text vifs[VMCONFIG_MAX_VIFS + 1];
	char *vif_specs[VMCONFIG_MAX_VIFS + 1];
	size_t nr_vifs;
};

typedef int (*element_parser)(struct xml_parser *p, xmlNode *node,
			      void *ctx);

/* An element that its parent may hold, and what reads it. */
struct element_rule {
	const char *name;
	element_parser parse;
	bool repeats;		/* may be given more than once */
};

static const char *const no_attributes[] = { NULL };

static int fail(struct xml_parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct xml_parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(p->err, p->errlen, p->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Text helpers ---------------------------------------------------- */

/*
 * @s for a one-line message, in @buf (SHOWN_BUF bytes): tabs and line
 * ends become spaces, other control characters '?', and what is past
 * SPEC_QUOTE_MAX bytes "...".
 */
static const char *shown(const char *s, char *buf)
{
	size_t i = 0, n;

	if (!s)
		s = "";
	while (*s) {
		n = cfg_utf8_sequence_length(s);
		if (i + (n ? n : 1) > SPEC_QUOTE_MAX) {
			strcpy(buf + i, "...");
			return buf;
		}
		if (n > 1) {
			memcpy(buf + i, s, n);
			i += n;
			s += n;
			continue;
		}
		if (*s && strchr(XML_BLANKS, *s))
			buf[i++] = ' ';
		else
			buf[i++] = !n || (unsigned char)*s < 0x20 || *s == 0x7f ?
				   '?' : *s;
		s++;
	}
	buf[i] = '\0';
	return buf;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* strcasecmp() for ASCII whatever the locale: 0 if @a and @b match. */
static int ascii_casecmp(const char *a, const char *b)
{
	while (*a && ascii_lower(*a) == ascii_lower(*b)) {
		a++;
		b++;
	}
	return (unsigned char)ascii_lower(*a) - (unsigned char)ascii_lower(*b);
}

/* @s without the XML blanks at its ends (cut off in place). */
static char *trim_blanks(char *s)
{
	size_t len;

	s += strspn(s, XML_BLANKS);
	len = strlen(s);
	while (len && strchr(XML_BLANKS, s[len - 1]))
		s[--len] = '\0';
	return s;
}

static bool has_edge_blank(const char *s)
{
	size_t len = strlen(s);

	return len && (strchr(XML_BLANKS, s[0]) ||
		       strchr(XML_BLANKS, s[len - 1]));
}

/* Decimal digits only, into *@out: 0, -EINVAL or -ERANGE. */
static int parse_decimal(const char *s, uint64_t *out)
{
	uint64_t n = 0;
	unsigned int digit;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		digit = (unsigned int)(*s - '0');
		if (n > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		n = n * 10 + digit;
	}
	*out = n;
	return 0;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* ---- Nodes ------------------------------------------------------------- */

static const char *name_of(const xmlNode *node)
{
	return (const char *)node->name;
}

static unsigned int line_of(const xmlNode *node)
{
	long line = xmlGetLineNo(node);

	return line > 0 && line <= UINT_MAX ? (unsigned int)line : 0;
}

/* "prefix:name" or "name", shortened for a message, in @buf. */
static const char *qualified_name(const xmlNs *ns, const xmlChar *name,
				  char *buf, size_t len)
{
	char shown_prefix[SHOWN_BUF], shown_name[SHOWN_BUF];

	if (ns && ns->prefix)
		snprintf(buf, len, "%s:%s",
			 shown((const char *)ns->prefix, shown_prefix),
			 shown((const char *)name, shown_name));
	else
		snprintf(buf, len, "%s", shown((const char *)name, shown_name));
	return buf;
}

static int fail_unsupported(struct xml_parser *p, const xmlNode *node)
{
	char name[2 * SHOWN_BUF], href[SHOWN_BUF];

	qualified_name(node->ns, node->name, name, sizeof(name));
	if (node->ns && !node->ns->prefix)
		return fail(p, line_of(node),
			    "<%s> in namespace '%s' is not supported by hxen",
			    name, shown((const char *)node->ns->href, href));
	return fail(p, line_of(node), "<%s> is not supported by hxen", name);
}

/* Refuse every attribute of @node that @allowed does not name. */
static int check_attributes(struct xml_parser *p, const xmlNode *node,
			    const char *const *allowed)
{
	char name[2 * SHOWN_BUF];
	const xmlAttr *a;

	for (a = node->properties; a; a = a->next) {
		if (!a->ns && in_list((const char *)a->name, allowed))
			continue;
		return fail(p, line_of(node),
			    "attribute '%s' of <%s> is not supported by hxen",
			    qualified_name(a->ns, a->name, name, sizeof(name)),
			    name_of(node));
	}
	return 0;
}

/*
 * The value of @node's attribute @name, or NULL if it has none.  Without
 * entities the parser keeps a value as one text node (character
 * references and &amp; and the like already replaced).
 */
static const char *attribute(const xmlNode *node, const char *name)
{
	const xmlAttr *a;

	for (a = node->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, name))
			continue;
		if (!a->children || !a->children->content)
			return "";
		return (const char *)a->children->content;
	}
	return NULL;
}

/*
 * The line where the words of text node @node start.  libxml2 gives a
 * text node the line the parser had reached once it read it (its end,
 * for text it reads at one go), so count back the line ends after the
 * first word; the text starts after its parent.
 */
static unsigned int text_line(const xmlNode *parent, const xmlNode *node,
			      const char *words)
{
	unsigned int line = line_of(node), floor = line_of(parent);

	for (; *words && line > floor; words++)
		line -= *words == '\n';
	return line;
}

/* Anything but an element among @parent's children: blanks, comments. */
static int check_other_node(struct xml_parser *p, const xmlNode *parent,
			    const xmlNode *node)
{
	const char *text = (const char *)node->content, *words;
	char buf[SHOWN_BUF];

	switch (node->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		words = text ? text + strspn(text, XML_BLANKS) : "";
		if (!*words)
			return 0;
		shown(words, buf);
		return fail(p, text_line(parent, node, words),
			    "unexpected text '%s' in <%s>", trim_blanks(buf),
			    name_of(parent));
	case XML_COMMENT_NODE:
	case XML_PI_NODE:
		return 0;
	default:
		return fail(p, line_of(node), "unexpected content in <%s>",
			    name_of(parent));
	}
}

static const struct element_rule *find_rule(const xmlNode *node,
					    const struct element_rule *rules,
					    size_t nr_rules)
{
	size_t i;

	if (node->ns)
		return NULL;
	for (i = 0; i < nr_rules; i++)
		if (!strcmp(name_of(node), rules[i].name))
			return &rules[i];
	return NULL;
}

/* Read @parent's children with @rules; any other element is refused. */
static int parse_children(struct xml_parser *p, xmlNode *parent,
			  const struct element_rule *rules, size_t nr_rules,
			  void *ctx)
{
	unsigned int first_line[MAX_RULES] = { 0 };
	bool seen[MAX_RULES] = { false };
	const struct element_rule *rule;
	xmlNode *child;
	size_t i;

	for (child = parent->children; child; child = child->next) {
		if (child->type != XML_ELEMENT_NODE) {
			if (check_other_node(p, parent, child) < 0)
				return -1;
			continue;
		}
		rule = find_rule(child, rules, nr_rules);
		if (!rule)
			return fail_unsupported(p, child);
		i = (size_t)(rule - rules);
		if (seen[i] && !rule->repeats)
			return fail(p, line_of(child),
				    "<%s> is given twice (first on line %u)",
				    rule->name, first_line[i]);
		seen[i] = true;
		first_line[i] = line_of(child);
		if (rule->parse(p, child, ctx) < 0)
			return -1;
	}
	return 0;
}

/* An element that may hold nothing but blanks and comments. */
static int parse_empty(struct xml_parser *p, xmlNode *node)
{
	return parse_children(p, node, NULL, 0, NULL);
}

/* The text @node holds, comments left out; malloc'd, NULL on error. */
static char *element_text(struct xml_parser *p, const xmlNode *node)
{
	const xmlNode *child;
	size_t len = 0;
	char *text;

	for (child = node->children; child; child = child->next) {
		if (child->type == XML_ELEMENT_NODE) {
			fail_unsupported(p, child);
			return NULL;
		}
		if (child->type == XML_TEXT_NODE ||
		    child->type == XML_CDATA_SECTION_NODE)
			len += strlen((const char *)child->content);
		else if (check_other_node(p, node, child) < 0)
			return NULL;
	}
	text = malloc(len + 1);
	if (!text) {
		fail(p, line_of(node), "out of memory");
		return NULL;
	}
	len = 0;
	for (child = node->children; child; child = child->next) {
		if (child->type != XML_TEXT_NODE &&
		    child->type != XML_CDATA_SECTION_NODE)
			continue;
		strcpy(text + len, (const char *)child->content);
		len += strlen(text + len);
	}
	text[len] = '\0';
	return text;
}

/* An element with text only and no attributes, kept in *@owner. */
static int keep_text(struct xml_parser *p, xmlNode *node, char **owner,
		     struct vmconfig_text *t)
{
	if (check_attributes(p, node, no_attributes) < 0)
		return -1;
	*owner = element_text(p, node);
	if (!*owner)
		return -1;
	t->text = *owner;
	t->line = line_of(node);
	return 0;
}

/* ---- <domain>'s plain settings ----------------------------------------- */

static int parse_name(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return keep_text(p, node, &p->name, &p->draft.name);
}

static int parse_kernel(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return keep_text(p, node, &p->kernel, &p->draft.kernel);
}

static int parse_initrd(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return keep_text(p, node, &p->initrd, &p->draft.ramdisk);
}

static int parse_cmdline(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return keep_text(p, node, &p->cmdline, &p->draft.cmdline);
}

static bool all_hex(const char *s)
{
	return s[strspn(s, "0123456789abcdefABCDEF")] == '\0';
}

/* libvirt's UUIDs may leave out the dashes; vmconfig's have them. */
static int parse_uuid(struct xml_parser *p, xmlNode *node, void *ctx)
{
	char *uuid;

	(void)ctx;
	if (keep_text(p, node, &p->uuid, &p->draft.uuid) < 0)
		return -1;
	uuid = trim_blanks(p->uuid);
	memmove(p->uuid, uuid, strlen(uuid) + 1);
	if (strlen(p->uuid) == 32 && all_hex(p->uuid)) {
		if (asprintf(&uuid, "%.8s-%.4s-%.4s-%.4s-%.12s", p->uuid,
			     p->uuid + 8, p->uuid + 12, p->uuid + 16,
			     p->uuid + 20) < 0)
			return fail(p, line_of(node), "out of memory");
		free(p->uuid);
		p->uuid = uuid;
	}
	p->draft.uuid.text = p->uuid;
	return 0;
}

/*
 * The bytes in one @unit, libvirt's way: none is KiB; "b", "byte" and
 * "bytes" are 1; k, m, g, t, p and e alone or with "iB" are powers of
 * 1024, with "B" powers of 1000; any case.  False if @unit is none of
 * these.
 */
static bool unit_scale(const char *unit, uint64_t *scale)
{
	static const char powers[] = "kmgtpe";
	const char *power;
	uint64_t base;

	if (!unit || !*unit) {
		*scale = 1024;
		return true;
	}
	if (!ascii_casecmp(unit, "b") || !ascii_casecmp(unit, "byte") ||
	    !ascii_casecmp(unit, "bytes")) {
		*scale = 1;
		return true;
	}
	if (!unit[1] || !ascii_casecmp(unit + 1, "ib"))
		base = 1024;
	else if (ascii_lower(unit[1]) == 'b' && !unit[2])
		base = 1000;
	else
		return false;
	power = strchr(powers, ascii_lower(unit[0]));
	if (!power)
		return false;
	for (*scale = base; power > powers; power--)
		*scale *= base;
	return true;
}

/* <memory> or <currentMemory>: an amount in a unit, as whole MiB. */
static int memory_in_mib(struct xml_parser *p, xmlNode *node, uint64_t *mib)
{
	static const char *const attributes[] = { "unit", NULL };
	const char *unit = attribute(node, "unit");
	unsigned int line = line_of(node);
	char buf[2][SHOWN_BUF], *text, *amount;
	uint64_t scale, n;
	int rc;

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!unit_scale(unit, &scale))
		return fail(p, line,
			    "<%s unit='%s'>: unknown unit (b, KB, KiB, MB, MiB, GB, GiB, TB, TiB, ...)",
			    name_of(node), shown(unit, buf[0]));
	text = element_text(p, node);
	if (!text)
		return -1;
	amount = trim_blanks(text);
	shown(amount, buf[0]);
	shown(unit && *unit ? unit : "KiB", buf[1]);
	rc = parse_decimal(amount, &n);
	if (rc == -EINVAL)
		rc = fail(p, line, "<%s> must be a whole number, not '%s'",
			  name_of(node), buf[0]);
	else if (rc == -ERANGE || n > UINT64_MAX / scale)
		rc = fail(p, line, "<%s> of %s %s is too large", name_of(node),
			  buf[0], buf[1]);
	else if (n * scale % MIB)
		rc = fail(p, line,
			  "<%s> of %s %s is not a whole number of MiB",
			  name_of(node), buf[0], buf[1]);
	else
		*mib = n * scale / MIB;
	free(text);
	return rc;
}

static int parse_memory(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	p->draft.memory_line = line_of(node);
	return memory_in_mib(p, node, &p->draft.memory_mib);
}

static int parse_current_memory(struct xml_parser *p, xmlNode *node,
				void *ctx)
{
	(void)ctx;
	p->current_memory_line = line_of(node);
	return memory_in_mib(p, node, &p->current_memory_mib);
}

/* <vcpu placement='static' current='N'>N</vcpu>; placement is moot. */
static int parse_vcpu(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = {
		"placement", "current", NULL,
	};
	const char *current = attribute(node, "current");
	unsigned int line = line_of(node);
	char buf[2][SHOWN_BUF], *text, *count;
	uint64_t n = 0, current_n;
	int rc;

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	text = element_text(p, node);
	if (!text)
		return -1;
	count = trim_blanks(text);
	shown(count, buf[0]);
	rc = parse_decimal(count, &n);
	if (rc == -EINVAL)
		rc = fail(p, line, "<vcpu> must be a whole number, not '%s'",
			  buf[0]);
	else if (rc == -ERANGE)
		rc = fail(p, line, "<vcpu> %s is too large", buf[0]);
	else if (current && (parse_decimal(current, &current_n) < 0 ||
			     current_n != n))
		rc = fail(p, line,
			  "<vcpu current='%s'> must equal the number of vCPUs (%s): hxen does not hot-plug vCPUs",
			  shown(current, buf[1]), buf[0]);
	free(text);
	if (rc < 0)
		return -1;
	p->draft.vcpus = n;
	p->draft.vcpus_line = line;
	return 0;
}

static int parse_action(struct xml_parser *p, xmlNode *node,
			enum vm_action *slot)
{
	char buf[SHOWN_BUF], *text, *word;
	unsigned int line = line_of(node);
	int rc;

	if (check_attributes(p, node, no_attributes) < 0)
		return -1;
	text = element_text(p, node);
	if (!text)
		return -1;
	word = trim_blanks(text);
	shown(word, buf);
	rc = vm_action_parse(word, slot);
	free(text);
	if (rc == -ENOTSUP)
		return fail(p, line,
			    "<%s>%s</%s> is not supported by hxen (destroy, restart or preserve)",
			    name_of(node), buf, name_of(node));
	if (rc < 0)
		return fail(p, line,
			    "unknown action '%s' in <%s> (destroy, restart or preserve)",
			    buf, name_of(node));
	return 0;
}

static int parse_on_poweroff(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return parse_action(p, node, &p->draft.on_poweroff);
}

static int parse_on_reboot(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return parse_action(p, node, &p->draft.on_reboot);
}

static int parse_on_crash(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	return parse_action(p, node, &p->draft.on_crash);
}

/*
 * <clock offset='utc' adjustment='reset'/>, which libvirt writes for
 * every Xen guest: the guest's clock is the host's, in UTC.
 */
static int parse_clock(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = {
		"offset", "adjustment", NULL,
	};
	const char *offset = attribute(node, "offset");
	const char *adjustment = attribute(node, "adjustment");
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (offset && strcmp(offset, "utc"))
		return fail(p, line_of(node),
			    "<clock offset='%s'> is not supported by hxen: the guest's clock is in UTC (offset='utc')",
			    shown(offset, buf));
	if (adjustment && strcmp(adjustment, "reset"))
		return fail(p, line_of(node),
			    "<clock adjustment='%s'> is not supported by hxen (adjustment='reset')",
			    shown(adjustment, buf));
	return parse_empty(p, node);
}

/* <metadata>: other programs' notes about the domain, not hxen's. */
static int ignore_element(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)p;
	(void)node;
	(void)ctx;
	return 0;
}

/* ---- <os> ---------------------------------------------------------------- */

/*
 * <type arch='x86_64' machine='xenpvh'>xenpvh</type>.  libvirt's "linux"
 * (and machine 'xenpv') is a Xen PV guest; hxen boots the same kernel as
 * PVH.
 */
static int parse_os_type(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "arch", "machine", NULL };
	const char *arch = attribute(node, "arch");
	const char *machine = attribute(node, "machine");
	unsigned int line = line_of(node);
	char buf[SHOWN_BUF], *text, *type;
	int rc = 0;

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (arch && strcmp(arch, "x86_64"))
		return fail(p, line,
			    "<type arch='%s'> is not supported by hxen (arch='x86_64')",
			    shown(arch, buf));
	if (machine && strcmp(machine, "xenpvh") && strcmp(machine, "xenpv"))
		return fail(p, line,
			    "<type machine='%s'> is not supported by hxen: hxen boots guests as PVH (machine='xenpvh')",
			    shown(machine, buf));
	text = element_text(p, node);
	if (!text)
		return -1;
	type = trim_blanks(text);
	if (strcmp(type, "xenpvh") && strcmp(type, "linux"))
		rc = fail(p, line,
			  "<type>%s</type> is not supported by hxen: hxen boots guests as PVH (<type>xenpvh</type>)",
			  shown(type, buf));
	free(text);
	p->os_type_given = true;
	return rc;
}

static const struct element_rule os_rules[] = {
	{ "type", parse_os_type, false },
	{ "kernel", parse_kernel, false },
	{ "initrd", parse_initrd, false },
	{ "cmdline", parse_cmdline, false },
};

static int parse_os(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	if (check_attributes(p, node, no_attributes) < 0 ||
	    parse_children(p, node, os_rules, ARRAY_SIZE(os_rules), NULL) < 0)
		return -1;
	if (!p->os_type_given)
		return fail(p, line_of(node),
			    "<os> has no <type>; hxen boots <type>xenpvh</type>");
	return 0;
}

/* ---- <disk> ---------------------------------------------------------------- */

/* What a <disk> says, pointing into the document. */
struct disk_xml {
	const char *format;	/* "raw" or "qcow2" */
	bool no_discard;
	bool read_only;
	const char *file;
	const char *dev;
};

static int parse_disk_driver(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = {
		"name", "type", "discard", NULL,
	};
	const char *name = attribute(node, "name");
	const char *type = attribute(node, "type");
	const char *discard = attribute(node, "discard");
	unsigned int line = line_of(node);
	struct disk_xml *disk = ctx;
	char buf[SHOWN_BUF];

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (name && strcmp(name, "qemu"))
		return fail(p, line,
			    "<driver name='%s'> is not supported by hxen: hxen serves disk images itself (name='qemu')",
			    shown(name, buf));
	if (type && strcmp(type, "raw") && strcmp(type, "qcow2"))
		return fail(p, line,
			    "<driver type='%s'> is not supported by hxen (raw or qcow2)",
			    shown(type, buf));
	if (discard && strcmp(discard, "unmap") && strcmp(discard, "ignore"))
		return fail(p, line,
			    "<driver discard='%s'> is not supported by hxen (unmap or ignore)",
			    shown(discard, buf));
	if (type)
		disk->format = type;
	disk->no_discard = discard && !strcmp(discard, "ignore");
	return parse_empty(p, node);
}

static int parse_disk_source(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "file", NULL };
	const char *file = attribute(node, "file");
	unsigned int line = line_of(node);
	struct disk_xml *disk = ctx;
	char buf[SHOWN_BUF];

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!file)
		return fail(p, line, "<source> has no file='PATH'");
	if (!*file)
		return fail(p, line, "<source file=''> is empty");
	if (has_edge_blank(file))
		return fail(p, line,
			    "<source file='%s'> starts or ends with a blank",
			    shown(file, buf));
	disk->file = file;
	return parse_empty(p, node);
}

/* A disk name: lower-case letters and digits, checked fully later. */
static bool is_disk_name(const char *s)
{
	return *s && strlen(s) < sizeof(((struct disk_spec *)0)->vdev) &&
	       !s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789")];
}

static int parse_disk_target(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "dev", "bus", NULL };
	const char *dev = attribute(node, "dev");
	const char *bus = attribute(node, "bus");
	unsigned int line = line_of(node);
	struct disk_xml *disk = ctx;
	char buf[SHOWN_BUF];

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!dev)
		return fail(p, line, "<target> has no dev='xvdX'");
	if (!is_disk_name(dev))
		return fail(p, line,
			    "<target dev='%s'> is not a disk name like xvda",
			    shown(dev, buf));
	if (bus && strcmp(bus, "xen"))
		return fail(p, line,
			    "<target bus='%s'> is not supported by hxen (bus='xen')",
			    shown(bus, buf));
	disk->dev = dev;
	return parse_empty(p, node);
}

static int parse_disk_readonly(struct xml_parser *p, xmlNode *node,
			       void *ctx)
{
	struct disk_xml *disk = ctx;

	if (check_attributes(p, node, no_attributes) < 0)
		return -1;
	disk->read_only = true;
	return parse_empty(p, node);
}

static const struct element_rule disk_rules[] = {
	{ "driver", parse_disk_driver, false },
	{ "source", parse_disk_source, false },
	{ "target", parse_disk_target, false },
	{ "readonly", parse_disk_readonly, false },
};

/* The disk as an xl disk specification, for vmconfig_build(). */
static int keep_disk(struct xml_parser *p, const struct disk_xml *disk,
		     unsigned int line)
{
	char *path, *spec;
	int rc;

	/* Without a directory a relative path is kept for the check to name. */
	if (disk->file[0] == '/' || p->base_dir)
		path = spec_absolute_path(p->base_dir, disk->file);
	else
		path = strdup(disk->file);
	if (!path)
		return fail(p, line, "out of memory");
	rc = asprintf(&spec, "format=%s, vdev=%s%s%s, target=%s", disk->format,
		      disk->dev, disk->read_only ? ", access=ro" : "",
		      disk->no_discard ? ", no-discard" : "", path);
	free(path);
	if (rc < 0)
		return fail(p, line, "out of memory");
	if (p->nr_disks > VMCONFIG_MAX_DISKS) {
		free(spec);
		return 0;
	}
	p->disk_specs[p->nr_disks] = spec;
	p->disks[p->nr_disks].text = spec;
	p->disks[p->nr_disks].line = line;
	p->nr_disks++;
	return 0;
}

/* <disk type='file' device='disk'>: a disk image. */
static int parse_disk(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "type", "device", NULL };
	const char *type = attribute(node, "type");
	const char *device = attribute(node, "device");
	struct disk_xml disk = { .format = "raw" };
	unsigned int line = line_of(node);
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (type && strcmp(type, "file"))
		return fail(p, line,
			    "<disk type='%s'> is not supported by hxen (type='file')",
			    shown(type, buf));
	if (device && strcmp(device, "disk"))
		return fail(p, line,
			    "<disk device='%s'> is not supported by hxen (device='disk')",
			    shown(device, buf));
	if (parse_children(p, node, disk_rules, ARRAY_SIZE(disk_rules),
			   &disk) < 0)
		return -1;
	if (!disk.file)
		return fail(p, line,
			    "<disk> has no <source file='PATH'/>: hxen has no empty drives");
	if (!disk.dev)
		return fail(p, line, "<disk> has no <target dev='xvdX'/>");
	return keep_disk(p, &disk, line);
}

/* ---- <interface> ------------------------------------------------------------ */

/* What an <interface> says, as parts of an interface specification. */
struct vif_xml {
	char mac[18];		/* canonical, "" when not given */
	char fwd[VIF_SPEC_MAX_FWDS][FWD_SPEC_MAX];
	unsigned int nr_fwd;
};

/* A <portForward>, for the <range>s it holds. */
struct forward_xml {
	struct vif_xml *vif;
	const char *proto;
	char addr[INET_ADDRSTRLEN];
	unsigned int nr_ranges;
};

static int hex_value(char c)
{
	c = ascii_lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* libvirt's MAC form, one or two hex digits an octet, made canonical. */
static bool canonical_mac(const char *s, char out[18])
{
	unsigned int octet[6];
	int i, digits, v;

	for (i = 0; i < 6; i++) {
		octet[i] = 0;
		for (digits = 0; (v = hex_value(*s)) >= 0; digits++, s++)
			octet[i] = octet[i] * 16 + (unsigned int)v;
		if (digits < 1 || digits > 2 || *s != (i < 5 ? ':' : '\0'))
			return false;
		s++;
	}
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", octet[0],
		 octet[1], octet[2], octet[3], octet[4], octet[5]);
	return true;
}

static int parse_mac(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "address", NULL };
	const char *address = attribute(node, "address");
	struct vif_xml *vif = ctx;
	char buf[SHOWN_BUF];

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!address)
		return fail(p, line_of(node), "<mac> has no address='MAC'");
	if (!canonical_mac(address, vif->mac))
		return fail(p, line_of(node),
			    "<mac address='%s'> is not a MAC address like 00:16:3e:12:34:56",
			    shown(address, buf));
	return parse_empty(p, node);
}

/* <model type='netfront'/>: the Xen network device, all hxen offers. */
static int parse_model(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "type", NULL };
	const char *type = attribute(node, "type");
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!type || strcmp(type, "netfront"))
		return fail(p, line_of(node),
			    "<model type='%s'> is not supported by hxen: the guest sees a Xen network device (type='netfront')",
			    shown(type, buf));
	return parse_empty(p, node);
}

/* A port, 1 to 65535; 0 if @s is not one. */
static unsigned int port_number(const char *s)
{
	uint64_t n;

	return !parse_decimal(s, &n) && n >= 1 && n <= 65535 ?
	       (unsigned int)n : 0;
}

/* <range start='HOSTPORT' to='GUESTPORT'/>: one forwarded port. */
static int parse_range(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "start", "to", NULL };
	const char *start = attribute(node, "start");
	const char *to = attribute(node, "to");
	unsigned int line = line_of(node), host_port, guest_port;
	struct forward_xml *forward = ctx;
	struct vif_xml *vif = forward->vif;
	char buf[SHOWN_BUF];

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!start)
		return fail(p, line, "<range> has no start='PORT'");
	host_port = port_number(start);
	if (!host_port)
		return fail(p, line,
			    "<range start='%s'> is not a port (1 to 65535)",
			    shown(start, buf));
	guest_port = to ? port_number(to) : host_port;
	if (!guest_port)
		return fail(p, line,
			    "<range to='%s'> is not a port (1 to 65535)",
			    shown(to, buf));
	if (vif->nr_fwd == VIF_SPEC_MAX_FWDS)
		return fail(p, line,
			    "<interface> has more than %d forwarded ports",
			    VIF_SPEC_MAX_FWDS);
	snprintf(vif->fwd[vif->nr_fwd++], FWD_SPEC_MAX, "hostfwd=%s:%s:%u-:%u",
		 forward->proto, forward->addr, host_port, guest_port);
	forward->nr_ranges++;
	return parse_empty(p, node);
}

static const struct element_rule forward_rules[] = {
	{ "range", parse_range, true },
};

/* The host address of a <portForward>, IPv4, made canonical. */
static int forward_address(struct xml_parser *p, const xmlNode *node,
			   const char *address, char out[INET_ADDRSTRLEN])
{
	unsigned char in[sizeof(struct in6_addr)];
	char buf[SHOWN_BUF];

	if (!address)
		address = DEFAULT_FWD_ADDR;
	if (inet_pton(AF_INET, address, in) == 1 &&
	    inet_ntop(AF_INET, in, out, INET_ADDRSTRLEN))
		return 0;
	if (inet_pton(AF_INET6, address, in) == 1)
		return fail(p, line_of(node),
			    "<portForward address='%s'> is not supported by hxen: it forwards IPv4 addresses only",
			    shown(address, buf));
	return fail(p, line_of(node),
		    "<portForward address='%s'> is not an IPv4 address",
		    shown(address, buf));
}

/*
 * <portForward proto='tcp' address='ADDR'>: host ports of ADDR (hxen's
 * default 127.0.0.1 when not given) forwarded to the guest.
 */
static int parse_port_forward(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "proto", "address", NULL };
	const char *proto = attribute(node, "proto");
	struct forward_xml forward = { .vif = ctx, .proto = proto };
	unsigned int line = line_of(node);
	char buf[SHOWN_BUF];

	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!proto)
		return fail(p, line, "<portForward> has no proto='tcp|udp'");
	if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
		return fail(p, line,
			    "<portForward proto='%s'> is not supported by hxen (tcp or udp)",
			    shown(proto, buf));
	if (forward_address(p, node, attribute(node, "address"),
			    forward.addr) < 0 ||
	    parse_children(p, node, forward_rules, ARRAY_SIZE(forward_rules),
			   &forward) < 0)
		return -1;
	if (!forward.nr_ranges)
		return fail(p, line,
			    "<portForward> has no <range start='PORT'/>: hxen forwards the ports named");
	return 0;
}

static const struct element_rule interface_rules[] = {
	{ "mac", parse_mac, false },
	{ "model", parse_model, false },
	{ "portForward", parse_port_forward, true },
};

/* The interface as an xl interface specification, for vmconfig_build(). */
static int keep_vif(struct xml_parser *p, const struct vif_xml *vif,
		    unsigned int line)
{
	char spec[32 + VIF_SPEC_MAX_FWDS * (FWD_SPEC_MAX + 2)];
	size_t len;
	unsigned int i;

	if (vif->mac[0])
		len = (size_t)snprintf(spec, sizeof(spec), "mac=%s, type=user",
				       vif->mac);
	else
		len = (size_t)snprintf(spec, sizeof(spec), "type=user");
	for (i = 0; i < vif->nr_fwd; i++)
		len += (size_t)snprintf(spec + len, sizeof(spec) - len, ", %s",
					vif->fwd[i]);
	if (p->nr_vifs > VMCONFIG_MAX_VIFS)
		return 0;
	p->vif_specs[p->nr_vifs] = strdup(spec);
	if (!p->vif_specs[p->nr_vifs])
		return fail(p, line, "out of memory");
	p->vifs[p->nr_vifs].text = p->vif_specs[p->nr_vifs];
	p->vifs[p->nr_vifs].line = line;
	p->nr_vifs++;
	return 0;
}

/* <interface type='user'>: user-mode networking. */
static int parse_interface(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "type", NULL };
	const char *type = attribute(node, "type");
	unsigned int line = line_of(node);
	struct vif_xml vif = { .nr_fwd = 0 };
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (!type)
		return fail(p, line, "<interface> has no type='user'");
	if (strcmp(type, "user"))
		return fail(p, line,
			    "<interface type='%s'> is not supported by hxen (type='user')",
			    shown(type, buf));
	if (parse_children(p, node, interface_rules,
			   ARRAY_SIZE(interface_rules), &vif) < 0)
		return -1;
	return keep_vif(p, &vif, line);
}

/* ---- <console>, <memballoon>, <devices> ---------------------------------- */

static int parse_console_target(struct xml_parser *p, xmlNode *node,
				void *ctx)
{
	static const char *const attributes[] = { "type", "port", NULL };
	const char *type = attribute(node, "type");
	const char *port = attribute(node, "port");
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (type && strcmp(type, "xen"))
		return fail(p, line_of(node),
			    "<target type='%s'> is not supported by hxen: the console is Xen's (type='xen')",
			    shown(type, buf));
	if (port && strcmp(port, "0"))
		return fail(p, line_of(node),
			    "<target port='%s'> is not supported by hxen: the guest has one console (port='0')",
			    shown(port, buf));
	return parse_empty(p, node);
}

static const struct element_rule console_rules[] = {
	{ "target", parse_console_target, false },
};

/* <console type='pty'>: the one console every hxen guest has. */
static int parse_console(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "type", NULL };
	const char *type = attribute(node, "type");
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (type && strcmp(type, "pty"))
		return fail(p, line_of(node),
			    "<console type='%s'> is not supported by hxen (type='pty')",
			    shown(type, buf));
	return parse_children(p, node, console_rules,
			      ARRAY_SIZE(console_rules), NULL);
}

/*
 * <memballoon model='xen'/>, which libvirt writes for every Xen guest.
 * hxen does not balloon (<currentMemory> equals <memory>), so there is
 * nothing for it to do.
 */
static int parse_memballoon(struct xml_parser *p, xmlNode *node, void *ctx)
{
	static const char *const attributes[] = { "model", NULL };
	const char *model = attribute(node, "model");
	char buf[SHOWN_BUF];

	(void)ctx;
	if (check_attributes(p, node, attributes) < 0)
		return -1;
	if (model && strcmp(model, "xen") && strcmp(model, "none"))
		return fail(p, line_of(node),
			    "<memballoon model='%s'> is not supported by hxen (xen or none)",
			    shown(model, buf));
	return parse_empty(p, node);
}

static const struct element_rule device_rules[] = {
	{ "disk", parse_disk, true },
	{ "interface", parse_interface, true },
	{ "console", parse_console, false },
	{ "memballoon", parse_memballoon, false },
};

static int parse_devices(struct xml_parser *p, xmlNode *node, void *ctx)
{
	(void)ctx;
	if (check_attributes(p, node, no_attributes) < 0)
		return -1;
	return parse_children(p, node, device_rules, ARRAY_SIZE(device_rules),
			      NULL);
}

/* ---- <domain> -------------------------------------------------------------- */

static const struct element_rule domain_rules[] = {
	{ "name", parse_name, false },
	{ "uuid", parse_uuid, false },
	{ "metadata", ignore_element, false },
	{ "memory", parse_memory, false },
	{ "currentMemory", parse_current_memory, false },
	{ "vcpu", parse_vcpu, false },
	{ "os", parse_os, false },
	{ "clock", parse_clock, false },
	{ "on_poweroff", parse_on_poweroff, false },
	{ "on_reboot", parse_on_reboot, false },
	{ "on_crash", parse_on_crash, false },
	{ "devices", parse_devices, false },
};

_Static_assert(ARRAY_SIZE(domain_rules) <= MAX_RULES, "MAX_RULES too small");
_Static_assert(ARRAY_SIZE(disk_rules) <= MAX_RULES, "MAX_RULES too small");
_Static_assert(ARRAY_SIZE(device_rules) <= MAX_RULES, "MAX_RULES too small");

/*
 * <domain type='xen'>.  'hxen' is accepted too; 'id', which libvirt
 * writes for a running domain, is ignored.
 */
static int parse_domain(struct xml_parser *p, xmlNode *root)
{
	static const char *const attributes[] = { "type", "id", NULL };
	unsigned int line = line_of(root);
	char buf[2 * SHOWN_BUF];
	const char *type;

	if (root->ns)
		return fail_unsupported(p, root);
	if (strcmp(name_of(root), "domain"))
		return fail(p, line, "<%s> is not a libvirt <domain>",
			    shown(name_of(root), buf));
	if (check_attributes(p, root, attributes) < 0)
		return -1;
	type = attribute(root, "type");
	if (!type)
		return fail(p, line, "<domain> has no type='xen'");
	if (strcmp(type, "xen") && strcmp(type, "hxen"))
		return fail(p, line,
			    "<domain type='%s'> is not supported by hxen (type='xen')",
			    shown(type, buf));
	return parse_children(p, root, domain_rules, ARRAY_SIZE(domain_rules),
			      NULL);
}

/* Checks between elements, then the checks every format shares. */
static int finish(struct xml_parser *p, struct vmconfig *cfg)
{
	struct vmconfig_draft *d = &p->draft;

	if (p->current_memory_line && p->current_memory_mib != d->memory_mib)
		return fail(p, p->current_memory_line,
			    "<currentMemory> (%" PRIu64 " MiB) must equal <memory> (%" PRIu64 " MiB): hxen does not balloon guests",
			    p->current_memory_mib, d->memory_mib);
	d->disks = p->disks;
	d->nr_disks = p->nr_disks;
	d->vifs = p->vifs;
	d->nr_vifs = p->nr_vifs;
	return vmconfig_build(d, cfg, p->err, p->errlen);
}

/* ---- The document ---------------------------------------------------------- */

/*
 * The parser's internalSubset callback: a DOCTYPE stops the parse before
 * its internal subset (and so any entity declaration) is read.
 */
static void stop_at_doctype(void *ctx, const xmlChar *name,
			    const xmlChar *external_id,
			    const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xml_parser *p = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	p->doctype_line = ctxt->input && ctxt->input->line > 0 ?
			  (unsigned int)ctxt->input->line : 1;
	xmlStopParser(ctxt);
}

/* libxml2's message, its first line only and made printable. */
static int fail_malformed(struct xml_parser *p, xmlParserCtxtPtr ctxt)
{
	const xmlError *e = xmlCtxtGetLastError(ctxt);
	char msg[128];
	size_t i;

	if (!e || !e->message)
		return fail(p, 0, "malformed XML");
	for (i = 0; i < sizeof(msg) - 1 && e->message[i] &&
		    e->message[i] != '\n'; i++)
		msg[i] = (unsigned char)e->message[i] < 0x20 ?
			 '?' : e->message[i];
	msg[i] = '\0';
	return fail(p, e->line > 0 ? (unsigned int)e->line : 0,
		    "malformed XML: %s", trim_blanks(msg));
}

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | \
		       XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | \
		       XML_PARSE_BIG_LINES)

static xmlDoc *read_document(struct xml_parser *p, const char *xml,
			     size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;

	xmlInitParser();
	ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
	if (!ctxt) {
		fail(p, 0, "out of memory");
		return NULL;
	}
	ctxt->_private = p;
	ctxt->sax->internalSubset = stop_at_doctype;
	xmlCtxtUseOptions(ctxt, PARSE_OPTIONS);
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (p->doctype_line)
		fail(p, p->doctype_line,
		     "<!DOCTYPE> is not supported: hxen reads no DTD or entity declaration");
	else if (!ctxt->wellFormed || !doc)
		fail_malformed(p, ctxt);
	else if (!xmlDocGetRootElement(doc))
		fail(p, 0, "no <domain> element");
	else {
		xmlFreeParserCtxt(ctxt);
		return doc;
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return NULL;
}

static void release_parser(struct xml_parser *p)
{
	size_t i;

	free(p->name);
	free(p->uuid);
	free(p->kernel);
	free(p->initrd);
	free(p->cmdline);
	for (i = 0; i < p->nr_disks; i++)
		free(p->disk_specs[i]);
	for (i = 0; i < p->nr_vifs; i++)
		free(p->vif_specs[i]);
}

int domxml_parse_string(const char *xml, size_t len,
			const char *name_for_errors, const char *base_dir,
			struct vmconfig *cfg, char *err, size_t errlen)
{
	struct xml_parser p = {
		.file = name_for_errors ? name_for_errors : "(domain XML)",
		.base_dir = base_dir,
		.err = err,
		.errlen = errlen,
	};
	xmlDoc *doc;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	memset(cfg, 0, sizeof(*cfg));
	if (!xml)
		return fail(&p, 0, "no domain XML");
	if (len > VMCONFIG_FILE_MAX)
		return fail(&p, 0, "larger than 1 MiB");
	if (!len)
		return fail(&p, 0, "empty: no <domain> element");
	if (base_dir && base_dir[0] != '/')
		return fail(&p, 0, "the base directory '%s' is not absolute",
			    base_dir);
	vmconfig_draft_init(&p.draft, p.file, base_dir, &xml_words);
	doc = read_document(&p, xml, len);
	if (!doc)
		return -1;
	rc = parse_domain(&p, xmlDocGetRootElement(doc));
	if (!rc)
		rc = finish(&p, cfg);
	xmlFreeDoc(doc);
	release_parser(&p);
	return rc;
}

/* ---- Writing ---------------------------------------------------------------- */

struct xml_writer {
	FILE *out;
	char *err;
	size_t errlen;
};

static int write_fail(struct xml_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int write_fail(struct xml_writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(w->err, w->errlen, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Whether @s can stand in XML 1.0: UTF-8 with no control character but
 * tab, LF and CR, and without U+FFFE and U+FFFF.
 */
static bool is_xml_text(const char *s)
{
	const unsigned char *u;
	size_t n;

	for (; *s; s += n) {
		u = (const unsigned char *)s;
		n = cfg_utf8_sequence_length(s);
		if (!n || (*u < 0x20 && *u != '\t' && *u != '\n' && *u != '\r'))
			return false;
		if (n == 3 && u[0] == 0xef && u[1] == 0xbf && (u[2] & 0xfe) == 0xbe)
			return false;
	}
	return true;
}

static int check_xml_text(struct xml_writer *w, const char *what,
			  const char *s)
{
	if (is_xml_text(s))
		return 0;
	return write_fail(w,
			  "%s cannot be written as XML: it holds a control character or is not UTF-8",
			  what);
}

/*
 * @s escaped for XML.  In an attribute value blanks other than the space
 * are character references, which attribute normalization keeps; in text
 * only CR is, which the parser would turn into LF.
 */
static void put_escaped(FILE *out, const char *s, bool in_attribute)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\r':
			fputs("&#13;", out);
			break;
		case '\n':
			fputs(in_attribute ? "&#10;" : "\n", out);
			break;
		case '\t':
			fputs(in_attribute ? "&#9;" : "\t", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* "<name>text</name>" on a line of its own, @depth levels in. */
static void put_element(FILE *out, int depth, const char *name,
			const char *text)
{
	fprintf(out, "%*s<%s>", 2 * depth, "", name);
	put_escaped(out, text, false);
	fprintf(out, "</%s>\n", name);
}

static int write_disk(struct xml_writer *w, const char *spec, unsigned int i)
{
	struct disk_spec d;
	char msg[256];
	FILE *out = w->out;

	if (disk_spec_parse(spec, NULL, &d, msg, sizeof(msg)) < 0)
		return write_fail(w, "disk %u: %s", i + 1, msg);
	if (check_xml_text(w, "a disk target", d.target) < 0) {
		disk_spec_free(&d);
		return -1;
	}
	fputs("    <disk type='file' device='disk'>\n", out);
	fprintf(out, "      <driver name='qemu' type='%s' discard='%s'/>\n",
		d.format == DISK_SPEC_QCOW2 ? "qcow2" : "raw",
		d.discard ? "unmap" : "ignore");
	fputs("      <source file='", out);
	put_escaped(out, d.target, true);
	fputs("'/>\n", out);
	fprintf(out, "      <target dev='%s' bus='xen'/>\n", d.vdev);
	if (d.read_only)
		fputs("      <readonly/>\n", out);
	fputs("    </disk>\n", out);
	disk_spec_free(&d);
	return 0;
}

static int check_vif(struct xml_writer *w, const struct vif_spec *v,
		     unsigned int i)
{
	unsigned int f;

	if (v->type != VIF_SPEC_USER)
		return write_fail(w,
				  "interface %u: type=tap has no domain XML form that hxen reads (only <interface type='user'>)",
				  i + 1);
	for (f = 0; f < v->nr_fwd; f++)
		if (v->fwd[f].guest_addr)
			return write_fail(w,
					  "interface %u: a hostfwd= with a guest address has no domain XML form (<portForward> gives only the host's)",
					  i + 1);
	return 0;
}

static int write_vif(struct xml_writer *w, const char *spec, unsigned int i)
{
	const struct vif_fwd *fwd;
	char msg[256], addr[INET_ADDRSTRLEN];
	FILE *out = w->out;
	struct vif_spec v;
	unsigned int f;

	if (vif_spec_parse(spec, &v, msg, sizeof(msg)) < 0)
		return write_fail(w, "interface %u: %s", i + 1, msg);
	if (check_vif(w, &v, i) < 0)
		return -1;
	if (!v.mac_given && !v.nr_fwd) {
		fputs("    <interface type='user'/>\n", out);
		return 0;
	}
	fputs("    <interface type='user'>\n", out);
	if (v.mac_given)
		fprintf(out,
			"      <mac address='%02x:%02x:%02x:%02x:%02x:%02x'/>\n",
			v.mac[0], v.mac[1], v.mac[2], v.mac[3], v.mac[4],
			v.mac[5]);
	for (f = 0; f < v.nr_fwd; f++) {
		fwd = &v.fwd[f];
		if (!inet_ntop(AF_INET, &fwd->host_addr, addr, sizeof(addr)))
			return write_fail(w, "interface %u: %s", i + 1,
					  strerror(errno));
		fprintf(out,
			"      <portForward proto='%s' address='%s'>\n"
			"        <range start='%u' to='%u'/>\n"
			"      </portForward>\n",
			fwd->udp ? "udp" : "tcp", addr,
			(unsigned int)fwd->host_port,
			(unsigned int)fwd->guest_port);
	}
	fputs("    </interface>\n", out);
	return 0;
}

static int write_os(struct xml_writer *w, const struct vmconfig *cfg)
{
	FILE *out = w->out;

	if (check_xml_text(w, "the kernel path", cfg->kernel) < 0 ||
	    (cfg->ramdisk &&
	     check_xml_text(w, "the ramdisk path", cfg->ramdisk) < 0) ||
	    (cfg->cmdline &&
	     check_xml_text(w, "the kernel command line", cfg->cmdline) < 0))
		return -1;
	fputs("  <os>\n", out);
	fputs("    <type arch='x86_64' machine='xenpvh'>xenpvh</type>\n", out);
	put_element(out, 2, "kernel", cfg->kernel);
	if (cfg->ramdisk)
		put_element(out, 2, "initrd", cfg->ramdisk);
	if (cfg->cmdline && cfg->cmdline[0])
		put_element(out, 2, "cmdline", cfg->cmdline);
	fputs("  </os>\n", out);
	return 0;
}

static int write_devices(struct xml_writer *w, const struct vmconfig *cfg)
{
	FILE *out = w->out;
	unsigned int i;

	fputs("  <devices>\n", out);
	for (i = 0; i < cfg->nr_disks; i++)
		if (write_disk(w, cfg->disks[i], i) < 0)
			return -1;
	for (i = 0; i < cfg->nr_vifs; i++)
		if (write_vif(w, cfg->vifs[i], i) < 0)
			return -1;
	fputs("    <console type='pty'>\n", out);
	fputs("      <target type='xen' port='0'/>\n", out);
	fputs("    </console>\n", out);
	fputs("  </devices>\n", out);
	return 0;
}

static int write_domain(struct xml_writer *w, const struct vmconfig *cfg)
{
	FILE *out = w->out;

	if (!cfg->name[0] || !cfg->kernel)
		return write_fail(w, "the configuration has no %s",
				  cfg->name[0] ? "kernel" : "name");
	if (check_xml_text(w, "the name", cfg->name) < 0)
		return -1;
	fputs("<domain type='xen'>\n", out);
	put_element(out, 1, "name", cfg->name);
	if (cfg->uuid[0])
		put_element(out, 1, "uuid", cfg->uuid);
	fprintf(out, "  <memory unit='KiB'>%" PRIu64 "</memory>\n",
		cfg->memory_mib * 1024);
	fprintf(out, "  <currentMemory unit='KiB'>%" PRIu64 "</currentMemory>\n",
		cfg->memory_mib * 1024);
	fprintf(out, "  <vcpu placement='static'>%u</vcpu>\n", cfg->vcpus);
	if (write_os(w, cfg) < 0)
		return -1;
	put_element(out, 1, "on_poweroff", vm_action_name(cfg->on_poweroff));
	put_element(out, 1, "on_reboot", vm_action_name(cfg->on_reboot));
	put_element(out, 1, "on_crash", vm_action_name(cfg->on_crash));
	if (write_devices(w, cfg) < 0)
		return -1;
	fputs("</domain>\n", out);
	return 0;
}

int domxml_format(const struct vmconfig *cfg, char **xml_out, char *err,
		  size_t errlen)
{
	struct xml_writer w = { .err = err, .errlen = errlen };
	char *xml = NULL;
	size_t size = 0;
	int rc;

	*xml_out = NULL;
	if (err && errlen)
		err[0] = '\0';
	w.out = open_memstream(&xml, &size);
	if (!w.out)
		return write_fail(&w, "out of memory");
	rc = write_domain(&w, cfg);
	if (ferror(w.out))
		rc = write_fail(&w, "out of memory");
	if (fclose(w.out) && !rc)
		rc = write_fail(&w, "out of memory");
	if (rc) {
		free(xml);
		return -1;
	}
	*xml_out = xml;
	return 0;
}
