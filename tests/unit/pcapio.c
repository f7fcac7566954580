/*
 * Unit tests of lib/pcapio: the writer's bytes, pcap in its four magics,
 * pcapng with two interfaces in both byte orders, every truncation of a
 * small file, bad lengths, and the buffered reader (growth, compaction,
 * rewind of a file and of a kept pipe).
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <byteswap.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapio.h"
#include "tap.h"

/* A growable byte buffer for building test files. */
struct b {
	uint8_t	 d[8192];
	size_t	 n;
	int	 swap;
};

static void
put(struct b *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void
put16(struct b *b, uint16_t v)
{
	if (b->swap)
		v = bswap_16(v);
	put(b, &v, 2);
}

static void
put32(struct b *b, uint32_t v)
{
	if (b->swap)
		v = bswap_32(v);
	put(b, &v, 4);
}

static void
at32(struct b *b, size_t off, uint32_t v)
{
	if (b->swap)
		v = bswap_32(v);
	memcpy(b->d + off, &v, 4);
}

static const uint8_t frame1[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5,
	'h', 'e', 'l', 'l', 'o',
};
static const uint8_t frame2[17] = {
	2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 1, 2, 3,
};

/* A pcap file with frame1 at 1.5 s and frame2 at 2.25 s. */
static void
mkpcap(struct b *b, uint32_t magic, int swap, uint32_t snaplen,
    uint32_t linktype)
{
	int ns = magic == PCAPIO_MAGIC_NS;

	memset(b, 0, sizeof(*b));
	b->swap = swap;
	put32(b, magic);
	put16(b, 2);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, snaplen);
	put32(b, linktype);
	put32(b, 1);
	put32(b, ns ? 500000000 : 500000);
	put32(b, sizeof(frame1));
	put32(b, sizeof(frame1));
	put(b, frame1, sizeof(frame1));
	put32(b, 2);
	put32(b, ns ? 250000000 : 250000);
	put32(b, sizeof(frame2));
	put32(b, 100);			/* captured 17 of 100 */
	put(b, frame2, sizeof(frame2));
}

/* Opens a pcapng block of the given type; returns its offset. */
static size_t
blk_open(struct b *b, uint32_t type)
{
	size_t off = b->n;

	put32(b, type);
	put32(b, 0);
	return off;
}

/* Pads to 32 bits, writes the trailing length and fixes the leading one. */
static void
blk_close(struct b *b, size_t off)
{
	while (b->n % 4)
		b->d[b->n++] = 0;
	put32(b, (uint32_t)(b->n - off + 4));
	at32(b, off + 4, (uint32_t)(b->n - off));
}

static void
epb(struct b *b, uint32_t ifid, uint64_t ts, const uint8_t *f, uint32_t len)
{
	size_t o = blk_open(b, 6);

	put32(b, ifid);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, len);
	put32(b, len);
	put(b, f, len);
	blk_close(b, o);
}

/*
 * A pcapng file: interface 0 Ethernet (default microseconds, snaplen 64),
 * interface 1 Ethernet with if_tsresol 9 and if_tsoffset 10 s, an unknown
 * block, EPBs on both, and an SPB (cut to interface 0's snaplen).
 */
static void
mkpcapng(struct b *b, int swap, uint16_t linktype1)
{
	static uint8_t big[100];
	size_t o;

	memset(b, 0, sizeof(*b));
	b->swap = swap;
	o = blk_open(b, 0x0a0d0d0a);
	put32(b, 0x1a2b3c4d);
	put16(b, 1);
	put16(b, 0);
	put32(b, 0xffffffff);
	put32(b, 0xffffffff);		/* section length -1 */
	blk_close(b, o);
	o = blk_open(b, 1);
	put16(b, 1);
	put16(b, 0);
	put32(b, 64);
	blk_close(b, o);
	o = blk_open(b, 1);
	put16(b, linktype1);
	put16(b, 0);
	put32(b, 0);
	put16(b, 9);			/* if_tsresol */
	put16(b, 1);
	put(b, "\x09\0\0\0", 4);
	put16(b, 14);			/* if_tsoffset */
	put16(b, 8);
	if (swap)
		put(b, "\0\0\0\0\0\0\0\x0a", 8);
	else
		put(b, "\x0a\0\0\0\0\0\0\0", 8);
	put16(b, 0);
	put16(b, 0);
	blk_close(b, o);
	o = blk_open(b, 0x0bad);
	put32(b, 12345);
	blk_close(b, o);
	epb(b, 1, 1500000000ULL, frame1, sizeof(frame1));
	epb(b, 0, 2250000ULL, frame2, sizeof(frame2));
	memset(big, 0xab, sizeof(big));
	memcpy(big, frame1, 14);
	o = blk_open(b, 3);
	put32(b, sizeof(big));
	put(b, big, sizeof(big));
	blk_close(b, o);
}

/* A pcapng section of n Ethernet interfaces and no record. */
static void
mkpcapng_empty(struct b *b, unsigned int n)
{
	size_t o;

	memset(b, 0, sizeof(*b));
	o = blk_open(b, 0x0a0d0d0a);
	put32(b, 0x1a2b3c4d);
	put16(b, 1);
	put16(b, 0);
	put32(b, 0xffffffff);
	put32(b, 0xffffffff);
	blk_close(b, o);
	while (n-- > 0) {
		o = blk_open(b, 1);
		put16(b, 1);
		put16(b, 0);
		put32(b, 0);
		blk_close(b, o);
	}
}

/*
 * Parses all of buf (as the end of a stream) into up to 8 records.
 * Returns their count, or -1 with the error in p->err.
 */
