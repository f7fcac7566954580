/*
 * cli: the command-line layer every tool shares.  Parses, and says in a
 * struct cli_err what was wrong; never prints, never exits.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eth.h"
#include "fdcap.h"
#include "ids.h"

const char *
cli_version(void)
{
#ifdef FDCAP_VERSION
	return FDCAP_VERSION;
#else
	return CLI_VERSION;
#endif
}

int
cli_fail(struct cli_err *e, int status, const char *opt, const char *value,
    const char *fmt, ...)
{
	va_list ap;
	size_t off = 0;
	int n;

	e->status = status;
	e->msg[0] = '\0';
	if (value != NULL) {
		n = opt != NULL ?
		    snprintf(e->msg, sizeof(e->msg), "%s %s: ", opt, value) :
		    snprintf(e->msg, sizeof(e->msg), "%s: ", value);
		off = n < 0 ? 0 : (size_t)n;
		if (off >= sizeof(e->msg))
			off = sizeof(e->msg) - 1;
	}
	va_start(ap, fmt);
	(void)vsnprintf(e->msg + off, sizeof(e->msg) - off, fmt, ap);
	va_end(ap);
	return -1;
}

int
cli_number(const char *opt, const char *s, long long min, long long max,
    long long *v, struct cli_err *e)
{
	const char *errstr;
	long long n;

	n = strtonum(s, min, max, &errstr);
	if (errstr == NULL) {
		*v = n;
		return 0;
	}
	/* strtonum(3)'s words, not its errno, which libbsd does not set. */
	if (strcmp(errstr, "too small") == 0)
		return cli_fail(e, EXIT_USAGE, opt, s,
		    "too small (at least %lld)", min);
	if (strcmp(errstr, "too large") == 0)
		return cli_fail(e, EXIT_USAGE, opt, s,
		    "too large (at most %lld)", max);
	return cli_fail(e, EXIT_USAGE, opt, s, "not a number");
}

