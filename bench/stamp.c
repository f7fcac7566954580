/*
 * stamp: prints the time it started (CLOCK_MONOTONIC seconds) on stdout
 * and exits.  Built static, so that its own start costs as little as
 * possible; exec.sh runs it under each wrapper.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>

int
main(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 111;
	printf("%lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	return 0;
}