static int
parse_all(struct pcapio_parser *p, const uint8_t *buf, size_t len,
    struct pcapio_rec *recs)
{
	size_t off = 0, used;
	int n = 0, r;

	pcapio_parser_init(p, PCAPIO_FMT_NONE);
	for (;;) {
		r = pcapio_parse(p, buf + off, len - off, 1, &recs[n < 8 ?
		    n : 7], &used);
		off += used;
		if (r == -1)
			return -1;
		if (r == 0)
			return off == len ? n : -2;
		n++;
	}
}

static void
test_writer(void)
{
	uint8_t h[24], r[16];
	uint32_t v;
	uint16_t maj, min;

	pcapio_write_filehdr(h, 262144);
	memcpy(&v, h, 4);
	is_int(v, 0xa1b23c4d, "filehdr: ns magic in host order");
	memcpy(&maj, h + 4, 2);
	memcpy(&min, h + 6, 2);
	ok(maj == 2 && min == 4, "filehdr: version 2.4");
	memcpy(&v, h + 16, 4);
	is_int(v, 262144, "filehdr: snaplen");
	memcpy(&v, h + 20, 4);
	is_int(v, 1, "filehdr: linktype Ethernet");
	pcapio_write_rechdr(r, 1700000000123456789ULL, 60, 64);
	memcpy(&v, r, 4);
	is_int(v, 1700000000, "rechdr: seconds");
	memcpy(&v, r + 4, 4);
	is_int(v, 123456789, "rechdr: nanoseconds");
	memcpy(&v, r + 8, 4);
	is_int(v, 60, "rechdr: caplen");
	memcpy(&v, r + 12, 4);
	is_int(v, 64, "rechdr: len");
}

/* What the writer writes, the reader reads. */
static void
test_roundtrip(void)
{
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	uint8_t buf[24 + 16 + 60];

	pcapio_write_filehdr(buf, 65535);
	pcapio_write_rechdr(buf + 24, 42000000001ULL, 60, 60);
	memcpy(buf + 40, frame1, 60);
	is_int(parse_all(&p, buf, sizeof(buf), recs), 1, "round trip: one");
	is_int(recs[0].ts_ns, 42000000001ULL, "round trip: ns timestamp");
	ok(recs[0].caplen == 60 && memcmp(recs[0].data, frame1, 60) == 0,
	    "round trip: bytes");
}

static void
test_pcap_magics(void)
{
	static const struct {
		uint32_t magic;
		int	 swap;
		const char *what;
	} m[] = {
		{ PCAPIO_MAGIC_US, 0, "us, host order" },
		{ PCAPIO_MAGIC_US, 1, "us, swapped" },
		{ PCAPIO_MAGIC_NS, 0, "ns, host order" },
		{ PCAPIO_MAGIC_NS, 1, "ns, swapped" },
	};
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	struct b b;
	char what[80];
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		mkpcap(&b, m[i].magic, m[i].swap, 65535, 1);
		is_int(pcapio_sniff(b.d, b.n), PCAPIO_FMT_PCAP, m[i].what);
		snprintf(what, sizeof(what), "pcap %s: two records",
		    m[i].what);
		is_int(parse_all(&p, b.d, b.n, recs), 2, what);
		snprintf(what, sizeof(what), "pcap %s: records", m[i].what);
		ok(recs[0].caplen == 60 && recs[0].len == 60 &&
		    memcmp(recs[0].data, frame1, 60) == 0 &&
		    recs[1].caplen == 17 && recs[1].len == 100 &&
		    memcmp(recs[1].data, frame2, 17) == 0 &&
		    recs[0].num == 1 && recs[1].num == 2 &&
		    recs[0].off == 24 && recs[1].off == 100, what);
		snprintf(what, sizeof(what), "pcap %s: timestamps",
		    m[i].what);
		ok(recs[0].ts_ns == 1500000000ULL &&
		    recs[1].ts_ns == 2250000000ULL, what);
	}
}

static void
test_pcap_bad(void)
{
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	struct b b;
	static const uint32_t caplens[] = { 70000, 0xffffffff };
	size_t i;

	mkpcap(&b, PCAPIO_MAGIC_US, 0, 65535, 105);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "linktype 105 refused");
	is_int(errno, EBADMSG, "linktype 105: EBADMSG");
	is_str(p.err, "linktype 105 is not Ethernet (1) or Linux cooked "
	    "(113, 276)", "linktype 105: message");
	mkpcap(&b, PCAPIO_MAGIC_US, 1, 65535, 1 | 0x10000000);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "FCS refused");

	for (i = 0; i < 2; i++) {
		mkpcap(&b, PCAPIO_MAGIC_US, 0, 0, 1);
		memcpy(b.d + 100 + 8, &caplens[i], 4);
		memcpy(b.d + 100 + 12, &caplens[i], 4);
		is_int(parse_all(&p, b.d, b.n, recs), -1, "huge caplen");
	}
	is_str(p.err, "record 2 at byte 100: caplen 4294967295 exceeds "
	    "262144", "huge caplen: message names record and byte");
	mkpcap(&b, PCAPIO_MAGIC_US, 0, 65535, 1);
	memcpy(b.d + 100 + 8, &caplens[0], 4);
	memcpy(b.d + 100 + 12, &caplens[0], 4);
	parse_all(&p, b.d, b.n, recs);
	is_str(p.err, "record 2 at byte 100: caplen 70000 exceeds the "
	    "snaplen 65535", "caplen 70000: message");

	mkpcap(&b, PCAPIO_MAGIC_US, 0, 40, 1);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "caplen above snaplen");
	is_str(p.err, "record 1 at byte 24: caplen 60 exceeds the snaplen 40",
	    "caplen above snaplen: message");

	/* caplen 0 and 13 are records; refusing them is the tool's job. */
	mkpcap(&b, PCAPIO_MAGIC_US, 0, 65535, 1);
	memcpy(b.d + 100 + 8, &(uint32_t){13}, 4);
	b.n = 100 + 16 + 13;
	is_int(parse_all(&p, b.d, b.n, recs), 2, "caplen 13 parses");
	is_int(recs[1].caplen, 13, "caplen 13");
	memcpy(b.d + 100 + 8, &(uint32_t){0}, 4);
	b.n = 100 + 16;
	is_int(parse_all(&p, b.d, b.n, recs), 2, "caplen 0 parses");
	is_int(recs[1].caplen, 0, "caplen 0");

	memcpy(b.d + 100 + 8, &(uint32_t){20}, 4);
	memcpy(b.d + 100 + 12, &(uint32_t){10}, 4);
	b.n = 100 + 16 + 20;
	is_int(parse_all(&p, b.d, b.n, recs), -1, "caplen above len");

	mkpcap(&b, PCAPIO_MAGIC_US, 0, 65535, 1);
	memcpy(b.d + 4, &(uint16_t){3}, 2);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "version 3 refused");

	is_int(parse_all(&p, (const uint8_t *)"hello world\n", 12, recs), -1,
	    "text is not a capture");
	is_int(parse_all(&p, (const uint8_t *)"", 0, recs), 0,
	    "empty input: no records, no error");
}

