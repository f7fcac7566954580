/*
 * credcheck: check the peer of a Unix socket, then exec.
 *
 *	credcheck [-u user]... [-g group]... [-P pid]... [-s fd]
 *	    [-- prog [arg ...]]
 *
 * The peer is the one on fd 0, as s6-ipcserver, systemd's Accept=yes and
 * ucspi-unix hand it over, or on -s fd.  Its credentials are the kernel's
 * (SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD), never the environment's.
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "fdcap.h"

/* How many of the peer's groups a refusal names before "...". */
#define SHOW_GROUPS	16

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: credcheck [-u user]... [-g group]... "
	    "[-P pid]... [-s fd] [-- prog [arg ...]]\n");
	exit(EXIT_USAGE);
}

/*
 * Adds s to the rule with add(); what = "user", "group" or "pid" names it
 * in the error.  A name that does not exist or a malformed number is a
 * usage error; a failed lookup is a system error.
 */
static void
rule_add(struct cred_rule *r, int (*add)(struct cred_rule *, const char *),
    const char *what, const char *s)
{
	if (add(r, s) == 0)
		return;
	if (errno == ENOENT)
		errx(EXIT_USAGE, "no such %s: %s", what, s);
	if (errno == EINVAL || errno == ERANGE)
		errx(EXIT_USAGE, "bad %s: %s", what, s);
	err(EXIT_SYS, "%s %s", what, s);
}

/* Reads the peer of fd, or exits 111 saying what fd is instead. */
static void
peer(int fd, struct cred_peer *c)
{
	if (cred_peer(fd, c) == 0)
		return;
	switch (errno) {
	case EBADF:
		errx(EXIT_SYS, "fd %d: not open", fd);
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
	struct cred_rule rule;
	struct cred_peer c;
	const char *errstr, *why = "";
	int allowed, alive, ch, fd = 0;

	memset(&rule, 0, sizeof(rule));
	while ((ch = getopt(argc, argv, "+g:P:s:u:")) != -1) {
		switch (ch) {
		case 'g':
			rule_add(&rule, cred_rule_add_gid, "group", optarg);
			break;
		case 'P':
			rule_add(&rule, cred_rule_add_pid, "pid", optarg);
			break;
		case 's':
			fd = (int)strtonum(optarg, 0, INT_MAX, &errstr);
			if (errstr != NULL)
				errx(EXIT_USAGE, "bad fd: %s", optarg);
			break;
		case 'u':
			rule_add(&rule, cred_rule_add_uid, "user", optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

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
	if (argc == 0) {
		printf("pid=%ld uid=%u gid=%u\n", (long)c.pid,
		    (unsigned)c.uid, (unsigned)c.gid);
		if (fflush(stdout) == EOF || ferror(stdout))
			err(EXIT_SYS, "stdout");
	}
	if (!allowed || argc == 0) {
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
	execvp(argv[0], argv);
	ch = errno;
	warn("exec %s", argv[0]);
	return EXIT_EXECERR(ch);
}
