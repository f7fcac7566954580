/*
 * rxpool: capture workers.  N threads, each reading frames from a source
 * of its own (lib/rxsrc: a packet socket with its ring, a relayed fd),
 * pinned to a CPU of its own with every signal blocked, and each ready
 * batch handed to the caller's callback under one lock shared by all, so
 * that what the callback writes of one batch never mixes with another's.
 *
 *	rxpool_start(&p, &conf);
 *	until it is over:  poll rxpool_wakefd(&p) (POLLIN: a worker ended)
 *	    and what else;  rxpool_lock(&p);  over = rxpool_ended(&p) ==
 *	    conf.n || ...;  rxpool_unlock(&p);
 *	rxpool_stop(&p, 0);  if (rxpool_failed(&p, &k)) ...;  rxpool_free(&p);
 *
 * A worker ends when the callback says so, at the deadline, at the end
 * of a relayed fd (EPIPE), when the pool is stopped, or when its source
 * fails: the failure (its worker number and errno) is kept, and ends
 * every worker.  Nothing here prints or exits, and there is no global
 * state (the callbacks may do either).
 */
#ifndef LIB_RXPOOL_H
#define LIB_RXPOOL_H

#include <pthread.h>
#include <time.h>

#include "rxsrc.h"

struct rxpool_conf {
	int		 n;		/* workers: 1 or more */
	struct rxsrc	**src;		/* n sources, the caller's */
	const int	*cpu;		/* n CPUs to pin them to; NULL: none */
	const struct timespec *end;	/* CLOCK_MONOTONIC deadline, or NULL */
	/*
	 * Worker k holds a batch of src: the callback takes its frames
	 * (rxsrc_frame()) and whatever refers to them is done with before
	 * it returns; the worker then gives the batch back.  Returns 1 when
	 * the run is over (every worker then ends), else 0.  Called under
	 * the lock, never once the pool is stopping.
	 */
	int		(*batch)(void *arg, int k, struct rxsrc *src);
	/*
	 * Worker k found no batch ready and is about to wait: a moment to
	 * write out.  Returns as batch.  Called under the lock; NULL: none.
	 */
	int		(*idle)(void *arg, int k);
	void		*arg;
};

struct rxpool_worker {
	struct rxpool	*p;
	int		 k;
	pthread_t	 tid;
};

struct rxpool {
	struct rxpool_conf conf;
	struct rxpool_worker *w;
	int		 started;	/* threads running or to be joined */
	pthread_mutex_t	 lock;
	int		 halt;		/* stopping (under lock) */
	int		 ended;		/* workers that have (under lock) */
	int		 failk;		/* the first that failed, or -1 */
	int		 failerr;	/* its errno */
	int		 stopfd;	/* eventfd: readable when they stop */
	int		 wakefd;	/* eventfd: a worker has ended */
};

/*
 * Starts conf->n workers (conf copied; what it points to must outlive
 * p), each with every signal blocked and, with conf->cpu, pinned to its
 * CPU.  Returns 0, or -1 with errno: ENOMEM or that of eventfd(2)
 * (EMFILE) with p->failk -1, or that of pthread_create(3) or of pinning
 * (EAGAIN, EINVAL: a CPU this process may not use) with p->failk the
 * worker that could not start; then nothing is left running or set up.
 */
int	rxpool_start(struct rxpool *p, const struct rxpool_conf *conf);

/*
 * An fd readable (POLLIN) when a worker has ended since rxpool_ended().
 * Never fails.
 */
int	rxpool_wakefd(const struct rxpool *p);

/*
 * The lock the callbacks are called under, for what the caller shares
 * with them.  Never fail.
 */
void	rxpool_lock(struct rxpool *p);
void	rxpool_unlock(struct rxpool *p);

/*
 * How many workers have ended (call under the lock); rxpool_wakefd() is
 * cleared.  Never fails.
 */
int	rxpool_ended(struct rxpool *p);

/*
 * Stops the workers and waits for them: each is sent signal sig first
 * (0: none), which ends a wait it is in if its mask lets sig in there,
 * then told to stop; a batch being taken is finished.  Call without the
 * lock.  Never fails.
 */
void	rxpool_stop(struct rxpool *p, int sig);

/*
 * A worker's source failed: returns its errno (that of rxsrc_batch() or
 * poll(2)), its number in *k; 0 when none did.  Never fails.
 */
int	rxpool_failed(const struct rxpool *p, int *k);

/* Frees what rxpool_start() set up; stop the pool first.  Never fails. */
void	rxpool_free(struct rxpool *p);

#endif /* LIB_RXPOOL_H */
