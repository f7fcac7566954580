/*
 * Fuzz harness: lib/policy, rawopen.conf(5) as hostile text.
 *
 * The input is parsed as a whole policy file.  When it parses, the policy
 * is asked about a fixed set of requests (every kind, the special
 * ethertypes, promisc, filter, outgoing, bind addresses) from a fixed set
 * of callers, and about one request built from the input's last bytes, so
 * that matching is fuzzed along with the grammar.  policy_suggest() writes
 * the rule line for each request, which must parse again and grant that
 * request: a suggestion that does not is a bug, and traps.  The input is
 * also linted: policy_lint_text() must find no error exactly when
 * policy_parse() accepts, and its first report must be policy_parse()'s
 * message.  A packet grant must grant frames of the ethertype it was
 * asked for (policy_grant_type()).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const gid_t groups_none[1];
static const gid_t groups_some[] = { 4, 33, 50, 65534 };

/* root, daemon, www-data, nobody, and a uid with no name. */
static const struct policy_who whos[] = {
	{ 0, 0, groups_none, 0 },
	{ 1, 1, groups_some, 2 },
	{ 33, 33, groups_some, NELEM(groups_some) },
	{ 65534, 65534, groups_none, 0 },
	{ 4242, 4242, groups_some + 3, 1 },
};

/*
 * Bind addresses: 127.0.0.1 (on a little-endian host; any address but
 * the wildcard will do), ::1, ::ffff:10.0.0.1, the IPv4 wildcard.
 */
static const struct sockaddr_in sin_lo = { .sin_family = AF_INET,
    .sin_addr = { .s_addr = 0x0100007f } };
static const struct sockaddr_in6 sin6_lo = { .sin6_family = AF_INET6,
    .sin6_addr = { .s6_addr = { [15] = 1 } } };
static const struct sockaddr_in6 sin6_mapped = { .sin6_family = AF_INET6,
    .sin6_addr = { .s6_addr = { [10] = 0xff, [11] = 0xff, [12] = 10,
    [15] = 1 } } };
static const struct sockaddr_in sin_any = { .sin_family = AF_INET };

#define PKT(i, t, pr, f, out)	.kind = POLICY_PACKET, .iface = (i), \
	.ethertype = (t), .promisc = (pr), .filter = (f), .outgoing = (out)
#define IP(p, v6)	.kind = POLICY_IP, .proto = (p), .ip6 = (v6)
#define PORT(p, n, a)	.kind = POLICY_PORT, .proto = (p), .port = (n), \
	.addr = (const struct sockaddr *)(a), .addrlen = sizeof(*(a))
static const struct policy_req reqs[] = {
	{ PKT("eth0", 0x88b5, 0, 0, 0) },
	{ PKT("eth0", 0x88b5, 1, 1, 0) },
	{ PKT("eth0", 0x88b5, 0, 0, 1) },
	{ PKT("eth0", ETHTYPE_ALL, 0, 0, 0) },
	{ PKT("eth0", ETHTYPE_NONE, 0, 1, 0) },
	{ PKT("veth1", 0x88b6, 1, 0, 1) },
	{ PKT("lo", 0x0800, 0, 0, 0) },
	{ PKT("eth3", 0x05ff, 0, 0, 0) },
	{ PKT("wlan0", 0xffff, 0, 1, 0) },
	{ IP(IPPROTO_ICMP, 0) },
	{ IP(IPPROTO_ICMPV6, 1) },
	{ IP(255, 0) },
	{ .kind = POLICY_PORT, .proto = IPPROTO_TCP, .port = 80 },
	{ .kind = POLICY_PORT, .proto = IPPROTO_UDP, .port = 53, .ip6 = 1 },
	{ .kind = POLICY_PORT, .proto = IPPROTO_TCP, .port = 65535 },
	{ PORT(IPPROTO_TCP, 80, &sin_lo) },
	{ PORT(IPPROTO_UDP, 53, &sin6_lo), .ip6 = 1 },
	{ PORT(IPPROTO_UDP, 443, &sin6_mapped), .ip6 = 1 },
	{ PORT(IPPROTO_TCP, 22, &sin_any) },
};
#undef PKT
#undef IP
#undef PORT

/*
 * Checks that the rule policy_suggest() writes for req parses and grants
 * req to who.
 */
static void
suggest_roundtrip(const struct policy_who *who, const struct policy_req *req)
{
	char line[512], err[POLICY_ERRLEN];
	struct policy *p;

	policy_suggest(who, req, line, sizeof(line));
	if (strlen(line) >= sizeof(line) - 1)
		return;		/* truncated: nothing to hold it to */
	if ((p = policy_parse(line, strlen(line), "suggest", err)) == NULL) {
		fprintf(stderr, "suggested rule does not parse: %s: %s\n",
		    line, err);
		__builtin_trap();
	}
	if (policy_check(p, who, req, NULL) != 1) {
		fprintf(stderr, "suggested rule does not grant: %s\n", line);
		__builtin_trap();
	}
	policy_free(p);
}

