/*
 * Unit tests of lib/policy: the grammar (good files, and every kind of bad
 * line, each with its exact message), what rules grant, the keys of
 * "rawopen, part 2" (send=, spoof=, outgoing=, addr=) and what a grant
 * says of them, the suggested rule line, the lint that reports every bad
 * line, and the file checks of policy_load() and policy_lint() in a
 * scratch directory under /var/lib (only when root).
 *
 * Users and groups are Debian's base ones: root 0, daemon 1, www-data 33,
 * nobody 65534; groups adm 4, www-data 33, staff 50, nogroup 65534.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "policy.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Files that parse, with the number of rules each holds. */
static const struct {
	const char	*text;
	const char	*what;
} good[] = {
	{ "", "an empty file" },
	{ "\n\n   \n\t\n", "blank lines" },
	{ "# a comment\n   # an indented one\n", "comments" },
	{ "user:root packet iface=eth0 ethertype=0x88b5", "no final newline" },
	{ "user:root packet iface=eth0 ethertype=0x88b5 # why\n",
	    "a comment after a rule" },
	{ "user:root\tpacket\tiface=eth0\tethertype=0x88b5\n", "tabs" },
	{ "user:0 packet iface=eth0 ethertype=0x88b5\n", "a uid" },
	{ "group:adm packet iface=eth0 ethertype=0x88b5\n", "a group" },
	{ "group:4 packet iface=eth0 ethertype=0x88b5\n", "a gid" },
	{ "* packet iface=eth0 ethertype=0x88b5\n", "everybody" },
	{ "* packet iface=veth*,eth[0-3],wlan? ethertype=0x88b5\n",
	    "interface patterns" },
	{ "* packet iface=eth0 ethertype=0x88b5,0x88b6,35063,ipv4,ARP,lldp\n",
	    "an ethertype list with names" },
	{ "* packet iface=eth0 ethertype=0x0600-0xffff\n", "a range" },
	{ "* packet iface=eth0 ethertype=all,none,0x0001,4\n",
	    "low values one by one" },
	{ "* packet iface=eth0 ethertype=all promisc=yes\n", "promisc=yes" },
	{ "* packet iface=eth0 ethertype=all promisc=no\n", "promisc=no" },
	{ "* packet iface=eth0 ethertype=all filter=required\n",
	    "filter=required" },
	{ "* packet iface=eth0 ethertype=all filter=\"not port 22\"\n",
	    "a quoted filter" },
	{ "* packet filter=\"a \\\"b\\\" \\\\ c\" ethertype=all iface=eth0\n",
	    "escapes, keys in any order" },
	{ "* ip proto=icmp,icmpv6,0,255,47\n", "ip protocols" },
	{ "* ip proto=igmp,tcp,udp,gre,esp,ah,sctp,udplite\n",
	  "every name rawopen --ip knows" },
	{ "* ip proto=icmp family=ipv4\n", "a family" },
	{ "* ip proto=icmp family=ipv4,ipv6\n", "both families" },
	{ "* port proto=tcp port=80,443\n", "ports" },
	{ "* port proto=tcp,udp port=1-1023,65535\n", "port ranges" },
	{ "user:www-data port proto=udp port=53\n"
	  "group:nogroup packet iface=lo ethertype=0x88b5\n", "two rules" },
	/* rawopen, part 2 */
	{ "* packet iface=eth0 ethertype=1 send=iface\n", "send=iface" },
	{ "* packet iface=eth0 ethertype=1 send=no\n", "send=no" },
	{ "* packet iface=eth0 ethertype=1 send=any\n", "send=any" },
	{ "* packet iface=eth0 ethertype=1 spoof=yes\n", "spoof=yes" },
	{ "* packet iface=eth0 ethertype=1 send=iface spoof=no\n",
	    "spoof=no" },
	{ "* packet spoof=yes iface=eth0 ethertype=1 send=any\n",
	    "spoof=yes with send=any (redundant)" },
	{ "* packet iface=eth0 ethertype=1 send=no spoof=no\n",
	    "spoof=no with send=no" },
	{ "* packet iface=eth0 ethertype=1 outgoing=yes\n", "outgoing=yes" },
	{ "* packet iface=eth0 ethertype=1 outgoing=no\n", "outgoing=no" },
	{ "* port proto=tcp port=80 addr=127.0.0.1\n", "an IPv4 address" },
	{ "* port proto=tcp port=80 addr=::1,fe80::1,2001:db8::a:b\n",
	    "IPv6 addresses" },
	{ "* port proto=udp port=53 addr=0.0.0.0,::,10.0.0.1,::ffff:10.0.0.1\n",
	    "wildcards, a v4-mapped address" },
	/* rawopen, part 3: tun and tap devices */
	{ "* tap name=fdtap* mode=tap\n", "a tap rule" },
	{ "* packet iface=eth0 ethertype=1 fanout=8\n", "fanout=" },
	{ "* tap name=qemu*,vm[0-9]* mode=tap,tun bridge=br0,lab*\n",
	    "patterns, modes and bridges" },
};

