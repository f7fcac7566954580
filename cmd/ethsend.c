/*
 * ethsend: frames from stdin to the wire.
 *
 *	ethsend [-kPq] [-c count] [-d mac] [-f format] [-i ifid]
 *	    [-j senders] [-l loops] [-R factor] [-r rate] [-S fd] [-s mac]
 *	    [-t ethertype] [-v vlan[:prio]] [--progress]
 *	    [--stats-format=text|kv] [IFACE ETHERTYPE]
 *
 * Frames are read from stdin into one large buffer (lib/pcapio) and sent
 * in batches with sendmmsg(2), each message pointing straight into that
 * buffer: no copy and no allocation per frame.  In the payload formats a
 * frame is three iovecs: the shared Ethernet header, the payload in the
 * buffer, and zero padding up to 60 bytes.  On a tap device's fd
 * (rawopen --tap) each frame is one writev(2) of those iovecs instead.
 * Under -j N the frames are spread over N sender threads, each with a
 * socket of its own (see struct senders).
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <endian.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsock.h"
#include "cli.h"
#include "eth.h"
#include "fdcap.h"
#include "listenfd.h"
#include "pace.h"
#include "pcapio.h"
#include "priv.h"
#include "rawsock.h"
#include "relay.h"
#include "textio.h"
#include "timeutil.h"
#include "txpool.h"
#include "txq.h"

#define KEEP_MAX	(256U * 1024 * 1024)	/* -l on a pipe */
#define RELAYED_MTU	1500	/* payloads on a relayed fd without IFACE */
#define OPT_STATS	0x100	/* --stats-format */
#define SENDERS_MAX	256	/* -j */

static volatile sig_atomic_t stop;
static volatile sig_atomic_t info;	/* SIGUSR1: say the counts */
static volatile sig_atomic_t tick;	/* SIGALRM: a second of --progress */

/* What the user asked for. */
struct opts {
	uint64_t	 count;		/* -c; 0: no limit */
	int		 have_dst, have_src, have_type, tagged;
	uint8_t		 dst[ETH_ALEN_], src[ETH_ALEN_];
	uint16_t	 type, tci;
	enum pcapio_format fmt;		/* -f; NONE: by magic, else lines */
	int		 skip;		/* -k */
	uint64_t	 loops;		/* -l; 0: forever */
	int		 progress;	/* -P */
	int		 quiet;		/* -q */
	double		 factor;	/* -R; 0: ignore timestamps */
	double		 rate;		/* -r; 0: as fast as possible */
	int		 bitrate;	/* -r is in bits per second */
	int		 kv;		/* --stats-format=kv */
	int		 fd;		/* -S; -1: none */
	int64_t		 ifid;		/* -i: pcapng interface; -1: all */
	int		 senders;	/* -j; 0: not given (one) */
	uint16_t	 optype;	/* the ETHERTYPE operand, or ETHTYPE_NONE */
};

/* The state of a run. */
struct run {
	int		 fd;
	struct eth_if	 ifc;
	size_t		 maxframe;	/* untagged; +4 when tagged */
	int		 payload;	/* the input is payloads, not frames */
	int		 relayed;	/* fd is a relay's SOCK_SEQPACKET end */
	int		 tap;		/* fd is a tap device's (rawopen --tap) */
	int		 have_ifc;	/* ifc holds a real interface */
	uint8_t		 hdr[ETH_VLAN_HLEN];
	size_t		 hdrlen;
	struct txq	 q;		/* fd as the target: what was sent */
	uint64_t	 skipped;	/* bad frames passed by (-k) */
	/* The batch: b, or under -j the next sender's (add() fills cur). */
	struct txq_batch b;
	struct txq_batch *cur;
	struct txpool	*mt;		/* -j N > 1; NULL: one sender, here */
	struct timespec	 start;		/* when the run (and pacing) began */
	struct pace	 pace;		/* -r, -R */
	uint64_t	 last_progress, progress_sent, progress_bytes;
	int		 typesaid;	/* the ETHERTYPE operand's warning */
};

