/*
 * policy: rawopen.conf(5), who may open what.
 *
 * One rule per line: a principal, a kind, then key=value pairs.  Parsing is
 * strict and fails closed: the first bad line refuses the whole file (a
 * lint goes on to the next line, to report them all).  User and group
 * names are resolved once, when the file is parsed.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "ids.h"
#include "policy.h"

#define POLICY_MAXPAT	64	/* an interface pattern with glob characters */
#define ETHTYPE_MIN	0x0600	/* below: lengths and kernel pseudo-types */

enum principal {
	PRIN_ANY,		/* * */
	PRIN_USER,		/* user:NAME|UID */
	PRIN_GROUP		/* group:NAME|GID */
};

enum filtmode {
	FILT_NONE,		/* no filter= */
	FILT_REQUIRED,		/* filter=required */
	FILT_EXPR		/* filter="EXPR" */
};

/* An ethertype or a port, or a range of them. */
struct span {
	unsigned	lo, hi;
	int		range;		/* written as A-B */
};

#define FAM_IPV4	1
#define FAM_IPV6	2
#define L4_TCP		1
#define L4_UDP		2

/* An address of addr=: 4 bytes of IPv4 or 16 of IPv6, network order. */
struct paddr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	a[16];
};

struct policy_rule {
	int		 line;
	enum principal	 prin;
	unsigned	 id;		/* uid or gid */
	enum policy_kind kind;

	/* packet */
	char		*ifbuf;		/* the iface= value, cut at the commas */
	char		**ifaces;
	size_t		 nifaces;
	struct span	*types;
	size_t		 ntypes;
	int		 promisc;
	enum filtmode	 filtmode;
	char		*filter;
	enum policy_send send;
	int		 spoof;
	int		 outgoing;

	/* ip */
	unsigned char	 protos[256];
	int		 families;

	/* port */
	int		 l4;
	struct span	*ports;
	size_t		 nports;
	struct paddr	*addrs;		/* addr=, or NULL: any address */
	size_t		 naddrs;
};

struct policy {
	struct policy_rule	*rules;
	size_t		 nrules;
	char		*name;		/* the path or name it was parsed as */
};

/* What the parser carries from line to line. */
struct pctx {
	const char	*name;
	int		 line;
	char		*err;
};

/* The keys, and the kinds of rule each applies to. */
#define K_IFACE		0x01
#define K_ETHERTYPE	0x02
#define K_PROMISC	0x04
#define K_FILTER	0x08
#define K_PROTO		0x10
#define K_FAMILY	0x20
#define K_PORT		0x40
#define K_SEND		0x80
#define K_SPOOF		0x100
#define K_OUTGOING	0x200
#define K_ADDR		0x400

#define KIND(k)		(1u << (k))

static const struct {
	const char	*name;
	int		 bit;
	unsigned	 kinds;
} policy_keys[] = {
	{ "iface",	K_IFACE,	KIND(POLICY_PACKET) },
	{ "ethertype",	K_ETHERTYPE,	KIND(POLICY_PACKET) },
	{ "promisc",	K_PROMISC,	KIND(POLICY_PACKET) },
	{ "filter",	K_FILTER,	KIND(POLICY_PACKET) },
	{ "proto",	K_PROTO,	KIND(POLICY_IP) | KIND(POLICY_PORT) },
	{ "family",	K_FAMILY,	KIND(POLICY_IP) },
	{ "port",	K_PORT,		KIND(POLICY_PORT) },
	{ "send",	K_SEND,		KIND(POLICY_PACKET) },
	{ "spoof",	K_SPOOF,	KIND(POLICY_PACKET) },
	{ "outgoing",	K_OUTGOING,	KIND(POLICY_PACKET) },
	{ "addr",	K_ADDR,		KIND(POLICY_PORT) },
};

static const char *const policy_kinds[] = {
	[POLICY_PACKET] = "packet",
	[POLICY_IP] = "ip",
	[POLICY_PORT] = "port",
};

/* The keys each kind of rule must have. */
static const int policy_required[] = {
	[POLICY_PACKET] = K_IFACE | K_ETHERTYPE,
	[POLICY_IP] = K_PROTO,
	[POLICY_PORT] = K_PROTO | K_PORT,
};

/*
 * Formats a message into the buffer err, of POLICY_ERRLEN bytes (cut
 * short if need be), sets errno to e and returns -1.
 */
