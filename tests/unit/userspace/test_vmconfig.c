// SPDX-License-Identifier: GPL-2.0
/* The VM configuration parser: syntax, every key, errors, files, JSON. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "vmconfig.h"

int test_failures;

#define ERRLEN 512
#define BASE_DIR "/etc/hxen"
#define MINIMAL "name = \"vm1\"\nkernel = \"/boot/vmlinuz\"\n"

static char err[ERRLEN];
static char tmpdir[128];	/* symlink-free, as the parser resolves */

static int parse(const char *text, struct vmconfig *cfg)
{
	return vmconfig_parse_string(text, "guest.cfg", BASE_DIR, cfg, err,
				     sizeof(err));
}

static bool is_empty(const struct vmconfig *cfg)
{
	static const struct vmconfig empty;

	return !memcmp(cfg, &empty, sizeof(empty));
}

/* @text must fail with a message containing @part; @cfg is left empty. */
static void expect_error(const char *name, const char *text, const char *part)
{
	struct vmconfig cfg;
	char label[128];
	int rc = parse(text, &cfg);

	snprintf(label, sizeof(label), "%s-fails", name);
	EXPECT(label, rc == -1 && is_empty(&cfg));
	EXPECT_CONTAINS(name, rc ? err : "(parsed)", part);
	vmconfig_free(&cfg);
}

/* MINIMAL plus @extra must fail with a message containing @part. */
static void expect_error_with(const char *name, const char *extra,
			      const char *part)
{
	char text[4096];

	snprintf(text, sizeof(text), MINIMAL "%s", extra);
	expect_error(name, text, part);
}

/* @text must parse; the caller frees @cfg. */
static bool parse_ok(const char *name, const char *text, struct vmconfig *cfg)
{
	int rc = parse(text, cfg);

	if (rc)
		printf("FAIL: userspace/%s: parse failed: %s\n", name, err);
	EXPECT(name, rc == 0);
	return rc == 0;
}

/* The value of MINIMAL plus @extra, for checks on one field. */
static bool parse_with(const char *name, const char *extra,
		       struct vmconfig *cfg)
{
	char text[8192];

	snprintf(text, sizeof(text), MINIMAL "%s", extra);
	return parse_ok(name, text, cfg);
}

static void test_minimal_and_defaults(void)
{
	struct vmconfig cfg;

	if (!parse_ok("minimal-parses", MINIMAL, &cfg))
		return;
	EXPECT_STR("minimal-name", cfg.name, "vm1");
	EXPECT_STR("minimal-kernel", cfg.kernel, "/boot/vmlinuz");
	EXPECT("default-memory", cfg.memory_mib == 512);
	EXPECT("default-vcpus", cfg.vcpus == 1);
	EXPECT("default-ramdisk", cfg.ramdisk == NULL);
	EXPECT_STR("default-cmdline", cfg.cmdline, "");
	EXPECT("default-on-poweroff", cfg.on_poweroff == VM_ACTION_DESTROY);
	EXPECT("default-on-reboot", cfg.on_reboot == VM_ACTION_RESTART);
	EXPECT("default-on-crash", cfg.on_crash == VM_ACTION_DESTROY);
	EXPECT_STR("default-uuid", cfg.uuid, "");
	EXPECT("default-disks", cfg.nr_disks == 0 && cfg.disks == NULL);
	EXPECT("default-vifs", cfg.nr_vifs == 0 && cfg.vifs == NULL);
	EXPECT("success-clears-err", err[0] == '\0');
	vmconfig_free(&cfg);
	EXPECT("free-empties", is_empty(&cfg));
	vmconfig_free(&cfg);
	EXPECT("free-twice", is_empty(&cfg));
}

