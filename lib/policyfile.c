/*
 * policyfile: rawopen.conf(5) from a file that only root can have written:
 * the walk from / down, the checks on the open file, then the grammar of
 * policy.c (policy_load(), policy_lint()).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "policy_int.h"

/*
 * Whether the owner and mode of sb, the stat of name, are safe: owned by
 * root, and writable by nobody else.  Fills err and sets errno to EPERM
 * when not.
 */
static int
policy_safe(const char *name, const struct stat *sb, char *err)
{
	const char *why;

	if (sb->st_uid != 0)
		why = "not owned by root";
	else if (sb->st_mode & S_IWOTH)
		why = "writable by others";
	else if (sb->st_mode & S_IWGRP)
		why = "writable by group";
	else
		return 0;
	return policy_fail(err, EPERM, "%s: %s", name, why);
}

/* Fills err with "name: strerror(e)" and returns -1 with errno e. */
static int
policy_syserr(const char *name, int e, char *err)
{
	return policy_fail(err, e, "%s: %s", name, strerror(e));
}

/*
 * Walks path from / down with lstat(2), checking every directory above
 * the file and the file itself, which must be a regular file.  Leaves the
 * file's lstat in *sb.  Returns 0, or -1 with errno and err.
 */
static int
policy_walk(const char *path, struct stat *sb, char *err)
{
	char cur[PATH_MAX];
	const char *p, *q;
	size_t n = 0;

	if (lstat("/", sb) == -1)
		return policy_syserr("/", errno, err);
	if (policy_safe("/", sb, err) == -1)
		return -1;
	for (p = path; ; p = q) {
		p += strspn(p, "/");
		q = p + strcspn(p, "/");
		if ((q - p == 1 && p[0] == '.') ||
		    (q - p == 2 && p[0] == '.' && p[1] == '.')) {
			return policy_fail(err, EINVAL, "%s: '.' or '..' in "
			    "the path", path);
		}
		if (n + 1 + (size_t)(q - p) >= sizeof(cur))
			return policy_syserr(path, ENAMETOOLONG, err);
		cur[n++] = '/';
		memcpy(cur + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		cur[n] = '\0';
		if (lstat(cur, sb) == -1) {
			if (errno == EACCES)
				return policy_fail(err, EACCES, "%s: %s (every "
				    "directory above it must be searchable by "
				    "all)", cur, strerror(EACCES));
			return policy_syserr(cur, errno, err);
		}
		if (S_ISLNK(sb->st_mode)) {
			return policy_fail(err, EPERM, "%s: a symbolic link "
			    "(name the real path)", cur);
		}
		if (policy_safe(cur, sb, err) == -1)
			return -1;
		if (*q == '\0')
			break;
		if (!S_ISDIR(sb->st_mode))
			return policy_syserr(cur, ENOTDIR, err);
	}
	if (!S_ISREG(sb->st_mode)) {
		return policy_fail(err, EPERM, "%s: not a regular file",
		    path);
	}
	return 0;
}

/*
 * Reads the policy file at path, after the checks policy_load() promises,
 * into *bufp (malloc'd, POLICY_MAXSIZE + 1 bytes) and *lenp.  Returns 0,
 * or -1 with errno and err.
 *
 * The file is opened only after the walk, with O_NOFOLLOW, and its open
 * fd is checked again against the walk's lstat, so that nothing swapped in
 * between is read.  (Nobody but root can swap anything: the walk saw every
 * directory above owned by root and writable by nobody else.)
 */
static int
policy_read(const char *path, char *err, char **bufp, size_t *lenp)
{
	struct stat lsb, sb;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, e;

	if (path == NULL || path[0] != '/' || path[strlen(path) - 1] == '/')
		return policy_fail(err, EINVAL, "%s: not an absolute path to a "
		    "file", path != NULL ? path : "(null)");
	if (policy_walk(path, &lsb, err) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		if (errno == EACCES)
			policy_fail(err, EACCES, "%s: cannot read it (it must "
			    "be readable by all: mode 0644)", path);
		else if (errno == ELOOP)
			policy_fail(err, EPERM, "%s: a symbolic link", path);
		else
			policy_syserr(path, errno, err);
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		policy_syserr(path, errno, err);
		goto fail;
	}
	if (sb.st_dev != lsb.st_dev || sb.st_ino != lsb.st_ino ||
	    !S_ISREG(sb.st_mode)) {
		policy_fail(err, EPERM, "%s: changed while it was being "
		    "checked", path);
		goto fail;
	}
	/*
	 * A setuid-root copy could read a file that others cannot, and then
	 * quote its lines in messages: it refuses what a copy with file
	 * capabilities could not read.
	 */
	if ((sb.st_mode & S_IROTH) == 0) {
		policy_fail(err, EACCES, "%s: cannot read it (it must be "
		    "readable by all: mode 0644)", path);
		goto fail;
	}
	if (policy_safe(path, &sb, err) == -1)
		goto fail;
	if (sb.st_size > POLICY_MAXSIZE) {
		policy_fail(err, EFBIG, "%s: larger than %d bytes", path,
		    POLICY_MAXSIZE);
		goto fail;
	}
	/* One byte more than allowed, to see a file that grew. */
	if ((buf = malloc(POLICY_MAXSIZE + 1)) == NULL) {
		policy_syserr(path, ENOMEM, err);
		goto fail;
	}
	for (;;) {
		n = read(fd, buf + len, POLICY_MAXSIZE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			policy_syserr(path, errno, err);
			free(buf);
			goto fail;
		}
		if (n == 0 || (len += (size_t)n) == POLICY_MAXSIZE + 1)
			break;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

struct policy *
policy_load(const char *path, char err[POLICY_ERRLEN])
{
	struct policy *p;
	char *buf;
	size_t len;
	int e;

	if (policy_read(path, err, &buf, &len) == -1)
		return NULL;
	/* policy_parse() refuses len > POLICY_MAXSIZE with EFBIG. */
	p = policy_parse(buf, len, path, err);
	e = errno;
	free(buf);
	errno = e;
	return p;
}

int
policy_lint(const char *path, void (*report)(void *arg, const char *msg),
    void *arg)
{
	char err[POLICY_ERRLEN], *buf;
	size_t len;
	int e, n;

	if (policy_read(path, err, &buf, &len) == -1) {
		e = errno;
		report(arg, err);
		errno = e;
		return -1;
	}
	n = policy_lint_text(buf, len, path, report, arg);
	e = errno;
	free(buf);
	errno = e;
	return n;
}
