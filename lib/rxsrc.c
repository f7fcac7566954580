/*
 * rxsrc: received frames from a ring, a relayed fd or a tap fd.
 */
#include <sys/socket.h>

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"
#include "rxsrc.h"
#include "timeutil.h"

int
rxsrc_ring(struct rxsrc *s, int fd, size_t block_size, unsigned block_nr,
    unsigned retire_ms)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	return ring_setup(&s->r, fd, block_size, block_nr, retire_ms);
}

int
rxsrc_relayed(struct rxsrc *s, int fd, int ifindex)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->relayed = 1;
	s->ifindex = ifindex;
	if ((s->buf = malloc((size_t)RXSRC_BATCH * RXSRC_RELAYED_BUF)) ==
	    NULL || (s->msg = calloc(RXSRC_BATCH, sizeof(*s->msg))) == NULL ||
	    (s->iov = calloc(RXSRC_BATCH, sizeof(*s->iov))) == NULL) {
		rxsrc_close(s);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < RXSRC_BATCH; i++) {
		s->iov[i].iov_base = s->buf + (size_t)i * RXSRC_RELAYED_BUF;
		s->iov[i].iov_len = RXSRC_RELAYED_BUF;
		s->msg[i].msg_hdr.msg_iov = &s->iov[i];
		s->msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

int
rxsrc_tap(struct rxsrc *s, int fd, int ifindex, uint32_t snaplen)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->tap = 1;
	s->ifindex = ifindex;
	s->snaplen = snaplen < RXSRC_TAP_FRAME ? snaplen : RXSRC_TAP_FRAME;
	if ((s->buf = malloc(RXSRC_TAP_BUF)) == NULL ||
	    (s->iov = calloc(RXSRC_BATCH, sizeof(*s->iov))) == NULL ||
	    (s->tap_ts = calloc(RXSRC_BATCH, sizeof(*s->tap_ts))) == NULL) {
		rxsrc_close(s);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * A tap fd's batch: frames read one by one while poll(2) says one is
 * ready, each where the last ended (8-aligned), while a longest one still
 * fits.  Returns as rxsrc_batch(); an error after some frames is left for
 * the next call.
 */
static int
rxsrc_tap_batch(struct rxsrc *s, unsigned max)
{
	struct pollfd p;
	size_t off = 0;
	ssize_t n;

	s->n = s->i = 0;
	while ((unsigned)s->n < max && RXSRC_TAP_BUF - off >= RXSRC_TAP_FRAME) {
		p.fd = s->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 0) != 1)
			break;
		n = read(s->fd, s->buf + off, RXSRC_TAP_BUF - off);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n == -1 && s->n == 0)
			return -1;
		if (n <= 0)
			break;
		s->iov[s->n].iov_base = s->buf + off;
		s->iov[s->n].iov_len = (size_t)n;
		s->tap_ts[s->n++] = ts_wall_ns();
		off += ((size_t)n + 7) & ~(size_t)7;
	}
	return s->held = s->n > 0;
}

/* The socket's pending error, read (which clears it), or 0. */
static int
rxsrc_sockerr(int fd)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return errno;
	return soerr;
}

/*
 * Whether a relayed fd's peer has shut down its side: then the empty
 * messages a SOCK_SEQPACKET socket returns mean the end of file.
 */
static int
rxsrc_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP));
}

