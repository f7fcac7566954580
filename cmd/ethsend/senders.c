/*
 * ethsend's senders: the batch sent on the socket (lib/txq), or under -j
 * spread over N sender threads (lib/txpool), each with a socket of its
 * own; and the words for a frame that could not be sent.
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdcap.h"
#include "listenfd.h"
#include "txpool.h"
#include "txq.h"

#include "ethsend.h"

/*
 * A frame of b that did not go (ret 1), or the target that failed at it
 * (ret -1), as txq_send() told it, in words.
 */
static void
say_unsent(const struct run *r, const struct txq_batch *b,
    const struct txq_fail *f, int ret)
{
	const char *verb = r->q.kind == TXQ_TAP ? "write" : "send";

	errno = f->err;
	if (ret == 1)
		warn("%s on %s: a frame of %zu bytes", verb, r->ifc.name,
		    b->lens[f->index]);
	else
		warn("%s on %s", verb, r->ifc.name);
}

/*
 * Sends frames [i, n) of b on r's target (lib/txq), with a warning for
 * each frame that could not go (counted as an error).  A target that
 * failed (the interface went down or away) ends the run.
 */
void
send_batch(const struct opts *o, struct run *r, struct txq_batch *b,
    unsigned int i, unsigned int n)
{
	struct txq_fail f;
	int ret;

	while ((ret = txq_send(&r->q, b, &i, n, &f)) != 0) {
		say_unsent(r, b, &f, ret);
		if (ret == -1)
			finish(o, r, EXIT_SYS);
	}
}

/* -j: what sender k could not send, said in its thread (lib/txpool). */
static void
sender_said(void *arg, unsigned int k, const struct txq_batch *b,
    const struct txq_fail *f, int ret)
{
	struct run *const *w = arg;

	say_unsent(w[k], b, f, ret);
}

/*
 * -j: until the senders have room for the next batch, or (after
 * txpool_flush()) have sent all they were given, saying the counts when
 * a signal asks meanwhile.  A failed sender ends the run (111), a stop
 * signal too (0, as when one sender is stopped).
 */
void
senders_wait(const struct opts *o, struct run *r)
{
	/* A signal does not end the wait: look again at least so often. */
	while (txpool_wait(r->mt, info || tick ? 0 : 50) == -1) {
		if (errno != ETIMEDOUT)
			finish(o, r, errno == EIO ? EXIT_SYS : 0);
		feedback(o, r);
	}
}

/*
 * The senders' counts so far into r->counts, and their sum into r's
 * totals: read once, so that the lines said of them add up.
 */
void
senders_sum(struct run *r)
{
	struct txpool_counts *c;
	unsigned int k;

	r->q.sent = r->q.bytes = r->q.errors = 0;
	for (k = 0; k < txpool_size(r->mt); k++) {
		c = &r->counts[k];
		txpool_counts(r->mt, k, c);
		r->q.sent += c->sent;
		r->q.bytes += c->bytes;
		r->q.errors += c->errors;
	}
}

/*
 * Ends the senders: each finishes the batch it is sending, not what is
 * queued behind it; then their final counts into r's totals.
 */
void
senders_end(struct run *r)
{
	txpool_end(r->mt);
	senders_sum(r);
}

/*
 * -j N: N senders (lib/txpool), each with a socket of its own: the one r
 * has for the first, then for each other the next handed-over fd
 * (LISTEN_FDS, checked to be N), or IFACE opened again.
 */
void
senders_open(const struct opts *o, struct run *r, char **argv, int argc)
{
	unsigned int k, n = (unsigned int)o->senders;
	struct opts ok = *o;
	struct run **w;
	struct txq **qs;
	uint16_t bt;
	int handed = o->fd < 0 && listenfd_count() > 0;

	if ((w = calloc(n, sizeof(*w))) == NULL ||
	    (qs = calloc(n, sizeof(*qs))) == NULL ||
	    (r->counts = calloc(n, sizeof(*r->counts))) == NULL)
		err(EXIT_SYS, "calloc");
	for (k = 0; k < n; k++) {
		if ((w[k] = calloc(1, sizeof(*w[k]))) == NULL)
			err(EXIT_SYS, "calloc");
		if (k == 0) {
			*w[k] = *r;
		} else {
			ok.fd = handed ? LISTENFD_START + (int)k : -1;
			open_target(&ok, w[k], argv, argc, &bt);
		}
		qs[k] = &w[k]->q;
	}
	if ((r->mt = txpool_open(n, qs, sender_said, w, &stop)) == NULL)
		err(EXIT_SYS, "%s", errno == ENOMEM ? "calloc" :
		    "pthread_create");
	/* The pool keeps the pointers; w stays, the arg of sender_said(). */
	free(qs);
	r->cur = txpool_batch(r->mt);
}
