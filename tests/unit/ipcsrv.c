/*
 * Unit tests of lib/ipcsrv: the limit on connections in hand (the
 * listening socket is not served while max are), messages before new
 * connections, the handlers' exits, what a child gets back, and the stop.
 * Every order checked here is forced: a step that is not allowed yet would
 * be the only event ready, so a wrong loop returns it and fails.
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
handler(struct ipcsrv *srv, int *release, int lfd)
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
	if ((pid = ipcsrv_fork(srv)) == -1)
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
		ok(ipcsrv_keep(&srv, ev.fd) == 0, "kept");
	/* Its message is there, and so are three more clients: it first. */
	next(&srv, &ev, IPCSRV_MSG, "a message before new connections");
	conn = ev.fd;
	ok(read(conn, &b, 1) == 1 && b == 'a', "the message is there");
	close(conn);
	h1 = handler(&srv, &r1, l);
	ok(h1 > 0, "a handler forked");
	if (next(&srv, &ev, IPCSRV_CONN, "one runs: the next connection"))
		ok(ipcsrv_keep(&srv, ev.fd) == 0, "kept");
	next(&srv, &ev, IPCSRV_MSG, "its message");
	conn = ev.fd;
	ok(read(conn, &b, 1) == 1 && b == 'b', "read");
	close(conn);
	h2 = handler(&srv, &r2, l);
	ok(h2 > 0, "a second handler");
	ok(ipcsrv_fork(&srv) == -1 && errno == ENOSPC,
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
		ok(ipcsrv_keep(&srv, ev.fd) == 0, "kept");
	ok(waitpid(other, &st, WNOHANG) == -1 && errno == ECHILD,
	    "the other child was reaped on the way");
	next(&srv, &ev, IPCSRV_MSG, "its message");
	close(ev.fd);
	h3 = handler(&srv, &r3, l);
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
	ok(ipcsrv_keep(&srv, dup(c1)) == -1 && errno == ESHUTDOWN,
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
		ipcsrv_keep(&srv, ev.fd);
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

int
main(void)
{
	alarm(60);	/* never hang a test run */
	plan(37);
	test_init();
	test_server();
	test_hangup();
	return done();
}
