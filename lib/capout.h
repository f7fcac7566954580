/*
 * capout: a capture's output, whole.  Received frames leave as records
 * of one format (lib/recfmt: pcap, pcapng, text, hex, payload) through
 * one queue (lib/outq), to an fd (stdout) or to a set of files
 * (lib/fileset: -o, -C, -G, -W, -z), each output opened with its
 * format's header (pcap's file header; pcapng's SHB and one IDB per
 * interface) and, in pcapng, closed with an ISB per interface, so that
 * every file is a capture of its own.
 *
 *	capout_files(&c, &fc, ts_wall_ns());		(-o only: early)
 *	capout_start(&c, &conf, 1, "stdout")  or  capout_start(&c, &conf,
 *	    -1, NULL) for the files;
 *	for each frame f:  capout_frame(&c, &f, &cut);  (-U: capout_flush)
 *	after each batch:  capout_unref(&c);  before it is given back;
 *	when idle:  capout_flush(&c);  capout_tick(&c);  wait at most
 *	    capout_wait_ms(&c) ms;
 *	capout_end(&c);  [capout_reap(&c, 1) while capout_running(&c)]
 *	capout_free(&c);
 *
 * A failure returns -1 with errno, and says in c->step what failed:
 * opening a file of -o (CAPOUT_STEP_OPEN; capout_name() is its name),
 * setting up the queue (INIT), making a pcapng header (HEADER),
 * writing (WRITE: EPIPE when the reader has gone, EINTR or ETIMEDOUT
 * when a stop signal or the deadline ended a wait), or closing a file
 * (CLOSE).  After an OPEN or CLOSE failure there is no output left:
 * capout_frame(), capout_tick() and capout_end() return -1 with EBADF;
 * capout_free() is what is left to call (after any failure, the only
 * call that makes sense).  What -z programs did comes back through
 * conf->zdone.
 * Nothing here prints or exits, and there is no global state; one thread
 * at a time (the caller locks).
 */
#ifndef LIB_CAPOUT_H
#define LIB_CAPOUT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fileset.h"
#include "outq.h"
#include "recfmt.h"
#include "ring.h"

#define CAPOUT_BUF	(1U << 20)	/* the queue: a block's records */
#define CAPOUT_REAP_MS	100		/* -z programs running: reaped so */

/* What failed. */
#define CAPOUT_STEP_OPEN	1	/* fileset_open() */
#define CAPOUT_STEP_INIT	2	/* outq_init() */
#define CAPOUT_STEP_HEADER	3	/* a pcapng header cannot be made */
#define CAPOUT_STEP_WRITE	4	/* outq: the write, or EMSGSIZE */
#define CAPOUT_STEP_CLOSE	5	/* fileset_close() */

struct capout_conf {
	enum recfmt_format fmt;
	int		 usec;		/* pcap: microsecond timestamps */
	uint32_t	 cut;		/* pcap, pcapng: records cut to this */
	uint32_t	 snaplen;	/* the source's: what counts as cut */
	size_t		 maxframe;	/* the longest frame, tag restored */
	const char	*ifname;	/* pcapng: the IDBs' if_name */
	uint32_t	 nif;		/* pcapng: interfaces (IDBs, ISBs) */
	const char	*comment;	/* pcapng: the SHB's, or NULL */
	const char	*app;		/* pcapng: shb_userappl */
	/* outq_signals() and outq_deadline() of every output. */
	const sigset_t	*waitmask;
	const volatile sig_atomic_t *signals;
	const struct timespec *end;
	/*
	 * pcapng's ISB of interface ifid: its counts since the start into
	 * *received and *dropped; returns 1, or 0 when it has none (they
	 * are then not in the ISB).  NULL: none has any.  Each file's ISB
	 * says what was counted since the ISB of the file before (the
	 * first: since the start), so that every file is whole on its own.
	 */
	int		(*counts)(void *arg, uint32_t ifid, uint64_t *received,
			    uint64_t *dropped);
	/*
	 * -o -z: a program has ended (d, err 0: d->status as waitpid(2)
	 * says), could not be started for d->file (err: posix_spawnp(3)'s
	 * errno, d->pid 0), or waitpid(2) failed (d NULL, err its errno).
	 * Called from capout's calls, to be said; NULL: not said.
	 */
	void		(*zdone)(void *arg, const struct fileset_done *d,
			    int err);
	void		*arg;		/* for counts and zdone */
};

/* A frame capout_frame() took in cut short: wire bytes, kept of them. */
struct capout_cut {
	int		 cut;		/* 0: whole */
	uint32_t	 wire, kept;
};

struct capout {
	struct capout_conf conf;
	struct outq	 o;
	struct recfmt	 rf;
	uint8_t		*frame;		/* recfmt's scratch */
	const char	*name;		/* "stdout", or the file's */
	int		 tofile;	/* the output is fs (capout_files()) */
	struct fileset	 fs;
	uint64_t	 start_ns;	/* pcapng: this output (file) began */
	uint64_t	*isbbase;	/* pcapng: each interface's counts at
					   the last ISB (received, dropped) */
	uint64_t	 records;	/* frames taken in */
	uint64_t	 written;	/* of them, written (the last flush) */
	int		 step;		/* after a failure: CAPOUT_STEP_* */
};

