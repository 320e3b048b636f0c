// SPDX-License-Identifier: GPL-2.0
/* Disk specifications: every setting, devids, refusals, vmconfig's use. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diskspec.h"
#include "test.h"
#include "vmconfig.h"

int test_failures;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ERRLEN 512
#define BASE_DIR "/etc/hxen"
#define MINIMAL "name = \"vm1\"\nkernel = \"/boot/vmlinuz\"\n"

#define RAW DISK_SPEC_RAW
#define QCOW2 DISK_SPEC_QCOW2
#define EXT(index) ((1u << 28) | ((index) << 8))

static char err[ERRLEN];

static bool is_empty(const struct disk_spec *d)
{
	static const struct disk_spec empty;

	return !memcmp(d, &empty, sizeof(empty));
}

/* ---- Good specifications ------------------------------------------------ */

struct good_case {
	const char *name;
	const char *spec;
	const char *target;
	enum disk_spec_format format;
	const char *vdev;
	uint32_t devid;
	unsigned int index;
	bool read_only;
	bool discard;
};

static const struct good_case good_cases[] = {
	/* The keyed form. */
	{ "keyed-raw", "format=raw, vdev=xvda, target=/srv/a.img",
	  "/srv/a.img", RAW, "xvda", 51712, 0, false, true },
	{ "keyed-qcow2", "format=qcow2,vdev=xvdb,target=/srv/b.qcow2",
	  "/srv/b.qcow2", QCOW2, "xvdb", 51728, 1, false, true },
	{ "keyed-default-format", "vdev=xvdc, target=/c", "/c", RAW, "xvdc",
	  51744, 2, false, true },
	{ "keyed-any-order", "access=ro, vdev=xvdd, format=qcow2, target=/d",
	  "/d", QCOW2, "xvdd", 51760, 3, true, true },
	{ "keyed-blanks", "  format = qcow2 ,\tvdev = xvda\t, target = /x  ",
	  "/x", QCOW2, "xvda", 51712, 0, false, true },
	{ "keyed-empty-items", "vdev=xvda,,  ,target=/x", "/x", RAW, "xvda",
	  51712, 0, false, true },
	{ "devtype-disk", "devtype=disk, vdev=xvda, target=/x", "/x", RAW,
	  "xvda", 51712, 0, false, true },
	{ "backendtype-qdisk", "backendtype=qdisk, vdev=xvda, target=/x", "/x",
	  RAW, "xvda", 51712, 0, false, true },

	/* Access. */
	{ "access-r", "vdev=xvda, access=r, target=/x", "/x", RAW, "xvda",
	  51712, 0, true, true },
	{ "access-ro", "vdev=xvda, access=ro, target=/x", "/x", RAW, "xvda",
	  51712, 0, true, true },
	{ "access-w", "vdev=xvda, access=w, target=/x", "/x", RAW, "xvda",
	  51712, 0, false, true },
	{ "access-rw", "vdev=xvda, access=rw, target=/x", "/x", RAW, "xvda",
	  51712, 0, false, true },

	/* Discard. */
	{ "discard-flag", "vdev=xvda, discard, target=/x", "/x", RAW, "xvda",
	  51712, 0, false, true },
	{ "no-discard-flag", "no-discard, vdev=xvda, target=/x", "/x", RAW,
	  "xvda", 51712, 0, false, false },

	/* Device numbers: short up to xvdp, extended from xvdq. */
	{ "devid-xvdp", "vdev=xvdp, target=/x", "/x", RAW, "xvdp", 51952, 15,
	  false, true },
	{ "devid-xvdq", "vdev=xvdq, target=/x", "/x", RAW, "xvdq", EXT(16u),
	  16, false, true },
	{ "devid-xvdz", "vdev=xvdz, target=/x", "/x", RAW, "xvdz", EXT(25u),
	  25, false, true },
	{ "devid-xvdaa", "vdev=xvdaa, target=/x", "/x", RAW, "xvdaa",
	  EXT(26u), 26, false, true },
	{ "devid-xvdaz", "vdev=xvdaz, target=/x", "/x", RAW, "xvdaz",
	  EXT(51u), 51, false, true },
	{ "devid-xvdba", "vdev=xvdba, target=/x", "/x", RAW, "xvdba",
	  EXT(52u), 52, false, true },
	{ "devid-xvdiv-last", "vdev=xvdiv, target=/x", "/x", RAW, "xvdiv",
	  EXT(255u), 255, false, true },

	/* The positional form: target, format, vdev, access. */
	{ "positional-all", "/srv/a.img,qcow2,xvdb,r", "/srv/a.img", QCOW2,
	  "xvdb", 51728, 1, true, true },
	{ "positional-blanks", " /srv/a.img , raw , xvda , rw ", "/srv/a.img",
	  RAW, "xvda", 51712, 0, false, true },
	{ "positional-empty-format", "/srv/a.img,,xvdc", "/srv/a.img", RAW,
	  "xvdc", 51744, 2, false, true },
	{ "positional-three", "/srv/a.img,raw,xvda", "/srv/a.img", RAW,
	  "xvda", 51712, 0, false, true },
	{ "positional-with-keys", "/srv/a.img, vdev=xvda, access=ro",
	  "/srv/a.img", RAW, "xvda", 51712, 0, true, true },
	{ "positional-after-key", "format=qcow2, /srv/a.img, , xvde",
	  "/srv/a.img", QCOW2, "xvde", 51776, 4, false, true },
	{ "positional-and-flag", "/srv/a.img,,xvda,ro,no-discard",
	  "/srv/a.img", RAW, "xvda", 51712, 0, true, false },

	/* target= takes the rest of the string. */
	{ "target-commas", "vdev=xvda, target=/srv/a,b,c.img",
	  "/srv/a,b,c.img", RAW, "xvda", 51712, 0, false, true },
	{ "target-equals", "vdev=xvda,target=/srv/x=y.img", "/srv/x=y.img",
	  RAW, "xvda", 51712, 0, false, true },
	{ "target-looks-like-settings",
	  "vdev=xvda, target=/srv/format=qcow2,vdev=xvdb,access=ro",
	  "/srv/format=qcow2,vdev=xvdb,access=ro", RAW, "xvda", 51712, 0,
	  false, true },
	{ "target-inner-blanks", "vdev=xvda, target=  /srv/my disk.img  ",
	  "/srv/my disk.img", RAW, "xvda", 51712, 0, false, true },
	{ "target-trailing-comma", "vdev=xvda, target=/srv/a.img,",
	  "/srv/a.img,", RAW, "xvda", 51712, 0, false, true },
	{ "target-cleaned", "vdev=xvda, target=/srv//a/./b.img/",
	  "/srv/a/b.img", RAW, "xvda", 51712, 0, false, true },
	{ "target-colon", "vdev=xvda, target=/srv/a:b.img", "/srv/a:b.img",
	  RAW, "xvda", 51712, 0, false, true },
	{ "target-colon-relative", "vdev=xvda, target=vm1:root.img",
	  "/etc/hxen/vm1:root.img", RAW, "xvda", 51712, 0, false, true },

	/* Relative targets resolve against the base directory. */
	{ "relative-keyed", "vdev=xvda, target=images/a.img",
	  "/etc/hxen/images/a.img", RAW, "xvda", 51712, 0, false, true },
	{ "relative-dot", "vdev=xvda, target=./a//b.img", "/etc/hxen/a/b.img",
	  RAW, "xvda", 51712, 0, false, true },
	{ "relative-dotdot-kept", "vdev=xvda, target=../x.img",
	  "/etc/hxen/../x.img", RAW, "xvda", 51712, 0, false, true },
	{ "relative-positional", "a.img,qcow2,xvda", "/etc/hxen/a.img", QCOW2,
	  "xvda", 51712, 0, false, true },
};

