/*
 * listenfd: the fd handover protocol of sd_listen_fds(3).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "listenfd.h"

/* A decimal number in [min, max], with nothing else around it. */
static int
listenfd_number(const char *s, long long min, long long max, long long *v)
{
	const char *errstr;

	*v = strtonum(s, min, max, &errstr);
	return errstr == NULL ? 0 : -1;
}

int
listenfd_count(void)
{
	const char *s;
	long long n, pid;
	int fd;

	if ((s = getenv("LISTEN_PID")) != NULL) {
		if (listenfd_number(s, 1, INT_MAX, &pid) == -1) {
			errno = EBADMSG;
			return -1;
		}
		if ((pid_t)pid != getpid())
			return 0;
	}
	if ((s = getenv("LISTEN_FDS")) == NULL)
		return 0;
	if (listenfd_number(s, 0, LISTENFD_MAX, &n) == -1) {
		errno = EBADMSG;
		return -1;
	}
	for (fd = LISTENFD_START; fd < LISTENFD_START + n; fd++)
		if (fcntl(fd, F_GETFD) == -1) {
			errno = EBADF;
			return -1;
		}
	return (int)n;
}

int
listenfd_name(size_t i, char *buf, size_t len)
{
	const char *s, *end;
	size_t l;

	if ((s = getenv("LISTEN_FDNAMES")) == NULL) {
		errno = ENOENT;
		return -1;
	}
	for (; i > 0; i--) {
		if ((s = strchr(s, ':')) == NULL) {
			errno = ENOENT;
			return -1;
		}
		s++;
	}
	end = strchr(s, ':');
	l = end != NULL ? (size_t)(end - s) : strlen(s);
	if (l == 0) {
		errno = ENOENT;
		return -1;
	}
	if (l >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, s, l);
	buf[l] = '\0';
	return 0;
}

/*
 * Closes fds[0..n-1], those that are >= 0, each number once (the same fd
 * may be listed twice), keeping errno.
 */
static void
listenfd_closeall(int *fds, size_t n)
{
	int saved = errno;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		for (j = i + 1; j < n; j++)
			if (fds[j] == fds[i])
				fds[j] = -1;
		close(fds[i]);
		fds[i] = -1;
	}
	errno = saved;
}

/*
 * Two passes, so that a source that sits on another's target is never
 * overwritten before it is moved: first every fd is copied above the whole
 * target range and its original closed, then each copy is dup2'ed onto its
 * target (which clears FD_CLOEXEC) and closed.
 */
int
listenfd_place(int *fds, size_t n, int first)
{
	size_t i, j;
	int above, tmp;

	if (first < LISTENFD_START || n > (size_t)(INT_MAX - first)) {
		listenfd_closeall(fds, n);
		errno = EINVAL;
		return -1;
	}
	/*
	 * Already in place (a program that opened them in order): only the
	 * close-on-exec flags change, and no fd above the range is needed,
	 * which matters under a tight RLIMIT_NOFILE.
	 */
	for (i = 0; i < n && fds[i] == first + (int)i; i++)
		;
	if (i == n) {
		for (i = 0; i < n; i++)
			if (fcntl(fds[i], F_SETFD, 0) == -1) {
				listenfd_closeall(fds, n);
				return -1;
			}
		return 0;
	}
	above = first + (int)n;
	for (i = 0; i < n; i++) {
		if ((tmp = fcntl(fds[i], F_DUPFD_CLOEXEC, above)) == -1) {
			/* EINVAL: above is past RLIMIT_NOFILE. */
			if (errno == EINVAL)
				errno = EMFILE;
			listenfd_closeall(fds, n);
			return -1;
		}
		/* The same fd may be listed twice: close it once. */
		for (j = i + 1; j < n; j++)
			if (fds[j] == fds[i])
				break;
		if (j == n)
			close(fds[i]);
		fds[i] = tmp;
	}
	for (i = 0; i < n; i++) {
		/* fds[0..i-1] already hold their targets: closed here. */
		if (dup2(fds[i], first + (int)i) == -1) {
			listenfd_closeall(fds, n);
			return -1;
		}
		close(fds[i]);
		fds[i] = first + (int)i;
	}
	return 0;
}

int
listenfd_setenv(size_t n, const char *names)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu", n);
	if (setenv("LISTEN_FDS", buf, 1) == -1)
		return -1;
	snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	if (setenv("LISTEN_PID", buf, 1) == -1)
		return -1;
	if (names != NULL)
		return setenv("LISTEN_FDNAMES", names, 1);
	return unsetenv("LISTEN_FDNAMES");
}

void
listenfd_unsetenv(void)
{
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
}

int
listenfd_closefrom(int first)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0)
		return 0;
#endif
	closefrom(first);
	return 0;
}

int
listenfd_names_check(const char *names, size_t n, char *why, size_t whylen)
{
	const char *p;
	size_t k = 1;

	for (p = names; *p != '\0'; p++) {
		if (*p == ':')
			k++;
		else if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			snprintf(why, whylen, "names are printable, without "
			    "spaces");
			errno = EINVAL;
			return -1;
		}
		if (*p == ':' && (p == names || p[1] == '\0' || p[1] == ':'))
			break;
	}
	if (names[0] == '\0' || *p == ':') {
		snprintf(why, whylen, "an empty name");
		errno = EINVAL;
		return -1;
	}
	if (k != n) {
		snprintf(why, whylen, "%zu name%s for %zu socket%s", k,
		    k == 1 ? "" : "s", n, n == 1 ? "" : "s");
		errno = EINVAL;
		return -1;
	}
	return 0;
}