/* Lines that are refused, each with its exact message (as "t:LINE: ..."). */
static const struct {
	const char	*text;
	const char	*err;
} bad[] = {
	/* principals */
	{ "nobody packet iface=eth0 ethertype=1",
	  "t:1: bad principal 'nobody' (user:NAME, group:NAME or *)" },
	{ "user:no-such-user-x packet iface=eth0 ethertype=1",
	  "t:1: unknown user 'no-such-user-x'" },
	{ "group:no-such-group-x packet iface=eth0 ethertype=1",
	  "t:1: unknown group 'no-such-group-x'" },
	{ "user: packet iface=eth0 ethertype=1", "t:1: bad user ''" },
	{ "group: packet iface=eth0 ethertype=1", "t:1: bad group ''" },
	{ "user:99999999999 packet iface=eth0 ethertype=1",
	  "t:1: bad user '99999999999'" },
	{ "iface=eth0", "t:1: expected a principal, not 'iface='" },
	{ "*", "t:1: missing kind (packet, ip, port or tap)" },
	{ "* # comment", "t:1: missing kind (packet, ip, port or tap)" },
	/* kinds */
	{ "* packets iface=eth0 ethertype=1",
	  "t:1: unknown kind 'packets' (packet, ip, port or tap)" },
	{ "* kind=packet", "t:1: unknown kind 'kind=...' (packet, ip, port or tap)" },
	/* keys */
	{ "# fine\n\n* packet ifcae=eth0 ethertype=1",
	  "t:3: unknown key 'ifcae'" },
	{ "* packet iface=eth0 ethertype=1 port=80",
	  "t:1: key 'port' does not apply to packet rules" },
	{ "* ip proto=icmp iface=eth0",
	  "t:1: key 'iface' does not apply to ip rules" },
	{ "* port proto=tcp port=80 family=ipv4",
	  "t:1: key 'family' does not apply to port rules" },
	{ "* packet iface=eth0 iface=eth1 ethertype=1",
	  "t:1: duplicate key 'iface'" },
	{ "* packet iface=eth0 ethertype=1 promisc=yes promisc=yes",
	  "t:1: duplicate key 'promisc'" },
	{ "* packet iface=eth0 ethertype=1 yes",
	  "t:1: expected key=value, not 'yes'" },
	{ "* packet iface=eth0 ethertype=1 =x", "t:1: unknown key ''" },
	{ "* packet iface= ethertype=1", "t:1: empty value for iface=" },
	{ "* packet ethertype=1", "t:1: packet rule without iface=" },
	{ "* packet iface=eth0", "t:1: packet rule without ethertype=" },
	{ "* ip family=ipv4", "t:1: ip rule without proto=" },
	{ "* port proto=tcp", "t:1: port rule without port=" },
	{ "* port port=80", "t:1: port rule without proto=" },
	/* interfaces */
	{ "* packet iface=eth0,,eth1 ethertype=1",
	  "t:1: empty item in iface= list" },
	{ "* packet iface=eth0, ethertype=1", "t:1: empty item in iface= list" },
	{ "* packet iface=../x ethertype=1",
	  "t:1: bad interface name or pattern '../x'" },
	{ "* packet iface=.. ethertype=1",
	  "t:1: bad interface name or pattern '..'" },
	{ "* packet iface=eth0;x ethertype=1",
	  "t:1: bad interface name or pattern 'eth0;x'" },
	{ "* packet iface=a:b* ethertype=1",
	  "t:1: bad interface name or pattern 'a:b*'" },
	{ "* packet iface=abcdefghijklmnop ethertype=1",
	  "t:1: bad interface name or pattern 'abcdefghijklmnop'" },
	{ "* packet iface=[abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	  "abcdefghijklmn]* ethertype=1",
	  "t:1: bad interface name or pattern '[abcdefghijklmnopqrstuvwxyzabcd"
	  "efghijklmnopqrstuvwxyzabcdefghijk'" },
	{ "* packet iface=eth\\* ethertype=1",
	  "t:1: bad interface name or pattern 'eth\\*'" },
	/* ethertypes */
	{ "* packet iface=eth0 ethertype=0x10000",
	  "t:1: ethertype '0x10000' out of range (0-0xffff)" },
	{ "* packet iface=eth0 ethertype=-1",
	  "t:1: bad ethertype range '-1'" },
	{ "* packet iface=eth0 ethertype=abc", "t:1: bad ethertype 'abc'" },
	{ "* packet iface=eth0 ethertype=0x88b5,",
	  "t:1: empty item in ethertype= list" },
	{ "* packet iface=eth0 ethertype=0x0000-0xffff",
	  "t:1: ethertype range '0x0000-0xffff' starts below 0x0600: list "
	  "such values one by one" },
	{ "* packet iface=eth0 ethertype=0x88b6-0x88b5",
	  "t:1: empty ethertype range '0x88b6-0x88b5'" },
	{ "* packet iface=eth0 ethertype=all-none",
	  "t:1: bad ethertype range 'all-none'" },
	{ "* packet iface=eth0 ethertype=0x0800-",
	  "t:1: bad ethertype range '0x0800-'" },
	{ "* packet iface=eth0 ethertype=0x0800-0x0900-0x0a00",
	  "t:1: bad ethertype '0x0900-0x0a00'" },
	/* promisc and filter */
	{ "* packet iface=eth0 ethertype=1 promisc=1",
	  "t:1: promisc= is yes or no, not '1'" },
	{ "* packet iface=eth0 ethertype=1 filter=arp",
	  "t:1: filter= is \"EXPR\" (quoted) or required, not 'arp'" },
	{ "* packet iface=eth0 ethertype=1 filter=\"\"",
	  "t:1: empty filter expression" },
	{ "* packet iface=eth0 ethertype=1 filter=\"  \"",
	  "t:1: empty filter expression" },
	{ "* packet iface=eth0 ethertype=1 filter=\"not port 22",
	  "t:1: unterminated quote" },
	{ "* packet iface=eth0 ethertype=1 filter=\"a\\nb\"",
	  "t:1: bad escape in quoted value (only \\\" and \\\\)" },
	{ "* packet iface=eth0 ethertype=1 filter=\"arp\"x",
	  "t:1: text after the closing quote" },
	{ "* packet iface=eth0 ethertype=1 filter=a\"rp\"",
	  "t:1: unexpected '\"' (only a whole value is quoted)" },
	{ "* packet iface=\"eth0\" ethertype=1",
	  "t:1: only filter= takes a quoted value" },
	/* ip */
	{ "* ip proto=icmp4", "t:1: bad IP protocol 'icmp4' (a name such as "
	  "icmp, or 0-255)" },
	{ "* ip proto=256", "t:1: bad IP protocol '256' (a name such as icmp, "
	  "or 0-255)" },
	{ "* ip proto=+1", "t:1: bad IP protocol '+1' (a name such as icmp, "
	  "or 0-255)" },
	{ "* ip proto=99999999999999999999", "t:1: bad IP protocol "
	  "'99999999999999999999' (a name such as icmp, or 0-255)" },
	{ "* ip proto=TCP", "t:1: bad IP protocol 'TCP' (a name such as icmp, "
	  "or 0-255)" },
	{ "* ip proto=icmp,", "t:1: empty item in proto= list" },
	{ "* ip proto=icmp family=inet", "t:1: bad family 'inet' (ipv4 or "
	  "ipv6)" },
	/* port */
	{ "* port proto=sctp port=80", "t:1: bad protocol 'sctp' (tcp or udp)" },
	{ "* port proto=tcp port=0", "t:1: bad port '0' (1-65535)" },
	{ "* port proto=tcp port=65536", "t:1: bad port '65536' (1-65535)" },
	{ "* port proto=tcp port=http", "t:1: bad port 'http' (1-65535)" },
	{ "* port proto=tcp port=100-80", "t:1: empty port range '100-80'" },
	{ "* port proto=tcp port=80-", "t:1: bad port '80-' (1-65535)" },
	{ "* port proto=tcp port=1-0", "t:1: bad port '1-0' (1-65535)" },
	/* send=, spoof=, outgoing= */
	{ "* packet iface=eth0 ethertype=1 send=maybe",
	  "t:1: send= is iface, no or any, not 'maybe'" },
	{ "* packet iface=eth0 ethertype=1 send=IFACE",
	  "t:1: send= is iface, no or any, not 'IFACE'" },
	{ "* packet iface=eth0 ethertype=1 send=",
	  "t:1: empty value for send=" },
	{ "* packet iface=eth0 ethertype=1 spoof=",
	  "t:1: empty value for spoof=" },
	{ "* packet iface=eth0 ethertype=1 spoof=true",
	  "t:1: spoof= is yes or no, not 'true'" },
	{ "* packet iface=eth0 ethertype=1 outgoing=1",
	  "t:1: outgoing= is yes or no, not '1'" },
	{ "* packet iface=eth0 ethertype=1 send=any send=any",
	  "t:1: duplicate key 'send'" },
	{ "* packet iface=eth0 ethertype=1 spoof=no spoof=yes",
	  "t:1: duplicate key 'spoof'" },
	{ "* packet iface=eth0 ethertype=1 outgoing=yes outgoing=yes",
	  "t:1: duplicate key 'outgoing'" },
	{ "* packet iface=eth0 ethertype=1 send=no spoof=yes",
	  "t:1: spoof=yes with send=no (nothing is sent)" },
	{ "* packet spoof=no iface=eth0 ethertype=1 send=any",
	  "t:1: spoof=no with send=any (the program holds the socket and can "
	  "send any frame)" },
	{ "* packet iface=eth0 ethertype=1 send=\"any\"",
	  "t:1: only filter= takes a quoted value" },
	{ "* port proto=tcp port=80 send=any",
	  "t:1: key 'send' does not apply to port rules" },
	{ "* ip proto=icmp spoof=yes",
	  "t:1: key 'spoof' does not apply to ip rules" },
	{ "* port proto=tcp port=80 outgoing=yes",
	  "t:1: key 'outgoing' does not apply to port rules" },
	/* addr= */
	{ "* port proto=tcp port=80 addr=300.1.1.1",
	  "t:1: bad address '300.1.1.1' (a numeric IPv4 or IPv6 address, "
	  "without brackets)" },
	{ "* port proto=tcp port=80 addr=[::1]",
	  "t:1: bad address '[::1]' (a numeric IPv4 or IPv6 address, "
	  "without brackets)" },
	{ "* port proto=tcp port=80 addr=10.1",
	  "t:1: bad address '10.1' (a numeric IPv4 or IPv6 address, "
	  "without brackets)" },
	{ "* port proto=tcp port=80 addr=10.0.0.0/8",
	  "t:1: bad address '10.0.0.0/8' (a numeric IPv4 or IPv6 address, "
	  "without brackets)" },
	{ "* port proto=tcp port=80 addr=fe80::1%eth0",
	  "t:1: bad address 'fe80::1%eth0' (a numeric IPv4 or IPv6 address, "
	  "without brackets)" },
	{ "* port proto=tcp port=80 addr=localhost",
	  "t:1: bad address 'localhost' (a numeric IPv4 or IPv6 address, "
	  "without brackets)" },
	{ "* port proto=tcp port=80 addr=::1,,127.0.0.1",
	  "t:1: empty item in addr= list" },
	{ "* port proto=tcp port=80 addr=", "t:1: empty value for addr=" },
	{ "* port proto=tcp port=80 addr=::1 addr=::2",
	  "t:1: duplicate key 'addr'" },
	{ "* packet iface=eth0 ethertype=1 addr=127.0.0.1",
	  "t:1: key 'addr' does not apply to packet rules" },
	{ "* ip proto=icmp addr=127.0.0.1",
	  "t:1: key 'addr' does not apply to ip rules" },
	{ "* tap mode=tap", "t:1: tap rule without name=" },
	{ "* packet iface=eth0 ethertype=1 fanout=0",
	  "t:1: fanout= is a number of sockets, 1 to 1024, not '0'" },
	{ "* packet iface=eth0 ethertype=1 fanout=1025",
	  "t:1: fanout= is a number of sockets, 1 to 1024, not '1025'" },
	{ "* port proto=tcp port=80 fanout=2",
	  "t:1: key 'fanout' does not apply to port rules" },
	{ "* tap name=t0", "t:1: tap rule without mode=" },
	{ "* tap name=t0 mode=tip",
	  "t:1: mode= is tap, tun or both, not 'tip'" },
	{ "* tap name=t%d mode=tap",
	  "t:1: name=t%d would never match the name the device gets "
	  "(write * for %d)" },
	{ "* tap name=a/b mode=tap",
	  "t:1: bad device name or pattern 'a/b'" },
	{ "* tap name=t0 mode=tap iface=eth0",
	  "t:1: key 'iface' does not apply to tap rules" },
	{ "* packet iface=eth0 ethertype=1 bridge=br0",
	  "t:1: key 'bridge' does not apply to packet rules" },
	/* bytes */
	{ "* packet iface=eth0 ethertype=1\r\n",
	  "t:1: carriage return (a DOS line end?)" },
	{ "\n* packet iface=eth0 ethertype=1\001",
	  "t:2: control character 0x01" },
	{ "* packet iface=eth0 ethertype=1 filter=\"caf\xc3\xa9\"",
	  "t:1: byte 0xc3 outside ASCII" },
	/* the first bad line refuses the whole file, good lines before it */
	{ "* ip proto=icmp\n* ip proto=icmp\n* ip proto=icmp\nbad\n",
	  "t:4: bad principal 'bad' (user:NAME, group:NAME or *)" },
};