/* v written with the largest suffix of unit that divides it exactly. */
static void
cli_fmt_scaled(long long v, long long unit, char *buf, size_t len)
{
	static const char sfx[] = "kMG";
	int i = -1;

	while (i < 2 && v != 0 && v % unit == 0) {
		v /= unit;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%lld", v);
	else
		snprintf(buf, len, "%lld%c", v, sfx[i]);
}

int
cli_scaled(const char *opt, const char *s, long long unit, long long min,
    long long max, long long *v, struct cli_err *e)
{
	char digits[32], bound[32];
	const char *errstr;
	long long n, mult = 1;
	size_t l = strlen(s);
	int i;

	if (l > 0 && l < sizeof(digits)) {
		memcpy(digits, s, l + 1);
		switch (digits[l - 1]) {
		case 'k': case 'K':
			mult = unit;
			break;
		case 'm': case 'M':
			mult = unit * unit;
			break;
		case 'g': case 'G':
			mult = unit * unit * unit;
			break;
		}
		if (mult != 1)
			digits[l - 1] = '\0';
		/* Digits only: no sign, no blank (strtonum takes both). */
		for (i = 0; digits[i] >= '0' && digits[i] <= '9'; i++)
			;
		if (i > 0 && digits[i] == '\0') {
			n = strtonum(digits, 0, LLONG_MAX, &errstr);
			if (errstr == NULL && n > LLONG_MAX / mult)
				errstr = "too large";
			if (errstr == NULL) {
				n *= mult;
				if (n < min) {
					cli_fmt_scaled(min, unit, bound,
					    sizeof(bound));
					return cli_fail(e, EXIT_USAGE, opt, s,
					    "too small (at least %s)", bound);
				}
				if (n <= max) {
					*v = n;
					return 0;
				}
				errstr = "too large";
			}
			if (strcmp(errstr, "too large") == 0) {
				cli_fmt_scaled(max, unit, bound, sizeof(bound));
				return cli_fail(e, EXIT_USAGE, opt, s,
				    "too large (at most %s)", bound);
			}
		}
	}
	return cli_fail(e, EXIT_USAGE, opt, s,
	    "not a number (k, M or G may follow)");
}

int
cli_size(const char *opt, const char *s, long long min, long long max,
    long long *v, struct cli_err *e)
{
	return cli_scaled(opt, s, 1024, min, max, v, e);
}

int
cli_count(const char *opt, const char *s, long long min, long long max,
    long long *v, struct cli_err *e)
{
	return cli_scaled(opt, s, 1000, min, max, v, e);
}

/* A bound in milliseconds, as "5s" when whole seconds, else "250ms". */
static void
cli_fmt_ms(long long ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%llds", ms / 1000);
	else
		snprintf(buf, len, "%lldms", ms);
}

int
cli_duration(const char *opt, const char *s, long long min_ms,
    long long max_ms, long long *ms, struct cli_err *e)
{
	char digits[32], bound[32];
	const char *errstr;
	long long n, mult = 1000;
	size_t l = strlen(s), i;

	if (l == 0 || l >= sizeof(digits))
		goto bad;
	memcpy(digits, s, l + 1);
	if (l > 2 && strcmp(digits + l - 2, "ms") == 0) {
		mult = 1;
		digits[l - 2] = '\0';
	} else if (l > 1 && digits[l - 1] == 's')
		digits[l - 1] = '\0';
	for (i = 0; digits[i] >= '0' && digits[i] <= '9'; i++)
		;
	if (i == 0 || digits[i] != '\0')
		goto bad;
	n = strtonum(digits, 0, LLONG_MAX / 1000, &errstr);
	if (errstr != NULL || n * mult > max_ms) {
		cli_fmt_ms(max_ms, bound, sizeof(bound));
		return cli_fail(e, EXIT_USAGE, opt, s,
		    "too long (at most %s)", bound);
	}
	if (n * mult < min_ms) {
		cli_fmt_ms(min_ms, bound, sizeof(bound));
		return cli_fail(e, EXIT_USAGE, opt, s,
		    "too short (at least %s)", bound);
	}
	*ms = n * mult;
	return 0;
bad:
	return cli_fail(e, EXIT_USAGE, opt, s,
	    "not a duration (seconds, or milliseconds as 250ms)");
}

int
cli_fd_open(const char *opt, int fd, struct cli_err *e)
{
	char num[16];

	if (fcntl(fd, F_GETFD) != -1)
		return 0;
	if (opt == NULL)
		return cli_fail(e, EXIT_SYS, NULL, NULL,
		    "fd %d is not open", fd);
	snprintf(num, sizeof(num), "%d", fd);
	return cli_fail(e, EXIT_SYS, opt, num, "fd %d is not open", fd);
}

int
cli_fd(const char *opt, const char *s, int *fd, struct cli_err *e)
{
	const char *errstr;
	long long n;
	size_t i;

	/* Digits only: strtonum(3) would take " 3" and "+3". */
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	n = strtonum(s, 0, CLI_FD_MAX, &errstr);
	if (i == 0 || s[i] != '\0' || errstr != NULL)
		return cli_fail(e, EXIT_USAGE, opt, s, "not an fd (0 to %d)",
		    CLI_FD_MAX);
	if (cli_fd_open(opt, (int)n, e) == -1)
		return -1;
	*fd = (int)n;
	return 0;
}

int
cli_ifname(const char *opt, const char *s, struct cli_err *e)
{
	if (eth_ifname_check(s) == 0)
		return 0;
	if (errno == ENAMETOOLONG)
		return cli_fail(e, EXIT_USAGE, opt, s,
		    "bad interface name (at most %d bytes)", IF_NAMESIZE - 1);
	return cli_fail(e, EXIT_USAGE, opt, s, "bad interface name");
}

int
cli_iface(const char *opt, const char *s, struct eth_if *ifp,
    struct cli_err *e)
{
	struct eth_if tmp;

	if (cli_ifname(opt, s, e) == -1)
		return -1;
	if (eth_if_byname(s, ifp != NULL ? ifp : &tmp) == 0)
		return 0;
	if (errno == ENODEV || errno == ENXIO)
		return cli_fail(e, EXIT_SYS, opt, s, "no such interface");
	return cli_fail(e, EXIT_SYS, opt, s, "%s", strerror(errno));
}

int
cli_ethertype(const char *opt, const char *s, uint16_t *type,
    struct cli_err *e)
{
	if (eth_parse_type(s, type) == 0)
		return 0;
	return cli_fail(e, EXIT_USAGE, opt, s, "bad ethertype");
}

/*
 * What ids_uid() or ids_gid() said about s, in e: what is "user" or
 * "group", id "uid" or "gid".
 */
static int
cli_id_fail(const char *opt, const char *s, int saved, const char *what,
    const char *id, struct cli_err *e)
{
	size_t i;

	if (saved == EINVAL && *s != '\0') {
		for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (s[i] == '\0')
			return cli_fail(e, EXIT_USAGE, opt, s,
			    "bad %s (at most %lld)", id, IDS_MAX);
	}
	if (saved == ENOENT || saved == EINVAL)
		return cli_fail(e, EXIT_USAGE, opt, s, "no such %s", what);
	return cli_fail(e, EXIT_SYS, opt, s, "%s", strerror(saved));
}

int
cli_user(const char *opt, const char *s, uid_t *uid, struct cli_err *e)
{
	if (ids_uid(s, uid) == 0)
		return 0;
	return cli_id_fail(opt, s, errno, "user", "uid", e);
}

int
cli_group(const char *opt, const char *s, gid_t *gid, struct cli_err *e)
{
	if (ids_gid(s, gid) == 0)
		return 0;
	return cli_id_fail(opt, s, errno, "group", "gid", e);
}

int
cli_split(int argc, char **argv, int first, const char *lastarg,
    enum cli_prog want, struct cli_args *a, struct cli_err *e)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (first > argc)
		first = argc;
	a->ops = argv + first;
	a->nops = argc - first;
	if (want == CLI_PROG_NONE)
		return 0;
	/* A "--" getopt ate, that was no option's argument. */
	if (first > 1 && strcmp(argv[first - 1], "--") == 0 &&
	    argv[first - 1] != lastarg)
		i = first - 1;
	else
		for (i = first; i < argc && strcmp(argv[i], "--") != 0; i++)
			;
	if (i == argc) {
		if (want == CLI_PROG_OPTIONAL)
			return 0;
		return cli_fail(e, EXIT_USAGE, NULL, NULL,
		    "missing -- before the program");
	}
	if (i + 1 >= argc)
		return cli_fail(e, EXIT_USAGE, NULL, NULL,
		    "missing program after --");
	a->nops = i < first ? 0 : i - first;
	a->prog = argv + i + 1;
	return 0;
}

