/*
 * Unit tests of lib/rawsock, with lib/filter's confining prefix on a real
 * packet socket.  Runs as root in a private network namespace holding only
 * lo, so no real interface is touched.  Waits are bounded by SO_RCVTIMEO;
 * a frame that must not arrive is shown not to by a later frame that must,
 * arriving first (lo keeps the order), or by a timeout where nothing
 * follows.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "eth.h"
#include "filter.h"
#include "rawsock.h"
#include "netns.h"
#include "tap.h"

#define T1	0x88b5
#define T2	0x88b6
#define MARK	"fdcap-rawsock-unit"	/* our frames, among any others */

static int lo;		/* lo's ifindex */

/*
 * lo's promiscuity count, or -1.  SIOCGIFFLAGS shows IFF_PROMISC only when
 * set by hand, not a packet socket's membership; ip(8) shows the count.
 */
static int
lo_promiscuity(void)
{
	FILE *f;
	char line[4096], *p;
	int n = -1;

	if ((f = popen("ip -d -o link show dev lo", "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (p = strstr(line, " promiscuity ")) != NULL)
		n = atoi(p + sizeof(" promiscuity ") - 1);
	if (pclose(f) != 0)
		n = -1;
	return n;
}

/* A packet socket set up with o, with a receive timeout; or -1. */
static int
open_sock(const struct rawsock_opts *o, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	int fd;

	if ((fd = rawsock_socket()) == -1) {
		diag("rawsock_socket: %s", strerror(errno));
		return -1;
	}
	if (rawsock_setup(fd, o) == -1 || setsockopt(fd, SOL_SOCKET,
	    SO_RCVTIMEO, &tv, sizeof(tv)) == -1) {
		diag("rawsock_setup: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends a broadcast frame of type with MARK and n in it on lo. */
static int
send_frame(int fd, uint16_t type, int n)
{
	struct eth_hdr h;
	struct sockaddr_ll sll;
	uint8_t buf[ETH_ZLEN_];
	int hlen;

	memset(&h, 0, sizeof(h));
	memset(h.dst, 0xff, sizeof(h.dst));
	h.src[0] = 2;
	h.src[5] = 1;
	h.type = type;
	memset(buf, 0, sizeof(buf));
	if ((hlen = eth_encode(buf, sizeof(buf), &h)) == -1)
		return -1;
	snprintf((char *)buf + hlen, sizeof(buf) - (size_t)hlen, "%s %d",
	    MARK, n);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = lo;
	sll.sll_protocol = htons(type);
	if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sll,
	    sizeof(sll)) != (ssize_t)sizeof(buf)) {
		diag("sendto: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Receives the next frame of ours on fd: its number, with its type and
 * packet type; or -1 (errno EAGAIN when the timeout ran out).
 */
static int
recv_frame(int fd, uint16_t *type, int *pkttype)
{
	struct sockaddr_ll sll;
	socklen_t slen;
	struct eth_hdr h;
	uint8_t buf[2048];
	ssize_t n;
	int hlen, num;

	for (;;) {
		slen = sizeof(sll);
		n = recvfrom(fd, buf, sizeof(buf) - 1, 0,
		    (struct sockaddr *)&sll, &slen);
		if (n == -1)
			return -1;
		if ((hlen = eth_decode(buf, (size_t)n, &h)) == -1)
			continue;
		buf[n] = '\0';
		if (strncmp((char *)buf + hlen, MARK " ", sizeof(MARK)) != 0)
			continue;
		num = atoi((char *)buf + hlen + sizeof(MARK));
		*type = h.type;
		*pkttype = sll.sll_pkttype;
		return num;
	}
}

/* Whether nothing of ours is left on fd (waits 200 ms for it). */
static int
nothing_more(int fd)
{
	struct timeval tv = { 0, 200 * 1000 };
	uint16_t t;
	int pt, n;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		return 0;
	errno = 0;
	if ((n = recv_frame(fd, &t, &pt)) != -1) {
		diag("unexpected frame %d, type 0x%04x, pkttype %d", n, t, pt);
		return 0;
	}
	return errno == EAGAIN;
}

static void
test_info(void)
{
	int p[2], fd, ifindex;
	uint16_t type;

	if (pipe2(p, O_CLOEXEC) == -1)
		abort();
	errno = 0;
	ok(rawsock_info(p[0], &ifindex, &type) == -1 && errno == ENOTSOCK,
	    "info of a pipe: ENOTSOCK");
	close(p[0]);
	close(p[1]);
	errno = 0;
	ok(rawsock_info(p[0], &ifindex, &type) == -1 && errno == EBADF,
	    "info of a closed fd: EBADF");
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	errno = 0;
	ok(rawsock_info(fd, &ifindex, &type) == -1 && errno == EAFNOSUPPORT,
	    "info of an AF_UNIX socket: EAFNOSUPPORT");
	close(fd);
	if ((fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	errno = 0;
	ok(rawsock_info(fd, &ifindex, &type) == -1 && errno == EPROTOTYPE,
	    "info of an AF_PACKET SOCK_DGRAM socket: EPROTOTYPE");
	close(fd);
	if ((fd = rawsock_socket()) == -1)
		abort();
	ifindex = -1;
	type = 1;
	ok(rawsock_info(fd, &ifindex, &type) == 0 && ifindex == 0 &&
	    type == 0, "a fresh socket: unbound, protocol 0");
	close(fd);
}

static void
test_setup_errors(void)
{
	struct rawsock_opts o = { 4242, T1, 0, 0, NULL, 0 };
	int fd;

	if ((fd = rawsock_socket()) == -1)
		abort();
	errno = 0;
	ok(rawsock_setup(fd, &o) == -1 && errno == ENODEV,
	    "setup on a missing interface: ENODEV");
	o.promisc = 1;
	errno = 0;
	ok(rawsock_setup(fd, &o) == -1 && errno == ENODEV,
	    "promiscuous on a missing interface: ENODEV");
	o.ifindex = 0;
	errno = 0;
	ok(rawsock_setup(fd, &o) == -1 && errno == EINVAL,
	    "ifindex 0: EINVAL");
	close(fd);
}

/*
 * The confinement: a socket for (lo, T1) with the prefix locked on it,
 * then rebound by its holder to ETH_P_ALL, still sees nothing but T1.
 */
static void
test_confine(void)
{
	struct sock_fprog prog = { 0, NULL };
	struct rawsock_opts o = { 0, T1, 0, 0, NULL, 1 };
	struct rawsock_opts so = { 0, ETHTYPE_NONE, 0, 0, NULL, 0 };
	struct rawsock_opts co = { 0, ETHTYPE_ALL, 0, 0, NULL, 0 };
	struct sockaddr_ll sll;
	int r, s, c, ifindex, pt, dummy = 0;
	uint16_t type, t;

	o.ifindex = so.ifindex = co.ifindex = lo;
	if (filter_confine(lo, T1, 0, NULL, &prog) == -1)
		abort();
	o.filter = &prog;
	r = open_sock(&o, 2000);
	s = open_sock(&so, 2000);
	c = open_sock(&co, 2000);
	filter_free(&prog);
	if (r == -1 || s == -1 || c == -1)
		abort();

	ok(rawsock_info(r, &ifindex, &type) == 0 && ifindex == lo &&
	    type == T1, "info: bound to lo, 0x88b5");
	ok(rawsock_info(s, &ifindex, &type) == 0 && ifindex == lo &&
	    type == ETHTYPE_NONE, "info: send-only socket, protocol 0");

	ok(send_frame(s, T2, 1) == 0 && send_frame(s, T1, 2) == 0,
	    "sent 0x88b6 then 0x88b5");
	is_int(recv_frame(c, &t, &pt), 1, "control (all, no filter) gets 0x88b6");
	is_int(recv_frame(c, &t, &pt), 2, "then 0x88b5");
	is_int(recv_frame(r, &t, &pt), 2, "confined gets 0x88b5 first");
	ok(t == T1 && pt == PACKET_MULTICAST, "as 0x88b5, multicast (see below)");

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETHTYPE_ALL);
	sll.sll_ifindex = lo;
	ok(bind(r, (struct sockaddr *)&sll, sizeof(sll)) == 0,
	    "the holder rebinds it to ETH_P_ALL (no privilege needed)");
	ok(rawsock_info(r, &ifindex, &type) == 0 && type == ETHTYPE_ALL,
	    "info: now ETH_P_ALL");
	ok(send_frame(s, T2, 3) == 0 && send_frame(s, T1, 4) == 0,
	    "sent 0x88b6 then 0x88b5 again");
	is_int(recv_frame(c, &t, &pt), 3, "control gets 0x88b6");
	is_int(recv_frame(c, &t, &pt), 4, "then 0x88b5");
	is_int(recv_frame(r, &t, &pt), 4,
	    "rebound confined socket still gets only 0x88b5");

	errno = 0;
	ok(setsockopt(r, SOL_SOCKET, SO_DETACH_FILTER, &dummy,
	    sizeof(dummy)) == -1 && errno == EPERM,
	    "SO_DETACH_FILTER on the locked socket: EPERM");
	if (filter_confine(lo, ETHTYPE_ALL, 1, NULL, &prog) == -1)
		abort();
	errno = 0;
	ok(setsockopt(r, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1 && errno == EPERM,
	    "SO_ATTACH_FILTER of a wider one: EPERM");
	filter_free(&prog);
	errno = 0;
	ok(setsockopt(r, SOL_SOCKET, SO_LOCK_FILTER, &dummy,
	    sizeof(dummy)) == -1 && errno == EPERM,
	    "SO_LOCK_FILTER off: EPERM");

	ok(send_frame(s, T2, 5) == 0 && send_frame(s, T1, 6) == 0,
	    "sent 0x88b6 then 0x88b5 once more");
	is_int(recv_frame(r, &t, &pt), 6, "the filter still holds");
	ok(nothing_more(r), "nothing else on the confined socket");
	is_int(recv_frame(c, &t, &pt), 5, "control: 5");
	is_int(recv_frame(c, &t, &pt), 6, "control: 6");
	ok(nothing_more(c), "nothing else on the control socket");
	close(r);
	close(s);
	close(c);
}

/*
 * PACKET_IGNORE_OUTGOING, as observed on lo: a frame sent on lo is seen by
 * ETH_P_ALL sockets once as PACKET_OUTGOING (dev_queue_xmit_nit, which
 * skips the sending socket itself) and once more as received.  Received,
 * ff:ff:ff:ff:ff:ff is PACKET_MULTICAST on lo, not PACKET_BROADCAST: lo's
 * broadcast address is all zeros.  With outgoing = 0 the first copy is
 * gone; the sender, bound to one type, gets its own frame back as received.
 */
static void
test_outgoing(void)
{
	struct rawsock_opts o0 = { 0, ETHTYPE_ALL, 0, 0, NULL, 0 };
	struct rawsock_opts o1 = { 0, ETHTYPE_ALL, 0, 1, NULL, 0 };
	struct rawsock_opts so = { 0, T1, 0, 0, NULL, 0 };
	int a, b, s, pt;
	uint16_t t;

	o0.ifindex = o1.ifindex = so.ifindex = lo;
	a = open_sock(&o0, 300);
	b = open_sock(&o1, 300);
	s = open_sock(&so, 300);
	if (a == -1 || b == -1 || s == -1)
		abort();
	ok(send_frame(s, T1, 10) == 0, "another socket sends 0x88b5");
	is_int(recv_frame(b, &t, &pt), 10, "outgoing=1: the frame");
	is_int(pt, PACKET_OUTGOING, "outgoing=1: first as PACKET_OUTGOING");
	is_int(recv_frame(b, &t, &pt), 10, "outgoing=1: the frame again");
	is_int(pt, PACKET_MULTICAST, "outgoing=1: then as received");
	ok(nothing_more(b), "outgoing=1: nothing more");
	is_int(recv_frame(a, &t, &pt), 10, "outgoing=0: the frame");
	is_int(pt, PACKET_MULTICAST, "outgoing=0: only as received");
	ok(nothing_more(a), "outgoing=0: nothing more");

	/* The sender itself, bound to 0x88b5, gets its frame back once. */
	is_int(recv_frame(s, &t, &pt), 10, "the sender: its own frame");
	is_int(pt, PACKET_MULTICAST, "the sender: as received");
	ok(nothing_more(s), "the sender: nothing more");
	close(a);
	close(b);
	close(s);
}

static void
test_promisc(void)
{
	struct rawsock_opts o = { 0, T1, 1, 0, NULL, 0 };
	int fd;

	o.ifindex = lo;
	is_int(lo_promiscuity(), 0, "lo is not promiscuous");
	if ((fd = open_sock(&o, 100)) == -1)
		abort();
	is_int(lo_promiscuity(), 1, "promisc=1: now it is");
	close(fd);
	is_int(lo_promiscuity(), 0, "closing the socket ends it");
}

/*
 * rawsock_confine with pin: the socket is in a group of its own, so its
 * holder can neither rebind it nor join another group; it still receives
 * its own type.  A pinned ETHTYPE_NONE socket is bound (to all) and gets
 * nothing.  Unpinned, a rebind works as before.
 */
static void
test_pin(void)
{
	struct rawsock_conf c;
	struct rawsock_opts so = { 0, ETHTYPE_NONE, 0, 0, NULL, 0 };
	struct sockaddr_ll sll;
	struct timeval tv = { 2, 0 };
	int r, s, n, pt, v, ifindex;
	uint16_t type;

	memset(&c, 0, sizeof(c));
	c.ifindex = lo;
	c.type = T1;
	c.lock = 1;
	c.pin = 1;
	so.ifindex = lo;
	if ((r = rawsock_socket()) == -1 || (s = open_sock(&so, 2000)) == -1)
		abort();
	ok(rawsock_confine(r, &c) == 0, "confine and pin a socket for T1");
	(void)setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETHTYPE_ALL);
	errno = 0;
	ok(bind(r, (struct sockaddr *)&sll, sizeof(sll)) == -1 &&
	    errno == EINVAL, "a pinned socket cannot be rebound: EINVAL");
	v = 77 | (PACKET_FANOUT_HASH << 16);
	errno = 0;
	ok(setsockopt(r, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) == -1 &&
	    errno == EALREADY, "nor join another group: EALREADY");
	errno = 0;
	ok(rawsock_pin(r) == -1 && errno == EALREADY,
	    "pinning twice: EALREADY");
	ok(rawsock_info(r, &ifindex, &type) == 0 && ifindex == lo &&
	    type == T1, "still bound to lo and T1");
	n = send_frame(s, T1, 71) == 0 ? recv_frame(r, &type, &pt) : -1;
	ok(n == 71 && type == T1, "and receives T1");
	close(r);

	c.type = ETHTYPE_NONE;
	if ((r = rawsock_socket()) == -1)
		abort();
	ok(rawsock_confine(r, &c) == 0, "a pinned ETHTYPE_NONE socket");
	ok(rawsock_info(r, &ifindex, &type) == 0 && ifindex == lo &&
	    type == ETHTYPE_ALL, "is bound to all, so it can be pinned");
	errno = 0;
	ok(rawsock_pin(r) == -1 && errno == EALREADY, "and it is pinned");
	ok(send_frame(s, T1, 72) == 0 && nothing_more(r),
	    "and it receives nothing");
	close(r);

	c.pin = 0;
	c.type = T1;
	if ((r = rawsock_socket()) == -1)
		abort();
	errno = 0;
	ok(rawsock_pin(r) == -1 && errno == EINVAL,
	    "an unbound socket cannot be pinned: EINVAL");
	ok(rawsock_confine(r, &c) == 0 &&
	    bind(r, (struct sockaddr *)&sll, sizeof(sll)) == 0,
	    "unpinned, a rebind works");
	close(r);
	close(s);
}

/*
 * A pinned socket's group, and a group of N, are full: no other socket
 * joins them, not even one asking for their id (the id counter is
 * global and readable, so anyone can guess it).
 */
static void
test_bounded(void)
{
	struct rawsock_opts so;
	socklen_t len = sizeof(int);
	unsigned id = 0, id2;
	uint32_t ga, gb, gr;
	int r, x, a, b, c, v, pin = 0;

	memset(&so, 0, sizeof(so));
	so.ifindex = lo;
	so.type = T1;
	if ((r = open_sock(&so, 200)) == -1 || (x = open_sock(&so, 200)) == -1 ||
	    (a = open_sock(&so, 200)) == -1 || (b = open_sock(&so, 200)) == -1 ||
	    (c = open_sock(&so, 200)) == -1)
		abort();
	ok(rawsock_pin(r) == 0 && getsockopt(r, SOL_PACKET, PACKET_FANOUT,
	    &pin, &len) == 0, "a pinned socket, its group id read back");
	v = (pin & 0xffff) | (PACKET_FANOUT_HASH << 16);
	errno = 0;
	ok(setsockopt(x, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) == -1 &&
	    errno == ENOSPC, "another socket asking for that id: ENOSPC");
	ok(rawsock_fanout_of(a, &ga) == 0 && ga == 0,
	    "fanout_of: a socket in no group: 0");
	ok(rawsock_group(a, PACKET_FANOUT_HASH, 2, &id) == 0 && id != 0 &&
	    (id2 = id, rawsock_group(b, PACKET_FANOUT_HASH, 2, &id2)) == 0,
	    "a group of 2 takes its two members");
	ok(rawsock_fanout_of(a, &ga) == 0 && rawsock_fanout_of(b, &gb) == 0 &&
	    rawsock_fanout_of(r, &gr) == 0 && ga != 0 && ga == gb &&
	    (ga & 0xffff) == id && gr != 0 && gr != ga,
	    "fanout_of: the two members alike, with the group's id; the "
	    "pinned one its own");
	errno = 0;
	ok(rawsock_fanout_of(-1, &ga) == -1 && errno == EBADF,
	    "fanout_of: no fd: EBADF");
	errno = 0;
	ok(rawsock_group(c, PACKET_FANOUT_HASH, 2, &id) == -1 &&
	    errno == ENOSPC, "and refuses a third: ENOSPC");
	v = (int)id | (PACKET_FANOUT_HASH << 16);
	errno = 0;
	ok(setsockopt(x, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) == -1 &&
	    errno == ENOSPC, "the third asking the old way too: ENOSPC");
	id = 0;
	errno = 0;
	ok(rawsock_group(x, PACKET_FANOUT_HASH, 257, &id) == -1 &&
	    errno == EINVAL, "a group of 257: EINVAL");
	close(r);
	close(x);
	close(a);
	close(b);
	close(c);
}

int
main(void)
{
	if (geteuid() != 0)
		skip_all("needs root for a network namespace and packet sockets");
	if ((lo = netns_lo(0)) == -1)
		skip_all("cannot make a network namespace with lo up");
	plan(5 + 3 + 22 + 12 + 3 + 12 + 9);
	test_info();
	test_setup_errors();
	test_confine();
	test_outgoing();
	test_promisc();
	test_pin();
	test_bounded();
	return done();
}
