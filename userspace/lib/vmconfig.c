// SPDX-License-Identifier: GPL-2.0
/*
 * VM configuration files in xl.cfg syntax: the settings hxen knows, the
 * checks on them, and the VM description they make (see hxen.cfg(5)).
 * The checks are shared with the reader of libvirt domain XML
 * (domxml.c): both hand what they read to vmconfig_build().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_lexer.h"
#include "diskspec.h"
#include "domxml.h"
#include "spec_text.h"
#include "vifspec.h"
#include "vmconfig.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Room in struct parser for the keys of the table below. */
#define MAX_KEYS 32

enum value_type {
	VALUE_STRING,
	VALUE_INT,
	VALUE_LIST,
	VALUE_ANY,	/* in the key table: the handler checks the type */
};

/* A setting's value as written. */
struct cfg_value {
	enum value_type type;
	unsigned int line;
	struct cfg_token scalar;	/* a STRING or an INT */
	struct cfg_token *items;	/* a LIST: its strings */
	size_t nr_items;
	size_t items_capacity;
};

struct parser {
	struct cfg_lexer lx;
	const char *file;
	const char *base_dir;
	char *err;
	size_t errlen;
	unsigned int key_line[MAX_KEYS];	/* where each key is set */

	/* The settings read, checked by vmconfig_build() at the end. */
	char *name, *kernel, *ramdisk, *uuid;
	char *cmdline, *root, *extra;
	uint64_t memory_mib, maxmem_mib, vcpus, maxvcpus;
	enum vm_action on_poweroff, on_reboot, on_crash;
	struct cfg_value disks, vifs;
};

struct key_desc;

typedef int (*key_handler)(struct parser *p, const struct key_desc *key,
			   struct cfg_value *v);

struct key_desc {
	const char *name;
	enum value_type type;
	const char *type_words;	/* completes "'memory' must be ..." */
	key_handler apply;
	size_t field;		/* in struct parser, for shared handlers */
};

/* How xl.cfg files name the settings that vmconfig_build() checks. */
static const struct vmconfig_words xl_words = {
	.name = "'name'",
	.memory = "'memory'",
	.vcpus = "'vcpus'",
	.kernel = "'kernel'",
	.ramdisk = "'ramdisk'",
	.uuid = "'uuid'",
	.disks = "'disk'",
	.vifs = "'vif'",
	.disk_entry = "disk",
	.vif_entry = "vif",
};

static const char *const action_names[] = {
	[VM_ACTION_DESTROY] = "destroy",
	[VM_ACTION_RESTART] = "restart",
	[VM_ACTION_PRESERVE] = "preserve",
};

/* xl's and libvirt's other actions, which hxen does not implement. */
static const char *const unsupported_actions[] = {
	"rename-restart", "coredump-destroy", "coredump-restart", "soft-reset",
};

const char *vm_action_name(enum vm_action a)
{
	if ((unsigned int)a < ARRAY_SIZE(action_names))
		return action_names[a];
	return "unknown";
}

int vm_action_parse(const char *word, enum vm_action *action)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (!strcmp(word, action_names[i])) {
			*action = (enum vm_action)i;
			return 0;
		}
	}
	for (i = 0; i < ARRAY_SIZE(unsupported_actions); i++)
		if (!strcmp(word, unsupported_actions[i]))
			return -ENOTSUP;
	return -EINVAL;
}

