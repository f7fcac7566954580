/*
 * Unit tests of lib/ring: frames sent on lo in a private network
 * namespace with a plain AF_PACKET socket come out of the ring exactly,
 * across many blocks, with their VLAN fields and statistics; a ring left
 * on a shared socket by a program that was killed is replaced, one that a
 * live program maps is not.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <endian.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"
#include "netns.h"
#include "tap.h"

#define TYPE	0x88b5

static int lo;			/* ifindex of lo */

/* A packet socket bound to lo and type, blind to its own sends. */
static int
rx_socket(uint16_t type, int ring, size_t bsize, unsigned bnr,
    struct ring *r)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1)
		goto fail;
	if (ring && ring_setup(r, fd, bsize, bnr, 2) == -1)
		goto fail;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = lo;
	sll.sll_protocol = htobe16(type);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Sends frame i of a numbered series: len bytes, type, payload = i. */
static int
send_frame(int s, uint32_t i, size_t len, int tagged)
{
	uint8_t f[9000];
	uint16_t v;
	uint32_t be = htobe32(i);
	size_t h = 14;

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	if (tagged) {
		v = htobe16(0x8100);
		memcpy(f + 12, &v, 2);
		v = htobe16((3 << 13) | 42);
		memcpy(f + 14, &v, 2);
		h = 18;
	}
	v = htobe16(TYPE);
	memcpy(f + h - 2, &v, 2);
	memcpy(f + h, &be, 4);
	memset(f + h + 4, (int)(i & 0xff), len - h - 4);
	return send(s, f, len, 0) == (ssize_t)len ? 0 : -1;
}

/* A send-only socket bound to lo with protocol 0. */
static int
tx_socket(void)
{
	struct sockaddr_ll sll;
	int fd;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = lo;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Takes frames off the ring until want have come or nothing comes for a
 * second; checks that they are the series first, first+1, ...  Returns
 * the number taken, or -1 on the first one out of order.
 */
static int
drain(struct ring *r, uint32_t first, int want, size_t len)
{
	struct ring_frame f;
	struct pollfd pfd;
	uint32_t seq;
	int n = 0;

	while (n < want) {
		if (ring_block_next(r) == 0) {
			pfd.fd = r->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 1000) <= 0)
				break;
			continue;
		}
		while (ring_frame_next(r, &f) == 1) {
			if (f.caplen != len || f.len != len) {
				diag("frame %d: caplen %u len %u, want %zu",
				    n, f.caplen, f.len, len);
				return -1;
			}
			memcpy(&seq, f.data + 14, 4);
			if (be32toh(seq) != first + (uint32_t)n) {
				diag("frame %d: seq %u", n, be32toh(seq));
				return -1;
			}
			n++;
		}
		ring_block_done(r);
	}
	return n;
}

/*
 * A child that sets a ring up on fd (as a client of an fd holder does on
 * the socket it was passed), says so on a pipe and waits to be killed.
 * Returns its pid, or -1 when it failed.
 */
static pid_t
mapper(int fd)
{
	struct ring cr;
	char c = 0;
	int p[2];
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		close(p[0]);
		c = ring_setup(&cr, fd, 1 << 16, 4, 2) == 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid == -1 || read(p[0], &c, 1) != 1 || c != 'y') {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/* Takes every frame the ring holds now, without waiting; returns how many. */
static int
take_all(struct ring *r)
{
	struct ring_frame f;
	int n = 0;

	while (ring_block_next(r) == 1) {
		while (ring_frame_next(r, &f) == 1)
			n++;
		ring_block_done(r);
	}
	return n;
}

/*
 * The next frame, across blocks (the kernel may hand over an empty one),
 * waiting at most a second for it.  Returns 1, or 0 when none came; then
 * no block is held.
 */
static int
next_frame(struct ring *r, struct ring_frame *f)
{
	struct pollfd pfd;

	for (;;) {
		if (ring_frame_next(r, f) == 1)
			return 1;
		ring_block_done(r);
		if (ring_block_next(r) == 1)
			continue;
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1000) <= 0)
			return 0;
	}
}

/* ring_geometry() of size: block_size and block_nr. */
static void
geometry(size_t size, size_t bsize, unsigned bnr, const char *name)
{
	size_t b;
	unsigned n;

	ring_geometry(size, &b, &n);
	ok(b == bsize && n == bnr, name);
}

#define GEOMETRY_TESTS	6

