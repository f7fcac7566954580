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

int
main(void)
{
	struct capsock c;
	struct rxsrc src;
	char want[16];
	int p[2], sv[2];

	plan(4 + ROOT_TESTS);
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
	root_tests();
	return done();
}
