// SPDX-License-Identifier: GPL-2.0
/*
 * Defined domains (domstore.c) in a temporary XDG_CONFIG_HOME: the
 * directory and its modes, define and redefine with their UUIDs,
 * conflicts, damaged files, listing, autostart, undefine; and the pieces
 * under it: UUIDs (vmuuid.c) and whole-file writes (file_replace.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domstore.h"
#include "file_replace.h"
#include "test.h"
#include "vmconfig.h"
#include "vmuuid.h"

int test_failures;

#define ERRLEN 1024

static char tmp[] = "/tmp/hxen-test-domstore-XXXXXX";

/* Domain XML for VM @name, with @uuid_elem (maybe "") and @mem MiB. */
static char *domain_xml(const char *name, const char *uuid_elem,
			unsigned int mem)
{
	char *xml;

	if (asprintf(&xml,
		     "<domain type='xen'>\n"
		     "  <name>%s</name>\n%s"
		     "  <memory unit='MiB'>%u</memory>\n"
		     "  <os><type>xenpvh</type><kernel>/boot/vmlinuz</kernel></os>\n"
		     "</domain>\n",
		     name, uuid_elem, mem) < 0)
		abort();
	return xml;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? (mode_t)-1 : st.st_mode & 07777;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Files in @dir whose name contains @part. */
static int count_files(const char *dir, const char *part)
{
	char cmd[512];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -c -- '%s'", dir, part);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

/* ---- UUIDs --------------------------------------------------------------- */

static void test_uuid(void)
{
	uint8_t u[VMUUID_LEN], v[VMUUID_LEN];
	char a[VMUUID_TEXT], b[VMUUID_TEXT], back[VMUUID_TEXT];

	EXPECT("uuid/generate", vmuuid_generate(a) == 0);
	EXPECT("uuid/generate-twice", vmuuid_generate(b) == 0);
	EXPECT("uuid/generated-differ", strcmp(a, b) != 0);
	EXPECT("uuid/generated-parses", vmuuid_parse(a, u) == 0);
	EXPECT("uuid/version-4", (u[6] & 0xf0) == 0x40);
	EXPECT("uuid/rfc-variant", (u[8] & 0xc0) == 0x80);
	EXPECT("uuid/generated-lower-case", strlen(a) == 36 &&
	       strspn(a, "0123456789abcdef-") == 36);

	EXPECT("uuid/parse-mixed-case",
	       vmuuid_parse("0F1E2D3C-4b5a-6978-8796-A5B4C3D2E1F0", v) == 0);
	EXPECT("uuid/parse-bytes", v[0] == 0x0f && v[1] == 0x1e &&
	       v[7] == 0x78 && v[15] == 0xf0);
	vmuuid_format(v, back);
	EXPECT_STR("uuid/format-lower", back,
		   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	EXPECT("uuid/refuse-short",
	       vmuuid_parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f", v) < 0);
	EXPECT("uuid/refuse-long",
	       vmuuid_parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f00", v) < 0);
	EXPECT("uuid/refuse-no-dashes",
	       vmuuid_parse("0f1e2d3c4b5a69788796a5b4c3d2e1f0", v) < 0);
	EXPECT("uuid/refuse-non-hex",
	       vmuuid_parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg", v) < 0);
	EXPECT("uuid/refuse-empty", vmuuid_parse("", v) < 0);
	EXPECT("uuid/refuse-dash-moved",
	       vmuuid_parse("0f1e2d3c4-b5a-6978-8796-a5b4c3d2e1f0", v) < 0);
}

/* ---- Whole files --------------------------------------------------------- */

static void test_files(void)
{
	char path[VMDIR_PATH_MAX + 64], link[512], dir[256], *s;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/files", tmp);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	EXPECT("file/replace-new", file_replace(path, "one\n", 4, 0600) == 0);
	EXPECT("file/replace-mode", mode_of(path) == 0600);
	EXPECT("file/read", file_read_all(path, 100, &s, &len) == 0 &&
	       len == 4);
	EXPECT_STR("file/read-contents", s, "one\n");
	free(s);
	EXPECT("file/replace-again",
	       file_replace(path, "two, longer\n", 12, 0640) == 0);
	EXPECT("file/replace-again-mode", mode_of(path) == 0640);
	EXPECT("file/read-new", file_read_all(path, 100, &s, NULL) == 0);
	EXPECT_STR("file/read-new-contents", s, "two, longer\n");
	free(s);
	EXPECT("file/no-temporary-left", count_files(dir, "a.txt.") == 0);
	EXPECT("file/read-limit", file_read_all(path, 11, &s, NULL) == -EFBIG &&
	       !s);
	EXPECT("file/read-exact-limit",
	       file_read_all(path, 12, &s, NULL) == 0);
	free(s);
	EXPECT("file/empty", file_replace(path, "", 0, 0600) == 0 &&
	       file_read_all(path, 10, &s, &len) == 0 && len == 0 &&
	       s && !*s);
	free(s);

	snprintf(link, sizeof(link), "%s/link", dir);
	EXPECT("file/symlink-made", symlink(path, link) == 0);
	EXPECT("file/symlink-not-followed",
	       file_read_all(link, 100, &s, NULL) == -EINVAL);
	EXPECT("file/directory-refused",
	       file_read_all(dir, 100, &s, NULL) == -EINVAL);
	snprintf(link, sizeof(link), "%s/missing", dir);
	EXPECT("file/missing", file_read_all(link, 100, &s, NULL) == -ENOENT);
	snprintf(link, sizeof(link), "%s/nodir/x", dir);
	EXPECT("file/replace-in-missing-dir",
	       file_replace(link, "x", 1, 0600) == -ENOENT);
}

/* ---- The store ----------------------------------------------------------- */

static void test_open(struct domstore *st)
{
	char err[ERRLEN], path[VMDIR_PATH_MAX + 64], cfg_home[256];
	struct domstore other;
	mode_t old;

	snprintf(cfg_home, sizeof(cfg_home), "%s/config", tmp);
	setenv("XDG_CONFIG_HOME", cfg_home, 1);
	old = umask(0);
	EXPECT("open/creates", domstore_open(st, err, sizeof(err)) ==
	       DOMSTORE_OK);
	umask(old);
	snprintf(path, sizeof(path), "%s/hxen/domains", cfg_home);
	EXPECT_STR("open/dir", st->dir, path);
	EXPECT("open/dir-0700-despite-umask", mode_of(st->dir) == 0700);
	snprintf(path, sizeof(path), "%s/hxen", cfg_home);
	EXPECT("open/parent-0700", mode_of(path) == 0700);
	EXPECT("open/again", domstore_open(st, err, sizeof(err)) ==
	       DOMSTORE_OK);

	/* A relative XDG_CONFIG_HOME is ignored: HOME/.config instead. */
	setenv("XDG_CONFIG_HOME", "relative/config", 1);
	snprintf(path, sizeof(path), "%s/home", tmp);
	setenv("HOME", path, 1);
	EXPECT("open/home-fallback", domstore_open(&other, err, sizeof(err)) ==
	       DOMSTORE_OK);
	snprintf(path, sizeof(path), "%s/home/.config/hxen/domains", tmp);
	EXPECT_STR("open/home-dir", other.dir, path);

	chmod(path, 0750);
	EXPECT("open/refuses-open-mode", domstore_open(&other, err,
						       sizeof(err)) ==
	       DOMSTORE_FAILED);
	EXPECT_CONTAINS("open/refuses-open-mode-says", err,
			"has mode 0750, but only you may enter it");
	rmdir(path);
	EXPECT("open/symlink-made", symlink(tmp, path) == 0);
	EXPECT("open/refuses-symlink", domstore_open(&other, err,
						     sizeof(err)) ==
	       DOMSTORE_FAILED);
	EXPECT_CONTAINS("open/refuses-symlink-says", err, "a symbolic link");
	unlink(path);
	setenv("XDG_CONFIG_HOME", cfg_home, 1);
}

static void test_define(const struct domstore *st)
{
	char err[ERRLEN], uuid[VMUUID_TEXT], path[VMDIR_PATH_MAX + 64];
	char *xml, *text;
	struct vmconfig cfg;
	bool existed;
	int rc;

	xml = domain_xml("web", "", 256);
	rc = domstore_define(st, xml, &cfg, &existed, err, sizeof(err));
	free(xml);
	EXPECT("define/new", rc == DOMSTORE_OK && !existed);
	EXPECT("define/new-has-uuid", strlen(cfg.uuid) == 36);
	EXPECT_STR("define/new-name", cfg.name, "web");
	snprintf(uuid, sizeof(uuid), "%s", cfg.uuid);
	vmconfig_free(&cfg);
	snprintf(path, sizeof(path), "%s/web.xml", st->dir);
	EXPECT("define/file-0600", mode_of(path) == 0600);
	EXPECT("define/file-read", file_read_all(path, 1 << 20, &text, NULL) ==
	       0);
	EXPECT_CONTAINS("define/file-holds-uuid", text, uuid);
	EXPECT_CONTAINS("define/file-is-formatted", text,
			"<memory unit='KiB'>262144</memory>");
	free(text);
	EXPECT("define/exists", domstore_exists(st, "web"));
	EXPECT("define/no-other", !domstore_exists(st, "db"));

	/* Redefined without a UUID: the domain keeps its own. */
	xml = domain_xml("web", "", 512);
	rc = domstore_define(st, xml, &cfg, &existed, err, sizeof(err));
	free(xml);
	EXPECT("redefine/ok", rc == DOMSTORE_OK && existed);
	EXPECT_STR("redefine/keeps-uuid", cfg.uuid, uuid);
	EXPECT("redefine/new-memory", cfg.memory_mib == 512);
	vmconfig_free(&cfg);
	EXPECT("redefine/load", domstore_load(st, "web", &cfg, err,
					      sizeof(err)) == DOMSTORE_OK);
	EXPECT("redefine/loaded-memory", cfg.memory_mib == 512);
	EXPECT_STR("redefine/loaded-uuid", cfg.uuid, uuid);
	vmconfig_free(&cfg);

	/* Redefined with its own UUID in upper case: the same domain. */
	{
		char elem[128], upper[VMUUID_TEXT];
		size_t i;

		for (i = 0; i < sizeof(upper); i++)
			upper[i] = uuid[i] >= 'a' && uuid[i] <= 'f' ?
				   uuid[i] - 'a' + 'A' : uuid[i];
		snprintf(elem, sizeof(elem), "  <uuid>%s</uuid>\n", upper);
		xml = domain_xml("web", elem, 128);
		rc = domstore_define(st, xml, &cfg, &existed, err,
				     sizeof(err));
		free(xml);
		EXPECT("redefine/own-uuid", rc == DOMSTORE_OK && existed);
		vmconfig_free(&cfg);
	}

	/* With another UUID: refused, the definition unchanged. */
	xml = domain_xml("web",
			 "  <uuid>00000000-0000-4000-8000-000000000001</uuid>\n",
			 1024);
	rc = domstore_define(st, xml, &cfg, &existed, err, sizeof(err));
	free(xml);
	EXPECT("redefine/other-uuid-refused", rc == DOMSTORE_CONFLICT);
	EXPECT_CONTAINS("redefine/other-uuid-says", err,
			"domain 'web' is already defined with UUID");
	EXPECT("redefine/refused-left-cfg-empty", !cfg.kernel && !cfg.name[0]);
	EXPECT("redefine/refused-unchanged",
	       domstore_load(st, "web", &cfg, err, sizeof(err)) ==
	       DOMSTORE_OK && cfg.memory_mib == 128);
	vmconfig_free(&cfg);

	/* Another name with web's UUID: refused. */
	{
		char elem[128];

		snprintf(elem, sizeof(elem), "  <uuid>%s</uuid>\n", uuid);
		xml = domain_xml("db", elem, 128);
		rc = domstore_define(st, xml, &cfg, &existed, err,
				     sizeof(err));
		free(xml);
		EXPECT("define/taken-uuid-refused", rc == DOMSTORE_CONFLICT);
		EXPECT_CONTAINS("define/taken-uuid-says", err,
				"belongs to domain 'web' already");
		EXPECT("define/taken-uuid-nothing-written",
		       !domstore_exists(st, "db"));
	}

	/* A UUID of its own, kept as given (in lower case). */
	xml = domain_xml("db",
			 "  <uuid>0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0</uuid>\n",
			 64);
	rc = domstore_define(st, xml, &cfg, &existed, err, sizeof(err));
	free(xml);
	EXPECT("define/given-uuid", rc == DOMSTORE_OK && !existed);
	EXPECT_STR("define/given-uuid-kept", cfg.uuid,
		   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	vmconfig_free(&cfg);
}

static void test_bad_xml(const struct domstore *st)
{
	static const struct {
		const char *name, *xml, *says;
	} cases[] = {
		{ "define/malformed", "<domain type='xen'><name>x</name>",
		  "malformed XML" },
		{ "define/not-xml", "name = 'x'", "malformed XML" },
		{ "define/unsupported-device",
		  "<domain type='xen'><name>x</name>"
		  "<os><type>xenpvh</type><kernel>/k</kernel></os>"
		  "<devices><graphics type='vnc'/></devices></domain>",
		  "<graphics> is not supported by hxen" },
		{ "define/relative-kernel",
		  "<domain type='xen'><name>x</name>"
		  "<os><type>xenpvh</type><kernel>vmlinuz</kernel></os>"
		  "</domain>",
		  "relative path" },
		{ "define/bad-name",
		  "<domain type='xen'><name>-x</name>"
		  "<os><type>xenpvh</type><kernel>/k</kernel></os>"
		  "</domain>",
		  "" },
		{ "define/empty", "", "" },
	};
	char err[ERRLEN], name[96];
	struct vmconfig cfg;
	bool existed;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = domstore_define(st, cases[i].xml, &cfg, &existed, err,
					 sizeof(err));

		EXPECT(cases[i].name, rc == DOMSTORE_BAD_XML);
		snprintf(name, sizeof(name), "%s-says", cases[i].name);
		EXPECT_CONTAINS(name, err, cases[i].says);
		snprintf(name, sizeof(name), "%s-cfg-empty", cases[i].name);
		EXPECT(name, !cfg.kernel && !cfg.name[0]);
	}
	EXPECT("define/bad-xml-nothing-written", !domstore_exists(st, "x") &&
	       !domstore_exists(st, "-x"));
}

static void test_damaged(const struct domstore *st)
{
	char err[ERRLEN], path[VMDIR_PATH_MAX + 64], *xml;
	struct vmconfig cfg;
	bool existed;
	int rc;

	snprintf(path, sizeof(path), "%s/broken.xml", st->dir);
	file_replace(path, "<domain", 7, 0600);
	EXPECT("load/damaged", domstore_load(st, "broken", &cfg, err,
					     sizeof(err)) == DOMSTORE_BAD_XML);
	EXPECT_CONTAINS("load/damaged-names-file", err, path);
	/* A file whose <name> is another's. */
	snprintf(path, sizeof(path), "%s/alias.xml", st->dir);
	xml = domain_xml("web", "", 64);
	file_replace(path, xml, strlen(xml), 0600);
	free(xml);
	EXPECT("load/wrong-name", domstore_load(st, "alias", &cfg, err,
						sizeof(err)) ==
	       DOMSTORE_BAD_XML);
	EXPECT("load/not-defined", domstore_load(st, "nosuch", &cfg, err,
						 sizeof(err)) ==
	       DOMSTORE_NOT_FOUND);
	EXPECT_STR("load/not-defined-says", err,
		   "no domain named 'nosuch' is defined");
	EXPECT("load/bad-name", domstore_load(st, "../web", &cfg, err,
					      sizeof(err)) ==
	       DOMSTORE_NOT_FOUND);

	/* Redefining a damaged definition replaces it. */
	xml = domain_xml("broken", "", 64);
	rc = domstore_define(st, xml, &cfg, &existed, err, sizeof(err));
	free(xml);
	EXPECT("define/replaces-damaged", rc == DOMSTORE_OK && existed);
	vmconfig_free(&cfg);
	EXPECT("load/repaired", domstore_load(st, "broken", &cfg, err,
					      sizeof(err)) == DOMSTORE_OK);
	vmconfig_free(&cfg);
	unlink(path);
}

static void test_names(const struct domstore *st)
{
	char err[ERRLEN], path[VMDIR_PATH_MAX + 64], **names;
	int n;

	/* Not definitions: a temporary file, a bad name, another suffix. */
	snprintf(path, sizeof(path), "%s/web.xml.Ab12Cd", st->dir);
	file_replace(path, "x", 1, 0600);
	snprintf(path, sizeof(path), "%s/.hidden.xml", st->dir);
	file_replace(path, "x", 1, 0600);
	snprintf(path, sizeof(path), "%s/notes.txt", st->dir);
	file_replace(path, "x", 1, 0600);
	n = domstore_names(st, &names, err, sizeof(err));
	EXPECT("names/count", n == 3);
	if (n == 3) {
		EXPECT_STR("names/sorted-0", names[0], "broken");
		EXPECT_STR("names/sorted-1", names[1], "db");
		EXPECT_STR("names/sorted-2", names[2], "web");
	}
	vmdir_free_names(names, n > 0 ? n : 0);
}

static void test_autostart(const struct domstore *st)
{
	char err[ERRLEN], path[VMDIR_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/web.autostart", st->dir);
	EXPECT("autostart/off-at-first", !domstore_autostart(st, "web"));
	EXPECT("autostart/on", domstore_set_autostart(st, "web", true, err,
						      sizeof(err)) ==
	       DOMSTORE_OK && domstore_autostart(st, "web"));
	EXPECT("autostart/marker-0600", mode_of(path) == 0600);
	EXPECT("autostart/on-twice", domstore_set_autostart(st, "web", true,
							    err,
							    sizeof(err)) ==
	       DOMSTORE_OK);
	EXPECT("autostart/others-off", !domstore_autostart(st, "db"));
	EXPECT("autostart/off", domstore_set_autostart(st, "web", false, err,
						       sizeof(err)) ==
	       DOMSTORE_OK && !domstore_autostart(st, "web") &&
	       !exists(path));
	EXPECT("autostart/off-twice", domstore_set_autostart(st, "web", false,
							     err,
							     sizeof(err)) ==
	       DOMSTORE_OK);
	EXPECT("autostart/undefined", domstore_set_autostart(st, "nosuch",
							     true, err,
							     sizeof(err)) ==
	       DOMSTORE_NOT_FOUND);
	EXPECT("autostart/bad-name", domstore_set_autostart(st, "a/b", true,
							    err,
							    sizeof(err)) ==
	       DOMSTORE_NOT_FOUND);
	EXPECT_CONTAINS("autostart/bad-name-says", err,
			"'a/b' is not a domain name");
	domstore_set_autostart(st, "web", true, err, sizeof(err));
}

static void test_undefine(const struct domstore *st)
{
	char err[ERRLEN], path[VMDIR_PATH_MAX + 64], **names;
	int n;

	EXPECT("undefine/web", domstore_undefine(st, "web", err, sizeof(err)) ==
	       DOMSTORE_OK);
	EXPECT("undefine/gone", !domstore_exists(st, "web"));
	snprintf(path, sizeof(path), "%s/web.autostart", st->dir);
	EXPECT("undefine/autostart-gone", !exists(path));
	EXPECT("undefine/again", domstore_undefine(st, "web", err,
						   sizeof(err)) ==
	       DOMSTORE_NOT_FOUND);
	EXPECT("undefine/bad-name", domstore_undefine(st, "..", err,
						      sizeof(err)) ==
	       DOMSTORE_NOT_FOUND);
	n = domstore_names(st, &names, err, sizeof(err));
	EXPECT("undefine/listed-no-more", n == 2);
	vmdir_free_names(names, n > 0 ? n : 0);
}

int main(void)
{
	struct domstore st;
	char cmd[128];

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_uuid();
	test_files();
	test_open(&st);
	test_define(&st);
	test_bad_xml(&st);
	test_damaged(&st);
	test_names(&st);
	test_autostart(&st);
	test_undefine(&st);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return test_failures ? 1 : 0;
}
