/*
 * sendmmsg: the plain C sender the benchmarks hold ethsend against.
 *
 *	sendmmsg [-r pps] IFACE SIZE COUNT
 *	sendmmsg [-T] -p LOOPS IFACE	(a pcap file on stdin)
 *
 * Opens an AF_PACKET socket on IFACE (needs CAP_NET_RAW) and sends COUNT
 * identical frames of SIZE bytes (broadcast, ethertype 0x88b5) with
 * sendmmsg(2), 64 at a time, with no qdisc bypass and no ring: what anyone
 * would write first.  With -r it keeps to pps frames a second (each batch
 * waits for its time on CLOCK_MONOTONIC), the fixed-rate source recv.sh
 * needs: trafgen's -b does not keep its rate on veth.  A frame the kernel
 * drops (ENOBUFS) counts as sent, as it does for trafgen; the receiver's
 * counter tells what arrived.
 *
 * With -p it sends the frames of the classic pcap file on its stdin, LOOPS
 * times over (reading it again from the start): read(2) into a 1 MiB
 * buffer, 64 records a sendmmsg(2) pointing into it, no checks beyond the
 * record lengths.  The plain pcap sender anyone would write, to hold
 * ethsend -l against on the same file.
 *
 * With -T as well it sends them through a PACKET_MMAP TX_RING instead
 * (TPACKET_V2, 1024 slots of 2048 bytes, no qdisc bypass): each batch of
 * 64 is copied into the next slots and handed over with one send(2) that
 * does not wait.  When the next slot is still in use, a blocking send(2)
 * waits until every frame handed over is done (the kernel's blocking send
 * drains the ring, rare here: veth is done with a frame when send(2)
 * returns).  A frame the kernel refuses for lack of buffers (ENOBUFS) stays
 * in its slot and goes again.  Records must fit the interface's MTU: the
 * kernel refuses a longer one, and so the run (EMSGSIZE).  The ring
 * sender anyone would write, trafgen's method less its qdisc bypass and its
 * configuration language, to tell what the ring gains over sendmmsg(2).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	64
#define MAXSIZE	9000

/* The TX_RING of -T: RING_FRAMES slots of RING_FRAME bytes. */
#define RING_FRAME	2048
#define RING_FRAMES	1024
#define RING_BLOCK	(1 << 16)

struct sender {
	int		 fd;
	/* sendmmsg */
	struct mmsghdr	 msgs[BATCH];
	struct iovec	 iov[BATCH];
	/* -T */
	uint8_t		*ring;
	unsigned int	 cur;
};

/* -T: a TPACKET_V2 TX_RING on fd, no qdisc bypass. */
static void
ring_init(struct sender *s)
{
	struct tpacket_req req;
	int v = TPACKET_V2;

	if (setsockopt(s->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1)
		err(111, "PACKET_VERSION");
	req.tp_block_size = RING_BLOCK;
	req.tp_block_nr = RING_FRAMES * RING_FRAME / RING_BLOCK;
	req.tp_frame_size = RING_FRAME;
	req.tp_frame_nr = RING_FRAMES;
	if (setsockopt(s->fd, SOL_PACKET, PACKET_TX_RING, &req,
	    sizeof(req)) == -1)
		err(111, "PACKET_TX_RING");
	s->ring = mmap(NULL, (size_t)RING_FRAMES * RING_FRAME,
	    PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->ring == MAP_FAILED)
		err(111, "mmap");
}

/* -T: whether slot i is free. */
static int
ring_free(const struct sender *s, unsigned int i)
{
	const struct tpacket2_hdr *h = (const void *)(s->ring +
	    (size_t)i * RING_FRAME);

	return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) ==
	    TP_STATUS_AVAILABLE;
}

/*
 * -T: has the kernel send what the ring holds.  Blocking, send(2) returns
 * when every frame handed over is sent and its slot free again.
 */
static void
ring_send(struct sender *s, int flags)
{
	while (send(s->fd, NULL, 0, flags) == -1) {
		if (errno == EAGAIN || errno == ENOBUFS)
			break;
		if (errno != EINTR)
			err(111, "send");
	}
}

/*
 * Sends the n frames of iov: with sendmmsg(2), where a frame the kernel
 * drops (ENOBUFS) counts as sent; or copied into the ring's next slots and
 * handed over with one send(2) that does not wait, a full ring waited for.
 */
static void
send_batch(struct sender *s, unsigned int n)
{
	const unsigned int off = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
	struct tpacket2_hdr *h;
	unsigned int i;
	int k;

	if (s->ring == NULL) {
		for (i = 0; i < n; i += (unsigned int)k) {
			k = sendmmsg(s->fd, s->msgs + i, n - i, 0);
			if (k == -1) {
				if (errno != ENOBUFS && errno != EINTR)
					err(111, "sendmmsg");
				k = errno == ENOBUFS;
			}
		}
		return;
	}
	for (i = 0; i < n; i++) {
		if (s->iov[i].iov_len > RING_FRAME - off)
			errx(111, "-T: record of %zu bytes", s->iov[i].iov_len);
		h = (struct tpacket2_hdr *)(void *)(s->ring +
		    (size_t)s->cur * RING_FRAME);
		while (!ring_free(s, s->cur))
			ring_send(s, 0);
		memcpy((uint8_t *)h + off, s->iov[i].iov_base,
		    s->iov[i].iov_len);
		h->tp_len = (uint32_t)s->iov[i].iov_len;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
		    __ATOMIC_RELEASE);
		s->cur = (s->cur + 1) % RING_FRAMES;
	}
	ring_send(s, MSG_DONTWAIT);
}

