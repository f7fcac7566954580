/*
 * ethrecv: frames from the wire to stdout, or to a program per frame.
 *
 *	ethrecv [-pU] [-B size] [-c count] [-F filter] [-Q in|out|inout]
 *	    [-S fd] [-t seconds] [-w pcap|text|hex|payload] [iface ethertype]
 *	ethrecv -e [-p] [-B size] [-c count] [-F filter] [-j jobs]
 *	    [-S fd] [-T seconds] [-t seconds] [iface ethertype] -- prog [arg ...]
 *
 * The socket is the one handed over (-S, or LISTEN_FDS from rawopen or
 * fdrecv), or one opened here on iface for ethertype.  Frames come off a
 * TPACKET_V3 ring a block at a time and leave as whole records in large
 * writes, so that what has been written is always a valid capture.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <endian.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eth.h"
#include "fdcap.h"
#include "filter.h"
#include "listenfd.h"
#include "pcapio.h"
#include "priv.h"
#include "rawsock.h"
#include "relay.h"
#include "ring.h"
#include "textio.h"

#define OUTBUF_SIZE	(1U << 20)	/* holds a block's records, or a hex line */
#define OUT_IOV		1024	/* pieces per writev(2): IOV_MAX */
#define COPY_MAX	512	/* longer frames leave straight from the ring */
#define PIPE_WANT	(1U << 20)	/* F_SETPIPE_SZ on a stdout pipe */
#define RETIRE_MS	10		/* block retire timeout */
#define RETIRE_MS_U	1		/* the same under -U */
#define JOBS_DEFAULT	1
#define HTIMEOUT_DEFAULT 10
#define RELAYED_BATCH	64	/* messages per recvmmsg(2) on a relayed fd */
/* A relayed frame's buffer: the longest the relay carries, and more. */
#define RELAYED_BUF	(RELAY_FRAME_MAX + 64)

enum fmt { FMT_PCAP, FMT_TEXT, FMT_HEX, FMT_PAYLOAD };

/* Direction: which of PACKET_OUTGOING and the rest to keep. */
#define DIR_IN	1
#define DIR_OUT	2

/*
 * The output: whole records gathered in buf and written in large chunks.
 * A long frame is not copied into buf: its record header is, and the
 * frame is written from the ring, a piece of iov that points into the
 * held block; such pieces are written before the block is given back.
 */
struct out {
	int		 fd;
	uint8_t		*buf;
	size_t		 len, size;
	size_t		 mark;		/* buf[mark, len) is not in iov yet */
	struct iovec	*iov;		/* pieces of buf and of the ring */
	int		 niov;
	off_t		 good;		/* a regular file: its valid length */
	int		 regular;
	int		 nonblock;	/* a write may say EAGAIN: out_wait() */
	int		 sock;		/* fd is a socket: sendmsg(2) */
	const sigset_t	*waitmask;	/* what ppoll(2) lets through */
	const struct timespec *end;	/* -t, or NULL */
};

/* One running frame handler (-e). */
struct handler {
	pid_t		 pid;		/* 0: the slot is free */
	int		 pidfd;
	int		 out;		/* its stdout, or -1 at end of file */
	uint8_t		*reply;		/* room for a frame of maxframe bytes */
	size_t		 rlen;		/* reply payload bytes so far */
	int		 overflow;	/* it wrote more than fits */
	int		 killed;	/* we killed it at its deadline */
	struct timespec	 deadline;
	uint64_t	 num;		/* the frame it serves */
	struct eth_hdr	 req;
	int		 ifindex;
};

/* Everything the loops share. */
struct ethrecv {
	int		 fd;		/* the packet socket */
	struct ring	 r;
	const char	*name;		/* the interface, for messages */
	enum fmt	 fmt;
	int		 dir;
	int		 unbuffered;	/* -U */
	uint64_t	 count;		/* -c; 0: no limit */
	int		 seconds;	/* -t; 0: no limit */
	struct timespec	 end;
	uint32_t	 snaplen;
	uint8_t		*frame;		/* scratch: one frame, tag restored */
	struct out	 o;
	uint64_t	 frames;	/* frames received (written or served) */
	uint64_t	 truncated;
	/* A relayed fd (rawopen's send=iface or send=no): no ring. */
	int		 relayed;
	uint8_t		*rbuf;		/* RELAYED_BATCH frames */
	struct mmsghdr	*rmsg;
	struct iovec	*riov;
	/* -e */
	char		**prog;
	int		 jobs;
	int		 htimeout;
	struct handler	*h;
	size_t		 maxframe;
	uint64_t	 replies, failed;
	struct eth_if	 ifc;		/* cache of the last interface seen */
};

static volatile sig_atomic_t stop;
/* What a handler must inherit: the mask and SIGPIPE as ethrecv found them. */
static sigset_t origmask;
static struct sigaction origpipe;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: ethrecv [-pU] [-B size] [-c count] [-F filter] "
	    "[-Q in|out|inout]\n"
	    "               [-S fd] [-t seconds] [-w pcap|text|hex|payload] "
	    "[iface ethertype]\n"
	    "       ethrecv -e [-p] [-B size] [-c count] [-F filter] "
	    "[-j jobs] [-S fd]\n"
	    "               [-T seconds] [-t seconds] [iface ethertype] "
	    "-- prog [arg ...]\n");
	exit(EXIT_USAGE);
}

static volatile sig_atomic_t nsignals;	/* how many arrived */

static void
onsignal(int sig)
{
	stop = sig;
	nsignals++;
}

/*
 * A SIGINT or SIGTERM waiting while they are blocked, taken: under a
 * flood the capture loop goes from block to block without a ppoll(2) in
 * which they could arrive.
 */
static void
take_pending(void)
{
	static const struct timespec zero;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if ((sig = sigtimedwait(&set, NULL, &zero)) > 0)
		onsignal(sig);
}

/* A number in [min, max], or a usage error naming the option. */
static long long
number(int opt, const char *s, long long min, long long max)
{
	const char *errstr;
	long long v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		errx(EXIT_USAGE, "-%c %s: %s", opt, s, errstr);
	return v;
}

/*
 * A size for -B: a number with an optional k, m or g (powers of 1024),
 * from 16 KiB to 1 GiB.
 */
