/*
 * Unit tests for lib/inetsock: parsing, and the socket options of port
 * sockets.  Runs in a private network namespace when it can (as root), so
 * the ports it binds are its own; elsewhere on 127.0.0.1 with a port the
 * kernel chose.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inetsock.h"
#include "tap.h"

static int
reuseaddr(int fd)
{
	socklen_t len;
	int v = -1;

	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len) == -1)
		return -1;
	return v;
}

static void
test_parse(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int p;

	ok(inetsock_parse("80", &ss, &len) == 0 && ss.ss_family == AF_INET &&
	    inetsock_port(&ss) == 80, "a port alone: IPv4, any address");
	ok(inetsock_parse("[::1]:53", &ss, &len) == 0 &&
	    ss.ss_family == AF_INET6 && inetsock_port(&ss) == 53,
	    "a bracketed IPv6 address");
	errno = 0;
	ok(inetsock_parse("0", &ss, &len) == -1 && errno == EINVAL,
	    "port 0: EINVAL");
	errno = 0;
	ok(inetsock_parse("1.2.3.4:x", &ss, &len) == -1 && errno == EINVAL,
	    "a port that is no number: EINVAL");
	errno = 0;
	ok(inetsock_parse("+80", &ss, &len) == -1 && errno == EINVAL,
	    "a port with a sign: EINVAL");
	errno = 0;
	ok(inetsock_parse("1.2.3.4: 80", &ss, &len) == -1 && errno == EINVAL,
	    "a port after white space: EINVAL");
	ok(inetsock_proto("icmp", &p) == 0 && p == IPPROTO_ICMP,
	    "protocol by name");
	ok(inetsock_proto("udplite", &p) == 0 && p == IPPROTO_UDPLITE,
	    "  udplite");
	ok(inetsock_proto("47", &p) == 0 && p == 47, "protocol by number");
	ok(inetsock_proto("255", &p) == 0 && p == 255, "  255");
	p = -1;
	errno = 0;
	ok(inetsock_proto("0", &p) == -1 && errno == EINVAL && p == -1,
	    "  0: EINVAL, *proto untouched");
	errno = 0;
	ok(inetsock_proto("256", &p) == -1 && errno == EINVAL, "  256: EINVAL");
	errno = 0;
	ok(inetsock_proto("+1", &p) == -1 && errno == EINVAL,
	    "  a sign: EINVAL");
	errno = 0;
	ok(inetsock_proto(" 1", &p) == -1 && errno == EINVAL,
	    "  white space: EINVAL");
	errno = 0;
	ok(inetsock_proto("", &p) == -1 && errno == EINVAL, "  empty: EINVAL");
	errno = 0;
	ok(inetsock_proto("ICMP", &p) == -1 && errno == EINVAL,
	    "  names are lower case: EINVAL");
	errno = 0;
	ok(inetsock_proto_byname("1", &p) == -1 && errno == EINVAL,
	    "by name alone: a number is no name");
	ok(inetsock_proto_byname("gre", &p) == 0 && p == IPPROTO_GRE,
	    "  gre");
	is_str(inetsock_proto_name(IPPROTO_ICMPV6), "icmpv6",
	    "the name of 58: icmpv6");
	is_str(inetsock_proto_name(IPPROTO_SCTP), "sctp", "  of 132: sctp");
	ok(inetsock_proto_name(200) == NULL, "  200 has none: NULL");
}

/*
 * A service holds a UDP port with SO_REUSEADDR: a port socket of ours
 * cannot share it (EADDRINUSE), so it cannot take the service's traffic.
 * TCP sockets keep SO_REUSEADDR, for restarts over TIME_WAIT.
 */
static void
test_reuse(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	socklen_t len, slen;
	char arg[32];
	int svc, fd, on = 1;

	if ((svc = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(svc, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		skip_all("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	slen = sizeof(sin);
	if (bind(svc, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(svc, (struct sockaddr *)&sin, &slen) == -1)
		skip_all("bind 127.0.0.1");
	snprintf(arg, sizeof(arg), "127.0.0.1:%u", ntohs(sin.sin_port));
	if (inetsock_parse(arg, &ss, &len) == -1)
		skip_all("parse");

	fd = inetsock_socket(&ss, SOCK_DGRAM);
	ok(fd != -1 && reuseaddr(fd) == 0, "a UDP socket: no SO_REUSEADDR");
	errno = 0;
	ok(inetsock_bind(fd, &ss, len, SOCK_DGRAM) == -1 &&
	    errno == EADDRINUSE,
	    "so it cannot share a port a service holds: EADDRINUSE");
	close(fd);
	fd = inetsock_socket(&ss, SOCK_STREAM);
	ok(fd != -1 && reuseaddr(fd) == 1, "a TCP socket: SO_REUSEADDR");
	close(fd);
	close(svc);
}

int
main(void)
{
	/* Root gets ports of its own; anyone else shares the host's lo. */
	if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0 &&
	    system("ip link set lo up") != 0)
		skip_all("cannot bring lo up in a new namespace");
	plan(21 + 3);
	test_parse();
	test_reuse();
	return done();
}
