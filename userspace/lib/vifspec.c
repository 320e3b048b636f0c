// SPDX-License-Identifier: GPL-2.0
/*
 * Network interface specifications: xl-network-configuration(5)'s
 * key=value syntax, the keys hxen supports and the interface they
 * describe (see hxen.cfg(5)).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_lexer.h"
#include "spec_text.h"
#include "vifspec.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define HOSTFWD_SYNTAX "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT"

struct vif_parser {
	struct vif_spec *out;
	char *err;
	size_t errlen;
	bool type_given;
	bool ifname_given;
};

static int fail(struct vif_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct vif_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(p->err, p->errlen, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- mac= ------------------------------------------------------------- */

/* "xx:xx:xx:xx:xx:xx", two hex digits an octet, into @mac. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hex_value(s[0]);
		lo = hi < 0 ? -1 : hex_value(s[1]);
		if (lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s != (i < 5 ? ':' : '\0'))
			return false;
		s++;
	}
	return true;
}

static int set_mac(struct vif_parser *p, char *value)
{
	static const uint8_t zero[6];
	char buf[SPEC_QUOTE_BUF];
	uint8_t *mac = p->out->mac;

	if (p->out->mac_given)
		return fail(p, "'mac' is given twice");
	if (!parse_mac(value, mac))
		return fail(p,
			    "invalid MAC '%s' (six hex octets like 00:16:3e:12:34:56)",
			    spec_quotable(value, buf, sizeof(buf)));
	if (mac[0] & 1)
		return fail(p,
			    "MAC '%s' is a multicast address (the first octet is odd)",
			    value);
	if (!memcmp(mac, zero, sizeof(zero)))
		return fail(p, "MAC '%s' is all zeros", value);
	p->out->mac_given = true;
	return 0;
}

/* ---- type= and ifname= ------------------------------------------------- */

static int set_type(struct vif_parser *p, char *value)
{
	char buf[SPEC_QUOTE_BUF];

	if (p->type_given)
		return fail(p, "'type' is given twice");
	p->type_given = true;
	if (!strcmp(value, "user")) {
		p->out->type = VIF_SPEC_USER;
		return 0;
	}
	if (!strcmp(value, "tap")) {
		p->out->type = VIF_SPEC_TAP;
		return 0;
	}
	if (!strcmp(value, "vif") || !strcmp(value, "ioemu"))
		return fail(p,
			    "type '%s' is not supported: use type=user or type=tap",
			    value);
	return fail(p, "unknown type '%s' (user or tap)",
		    spec_quotable(value, buf, sizeof(buf)));
}

static bool is_ifname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int set_ifname(struct vif_parser *p, char *value)
{
	size_t len = strlen(value), i;
	char buf[SPEC_QUOTE_BUF];

	if (p->ifname_given)
		return fail(p, "'ifname' is given twice");
	for (i = 0; i < len && is_ifname_char(value[i]); i++)
		;
	if (i < len || len >= sizeof(p->out->ifname) ||
	    !strcmp(value, ".") || !strcmp(value, ".."))
		return fail(p,
			    "invalid ifname '%s' (1 to %zu letters, digits, '_', '.' and '-')",
			    spec_quotable(value, buf, sizeof(buf)),
			    sizeof(p->out->ifname) - 1);
	memcpy(p->out->ifname, value, len + 1);
	p->ifname_given = true;
	return 0;
}

/* ---- hostfwd= ---------------------------------------------------------- */

/* A port, 1 to 65535, in decimal; -1 if @s is not one. */
static long parse_port(const char *s)
{
	long port = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return i && port >= 1 && port <= 65535 ? port : -1;
}

/* A dotted quad, or @dflt for ""; false if @s is neither. */
static bool parse_addr(const char *s, uint32_t dflt, uint32_t *addr)
{
	struct in_addr in;

	if (!*s) {
		*addr = dflt;
		return true;
	}
	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	*addr = in.s_addr;
	return true;
}

/* Cut @s at the first @c and return what follows it, or NULL. */
static char *cut_at(char *s, char c)
{
	char *at = strchr(s, c);

	if (!at)
		return NULL;
	*at = '\0';
	return at + 1;
}

