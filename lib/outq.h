/*
 * outq: a gathered, signal-aware output writer for streams of records.
 *
 * Records (a pcap record header and its frame, a hex line) are appended
 * whole, copied into one large buffer or referenced where they lie (a
 * long frame in a receive ring), and written in few large writev(2) or
 * sendmsg(2) calls.  A write that has to wait for a slow reader waits in
 * ppoll(2) with the caller's stop signals let through, so that a reader
 * that has stopped reading holds up nothing but the output.
 *
 *	outq_init(&q, 1, 1 << 20);  outq_signals(&q, &waitmask, &nsignals);
 *	p = outq_reserve(&q, n);  ...fill p...;  outq_commit(&q, n);
 *	outq_ref(&q, frame, len);		(valid until the next flush)
 *	outq_flush(&q);  outq_free(&q);
 *
 * Every append is a whole record, or the pieces of one in order, so that
 * what has been written is always whole records.  outq_put() appends a
 * record given as pieces in one call, copied: the entry point for
 * producers that share one queue (one at a time: the queue has no lock).
 * Nothing here prints or exits, and there is no global state.  The
 * caller ignores SIGPIPE (a closed pipe then fails with EPIPE).
 */
#ifndef LIB_OUTQ_H
#define LIB_OUTQ_H

#include <sys/types.h>
#include <sys/uio.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define OUTQ_IOV	1024		/* pieces per write: IOV_MAX */
#define OUTQ_PIPE_WANT	(1U << 20)	/* F_SETPIPE_SZ on a pipe */

struct outq {
	int		 fd;		/* what is written to */
	int		 ownfd;		/* fd was opened here: close it */
	uint8_t		*buf;
	size_t		 len, size;
	size_t		 mark;		/* buf[mark, len) is in no piece yet */
	struct iovec	*iov;		/* pieces of buf and references */
	int		 niov;
	int		 refs;		/* pieces that point outside buf */
	off_t		 good;		/* a regular file: its valid length */
	int		 regular;
	int		 nonblock;	/* a write may say EAGAIN: wait */
	int		 sock;		/* a connected socket: sendmsg(2) */
	const sigset_t	*waitmask;	/* what ppoll(2) lets through */
	const volatile sig_atomic_t *signals;	/* counts stop signals */
	const struct timespec *end;	/* CLOCK_MONOTONIC deadline, or NULL */
};

/*
 * Sets q up to write to fd through a buffer of size bytes.  A pipe is
 * grown to OUTQ_PIPE_WANT bytes (or what the system allows) and reopened
 * through /proc/self/fd without blocking, so that O_NONBLOCK never
 * reaches whoever shares fd (without /proc, writes block, with the stop
 * signals let through); a socket must be connected and is written with
 * sendmsg(2), MSG_DONTWAIT and MSG_NOSIGNAL; a regular file's offset is
 * remembered, so that a failed write can be cut back.  Returns 0, or -1
 * with errno: ENOMEM, ENOTCONN (an unconnected socket), or the error of
 * fstat(2); then nothing is left to free.
 */
int	outq_init(struct outq *q, int fd, size_t size);

/*
 * From now on a wait for the reader lets the signals outside waitmask in
 * (ppoll(2)'s mask), and ends with EINTR when *count (which the caller's
 * handler increments) changes after a flush has begun.  waitmask NULL:
 * writes block as the current mask says.  Never fails.
 */
void	outq_signals(struct outq *q, const sigset_t *waitmask,
	    const volatile sig_atomic_t *count);

/*
 * A CLOCK_MONOTONIC time after which a wait for the reader ends with
 * ETIMEDOUT, unless the flush began after it (what is left is then
 * written).  NULL: none.  Never fails.
 */
void	outq_deadline(struct outq *q, const struct timespec *end);

/* The fd that is written: poll it (events 0) to see a reader go. */
int	outq_fd(const struct outq *q);

/*
 * Room for n contiguous bytes and two more pieces, flushing first when
 * there is none.  Returns where to write them (then outq_commit()), or
 * NULL with errno EMSGSIZE (n is larger than the buffer) or that of
 * outq_flush().
 */
uint8_t	*outq_reserve(struct outq *q, size_t n);

/* n bytes written where outq_reserve() said are part of the output. */
void	outq_commit(struct outq *q, size_t n);

/*
 * n bytes at p as a piece of the output, not copied: p must stay valid
 * and unchanged until the next outq_flush() returns 0.  Does not flush
 * when outq_reserve() was called before it (its room for two pieces is
 * used), so a record is never split.  Returns 0, or -1 with errno of
 * outq_flush().
 */
int	outq_ref(struct outq *q, const void *p, size_t n);

/*
 * One whole record from cnt pieces, copied.  Returns 0, or -1 with errno
 * EMSGSIZE (the record is larger than the buffer) or that of outq_flush().
 */
int	outq_put(struct outq *q, const struct iovec *v, int cnt);

/* Whether a piece points outside the buffer: flush before it changes. */
int	outq_has_refs(const struct outq *q);

/* Whether anything is waiting to be written. */
int	outq_pending(const struct outq *q);

/*
 * Writes out everything appended, whole, retrying after short writes and
 * after signals that are not counted; when the reader takes nothing it
 * waits, as outq_signals() and outq_deadline() say.  Returns 0, or -1
 * with errno: EINTR (a counted signal came), ETIMEDOUT (the deadline
 * passed), EPIPE (the reader is gone: a pipe without readers, a socket
 * whose peer closed), or the write's error (ENOSPC...).  Then, for a
 * regular file, the file is cut back to the end of its last complete
 * flush and what was queued is dropped; for anything else, a later flush
 * carries on where this one stopped.
 */
int	outq_flush(struct outq *q);

/* Frees q's buffers and closes the fd it opened; q may be zeroed. */
void	outq_free(struct outq *q);

#endif /* LIB_OUTQ_H */
