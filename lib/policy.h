/*
 * policy: rawopen.conf(5), who may open what.
 *
 * The file is read whole, checked strictly and fails closed: any error
 * anywhere refuses everything.  Rules are tried in file order; the first
 * rule that grants a request is the one that applies (its filter is used).
 *
 * Keys of "rawopen, part 2" (rawopen.conf(5) has the whole grammar):
 *
 *   packet rules:
 *	send=iface|no|any	default iface.  iface: the program gets a
 *				relayed fd, whose frames go out on the bound
 *				interface only, of a granted ethertype, from
 *				the interface's own MAC; no: the relay sends
 *				nothing; any: the program gets the packet
 *				socket itself and can send anything anywhere.
 *	spoof=yes|no		default no.  yes lets a send=iface relay send
 *				frames from any source MAC.  spoof=yes with
 *				send=no is an error (nothing is sent); spoof=no
 *				with send=any is an error (the rule would read
 *				narrower than the grant); spoof=yes with
 *				send=any is allowed and changes nothing.
 *	outgoing=yes|no		default no.  A request with -L (outgoing set)
 *				is granted only by a rule with outgoing=yes.
 *	fanout=N		default 1, at most 1024.  A request for a fanout
 *				group of M sockets (rawopen -j M) is granted
 *				only by a rule with fanout= at least M.
 *   port rules:
 *	addr=LIST		numeric IPv4 and IPv6 addresses, comma
 *				separated, IPv6 without brackets, as
 *				inet_pton(3) reads them.  Without the key any
 *				address is granted; with it only those listed,
 *				and the wildcard (0.0.0.0 or ::) only when
 *				listed.  Addresses compare as binary values of
 *				their family: an IPv4-mapped IPv6 address
 *				(::ffff:10.0.0.1) is an IPv6 address, never the
 *				IPv4 one (rawopen binds IPv6 sockets V6ONLY).
 */
#ifndef LIB_POLICY_H
#define LIB_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define POLICY_ERRLEN	512
#define POLICY_MAXSIZE	(1024 * 1024)	/* bytes in a policy file */
#define POLICY_MAXLINE	4096		/* bytes in a line, without its newline */

enum policy_kind {
	POLICY_PACKET,		/* AF_PACKET socket on an interface */
	POLICY_IP,		/* raw IPv4 or IPv6 socket */
	POLICY_PORT,		/* TCP or UDP socket bound to a port */
	POLICY_TAP		/* a new tun or tap device */
};

/* mode= of a tap rule, and what a tap request asks for. */
#define POLICY_MODE_TAP	1
#define POLICY_MODE_TUN	2

/* send= of a packet rule: what the program may send. */
enum policy_send {
	POLICY_SEND_IFACE,	/* relayed: bound interface, granted types */
	POLICY_SEND_NO,		/* relayed: nothing is sent */
	POLICY_SEND_ANY		/* the socket itself: anything, anywhere */
};

/* The caller, as the kernel (never the environment) says. */
struct policy_who {
	uid_t		uid;		/* real uid */
	gid_t		gid;		/* real gid */
	const gid_t	*groups;	/* getgroups(2) */
	size_t		ngroups;
};

/* One thing asked for. */
struct policy_req {
	enum policy_kind kind;
	const char	*iface;		/* PACKET */
	uint16_t	ethertype;	/* PACKET, host order */
	int		promisc;	/* PACKET: -p */
	int		filter;		/* PACKET: the caller gave -F */
	int		ip6;		/* IP: IPv6 (family=); PORT: see addr */
	int		proto;		/* IP: protocol number; PORT: IPPROTO_TCP or IPPROTO_UDP */
	unsigned	port;		/* PORT */
	int		outgoing;	/* PACKET: -L, outgoing frames too */
	unsigned	fanout;		/* PACKET: -j, sockets in one group (0: 1) */
	/*
	 * PORT: the address to bind (AF_INET or AF_INET6, its port
	 * ignored), or NULL for the wildcard: 0.0.0.0, or :: when ip6 is
	 * set.  An address of another family, or shorter than its family's
	 * sockaddr, is granted only by a rule without addr=.
	 */
	const struct sockaddr *addr;
	socklen_t	addrlen;
	/*
	 * TAP: the device name asked for ("%d" as written) or, once made,
	 * the name it got; POLICY_MODE_TAP or POLICY_MODE_TUN; the bridge
	 * to add it to, or NULL.
	 */
	const char	*tapname;
	int		tapmode;
	const char	*bridge;
};