/* "disk-CASE-WHAT", for one check on a good case. */
static const char *at(const struct good_case *c, const char *what)
{
	static char label[160];

	snprintf(label, sizeof(label), "disk-%s-%s", c->name, what);
	return label;
}

static void test_good(void)
{
	const struct good_case *c;
	struct disk_spec d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good_cases); i++) {
		c = &good_cases[i];
		if (disk_spec_parse(c->spec, BASE_DIR, &d, err,
				    sizeof(err)) < 0) {
			printf("FAIL: userspace/disk-%s: parse failed: %s\n",
			       c->name, err);
			test_failures++;
			continue;
		}
		EXPECT_STR(at(c, "target"), d.target, c->target);
		EXPECT(at(c, "format"), d.format == c->format);
		EXPECT_STR(at(c, "vdev"), d.vdev, c->vdev);
		EXPECT(at(c, "devid"), d.devid == c->devid);
		EXPECT(at(c, "index"), d.index == c->index);
		EXPECT(at(c, "read-only"), d.read_only == c->read_only);
		EXPECT(at(c, "discard"), d.discard == c->discard);
		EXPECT(at(c, "err-cleared"), err[0] == '\0');
		disk_spec_free(&d);
	}
	EXPECT("disk-free-empties", is_empty(&d));
	disk_spec_free(&d);
	EXPECT("disk-free-twice", is_empty(&d));
}

