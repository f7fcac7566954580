/*
 * Unit tests of lib/filterproc: expressions compiled in a child give what
 * filter_compile() gives in-process; errors name the expression; a child
 * that fails, dies or lies is a clear error; the child holds no fd but
 * its pipe and 0-2; nothing is leaked in the parent.
 *
 * The drop callback runs in the child with the pipe on fd 3, so a test
 * callback can also play a hostile child by writing records of its own.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
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
#include "tap.h"

/* The open fds of this process, /proc/self/fd's own excluded. */

/*
 * filterproc_compile() as it was: the child, forked by filterproc_start(),
 * ends here with the status its work says (lib/ never ends a process).
 */
static int
compile(const char *const *exprs, size_t n, unsigned snaplen,
    filterproc_drop_fn drop, void *arg, struct sock_fprog *progs,
    size_t *bad, char errbuf[FILTER_ERRLEN])
{
	struct filterproc fp;
	int status;

	if (filterproc_start(&fp, exprs, n, snaplen, drop, arg, &status) == 0)
		_exit(status);
	return filterproc_finish(&fp, exprs, n, progs, bad, errbuf);
}

static int
count_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.' && atoi(d->d_name) != dirfd(dir))
			n++;
	closedir(dir);
	return n;
}

/* Whether progs[0..n-1] are all empty. */
static int
all_empty(const struct sock_fprog *progs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (progs[i].len != 0 || progs[i].filter != NULL)
			return 0;
	return 1;
}

static void
free_all(struct sock_fprog *progs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		filter_free(&progs[i]);
}

/* Drop callbacks. */
static int
drop_ok(void *arg, const char **what)
{
	(void)what;
	++*(int *)arg;		/* in the child's copy: never seen here */
	return 0;
}

static int
drop_fail(void *arg, const char **what)
{
	(void)arg;
	*what = "setresuid";
	errno = EPERM;
	return -1;
}

static int
drop_fail_quiet(void *arg, const char **what)
{
	(void)arg;
	(void)what;
	errno = ENOMEM;
	return -1;
}

static int
drop_signal(void *arg, const char **what)
{
	(void)what;
	signal(*(int *)arg, SIG_DFL);
	raise(*(int *)arg);
	return 0;
}

static int
drop_exit(void *arg, const char **what)
{
	(void)what;
	_exit(*(int *)arg);
}

/*
 * Fails unless fds 0-3 are the only ones open and 3 is a pipe: what a
 * test opened before the call must be gone.
 */
static int
drop_check_fds(void *arg, const char **what)
{
	static char why[64];
	struct dirent *d;
	char link[64];
	ssize_t r;
	DIR *dir;
	int fd;

	(void)arg;
	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || (fd = atoi(d->d_name)) == dirfd(dir))
			continue;
		if (fd > 3) {
			snprintf(why, sizeof(why), "fd %d is open", fd);
			*what = why;
			closedir(dir);
			errno = EBADF;
			return -1;
		}
	}
	closedir(dir);
	r = readlink("/proc/self/fd/3", link, sizeof(link) - 1);
	if (r == -1 || (link[r] = '\0', strncmp(link, "pipe:", 5) != 0)) {
		*what = "fd 3 is no pipe";
		errno = EBADF;
		return -1;
	}
	return 0;
}

/* A hostile child: writes the bytes of arg to the pipe, then exits 0. */
struct lie {
	const void	*buf;
	size_t		 len;
	int		 status;	/* to exit with */
};

static int
drop_lie(void *arg, const char **what)
{
	const struct lie *l = arg;

	(void)what;
	if (write(3, l->buf, l->len) != (ssize_t)l->len)
		_exit(9);
	_exit(l->status);
}

/* One record header as the wire has it. */
static size_t
hdr(uint8_t *p, uint32_t type, uint32_t index, uint32_t err, uint32_t len)
{
	uint32_t w[4] = { type, index, err, len };

	memcpy(p, w, sizeof(w));
	return sizeof(w);
}