static void
test_parse(void)
{
	char err[POLICY_ERRLEN], what[128];
	static const char nul[] = "* ip proto=icmp\n* ip\0 proto=icmp\n";
	struct policy *p;
	size_t i;
	char *big;

	for (i = 0; i < NELEM(good); i++) {
		err[0] = '\0';
		p = policy_parse(good[i].text, strlen(good[i].text), "t", err);
		snprintf(what, sizeof(what), "parses: %s", good[i].what);
		if (!ok(p != NULL, what))
			diag("  %s", err);
		policy_free(p);
	}
	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		errno = 0;
		p = policy_parse(bad[i].text, strlen(bad[i].text), "t", err);
		snprintf(what, sizeof(what), "refused: %s", bad[i].err + 5);
		ok(p == NULL && errno == EINVAL, what);
		is_str(err, bad[i].err, "  with its message");
		policy_free(p);
	}

	p = policy_parse(nul, sizeof(nul) - 1, "t", err);
	ok(p == NULL && errno == EINVAL, "a NUL byte is refused");
	is_str(err, "t:2: NUL byte", "  naming its line");

	/* A 2 MB file is refused whole; a 2 MB line within 1 MiB is not read. */
	if ((big = malloc(2 * POLICY_MAXSIZE + 1)) == NULL) {
		diag("malloc: %s", strerror(errno));
		exit(1);
	}
	memset(big, ' ', 2 * POLICY_MAXSIZE);
	p = policy_parse(big, 2 * POLICY_MAXSIZE, "t", err);
	ok(p == NULL && errno == EFBIG, "a 2 MB file is refused (EFBIG)");
	is_str(err, "t: larger than 1048576 bytes", "  with its message");

	/* A long line of valid items, refused rather than cut and parsed. */
	strlcpy(big, "* ip proto=", 32);
	for (i = strlen(big); i < POLICY_MAXSIZE - 2; i += 2)
		memcpy(big + i, "1,", 2);
	big[i] = '1';
	p = policy_parse(big, i + 1, "t", err);
	ok(p == NULL && errno == EINVAL, "a 1 MB line is refused");
	is_str(err, "t:1: line longer than 4096 bytes", "  with its message");

	/* Exactly POLICY_MAXLINE bytes are fine, one more is not. */
	memset(big, ' ', POLICY_MAXLINE + 1);
	memcpy(big, "* ip proto=icmp", 15);
	p = policy_parse(big, POLICY_MAXLINE, "t", err);
	ok(p != NULL, "a line of exactly 4096 bytes parses");
	policy_free(p);
	p = policy_parse(big, POLICY_MAXLINE + 1, "t", err);
	ok(p == NULL && errno == EINVAL, "a line of 4097 bytes is refused");
	big[POLICY_MAXLINE] = '\n';
	p = policy_parse(big, POLICY_MAXLINE + 1, "t", err);
	ok(p != NULL, "  but 4096 and a newline parse");
	policy_free(p);
	free(big);
	policy_free(NULL);
}

static const char rules[] =
    "# principal   kind    key=value...\n"
    "user:www-data packet  iface=eth0 ethertype=0x88b5\n"		/* 2 */
    "group:staff   packet  iface=veth* ethertype=0x88b5,0x88b6 promisc=yes\n"
    "group:adm     packet  iface=eth0 ethertype=all filter=\"not port 22\"\n"
    "user:daemon   ip      proto=icmp,icmpv6\n"				/* 5 */
    "group:www-data port   proto=tcp port=80,443\n"
    "user:nobody   packet  iface=eth[0-1],wlan? ethertype=0x0600-0x06ff,"
    "0x9000-0xffff,4\n"
    "user:nobody   packet  iface=lo ethertype=0x88b5 filter=required\n"
    "user:nobody   packet  iface=lo ethertype=0x88b5 filter=\"ether "
    "host 1:2:3:4:5:6\"\n"
    "user:nobody   packet  iface=lo ethertype=0x88b5\n"		/* 10 */
    "user:nobody   ip      proto=47 family=ipv6\n"
    "user:nobody   port    proto=udp,tcp port=1-99,1000\n"
    "*             packet  iface=dummy0 ethertype=0x88b7\n"
    "user:65534    packet  iface=dummy1 ethertype=0x88b7\n"
    "group:4       packet  iface=dummy2 ethertype=0x88b7\n"		/* 15 */
    "user:daemon   ip      proto=sctp,udplite\n";

#define WWW	33
#define NOBODY	65534
#define DAEMON	1

static const gid_t staff_adm[] = { 50, 4 };

static const struct {
	uid_t		 uid;
	gid_t		 gid;
	const gid_t	*groups;
	size_t		 ngroups;
	struct policy_req req;
	int		 line;		/* the granting rule, or 0 */
	const char	*filter;
	const char	*what;
} grants[] = {
#define PKT(i, t)	.kind = POLICY_PACKET, .iface = (i), .ethertype = (t)
#define IP(p)		.kind = POLICY_IP, .proto = (p)
#define PORT(p, n)	.kind = POLICY_PORT, .proto = (p), .port = (n)
	{ WWW, WWW, NULL, 0, { PKT("eth0", 0x88b5) }, 2, NULL,
	  "a user rule" },
	{ WWW, WWW, NULL, 0, { PKT("eth1", 0x88b5) }, 0, NULL,
	  "not another interface" },
	{ WWW, WWW, NULL, 0, { PKT("eth0", 0x88b6) }, 0, NULL,
	  "not another ethertype" },
	{ WWW, WWW, NULL, 0, { PKT("eth0", 0x88b5), .promisc = 1 }, 0, NULL,
	  "no promisc without promisc=yes" },
	{ WWW, WWW, NULL, 0, { PKT("eth0", 0x88b5), .filter = 1 }, 2, NULL,
	  "a caller filter is fine without filter=" },
	{ DAEMON, DAEMON, NULL, 0, { PKT("eth0", 0x88b5) }, 0, NULL,
	  "not another user" },
	{ DAEMON, 50, NULL, 0, { PKT("veth7", 0x88b6), .promisc = 1 }, 3, NULL,
	  "a group rule by the gid, promisc=yes, a glob" },
	{ DAEMON, DAEMON, staff_adm, 2, { PKT("veth0", 0x88b5) }, 3, NULL,
	  "a group rule by a supplementary group" },
	{ DAEMON, DAEMON, staff_adm, 1, { PKT("veth", 0x88b5) }, 3, NULL,
	  "  veth* matches veth" },
	{ DAEMON, DAEMON, staff_adm, 1, { PKT("eth0", 0x88b5) }, 0, NULL,
	  "  not eth0" },
	{ DAEMON, DAEMON, staff_adm, 1, { PKT("xveth0", 0x88b5) }, 0, NULL,
	  "  not xveth0" },
	{ DAEMON, DAEMON, staff_adm, 2, { PKT("eth0", ETHTYPE_ALL) }, 4,
	  "not port 22", "all by a rule naming all, with its filter" },
	{ DAEMON, DAEMON, staff_adm, 2, { PKT("eth0", 0x0800) }, 0, NULL,
	  "  all is ETH_P_ALL only, not 0x0800" },
	{ DAEMON, DAEMON, NULL, 0, { IP(IPPROTO_ICMP) }, 5, NULL,
	  "ip: icmp" },
	{ DAEMON, DAEMON, NULL, 0, { IP(IPPROTO_ICMPV6), .ip6 = 1 }, 5, NULL,
	  "ip: icmpv6 on IPv6 (no family= is both)" },
	{ DAEMON, DAEMON, NULL, 0, { IP(IPPROTO_TCP) }, 0, NULL,
	  "ip: not tcp" },
	{ DAEMON, DAEMON, NULL, 0, { PORT(IPPROTO_TCP, 80) }, 0, NULL,
	  "port: not for this user" },
	{ DAEMON, DAEMON, NULL, 0, { PKT("eth0", 0x88b5) }, 0, NULL,
	  "an ip rule grants no packet socket" },
	{ WWW, WWW, NULL, 0, { PORT(IPPROTO_TCP, 443) }, 6, NULL,
	  "port: tcp 443" },
	{ WWW, WWW, NULL, 0, { PORT(IPPROTO_UDP, 443) }, 0, NULL,
	  "port: not udp" },
	{ WWW, WWW, NULL, 0, { PORT(IPPROTO_TCP, 8080) }, 0, NULL,
	  "port: not 8080" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth1", 0x0600) }, 7, NULL,
	  "a range's first value, [0-1]" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth0", 0x06ff) }, 7, NULL,
	  "a range's last value" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth0", 0x0700) }, 0, NULL,
	  "not between ranges" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("wlan5", 0xffff) }, 7, NULL,
	  "0xffff, wlan?" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("wlan10", 0xffff) }, 0, NULL,
	  "  not wlan10" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth2", 0xffff) }, 0, NULL,
	  "  not eth2" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth0", 4) }, 7, NULL,
	  "a low value listed alone" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth0", 5) }, 0, NULL,
	  "  not another low value" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("eth0", ETHTYPE_ALL) }, 0, NULL,
	  "  and never all" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("lo", 0x88b5), .filter = 1 }, 8, NULL,
	  "filter=required, with a caller filter" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("lo", 0x88b5) }, 9,
	  "ether host 1:2:3:4:5:6", "  without one: the next rule, its filter" },
	{ NOBODY, NOBODY, NULL, 0, { IP(47), .ip6 = 1 }, 11, NULL,
	  "ip: family=ipv6" },
	{ NOBODY, NOBODY, NULL, 0, { IP(47) }, 0, NULL,
	  "ip: not IPv4" },
	{ NOBODY, NOBODY, NULL, 0, { PORT(IPPROTO_UDP, 1) }, 12, NULL,
	  "port: a range's first" },
	{ NOBODY, NOBODY, NULL, 0, { PORT(IPPROTO_TCP, 99) }, 12, NULL,
	  "port: a range's last" },
	{ NOBODY, NOBODY, NULL, 0, { PORT(IPPROTO_TCP, 100) }, 0, NULL,
	  "port: not past it" },
	{ NOBODY, NOBODY, NULL, 0, { PORT(IPPROTO_TCP, 1000) }, 12, NULL,
	  "port: a single one" },
	{ NOBODY, NOBODY, NULL, 0, { PORT(IPPROTO_SCTP, 1000) }, 0, NULL,
	  "port: not sctp" },
	{ 12345, 12345, NULL, 0, { PKT("dummy0", 0x88b7) }, 13, NULL,
	  "*: anybody" },
	{ NOBODY, NOBODY, NULL, 0, { PKT("dummy1", 0x88b7) }, 14, NULL,
	  "user:UID" },
	{ 12345, 12345, NULL, 0, { PKT("dummy1", 0x88b7) }, 0, NULL,
	  "  not another" },
	{ 12345, 12345, staff_adm, 2, { PKT("dummy2", 0x88b7) }, 15, NULL,
	  "group:GID" },
	{ 12345, 12345, NULL, 0, { .kind = POLICY_PACKET, .iface = NULL,
	  .ethertype = 0x88b7 }, 0, NULL, "no interface: no" },
	{ DAEMON, DAEMON, NULL, 0, { IP(IPPROTO_SCTP) }, 16, NULL,
	  "ip: a name rawopen --ip knows, sctp" },
	{ DAEMON, DAEMON, NULL, 0, { IP(IPPROTO_UDPLITE), .ip6 = 1 }, 16, NULL,
	  "ip: and udplite" },
