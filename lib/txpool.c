/*
 * txpool: N sender threads, each draining a ring of batches to its own
 * target.  See txpool.h.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"
#include "txpool.h"

#define NEED_NONE	UINT_MAX	/* txpool_wait() has nothing to wait for */

struct sender {
	struct txpool	*p;
	struct txq	*q;		/* its target, its own */
	unsigned int	 k;		/* its index */
	pthread_t	 tid;
	pthread_cond_t	 work;		/* a batch was queued, or quit */
	struct txq_batch slot[TXPOOL_NSLOT];	/* [c, c + nq): queued */
	unsigned int	 c, nq;		/* under the lock */
	unsigned int	 f;		/* the producer's: the slot it fills */
	struct txpool_counts pub;	/* under the lock: after each batch */
};

struct txpool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 room;		/* a batch was sent, or a sender died */
	txpool_said_fn	*said;
	void		*arg;
	const volatile sig_atomic_t *stop;
	int		 quit;		/* end now: what is queued is not sent */
	int		 failed;	/* a sender's target failed */
	unsigned int	 started;	/* threads running */
	unsigned int	 n, next;	/* senders; the next frame's */
	unsigned int	 need;		/* k < n: sender k's room; n: all idle */
	struct sender	 s[];
};

/* With the lock held: sender s's counts, published. */
static void
publish(struct sender *s)
{
	s->pub.sent = s->q->sent;
	s->pub.bytes = s->q->bytes;
	s->pub.errors = s->q->errors;
}

/*
 * Sends batch b on s's target, telling said() each frame that did not go.
 * Returns 0, or -1 when the target failed.
 */
static int
send_batch(struct sender *s, struct txq_batch *b)
{
	struct txq_fail f;
	unsigned int pos = 0;
	int ret;

	while ((ret = txq_send(s->q, b, &pos, b->n, &f)) != 0) {
		s->p->said(s->p->arg, s->k, b, &f, ret);
		if (ret == -1)
			return -1;
	}
	/* A transmit ring's frames sent before the batch counts as done. */
	if (txq_drain(s->q, &f) == -1) {
		s->p->said(s->p->arg, s->k, b, &f, -1);
		return -1;
	}
	return 0;
}

/*
 * What sender s does until told to quit: sends each batch queued to it,
 * then publishes its counts and frees the slot.  A target that fails ends
 * the sender and, through p->failed, the producer's next wait.
 */
static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	struct txpool *p = s->p;
	struct txq_batch *b;
	int dead;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (s->nq == 0 && !p->quit)
			pthread_cond_wait(&s->work, &p->lock);
		if (p->quit)
			break;
		b = &s->slot[s->c];
		pthread_mutex_unlock(&p->lock);
		dead = send_batch(s, b) == -1;
		b->n = 0;
		pthread_mutex_lock(&p->lock);
		s->c = (s->c + 1) % TXPOOL_NSLOT;
		s->nq--;
		publish(s);
		if (dead)
			p->failed = 1;
		pthread_cond_signal(&p->room);
		if (dead)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct txpool *
txpool_open(unsigned int n, struct txq *const *qs, txpool_said_fn *said,
    void *arg, const volatile sig_atomic_t *stop)
{
	struct txpool *p;
	sigset_t all, old;
	unsigned int k;
	int e = 0;

	if ((p = calloc(1, sizeof(*p) + n * sizeof(p->s[0]))) == NULL)
		return NULL;
	p->said = said;
	p->arg = arg;
	p->stop = stop;
	p->n = n;
	p->need = NEED_NONE;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->room, NULL);
	for (k = 0; k < n; k++) {
		p->s[k].p = p;
		p->s[k].q = qs[k];
		p->s[k].k = k;
		pthread_cond_init(&p->s[k].work, NULL);
	}
	/* The threads inherit the mask: signals are the producer's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (k = 0; k < n; k++) {
		if ((e = pthread_create(&p->s[k].tid, NULL, sender_main,
		    &p->s[k])) != 0)
			break;
		p->started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		txpool_free(p);
		errno = e;
		return NULL;
	}
	return p;
}

struct txq_batch *
txpool_batch(struct txpool *p)
{
	struct sender *s = &p->s[p->next];

	return &s->slot[s->f];
}

/* With the lock held: queues the batch s is being filled with. */
static void
queue(struct sender *s)
{
	s->nq++;
	s->f = (s->f + 1) % TXPOOL_NSLOT;
	pthread_cond_signal(&s->work);
}

int
txpool_next(struct txpool *p)
{
	struct sender *s = &p->s[p->next];
	int wait = 0;

	if (s->slot[s->f].n == TXQ_BATCH) {
		pthread_mutex_lock(&p->lock);
		queue(s);
		if (s->nq == TXPOOL_NSLOT) {
			p->need = p->next;
			wait = 1;
		}
		pthread_mutex_unlock(&p->lock);
	}
	p->next = (p->next + 1) % p->n;
	return wait;
}

void
txpool_flush(struct txpool *p)
{
	unsigned int k;

	pthread_mutex_lock(&p->lock);
	for (k = 0; k < p->n; k++)
		if (p->s[k].slot[p->s[k].f].n > 0)
			queue(&p->s[k]);
	p->need = p->n;
	pthread_mutex_unlock(&p->lock);
}

/* With the lock held: whether what p->need says is not there yet. */
static int
busy(const struct txpool *p)
{
	unsigned int k;

	if (p->need == NEED_NONE)
		return 0;
	if (p->need < p->n)
		return p->s[p->need].nq == TXPOOL_NSLOT;
	for (k = 0; k < p->n; k++)
		if (p->s[k].nq > 0)
			return 1;
	return 0;
}

int
txpool_wait(struct txpool *p, long ms)
{
	struct timespec t;
	int timedout = 0, ret;

	/* pthread_cond_timedwait(3) reads CLOCK_REALTIME. */
	clock_gettime(CLOCK_REALTIME, &t);
	ts_add(&t, ts_from_ms(ms > 0 ? ms : 0));
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->failed) {
			errno = EIO;
			ret = -1;
			break;
		}
		if (p->stop != NULL && *p->stop) {
			errno = EINTR;
			ret = -1;
			break;
		}
		if (!busy(p)) {
			p->need = NEED_NONE;
			ret = 0;
			break;
		}
		if (timedout) {
			errno = ETIMEDOUT;
			ret = -1;
			break;
		}
		if (pthread_cond_timedwait(&p->room, &p->lock, &t) ==
		    ETIMEDOUT)
			timedout = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

void
txpool_counts(struct txpool *p, unsigned int k, struct txpool_counts *c)
{
	pthread_mutex_lock(&p->lock);
	*c = p->s[k].pub;
	pthread_mutex_unlock(&p->lock);
}

unsigned int
txpool_size(const struct txpool *p)
{
	return p->n;
}

void
txpool_end(struct txpool *p)
{
	unsigned int k;

	if (p->started == 0)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	for (k = 0; k < p->started; k++)
		pthread_cond_signal(&p->s[k].work);
	pthread_mutex_unlock(&p->lock);
	for (k = 0; k < p->started; k++)
		pthread_join(p->s[k].tid, NULL);
	pthread_mutex_lock(&p->lock);
	for (k = 0; k < p->started; k++)
		publish(&p->s[k]);
	p->started = 0;
	pthread_mutex_unlock(&p->lock);
}

void
txpool_free(struct txpool *p)
{
	unsigned int k;

	if (p == NULL)
		return;
	txpool_end(p);
	for (k = 0; k < p->n; k++)
		pthread_cond_destroy(&p->s[k].work);
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
