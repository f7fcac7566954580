/*
 * ethsend's socket: -S fd, a handed-over fd (rawopen) or IFACE opened
 * here; a packet socket, a relayed fd (rawopen send=iface or send=no) or a
 * tap device's fd (rawopen --tap), and the interface behind it.
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsock.h"
#include "cli.h"
#include "eth.h"
#include "fdcap.h"
#include "listenfd.h"
#include "rawsock.h"
#include "relay.h"
#include "txq.h"

#include "ethsend.h"

/*
 * A relayed fd (rawopen's send=iface or send=no): one frame per message,
 * sent without an address; the relay checks each and sends it on its
 * interface.  What rawopen granted is read from the name of the relay's
 * end (relay_peer(): interface, ethertype, address, MTU), and IFACE, when
 * given, must be that interface, as it must be a packet socket's: frames
 * from another's address would be dropped by the relay.  The ETHERTYPE
 * operand is not held to the name's type: the name says the type asked
 * for, and the rule may grant others (ethertype=none,0x88b5), which the
 * relay judges.  An end without such a name (not rawopen's): IFACE is
 * looked up here for its MTU and address; without IFACE, frames of up to
 * what the relay carries are passed on (the relay drops those its
 * interface's MTU does not allow) and payloads, with -s, are of at most
 * RELAY_MTU_UNKNOWN bytes.
 */
static void
open_relayed(struct run *r, char **argv, int argc, uint16_t *btype)
{
	struct relay_peer peer;
	struct cli_err e;

	if (argc != 0 && argc != 2)
		usage();
	r->relayed = 1;
	if (relay_peer(r->fd, &peer) == 0) {
		if (argc == 2 && strcmp(argv[0], peer.ifname) != 0)
			errx(EXIT_USAGE, "fd %d is relayed to %s, not %s",
			    r->fd, peer.ifname, argv[0]);
		strlcpy(r->ifc.name, peer.ifname, sizeof(r->ifc.name));
		memcpy(r->ifc.mac, peer.mac, sizeof(r->ifc.mac));
		r->ifc.mtu = (int)peer.mtu;
		*btype = peer.type;
		r->have_ifc = 1;
		return;
	}
	if (argc == 2) {
		if (cli_iface(NULL, argv[0], &r->ifc, &e) == -1)
			cli_exit(&e);
		r->have_ifc = 1;
		return;
	}
	snprintf(r->ifc.name, sizeof(r->ifc.name), "fd %d", r->fd);
	r->ifc.mtu = RELAY_FRAME_MAX - ETH_VLAN_HLEN;
}

/*
 * A tap device's fd (rawopen --tap), as capsock_inspect() tells it: frames
 * are written into the device, payloads from its address; the ethertype
 * of payloads is -t's or the ETHERTYPE operand's (IFACE, when given, must
 * be the device).  A tun device's fd carries IP packets, not frames:
 * refused.  Returns 0 when fd is neither.
 */
static int
open_tap(struct run *r, char **argv, int argc)
{
	struct capsock c;

	if (capsock_inspect(r->fd, &c) == -1 ||
	    (c.kind != CAPSOCK_TAP && c.kind != CAPSOCK_TUN))
		return 0;
	if (c.kind == CAPSOCK_TUN)
		errx(EXIT_USAGE, "fd %d: %s is a tun device, which carries IP "
		    "packets, not Ethernet frames (rawopen --tap makes a tap "
		    "device)", r->fd, c.ifc.name);
	if (argc != 0 && argc != 2)
		usage();
	if (argc == 2 && strcmp(argv[0], c.ifc.name) != 0)
		errx(EXIT_USAGE, "fd %d is the tap device %s, not %s", r->fd,
		    c.ifc.name, argv[0]);
	r->tap = 1;
	r->ifc = c.ifc;
	/* Out of reach (another namespace): its address is unknown. */
	r->have_ifc = c.ifc.index > 0;
	if (r->ifc.mtu <= 0)
		r->ifc.mtu = RELAY_MTU_UNKNOWN;
	return 1;
}

