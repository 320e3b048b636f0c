// SPDX-License-Identifier: GPL-2.0
/* Network interface specifications: keys, forwards, refusals, MACs. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vifspec.h"
#include "vmconfig.h"

int test_failures;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ERRLEN 512
#define MINIMAL "name = \"vm1\"\nkernel = \"/boot/vmlinuz\"\n"

#define USER VIF_SPEC_USER
#define TAP VIF_SPEC_TAP

static char err[ERRLEN];

static bool is_empty(const struct vif_spec *v)
{
	static const struct vif_spec empty;

	return !memcmp(v, &empty, sizeof(empty));
}

/* "00:16:3e:00:00:01", or "-" when no MAC was given. */
static const char *mac_text(const struct vif_spec *v)
{
	static char buf[18];
	const uint8_t *m = v->mac;

	if (!v->mac_given)
		return "-";
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	return buf;
}

/* The forwards as "tcp 127.0.0.1:2222-0.0.0.0:22 udp ...", or "-". */
static const char *fwd_text(const struct vif_spec *v)
{
	static char buf[2048];
	char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN];
	const struct vif_fwd *f;
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < v->nr_fwd && len < sizeof(buf); i++) {
		f = &v->fwd[i];
		inet_ntop(AF_INET, &f->host_addr, host, sizeof(host));
		inet_ntop(AF_INET, &f->guest_addr, guest, sizeof(guest));
		len += snprintf(buf + len, sizeof(buf) - len,
				"%s%s %s:%u-%s:%u", i ? " " : "",
				f->udp ? "udp" : "tcp", host, f->host_port,
				guest, f->guest_port);
	}
	return v->nr_fwd ? buf : "-";
}

/* ---- Good specifications ------------------------------------------------ */

struct good_case {
	const char *name;
	const char *spec;
	enum vif_spec_type type;
	const char *mac;	/* "-": none given */
	const char *ifname;
	const char *fwds;	/* as fwd_text() writes them; "-": none */
};

static const struct good_case good_cases[] = {
	{ "empty", "", USER, "-", "", "-" },
	{ "blank", "  ", USER, "-", "", "-" },
	{ "type-user", "type=user", USER, "-", "", "-" },
	{ "mac", "mac=00:16:3e:00:00:01", USER, "00:16:3e:00:00:01", "", "-" },
	{ "mac-upper-case", "mac=00:16:3E:AB:cd:EF", USER,
	  "00:16:3e:ab:cd:ef", "", "-" },
	{ "mac-local", "mac=02:00:00:00:00:01", USER, "02:00:00:00:00:01", "",
	  "-" },
	{ "mac-and-user", "type=user, mac=00:16:3e:12:34:56", USER,
	  "00:16:3e:12:34:56", "", "-" },
	{ "tap", "type=tap, ifname=tap0", TAP, "-", "tap0", "-" },
	{ "tap-ifname-first", "ifname=hxen-tap.0_1,type=tap", TAP, "-",
	  "hxen-tap.0_1", "-" },
	{ "tap-ifname-15", "type=tap,ifname=abcdefghijklmno", TAP, "-",
	  "abcdefghijklmno", "-" },
	{ "tap-with-mac", "mac=00:16:3e:00:00:02, type=tap, ifname=vm1", TAP,
	  "00:16:3e:00:00:02", "vm1", "-" },
	{ "blanks", "  mac = 00:16:3e:00:00:01 ,\ttype = user\t", USER,
	  "00:16:3e:00:00:01", "", "-" },
	{ "empty-items", ",type=user,,hostfwd=tcp::1-:65535,", USER, "-", "",
	  "tcp 127.0.0.1:1-0.0.0.0:65535" },

	/* hostfwd */
	{ "fwd-tcp", "hostfwd=tcp::2222-:22", USER, "-", "",
	  "tcp 127.0.0.1:2222-0.0.0.0:22" },
	{ "fwd-no-protocol", "hostfwd=::8080-:80", USER, "-", "",
	  "tcp 127.0.0.1:8080-0.0.0.0:80" },
	{ "fwd-udp-addresses", "hostfwd=udp:0.0.0.0:5353-10.0.2.15:53", USER,
	  "-", "", "udp 0.0.0.0:5353-10.0.2.15:53" },
	{ "fwd-host-address", "hostfwd=tcp:192.168.1.2:80-:8080", USER, "-",
	  "", "tcp 192.168.1.2:80-0.0.0.0:8080" },
	{ "fwd-leading-zeros", "hostfwd=tcp::00080-:022", USER, "-", "",
	  "tcp 127.0.0.1:80-0.0.0.0:22" },
	{ "fwd-several",
	  "type=user, hostfwd=tcp::2222-:22, hostfwd=udp::5000-:5000, "
	  "hostfwd=tcp:0.0.0.0:8080-10.0.2.15:80", USER, "-", "",
	  "tcp 127.0.0.1:2222-0.0.0.0:22 udp 127.0.0.1:5000-0.0.0.0:5000 "
	  "tcp 0.0.0.0:8080-10.0.2.15:80" },
	{ "fwd-same-port-tcp-udp", "hostfwd=tcp::53-:53,hostfwd=udp::53-:53",
	  USER, "-", "",
	  "tcp 127.0.0.1:53-0.0.0.0:53 udp 127.0.0.1:53-0.0.0.0:53" },
	{ "fwd-same-port-other-address",
	  "hostfwd=tcp:127.0.0.1:80-:80,hostfwd=tcp:127.0.0.2:80-:80", USER,
	  "-", "", "tcp 127.0.0.1:80-0.0.0.0:80 tcp 127.0.0.2:80-0.0.0.0:80" },
	{ "fwd-same-guest-port", "hostfwd=tcp::1-:22,hostfwd=tcp::2-:22", USER,
	  "-", "", "tcp 127.0.0.1:1-0.0.0.0:22 tcp 127.0.0.1:2-0.0.0.0:22" },
};

