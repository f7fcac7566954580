/*
 * execloop: how long commands take to start a program, N times over.
 *
 *	execloop N PROG [ARG]... [:: PROG [ARG]...]...
 *
 * Runs each command N times, taking turns (the first, the second, ...,
 * the first again), so that the machine's pace drifting over seconds
 * touches them all alike.  Each command runs with its stdout on a pipe and
 * is expected to end by exec'ing bench/stamp, which prints the time it
 * started.  For each run: start = stamp's time - the time just before
 * fork(2); total = the time waitpid(2) returned - the same.  Prints one
 * line per command, "START_US TOTAL_US" (medians, microseconds).  total
 * includes the exit, which for a program holding a packet socket includes
 * an RCU grace period (packet_release calls synchronize_net).
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(111, "clock_gettime");
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define MAXCMD	16

/* One run of cmd; sets *start and *total (seconds). */
static void
run(char **cmd, long i, double *start, double *total)
{
	char buf[64], *end;
	double t0, t1;
	ssize_t r;
	size_t have;
	pid_t pid;
	int p[2], status;

	if (pipe2(p, O_CLOEXEC) == -1)
		err(111, "pipe2");
	t0 = now();
	if ((pid = fork()) == -1)
		err(111, "fork");
	if (pid == 0) {
		if (dup2(p[1], 1) == -1)
			_exit(111);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(p[1]);
	have = 0;
	while (have < sizeof(buf) - 1 &&
	    (r = read(p[0], buf + have, sizeof(buf) - 1 - have)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			err(111, "read");
		}
		have += (size_t)r;
	}
	close(p[0]);
	buf[have] = '\0';
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(111, "waitpid");
	t1 = now();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "run %ld: %s exited with status %d", i + 1, cmd[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status));
	*start = strtod(buf, &end) - t0;
	if (end == buf)
		errx(1, "run %ld: no time stamp from %s", i + 1, cmd[0]);
	*total = t1 - t0;
}

int
main(int argc, char *argv[])
{
	char **cmds[MAXCMD], *end;
	double *start, *total;
	long n, i;
	int c, k, ncmd;

	if (argc < 3) {
		fprintf(stderr, "usage: execloop N PROG [ARG]... "
		    "[:: PROG [ARG]...]...\n");
		return 100;
	}
	n = strtol(argv[1], &end, 10);
	if (*end != '\0' || n < 1 || n > 1000000)
		errx(100, "%s: bad count", argv[1]);
	/* Split the commands at "::", each ending in a NULL of its own. */
	ncmd = 0;
	cmds[ncmd++] = argv + 2;
	for (k = 2; k < argc; k++) {
		if (strcmp(argv[k], "::") != 0)
			continue;
		if (ncmd == MAXCMD)
			errx(100, "more than %d commands", MAXCMD);
		argv[k] = NULL;
		cmds[ncmd++] = argv + k + 1;
	}
	for (c = 0; c < ncmd; c++)
		if (cmds[c][0] == NULL)
			errx(100, "an empty command");
	if ((start = calloc((size_t)(n * ncmd), sizeof(*start))) == NULL ||
	    (total = calloc((size_t)(n * ncmd), sizeof(*total))) == NULL)
		err(111, "calloc");
	for (i = 0; i < n; i++)
		for (c = 0; c < ncmd; c++)
			run(cmds[c], i, &start[c * n + i], &total[c * n + i]);
	for (c = 0; c < ncmd; c++) {
		qsort(start + c * n, (size_t)n, sizeof(*start), cmp);
		qsort(total + c * n, (size_t)n, sizeof(*total), cmp);
		printf("%.0f %.0f\n", start[c * n + n / 2] * 1e6,
		    total[c * n + n / 2] * 1e6);
	}
	return 0;
}
