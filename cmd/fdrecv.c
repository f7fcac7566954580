/*
 * fdrecv: receive fds over a Unix socket, hand them to a program.
 *
 *	fdrecv [-c] [-u user] [-g group] SOCKET -- PROG [ARG]...
 *
 * Listens on SOCKET for one connection (or, with -c, connects to a holder,
 * fdsend -l), receives one fdsend(1) message, places its fds after any
 * already handed over (sd_listen_fds(3)), sets LISTEN_FDS, LISTEN_PID and
 * LISTEN_FDNAMES, and execs PROG.  Every other fd is left alone.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "fdcap.h"
#include "fdpass.h"
#include "listenfd.h"
#include "usock.h"

static const int sigs[] = { SIGHUP, SIGINT, SIGTERM };
static struct sigaction oldsa[sizeof(sigs) / sizeof(sigs[0])];
static volatile sig_atomic_t stop;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: fdrecv [-c] [-u user] [-g group] SOCKET -- "
	    "PROG [ARG]...\n");
	exit(EXIT_USAGE);
}

static void
onsignal(int sig)
{
	stop = sig;
}

/*
 * While fdrecv listens for a peer, the signals that end it are caught (not
 * restarting accept(2)) so that it can remove its socket file; those the
 * caller ignores stay ignored.  Once the peer is accepted,
 * restore_signals() puts back what PROG must inherit, and a signal ends
 * fdrecv while it waits for the fds.
 */
static void
catch_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &oldsa[i]) == -1)
			err(EXIT_SYS, "sigaction");
		if (oldsa[i].sa_handler != SIG_IGN &&
		    sigaction(sigs[i], &sa, NULL) == -1)
			err(EXIT_SYS, "sigaction");
	}
}

static void
restore_signals(void)
{
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &oldsa[i], NULL) == -1)
			err(EXIT_SYS, "sigaction");
}

/* Checks the peer on s against rule; exits 1 (refused) or 111. */
static void
check_peer(int s, const struct cred_rule *rule, const char *who)
{
	struct cred_peer c;
	const char *why = NULL;

	if (rule->nuids == 0 && rule->ngids == 0)
		return;
	if (cred_peer(s, &c) == -1)
		err(EXIT_SYS, "%s credentials", who);
	if (!cred_match(rule, &c, &why))
		errx(EXIT_REFUSED, "%s pid=%ld uid=%lu gid=%lu refused: %s "
		    "not allowed", who, (long)c.pid, (unsigned long)c.uid,
		    (unsigned long)c.gid, why);
	cred_peer_free(&c);
}

/*
 * Listens on path for one peer and returns the connection; the listening
 * socket and its file are gone by then.  A signal while waiting removes
 * the file and ends fdrecv by that signal.
 */