/* Every vdev from xvda to xvdiv: its index and devid. */
static void test_every_vdev(void)
{
	unsigned int index, bad = 0;
	char spec[64], vdev[8];
	struct disk_spec d;
	uint32_t want;

	for (index = 0; index <= DISK_SPEC_MAX_INDEX; index++) {
		if (index < 26)
			snprintf(vdev, sizeof(vdev), "xvd%c", 'a' + index);
		else
			snprintf(vdev, sizeof(vdev), "xvd%c%c",
				 'a' + index / 26 - 1, 'a' + index % 26);
		snprintf(spec, sizeof(spec), "vdev=%s, target=/x", vdev);
		want = index < 16 ? (202u << 8) | (index << 4) :
		       (1u << 28) | (index << 8);
		if (disk_spec_parse(spec, NULL, &d, err, sizeof(err)) < 0 ||
		    d.index != index || d.devid != want ||
		    strcmp(d.vdev, vdev)) {
			if (!bad)
				printf("every-vdev: %s went wrong: %s\n", vdev,
				       err);
			bad++;
		}
		disk_spec_free(&d);
	}
	EXPECT("disk-every-vdev", bad == 0);
}

/* ---- Bad specifications -------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *spec;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	/* format */
	{ "format-unknown", "format=vmdk, vdev=xvda, target=/x",
	  "unknown format 'vmdk' (raw or qcow2)" },
	{ "format-upper-case", "format=QCOW2, vdev=xvda, target=/x",
	  "unknown format 'QCOW2' (raw or qcow2)" },
	{ "format-vhd", "format=vhd, vdev=xvda, target=/x",
	  "format 'vhd' is not supported (raw or qcow2)" },
	{ "format-qcow", "format=qcow, vdev=xvda, target=/x",
	  "format 'qcow' is not supported (raw or qcow2)" },
	{ "format-empty", "format=, vdev=xvda, target=/x",
	  "'format=' has no value" },
	{ "format-twice", "format=raw, format=raw, vdev=xvda, target=/x",
	  "'format' is given twice" },

	/* vdev */
	{ "vdev-hda", "vdev=hda, target=/x", "vdev 'hda': use xvdX names" },
	{ "vdev-sdb", "vdev=sdb, target=/x", "vdev 'sdb': use xvdX names" },
	{ "vdev-partition", "vdev=xvda1, target=/x",
	  "invalid vdev 'xvda1' (xvda to xvdiv)" },
	{ "vdev-upper-case", "vdev=xvdA, target=/x",
	  "invalid vdev 'xvdA' (xvda to xvdiv)" },
	{ "vdev-no-letter", "vdev=xvd, target=/x",
	  "invalid vdev 'xvd' (xvda to xvdiv)" },
	{ "vdev-three-letters", "vdev=xvdabc, target=/x",
	  "invalid vdev 'xvdabc' (xvda to xvdiv)" },
	{ "vdev-number", "vdev=51712, target=/x",
	  "invalid vdev '51712' (xvda to xvdiv)" },
	{ "vdev-xvdiw", "vdev=xvdiw, target=/x",
	  "vdev 'xvdiw' is beyond xvdiv, the last disk" },
	{ "vdev-xvdzz", "vdev=xvdzz, target=/x",
	  "vdev 'xvdzz' is beyond xvdiv, the last disk" },
	{ "vdev-cdrom-suffix", "vdev=xvdc:cdrom, target=/x",
	  "CD-ROM devices are not supported" },
	{ "vdev-empty", "vdev=, target=/x", "'vdev=' has no value" },
	{ "vdev-twice", "vdev=xvda, vdev=xvdb, target=/x",
	  "'vdev' is given twice" },
	{ "vdev-missing", "format=raw, target=/x", "no vdev: give vdev=xvdX" },
	{ "vdev-missing-positional", "/x", "no vdev: give vdev=xvdX" },
	{ "vdev-missing-positional-format", "/x,qcow2",
	  "no vdev: give vdev=xvdX" },

	/* access */
	{ "access-unknown", "vdev=xvda, access=x, target=/x",
	  "unknown access 'x' (r, ro, rw or w)" },
	{ "access-upper-case", "vdev=xvda, access=RW, target=/x",
	  "unknown access 'RW' (r, ro, rw or w)" },
	{ "access-twice", "vdev=xvda, access=r, access=r, target=/x",
	  "'access' is given twice" },

	/* devtype, backendtype, script, flags */
	{ "devtype-cdrom", "vdev=xvda, devtype=cdrom, target=/x",
	  "CD-ROM devices are not supported" },
	{ "devtype-unknown", "vdev=xvda, devtype=floppy, target=/x",
	  "unknown devtype 'floppy' (disk)" },
	{ "devtype-twice", "vdev=xvda, devtype=disk, devtype=disk, target=/x",
	  "'devtype' is given twice" },
	{ "cdrom-flag", "vdev=xvda, cdrom, target=/x",
	  "CD-ROM devices are not supported" },
	{ "backendtype-phy", "vdev=xvda, backendtype=phy, target=/x",
	  "backendtype 'phy' is not supported: hxen serves disk images itself (backendtype=qdisk)" },
	{ "backendtype-tap", "vdev=xvda, backendtype=tap, target=/x",
	  "backendtype 'tap' is not supported" },
	{ "backendtype-standalone",
	  "vdev=xvda, backendtype=standalone, target=/x",
	  "backendtype 'standalone' is not supported" },
	{ "backendtype-unknown", "vdev=xvda, backendtype=nbd, target=/x",
	  "unknown backendtype 'nbd' (qdisk)" },
	{ "script", "vdev=xvda, script=block-iscsi, target=/x",
	  "block scripts are not supported" },
	{ "script-empty", "vdev=xvda, script=, target=/x",
	  "block scripts are not supported" },
	{ "direct-io-safe", "vdev=xvda, direct-io-safe, target=/x",
	  "'direct-io-safe' is not supported" },
	{ "discard-twice", "vdev=xvda, discard, no-discard, target=/x",
	  "'discard' or 'no-discard' is given twice" },
	{ "unknown-key", "vdev=xvda, colour=blue, target=/x",
	  "unknown setting 'colour'" },
	{ "unknown-key-backend", "vdev=xvda, backend=dom0, target=/x",
	  "unknown setting 'backend'" },
	{ "key-case", "VDEV=xvda, target=/x", "unknown setting 'VDEV'" },
	{ "no-key", "=xvda, target=/x",
	  "a setting has no name before its '='" },

	/* target */
	{ "target-missing", "vdev=xvda",
	  "no target: give target=PATH last, or the path first" },
	{ "target-missing-format", "format=raw, vdev=xvda", "no target" },
	{ "target-missing-empty-spec", "", "no target" },
	{ "target-missing-blanks", "  ,  ", "no target" },
	{ "target-empty", "vdev=xvda, target=",
	  "the target is empty: empty CD-ROM drives are not supported" },
	{ "target-blank", "vdev=xvda, target=   ",
	  "the target is empty: empty CD-ROM drives are not supported" },
	{ "target-twice", "/x, vdev=xvda, target=/y",
	  "'target' is given twice" },
	{ "target-control-char", "vdev=xvda, target=/a\nb",
	  "the target holds a control character" },
	{ "target-del-char", "vdev=xvda, target=/a\x7f",
	  "the target holds a control character" },
	{ "prefix-phy", "phy:/dev/sdb,xvda,w",
	  "the deprecated prefix 'phy:' is not supported: use format= and target=" },
	{ "prefix-file", "file:/srv/a.img,raw,xvda",
	  "the deprecated prefix 'file:' is not supported" },
	{ "prefix-tap-aio", "tap:aio:/srv/a.img,raw,xvda",
	  "the deprecated prefix 'tap:' is not supported" },
	{ "prefix-keyed", "vdev=xvda, target=phy:/dev/sdb",
	  "the deprecated prefix 'phy:' is not supported" },

	/* positional */
	{ "positional-too-many", "/x,raw,xvda,rw,extra",
	  "too many positional parameters at 'extra' (target, format, vdev, access)" },
	{ "positional-wrong-order", "xvda,raw,/x",
	  "invalid vdev '/x' (xvda to xvdiv)" },
	{ "positional-format-twice", "format=raw, /x, raw, xvda",
	  "'format' is given twice" },
	{ "positional-vdev-twice", "/x,raw,xvda, vdev=xvdb",
	  "'vdev' is given twice" },
	{ "positional-access-bad", "/x,raw,xvda,rwx",
	  "unknown access 'rwx' (r, ro, rw or w)" },
	{ "positional-cdrom", "/x,raw,hdc:cdrom,r",
	  "CD-ROM devices are not supported" },
};