struct policy_rule;

/*
 * What a grant carries, beside the yes.  The pointers point into the
 * policy: they are valid while it lives (until policy_free()).
 */
struct policy_grant {
	int		line;		/* the granting rule's line number */
	const char	*filter;	/* filter=EXPR of that rule, or NULL; owned by the policy */
	int		send;		/* enum policy_send; ip, port: ANY */
	int		spoof;		/* any source MAC: spoof=yes or send=any */
	int		outgoing;	/* 1: the rule has outgoing=yes */
	const struct policy_rule *rule;	/* for policy_grant_type() */
};

struct policy;

/*
 * Loads the policy at path, an absolute path, after checking with lstat(2)
 * from / down that every directory above it and the file itself are owned
 * by root and writable by neither group nor others (a sticky /tmp too),
 * that no component is a symbolic link, that the file is a regular file,
 * and (on the open fd, O_NOFOLLOW) that it is still the same file and that
 * it can be read.  Returns the policy, or NULL with errno (ENOENT: no file
 * or directory; EPERM: unsafe ownership or mode, a symbolic link, not a
 * regular file; EACCES: the file cannot be read or a directory cannot be
 * searched by the caller; EINVAL: a bad line, or path not absolute; EFBIG:
 * larger than POLICY_MAXSIZE; ENOMEM; or the error of lstat, open or read)
 * and a one-line reason in err: "path: why" or "path:line: why".
 */
struct policy	*policy_load(const char *path, char err[POLICY_ERRLEN]);

/*
 * Parses a policy held in memory, named name in messages, with no file
 * checks (for tests and fuzzing; it reads no file but the user and group
 * databases, for the names of principals).  Returns the policy, or NULL
 * with errno EINVAL (a bad line: "name:line: why" in err; an unknown user
 * or group is one), EFBIG (len > POLICY_MAXSIZE) or ENOMEM.
 */
struct policy	*policy_parse(const char *text, size_t len, const char *name,
		    char err[POLICY_ERRLEN]);

void		 policy_free(struct policy *p);

/*
 * Whether p grants req to who: 1 yes (and *g filled when g is not NULL), 0
 * no.  The first rule in file order whose principal is who (by uid, gid or
 * a supplementary group) and that grants req applies.  ETHTYPE_ALL and
 * ethertypes below 0x0600 are granted only by a rule that lists them one
 * by one, never by a range; promisc only by promisc=yes; outgoing only by
 * outgoing=yes.  A port rule with addr= grants only the addresses it
 * lists (req->addr, NULL being the wildcard).  A rule with
 * filter=required grants only requests with req->filter set; a rule with
 * filter="EXPR" grants with g->filter = EXPR, which the caller must attach
 * and lock (ANDed with its own).  g->send, g->spoof and g->outgoing say
 * what the rule's send=, spoof= and outgoing= grant; g->filter and g->rule
 * point into p.  A NULL p grants nothing.
 */
int		 policy_check(const struct policy *p, const struct policy_who *who,
		    const struct policy_req *req, struct policy_grant *g);

