/*
 * cred: the credentials of the peer of a Unix socket, and rules on them.
 */
#ifndef LIB_CRED_H
#define LIB_CRED_H

#include <stddef.h>
#include <sys/types.h>

/* What the kernel says of a peer, at connect(2) or socketpair(2) time. */
struct cred_peer {
	pid_t	pid;
	uid_t	uid;
	gid_t	gid;
	gid_t	*groups;	/* supplementary groups (SO_PEERGROUPS) */
	size_t	ngroups;
	int	pidfd;		/* SO_PEERPIDFD (close-on-exec), or -1 */
};

/*
 * Reads the credentials of the peer of the Unix socket fd: SO_PEERCRED,
 * SO_PEERGROUPS (an empty list where the kernel lacks it) and SO_PEERPIDFD
 * (pidfd -1 where the kernel lacks it, before Linux 6.5, or, before 6.15,
 * when the peer has already been reaped).  pid is 0 when the peer lives in
 * a pid namespace this process cannot see.  Returns 0, or -1 with errno
 * EBADF, ENOTSOCK (fd is not a socket), EAFNOSUPPORT (not a Unix socket),
 * ENOTCONN (no peer: unconnected, listening, or no credentials recorded),
 * ENOMEM, or the getsockopt error; then c holds nothing to free.
 * On success release c with cred_peer_free().
 */
int	cred_peer(int fd, struct cred_peer *c);

/* Frees the group list and closes the pidfd of c; c may be reused. */
void	cred_peer_free(struct cred_peer *c);

/*
 * Whether the peer's process still runs: 1 yes, 0 it has exited (its pid
 * may now belong to another process; a zombie counts as exited), -1 with
 * errno ENOSYS when it cannot be known (no pidfd).
 */
int	cred_peer_alive(const struct cred_peer *c);

/*
 * Whether the Unix socket fd is one end of a socketpair(2): neither it
 * nor its peer has an address.  A connection accepted from a listener
 * has the listener's address as its own, and a client's peer is the
 * listener, so neither is taken for a pair.  Returns 1 yes, 0 no, or -1
 * with errno EBADF, ENOTSOCK, EAFNOSUPPORT (not a Unix socket) or
 * ENOTCONN (no peer).
 */
int	cred_socketpair(int fd);

/*
 * Allowed peers: every non-empty list must match (uid in uids; gid or a
 * supplementary group in gids; pid in pids).  Empty lists match anyone.
 */
struct cred_rule {
	uid_t	*uids;
	size_t	nuids;
	gid_t	*gids;
	size_t	ngids;
	pid_t	*pids;
	size_t	npids;
};

/*
 * Returns 1 when c satisfies r, 0 when it does not; then, when why is not
 * NULL, *why names the class that failed: "uid", "gid" or "pid".
 */
int	cred_match(const struct cred_rule *r, const struct cred_peer *c,
	    const char **why);

/*
 * Adds one id to a rule's list (grown with reallocarray); the command
 * line's words are parsed by lib/cli (cli_user, cli_group, cli_number).
 * Returns 0, or -1 with errno ENOMEM, or EINVAL for a pid that is not
 * positive.  Free the lists with cred_rule_free().
 */
int	cred_rule_add_uid(struct cred_rule *r, uid_t uid);
int	cred_rule_add_gid(struct cred_rule *r, gid_t gid);
int	cred_rule_add_pid(struct cred_rule *r, pid_t pid);
void	cred_rule_free(struct cred_rule *r);

/*
 * One credential option of a tool's command line into r: opt is 'u' (a
 * user, as cli_user() reads it), 'g' (a group, as cli_group()) or 'P' (a
 * pid, 1 to INT_MAX, as cli_number()).  Returns 0 with the id added, or
 * -1 with e filled in lib/cli's words: 100 for a bad value ("-u x: no such
 * user") or another opt ("-x 1: not a credential"), 111 when the rule
 * cannot grow ("-u root: Cannot allocate memory").
 */
struct cli_err;
int	cred_rule_opt(int opt, const char *s, struct cred_rule *r,
	    struct cli_err *e);

#endif /* LIB_CRED_H */
