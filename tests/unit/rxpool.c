/*
 * Unit tests of lib/rxpool, with relayed sources over
 * socketpair(AF_UNIX, SOCK_SEQPACKET) pairs (no privilege, no network):
 * every frame seen exactly once across 2 to 4 workers and each source's
 * in order, each worker pinned to its CPU with every signal blocked, the
 * end of the relay (EPIPE) a normal end, the stop with frames still
 * arriving, the callback's "over", and a source that fails reported with
 * its worker's number; the deadline, the idle callback, the stop's
 * signal, and a start that fails.  An alarm turns a hang into a
 * failure.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rxpool.h"
#include "tap.h"
#include "timeutil.h"

#define MAXW	4
#define NFRAMES	500	/* per source */

struct seen {
	uint32_t	 next[MAXW];	/* each source's next sequence number */
	uint64_t	 frames;
	int		 disorder;	/* out of order, or seen twice */
	int		 unblocked;	/* a worker had SIGINT unblocked */
	int		 pinned;	/* the workers are pinned to cpus[] */
	int		 unpinned;	/* one ran where it was not pinned */
	int		 wrongsrc;	/* a frame of another worker's source */
	uint64_t	 over_at;	/* callback says over at this count */
	int		 inside;	/* callbacks running now (under lock) */
	int		 overlap;
};

static struct seen seen;
static int cpus[MAXW];

/* A frame: 14 bytes of header, then the source and its number. */
static void
put(int fd, uint32_t src, uint32_t seq)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	f[12] = 0x88;
	f[13] = 0xb5;
	memcpy(f + 14, &src, 4);
	memcpy(f + 18, &seq, 4);
	while (send(fd, f, sizeof(f), MSG_NOSIGNAL) == -1 && errno == EINTR)
		;
}

static int
batch(void *arg, int k, struct rxsrc *src)
{
	struct ring_frame f;
	cpu_set_t cpu;
	sigset_t set;
	uint32_t s, q;

	(void)arg;
	if (seen.inside++ > 0)
		seen.overlap = 1;
	pthread_sigmask(SIG_BLOCK, NULL, &set);
	if (!sigismember(&set, SIGINT) || !sigismember(&set, SIGTERM))
		seen.unblocked = 1;
	if (seen.pinned && (pthread_getaffinity_np(pthread_self(),
	    sizeof(cpu), &cpu) != 0 || CPU_COUNT(&cpu) != 1 ||
	    !CPU_ISSET(cpus[k], &cpu)))
		seen.unpinned = 1;
	while (rxsrc_frame(src, &f) == 1) {
		memcpy(&s, f.data + 14, 4);
		memcpy(&q, f.data + 18, 4);
		if (s != (uint32_t)k)
			seen.wrongsrc = 1;
		else if (q != seen.next[k])
			seen.disorder = 1;
		else
			seen.next[k]++;
		seen.frames++;
	}
	seen.inside--;
	return seen.over_at > 0 && seen.frames >= seen.over_at;
}

/* Sources 0..n-1 over socket pairs: the pool reads fd[k][0]. */
static void
sources(int n, int fd[][2], struct rxsrc *src, struct rxsrc **srcp)
{
	int k;

	for (k = 0; k < n; k++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
		    fd[k]) == -1 || rxsrc_relayed(&src[k], fd[k][0], 0) == -1)
			abort();
		srcp[k] = &src[k];
	}
}

/* Waits (at most ~10 s) until every worker has ended. */
static int
wait_ended(struct rxpool *p, int n)
{
	struct pollfd pfd;
	int i, e = 0;

	for (i = 0; i < 1000; i++) {
		rxpool_lock(p);
		e = rxpool_ended(p);
		rxpool_unlock(p);
		if (e == n)
			return 1;
		pfd.fd = rxpool_wakefd(p);
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 10);
	}
	return 0;
}

static void
conf_of(struct rxpool_conf *pc, int n, struct rxsrc **srcp, int *cpu)
{
	memset(pc, 0, sizeof(*pc));
	pc->n = n;
	pc->src = srcp;
	pc->cpu = cpu;
	pc->batch = batch;
}

