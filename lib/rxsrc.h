/*
 * rxsrc: received frames, a batch at a time, from a packet socket's ring,
 * from a relayed fd (rawopen's SOCK_SEQPACKET end, one frame per
 * message), or from a tap device's fd (rawopen --tap: one frame per
 * read(2)), behind one interface.
 *
 *	rxsrc_ring(&s, fd, bsize, bnr, retire)  or  rxsrc_relayed(&s, fd, ix)
 *	    or  rxsrc_tap(&s, fd, ix, snaplen);
 *	while ((rc = rxsrc_batch(&s, max)) != -1) {
 *		if (rc == 0) { poll s.fd for POLLIN; continue; }
 *		while (rxsrc_frame(&s, &f) == 1)
 *			use(&f);		(f.data valid until rxsrc_done)
 *		rxsrc_done(&s);
 *	}
 *
 * Nothing here prints or exits, and there is no global state.
 */
#ifndef LIB_RXSRC_H
#define LIB_RXSRC_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "relay.h"
#include "ring.h"

#define RXSRC_BATCH	64	/* messages per recvmmsg(2) on a relayed fd */
/* A relayed frame's buffer: the longest the relay carries, and more. */
#define RXSRC_RELAYED_BUF (RELAY_FRAME_MAX + 64)
/*
 * Room for one read(2) on a tap fd: longer than any frame a tap device
 * carries (an MTU of at most 65535, the header, an 802.1Q tag).
 */
#define RXSRC_TAP_FRAME	65600
/* A tap fd's batch buffer: one longest frame, or RXSRC_BATCH usual ones. */
#define RXSRC_TAP_BUF	(RXSRC_TAP_FRAME + RXSRC_BATCH * 2048)

struct rxsrc {
	int		 fd;
	int		 relayed;
	int		 tap;
	struct ring	 r;		/* a packet socket */
	int		 held;		/* a batch is held */
	/* A relayed fd or a tap fd. */
	int		 ifindex;	/* stamped on its frames */
	uint8_t		*buf;		/* RXSRC_BATCH buffers; a tap's one */
	struct mmsghdr	*msg;
	struct iovec	*iov;		/* a tap's frames in buf */
	int		 n, i;		/* messages in the batch, next one */
	uint64_t	 ts_ns;		/* the batch's arrival time */
	uint64_t	*tap_ts;	/* a tap's frames' arrival times */
	uint32_t	 snaplen;	/* a tap's */
};

/*
 * A packet socket fd, bound or not, with a TPACKET_V3 ring as
 * ring_setup() makes it.  Returns 0, or -1 with ring_setup()'s errno.
 */
int	rxsrc_ring(struct rxsrc *s, int fd, size_t block_size,
	    unsigned block_nr, unsigned retire_ms);

/*
 * A relayed fd; its frames say they came in on ifindex (0 when unknown).
 * Returns 0, or -1 with errno ENOMEM.
 */
int	rxsrc_relayed(struct rxsrc *s, int fd, int ifindex);

/*
 * A tap device's fd (IFF_TAP, IFF_NO_PI: one Ethernet frame per read(2));
 * its frames say they came in on ifindex.  snaplen (at most
 * RXSRC_TAP_FRAME) is what rxsrc_snaplen() says, the device's MTU and
 * header; every frame is read whole all the same, and one longer than
 * snaplen is the caller's to cut and count.  Returns 0, or -1 with errno
 * ENOMEM.
 */
int	rxsrc_tap(struct rxsrc *s, int fd, int ifindex, uint32_t snaplen);

/*
 * Takes the next batch: a ring block the kernel has handed over, or up to
 * max (1..RXSRC_BATCH) messages read with recvmmsg(2) and stamped with
 * the time of arrival, or up to max frames read from a tap fd while
 * poll(2) says one is ready, each stamped as it is read.  Returns 1 (a
 * batch is held; one already held counts), 0 (none yet: poll s->fd for
 * POLLIN), or -1 with errno EPIPE (the relay has gone: the end of file),
 * or the pending error of the socket (ENETDOWN: the interface went down
 * or away), or that of recvmmsg(2) or read(2) (EBADFD: the tap device is
 * gone).
 */
int	rxsrc_batch(struct rxsrc *s, unsigned max);

/*
 * The next frame of the held batch into f (f->data valid until
 * rxsrc_done()); a relayed message longer than its buffer has caplen <
 * len, as a ring's may.  A tap's frames are PACKET_HOST (they come to
 * the reader), with f->proto their ethertype.  Returns 1, or 0 when the
 * batch is used up.
 */
int	rxsrc_frame(struct rxsrc *s, struct ring_frame *f);

/* Gives the batch back: its frames' data may be reused from now on. */
void	rxsrc_done(struct rxsrc *s);

/*
 * The longest frame a batch holds whole: the snaplen of a pcap header.
 * Never fails.
 */
uint32_t rxsrc_snaplen(const struct rxsrc *s);

/* The largest frame's size, tag restored: a copy buffer's size. */
size_t	rxsrc_maxframe(const struct rxsrc *s);

/*
 * Frames the kernel dropped for want of room so far (PACKET_STATISTICS);
 * 0 on a relayed fd, whose relay counts them, and on a tap fd, which has
 * no such count.  Never fails.
 */
uint64_t rxsrc_drops(struct rxsrc *s);

/*
 * The same and more in one read: frames that reached the socket, dropped
 * ones included, into *received, and the kernel's drops into *dropped,
 * both since the start (what a pcapng ISB says).  Returns 1, or 0 on a
 * relayed fd, whose relay counts them (both are then 0).  Never fails.
 */
int	rxsrc_counts(struct rxsrc *s, uint64_t *received, uint64_t *dropped);

/* Frees what rxsrc_ring(), _relayed() or _tap() set up; the fd stays open. */
void	rxsrc_close(struct rxsrc *s);

#endif /* LIB_RXSRC_H */
