/*
 * netns.h: the network of the unit tests that need packet sockets: a
 * network namespace of their own, holding only lo, brought up (root
 * only).  Header only, as tap.h is, so that each test stays one file.
 */
#ifndef TESTS_NETNS_H
#define TESTS_NETNS_H

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/*
 * Enters a new network namespace and brings its lo up, first setting its
 * MTU to mtu when mtu is not 0.  Returns lo's index, or -1 (not root, no
 * namespaces).
 */
static int __attribute__((unused))
netns_lo(int mtu)
{
	struct ifreq ifr;
	int s, ix = -1;

	if (unshare(CLONE_NEWNET) == -1)
		return -1;
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
	ifr.ifr_mtu = mtu;
	if ((mtu == 0 || ioctl(s, SIOCSIFMTU, &ifr) == 0) &&
	    ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) == 0 &&
		    ioctl(s, SIOCGIFINDEX, &ifr) == 0)
			ix = ifr.ifr_ifindex;
	}
	close(s);
	return ix;
}

#endif /* TESTS_NETNS_H */
