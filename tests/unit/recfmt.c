/*
 * Unit tests of lib/recfmt: each format's record of a frame, as written
 * through an outq into a file: pcap in ns and us, the long frame left in
 * place, the tag put back, cut to -s; a pcapng EPB; a hex line; a text
 * line; a payload; what counts as cut short; the sizes.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outq.h"
#include "pcapio.h"
#include "recfmt.h"
#include "tap.h"

static uint8_t scratch[4096], out[8192];

/* f written as rf says; returns the bytes it came to (in out), or -1. */
static ssize_t
record(const struct recfmt *rf, const struct ring_frame *f)
{
	struct outq o;
	FILE *fp;
	ssize_t n = -1;

	if ((fp = tmpfile()) == NULL || outq_init(&o, fileno(fp), 1 << 16) == -1)
		return -1;
	if (recfmt_write(rf, &o, f) == 0 && outq_flush(&o) == 0)
		n = pread(fileno(fp), out, sizeof(out), 0);
	outq_free(&o);
	fclose(fp);
	return n;
}

/* A little-endian 32-bit number at p. */
static uint32_t
le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

int
main(void)
{
	struct recfmt rf = { RECFMT_PCAP, 0, 1518, 1518, scratch, 0 };
	struct ring_frame f;
	uint8_t frame[1000];
	uint32_t wire, kept;
	ssize_t n;
	size_t i;

	plan(23);
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	memcpy(frame, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x01\x88\xb5", 14);
	memset(&f, 0, sizeof(f));
	f.data = frame;
	f.caplen = f.len = 60;
	f.ts_ns = 1234567890123456789ULL;

	n = record(&rf, &f);
	ok(n == 16 + 60 && le32(out) == 1234567890 &&
	    le32(out + 4) == 123456789 && le32(out + 8) == 60 &&
	    le32(out + 12) == 60, "pcap: a ns record header");
	is_mem(out + 16, frame, 60, "and the frame");
	rf.usec = 1;
	n = record(&rf, &f);
	ok(n == 76 && le32(out + 4) == 123456, "--tstamp-us: microseconds");
	rf.usec = 0;

	f.caplen = f.len = 1000;
	n = record(&rf, &f);
	ok(n == 16 + 1000 && le32(out + 8) == 1000, "a long frame, whole");
	is_mem(out + 16, frame, 1000, "from where it was");
	rf.cut = 100;
	n = record(&rf, &f);
	ok(n == 116 && le32(out + 8) == 100 && le32(out + 12) == 1000,
	    "cut to -s: caplen 100 of 1000");
	ok(!recfmt_cut(&rf, &f, &wire, &kept), "-s is no loss to count");
	rf.cut = 1518;

	f.caplen = f.len = 60;
	f.vlan_valid = 1;
	f.vlan_tci = 5;
	f.vlan_tpid = 0x8100;
	n = record(&rf, &f);
	ok(n == 16 + 64 && le32(out + 8) == 64 && le32(out + 12) == 64 &&
	    memcmp(out + 16 + 12, "\x81\x00\x00\x05\x88\xb5", 6) == 0,
	    "the tag put back after the addresses");
	is_int(recfmt_size(&rf, &f), 16 + 64, "its size, exact");
	f.vlan_valid = 0;

	rf.fmt = RECFMT_PCAPNG;
	n = record(&rf, &f);
	ok(n > 28 + 60 && le32(out) == 6 && le32(out + 4) == (uint32_t)n &&
	    le32(out + 20) == 60 && le32(out + 24) == 60 &&
	    memcmp(out + 28, frame, 60) == 0, "pcapng: one EPB");
	ok((size_t)n <= recfmt_size(&rf, &f), "no larger than its size");
	is_int(le32(out + 8), 0, "of interface 0");
	rf.ifid = 3;
	n = record(&rf, &f);
	is_int(le32(out + 8), 3, "of interface rf.ifid");
	rf.ifid = 0;

	rf.fmt = RECFMT_HEX;
	f.caplen = f.len = 16;
	n = record(&rf, &f);
	ok(n == 33 && memcmp(out, "ffffffffffff02000000000188b50e0f\n",
	    33) == 0, "hex: one line");
	is_int(recfmt_size(&rf, &f), 33, "its size");

	rf.fmt = RECFMT_TEXT;
	f.caplen = f.len = 60;
	n = record(&rf, &f);
	ok(n > 0 && out[n - 1] == '\n' && memchr(out, '\n', (size_t)n) ==
	    out + n - 1, "text: one line");

	rf.fmt = RECFMT_PAYLOAD;
	n = record(&rf, &f);
	ok(n == 46 && memcmp(out, frame + 14, 46) == 0,
	    "payload: what follows the header");
	f.caplen = f.len = 10;
	is_int(record(&rf, &f), 0, "shorter than a header: nothing");

	/* What counts as cut short. */
	rf.fmt = RECFMT_PCAP;
	rf.snaplen = 100;
	f.caplen = f.len = 200;
	ok(recfmt_cut(&rf, &f, &wire, &kept) && wire == 200 && kept == 100,
	    "pcap, longer than snaplen: cut, 100 of 200 kept");
	rf.fmt = RECFMT_HEX;
	ok(!recfmt_cut(&rf, &f, &wire, &kept), "hex holds it whole");
	f.len = 300;
	ok(recfmt_cut(&rf, &f, &wire, &kept) && wire == 300,
	    "cut by the source (caplen < len): cut in any format");
	f.caplen = f.len = 98;
	f.vlan_valid = 1;
	rf.fmt = RECFMT_PCAP;
	ok(recfmt_cut(&rf, &f, &wire, &kept) && wire == 102 && kept == 100,
	    "the tag counts: 102 bytes on the wire");
	rf.snaplen = 1518;
	ok(!recfmt_cut(&rf, &f, &wire, &kept) && kept == 102,
	    "and within snaplen nothing is cut");
	return done();
}
