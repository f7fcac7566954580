/*
 * fdpass: many file descriptors in one SCM_RIGHTS message, with a payload.
 *
 * The wire format of fdsend(1) and fdrecv(1) is built on it: one
 * SOCK_SEQPACKET message whose payload is the fds' names joined by ':' and
 * whose control data is one SCM_RIGHTS array holding the fds, in the same
 * order.  A holder that refuses a peer sends one message of one NUL byte
 * and no fds (a name can never contain NUL, so it cannot be mistaken for
 * names).
 *
 * Received control data is always consumed whole: every fd that arrives
 * on a failed receive is closed before the call returns.
 */
#ifndef LIB_FDPASS_H
#define LIB_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define FDPASS_MAX	253	/* SCM_MAX_FD: the most fds in one message */
#define FDPASS_NAMEMAX	255	/* the longest fd name (systemd's FDNAME_MAX) */
/* The longest payload of names: FDPASS_MAX names and their separators. */
#define FDPASS_NAMESLEN	(FDPASS_MAX * (FDPASS_NAMEMAX + 1))

/*
 * Sends len bytes of buf (len >= 1: a message must carry a byte for its
 * fds to travel on a stream socket) with nfds fds (0..FDPASS_MAX) as one
 * SCM_RIGHTS control message, on a SOCK_SEQPACKET or SOCK_STREAM socket.
 * MSG_NOSIGNAL: a closed peer is EPIPE, never SIGPIPE.  On a stream socket
 * a short write is completed (the fds travel with the first part).
 * Returns 0, or -1 with errno EINVAL (len 0, or nfds > FDPASS_MAX) or the
 * error of sendmsg(2) (EPIPE, EBADF for a closed fd in fds, EMSGSIZE ...).
 */
int	fdpass_send(int sock, const void *buf, size_t len, const int *fds,
	    size_t nfds);

/*
 * Receives one message (at most len bytes into buf) and up to *nfds fds
 * (*nfds <= FDPASS_MAX) into fds[], with MSG_CMSG_CLOEXEC; on success *nfds
 * is the number of fds that arrived (possibly 0) and the byte count is
 * returned.  Before calling recvmsg(2) it checks that the fd table has room
 * for *nfds more fds under RLIMIT_NOFILE, as OpenBSD's imsg does, since the
 * kernel drops fds it cannot install.  Every control message is walked and
 * checked; on any failure every fd that arrived is closed and -1 returned
 * with errno:
 *	EINVAL		*nfds > FDPASS_MAX, or len 0
 *	EMFILE		the fd table is too full to receive *nfds fds
 *	EPIPE		end of file: the peer closed (a zero-byte read)
 *	EMSGSIZE	the payload did not fit in len bytes (MSG_TRUNC)
 *	ENOBUFS		the control data was truncated (MSG_CTRUNC): fds lost
 *	ETOOMANYREFS	more fds arrived than *nfds
 *	EPROTO		a control message that is not SCM_RIGHTS (for example
 *			SCM_CREDENTIALS), or one of a bad length
 * or the error of recvmsg(2).  EINTR is retried.
 */
ssize_t	fdpass_recv(int sock, void *buf, size_t len, int *fds, size_t *nfds);

/*
 * Checks one fd name: 1 to FDPASS_NAMEMAX bytes of printable ASCII, no
 * ':'.  Returns 0, or -1 with errno EINVAL (empty, ':' or a byte that is
 * not printable ASCII) or ENAMETOOLONG.
 */
int	fdpass_name_check(const char *name);

/*
 * Sends fds[0..n-1] (1 <= n <= FDPASS_MAX) with names[0..n-1] joined by ':'
 * as the payload.  Returns 0, or -1 with errno from fdpass_name_check(),
 * EINVAL (n out of range), ENOMEM, or fdpass_send().
 */
int	fdpass_send_names(int sock, const int *fds, const char *const *names,
	    size_t n);

/*
 * Receives one fdsend(1) message: up to max fds into fds[] and their names,
 * joined by ':' and NUL-terminated, into names (of size len, at least
 * FDPASS_NAMESLEN + 1 to take any message).  Returns the number of fds
 * (>= 1), or -1 with errno from fdpass_recv(), or:
 *	EPERM		the peer refused us (the refusal message)
 *	ENOMSG		the message carried no fds
 *	EBADMSG		a name is invalid, or there are not as many names as
 *			fds (the fds are closed)
 */
int	fdpass_recv_names(int sock, int *fds, size_t max, char *names,
	    size_t len);

/* Sends the refusal message (one NUL byte, no fds).  Returns 0 or -1. */
int	fdpass_refuse(int sock);

/*
 * The number of fds this process has open below its RLIMIT_NOFILE, from
 * /proc/self/fd (or, without /proc, by probing each number when the limit
 * is small).  Returns the count, or -1 with errno.
 */
int	fdpass_fdcount(void);

#endif /* LIB_FDPASS_H */
