/*
 * eth: Ethernet addresses, ethertypes, frame headers and interfaces.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <endian.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "eth.h"

#define ETH_TPID_8021Q	0x8100
#define ETH_TPID_8021AD	0x88a8

static const struct {
	const char	*name;
	uint16_t	 type;
} eth_types[] = {
	{ "ipv4",	0x0800 },
	{ "ip",		0x0800 },	/* tcpdump's name; "ipv4" is the one printed */
	{ "arp",	0x0806 },
	{ "ipv6",	0x86dd },
	{ "vlan",	ETH_TPID_8021Q },
	{ "qinq",	ETH_TPID_8021AD },
	{ "lldp",	0x88cc },
	{ "all",	ETHTYPE_ALL },
	{ "none",	ETHTYPE_NONE },
};

/* The value of the hex digit c, or -1. */
static int
eth_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses the whole of s, digits only in the given base (10 or 16; no sign,
 * no white space), into *v, which must not exceed max.  Returns 0, or -1
 * with errno EINVAL (empty, or not a digit somewhere) or ERANGE.
 */
static int
eth_number(const char *s, int base, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;
	int d, range = 0;

	if (*s == '\0') {
		errno = EINVAL;
		return -1;
	}
	for (; *s != '\0'; s++) {
		if ((d = eth_hexdigit((unsigned char)*s)) == -1 || d >= base) {
			errno = EINVAL;
			return -1;
		}
		/* Keep scanning after an overflow: junk is EINVAL. */
		if (range || (unsigned long)d > max ||
		    n > (max - (unsigned long)d) / (unsigned long)base)
			range = 1;
		else
			n = n * (unsigned long)base + (unsigned long)d;
	}
	if (range) {
		errno = ERANGE;
		return -1;
	}
	*v = n;
	return 0;
}

int
eth_parse_mac(const char *s, uint8_t mac[ETH_ALEN_])
{
	uint8_t m[ETH_ALEN_];
	char sep = '\0';
	int d, i, n;

	if (s == NULL)
		goto bad;
	for (i = 0; i < ETH_ALEN_; i++) {
		if (i > 0) {
			/*
			 * The first separator sets the style; it must be
			 * one, or sep would still be '\0' and match the
			 * string's end, and s would run past it ("5").
			 */
			if (i == 1 && (*s == ':' || *s == '-'))
				sep = *s;
			if (sep == '\0' || *s != sep)
				goto bad;
			s++;
		}
		if ((d = eth_hexdigit((unsigned char)*s)) == -1)
			goto bad;
		n = d;
		s++;
		if ((d = eth_hexdigit((unsigned char)*s)) != -1) {
			n = n * 16 + d;
			s++;
		}
		m[i] = (uint8_t)n;
	}
	if (*s != '\0')
		goto bad;
	memcpy(mac, m, ETH_ALEN_);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void
eth_format_mac(const uint8_t mac[ETH_ALEN_], char buf[ETH_MACSTRLEN])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < ETH_ALEN_; i++) {
		buf[3 * i] = hex[mac[i] >> 4];
		buf[3 * i + 1] = hex[mac[i] & 0xf];
		buf[3 * i + 2] = i < ETH_ALEN_ - 1 ? ':' : '\0';
	}
}

/*
 * Names are matched without regard to case ("IPv6" works); numbers are
 * "0x" or "0X" and hex digits, or decimal digits, nothing else.
 */
int
eth_parse_type(const char *s, uint16_t *type)
{
	unsigned long v;
	size_t i;

	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < sizeof(eth_types) / sizeof(eth_types[0]); i++)
		if (strcasecmp(s, eth_types[i].name) == 0) {
			*type = eth_types[i].type;
			return 0;
		}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (eth_number(s + 2, 16, 0xffff, &v) == -1)
			return -1;
	} else if (eth_number(s, 10, 0xffff, &v) == -1)
		return -1;
	*type = (uint16_t)v;
	return 0;
}

const char *
eth_type_name(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(eth_types) / sizeof(eth_types[0]); i++)
		if (eth_types[i].type == type)
			return eth_types[i].name;
	return NULL;
}

void
eth_format_type(uint16_t type, char *buf, size_t len)
{
	const char *name;

	if (len == 0)
		return;
	if ((name = eth_type_name(type)) != NULL)
		strlcpy(buf, name, len);
	else
		snprintf(buf, len, "0x%04x", type);
}

/*
 * A tagged header gets h->tpid as its TPID, or 0x8100 when h->tpid is 0.
 */
int
eth_encode(uint8_t *buf, size_t len, const struct eth_hdr *h)
{
	uint16_t v;
	size_t hlen = h->tagged ? ETH_VLAN_HLEN : ETH_HLEN_;

	if (len < hlen) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(buf, h->dst, ETH_ALEN_);
	memcpy(buf + ETH_ALEN_, h->src, ETH_ALEN_);
	if (h->tagged) {
		v = htobe16(h->tpid != 0 ? h->tpid : ETH_TPID_8021Q);
		memcpy(buf + 12, &v, 2);
		v = htobe16(h->tci);
		memcpy(buf + 14, &v, 2);
	}
	v = htobe16(h->type);
	memcpy(buf + hlen - 2, &v, 2);
	return (int)hlen;
}

