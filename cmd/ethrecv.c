/*
 * ethrecv: frames from the wire to stdout, or to a program per frame.
 *
 *	ethrecv [-pU] [-B size] [-c count] [-F filter] [-j jobs[:mode]]
 *	    [-P cpulist] [-Q in|out|inout] [-S fd] [-s snaplen] [-t seconds]
 *	    [-w pcap|pcapng|text|hex|payload]
 *	    [--comment text] [--tstamp-us]
 *	    [-o file [-C size] [-G seconds] [-W count] [-z prog]] [iface ethertype]
 *	ethrecv -e [-p] [-B size] [-c count] [-F filter] [-j jobs]
 *	    [-S fd] [-T seconds] [-t seconds] [iface ethertype] -- prog [arg ...]
 *
 * The socket is the one handed over (-S, or LISTEN_FDS from rawopen or
 * fdrecv), or one opened here on iface for ethertype (lib/capsock); a tap
 * device's fd (rawopen --tap) serves as well.  Frames come a batch at a
 * time (lib/rxsrc: a TPACKET_V3 ring block, a relayed fd's messages, or
 * a tap's reads) and leave as whole records in large writes (lib/capout),
 * so that what has been written is always a valid capture; with -o they
 * go to a set of files, each a capture of its own; with -j N, N workers
 * read a socket each (lib/rxpool); with -e each frame is handed to a
 * program (lib/fsrv) whose output is the reply.
 *
 * This file has the options and the one socket's capture loop; the
 * other parts are in cmd/ethrecv/ (ethrecv.h says which does what).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capout.h"
#include "capsock.h"
#include "cli.h"
#include "fdcap.h"
#include "fileset.h"
#include "fsrv.h"
#include "pcapio.h"
#include "priv.h"
#include "rawsock.h"
#include "relay.h"
#include "ring.h"
#include "rxsrc.h"
#include "timeutil.h"

#include "ethrecv/ethrecv.h"

#define JOBS_DEFAULT	1
#define HTIMEOUT_DEFAULT 10

/* Long options without a letter. */
#define OPT_COMMENT	256
#define OPT_TSTAMP_US	257
#define OPT_PROGRESS	258
#define OPT_STATS	259

/* Exactly ethrecv(1)'s SYNOPSIS. */
static const char usage_text[] =
    "usage: ethrecv [-pqUv] [-B size] [-c count] [-F filter] "
    "[-j jobs[:mode]]\n"
    "               [-P cpulist] [-Q in|out|inout] [-S fd] [-s snaplen] "
    "[-t seconds]\n"
    "               [-w pcap|pcapng|text|hex|payload]\n"
    "               [--comment text] [--progress] "
    "[--stats-format=text|kv] [--tstamp-us]\n"
    "               [-o file [-C size] [-G seconds] [-W count] "
    "[-z prog]] [iface ethertype]\n"
    "       ethrecv -e [-pqv] [-B size] [-c count] [-F filter] "
    "[-j jobs] [-S fd]\n"
    "               [-T seconds] [-t seconds] [iface ethertype] "
    "-- prog [arg ...]\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/*
 * The frames of src's ready batch into the output, as far as -c allows
 * (a worker w counts them too).  What the output references of the batch
 * is written before the caller gives the batch back.  A worker calls it
 * under the pool's lock, and never once the pool is stopping.
 */
void
take_batch(struct ethrecv *e, struct rxsrc *src, struct worker *w)
{
	struct ring_frame f;

	while (!done(e) && rxsrc_frame(src, &f) == 1) {
		if (!wanted(e, &f))
			continue;
		emit(e, &f);
		e->frames++;
		e->bytes += f.len;
		if (w != NULL) {
			w->frames++;
			w->bytes += f.len;
		}
		if (e->unbuffered)
			out_flush(e);
	}
	/* Frames written from the batch go before its reuse. */
	if (capout_unref(&e->out) == -1)
		out_fail(e);
}

/*
 * The capture loop: every ready batch goes into the output buffer, which
 * is written when no batch is ready (or it is full; under -U after every
 * frame), and before a batch whose frames it references is given back.
 * Ends at a signal, -c, -t, an error of the socket, the relay's end of
 * file, or a reader that went away (so that `| head -c 1` ends at once
 * even when nothing arrives).
 */