/* n workers, each source's frames sent, then its end (EPIPE). */
static void
test_all_once(int n)
{
	struct rxsrc src[MAXW], *srcp[MAXW];
	struct rxpool_conf pc;
	struct rxpool p;
	int fd[MAXW][2], k, i, fk, in_order = 1;
	char name[80];

	memset(&seen, 0, sizeof(seen));
	seen.pinned = 1;
	sources(n, fd, src, srcp);
	conf_of(&pc, n, srcp, cpus);
	snprintf(name, sizeof(name), "%d workers: started", n);
	is_int(rxpool_start(&p, &pc), 0, name);
	for (i = 0; i < NFRAMES; i++)
		for (k = 0; k < n; k++)
			put(fd[k][1], (uint32_t)k, (uint32_t)i);
	for (k = 0; k < n; k++)
		close(fd[k][1]);
	snprintf(name, sizeof(name), "%d workers: each ends at its relay's "
	    "end", n);
	ok(wait_ended(&p, n), name);
	rxpool_stop(&p, 0);
	for (k = 0; k < n; k++)
		if (seen.next[k] != NFRAMES)
			in_order = 0;
	snprintf(name, sizeof(name), "%d workers: every frame once, each "
	    "source in order", n);
	ok(in_order && !seen.disorder && !seen.wrongsrc &&
	    seen.frames == (uint64_t)n * NFRAMES, name);
	snprintf(name, sizeof(name), "%d workers: one batch at a time, every "
	    "signal blocked, each on its CPU", n);
	ok(!seen.overlap && !seen.unblocked && !seen.unpinned, name);
	snprintf(name, sizeof(name), "%d workers: no failure", n);
	is_int(rxpool_failed(&p, &fk), 0, name);
	rxpool_free(&p);
	for (k = 0; k < n; k++) {
		rxsrc_close(&src[k]);
		close(fd[k][0]);
	}
}

struct flood {
	int		 fd;
	volatile int	 stop;
};

/* Sends frames of source 0 until told to stop. */
static void *
flood(void *arg)
{
	struct flood *fl = arg;
	uint32_t i = 0;

	while (!fl->stop) {
		struct pollfd pfd = { fl->fd, POLLOUT, 0 };

		if (poll(&pfd, 1, 10) == 1 && (pfd.revents & POLLOUT))
			put(fl->fd, 0, i++);
	}
	return NULL;
}

/* The stop, while frames still arrive; then the callback's "over". */
static void
test_stop(void)
{
	struct rxsrc src[2], *srcp[2];
	struct rxpool_conf pc;
	struct rxpool p;
	struct flood fl;
	pthread_t t;
	int fd[2][2], i, fk, enough;

	memset(&seen, 0, sizeof(seen));
	sources(2, fd, src, srcp);
	conf_of(&pc, 2, srcp, NULL);
	is_int(rxpool_start(&p, &pc), 0, "stop: started, not pinned");
	fl.fd = fd[0][1];
	fl.stop = 0;
	pthread_create(&t, NULL, flood, &fl);
	for (i = 0, enough = 0; i < 1000 && !enough; i++) {
		rxpool_lock(&p);
		enough = seen.frames >= 100;
		rxpool_unlock(&p);
		if (!enough)
			usleep(10000);
	}
	rxpool_stop(&p, 0);
	ok(seen.frames >= 100, "stop: frames came in while it ran");
	rxpool_lock(&p);
	is_int(rxpool_ended(&p), 2, "stop: both workers ended, frames still "
	    "arriving");
	rxpool_unlock(&p);
	ok(!seen.disorder && !seen.wrongsrc, "stop: what came, in order");
	is_int(rxpool_failed(&p, &fk), 0, "stop: no failure");
	rxpool_free(&p);

	/* The callback says over: every worker ends, frames still coming. */
	memset(&seen, 0, sizeof(seen));
	seen.over_at = 50;
	is_int(rxpool_start(&p, &pc), 0, "over: started again");
	ok(wait_ended(&p, 2), "over: the callback's 1 ends every worker");
	rxpool_stop(&p, 0);
	rxpool_free(&p);
	fl.stop = 1;
	pthread_join(t, NULL);
	for (i = 0; i < 2; i++) {
		rxsrc_close(&src[i]);
		close(fd[i][0]);
		close(fd[i][1]);
	}
}

