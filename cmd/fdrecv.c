/*
 * fdrecv: receive fds over a Unix socket, hand them to a program.
 *
 *	fdrecv [-c] [-u user] [-g group] socket -- prog [arg ...]
 *	fdrecv -l [-C max] [-j N] [-t timeout] [-u user] [-g group] socket
 *	    -- prog [arg ...]
 *
 * Listens on SOCKET for one connection (or, with -c, connects to a holder,
 * fdsend -l), receives one fdsend(1) message, places its fds after any
 * already handed over (sd_listen_fds(3)), sets LISTEN_FDS, LISTEN_PID and
 * LISTEN_FDNAMES, and execs PROG.  Every other fd is left alone.
 *
 * With -l it is an fd server: it listens until a signal, and for every
 * message runs PROG in a child of its own, with the sender's credentials
 * in IPCREMOTEEUID, IPCREMOTEEGID and IPCREMOTEPID (UCSPI), at most N at
 * once (lib/ipcsrv), at most max of them from one uid, and closes a
 * connection whose message has not come within the timeout: no client
 * holds a place for ever.  The server is cmd/fdrecv/server.c.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cred.h"
#include "fdcap.h"
#include "fdpass.h"
#include "listenfd.h"
#include "usock.h"

#include "fdrecv/fdrecv.h"

/* fdrecv -l: s6-ipcserver's default and a bound on the server's fds. */
#define JOBS_DEFAULT	40
#define JOBS_MAX	1000
/* fdrecv -l: how long a connection may take to send its message (ms). */
#define TIMEOUT_DEFAULT	10000
#define TIMEOUT_MAX	3600000

static const int sigs[] = { SIGHUP, SIGINT, SIGTERM };
static struct sigaction oldsa[sizeof(sigs) / sizeof(sigs[0])];
static volatile sig_atomic_t stop;

/* Exactly fdrecv(1)'s SYNOPSIS. */
static const char usage_text[] =
    "usage: fdrecv [-c] [-u user] [-g group] socket -- prog [arg ...]\n"
    "       fdrecv -l [-C max] [-j N] [-t timeout] [-u user] [-g group] "
    "socket\n"
    "              -- prog [arg ...]\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

static void
onsignal(int sig)
{
	stop = sig;
}

/*
 * While fdrecv listens for a peer, the signals that end it are caught, and
 * blocked but inside ppoll(2), so that it can remove its socket file;
 * those the caller ignores stay ignored.  restore_signals() puts back the
 * dispositions and the mask that PROG must inherit.
 */
static void
catch_signals(sigset_t *oldmask)
{
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		if (sigaction(sigs[i], NULL, &oldsa[i]) == -1)
			err(EXIT_SYS, "sigaction");
		if (oldsa[i].sa_handler != SIG_IGN &&
		    sigaction(sigs[i], &sa, NULL) == -1)
			err(EXIT_SYS, "sigaction");
	}
	if (sigprocmask(SIG_BLOCK, &block, oldmask) == -1)
		err(EXIT_SYS, "sigprocmask");
}

static void
restore_signals(const sigset_t *oldmask)
{
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &oldsa[i], NULL) == -1)
			err(EXIT_SYS, "sigaction");
	if (sigprocmask(SIG_SETMASK, oldmask, NULL) == -1)
		err(EXIT_SYS, "sigprocmask");
}

/*
 * Whether the peer c passes rule (always, when the rule is empty): 1
 * yes, 0 no.  Says why not on stderr, naming the peer as who.
 */
int
peer_allowed(const struct cred_peer *c, const struct cred_rule *rule,
    const char *who)
{
	const char *why = NULL;

	if (cred_match(rule, c, &why))
		return 1;
	warnx("%s pid=%ld uid=%lu gid=%lu refused: %s not allowed", who,
	    (long)c->pid, (unsigned long)c->uid, (unsigned long)c->gid, why);
	return 0;
}

/*
 * Whether the peer on s passes rule (always, when the rule is empty): 1
 * yes, 0 no, -1 its credentials could not be read.  Says why not on
 * stderr, naming the peer as who.
 */
static int
peer_ok(int s, const struct cred_rule *rule, const char *who)
{
	struct cred_peer c;
	int ok;

	if (rule->nuids == 0 && rule->ngids == 0)
		return 1;
	if (cred_peer(s, &c) == -1) {
		warn("%s credentials", who);
		return -1;
	}
	ok = peer_allowed(&c, rule, who);
	cred_peer_free(&c);
	return ok;
}

