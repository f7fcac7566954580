/*
 * Unit tests of lib/outq, over pipes with readers the test controls:
 * records whole and in order through partial writes and EAGAIN, a reader
 * that stalls (the deadline), signals that are counted (EINTR) and not
 * (retried), a reader that goes (EPIPE), a socket, and a regular file.
 * No test depends on how long anything takes.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outq.h"
#include "tap.h"
#include "timeutil.h"

#define TOTAL	(3U << 20)	/* more than any pipe holds */

static volatile sig_atomic_t counted, uncounted;

static void on_usr1(int sig) { (void)sig; counted++; }
static void on_usr2(int sig) { (void)sig; uncounted++; }

/* Byte i of the test stream. */
static uint8_t
byte(size_t i)
{
	return (uint8_t)(i * 7 + i / 251);
}

/*
 * A reader in a child: reads fd in chunks of at most chunk bytes until the
 * end of file, and exits 0 when it got exactly TOTAL bytes of the stream.
 */
static pid_t
reader(int fd, int other, size_t chunk)
{
	uint8_t b[65536];
	size_t got = 0, i;
	ssize_t n;
	pid_t pid;

	if ((pid = fork()) != 0)
		return pid;
	close(other);
	for (;;) {
		n = read(fd, b, chunk < sizeof(b) ? chunk : sizeof(b));
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (b[i] != byte(got + i))
				_exit(2);
		got += (size_t)n;
	}
	_exit(n == 0 && got == TOTAL ? 0 : 1);
}

/*
 * Writes the stream to q as records of assorted sizes: some copied with
 * reserve/commit, some with put, some referenced from src.
 */
static int
write_stream(struct outq *q, const uint8_t *src)
{
	struct iovec v[2];
	size_t off = 0, n, k = 0;
	uint8_t *p;

	while (off < TOTAL) {
		n = 1 + (k * 977) % 3000;
		if (n > TOTAL - off)
			n = TOTAL - off;
		switch (k++ % 3) {
		case 0:
			if ((p = outq_reserve(q, n)) == NULL)
				return -1;
			memcpy(p, src + off, n);
			outq_commit(q, n);
			break;
		case 1:
			v[0].iov_base = (void *)(uintptr_t)(src + off);
			v[0].iov_len = n / 2;
			v[1].iov_base = (void *)(uintptr_t)(src + off + n / 2);
			v[1].iov_len = n - n / 2;
			if (outq_put(q, v, 2) == -1)
				return -1;
			break;
		default:
			if (outq_reserve(q, 0) == NULL ||
			    outq_ref(q, src + off, n) == -1)
				return -1;
			break;
		}
		off += n;
	}
	return outq_flush(q);
}

/* Fills the pipe behind q until a write would block; returns how much. */
static size_t
fill(struct outq *q)
{
	static uint8_t junk[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = write(outq_fd(q), junk, sizeof(junk))) > 0)
		total += (size_t)n;
	return total;
}

/* A pipe, or the test ends. */
static void
mkpipe(int p[2])
{
	if (pipe(p) == -1) {
		diag("pipe: %s", strerror(errno));
		exit(1);
	}
}

