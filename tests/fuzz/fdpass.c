/*
 * Fuzz harness: lib/fdpass, the receiving side of fd passing, which walks
 * control messages a hostile peer chose.
 *
 * fdpass.c has no pure function over a control buffer (its cmsg walk is
 * inside fdpass_recv, after recvmsg), so the harness drives the real path:
 * a socketpair, a message built from the input and sent with sendmsg(2),
 * and fdpass_recv() or fdpass_recv_names() on the other end.  The input:
 *
 *	byte 0	fds to send (0..253), copies of one /dev/null fd
 *	byte 1	fds the receiver accepts (255: 254, an invalid count)
 *	byte 2	flags: 1 SO_PASSCRED (SCM_CREDENTIALS arrive), 2 SO_PASSPIDFD
 *		(an SCM_PIDFD, itself an fd, arrives), 4 SOCK_STREAM rather
 *		than SOCK_SEQPACKET, 8 the fds in two SCM_RIGHTS messages,
 *		16 fdpass_recv_names, 32 send nothing (the peer just closes),
 *		64 a receive buffer shorter than the payload
 *	rest	the payload (fd names for fdpass_recv_names)
 *
 * The fds in the message are all copies of one fd the harness opened, so
 * nothing it depends on can be closed by the code under test.  After each
 * input: every fd received is open, close-on-exec and /dev/null; on any
 * failure none is returned; the errno is the one the header gives for
 * what was sent; and the number of open fds is what it was before (no
 * leak, no stray close).  A violation traps.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

#define F_PASSCRED	0x01
#define F_PASSPIDFD	0x02
#define F_STREAM	0x04
#define F_SPLIT		0x08
#define F_NAMES		0x10
#define F_NOTHING	0x20
#define F_SHORTBUF	0x40

static int devnull = -1;
static struct stat devnull_st;

/* The number of open fds, from /proc/self/fd (not counting its own). */
static int
nopen(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/*
 * Sends payload[0..len) with n copies of devnull, in one SCM_RIGHTS
 * message or two.  A stream socket cannot carry fds without a byte, and
 * the kernel then sends nothing; that is the peer's problem, not ours.
 */
static void
send_msg(int sock, const uint8_t *payload, size_t len, size_t n, int split)
{
	union {
		struct cmsghdr	align;
		unsigned char	buf[2 * CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	} cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *c;
	size_t part[2], i, k;

	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)(uintptr_t)payload;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	part[0] = split ? n / 2 : n;
	part[1] = n - part[0];
	for (k = 0; k < 2; k++)
		if (part[k] > 0)
			msg.msg_controllen += CMSG_SPACE(part[k] * sizeof(int));
	if (msg.msg_controllen > 0) {
		msg.msg_control = cbuf.buf;
		c = CMSG_FIRSTHDR(&msg);
		for (k = 0; k < 2; k++) {
			if (part[k] == 0)
				continue;
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(part[k] * sizeof(int));
			for (i = 0; i < part[k]; i++)
				memcpy(CMSG_DATA(c) + i * sizeof(int), &devnull,
				    sizeof(int));
			c = CMSG_NXTHDR(&msg, c);
		}
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) == -1)
		abort();
}

/* Checks the fds received and closes them. */
static void
check_fds(const int *fds, size_t n)
{
	struct stat st;
	size_t i;
	int fl;

	for (i = 0; i < n; i++) {
		check(fds[i] > 2 && fds[i] != devnull);
		check((fl = fcntl(fds[i], F_GETFD)) != -1 && (fl & FD_CLOEXEC));
		check(fstat(fds[i], &st) == 0 && st.st_rdev ==
		    devnull_st.st_rdev && st.st_ino == devnull_st.st_ino);
		close(fds[i]);
	}
}