/* Listens on path, or exits saying why not. */
int
listen_on(const char *path, int backlog, struct usock_file *uf)
{
	int l;

	if ((l = usock_listen(path, SOCK_SEQPACKET, backlog, uf)) != -1)
		return l;
	if (errno == EEXIST)
		errx(EXIT_SYS, "listen %s: exists and is not a socket", path);
	if (errno == EADDRINUSE)
		errx(EXIT_SYS, "listen %s: a socket in use (somebody listens "
		    "on it)", path);
	err(EXIT_SYS, "listen %s", path);
}

/*
 * Says in buf why fdpass_recv_names() failed with errno e, having asked
 * for at most max fds.  Returns -1 for an error it has no words for (then
 * strerror(e) says it all).
 */
int
recv_why(int e, size_t max, const char *who, char *buf, size_t len)
{
	switch (e) {
	case EPERM:
		snprintf(buf, len, "refused by the %s", who);
		break;
	case EPIPE:
		strlcpy(buf, "the peer closed the connection without sending "
		    "fds", len);
		break;
	case ENOMSG:
		strlcpy(buf, "the message carried no fds", len);
		break;
	case ETOOMANYREFS:
		snprintf(buf, len, "more than %zu %s: all closed", max,
		    max == 1 ? "fd" : "fds");
		break;
	case ENOBUFS:
		snprintf(buf, len, "control data truncated (more than %zu "
		    "%s?): all closed", max, max == 1 ? "fd" : "fds");
		break;
	case EPROTO:
		strlcpy(buf, "a control message that is not SCM_RIGHTS: fds "
		    "closed", len);
		break;
	case EMSGSIZE:
		strlcpy(buf, "message too long: fds closed", len);
		break;
	case EBADMSG:
		strlcpy(buf, "bad fd names (not one valid name per fd): fds "
		    "closed", len);
		break;
	case EMFILE:
		snprintf(buf, len, "no room for %zu more %s: %s", max,
		    max == 1 ? "fd" : "fds", strerror(e));
		break;
	default:
		return -1;
	}
	return 0;
}

/*
 * Exits saying why fdpass_recv_names() failed with errno e; who sent:
 * "holder" or "sender".
 */
static void __attribute__((noreturn))
recv_fail(int e, const char *path, size_t max, const char *who)
{
	char why[128];

	if (recv_why(e, max, who, why, sizeof(why)) == -1) {
		errno = e;
		err(EXIT_SYS, "receive from %s", path);
	}
	errx(e == EPERM ? EXIT_REFUSED : EXIT_SYS, "%s: %s", path, why);
}

/*
 * Waits in ppoll(2) with the caller's signal mask for fd to be readable.
 * Returns 0, or -1 when a signal asked fdrecv to stop (or poll failed:
 * then errno is not EINTR).
 */