/*
 * -o: the output will be the files of fc (lib/fileset, copied; its
 * strings must outlive c), decided at now_ns (CLOCK_REALTIME).  Call
 * before capout_start(), on a zeroed c.  Returns 0, or -1 with
 * fileset_init()'s errno (EINVAL, ENAMETOOLONG, ENOMEM).
 */
int	capout_files(struct capout *c, const struct fileset_conf *fc,
	    uint64_t now_ns);

/*
 * Starts the output as conf says (copied; what it points to must
 * outlive c): to fd, named name for capout_name(), or with capout_files()
 * to the first file (fd -1).  c is zeroed, or as capout_files() left it
 * (again after capout_free(): zero it first).  The queue holds CAPOUT_BUF bytes, or a hex
 * line of the longest frame when that is more; the header is written at
 * once for pcap, queued for pcapng.  Returns 0, or -1 with errno and
 * c->step: OPEN (fileset_open()'s), INIT (outq_init()'s, ENOMEM),
 * HEADER (EINVAL), WRITE (outq_flush()'s); capout_free() frees what was
 * set up.
 */
int	capout_start(struct capout *c, const struct capout_conf *conf,
	    int fd, const char *name);

/*
 * The name of the output, for a message: "stdout" (as capout_start() was
 * told), the open file, or the file that failed to open or close.  Never
 * fails.
 */
const char *capout_name(const struct capout *c);

/* The fd written: poll it (events 0) to see a reader go.  Never fails. */
int	capout_fd(const struct capout *c);

/*
 * The records that follow are of pcapng interface ifid (an EPB's).
 * Never fails.
 */
void	capout_setif(struct capout *c, uint32_t ifid);

/*
 * Frame f into the output as one record (recfmt_write()); with files,
 * first a new file when the -G interval has ended by f's time or f would
 * take the open one past -C (its header, and pcapng's ISBs to come,
 * counted).  *cut says whether f leaves cut short
 * (recfmt_cut()), set once a file is there for it.  The record may refer
 * to f->data: capout_unref() before the frame is given back.  Returns 0,
 * or -1 with errno and c->step OPEN, INIT, HEADER, WRITE or CLOSE, or
 * EBADF as capout_end().
 */
int	capout_frame(struct capout *c, const struct ring_frame *f,
	    struct capout_cut *cut);

/*
 * The bytes f takes in the output (recfmt_size()).  Never fails.
 */
size_t	capout_size(const struct capout *c, const struct ring_frame *f);

/*
 * Writes out what is queued; the records taken in so far are then
 * written (capout_written()).  Returns 0, or -1 with outq_flush()'s
 * errno (EPIPE, EINTR, ETIMEDOUT, ENOSPC...) and c->step WRITE.
 */
int	capout_flush(struct capout *c);

/*
 * Writes out what is queued when part of it refers to frames, which are
 * about to be given back.  Returns as capout_flush().
 */
int	capout_unref(struct capout *c);

/*
 * The clock, with no frame: with files, a new one when the -G interval
 * has ended, and the -z programs that ended reaped (conf->zdone).
 * Returns 0, or -1 as capout_frame().
 */
int	capout_tick(struct capout *c);

/*
 * How long a wait for frames may last, in milliseconds, for capout_tick()
 * to come in time: until the -G interval ends, and while -z programs run
 * CAPOUT_REAP_MS at most.  -1: for ever (no files).  Never fails.
 */
long long capout_wait_ms(const struct capout *c);

/*
 * The end: pcapng's ISBs (conf->counts), everything written; with files,
 * the last one closed and given to -z (the programs that ended reaped).
 * Returns 0, or -1 with errno and c->step WRITE or CLOSE; EBADF (c->step
 * as it was) when there is no output: a rotation failed (OPEN, CLOSE),
 * or none was started.
 */
int	capout_end(struct capout *c);

/* How many -z programs are running.  Never fails. */
size_t	capout_running(const struct capout *c);

/*
 * Reaps the -z programs that have ended (block: waits until none runs),
 * each through conf->zdone.  Returns 0, or -1 with waitpid(2)'s errno
 * (EINTR: a signal came while blocked).
 */
int	capout_reap(struct capout *c, int block);

/* Frames taken in (capout_frame()), and of them written.  Never fail. */
uint64_t capout_records(const struct capout *c);
uint64_t capout_written(const struct capout *c);

/*
 * Frees c: the queue (unwritten records are lost), the open file (no -z
 * for it), the scratch; -z programs still running are left to run.
 * capout_records() and capout_written() still answer;
 * zero c before another capout_start().  Never fails.
 */
void	capout_free(struct capout *c);

#endif /* LIB_CAPOUT_H */
