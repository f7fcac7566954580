/*
 * fdrecv: receive fds over a Unix socket, hand them to a program.
 *
 *	fdrecv [-c] [-u user] [-g group] SOCKET -- PROG [ARG]...
 *	fdrecv -l [-j N] [-u user] [-g group] SOCKET -- PROG [ARG]...
 *
 * Listens on SOCKET for one connection (or, with -c, connects to a holder,
 * fdsend -l), receives one fdsend(1) message, places its fds after any
 * already handed over (sd_listen_fds(3)), sets LISTEN_FDS, LISTEN_PID and
 * LISTEN_FDNAMES, and execs PROG.  Every other fd is left alone.
 *
 * With -l it is an fd server: it listens until a signal, and for every
 * message runs PROG in a child of its own, with the sender's credentials
 * in IPCREMOTEEUID, IPCREMOTEEGID and IPCREMOTEPID (UCSPI), at most N at
 * once (lib/ipcsrv).
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "fdcap.h"
#include "fdpass.h"
#include "ipcsrv.h"
#include "listenfd.h"
#include "usock.h"

/* fdrecv -l: s6-ipcserver's default and a bound on the server's fds. */
#define JOBS_DEFAULT	40
#define JOBS_MAX	1000

static const int sigs[] = { SIGHUP, SIGINT, SIGTERM };
static struct sigaction oldsa[sizeof(sigs) / sizeof(sigs[0])];
static volatile sig_atomic_t stop;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: fdrecv [-c] [-u user] [-g group] SOCKET -- PROG [ARG]...\n"
	    "       fdrecv -l [-j N] [-u user] [-g group] SOCKET -- "
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

/*
 * Whether the peer on s passes rule (always, when the rule is empty): 1
 * yes, 0 no, -1 its credentials could not be read.  Says why not on
 * stderr, naming the peer as who.
 */
static int
peer_ok(int s, const struct cred_rule *rule, const char *who)
{
	struct cred_peer c;
	const char *why = NULL;
	int ok;

	if (rule->nuids == 0 && rule->ngids == 0)
		return 1;
	if (cred_peer(s, &c) == -1) {
		warn("%s credentials", who);
		return -1;
	}
	if (!(ok = cred_match(rule, &c, &why)))
		warnx("%s pid=%ld uid=%lu gid=%lu refused: %s not allowed",
		    who, (long)c.pid, (unsigned long)c.uid,
		    (unsigned long)c.gid, why);
	cred_peer_free(&c);
	return ok;
}

/* Listens on path, or exits saying why not. */
static int
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
 * Listens on path for one peer and returns the connection; the listening
 * socket and its file are gone by then.  A signal while waiting removes
 * the file and ends fdrecv by that signal.
 */
static int
accept_one(const char *path)
{
	struct usock_file uf;
	int l, s, saved;

	l = listen_on(path, 1, &uf);
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

/*
 * Says in buf why fdpass_recv_names() failed with errno e, having asked
 * for at most max fds.  Returns -1 for an error it has no words for (then
 * strerror(e) says it all).
 */
static int
recv_why(int e, size_t max, char *buf, size_t len)
{
	switch (e) {
	case EPERM:
		strlcpy(buf, "refused by the holder", len);
		break;
	case EPIPE:
		strlcpy(buf, "the peer closed the connection without sending "
		    "fds", len);
		break;
	case ENOMSG:
		strlcpy(buf, "the message carried no fds", len);
		break;
	case ETOOMANYREFS:
		snprintf(buf, len, "more than %zu fds: all closed", max);
		break;
	case ENOBUFS:
		snprintf(buf, len, "control data truncated (more than %zu "
		    "fds?): all closed", max);
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
		snprintf(buf, len, "no room for %zu more fds: %s", max,
		    strerror(e));
		break;
	default:
		return -1;
	}
	return 0;
}

/* Receives the fds and their names, or exits with a clear message. */
static int
receive(int s, const char *path, int *fds, size_t max, char *names,
    size_t len)
{
	char why[128];
	int n;

	if ((n = fdpass_recv_names(s, fds, max, names, len)) != -1)
		return n;
	if (recv_why(errno, max, why, sizeof(why)) == -1)
		err(EXIT_SYS, "receive from %s", path);
	errx(errno == EPERM ? EXIT_REFUSED : EXIT_SYS, "%s: %s", path, why);
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
static void __attribute__((noreturn))
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

/* Sets IPCREMOTEEUID, IPCREMOTEEGID and IPCREMOTEPID from c, or exits. */
static void
ucspi_setenv(const struct cred_peer *c)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", (unsigned long)c->uid);
	if (setenv("IPCREMOTEEUID", buf, 1) == -1)
		err(EXIT_SYS, "setenv");
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)c->gid);
	if (setenv("IPCREMOTEEGID", buf, 1) == -1)
		err(EXIT_SYS, "setenv");
	snprintf(buf, sizeof(buf), "%ld", (long)c->pid);
	if (setenv("IPCREMOTEPID", buf, 1) == -1)
		err(EXIT_SYS, "setenv");
}

/* What the fd server needs for every message. */
struct server {
	struct ipcsrv		 srv;
	const char		*path;
	const struct cred_rule	*rule;
	int			 handed;	/* fds handed to fdrecv itself */
	char			*names;		/* FDPASS_NAMESLEN + 1 bytes */
	char *const		*prog;
};

/*
 * Serves the message on s: receives it, forks a handler that runs prog
 * with the fds and the sender's credentials, and closes the fds here.  A
 * bad message or a failure is one line on stderr; the server goes on.
 */
