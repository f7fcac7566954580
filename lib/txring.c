/*
 * txring: a PACKET_MMAP transmit ring.  See txring.h.
 *
 * Each slot starts with a struct tpacket2_hdr; the frame follows at
 * TPACKET2_HDRLEN - sizeof(struct sockaddr_ll), where the kernel looks for
 * it when tp_net and tp_mac are left 0.  A slot's tp_status is the one
 * word the kernel and this side share: TP_STATUS_AVAILABLE (free), set to
 * TP_STATUS_SEND_REQUEST here with release ordering once the frame is in
 * place, and back to TP_STATUS_AVAILABLE by the kernel when it is done.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "txring.h"

#define SLOTS_MAX	(1U << 20)
#define BLOCK_MIN	(1U << 16)	/* a block holds one slot at least */

/* Where the frame starts in a slot. */
#define FRAME_OFF	(TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

static struct tpacket2_hdr *
slot(const struct txring *t, unsigned i)
{
	return (struct tpacket2_hdr *)(void *)(t->map + (size_t)i *
	    t->slot_size);
}

static uint32_t
status(const struct txring *t, unsigned i)
{
	return __atomic_load_n(&slot(t, i)->tp_status, __ATOMIC_ACQUIRE);
}

/* The smallest power of two >= n (n <= 2^30). */
static size_t
pow2(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

int
txring_setup(struct txring *t, int fd, unsigned nslots, uint32_t mtu)
{
	struct tpacket_req req;
	size_t block;
	int v, saved;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (mtu == 0 || mtu > TXRING_MTU_MAX || nslots == 0 ||
	    nslots > SLOTS_MAX) {
		errno = EINVAL;
		return -1;
	}
	t->maxlen = mtu + ETH_HLEN_;
	t->slot_size = pow2(TPACKET_ALIGN(FRAME_OFF + t->maxlen + 4));
	block = t->slot_size > BLOCK_MIN ? t->slot_size : BLOCK_MIN;
	/* Whole blocks: nslots rounded up to fill the last one. */
	req.tp_block_size = (unsigned)block;
	req.tp_frame_size = (unsigned)t->slot_size;
	req.tp_block_nr = (unsigned)((nslots * t->slot_size + block - 1) /
	    block);
	req.tp_frame_nr = (unsigned)(req.tp_block_nr * (block /
	    t->slot_size));
	t->nslots = req.tp_frame_nr;
	t->map_len = (size_t)req.tp_block_nr * block;
	if ((t->lens = calloc(t->nslots, sizeof(*t->lens))) == NULL)
		return -1;
	v = TPACKET_V2;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1)
		goto fail;
	v = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_LOSS, &v, sizeof(v)) == -1)
		goto fail;
	if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req,
	    sizeof(req)) == -1)
		goto fail;
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	if (t->map == MAP_FAILED) {
		saved = errno;
		memset(&req, 0, sizeof(req));
		(void)setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req,
		    sizeof(req));
		errno = saved;
		t->map = NULL;
		goto fail;
	}
	t->fd = fd;
	return 0;
fail:
	saved = errno;
	free(t->lens);
	t->lens = NULL;
	errno = saved;
	return -1;
}

/* Frees the slots the kernel is done with, counting their frames. */
static void
reap(struct txring *t)
{
	while (t->pending > 0 && status(t, t->tail) == TP_STATUS_AVAILABLE) {
		t->sent++;
		t->bytes += t->lens[t->tail];
		t->tail = (t->tail + 1) % t->nslots;
		t->pending--;
	}
}

int
txring_put(struct txring *t, const struct iovec *iov, int iovcnt)
{
	struct tpacket2_hdr *h;
	uint8_t *p;
	size_t len = 0, n;
	int i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len < ETH_HLEN_) {
		errno = EINVAL;
		return -1;
	}
	if (t->pending == t->nslots) {
		reap(t);
		if (t->pending == t->nslots)
			return 0;
	}
	h = slot(t, t->head);
	p = (uint8_t *)h + FRAME_OFF;
	/* Gathered straight into the slot; its length is checked below. */
	for (i = 0, n = 0; i < iovcnt; i++) {
		if (n + iov[i].iov_len > t->slot_size - FRAME_OFF) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(p + n, iov[i].iov_base, iov[i].iov_len);
		n += iov[i].iov_len;
	}
	/*
	 * The kernel's rule: MTU + header, and 4 more for a frame that
	 * carries an 802.1Q tag (its ethertype field says 0x8100).
	 */
	if (len > t->maxlen && (len > t->maxlen + 4 || p[12] != 0x81 ||
	    p[13] != 0x00)) {
		errno = EMSGSIZE;
		return -1;
	}
	h->tp_len = (uint32_t)len;
	h->tp_snaplen = (uint32_t)len;
	h->tp_mac = 0;
	h->tp_net = 0;
	t->lens[t->head] = (uint32_t)len;
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
	    __ATOMIC_RELEASE);
	t->head = (t->head + 1) % t->nslots;
	t->pending++;
	return 1;
}

int
txring_kick(struct txring *t, int wait)
{
	int rc = 0;

	for (;;) {
		reap(t);
		if (t->pending == 0)
			return rc;
		if (send(t->fd, NULL, 0, wait ? 0 : MSG_DONTWAIT) == -1)
			rc = -1;
		reap(t);
		/*
		 * A blocking send returns once what it took is done, which
		 * may leave slots made ready while it ran: go round again.
		 */
		if (!wait || rc == -1)
			return rc;
	}
}

void
txring_close(struct txring *t)
{
	struct tpacket_req req;

	if (t->map != NULL) {
		munmap(t->map, t->map_len);
		memset(&req, 0, sizeof(req));
		(void)setsockopt(t->fd, SOL_PACKET, PACKET_TX_RING, &req,
		    sizeof(req));
	}
	free(t->lens);
	t->map = NULL;
	t->lens = NULL;
	t->pending = 0;
	t->fd = -1;
}