static void test_every_key(void)
{
	static const char text[] =
		"# A guest with every key hxen knows.\n"
		"name = \"web-01.example_a\"\n"
		"type = \"pvh\"\n"
		"memory = 2048\n"
		"maxmem = 2048\n"
		"vcpus = 4\n"
		"maxvcpus = 4\n"
		"kernel = \"/boot/vmlinuz-6.1\"\n"
		"ramdisk = \"/boot/initrd.img-6.1\"\n"
		"cmdline = \"root=/dev/xvda1 ro console=hvc0\"\n"
		"on_poweroff = \"preserve\"\n"
		"on_reboot = \"destroy\"\n"
		"on_crash = \"restart\"\n"
		"uuid = \"0F1E2D3C-4b5a-6978-8796-A5B4C3D2E1F0\"\n"
		"disk = [ 'format=raw, vdev=xvda, target=/srv/web.img',\n"
		"         'format=qcow2, vdev=xvdb, target=/srv/data.qcow2' ]\n"
		"vif = [ 'mac=00:16:3e:00:00:01,hostfwd=tcp::2222-:22' ]\n";
	struct vmconfig cfg;

	if (!parse_ok("every-key-parses", text, &cfg))
		return;
	EXPECT_STR("key-name", cfg.name, "web-01.example_a");
	EXPECT("key-memory", cfg.memory_mib == 2048);
	EXPECT("key-vcpus", cfg.vcpus == 4);
	EXPECT_STR("key-kernel", cfg.kernel, "/boot/vmlinuz-6.1");
	EXPECT_STR("key-ramdisk", cfg.ramdisk, "/boot/initrd.img-6.1");
	EXPECT_STR("key-cmdline", cfg.cmdline,
		   "root=/dev/xvda1 ro console=hvc0");
	EXPECT("key-on-poweroff", cfg.on_poweroff == VM_ACTION_PRESERVE);
	EXPECT("key-on-reboot", cfg.on_reboot == VM_ACTION_DESTROY);
	EXPECT("key-on-crash", cfg.on_crash == VM_ACTION_RESTART);
	EXPECT_STR("key-uuid-lower-cased", cfg.uuid,
		   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	EXPECT("key-disk-count", cfg.nr_disks == 2);
	if (cfg.nr_disks == 2) {
		EXPECT_STR("key-disk-0", cfg.disks[0],
			   "format=raw, vdev=xvda, target=/srv/web.img");
		EXPECT_STR("key-disk-1", cfg.disks[1],
			   "format=qcow2, vdev=xvdb, target=/srv/data.qcow2");
	}
	EXPECT("key-vif-count", cfg.nr_vifs == 1);
	if (cfg.nr_vifs == 1)
		EXPECT_STR("key-vif-0", cfg.vifs[0],
			   "mac=00:16:3e:00:00:01,hostfwd=tcp::2222-:22");
	vmconfig_free(&cfg);
}

static void test_comments_and_separators(void)
{
	struct vmconfig cfg;

	if (parse_ok("comments-parse",
		     "# leading comment\n"
		     "\n"
		     "   # indented comment\n"
		     "name = \"c1\"   # trailing comment\n"
		     "kernel = \"/k#not-a-comment\" # real one\n"
		     "cmdline = 'a # b'\n"
		     "#memory = 9999\n"
		     "\n", &cfg)) {
		EXPECT_STR("hash-in-double-quotes", cfg.kernel,
			   "/k#not-a-comment");
		EXPECT_STR("hash-in-single-quotes", cfg.cmdline, "a # b");
		EXPECT("commented-out-key-ignored", cfg.memory_mib == 512);
		vmconfig_free(&cfg);
	}
	if (parse_ok("semicolons-parse",
		     "name=\"s1\";kernel=\"/k\"; memory = 1024 ;vcpus=2;;\n"
		     ";\n", &cfg)) {
		EXPECT_STR("semicolon-name", cfg.name, "s1");
		EXPECT("semicolon-memory", cfg.memory_mib == 1024);
		EXPECT("semicolon-vcpus", cfg.vcpus == 2);
		vmconfig_free(&cfg);
	}
	if (parse_ok("crlf-parses",
		     "name = \"w1\"\r\nkernel = \"/k\"\r\nmemory = 64\r\n",
		     &cfg)) {
		EXPECT_STR("crlf-name", cfg.name, "w1");
		EXPECT("crlf-memory", cfg.memory_mib == 64);
		vmconfig_free(&cfg);
	}
	if (parse_ok("no-final-newline", "name = \"n\"\nkernel = \"/k\"",
		     &cfg))
		vmconfig_free(&cfg);
	expect_error_with("two-settings-one-line", "memory = 64 vcpus = 2\n",
			  "guest.cfg:3: expected the end of the line or ';' after the value of 'memory', found 'vcpus'");
}

static void test_lists(void)
{
	struct vmconfig cfg;

	if (parse_with("list-multiline-trailing-comma",
		       "disk = [\n"
		       "  '/a,,xvda',   # first\n"
		       "\n"
		       "  \"/b,,xvdb\" ,\n"
		       "  '/c,,xvdc',\n"
		       "]\n"
		       "vif = []\n", &cfg)) {
		EXPECT("list-count", cfg.nr_disks == 3);
		if (cfg.nr_disks == 3) {
			EXPECT_STR("list-item-0", cfg.disks[0], "/a,,xvda");
			EXPECT_STR("list-item-1", cfg.disks[1], "/b,,xvdb");
			EXPECT_STR("list-item-2", cfg.disks[2], "/c,,xvdc");
		}
		EXPECT("empty-list", cfg.nr_vifs == 0);
		vmconfig_free(&cfg);
	}
	if (parse_with("list-16-disks",
		       "disk = ['/1,,xvda','/2,,xvdb','/3,,xvdc','/4,,xvdd',"
		       "'/5,,xvde','/6,,xvdf','/7,,xvdg','/8,,xvdh',"
		       "'/9,,xvdi','/10,,xvdj','/11,,xvdk','/12,,xvdl',"
		       "'/13,,xvdm','/14,,xvdn','/15,,xvdo','/16,,xvdp']\n",
		       &cfg)) {
		EXPECT("list-16-disks-count", cfg.nr_disks == 16);
		vmconfig_free(&cfg);
	}
	expect_error_with("list-17-disks",
			  "disk = ['1','2','3','4','5','6','7','8','9','10',\n"
			  "'11','12','13','14','15','16',\n'17']\n",
			  "guest.cfg:5: 'disk' has more than 16 entries");
	expect_error_with("list-17-vifs",
			  "vif = ['1','2','3','4','5','6','7','8','9','10',"
			  "'11','12','13','14','15','16','17']\n",
			  "guest.cfg:3: 'vif' has more than 16 entries");
	expect_error_with("list-empty-string",
			  "disk = [ 'a',\n '' ]\n",
			  "guest.cfg:4: entry 2 of 'disk' is empty");
	expect_error_with("list-empty-vif", "vif = [ \"\" ]\n",
			  "guest.cfg:3: entry 1 of 'vif' is empty");
	expect_error_with("list-integer-item", "disk = [ 'a', 5 ]\n",
			  "guest.cfg:3: expected a string or ']' in the list, found an integer");
	expect_error_with("list-nested", "disk = [ [ 'a' ] ]\n",
			  "found '['");
	expect_error_with("list-lone-comma", "disk = [ , ]\n",
			  "found ','");
	expect_error_with("list-double-comma", "disk = [ 'a',, ]\n",
			  "found ','");
	expect_error_with("list-missing-comma", "disk = [ 'a' 'b' ]\n",
			  "expected ',' or ']' in the list, found a string");
	expect_error_with("list-unterminated",
			  "\ndisk = [ 'a',\n 'b'\n",
			  "guest.cfg:4: unterminated list");
	expect_error_with("list-unterminated-after-comma",
			  "disk = [ 'a',\n", "guest.cfg:3: unterminated list");
	expect_error_with("list-for-string-key", "cmdline = [ 'a' ]\n",
			  "guest.cfg:3: 'cmdline' must be a string");
	expect_error_with("string-for-list-key", "disk = 'a'\n",
			  "guest.cfg:3: 'disk' must be a list of strings");
	expect_error_with("list-semicolon-inside", "disk = [ 'a'; ]\n",
			  "found ';'");
}

static void test_strings(void)
{
	struct vmconfig cfg;

	if (parse_with("escapes-parse",
		       "cmdline = 'a\\'b \"c\" \\\\ d\\n\\te\\\"'\n", &cfg)) {
		EXPECT_STR("escapes", cfg.cmdline,
			   "a'b \"c\" \\ d\n\te\"");
		vmconfig_free(&cfg);
	}
	if (parse_with("double-quoted-single", "cmdline = \"it's\"\n", &cfg)) {
		EXPECT_STR("double-quoted-single-value", cfg.cmdline, "it's");
		vmconfig_free(&cfg);
	}
	if (parse_with("utf8-string", "cmdline = \"x=gr\xc3\xbc\xc3\x9f \xe2\x82\xac\"\n",
		       &cfg)) {
		EXPECT_STR("utf8-string-value", cfg.cmdline,
			   "x=gr\xc3\xbc\xc3\x9f \xe2\x82\xac");
		vmconfig_free(&cfg);
	}
	if (parse_with("empty-string-cmdline", "cmdline = ''\n", &cfg)) {
		EXPECT_STR("empty-string-cmdline-value", cfg.cmdline, "");
		vmconfig_free(&cfg);
	}
	expect_error_with("bad-escape", "cmdline = \"a\\qb\"\n",
			  "guest.cfg:3: invalid escape '\\' followed by 'q'");
	expect_error_with("bad-escape-zero", "cmdline = \"a\\0\"\n",
			  "invalid escape");
	expect_error_with("unterminated-string",
			  "\n\ncmdline = \"abc\n", "guest.cfg:5: unterminated string");
	expect_error_with("unterminated-string-eof", "cmdline = 'abc",
			  "guest.cfg:3: unterminated string");
	expect_error_with("unterminated-by-escape", "cmdline = 'abc\\'\n",
			  "guest.cfg:3: unterminated string");
	expect_error_with("backslash-at-eof", "cmdline = 'abc\\",
			  "guest.cfg:3: unterminated string");
	expect_error_with("mismatched-quotes", "cmdline = \"abc'\n",
			  "guest.cfg:3: unterminated string");
	expect_error_with("control-char-in-string", "cmdline = \"a\x01\"\n",
			  "guest.cfg:3: control character (byte 0x01) in string");
	expect_error_with("bad-utf8-in-string", "cmdline = \"a\xff\"\n",
			  "guest.cfg:3: invalid UTF-8 in string");
	expect_error_with("overlong-utf8", "cmdline = \"\xc0\xaf\"\n",
			  "invalid UTF-8");
	expect_error_with("surrogate-utf8", "cmdline = \"\xed\xa0\x80\"\n",
			  "invalid UTF-8");
	expect_error_with("truncated-utf8", "cmdline = \"\xe2\x82\"\n",
			  "invalid UTF-8");
	expect_error_with("unquoted-value", "on_crash = destroy\n",
			  "guest.cfg:3: the value of 'on_crash' must be quoted: \"destroy\"");
}

static void test_integers(void)
{
	struct vmconfig cfg;

	if (parse_with("hex-parses", "memory = 0x400\nvcpus = 0X0a\n", &cfg)) {
		EXPECT("hex-memory", cfg.memory_mib == 1024);
		EXPECT("hex-vcpus-upper-x", cfg.vcpus == 10);
		vmconfig_free(&cfg);
	}
	if (parse_with("hex-leading-zeros", "memory = 0x0000000000000000100\n",
		       &cfg)) {
		EXPECT("hex-leading-zeros-value", cfg.memory_mib == 256);
		vmconfig_free(&cfg);
	}
	expect_error_with("hex-no-digits", "memory = 0x\n",
			  "guest.cfg:3: invalid integer '0x'");
	expect_error_with("hex-bad-digit", "memory = 0x1g\n",
			  "invalid integer '0x1g'");
	expect_error_with("unit-suffix", "memory = 512M\n",
			  "guest.cfg:3: invalid integer '512M'");
	expect_error_with("decimal-point", "memory = 512.5\n",
			  "invalid integer '512.5'");
	expect_error_with("leading-zero", "memory = 0100\n",
			  "guest.cfg:3: integer '0100' has a leading zero");
	expect_error_with("negative-memory", "memory = -512\n",
			  "guest.cfg:3: 'memory' must not be negative");
	expect_error_with("negative-vcpus", "vcpus = -1\n",
			  "'vcpus' must not be negative");
	expect_error_with("plus-sign", "memory = +512\n",
			  "guest.cfg:3: unexpected '+'");
	expect_error_with("overflow-decimal",
			  "memory = 18446744073709551616\n",
			  "guest.cfg:3: integer '18446744073709551616' is too large");
	expect_error_with("overflow-huge",
			  "memory = 99999999999999999999999999999999\n",
			  "is too large");
	expect_error_with("overflow-hex", "memory = 0x10000000000000000\n",
			  "integer '0x10000000000000000' is too large");
	expect_error_with("u64-max-decimal", "memory = 18446744073709551615\n",
			  "'memory' must be between 16 and 65536 (MiB), not 18446744073709551615");
	expect_error_with("u64-max-hex", "vcpus = 0xffffffffffffffff\n",
			  "'vcpus' must be between 1 and 64, not 18446744073709551615");
	expect_error_with("vcpus-wraps-to-1", "vcpus = 0x100000001\n",
			  "'vcpus' must be between 1 and 64");
	expect_error_with("string-for-int", "memory = \"512\"\n",
			  "guest.cfg:3: 'memory' must be an integer (MiB)");
	expect_error_with("list-for-int", "vcpus = [ '1' ]\n",
			  "guest.cfg:3: 'vcpus' must be an integer");
}

static void test_ranges(void)
{
	struct vmconfig cfg;

	if (parse_with("memory-min", "memory = 16\n", &cfg)) {
		EXPECT("memory-min-value", cfg.memory_mib == 16);
		vmconfig_free(&cfg);
	}
	if (parse_with("memory-max", "memory = 65536\n", &cfg)) {
		EXPECT("memory-max-value", cfg.memory_mib == 65536);
		vmconfig_free(&cfg);
	}
	if (parse_with("vcpus-max", "vcpus = 64\n", &cfg)) {
		EXPECT("vcpus-max-value", cfg.vcpus == 64);
		vmconfig_free(&cfg);
	}
	expect_error_with("memory-too-small", "memory = 15\n",
			  "guest.cfg:3: 'memory' must be between 16 and 65536 (MiB), not 15");
	expect_error_with("memory-zero", "memory = 0\n",
			  "'memory' must be between 16 and 65536 (MiB), not 0");
	expect_error_with("memory-too-large", "memory = 65537\n",
			  "guest.cfg:3: 'memory' must be between 16 and 65536 (MiB), not 65537");
	expect_error_with("vcpus-zero", "vcpus = 0\n",
			  "guest.cfg:3: 'vcpus' must be between 1 and 64, not 0");
	expect_error_with("vcpus-too-many", "vcpus = 65\n",
			  "'vcpus' must be between 1 and 64, not 65");
}

static void test_names(void)
{
	char text[256];
	struct vmconfig cfg;
	char name64[65];

	memset(name64, 'n', 64);
	name64[64] = '\0';
	snprintf(text, sizeof(text), "name = '%s'\nkernel = '/k'\n", name64);
	if (parse_ok("name-64-chars", text, &cfg)) {
		EXPECT_STR("name-64-chars-value", cfg.name, name64);
		vmconfig_free(&cfg);
	}
	snprintf(text, sizeof(text), "name = '%sx'\nkernel = '/k'\n", name64);
	expect_error("name-65-chars", text,
		     "guest.cfg:1: 'name' is 65 characters long; the limit is 64");
	expect_error("name-empty", "name = ''\nkernel = '/k'\n",
		     "guest.cfg:1: 'name' must not be empty");
	expect_error("name-dash", "kernel = '/k'\nname = '-vm'\n",
		     "guest.cfg:2: 'name' must not start with '-'");
	expect_error("name-dot", "name = '.vm'\nkernel = '/k'\n",
		     "'name' must not start with '.'");
	expect_error("name-space", "name = 'my vm'\nkernel = '/k'\n",
		     "'name' may hold only letters, digits, '_', '.' and '-', not ' '");
	expect_error("name-slash", "name = 'a/b'\nkernel = '/k'\n",
		     "not '/'");
	expect_error("name-utf8", "name = 'gr\xc3\xbc'\nkernel = '/k'\n",
		     "not byte 0xc3");
	expect_error("name-int", "name = 5\nkernel = '/k'\n",
		     "guest.cfg:1: 'name' must be a string");
	if (parse_ok("name-dash-inside", "name = 'a-b.c_d-'\nkernel = '/k'\n",
		     &cfg)) {
		EXPECT_STR("name-dash-inside-value", cfg.name, "a-b.c_d-");
		vmconfig_free(&cfg);
	}
}

static void test_type_and_builder(void)
{
	struct vmconfig cfg;

	if (parse_with("type-pvh", "type = 'pvh'\n", &cfg))
		vmconfig_free(&cfg);
	expect_error_with("type-hvm", "type = 'hvm'\n",
			  "guest.cfg:3: type \"hvm\" is not supported: hxen boots guests as PVH");
	expect_error_with("type-pv", "type = \"pv\"\n",
			  "type \"pv\" is not supported: hxen boots guests as PVH");
	expect_error_with("type-unknown", "type = 'PVH'\n",
			  "unknown type \"PVH\"");
	expect_error_with("builder", "builder = 'hvm'\n",
			  "guest.cfg:3: 'builder' is deprecated; use type = \"pvh\"");
	expect_error_with("builder-int", "builder = 1\n",
			  "'builder' is deprecated");
}

static void test_cmdline_combinations(void)
{
	struct vmconfig cfg;
	char text[6000];

	if (parse_with("root-only", "root = '/dev/xvda1'\n", &cfg)) {
		EXPECT_STR("root-only-value", cfg.cmdline, "root=/dev/xvda1");
		vmconfig_free(&cfg);
	}
	if (parse_with("extra-only", "extra = 'console=hvc0 quiet'\n", &cfg)) {
		EXPECT_STR("extra-only-value", cfg.cmdline,
			   "console=hvc0 quiet");
		vmconfig_free(&cfg);
	}
	if (parse_with("root-and-extra",
		       "extra = 'console=hvc0'\nroot = '/dev/xvda1 ro'\n",
		       &cfg)) {
		EXPECT_STR("root-and-extra-value", cfg.cmdline,
			   "root=/dev/xvda1 ro console=hvc0");
		vmconfig_free(&cfg);
	}
	if (parse_with("cmdline-only", "cmdline = 'root=/dev/sda quiet'\n",
		       &cfg)) {
		EXPECT_STR("cmdline-only-value", cfg.cmdline,
			   "root=/dev/sda quiet");
		vmconfig_free(&cfg);
	}
	expect_error_with("cmdline-and-root",
			  "root = '/dev/xvda1'\ncmdline = 'quiet'\n",
			  "guest.cfg:4: 'cmdline' cannot be combined with 'root' (line 3)");
	expect_error_with("cmdline-and-extra",
			  "cmdline = 'quiet'\n\nextra = 'console=hvc0'\n",
			  "guest.cfg:3: 'cmdline' cannot be combined with 'extra' (line 5)");

	/* 4095 bytes fit; 4096 do not. */
	snprintf(text, sizeof(text), MINIMAL "cmdline = '%4095d'\n", 7);
	if (parse_ok("cmdline-4095", text, &cfg)) {
		EXPECT("cmdline-4095-length", strlen(cfg.cmdline) == 4095);
		vmconfig_free(&cfg);
	}
	snprintf(text, sizeof(text), MINIMAL "cmdline = '%4096d'\n", 7);
	expect_error("cmdline-4096", text,
		     "guest.cfg:3: the kernel command line is 4096 bytes long; the limit is 4095");
	/* "root=" + 2040 + " " + 2050 = 4096 */
	snprintf(text, sizeof(text), MINIMAL "root = '%2040d'\nextra = '%2050d'\n",
		 1, 2);
	expect_error("root-extra-too-long", text,
		     "guest.cfg:4: the kernel command line is 4096 bytes long");
	snprintf(text, sizeof(text), MINIMAL "root = '%2040d'\nextra = '%2049d'\n",
		 1, 2);
	if (parse_ok("root-extra-4095", text, &cfg)) {
		EXPECT("root-extra-4095-length", strlen(cfg.cmdline) == 4095);
		vmconfig_free(&cfg);
	}
}

static void test_actions(void)
{
	static const char *const unsupported[] = {
		"rename-restart", "coredump-destroy", "coredump-restart",
		"soft-reset",
	};
	struct vmconfig cfg;
	char text[128], label[64], want[128];
	size_t i;

	if (parse_with("actions-all", "on_poweroff = 'restart'\n"
		       "on_reboot = 'preserve'\non_crash = 'destroy'\n", &cfg)) {
		EXPECT("action-restart", cfg.on_poweroff == VM_ACTION_RESTART);
		EXPECT("action-preserve", cfg.on_reboot == VM_ACTION_PRESERVE);
		EXPECT("action-destroy", cfg.on_crash == VM_ACTION_DESTROY);
		vmconfig_free(&cfg);
	}
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		snprintf(text, sizeof(text), "on_crash = '%s'\n", unsupported[i]);
		snprintf(label, sizeof(label), "action-%s", unsupported[i]);
		snprintf(want, sizeof(want),
			 "guest.cfg:3: on_crash = \"%s\" is not supported by hxen",
			 unsupported[i]);
		expect_error_with(label, text, want);
	}
	expect_error_with("action-unknown", "on_reboot = 'reboot'\n",
			  "guest.cfg:3: unknown action \"reboot\" for 'on_reboot'");
	expect_error_with("action-int", "on_poweroff = 1\n",
			  "'on_poweroff' must be a string");
	EXPECT_STR("action-name-destroy", vm_action_name(VM_ACTION_DESTROY),
		   "destroy");
	EXPECT_STR("action-name-restart", vm_action_name(VM_ACTION_RESTART),
		   "restart");
	EXPECT_STR("action-name-preserve", vm_action_name(VM_ACTION_PRESERVE),
		   "preserve");
	EXPECT_STR("action-name-bad", vm_action_name((enum vm_action)42),
		   "unknown");
}

