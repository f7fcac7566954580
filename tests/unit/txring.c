/*
 * Unit tests of lib/txring on real packet sockets.  Runs as root in a
 * private network namespace holding only lo, its MTU set to 1500, so no
 * real interface is touched.  What the ring sends is read back by a
 * second socket bound to the test's ethertype: lo delivers every frame,
 * in order, before the sending call returns, and the receive timeout
 * bounds every wait.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "rawsock.h"
#include "netns.h"
#include "tap.h"
#include "txring.h"

#define T1	0x88b5
#define MTU	1500
#define NFRAMES	3000

static int lo;

/* A packet socket on lo for type (ETHTYPE_NONE: send only), or -1. */
static int
open_sock(uint16_t type)
{
	struct rawsock_opts o;
	struct timeval tv = { 2, 0 };
	int fd, big = 8 << 20;

	memset(&o, 0, sizeof(o));
	o.ifindex = lo;
	o.type = type;
	if ((fd = rawsock_socket()) == -1)
		return -1;
	if (rawsock_setup(fd, &o) == -1 || setsockopt(fd, SOL_SOCKET,
	    SO_RCVTIMEO, &tv, sizeof(tv)) == -1 || setsockopt(fd, SOL_SOCKET,
	    SO_RCVBUFFORCE, &big, sizeof(big)) == -1) {
		diag("socket setup: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Frame n of len bytes (>= 20): broadcast, type, n, then n's byte. */
static void
frame(uint8_t *buf, size_t len, uint16_t type, uint32_t n)
{
	memset(buf, 0xff, 6);
	memset(buf + 6, 0x02, 6);
	buf[12] = (uint8_t)(type >> 8);
	buf[13] = (uint8_t)type;
	memcpy(buf + 14, &n, sizeof(n));
	memset(buf + 18, (int)(n & 0xff), len - 18);
}

/*
 * The next frame on r (bound to T1: only ours), its bytes into buf and
 * its length into *len; or -1 when none came within the timeout.
 */
static int
recv_one(int r, uint8_t *buf, size_t size, size_t *len)
{
	ssize_t n;

	if ((n = recv(r, buf, size, 0)) == -1)
		return -1;
	*len = (size_t)n;
	return 0;
}

static void
test_setup(void)
{
	struct txring t;
	int fd;

	if ((fd = open_sock(ETHTYPE_NONE)) == -1) {
		skip(5, "no packet socket");
		return;
	}
	errno = 0;
	ok(txring_setup(&t, fd, 16, 0) == -1 && errno == EINVAL,
	    "an MTU of 0: EINVAL");
	errno = 0;
	ok(txring_setup(&t, fd, 0, MTU) == -1 && errno == EINVAL,
	    "no slots: EINVAL");
	ok(txring_setup(&t, fd, 100, MTU) == 0, "a ring of 100 slots");
	ok(t.nslots >= 100 && t.nslots % (65536 / t.slot_size) == 0 &&
	    t.slot_size >= MTU + 18 + 32, "rounded up to whole blocks of "
	    "slots that hold a tagged frame");
	{
		struct txring u;

		errno = 0;
		ok(txring_setup(&u, fd, 16, MTU) == -1 && errno == EBUSY,
		    "a second ring on the socket: EBUSY");
	}
	txring_close(&t);
	close(fd);
}

/*
 * NFRAMES frames of lengths 60..1514 in batches of 64, each batch kicked
 * without waiting; every one arrives whole and in order, and the counts
 * say so.
 */
static void
test_stream(void)
{
	static uint8_t buf[2048], got[2048];
	struct txring t;
	struct iovec v;
	uint64_t bytes = 0;
	size_t len, glen;
	uint32_t i, k, bad = 0, recvd = 0;
	int s, r;

	if ((s = open_sock(ETHTYPE_NONE)) == -1 ||
	    (r = open_sock(T1)) == -1 || txring_setup(&t, s, 256, MTU) == -1) {
		skip(4, "no packet socket or ring");
		return;
	}
	for (i = 0; i < NFRAMES; i += 64) {
		for (k = i; k < i + 64 && k < NFRAMES; k++) {
			len = 60 + (k * 97) % (1514 - 60 + 1);
			frame(buf, len, T1, k);
			v.iov_base = buf;
			v.iov_len = len;
			bytes += len;
			while (txring_put(&t, &v, 1) == 0)
				if (txring_kick(&t, 1) == -1 &&
				    errno != ENOBUFS)
					break;
		}
		/* Without waiting, then until lo has delivered them all. */
		if (txring_kick(&t, 0) == -1 && errno != ENOBUFS &&
		    errno != EAGAIN)
			break;
		if (txring_kick(&t, 1) == -1)
			break;
		while (recvd < k) {
			if (recv_one(r, got, sizeof(got), &glen) == -1)
				break;
			len = 60 + (recvd * 97) % (1514 - 60 + 1);
			frame(buf, len, T1, recvd);
			if (glen != len || memcmp(got, buf, len) != 0)
				bad++;
			recvd++;
		}
	}
	ok(txring_kick(&t, 1) == 0 && t.pending == 0, "the last kick waits "
	    "until every frame is sent");
	while (recvd < NFRAMES && recv_one(r, got, sizeof(got), &glen) == 0)
		recvd++;
	is_int(recvd, NFRAMES, "every frame arrived");
	is_int(bad, 0, "each one whole and in order");
	ok(t.sent == NFRAMES && t.bytes == bytes, "sent and bytes count "
	    "them all");
	txring_close(&t);
	close(r);
	close(s);
}

/* The kernel's length rules, refused before the ring; a gathered frame. */
static void
test_lengths(void)
{
	static uint8_t buf[2048], got[2048], pad[64];
	struct txring t;
	struct iovec v[3];
	size_t glen;
	int s, r;

	if ((s = open_sock(ETHTYPE_NONE)) == -1 ||
	    (r = open_sock(T1)) == -1 || txring_setup(&t, s, 64, MTU) == -1) {
		skip(10, "no packet socket or ring");
		return;
	}
	frame(buf, MTU + 14, T1, 1);
	v[0].iov_base = buf;
	v[0].iov_len = MTU + 15;
	errno = 0;
	ok(txring_put(&t, v, 1) == -1 && errno == EMSGSIZE,
	    "MTU + 15 bytes untagged: EMSGSIZE");
	v[0].iov_len = 13;
	errno = 0;
	ok(txring_put(&t, v, 1) == -1 && errno == EINVAL,
	    "13 bytes: EINVAL");
	is_int(t.pending, 0, "neither took a slot");
	/* A tagged frame of MTU + 18 bytes: 0x8100, TCI 5, then T1. */
	frame(buf, MTU + 18, 0x8100, 7);
	buf[14] = 0x00;
	buf[15] = 0x05;
	buf[16] = (uint8_t)(T1 >> 8);
	buf[17] = (uint8_t)T1;
	v[0].iov_len = MTU + 19;
	errno = 0;
	ok(txring_put(&t, v, 1) == -1 && errno == EMSGSIZE,
	    "MTU + 19 bytes tagged: EMSGSIZE");
	v[0].iov_len = MTU + 18;
	ok(txring_put(&t, v, 1) == 1 && txring_kick(&t, 1) == 0 &&
	    t.sent == 1, "MTU + 18 bytes tagged: sent");
	/* Gathered: a header, a payload, zero padding, as ethsend builds. */
	frame(buf, 60, T1, 9);
	memset(buf + 20, 0, 40);
	memset(pad, 0, sizeof(pad));
	v[0].iov_base = buf;
	v[0].iov_len = 14;
	v[1].iov_base = buf + 14;
	v[1].iov_len = 6;
	v[2].iov_base = pad;
	v[2].iov_len = 40;
	ok(txring_put(&t, v, 3) == 1 && txring_kick(&t, 1) == 0,
	    "a frame gathered from three pieces: sent");
	/*
	 * lo took the tag off the tagged frame: r, bound to T1, may see it
	 * or not; the gathered one it sees whole.
	 */
	glen = 0;
	while (recv_one(r, got, sizeof(got), &glen) == 0 && glen != 60)
		;
	ok(glen == 60 && memcmp(got, buf, 60) == 0, "it arrives as one "
	    "frame, byte for byte");
	txring_close(&t);
	ok(t.map == NULL && t.sent == 2, "closed, the counts kept");
	/* The ring is gone from the socket: a plain send works again. */
	frame(buf, 60, T1, 11);
	ok(send(s, buf, 60, 0) == 60 && recv_one(r, got, sizeof(got),
	    &glen) == 0 && glen == 60 && memcmp(got, buf, 60) == 0,
	    "after txring_close a plain send(2) sends its own buffer");
	/* The kernel's own rule is txring_put()'s, at both edges. */
	frame(buf, MTU + 15, T1, 12);
	errno = 0;
	ok(send(s, buf, MTU + 15, 0) == -1 && errno == EMSGSIZE &&
	    send(s, buf, MTU + 14, 0) == MTU + 14, "the kernel too refuses "
	    "MTU + 15 bytes untagged and takes MTU + 14");
	close(r);
	close(s);
}

/* A ring with no room says 0 until a waiting kick frees it. */
static void
test_full(void)
{
	static uint8_t buf[64];
	struct txring t;
	struct iovec v = { buf, 60 };
	unsigned i, n = 0;
	int s, rc;

	if ((s = open_sock(ETHTYPE_NONE)) == -1 ||
	    txring_setup(&t, s, 1, MTU) == -1) {
		skip(3, "no packet socket or ring");
		return;
	}
	frame(buf, 60, T1, 0);
	for (i = 0; i <= t.nslots; i++)
		if ((rc = txring_put(&t, &v, 1)) == 1)
			n++;
	ok(n == t.nslots && rc == 0, "a full ring takes no more: 0");
	ok(txring_kick(&t, 1) == 0 && t.pending == 0 &&
	    t.sent == t.nslots, "a waiting kick sends them all");
	ok(txring_put(&t, &v, 1) == 1, "then there is room again");
	txring_close(&t);
	close(s);
}

int
main(void)
{
	if (geteuid() != 0)
		skip_all("needs root for a network namespace and packet sockets");
	if ((lo = netns_lo(MTU)) == -1)
		skip_all("cannot make a network namespace with lo at MTU 1500");
	plan(5 + 4 + 10 + 3);
	test_setup();
	test_stream();
	test_lengths();
	test_full();
	return done();
}
