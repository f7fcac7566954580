/*
 * policy: rawopen.conf(5), who may open what: the grammar.
 *
 * One rule per line: a principal, a kind, then key=value pairs.  Parsing is
 * strict and fails closed: the first bad line refuses the whole file (a
 * lint goes on to the next line, to report them all).  User and group
 * names are resolved once, when the file is parsed.  The file checks are
 * policyfile.c's, granting and suggesting policymatch.c's.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "ids.h"
#include "inetsock.h"
#include "policy.h"
#include "policy_int.h"

#define POLICY_MAXPAT	64	/* an interface pattern with glob characters */

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
#define K_NAME		0x800
#define K_MODE		0x1000
#define K_BRIDGE	0x2000
#define K_FANOUT	0x4000

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
	{ "name",	K_NAME,		KIND(POLICY_TAP) },
	{ "mode",	K_MODE,		KIND(POLICY_TAP) },
	{ "bridge",	K_BRIDGE,	KIND(POLICY_TAP) },
	{ "fanout",	K_FANOUT,	KIND(POLICY_PACKET) },
};

static const char *const policy_kinds[] = {
	[POLICY_PACKET] = "packet",
	[POLICY_IP] = "ip",
	[POLICY_PORT] = "port",
	[POLICY_TAP] = "tap",
};

/* The keys each kind of rule must have. */
static const int policy_required[] = {
	[POLICY_PACKET] = K_IFACE | K_ETHERTYPE,
	[POLICY_IP] = K_PROTO,
	[POLICY_PORT] = K_PROTO | K_PORT,
	[POLICY_TAP] = K_NAME | K_MODE,
};
/*
 * Formats a message into the buffer err, of POLICY_ERRLEN bytes (cut
 * short if need be), sets errno to e and returns -1.
 */
int
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
 * A decimal number and nothing else (no sign, no white space, which
 * strtonum alone would take), not above max.  Returns 0, or -1.
 */
static int
policy_number(const char *s, unsigned long max, unsigned long *v)
{
	const char *errstr;
	long long n;

	if (*s == '\0' || s[strspn(s, "0123456789")] != '\0')
		return -1;
	n = strtonum(s, 0, (long long)max, &errstr);
	if (errstr != NULL)
		return -1;
	*v = (unsigned long)n;
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

/*
 * A list of interface names or fnmatch(3) patterns (dev: device names of
 * a tap rule) into *buf, cut at the commas, and *list.
 */
static int
policy_names(struct pctx *c, const char *key, const char *val, int dev,
    char **buf, char ***list, size_t *np)
{
	char *s, *item;
	size_t n;

	if ((*buf = strdup(val)) == NULL ||
	    (*list = calloc(policy_nitems(val), sizeof(char *))) == NULL)
		return pnomem(c);
	s = *buf;
	for (n = 0; (item = policy_item(&s)) != NULL; n++) {
		if (*item == '\0')
			return perr(c, "empty item in %s= list", key);
		/* It must match the name the device got, too. */
		if (dev && strchr(item, '%') != NULL)
			return perr(c, "name=%.64s would never match the name "
			    "the device gets (write * for %%d)", item);
		if (!policy_pattern_ok(item))
			return perr(c, "bad %s name or pattern '%.64s'",
			    dev ? "device" : "interface", item);
		(*list)[n] = item;
	}
	*np = n;
	return 0;
}

/* mode=: tap, tun, or both, as a list. */
static int
policy_mode(struct pctx *c, struct policy_rule *r, char *val)
{
	char *item;

	while ((item = policy_item(&val)) != NULL) {
		if (strcmp(item, "tap") == 0)
			r->modes |= POLICY_MODE_TAP;
		else if (strcmp(item, "tun") == 0)
			r->modes |= POLICY_MODE_TUN;
		else
			return perr(c, "mode= is tap, tun or both, not "
			    "'%.64s'", item);
	}
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
policy_filter(struct pctx *c, struct policy_rule *r, const char *val,
    int quoted)
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

/*
 * proto= of an ip rule: the names rawopen --ip knows (inetsock's table:
 * icmp, icmpv6, tcp...), or 0-255.
 */
static int
policy_ipproto(struct pctx *c, struct policy_rule *r, char *val)
{
	unsigned long n;
	char *item;
	int p;

	while ((item = policy_item(&val)) != NULL) {
		if (*item == '\0')
			return perr(c, "empty item in proto= list");
		if (inetsock_proto_byname(item, &p) == 0)
			n = (unsigned long)p;
		else if (policy_number(item, 255, &n) == -1)
			return perr(c, "bad IP protocol '%.64s' (a name such "
			    "as icmp, or 0-255)", item);
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
	unsigned long n;
	size_t i;
	int k, rc, seen = 0;

	memset(r, 0, sizeof(*r));
	r->line = c->line;
	r->fanout = 1;
	if ((rc = policy_tok(&line, &t, &why)) <= 0)
		return rc == 0 ? 0 : perr(c, "%s", why);
	if (t.val != NULL)
		return perr(c, "expected a principal, not '%.64s='", t.key);
	if (policy_principal(c, r, t.key) == -1)
		return -1;
	if ((rc = policy_tok(&line, &t, &why)) <= 0)
		return rc == 0 ? perr(c, "missing kind (packet, ip, port or tap)") :
		    perr(c, "%s", why);
	for (k = 0; k < (int)(sizeof(policy_kinds) / sizeof(policy_kinds[0]));
	    k++)
		if (t.val == NULL && strcmp(t.key, policy_kinds[k]) == 0)
			break;
	if (k == (int)(sizeof(policy_kinds) / sizeof(policy_kinds[0])))
		return perr(c, "unknown kind '%.64s%s' (packet, ip, port or tap)",
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
			rc = policy_names(c, t.key, t.val, 0, &r->ifbuf,
			    &r->ifaces, &r->nifaces);
			break;
		case K_NAME:
			rc = policy_names(c, t.key, t.val, 1, &r->namebuf,
			    &r->names, &r->nnames);
			break;
		case K_FANOUT:
			if (policy_number(t.val, 1024, &n) == -1 || n == 0)
				rc = perr(c, "fanout= is a number of sockets, "
				    "1 to 1024, not '%.64s'", t.val);
			else
				r->fanout = (unsigned)n;
			break;
		case K_BRIDGE:
			rc = policy_names(c, t.key, t.val, 0, &r->brbuf,
			    &r->bridges, &r->nbridges);
			break;
		case K_MODE:
			rc = policy_mode(c, r, t.val);
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
	free(r->namebuf);
	free(r->names);
	free(r->brbuf);
	free(r->bridges);
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