static void test_bad(void)
{
	const struct bad_case *c;
	struct disk_spec d;
	char label[160];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		c = &bad_cases[i];
		rc = disk_spec_parse(c->spec, BASE_DIR, &d, err, sizeof(err));
		snprintf(label, sizeof(label), "disk-bad-%s", c->name);
		EXPECT_CONTAINS(label, rc ? err : "(parsed)", c->message);
		snprintf(label, sizeof(label), "disk-bad-%s-empty", c->name);
		EXPECT(label, rc == -1 && is_empty(&d));
		snprintf(label, sizeof(label), "disk-bad-%s-one-line", c->name);
		EXPECT(label, !strchr(err, '\n') && strlen(err) < 200);
		disk_spec_free(&d);
	}
}

/* ---- Edges -------------------------------------------------------------- */

static void test_edges(void)
{
	char *long_spec, small[24], key[300];
	struct disk_spec d;
	size_t n;

	/* No base directory: relative targets are refused. */
	EXPECT("disk-no-base-absolute",
	       disk_spec_parse("vdev=xvda, target=/x", NULL, &d, err,
			       sizeof(err)) == 0);
	disk_spec_free(&d);
	EXPECT("disk-no-base-relative",
	       disk_spec_parse("vdev=xvda, target=a.img", NULL, &d, err,
			       sizeof(err)) == -1 && is_empty(&d));
	EXPECT_STR("disk-no-base-relative-message", err,
		   "the target 'a.img' is a relative path with no directory to resolve it against");
	EXPECT("disk-relative-base",
	       disk_spec_parse("vdev=xvda, target=/x", "etc", &d, err,
			       sizeof(err)) == -1);
	EXPECT_STR("disk-relative-base-message", err,
		   "the base directory 'etc' is not absolute");
	EXPECT("disk-null-spec",
	       disk_spec_parse(NULL, BASE_DIR, &d, err, sizeof(err)) == -1);
	EXPECT_STR("disk-null-spec-message", err, "no disk specification");

	/* The root directory as base, and a target that is just "/". */
	EXPECT("disk-root-base",
	       disk_spec_parse("vdev=xvda, target=a.img", "/", &d, err,
			       sizeof(err)) == 0);
	EXPECT_STR("disk-root-base-target", d.target, "/a.img");
	disk_spec_free(&d);

	/* Paths up to PATH_MAX - 1 bytes. */
	n = PATH_MAX + 64;
	long_spec = malloc(n);
	if (!long_spec)
		abort();
	snprintf(long_spec, n, "vdev=xvda, target=/%0*d", PATH_MAX - 2, 0);
	EXPECT("disk-target-longest",
	       disk_spec_parse(long_spec, NULL, &d, err, sizeof(err)) == 0 &&
	       strlen(d.target) == PATH_MAX - 1);
	disk_spec_free(&d);
	snprintf(long_spec, n, "vdev=xvda, target=/%0*d", PATH_MAX - 1, 0);
	EXPECT("disk-target-too-long",
	       disk_spec_parse(long_spec, NULL, &d, err, sizeof(err)) == -1 &&
	       is_empty(&d));
	EXPECT_STR("disk-target-too-long-message", err,
		   "the target is longer than 4095 bytes");
	snprintf(long_spec, n, "vdev=xvda, target=%0*d", PATH_MAX - 20, 0);
	EXPECT("disk-relative-target-too-long",
	       disk_spec_parse(long_spec, "/a/long/base/directory", &d, err,
			       sizeof(err)) == -1);
	free(long_spec);

	/* Long words are cut short in messages. */
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	long_spec = malloc(sizeof(key) + 32);
	if (!long_spec)
		abort();
	snprintf(long_spec, sizeof(key) + 32, "%s=1, vdev=xvda, target=/x",
		 key);
	EXPECT("disk-long-key",
	       disk_spec_parse(long_spec, NULL, &d, err, sizeof(err)) == -1);
	EXPECT_CONTAINS("disk-long-key-cut", err, "kkk...'");
	EXPECT("disk-long-key-message-short", strlen(err) < 100);
	snprintf(long_spec, sizeof(key) + 32, "format=%s, vdev=xvda, target=/x",
		 key);
	EXPECT("disk-long-format",
	       disk_spec_parse(long_spec, NULL, &d, err, sizeof(err)) == -1 &&
	       strlen(err) < 120);
	free(long_spec);

	/* A small error buffer, and none at all. */
	memset(small, 'X', sizeof(small));
	EXPECT("disk-small-err-buffer",
	       disk_spec_parse("format=vmdk, vdev=xvda, target=/x", NULL, &d,
			       small, sizeof(small)) == -1 &&
	       memchr(small, '\0', sizeof(small)) &&
	       !strncmp(small, "unknown format", 14));
	EXPECT("disk-no-err-buffer",
	       disk_spec_parse("format=vmdk, vdev=xvda, target=/x", NULL, &d,
			       NULL, 0) == -1 && is_empty(&d));
}

