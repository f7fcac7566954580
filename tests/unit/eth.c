/*
 * Unit tests of lib/eth: parsing tables, header round trips, and interface
 * lookups in a private network namespace (only when root).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "netns.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*in;
	int		 err;		/* 0: parses */
	const char	*out;		/* formatted back */
} macs[] = {
	{ "aa:bb:cc:dd:ee:ff",		0, "aa:bb:cc:dd:ee:ff" },
	{ "AA-BB-CC-DD-EE-FF",		0, "aa:bb:cc:dd:ee:ff" },
	{ "0:1:2:3:4:5",		0, "00:01:02:03:04:05" },
	{ "ff:ff:ff:ff:ff:ff",		0, "ff:ff:ff:ff:ff:ff" },
	{ "",				EINVAL, NULL },
	{ "aa:bb:cc:dd:ee",		EINVAL, NULL },
	{ "aa:bb:cc:dd:ee:ff:00",	EINVAL, NULL },
	{ "aa:bb:cc:dd:ee:ff ",		EINVAL, NULL },
	{ "aa:bb-cc:dd:ee:ff",		EINVAL, NULL },
	{ "aaa:bb:cc:dd:ee:ff",		EINVAL, NULL },
	{ "aa::cc:dd:ee:ff",		EINVAL, NULL },
	{ "gg:bb:cc:dd:ee:ff",		EINVAL, NULL },
	{ "aabbccddeeff",		EINVAL, NULL },
	{ "aa.bb.cc.dd.ee.ff",		EINVAL, NULL },
};

static const struct {
	const char	*in;
	int		 err;
	unsigned	 type;
} types[] = {
	{ "0x88b5",	0, 0x88b5 },
	{ "0X88B5",	0, 0x88b5 },
	{ "0xffff",	0, 0xffff },
	{ "0x0",	0, 0 },
	{ "0x0000000000000800", 0, 0x0800 },
	{ "2048",	0, 0x0800 },
	{ "65535",	0, 0xffff },
	{ "0",		0, 0 },
	{ "ipv4",	0, 0x0800 },
	{ "ip",		0, 0x0800 },
	{ "arp",	0, 0x0806 },
	{ "ipv6",	0, 0x86dd },
	{ "IPv6",	0, 0x86dd },
	{ "vlan",	0, 0x8100 },
	{ "qinq",	0, 0x88a8 },
	{ "lldp",	0, 0x88cc },
	{ "all",	0, ETHTYPE_ALL },
	{ "none",	0, ETHTYPE_NONE },
	{ "0x10000",	ERANGE, 0 },
	{ "65536",	ERANGE, 0 },
	{ "99999999999999999999999", ERANGE, 0 },
	{ "-1",		EINVAL, 0 },
	{ "+1",		EINVAL, 0 },
	{ "abc",	EINVAL, 0 },
	{ "",		EINVAL, 0 },
	{ "0x",		EINVAL, 0 },
	{ "0x88b5z",	EINVAL, 0 },
	{ "0x100000z",	EINVAL, 0 },
	{ "12 ",	EINVAL, 0 },
	{ " 12",	EINVAL, 0 },
	{ "0x-1",	EINVAL, 0 },
	{ "88b5",	EINVAL, 0 },
	{ "ipv4x",	EINVAL, 0 },
};

static const struct {
	const char	*in;
	int		 err;
	unsigned	 tci;
} vlans[] = {
	{ "0",		0, 0 },
	{ "100",	0, 100 },
	{ "4095",	0, 4095 },
	{ "100:0",	0, 100 },
	{ "100:5",	0, 5 << 13 | 100 },
	{ "4095:7",	0, 0xefff },
	{ "9:1",		0, 1 << 13 | 9 },
	{ "0007:07",	0, 7 << 13 | 7 },
	{ "4096",	ERANGE, 0 },
	{ "100:8",	ERANGE, 0 },
	{ "12345678901234567890:1", ERANGE, 0 },
	{ "",		EINVAL, 0 },
	{ ":1",		EINVAL, 0 },
	{ "100:",	EINVAL, 0 },
	{ "100:1:1",	EINVAL, 0 },
	{ "-1",		EINVAL, 0 },
	{ "0x10",	EINVAL, 0 },
	{ "12345678901234567890x:1", EINVAL, 0 },
};

