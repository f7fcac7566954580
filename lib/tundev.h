/*
 * tundev: tun and tap devices that rawopen makes for a caller and hands over
 * as an fd, as qemu-bridge-helper does for QEMU.
 *
 * A device made here is not persistent: it goes away when the last fd
 * attached to it is closed, unless a holder of such an fd makes it
 * persistent (TUNSETPERSIST), which the kernel lets any holder do; its
 * owner (tundev_own()) is then the only one, with CAP_NET_ADMIN, who may
 * attach to it again.  Making one, bringing it up and adding it to a
 * bridge need CAP_NET_ADMIN, which the caller raises around each call;
 * nothing else here needs privilege.
 */
#ifndef LIB_TUNDEV_H
#define LIB_TUNDEV_H

#include <sys/types.h>

#include <net/if.h>

#define TUNDEV_TAP	1	/* Ethernet frames (IFF_TAP) */
#define TUNDEV_TUN	2	/* IP packets (IFF_TUN) */

/*
 * Checks name for a new device: an interface name as eth_ifname_check()
 * wants it, but for one "%d" in it, which the kernel numbers ("vm%d"
 * becomes vm0, vm1, ...).  Returns 0, or -1 with eth_ifname_check()'s
 * errno (EINVAL: a character a shell or fnmatch(3) would read, another
 * '%'; ENAMETOOLONG).
 */
int	tundev_name_check(const char *name);

#define TUNDEV_PATH	"/dev/net/tun"	/* the clone device */

/*
 * Opens TUNDEV_PATH read-write, as its caller's uid, and attaches it to
 * nothing: no device is made.  Needs no privilege but the file's mode.
 * Returns the fd (O_CLOEXEC), or -1 with the errno of open(2) (EACCES: the
 * caller may not read and write it; ENOENT; ENODEV or ENXIO: no tun driver).
 */
int	tundev_opendev(void);

/*
 * Makes a new device named name on fd, an fd of tundev_opendev() attached
 * to nothing yet, and attaches fd to it: as tundev_open() does, after its
 * open.  On failure fd is left open and attached to nothing.  Returns 0,
 * or -1 with tundev_open()'s errno (not open(2)'s).
 */
int	tundev_make(int fd, const char *name, int mode,
	    char final[IF_NAMESIZE]);

/*
 * Opens TUNDEV_PATH and makes a new device named name (a "%d" in it lets
 * the kernel number it: "tap%d" becomes tap0, tap1, ...), of mode
 * TUNDEV_TAP or TUNDEV_TUN, without packet information (IFF_NO_PI),
 * and only when no device of that name exists (IFF_TUN_EXCL: an existing
 * persistent device is never taken over).  Writes the name the device got
 * into final.  Returns the fd (O_CLOEXEC), or -1 with errno (EINVAL: name
 * not one tundev_name_check() takes, or mode unknown;
 * EBUSY or EEXIST: a device of that name exists; EPERM: no CAP_NET_ADMIN;
 * or the error of open(2) or ioctl(2)).  tundev_opendev() and tundev_make()
 * do it in two steps, for a caller that must tell the two failures apart.
 */
int	tundev_open(const char *name, int mode, char final[IF_NAMESIZE]);

/*
 * Makes uid the owner of the device fd is attached to (TUNSETOWNER): from
 * then on only uid, or a holder of CAP_NET_ADMIN, may attach an fd to it,
 * should it outlive the fds it has (see above).  Returns 0, or -1 with
 * errno (EBADFD: fd not attached; EINVAL: uid not valid; EPERM; or the
 * error of ioctl(2)).
 */
int	tundev_own(int fd, uid_t uid);

/*
 * Makes the host take no route, address or redirect from what a holder
 * of the device's fd writes into it, as far as the device's own settings
 * go: sets 0 in its IPv6 accept_ra and accept_redirects and its IPv4
 * accept_redirects, and 1 in its IPv4 rp_filter (a packet whose source
 * is routed elsewhere is dropped: the kernel ORs IPv4 accept_redirects
 * with all.accept_redirects, and takes the higher rp_filter of the two),
 * under /proc/sys/net of the caller's network namespace, before it is
 * up.  The kernel's defaults would let a router advertisement written to
 * a tap or tun fd add a default route and an address on the host.  IPv6
 * is skipped only where the kernel has none (its module is asked for
 * first).  Needs CAP_NET_ADMIN (or root).  Returns 0, or -1 with errno
 * (EPERM, EACCES; ENODEV: no such interface, or /proc/sys is not procfs;
 * or the error of statfs(2), open(2) or write(2)).
 */
int	tundev_quiet(const char *ifname);

/*
 * Brings the interface up (SIOCSIFFLAGS with IFF_UP).  Returns 0, or -1
 * with errno (ENODEV: no such interface; EPERM: no CAP_NET_ADMIN).
 */
int	tundev_up(const char *ifname);

/*
 * Adds the interface to bridge (SIOCBRADDIF).  Returns 0, or -1 with
 * errno (ENODEV: no such interface or bridge; EOPNOTSUPP or EINVAL:
 * bridge is not a bridge; EBUSY: ifname is in a bridge already; EPERM:
 * no CAP_NET_ADMIN).
 */
int	tundev_bridge(const char *ifname, const char *bridge);

/*
 * The bridge called name, or known by name as an alternative name: its own
 * name into own, and into *fixed whether its address is fixed (set by
 * hand: addr_assign_type NET_ADDR_SET) rather than taken from its ports,
 * where a port's holder could change it (SIOCSIFHWADDR on a tap fd needs
 * no privilege).  Read from /sys/class/net, once it is shown to list this
 * network namespace's interface of that index.  Returns 0, or -1 with
 * errno (ENODEV: no such interface; ENOTDIR: not a bridge; EXDEV:
 * /sys/class/net lists another network namespace's interfaces; or the
 * error of open(2) or read(2)).
 */
int	tundev_bridge_info(const char *name, char own[IF_NAMESIZE],
	    int *fixed);

/*
 * What the tun fd fd is attached to (TUNGETIFF): the device's name and
 * its mode.  Returns 0, or -1 with errno (EBADFD: not attached; ENOTTY or
 * EINVAL: not a tun fd).
 */
int	tundev_info(int fd, char name[IF_NAMESIZE], int *mode);

#endif /* LIB_TUNDEV_H */
