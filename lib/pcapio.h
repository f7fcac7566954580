/*
 * pcapio: pcap and pcapng frame streams.
 *
 * Writing: the classic pcap format with nanosecond (or microsecond)
 * timestamps and LINKTYPE_ETHERNET, and pcapng (SHB, IDB, EPB, ISB), in
 * host byte order (every reader handles both).  The writers fill a caller's
 * buffer (or, for a packet, a head, a tail and an iovec around the frame)
 * and return the bytes they produced: whole blocks, so that a stream cut
 * between two of them is still valid.
 *
 * Reading: pcap (microsecond and nanosecond magic, either byte order) and
 * pcapng (SHB, IDB, EPB with its epb_flags, SPB, ISB into the interface's
 * struct, several interfaces and sections, either byte order; other blocks
 * are skipped).  Ethernet and Linux cooked (SLL, SLL2) links are accepted:
 * pcapio_cooked() makes a cooked record an Ethernet frame.
 *
 * Two layers.  A pure parser (struct pcapio_parser, pcapio_parse) works on
 * a memory buffer and never reads outside it: it is what a fuzzer drives.
 * A reader (struct pcapio_reader) owns one large buffer filled from an fd
 * with few big read(2)s; records come back as pointers into that buffer,
 * valid until the next pcapio_refill(), so that a sender can gather a batch
 * of records and send them straight from the buffer.  Nothing is allocated
 * per record.  The reader is also the input buffer of textio's formats.
 *
 * Errors are -1 with errno EBADMSG (malformed input) and a message in the
 * parser's err[] such as "record 17 at byte 4242: caplen 70000 exceeds
 * 262144", or the errno of a failed read(2).
 */
#ifndef LIB_PCAPIO_H
#define LIB_PCAPIO_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

#define PCAPIO_FILEHDR_LEN	24
#define PCAPIO_RECHDR_LEN	16
#define PCAPIO_MAXCAPLEN	262144	/* larger records are refused */
#define PCAPIO_MAXBLOCK		(PCAPIO_MAXCAPLEN + 65536) /* pcapng block */
#define PCAPIO_MAXIF		256	/* pcapng interfaces per section */
#define PCAPIO_ERRLEN		160

#define PCAPIO_MAGIC_US		0xa1b2c3d4U
#define PCAPIO_MAGIC_NS		0xa1b23c4dU
#define PCAPIO_LINKTYPE_ETHERNET 1
#define PCAPIO_LINKTYPE_LINUX_SLL 113	/* Linux cooked (tcpdump -i any) */
#define PCAPIO_LINKTYPE_LINUX_SLL2 276	/* Linux cooked v2 */

/*
 * The 24-byte pcap file header: nanosecond magic 0xa1b23c4d in host order,
 * version 2.4, LINKTYPE_ETHERNET, the given snaplen.
 */
void	pcapio_write_filehdr(uint8_t buf[24], uint32_t snaplen);

/*
 * The 16-byte record header of a frame captured at ts (ns since the epoch)
 * with caplen bytes of an original len.
 */
void	pcapio_write_rechdr(uint8_t buf[16], uint64_t ts_ns, uint32_t caplen,
	    uint32_t len);

/*
 * The same two with microsecond timestamps (magic 0xa1b2c3d4), for readers
 * that know no other: ts_ns is rounded down to the microsecond.
 */
void	pcapio_write_filehdr_us(uint8_t buf[24], uint32_t snaplen);
void	pcapio_write_rechdr_us(uint8_t buf[16], uint64_t ts_ns,
	    uint32_t caplen, uint32_t len);

/*
 * pcapng writing.  Every block is written in host byte order, options
 * padded to 32 bits and ended by opt_endofopt.  An IDB says if_tsresol 9:
 * every timestamp is in nanoseconds since the epoch.
 */
#define PCAPIO_NG_OPTMAX	65535	/* the longest option value */
#define PCAPIO_NG_EPB_HEAD	28	/* an EPB up to its packet data */
#define PCAPIO_NG_EPB_TAILMAX	20	/* padding, epb_flags, the trailer */
#define PCAPIO_NG_ISB_LEN	76	/* an ISB as pcapio_ng_isb() writes it */

