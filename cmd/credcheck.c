/*
 * credcheck: check the peer of a Unix socket, then exec.
 *
 *	credcheck [-u user]... [-g group]... [-P pid]... [-s fd]
 *	    [[--] prog [arg ...]]
 *
 * The peer is the one on fd 0, as s6-ipcserver, systemd's Accept=yes and
 * ucspi-unix hand it over, or on -s fd.  Its credentials are the kernel's
 * (SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD), never the environment's.
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cred.h"
#include "fdcap.h"

/* How many of the peer's groups a refusal names before "...". */
#define SHOW_GROUPS	16

/* Exactly credcheck(1)'s SYNOPSIS. */
static const char usage_text[] =
    "usage: credcheck [-u user]... [-g group]... [-P pid]... [-s fd] "
    "[[--] prog [arg ...]]\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/*
 * Reads the peer of fd, or exits 111 saying what fd is instead.  One end
 * of a socketpair is refused (exit 1): its peer is whoever made the pair,
 * such as socat's EXEC without nofork, not the client that connected.
 */
static void
peer(int fd, struct cred_peer *c)
{
	if (cred_socketpair(fd) == 1)
		errx(EXIT_REFUSED, "refused: fd %d is a socketpair, not a "
		    "connection: its peer is the program that made the pair "
		    "(socat: add nofork to EXEC)", fd);
	if (cred_peer(fd, c) == 0)
		return;
	switch (errno) {
	case EBADF:
		errx(EXIT_SYS, "fd %d is not open", fd);
	case ENOTSOCK:
		errx(EXIT_SYS, "fd %d: not a socket", fd);
	case EAFNOSUPPORT:
		errx(EXIT_SYS, "fd %d: not a Unix socket", fd);
	case ENOTCONN:
		errx(EXIT_SYS, "fd %d: Unix socket not connected", fd);
	default:
		err(EXIT_SYS, "fd %d: peer credentials", fd);
	}
}

/* Prints a list of ids as "1,2,3" on fp. */
static void
print_ids(FILE *fp, const unsigned int *v, size_t n, size_t max)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		fprintf(fp, "%s%u", i > 0 ? "," : "", v[i]);
	if (n > max)
		fputs(",...", fp);
}

/*
 * Says on stderr, in one line, who the peer is and which rule it failed
 * (why: "uid", "gid", "pid" as cred_match names them, or "exited").
 */
static void
refuse(const struct cred_rule *r, const struct cred_peer *c, const char *why)
{
	size_t i;

	fprintf(stderr, "credcheck: refused: peer pid=%ld uid=%u gid=%u: ",
	    (long)c->pid, (unsigned)c->uid, (unsigned)c->gid);
	if (strcmp(why, "uid") == 0) {
		fputs("uid not in ", stderr);
		print_ids(stderr, r->uids, r->nuids, SIZE_MAX);
	} else if (strcmp(why, "gid") == 0) {
		fputs("gid not in ", stderr);
		print_ids(stderr, r->gids, r->ngids, SIZE_MAX);
		if (c->ngroups > 0) {
			fputs(" (nor groups ", stderr);
			print_ids(stderr, c->groups, c->ngroups, SHOW_GROUPS);
			fputc(')', stderr);
		}
	} else if (strcmp(why, "pid") == 0) {
		fputs("pid not in ", stderr);
		for (i = 0; i < r->npids; i++)
			fprintf(stderr, "%s%ld", i > 0 ? "," : "",
			    (long)r->pids[i]);
	} else if (strcmp(why, "exited") == 0)
		fprintf(stderr, "pid %ld has exited, it may have been reused",
		    (long)c->pid);
	else
		fputs(why, stderr);
	fputc('\n', stderr);
}

static void
setenv_id(const char *name, unsigned long v)
{
	char buf[24];

	(void)snprintf(buf, sizeof(buf), "%lu", v);
	if (setenv(name, buf, 1) == -1)
		err(EXIT_SYS, "setenv %s", name);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cred_rule rule;
	struct cred_peer c;
	struct cli_err ce;
	struct cli_args a;
	const char *why = "", *last = NULL;
	int allowed, alive, ch, fd = 0;

	memset(&rule, 0, sizeof(rule));
	while ((ch = getopt_long(argc, argv, "+g:P:s:u:", longopts,
	    NULL)) != -1) {
		last = optarg;
		switch (ch) {
		case 'g':
			if (cred_rule_opt(ch, optarg, &rule, &ce) == -1)
				cli_exit(&ce);
			break;
		case 'P':
			if (cred_rule_opt(ch, optarg, &rule, &ce) == -1)
				cli_exit(&ce);
			break;
		case 's':
			if (cli_fd("-s", optarg, &fd, &ce) == -1)
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
	/*
	 * No operands of its own: a program may come without "--" (s6
	 * style), and then every word from it on is the program's, a "--"
	 * too ("credcheck grep -e x -- file"), where cli_split() would cut.
	 * cli_split() has the rest: no word left, or a "--" that getopt ate
	 * and that was no option's argument.
	 */
	memset(&a, 0, sizeof(a));
	if (optind < argc && (optind < 2 || argv[optind - 1] == last ||
	    strcmp(argv[optind - 1], "--") != 0))
		a.prog = argv + optind;
	else if (cli_split(argc, argv, optind, last, CLI_PROG_OPTIONAL, &a,
	    &ce) == -1)
		cli_exit(&ce);
	if (cli_fd_open(NULL, fd, &ce) == -1)
		cli_exit(&ce);

	peer(fd, &c);
	allowed = cred_match(&rule, &c, &why);
	if (allowed && rule.npids > 0) {
		/*
		 * The pid matched, but is it still the peer's?  Once the
		 * peer has exited, its pid may belong to another process.
		 */
		if ((alive = cred_peer_alive(&c)) == -1 && errno != ENOSYS)
			err(EXIT_SYS, "fd %d: peer pidfd", fd);
		if (alive == 0) {
			allowed = 0;
			why = "exited";
		}
	}
	if (a.prog == NULL) {
		printf("pid=%ld uid=%u gid=%u\n", (long)c.pid,
		    (unsigned)c.uid, (unsigned)c.gid);
		if (fflush(stdout) == EOF || ferror(stdout))
			err(EXIT_SYS, "stdout");
	}
	if (!allowed || a.prog == NULL) {
		if (!allowed)
			refuse(&rule, &c, why);
		cred_peer_free(&c);
		cred_rule_free(&rule);
		return allowed ? 0 : EXIT_REFUSED;
	}

	setenv_id("IPCREMOTEEUID", c.uid);
	setenv_id("IPCREMOTEEGID", c.gid);
	setenv_id("IPCREMOTEPID", (unsigned long)c.pid);
	cred_peer_free(&c);
	cred_rule_free(&rule);
	execvp(a.prog[0], a.prog);
	ch = errno;
	warn("exec %s", a.prog[0]);
	return EXIT_EXECERR(ch);
}
