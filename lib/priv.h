/*
 * priv: holding privilege briefly, giving it up for good, and proving it
 * was given up.
 *
 * The model is iputils ping's: a program started with capabilities (file
 * capabilities, setuid root, or root itself) first keeps only the
 * capabilities it will need, in the permitted set, with the effective set
 * empty; raises one capability in the effective set only around the call
 * that needs it; then drops everything, in an order where each step is
 * checked, and verifies the result before it runs anything else.
 */
#ifndef LIB_PRIV_H
#define LIB_PRIV_H

#include <stddef.h>
#include <sys/capability.h>
#include <sys/types.h>

/* Who to become. */
struct priv_target {
	uid_t	uid;		/* real, effective and saved uid */
	gid_t	gid;		/* real, effective and saved gid */
	gid_t	*groups;	/* supplementary groups, or NULL: keep ours */
	size_t	ngroups;
};

/*
 * Makes sure fds 0, 1 and 2 are open, opening /dev/null onto any that is
 * closed, so that nothing opened later lands on a standard fd.  Call it
 * first.  Returns 0, or -1 with errno (the open(2) error, or EBADF when
 * /dev/null did not land where it should).
 */
int	priv_stdfds(void);

/*
 * The number of threads of this process (from /proc/self/status), or -1
 * with errno (ENOENT when /proc is not mounted, EPROTO when the line is
 * missing or malformed).
 */
int	priv_threads(void);

/*
 * Whether this process is in the initial user namespace (its uid_map is
 * the identity over the whole range): 1 yes, 0 no (uid 0 here is root of a
 * namespace only, and nobody's root outside it), -1 with errno when
 * /proc/self/uid_map cannot be read.
 */
int	priv_init_userns(void);

/*
 * Reduces the permitted set to its intersection with keep[0..n-1], and
 * empties the effective and inheritable sets.  A process with no
 * capabilities is left as it is.  Returns 0 or -1 with errno.
 */
int	priv_limit(const cap_value_t *keep, size_t n);

/*
 * Whether cap is in the permitted set: 1 yes, 0 no, -1 with errno.
 */
int	priv_permitted(cap_value_t cap);

/*
 * For a setuid-root start (effective uid 0, real uid not 0): becomes the
 * real uid (real, effective and saved) and keeps the permitted set
 * (PR_SET_KEEPCAPS around setresuid(2), as ping does; the kernel empties
 * the effective set), so that every socket created from then on belongs
 * to the caller.  CAP_SETUID must be permitted.  Returns 1 when it
 * switched, 0 when there was nothing to switch (effective uid not 0, or
 * real uid 0), or -1 with errno (EPERM: CAP_SETUID not permitted, or the
 * ids are not all the real uid afterwards; or the error of prctl(2) or
 * setresuid(2)).
 */
int	priv_become_real(void);

/*
 * Raises cap in the effective set (it must be permitted: EPERM otherwise),
 * or lowers it again.  Return 0 or -1 with errno.
 */
int	priv_raise(cap_value_t cap);
int	priv_lower(cap_value_t cap);

/*
 * Fills t for becoming the caller itself: the real uid and gid, keeping
 * the supplementary groups (groups NULL).  Returns 0.
 */
int	priv_target_self(struct priv_target *t);

/*
 * Fills t for becoming user (a name, or a decimal uid that must exist):
 * its uid, its primary gid, and its groups from the group database
 * (getgrouplist(3)).  Returns 0, or -1 with errno ENOENT (no such user),
 * EINVAL, ENOMEM or the lookup's error.  Release with priv_target_free().
 */
int	priv_target_user(const char *user, struct priv_target *t);

/*
 * Fills t for uid and gid as numbers (SUDO_UID, SUDO_GID): the groups of
 * the user with that uid when the database knows it, else just gid.
 * Returns 0 or -1 with errno ENOMEM.  Release with priv_target_free().
 */
int	priv_target_ids(uid_t uid, gid_t gid, struct priv_target *t);

/* Frees t's group list (t may be reused). */
void	priv_target_free(struct priv_target *t);

/*
 * Gives up every privilege and becomes t, in this order, each step
 * checked: raise every permitted capability in the effective set; drop
 * every capability from the bounding set when CAP_SETPCAP is permitted;
 * setgroups (when t->groups is not NULL); setresgid and setresuid to t's
 * ids; empty the effective, permitted and inheritable sets; clear the
 * ambient set; set no_new_privs.  Returns 0, or -1 with errno of the step
 * that failed and *what naming it ("setgroups", "setresuid", ...); then
 * the process may be half-dropped and must not go on.
 */
int	priv_drop(const struct priv_target *t, const char **what);

/*
 * Checks what priv_drop() promised: real, effective and saved ids are t's,
 * the supplementary groups are t's (when t->groups is set), the effective,
 * permitted and inheritable sets and the ambient set are empty,
 * no_new_privs is set, for uid 0 the bounding set is empty too, and
 * socket(AF_PACKET, SOCK_RAW) fails with EPERM.  Returns 0, or -1 with
 * errno EPERM (a check failed) or the error of a system call, and *what
 * naming the check ("uid", "gid", "groups", "capabilities", "ambient",
 * "bounding", "no_new_privs", "canary").
 */
int	priv_verify(const struct priv_target *t, const char **what);

/*
 * Writes the capability state of this process as one line into buf, for
 * explaining: the sets as cap_to_text(3) says them (those of sets, taken
 * earlier with cap_get_proc(3), or the current ones when sets is NULL), the
 * ambient set, how much of the bounding set is left, and no_new_privs:
 * 'sets "cap_net_raw=p", ambient none, bounding all, no_new_privs 0'.
 * Returns 0 or -1 with errno.
 */
int	priv_describe(cap_t sets, char *buf, size_t len);

#endif /* LIB_PRIV_H */