static size_t
parse_size(const char *s)
{
	char digits[32];
	size_t n = strlen(s), mult = 1;
	long long v;

	if (n == 0 || n >= sizeof(digits))
		errx(EXIT_USAGE, "-B %s: invalid", s);
	memcpy(digits, s, n + 1);
	switch (digits[n - 1]) {
	case 'k': case 'K':
		mult = 1U << 10;
		break;
	case 'm': case 'M':
		mult = 1U << 20;
		break;
	case 'g': case 'G':
		mult = 1U << 30;
		break;
	}
	if (mult != 1)
		digits[n - 1] = '\0';
	v = strtonum(digits, 1, LLONG_MAX, NULL);
	if (v > 0 && v > (1LL << 30) / (long long)mult)
		errx(EXIT_USAGE, "-B %s: too large (at most 1g)", s);
	v = number('B', digits, 1, (1LL << 30) / (long long)mult);
	if ((size_t)v * mult < (16U << 10))
		errx(EXIT_USAGE, "-B %s: too small (at least 16k)", s);
	return (size_t)v * mult;
}

/* The ring's geometry for a total of size bytes: blocks of <= 1 MiB. */
static void
geometry(size_t size, size_t *bsize, unsigned *bnr)
{
	size_t b = RING_BLOCK_DEFAULT;

	while (b > 4096 && b * 4 > size)
		b /= 2;
	*bsize = b;
	*bnr = (unsigned)(size / b);
}

static void
ts_add(struct timespec *t, int sec)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += sec;
}

/* Milliseconds from now until t, at least 0. */
static long long
ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(t->tv_sec - now.tv_sec) * 1000 +
	    (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms + 1;
}

/* The smaller of a timeout in ms (-1: none) and the time until t. */
static long long
sooner(long long ms, const struct timespec *t)
{
	long long m = ms_until(t);

	return ms < 0 || m < ms ? m : ms;
}

/*
 * Prints the summary line; -e adds its handler counts, and any frame cut
 * short by the ring is counted, never silently.
 */
static void
summary(struct ethrecv *e)
{
	char extra[128] = "";

	if (e->relayed) {
		if (e->truncated > 0)
			snprintf(extra, sizeof(extra), ", %llu truncated to "
			    "%u bytes", (unsigned long long)e->truncated,
			    e->snaplen);
		fprintf(stderr, "ethrecv: %llu frames received (kernel drops "
		    "are counted by rawopen's relay)%s\n",
		    (unsigned long long)e->frames, extra);
		return;
	}
	if (e->r.map != NULL)
		(void)ring_stats(&e->r);
	if (e->prog != NULL)
		snprintf(extra, sizeof(extra), ", %llu replies sent, "
		    "%llu handlers failed", (unsigned long long)e->replies,
		    (unsigned long long)e->failed);
	if (e->truncated > 0)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    ", %llu truncated to %u bytes",
		    (unsigned long long)e->truncated, e->snaplen);
	fprintf(stderr, "%llu frames received, %llu dropped by kernel%s\n",
	    (unsigned long long)e->frames, (unsigned long long)e->r.drops,
	    extra);
}

/* Ends the piece of buf that grows: what follows goes in another piece. */
static void
out_cut(struct out *o)
{
	if (o->len > o->mark) {
		o->iov[o->niov].iov_base = o->buf + o->mark;
		o->iov[o->niov].iov_len = o->len - o->mark;
		o->niov++;
		o->mark = o->len;
	}
}

/*
 * Waits until o->fd takes more, with SIGINT and SIGTERM let through: a
 * reader that has stopped reading holds nothing up but the output.
 * Returns 0, or -1 with errno EINTR (a signal came after the flush began,
 * at sigs), ETIMEDOUT (-t passed, when it had not yet at the start), EPIPE
 * (the reader is gone) or poll's.
 */
