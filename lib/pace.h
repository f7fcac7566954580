/*
 * pace: when the frames of a sender are due, as -r and -R ask.
 *
 *	-r RATE		a token bucket of frames (or bits) per second,
 *			refilled from the clock, holding at most one batch;
 *	-R FACTOR	each record when its timestamp says, FACTOR times
 *			faster, counted from the first record of the pass.
 *
 *	pace_init(&p, rate, bitrate, factor, maxframe, batch, now);
 *	k = pace_take(&p, lens, n, now, &wake);	(-r: send k, or sleep)
 *	t = pace_due(&p, rec.ts_ns, now);	(-R: sleep until t)
 *
 * Pure arithmetic: every time is given in (nanoseconds of
 * CLOCK_MONOTONIC), none is read here, so that a test can say exactly
 * what is due when.  The rate parsers word their errors as lib/cli's.
 * Nothing here prints or exits, and there is no global state.
 */
#ifndef LIB_PACE_H
#define LIB_PACE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define PACE_RATE_MAX	1000000000LL	/* -r: frames per second */
#define PACE_BITRATE_MAX 400000000000LL	/* -r ...bps: bits per second */
#define PACE_FACTOR_MAX	1e6		/* -R */
/* The least: a frame every 1000 s, a capture slowed a millionfold. */
#define PACE_RATE_MIN	0.001		/* -r, a fraction */
#define PACE_FACTOR_MIN	1e-6		/* -R */

struct pace {
	double		 rate;		/* -r: per second; 0: not paced */
	int		 bitrate;	/* rate counts bits, not frames */
	double		 factor;	/* -R; 0: timestamps ignored */
	uint64_t	 start;		/* ns: when pacing began */
	uint64_t	 unit;		/* -r: the cost of the largest frame */
	uint64_t	 burst;		/* -r: what the bucket holds */
	uint64_t	 paced;		/* -r: frames or bits due since start */
	uint64_t	 ts0, wall0;	/* -R: the first timestamp, its time */
	int		 have_ts0;
};

/*
 * Sets p up: rate frames per second (bits when bitrate; 0: no -r),
 * factor (0: no -R), from start (ns, CLOCK_MONOTONIC) on.  A frame
 * costs 1 in the bucket, or under a bit rate 8 bits a byte, and the
 * bucket holds rate/1000 (a millisecond's worth), but at least one frame
 * of maxframe bytes (and its 4-byte tag) and at most batch of them.
 * Never fails.
 */
void	pace_init(struct pace *p, double rate, int bitrate, double factor,
	    size_t maxframe, unsigned int batch, uint64_t start);

/*
 * -r: how many of the n frames of lens[0..n) (their sizes in bytes) may
 * be sent at time now, counted as sent.  A sender that fell behind by
 * more than the bucket holds forgets the missed time: what follows a
 * stall is at most one burst.  Returns 0 when not even lens[0] is due
 * yet, with *wake the time at which it is.  p->rate must be > 0 and
 * n > 0.  Never fails.
 */
unsigned int pace_take(struct pace *p, const size_t *lens, unsigned int n,
	    uint64_t now, uint64_t *wake);

/*
 * -R: the time (ns) at which a record of timestamp ts (ns) is due, with
 * now the time it is asked: the first record of a pass (since
 * pace_init() or pace_rewind()) is due at once, and so is any that is
 * not later than it; the others factor times faster than their
 * timestamps say.  p->factor must be > 0.  Never fails.
 */
uint64_t pace_due(struct pace *p, uint64_t ts, uint64_t now);

/* A new pass over the input: its first record is due at once again. */
void	pace_rewind(struct pace *p);

/*
 * -r RATE: frames per second, or bits per second with "bps" after the
 * number ("pps" may say frames); k, M, G multiply by 1000 as for every
 * count (cli_count()).  The number may be a fraction, digits with a point
 * ("0.5", "1.5k", "2.5Mbps"; no sign or exponent): a frame rate of at
 * least PACE_RATE_MIN, a bit rate that comes out a whole number of bits
 * ("1.5kbps", not "1.5bps").  Returns 0 with *rate and *bitrate set, or
 * -1 with e filled (100) and both untouched, its message naming the whole
 * value: "-r 5x: not a number (k, M or G may follow)", "-r 0: too small
 * (at least 1)", "-r 0.0: too small (more than 0)", "-r 1.5G: too large
 * (at most 1G)", "-r bps: not a rate (...)".
 */
int	pace_parse_rate(const char *s, double *rate, int *bitrate,
	    struct cli_err *e);

/*
 * -R FACTOR: a positive number, which may be a fraction, from
 * PACE_FACTOR_MIN to PACE_FACTOR_MAX.  Returns 0 with *factor set, or -1 with e filled
 * (100): "-R x: not a number", "-R 0: too small (more than 0)", "-R 2e6:
 * too large (at most 1000000)".
 */
int	pace_parse_factor(const char *s, double *factor, struct cli_err *e);

#endif /* LIB_PACE_H */
