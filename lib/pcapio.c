/*
 * pcapio: pcap and pcapng frame streams.
 */
#include <sys/types.h>
#include <sys/utsname.h>

#include <byteswap.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapio.h"

void
pcapio_write_filehdr(uint8_t buf[24], uint32_t snaplen)
{
	uint32_t magic = PCAPIO_MAGIC_NS, zero = 0;
	uint32_t linktype = PCAPIO_LINKTYPE_ETHERNET;
	uint16_t major = 2, minor = 4;

	memcpy(buf, &magic, 4);
	memcpy(buf + 4, &major, 2);
	memcpy(buf + 6, &minor, 2);
	memcpy(buf + 8, &zero, 4);	/* thiszone */
	memcpy(buf + 12, &zero, 4);	/* sigfigs */
	memcpy(buf + 16, &snaplen, 4);
	memcpy(buf + 20, &linktype, 4);
}

void
pcapio_write_rechdr(uint8_t buf[16], uint64_t ts_ns, uint32_t caplen,
    uint32_t len)
{
	uint32_t sec = (uint32_t)(ts_ns / 1000000000U);
	uint32_t nsec = (uint32_t)(ts_ns % 1000000000U);

	memcpy(buf, &sec, 4);
	memcpy(buf + 4, &nsec, 4);
	memcpy(buf + 8, &caplen, 4);
	memcpy(buf + 12, &len, 4);
}

void
pcapio_write_filehdr_us(uint8_t buf[24], uint32_t snaplen)
{
	uint32_t magic = PCAPIO_MAGIC_US;

	pcapio_write_filehdr(buf, snaplen);
	memcpy(buf, &magic, 4);
}

void
pcapio_write_rechdr_us(uint8_t buf[16], uint64_t ts_ns, uint32_t caplen,
    uint32_t len)
{
	uint32_t usec = (uint32_t)(ts_ns % 1000000000U / 1000U);

	pcapio_write_rechdr(buf, ts_ns, caplen, len);
	memcpy(buf + 4, &usec, 4);
}

#define PCAPNG_SHB	0x0a0d0d0aU
#define PCAPNG_IDB	0x00000001U
#define PCAPNG_OPB	0x00000002U	/* the obsolete Packet Block */
#define PCAPNG_SPB	0x00000003U
#define PCAPNG_ISB	0x00000005U
#define PCAPNG_EPB	0x00000006U
#define PCAPNG_BOM	0x1a2b3c4dU

#define PCAPNG_OPT_END		0
#define PCAPNG_OPT_COMMENT	1
#define PCAPNG_OPT_SHB_OS	3
#define PCAPNG_OPT_SHB_USERAPPL	4
#define PCAPNG_OPT_IF_NAME	2
#define PCAPNG_OPT_TSRESOL	9
#define PCAPNG_OPT_TSOFFSET	14
#define PCAPNG_OPT_EPB_FLAGS	2
#define PCAPNG_OPT_ISB_START	2
#define PCAPNG_OPT_ISB_END	3
#define PCAPNG_OPT_ISB_IFRECV	4
#define PCAPNG_OPT_ISB_IFDROP	5

/* n rounded up to a multiple of 4: pcapng pads everything to 32 bits. */
#define PAD4(n)		(((size_t)(n) + 3) & ~(size_t)3)

/*
 * A block being built: bytes go to buf while they fit in size; n counts
 * them all, so that a build without a buffer measures the block.
 */
struct ngbuild {
	uint8_t		*buf;
	size_t		 size, n;
};

static void
ng_put(struct ngbuild *g, const void *p, size_t len)
{
	if (g->buf != NULL && g->n + len <= g->size)
		memcpy(g->buf + g->n, p, len);
	g->n += len;
}

static void
ng_put16(struct ngbuild *g, uint16_t v)
{
	ng_put(g, &v, 2);
}

static void
ng_put32(struct ngbuild *g, uint32_t v)
{
	ng_put(g, &v, 4);
}

/* A 64-bit time as two 32-bit words, high first, as pcapng has it. */
static void
ng_putts(struct ngbuild *g, uint64_t ts)
{
	ng_put32(g, (uint32_t)(ts >> 32));
	ng_put32(g, (uint32_t)ts);
}

/* One option: its code, its length, the value and zeros to 32 bits. */
static void
ng_opt(struct ngbuild *g, uint16_t code, const void *v, size_t len)
{
	static const uint8_t zero[4];

	ng_put16(g, code);
	ng_put16(g, (uint16_t)len);
	ng_put(g, v, len);
	ng_put(g, zero, PAD4(len) - len);
}