static void test_maxima(void)
{
	struct vmconfig cfg;

	if (parse_with("maxmem-equal-before-memory",
		       "maxmem = 1024\nmemory = 1024\n", &cfg)) {
		EXPECT("maxmem-equal-memory", cfg.memory_mib == 1024);
		vmconfig_free(&cfg);
	}
	if (parse_with("maxmem-equal-default", "maxmem = 512\n", &cfg))
		vmconfig_free(&cfg);
	if (parse_with("maxvcpus-equal", "maxvcpus = 2\nvcpus = 2\n", &cfg)) {
		EXPECT("maxvcpus-equal-vcpus", cfg.vcpus == 2);
		vmconfig_free(&cfg);
	}
	expect_error_with("maxmem-larger", "memory = 1024\nmaxmem = 2048\n",
			  "guest.cfg:4: 'maxmem' (2048) must equal 'memory' (1024): hxen does not balloon guests");
	expect_error_with("maxmem-against-default", "maxmem = 1024\n",
			  "'maxmem' (1024) must equal 'memory' (512)");
	expect_error_with("maxvcpus-larger", "maxvcpus = 8\nvcpus = 2\n",
			  "guest.cfg:3: 'maxvcpus' (8) must equal 'vcpus' (2)");
	expect_error_with("maxvcpus-negative", "maxvcpus = -1\n",
			  "'maxvcpus' must not be negative");
}

