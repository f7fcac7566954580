/*
 * filterproc: tcpdump expressions compiled in a child process that holds
 * no privilege and no socket.
 *
 * The wire format, child to parent, is a sequence of records, each a
 * header of four 32-bit words in host order (the two ends are one program)
 * and a payload:
 *
 *	type	'P' a program, 'N' no expression, 'E' expression failed,
 *		'D' the drop function failed, 'Z' the end
 *	index	the expression's index (P, N, E), else 0
 *	err	an errno value (E, D), else 0
 *	len	P: the instruction count, 8 bytes each (code 16 bits, jt 8,
 *		jf 8, k 32); E, D: the message's length (no NUL); else 0
 *
 * A well-behaved child writes one P, N or E record per expression in
 * order and Z, then exits 0; or stops at the first E, or writes a lone D,
 * and exits 1.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "filterproc.h"
#include "listenfd.h"

#define FP_PROG		'P'
#define FP_NONE		'N'
#define FP_EXPR_ERR	'E'
#define FP_DROP_ERR	'D'
#define FP_END		'Z'

#define FP_FD		3	/* the pipe's write end, in the child */
#define FP_INSN		8	/* bytes per instruction on the wire */
#define FP_EXIT_OK	0
#define FP_EXIT_REPORTED 1	/* an E or D record was written */
#define FP_EXIT_WRITE	2	/* the pipe failed */

struct fp_hdr {
	uint32_t	type;
	uint32_t	index;
	uint32_t	err;
	uint32_t	len;
};

