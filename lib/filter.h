/*
 * filter: tcpdump expressions compiled to classic BPF, and the confining
 * prefix that keeps a handed-over packet socket to what it was opened for.
 *
 * libpcap is loaded with dlopen(3) only when an expression is compiled, so
 * that a program that asks for no filter does not pay for loading it (and
 * rawopen, which runs with privilege, maps as little code as it can).
 */
#ifndef LIB_FILTER_H
#define LIB_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#define FILTER_ERRLEN	256	/* PCAP_ERRBUF_SIZE */
#define FILTER_CONFINE_MAX 12	/* filter_confine() adds at most this */
#define FILTER_WHOLE	0xffffffffU	/* a verdict: the whole frame */

/*
 * Compiles the tcpdump expression expr for DLT_EN10MB with the given
 * snaplen (0: 262144, libpcap's largest) (pcap_open_dead + pcap_compile,
 * optimized, netmask unknown), with filter_vlan_fixup() applied, into
 * *prog, whose instructions are allocated: release them with filter_free().  Returns 0,
 * or -1 with errno EINVAL and libpcap's message in errbuf (a syntax error),
 * or ENOSYS with a message when libpcap cannot be loaded, or ENOMEM.
 */
int	filter_compile(const char *expr, unsigned snaplen,
	    struct sock_fprog *prog, char errbuf[FILTER_ERRLEN]);

/*
 * Makes prog, compiled for frames as they are on the wire (libpcap's dead
 * handle: "vlan 5" tests the TPID at 12 and the VID at 14, and reads what
 * follows the tag 4 bytes further on), select the same frames on a packet
 * socket whether or not the kernel or the NIC took the 802.1Q tag off
 * before the filter runs: when SKF_AD_VLAN_TAG_PRESENT says it did, a
 * translation of prog runs that reads the tag's 4 bytes from
 * SKF_AD_VLAN_TPID and SKF_AD_VLAN_TAG and the rest of the frame 4 bytes
 * earlier (the length 4 more); otherwise prog runs as it is.
 * filter_compile() calls it.  prog is left as it is when it never looks
 * past byte 12, when a load reads across the tag's edges (ether[10:4]), or
 * when the result would not fit (BPF_MAXINSNS - FILTER_CONFINE_MAX, or a
 * conditional jump that no longer reaches); an indirect load into the tag
 * itself fails (the frame is dropped, as for a load past its end).
 * Returns 0, or -1 with errno ENOMEM (prog unchanged).
 */
int	filter_vlan_fixup(struct sock_fprog *prog);

#define FILTER_OTHERHOST	0x1	/* let frames to other hosts through */
#define FILTER_OUTGOING		0x2	/* let outgoing frames through */

/*
 * Builds into *out the program that accepts a frame only when it arrived on
 * interface ifindex, carries ethertype type (any when type is ETHTYPE_ALL;
 * nothing at all when it is ETHTYPE_NONE; with one type, not with a VLAN
 * tag the kernel has yet to take off, which a socket bound to that type
 * never sees, so that one bound to all gets no more), is not addressed to
 * another host unless flags has FILTER_OTHERHOST (promiscuous mode was
 * granted), is not an outgoing frame (of any process on this host) unless
 * flags has FILTER_OUTGOING, and, when inner is not NULL, is accepted by
 * inner; then it returns inner's verdict (or FILTER_WHOLE: the whole
 * frame, however long; a loopback frame may be longer than any snaplen).
 * The inner program starts with A = 0 and X and M[] untouched, as if it ran
 * alone.  Allocated: release with filter_free().  Returns 0 or -1 with
 * errno ENOMEM, or EINVAL when ifindex <= 0, inner is empty, or the whole
 * would exceed BPF_MAXINSNS (the prefix takes at most FILTER_CONFINE_MAX
 * instructions).
 */
int	filter_confine(int ifindex, uint16_t type, int flags,
	    const struct sock_fprog *inner, struct sock_fprog *out);

/*
 * Builds into *out the program that accepts what both a and b accept, and
 * returns b's verdict: a runs first, and where it would accept, b runs as
 * if alone (A = 0, X = 0; M[] as a left it, which a program that stores
 * before it loads, as libpcap's do, never sees).  Each program keeps its
 * own meaning whatever its text was: two expressions pasted into one
 * string could be made to mean something else ("R) or (x").  Allocated:
 * release with filter_free().  Returns 0, or -1 with errno ENOMEM, or
 * EINVAL when either is empty, a returns a computed verdict (ret A or
 * ret X), or the whole would leave no room for filter_confine()'s prefix
 * (BPF_MAXINSNS - FILTER_CONFINE_MAX).
 */
int	filter_and(const struct sock_fprog *a, const struct sock_fprog *b,
	    struct sock_fprog *out);

/* Frees prog's instructions and zeroes it; prog may be empty. */
void	filter_free(struct sock_fprog *prog);

#endif /* LIB_FILTER_H */