/* epb_flags: the direction in bits 0-1, the reception type in bits 2-4. */
#define PCAPIO_EPB_INBOUND	0x1U
#define PCAPIO_EPB_OUTBOUND	0x2U
#define PCAPIO_EPB_DIRMASK	0x3U
#define PCAPIO_EPB_UNICAST	(1U << 2)
#define PCAPIO_EPB_MULTICAST	(2U << 2)
#define PCAPIO_EPB_BROADCAST	(3U << 2)
#define PCAPIO_EPB_PROMISC	(4U << 2)

/*
 * The Section Header Block of a stream of unknown length (section length
 * -1), version 1.0, with the options shb_userappl, shb_os and opt_comment
 * for those that are not NULL.  Returns its length; writes it to buf when
 * buf is not NULL (size bytes of room), so that a first call with NULL
 * says how much room to get.  Returns -1 with errno EMSGSIZE when buf is
 * too small or a string is longer than PCAPIO_NG_OPTMAX bytes.
 */
ssize_t	pcapio_ng_shb(uint8_t *buf, size_t size, const char *userappl,
	    const char *os, const char *comment);

/*
 * What shb_os says of this system: uname(2)'s sysname, release and
 * machine ("Linux 6.1.0-18-amd64 x86_64"), into buf of size bytes,
 * truncated when it must be.  Returns 0, or -1 with errno of uname(2).
 */
int	pcapio_ng_os(char *buf, size_t size);

/*
 * An Interface Description Block for an Ethernet interface: LINKTYPE
 * ETHERNET, the snaplen (0: none), if_name (unless NULL) and if_tsresol 9.
 * Interfaces are numbered in the order of their IDBs, from 0 in each
 * section.  Returns and writes as pcapio_ng_shb(), with the same errors.
 */
ssize_t	pcapio_ng_idb(uint8_t *buf, size_t size, const char *ifname,
	    uint32_t snaplen);

/*
 * One Enhanced Packet Block, as three pieces: head (the block up to the
 * packet data), the frame's caplen bytes where they lie, and tail (the
 * padding, epb_flags unless flags is 0, the trailing length); iov[0..2]
 * point at them, ready for writev(2) or outq_put().
 */
struct pcapio_ng_epb {
	uint8_t		 head[PCAPIO_NG_EPB_HEAD];
	uint8_t		 tail[PCAPIO_NG_EPB_TAILMAX];
	struct iovec	 iov[3];
};

/*
 * Fills *b for caplen bytes at data of a frame of original length len,
 * from interface ifid, captured at ts_ns (ns since the epoch), with
 * epb_flags flags (PCAPIO_EPB_*; 0: no option).  Returns the block's
 * length (the sum of the three pieces), or -1 with errno EMSGSIZE when
 * caplen exceeds len or PCAPIO_MAXCAPLEN.
 */
ssize_t	pcapio_ng_epb(struct pcapio_ng_epb *b, uint32_t ifid, uint64_t ts_ns,
	    const void *data, uint32_t caplen, uint32_t len, uint32_t flags);

/*
 * The epb_flags of a frame of Linux packet type pkttype (PACKET_HOST,
 * PACKET_OUTGOING, ... of <linux/if_packet.h>): its direction and how it
 * was addressed.  An unknown type is inbound and says no more.
 */
uint32_t pcapio_ng_flags(unsigned pkttype);

/* An interface's counts for its Interface Statistics Block. */
struct pcapio_ng_stats {
	uint64_t	 start_ns;	/* isb_starttime: the capture began */
	uint64_t	 end_ns;	/* isb_endtime, and the block's time */
	int		 counted;	/* the next two are known */
	uint64_t	 ifrecv;	/* isb_ifrecv: frames that reached us */
	uint64_t	 ifdrop;	/* isb_ifdrop: frames dropped for want
					   of room */
};

/*
 * The Interface Statistics Block of interface ifid: isb_starttime,
 * isb_endtime, and isb_ifrecv and isb_ifdrop when st->counted.  Returns
 * its length (PCAPIO_NG_ISB_LEN with the counts), writing it as
 * pcapio_ng_shb() does; -1 with errno EMSGSIZE when buf is too small.
 */
