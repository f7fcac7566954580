/*
 * tundev: tun and tap devices made for a caller.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <linux/magic.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "tundev.h"

/* linux/netdevice.h's, which clashes with net/if.h. */
#ifndef NET_ADDR_SET
#define NET_ADDR_SET	3	/* an address set by hand (dev_set_mac_address) */
#endif

#ifndef IFF_TUN_EXCL
#define IFF_TUN_EXCL	0x8000
#endif

int
tundev_name_check(const char *name)
{
	const char *d = strstr(name, "%d");
	char rest[IF_NAMESIZE];
	size_t at;

	if (d == NULL)
		return eth_ifname_check(name);
	if (strlen(name) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* "%d" once, for the kernel to number; the rest as any name. */
	at = (size_t)(d - name);
	memcpy(rest, name, at);
	strlcpy(rest + at, d + 2, sizeof(rest) - at);
	return rest[0] == '\0' ? 0 : eth_ifname_check(rest);
}

int
tundev_opendev(void)
{
	return open(TUNDEV_PATH, O_RDWR | O_CLOEXEC);
}

int
tundev_make(int fd, const char *name, int mode, char final[IF_NAMESIZE])
{
	struct ifreq ifr;

	if (tundev_name_check(name) == -1 || (mode != TUNDEV_TAP &&
	    mode != TUNDEV_TUN)) {
		errno = EINVAL;
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	ifr.ifr_flags = (short)((mode == TUNDEV_TAP ? IFF_TAP : IFF_TUN) |
	    IFF_NO_PI | IFF_TUN_EXCL);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		return -1;
	strlcpy(final, ifr.ifr_name, IF_NAMESIZE);
	return 0;
}

int
tundev_open(const char *name, int mode, char final[IF_NAMESIZE])
{
	int fd, e;

	if (tundev_name_check(name) == -1 || (mode != TUNDEV_TAP &&
	    mode != TUNDEV_TUN)) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = tundev_opendev()) == -1)
		return -1;
	if (tundev_make(fd, name, mode, final) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
tundev_own(int fd, uid_t uid)
{
	return ioctl(fd, TUNSETOWNER, (unsigned long)uid);
}

/* The number in /sys/class/net/IFNAME/ATTR, or -1 with errno. */
static long
sysnet(const char *ifname, const char *attr)
{
	char path[PATH_MAX], buf[32], *end;
	ssize_t n;
	long v;
	int fd, e;

	if ((size_t)snprintf(path, sizeof(path), "/sys/class/net/%s/%s",
	    ifname, attr) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (n <= 0) {
		errno = n == 0 ? EINVAL : e;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') ||
	    v < 0) {
		errno = EINVAL;
		return -1;
	}
	return v;
}

int
tundev_bridge_info(const char *name, char own[IF_NAMESIZE], int *fixed)
{
	char path[PATH_MAX];
	struct stat st;
	unsigned idx;
	long v;

	/* By any of its names to its index, and back to its own name. */
	if ((idx = if_nametoindex(name)) == 0 ||
	    if_indextoname(idx, own) == NULL)
		return -1;
	if ((v = sysnet(own, "ifindex")) == -1) {
		if (errno == ENOENT)
			errno = EXDEV;
		return -1;
	}
	if ((unsigned long)v != idx) {
		errno = EXDEV;
		return -1;
	}
	(void)snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", own);
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if ((v = sysnet(own, "addr_assign_type")) == -1)
		return -1;
	*fixed = v == NET_ADDR_SET;
	return 0;
}

/* An AF_UNIX datagram socket for interface ioctls, which need no more. */
static int
tundev_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s, rc, e;

	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = ioctl(s, req, ifr);
	e = errno;
	close(s);
	errno = e;
	return rc;
}

/*
 * Writes val into /proc/sys/net/FAMILY/conf/IFNAME/KEY.  Returns 0, or -1
 * with errno (ENODEV: no such file: no such interface, or no procfs on
 * /proc/sys).
 */
static int
sysctl_set(const char *family, const char *ifname, const char *key,
    const char *val)
{
	char path[128];
	size_t len = strlen(val);
	ssize_t n;
	int fd, e;

	if ((size_t)snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s",
	    family, ifname, key) >= sizeof(path)) {
		errno = ENODEV;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			errno = ENODEV;
		return -1;
	}
	n = write(fd, val, len);
	e = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n == -1 ? e : EIO;
		return -1;
	}
	return 0;
}

int
tundev_quiet(const char *ifname)
{
	struct statfs sf;
	struct stat st;
	int fd;

	if (tundev_name_check(ifname) == -1 || strchr(ifname, '%') != NULL) {
		errno = ENODEV;
		return -1;
	}
	/* Written nowhere but the kernel's own: fail closed otherwise. */
	if (statfs("/proc/sys", &sf) == -1 || sf.f_type != PROC_SUPER_MAGIC) {
		errno = ENODEV;
		return -1;
	}
	/* IPv6 as a module is loaded now, not later with its defaults. */
	if ((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) != -1)
		close(fd);
	if (sysctl_set("ipv4", ifname, "accept_redirects", "0\n") == -1 ||
	    sysctl_set("ipv4", ifname, "rp_filter", "1\n") == -1)
		return -1;
	/* No IPv6 in this kernel (or disabled at boot): nothing to take. */
	if (stat("/proc/sys/net/ipv6/conf", &st) == -1 && errno == ENOENT)
		return 0;
	if (sysctl_set("ipv6", ifname, "accept_ra", "0\n") == -1 ||
	    sysctl_set("ipv6", ifname, "accept_redirects", "0\n") == -1)
		return -1;
	return 0;
}

int
tundev_up(const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name)) {
		errno = ENODEV;
		return -1;
	}
	if (tundev_ioctl(SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return tundev_ioctl(SIOCSIFFLAGS, &ifr);
}

int
tundev_bridge(const char *ifname, const char *bridge)
{
	struct ifreq ifr;
	unsigned idx;

	if ((idx = if_nametoindex(ifname)) == 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, bridge, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name)) {
		errno = ENODEV;
		return -1;
	}
	ifr.ifr_ifindex = (int)idx;
	return tundev_ioctl(SIOCBRADDIF, &ifr);
}

int
tundev_info(int fd, char name[IF_NAMESIZE], int *mode)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) == -1)
		return -1;
	strlcpy(name, ifr.ifr_name, IF_NAMESIZE);
	*mode = (ifr.ifr_flags & IFF_TAP) ? TUNDEV_TAP : TUNDEV_TUN;
	return 0;
}
