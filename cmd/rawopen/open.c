/*
 * rawopen's sockets and devices.  Each call that needs a capability has
 * it raised around that call alone, and lowered after; everything done
 * after the drop (confinement, the relay) needs none.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "fdcap.h"
#include "filter.h"
#include "inetsock.h"
#include "policy.h"
#include "priv.h"
#include "rawsock.h"
#include "relay.h"
#include "tundev.h"

#include "rawopen.h"

/*
 * Just before the device joins it: the bridge still has the index and the
 * fixed address check_policy() saw (a bridge of that name could have been
 * made anew since, while a child of the caller's ran).  Exits 1 if not.
 */
static void
same_bridge(const struct sock *s)
{
	char own[IF_NAMESIZE];
	int fixed = 0;

	if (tundev_bridge_info(s->brname, own, &fixed) == -1 ||
	    strcmp(own, s->brname) != 0 || fixed != 1 ||
	    if_nametoindex(own) != s->brindex)
		errx(EXIT_REFUSED, "refused: --bridge %s: not the bridge "
		    "that was checked, or its address is no longer fixed",
		    s->brname);
}

/* The message for a capability that could not be raised. */
static void __attribute__((noreturn))
nocap(const char *what, const char *cap)
{
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		errx(EXIT_SYS, "%s: no %s: no_new_privs is set, so rawopen "
		    "was started without its capabilities", what, cap);
	errx(EXIT_SYS, "%s: no %s: rawopen is not installed with it "
	    "(make install-caps)", what, cap);
}

/* Raises cap around one call; exits when it cannot be raised or lowered. */
static void
raise_cap(cap_value_t cap, const char *what, const char *name)
{
	if (priv_raise(cap) == -1) {
		if (errno == EPERM)
			nocap(what, name);
		err(EXIT_SYS, "%s: raise %s", what, name);
	}
}

static void
lower_cap(cap_value_t cap, const char *name)
{
	if (priv_lower(cap) == -1)
		err(EXIT_SYS, "lower %s", name);
}

/* Looks the interface name up, or exits saying why. */
void
find_iface(const char *name, struct eth_if *ifc)
{
	if (eth_if_byname(name, ifc) == -1) {
		if (errno == ENODEV)
			errx(EXIT_SYS, "%s: no such interface", name);
		err(EXIT_SYS, "%s", name);
	}
}

/*
 * The relay reads Ethernet headers: on another kind of interface (a tun,
 * a tunnel, radiotap) bytes 6-13 are something else, and its checks
 * would pass what the rule never said.  Exits 1 for such a send=iface
 * grant.
 */
void
ethernet_only(const struct sock *s, const struct eth_if *ifc)
{
	if (s->grant.send == POLICY_SEND_IFACE &&
	    ifc->arptype != ARPHRD_ETHER && ifc->arptype != ARPHRD_LOOPBACK)
		errx(EXIT_REFUSED, "refused: %s: not an Ethernet interface, "
		    "so a relay cannot check what is sent (send=no or "
		    "send=any would do)", s->req.iface);
}

/*
 * Looks the interface up and opens the socket: protocol 0, so nothing
 * arrives until setup_packet() has confined and bound it.  This is all
 * that happens with CAP_NET_RAW effective.
 */
static void
open_packet(const struct opts *o, struct sock *s)
{
	struct eth_if ifc, own;
	int e;

	find_iface(s->req.iface, &ifc);
	/* The policy granted a name: the interface must still have it. */
	if (!o->root && (eth_if_byindex(ifc.index, &own) == -1 ||
	    strcmp(own.name, s->req.iface) != 0))
		errx(EXIT_REFUSED, "refused: %s: the interface was renamed",
		    s->req.iface);
	ethernet_only(s, &ifc);
	s->ifc = ifc;
	raise_cap(CAP_NET_RAW, s->name, "cap_net_raw");
	s->fd = rawsock_socket();
	e = errno;
	lower_cap(CAP_NET_RAW, "cap_net_raw");
	if (s->fd == -1) {
		errno = e;
		err(EXIT_SYS, "%s: socket", s->name);
	}
}

/*
 * After the drop: attaches and locks the confining filter (with the rule's
 * and the caller's filter inside), binds, and pins the socket in a fanout
 * group of its own, so that its holder can neither rebind it nor join it
 * to another program's group.  None of it needs privilege.
 */
