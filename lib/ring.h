/*
 * ring: a PACKET_MMAP TPACKET_V3 receive ring on an AF_PACKET socket.
 *
 * The kernel fills blocks of the ring with frames and hands a block over
 * when it is full or when the retire timeout has passed; the program walks
 * the frames of the block it holds, then gives the block back.  Nothing is
 * copied on the way in and one poll(2) serves a whole block.
 *
 *	ring_setup(&r, fd, 1 << 20, 16, 10);
 *	while (ring_block_next(&r) == 1 || poll(...) ...) {
 *		while (ring_frame_next(&r, &f) == 1)
 *			use(&f);
 *		ring_block_done(&r);
 *	}
 */
#ifndef LIB_RING_H
#define LIB_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_SNAPLEN_MAX	262144	/* what pcap readers accept */
#define RING_BLOCK_DEFAULT	(1U << 20)
/* With a 1 MiB output buffer and the program, a capture stays under 16 MiB. */
#define RING_SIZE_DEFAULT	(14U << 20)

/*
 * One frame in the held block.  data points into the ring and is valid
 * until ring_block_done().  A frame longer than the ring can hold arrives
 * with caplen < len: the caller must say so, never drop the difference
 * silently.
 */
struct ring_frame {
	const uint8_t	*data;		/* from the destination MAC on */
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 len;		/* bytes the frame had (without a stripped tag) */
	uint64_t	 ts_ns;		/* receive time, ns since the epoch */
	int		 ifindex;	/* the interface it came in or went out on */
	uint16_t	 proto;		/* sll_protocol, host order */
	uint8_t		 pkttype;	/* PACKET_HOST, PACKET_OUTGOING, ... */
	int		 vlan_valid;	/* the kernel took an 802.1Q tag off */
	uint16_t	 vlan_tci;	/* that tag's TCI, when vlan_valid */
	uint16_t	 vlan_tpid;	/* and its TPID (0x8100 when unknown) */
};

struct ring {
	int		 fd;
	uint8_t		*map;		/* block_nr blocks of block_size bytes */
	size_t		 block_size;
	unsigned	 block_nr;
	unsigned	 cur;		/* the block to look at next */
	uint8_t		*held;		/* the block we hold, or NULL */
	uint32_t	 left;		/* frames of it not yet returned */
	size_t		 off;		/* offset of the next one in it */
	uint64_t	 packets;	/* PACKET_STATISTICS, accumulated */
	uint64_t	 drops;
};

/*
 * Sets fd up for TPACKET_V3 with a receive ring of block_nr blocks of
 * block_size bytes (a power of two multiple of the page size, at least
 * 4096; block_nr >= 1) whose blocks are retired after retire_ms
 * milliseconds at the latest (0: the kernel's default), and maps it.  fd
 * may be bound already (an inherited socket) or not yet; frames queued
 * on it before the call stay in its ordinary receive queue.  A ring left
 * on fd by a program that is gone (killed while it read a shared socket)
 * is taken down and replaced; one that a live process maps, this one
 * included, is not.  The mapping is not inherited by children.  Returns
 * 0, or -1 with errno EINVAL (bad sizes), EBUSY (a live process maps a
 * ring of fd: another program reads the socket through it), ENOMEM, or
 * the error of setsockopt(2) or mmap(2); then nothing is left set up.
 */
int	ring_setup(struct ring *r, int fd, size_t block_size,
	    unsigned block_nr, unsigned retire_ms);

/*
 * The geometry of a ring of about size bytes, for ring_setup(): blocks of
 * RING_BLOCK_DEFAULT bytes, halved (down to 4096) until at least four
 * fit, into *block_size, and as many of them as fit in size into
 * *block_nr.  Never fails.
 */
void	ring_geometry(size_t size, size_t *block_size, unsigned *block_nr);

/*
 * Takes the next block from the kernel when it has handed it over.
 * Returns 1 when a block is held (possibly the one already held), 0 when
 * the kernel still fills it: poll(2) fd for POLLIN and try again.
 */
int	ring_block_next(struct ring *r);

/*
 * Fills f with the next frame of the held block.  Returns 1, or 0 when the
 * block has no more frames (or none is held).  A frame the kernel
 * described out of the block's bounds ends the block.
 */
int	ring_frame_next(struct ring *r, struct ring_frame *f);

/* Gives the held block back to the kernel and moves on to the next one. */
void	ring_block_done(struct ring *r);

/*
 * The longest frame the ring holds whole, at most RING_SNAPLEN_MAX: the
 * snaplen to write in a pcap header.
 */
uint32_t ring_snaplen(const struct ring *r);

/*
 * The frame as it was on the wire: when the kernel took an 802.1Q tag off
 * (f->vlan_valid), it is put back after the two addresses.  Writes at most
 * f->caplen + 4 bytes to out and returns their number; *len becomes the
 * frame's length on the wire (f->len, + 4 with a tag).
 */
size_t	ring_frame_copy(const struct ring_frame *f, uint8_t *out,
	    uint32_t *len);

/*
 * Reads PACKET_STATISTICS (which the kernel resets on every read) and adds
 * it to r->packets (frames that reached the socket, dropped ones included)
 * and r->drops (frames the kernel dropped for want of room).  Returns 0 or
 * -1 with errno.
 */
int	ring_stats(struct ring *r);

/*
 * Unmaps the ring and removes it from the socket, which stays open.  r may
 * be zeroed or already closed.
 */
void	ring_close(struct ring *r);

#endif /* LIB_RING_H */