static int
accept_one(const char *path)
{
	struct usock_file uf;
	int l, s, saved;

	if ((l = usock_listen(path, SOCK_SEQPACKET, 1, &uf)) == -1) {
		if (errno == EEXIST)
			errx(EXIT_SYS, "listen %s: exists and is not a socket",
			    path);
		if (errno == EADDRINUSE)
			errx(EXIT_SYS, "listen %s: a socket in use (somebody "
			    "listens on it)", path);
		err(EXIT_SYS, "listen %s", path);
	}
	while ((s = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1 &&
	    (errno == EINTR || errno == ECONNABORTED) && !stop)
		;
	saved = errno;
	close(l);
	usock_remove(path, &uf);
	if (stop) {
		restore_signals();
		raise(stop);
	}
	if (s == -1) {
		errno = saved;
		err(EXIT_SYS, "accept on %s", path);
	}
	return s;
}

/* Receives the fds and their names, or exits with a clear message. */
static int
receive(int s, const char *path, int *fds, size_t max, char *names,
    size_t len)
{
	int n;

	if ((n = fdpass_recv_names(s, fds, max, names, len)) != -1)
		return n;
	switch (errno) {
	case EPERM:
		errx(EXIT_REFUSED, "%s: refused by the holder", path);
	case EPIPE:
		errx(EXIT_SYS, "%s: the peer closed the connection without "
		    "sending fds", path);
	case ENOMSG:
		errx(EXIT_SYS, "%s: the message carried no fds", path);
	case ETOOMANYREFS:
		errx(EXIT_SYS, "%s: more than %zu fds: all closed", path, max);
	case ENOBUFS:
		errx(EXIT_SYS, "%s: control data truncated (more than %zu fds?): "
		    "all closed", path, max);
	case EPROTO:
		errx(EXIT_SYS, "%s: a control message that is not SCM_RIGHTS: "
		    "fds closed", path);
	case EMSGSIZE:
		errx(EXIT_SYS, "%s: message too long: fds closed", path);
	case EBADMSG:
		errx(EXIT_SYS, "%s: bad fd names (not one valid name per fd): "
		    "fds closed", path);
	case EMFILE:
		err(EXIT_SYS, "%s: no room for %zu more fds", path, max);
	default:
		err(EXIT_SYS, "receive from %s", path);
	}
}

/*
 * LISTEN_FDNAMES for handed + n fds: the names the first handed fds had
 * ("unknown" where they had none, as sd_listen_fds_with_names(3) says),
 * then the received ones.
 */
static char *
stack_names(int handed, const char *received)
{
	char name[FDPASS_NAMEMAX + 1], *all;
	size_t len, off, l;
	int i;

	len = (size_t)handed * sizeof(name) + strlen(received) + 1;
	if ((all = malloc(len)) == NULL)
		err(EXIT_SYS, "malloc");
	for (off = 0, i = 0; i < handed; i++) {
		if (listenfd_name((size_t)i, name, sizeof(name)) == -1)
			strlcpy(name, "unknown", sizeof(name));
		l = strlen(name);
		memcpy(all + off, name, l);
		off += l;
		all[off++] = ':';
	}
	strlcpy(all + off, received, len - off);
	return all;
}

int
main(int argc, char *argv[])
{
	struct cred_rule rule;
	char *names, *all;
	const char *path;
	int fds[FDPASS_MAX];
	int ch, cflag = 0, handed, n, i, j, s, first;
	size_t max;

	memset(&rule, 0, sizeof(rule));
	while ((ch = getopt(argc, argv, "+cg:u:")) != -1) {
		switch (ch) {
		case 'c':
			cflag = 1;
			break;
		case 'g':
			if (cred_rule_add_gid(&rule, optarg) == -1) {
				if (errno == ENOENT)
					errx(EXIT_USAGE, "-g %s: no such group",
					    optarg);
				err(EXIT_USAGE, "-g %s", optarg);
			}
			break;
		case 'u':
			if (cred_rule_add_uid(&rule, optarg) == -1) {
				if (errno == ENOENT)
					errx(EXIT_USAGE, "-u %s: no such user",
					    optarg);
				err(EXIT_USAGE, "-u %s", optarg);
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || strcmp(argv[1], "--") != 0)
		usage();
	path = argv[0];

	if ((handed = listenfd_count()) == -1)
		err(EXIT_SYS, "LISTEN_FDS");
	if (handed >= LISTENFD_MAX)
		errx(EXIT_SYS, "already %d fds handed over: no room for more",
		    handed);
	max = (size_t)(LISTENFD_MAX - handed);
	first = LISTENFD_START + handed;
	if ((names = malloc(FDPASS_NAMESLEN + 1)) == NULL)
		err(EXIT_SYS, "malloc");

	if (cflag) {
		if ((s = usock_connect(path, SOCK_SEQPACKET)) == -1)
			errx(EXIT_SYS, "connect %s: %s", path,
			    usock_strerror(errno, SOCK_SEQPACKET));
		check_peer(s, &rule, "holder");
	} else {
		catch_signals();
		s = accept_one(path);
		/* The file is gone: a signal may now end fdrecv as it will. */
		restore_signals();
		if (stop)
			raise(stop);
		check_peer(s, &rule, "peer");
	}
	n = receive(s, path, fds, max, names, FDPASS_NAMESLEN + 1);
	close(s);
	cred_rule_free(&rule);

	/* Say so when an fd we did not make sits where one must go. */
	for (i = first; i < first + n; i++) {
		if (fcntl(i, F_GETFD) == -1)
			continue;
		for (j = 0; j < n && fds[j] != i; j++)
			;
		if (j == n)
			warnx("fd %d was open and is replaced by a received "
			    "fd", i);
	}
	if (listenfd_place(fds, (size_t)n, first) == -1)
		err(EXIT_SYS, "place the fds at %d", first);
	all = stack_names(handed, names);
	if (listenfd_setenv((size_t)(handed + n), all) == -1)
		err(EXIT_SYS, "setenv");
	free(all);
	free(names);

	execvp(argv[2], argv + 2);
	err(EXIT_EXECERR(errno), "%s", argv[2]);
}