static void
test_pcapng(void)
{
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	struct b b;
	char what[80];
	int swap;

	for (swap = 0; swap < 2; swap++) {
		mkpcapng(&b, swap, 1);
		snprintf(what, sizeof(what), "pcapng%s: sniffed",
		    swap ? " swapped" : "");
		is_int(pcapio_sniff(b.d, b.n), PCAPIO_FMT_PCAPNG, what);
		snprintf(what, sizeof(what), "pcapng%s: three records",
		    swap ? " swapped" : "");
		is_int(parse_all(&p, b.d, b.n, recs), 3, what);
		snprintf(what, sizeof(what), "pcapng%s: EPB on interface 1",
		    swap ? " swapped" : "");
		ok(recs[0].ifid == 1 && recs[0].caplen == 60 &&
		    memcmp(recs[0].data, frame1, 60) == 0 &&
		    recs[0].ts_ns == 11500000000ULL, what);
		snprintf(what, sizeof(what), "pcapng%s: EPB on interface 0",
		    swap ? " swapped" : "");
		ok(recs[1].ifid == 0 && recs[1].caplen == 17 &&
		    memcmp(recs[1].data, frame2, 17) == 0 &&
		    recs[1].ts_ns == 2250000000ULL, what);
		snprintf(what, sizeof(what), "pcapng%s: SPB cut to snaplen",
		    swap ? " swapped" : "");
		ok(recs[2].caplen == 64 && recs[2].len == 100 &&
		    recs[2].data[20] == 0xab && recs[2].num == 3, what);
	}
	mkpcapng(&b, 0, 105);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: an 802.11 "
	    "interface refused");
	ok(strstr(p.err, "record 1 at byte") != NULL &&
	    strstr(p.err, "interface 1 has linktype 105, not Ethernet") !=
	    NULL, "pcapng: the message names record, interface, linktype");

	/* Two sections: the second in the other byte order. */
	{
		struct b b2;

		mkpcapng(&b, 0, 1);
		mkpcapng(&b2, 1, 1);
		memcpy(b.d + b.n, b2.d, b2.n);
		b.n += b2.n;
		is_int(parse_all(&p, b.d, b.n, recs), 6, "pcapng: two "
		    "sections, both byte orders");
		ok(recs[5].num == 6 && recs[5].caplen == 64,
		    "pcapng: second section's records");
		is_int(p.maxnif, 2, "pcapng: two sections of 2 interfaces: "
		    "maxnif 2");

		/* A section without records still counts its interfaces. */
		mkpcapng_empty(&b, 3);
		mkpcapng(&b2, 0, 1);
		memcpy(b.d + b.n, b2.d, b2.n);
		b.n += b2.n;
		is_int(parse_all(&p, b.d, b.n, recs), 3, "pcapng: a section of "
		    "3 interfaces and no record, then one of 2");
		is_int(p.nif, 2, "pcapng: nif is the last section's");
		is_int(p.maxnif, 3, "pcapng: maxnif is the most of any section");
		mkpcapng_empty(&b, 0);
		is_int(parse_all(&p, b.d, b.n, recs), 0, "pcapng: a section "
		    "header alone");
		is_int(p.maxnif, 0, "pcapng: no interface: maxnif 0");
	}

	mkpcapng(&b, 0, 1);
	at32(&b, 4, 30);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: block length "
	    "not a multiple of 4");
	is_str(p.err, "block at byte 0: bad block length 30", "pcapng: bad "
	    "length message");
	mkpcapng(&b, 0, 1);
	at32(&b, 28 + 4, 8);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: block length 8");
	mkpcapng(&b, 0, 1);
	at32(&b, 28 + 20 - 4, 24);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: trailing length "
	    "differs");
	ok(strstr(p.err, "trailing length 24") != NULL, "pcapng: trailing "
	    "message");
	mkpcapng(&b, 0, 1);
	at32(&b, 4, 0x7ffffffc);
	is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: huge block");

	/* An EPB whose caplen overruns its block, or names no interface. */
	mkpcapng(&b, 0, 1);
	{
		size_t epb1 = 28 + 20 + 44 + 16;

		at32(&b, epb1 + 20, 61);
		is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: caplen "
		    "overruns the block");
		mkpcapng(&b, 0, 1);
		at32(&b, epb1 + 8, 2);
		is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: unknown "
		    "interface");
		ok(strstr(p.err, "no interface 2") != NULL, "pcapng: unknown "
		    "interface message");
		mkpcapng(&b, 0, 1);
		at32(&b, epb1 + 20, 70000);
		at32(&b, epb1 + 24, 70000);
		is_int(parse_all(&p, b.d, b.n, recs), -1, "pcapng: caplen "
		    "70000");
		ok(strstr(p.err, "caplen 70000 overruns its block") != NULL,
		    "pcapng: caplen 70000 message");
	}
}

