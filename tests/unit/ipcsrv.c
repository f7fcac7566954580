/*
 * Unit tests of lib/ipcsrv: the limit on connections in hand (the
 * listening socket is not served while max are), messages before new
 * connections, the handlers' exits, what a child gets back, the stop,
 * the deadline for a first message and the cap per uid.
 * Every order checked here is forced: a step that is not allowed yet would
 * be the only event ready, so a wrong loop returns it and fails.  Times
 * are checked one way only, exactly (a deadline never comes early), and
 * the other way against a bound far above it, or by the order of events.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcsrv.h"
#include "tap.h"
#include "usock.h"

static char name[64];
/* The write ends that release the handlers, closed in each child. */
static int releases[8];
static size_t nreleases;

/* A client that has connected and sent one byte, c (none when c is 0). */
static int
client(char c)
{
	int s;

	if ((s = usock_connect(name, SOCK_SEQPACKET)) == -1) {
		diag("connect %s: %s", name, strerror(errno));
		exit(1);
	}
	if (c != 0 && send(s, &c, 1, MSG_NOSIGNAL) != 1)
		exit(1);
	return s;
}

/*
 * A handler: waits until the write end of its pipe closes, then exits
 * 3 when what it inherited is right (the signals back as the caller had
 * them, the server's fds closed), 1 otherwise.
 */
static pid_t
handler(struct ipcsrv *srv, uid_t uid, int *release, int lfd)
{
	struct sigaction sa;
	sigset_t m;
	pid_t pid;
	size_t i;
	char b;
	int p[2], up[2];

	if (pipe2(p, O_CLOEXEC) == -1 || pipe2(up, O_CLOEXEC) == -1 ||
	    nreleases == 8)
		exit(1);
	if ((pid = ipcsrv_fork(srv, uid)) == -1)
		return -1;
	if (pid == 0) {
		/* Up: the server's fds are closed (the listener is gone). */
		close(up[1]);
		close(p[1]);
		for (i = 0; i < nreleases; i++)
			close(releases[i]);
		while (read(p[0], &b, 1) == -1 && errno == EINTR)
			;
		if (sigprocmask(SIG_BLOCK, NULL, &m) == -1 ||
		    sigismember(&m, SIGTERM) || sigismember(&m, SIGCHLD) ||
		    !sigismember(&m, SIGUSR2))
			_exit(1);
		if (sigaction(SIGCHLD, NULL, &sa) == -1 ||
		    sa.sa_handler != SIG_IGN)
			_exit(1);
		if (fcntl(lfd, F_GETFD) != -1)
			_exit(1);
		_exit(3);
	}
	close(up[1]);
	while (read(up[0], &b, 1) == -1 && errno == EINTR)
		;
	close(up[0]);
	close(p[0]);
	*release = releases[nreleases++] = p[1];
	return pid;
}

/* The next event, which must be of type want. */
static int
next(struct ipcsrv *srv, struct ipcsrv_event *ev, int want, const char *what)
{
	int e;

	e = ipcsrv_wait(srv, ev);
	if (!is_int(e, want, what) && e == IPCSRV_ERROR)
		diag("  errno %s", strerror(errno));
	return e == want;
}

static void
test_init(void)
{
	struct ipcsrv srv;
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	ok(ipcsrv_init(&srv, -1, 0, &stop) == -1 && errno == EINVAL,
	    "max 0: EINVAL");
	sigaddset(&stop, SIGCHLD);
	ok(ipcsrv_init(&srv, -1, 1, &stop) == -1 && errno == EINVAL,
	    "SIGCHLD among the stop signals: EINVAL");
}

