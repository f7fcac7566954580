/*
 * fileset: a capture written to a set of files (-o, -C, -G, -W, -z).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileset.h"
#include "timeutil.h"

extern char **environ;

/* Intervals compared when deciding whether a -G pattern is unique. */
#define UNIQUE_PROBES	4
#define BIG_NAME	(PATH_MAX * 16)

int
fileset_parse_size(const char *s, uint64_t *v)
{
	const char *errstr;
	char digits[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	long long x;

	if (n == 0 || n >= sizeof(digits)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(digits, s, n + 1);
	switch (digits[n - 1]) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift != 0)
		digits[n - 1] = '\0';
	x = strtonum(digits, 1, (1LL << 62) >> shift, &errstr);
	if (errstr != NULL) {
		errno = strcmp(errstr, "too large") == 0 ? ERANGE : EINVAL;
		return -1;
	}
	*v = (uint64_t)x << shift;
	return 0;
}

/* The pattern is the user's, as tcpdump -G takes it: not a literal. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int
fileset_name(const char *pattern, int numbered, uint64_t seq, time_t t,
    char *buf, size_t len)
{
	struct tm tm;
	char *big;
	size_t n;
	int k;

	if (pattern[0] == '\0' || localtime_r(&t, &tm) == NULL) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * strftime(3) says 0 both for a name too long and for an empty
	 * one: a buffer larger than any path tells them apart.
	 */
	if ((n = strftime(buf, len, pattern, &tm)) == 0) {
		errno = EINVAL;
		if ((big = malloc(BIG_NAME)) == NULL)
			errno = ENOMEM;
		else if (strftime(big, BIG_NAME, pattern, &tm) != 0 ||
		    strlen(pattern) >= BIG_NAME / 64)
			errno = ENAMETOOLONG;
		free(big);
		return -1;
	}
	if (numbered) {
		k = snprintf(buf + n, len - n, ".%llu", (unsigned long long)seq);
		if (k < 0 || (size_t)k >= len - n) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	return 0;
}
#pragma GCC diagnostic pop

time_t
fileset_interval(time_t now, long gmtoff, unsigned seconds)
{
	long long local, start;

	if (seconds == 0)
		return now;
	local = (long long)now + gmtoff;
	start = local - ((local % seconds) + seconds) % seconds;
	return (time_t)(start - gmtoff);
}

/* The local zone's offset east of UTC at t, in seconds. */
static long
gmtoff_at(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

int
fileset_numbered(const char *pattern, uint64_t maxsize, unsigned seconds,
    time_t now)
{
	char a[PATH_MAX], b[PATH_MAX];
	time_t t;
	int i;

	if (maxsize > 0)
		return 1;
	if (seconds == 0)
		return 0;
	t = fileset_interval(now, gmtoff_at(now), seconds);
	if (fileset_name(pattern, 0, 0, t, a, sizeof(a)) == -1)
		return 1;
	for (i = 0; i < UNIQUE_PROBES; i++) {
		t += (time_t)seconds;
		if (fileset_name(pattern, 0, 0, t, b, sizeof(b)) == -1 ||
		    strcmp(a, b) == 0)
			return 1;
		memcpy(a, b, sizeof(a));
	}
	return 0;
}

int
fileset_init(struct fileset *fs, const struct fileset_conf *conf,
    uint64_t now_ns)
{
	char probe[PATH_MAX];
	time_t now = (time_t)(now_ns / NSEC_PER_SEC);

	memset(fs, 0, sizeof(*fs));
	fs->fd = -1;
	if (conf->pattern == NULL) {
		errno = EINVAL;
		return -1;
	}
	fs->conf = *conf;
	fs->numbered = fileset_numbered(conf->pattern, conf->maxsize,
	    conf->seconds, now);
	/* The longest number a run could reach, to find a bad pattern now. */
	if (fileset_name(conf->pattern, fs->numbered, UINT64_MAX, now, probe,
	    sizeof(probe)) == -1)
		return -1;
	if (conf->keep > 0 &&
	    (fs->ring = calloc(conf->keep, sizeof(*fs->ring))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Removes the oldest name from the ring, and the file when unlink is set. */
static void
ring_drop(struct fileset *fs, size_t i, int unlinkit)
{
	if (unlinkit)
		(void)unlink(fs->ring[i]);	/* gone already: no matter */
	free(fs->ring[i]);
	memmove(fs->ring + i, fs->ring + i + 1,
	    (fs->nring - i - 1) * sizeof(*fs->ring));
	fs->nring--;
}

int
fileset_open(struct fileset *fs, uint64_t now_ns)
{
	char name[PATH_MAX];
	time_t now = (time_t)(now_ns / NSEC_PER_SEC), start;
	char *copy = NULL;
	size_t i;
	int fd;

	if (fs->fd != -1) {
		errno = EBUSY;
		return -1;
	}
	start = fileset_interval(now, gmtoff_at(now), fs->conf.seconds);
	if (fileset_name(fs->conf.pattern, fs->numbered, fs->seq, start, name,
	    sizeof(name)) == -1)
		return -1;
	if (fs->conf.keep > 0) {
		if ((copy = strdup(name)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		/* A name made again (its pattern repeats) is one file. */
		for (i = 0; i < fs->nring; i++)
			if (strcmp(fs->ring[i], name) == 0) {
				ring_drop(fs, i, 0);
				break;
			}
		while (fs->nring >= fs->conf.keep)
			ring_drop(fs, 0, 1);
	}
	/* The name, for the caller's message even when open(2) fails. */
	memcpy(fs->name, name, sizeof(name));
	fs->closed = 0;
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		free(copy);
		return -1;
	}
	if (copy != NULL)
		fs->ring[fs->nring++] = copy;
	fs->seq++;
	fs->fd = fd;
	fs->size = fs->records = 0;
	fs->end_ns = fs->conf.seconds > 0 ? ((uint64_t)start +
	    fs->conf.seconds) * (uint64_t)NSEC_PER_SEC : 0;
	return fd;
}

const char *
fileset_current(const struct fileset *fs)
{
	return fs->name;
}

void
fileset_add(struct fileset *fs, size_t n, int record)
{
	fs->size += n;
	if (record)
		fs->records++;
}

int
fileset_full(const struct fileset *fs, size_t n)
{
	return fs->conf.maxsize > 0 && fs->records > 0 &&
	    fs->size + n > fs->conf.maxsize;
}

int
fileset_due(const struct fileset *fs, uint64_t t_ns)
{
	return fs->fd != -1 && fs->end_ns != 0 && t_ns >= fs->end_ns;
}

long long
fileset_ms_until(const struct fileset *fs, uint64_t now_ns)
{
	uint64_t left;

	if (fs->fd == -1 || fs->end_ns == 0)
		return -1;
	if (now_ns >= fs->end_ns)
		return 0;
	left = fs->end_ns - now_ns;
	return (long long)((left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
}

int
fileset_close(struct fileset *fs)
{
	int rc;

	if (fs->fd == -1)
		return 0;
	rc = close(fs->fd);
	fs->fd = -1;
	fs->closed = 1;
	return rc == -1 && errno != EINTR ? -1 : 0;
}

int
fileset_post(struct fileset *fs)
{
	posix_spawnattr_t attr;
	struct fileset_kid *k;
	sigset_t def;
	char *argv[3], *file;
	short flags;
	pid_t pid;
	int e;

	if (fs->conf.prog == NULL || !fs->closed)
		return 0;
	fs->closed = 0;
	if (fs->nkids == fs->kidsize) {
		k = reallocarray(fs->kids, fs->kidsize + 8, sizeof(*k));
		if (k == NULL) {
			errno = ENOMEM;
			return -1;
		}
		fs->kids = k;
		fs->kidsize += 8;
	}
	if ((file = strdup(fs->name)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if ((e = posix_spawnattr_init(&attr)) != 0) {
		free(file);
		errno = e;
		return -1;
	}
	flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP;
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	(void)posix_spawnattr_setsigdefault(&attr, &def);
	(void)posix_spawnattr_setpgroup(&attr, 0);
	if (fs->conf.childmask != NULL) {
		flags |= POSIX_SPAWN_SETSIGMASK;
		(void)posix_spawnattr_setsigmask(&attr, fs->conf.childmask);
	}
	(void)posix_spawnattr_setflags(&attr, flags);
	argv[0] = (char *)(uintptr_t)fs->conf.prog;
	argv[1] = file;
	argv[2] = NULL;
	e = posix_spawnp(&pid, fs->conf.prog, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (e != 0) {
		free(file);
		errno = e;
		return -1;
	}
	fs->kids[fs->nkids].pid = pid;
	fs->kids[fs->nkids].file = file;
	fs->nkids++;
	return 0;
}

size_t
fileset_running(const struct fileset *fs)
{
	return fs->nkids;
}

int
fileset_reap(struct fileset *fs, int block, struct fileset_done *d)
{
	size_t i;
	pid_t pid;
	int status;

	for (i = 0; i < fs->nkids; i++) {
		/* Blocking: for the oldest, which most likely ends first. */
		pid = waitpid(fs->kids[i].pid, &status, block ? 0 : WNOHANG);
		if (pid == -1)
			return -1;
		if (pid == 0)
			continue;
		d->pid = pid;
		d->status = status;
		strlcpy(d->file, fs->kids[i].file, sizeof(d->file));
		free(fs->kids[i].file);
		memmove(fs->kids + i, fs->kids + i + 1,
		    (fs->nkids - i - 1) * sizeof(*fs->kids));
		fs->nkids--;
		return 1;
	}
	return 0;
}

void
fileset_free(struct fileset *fs)
{
	size_t i;

	if (fs->fd != -1)
		(void)close(fs->fd);
	for (i = 0; i < fs->nring; i++)
		free(fs->ring[i]);
	free(fs->ring);
	for (i = 0; i < fs->nkids; i++)
		free(fs->kids[i].file);
	free(fs->kids);
	memset(fs, 0, sizeof(*fs));
	fs->fd = -1;
}