/*
 * Every cut of a file is either a clean end (at a record boundary) or an
 * error; never a crash, never a record that was not in the file.
 */
static void
test_truncation(void)
{
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	struct b b;
	size_t cut;
	int bad = 0, clean = 0, n, kind;
	/* Record boundaries: pcap 24, 100, 133; pcapng its blocks. */

	for (kind = 0; kind < 2; kind++) {
		if (kind == 0)
			mkpcap(&b, PCAPIO_MAGIC_NS, 1, 65535, 1);
		else
			mkpcapng(&b, 1, 1);
		clean = bad = 0;
		for (cut = 0; cut <= b.n; cut++) {
			uint8_t *copy = malloc(cut + 1);

			memcpy(copy, b.d, cut);
			n = parse_all(&p, copy, cut, recs);
			free(copy);
			if (n >= 0)
				clean++;
			else if (n == -1 && errno == EBADMSG &&
			    (strstr(p.err, "truncated") != NULL ||
			    strstr(p.err, "neither") != NULL))
				bad++;
			else
				diag("cut %zu: %d %s", cut, n, p.err);
		}
		if (kind == 0)
			is_int(clean, 4, "pcap: 4 clean cuts (0, 24, 100, 133)");
		else
			is_int(clean, 8, "pcapng: one clean cut per block "
			    "boundary (7 blocks)");
		is_int(clean + bad, (int)b.n + 1, kind == 0 ?
		    "pcap: every other cut is a truncation error" :
		    "pcapng: every other cut is a truncation error");
	}
	mkpcap(&b, PCAPIO_MAGIC_US, 0, 65535, 1);
	parse_all(&p, b.d, 90, recs);
	is_str(p.err, "record 1 at byte 24: truncated (66 bytes left)",
	    "truncation message names the record and offset");
}

/* A memfd holding buf. */
static int
memfile(const uint8_t *buf, size_t len)
{
	int fd = memfd_create("pcapio", MFD_CLOEXEC);

	if (fd == -1 || write(fd, buf, len) != (ssize_t)len ||
	    lseek(fd, 0, SEEK_SET) == -1)
		abort();
	return fd;
}

/* Reads every record of r; returns the count or -1. */
static int
read_all(struct pcapio_reader *r, uint64_t *sum)
{
	struct pcapio_rec rec;
	int n = 0, ret;

	*sum = 0;
	for (;;) {
		ret = pcapio_next(r, &rec);
		if (ret == -1)
			return -1;
		if (ret == 1) {
			n++;
			*sum += rec.caplen + (rec.caplen > 0 ? rec.data[0] : 0);
			continue;
		}
		ret = pcapio_refill(r);
		if (ret == -1)
			return -1;
		if (ret == 0)
			return n;
	}
}