static int
wait_readable(int fd, const sigset_t *mask)
{
	struct pollfd pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop) {
		if (ppoll(&pfd, 1, NULL, mask) >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
	errno = EINTR;
	return -1;
}

/*
 * Listens on path until a peer sends its message, and returns the number
 * of fds received into fds[] (names into names); the listening socket and
 * its file are gone by then, and the signals are PROG's again.  A
 * connection that ends without a message (a client that gave up, or
 * another fdrecv's or fdsend -l's probe for a stale socket, which
 * connects and closes at once) is one line on stderr, and fdrecv goes on
 * listening.  A refused peer ends fdrecv with status 1, any other
 * failure with 111; a signal while waiting removes the file and ends
 * fdrecv by that signal.  Peers are served one at a time.
 */
static int
await_fds(const char *path, const struct cred_rule *rule, int *fds,
    size_t max, char *names, size_t len)
{
	struct usock_file uf;
	sigset_t oldmask;
	const char *failed = NULL;	/* what failed, else the receive */
	int l, s, n = -1, saved = 0, ok;

	catch_signals(&oldmask);
	l = listen_on(path, 1, &uf);
	for (;;) {
		if (wait_readable(l, &oldmask) == -1) {
			failed = "poll";
			break;
		}
		if ((s = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EAGAIN)
				continue;
			failed = "accept";
			break;
		}
		if ((ok = peer_ok(s, rule, "peer")) != 1) {
			close(s);
			close(l);
			usock_remove(path, &uf);
			exit(ok == 0 ? EXIT_REFUSED : EXIT_SYS);
		}
		if (wait_readable(s, &oldmask) == -1) {
			failed = "poll";
			close(s);
			break;
		}
		n = fdpass_recv_names(s, fds, max, names, len);
		saved = errno;
		close(s);
		if (n != -1 || saved != EPIPE)
			break;
		warnx("%s: a peer connected and closed without sending "
		    "fds: still listening", path);
	}
	if (failed != NULL)
		saved = errno;
	close(l);
	usock_remove(path, &uf);
	restore_signals(&oldmask);
	if (stop) {
		raise(stop);
		exit(EXIT_SYS);
	}
	if (failed != NULL) {
		errno = saved;
		err(EXIT_SYS, "%s on %s", failed, path);
	}
	if (n == -1)
		recv_fail(saved, path, max, "sender");
	return n;
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

/*
 * Places the n received fds after the handed ones, sets LISTEN_* and execs
 * prog; never returns.  names: the received names.
 */
void __attribute__((noreturn))
run(int *fds, int n, int handed, const char *names, char *const prog[])
{
	char *all;
	int i, j, first = LISTENFD_START + handed;

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

	execvp(prog[0], prog);
	err(EXIT_EXECERR(errno), "%s", prog[0]);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cred_rule rule;
	struct server sv;
	struct cli_err ce;
	struct cli_args a;
	const char *path, *last = NULL;
	char *names;
	int fds[FDPASS_MAX];
	int ch, cflag = 0, lflag = 0, handed, n, s;
	long long jobs = 0, peruid = 0, timeout = -1;
	size_t max;

	memset(&rule, 0, sizeof(rule));
	while ((ch = getopt_long(argc, argv, "+C:cg:j:lt:u:", longopts,
	    NULL)) != -1) {
		last = optarg;
		switch (ch) {
		case 'C':
			if (cli_number("-C", optarg, 1, JOBS_MAX, &peruid,
			    &ce) == -1)
				cli_exit(&ce);
			break;
		case 'c':
			cflag = 1;
			break;
		case 'g':
			if (cred_rule_opt(ch, optarg, &rule, &ce) == -1)
				cli_exit(&ce);
			break;
		case 'j':
			if (cli_number("-j", optarg, 1, JOBS_MAX, &jobs,
			    &ce) == -1)
				cli_exit(&ce);
			break;
		case 'l':
			lflag = 1;
			break;
		case 't':
			if (cli_duration("-t", optarg, 1, TIMEOUT_MAX,
			    &timeout, &ce) == -1)
				cli_exit(&ce);
			break;
		case 'u':
			if (cred_rule_opt(ch, optarg, &rule, &ce) == -1)
				cli_exit(&ce);
			break;
		case CLI_OPT_HELP:
			cli_help(usage_text);
		case CLI_OPT_VERSION:
			cli_version_exit();
		default:
			usage();
		}
	}
	if (optind == argc)
		usage();
	if (cli_split(argc, argv, optind, last, CLI_PROG_REQUIRED, &a,
	    &ce) == -1)
		cli_exit(&ce);
	if (a.nops != 1)
		usage();
	if (lflag && cflag)
		errx(EXIT_USAGE, "-l and -c exclude each other");
	if (!lflag && (peruid != 0 || jobs != 0 || timeout != -1))
		errx(EXIT_USAGE, "-%c goes with -l", peruid != 0 ? 'C' :
		    jobs != 0 ? 'j' : 't');
	path = a.ops[0];

	if ((handed = listenfd_count()) == -1)
		err(EXIT_SYS, "LISTEN_FDS");
	if (handed >= LISTENFD_MAX)
		errx(EXIT_SYS, "already %d fds handed over: no room for more",
		    handed);
	if ((names = malloc(FDPASS_NAMESLEN + 1)) == NULL)
		err(EXIT_SYS, "malloc");
	max = (size_t)(LISTENFD_MAX - handed);

	if (lflag) {
		memset(&sv, 0, sizeof(sv));
		sv.path = path;
		sv.rule = &rule;
		sv.peruid = (unsigned)peruid;
		sv.timeout = timeout != -1 ? (unsigned)timeout :
		    TIMEOUT_DEFAULT;
		sv.handed = handed;
		sv.names = names;
		sv.prog = a.prog;
		server(&sv, jobs != 0 ? (unsigned)jobs : JOBS_DEFAULT);
	}
	if (cflag) {
		if ((s = usock_connect(path, SOCK_SEQPACKET)) == -1)
			errx(EXIT_SYS, "connect %s: %s", path,
			    usock_strerror(errno, SOCK_SEQPACKET));
		switch (peer_ok(s, &rule, "holder")) {
		case 0:
			exit(EXIT_REFUSED);
		case -1:
			exit(EXIT_SYS);
		}
		n = fdpass_recv_names(s, fds, max, names, FDPASS_NAMESLEN + 1);
		if (n == -1)
			recv_fail(errno, path, max, "holder");
		close(s);
	} else
		n = await_fds(path, &rule, fds, max, names,
		    FDPASS_NAMESLEN + 1);
	cred_rule_free(&rule);
	run(fds, n, handed, names, a.prog);
}