static void
serve(struct server *sv, int s)
{
	struct cred_peer c;
	int fds[FDPASS_MAX];
	char why[128];
	size_t max = (size_t)(LISTENFD_MAX - sv->handed);
	pid_t pid;
	int n, i;

	if (cred_peer(s, &c) == -1) {
		warn("%s: peer credentials", sv->path);
		return;
	}
	n = fdpass_recv_names(s, fds, max, sv->names, FDPASS_NAMESLEN + 1);
	if (n == -1) {
		if (recv_why(errno, max, why, sizeof(why)) == -1)
			strlcpy(why, strerror(errno), sizeof(why));
		warnx("%s: peer pid=%ld: %s", sv->path, (long)c.pid, why);
		cred_peer_free(&c);
		return;
	}
	if ((pid = ipcsrv_fork(&sv->srv)) == 0) {
		close(s);
		ucspi_setenv(&c);
		cred_peer_free(&c);
		run(fds, n, sv->handed, sv->names, sv->prog);
	}
	if (pid == -1)
		warn("fork a handler for peer pid=%ld", (long)c.pid);
	for (i = 0; i < n; i++)
		close(fds[i]);
	cred_peer_free(&c);
}

/* Says how a handler ended, unless it exited 0. */
static void
report(pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		warnx("handler %ld exited %d", (long)pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		warnx("handler %ld killed by signal %d%s", (long)pid,
		    WTERMSIG(status), WCOREDUMP(status) ? " (core dumped)" : "");
}

/*
 * The fd server: listens on path until SIGHUP, SIGINT or SIGTERM (those
 * not ignored), serving at most max connections at once; then removes
 * the socket file, waits for the handlers, and exits 0.
 */
static void __attribute__((noreturn))
server(struct server *sv, unsigned max)
{
	struct ipcsrv_event ev;
	struct usock_file uf;
	sigset_t stopsigs;
	int l;

	l = listen_on(sv->path, SOMAXCONN, &uf);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGHUP);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	if (ipcsrv_init(&sv->srv, l, max, &stopsigs) == -1) {
		warn("server on %s", sv->path);
		usock_remove(sv->path, &uf);
		exit(EXIT_SYS);
	}
	for (;;) {
		switch (ipcsrv_wait(&sv->srv, &ev)) {
		case IPCSRV_CONN:
			if (peer_ok(ev.fd, sv->rule, "peer") == 1)
				(void)ipcsrv_keep(&sv->srv, ev.fd);
			else
				close(ev.fd);
			break;
		case IPCSRV_MSG:
			serve(sv, ev.fd);
			close(ev.fd);
			break;
		case IPCSRV_EXIT:
			report(ev.pid, ev.status);
			break;
		case IPCSRV_STOP:
			usock_remove(sv->path, &uf);
			break;
		case IPCSRV_BUSY:
			errno = ev.err;
			warn("accept on %s (waiting for a handler to end)",
			    sv->path);
			break;
		case IPCSRV_DONE:
			exit(0);
		default:
			warn("server on %s", sv->path);
			usock_remove(sv->path, &uf);
			exit(EXIT_SYS);
		}
	}
}

int
main(int argc, char *argv[])
{
	struct cred_rule rule;
	struct server sv;
	const char *path, *errstr, *who;
	char *names;
	int fds[FDPASS_MAX];
	int ch, cflag = 0, lflag = 0, handed, n, s;
	unsigned jobs = 0;

	memset(&rule, 0, sizeof(rule));
	while ((ch = getopt(argc, argv, "+cg:j:lu:")) != -1) {
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
		case 'j':
			jobs = (unsigned)strtonum(optarg, 1, JOBS_MAX, &errstr);
			if (errstr != NULL)
				errx(EXIT_USAGE, "-j %s: %s (1 to %d)", optarg,
				    errstr, JOBS_MAX);
			break;
		case 'l':
			lflag = 1;
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
	if (argc < 3 || strcmp(argv[1], "--") != 0 || (lflag && cflag) ||
	    (jobs != 0 && !lflag))
		usage();
	path = argv[0];

	if ((handed = listenfd_count()) == -1)
		err(EXIT_SYS, "LISTEN_FDS");
	if (handed >= LISTENFD_MAX)
		errx(EXIT_SYS, "already %d fds handed over: no room for more",
		    handed);
	if ((names = malloc(FDPASS_NAMESLEN + 1)) == NULL)
		err(EXIT_SYS, "malloc");

	if (lflag) {
		memset(&sv, 0, sizeof(sv));
		sv.path = path;
		sv.rule = &rule;
		sv.handed = handed;
		sv.names = names;
		sv.prog = argv + 2;
		server(&sv, jobs != 0 ? jobs : JOBS_DEFAULT);
	}
	if (cflag) {
		if ((s = usock_connect(path, SOCK_SEQPACKET)) == -1)
			errx(EXIT_SYS, "connect %s: %s", path,
			    usock_strerror(errno, SOCK_SEQPACKET));
		who = "holder";
	} else {
		catch_signals();
		s = accept_one(path);
		/* The file is gone: a signal may now end fdrecv as it will. */
		restore_signals();
		if (stop)
			raise(stop);
		who = "peer";
	}
	switch (peer_ok(s, &rule, who)) {
	case 0:
		exit(EXIT_REFUSED);
	case -1:
		exit(EXIT_SYS);
	}
	n = receive(s, path, fds, (size_t)(LISTENFD_MAX - handed), names,
	    FDPASS_NAMESLEN + 1);
	close(s);
	cred_rule_free(&rule);
	run(fds, n, handed, names, argv + 2);
}