/* "vif-CASE-WHAT", for one check on a good case. */
static const char *at(const struct good_case *c, const char *what)
{
	static char label[160];

	snprintf(label, sizeof(label), "vif-%s-%s", c->name, what);
	return label;
}

static void test_good(void)
{
	const struct good_case *c;
	struct vif_spec v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good_cases); i++) {
		c = &good_cases[i];
		if (vif_spec_parse(c->spec, &v, err, sizeof(err)) < 0) {
			printf("FAIL: userspace/vif-%s: parse failed: %s\n",
			       c->name, err);
			test_failures++;
			continue;
		}
		EXPECT(at(c, "type"), v.type == c->type);
		EXPECT_STR(at(c, "mac"), mac_text(&v), c->mac);
		EXPECT_STR(at(c, "ifname"), v.ifname, c->ifname);
		EXPECT_STR(at(c, "fwd"), fwd_text(&v), c->fwds);
		EXPECT(at(c, "err-cleared"), err[0] == '\0');
	}
}

/* Up to VIF_SPEC_MAX_FWDS forwards, and no more. */
static void test_forward_limit(void)
{
	char spec[1024];
	struct vif_spec v;
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < VIF_SPEC_MAX_FWDS; i++)
		len += snprintf(spec + len, sizeof(spec) - len,
				"hostfwd=tcp::%u-:%u,", 1000 + i, 22 + i);
	EXPECT("vif-16-forwards",
	       vif_spec_parse(spec, &v, err, sizeof(err)) == 0 &&
	       v.nr_fwd == VIF_SPEC_MAX_FWDS);
	EXPECT("vif-16th-forward",
	       v.fwd[15].host_port == 1015 && v.fwd[15].guest_port == 37 &&
	       !v.fwd[15].udp &&
	       v.fwd[15].host_addr == htonl(INADDR_LOOPBACK) &&
	       v.fwd[15].guest_addr == 0);
	snprintf(spec + len, sizeof(spec) - len, "hostfwd=udp::9-:9");
	EXPECT("vif-17-forwards",
	       vif_spec_parse(spec, &v, err, sizeof(err)) == -1 &&
	       is_empty(&v));
	EXPECT_STR("vif-17-forwards-message", err,
		   "more than 16 hostfwd= forwards");
}

