/*
 * Unit tests for lib/cli: every kind of bad input, its exit status and
 * its words, exactly as every tool will say them.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cred.h"
#include "tap.h"

static struct cli_err e;

/* r is -1 and e says status and msg. */
static void
fails(int r, int status, const char *msg, const char *name)
{
	ok(r == -1, name);
	is_int(e.status, status, "  its status");
	is_str(e.msg, msg, "  its words");
	memset(&e, 0, sizeof(e));
}

static void
test_number(void)
{
	long long v = 0;

	ok(cli_number("-c", "42", 1, 100, &v, &e) == 0 && v == 42, "number 42");
	fails(cli_number("-c", "x", 1, 100, &v, &e), 100,
	    "-c x: not a number", "number x");
	fails(cli_number("-c", "", 1, 100, &v, &e), 100,
	    "-c : not a number", "empty number");
	fails(cli_number("-c", "0", 1, 100, &v, &e), 100,
	    "-c 0: too small (at least 1)", "number below min");
	fails(cli_number("-j", "101", 1, 100, &v, &e), 100,
	    "-j 101: too large (at most 100)", "number above max");
	fails(cli_number("-j", "99999999999999999999", 1, 100, &v, &e), 100,
	    "-j 99999999999999999999: too large (at most 100)",
	    "number above LLONG_MAX");
	fails(cli_number(NULL, "x", 1, 100, &v, &e), 100,
	    "x: not a number", "an operand is named by its value");
	ok(v == 42, "a failure leaves *v alone");
}

static void
test_scaled(void)
{
	long long v = 0;

	ok(cli_size("-B", "16k", 1, 1LL << 30, &v, &e) == 0 && v == 16384,
	    "size 16k is 16384");
	ok(cli_size("-B", "2M", 1, 1LL << 30, &v, &e) == 0 && v == 2 << 20,
	    "size 2M");
	ok(cli_size("-B", "1g", 1, 1LL << 30, &v, &e) == 0 && v == 1 << 30,
	    "size 1g");
	ok(cli_size("-B", "100", 1, 1LL << 30, &v, &e) == 0 && v == 100,
	    "size without a suffix");
	ok(cli_count("-r", "5k", 1, 1000000, &v, &e) == 0 && v == 5000,
	    "count 5k is 5000");
	fails(cli_size("-B", "1x", 1, 1LL << 30, &v, &e), 100,
	    "-B 1x: not a number (k, M or G may follow)", "size 1x");
	fails(cli_size("-B", "k", 1, 1LL << 30, &v, &e), 100,
	    "-B k: not a number (k, M or G may follow)", "size k alone");
	fails(cli_size("-B", "-1k", 1, 1LL << 30, &v, &e), 100,
	    "-B -1k: not a number (k, M or G may follow)", "size with a sign");
	fails(cli_size("-B", "1k", 16 << 10, 1LL << 30, &v, &e), 100,
	    "-B 1k: too small (at least 16k)", "size below min, min as 16k");
	fails(cli_size("-B", "2G", 16 << 10, 1LL << 30, &v, &e), 100,
	    "-B 2G: too large (at most 1G)", "size above max, max as 1G");
	fails(cli_size("-C", "99999999999G", 1, 1000, &v, &e), 100,
	    "-C 99999999999G: too large (at most 1000)",
	    "size overflowing: too large, 1000 has no suffix");
	fails(cli_count("-r", "2M", 1, 1000000, &v, &e), 100,
	    "-r 2M: too large (at most 1M)", "count max as 1M");
}

static void
test_duration(void)
{
	long long ms = 0;

	ok(cli_duration("-t", "5", 1000, 86400000, &ms, &e) == 0 &&
	    ms == 5000, "duration 5 is 5 s");
	ok(cli_duration("-t", "5s", 1000, 86400000, &ms, &e) == 0 &&
	    ms == 5000, "duration 5s");
	ok(cli_duration("-t", "250ms", 1, 86400000, &ms, &e) == 0 &&
	    ms == 250, "duration 250ms");
	fails(cli_duration("-t", "x", 1000, 86400000, &ms, &e), 100,
	    "-t x: not a duration (seconds, or milliseconds as 250ms)",
	    "duration x");
	fails(cli_duration("-t", "1.5", 1000, 86400000, &ms, &e), 100,
	    "-t 1.5: not a duration (seconds, or milliseconds as 250ms)",
	    "duration with a fraction");
	fails(cli_duration("-t", "ms", 1000, 86400000, &ms, &e), 100,
	    "-t ms: not a duration (seconds, or milliseconds as 250ms)",
	    "duration ms alone");
	fails(cli_duration("-t", "0", 1000, 86400000, &ms, &e), 100,
	    "-t 0: too short (at least 1s)", "duration below min");
	fails(cli_duration("-T", "500ms", 1000, 86400000, &ms, &e), 100,
	    "-T 500ms: too short (at least 1s)", "duration in ms below min");
	fails(cli_duration("-T", "86401", 1000, 86400000, &ms, &e), 100,
	    "-T 86401: too long (at most 86400s)", "duration above max");
	fails(cli_duration("-T", "99999999999999999999", 1, 1500, &ms, &e),
	    100, "-T 99999999999999999999: too long (at most 1500ms)",
	    "duration overflowing, max in ms");
}