/*
 * Writes into buf (always terminated, truncated if short) the rule line
 * that would grant req to who, naming the user by name when it has one,
 * else by uid: "user:alice packet iface=eth0 ethertype=0x88b5", with
 * " promisc=yes", " outgoing=yes" and " fanout=N" (N > 1) when asked, "ethertype=all" for
 * ETHTYPE_ALL; "user:bob ip proto=icmp" (either family); "user:www port
 * proto=tcp port=80", with " addr=ADDR" (as inet_ntop(3) writes it) when
 * req->addr is an address other than the wildcard.  req->iface is
 * expected to pass eth_ifname_check().
 */
void		 policy_suggest(const struct policy_who *who,
		    const struct policy_req *req, char *buf, size_t len);

/*
 * What req asks for, in words, for messages and the log: "eth0 0x88b5"
 * (" promiscuous", ", fanout of N" for N > 1), "raw IPv4 socket icmp",
 * "tcp port 80", "tap device vm%d on bridge br0".  Never fails.
 */
void		 policy_describe(const struct policy_req *req, char *buf,
		    size_t len);

/*
 * An IP request's protocol as a name: "icmp", "icmpv6", else "ip-17" or
 * (req->ip6) "ip6-17".  Never fails.
 */
void		 policy_ipname(const struct policy_req *req, char *buf,
		    size_t len);

/*
 * Whether the rule that granted g (policy_check() filled it) grants
 * frames of ethertype type, as it would grant a request for that type,
 * except that a rule listing all (ETHTYPE_ALL) grants every type and that
 * ETHTYPE_NONE (no protocol) is never granted to send: a range
 * never grants ETHTYPE_ALL nor a value below 0x0600, which only a rule
 * listing them one by one grants.  For a relay, which asks it of every
 * frame the program writes (type after one optional 802.1Q tag).  Returns
 * 1 or 0; 0 when g, g->rule is NULL or the grant is not of a packet rule.
 * The policy g came from must still live.  Sets no errno.
 */
int		 policy_grant_type(const struct policy_grant *g, uint16_t type);

/*
 * policy_grant_type() with the signature of a callback: grant is a const
 * struct policy_grant *, which must live as long as the callback is used
 * (as must its policy).
 */
int		 policy_grant_type_cb(const void *grant, uint16_t type);

/*
 * The name p was parsed with: the path given to policy_load() or the name
 * given to policy_parse(), owned by p; "" when p is NULL.  Grants and
 * policy_filter_at() give line numbers in it.
 */
const char	*policy_name(const struct policy *p);

/*
 * Rule i of p (0 for the first, file order), for checking every rule's
 * filter before any is needed: sets *expr to its filter=EXPR, or NULL
 * when it has none (filter=required, no filter=, an ip or port rule), and
 * *line to its line number.  Returns 1, or 0 when i is past the last rule
 * or p is NULL (*expr and *line untouched).  expr points into p.
 */
int		 policy_filter_at(const struct policy *p, size_t i,
		    const char **expr, int *line);

/*
 * Checks the policy file at path as policy_load() would, for an admin
 * (rawopen -c), but reports every bad line rather than the first: the
 * same file checks first (any failing one ends it), then each line is
 * parsed on its own and a bad one does not stop the next.  Each error is
 * given to report(arg, msg) as one line, "path:line: why" as
 * policy_load() says it.  Returns the number of errors (0: the file would
 * load), or -1 with errno when the file was refused before its lines were
 * read (policy_load()'s errno: ENOENT, EPERM, EACCES, EINVAL for a bad
 * path, EFBIG, or the error of lstat, open or read) or when memory ran
 * out (ENOMEM), after one report call with the reason.
 */
int		 policy_lint(const char *path,
		    void (*report)(void *arg, const char *msg), void *arg);

/*
 * policy_lint() of a policy held in memory, named name, with no file
 * checks (as policy_parse()).  Returns the number of errors, or -1 with
 * errno EFBIG (len > POLICY_MAXSIZE) or ENOMEM after one report call.
 */
int		 policy_lint_text(const char *text, size_t len,
		    const char *name, void (*report)(void *arg, const char *msg),
		    void *arg);

#endif /* LIB_POLICY_H */
