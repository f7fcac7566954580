/*
 * cli: the command-line layer every tool shares, so that every tool says
 * the same words, with the same exit code, for the same bad input.
 *
 * The design.  lib/ never prints and never exits, and lib/cli.c keeps to
 * that: each cli_* parser returns 0, or -1 with a struct cli_err that
 * holds the exit status and the whole one-line message (without the
 * tool's name, which errx(3) adds).  The tool decides what to do with it;
 * what every tool does is the one-line cli_exit() below, a static inline
 * compiled into the tool, never into the library.  cli_help() and
 * cli_version_exit() are the other two: the only places where a tool
 * prints through this header, so --help and --version are alike too.
 * The parsers are unit-tested (tests/unit/cli.c) with their messages.
 *
 * The messages.  A value that came with an option is named by the option
 * and the value ("-S 9: ...", "--fd 9: ..."); an operand by its value
 * alone ("eth9: no such interface"); opt is NULL for an operand.
 *
 *	kind		bad input			status	message
 *	number		not a number			100	-c x: not a number
 *			out of range			100	-c 0: too small (at least 1)
 *								-j 9999: too large (at most 1000)
 *	size, count	as number; k, M, G multiply	100	-B 1x: not a number (k, M or G may follow)
 *	duration	not one				100	-t x: not a duration (seconds, or milliseconds as 250ms)
 *			out of range			100	-t 0: too short (at least 1s)
 *	fd		not a number, out of 0..1023	100	-S x: not an fd (0 to 1023)
 *			not open			111	-S 9: fd 9 is not open
 *							    	(operand: "fd 9 is not open")
 *	interface	bad name			100	a;b: bad interface name
 *			too long			100	... : bad interface name (at most 15 bytes)
 *			no such interface		111	eth9: no such interface
 *	ethertype	bad				100	0x1ffff: bad ethertype
 *	user, group	unknown name			100	-u alice: no such user
 *							    	-g staff: no such group
 *			number out of range		100	-u 4294967295: bad uid (at most 4294967294)
 *			the lookup failed		111	-u alice: <strerror>
 *	program		no -- before it			100	missing -- before the program
 *			nothing after --		100	missing program after --
 *
 * Why these codes: 100 is what the command line says (its syntax, and
 * names that the user and group databases do not know); 111 is what the
 * system says at run time about something the command line named (an fd
 * that is not open, an interface that is not there), as for any other
 * failed system call.
 *
 * --help prints the tool's usage (its man page's SYNOPSIS) on stdout and
 * exits 0; --version prints "TOOL (fdcap) VERSION" and exits 0.  VERSION
 * is FDCAP_VERSION when the build defines it on lib/cli.c's compile line
 * (git describe, in a clone), else CLI_VERSION.
 */
#ifndef LIB_CLI_H
#define LIB_CLI_H

#include <sys/types.h>

#include <err.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "eth.h"
#include "fdcap.h"

/* The version when the build does not say: fdcap's own. */
#define CLI_VERSION	"0.1"

/* The largest fd a command line may name. */
#define CLI_FD_MAX	1023

/* A message and its exit status. */
struct cli_err {
	int	status;		/* EXIT_USAGE, EXIT_SYS, ... */
	char	msg[256];	/* one line, no newline, no tool name */
};

/*
 * getopt_long(3) values for --help and --version, and the two entries
 * that every tool puts in its struct option table:
 *
 *	static const struct option longopts[] = {
 *		CLI_LONGOPTS,
 *		{ NULL, 0, NULL, 0 }
 *	};
 *	...
 *	case CLI_OPT_HELP:	cli_help(usage_text);
 *	case CLI_OPT_VERSION:	cli_version_exit();
 */
#define CLI_OPT_HELP	0x4801
#define CLI_OPT_VERSION	0x4802
#define CLI_LONGOPTS \
	{ "help", no_argument, NULL, CLI_OPT_HELP }, \
	{ "version", no_argument, NULL, CLI_OPT_VERSION }

/* The version string: FDCAP_VERSION as built, else CLI_VERSION. */
const char *cli_version(void);

/*
 * A decimal number in [min, max] (strtonum(3): digits with an optional
 * sign, nothing else).  Returns 0 with *v set, or -1 with e filled.
 */
int	cli_number(const char *opt, const char *s, long long min,
	    long long max, long long *v, struct cli_err *e);

/*
 * A decimal number, then optionally one of k, M, G (either case) which
 * multiply by unit, unit^2, unit^3: 1024 for sizes in bytes (-B, -C),
 * 1000 for counts and rates (-c, -r).  "16k" is 16384 as a size.  The
 * bounds in a message are written with a suffix where one fits exactly.
 * Returns 0 with *v set, or -1 with e filled.
 */
int	cli_scaled(const char *opt, const char *s, long long unit,
	    long long min, long long max, long long *v, struct cli_err *e);

/* cli_scaled() with unit 1024 (sizes) and 1000 (counts, rates). */
int	cli_size(const char *opt, const char *s, long long min,
	    long long max, long long *v, struct cli_err *e);
int	cli_count(const char *opt, const char *s, long long min,
	    long long max, long long *v, struct cli_err *e);

/*
 * A duration: whole seconds ("5", "5s") or milliseconds ("250ms"), into
 * *ms, in [min_ms, max_ms].  Returns 0, or -1 with e filled.
 */
int	cli_duration(const char *opt, const char *s, long long min_ms,
	    long long max_ms, long long *ms, struct cli_err *e);