static void
test_fd(void)
{
	int fd = -1, closed;

	ok(cli_fd("-S", "0", &fd, &e) == 0 && fd == 0, "fd 0 is open");
	closed = dup(0);
	ok(closed > 2 && close(closed) == 0, "an fd that was just closed");
	{
		char num[16], want[64];

		snprintf(num, sizeof(num), "%d", closed);
		snprintf(want, sizeof(want), "-S %d: fd %d is not open",
		    closed, closed);
		fails(cli_fd("-S", num, &fd, &e), 111, want, "closed fd: 111");
		snprintf(want, sizeof(want), "fd %d is not open", closed);
		fails(cli_fd(NULL, num, &fd, &e), 111, want,
		    "closed fd as an operand: no prefix");
		fails(cli_fd_open(NULL, closed, &e), 111, want,
		    "cli_fd_open: the same words");
	}
	fails(cli_fd("-S", "x", &fd, &e), 100, "-S x: not an fd (0 to 1023)",
	    "fd x");
	fails(cli_fd("-S", "-1", &fd, &e), 100, "-S -1: not an fd (0 to 1023)",
	    "fd -1");
	fails(cli_fd("-S", " 1", &fd, &e), 100, "-S  1: not an fd (0 to 1023)",
	    "fd with a blank");
	fails(cli_fd("--fd", "1024", &fd, &e), 100,
	    "--fd 1024: not an fd (0 to 1023)", "fd 1024, long option");
	fails(cli_fd(NULL, "", &fd, &e), 100, ": not an fd (0 to 1023)",
	    "empty fd");
	ok(fd == 0, "a failure leaves *fd alone");
}

static void
test_iface(void)
{
	struct eth_if ifc;

	ok(cli_ifname(NULL, "eth0", &e) == 0, "eth0 is a good name");
	fails(cli_ifname(NULL, "a;b", &e), 100, "a;b: bad interface name",
	    "a;b");
	fails(cli_ifname("-i", "", &e), 100, "-i : bad interface name",
	    "empty name");
	fails(cli_ifname(NULL, "abcdefghijklmnop", &e), 100,
	    "abcdefghijklmnop: bad interface name (at most 15 bytes)",
	    "a name too long");
	ok(cli_iface(NULL, "lo", &ifc, &e) == 0 && ifc.index > 0,
	    "lo exists");
	ok(cli_iface(NULL, "lo", NULL, &e) == 0, "lo exists, no eth_if");
	fails(cli_iface(NULL, "fdcapnosuch9", &ifc, &e), 111,
	    "fdcapnosuch9: no such interface", "no such interface: 111");
	fails(cli_iface(NULL, "a;b", &ifc, &e), 100, "a;b: bad interface name",
	    "cli_iface checks the syntax first");
}

static void
test_ethertype(void)
{
	uint16_t t = 0;

	ok(cli_ethertype(NULL, "0x88b5", &t, &e) == 0 && t == 0x88b5,
	    "ethertype 0x88b5");
	ok(cli_ethertype(NULL, "arp", &t, &e) == 0 && t == 0x0806,
	    "ethertype arp");
	fails(cli_ethertype(NULL, "0x1ffff", &t, &e), 100,
	    "0x1ffff: bad ethertype", "ethertype too large");
	fails(cli_ethertype("-t", "nope", &t, &e), 100,
	    "-t nope: bad ethertype", "ethertype nope");
}