/* Whether two forwards would listen on the same host socket. */
static bool fwd_clash(const struct vif_fwd *a, const struct vif_fwd *b)
{
	return a->udp == b->udp && a->host_port == b->host_port &&
	       (a->host_addr == b->host_addr || a->host_addr == INADDR_ANY ||
		b->host_addr == INADDR_ANY);
}

/*
 * The @side ("host" or "guest") end of forward @quoted: the address
 * @addr (@dflt if empty) and the port @port.
 */
static int parse_end(struct vif_parser *p, const char *quoted,
		     const char *side, const char *addr, uint32_t dflt,
		     const char *port, uint32_t *addr_out, uint16_t *port_out)
{
	char buf[SPEC_QUOTE_BUF];
	long n;

	if (!parse_addr(addr, dflt, addr_out))
		return fail(p, "hostfwd '%s': invalid %s address '%s'", quoted,
			    side, spec_quotable(addr, buf, sizeof(buf)));
	n = parse_port(port);
	if (n < 0)
		return fail(p,
			    "hostfwd '%s': invalid %s port '%s' (1 to 65535)",
			    quoted, side, spec_quotable(port, buf, sizeof(buf)));
	*port_out = (uint16_t)n;
	return 0;
}

static int parse_fwd(struct vif_parser *p, char *value, const char *quoted,
		     struct vif_fwd *fwd)
{
	char *proto = value, *host_addr, *host_port, *guest_addr, *guest_port;
	char buf[SPEC_QUOTE_BUF];

	host_addr = cut_at(proto, ':');
	host_port = host_addr ? cut_at(host_addr, ':') : NULL;
	guest_addr = host_port ? cut_at(host_port, '-') : NULL;
	guest_port = guest_addr ? cut_at(guest_addr, ':') : NULL;
	if (!guest_port)
		return fail(p, "hostfwd '%s': expected %s", quoted,
			    HOSTFWD_SYNTAX);

	if (!strcmp(proto, "udp"))
		fwd->udp = true;
	else if (*proto && strcmp(proto, "tcp"))
		return fail(p,
			    "hostfwd '%s': unknown protocol '%s' (tcp or udp)",
			    quoted, spec_quotable(proto, buf, sizeof(buf)));
	if (parse_end(p, quoted, "host", host_addr, htonl(INADDR_LOOPBACK),
		      host_port, &fwd->host_addr, &fwd->host_port) < 0)
		return -1;
	return parse_end(p, quoted, "guest", guest_addr, INADDR_ANY, guest_port,
			 &fwd->guest_addr, &fwd->guest_port);
}

static int add_hostfwd(struct vif_parser *p, char *value)
{
	struct vif_spec *out = p->out;
	char buf[SPEC_QUOTE_BUF], copy[SPEC_QUOTE_BUF];
	struct vif_fwd fwd = { 0 };
	unsigned int i;

	/* The value is cut up while parsed: keep it whole for messages. */
	snprintf(copy, sizeof(copy), "%s",
		 spec_quotable(value, buf, sizeof(buf)));
	if (out->nr_fwd == VIF_SPEC_MAX_FWDS)
		return fail(p, "more than %d hostfwd= forwards",
			    VIF_SPEC_MAX_FWDS);
	if (parse_fwd(p, value, copy, &fwd) < 0)
		return -1;
	for (i = 0; i < out->nr_fwd; i++)
		if (fwd_clash(&out->fwd[i], &fwd))
			return fail(p,
				    "hostfwd '%s': %s host port %u is already forwarded",
				    copy, fwd.udp ? "udp" : "tcp",
				    (unsigned int)fwd.host_port);
	out->fwd[out->nr_fwd++] = fwd;
	return 0;
}

/* ---- Refused keys ------------------------------------------------------- */

static int refuse_bridge(struct vif_parser *p, char *value)
{
	(void)value;
	return fail(p,
		    "bridge= needs root: create a tap device on the bridge and use type=tap, ifname=TAP");
}

