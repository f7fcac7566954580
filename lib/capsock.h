/*
 * capsock: the fd a capture reads frames from, told apart and set up
 * behind lib/rxsrc.  It is one of
 *
 *	a packet socket opened here on an interface for an ethertype,
 *	  with a ring (needs CAP_NET_RAW);
 *	a packet socket handed over (rawopen send=any, fdrecv): given a ring;
 *	a relayed fd (rawopen send=iface or send=no): read with recvmmsg;
 *	a tap device's fd (rawopen --tap): read with read(2).
 *
 * A tun device's fd carries IP packets, not frames: capsock_inspect()
 * tells it, and capsock_take() refuses it.
 *
 *	capsock_inspect(fd, &c);	(the tool checks c.kind against
 *	capsock_take(&c, &conf, &src);	 its options, then takes it)
 *  or	capsock_open(&c, ifname, type, &conf, &src);
 *
 * Nothing here prints or exits: a failure says in c->step which step
 * failed, and capsock_why() words it (a struct cli_err: the message and
 * the exit status) for the tool to say.
 */
#ifndef LIB_CAPSOCK_H
#define LIB_CAPSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "eth.h"
#include "filter.h"
#include "rxsrc.h"

#define CAPSOCK_PACKET	1	/* an AF_PACKET socket */
#define CAPSOCK_RELAYED	2	/* rawopen's SOCK_SEQPACKET end */
#define CAPSOCK_TAP	3	/* a tap device's fd: Ethernet frames */
#define CAPSOCK_TUN	4	/* a tun device's fd: IP packets */

/* Which step failed. */
#define CAPSOCK_STEP_IFACE	1	/* the interface: eth_if_byname() */
#define CAPSOCK_STEP_FILTER	2	/* compiling -F: message in err */
#define CAPSOCK_STEP_SOCKET	3	/* rawsock_socket() */
#define CAPSOCK_STEP_RING	4	/* rxsrc_ring(): EBUSY, another ring */
#define CAPSOCK_STEP_CONFINE	5	/* rawsock_confine() */
#define CAPSOCK_STEP_ADOPT	6	/* rawsock_adopt(): EPERM, locked */
#define CAPSOCK_STEP_SOURCE	7	/* rxsrc_relayed(), rxsrc_tap() */

/* How to set the fd up. */
struct capsock_conf {
	const char	*filter;	/* a tcpdump expression, or NULL */
	int		 outgoing;	/* outgoing frames too */
	int		 promisc;	/* capsock_open() only */
	size_t		 block_size;	/* the ring: rxsrc_ring() */
	unsigned	 block_nr;
	unsigned	 retire_ms;
	/* capsock_open() only: join fanout group *group (0: a new one). */
	unsigned	*group;		/* NULL: no group */
	int		 fanout;	/* its mode: rawsock_fanout_mode()'s */
	unsigned	 members;	/* a new group's size, and no more */
};

struct capsock {
	int		 fd;
	int		 kind;		/* CAPSOCK_* */
	struct eth_if	 ifc;		/* its interface; name "fd N" unknown */
	uint16_t	 type;		/* bound or granted; else ETHTYPE_NONE */
	int		 step;		/* after a failure: CAPSOCK_STEP_* */
	char		 err[FILTER_ERRLEN];	/* CAPSOCK_STEP_FILTER's words */
};

/*
 * What the handed-over fd is, into c: its kind, interface and ethertype
 * (a relayed fd's as rawopen named the relay's end; a tap's or tun's
 * interface by the device's name, its type ETHTYPE_ALL).  An interface
 * that cannot be told leaves c->ifc.name "fd N" and index 0.  Returns 0,
 * or -1 with errno EBADF, or ENOTSOCK, EAFNOSUPPORT or EPROTOTYPE (none
 * of the four kinds).
 */
int	capsock_inspect(int fd, struct capsock *c);

/*
 * The fd handed over (LISTEN_FDS: the first) when it is one that
 * capsock_inspect() takes and is for ifname and type, as under `rawopen
 * IFACE TYPE -- ethrecv IFACE TYPE`; else -1.  Never fails.
 */
int	capsock_handed_for(const char *ifname, uint16_t type);

/*
 * Sets up the fd c describes (capsock_inspect()) as the frame source src:
 * a packet socket gets a ring, its direction (conf->outgoing) and
 * conf->filter when not NULL (its own filter is kept); a relayed fd or a
 * tap fd is read as it is (conf is not looked at: the tool refuses what
 * needs a packet socket), a tap's snaplen its MTU and header with a tag.
 * Returns 0, or -1 with errno and c->step: RING (EBUSY: another live
 * program maps a ring on the socket), FILTER (EINVAL: a bad expression,
 * message in c->err), ADOPT (EPERM: the socket's filter is locked),
 * SOURCE (ENOMEM; EPROTONOSUPPORT for a tun fd); then nothing is left set
 * up.
 */
int	capsock_take(struct capsock *c, const struct capsock_conf *conf,
	    struct rxsrc *src);

/*
 * Opens a packet socket on ifname for type as src, ring first and bound
 * last, so that nothing arrives before the ring is there to take it,
 * confined as rawopen confines (rawsock_confine(): conf->filter inside,
 * frames to other hosts, outgoing ones when conf->outgoing, promiscuous
 * when conf->promisc) but neither locked nor pinned, unless conf->group
 * is not NULL: then a member of fanout group *conf->group of mode
 * conf->fanout (rawsock_group(); *conf->group 0: a new group of
 * conf->members sockets (0: 256), which no other socket may join, its id
 * written back for the next member).  Returns 0, or -1
 * with errno and c->step: IFACE (ENODEV: no such interface, or
 * eth_ifname_check()'s EINVAL), FILTER (as for capsock_take()), SOCKET
 * (EPERM or EACCES: no CAP_NET_RAW), RING, CONFINE (EINVAL with a filter:
 * too long to add the interface and ethertype test); then nothing is left
 * open.
 */
int	capsock_open(struct capsock *c, const char *ifname, uint16_t type,
	    const struct capsock_conf *conf, struct rxsrc *src);

/*
 * Why capsock_open() or capsock_take() failed, from c->step and err (the
 * errno they left), worded into e for a capture tool to say (name: the
 * interface or fd, conf: as given): 111 for what the system refused
 * ("eth9: no such interface", "eth0: cannot open a packet socket without
 * CAP_NET_RAW: run it under rawopen(1)", "fd 3: another program is
 * reading this socket through a ring", ...), 100 for what the command
 * line got wrong (a bad -F, an interface name the kernel refuses).
 * Never fails.
 */
void	capsock_why(const struct capsock *c, const char *name,
	    const struct capsock_conf *conf, int err, struct cli_err *e);

/*
 * Why capsock_inspect() refused fd (err: the errno it left), worded into
 * e (100): "fd 5: not an AF_PACKET socket, a relayed fd or a tap device",
 * or "fd 5: " and strerror(err).  Never fails.
 */
void	capsock_why_fd(int fd, int err, struct cli_err *e);

/*
 * Whether a capture can use the handed-over fd c describes (from
 * capsock_inspect()): a tun device's carries no frames; with outgoing
 * (-Q out or inout), a packet socket must be bound to every ethertype
 * (the kernel copies outgoing frames to no other); and a relayed fd or a
 * tap fd has no packet socket for option opt (the first of the tool's
 * options that needs one, as "-F"; NULL: none given).  Returns 0, or -1
 * with e filled (100) saying why not.  Never fails otherwise.
 */
int	capsock_usable(const struct capsock *c, int outgoing, const char *opt,
	    struct cli_err *e);

#endif /* LIB_CAPSOCK_H */