static void
test_ids(void)
{
	uid_t uid = 1;
	gid_t gid = 1;

	ok(cli_user("-u", "root", &uid, &e) == 0 && uid == 0, "user root");
	ok(cli_user("-u", "65534", &uid, &e) == 0 && uid == 65534,
	    "user by number");
	ok(cli_group("-g", "0", &gid, &e) == 0 && gid == 0, "group 0");
	fails(cli_user("-u", "no-such-user-fdcap", &uid, &e), 100,
	    "-u no-such-user-fdcap: no such user", "unknown user: 100");
	fails(cli_user("-u", "12x", &uid, &e), 100, "-u 12x: no such user",
	    "12x could be a name: no such user");
	fails(cli_user("-u", "4294967295", &uid, &e), 100,
	    "-u 4294967295: bad uid (at most 4294967294)", "uid too large");
	fails(cli_user("-u", "", &uid, &e), 100, "-u : no such user",
	    "empty user");
	fails(cli_group("-g", "no-such-group-fdcap", &gid, &e), 100,
	    "-g no-such-group-fdcap: no such group", "unknown group: 100");
	fails(cli_group("-g", "4294967295", &gid, &e), 100,
	    "-g 4294967295: bad gid (at most 4294967294)", "gid too large");
}

/* -u, -g and -P into a credential rule, each list in the order given. */
static void
test_rule(void)
{
	struct cred_rule r;

	memset(&r, 0, sizeof(r));
	ok(cred_rule_opt('u', "root", &r, &e) == 0 && cred_rule_opt('u', "65534", &r,
	    &e) == 0 && r.nuids == 2 && r.uids[0] == 0 && r.uids[1] == 65534,
	    "-u root -u 65534: two uids, in order");
	ok(cred_rule_opt('g', "0", &r, &e) == 0 && r.ngids == 1 && r.gids[0] == 0,
	    "-g 0: one gid");
	ok(cred_rule_opt('P', "42", &r, &e) == 0 && r.npids == 1 &&
	    r.pids[0] == 42, "-P 42: one pid");
	fails(cred_rule_opt('u', "no-such-user-fdcap", &r, &e), 100,
	    "-u no-such-user-fdcap: no such user", "rule: unknown user");
	fails(cred_rule_opt('g', "no-such-group-fdcap", &r, &e), 100,
	    "-g no-such-group-fdcap: no such group", "rule: unknown group");
	fails(cred_rule_opt('P', "0", &r, &e), 100, "-P 0: too small (at least 1)",
	    "rule: pid 0");
	fails(cred_rule_opt('P', "x", &r, &e), 100, "-P x: not a number",
	    "rule: pid x");
	fails(cred_rule_opt('x', "1", &r, &e), 100, "-x 1: not a credential",
	    "rule: another option");
	ok(r.nuids == 2 && r.ngids == 1 && r.npids == 1,
	    "nothing added by a refusal");
	cred_rule_free(&r);
}

/* Splits the words of cmd as if getopt stopped at optind. */
static int
split(char **argv, int ind, const char *lastarg, enum cli_prog want,
    struct cli_args *a)
{
	int argc;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	return cli_split(argc, argv, ind, lastarg, want, a, &e);
}

static void
test_split(void)
{
	struct cli_args a;
	char *v1[] = { "fdrecv", "sock", "--", "prog", "arg", NULL };
	char *v2[] = { "credcheck", "-u", "root", "--", "prog", NULL };
	char *v3[] = { "credcheck", "-u", "root", NULL };
	char *v4[] = { "fdrecv", "sock", "prog", NULL };
	char *v5[] = { "fdrecv", "sock", "--", NULL };
	char *v6[] = { "rawopen", "-F", "--", "eth0", "all", "--", "p", NULL };
	char *v7[] = { "fdsend", "--", "sock", "3", NULL };
	char *v8[] = { "fdrecv", "--", "sock", "--", "p", NULL };
	char *v9[] = { "credcheck", "prog", NULL };

	ok(split(v1, 1, NULL, CLI_PROG_REQUIRED, &a) == 0 && a.nops == 1 &&
	    strcmp(a.ops[0], "sock") == 0 && a.prog == v1 + 3,
	    "operand -- prog arg");
	ok(split(v2, 4, "root", CLI_PROG_OPTIONAL, &a) == 0 &&
	    a.nops == 0 && a.prog == v2 + 4, "a -- getopt ate");
	ok(split(v3, 3, "root", CLI_PROG_OPTIONAL, &a) == 0 &&
	    a.nops == 0 && a.prog == NULL, "an optional program left out");
	fails(split(v4, 1, NULL, CLI_PROG_REQUIRED, &a), 100,
	    "missing -- before the program", "no --");
	fails(split(v5, 1, NULL, CLI_PROG_REQUIRED, &a), 100,
	    "missing program after --", "nothing after --");
	fails(split(v5, 1, NULL, CLI_PROG_OPTIONAL, &a), 100,
	    "missing program after --", "nothing after --, optional");
	ok(split(v6, 3, v6[2], CLI_PROG_REQUIRED, &a) == 0 && a.nops == 2 &&
	    a.ops == v6 + 3 && a.prog == v6 + 6,
	    "a -- that was an option's argument is not the split");
	ok(split(v7, 2, NULL, CLI_PROG_NONE, &a) == 0 && a.nops == 2 &&
	    a.ops == v7 + 2 && a.prog == NULL, "no program: -- ends options");
	ok(split(v8, 2, NULL, CLI_PROG_REQUIRED, &a) == 0 && a.nops == 0 &&
	    a.prog == v8 + 2, "the first -- splits, even one getopt ate");
	ok(split(v9, 1, NULL, CLI_PROG_OPTIONAL, &a) == 0 && a.nops == 1 &&
	    a.prog == NULL, "a program without --: an operand");
}