void
setup_packet(struct opts *o, struct sock *s)
{
	struct rawsock_conf c;

	memset(&c, 0, sizeof(c));
	c.ifindex = s->ifc.index;
	c.type = s->req.ethertype;
	c.promisc = o->promisc;
	/* Frames to other hosts only when promiscuity was asked (and granted). */
	c.otherhost = o->promisc;
	c.outgoing = o->outgoing;
	c.inner = s->inner.len > 0 ? &s->inner : NULL;
	c.lock = 1;
	c.pin = 1;
	/* -j: the first member makes the pair's group, the others join it. */
	if (s->req.fanout > 1) {
		c.group = &o->groups[s->pair];
		c.fanout = o->fanmode;
		c.members = s->req.fanout;	/* and no socket of another's */
	}
	if (rawsock_confine(s->fd, &c) == -1)
		err(EXIT_SYS, "%s", s->name);
	filter_free(&s->inner);
}

/*
 * The relay of a send=iface or send=no grant (relay(3) in lib/relay.h):
 * a process that holds the packet socket and nothing else, not the
 * program's child, not dumpable; the program gets the other end of a
 * SOCK_SEQPACKET pair in the socket's place.  Forked after the drop and
 * its verification: it has no privilege to lose.
 */
void
start_relay(struct sock *s)
{
	struct relay_conf c;
	struct relay_stats st;
	struct relay_peer peer;
	char line[256], b;
	int sv[2], keep[2], rc, middle;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		err(EXIT_SYS, "%s: socketpair", s->name);
	/* The program's end says what it was granted (getpeername). */
	memset(&peer, 0, sizeof(peer));
	strlcpy(peer.ifname, s->ifc.name, sizeof(peer.ifname));
	peer.type = s->req.ethertype;
	memcpy(peer.mac, s->ifc.mac, sizeof(peer.mac));
	peer.mtu = (unsigned)s->ifc.mtu;
	if (relay_bind(sv[0], &peer) == -1)
		err(EXIT_SYS, "%s: name the relay", s->name);
	if ((pid = relay_fork(&middle)) == -1)
		err(EXIT_SYS, "%s: fork the relay", s->name);
	if (pid == 0 && middle)
		_exit(0);
	if (pid != 0) {
		close(sv[0]);
		close(s->fd);
		s->fd = sv[1];
		/*
		 * The program starts once the relay reads every frame that
		 * comes: its hello, one byte before any frame.  What the
		 * program says it is ready for, it does not lose to the
		 * relay's start; a relay that ended first ends the run.
		 */
		while ((n = recv(s->fd, &b, 1, 0)) == -1 && errno == EINTR)
			;
		if (n == -1)
			err(EXIT_SYS, "%s: the relay's hello", s->name);
		if (n != 1)
			errx(EXIT_SYS, "%s: the relay ended before it was "
			    "ready", s->name);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.pktfd = keep[0] = s->fd;
	c.progfd = keep[1] = sv[0];
	c.hello = 1;
	c.send = s->grant.send == POLICY_SEND_NO ? RELAY_SEND_NO :
	    RELAY_SEND_IFACE;
	c.spoof = s->grant.spoof;
	memcpy(c.mac, s->ifc.mac, sizeof(c.mac));
	c.mtu = (unsigned)s->ifc.mtu;
	c.type_ok = policy_grant_type_cb;
	c.type_arg = &s->grant;
	if (relay_isolate(keep, 2) == -1) {
		warn("relay %s", s->name);
		_exit(EXIT_SYS);
	}
	memset(&st, 0, sizeof(st));
	if ((rc = relay_run(&c, &st)) == -1)
		warn("relay %s", s->name);
	if (relay_summary(&st, line, sizeof(line)))
		warnx("relay %s: %s", s->name, line);
	_exit(rc == 0 ? 0 : EXIT_SYS);
}

static void
open_ip(struct sock *s)
{
	int e;

	raise_cap(CAP_NET_RAW, s->name, "cap_net_raw");
	s->fd = inetsock_raw(s->req.ip6, s->req.proto);
	e = errno;
	lower_cap(CAP_NET_RAW, "cap_net_raw");
	if (s->fd == -1) {
		errno = e;
		err(EXIT_SYS, "%s: socket", s->name);
	}
}

static void
open_port(struct sock *s)
{
	int type = s->req.proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int rc, e, privport = s->req.port < 1024;

	if ((s->fd = inetsock_socket(&s->ss, type)) == -1)
		err(EXIT_SYS, "%s: socket", s->name);
	if (privport)
		raise_cap(CAP_NET_BIND_SERVICE, s->name,
		    "cap_net_bind_service");
	rc = inetsock_bind(s->fd, &s->ss, s->sslen, type);
	e = errno;
	if (privport)
		lower_cap(CAP_NET_BIND_SERVICE, "cap_net_bind_service");
	if (rc == -1) {
		errno = e;
		err(EXIT_SYS, "%s: bind", s->name);
	}
}

/*
 * Opens /dev/net/tun as the caller, with no capability raised (none that
 * rawopen holds overrides the file's mode), or exits naming it:
 * "tap%d: /dev/net/tun: Permission denied".  -x calls it too, and closes
 * what it got.
 */
int
open_tundev(const struct sock *s)
{
	int fd;

	if ((fd = tundev_opendev()) == -1)
		err(EXIT_SYS, "%s: %s", s->name, TUNDEV_PATH);
	return fd;
}

/*
 * Makes the device, with CAP_NET_ADMIN raised around each call that needs
 * it: TUNSETIFF (never on an existing device), no router advertisements
 * or redirects taken, up, the bridge.  A caller
 * who is not root must be granted the name the device got as well as the
 * one asked for ("%d" as written): a device it may not have is closed,
 * and so gone.
 */
static void
open_tap(const struct opts *o, struct sock *s)
{
	struct policy_req final;
	const char *step, *bridge = "";
	char got[IF_NAMESIZE];
	int rc, e;

	s->fd = open_tundev(s);
	raise_cap(CAP_NET_ADMIN, s->name, "cap_net_admin");
	rc = tundev_make(s->fd, s->tapname, s->req.tapmode == POLICY_MODE_TAP ?
	    TUNDEV_TAP : TUNDEV_TUN, got);
	e = errno;
	lower_cap(CAP_NET_ADMIN, "cap_net_admin");
	if (rc == -1) {
		if (e == EBUSY || e == EEXIST)
			errx(EXIT_SYS, "%s: a device of that name exists",
			    s->name);
		errno = e;
		err(EXIT_SYS, "%s", s->name);
	}
	/*
	 * The caller's device: should a holder make it persistent, nobody
	 * else may attach to it (the kernel lets anyone, with no owner).
	 */
	if (tundev_own(s->fd, o->owner) == -1)
		err(EXIT_SYS, "%s: owner", s->name);
	if (!o->root) {
		final = s->req;
		final.tapname = got;
		if (!policy_check(o->policy, o->who, &final, NULL))
			errx(EXIT_REFUSED, "refused: %s: the device got the "
			    "name %s, which no rule grants", s->name, got);
	}
	strlcpy(s->name, got, sizeof(s->name));
	if (!o->root && s->req.bridge != NULL)
		same_bridge(s);
	raise_cap(CAP_NET_ADMIN, s->name, "cap_net_admin");
	/*
	 * Before it is up: the host takes no route, address or redirect
	 * from what the holder writes into it (a router advertisement
	 * would add a default route through the holder).
	 */
	step = "router advertisements and redirects off";
	if ((rc = tundev_quiet(got)) == 0) {
		step = "up";
		if ((rc = tundev_up(got)) == 0 && s->req.bridge != NULL) {
			step = "bridge ";
			bridge = s->req.bridge;
			rc = tundev_bridge(got, s->req.bridge);
		}
	}
	e = errno;
	lower_cap(CAP_NET_ADMIN, "cap_net_admin");
	if (rc == -1) {
		errno = e;
		err(EXIT_SYS, "%s: %s%s", got, step, bridge);
	}
}

/* Enters the network namespace -N names; returns an fd for coming back. */
static int
enter_netns(const char *ns)
{
	char path[PATH_MAX];
	int self, fd;

	if (strchr(ns, '/') != NULL)
		strlcpy(path, ns, sizeof(path));
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
		err(EXIT_SYS, "/proc/self/ns/net");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(EXIT_SYS, "-N %s", path);
	raise_cap(CAP_SYS_ADMIN, "-N", "cap_sys_admin");
	if (setns(fd, CLONE_NEWNET) == -1)
		err(EXIT_SYS, "-N %s: setns", path);
	lower_cap(CAP_SYS_ADMIN, "cap_sys_admin");
	close(fd);
	return self;
}

static void
leave_netns(int self)
{
	raise_cap(CAP_SYS_ADMIN, "-N", "cap_sys_admin");
	if (setns(self, CLONE_NEWNET) == -1)
		err(EXIT_SYS, "-N: setns back");
	lower_cap(CAP_SYS_ADMIN, "cap_sys_admin");
	close(self);
}

void
open_all(struct opts *o)
{
	size_t i;
	int self = -1;

	if (o->netns != NULL)
		self = enter_netns(o->netns);
	for (i = 0; i < o->nsocks; i++) {
		switch (o->socks[i].req.kind) {
		case POLICY_PACKET:
			open_packet(o, &o->socks[i]);
			break;
		case POLICY_IP:
			open_ip(&o->socks[i]);
			break;
		case POLICY_PORT:
			open_port(&o->socks[i]);
			break;
		case POLICY_TAP:
			open_tap(o, &o->socks[i]);
			break;
		}
	}
	if (self != -1)
		leave_netns(self);
}

