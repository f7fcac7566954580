/*
 * recfmt: one received frame as a record of ethrecv's output formats,
 * appended to an outq: pcap (ns or us timestamps), a pcapng EPB of
 * interface rf->ifid, a hex line, a one-line text summary, or the
 * payload.  The 802.1Q tag the kernel took off is put back
 * (ring_frame_copy()), and a record is cut to rf->cut bytes in pcap and
 * pcapng; the other formats hold what was captured.
 *
 *	struct recfmt rf = { RECFMT_PCAP, 0, cut, snaplen, scratch, 0 };
 *	if (recfmt_cut(&rf, &f, &wire, &kept)) count and say it;
 *	if (recfmt_write(&rf, &o, &f) == -1) the output failed;
 *
 * Nothing here prints or exits, and there is no global state.
 */
#ifndef LIB_RECFMT_H
#define LIB_RECFMT_H

#include <stddef.h>
#include <stdint.h>

#include "outq.h"
#include "ring.h"

enum recfmt_format {
	RECFMT_PCAP, RECFMT_PCAPNG, RECFMT_TEXT, RECFMT_HEX, RECFMT_PAYLOAD
};

/* Longer pcap records leave from where the frame is, not copied. */
#define RECFMT_COPY_MAX	512

struct recfmt {
	enum recfmt_format fmt;
	int		 usec;		/* pcap: microsecond timestamps */
	uint32_t	 cut;		/* pcap, pcapng: records cut to this */
	uint32_t	 snaplen;	/* the header's: what counts as cut */
	uint8_t		*frame;		/* scratch: rxsrc_maxframe() bytes */
	uint32_t	 ifid;		/* pcapng: the EPB's interface */
};

/*
 * Whether f leaves cut short: the source cut it (caplen < len), or, in
 * pcap and pcapng, it is longer than rf->snaplen with its tag.  *wire
 * becomes its length on the wire, *kept what of it is captured (at most
 * snaplen).  Never fails.
 */
int	recfmt_cut(const struct recfmt *rf, const struct ring_frame *f,
	    uint32_t *wire, uint32_t *kept);

/*
 * The bytes f takes in the output: exact for pcap, at most that for the
 * other formats, whose lines depend on more than the length (so that a
 * size limit is one that files never pass).  Never fails.
 */
size_t	recfmt_size(const struct recfmt *rf, const struct ring_frame *f);

/*
 * Appends f to o as one record.  A pcap record of a long untagged frame
 * refers to f->data (outq_ref()): flush o before the frame is given back.
 * A payload record of a frame too short for a header is nothing.
 * Returns 0, or -1 with the errno of outq_reserve(), outq_ref() or
 * outq_put() (the output failed, or EMSGSIZE), or EINVAL (a pcapng block
 * that cannot be made).
 */
int	recfmt_write(const struct recfmt *rf, struct outq *o,
	    const struct ring_frame *f);

#endif /* LIB_RECFMT_H */
