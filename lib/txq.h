/*
 * txq: the transmit queue: a batch of frames pointing where they lie,
 * sent on one target in as few system calls as the target allows.
 *
 * A frame in a batch is up to three pieces: a header (shared by every
 * frame of a payload input, or the batch's own copy of a cooked one),
 * the bytes where they lie (the input's buffer: nothing is copied), and
 * zeros up to the minimum frame.  The target is
 *
 *	a packet socket		sendmmsg(2), a batch in few calls; or, once
 *				txq_ring() has set one up, copied into a
 *				PACKET_TX_RING and sent with one send(2);
 *	a relayed fd		rawopen's SOCK_SEQPACKET end: sendmmsg(2),
 *				MSG_NOSIGNAL, a frame a message;
 *	a tap device's fd	writev(2), a frame a call.
 *
 *	txq_init(&q, fd, TXQ_PACKET, &stop);
 *	txq_add(b, hdr, hdrlen, data, len, ETH_ZLEN_);	(b->n < TXQ_BATCH)
 *  or	txq_add_record(b, &rec, &framing, why, sizeof(why));
 *	pos = 0;
 *	while ((ret = txq_send(&q, b, &pos, b->n, &f)) != 0)
 *		...say f.index and f.err; ret == -1: the target failed...
 *	b->n = 0;
 *
 *	txq_drain(&q, &f);	(at the end: the ring's frames sent)
 *
 * Counts come back in q; a frame that was not sent comes back as its
 * index and errno, for the tool to word.  Nothing here prints or exits,
 * and there is no global state.
 */
#ifndef LIB_TXQ_H
#define LIB_TXQ_H

#include <sys/socket.h>
#include <sys/uio.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "eth.h"
#include "pcapio.h"
#include "txring.h"

#define TXQ_BATCH	256	/* frames in a batch, at most */
#define TXQ_RETRY_NS	(2 * 1000000000ULL)	/* ENOBUFS: give up after */

/* What the frames are sent on. */
enum txq_kind {
	TXQ_PACKET,		/* an AF_PACKET socket */
	TXQ_RELAYED,		/* a relay's SOCK_SEQPACKET end */
	TXQ_TAP			/* a tap device's fd (rawopen --tap) */
};

/* One batch of frames, pointing where they lie. */
struct txq_batch {
	struct mmsghdr	 msgs[TXQ_BATCH];
	struct iovec	 iov[TXQ_BATCH][3];
	size_t		 lens[TXQ_BATCH];	/* each frame's bytes */
	uint8_t		 hdr[TXQ_BATCH][ETH_HLEN_];	/* txq_hdr()'s */
	unsigned int	 n;			/* frames in it */
};

/* How txq_add_record() makes records (lib/pcapio) frames. */
struct txq_framing {
	const uint8_t	*hdr;		/* payloads go behind it; NULL: the */
	size_t		 hdrlen;	/*   records are frames */
	const uint8_t	*dst;		/* a cooked record's destination */
	const char	*ifname;	/* the interface, for the words */
	int		 mtu;		/* its MTU */
	size_t		 maxframe;	/* the longest frame without a tag */
};

/* A target and what was sent on it. */
struct txq {
	int		 fd;
	enum txq_kind	 kind;
	const volatile sig_atomic_t *stop;	/* set: stop; NULL: never */
	uint64_t	 retry_ns;	/* ENOBUFS: retry a frame so long */
	int		 waits;		/* a blocking relayed fd: wait for room */
	int		 dead;		/* the ring failed: every send fails */
	uint64_t	 sent, bytes;	/* frames and their bytes */
	uint64_t	 errors;	/* frames that were not sent */
	/* txq_ring(): the frames go through a transmit ring. */
	int		 ringed;
	struct txring	 ring;
	uint64_t	 rsent, rbytes;	/* the ring's counts, as added */
};

/* A frame that was not sent. */
struct txq_fail {
	unsigned int	 index;		/* its index in the batch */
	int		 err;		/* why: an errno value */
};

/*
 * Sets q up to send on fd, a target of kind: counts zero, ENOBUFS
 * retried for TXQ_RETRY_NS.  A wait (EINTR, a full buffer) is given up
 * when *stop (a signal handler's flag) is set; stop may be NULL.  A
 * relayed fd in blocking mode is waited on for as long as the relay takes
 * (as a blocking send would), and with stop, in slices that look at
 * *stop, so that a thread with every signal blocked (lib/txpool) still
 * ends when told.  Never fails.
 */
void	txq_init(struct txq *q, int fd, enum txq_kind kind,
	    const volatile sig_atomic_t *stop);