/* A string option, unless s is NULL. */
static void
ng_optstr(struct ngbuild *g, uint16_t code, const char *s)
{
	if (s != NULL)
		ng_opt(g, code, s, strlen(s));
}

/*
 * Ends a block begun at offset 0 with type: opt_endofopt when it has
 * options (from opts on), the total length in both places.  Returns the
 * length, or -1 with errno EMSGSIZE when it did not fit.
 */
static ssize_t
ng_end(struct ngbuild *g, size_t opts)
{
	uint32_t blen;

	if (g->n > opts)
		ng_put32(g, PCAPNG_OPT_END);
	blen = (uint32_t)(g->n + 4);
	ng_put32(g, blen);
	if (g->buf != NULL && g->n > g->size) {
		errno = EMSGSIZE;
		return -1;
	}
	if (g->buf != NULL)
		memcpy(g->buf + 4, &blen, 4);
	return (ssize_t)g->n;
}

/* Whether a string fits in an option. */
static int
ng_strok(const char *s)
{
	if (s != NULL && strlen(s) > PCAPIO_NG_OPTMAX) {
		errno = EMSGSIZE;
		return 0;
	}
	return 1;
}

ssize_t
pcapio_ng_shb(uint8_t *buf, size_t size, const char *userappl,
    const char *os, const char *comment)
{
	struct ngbuild g = { buf, size, 0 };

	if (!ng_strok(userappl) || !ng_strok(os) || !ng_strok(comment))
		return -1;
	ng_put32(&g, PCAPNG_SHB);
	ng_put32(&g, 0);		/* the length, set by ng_end() */
	ng_put32(&g, PCAPNG_BOM);
	ng_put16(&g, 1);
	ng_put16(&g, 0);
	ng_putts(&g, UINT64_MAX);	/* section length: not known */
	ng_optstr(&g, PCAPNG_OPT_COMMENT, comment);
	ng_optstr(&g, PCAPNG_OPT_SHB_OS, os);
	ng_optstr(&g, PCAPNG_OPT_SHB_USERAPPL, userappl);
	return ng_end(&g, 24);
}

int
pcapio_ng_os(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u) == -1)
		return -1;
	snprintf(buf, size, "%s %s %s", u.sysname, u.release, u.machine);
	return 0;
}

ssize_t
pcapio_ng_idb(uint8_t *buf, size_t size, const char *ifname,
    uint32_t snaplen)
{
	struct ngbuild g = { buf, size, 0 };
	uint8_t tsresol = 9;

	if (!ng_strok(ifname))
		return -1;
	ng_put32(&g, PCAPNG_IDB);
	ng_put32(&g, 0);
	ng_put16(&g, PCAPIO_LINKTYPE_ETHERNET);
	ng_put16(&g, 0);
	ng_put32(&g, snaplen);
	ng_optstr(&g, PCAPNG_OPT_IF_NAME, ifname);
	ng_opt(&g, PCAPNG_OPT_TSRESOL, &tsresol, 1);
	return ng_end(&g, 16);
}

ssize_t
pcapio_ng_epb(struct pcapio_ng_epb *b, uint32_t ifid, uint64_t ts_ns,
    const void *data, uint32_t caplen, uint32_t len, uint32_t flags)
{
	struct ngbuild g = { b->tail, sizeof(b->tail), 0 };
	static const uint8_t zero[4];
	uint32_t v[7], blen;

	if (caplen > len || caplen > PCAPIO_MAXCAPLEN) {
		errno = EMSGSIZE;
		return -1;
	}
	ng_put(&g, zero, PAD4(caplen) - caplen);
	if (flags != 0) {
		ng_opt(&g, PCAPNG_OPT_EPB_FLAGS, &flags, 4);
		ng_put32(&g, PCAPNG_OPT_END);
	}
	blen = (uint32_t)(PCAPIO_NG_EPB_HEAD + caplen + g.n + 4);
	ng_put32(&g, blen);
	v[0] = PCAPNG_EPB;
	v[1] = blen;
	v[2] = ifid;
	v[3] = (uint32_t)(ts_ns >> 32);
	v[4] = (uint32_t)ts_ns;
	v[5] = caplen;
	v[6] = len;
	memcpy(b->head, v, sizeof(v));
	b->iov[0].iov_base = b->head;
	b->iov[0].iov_len = PCAPIO_NG_EPB_HEAD;
	b->iov[1].iov_base = (void *)(uintptr_t)data;
	b->iov[1].iov_len = caplen;
	b->iov[2].iov_base = b->tail;
	b->iov[2].iov_len = g.n;
	return (ssize_t)blen;
}

