/*
 * fdpass: many file descriptors in one SCM_RIGHTS message, with a payload.
 *
 * Done with the care of skalibs' ancil_recv_fd and OpenBSD's imsg: an
 * aligned control buffer, MSG_NOSIGNAL and MSG_CMSG_CLOEXEC, EINTR loops,
 * every control message walked and checked, and every fd that arrived on a
 * failed receive closed, so that nothing leaks into the caller.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04	/* a pidfd, with SO_PASSPIDFD (Linux 6.5) */
#endif

/*
 * The receive buffer holds FDPASS_MAX fds and, beside them, the control
 * messages a socket option could add uninvited (SCM_CREDENTIALS with
 * SO_PASSCRED, SCM_PIDFD with SO_PASSPIDFD), so that those never crowd
 * fds out into MSG_CTRUNC but are seen, and refused, whole.
 */
#define FDPASS_EXTRA	(CMSG_SPACE(sizeof(struct ucred)) + \
			 CMSG_SPACE(sizeof(int)))
union fdpass_cbuf {
	struct cmsghdr	align;
	unsigned char	buf[CMSG_SPACE(FDPASS_MAX * sizeof(int)) + FDPASS_EXTRA];
};

/* Closes fds[0..n-1], keeping errno. */
static void
fdpass_closeall(const int *fds, size_t n)
{
	int saved = errno;
	size_t i;

	for (i = 0; i < n; i++)
		close(fds[i]);
	errno = saved;
}

