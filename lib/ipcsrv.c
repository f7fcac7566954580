/*
 * ipcsrv: a forking server's loop, one event at a time.
 *
 * Nothing is done from a signal handler: SIGCHLD and the stop signals
 * stay blocked and are read from a signalfd polled beside the sockets, so
 * no signal can slip between a check and the wait.  A SIGCHLD only sets a
 * flag; children are then reaped one per call, with WNOHANG, so that each
 * exit is its own event.
 *
 * Deadlines are CLOCK_MONOTONIC instants in nanoseconds, one per kept
 * connection; poll(2) waits no longer than until the nearest, rounded up
 * to the millisecond, so that nothing is reported before its time.
 */
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcsrv.h"

/* Frees the tables; srv's pointers are NULL again. */
static void
ipcsrv_free_tables(struct ipcsrv *srv)
{
	free(srv->pending);
	free(srv->puid);
	free(srv->deadline);
	free(srv->pids);
	free(srv->ruid);
	free(srv->pfd);
	srv->pending = NULL;
	srv->puid = NULL;
	srv->deadline = NULL;
	srv->pids = NULL;
	srv->ruid = NULL;
	srv->pfd = NULL;
}

int
ipcsrv_init(struct ipcsrv *srv, int l, unsigned max, const sigset_t *stop)
{
	struct sigaction dfl, old;
	sigset_t set;
	int saved, sig;

	memset(srv, 0, sizeof(*srv));
	srv->listen = -1;
	srv->sigfd = -1;
	if (max == 0 || sigismember(stop, SIGCHLD) == 1) {
		errno = EINVAL;
		return -1;
	}
	if ((srv->pending = calloc(max, sizeof(int))) == NULL ||
	    (srv->puid = calloc(max, sizeof(uid_t))) == NULL ||
	    (srv->deadline = calloc(max, sizeof(long long))) == NULL ||
	    (srv->pids = calloc(max, sizeof(pid_t))) == NULL ||
	    (srv->ruid = calloc(max, sizeof(uid_t))) == NULL ||
	    (srv->pfd = calloc((size_t)max + 2, sizeof(struct pollfd))) == NULL)
		goto fail;
	/*
	 * A blocked signal is queued even when ignored: leave out the stop
	 * signals the caller ignores, so that they stay ignored.
	 */
	sigemptyset(&set);
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(stop, sig) != 1)
			continue;
		if (sigaction(sig, NULL, &old) == -1)
			goto fail;
		if (old.sa_handler != SIG_IGN)
			sigaddset(&set, sig);
	}
	sigaddset(&set, SIGCHLD);
	if (sigaction(SIGCHLD, NULL, &srv->oldchld) == -1)
		goto fail;
	if (sigprocmask(SIG_BLOCK, &set, &srv->oldmask) == -1)
		goto fail;
	/* An ignored SIGCHLD would reap the children for us, unseen. */
	if (srv->oldchld.sa_handler == SIG_IGN) {
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		if (sigaction(SIGCHLD, &dfl, NULL) == -1)
			goto restore;
	}
	if ((srv->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		goto restore;
	srv->listen = l;
	srv->max = max;
	return 0;

restore:
	saved = errno;
	(void)sigaction(SIGCHLD, &srv->oldchld, NULL);
	(void)sigprocmask(SIG_SETMASK, &srv->oldmask, NULL);
	errno = saved;
fail:
	saved = errno;
	ipcsrv_free_tables(srv);
	errno = saved;
	return -1;
}

void
ipcsrv_set_timeout(struct ipcsrv *srv, unsigned ms)
{
	srv->timeout = (long long)ms * 1000000;
}

void
ipcsrv_set_peruid(struct ipcsrv *srv, unsigned n)
{
	srv->peruid = n;
}

/* The monotonic clock in nanoseconds, or -1 with errno. */
static long long
ipcsrv_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return -1;
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* How many connections of uid are in hand, kept or served. */
static unsigned
ipcsrv_count(const struct ipcsrv *srv, uid_t uid)
{
	unsigned i, n = 0;

	for (i = 0; i < srv->npending; i++)
		n += srv->puid[i] == uid;
	for (i = 0; i < srv->nrunning; i++)
		n += srv->ruid[i] == uid;
	return n;
}

/* Lets go of kept connection i (its fd is the caller's), into *ev. */
static void
ipcsrv_unkeep(struct ipcsrv *srv, unsigned i, struct ipcsrv_event *ev)
{
	unsigned last = --srv->npending;

	ev->fd = srv->pending[i];
	ev->uid = srv->puid[i];
	srv->pending[i] = srv->pending[last];
	srv->puid[i] = srv->puid[last];
	srv->deadline[i] = srv->deadline[last];
	srv->paused = 0;
}

/*
 * The kept connection with the earliest deadline, into *first (none:
 * npending).  Returns that deadline, or 0 when none has one.
 */
static long long
ipcsrv_nearest(const struct ipcsrv *srv, unsigned *first)
{
	long long d = 0;
	unsigned i;

	*first = srv->npending;
	for (i = 0; i < srv->npending; i++)
		if (srv->deadline[i] != 0 &&
		    (d == 0 || srv->deadline[i] < d)) {
			d = srv->deadline[i];
			*first = i;
		}
	return d;
}

/*
 * poll(2)'s timeout until deadline d from now (ns), rounded up to the
 * millisecond: -1 for no deadline (d 0), 0 when it has passed.
 */
static int
ipcsrv_poll_ms(long long d, long long now)
{
	long long ms;

	if (d == 0)
		return -1;
	if (d <= now)
		return 0;
	ms = (d - now + 999999) / 1000000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* Closes every kept connection. */
static void
ipcsrv_close_pending(struct ipcsrv *srv)
{
	unsigned i;

	for (i = 0; i < srv->npending; i++)
		(void)close(srv->pending[i]);
	srv->npending = 0;
}

/*
 * Reaps one exited child, if any.  Returns 1 with *ev filled for one of
 * ours, 0 when no child is left to reap (the flag is cleared), -1 with
 * errno.  Others' children are reaped and passed over.
 */
static int
ipcsrv_reap(struct ipcsrv *srv, struct ipcsrv_event *ev)
{
	pid_t pid;
	unsigned i;
	int status;

	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) == -1 &&
		    errno == EINTR)
			;
		if (pid == 0 || (pid == -1 && errno == ECHILD)) {
			srv->reap = 0;
			return 0;
		}
		if (pid == -1)
			return -1;
		for (i = 0; i < srv->nrunning && srv->pids[i] != pid; i++)
			;
		if (i == srv->nrunning)
			continue;
		srv->nrunning--;
		srv->pids[i] = srv->pids[srv->nrunning];
		srv->ruid[i] = srv->ruid[srv->nrunning];
		srv->paused = 0;
		ev->pid = pid;
		ev->status = status;
		return 1;
	}
}