static void
test_server(void)
{
	struct ipcsrv srv;
	struct ipcsrv_event ev;
	siginfo_t si;
	sigset_t stop, m;
	pid_t h1, h2, h3, other;
	char b;
	int l, c1, c2, c3, c4, r1, r2, r3, conn, st;

	snprintf(name, sizeof(name), "@fdcap-unit-ipcsrv-%ld", (long)getpid());
	if ((l = usock_listen(name, SOCK_SEQPACKET, 16, NULL)) == -1) {
		diag("listen %s: %s", name, strerror(errno));
		exit(1);
	}
	/* The children must find these as they were. */
	signal(SIGCHLD, SIG_IGN);
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	ok(ipcsrv_init(&srv, l, 2, &stop) == 0, "init, max 2");

	c1 = client('a');
	c2 = client('b');
	c3 = client('c');
	c4 = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "a connection"))
		ok(ipcsrv_keep(&srv, ev.fd, 0) == 0, "kept");
	/* Its message is there, and so are three more clients: it first. */
	next(&srv, &ev, IPCSRV_MSG, "a message before new connections");
	conn = ev.fd;
	ok(read(conn, &b, 1) == 1 && b == 'a', "the message is there");
	close(conn);
	h1 = handler(&srv, 0, &r1, l);
	ok(h1 > 0, "a handler forked");
	if (next(&srv, &ev, IPCSRV_CONN, "one runs: the next connection"))
		ok(ipcsrv_keep(&srv, ev.fd, 0) == 0, "kept");
	next(&srv, &ev, IPCSRV_MSG, "its message");
	conn = ev.fd;
	ok(read(conn, &b, 1) == 1 && b == 'b', "read");
	close(conn);
	h2 = handler(&srv, 0, &r2, l);
	ok(h2 > 0, "a second handler");
	ok(ipcsrv_fork(&srv, 0) == -1 && errno == ENOSPC,
	    "no third handler while two run");

	/*
	 * A child not of ipcsrv's making has exited (seen, not reaped, with
	 * WNOWAIT): it is reaped and passed over.
	 */
	if ((other = fork()) == 0)
		_exit(7);
	waitid(P_PID, (id_t)other, &si, WEXITED | WNOWAIT);
	close(r2);
	if (next(&srv, &ev, IPCSRV_EXIT, "two run: the exit, not a connection"))
		ok(ev.pid == h2 && WIFEXITED(ev.status) &&
		    WEXITSTATUS(ev.status) == 3,
		    "handler 2 exited 3: it got the caller's signals, "
		    "not the server's fds");
	if (next(&srv, &ev, IPCSRV_CONN, "a place: the third connection"))
		ok(ipcsrv_keep(&srv, ev.fd, 0) == 0, "kept");
	ok(waitpid(other, &st, WNOHANG) == -1 && errno == ECHILD,
	    "the other child was reaped on the way");
	next(&srv, &ev, IPCSRV_MSG, "its message");
	close(ev.fd);
	h3 = handler(&srv, 0, &r3, l);
	ok(h3 > 0, "a third handler");

	/* Two run again; the fourth client, silent, waits in the queue. */
	raise(SIGTERM);
	if (next(&srv, &ev, IPCSRV_STOP, "SIGTERM: stop"))
		is_int(ev.sig, SIGTERM, "named");
	errno = 0;
	st = usock_connect(name, SOCK_SEQPACKET);
	if (!ok(st == -1 && errno == ECONNREFUSED, "nobody listens any more"))
		diag("  got %d: %s", st, strerror(errno));
	ok(recv(c4, &b, 1, 0) <= 0, "the queued client was let go");
	ok(ipcsrv_keep(&srv, dup(c1), 0) == -1 && errno == ESHUTDOWN,
	    "nothing is kept once stopped");
	raise(SIGINT);
	close(r1);
	if (next(&srv, &ev, IPCSRV_EXIT, "a second stop signal is dropped"))
		ok(ev.pid == h1, "handler 1");
	close(r3);
	if (next(&srv, &ev, IPCSRV_EXIT, "the last handler"))
		ok(ev.pid == h3 && WEXITSTATUS(ev.status) == 3, "handler 3");
	next(&srv, &ev, IPCSRV_DONE, "then done");
	ipcsrv_free(&srv);

	sigprocmask(SIG_BLOCK, NULL, &m);
	ok(!sigismember(&m, SIGTERM) && sigismember(&m, SIGUSR2),
	    "the mask is back after free");
	close(c1);
	close(c2);
	close(c3);
	close(c4);
}

