/*
 * timeutil: struct timespec arithmetic and the clock, in one place.
 *
 *	ts_now(&t);  ts_add(&t, ts_from_ms(500));
 *	ms = ts_ms_until(&t);		(for poll(2): 0 once t has passed)
 *
 * Every timespec here is normalised (0 <= tv_nsec < NSEC_PER_SEC) and
 * the clock is CLOCK_MONOTONIC unless a name says otherwise.  Nothing
 * here prints or exits, and there is no global state.
 */
#ifndef LIB_TIMEUTIL_H
#define LIB_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL
#define NSEC_PER_USEC	1000LL
#define MSEC_PER_SEC	1000LL

/* ms milliseconds (ms >= 0) as a timespec.  Never fails. */
struct timespec ts_from_ms(long long ms);

/* ns nanoseconds (ns >= 0) as a timespec.  Never fails. */
struct timespec ts_from_ns(uint64_t ns);

/* t in nanoseconds (t at or after the epoch of its clock).  Never fails. */
uint64_t ts_ns(const struct timespec *t);

/* *t += d, normalised.  Never fails. */
void	ts_add(struct timespec *t, struct timespec d);

/* a - b, normalised; negative (tv_sec < 0) when b is later.  Never fails. */
struct timespec ts_sub(const struct timespec *a, const struct timespec *b);

/* <0, 0 or >0 as a is before, at or after b.  Never fails. */
int	ts_cmp(const struct timespec *a, const struct timespec *b);

/*
 * The time of CLOCK_MONOTONIC into *t.  Never fails: the clock exists on
 * every Linux this builds for.
 */
void	ts_now(struct timespec *t);

/* CLOCK_MONOTONIC now, in nanoseconds.  Never fails. */
uint64_t ts_now_ns(void);

/* CLOCK_REALTIME now, in nanoseconds since the epoch.  Never fails. */
uint64_t ts_wall_ns(void);

/*
 * Milliseconds from now (CLOCK_MONOTONIC) until t, rounded up so that a
 * poll(2) that long ends at or after t; 0 once t has passed.  Never fails.
 */
long long ts_ms_until(const struct timespec *t);

/*
 * The smaller of a timeout of ms milliseconds (-1: none) and
 * ts_ms_until(t), for poll(2).  Never fails.
 */
long long ts_ms_sooner(long long ms, const struct timespec *t);

/*
 * Sleeps until CLOCK_MONOTONIC reads t (ns); a signal handler that runs
 * cuts the sleep short.  Never fails.
 */
void	ts_sleep_until_ns(uint64_t t);

#endif /* LIB_TIMEUTIL_H */