static void
test_reader(void)
{
	static struct b big;
	struct pcapio_reader r;
	uint64_t sum;
	int fd, i, p[2], status;
	pid_t pid;

	/* 60 records of 60 bytes, through a 7-byte buffer that must grow. */
	memset(&big, 0, sizeof(big));
	pcapio_write_filehdr(big.d, 65535);
	big.n = 24;
	for (i = 0; i < 60; i++) {
		pcapio_write_rechdr(big.d + big.n, (uint64_t)i, 60, 60);
		memcpy(big.d + big.n + 16, frame1, 60);
		big.n += 76;
	}
	fd = memfile(big.d, big.n);
	ok(pcapio_reader_init(&r, fd, 7, 0) == 0, "reader with 7 bytes");
	is_int(pcapio_detect(&r), PCAPIO_FMT_PCAP, "reader: detects pcap");
	is_int(read_all(&r, &sum), 60, "reader: 60 records");
	is_int(sum, 60 * (60 + 0xff), "reader: their bytes");
	ok(pcapio_rewind(&r) == 0, "reader: rewind a file");
	is_int(read_all(&r, &sum), 60, "reader: 60 records again");
	pcapio_reader_free(&r);
	close(fd);

	/* A pipe, kept for rewinding. */
	if (pipe(p) == -1)
		abort();
	if ((pid = fork()) == 0) {
		close(p[0]);
		for (i = 0; i < (int)big.n; i += 100)
			if (write(p[1], big.d + i, big.n - i < 100 ?
			    big.n - i : 100) == -1)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	ok(pcapio_reader_init(&r, p[0], 64, 1 << 20) == 0, "kept reader");
	is_int(pcapio_detect(&r), PCAPIO_FMT_PCAP, "kept: detects pcap");
	is_int(read_all(&r, &sum), 60, "kept: 60 records from a pipe");
	ok(pcapio_rewind(&r) == 0, "kept: rewind a pipe");
	is_int(read_all(&r, &sum), 60, "kept: 60 records again");
	pcapio_reader_free(&r);
	waitpid(pid, &status, 0);

	/* Not kept: a pipe cannot be rewound. */
	ok(pcapio_reader_init(&r, p[0], 0, 0) == 0, "reader on a pipe");
	ok(pcapio_rewind(&r) == -1 && errno == ESPIPE, "pipe: ESPIPE");
	pcapio_reader_free(&r);
	close(p[0]);

	/* A kept stream beyond its limit. */
	fd = memfile(big.d, big.n);
	ok(pcapio_reader_init(&r, fd, 64, 1) == 0, "kept reader, tiny limit");
	r.maxsize = 1024;
	pcapio_detect(&r);
	ok(read_all(&r, &sum) == -1 && errno == EFBIG, "kept: EFBIG");
	pcapio_reader_free(&r);
	close(fd);
	/* Exactly the limit is kept; one byte less is not. */
	fd = memfile(big.d, big.n);
	ok(pcapio_reader_init(&r, fd, 64, 1) == 0, "kept reader, exact limit");
	r.maxsize = big.n;
	pcapio_detect(&r);
	is_int(read_all(&r, &sum), 60, "kept: a stream of exactly the limit");
	pcapio_reader_free(&r);
	close(fd);
	fd = memfile(big.d, big.n);
	ok(pcapio_reader_init(&r, fd, 64, 1) == 0, "kept reader, a byte short");
	r.maxsize = big.n - 1;
	pcapio_detect(&r);
	ok(read_all(&r, &sum) == -1 && errno == EFBIG,
	    "kept: the limit and one byte more: EFBIG");
	pcapio_reader_free(&r);
	close(fd);

	/* Truncated in the middle of a record, read through the reader. */
	fd = memfile(big.d, big.n - 10);
	ok(pcapio_reader_init(&r, fd, 0, 0) == 0, "reader, truncated file");
	pcapio_detect(&r);
	ok(read_all(&r, &sum) == -1 && errno == EBADMSG &&
	    strstr(r.p.err, "record 60 at byte") != NULL,
	    "reader: truncated last record named");
	pcapio_reader_free(&r);
	close(fd);
}

/* pcapng writing: the blocks of a known case, byte for byte. */
static void
test_ng_blocks(void)
{
	static const uint8_t shb[52] = {
		0x0a, 0x0d, 0x0d, 0x0a, 0x34, 0, 0, 0,
		0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		1, 0, 2, 0, 'h', 'i', 0, 0,
		4, 0, 5, 0, 'f', 'd', 'c', 'a', 'p', 0, 0, 0,
		0, 0, 0, 0, 0x34, 0, 0, 0,
	};
	static const uint8_t idb[40] = {
		1, 0, 0, 0, 0x28, 0, 0, 0, 1, 0, 0, 0, 0xdc, 0x05, 0, 0,
		2, 0, 2, 0, 'l', 'o', 0, 0,
		9, 0, 1, 0, 9, 0, 0, 0,
		0, 0, 0, 0, 0x28, 0, 0, 0,
	};
	static const uint8_t epb[52] = {
		6, 0, 0, 0, 0x34, 0, 0, 0, 1, 0, 0, 0,
		1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 9, 0, 0, 0,
		'a', 'b', 'c', 'd', 'e', 0, 0, 0,
		2, 0, 4, 0, 2, 0, 0, 0,
		0, 0, 0, 0, 0x34, 0, 0, 0,
	};
	static const uint8_t isb[76] = {
		5, 0, 0, 0, 0x4c, 0, 0, 0, 0, 0, 0, 0,
		0x0c, 0, 0, 0, 0x0d, 0, 0, 0,
		2, 0, 8, 0, 0x0a, 0, 0, 0, 0x0b, 0, 0, 0,
		3, 0, 8, 0, 0x0c, 0, 0, 0, 0x0d, 0, 0, 0,
		4, 0, 8, 0, 7, 0, 0, 0, 0, 0, 0, 0,
		5, 0, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x4c, 0, 0, 0,
	};
	static const uint8_t five[5] = { 'a', 'b', 'c', 'd', 'e' };
	struct pcapio_ng_stats st = { 0x0000000a0000000bULL,
	    0x0000000c0000000dULL, 1, 7, 3 };
	struct pcapio_ng_epb b;
	uint8_t buf[128], got[128];
	size_t n;

	if (htole32(1) != 1) {
		skip(11, "the known case is little-endian");
		return;
	}
	is_int(pcapio_ng_shb(NULL, 0, "fdcap", NULL, "hi"), 52,
	    "shb: measured without a buffer");
	is_int(pcapio_ng_shb(buf, sizeof(buf), "fdcap", NULL, "hi"), 52,
	    "shb: its length");
	is_mem(buf, shb, 52, "shb: comment, userappl, end, both lengths");
	is_int(pcapio_ng_idb(buf, sizeof(buf), "lo", 1500), 40,
	    "idb: its length");
	is_mem(buf, idb, 40, "idb: Ethernet, snaplen, if_name, if_tsresol 9");
	is_int(pcapio_ng_epb(&b, 1, 0x0000000100000002ULL, five, 5, 9,
	    PCAPIO_EPB_OUTBOUND), 52, "epb: its length");
	n = 0;
	memcpy(got, b.iov[0].iov_base, b.iov[0].iov_len);
	n += b.iov[0].iov_len;
	memcpy(got + n, b.iov[1].iov_base, b.iov[1].iov_len);
	n += b.iov[1].iov_len;
	memcpy(got + n, b.iov[2].iov_base, b.iov[2].iov_len);
	n += b.iov[2].iov_len;
	is_int(n, 52, "epb: the pieces add up");
	ok(b.iov[1].iov_base == (const void *)five,
	    "epb: the frame is not copied: its piece points at it");
	is_mem(got, epb, 52, "epb: head, frame, padding, epb_flags, end");
	is_int(pcapio_ng_isb(buf, sizeof(buf), 0, &st), PCAPIO_NG_ISB_LEN,
	    "isb: its length");
	is_mem(buf, isb, 76, "isb: times and counts");
}

/* Lengths: padding for every odd length, too small buffers, limits. */
static void
test_ng_padding(void)
{
	struct pcapio_ng_epb b;
	char s[8];
	uint8_t buf[256];
	uint32_t v;
	ssize_t n;
	size_t i, k;
	int bad = 0;

	for (i = 0; i <= 8; i++) {
		n = pcapio_ng_epb(&b, 0, 0, frame1, (uint32_t)i, 60,
		    i % 2 ? PCAPIO_EPB_INBOUND : 0);
		if (n != (ssize_t)(28 + (i + 3) / 4 * 4 + (i % 2 ? 12 : 0) + 4) ||
		    n % 4 != 0 || b.iov[2].iov_len != (size_t)n - 28 - i)
			bad++;
		for (k = i; k % 4 != 0; k++)	/* the padding is zeros */
			if (b.tail[k - i] != 0)
				bad++;
		memcpy(&v, b.tail + b.iov[2].iov_len - 4, 4);
		if (v != (uint32_t)n)
			bad++;
	}
	is_int(bad, 0, "epb: caplen 0..8 padded to 32 bits, with and "
	    "without epb_flags");
	bad = 0;
	for (i = 0; i < sizeof(s); i++) {
		memset(s, 'x', i);
		s[i] = '\0';
		n = pcapio_ng_shb(buf, sizeof(buf), s, s, s);
		if (n != (ssize_t)(28 + 3 * (4 + (i + 3) / 4 * 4) + 4))
			bad++;
		memcpy(&v, buf + n - 4, 4);
		if (v != (uint32_t)n || memcmp(buf + 4, &v, 4) != 0)
			bad++;
		n = pcapio_ng_idb(buf, sizeof(buf), s, 0);
		if (n != (ssize_t)(16 + 4 + (i + 3) / 4 * 4 + 8 + 4 + 4))
			bad++;
	}
	is_int(bad, 0, "shb, idb: options of 0..7 bytes padded, lengths "
	    "agree");
	n = pcapio_ng_idb(NULL, 0, NULL, 0);
	is_int(n, 16 + 8 + 4 + 4, "idb: no name, no if_name");
	is_int(pcapio_ng_shb(NULL, 0, NULL, NULL, NULL), 28,
	    "shb: no options, no opt_endofopt");
	errno = 0;
	ok(pcapio_ng_shb(buf, 27, NULL, NULL, NULL) == -1 && errno == EMSGSIZE,
	    "shb: a buffer too small is EMSGSIZE");
	errno = 0;
	ok(pcapio_ng_isb(buf, 75, 0, &(struct pcapio_ng_stats){ 0, 0, 1, 0,
	    0 }) == -1 && errno == EMSGSIZE, "isb: a buffer too small");
	is_int(pcapio_ng_isb(NULL, 0, 0, &(struct pcapio_ng_stats){ 0, 0, 0,
	    0, 0 }), 52, "isb: without counts, times only");
	errno = 0;
	ok(pcapio_ng_epb(&b, 0, 0, frame1, 61, 60, 0) == -1 &&
	    errno == EMSGSIZE, "epb: caplen above len is EMSGSIZE");
	errno = 0;
	ok(pcapio_ng_epb(&b, 0, 0, frame1, PCAPIO_MAXCAPLEN + 1,
	    PCAPIO_MAXCAPLEN + 1, 0) == -1 && errno == EMSGSIZE,
	    "epb: caplen above PCAPIO_MAXCAPLEN is EMSGSIZE");
}

/* The direction and addressing of each Linux packet type. */
static void
test_ng_flags(void)
{
	is_int(pcapio_ng_flags(PACKET_HOST), PCAPIO_EPB_INBOUND |
	    PCAPIO_EPB_UNICAST, "flags: PACKET_HOST: inbound, unicast");
	is_int(pcapio_ng_flags(PACKET_BROADCAST), PCAPIO_EPB_INBOUND |
	    PCAPIO_EPB_BROADCAST, "flags: PACKET_BROADCAST");
	is_int(pcapio_ng_flags(PACKET_MULTICAST), PCAPIO_EPB_INBOUND |
	    PCAPIO_EPB_MULTICAST, "flags: PACKET_MULTICAST");
	is_int(pcapio_ng_flags(PACKET_OTHERHOST), PCAPIO_EPB_INBOUND |
	    PCAPIO_EPB_PROMISC, "flags: PACKET_OTHERHOST: promiscuous");
	is_int(pcapio_ng_flags(PACKET_OUTGOING), PCAPIO_EPB_OUTBOUND,
	    "flags: PACKET_OUTGOING: outbound");
	is_int(pcapio_ng_flags(99), PCAPIO_EPB_INBOUND,
	    "flags: an unknown type is inbound");
}

/* A small seeded generator, the same on every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define NG_RECS		3000
#define NG_IFS		3

/*
 * The writer into the reader: three interfaces of different snaplens,
 * thousands of random frames (lengths, cuts, times, flags, interfaces),
 * an ISB for each, parsed in random pieces as from a pipe.  Every record
 * and every count must come back as written.
 */
static void
test_ng_roundtrip(void)
{
	static const uint32_t snaps[NG_IFS] = { 0, 1514, 97 };
	static const char *names[NG_IFS] = { "eth0", "a", "veth-long-name" };
	struct pcapio_ng_stats st[NG_IFS];
	struct pcapio_parser p;
	struct pcapio_rec rec;
	struct pcapio_ng_epb b;
	struct {
		uint32_t ifid, caplen, len, flags, doff;
		uint64_t ts;
	} *want;
	uint8_t *buf, *data;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t n = 0, off = 0, used, end, size = 16U << 20;
	uint32_t i, k, got = 0, bad = 0;
	ssize_t m;
	int r;

	buf = malloc(size);
	data = malloc(4096);
	want = calloc(NG_RECS, sizeof(*want));
	if (buf == NULL || data == NULL || want == NULL) {
		ok(0, "malloc");
		return;
	}
	for (i = 0; i < 4096; i++)
		data[i] = (uint8_t)rnd(&seed);
	m = pcapio_ng_shb(buf, size, "test", "os", "a comment");
	n += (size_t)m;
	for (i = 0; i < NG_IFS; i++) {
		m = pcapio_ng_idb(buf + n, size - n, names[i], snaps[i]);
		n += (size_t)m;
	}
	for (i = 0; i < NG_RECS; i++) {
		want[i].ifid = (uint32_t)(rnd(&seed) % NG_IFS);
		want[i].len = (uint32_t)(rnd(&seed) % 2000);
		want[i].caplen = want[i].len - (uint32_t)(rnd(&seed) % 3 == 0 ?
		    rnd(&seed) % (want[i].len + 1) : 0);
		if (snaps[want[i].ifid] > 0 && want[i].caplen >
		    snaps[want[i].ifid])
			want[i].caplen = snaps[want[i].ifid];
		want[i].flags = (uint32_t)(rnd(&seed) % 4 == 0 ? 0 :
		    pcapio_ng_flags((unsigned)(rnd(&seed) % 6)));
		want[i].ts = rnd(&seed) >> 2;
		want[i].doff = (uint32_t)(rnd(&seed) % 2048);
		m = pcapio_ng_epb(&b, want[i].ifid, want[i].ts,
		    data + want[i].doff, want[i].caplen, want[i].len,
		    want[i].flags);
		for (k = 0; k < 3; k++) {
			memcpy(buf + n, b.iov[k].iov_base, b.iov[k].iov_len);
			n += b.iov[k].iov_len;
		}
		if (m <= 0 || n % 4 != 0)
			bad++;
	}
	for (i = 0; i < NG_IFS; i++) {
		st[i].start_ns = rnd(&seed) >> 1;
		st[i].end_ns = rnd(&seed) >> 1;
		st[i].counted = i != 1;
		st[i].ifrecv = st[i].counted ? rnd(&seed) : 0;
		st[i].ifdrop = st[i].counted ? rnd(&seed) : 0;
		n += (size_t)pcapio_ng_isb(buf + n, size - n, i, &st[i]);
	}
	is_int(bad, 0, "round trip: every block a multiple of 32 bits");
	pcapio_parser_init(&p, PCAPIO_FMT_NONE);
	end = 0;
	for (;;) {
		if (end < n)
			end += (size_t)(rnd(&seed) % 3000);
		if (end > n)
			end = n;
		r = pcapio_parse(&p, buf + off, end - off, end == n, &rec,
		    &used);
		off += used;
		if (r == -1) {
			diag("%s", p.err);
			break;
		}
		if (r == 0) {
			if (end == n)
				break;
			continue;
		}
		i = got++;
		if (i >= NG_RECS || rec.ifid != want[i].ifid ||
		    rec.caplen != want[i].caplen || rec.len != want[i].len ||
		    rec.ts_ns != want[i].ts || rec.flags != want[i].flags ||
		    memcmp(rec.data, data + want[i].doff, rec.caplen) != 0) {
			if (bad++ == 0)
				diag("record %u differs", i + 1);
		}
	}
	ok(r == 0 && off == n, "round trip: the stream parses to its end");
	is_int(got, NG_RECS, "round trip: every record");
	is_int(bad, 0, "round trip: interface, lengths, time, epb_flags and "
	    "bytes as written");
	is_int(p.nif, NG_IFS, "round trip: three interfaces");
	ok(p.ifs[2].snaplen == 97 && p.ifs[2].tsresol == 9,
	    "round trip: snaplen and if_tsresol read back");
	bad = 0;
	for (i = 0; i < NG_IFS; i++)
		if (!p.ifs[i].have_isb ||
		    p.ifs[i].isb.start_ns != st[i].start_ns ||
		    p.ifs[i].isb.end_ns != st[i].end_ns ||
		    p.ifs[i].isb.counted != st[i].counted ||
		    p.ifs[i].isb.ifrecv != st[i].ifrecv ||
		    p.ifs[i].isb.ifdrop != st[i].ifdrop)
			bad++;
	is_int(bad, 0, "round trip: each ISB's times and counts read back");
	free(want);
	free(data);
	free(buf);
}

/* --tstamp-us: the microsecond magic, timestamps cut to the us. */
static void
test_writer_us(void)
{
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	uint8_t buf[24 + 16 + 60];
	uint32_t v;

	pcapio_write_filehdr_us(buf, 100);
	memcpy(&v, buf, 4);
	is_int(v, PCAPIO_MAGIC_US, "us: magic 0xa1b2c3d4 in host order");
	pcapio_write_rechdr_us(buf + 24, 1700000000123456789ULL, 60, 64);
	memcpy(&v, buf + 28, 4);
	is_int(v, 123456, "us: microseconds");
	memcpy(buf + 40, frame1, 60);
	is_int(parse_all(&p, buf, sizeof(buf), recs), 1, "us: read back");
	ok(recs[0].ts_ns == 1700000000123456000ULL && recs[0].caplen == 60 &&
	    recs[0].len == 64 && p.snaplen == 100, "us: time, lengths, "
	    "snaplen");
}

/* A pcap file of one record, rec[0..len), of the given link type. */
static void
mkpcap1(struct b *b, uint32_t linktype, const uint8_t *rec, size_t len)
{
	memset(b, 0, sizeof(*b));
	put32(b, PCAPIO_MAGIC_US);
	put16(b, 2);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, 65535);
	put32(b, linktype);
	put32(b, 1);
	put32(b, 0);
	put32(b, (uint32_t)len);
	put32(b, (uint32_t)len);
	put(b, rec, len);
}