static void test_uuid(void)
{
	struct vmconfig cfg;

	if (parse_with("uuid-lower", "uuid = '01234567-89ab-cdef-0123-456789abcdef'\n",
		       &cfg)) {
		EXPECT_STR("uuid-lower-value", cfg.uuid,
			   "01234567-89ab-cdef-0123-456789abcdef");
		vmconfig_free(&cfg);
	}
	expect_error_with("uuid-short", "uuid = '01234567-89ab-cdef-0123-456789abcde'\n",
			  "guest.cfg:3: 'uuid' must be 32 hex digits in groups of 8-4-4-4-12");
	expect_error_with("uuid-long", "uuid = '01234567-89ab-cdef-0123-456789abcdef0'\n",
			  "'uuid' must be 32 hex digits");
	expect_error_with("uuid-bad-char", "uuid = '01234567-89ab-cdef-0123-456789abcdeg'\n",
			  "'uuid' must be 32 hex digits");
	expect_error_with("uuid-no-dashes", "uuid = '0123456789abcdef0123456789abcdef'\n",
			  "'uuid' must be 32 hex digits");
	expect_error_with("uuid-moved-dash", "uuid = '0123456-789ab-cdef-0123-456789abcdef'\n",
			  "'uuid' must be 32 hex digits");
}

