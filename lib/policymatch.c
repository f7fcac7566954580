/*
 * policymatch: what a rawopen.conf(5) policy grants (policy_check(), and
 * policy_grant_type() for a relay), and the rule line that would grant
 * what it refused (policy_suggest()).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "eth.h"
#include "ids.h"
#include "inetsock.h"
#include "policy.h"
#include "policy_int.h"

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
	if (req->fanout > r->fanout)
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

/*
 * Whether the tap rule r grants req: the name (as asked, "%d" as written,
 * or as the device got it) matches a pattern, the mode is listed, and a
 * bridge asked for is listed (without bridge=, none is granted).
 */
static int
policy_tap_match(const struct policy_rule *r, const struct policy_req *req)
{
	size_t i;
	int yes = 0;

	if (req->tapname == NULL || (r->modes & req->tapmode) == 0)
		return 0;
	for (i = 0; i < r->nnames && !yes; i++)
		yes = fnmatch(r->names[i], req->tapname, 0) == 0;
	if (!yes || req->bridge == NULL)
		return yes;
	for (i = 0; i < r->nbridges; i++)
		if (fnmatch(r->bridges[i], req->bridge, 0) == 0)
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
		case POLICY_TAP:
			yes = policy_tap_match(r, req);
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
				g->spoof = r->spoof ||
				    r->send == POLICY_SEND_ANY;
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
	/* none is no protocol: a grant of it sends nothing of type 0. */
	if (type == ETHTYPE_NONE)
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
}/*
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
policy_ipname(const struct policy_req *req, char *buf, size_t len)
{
	if (req->proto == IPPROTO_ICMP)
		snprintf(buf, len, "icmp");
	else if (req->proto == IPPROTO_ICMPV6)
		snprintf(buf, len, "icmpv6");
	else
		snprintf(buf, len, "ip%s-%d", req->ip6 ? "6" : "", req->proto);
}

void
policy_describe(const struct policy_req *req, char *buf, size_t len)
{
	char what[32];
	size_t n;

	switch (req->kind) {
	case POLICY_PACKET:
		eth_format_type(req->ethertype, what, sizeof(what));
		snprintf(buf, len, "%s %s%s", req->iface, what,
		    req->promisc ? " promiscuous" : "");
		n = strlen(buf);
		if (req->fanout > 1)
			snprintf(buf + n, len - n, ", fanout of %u",
			    req->fanout);
		break;
	case POLICY_IP:
		policy_ipname(req, what, sizeof(what));
		snprintf(buf, len, "raw %s socket %s", req->ip6 ? "IPv6" :
		    "IPv4", what);
		break;
	case POLICY_PORT:
		snprintf(buf, len, "%s port %u", req->proto == IPPROTO_TCP ?
		    "tcp" : "udp", req->port);
		break;
	case POLICY_TAP:
		snprintf(buf, len, "%s device %s%s%s", req->tapmode ==
		    POLICY_MODE_TAP ? "tap" : "tun", req->tapname,
		    req->bridge != NULL ? " on bridge " : "",
		    req->bridge != NULL ? req->bridge : "");
		break;
	}
}

void
policy_suggest(const struct policy_who *who, const struct policy_req *req,
    char *buf, size_t len)
{
	char user[64], type[16], proto[16], addr[INET6_ADDRSTRLEN + 8];
	char fan[24];
	const char *name;
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
		fan[0] = '\0';
		if (req->fanout > 1)
			snprintf(fan, sizeof(fan), " fanout=%u", req->fanout);
		snprintf(buf, len, "%s packet iface=%s ethertype=%s%s%s%s", user,
		    req->iface != NULL ? req->iface : "?", type,
		    req->promisc ? " promisc=yes" : "",
		    req->outgoing ? " outgoing=yes" : "", fan);
		break;
	case POLICY_IP:
		/* By name where proto= knows one (inetsock's table). */
		if ((name = inetsock_proto_name(req->proto)) != NULL)
			strlcpy(proto, name, sizeof(proto));
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
	case POLICY_TAP:
		snprintf(buf, len, "%s tap name=%s mode=%s%s%s", user,
		    req->tapname != NULL ? req->tapname : "?",
		    req->tapmode == POLICY_MODE_TUN ? "tun" : "tap",
		    req->bridge != NULL ? " bridge=" : "",
		    req->bridge != NULL ? req->bridge : "");
		break;
	default:
		buf[0] = '\0';
	}
}