/* Source 2 of 3 is not a socket: its worker fails, and says so. */
static void
test_failure(void)
{
	struct rxsrc src[3], *srcp[3];
	struct rxpool_conf pc;
	struct rxpool p;
	int fd[3][2], pp[2], k = -1, rc;

	memset(&seen, 0, sizeof(seen));
	sources(2, fd, src, srcp);
	if (pipe(pp) == -1 || rxsrc_relayed(&src[2], pp[0], 0) == -1)
		abort();
	srcp[2] = &src[2];
	conf_of(&pc, 3, srcp, NULL);
	is_int(rxpool_start(&p, &pc), 0, "failure: started");
	if (write(pp[1], "x", 1) != 1)	/* readable: it reads, and fails */
		abort();
	/* Before any stop: the failure alone ends the other two. */
	ok(wait_ended(&p, 3), "failure: it ends every worker");
	rxpool_stop(&p, 0);
	rc = rxpool_failed(&p, &k);
	ok(rc == ENOTSOCK, "failure: its errno kept (ENOTSOCK)");
	is_int(k, 2, "failure: its worker's number");
	rxpool_free(&p);
	for (k = 0; k < 3; k++)
		rxsrc_close(&src[k]);
	close(fd[0][0]);
	close(fd[0][1]);
	close(fd[1][0]);
	close(fd[1][1]);
	close(pp[0]);
	close(pp[1]);
}

/* The deadline ends both workers, one flooded (never idle), one idle. */
static void
test_deadline(void)
{
	struct rxsrc src[2], *srcp[2];
	struct rxpool_conf pc;
	struct rxpool p;
	struct timespec end, now;
	struct flood fl;
	pthread_t t;
	int fd[2][2], i, fk;

	memset(&seen, 0, sizeof(seen));
	sources(2, fd, src, srcp);
	conf_of(&pc, 2, srcp, NULL);
	ts_now(&end);
	ts_add(&end, ts_from_ms(200));
	pc.end = &end;
	fl.fd = fd[0][1];
	fl.stop = 0;
	pthread_create(&t, NULL, flood, &fl);
	is_int(rxpool_start(&p, &pc), 0, "deadline: started");
	ok(wait_ended(&p, 2), "deadline: it ends every worker, the one "
	    "flooded too");
	ts_now(&now);
	ok(ts_cmp(&now, &end) >= 0, "deadline: not before it");
	rxpool_stop(&p, 0);
	ok(seen.frames > 0 && !seen.disorder, "deadline: frames taken till "
	    "then");
	is_int(rxpool_failed(&p, &fk), 0, "deadline: no failure");
	rxpool_free(&p);
	fl.stop = 1;
	pthread_join(t, NULL);
	for (i = 0; i < 2; i++) {
		rxsrc_close(&src[i]);
		close(fd[i][0]);
		close(fd[i][1]);
	}
}

static struct {
	int		 calls[MAXW];
	int		 wrongk;
	int		 inside;
	int		 overlap;
} idles;

static int
idle(void *arg, int k)
{
	(void)arg;
	if (idles.inside++ > 0)
		idles.overlap = 1;
	if (k < 0 || k >= MAXW)
		idles.wrongk = 1;
	else
		idles.calls[k]++;
	idles.inside--;
	/* Over once each worker has been idle. */
	return idles.calls[0] > 0 && idles.calls[1] > 0;
}

/*
 * No frames: the idle callback, each worker's, one at a time; its "over"
 * ends every worker.
 */
static void
test_idle(void)
{
	struct rxsrc src[2], *srcp[2];
	struct rxpool_conf pc;
	struct rxpool p;
	int fd[2][2], i, fk;

	memset(&seen, 0, sizeof(seen));
	memset(&idles, 0, sizeof(idles));
	sources(2, fd, src, srcp);
	conf_of(&pc, 2, srcp, NULL);
	pc.idle = idle;
	is_int(rxpool_start(&p, &pc), 0, "idle: started");
	ok(wait_ended(&p, 2), "idle: its 1 ends every worker");
	rxpool_stop(&p, 0);
	ok(idles.calls[0] > 0 && idles.calls[1] > 0, "idle: called for each "
	    "worker, none ready");
	ok(!idles.wrongk && !idles.overlap, "idle: its worker's number, "
	    "under the lock");
	is_int(rxpool_failed(&p, &fk), 0, "idle: no failure");
	rxpool_free(&p);
	for (i = 0; i < 2; i++) {
		rxsrc_close(&src[i]);
		close(fd[i][0]);
		close(fd[i][1]);
	}
}

static volatile sig_atomic_t waiting;
static int wait_rc, wait_errno;

static void
on_usr1(int sig)
{
	(void)sig;
}