/* -p: sends the pcap on stdin loops times; returns the frames sent. */
static unsigned long long
send_pcap(struct sender *s, unsigned long loops)
{
	static uint8_t buf[1 << 20];
	unsigned long long sent = 0;
	size_t have, pos;
	uint32_t caplen;
	unsigned int n, i;
	ssize_t r;

	memset(s->msgs, 0, sizeof(s->msgs));
	for (i = 0; i < BATCH; i++) {
		s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
		s->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (loops-- > 0) {
		if (lseek(STDIN_FILENO, 24, SEEK_SET) == -1)
			err(111, "stdin");
		have = pos = 0;
		for (;;) {
			/* A batch of whole records from the buffer. */
			n = 0;
			while (n < BATCH && have - pos >= 16) {
				memcpy(&caplen, buf + pos + 8, 4);
				if (caplen > MAXSIZE)
					errx(111, "record of %u bytes", caplen);
				if (have - pos < 16 + caplen)
					break;
				s->iov[n].iov_base = buf + pos + 16;
				s->iov[n].iov_len = caplen;
				pos += 16 + caplen;
				n++;
			}
			send_batch(s, n);
			sent += n;
			if (n == BATCH)
				continue;
			/* Keep the partial record, read more. */
			memmove(buf, buf + pos, have - pos);
			have -= pos;
			pos = 0;
			if ((r = read(STDIN_FILENO, buf + have, sizeof(buf) - have)) == -1)
				err(111, "read");
			if (r == 0)
				break;
			have += (size_t)r;
		}
	}
	/* What is still in the ring, refused frames included, goes now. */
	for (i = 0; s->ring != NULL && i < RING_FRAMES; i++)
		while (!ring_free(s, i))
			ring_send(s, 0);
	return sent;
}

int
main(int argc, char *argv[])
{
	static const uint8_t hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0xfd, 0xb0, 0x00, 0x00, 0x02,
		0x88, 0xb5
	};
	static uint8_t frame[MAXSIZE];
	static struct sender s;
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct sockaddr_ll sll;
	unsigned long long count = 0, sent = 0, dropped = 0;
	unsigned long loops = 0;
	struct timespec start, due;
	double rate = 0, at;
	unsigned int ifindex, n, i;
	long size;
	char *end;
	int ch, fd, r, ring = 0;

	while ((ch = getopt(argc, argv, "+p:r:T")) != -1)
		switch (ch) {
		case 'p':
			loops = strtoul(optarg, &end, 10);
			if (*end != '\0' || loops == 0)
				errx(100, "%s: bad loop count", optarg);
			break;
		case 'T':
			ring = 1;
			break;
		case 'r':
			rate = strtod(optarg, &end);
			if (*end != '\0' || rate <= 0)
				errx(100, "%s: bad rate", optarg);
			break;
		default:
			argc = 0;	/* usage */
			break;
		}
	if (argc > 0) {
		argc -= optind - 1;
		argv += optind - 1;
	}
	if (argc != (loops > 0 ? 2 : 4) || (ring && loops == 0)) {
		fprintf(stderr, "usage: sendmmsg [-r pps] IFACE SIZE COUNT\n"
		    "       sendmmsg [-T] -p LOOPS IFACE <PCAP\n");
		return 100;
	}
	if ((ifindex = if_nametoindex(argv[1])) == 0)
		err(111, "%s", argv[1]);
	size = 0;
	if (loops == 0) {
		size = strtol(argv[2], &end, 10);
		if (*end != '\0' || size < 14 || size > MAXSIZE)
			errx(100, "%s: bad size (14..%d)", argv[2], MAXSIZE);
		count = strtoull(argv[3], &end, 10);
		if (*end != '\0' || argv[3][0] == '-')
			errx(100, "%s: bad count", argv[3]);
	}

	/* Protocol 0: this socket receives nothing. */
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) == -1)
		err(111, "socket");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifindex;
	sll.sll_protocol = 0;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		err(111, "bind %s", argv[1]);

	if (loops > 0) {
		s.fd = fd;
		if (ring)
			ring_init(&s);
		sent = send_pcap(&s, loops);
		fprintf(stderr, "sendmmsg: %llu frames sent\n", sent);
		return 0;
	}
	memcpy(frame, hdr, sizeof(hdr));
	iov.iov_base = frame;
	iov.iov_len = (size_t)size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	if (clock_gettime(CLOCK_MONOTONIC, &start) == -1)
		err(111, "clock_gettime");
	while (sent < count) {
		n = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
		if (rate > 0) {
			/* This batch is due when the ones before it fill the time. */
			at = start.tv_sec + start.tv_nsec / 1e9 + sent / rate;
			due.tv_sec = (time_t)at;
			due.tv_nsec = (long)((at - (double)due.tv_sec) * 1e9);
			while ((r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
			    &due, NULL)) == EINTR)
				;
			if (r != 0)
				errx(111, "clock_nanosleep: %s", strerror(r));
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno != ENOBUFS)
				err(111, "sendmmsg");
			/* The first frame of the batch was dropped. */
			dropped++;
			r = 1;
		}
		sent += (unsigned int)r;
	}
	fprintf(stderr, "sendmmsg: %llu frames sent, %llu dropped\n",
	    sent, dropped);
	return 0;
}
