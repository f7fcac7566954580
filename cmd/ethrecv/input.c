/*
 * ethrecv's input: the wait for frames (and for a reader that goes, the
 * end of -t, the signals), the next batch, and what of it is wanted (-Q,
 * -c).  The signals that end a run are blocked but while waiting, so
 * that they come between frames, never in the middle of a write.
 */
#include <err.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ethrecv.h"
#include "fdcap.h"
#include "timeutil.h"

/* What the signal handler saw (ethrecv.h). */
volatile sig_atomic_t stop;
volatile sig_atomic_t info;
volatile sig_atomic_t nsignals;	/* how many arrived */

static void
onsignal(int sig)
{
	if (sig == SIGUSR1) {
		info = 1;
		return;
	}
	stop = sig;
	nsignals++;
}

/*
 * A SIGINT or SIGTERM waiting while they are blocked, taken: under a
 * flood the capture loop goes from batch to batch without a ppoll(2) in
 * which they could arrive.
 */
void
take_pending(void)
{
	static const struct timespec zero;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	while ((sig = sigtimedwait(&set, NULL, &zero)) > 0)
		onsignal(sig);
}

/*
 * The signals that end a run are blocked but while waiting (*waitmask),
 * so that they are seen between frames and never in the middle of a
 * write; SIGPIPE is ignored.  What ethrecv found goes to *origmask and
 * *origpipe, for the handlers.
 */
void
signals(sigset_t *origmask, struct sigaction *origpipe, sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1)
		err(EXIT_SYS, "sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, origpipe) == -1)
		err(EXIT_SYS, "sigaction");
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &block, origmask) == -1)
		err(EXIT_SYS, "sigprocmask");
	*waitmask = *origmask;
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGUSR1);
}

/* Whether the frame goes the way -Q asked for. */
int
wanted(const struct ethrecv *e, const struct ring_frame *f)
{
	return f->pkttype == PACKET_OUTGOING ? (e->dir & DIR_OUT) != 0 :
	    (e->dir & DIR_IN) != 0;
}

/* Whether -c or -t says the run is over. */
int
done(const struct ethrecv *e)
{
	if (e->count > 0 && e->frames >= e->count)
		return 1;
	return e->seconds > 0 && ts_ms_until(&e->end) == 0;
}

/* How many frames the next batch may hold: what -c still wants. */
static unsigned
batch_max(const struct ethrecv *e)
{
	if (e->count > 0 && e->count - e->frames < RXSRC_BATCH)
		return (unsigned)(e->count - e->frames);
	return RXSRC_BATCH;
}

/*
 * The next batch: 1 when one is held, 0 at the end of the relay's file;
 * an error of the socket ends the run with the summary.
 */
int
next_batch(struct ethrecv *e)
{
	int rc;

	if ((rc = rxsrc_batch(&e->src, batch_max(e))) != -1)
		return rc;
	if (errno == EPIPE && e->relayed)
		return -1;
	if (e->prog == NULL)
		out_flush(e);
	else
		fsrv_kill(&e->srv, SIGKILL);
	warn("%s", e->name);
	summary(e);
	exit(EXIT_SYS);
}

/*
 * Waits for frames, the output's reader going away, or the end of -t.
 * extra (n entries) is polled too.
 */
void
wait_input(struct ethrecv *e, struct pollfd *pfd, int n, long long ms)
{
	struct timespec ts;

	pfd[n].fd = e->fd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	if (e->prog == NULL) {
		pfd[n].fd = capout_fd(&e->out);
		pfd[n].events = 0;
		pfd[n++].revents = 0;
	}
	if (e->seconds > 0)
		ms = ts_ms_sooner(ms, &e->end);
	ts = ts_from_ms(ms);
	if (ppoll(pfd, (nfds_t)n, ms >= 0 ? &ts : NULL, e->waitmask) == -1) {
		if (errno == EINTR)
			return;
		err(EXIT_SYS, "poll");
	}
	/* The reader is gone: a pipe says POLLERR, a socket POLLHUP. */
	if (e->prog == NULL && (pfd[n - 1].revents & (POLLERR | POLLHUP)))
		exit(0);
	if (pfd[e->prog == NULL ? n - 2 : n - 1].revents & POLLNVAL)
		errx(EXIT_SYS, "%s: socket closed", e->name);
}
