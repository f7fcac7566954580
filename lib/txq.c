/*
 * txq: a batch of frames sent on a packet socket, a relayed fd or a tap
 * device's fd.  See txq.h.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "txq.h"

/* The padding of short frames: read only. */
static const uint8_t zeros[ETH_ZLEN_];

void
txq_init(struct txq *q, int fd, enum txq_kind kind,
    const volatile sig_atomic_t *stop)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->kind = kind;
	q->stop = stop;
	q->retry_ns = TXQ_RETRY_NS;
	q->waits = kind == TXQ_RELAYED && stop != NULL &&
	    (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0;
}

uint8_t *
txq_hdr(struct txq_batch *b)
{
	return b->hdr[b->n];
}

size_t
txq_add(struct txq_batch *b, const void *hdr, size_t hdrlen,
    const void *data, size_t len, size_t min)
{
	struct mmsghdr *m = &b->msgs[b->n];
	struct iovec *iov = b->iov[b->n];
	size_t n = 0, total = hdrlen + len;

	if (hdrlen > 0) {
		iov[n].iov_base = (void *)(uintptr_t)hdr;
		iov[n++].iov_len = hdrlen;
	}
	iov[n].iov_base = (void *)(uintptr_t)data;
	iov[n++].iov_len = len;
	if (total < min) {
		/* min may be more than zeros holds only by mistake. */
		iov[n].iov_base = (void *)(uintptr_t)zeros;
		iov[n++].iov_len = min - total <= sizeof(zeros) ?
		    min - total : sizeof(zeros);
		total += iov[n - 1].iov_len;
	}
	memset(&m->msg_hdr, 0, sizeof(m->msg_hdr));
	m->msg_hdr.msg_iov = iov;
	m->msg_hdr.msg_iovlen = n;
	m->msg_len = 0;
	b->lens[b->n++] = total;
	return total;
}

/* A record that is no frame: why says so, errno is e. */
static int __attribute__((format(printf, 4, 5)))
bad(char *why, size_t whylen, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

int
txq_add_record(struct txq_batch *b, const struct pcapio_rec *rec,
    const struct txq_framing *fr, char *why, size_t whylen)
{
	unsigned long long num = rec->num;
	size_t len = rec->caplen, max = fr->maxframe, skip = 0;
	uint8_t *hdr = txq_hdr(b);
	char err[PCAPIO_ERRLEN];
	int cooked = rec->linktype != PCAPIO_LINKTYPE_ETHERNET, e;
	const uint8_t *tag;

	if (fr->hdr != NULL) {
		if (len > (size_t)fr->mtu)
			return bad(why, whylen, EMSGSIZE, "frame %llu: a "
			    "payload of %zu bytes exceeds the MTU of %s (%d)",
			    num, len, fr->ifname, fr->mtu);
		txq_add(b, fr->hdr, fr->hdrlen, rec->data, len, ETH_ZLEN_);
		return 0;
	}
	if (rec->caplen < rec->len)
		return bad(why, whylen, EBADMSG, "frame %llu: only %u of %u "
		    "bytes were captured", num, rec->caplen, rec->len);
	if (cooked) {
		/* Linux cooked: an Ethernet header in place of its own. */
		if (pcapio_cooked(rec, fr->dst, hdr, &skip, err,
		    sizeof(err)) == -1) {
			e = errno;
			return bad(why, whylen, e, "frame %llu: %s", num, err);
		}
		len = ETH_HLEN_ + rec->caplen - skip;
		tag = hdr + 12;
	} else {
		if (len < ETH_HLEN_)
			return bad(why, whylen, EMSGSIZE, "frame %llu: %zu "
			    "bytes is shorter than an Ethernet header", num,
			    len);
		tag = rec->data + 12;
	}
	/* The kernel allows the 4 more for 802.1Q, not 802.1ad. */
	if (tag[0] == 0x81 && tag[1] == 0x00)
		max += 4;
	if (len > max)
		return bad(why, whylen, EMSGSIZE, "frame %llu: %zu bytes "
		    "exceeds the MTU of %s (%d + %zu)", num, len, fr->ifname,
		    fr->mtu, max - (size_t)fr->mtu);
	if (cooked)
		txq_add(b, hdr, ETH_HLEN_, rec->data + skip,
		    rec->caplen - skip, 0);
	else
		txq_add(b, NULL, 0, rec->data, len, 0);
	return 0;
}

static int
stopped(const struct txq *q)
{
	return q->stop != NULL && *q->stop;
}

/*
 * Waits a little before retrying a send the kernel refused for lack of
 * buffers: POLLOUT when the socket's send buffer is the limit, and a short
 * sleep that doubles with each retry (a full queue further down does not
 * show in POLLOUT).
 */
static void
backoff(int fd, unsigned int tries)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	long us = 20L << (tries < 9 ? tries : 9);

	if (poll(&pfd, 1, 10) == -1 && errno != EINTR)
		return;
	ts_sleep_until_ns(ts_now_ns() + (uint64_t)us * NSEC_PER_USEC);
}