static int __attribute__((format(printf, 3, 4)))
policy_fail(char *err, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, POLICY_ERRLEN, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

/*
 * Formats "name:line: why" into the error buffer, sets errno to EINVAL and
 * returns -1, so that a parser can say "return perr(c, ...)".
 */
static int __attribute__((format(printf, 2, 3)))
perr(struct pctx *c, const char *fmt, ...)
{
	char why[POLICY_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return policy_fail(c->err, EINVAL, "%s:%d: %s", c->name, c->line, why);
}

/* The same for ENOMEM. */
static int
pnomem(struct pctx *c)
{
	return policy_fail(c->err, ENOMEM, "%s:%d: %s", c->name, c->line,
	    strerror(ENOMEM));
}

/*
 * A decimal number of at most 10 digits and nothing else (no sign, no
 * white space), not above max.  Returns 0, or -1.
 */
static int
policy_number(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;
	size_t len;

	len = strspn(s, "0123456789");
	if (len == 0 || len > 10 || s[len] != '\0')
		return -1;
	for (; *s != '\0'; s++)
		n = n * 10 + (unsigned long)(*s - '0');
	if (n > max)
		return -1;
	*v = n;
	return 0;
}

/*
 * Splits the comma list s in place.  Each call returns the next item and
 * advances *sp, or returns NULL at the end.  Empty items are returned as
 * "" for the caller to refuse.
 */
static char *
policy_item(char **sp)
{
	char *s = *sp, *comma;

	if (s == NULL)
		return NULL;
	if ((comma = strchr(s, ',')) != NULL) {
		*comma = '\0';
		*sp = comma + 1;
	} else
		*sp = NULL;
	return s;
}

/* The number of items in the comma list s. */
static size_t
policy_nitems(const char *s)
{
	size_t n = 1;

	for (; *s != '\0'; s++)
		if (*s == ',')
			n++;
	return n;
}

/*
 * Whether s is a plausible interface name or fnmatch(3) pattern: without
 * glob characters, a name eth_ifname_check() accepts; with them, at most
 * POLICY_MAXPAT printable characters that are fine in a name, or glob.
 */
static int
policy_pattern_ok(const char *s)
{
	/* eth_ifname_check()'s refused set, less "!*?[]". */
	static const char bad[] = "/:\"#$%&'(),;<=>\\^`{|}~";
	const unsigned char *p;

	if (strpbrk(s, "*?[") == NULL)
		return eth_ifname_check(s) == 0;
	if (strlen(s) > POLICY_MAXPAT)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr(bad, *p) != NULL)
			return 0;
	return 1;
}

/* iface=: a list of interface names or fnmatch(3) patterns. */
static int
policy_iface(struct pctx *c, struct policy_rule *r, const char *val)
{
	char *s, *item;
	size_t n;

	if ((r->ifbuf = strdup(val)) == NULL ||
	    (r->ifaces = calloc(policy_nitems(val), sizeof(char *))) == NULL)
		return pnomem(c);
	s = r->ifbuf;
	for (n = 0; (item = policy_item(&s)) != NULL; n++) {
		if (*item == '\0')
			return perr(c, "empty item in iface= list");
		if (!policy_pattern_ok(item))
			return perr(c, "bad interface name or pattern '%.64s'",
			    item);
		r->ifaces[n] = item;
	}
	r->nifaces = n;
	return 0;
}

/* One ethertype of a list: a value or name (via eth_parse_type). */
static int
policy_type1(struct pctx *c, const char *s, uint16_t *t)
{
	if (eth_parse_type(s, t) == 0)
		return 0;
	if (errno == ERANGE)
		return perr(c, "ethertype '%.64s' out of range (0-0xffff)", s);
	return perr(c, "bad ethertype '%.64s'", s);
}

/*
 * ethertype=: a list of ethertypes (as eth_parse_type() reads them) and
 * ranges A-B of numbers; a range may not start below 0x0600.
 */
static int
policy_ethertype(struct pctx *c, struct policy_rule *r, char *val)
{
	struct span *sp;
	char *item, *dash;
	uint16_t lo, hi;

	if ((r->types = calloc(policy_nitems(val), sizeof(*r->types))) == NULL)
		return pnomem(c);
	while ((item = policy_item(&val)) != NULL) {
		if (*item == '\0')
			return perr(c, "empty item in ethertype= list");
		sp = &r->types[r->ntypes++];
		if ((dash = strchr(item, '-')) == NULL) {
			if (policy_type1(c, item, &lo) == -1)
				return -1;
			sp->lo = sp->hi = lo;
			continue;
		}
		*dash = '\0';
		/* Ranges are of numbers: "all-none" means nothing good. */
		if (*item < '0' || *item > '9' ||
		    dash[1] < '0' || dash[1] > '9')
			return perr(c, "bad ethertype range '%.32s-%.32s'",
			    item, dash + 1);
		if (policy_type1(c, item, &lo) == -1 ||
		    policy_type1(c, dash + 1, &hi) == -1)
			return -1;
		if (lo > hi)
			return perr(c, "empty ethertype range '%.32s-%.32s'",
			    item, dash + 1);
		if (lo < ETHTYPE_MIN)
			return perr(c, "ethertype range '%.32s-%.32s' starts "
			    "below 0x0600: list such values one by one",
			    item, dash + 1);
		sp->lo = lo;
		sp->hi = hi;
		sp->range = 1;
	}
	return 0;
}

/* promisc=, spoof=, outgoing=: yes or no, into *v. */
static int
policy_yesno(struct pctx *c, const char *key, const char *val, int *v)
{
	if (strcmp(val, "yes") == 0)
		*v = 1;
	else if (strcmp(val, "no") == 0)
		*v = 0;
	else
		return perr(c, "%s= is yes or no, not '%.64s'", key, val);
	return 0;
}

/* send=iface|no|any. */
static int
policy_send(struct pctx *c, struct policy_rule *r, const char *val)
{
	if (strcmp(val, "iface") == 0)
		r->send = POLICY_SEND_IFACE;
	else if (strcmp(val, "no") == 0)
		r->send = POLICY_SEND_NO;
	else if (strcmp(val, "any") == 0)
		r->send = POLICY_SEND_ANY;
	else
		return perr(c, "send= is iface, no or any, not '%.64s'", val);
	return 0;
}

/* filter="EXPR" (quoted, not blank) or filter=required (not quoted). */
static int
policy_filter(struct pctx *c, struct policy_rule *r, const char *val, int quoted)
{
	if (!quoted) {
		if (strcmp(val, "required") != 0)
			return perr(c, "filter= is \"EXPR\" (quoted) or "
			    "required, not '%.64s'", val);
		r->filtmode = FILT_REQUIRED;
		return 0;
	}
	if (val[strspn(val, " \t")] == '\0')
		return perr(c, "empty filter expression");
	if ((r->filter = strdup(val)) == NULL)
		return pnomem(c);
	r->filtmode = FILT_EXPR;
	return 0;
}

/* proto= of an ip rule: icmp, icmpv6, or 0-255. */
static int
policy_ipproto(struct pctx *c, struct policy_rule *r, char *val)
{
	unsigned long n;
	char *item;

	while ((item = policy_item(&val)) != NULL) {
		if (*item == '\0')
			return perr(c, "empty item in proto= list");
		if (strcmp(item, "icmp") == 0)
			n = IPPROTO_ICMP;
		else if (strcmp(item, "icmpv6") == 0)
			n = IPPROTO_ICMPV6;
		else if (policy_number(item, 255, &n) == -1)
			return perr(c, "bad IP protocol '%.64s' (icmp, icmpv6 "
			    "or 0-255)", item);
		r->protos[n] = 1;
	}
	return 0;
}

/* family= of an ip rule: ipv4, ipv6. */
static int
policy_family(struct pctx *c, struct policy_rule *r, char *val)
{
	char *item;

	while ((item = policy_item(&val)) != NULL) {
		if (strcmp(item, "ipv4") == 0)
			r->families |= FAM_IPV4;
		else if (strcmp(item, "ipv6") == 0)
			r->families |= FAM_IPV6;
		else
			return perr(c, "bad family '%.64s' (ipv4 or ipv6)",
			    item);
	}
	return 0;
}

/* proto= of a port rule: tcp, udp. */
static int
policy_l4(struct pctx *c, struct policy_rule *r, char *val)
{
	char *item;

	while ((item = policy_item(&val)) != NULL) {
		if (strcmp(item, "tcp") == 0)
			r->l4 |= L4_TCP;
		else if (strcmp(item, "udp") == 0)
			r->l4 |= L4_UDP;
		else
			return perr(c, "bad protocol '%.64s' (tcp or udp)",
			    item);
	}
	return 0;
}

/* port=: a list of ports and ranges A-B, 1-65535. */
static int
policy_ports(struct pctx *c, struct policy_rule *r, char *val)
{
	struct span *sp;
	unsigned long lo, hi;
	char *item, *dash;

	if ((r->ports = calloc(policy_nitems(val), sizeof(*r->ports))) == NULL)
		return pnomem(c);
	while ((item = policy_item(&val)) != NULL) {
		if (*item == '\0')
			return perr(c, "empty item in port= list");
		sp = &r->ports[r->nports++];
		if ((dash = strchr(item, '-')) != NULL)
			*dash = '\0';
		if (policy_number(item, 65535, &lo) == -1 || lo == 0 ||
		    (dash != NULL && (policy_number(dash + 1, 65535, &hi) == -1 ||
		    hi == 0)))
			return perr(c, "bad port '%.32s%s%.32s' (1-65535)", item,
			    dash != NULL ? "-" : "", dash != NULL ? dash + 1 : "");
		if (dash == NULL)
			hi = lo;
		else if (lo > hi)
			return perr(c, "empty port range '%.32s-%.32s'", item,
			    dash + 1);
		sp->lo = (unsigned)lo;
		sp->hi = (unsigned)hi;
		sp->range = dash != NULL;
	}
	return 0;
}

/*
 * addr= of a port rule: numeric IPv4 and IPv6 addresses, as inet_pton(3)
 * reads them (IPv6 without brackets, no scope, no prefix length).
 */
static int
policy_addrs(struct pctx *c, struct policy_rule *r, char *val)
{
	struct paddr *a;
	char *item;

	if ((r->addrs = calloc(policy_nitems(val), sizeof(*r->addrs))) == NULL)
		return pnomem(c);
	while ((item = policy_item(&val)) != NULL) {
		if (*item == '\0')
			return perr(c, "empty item in addr= list");
		a = &r->addrs[r->naddrs++];
		if (inet_pton(AF_INET, item, a->a) == 1)
			a->family = AF_INET;
		else if (inet_pton(AF_INET6, item, a->a) == 1)
			a->family = AF_INET6;
		else
			return perr(c, "bad address '%.64s' (a numeric IPv4 or "
			    "IPv6 address, without brackets)", item);
	}
	return 0;
}

/*
 * The principal: "*", user:NAME|UID or group:NAME|GID, resolved now
 * through ids_uid()/ids_gid(); an unknown name is an error.
 */
static int
policy_principal(struct pctx *c, struct policy_rule *r, const char *s)
{
	uid_t uid;
	gid_t gid;

	if (strcmp(s, "*") == 0) {
		r->prin = PRIN_ANY;
		return 0;
	}
	if (strncmp(s, "user:", 5) == 0) {
		r->prin = PRIN_USER;
		if (ids_uid(s + 5, &uid) == 0) {
			r->id = uid;
			return 0;
		}
		if (errno == ENOENT)
			return perr(c, "unknown user '%.64s'", s + 5);
		if (errno == EINVAL)
			return perr(c, "bad user '%.64s'", s + 5);
		return perr(c, "user '%.64s': %s", s + 5, strerror(errno));
	}
	if (strncmp(s, "group:", 6) == 0) {
		r->prin = PRIN_GROUP;
		if (ids_gid(s + 6, &gid) == 0) {
			r->id = gid;
			return 0;
		}
		if (errno == ENOENT)
			return perr(c, "unknown group '%.64s'", s + 6);
		if (errno == EINVAL)
			return perr(c, "bad group '%.64s'", s + 6);
		return perr(c, "group '%.64s': %s", s + 6, strerror(errno));
	}
	return perr(c, "bad principal '%.64s' (user:NAME, group:NAME or *)", s);
}

/* A word of a line: a plain word, or key=value. */
struct tok {
	char		*key;		/* the word, or the key */
	char		*val;		/* the value, or NULL for a plain word */
	int		 quoted;	/* the value was "quoted" */
};

/*
 * Cuts the next word out of the line at *pp, in place, and advances *pp.
 * Words are separated by blanks; a value may be double-quoted right after
 * its '=', and then holds blanks, \" and \\.  Returns 1 with *t filled, 0
 * at the end of the line or at a comment, or -1 with *why set.
 */
static int
policy_tok(char **pp, struct tok *t, const char **why)
{
	char *p = *pp, *d;

	p += strspn(p, " \t");
	if (*p == '\0' || *p == '#') {
		*pp = p;
		return 0;
	}
	t->key = p;
	t->val = NULL;
	t->quoted = 0;
	for (; *p != '\0' && *p != ' ' && *p != '\t'; p++) {
		if (*p == '"') {
			*why = "unexpected '\"' (only a whole value is quoted)";
			return -1;
		}
		if (*p != '=' || t->val != NULL)
			continue;
		*p = '\0';
		t->val = p + 1;
		if (p[1] != '"')
			continue;
		/* A quoted value, unescaped in place over its quotes. */
		t->quoted = 1;
		d = t->val;
		for (p += 2; *p != '"'; p++) {
			if (*p == '\0') {
				*why = "unterminated quote";
				return -1;
			}
			if (*p == '\\') {
				if (p[1] != '"' && p[1] != '\\') {
					*why = "bad escape in quoted value "
					    "(only \\\" and \\\\)";
					return -1;
				}
				p++;
			}
			*d++ = *p;
		}
		p++;
		if (*p != '\0' && *p != ' ' && *p != '\t') {
			*why = "text after the closing quote";
			return -1;
		}
		*d = '\0';
		*pp = p;
		return 1;
	}
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return 1;
}

/*
 * Parses one rule from line (NUL-terminated, checked for bad bytes, and
 * writable) into *r.  Returns 1 for a rule, 0 for a blank or comment line,
 * or -1 with the message in c->err.
 */
static int
policy_line(struct pctx *c, char *line, struct policy_rule *r)
{
	const char *why;
	struct tok t;
	size_t i;
	int k, rc, seen = 0;

	memset(r, 0, sizeof(*r));
	r->line = c->line;
	if ((rc = policy_tok(&line, &t, &why)) <= 0)
		return rc == 0 ? 0 : perr(c, "%s", why);
	if (t.val != NULL)
		return perr(c, "expected a principal, not '%.64s='", t.key);
	if (policy_principal(c, r, t.key) == -1)
		return -1;
	if ((rc = policy_tok(&line, &t, &why)) <= 0)
		return rc == 0 ? perr(c, "missing kind (packet, ip or port)") :
		    perr(c, "%s", why);
	for (k = 0; k < (int)(sizeof(policy_kinds) / sizeof(policy_kinds[0]));
	    k++)
		if (t.val == NULL && strcmp(t.key, policy_kinds[k]) == 0)
			break;
	if (k == (int)(sizeof(policy_kinds) / sizeof(policy_kinds[0])))
		return perr(c, "unknown kind '%.64s%s' (packet, ip or port)",
		    t.key, t.val != NULL ? "=..." : "");
	r->kind = (enum policy_kind)k;

	while ((rc = policy_tok(&line, &t, &why)) == 1) {
		if (t.val == NULL)
			return perr(c, "expected key=value, not '%.64s'",
			    t.key);
		for (i = 0; i < sizeof(policy_keys) / sizeof(policy_keys[0]);
		    i++)
			if (strcmp(t.key, policy_keys[i].name) == 0)
				break;
		if (i == sizeof(policy_keys) / sizeof(policy_keys[0]))
			return perr(c, "unknown key '%.64s'", t.key);
		if ((policy_keys[i].kinds & KIND(r->kind)) == 0)
			return perr(c, "key '%s' does not apply to %s rules",
			    t.key, policy_kinds[r->kind]);
		if (seen & policy_keys[i].bit)
			return perr(c, "duplicate key '%s'", t.key);
		seen |= policy_keys[i].bit;
		if (t.quoted && policy_keys[i].bit != K_FILTER)
			return perr(c, "only filter= takes a quoted value");
		if (*t.val == '\0' && !t.quoted)
			return perr(c, "empty value for %s=", t.key);

		switch (policy_keys[i].bit) {
		case K_IFACE:
			rc = policy_iface(c, r, t.val);
			break;
		case K_ETHERTYPE:
			rc = policy_ethertype(c, r, t.val);
			break;
		case K_PROMISC:
			rc = policy_yesno(c, t.key, t.val, &r->promisc);
			break;
		case K_SEND:
			rc = policy_send(c, r, t.val);
			break;
		case K_SPOOF:
			rc = policy_yesno(c, t.key, t.val, &r->spoof);
			break;
		case K_OUTGOING:
			rc = policy_yesno(c, t.key, t.val, &r->outgoing);
			break;
		case K_ADDR:
			rc = policy_addrs(c, r, t.val);
			break;
		case K_FILTER:
			rc = policy_filter(c, r, t.val, t.quoted);
			break;
		case K_PROTO:
			rc = r->kind == POLICY_IP ? policy_ipproto(c, r, t.val) :
			    policy_l4(c, r, t.val);
			break;
		case K_FAMILY:
			rc = policy_family(c, r, t.val);
			break;
		case K_PORT:
			rc = policy_ports(c, r, t.val);
			break;
		}
		if (rc == -1)
			return -1;
	}
	if (rc == -1)
		return perr(c, "%s", why);
	for (i = 0; i < sizeof(policy_keys) / sizeof(policy_keys[0]); i++)
		if ((policy_required[r->kind] & policy_keys[i].bit) &&
		    !(seen & policy_keys[i].bit))
			return perr(c, "%s rule without %s=",
			    policy_kinds[r->kind], policy_keys[i].name);
	/* A rule reads exactly as wide as it grants. */
	if ((seen & K_SPOOF) && r->spoof && r->send == POLICY_SEND_NO)
		return perr(c, "spoof=yes with send=no (nothing is sent)");
	if ((seen & K_SPOOF) && !r->spoof && r->send == POLICY_SEND_ANY)
		return perr(c, "spoof=no with send=any (the program holds the "
		    "socket and can send any frame)");
	if (r->kind == POLICY_IP && r->families == 0)
		r->families = FAM_IPV4 | FAM_IPV6;
	return 1;
}

/* Frees what r holds (not r itself); r may be partly filled or zeroed. */
static void
policy_rule_free(struct policy_rule *r)
{
	free(r->ifbuf);
	free(r->ifaces);
	free(r->types);
	free(r->filter);
	free(r->ports);
	free(r->addrs);
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrules; i++)
		policy_rule_free(&p->rules[i]);
	free(p->rules);
	free(p->name);
	free(p);
}