/* Runs a lie and checks the verdict. */
static void
lie_is(const void *buf, size_t len, int status, int want_errno,
    const char *want_msg, const char *name)
{
	const char *exprs[2] = { "udp", NULL };
	struct sock_fprog progs[2];
	struct lie l = { buf, len, status };
	char errbuf[FILTER_ERRLEN], what[128];
	size_t bad;
	int r, e;

	r = compile(exprs, 2, 0, drop_lie, &l, progs, &bad,
	    errbuf);
	e = errno;
	snprintf(what, sizeof(what), "%s: refused", name);
	ok(r == -1 && all_empty(progs, 2), what);
	snprintf(what, sizeof(what), "%s: errno", name);
	is_int(e, want_errno, what);
	snprintf(what, sizeof(what), "%s: message", name);
	ok(strstr(errbuf, want_msg) != NULL, what);
	if (strstr(errbuf, want_msg) == NULL)
		diag("  errbuf: %s", errbuf);
}

/*
 * No child at all: with every fd taken, pipe(2) fails in
 * filterproc_start(), and filterproc_finish() reports its error as its
 * own, every program empty.  Returns 1 when all of that held.
 */
static int
no_child(void)
{
	const char *exprs[] = { "udp", "tcp" };
	struct sock_fprog progs[2] = { { 1, NULL }, { 1, NULL } };
	char errbuf[FILTER_ERRLEN];
	struct rlimit old, low;
	int fds[64], nfds = 0, r, e;
	size_t bad = 0;

	if (getrlimit(RLIMIT_NOFILE, &old) == -1) {
		diag("  getrlimit: %s", strerror(errno));
		return 0;
	}
	low = old;
	low.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &low) == -1) {
		diag("  setrlimit 64: %s", strerror(errno));
		return 0;
	}
	while (nfds < 64 && (fds[nfds] = open("/dev/null", O_RDONLY)) != -1)
		nfds++;
	r = compile(exprs, 2, 0, NULL, NULL, progs, &bad, errbuf);
	e = errno;
	while (nfds > 0)
		close(fds[--nfds]);
	if (setrlimit(RLIMIT_NOFILE, &old) == -1) {
		diag("  setrlimit back: %s", strerror(errno));
		return 0;
	}
	if (r != -1 || e != EMFILE)
		diag("  r %d, %s", r, strerror(e));
	return r == -1 && e == EMFILE && bad == 2 && progs[0].len == 0 &&
	    progs[0].filter == NULL && progs[1].len == 0 &&
	    progs[1].filter == NULL && strcmp(errbuf, strerror(EMFILE)) == 0;
}