static const uint8_t bcast[ETH_ALEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Exactly ethsend(1)'s SYNOPSIS. */
static const char usage_text[] =
    "usage: ethsend [-kPq] [-c count] [-d mac] [-f format] [-i ifid] "
    "[-j senders]\n"
    "               [-l loops] [-R factor] [-r rate] [-S fd] [-s mac]\n"
    "               [-t ethertype] [-v vlan[:prio]] [--progress]\n"
    "               [--stats-format=text|kv] [iface ethertype]\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

static void
onsignal(int sig)
{
	if (sig == SIGUSR1)
		info = 1;
	else if (sig == SIGALRM)
		tick = 1;
	else
		stop = 1;
}

/* "1 frame", "2 frames": the noun as n wants it. */
static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * The counts so far, with the time since the first frame was due, and
 * the rates over it (frames/s, Mbit/s of Ethernet frames, as tcpreplay
 * gives them); --stats-format=kv: key=value pairs.
 */
static void
report(const struct opts *o, const struct run *r)
{
	double secs = (double)(ts_now_ns() - ts_ns(&r->start)) /
	    NSEC_PER_SEC;
	double fps = secs > 0 ? (double)r->q.sent / secs : 0;
	double mbps = secs > 0 ? (double)r->q.bytes * 8 / secs / 1e6 : 0;

	if (o->kv) {
		fprintf(stderr, "ethsend: sent=%" PRIu64 " bytes=%" PRIu64
		    " errors=%" PRIu64 " skipped=%" PRIu64 " elapsed=%.3f "
		    "fps=%.0f mbps=%.3f\n", r->q.sent, r->q.bytes,
		    r->q.errors, r->skipped, secs, fps, mbps);
		return;
	}
	fprintf(stderr, "ethsend: %" PRIu64 " %s sent, %" PRIu64 " %s, %"
	    PRIu64 " %s", r->q.sent, plural(r->q.sent, "frame", "frames"),
	    r->q.bytes, plural(r->q.bytes, "byte", "bytes"), r->q.errors,
	    plural(r->q.errors, "error", "errors"));
	if (o->skip)
		fprintf(stderr, ", %" PRIu64 " skipped", r->skipped);
	fprintf(stderr, " in %.3f s (%.1f frames/s, %.3f Mbit/s)\n", secs,
	    fps, mbps);
}

static void	senders_sum(struct run *);
static void	senders_end(struct run *);
static void	open_target(const struct opts *, struct run *, char **, int,
		    uint16_t *);

/* The total line, and under -j one line for each sender. */
static void
summary(const struct opts *o, const struct run *r)
{
	struct txpool_counts c;
	unsigned int k;

	if (o->quiet)
		return;
	report(o, r);
	for (k = 0; r->mt != NULL && k < txpool_size(r->mt); k++) {
		txpool_counts(r->mt, k, &c);
		if (o->kv)
			fprintf(stderr, "ethsend: sender=%u sent=%" PRIu64
			    " errors=%" PRIu64 "\n", k, c.sent, c.errors);
		else
			fprintf(stderr, "ethsend: sender %u: %" PRIu64
			    " sent, %" PRIu64 " %s\n", k, c.sent, c.errors,
			    plural(c.errors, "error", "errors"));
	}
}

/*
 * Ends the run: summary, then exit status ex; 111 whenever a frame that
 * was read was not sent (a send error, or a bad frame skipped under -k).
 */
static void __attribute__((noreturn))
finish(const struct opts *o, struct run *r, int ex)
{
	if (r->mt != NULL)
		senders_end(r);
	summary(o, r);
	if (ex == 0 && (r->q.errors > 0 || r->skipped > 0))
		ex = EXIT_SYS;
	exit(ex);
}

static void	progress(const struct opts *, struct run *);

/* What SIGUSR1 and the --progress timer asked for since the last look. */
static void
feedback(const struct opts *o, struct run *r)
{
	if (r->mt != NULL && (info || tick))
		senders_sum(r);
	if (info) {
		info = 0;
		report(o, r);
	}
	if (tick) {
		tick = 0;
		progress(o, r);
	}
}

/*
 * A frame of b that did not go (ret 1), or the target that failed at it
 * (ret -1), as txq_send() told it, in words.
 */
static void
say_unsent(const struct run *r, const struct txq_batch *b,
    const struct txq_fail *f, int ret)
{
	const char *verb = r->q.kind == TXQ_TAP ? "write" : "send";

	errno = f->err;
	if (ret == 1)
		warn("%s on %s: a frame of %zu bytes", verb, r->ifc.name,
		    b->lens[f->index]);
	else
		warn("%s on %s", verb, r->ifc.name);
}

/*
 * Sends frames [i, n) of b on r's target (lib/txq), with a warning for
 * each frame that could not go (counted as an error).  A target that
 * failed (the interface went down or away) ends the run.
 */
static void
send_batch(const struct opts *o, struct run *r, struct txq_batch *b,
    unsigned int i, unsigned int n)
{
	struct txq_fail f;
	int ret;

	while ((ret = txq_send(&r->q, b, &i, n, &f)) != 0) {
		say_unsent(r, b, &f, ret);
		if (ret == -1)
			finish(o, r, EXIT_SYS);
	}
}

/* -j: what sender k could not send, said in its thread (lib/txpool). */
static void
sender_said(void *arg, unsigned int k, const struct txq_batch *b,
    const struct txq_fail *f, int ret)
{
	struct run *const *w = arg;

	say_unsent(w[k], b, f, ret);
}

/*
 * -j: until the senders have room for the next batch, or (after
 * txpool_flush()) have sent all they were given, saying the counts when
 * a signal asks meanwhile.  A failed sender ends the run (111), a stop
 * signal too (0, as when one sender is stopped).
 */
static void
senders_wait(const struct opts *o, struct run *r)
{
	/* A signal does not end the wait: look again at least so often. */
	while (txpool_wait(r->mt, info || tick ? 0 : 50) == -1) {
		if (errno != ETIMEDOUT)
			finish(o, r, errno == EIO ? EXIT_SYS : 0);
		feedback(o, r);
	}
}

/* The senders' counts so far into r's totals. */
static void
senders_sum(struct run *r)
{
	struct txpool_counts c;
	unsigned int k;

	r->q.sent = r->q.bytes = r->q.errors = 0;
	for (k = 0; k < txpool_size(r->mt); k++) {
		txpool_counts(r->mt, k, &c);
		r->q.sent += c.sent;
		r->q.bytes += c.bytes;
		r->q.errors += c.errors;
	}
}

/*
 * Ends the senders: each finishes the batch it is sending, not what is
 * queued behind it; then their final counts into r's totals.
 */
static void
senders_end(struct run *r)
{
	txpool_end(r->mt);
	senders_sum(r);
}

/*
 * -j N: N senders (lib/txpool), each with a socket of its own: the one r
 * has for the first, then for each other the next handed-over fd
 * (LISTEN_FDS, checked to be N), or IFACE opened again.
 */
static void
senders_open(const struct opts *o, struct run *r, char **argv, int argc)
{
	unsigned int k, n = (unsigned int)o->senders;
	struct opts ok = *o;
	struct run **w;
	struct txq **qs;
	uint16_t bt;
	int handed = o->fd < 0 && listenfd_count() > 0;

	if ((w = calloc(n, sizeof(*w))) == NULL ||
	    (qs = calloc(n, sizeof(*qs))) == NULL)
		err(EXIT_SYS, "calloc");
	for (k = 0; k < n; k++) {
		if ((w[k] = calloc(1, sizeof(*w[k]))) == NULL)
			err(EXIT_SYS, "calloc");
		if (k == 0) {
			*w[k] = *r;
		} else {
			ok.fd = handed ? LISTENFD_START + (int)k : -1;
			open_target(&ok, w[k], argv, argc, &bt);
		}
		qs[k] = &w[k]->q;
	}
	if ((r->mt = txpool_open(n, qs, sender_said, w, &stop)) == NULL)
		err(EXIT_SYS, "%s", errno == ENOMEM ? "calloc" :
		    "pthread_create");
	r->cur = txpool_batch(r->mt);
}

/*
 * Sends the batch, paced by -r (lib/pace: a token bucket refilled from
 * CLOCK_MONOTONIC, so that a stall is not followed by a burst larger than
 * a batch).
 */
static void
flush(const struct opts *o, struct run *r)
{
	unsigned int i = 0, k;
	uint64_t wake;

	if (r->mt != NULL) {
		/* Every batch begun, and a wait until all are sent. */
		txpool_flush(r->mt);
		senders_wait(o, r);
		r->cur = txpool_batch(r->mt);
		return;
	}
	if (o->rate <= 0) {
		send_batch(o, r, &r->b, 0, r->b.n);
		r->b.n = 0;
		return;
	}
	while (i < r->b.n && !stop) {
		feedback(o, r);
		k = pace_take(&r->pace, r->b.lens + i, r->b.n - i, ts_now_ns(),
		    &wake);
		if (k == 0) {
			ts_sleep_until_ns(wake);
			continue;
		}
		send_batch(o, r, &r->b, i, i + k);
		i += k;
	}
	/* Stopped (a signal) before the whole batch was due: not sent. */
	r->b.n = 0;
}

/*
 * The rate line of -P (--progress), once a second on the timer's signal:
 * frames/s and bytes/s over the last interval, then the totals.
 */
static void
progress(const struct opts *o, struct run *r)
{
	uint64_t t = ts_now_ns(), dt;

	if (!o->progress)
		return;
	if (r->last_progress == 0)
		r->last_progress = ts_ns(&r->start);
	dt = t - r->last_progress > 0 ? t - r->last_progress : 1;
	fprintf(stderr, "ethsend: %.0f frames/s, %.0f bytes/s, %" PRIu64
	    " sent, %" PRIu64 " %s\n",
	    (double)(r->q.sent - r->progress_sent) * NSEC_PER_SEC / (double)dt,
	    (double)(r->q.bytes - r->progress_bytes) * NSEC_PER_SEC /
	    (double)dt,
	    r->q.sent, r->q.errors, plural(r->q.errors, "error", "errors"));
	r->last_progress = t;
	r->progress_sent = r->q.sent;
	r->progress_bytes = r->q.bytes;
}

/*
 * A bad frame: an error that ends the run, or under -k a warning and a
 * count.  Returns 0 when the frame is to be skipped.
 */
static int __attribute__((format(printf, 3, 4)))
badframe(const struct opts *o, struct run *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("stdin: %s", msg);
	if (!o->skip) {
		flush(o, r);
		finish(o, r, EXIT_SYS);
	}
	r->skipped++;
	return 0;
}

/*
 * Frames are sent as they are: an ETHERTYPE operand that differs from a
 * frame's (after one 802.1Q tag) is said once, not silently ignored.
 */
static void
typecheck(const struct opts *o, struct run *r, const struct pcapio_rec *rec,
    uint16_t tpid)
{
	uint16_t type = tpid;
	char want[16];

	if (r->typesaid || o->optype == ETHTYPE_NONE ||
	    o->optype == ETHTYPE_ALL)
		return;
	if (tpid == 0x8100 && rec->caplen >= 18) {
		memcpy(&type, rec->data + 16, 2);
		type = be16toh(type);
	}
	if (type == o->optype)
		return;
	r->typesaid = 1;
	eth_format_type(o->optype, want, sizeof(want));
	warnx("frame %llu has ethertype 0x%04x, not %s: frames are sent "
	    "as they are (the ethertype applies to payloads)",
	    (unsigned long long)rec->num, type, want);
}

/*
 * Adds the record to the batch after checking its size: a frame as it
 * is, or a payload behind r->hdr and padded to 60 bytes.  Returns 1 when
 * it was added, 0 when it was skipped (-k).
 */
static int
add(const struct opts *o, struct run *r, const struct pcapio_rec *rec)
{
	struct txq_batch *b = r->cur;
	uint8_t *hdr = txq_hdr(b);
	unsigned long long num = rec->num;
	size_t len = rec->caplen, max = r->maxframe, skip;
	char why[PCAPIO_ERRLEN];
	uint16_t tpid;

	if (r->payload) {
		if (len > (size_t)r->ifc.mtu)
			return badframe(o, r, "frame %llu: a payload of %zu "
			    "bytes exceeds the MTU of %s (%d)", num, len,
			    r->ifc.name, r->ifc.mtu);
		txq_add(b, r->hdr, r->hdrlen, rec->data, len, ETH_ZLEN_);
	} else if (rec->linktype != PCAPIO_LINKTYPE_ETHERNET) {
		/* Linux cooked: an Ethernet header in place of its own. */
		if (rec->caplen < rec->len)
			return badframe(o, r, "frame %llu: only %u of %u bytes "
			    "were captured", num, rec->caplen, rec->len);
		if (pcapio_cooked(rec, o->have_dst ? o->dst : bcast,
		    hdr, &skip, why, sizeof(why)) == -1)
			return badframe(o, r, "frame %llu: %s", num, why);
		len = ETH_HLEN_ + rec->caplen - skip;
		if (hdr[12] == 0x81 && hdr[13] == 0)
			max += 4;
		if (len > max)
			return badframe(o, r, "frame %llu: %zu bytes exceeds "
			    "the MTU of %s (%d + %zu)", num, len, r->ifc.name,
			    r->ifc.mtu, max - (size_t)r->ifc.mtu);
		txq_add(b, hdr, ETH_HLEN_, rec->data + skip, rec->caplen - skip,
		    0);
	} else {
		if (rec->caplen < rec->len)
			return badframe(o, r, "frame %llu: only %u of %u bytes "
			    "were captured", num, rec->caplen, rec->len);
		if (len < ETH_HLEN_)
			return badframe(o, r, "frame %llu: %zu bytes is "
			    "shorter than an Ethernet header", num, len);
		memcpy(&tpid, rec->data + 12, 2);
		tpid = be16toh(tpid);
		typecheck(o, r, rec, tpid);
		/* The kernel allows the 4 more for 802.1Q, not 802.1ad. */
		if (tpid == 0x8100)
			max += 4;
		if (len > max)
			return badframe(o, r, "frame %llu: %zu bytes exceeds "
			    "the MTU of %s (%d + %zu)", num, len, r->ifc.name,
			    r->ifc.mtu, max - (size_t)r->ifc.mtu);
		txq_add(b, NULL, 0, rec->data, len, 0);
	}
	if (r->mt != NULL) {
		/* -j: the next frame is the next sender's. */
		if (txpool_next(r->mt))
			senders_wait(o, r);
		r->cur = txpool_batch(r->mt);
	}
	return 1;
}

/* The next record of whatever format the input is in. */
static int
next(struct pcapio_reader *rd, enum pcapio_format fmt, size_t mtu,
    struct pcapio_rec *rec)
{
	if (fmt == PCAPIO_FMT_PCAP || fmt == PCAPIO_FMT_PCAPNG)
		return pcapio_next(rd, rec);
	return textio_next(rd, fmt, mtu, rec);
}

/*
 * A relayed fd (rawopen's send=iface or send=no): one frame per message,
 * sent without an address; the relay checks each and sends it on its
 * interface.  That interface is what IFACE names, looked up here for its
 * MTU and address; without IFACE, what the relay's end was named by
 * rawopen (relay_peer(): interface, ethertype, address, MTU); failing
 * that, frames of up to what the relay carries are passed on (the relay
 * drops those its interface's MTU does not allow) and payloads, with -s,
 * are of at most RELAYED_MTU bytes.
 */
static void
open_relayed(struct run *r, char **argv, int argc, uint16_t *btype)
{
	struct relay_peer peer;
	struct cli_err e;

	if (argc != 0 && argc != 2)
		usage();
	r->relayed = 1;
	if (argc == 2) {
		if (cli_iface(NULL, argv[0], &r->ifc, &e) == -1)
			cli_exit(&e);
		r->have_ifc = 1;
		return;
	}
	/* What rawopen granted, as its relay's end is named. */
	if (relay_peer(r->fd, &peer) == 0) {
		strlcpy(r->ifc.name, peer.ifname, sizeof(r->ifc.name));
		memcpy(r->ifc.mac, peer.mac, sizeof(r->ifc.mac));
		r->ifc.mtu = (int)peer.mtu;
		*btype = peer.type;
		r->have_ifc = 1;
		return;
	}
	snprintf(r->ifc.name, sizeof(r->ifc.name), "fd %d", r->fd);
	r->ifc.mtu = RELAY_FRAME_MAX - ETH_VLAN_HLEN;
}

/*
 * A tap device's fd (rawopen --tap), as capsock_inspect() tells it: frames
 * are written into the device, payloads from its address; the ethertype
 * of payloads is -t's or the ETHERTYPE operand's (IFACE, when given, must
 * be the device).  A tun device's fd carries IP packets, not frames:
 * refused.  Returns 0 when fd is neither.
 */
static int
open_tap(struct run *r, char **argv, int argc)
{
	struct capsock c;

	if (capsock_inspect(r->fd, &c) == -1 ||
	    (c.kind != CAPSOCK_TAP && c.kind != CAPSOCK_TUN))
		return 0;
	if (c.kind == CAPSOCK_TUN)
		errx(EXIT_USAGE, "fd %d: %s is a tun device, which carries IP "
		    "packets, not Ethernet frames (rawopen --tap makes a tap "
		    "device)", r->fd, c.ifc.name);
	if (argc != 0 && argc != 2)
		usage();
	if (argc == 2 && strcmp(argv[0], c.ifc.name) != 0)
		errx(EXIT_USAGE, "fd %d is the tap device %s, not %s", r->fd,
		    c.ifc.name, argv[0]);
	r->tap = 1;
	r->ifc = c.ifc;
	/* Out of reach (another namespace): its address is unknown. */
	r->have_ifc = c.ifc.index > 0;
	if (r->ifc.mtu <= 0)
		r->ifc.mtu = RELAYED_MTU;
	return 1;
}

/*
 * The socket: -S fd, or the first handed over (LISTEN_FDS), or IFACE
 * opened here.  Fills r->fd and r->ifc, and *btype with the bound type.
 */
static void
open_socket(const struct opts *o, struct run *r, char **argv, int argc,
    uint16_t *btype)
{
	struct rawsock_opts ro;
	struct cli_err e;
	int n, ifindex;

	n = 0;
	if (o->fd >= 0) {
		r->fd = o->fd;
	} else if ((n = listenfd_count()) == -1) {
		err(EXIT_USAGE, "LISTEN_FDS");
	} else if (n > 0) {
		r->fd = LISTENFD_START;
	} else {
		if (argc == 0)
			errx(EXIT_USAGE, "no socket: give iface ethertype, or "
			    "run it under rawopen(1)");
		if (argc != 2)
			usage();
		if (cli_iface(NULL, argv[0], &r->ifc, &e) == -1)
			cli_exit(&e);
		if ((r->fd = rawsock_socket()) == -1) {
			if (errno == EPERM)
				errx(EXIT_SYS, "socket: %s: needs CAP_NET_RAW; "
				    "without it, run ethsend under rawopen(1)",
				    strerror(errno));
			err(EXIT_SYS, "socket");
		}
		memset(&ro, 0, sizeof(ro));
		ro.ifindex = r->ifc.index;
		ro.type = ETHTYPE_NONE;	/* send only: receive nothing */
		if (rawsock_setup(r->fd, &ro) == -1)
			err(EXIT_SYS, "%s", argv[0]);
		*btype = ETHTYPE_NONE;
		r->have_ifc = 1;
		return;
	}
	if (relay_fd(r->fd) == 1) {
		open_relayed(r, argv, argc, btype);
		return;
	}
	if (open_tap(r, argv, argc))
		return;
	if (rawsock_info(r->fd, &ifindex, btype) == -1) {
		if (errno == EBADF)
			err(EXIT_USAGE, "fd %d", r->fd);
		errx(EXIT_USAGE, "fd %d: not a raw AF_PACKET socket (%s)",
		    r->fd, strerror(errno));
	}
	if (ifindex == 0)
		errx(EXIT_USAGE, "fd %d: not bound to an interface", r->fd);
	if (eth_if_ofsocket(r->fd, ifindex, &r->ifc) == -1)
		err(EXIT_SYS, "fd %d: interface %d", r->fd, ifindex);
	r->have_ifc = 1;
	if (argc == 2 && strcmp(argv[0], r->ifc.name) != 0)
		errx(EXIT_USAGE, "fd %d is bound to %s, not %s", r->fd,
		    r->ifc.name, argv[0]);
	if (argc != 0 && argc != 2)
		usage();
}

/*
 * open_socket(), then its fd as the frames' target (lib/txq), given up
 * when a stop signal comes.
 */
static void
open_target(const struct opts *o, struct run *r, char **argv, int argc,
    uint16_t *btype)
{
	open_socket(o, r, argv, argc, btype);
	txq_init(&r->q, r->fd, r->relayed ? TXQ_RELAYED : r->tap ? TXQ_TAP :
	    TXQ_PACKET, &stop);
}

/* Parses a -f argument. */
static enum pcapio_format
parse_format(const char *s)
{
	if (strcmp(s, "hex") == 0)
		return PCAPIO_FMT_HEX;
	if (strcmp(s, "lines") == 0)
		return PCAPIO_FMT_LINES;
	if (strcmp(s, "raw") == 0)
		return PCAPIO_FMT_RAW;
	errx(EXIT_USAGE, "-f %s: not hex, lines or raw", s);
}

/*
 * The options into *o; returns optind.  Each bad value is named, exit 100.
 */
static int
options(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "fd", required_argument, NULL, 'S' },
		{ "progress", no_argument, NULL, 'P' },
		{ "stats-format", required_argument, NULL, OPT_STATS },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_err e;
	long long v;
	int ch, li;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->ifid = -1;
	o->loops = 1;
	o->optype = ETHTYPE_NONE;
	/* li tells -S from --fd, so that the message names what was given. */
	while ((li = -1, ch = getopt_long(argc, argv,
	    "+c:d:f:i:j:kl:PqR:r:S:s:t:v:", longopts, &li)) != -1) {
		switch (ch) {
		case 'c':
			if (cli_count("-c", optarg, 1, LLONG_MAX, &v, &e) == -1)
				cli_exit(&e);
			o->count = v;
			break;
		case 'd':
			if (eth_parse_mac(optarg, o->dst) == -1)
				errx(EXIT_USAGE, "-d %s: not a MAC address",
				    optarg);
			o->have_dst = 1;
			break;
		case 'f':
			o->fmt = parse_format(optarg);
			break;
		case 'i':
			if (cli_number("-i", optarg, 0, UINT32_MAX, &v,
			    &e) == -1)
				cli_exit(&e);
			o->ifid = v;
			break;
		case 'j':
			if (cli_number("-j", optarg, 1, SENDERS_MAX, &v,
			    &e) == -1)
				cli_exit(&e);
			o->senders = (int)v;
			break;
		case 'k':
			o->skip = 1;
			break;
		case 'l':
			if (cli_number("-l", optarg, 0, LLONG_MAX, &v,
			    &e) == -1)
				cli_exit(&e);
			o->loops = v;
			break;
		case 'P':
			o->progress = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'R':
			if (pace_parse_factor(optarg, &o->factor, &e) == -1)
				cli_exit(&e);
			break;
		case 'r':
			if (pace_parse_rate(optarg, &o->rate, &o->bitrate,
			    &e) == -1)
				cli_exit(&e);
			break;
		case OPT_STATS:
			if (strcmp(optarg, "kv") == 0)
				o->kv = 1;
			else if (strcmp(optarg, "text") != 0)
				errx(EXIT_USAGE, "--stats-format %s: text or kv",
				    optarg);
			break;
		case 'S':
			if (cli_fd(li >= 0 ? "--fd" : "-S", optarg, &o->fd,
			    &e) == -1)
				cli_exit(&e);
			break;
		case 's':
			if (eth_parse_mac(optarg, o->src) == -1)
				errx(EXIT_USAGE, "-s %s: not a MAC address",
				    optarg);
			o->have_src = 1;
			break;
		case 't':
			if (cli_ethertype("-t", optarg, &o->type, &e) == -1)
				cli_exit(&e);
			o->have_type = 1;
			break;
		case 'v':
			if (eth_parse_vlan(optarg, &o->tci) == -1)
				errx(EXIT_USAGE, "-v %s: not VLAN[:PRIO] "
				    "(0-4095, 0-7)", optarg);
			o->tagged = 1;
			break;
		case CLI_OPT_HELP:
			cli_help(usage_text);
		case CLI_OPT_VERSION:
			cli_version_exit();
		default:
			usage();
		}
	}
	if (o->rate > 0 && o->factor > 0)
		errx(EXIT_USAGE, "-r and -R exclude each other");
	/* Pacing is one sender's clock: not shared, not pretended. */
	if (o->senders > 1 && (o->rate > 0 || o->factor > 0))
		errx(EXIT_USAGE, "-j %d: not with -%c (pacing is one sender's)",
		    o->senders, o->rate > 0 ? 'r' : 'R');
	if (o->senders > 1 && o->fd >= 0)
		errx(EXIT_USAGE, "-j %d: not with %s (one fd is one sender)",
		    o->senders, "-S");
	return optind;
}

