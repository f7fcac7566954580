/*
 * Unit tests of lib/relay.  The wire is one end of an AF_UNIX SOCK_DGRAM
 * socketpair (a packet socket's stand-in: one frame per datagram), the
 * program's side a SOCK_SEQPACKET pair; relay_run() runs in a forked
 * child that writes its stats back through a pipe when it ends.  Every
 * wait is bounded: SO_RCVTIMEO on the test's sockets, and an alarm over
 * the whole run.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rawsock.h"
#include "relay.h"
#include "netns.h"
#include "tap.h"

#define T1	0x88b5
#define T2	0x88b6
#define T_BAD	0x0800

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static int
types_ok(const void *arg, uint16_t type)
{
	(void)arg;
	return type == T1 || type == T2 || type == 0x8100;
}

static int
untagged_ok(const void *arg, uint16_t type)
{
	(void)arg;
	return type == T1;
}

static void
conf_init(struct relay_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->send = RELAY_SEND_IFACE;
	memcpy(c->mac, our_mac, 6);
	c->mtu = 1500;
	c->type_ok = types_ok;
}

/*
 * A frame of len bytes (len >= 18 + 4 when tagged): dst broadcast, src,
 * optionally an 802.1Q tag (VID 5), type, a 4-byte big-endian id, then
 * bytes derived from the id.  Returns len.
 */
static size_t
mkframe(uint8_t *f, size_t len, const uint8_t src[6], int tagged,
    uint16_t type, uint32_t id)
{
	uint16_t v;
	uint32_t be;
	size_t i, o = 12;

	memcpy(f, bcast, 6);
	memcpy(f + 6, src, 6);
	if (tagged) {
		v = htobe16(0x8100);
		memcpy(f + 12, &v, 2);
		v = htobe16(5);
		memcpy(f + 14, &v, 2);
		o = 16;
	}
	v = htobe16(type);
	memcpy(f + o, &v, 2);
	o += 2;
	if (len >= o + 4) {
		be = htobe32(id);
		memcpy(f + o, &be, 4);
		o += 4;
	}
	for (i = o; i < len; i++)
		f[i] = (uint8_t)(id * 7 + i);
	return len;
}

static void
die(const char *what)
{
	diag("%s: %s", what, strerror(errno));
	exit(1);
}

static void
timeout(int fd, int sec)
{
	struct timeval tv = { .tv_sec = sec };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		die("SO_RCVTIMEO");
}

/* A relay under test: its pid, our ends, the pipe its stats come on. */
struct rig {
	pid_t	pid;
	int	wire;		/* the far end of the wire */
	int	prog;		/* the program's end */
	int	res;		/* relay_run's rc, errno and stats */
};

struct result {
	int			rc, err;
	struct relay_stats	st;
};

