/*
 * cred: the credentials of the peer of a Unix socket, and rules on them.
 *
 * Everything here asks the kernel: SO_PEERCRED and SO_PEERGROUPS give the
 * credentials the peer had when it connected (or called socketpair), and
 * SO_PEERPIDFD a pidfd for that very process, so that a pid that has since
 * been reused by another process is never taken for the peer.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cred.h"
#include "fdcap.h"

/*
 * Older C library headers lack these.  The numbers are those of
 * asm-generic/socket.h (x86, arm, arm64, riscv, ...).
 */
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS	59
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif

/*
 * Reads the peer's supplementary groups into c.  The kernel answers ERANGE
 * with the size it needs when the buffer is too small; the list is fixed
 * at connect time, so one retry is enough, but a few are allowed.  A
 * kernel without SO_PEERGROUPS (before 4.13) gives an empty list.
 */
static int
cred_peer_groups(int fd, struct cred_peer *c)
{
	gid_t *g = NULL, *ng;
	socklen_t len, size = 32 * sizeof(gid_t);
	int tries;

	for (tries = 0; tries < 4; tries++) {
		if ((ng = realloc(g, size)) == NULL) {
			free(g);
			return -1;
		}
		g = ng;
		len = size;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
			if (len == 0) {
				free(g);
				g = NULL;
			}
			c->groups = g;
			c->ngroups = len / sizeof(gid_t);
			return 0;
		}
		if (errno == ENOPROTOOPT || errno == ENODATA) {
			free(g);
			return 0;
		}
		if (errno != ERANGE || len <= size) {
			free(g);
			return -1;
		}
		size = len;
	}
	free(g);
	errno = ERANGE;
	return -1;
}

/*
 * Reads a pidfd for the peer into c->pidfd, or leaves it -1 where the
 * kernel cannot give one: ENOPROTOOPT before Linux 6.5; EINVAL or ESRCH
 * from 6.5 to 6.14 when the peer has already been reaped (6.15 and later
 * give a pidfd for the exited process instead).
 */
static int
cred_peer_pidfd(int fd, struct cred_peer *c)
{
	socklen_t len = sizeof(int);
	int pidfd;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == -1) {
		if (errno == ENOPROTOOPT || errno == EINVAL ||
		    errno == ESRCH || errno == ENODATA)
			return 0;
		return -1;
	}
	if (len != sizeof(int) || pidfd < 0) {
		if (len == sizeof(int) && pidfd >= 0)
			(void)close(pidfd);
		errno = EPROTO;
		return -1;
	}
	c->pidfd = pidfd;
	return 0;
}

int
cred_peer(int fd, struct cred_peer *c)
{
	struct sockaddr_un sun;
	struct ucred uc;
	socklen_t len;
	int domain, saved;

	c->pid = 0;
	c->uid = (uid_t)-1;
	c->gid = (gid_t)-1;
	c->groups = NULL;
	c->ngroups = 0;
	c->pidfd = -1;

	len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1)
		return -1;
	if (domain != AF_UNIX) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	/*
	 * A listening socket answers SO_PEERCRED with its own credentials;
	 * getpeername tells it apart from a connected one.
	 */
	len = sizeof(sun);
	if (getpeername(fd, (struct sockaddr *)&sun, &len) == -1)
		return -1;
	len = sizeof(uc);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return -1;
	if (len != sizeof(uc)) {
		errno = EPROTO;
		return -1;
	}
	/* The kernel's answer when it holds no credentials for the peer. */
	if (uc.uid == (uid_t)-1 && uc.gid == (gid_t)-1) {
		errno = ENOTCONN;
		return -1;
	}
	c->pid = uc.pid;
	c->uid = uc.uid;
	c->gid = uc.gid;
	if (cred_peer_groups(fd, c) == -1 || cred_peer_pidfd(fd, c) == -1) {
		saved = errno;
		cred_peer_free(c);
		errno = saved;
		return -1;
	}
	return 0;
}

void
cred_peer_free(struct cred_peer *c)
{
	int saved = errno;

	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
	if (c->pidfd >= 0)
		(void)close(c->pidfd);
	c->pidfd = -1;
	errno = saved;
}

/*
 * A pidfd polls readable once its process has exited (a zombie counts as
 * exited), and also hangs up once it has been reaped.
 */
