/*
 * Unit tests for lib/tundev, as root in a network namespace of their own, so
 * the devices made here are seen by nobody else and go with it.
 */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "tundev.h"

/* Whether ifname is up; -1 when it does not exist. */
static int
is_up(const char *ifname)
{
	struct ifreq ifr;
	int s, rc;

	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		abort();
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	close(s);
	return rc == -1 ? -1 : (ifr.ifr_flags & IFF_UP) != 0;
}

/* The number in the file at path, or -1. */
static long
num_at(const char *path)
{
	FILE *f;
	long v = -1;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The number in /sys/class/net/IFNAME/ATTR, or -1. */
static long
sysnum(const char *ifname, const char *attr)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	return num_at(path);
}

/* The number in /proc/sys/net/FAMILY/conf/IFNAME/KEY, or -1. */
static long
sysctl_num(const char *family, const char *ifname, const char *key)
{
	char path[160];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family,
	    ifname, key);
	return num_at(path);
}

/* Whether ip(8) says ifname's master is bridge. */
static int
in_bridge(const char *ifname, const char *bridge)
{
	char cmd[128], line[1024], want[64];
	FILE *f;
	int yes = 0;

	snprintf(cmd, sizeof(cmd), "ip -o link show dev %s", ifname);
	snprintf(want, sizeof(want), " master %s ", bridge);
	if ((f = popen(cmd, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL && strstr(line, want) != NULL)
		yes = 1;
	pclose(f);
	return yes;
}

int
main(void)
{
	char name[IF_NAMESIZE], got[IF_NAMESIZE];
	int fd, fd2, mode;

	if (geteuid() != 0)
		skip_all("needs root for a network namespace and tun devices");
	if (access("/dev/net/tun", R_OK | W_OK) == -1)
		skip_all("no /dev/net/tun");
	if (unshare(CLONE_NEWNET) == -1)
		skip_all("cannot make a network namespace");
	plan(23 + 6 + 4 + 2);
	ok(tundev_name_check("vm%d") == 0 && tundev_name_check("%d") == 0 &&
	    tundev_name_check("tap0") == 0, "name_check: vm%d, %d, tap0");
	errno = 0;
	ok(tundev_name_check("fd*%d") == -1 && errno == EINVAL,
	    "name_check: a glob character beside %d: EINVAL");
	ok(tundev_name_check("fd\033%d") == -1, "name_check: a control "
	    "character beside %d");
	ok(tundev_name_check("a%d%d") == -1, "name_check: %d twice");
	ok(tundev_name_check("a%x") == -1, "name_check: another %");
	errno = 0;
	ok(tundev_name_check("0123456789abcd%d") == -1 && errno == ENAMETOOLONG,
	    "name_check: 16 bytes with %d: ENAMETOOLONG");

	fd = tundev_open("fdtu%d", TUNDEV_TAP, name);
	ok(fd >= 0 && strcmp(name, "fdtu0") == 0, "a %d name: the kernel numbers it");
	ok(fcntl(fd, F_GETFD) == FD_CLOEXEC, "the fd is close-on-exec");
	ok(tundev_info(fd, got, &mode) == 0 && strcmp(got, "fdtu0") == 0 &&
	    mode == TUNDEV_TAP, "tundev_info: the device and its mode");
	ok(is_up("fdtu0") == 0, "made down");
	ok(tundev_quiet("fdtu0") == 0 &&
	    sysctl_num("ipv4", "fdtu0", "accept_redirects") == 0 &&
	    sysctl_num("ipv4", "fdtu0", "rp_filter") == 1 &&
	    (sysctl_num("ipv6", "all", "forwarding") == -1 ||
	    (sysctl_num("ipv6", "fdtu0", "accept_ra") == 0 &&
	    sysctl_num("ipv6", "fdtu0", "accept_redirects") == 0)),
	    "tundev_quiet: no router advertisement or redirect taken");
	errno = 0;
	ok(tundev_quiet("nosuch0") == -1 && errno == ENODEV,
	    "tundev_quiet: no such interface: ENODEV");
	ok(tundev_up("fdtu0") == 0 && is_up("fdtu0") == 1, "tundev_up brings it up");
	errno = 0;
	ok(tundev_open("fdtu0", TUNDEV_TAP, got) == -1 &&
	    (errno == EBUSY || errno == EEXIST),
	    "an existing device is never taken over: EBUSY");
	/* A bridge, and a persistent tap device of someone else's. */
	if (system("ip link add fdtbr type bridge && "
	    "ip tuntap add fdtp mode tap") != 0)
		abort();
	ok(tundev_bridge("fdtu0", "fdtbr") == 0 &&
	    in_bridge("fdtu0", "fdtbr"), "tundev_bridge adds it");
	errno = 0;
	ok(tundev_bridge("fdtu0", "nosuchbr") == -1 && errno == ENODEV,
	    "no such bridge: ENODEV");
	errno = 0;
	ok(tundev_bridge("fdtu0", "lo") == -1 && errno != 0,
	    "lo is no bridge: refused");
	errno = 0;
	ok(tundev_open("fdtp", TUNDEV_TAP, got) == -1 &&
	    (errno == EBUSY || errno == EEXIST),
	    "a persistent device of another's: EBUSY");

	/* The bridge as sysfs tells it: first a sysfs of another netns. */
	errno = 0;
	ok(tundev_bridge_info("fdtbr", got, &mode) == -1 && errno == EXDEV,
	    "bridge_info: /sys/class/net of another namespace: EXDEV");
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) == -1)
		abort();
	ok(tundev_bridge_info("fdtbr", got, &mode) == 0 &&
	    strcmp(got, "fdtbr") == 0 && mode == 0,
	    "bridge_info: an address taken from the ports is not fixed");
	if (system("ip link set fdtbr address 02:00:00:00:0b:01 && "
	    "ip link property add dev fdtbr altname fdtbr-alt") != 0)
		abort();
	ok(tundev_bridge_info("fdtbr-alt", got, &mode) == 0 &&
	    strcmp(got, "fdtbr") == 0 && mode == 1,
	    "by its alternative name: its own, and fixed once set");
	errno = 0;
	ok(tundev_bridge_info("lo", got, &mode) == -1 && errno == ENOTDIR,
	    "lo is no bridge: ENOTDIR");
	errno = 0;
	ok(tundev_bridge_info("nosuchbr", got, &mode) == -1 &&
	    errno == ENODEV, "no such bridge: ENODEV");
	ok(tundev_own(fd, 12345) == 0 && sysnum("fdtu0", "owner") == 12345,
	    "tundev_own: the device's owner");

	fd2 = tundev_open("fdtn%d", TUNDEV_TUN, got);
	ok(fd2 >= 0 && tundev_info(fd2, name, &mode) == 0 &&
	    mode == TUNDEV_TUN && strcmp(name, got) == 0, "a tun device");
	close(fd2);
	ok(is_up(got) == -1, "closed: the tun device is gone");
	close(fd);
	ok(is_up("fdtu0") == -1, "closed: the tap device is gone");

	/* In two steps: the open, which makes nothing, then the device. */
	fd = tundev_opendev();
	errno = 0;
	ok(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC &&
	    tundev_info(fd, got, &mode) == -1 && errno == EBADFD,
	    "opendev: a close-on-exec fd, attached to nothing");
	errno = 0;
	ok(tundev_make(fd, "a/b", TUNDEV_TAP, got) == -1 && errno == EINVAL &&
	    fcntl(fd, F_GETFD) != -1, "make: a bad name: EINVAL, fd left open");
	ok(tundev_make(fd, "fdtm%d", TUNDEV_TUN, got) == 0 &&
	    strcmp(got, "fdtm0") == 0 && tundev_info(fd, name, &mode) == 0 &&
	    mode == TUNDEV_TUN && strcmp(name, got) == 0,
	    "make: the device, on that fd");
	close(fd);
	ok(is_up("fdtm0") == -1, "closed: gone");

	errno = 0;
	ok(tundev_open("a/b", TUNDEV_TAP, got) == -1 && errno == EINVAL,
	    "a name with a slash: EINVAL");
	errno = 0;
	ok(tundev_open("0123456789abcdef", TUNDEV_TAP, got) == -1 &&
	    errno == EINVAL, "a name of 16 bytes: EINVAL");
	errno = 0;
	ok(tundev_open("fdt", 3, got) == -1 && errno == EINVAL,
	    "an unknown mode: EINVAL");
	errno = 0;
	ok(tundev_up("nosuch0") == -1 && errno == ENODEV, "up: ENODEV");
	return done();
}