int
fdpass_send(int sock, const void *buf, size_t len, const int *fds,
    size_t nfds)
{
	union fdpass_cbuf cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	const unsigned char *p = buf;
	ssize_t r;

	if (len == 0 || nfds > FDPASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
	}
	while ((r = sendmsg(sock, &msg, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	/* A stream socket may take part: the rest goes without the fds. */
	while ((size_t)r < len) {
		p += r;
		len -= (size_t)r;
		while ((r = send(sock, p, len, MSG_NOSIGNAL)) == -1 &&
		    errno == EINTR)
			;
		if (r == -1)
			return -1;
	}
	return 0;
}

int
fdpass_fdcount(void)
{
	struct rlimit rl;
	struct dirent *de;
	DIR *d;
	const char *errstr;
	long long fd, lim;
	int n, dfd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	lim = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX ?
	    INT_MAX : (long long)rl.rlim_cur;
	if ((d = opendir("/proc/self/fd")) == NULL) {
		if (errno != ENOENT && errno != EACCES)
			return -1;
		/* No /proc: probe every number, when there are few. */
		if (lim > 65536) {
			errno = ENOSYS;
			return -1;
		}
		for (n = 0, fd = 0; fd < lim; fd++)
			if (fcntl((int)fd, F_GETFD) != -1)
				n++;
		return n;
	}
	dfd = dirfd(d);
	n = 0;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = strtonum(de->d_name, 0, INT_MAX, &errstr);
		if (errstr == NULL && fd < lim && fd != dfd)
			n++;
	}
	if (errno != 0) {
		closedir(d);
		return -1;
	}
	closedir(d);
	return n;
}

/*
 * The EMFILE guard: the kernel installs received fds at the lowest free
 * numbers below RLIMIT_NOFILE and silently drops (MSG_CTRUNC) those it
 * cannot, so refuse to receive unless want more fit.  The directory
 * fdpass_fdcount() opens needs one more.
 */
static int
fdpass_room(size_t want)
{
	struct rlimit rl;
	int n;

	if (want == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)INT_MAX)
		return 0;
	if ((n = fdpass_fdcount()) == -1) {
		if (errno == ENOSYS)
			return 0;	/* cannot know: let the kernel decide */
		return -1;
	}
	if ((rlim_t)n + want > rl.rlim_cur) {
		errno = EMFILE;
		return -1;
	}
	return 0;
}

/*
 * Checks one control message and collects its fds into fds[*got...] (up
 * to max; beyond that they are closed and *over set).  Returns 0, or -1
 * with errno EPROTO, having closed any fd this message carried.
 */
static int
fdpass_cmsg(struct cmsghdr *cmsg, int *fds, size_t max, size_t *got,
    int *over)
{
	size_t len, n, i;
	int fd;

	if (cmsg->cmsg_len < CMSG_LEN(0)) {
		errno = EPROTO;
		return -1;
	}
	len = cmsg->cmsg_len - CMSG_LEN(0);
	if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_PIDFD &&
	    len == sizeof(int)) {
		/* Uninvited, but an fd all the same: close it. */
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
		close(fd);
		errno = EPROTO;
		return -1;
	}
	if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	n = len / sizeof(int);
	for (i = 0; i < n; i++) {
		memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
		if (*got < max)
			fds[(*got)++] = fd;
		else {
			close(fd);
			*over = 1;
		}
	}
	if (len % sizeof(int) != 0) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

ssize_t
fdpass_recv(int sock, void *buf, size_t len, int *fds, size_t *nfds)
{
	union fdpass_cbuf cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cmsg;
	size_t max = *nfds, got = 0;
	ssize_t r;
	int over = 0, bad = 0, saved = 0;

	*nfds = 0;
	if (max > FDPASS_MAX || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (fdpass_room(max) == -1)
		return -1;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	/* Room for what was asked and the uninvited extras, no more. */
	msg.msg_controllen = CMSG_SPACE(max * sizeof(int)) + FDPASS_EXTRA;
	while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	if (r == -1)
		return -1;
	/* Walk them all, even after a bad one, so that every fd is closed. */
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (fdpass_cmsg(cmsg, fds, max, &got, &over) == -1 && !bad) {
			bad = 1;
			saved = errno;
		}
	if (bad)
		errno = saved;
	else if (msg.msg_flags & MSG_CTRUNC)
		errno = ENOBUFS;
	else if (over)
		errno = ETOOMANYREFS;
	else if (msg.msg_flags & MSG_TRUNC)
		errno = EMSGSIZE;
	else if (r == 0 && got == 0)
		errno = EPIPE;
	else {
		*nfds = got;
		return r;
	}
	fdpass_closeall(fds, got);
	return -1;
}

int
fdpass_name_check(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++) {
		if (i >= FDPASS_NAMEMAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (name[i] < 0x20 || name[i] > 0x7e || name[i] == ':') {
			errno = EINVAL;
			return -1;
		}
	}
	if (i == 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
fdpass_send_names(int sock, const int *fds, const char *const *names,
    size_t n)
{
	char *buf;
	size_t i, len, off;
	int r;

	if (n == 0 || n > FDPASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (len = 0, i = 0; i < n; i++) {
		if (fdpass_name_check(names[i]) == -1)
			return -1;
		len += strlen(names[i]) + 1;
	}
	if ((buf = malloc(len)) == NULL)
		return -1;
	for (off = 0, i = 0; i < n; i++) {
		if (i > 0)
			buf[off++] = ':';
		memcpy(buf + off, names[i], strlen(names[i]));
		off += strlen(names[i]);
	}
	r = fdpass_send(sock, buf, off, fds, n);
	free(buf);
	return r;
}

/*
 * Checks that names (len bytes, no NUL) holds exactly n valid names joined
 * by ':'.  Returns 0 or -1 with errno EBADMSG.
 */
static int
fdpass_names_check(const char *names, size_t len, size_t n)
{
	size_t i, start, count = 0;
	unsigned char c;

	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && names[i] != ':') {
			c = (unsigned char)names[i];
			if (c < 0x20 || c > 0x7e)
				goto bad;
			continue;
		}
		if (i == start || i - start > FDPASS_NAMEMAX)
			goto bad;
		count++;
		start = i + 1;
	}
	if (count == n)
		return 0;
bad:
	errno = EBADMSG;
	return -1;
}

int
fdpass_recv_names(int sock, int *fds, size_t max, char *names, size_t len)
{
	size_t n = max;
	ssize_t r;

	if (len < 2) {
		errno = EINVAL;
		return -1;
	}
	/* One byte short, for the NUL. */
	if ((r = fdpass_recv(sock, names, len - 1, fds, &n)) == -1)
		return -1;
	names[r] = '\0';
	if (n == 0) {
		errno = r == 1 && names[0] == '\0' ? EPERM : ENOMSG;
		return -1;
	}
	if (fdpass_names_check(names, (size_t)r, n) == -1) {
		fdpass_closeall(fds, n);
		return -1;
	}
	return (int)n;
}

int
fdpass_refuse(int sock)
{
	return fdpass_send(sock, "", 1, NULL, 0);
}
