/*
 * timeutil: struct timespec arithmetic and the clock.
 */
#include <stdint.h>
#include <time.h>

#include "timeutil.h"

struct timespec
ts_from_ms(long long ms)
{
	struct timespec t;

	t.tv_sec = (time_t)(ms / MSEC_PER_SEC);
	t.tv_nsec = (long)(ms % MSEC_PER_SEC * NSEC_PER_MSEC);
	return t;
}

struct timespec
ts_from_ns(uint64_t ns)
{
	struct timespec t;

	t.tv_sec = (time_t)(ns / NSEC_PER_SEC);
	t.tv_nsec = (long)(ns % NSEC_PER_SEC);
	return t;
}

uint64_t
ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * NSEC_PER_SEC + (uint64_t)t->tv_nsec;
}

void
ts_add(struct timespec *t, struct timespec d)
{
	t->tv_sec += d.tv_sec;
	t->tv_nsec += d.tv_nsec;
	if (t->tv_nsec >= NSEC_PER_SEC) {
		t->tv_sec++;
		t->tv_nsec -= NSEC_PER_SEC;
	}
}

struct timespec
ts_sub(const struct timespec *a, const struct timespec *b)
{
	struct timespec d;

	d.tv_sec = a->tv_sec - b->tv_sec;
	d.tv_nsec = a->tv_nsec - b->tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += NSEC_PER_SEC;
	}
	return d;
}

int
ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

void
ts_now(struct timespec *t)
{
	(void)clock_gettime(CLOCK_MONOTONIC, t);
}

uint64_t
ts_now_ns(void)
{
	struct timespec t;

	ts_now(&t);
	return ts_ns(&t);
}

uint64_t
ts_wall_ns(void)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_REALTIME, &t);
	return ts_ns(&t);
}

long long
ts_ms_until(const struct timespec *t)
{
	struct timespec now, d;

	ts_now(&now);
	if (ts_cmp(t, &now) <= 0)
		return 0;
	d = ts_sub(t, &now);
	return (long long)d.tv_sec * MSEC_PER_SEC +
	    (d.tv_nsec + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
}

long long
ts_ms_sooner(long long ms, const struct timespec *t)
{
	long long m = ts_ms_until(t);

	return ms < 0 || m < ms ? m : ms;
}

void
ts_sleep_until_ns(uint64_t t)
{
	struct timespec ts = ts_from_ns(t);

	(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}