#undef PKT
#undef IP
#undef PORT
};

static void
test_check(void)
{
	static const struct policy_req lo = { .kind = POLICY_PACKET,
	    .iface = "lo", .ethertype = 0x88b5 };
	static const struct policy_req eth0 = { .kind = POLICY_PACKET,
	    .iface = "eth0", .ethertype = 0x88b5 };
	struct policy_who who;
	struct policy_grant g;
	struct policy *p;
	char err[POLICY_ERRLEN], what[160];
	size_t i;
	int yes;

	p = policy_parse(rules, sizeof(rules) - 1, "rules", err);
	if (!ok(p != NULL, "the grant rules parse")) {
		diag("  %s", err);
		return;
	}
	for (i = 0; i < NELEM(grants); i++) {
		who.uid = grants[i].uid;
		who.gid = grants[i].gid;
		who.groups = grants[i].groups;
		who.ngroups = grants[i].ngroups;
		memset(&g, 0xa5, sizeof(g));
		yes = policy_check(p, &who, &grants[i].req, &g);
		snprintf(what, sizeof(what), "%s: %s", grants[i].what,
		    grants[i].line ? "granted" : "refused");
		if (grants[i].line == 0) {
			is_int(yes, 0, what);
			continue;
		}
		if (!is_int(yes, 1, what))
			continue;
		is_int(g.line, grants[i].line, "  by its line");
		is_str(g.filter, grants[i].filter, "  with its filter");
	}
	who.uid = NOBODY;
	who.gid = NOBODY;
	who.groups = NULL;
	who.ngroups = 0;
	ok(policy_check(p, &who, &lo, NULL) == 1 &&
	    policy_check(p, &who, &eth0, NULL) == 0, "a NULL grant is fine");
	ok(policy_check(NULL, &who, &lo, &g) == 0, "no policy grants nothing");
	policy_free(p);

	p = policy_parse("", 0, "empty", err);
	ok(p != NULL && policy_check(p, &who, &lo, &g) == 0,
	    "an empty policy grants nothing");
	policy_free(p);
}

/* Bind addresses, filled by addrs_init(). */
static struct sockaddr_storage lo4, lo4b, lo6, any4, any6, mapped, mapped_lo,
    ten, doc, unixaddr;

#define A4(a)	.addr = (const struct sockaddr *)&(a), \
		.addrlen = sizeof(struct sockaddr_in)
#define A6(a)	.addr = (const struct sockaddr *)&(a), \
		.addrlen = sizeof(struct sockaddr_in6)

/* Fills *ss with the numeric address text (IPv4 or IPv6), port 99. */
static void
addr1(struct sockaddr_storage *ss, const char *text)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(99);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(99);
	} else {
		diag("bad test address %s", text);
		exit(1);
	}
}

static void
addrs_init(void)
{
	addr1(&lo4, "127.0.0.1");
	addr1(&lo4b, "127.0.0.2");
	addr1(&lo6, "::1");
	addr1(&any4, "0.0.0.0");
	addr1(&any6, "::");
	addr1(&mapped, "::ffff:10.0.0.1");
	addr1(&mapped_lo, "::ffff:127.0.0.1");
	addr1(&ten, "10.0.0.1");
	addr1(&doc, "192.0.2.1");
	memset(&unixaddr, 0, sizeof(unixaddr));
	unixaddr.ss_family = AF_UNIX;
}

static const char part2_rules[] =
    "user:nobody packet iface=eth0 ethertype=0x88b5\n"			/* 1 */
    "user:nobody packet iface=eth1 ethertype=0x88b5 outgoing=yes send=no\n"
    "user:nobody packet iface=eth2 ethertype=0x88b5,0x9000-0x90ff,4 "
    "send=any filter=\"ether proto 0x88b5\"\n"
    "user:nobody packet iface=eth3 ethertype=all spoof=yes\n"
    "user:nobody packet iface=eth4 ethertype=0x88b5 outgoing=yes\n"	/* 5 */
    "user:nobody port proto=tcp port=80 addr=127.0.0.1,::1\n"
    "user:nobody port proto=tcp port=81 addr=0.0.0.0,::ffff:10.0.0.1\n"
    "user:nobody port proto=tcp port=82 addr=::\n"
    "user:nobody port proto=tcp port=83\n"
    "user:nobody ip proto=icmp\n"					/* 10 */
    "user:nobody packet iface=eth5 ethertype=0x0600-0xffff\n"
    "\n"
    "# rule 12 is on line 13\n"
    "user:nobody packet iface=eth6 ethertype=none\n";			/* 14 */

