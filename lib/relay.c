/*
 * relay: rawopen's send relay, between a program and a packet socket.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"
#include "ring.h"

#define TPID_8021Q	0x8100
#define TPID_8021AD	0x88a8	/* 802.1ad, QinQ's outer tag */
#define TPID_9100	0x9100	/* the old QinQ TPID, still met */
#define HLEN		14		/* dst, src, type */
#define VLAN_HLEN	18		/* dst, src, 0x8100, tci, type */
#define TAGROOM		4		/* before a frame, to put a tag back */
/* One buffer: a frame, the room before it, rounded to a cache line. */
#define SLOT		((RELAY_FRAME_MAX + TAGROOM + 63) & ~(size_t)63)
/* ENOBUFS: retried after 1, 2, 4 ... 128 ms, then the frame is dropped. */
#define RETRY_MAX	8
#define AUX_SPACE	CMSG_SPACE(sizeof(struct tpacket_auxdata))
/* A block of the ring goes to the relay when full or after this long. */
#define RING_RETIRE_MS	1
/* The send buffer wanted on the relay's end of the pair: a block of the
   ring or more in flight to the program (see grow_buf()). */
#define PROG_SNDBUF	(4 << 20)
/* The packet socket's receive buffer asked for, when it has no ring. */
#define PKT_RCVBUF	(8 << 20)

enum relay_verdict
relay_check(const struct relay_conf *c, const uint8_t *frame, size_t len)
{
	uint16_t v, type;
	size_t min = HLEN, max = HLEN + (size_t)c->mtu;

	if (c->send == RELAY_SEND_NO)
		return RELAY_SEND_OFF;
	if (len < HLEN)
		return RELAY_BAD_SIZE;
	memcpy(&v, frame + 12, 2);
	type = be16toh(v);
	/* 802.1Q only: see relay.h for why 802.1ad is not looked through. */
	if (type == TPID_8021Q) {
		/*
		 * A tag puts the frame on any VLAN of a trunk: only a rule
		 * that grants 0x8100 (vlan) as well as the inner type
		 * lets it out.
		 */
		if (c->type_ok == NULL || !c->type_ok(c->type_arg, type))
			return len < VLAN_HLEN || len > max + 4 ?
			    RELAY_BAD_SIZE : RELAY_BAD_TYPE;
		min = VLAN_HLEN;
		max += 4;
		if (len < min)
			return RELAY_BAD_SIZE;
		memcpy(&v, frame + 16, 2);
		type = be16toh(v);
		/*
		 * A second tag would take the frame from the VLAN the first
		 * names to another, past the switch that takes the first off
		 * (VLAN hopping), and hide its own type behind it: stacked
		 * tags are never let out, whatever the rule grants.
		 */
		if (type == TPID_8021Q || type == TPID_8021AD ||
		    type == TPID_9100)
			return RELAY_BAD_TYPE;
	}
	if (len > max)
		return RELAY_BAD_SIZE;
	if (c->type_ok == NULL || !c->type_ok(c->type_arg, type))
		return RELAY_BAD_TYPE;
	if (!c->spoof && memcmp(frame + 6, c->mac, sizeof(c->mac)) != 0)
		return RELAY_BAD_SRC;
	return RELAY_OK;
}

/*
 * One direction: frames received into buf by rm[], and those of them to
 * be sent, sm[off..n), pointing into the same slots or, from the ring,
 * into its held block: then a frame whose tag the kernel took off is three
 * pieces, siov[3 * i ...], the tag between them in tag[i].
 */
struct side {
	uint8_t		*buf;		/* RELAY_BATCH slots of SLOT bytes */
	struct mmsghdr	 rm[RELAY_BATCH];
	struct iovec	 riov[RELAY_BATCH];
	struct mmsghdr	 sm[RELAY_BATCH];
	struct iovec	 siov[3 * RELAY_BATCH];
	uint8_t		 tag[RELAY_BATCH][4];
	unsigned	 n, off;
};