/*
 * An fd number, 0 to CLI_FD_MAX, that must be open in this process.
 * Returns 0 with *fd set, or -1 with e filled: status 100 for a bad
 * number, 111 for an fd that is not open.  cli_fd_open() checks an fd
 * the tool already has as a number (a default, such as credcheck's 0).
 */
int	cli_fd(const char *opt, const char *s, int *fd, struct cli_err *e);
int	cli_fd_open(const char *opt, int fd, struct cli_err *e);

/*
 * An interface name, by syntax only (eth_ifname_check()): what may be
 * checked before anything is opened, or where the interface lives in
 * another network namespace.  Returns 0, or -1 with e filled (100).
 */
int	cli_ifname(const char *opt, const char *s, struct cli_err *e);

/*
 * An interface that must exist here: cli_ifname(), then
 * eth_if_byname() into *ifp (which may be NULL).  Returns 0, or -1 with
 * e filled: 100 for a bad name, 111 for no such interface or a failed
 * lookup.
 */
int	cli_iface(const char *opt, const char *s, struct eth_if *ifp,
	    struct cli_err *e);

/*
 * An ethertype as eth_parse_type() reads it (0x88b5, decimal, or a
 * name).  Returns 0 with *type set, or -1 with e filled (100).
 */
int	cli_ethertype(const char *opt, const char *s, uint16_t *type,
	    struct cli_err *e);

/*
 * A user or group: a name, or a decimal id up to IDS_MAX (ids_uid(),
 * ids_gid()).  Returns 0 with the id set, or -1 with e filled: 100 for
 * an unknown name or a bad number, 111 when the lookup itself failed.
 */
int	cli_user(const char *opt, const char *s, uid_t *uid,
	    struct cli_err *e);
int	cli_group(const char *opt, const char *s, gid_t *gid,
	    struct cli_err *e);

/*
 * A list of CPUs as "0,2-3" (-P) into cpus (CPU_SETSIZE entries), in the
 * order given, each one of *allowed; s NULL: every CPU of *allowed, in
 * order.  Returns how many, or -1 with e filled (100): "-P x: not a CPU
 * list (as 0,2-3)", or "-P 5: CPU 5 is not one TOOL may use" (TOOL as
 * getprogname(3) says).
 */
int	cli_cpulist(const char *opt, const char *s, const cpu_set_t *allowed,
	    int *cpus, struct cli_err *e);

/*
 * --stats-format=text|kv: *kv 1 for kv, 0 for text.  Returns 0, or -1
 * with e filled (100): "--stats-format x: text or kv".
 */
int	cli_stats_format(const char *opt, const char *s, int *kv,
	    struct cli_err *e);

/*
 * What every tool's counts and summaries say alike: the noun for a count
 * of n (one when n is 1, else many: "1 frame", "2 frames"); and frames
 * and bytes over secs seconds as frames per second and megabits per
 * second (0 when secs is not positive).  Never fail.
 */
const char *cli_plural(uint64_t n, const char *one, const char *many);
void	cli_rates(uint64_t frames, uint64_t bytes, double secs, double *fps,
	    double *mbps);

/* Whether a tool takes a program after its operands. */
enum cli_prog {
	CLI_PROG_NONE,		/* no program: every operand is the tool's */
	CLI_PROG_REQUIRED,	/* ... -- PROG [ARG]... */
	CLI_PROG_OPTIONAL	/* ... [-- PROG [ARG]...] */
};

/* The operands after the options, and the program. */
struct cli_args {
	char	**ops;		/* the tool's operands, before any -- */
	int	  nops;
	char	**prog;		/* PROG [ARG]..., NULL-terminated; or NULL */
};

/*
 * Splits what getopt(3) left, argv[first..argc-1] (first: optind), at
 * the first "--": the tool's operands before it, the program after it.
 * getopt eats a "--" that comes right after the options; it counts as
 * that first "--" unless it was the argument of the last option
 * (lastarg: the optarg that the tool last saw, or NULL), so "credcheck
 * -u root -- prog", "fdrecv sock -- prog" and "rawopen -- prog" all
 * split alike.  With
 * CLI_PROG_NONE nothing is split: every word is an operand, and prog is
 * NULL.  Returns 0 with *a filled, or -1 with e filled (100) when a
 * required program has no "--" before it, or a "--" nothing after it.
 */
int	cli_split(int argc, char **argv, int first, const char *lastarg,
	    enum cli_prog want, struct cli_args *a, struct cli_err *e);

/*
 * For the parsers of other modules, so that they speak in the same voice:
 * fills e with status, then "OPT VALUE: " (or "VALUE: " for an operand,
 * or nothing when value is NULL) and the message.  Returns -1, for the
 * caller to return.
 */
int	cli_fail(struct cli_err *e, int status, const char *opt,
	    const char *value, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/*
 * The tool side, compiled into each tool (see the top of this file).
 * cli_exit(): errx(3) with e's status and message.  cli_help(): usage
 * on stdout, exit 0 (111 when stdout fails).  cli_version_exit():
 * "TOOL (fdcap) VERSION" on stdout, exit 0.
 */
static inline void __attribute__((noreturn, unused))
cli_exit(const struct cli_err *e)
{
	errx(e->status, "%s", e->msg);
}

static inline void __attribute__((noreturn, unused))
cli_help(const char *usage)
{
	fputs(usage, stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(EXIT_SYS, "stdout");
	exit(0);
}

static inline void __attribute__((noreturn, unused))
cli_version_exit(void)
{
	printf("%s (fdcap) %s\n", getprogname(), cli_version());
	if (fflush(stdout) == EOF || ferror(stdout))
		err(EXIT_SYS, "stdout");
	exit(0);
}

#endif /* LIB_CLI_H */