static void test_paths(void)
{
	struct vmconfig cfg;
	char text[8192];

	if (parse_ok("relative-kernel",
		     "name = 'r'\nkernel = 'vmlinuz'\nramdisk = 'boot/../initrd'\n",
		     &cfg)) {
		EXPECT_STR("relative-kernel-value", cfg.kernel,
			   BASE_DIR "/vmlinuz");
		EXPECT_STR("relative-ramdisk-keeps-dotdot", cfg.ramdisk,
			   BASE_DIR "/boot/../initrd");
		vmconfig_free(&cfg);
	}
	if (parse_ok("dot-slash-kernel",
		     "name = 'r'\nkernel = './images//vmlinuz'\n", &cfg)) {
		EXPECT_STR("dot-slash-kernel-value", cfg.kernel,
			   BASE_DIR "/images/vmlinuz");
		vmconfig_free(&cfg);
	}
	if (parse_ok("absolute-kernel-cleaned",
		     "name = 'r'\nkernel = '//boot/./vmlinuz'\n", &cfg)) {
		EXPECT_STR("absolute-kernel-cleaned-value", cfg.kernel,
			   "/boot/vmlinuz");
		vmconfig_free(&cfg);
	}
	if (vmconfig_parse_string("name = 'r'\nkernel = 'k'\n", "g.cfg", "/",
				  &cfg, err, sizeof(err)) == 0) {
		EXPECT_STR("relative-to-root", cfg.kernel, "/k");
		vmconfig_free(&cfg);
	} else {
		EXPECT("relative-to-root", 0);
	}
	EXPECT("relative-without-base-dir",
	       vmconfig_parse_string("name = 'r'\nkernel = 'k'\n", "g.cfg",
				     NULL, &cfg, err, sizeof(err)) == -1);
	EXPECT_CONTAINS("relative-without-base-dir-message", err,
			"g.cfg:2: 'kernel' is a relative path ('k') with no directory");
	EXPECT("relative-base-dir-refused",
	       vmconfig_parse_string(MINIMAL, "g.cfg", "etc", &cfg, err,
				     sizeof(err)) == -1);
	EXPECT_CONTAINS("relative-base-dir-message", err,
			"the base directory 'etc' is not absolute");
	if (vmconfig_parse_string(MINIMAL, NULL, NULL, &cfg, err,
				  sizeof(err)) == 0) {
		EXPECT("absolute-without-base-dir", 1);
		vmconfig_free(&cfg);
	} else {
		EXPECT("absolute-without-base-dir", 0);
	}
	expect_error("kernel-empty", "name = 'r'\nkernel = ''\n",
		     "guest.cfg:2: 'kernel' must not be empty");
	expect_error("kernel-int", "name = 'r'\nkernel = 1\n",
		     "'kernel' must be a string (a path)");

	snprintf(text, sizeof(text), "name = 'r'\nkernel = '/%04200d'\n", 0);
	expect_error("kernel-too-long", text,
		     "guest.cfg:2: 'kernel' is longer than 4095 bytes");
}

static void test_duplicates_and_unknown(void)
{
	expect_error_with("duplicate-key", "memory = 64\n\nmemory = 128\n",
			  "guest.cfg:5: 'memory' is set twice (first on line 3)");
	expect_error("duplicate-name", "name = 'a'; name = 'a'\nkernel = '/k'\n",
		     "guest.cfg:1: 'name' is set twice (first on line 1)");
	expect_error_with("duplicate-list", "disk = []\ndisk = ['a']\n",
			  "'disk' is set twice");
	expect_error("unknown-key",
		     "name = 'a'\nkernel = '/k'\n\n\n\n\nfooo = 1\n",
		     "guest.cfg:7: unknown key 'fooo'");
	expect_error_with("unknown-key-xl", "vnc = 1\n",
			  "guest.cfg:3: unknown key 'vnc'");
	expect_error_with("key-case-matters", "Memory = 64\n",
			  "unknown key 'Memory'");
	expect_error_with("missing-equals", "memory 64\n",
			  "guest.cfg:3: expected '=' after 'memory', found an integer");
	expect_error_with("missing-value", "memory =\n",
			  "guest.cfg:3: no value for 'memory'");
	expect_error_with("missing-value-eof", "memory = ",
			  "guest.cfg:3: no value for 'memory'");
	expect_error_with("missing-value-semicolon", "memory = ; vcpus = 1\n",
			  "no value for 'memory'");
	expect_error_with("value-is-bracket", "memory = ]\n",
			  "guest.cfg:3: expected a value, found ']'");
	expect_error_with("no-key", "= 5\n",
			  "guest.cfg:3: expected a setting (KEY = VALUE), found '='");
	expect_error_with("string-as-key", "'memory' = 5\n",
			  "expected a setting (KEY = VALUE), found a string");
	expect_error_with("double-equals", "memory == 5\n",
			  "expected a value, found '='");
	expect_error_with("key-starting-with-digit", "1memory = 5\n",
			  "invalid integer '1memory'");
}

