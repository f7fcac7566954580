/*
 * fileset: a capture written to a set of files, as tcpdump's -w, -C, -G,
 * -W and -z do it.
 *
 *	fileset_init(&fs, &conf, ts_wall_ns());
 *	fd = fileset_open(&fs, now);	...write the format's header to fd...
 *	fileset_add(&fs, hdrlen, 0);
 *	for each record of n bytes:
 *		if (fileset_full(&fs, n) || fileset_due(&fs, ts))
 *			fileset_close(&fs), fileset_post(&fs),
 *			fileset_open(&fs, now), ...header...;
 *		...write it...;  fileset_add(&fs, n, 1);
 *	poll(2) at most fileset_ms_until(&fs, now) ms: the interval's end
 *	comes without a frame;  fileset_reap(&fs, 0, &d) now and then;
 *	fileset_close(&fs);  fileset_post(&fs);  fileset_reap(&fs, 1, &d)
 *	until it returns 0;  fileset_free(&fs);
 *
 * The names are the pattern with strftime(3) escapes expanded for the
 * start of the file's interval, in local time, and ".N" appended (N = 0,
 * 1, ... through the run) when the pattern alone would not make them
 * unique: always under -C, and under -G when two consecutive intervals
 * would get one name.  -G intervals are aligned to the local clock (a
 * file of -G 60 starts at :00).  Files are opened O_CREAT | O_TRUNC |
 * O_NOFOLLOW | O_CLOEXEC with mode 0644 (less the umask), by whoever
 * calls, so they are the caller's.  -W keeps the newest COUNT files made
 * in this run: before the next one is made, the oldest is removed.  -z
 * runs PROG FILE (no shell, PATH searched) for each closed file, in a
 * process group of its own, and is reaped without blocking.
 *
 * The caller writes the files (a header of its format first, whole
 * records after) and says how many bytes went in; nothing here writes
 * to them.  Nothing here prints or exits, and there is no global state.
 */
#ifndef LIB_FILESET_H
#define LIB_FILESET_H

#include <sys/types.h>

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct fileset_conf {
	const char	*pattern;	/* -o: strftime(3) escapes expanded */
	uint64_t	 maxsize;	/* -C: bytes a file may hold; 0: any */
	unsigned	 seconds;	/* -G: the interval; 0: none */
	unsigned	 keep;		/* -W: files kept; 0: all */
	const char	*prog;		/* -z: run as prog FILE; NULL: none */
	const sigset_t	*childmask;	/* -z's signal mask; NULL: ours */
};

/* A -z program that has ended. */
struct fileset_done {
	pid_t		 pid;
	int		 status;	/* as waitpid(2) says */
	char		 file[PATH_MAX];	/* the file it was given */
};

struct fileset_kid {
	pid_t		 pid;
	char		*file;
};

struct fileset {
	struct fileset_conf conf;
	int		 numbered;	/* names get ".N" */
	uint64_t	 seq;		/* N of the next numbered name */
	int		 fd;		/* the open file, or -1 */
	char		 name[PATH_MAX];	/* the open (or last) file */
	int		 closed;	/* name is closed, not yet given to -z */
	uint64_t	 size;		/* bytes in the open file */
	uint64_t	 records;	/* records in the open file */
	uint64_t	 end_ns;	/* CLOCK_REALTIME end of its interval; 0 */
	char		**ring;		/* -W: names kept, oldest first */
	size_t		 nring;
	struct fileset_kid *kids;	/* -z programs running */
	size_t		 nkids, kidsize;
};

/*
 * Sets fs up for conf (copied; the strings must outlive fs), deciding
 * from the pattern, at now_ns (CLOCK_REALTIME, ns since the epoch),
 * whether names are numbered.  No file is opened.  Returns 0, or -1 with
 * errno: EINVAL (no pattern, or one that expands to nothing),
 * ENAMETOOLONG (a name would not fit PATH_MAX), ENOMEM.
 */
int	fileset_init(struct fileset *fs, const struct fileset_conf *conf,
	    uint64_t now_ns);

/*
 * Whether names made from pattern need ".N" to be unique: with maxsize
 * (-C), always; with seconds (-G), when two consecutive intervals around
 * now (local time) expand to the same name; otherwise never, as only one
 * file is made.  Never fails.
 */
int	fileset_numbered(const char *pattern, uint64_t maxsize,
	    unsigned seconds, time_t now);

