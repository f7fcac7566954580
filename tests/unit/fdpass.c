/*
 * Unit tests of lib/fdpass: fds through socketpairs, and every way a
 * receive can go wrong, checking after each that no fd leaked.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"
#include "tap.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif

/* The number of open fds, from /proc/self/fd (not counting its own). */
static int
nopen(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

static void
pair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) == -1) {
		diag("socketpair: %s", strerror(errno));
		exit(1);
	}
}

/* Sends n copies of fd with an SCM_RIGHTS built here, payload "x". */
static int
send_copies(int sock, int fd, size_t n)
{
	int fds[FDPASS_MAX + 1];	/* one more, to try too many */
	size_t i;

	for (i = 0; i < n; i++)
		fds[i] = fd;
	return fdpass_send(sock, "x", 1, fds, n);
}

static void
closeall(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* A pipe end that arrived must still be the same pipe: write through it. */
static void
test_roundtrip(int type, const char *what)
{
	int sv[2], p[2], fds[4], got[4];
	size_t n = 4;
	char buf[64], msg[64];
	ssize_t r;
	int before;

	pair(type, sv);
	if (pipe2(p, O_CLOEXEC) == -1)
		exit(1);
	fds[0] = p[1];
	fds[1] = 0;
	fds[2] = 1;
	before = nopen();
	ok(fdpass_send(sv[0], "w:in:out", 8, fds, 3) == 0, "send 3 fds");
	r = fdpass_recv(sv[1], buf, sizeof(buf), got, &n);
	snprintf(msg, sizeof(msg), "%s: payload comes whole", what);
	ok(r == 8 && memcmp(buf, "w:in:out", 8) == 0, msg);
	snprintf(msg, sizeof(msg), "%s: 3 fds arrive", what);
	is_int(n, 3, msg);
	is_int(nopen(), before + 3, "3 new fds are open");
	ok((fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0,
	    "received fds are close-on-exec");
	ok(write(got[0], "hi", 2) == 2 && read(p[0], buf, 2) == 2 &&
	    memcmp(buf, "hi", 2) == 0, "the received pipe end writes into the pipe");
	closeall(got, n);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void
test_max(void)
{
	int sv[2], got[FDPASS_MAX];
	size_t n = FDPASS_MAX;
	char buf[8];
	int before, i, same = 1;

	pair(SOCK_SEQPACKET, sv);
	before = nopen();
	ok(send_copies(sv[0], 1, FDPASS_MAX) == 0, "send 253 fds in one message");
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == 1,
	    "receive one message");
	is_int(n, FDPASS_MAX, "253 fds arrive");
	is_int(nopen(), before + FDPASS_MAX, "253 fds are open");
	for (i = 0; i < FDPASS_MAX; i++)
		if (fcntl(got[i], F_GETFD) == -1)
			same = 0;
	ok(same, "each of them is valid");
	closeall(got, n);
	is_int(nopen(), before, "and closed, none is left");
	ok(send_copies(sv[0], 1, FDPASS_MAX + 1) == -1 && errno == EINVAL,
	    "254 fds: EINVAL");
	close(sv[0]);
	close(sv[1]);
}

static void
test_names(void)
{
	const char *names[] = { "eth0", "ctl", "fd7" };
	int sv[2], p[2], fds[3], got[3];
	char buf[FDPASS_NAMESLEN + 1];
	int before;

	pair(SOCK_SEQPACKET, sv);
	if (pipe2(p, O_CLOEXEC) == -1)
		exit(1);
	fds[0] = p[0];
	fds[1] = p[1];
	fds[2] = 2;
	before = nopen();
	ok(fdpass_send_names(sv[0], fds, names, 3) == 0, "send_names");
	is_int(fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)), 3,
	    "recv_names: 3 fds");
	is_str(buf, "eth0:ctl:fd7", "names joined by ':'");
	closeall(got, 3);

	names[1] = "a:b";
	ok(fdpass_send_names(sv[0], fds, names, 3) == -1 && errno == EINVAL,
	    "send_names refuses a name with ':'");
	names[1] = "";
	ok(fdpass_send_names(sv[0], fds, names, 3) == -1 && errno == EINVAL,
	    "send_names refuses an empty name");
	ok(fdpass_send_names(sv[0], fds, names, 0) == -1 && errno == EINVAL,
	    "send_names refuses no fds");

	/* A hostile peer: fewer names than fds, an empty name, bad bytes. */
	ok(fdpass_send(sv[0], "a:b", 3, fds, 3) == 0, "send 3 fds, 2 names");
	ok(fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == EBADMSG, "recv_names: EBADMSG");
	is_int(nopen(), before, "  and the fds are closed");
	ok(fdpass_send(sv[0], "a::b", 4, fds, 3) == 0 &&
	    fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == EBADMSG, "an empty name: EBADMSG");
	ok(fdpass_send(sv[0], "a:\n:b", 5, fds, 3) == 0 &&
	    fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == EBADMSG, "a control character: EBADMSG");
	ok(fdpass_send(sv[0], "a:b:", 4, fds, 3) == 0 &&
	    fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == EBADMSG, "a trailing ':': EBADMSG");
	is_int(nopen(), before, "no fd left behind");

	ok(fdpass_send(sv[0], "a", 1, NULL, 0) == 0 &&
	    fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == ENOMSG, "a message without fds: ENOMSG");
	ok(fdpass_refuse(sv[0]) == 0 &&
	    fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == EPERM, "the refusal message: EPERM");
	close(sv[0]);
	ok(fdpass_recv_names(sv[1], got, 3, buf, sizeof(buf)) == -1 &&
	    errno == EPIPE, "the peer closed: EPIPE");
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

static void
test_name_check(void)
{
	char longname[FDPASS_NAMEMAX + 2];

	ok(fdpass_name_check("eth0") == 0, "name eth0");
	ok(fdpass_name_check("a b~") == 0, "name with space and ~");
	ok(fdpass_name_check("") == -1 && errno == EINVAL, "empty name");
	ok(fdpass_name_check("a:b") == -1 && errno == EINVAL, "name with ':'");
	ok(fdpass_name_check("a\tb") == -1 && errno == EINVAL, "name with tab");
	ok(fdpass_name_check("\xc3\xa9") == -1 && errno == EINVAL,
	    "name with non-ASCII");
	memset(longname, 'a', sizeof(longname));
	longname[FDPASS_NAMEMAX] = '\0';
	ok(fdpass_name_check(longname) == 0, "name of 255 bytes");
	longname[FDPASS_NAMEMAX] = 'a';
	longname[FDPASS_NAMEMAX + 1] = '\0';
	ok(fdpass_name_check(longname) == -1 && errno == ENAMETOOLONG,
	    "name of 256 bytes: ENAMETOOLONG");
}

static void
test_bad(void)
{
	int sv[2], got[FDPASS_MAX], before, on = 1;
	size_t n;
	char buf[8];

	pair(SOCK_SEQPACKET, sv);
	before = nopen();

	ok(send_copies(sv[0], 1, 3) == 0, "send 3 fds");
	n = 1;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
	    errno == ETOOMANYREFS && n == 0,
	    "receive asking for 1: ETOOMANYREFS");
	is_int(nopen(), before, "  every fd that arrived is closed");

	ok(send_copies(sv[0], 1, 50) == 0, "send 50 fds");
	n = 2;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
	    errno == ENOBUFS, "receive with a small control buffer: ENOBUFS");
	is_int(nopen(), before, "  the fds that did arrive are closed");

	ok(fdpass_send(sv[0], "toolong", 7, (int []){ 1, 2 }, 2) == 0,
	    "send 7 bytes and 2 fds");
	n = 2;
	ok(fdpass_recv(sv[1], buf, 4, got, &n) == -1 && errno == EMSGSIZE,
	    "receive into 4 bytes: EMSGSIZE");
	is_int(nopen(), before, "  the fds are closed");

	ok(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0,
	    "SO_PASSCRED on the receiver");
	ok(send_copies(sv[0], 1, 5) == 0, "send 5 fds");
	n = 5;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
	    errno == EPROTO, "SCM_CREDENTIALS beside them: EPROTO");
	is_int(nopen(), before, "  the fds are closed");
	on = 0;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));

	on = 1;
	if (setsockopt(sv[1], SOL_SOCKET, SO_PASSPIDFD, &on, sizeof(on)) == 0) {
		ok(send_copies(sv[0], 1, 2) == 0, "send 2 fds");
		n = 2;
		ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
		    errno == EPROTO, "SCM_PIDFD beside them: EPROTO");
		is_int(nopen(), before, "  the fds and the pidfd are closed");
		on = 0;
		setsockopt(sv[1], SOL_SOCKET, SO_PASSPIDFD, &on, sizeof(on));
	} else
		skip(3, "no SO_PASSPIDFD");

	n = 4;
	ok(fdpass_recv(sv[1], buf, 0, got, &n) == -1 && errno == EINVAL,
	    "a zero-byte buffer: EINVAL");
	n = FDPASS_MAX + 1;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
	    errno == EINVAL, "asking for 254: EINVAL");
	ok(fdpass_send(sv[0], "", 0, NULL, 0) == -1 && errno == EINVAL,
	    "sending no bytes: EINVAL");
	ok(fdpass_send(sv[0], "x", 1, (int []){ 999 }, 1) == -1 &&
	    errno == EBADF, "sending a closed fd: EBADF");

	close(sv[0]);
	n = 4;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
	    errno == EPIPE, "the peer closed: EPIPE");
	close(sv[1]);

	pair(SOCK_SEQPACKET, sv);
	close(sv[1]);
	ok(fdpass_send(sv[0], "x", 1, (int []){ 1 }, 1) == -1 &&
	    errno == EPIPE, "sending to a closed peer: EPIPE, no SIGPIPE");
	close(sv[0]);
	is_int(nopen(), before - 2, "no fd left behind");
}