static void test_missing_required(void)
{
	expect_error("empty-file", "", "guest.cfg: no 'name' is set; it is required");
	expect_error("only-comments", "# nothing here\n\n",
		     "no 'name' is set");
	expect_error("missing-kernel", "name = 'a'\n",
		     "guest.cfg: no 'kernel' is set; it is required");
	expect_error("missing-name", "kernel = '/k'\n", "no 'name' is set");
}

static void test_garbage(void)
{
	struct vmconfig cfg;
	char small[24];

	expect_error("garbage-bytes", "\xff\xfe\x00", "guest.cfg:1: unexpected byte 0xff");
	expect_error_with("garbage-control", "\x01\n",
			  "guest.cfg:3: unexpected byte 0x01");
	expect_error_with("garbage-punctuation", "memory = 64 $\n",
			  "guest.cfg:3: unexpected '$'");
	expect_error_with("garbage-utf8-key", "m\xc3\xa9mory = 64\n",
			  "unexpected byte 0xc3");
	expect_error_with("garbage-after-list", "disk = [] x\n",
			  "found 'x'");

	/* A message cut short by a small buffer stays a C string. */
	memset(small, 'X', sizeof(small));
	EXPECT("small-err-buffer",
	       vmconfig_parse_string("fooooooooooooooooooo = 1", "guest.cfg",
				     NULL, &cfg, small, sizeof(small)) == -1 &&
	       memchr(small, '\0', sizeof(small)) &&
	       !strncmp(small, "guest.cfg:1: unknown", 20));
	EXPECT("no-err-buffer",
	       vmconfig_parse_string("fooo = 1", "guest.cfg", NULL, &cfg,
				     NULL, 0) == -1 && is_empty(&cfg));
	EXPECT("null-text",
	       vmconfig_parse_string(NULL, "guest.cfg", NULL, &cfg, err,
				     sizeof(err)) == -1 && is_empty(&cfg));
	EXPECT_CONTAINS("default-error-name",
			(vmconfig_parse_string("x = 1", NULL, NULL, &cfg, err,
					       sizeof(err)), err),
			"(config):1: unknown key 'x'");
}

/* A string of @len copies of @c, between @before and @after. */
static char *long_text(const char *before, char c, size_t len,
		       const char *after)
{
	size_t nb = strlen(before), na = strlen(after);
	char *text = malloc(nb + len + na + 1);

	if (!text)
		abort();
	memcpy(text, before, nb);
	memset(text + nb, c, len);
	memcpy(text + nb + len, after, na + 1);
	return text;
}

static void test_long_lines(void)
{
	struct vmconfig cfg;
	char *text;

	text = long_text(MINIMAL "# ", 'c', 500000, "\nmemory = 64\n");
	if (parse_ok("long-comment", text, &cfg)) {
		EXPECT("long-comment-then-key", cfg.memory_mib == 64);
		vmconfig_free(&cfg);
	}
	free(text);

	text = long_text(MINIMAL, 'k', 300000, " = 1\n");
	expect_error("long-key", text,
		     "guest.cfg:3: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'");
	EXPECT("long-key-message-short", strlen(err) < 120);
	free(text);

	text = long_text(MINIMAL "cmdline = '", 'a', 200000, "'\n");
	expect_error("long-cmdline", text,
		     "guest.cfg:3: the kernel command line is 200000 bytes long");
	free(text);

	text = long_text(MINIMAL "disk = [ 'vdev=xvda,", ' ', 200000,
			 "target=/d' ]\n");
	if (parse_ok("long-disk-spec", text, &cfg)) {
		EXPECT("long-disk-spec-kept", cfg.nr_disks == 1 &&
		       strlen(cfg.disks[0]) == 200019);
		vmconfig_free(&cfg);
	}
	free(text);

	text = long_text(MINIMAL "disk = [ 'vdev=xvda, target=/", 'd', 200000,
			 "' ]\n");
	expect_error("long-disk-target", text,
		     "guest.cfg:3: disk 1: the target is longer than 4095 bytes");
	free(text);

	text = long_text(MINIMAL "memory = ", '9', 100000, "\n");
	expect_error("long-integer", text, "is too large");
	EXPECT("long-integer-message-short", strlen(err) < 120);
	free(text);

	text = long_text(MINIMAL "memory = 1", 'x', 100000, "\n");
	expect_error("long-bad-integer", text, "invalid integer '1xxx");
	free(text);

	text = long_text(MINIMAL "vif = [\n", ',', 100000, "]\n");
	expect_error("many-commas", text, "found ','");
	free(text);

	text = long_text(MINIMAL, '\n', 100000, "bad = 1\n");
	expect_error("line-count-high", text, "guest.cfg:100003: unknown key 'bad'");
	free(text);
}

