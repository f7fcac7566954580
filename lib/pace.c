/*
 * pace: when the frames of a sender are due (-r, -R).  See pace.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdcap.h"
#include "pace.h"
#include "timeutil.h"

void
pace_init(struct pace *p, double rate, int bitrate, double factor,
    size_t maxframe, unsigned int batch, uint64_t start)
{
	memset(p, 0, sizeof(*p));
	p->rate = rate;
	p->bitrate = bitrate;
	p->factor = factor;
	p->start = start;
	/* The bucket counts frames, or bits under a bit rate. */
	p->unit = bitrate ? 8 * ((uint64_t)maxframe + 4) : 1;
	p->burst = (uint64_t)(rate / 1000);
	if (p->burst < p->unit)
		p->burst = p->unit;
	if (p->burst > batch * p->unit)
		p->burst = batch * p->unit;
}

/* d as a uint64_t, the largest one when it is larger (never wrapped). */
static uint64_t
sat(double d)
{
	return d >= 18446744073709549568.0 ? UINT64_MAX : d <= 0 ? 0 :
	    (uint64_t)d;
}

/*
 * at + d ns, d rounded up when up, the largest time when that is larger.
 */
static uint64_t
after(uint64_t at, double d, int up)
{
	uint64_t n = sat(d);

	if (up && (double)n < d && n < UINT64_MAX)
		n++;
	return n > UINT64_MAX - at ? UINT64_MAX : at + n;
}

/* What a frame of len bytes costs in the bucket. */
static uint64_t
cost(const struct pace *p, size_t len)
{
	return p->bitrate ? 8 * (uint64_t)len : 1;
}

unsigned int
pace_take(struct pace *p, const size_t *lens, unsigned int n, uint64_t now,
    uint64_t *wake)
{
	uint64_t allowed, need;
	unsigned int k;

	allowed = sat((double)(now - p->start) * p->rate / NSEC_PER_SEC);
	if (allowed > p->paced + p->burst) {
		/* Behind: forget the missed time, keep one burst. */
		p->paced = allowed - p->burst;
	}
	for (k = 0, need = p->paced; k < n; k++) {
		if (need + cost(p, lens[k]) > allowed)
			break;
		need += cost(p, lens[k]);
	}
	if (k == 0) {
		/* Up: at the time itself the frame is due, not before. */
		*wake = after(p->start, (double)(p->paced + cost(p, lens[0])) *
		    NSEC_PER_SEC / p->rate, 1);
		return 0;
	}
	p->paced = need;
	return k;
}

uint64_t
pace_due(struct pace *p, uint64_t ts, uint64_t now)
{
	if (!p->have_ts0) {
		p->ts0 = ts;
		p->wall0 = now;
		p->have_ts0 = 1;
	}
	if (ts <= p->ts0)
		return p->wall0;
	return after(p->wall0, (double)(ts - p->ts0) / p->factor, 0);
}

void
pace_rewind(struct pace *p)
{
	p->have_ts0 = 0;
}

static int __attribute__((format(printf, 2, 3)))
pace_fail(struct cli_err *e, const char *fmt, ...)
{
	va_list ap;

	e->status = EXIT_USAGE;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A positive number of -R or -r, which may be a fraction, into *v, at
 * least min (so that no time computed from it overflows): its errors are
 * worded as cli_number()'s.  name is what the message names (the whole -r
 * value, suffix included).
 */
static int
pace_positive(int ch, const char *name, const char *s, double min,
    double max, double *v, struct cli_err *e)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || d != d)
		return pace_fail(e, "-%c %s: not a number", ch, name);
	if (!(d > 0))
		return pace_fail(e, "-%c %s: too small (more than 0)", ch,
		    name);
	if (d < min)
		return pace_fail(e, "-%c %s: too small (at least %g)", ch,
		    name, min);
	if (d > max)
		return pace_fail(e, "-%c %s: too large (at most %.0f)", ch,
		    name, max);
	*v = d;
	return 0;
}

/* What every -r value that is not a rate (or a number) is told. */
#define RATE_NAN	"not a number (k, M or G may follow)"

/*
 * cli_count()'s refusal of a value as a refusal of the whole -r value s:
 * its message names s, the suffix included.  Returns -1.
 */
static int
rate_fail(const char *s, struct cli_err *e)
{
	char why[sizeof(e->msg)];
	const char *colon;
	int status = e->status;

	colon = strchr(e->msg, ':');
	strlcpy(why, colon != NULL ? colon + 2 : e->msg, sizeof(why));
	pace_fail(e, "-r %s: %s", s, why);
	e->status = status;
	return -1;
}

