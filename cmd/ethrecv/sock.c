/*
 * ethrecv's socket(s), by lib/capsock: handed over (-S, LISTEN_FDS from
 * rawopen or fdrecv, a rawopen -j group) or opened here (one, or -j N in
 * a fanout group), each with its ring, and checked against the options.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "capsock.h"
#include "cli.h"
#include "ethrecv.h"
#include "fdcap.h"
#include "listenfd.h"
#include "rawsock.h"
#include "ring.h"

#define RETIRE_MS	10		/* block retire timeout */
#define RETIRE_MS_U	1		/* the same under -U */

/*
 * Says why the socket could not be set up (lib/capsock's words for the
 * step that failed, errno as it left it), and exits.
 */
static void __attribute__((noreturn))
open_fail(const struct capsock *c, const char *name,
    const struct capsock_conf *conf)
{
	struct cli_err ce;

	capsock_why(c, name, conf, errno, &ce);
	cli_exit(&ce);
}

/*
 * The handed-over fd told apart (capsock_inspect()) into *cs, kept from
 * the programs -z runs, and checked against the options (what a relayed
 * fd or a tap fd cannot do: the first of -Q, -F and -B); or exit.
 */
static void
inspect(struct ethrecv *e, int fd, struct capsock *cs,
    const struct sockopts *so)
{
	struct cli_err ce;
	const char *opt = NULL;

	if (capsock_inspect(fd, cs) == -1) {
		capsock_why_fd(fd, errno, &ce);
		cli_exit(&ce);
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		err(EXIT_SYS, "fd %d", fd);
	if (e->dir != DIR_IN)
		opt = "-Q";
	else if (so->filter != NULL)
		opt = "-F";
	else if (so->bset)
		opt = "-B";
	if (capsock_usable(cs, (e->dir & DIR_OUT) != 0, opt, &ce) == -1)
		cli_exit(&ce);
}

/*
 * A socket of our own could not be made (EPERM: no CAP_NET_RAW) while
 * fds were handed over, none for the iface and ethertype named: the
 * mistake is the operands, as under `rawopen eth0 0x88b5 -- ethrecv eth1
 * 0x88b5`, and that is what is said (exit 100).  Returns when nothing
 * was handed over, errno kept.
 */
static void
handed_other(const struct sockopts *so)
{
	struct capsock h;
	char want[16], have[16];
	int e = errno;

	if (e != EPERM || listenfd_count() < 1 ||
	    capsock_inspect(LISTENFD_START, &h) == -1) {
		errno = e;
		return;
	}
	eth_format_type(so->type, want, sizeof(want));
	eth_format_type(h.type, have, sizeof(have));
	errx(EXIT_USAGE, "fd %d is for %s %s, not %s %s (a socket of its own "
	    "needs CAP_NET_RAW)", LISTENFD_START, h.ifc.name, have,
	    so->ifname, want);
}

/*
 * The one handed-over socket to be read, cs, when the others handed over
 * with it hold a share of its frames: members of its fanout group (a
 * rawopen -j group), or, for a relayed fd, whose group cannot be told,
 * relayed fds for the same interface and ethertype.  Reading it alone
 * would lose their frames without a word: that is refused (exit 100),
 * with the -j that reads them all.
 */
static void
lone_member(const struct capsock *cs, int server)
{
	struct capsock o;
	uint32_t group = 0, og;
	int n, k, fd, same = 1;

	if ((n = listenfd_count()) <= 1 || cs->kind == CAPSOCK_TAP ||
	    cs->kind == CAPSOCK_TUN)
		return;
	if (cs->kind == CAPSOCK_PACKET &&
	    (rawsock_fanout_of(cs->fd, &group) == -1 || group == 0))
		return;
	for (k = 0; k < n; k++) {
		fd = LISTENFD_START + k;
		if (fd == cs->fd || capsock_inspect(fd, &o) == -1 ||
		    o.kind != cs->kind || o.ifc.index != cs->ifc.index ||
		    o.type != cs->type)
			continue;
		if (o.kind == CAPSOCK_PACKET &&
		    (rawsock_fanout_of(fd, &og) == -1 || og != group))
			continue;
		same++;
	}
	if (same == 1)
		return;
	if (server)
		errx(EXIT_USAGE, "-e serves one socket, and fd %d is one of %d "
		    "handed over that share its frames (rawopen -j %d)",
		    cs->fd, same, same);
	errx(EXIT_USAGE, "fd %d is one of %d sockets handed over that share "
	    "its frames (rawopen -j %d): -j %d reads them all", cs->fd, same,
	    same, same);
}

/*
 * -j N without -e: the N workers' sockets into e->w, *first the first's:
 * the N handed over when handed (a rawopen -j group: each for the
 * interface and ethertype of the first, or each a relayed fd), or N
 * opened here on so->ifname for so->type in one fresh fanout group
 * (cc->group, cc->fanout).  Each has a ring of its own (cc), and a CPU
 * of -P's in turn.
 */
static void
open_workers(struct ethrecv *e, int handed, const struct sockopts *so,
    struct capsock_conf *cc, struct capsock *first)
{
	struct capsock cs;
	struct worker *w;
	unsigned group = 0;
	int k, fd;

	if ((e->w = calloc((size_t)e->nw, sizeof(*e->w))) == NULL)
		err(EXIT_SYS, "malloc");
	if (!handed)
		cc->group = &group;
	/* Ours alone: no socket of anyone else's may join the group. */
	cc->members = (unsigned)e->nw;
	for (k = 0; k < e->nw; k++) {
		w = &e->w[k];
		w->k = (uint32_t)k;
		w->cpu = so->cpus[k % so->ncpus];
		if (!handed) {
			if (capsock_open(&cs, so->ifname, so->type, cc,
			    &w->src) == -1) {
				if (cs.step == CAPSOCK_STEP_SOCKET)
					handed_other(so);
				open_fail(&cs, so->ifname, cc);
			}
		} else {
			fd = LISTENFD_START + k;
			inspect(e, fd, &cs, so);
			if (k > 0 && (cs.kind != first->kind ||
			    cs.ifc.index != first->ifc.index ||
			    cs.type != first->type))
				errx(EXIT_USAGE, "fd %d: not for what fd %d is "
				    "for (-j takes the sockets of one rawopen -j "
				    "group)", fd, LISTENFD_START);
			if (capsock_take(&cs, cc, &w->src) == -1)
				open_fail(&cs, cs.ifc.name, cc);
		}
		w->fd = cs.fd;
		if (k == 0)
			*first = cs;
	}
	cc->group = NULL;
}

/*
 * The socket(s) the command line asks for, into e (and *cs, the one or
 * the first): with -j N (server 0) the N sockets of a rawopen -j group
 * handed over, or N of our own in a fanout group; else the one given by
 * -S, or handed over for iface ethertype (or without them), or opened
 * here on iface for ethertype.  Each gets its ring; a handed-over one is
 * checked against the options.  so->sockfd becomes the handed-over fd
 * (the first), or -1 when the socket is our own.  Whatever cannot be
 * done is said, and the run ends.
 */
void
open_sockets(struct ethrecv *e, struct sockopts *so, int server,
    struct capsock *cs)
{
	struct capsock_conf cc;
	cpu_set_t one;
	int nhanded;

	memset(&cc, 0, sizeof(cc));
	cc.filter = so->filter;
	cc.outgoing = (e->dir & DIR_OUT) != 0;
	cc.promisc = so->promisc;
	ring_geometry(so->ringsize, &cc.block_size, &cc.block_nr);
	cc.retire_ms = e->unbuffered ? RETIRE_MS_U : RETIRE_MS;
	cc.fanout = so->fanout;
	if (!server && so->jobs > 1) {
		/* Workers: the sockets of a rawopen -j group, or our own. */
		if (so->sockfd != -1)
			errx(EXIT_USAGE, "-j %d: -S gives one socket",
			    so->jobs);
		if ((nhanded = listenfd_count()) == -1)
			err(EXIT_USAGE, "LISTEN_FDS");
		if (so->ifname != NULL &&
		    capsock_handed_for(so->ifname, so->type) == -1)
			nhanded = 0;
		if (nhanded == 0 && so->ifname == NULL)
			errx(EXIT_USAGE, "no socket: give iface ethertype, "
			    "or run it under rawopen(1)");
		if (nhanded > 0 && nhanded != so->jobs)
			errx(EXIT_USAGE, "-j %d: %d %s handed over (rawopen -j "
			    "%d hands over %d)", so->jobs, nhanded,
			    nhanded == 1 ? "socket was" : "sockets were",
			    so->jobs, so->jobs);
		if (nhanded > 0 && so->modeset)
			errx(EXIT_USAGE, "-j %s: the sockets handed over are in "
			    "rawopen's fanout group already", so->jobarg);
		if (nhanded > 0 && so->promisc)
			errx(EXIT_USAGE, "-p: fd %d was handed over "
			    "(rawopen -p for a handed-over socket)",
			    LISTENFD_START);
		e->nw = so->jobs;
		open_workers(e, nhanded > 0, so, &cc, cs);
		so->sockfd = nhanded > 0 ? LISTENFD_START : -1;
	} else if (so->ifname != NULL) {
		if (so->sockfd != -1)
			errx(EXIT_USAGE, "-S and iface ethertype: choose one");
		so->sockfd = capsock_handed_for(so->ifname, so->type);
	} else if (so->sockfd == -1) {
		if ((nhanded = listenfd_count()) == -1)
			err(EXIT_USAGE, "LISTEN_FDS");
		if (nhanded == 0)
			errx(EXIT_USAGE, "no socket: give iface ethertype, "
			    "or run it under rawopen(1)");
		so->sockfd = LISTENFD_START;
	}
	if (e->nw > 0)
		;	/* open_workers() did it all */
	else if (so->sockfd == -1) {
		if (capsock_open(cs, so->ifname, so->type, &cc, &e->src) == -1) {
			if (cs->step == CAPSOCK_STEP_SOCKET)
				handed_other(so);
			open_fail(cs, so->ifname, &cc);
		}
	} else {
		if (so->promisc)
			errx(EXIT_USAGE, "-p: fd %d was handed over "
			    "(rawopen -p for a handed-over socket)",
			    so->sockfd);
		inspect(e, so->sockfd, cs, so);
		lone_member(cs, server);
		if (capsock_take(cs, &cc, &e->src) == -1)
			open_fail(cs, cs->ifc.name, &cc);
	}
	/* -j 1 -P: the one thread, pinned as a worker would be. */
	if (e->nw == 0 && so->cpuarg != NULL) {
		CPU_ZERO(&one);
		CPU_SET(so->cpus[0], &one);
		if (sched_setaffinity(0, sizeof(one), &one) == -1)
			err(EXIT_SYS, "-P %s", so->cpuarg);
	}
	e->fd = cs->fd;
	e->ifc = cs->ifc;
	e->relayed = cs->kind == CAPSOCK_RELAYED;
	e->tap = cs->kind == CAPSOCK_TAP;
	listenfd_unsetenv();
	e->name = e->ifc.name;
}