/* A lint: where bad lines go, and how many there were. */
struct lint {
	void		(*report)(void *arg, const char *msg);
	void		*arg;
	int		 nerr;
};

/*
 * Lines are checked byte by byte before they are cut into words: a NUL, a
 * control character other than a tab, or a byte outside ASCII anywhere is
 * an error, and so is a line longer than POLICY_MAXLINE, however long.
 * Without lint, the first bad line ends the parse: NULL with errno and
 * err.  With lint, each bad line is reported and skipped, and the parse
 * goes on with the next; only EFBIG and ENOMEM end it (NULL).
 */
static struct policy *
policy_parse_lint(const char *text, size_t len, const char *name,
    char err[POLICY_ERRLEN], struct lint *lint)
{
	char line[POLICY_MAXLINE + 1];
	struct pctx c = { name, 0, err };
	struct policy *p;
	struct policy_rule r, *nr;
	const char *end = text + len, *nl, *next;
	size_t cap = 0, ll, i;
	int rc;

	if (len > POLICY_MAXSIZE) {
		policy_fail(err, EFBIG, "%s: larger than %d bytes", name,
		    POLICY_MAXSIZE);
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->name = strdup(name)) == NULL) {
		free(p);
		policy_fail(err, ENOMEM, "%s: %s", name, strerror(ENOMEM));
		return NULL;
	}
	for (; text < end; text = next) {
		c.line++;
		nl = memchr(text, '\n', (size_t)(end - text));
		ll = (size_t)((nl != NULL ? nl : end) - text);
		next = text + ll + (nl != NULL);
		if (ll > POLICY_MAXLINE) {
			perr(&c, "line longer than %d bytes", POLICY_MAXLINE);
			goto bad;
		}
		for (i = 0; i < ll; i++) {
			unsigned char ch = (unsigned char)text[i];

			if (ch == '\0')
				perr(&c, "NUL byte");
			else if (ch == '\r')
				perr(&c, "carriage return (a DOS line end?)");
			else if ((ch < ' ' && ch != '\t') || ch == 0x7f)
				perr(&c, "control character 0x%02x", ch);
			else if (ch > 0x7f)
				perr(&c, "byte 0x%02x outside ASCII", ch);
			else
				continue;
			goto bad;
		}
		memcpy(line, text, ll);
		line[ll] = '\0';

		if ((rc = policy_line(&c, line, &r)) == -1) {
			policy_rule_free(&r);
			goto bad;
		}
		if (rc == 0)
			continue;
		if (p->nrules == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nr = reallocarray(p->rules, cap,
			    sizeof(*nr))) == NULL) {
				policy_rule_free(&r);
				pnomem(&c);
				goto fail;
			}
			p->rules = nr;
		}
		p->rules[p->nrules++] = r;
		continue;