/*
 * Only the outermost tag is looked through: a QinQ frame (0x88a8, then
 * 0x8100) decodes with tpid 0x88a8 and type 0x8100.  Untagged frames have
 * tpid and tci 0.
 */
int
eth_decode(const uint8_t *frame, size_t len, struct eth_hdr *h)
{
	uint16_t v;

	if (len < ETH_HLEN_) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(h->dst, frame, ETH_ALEN_);
	memcpy(h->src, frame + ETH_ALEN_, ETH_ALEN_);
	memcpy(&v, frame + 12, 2);
	h->type = be16toh(v);
	h->tagged = 0;
	h->tpid = 0;
	h->tci = 0;
	if (h->type != ETH_TPID_8021Q && h->type != ETH_TPID_8021AD)
		return ETH_HLEN_;
	if (len < ETH_VLAN_HLEN) {
		errno = EMSGSIZE;
		return -1;
	}
	h->tagged = 1;
	h->tpid = h->type;
	memcpy(&v, frame + 14, 2);
	h->tci = be16toh(v);
	memcpy(&v, frame + 16, 2);
	h->type = be16toh(v);
	return ETH_VLAN_HLEN;
}

int
eth_parse_vlan(const char *s, uint16_t *tci)
{
	unsigned long vid, prio = 0;
	const char *colon;
	char buf[16];
	size_t n;

	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((colon = strchr(s, ':')) != NULL) {
		if ((n = (size_t)(colon - s)) >= sizeof(buf)) {
			/* All digits, then too long for 4095: ERANGE. */
			n = strspn(s, "0123456789");
			errno = n == (size_t)(colon - s) ? ERANGE : EINVAL;
			return -1;
		}
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (eth_number(buf, 10, 4095, &vid) == -1 ||
		    eth_number(colon + 1, 10, 7, &prio) == -1)
			return -1;
	} else if (eth_number(s, 10, 4095, &vid) == -1)
		return -1;
	*tci = (uint16_t)(prio << 13 | vid);
	return 0;
}

/*
 * The kernel's dev_valid_name() rules, and more: besides '/', ':' and white
 * space, control characters, bytes above 0x7e and the characters a shell or
 * fnmatch(3) gives a meaning to are refused, so that a name can be written
 * into a message, a policy rule or a shell command without quoting.
 */
int
eth_ifname_check(const char *name)
{
	static const char bad[] = "/:!\"#$%&'()*,;<=>?[\\]^`{|}~";
	const unsigned char *p;

	if (name == NULL || *name == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (strnlen(name, IF_NAMESIZE) >= IF_NAMESIZE) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr(bad, *p) != NULL) {
			errno = EINVAL;
			return -1;
		}
	return 0;
}

/* A socket for the interface ioctls: any family will do, AF_UNIX is free. */
static int
eth_ioctl_socket(void)
{
	return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/* Closes fd keeping errno. */
static void
eth_close(int fd)
{
	int e = errno;

	(void)close(fd);
	errno = e;
}

/* Fills ifp for name (already checked), through the ioctl socket s. */
static int
eth_if_fill(int s, const char *name, struct eth_if *ifp)
{
	struct ifreq ifr;
	struct eth_if r;

	memset(&r, 0, sizeof(r));
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	strlcpy(r.name, name, sizeof(r.name));
	if (ioctl(s, SIOCGIFINDEX, &ifr) == -1)
		return -1;
	r.index = ifr.ifr_ifindex;
	if (ioctl(s, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	r.arptype = ifr.ifr_hwaddr.sa_family;
	memcpy(r.mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN_);
	if (ioctl(s, SIOCGIFMTU, &ifr) == -1)
		return -1;
	r.mtu = ifr.ifr_mtu;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	r.up = (ifr.ifr_flags & (IFF_UP | IFF_RUNNING)) ==
	    (IFF_UP | IFF_RUNNING);
	*ifp = r;
	return 0;
}

int
eth_if_byname(const char *name, struct eth_if *ifp)
{
	int s, rc;

	if (eth_ifname_check(name) == -1)
		return -1;
	if ((s = eth_ioctl_socket()) == -1)
		return -1;
	rc = eth_if_fill(s, name, ifp);
	eth_close(s);
	return rc;
}

int
eth_if_ofsocket(int s, int index, struct eth_if *ifp)
{
	struct ifreq ifr;
	struct eth_if r;
	int rc;

	if (index <= 0) {
		errno = ENODEV;
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = index;
	if ((rc = ioctl(s, SIOCGIFNAME, &ifr)) == 0) {
		ifr.ifr_name[sizeof(ifr.ifr_name) - 1] = '\0';
		rc = eth_if_fill(s, ifr.ifr_name, &r);
		/* Renamed or replaced between the two calls. */
		if (rc == 0 && r.index != index) {
			errno = ENODEV;
			rc = -1;
		}
		if (rc == 0)
			*ifp = r;
	}
	return rc;
}

int
eth_if_byindex(int index, struct eth_if *ifp)
{
	int s, rc;

	if ((s = eth_ioctl_socket()) == -1)
		return -1;
	rc = eth_if_ofsocket(s, index, ifp);
	eth_close(s);
	return rc;
}