static const struct {
	const char	*in;
	int		 err;
} names[] = {
	{ "eth0",		0 },
	{ "veth-a.100",		0 },
	{ "br_lan@x+y",		0 },
	{ "abcdefghijklmno",	0 },		/* 15 bytes: the longest */
	{ "abcdefghijklmnop",	ENAMETOOLONG },
	{ "",			EINVAL },
	{ ".",			EINVAL },
	{ "..",			EINVAL },
	{ "...",		0 },
	{ "../x",		EINVAL },
	{ "a/b",		EINVAL },
	{ "eth0:1",		EINVAL },
	{ "a b",		EINVAL },
	{ "a\tb",		EINVAL },
	{ "a\nb",		EINVAL },
	{ "a\x7f",		EINVAL },
	{ "a\xc3\xa9",		EINVAL },
	{ "eth0;x",		EINVAL },
	{ "eth0|x",		EINVAL },
	{ "eth$x",		EINVAL },
	{ "eth*",		EINVAL },
	{ "eth?",		EINVAL },
	{ "eth[0]",		EINVAL },
	{ "`x`",		EINVAL },
};

static void
test_mac(void)
{
	uint8_t mac[ETH_ALEN_], keep[ETH_ALEN_] = { 1, 2, 3, 4, 5, 6 };
	char buf[ETH_MACSTRLEN], what[128];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		memcpy(mac, keep, sizeof(mac));
		errno = 0;
		rc = eth_parse_mac(macs[i].in, mac);
		snprintf(what, sizeof(what), "mac \"%s\": %s", macs[i].in,
		    macs[i].err ? strerror(macs[i].err) : "parses");
		if (macs[i].err == 0) {
			eth_format_mac(mac, buf);
			ok(rc == 0 && strcmp(buf, macs[i].out) == 0, what);
		} else
			ok(rc == -1 && errno == macs[i].err &&
			    memcmp(mac, keep, sizeof(mac)) == 0, what);
	}
}

static void
test_type(void)
{
	uint16_t t;
	char buf[16], what[128];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		t = 0x1234;
		errno = 0;
		rc = eth_parse_type(types[i].in, &t);
		snprintf(what, sizeof(what), "ethertype \"%s\": %s",
		    types[i].in, types[i].err ? strerror(types[i].err) :
		    "parses");
		if (types[i].err == 0)
			ok(rc == 0 && t == types[i].type, what);
		else
			ok(rc == -1 && errno == types[i].err && t == 0x1234,
			    what);
	}
	is_str(eth_type_name(0x86dd), "ipv6", "name of 0x86dd");
	is_str(eth_type_name(0x0800), "ipv4", "0x0800 is named ipv4, not ip");
	is_str(eth_type_name(ETHTYPE_ALL), "all", "name of ETH_P_ALL");
	ok(eth_type_name(0x88b5) == NULL, "0x88b5 has no name");
	eth_format_type(0x88b5, buf, sizeof(buf));
	is_str(buf, "0x88b5", "format 0x88b5");
	eth_format_type(0x0806, buf, sizeof(buf));
	is_str(buf, "arp", "format 0x0806");
	eth_format_type(0x0001, buf, sizeof(buf));
	is_str(buf, "0x0001", "format 0x0001");
}

static void
test_vlan(void)
{
	uint16_t tci;
	char what[128];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(vlans) / sizeof(vlans[0]); i++) {
		tci = 0x1234;
		errno = 0;
		rc = eth_parse_vlan(vlans[i].in, &tci);
		snprintf(what, sizeof(what), "vlan \"%s\": %s", vlans[i].in,
		    vlans[i].err ? strerror(vlans[i].err) : "parses");
		if (vlans[i].err == 0)
			ok(rc == 0 && tci == vlans[i].tci, what);
		else
			ok(rc == -1 && errno == vlans[i].err && tci == 0x1234,
			    what);
	}
}

static void
test_codec(void)
{
	static const uint8_t untagged[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x88, 0xb5, 'h', 'i',
	};
	static const uint8_t tagged[] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x81, 0x00, 0xa0, 0x64, 0x08, 0x00,
	};
	static const uint8_t qinq[] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00,
		0x00, 0x14, 0x08, 0x00,
	};
	struct eth_hdr h, h2;
	uint8_t buf[64];

	memset(&h, 0xa5, sizeof(h));
	is_int(eth_decode(untagged, sizeof(untagged), &h), 14,
	    "untagged decodes, 14 bytes of header");
	ok(h.type == 0x88b5 && !h.tagged && h.tpid == 0 && h.tci == 0,
	    "untagged: type 0x88b5, no tag");
	is_mem(h.src, untagged + 6, 6, "untagged: source");
	is_mem(h.dst, untagged, 6, "untagged: destination");
	is_int(eth_encode(buf, sizeof(buf), &h), 14, "untagged encodes");
	is_mem(buf, untagged, 14, "untagged round trip");
	errno = 0;
	ok(eth_encode(buf, 13, &h) == -1 && errno == EMSGSIZE,
	    "encode into 13 bytes: EMSGSIZE");

	is_int(eth_decode(tagged, sizeof(tagged), &h), 18, "tagged decodes");
	ok(h.tagged && h.tpid == 0x8100 && h.tci == 0xa064 &&
	    h.type == 0x0800, "tagged: tpid, tci, inner type");
	is_int(eth_encode(buf, sizeof(buf), &h), 18, "tagged encodes");
	is_mem(buf, tagged, 18, "tagged round trip");
	h.tpid = 0;
	is_int(eth_encode(buf, sizeof(buf), &h), 18, "tpid 0 encodes");
	is_mem(buf, tagged, 18, "tpid 0 means 0x8100");
	errno = 0;
	ok(eth_encode(buf, 17, &h) == -1 && errno == EMSGSIZE,
	    "tagged into 17 bytes: EMSGSIZE");

	is_int(eth_decode(qinq, sizeof(qinq), &h), 18, "qinq decodes");
	ok(h.tagged && h.tpid == 0x88a8 && h.tci == 10 && h.type == 0x8100,
	    "qinq: outer tag only");
	is_int(eth_encode(buf, sizeof(buf), &h), 18, "qinq outer encodes");
	is_mem(buf, qinq, 18, "qinq outer round trip");

	memset(&h2, 0x5a, sizeof(h2));
	errno = 0;
	ok(eth_decode(untagged, 13, &h2) == -1 && errno == EMSGSIZE,
	    "13-byte frame: EMSGSIZE");
	errno = 0;
	ok(eth_decode(tagged, 17, &h2) == -1 && errno == EMSGSIZE,
	    "tagged frame of 17 bytes: EMSGSIZE");
	errno = 0;
	ok(eth_decode(tagged, 0, &h2) == -1 && errno == EMSGSIZE,
	    "empty frame: EMSGSIZE");
}