struct relay {
	const struct relay_conf *c;
	struct relay_stats *st;
	struct side	 down;		/* wire to program */
	struct side	 up;		/* program to wire */
	uint8_t		*aux;		/* RELAY_BATCH control buffers */
	int		 auxdata;	/* PACKET_AUXDATA is on */
	struct ring	 ring;		/* with ring.map, frames come from it... */
	int		 queued;	/* ...once those queued before it are read */
	int		 prog_rd;	/* the program may still write to us */
	int		 prog_wr;	/* the program may still read from us */
	int		 hup;		/* the program's end is closed */
	unsigned	 tries;		/* ENOBUFS on up.sm[up.off] so far */
	struct timespec	 retry_at;	/* and when to try it again */
};

static int
sock_domain(int fd)
{
	socklen_t len = sizeof(int);
	int v;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1)
		return -1;
	return v;
}

static int
set_nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if (fl & O_NONBLOCK)
		return 0;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Reads and clears a socket's pending error: 0 when there is none. */
static int
sock_error(int fd)
{
	socklen_t len = sizeof(int);
	int v = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) == -1)
		return errno;
	return v;
}

/* Milliseconds from now until t, rounded up, at least 0. */
static int
ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(t->tv_sec - now.tv_sec) * 1000000000LL +
	    (t->tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	return (int)((ns + 999999) / 1000000);
}

static void
side_init(struct side *s, uint8_t *buf, size_t off, uint8_t *aux)
{
	unsigned i;

	s->buf = buf;
	for (i = 0; i < RELAY_BATCH; i++) {
		s->riov[i].iov_base = buf + (size_t)i * SLOT + off;
		s->riov[i].iov_len = RELAY_FRAME_MAX;
		s->rm[i].msg_hdr.msg_iov = &s->riov[i];
		s->rm[i].msg_hdr.msg_iovlen = 1;
		if (aux != NULL)
			s->rm[i].msg_hdr.msg_control = aux + (size_t)i *
			    AUX_SPACE;
		s->sm[i].msg_hdr.msg_iov = &s->siov[3 * i];
		s->sm[i].msg_hdr.msg_iovlen = 1;
	}
}

/* Adds a frame of len bytes at p to what s has to send. */
static void
side_add(struct side *s, uint8_t *p, size_t len)
{
	s->siov[3 * s->n].iov_base = p;
	s->siov[3 * s->n].iov_len = len;
	s->sm[s->n].msg_hdr.msg_iovlen = 1;
	s->n++;
}

/* The same for a frame in the ring, whose tag the kernel may have taken. */
static void
side_add_ring(struct side *s, const struct ring_frame *f)
{
	struct iovec *v = &s->siov[3 * s->n];
	uint16_t w;

	/* The ring is only read from: the iovec's pointer is not const. */
	v[0].iov_base = (void *)(uintptr_t)f->data;
	v[0].iov_len = f->caplen;
	s->sm[s->n].msg_hdr.msg_iovlen = 1;
	if (f->vlan_valid && f->caplen >= 12) {
		w = htobe16(f->vlan_tpid);
		memcpy(s->tag[s->n], &w, 2);
		w = htobe16(f->vlan_tci);
		memcpy(s->tag[s->n] + 2, &w, 2);
		v[0].iov_len = 12;
		v[1].iov_base = s->tag[s->n];
		v[1].iov_len = 4;
		v[2].iov_base = (void *)(uintptr_t)(f->data + 12);
		v[2].iov_len = f->caplen - 12;
		s->sm[s->n].msg_hdr.msg_iovlen = 3;
	}
	s->n++;
}

/*
 * The 802.1Q tag the kernel took off a received frame, from its
 * PACKET_AUXDATA: 1 and *tag (TPID, TCI, network order) when there was one.
 */