static int
out_wait(struct out *o, sig_atomic_t sigs, int late)
{
	struct pollfd p;
	struct timespec ts, *tsp;
	long long ms;

	for (;;) {
		if (nsignals != sigs) {
			errno = EINTR;
			return -1;
		}
		tsp = NULL;
		if (o->end != NULL && !late) {
			if ((ms = ms_until(o->end)) == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000;
			tsp = &ts;
		}
		p.fd = o->fd;
		p.events = POLLOUT;
		p.revents = 0;
		if (ppoll(&p, 1, tsp, o->waitmask) == -1) {
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
 * One write of up to cnt pieces: writev(2), or sendmsg(2) to a socket.
 * An output that blocks (a pipe /proc could not reopen, a terminal) is
 * written with SIGINT and SIGTERM let through, so that a stalled reader
 * does not keep them out: the write then fails with EINTR, or returns
 * short.  (A signal between the check and the write is seen at the next
 * one, or when a second comes.)
 */
static ssize_t
out_write(const struct out *o, struct iovec *v, int cnt, sig_atomic_t sigs)
{
	struct msghdr m;
	sigset_t saved;
	ssize_t n;
	int e;

	if (!o->sock && (o->nonblock || o->regular || o->waitmask == NULL))
		return writev(o->fd, v, cnt);
	if (!o->sock) {
		if (sigprocmask(SIG_SETMASK, o->waitmask, &saved) == -1)
			return -1;
		if (nsignals != sigs) {
			n = -1;
			errno = EINTR;
		} else
			n = writev(o->fd, v, cnt);
		e = errno;
		(void)sigprocmask(SIG_SETMASK, &saved, NULL);
		errno = e;
		return n;
	}
	memset(&m, 0, sizeof(m));
	m.msg_iov = v;
	m.msg_iovlen = (size_t)cnt;
	return sendmsg(o->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/*
 * Writes out what is buffered, whole, retrying after signals and short
 * writes; when the output is full it waits in out_wait(), where a new
 * signal or the end of -t gives up.  Returns 0, or -1 with errno; a
 * regular file is then cut back to its last complete record, so that what
 * it holds stays a valid capture.
 */
static int
out_flush(struct out *o)
{
	struct iovec *v = o->iov;
	size_t done = 0, k;
	ssize_t n;
	sig_atomic_t sigs = nsignals;
	int cnt, saved, late;

	late = o->end != NULL && ms_until(o->end) == 0;
	out_cut(o);
	cnt = o->niov;
	while (cnt > 0) {
		n = out_write(o, v, cnt < OUT_IOV ? cnt : OUT_IOV, sigs);
		if (n == -1) {
			if (errno == EINTR && nsignals == sigs)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
			    o->nonblock && out_wait(o, sigs, late) == 0)
				continue;
			saved = errno;
			/* A file is cut back to its last whole record. */
			if (o->regular && done > 0 &&
			    ftruncate(o->fd, o->good) == -1) {
				/* The write's error is the one to report. */
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
	o->good += (off_t)done;
	o->len = o->mark = 0;
	o->niov = 0;
	return 0;
}

/* Ends the run on a failed flush: quietly when the reader has gone. */
static void __attribute__((noreturn))
out_fail(struct ethrecv *e)
{
	if (errno == EPIPE)
		exit(0);
	/* Stopped while the output would take nothing: a normal end. */
	if (errno == EINTR || errno == ETIMEDOUT) {
		summary(e);
		exit(0);
	}
	warn("write to stdout");
	summary(e);
	exit(EXIT_SYS);
}

/*
 * Room for n more bytes in the output buffer, and for two more pieces,
 * flushing first if needed.
 */
static uint8_t *
out_reserve(struct ethrecv *e, size_t n)
{
	/* out_init() sized it for the longest: this cannot happen. */
	if (n > e->o.size)
		errx(EXIT_SYS, "internal error: %zu bytes of output at once", n);
	if ((e->o.len + n > e->o.size || e->o.niov + 2 >= OUT_IOV) &&
	    out_flush(&e->o) == -1)
		out_fail(e);
	return e->o.buf + e->o.len;
}

/* n bytes at p, which stay valid until the next flush, as a piece. */
static void
out_ref(struct out *o, const uint8_t *p, size_t n)
{
	out_cut(o);
	o->iov[o->niov].iov_base = (void *)(uintptr_t)p;
	o->iov[o->niov].iov_len = n;
	o->niov++;
}

/*
 * Sets the output up: a pipe grows to PIPE_WANT (or what the system
 * allows) so that a block goes out in one write; a regular file's current
 * length is remembered so a failed write can be cut back.
 */
static void
out_init(struct ethrecv *e)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct stat st;
	off_t pos;
	int fd;

	e->o.fd = STDOUT_FILENO;
	e->o.size = OUTBUF_SIZE;
	/*
	 * Hex lines and payloads are copied whole: the longest frame the
	 * ring holds (a block, less its headers) must fit, and a hex line is
	 * twice its size.  pcap copies only frames up to COPY_MAX.
	 */
	if ((e->fmt == FMT_HEX || e->fmt == FMT_PAYLOAD) && e->o.size <
	    TEXTIO_HEXLINE_LEN((size_t)e->r.block_size + 4))
		e->o.size = TEXTIO_HEXLINE_LEN((size_t)e->r.block_size + 4);
	if ((e->o.buf = malloc(e->o.size)) == NULL ||
	    (e->o.iov = calloc(OUT_IOV, sizeof(*e->o.iov))) == NULL)
		err(EXIT_SYS, "malloc");
	if (fstat(e->o.fd, &st) == -1)
		err(EXIT_SYS, "stdout");
	e->o.end = e->seconds > 0 ? &e->end : NULL;
	if (S_ISFIFO(st.st_mode)) {
		if (fcntl(e->o.fd, F_GETPIPE_SZ) < (int)PIPE_WANT &&
		    fcntl(e->o.fd, F_SETPIPE_SZ, PIPE_WANT) == -1)
			(void)fcntl(e->o.fd, F_SETPIPE_SZ, 256 << 10);
		/*
		 * A pipe of its own that does not block (O_NONBLOCK on fd 1
		 * itself would reach whoever shares it): opened anew through
		 * /proc, it is the same pipe.  Without /proc, writes block.
		 */
		if ((fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK |
		    O_CLOEXEC)) != -1) {
			e->o.fd = fd;
			e->o.nonblock = 1;
		}
	} else if (S_ISSOCK(st.st_mode)) {
		/* Unconnected, it would poll as hung up: say so now. */
		sslen = sizeof(ss);
		if (getpeername(e->o.fd, (struct sockaddr *)&ss, &sslen) == -1)
			err(EXIT_SYS, "stdout");
		e->o.sock = e->o.nonblock = 1;
	} else if (S_ISREG(st.st_mode) &&
	    (pos = lseek(e->o.fd, 0, SEEK_CUR)) != -1) {
		e->o.regular = 1;
		e->o.good = pos;
	}
}

/*
 * One captured frame to the output in the chosen format.  Its 802.1Q tag
 * is put back when the kernel took it off, and a frame the ring or the
 * snaplen cut short is counted (and said once at once).
 */
static void
emit(struct ethrecv *e, const struct ring_frame *f)
{
	struct eth_hdr h;
	uint32_t caplen, len, full;
	uint8_t *p;
	int hl;

	full = f->caplen + (f->vlan_valid && f->caplen >= 12 ? 4 : 0);
	if (f->caplen < f->len || (e->fmt == FMT_PCAP && full > e->snaplen)) {
		if (e->truncated++ == 0)
			warnx("frame %llu: %u bytes, only %u captured "
			    "(counted in the summary)",
			    (unsigned long long)e->frames + 1,
			    f->len + (full - f->caplen),
			    full < e->snaplen ? full : e->snaplen);
	}
	if (e->fmt == FMT_PCAP && f->caplen > COPY_MAX && !f->vlan_valid) {
		/* Long and as it was on the wire: written from the ring. */
		p = out_reserve(e, PCAPIO_RECHDR_LEN);
		caplen = f->caplen < e->snaplen ? f->caplen : e->snaplen;
		pcapio_write_rechdr(p, f->ts_ns, caplen, f->len);
		e->o.len += PCAPIO_RECHDR_LEN;
		out_ref(&e->o, f->data, caplen);
		return;
	}
	if (e->fmt == FMT_PCAP) {
		p = out_reserve(e, PCAPIO_RECHDR_LEN + f->caplen + 4);
		caplen = (uint32_t)ring_frame_copy(f, p + PCAPIO_RECHDR_LEN,
		    &len);
		if (caplen > e->snaplen)
			caplen = e->snaplen;
		pcapio_write_rechdr(p, f->ts_ns, caplen, len);
		e->o.len += PCAPIO_RECHDR_LEN + caplen;
		return;
	}
	caplen = (uint32_t)ring_frame_copy(f, e->frame, &len);
	switch (e->fmt) {
	case FMT_HEX:
		p = out_reserve(e, TEXTIO_HEXLINE_LEN(caplen));
		e->o.len += textio_hexline(e->frame, caplen, (char *)p);
		break;
	case FMT_TEXT:
		p = out_reserve(e, TEXTIO_SUMMARY_LEN);
		hl = textio_summary((char *)p, TEXTIO_SUMMARY_LEN, f->ts_ns,
		    e->frame, caplen);
		e->o.len += hl < TEXTIO_SUMMARY_LEN ? (size_t)hl :
		    TEXTIO_SUMMARY_LEN - 1;
		break;
	case FMT_PAYLOAD:
		if ((hl = eth_decode(e->frame, caplen, &h)) == -1)
			break;
		p = out_reserve(e, caplen - (size_t)hl);
		memcpy(p, e->frame + hl, caplen - (size_t)hl);
		e->o.len += caplen - (size_t)hl;
		break;
	default:
		break;
	}
}

/* Whether the frame goes the way -Q asked for. */
static int
wanted(const struct ethrecv *e, const struct ring_frame *f)
{
	return f->pkttype == PACKET_OUTGOING ? (e->dir & DIR_OUT) != 0 :
	    (e->dir & DIR_IN) != 0;
}

/* Whether -c or -t says the run is over. */
static int
done(const struct ethrecv *e)
{
	if (e->count > 0 && e->frames >= e->count)
		return 1;
	return e->seconds > 0 && ms_until(&e->end) == 0;
}

/*
 * After POLLERR on the socket: the interface went down or away.  The
 * error is read (which clears it); 0 means there was none after all.
 */
static int
sock_error(int fd)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return errno;
	return soerr;
}

/*
 * The capture loop: every ready block goes into the buffer, which is
 * written when no block is ready (or it is full; under -U after every
 * frame).  Ends at a signal, -c, -t, an error of the socket, or a reader
 * that went away (poll on stdout reports POLLERR when a pipe has no
 * reader left, so that `| head -c 1` ends at once even when nothing
 * arrives).
 */
static void
capture(struct ethrecv *e, const sigset_t *waitmask)
{
	struct ring_frame f;
	struct pollfd pfd[2];
	struct timespec ts, *tsp;
	long long ms;
	int soerr;

	while (!stop && !done(e)) {
		if (ring_block_next(&e->r) == 1) {
			while (!done(e) && ring_frame_next(&e->r, &f) == 1) {
				if (!wanted(e, &f))
					continue;
				emit(e, &f);
				e->frames++;
				if (e->unbuffered && out_flush(&e->o) == -1)
					out_fail(e);
			}
			/* Frames written from the ring go before it is reused. */
			if (e->o.niov > 0 && out_flush(&e->o) == -1)
				out_fail(e);
			ring_block_done(&e->r);
			take_pending();
			continue;
		}
		if (e->o.len > 0 && out_flush(&e->o) == -1)
			out_fail(e);
		pfd[0].fd = e->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = e->o.fd;
		pfd[1].events = 0;
		ms = e->seconds > 0 ? sooner(-1, &e->end) : -1;
		tsp = NULL;
		if (ms >= 0) {
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000;
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			err(EXIT_SYS, "poll");
		}
		/* The reader is gone: a pipe says POLLERR, a socket POLLHUP. */
		if (pfd[1].revents & (POLLERR | POLLHUP))
			exit(0);
		if ((pfd[0].revents & POLLERR) &&
		    ring_block_next(&e->r) == 0 &&
		    (soerr = sock_error(e->fd)) != 0) {
			if (e->o.len > 0 && out_flush(&e->o) == -1)
				out_fail(e);
			errno = soerr;
			warn("%s", e->name);
			summary(e);
			exit(EXIT_SYS);
		}
		if (pfd[0].revents & POLLNVAL)
			errx(EXIT_SYS, "%s: socket closed", e->name);
	}
	if (e->o.len > 0 && out_flush(&e->o) == -1)
		out_fail(e);
}

/*
 * Whether a relayed fd's peer has shut down its side: then the empty
 * messages a SOCK_SEQPACKET socket returns mean the end of file.
 */
static int
relayed_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP));
}

/*
 * The capture loop on a relayed fd: one frame per message, read in
 * batches with recvmmsg(2) (never more than -c still wants) and stamped
 * on arrival, once per batch.  A message longer than its buffer is
 * written cut short and counted, as the ring's are.  The end of file (the
 * relay has gone) ends the capture as -c does.
 */
static void
capture_relayed(struct ethrecv *e, const sigset_t *waitmask)
{
	struct ring_frame f;
	struct pollfd pfd[2];
	struct timespec ts, *tsp;
	long long ms;
	unsigned want;
	int i, j, k, eof = 0;

	while (!stop && !done(e) && !eof) {
		want = RELAYED_BATCH;
		if (e->count > 0 && e->count - e->frames < want)
			want = (unsigned)(e->count - e->frames);
		k = recvmmsg(e->fd, e->rmsg, want, MSG_DONTWAIT | MSG_TRUNC,
		    NULL);
		if (k > 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			memset(&f, 0, sizeof(f));
			f.ts_ns = (uint64_t)ts.tv_sec * 1000000000ULL +
			    (uint64_t)ts.tv_nsec;
			f.ifindex = e->ifc.index;
			for (i = 0; i < k; i++) {
				f.len = e->rmsg[i].msg_len;
				if (f.len == 0) {
					/* Only empty ones left: the end? */
					for (j = i; j < k &&
					    e->rmsg[j].msg_len == 0; j++)
						;
					if (j == k && relayed_eof(e->fd)) {
						eof = 1;
						break;
					}
					continue;	/* no frame */
				}
				f.data = e->rbuf + (size_t)i * RELAYED_BUF;
				f.caplen = f.len < RELAYED_BUF ? f.len :
				    RELAYED_BUF;
				emit(e, &f);
				e->frames++;
				if (e->unbuffered && out_flush(&e->o) == -1)
					out_fail(e);
			}
			/* Frames written from the buffers go before reuse. */
			if (e->o.niov > 0 && out_flush(&e->o) == -1)
				out_fail(e);
			take_pending();
			continue;
		}
		/* ECONNRESET: the relay went with frames of ours unread. */
		if (k == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNRESET) {
			if (e->o.len > 0 && out_flush(&e->o) == -1)
				out_fail(e);
			warn("%s", e->name);
			summary(e);
			exit(EXIT_SYS);
		}
		if (e->o.len > 0 && out_flush(&e->o) == -1)
			out_fail(e);
		pfd[0].fd = e->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = e->o.fd;
		pfd[1].events = 0;
		ms = e->seconds > 0 ? sooner(-1, &e->end) : -1;
		tsp = NULL;
		if (ms >= 0) {
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000;
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			err(EXIT_SYS, "poll");
		}
		if (pfd[1].revents & (POLLERR | POLLHUP))
			exit(0);
		if (pfd[0].revents & POLLNVAL)
			errx(EXIT_SYS, "%s: socket closed", e->name);
	}
	if (e->o.len > 0 && out_flush(&e->o) == -1)
		out_fail(e);
}

/* The interface with this index, from a one-entry cache. */
static const struct eth_if *
iface(struct ethrecv *e, int ifindex)
{
	if (e->ifc.index != ifindex &&
	    eth_if_ofsocket(e->fd, ifindex, &e->ifc) == -1)
		return NULL;
	return &e->ifc;
}

/*
 * Starts PROG for one frame: its payload on a pipe as stdin, a pipe as
 * stdout, ETH_SRC, ETH_DST, ETH_TYPE and ETH_IFACE in the environment, fds
 * 0, 1 and 2 only, its own process group (so that a timeout kills what it
 * started too), and the signal dispositions and mask ethrecv found.
 * Returns 0, or -1 with errno.
 */
static int
spawn(struct ethrecv *e, struct handler *hd, const uint8_t *payload,
    size_t plen, const char *ifname)
{
	char src[ETH_MACSTRLEN], dst[ETH_MACSTRLEN], type[8];
	int in[2], out[2], saved;
	ssize_t n;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1) {
		saved = errno;
		close(in[0]);
		close(in[1]);
		errno = saved;
		return -1;
	}
	/*
	 * The payload goes in before there is a reader: the pipe must hold
	 * it whole.  It is grown when needed, and the write does not block,
	 * so a pipe that could not grow (past pipe-user-pages-soft a new
	 * pipe has two pages) fails the frame instead of hanging ethrecv.
	 */
	if (plen > 65536)
		(void)fcntl(in[1], F_SETPIPE_SZ, (int)plen);
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) == -1)
		goto fail;
	if (plen > 0 && (n = write(in[1], payload, plen)) != (ssize_t)plen) {
		if (n >= 0 || errno == EAGAIN)
			errno = EMSGSIZE;
		goto fail;
	}
	eth_format_mac(hd->req.src, src);
	eth_format_mac(hd->req.dst, dst);
	snprintf(type, sizeof(type), "0x%04x", hd->req.type);
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		(void)setpgid(0, 0);
		(void)sigaction(SIGPIPE, &origpipe, NULL);
		(void)sigprocmask(SIG_SETMASK, &origmask, NULL);
		if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1)
			_exit(EXIT_SYS);
		listenfd_closefrom(3);
		listenfd_unsetenv();
		if (setenv("ETH_SRC", src, 1) == -1 ||
		    setenv("ETH_DST", dst, 1) == -1 ||
		    setenv("ETH_TYPE", type, 1) == -1 ||
		    setenv("ETH_IFACE", ifname, 1) == -1)
			_exit(EXIT_SYS);
		execvp(e->prog[0], e->prog);
		saved = errno;
		warn("%s", e->prog[0]);
		_exit(EXIT_EXECERR(saved));
	}
	close(in[0]);
	close(in[1]);
	close(out[1]);
	hd->pid = pid;
	hd->out = out[0];
	hd->rlen = 0;
	hd->overflow = 0;
	hd->killed = 0;
	if ((hd->pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		err(EXIT_SYS, "pidfd_open");
	(void)fcntl(hd->pidfd, F_SETFD, FD_CLOEXEC);
	ts_add(&hd->deadline, e->htimeout);
	return 0;
fail:
	saved = errno;
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	errno = saved;
	return -1;
}

/* Reads what a handler has written so far; more than fits is counted. */
static void
drain_handler(struct ethrecv *e, struct handler *hd)
{
	uint8_t sink[4096];
	size_t room;
	ssize_t n;

	while (hd->out != -1) {
		room = e->maxframe - hd->rlen;
		if (room > 0)
			n = read(hd->out, hd->reply + ETH_VLAN_HLEN + hd->rlen,
			    room);
		else
			n = read(hd->out, sink, sizeof(sink));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(hd->out);
			hd->out = -1;
			return;
		}
		if (room > 0)
			hd->rlen += (size_t)n;
		else
			hd->overflow = 1;
	}
}