/*
 * The operands [IFACE ETHERTYPE]: one line for each wrong shape.  The
 * ethertype is the frames' default type, and what *btype the tool opens.
 */
static void
operands(struct opts *o, int argc, char **argv, uint16_t *btype)
{
	struct cli_err e;

	if (argc == 1)
		errx(EXIT_USAGE, "%s: an interface needs an ethertype",
		    argv[0]);
	if (argc > 2)
		errx(EXIT_USAGE, "%s: one interface and one ethertype at most",
		    argv[2]);
	if (argc != 2)
		return;
	if (cli_ifname(NULL, argv[0], &e) == -1 ||
	    cli_ethertype(NULL, argv[1], btype, &e) == -1)
		cli_exit(&e);
	o->optype = *btype;
	/* The type the tool opens is a default for the payloads. */
	if (!o->have_type && *btype != ETHTYPE_ALL && *btype != ETHTYPE_NONE) {
		o->type = *btype;
		o->have_type = 1;
	}
}

/*
 * Input that is neither a capture nor text, without -f: a compressed
 * capture by its name, other bytes as not text.  Ends the run (111).
 */
static void
refuse_input(const struct pcapio_reader *rd)
{
	enum textio_kind k = textio_sniff(rd->buf + rd->pos,
	    rd->end - rd->pos);

	if (k == TEXTIO_TEXT)
		return;
	if (k == TEXTIO_BINARY)
		errx(EXIT_SYS, "stdin: not text: give -f raw to send it as "
		    "payloads");
	errx(EXIT_SYS, "stdin: %s-compressed: decompress it first",
	    textio_kindname(k));
}