/* ---- Bad specifications -------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *spec;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	/* mac */
	{ "mac-short", "mac=00:16:3e:00:00",
	  "invalid MAC '00:16:3e:00:00' (six hex octets like 00:16:3e:12:34:56)" },
	{ "mac-long", "mac=00:16:3e:00:00:01:02",
	  "invalid MAC '00:16:3e:00:00:01:02'" },
	{ "mac-one-digit", "mac=0:16:3e:0:0:1", "invalid MAC '0:16:3e:0:0:1'" },
	{ "mac-dashes", "mac=00-16-3e-00-00-01",
	  "invalid MAC '00-16-3e-00-00-01'" },
	{ "mac-not-hex", "mac=00:16:3e:00:00:0g",
	  "invalid MAC '00:16:3e:00:00:0g'" },
	{ "mac-trailing-colon", "mac=00:16:3e:00:00:01:",
	  "invalid MAC '00:16:3e:00:00:01:'" },
	{ "mac-multicast", "mac=01:00:5e:00:00:01",
	  "MAC '01:00:5e:00:00:01' is a multicast address" },
	{ "mac-broadcast", "mac=ff:ff:ff:ff:ff:ff",
	  "MAC 'ff:ff:ff:ff:ff:ff' is a multicast address" },
	{ "mac-zero", "mac=00:00:00:00:00:00",
	  "MAC '00:00:00:00:00:00' is all zeros" },
	{ "mac-twice", "mac=00:16:3e:00:00:01,mac=00:16:3e:00:00:01",
	  "'mac' is given twice" },
	{ "mac-empty", "mac=", "'mac=' has no value" },

	/* type and ifname */
	{ "type-vif", "type=vif",
	  "type 'vif' is not supported: use type=user or type=tap" },
	{ "type-ioemu", "type=ioemu",
	  "type 'ioemu' is not supported: use type=user or type=tap" },
	{ "type-unknown", "type=bridge",
	  "unknown type 'bridge' (user or tap)" },
	{ "type-upper-case", "type=USER", "unknown type 'USER' (user or tap)" },
	{ "type-twice", "type=user, type=user", "'type' is given twice" },
	{ "tap-no-ifname", "type=tap", "type=tap needs ifname=TAP" },
	{ "tap-no-ifname-mac", "mac=00:16:3e:00:00:01, type=tap",
	  "type=tap needs ifname=TAP" },
	{ "ifname-user-default", "ifname=tap0",
	  "ifname= is only for type=tap" },
	{ "ifname-user", "type=user, ifname=tap0",
	  "ifname= is only for type=tap" },
	{ "ifname-slash", "type=tap, ifname=tap/0",
	  "invalid ifname 'tap/0' (1 to 15 letters, digits, '_', '.' and '-')" },
	{ "ifname-colon", "type=tap, ifname=eth0:1",
	  "invalid ifname 'eth0:1'" },
	{ "ifname-16", "type=tap, ifname=abcdefghijklmnop",
	  "invalid ifname 'abcdefghijklmnop'" },
	{ "ifname-dot", "type=tap, ifname=.", "invalid ifname '.'" },
	{ "ifname-dotdot", "type=tap, ifname=..", "invalid ifname '..'" },
	{ "ifname-inner-blank", "type=tap, ifname=tap 0",
	  "invalid ifname 'tap 0'" },
	{ "ifname-twice", "type=tap, ifname=a, ifname=a",
	  "'ifname' is given twice" },
	{ "fwd-on-tap", "type=tap, ifname=tap0, hostfwd=tcp::22-:22",
	  "hostfwd= is only for type=user" },

	/* hostfwd */
	{ "fwd-no-protocol-colon", "hostfwd=2222-:22",
	  "hostfwd '2222-:22': expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" },
	{ "fwd-one-colon", "hostfwd=tcp:2222-:22",
	  "hostfwd 'tcp:2222-:22': expected [tcp|udp]:" },
	{ "fwd-no-dash", "hostfwd=tcp::2222:22", "expected [tcp|udp]:" },
	{ "fwd-no-guest-colon", "hostfwd=tcp::2222-22", "expected [tcp|udp]:" },
	{ "fwd-empty", "hostfwd=", "'hostfwd=' has no value" },
	{ "fwd-protocol", "hostfwd=sctp::1-:1",
	  "hostfwd 'sctp::1-:1': unknown protocol 'sctp' (tcp or udp)" },
	{ "fwd-protocol-upper-case", "hostfwd=TCP::1-:1",
	  "unknown protocol 'TCP' (tcp or udp)" },
	{ "fwd-host-address", "hostfwd=tcp:1.2.3:80-:80",
	  "hostfwd 'tcp:1.2.3:80-:80': invalid host address '1.2.3'" },
	{ "fwd-host-name", "hostfwd=tcp:localhost:80-:80",
	  "invalid host address 'localhost'" },
	{ "fwd-host-ipv6", "hostfwd=tcp:[::1]:80-:80",
	  "invalid host address '[" },
	{ "fwd-host-port-0", "hostfwd=tcp::0-:80",
	  "hostfwd 'tcp::0-:80': invalid host port '0' (1 to 65535)" },
	{ "fwd-host-port-big", "hostfwd=tcp::65536-:80",
	  "invalid host port '65536' (1 to 65535)" },
	{ "fwd-host-port-6-digits", "hostfwd=tcp::000080-:80",
	  "invalid host port '000080'" },
	{ "fwd-host-port-empty", "hostfwd=tcp::-:80", "invalid host port ''" },
	{ "fwd-host-port-sign", "hostfwd=tcp::+80-:80",
	  "invalid host port '+80'" },
	{ "fwd-host-port-name", "hostfwd=tcp::ssh-:22",
	  "invalid host port 'ssh'" },
	{ "fwd-guest-address", "hostfwd=tcp::80-10.0.2:80",
	  "invalid guest address '10.0.2'" },
	{ "fwd-guest-port-0", "hostfwd=tcp::80-:0",
	  "invalid guest port '0' (1 to 65535)" },
	{ "fwd-guest-port-empty", "hostfwd=tcp::80-:",
	  "invalid guest port ''" },
	{ "fwd-guest-port-colon", "hostfwd=tcp::80-:22:1",
	  "invalid guest port '22:1'" },
	{ "fwd-twice", "hostfwd=tcp::80-:80,hostfwd=tcp::80-:81",
	  "hostfwd 'tcp::80-:81': tcp host port 80 is already forwarded" },
	{ "fwd-twice-any", "hostfwd=tcp:0.0.0.0:80-:80,hostfwd=tcp::80-:81",
	  "tcp host port 80 is already forwarded" },
	{ "fwd-twice-udp", "hostfwd=udp::53-:53,hostfwd=udp:0.0.0.0:53-:54",
	  "udp host port 53 is already forwarded" },

	/* Refused keys */
	{ "bridge", "mac=00:16:3e:00:00:01, bridge=br0",
	  "bridge= needs root: create a tap device on the bridge and use type=tap, ifname=TAP" },
	{ "bridge-empty", "bridge=", "bridge= needs root" },
	{ "script", "script=vif-bridge", "script= is not supported" },
	{ "rate", "rate=10Mb/s", "rate= is not supported" },
	{ "ip", "ip=10.0.2.15", "ip= is not supported" },
	{ "model", "model=e1000",
	  "model= is not supported: the guest sees a Xen network device (leave model= out)" },
	{ "model-empty", "model=", "model= is not supported" },
	{ "vifname", "vifname=vif1.0",
	  "vifname= is not supported: name a tap device with type=tap, ifname=TAP" },
	{ "unknown", "mtu=1500", "unknown setting 'mtu'" },
	{ "unknown-case", "MAC=00:16:3e:00:00:01", "unknown setting 'MAC'" },
	{ "not-key-value", "mac", "'mac' is not KEY=VALUE" },
	{ "not-key-value-later", "type=user, tap0", "'tap0' is not KEY=VALUE" },
	{ "no-key", "=user", "a setting has no name before its '='" },
};

