/*
 * capsock: the fd a capture reads frames from, told apart and set up.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capsock.h"
#include "eth.h"
#include "filter.h"
#include "listenfd.h"
#include "rawsock.h"
#include "relay.h"
#include "ring.h"
#include "rxsrc.h"
#include "tundev.h"

/* Fails at step with errno e (kept across what the failure undoes). */
static int
capsock_fail(struct capsock *c, int step, int e)
{
	c->step = step;
	errno = e;
	return -1;
}

/* Whether fd is a tun or tap device's fd: fills c when it is. */
static int
capsock_tundev(int fd, struct capsock *c)
{
	char name[IF_NAMESIZE];
	struct stat st;
	int mode;

	/* Only a character device is asked TUNGETIFF. */
	if (fstat(fd, &st) == -1 || !S_ISCHR(st.st_mode) ||
	    tundev_info(fd, name, &mode) == -1)
		return 0;
	c->kind = mode == TUNDEV_TAP ? CAPSOCK_TAP : CAPSOCK_TUN;
	c->type = ETHTYPE_ALL;
	if (eth_if_byname(name, &c->ifc) == -1)
		strlcpy(c->ifc.name, name, sizeof(c->ifc.name));
	return 1;
}

int
capsock_inspect(int fd, struct capsock *c)
{
	struct relay_peer peer;
	int ifindex, rc;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	snprintf(c->ifc.name, sizeof(c->ifc.name), "fd %d", fd);
	c->type = ETHTYPE_NONE;
	if ((rc = relay_fd(fd)) == -1)
		return -1;
	if (rc == 1) {
		c->kind = CAPSOCK_RELAYED;
		if (relay_peer(fd, &peer) == 0) {
			strlcpy(c->ifc.name, peer.ifname, sizeof(c->ifc.name));
			memcpy(c->ifc.mac, peer.mac, sizeof(c->ifc.mac));
			c->ifc.mtu = (int)peer.mtu;
			c->type = peer.type;
		}
		return 0;
	}
	if (capsock_tundev(fd, c))
		return 0;
	if (rawsock_info(fd, &ifindex, &c->type) == -1)
		return -1;
	c->kind = CAPSOCK_PACKET;
	if (ifindex > 0)
		(void)eth_if_ofsocket(fd, ifindex, &c->ifc);
	return 0;
}

int
capsock_handed_for(const char *ifname, uint16_t type)
{
	struct capsock c;

	if (listenfd_count() <= 0 || capsock_inspect(LISTENFD_START, &c) == -1)
		return -1;
	return strcmp(c.ifc.name, ifname) == 0 && c.type == type ?
	    LISTENFD_START : -1;
}

/* conf->filter compiled into *prog (zeroed when there is none). */
static int
capsock_filter(struct capsock *c, const struct capsock_conf *conf,
    struct sock_fprog *prog)
{
	memset(prog, 0, sizeof(*prog));
	if (conf->filter != NULL && filter_compile(conf->filter,
	    RING_SNAPLEN_MAX, prog, c->err) == -1)
		return capsock_fail(c, CAPSOCK_STEP_FILTER, errno);
	return 0;
}

int
capsock_take(struct capsock *c, const struct capsock_conf *conf,
    struct rxsrc *src)
{
	struct sock_fprog prog;
	int e;

	switch (c->kind) {
	case CAPSOCK_RELAYED:
		if (rxsrc_relayed(src, c->fd, c->ifc.index) == -1)
			return capsock_fail(c, CAPSOCK_STEP_SOURCE, errno);
		return 0;
	case CAPSOCK_TAP:
		if (rxsrc_tap(src, c->fd, c->ifc.index, (uint32_t)(c->ifc.mtu >
		    0 ? c->ifc.mtu : 1500) + ETH_VLAN_HLEN) == -1)
			return capsock_fail(c, CAPSOCK_STEP_SOURCE, errno);
		return 0;
	case CAPSOCK_PACKET:
		break;
	default:
		return capsock_fail(c, CAPSOCK_STEP_SOURCE, EPROTONOSUPPORT);
	}
	if (capsock_filter(c, conf, &prog) == -1)
		return -1;
	if (rxsrc_ring(src, c->fd, conf->block_size, conf->block_nr,
	    conf->retire_ms) == -1) {
		e = errno;
		filter_free(&prog);
		return capsock_fail(c, CAPSOCK_STEP_RING, e);
	}
	if (rawsock_adopt(c->fd, conf->outgoing, conf->filter != NULL ?
	    &prog : NULL) == -1) {
		e = errno;
		filter_free(&prog);
		rxsrc_close(src);
		return capsock_fail(c, CAPSOCK_STEP_ADOPT, e);
	}
	filter_free(&prog);
	return 0;
}