/*
 * The name of a file: pattern expanded by strftime(3) for t in local
 * time, then ".seq" when numbered, into buf (len bytes).  Returns 0, or
 * -1 with errno EINVAL (it expands to nothing), ENAMETOOLONG (it does
 * not fit) or ENOMEM.
 */
int	fileset_name(const char *pattern, int numbered, uint64_t seq,
	    time_t t, char *buf, size_t len);

/*
 * The start of the interval of seconds that holds now, aligned to the
 * clock of a zone gmtoff seconds east of UTC (a -G 3600 interval starts
 * on the hour, a -G 86400 one at midnight).  seconds 0: now.  Never
 * fails.
 */
time_t	fileset_interval(time_t now, long gmtoff, unsigned seconds);

/*
 * Opens the next file for the interval holding now_ns (CLOCK_REALTIME,
 * ns since the epoch): first, under -W, removes the oldest files made so
 * that with the new one at most conf.keep remain (one already gone is no
 * error, nor one that cannot be removed: the capture goes on).  The
 * file is created or truncated, O_WRONLY | O_CREAT | O_TRUNC |
 * O_NOFOLLOW | O_CLOEXEC, mode 0644 less the umask.  Returns the fd
 * (owned by fs: the caller writes its header to it, then records), or -1
 * with errno: EBUSY (a file is open: fileset_close() it first), that of
 * open(2) (ELOOP: the name is a symbolic link), EINVAL, ENAMETOOLONG or
 * ENOMEM (the name, as fileset_name()).
 */
int	fileset_open(struct fileset *fs, uint64_t now_ns);

/*
 * The name of the open file, of the last one closed, or of the one that
 * fileset_open() failed to open.
 */
const char *fileset_current(const struct fileset *fs);

/*
 * Counts n bytes written to the open file; record says they are a
 * record (not a header).  Never fails.
 */
void	fileset_add(struct fileset *fs, size_t n, int record);

/*
 * Whether a record of n bytes must go to a new file under -C: the open
 * file holds a record already and n more bytes would take it past
 * conf.maxsize.  A record larger than -C thus gets a file to itself.
 * Never fails.
 */
int	fileset_full(const struct fileset *fs, size_t n);

/*
 * Whether the -G interval of the open file has ended at t_ns
 * (CLOCK_REALTIME, ns since the epoch).  Never fails.
 */
int	fileset_due(const struct fileset *fs, uint64_t t_ns);

/*
 * Milliseconds from now_ns until the -G interval ends, rounded up (for
 * poll(2)): 0 once it has, -1 without -G or an open file.  Never fails.
 */
long long fileset_ms_until(const struct fileset *fs, uint64_t now_ns);

/*
 * Closes the open file (none: returns 0).  The file is closed even when
 * close(2) reports an error.  Returns 0, or -1 with errno of close(2)
 * (EIO, ENOSPC, EDQUOT: what was written may not all be there).
 */
int	fileset_close(struct fileset *fs);

/*
 * Under -z, runs conf.prog with the file last closed as its argument
 * (once per file: a second call does nothing), with posix_spawnp(3): no
 * shell, PATH searched, fds 0-2 shared, conf.childmask as its signal
 * mask, SIGPIPE to its default, in a process group of its own (so that
 * ^C at the terminal does not stop it half way).  Returns 0 (also
 * without -z, or with no file closed), or -1 with errno of
 * posix_spawnp(3) (ENOENT, EACCES, EAGAIN, ENOMEM).
 */
int	fileset_post(struct fileset *fs);

/* How many -z programs are running (not reaped yet). */
size_t	fileset_running(const struct fileset *fs);

/*
 * Reaps one ended -z program into *d (only fs's own children are waited
 * for; block: wait for one).  Returns 1 with *d filled, 0 when none has
 * ended (or none runs), or -1 with errno of waitpid(2) (EINTR: a signal
 * came while blocked).
 */
int	fileset_reap(struct fileset *fs, int block, struct fileset_done *d);

/*
 * Frees fs, closing a file still open (no -z for it); -z programs still
 * running are left to run, and are no longer waited for.
 */
void	fileset_free(struct fileset *fs);

/*
 * A size for -C: a number of bytes with an optional k, M or G (powers of
 * 1024; either case), at least 1.  Returns 0 with *v set, or -1 with
 * errno EINVAL (not such a number) or ERANGE (past 2^62 bytes).
 */
int	fileset_parse_size(const char *s, uint64_t *v);

#endif /* LIB_FILESET_H */
