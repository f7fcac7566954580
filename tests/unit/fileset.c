/*
 * Unit tests of lib/fileset, in a scratch directory, with the clock
 * given (no test depends on the time it runs at): sizes, names with and
 * without strftime escapes, when names are numbered, -G alignment (UTC
 * and a zone half an hour off), the -C boundary, the -W ring and its
 * removal order, how files are created (mode, O_NOFOLLOW), and -z: run
 * once per closed file with its name, unblocked, in a group of its own,
 * and reaped (no zombie is left).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileset.h"
#include "tap.h"
#include "timeutil.h"

/* 2026-12-04 20:31:37 UTC, a Friday. */
#define T0	((time_t)1796416297)
#define NS(t)	((uint64_t)(t) * (uint64_t)NSEC_PER_SEC)

static char scratch[] = "/tmp/fdcap-unit-fileset.XXXXXX";

static int
rm1(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

static int
exists(const char *name)
{
	struct stat st;

	return lstat(name, &st) == 0;
}

/* The whole of a small file, NUL-terminated, in a static buffer. */
static const char *
slurp(const char *name)
{
	static char buf[4096];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = open(name, O_RDONLY)) == -1)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void
test_sizes(void)
{
	uint64_t v = 0;

	ok(fileset_parse_size("1", &v) == 0 && v == 1, "size 1");
	ok(fileset_parse_size("4k", &v) == 0 && v == 4096, "size 4k");
	ok(fileset_parse_size("3M", &v) == 0 && v == 3U << 20, "size 3M");
	ok(fileset_parse_size("2g", &v) == 0 && v == 2ULL << 30, "size 2g");
	errno = 0;
	ok(fileset_parse_size("0", &v) == -1 && errno == EINVAL, "0: EINVAL");
	errno = 0;
	ok(fileset_parse_size("-5k", &v) == -1 && errno == EINVAL,
	    "-5k: EINVAL");
	errno = 0;
	ok(fileset_parse_size("1x", &v) == -1 && errno == EINVAL,
	    "1x: EINVAL");
	errno = 0;
	ok(fileset_parse_size("", &v) == -1 && errno == EINVAL, "empty: EINVAL");
	errno = 0;
	ok(fileset_parse_size("99999999999G", &v) == -1 && errno == ERANGE,
	    "too large: ERANGE");
}

static void
test_names(void)
{
	char buf[PATH_MAX], *longpat;

	ok(fileset_name("cap.pcap", 0, 7, T0, buf, sizeof(buf)) == 0,
	    "a name without escapes");
	is_str(buf, "cap.pcap", "it is the pattern");
	ok(fileset_name("cap.pcap", 1, 7, T0, buf, sizeof(buf)) == 0,
	    "numbered");
	is_str(buf, "cap.pcap.7", "NAME.N");
	ok(fileset_name("cap-%F-%H.pcap", 0, 0, T0, buf, sizeof(buf)) == 0,
	    "a name with escapes");
	is_str(buf, "cap-2026-12-04-20.pcap", "expanded in local time (UTC)");
	ok(fileset_name("%H%M%S-100%%", 1, 12, T0, buf, sizeof(buf)) == 0,
	    "escapes and a number");
	is_str(buf, "203137-100%.12", "%% is a percent sign");
	errno = 0;
	ok(fileset_name("", 0, 0, T0, buf, sizeof(buf)) == -1 &&
	    errno == EINVAL, "an empty pattern: EINVAL");
	errno = 0;
	ok(fileset_name("abcdefgh", 1, 123, T0, buf, 10) == -1 &&
	    errno == ENAMETOOLONG, "a number that does not fit: ENAMETOOLONG");
	longpat = malloc(PATH_MAX + 10);
	memset(longpat, 'x', PATH_MAX + 9);
	longpat[PATH_MAX + 9] = '\0';
	errno = 0;
	ok(fileset_name(longpat, 0, 0, T0, buf, sizeof(buf)) == -1 &&
	    errno == ENAMETOOLONG, "a pattern too long: ENAMETOOLONG");
	free(longpat);
}

