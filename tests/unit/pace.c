/*
 * Unit tests of lib/pace: the exact times at which frames are due under
 * -r (frames and bits per second, the bucket, a stall forgotten) and -R
 * (a factor, a pass begun again), and every kind of bad -r and -R value
 * with its words.  No clock is read: every time is given in.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pace.h"
#include "tap.h"
#include "timeutil.h"

#define MS	NSEC_PER_MSEC
#define T0	(5 * NSEC_PER_SEC)	/* when pacing began */

static struct cli_err e;

static void
test_init(void)
{
	struct pace p;

	pace_init(&p, 100, 0, 0, 1514, 256, T0);
	is_int(p.unit, 1, "a frame costs 1");
	is_int(p.burst, 1, "a slow rate's bucket holds one frame");
	pace_init(&p, 1e5, 0, 0, 1514, 256, T0);
	is_int(p.burst, 100, "the bucket holds a millisecond's frames");
	pace_init(&p, 1e9, 0, 0, 1514, 256, T0);
	is_int(p.burst, 256, "and at most a batch");
	pace_init(&p, 8e8, 1, 0, 1514, 256, T0);
	is_int(p.unit, 8 * 1518, "a bit rate's unit: the largest frame");
	is_int(p.burst, 800000, "a millisecond's bits");
	pace_init(&p, 8000, 1, 0, 1514, 256, T0);
	is_int(p.burst, 8 * 1518, "but at least one largest frame");
	pace_init(&p, 4e11, 1, 0, 1514, 256, T0);
	is_int(p.burst, 256 * 8 * 1518, "and at most a batch of them");
}

static void
test_frames(void)
{
	size_t lens[16];
	struct pace p;
	uint64_t wake = 0;
	unsigned int i;

	for (i = 0; i < 16; i++)
		lens[i] = 60;
	/* 10 frames/s: one every 100 ms, a bucket of one. */
	pace_init(&p, 10, 0, 0, 1514, 256, T0);
	is_int(pace_take(&p, lens, 8, T0, &wake), 0, "nothing due at once");
	is_int(wake, T0 + 100 * MS, "the first is due after 100 ms");
	is_int(pace_take(&p, lens, 8, T0 + 99 * MS, &wake), 0,
	    "not 1 ms early");
	is_int(pace_take(&p, lens, 8, T0 + 100 * MS, &wake), 1,
	    "one at 100 ms");
	is_int(pace_take(&p, lens + 1, 7, T0 + 100 * MS, &wake), 0,
	    "not two");
	is_int(wake, T0 + 200 * MS, "the next at 200 ms");
	/* A stall of 10 frames: one burst (one frame) follows, not ten. */
	is_int(pace_take(&p, lens + 1, 7, T0 + 1100 * MS, &wake), 1,
	    "after a stall, one burst");
	is_int(p.paced, 11, "the missed time forgotten");
	is_int(pace_take(&p, lens + 2, 6, T0 + 1100 * MS, &wake), 0,
	    "and no more");
	is_int(wake, T0 + 1200 * MS, "the next 100 ms on");

	/* 10000 frames/s: a bucket of 10. */
	pace_init(&p, 10000, 0, 0, 1514, 256, T0);
	is_int(pace_take(&p, lens, 8, T0 + 300 * NSEC_PER_USEC, &wake), 3,
	    "three due after 300 us");
	is_int(pace_take(&p, lens + 3, 13, T0 + 2 * NSEC_PER_SEC, &wake), 10,
	    "a whole bucket after a stall, no more");
	is_int(p.paced, 20000, "up to now");
	is_int(pace_take(&p, lens, 5, T0 + 2 * NSEC_PER_SEC, &wake), 0,
	    "then nothing");
	is_int(wake, T0 + 2 * NSEC_PER_SEC + 100 * NSEC_PER_USEC,
	    "until 100 us later");

	/* A fraction: 0.5 frames/s. */
	pace_init(&p, 0.5, 0, 0, 1514, 256, T0);
	is_int(pace_take(&p, lens, 8, T0, &wake), 0, "0.5/s: none at once");
	is_int(wake, T0 + 2 * NSEC_PER_SEC, "the first after 2 s");
}

