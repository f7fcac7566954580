/*
 * Unit tests for lib/cred: peer credentials on socketpairs and on a
 * listening socket whose client changed its uid, pidfd liveness, socket
 * pairs told from accepted connections, and rule matching.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "tap.h"

#define NGROUPS_CHILD	100	/* more than cred.c's first guess of 32 */

static void
test_own(void)
{
	struct cred_peer c;
	gid_t g[NGROUPS_CHILD * 2];
	int sv[2], n, r, i, same;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	r = cred_peer(sv[0], &c);
	is_int(r, 0, "cred_peer on a socketpair");
	is_int(c.pid, getpid(), "own pid");
	is_int(c.uid, geteuid(), "own uid");
	is_int(c.gid, getegid(), "own gid");
	n = getgroups(NGROUPS_CHILD * 2, g);
	is_int(c.ngroups, n, "own number of groups");
	same = (size_t)n == c.ngroups;
	for (i = 0; same && i < n; i++)
		same = c.groups[i] == g[i];
	ok(same, "own groups, in order");
	if (c.pidfd >= 0) {
		ok(fcntl(c.pidfd, F_GETFD) & FD_CLOEXEC, "pidfd is close-on-exec");
		is_int(cred_peer_alive(&c), 1, "own process is alive");
	} else
		skip(2, "kernel without SO_PEERPIDFD");
	cred_peer_free(&c);
	is_int(c.pidfd, -1, "cred_peer_free resets the pidfd");
	ok(c.groups == NULL && c.ngroups == 0, "cred_peer_free resets the groups");
	cred_peer_free(&c);
	errno = 0;
	ok(cred_peer_alive(&c) == -1 && errno == ENOSYS,
	    "no pidfd: liveness unknown, ENOSYS");

	/* Datagram socketpairs carry credentials too. */
	close(sv[0]);
	close(sv[1]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	r = cred_peer(sv[1], &c);
	ok(r == 0 && c.uid == geteuid(), "cred_peer on a SOCK_SEQPACKET pair");
	if (r == 0)
		cred_peer_free(&c);
	close(sv[0]);
	close(sv[1]);
}

/* cred_peer(fd) fails with want; its struct stays safe to free. */
static void
peer_fails(int fd, int want, const char *name)
{
	struct cred_peer c;
	int r;

	errno = 0;
	r = cred_peer(fd, &c);
	if (!ok(r == -1 && errno == want, name))
		diag("  got %d, errno %s", r, strerror(errno));
	ok(c.groups == NULL && c.pidfd == -1, "nothing held after a failure");
}

static void
test_not_peers(void)
{
	struct sockaddr_un sun;
	int p[2], fd, s;

	if (pipe2(p, O_CLOEXEC) == -1)
		abort();
	peer_fails(p[0], ENOTSOCK, "a pipe: ENOTSOCK");
	close(p[0]);
	close(p[1]);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		abort();
	peer_fails(fd, ENOTSOCK, "/dev/null: ENOTSOCK");
	close(fd);
	peer_fails(fd, EBADF, "a closed fd: EBADF");

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	peer_fails(s, EAFNOSUPPORT, "a TCP socket: EAFNOSUPPORT");
	close(s);

	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	peer_fails(s, ENOTCONN, "an unconnected Unix socket: ENOTCONN");
	/* Listening, it would answer SO_PEERCRED with its own credentials. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (bind(s, (struct sockaddr *)&sun, sizeof(sa_family_t)) == -1 ||
	    listen(s, 1) == -1)
		abort();
	peer_fails(s, ENOTCONN, "a listening Unix socket: ENOTCONN");
	close(s);

	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	peer_fails(s, ENOTCONN, "an unconnected datagram socket: ENOTCONN");
	close(s);
}

/*
 * A child that takes uid and gid 65534 and NGROUPS_CHILD supplementary
 * groups, then connects to ls and waits for the go pipe to close (gow,
 * its write end, is closed in the child).
 */
static pid_t
spawn_nobody(int ls, int go, int gow)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	gid_t g[NGROUPS_CHILD];
	pid_t pid;
	char c;
	int s, i;

	if (getsockname(ls, (struct sockaddr *)&sun, &len) == -1)
		abort();
	if ((pid = fork()) == -1)
		abort();
	if (pid > 0)
		return pid;
	close(gow);
	for (i = 0; i < NGROUPS_CHILD; i++)
		g[i] = 5000 + i;
	if (setgroups(NGROUPS_CHILD, g) == -1 ||
	    setresgid(65534, 65534, 65534) == -1 ||
	    setresuid(65534, 65534, 65534) == -1)
		_exit(2);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sun, len) == -1)
		_exit(3);
	/* Until the parent says go, or goes. */
	if (read(go, &c, 1) == -1)
		_exit(4);
	_exit(0);
}