static const struct {
	struct policy_req req;
	int		 line;		/* the granting rule, or 0 */
	int		 send, spoof, outgoing;
	const char	*what;
} part2[] = {
#define PKT(i, t)	.kind = POLICY_PACKET, .iface = (i), .ethertype = (t)
#define PORT(n)		.kind = POLICY_PORT, .proto = IPPROTO_TCP, .port = (n)
	{ { PKT("eth0", 0x88b5) }, 1, POLICY_SEND_IFACE, 0, 0,
	  "defaults: send=iface, spoof=no, outgoing=no" },
	{ { PKT("eth0", 0x88b5), .outgoing = 1 }, 0, 0, 0, 0,
	  "-L is refused without outgoing=yes" },
	{ { PKT("eth1", 0x88b5), .outgoing = 1 }, 2, POLICY_SEND_NO, 0, 1,
	  "-L with outgoing=yes; send=no" },
	{ { PKT("eth1", 0x88b5) }, 2, POLICY_SEND_NO, 0, 1,
	  "outgoing=yes grants without -L too" },
	{ { PKT("eth2", 0x9001) }, 3, POLICY_SEND_ANY, 1, 0,
	  "send=any: the socket, which can spoof" },
	{ { PKT("eth3", ETHTYPE_ALL) }, 4, POLICY_SEND_IFACE, 1, 0,
	  "spoof=yes" },
	{ { PKT("eth3", 0x0800) }, 0, 0, 0, 0,
	  "a request for 0x0800 is still not granted by all" },
	{ { PKT("eth4", 0x88b5), .outgoing = 1, .promisc = 1 }, 0, 0, 0, 0,
	  "outgoing=yes is not promisc=yes" },
	{ { PORT(80), A4(lo4) }, 6, POLICY_SEND_ANY, 0, 0,
	  "addr=: a listed IPv4 address" },
	{ { PORT(80), A6(lo6), .ip6 = 1 }, 6, POLICY_SEND_ANY, 0, 0,
	  "addr=: a listed IPv6 address" },
	{ { PORT(80), A4(lo4b) }, 0, 0, 0, 0,
	  "addr=: not another address" },
	{ { PORT(80) }, 0, 0, 0, 0,
	  "addr=: not the wildcard (NULL) unlisted" },
	{ { PORT(80), A4(any4) }, 0, 0, 0, 0,
	  "addr=: not 0.0.0.0 unlisted" },
	{ { PORT(80), A6(any6), .ip6 = 1 }, 0, 0, 0, 0,
	  "addr=: not :: unlisted" },
	{ { PORT(80), A6(mapped_lo), .ip6 = 1 }, 0, 0, 0, 0,
	  "addr=: ::ffff:127.0.0.1 is not 127.0.0.1" },
	{ { PORT(80), .addr = (const struct sockaddr *)&lo4, .addrlen = 8 },
	  0, 0, 0, 0, "addr=: not a short sockaddr" },
	{ { PORT(80), .addr = (const struct sockaddr *)&unixaddr,
	  .addrlen = sizeof(unixaddr) }, 0, 0, 0, 0,
	  "addr=: not another family" },
	{ { PORT(81) }, 7, POLICY_SEND_ANY, 0, 0,
	  "addr=0.0.0.0: the wildcard (NULL)" },
	{ { PORT(81), A4(any4) }, 7, POLICY_SEND_ANY, 0, 0,
	  "  and 0.0.0.0 given" },
	{ { PORT(81), .ip6 = 1 }, 0, 0, 0, 0,
	  "  but not :: (NULL, ip6)" },
	{ { PORT(81), A6(mapped), .ip6 = 1 }, 7, POLICY_SEND_ANY, 0, 0,
	  "addr=::ffff:10.0.0.1 grants itself" },
	{ { PORT(81), A4(ten) }, 0, 0, 0, 0,
	  "  but not 10.0.0.1" },
	{ { PORT(82), .ip6 = 1 }, 8, POLICY_SEND_ANY, 0, 0,
	  "addr=::: the IPv6 wildcard (NULL, ip6)" },
	{ { PORT(82), A6(any6), .ip6 = 1 }, 8, POLICY_SEND_ANY, 0, 0,
	  "  and :: given" },
	{ { PORT(82) }, 0, 0, 0, 0, "  but not 0.0.0.0" },
	{ { PORT(82), A6(lo6), .ip6 = 1 }, 0, 0, 0, 0, "  nor ::1" },
	{ { PORT(83), A4(doc) }, 9, POLICY_SEND_ANY, 0, 0,
	  "no addr=: any address" },
	{ { PORT(83), .addr = (const struct sockaddr *)&unixaddr,
	  .addrlen = sizeof(unixaddr) }, 9, POLICY_SEND_ANY, 0, 0,
	  "  whatever it is" },
	{ { .kind = POLICY_IP, .proto = IPPROTO_ICMP }, 10, POLICY_SEND_ANY,
	  0, 0, "an ip grant: send=any" },
#undef PKT
#undef PORT
};

/* Whether a relay of the grant of req would pass each type of types. */
static void
grant_types(const struct policy *p, const struct policy_req *req,
    const uint16_t *yes, size_t nyes, const uint16_t *no, size_t nno,
    const char *what)
{
	struct policy_who who = { NOBODY, NOBODY, NULL, 0 };
	struct policy_grant g;
	char name[160];
	size_t i;
	int pass = 1;

	if (!ok(policy_check(p, &who, req, &g) == 1, what))
		return;
	for (i = 0; i < nyes; i++)
		if (policy_grant_type(&g, yes[i]) != 1 ||
		    policy_grant_type_cb(&g, yes[i]) != 1) {
			diag("  0x%04x not granted", yes[i]);
			pass = 0;
		}
	snprintf(name, sizeof(name), "  grants its %zu types", nyes);
	ok(pass, name);
	pass = 1;
	for (i = 0; i < nno; i++)
		if (policy_grant_type(&g, no[i]) != 0 ||
		    policy_grant_type_cb(&g, no[i]) != 0) {
			diag("  0x%04x granted", no[i]);
			pass = 0;
		}
	snprintf(name, sizeof(name), "  and not the %zu others", nno);
	ok(pass, name);
}

/* A lint report: counts, and keeps the messages joined by newlines. */
struct reports {
	int	 n;
	char	 all[4 * POLICY_ERRLEN];
};

static void
report(void *arg, const char *msg)
{
	struct reports *r = arg;

	r->n++;
	strlcat(r->all, msg, sizeof(r->all));
	strlcat(r->all, "\n", sizeof(r->all));
}

static void
test_part2(void)
{
	static const uint16_t list_yes[] = { 0x88b5, 0x9000, 0x9001, 0x90ff,
	    4 };
	static const uint16_t list_no[] = { 0x88b6, 0x8fff, 0x9100, 5, 3, 0,
	    0x0800, 0xffff };
	static const uint16_t range_yes[] = { 0x0600, 0x0800, 0x88b5, 0xffff };
	static const uint16_t range_no[] = { 0x05ff, ETHTYPE_ALL, ETHTYPE_NONE,
	    4, 0x0001 };
	/* none is no protocol: never granted to send, not even by all. */
	static const uint16_t all_yes[] = { 0x0800, 0x88b5, 0xffff, 0x0600,
	    0x05ff, 4, ETHTYPE_ALL };
	static const uint16_t all_no[] = { ETHTYPE_NONE };
	static const uint16_t none_no[] = { ETHTYPE_NONE, 0x0800, ETHTYPE_ALL,
	    0x0600 };
	static const struct policy_req eth2 = { .kind = POLICY_PACKET,
	    .iface = "eth2", .ethertype = 0x88b5 };
	static const struct policy_req eth3 = { .kind = POLICY_PACKET,
	    .iface = "eth3", .ethertype = ETHTYPE_ALL };
	static const struct policy_req eth5 = { .kind = POLICY_PACKET,
	    .iface = "eth5", .ethertype = 0x0700 };
	static const struct policy_req eth6 = { .kind = POLICY_PACKET,
	    .iface = "eth6", .ethertype = ETHTYPE_NONE };
	static const struct policy_req icmp = { .kind = POLICY_IP,
	    .proto = IPPROTO_ICMP };
	static const int lines[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14 };
	static const char three[] =
	    "* ip proto=icmp\n"
	    "* ip proto=icmpx\n"
	    "# fine\n"
	    "* packet iface=eth0 send=no\n"
	    "\n"
	    "* port proto=tcp port=80 addr=1.2.3.400\n"
	    "* port proto=tcp port=80 addr=1.2.3.4\n";
	struct policy_who who = { NOBODY, NOBODY, NULL, 0 };
	struct policy_grant g;
	struct reports r;
	struct policy *p;
	char err[POLICY_ERRLEN], what[160], *big;
	const char *expr;
	size_t i;
	int yes, line, pass;

	p = policy_parse(part2_rules, sizeof(part2_rules) - 1, "part2", err);
	if (!ok(p != NULL, "the part 2 rules parse")) {
		diag("  %s", err);
		return;
	}
	for (i = 0; i < NELEM(part2); i++) {
		memset(&g, 0xa5, sizeof(g));
		yes = policy_check(p, &who, &part2[i].req, &g);
		snprintf(what, sizeof(what), "%s: %s", part2[i].what,
		    part2[i].line ? "granted" : "refused");
		if (part2[i].line == 0) {
			is_int(yes, 0, what);
			continue;
		}
		if (!is_int(yes, 1, what))
			continue;
		ok(g.line == part2[i].line && g.send == part2[i].send &&
		    g.spoof == part2[i].spoof &&
		    g.outgoing == part2[i].outgoing && g.rule != NULL,
		    "  by its line, with its send, spoof and outgoing");
		if (g.line != part2[i].line)
			diag("  line %d, want %d", g.line, part2[i].line);
	}
	ok(policy_check(p, &who, &eth2, &g) == 1 && g.filter != NULL &&
	    strcmp(g.filter, "ether proto 0x88b5") == 0,
	    "a send=any grant keeps its filter");

	grant_types(p, &eth2, list_yes, NELEM(list_yes), list_no,
	    NELEM(list_no), "policy_grant_type: a list and a range");
	grant_types(p, &eth5, range_yes, NELEM(range_yes), range_no,
	    NELEM(range_no), "policy_grant_type: a range from 0x0600");
	grant_types(p, &eth3, all_yes, NELEM(all_yes), all_no, NELEM(all_no),
	    "policy_grant_type: all grants every type but none");
	grant_types(p, &eth6, NULL, 0, none_no, NELEM(none_no),
	    "policy_grant_type: none sends nothing");
	ok(policy_check(p, &who, &icmp, &g) == 1 &&
	    policy_grant_type(&g, 0x0800) == 0,
	    "policy_grant_type: an ip grant grants no frame");
	memset(&g, 0, sizeof(g));
	ok(policy_grant_type(&g, 0x0800) == 0 &&
	    policy_grant_type(NULL, 0x0800) == 0 &&
	    policy_grant_type_cb(NULL, 0x0800) == 0,
	    "policy_grant_type: a zeroed or NULL grant grants nothing");

	is_str(policy_name(p), "part2",
	    "policy_name: the name it was parsed as");
	is_str(policy_name(NULL), "", "  \"\" for NULL");
	pass = 1;
	for (i = 0; policy_filter_at(p, i, &expr, &line) == 1; i++) {
		if (i >= NELEM(lines) || line != lines[i] ||
		    (i == 2) != (expr != NULL) || (expr != NULL &&
		    strcmp(expr, "ether proto 0x88b5") != 0)) {
			diag("  rule %zu: line %d, filter %s", i, line,
			    expr != NULL ? expr : "(none)");
			pass = 0;
		}
	}
	ok(pass && i == NELEM(lines),
	    "policy_filter_at: every rule, its line, its filter or NULL");
	line = -7;
	ok(policy_filter_at(p, 999, &expr, &line) == 0 && line == -7 &&
	    policy_filter_at(NULL, 0, &expr, &line) == 0,
	    "  0 past the end, and for NULL");
	policy_free(p);

	/* The lint reports every bad line, each with its number. */
	memset(&r, 0, sizeof(r));
	is_int(policy_lint_text(three, sizeof(three) - 1, "t", report, &r), 3,
	    "policy_lint_text: 3 bad lines, 3 errors");
	is_int(r.n, 3, "  3 reports");
	is_str(r.all,
	    "t:2: bad IP protocol 'icmpx' (a name such as icmp, or 0-255)\n"
	    "t:4: packet rule without ethertype=\n"
	    "t:6: bad address '1.2.3.400' (a numeric IPv4 or IPv6 address, "
	    "without brackets)\n", "  each with its line and why");
	p = policy_parse(three, sizeof(three) - 1, "t", err);
	ok(p == NULL && strcmp(err, "t:2: bad IP protocol 'icmpx' (a name "
	    "such as icmp, or 0-255)") == 0, "  policy_parse() says the first");
	memset(&r, 0, sizeof(r));
	is_int(policy_lint_text(part2_rules, sizeof(part2_rules) - 1, "t",
	    report, &r), 0, "policy_lint_text: a clean file, 0");
	is_int(r.n, 0, "  and no report");
	memset(&r, 0, sizeof(r));
	is_int(policy_lint_text("", 0, "t", report, &r), 0,
	    "  an empty one too");

	/* Bad bytes and long lines are a line's error, not the file's. */
	if ((big = malloc(2 * POLICY_MAXSIZE + 1)) == NULL) {
		diag("malloc: %s", strerror(errno));
		exit(1);
	}
	memset(big, 'x', POLICY_MAXLINE + 1);
	strlcpy(big + POLICY_MAXLINE + 1, "\n* ip proto=icmp\r\n"
	    "* ip proto=icmp\n* ip proto=ic\001mp\n* ip\n",
	    POLICY_MAXSIZE);
	memset(&r, 0, sizeof(r));
	is_int(policy_lint_text(big, strlen(big), "t", report, &r), 4,
	    "policy_lint_text: a long line, a CR, a control byte, a bad line");
	is_str(r.all, "t:1: line longer than 4096 bytes\n"
	    "t:2: carriage return (a DOS line end?)\n"
	    "t:4: control character 0x01\n"
	    "t:5: ip rule without proto=\n", "  each reported");
	memset(big, '#', 2 * POLICY_MAXSIZE);
	memset(&r, 0, sizeof(r));
	errno = 0;
	is_int(policy_lint_text(big, 2 * POLICY_MAXSIZE, "t", report, &r), -1,
	    "policy_lint_text: a 2 MB text, -1");
	ok(errno == EFBIG && r.n == 1 &&
	    strcmp(r.all, "t: larger than 1048576 bytes\n") == 0,
	    "  EFBIG, reported once");
	free(big);
	memset(&r, 0, sizeof(r));
	errno = 0;
	is_int(policy_lint("rawopen.conf", report, &r), -1,
	    "policy_lint: a relative path, -1");
	ok(errno == EINVAL && r.n == 1 && strcmp(r.all, "rawopen.conf: not "
	    "an absolute path to a file\n") == 0, "  EINVAL, reported once");
}

