/*
 * Unit tests of lib/listenfd: the sd_listen_fds(3) environment, names, and
 * placing fds whose sources and targets overlap.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listenfd.h"
#include "tap.h"

/* The inode behind fd, to tell which file sits at a number; 0 if closed. */
static ino_t
ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == -1 ? 0 : st.st_ino;
}

static int
isopen(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* A fresh pipe end's inode number, at exactly fd. */
static ino_t
pipe_at(int fd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		exit(1);
	if (p[0] != fd && dup3(p[0], fd, O_CLOEXEC) == -1)
		exit(1);
	if (p[0] != fd)
		close(p[0]);
	if (p[1] != fd)
		close(p[1]);
	return ino(fd);
}

static void
setpid(const char *fds, long pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", pid);
	setenv("LISTEN_FDS", fds, 1);
	setenv("LISTEN_PID", buf, 1);
}

static void
test_count(void)
{
	listenfd_unsetenv();
	is_int(listenfd_count(), 0, "nothing set: 0");
	pipe_at(3);
	pipe_at(4);
	setpid("2", (long)getpid());
	is_int(listenfd_count(), 2, "LISTEN_FDS=2 for our pid: 2");
	setpid("2", (long)getpid() + 1);
	is_int(listenfd_count(), 0, "another pid: 0");
	unsetenv("LISTEN_PID");
	is_int(listenfd_count(), 2, "no LISTEN_PID: 2");
	setpid("3", (long)getpid());
	close(5);
	ok(listenfd_count() == -1 && errno == EBADF, "fd 5 not open: EBADF");
	setpid("2x", (long)getpid());
	ok(listenfd_count() == -1 && errno == EBADMSG, "LISTEN_FDS=2x: EBADMSG");
	setpid("254", (long)getpid());
	ok(listenfd_count() == -1 && errno == EBADMSG, "LISTEN_FDS=254: EBADMSG");
	setpid("-1", (long)getpid());
	ok(listenfd_count() == -1 && errno == EBADMSG, "LISTEN_FDS=-1: EBADMSG");
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_PID", "abc", 1);
	ok(listenfd_count() == -1 && errno == EBADMSG, "LISTEN_PID=abc: EBADMSG");
	setpid("", (long)getpid());
	ok(listenfd_count() == -1 && errno == EBADMSG, "LISTEN_FDS empty: EBADMSG");
	close(3);
	close(4);
	listenfd_unsetenv();
}

static void
test_names(void)
{
	char buf[8];

	ok(listenfd_name(0, buf, sizeof(buf)) == -1 && errno == ENOENT,
	    "no LISTEN_FDNAMES: ENOENT");
	setenv("LISTEN_FDNAMES", "eth0:ctl::toolongname", 1);
	ok(listenfd_name(0, buf, sizeof(buf)) == 0, "name 0");
	is_str(buf, "eth0", "  is eth0");
	ok(listenfd_name(1, buf, sizeof(buf)) == 0, "name 1");
	is_str(buf, "ctl", "  is ctl");
	ok(listenfd_name(2, buf, sizeof(buf)) == -1 && errno == ENOENT,
	    "an empty field: ENOENT");
	ok(listenfd_name(3, buf, sizeof(buf)) == -1 && errno == ENAMETOOLONG,
	    "too long for the buffer: ENAMETOOLONG");
	ok(listenfd_name(4, buf, sizeof(buf)) == -1 && errno == ENOENT,
	    "past the last name: ENOENT");
	listenfd_unsetenv();
}

static void
test_place(void)
{
	int fds[4];
	ino_t a, b, c, d;

	/* A swap: 21 goes to 20 and 20 to 21. */
	a = pipe_at(21);
	b = pipe_at(20);
	fds[0] = 21;
	fds[1] = 20;
	ok(listenfd_place(fds, 2, 20) == 0, "place 21,20 at 20,21");
	ok(ino(20) == a && ino(21) == b, "  swapped");
	ok(fds[0] == 20 && fds[1] == 21, "  fds[] updated");
	ok((fcntl(20, F_GETFD) & FD_CLOEXEC) == 0 &&
	    (fcntl(21, F_GETFD) & FD_CLOEXEC) == 0, "  close-on-exec cleared");
	ok(!isopen(22) && !isopen(23), "  no copy left above");

	/* A rotation with one already in place, and one from below. */
	a = pipe_at(22);
	b = pipe_at(20);
	c = pipe_at(21);
	d = pipe_at(10);
	fds[0] = 22;
	fds[1] = 21;
	fds[2] = 20;
	fds[3] = 10;
	ok(listenfd_place(fds, 4, 20) == 0, "place 22,21,20,10 at 20..23");
	ok(ino(20) == a && ino(21) == c && ino(22) == b && ino(23) == d,
	    "  each where it belongs");
	ok(!isopen(10) && !isopen(24) && !isopen(25) && !isopen(26) &&
	    !isopen(27), "  sources closed, no copies left");

	/* The same fd twice. */
	a = pipe_at(30);
	fds[0] = 30;
	fds[1] = 30;
	ok(listenfd_place(fds, 2, 20) == 0, "place 30,30 at 20,21");
	ok(ino(20) == a && ino(21) == a && !isopen(30), "  both copies, 30 closed");
	close(20);
	close(21);
	close(22);
	close(23);

	/* A target held by something else is replaced. */
	b = pipe_at(40);
	a = pipe_at(41);
	fds[0] = 41;
	ok(listenfd_place(fds, 1, 40) == 0 && ino(40) == a && !isopen(41),
	    "an fd at the target is replaced");
	close(40);

	a = pipe_at(12);
	fds[0] = 12;
	ok(listenfd_place(fds, 1, 2) == -1 && errno == EINVAL && !isopen(12),
	    "first 2: EINVAL, the fd closed");
	fds[0] = 50;
	pipe_at(51);
	fds[1] = 51;
	ok(listenfd_place(fds, 2, 20) == -1 && errno == EBADF && !isopen(51) &&
	    !isopen(20) && !isopen(21), "a closed source: EBADF, all closed");
	ok(listenfd_place(fds, 0, 3) == 0, "nothing to place: 0");
}

static void
test_setenv(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	ok(listenfd_setenv(3, "a:b:c") == 0, "setenv 3 a:b:c");
	is_str(getenv("LISTEN_FDS"), "3", "  LISTEN_FDS");
	is_str(getenv("LISTEN_PID"), pid, "  LISTEN_PID is our pid");
	is_str(getenv("LISTEN_FDNAMES"), "a:b:c", "  LISTEN_FDNAMES");
	ok(listenfd_setenv(1, NULL) == 0 && getenv("LISTEN_FDNAMES") == NULL,
	    "setenv without names unsets LISTEN_FDNAMES");
	listenfd_unsetenv();
	ok(getenv("LISTEN_FDS") == NULL && getenv("LISTEN_PID") == NULL,
	    "unsetenv");
	pipe_at(60);
	pipe_at(70);
	ok(listenfd_closefrom(60) == 0 && !isopen(60) && !isopen(70) &&
	    isopen(0), "closefrom 60");
}

/* listenfd_names_check(): LISTEN_FDNAMES as rawopen -n takes it. */
static void
test_names_check(void)
{
	char why[64];

	ok(listenfd_names_check("a:b", 2, why, sizeof(why)) == 0,
	    "names: two for two");
	errno = 0;
	ok(listenfd_names_check("a:b", 3, why, sizeof(why)) == -1 &&
	    errno == EINVAL && strcmp(why, "2 names for 3 sockets") == 0,
	    "names: two for three");
	ok(listenfd_names_check("a:b", 1, why, sizeof(why)) == -1 &&
	    strcmp(why, "2 names for 1 socket") == 0,
	    "names: two for one: \"1 socket\"");
	ok(listenfd_names_check("a", 2, why, sizeof(why)) == -1 &&
	    strcmp(why, "1 name for 2 sockets") == 0,
	    "names: one for two: \"1 name\"");
	ok(listenfd_names_check("a::b", 3, why, sizeof(why)) == -1 &&
	    strcmp(why, "an empty name") == 0, "names: an empty one inside");
	ok(listenfd_names_check(":a", 2, why, sizeof(why)) == -1 &&
	    strcmp(why, "an empty name") == 0, "names: an empty first");
	ok(listenfd_names_check("a:", 2, why, sizeof(why)) == -1 &&
	    strcmp(why, "an empty name") == 0, "names: an empty last");
	ok(listenfd_names_check("", 1, why, sizeof(why)) == -1 &&
	    strcmp(why, "an empty name") == 0, "names: none at all");
	ok(listenfd_names_check("a b", 1, why, sizeof(why)) == -1 &&
	    strcmp(why, "names are printable, without spaces") == 0,
	    "names: a space");
}

int
main(void)
{
	plan(39 + 9);
	test_count();
	test_names_check();
	test_names();
	test_place();
	test_setenv();
	return done();
}
