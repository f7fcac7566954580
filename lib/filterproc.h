/*
 * filterproc: tcpdump expressions compiled in a child process that holds
 * no privilege and no socket, so that libpcap never runs beside either.
 *
 * The child is forked, moves the pipe's write end to fd 3 and closes every
 * other fd but 0-2, calls the caller's drop function (rawopen's privilege
 * drop), closes again whatever that left open, compiles each expression
 * with filter_compile() and writes the programs to the pipe.  The parent
 * trusts nothing it reads: every record is read with an exact, bounded
 * length, every field is checked, and a program is used only when it has
 * 1..BPF_MAXINSNS instructions, the child sent every record and an end
 * mark, and it then exited 0.
 *
 * The caller ends the child, as the child's status says (filterproc_start()
 * returns in it as fork(2) does): nothing here prints or exits.
 *
 * Call it from a single-threaded process (the child allocates and loads
 * libpcap after fork(2)).  The parent waits for the child without a time
 * limit: a child stopped by its owner (the caller, once it has dropped to
 * the caller's ids) stops the parent too, and nothing else.
 */
#ifndef LIB_FILTERPROC_H
#define LIB_FILTERPROC_H

#include <sys/types.h>

#include <linux/filter.h>
#include <stddef.h>

#include "filter.h"

/*
 * The drop function, called in the child before anything is compiled,
 * with every fd but 0-3 already closed (fd 3 is the pipe).  It returns 0,
 * or -1 with errno and, optionally, *what naming the step that failed
 * (priv_drop()'s and priv_verify()'s names fit); the child then reports
 * the failure and compiles nothing.
 */
typedef int	(*filterproc_drop_fn)(void *arg, const char **what);

/* A child at work: its pid and the read end of its pipe; or none, and why. */
struct filterproc {
	pid_t	pid;
	int	fd;
	int	err;	/* no child: the error of pipe(2) or fork(2) */
};

/*
 * Forks the child that compiles exprs[0..n-1] (as filter_compile() would,
 * with snaplen), first calling drop(arg) when drop is not NULL.  Returns
 * twice, as fork(2) does:
 *	in the child, 0, once its work is done, with *status the status it
 *	must end with at once: the caller calls _exit(*status) (nothing
 *	here ends a process);
 *	in the parent, the child's pid, with fp set for filterproc_finish();
 *	or -1 with the error of pipe(2) or fork(2), and no child: fp keeps
 *	the error, for filterproc_finish() to report as its own.
 *
 *	if (filterproc_start(&fp, exprs, n, 0, drop, arg, &st) == 0)
 *		_exit(st);
 *	if (filterproc_finish(&fp, exprs, n, progs, &bad, errbuf) == -1)
 *		...
 */
pid_t	filterproc_start(struct filterproc *fp, const char *const *exprs,
	    size_t n, unsigned snaplen, filterproc_drop_fn drop, void *arg,
	    int *status);

/*
 * Reads what the child of fp compiled into progs[0..n-1] (allocated:
 * release each with filter_free()); exprs and n as given to
 * filterproc_start().  exprs[i] may be NULL: progs[i] is then left empty
 * (len 0, filter NULL).  The child is reaped before this returns, whatever
 * happens, and fp's fd closed.  Returns 0; or -1 with every progs[i]
 * empty, *bad set to the index of the expression at fault (or to n when
 * none is), a message in errbuf, and errno
 *	EINVAL	expression *bad has a syntax error (libpcap's message)
 *	EMSGSIZE expression *bad compiles to more than BPF_MAXINSNS
 *		instructions, or the child claimed a program that long
 *	ENOSYS	libpcap cannot be loaded (*bad: the first non-NULL one)
 *	ENOMEM	the child or the parent ran out of memory
 *	ECHILD	the child failed: its drop function failed ("filter compiler
 *		cannot drop privilege: setresuid: Operation not permitted"),
 *		or it was killed ("filter compiler killed by signal 11
 *		(Segmentation fault)"), or it exited with a status other than
 *		its own
 *	EPROTO	the child wrote something malformed, or its output ended
 *		before the end mark
 * or the error of read(2) or waitpid(2); or, when filterproc_start()
 * made no child, its error (*bad n, errbuf strerror(3)'s words), and
 *	EBADF	fp holds no child and no such error (finished already)
 */
int	filterproc_finish(struct filterproc *fp, const char *const *exprs,
	    size_t n, struct sock_fprog *progs, size_t *bad,
	    char errbuf[FILTER_ERRLEN]);

#endif /* LIB_FILTERPROC_H */