/* Write @len bytes of @data to @name in the temporary directory. */
static const char *write_temp(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

static const char *write_temp_string(const char *name, const char *text)
{
	return write_temp(name, text, strlen(text));
}

static void test_files(void)
{
	static const char nul_text[] = "name = 'a'\nkernel = '/k'\0\nmemory = 64\n";
	char path[256], want[512], dir_cfg[256];
	struct vmconfig cfg;
	char *big;
	size_t big_len;

	snprintf(path, sizeof(path), "%s", write_temp_string("guest.cfg",
		 "name = 'f'\nkernel = 'vmlinuz'\nramdisk = '/nonexistent/initrd'\n"));
	if (vmconfig_parse_file(path, &cfg, err, sizeof(err)) == 0) {
		snprintf(want, sizeof(want), "%s/vmlinuz", tmpdir);
		EXPECT_STR("file-relative-kernel", cfg.kernel, want);
		EXPECT_STR("file-name", cfg.name, "f");

		/* The kernel is missing, then present. */
		EXPECT("check-files-missing-kernel",
		       vmconfig_check_files(&cfg, err, sizeof(err)) == -1);
		snprintf(want, sizeof(want),
			 "kernel '%s/vmlinuz': No such file or directory",
			 tmpdir);
		EXPECT_STR("check-files-missing-kernel-message", err, want);
		write_temp("vmlinuz", "kernel", 6);
		EXPECT("check-files-missing-ramdisk",
		       vmconfig_check_files(&cfg, err, sizeof(err)) == -1);
		EXPECT_STR("check-files-missing-ramdisk-message", err,
			   "ramdisk '/nonexistent/initrd': No such file or directory");
		free(cfg.ramdisk);
		cfg.ramdisk = NULL;
		EXPECT("check-files-ok",
		       vmconfig_check_files(&cfg, err, sizeof(err)) == 0);
		if (geteuid() != 0) {
			chmod(cfg.kernel, 0);
			EXPECT("check-files-unreadable",
			       vmconfig_check_files(&cfg, err,
						    sizeof(err)) == -1);
			EXPECT_CONTAINS("check-files-unreadable-message", err,
					"': Permission denied");
			chmod(cfg.kernel, 0644);
		}
		free(cfg.kernel);
		cfg.kernel = strdup(tmpdir);
		EXPECT("check-files-directory",
		       vmconfig_check_files(&cfg, err, sizeof(err)) == -1);
		snprintf(want, sizeof(want), "kernel '%s': not a regular file",
			 tmpdir);
		EXPECT_STR("check-files-directory-message", err, want);
		vmconfig_free(&cfg);
	} else {
		printf("FAIL: userspace/file-parses: %s\n", err);
		test_failures++;
	}
	EXPECT("check-files-no-kernel",
	       vmconfig_check_files(&cfg, err, sizeof(err)) == -1);

	/* Relative to the working directory, through a symbolic link. */
	snprintf(dir_cfg, sizeof(dir_cfg), "%s/link", tmpdir);
	if (symlink(tmpdir, dir_cfg) == 0 && chdir(dir_cfg) == 0) {
		if (vmconfig_parse_file("guest.cfg", &cfg, err, sizeof(err)) == 0) {
			snprintf(want, sizeof(want), "%s/vmlinuz", tmpdir);
			EXPECT_STR("file-in-cwd-kernel", cfg.kernel, want);
			vmconfig_free(&cfg);
		} else {
			EXPECT("file-in-cwd", 0);
		}
		if (chdir("/") != 0)
			abort();
	} else {
		EXPECT("file-in-cwd-setup", 0);
	}

	snprintf(path, sizeof(path), "%s", write_temp("nul.cfg", nul_text,
						      sizeof(nul_text) - 1));
	EXPECT("file-nul-byte",
	       vmconfig_parse_file(path, &cfg, err, sizeof(err)) == -1 &&
	       is_empty(&cfg));
	snprintf(want, sizeof(want), "%s:2: NUL byte in the file", path);
	EXPECT_STR("file-nul-byte-message", err, want);

	snprintf(path, sizeof(path), "%s/nonexistent.cfg", tmpdir);
	EXPECT("file-missing",
	       vmconfig_parse_file(path, &cfg, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	EXPECT_STR("file-missing-message", err, want);

	EXPECT("file-directory",
	       vmconfig_parse_file(tmpdir, &cfg, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s: not a regular file", tmpdir);
	EXPECT_STR("file-directory-message", err, want);

	snprintf(path, sizeof(path), "%s/fifo.cfg", tmpdir);
	if (mkfifo(path, 0600) == 0) {
		EXPECT("file-fifo",
		       vmconfig_parse_file(path, &cfg, err, sizeof(err)) == -1);
		EXPECT_CONTAINS("file-fifo-message", err, "not a regular file");
	}

	/* Exactly 1 MiB is allowed, one byte more is not. */
	big_len = VMCONFIG_FILE_MAX;
	big = malloc(big_len + 1);
	if (!big)
		abort();
	memset(big, '#', big_len + 1);
	memcpy(big, MINIMAL, strlen(MINIMAL));
	big[big_len - 1] = '\n';
	snprintf(path, sizeof(path), "%s", write_temp("big.cfg", big, big_len));
	if (vmconfig_parse_file(path, &cfg, err, sizeof(err)) == 0) {
		EXPECT("file-1mib", 1);
		vmconfig_free(&cfg);
	} else {
		printf("FAIL: userspace/file-1mib: %s\n", err);
		test_failures++;
	}
	snprintf(path, sizeof(path), "%s", write_temp("big.cfg", big,
						      big_len + 1));
	EXPECT("file-too-big",
	       vmconfig_parse_file(path, &cfg, err, sizeof(err)) == -1);
	EXPECT_CONTAINS("file-too-big-message", err, "larger than 1 MiB");
	free(big);

	snprintf(path, sizeof(path), "%s", write_temp_string("bad.cfg",
		 "name = 'a'\nkernel = '/k'\nfooo = 1\n"));
	EXPECT("file-error-names-path",
	       vmconfig_parse_file(path, &cfg, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s:3: unknown key 'fooo'", path);
	EXPECT_STR("file-error-names-path-message", err, want);
}

static char *to_json(const struct vmconfig *cfg, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	*rc = vmconfig_to_json(cfg, f);
	fclose(f);
	return buf;
}

static void test_json(void)
{
	struct vmconfig cfg;
	char *json;
	int rc;

	if (parse_ok("json-parses",
		     "name = 'j1'\nkernel = '/boot/vm\"linuz'\n"
		     "cmdline = 'a\"b\\\\c\\nd\\te \xc3\xa9'\n"
		     "memory = 1024\nvcpus = 2\non_crash = 'preserve'\n"
		     "disk = [ 'vdev=xvda,target=/x', '/y,,xvdb' ]\n", &cfg)) {
		json = to_json(&cfg, &rc);
		EXPECT("json-rc", rc == 0);
		EXPECT_STR("json-output", json,
			   "{\"name\":\"j1\",\"memory_mib\":1024,\"vcpus\":2,"
			   "\"kernel\":\"/boot/vm\\\"linuz\",\"ramdisk\":null,"
			   "\"cmdline\":\"a\\\"b\\\\c\\nd\\te \xc3\xa9\","
			   "\"on_poweroff\":\"destroy\",\"on_reboot\":\"restart\","
			   "\"on_crash\":\"preserve\",\"uuid\":null,"
			   "\"disks\":[\"vdev=xvda,target=/x\",\"/y,,xvdb\"],"
			   "\"vifs\":[]}\n");
		free(json);

		/* Control characters and bad UTF-8 put there by a caller. */
		free(cfg.cmdline);
		cfg.cmdline = strdup("\x01\x7f\r\b\f\xff\xe2\x82");
		strcpy(cfg.uuid, "01234567-89ab-cdef-0123-456789abcdef");
		json = to_json(&cfg, &rc);
		EXPECT_CONTAINS("json-control-chars", json,
				"\"cmdline\":\"\\u0001\\u007f\\r\\b\\f\\ufffd\\ufffd\\ufffd\"");
		EXPECT_CONTAINS("json-uuid", json,
				"\"uuid\":\"01234567-89ab-cdef-0123-456789abcdef\"");
		free(json);
		vmconfig_free(&cfg);
	}

	/* An empty description still makes valid JSON. */
	json = to_json(&cfg, &rc);
	EXPECT_STR("json-empty", json,
		   "{\"name\":\"\",\"memory_mib\":0,\"vcpus\":0,\"kernel\":null,"
		   "\"ramdisk\":null,\"cmdline\":null,\"on_poweroff\":\"destroy\","
		   "\"on_reboot\":\"destroy\",\"on_crash\":\"destroy\","
		   "\"uuid\":null,\"disks\":[],\"vifs\":[]}\n");
	free(json);
}

/* ---- Fuzzing ------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static const char fuzz_seed[] =
	"# seed\n"
	"name = \"fuzz-1\"\n"
	"type = 'pvh'\n"
	"memory = 0x400; maxmem = 1024\n"
	"vcpus = 2\n"
	"kernel = 'vmlinuz'\n"
	"ramdisk = \"/boot/initrd\"\n"
	"root = '/dev/xvda1'\n"
	"extra = 'console=hvc0 \\'q\\' \\\\ \\n'\n"
	"on_crash = 'preserve'\n"
	"uuid = '01234567-89ab-cdef-0123-456789ABCDEF'\n"
	"disk = [ 'vdev=xvda, target=/srv/a.img',\n"
	"         \"vdev=xvdb, target=b.img\", ]\n"
	"vif = [ 'hostfwd=tcp::2222-:22' ]\n";

/* Bytes that matter to the syntax, for insertions. */
static const char fuzz_bytes[] = "\"'\\[],;=#\n\r\t 0x-9aZ_\xff\xc3\x80\x01";

static size_t mutate(char *buf, size_t len, size_t cap)
{
	size_t pos = len ? rng() % len : 0;
	size_t n;

	switch (rng() % 6) {
	case 0:		/* overwrite a byte with anything */
		if (len)
			buf[pos] = (char)(rng() % 255 + 1);
		break;
	case 1:		/* insert a syntax byte */
		if (len + 1 < cap) {
			memmove(buf + pos + 1, buf + pos, len - pos);
			buf[pos] = fuzz_bytes[rng() % (sizeof(fuzz_bytes) - 1)];
			len++;
		}
		break;
	case 2:		/* delete a run */
		n = rng() % 8 + 1;
		if (pos + n > len)
			n = len - pos;
		memmove(buf + pos, buf + pos + n, len - pos - n);
		len -= n;
		break;
	case 3:		/* duplicate a run */
		n = rng() % 32 + 1;
		if (pos + n > len)
			n = len - pos;
		if (len + n < cap) {
			memmove(buf + pos + n, buf + pos, len - pos);
			len += n;
		}
		break;
	case 4:		/* truncate */
		len = pos;
		break;
	default:	/* swap two bytes */
		if (len) {
			size_t other = rng() % len;
			char c = buf[pos];

			buf[pos] = buf[other];
			buf[other] = c;
		}
		break;
	}
	return len;
}

/* What every successful parse must give. */
static bool is_sane(const struct vmconfig *cfg)
{
	return cfg->name[0] && cfg->kernel && cfg->kernel[0] == '/' &&
	       cfg->cmdline && strlen(cfg->cmdline) <= VMCONFIG_CMDLINE_MAX &&
	       cfg->memory_mib >= VMCONFIG_MEMORY_MIN_MIB &&
	       cfg->memory_mib <= VMCONFIG_MEMORY_MAX_MIB &&
	       cfg->vcpus >= 1 && cfg->vcpus <= VMCONFIG_VCPUS_MAX &&
	       cfg->nr_disks <= VMCONFIG_MAX_DISKS &&
	       cfg->nr_vifs <= VMCONFIG_MAX_VIFS;
}

static void test_fuzz(void)
{
	unsigned int iterations = 5000, ok = 0, bad_message = 0, bad_cfg = 0;
	unsigned int i, m, mutations;
	char buf[4096];
	struct vmconfig cfg;
	FILE *devnull = fopen("/dev/null", "w");

	if (!devnull)
		abort();
	for (i = 0; i < iterations; i++) {
		size_t len = sizeof(fuzz_seed) - 1;

		memcpy(buf, fuzz_seed, len);
		mutations = rng() % 4 + 1;
		for (m = 0; m < mutations; m++)
			len = mutate(buf, len, sizeof(buf));
		buf[len] = '\0';
		if (parse(buf, &cfg) == 0) {
			ok++;
			bad_cfg += !is_sane(&cfg) ||
				   vmconfig_to_json(&cfg, devnull) != 0;
			vmconfig_free(&cfg);
		} else if (strncmp(err, "guest.cfg:", 10) || !is_empty(&cfg)) {
			if (!bad_message)
				printf("fuzz: bad error '%s' for:\n%s\n", err, buf);
			bad_message++;
		}
	}
	fclose(devnull);
	printf("fuzz: %u of %u mutated configurations parsed\n", ok, iterations);
	EXPECT("fuzz-survived", i == iterations);
	EXPECT("fuzz-some-parsed", ok > 0);
	EXPECT("fuzz-some-failed", ok < iterations);
	EXPECT("fuzz-errors-name-file", bad_message == 0);
	EXPECT("fuzz-results-sane", bad_cfg == 0);
}

/* Mutations written to a file, with NUL bytes allowed. */
static void test_fuzz_files(void)
{
	unsigned int i, bad = 0;
	char buf[4096];
	struct vmconfig cfg;
	const char *path = NULL;

	for (i = 0; i < 300; i++) {
		size_t len = sizeof(fuzz_seed) - 1;

		memcpy(buf, fuzz_seed, len);
		len = mutate(buf, len, sizeof(buf));
		if (len)
			buf[rng() % len] = (char)(rng() % 4 ? rng() : 0);
		path = write_temp("fuzz.cfg", buf, len);
		if (vmconfig_parse_file(path, &cfg, err, sizeof(err)) == 0)
			vmconfig_free(&cfg);
		else if (strncmp(err, path, strlen(path)) || !is_empty(&cfg))
			bad++;
	}
	EXPECT("fuzz-files-errors-name-file", bad == 0);
}

static void remove_temp(void)
{
	static const char *const names[] = {
		"guest.cfg", "vmlinuz", "nul.cfg", "fifo.cfg", "big.cfg",
		"bad.cfg", "fuzz.cfg", "link",
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int main(void)
{
	char template[] = "/tmp/hxen-vmconfig-XXXXXX";
	char resolved[PATH_MAX];

	if (!mkdtemp(template) || !realpath(template, resolved) ||
	    strlen(resolved) >= sizeof(tmpdir)) {
		perror(template);
		return 1;
	}
	strcpy(tmpdir, resolved);
	test_minimal_and_defaults();
	test_every_key();
	test_comments_and_separators();
	test_lists();
	test_strings();
	test_integers();
	test_ranges();
	test_names();
	test_type_and_builder();
	test_cmdline_combinations();
	test_actions();
	test_maxima();
	test_uuid();
	test_paths();
	test_duplicates_and_unknown();
	test_missing_required();
	test_garbage();
	test_long_lines();
	test_files();
	test_json();
	test_fuzz();
	test_fuzz_files();
	remove_temp();
	return test_failures ? 1 : 0;
}