static void
test_suggest(void)
{
	static const struct {
		uid_t		 uid;
		struct policy_req req;
		const char	*want;
	} s[] = {
		{ WWW, { .kind = POLICY_PACKET, .iface = "veth0",
		  .ethertype = 0x88b5 },
		  "user:www-data packet iface=veth0 ethertype=0x88b5" },
		{ WWW, { .kind = POLICY_PACKET, .iface = "eth0",
		  .ethertype = 0x0800, .promisc = 1, .filter = 1 },
		  "user:www-data packet iface=eth0 ethertype=0x0800 "
		  "promisc=yes" },
		{ NOBODY, { .kind = POLICY_PACKET, .iface = "eth0",
		  .ethertype = ETHTYPE_ALL },
		  "user:nobody packet iface=eth0 ethertype=all" },
		{ NOBODY, { .kind = POLICY_PACKET, .iface = "eth0",
		  .ethertype = ETHTYPE_NONE },
		  "user:nobody packet iface=eth0 ethertype=none" },
		{ 12345, { .kind = POLICY_PACKET, .iface = "eth0",
		  .ethertype = 4 },
		  "user:12345 packet iface=eth0 ethertype=0x0004" },
		{ DAEMON, { .kind = POLICY_IP, .proto = IPPROTO_ICMP },
		  "user:daemon ip proto=icmp" },
		{ DAEMON, { .kind = POLICY_IP, .proto = IPPROTO_ICMPV6,
		  .ip6 = 1 }, "user:daemon ip proto=icmpv6" },
		{ DAEMON, { .kind = POLICY_IP, .proto = 47 },
		  "user:daemon ip proto=gre" },
		{ DAEMON, { .kind = POLICY_IP, .proto = 200 },
		  "user:daemon ip proto=200" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_TCP,
		  .port = 80 }, "user:www-data port proto=tcp port=80" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_UDP,
		  .port = 53 }, "user:www-data port proto=udp port=53" },
		{ NOBODY, { .kind = POLICY_PACKET, .iface = "eth0",
		  .ethertype = 0x88b5, .outgoing = 1 },
		  "user:nobody packet iface=eth0 ethertype=0x88b5 "
		  "outgoing=yes" },
		{ NOBODY, { .kind = POLICY_PACKET, .iface = "eth0",
		  .ethertype = ETHTYPE_ALL, .outgoing = 1, .promisc = 1 },
		  "user:nobody packet iface=eth0 ethertype=all promisc=yes "
		  "outgoing=yes" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_TCP,
		  .port = 80, A4(lo4) },
		  "user:www-data port proto=tcp port=80 addr=127.0.0.1" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_UDP,
		  .port = 53, A6(lo6), .ip6 = 1 },
		  "user:www-data port proto=udp port=53 addr=::1" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_UDP,
		  .port = 53, A6(mapped), .ip6 = 1 },
		  "user:www-data port proto=udp port=53 addr=::ffff:10.0.0.1" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_TCP,
		  .port = 80, A4(any4) },
		  "user:www-data port proto=tcp port=80" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_TCP,
		  .port = 80, A6(any6), .ip6 = 1 },
		  "user:www-data port proto=tcp port=80" },
		{ WWW, { .kind = POLICY_PORT, .proto = IPPROTO_TCP,
		  .port = 80, .ip6 = 1 },
		  "user:www-data port proto=tcp port=80" },
	};
	struct policy_who who = { 0, 0, NULL, 0 };
	struct policy_grant g;
	struct policy *p;
	char buf[256], err[POLICY_ERRLEN];
	size_t i;

	for (i = 0; i < NELEM(s); i++) {
		who.uid = who.gid = s[i].uid;
		policy_suggest(&who, &s[i].req, buf, sizeof(buf));
		is_str(buf, s[i].want, s[i].want);
		/* The suggestion is a rule that grants what was asked. */
		p = policy_parse(buf, strlen(buf), "suggest", err);
		ok(p != NULL && policy_check(p, &who, &s[i].req, &g) == 1,
		    "  which parses and grants the request");
		if (p == NULL)
			diag("  %s", err);
		policy_free(p);
	}
	policy_suggest(&who, &s[0].req, buf, 10);
	is_str(buf, "user:www-", "a short buffer is truncated, terminated");
}

/* The scratch directory for the file tests, once made. */
static char scratch[] = "/var/lib/fdcap-policy.XXXXXX";
static int scratch_made;

static const char good_text[] =
    "# a policy\n"
    "user:nobody packet iface=eth0 ethertype=0x88b5\n";

/* Writes text into path with mode, owned by uid. */
static int
put(const char *path, const char *text, mode_t mode, uid_t uid)
{
	FILE *f;

	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF) {
		fclose(f);
		return -1;
	}
	if (fclose(f) == EOF || chmod(path, mode) == -1 ||
	    chown(path, uid, 0) == -1)
		return -1;
	return 0;
}

static void
must(int rc, const char *what)
{
	if (rc == -1) {
		diag("%s: %s", what, strerror(errno));
		exit(1);
	}
}

