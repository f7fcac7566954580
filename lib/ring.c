/*
 * ring: a PACKET_MMAP TPACKET_V3 receive ring on an AF_PACKET socket.
 *
 * The block and frame headers are the kernel's ABI (linux/if_packet.h),
 * aligned by it, and read through its structures; the block status word
 * is the one thing shared with the kernel while both run, so it is read
 * with acquire and written with release ordering.  Frame bytes are only
 * ever copied, never interpreted here.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <endian.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"

#define RING_TPID_8021Q		0x8100
#define RING_FRAME_SIZE		2048	/* unused by V3 but checked by it */
#define RING_V3_ALIGN		8	/* frames in a block start so aligned */
/*
 * What a block spends before its first frame's data: the block descriptor
 * (48 bytes), the frame header and sockaddr_ll (68, aligned to 16 with the
 * MAC header: 96), and 4 bytes for a restored VLAN tag; rounded up.
 */
#define RING_OVERHEAD		256

/* Whether n is a power of two. */
static int
ring_pow2(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/*
 * Removes fd's receive ring.  The kernel refuses (EBUSY) while any
 * process maps it, and only then: the mapping of a program that died
 * went with it, so its ring goes here.
 */
static int
ring_free(int fd)
{
	struct tpacket_req3 req;

	memset(&req, 0, sizeof(req));
	return setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req));
}

void
ring_geometry(size_t size, size_t *block_size, unsigned *block_nr)
{
	size_t b = RING_BLOCK_DEFAULT;

	while (b > 4096 && b * 4 > size)
		b /= 2;
	*block_size = b;
	*block_nr = (unsigned)(size / b);
}

int
ring_setup(struct ring *r, int fd, size_t block_size, unsigned block_nr,
    unsigned retire_ms)
{
	struct tpacket_req3 req;
	long pagesz;
	int v = TPACKET_V3, saved;
	void *map;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	pagesz = sysconf(_SC_PAGESIZE);
	if (pagesz <= 0)
		pagesz = 4096;
	if (block_size < 4096 || !ring_pow2(block_size) ||
	    block_size % (size_t)pagesz != 0 || block_size > (1U << 30) ||
	    block_nr == 0 || block_nr > (1U << 30) / (block_size / 4096)) {
		errno = EINVAL;
		return -1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1) {
		/* A ring is there: take it down when nobody maps it. */
		if (errno != EBUSY || ring_free(fd) == -1 ||
		    setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v,
		    sizeof(v)) == -1)
			return -1;
	}
	memset(&req, 0, sizeof(req));
	req.tp_block_size = (unsigned)block_size;
	req.tp_block_nr = block_nr;
	req.tp_frame_size = RING_FRAME_SIZE;
	req.tp_frame_nr = (unsigned)(block_size / RING_FRAME_SIZE) * block_nr;
	req.tp_retire_blk_tov = retire_ms;
	req.tp_feature_req_word = 0;
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) == -1)
		return -1;
	map = mmap(NULL, block_size * block_nr, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		saved = errno;
		memset(&req, 0, sizeof(req));
		(void)setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof(req));
		errno = saved;
		return -1;
	}
	/* A child (a handler of ethrecv -e) never holds the ring up. */
	(void)madvise(map, block_size * block_nr, MADV_DONTFORK);
	r->fd = fd;
	r->map = map;
	r->block_size = block_size;
	r->block_nr = block_nr;
	return 0;
}

/* The descriptor of block i. */
static struct tpacket_block_desc *
ring_desc(const struct ring *r, unsigned i)
{
	return (struct tpacket_block_desc *)(void *)(r->map +
	    (size_t)i * r->block_size);
}

