/*
 * outq: a gathered, signal-aware output writer for streams of records.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outq.h"
#include "timeutil.h"

int
outq_init(struct outq *q, int fd, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct stat st;
	char path[32];
	off_t pos;
	int nfd;

	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->ownfd = -1;
	if (fstat(fd, &st) == -1)
		return -1;
	if (S_ISSOCK(st.st_mode)) {
		/* Unconnected, it would poll as hung up: say so now. */
		sslen = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1)
			return -1;
		q->sock = q->nonblock = 1;
	}
	q->size = size;
	if ((q->buf = malloc(size)) == NULL ||
	    (q->iov = calloc(OUTQ_IOV, sizeof(*q->iov))) == NULL) {
		free(q->buf);
		q->buf = NULL;
		errno = ENOMEM;
		return -1;
	}
	if (S_ISFIFO(st.st_mode)) {
		if (fcntl(fd, F_GETPIPE_SZ) < (int)OUTQ_PIPE_WANT &&
		    fcntl(fd, F_SETPIPE_SZ, OUTQ_PIPE_WANT) == -1)
			(void)fcntl(fd, F_SETPIPE_SZ, 256 << 10);
		/* The same pipe, opened anew: its O_NONBLOCK is ours. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((nfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) !=
		    -1) {
			q->fd = q->ownfd = nfd;
			q->nonblock = 1;
		}
	} else if (S_ISREG(st.st_mode) &&
	    (pos = lseek(fd, 0, SEEK_CUR)) != -1) {
		q->regular = 1;
		q->good = pos;
	}
	return 0;
}

void
outq_signals(struct outq *q, const sigset_t *waitmask,
    const volatile sig_atomic_t *count)
{
	q->waitmask = waitmask;
	q->signals = count;
}

void
outq_deadline(struct outq *q, const struct timespec *end)
{
	q->end = end;
}

int
outq_fd(const struct outq *q)
{
	return q->fd;
}

/* A counted signal has come since the flush began, at sigs. */
static int
outq_signalled(const struct outq *q, sig_atomic_t sigs)
{
	return q->signals != NULL && *q->signals != sigs;
}

/* Ends the piece of buf that grows: what follows goes in another piece. */
static void
outq_cut(struct outq *q)
{
	if (q->len > q->mark) {
		q->iov[q->niov].iov_base = q->buf + q->mark;
		q->iov[q->niov].iov_len = q->len - q->mark;
		q->niov++;
		q->mark = q->len;
	}
}

/*
 * Waits until q->fd takes more, with the stop signals let through.
 * Returns 0, or -1 with errno EINTR (a counted signal), ETIMEDOUT (the
 * deadline, unless late: it had passed when the flush began), EPIPE or
 * that of ppoll(2).
 */
static int
outq_wait(const struct outq *q, sig_atomic_t sigs, int late)
{
	struct pollfd p;
	struct timespec ts, *tsp;
	long long ms;

	for (;;) {
		if (outq_signalled(q, sigs)) {
			errno = EINTR;
			return -1;
		}
		tsp = NULL;
		if (q->end != NULL && !late) {
			if ((ms = ts_ms_until(q->end)) == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			ts = ts_from_ms(ms);
			tsp = &ts;
		}
		p.fd = q->fd;
		p.events = POLLOUT;
		p.revents = 0;
		if (ppoll(&p, 1, tsp, q->waitmask) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents & (POLLERR | POLLHUP)) {
			errno = EPIPE;
			return -1;
		}
		if (p.revents & POLLOUT)
			return 0;
	}
}

/*
 * One write of up to cnt pieces.  An output that blocks (a pipe /proc
 * could not reopen, a terminal) is written with the stop signals let
 * through, so that a stalled reader does not keep them out: the write
 * then fails with EINTR, or returns short.
 */
static ssize_t
outq_write(const struct outq *q, struct iovec *v, int cnt, sig_atomic_t sigs)
{
	struct msghdr m;
	sigset_t saved;
	ssize_t n;
	int e;

	if (q->sock) {
		memset(&m, 0, sizeof(m));
		m.msg_iov = v;
		m.msg_iovlen = (size_t)cnt;
		return sendmsg(q->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	if (q->nonblock || q->regular || q->waitmask == NULL)
		return writev(q->fd, v, cnt);
	if (sigprocmask(SIG_SETMASK, q->waitmask, &saved) == -1)
		return -1;
	if (outq_signalled(q, sigs)) {
		n = -1;
		errno = EINTR;
	} else
		n = writev(q->fd, v, cnt);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &saved, NULL);
	errno = e;
	return n;
}

/* The queue is empty again. */
static void
outq_reset(struct outq *q)
{
	q->len = q->mark = 0;
	q->niov = q->refs = 0;
}

int
outq_flush(struct outq *q)
{
	struct iovec *v = q->iov;
	size_t done = 0, k;
	ssize_t n;
	sig_atomic_t sigs = q->signals != NULL ? *q->signals : 0;
	int cnt, saved, late;

	late = q->end != NULL && ts_ms_until(q->end) == 0;
	outq_cut(q);
	cnt = q->niov;
	while (cnt > 0) {
		n = outq_write(q, v, cnt < OUTQ_IOV ? cnt : OUTQ_IOV, sigs);
		if (n == -1) {
			if (errno == EINTR && !outq_signalled(q, sigs))
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
			    q->nonblock && outq_wait(q, sigs, late) == 0)
				continue;
			saved = errno;
			if (q->regular) {
				/* Cut back to the last whole record. */
				if (done > 0 && ftruncate(q->fd, q->good) == 0)
					(void)lseek(q->fd, q->good, SEEK_SET);
				outq_reset(q);
			} else {
				/* What is left, for a later flush. */
				memmove(q->iov, v, (size_t)cnt * sizeof(*v));
				q->niov = cnt;
			}
			errno = saved;
			return -1;
		}
		done += (size_t)n;
		for (k = (size_t)n; cnt > 0 && k >= v->iov_len; cnt--, v++)
			k -= v->iov_len;
		if (cnt > 0) {
			v->iov_base = (uint8_t *)v->iov_base + k;
			v->iov_len -= k;
		}
	}
	q->good += (off_t)done;
	outq_reset(q);
	return 0;
}

uint8_t *
outq_reserve(struct outq *q, size_t n)
{
	if (n > q->size) {
		errno = EMSGSIZE;
		return NULL;
	}
	if ((q->len + n > q->size || q->niov + 3 >= OUTQ_IOV) &&
	    outq_flush(q) == -1)
		return NULL;
	/* A flush that stopped part way still holds pieces of buf. */
	if (q->len + n > q->size) {
		errno = EAGAIN;
		return NULL;
	}
	return q->buf + q->len;
}

void
outq_commit(struct outq *q, size_t n)
{
	q->len += n;
}

int
outq_ref(struct outq *q, const void *p, size_t n)
{
	if (q->niov + 2 > OUTQ_IOV && outq_flush(q) == -1)
		return -1;
	outq_cut(q);
	q->iov[q->niov].iov_base = (void *)(uintptr_t)p;
	q->iov[q->niov].iov_len = n;
	q->niov++;
	q->refs++;
	return 0;
}

int
outq_put(struct outq *q, const struct iovec *v, int cnt)
{
	size_t n = 0;
	uint8_t *p;
	int i;

	for (i = 0; i < cnt; i++)
		n += v[i].iov_len;
	if ((p = outq_reserve(q, n)) == NULL)
		return -1;
	for (i = 0; i < cnt; i++) {
		memcpy(p, v[i].iov_base, v[i].iov_len);
		p += v[i].iov_len;
	}
	outq_commit(q, n);
	return 0;
}

int
outq_has_refs(const struct outq *q)
{
	return q->refs > 0;
}

int
outq_pending(const struct outq *q)
{
	return q->niov > 0 || q->len > q->mark;
}

void
outq_free(struct outq *q)
{
	free(q->buf);
	free(q->iov);
	if (q->ownfd != -1 && q->buf != NULL)
		close(q->ownfd);
	memset(q, 0, sizeof(*q));
	q->fd = q->ownfd = -1;
}