/* ---- Through vmconfig ---------------------------------------------------- */

static int parse_cfg(const char *text, const char *base_dir,
		     struct vmconfig *cfg)
{
	return vmconfig_parse_string(text, "guest.cfg", base_dir, cfg, err,
				     sizeof(err));
}

static void expect_cfg_error(const char *name, const char *text,
			     const char *message)
{
	struct vmconfig cfg;
	char label[128];
	int rc = parse_cfg(text, BASE_DIR, &cfg);

	EXPECT_CONTAINS(name, rc ? err : "(parsed)", message);
	snprintf(label, sizeof(label), "%s-fails", name);
	EXPECT(label, rc == -1 && cfg.nr_disks == 0 && !cfg.disks);
	vmconfig_free(&cfg);
}

static void test_vmconfig(void)
{
	struct vmconfig cfg;

	if (parse_cfg(MINIMAL
		      "disk = [ 'format=qcow2, vdev=xvda, target=root.qcow2',\n"
		      "         '/srv/data.img,,xvdb,ro' ]\n",
		      BASE_DIR, &cfg) == 0) {
		EXPECT("cfg-disks-count", cfg.nr_disks == 2);
		EXPECT_STR("cfg-disk-kept-as-written", cfg.disks[0],
			   "format=qcow2, vdev=xvda, target=root.qcow2");
		EXPECT_STR("cfg-disk-positional-kept", cfg.disks[1],
			   "/srv/data.img,,xvdb,ro");
		vmconfig_free(&cfg);
	} else {
		printf("FAIL: userspace/cfg-disks-parse: %s\n", err);
		test_failures++;
	}

	expect_cfg_error("cfg-disk-bad-format",
		  MINIMAL "disk = [ 'vdev=xvda, target=/a',\n"
		  "         'format=vmdk, vdev=xvdb, target=/b' ]\n",
		  "guest.cfg:4: disk 2: unknown format 'vmdk' (raw or qcow2)");
	expect_cfg_error("cfg-disk-first-line",
		  MINIMAL "\ndisk = [ 'vdev=hda, target=/a' ]\n",
		  "guest.cfg:4: disk 1: vdev 'hda': use xvdX names");
	expect_cfg_error("cfg-disk-duplicate-vdev",
		  MINIMAL "disk = [ 'vdev=xvda, target=/a',\n"
		  "         'vdev=xvdb, target=/b',\n"
		  "         '/c,raw,xvda' ]\n",
		  "guest.cfg:5: disk 3: vdev 'xvda' is already used by disk 1");
	expect_cfg_error("cfg-disk-duplicate-vdev-extended",
		  MINIMAL "disk = [ 'vdev=xvdq, target=/a', '/b,,xvdq' ]\n",
		  "guest.cfg:3: disk 2: vdev 'xvdq' is already used by disk 1");
	expect_cfg_error("cfg-disk-cdrom",
		  MINIMAL "disk = [ ',raw,hdc:cdrom,r' ]\n",
		  "guest.cfg:3: disk 1: CD-ROM devices are not supported");
	expect_cfg_error("cfg-disk-after-good",
		  MINIMAL "disk = [ '/a,,xvda', '/b,,xvdb', '/c,,xvdc',\n"
		  "'/d,,xvdd', 'script=x' ]\n",
		  "guest.cfg:4: disk 5: block scripts are not supported");

	/* With no base directory, a relative target is an error. */
	EXPECT("cfg-disk-relative-no-base",
	       parse_cfg(MINIMAL "disk = [ 'vdev=xvda, target=a.img' ]\n",
			 NULL, &cfg) == -1);
	EXPECT_STR("cfg-disk-relative-no-base-message", err,
		   "guest.cfg:3: disk 1: the target 'a.img' is a relative path with no directory to resolve it against");
	vmconfig_free(&cfg);
}

/* A configuration file names itself and the line of the bad disk. */
static void test_vmconfig_file(void)
{
	char dir[] = "/tmp/hxen-diskspec-XXXXXX";
	char path[128], want[256];
	struct vmconfig cfg;
	FILE *f;

	if (!mkdtemp(dir)) {
		perror(dir);
		test_failures++;
		return;
	}
	snprintf(path, sizeof(path), "%s/guest.cfg", dir);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(MINIMAL "memory = 64\n\ndisk = [\n  'vdev=xvda, target=a.img',\n"
	      "  'format=raw, vdev=xvda1, target=b.img',\n]\n", f);
	fclose(f);
	snprintf(want, sizeof(want),
		 "%s:7: disk 2: invalid vdev 'xvda1' (xvda to xvdiv)", path);
	EXPECT("cfg-file-bad-disk",
	       vmconfig_parse_file(path, &cfg, err, sizeof(err)) == -1);
	EXPECT_STR("cfg-file-bad-disk-message", err, want);
	vmconfig_free(&cfg);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_good();
	test_every_vdev();
	test_bad();
	test_edges();
	test_vmconfig();
	test_vmconfig_file();
	return test_failures ? 1 : 0;
}