static void
test_cpulist(void)
{
	cpu_set_t set;
	int cpus[CPU_SETSIZE];
	char want[128];

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CPU_SET(2, &set);
	CPU_SET(3, &set);
	ok(cli_cpulist("-P", NULL, &set, cpus, &e) == 3 && cpus[0] == 0 &&
	    cpus[1] == 2 && cpus[2] == 3, "-P left out: every CPU allowed");
	ok(cli_cpulist("-P", "3,0", &set, cpus, &e) == 2 && cpus[0] == 3 &&
	    cpus[1] == 0, "-P 3,0: in the order given");
	ok(cli_cpulist("-P", "2-3,0", &set, cpus, &e) == 3 && cpus[0] == 2 &&
	    cpus[1] == 3 && cpus[2] == 0, "-P 2-3,0: a range");
	fails(cli_cpulist("-P", "0-x", &set, cpus, &e), 100,
	    "-P 0-x: not a CPU list (as 0,2-3)", "-P 0-x");
	fails(cli_cpulist("-P", "3-1", &set, cpus, &e), 100,
	    "-P 3-1: not a CPU list (as 0,2-3)", "-P 3-1: backwards");
	fails(cli_cpulist("-P", "", &set, cpus, &e), 100,
	    "-P : not a CPU list (as 0,2-3)", "-P empty");
	fails(cli_cpulist("-P", "0,", &set, cpus, &e), 100,
	    "-P 0,: not a CPU list (as 0,2-3)", "-P 0,: a comma at the end");
	fails(cli_cpulist("-P", "99999", &set, cpus, &e), 100,
	    "-P 99999: not a CPU list (as 0,2-3)", "-P past CPU_SETSIZE");
	snprintf(want, sizeof(want), "-P 1-2: CPU 1 is not one %s may use",
	    getprogname());
	fails(cli_cpulist("-P", "1-2", &set, cpus, &e), 100, want,
	    "-P 1-2: a CPU not allowed, named");
}

static void
test_voice(void)
{
	double fps, mbps;
	int kv = -1;

	ok(cli_stats_format("--stats-format", "kv", &kv, &e) == 0 && kv == 1,
	    "--stats-format kv");
	ok(cli_stats_format("--stats-format", "text", &kv, &e) == 0 &&
	    kv == 0, "--stats-format text");
	fails(cli_stats_format("--stats-format", "json", &kv, &e), 100,
	    "--stats-format json: text or kv", "--stats-format json");
	is_str(cli_plural(1, "frame", "frames"), "frame", "1 frame");
	is_str(cli_plural(0, "frame", "frames"), "frames", "0 frames");
	is_str(cli_plural(2, "reply", "replies"), "replies", "2 replies");
	cli_rates(1000, 125000, 2, &fps, &mbps);
	ok(fps == 500 && mbps == 0.5, "1000 frames of 125000 bytes in 2 s: "
	    "500 frames/s, 0.5 Mbit/s");
	cli_rates(1000, 125000, 0, &fps, &mbps);
	ok(fps == 0 && mbps == 0, "no time: 0 and 0");
}

int
main(void)
{
	test_number();
	test_scaled();
	test_duration();
	test_fd();
	test_iface();
	test_ethertype();
	test_ids();
	test_rule();
	test_split();
	test_cpulist();
	test_voice();
	ok(strlen(cli_version()) > 0, "a version");
	return done();
}
