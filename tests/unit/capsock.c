/*
 * Unit tests of lib/capsock: each kind of fd told apart (a pipe is none;
 * a SOCK_SEQPACKET end is relayed; as root, in a network namespace of its
 * own, a packet socket, a tap device's fd and a tun device's), what a
 * failed step says, and capsock_handed_for() on LISTEN_FDS.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsock.h"
#include "tap.h"
#include "tundev.h"

#define ROOT_TESTS	16

static struct capsock_conf conf = {
	.block_size = 1 << 16, .block_nr = 2, .retire_ms = 2,
};

/* Everything that needs a network namespace, and so root. */
static void
root_tests(void)
{
	struct capsock c, c2;
	struct rxsrc src, src2;
	char name[IF_NAMESIZE], env[16];
	int tap, tun, fd;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) == -1) {
		skip(ROOT_TESTS, "needs root for a network namespace");
		return;
	}
	errno = 0;
	ok(capsock_open(&c, "nosuch0", 0x88b5, &conf, &src) == -1 &&
	    errno == ENODEV && c.step == CAPSOCK_STEP_IFACE && c.fd == -1,
	    "no such interface: step IFACE, ENODEV");
	conf.filter = "ether proto nonsense";
	ok(capsock_open(&c, "lo", 0x88b5, &conf, &src) == -1 &&
	    errno == EINVAL && c.step == CAPSOCK_STEP_FILTER &&
	    c.err[0] != '\0', "a bad -F: step FILTER, EINVAL, libpcap's words");
	conf.filter = "ether proto 0x88b5";
	ok(capsock_open(&c, "lo", 0x88b5, &conf, &src) == 0 &&
	    c.kind == CAPSOCK_PACKET && c.fd >= 0 &&
	    strcmp(c.ifc.name, "lo") == 0 && c.ifc.index > 0,
	    "a socket of its own on lo, with a filter");
	conf.filter = NULL;

	/* The same socket handed over again: its ring is a live one. */
	fd = dup(c.fd);
	ok(capsock_inspect(fd, &c2) == 0 && c2.kind == CAPSOCK_PACKET &&
	    strcmp(c2.ifc.name, "lo") == 0 && c2.type == 0x88b5,
	    "a handed-over packet socket: its interface and ethertype");
	errno = 0;
	ok(capsock_take(&c2, &conf, &src2) == -1 && errno == EBUSY &&
	    c2.step == CAPSOCK_STEP_RING,
	    "one that a live program reads through a ring: step RING, EBUSY");
	rxsrc_close(&src);
	ok(capsock_take(&c2, &conf, &src2) == 0 && src2.r.map != NULL,
	    "once that ring is gone: a ring of its own");
	rxsrc_close(&src2);

	/* capsock_handed_for: fd 3 when it is for that iface and type. */
	if (dup2(fd, 3) == 3) {
		snprintf(env, sizeof(env), "%d", (int)getpid());
		setenv("LISTEN_FDS", "1", 1);
		setenv("LISTEN_PID", env, 1);
	}
	is_int(capsock_handed_for("lo", 0x88b5), 3, "handed over for lo 0x88b5");
	is_int(capsock_handed_for("lo", 0x88b6), -1, "not for another type");
	is_int(capsock_handed_for("eth9", 0x88b5), -1, "nor another iface");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	close(3);
	close(fd);
	close(c.fd);

	tap = tundev_open("fdcs%d", TUNDEV_TAP, name);
	ok(tap >= 0 && capsock_inspect(tap, &c) == 0 &&
	    c.kind == CAPSOCK_TAP && strcmp(c.ifc.name, name) == 0 &&
	    c.ifc.index > 0 && c.ifc.mtu == 1500 && c.type == ETHTYPE_ALL,
	    "a tap fd: its device, index and MTU");
	ok(capsock_take(&c, &conf, &src) == 0 && src.tap &&
	    rxsrc_snaplen(&src) == 1500 + ETH_VLAN_HLEN,
	    "read as a tap, snaplen the MTU and a tagged header");
	rxsrc_close(&src);
	tun = tundev_open("fdcn%d", TUNDEV_TUN, name);
	ok(tun >= 0 && capsock_inspect(tun, &c) == 0 &&
	    c.kind == CAPSOCK_TUN && strcmp(c.ifc.name, name) == 0,
	    "a tun fd: told as one");
	errno = 0;
	ok(capsock_take(&c, &conf, &src) == -1 && errno == EPROTONOSUPPORT &&
	    c.step == CAPSOCK_STEP_SOURCE, "and not taken: EPROTONOSUPPORT");
	close(tap);
	close(tun);

	/* A tun fd not attached to a device is no tap. */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	errno = 0;
	ok(fd >= 0 && capsock_inspect(fd, &c) == -1 && errno == ENOTSOCK,
	    "/dev/net/tun with no device: not a kind (ENOTSOCK)");
	if (fd >= 0)
		close(fd);
	errno = 0;
	ok(capsock_inspect(0x3fff, &c) == -1 && errno == EBADF,
	    "an fd not open: EBADF");
	is_int(capsock_handed_for("lo", 0x88b5), -1, "nothing handed over");
}