/*
 * Reads every pending signal.  Returns the first stop signal among them
 * (later ones are dropped), or 0; SIGCHLD sets the reap flag.  -1 with
 * errno on a read error.
 */
static int
ipcsrv_signals(struct ipcsrv *srv)
{
	struct signalfd_siginfo si;
	ssize_t r;
	int stop = 0;

	for (;;) {
		r = read(srv->sigfd, &si, sizeof(si));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			return stop;
		if (r == -1)
			return -1;
		if (r != (ssize_t)sizeof(si)) {
			errno = EIO;
			return -1;
		}
		if (si.ssi_signo == SIGCHLD)
			srv->reap = 1;
		else if (stop == 0)
			stop = (int)si.ssi_signo;
	}
}

int
ipcsrv_wait(struct ipcsrv *srv, struct ipcsrv_event *ev)
{
	struct pollfd *pfd = srv->pfd;
	unsigned i, n, first, near;
	long long d, now;
	int r, sig, fd, ms;

	memset(ev, 0, sizeof(*ev));
	ev->fd = -1;
	for (;;) {
		if (srv->reap && (r = ipcsrv_reap(srv, ev)) != 0)
			return r == 1 ? IPCSRV_EXIT : IPCSRV_ERROR;
		if (srv->listen == -1 && srv->nrunning == 0 &&
		    srv->npending == 0)
			return IPCSRV_DONE;
		n = 0;
		pfd[n].fd = srv->sigfd;
		pfd[n++].events = POLLIN;
		if (srv->listen != -1 && !srv->paused &&
		    srv->npending + srv->nrunning < srv->max) {
			pfd[n].fd = srv->listen;
			pfd[n++].events = POLLIN;
		}
		first = n;
		for (i = 0; i < srv->npending; i++) {
			pfd[n].fd = srv->pending[i];
			pfd[n++].events = POLLIN;
		}
		if ((d = ipcsrv_nearest(srv, &near)) != 0) {
			if ((now = ipcsrv_now()) == -1)
				break;
			ms = ipcsrv_poll_ms(d, now);
		} else
			ms = -1;
		if (poll(pfd, n, ms) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0) {
			if ((sig = ipcsrv_signals(srv)) == -1)
				break;
			if (sig != 0 && srv->listen != -1) {
				(void)close(srv->listen);
				srv->listen = -1;
				ipcsrv_close_pending(srv);
				ev->sig = sig;
				return IPCSRV_STOP;
			}
			continue;
		}
		/* Kept connections first: they hold places already. */
		for (i = first; i < n && pfd[i].revents == 0; i++)
			;
		if (i < n) {
			ipcsrv_unkeep(srv, i - first, ev);
			return IPCSRV_MSG;
		}
		/* Then those whose time is up, the earliest first. */
		if (d != 0) {
			if ((now = ipcsrv_now()) == -1)
				break;
			if (d <= now) {
				ipcsrv_unkeep(srv, near, ev);
				return IPCSRV_TIMEOUT;
			}
		}
		if (first == 1 || pfd[1].revents == 0)
			continue;
		fd = accept4(srv->listen, NULL, NULL, SOCK_CLOEXEC);
		if (fd != -1) {
			ev->fd = fd;
			return IPCSRV_CONN;
		}
		if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
			continue;
		if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) && srv->npending + srv->nrunning > 0) {
			srv->paused = 1;
			ev->err = errno;
			return IPCSRV_BUSY;
		}
		break;
	}
	return IPCSRV_ERROR;
}

