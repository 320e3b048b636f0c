// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt domain XML: every element hxen reads, memory units, each
 * refusal and its line, the round trip through domxml_format(), hostile
 * documents, and XML files read by vmconfig_parse_file().
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domxml.h"
#include "test.h"
#include "vmconfig.h"

int test_failures;

#define ERRLEN 512
#define BASE_DIR "/etc/hxen"

/* Lines 1 to 6; what a test adds starts on line 7. */
#define HEAD								\
	"<domain type='xen'>\n"						\
	"<name>vm1</name>\n"						\
	"<os>\n"							\
	"<type>xenpvh</type>\n"						\
	"<kernel>/boot/vmlinuz</kernel>\n"				\
	"</os>\n"
#define TAIL "</domain>\n"

/* A domain with every element hxen reads. */
static const char full_xml[] =
	"<?xml version='1.0' encoding='UTF-8'?>\n"
	"<!-- A web server. -->\n"
	"<domain type='xen'>\n"
	"  <name>web-01</name>\n"
	"  <uuid>0F1E2D3C-4b5a-6978-8796-A5B4C3D2E1F0</uuid>\n"
	"  <metadata><app:note xmlns:app='urn:app'>kept by an app</app:note></metadata>\n"
	"  <memory unit='MiB'>2048</memory>\n"
	"  <currentMemory unit='KiB'>2097152</currentMemory>\n"
	"  <vcpu placement='static' current='4'>4</vcpu>\n"
	"  <os>\n"
	"    <type arch='x86_64' machine='xenpvh'>xenpvh</type>\n"
	"    <kernel>vmlinuz-6.1</kernel>\n"
	"    <initrd>/boot/initrd.img-6.1</initrd>\n"
	"    <cmdline>root=/dev/xvda1 ro console=hvc0</cmdline>\n"
	"  </os>\n"
	"  <clock offset='utc' adjustment='reset'/>\n"
	"  <on_poweroff>preserve</on_poweroff>\n"
	"  <on_reboot>destroy</on_reboot>\n"
	"  <on_crash>restart</on_crash>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='raw'/>\n"
	"      <source file='/srv/web.img'/>\n"
	"      <target dev='xvda' bus='xen'/>\n"
	"    </disk>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='qcow2' discard='ignore'/>\n"
	"      <source file='data.qcow2'/>\n"
	"      <target dev='xvdb' bus='xen'/>\n"
	"      <readonly/>\n"
	"    </disk>\n"
	"    <interface type='user'>\n"
	"      <mac address='00:16:3E:0:0:1'/>\n"
	"      <model type='netfront'/>\n"
	"      <portForward proto='tcp'>\n"
	"        <range start='2222' to='22'/>\n"
	"        <range start='8080' to='80'/>\n"
	"      </portForward>\n"
	"      <portForward proto='udp' address='0.0.0.0'>\n"
	"        <range start='5353'/>\n"
	"      </portForward>\n"
	"    </interface>\n"
	"    <interface type='user'/>\n"
	"    <console type='pty'>\n"
	"      <target type='xen' port='0'/>\n"
	"    </console>\n"
	"    <memballoon model='xen'/>\n"
	"  </devices>\n"
	"</domain>\n";

static char err[ERRLEN];
static char tmpdir[128];	/* symlink-free, as the parser resolves */

static int parse(const char *xml, struct vmconfig *cfg)
{
	return domxml_parse_string(xml, strlen(xml), "guest.xml", BASE_DIR,
				   cfg, err, sizeof(err));
}

