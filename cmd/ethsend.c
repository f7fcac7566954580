/*
 * ethsend: frames from stdin to the wire.
 *
 *	ethsend [-kPq] [-c count] [-d mac] [-f format] [-i ifid]
 *	    [-j senders] [-l loops] [-R factor] [-r rate] [-S fd] [-s mac]
 *	    [-t ethertype] [-v vlan[:prio]] [--progress]
 *	    [--stats-format=text|kv] [--tx-ring] [IFACE ETHERTYPE]
 *
 * Frames are read from stdin into one large buffer (lib/pcapio) and sent
 * in batches with sendmmsg(2), each message pointing straight into that
 * buffer: no copy and no allocation per frame.  In the payload formats a
 * frame is three iovecs: the shared Ethernet header, the payload in the
 * buffer, and zero padding up to 60 bytes.  On a tap device's fd
 * (rawopen --tap) each frame is one writev(2) of those iovecs instead.
 * Under -j N the frames are spread over N sender threads, each with a
 * socket of its own (lib/txpool).  The parts: cmd/ethsend/ethsend.h.
 */
#include <sys/time.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eth.h"
#include "fdcap.h"
#include "listenfd.h"
#include "pace.h"
#include "pcapio.h"
#include "priv.h"
#include "timeutil.h"
#include "txpool.h"
#include "txq.h"

#include "ethsend/ethsend.h"

#define OPT_STATS	0x100	/* --stats-format */
#define OPT_TXRING	0x101	/* --tx-ring */

volatile sig_atomic_t stop, info, tick;

/* Exactly ethsend(1)'s SYNOPSIS. */
static const char usage_text[] =
    "usage: ethsend [-kPq] [-c count] [-d mac] [-f format] [-i ifid] "
    "[-j senders]\n"
    "               [-l loops] [-R factor] [-r rate] [-S fd] [-s mac]\n"
    "               [-t ethertype] [-v vlan[:prio]] [--progress]\n"
    "               [--stats-format=text|kv] [--tx-ring] [iface ethertype]\n";

void
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

/*
 * Ends the run: summary, then exit status ex; 111 whenever a frame that
 * was read was not sent (a send error, or a bad frame skipped under -k).
 */
void
finish(const struct opts *o, struct run *r, int ex)
{
	struct txq_fail f;

	if (r->mt != NULL)
		senders_end(r);
	/* What the transmit ring holds goes (and is counted) first. */
	else if (txq_drain(&r->q, &f) == -1) {
		errno = f.err;
		warn("send on %s", r->ifc.name);
		if (ex == 0)
			ex = EXIT_SYS;
	}
	summary(o, r);
	if (ex == 0 && (r->q.errors > 0 || r->skipped > 0))
		ex = EXIT_SYS;
	exit(ex);
}

/* What SIGUSR1 and the --progress timer asked for since the last look. */
void
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
 * Sends the batch, paced by -r (lib/pace: a token bucket refilled from
 * CLOCK_MONOTONIC, so that a stall is not followed by a burst larger than
 * a batch).
 */
void
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
		{ "tx-ring", no_argument, NULL, OPT_TXRING },
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
		case OPT_TXRING:
			o->txring = 1;
			break;
		case OPT_STATS:
			if (cli_stats_format("--stats-format", optarg, &o->kv,
			    &e) == -1)
				cli_exit(&e);
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
 * -i named an interface that no section of the input described (maxnif
 * is the most any had): nothing could be sent, which is a usage error,
 * said once the whole input was read.
 */
static void __attribute__((noreturn))
no_ifid(const struct opts *o, struct run *r, uint32_t maxnif)
{
	char has[64];

	if (maxnif == 0)
		snprintf(has, sizeof(has), "it describes no interface");
	else if (maxnif == 1)
		snprintf(has, sizeof(has), "its only interface is 0");
	else
		snprintf(has, sizeof(has), "its interfaces are 0 to %" PRIu32,
		    maxnif - 1);
	warnx("-i %" PRId64 ": the input has no interface %" PRId64 " (%s)",
	    o->ifid, o->ifid, has);
	finish(o, r, EXIT_USAGE);
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
			ret = next_record(rd, fmt, (size_t)r->ifc.mtu, &rec);
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
				/* The rates' clock: not the wait for input. */
				if (!r->started) {
					r->start = ts_now_ns();
					r->started = 1;
				}
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
		/* Here at the end of a pass, or at -c (then a record matched). */
		if (o->ifid >= 0 && (uint64_t)o->ifid >= rd->p.maxnif)
			no_ifid(o, r, rd->p.maxnif);
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
		    "each", o.senders, n, cli_plural((uint64_t)n, "fd was",
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

	pace_init(&r->pace, o.rate, o.bitrate, o.factor, r->maxframe,
	    TXQ_BATCH, ts_now_ns());
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
