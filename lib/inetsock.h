/*
 * inetsock: the IP sockets rawopen can hand over beside packet sockets:
 * raw IPv4/IPv6 sockets of one protocol, and TCP/UDP sockets bound to a
 * (privileged) port.  Addresses are numeric only: nothing is looked up.
 */
#ifndef LIB_INETSOCK_H
#define LIB_INETSOCK_H

#include <sys/socket.h>

/*
 * Parses an IP protocol: a decimal number 1..255 (digits only: no sign,
 * no white space) or a name (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6,
 * sctp, udplite).  Returns 0, or -1 with errno EINVAL.
 */
int	inetsock_proto(const char *s, int *proto);

/*
 * The same for a name alone, from the same table: rawopen.conf(5)'s
 * proto= knows exactly the names that rawopen --ip does.  Returns 0, or
 * -1 with errno EINVAL when s names no protocol.
 */
int	inetsock_proto_byname(const char *s, int *proto);

/* The name of IP protocol proto ("icmp"), or NULL when it has none. */
const char *inetsock_proto_name(int proto);

/*
 * Parses "[ADDR:]PORT": PORT alone binds every IPv4 address; ADDR is a
 * numeric IPv4 address or a bracketed IPv6 one ("[::1]:80"); PORT is
 * 1..65535, digits only.  Fills *ss and *len.  Returns 0, or -1 with
 * errno EINVAL.
 */
int	inetsock_parse(const char *s, struct sockaddr_storage *ss,
	    socklen_t *len);

/* The port of an address from inetsock_parse(), in host order. */
unsigned inetsock_port(const struct sockaddr_storage *ss);

/*
 * socket(AF_INET or AF_INET6, SOCK_RAW | SOCK_CLOEXEC, proto): needs
 * CAP_NET_RAW, which the caller raises around it.  Returns the fd or -1.
 */
int	inetsock_raw(int ip6, int proto);

/*
 * A socket of type (SOCK_STREAM or SOCK_DGRAM) for ss's family, with
 * IPV6_V6ONLY for IPv6, not yet bound.  A stream socket gets SO_REUSEADDR
 * (so a listener restarts over connections in TIME_WAIT); a datagram
 * socket never does, because on UDP it would let the socket share a port
 * another program holds with SO_REUSEADDR and take its unicast traffic:
 * its bind fails with EADDRINUSE instead.  Returns the fd or -1 with
 * errno.
 */
int	inetsock_socket(const struct sockaddr_storage *ss, int type);

/*
 * Binds fd to ss (a port below 1024 needs CAP_NET_BIND_SERVICE, which the
 * caller raises around this call), then listen(2)s when it is a stream
 * socket.  Returns 0 or -1 with errno.
 */
int	inetsock_bind(int fd, const struct sockaddr_storage *ss, socklen_t len,
	    int type);

#endif /* LIB_INETSOCK_H */
