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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "ids.h"

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

/* Room for the credentials and for a few fds sent along uninvited. */
#define CRED_CMSG_FDS	16

union cred_cmsgbuf {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(struct ucred)) +
			    CMSG_SPACE(CRED_CMSG_FDS * sizeof(int))];
};

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
cred_rule_add_uid(struct cred_rule *r, const char *s)
{
	uid_t uid, *v;

	if (ids_uid(s, &uid) == -1)
		return -1;
	if ((v = cred_grow(r->uids, r->nuids, sizeof(*v))) == NULL)
		return -1;
	r->uids = v;
	r->uids[r->nuids++] = uid;
	return 0;
}

int
cred_rule_add_gid(struct cred_rule *r, const char *s)
{
	gid_t gid, *v;

	if (ids_gid(s, &gid) == -1)
		return -1;
	if ((v = cred_grow(r->gids, r->ngids, sizeof(*v))) == NULL)
		return -1;
	r->gids = v;
	r->gids[r->ngids++] = gid;
	return 0;
}

int
cred_rule_add_pid(struct cred_rule *r, const char *s)
{
	const char *errstr;
	pid_t pid, *v;

	if (s == NULL || *s < '0' || *s > '9') {
		errno = EINVAL;
		return -1;
	}
	pid = (pid_t)strtonum(s, 1, INT_MAX, &errstr);
	if (errstr != NULL) {
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
cred_passcred(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
}

/*
 * The effective ids are sent, as SO_PEERCRED reports them; the kernel
 * accepts the real, effective or saved id of the sender.
 */
int
cred_send(int fd)
{
	union cred_cmsgbuf cb;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	struct ucred uc;
	char byte = 0;
	ssize_t n;

	memset(&cb, 0, sizeof(cb));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cb.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(uc));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(uc));
	uc.pid = getpid();
	uc.uid = geteuid();
	uc.gid = getegid();
	memcpy(CMSG_DATA(cmsg), &uc, sizeof(uc));
	while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	if (n != 1) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Closes every fd carried by the SCM_RIGHTS messages of msg. */
static void
cred_close_rights(struct msghdr *msg)
{
	struct cmsghdr *cmsg;
	size_t i, nfds;
	int fd;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			if (fd >= 0)
				(void)close(fd);
		}
	}
}

/*
 * Receives one byte and its control data.  Every control message is
 * walked: exactly one SCM_CREDENTIALS of the right length is wanted, and
 * fds that came alongside are closed, even when the kernel had to truncate
 * the control data (the fds that did not fit were never installed).
 */
int
cred_recv(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
	union cred_cmsgbuf cb;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	struct ucred uc;
	char byte;
	ssize_t n;
	int found = 0, bad = 0;

	memset(&cb, 0, sizeof(cb));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cb.buf;
	msg.msg_controllen = sizeof(cb.buf);
	while ((n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	if (n == -1)
		return -1;
	cred_close_rights(&msg);
	/*
	 * At end of file a stream socket with SO_PASSCRED still hands out an
	 * SCM_CREDENTIALS message, of pid 0, uid 0, gid 0: root's, so zero
	 * bytes must never be read as credentials.  A zero-length datagram
	 * is no message of ours either.
	 */
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_CREDENTIALS)
			continue;
		if (found || cmsg->cmsg_len != CMSG_LEN(sizeof(uc)))
			bad = 1;
		else
			memcpy(&uc, CMSG_DATA(cmsg), sizeof(uc));
		found = 1;
	}
	if (!found || bad) {
		errno = EPROTO;
		return -1;
	}
	*pid = uc.pid;
	*uid = uc.uid;
	*gid = uc.gid;
	return 0;
}
