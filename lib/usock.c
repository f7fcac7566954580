/*
 * usock: Unix sockets named as on a command line.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usock.h"

int
usock_addr(const char *spec, struct sockaddr_un *sun, socklen_t *len)
{
	size_t l = strlen(spec);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (l == 0 || (spec[0] == '@' && l == 1)) {
		errno = EINVAL;
		return -1;
	}
	/* A path needs its NUL; an abstract name is counted by length. */
	if (l >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (spec[0] == '@') {
		memcpy(sun->sun_path + 1, spec + 1, l - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l);
	} else {
		memcpy(sun->sun_path, spec, l);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l + 1);
	}
	return 0;
}

/* connect(2), retried on EINTR (after which the kernel may say EISCONN). */
static int
usock_connect_fd(int fd, const struct sockaddr_un *sun, socklen_t len)
{
	int interrupted = 0;

	while (connect(fd, (const struct sockaddr *)sun, len) == -1) {
		if (errno == EINTR) {
			interrupted = 1;
			continue;
		}
		if (interrupted && errno == EISCONN)
			return 0;
		return -1;
	}
	return 0;
}

int
usock_connect(const char *spec, int type)
{
	struct sockaddr_un sun;
	struct stat st;
	socklen_t len;
	int fd, saved;

	if (usock_addr(spec, &sun, &len) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (usock_connect_fd(fd, &sun, len) == -1) {
		saved = errno;
		close(fd);
		/* The kernel refuses a path that is no socket at all. */
		if (saved == ECONNREFUSED && spec[0] != '@' &&
		    stat(spec, &st) == 0 && !S_ISSOCK(st.st_mode))
			saved = ENOTSOCK;
		errno = saved;
		return -1;
	}
	return fd;
}

const char *
usock_strerror(int e, int type)
{
	if (e == ENOTSOCK)
		return "not a socket";
	if (e == EPROTOTYPE)
		return type == SOCK_SEQPACKET ? "not a SOCK_SEQPACKET socket" :
		    type == SOCK_STREAM ? "not a SOCK_STREAM socket" :
		    "a socket of another type";
	return strerror(e);
}

/*
 * Creates the parent directory of path with mode 0700 when it is missing.
 * Returns 0 or -1 with errno.
 */
static int
usock_mkparent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (stat(dir, &st) == 0 || errno != ENOENT)
		return 0;	/* bind(2) will say what is wrong, if anything */
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * Decides about a path that bind(2) found in use.  Returns 0 when it is a
 * stale socket, now removed; else -1 with errno EEXIST (not a socket),
 * EADDRINUSE (a live socket) or the error of the probe.
 */
static int
usock_stale(const char *path, int type, const struct sockaddr_un *sun,
    socklen_t len)
{
	struct stat st;
	int fd, r, saved;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;	/* gone meanwhile */
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	/*
	 * Non-blocking: a listener whose queue is full (fdrecv listens with
	 * a backlog of 1) makes a blocking connect wait; EAGAIN says as
	 * much that somebody listens.  The probe closes at once, and the
	 * listener sees a connection that ends without a message.
	 */
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	r = usock_connect_fd(fd, sun, len);
	saved = errno;
	close(fd);
	if (r == 0 || saved == EPROTOTYPE || saved == EAGAIN) {
		/* Somebody listens, maybe with another socket type. */
		errno = EADDRINUSE;
		return -1;
	}
	if (saved != ECONNREFUSED) {
		errno = saved;
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/*
 * Binds fd to path and listens, so that the path appears only once it
 * listens (a client never finds it refusing): bound under a temporary
 * name beside it, then renamed without replacing anything.  When the
 * temporary name would not fit, binds path itself.  Returns 0, or -1 with
 * errno (EADDRINUSE when path appeared meanwhile).
 */
static int
usock_bind_path(int fd, const char *path, int backlog)
{
	struct sockaddr_un sun, tmp;
	socklen_t len, tmplen;
	char name[sizeof(tmp.sun_path)];
	int saved, n;

	if (usock_addr(path, &sun, &len) == -1)
		return -1;
	n = snprintf(name, sizeof(name), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    usock_addr(name, &tmp, &tmplen) == -1) {
		if (bind(fd, (struct sockaddr *)&sun, len) == -1)
			return -1;
		if (listen(fd, backlog) == -1)
			goto fail;
		return 0;
	}
	(void)unlink(name);	/* ours, left by a process of the same pid */
	if (bind(fd, (struct sockaddr *)&tmp, tmplen) == -1)
		return -1;
	if (listen(fd, backlog) == -1 ||
	    renameat2(AT_FDCWD, name, AT_FDCWD, path, RENAME_NOREPLACE) == -1) {
		saved = errno == EEXIST ? EADDRINUSE : errno;
		(void)unlink(name);
		errno = saved;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	(void)unlink(path);
	errno = saved;
	return -1;
}

int
usock_listen(const char *spec, int type, int backlog, struct usock_file *f)
{
	struct sockaddr_un sun;
	struct stat st;
	socklen_t len;
	int fd, saved;

	if (usock_addr(spec, &sun, &len) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (f != NULL)
		memset(f, 0, sizeof(*f));
	if (spec[0] == '@') {
		if (bind(fd, (struct sockaddr *)&sun, len) == -1 ||
		    listen(fd, backlog) == -1)
			goto fail;
		return fd;
	}
	if (usock_mkparent(spec) == -1)
		goto fail;
	if (lstat(spec, &st) == 0 && usock_stale(spec, type, &sun, len) == -1)
		goto fail;
	if (usock_bind_path(fd, spec, backlog) == -1) {
		/* Somebody made it meanwhile: say what it is. */
		if (errno == EADDRINUSE && lstat(spec, &st) == 0 &&
		    !S_ISSOCK(st.st_mode))
			errno = EEXIST;
		goto fail;
	}
	if (f != NULL) {
		if (lstat(spec, &st) == -1) {
			saved = errno;
			(void)unlink(spec);
			errno = saved;
			goto fail;
		}
		f->path = 1;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
usock_remove(const char *spec, const struct usock_file *f)
{
	struct stat st;

	if (f == NULL || !f->path || spec[0] == '@')
		return 0;
	if (lstat(spec, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode) || st.st_dev != f->dev || st.st_ino != f->ino)
		return 0;
	return unlink(spec);
}
