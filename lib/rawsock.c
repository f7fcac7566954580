/*
 * rawsock: AF_PACKET sockets, opened in the order that lets nothing in
 * that was not asked for.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <stddef.h>
#include <string.h>

#include "eth.h"
#include "filter.h"
#include "rawsock.h"

int
rawsock_socket(void)
{
	return socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
}

static int
rawsock_setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/*
 * An ifindex of 0 would bind to every interface, which is never what a
 * caller of this function means: EINVAL.  SO_LOCK_FILTER is set when
 * o->lock even without a filter, so that none can be attached later.
 */
int
rawsock_setup(int fd, const struct rawsock_opts *o)
{
	struct packet_mreq mr;
	struct sockaddr_ll sll;

	if (o->ifindex <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (o->filter != NULL && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER,
	    o->filter, sizeof(*o->filter)) == -1)
		return -1;
	if (o->lock && rawsock_setint(fd, SOL_SOCKET, SO_LOCK_FILTER, 1) == -1)
		return -1;
	if (!o->outgoing &&
	    rawsock_setint(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) == -1)
		return -1;
	if (o->promisc) {
		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = o->ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1)
			return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(o->type);
	sll.sll_ifindex = o->ifindex;
	return bind(fd, (struct sockaddr *)&sll, sizeof(sll));
}

int
rawsock_confine(int fd, const struct rawsock_conf *c)
{
	struct rawsock_opts o;
	struct sock_fprog prog;
	int flags = 0, rc, e;

	if (c->otherhost)
		flags |= FILTER_OTHERHOST;
	if (c->outgoing)
		flags |= FILTER_OUTGOING;
	if (filter_confine(c->ifindex, c->type, flags, c->inner, &prog) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	o.ifindex = c->ifindex;
	o.type = c->type;
	if ((c->outgoing && c->type != ETHTYPE_NONE) ||
	    (c->pin && c->type == ETHTYPE_NONE))
		o.type = ETHTYPE_ALL;
	o.promisc = c->promisc;
	o.outgoing = c->outgoing;
	o.filter = &prog;
	o.lock = c->lock;
	rc = rawsock_setup(fd, &o);
	/*
	 * In a fanout group the kernel goes by the group's flags, not the
	 * socket's PACKET_IGNORE_OUTGOING (and PACKET_FANOUT_FLAG_IGNORE_
	 * OUTGOING is not in every kernel): the filter, which always drops
	 * outgoing frames unless c->outgoing, is what keeps them out.
	 */
	if (rc == 0 && c->pin)
		rc = c->group != NULL ? rawsock_group(fd, c->fanout,
		    c->members, c->group) : rawsock_pin(fd);
	e = errno;
	filter_free(&prog);
	errno = e;
	return rc;
}

/*
 * PACKET_FANOUT with a bound on the group's size (struct fanout_args,
 * Linux 5.9): a full group refuses every other socket with ENOSPC.
 */
static int
fanout(int fd, unsigned id, unsigned typeflags, unsigned members)
{
	struct fanout_args a;

	memset(&a, 0, sizeof(a));
	a.id = (uint16_t)id;
	a.type_flags = (uint16_t)typeflags;
	a.max_num_members = members;
	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &a, sizeof(a));
}

int
rawsock_pin(int fd)
{
	return fanout(fd, 0, PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID,
	    1);
}

int
rawsock_group(int fd, int mode, unsigned members, unsigned *id)
{
	socklen_t len;
	int v;

	if (members > 256) {
		errno = EINVAL;
		return -1;
	}
	if (*id != 0)
		return fanout(fd, *id & 0xffff, (unsigned)mode, members);
	/* The flags reach bit 15 of type_flags (PACKET_FANOUT_FLAG_DEFRAG). */
	if (fanout(fd, 0, (unsigned)mode | PACKET_FANOUT_FLAG_UNIQUEID,
	    members) == -1)
		return -1;
	len = sizeof(v);
	if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &v, &len) == -1)
		return -1;
	*id = (unsigned)v & 0xffff;
	return 0;
}

int
rawsock_fanout_of(int fd, uint32_t *group)
{
	socklen_t len = sizeof(int);
	int v;

	if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &v, &len) == -1)
		return -1;
	*group = (uint32_t)v;
	return 0;
}

int
rawsock_fanout_mode(const char *name, int *mode)
{
	static const struct {
		const char	*name;
		int		 mode;
	} modes[] = {
		{ "hash", PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG },
		{ "lb", PACKET_FANOUT_LB },
		{ "cpu", PACKET_FANOUT_CPU },
		{ "qm", PACKET_FANOUT_QM },
		{ "rollover", PACKET_FANOUT_ROLLOVER },
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(name, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

int
rawsock_adopt(int fd, int outgoing, const struct sock_fprog *prog)
{
	if (rawsock_setint(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING,
	    !outgoing) == -1)
		return -1;
	if (prog != NULL && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, prog,
	    sizeof(*prog)) == -1)
		return -1;
	return 0;
}

int
rawsock_info(int fd, int *ifindex, uint16_t *type)
{
	struct sockaddr_ll sll;
	socklen_t len;
	int v;

	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1)
		return -1;
	if (v != AF_PACKET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1)
		return -1;
	if (v != SOCK_RAW) {
		errno = EPROTOTYPE;
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	len = sizeof(sll);
	if (getsockname(fd, (struct sockaddr *)&sll, &len) == -1)
		return -1;
	if (len < offsetof(struct sockaddr_ll, sll_hatype) ||
	    sll.sll_family != AF_PACKET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	*ifindex = sll.sll_ifindex;
	*type = ntohs(sll.sll_protocol);
	return 0;
}