static void
capture(struct ethrecv *e)
{
	struct pollfd pfd[2];
	int rc;

	while (!stop && !done(e)) {
		if ((rc = next_batch(e)) == -1)
			break;
		if (rc == 1) {
			take_batch(e, &e->src, NULL);
			rxsrc_done(&e->src);
			take_pending();
			feedback(e);
			continue;
		}
		out_flush(e);
		tick(e);
		wait_input(e, pfd, 0, feedback_ms(e, capout_wait_ms(&e->out)));
		feedback(e);
	}
	out_flush(e);
}

/* The frame source that stands for all: the socket's, or worker 0's. */
struct rxsrc *
src0(struct ethrecv *e)
{
	return e->nw > 0 ? &e->w[0].src : &e->src;
}

/* What is left of the command line for main(), past *e and *so. */
struct recvopts {
	int		 server;	/* -e */
	int		 htimeout;	/* -T, in seconds; 0: the default */
	long long	 snap;		/* -s; -1: none */
	long long	 tms;		/* -t, in milliseconds; 0: none */
};

/*
 * The options and operands into *e, *so and *o, checked, and -o's file
 * set into e->out (its -z programs with origmask); each bad value is
 * named, exit 100.
 */
static void
options(int argc, char *argv[], struct ethrecv *e, struct sockopts *so,
    struct recvopts *o, const sigset_t *origmask)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "comment", required_argument, NULL, OPT_COMMENT },
		{ "fd", required_argument, NULL, 'S' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "stats-format", required_argument, NULL, OPT_STATS },
		{ "tstamp-us", no_argument, NULL, OPT_TSTAMP_US },
		{ NULL, 0, NULL, 0 }
	};
	struct fileset_conf fc;
	const char *fmtarg = NULL, *last = NULL;
	int ch, nargs, li;
	long long v;
	struct cli_err ce;
	cpu_set_t allowed;

	memset(e, 0, sizeof(*e));
	e->fd = -1;
	e->dir = DIR_IN;
	memset(&fc, 0, sizeof(fc));
	memset(so, 0, sizeof(*so));
	so->sockfd = -1;
	so->ringsize = RING_SIZE_DEFAULT;
	memset(o, 0, sizeof(*o));
	o->snap = -1;
	/* li tells -S from --fd, so that a message names what was given. */
	while ((li = -1, ch = getopt_long(argc, argv,
	    "+B:C:c:eF:G:j:o:P:pQ:qS:s:T:t:UvW:w:z:", longopts, &li)) != -1) {
		last = optarg;
		switch (ch) {
		case 'q':
			e->quiet = 1;
			break;
		case 'v':
		case OPT_PROGRESS:
			e->progress = 1;
			break;
		case OPT_STATS:
			if (cli_stats_format("--stats-format", optarg, &e->kv,
			    &ce) == -1)
				cli_exit(&ce);
			break;
		case 'B':
			if (cli_size("-B", optarg, 16 << 10, 1 << 30, &v,
			    &ce) == -1)
				cli_exit(&ce);
			so->ringsize = (size_t)v;
			so->bset = 1;
			break;
		case 'C':
			if (cli_size("-C", optarg, 1, LLONG_MAX, &v, &ce) == -1)
				cli_exit(&ce);
			fc.maxsize = (uint64_t)v;
			break;
		case 'c':
			if (cli_count("-c", optarg, 1, LLONG_MAX, &v,
			    &ce) == -1)
				cli_exit(&ce);
			e->count = (uint64_t)v;
			break;
		case 'e':
			o->server = 1;
			break;
		case 'F':
			so->filter = optarg;
			break;
		case 'G':
			fc.seconds = (unsigned)opt_number(ch, optarg, 1, 31536000);
			break;
		case 'j':
			so->jobarg = optarg;
			break;
		case 'o':
			fc.pattern = optarg;
			break;
		case 'P':
			so->cpuarg = optarg;
			break;
		case 'p':
			so->promisc = 1;
			break;
		case 'Q':
			if (strcmp(optarg, "in") == 0)
				e->dir = DIR_IN;
			else if (strcmp(optarg, "out") == 0)
				e->dir = DIR_OUT;
			else if (strcmp(optarg, "inout") == 0)
				e->dir = DIR_IN | DIR_OUT;
			else
				errx(EXIT_USAGE, "-Q %s: in, out or inout",
				    optarg);
			break;
		case 'S':
			if (cli_fd(li >= 0 ? "--fd" : "-S", optarg, &so->sockfd,
			    &ce) == -1)
				cli_exit(&ce);
			break;
		case 's':
			o->snap = opt_number(ch, optarg, 0, RING_SNAPLEN_MAX);
			break;
		case OPT_COMMENT:
			if (strlen(optarg) > PCAPIO_NG_OPTMAX)
				errx(EXIT_USAGE, "--comment: longer than %d "
				    "bytes", PCAPIO_NG_OPTMAX);
			e->comment = optarg;
			break;
		case OPT_TSTAMP_US:
			e->usec = 1;
			break;
		case 'T':
			/* Whole seconds for fsrv: 1500ms waits 2 s. */
			o->htimeout = (int)((opt_duration(ch, optarg,
			    MSEC_PER_SEC, 86400) +
			    MSEC_PER_SEC - 1) / MSEC_PER_SEC);
			break;
		case 't':
			o->tms = opt_duration(ch, optarg, 1, 31536000);
			e->seconds = (int)((o->tms + MSEC_PER_SEC - 1) /
			    MSEC_PER_SEC);
			break;
		case 'U':
			e->unbuffered = 1;
			break;
		case 'W':
			fc.keep = (unsigned)opt_number(ch, optarg, 1, 1000000);
			break;
		case 'w':
			fmtarg = optarg;
			break;
		case 'z':
			fc.prog = optarg;
			break;
		case CLI_OPT_HELP:
			cli_help(usage_text);
		case CLI_OPT_VERSION:
			cli_version_exit();
		default:
			usage();
		}
	}
	nargs = operands(o->server, argc, argv, optind, last, &e->prog,
	    &so->type);
	if (o->server && (fmtarg != NULL || e->unbuffered || e->dir != DIR_IN))
		errx(EXIT_USAGE, "-w, -U and -Q do not go with -e");
	if (!o->server && o->htimeout != 0)
		errx(EXIT_USAGE, "-T needs -e");
	if (so->jobarg != NULL)
		so->jobs = parse_jobs(so->jobarg, o->server, &so->fanout,
		    &so->modeset);
	if (so->cpuarg != NULL && (o->server || so->jobarg == NULL))
		errx(EXIT_USAGE, "-P goes with -j (capture workers, without -e)");
	if (!o->server && so->jobarg != NULL) {
		if (sched_getaffinity(0, sizeof(allowed), &allowed) == -1)
			err(EXIT_SYS, "sched_getaffinity");
		if ((so->ncpus = cli_cpulist("-P", so->cpuarg, &allowed,
		    so->cpus, &ce)) == -1)
			cli_exit(&ce);
	}
	/* A file is pcap unless -w says, even from a terminal. */
	e->fmt = parse_format(fmtarg == NULL && fc.pattern != NULL ? "pcap" :
	    fmtarg);
	if (fc.pattern == NULL && (fc.maxsize > 0 || fc.seconds > 0 ||
	    fc.keep > 0 || fc.prog != NULL))
		errx(EXIT_USAGE, "-C, -G, -W and -z need -o");
	if (o->server && fc.pattern != NULL)
		errx(EXIT_USAGE, "-o does not go with -e");
	if (fc.keep > 0 && fc.maxsize == 0 && fc.seconds == 0)
		errx(EXIT_USAGE, "-W needs -C or -G");
	/* -W would remove a file its -z program has yet to read. */
	if (fc.keep > 0 && fc.prog != NULL)
		errx(EXIT_USAGE, "-W and -z: -W could remove a file before "
		    "-z's program reads it; let the program keep the count");
	if (!o->server && so->jobs > WORKERS_MAX)
		errx(EXIT_USAGE, "-j %d: too large (at most %d capture workers)",
		    so->jobs, WORKERS_MAX);
	if (fc.prog != NULL && fsrv_findprog(fc.prog) == -1)
		err(EXIT_EXECERR(errno), "-z %s", fc.prog);
	fc.childmask = origmask;
	if (fc.pattern != NULL && capout_files(&e->out, &fc, ts_wall_ns()) ==
	    -1)
		err(errno == ENOMEM ? EXIT_SYS : EXIT_USAGE, "-o %s", fc.pattern);
	e->tofile = fc.pattern != NULL;
	e->zprog = fc.prog;
	if (o->snap != -1 && (o->server || e->fmt > FMT_PCAPNG))
		errx(EXIT_USAGE, "-s goes with -w pcap or -w pcapng");
	if (e->usec && (o->server || e->fmt != FMT_PCAP))
		errx(EXIT_USAGE, "--tstamp-us goes with -w pcap");
	if (e->comment != NULL && (o->server || e->fmt != FMT_PCAPNG))
		errx(EXIT_USAGE, "--comment goes with -w pcapng");
	/* A program that cannot be found would fail at every frame. */
	if (o->server && fsrv_findprog(e->prog[0]) == -1)
		err(EXIT_EXECERR(errno), "%s", e->prog[0]);

	if (nargs == 2)
		so->ifname = argv[optind];
}

