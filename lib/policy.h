/*
 * policy: rawopen.conf(5), who may open what.
 *
 * The file is read whole, checked strictly and fails closed: any error
 * anywhere refuses everything.  Rules are tried in file order; the first
 * rule that grants a request is the one that applies (its filter is used).
 */
#ifndef LIB_POLICY_H
#define LIB_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POLICY_ERRLEN	512

enum policy_kind {
	POLICY_PACKET,		/* AF_PACKET socket on an interface */
	POLICY_IP,		/* raw IPv4 or IPv6 socket */
	POLICY_PORT		/* TCP or UDP socket bound to a port */
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
	int		ip6;		/* IP: IPv6; PORT: tcp6/udp6 unused */
	int		proto;		/* IP: protocol number; PORT: IPPROTO_TCP or IPPROTO_UDP */
	unsigned	port;		/* PORT */
};

/* What a grant carries, beside the yes. */
struct policy_grant {
	int		line;		/* the granting rule's line number */
	const char	*filter;	/* filter=EXPR of that rule, or NULL; owned by the policy */
};

struct policy;

/*
 * Loads the policy at path, after checking that neither it nor any
 * directory above it is writable by anyone but root, that it is a regular
 * file (not a symbolic link) owned by root, and that it can be read.
 * Returns the policy, or NULL with errno (ENOENT: no file; EPERM: unsafe
 * ownership or mode; EINVAL: a bad line; ENOMEM; or the error of the read)
 * and a one-line reason in err, naming "file:line" where there is one.
 */
struct policy	*policy_load(const char *path, char err[POLICY_ERRLEN]);

/*
 * Parses a policy held in memory, named name in messages, with no file
 * checks (for tests and fuzzing).  Same returns as policy_load().
 */
struct policy	*policy_parse(const char *text, size_t len, const char *name,
		    char err[POLICY_ERRLEN]);

void		 policy_free(struct policy *p);

/*
 * Whether p grants req to who: 1 yes (and *g filled), 0 no.  A rule with
 * filter=required grants only requests with req->filter set.
 */
int		 policy_check(const struct policy *p, const struct policy_who *who,
		    const struct policy_req *req, struct policy_grant *g);

/*
 * Writes into buf the rule line that would grant req to who (naming the
 * user), e.g. "user:alice packet iface=eth0 ethertype=0x88b5".
 */
void		 policy_suggest(const struct policy_who *who,
		    const struct policy_req *req, char *buf, size_t len);

#endif /* LIB_POLICY_H */