/* Loads path and checks that it fails with errno e and message want. */
static void
refused(const char *path, int e, const char *want, const char *what)
{
	char err[POLICY_ERRLEN];
	struct policy *p;

	err[0] = '\0';
	errno = 0;
	p = policy_load(path, err);
	if (!ok(p == NULL && errno == e, what))
		diag("  got errno %d (%s), want %d", errno, strerror(errno), e);
	is_str(err, want, "  with its message");
	policy_free(p);
}

/*
 * Loads path as uid 65534 in a child, which exits with 0 when it loaded,
 * else with its errno, or 254 when the message does not hold want.
 * Returns that.
 */
static int
load_as_nobody(const char *path, const char *want)
{
	char err[POLICY_ERRLEN];
	struct policy *p;
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(NOBODY, NOBODY, NOBODY) == -1 ||
		    setresuid(NOBODY, NOBODY, NOBODY) == -1)
			_exit(255);
		if ((p = policy_load(path, err)) != NULL) {
			policy_free(p);
			_exit(0);
		}
		if (want != NULL && strstr(err, want) == NULL)
			_exit(254);
		_exit(errno);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * policy_lint() of path as uid 65534 in a child, which exits with 0 when
 * it found no error, 253 with errors, else with errno (252 when it
 * reported other than once).  Returns that.
 */
static int
load_as_nobody_lint(const char *path)
{
	struct reports r;
	pid_t pid;
	int st, n;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(NOBODY, NOBODY, NOBODY) == -1 ||
		    setresuid(NOBODY, NOBODY, NOBODY) == -1)
			_exit(255);
		memset(&r, 0, sizeof(r));
		if ((n = policy_lint(path, report, &r)) == -1)
			_exit(r.n == 1 ? errno : 252);
		_exit(n == 0 ? 0 : 253);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
test_load(void)
{
	char path[256], sub[128], link[128], want[1024];
	char err[POLICY_ERRLEN];
	struct policy_who who = { NOBODY, NOBODY, NULL, 0 };
	struct policy_req req = { .kind = POLICY_PACKET, .iface = "eth0",
	    .ethertype = 0x88b5 };
	struct policy_grant g;
	struct reports r;
	struct policy *p;
	struct stat sb;
	char *big;

	if (geteuid() != 0) {
		skip(1, "policy_load file checks need root");
		return;
	}
	if (mkdtemp(scratch) == NULL) {
		diag("mkdtemp %s: %s", scratch, strerror(errno));
		exit(1);
	}
	scratch_made = 1;
	must(chmod(scratch, 0755), "chmod");
	snprintf(path, sizeof(path), "%s/rawopen.conf", scratch);
	snprintf(sub, sizeof(sub), "%s/sub", scratch);
	snprintf(link, sizeof(link), "%s/link.conf", scratch);

	must(put(path, good_text, 0644, 0), "put");
	p = policy_load(path, err);
	if (!ok(p != NULL, "a root-owned 0644 file loads"))
		diag("  %s", err);
	ok(p != NULL && policy_check(p, &who, &req, &g) == 1 && g.line == 2,
	    "  and grants by its rules");
	policy_free(p);
	is_int(load_as_nobody(path, NULL), 0, "  also when uid 65534 loads it");
	must(put(path, good_text, 0444, 0), "put");
	p = policy_load(path, err);
	ok(p != NULL, "a 0444 file loads");
	policy_free(p);

	must(put(path, good_text, 0664, 0), "put");
	snprintf(want, sizeof(want), "%s: writable by group", path);
	refused(path, EPERM, want, "a group-writable file is refused");
	must(put(path, good_text, 0646, 0), "put");
	snprintf(want, sizeof(want), "%s: writable by others", path);
	refused(path, EPERM, want, "a world-writable file is refused");
	must(put(path, good_text, 0644, NOBODY), "put");
	snprintf(want, sizeof(want), "%s: not owned by root", path);
	refused(path, EPERM, want, "a file owned by uid 65534 is refused");

	must(put(path, good_text, 0000, 0), "put");
	is_int(load_as_nobody(path, "rawopen.conf: cannot read it (it must be "
	    "readable by all: mode 0644)"), EACCES,
	    "a mode 000 file: EACCES for uid 65534, with a message");
	must(put(path, good_text, 0600, 0), "put");
	is_int(load_as_nobody(path, "cannot read it"), EACCES,
	    "  and so is 0600");
	snprintf(want, sizeof(want), "%s: cannot read it (it must be "
	    "readable by all: mode 0644)", path);
	refused(path, EACCES, want,
	    "  0600 also for a reader who could read it (setuid root)");

	must(put(path, good_text, 0644, 0), "put");
	must(symlink(path, link), "symlink");
	snprintf(want, sizeof(want), "%s: a symbolic link (name the real path)",
	    link);
	refused(link, EPERM, want, "a symbolic link to a good file is refused");

	snprintf(want, sizeof(want), "%s/missing.conf: %s", scratch,
	    strerror(ENOENT));
	snprintf(path, sizeof(path), "%s/missing.conf", scratch);
	refused(path, ENOENT, want, "a missing file: ENOENT");

	must(mkdir(sub, 0755), "mkdir");
	snprintf(path, sizeof(path), "%s/rawopen.conf", sub);
	must(put(path, good_text, 0644, 0), "put");
	p = policy_load(path, err);
	ok(p != NULL, "a file in a subdirectory loads");
	policy_free(p);
	must(chmod(sub, 0757), "chmod");
	snprintf(want, sizeof(want), "%s: writable by others", sub);
	refused(path, EPERM, want, "a world-writable parent is refused");
	must(chmod(sub, 01777), "chmod");
	refused(path, EPERM, want, "  so is a sticky one, like /tmp");
	must(chmod(sub, 0775), "chmod");
	snprintf(want, sizeof(want), "%s: writable by group", sub);
	refused(path, EPERM, want, "a group-writable parent is refused");
	must(chmod(sub, 0755), "chmod");
	must(chown(sub, NOBODY, 0), "chown");
	snprintf(want, sizeof(want), "%s: not owned by root", sub);
	refused(path, EPERM, want, "a parent owned by uid 65534 is refused");
	must(chown(sub, 0, 0), "chown");
	must(chmod(sub, 0700), "chmod");
	is_int(load_as_nobody(path, "sub/rawopen.conf: Permission denied "
	    "(every directory above it must be searchable by all)"), EACCES,
	    "a parent uid 65534 cannot search: EACCES, with a message");
	must(chmod(sub, 0755), "chmod");

	/* A symbolic link above the file. */
	snprintf(link, sizeof(link), "%s/linkdir", scratch);
	must(symlink("sub", link), "symlink");
	snprintf(path, sizeof(path), "%s/rawopen.conf", link);
	snprintf(want, sizeof(want), "%s: a symbolic link (name the real path)",
	    link);
	refused(path, EPERM, want, "a symbolic link above the file is refused");

	snprintf(want, sizeof(want), "%s: not a regular file", sub);
	refused(sub, EPERM, want, "a directory is refused");
	snprintf(path, sizeof(path), "%s/fifo", scratch);
	must(mkfifo(path, 0644), "mkfifo");
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	refused(path, EPERM, want, "a FIFO is refused (without blocking)");
	snprintf(path, sizeof(path), "%s/rawopen.conf/x", scratch);
	snprintf(want, sizeof(want), "%s/rawopen.conf: %s", scratch,
	    strerror(ENOTDIR));
	refused(path, ENOTDIR, want, "a file used as a directory: ENOTDIR");

	refused("rawopen.conf", EINVAL,
	    "rawopen.conf: not an absolute path to a file",
	    "a relative path is refused");
	snprintf(path, sizeof(path), "%s/", sub);
	snprintf(want, sizeof(want), "%s: not an absolute path to a file",
	    path);
	refused(path, EINVAL, want, "a path ending in / is refused");
	snprintf(path, sizeof(path), "%s/../rawopen.conf", sub);
	snprintf(want, sizeof(want), "%s: '.' or '..' in the path", path);
	refused(path, EINVAL, want, "a path with .. is refused");
	snprintf(path, sizeof(path), "/%s//rawopen.conf", scratch);
	p = policy_load(path, err);
	ok(p != NULL, "a path with doubled slashes loads");
	policy_free(p);

	if (stat("/tmp", &sb) == 0 && sb.st_uid == 0 &&
	    (sb.st_mode & 01777) == 01777)
		refused("/tmp/fdcap-no-such.conf", EPERM,
		    "/tmp: writable by others", "a file under /tmp is refused");
	else
		skip(2, "/tmp is not a sticky world-writable directory");

	snprintf(path, sizeof(path), "%s/rawopen.conf", scratch);
	must(put(path, "* ip proto=icmp\n* ip proto=icmpx\n", 0644, 0), "put");
	snprintf(want, sizeof(want), "%s:2: bad IP protocol 'icmpx' (a name "
	    "such as icmp, or 0-255)", path);
	refused(path, EINVAL, want, "a bad line refuses the file, file:line");

	/* policy_lint(): the same checks, then every bad line. */
	memset(&r, 0, sizeof(r));
	is_int(policy_lint(path, report, &r), 1,
	    "policy_lint: a file with one bad line, 1");
	strlcat(want, "\n", sizeof(want));
	is_str(r.all, want, "  reported as policy_load() says it");
	must(put(path, "* ip proto=icmpx\n* ip proto=icmp\n"
	    "* packet iface=eth0 ethertype=1 send=maybe\n#\n"
	    "* port proto=tcp port=80 addr=::1 addr=::2\n", 0644, 0), "put");
	memset(&r, 0, sizeof(r));
	is_int(policy_lint(path, report, &r), 3,
	    "policy_lint: a file with 3 bad lines, 3");
	snprintf(want, sizeof(want), "%s:1: bad IP protocol 'icmpx' (a name "
	    "such as icmp, or 0-255)\n%s:3: send= is iface, no or any, not "
	    "'maybe'\n"
	    "%s:5: duplicate key 'addr'\n", path, path, path);
	is_str(r.all, want, "  each with path:line");
	must(put(path, good_text, 0644, 0), "put");
	memset(&r, 0, sizeof(r));
	is_int(policy_lint(path, report, &r), 0,
	    "policy_lint: a clean file, 0");
	is_int(r.n, 0, "  no report");
	must(put(path, "* ip proto=icmpx\n", 0664, 0), "put");
	memset(&r, 0, sizeof(r));
	errno = 0;
	is_int(policy_lint(path, report, &r), -1,
	    "policy_lint: a group-writable file, -1");
	snprintf(want, sizeof(want), "%s: writable by group\n", path);
	ok(errno == EPERM && r.n == 1 && strcmp(r.all, want) == 0,
	    "  EPERM, one report, its lines unread");
	snprintf(path, sizeof(path), "%s/missing.conf", scratch);
	memset(&r, 0, sizeof(r));
	errno = 0;
	ok(policy_lint(path, report, &r) == -1 && errno == ENOENT &&
	    r.n == 1, "policy_lint: a missing file, -1 ENOENT, one report");
	is_int(load_as_nobody_lint(path), ENOENT, "  as uid 65534 too");
	snprintf(path, sizeof(path), "%s/rawopen.conf", scratch);
	must(put(path, "* ip proto=icmpx\n", 0600, 0), "put");
	is_int(load_as_nobody_lint(path), EACCES,
	    "policy_lint: a 0600 file, EACCES for uid 65534");
	memset(&r, 0, sizeof(r));
	errno = 0;
	ok(policy_lint(path, report, &r) == -1 && errno == EACCES &&
	    r.n == 1 && strstr(r.all, "icmpx") == NULL,
	    "  and for root: no line of it is quoted");
	must(put(path, good_text, 0644, 0), "put");

	if ((big = malloc(POLICY_MAXSIZE + 2)) == NULL) {
		diag("malloc: %s", strerror(errno));
		exit(1);
	}
	memset(big, '#', POLICY_MAXSIZE + 1);
	big[POLICY_MAXSIZE + 1] = '\0';
	must(put(path, big, 0644, 0), "put");
	snprintf(want, sizeof(want), "%s: larger than 1048576 bytes", path);
	refused(path, EFBIG, want, "a file over 1 MiB is refused: EFBIG");
	big[POLICY_MAXSIZE] = '\0';
	big[0] = '\n';
	must(put(path, big, 0644, 0), "put");
	snprintf(want, sizeof(want), "%s:2: line longer than 4096 bytes", path);
	refused(path, EINVAL, want, "  1 MiB of comment is read, and refused "
	    "as a long line");
	free(big);
}

