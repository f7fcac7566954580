/*
 * Unit tests of lib/txpool over AF_UNIX SOCK_SEQPACKET socketpairs, no
 * root needed: frames spread over the senders in turn, each sender's
 * arriving whole and in order; a producer that waits for a sender that
 * cannot send (the wait times out, a stop ends it, a reader frees it);
 * a refused frame and a failed target told to said() with their sender
 * and index; signals kept away from the senders.  Every wait is bounded.
 */
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "txpool.h"

#define NS		3			/* senders */
#define NFRAMES		(NS * TXQ_BATCH * 5 + 7)
#define LEN(i)		(60 + (i) % 200)

static uint8_t data[NFRAMES][260];
static volatile sig_atomic_t stop;

/* One target: the sender's end, the reader's end, what the reader got. */
struct peer {
	int		 sv[2];
	struct txq	 q;
	pthread_t	 t;
	unsigned int	 want, n, bad;
	unsigned int	 first;		/* frame first + n * step is next */
	unsigned int	 step;
};

/* What said() was told, in the senders' threads. */
static pthread_mutex_t said_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned int	 calls, k, index;	/* the last refused */
	int		 err, ret;
	unsigned int	 fk, findex;		/* the last failed */
	int		 ferr;
} said;

static void
on_said(void *arg, unsigned int k, const struct txq_batch *b,
    const struct txq_fail *f, int ret)
{
	(void)arg;
	(void)b;
	pthread_mutex_lock(&said_lock);
	said.calls++;
	if (ret == 1) {
		said.k = k;
		said.index = f->index;
		said.err = f->err;
	} else {
		said.fk = k;
		said.findex = f->index;
		said.ferr = f->err;
	}
	said.ret = ret;
	pthread_mutex_unlock(&said_lock);
}

/* A reader: want messages, each checked to be the frame expected next. */
static void *
reader(void *arg)
{
	struct peer *pe = arg;
	uint8_t buf[4096];
	unsigned int i;
	ssize_t k;

	while (pe->n < pe->want && (k = recv(pe->sv[1], buf, sizeof(buf),
	    MSG_TRUNC)) > 0) {
		i = pe->first + pe->n * pe->step;
		if (i >= NFRAMES || (size_t)k != LEN(i) ||
		    memcmp(buf, data[i], LEN(i)) != 0)
			pe->bad++;
		pe->n++;
	}
	return NULL;
}

static void
peer_open(struct peer *pe, int sndbuf)
{
	memset(pe, 0, sizeof(*pe));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pe->sv) == -1) {
		perror("socketpair");
		exit(1);
	}
	if (sndbuf > 0)
		setsockopt(pe->sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	txq_init(&pe->q, pe->sv[0], TXQ_RELAYED, &stop);
}

static void
peer_read(struct peer *pe, unsigned int want, unsigned int first,
    unsigned int step)
{
	pe->want = want;
	pe->first = first;
	pe->step = step;
	pthread_create(&pe->t, NULL, reader, pe);
}

/* Waits as a producer does: through timeouts, for at most 10 s. */
static int
wait_long(struct txpool *p)
{
	int i, ret = -1;

	for (i = 0; i < 1000; i++)
		if ((ret = txpool_wait(p, 10)) == 0 || errno != ETIMEDOUT)
			break;
	return ret;
}

/* Adds frame i to the pool's batch, and waits when it must. */
static int
add(struct txpool *p, unsigned int i)
{
	txq_add(txpool_batch(p), NULL, 0, data[i], LEN(i), 0);
	if (txpool_next(p))
		return wait_long(p);
	return 0;
}