static void
test_bits(void)
{
	size_t lens[4] = { 100, 100, 1000, 100 };
	struct pace p;
	uint64_t wake = 0;

	/* 8000 bit/s: a 100-byte frame every 100 ms. */
	pace_init(&p, 8000, 1, 0, 1514, 256, T0);
	is_int(pace_take(&p, lens, 4, T0, &wake), 0, "bps: none at once");
	is_int(wake, T0 + 100 * MS, "100 bytes after 100 ms");
	is_int(pace_take(&p, lens, 4, T0 + 250 * MS, &wake), 2,
	    "two by 250 ms");
	is_int(p.paced, 1600, "1600 bits");
	is_int(pace_take(&p, lens + 2, 2, T0 + 250 * MS, &wake), 0,
	    "a larger frame waits longer");
	is_int(wake, T0 + 1200 * MS, "1000 more bytes: 1 s more");
	is_int(pace_take(&p, lens + 2, 2, T0 + 1299 * MS, &wake), 1,
	    "then it goes, the next not yet");
	is_int(pace_take(&p, lens + 3, 1, T0 + 1300 * MS, &wake), 1,
	    "and the next 100 ms later");
}

static void
test_due(void)
{
	struct pace p;

	pace_init(&p, 0, 0, 2, 1514, 256, T0);
	is_int(pace_due(&p, 7 * NSEC_PER_SEC, T0 + 10), T0 + 10,
	    "-R: the first record at once");
	is_int(pace_due(&p, 8 * NSEC_PER_SEC, T0 + 20), T0 + 10 + 500 * MS,
	    "one second later, twice as fast: 500 ms");
	is_int(pace_due(&p, 6 * NSEC_PER_SEC, T0 + 30), T0 + 10,
	    "an earlier timestamp: at once");
	is_int(pace_due(&p, 7 * NSEC_PER_SEC, T0 + 40), T0 + 10,
	    "the same timestamp: at once");
	pace_rewind(&p);
	is_int(pace_due(&p, 9 * NSEC_PER_SEC, 2 * T0), 2 * T0,
	    "a new pass: its first at once");
	is_int(pace_due(&p, 9 * NSEC_PER_SEC + 3, 3 * T0), 2 * T0 + 1,
	    "3 ns, twice as fast: 1 ns");
	pace_init(&p, 0, 0, PACE_FACTOR_MIN, 1514, 256, T0);
	(void)pace_due(&p, 0, T0);
	ok(pace_due(&p, UINT64_MAX / 2, T0) == UINT64_MAX,
	    "-R at its least, a year of timestamps: the last time, no wrap");
	pace_init(&p, 0, 0, 0.5, 1514, 256, T0);
	(void)pace_due(&p, 0, T0);
	is_int(pace_due(&p, 250 * MS, T0), T0 + 500 * MS,
	    "-R 0.5: twice as slow");
}

/* r is -1 and e says 100 and msg. */
static void
fails(int r, const char *msg)
{
	ok(r == -1, msg);
	is_int(e.status, 100, "  its status");
	is_str(e.msg, msg, "  its words");
	memset(&e, 0, sizeof(e));
}

