/*
 * Unit tests of lib/timeutil: conversions, arithmetic across the second,
 * and the clock-driven helpers against bounds that cannot flake.
 */
#include <stdint.h>
#include <time.h>

#include "tap.h"
#include "timeutil.h"

int
main(void)
{
	struct timespec a, b, d, now;
	uint64_t t0, t1;

	plan(27);

	a = ts_from_ms(0);
	ok(a.tv_sec == 0 && a.tv_nsec == 0, "0 ms");
	a = ts_from_ms(1);
	ok(a.tv_sec == 0 && a.tv_nsec == 1000000, "1 ms");
	a = ts_from_ms(2500);
	ok(a.tv_sec == 2 && a.tv_nsec == 500000000, "2500 ms");
	a = ts_from_ms(31536000000LL);
	ok(a.tv_sec == 31536000 && a.tv_nsec == 0, "a year of ms");

	a = ts_from_ns(1999999999ULL);
	ok(a.tv_sec == 1 && a.tv_nsec == 999999999, "ns to timespec");
	is_int(ts_ns(&a), 1999999999LL, "and back");
	a.tv_sec = 4000000000LL;
	a.tv_nsec = 1;
	ok(ts_ns(&a) == 4000000000ULL * 1000000000ULL + 1, "ts_ns past 2^32 s");

	a.tv_sec = 1;
	a.tv_nsec = 900000000;
	ts_add(&a, ts_from_ms(200));
	ok(a.tv_sec == 2 && a.tv_nsec == 100000000, "add carries a second");
	ts_add(&a, ts_from_ms(0));
	ok(a.tv_sec == 2 && a.tv_nsec == 100000000, "add 0");
	a.tv_sec = 0;
	a.tv_nsec = 999999999;
	ts_add(&a, ts_from_ns(1));
	ok(a.tv_sec == 1 && a.tv_nsec == 0, "add reaches exactly a second");

	a.tv_sec = 2;
	a.tv_nsec = 100000000;
	b.tv_sec = 1;
	b.tv_nsec = 900000000;
	d = ts_sub(&a, &b);
	ok(d.tv_sec == 0 && d.tv_nsec == 200000000, "sub borrows a second");
	d = ts_sub(&b, &a);
	ok(d.tv_sec == -1 && d.tv_nsec == 800000000, "sub negative");
	d = ts_sub(&a, &a);
	ok(d.tv_sec == 0 && d.tv_nsec == 0, "sub itself");

	is_int(ts_cmp(&a, &b), 1, "cmp later");
	is_int(ts_cmp(&b, &a), -1, "cmp earlier");
	is_int(ts_cmp(&a, &a), 0, "cmp same");
	b = a;
	b.tv_nsec++;
	is_int(ts_cmp(&a, &b), -1, "cmp by ns");

	/* The clock: bounds only, never a duration. */
	ts_now(&now);
	a = now;
	is_int(ts_ms_until(&a), 0, "until now: 0");
	b = now;
	b.tv_sec -= 5;
	is_int(ts_ms_until(&b), 0, "until the past: 0");
	a = now;
	ts_add(&a, ts_from_ms(60000));
	ok(ts_ms_until(&a) > 0 && ts_ms_until(&a) <= 60000,
	    "until a minute ahead: (0, 60000]");
	a = now;
	ts_add(&a, ts_from_ns(1));
	ok(ts_ms_until(&a) <= 1, "1 ns ahead rounds up to at most 1 ms");
	a = now;
	ts_add(&a, ts_from_ms(60000));
	is_int(ts_ms_sooner(10, &a), 10, "sooner: the timeout");
	ok(ts_ms_sooner(-1, &a) > 10, "sooner: no timeout, the time");
	is_int(ts_ms_sooner(-1, &b), 0, "sooner: a past time is 0");

	t0 = ts_now_ns();
	ts_sleep_until_ns(t0 + 1000000);
	t1 = ts_now_ns();
	ok(t1 >= t0 + 1000000, "sleep_until does not wake early");
	ts_sleep_until_ns(t0);
	ok(ts_now_ns() >= t1, "sleep_until a past time returns");
	ok(ts_wall_ns() > 1500000000ULL * 1000000000ULL, "wall clock after 2017");
	return done();
}