static void
test_numbered(void)
{
	ok(!fileset_numbered("cap.pcap", 0, 0, T0),
	    "one file: never numbered");
	ok(fileset_numbered("cap.pcap", 0, 60, T0),
	    "-G without escapes: numbered");
	ok(fileset_numbered("cap-%F-%H.pcap", 0, 60, T0),
	    "-G 60 with escapes of the hour: numbered");
	ok(fileset_numbered("cap-%H", 0, 60, T0 + 28 * 60 - 37),
	    "-G 60 with %H, just before the hour changes: numbered");
	ok(!fileset_numbered("cap-%F-%H.pcap", 0, 3600, T0),
	    "-G 3600 with %F-%H: unique, not numbered");
	ok(!fileset_numbered("cap-%s", 0, 1, T0), "-G 1 with %s: unique");
	ok(fileset_numbered("cap-%s", 1000, 1, T0),
	    "-C: always numbered, escapes or not");
	ok(fileset_numbered("cap-%Y", 0, 86400, T0 + 30 * 86400),
	    "-G 86400 with %Y only: numbered");
}

static void
test_interval(void)
{
	time_t t;

	is_int(fileset_interval(T0, 0, 60), T0 - 37, "-G 60 starts at :00");
	is_int(fileset_interval(T0, 0, 3600), T0 - 31 * 60 - 37,
	    "-G 3600 starts on the hour");
	is_int(fileset_interval(T0, 0, 86400), T0 - (20 * 3600 + 31 * 60 + 37),
	    "-G 86400 starts at midnight");
	is_int(fileset_interval(T0, 0, 0), T0, "no -G: now");
	is_int(fileset_interval(T0 - 37, 0, 60), T0 - 37,
	    "a boundary starts its own interval");
	/* India, UTC+5:30: a -G 3600 hour is local, :30 in UTC. */
	t = fileset_interval(T0, 19800, 3600);
	ok((t + 19800) % 3600 == 0 && t <= T0 && T0 < t + 3600,
	    "-G 3600 in UTC+5:30 starts on the local hour");
	is_int(t, T0 - 37 - 60, "at 02:00 local, 20:30 UTC");
	t = fileset_interval(T0, -3600, 86400);
	ok((t - 3600) % 86400 == 0 && t <= T0 && T0 < t + 86400,
	    "-G 86400 an hour west of UTC starts at local midnight");
}

