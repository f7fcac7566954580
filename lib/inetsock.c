/*
 * inetsock: raw IP sockets and sockets bound to a port, for handing over.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inetsock.h"

static const struct {
	const char	*name;
	int		 proto;
} inetsock_protos[] = {
	{ "icmp", IPPROTO_ICMP }, { "igmp", IPPROTO_IGMP },
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "gre", IPPROTO_GRE }, { "esp", IPPROTO_ESP }, { "ah", IPPROTO_AH },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE },
};

#define NPROTOS	(sizeof(inetsock_protos) / sizeof(inetsock_protos[0]))

/*
 * A decimal number in [min, max], digits only (strtonum alone would take
 * a sign and leading white space).  Returns it, or -1 with errno EINVAL.
 */
static long long
inetsock_number(const char *s, long long min, long long max)
{
	const char *errstr;
	long long n;

	if (*s == '\0' || s[strspn(s, "0123456789")] != '\0') {
		errno = EINVAL;
		return -1;
	}
	n = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		errno = EINVAL;
		return -1;
	}
	return n;
}

int
inetsock_proto_byname(const char *s, int *proto)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (strcmp(s, inetsock_protos[i].name) == 0) {
			*proto = inetsock_protos[i].proto;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

const char *
inetsock_proto_name(int proto)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (inetsock_protos[i].proto == proto)
			return inetsock_protos[i].name;
	return NULL;
}

int
inetsock_proto(const char *s, int *proto)
{
	long long n;

	if (inetsock_proto_byname(s, proto) == 0)
		return 0;
	if ((n = inetsock_number(s, 1, 255)) == -1)
		return -1;
	*proto = (int)n;
	return 0;
}

int
inetsock_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char addr[INET6_ADDRSTRLEN];
	const char *port, *end;
	size_t alen = 0;
	long long p;
	int ip6 = 0;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			goto bad;
		ip6 = 1;
		alen = (size_t)(end - s - 1);
		s++;
		port = end + 2;
	} else if ((port = strrchr(s, ':')) != NULL) {
		alen = (size_t)(port - s);
		port++;
	} else
		port = s;
	if (alen >= sizeof(addr) || (port != s && alen == 0))
		goto bad;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if ((p = inetsock_number(port, 1, 65535)) == -1)
		goto bad;
	if (ip6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
			goto bad;
		*len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		if (alen == 0)
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			goto bad;
		*len = sizeof(*sin);
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

unsigned
inetsock_port(const struct sockaddr_storage *ss)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (ss->ss_family == AF_INET6) {
		memcpy(&sin6, ss, sizeof(sin6));
		return ntohs(sin6.sin6_port);
	}
	memcpy(&sin, ss, sizeof(sin));
	return ntohs(sin.sin_port);
}

int
inetsock_raw(int ip6, int proto)
{
	return socket(ip6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, proto);
}

int
inetsock_socket(const struct sockaddr_storage *ss, int type)
{
	int fd, on = 1, e;

	if ((fd = socket(ss->ss_family, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if ((type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1) ||
	    (ss->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
inetsock_bind(int fd, const struct sockaddr_storage *ss, socklen_t len,
    int type)
{
	if (bind(fd, (const struct sockaddr *)ss, len) == -1)
		return -1;
	if (type == SOCK_STREAM && listen(fd, SOMAXCONN) == -1)
		return -1;
	return 0;
}
