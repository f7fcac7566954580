/*
 * txpool: N sender threads, each with a target of its own (a lib/txq),
 * fed batches of frames by one producer.
 *
 * The producer (a tool's main loop) fills the batch txpool_batch() gives
 * it, frame after frame, and calls txpool_next() after each: frame i goes
 * to sender i mod N, a full batch is queued to its sender, which sends
 * it from its ring of TXPOOL_NSLOT batches while the producer fills the
 * others.  The frames point into the producer's buffer: before it reuses
 * that (a refill), it calls txpool_flush(), which queues what has begun,
 * and txpool_wait() until every sender has sent all it was given.
 *
 *	p = txpool_open(n, qs, said, arg, &stop);
 *	b = txpool_batch(p);  txq_add(b, ...);
 *	if (txpool_next(p))
 *		while (txpool_wait(p, 50) == -1) ...ETIMEDOUT: look around...
 *	txpool_flush(p);  while (txpool_wait(p, 50) == -1) ...
 *	txpool_end(p);  txpool_counts(p, k, &c);  txpool_free(p);
 *
 * One lock for all, taken once a batch, never once a frame.  The
 * senders run with every signal blocked: the producer's thread alone sees
 * them.  A frame that was not sent is told, in its sender's thread, to
 * the caller's said() (nothing here prints or exits); a target that
 * failed ends its sender, and makes txpool_wait() fail.  No global state.
 */
#ifndef LIB_TXPOOL_H
#define LIB_TXPOOL_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "txq.h"

#define TXPOOL_NSLOT	4	/* batches in each sender's ring */

/* What a sender sent so far. */
struct txpool_counts {
	uint64_t	 sent, bytes, errors;
};

/*
 * Called in sender k's thread for each frame of batch b that was not
 * sent: ret and f as txq_send() returned them (1: the frame was refused,
 * the sender goes on; -1: its target failed, the sender ends).
 */
typedef void	txpool_said_fn(void *arg, unsigned int k,
		    const struct txq_batch *b, const struct txq_fail *f,
		    int ret);

struct txpool;

/*
 * Starts n senders (n >= 1), sender k sending on qs[k] (which must stay
 * valid until txpool_end(), and is the sender's alone until then), and
 * tells said(arg, ...) each frame not sent.  A wait ends early when
 * *stop is set (stop may be NULL).  Returns the pool, or NULL with errno
 * ENOMEM, or EAGAIN (no more threads); then nothing is left running.
 */
struct txpool *txpool_open(unsigned int n, struct txq *const *qs,
	    txpool_said_fn *said, void *arg,
	    const volatile sig_atomic_t *stop);

/* The batch the next frame goes into: its n < TXQ_BATCH.  Never fails. */
struct txq_batch *txpool_batch(struct txpool *p);

/*
 * After a frame was added to txpool_batch(p): when the batch is full it
 * is queued to its sender; the next frame goes to the next sender.
 * Returns 1 when the producer must txpool_wait() before it adds another
 * (the full batch's sender has no free slot yet), else 0.  Never fails.
 */
int	txpool_next(struct txpool *p);

/*
 * Queues every batch begun, so that all that was added gets sent; the
 * producer must then txpool_wait() before it reuses what the frames
 * point into.  Never fails.
 */
void	txpool_flush(struct txpool *p);

/*
 * Waits, for at most ms milliseconds, until what txpool_next() or
 * txpool_flush() asked for: a free slot, or every sender idle.  Returns
 * 0 when it is there (at once when nothing was asked), or -1 with errno:
 * ETIMEDOUT (not yet: call again), EIO (a sender's target failed: the
 * run is over), EINTR (*stop was set).
 */
int	txpool_wait(struct txpool *p, long ms);

/*
 * Sender k's counts (k < n), as it published them after its last batch;
 * after txpool_end(), its final ones.  Never fails.
 */
void	txpool_counts(struct txpool *p, unsigned int k,
	    struct txpool_counts *c);

/* The number of senders.  Never fails. */
unsigned int txpool_size(const struct txpool *p);

/*
 * Ends the senders: each finishes the batch it is sending, not what is
 * queued behind it, and its thread is joined.  May be called again.
 * Never fails.
 */
void	txpool_end(struct txpool *p);

/* txpool_end(), then frees p.  p may be NULL. */
void	txpool_free(struct txpool *p);

#endif /* LIB_TXPOOL_H */