/* Whether p[0..len) is 1..FDPASS_MAX valid names joined by ':', n of them. */
static int
names_ok(const uint8_t *p, size_t len, size_t n)
{
	size_t i, start = 0, count = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != ':') {
			if (p[i] < 0x20 || p[i] > 0x7e)
				return 0;
			continue;
		}
		if (i == start || i - start > FDPASS_NAMEMAX)
			return 0;
		count++;
		start = i + 1;
	}
	return count == n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char names[FDPASS_NAMESLEN + 1];
	int fds[FDPASS_MAX + 1];
	const uint8_t *payload;
	size_t nsend, max, plen, nfds, len;
	ssize_t r;
	int sv[2], flags, before, one = 1, e, nothing;

	if (size < 3)
		return 0;
	if (devnull == -1) {
		if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
		    fstat(devnull, &devnull_st) == -1)
			abort();
	}
	nsend = data[0] > FDPASS_MAX ? FDPASS_MAX : data[0];
	max = data[1] == 255 ? FDPASS_MAX + 1 :
	    (data[1] > FDPASS_MAX ? FDPASS_MAX : data[1]);
	flags = data[2];
	payload = data + 3;
	plen = size - 3;

	before = nopen();
	if (socketpair(AF_UNIX, ((flags & F_STREAM) ? SOCK_STREAM :
	    SOCK_SEQPACKET) | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	if ((flags & F_PASSCRED) && setsockopt(sv[1], SOL_SOCKET,
	    SO_PASSCRED, &one, sizeof(one)) == -1)
		abort();
	/* Kernels before 6.5 have no SO_PASSPIDFD: then it is left out. */
	if ((flags & F_PASSPIDFD) && setsockopt(sv[1], SOL_SOCKET,
	    SO_PASSPIDFD, &one, sizeof(one)) == -1)
		flags &= ~F_PASSPIDFD;
	/* Nothing at all reaches the receiver: it sees the end of file. */
	nothing = (flags & F_NOTHING) || ((flags & F_STREAM) && plen == 0);
	if (nothing)
		nsend = plen = 0;
	else
		send_msg(sv[0], payload, plen, nsend, flags & F_SPLIT);
	close(sv[0]);

	errno = 0;
	if (flags & F_NAMES) {
		r = fdpass_recv_names(sv[1], fds, max, names, sizeof(names));
		e = errno;
		if (r >= 0) {
			nfds = (size_t)r;
			check(nfds >= 1 && nfds == nsend && nfds <= max);
			check(!(flags & (F_PASSCRED | F_PASSPIDFD)));
			check(max <= FDPASS_MAX);
			/* A stream may deliver the payload in part. */
			check(strlen(names) <= plen &&
			    memcmp(names, payload, strlen(names)) == 0);
			check((flags & F_STREAM) || strlen(names) == plen);
			check(names_ok((const uint8_t *)names, strlen(names),
			    nfds));
			check_fds(fds, nfds);
		} else {
			check(r == -1);
			check(e == EINVAL || e == EPIPE || e == EMSGSIZE ||
			    e == ENOBUFS || e == ETOOMANYREFS || e == EPROTO ||
			    e == EPERM || e == ENOMSG || e == EBADMSG);
			if (e == EINVAL)
				check(max > FDPASS_MAX);
			if (e == EPERM)
				check(plen >= 1 && payload[0] == '\0');
			/* Everything fine, the names must be at fault. */
			if (max <= FDPASS_MAX && nsend >= 1 && nsend <= max &&
			    !(flags & (F_PASSCRED | F_PASSPIDFD)) &&
			    !(flags & F_STREAM))
				check(e == EBADMSG && !names_ok(payload, plen,
				    nsend));
		}
	} else {
		nfds = max;
		len = (flags & F_SHORTBUF) && plen > 0 ? plen / 2 + 1 : plen + 1;
		if (len > sizeof(names))
			len = sizeof(names);
		r = fdpass_recv(sv[1], names, len, fds, &nfds);
		e = errno;
		if (r >= 0) {
			check(nfds == nsend && nfds <= max);
			check(!(flags & (F_PASSCRED | F_PASSPIDFD)));
			check((size_t)r <= plen && (size_t)r <= len);
			check(memcmp(names, payload, (size_t)r) == 0);
			check((flags & F_STREAM) || (size_t)r == plen);
			check(r > 0 || nfds > 0);
			check_fds(fds, nfds);
		} else {
			check(r == -1 && nfds == 0);
			if (max > FDPASS_MAX)
				check(e == EINVAL);
			else if (nothing)
				/*
				 * At the end of a stream the kernel still
				 * adds SCM_CREDENTIALS (all zero) when asked.
				 */
				check(e == EPIPE || (e == EPROTO &&
				    (flags & F_STREAM) &&
				    (flags & (F_PASSCRED | F_PASSPIDFD))));
			else if (flags & (F_PASSCRED | F_PASSPIDFD))
				check(e == EPROTO || e == ENOBUFS);
			else if (nsend > max)
				check(e == ETOOMANYREFS || e == ENOBUFS);
			else if (plen > len && !(flags & F_STREAM))
				check(e == EMSGSIZE);
			else
				check(e == EPIPE && plen == 0 && nsend == 0);
		}
	}
	close(sv[1]);
	check(nopen() == before);
	return 0;
}