static bool is_empty(const struct vmconfig *cfg)
{
	static const struct vmconfig empty;

	return !memcmp(cfg, &empty, sizeof(empty));
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_list(char *const *a, unsigned int nr_a, char *const *b,
		      unsigned int nr_b)
{
	unsigned int i;

	if (nr_a != nr_b)
		return false;
	for (i = 0; i < nr_a; i++)
		if (!same_string(a[i], b[i]))
			return false;
	return true;
}

static bool same_config(const struct vmconfig *a, const struct vmconfig *b)
{
	return !strcmp(a->name, b->name) && a->memory_mib == b->memory_mib &&
	       a->vcpus == b->vcpus && same_string(a->kernel, b->kernel) &&
	       same_string(a->ramdisk, b->ramdisk) &&
	       same_string(a->cmdline, b->cmdline) &&
	       a->on_poweroff == b->on_poweroff &&
	       a->on_reboot == b->on_reboot && a->on_crash == b->on_crash &&
	       !strcmp(a->uuid, b->uuid) &&
	       same_list(a->disks, a->nr_disks, b->disks, b->nr_disks) &&
	       same_list(a->vifs, a->nr_vifs, b->vifs, b->nr_vifs);
}

/* @xml must fail with a message containing @part; @cfg is left empty. */
static void expect_error(const char *name, const char *xml, const char *part)
{
	struct vmconfig cfg;
	char label[128];
	int rc = parse(xml, &cfg);

	snprintf(label, sizeof(label), "domxml-%s-fails", name);
	EXPECT(label, rc == -1 && is_empty(&cfg));
	snprintf(label, sizeof(label), "domxml-%s-one-line", name);
	EXPECT(label, !strchr(err, '\n'));
	snprintf(label, sizeof(label), "domxml-%s", name);
	EXPECT_CONTAINS(label, rc ? err : "(parsed)", part);
	vmconfig_free(&cfg);
}

/* HEAD, @extra and TAIL must fail with a message containing @part. */
static void expect_error_in_domain(const char *name, const char *extra,
				   const char *part)
{
	char xml[8192];

	snprintf(xml, sizeof(xml), HEAD "%s" TAIL, extra);
	expect_error(name, xml, part);
}

/* <devices> (line 7) holding @devices (from line 8) must fail. */
static void expect_error_in_devices(const char *name, const char *devices,
				    const char *part)
{
	char xml[8192];

	snprintf(xml, sizeof(xml), HEAD "<devices>\n%s</devices>\n" TAIL,
		 devices);
	expect_error(name, xml, part);
}

/* @xml must parse; the caller frees @cfg. */
static bool parse_ok(const char *name, const char *xml, struct vmconfig *cfg)
{
	char label[128];
	int rc = parse(xml, cfg);

	snprintf(label, sizeof(label), "domxml-%s", name);
	if (rc)
		printf("FAIL: userspace/%s: parse failed: %s\n", label, err);
	EXPECT(label, rc == 0);
	return rc == 0;
}

static bool parse_in_domain(const char *name, const char *extra,
			    struct vmconfig *cfg)
{
	char xml[8192];

	snprintf(xml, sizeof(xml), HEAD "%s" TAIL, extra);
	return parse_ok(name, xml, cfg);
}

/* ---- A full domain ------------------------------------------------------ */

static void test_full_domain(void)
{
	struct vmconfig cfg;

	if (!parse_ok("full-parses", full_xml, &cfg))
		return;
	EXPECT_STR("domxml-full-name", cfg.name, "web-01");
	EXPECT_STR("domxml-full-uuid-lower-cased", cfg.uuid,
		   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	EXPECT("domxml-full-memory", cfg.memory_mib == 2048);
	EXPECT("domxml-full-vcpus", cfg.vcpus == 4);
	EXPECT_STR("domxml-full-kernel-relative-to-base",
		   cfg.kernel, BASE_DIR "/vmlinuz-6.1");
	EXPECT_STR("domxml-full-initrd", cfg.ramdisk, "/boot/initrd.img-6.1");
	EXPECT_STR("domxml-full-cmdline", cfg.cmdline,
		   "root=/dev/xvda1 ro console=hvc0");
	EXPECT("domxml-full-on-poweroff", cfg.on_poweroff == VM_ACTION_PRESERVE);
	EXPECT("domxml-full-on-reboot", cfg.on_reboot == VM_ACTION_DESTROY);
	EXPECT("domxml-full-on-crash", cfg.on_crash == VM_ACTION_RESTART);
	EXPECT("domxml-full-disk-count", cfg.nr_disks == 2);
	if (cfg.nr_disks == 2) {
		EXPECT_STR("domxml-full-disk-0", cfg.disks[0],
			   "format=raw, vdev=xvda, target=/srv/web.img");
		EXPECT_STR("domxml-full-disk-1-relative-to-base", cfg.disks[1],
			   "format=qcow2, vdev=xvdb, access=ro, no-discard, target="
			   BASE_DIR "/data.qcow2");
	}
	EXPECT("domxml-full-vif-count", cfg.nr_vifs == 2);
	if (cfg.nr_vifs == 2) {
		EXPECT_STR("domxml-full-vif-0", cfg.vifs[0],
			   "mac=00:16:3e:00:00:01, type=user, "
			   "hostfwd=tcp:127.0.0.1:2222-:22, "
			   "hostfwd=tcp:127.0.0.1:8080-:80, "
			   "hostfwd=udp:0.0.0.0:5353-:5353");
		EXPECT_STR("domxml-full-vif-1-defaults", cfg.vifs[1],
			   "type=user");
	}
	EXPECT("domxml-success-clears-err", err[0] == '\0');
	vmconfig_free(&cfg);
	EXPECT("domxml-free-empties", is_empty(&cfg));
}

static void test_minimal_and_variants(void)
{
	struct vmconfig cfg;

	if (parse_ok("minimal-parses", HEAD TAIL, &cfg)) {
		EXPECT("domxml-default-memory", cfg.memory_mib == 512);
		EXPECT("domxml-default-vcpus", cfg.vcpus == 1);
		EXPECT_STR("domxml-default-cmdline", cfg.cmdline, "");
		EXPECT("domxml-default-ramdisk", cfg.ramdisk == NULL);
		EXPECT("domxml-default-actions",
		       cfg.on_poweroff == VM_ACTION_DESTROY &&
		       cfg.on_reboot == VM_ACTION_RESTART &&
		       cfg.on_crash == VM_ACTION_DESTROY);
		EXPECT("domxml-default-no-devices",
		       !cfg.nr_disks && !cfg.nr_vifs && cfg.uuid[0] == '\0');
		vmconfig_free(&cfg);
	}
	if (parse_ok("type-hxen-linux-xenpv",
		     "<domain type='hxen'><name>a</name><os>"
		     "<type machine='xenpv'> linux </type><kernel>/k</kernel>"
		     "</os></domain>", &cfg))
		vmconfig_free(&cfg);
	if (parse_ok("uuid-without-dashes",
		     "<domain type='xen'><name>a</name><uuid>\n"
		     "  0123456789ABCDEF0123456789abcdef </uuid>"
		     "<os><type>xenpvh</type><kernel>/k</kernel></os></domain>",
		     &cfg)) {
		EXPECT_STR("domxml-uuid-dashed", cfg.uuid,
			   "01234567-89ab-cdef-0123-456789abcdef");
		vmconfig_free(&cfg);
	}
	if (parse_in_domain("blanks-around-numbers-and-words",
			    "<memory>\n 65536\t</memory>\n<vcpu> 2 </vcpu>\n"
			    "<on_crash> preserve\n</on_crash>\n", &cfg)) {
		EXPECT("domxml-blank-number", cfg.memory_mib == 64);
		EXPECT("domxml-blank-vcpus", cfg.vcpus == 2);
		EXPECT("domxml-blank-action", cfg.on_crash == VM_ACTION_PRESERVE);
		vmconfig_free(&cfg);
	}
	if (parse_ok("escapes-cdata-and-comments",
		     "<domain type='xen'><name>a</name><os><type>xenpvh</type>"
		     "<kernel>/k&amp;&lt;&#x41;&apos;</kernel>"
		     "<cmdline>a<!-- cut -->b <![CDATA[<c & d>]]> &#233;</cmdline>"
		     "</os><?pi ignored?></domain>", &cfg)) {
		EXPECT_STR("domxml-kernel-escapes", cfg.kernel, "/k&<A'");
		EXPECT_STR("domxml-cmdline-cdata", cfg.cmdline,
			   "ab <c & d> \xc3\xa9");
		vmconfig_free(&cfg);
	}
	if (parse_ok("latin1-declared",
		     "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
		     "<domain type='xen'><name>a</name><os><type>xenpvh</type>"
		     "<kernel>/k</kernel><cmdline>caf\xe9</cmdline></os>"
		     "</domain>", &cfg)) {
		EXPECT_STR("domxml-latin1-becomes-utf8", cfg.cmdline,
			   "caf\xc3\xa9");
		vmconfig_free(&cfg);
	}
	if (parse_in_domain("console-bare-and-balloon-none",
			    "<devices><console/><memballoon model='none'/>"
			    "</devices><clock/>", &cfg))
		vmconfig_free(&cfg);
	if (parse_ok("running-domain-id",
		     "<domain type='xen' id='7'><name>a</name><os>"
		     "<type>xenpvh</type><kernel>/k</kernel></os></domain>",
		     &cfg))
		vmconfig_free(&cfg);
}

/* ---- Memory units ----------------------------------------------------- */

static const struct {
	const char *unit;	/* NULL: no unit attribute */
	const char *amount;
	uint64_t mib;
} good_units[] = {
	{ NULL, "65536", 64 },
	{ "b", "16777216", 16 },
	{ "bytes", "33554432", 32 },
	{ "byte", "33554432", 32 },
	{ "KB", "1048576", 1000 },
	{ "k", "65536", 64 },
	{ "KiB", "131072", 128 },
	{ "MB", "16384", 15625 },
	{ "M", "256", 256 },
	{ "MiB", "1024", 1024 },
	{ "G", "2", 2048 },
	{ "GiB", "64", 65536 },
	{ "mib", "100", 100 },
	{ "kIb", "65536", 64 },
	{ "B", "16777216", 16 },
};

static const struct {
	const char *unit;
	const char *amount;
	const char *part;
} bad_units[] = {
	{ "GB", "1", "guest.xml:7: <memory> of 1 GB is not a whole number of MiB" },
	{ "GB", "2048",
	  "guest.xml:7: <memory> must be between 16 and 65536 (MiB), not 1953125" },
	{ "TB", "1", "<memory> of 1 TB is not a whole number of MiB" },
	{ "TB", "256", "must be between 16 and 65536 (MiB), not 244140625" },
	{ "T", "1", "must be between 16 and 65536 (MiB), not 1048576" },
	{ "TiB", "2", "not 2097152" },
	{ "KB", "1000", "<memory> of 1000 KB is not a whole number of MiB" },
	{ "KiB", "1000", "<memory> of 1000 KiB is not a whole number of MiB" },
	{ NULL, "1000", "<memory> of 1000 KiB is not a whole number of MiB" },
	{ "b", "1", "<memory> of 1 b is not a whole number of MiB" },
	{ "MiB", "8", "<memory> must be between 16 and 65536 (MiB), not 8" },
	{ "MiB", "0", "<memory> must be between 16 and 65536 (MiB), not 0" },
	{ "P", "1", "not 1073741824" },
	{ "E", "16", "<memory> of 16 E is too large" },
	{ "KiB", "18446744073709551615", "is too large" },
	{ NULL, "99999999999999999999", "is too large" },
	{ "kg", "1", "guest.xml:7: <memory unit='kg'>: unknown unit" },
	{ "KiBi", "1", "unknown unit" },
	{ "", "1", "is not a whole number of MiB" },
	{ "MiB", "1.5", "<memory> must be a whole number, not '1.5'" },
	{ "MiB", "-64", "must be a whole number, not '-64'" },
	{ "MiB", "", "must be a whole number, not ''" },
	{ "MiB", "0x40", "must be a whole number" },
};

static void memory_element(char *buf, size_t len, const char *unit,
			   const char *amount)
{
	if (unit)
		snprintf(buf, len, "<memory unit='%s'>%s</memory>\n", unit,
			 amount);
	else
		snprintf(buf, len, "<memory>%s</memory>\n", amount);
}

static void test_memory_units(void)
{
	char extra[256], label[64];
	struct vmconfig cfg;
	size_t i;

	for (i = 0; i < sizeof(good_units) / sizeof(good_units[0]); i++) {
		memory_element(extra, sizeof(extra), good_units[i].unit,
			       good_units[i].amount);
		snprintf(label, sizeof(label), "unit-%s-%s",
			 good_units[i].unit ? good_units[i].unit : "none",
			 good_units[i].amount);
		if (!parse_in_domain(label, extra, &cfg))
			continue;
		snprintf(label, sizeof(label), "domxml-unit-%s-is-%llu-mib",
			 good_units[i].unit ? good_units[i].unit : "none",
			 (unsigned long long)good_units[i].mib);
		EXPECT(label, cfg.memory_mib == good_units[i].mib);
		vmconfig_free(&cfg);
	}
	for (i = 0; i < sizeof(bad_units) / sizeof(bad_units[0]); i++) {
		memory_element(extra, sizeof(extra), bad_units[i].unit,
			       bad_units[i].amount);
		snprintf(label, sizeof(label), "bad-unit-%zu", i);
		expect_error_in_domain(label, extra, bad_units[i].part);
	}
	if (parse_in_domain("current-memory-equal",
			    "<memory unit='GiB'>1</memory>\n"
			    "<currentMemory unit='MiB'>1024</currentMemory>\n",
			    &cfg))
		vmconfig_free(&cfg);
	expect_error_in_domain("current-memory-differs",
			       "<memory unit='GiB'>1</memory>\n"
			       "<currentMemory unit='MiB'>512</currentMemory>\n",
			       "guest.xml:8: <currentMemory> (512 MiB) must equal <memory> (1024 MiB): hxen does not balloon guests");
	expect_error_in_domain("current-memory-not-whole",
			       "<currentMemory unit='b'>100</currentMemory>\n",
			       "guest.xml:7: <currentMemory> of 100 b is not a whole number of MiB");
	expect_error_in_domain("memory-attribute",
			       "<memory unit='MiB' dumpCore='on'>64</memory>\n",
			       "guest.xml:7: attribute 'dumpCore' of <memory> is not supported by hxen");
}

/* ---- vCPUs, actions, names --------------------------------------------- */

static void test_vcpus_and_actions(void)
{
	static const char *const refused[] = {
		"rename-restart", "coredump-destroy", "coredump-restart",
	};
	struct vmconfig cfg;
	char extra[256], want[256], label[64];
	size_t i;

	if (parse_in_domain("vcpu-placement-auto",
			    "<vcpu placement='auto' current='3'>3</vcpu>", &cfg)) {
		EXPECT("domxml-vcpu-3", cfg.vcpus == 3);
		vmconfig_free(&cfg);
	}
	expect_error_in_domain("vcpu-current-differs",
			       "<vcpu current='1'>2</vcpu>\n",
			       "guest.xml:7: <vcpu current='1'> must equal the number of vCPUs (2): hxen does not hot-plug vCPUs");
	expect_error_in_domain("vcpu-current-not-number",
			       "<vcpu current='x'>2</vcpu>\n",
			       "<vcpu current='x'> must equal");
	expect_error_in_domain("vcpu-cpuset",
			       "<vcpu cpuset='0-3'>2</vcpu>\n",
			       "guest.xml:7: attribute 'cpuset' of <vcpu> is not supported by hxen");
	expect_error_in_domain("vcpu-zero", "<vcpu>0</vcpu>\n",
			       "guest.xml:7: <vcpu> must be between 1 and 64, not 0");
	expect_error_in_domain("vcpu-65", "\n<vcpu>65</vcpu>\n",
			       "guest.xml:8: <vcpu> must be between 1 and 64, not 65");
	expect_error_in_domain("vcpu-word", "<vcpu>two</vcpu>\n",
			       "<vcpu> must be a whole number, not 'two'");
	expect_error_in_domain("vcpu-huge", "<vcpu>184467440737095516150</vcpu>\n",
			       "<vcpu> 184467440737095516150 is too large");
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(extra, sizeof(extra), "<on_crash>%s</on_crash>\n",
			 refused[i]);
		snprintf(want, sizeof(want),
			 "guest.xml:7: <on_crash>%s</on_crash> is not supported by hxen",
			 refused[i]);
		snprintf(label, sizeof(label), "action-%s", refused[i]);
		expect_error_in_domain(label, extra, want);
	}
	expect_error_in_domain("action-unknown",
			       "<on_reboot>reboot</on_reboot>\n",
			       "guest.xml:7: unknown action 'reboot' in <on_reboot>");
	expect_error_in_domain("action-attribute",
			       "<on_reboot x='1'>restart</on_reboot>\n",
			       "attribute 'x' of <on_reboot> is not supported by hxen");
	expect_error_in_domain("action-child",
			       "<on_reboot><restart/></on_reboot>\n",
			       "guest.xml:7: <restart> is not supported by hxen");
	expect_error("name-bad-char",
		     "<domain type='xen'>\n<name>a b</name>\n</domain>",
		     "guest.xml:2: <name> may hold only letters, digits, '_', '.' and '-', not ' '");
	expect_error("name-empty", "<domain type='xen'><name/></domain>",
		     "guest.xml:1: <name> must not be empty");
	expect_error("name-long",
		     "<domain type='xen'><name>"
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "</name></domain>",
		     "<name> is 65 characters long; the limit is 64");
	expect_error("name-missing",
		     "<domain type='xen'><os><type>xenpvh</type>"
		     "<kernel>/k</kernel></os></domain>",
		     "guest.xml: no <name> is set; it is required");
	expect_error("kernel-missing", "<domain type='xen'><name>a</name></domain>",
		     "guest.xml: no <kernel> is set; it is required");
	expect_error("kernel-empty",
		     "<domain type='xen'><name>a</name><os><type>xenpvh</type>"
		     "\n<kernel></kernel></os></domain>",
		     "guest.xml:2: <kernel> must not be empty");
	expect_error("uuid-bad",
		     "<domain type='xen'><name>a</name>\n<uuid>123</uuid></domain>",
		     "guest.xml:2: <uuid> must be 32 hex digits");
	{
		char *xml = malloc(8192);

		if (xml) {
			snprintf(xml, 8192,
				 "<domain type='xen'><name>a</name><os><type>xenpvh</type>"
				 "<kernel>/k</kernel>\n<cmdline>%4096d</cmdline></os></domain>",
				 1);
			expect_error("cmdline-over-limit", xml,
				     "guest.xml:2: the kernel command line is 4096 bytes long; the limit is 4095");
			free(xml);
		}
	}
}

/* ---- Refusals ------------------------------------------------------------ */

static const struct {
	const char *name;
	const char *devices;	/* from line 8, inside <devices> */
	const char *part;
} refused_devices[] = {
	{ "graphics", "<graphics type='vnc'/>\n",
	  "guest.xml:8: <graphics> is not supported by hxen" },
	{ "input", "<input type='mouse' bus='xen'/>\n",
	  "guest.xml:8: <input> is not supported by hxen" },
	{ "sound", "\n<sound model='ich6'/>\n",
	  "guest.xml:9: <sound> is not supported by hxen" },
	{ "hostdev", "<hostdev mode='subsystem' type='pci'/>\n",
	  "guest.xml:8: <hostdev> is not supported by hxen" },
	{ "serial", "<serial type='pty'/>\n",
	  "guest.xml:8: <serial> is not supported by hxen" },
	{ "emulator", "<emulator>/usr/bin/qemu</emulator>\n",
	  "guest.xml:8: <emulator> is not supported by hxen" },
	{ "disk-block",
	  "<disk type='block' device='disk'>\n<source dev='/dev/sdb'/>\n"
	  "<target dev='xvda'/>\n</disk>\n",
	  "guest.xml:8: <disk type='block'> is not supported by hxen (type='file')" },
	{ "disk-cdrom", "<disk type='file' device='cdrom'/>\n",
	  "guest.xml:8: <disk device='cdrom'> is not supported by hxen (device='disk')" },
	{ "disk-snapshot-attribute", "<disk type='file' snapshot='no'/>\n",
	  "guest.xml:8: attribute 'snapshot' of <disk> is not supported by hxen" },
	{ "disk-driver-vmdk",
	  "<disk>\n<driver name='qemu' type='vmdk'/>\n</disk>\n",
	  "guest.xml:9: <driver type='vmdk'> is not supported by hxen (raw or qcow2)" },
	{ "disk-driver-phy", "<disk>\n<driver name='phy'/>\n</disk>\n",
	  "guest.xml:9: <driver name='phy'> is not supported by hxen" },
	{ "disk-driver-cache", "<disk>\n<driver cache='none'/>\n</disk>\n",
	  "guest.xml:9: attribute 'cache' of <driver> is not supported by hxen" },
	{ "disk-discard-bad", "<disk>\n<driver discard='trim'/>\n</disk>\n",
	  "guest.xml:9: <driver discard='trim'> is not supported by hxen (unmap or ignore)" },
	{ "disk-bus-virtio",
	  "<disk>\n<source file='/a'/>\n<target dev='vda' bus='virtio'/>\n</disk>\n",
	  "guest.xml:10: <target bus='virtio'> is not supported by hxen (bus='xen')" },
	{ "disk-no-source", "<disk>\n<target dev='xvda'/>\n</disk>\n",
	  "guest.xml:8: <disk> has no <source file='PATH'/>" },
	{ "disk-no-target", "<disk>\n<source file='/a'/>\n</disk>\n",
	  "guest.xml:8: <disk> has no <target dev='xvdX'/>" },
	{ "disk-source-empty", "<disk>\n<source file=''/>\n</disk>\n",
	  "guest.xml:9: <source file=''> is empty" },
	{ "disk-source-blank", "<disk>\n<source file='/a '/>\n</disk>\n",
	  "guest.xml:9: <source file='/a '> starts or ends with a blank" },
	{ "disk-source-no-file", "<disk>\n<source dev='/dev/sda'/>\n</disk>\n",
	  "attribute 'dev' of <source> is not supported by hxen" },
	{ "disk-sd-name",
	  "<disk>\n<source file='/a'/>\n<target dev='sda'/>\n</disk>\n",
	  "guest.xml:8: disk 1: vdev 'sda': use xvdX names" },
	{ "disk-dev-injection",
	  "<disk>\n<source file='/a'/>\n<target dev='xvda, target=/etc/shadow'/>\n</disk>\n",
	  "guest.xml:10: <target dev='xvda, target=/etc/shadow'> is not a disk name like xvda" },
	{ "disk-same-vdev",
	  "<disk><source file='/a'/><target dev='xvda'/></disk>\n"
	  "<disk><source file='/b'/><target dev='xvda'/></disk>\n",
	  "guest.xml:9: disk 2: vdev 'xvda' is already used by disk 1" },
	{ "disk-shareable",
	  "<disk>\n<shareable/>\n</disk>\n",
	  "guest.xml:9: <shareable> is not supported by hxen" },
	{ "disk-readonly-twice",
	  "<disk>\n<readonly/>\n<readonly/>\n</disk>\n",
	  "guest.xml:10: <readonly> is given twice (first on line 9)" },
	{ "interface-network", "<interface type='network'/>\n",
	  "guest.xml:8: <interface type='network'> is not supported by hxen (type='user')" },
	{ "interface-bridge", "<interface type='bridge'/>\n",
	  "<interface type='bridge'> is not supported by hxen" },
	{ "interface-no-type", "<interface/>\n",
	  "guest.xml:8: <interface> has no type='user'" },
	{ "interface-backend",
	  "<interface type='user'>\n<backend type='passt'/>\n</interface>\n",
	  "guest.xml:9: <backend> is not supported by hxen" },
	{ "interface-source",
	  "<interface type='user'>\n<source dev='eth0'/>\n</interface>\n",
	  "guest.xml:9: <source> is not supported by hxen" },
	{ "interface-model-virtio",
	  "<interface type='user'>\n<model type='virtio'/>\n</interface>\n",
	  "guest.xml:9: <model type='virtio'> is not supported by hxen" },
	{ "interface-bad-mac",
	  "<interface type='user'>\n<mac address='00:16:3e:zz:00:01'/>\n</interface>\n",
	  "guest.xml:9: <mac address='00:16:3e:zz:00:01'> is not a MAC address" },
	{ "interface-short-mac",
	  "<interface type='user'><mac address='00:16:3e:00:01'/></interface>\n",
	  "is not a MAC address" },
	{ "interface-multicast-mac",
	  "<interface type='user'><mac address='01:16:3e:00:00:01'/></interface>\n",
	  "guest.xml:8: interface 1: MAC '01:16:3e:00:00:01' is a multicast address" },
	{ "forward-ipv6",
	  "<interface type='user'>\n<portForward proto='tcp' address='::1'>"
	  "<range start='1'/></portForward>\n</interface>\n",
	  "guest.xml:9: <portForward address='::1'> is not supported by hxen: it forwards IPv4 addresses only" },
	{ "forward-bad-address",
	  "<interface type='user'>\n<portForward proto='tcp' address='host'>"
	  "<range start='1'/></portForward>\n</interface>\n",
	  "<portForward address='host'> is not an IPv4 address" },
	{ "forward-sctp",
	  "<interface type='user'>\n<portForward proto='sctp'/>\n</interface>\n",
	  "guest.xml:9: <portForward proto='sctp'> is not supported by hxen (tcp or udp)" },
	{ "forward-no-proto",
	  "<interface type='user'>\n<portForward/>\n</interface>\n",
	  "guest.xml:9: <portForward> has no proto='tcp|udp'" },
	{ "forward-dev",
	  "<interface type='user'>\n<portForward proto='tcp' dev='eth0'/>\n</interface>\n",
	  "attribute 'dev' of <portForward> is not supported by hxen" },
	{ "forward-no-range",
	  "<interface type='user'>\n<portForward proto='tcp'/>\n</interface>\n",
	  "guest.xml:9: <portForward> has no <range start='PORT'/>" },
	{ "range-end",
	  "<interface type='user'><portForward proto='tcp'>\n"
	  "<range start='5000' end='5020'/></portForward></interface>\n",
	  "guest.xml:9: attribute 'end' of <range> is not supported by hxen" },
	{ "range-exclude",
	  "<interface type='user'><portForward proto='tcp'>\n"
	  "<range start='5000' exclude='yes'/></portForward></interface>\n",
	  "attribute 'exclude' of <range> is not supported by hxen" },
	{ "range-port-zero",
	  "<interface type='user'><portForward proto='tcp'>\n"
	  "<range start='0'/></portForward></interface>\n",
	  "guest.xml:9: <range start='0'> is not a port (1 to 65535)" },
	{ "range-to-big",
	  "<interface type='user'><portForward proto='tcp'>\n"
	  "<range start='80' to='65536'/></portForward></interface>\n",
	  "<range to='65536'> is not a port (1 to 65535)" },
	{ "range-no-start",
	  "<interface type='user'><portForward proto='tcp'>\n"
	  "<range to='80'/></portForward></interface>\n",
	  "guest.xml:9: <range> has no start='PORT'" },
	{ "range-same-host-port",
	  "<interface type='user'><portForward proto='tcp'>\n"
	  "<range start='80'/><range start='80' to='81'/></portForward></interface>\n",
	  "guest.xml:8: interface 1: hostfwd 'tcp:127.0.0.1:80-:81': tcp host port 80 is already forwarded" },
	{ "console-file", "<console type='file'/>\n",
	  "guest.xml:8: <console type='file'> is not supported by hxen (type='pty')" },
	{ "console-twice", "<console/>\n<console/>\n",
	  "guest.xml:9: <console> is given twice (first on line 8)" },
	{ "console-target-serial",
	  "<console type='pty'>\n<target type='serial' port='0'/>\n</console>\n",
	  "guest.xml:9: <target type='serial'> is not supported by hxen" },
	{ "console-target-port-1",
	  "<console type='pty'>\n<target type='xen' port='1'/>\n</console>\n",
	  "guest.xml:9: <target port='1'> is not supported by hxen" },
	{ "console-source",
	  "<console type='pty'>\n<source path='/dev/pts/3'/>\n</console>\n",
	  "guest.xml:9: <source> is not supported by hxen" },
	{ "memballoon-virtio", "<memballoon model='virtio'/>\n",
	  "guest.xml:8: <memballoon model='virtio'> is not supported by hxen" },
	{ "memballoon-stats",
	  "<memballoon model='xen'>\n<stats period='10'/>\n</memballoon>\n",
	  "guest.xml:9: <stats> is not supported by hxen" },
	{ "devices-text", "  stray words\n",
	  "guest.xml:8: unexpected text 'stray words' in <devices>" },
};

static const struct {
	const char *name;
	const char *extra;	/* from line 7, inside <domain> */
	const char *part;
} refused_elements[] = {
	{ "os-twice", "<os>\n<type>hvm</type>\n</os>\n",
	  "guest.xml:7: <os> is given twice (first on line 3)" },
	{ "features", "<features><acpi/></features>\n",
	  "guest.xml:7: <features> is not supported by hxen" },
	{ "cpu", "<cpu mode='host-passthrough'/>\n",
	  "guest.xml:7: <cpu> is not supported by hxen" },
	{ "bootloader", "<bootloader>/usr/bin/pygrub</bootloader>\n",
	  "guest.xml:7: <bootloader> is not supported by hxen" },
	{ "title", "\n\n<title>web</title>\n",
	  "guest.xml:9: <title> is not supported by hxen" },
	{ "clock-localtime", "<clock offset='localtime'/>\n",
	  "guest.xml:7: <clock offset='localtime'> is not supported by hxen" },
	{ "clock-timer", "<clock offset='utc'>\n<timer name='tsc'/>\n</clock>\n",
	  "guest.xml:8: <timer> is not supported by hxen" },
	{ "clock-adjustment", "<clock offset='utc' adjustment='10'/>\n",
	  "<clock adjustment='10'> is not supported by hxen" },
	{ "name-twice", "<name>other</name>\n",
	  "guest.xml:7: <name> is given twice (first on line 2)" },
	{ "qemu-namespace",
	  "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'/>\n",
	  "guest.xml:7: <qemu:commandline> is not supported by hxen" },
	{ "namespaced-attribute",
	  "<devices xmlns:x='urn:x' x:flag='1'/>\n",
	  "guest.xml:7: attribute 'x:flag' of <devices> is not supported by hxen" },
	{ "text", "hello\n",
	  "guest.xml:7: unexpected text 'hello' in <domain>" },
	{ "devices-twice", "<devices/>\n<devices/>\n",
	  "guest.xml:8: <devices> is given twice (first on line 7)" },
};

static void test_refusals(void)
{
	char label[96];
	size_t i;

	for (i = 0; i < sizeof(refused_devices) / sizeof(refused_devices[0]);
	     i++) {
		snprintf(label, sizeof(label), "refuse-%s",
			 refused_devices[i].name);
		expect_error_in_devices(label, refused_devices[i].devices,
					refused_devices[i].part);
	}
	for (i = 0; i < sizeof(refused_elements) / sizeof(refused_elements[0]);
	     i++) {
		snprintf(label, sizeof(label), "refuse-%s",
			 refused_elements[i].name);
		expect_error_in_domain(label, refused_elements[i].extra,
				       refused_elements[i].part);
	}
	expect_error("os-type-hvm",
		     "<domain type='xen'><name>a</name><os>\n<type>hvm</type>"
		     "<kernel>/k</kernel></os></domain>",
		     "guest.xml:2: <type>hvm</type> is not supported by hxen: hxen boots guests as PVH");
	expect_error("os-type-arch",
		     "<domain type='xen'><name>a</name><os>\n"
		     "<type arch='i686'>xenpvh</type></os></domain>",
		     "guest.xml:2: <type arch='i686'> is not supported by hxen (arch='x86_64')");
	expect_error("os-type-xenfv",
		     "<domain type='xen'><name>a</name><os>\n"
		     "<type machine='xenfv'>xenpvh</type></os></domain>",
		     "guest.xml:2: <type machine='xenfv'> is not supported by hxen");
	expect_error("os-no-type",
		     "<domain type='xen'><name>a</name>\n<os>"
		     "<kernel>/k</kernel></os></domain>",
		     "guest.xml:2: <os> has no <type>");
	expect_error("os-loader",
		     "<domain type='xen'><name>a</name><os><type>xenpvh</type>\n"
		     "<loader>/usr/lib/xen/boot/hvmloader</loader></os></domain>",
		     "guest.xml:2: <loader> is not supported by hxen");
	expect_error("os-firmware",
		     "<domain type='xen'><name>a</name>\n<os firmware='efi'/></domain>",
		     "guest.xml:2: attribute 'firmware' of <os> is not supported by hxen");
	expect_error("domain-kvm", "<domain type='kvm'><name>a</name></domain>",
		     "guest.xml:1: <domain type='kvm'> is not supported by hxen (type='xen')");
	expect_error("domain-no-type", "<domain><name>a</name></domain>",
		     "guest.xml:1: <domain> has no type='xen'");
	expect_error("domain-attribute", "<domain type='xen' foo='bar'/>",
		     "attribute 'foo' of <domain> is not supported by hxen");
	expect_error("not-a-domain", "\n<network/>",
		     "guest.xml:2: <network> is not a libvirt <domain>");
	expect_error("domain-default-namespace",
		     "<domain xmlns='urn:x' type='xen'/>",
		     "<domain> in namespace 'urn:x' is not supported by hxen");
	expect_error("long-element-name",
		     "<domain type='xen'><aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/></domain>",
		     "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...> is not supported by hxen");
	expect_error("control-character-in-value",
		     "<domain type='x&#10;y&#1;'/>",
		     "malformed XML");
	expect_error("newline-in-value",
		     "<domain type='x&#10;y'/>",
		     "<domain type='x y'> is not supported by hxen");
}

/* More disks and interfaces than a guest may have, and the line named. */
static void test_limits(void)
{
	char devices[8192];
	size_t len = 0;
	int i;

	for (i = 0; i < 17; i++)
		len += (size_t)snprintf(devices + len, sizeof(devices) - len,
					"<disk><source file='/d%d'/><target dev='xvd%c'/></disk>\n",
					i, 'a' + i);
	expect_error_in_devices("17-disks", devices,
				"guest.xml:24: <disk> has more than 16 entries");
	len = 0;
	for (i = 0; i < 18; i++)
		len += (size_t)snprintf(devices + len, sizeof(devices) - len,
					"<interface type='user'/>\n");
	expect_error_in_devices("18-interfaces", devices,
				"guest.xml:24: <interface> has more than 16 entries");
	len = (size_t)snprintf(devices, sizeof(devices),
			       "<interface type='user'><portForward proto='tcp'>\n");
	for (i = 0; i < 17; i++)
		len += (size_t)snprintf(devices + len, sizeof(devices) - len,
					"<range start='%d'/>\n", 1000 + i);
	snprintf(devices + len, sizeof(devices) - len,
		 "</portForward></interface>\n");
	expect_error_in_devices("17-forwards", devices,
				"guest.xml:25: <interface> has more than 16 forwarded ports");
}

/* ---- Hostile documents ---------------------------------------------------- */

static void test_hostile(void)
{
	static const char billion_laughs[] =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE domain [\n"
		" <!ENTITY lol 'lol'>\n"
		" <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n"
		" <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>\n"
		" <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n"
		" <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>\n"
		" <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>\n"
		" <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>\n"
		" <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>\n"
		" <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>\n"
		" <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>\n"
		"]>\n"
		"<domain type='xen'><name>a</name><os><type>xenpvh</type>"
		"<kernel>/k</kernel><cmdline>&lol9;</cmdline></os></domain>\n";
	static const char xxe_entity[] =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE domain [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>\n"
		"<domain type='xen'><name>a</name><os><type>xenpvh</type>"
		"<kernel>/k</kernel><cmdline>&xxe;</cmdline></os></domain>\n";
	static const char xxe_dtd[] =
		"<!DOCTYPE domain SYSTEM \"file:///etc/passwd\">\n"
		"<domain type='xen'><name>a</name><os><type>xenpvh</type>"
		"<kernel>/k</kernel></os></domain>\n";
	static const char xxe_parameter[] =
		"<!DOCTYPE domain [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>\n"
		"<domain type='xen'/>\n";
	struct vmconfig cfg;
	char *big;

	expect_error("billion-laughs", billion_laughs,
		     "guest.xml:2: <!DOCTYPE> is not supported");
	expect_error("xxe-entity", xxe_entity,
		     "guest.xml:2: <!DOCTYPE> is not supported");
	EXPECT("domxml-xxe-not-expanded", !strstr(err, "root:"));
	expect_error("xxe-dtd", xxe_dtd,
		     "guest.xml:1: <!DOCTYPE> is not supported");
	expect_error("xxe-parameter-entity", xxe_parameter,
		     "guest.xml:1: <!DOCTYPE> is not supported");
	expect_error("undeclared-entity",
		     "<domain type='xen'>\n<name>&xxe;</name></domain>",
		     "guest.xml:2: malformed XML: Entity 'xxe' not defined");
	expect_error("xinclude",
		     "<domain type='xen' xmlns:xi='http://www.w3.org/2001/XInclude'>"
		     "<xi:include href='file:///etc/passwd' parse='text'/></domain>",
		     "<xi:include> is not supported by hxen");
	expect_error("truncated", "<domain type='xen'>\n<name>a</na",
		     "guest.xml:2: malformed XML");
	expect_error("unclosed", "<domain type='xen'>\n<name>a</name>\n",
		     "malformed XML: Premature end of data");
	expect_error("mismatched", "<domain type='xen'>\n<name>a</nome>\n</domain>",
		     "guest.xml:2: malformed XML: Opening and ending tag mismatch");
	expect_error("not-utf8", "<domain type='xen'>\n<name>\xff\xfe</name></domain>",
		     "guest.xml:2: malformed XML: Input is not proper UTF-8");
	expect_error("overlong-utf8", "<domain type='xen'><name>\xc0\xaf</name></domain>",
		     "malformed XML");
	expect_error("two-roots", "<domain type='xen'/><domain type='xen'/>",
		     "malformed XML: Extra content at the end of the document");
	expect_error("comment-only", "<!-- nothing -->", "malformed XML");
	expect_error("empty", "", "guest.xml: empty: no <domain> element");
	EXPECT("domxml-null-text",
	       domxml_parse_string(NULL, 0, "guest.xml", NULL, &cfg, err,
				   sizeof(err)) == -1 && is_empty(&cfg));
	EXPECT("domxml-nul-inside",
	       domxml_parse_string("<domain type='xen'>\0</domain>", 29,
				   "guest.xml", NULL, &cfg, err,
				   sizeof(err)) == -1 &&
	       strstr(err, "malformed XML"));
	EXPECT("domxml-relative-base-dir",
	       domxml_parse_string(HEAD TAIL, strlen(HEAD TAIL), "guest.xml",
				   "relative", &cfg, err, sizeof(err)) == -1 &&
	       strstr(err, "is not absolute"));
	EXPECT("domxml-small-err-buffer",
	       domxml_parse_string("<x/>", 4, "guest.xml", NULL, &cfg,
				   err, 8) == -1 && strlen(err) == 7);

	big = malloc(VMCONFIG_FILE_MAX + 64);
	if (big) {
		memset(big, ' ', VMCONFIG_FILE_MAX + 63);
		memcpy(big, HEAD TAIL, strlen(HEAD TAIL));
		big[VMCONFIG_FILE_MAX + 63] = '\0';
		expect_error("over-1-mib", big, "guest.xml: larger than 1 MiB");
		free(big);
	}
	{
		/* Line numbers past 65535. */
		size_t n = 70000, len = strlen(HEAD);
		char *xml = malloc(len + n + 64);

		if (xml) {
			memcpy(xml, HEAD, len);
			memset(xml + len, '\n', n);
			strcpy(xml + len + n, "<graphics/>" TAIL);
			expect_error("line-70007", xml,
				     "guest.xml:70007: <graphics> is not supported by hxen");
			free(xml);
		}
	}
	{
		/* Deep nesting inside <metadata>, which hxen skips. */
		size_t depth = 10000, i, len = 0;
		char *xml = malloc(depth * 7 + 256);

		if (xml) {
			len += (size_t)sprintf(xml, "<domain type='xen'><metadata>");
			for (i = 0; i < depth; i++)
				len += (size_t)sprintf(xml + len, "<a>");
			for (i = 0; i < depth; i++)
				len += (size_t)sprintf(xml + len, "</a>");
			sprintf(xml + len, "</metadata></domain>");
			expect_error("deep-nesting", xml, "malformed XML");
			free(xml);
		}
	}
}

/* Every prefix of a valid document fails cleanly; the whole one parses. */
static void test_truncations(void)
{
	size_t end = strlen(full_xml) - 1, i;	/* without the final LF */
	struct vmconfig cfg;
	bool all_failed = true, clean = true;
	int rc;

	for (i = 0; i < end; i++) {
		rc = domxml_parse_string(full_xml, i, "guest.xml", BASE_DIR,
					 &cfg, err, sizeof(err));
		if (rc != -1)
			all_failed = false;
		if (!is_empty(&cfg) || strchr(err, '\n') ||
		    strncmp(err, "guest.xml:", 10))
			clean = false;
		vmconfig_free(&cfg);
	}
	EXPECT("domxml-every-prefix-fails", all_failed);
	EXPECT("domxml-every-prefix-one-clean-line", clean);
	rc = domxml_parse_string(full_xml, end, "guest.xml", BASE_DIR, &cfg,
				 err, sizeof(err));
	EXPECT("domxml-without-final-newline-parses", rc == 0);
	vmconfig_free(&cfg);
}

/* ---- Writing and the round trip ---------------------------------------- */

/*
 * @cfg written, read back and written again: the second configuration
 * equals the first read back and the second text the first.
 */
static void expect_round_trip(const char *name, const struct vmconfig *cfg,
			      struct vmconfig *out)
{
	char *xml1 = NULL, *xml2 = NULL, label[128];
	struct vmconfig cfg2, cfg3;

	memset(out, 0, sizeof(*out));
	snprintf(label, sizeof(label), "domxml-%s-formats", name);
	EXPECT(label, domxml_format(cfg, &xml1, err, sizeof(err)) == 0);
	if (!xml1) {
		printf("FAIL: userspace/%s: %s\n", label, err);
		return;
	}
	snprintf(label, sizeof(label), "domxml-%s-reparses", name);
	if (!parse_ok(label + 7, xml1, &cfg2)) {
		printf("%s", xml1);
		free(xml1);
		return;
	}
	snprintf(label, sizeof(label), "domxml-%s-formats-again", name);
	EXPECT(label, domxml_format(&cfg2, &xml2, err, sizeof(err)) == 0);
	snprintf(label, sizeof(label), "domxml-%s-same-bytes", name);
	EXPECT_STR(label, xml2, xml1);
	if (xml2 && parse(xml2, &cfg3) == 0) {
		snprintf(label, sizeof(label), "domxml-%s-same-config", name);
		EXPECT(label, same_config(&cfg2, &cfg3));
		vmconfig_free(&cfg3);
	}
	free(xml1);
	free(xml2);
	*out = cfg2;
}

static const char full_formatted[] =
	"<domain type='xen'>\n"
	"  <name>web-01</name>\n"
	"  <uuid>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</uuid>\n"
	"  <memory unit='KiB'>2097152</memory>\n"
	"  <currentMemory unit='KiB'>2097152</currentMemory>\n"
	"  <vcpu placement='static'>4</vcpu>\n"
	"  <os>\n"
	"    <type arch='x86_64' machine='xenpvh'>xenpvh</type>\n"
	"    <kernel>/etc/hxen/vmlinuz-6.1</kernel>\n"
	"    <initrd>/boot/initrd.img-6.1</initrd>\n"
	"    <cmdline>root=/dev/xvda1 ro console=hvc0</cmdline>\n"
	"  </os>\n"
	"  <on_poweroff>preserve</on_poweroff>\n"
	"  <on_reboot>destroy</on_reboot>\n"
	"  <on_crash>restart</on_crash>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='raw' discard='unmap'/>\n"
	"      <source file='/srv/web.img'/>\n"
	"      <target dev='xvda' bus='xen'/>\n"
	"    </disk>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='qcow2' discard='ignore'/>\n"
	"      <source file='/etc/hxen/data.qcow2'/>\n"
	"      <target dev='xvdb' bus='xen'/>\n"
	"      <readonly/>\n"
	"    </disk>\n"
	"    <interface type='user'>\n"
	"      <mac address='00:16:3e:00:00:01'/>\n"
	"      <portForward proto='tcp' address='127.0.0.1'>\n"
	"        <range start='2222' to='22'/>\n"
	"      </portForward>\n"
	"      <portForward proto='tcp' address='127.0.0.1'>\n"
	"        <range start='8080' to='80'/>\n"
	"      </portForward>\n"
	"      <portForward proto='udp' address='0.0.0.0'>\n"
	"        <range start='5353' to='5353'/>\n"
	"      </portForward>\n"
	"    </interface>\n"
	"    <interface type='user'/>\n"
	"    <console type='pty'>\n"
	"      <target type='xen' port='0'/>\n"
	"    </console>\n"
	"  </devices>\n"
	"</domain>\n";

static void test_format(void)
{
	struct vmconfig cfg, back;
	char *xml = NULL;

	if (!parse_ok("format-source-parses", full_xml, &cfg))
		return;
	EXPECT("domxml-format-full", domxml_format(&cfg, &xml, err,
						   sizeof(err)) == 0);
	EXPECT_STR("domxml-format-canonical", xml, full_formatted);
	free(xml);
	expect_round_trip("full", &cfg, &back);
	EXPECT("domxml-full-round-trip-same-config", same_config(&cfg, &back));
	vmconfig_free(&back);
	vmconfig_free(&cfg);

	/* Text that needs escaping, from an xl.cfg file. */
	if (vmconfig_parse_string("name = 'esc'\nkernel = \"/k/a'b\\\"c&d<e>\"\n"
				  "ramdisk = '/r\\tr'\n"
				  "cmdline = 'x\\ty\\nz  <&> \"q\" \\'s\\' \xc3\xa9'\n"
				  "disk = [ 'vdev=xvdc, format=raw, discard, target=/d/x y,\\'&\"<>' ]\n"
				  "vif = [ 'hostfwd=udp::53-:53,type=user' ]\n",
				  "esc.cfg", NULL, &cfg, err, sizeof(err))) {
		printf("FAIL: userspace/domxml-escape-source: %s\n", err);
		test_failures++;
		return;
	}
	expect_round_trip("escapes", &cfg, &back);
	EXPECT_STR("domxml-escapes-kernel", back.kernel, "/k/a'b\"c&d<e>");
	EXPECT_STR("domxml-escapes-ramdisk-tab", back.ramdisk, "/r\tr");
	EXPECT_STR("domxml-escapes-cmdline", back.cmdline,
		   "x\ty\nz  <&> \"q\" 's' \xc3\xa9");
	if (back.nr_disks == 1)
		EXPECT_STR("domxml-escapes-disk", back.disks[0],
			   "format=raw, vdev=xvdc, target=/d/x y,'&\"<>");
	if (back.nr_vifs == 1)
		EXPECT_STR("domxml-escapes-vif", back.vifs[0],
			   "type=user, hostfwd=udp:127.0.0.1:53-:53");
	vmconfig_free(&back);
	vmconfig_free(&cfg);
}

static void expect_format_error(const char *name, const char *cfg_text,
				const char *part)
{
	struct vmconfig cfg;
	char *xml = (char *)"unset", label[128];

	snprintf(label, sizeof(label), "domxml-format-%s-source", name);
	if (vmconfig_parse_string(cfg_text, "f.cfg", BASE_DIR, &cfg, err,
				  sizeof(err))) {
		printf("FAIL: userspace/%s: %s\n", label, err);
		test_failures++;
		return;
	}
	snprintf(label, sizeof(label), "domxml-format-%s-fails", name);
	EXPECT(label, domxml_format(&cfg, &xml, err, sizeof(err)) == -1 &&
	       xml == NULL);
	snprintf(label, sizeof(label), "domxml-format-%s", name);
	EXPECT_CONTAINS(label, err, part);
	vmconfig_free(&cfg);
}

static void test_format_errors(void)
{
	struct vmconfig empty = { .vcpus = 1 };
	char *xml = NULL;

	expect_format_error("tap",
			    "name = 'a'\nkernel = '/k'\nvif = [ 'type=tap, ifname=tap0' ]\n",
			    "interface 1: type=tap has no domain XML form");
	expect_format_error("guest-address",
			    "name = 'a'\nkernel = '/k'\n"
			    "vif = [ 'hostfwd=tcp::80-10.0.2.15:80' ]\n",
			    "interface 1: a hostfwd= with a guest address has no domain XML form");
	expect_format_error("relative-disk",
			    "name = 'a'\nkernel = '/k'\ndisk = [ 'vdev=xvda, target=a.img' ]\n",
			    "disk 1: the target 'a.img' is a relative path");
	memcpy(empty.name, "a", 2);
	empty.kernel = (char *)"/k\x01";
	EXPECT("domxml-format-control-character",
	       domxml_format(&empty, &xml, err, sizeof(err)) == -1 && !xml &&
	       strstr(err, "the kernel path cannot be written as XML"));
	empty.kernel = (char *)"/k\xff";
	EXPECT("domxml-format-not-utf8",
	       domxml_format(&empty, &xml, err, sizeof(err)) == -1 && !xml &&
	       strstr(err, "is not UTF-8"));
	empty.kernel = NULL;
	empty.name[0] = '\0';
	EXPECT("domxml-format-empty-fails",
	       domxml_format(&empty, &xml, err, sizeof(err)) == -1 && !xml &&
	       strstr(err, "has no name"));
}

/* Random damage to a valid document: a clean result every time. */
static void test_fuzz(void)
{
	size_t len = strlen(full_xml), i, pos;
	unsigned int parsed = 0, clean = 0, round_trips = 0, runs = 3000;
	uint32_t seed = 12345;
	char *xml = malloc(len + 1), *out1, *out2;
	struct vmconfig cfg, cfg2;

	if (!xml)
		return;
	for (i = 0; i < runs; i++) {
		memcpy(xml, full_xml, len + 1);
		seed = seed * 1103515245 + 12345;
		pos = (seed >> 8) % len;
		seed = seed * 1103515245 + 12345;
		xml[pos] = (char)(seed >> 16);
		if (!xml[pos])
			xml[pos] = '<';
		if (parse(xml, &cfg)) {
			clean += is_empty(&cfg) && !strchr(err, '\n') &&
				 !strncmp(err, "guest.xml:", 10);
			continue;
		}
		parsed++;
		clean++;
		out1 = out2 = NULL;
		if (!domxml_format(&cfg, &out1, err, sizeof(err)) &&
		    !parse(out1, &cfg2)) {
			if (same_config(&cfg, &cfg2) &&
			    !domxml_format(&cfg2, &out2, err, sizeof(err)) &&
			    !strcmp(out1, out2))
				round_trips++;
			vmconfig_free(&cfg2);
		}
		free(out1);
		free(out2);
		vmconfig_free(&cfg);
	}
	free(xml);
	EXPECT("domxml-fuzz-clean-results", clean == runs);
	EXPECT("domxml-fuzz-some-parse", parsed > 0);
	EXPECT("domxml-fuzz-every-parse-round-trips", round_trips == parsed);
}

/* ---- Files ---------------------------------------------------------------- */

static const char *write_temp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
	return path;
}

static void test_files(void)
{
	char xml[4096], xl[4096], path[300];
	struct vmconfig from_xml, from_xl;
	int rc_xml, rc_xl;

	snprintf(xml, sizeof(xml),
		 "\xef\xbb\xbf  \n"
		 "<domain type='xen'>\n"
		 "  <name>eq</name>\n"
		 "  <uuid>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</uuid>\n"
		 "  <memory unit='MiB'>256</memory>\n"
		 "  <vcpu>2</vcpu>\n"
		 "  <os>\n"
		 "    <type>xenpvh</type>\n"
		 "    <kernel>vmlinuz</kernel>\n"
		 "    <initrd>initrd.img</initrd>\n"
		 "    <cmdline>console=hvc0</cmdline>\n"
		 "  </os>\n"
		 "  <on_crash>preserve</on_crash>\n"
		 "  <devices>\n"
		 "    <disk><driver type='qcow2'/><source file='%s/disk.qcow2'/>"
		 "<target dev='xvdb'/></disk>\n"
		 "    <interface type='user'><mac address='00:16:3e:00:00:02'/>"
		 "<portForward proto='tcp'><range start='2222' to='22'/>"
		 "</portForward></interface>\n"
		 "  </devices>\n"
		 "</domain>\n", tmpdir);
	snprintf(xl, sizeof(xl),
		 "name = 'eq'\n"
		 "uuid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'\n"
		 "memory = 256\n"
		 "vcpus = 2\n"
		 "kernel = 'vmlinuz'\n"
		 "ramdisk = 'initrd.img'\n"
		 "cmdline = 'console=hvc0'\n"
		 "on_crash = 'preserve'\n"
		 "disk = [ 'format=qcow2, vdev=xvdb, target=%s/disk.qcow2' ]\n"
		 "vif = [ 'mac=00:16:3e:00:00:02, type=user, hostfwd=tcp:127.0.0.1:2222-:22' ]\n",
		 tmpdir);
	snprintf(path, sizeof(path), "%s", write_temp("guest.xml", xml));
	rc_xml = vmconfig_parse_file(path, &from_xml, err, sizeof(err));
	if (rc_xml)
		printf("FAIL: userspace/domxml-file-xml: %s\n", err);
	EXPECT("domxml-file-xml-parses", rc_xml == 0);
	snprintf(path, sizeof(path), "%s", write_temp("guest.cfg", xl));
	rc_xl = vmconfig_parse_file(path, &from_xl, err, sizeof(err));
	EXPECT("domxml-file-xl-parses", rc_xl == 0);
	if (!rc_xml && !rc_xl) {
		char want[300];

		snprintf(want, sizeof(want), "%s/vmlinuz", tmpdir);
		EXPECT_STR("domxml-file-kernel-beside-file", from_xml.kernel,
			   want);
		EXPECT("domxml-file-same-as-xl", same_config(&from_xml, &from_xl));
	}
	vmconfig_free(&from_xml);
	vmconfig_free(&from_xl);

	snprintf(path, sizeof(path), "%s",
		 write_temp("bad.xml", "<domain type='xen'>\n<name>b</name>\n"
			    "<devices>\n<graphics type='vnc'/>\n</devices>\n"
			    "</domain>\n"));
	EXPECT("domxml-file-bad-fails",
	       vmconfig_parse_file(path, &from_xml, err, sizeof(err)) == -1);
	{
		char want[400];

		snprintf(want, sizeof(want),
			 "%s:4: <graphics> is not supported by hxen", path);
		EXPECT_STR("domxml-file-error-names-file-and-line", err, want);
	}
	EXPECT("domxml-string-xml-detected",
	       vmconfig_parse_string("\n\t <domain type='kvm'/>", "s.xml",
				     NULL, &from_xml, err, sizeof(err)) == -1 &&
	       !strcmp(err, "s.xml:2: <domain type='kvm'> is not supported by hxen (type='xen')"));
}

static void remove_temp(void)
{
	static const char *const names[] = { "guest.xml", "guest.cfg", "bad.xml" };
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
	char template[] = "/tmp/hxen-domxml-XXXXXX";
	char resolved[PATH_MAX];

	if (!mkdtemp(template) || !realpath(template, resolved) ||
	    strlen(resolved) >= sizeof(tmpdir)) {
		perror(template);
		return 1;
	}
	strcpy(tmpdir, resolved);
	test_full_domain();
	test_minimal_and_variants();
	test_memory_units();
	test_vcpus_and_actions();
	test_refusals();
	test_limits();
	test_hostile();
	test_truncations();
	test_format();
	test_format_errors();
	test_fuzz();
	test_files();
	remove_temp();
	return test_failures ? 1 : 0;
}