ssize_t	pcapio_ng_isb(uint8_t *buf, size_t size, uint32_t ifid,
	    const struct pcapio_ng_stats *st);

/* Input formats: the capture formats here, the text formats in textio. */
enum pcapio_format {
	PCAPIO_FMT_NONE = 0,	/* not known yet */
	PCAPIO_FMT_PCAP,
	PCAPIO_FMT_PCAPNG,
	PCAPIO_FMT_HEX,		/* textio: one frame per line, in hex */
	PCAPIO_FMT_LINES,	/* textio: one payload per text line */
	PCAPIO_FMT_RAW,		/* textio: the bytes cut into payloads */
};

/*
 * The format that the first bytes of a stream announce: PCAPIO_FMT_PCAP or
 * PCAPIO_FMT_PCAPNG when they begin with one of their magic numbers (len
 * must be at least 4 for that; pcapng is recognised by the SHB block type
 * and the byte-order magic at offset 8, so it needs 12), else
 * PCAPIO_FMT_NONE.
 */
enum pcapio_format pcapio_sniff(const uint8_t *buf, size_t len);

/* One record: data points into the buffer that was parsed. */
struct pcapio_rec {
	const uint8_t	*data;
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 len;		/* the frame's original length */
	uint64_t	 ts_ns;		/* ns since the epoch; 0 when unknown */
	uint32_t	 ifid;		/* pcapng interface id; 0 for pcap */
	uint64_t	 num;		/* 1 for the first record of the stream */
	uint64_t	 off;		/* stream offset of its header */
	uint32_t	 flags;		/* pcapng epb_flags; 0 when none */
	uint16_t	 linktype;	/* PCAPIO_LINKTYPE_*: Ethernet or cooked */
};

/* One pcapng interface (IDB). */
struct pcapio_if {
	uint16_t	 linktype;
	uint32_t	 snaplen;	/* 0: unlimited */
	uint8_t		 tsresol;	/* if_tsresol; default 6 (microseconds) */
	int64_t		 tsoffset;	/* if_tsoffset, seconds */
	/* Its last Interface Statistics Block, when one was read. */
	int		 have_isb;
	struct pcapio_ng_stats isb;	/* counted: both counts were there */
};

/* The state of the pure parser; set up by pcapio_parser_init(). */
struct pcapio_parser {
	enum pcapio_format fmt;	/* PCAP or PCAPNG; NONE: from the magic */
	int		 started;	/* the file header (or first SHB) is read */
	int		 swap;		/* the stream's byte order is not ours */
	int		 nsec;		/* pcap: nanosecond timestamps */
	uint32_t	 snaplen;	/* pcap: from the file header */
	uint16_t	 linktype;	/* pcap: from the file header */
	uint32_t	 nif;		/* pcapng: interfaces in this section */
	uint32_t	 maxnif;	/* pcapng: the most interfaces any section
					   so far described, those without a
					   record included */
	struct pcapio_if ifs[PCAPIO_MAXIF];
	uint64_t	 off;		/* stream offset of the next byte */
	uint64_t	 nrec;		/* records returned so far */
	uint64_t	 line;		/* textio: lines read so far */
	char		 err[PCAPIO_ERRLEN];	/* why the last -1 */
};

/* Prepares p for a new stream of format fmt (NONE: from its magic). */
void	pcapio_parser_init(struct pcapio_parser *p, enum pcapio_format fmt);

/*
 * Parses the next record of a pcap or pcapng stream from buf[0..len), the
 * stream's bytes from offset p->off on.  Headers and blocks that carry no
 * record are consumed on the way.  Sets *used to the bytes consumed, and
 * returns 1 with *rec filled (rec->data points into buf), or 0 when buf
 * holds no complete record (call again with the unused bytes and more),
 * or -1 with errno EBADMSG and p->err set.  With eof set, buf holds the
 * rest of the stream: a partial header or record is then an error, and 0
 * means a clean end.  Never reads outside buf.
 */
int	pcapio_parse(struct pcapio_parser *p, const uint8_t *buf, size_t len,
	    int eof, struct pcapio_rec *rec, size_t *used);

/*
 * A buffered reader over an fd.  Bytes [pos, end) of buf are read but not
 * yet consumed; base is the stream offset of buf[0].
 */