/* A peer that closes without a word is a message too (end of file). */
static void
test_hangup(void)
{
	struct ipcsrv srv;
	struct ipcsrv_event ev;
	sigset_t stop;
	char b;
	int l, c;

	snprintf(name, sizeof(name), "@fdcap-unit-ipcsrv-h%ld",
	    (long)getpid());
	if ((l = usock_listen(name, SOCK_SEQPACKET, 16, NULL)) == -1)
		exit(1);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	signal(SIGTERM, SIG_IGN);
	ok(ipcsrv_init(&srv, l, 1, &stop) == 0, "init, max 1, SIGTERM ignored");
	raise(SIGTERM);
	c = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "an ignored SIGTERM stays ignored"))
		ipcsrv_keep(&srv, ev.fd, 0);
	close(c);
	if (next(&srv, &ev, IPCSRV_MSG, "its close is an event"))
		ok(read(ev.fd, &b, 1) == 0, "end of file");
	close(ev.fd);
	c = client('x');
	next(&srv, &ev, IPCSRV_CONN, "the place is free again");
	signal(SIGTERM, SIG_DFL);
	close(ev.fd);
	close(c);
	ipcsrv_free(&srv);
}

/* The monotonic clock, in milliseconds. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fresh listening socket on an abstract name ending in tag. */
static int
listener(const char *tag)
{
	int l;

	snprintf(name, sizeof(name), "@fdcap-unit-ipcsrv-%s%ld", tag,
	    (long)getpid());
	if ((l = usock_listen(name, SOCK_SEQPACKET, 16, NULL)) == -1) {
		diag("listen %s: %s", name, strerror(errno));
		exit(1);
	}
	return l;
}

/* Whether the client c sees its connection closed by the server. */
static int
closed(int c)
{
	char b;

	return recv(c, &b, 1, 0) == 0;
}

/*
 * A kept connection that sends nothing is handed back when its deadline
 * passes, never before, and its place is free; the nearest deadline
 * comes first, whichever was kept first; a message in time is a message.
 */
static void
test_timeout(void)
{
	struct ipcsrv srv;
	struct ipcsrv_event ev;
	sigset_t stop;
	long long t0, t;
	char b;
	int l, c1, c2, c3, c4, s1, s2, s3;

	l = listener("t");
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	ok(ipcsrv_init(&srv, l, 1, &stop) == 0, "timeout: init, max 1");
	ipcsrv_set_timeout(&srv, 1000);

	c1 = client(0);
	c2 = client('z');
	t0 = now_ms();
	s1 = -1;
	if (next(&srv, &ev, IPCSRV_CONN, "a silent client")) {
		s1 = ev.fd;
		ok(ipcsrv_keep(&srv, s1, 100) == 0, "kept for uid 100");
	}
	/* Full: the queued client, with its message, cannot come first. */
	if (next(&srv, &ev, IPCSRV_TIMEOUT, "1 s of silence: timed out")) {
		t = now_ms() - t0;
		ok(ev.fd == s1 && ev.uid == 100, "that connection, its uid");
		if (!ok(t >= 1000 && t < 10000, "after 1 s, not before "
		    "(and within 10 s)"))
			diag("  after %lld ms", t);
		close(ev.fd);
		ok(closed(c1), "the client sees the end once it is closed");
	}
	if (next(&srv, &ev, IPCSRV_CONN, "its place is free: the next one"))
		ok(ipcsrv_keep(&srv, ev.fd, 101) == 0, "kept for uid 101");
	if (next(&srv, &ev, IPCSRV_MSG, "a message in time is a message"))
		ok(ev.uid == 101 && read(ev.fd, &b, 1) == 1 && b == 'z',
		    "with its uid and its byte");
	close(ev.fd);
	ipcsrv_free(&srv);
	close(c1);
	close(c2);

	/* The nearest deadline, not the first kept, drives the wait. */
	l = listener("u");
	ok(ipcsrv_init(&srv, l, 2, &stop) == 0, "timeout: init, max 2");
	c3 = client(0);
	c4 = client(0);
	s2 = s3 = -1;
	ipcsrv_set_timeout(&srv, 3000);
	t0 = now_ms();
	if (next(&srv, &ev, IPCSRV_CONN, "a first silent client")) {
		s2 = ev.fd;
		ok(ipcsrv_keep(&srv, s2, 0) == 0, "kept with 3 s");
	}
	ipcsrv_set_timeout(&srv, 500);
	if (next(&srv, &ev, IPCSRV_CONN, "a second silent client")) {
		s3 = ev.fd;
		ok(ipcsrv_keep(&srv, s3, 0) == 0, "kept with 500 ms");
	}
	if (next(&srv, &ev, IPCSRV_TIMEOUT, "a timeout")) {
		t = now_ms() - t0;
		ok(ev.fd == s3, "the second, whose deadline is nearer");
		if (!ok(t >= 500 && t < 3000, "after 500 ms, before 3 s"))
			diag("  after %lld ms", t);
		close(ev.fd);
	}
	if (next(&srv, &ev, IPCSRV_TIMEOUT, "then the first")) {
		t = now_ms() - t0;
		ok(ev.fd == s2, "the first");
		if (!ok(t >= 3000 && t < 30000, "after 3 s, not before"))
			diag("  after %lld ms", t);
		close(ev.fd);
	}
	ok(closed(c3) && closed(c4), "both clients see the end");
	close(c3);
	close(c4);
	ipcsrv_free(&srv);
}