static int refuse_vifname(struct vif_parser *p, char *value)
{
	(void)value;
	return fail(p,
		    "vifname= is not supported: name a tap device with type=tap, ifname=TAP");
}

static int refuse_model(struct vif_parser *p, char *value)
{
	(void)value;
	return fail(p,
		    "model= is not supported: the guest sees a Xen network device (leave model= out)");
}

static const char *const unsupported_keys[] = {
	"script", "rate", "ip",
};

static const struct {
	const char *name;
	int (*set)(struct vif_parser *p, char *value);
	bool refused;		/* whatever the value */
} keys[] = {
	{ "mac", set_mac, false },
	{ "type", set_type, false },
	{ "ifname", set_ifname, false },
	{ "hostfwd", add_hostfwd, false },
	{ "bridge", refuse_bridge, true },
	{ "vifname", refuse_vifname, true },
	{ "model", refuse_model, true },
};

static int set_key(struct vif_parser *p, const char *key, char *value)
{
	char buf[SPEC_QUOTE_BUF];
	size_t i;

	if (!*key)
		return fail(p, "a setting has no name before its '='");
	for (i = 0; i < ARRAY_SIZE(unsupported_keys); i++)
		if (!strcmp(key, unsupported_keys[i]))
			return fail(p, "%s= is not supported", key);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		if (!*value && !keys[i].refused)
			return fail(p, "'%s=' has no value", key);
		return keys[i].set(p, value);
	}
	return fail(p, "unknown setting '%s'",
		    spec_quotable(key, buf, sizeof(buf)));
}

static int parse_items(struct vif_parser *p, char *s)
{
	char buf[SPEC_QUOTE_BUF];
	char *item, *equals;

	while (s) {
		item = s;
		s = cut_at(s, ',');
		item = spec_trim(item);
		if (!*item)
			continue;
		equals = strchr(item, '=');
		if (!equals)
			return fail(p, "'%s' is not KEY=VALUE",
				    spec_quotable(item, buf, sizeof(buf)));
		*equals = '\0';
		if (set_key(p, spec_trim(item), spec_trim(equals + 1)) < 0)
			return -1;
	}
	return 0;
}

/* Checks between keys, which may come in any order. */
static int check_combination(struct vif_parser *p)
{
	const struct vif_spec *out = p->out;

	if (out->type == VIF_SPEC_TAP) {
		if (!p->ifname_given)
			return fail(p, "type=tap needs ifname=TAP");
		if (out->nr_fwd)
			return fail(p,
				    "hostfwd= is only for type=user; forward ports to a tap device on the host");
		return 0;
	}
	if (p->ifname_given)
		return fail(p, "ifname= is only for type=tap");
	return 0;
}

int vif_spec_parse(const char *spec, struct vif_spec *out, char *err,
		   size_t errlen)
{
	struct vif_parser p = {
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
		return fail(&p, "no interface specification");
	copy = strdup(spec);
	if (!copy)
		return fail(&p, "out of memory");
	out->type = VIF_SPEC_USER;
	rc = parse_items(&p, copy);
	if (!rc)
		rc = check_combination(&p);
	free(copy);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- Default MAC ------------------------------------------------------- */

#define FNV_OFFSET	0xcbf29ce484222325ull
#define FNV_PRIME	0x100000001b3ull

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;

	while (len--) {
		h ^= *b++;
		h *= FNV_PRIME;
	}
	return h;
}

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

void vif_spec_default_mac(const char *uuid_or_name, unsigned int index,
			  uint8_t mac[6])
{
	const char *s = uuid_or_name ? uuid_or_name : "";
	unsigned char idx[4];
	uint64_t h;
	int i;

	/* The index as fixed little-endian bytes, after the string's NUL. */
	for (i = 0; i < 4; i++)
		idx[i] = (unsigned char)(index >> (8 * i));
	h = fnv1a(FNV_OFFSET, s, strlen(s) + 1);
	h = mix(fnv1a(h, idx, sizeof(idx)));
	mac[0] = 0x00;		/* Xen's OUI: unicast, globally administered */
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}