/* Writes all of buf, or returns -1. */
static int
fp_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len > 0) {
		if ((r = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Writes one record; msg may be NULL for len 0. */
static int
fp_send(int fd, uint32_t type, size_t index, int err, const void *msg,
    size_t len)
{
	struct fp_hdr h;

	h.type = type;
	h.index = (uint32_t)index;
	h.err = (uint32_t)err;
	h.len = (uint32_t)len;
	if (fp_write(fd, &h, sizeof(h)) == -1)
		return -1;
	if (type == FP_PROG)
		len *= FP_INSN;
	return len > 0 ? fp_write(fd, msg, len) : 0;
}

/*
 * An error record whose message is text, cut to FILTER_ERRLEN - 1; the
 * child's exit status after it.
 */
static int
fp_fail(int fd, uint32_t type, size_t index, int err, const char *text)
{
	size_t len = text != NULL ? strnlen(text, FILTER_ERRLEN - 1) : 0;

	if (fp_send(fd, type, index, err, text, len) == -1)
		return FP_EXIT_WRITE;
	return FP_EXIT_REPORTED;
}

/*
 * The child's work: fd 3 only (and 0-2), then drop, then compile.
 * Returns the status the child exits with.
 */
static int
fp_child(int wfd, const char *const *exprs, size_t n, unsigned snaplen,
    filterproc_drop_fn drop, void *arg)
{
	char errbuf[FILTER_ERRLEN];
	struct sock_fprog prog;
	const char *what;
	uint8_t *buf;
	size_t i, j;
	int e;

	if (wfd != FP_FD && dup2(wfd, FP_FD) == -1)
		return FP_EXIT_WRITE;
	listenfd_closefrom(FP_FD + 1);
	if (drop != NULL) {
		what = NULL;
		if (drop(arg, &what) == -1) {
			e = errno;
			return fp_fail(FP_FD, FP_DROP_ERR, 0, e, what);
		}
		listenfd_closefrom(FP_FD + 1);
	}
	for (i = 0; i < n; i++) {
		if (exprs[i] == NULL) {
			if (fp_send(FP_FD, FP_NONE, i, 0, NULL, 0) == -1)
				return FP_EXIT_WRITE;
			continue;
		}
		if (filter_compile(exprs[i], snaplen, &prog, errbuf) == -1) {
			e = errno;
			/* filter_compile() says EINVAL for both. */
			if (e == EINVAL &&
			    strncmp(errbuf, "filter too long", 15) == 0)
				e = EMSGSIZE;
			return fp_fail(FP_FD, FP_EXPR_ERR, i, e, errbuf);
		}
		if ((buf = malloc((size_t)prog.len * FP_INSN)) == NULL)
			return fp_fail(FP_FD, FP_EXPR_ERR, i, ENOMEM,
			    strerror(ENOMEM));
		for (j = 0; j < prog.len; j++) {
			memcpy(buf + j * FP_INSN, &prog.filter[j].code, 2);
			buf[j * FP_INSN + 2] = prog.filter[j].jt;
			buf[j * FP_INSN + 3] = prog.filter[j].jf;
			memcpy(buf + j * FP_INSN + 4, &prog.filter[j].k, 4);
		}
		e = fp_send(FP_FD, FP_PROG, i, 0, buf, prog.len);
		free(buf);
		filter_free(&prog);
		if (e == -1)
			return FP_EXIT_WRITE;
	}
	if (fp_send(FP_FD, FP_END, 0, 0, NULL, 0) == -1)
		return FP_EXIT_WRITE;
	return FP_EXIT_OK;
}

/*
 * Reads exactly len bytes.  Returns 1, or 0 at end of file before the
 * first byte, or -1 with errno (EPROTO: end of file within).
 */
static int
fp_read(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		if ((r = read(fd, p + got, len - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			if (got == 0)
				return 0;
			errno = EPROTO;
			return -1;
		}
		got += (size_t)r;
	}
	return 1;
}

/* What fp_receive() found. */
enum fp_outcome {
	FP_DONE,	/* every record, the end mark, then end of file */
	FP_REPORTED,	/* an E or D record, then end of file */
	FP_EARLY,	/* end of file before the end mark */
	FP_BAD,		/* malformed, or our own failure: errno set */
};

/* Whether e is an errno that filter_compile() gives. */
static int
fp_expr_errno(uint32_t e)
{
	return e == EINVAL || e == EMSGSIZE || e == ENOSYS || e == ENOMEM;
}

/* The child's text into buf, with anything unprintable made '?'. */
static void
fp_text(char *buf, size_t size, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < size; i++)
		buf[i] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
	buf[i] = '\0';
}

/*
 * Reads the child's records into progs.  On FP_REPORTED, *e, *bad and
 * errbuf say what the child reported; on FP_BAD, errno, *bad and errbuf.
 */
static enum fp_outcome
fp_receive(int fd, const char *const *exprs, size_t n,
    struct sock_fprog *progs, size_t *bad, int *e,
    char errbuf[FILTER_ERRLEN])
{
	char msg[FILTER_ERRLEN], what[128];
	uint8_t insn[FP_INSN], extra;
	struct sock_filter *f;
	struct fp_hdr h;
	size_t i = 0, j;
	int r;

	for (;;) {
		if ((r = fp_read(fd, &h, sizeof(h))) != 1)
			goto early;
		switch (h.type) {
		case FP_PROG:
			if (i >= n || h.index != i || exprs[i] == NULL)
				goto malformed;
			if (h.len > BPF_MAXINSNS) {
				*bad = i;
				snprintf(errbuf, FILTER_ERRLEN, "filter "
				    "compiler sent %u instructions, at most %d",
				    h.len, BPF_MAXINSNS);
				errno = EMSGSIZE;
				return FP_BAD;
			}
			if (h.err != 0 || h.len == 0)
				goto malformed;
			if ((f = calloc(h.len, sizeof(*f))) == NULL) {
				snprintf(errbuf, FILTER_ERRLEN, "%s",
				    strerror(ENOMEM));
				errno = ENOMEM;
				return FP_BAD;
			}
			progs[i].filter = f;
			progs[i].len = (unsigned short)h.len;
			for (j = 0; j < h.len; j++) {
				if ((r = fp_read(fd, insn, sizeof(insn))) != 1)
					goto early;
				memcpy(&f[j].code, insn, 2);
				f[j].jt = insn[2];
				f[j].jf = insn[3];
				memcpy(&f[j].k, insn + 4, 4);
			}
			i++;
			break;
		case FP_NONE:
			if (i >= n || h.index != i || exprs[i] != NULL ||
			    h.err != 0 || h.len != 0)
				goto malformed;
			i++;
			break;
		case FP_EXPR_ERR:
		case FP_DROP_ERR:
			if (h.len >= FILTER_ERRLEN)
				goto malformed;
			if (h.type == FP_EXPR_ERR && (i >= n ||
			    h.index != i || exprs[i] == NULL ||
			    !fp_expr_errno(h.err)))
				goto malformed;
			/* Only before the first expression's record. */
			if (h.type == FP_DROP_ERR && (i != 0 ||
			    h.index != 0 || h.err == 0 || h.err >= 4096))
				goto malformed;
			if ((r = fp_read(fd, msg, h.len)) != 1 && h.len > 0)
				goto early;
			/* The child says nothing more. */
			if ((r = fp_read(fd, &extra, 1)) != 0)
				goto malformed;
			if (h.type == FP_EXPR_ERR) {
				*bad = i;
				*e = (int)h.err;
				fp_text(errbuf, FILTER_ERRLEN, msg, h.len);
			} else {
				*e = ECHILD;
				fp_text(what, sizeof(what), msg, h.len);
				snprintf(errbuf, FILTER_ERRLEN, "filter "
				    "compiler cannot drop privilege: %s%s%s",
				    what, h.len > 0 ? ": " : "",
				    strerror((int)h.err));
			}
			return FP_REPORTED;
		case FP_END:
			if (i != n || h.index != 0 || h.err != 0 || h.len != 0)
				goto malformed;
			if ((r = fp_read(fd, &extra, 1)) != 0)
				goto malformed;
			return FP_DONE;
		default:
			goto malformed;
		}
	}
early:
	if (r == 0 || errno == EPROTO)
		return FP_EARLY;
	snprintf(errbuf, FILTER_ERRLEN, "filter compiler: read: %s",
	    strerror(errno));
	return FP_BAD;
malformed:
	snprintf(errbuf, FILTER_ERRLEN, "filter compiler wrote a malformed "
	    "record");
	errno = EPROTO;
	return FP_BAD;
}

pid_t
filterproc_start(struct filterproc *fp, const char *const *exprs, size_t n,
    unsigned snaplen, filterproc_drop_fn drop, void *arg, int *status)
{
	int p[2], e;
	pid_t pid;

	fp->pid = -1;
	fp->fd = -1;
	fp->err = 0;
	if (pipe2(p, O_CLOEXEC) == -1) {
		fp->err = errno;
		return -1;
	}
	if ((pid = fork()) == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		errno = fp->err = e;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		*status = fp_child(p[1], exprs, n, snaplen, drop, arg);
		return 0;
	}
	close(p[1]);
	fp->pid = pid;
	fp->fd = p[0];
	return pid;
}

int
filterproc_finish(struct filterproc *fp, const char *const *exprs, size_t n,
    struct sock_fprog *progs, size_t *bad, char errbuf[FILTER_ERRLEN])
{
	enum fp_outcome out;
	int status, e = 0;
	size_t i;
	pid_t pid = fp->pid, w;

	*bad = n;
	errbuf[0] = '\0';
	for (i = 0; i < n; i++) {
		progs[i].len = 0;
		progs[i].filter = NULL;
	}
	if (pid <= 0) {
		/* filterproc_start() made no child: its error. */
		e = fp->err != 0 ? fp->err : EBADF;
		snprintf(errbuf, FILTER_ERRLEN, "%s", strerror(e));
		errno = e;
		return -1;
	}
	out = fp_receive(fp->fd, exprs, n, progs, bad, &e, errbuf);
	if (out == FP_BAD) {
		e = errno;
		kill(pid, SIGKILL);
	}
	close(fp->fd);
	fp->fd = -1;
	fp->pid = -1;
	while ((w = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (w == -1) {
		/* Reaped by someone else (SIGCHLD ignored): only its output
		 * is left to judge. */
		if (out == FP_DONE)
			return 0;
		if (out == FP_EARLY) {
			snprintf(errbuf, FILTER_ERRLEN, "filter compiler's "
			    "output ended early, and its status is lost");
			e = EPROTO;
		}
	} else if (out == FP_BAD) {
		/* Our own verdict; the SIGKILL was ours too. */
	} else if (WIFSIGNALED(status)) {
		snprintf(errbuf, FILTER_ERRLEN, "filter compiler killed by "
		    "signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		*bad = n;
		e = ECHILD;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) !=
	    (out == FP_REPORTED ? FP_EXIT_REPORTED : FP_EXIT_OK)) {
		snprintf(errbuf, FILTER_ERRLEN, "filter compiler exited with "
		    "status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		*bad = n;
		e = ECHILD;
	} else if (out == FP_DONE) {
		return 0;
	} else if (out == FP_EARLY) {
		snprintf(errbuf, FILTER_ERRLEN, "filter compiler's output "
		    "ended early");
		e = EPROTO;
	}
	for (i = 0; i < n; i++)
		filter_free(&progs[i]);
	errno = e;
	return -1;
}