/* A callback stuck in a wait that lets SIGUSR1 in (at most 5 s). */
static int
stuck(void *arg, int k, struct rxsrc *src)
{
	struct ring_frame f;
	struct timespec ts = { 5, 0 };
	sigset_t set;

	(void)arg;
	(void)k;
	while (rxsrc_frame(src, &f) == 1)
		;
	pthread_sigmask(SIG_BLOCK, NULL, &set);
	sigdelset(&set, SIGUSR1);
	waiting = 1;
	wait_rc = ppoll(NULL, 0, &ts, &set);
	wait_errno = errno;
	return 0;
}

/* rxpool_stop(sig): the signal ends a callback's wait that lets it in. */
static void
test_stop_sig(void)
{
	struct rxsrc src[1], *srcp[1];
	struct rxpool_conf pc;
	struct rxpool p;
	struct sigaction sa;
	int fd[1][2], i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sources(1, fd, src, srcp);
	conf_of(&pc, 1, srcp, NULL);
	pc.batch = stuck;
	waiting = 0;
	wait_rc = 0;
	is_int(rxpool_start(&p, &pc), 0, "stop(sig): started");
	put(fd[0][1], 0, 0);
	for (i = 0; i < 1000 && !waiting; i++)
		usleep(10000);
	ok(waiting, "stop(sig): the callback waits");
	rxpool_stop(&p, SIGUSR1);
	ok(wait_rc == -1 && wait_errno == EINTR, "stop(sig): its wait "
	    "ended by the signal (EINTR), not its 5 s");
	rxpool_lock(&p);
	is_int(rxpool_ended(&p), 1, "stop(sig): the worker ended");
	rxpool_unlock(&p);
	rxpool_free(&p);
	rxsrc_close(&src[0]);
	close(fd[0][0]);
	close(fd[0][1]);
	signal(SIGUSR1, SIG_DFL);
}

/* What rxpool_start() says when it cannot start. */
static void
test_start_fails(void)
{
	struct rxsrc src[2], *srcp[2];
	struct rxpool_conf pc;
	struct rxpool p;
	struct rlimit rl, low;
	int fd[2][2], cpu[2], i, rc, e, nfd;

	sources(2, fd, src, srcp);
	conf_of(&pc, 2, srcp, NULL);

	/* No fd left for the eventfd: EMFILE, no worker's failure. */
	if ((nfd = dup(0)) == -1 || getrlimit(RLIMIT_NOFILE, &rl) == -1)
		abort();
	close(nfd);
	low = rl;
	low.rlim_cur = (rlim_t)nfd;
	if (setrlimit(RLIMIT_NOFILE, &low) == -1)
		abort();
	memset(&p, 0xff, sizeof(p));
	rc = rxpool_start(&p, &pc);
	e = errno;
	setrlimit(RLIMIT_NOFILE, &rl);
	ok(rc == -1 && e == EMFILE, "start: no fd for its eventfd: EMFILE");
	is_int(p.failk, -1, "start: no fd: failk -1, no worker's");

	/* Worker 1 pinned to a CPU that is not there: EINVAL, worker 1. */
	cpu[0] = cpus[0];
	cpu[1] = CPU_SETSIZE - 1;
	pc.cpu = cpu;
	rc = rxpool_start(&p, &pc);
	e = errno;
	ok(rc == -1 && e == EINVAL, "start: a CPU not there: EINVAL");
	is_int(p.failk, 1, "start: a CPU not there: failk that worker's");
	for (i = 0; i < 2; i++) {
		rxsrc_close(&src[i]);
		close(fd[i][0]);
		close(fd[i][1]);
	}
}

int
main(void)
{
	cpu_set_t set;
	int c, k = 0, n;

	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		skip_all("sched_getaffinity");
	for (c = 0; c < CPU_SETSIZE && k < MAXW; c++)
		if (CPU_ISSET(c, &set))
			cpus[k++] = c;
	for (n = k; k < MAXW; k++)
		cpus[k] = cpus[k % n];
	signal(SIGPIPE, SIG_IGN);
	alarm(60);
	plan(3 * 5 + 7 + 4 + 5 + 5 + 4 + 4);
	test_all_once(2);
	test_all_once(3);
	test_all_once(4);
	test_stop();
	test_failure();
	test_deadline();
	test_idle();
	test_stop_sig();
	test_start_fails();
	return done();
}
