/*
 * ethrecv's command line: the words of its options and operands, each
 * bad one named in one line with exit 100 (lib/cli's words where it has
 * them).
 */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fdcap.h"
#include "rawsock.h"
#include "timeutil.h"

#include "ethrecv.h"

/* A number in [min, max] (cli_number()), or exit 100 naming the option. */
long long
opt_number(int opt, const char *s, long long min, long long max)
{
	struct cli_err e;
	char name[3] = { '-', (char)opt, '\0' };
	long long v;

	if (cli_number(name, s, min, max, &v, &e) == -1)
		cli_exit(&e);
	return v;
}

/*
 * A duration in [min_ms, max_s] (cli_duration()), in milliseconds, or
 * exit 100 naming the option.
 */
long long
opt_duration(int opt, const char *s, long long min_ms, long long max_s)
{
	struct cli_err e;
	char name[3] = { '-', (char)opt, '\0' };
	long long ms;

	if (cli_duration(name, s, min_ms, max_s * MSEC_PER_SEC, &ms, &e) == -1)
		cli_exit(&e);
	return ms;
}

/*
 * The operands after the options, argv[first..argc-1]: [iface ethertype],
 * and with -e `-- prog [arg ...]` (cli_split(); lastarg is the last
 * option's argument).  Checks the interface's name and the ethertype
 * into *type; sets *prog.  Returns how many operands come before the
 * program.  Each wrong shape is named in one line.
 */
int
operands(int server, int argc, char **argv, int first, const char *lastarg,
    char ***prog, uint16_t *type)
{
	struct cli_args a;
	struct cli_err e;

	if (cli_split(argc, argv, first, lastarg, server ? CLI_PROG_REQUIRED :
	    CLI_PROG_OPTIONAL, &a, &e) == -1) {
		if (server)
			cli_exit(&e);
		a.prog = argv;	/* a "--" with nothing after it */
	}
	if (!server && a.prog != NULL)
		errx(EXIT_USAGE, "-- prog: a program runs only under -e");
	*prog = a.prog;
	if (a.nops == 1)
		errx(EXIT_USAGE, "%s: an interface needs an ethertype",
		    a.ops[0]);
	if (a.nops > 2)
		errx(EXIT_USAGE, "%s: one interface and one ethertype at most",
		    a.ops[2]);
	if (a.nops == 2 && (cli_ifname(NULL, a.ops[0], &e) == -1 ||
	    cli_ethertype(NULL, a.ops[1], type, &e) == -1))
		cli_exit(&e);
	return a.nops;
}

/* The output format of -w, or the default for where stdout goes. */
enum fmt
parse_format(const char *s)
{
	if (s == NULL)
		return isatty(STDOUT_FILENO) ? FMT_TEXT : FMT_PCAP;
	if (strcmp(s, "pcap") == 0)
		return FMT_PCAP;
	if (strcmp(s, "pcapng") == 0)
		return FMT_PCAPNG;
	if (strcmp(s, "text") == 0)
		return FMT_TEXT;
	if (strcmp(s, "hex") == 0)
		return FMT_HEX;
	if (strcmp(s, "payload") == 0)
		return FMT_PAYLOAD;
	errx(EXIT_USAGE, "-w %s: pcap, text, hex or payload, or pcapng",
	    s);
}

/*
 * -j N[:MODE]: N, and into *mode the fanout mode MODE names (hash when
 * none; *modeset says whether one was given).  A mode goes only with
 * capture workers: under -e, N is the number of handlers.
 */
int
parse_jobs(const char *arg, int server, int *mode, int *modeset)
{
	const char *colon = strchr(arg, ':');
	char *num;
	int n;

	*modeset = colon != NULL;
	if (colon != NULL && server)
		errx(EXIT_USAGE, "-j %s: a fanout mode goes with capture "
		    "workers, not with -e", arg);
	if (rawsock_fanout_mode(colon != NULL ? colon + 1 : "hash",
	    mode) == -1)
		errx(EXIT_USAGE, "-j %s: the mode is hash, lb, cpu, qm or "
		    "rollover", arg);
	/* The count alone, whole: "000...2:lb" is 2. */
	if ((num = strndup(arg, colon != NULL ? (size_t)(colon - arg) :
	    strlen(arg))) == NULL)
		err(EXIT_SYS, NULL);
	n = (int)opt_number('j', num, 1, JOBS_MAX);
	free(num);
	return n;
}