int
ring_block_next(struct ring *r)
{
	struct tpacket_block_desc *d;
	uint32_t status, first;

	if (r->map == NULL)
		return 0;
	if (r->held != NULL)
		return 1;
	d = ring_desc(r, r->cur);
	status = __atomic_load_n(&d->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
	if ((status & TP_STATUS_USER) == 0)
		return 0;
	r->held = (uint8_t *)d;
	r->left = d->hdr.bh1.num_pkts;
	first = d->hdr.bh1.offset_to_first_pkt;
	if (first < sizeof(*d) || first >= r->block_size)
		r->left = 0;
	r->off = first;
	return 1;
}

int
ring_frame_next(struct ring *r, struct ring_frame *f)
{
	const struct tpacket3_hdr *h;
	struct sockaddr_ll sll;
	size_t off = r->off, lloff;

	if (r->held == NULL || r->left == 0)
		return 0;
	lloff = TPACKET_ALIGN(sizeof(*h));
	if (off % RING_V3_ALIGN != 0 ||
	    off + lloff + sizeof(sll) > r->block_size)
		goto bad;
	h = (const struct tpacket3_hdr *)(void *)(r->held + off);
	if (h->tp_mac > r->block_size - off ||
	    h->tp_snaplen > r->block_size - off - h->tp_mac)
		goto bad;
	memcpy(&sll, r->held + off + lloff, sizeof(sll));
	memset(f, 0, sizeof(*f));
	f->data = r->held + off + h->tp_mac;
	f->caplen = h->tp_snaplen;
	f->len = h->tp_len;
	f->ts_ns = (uint64_t)h->tp_sec * 1000000000ULL + h->tp_nsec;
	f->ifindex = sll.sll_ifindex;
	f->proto = be16toh(sll.sll_protocol);
	f->pkttype = sll.sll_pkttype;
	if (h->tp_status & TP_STATUS_VLAN_VALID) {
		f->vlan_valid = 1;
		f->vlan_tci = (uint16_t)h->hv1.tp_vlan_tci;
		f->vlan_tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) &&
		    h->hv1.tp_vlan_tpid != 0 ?
		    (uint16_t)h->hv1.tp_vlan_tpid : RING_TPID_8021Q;
	}
	r->left--;
	if (r->left > 0) {
		/* The next frame must lie further on in the block. */
		if (h->tp_next_offset == 0 ||
		    h->tp_next_offset > r->block_size - off)
			r->left = 0;
		else
			r->off = off + h->tp_next_offset;
	}
	return 1;
bad:
	r->left = 0;
	return 0;
}

void
ring_block_done(struct ring *r)
{
	struct tpacket_block_desc *d;

	if (r->held == NULL)
		return;
	d = (struct tpacket_block_desc *)(void *)r->held;
	__atomic_store_n(&d->hdr.bh1.block_status, TP_STATUS_KERNEL,
	    __ATOMIC_RELEASE);
	r->held = NULL;
	r->left = 0;
	r->cur = (r->cur + 1) % r->block_nr;
}

uint32_t
ring_snaplen(const struct ring *r)
{
	if (r->block_size <= RING_OVERHEAD)
		return 0;
	if (r->block_size - RING_OVERHEAD > RING_SNAPLEN_MAX)
		return RING_SNAPLEN_MAX;
	return (uint32_t)(r->block_size - RING_OVERHEAD);
}

size_t
ring_frame_copy(const struct ring_frame *f, uint8_t *out, uint32_t *len)
{
	uint8_t tag[4];
	uint16_t v;

	if (!f->vlan_valid || f->caplen < 12) {
		memcpy(out, f->data, f->caplen);
		*len = f->len;
		return f->caplen;
	}
	v = htobe16(f->vlan_tpid);
	memcpy(tag, &v, 2);
	v = htobe16(f->vlan_tci);
	memcpy(tag + 2, &v, 2);
	memcpy(out, f->data, 12);
	memcpy(out + 12, tag, 4);
	memcpy(out + 16, f->data + 12, f->caplen - 12);
	*len = f->len + 4;
	return (size_t)f->caplen + 4;
}

int
ring_stats(struct ring *r)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == -1)
		return -1;
	r->packets += st.tp_packets;
	r->drops += st.tp_drops;
	return 0;
}

void
ring_close(struct ring *r)
{
	struct tpacket_req3 req;
	int saved = errno;

	if (r->map != NULL) {
		(void)munmap(r->map, r->block_size * r->block_nr);
		memset(&req, 0, sizeof(req));
		(void)setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof(req));
	}
	r->map = NULL;
	r->held = NULL;
	r->left = 0;
	errno = saved;
}