/*
 * Opens stdin and tells its format: pcap or pcapng by their magic, else
 * -f or lines.  -l and -R need timestamps: pcap or pcapng.
 */
static enum pcapio_format
open_input(const struct opts *o, struct run *r, struct pcapio_reader *rd)
{
	enum pcapio_format fmt;
	off_t seekable;
	int ret;

	/* -l on a pipe keeps the whole capture in memory; a file is re-read. */
	seekable = lseek(STDIN_FILENO, 0, SEEK_CUR);
	if (pcapio_reader_init(rd, STDIN_FILENO, 0,
	    o->loops != 1 && seekable == -1 ? KEEP_MAX : 0) == -1)
		err(EXIT_SYS, "malloc");
	while ((ret = pcapio_detect(rd)) == -1 && errno == EINTR && !stop)
		feedback(o, r);
	if (ret == -1) {
		if (stop)
			finish(o, r, 0);
		err(EXIT_SYS, "stdin");
	}
	fmt = (enum pcapio_format)ret;
	if (fmt == PCAPIO_FMT_NONE && o->fmt == PCAPIO_FMT_NONE)
		refuse_input(rd);
	if (fmt == PCAPIO_FMT_NONE)
		fmt = o->fmt != PCAPIO_FMT_NONE ? o->fmt : PCAPIO_FMT_LINES;
	if (o->loops != 1 && fmt != PCAPIO_FMT_PCAP &&
	    fmt != PCAPIO_FMT_PCAPNG)
		errx(EXIT_USAGE, "-l: the input is not pcap or pcapng");
	if (o->factor > 0 && fmt != PCAPIO_FMT_PCAP &&
	    fmt != PCAPIO_FMT_PCAPNG)
		errx(EXIT_USAGE, "-R: the input is not pcap or pcapng");
	if (o->ifid >= 0 && fmt != PCAPIO_FMT_PCAPNG)
		errx(EXIT_USAGE, "-i: the input is not pcapng");
	return fmt;
}