static void
test_cooked(void)
{
	/* SLL: outgoing, ARPHRD_ETHER, 6-byte address, 0x88b5, "hi". */
	static const uint8_t sll[] = {
		0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 9, 0, 0, 0x88, 0xb5,
		'h', 'i',
	};
	/* SLL2: 0x8100 (a tag put back follows), ifindex 3, address. */
	static const uint8_t sll2[] = {
		0x81, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 8,
		0, 0, 0x00, 0x05, 0x88, 0xb5, 'x',
	};
	/* SLL from a tun device: no address. */
	static const uint8_t noaddr[] = {
		0, 0, 0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
		0x45,
	};
	/* SLL with protocol 4: 802.2 frames, no ethertype. */
	static const uint8_t llc[] = {
		0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 9, 0, 0, 0x00, 0x04,
		0x42, 0x42, 3,
	};
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t want1[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 9, 0x88, 0xb5,
	};
	static const uint8_t dst2[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t want2[14] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 8, 0x81, 0x00,
	};
	struct pcapio_parser p;
	struct pcapio_rec recs[8];
	struct b b;
	uint8_t hdr[14];
	size_t skip = 0;
	char err[PCAPIO_ERRLEN];

	mkpcap1(&b, PCAPIO_LINKTYPE_LINUX_SLL, sll, sizeof(sll));
	is_int(parse_all(&p, b.d, b.n, recs), 1, "SLL: a record");
	is_int(recs[0].linktype, PCAPIO_LINKTYPE_LINUX_SLL, "SLL: its linktype");
	ok(pcapio_cooked(&recs[0], bcast, hdr, &skip, err, sizeof(err)) == 0 &&
	    memcmp(hdr, want1, 14) == 0 && skip == 16,
	    "SLL: broadcast, the cooked address as source, its type");
	ok(recs[0].caplen - skip == 2 && memcmp(recs[0].data + skip, "hi",
	    2) == 0, "SLL: the payload follows the header");

	mkpcap1(&b, PCAPIO_LINKTYPE_LINUX_SLL2, sll2, sizeof(sll2));
	is_int(parse_all(&p, b.d, b.n, recs), 1, "SLL2: a record");
	ok(pcapio_cooked(&recs[0], dst2, hdr, &skip, err, sizeof(err)) == 0 &&
	    memcmp(hdr, want2, 14) == 0 && skip == 20,
	    "SLL2: the given destination, source, 0x8100");
	ok(recs[0].data[skip] == 0 && recs[0].data[skip + 1] == 5,
	    "SLL2: the tag's TCI follows as it is");

	mkpcap1(&b, PCAPIO_LINKTYPE_LINUX_SLL, noaddr, sizeof(noaddr));
	is_int(parse_all(&p, b.d, b.n, recs), 1, "SLL without an address: "
	    "read");
	errno = 0;
	ok(pcapio_cooked(&recs[0], bcast, hdr, &skip, err, sizeof(err)) ==
	    -1 && errno == EBADMSG, "but not made Ethernet: EBADMSG");
	is_str(err, "a Linux cooked header with a 0-byte address, not an "
	    "Ethernet one", "the message says why");

	mkpcap1(&b, PCAPIO_LINKTYPE_LINUX_SLL, llc, sizeof(llc));
	(void)parse_all(&p, b.d, b.n, recs);
	ok(pcapio_cooked(&recs[0], bcast, hdr, &skip, err, sizeof(err)) ==
	    -1 && strstr(err, "protocol 0x0004, not an ethertype") != NULL,
	    "protocol 4 (802.2): refused by name");

	mkpcap1(&b, PCAPIO_LINKTYPE_LINUX_SLL2, sll, 10);
	(void)parse_all(&p, b.d, b.n, recs);
	ok(pcapio_cooked(&recs[0], bcast, hdr, &skip, err, sizeof(err)) ==
	    -1 && errno == EBADMSG && strstr(err, "shorter than") != NULL,
	    "a record shorter than its header: EBADMSG");

	mkpcap(&b, PCAPIO_MAGIC_US, 0, 65535, 1);
	(void)parse_all(&p, b.d, b.n, recs);
	is_int(recs[0].linktype, PCAPIO_LINKTYPE_ETHERNET,
	    "an Ethernet record says so");
	errno = 0;
	ok(pcapio_cooked(&recs[0], bcast, hdr, &skip, err, sizeof(err)) ==
	    -1 && errno == EINVAL, "and is not cooked: EINVAL");
	mkpcapng(&b, 0, PCAPIO_LINKTYPE_LINUX_SLL);
	ok(parse_all(&p, b.d, b.n, recs) == 3 &&
	    recs[0].linktype == PCAPIO_LINKTYPE_LINUX_SLL &&
	    recs[1].linktype == PCAPIO_LINKTYPE_ETHERNET,
	    "pcapng: each record has its interface's linktype");
}

int
main(void)
{
	test_writer();
	test_roundtrip();
	test_pcap_magics();
	test_pcap_bad();
	test_pcapng();
	test_truncation();
	test_reader();
	test_cooked();
	test_ng_blocks();
	test_ng_padding();
	test_ng_flags();
	test_ng_roundtrip();
	test_writer_us();
	return done();
}