static void
rig_start(struct rig *g, const struct relay_conf *base)
{
	struct relay_conf c = *base;
	struct result res;
	int w[2], p[2], r[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, w) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) == -1 ||
	    pipe2(r, O_CLOEXEC) == -1)
		die("socketpair");
	if ((g->pid = fork()) == -1)
		die("fork");
	if (g->pid == 0) {
		close(w[1]);
		close(p[1]);
		close(r[0]);
		c.pktfd = w[0];
		c.progfd = p[0];
		memset(&res, 0, sizeof(res));
		res.rc = relay_run(&c, &res.st);
		res.err = errno;
		if (write(r[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(2);
		_exit(res.rc == 0 ? 0 : 1);
	}
	close(w[0]);
	close(p[0]);
	close(r[1]);
	g->wire = w[1];
	g->prog = p[1];
	g->res = r[0];
	timeout(g->wire, 5);
	timeout(g->prog, 5);
}

/* Waits for the relay to end; 0 and its result when it ended well. */
static int
rig_end(struct rig *g, struct result *res)
{
	int status;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	n = read(g->res, res, sizeof(*res));
	close(g->res);
	if (waitpid(g->pid, &status, 0) != g->pid)
		return -1;
	if (n != (ssize_t)sizeof(*res)) {
		diag("relay: no result (status 0x%x)", status);
		return -1;
	}
	if (res->rc != 0)
		diag("relay_run: %s", strerror(res->err));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Whether the relay has ended (its stats pipe is readable or hung up). */
static int
rig_ended(const struct rig *g)
{
	struct pollfd p = { .fd = g->res, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* The length of good frame i of test_forward(): 64 to 9014 bytes. */
static size_t
goodlen(size_t i)
{
	static const size_t sizes[] = { 64, 100, 333, 1514, 1518, 9000,
	    9014 };

	return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}

static void
test_check(void)
{
	struct relay_conf c;
	uint8_t f[2000];

	conf_init(&c);
	is_int(relay_check(&c, f, mkframe(f, 60, our_mac, 0, T1, 1)),
	    RELAY_OK, "check: a granted type from our address");
	is_int(relay_check(&c, f, mkframe(f, 64, our_mac, 1, T2, 1)),
	    RELAY_OK, "check: tagged, the inner type granted");
	is_int(relay_check(&c, f, mkframe(f, 60, our_mac, 0, T_BAD, 1)),
	    RELAY_BAD_TYPE, "check: a type not granted");
	is_int(relay_check(&c, f, mkframe(f, 64, our_mac, 1, T_BAD, 1)),
	    RELAY_BAD_TYPE, "check: tagged, the inner type not granted");
	{
		struct relay_conf u;

		conf_init(&u);
		u.type_ok = untagged_ok;
		is_int(relay_check(&u, f, mkframe(f, 64, our_mac, 1, T1, 1)),
		    RELAY_BAD_TYPE,
		    "check: tagged, 0x8100 not granted: no VLAN of a trunk");
	}
	is_int(relay_check(&c, f, mkframe(f, 60, other_mac, 0, T1, 1)),
	    RELAY_BAD_SRC, "check: a foreign source address");
	c.spoof = 1;
	is_int(relay_check(&c, f, mkframe(f, 60, other_mac, 0, T1, 1)),
	    RELAY_OK, "check: spoof=1 lets a foreign source through");
	c.spoof = 0;
	is_int(relay_check(&c, f, mkframe(f, 13, our_mac, 0, T1, 1)),
	    RELAY_BAD_SIZE, "check: 13 bytes is too short");
	is_int(relay_check(&c, f, mkframe(f, 16, our_mac, 1, T1, 1)),
	    RELAY_BAD_SIZE, "check: a tag without its type is too short");
	is_int(relay_check(&c, f, mkframe(f, 14, our_mac, 0, T1, 1)),
	    RELAY_OK, "check: a bare header is a frame");
	is_int(relay_check(&c, f, mkframe(f, 14 + 1500, our_mac, 0, T1, 1)),
	    RELAY_OK, "check: exactly the MTU");
	is_int(relay_check(&c, f, mkframe(f, 14 + 1501, our_mac, 0, T1, 1)),
	    RELAY_BAD_SIZE, "check: the MTU and one byte more");
	is_int(relay_check(&c, f, mkframe(f, 18 + 1500, our_mac, 1, T1, 1)),
	    RELAY_OK, "check: tagged, exactly the MTU");
	is_int(relay_check(&c, f, mkframe(f, 18 + 1501, our_mac, 1, T1, 1)),
	    RELAY_BAD_SIZE, "check: tagged, the MTU and one byte more");
	/*
	 * Stacked tags: 0x8100 is granted (as T1 is), yet a tag behind a
	 * tag is refused whatever comes after it, a granted type included.
	 */
	{
		static const uint16_t inner[] = { 0x8100, 0x88a8, 0x9100 };
		static const uint16_t last[] = { 0x0800, T1 };
		char what[96];
		size_t i, j;

		for (i = 0; i < 3; i++)
			for (j = 0; j < 2; j++) {
				mkframe(f, 68, our_mac, 1, T1, 1);
				memmove(f + 20, f + 16, 48);
				f[16] = (uint8_t)(inner[i] >> 8);
				f[17] = (uint8_t)inner[i];
				f[18] = 0;
				f[19] = 20;
				f[20] = (uint8_t)(last[j] >> 8);
				f[21] = (uint8_t)last[j];
				snprintf(what, sizeof(what), "check: 8100 then %04x "
				    "then %04x: stacked tags refused",
				    (unsigned)inner[i], (unsigned)last[j]);
				is_int(relay_check(&c, f, 68), RELAY_BAD_TYPE,
				    what);
			}
	}
	/* 802.1ad is not looked through: its type is 0x88a8. */
	mkframe(f, 64, our_mac, 1, T1, 1);
	f[12] = 0x88;
	f[13] = 0xa8;
	is_int(relay_check(&c, f, 64), RELAY_BAD_TYPE,
	    "check: an 802.1ad tag is not looked through");
	c.send = RELAY_SEND_NO;
	is_int(relay_check(&c, f, mkframe(f, 60, our_mac, 0, T1, 1)),
	    RELAY_SEND_OFF, "check: send=no refuses a good frame");
}

static void
test_summary(void)
{
	struct relay_stats st;
	char buf[512];

	memset(&st, 0, sizeof(st));
	is_int(relay_summary(&st, buf, sizeof(buf)), 0,
	    "summary: nothing dropped says so");
	is_str(buf, "nothing dropped", "summary: nothing dropped, the line");
	st.wire_in = st.prog_out = st.prog_in = st.wire_out = 100;
	is_int(relay_summary(&st, buf, sizeof(buf)), 0,
	    "summary: frames that went through are no drops");
	st.bad_type = 3;
	st.bad_src = 9;
	is_int(relay_summary(&st, buf, sizeof(buf)), 1,
	    "summary: drops are worth a line");
	is_str(buf, "12 frames dropped: 3 wrong ethertype, "
	    "9 foreign source address", "summary: two reasons");
	memset(&st, 0, sizeof(st));
	st.bad_size = 1;
	relay_summary(&st, buf, sizeof(buf));
	is_str(buf, "1 frame dropped: 1 wrong length", "summary: singular");
	memset(&st, 0, sizeof(st));
	st.send_off = 2;
	st.send_err = 1;
	st.unread = 1;
	st.kernel_drops = 7;
	relay_summary(&st, buf, sizeof(buf));
	is_str(buf, "3 frames dropped: 2 under send=no, 1 refused by the "
	    "kernel; 1 received frame not delivered: 1 not read by the "
	    "program; 7 frames dropped by the kernel",
	    "summary: both directions and the kernel");
	memset(&st, 0, sizeof(st));
	st.kernel_drops = 1;
	is_int(relay_summary(&st, buf, sizeof(buf)), 1,
	    "summary: kernel drops alone are worth a line");
	is_str(buf, "1 frame dropped by the kernel",
	    "summary: kernel drops alone");
	st.kernel_drops = 0;
	st.too_long_wire = 2;
	relay_summary(&st, buf, 24);
	is_str(buf, "2 received frames not d", "summary: cut to the buffer");
}

/* Receives one message of at most len bytes; its length, or -1. */
static ssize_t
recv1(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;

	while ((n = recv(fd, buf, len, 0)) == -1 && errno == EINTR)
		;
	return n;
}

/*
 * Frames in both directions, byte-identical and in order; bad frames never
 * reach the wire; the counts; the end when the program's end closes.
 */
static void
test_forward(void)
{
	static uint8_t f[RELAY_FRAME_MAX + 16], g[RELAY_FRAME_MAX + 16];
	static const size_t sizes[] = { 14, 60, 61, 333, 1514, 1518, 9000,
	    RELAY_FRAME_MAX };
	struct relay_conf c;
	struct result res;
	struct rig rig;
	size_t i, len, nsizes = sizeof(sizes) / sizeof(sizes[0]);
	ssize_t n;
	int same, order, bad, fl;
	unsigned good;

	conf_init(&c);
	c.mtu = 9000;
	rig_start(&rig, &c);

	/* Wire to program, every size (the biggest as a GRO'd frame). */
	same = order = 1;
	for (i = 0; i < 300; i++) {
		len = mkframe(f, sizes[i % nsizes], other_mac, 0, T1,
		    (uint32_t)i);
		if (send(rig.wire, f, len, 0) != (ssize_t)len)
			die("send on the wire");
		n = recv1(rig.prog, g, sizeof(g));
		if (n != (ssize_t)len) {
			diag("frame %zu: %zd bytes, want %zu", i, n, len);
			order = 0;
			break;
		}
		same = same && memcmp(f, g, len) == 0;
	}
	ok(order, "wire to program: 300 frames, each whole");
	ok(same, "wire to program: byte-identical");
	/* A burst, read after: order kept. */
	for (i = 0; i < 200; i++) {
		len = mkframe(f, 60 + i, other_mac, 0, T1, (uint32_t)i);
		if (send(rig.wire, f, len, 0) != (ssize_t)len)
			die("send on the wire");
	}
	order = 1;
	for (i = 0; i < 200 && order; i++) {
		len = mkframe(f, 60 + i, other_mac, 0, T1, (uint32_t)i);
		n = recv1(rig.prog, g, sizeof(g));
		order = n == (ssize_t)len && memcmp(f, g, len) == 0;
	}
	ok(order, "wire to program: a burst of 200 in order");
	/* Longer than the relay carries: dropped, not cut. */
	len = mkframe(f, RELAY_FRAME_MAX + 1, other_mac, 0, T1, 1);
	if (send(rig.wire, f, len, 0) != (ssize_t)len)
		die("send on the wire");
	len = mkframe(f, 60, other_mac, 0, T1, 4242);
	if (send(rig.wire, f, len, 0) != (ssize_t)len)
		die("send on the wire");
	n = recv1(rig.prog, g, sizeof(g));
	ok(n == 60 && memcmp(f, g, 60) == 0,
	    "wire to program: a frame too long is dropped, the next comes");

	/*
	 * Program to wire: one too long for the relay's buffer, an empty
	 * message (before others: at the end, followed by a close, it could
	 * not be told from the end of file), then good ones with bad ones
	 * between.
	 */
	len = mkframe(f, RELAY_FRAME_MAX + 1, our_mac, 0, T1, 1);
	if (send(rig.prog, f, len, MSG_NOSIGNAL) != (ssize_t)len)
		die("send to the relay");
	if (send(rig.prog, f, 0, MSG_NOSIGNAL) != 0)
		die("send to the relay");
	good = 0;
	order = 1;
	bad = 0;
	for (i = 0; i < 300 && order; i++) {
		switch (i % 6) {
		case 0:
			len = mkframe(f, 60, our_mac, 0, T_BAD, (uint32_t)i);
			break;
		case 1:
			len = mkframe(f, 60, other_mac, 0, T1, (uint32_t)i);
			break;
		case 2:
			len = mkframe(f, 14 + 9001, our_mac, 0, T1,
			    (uint32_t)i);
			break;
		case 3:
			len = mkframe(f, 70, our_mac, 1, T_BAD, (uint32_t)i);
			break;
		default:
			len = mkframe(f, goodlen(i), our_mac, i % 6 == 5, T2,
			    (uint32_t)i);
		}
		if (send(rig.prog, f, len, MSG_NOSIGNAL) != (ssize_t)len)
			die("send to the relay");
		if (i % 6 < 4)
			continue;
		/* The next on the wire is this one: none of the bad ones. */
		good++;
		n = recv1(rig.wire, g, sizeof(g));
		order = n == (ssize_t)len && memcmp(f, g, len) == 0;
		if (!order)
			diag("frame %zu: %zd bytes, want %zu", i, n, len);
	}
	ok(order, "program to wire: the good frames, byte-identical, "
	    "in order");
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "the relay ends when the program "
	    "closes");
	/* Nothing else reached the wire. */
	fl = fcntl(rig.wire, F_GETFL);
	(void)fcntl(rig.wire, F_SETFL, fl | O_NONBLOCK);
	while (recv1(rig.wire, g, sizeof(g)) >= 0)
		bad++;
	is_int(bad, 0, "program to wire: no bad frame reached the wire");
	is_int(res.st.wire_in, 502, "counts: frames read off the wire");
	is_int(res.st.prog_out, 501, "counts: frames given to the program");
	is_int(res.st.too_long_wire, 1, "counts: too long off the wire");
	is_int(res.st.prog_in, 302, "counts: messages from the program");
	is_int(res.st.wire_out, good, "counts: frames sent on the wire");
	is_int(res.st.bad_type, 100, "counts: wrong ethertype");
	is_int(res.st.bad_src, 50, "counts: foreign source");
	is_int(res.st.bad_size, 52, "counts: wrong length");
	is_int(res.st.send_off + res.st.send_err + res.st.unread, 0,
	    "counts: nothing else dropped");
	close(rig.wire);
}

/* send=no: everything the program writes is dropped; receiving works. */
static void
test_send_no(void)
{
	uint8_t f[100], g[100];
	struct relay_conf c;
	struct result res;
	struct rig rig;
	size_t len;
	int i, fl, n = 0;

	conf_init(&c);
	c.send = RELAY_SEND_NO;
	rig_start(&rig, &c);
	for (i = 0; i < 5; i++) {
		len = mkframe(f, 60, our_mac, 0, T1, (uint32_t)i);
		if (send(rig.prog, f, len, MSG_NOSIGNAL) != (ssize_t)len)
			die("send to the relay");
	}
	len = mkframe(f, 60, other_mac, 0, T1, 77);
	if (send(rig.wire, f, len, 0) != (ssize_t)len)
		die("send on the wire");
	ok(recv1(rig.prog, g, sizeof(g)) == 60 && memcmp(f, g, 60) == 0,
	    "send=no: frames still come in");
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "send=no: the relay ends");
	fl = fcntl(rig.wire, F_GETFL);
	(void)fcntl(rig.wire, F_SETFL, fl | O_NONBLOCK);
	while (recv1(rig.wire, g, sizeof(g)) >= 0)
		n++;
	is_int(n, 0, "send=no: nothing reached the wire");
	is_int(res.st.send_off, 5, "send=no: every frame counted");
	close(rig.wire);
}

/*
 * The relay ends only when the last holder of the program's end closes
 * it: a dup here, then a copy in another process.
 */
static void
test_holders(void)
{
	uint8_t f[100], g[100];
	struct relay_conf c;
	struct result res;
	struct rig rig;
	size_t len;
	int dup1, go[2], status;
	pid_t holder;
	char x;

	conf_init(&c);
	rig_start(&rig, &c);
	if ((dup1 = dup(rig.prog)) == -1 || pipe(go) == -1)
		die("dup");
	if ((holder = fork()) == -1)
		die("fork");
	if (holder == 0) {
		/* Holds a copy; when told, sends one frame and exits. */
		close(go[1]);
		close(rig.prog);
		close(rig.wire);
		close(rig.res);
		if (read(go[0], &x, 1) != 1)
			_exit(1);
		len = mkframe(f, 60, our_mac, 0, T1, 99);
		_exit(send(dup1, f, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : 1);
	}
	close(go[0]);
	close(rig.prog);
	/* Our dup still works both ways. */
	len = mkframe(f, 60, other_mac, 0, T1, 1);
	if (send(rig.wire, f, len, 0) != (ssize_t)len)
		die("send on the wire");
	ok(recv1(dup1, g, sizeof(g)) == 60 && memcmp(f, g, 60) == 0,
	    "holders: one end closed, a dup still receives");
	len = mkframe(f, 60, our_mac, 0, T1, 2);
	if (send(dup1, f, len, MSG_NOSIGNAL) != (ssize_t)len)
		die("send to the relay");
	ok(recv1(rig.wire, g, sizeof(g)) == 60 && memcmp(f, g, 60) == 0,
	    "holders: and sends");
	close(dup1);
	/* Only the other process holds it now: the relay still serves. */
	if (write(go[1], "x", 1) != 1)
		die("write");
	close(go[1]);
	len = mkframe(f, 60, our_mac, 0, T1, 99);
	ok(recv1(rig.wire, g, sizeof(g)) == 60 && memcmp(f, g, 60) == 0,
	    "holders: every copy here closed, the relay serves another "
	    "process's");
	waitpid(holder, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "holders: the other process sent its frame");
	is_int(rig_end(&rig, &res), 0,
	    "holders: the relay ends when the last holder is gone");
	close(rig.wire);
}

/* The relay's CPU time so far, in clock ticks, from /proc/PID/stat. */
static long
cputicks(pid_t pid, char *state)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	long t = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL &&
	    sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    state, &ut, &st) == 3)
		t = (long)(ut + st);
	fclose(f);
	return t;
}

/*
 * Whether the relay sleeps: it is seen sleeping, and over 200 ms takes
 * less than 5 ticks (a spinning one takes about 20).
 */
static int
idle(pid_t pid)
{
	struct timespec ts = { .tv_nsec = 200000000 };
	long t0, t1;
	char s = '?';
	int i;

	for (i = 0; i < 200; i++) {
		if ((t0 = cputicks(pid, &s)) == -1)
			return 0;
		if (s == 'S')
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	nanosleep(&ts, NULL);
	t1 = cputicks(pid, &s);
	if (t1 - t0 >= 5)
		diag("relay: %ld ticks in 200 ms", t1 - t0);
	return s == 'S' && t1 - t0 < 5;
}

/* Sends frames numbered from *id until the socket is full. */
static unsigned
fill(int fd, const uint8_t src[6], uint32_t *id, unsigned max)
{
	uint8_t f[1000];
	unsigned n = 0;
	size_t len;

	while (n < max) {
		len = mkframe(f, sizeof(f), src, 0, T1, *id);
		if (send(fd, f, len, MSG_DONTWAIT | MSG_NOSIGNAL) !=
		    (ssize_t)len)
			break;
		(*id)++;
		n++;
	}
	return n;
}

/* Reads n frames numbered 0..n-1 in order; how many came so. */
static unsigned
drain(int fd, unsigned n)
{
	uint8_t f[1000], g[1100];
	unsigned i;
	size_t len;

	for (i = 0; i < n; i++) {
		len = mkframe(f, sizeof(f), other_mac, 0, T1, i);
		if (recv1(fd, g, sizeof(g)) != (ssize_t)len)
			break;
		if (memcmp(g + 12, f + 12, len - 12) != 0)
			break;
	}
	return i;
}

/*
 * Backpressure: a program that does not read, then a wire that takes
 * nothing.  The relay sleeps, loses none of what it read, and delivers
 * all of it, in order, once the other side reads.
 */
static void
test_backpressure(void)
{
	struct relay_conf c;
	struct result res;
	struct rig rig;
	uint32_t id = 0;
	unsigned sent, more;

	conf_init(&c);
	rig_start(&rig, &c);
	/* The wire sends until every queue on the way is full. */
	sent = 0;
	for (;;) {
		sent += fill(rig.wire, other_mac, &id, 100000 - sent);
		if (sent >= 100000 || !idle(rig.pid))
			break;
		/* Full, and the relay asleep: nothing moves any more. */
		more = fill(rig.wire, other_mac, &id, 1);
		sent += more;
		if (more == 0)
			break;
	}
	diag("backpressure: %u frames fill the way to the program", sent);
	ok(sent > 0 && sent < 100000,
	    "backpressure to the program: the wire's sender was held back");
	ok(idle(rig.pid), "backpressure to the program: the relay sleeps");
	is_int(drain(rig.prog, sent), sent,
	    "backpressure to the program: every frame, in order");

	/* The program sends until the wire's queue and the relay are full. */
	id = 0;
	sent = 0;
	for (;;) {
		sent += fill(rig.prog, our_mac, &id, 100000 - sent);
		if (sent >= 100000 || !idle(rig.pid))
			break;
		more = fill(rig.prog, our_mac, &id, 1);
		sent += more;
		if (more == 0)
			break;
	}
	diag("backpressure: %u frames fill the way to the wire", sent);
	ok(sent > 0 && sent < 100000,
	    "backpressure to the wire: the program was held back");
	ok(idle(rig.pid), "backpressure to the wire: the relay sleeps");
	is_int(drain(rig.wire, sent), sent,
	    "backpressure to the wire: every frame, in order");
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "backpressure: the relay ends");
	is_int(res.st.unread + res.st.send_err, 0,
	    "backpressure: nothing dropped");
	close(rig.wire);
}

/*
 * shutdown(2) of one direction: SHUT_WR, the program's frames are sent and
 * frames still come in; SHUT_RD, frames still go out, and the relay stops
 * delivering.
 */
static void
test_shutdown(void)
{
	uint8_t f[100], g[100];
	struct relay_conf c;
	struct result res;
	struct rig rig;
	size_t len;
	int i;

	conf_init(&c);
	rig_start(&rig, &c);
	for (i = 0; i < 3; i++) {
		len = mkframe(f, 60, our_mac, 0, T1, (uint32_t)i);
		if (send(rig.prog, f, len, MSG_NOSIGNAL) != (ssize_t)len)
			die("send to the relay");
	}
	shutdown(rig.prog, SHUT_WR);
	for (i = 0; i < 3; i++)
		if (recv1(rig.wire, g, sizeof(g)) != 60)
			break;
	is_int(i, 3, "SHUT_WR: what was written before goes out");
	len = mkframe(f, 60, other_mac, 0, T1, 5);
	if (send(rig.wire, f, len, 0) != (ssize_t)len)
		die("send on the wire");
	ok(recv1(rig.prog, g, sizeof(g)) == 60 && memcmp(f, g, 60) == 0,
	    "SHUT_WR: frames still come in");
	ok(!rig_ended(&rig) && idle(rig.pid),
	    "SHUT_WR: the relay waits, asleep");
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "SHUT_WR: the relay ends at close");
	close(rig.wire);

	rig_start(&rig, &c);
	shutdown(rig.prog, SHUT_RD);
	len = mkframe(f, 60, other_mac, 0, T1, 6);
	if (send(rig.wire, f, len, 0) != (ssize_t)len)
		die("send on the wire");
	len = mkframe(f, 60, our_mac, 0, T1, 7);
	if (send(rig.prog, f, len, MSG_NOSIGNAL) != (ssize_t)len)
		die("send to the relay");
	ok(recv1(rig.wire, g, sizeof(g)) == 60 && memcmp(f, g, 60) == 0,
	    "SHUT_RD: frames still go out");
	ok(!rig_ended(&rig) && idle(rig.pid),
	    "SHUT_RD: the relay waits, asleep");
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "SHUT_RD: the relay ends at close");
	is_int(res.st.unread, 1, "SHUT_RD: the frame it could not deliver "
	    "is counted");
	close(rig.wire);
}