/*
 * At most n connections of one uid in hand: kept ones and running
 * handlers count; a message handed back, a handler's exit and a timeout
 * each give the place back; other uids are not counted against it.
 */
static void
test_peruid(void)
{
	struct ipcsrv srv;
	struct ipcsrv_event ev;
	sigset_t stop;
	pid_t h;
	char b;
	int l, c1, c2, c3, c4, c5, c6, c7, s3 = -1, r;

	l = listener("p");
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	ok(ipcsrv_init(&srv, l, 4, &stop) == 0, "peruid: init, max 4");
	ipcsrv_set_peruid(&srv, 1);

	c1 = client('a');
	c2 = client(0);
	c3 = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1000's first"))
		ok(ipcsrv_keep(&srv, ev.fd, 1000) == 0, "kept");
	if (next(&srv, &ev, IPCSRV_MSG, "its message"))
		ok(ev.uid == 1000 && read(ev.fd, &b, 1) == 1 && b == 'a',
		    "for uid 1000");
	close(ev.fd);
	h = handler(&srv, 1000, &r, l);
	ok(h > 0, "a handler for uid 1000");
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1000's second")) {
		errno = 0;
		ok(ipcsrv_keep(&srv, ev.fd, 1000) == -1 && errno == EUSERS,
		    "EUSERS: its handler runs");
		ok(closed(c2), "and it is closed");
	}
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1001's first")) {
		s3 = ev.fd;
		ok(ipcsrv_keep(&srv, s3, 1001) == 0, "kept: another uid");
	}
	close(r);
	if (next(&srv, &ev, IPCSRV_EXIT, "the handler ends"))
		ok(ev.pid == h, "that handler");
	c4 = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1000 again"))
		ok(ipcsrv_keep(&srv, ev.fd, 1000) == 0,
		    "kept: the handler has ended");
	c5 = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1000 again")) {
		errno = 0;
		ok(ipcsrv_keep(&srv, ev.fd, 1000) == -1 && errno == EUSERS,
		    "EUSERS: one is kept");
	}
	if (send(c4, "d", 1, MSG_NOSIGNAL) != 1)
		exit(1);
	if (next(&srv, &ev, IPCSRV_MSG, "the kept one's message"))
		ok(ev.uid == 1000, "for uid 1000");
	close(ev.fd);	/* not served */
	ipcsrv_set_timeout(&srv, 200);
	c6 = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1000 again"))
		ok(ipcsrv_keep(&srv, ev.fd, 1000) == 0,
		    "kept: the message was handed back");
	/* uid 1001's, kept before the timeout was set, has no deadline. */
	if (next(&srv, &ev, IPCSRV_TIMEOUT, "it times out"))
		ok(ev.uid == 1000 && ev.fd != s3, "uid 1000's, not 1001's");
	close(ev.fd);
	c7 = client(0);
	if (next(&srv, &ev, IPCSRV_CONN, "uid 1000 again"))
		ok(ipcsrv_keep(&srv, ev.fd, 1000) == 0,
		    "kept: the timeout gave the place back");
	ipcsrv_free(&srv);
	close(c1);
	close(c2);
	close(c3);
	close(c4);
	close(c5);
	close(c6);
	close(c7);
}

int
main(void)
{
	alarm(60);	/* never hang a test run */
	plan(85);
	test_init();
	test_server();
	test_hangup();
	test_timeout();
	test_peruid();
	return done();
}
