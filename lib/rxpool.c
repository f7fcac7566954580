/*
 * rxpool: capture workers, a thread and a source each.  See rxpool.h.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rxpool.h"
#include "timeutil.h"

/* Worker k has ended; err: its source failed so (0: a normal end). */
static void
ended(struct rxpool *p, int k, int err)
{
	pthread_mutex_lock(&p->lock);
	if (err != 0 && p->failk == -1) {
		p->failk = k;
		p->failerr = err;
		p->halt = 1;
	}
	p->ended++;
	pthread_mutex_unlock(&p->lock);
	if (err != 0)
		(void)eventfd_write(p->stopfd, 1);
	(void)eventfd_write(p->wakefd, 1);
}

/*
 * A worker: each ready batch of its source to the callback under the
 * lock; when none is ready, the idle callback, then a wait for frames,
 * the stop, or the deadline.  Past the deadline it ends, whether it
 * waited or took a batch.
 */
static void *
work(void *arg)
{
	struct rxpool_worker *w = arg;
	struct rxpool *p = w->p;
	struct rxsrc *src = p->conf.src[w->k];
	struct pollfd pfd[2];
	long long ms;
	int rc, end;

	for (;;) {
		if ((rc = rxsrc_batch(src, RXSRC_BATCH)) == -1) {
			if (errno == EPIPE && src->relayed)
				break;	/* the relay's end of file */
			ended(p, w->k, errno);
			return NULL;
		}
		pthread_mutex_lock(&p->lock);
		if (p->halt)
			end = 1;
		else {
			if (rc == 1)
				end = p->conf.batch(p->conf.arg, w->k, src);
			else
				end = p->conf.idle != NULL ?
				    p->conf.idle(p->conf.arg, w->k) : 0;
			/* Over: the others are stopped too. */
			if (end) {
				p->halt = 1;
				(void)eventfd_write(p->stopfd, 1);
			}
		}
		pthread_mutex_unlock(&p->lock);
		if (rc == 1)
			rxsrc_done(src);
		if (end)
			break;
		if (rc == 0) {
			pfd[0].fd = src->fd;
			pfd[0].events = POLLIN;
			pfd[1].fd = p->stopfd;
			pfd[1].events = POLLIN;
			pfd[0].revents = pfd[1].revents = 0;
			ms = p->conf.end != NULL ?
			    ts_ms_until(p->conf.end) : -1;
			if (poll(pfd, 2, ms > INT_MAX ? INT_MAX : (int)ms) ==
			    -1 && errno != EINTR) {
				ended(p, w->k, errno);
				return NULL;
			}
			if (pfd[1].revents & POLLIN)
				break;
		}
		/* The deadline, after a wait or a batch (a source never idle). */
		if (p->conf.end != NULL && ts_ms_until(p->conf.end) == 0)
			break;
	}
	ended(p, w->k, 0);
	return NULL;
}

int
rxpool_start(struct rxpool *p, const struct rxpool_conf *conf)
{
	pthread_attr_t attr;
	sigset_t all, saved;
	cpu_set_t set;
	int k, rc;

	memset(p, 0, sizeof(*p));
	p->conf = *conf;
	p->failk = -1;
	p->stopfd = p->wakefd = -1;
	if ((p->w = calloc((size_t)conf->n, sizeof(*p->w))) == NULL)
		return -1;
	if ((p->stopfd = eventfd(0, EFD_CLOEXEC)) == -1 ||
	    (p->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1 ||
	    (errno = pthread_mutex_init(&p->lock, NULL)) != 0) {
		rc = errno;
		if (p->stopfd != -1)
			close(p->stopfd);
		if (p->wakefd != -1)
			close(p->wakefd);
		free(p->w);
		memset(p, 0, sizeof(*p));
		p->failk = -1;		/* no worker's: the set-up's */
		p->stopfd = p->wakefd = -1;
		errno = rc;
		return -1;
	}
	/* The threads inherit the mask: every signal blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	for (k = 0; k < conf->n; k++) {
		p->w[k].p = p;
		p->w[k].k = k;
		if ((rc = pthread_attr_init(&attr)) != 0)
			break;
		if (conf->cpu != NULL) {
			CPU_ZERO(&set);
			CPU_SET(conf->cpu[k], &set);
			rc = pthread_attr_setaffinity_np(&attr, sizeof(set),
			    &set);
		}
		if (rc == 0)
			rc = pthread_create(&p->w[k].tid, &attr, work,
			    &p->w[k]);
		pthread_attr_destroy(&attr);
		if (rc != 0)
			break;
		p->started++;
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc != 0) {
		rxpool_stop(p, 0);
		rxpool_free(p);
		p->failk = k;
		errno = rc;
		return -1;
	}
	return 0;
}

int
rxpool_wakefd(const struct rxpool *p)
{
	return p->wakefd;
}

void
rxpool_lock(struct rxpool *p)
{
	pthread_mutex_lock(&p->lock);
}

void
rxpool_unlock(struct rxpool *p)
{
	pthread_mutex_unlock(&p->lock);
}

int
rxpool_ended(struct rxpool *p)
{
	eventfd_t v;

	(void)eventfd_read(p->wakefd, &v);
	return p->ended;
}

void
rxpool_stop(struct rxpool *p, int sig)
{
	int k;

	if (sig != 0)
		for (k = 0; k < p->started; k++)
			(void)pthread_kill(p->w[k].tid, sig);
	pthread_mutex_lock(&p->lock);
	p->halt = 1;
	pthread_mutex_unlock(&p->lock);
	(void)eventfd_write(p->stopfd, 1);
	for (k = 0; k < p->started; k++)
		pthread_join(p->w[k].tid, NULL);
	p->started = 0;
}

int
rxpool_failed(const struct rxpool *p, int *k)
{
	if (p->failk == -1)
		return 0;
	*k = p->failk;
	return p->failerr;
}

void
rxpool_free(struct rxpool *p)
{
	if (p->w == NULL)
		return;
	close(p->stopfd);
	close(p->wakefd);
	pthread_mutex_destroy(&p->lock);
	free(p->w);
	memset(p, 0, sizeof(*p));
	p->failk = -1;
	p->stopfd = p->wakefd = -1;
}