uint32_t
pcapio_ng_flags(unsigned pkttype)
{
	switch (pkttype) {
	case PACKET_HOST:
		return PCAPIO_EPB_INBOUND | PCAPIO_EPB_UNICAST;
	case PACKET_BROADCAST:
		return PCAPIO_EPB_INBOUND | PCAPIO_EPB_BROADCAST;
	case PACKET_MULTICAST:
		return PCAPIO_EPB_INBOUND | PCAPIO_EPB_MULTICAST;
	case PACKET_OTHERHOST:
		return PCAPIO_EPB_INBOUND | PCAPIO_EPB_PROMISC;
	case PACKET_OUTGOING:
		return PCAPIO_EPB_OUTBOUND;
	default:
		return PCAPIO_EPB_INBOUND;
	}
}

ssize_t
pcapio_ng_isb(uint8_t *buf, size_t size, uint32_t ifid,
    const struct pcapio_ng_stats *st)
{
	struct ngbuild g = { buf, size, 0 };

	ng_put32(&g, PCAPNG_ISB);
	ng_put32(&g, 0);
	ng_put32(&g, ifid);
	ng_putts(&g, st->end_ns);
	ng_put16(&g, PCAPNG_OPT_ISB_START);
	ng_put16(&g, 8);
	ng_putts(&g, st->start_ns);
	ng_put16(&g, PCAPNG_OPT_ISB_END);
	ng_put16(&g, 8);
	ng_putts(&g, st->end_ns);
	if (st->counted) {
		ng_opt(&g, PCAPNG_OPT_ISB_IFRECV, &st->ifrecv, 8);
		ng_opt(&g, PCAPNG_OPT_ISB_IFDROP, &st->ifdrop, 8);
	}
	return ng_end(&g, 20);
}

/* The results of the per-format steps below, besides -1. */
#define STEP_MORE	0	/* not enough bytes */
#define STEP_RECORD	1	/* a record, *rec filled */
#define STEP_SKIP	2	/* consumed something that is not a record */

static uint16_t
rd16(const struct pcapio_parser *p, const uint8_t *b)
{
	uint16_t v;

	memcpy(&v, b, 2);
	return p->swap ? bswap_16(v) : v;
}

static uint32_t
rd32(const struct pcapio_parser *p, const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return p->swap ? bswap_32(v) : v;
}

