/*
 * Unit tests of lib/authlog: the line's format, its escapes, its bound.
 *
 * Run as "authlog.t send IDENT PRIORITY LINE" it only calls authlog_send(),
 * for t0901, which catches what reaches /dev/log.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "authlog.h"
#include "tap.h"

static int
count_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.' && atoi(d->d_name) != dirfd(dir))
			n++;
	closedir(dir);
	return n;
}

int
main(int argc, char **argv)
{
	char *ethrecv[] = { "/usr/bin/ethrecv", "-c", "5", NULL };
	char *truecmd[] = { "true", NULL };
	char *nasty[] = { "sh", "-c", "echo x\nMar  1 00:00:00 host sudo: "
	    "root : forged", "\033[2J", "caf\xc3\xa9", "back\\slash", NULL };
	char *empty[] = { NULL };
	char *big[] = { "cmd", NULL, "tail", NULL };
	char buf[AUTHLOG_LINE_MAX], small[16], *arg, *p;
	int n, e, fds0;

	if (argc == 5 && strcmp(argv[1], "send") == 0) {
		authlog_send(argv[2], atoi(argv[3]), argv[4]);
		return 0;
	}
	plan(27);

	n = authlog_format(buf, sizeof(buf), "nobody", 65534, "OPEN=vA 0x88b5",
	    "GRANTED=/etc/fdcap/rawopen.conf:3 send=iface", ethrecv);
	is_str(buf, "nobody : uid=65534 ; OPEN=vA 0x88b5 ; "
	    "GRANTED=/etc/fdcap/rawopen.conf:3 send=iface ; "
	    "COMMAND=/usr/bin/ethrecv -c 5", "a grant");
	is_int(n, strlen(buf), "the length returned");
	authlog_format(buf, sizeof(buf), "nobody", 65534, "OPEN=vA 0x88b6",
	    "REFUSED=no rule grants it", truecmd);
	is_str(buf, "nobody : uid=65534 ; OPEN=vA 0x88b6 ; "
	    "REFUSED=no rule grants it ; COMMAND=true", "a refusal");

	/* What is missing is left out. */
	authlog_format(buf, sizeof(buf), NULL, 1234, "OPEN=x", "REFUSED=y",
	    truecmd);
	is_str(buf, "#1234 : uid=1234 ; OPEN=x ; REFUSED=y ; COMMAND=true",
	    "no user name: #UID");
	authlog_format(buf, sizeof(buf), "root", 0, "OPEN=x", "GRANTED=root",
	    NULL);
	is_str(buf, "root : uid=0 ; OPEN=x ; GRANTED=root", "NULL argv");
	authlog_format(buf, sizeof(buf), "root", 0, "OPEN=x", "GRANTED=root",
	    empty);
	is_str(buf, "root : uid=0 ; OPEN=x ; GRANTED=root", "empty argv");
	authlog_format(buf, sizeof(buf), "root", 0, NULL, NULL, truecmd);
	is_str(buf, "root : uid=0 ; COMMAND=true", "no what, no verdict");

	/* Escapes: no second line, no terminal control, no ambiguity. */
	n = authlog_format(buf, sizeof(buf), "a\nb", 7, "OPEN=eth\t0",
	    "REFUSED=\x7f", nasty);
	is_str(buf, "a\\x0ab : uid=7 ; OPEN=eth\\x090 ; REFUSED=\\x7f ; "
	    "COMMAND=sh -c echo x\\x0aMar  1 00:00:00 host sudo: root : "
	    "forged \\x1b[2J caf\\xc3\\xa9 back\\\\slash", "escaped");
	ok(strchr(buf, '\n') == NULL, "no newline in the line");
	ok(strchr(buf, '\033') == NULL, "no ESC in the line");
	for (p = buf; *p != '\0' && (unsigned char)*p >= 0x20 &&
	    (unsigned char)*p < 0x7f; p++)
		;
	ok(*p == '\0', "nothing but printable ASCII");

	/* Bounded: 10 kB of argument, cut with "...". */
	if ((arg = malloc(10241)) == NULL)
		return 1;
	memset(arg, 'a', 10240);
	arg[10240] = '\0';
	big[1] = arg;
	n = authlog_format(buf, sizeof(buf), "nobody", 65534, "OPEN=vA 0x88b5",
	    "REFUSED=no", big);
	is_int(n, sizeof(buf) - 1, "a 10 kB command fills the buffer");
	is_int(strlen(buf), sizeof(buf) - 1, "and no more");
	ok(strncmp(buf, "nobody : uid=65534 ; OPEN=vA 0x88b5 ; REFUSED=no ; "
	    "COMMAND=cmd aaaa", 64) == 0, "its start is whole");
	is_str(buf + n - 6, "aaa...", "it ends in ...");
	ok(strstr(buf, "tail") == NULL, "the rest is cut");

	/* An escape is never cut in two. */
	memset(arg, '\n', 10240);
	n = authlog_format(buf, sizeof(buf), "u", 1, NULL, NULL, big);
	ok(n <= (int)sizeof(buf) - 1 && strcmp(buf + n - 3, "...") == 0,
	    "cut newlines end in ...");
	is_int((n - 3 - (int)strlen("u : uid=1 ; COMMAND=cmd ")) % 4, 0,
	    "after whole \\x0a escapes only");
	ok(strncmp(buf + n - 7, "\\x0a...", 7) == 0, "the last one whole");
	free(arg);

	/* A line that just fits is not cut. */
	n = authlog_format(small, sizeof(small), "root", 0, NULL, NULL, NULL);
	is_str(small, "root : uid=0", "a short line in a small buffer");
	n = authlog_format(small, 13, "root", 0, NULL, NULL, NULL);
	is_str(small, "root : uid=0", "a line of exactly len - 1 is whole");
	n = authlog_format(small, 12, "root", 0, NULL, NULL, NULL);
	is_str(small, "root : u...", "one byte less: cut");
	n = authlog_format(small, 4, "root", 0, NULL, NULL, NULL);
	is_str(small, "...", "the smallest buffer: ...");
	n = authlog_format(small, 3, "root", 0, NULL, NULL, NULL);
	e = errno;
	ok(n == -1 && e == EINVAL, "too small: EINVAL");
	n = authlog_format(NULL, 100, "root", 0, NULL, NULL, NULL);
	ok(n == -1, "no buffer: -1");

	/* Sending leaves no fd open, with or without a syslog daemon. */
	fds0 = count_fds();
	errno = 0;
	authlog_send("authlog-test", LOG_DEBUG, "authlog unit test: ignore");
	is_int(count_fds(), fds0, "authlog_send leaves no fd open");
	is_int(errno, 0, "and leaves errno alone");
	return done();
}