int
ipcsrv_keep(struct ipcsrv *srv, int fd, uid_t uid)
{
	long long now = 0;
	int e = 0;

	if (srv->listen == -1)
		e = ESHUTDOWN;
	else if (srv->npending + srv->nrunning >= srv->max)
		e = ENOSPC;
	else if (srv->peruid != 0 && ipcsrv_count(srv, uid) >= srv->peruid)
		e = EUSERS;
	else if (srv->timeout != 0 && (now = ipcsrv_now()) == -1)
		e = errno;
	if (e != 0) {
		(void)close(fd);
		errno = e;
		return -1;
	}
	srv->pending[srv->npending] = fd;
	srv->puid[srv->npending] = uid;
	srv->deadline[srv->npending] = srv->timeout != 0 ?
	    now + srv->timeout : 0;
	srv->npending++;
	return 0;
}

pid_t
ipcsrv_fork(struct ipcsrv *srv, uid_t uid)
{
	pid_t pid;

	if (srv->npending + srv->nrunning >= srv->max) {
		errno = ENOSPC;
		return -1;
	}
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0) {
		srv->pids[srv->nrunning] = pid;
		srv->ruid[srv->nrunning++] = uid;
		return pid;
	}
	/* The child: nothing of the server's, the caller's signals back. */
	if (srv->listen != -1)
		(void)close(srv->listen);
	(void)close(srv->sigfd);
	ipcsrv_close_pending(srv);
	srv->listen = srv->sigfd = -1;
	srv->nrunning = 0;
	(void)sigaction(SIGCHLD, &srv->oldchld, NULL);
	(void)sigprocmask(SIG_SETMASK, &srv->oldmask, NULL);
	return 0;
}

void
ipcsrv_free(struct ipcsrv *srv)
{
	int saved = errno;

	if (srv->listen != -1)
		(void)close(srv->listen);
	if (srv->sigfd != -1)
		(void)close(srv->sigfd);
	ipcsrv_close_pending(srv);
	srv->listen = srv->sigfd = -1;
	if (srv->pids != NULL) {
		(void)sigaction(SIGCHLD, &srv->oldchld, NULL);
		(void)sigprocmask(SIG_SETMASK, &srv->oldmask, NULL);
	}
	ipcsrv_free_tables(srv);
	errno = saved;
}