int
capsock_open(struct capsock *c, const char *ifname, uint16_t type,
    const struct capsock_conf *conf, struct rxsrc *src)
{
	struct rawsock_conf rc;
	struct sock_fprog prog;
	int e;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->kind = CAPSOCK_PACKET;
	c->type = type;
	if (eth_if_byname(ifname, &c->ifc) == -1)
		return capsock_fail(c, CAPSOCK_STEP_IFACE, errno);
	if (capsock_filter(c, conf, &prog) == -1)
		return -1;
	if ((c->fd = rawsock_socket()) == -1) {
		e = errno;
		filter_free(&prog);
		return capsock_fail(c, CAPSOCK_STEP_SOCKET, e);
	}
	if (rxsrc_ring(src, c->fd, conf->block_size, conf->block_nr,
	    conf->retire_ms) == -1) {
		c->step = CAPSOCK_STEP_RING;
		goto fail;
	}
	memset(&rc, 0, sizeof(rc));
	rc.ifindex = c->ifc.index;
	rc.type = type;
	rc.promisc = conf->promisc;
	rc.otherhost = 1;
	rc.outgoing = conf->outgoing;
	rc.inner = conf->filter != NULL ? &prog : NULL;
	rc.pin = conf->group != NULL;
	rc.group = conf->group;
	rc.fanout = conf->fanout;
	rc.members = conf->members;
	if (rawsock_confine(c->fd, &rc) == -1) {
		c->step = CAPSOCK_STEP_CONFINE;
		rxsrc_close(src);
		goto fail;
	}
	filter_free(&prog);
	return 0;
fail:
	e = errno;
	filter_free(&prog);
	close(c->fd);
	c->fd = -1;
	errno = e;
	return -1;
}

/* Fills e with status and the formatted message. */
static void __attribute__((format(printf, 3, 4)))
words(struct cli_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
capsock_why(const struct capsock *c, const char *name,
    const struct capsock_conf *conf, int err, struct cli_err *e)
{
	switch (c->step) {
	case CAPSOCK_STEP_IFACE:
		if (err == ENODEV)
			words(e, EXIT_SYS, "%s: no such interface", name);
		else
			words(e, EXIT_USAGE, "%s: %s", name, strerror(err));
		return;
	case CAPSOCK_STEP_FILTER:
		words(e, err == EINVAL ? EXIT_USAGE : EXIT_SYS, "-F: %s",
		    c->err);
		return;
	case CAPSOCK_STEP_SOCKET:
		if (err == EPERM || err == EACCES)
			words(e, EXIT_SYS, "%s: cannot open a packet socket "
			    "without CAP_NET_RAW: run it under rawopen(1)",
			    name);
		else
			words(e, EXIT_SYS, "socket: %s", strerror(err));
		return;
	case CAPSOCK_STEP_RING:
		/* A dead program's ring is replaced; a live one's is not. */
		if (err == EBUSY)
			words(e, EXIT_SYS, "fd %d: another program is reading "
			    "this socket through a ring", c->fd);
		else
			words(e, EXIT_SYS, "%s: receive ring of %zu bytes: %s",
			    name, conf->block_size * conf->block_nr,
			    strerror(err));
		return;
	case CAPSOCK_STEP_CONFINE:
		if (err == EINVAL && conf->filter != NULL)
			words(e, EXIT_USAGE, "-F: too long to add the "
			    "interface and ethertype test");
		else
			words(e, EXIT_SYS, "%s: %s", name, strerror(err));
		return;
	case CAPSOCK_STEP_ADOPT:
		if (err == EPERM && conf->filter != NULL)
			words(e, EXIT_SYS, "-F: %s: the socket's filter is "
			    "locked (give the filter to rawopen -F)", name);
		else
			words(e, EXIT_SYS, "%s: %s", name, strerror(err));
		return;
	default:
		words(e, EXIT_SYS, "%s: %s", name, strerror(err));
	}
}

void
capsock_why_fd(int fd, int err, struct cli_err *e)
{
	if (err == ENOTSOCK || err == EAFNOSUPPORT || err == EPROTOTYPE)
		words(e, EXIT_USAGE, "fd %d: not an AF_PACKET socket, a "
		    "relayed fd or a tap device", fd);
	else
		words(e, EXIT_USAGE, "fd %d: %s", fd, strerror(err));
}

int
capsock_usable(const struct capsock *c, int outgoing, const char *opt,
    struct cli_err *e)
{
	if (c->kind == CAPSOCK_TUN) {
		words(e, EXIT_USAGE, "fd %d: %s is a tun device, which carries "
		    "IP packets, not Ethernet frames (rawopen --tap makes a "
		    "tap device)", c->fd, c->ifc.name);
		return -1;
	}
	if (c->kind == CAPSOCK_PACKET) {
		/* Outgoing frames would never come: say so rather than wait. */
		if (outgoing && c->type != ETHTYPE_ALL &&
		    c->type != ETHTYPE_NONE) {
			words(e, EXIT_USAGE, "-Q: %s: the socket is bound to "
			    "ethertype 0x%04x, and the kernel copies outgoing "
			    "frames only to sockets bound to all (rawopen -L "
			    "does that)", c->ifc.name, c->type);
			return -1;
		}
		return 0;
	}
	if (opt == NULL)
		return 0;
	if (c->kind == CAPSOCK_TAP)
		words(e, EXIT_USAGE, "%s needs a packet socket, and fd %d is "
		    "the tap device %s's", opt, c->fd, c->ifc.name);
	else
		words(e, EXIT_USAGE, "%s needs a packet socket, and fd %d is "
		    "relayed by rawopen (send=iface or send=no; send=any "
		    "hands over the socket)", opt, c->fd);
	return -1;
}