/* Removes the scratch directory, whatever the tests left in it. */
static void
cleanup(void)
{
	char cmd[sizeof(scratch) + 16];

	if (!scratch_made)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		diag("could not remove %s", scratch);
}

/*
 * Tap rules: the name as asked ("%d" as written) and as the device got
 * it must both match; the mode must be listed; a bridge only when listed.
 */
static void
test_tap(void)
{
	static const char fanrules[] =
	    "user:nobody packet iface=e0 ethertype=1 fanout=4\n"
	    "user:nobody packet iface=e1 ethertype=1\n";
	static const char taprules[] =
	    "user:nobody tap name=fdtap* mode=tap\n"
	    "user:nobody tap name=vm* mode=tun bridge=br*\n";
	struct policy_who who = { NOBODY, NOBODY, NULL, 0 };
	struct policy_req req;
	struct policy_grant g;
	char err[POLICY_ERRLEN], buf[256];
	struct policy *p;

	if ((p = policy_parse(taprules, strlen(taprules), "t", err)) ==
	    NULL) {
		diag("%s", err);
		exit(1);
	}
	memset(&req, 0, sizeof(req));
	req.kind = POLICY_TAP;
	req.tapname = "fdtap%d";
	req.tapmode = POLICY_MODE_TAP;
	ok(policy_check(p, &who, &req, &g) && g.line == 1,
	    "tap: fdtap%d by fdtap*");
	req.tapname = "fdtap0";
	ok(policy_check(p, &who, &req, NULL), "tap: and the name it got");
	req.tapmode = POLICY_MODE_TUN;
	ok(!policy_check(p, &who, &req, NULL), "tap: not a tun device");
	req.tapmode = POLICY_MODE_TAP;
	req.bridge = "br0";
	ok(!policy_check(p, &who, &req, NULL),
	    "tap: no bridge without bridge=");
	req.tapname = "vm%d";
	req.tapmode = POLICY_MODE_TUN;
	ok(policy_check(p, &who, &req, &g) && g.line == 2,
	    "tap: vm%d by vm*, on a listed bridge");
	req.bridge = "lan0";
	ok(!policy_check(p, &who, &req, NULL), "tap: another bridge");
	req.tapname = "other";
	req.bridge = NULL;
	req.tapmode = POLICY_MODE_TAP;
	policy_suggest(&who, &req, buf, sizeof(buf));
	is_str(buf, "user:nobody tap name=other mode=tap", "tap: suggested");
	req.bridge = "br1";
	req.tapmode = POLICY_MODE_TUN;
	policy_suggest(&who, &req, buf, sizeof(buf));
	is_str(buf, "user:nobody tap name=other mode=tun bridge=br1",
	    "tap: suggested with a bridge");
	policy_free(p);

	/* fanout=: the most a rule grants; one without it. */
	if ((p = policy_parse(fanrules, strlen(fanrules), "t", err)) ==
	    NULL) {
		diag("%s", err);
		exit(1);
	}
	memset(&req, 0, sizeof(req));
	req.kind = POLICY_PACKET;
	req.iface = "e0";
	req.ethertype = 1;
	req.fanout = 4;
	ok(policy_check(p, &who, &req, NULL), "fanout: 4 by fanout=4");
	req.fanout = 5;
	ok(!policy_check(p, &who, &req, NULL), "fanout: not 5");
	req.iface = "e1";
	req.fanout = 2;
	ok(!policy_check(p, &who, &req, NULL), "fanout: 2 not without it");
	policy_suggest(&who, &req, buf, sizeof(buf));
	is_str(buf, "user:nobody packet iface=e1 ethertype=0x0001 fanout=2",
	    "fanout: suggested");
	req.fanout = 0;
	ok(policy_check(p, &who, &req, NULL), "fanout: one socket without it");
	policy_free(p);
}

/* policy_describe(), policy_ipname(): the words rawopen's messages use. */
static void
test_describe(void)
{
	struct policy_req r;
	char buf[128];

	memset(&r, 0, sizeof(r));
	r.kind = POLICY_PACKET;
	r.iface = "eth0";
	r.ethertype = 0x88b5;
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "eth0 0x88b5", "describe: a packet socket");
	r.promisc = 1;
	r.fanout = 4;
	r.ethertype = ETHTYPE_ALL;
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "eth0 all promiscuous, fanout of 4",
	    "describe: promiscuous, a fanout group");
	memset(&r, 0, sizeof(r));
	r.kind = POLICY_IP;
	r.proto = IPPROTO_ICMP;
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "raw IPv4 socket icmp", "describe: icmp");
	r.ip6 = 1;
	r.proto = 17;
	policy_ipname(&r, buf, sizeof(buf));
	is_str(buf, "ip6-17", "ipname: IPv6 protocol 17");
	r.proto = IPPROTO_ICMPV6;
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "raw IPv6 socket icmpv6", "describe: icmpv6");
	memset(&r, 0, sizeof(r));
	r.kind = POLICY_PORT;
	r.proto = IPPROTO_UDP;
	r.port = 53;
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "udp port 53", "describe: a port");
	memset(&r, 0, sizeof(r));
	r.kind = POLICY_TAP;
	r.tapname = "vm%d";
	r.tapmode = POLICY_MODE_TAP;
	r.bridge = "br0";
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "tap device vm%d on bridge br0", "describe: a tap");
	r.tapmode = POLICY_MODE_TUN;
	r.bridge = NULL;
	policy_describe(&r, buf, sizeof(buf));
	is_str(buf, "tun device vm%d", "describe: a tun, no bridge");
}

int
main(void)
{
	atexit(cleanup);
	addrs_init();
	test_parse();
	test_check();
	test_part2();
	test_suggest();
	test_describe();
	test_tap();
	test_load();
	return done();
}
