/*
 * Fuzz harness: lib/policy, rawopen.conf(5) as hostile text.
 *
 * The input is parsed as a whole policy file.  When it parses, the policy
 * is asked about a fixed set of requests (every kind, the special
 * ethertypes, promisc and filter) from a fixed set of callers, and about
 * one request built from the input's last bytes, so that matching is
 * fuzzed along with the grammar.  policy_suggest() writes the rule line
 * for each request, which must parse again and grant that request: a
 * suggestion that does not is a bug, and traps.
 */
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

static const struct policy_req reqs[] = {
	{ POLICY_PACKET, "eth0", 0x88b5, 0, 0, 0, 0, 0 },
	{ POLICY_PACKET, "eth0", 0x88b5, 1, 1, 0, 0, 0 },
	{ POLICY_PACKET, "eth0", ETHTYPE_ALL, 0, 0, 0, 0, 0 },
	{ POLICY_PACKET, "eth0", ETHTYPE_NONE, 0, 1, 0, 0, 0 },
	{ POLICY_PACKET, "veth1", 0x88b6, 1, 0, 0, 0, 0 },
	{ POLICY_PACKET, "lo", 0x0800, 0, 0, 0, 0, 0 },
	{ POLICY_PACKET, "eth3", 0x05ff, 0, 0, 0, 0, 0 },
	{ POLICY_PACKET, "wlan0", 0xffff, 0, 1, 0, 0, 0 },
	{ POLICY_IP, NULL, 0, 0, 0, 0, IPPROTO_ICMP, 0 },
	{ POLICY_IP, NULL, 0, 0, 0, 1, IPPROTO_ICMPV6, 0 },
	{ POLICY_IP, NULL, 0, 0, 0, 0, 255, 0 },
	{ POLICY_PORT, NULL, 0, 0, 0, 0, IPPROTO_TCP, 80 },
	{ POLICY_PORT, NULL, 0, 0, 0, 0, IPPROTO_UDP, 53 },
	{ POLICY_PORT, NULL, 0, 0, 0, 0, IPPROTO_TCP, 65535 },
};

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
		if (r == 1 && (g.line < 1 || (g.filter != NULL &&
		    strlen(g.filter) > POLICY_MAXLINE)))
			__builtin_trap();
	}
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
	char iface[16];
	uint8_t t[8];
	size_t n, i;

	memset(t, 0, sizeof(t));
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
	struct policy *p;
	size_t i;

	if (!once) {
		/* The suggestions hold whatever the input, so check them once. */
		for (i = 0; i < NELEM(reqs); i++)
			suggest_roundtrip(&whos[i % NELEM(whos)], &reqs[i]);
		once = 1;
	}
	err[0] = '\0';
	p = policy_parse((const char *)data, size, "fuzz", err);
	if (p == NULL) {
		/* A refusal always says why, in one terminated line. */
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		return 0;
	}
	for (i = 0; i < NELEM(reqs); i++)
		ask(p, &reqs[i]);
	if (size > 0)
		ask_derived(p, data, size);
	policy_check(NULL, &whos[0], &reqs[0], NULL);
	policy_free(p);
	return 0;
}