/*
 * -r's N with a point ("0.5", "1.5k": num, its k, M or G still on, its
 * pps or bps not), s the whole value, into *rate.  Digits with one point
 * and at least one digit, then perhaps k, M or G: no sign, blank or
 * exponent, as cli_count() takes none.  A value that comes out whole
 * ("1.5k", "2.0") is taken as those digits by cli_count(), with its
 * bounds and words, so that "1.5k" says what "1500" says; a bit rate must
 * come out whole (bits).  A frame rate that does not is from
 * PACE_RATE_MIN on, in pace_positive()'s words; so is 0 ("0.0": "more than
 * 0").  Returns 0, or -1 with e filled and *rate untouched.
 */
static int
rate_fraction(const char *s, const char *num, int bits, double *rate,
    struct cli_err *e)
{
	char digits[32], dec[40];
	size_t n = strlen(num), ip, fp, shift = 0;
	double whole;
	long long v;

	switch (n > 0 ? num[n - 1] : '\0') {
	case 'k': case 'K':
		shift = 3;
		break;
	case 'm': case 'M':
		shift = 6;
		break;
	case 'g': case 'G':
		shift = 9;
		break;
	}
	if (shift > 0)
		n--;
	ip = strspn(num, "0123456789");
	if (ip >= n || num[ip] != '.')
		return pace_fail(e, "-r %s: %s", s, RATE_NAN);
	fp = strspn(num + ip + 1, "0123456789");
	if (ip + 1 + fp != n || ip + fp == 0)
		return pace_fail(e, "-r %s: %s", s, RATE_NAN);
	/* The fraction's digits that count: not its trailing zeros. */
	while (fp > 0 && num[ip + fp] == '0')
		fp--;
	if (fp > shift && bits)
		return pace_fail(e, "-r %s: %s", s, RATE_NAN);
	if (!bits && strspn(num, "0.") == n)
		return pace_fail(e, "-r %s: too small (more than 0)", s);
	if (fp > shift) {
		/* A fraction of a frame a second: "1.25k" as "1.25e3". */
		(void)snprintf(dec, sizeof(dec), "%.*se%zu", (int)n, num,
		    shift);
		return pace_positive('r', s, dec, PACE_RATE_MIN, PACE_RATE_MAX,
		    rate, e);
	}
	/*
	 * Whole: as its digits, for cli_count()'s bounds and words (the
	 * nearest integer, since 1.1k is 1100.0000000000002 in a double).
	 */
	(void)snprintf(dec, sizeof(dec), "%.*se%zu", (int)n, num, shift);
	whole = strtod(dec, NULL);
	/* More digits than cli_count() reads: larger than any bound. */
	if (whole >= 1e19)
		strlcpy(digits, "99999999999999999999", sizeof(digits));
	else
		(void)snprintf(digits, sizeof(digits), "%.0f", whole);
	if (cli_count("-r", digits, 1, bits ? PACE_BITRATE_MAX :
	    PACE_RATE_MAX, &v, e) == -1)
		return rate_fail(s, e);
	*rate = (double)v;
	return 0;
}

int
pace_parse_rate(const char *s, double *rate, int *bitrate, struct cli_err *e)
{
	char num[32];
	size_t n = strlen(s);
	long long v;
	int bits = 0;

	if (n > 3 && (strcmp(s + n - 3, "bps") == 0 ||
	    strcmp(s + n - 3, "pps") == 0)) {
		bits = s[n - 3] == 'b';
		n -= 3;
	}
	if (n == 0 || n >= sizeof(num))
		return pace_fail(e, "-r %s: not a rate (N, Npps or Nbps; k, "
		    "M or G may follow N)", s);
	memcpy(num, s, n);
	num[n] = '\0';
	if (strchr(num, '.') != NULL) {
		if (rate_fraction(s, num, bits, rate, e) == -1)
			return -1;
		*bitrate = bits;
		return 0;
	}
	if (cli_count("-r", num, 1, bits ? PACE_BITRATE_MAX : PACE_RATE_MAX,
	    &v, e) == -1)
		return rate_fail(s, e);
	*rate = (double)v;
	*bitrate = bits;
	return 0;
}

int
pace_parse_factor(const char *s, double *factor, struct cli_err *e)
{
	return pace_positive('R', s, s, PACE_FACTOR_MIN, PACE_FACTOR_MAX,
	    factor, e);
}