static uint32_t
rd32host(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

/* Sets p->err from a format, errno EBADMSG, and returns -1. */
static int __attribute__((format(printf, 2, 3)))
bad(struct pcapio_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	errno = EBADMSG;
	return -1;
}

enum pcapio_format
pcapio_sniff(const uint8_t *buf, size_t len)
{
	uint32_t m;

	if (len < 4)
		return PCAPIO_FMT_NONE;
	m = rd32host(buf);
	if (m == PCAPIO_MAGIC_US || m == PCAPIO_MAGIC_NS ||
	    m == bswap_32(PCAPIO_MAGIC_US) || m == bswap_32(PCAPIO_MAGIC_NS))
		return PCAPIO_FMT_PCAP;
	if (m == PCAPNG_SHB && len >= 12) {
		m = rd32host(buf + 8);
		if (m == PCAPNG_BOM || m == bswap_32(PCAPNG_BOM))
			return PCAPIO_FMT_PCAPNG;
	}
	return PCAPIO_FMT_NONE;
}

void
pcapio_parser_init(struct pcapio_parser *p, enum pcapio_format fmt)
{
	memset(p, 0, sizeof(*p));
	p->fmt = fmt;
}

/* Whether records of this link type can be read: Ethernet or cooked. */
static int
pcapio_linktype_ok(uint32_t linktype)
{
	return linktype == PCAPIO_LINKTYPE_ETHERNET ||
	    linktype == PCAPIO_LINKTYPE_LINUX_SLL ||
	    linktype == PCAPIO_LINKTYPE_LINUX_SLL2;
}

/*
 * The pcap file header at b[0..n).  A sane snaplen (1..PCAPIO_MAXCAPLEN)
 * later bounds every caplen; another one is ignored.
 */
static int
pcap_filehdr(struct pcapio_parser *p, const uint8_t *b, size_t n)
{
	uint32_t magic, linktype;
	uint16_t major;

	if (n < PCAPIO_FILEHDR_LEN)
		return STEP_MORE;
	magic = rd32host(b);
	p->swap = magic == bswap_32(PCAPIO_MAGIC_US) ||
	    magic == bswap_32(PCAPIO_MAGIC_NS);
	if (p->swap)
		magic = bswap_32(magic);
	if (magic != PCAPIO_MAGIC_US && magic != PCAPIO_MAGIC_NS)
		return bad(p, "not a pcap file (magic 0x%08x)", rd32host(b));
	p->nsec = magic == PCAPIO_MAGIC_NS;
	major = rd16(p, b + 4);
	if (major != 2)
		return bad(p, "pcap version %u.%u is not 2.x", major,
		    rd16(p, b + 6));
	p->snaplen = rd32(p, b + 16);
	linktype = rd32(p, b + 20);
	if (!pcapio_linktype_ok(linktype & 0xffff))
		return bad(p, "linktype %u is not Ethernet (1) or Linux "
		    "cooked (113, 276)", linktype & 0xffff);
	p->linktype = (uint16_t)(linktype & 0xffff);
	if (linktype & 0x10000000U)
		return bad(p, "the frames carry a frame check sequence");
	p->started = 1;
	return STEP_SKIP;
}

/* One pcap record at b[0..n), the header at stream offset p->off. */
static int
pcap_record(struct pcapio_parser *p, const uint8_t *b, size_t n,
    struct pcapio_rec *rec, size_t *k)
{
	uint32_t sec, frac, caplen, len;
	unsigned long long num = p->nrec + 1, off = p->off;

	if (n < PCAPIO_RECHDR_LEN)
		return STEP_MORE;
	sec = rd32(p, b);
	frac = rd32(p, b + 4);
	caplen = rd32(p, b + 8);
	len = rd32(p, b + 12);
	if (caplen > PCAPIO_MAXCAPLEN)
		return bad(p, "record %llu at byte %llu: caplen %u exceeds %u",
		    num, off, caplen, PCAPIO_MAXCAPLEN);
	if (p->snaplen > 0 && p->snaplen <= PCAPIO_MAXCAPLEN &&
	    caplen > p->snaplen)
		return bad(p, "record %llu at byte %llu: caplen %u exceeds "
		    "the snaplen %u", num, off, caplen, p->snaplen);
	if (caplen > len)
		return bad(p, "record %llu at byte %llu: caplen %u exceeds "
		    "the original length %u", num, off, caplen, len);
	if (n - PCAPIO_RECHDR_LEN < caplen)
		return STEP_MORE;
	rec->data = b + PCAPIO_RECHDR_LEN;
	rec->caplen = caplen;
	rec->len = len;
	rec->ts_ns = (uint64_t)sec * 1000000000U +
	    (p->nsec ? frac : (uint64_t)frac * 1000U);
	rec->ifid = 0;
	rec->flags = 0;
	rec->linktype = p->linktype;
	*k = PCAPIO_RECHDR_LEN + (size_t)caplen;
	return STEP_RECORD;
}

/*
 * A pcapng timestamp in units of interface ifp's if_tsresol, as ns since
 * the epoch.  Arithmetic wraps rather than fails on absurd values.
 */
static uint64_t
pcapng_ts(const struct pcapio_if *ifp, uint64_t ts)
{
	unsigned __int128 t = ts;
	unsigned int r = ifp->tsresol & 0x7f, i;

	if (ifp->tsresol & 0x80) {
		t = (t * 1000000000U) >> r;
	} else if (r <= 9) {
		for (i = r; i < 9; i++)
			t *= 10;
	} else {
		for (i = 9; i < r && t > 0; i++)
			t /= 10;
	}
	return (uint64_t)t + (uint64_t)ifp->tsoffset * 1000000000U;
}

/* The options of an IDB, b[0..n): if_tsresol and if_tsoffset. */
static int
pcapng_idb_opts(struct pcapio_parser *p, const uint8_t *b, size_t n,
    struct pcapio_if *ifp, unsigned long long off)
{
	uint16_t code, olen;
	uint64_t v;

	while (n >= 4) {
		code = rd16(p, b);
		olen = rd16(p, b + 2);
		if (code == PCAPNG_OPT_END)
			break;
		if (olen > n - 4)
			return bad(p, "block at byte %llu: option %u overruns "
			    "the block", off, code);
		if (code == PCAPNG_OPT_TSRESOL && olen >= 1)
			ifp->tsresol = b[4];
		if (code == PCAPNG_OPT_TSOFFSET && olen == 8) {
			memcpy(&v, b + 4, 8);
			ifp->tsoffset = (int64_t)(p->swap ? bswap_64(v) : v);
		}
		/* The value is padded to 32 bits. */
		if (((size_t)olen + 3) / 4 * 4 > n - 4)
			break;
		b += 4 + ((size_t)olen + 3) / 4 * 4;
		n -= 4 + ((size_t)olen + 3) / 4 * 4;
	}
	return 0;
}

/*
 * The value of option code, when it is olen bytes long, among the options
 * at b[0..n), or NULL.  Options that overrun the block end the search:
 * a packet's or statistics' options are only looked at, never judged.
 */
static const uint8_t *
pcapng_opt(const struct pcapio_parser *p, const uint8_t *b, size_t n,
    uint16_t code, uint16_t olen)
{
	uint16_t c, l;

	while (n >= 4) {
		c = rd16(p, b);
		l = rd16(p, b + 2);
		if (c == PCAPNG_OPT_END || PAD4(l) > n - 4)
			break;
		if (c == code && l == olen)
			return b + 4;
		b += 4 + PAD4(l);
		n -= 4 + PAD4(l);
	}
	return NULL;
}

/* A 64-bit option value, or two 32-bit words high first (ts). */
static uint64_t
rd64(const struct pcapio_parser *p, const uint8_t *b, int ts)
{
	uint64_t v;

	if (ts)
		return (uint64_t)rd32(p, b) << 32 | rd32(p, b + 4);
	memcpy(&v, b, 8);
	return p->swap ? bswap_64(v) : v;
}

/*
 * An Interface Statistics Block's body b[0..n) (n >= 12): its times and
 * counts into its interface, as ns and numbers.  One that names no
 * interface described is skipped.
 */
static void
pcapng_isb(struct pcapio_parser *p, const uint8_t *b, size_t n)
{
	struct pcapio_if *ifp;
	const uint8_t *v, *w;
	uint32_t ifid = rd32(p, b);

	if (ifid >= p->nif)
		return;
	ifp = &p->ifs[ifid];
	memset(&ifp->isb, 0, sizeof(ifp->isb));
	ifp->have_isb = 1;
	ifp->isb.end_ns = pcapng_ts(ifp, rd64(p, b + 4, 1));
	b += 12;
	n -= 12;
	if ((v = pcapng_opt(p, b, n, PCAPNG_OPT_ISB_START, 8)) != NULL)
		ifp->isb.start_ns = pcapng_ts(ifp, rd64(p, v, 1));
	if ((v = pcapng_opt(p, b, n, PCAPNG_OPT_ISB_END, 8)) != NULL)
		ifp->isb.end_ns = pcapng_ts(ifp, rd64(p, v, 1));
	v = pcapng_opt(p, b, n, PCAPNG_OPT_ISB_IFRECV, 8);
	w = pcapng_opt(p, b, n, PCAPNG_OPT_ISB_IFDROP, 8);
	if (v != NULL)
		ifp->isb.ifrecv = rd64(p, v, 0);
	if (w != NULL)
		ifp->isb.ifdrop = rd64(p, w, 0);
	ifp->isb.counted = v != NULL && w != NULL;
}

/*
 * A packet of interface ifid with caplen bytes at data, within a block of
 * the given body length, into rec.
 */
static int
pcapng_packet(struct pcapio_parser *p, struct pcapio_rec *rec, uint32_t ifid,
    const uint8_t *data, uint32_t caplen, uint32_t len, uint64_t ts,
    size_t room)
{
	unsigned long long num = p->nrec + 1, off = p->off;
	const struct pcapio_if *ifp;

	if (ifid >= p->nif)
		return bad(p, "record %llu at byte %llu: no interface %u "
		    "(%u described)", num, off, ifid, p->nif);
	ifp = &p->ifs[ifid];
	if (!pcapio_linktype_ok(ifp->linktype))
		return bad(p, "record %llu at byte %llu: interface %u has "
		    "linktype %u, not Ethernet (1) or Linux cooked (113, 276)",
		    num, off, ifid, ifp->linktype);
	if (caplen > PCAPIO_MAXCAPLEN)
		return bad(p, "record %llu at byte %llu: caplen %u exceeds %u",
		    num, off, caplen, PCAPIO_MAXCAPLEN);
	if (caplen > room)
		return bad(p, "record %llu at byte %llu: caplen %u overruns "
		    "its block", num, off, caplen);
	if (ifp->snaplen > 0 && ifp->snaplen <= PCAPIO_MAXCAPLEN &&
	    caplen > ifp->snaplen)
		return bad(p, "record %llu at byte %llu: caplen %u exceeds "
		    "the snaplen %u", num, off, caplen, ifp->snaplen);
	if (caplen > len)
		return bad(p, "record %llu at byte %llu: caplen %u exceeds "
		    "the original length %u", num, off, caplen, len);
	rec->data = data;
	rec->caplen = caplen;
	rec->len = len;
	rec->ts_ns = pcapng_ts(ifp, ts);
	rec->ifid = ifid;
	rec->flags = 0;
	rec->linktype = ifp->linktype;
	return STEP_RECORD;
}

/*
 * One pcapng block at b[0..n), at stream offset p->off.  The first one
 * must be a Section Header Block, which also sets the byte order.
 */
static int
pcapng_block(struct pcapio_parser *p, const uint8_t *b, size_t n,
    struct pcapio_rec *rec, size_t *k)
{
	unsigned long long off = p->off;
	struct pcapio_if *ifp;
	const uint8_t *o;
	uint32_t type, blen, bom, caplen, ifid;
	uint64_t ts;
	int r;

	if (n < 12)
		return STEP_MORE;
	type = rd32host(b);
	if (type == PCAPNG_SHB) {
		bom = rd32host(b + 8);
		if (bom != PCAPNG_BOM && bom != bswap_32(PCAPNG_BOM))
			return bad(p, "block at byte %llu: section header "
			    "with a bad byte-order magic 0x%08x", off, bom);
		p->swap = bom != PCAPNG_BOM;
	} else if (!p->started) {
		return bad(p, "not a pcapng file (block type 0x%08x)", type);
	}
	type = rd32(p, b);
	blen = rd32(p, b + 4);
	if (blen < 12 || blen % 4 != 0)
		return bad(p, "block at byte %llu: bad block length %u", off,
		    blen);
	if (blen > PCAPIO_MAXBLOCK)
		return bad(p, "block at byte %llu: block length %u exceeds %u",
		    off, blen, PCAPIO_MAXBLOCK);
	if (n < blen)
		return STEP_MORE;
	if (rd32(p, b + blen - 4) != blen)
		return bad(p, "block at byte %llu: trailing length %u differs "
		    "from the block length %u", off, rd32(p, b + blen - 4),
		    blen);
	*k = blen;
	switch (type) {
	case PCAPNG_SHB:
		if (blen < 28)
			return bad(p, "block at byte %llu: section header "
			    "too short (%u bytes)", off, blen);
		if (rd16(p, b + 12) != 1)
			return bad(p, "block at byte %llu: pcapng version "
			    "%u.%u is not 1.x", off, rd16(p, b + 12),
			    rd16(p, b + 14));
		p->started = 1;
		p->nif = 0;
		return STEP_SKIP;
	case PCAPNG_IDB:
		if (blen < 20)
			return bad(p, "block at byte %llu: interface "
			    "description too short (%u bytes)", off, blen);
		if (p->nif >= PCAPIO_MAXIF)
			return bad(p, "block at byte %llu: more than %u "
			    "interfaces", off, PCAPIO_MAXIF);
		ifp = &p->ifs[p->nif];
		memset(ifp, 0, sizeof(*ifp));
		ifp->linktype = rd16(p, b + 8);
		ifp->snaplen = rd32(p, b + 12);
		ifp->tsresol = 6;
		if (pcapng_idb_opts(p, b + 16, blen - 20, ifp, off) == -1)
			return -1;
		p->nif++;
		if (p->nif > p->maxnif)
			p->maxnif = p->nif;
		return STEP_SKIP;
	case PCAPNG_EPB:
		if (blen < 32)
			return bad(p, "block at byte %llu: enhanced packet "
			    "block too short (%u bytes)", off, blen);
		ifid = rd32(p, b + 8);
		ts = (uint64_t)rd32(p, b + 12) << 32 | rd32(p, b + 16);
		caplen = rd32(p, b + 20);
		r = pcapng_packet(p, rec, ifid, b + 28, caplen,
		    rd32(p, b + 24), ts, blen - 32);
		/* The options follow the packet data, padded. */
		if (r == STEP_RECORD && PAD4(caplen) <= blen - 32 &&
		    (o = pcapng_opt(p, b + 28 + PAD4(caplen),
		    blen - 32 - PAD4(caplen), PCAPNG_OPT_EPB_FLAGS, 4)) != NULL)
			rec->flags = rd32(p, o);
		return r;
	case PCAPNG_ISB:
		if (blen >= 24)
			pcapng_isb(p, b + 8, blen - 12);
		return STEP_SKIP;
	case PCAPNG_OPB:
		if (blen < 32)
			return bad(p, "block at byte %llu: packet block too "
			    "short (%u bytes)", off, blen);
		ifid = rd16(p, b + 8);
		ts = (uint64_t)rd32(p, b + 12) << 32 | rd32(p, b + 16);
		caplen = rd32(p, b + 20);
		return pcapng_packet(p, rec, ifid, b + 28, caplen,
		    rd32(p, b + 24), ts, blen - 32);
	case PCAPNG_SPB:
		if (blen < 16)
			return bad(p, "block at byte %llu: simple packet "
			    "block too short (%u bytes)", off, blen);
		if (p->nif == 0)
			return bad(p, "record %llu at byte %llu: no interface "
			    "0 (0 described)", (unsigned long long)p->nrec + 1,
			    off);
		/* The captured length is implied by the snaplen. */
		caplen = rd32(p, b + 8);
		if (p->ifs[0].snaplen > 0 && caplen > p->ifs[0].snaplen)
			caplen = p->ifs[0].snaplen;
		if (caplen > blen - 16)
			caplen = blen - 16;
		return pcapng_packet(p, rec, 0, b + 12, caplen,
		    rd32(p, b + 8), 0, blen - 16);
	default:
		return STEP_SKIP;
	}
}

int
pcapio_parse(struct pcapio_parser *p, const uint8_t *buf, size_t len,
    int eof, struct pcapio_rec *rec, size_t *used)
{
	size_t u = 0, k, n;
	int r;

	for (;;) {
		n = len - u;
		k = 0;
		if (p->fmt == PCAPIO_FMT_NONE) {
			if (n < 12 && !eof) {
				r = STEP_MORE;
				goto more;
			}
			p->fmt = pcapio_sniff(buf + u, n);
			if (p->fmt == PCAPIO_FMT_NONE) {
				if (n == 0)
					goto more_eof;
				*used = u;
				return bad(p, "neither pcap nor pcapng");
			}
		}
		if (p->fmt == PCAPIO_FMT_PCAP) {
			if (!p->started) {
				r = pcap_filehdr(p, buf + u, n);
				k = PCAPIO_FILEHDR_LEN;
			} else
				r = pcap_record(p, buf + u, n, rec, &k);
		} else
			r = pcapng_block(p, buf + u, n, rec, &k);
		if (r == -1) {
			*used = u;
			return -1;
		}
		if (r == STEP_MORE)
			goto more;
		u += k;
		p->off += k;
		if (r == STEP_RECORD) {
			p->nrec++;
			rec->num = p->nrec;
			rec->off = p->off - k;
			*used = u;
			return 1;
		}
	}
more:
	*used = u;
	if (!eof || n == 0)
		return 0;
	if (!p->started)
		return bad(p, "truncated file header (%zu bytes)", n);
	if (p->fmt == PCAPIO_FMT_PCAP)
		return bad(p, "record %llu at byte %llu: truncated (%zu bytes "
		    "left)", (unsigned long long)p->nrec + 1,
		    (unsigned long long)p->off, n);
	return bad(p, "block at byte %llu: truncated (%zu bytes left)",
	    (unsigned long long)p->off, n);
more_eof:
	*used = u;
	return 0;
}

int
pcapio_reader_init(struct pcapio_reader *r, int fd, size_t bufsize,
    size_t keep)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->size = bufsize > 0 ? bufsize : PCAPIO_BUFSIZE;
	r->maxsize = 2 * (size_t)PCAPIO_MAXBLOCK;
	if (r->maxsize < r->size)
		r->maxsize = r->size;
	if (keep > 0) {
		r->keep = 1;
		if (r->maxsize < keep)
			r->maxsize = keep;
	}
	if ((r->buf = malloc(r->size)) == NULL)
		return -1;
	pcapio_parser_init(&r->p, PCAPIO_FMT_NONE);
	return 0;
}