/*
 * For payload input: the Ethernet header every payload is sent behind,
 * into r->hdr, from -d, -s (or the interface's address), -t and -v.
 */
static void
payload_header(const struct opts *o, struct run *r, enum pcapio_format fmt)
{
	struct eth_hdr h;
	int hl;

	r->payload = fmt == PCAPIO_FMT_LINES || fmt == PCAPIO_FMT_RAW;
	if (r->payload) {
		if (!o->have_type)
			errx(EXIT_USAGE, "the input is payload, not frames: "
			    "give its ethertype with -t");
		if (!r->have_ifc && !o->have_src)
			errx(EXIT_USAGE, "the input is payload, not frames: "
			    "on a relayed fd give iface ethertype, or -s");
		if (!r->have_ifc)
			r->ifc.mtu = RELAYED_MTU;
		memset(&h, 0, sizeof(h));
		memcpy(h.dst, o->have_dst ? o->dst :
		    (const uint8_t *)"\xff\xff\xff\xff\xff\xff", ETH_ALEN_);
		memcpy(h.src, o->have_src ? o->src : r->ifc.mac, ETH_ALEN_);
		h.type = o->type;
		h.tagged = o->tagged;
		h.tpid = 0x8100;
		h.tci = o->tci;
		if ((hl = eth_encode(r->hdr, sizeof(r->hdr), &h)) == -1)
			err(EXIT_SYS, "eth_encode");
		r->hdrlen = (size_t)hl;
	}
}

