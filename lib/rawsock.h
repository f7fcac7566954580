/*
 * rawsock: AF_PACKET sockets, opened in the order that lets nothing in
 * that was not asked for.
 */
#ifndef LIB_RAWSOCK_H
#define LIB_RAWSOCK_H

#include <linux/filter.h>
#include <stdint.h>

struct rawsock_opts {
	int		ifindex;
	uint16_t	type;		/* host order; ETHTYPE_ALL, ETHTYPE_NONE */
	int		promisc;	/* PACKET_MR_PROMISC membership */
	int		outgoing;	/* also our own outgoing frames (-L) */
	const struct sock_fprog	*filter;	/* attached, or NULL */
	int		lock;		/* SO_LOCK_FILTER after attaching */
};

/*
 * socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0): protocol 0, so that
 * nothing arrives before rawsock_setup() has bound it.  This is the one call
 * that needs CAP_NET_RAW; the caller raises and drops it around this call.
 * Returns the fd or -1 with errno (EPERM without the capability).
 */
int	rawsock_socket(void);

/*
 * Prepares fd from rawsock_socket(), in this order: attach o->filter
 * (SO_ATTACH_FILTER) and lock it (SO_LOCK_FILTER) when o->lock,
 * PACKET_IGNORE_OUTGOING unless o->outgoing, PACKET_MR_PROMISC when
 * o->promisc, then bind to (o->ifindex, o->type).  o->lock locks even
 * without a filter, so that none can be attached later.  Needs no
 * privilege.  Returns 0, or -1 with errno (EINVAL: o->ifindex <= 0, which
 * would bind to every interface; ENODEV: no such interface; or the error
 * of the failing call); on failure fd is left open for the caller to close.
 */
int	rawsock_setup(int fd, const struct rawsock_opts *o);

/* How rawsock_confine() prepares a socket. */
struct rawsock_conf {
	int		ifindex;
	uint16_t	type;		/* host order; ETHTYPE_ALL, ETHTYPE_NONE */
	int		promisc;	/* PACKET_MR_PROMISC membership */
	int		otherhost;	/* frames to other hosts pass the filter */
	int		outgoing;	/* outgoing frames too (-L, -Q out) */
	const struct sock_fprog	*inner;	/* the rule's and caller's, or NULL */
	int		lock;		/* SO_LOCK_FILTER */
	int		pin;		/* a fanout group of its own, or group's */
	int		fanout;		/* with group: rawsock_fanout_mode()'s */
	unsigned	*group;		/* NULL, or the group to join (0: new) */
	unsigned	members;	/* with a new group: its size (0: 256) */
};

/*
 * The one place where a packet socket is confined, for rawopen and for
 * ethrecv alike.  Attaches to fd (from rawsock_socket()) the program that
 * filter_confine() builds from c (ifindex, type, otherhost, outgoing,
 * inner), locks it when c->lock, and binds with rawsock_setup().  The
 * kernel copies outgoing frames only to sockets bound to every ethertype:
 * with c->outgoing and one ethertype, the socket is bound to all and the
 * filter keeps it to its type (as it does after any rebind).  With c->pin
 * the bound socket is then made the only member of a fanout group of its
 * own (rawsock_pin()), or, when c->group is not NULL, a member of the
 * group *c->group of mode c->fanout (rawsock_group()); a socket of
 * ETHTYPE_NONE, which a bind to protocol
 * 0 would leave unpinnable, is then bound to all, its filter dropping
 * every frame.  Returns 0, or -1 with errno (EINVAL: ifindex <= 0, or
 * inner too long for the prefix; ENOMEM; or the failing call's error);
 * on failure fd is left open for the caller to close.
 */
int	rawsock_confine(int fd, const struct rawsock_conf *c);

/*
 * Makes the bound socket fd the only member of a fanout group of its own
 * (PACKET_FANOUT, PACKET_FANOUT_FLAG_UNIQUEID): from then on the kernel
 * refuses to rebind it (EINVAL) and to make it join any other group
 * (EALREADY), so whoever holds it can neither move it to another
 * interface or ethertype nor take frames from another program's group.
 * The group holds one member at most, so that no socket of anyone else's
 * joins it either (ENOSPC), whatever id it asks for.  Returns 0, or -1
 * with errno (EINVAL: fd is not bound to a protocol, or the kernel is
 * older than 5.9 and cannot bound a group; EALREADY: already in a group).
 */
int	rawsock_pin(int fd);

/*
 * Makes the bound socket fd a member of fanout group *id, of mode (as
 * rawsock_fanout_mode() gives it): when *id is 0, of a new group of at
 * most members sockets (1 to 256; 0: 256) whose id the kernel chooses
 * (PACKET_FANOUT_FLAG_UNIQUEID), written to *id, so that the next members
 * join it.  A member can be neither rebound nor moved to another group,
 * and once the group has its members no other socket joins it, not even
 * one asking for its id.  Returns 0, or -1 with errno (EINVAL: fd not
 * bound, members over 256, or a group of that id with another mode,
 * size or interface; ENOSPC: the group is full; EALREADY: fd is in a
 * group already).
 */
int	rawsock_group(int fd, int mode, unsigned members, unsigned *id);

/*
 * The fanout group of fd as the kernel tells it (id, and mode and flags
 * in the upper 16 bits), into *group: 0 when fd is in none (as a group 0
 * of mode hash without flags would read: rawsock_group() never makes
 * one).  Two sockets with the same nonzero *group share their frames.
 * Returns 0, or -1 with errno EBADF, ENOTSOCK or ENOPROTOOPT (not a
 * packet socket).
 */
int	rawsock_fanout_of(int fd, uint32_t *group);

/*
 * The PACKET_FANOUT mode (type and flags, as its upper 16 bits) named by
 * name: "hash" (with PACKET_FANOUT_FLAG_DEFRAG, so fragments meet), "lb",
 * "cpu", "qm" or "rollover".  Returns 0, or -1 with errno EINVAL.
 */
int	rawsock_fanout_mode(const char *name, int *mode);

/*
 * For a socket handed over by someone else: PACKET_IGNORE_OUTGOING set,
 * or cleared when outgoing, then prog attached when not NULL.  Returns 0, or -1
 * with errno (EPERM: the socket's filter is locked).
 */
int	rawsock_adopt(int fd, int outgoing, const struct sock_fprog *prog);

/*
 * What an inherited fd is bound to: fails with ENOTSOCK (not a socket),
 * EAFNOSUPPORT (not AF_PACKET), EPROTOTYPE (not SOCK_RAW) or EBADF.
 * *ifindex may be 0 (unbound); *type is host order.
 */
int	rawsock_info(int fd, int *ifindex, uint16_t *type);

#endif /* LIB_RAWSOCK_H */