/*
 * The socket: -S fd, or the first handed over (LISTEN_FDS), or IFACE
 * opened here.  Fills r->fd and r->ifc, and *btype with the bound type.
 */
static void
open_socket(const struct opts *o, struct run *r, char **argv, int argc,
    uint16_t *btype)
{
	struct rawsock_opts ro;
	struct cli_err e;
	int n, ifindex;

	n = 0;
	if (o->fd >= 0) {
		r->fd = o->fd;
	} else if ((n = listenfd_count()) == -1) {
		err(EXIT_USAGE, "LISTEN_FDS");
	} else if (n > 0) {
		r->fd = LISTENFD_START;
	} else {
		if (argc == 0)
			errx(EXIT_USAGE, "no socket: give iface ethertype, or "
			    "run it under rawopen(1)");
		if (argc != 2)
			usage();
		if (cli_iface(NULL, argv[0], &r->ifc, &e) == -1)
			cli_exit(&e);
		if ((r->fd = rawsock_socket()) == -1) {
			if (errno == EPERM)
				errx(EXIT_SYS, "socket: %s: needs CAP_NET_RAW; "
				    "without it, run ethsend under rawopen(1)",
				    strerror(errno));
			err(EXIT_SYS, "socket");
		}
		memset(&ro, 0, sizeof(ro));
		ro.ifindex = r->ifc.index;
		ro.type = ETHTYPE_NONE;	/* send only: receive nothing */
		if (rawsock_setup(r->fd, &ro) == -1)
			err(EXIT_SYS, "%s", argv[0]);
		*btype = ETHTYPE_NONE;
		r->have_ifc = 1;
		r->own = 1;
		return;
	}
	if (relay_fd(r->fd) == 1) {
		open_relayed(r, argv, argc, btype);
		return;
	}
	if (open_tap(r, argv, argc))
		return;
	if (rawsock_info(r->fd, &ifindex, btype) == -1) {
		if (errno == EBADF)
			err(EXIT_USAGE, "fd %d", r->fd);
		errx(EXIT_USAGE, "fd %d: not a raw AF_PACKET socket (%s)",
		    r->fd, strerror(errno));
	}
	if (ifindex == 0)
		errx(EXIT_USAGE, "fd %d: not bound to an interface", r->fd);
	if (eth_if_ofsocket(r->fd, ifindex, &r->ifc) == -1)
		err(EXIT_SYS, "fd %d: interface %d", r->fd, ifindex);
	r->have_ifc = 1;
	if (argc == 2 && strcmp(argv[0], r->ifc.name) != 0)
		errx(EXIT_USAGE, "fd %d is bound to %s, not %s", r->fd,
		    r->ifc.name, argv[0]);
	if (argc != 0 && argc != 2)
		usage();
}

/*
 * open_socket(), then its fd as the frames' target (lib/txq), given up
 * when a stop signal comes.
 */
void
open_target(const struct opts *o, struct run *r, char **argv, int argc,
    uint16_t *btype)
{
	open_socket(o, r, argv, argc, btype);
	txq_init(&r->q, r->fd, r->relayed ? TXQ_RELAYED : r->tap ? TXQ_TAP :
	    TXQ_PACKET, &stop);
	/*
	 * --tx-ring: through a transmit ring, a batch in one send(2); only on
	 * a socket of ethsend's own, since another process may send on one
	 * handed over, and with a ring every send on it sends from the ring.
	 */
	if (!o->txring)
		return;
	if (!r->own)
		errx(EXIT_USAGE, "--tx-ring: fd %d was handed over, and may be "
		    "shared: a ring goes only on a socket ethsend opens (iface "
		    "ethertype, with CAP_NET_RAW)", r->fd);
	if (txq_ring(&r->q, (uint32_t)r->ifc.mtu, RING_SLOTS) == -1)
		err(errno == EINVAL ? EXIT_USAGE : EXIT_SYS, "--tx-ring: %s "
		    "(MTU %d)", r->ifc.name, r->ifc.mtu);
}