bad:
		if (lint == NULL || errno == ENOMEM)
			goto fail;
		lint->report(lint->arg, err);
		lint->nerr++;
	}
	return p;
fail:
	rc = errno;
	policy_free(p);
	errno = rc;
	return NULL;
}

struct policy *
policy_parse(const char *text, size_t len, const char *name,
    char err[POLICY_ERRLEN])
{
	return policy_parse_lint(text, len, name, err, NULL);
}

int
policy_lint_text(const char *text, size_t len, const char *name,
    void (*report)(void *arg, const char *msg), void *arg)
{
	struct lint lint = { report, arg, 0 };
	char err[POLICY_ERRLEN];
	struct policy *p;
	int e;

	if ((p = policy_parse_lint(text, len, name, err, &lint)) == NULL) {
		e = errno;
		report(arg, err);
		errno = e;
		return -1;
	}
	policy_free(p);
	return lint.nerr;
}

/*
 * Whether the owner and mode of sb, the stat of name, are safe: owned by
 * root, and writable by nobody else.  Fills err and sets errno to EPERM
 * when not.
 */
static int
policy_safe(const char *name, const struct stat *sb, char *err)
{
	const char *why;

	if (sb->st_uid != 0)
		why = "not owned by root";
	else if (sb->st_mode & S_IWOTH)
		why = "writable by others";
	else if (sb->st_mode & S_IWGRP)
		why = "writable by group";
	else
		return 0;
	return policy_fail(err, EPERM, "%s: %s", name, why);
}