/*
 * For a packet socket of the caller's own (one no other process sends on:
 * see txring.h), sends through a PACKET_TX_RING of nslots slots from now
 * on, for an interface of MTU mtu: txq_send() copies each frame into a
 * slot and has the kernel send a batch with one send(2) that does not
 * wait, and a frame counts as sent once the kernel is done with it.
 * Returns 0, or -1 with txring_setup()'s errno (EINVAL: not a packet
 * target, or mtu out of range; EBUSY; ...): q then sends with sendmmsg(2)
 * as before.
 */
int	txq_ring(struct txq *q, uint32_t mtu, unsigned nslots);

/*
 * Waits until every frame given to the ring is sent (nothing to do without
 * one), counting them in q.  Through a ring, ENOBUFS or no progress for
 * q->retry_ns is a failure of the target (-1), not one frame's (1), in
 * txq_send() too: the kernel does not say which frame it could not take;
 * and once the target failed, every later txq_send() fails at once.  Returns 0 (also when *q->stop was set while
 * waiting: what is left is not counted), or -1 when the target failed or
 * had no room for q->retry_ns: f->err says why, and what was left is
 * counted in q->errors.
 */
int	txq_drain(struct txq *q, struct txq_fail *f);

/* Takes the ring down, if any; q keeps its counts.  Never fails. */
void	txq_free(struct txq *q);

/*
 * The header space of b's next frame: ETH_HLEN_ bytes that the caller
 * may fill (a cooked record's Ethernet header) and give to txq_add() as
 * hdr.  b->n < TXQ_BATCH.  Never fails.
 */
uint8_t	*txq_hdr(struct txq_batch *b);

/*
 * Adds a frame to b: hdrlen bytes at hdr (none when hdrlen is 0), then
 * len bytes at data, then zeros until the frame is min bytes long (0: no
 * padding; at most ETH_ZLEN_).  Nothing is copied: hdr and data must stay
 * valid until the batch is sent.  b->n < TXQ_BATCH.  Returns the frame's
 * length.  Never fails.
 */
size_t	txq_add(struct txq_batch *b, const void *hdr, size_t hdrlen,
	    const void *data, size_t len, size_t min);

/*
 * Adds record rec to b as a frame, as fr says: a payload (fr->hdr not
 * NULL) of at most fr->mtu bytes behind fr->hdr, padded to ETH_ZLEN_; an
 * Ethernet record as it is; a Linux cooked one behind an Ethernet header
 * made of it (pcapio_cooked(), to fr->dst) in b's header space.  A frame
 * may be fr->maxframe bytes long, 4 more with an 802.1Q tag (not
 * 802.1ad: the kernel allows those 4 for 0x8100 alone).  rec->data must
 * stay valid until the batch is sent; b->n < TXQ_BATCH.  Returns 0, or
 * -1 with errno and why (whylen bytes) saying "frame N: ..." when the
 * record cannot be sent: EMSGSIZE (longer than the MTU allows, or shorter
 * than an Ethernet header), EBADMSG (cut short in the capture: caplen <
 * len; or a cooked header that makes no Ethernet one), EINVAL (a link
 * type neither Ethernet nor cooked); then no frame is added to b.
 */
int	txq_add_record(struct txq_batch *b, const struct pcapio_rec *rec,
	    const struct txq_framing *fr, char *why, size_t whylen);

/*
 * Sends frames [*pos, end) of b on q's target, moving *pos past what was
 * sent and counting it in q (sent, bytes).  ENOBUFS and EAGAIN are
 * retried, after a wait for POLLOUT and a short sleep that doubles with
 * each try, for up to q->retry_ns a frame.  Returns
 *
 *	0	*pos is end; or *q->stop was set while a call was interrupted
 *		or waited for room: what is left, [*pos, end), is not sent,
 *		and not counted;
 *	1	frame f->index could not go: f->err EMSGSIZE or EINVAL (the
 *		target refused it as such), ENOBUFS or EAGAIN (no room for
 *		q->retry_ns); it is counted in q->errors and *pos is past it:
 *		call again to send the rest;
 *	-1	the target failed at frame f->index, errno and f->err say
 *		why (EIO: the device is down, EBADFD: gone, ENXIO, ENETDOWN,
 *		EPIPE: the relay is gone, EBADF, ...): [f->index, end) are
 *		counted in q->errors and *pos is end.
 */
int	txq_send(struct txq *q, struct txq_batch *b, unsigned int *pos,
	    unsigned int end, struct txq_fail *f);

#endif /* LIB_TXQ_H */
