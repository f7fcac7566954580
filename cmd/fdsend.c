/*
 * fdsend: hand open fds to another process over a Unix socket.
 *
 *	fdsend [-l] [-u user] [-g group] socket fd[=name] ...
 *
 * Connects to SOCKET and sends the fds in one message (fdsend(1) has the
 * wire format), or, with -l, listens on SOCKET and sends them to every
 * peer that connects and passes -u/-g, until killed.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
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

static volatile sig_atomic_t stop;

/* Exactly fdsend(1)'s SYNOPSIS. */
static const char usage_text[] =
    "usage: fdsend [-l] [-u user] [-g group] socket fd[=name] ...\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/*
 * Parses one FD[=NAME] argument into *fd and name (a buffer of
 * FDPASS_NAMEMAX + 1 bytes), checking that the fd is open.  The default
 * name is the fd's LISTEN_FDNAMES name when it was handed over to us
 * (handed is the number of such fds), else "fdN".  Exits on error.
 */
static void
parse_fd(const char *arg, int handed, int *fd, char *name)
{
	struct cli_err ce;
	const char *eq;
	char *num;

	eq = strchr(arg, '=');
	if ((num = strndup(arg, eq != NULL ? (size_t)(eq - arg) :
	    strlen(arg))) == NULL)
		err(EXIT_SYS, "strndup");
	if (cli_fd(NULL, num, fd, &ce) == -1)
		cli_exit(&ce);
	free(num);
	if (eq != NULL) {
		if (fdpass_name_check(eq + 1) == -1) {
			if (eq[1] == '\0')
				errx(EXIT_USAGE, "fd %d: empty name", *fd);
			if (errno == ENAMETOOLONG)
				errx(EXIT_USAGE, "fd %d: name longer than %d "
				    "bytes", *fd, FDPASS_NAMEMAX);
			if (strchr(eq + 1, ':') != NULL)
				errx(EXIT_USAGE, "fd %d: name %s contains ':'",
				    *fd, eq + 1);
			errx(EXIT_USAGE, "fd %d: name contains a byte that "
			    "is not printable ASCII", *fd);
		}
		strlcpy(name, eq + 1, FDPASS_NAMEMAX + 1);
		return;
	}
	if (*fd >= LISTENFD_START && *fd < LISTENFD_START + handed &&
	    listenfd_name((size_t)(*fd - LISTENFD_START), name,
	    FDPASS_NAMEMAX + 1) == 0 && fdpass_name_check(name) == 0)
		return;
	snprintf(name, FDPASS_NAMEMAX + 1, "fd%d", *fd);
}

/*
 * Whether the peer on s passes rule (always, when the rule is empty): 1
 * yes, 0 no, -1 its credentials could not be read.  Says why not on
 * stderr, naming the peer.
 */
static int
peer_ok(int s, const struct cred_rule *rule)
{
	struct cred_peer c;
	const char *why = NULL;
	int ok;

	if (rule->nuids == 0 && rule->ngids == 0)
		return 1;
	if (cred_peer(s, &c) == -1) {
		warn("peer credentials");
		return -1;
	}
	if (!(ok = cred_match(rule, &c, &why)))
		warnx("peer pid=%ld uid=%lu gid=%lu refused: %s not allowed",
		    (long)c.pid, (unsigned long)c.uid, (unsigned long)c.gid,
		    why);
	cred_peer_free(&c);
	return ok;
}

static void
onsignal(int sig)
{
	stop = sig;
}

/*
 * Catches the signals that end a holder, without SA_RESTART so that
 * accept(2) returns, unless the caller ignores them (then they stay
 * ignored, as nohup(1) wants).
 */
static void
catch_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == -1)
			err(EXIT_SYS, "sigaction");
		if (old.sa_handler != SIG_IGN &&
		    sigaction(sigs[i], &sa, NULL) == -1)
			err(EXIT_SYS, "sigaction");
	}
}

/*
 * The holder: serves the fds to every peer that passes the rule, sends
 * the refusal message to the others, until a signal; then removes the
 * socket file and dies of that signal.
 */
static void __attribute__((noreturn))
hold(const char *path, const int *fds, const char *const *names, size_t n,
    const struct cred_rule *rule)
{
	struct usock_file uf;
	int l, s;

	catch_signals();
	if ((l = usock_listen(path, SOCK_SEQPACKET, 16, &uf)) == -1) {
		if (errno == EEXIST)
			errx(EXIT_SYS, "listen %s: exists and is not a socket",
			    path);
		if (errno == EADDRINUSE)
			errx(EXIT_SYS, "listen %s: a socket in use (somebody "
			    "listens on it)", path);
		err(EXIT_SYS, "listen %s", path);
	}
	while (!stop) {
		if ((s = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			warn("accept on %s", path);
			usock_remove(path, &uf);
			exit(EXIT_SYS);
		}
		if (peer_ok(s, rule) != 1)
			(void)fdpass_refuse(s);
		else if (fdpass_send_names(s, fds, names, n) == -1)
			warn("send to a peer on %s", path);
		close(s);
	}
	close(l);
	usock_remove(path, &uf);
	signal(stop, SIG_DFL);
	raise(stop);
	exit(EXIT_SYS);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cred_rule rule;
	struct cli_err ce;
	struct cli_args a;
	const char *names[FDPASS_MAX], *path;
	char (*namebuf)[FDPASS_NAMEMAX + 1];
	int fds[FDPASS_MAX];
	int ch, handed, lflag = 0, s;
	size_t i, n;

	memset(&rule, 0, sizeof(rule));
	while ((ch = getopt_long(argc, argv, "+g:lu:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			if (cred_rule_opt(ch, optarg, &rule, &ce) == -1)
				cli_exit(&ce);
			break;
		case 'l':
			lflag = 1;
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
	if (cli_split(argc, argv, optind, NULL, CLI_PROG_NONE, &a, &ce) == -1)
		cli_exit(&ce);
	if (a.nops < 2)
		usage();
	path = a.ops[0];
	argv = a.ops;
	n = (size_t)a.nops - 1;
	if (n > FDPASS_MAX)
		errx(EXIT_USAGE, "%zu fds: at most %d go in one message", n,
		    FDPASS_MAX);

	/* A malformed LISTEN_FDS only costs the default names. */
	if ((handed = listenfd_count()) == -1)
		handed = 0;
	if ((namebuf = calloc(n, sizeof(*namebuf))) == NULL)
		err(EXIT_SYS, "calloc");
	for (i = 0; i < n; i++) {
		parse_fd(argv[i + 1], handed, &fds[i], namebuf[i]);
		names[i] = namebuf[i];
	}

	if (lflag)
		hold(path, fds, names, n, &rule);

	if ((s = usock_connect(path, SOCK_SEQPACKET)) == -1)
		errx(EXIT_SYS, "connect %s: %s", path,
		    usock_strerror(errno, SOCK_SEQPACKET));
	/* A refused receiver is told so, and stops listening. */
	switch (peer_ok(s, &rule)) {
	case 0:
		(void)fdpass_refuse(s);
		exit(EXIT_REFUSED);
	case -1:
		(void)fdpass_refuse(s);
		exit(EXIT_SYS);
	}
	if (fdpass_send_names(s, fds, names, n) == -1)
		err(EXIT_SYS, "send to %s", path);
	close(s);
	free(namebuf);
	cred_rule_free(&rule);
	return 0;
}