/* Fills err with "name: strerror(e)" and returns -1 with errno e. */
static int
policy_syserr(const char *name, int e, char *err)
{
	return policy_fail(err, e, "%s: %s", name, strerror(e));
}

/*
 * Walks path from / down with lstat(2), checking every directory above
 * the file and the file itself, which must be a regular file.  Leaves the
 * file's lstat in *sb.  Returns 0, or -1 with errno and err.
 */
static int
policy_walk(const char *path, struct stat *sb, char *err)
{
	char cur[PATH_MAX];
	const char *p, *q;
	size_t n = 0;

	if (lstat("/", sb) == -1)
		return policy_syserr("/", errno, err);
	if (policy_safe("/", sb, err) == -1)
		return -1;
	for (p = path; ; p = q) {
		p += strspn(p, "/");
		q = p + strcspn(p, "/");
		if ((q - p == 1 && p[0] == '.') ||
		    (q - p == 2 && p[0] == '.' && p[1] == '.')) {
			return policy_fail(err, EINVAL, "%s: '.' or '..' in "
			    "the path", path);
		}
		if (n + 1 + (size_t)(q - p) >= sizeof(cur))
			return policy_syserr(path, ENAMETOOLONG, err);
		cur[n++] = '/';
		memcpy(cur + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		cur[n] = '\0';
		if (lstat(cur, sb) == -1) {
			if (errno == EACCES)
				return policy_fail(err, EACCES, "%s: %s (every "
				    "directory above it must be searchable by "
				    "all)", cur, strerror(EACCES));
			return policy_syserr(cur, errno, err);
		}
		if (S_ISLNK(sb->st_mode)) {
			return policy_fail(err, EPERM, "%s: a symbolic link "
			    "(name the real path)", cur);
		}
		if (policy_safe(cur, sb, err) == -1)
			return -1;
		if (*q == '\0')
			break;
		if (!S_ISDIR(sb->st_mode))
			return policy_syserr(cur, ENOTDIR, err);
	}
	if (!S_ISREG(sb->st_mode)) {
		return policy_fail(err, EPERM, "%s: not a regular file",
		    path);
	}
	return 0;
}

/*
 * Reads the policy file at path, after the checks policy_load() promises,
 * into *bufp (malloc'd, POLICY_MAXSIZE + 1 bytes) and *lenp.  Returns 0,
 * or -1 with errno and err.
 *
 * The file is opened only after the walk, with O_NOFOLLOW, and its open
 * fd is checked again against the walk's lstat, so that nothing swapped in
 * between is read.  (Nobody but root can swap anything: the walk saw every
 * directory above owned by root and writable by nobody else.)
 */
static int
policy_read(const char *path, char *err, char **bufp, size_t *lenp)
{
	struct stat lsb, sb;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, e;

	if (path == NULL || path[0] != '/' || path[strlen(path) - 1] == '/')
		return policy_fail(err, EINVAL, "%s: not an absolute path to a "
		    "file", path != NULL ? path : "(null)");
	if (policy_walk(path, &lsb, err) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		if (errno == EACCES)
			policy_fail(err, EACCES, "%s: cannot read it (it must "
			    "be readable by all: mode 0644)", path);
		else if (errno == ELOOP)
			policy_fail(err, EPERM, "%s: a symbolic link", path);
		else
			policy_syserr(path, errno, err);
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		policy_syserr(path, errno, err);
		goto fail;
	}
	if (sb.st_dev != lsb.st_dev || sb.st_ino != lsb.st_ino ||
	    !S_ISREG(sb.st_mode)) {
		policy_fail(err, EPERM, "%s: changed while it was being "
		    "checked", path);
		goto fail;
	}
	/*
	 * A setuid-root copy could read a file that others cannot, and then
	 * quote its lines in messages: it refuses what a copy with file
	 * capabilities could not read.
	 */
	if ((sb.st_mode & S_IROTH) == 0) {
		policy_fail(err, EACCES, "%s: cannot read it (it must be "
		    "readable by all: mode 0644)", path);
		goto fail;
	}
	if (policy_safe(path, &sb, err) == -1)
		goto fail;
	if (sb.st_size > POLICY_MAXSIZE) {
		policy_fail(err, EFBIG, "%s: larger than %d bytes", path,
		    POLICY_MAXSIZE);
		goto fail;
	}
	/* One byte more than allowed, to see a file that grew. */
	if ((buf = malloc(POLICY_MAXSIZE + 1)) == NULL) {
		policy_syserr(path, ENOMEM, err);
		goto fail;
	}
	for (;;) {
		n = read(fd, buf + len, POLICY_MAXSIZE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			policy_syserr(path, errno, err);
			free(buf);
			goto fail;
		}
		if (n == 0 || (len += (size_t)n) == POLICY_MAXSIZE + 1)
			break;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

struct policy *
policy_load(const char *path, char err[POLICY_ERRLEN])
{
	struct policy *p;
	char *buf;
	size_t len;
	int e;

	if (policy_read(path, err, &buf, &len) == -1)
		return NULL;
	/* policy_parse() refuses len > POLICY_MAXSIZE with EFBIG. */
	p = policy_parse(buf, len, path, err);
	e = errno;
	free(buf);
	errno = e;
	return p;
}

int
policy_lint(const char *path, void (*report)(void *arg, const char *msg),
    void *arg)
{
	char err[POLICY_ERRLEN], *buf;
	size_t len;
	int e, n;

	if (policy_read(path, err, &buf, &len) == -1) {
		e = errno;
		report(arg, err);
		errno = e;
		return -1;
	}
	n = policy_lint_text(buf, len, path, report, arg);
	e = errno;
	free(buf);
	errno = e;
	return n;
}

/* Whether r's principal is who. */
static int
policy_who_match(const struct policy_rule *r, const struct policy_who *who)
{
	size_t i;

	switch (r->prin) {
	case PRIN_ANY:
		return 1;
	case PRIN_USER:
		return who->uid == (uid_t)r->id;
	case PRIN_GROUP:
		if (who->gid == (gid_t)r->id)
			return 1;
		for (i = 0; i < who->ngroups; i++)
			if (who->groups[i] == (gid_t)r->id)
				return 1;
		return 0;
	}
	return 0;
}

/*
 * Whether the ethertype t is in r's list.  A value below 0x0600 (ETH_P_ALL
 * among them) is granted only by an entry naming it alone: ranges start at
 * 0x0600 or above (the parser sees to it), and the check is repeated here.
 */
static int
policy_type_match(const struct policy_rule *r, uint16_t t)
{
	size_t i;

	for (i = 0; i < r->ntypes; i++) {
		if (!r->types[i].range) {
			if (t == r->types[i].lo)
				return 1;
		} else if (t >= ETHTYPE_MIN && t >= r->types[i].lo &&
		    t <= r->types[i].hi)
			return 1;
	}
	return 0;
}

/* Whether the packet rule r grants req. */
static int
policy_packet_match(const struct policy_rule *r, const struct policy_req *req)
{
	size_t i;

	if (req->iface == NULL || !policy_type_match(r, req->ethertype))
		return 0;
	if (req->promisc && !r->promisc)
		return 0;
	if (req->outgoing && !r->outgoing)
		return 0;
	if (r->filtmode == FILT_REQUIRED && !req->filter)
		return 0;
	for (i = 0; i < r->nifaces; i++)
		if (fnmatch(r->ifaces[i], req->iface, 0) == 0)
			return 1;
	return 0;
}

/*
 * The address req asks to bind, into *a: the wildcard of req->ip6's
 * family for a NULL req->addr.  Returns 0, or -1 for an address of
 * another family or too short for its own.
 */
static int
policy_req_addr(const struct policy_req *req, struct paddr *a)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(a, 0, sizeof(*a));
	if (req->addr == NULL) {
		a->family = req->ip6 ? AF_INET6 : AF_INET;
		return 0;
	}
	if (req->addr->sa_family == AF_INET &&
	    req->addrlen >= (socklen_t)sizeof(sin)) {
		memcpy(&sin, req->addr, sizeof(sin));
		a->family = AF_INET;
		memcpy(a->a, &sin.sin_addr, 4);
		return 0;
	}
	if (req->addr->sa_family == AF_INET6 &&
	    req->addrlen >= (socklen_t)sizeof(sin6)) {
		memcpy(&sin6, req->addr, sizeof(sin6));
		a->family = AF_INET6;
		memcpy(a->a, &sin6.sin6_addr, 16);
		return 0;
	}
	return -1;
}

/*
 * Whether r's addr= grants the address req asks for: always without the
 * key; else when it is listed, of the same family (the wildcards too).
 */
static int
policy_addr_match(const struct policy_rule *r, const struct policy_req *req)
{
	struct paddr a;
	size_t i;

	if (r->addrs == NULL)
		return 1;
	if (policy_req_addr(req, &a) == -1)
		return 0;
	for (i = 0; i < r->naddrs; i++)
		if (r->addrs[i].family == a.family &&
		    memcmp(r->addrs[i].a, a.a, sizeof(a.a)) == 0)
			return 1;
	return 0;
}

/* Whether the port rule r grants req. */
static int
policy_port_match(const struct policy_rule *r, const struct policy_req *req)
{
	size_t i;

	if (!(req->proto == IPPROTO_TCP && (r->l4 & L4_TCP)) &&
	    !(req->proto == IPPROTO_UDP && (r->l4 & L4_UDP)))
		return 0;
	if (!policy_addr_match(r, req))
		return 0;
	for (i = 0; i < r->nports; i++)
		if (req->port >= r->ports[i].lo && req->port <= r->ports[i].hi)
			return 1;
	return 0;
}

int
policy_check(const struct policy *p, const struct policy_who *who,
    const struct policy_req *req, struct policy_grant *g)
{
	const struct policy_rule *r;
	size_t i;
	int yes;

	if (p == NULL)
		return 0;
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (r->kind != req->kind || !policy_who_match(r, who))
			continue;
		switch (r->kind) {
		case POLICY_PACKET:
			yes = policy_packet_match(r, req);
			break;
		case POLICY_IP:
			yes = req->proto >= 0 && req->proto <= 255 &&
			    r->protos[req->proto] &&
			    (r->families & (req->ip6 ? FAM_IPV6 : FAM_IPV4));
			break;
		case POLICY_PORT:
			yes = policy_port_match(r, req);
			break;
		default:
			yes = 0;
		}
		if (!yes)
			continue;
		if (g != NULL) {
			memset(g, 0, sizeof(*g));
			g->line = r->line;
			g->filter = r->filtmode == FILT_EXPR ? r->filter : NULL;
			g->rule = r;
			if (r->kind == POLICY_PACKET) {
				g->send = r->send;
				g->spoof = r->spoof || r->send == POLICY_SEND_ANY;
				g->outgoing = r->outgoing;
			} else
				g->send = POLICY_SEND_ANY;
		}
		return 1;
	}
	return 0;
}

int
policy_grant_type(const struct policy_grant *g, uint16_t type)
{
	const struct policy_rule *r;

	if (g == NULL || (r = g->rule) == NULL || r->kind != POLICY_PACKET)
		return 0;
	/* all, listed alone (a range never holds it), grants every type. */
	if (policy_type_match(r, ETHTYPE_ALL))
		return 1;
	return policy_type_match(r, type);
}

int
policy_grant_type_cb(const void *grant, uint16_t type)
{
	return policy_grant_type(grant, type);
}

const char *
policy_name(const struct policy *p)
{
	return p != NULL ? p->name : "";
}

int
policy_filter_at(const struct policy *p, size_t i, const char **expr,
    int *line)
{
	const struct policy_rule *r;

	if (p == NULL || i >= p->nrules)
		return 0;
	r = &p->rules[i];
	*expr = r->filtmode == FILT_EXPR ? r->filter : NULL;
	*line = r->line;
	return 1;
}

/*
 * The principal of a suggested rule: user:NAME when the uid has a name
 * that reads back as the same uid in a rule, else user:UID.
 */
static void
policy_suggest_user(uid_t uid, char *buf, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	struct passwd *pw;
	char name[48];
	uid_t back;

	/* Copied first: the lookup below may reuse getpwuid()'s buffer. */
	if ((pw = getpwuid(uid)) != NULL && pw->pw_name != NULL &&
	    strlcpy(name, pw->pw_name, sizeof(name)) < sizeof(name) &&
	    name[0] != '\0' && name[strspn(name, ok)] == '\0' &&
	    ids_uid(name, &back) == 0 && back == uid) {
		snprintf(buf, len, "user:%s", name);
		return;
	}
	snprintf(buf, len, "user:%u", (unsigned)uid);
}

void
policy_suggest(const struct policy_who *who, const struct policy_req *req,
    char *buf, size_t len)
{
	char user[64], type[16], proto[16], addr[INET6_ADDRSTRLEN + 8];
	struct paddr a;
	static const unsigned char zero[16];

	if (len == 0)
		return;
	policy_suggest_user(who->uid, user, sizeof(user));
	switch (req->kind) {
	case POLICY_PACKET:
		if (req->ethertype == ETHTYPE_ALL)
			strlcpy(type, "all", sizeof(type));
		else if (req->ethertype == ETHTYPE_NONE)
			strlcpy(type, "none", sizeof(type));
		else
			snprintf(type, sizeof(type), "0x%04x", req->ethertype);
		snprintf(buf, len, "%s packet iface=%s ethertype=%s%s%s", user,
		    req->iface != NULL ? req->iface : "?", type,
		    req->promisc ? " promisc=yes" : "",
		    req->outgoing ? " outgoing=yes" : "");
		break;
	case POLICY_IP:
		if (req->proto == IPPROTO_ICMP)
			strlcpy(proto, "icmp", sizeof(proto));
		else if (req->proto == IPPROTO_ICMPV6)
			strlcpy(proto, "icmpv6", sizeof(proto));
		else
			snprintf(proto, sizeof(proto), "%d", req->proto);
		snprintf(buf, len, "%s ip proto=%s", user, proto);
		break;
	case POLICY_PORT:
		/* The wildcard, or an address no rule can list: no addr=. */
		addr[0] = '\0';
		if (policy_req_addr(req, &a) == 0 &&
		    memcmp(a.a, zero, sizeof(zero)) != 0) {
			strlcpy(addr, " addr=", sizeof(addr));
			if (inet_ntop(a.family, a.a, addr + 6,
			    sizeof(addr) - 6) == NULL)
				addr[0] = '\0';
		}
		snprintf(buf, len, "%s port proto=%s port=%u%s", user,
		    req->proto == IPPROTO_UDP ? "udp" : "tcp", req->port, addr);
		break;
	default:
		buf[0] = '\0';
	}
}