/* The relay's parent, from /proc/PID/stat. */
static pid_t
ppid_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	int pp = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		(void)sscanf(p + 2, "%*c %d", &pp);
	fclose(f);
	return pp;
}

static void
test_fork(void)
{
	pid_t pid, got = 0;
	int p[2], q[2], middle;
	char x;

	if (pipe(p) == -1 || pipe(q) == -1)
		die("pipe");
	pid = relay_fork(&middle);
	if (pid == 0 && middle)
		_exit(0);
	if (pid == 0) {
		/* The relay: says its pid, waits for the end of q. */
		close(p[0]);
		close(q[1]);
		got = getpid();
		if (write(p[1], &got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(1);
		_exit(read(q[0], &x, 1) == 0 ? 0 : 1);
	}
	close(p[1]);
	close(q[0]);
	ok(pid > 0, "relay_fork: a pid");
	if (read(p[0], &got, sizeof(got)) != (ssize_t)sizeof(got))
		got = -1;
	is_int(got, pid, "relay_fork: the pid is the relay's");
	errno = 0;
	ok(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	    "relay_fork: no child left to reap (the middle one was)");
	ok(ppid_of(pid) != getpid() && ppid_of(pid) > 0,
	    "relay_fork: the relay's parent is not us");
	close(q[1]);
	close(p[0]);
}

/* Closes fd, if open, in the relay and says which are open. */
static void
test_isolate(void)
{
	struct sigaction sa;
	struct dirent *de;
	DIR *d;
	char buf[512], link[64], *p;
	int r[2], a[2], b[2], keep[2], status, dumpable, dfd, ignored;
	size_t off = 0;
	ssize_t n;
	pid_t pid;

	keep[0] = 1;
	errno = 0;
	ok(relay_isolate(keep, 1) == -1 && errno == EINVAL,
	    "relay_isolate: fd 1 cannot be kept");
	if (pipe(a) == -1)
		die("pipe");
	keep[0] = a[0];
	close(a[0]);
	errno = 0;
	ok(relay_isolate(keep, 1) == -1 && errno == EBADF,
	    "relay_isolate: a closed fd cannot be kept");
	close(a[1]);

	if (pipe(r) == -1 || pipe(a) == -1 || pipe(b) == -1)
		die("pipe");
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		close(r[0]);
		keep[0] = b[1];	/* out of order, on purpose */
		keep[1] = r[1];
		if (relay_isolate(keep, 2) == -1)
			_exit(1);
		dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
		sigaction(SIGINT, NULL, &sa);
		ignored = sa.sa_handler == SIG_IGN;
		sigaction(SIGPIPE, NULL, &sa);
		ignored = ignored && sa.sa_handler == SIG_IGN;
		sigaction(SIGHUP, NULL, &sa);
		ignored = ignored && sa.sa_handler == SIG_IGN;
		sigaction(SIGQUIT, NULL, &sa);
		ignored = ignored && sa.sa_handler == SIG_IGN;
		n = readlink("/proc/self/fd/0", link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		off = (size_t)snprintf(buf, sizeof(buf), "dumpable=%d "
		    "ignored=%d nnp=%d fd0=%s fds=", dumpable, ignored,
		    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), link);
		if ((d = opendir("/proc/self/fd")) == NULL)
			_exit(1);
		dfd = dirfd(d);
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && atoi(de->d_name) != dfd)
				off += (size_t)snprintf(buf + off,
				    sizeof(buf) - off, "%s,", de->d_name);
		closedir(d);
		_exit(write(r[1], buf, off) == (ssize_t)off ? 0 : 1);
	}
	close(r[1]);
	n = read(r[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(r[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "relay_isolate: succeeds");
	diag("isolated: %s", buf);
	ok(strstr(buf, "dumpable=0 ") != NULL, "relay_isolate: not dumpable");
	ok(strstr(buf, "ignored=1 ") != NULL,
	    "relay_isolate: SIGINT, SIGQUIT, SIGHUP, SIGPIPE ignored");
	ok(strstr(buf, "nnp=1 ") != NULL, "relay_isolate: no_new_privs");
	ok(strstr(buf, "fd0=/dev/null ") != NULL,
	    "relay_isolate: fd 0 is /dev/null");
	/* Sorted by readdir as the kernel lists them: ascending. */
	if ((p = strstr(buf, "fds=")) != NULL)
		p += 4;
	snprintf(link, sizeof(link), "0,1,2,%d,%d,", r[1] < b[1] ? r[1] : b[1],
	    r[1] < b[1] ? b[1] : r[1]);
	is_str(p, link, "relay_isolate: only 0-2 and the kept fds are open");
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void
test_fd(void)
{
	int sv[2], dg[2], p[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) == -1 || pipe(p) == -1)
		die("socketpair");
	is_int(relay_fd(sv[0]), 1, "relay_fd: a SOCK_SEQPACKET socket is one");
	is_int(relay_fd(dg[0]), 0, "relay_fd: a SOCK_DGRAM socket is not");
	is_int(relay_fd(p[0]), 0, "relay_fd: a pipe is not");
	close(p[0]);
	errno = 0;
	ok(relay_fd(p[0]) == -1 && errno == EBADF, "relay_fd: a closed fd");
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	close(dg[0]);
	close(dg[1]);
}

/*
 * A packet socket on lo bound to every protocol, outgoing frames ignored,
 * in this process's network namespace; -1 when it cannot be had.  With
 * confined, as rawopen hands it to its relay: a filter attached and locked
 * (SO_LOCK_FILTER) before the bind, and the bound socket pinned in a
 * fanout group of its own.
 */
static int
lo_socket(int ifindex, int confined)
{
	/* Outgoing frames out: a fanout group takes them despite
	   PACKET_IGNORE_OUTGOING (rawopen's filter drops them too). */
	static struct sock_filter in[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff)
	};
	struct sock_fprog prog = { .len = 4, .filter = in };
	struct sockaddr_ll sll;
	int fd, one = 1;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
	    htobe16(0x0003))) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htobe16(0x0003);
	sll.sll_ifindex = ifindex;
	if ((confined && (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1 || setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER,
	    &one, sizeof(one)) == -1)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1 ||
	    (confined && rawsock_pin(fd) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Starts a relay under c on a confined packet socket on lo, as rawopen
 * hands it over; g->wire is that socket (the relay's copy is its own).
 */
static void
pkt_start(struct rig *g, struct relay_conf *c, int ifindex)
{
	struct result res;
	int prog[2], r[2];

	if ((c->pktfd = lo_socket(ifindex, 1)) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, prog) == -1 ||
	    pipe2(r, O_CLOEXEC) == -1)
		die("packet socket");
	if ((g->pid = fork()) == -1)
		die("fork");
	if (g->pid == 0) {
		close(prog[1]);
		close(r[0]);
		c->progfd = prog[0];
		memset(&res, 0, sizeof(res));
		res.rc = relay_run(c, &res.st);
		res.err = errno;
		_exit(write(r[1], &res, sizeof(res)) == (ssize_t)sizeof(res) &&
		    res.rc == 0 ? 0 : 1);
	}
	close(prog[0]);
	close(r[1]);
	g->wire = c->pktfd;
	g->prog = prog[1];
	g->res = r[0];
	timeout(g->prog, 5);
}

/* Reads, without waiting, what waits on fd; how many messages. */
static int
flush_fd(int fd)
{
	uint8_t g[2000];
	int n = 0;

	while (recv(fd, g, sizeof(g), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/*
 * Waits until the relay reads its ring.  The kernel unhooks a bound
 * socket while it sets a ring up, and frames that arrive meanwhile are
 * lost: untagged frames are sent every 20 ms until one comes through,
 * then those still on the way are read.  Returns 0, or -1 after 5 s.
 */
static int
pkt_sync(int obs, int prog)
{
	struct pollfd p = { .fd = prog, .events = POLLIN };
	uint8_t f[100];
	size_t len;
	int i;

	for (i = 0; i < 250; i++) {
		len = mkframe(f, 60, other_mac, 0, T2, 0xff00u + (unsigned)i);
		if (send(obs, f, len, 0) != (ssize_t)len)
			return -1;
		if (poll(&p, 1, 20) == 1)
			break;
	}
	if (i == 250)
		return -1;
	while (poll(&p, 1, 100) == 1 && flush_fd(prog) > 0)
		;
	return 0;
}

/* Sends a frame on lo; whether the program gets it whole, as it was. */
static int
pkt_through(int obs, int prog, const uint8_t *f, size_t len)
{
	static uint8_t g[RELAY_FRAME_MAX];

	if (send(obs, f, len, 0) != (ssize_t)len)
		die("send on lo");
	return recv1(prog, g, sizeof(g)) == (ssize_t)len &&
	    memcmp(f, g, len) == 0;
}

/*
 * On a real packet socket (lo, in a network namespace of its own, as
 * root), bound, filter-locked and pinned in a fanout group as rawopen
 * hands it over: the relay sets its receive ring up; a tag the kernel took
 * off is put back; a frame longer than the ring's blocks hold is counted,
 * not cut; a frame the program writes goes out with no address; and
 * PACKET_STATISTICS is read.  The relays run in children of this process,
 * which enters the namespace first.
 */
static void
test_packet(void)
{
	static uint8_t f[65536], g[2000];
	struct relay_conf c;
	struct result res;
	struct rig rig;
	size_t len;
	int obs, i, lo, v = TPACKET_V3, drops;
	char b;

	if (geteuid() != 0 || (lo = netns_lo(0)) == -1) {
		skip(18, "needs root and a network namespace");
		return;
	}
	if ((obs = lo_socket(lo, 0)) == -1)
		die("packet socket");
	timeout(obs, 5);
	conf_init(&c);
	memset(c.mac, 0, 6);			/* lo's */
	c.mtu = 65536;
	/* hello: one NUL byte once the ring is up, before any frame. */
	c.hello = 1;
	pkt_start(&rig, &c, lo);
	c.hello = 0;
	ok(recv(rig.prog, &b, 1, 0) == 1 && b == 0 && (errno = 0,
	    setsockopt(rig.wire, SOL_PACKET, PACKET_VERSION, &v,
	    sizeof(v)) == -1) && errno == EBUSY,
	    "packet socket: the hello comes once the ring is up");

	is_int(pkt_sync(obs, rig.prog), 0, "packet socket: frames come "
	    "through a bound, filter-locked, pinned socket");
	errno = 0;
	ok(setsockopt(rig.wire, SOL_PACKET, PACKET_VERSION, &v,
	    sizeof(v)) == -1 && errno == EBUSY,
	    "packet socket: the relay reads it through a receive ring");
	len = mkframe(f, 70, other_mac, 1, T1, 1);
	ok(pkt_through(obs, rig.prog, f, len),
	    "packet socket: a tagged frame arrives with its tag put back");
	len = mkframe(f, 60, other_mac, 0, T1, 2);
	ok(pkt_through(obs, rig.prog, f, len),
	    "packet socket: an untagged one as it was");
	len = mkframe(f, 60000, other_mac, 1, T1, 3);
	ok(pkt_through(obs, rig.prog, f, len),
	    "packet socket: a tagged frame of 60000 bytes, whole");
	(void)flush_fd(obs);
	len = mkframe(f, 80, c.mac, 0, T2, 4);
	if (send(rig.prog, f, len, MSG_NOSIGNAL) != (ssize_t)len)
		die("send to the relay");
	ok(recv1(obs, g, sizeof(g)) == (ssize_t)len && memcmp(f, g, len) == 0,
	    "packet socket: the program's frame goes out on the interface");
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "packet socket: the relay ends");
	is_int(res.st.wire_out, 1, "packet socket: one frame sent");
	is_int(res.st.too_long_wire, 0, "packet socket: none too long");
	is_int(res.st.kernel_drops, 0, "packet socket: no kernel drops");
	close(rig.wire);

	/* A ring of four 4 KiB blocks: frames of up to 3840 bytes. */
	c.ring_block = 4096;
	c.ring_blocks = 4;
	pkt_start(&rig, &c, lo);
	is_int(pkt_sync(obs, rig.prog), 0, "small ring: frames come through");
	len = mkframe(f, 3000, other_mac, 1, T1, 5);
	ok(pkt_through(obs, rig.prog, f, len),
	    "small ring: a tagged frame it holds, whole, its tag put back");
	len = mkframe(f, 5000, other_mac, 0, T1, 6);
	if (send(obs, f, len, 0) != (ssize_t)len)
		die("send on lo");
	len = mkframe(f, 60, other_mac, 0, T1, 7);
	ok(pkt_through(obs, rig.prog, f, len),
	    "small ring: a frame longer than a block is dropped, the next "
	    "comes");
	/* The program reads no more; the ring fills and the kernel drops. */
	shutdown(rig.prog, SHUT_RD);
	len = mkframe(f, 60, other_mac, 0, T1, 8);
	if (send(obs, f, len, 0) != (ssize_t)len)
		die("send on lo");
	nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	for (i = 0; i < 100; i++) {
		len = mkframe(f, 1000, other_mac, 0, T1, 100 + (uint32_t)i);
		if (send(obs, f, len, 0) != (ssize_t)len)
			die("send on lo");
	}
	close(rig.prog);
	is_int(rig_end(&rig, &res), 0, "small ring: the relay ends");
	is_int(res.st.too_long_wire, 1, "small ring: the frame too long is "
	    "counted");
	drops = (int)res.st.kernel_drops;
	diag("small ring: %d kernel drops, %d frames unread", drops,
	    (int)res.st.unread);
	ok(drops > 0 && drops <= 100, "small ring: PACKET_STATISTICS read "
	    "at the end, the drops in it");
	ok(res.st.unread >= 1, "small ring: the frame after SHUT_RD counted "
	    "unread");
	close(rig.wire);
	close(obs);
}

/*
 * relay_bind() names the relay's end so that relay_peer() on the other
 * reads back what was granted; an unnamed or foreign peer says ENOENT.
 */
static void
test_name(void)
{
	struct relay_peer in, out;
	struct sockaddr_un sun;
	int a[2], b[2];

	memset(&in, 0, sizeof(in));
	strlcpy(in.ifname, "vA", sizeof(in.ifname));
	in.type = 0x88b5;
	memcpy(in.mac, "\x02\x00\x00\x00\xab\x01", 6);
	in.mtu = 1500;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, a) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, b) == -1)
		die("socketpair");
	errno = 0;
	ok(relay_peer(a[1], &out) == -1 && errno == ENOENT,
	    "name: an unnamed peer: ENOENT");
	ok(relay_bind(a[0], &in) == 0, "name: the relay's end is named");
	memset(&out, 0xff, sizeof(out));
	ok(relay_peer(a[1], &out) == 0 && strcmp(out.ifname, "vA") == 0 &&
	    out.type == 0x88b5 && memcmp(out.mac, in.mac, 6) == 0 &&
	    out.mtu == 1500, "name: the program's end reads it back");
	errno = 0;
	ok(relay_bind(a[0], &in) == -1 && errno == EINVAL,
	    "name: named once only");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, "fdcap-relay/vA/0x88b5/xx", 24);
	if (bind(b[0], (struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + 25) == -1)
		die("bind");
	errno = 0;
	ok(relay_peer(b[1], &out) == -1 && errno == EPROTO,
	    "name: a malformed one: EPROTO");
	strlcpy(in.ifname, "a/b", sizeof(in.ifname));
	errno = 0;
	ok(relay_bind(b[1], &in) == -1 && errno == EINVAL,
	    "name: an interface name with a slash: EINVAL");
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	alarm(120);
	test_check();
	test_summary();
	test_forward();
	test_send_no();
	test_holders();
	test_backpressure();
	test_shutdown();
	test_fd();
	test_name();
	test_fork();
	test_isolate();
	test_packet();
	return done();
}