static void
test_geometry(void)
{
	geometry(RING_SIZE_DEFAULT, 1U << 20, 14, "geometry: 14 MiB, 1 MiB "
	    "blocks");
	geometry(4U << 20, 1U << 20, 4, "geometry: 4 MiB, four of 1 MiB");
	geometry(3U << 20, 512U << 10, 6, "geometry: 3 MiB, six of 512 KiB");
	geometry(1U << 20, 256U << 10, 4, "geometry: 1 MiB, four of 256 KiB");
	geometry(16U << 10, 4096, 4, "geometry: 16 KiB (-B's least), four "
	    "pages");
	geometry(10000, 4096, 2, "geometry: blocks never under a page");
}

int
main(void)
{
	struct ring r, r2;
	struct ring_frame f;
	uint8_t buf[9100];
	uint32_t len;
	uint16_t v;
	size_t n;
	int rx, tx, i, got, all, one, round, ok_all;
	pid_t pid;

	/* tap.h helpers this test has no use for. */
	(void)tap_is_str;

	plan(GEOMETRY_TESTS + 27);
	test_geometry();
	if (geteuid() != 0) {
		skip(27, "needs root for a network namespace");
		return done();
	}
	if ((lo = netns_lo(0)) == -1) {
		skip(27, "no network namespace with lo up");
		return done();
	}

	/* Bad geometry is refused before anything is set. */
	rx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ok(rx >= 0, "a packet socket");
	errno = 0;
	ok(ring_setup(&r, rx, 3000, 4, 0) == -1 && errno == EINVAL,
	    "a block size that is no power of two: EINVAL");
	ok(ring_setup(&r, rx, 4096, 0, 0) == -1 && errno == EINVAL,
	    "no blocks: EINVAL");
	ok(ring_setup(&r, rx, 4096, 2, 0) == 0, "a ring of two pages");
	ok(ring_setup(&r2, rx, 4096, 2, 0) == -1 && errno == EBUSY,
	    "a second ring on the same socket: EBUSY");
	ring_close(&r);
	ok(ring_setup(&r, rx, 8192, 2, 0) == 0,
	    "a ring again after ring_close");
	ring_close(&r);
	close(rx);

	/* Exactly the frames sent, in order, in one block. */
	tx = tx_socket();
	rx = rx_socket(TYPE, 1, 1 << 16, 4, &r);
	ok(tx >= 0 && rx >= 0, "sender and ring receiver on lo");
	for (i = 0; i < 10; i++)
		if (send_frame(tx, (uint32_t)i, 100, 0) == -1)
			break;
	is_int(i, 10, "10 frames sent");
	is_int(drain(&r, 0, 10, 100), 10, "the ring gives exactly them back");
	ok(ring_block_next(&r) == 0, "and nothing more");
	ok(ring_stats(&r) == 0 && r.packets == 10 && r.drops == 0,
	    "statistics: 10 packets, 0 dropped");
	is_int(ring_snaplen(&r), (1 << 16) - 256, "snaplen from the block size");

	/* Many times around a ring of small blocks. */
	ring_close(&r);
	close(rx);
	rx = rx_socket(TYPE, 1, 4096, 4, &r);
	ok_all = rx >= 0;
	for (round = 0; ok_all && round < 20; round++) {
		for (i = 0; i < 25; i++)
			if (send_frame(tx, (uint32_t)(round * 25 + i), 120,
			    0) == -1)
				ok_all = 0;
		got = drain(&r, (uint32_t)round * 25, 25, 120);
		if (got != 25) {
			diag("round %d: %d frames", round, got);
			ok_all = 0;
		}
	}
	ok(ok_all, "500 frames through 4 blocks of 4 KiB, in order");
	ok(ring_stats(&r) == 0 && r.packets == 500 && r.drops == 0,
	    "statistics: 500 packets, 0 dropped");

	/*
	 * A full ring drops, and says so.  On a loaded machine the softirq
	 * may deliver after send() returned, even while the ring is being
	 * drained (so the frames that arrive need not be consecutive): take
	 * what comes until the kernel's counters account for all 400, for at
	 * most 5 s.
	 */
	for (i = 0; i < 400; i++)
		(void)send_frame(tx, (uint32_t)i, 120, 0);
	got = 0;
	for (round = 0; round < 250; round++) {
		got += take_all(&r);
		if (ring_stats(&r) == -1 || r.packets - 500 >= 400)
			break;
		poll(NULL, 0, 20);
	}
	got += take_all(&r);
	ok(ring_stats(&r) == 0 && got > 0 && got < 400 &&
	    r.packets - 500 == 400 && (uint64_t)got + r.drops == 400,
	    "a full ring: received + dropped = sent");
	diag("%d received, %llu dropped", got, (unsigned long long)r.drops);

	/* Longer than a block holds: caplen < len, not silently cut. */
	(void)send_frame(tx, 7, 6000, 0);
	got = 0;
	while (next_frame(&r, &f) == 1)
		if (f.len == 6000 && f.caplen < f.len &&
		    f.caplen == 4096 - 48 - 82)
			got++;
	is_int(got, 1, "a 6000-byte frame in 4 KiB blocks: caplen < len");
	ring_close(&r);
	close(rx);

	/* VLAN: the kernel takes the tag off; an `all` socket gets it back. */
	rx = rx_socket(ETH_P_ALL, 1, 1 << 16, 2, &r);
	(void)send_frame(tx, 9, 80, 1);
	all = 0;
	n = 0;
	len = 0;
	while (next_frame(&r, &f) == 1) {
		memcpy(&v, f.data + 12, 2);
		if (f.len == 80 - 4 && be16toh(v) == TYPE && f.vlan_valid &&
		    f.vlan_tci == ((3 << 13) | 42) && f.vlan_tpid == 0x8100)
			all++;
		n = ring_frame_copy(&f, buf, &len);
	}
	is_int(all, 1, "ETH_P_ALL: tag stripped, tci and tpid in the ring");
	ok(n == 80 && len == 80, "ring_frame_copy gives the whole 80 bytes");
	{
		uint8_t want[80];

		memset(want, 0, sizeof(want));
		memset(want, 0xff, 6);
		memcpy(want + 6, "\x02\x00\x00\x00\x00\x01", 6);
		memcpy(want + 12, "\x81\x00\x60\x2a\x88\xb5\x00\x00\x00\x09",
		    10);
		memset(want + 22, 9, sizeof(want) - 22);
		is_mem(buf, want, sizeof(want), "the tag is back in place");
	}
	ring_close(&r);
	close(rx);

	/* One ethertype: the tag is gone for good, as the man page says. */
	rx = rx_socket(TYPE, 1, 1 << 16, 2, &r);
	(void)send_frame(tx, 10, 80, 1);
	one = 0;
	while (next_frame(&r, &f) == 1)
		if (f.len == 76 && !f.vlan_valid &&
		    f.pkttype == PACKET_OTHERHOST)
			one++;
	is_int(one, 1, "bound to 0x88b5: untagged, no VLAN fields, otherhost");

	/*
	 * A shared socket (an fd holder's): a live program's ring is its own,
	 * a killed program's is taken down and replaced, and the new ring
	 * gets the frames.
	 */
	ring_close(&r);
	close(rx);
	rx = rx_socket(TYPE, 0, 0, 0, NULL);
	pid = mapper(rx);
	ok(rx >= 0 && pid > 0, "a child maps a ring on the socket");
	errno = 0;
	ok(ring_setup(&r, rx, 1 << 16, 2, 2) == -1 && errno == EBUSY,
	    "while it lives: EBUSY");
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ok(ring_setup(&r, rx, 1 << 16, 2, 2) == 0,
	    "once it is killed: a ring of our own in its place");
	/* Late frames of the floods above may come too: look for ours. */
	for (i = 0; i < 5; i++)
		(void)send_frame(tx, 1000 + (uint32_t)i, 100, 0);
	got = 0;
	while (got < 5 && next_frame(&r, &f) == 1) {
		uint32_t seq;

		memcpy(&seq, f.data + 14, 4);
		if (f.len == 100 && be32toh(seq) == 1000 + (uint32_t)got)
			got++;
	}
	is_int(got, 5, "and the frames come through it, in order");
	ring_close(&r);

	/* ring_frame_copy of an untagged frame is the frame. */
	memset(&f, 0, sizeof(f));
	f.data = (const uint8_t *)"0123456789abcdef";
	f.caplen = 16;
	f.len = 20;
	n = ring_frame_copy(&f, buf, &len);
	ok(n == 16 && len == 20 && memcmp(buf, f.data, 16) == 0,
	    "ring_frame_copy without a tag copies as is");
	f.vlan_valid = 1;
	f.vlan_tci = 5;
	f.vlan_tpid = 0x88a8;
	n = ring_frame_copy(&f, buf, &len);
	ok(n == 20 && len == 24 &&
	    memcmp(buf + 12, "\x88\xa8\x00\x05" "cdef", 8) == 0,
	    "with a tag: TPID and TCI after the addresses");
	ring_close(&r);
	ring_close(&r);
	ok(r.map == NULL, "ring_close twice is harmless");
	close(rx);
	close(tx);
	return done();
}