static int fail(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(p->err, p->errlen, p->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Values ---------------------------------------------------------- */

static void value_release(struct cfg_value *v)
{
	size_t i;

	cfg_token_release(&v->scalar);
	for (i = 0; i < v->nr_items; i++)
		cfg_token_release(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

/* The string's text, which the caller now owns. */
static char *take_text(struct cfg_token *tok)
{
	char *text = tok->text;

	tok->text = NULL;
	return text;
}

/* Report that @tok is not what was expected there, and release it. */
static int fail_at_token(struct parser *p, struct cfg_token *tok,
			 const char *expected)
{
	char what[SPEC_QUOTE_MAX + 8];

	fail(p, tok->line, "expected %s, found %s", expected,
	     cfg_token_describe(tok, what, sizeof(what)));
	cfg_token_release(tok);
	return -1;
}

static int next_token(struct parser *p, struct cfg_token *tok)
{
	return cfg_lexer_next(&p->lx, tok);
}

/* The next token that is not an end of line (lists span lines). */
static int next_token_in_list(struct parser *p, struct cfg_token *tok)
{
	do {
		if (next_token(p, tok) < 0)
			return -1;
	} while (tok->type == CFG_TOK_NEWLINE);
	return 0;
}

static int add_item(struct parser *p, struct cfg_value *v,
		    struct cfg_token *tok)
{
	if (v->nr_items == v->items_capacity) {
		size_t capacity = v->items_capacity ? 2 * v->items_capacity : 8;
		struct cfg_token *items;

		items = reallocarray(v->items, capacity, sizeof(*items));
		if (!items) {
			fail(p, tok->line, "out of memory");
			cfg_token_release(tok);
			return -1;
		}
		v->items = items;
		v->items_capacity = capacity;
	}
	v->items[v->nr_items++] = *tok;
	memset(tok, 0, sizeof(*tok));
	return 0;
}

static int fail_unterminated_list(struct parser *p, const struct cfg_value *v)
{
	return fail(p, v->line, "unterminated list: no ']' closes this '['");
}

/* The rest of a list after its '[': strings, commas, then ']'. */
static int parse_list(struct parser *p, struct cfg_value *v)
{
	struct cfg_token tok;

	v->type = VALUE_LIST;
	for (;;) {
		if (next_token_in_list(p, &tok) < 0)
			return -1;
		if (tok.type == CFG_TOK_RBRACKET)
			return 0;	/* an empty list, or a trailing comma */
		if (tok.type == CFG_TOK_EOF)
			return fail_unterminated_list(p, v);
		if (tok.type != CFG_TOK_STRING)
			return fail_at_token(p, &tok,
					     "a string or ']' in the list");
		if (add_item(p, v, &tok) < 0)
			return -1;

		if (next_token_in_list(p, &tok) < 0)
			return -1;
		if (tok.type == CFG_TOK_RBRACKET)
			return 0;
		if (tok.type == CFG_TOK_EOF)
			return fail_unterminated_list(p, v);
		if (tok.type != CFG_TOK_COMMA)
			return fail_at_token(p, &tok, "',' or ']' in the list");
	}
}

static int parse_value(struct parser *p, const char *key, struct cfg_value *v)
{
	char buf[2][SPEC_QUOTE_BUF];
	struct cfg_token tok;

	if (next_token(p, &tok) < 0)
		return -1;
	v->line = tok.line;
	switch (tok.type) {
	case CFG_TOK_STRING:
		v->type = VALUE_STRING;
		v->scalar = tok;
		return 0;
	case CFG_TOK_INT:
		v->type = VALUE_INT;
		v->scalar = tok;
		return 0;
	case CFG_TOK_LBRACKET:
		return parse_list(p, v);
	case CFG_TOK_IDENT:
		fail(p, tok.line,
		     "the value of '%s' must be quoted: \"%s\"",
		     spec_quotable(key, buf[0], sizeof(buf[0])),
		     spec_quotable(tok.text, buf[1], sizeof(buf[1])));
		cfg_token_release(&tok);
		return -1;
	case CFG_TOK_NEWLINE:
	case CFG_TOK_SEMICOLON:
	case CFG_TOK_EOF:
		return fail(p, tok.line, "no value for '%s'",
			    spec_quotable(key, buf[0], sizeof(buf[0])));
	default:
		return fail_at_token(p, &tok, "a value");
	}
}

/* ---- The keys ---------------------------------------------------------- */

/*
 * The handlers only keep what they are given: vmconfig_build() checks it
 * once the whole file is read.
 */

static void *field_of(struct parser *p, const struct key_desc *key)
{
	return (char *)p + key->field;
}

/* A string setting: kept for the checks after the file is read. */
static int set_text(struct parser *p, const struct key_desc *key,
		    struct cfg_value *v)
{
	char **slot = field_of(p, key);

	*slot = take_text(&v->scalar);
	return 0;
}

static int set_number(struct parser *p, const struct key_desc *key,
		      struct cfg_value *v)
{
	uint64_t *slot = field_of(p, key);

	*slot = v->scalar.number;
	return 0;
}

/* A list setting: its strings, with their lines, kept whole. */
static int set_list(struct parser *p, const struct key_desc *key,
		    struct cfg_value *v)
{
	struct cfg_value *slot = field_of(p, key);

	*slot = *v;
	memset(v, 0, sizeof(*v));
	return 0;
}

static int set_type(struct parser *p, const struct key_desc *key,
		    struct cfg_value *v)
{
	const char *type = v->scalar.text;
	char buf[SPEC_QUOTE_BUF];

	(void)key;
	if (!strcmp(type, "pvh"))
		return 0;
	if (!strcmp(type, "hvm") || !strcmp(type, "pv"))
		return fail(p, v->line,
			    "type \"%s\" is not supported: hxen boots guests as PVH (type = \"pvh\")",
			    type);
	return fail(p, v->line,
		    "unknown type \"%s\": hxen boots guests as PVH (type = \"pvh\")",
		    spec_quotable(type, buf, sizeof(buf)));
}

static int reject_builder(struct parser *p, const struct key_desc *key,
			  struct cfg_value *v)
{
	return fail(p, v->line, "'%s' is deprecated; use type = \"pvh\"",
		    key->name);
}

static int set_action(struct parser *p, const struct key_desc *key,
		      struct cfg_value *v)
{
	const char *action = v->scalar.text;
	enum vm_action *slot = field_of(p, key);
	char buf[SPEC_QUOTE_BUF];
	int rc;

	rc = vm_action_parse(action, slot);
	if (rc == -ENOTSUP)
		return fail(p, v->line,
			    "%s = \"%s\" is not supported by hxen (use \"destroy\", \"restart\" or \"preserve\")",
			    key->name, action);
	if (rc < 0)
		return fail(p, v->line,
			    "unknown action \"%s\" for '%s' (use \"destroy\", \"restart\" or \"preserve\")",
			    spec_quotable(action, buf, sizeof(buf)), key->name);
	return 0;
}

#define FIELD(f) offsetof(struct parser, f)
#define STRING_KEY(key, handler, words, fld) \
	{ key, VALUE_STRING, "a string" words, handler, fld }
#define INT_KEY(key, words, fld) \
	{ key, VALUE_INT, "an integer" words, set_number, fld }
#define LIST_KEY(key, words, fld) \
	{ key, VALUE_LIST, "a list of strings" words, set_list, fld }

static const struct key_desc keys[] = {
	STRING_KEY("name", set_text, "", FIELD(name)),
	STRING_KEY("type", set_type, " (\"pvh\")", 0),
	{ "builder", VALUE_ANY, NULL, reject_builder, 0 },
	INT_KEY("memory", " (MiB)", FIELD(memory_mib)),
	INT_KEY("maxmem", " (MiB)", FIELD(maxmem_mib)),
	INT_KEY("vcpus", "", FIELD(vcpus)),
	INT_KEY("maxvcpus", "", FIELD(maxvcpus)),
	STRING_KEY("kernel", set_text, " (a path)", FIELD(kernel)),
	STRING_KEY("ramdisk", set_text, " (a path)", FIELD(ramdisk)),
	STRING_KEY("cmdline", set_text, "", FIELD(cmdline)),
	STRING_KEY("root", set_text, "", FIELD(root)),
	STRING_KEY("extra", set_text, "", FIELD(extra)),
	STRING_KEY("on_poweroff", set_action, "", FIELD(on_poweroff)),
	STRING_KEY("on_reboot", set_action, "", FIELD(on_reboot)),
	STRING_KEY("on_crash", set_action, "", FIELD(on_crash)),
	STRING_KEY("uuid", set_text, "", FIELD(uuid)),
	LIST_KEY("disk", " ([ \"spec\", ... ])", FIELD(disks)),
	LIST_KEY("vif", " ([ \"spec\", ... ])", FIELD(vifs)),
};

_Static_assert(ARRAY_SIZE(keys) <= MAX_KEYS, "MAX_KEYS is too small");

static const struct key_desc *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* The line that sets key @name, or 0. */
static unsigned int line_of(const struct parser *p, const char *name)
{
	const struct key_desc *key = find_key(name);

	return key ? p->key_line[key - keys] : 0;
}

/* ---- Settings ---------------------------------------------------------- */

static int apply_setting(struct parser *p, const struct cfg_token *name,
			 struct cfg_value *v)
{
	const struct key_desc *key = find_key(name->text);
	char buf[SPEC_QUOTE_BUF];
	unsigned int *seen;

	if (!key)
		return fail(p, name->line, "unknown key '%s'",
			    spec_quotable(name->text, buf, sizeof(buf)));
	seen = &p->key_line[key - keys];
	if (*seen)
		return fail(p, name->line, "'%s' is set twice (first on line %u)",
			    key->name, *seen);
	*seen = name->line;

	if (key->type != VALUE_ANY && key->type != v->type)
		return fail(p, v->line, "'%s' must be %s", key->name,
			    key->type_words);
	if (v->type == VALUE_INT && v->scalar.negative)
		return fail(p, v->line, "'%s' must not be negative", key->name);
	return key->apply(p, key, v);
}

/* KEY = VALUE, after the KEY. */
static int parse_setting(struct parser *p, const struct cfg_token *name)
{
	char expected[SPEC_QUOTE_MAX + 64], buf[SPEC_QUOTE_BUF];
	const char *key = spec_quotable(name->text, buf, sizeof(buf));
	struct cfg_value v = { 0 };
	struct cfg_token tok;
	int rc;

	if (next_token(p, &tok) < 0)
		return -1;
	if (tok.type != CFG_TOK_EQUALS) {
		snprintf(expected, sizeof(expected), "'=' after '%s'", key);
		return fail_at_token(p, &tok, expected);
	}
	if (parse_value(p, name->text, &v) < 0)
		goto out_fail;
	if (next_token(p, &tok) < 0)
		goto out_fail;
	if (tok.type != CFG_TOK_NEWLINE && tok.type != CFG_TOK_SEMICOLON &&
	    tok.type != CFG_TOK_EOF) {
		snprintf(expected, sizeof(expected),
			 "the end of the line or ';' after the value of '%s'",
			 key);
		fail_at_token(p, &tok, expected);
		goto out_fail;
	}
	rc = apply_setting(p, name, &v);
	value_release(&v);
	return rc;

out_fail:
	value_release(&v);
	return -1;
}

static int parse_settings(struct parser *p)
{
	struct cfg_token tok;
	int rc;

	for (;;) {
		if (next_token(p, &tok) < 0)
			return -1;
		switch (tok.type) {
		case CFG_TOK_EOF:
			return 0;
		case CFG_TOK_NEWLINE:
		case CFG_TOK_SEMICOLON:
			continue;
		case CFG_TOK_IDENT:
			rc = parse_setting(p, &tok);
			cfg_token_release(&tok);
			if (rc < 0)
				return -1;
			continue;
		default:
			return fail_at_token(p, &tok, "a setting (KEY = VALUE)");
		}
	}
}

/* ---- Checks between keys ------------------------------------------------ */

static int check_maxima(struct parser *p)
{
	unsigned int line;

	line = line_of(p, "maxmem");
	if (line && p->maxmem_mib != p->memory_mib)
		return fail(p, line,
			    "'maxmem' (%" PRIu64 ") must equal 'memory' (%" PRIu64 "): hxen does not balloon guests",
			    p->maxmem_mib, p->memory_mib);
	line = line_of(p, "maxvcpus");
	if (line && p->maxvcpus != p->vcpus)
		return fail(p, line,
			    "'maxvcpus' (%" PRIu64 ") must equal 'vcpus' (%" PRIu64 "): hxen does not hot-plug vCPUs",
			    p->maxvcpus, p->vcpus);
	return 0;
}

/* "root=ROOT EXTRA", with either part maybe absent. */
static char *cmdline_from_root_and_extra(const char *root, const char *extra)
{
	char *cmdline;
	int rc;

	if (root && extra)
		rc = asprintf(&cmdline, "root=%s %s", root, extra);
	else if (root)
		rc = asprintf(&cmdline, "root=%s", root);
	else
		rc = asprintf(&cmdline, "%s", extra ? extra : "");
	return rc < 0 ? NULL : cmdline;
}

/*
 * Make p->cmdline the whole command line, from 'cmdline' or from 'root'
 * and 'extra'; *@line is the line to blame if it is too long.
 */
static int join_cmdline(struct parser *p, unsigned int *line)
{
	unsigned int cmdline_line = line_of(p, "cmdline");
	unsigned int root_line = line_of(p, "root");
	unsigned int extra_line = line_of(p, "extra");

	if (p->cmdline && (p->root || p->extra))
		return fail(p, cmdline_line,
			    "'cmdline' cannot be combined with '%s' (line %u): it is the whole command line",
			    p->root ? "root" : "extra",
			    p->root ? root_line : extra_line);
	*line = cmdline_line ? cmdline_line :
		root_line > extra_line ? root_line : extra_line;
	if (p->cmdline)
		return 0;
	p->cmdline = cmdline_from_root_and_extra(p->root, p->extra);
	if (!p->cmdline)
		return fail(p, 0, "out of memory");
	return 0;
}

/* The strings of a list setting, with their lines (NULL if none). */
static struct vmconfig_text *texts_of(const struct cfg_value *list)
{
	struct vmconfig_text *texts;
	size_t i;

	if (!list->nr_items)
		return NULL;
	texts = calloc(list->nr_items, sizeof(*texts));
	if (!texts)
		return NULL;
	for (i = 0; i < list->nr_items; i++) {
		texts[i].text = list->items[i].text;
		texts[i].line = list->items[i].line;
	}
	return texts;
}

static struct vmconfig_text text_setting(const struct parser *p,
					 const char *key, const char *text)
{
	struct vmconfig_text t = { text, line_of(p, key) };

	return t;
}

static int finish(struct parser *p, struct vmconfig *cfg)
{
	struct vmconfig_text *disks = NULL, *vifs = NULL;
	struct vmconfig_draft d;
	unsigned int cmdline_line = 0;
	int rc;

	if (join_cmdline(p, &cmdline_line) < 0)
		return -1;
	vmconfig_draft_init(&d, p->file, p->base_dir, &xl_words);
	d.name = text_setting(p, "name", p->name);
	d.kernel = text_setting(p, "kernel", p->kernel);
	d.ramdisk = text_setting(p, "ramdisk", p->ramdisk);
	d.uuid = text_setting(p, "uuid", p->uuid);
	d.cmdline.text = p->cmdline;
	d.cmdline.line = cmdline_line;
	d.memory_mib = p->memory_mib;
	d.memory_line = line_of(p, "memory");
	d.vcpus = p->vcpus;
	d.vcpus_line = line_of(p, "vcpus");
	d.on_poweroff = p->on_poweroff;
	d.on_reboot = p->on_reboot;
	d.on_crash = p->on_crash;

	disks = texts_of(&p->disks);
	vifs = texts_of(&p->vifs);
	if ((p->disks.nr_items && !disks) || (p->vifs.nr_items && !vifs)) {
		rc = fail(p, 0, "out of memory");
		goto out;
	}
	d.disks = disks;
	d.nr_disks = p->disks.nr_items;
	d.vifs = vifs;
	d.nr_vifs = p->vifs.nr_items;

	rc = vmconfig_build(&d, cfg, p->err, p->errlen);
	if (!rc)
		rc = check_maxima(p);
out:
	free(disks);
	free(vifs);
	return rc;
}

/* ---- The checks every format shares -------------------------------------- */

struct builder {
	const struct vmconfig_draft *d;
	const struct vmconfig_words *w;
	struct vmconfig *cfg;
	char *err;
	size_t errlen;
};

static int build_fail(struct builder *b, unsigned int line, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

static int build_fail(struct builder *b, unsigned int line, const char *fmt,
		      ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(b->err, b->errlen, b->d->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int build_name(struct builder *b, const struct vmconfig_text *t)
{
	const char *name = t->text, *what = b->w->name;
	size_t len = strlen(name), i;
	char c[16];

	if (!len)
		return build_fail(b, t->line, "%s must not be empty", what);
	if (len > VMCONFIG_NAME_MAX)
		return build_fail(b, t->line,
				  "%s is %zu characters long; the limit is %d",
				  what, len, VMCONFIG_NAME_MAX);
	if (name[0] == '-' || name[0] == '.')
		return build_fail(b, t->line, "%s must not start with '%c'",
				  what, name[0]);
	for (i = 0; i < len && is_name_char(name[i]); i++)
		;
	if (i < len) {
		cfg_describe_char(name[i], c, sizeof(c));
		return build_fail(b, t->line,
				  "%s may hold only letters, digits, '_', '.' and '-', not %s",
				  what, c);
	}
	memcpy(b->cfg->name, name, len + 1);
	return 0;
}

static int check_range(struct builder *b, const char *what, unsigned int line,
		       uint64_t n, uint64_t min, uint64_t max, const char *unit)
{
	if (n >= min && n <= max)
		return 0;
	return build_fail(b, line,
			  "%s must be between %" PRIu64 " and %" PRIu64 "%s, not %"
			  PRIu64, what, min, max, unit, n);
}

static int build_sizes(struct builder *b)
{
	const struct vmconfig_draft *d = b->d;

	if (check_range(b, b->w->memory, d->memory_line, d->memory_mib,
			VMCONFIG_MEMORY_MIN_MIB, VMCONFIG_MEMORY_MAX_MIB,
			" (MiB)") < 0 ||
	    check_range(b, b->w->vcpus, d->vcpus_line, d->vcpus, 1,
			VMCONFIG_VCPUS_MAX, "") < 0)
		return -1;
	b->cfg->memory_mib = d->memory_mib;
	b->cfg->vcpus = (unsigned int)d->vcpus;
	return 0;
}

/* A kernel or ramdisk path, made absolute against the base directory. */
static int build_path(struct builder *b, const char *what,
		      const struct vmconfig_text *t, char **slot)
{
	char buf[SPEC_QUOTE_BUF];

	if (!*t->text)
		return build_fail(b, t->line, "%s must not be empty", what);
	if (t->text[0] != '/' && !b->d->base_dir)
		return build_fail(b, t->line,
				  "%s is a relative path ('%s') with no directory to resolve it against",
				  what, spec_quotable(t->text, buf, sizeof(buf)));
	*slot = spec_absolute_path(b->d->base_dir, t->text);
	if (!*slot)
		return build_fail(b, t->line, "out of memory");
	if (strlen(*slot) >= PATH_MAX)
		return build_fail(b, t->line, "%s is longer than %d bytes",
				  what, PATH_MAX - 1);
	return 0;
}

static int build_paths(struct builder *b)
{
	const struct vmconfig_draft *d = b->d;

	if (d->kernel.text &&
	    build_path(b, b->w->kernel, &d->kernel, &b->cfg->kernel) < 0)
		return -1;
	if (d->ramdisk.text &&
	    build_path(b, b->w->ramdisk, &d->ramdisk, &b->cfg->ramdisk) < 0)
		return -1;
	return 0;
}

static int build_cmdline(struct builder *b)
{
	const struct vmconfig_text *t = &b->d->cmdline;
	size_t len;

	b->cfg->cmdline = strdup(t->text ? t->text : "");
	if (!b->cfg->cmdline)
		return build_fail(b, t->line, "out of memory");
	len = strlen(b->cfg->cmdline);
	if (len > VMCONFIG_CMDLINE_MAX)
		return build_fail(b, t->line,
				  "the kernel command line is %zu bytes long; the limit is %d",
				  len, VMCONFIG_CMDLINE_MAX);
	return 0;
}

static int build_actions(struct builder *b)
{
	const struct vmconfig_draft *d = b->d;
	const enum vm_action actions[] = {
		d->on_poweroff, d->on_reboot, d->on_crash,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if ((unsigned int)actions[i] >= ARRAY_SIZE(action_names))
			return build_fail(b, 0, "invalid action %d",
					  (int)actions[i]);
	b->cfg->on_poweroff = d->on_poweroff;
	b->cfg->on_reboot = d->on_reboot;
	b->cfg->on_crash = d->on_crash;
	return 0;
}

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash_here ? s[i] != '-' : !is_hex_digit(s[i]))
			return false;
	}
	return true;
}

static int build_uuid(struct builder *b)
{
	const struct vmconfig_text *t = &b->d->uuid;
	char *out = b->cfg->uuid;
	size_t i;

	if (!t->text)
		return 0;
	if (!is_uuid(t->text))
		return build_fail(b, t->line,
				  "%s must be 32 hex digits in groups of 8-4-4-4-12, like \"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\"",
				  b->w->uuid);
	for (i = 0; i < 36; i++)
		out[i] = t->text[i] >= 'A' && t->text[i] <= 'F' ?
			 t->text[i] - 'A' + 'a' : t->text[i];
	out[36] = '\0';
	return 0;
}

/* Copy the entries of a list setting, after checking their number. */
static int build_list(struct builder *b, const char *what,
		      const struct vmconfig_text *items, size_t nr,
		      unsigned int max, char ***list, unsigned int *nr_out)
{
	size_t i;

	if (nr > max)
		return build_fail(b, items[max].line,
				  "%s has more than %u entries", what, max);
	for (i = 0; i < nr; i++)
		if (!*items[i].text)
			return build_fail(b, items[i].line,
					  "entry %zu of %s is empty", i + 1,
					  what);
	if (!nr)
		return 0;
	*list = calloc(nr, sizeof(**list));
	if (!*list)
		return build_fail(b, items[0].line, "out of memory");
	*nr_out = (unsigned int)nr;
	for (i = 0; i < nr; i++) {
		(*list)[i] = strdup(items[i].text);
		if (!(*list)[i])
			return build_fail(b, items[i].line, "out of memory");
	}
	return 0;
}

/* Check each disk now; ioemu parses the strings kept again. */
static int build_disks(struct builder *b)
{
	const struct vmconfig_draft *d = b->d;
	const char *entry = b->w->disk_entry;
	struct disk_spec disk, seen[VMCONFIG_MAX_DISKS];
	unsigned int i, j;
	char msg[256];

	if (build_list(b, b->w->disks, d->disks, d->nr_disks,
		       VMCONFIG_MAX_DISKS, &b->cfg->disks,
		       &b->cfg->nr_disks) < 0)
		return -1;
	for (i = 0; i < b->cfg->nr_disks; i++) {
		if (disk_spec_parse(b->cfg->disks[i], d->base_dir, &disk, msg,
				    sizeof(msg)) < 0)
			return build_fail(b, d->disks[i].line, "%s %u: %s",
					  entry, i + 1, msg);
		seen[i] = disk;
		seen[i].target = NULL;
		disk_spec_free(&disk);
		for (j = 0; j < i; j++)
			if (seen[j].index == seen[i].index)
				return build_fail(b, d->disks[i].line,
						  "%s %u: vdev '%s' is already used by %s %u",
						  entry, i + 1, seen[i].vdev,
						  entry, j + 1);
	}
	return 0;
}

static int build_vifs(struct builder *b)
{
	const struct vmconfig_draft *d = b->d;
	struct vif_spec vif;
	unsigned int i;
	char msg[256];

	if (build_list(b, b->w->vifs, d->vifs, d->nr_vifs, VMCONFIG_MAX_VIFS,
		       &b->cfg->vifs, &b->cfg->nr_vifs) < 0)
		return -1;
	for (i = 0; i < b->cfg->nr_vifs; i++)
		if (vif_spec_parse(b->cfg->vifs[i], &vif, msg,
				   sizeof(msg)) < 0)
			return build_fail(b, d->vifs[i].line, "%s %u: %s",
					  b->w->vif_entry, i + 1, msg);
	return 0;
}

static int build_all(struct builder *b)
{
	const struct vmconfig_draft *d = b->d;

	if (d->name.text && build_name(b, &d->name) < 0)
		return -1;
	if (build_sizes(b) < 0 || build_paths(b) < 0 ||
	    build_cmdline(b) < 0 || build_actions(b) < 0 ||
	    build_uuid(b) < 0 || build_disks(b) < 0 || build_vifs(b) < 0)
		return -1;
	if (!b->cfg->name[0])
		return build_fail(b, 0, "no %s is set; it is required",
				  b->w->name);
	if (!b->cfg->kernel)
		return build_fail(b, 0, "no %s is set; it is required",
				  b->w->kernel);
	return 0;
}

static void set_defaults(struct vmconfig *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_mib = VMCONFIG_MEMORY_DEFAULT_MIB;
	cfg->vcpus = 1;
	cfg->on_poweroff = VM_ACTION_DESTROY;
	cfg->on_reboot = VM_ACTION_RESTART;
	cfg->on_crash = VM_ACTION_DESTROY;
}

void vmconfig_draft_init(struct vmconfig_draft *d, const char *file,
			 const char *base_dir,
			 const struct vmconfig_words *words)
{
	memset(d, 0, sizeof(*d));
	d->file = file;
	d->base_dir = base_dir;
	d->words = words;
	d->memory_mib = VMCONFIG_MEMORY_DEFAULT_MIB;
	d->vcpus = 1;
	d->on_poweroff = VM_ACTION_DESTROY;
	d->on_reboot = VM_ACTION_RESTART;
	d->on_crash = VM_ACTION_DESTROY;
}

int vmconfig_build(const struct vmconfig_draft *d, struct vmconfig *cfg,
		   char *err, size_t errlen)
{
	struct builder b = {
		.d = d,
		.w = d->words,
		.cfg = cfg,
		.err = err,
		.errlen = errlen,
	};

	set_defaults(cfg);
	if (build_all(&b) < 0) {
		vmconfig_free(cfg);
		return -1;
	}
	return 0;
}

/* ---- Entry points ------------------------------------------------------ */

/* Domain XML starts with '<' (maybe after a UTF-8 byte order mark). */
static bool is_domain_xml(const char *text)
{
	if (!strncmp(text, "\xef\xbb\xbf", 3))
		text += 3;
	text += strspn(text, " \t\r\n");
	return *text == '<';
}

static void release_parser(struct parser *p)
{
	free(p->name);
	free(p->kernel);
	free(p->ramdisk);
	free(p->uuid);
	free(p->cmdline);
	free(p->root);
	free(p->extra);
	value_release(&p->disks);
	value_release(&p->vifs);
}

static int parse_xl(const char *text, const char *file, const char *base_dir,
		    struct vmconfig *cfg, char *err, size_t errlen)
{
	struct parser p = {
		.file = file,
		.base_dir = base_dir,
		.err = err,
		.errlen = errlen,
		.memory_mib = VMCONFIG_MEMORY_DEFAULT_MIB,
		.vcpus = 1,
		.on_poweroff = VM_ACTION_DESTROY,
		.on_reboot = VM_ACTION_RESTART,
		.on_crash = VM_ACTION_DESTROY,
	};
	int rc;

	cfg_lexer_init(&p.lx, text, p.file, err, errlen);
	rc = parse_settings(&p);
	if (!rc)
		rc = finish(&p, cfg);
	release_parser(&p);
	return rc;
}

int vmconfig_parse_string(const char *text, const char *name_for_errors,
			  const char *base_dir, struct vmconfig *cfg,
			  char *err, size_t errlen)
{
	const char *file = name_for_errors ? name_for_errors : "(config)";
	int rc;

	if (err && errlen)
		err[0] = '\0';
	set_defaults(cfg);
	if (!text) {
		cfg_error(err, errlen, file, 0, "no configuration text");
		rc = -1;
	} else if (base_dir && base_dir[0] != '/') {
		cfg_error(err, errlen, file, 0,
			  "the base directory '%s' is not absolute", base_dir);
		rc = -1;
	} else if (is_domain_xml(text)) {
		rc = domxml_parse_string(text, strlen(text), file, base_dir,
					 cfg, err, errlen);
	} else {
		rc = parse_xl(text, file, base_dir, cfg, err, errlen);
	}
	if (rc)
		vmconfig_free(cfg);
	return rc;
}

static size_t read_all(int fd, char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SIZE_MAX;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static unsigned int line_at(const char *text, const char *pos)
{
	unsigned int line = 1;

	for (; text < pos; text++)
		line += *text == '\n';
	return line;
}

/* Checks on the text that parsing a C string cannot make. */
static int check_file_text(const char *path, const char *text, size_t len,
			   char *err, size_t errlen)
{
	const char *nul = memchr(text, '\0', len);

	if (len > VMCONFIG_FILE_MAX) {
		cfg_error(err, errlen, path, 0, "larger than 1 MiB");
		return -1;
	}
	if (nul) {
		cfg_error(err, errlen, path, line_at(text, nul),
			  "NUL byte in the file");
		return -1;
	}
	return 0;
}

static int file_error(const char *path, const char *what, char *err,
		      size_t errlen)
{
	cfg_error(err, errlen, path, 0, "%s", what);
	return -1;
}

static int read_config_fd(int fd, const char *path, char **textp, char *err,
			  size_t errlen)
{
	struct stat st;
	char *text;
	size_t len;

	if (fstat(fd, &st) < 0)
		return file_error(path, strerror(errno), err, errlen);
	if (!S_ISREG(st.st_mode))
		return file_error(path, "not a regular file", err, errlen);
	if (st.st_size > VMCONFIG_FILE_MAX)
		return file_error(path, "larger than 1 MiB", err, errlen);

	/* One byte more than allowed, to notice a file that has grown. */
	text = malloc(VMCONFIG_FILE_MAX + 2);
	if (!text)
		return file_error(path, "out of memory", err, errlen);
	len = read_all(fd, text, VMCONFIG_FILE_MAX + 1);
	if (len == SIZE_MAX) {
		file_error(path, strerror(errno), err, errlen);
		goto out_free;
	}
	if (check_file_text(path, text, len, err, errlen) < 0)
		goto out_free;
	text[len] = '\0';
	*textp = text;
	return 0;

out_free:
	free(text);
	return -1;
}

static int read_config(const char *path, char **textp, char *err,
		       size_t errlen)
{
	int fd, rc;

	/* O_NONBLOCK: a FIFO must not hang us before the type check. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return file_error(path, strerror(errno), err, errlen);
	rc = read_config_fd(fd, path, textp, err, errlen);
	close(fd);
	return rc;
}

/* The absolute, symlink-free directory that holds @path. */
static char *directory_of(const char *path, char *err, size_t errlen)
{
	char *copy = strdup(path);
	char *slash, *dir;

	if (!copy) {
		file_error(path, "out of memory", err, errlen);
		return NULL;
	}
	slash = strrchr(copy, '/');
	if (slash == copy)
		copy[1] = '\0';
	else if (slash)
		*slash = '\0';
	dir = realpath(slash ? copy : ".", NULL);
	if (!dir)
		cfg_error(err, errlen, path, 0, "cannot resolve its directory: %s",
			  strerror(errno));
	free(copy);
	return dir;
}

int vmconfig_parse_file(const char *path, struct vmconfig *cfg,
			char *err, size_t errlen)
{
	char *text = NULL, *dir;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	memset(cfg, 0, sizeof(*cfg));
	if (read_config(path, &text, err, errlen) < 0)
		return -1;
	dir = directory_of(path, err, errlen);
	if (!dir) {
		free(text);
		return -1;
	}
	rc = vmconfig_parse_string(text, path, dir, cfg, err, errlen);
	free(dir);
	free(text);
	return rc;
}

static void free_list(char **list, unsigned int nr)
{
	unsigned int i;

	for (i = 0; list && i < nr; i++)
		free(list[i]);
	free(list);
}

void vmconfig_free(struct vmconfig *cfg)
{
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->cmdline);
	free_list(cfg->disks, cfg->nr_disks);
	free_list(cfg->vifs, cfg->nr_vifs);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- Files the configuration names ------------------------------------- */

static int check_file(const char *what, const char *path, char *err,
		      size_t errlen)
{
	const char *problem = NULL;
	struct stat st;
	int fd;

	if (stat(path, &st) < 0) {
		problem = strerror(errno);
	} else if (!S_ISREG(st.st_mode)) {
		problem = "not a regular file";
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			problem = strerror(errno);
		else
			close(fd);
	}
	if (problem && err && errlen)
		snprintf(err, errlen, "%s '%s': %s", what, path, problem);
	return problem ? -1 : 0;
}

int vmconfig_check_files(const struct vmconfig *cfg, char *err,
			 size_t errlen)
{
	if (!cfg->kernel) {
		if (err && errlen)
			snprintf(err, errlen, "no kernel is configured");
		return -1;
	}
	if (check_file("kernel", cfg->kernel, err, errlen) < 0)
		return -1;
	if (cfg->ramdisk && check_file("ramdisk", cfg->ramdisk, err, errlen) < 0)
		return -1;
	return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

static const char *json_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\t':
		return "\\t";
	case '\r':
		return "\\r";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	}
	return NULL;
}

/* @s as a JSON string (null for NULL); bad UTF-8 becomes U+FFFD. */
static void json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = c < 0x80 ? 1 : cfg_utf8_sequence_length(s);

		if (json_escape(c))
			fputs(json_escape(c), out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else if (n)
			fwrite(s, 1, n, out);
		else
			fputs("\\ufffd", out);
		s += n ? n : 1;
	}
	fputc('"', out);
}

static void json_string_list(FILE *out, char *const *list, unsigned int nr)
{
	unsigned int i;

	fputc('[', out);
	for (i = 0; list && i < nr; i++) {
		if (i)
			fputc(',', out);
		json_string(out, list[i]);
	}
	fputc(']', out);
}

static void json_field(FILE *out, const char *name, const char *value)
{
	fprintf(out, ",\"%s\":", name);
	json_string(out, value);
}

int vmconfig_to_json(const struct vmconfig *cfg, FILE *out)
{
	fputs("{\"name\":", out);
	json_string(out, cfg->name);
	fprintf(out, ",\"memory_mib\":%" PRIu64 ",\"vcpus\":%u",
		cfg->memory_mib, cfg->vcpus);
	json_field(out, "kernel", cfg->kernel);
	json_field(out, "ramdisk", cfg->ramdisk);
	json_field(out, "cmdline", cfg->cmdline);
	json_field(out, "on_poweroff", vm_action_name(cfg->on_poweroff));
	json_field(out, "on_reboot", vm_action_name(cfg->on_reboot));
	json_field(out, "on_crash", vm_action_name(cfg->on_crash));
	json_field(out, "uuid", cfg->uuid[0] ? cfg->uuid : NULL);
	fputs(",\"disks\":", out);
	json_string_list(out, cfg->disks, cfg->nr_disks);
	fputs(",\"vifs\":", out);
	json_string_list(out, cfg->vifs, cfg->nr_vifs);
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}