int
rxsrc_batch(struct rxsrc *s, unsigned max)
{
	struct pollfd p;
	int k, j, soerr;

	if (!s->relayed && !s->tap) {
		if (ring_block_next(&s->r) == 1)
			return s->held = 1;
		p.fd = s->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR) &&
		    ring_block_next(&s->r) == 0 &&
		    (soerr = rxsrc_sockerr(s->fd)) != 0) {
			errno = soerr;
			return -1;
		}
		return 0;
	}
	if (s->held)
		return 1;
	if (max < 1 || max > RXSRC_BATCH)
		max = RXSRC_BATCH;
	if (s->tap)
		return rxsrc_tap_batch(s, max);
	k = recvmmsg(s->fd, s->msg, max, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (k == -1) {
		/* ECONNRESET: the relay went with frames of ours unread. */
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR || errno == ECONNRESET) {
			if (errno == ECONNRESET || rxsrc_eof(s->fd)) {
				errno = EPIPE;
				return -1;
			}
			return 0;
		}
		return -1;
	}
	/* Only empty messages: the end, when the peer has shut down. */
	for (j = 0; j < k && s->msg[j].msg_len == 0; j++)
		;
	if (j == k && rxsrc_eof(s->fd)) {
		errno = EPIPE;
		return -1;
	}
	s->n = k;
	s->i = 0;
	s->ts_ns = ts_wall_ns();
	return s->held = 1;
}

int
rxsrc_frame(struct rxsrc *s, struct ring_frame *f)
{
	uint16_t type;

	if (s->tap) {
		if (!s->held || s->i >= s->n)
			return 0;
		memset(f, 0, sizeof(*f));
		f->data = s->iov[s->i].iov_base;
		f->caplen = f->len = (uint32_t)s->iov[s->i].iov_len;
		f->ts_ns = s->tap_ts[s->i++];
		f->ifindex = s->ifindex;
		f->pkttype = 0;		/* PACKET_HOST */
		if (f->caplen >= 14) {
			memcpy(&type, f->data + 12, 2);
			f->proto = be16toh(type);
		}
		return 1;
	}
	if (!s->relayed)
		return ring_frame_next(&s->r, f);
	while (s->held && s->i < s->n) {
		memset(f, 0, sizeof(*f));
		f->len = s->msg[s->i].msg_len;
		f->data = s->buf + (size_t)s->i * RXSRC_RELAYED_BUF;
		s->i++;
		if (f->len == 0)
			continue;	/* no frame */
		f->caplen = f->len < RXSRC_RELAYED_BUF ? f->len :
		    RXSRC_RELAYED_BUF;
		f->ts_ns = s->ts_ns;
		f->ifindex = s->ifindex;
		f->pkttype = 0;		/* PACKET_HOST */
		return 1;
	}
	return 0;
}

void
rxsrc_done(struct rxsrc *s)
{
	if (!s->held)
		return;
	s->held = 0;
	if (!s->relayed && !s->tap)
		ring_block_done(&s->r);
	s->n = s->i = 0;
}

uint32_t
rxsrc_snaplen(const struct rxsrc *s)
{
	if (s->tap)
		return s->snaplen;
	return s->relayed ? RXSRC_RELAYED_BUF : ring_snaplen(&s->r);
}

size_t
rxsrc_maxframe(const struct rxsrc *s)
{
	if (s->tap)
		return RXSRC_TAP_FRAME;
	return (s->relayed ? (size_t)RXSRC_RELAYED_BUF : s->r.block_size) + 4;
}

uint64_t
rxsrc_drops(struct rxsrc *s)
{
	if (s->relayed || s->tap || s->r.map == NULL)
		return 0;
	(void)ring_stats(&s->r);
	return s->r.drops;
}

int
rxsrc_counts(struct rxsrc *s, uint64_t *received, uint64_t *dropped)
{
	*received = *dropped = 0;
	if (s->relayed || s->r.map == NULL)
		return 0;
	(void)ring_stats(&s->r);
	*received = s->r.packets;
	*dropped = s->r.drops;
	return 1;
}

void
rxsrc_close(struct rxsrc *s)
{
	if (!s->relayed && !s->tap)
		ring_close(&s->r);
	free(s->buf);
	free(s->msg);
	free(s->iov);
	free(s->tap_ts);
	s->buf = NULL;
	s->msg = NULL;
	s->iov = NULL;
	s->tap_ts = NULL;
	s->held = 0;
}