static int
stripped_tag(struct msghdr *m, uint8_t tag[4])
{
	struct tpacket_auxdata aux;
	struct cmsghdr *cm;
	uint16_t v;

	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA ||
		    cm->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID))
			return 0;
		v = htobe16((aux.tp_status & TP_STATUS_VLAN_TPID_VALID) &&
		    aux.tp_vlan_tpid != 0 ? aux.tp_vlan_tpid : TPID_8021Q);
		memcpy(tag, &v, 2);
		v = htobe16(aux.tp_vlan_tci);
		memcpy(tag + 2, &v, 2);
		return 1;
	}
	return 0;
}

/*
 * Reads a batch from the packet socket into r->down, restoring stripped
 * tags.  Returns the number of frames read (0: none was waiting; 1 after
 * EINTR), or -1.
 */
static int
recv_wire(struct relay *r)
{
	struct side *s = &r->down;
	struct msghdr *m;
	uint8_t tag[4], *p;
	size_t len;
	int i, k;

	for (i = 0; i < RELAY_BATCH; i++)
		if (r->auxdata)
			s->rm[i].msg_hdr.msg_controllen = AUX_SPACE;
	k = recvmmsg(r->c->pktfd, s->rm, RELAY_BATCH, MSG_DONTWAIT | MSG_TRUNC,
	    NULL);
	if (k == -1) {
		if (errno == EINTR)
			return 1;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
	s->n = s->off = 0;
	for (i = 0; i < k; i++) {
		m = &s->rm[i].msg_hdr;
		len = s->rm[i].msg_len;
		r->st->wire_in++;
		r->st->wire_in_bytes += len;
		p = s->buf + (size_t)i * SLOT + TAGROOM;
		if (r->auxdata && len >= 12 && stripped_tag(m, tag)) {
			memmove(p - TAGROOM, p, 12);
			p -= TAGROOM;
			memcpy(p + 12, tag, 4);
			len += 4;
		}
		if ((m->msg_flags & MSG_TRUNC) || len > RELAY_FRAME_MAX) {
			r->st->too_long_wire++;
			continue;
		}
		side_add(s, p, len);
	}
	return k;
}

/*
 * Takes a batch of frames from the ring into r->down.  They are sent from
 * the held block, which goes back to the kernel only once none of its
 * frames waits to be sent.  A frame the ring cut short (longer than its
 * blocks hold) or over RELAY_FRAME_MAX is dropped and counted.  Returns
 * the number of frames taken (0: the kernel still fills the next block).
 */
static int
recv_ring(struct relay *r)
{
	struct side *s = &r->down;
	struct ring_frame f;
	uint64_t len;
	int k = 0;

	s->n = s->off = 0;
	while (s->n < RELAY_BATCH && ring_block_next(&r->ring) == 1) {
		if (ring_frame_next(&r->ring, &f) == 0) {
			if (s->n > 0)
				break;
			ring_block_done(&r->ring);
			continue;
		}
		k++;
		r->st->wire_in++;
		r->st->wire_in_bytes += f.len;
		len = (uint64_t)f.len + (f.vlan_valid ? 4 : 0);
		if (f.caplen < f.len || len > RELAY_FRAME_MAX) {
			r->st->too_long_wire++;
			continue;
		}
		side_add_ring(s, &f);
	}
	return k;
}

/*
 * Reads frames from the wire: from the ring, once what was queued on the
 * socket before it is read, else from the socket.  As recv_wire().
 */
static int
recv_down(struct relay *r)
{
	int k;

	if (r->ring.map == NULL || r->queued) {
		k = recv_wire(r);
		if (k != 0 || r->ring.map == NULL)
			return k;
		r->queued = 0;
	}
	return recv_ring(r);
}

/* Whether the program has shut down its writing side (or closed). */
static int
prog_shut(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP));
}

