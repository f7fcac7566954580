/*
 * meter: how fast frames arrive on an interface, measured where they land.
 *
 *	meter [-i idle_ms] [-r readyfile] [-t max_secs] IFACE
 *
 * Polls /sys/class/net/IFACE/statistics/rx_packets every millisecond (run
 * it inside the receiving network namespace).  The window opens at the
 * first change of the counter and closes at its last change, once it has
 * stood still for idle_ms (default 400) or max_secs (default 20) have
 * passed since the meter started.  Prints "FRAMES SECONDS TOTAL START" on
 * stdout: the frames in the window and its length (the sender's start-up
 * and exit are not in it, so the rate is the one the receiver saw), every
 * frame counted since the meter started, and when the window opened
 * (CLOCK_MONOTONIC seconds, to compare with pcapcount's).  "0 0 0 0" when
 * nothing arrived.  On SIGTERM
 * or SIGINT it prints the window so far and exits.  With -r it creates
 * readyfile once it has read the counter, so a script can start the sender.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
onsig(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(111, "clock_gettime");
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads the counter: pread from offset 0 re-reads a sysfs attribute. */
static unsigned long long
counter(int fd)
{
	char buf[64];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		err(111, "read rx_packets");
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	struct timespec tick = { 0, 1000000 };
	char path[PATH_MAX];
	const char *ready = NULL;
	unsigned long long c, c0, last, first;
	double start, t, t0 = 0, t1 = 0, maxs = 20, idle = 0.4;
	int ch, fd, moved = 0;

	while ((ch = getopt(argc, argv, "+i:r:t:")) != -1)
		switch (ch) {
		case 'i':
			idle = atof(optarg) / 1000;
			break;
		case 'r':
			ready = optarg;
			break;
		case 't':
			maxs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: meter [-i idle_ms] [-r readyfile] [-t max_secs] IFACE\n");
			return 100;
		}
	argc -= optind;
	argv += optind;
	if (argc != 1 || idle <= 0 || maxs <= 0) {
		fprintf(stderr, "usage: meter [-i idle_ms] [-r readyfile] [-t max_secs] IFACE\n");
		return 100;
	}
	if ((size_t)snprintf(path, sizeof(path),
	    "/sys/class/net/%s/statistics/rx_packets", argv[0]) >= sizeof(path))
		errx(100, "%s: name too long", argv[0]);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(111, "%s", path);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		err(111, "sigaction");

	start = now();
	first = c0 = last = counter(fd);
	if (ready != NULL) {
		int rfd;

		if ((rfd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
			err(111, "%s", ready);
		close(rfd);
	}
	while (!stop) {
		if (nanosleep(&tick, NULL) == -1 && errno != EINTR)
			err(111, "nanosleep");
		c = counter(fd);
		t = now();
		if (c != last) {
			if (!moved) {
				/* The window starts at the first frame seen. */
				moved = 1;
				c0 = c;
				t0 = t;
			}
			last = c;
			t1 = t;
		} else if (moved && t - t1 >= idle)
			break;
		if (t - start >= maxs)
			break;
	}
	if (!moved || t1 <= t0)
		printf("0 0 %llu 0\n", last - first);
	else
		printf("%llu %.6f %llu %.6f\n", last - c0, t1 - t0, last - first,
		    t0);
	return 0;
}