static int
status_of(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
main(void)
{
	struct sigaction sa;
	struct outq q;
	struct timespec end;
	sigset_t block, waitmask;
	uint8_t *src;
	char path[] = "/tmp/outq-test.XXXXXX";
	struct stat st;
	size_t filled;
	int p[2], s[2], fd, rc;
	pid_t pid;
	size_t i;

	plan(30);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGUSR1);
	sigdelset(&waitmask, SIGUSR2);
	if ((src = malloc(TOTAL)) == NULL)
		return 1;
	for (i = 0; i < TOTAL; i++)
		src[i] = byte(i);

	/* 1. A slow reader: partial writes and EAGAIN, nothing lost. */
	mkpipe(p);
	pid = reader(p[0], p[1], 4093);
	close(p[0]);
	ok(outq_init(&q, p[1], 1 << 16) == 0, "init on a pipe");
	ok(q.nonblock && q.ownfd != -1, "the pipe is reopened, not blocking");
	ok((fcntl(p[1], F_GETFL) & O_NONBLOCK) == 0,
	    "the caller's fd stays blocking");
	outq_signals(&q, &waitmask, &counted);
	is_int(write_stream(&q, src), 0, "3 MiB through a 64 KiB buffer");
	ok(!outq_pending(&q) && !outq_has_refs(&q), "nothing left queued");
	outq_free(&q);
	close(p[1]);
	is_int(status_of(pid), 0, "the reader got every byte, in order");

	/* 2. A reader that stalls: the deadline ends the wait. */
	mkpipe(p);
	outq_init(&q, p[1], 1 << 16);
	outq_signals(&q, &waitmask, &counted);
	filled = fill(&q);
	memcpy(outq_reserve(&q, 100), src, 100);
	outq_commit(&q, 100);
	ts_now(&end);
	ts_add(&end, ts_from_ms(20));
	outq_deadline(&q, &end);
	rc = outq_flush(&q);
	ok(rc == -1 && errno == ETIMEDOUT, "stalled reader: ETIMEDOUT");
	ok(outq_pending(&q), "what was not written is kept");

	/* 3. A signal that is not counted is retried, then the deadline. */
	ts_now(&end);
	ts_add(&end, ts_from_ms(20));
	raise(SIGUSR2);
	rc = outq_flush(&q);
	ok(rc == -1 && errno == ETIMEDOUT, "an uncounted signal: waits on");
	is_int(uncounted, 1, "it was taken in the wait");

	/* 4. A counted signal ends the wait with EINTR, deadline or not. */
	outq_deadline(&q, NULL);
	raise(SIGUSR1);
	rc = outq_flush(&q);
	ok(rc == -1 && errno == EINTR, "a counted signal: EINTR");
	is_int(counted, 1, "it was taken in the wait");

	/* 5. The reader comes back: the flush carries on where it stopped. */
	{
		uint8_t b[65536];
		ssize_t n;
		size_t got = 0;

		pid = fork();
		if (pid == 0) {
			close(p[1]);
			close(q.fd);
			while ((n = read(p[0], b, sizeof(b))) > 0)
				got += (size_t)n;
			/* The fill, then exactly the 100 bytes. */
			_exit(got == filled + 100 ? 0 : 1);
		}
		close(p[0]);
		is_int(outq_flush(&q), 0, "the reader reads again: flushed");
		outq_free(&q);
		close(p[1]);
		is_int(status_of(pid), 0, "the rest arrived once, not twice");
	}

	/* 6. The reader goes: EPIPE, at once or from the wait. */
	mkpipe(p);
	outq_init(&q, p[1], 1 << 16);
	close(p[0]);
	memcpy(outq_reserve(&q, 10), src, 10);
	outq_commit(&q, 10);
	rc = outq_flush(&q);
	ok(rc == -1 && errno == EPIPE, "no reader: EPIPE");
	outq_free(&q);
	close(p[1]);
	mkpipe(p);
	outq_init(&q, p[1], 1 << 16);
	outq_signals(&q, &waitmask, &counted);
	fill(&q);
	memcpy(outq_reserve(&q, 10), src, 10);
	outq_commit(&q, 10);
	pid = fork();
	if (pid == 0) {
		/* Closes the read end while the writer flushes. */
		close(p[1]);
		close(q.fd);
		_exit(0);
	}
	close(p[0]);
	rc = outq_flush(&q);
	ok(rc == -1 && errno == EPIPE, "a full pipe whose reader goes: EPIPE");
	status_of(pid);
	outq_free(&q);
	close(p[1]);

	/* 7. Too large for the buffer. */
	mkpipe(p);
	outq_init(&q, p[1], 4096);
	ok(outq_reserve(&q, 4097) == NULL && errno == EMSGSIZE,
	    "reserve beyond the buffer: EMSGSIZE");
	{
		struct iovec v = { src, 5000 };

		ok(outq_put(&q, &v, 1) == -1 && errno == EMSGSIZE,
		    "put beyond the buffer: EMSGSIZE");
	}
	ok(!outq_pending(&q), "and nothing queued");
	outq_free(&q);
	close(p[0]);
	close(p[1]);

	/* 8. A socket: sendmsg, whole; an unconnected one is refused. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	pid = reader(s[0], s[1], 65536);
	close(s[0]);
	ok(outq_init(&q, s[1], 1 << 16) == 0 && q.sock, "init on a socket");
	is_int(write_stream(&q, src), 0, "3 MiB to a socket");
	outq_free(&q);
	close(s[1]);
	is_int(status_of(pid), 0, "the socket's reader got every byte");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ok(outq_init(&q, fd, 4096) == -1 && errno == ENOTCONN,
	    "an unconnected socket: ENOTCONN");
	close(fd);

	/* 9. A regular file: written whole, at its offset. */
	fd = mkstemp(path);
	unlink(path);
	ok(write(fd, "head", 4) == 4, "a file with 4 bytes in it");
	ok(outq_init(&q, fd, 1 << 16) == 0 && q.regular && q.good == 4,
	    "init on a file: its offset");
	is_int(write_stream(&q, src), 0, "3 MiB to a file");
	fstat(fd, &st);
	is_int(st.st_size, TOTAL + 4, "the file holds all of it");
	{
		uint8_t *b = malloc(TOTAL);

		ok(pread(fd, b, TOTAL, 4) == TOTAL &&
		    memcmp(b, src, TOTAL) == 0, "byte for byte");
		free(b);
	}
	is_int(q.good, TOTAL + 4, "its valid length follows");
	outq_free(&q);
	close(fd);

	/* 10. outq_free on a zeroed queue closes nothing. */
	memset(&q, 0, sizeof(q));
	outq_free(&q);
	ok(fcntl(0, F_GETFD) != -1, "fd 0 is left alone");
	free(src);
	return done();
}
