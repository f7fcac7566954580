/*
 * txring: a PACKET_MMAP transmit ring (PACKET_TX_RING, TPACKET_V2) on an
 * AF_PACKET socket.
 *
 * Frames are copied into the ring's slots, and one send(2) that does not
 * wait tells the kernel to send every slot that is ready, in slot order:
 * one system call and no per-message setup for a whole batch.  A slot is
 * free again once the kernel is done with its frame; the frames seen so
 * are counted as sent.
 *
 *	txring_setup(&t, fd, 1024, mtu);
 *	for each frame:
 *		while ((rc = txring_put(&t, iov, n)) == 0)
 *			txring_kick(&t, 1);	(the ring is full: wait)
 *		(rc == -1: the kernel would refuse the frame; skip it)
 *	txring_kick(&t, 0);			(after each batch)
 *	txring_kick(&t, 1);			(at the end: all of them sent)
 *	txring_close(&t);
 *
 * While a socket has a transmit ring, every send on it sends from the
 * ring, whoever calls it, and a receive ring of another TPACKET version
 * cannot be set on it: set one only on a socket that no other process
 * uses.  Nothing here prints or exits, and there is no global state.
 */
#ifndef LIB_TXRING_H
#define LIB_TXRING_H

#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>

#define TXRING_SLOTS_DEFAULT	1024
#define TXRING_MTU_MAX		65535

struct txring {
	int		 fd;
	uint8_t		*map;
	size_t		 map_len;
	size_t		 slot_size;	/* bytes per slot, its header included */
	unsigned	 nslots;
	unsigned	 head;		/* the next slot to fill */
	unsigned	 tail;		/* the oldest slot not yet seen free */
	unsigned	 pending;	/* slots filled and not yet seen free */
	uint32_t	 maxlen;	/* the longest untagged frame: MTU + 14 */
	uint32_t	*lens;		/* each slot's frame length */
	uint64_t	 sent, bytes;	/* frames the kernel is done with */
};

/*
 * Sets up fd (an AF_PACKET SOCK_RAW socket, bound to its interface, with
 * no ring yet) with a TPACKET_V2 transmit ring of at least nslots slots,
 * each holding a frame of the interface's mtu (1..TXRING_MTU_MAX) with its
 * header and an 802.1Q tag, and maps it.  The socket is set to skip a
 * frame the kernel refuses (PACKET_LOSS) rather than stop at it; txring_put()
 * refuses beforehand what the kernel would, so that a skipped frame is
 * never counted as sent.  Returns 0, or -1 with errno EINVAL (mtu or
 * nslots out of range), EBUSY (fd has a ring already, or its TPACKET
 * version is fixed by one), ENOMEM, or the error of setsockopt(2) or
 * mmap(2); then nothing is left set up on fd but, possibly, its version.
 */
int	txring_setup(struct txring *t, int fd, unsigned nslots, uint32_t mtu);

/*
 * Copies the frame gathered from iov[0..iovcnt) into the next slot and
 * marks it ready to send; the kernel is told at the next txring_kick().
 * Returns 1, 0 when no slot is free (txring_kick(t, 1), or poll(2) the
 * socket for POLLOUT, and try again), or -1 with errno EMSGSIZE (longer
 * than the MTU allows: MTU + 14 bytes, or MTU + 18 with an 802.1Q tag, as
 * the kernel counts) or EINVAL (shorter than an Ethernet header): the
 * frame is not taken, and the kernel would have refused it.
 */
int	txring_put(struct txring *t, const struct iovec *iov, int iovcnt);

/*
 * Has the kernel send every ready slot, and counts those it is done with
 * into t->sent and t->bytes.  wait 0: returns at once; wait 1: returns when
 * every frame put is done with (t->pending is 0), or at an error.  Returns
 * 0, or -1 with errno ENOBUFS or EAGAIN (the device's queue, or the
 * socket's send buffer, is full: the frames stay ready and go at a later
 * kick; back off), EINTR (a signal came while waiting), or send(2)'s error
 * (ENETDOWN, ENXIO: the interface is down or gone).
 */
int	txring_kick(struct txring *t, int wait);

/*
 * Unmaps the ring and removes it from the socket, which stays open, and
 * keeps the counts.  Frames still pending are not sent.  t may be zeroed
 * or already closed.
 */
void	txring_close(struct txring *t);

#endif /* LIB_TXRING_H */