static void
test_names(void)
{
	char what[128];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		errno = 0;
		rc = eth_ifname_check(names[i].in);
		snprintf(what, sizeof(what), "ifname check %zu: %s", i,
		    names[i].err ? strerror(names[i].err) : "valid");
		if (names[i].err == 0)
			ok(rc == 0, what);
		else
			ok(rc == -1 && errno == names[i].err, what);
	}
}

#define NIF	16

static void
test_if(void)
{
	static const uint8_t zero[ETH_ALEN_];
	struct eth_if i, j, keep;
	int fd;

	if (geteuid() != 0) {
		skip(NIF, "interface lookups need root for a network namespace");
		return;
	}
	if (netns_lo(0) == -1) {
		diag("netns: %s", strerror(errno));
		skip(NIF, "cannot make a network namespace");
		return;
	}
	memset(&i, 0, sizeof(i));
	ok(eth_if_byname("lo", &i) == 0, "lo found by name");
	is_str(i.name, "lo", "lo: name");
	is_int(i.index, 1, "lo: index 1 in a new namespace");
	is_int(i.arptype, ARPHRD_LOOPBACK, "lo: ARPHRD_LOOPBACK");
	is_int(i.mtu, 65536, "lo: mtu 65536");
	ok(i.up, "lo: up and running");
	is_mem(i.mac, zero, ETH_ALEN_, "lo: mac 00:00:00:00:00:00");

	memset(&j, 0, sizeof(j));
	ok(eth_if_byindex(i.index, &j) == 0 &&
	    memcmp(&i, &j, sizeof(i)) == 0, "lo found by index, the same");

	memset(&keep, 0x77, sizeof(keep));
	j = keep;
	errno = 0;
	ok(eth_if_byname("eth9", &j) == -1 && errno == ENODEV &&
	    memcmp(&j, &keep, sizeof(j)) == 0,
	    "missing name: ENODEV, untouched");
	errno = 0;
	ok(eth_if_byindex(4242, &j) == -1 && errno == ENODEV,
	    "missing index: ENODEV");
	errno = 0;
	ok(eth_if_byindex(0, &j) == -1 && errno == ENODEV, "index 0: ENODEV");
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		abort();
	memset(&j, 0, sizeof(j));
	ok(eth_if_ofsocket(fd, i.index, &j) == 0 &&
	    memcmp(&i, &j, sizeof(i)) == 0, "lo found through a socket");
	errno = 0;
	ok(eth_if_ofsocket(fd, 4242, &j) == -1 && errno == ENODEV,
	    "  a missing index: ENODEV");
	close(fd);
	errno = 0;
	ok(eth_if_byname("../x", &j) == -1 && errno == EINVAL,
	    "bad name: EINVAL");
	errno = 0;
	ok(eth_if_byname("abcdefghijklmnopq", &j) == -1 &&
	    errno == ENAMETOOLONG, "long name: ENAMETOOLONG");
	errno = 0;
	ok(eth_if_byname("", &j) == -1 && errno == EINVAL,
	    "empty name: EINVAL");
}

int
main(void)
{
	plan((int)(NELEM(macs) + NELEM(types) + 7 + NELEM(vlans) + 21 +
	    NELEM(names) + NIF));
	test_mac();
	test_type();
	test_vlan();
	test_codec();
	test_names();
	test_if();
	return done();
}
