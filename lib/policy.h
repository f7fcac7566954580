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
#define POLICY_MAXSIZE	(1024 * 1024)	/* bytes in a policy file */
#define POLICY_MAXLINE	4096		/* bytes in a line, without its newline */

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
	int		ip6;		/* IP: IPv6 (family=); PORT: unused */
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
 * by one, never by a range; promisc only by promisc=yes.  A rule with
 * filter=required grants only requests with req->filter set; a rule with
 * filter="EXPR" grants with g->filter = EXPR, which the caller must attach
 * and lock (ANDed with its own).  A NULL p grants nothing.
 */
int		 policy_check(const struct policy *p, const struct policy_who *who,
		    const struct policy_req *req, struct policy_grant *g);

/*
 * Writes into buf (always terminated, truncated if short) the rule line
 * that would grant req to who, naming the user by name when it has one,
 * else by uid: "user:alice packet iface=eth0 ethertype=0x88b5", with
 * " promisc=yes" when asked, "ethertype=all" for ETHTYPE_ALL;
 * "user:bob ip proto=icmp" (either family); "user:www port proto=tcp
 * port=80".  req->iface is expected to pass eth_ifname_check().
 */
void		 policy_suggest(const struct policy_who *who,
		    const struct policy_req *req, char *buf, size_t len);

#endif /* LIB_POLICY_H */
