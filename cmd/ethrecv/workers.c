/*
 * ethrecv -j without -e: the capture workers (lib/rxpool), a socket and
 * a thread each, and the main thread's wait while they run.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ethrecv.h"
#include "fdcap.h"
#include "timeutil.h"

/* rxpool: worker k's batch into the output, under the pool's lock. */
static int
pool_batch(void *arg, int k, struct rxsrc *src)
{
	struct ethrecv *e = arg;

	capout_setif(&e->out, (uint32_t)k);
	take_batch(e, src, &e->w[k]);
	return done(e);
}

/* rxpool: worker k found no batch ready: the output is written. */
static int
pool_idle(void *arg, int k)
{
	struct ethrecv *e = arg;

	(void)k;
	out_flush(e);
	return done(e);
}

/*
 * -j without -e: the workers started (lib/rxpool), each pinned to its
 * CPU with every signal blocked, each batch of a socket going into the
 * shared output whole, so that records of two workers never mix and -c
 * counts over all of them; this thread waits for the signals, -t, -c,
 * the -G interval, the rate lines and a reader that goes away, then
 * stops them and waits for them.  A worker stuck writing to a reader
 * that takes nothing is sent the stop signal, which its wait lets in.
 * A failure of a worker's socket ends the run with the summary.
 */
void
workers(struct ethrecv *e)
{
	struct rxpool_conf pc;
	struct rxsrc **src;
	struct pollfd pfd[2];
	struct timespec ts;
	long long ms;
	int *cpu, k, n, over, rc;

	if ((src = calloc((size_t)e->nw, sizeof(*src))) == NULL ||
	    (cpu = calloc((size_t)e->nw, sizeof(*cpu))) == NULL)
		err(EXIT_SYS, "malloc");
	for (k = 0; k < e->nw; k++) {
		src[k] = &e->w[k].src;
		cpu[k] = e->w[k].cpu;
	}
	memset(&pc, 0, sizeof(pc));
	pc.n = e->nw;
	pc.src = src;
	pc.cpu = cpu;
	pc.end = e->seconds > 0 ? &e->end : NULL;
	pc.batch = pool_batch;
	pc.idle = pool_idle;
	pc.arg = e;
	if (rxpool_start(&e->pool, &pc) == -1) {
		if (e->pool.failk >= 0)
			err(EXIT_SYS, "worker %d on CPU %d", e->pool.failk,
			    cpu[e->pool.failk]);
		/* No worker's: the set-up's (calloc, eventfd). */
		err(EXIT_SYS, "%s", errno == ENOMEM ? "malloc" : "eventfd");
	}
	for (over = 0; !over;) {
		n = 0;
		pfd[n].fd = rxpool_wakefd(&e->pool);
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
		if (!e->tofile) {
			pfd[n].fd = capout_fd(&e->out);
			pfd[n].events = 0;
			pfd[n++].revents = 0;
		}
		ms = feedback_ms(e, capout_wait_ms(&e->out));
		if (e->seconds > 0)
			ms = ts_ms_sooner(ms, &e->end);
		ts = ts_from_ms(ms);
		if (ppoll(pfd, (nfds_t)n, ms >= 0 ? &ts : NULL,
		    e->waitmask) == -1 && errno != EINTR)
			err(EXIT_SYS, "poll");
		if (stop)
			break;
		/* The reader is gone: a pipe says POLLERR, a socket POLLHUP. */
		if (n == 2 && (pfd[1].revents & (POLLERR | POLLHUP)))
			exit(0);
		rxpool_lock(&e->pool);
		over = rxpool_ended(&e->pool) == e->nw ||
		    rxpool_failed(&e->pool, &k) != 0 || done(e);
		if (!over) {
			feedback(e);
			tick(e);
		}
		rxpool_unlock(&e->pool);
	}
	rxpool_stop(&e->pool, stop);
	/* A worker's socket failed: what was queued is written, and so. */
	if ((rc = rxpool_failed(&e->pool, &k)) != 0) {
		out_flush(e);
		errno = rc;
		warn("%s: worker %d", e->name, k);
		summary(e);
		exit(EXIT_SYS);
	}
	out_flush(e);
	rxpool_free(&e->pool);
	free(src);
	free(cpu);
}