int
main(void)
{
	const char *good[] = { "udp", NULL, "ether proto 0x88b5",
	    "vlan 5 and ether[14] = 1" };
	const char *syntax[] = { "udp", "udp and ((", "tcp" };
	const char *nulls[] = { NULL, NULL };
	struct sock_fprog progs[4], want;
	char errbuf[FILTER_ERRLEN], want_err[FILTER_ERRLEN];
	uint8_t wire[256], insn[8] = { 0x06, 0, 0, 0, 0xff, 0xff, 0, 0 };
	char *big;
	size_t bad, i, o;
	int fds0, r, e, sig, counter = 0, keep[2];
	struct filterproc never;
	pid_t w;

	plan(72);
	fds0 = count_fds();

	/* Good expressions: what filter_compile() gives, NULL left empty. */
	r = compile(good, 4, 0, drop_ok, &counter, progs, &bad,
	    errbuf);
	ok(r == 0, "good expressions compile");
	if (r != 0)
		diag("  %s", errbuf);
	for (i = 0; i < 4; i++) {
		if (good[i] == NULL) {
			ok(progs[i].len == 0 && progs[i].filter == NULL,
			    "a NULL expression leaves its program empty");
			ok(1, "(nothing to compare)");
			continue;
		}
		if (filter_compile(good[i], 0, &want, want_err) == -1) {
			skip(2, want_err);
			continue;
		}
		is_int(progs[i].len, want.len, "the same length as in-process");
		ok(progs[i].len == want.len && memcmp(progs[i].filter,
		    want.filter, want.len * sizeof(*want.filter)) == 0,
		    "the same instructions as in-process");
		filter_free(&want);
	}
	free_all(progs, 4);
	is_int(counter, 0, "the drop function ran in the child, not here");

	/* A snaplen reaches libpcap. */
	r = compile(good, 1, 96, NULL, NULL, progs, &bad, errbuf);
	ok(r == 0 && filter_compile(good[0], 96, &want, want_err) == 0 &&
	    progs[0].len == want.len && memcmp(progs[0].filter, want.filter,
	    want.len * sizeof(*want.filter)) == 0,
	    "snaplen and no drop function: as in-process");
	filter_free(&want);
	free_all(progs, 1);

	/* Only NULLs, and nothing at all. */
	r = compile(nulls, 2, 0, NULL, NULL, progs, &bad, errbuf);
	ok(r == 0 && all_empty(progs, 2), "only NULL expressions");
	r = compile(nulls, 0, 0, NULL, NULL, progs, &bad, errbuf);
	ok(r == 0, "no expressions");

	/* A syntax error names its expression, with libpcap's words. */
	r = compile(syntax, 3, 0, drop_ok, &counter, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && all_empty(progs, 3), "a syntax error fails, no program");
	is_int(e, EINVAL, "errno EINVAL");
	is_int(bad, 1, "it names the second expression");
	if (filter_compile(syntax[1], 0, &want, want_err) == 0)
		filter_free(&want);
	is_str(errbuf, want_err, "libpcap's message, as in-process");

	/* Longer than the kernel takes: EMSGSIZE, naming it. */
	if ((big = malloc(131072)) == NULL)
		return 1;
	for (o = 0, i = 0; i < 3000; i++)
		o += (size_t)snprintf(big + o, 131072 - o, "%sether[%zu] = %zu",
		    i > 0 ? " or " : "", i % 1400, i % 251);
	syntax[1] = big;
	r = compile(syntax, 3, 0, NULL, NULL, progs, &bad, errbuf);
	e = errno;
	ok(r == -1 && all_empty(progs, 3), "a program too long fails");
	is_int(e, EMSGSIZE, "errno EMSGSIZE");
	is_int(bad, 1, "it names the second expression");
	ok(strstr(errbuf, "too long") != NULL, "the message says too long");
	diag("%s", errbuf);
	free(big);

	/* The drop function fails. */
	r = compile(good, 4, 0, drop_fail, NULL, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && all_empty(progs, 4), "a failed drop: no program");
	is_int(e, ECHILD, "errno ECHILD");
	is_int(bad, 4, "no expression named");
	is_str(errbuf, "filter compiler cannot drop privilege: setresuid: "
	    "Operation not permitted", "the message names the step");
	r = compile(good, 4, 0, drop_fail_quiet, NULL, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && e == ECHILD, "a failed drop without a step");
	is_str(errbuf, "filter compiler cannot drop privilege: Cannot "
	    "allocate memory", "the message says why");

	/* The child dies. */
	sig = SIGKILL;
	r = compile(good, 4, 0, drop_signal, &sig, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && all_empty(progs, 4), "a killed child: no program");
	is_int(e, ECHILD, "errno ECHILD");
	is_str(errbuf, "filter compiler killed by signal 9 (Killed)",
	    "the message names the signal");
	sig = SIGSEGV;
	r = compile(good, 4, 0, drop_signal, &sig, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && e == ECHILD, "a crashed child: ECHILD");
	ok(strncmp(errbuf, "filter compiler killed by signal 11", 35) == 0 ||
	    strncmp(errbuf, "filter compiler exited with status", 34) == 0,
	    "the message says it crashed");	/* a sanitizer may catch it */
	diag("%s", errbuf);
	sig = 3;
	r = compile(good, 4, 0, drop_exit, &sig, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && all_empty(progs, 4) && e == ECHILD,
	    "a child exiting 3 midway: ECHILD");
	is_str(errbuf, "filter compiler exited with status 3",
	    "the message gives the status");
	sig = 0;
	r = compile(good, 4, 0, drop_exit, &sig, progs, &bad,
	    errbuf);
	e = errno;
	ok(r == -1 && all_empty(progs, 4) && e == EPROTO,
	    "a child exiting 0 midway: EPROTO");
	is_str(errbuf, "filter compiler's output ended early",
	    "the message says its output ended early");

	/* The child holds nothing of ours: open some fds, not close-on-exec. */
	ok(socketpair(AF_UNIX, SOCK_STREAM, 0, keep) == 0 &&
	    dup2(keep[0], 40) == 40, "fds to leave behind");
	r = compile(good, 4, 0, drop_check_fds, NULL, progs, &bad,
	    errbuf);
	ok(r == 0, "the child holds no fd but 0-2 and its pipe");
	if (r != 0)
		diag("  %s", errbuf);
	free_all(progs, 4);
	close(keep[0]);
	close(keep[1]);
	close(40);

	/* A lying child. */
	o = hdr(wire, 'P', 0, 0, BPF_MAXINSNS + 1);
	lie_is(wire, o, 0, EMSGSIZE, "4097 instructions, at most 4096",
	    "too many instructions");
	o = hdr(wire, 'P', 0, 0, 0);
	lie_is(wire, o, 0, EPROTO, "malformed", "no instruction");
	o = hdr(wire, 'P', 1, 0, 1);
	memcpy(wire + o, insn, 8);
	lie_is(wire, o + 8, 0, EPROTO, "malformed", "the wrong index");
	o = hdr(wire, 'P', 0, 0, 2);
	memcpy(wire + o, insn, 8);
	lie_is(wire, o + 8, 0, EPROTO, "ended early", "a program cut short");
	lie_is(wire, 7, 0, EPROTO, "ended early", "a header cut short");
	o = hdr(wire, 'P', 0, 0, 1);
	memcpy(wire + o, insn, 8);
	o += 8;
	o += hdr(wire + o, 'Z', 0, 0, 0);
	lie_is(wire, o, 0, EPROTO, "malformed", "the end before every record");
	o -= 16;
	o += hdr(wire + o, 'P', 1, 0, 1);
	lie_is(wire, o, 0, EPROTO, "malformed", "a program for a NULL");
	o = hdr(wire, 'E', 0, EPERM, 0);
	lie_is(wire, o, 0, EPROTO, "malformed", "an errno libpcap never gives");
	o = hdr(wire, 'D', 0, EPERM, FILTER_ERRLEN);
	lie_is(wire, o, 0, EPROTO, "malformed", "a message too long");
	o = hdr(wire, 'D', 0, EPERM, 5);
	memcpy(wire + o, "a\033[2J", 5);
	lie_is(wire, o + 5, 1, ECHILD, "privilege: a?[2J: Operation",
	    "an escape in its message is defused");

	ok(no_child(), "no child (pipe(2) fails, EMFILE): its error, every "
	    "program empty");
	/* Never started (pid 0): nothing is killed or waited for. */
	memset(&never, 0, sizeof(never));
	r = filterproc_finish(&never, good, 1, progs, &bad, errbuf);
	e = errno;
	ok(r == -1 && e == EBADF && bad == 1 && progs[0].len == 0,
	    "a filterproc never started: EBADF, and we are still here");

	/* Nothing leaked, nothing left to reap. */
	is_int(count_fds(), fds0, "no fd leaked");
	w = waitpid(-1, NULL, WNOHANG);
	e = errno;
	ok(w == -1 && e == ECHILD, "no child left, reaped or not");
	return done();
}