struct pcapio_reader {
	int		 fd;
	uint8_t		*buf;
	size_t		 size;		/* allocated */
	size_t		 maxsize;	/* the buffer never grows past this */
	size_t		 pos, end;
	uint64_t	 base;
	int		 eof;		/* read(2) returned 0 */
	int		 keep;		/* never discard: the whole stream stays */
	struct pcapio_parser p;
};

#define PCAPIO_BUFSIZE	(1024 * 1024)

/*
 * Sets r up to read fd with a buffer of bufsize bytes (0: PCAPIO_BUFSIZE),
 * grown when one record needs more, up to PCAPIO_MAXBLOCK * 2 or bufsize.
 * With keep, nothing read is ever discarded, so that pcapio_rewind() works
 * on a pipe: the buffer grows as needed up to keep bytes, and a stream
 * larger than that fails with EFBIG.  Returns 0, or -1 with errno ENOMEM.
 * The fd is not owned.
 */
int	pcapio_reader_init(struct pcapio_reader *r, int fd, size_t bufsize,
	    size_t keep);

/* Frees the buffer (the fd is left open). */
void	pcapio_reader_free(struct pcapio_reader *r);

/*
 * Reads until the format can be told (12 bytes, or the end of the input)
 * and returns it: PCAPIO_FMT_PCAP, PCAPIO_FMT_PCAPNG, or PCAPIO_FMT_NONE
 * for anything else, including an empty input.  Returns -1 with errno on a
 * read error.  Consumes nothing.
 */
int	pcapio_detect(struct pcapio_reader *r);

/*
 * The next pcap/pcapng record from the buffer.  Returns 1 with *rec
 * pointing into the buffer (valid until pcapio_refill or pcapio_rewind),
 * 0 when the buffer holds no further complete record (call pcapio_refill,
 * then again), or -1 with errno EBADMSG and the message in r->p.err.  After
 * the end of the input, 0 means the stream ended cleanly.
 */
int	pcapio_next(struct pcapio_reader *r, struct pcapio_rec *rec);

/*
 * Discards what has been consumed (records returned so far become invalid),
 * and reads more: one read(2) (EINTR is returned, so that the caller can
 * look at its signal flags before calling again), growing the buffer when
 * it is full.  Returns 1 when there is something new to parse (more bytes,
 * or the end of the input reached with bytes left for the parser to judge),
 * 0 at the end of the input with nothing left, or -1 with errno (the
 * read's, ENOBUFS when one record exceeds the largest buffer, EFBIG when a
 * kept stream exceeds its limit) and a message in r->p.err.
 */
int	pcapio_refill(struct pcapio_reader *r);

/*
 * Starts the stream again from its first byte: lseek(2) to 0 on a
 * seekable fd, or the kept buffer.  The parser is reset to the format it
 * found (record numbers start again at 1).  Returns 0, or -1 with errno
 * ESPIPE when neither is possible.  Hex input cannot be rewound: it is
 * decoded in place.
 */
int	pcapio_rewind(struct pcapio_reader *r);

/*
 * For textio: marks n bytes at r->buf + r->pos as consumed.
 */
void	pcapio_consume(struct pcapio_reader *r, size_t n);

/*
 * A Linux cooked record (rec->linktype PCAPIO_LINKTYPE_LINUX_SLL or
 * _SLL2, what `tcpdump -i any` writes) as an Ethernet frame: the 14-byte
 * header into hdr (destination dst, source the cooked header's address,
 * type its protocol), and in *skip how many bytes of rec->data the cooked
 * header takes; the frame is hdr, then rec->data + *skip.  An 802.1Q tag
 * that libpcap put back follows as it is.  Returns 0, or -1 with errno
 * EBADMSG and a message in err (errlen bytes) when the record is shorter
 * than its header, its address is not 6 bytes, or its protocol is not an
 * ethertype (below 0x600), or EINVAL when rec is not cooked.
 */
int	pcapio_cooked(const struct pcapio_rec *rec, const uint8_t dst[6],
	    uint8_t hdr[14], size_t *skip, char *err, size_t errlen);

#endif /* LIB_PCAPIO_H */