static void test_bad(void)
{
	const struct bad_case *c;
	struct vif_spec v;
	char label[160];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		c = &bad_cases[i];
		rc = vif_spec_parse(c->spec, &v, err, sizeof(err));
		snprintf(label, sizeof(label), "vif-bad-%s", c->name);
		EXPECT_CONTAINS(label, rc ? err : "(parsed)", c->message);
		snprintf(label, sizeof(label), "vif-bad-%s-empty", c->name);
		EXPECT(label, rc == -1 && is_empty(&v));
		snprintf(label, sizeof(label), "vif-bad-%s-one-line", c->name);
		EXPECT(label, !strchr(err, '\n') && strlen(err) < 200);
	}
}

static void test_edges(void)
{
	char spec[400], small[20];
	struct vif_spec v;

	EXPECT("vif-null-spec",
	       vif_spec_parse(NULL, &v, err, sizeof(err)) == -1);
	EXPECT_STR("vif-null-spec-message", err, "no interface specification");

	/* Long words are cut short in messages. */
	snprintf(spec, sizeof(spec), "%0300d=1", 0);
	EXPECT("vif-long-key",
	       vif_spec_parse(spec, &v, err, sizeof(err)) == -1);
	EXPECT_CONTAINS("vif-long-key-cut", err, "000...'");
	EXPECT("vif-long-key-short", strlen(err) < 100);
	snprintf(spec, sizeof(spec), "hostfwd=tcp::1-:%0300d", 0);
	EXPECT("vif-long-fwd",
	       vif_spec_parse(spec, &v, err, sizeof(err)) == -1);
	EXPECT_CONTAINS("vif-long-fwd-message", err, "invalid guest port");
	EXPECT("vif-long-fwd-short", strlen(err) < 200);

	memset(small, 'X', sizeof(small));
	EXPECT("vif-small-err-buffer",
	       vif_spec_parse("bridge=br0", &v, small, sizeof(small)) == -1 &&
	       memchr(small, '\0', sizeof(small)) &&
	       !strncmp(small, "bridge= needs", 13));
	EXPECT("vif-no-err-buffer",
	       vif_spec_parse("bridge=br0", &v, NULL, 0) == -1 && is_empty(&v));
}

