/*
 * ethsend's input: stdin's format (pcap, pcapng by their magic, else -f
 * or lines), the Ethernet header of payload input, and each record made a
 * frame in the batch, checked against the interface's MTU.
 */
#include <sys/types.h>

#include <endian.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "fdcap.h"
#include "pcapio.h"
#include "relay.h"
#include "textio.h"
#include "txq.h"

#include "ethsend.h"

static const uint8_t bcast[ETH_ALEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * Input that is neither a capture nor text, without -f: a compressed
 * capture by its name, other bytes as not text.  Ends the run (111).
 */
static void
refuse_input(const struct pcapio_reader *rd)
{
	enum textio_kind k = textio_sniff(rd->buf + rd->pos,
	    rd->end - rd->pos);

	if (k == TEXTIO_TEXT)
		return;
	if (k == TEXTIO_BINARY)
		errx(EXIT_SYS, "stdin: not text: give -f raw to send it as "
		    "payloads");
	errx(EXIT_SYS, "stdin: %s-compressed: decompress it first",
	    textio_kindname(k));
}

/*
 * Opens stdin and tells its format: pcap or pcapng by their magic, else
 * -f or lines.  -l and -R need timestamps: pcap or pcapng.
 */
enum pcapio_format
open_input(const struct opts *o, struct run *r, struct pcapio_reader *rd)
{
	enum pcapio_format fmt;
	off_t seekable;
	int ret;

	/* -l on a pipe keeps the whole capture in memory; a file is re-read. */
	seekable = lseek(STDIN_FILENO, 0, SEEK_CUR);
	if (pcapio_reader_init(rd, STDIN_FILENO, 0,
	    o->loops != 1 && seekable == -1 ? KEEP_MAX : 0) == -1)
		err(EXIT_SYS, "malloc");
	while ((ret = pcapio_detect(rd)) == -1 && errno == EINTR && !stop)
		feedback(o, r);
	if (ret == -1) {
		if (stop)
			finish(o, r, 0);
		err(EXIT_SYS, "stdin");
	}
	fmt = (enum pcapio_format)ret;
	if (fmt == PCAPIO_FMT_NONE && o->fmt == PCAPIO_FMT_NONE)
		refuse_input(rd);
	if (fmt == PCAPIO_FMT_NONE)
		fmt = o->fmt != PCAPIO_FMT_NONE ? o->fmt : PCAPIO_FMT_LINES;
	if (o->loops != 1 && fmt != PCAPIO_FMT_PCAP &&
	    fmt != PCAPIO_FMT_PCAPNG)
		errx(EXIT_USAGE, "-l: the input is not pcap or pcapng");
	if (o->factor > 0 && fmt != PCAPIO_FMT_PCAP &&
	    fmt != PCAPIO_FMT_PCAPNG)
		errx(EXIT_USAGE, "-R: the input is not pcap or pcapng");
	if (o->ifid >= 0 && fmt != PCAPIO_FMT_PCAPNG)
		errx(EXIT_USAGE, "-i: the input is not pcapng");
	return fmt;
}

/*
 * For payload input: the Ethernet header every payload is sent behind,
 * into r->hdr, from -d, -s (or the interface's address), -t and -v.  And
 * for any input, r->fr: how each record becomes a frame (lib/txq).
 */
void
payload_header(const struct opts *o, struct run *r, enum pcapio_format fmt)
{
	struct eth_hdr h;
	int hl;

	r->payload = fmt == PCAPIO_FMT_LINES || fmt == PCAPIO_FMT_RAW;
	if (r->payload) {
		if (!o->have_type)
			errx(EXIT_USAGE, "the input is payload, not frames: "
			    "give its ethertype with -t");
		if (!r->have_ifc && !o->have_src)
			errx(EXIT_USAGE, "the input is payload, not frames: "
			    "on a relayed fd give iface ethertype, or -s");
		if (!r->have_ifc)
			r->ifc.mtu = RELAY_MTU_UNKNOWN;
		memset(&h, 0, sizeof(h));
		memcpy(h.dst, o->have_dst ? o->dst :
		    (const uint8_t *)"\xff\xff\xff\xff\xff\xff", ETH_ALEN_);
		memcpy(h.src, o->have_src ? o->src : r->ifc.mac, ETH_ALEN_);
		h.type = o->type;
		h.tagged = o->tagged;
		h.tpid = 0x8100;
		h.tci = o->tci;
		if ((hl = eth_encode(r->hdr, sizeof(r->hdr), &h)) == -1)
			err(EXIT_SYS, "eth_encode");
		r->hdrlen = (size_t)hl;
	}
	r->fr.hdr = r->payload ? r->hdr : NULL;
	r->fr.hdrlen = r->hdrlen;
	r->fr.dst = o->have_dst ? o->dst : bcast;
	r->fr.ifname = r->ifc.name;
	r->fr.mtu = r->ifc.mtu;
	r->fr.maxframe = r->maxframe;
}

/* The next record of whatever format the input is in. */
int
next_record(struct pcapio_reader *rd, enum pcapio_format fmt, size_t mtu,
    struct pcapio_rec *rec)
{
	if (fmt == PCAPIO_FMT_PCAP || fmt == PCAPIO_FMT_PCAPNG)
		return pcapio_next(rd, rec);
	return textio_next(rd, fmt, mtu, rec);
}

/*
 * A bad frame: an error that ends the run, or under -k a warning and a
 * count.  Returns 0 when the frame is to be skipped.
 */
static int __attribute__((format(printf, 3, 4)))
badframe(const struct opts *o, struct run *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("stdin: %s", msg);
	if (!o->skip) {
		flush(o, r);
		finish(o, r, EXIT_SYS);
	}
	r->skipped++;
	return 0;
}

/*
 * Frames are sent as they are: an ETHERTYPE operand that differs from a
 * frame's (after one 802.1Q tag) is said once, not silently ignored.
 * rec is a whole Ethernet frame, at least its header.
 */
static void
typecheck(const struct opts *o, struct run *r, const struct pcapio_rec *rec)
{
	uint16_t tpid, type;
	char want[16];

	if (r->typesaid || o->optype == ETHTYPE_NONE ||
	    o->optype == ETHTYPE_ALL)
		return;
	memcpy(&tpid, rec->data + 12, 2);
	type = tpid = be16toh(tpid);
	if (tpid == 0x8100 && rec->caplen >= 18) {
		memcpy(&type, rec->data + 16, 2);
		type = be16toh(type);
	}
	if (type == o->optype)
		return;
	r->typesaid = 1;
	eth_format_type(o->optype, want, sizeof(want));
	warnx("frame %llu has ethertype 0x%04x, not %s: frames are sent "
	    "as they are (the ethertype applies to payloads)",
	    (unsigned long long)rec->num, type, want);
}

/*
 * Adds the record to the batch as a frame (txq_add_record(): a frame as
 * it is, or a payload behind r->hdr and padded to 60 bytes) after
 * checking its size.  Returns 1 when it was added, 0 when it was skipped
 * (-k).
 */
int
add(const struct opts *o, struct run *r, const struct pcapio_rec *rec)
{
	char why[256];

	/* Said before the frame is checked, as it is said of a bad one. */
	if (!r->payload && rec->linktype == PCAPIO_LINKTYPE_ETHERNET &&
	    rec->caplen >= rec->len && rec->caplen >= ETH_HLEN_)
		typecheck(o, r, rec);
	if (txq_add_record(r->cur, rec, &r->fr, why, sizeof(why)) == -1)
		return badframe(o, r, "%s", why);
	if (r->mt != NULL) {
		/* -j: the next frame is the next sender's. */
		if (txpool_next(r->mt))
			senders_wait(o, r);
		r->cur = txpool_batch(r->mt);
	}
	return 1;
}
