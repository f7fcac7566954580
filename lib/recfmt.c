/*
 * recfmt: one received frame as a record of an output format.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "eth.h"
#include "outq.h"
#include "pcapio.h"
#include "recfmt.h"
#include "ring.h"
#include "textio.h"

/* f's bytes with its tag put back. */
static uint32_t
recfmt_full(const struct ring_frame *f)
{
	return f->caplen + (f->vlan_valid && f->caplen >= 12 ? 4 : 0);
}

int
recfmt_cut(const struct recfmt *rf, const struct ring_frame *f,
    uint32_t *wire, uint32_t *kept)
{
	uint32_t full = recfmt_full(f);

	*wire = f->len + (full - f->caplen);
	*kept = full < rf->snaplen ? full : rf->snaplen;
	return f->caplen < f->len || ((rf->fmt == RECFMT_PCAP ||
	    rf->fmt == RECFMT_PCAPNG) && full > rf->snaplen);
}

size_t
recfmt_size(const struct recfmt *rf, const struct ring_frame *f)
{
	size_t full = recfmt_full(f);

	switch (rf->fmt) {
	case RECFMT_PCAP:
		return PCAPIO_RECHDR_LEN + (full < rf->cut ? full : rf->cut);
	case RECFMT_PCAPNG:
		return 64 + full;	/* an EPB and its options, at most */
	case RECFMT_HEX:
		return TEXTIO_HEXLINE_LEN(full);
	case RECFMT_TEXT:
		return TEXTIO_SUMMARY_LEN;
	default:
		return full;
	}
}

/* A pcap record header, in ns or in us. */
static void
recfmt_rechdr(const struct recfmt *rf, uint8_t *p, uint64_t ts_ns,
    uint32_t caplen, uint32_t len)
{
	if (rf->usec)
		pcapio_write_rechdr_us(p, ts_ns, caplen, len);
	else
		pcapio_write_rechdr(p, ts_ns, caplen, len);
}

/* A pcapng EPB, its direction and addressing in epb_flags: one block. */
static int
recfmt_ng(const struct recfmt *rf, struct outq *o, const struct ring_frame *f)
{
	struct pcapio_ng_epb b;
	const uint8_t *data = f->data;
	uint32_t caplen = f->caplen, len = f->len;

	if (f->vlan_valid) {
		caplen = (uint32_t)ring_frame_copy(f, rf->frame, &len);
		data = rf->frame;
	}
	if (caplen > rf->cut)
		caplen = rf->cut;
	if (pcapio_ng_epb(&b, rf->ifid, f->ts_ns, data, caplen, len,
	    pcapio_ng_flags(f->pkttype)) == -1) {
		errno = EINVAL;
		return -1;
	}
	return outq_put(o, b.iov, 3);
}

/* A pcap record: long and as on the wire, from where it is; else copied. */
static int
recfmt_pcap(const struct recfmt *rf, struct outq *o, const struct ring_frame *f)
{
	uint32_t caplen, len;
	uint8_t *p;

	if (f->caplen > RECFMT_COPY_MAX && !f->vlan_valid) {
		if ((p = outq_reserve(o, PCAPIO_RECHDR_LEN)) == NULL)
			return -1;
		caplen = f->caplen < rf->cut ? f->caplen : rf->cut;
		recfmt_rechdr(rf, p, f->ts_ns, caplen, f->len);
		outq_commit(o, PCAPIO_RECHDR_LEN);
		return outq_ref(o, f->data, caplen);
	}
	if ((p = outq_reserve(o, PCAPIO_RECHDR_LEN + f->caplen + 4)) == NULL)
		return -1;
	caplen = (uint32_t)ring_frame_copy(f, p + PCAPIO_RECHDR_LEN, &len);
	if (caplen > rf->cut)
		caplen = rf->cut;
	recfmt_rechdr(rf, p, f->ts_ns, caplen, len);
	outq_commit(o, PCAPIO_RECHDR_LEN + caplen);
	return 0;
}

int
recfmt_write(const struct recfmt *rf, struct outq *o,
    const struct ring_frame *f)
{
	struct eth_hdr h;
	uint32_t caplen, len;
	uint8_t *p;
	int hl;

	if (rf->fmt == RECFMT_PCAPNG)
		return recfmt_ng(rf, o, f);
	if (rf->fmt == RECFMT_PCAP)
		return recfmt_pcap(rf, o, f);
	caplen = (uint32_t)ring_frame_copy(f, rf->frame, &len);
	switch (rf->fmt) {
	case RECFMT_HEX:
		if ((p = outq_reserve(o, TEXTIO_HEXLINE_LEN(caplen))) == NULL)
			return -1;
		outq_commit(o, textio_hexline(rf->frame, caplen, (char *)p));
		break;
	case RECFMT_TEXT:
		if ((p = outq_reserve(o, TEXTIO_SUMMARY_LEN)) == NULL)
			return -1;
		hl = textio_summary((char *)p, TEXTIO_SUMMARY_LEN, f->ts_ns,
		    rf->frame, caplen);
		outq_commit(o, hl < TEXTIO_SUMMARY_LEN ? (size_t)hl :
		    TEXTIO_SUMMARY_LEN - 1);
		break;
	case RECFMT_PAYLOAD:
		if ((hl = eth_decode(rf->frame, caplen, &h)) == -1)
			break;
		if ((p = outq_reserve(o, caplen - (size_t)hl)) == NULL)
			return -1;
		memcpy(p, rf->frame + hl, caplen - (size_t)hl);
		outq_commit(o, caplen - (size_t)hl);
		break;
	default:
		break;
	}
	return 0;
}