int
main(int argc, char *argv[])
{
	struct ethrecv e;
	struct sockopts so;
	struct recvopts o;
	struct capsock cs;
	struct fsrv_conf sc;
	struct sigaction origpipe;
	sigset_t origmask, waitmask;
	int ch;

	/* A socket opened onto a closed 0, 1 or 2 would get our output. */
	if (priv_stdfds() == -1)
		err(EXIT_SYS, "fds 0-2");
	options(argc, argv, &e, &so, &o, &origmask);
	open_sockets(&e, &so, o.server, &cs);
	e.snaplen = rxsrc_snaplen(src0(&e));
	/* -s 0, as tcpdump's: whole frames. */
	e.cut = o.snap > 0 && (uint32_t)o.snap < e.snaplen ? (uint32_t)o.snap :
	    e.snaplen;
	if ((e.frame = malloc(rxsrc_maxframe(src0(&e)))) == NULL)
		err(EXIT_SYS, "malloc");
	signals(&origmask, &origpipe, &waitmask);
	e.waitmask = &waitmask;
	if (e.seconds > 0) {
		ts_now(&e.end);
		ts_add(&e.end, ts_from_ms(o.tms));
	}

	if (o.server) {
		memset(&sc, 0, sizeof(sc));
		sc.prog = e.prog;
		sc.jobs = so.jobs != 0 ? so.jobs : JOBS_DEFAULT;
		sc.timeout_s = o.htimeout != 0 ? o.htimeout : HTIMEOUT_DEFAULT;
		sc.maxreply = (size_t)(e.ifc.mtu > 0 ? e.ifc.mtu : RELAY_MTU_UNKNOWN);
		sc.childmask = &origmask;
		sc.childpipe = &origpipe;
		if (fsrv_init(&e.srv, &sc) == -1)
			err(EXIT_SYS, "malloc");
		ready(&e, so.sockfd == -1 ? so.type : cs.type);
		serve(&e);
		fsrv_free(&e.srv);
	} else {
		start_output(&e);
		ready(&e, so.sockfd == -1 ? so.type : cs.type);
		if (e.nw > 0)
			workers(&e);
		else
			capture(&e);
		/* The time of the summary: the capture's, not the -z wait. */
		e.t1_ns = ts_now_ns();
		/*
		 * The last file given to -z, and every -z program waited for
		 * (a signal stops the wait: they are left to run).
		 */
		if (capout_end(&e.out) == -1)
			out_fail(&e);
		if (capout_running(&e.out) > 0 && sigprocmask(SIG_SETMASK,
		    &waitmask, NULL) == 0 && capout_reap(&e.out, 1) == -1 &&
		    errno != EINTR)
			warn("-z: waitpid");
		capout_free(&e.out);
	}
	summary(&e);
	for (ch = 0; ch < e.nw; ch++) {
		rxsrc_close(&e.w[ch].src);
		close(e.w[ch].fd);
	}
	if (e.nw == 0) {
		rxsrc_close(&e.src);
		close(e.fd);
	}
	free(e.w);
	free(e.frame);
	return 0;
}