static void
test_spread(void)
{
	struct peer pe[NS];
	struct txq *qs[NS];
	struct txpool *p;
	struct txpool_counts c;
	unsigned int i, k, fail = 0;
	uint64_t bytes[NS] = { 0 };

	for (k = 0; k < NS; k++) {
		peer_open(&pe[k], 0);
		qs[k] = &pe[k].q;
	}
	p = txpool_open(NS, qs, on_said, NULL, &stop);
	ok(p != NULL, "three senders start");
	is_int(txpool_size(p), NS, "  three");
	is_int(txpool_wait(p, 0), 0, "nothing asked: no wait");
	for (k = 0; k < NS; k++)
		peer_read(&pe[k], (NFRAMES - k + NS - 1) / NS, k, NS);
	for (i = 0; i < NFRAMES; i++) {
		if (add(p, i) == -1)
			fail++;
		bytes[i % NS] += LEN(i);
	}
	is_int(fail, 0, "the frames are taken, waits and all");
	txpool_flush(p);
	is_int(wait_long(p), 0, "a flush: every sender done");
	for (k = 0; k < NS; k++)
		pthread_join(pe[k].t, NULL);
	for (k = 0; k < NS; k++) {
		txpool_counts(p, k, &c);
		ok(c.sent == pe[k].want && c.bytes == bytes[k] &&
		    c.errors == 0, "  a sender's counts, published");
		ok(pe[k].n == pe[k].want && pe[k].bad == 0,
		    "  its frames, every third, whole and in order");
	}
	is_int(said.calls, 0, "nothing to say");
	txpool_end(p);
	txpool_end(p);
	txpool_counts(p, 1, &c);
	is_int(c.sent, pe[1].want, "after the end: the final counts");
	txpool_free(p);
	for (k = 0; k < NS; k++) {
		close(pe[k].sv[0]);
		close(pe[k].sv[1]);
	}
}

/*
 * One sender whose peer does not read: the producer fills its ring and
 * must wait; the wait times out, and a stop ends it; a reader then lets
 * the whole through.
 */
static void
test_stall(void)
{
	struct peer pe;
	struct txq *qs[1] = { &pe.q };
	struct txpool *p;
	struct txpool_counts c;
	unsigned int i, waits = 0, n = TXPOOL_NSLOT * TXQ_BATCH;

	peer_open(&pe, 4096);
	p = txpool_open(1, qs, on_said, NULL, &stop);
	for (i = 0; i < n; i++) {
		txq_add(txpool_batch(p), NULL, 0, data[i], LEN(i), 0);
		waits += txpool_next(p);
	}
	is_int(waits, 1, "a ring full: the producer must wait, once");
	errno = 0;
	ok(txpool_wait(p, 20) == -1 && errno == ETIMEDOUT,
	    "  and the wait times out");
	stop = 1;
	ok(txpool_wait(p, 20) == -1 && errno == EINTR,
	    "  a stop ends it");
	stop = 0;
	peer_read(&pe, n, 0, 1);
	is_int(wait_long(p), 0, "a reader makes room");
	txpool_flush(p);
	is_int(wait_long(p), 0, "  and all is sent");
	pthread_join(pe.t, NULL);
	txpool_counts(p, 0, &c);
	ok(c.sent == n && pe.n == n && pe.bad == 0,
	    "  every frame, whole and in order");
	txpool_free(p);
	close(pe.sv[0]);
	close(pe.sv[1]);
}

/*
 * A sender blocked on a relayed fd whose peer reads nothing, every signal
 * blocked in its thread: a stop still ends it, and txpool_free() returns
 * (an alarm fails the test if it hangs).
 */
static void
test_stuck(void)
{
	struct peer pe;
	struct txq *qs[1] = { &pe.q };
	struct txpool *p;
	unsigned int i;

	peer_open(&pe, 4096);
	p = txpool_open(1, qs, on_said, NULL, &stop);
	for (i = 0; i < TXQ_BATCH; i++)
		txq_add(txpool_batch(p), NULL, 0, data[i], LEN(i), 0);
	(void)txpool_next(p);
	txpool_flush(p);
	errno = 0;
	ok(txpool_wait(p, 50) == -1 && errno == ETIMEDOUT,
	    "a sender stuck on a peer that reads nothing");
	stop = 1;
	alarm(10);
	txpool_free(p);
	alarm(0);
	ok(1, "  a stop ends it: txpool_free() returns");
	stop = 0;
	close(pe.sv[0]);
	close(pe.sv[1]);
}