/* The imsg guard: no recvmsg when the fds could not all be installed. */
static void
test_emfile(void)
{
	struct rlimit old, rl;
	int sv[2], got[16], before;
	size_t n;
	char buf[8];

	pair(SOCK_SEQPACKET, sv);
	before = nopen();
	ok(before > 0 && fdpass_fdcount() == before, "fdpass_fdcount agrees "
	    "with /proc/self/fd");
	ok(send_copies(sv[0], 1, 10) == 0, "send 10 fds");
	if (getrlimit(RLIMIT_NOFILE, &old) == -1)
		exit(1);
	rl = old;
	rl.rlim_cur = (rlim_t)before + 12;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		exit(1);
	n = 16;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == -1 &&
	    errno == EMFILE, "room for 12 but asking 16: EMFILE");
	n = 10;
	ok(fdpass_recv(sv[1], buf, sizeof(buf), got, &n) == 1 && n == 10,
	    "the message was left queued: asking 10 receives it");
	closeall(got, n);
	if (setrlimit(RLIMIT_NOFILE, &old) == -1)
		exit(1);
	close(sv[0]);
	close(sv[1]);
	is_int(nopen(), before - 2, "no fd left behind");
}

int
main(void)
{
	plan(71);
	test_roundtrip(SOCK_SEQPACKET, "seqpacket");
	test_roundtrip(SOCK_STREAM, "stream");
	test_max();
	test_names();
	test_name_check();
	test_bad();
	test_emfile();
	return done();
}