void
pcapio_reader_free(struct pcapio_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int
pcapio_detect(struct pcapio_reader *r)
{
	enum pcapio_format f;

	while (r->end - r->pos < 12 && !r->eof)
		if (pcapio_refill(r) == -1)
			return -1;
	f = pcapio_sniff(r->buf + r->pos, r->end - r->pos);
	r->p.fmt = f;
	return f;
}

int
pcapio_next(struct pcapio_reader *r, struct pcapio_rec *rec)
{
	size_t used = 0;
	int ret;

	ret = pcapio_parse(&r->p, r->buf + r->pos, r->end - r->pos, r->eof,
	    rec, &used);
	r->pos += used;
	return ret;
}

void
pcapio_consume(struct pcapio_reader *r, size_t n)
{
	r->pos += n;
	r->p.off += n;
}

int
pcapio_refill(struct pcapio_reader *r)
{
	size_t nsize;
	uint8_t *nbuf, probe;
	ssize_t n;

	if (!r->keep && r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->eof) {
		if (r->end == r->pos)
			return 0;
		/* The parsers consume everything at the end; be safe. */
		snprintf(r->p.err, sizeof(r->p.err), "%zu bytes left "
		    "unparsed at byte %llu", r->end - r->pos,
		    (unsigned long long)r->p.off);
		errno = EBADMSG;
		return -1;
	}
	if (r->end == r->size) {
		/*
		 * Kept whole and the buffer full at its limit: a stream of
		 * exactly maxsize bytes is kept, so one byte more is looked
		 * for first (the stream is refused if it comes).
		 */
		if (r->size >= r->maxsize && r->keep &&
		    (n = read(r->fd, &probe, 1)) <= 0) {
			if (n == -1) {
				snprintf(r->p.err, sizeof(r->p.err), "read");
				return -1;
			}
			r->eof = 1;
			return r->end > r->pos;
		}
		if (r->size >= r->maxsize) {
			if (r->keep) {
				snprintf(r->p.err, sizeof(r->p.err), "more "
				    "than %zu bytes to keep", r->maxsize);
				errno = EFBIG;
			} else {
				snprintf(r->p.err, sizeof(r->p.err), "record "
				    "or line at byte %llu longer than %zu "
				    "bytes",
				    (unsigned long long)r->p.off, r->maxsize);
				errno = ENOBUFS;
			}
			return -1;
		}
		nsize = r->size * 2 < r->maxsize ? r->size * 2 : r->maxsize;
		if ((nbuf = realloc(r->buf, nsize)) == NULL) {
			snprintf(r->p.err, sizeof(r->p.err), "buffer");
			return -1;
		}
		r->buf = nbuf;
		r->size = nsize;
	}
	n = read(r->fd, r->buf + r->end, r->size - r->end);
	if (n == -1) {
		snprintf(r->p.err, sizeof(r->p.err), "read");
		return -1;
	}
	if (n == 0) {
		r->eof = 1;
		return r->end > r->pos;
	}
	r->end += (size_t)n;
	return 1;
}

int
pcapio_rewind(struct pcapio_reader *r)
{
	enum pcapio_format f = r->p.fmt;

	if (r->keep) {
		r->pos = 0;
	} else {
		if (lseek(r->fd, 0, SEEK_SET) == -1)
			return -1;
		r->pos = r->end = 0;
		r->base = 0;
		r->eof = 0;
	}
	pcapio_parser_init(&r->p, f);
	return 0;
}

/*
 * The cooked headers (libpcap's sll.h), in network byte order:
 *   SLL   pkttype 2, hatype 2, halen 2, addr 8, protocol 2	(16 bytes)
 *   SLL2  protocol 2, reserved 2, ifindex 4, hatype 2, pkttype 1,
 *         halen 1, addr 8					(20 bytes)
 */
int
pcapio_cooked(const struct pcapio_rec *rec, const uint8_t dst[6],
    uint8_t hdr[14], size_t *skip, char *err, size_t errlen)
{
	const uint8_t *b = rec->data, *addr;
	size_t hl;
	unsigned halen;
	uint16_t proto;

	if (rec->linktype == PCAPIO_LINKTYPE_LINUX_SLL) {
		hl = 16;
		if (rec->caplen < hl)
			goto short_;
		halen = (unsigned)b[4] << 8 | b[5];
		addr = b + 6;
		proto = (uint16_t)(b[14] << 8 | b[15]);
	} else if (rec->linktype == PCAPIO_LINKTYPE_LINUX_SLL2) {
		hl = 20;
		if (rec->caplen < hl)
			goto short_;
		halen = b[11];
		addr = b + 12;
		proto = (uint16_t)(b[0] << 8 | b[1]);
	} else {
		snprintf(err, errlen, "linktype %u is not Linux cooked",
		    rec->linktype);
		errno = EINVAL;
		return -1;
	}
	if (halen != 6) {
		snprintf(err, errlen, "a Linux cooked header with a %u-byte "
		    "address, not an Ethernet one", halen);
		errno = EBADMSG;
		return -1;
	}
	/* Below 0x600 the field says what the payload is, not a type. */
	if (proto < 0x600) {
		snprintf(err, errlen, "a Linux cooked header with protocol "
		    "0x%04x, not an ethertype", proto);
		errno = EBADMSG;
		return -1;
	}
	memcpy(hdr, dst, 6);
	memcpy(hdr + 6, addr, 6);
	hdr[12] = (uint8_t)(proto >> 8);
	hdr[13] = (uint8_t)proto;
	*skip = hl;
	return 0;
short_:
	snprintf(err, errlen, "%u bytes, shorter than a Linux cooked header "
	    "(%zu)", rec->caplen, hl);
	errno = EBADMSG;
	return -1;
}