/*
 * Sends a handler's reply back where the request came from: to its source,
 * from the interface's address, with its ethertype (and its VLAN tag),
 * padded to the 60-byte minimum.
 */
static void
reply(struct ethrecv *e, struct handler *hd)
{
	const struct eth_if *ifp;
	struct sockaddr_ll sll;
	struct eth_hdr h;
	char mac[ETH_MACSTRLEN];
	size_t len;
	int hl;

	eth_format_mac(hd->req.src, mac);
	if ((ifp = iface(e, hd->ifindex)) == NULL) {
		warn("frame %llu: reply to %s", (unsigned long long)hd->num,
		    mac);
		e->failed++;
		return;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.dst, hd->req.src, ETH_ALEN_);
	memcpy(h.src, ifp->mac, ETH_ALEN_);
	h.type = hd->req.type;
	h.tagged = hd->req.tagged;
	h.tpid = hd->req.tpid;
	h.tci = hd->req.tci;
	/* The payload sits at ETH_VLAN_HLEN: move it up behind the header. */
	hl = eth_encode(hd->reply, ETH_VLAN_HLEN, &h);
	if (hl != ETH_VLAN_HLEN)
		memmove(hd->reply + hl, hd->reply + ETH_VLAN_HLEN, hd->rlen);
	len = (size_t)hl + hd->rlen;
	if (len < ETH_ZLEN_) {
		memset(hd->reply + len, 0, ETH_ZLEN_ - len);
		len = ETH_ZLEN_;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = hd->ifindex;
	sll.sll_protocol = htobe16(hd->req.type);
	sll.sll_halen = ETH_ALEN_;
	memcpy(sll.sll_addr, hd->req.src, ETH_ALEN_);
	if (sendto(e->fd, hd->reply, len, 0, (struct sockaddr *)&sll,
	    sizeof(sll)) != (ssize_t)len) {
		warn("frame %llu: reply to %s", (unsigned long long)hd->num,
		    mac);
		e->failed++;
		return;
	}
	e->replies++;
}

/* A handler has exited: reap it, say how it went, send its reply. */
static void
finish(struct ethrecv *e, struct handler *hd)
{
	char mac[ETH_MACSTRLEN];
	int status;

	while (waitpid(hd->pid, &status, 0) == -1)
		if (errno != EINTR)
			err(EXIT_SYS, "waitpid");
	drain_handler(e, hd);
	if (hd->out != -1)
		close(hd->out);
	close(hd->pidfd);
	hd->out = hd->pidfd = -1;
	hd->pid = 0;
	eth_format_mac(hd->req.src, mac);
	if (hd->killed) {
		warnx("%s: frame %llu from %s: killed after %d s",
		    e->prog[0], (unsigned long long)hd->num, mac, e->htimeout);
		e->failed++;
	} else if (WIFSIGNALED(status)) {
		warnx("%s: frame %llu from %s: killed by signal %d",
		    e->prog[0], (unsigned long long)hd->num, mac,
		    WTERMSIG(status));
		e->failed++;
	} else if (WEXITSTATUS(status) != 0) {
		warnx("%s: frame %llu from %s: exited with status %d",
		    e->prog[0], (unsigned long long)hd->num, mac,
		    WEXITSTATUS(status));
		e->failed++;
	} else if (hd->overflow) {
		warnx("%s: frame %llu from %s: reply longer than %zu bytes, "
		    "not sent", e->prog[0], (unsigned long long)hd->num, mac,
		    e->maxframe);
		e->failed++;
	} else if (hd->rlen > 0)
		reply(e, hd);
}

/*
 * Hands one frame to a free handler slot.  Frames too short to have a
 * header, or whose interface has gone, are reported and skipped.
 */
static void
serve_frame(struct ethrecv *e, struct handler *hd, const struct ring_frame *f)
{
	const struct eth_if *ifp;
	uint32_t caplen, len;
	int hl;

	caplen = (uint32_t)ring_frame_copy(f, e->frame, &len);
	e->frames++;
	if (caplen < len) {
		e->truncated++;
		warnx("frame %llu: %u bytes, only %u captured: not served",
		    (unsigned long long)e->frames, len, caplen);
		return;
	}
	if ((hl = eth_decode(e->frame, caplen, &hd->req)) == -1) {
		warnx("frame %llu: %u bytes, shorter than a header",
		    (unsigned long long)e->frames, caplen);
		return;
	}
	if ((ifp = iface(e, f->ifindex)) == NULL) {
		warn("frame %llu: interface %d", (unsigned long long)e->frames,
		    f->ifindex);
		return;
	}
	hd->num = e->frames;
	hd->ifindex = f->ifindex;
	if (spawn(e, hd, e->frame + hl, caplen - (size_t)hl, ifp->name) == -1) {
		warn("%s: frame %llu", e->prog[0],
		    (unsigned long long)e->frames);
		e->failed++;
	}
}

/*
 * The frame server: frames are taken off the ring only while a handler
 * slot is free (so a busy server lets the ring, then the kernel's drop
 * counter, absorb the excess); every handler is watched through its
 * pidfd and its stdout, and killed with its process group at its
 * deadline.  A signal kills the running handlers; -c and -t let them
 * finish.
 */
static void
serve(struct ethrecv *e, const sigset_t *waitmask)
{
	struct ring_frame f;
	struct pollfd *pfd;
	struct timespec ts, *tsp;
	struct handler *hd;
	long long ms;
	int i, n, running, free_slot, soerr, ending = 0, signalled = 0;

	if ((pfd = reallocarray(NULL, (size_t)e->jobs * 2 + 1,
	    sizeof(*pfd))) == NULL)
		err(EXIT_SYS, "malloc");
	for (;;) {
		running = 0;
		free_slot = -1;
		for (i = 0; i < e->jobs; i++)
			if (e->h[i].pid != 0)
				running++;
			else if (free_slot == -1)
				free_slot = i;
		if (stop && !signalled) {
			signalled = 1;
			for (i = 0; i < e->jobs; i++)
				if (e->h[i].pid != 0)
					(void)kill(-e->h[i].pid, SIGTERM);
		}
		ending = ending || stop || done(e);
		if (ending && running == 0)
			break;
		/* Take the next frame when a slot is free. */
		if (!ending && free_slot != -1) {
			if (ring_frame_next(&e->r, &f) == 1) {
				if (f.pkttype != PACKET_OUTGOING)
					serve_frame(e, &e->h[free_slot], &f);
				continue;
			}
			ring_block_done(&e->r);
			if (ring_block_next(&e->r) == 1)
				continue;
		}
		n = 0;
		ms = e->seconds > 0 && !ending ? sooner(-1, &e->end) : -1;
		if (!ending && free_slot != -1) {
			pfd[n].fd = e->fd;
			pfd[n++].events = POLLIN;
		}
		for (i = 0; i < e->jobs; i++) {
			hd = &e->h[i];
			if (hd->pid == 0)
				continue;
			if (!hd->killed)
				ms = sooner(ms, &hd->deadline);
			pfd[n].fd = hd->pidfd;
			pfd[n++].events = POLLIN;
			pfd[n].fd = hd->out;	/* -1 is ignored by poll */
			pfd[n++].events = POLLIN;
		}
		tsp = NULL;
		if (ms >= 0) {
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (ms % 1000) * 1000000;
			tsp = &ts;
		}
		if (ppoll(pfd, (nfds_t)n, tsp, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			err(EXIT_SYS, "poll");
		}
		if (!ending && free_slot != -1 && (pfd[0].revents & POLLERR) &&
		    ring_block_next(&e->r) == 0 &&
		    (soerr = sock_error(e->fd)) != 0) {
			errno = soerr;
			warn("%s", e->name);
			for (i = 0; i < e->jobs; i++)
				if (e->h[i].pid != 0)
					(void)kill(-e->h[i].pid, SIGKILL);
			summary(e);
			exit(EXIT_SYS);
		}
		for (i = 0; i < e->jobs; i++) {
			hd = &e->h[i];
			if (hd->pid == 0)
				continue;
			drain_handler(e, hd);
			if (!hd->killed && ms_until(&hd->deadline) == 0) {
				hd->killed = 1;
				(void)kill(-hd->pid, SIGKILL);
				(void)kill(hd->pid, SIGKILL);
			}
		}
		/* Reap those whose pidfd says they have exited. */
		for (i = 0; i < e->jobs; i++) {
			hd = &e->h[i];
			if (hd->pid == 0)
				continue;
			pfd[0].fd = hd->pidfd;
			pfd[0].events = POLLIN;
			if (poll(pfd, 1, 0) == 1)
				finish(e, hd);
		}
	}
	free(pfd);
}

/*
 * Opens a socket on ifname for type, ring first and bound last, so that
 * nothing arrives before the ring is there to take it.  The kernel copies
 * outgoing frames only to sockets of every ethertype: for -Q out or inout
 * on one ethertype, the socket is bound to all and a filter keeps it to
 * the one (with -F inside).
 */
static int
open_own(struct ethrecv *e, const char *ifname, uint16_t type, int promisc,
    const char *expr, size_t bsize, unsigned bnr, unsigned retire)
{
	struct rawsock_conf c;
	struct sock_fprog prog;
	struct eth_if ifc;
	char errbuf[FILTER_ERRLEN];
	int fd;

	if (eth_if_byname(ifname, &ifc) == -1) {
		if (errno == ENODEV)
			errx(EXIT_SYS, "%s: no such interface", ifname);
		err(EXIT_USAGE, "%s", ifname);
	}
	memset(&prog, 0, sizeof(prog));
	if (expr != NULL && filter_compile(expr, RING_SNAPLEN_MAX, &prog,
	    errbuf) == -1)
		errx(errno == EINVAL ? EXIT_USAGE : EXIT_SYS, "-F: %s", errbuf);
	if ((fd = rawsock_socket()) == -1) {
		if (errno == EPERM || errno == EACCES)
			errx(EXIT_SYS, "%s: cannot open a packet socket "
			    "without CAP_NET_RAW: run it under rawopen(1)",
			    ifname);
		err(EXIT_SYS, "socket");
	}
	if (ring_setup(&e->r, fd, bsize, bnr, retire) == -1)
		err(EXIT_SYS, "%s: receive ring of %zu bytes", ifname,
		    bsize * bnr);
	/* Confined as rawopen confines, but neither locked nor pinned. */
	memset(&c, 0, sizeof(c));
	c.ifindex = ifc.index;
	c.type = type;
	c.promisc = promisc;
	c.otherhost = 1;
	c.outgoing = (e->dir & DIR_OUT) != 0;
	c.inner = expr != NULL ? &prog : NULL;
	if (rawsock_confine(fd, &c) == -1) {
		if (errno == EINVAL && expr != NULL)
			errx(EXIT_USAGE, "-F: too long to add the interface "
			    "and ethertype test");
		err(EXIT_SYS, "%s", ifname);
	}
	filter_free(&prog);
	e->ifc = ifc;
	return fd;
}

/*
 * Takes over a handed-over socket: checks that it is a packet socket,
 * gives it a ring, sets its direction, and attaches -F when its filter is
 * not locked.  Frames that reached it before the ring stay in its
 * ordinary queue and are not read.
 */
static int
open_inherited(struct ethrecv *e, int fd, const char *expr, size_t bsize,
    unsigned bnr, unsigned retire, char *name, size_t namelen)
{
	struct sock_fprog prog;
	char errbuf[FILTER_ERRLEN];
	uint16_t type;
	int ifindex;

	if (rawsock_info(fd, &ifindex, &type) == -1) {
		if (errno == ENOTSOCK || errno == EAFNOSUPPORT ||
		    errno == EPROTOTYPE)
			errx(EXIT_USAGE, "fd %d: not an AF_PACKET socket", fd);
		err(EXIT_USAGE, "fd %d", fd);
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		err(EXIT_SYS, "fd %d", fd);
	if (ifindex > 0 && eth_if_ofsocket(fd, ifindex, &e->ifc) == 0)
		strlcpy(name, e->ifc.name, namelen);
	else
		snprintf(name, namelen, "fd %d", fd);
	/* Outgoing frames would never come: say so rather than wait. */
	if ((e->dir & DIR_OUT) && type != ETHTYPE_ALL && type != ETHTYPE_NONE)
		errx(EXIT_USAGE, "-Q: %s: the socket is bound to ethertype "
		    "0x%04x, and the kernel copies outgoing frames only to "
		    "sockets bound to all (rawopen -L does that)", name, type);
	if (ring_setup(&e->r, fd, bsize, bnr, retire) == -1)
		err(EXIT_SYS, "%s: receive ring of %zu bytes", name,
		    bsize * bnr);
	memset(&prog, 0, sizeof(prog));
	if (expr != NULL && filter_compile(expr, RING_SNAPLEN_MAX, &prog,
	    errbuf) == -1)
		errx(errno == EINVAL ? EXIT_USAGE : EXIT_SYS, "-F: %s", errbuf);
	if (rawsock_adopt(fd, (e->dir & DIR_OUT) != 0, expr != NULL ? &prog :
	    NULL) == -1) {
		if (errno == EPERM && expr != NULL)
			errx(EXIT_SYS, "-F: %s: the socket's filter is locked "
			    "(give the filter to rawopen -F)", name);
		err(EXIT_SYS, "%s", name);
	}
	filter_free(&prog);
	return fd;
}

/*
 * Takes over a relayed fd: rawopen's send=iface or send=no grant hands
 * over one end of a SOCK_SEQPACKET pair whose other end, the relay, holds
 * the packet socket.  What needs the packet socket itself is refused.
 * Its buffers: RELAYED_BATCH frames of RELAYED_BUF bytes, allocated once.
 */
static int
open_relayed(struct ethrecv *e, int fd, const char *expr, int bset,
    int server, char *name, size_t namelen)
{
	const char *what = NULL;
	int i;

	if (e->dir != DIR_IN)
		what = "-Q";
	else if (expr != NULL)
		what = "-F";
	else if (bset)
		what = "-B";
	else if (server)
		what = "-e";
	if (what != NULL)
		errx(EXIT_USAGE, "%s needs a packet socket, and fd %d is "
		    "relayed by rawopen (send=iface or send=no; send=any "
		    "hands over the socket)", what, fd);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		err(EXIT_SYS, "fd %d", fd);
	snprintf(name, namelen, "fd %d", fd);
	e->relayed = 1;
	if ((e->rbuf = malloc((size_t)RELAYED_BATCH * RELAYED_BUF)) == NULL ||
	    (e->rmsg = calloc(RELAYED_BATCH, sizeof(*e->rmsg))) == NULL ||
	    (e->riov = calloc(RELAYED_BATCH, sizeof(*e->riov))) == NULL)
		err(EXIT_SYS, "malloc");
	for (i = 0; i < RELAYED_BATCH; i++) {
		e->riov[i].iov_base = e->rbuf + (size_t)i * RELAYED_BUF;
		e->riov[i].iov_len = RELAYED_BUF;
		e->rmsg[i].msg_hdr.msg_iov = &e->riov[i];
		e->rmsg[i].msg_hdr.msg_iovlen = 1;
	}
	return fd;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "fd", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct ethrecv e;
	struct sigaction sa;
	sigset_t block, waitmask;
	const char *expr = NULL, *fmtarg = NULL;
	char name[IF_NAMESIZE + 16];
	size_t ringsize = RING_SIZE_DEFAULT, bsize;
	unsigned bnr, retire;
	uint16_t type;
	uint8_t filehdr[PCAPIO_FILEHDR_LEN];
	int ch, i, n, server = 0, promisc = 0, sockfd = -1, nargs, bset = 0;

	/* A socket opened onto a closed 0, 1 or 2 would get our output. */
	if (priv_stdfds() == -1)
		err(EXIT_SYS, "fds 0-2");
	memset(&e, 0, sizeof(e));
	e.fd = -1;
	e.dir = DIR_IN;
	e.jobs = JOBS_DEFAULT;
	e.htimeout = HTIMEOUT_DEFAULT;
	while ((ch = getopt_long(argc, argv, "+B:c:eF:j:pQ:S:T:t:Uw:",
	    longopts, NULL)) != -1)
		switch (ch) {
		case 'B':
			ringsize = parse_size(optarg);
			bset = 1;
			break;
		case 'c':
			e.count = (uint64_t)number(ch, optarg, 1, LLONG_MAX);
			break;
		case 'e':
			server = 1;
			break;
		case 'F':
			expr = optarg;
			break;
		case 'j':
			e.jobs = (int)number(ch, optarg, 1, 1024);
			break;
		case 'p':
			promisc = 1;
			break;
		case 'Q':
			if (strcmp(optarg, "in") == 0)
				e.dir = DIR_IN;
			else if (strcmp(optarg, "out") == 0)
				e.dir = DIR_OUT;
			else if (strcmp(optarg, "inout") == 0)
				e.dir = DIR_IN | DIR_OUT;
			else
				errx(EXIT_USAGE, "-Q %s: in, out or inout",
				    optarg);
			break;
		case 'S':
			sockfd = (int)number(ch, optarg, 0, INT_MAX);
			break;
		case 'T':
			e.htimeout = (int)number(ch, optarg, 1, 86400);
			break;
		case 't':
			e.seconds = (int)number(ch, optarg, 1, 31536000);
			break;
		case 'U':
			e.unbuffered = 1;
			break;
		case 'w':
			fmtarg = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;

	/* -e: [iface ethertype] -- prog [arg ...]; getopt may eat the --. */
	nargs = argc;
	if (server) {
		if (strcmp(argv[-1], "--") == 0)
			nargs = 0;
		else {
			for (nargs = 0; nargs < argc; nargs++)
				if (strcmp(argv[nargs], "--") == 0)
					break;
			if (nargs == argc)
				usage();
		}
		e.prog = argv + nargs + (nargs == 0 ? 0 : 1);
		if (e.prog >= argv + argc)
			usage();
		if (fmtarg != NULL || e.unbuffered || e.dir != DIR_IN)
			errx(EXIT_USAGE, "-w, -U and -Q do not go with -e");
	} else if (e.htimeout != HTIMEOUT_DEFAULT || e.jobs != JOBS_DEFAULT)
		errx(EXIT_USAGE, "-j and -T need -e");
	if (nargs != 0 && nargs != 2)
		usage();

	if (fmtarg == NULL)
		e.fmt = isatty(STDOUT_FILENO) ? FMT_TEXT : FMT_PCAP;
	else if (strcmp(fmtarg, "pcap") == 0)
		e.fmt = FMT_PCAP;
	else if (strcmp(fmtarg, "text") == 0)
		e.fmt = FMT_TEXT;
	else if (strcmp(fmtarg, "hex") == 0)
		e.fmt = FMT_HEX;
	else if (strcmp(fmtarg, "payload") == 0)
		e.fmt = FMT_PAYLOAD;
	else
		errx(EXIT_USAGE, "-w %s: pcap, text, hex or payload", fmtarg);

	geometry(ringsize, &bsize, &bnr);
	retire = e.unbuffered ? RETIRE_MS_U : RETIRE_MS;
	if (nargs == 2) {
		if (sockfd != -1)
			errx(EXIT_USAGE, "-S and iface ethertype: choose one");
		if (eth_parse_type(argv[1], &type) == -1)
			errx(EXIT_USAGE, "%s: not an ethertype", argv[1]);
		e.fd = open_own(&e, argv[0], type, promisc, expr, bsize, bnr,
		    retire);
		strlcpy(name, argv[0], sizeof(name));
	} else {
		if (promisc)
			errx(EXIT_USAGE, "-p needs iface ethertype "
			    "(rawopen -p for a handed-over socket)");
		if (sockfd == -1) {
			if ((n = listenfd_count()) == -1)
				err(EXIT_USAGE, "LISTEN_FDS");
			if (n == 0)
				errx(EXIT_USAGE, "no socket: give iface "
				    "ethertype, or run it under rawopen(1)");
			sockfd = LISTENFD_START;
		}
		if (relay_fd(sockfd) == 1)
			e.fd = open_relayed(&e, sockfd, expr, bset, server,
			    name, sizeof(name));
		else
			e.fd = open_inherited(&e, sockfd, expr, bsize, bnr,
			    retire, name, sizeof(name));
	}
	listenfd_unsetenv();
	e.name = name;
	e.snaplen = e.relayed ? RELAYED_BUF : ring_snaplen(&e.r);
	if ((e.frame = malloc(e.relayed ? (size_t)RELAYED_BUF + 4 :
	    (size_t)e.r.block_size + 4)) == NULL)
		err(EXIT_SYS, "malloc");

	/*
	 * The signals that end a run are blocked but while waiting, so that
	 * they are seen between frames and never in the middle of a write.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		err(EXIT_SYS, "sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, &origpipe) == -1)
		err(EXIT_SYS, "sigaction");
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &origmask) == -1)
		err(EXIT_SYS, "sigprocmask");
	waitmask = origmask;
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	if (e.seconds > 0)
		ts_add(&e.end, e.seconds);

	if (server) {
		if (e.ifc.mtu <= 0)
			e.ifc.mtu = 1500;
		e.maxframe = (size_t)e.ifc.mtu;
		if ((e.h = calloc((size_t)e.jobs, sizeof(*e.h))) == NULL)
			err(EXIT_SYS, "malloc");
		for (i = 0; i < e.jobs; i++) {
			e.h[i].out = e.h[i].pidfd = -1;
			if ((e.h[i].reply = malloc(e.maxframe +
			    ETH_VLAN_HLEN + ETH_ZLEN_)) == NULL)
				err(EXIT_SYS, "malloc");
		}
		serve(&e, &waitmask);
	} else {
		out_init(&e);
		e.o.waitmask = &waitmask;
		if (e.fmt == FMT_PCAP) {
			pcapio_write_filehdr(filehdr, e.snaplen);
			memcpy(out_reserve(&e, sizeof(filehdr)), filehdr,
			    sizeof(filehdr));
			e.o.len += sizeof(filehdr);
			if (out_flush(&e.o) == -1)
				out_fail(&e);
		}
		if (e.relayed)
			capture_relayed(&e, &waitmask);
		else
			capture(&e, &waitmask);
	}
	summary(&e);
	ring_close(&e.r);
	close(e.fd);
	for (i = 0; e.h != NULL && i < e.jobs; i++)
		free(e.h[i].reply);
	free(e.h);
	free(e.o.buf);
	free(e.o.iov);
	free(e.frame);
	free(e.rbuf);
	free(e.rmsg);
	free(e.riov);
	return 0;
}