/*
 * Sends every record, o->loops times, as -c, -r and -R say, and ends the
 * run with its summary.
 */
static void __attribute__((noreturn))
send_all(const struct opts *o, struct run *r, struct pcapio_reader *rd,
    enum pcapio_format fmt)
{
	struct pcapio_rec rec;
	uint64_t pass, t, taken = 0, passrecs;
	int ret;

	for (pass = 0; o->loops == 0 || pass < o->loops; pass++) {
		if (pass > 0) {
			if (pcapio_rewind(rd) == -1)
				err(EXIT_SYS, "stdin: rewind");
			pace_rewind(&r->pace);
		}
		passrecs = 0;
		for (;;) {
			if (stop)
				finish(o, r, 0);
			if (o->count > 0 && taken >= o->count)
				break;
			ret = next(rd, fmt, (size_t)r->ifc.mtu, &rec);
			if (ret == -1) {
				flush(o, r);
				warnx("stdin: %s", rd->p.err);
				finish(o, r, EXIT_SYS);
			}
			/* -i: the other interfaces' records are passed by. */
			if (ret == 1 && o->ifid >= 0 && rec.ifid != o->ifid)
				continue;
			if (ret == 1) {
				passrecs++;
				if (o->factor > 0 && (t = pace_due(&r->pace,
				    rec.ts_ns, ts_now_ns())) > ts_now_ns()) {
					flush(o, r);
					/* A signal cuts a sleep short. */
					while (!stop && ts_now_ns() < t) {
						ts_sleep_until_ns(t);
						feedback(o, r);
					}
					if (stop)
						finish(o, r, 0);
				}
				if (add(o, r, &rec))
					taken++;
				if (r->b.n == TXQ_BATCH) {
					flush(o, r);
					feedback(o, r);
				}
				continue;
			}
			/* The buffer is used up: send, then read on. */
			flush(o, r);
			feedback(o, r);
			ret = pcapio_refill(rd);
			if (ret == -1 && errno == EINTR)
				continue;
			if (ret == -1) {
				if (errno == EBADMSG || errno == ENOBUFS ||
				    errno == EFBIG)
					warnx("stdin: %s", rd->p.err);
				else
					warn("stdin");
				finish(o, r, EXIT_SYS);
			}
			if (ret == 0)
				break;
		}
		flush(o, r);
		if (passrecs == 0 || (o->count > 0 && taken >= o->count))
			break;
	}
	pcapio_reader_free(rd);
	finish(o, r, 0);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct run *r;
	struct pcapio_reader rd;
	struct sigaction sa;
	enum pcapio_format fmt;
	uint16_t btype = 0;
	int n;

