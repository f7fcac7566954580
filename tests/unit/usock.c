/*
 * Unit tests for lib/usock: Unix socket names, connect and listen, in a
 * scratch directory of their own.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "usock.h"

static char dir[] = "/tmp/fdcap-usock.XXXXXX";

/* path(name): name in the scratch directory (a static buffer). */
static const char *
path(const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* usock_connect(spec, type) fails with want. */
static void
connect_fails(const char *spec, int type, int want, const char *name)
{
	int fd;

	errno = 0;
	fd = usock_connect(spec, type);
	if (!ok(fd == -1 && errno == want, name))
		diag("  got %d, errno %s", fd, strerror(errno));
	if (fd != -1)
		close(fd);
}

static void
test_addr(void)
{
	struct sockaddr_un sun;
	socklen_t len;
	char big[sizeof(sun.sun_path) + 2];

	ok(usock_addr("a/b", &sun, &len) == 0 &&
	    strcmp(sun.sun_path, "a/b") == 0 &&
	    len == offsetof(struct sockaddr_un, sun_path) + 4,
	    "a path, counted with its NUL");
	ok(usock_addr("@x", &sun, &len) == 0 && sun.sun_path[0] == '\0' &&
	    sun.sun_path[1] == 'x' &&
	    len == offsetof(struct sockaddr_un, sun_path) + 2,
	    "an abstract name, counted by length");
	errno = 0;
	ok(usock_addr("", &sun, &len) == -1 && errno == EINVAL, "empty");
	errno = 0;
	ok(usock_addr("@", &sun, &len) == -1 && errno == EINVAL, "@ alone");
	memset(big, 'p', sizeof(sun.sun_path));
	big[sizeof(sun.sun_path)] = '\0';
	errno = 0;
	ok(usock_addr(big, &sun, &len) == -1 && errno == ENAMETOOLONG,
	    "a path of 108 bytes is too long");
	big[sizeof(sun.sun_path) - 1] = '\0';
	ok(usock_addr(big, &sun, &len) == 0, "a path of 107 bytes fits");
	big[0] = '@';
	big[sizeof(sun.sun_path) - 1] = 'p';
	big[sizeof(sun.sun_path)] = '\0';
	errno = 0;
	ok(usock_addr(big, &sun, &len) == -1 && errno == ENAMETOOLONG,
	    "an abstract name of 107 bytes is too long");
}

static void
test_connect(void)
{
	struct usock_file f;
	char stale[PATH_MAX];
	int fd, l, c;

	connect_fails(path("none"), SOCK_SEQPACKET, ENOENT, "no such path");

	if ((fd = open(path("file"), O_WRONLY | O_CREAT, 0600)) != -1)
		close(fd);
	connect_fails(path("file"), SOCK_SEQPACKET, ENOTSOCK,
	    "a regular file is not a socket, not a refusal");
	is_str(usock_strerror(ENOTSOCK, SOCK_SEQPACKET), "not a socket",
	    "... and says so");
	if (mkdir(path("dir"), 0700) == -1)
		diag("mkdir: %s", strerror(errno));
	connect_fails(path("dir"), SOCK_SEQPACKET, ENOTSOCK,
	    "nor is a directory");

	/* A socket file nobody listens on is refused: it is a socket. */
	snprintf(stale, sizeof(stale), "%s", path("stale"));
	l = usock_listen(stale, SOCK_SEQPACKET, 1, &f);
	ok(l != -1, "listen");
	close(l);
	connect_fails(stale, SOCK_SEQPACKET, ECONNREFUSED,
	    "a stale socket is refused");
	is_str(usock_strerror(ECONNREFUSED, SOCK_SEQPACKET),
	    strerror(ECONNREFUSED), "... in the kernel's words");

	l = usock_listen(stale, SOCK_STREAM, 1, &f);
	ok(l != -1, "a stale socket is replaced by a new listener");
	connect_fails(stale, SOCK_SEQPACKET, EPROTOTYPE,
	    "a socket of another type");
	is_str(usock_strerror(EPROTOTYPE, SOCK_SEQPACKET),
	    "not a SOCK_SEQPACKET socket", "... named by the type asked for");
	c = usock_connect(stale, SOCK_STREAM);
	ok(c != -1 && (fcntl(c, F_GETFD) & FD_CLOEXEC),
	    "connected, close-on-exec");
	if (c != -1)
		close(c);
	ok(usock_remove(stale, &f) == 0 && access(stale, F_OK) == -1,
	    "the listener's file is removed");
	if (l != -1)
		close(l);
}

/*
 * A listener whose queue is full is in use: the staleness probe must say
 * so, not wait in connect(2) for room (fdrecv listens with a backlog of
 * 1).  An alarm kills the test if the probe waits.
 */
static void
test_listen_busy(void)
{
	int l, c[16], n, fd;

	if ((l = usock_listen(path("busy"), SOCK_SEQPACKET, 1, NULL)) == -1) {
		diag("usock_listen: %s", strerror(errno));
		abort();
	}
	for (n = 0; n < 16; n++)
		if ((c[n] = usock_connect(path("busy"),
		    SOCK_SEQPACKET | SOCK_NONBLOCK)) == -1)
			break;
	ok(n < 16 && errno == EAGAIN, "the listener's queue is full");
	alarm(10);
	errno = 0;
	fd = usock_listen(path("busy"), SOCK_SEQPACKET, 1, NULL);
	if (!ok(fd == -1 && errno == EADDRINUSE,
	    "a listener with a full queue: EADDRINUSE, at once"))
		diag("  got %d, errno %s", fd, strerror(errno));
	alarm(0);
	while (n-- > 0)
		close(c[n]);
	close(l);
	unlink(path("busy"));
}

int
main(void)
{
	plan(21);
	if (mkdtemp(dir) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 1;
	}
	test_addr();
	test_connect();
	test_listen_busy();
	unlink(path("file"));
	rmdir(path("dir"));
	rmdir(dir);
	return done();
}
