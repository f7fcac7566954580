/*
 * Fuzz harness: lib/eth, the parsers of what users type and the decoder of
 * what the wire brings.
 *
 * A NUL-terminated copy of the input goes through eth_parse_mac,
 * eth_parse_type, eth_parse_vlan and eth_ifname_check; the raw bytes go
 * through eth_decode as a frame.  Beside "no crash", each result is held
 * to its contract, and a violation traps:
 *   - what parses formats back to a string that parses to the same value
 *     (MAC, ethertype, VLAN as "VID:PRIO");
 *   - a failed parse sets errno as documented and leaves the output alone;
 *   - an accepted interface name is 1 to 15 bytes of printable ASCII
 *     without '/', ':' or a glob character;
 *   - eth_encode(eth_decode(frame)) gives back the frame's header bytes.
 * The string ends flush against an unmapped page, so that a parser that
 * reads past its NUL faults even in a build without AddressSanitizer (the
 * replay of make check).
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

static void
fuzz_mac(const char *s)
{
	uint8_t mac[ETH_ALEN_], mac2[ETH_ALEN_], canary[ETH_ALEN_];
	char buf[ETH_MACSTRLEN];

	memset(mac, 0xa5, sizeof(mac));
	memcpy(canary, mac, sizeof(mac));
	if (eth_parse_mac(s, mac) == -1) {
		check(errno == EINVAL);
		check(memcmp(mac, canary, sizeof(mac)) == 0);
		return;
	}
	eth_format_mac(mac, buf);
	check(strlen(buf) == ETH_MACSTRLEN - 1);
	check(eth_parse_mac(buf, mac2) == 0);
	check(memcmp(mac, mac2, sizeof(mac)) == 0);
}

static void
fuzz_type(const char *s)
{
	uint16_t t = 0x5a5a, t2 = 0;
	char buf[16];

	if (eth_parse_type(s, &t) == -1) {
		check(errno == EINVAL || errno == ERANGE);
		check(t == 0x5a5a);
		return;
	}
	eth_format_type(t, buf, sizeof(buf));
	check(eth_parse_type(buf, &t2) == 0);
	check(t == t2);
	/* A name formats as that name, and every name parses back. */
	if (eth_type_name(t) != NULL)
		check(strcmp(eth_type_name(t), buf) == 0);
}

static void
fuzz_vlan(const char *s)
{
	uint16_t tci = 0x5a5a, tci2 = 0;
	char buf[16];

	if (eth_parse_vlan(s, &tci) == -1) {
		check(errno == EINVAL || errno == ERANGE);
		check(tci == 0x5a5a);
		return;
	}
	/* VID 0..4095, PRIO 0..7, DEI never set. */
	check((tci & 0x1000) == 0);
	snprintf(buf, sizeof(buf), "%u:%u", tci & 0x0fffU, (unsigned)tci >> 13);
	check(eth_parse_vlan(buf, &tci2) == 0);
	check(tci == tci2);
	snprintf(buf, sizeof(buf), "%u", tci & 0x0fffU);
	check(eth_parse_vlan(buf, &tci2) == 0);
	check(tci2 == (tci & 0x0fff));
}

static void
fuzz_ifname(const char *s)
{
	const unsigned char *p;
	size_t n;

	if (eth_ifname_check(s) == -1) {
		check(errno == EINVAL || errno == ENAMETOOLONG);
		if (errno == ENAMETOOLONG)
			check(strlen(s) >= IF_NAMESIZE);
		return;
	}
	n = strlen(s);
	check(n >= 1 && n < IF_NAMESIZE);
	check(strcmp(s, ".") != 0 && strcmp(s, "..") != 0);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		check(*p > ' ' && *p < 0x7f &&
		    strchr("/:*?[]\\'\" ", *p) == NULL);
}

static void
fuzz_decode(const uint8_t *frame, size_t len)
{
	struct eth_hdr h;
	uint8_t buf[ETH_VLAN_HLEN];
	int n, m;

	if ((n = eth_decode(frame, len, &h)) == -1) {
		check(errno == EMSGSIZE);
		check(len < ETH_VLAN_HLEN);
		return;
	}
	check(n == (h.tagged ? ETH_VLAN_HLEN : ETH_HLEN_));
	check((size_t)n <= len);
	check(h.tagged || (h.tpid == 0 && h.tci == 0));
	check(!h.tagged || h.tpid == 0x8100 || h.tpid == 0x88a8);
	m = eth_encode(buf, sizeof(buf), &h);
	check(m == n);
	check(memcmp(buf, frame, (size_t)n) == 0);
	/* Too small a buffer is refused, never overrun. */
	check(eth_encode(buf, (size_t)n - 1, &h) == -1 && errno == EMSGSIZE);
}

#define GUARDED_SIZE	(64 * 1024)

/*
 * A copy of data[0..size) and a NUL, whose last byte is the last byte
 * before a PROT_NONE page; NULL when size does not fit.
 */
static char *
guarded_copy(const uint8_t *data, size_t size)
{
	static char *area;
	char *s;
	long pg;

	if (size >= GUARDED_SIZE)
		return NULL;
	if (area == NULL) {
		pg = sysconf(_SC_PAGESIZE);
		area = mmap(NULL, GUARDED_SIZE + (size_t)pg,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED ||
		    mprotect(area + GUARDED_SIZE, (size_t)pg, PROT_NONE) == -1)
			abort();
	}
	s = area + GUARDED_SIZE - (size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = guarded_copy(data, size)) != NULL) {
		fuzz_mac(s);
		fuzz_type(s);
		fuzz_vlan(s);
		fuzz_ifname(s);
	}
	fuzz_decode(data, size);
	return 0;
}