/* The target failed at frame i: the rest is counted as not sent. */
static int
failed(struct txq *q, unsigned int *pos, unsigned int end,
    struct txq_fail *f)
{
	f->index = *pos;
	f->err = errno;
	q->errors += end - *pos;
	*pos = end;
	errno = f->err;
	return -1;
}

/* Frame *pos was refused: counted, passed by. */
static int
refused(struct txq *q, unsigned int *pos, struct txq_fail *f)
{
	f->index = (*pos)++;
	f->err = errno;
	q->errors++;
	return 1;
}

/*
 * A tap device takes a frame in or drops it at once, with nothing to
 * wait for: one writev(2) a frame.
 */
static int
send_tap(struct txq *q, struct txq_batch *b, unsigned int *pos,
    unsigned int end, struct txq_fail *f)
{
	ssize_t k;

	while (*pos < end) {
		while ((k = writev(q->fd, b->msgs[*pos].msg_hdr.msg_iov,
		    (int)b->msgs[*pos].msg_hdr.msg_iovlen)) == -1 &&
		    errno == EINTR && !stopped(q))
			;
		if (k >= 0) {
			q->sent++;
			q->bytes += b->lens[(*pos)++];
			continue;
		}
		/* Stopped: what is left of the batch is not sent, no error. */
		if (errno == EINTR)
			return 0;
		if (errno != EMSGSIZE && errno != EINVAL)
			return failed(q, pos, end, f);
		return refused(q, pos, f);
	}
	return 0;
}

int
txq_ring(struct txq *q, uint32_t mtu, unsigned nslots)
{
	if (q->kind != TXQ_PACKET || q->ringed) {
		errno = EINVAL;
		return -1;
	}
	if (txring_setup(&q->ring, q->fd, nslots, mtu) == -1)
		return -1;
	q->ringed = 1;
	q->rsent = q->rbytes = 0;
	return 0;
}

/* What the kernel is done with since the last look, into q's counts. */
static void
ring_count(struct txq *q)
{
	q->sent += q->ring.sent - q->rsent;
	q->bytes += q->ring.bytes - q->rbytes;
	q->rsent = q->ring.sent;
	q->rbytes = q->ring.bytes;
}

/*
 * The ring's target failed (errno): what the ring still holds is not
 * sent, nor [*pos, end) of the batch.
 */
static int
ring_failed(struct txq *q, unsigned int *pos, unsigned int end,
    struct txq_fail *f)
{
	int e = errno;

	ring_count(q);
	q->errors += q->ring.pending;
	/*
	 * Taken down as far as the kernel lets it (not while it still sends
	 * from it), and every later send fails alike: sendmmsg(2) on a
	 * socket that kept its ring would send the ring's slots.
	 */
	txring_close(&q->ring);
	q->ringed = 0;
	q->dead = e;
	errno = e;
	return failed(q, pos, end, f);
}

/*
 * Has the kernel send what the ring holds, and waits until it holds at
 * most keep frames: with ENOBUFS, EAGAIN or no progress, for up to
 * q->retry_ns, backing off.  Returns 1 when it does, 0 when *q->stop was
 * set, -1 with errno when the target failed or the time ran out
 * (ENOBUFS).
 */