static void
test_other_uid(void)
{
	struct sockaddr_un sun;
	struct cred_peer c;
	siginfo_t si;
	pid_t pid;
	int ls, s, go[2], r, i, same, st;

	if (geteuid() != 0) {
		skip(10, "not root: cannot change uid");
		return;
	}
	if ((ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* Autobind: an abstract name, nothing to clean up. */
	if (bind(ls, (struct sockaddr *)&sun, sizeof(sa_family_t)) == -1 ||
	    listen(ls, 1) == -1 || pipe(go) == -1)
		abort();
	pid = spawn_nobody(ls, go[0], go[1]);
	close(go[0]);
	if ((s = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) == -1)
		abort();
	r = cred_peer(s, &c);
	is_int(r, 0, "cred_peer on an accepted connection");
	is_int(c.pid, pid, "peer pid is the child's");
	is_int(c.uid, 65534, "peer uid is the one it connected with");
	is_int(c.gid, 65534, "peer gid is the one it connected with");
	is_int(c.ngroups, NGROUPS_CHILD, "all supplementary groups (ERANGE retry)");
	same = c.ngroups == NGROUPS_CHILD;
	for (i = 0; same && i < NGROUPS_CHILD; i++)
		same = c.groups[i] == (gid_t)(5000 + i);
	ok(same, "the supplementary groups themselves");
	if (c.pidfd >= 0) {
		is_int(cred_peer_alive(&c), 1, "peer alive while it waits");
		close(go[1]);
		/* Exited but not reaped: a zombie is not alive. */
		while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == -1 &&
		    errno == EINTR)
			;
		is_int(cred_peer_alive(&c), 0, "exited peer (zombie): not alive");
		if (waitpid(pid, &st, 0) != pid)
			abort();
		is_int(cred_peer_alive(&c), 0, "reaped peer: not alive");
		/* The socket still answers for the process that connected. */
		cred_peer_free(&c);
		r = cred_peer(s, &c);
		ok(r == 0 && c.uid == 65534 && c.pid == pid,
		    "credentials outlive the peer");
		if (r == 0 && c.pidfd >= 0)
			is_int(cred_peer_alive(&c), 0,
			    "pidfd taken after the peer died: not alive");
		else
			skip(1, "kernel gives no pidfd for a reaped peer");
	} else {
		skip(5, "kernel without SO_PEERPIDFD");
		close(go[1]);
		waitpid(pid, &st, 0);
	}
	cred_peer_free(&c);
	close(s);
	close(ls);
}

/* cred_socketpair(fd) is want (and errno e when want is -1). */
static void
pair_is(int fd, int want, int e, const char *name)
{
	int r;

	errno = 0;
	r = cred_socketpair(fd);
	if (!ok(r == want && (want != -1 || errno == e), name))
		diag("  got %d, errno %s", r, strerror(errno));
}

static void
test_socketpair(void)
{
	struct sockaddr_un sun;
	int sv[2], l, c, a, p[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	pair_is(sv[0], 1, 0, "a socketpair: 1");
	close(sv[0]);
	close(sv[1]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	pair_is(sv[1], 1, 0, "a SOCK_SEQPACKET socketpair: 1");
	close(sv[0]);
	close(sv[1]);

	/* An autobound abstract listener, a client, the accepted end. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sun, sizeof(sa_family_t)) == -1 ||
	    listen(l, 1) == -1)
		abort();
	{
		socklen_t len = sizeof(sun);

		if (getsockname(l, (struct sockaddr *)&sun, &len) == -1 ||
		    (c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
		    connect(c, (struct sockaddr *)&sun, len) == -1 ||
		    (a = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1)
			abort();
	}
	pair_is(a, 0, 0, "an accepted connection: 0");
	pair_is(c, 0, 0, "a client's connection: 0");
	pair_is(l, 0, 0, "a listener: 0");
	close(a);
	close(c);
	close(l);
	if ((c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	pair_is(c, -1, ENOTCONN, "an unconnected socket: ENOTCONN");
	close(c);

	if (pipe2(p, O_CLOEXEC) == -1)
		abort();
	pair_is(p[0], -1, ENOTSOCK, "a pipe: ENOTSOCK");
	close(p[0]);
	close(p[1]);
	if ((c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	pair_is(c, -1, EAFNOSUPPORT, "a TCP socket: EAFNOSUPPORT");
	close(c);
	pair_is(c, -1, EBADF, "a closed fd: EBADF");
}

static void
test_match(void)
{
	uid_t u0[] = { 0 }, u2[] = { 1000, 65534 };
	gid_t g1[] = { 27 }, g2[] = { 100, 65534 };
	pid_t p1[] = { 4242 };
	gid_t peergroups[] = { 10, 27 };
	struct cred_peer root = { 1, 0, 0, NULL, 0, -1 };
	struct cred_peer nobody = { 4242, 65534, 65534, NULL, 0, -1 };
	struct cred_peer user = { 77, 1000, 1000, peergroups, 2, -1 };
	struct cred_rule any = { NULL, 0, NULL, 0, NULL, 0 };
	struct cred_rule r_u0 = { u0, 1, NULL, 0, NULL, 0 };
	struct cred_rule r_u2 = { u2, 2, NULL, 0, NULL, 0 };
	struct cred_rule r_g1 = { NULL, 0, g1, 1, NULL, 0 };
	struct cred_rule r_g2 = { NULL, 0, g2, 2, NULL, 0 };
	struct cred_rule r_p1 = { NULL, 0, NULL, 0, p1, 1 };
	struct cred_rule r_u2g1 = { u2, 2, g1, 1, NULL, 0 };
	struct cred_rule r_u2g2p1 = { u2, 2, g2, 2, p1, 1 };
	const struct {
		const struct cred_rule *r;
		const struct cred_peer *c;
		int want;
		const char *why;
		const char *name;
	} t[] = {
		{ &any, &root, 1, NULL, "empty rule allows root" },
		{ &any, &nobody, 1, NULL, "empty rule allows nobody" },
		{ &r_u0, &root, 1, NULL, "-u 0 allows root" },
		{ &r_u0, &nobody, 0, "uid", "-u 0 refuses nobody: uid" },
		{ &r_u2, &nobody, 1, NULL, "second uid of the list matches" },
		{ &r_u2, &root, 0, "uid", "uid not in a list of two" },
		{ &r_g1, &user, 1, NULL, "-g matches a supplementary group" },
		{ &r_g1, &nobody, 0, "gid", "-g refuses: neither gid nor groups" },
		{ &r_g2, &nobody, 1, NULL, "-g matches the primary gid" },
		{ &r_g2, &user, 0, "gid", "-g refuses a user in other groups" },
		{ &r_p1, &nobody, 1, NULL, "-P matches the pid" },
		{ &r_p1, &root, 0, "pid", "-P refuses another pid" },
		{ &r_u2g1, &user, 1, NULL, "uid and group both match" },
		{ &r_u2g1, &nobody, 0, "gid", "uid matches, group does not: gid" },
		{ &r_u2g1, &root, 0, "uid", "neither matches: uid named first" },
		{ &r_u2g2p1, &nobody, 1, NULL, "three classes all match" },
		{ &r_u2g2p1, &user, 0, "gid", "three classes, group fails" },
	};
	const char *why;
	size_t i;
	int got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = NULL;
		got = cred_match(t[i].r, t[i].c, &why);
		ok(got == t[i].want && (t[i].want ||
		    (why != NULL && strcmp(why, t[i].why) == 0)), t[i].name);
	}
	ok(cred_match(&r_u0, &nobody, NULL) == 0, "why may be NULL");
}

static void
test_rule_add(void)
{
	struct cred_rule r;

	memset(&r, 0, sizeof(r));
	ok(cred_rule_add_uid(&r, 0) == 0 && cred_rule_add_uid(&r, 65534) == 0 &&
	    cred_rule_add_uid(&r, 65534) == 0, "uids");
	ok(r.nuids == 3 && r.uids[0] == 0 && r.uids[1] == 65534 &&
	    r.uids[2] == 65534, "uids in order");
	ok(cred_rule_add_gid(&r, 0) == 0 && cred_rule_add_gid(&r, 4000) == 0 &&
	    r.ngids == 2 && r.gids[0] == 0 && r.gids[1] == 4000, "gids");
	ok(cred_rule_add_pid(&r, 1) == 0 &&
	    cred_rule_add_pid(&r, 2147483647) == 0 &&
	    r.npids == 2 && r.pids[0] == 1 && r.pids[1] == 2147483647,
	    "pids");
	errno = 0;
	ok(cred_rule_add_pid(&r, 0) == -1 && errno == EINVAL, "pid 0: EINVAL");
	errno = 0;
	ok(cred_rule_add_pid(&r, -1) == -1 && errno == EINVAL,
	    "pid -1: EINVAL");
	is_int(r.npids, 2, "failed adds leave the list alone");
	cred_rule_free(&r);
	ok(r.uids == NULL && r.nuids == 0 && r.gids == NULL && r.pids == NULL,
	    "cred_rule_free empties the rule");
	cred_rule_free(&r);
	ok(1, "cred_rule_free twice is harmless");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_own();
	test_not_peers();
	test_other_uid();
	test_socketpair();
	test_match();
	test_rule_add();
	return done();
}