/* Asks p about req from every caller; checks what a grant says. */
static void
ask(const struct policy *p, const struct policy_req *req)
{
	struct policy_grant g;
	size_t i;
	int r;

	for (i = 0; i < NELEM(whos); i++) {
		memset(&g, 0, sizeof(g));
		r = policy_check(p, &whos[i], req, &g);
		if (r != 0 && r != 1)
			__builtin_trap();
		if (r == 0)
			continue;
		if (g.line < 1 || g.rule == NULL || (g.filter != NULL &&
		    strlen(g.filter) > POLICY_MAXLINE))
			__builtin_trap();
		if (g.send != POLICY_SEND_IFACE && g.send != POLICY_SEND_NO &&
		    g.send != POLICY_SEND_ANY)
			__builtin_trap();
		if (req->outgoing && !g.outgoing)
			__builtin_trap();
		if (g.send == POLICY_SEND_NO && g.spoof)
			__builtin_trap();
		/* What was granted, a relay lets through; none sends nothing. */
		if (req->kind == POLICY_PACKET &&
		    req->ethertype != ETHTYPE_NONE &&
		    (policy_grant_type(&g, req->ethertype) != 1 ||
		    policy_grant_type_cb(&g, req->ethertype) != 1))
			__builtin_trap();
		if (req->kind == POLICY_PACKET &&
		    policy_grant_type(&g, ETHTYPE_NONE) != 0)
			__builtin_trap();
		if (req->kind != POLICY_PACKET && (g.send != POLICY_SEND_ANY ||
		    policy_grant_type(&g, 0x0800)))
			__builtin_trap();
	}
}

/* Every rule's filter, in file order. */
static void
filters(const struct policy *p)
{
	const char *expr;
	size_t i;
	int line, last = 0;

	for (i = 0; policy_filter_at(p, i, &expr, &line) == 1; i++) {
		if (line <= last || (expr != NULL && (*expr == '\0' ||
		    strlen(expr) > POLICY_MAXLINE)))
			__builtin_trap();
		last = line;
	}
	if (policy_filter_at(p, i, &expr, &line) != 0)
		__builtin_trap();
}

/* What the lint of the input said. */
struct linted {
	int	 n;
	char	 first[POLICY_ERRLEN];
};

static void
lint_report(void *arg, const char *msg)
{
	struct linted *l = arg;

	if (l->n++ == 0)
		strlcpy(l->first, msg, sizeof(l->first));
	if (strlen(msg) >= POLICY_ERRLEN || strchr(msg, '\n') != NULL)
		__builtin_trap();
}

/*
 * A request built from the last bytes of the input: kind, ethertype,
 * flags, protocol, port, and an interface name from what is left when it
 * is a valid one.
 */
static void
ask_derived(const struct policy *p, const uint8_t *data, size_t size)
{
	struct policy_req req;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char iface[16];
	uint8_t t[8];
	size_t n, i;

	memset(t, 0, sizeof(t));
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	n = size < sizeof(t) ? size : sizeof(t);
	memcpy(t, data + size - n, n);
	memset(&req, 0, sizeof(req));
	req.kind = (enum policy_kind)(t[0] % 3);
	req.ethertype = (uint16_t)(t[1] << 8 | t[2]);
	req.promisc = t[3] & 1;
	req.filter = (t[3] >> 1) & 1;
	req.ip6 = (t[3] >> 2) & 1;
	req.proto = req.kind == POLICY_PORT ?
	    ((t[4] & 1) ? IPPROTO_UDP : IPPROTO_TCP) : t[4];
	req.port = (unsigned)(t[5] << 8 | t[6]);
	req.outgoing = (t[3] >> 3) & 1;
	/* A bind address from the tail bytes, of the request's family. */
	if (t[3] & 0x10) {
		if (req.ip6) {
			sin6.sin6_family = AF_INET6;
			memcpy(sin6.sin6_addr.s6_addr + 8, t, 8);
			req.addr = (const struct sockaddr *)&sin6;
			req.addrlen = sizeof(sin6);
		} else {
			sin.sin_family = AF_INET;
			memcpy(&sin.sin_addr, t + 4, 4);
			req.addr = (const struct sockaddr *)&sin;
			req.addrlen = sizeof(sin);
		}
	}
	/* The interface: up to 15 bytes before the tail, if it is a name. */
	n = size > sizeof(t) ? size - sizeof(t) : 0;
	if (n > sizeof(iface) - 1)
		n = sizeof(iface) - 1;
	for (i = 0; i < n; i++)
		iface[i] = (char)data[size - sizeof(t) - n + i];
	iface[n] = '\0';
	req.iface = eth_ifname_check(iface) == 0 ? iface : "eth0";
	if (req.kind == POLICY_PORT && req.port == 0)
		req.port = 1;
	ask(p, &req);
	suggest_roundtrip(&whos[(t[7] & 0x7f) % NELEM(whos)], &req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	char err[POLICY_ERRLEN];
	struct linted l;
	struct policy *p;
	size_t i;
	int n;

	if (!once) {
		/* The suggestions hold whatever the input, so check them once. */
		for (i = 0; i < NELEM(reqs); i++)
			suggest_roundtrip(&whos[i % NELEM(whos)], &reqs[i]);
		once = 1;
	}
	err[0] = '\0';
	p = policy_parse((const char *)data, size, "fuzz", err);
	memset(&l, 0, sizeof(l));
	n = policy_lint_text((const char *)data, size, "fuzz", lint_report, &l);
	/* The lint finds an error exactly when the parse does, the same. */
	if ((p != NULL) != (n == 0) || (n != -1 && n != l.n) ||
	    (p == NULL && strcmp(l.first, err) != 0)) {
		fprintf(stderr, "lint (%d: %s) and parse (%s) disagree\n", n,
		    l.first, p != NULL ? "ok" : err);
		__builtin_trap();
	}
	if (p == NULL) {
		/* A refusal always says why, in one terminated line. */
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		return 0;
	}
	if (strcmp(policy_name(p), "fuzz") != 0)
		__builtin_trap();
	filters(p);
	for (i = 0; i < NELEM(reqs); i++)
		ask(p, &reqs[i]);
	if (size > 0)
		ask_derived(p, data, size);
	policy_check(NULL, &whos[0], &reqs[0], NULL);
	policy_free(p);
	return 0;
}
