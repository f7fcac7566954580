/*
 * eth: Ethernet addresses, ethertypes, frame headers and interfaces.
 *
 * Frames are parsed with memcpy into fixed layouts and <endian.h>, never by
 * casting buffers to structs.
 */
#ifndef LIB_ETH_H
#define LIB_ETH_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN_	6
#define ETH_HLEN_	14	/* dst, src, type */
#define ETH_VLAN_HLEN	18	/* dst, src, 0x8100, tci, type */
#define ETH_ZLEN_	60	/* the minimum frame, without FCS */
#define ETH_MACSTRLEN	18	/* "aa:bb:cc:dd:ee:ff" and its NUL */

#define ETHTYPE_ALL	0x0003	/* ETH_P_ALL: every protocol */
#define ETHTYPE_NONE	0x0000	/* bound to protocol 0: receives nothing */

/* The TPIDs of a VLAN tag, in host order: ETH_P_8021Q, ETH_P_8021AD. */
#define ETH_TPID_8021Q	0x8100	/* 802.1Q, "vlan" */
#define ETH_TPID_8021AD	0x88a8	/* 802.1ad, the outer tag of QinQ, "qinq" */

/*
 * Parses "aa:bb:cc:dd:ee:ff" (or with '-' between the bytes; one or two hex
 * digits each) into mac.  Returns 0, or -1 with errno EINVAL.
 */
int	eth_parse_mac(const char *s, uint8_t mac[ETH_ALEN_]);

/* Formats mac as "aa:bb:cc:dd:ee:ff" into buf (ETH_MACSTRLEN bytes). */
void	eth_format_mac(const uint8_t mac[ETH_ALEN_], char buf[ETH_MACSTRLEN]);

/*
 * Parses an ethertype: 0xNNNN hex, decimal, or a name: ipv4 arp ipv6 vlan
 * qinq lldp (and the kernel protocol names all = ETHTYPE_ALL, none =
 * ETHTYPE_NONE), in any case.  Numbers are digits only: no sign, no white
 * space, nothing after them.  The result is in host order, 0..0xffff.
 * Returns 0, or -1 with errno EINVAL (not a number or name) or ERANGE
 * (> 0xffff); *type is untouched on failure.
 */
int	eth_parse_type(const char *s, uint16_t *type);

/* The name of an ethertype ("ipv4", ...), or NULL when it has none. */
const char *eth_type_name(uint16_t type);

/* Formats an ethertype as its name, or "0x88b5", into buf of size len. */
void	eth_format_type(uint16_t type, char *buf, size_t len);

/* The header of an Ethernet II frame, with an optional 802.1Q tag. */
struct eth_hdr {
	uint8_t		dst[ETH_ALEN_];
	uint8_t		src[ETH_ALEN_];
	uint16_t	type;		/* the ethertype after any tag */
	int		tagged;		/* an 802.1Q tag is present */
	uint16_t	tpid;		/* the tag's TPID (0x8100 or 0x88a8) */
	uint16_t	tci;		/* PCP(3) DEI(1) VID(12) */
};

/*
 * Writes h at the start of buf (of size len): 14 bytes, or 18 when tagged
 * (with h->tpid, or 0x8100 when it is 0).  Returns the number of bytes
 * written, or -1 with errno EMSGSIZE when len is too small.
 */
int	eth_encode(uint8_t *buf, size_t len, const struct eth_hdr *h);

/*
 * Reads the header of frame (len bytes) into h, looking through one 802.1Q
 * or 802.1ad tag (only the outer one: QinQ gives type 0x8100; untagged,
 * tpid and tci are 0).  Returns the header length (14 or 18), or -1 with
 * errno EMSGSIZE when the frame is shorter than its header.
 */
int	eth_decode(const uint8_t *frame, size_t len, struct eth_hdr *h);

/*
 * Parses "VID" or "VID:PRIO" (VID 0..4095, PRIO 0..7) into a TCI.  Returns
 * 0, or -1 with errno EINVAL or ERANGE.
 */
int	eth_parse_vlan(const char *s, uint16_t *tci);

/* What the kernel says of an interface. */
struct eth_if {
	int		index;
	char		name[IF_NAMESIZE];
	uint8_t		mac[ETH_ALEN_];
	int		mtu;
	int		arptype;	/* ARPHRD_ETHER for Ethernet */
	int		up;		/* IFF_UP and IFF_RUNNING */
};

/*
 * Checks that name could be an interface name: 1 to IF_NAMESIZE-1 bytes,
 * not "." or "..", and none of them '/', ':', white space or a control
 * character (the kernel's dev_valid_name()), nor a byte above 0x7e or one
 * of  ! " # $ % & ' ( ) * , ; < = > ? [ \ ] ^ ` { | } ~  (legal to the
 * kernel, but a shell or fnmatch(3) would read them).  Returns 0, or -1
 * with errno EINVAL (bad character, empty) or ENAMETOOLONG.
 */
int	eth_ifname_check(const char *name);

/*
 * Fills ifp for the interface called name, or for the one with index
 * index.  Uses a short-lived AF_UNIX socket for the ioctls, so it needs no
 * privilege.  Returns 0, or -1 with errno from eth_ifname_check, or ENODEV
 * (no such interface; also an index <= 0); ifp is untouched on failure.
 */
int	eth_if_byname(const char *name, struct eth_if *ifp);
int	eth_if_byindex(int index, struct eth_if *ifp);

/*
 * eth_if_byindex() for the interface a socket fd is bound to: the ioctls
 * go through fd, so that index is looked up in the network namespace the
 * socket was opened in (rawopen -N), not the caller's.
 */
int	eth_if_ofsocket(int fd, int index, struct eth_if *ifp);

#endif /* LIB_ETH_H */