static int
ring_wait(struct txq *q, unsigned keep)
{
	unsigned tries = 0, before;
	uint64_t first = 0;

	for (;;) {
		before = q->ring.pending;
		if (txring_kick(&q->ring, 0) == -1 && errno != ENOBUFS &&
		    errno != EAGAIN && errno != EINTR)
			return -1;
		ring_count(q);
		if (q->ring.pending <= keep)
			return 1;
		if (stopped(q))
			return 0;
		if (q->ring.pending < before)
			tries = 0;
		if (tries == 0)
			first = ts_now_ns();
		else if (ts_now_ns() - first >= q->retry_ns) {
			errno = ENOBUFS;
			return -1;
		}
		backoff(q->fd, tries++);
	}
}

/*
 * Frames [*pos, end) copied into the ring's slots (a full ring is waited
 * for), then one send(2) that does not wait.  A frame the kernel would
 * refuse (txring_put(): EMSGSIZE, EINVAL) is refused here as sendmmsg(2)
 * would have it.
 */
static int
send_ring(struct txq *q, struct txq_batch *b, unsigned int *pos,
    unsigned int end, struct txq_fail *f)
{
	struct msghdr *m;
	int rc;

	while (*pos < end) {
		m = &b->msgs[*pos].msg_hdr;
		rc = txring_put(&q->ring, m->msg_iov, (int)m->msg_iovlen);
		if (rc == 1) {
			(*pos)++;
			continue;
		}
		if (rc == -1)
			return refused(q, pos, f);
		if ((rc = ring_wait(q, q->ring.nslots - 1)) == -1)
			return ring_failed(q, pos, end, f);
		if (rc == 0)
			return 0;
	}
	if (txring_kick(&q->ring, 0) == -1 && errno != ENOBUFS &&
	    errno != EAGAIN && errno != EINTR)
		return ring_failed(q, pos, end, f);
	ring_count(q);
	return 0;
}

int
txq_drain(struct txq *q, struct txq_fail *f)
{
	unsigned int pos = 0;

	if (!q->ringed || q->ring.pending == 0)
		return 0;
	if (ring_wait(q, 0) == -1)
		return ring_failed(q, &pos, 0, f);
	return 0;
}

void
txq_free(struct txq *q)
{
	if (q->ringed)
		txring_close(&q->ring);
	q->ringed = 0;
}

int
txq_send(struct txq *q, struct txq_batch *b, unsigned int *pos,
    unsigned int end, struct txq_fail *f)
{
	unsigned int j, tries = 0;
	uint64_t first = 0;
	struct pollfd pfd;
	int k;

	if (q->dead) {
		errno = q->dead;
		return failed(q, pos, end, f);
	}
	if (q->kind == TXQ_TAP)
		return send_tap(q, b, pos, end, f);
	if (q->ringed)
		return send_ring(q, b, pos, end, f);
	while (*pos < end) {
		k = sendmmsg(q->fd, b->msgs + *pos, end - *pos,
		    q->kind != TXQ_RELAYED ? 0 : q->waits ?
		    MSG_NOSIGNAL | MSG_DONTWAIT : MSG_NOSIGNAL);
		if (k > 0) {
			for (j = *pos; j < *pos + (unsigned int)k; j++)
				q->bytes += b->lens[j];
			q->sent += (unsigned int)k;
			*pos += (unsigned int)k;
			tries = 0;
			continue;
		}
		/* Stopped: what is left of the batch is not sent, no error. */
		if (stopped(q) && (errno == EINTR || errno == ENOBUFS ||
		    errno == EAGAIN))
			return 0;
		if (errno == EINTR)
			continue;
		/* A blocking relayed fd: the relay is waited for, *stop too. */
		if (errno == EAGAIN && q->waits) {
			pfd.fd = q->fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, 50);
			continue;
		}
		if (errno == ENOBUFS || errno == EAGAIN) {
			if (tries == 0)
				first = ts_now_ns();
			if (ts_now_ns() - first < q->retry_ns) {
				backoff(q->fd, tries++);
				continue;
			}
		} else if (errno != EMSGSIZE && errno != EINVAL) {
			return failed(q, pos, end, f);
		}
		return refused(q, pos, f);
	}
	return 0;
}