/* ---- Default MACs ------------------------------------------------------- */

static void test_default_mac(void)
{
	static const char uuid[] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
	static const char *const names[] = {
		uuid, "01234567-89ab-cdef-0123-456789abcdef", "vm1", "vm2",
		"web", "", "a", "b",
	};
	uint8_t mac[6], again[6], all[8 * 16][6];
	unsigned int n, i, j, bad_oui = 0, same = 0;

	vif_spec_default_mac(uuid, 0, mac);
	vif_spec_default_mac(uuid, 0, again);
	EXPECT("mac-default-stable", !memcmp(mac, again, 6));
	EXPECT("mac-default-oui", mac[0] == 0x00 && mac[1] == 0x16 &&
	       mac[2] == 0x3e);
	/* Pinned: a guest keeps its MAC from one hxen version to the next. */
	EXPECT("mac-default-pinned", mac[3] == 0x4b && mac[4] == 0xca &&
	       mac[5] == 0x58);
	vif_spec_default_mac(uuid, 1, again);
	EXPECT("mac-default-pinned-1", again[3] == 0x49 && again[4] == 0x79 &&
	       again[5] == 0xeb);
	EXPECT("mac-default-index-matters", memcmp(mac, again, 6));
	vif_spec_default_mac(NULL, 0, again);
	vif_spec_default_mac("", 0, mac);
	EXPECT("mac-default-null-is-empty", !memcmp(mac, again, 6));

	n = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		for (j = 0; j < 16; j++) {
			vif_spec_default_mac(names[i], j, all[n]);
			bad_oui += all[n][0] != 0x00 || all[n][1] != 0x16 ||
				   all[n][2] != 0x3e;
			n++;
		}
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			same += !memcmp(all[i], all[j], 6);
	EXPECT("mac-default-all-xen-oui", bad_oui == 0);
	EXPECT("mac-default-distinct", same == 0);
}

/* ---- Through vmconfig ---------------------------------------------------- */

static void expect_cfg_error(const char *name, const char *text,
			     const char *message)
{
	struct vmconfig cfg;
	char label[128];
	int rc = vmconfig_parse_string(text, "guest.cfg", "/etc/hxen", &cfg,
				       err, sizeof(err));

	EXPECT_CONTAINS(name, rc ? err : "(parsed)", message);
	snprintf(label, sizeof(label), "%s-fails", name);
	EXPECT(label, rc == -1 && cfg.nr_vifs == 0 && !cfg.vifs);
	vmconfig_free(&cfg);
}

static void test_vmconfig(void)
{
	struct vmconfig cfg;
	int rc;

	rc = vmconfig_parse_string(MINIMAL
				   "vif = [ 'type=user, hostfwd=tcp::2222-:22',\n"
				   "        'type=tap, ifname=tap0' ]\n",
				   "guest.cfg", "/etc/hxen", &cfg, err,
				   sizeof(err));
	EXPECT("cfg-vifs-parse", rc == 0 && cfg.nr_vifs == 2);
	if (!rc && cfg.nr_vifs == 2) {
		EXPECT_STR("cfg-vif-kept-as-written", cfg.vifs[0],
			   "type=user, hostfwd=tcp::2222-:22");
		EXPECT_STR("cfg-vif-1-kept", cfg.vifs[1],
			   "type=tap, ifname=tap0");
	}
	vmconfig_free(&cfg);

	expect_cfg_error("cfg-vif-bridge",
			 MINIMAL
			 "vif = [ 'mac=00:16:3e:00:00:01, bridge=br0' ]\n",
			 "guest.cfg:3: vif 1: bridge= needs root: create a tap device on the bridge and use type=tap, ifname=TAP");
	expect_cfg_error("cfg-vif-second",
			 MINIMAL "\nvif = [ 'type=user',\n"
			 "        'type=tap' ]\n",
			 "guest.cfg:5: vif 2: type=tap needs ifname=TAP");
	expect_cfg_error("cfg-vif-bad-fwd",
			 MINIMAL "vif = [ 'hostfwd=tcp::99999-:22' ]\n",
			 "guest.cfg:3: vif 1: hostfwd 'tcp::99999-:22': invalid host port '99999' (1 to 65535)");
}

int main(void)
{
	test_good();
	test_forward_limit();
	test_bad();
	test_edges();
	test_default_mac();
	test_vmconfig();
	return test_failures ? 1 : 0;
}