int
cred_peer_alive(const struct cred_peer *c)
{
	struct pollfd pfd;
	int n;

	if (c->pidfd < 0) {
		errno = ENOSYS;
		return -1;
	}
	pfd.fd = c->pidfd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while ((n = poll(&pfd, 1, 0)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	if (pfd.revents & POLLNVAL) {
		errno = EBADF;
		return -1;
	}
	if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
		return 0;
	return 1;
}

static int
cred_has_uid(const uid_t *v, size_t n, uid_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int
cred_has_gid(const gid_t *v, size_t n, gid_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int
cred_has_pid(const pid_t *v, size_t n, pid_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

int
cred_match(const struct cred_rule *r, const struct cred_peer *c,
    const char **why)
{
	size_t i;
	int found;

	if (r->nuids > 0 && !cred_has_uid(r->uids, r->nuids, c->uid)) {
		if (why != NULL)
			*why = "uid";
		return 0;
	}
	if (r->ngids > 0) {
		found = cred_has_gid(r->gids, r->ngids, c->gid);
		for (i = 0; !found && i < c->ngroups; i++)
			found = cred_has_gid(r->gids, r->ngids, c->groups[i]);
		if (!found) {
			if (why != NULL)
				*why = "gid";
			return 0;
		}
	}
	if (r->npids > 0 && !cred_has_pid(r->pids, r->npids, c->pid)) {
		if (why != NULL)
			*why = "pid";
		return 0;
	}
	return 1;
}

/* Whether a Unix socket address has a name (a path, or an abstract one). */
static int
cred_named(socklen_t len)
{
	return len > (socklen_t)offsetof(struct sockaddr_un, sun_path);
}

int
cred_socketpair(int fd)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);

	memset(&sun, 0, sizeof(sun));
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1)
		return -1;
	if (sun.sun_family != AF_UNIX) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (cred_named(len))
		return 0;
	len = sizeof(sun);
	if (getpeername(fd, (struct sockaddr *)&sun, &len) == -1)
		return -1;
	return !cred_named(len);
}

/*
 * Grows the array *v of *n elements of size sz by one, for the caller to
 * fill in at (*n)++.  Returns the new array or NULL with errno ENOMEM.
 */
static void *
cred_grow(void *v, size_t n, size_t sz)
{
	if (n == SIZE_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	return reallocarray(v, n + 1, sz);
}

int
cred_rule_add_uid(struct cred_rule *r, uid_t uid)
{
	uid_t *v;

	if ((v = cred_grow(r->uids, r->nuids, sizeof(*v))) == NULL)
		return -1;
	r->uids = v;
	r->uids[r->nuids++] = uid;
	return 0;
}

int
cred_rule_add_gid(struct cred_rule *r, gid_t gid)
{
	gid_t *v;

	if ((v = cred_grow(r->gids, r->ngids, sizeof(*v))) == NULL)
		return -1;
	r->gids = v;
	r->gids[r->ngids++] = gid;
	return 0;
}

int
cred_rule_add_pid(struct cred_rule *r, pid_t pid)
{
	pid_t *v;

	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if ((v = cred_grow(r->pids, r->npids, sizeof(*v))) == NULL)
		return -1;
	r->pids = v;
	r->pids[r->npids++] = pid;
	return 0;
}

void
cred_rule_free(struct cred_rule *r)
{
	free(r->uids);
	free(r->gids);
	free(r->pids);
	memset(r, 0, sizeof(*r));
}

int
cred_rule_opt(int opt, const char *s, struct cred_rule *r, struct cli_err *e)
{
	char name[3] = { '-', (char)opt, '\0' };
	long long pid;
	uid_t uid;
	gid_t gid;
	int rc;

	switch (opt) {
	case 'u':
		if (cli_user(name, s, &uid, e) == -1)
			return -1;
		rc = cred_rule_add_uid(r, uid);
		break;
	case 'g':
		if (cli_group(name, s, &gid, e) == -1)
			return -1;
		rc = cred_rule_add_gid(r, gid);
		break;
	case 'P':
		if (cli_number(name, s, 1, INT_MAX, &pid, e) == -1)
			return -1;
		rc = cred_rule_add_pid(r, (pid_t)pid);
		break;
	default:
		return cli_fail(e, EXIT_USAGE, name, s, "not a credential");
	}
	if (rc == -1)
		return cli_fail(e, EXIT_SYS, name, s, "%s", strerror(errno));
	return 0;
}