/* capsock_why() of step and err: its status and words. */
static void
why(int step, int err, const char *filter, int status, const char *want)
{
	struct capsock_conf cc;
	struct capsock c;
	struct cli_err e;

	memset(&cc, 0, sizeof(cc));
	cc.filter = filter;
	cc.block_size = 1 << 20;
	cc.block_nr = 2;
	memset(&c, 0, sizeof(c));
	c.fd = 3;
	c.step = step;
	strlcpy(c.err, "syntax error", sizeof(c.err));
	capsock_why(&c, "eth0", &cc, err, &e);
	is_int(e.status, status, want);
	is_str(e.msg, want, "  its words");
}

/* capsock_usable() of a capsock of kind, bound to type. */
static void
usable(int kind, uint16_t type, int outgoing, const char *opt,
    const char *want)
{
	struct capsock c;
	struct cli_err e;
	int rc;

	memset(&c, 0, sizeof(c));
	c.fd = 4;
	c.kind = kind;
	c.type = type;
	strlcpy(c.ifc.name, kind == CAPSOCK_TUN ? "tun0" : kind == CAPSOCK_TAP ?
	    "tap0" : "eth0", sizeof(c.ifc.name));
	rc = capsock_usable(&c, outgoing, opt, &e);
	if (want == NULL) {
		is_int(rc, 0, "usable");
		return;
	}
	ok(rc == -1 && e.status == 100, want);
	is_str(e.msg, want, "  its words");
}

static void
test_words(void)
{
	struct cli_err e;

	why(CAPSOCK_STEP_IFACE, ENODEV, NULL, 111, "eth0: no such interface");
	why(CAPSOCK_STEP_IFACE, EINVAL, NULL, 100, "eth0: Invalid argument");
	why(CAPSOCK_STEP_FILTER, EINVAL, "x", 100, "-F: syntax error");
	why(CAPSOCK_STEP_SOCKET, EPERM, NULL, 111, "eth0: cannot open a packet "
	    "socket without CAP_NET_RAW: run it under rawopen(1)");
	why(CAPSOCK_STEP_RING, EBUSY, NULL, 111, "fd 3: another program is "
	    "reading this socket through a ring");
	why(CAPSOCK_STEP_RING, ENOMEM, NULL, 111, "eth0: receive ring of "
	    "2097152 bytes: Cannot allocate memory");
	why(CAPSOCK_STEP_CONFINE, EINVAL, "x", 100, "-F: too long to add the "
	    "interface and ethertype test");
	why(CAPSOCK_STEP_ADOPT, EPERM, "x", 111, "-F: eth0: the socket's "
	    "filter is locked (give the filter to rawopen -F)");
	capsock_why_fd(5, ENOTSOCK, &e);
	is_int(e.status, 100, "fd: not one of the kinds: 100");
	is_str(e.msg, "fd 5: not an AF_PACKET socket, a relayed fd or a tap "
	    "device", "  its words");
	capsock_why_fd(5, EBADF, &e);
	is_int(e.status, 100, "fd: not open: 100");
	is_str(e.msg, "fd 5: Bad file descriptor", "  its words");
	usable(CAPSOCK_TUN, ETHTYPE_ALL, 0, NULL, "fd 4: tun0 is a tun device, "
	    "which carries IP packets, not Ethernet frames (rawopen --tap "
	    "makes a tap device)");
	usable(CAPSOCK_PACKET, 0x88b5, 1, "-Q", "-Q: eth0: the socket is bound "
	    "to ethertype 0x88b5, and the kernel copies outgoing frames only "
	    "to sockets bound to all (rawopen -L does that)");
	usable(CAPSOCK_PACKET, ETHTYPE_ALL, 1, "-Q", NULL);
	usable(CAPSOCK_RELAYED, ETHTYPE_NONE, 0, "-F", "-F needs a packet "
	    "socket, and fd 4 is relayed by rawopen (send=iface or send=no; "
	    "send=any hands over the socket)");
	usable(CAPSOCK_TAP, ETHTYPE_ALL, 0, "-B", "-B needs a packet socket, "
	    "and fd 4 is the tap device tap0's");
	usable(CAPSOCK_RELAYED, ETHTYPE_NONE, 0, NULL, NULL);
}

int
main(void)
{
	struct capsock c;
	struct rxsrc src;
	char want[16];
	int p[2], sv[2];

	plan(4 + 30 + ROOT_TESTS);
	if (pipe(p) == -1 || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		return 1;
	errno = 0;
	ok(capsock_inspect(p[0], &c) == -1 && errno == ENOTSOCK,
	    "a pipe: ENOTSOCK");
	ok(capsock_inspect(sv[1], &c) == 0 && c.kind == CAPSOCK_RELAYED &&
	    c.type == ETHTYPE_NONE && c.ifc.index == 0,
	    "a SOCK_SEQPACKET end: relayed, of no known type");
	snprintf(want, sizeof(want), "fd %d", sv[1]);
	is_str(c.ifc.name, want, "named after its fd when unknown");
	ok(capsock_take(&c, &conf, &src) == 0 && src.relayed,
	    "read as relayed");
	rxsrc_close(&src);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	test_words();
	root_tests();
	return done();
}