static void
test_open_and_time(void)
{
	struct fileset_conf c;
	struct fileset fs;
	struct stat st;
	mode_t old;
	int fd;

	memset(&c, 0, sizeof(c));
	c.pattern = "g-%H%M%S.pcap";
	c.seconds = 60;
	ok(fileset_init(&fs, &c, NS(T0)) == 0, "init -G 60");
	ok(!fs.numbered, "%H%M%S under -G 60: not numbered");
	ok(fileset_ms_until(&fs, NS(T0)) == -1, "no file: no timeout");
	old = umask(022);
	fd = fileset_open(&fs, NS(T0) + 123456789);
	umask(old);
	ok(fd >= 0, "the first file opens");
	is_str(fileset_current(&fs), "g-203100.pcap",
	    "named for the interval's start");
	ok(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0644 &&
	    st.st_uid == getuid(), "mode 0644, the caller's");
	ok(fcntl(fd, F_GETFD) & FD_CLOEXEC, "close-on-exec");
	is_int(fileset_ms_until(&fs, NS(T0) + 123456789), 22877,
	    "the interval ends at :00, rounded up to the ms");
	ok(!fileset_due(&fs, NS(T0 + 22)), "not due at :59");
	ok(fileset_due(&fs, NS(T0 + 23)), "due at :00");
	is_int(fileset_ms_until(&fs, NS(T0 + 30)), 0, "0 once passed");
	errno = 0;
	ok(fileset_open(&fs, NS(T0 + 23)) == -1 && errno == EBUSY,
	    "a second open while one is open: EBUSY");
	ok(fileset_close(&fs) == 0, "closed");
	/* Many intervals later: the next file is for now, none between. */
	old = umask(077);
	fd = fileset_open(&fs, NS(T0 + 23 + 600 + 5));
	umask(old);
	ok(fd >= 0, "the next file opens");
	is_str(fileset_current(&fs), "g-204200.pcap",
	    "for the interval of now, none for those skipped");
	ok(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "the umask is honoured");
	ok(fileset_close(&fs) == 0, "closed");
	fileset_free(&fs);

	/* A symbolic link where the file goes is not followed. */
	c.pattern = "link.pcap";
	c.seconds = 0;
	fd = open("target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, "keep", 4) == 4 && close(fd) == 0, "target");
	ok(symlink("target", "link.pcap") == 0, "link.pcap -> target");
	ok(fileset_init(&fs, &c, NS(T0)) == 0, "init");
	errno = 0;
	ok(fileset_open(&fs, NS(T0)) == -1 && errno == ELOOP,
	    "a symbolic link: ELOOP");
	is_str(fileset_current(&fs), "link.pcap", "the name it failed on");
	is_str(slurp("target"), "keep", "its target is untouched");
	fileset_free(&fs);
}

/* Opens the next file of fs (records of n bytes so far), closes it. */
static int
next_file(struct fileset *fs, uint64_t now)
{
	if (fileset_close(fs) == -1 || fileset_post(fs) == -1)
		return -1;
	return fileset_open(fs, now) >= 0 ? 0 : -1;
}

static void
test_size_and_ring(void)
{
	struct fileset_conf c;
	struct fileset fs;

	memset(&c, 0, sizeof(c));
	c.pattern = "w.pcap";
	c.maxsize = 100;
	c.keep = 3;
	ok(fileset_init(&fs, &c, NS(T0)) == 0, "init -C 100 -W 3");
	ok(fs.numbered, "-C: numbered");
	ok(fileset_open(&fs, NS(T0)) >= 0, "w.pcap.0 opens");
	is_str(fileset_current(&fs), "w.pcap.0", "named w.pcap.0");
	fileset_add(&fs, 24, 0);
	ok(!fileset_full(&fs, 200), "a record larger than -C goes into a "
	    "file with none");
	fileset_add(&fs, 26, 1);
	ok(!fileset_full(&fs, 50), "a record that fills it to exactly -C fits");
	ok(fileset_full(&fs, 51), "one that would pass -C by a byte: next file");
	fileset_add(&fs, 50, 1);
	ok(fileset_full(&fs, 1), "full: one byte more would pass -C");
	ok(fileset_ms_until(&fs, NS(T0)) == -1 && !fileset_due(&fs,
	    NS(T0 + 86400)), "no -G: never due");
	ok(next_file(&fs, NS(T0)) == 0, "w.pcap.1");
	fileset_add(&fs, 24, 0);
	ok(!fileset_full(&fs, 1000), "a fresh file takes a huge record");
	fileset_add(&fs, 1000, 1);
	ok(fileset_full(&fs, 1), "and nothing after it");
	ok(exists("w.pcap.0") && exists("w.pcap.1"), "both there");
	ok(next_file(&fs, NS(T0)) == 0, "w.pcap.2");
	ok(exists("w.pcap.0") && exists("w.pcap.1") && exists("w.pcap.2"),
	    "three files: -W 3 removes none");
	ok(next_file(&fs, NS(T0)) == 0, "w.pcap.3");
	ok(!exists("w.pcap.0") && exists("w.pcap.1") && exists("w.pcap.2") &&
	    exists("w.pcap.3"), "the fourth: the oldest, .0, is removed");
	ok(unlink("w.pcap.1") == 0, "someone removes .1");
	ok(next_file(&fs, NS(T0)) == 0, "w.pcap.4, .1 already gone");
	ok(!exists("w.pcap.1") && exists("w.pcap.2") && exists("w.pcap.3") &&
	    exists("w.pcap.4"), "the next oldest is .2: kept");
	ok(next_file(&fs, NS(T0)) == 0, "w.pcap.5");
	ok(!exists("w.pcap.2") && exists("w.pcap.3") && exists("w.pcap.4") &&
	    exists("w.pcap.5"), ".2 removed next, in order");
	ok(fileset_close(&fs) == 0, "closed");
	fileset_free(&fs);

	/* A time pattern that comes round again is one file, not two. */
	memset(&c, 0, sizeof(c));
	c.pattern = "m-%M.pcap";
	c.seconds = 60;
	c.keep = 2;
	ok(fileset_init(&fs, &c, NS(T0)) == 0 && !fs.numbered,
	    "init -G 60 -W 2, %M");
	ok(fileset_open(&fs, NS(T0)) >= 0, "m-31");
	ok(next_file(&fs, NS(T0 + 3600)) == 0, "m-31 an hour later");
	ok(exists("m-31.pcap"), "the file being written is never removed");
	ok(next_file(&fs, NS(T0 + 3660)) == 0, "m-32");
	ok(exists("m-31.pcap") && exists("m-32.pcap"), "two kept");
	ok(next_file(&fs, NS(T0 + 3720)) == 0 && !exists("m-31.pcap") &&
	    exists("m-32.pcap") && exists("m-33.pcap"), "the oldest removed");
	ok(fileset_close(&fs) == 0, "closed");
	fileset_free(&fs);
}

static void
test_post(void)
{
	struct fileset_conf c;
	struct fileset_done d;
	struct fileset fs;
	sigset_t block, empty, old;
	char want[256], prog[PATH_MAX];
	int fd, i, n, bad = 0;
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/post.sh", scratch);
	fd = open(prog, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	dprintf(fd, "#!/bin/sh\n"
	    "set -- \"$1\" $(cut -d' ' -f5 /proc/$$/stat) "
	    "$(grep SigBlk /proc/$$/status | cut -f2)\n"
	    "echo \"$1 $(test \"$2\" = $$ && echo ownpgrp) $3\" >>post.log\n");
	close(fd);
	/* The test blocks SIGTERM; the program gets the mask given. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigemptyset(&empty);
	memset(&c, 0, sizeof(c));
	c.pattern = "z.pcap";
	c.maxsize = 1000;
	c.prog = prog;
	c.childmask = &empty;
	ok(fileset_init(&fs, &c, NS(T0)) == 0, "init -C 1000 -z post.sh");
	ok(fileset_post(&fs) == 0 && fileset_running(&fs) == 0,
	    "no file closed yet: nothing runs");
	ok(fileset_open(&fs, NS(T0)) >= 0, "z.pcap.0");
	ok(fileset_post(&fs) == 0 && fileset_running(&fs) == 0,
	    "the file is open: nothing runs");
	for (i = 1; i < 3; i++)
		if (next_file(&fs, NS(T0)) == -1)
			bad++;
	ok(bad == 0, "z.pcap.1, z.pcap.2");
	ok(fileset_close(&fs) == 0 && fileset_post(&fs) == 0, "the last one "
	    "closed");
	ok(fileset_post(&fs) == 0, "a second post for it");
	is_int(fileset_running(&fs), 3, "three programs: one per file");
	for (n = 0; (i = fileset_reap(&fs, 1, &d)) == 1; n++)
		if (!WIFEXITED(d.status) || WEXITSTATUS(d.status) != 0 ||
		    strncmp(d.file, "z.pcap.", 7) != 0)
			bad++;
	ok(i == 0 && n == 3 && bad == 0, "each reaped, status 0, its file "
	    "named");
	is_int(fileset_running(&fs), 0, "none running");
	errno = 0;
	pid = waitpid(-1, NULL, WNOHANG);
	ok(pid == -1 && errno == ECHILD, "no child left, zombie or not");
	snprintf(want, sizeof(want),
	    "z.pcap.0 ownpgrp 0000000000000000\n"
	    "z.pcap.1 ownpgrp 0000000000000000\n"
	    "z.pcap.2 ownpgrp 0000000000000000\n");
	/* They ran at once: their lines may come in any order. */
	{
		const char *got = slurp("post.log");
		int lines = 0, found = 0;
		const char *p;

		for (p = got; *p != '\0'; p++)
			lines += *p == '\n';
		found = strstr(got, "z.pcap.0 ownpgrp 0000000000000000\n") &&
		    strstr(got, "z.pcap.1 ownpgrp 0000000000000000\n") &&
		    strstr(got, "z.pcap.2 ownpgrp 0000000000000000\n");
		ok(lines == 3 && found, "once per file, with its name, in a "
		    "group of its own, no signal blocked");
		if (!(lines == 3 && found))
			diag("got:\n%swant (any order):\n%s", got, want);
	}
	ok(fileset_reap(&fs, 0, &d) == 0, "nothing more to reap, blocking "
	    "or not");
	fileset_free(&fs);

	/* A program that is not there: the error, nothing left running. */
	c.prog = "fdcap-no-such-program";
	ok(fileset_init(&fs, &c, NS(T0)) == 0 &&
	    fileset_open(&fs, NS(T0)) >= 0 && fileset_close(&fs) == 0,
	    "a file closed");
	errno = 0;
	ok(fileset_post(&fs) == -1 && errno == ENOENT, "-z not found: ENOENT");
	ok(fileset_running(&fs) == 0, "nothing runs");
	fileset_free(&fs);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int
main(void)
{
	plan(106);
	setenv("TZ", "UTC", 1);
	tzset();
	if (mkdtemp(scratch) == NULL || chdir(scratch) == -1) {
		diag("%s: %s", scratch, strerror(errno));
		return 1;
	}
	test_sizes();
	test_names();
	test_numbered();
	test_interval();
	test_open_and_time();
	test_size_and_ring();
	test_post();
	if (chdir("/") == 0 && nftw(scratch, rm1, 16, FTW_DEPTH | FTW_PHYS) != 0)
		diag("could not remove %s", scratch);
	return done();
}