static void
test_parse_rate(void)
{
	double rate = -1;
	int bits = -1;

	ok(pace_parse_rate("100", &rate, &bits, &e) == 0 && rate == 100 &&
	    bits == 0, "-r 100");
	ok(pace_parse_rate("2kpps", &rate, &bits, &e) == 0 && rate == 2000 &&
	    bits == 0, "-r 2kpps");
	ok(pace_parse_rate("3Mbps", &rate, &bits, &e) == 0 && rate == 3e6 &&
	    bits == 1, "-r 3Mbps");
	ok(pace_parse_rate("400Gbps", &rate, &bits, &e) == 0 &&
	    rate == 4e11 && bits == 1, "-r 400Gbps, the most");
	ok(pace_parse_rate("1G", &rate, &bits, &e) == 0 && rate == 1e9 &&
	    bits == 0, "-r 1G, the most frames");
	ok(pace_parse_rate("0.5", &rate, &bits, &e) == 0 && rate == 0.5 &&
	    bits == 0, "-r 0.5");
	ok(pace_parse_rate("2.5pps", &rate, &bits, &e) == 0 && rate == 2.5 &&
	    bits == 0, "-r 2.5pps");
	fails(pace_parse_rate("0", &rate, &bits, &e),
	    "-r 0: too small (at least 1)");
	fails(pace_parse_rate("5x", &rate, &bits, &e),
	    "-r 5x: not a number (k, M or G may follow)");
	fails(pace_parse_rate("0bps", &rate, &bits, &e),
	    "-r 0bps: too small (at least 1)");
	fails(pace_parse_rate("2G", &rate, &bits, &e),
	    "-r 2G: too large (at most 1G)");
	fails(pace_parse_rate("401Gbps", &rate, &bits, &e),
	    "-r 401Gbps: too large (at most 400G)");
	fails(pace_parse_rate("1.5bps", &rate, &bits, &e),
	    "-r 1.5bps: not a number (k, M or G may follow)");
	fails(pace_parse_rate("0.0", &rate, &bits, &e),
	    "-r 0.0: too small (more than 0)");
	fails(pace_parse_rate("0.0009", &rate, &bits, &e),
	    "-r 0.0009: too small (at least 0.001)");
	ok(pace_parse_rate("0.001", &rate, &bits, &e) == 0 && rate == 0.001,
	    "-r 0.001, the least");
	ok(pace_parse_rate("2.5", &rate, &bits, &e) == 0, "-r 2.5 again");
	fails(pace_parse_rate("1e10.", &rate, &bits, &e),
	    "-r 1e10.: not a number (k, M or G may follow)");
	fails(pace_parse_rate("1000000000.5pps", &rate, &bits, &e),
	    "-r 1000000000.5pps: too large (at most 1000000000)");
	fails(pace_parse_rate("nan.", &rate, &bits, &e),
	    "-r nan.: not a number (k, M or G may follow)");
	fails(pace_parse_rate("", &rate, &bits, &e),
	    "-r : not a rate (N, Npps or Nbps; k, M or G may follow N)");
	fails(pace_parse_rate("pps", &rate, &bits, &e),
	    "-r pps: not a number (k, M or G may follow)");
	fails(pace_parse_rate("123456789012345678901234567890123bps", &rate,
	    &bits, &e), "-r 123456789012345678901234567890123bps: not a "
	    "rate (N, Npps or Nbps; k, M or G may follow N)");
	ok(rate == 2.5 && bits == 0, "a failure leaves the rate alone");
}

/* s is taken as want, bits per second when bits. */
static void
rate_is(const char *s, double want, int wantbits)
{
	char name[64];
	double rate = -1;
	int bits = -1;

	(void)snprintf(name, sizeof(name), "-r %s", s);
	ok(pace_parse_rate(s, &rate, &bits, &e) == 0 && rate == want &&
	    bits == wantbits, name);
	if (rate != want || bits != wantbits)
		diag("got %.17g, bits %d", rate, bits);
}

/* s is refused: "-r s: why", 100. */
static void
rate_fails(const char *s, const char *why)
{
	char msg[160];
	double rate = 7;
	int bits = 7;

	(void)snprintf(msg, sizeof(msg), "-r %s: %s", s, why);
	fails(pace_parse_rate(s, &rate, &bits, &e), msg);
	ok(rate == 7 && bits == 7, "  nothing set");
}