	/* A socket opened onto a closed 0, 1 or 2 would get our output. */
	if (priv_stdfds() == -1)
		err(EXIT_SYS, "fds 0-2");
	n = options(argc, argv, &o);
	argc -= n;
	argv += n;
	operands(&o, argc, argv, &btype);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		err(EXIT_SYS, "calloc");
	r->cur = &r->b;
	if (o.senders > 1 && o.fd < 0 && (n = listenfd_count()) > 0 &&
	    n != o.senders)
		errx(EXIT_USAGE, "-j %d: %d %s handed over: one sender for "
		    "each", o.senders, n, plural((uint64_t)n, "fd was",
		    "fds were"));
	open_target(&o, r, argv, argc, &btype);
	if (o.senders > 1)
		senders_open(&o, r, argv, argc);
	if (!o.have_type && btype != ETHTYPE_ALL && btype != ETHTYPE_NONE) {
		o.type = btype;
		o.have_type = 1;
	}
	r->maxframe = (size_t)r->ifc.mtu + ETH_HLEN_;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1 ||
	    (o.progress && sigaction(SIGALRM, &sa, NULL) == -1))
		err(EXIT_SYS, "sigaction");

	ts_now(&r->start);
	pace_init(&r->pace, o.rate, o.bitrate, o.factor, r->maxframe, TXQ_BATCH,
	    ts_ns(&r->start));
	if (o.progress) {
		/* The rate line's clock: a signal that also ends a wait. */
		struct itimerval it = { { 1, 0 }, { 1, 0 } };

		if (setitimer(ITIMER_REAL, &it, NULL) == -1)
			err(EXIT_SYS, "setitimer");
	}
	fmt = open_input(&o, r, &rd);
	payload_header(&o, r, fmt);
	send_all(&o, r, &rd, fmt);
}