int
cli_cpulist(const char *opt, const char *s, const cpu_set_t *allowed,
    int *cpus, struct cli_err *e)
{
	const char *p = s;
	char *end;
	long a, b, c;
	int n = 0;

	if (s == NULL) {
		for (c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, allowed))
				cpus[n++] = (int)c;
		return n;
	}
	for (;;) {
		if (!isdigit((unsigned char)*p))
			break;
		a = b = strtol(p, &end, 10);
		if (*end == '-') {
			p = end + 1;
			if (!isdigit((unsigned char)*p))
				break;
			b = strtol(p, &end, 10);
		}
		if (a > b || b >= CPU_SETSIZE)
			break;
		for (c = a; c <= b; c++) {
			if (!CPU_ISSET(c, allowed))
				return cli_fail(e, EXIT_USAGE, opt, s,
				    "CPU %ld is not one %s may use", c,
				    getprogname());
			if (n < CPU_SETSIZE)
				cpus[n++] = (int)c;
		}
		if (*end == '\0')
			return n;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return cli_fail(e, EXIT_USAGE, opt, s, "not a CPU list (as 0,2-3)");
}

int
cli_stats_format(const char *opt, const char *s, int *kv, struct cli_err *e)
{
	if (strcmp(s, "kv") == 0 || strcmp(s, "text") == 0) {
		*kv = s[0] == 'k';
		return 0;
	}
	return cli_fail(e, EXIT_USAGE, opt, s, "text or kv");
}

const char *
cli_plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void
cli_rates(uint64_t frames, uint64_t bytes, double secs, double *fps,
    double *mbps)
{
	*fps = secs > 0 ? (double)frames / secs : 0;
	*mbps = secs > 0 ? (double)bytes * 8 / secs / 1e6 : 0;
}
