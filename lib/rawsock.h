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

/*
 * What an inherited fd is bound to: fails with ENOTSOCK (not a socket),
 * EAFNOSUPPORT (not AF_PACKET), EPROTOTYPE (not SOCK_RAW) or EBADF.
 * *ifindex may be 0 (unbound); *type is host order.
 */
int	rawsock_info(int fd, int *ifindex, uint16_t *type);

#endif /* LIB_RAWSOCK_H */