/*
 * Reads a batch of the program's frames into r->up and keeps those that
 * relay_check() passes.  At the end of the program's writes a SOCK_SEQPACKET
 * socket returns empty messages, as many as asked for: the first empty
 * message with nothing but empty ones after it, when the program has shut
 * its side, is that end (an empty message is no frame anyway).  Returns
 * the number of messages read (or 1 after a change of state), 0 when
 * none was waiting, or -1.
 */
static int
recv_prog(struct relay *r)
{
	struct side *s = &r->up;
	uint8_t *p;
	size_t len;
	int i, j, k;

	k = recvmmsg(r->c->progfd, s->rm, RELAY_BATCH,
	    MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (k == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		/* It closed with frames unread: said once, read on. */
		if (errno == ECONNRESET)
			return 1;
		return -1;
	}
	s->n = s->off = 0;
	for (i = 0; i < k; i++) {
		len = s->rm[i].msg_len;
		if (len == 0) {
			for (j = i + 1; j < k && s->rm[j].msg_len == 0; j++)
				;
			if (j == k && prog_shut(r->c->progfd)) {
				r->prog_rd = 0;
				break;
			}
		}
		r->st->prog_in++;
		r->st->prog_in_bytes += len;
		p = s->buf + (size_t)i * SLOT;
		if ((s->rm[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    len > RELAY_FRAME_MAX) {
			r->st->bad_size++;
			continue;
		}
		switch (relay_check(r->c, p, len)) {
		case RELAY_OK:
			side_add(s, p, len);
			break;
		case RELAY_BAD_TYPE:
			r->st->bad_type++;
			break;
		case RELAY_BAD_SRC:
			r->st->bad_src++;
			break;
		case RELAY_BAD_SIZE:
			r->st->bad_size++;
			break;
		case RELAY_SEND_OFF:
			r->st->send_off++;
			break;
		}
	}
	return k;
}

/* The program reads no more: what waits for it is dropped. */
static void
prog_gone(struct relay *r)
{
	r->prog_wr = 0;
	r->st->unread += r->down.n - r->down.off;
	r->down.n = r->down.off = 0;
}

/*
 * Sends what waits for the program.  Returns 0 (all sent, or the socket
 * is full: poll for POLLOUT) or -1.
 */
static int
flush_down(struct relay *r)
{
	struct side *s = &r->down;
	int k;

	while (s->off < s->n) {
		k = sendmmsg(r->c->progfd, s->sm + s->off, s->n - s->off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (k > 0) {
			s->off += (unsigned)k;
			r->st->prog_out += (unsigned)k;
			continue;
		}
		if (k == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EPIPE || errno == ECONNRESET ||
		    errno == ENOTCONN) {
			prog_gone(r);
			return 0;
		}
		/* This one frame refused (too large for its buffer, memory). */
		if (errno == EMSGSIZE || errno == ENOBUFS || errno == ENOMEM) {
			r->st->unread++;
			s->off++;
			continue;
		}
		return -1;
	}
	s->n = s->off = 0;
	return 0;
}

/*
 * Sends what waits for the wire.  ENOBUFS (a full queue below the socket,
 * which POLLOUT does not show) is retried after a pause that doubles, then
 * the frame is dropped; a frame the kernel refuses as such (EMSGSIZE, the
 * interface down) is dropped.  Returns 0 (all sent, or waiting: POLLOUT,
 * or the pause) or -1.
 */
static int
flush_up(struct relay *r)
{
	struct side *s = &r->up;
	unsigned i;
	int k;

	if (r->tries > 0 && ms_until(&r->retry_at) > 0)
		return 0;
	while (s->off < s->n) {
		k = sendmmsg(r->c->pktfd, s->sm + s->off, s->n - s->off,
		    MSG_DONTWAIT);
		if (k > 0) {
			for (i = s->off; i < s->off + (unsigned)k; i++)
				r->st->wire_out_bytes += s->siov[3 * i].iov_len;
			s->off += (unsigned)k;
			r->st->wire_out += (unsigned)k;
			r->tries = 0;
			continue;
		}
		if (k == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		switch (errno) {
		case EINTR:
			continue;
		case ENOBUFS:
			if (r->tries < RETRY_MAX) {
				clock_gettime(CLOCK_MONOTONIC, &r->retry_at);
				r->retry_at.tv_nsec += 1000000L << r->tries;
				if (r->retry_at.tv_nsec >= 1000000000L) {
					r->retry_at.tv_sec++;
					r->retry_at.tv_nsec -= 1000000000L;
				}
				r->tries++;
				return 0;
			}
			break;
		case EBADF: case ENOTSOCK: case EFAULT: case EDESTADDRREQ:
		case EOPNOTSUPP:
			return -1;
		default:
			break;
		}
		r->st->send_err++;
		s->off++;
		r->tries = 0;
	}
	s->n = s->off = 0;
	return 0;
}

static void
kernel_drops(struct relay *r)
{
	struct tpacket_stats ks;
	socklen_t len = sizeof(ks);

	if (r->ring.map != NULL) {
		if (ring_stats(&r->ring) == 0)
			r->st->kernel_drops += r->ring.drops;
		return;
	}
	if (sock_domain(r->c->pktfd) == AF_PACKET &&
	    getsockopt(r->c->pktfd, SOL_PACKET, PACKET_STATISTICS, &ks,
	    &len) == 0)
		r->st->kernel_drops += ks.tp_drops;
}

/*
 * Makes fd's buffer (opt: SO_SNDBUF or SO_RCVBUF) hold at least want
 * bytes, or as much as the kernel allows without privilege (it doubles
 * what it is asked, up to net.core.wmem_max or rmem_max).  Never fails:
 * the default is only slower.
 */
static void
grow_buf(int fd, int opt, int want)
{
	socklen_t len = sizeof(int);
	int cur, half = want / 2;

	if (getsockopt(fd, SOL_SOCKET, opt, &cur, &len) == 0 && cur >= want)
		return;
	(void)setsockopt(fd, SOL_SOCKET, opt, &half, sizeof(half));
}

/* One poll(2) for what the state waits on.  Returns 0 or -1. */
static int
wait_io(struct relay *r)
{
	struct pollfd pfd[2];
	int timeout = -1, e, backoff;

	backoff = r->tries > 0 && r->up.off < r->up.n;
	pfd[0].fd = r->c->pktfd;
	pfd[0].events = 0;
	if (r->down.n == 0 && r->prog_wr)
		pfd[0].events |= POLLIN;
	if (r->up.off < r->up.n && !backoff)
		pfd[0].events |= POLLOUT;
	pfd[1].fd = r->c->progfd;
	pfd[1].events = 0;
	if (r->up.n == 0 && r->prog_rd)
		pfd[1].events |= POLLIN | POLLRDHUP;
	if (r->down.off < r->down.n)
		pfd[1].events |= POLLOUT;
	/* Closed and nothing asked of it: POLLHUP would come back at once. */
	if (r->hup && pfd[1].events == 0)
		pfd[1].fd = -1;
	if (backoff)
		timeout = ms_until(&r->retry_at);
	if (poll(pfd, 2, timeout) == -1)
		return errno == EINTR ? 0 : -1;
	if ((pfd[0].revents | pfd[1].revents) & POLLNVAL) {
		errno = EBADF;
		return -1;
	}
	if ((pfd[0].revents & POLLERR) && (e = sock_error(r->c->pktfd))) {
		errno = e;
		return -1;
	}
	if (pfd[1].revents & POLLERR)
		(void)sock_error(r->c->progfd);
	if (pfd[1].revents & POLLHUP) {
		r->hup = 1;
		if (r->prog_wr)
			prog_gone(r);
	}
	return 0;
}

int
relay_run(const struct relay_conf *c, struct relay_stats *st)
{
	struct relay *r;
	uint8_t *buf;
	int one = 1, k, got, saved, rc = -1;

	if (c->send != RELAY_SEND_IFACE && c->send != RELAY_SEND_NO) {
		errno = EINVAL;
		return -1;
	}
	if (set_nonblock(c->pktfd) == -1 || set_nonblock(c->progfd) == -1)
		return -1;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	if ((buf = malloc(2 * RELAY_BATCH * SLOT)) == NULL ||
	    (r->aux = calloc(RELAY_BATCH, AUX_SPACE)) == NULL)
		goto out;
	r->c = c;
	r->st = st;
	r->prog_rd = r->prog_wr = 1;
	if (sock_domain(c->pktfd) == AF_PACKET) {
		if (ring_setup(&r->ring, c->pktfd, c->ring_block > 0 ?
		    c->ring_block : RELAY_RING_BLOCK, c->ring_blocks > 0 ?
		    c->ring_blocks : RELAY_RING_BLOCKS, RING_RETIRE_MS) == 0)
			r->queued = 1;
		else
			grow_buf(c->pktfd, SO_RCVBUF, PKT_RCVBUF);
		/* For the frames read from the socket itself. */
		if (setsockopt(c->pktfd, SOL_PACKET, PACKET_AUXDATA, &one,
		    sizeof(one)) == 0)
			r->auxdata = 1;
	}
	grow_buf(c->progfd, SO_SNDBUF, PROG_SNDBUF);
	side_init(&r->down, buf, TAGROOM, r->auxdata ? r->aux : NULL);
	side_init(&r->up, buf + RELAY_BATCH * SLOT, 0, NULL);
	/*
	 * Ready: no frame that arrives from now on is lost to a late ring.
	 * Should the hello not go, the relay ends, and its end closes.
	 */
	if (c->hello && send(c->progfd, "", 1, MSG_NOSIGNAL) == -1)
		goto out;

	for (;;) {
		if (flush_down(r) == -1 || flush_up(r) == -1)
			goto out;
		if (!r->prog_rd && !r->prog_wr && r->up.n == 0)
			break;
		got = 0;
		if (r->down.n == 0 && r->prog_wr) {
			if ((k = recv_down(r)) == -1)
				goto out;
			got += k;
		}
		if (r->up.n == 0 && r->prog_rd) {
			if ((k = recv_prog(r)) == -1)
				goto out;
			got += k;
		}
		if (got == 0 && wait_io(r) == -1)
			goto out;
	}
	kernel_drops(r);
	rc = 0;
out:
	saved = errno;
	ring_close(&r->ring);
	free(buf);
	free(r->aux);
	free(r);
	errno = saved;
	return rc;
}

int
relay_fd(int fd)
{
	socklen_t len;
	int v;

	if (fcntl(fd, F_GETFD) == -1)
		return -1;
	if (sock_domain(fd) != AF_UNIX)
		return 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1)
		return 0;
	return v == SOCK_SEQPACKET;
}

pid_t
relay_fork(int *middle)
{
	/*
	 * The middle process says the relay's pid in a shared page, not a
	 * pipe: no fd is needed, so a caller near RLIMIT_NOFILE can fork.
	 */
	struct msg {
		pid_t	pid;
		int	err;
		int	done;
	} *msg;
	pid_t mid, pid;
	int status, saved;

	msg = mmap(NULL, sizeof(*msg), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (msg == MAP_FAILED)
		return -1;
	msg->done = 0;
	*middle = 0;
	if ((mid = fork()) == -1) {
		saved = errno;
		(void)munmap(msg, sizeof(*msg));
		errno = saved;
		return -1;
	}
	if (mid == 0) {
		/* Not written to the page in the relay, which shares it. */
		if ((pid = fork()) == 0) {
			(void)munmap(msg, sizeof(*msg));
			return 0;
		}
		msg->pid = pid;
		msg->err = pid == -1 ? errno : 0;
		msg->done = 1;
		/* Its caller ends it at once. */
		*middle = 1;
		return 0;
	}
	while (waitpid(mid, &status, 0) == -1 && errno == EINTR)
		;
	pid = msg->pid;
	saved = msg->done ? msg->err : EIO;
	(void)munmap(msg, sizeof(*msg));
	if (saved != 0 || pid <= 0) {
		errno = saved != 0 ? saved : EIO;
		return -1;
	}
	return pid;
}

#define RELAY_NAME	"fdcap-relay/"

int
relay_bind(int fd, const struct relay_peer *p)
{
	struct sockaddr_un sun;
	uint64_t nonce;
	int n, tries;

	if (p->ifname[0] == '\0' || strchr(p->ifname, '/') != NULL ||
	    memchr(p->ifname, '\0', sizeof(p->ifname)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * A name nobody can guess, so nobody can take it first: the
	 * abstract namespace is shared by the whole network namespace.
	 */
	for (tries = 0; tries < 4; tries++) {
		if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
			return -1;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		    RELAY_NAME "%s/0x%04x/%02x:%02x:%02x:%02x:%02x:%02x/%u/"
		    "%016jx", p->ifname, p->type, p->mac[0], p->mac[1],
		    p->mac[2], p->mac[3], p->mac[4], p->mac[5], p->mtu,
		    (uintmax_t)nonce);
		if (n < 0 || (size_t)n >= sizeof(sun.sun_path) - 1) {
			errno = EINVAL;
			return -1;
		}
		if (bind(fd, (struct sockaddr *)&sun, (socklen_t)(offsetof(
		    struct sockaddr_un, sun_path) + 1 + (size_t)n)) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

int
relay_peer(int fd, struct relay_peer *p)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	char name[sizeof(sun.sun_path)], *f[6], *q, *end;
	unsigned long v;
	size_t n, i;
	unsigned m[6];
	char c;

	memset(&sun, 0, sizeof(sun));
	if (getpeername(fd, (struct sockaddr *)&sun, &len) == -1)
		return -1;
	n = len > offsetof(struct sockaddr_un, sun_path) ?
	    len - offsetof(struct sockaddr_un, sun_path) : 0;
	if (sun.sun_family != AF_UNIX || n < 1 + sizeof(RELAY_NAME) - 1 ||
	    sun.sun_path[0] != '\0' || memcmp(sun.sun_path + 1, RELAY_NAME,
	    sizeof(RELAY_NAME) - 1) != 0) {
		errno = ENOENT;
		return -1;
	}
	n -= 1 + sizeof(RELAY_NAME) - 1;
	memcpy(name, sun.sun_path + 1 + sizeof(RELAY_NAME) - 1, n);
	name[n] = '\0';
	errno = EPROTO;
	if (memchr(name, '\0', n) != NULL)
		return -1;
	/* IFACE/0xTYPE/MAC/MTU/NONCE */
	for (q = name, i = 0; i < 6; i++) {
		f[i] = q;
		if ((q = strchr(q, '/')) == NULL)
			break;
		*q++ = '\0';
	}
	if (i != 4 || f[0][0] == '\0' || strlen(f[0]) >= sizeof(p->ifname))
		return -1;
	memset(p, 0, sizeof(*p));
	strlcpy(p->ifname, f[0], sizeof(p->ifname));
	if (strncmp(f[1], "0x", 2) != 0 || strlen(f[1]) != 6 ||
	    (v = strtoul(f[1] + 2, &end, 16), *end != '\0'))
		return -1;
	p->type = (uint16_t)v;
	if (strlen(f[2]) != 17 || sscanf(f[2], "%2x:%2x:%2x:%2x:%2x:%2x%c",
	    &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &c) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		p->mac[i] = (uint8_t)m[i];
	if (f[3][0] < '0' || f[3][0] > '9' ||
	    (v = strtoul(f[3], &end, 10), *end != '\0') || v > 65535)
		return -1;
	p->mtu = (unsigned)v;
	errno = 0;
	return 0;
}

/* Closes every fd in [lo, hi]. */
static void
close_span(unsigned lo, unsigned hi)
{
	struct rlimit rl;
	unsigned fd;

	if (lo > hi)
		return;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= hi)
		hi = (unsigned)rl.rlim_cur - 1;
	else if (hi > 65535)
		hi = 65535;
	for (fd = lo; fd <= hi && fd >= lo; fd++)
		(void)close((int)fd);
}

int
relay_isolate(const int *keep, size_t nkeep)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGHUP, SIGPIPE };
	struct sigaction sa;
	sigset_t none;
	unsigned lo, next;
	size_t i;
	int fd, found;

	for (i = 0; i < nkeep; i++) {
		if (keep[i] < 3) {
			errno = EINVAL;
			return -1;
		}
		if (fcntl(keep[i], F_GETFD) == -1)
			return -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	/* From 3 up, the gaps between the kept fds (in any order). */
	for (lo = 3;;) {
		found = 0;
		next = 0;
		for (i = 0; i < nkeep; i++)
			if ((unsigned)keep[i] >= lo &&
			    (!found || (unsigned)keep[i] < next)) {
				next = (unsigned)keep[i];
				found = 1;
			}
		if (!found) {
			close_span(lo, ~0U);
			break;
		}
		if (next > lo)
			close_span(lo, next - 1);
		lo = next + 1;
	}
	/* After the closing, so that it fits under any RLIMIT_NOFILE. */
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if ((fd != 0 && dup2(fd, 0) == -1) || (fd != 1 && dup2(fd, 1) == -1))
		return -1;
	if (fd > 2)
		close(fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (sigaction(ignored[i], &sa, NULL) == -1)
			return -1;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Appends to buf what fmt says, as far as it fits. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

/* One part of a list: ", N what", or "N what" first. */
static void
item(char *buf, size_t len, size_t *off, int *first, uint64_t n,
    const char *what)
{
	if (n == 0)
		return;
	append(buf, len, off, "%s%llu %s", *first ? "" : ", ",
	    (unsigned long long)n, what);
	*first = 0;
}

int
relay_summary(const struct relay_stats *st, char *buf, size_t len)
{
	char toolong[32];
	uint64_t out, in;
	size_t off = 0;
	int first, any = 0;

	if (len > 0)
		buf[0] = '\0';
	out = st->bad_type + st->bad_src + st->bad_size + st->send_off +
	    st->send_err;
	in = st->too_long_wire + st->unread;
	if (out > 0) {
		append(buf, len, &off, "%llu frame%s dropped: ",
		    (unsigned long long)out, out == 1 ? "" : "s");
		first = 1;
		item(buf, len, &off, &first, st->bad_type, "wrong ethertype");
		item(buf, len, &off, &first, st->bad_src,
		    "foreign source address");
		item(buf, len, &off, &first, st->bad_size, "wrong length");
		item(buf, len, &off, &first, st->send_off, "under send=no");
		item(buf, len, &off, &first, st->send_err,
		    "refused by the kernel");
		any = 1;
	}
	if (in > 0) {
		append(buf, len, &off, "%s%llu received frame%s not "
		    "delivered: ", any ? "; " : "", (unsigned long long)in,
		    in == 1 ? "" : "s");
		first = 1;
		snprintf(toolong, sizeof(toolong), "over %u bytes",
		    (unsigned)RELAY_FRAME_MAX);
		item(buf, len, &off, &first, st->too_long_wire, toolong);
		item(buf, len, &off, &first, st->unread,
		    "not read by the program");
		any = 1;
	}
	if (st->kernel_drops > 0) {
		append(buf, len, &off, "%s%llu frame%s dropped by the kernel",
		    any ? "; " : "", (unsigned long long)st->kernel_drops,
		    st->kernel_drops == 1 ? "" : "s");
		any = 1;
	}
	if (!any)
		append(buf, len, &off, "nothing dropped");
	return any;
}