/* A fraction with k, M or G after it, as ethsend(1) has it. */
static void
test_parse_rate_fraction(void)
{
	const char *nan = "not a number (k, M or G may follow)";

	rate_is("0.5k", 500, 0);
	rate_is("1.5kpps", 1500, 0);
	rate_is("1.5M", 1.5e6, 0);
	rate_is(".5K", 500, 0);
	rate_is("2.0", 2, 0);
	rate_is("1.25k", 1250, 0);
	rate_is("0.000000001G", 1, 0);
	rate_is("0.999999999G", 999999999, 0);
	rate_is("1.0G", 1e9, 0);
	rate_is("0.0015k", 1.5, 0);
	rate_is("1.0005kpps", 1000.5, 0);
	rate_is("0.000001k", 0.001, 0);
	rate_is("2.5Mbps", 2.5e6, 1);
	rate_is("1.5kbps", 1500, 1);
	rate_is("0.4Gbps", 4e8, 1);
	rate_is("399.999999999Gbps", 399999999999, 1);
	rate_is("0001.50Mbps", 1.5e6, 1);
	/* Bounds and words as the same value written whole. */
	rate_fails("1.5G", "too large (at most 1G)");
	rate_fails("1000000.5k", "too large (at most 1G)");
	rate_fails("400.5Gbps", "too large (at most 400G)");
	rate_fails("99999999999999999999999.5G", "too large (at most 1G)");
	rate_fails("0.0000009k", "too small (at least 0.001)");
	rate_fails("0.0k", "too small (more than 0)");
	rate_fails(".0", "too small (more than 0)");
	rate_fails("0.0kbps", "too small (at least 1)");
	rate_fails(".0bps", "too small (at least 1)");
	/* A bit rate is whole bits. */
	rate_fails("1.0005kbps", nan);
	rate_fails("0.5bps", nan);
	/* Not numbers: the words of every other bad -r value. */
	rate_fails("1.5x", nan);
	rate_fails("k", nan);
	rate_fails(".k", nan);
	rate_fails(".", nan);
	rate_fails("1e3k", nan);
	rate_fails("1.5e3", nan);
	rate_fails("1.5e3k", nan);
	rate_fails("1.5kk", nan);
	rate_fails("1..5k", nan);
	rate_fails("1.5.k", nan);
	rate_fails("-0.5k", nan);
	rate_fails("+1.5k", nan);
	rate_fails(" 1.5k", nan);
	rate_fails("0x1.8k", nan);
	rate_fails("1.5kxbps", nan);
	rate_fails("inf.k", nan);
}

static void
test_parse_factor(void)
{
	double f = -1;

	ok(pace_parse_factor("2", &f, &e) == 0 && f == 2, "-R 2");
	ok(pace_parse_factor("0.25", &f, &e) == 0 && f == 0.25, "-R 0.25");
	ok(pace_parse_factor("1e6", &f, &e) == 0 && f == 1e6, "-R 1e6");
	fails(pace_parse_factor("1e-300", &f, &e),
	    "-R 1e-300: too small (at least 1e-06)");
	fails(pace_parse_factor("0", &f, &e), "-R 0: too small (more than 0)");
	fails(pace_parse_factor("-1", &f, &e),
	    "-R -1: too small (more than 0)");
	fails(pace_parse_factor("x", &f, &e), "-R x: not a number");
	fails(pace_parse_factor("", &f, &e), "-R : not a number");
	fails(pace_parse_factor("2x", &f, &e), "-R 2x: not a number");
	fails(pace_parse_factor("nan", &f, &e), "-R nan: not a number");
	fails(pace_parse_factor("1e999", &f, &e), "-R 1e999: not a number");
	fails(pace_parse_factor("2e6", &f, &e),
	    "-R 2e6: too large (at most 1000000)");
	fails(pace_parse_factor("inf", &f, &e),
	    "-R inf: too large (at most 1000000)");
	ok(f == 1e6, "a failure leaves the factor alone");
}

int
main(void)
{
	test_init();
	test_frames();
	test_bits();
	test_due();
	test_parse_rate();
	test_parse_rate_fraction();
	test_parse_factor();
	return done();
}