/*
 * A target whose peer is gone is told to said(), with its sender, the
 * index of the first frame not sent and EPIPE, and fails the next wait.
 * (The other sender may or may not have sent its batch by then.)
 */
static void
test_failed(void)
{
	struct peer pe[2];
	struct txq *qs[2] = { &pe[0].q, &pe[1].q };
	struct txpool *p;
	struct txpool_counts c;
	unsigned int i;

	peer_open(&pe[0], 0);
	peer_open(&pe[1], 0);
	close(pe[0].sv[1]);
	p = txpool_open(2, qs, on_said, NULL, &stop);
	memset(&said, 0, sizeof(said));
	for (i = 0; i < 6; i++) {
		txq_add(txpool_batch(p), NULL, 0, data[i], LEN(i), 0);
		txpool_next(p);
	}
	txpool_flush(p);
	errno = 0;
	ok(wait_long(p) == -1 && errno == EIO,
	    "a target that failed fails the wait");
	txpool_end(p);
	ok(said.calls == 1 && said.ret == -1, "said: once, failed");
	ok(said.fk == 0 && said.findex == 0 && said.ferr == EPIPE,
	    "  sender 0, at its frame 0, EPIPE");
	txpool_counts(p, 0, &c);
	ok(c.sent == 0 && c.errors == 3, "  its three frames not sent");
	txpool_free(p);
	close(pe[0].sv[0]);
	close(pe[1].sv[0]);
	close(pe[1].sv[1]);
}

/* A refused frame alone: told with its sender, index and errno. */
static void
test_refused(void)
{
	static uint8_t huge[65536];
	struct peer pe[2];
	struct txq *qs[2] = { &pe[0].q, &pe[1].q };
	struct txpool *p;
	unsigned int i;

	peer_open(&pe[0], 0);
	peer_open(&pe[1], 4096);
	p = txpool_open(2, qs, on_said, NULL, &stop);
	memset(&said, 0, sizeof(said));
	for (i = 0; i < 6; i++) {
		if (i == 3)
			txq_add(txpool_batch(p), NULL, 0, huge, sizeof(huge), 0);
		else
			txq_add(txpool_batch(p), NULL, 0, data[i], LEN(i), 0);
		txpool_next(p);
	}
	txpool_flush(p);
	is_int(wait_long(p), 0, "a refused frame does not fail the wait");
	ok(said.calls == 1 && said.ret == 1, "said: once, refused");
	ok(said.k == 1 && said.index == 1 && said.err == EMSGSIZE,
	    "  sender 1, its frame 1, EMSGSIZE");
	txpool_free(p);
	for (i = 0; i < 2; i++) {
		close(pe[i].sv[0]);
		close(pe[i].sv[1]);
	}
}

static pthread_t caught;

static void
on_usr1(int sig)
{
	(void)sig;
	caught = pthread_self();
}

/* A signal sent to the process reaches the producer, never a sender. */
static void
test_signals(void)
{
	struct peer pe[4];
	struct txq *qs[4];
	struct txpool *p;
	unsigned int k;

	for (k = 0; k < 4; k++) {
		peer_open(&pe[k], 0);
		qs[k] = &pe[k].q;
	}
	signal(SIGUSR1, on_usr1);
	p = txpool_open(4, qs, on_said, NULL, &stop);
	for (k = 0; k < 20; k++)
		kill(getpid(), SIGUSR1);
	ok(pthread_equal(caught, pthread_self()),
	    "signals reach the producer's thread");
	txpool_free(p);
	for (k = 0; k < 4; k++) {
		close(pe[k].sv[0]);
		close(pe[k].sv[1]);
	}
}

int
main(void)
{
	unsigned int i, j;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NFRAMES; i++)
		for (j = 0; j < sizeof(data[i]); j++)
			data[i][j] = (uint8_t)(i * 13 + j * 5 + i / 7);
	test_spread();
	test_stall();
	test_stuck();
	test_failed();
	test_refused();
	test_signals();
	return done();
}
