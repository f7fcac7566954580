/*
 * Unit tests of lib/txq over socketpairs, no root needed: an AF_UNIX
 * SOCK_SEQPACKET pair stands for a relayed fd (sendmmsg(2)), and for a
 * tap device's fd (writev(2), a frame a message).  Frames arrive whole
 * and in order; short payloads padded to 60 bytes; a full batch; a send
 * that the buffer cuts short resumed; a refused frame, and a target that
 * failed, reported with their index; a stop.  Nothing depends on how
 * long anything takes.  And records made frames (txq_add_record()): the
 * MTU, with and without a tag, a cut capture, a short frame, Linux cooked
 * records, each refusal with its words.  Last, as root in a network
 * namespace of its own, the transmit ring (txq_ring()) on lo.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "tap.h"
#include "txq.h"

#define BIG	4000			/* bytes of frame data, at most */

static uint8_t data[TXQ_BATCH][BIG];	/* what the frames carry */
static volatile sig_atomic_t stop;

/* What the reader got. */
struct got {
	int		 fd;
	unsigned int	 want;		/* messages to read, then return */
	unsigned int	 n;
	size_t		 lens[TXQ_BATCH];
	uint8_t		 msgs[TXQ_BATCH][BIG + 64];
};

static struct got got;

/* Frame i's data: len bytes that tell i and the offset apart. */
static const uint8_t *
fill(unsigned int i, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		data[i][k] = (uint8_t)(i * 31 + k * 7 + k / 251);
	return data[i];
}

/* A SOCK_SEQPACKET pair; sndbuf > 0 sets the sender's SO_SNDBUF. */
static void
pair(int sv[2], int sndbuf, int nonblock)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1) {
		perror("socketpair");
		exit(1);
	}
	if (sndbuf > 0)
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	if (nonblock)
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
}

/* Reads what is there without waiting. */
static void
drain(int fd)
{
	ssize_t k;

	while (got.n < TXQ_BATCH && (k = recv(fd, got.msgs[got.n],
	    sizeof(got.msgs[0]), MSG_DONTWAIT | MSG_TRUNC)) >= 0)
		got.lens[got.n++] = (size_t)k;
}

/* A reader thread: got.want messages from got.fd, waiting for each. */
static void *
reader(void *arg)
{
	ssize_t k;

	(void)arg;
	while (got.n < got.want && (k = recv(got.fd, got.msgs[got.n],
	    sizeof(got.msgs[0]), MSG_TRUNC)) > 0)
		got.lens[got.n++] = (size_t)k;
	return NULL;
}

/* Whether message m is frame i of len bytes, as fill() made it. */
static int
is_frame(unsigned int m, unsigned int i, size_t len)
{
	return m < got.n && got.lens[m] == len &&
	    memcmp(got.msgs[m], data[i], len) == 0;
}

static void
test_add(void)
{
	static struct txq_batch b;
	uint8_t hdr[ETH_HLEN_] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	    0x88, 0xb5 };
	const uint8_t *p = fill(0, 100);

	is_int(txq_add(&b, NULL, 0, p, 100, 0), 100, "a frame as it is");
	is_int(b.msgs[0].msg_hdr.msg_iovlen, 1, "  one piece");
	ok(b.msgs[0].msg_hdr.msg_iov[0].iov_base == p, "  where it lies");
	is_int(txq_add(&b, hdr, sizeof(hdr), p, 10, ETH_ZLEN_), 60,
	    "a short payload is padded to 60 bytes");
	is_int(b.msgs[1].msg_hdr.msg_iovlen, 3, "  header, payload, zeros");
	is_int(b.msgs[1].msg_hdr.msg_iov[2].iov_len, 36, "  36 zeros");
	is_int(txq_add(&b, hdr, sizeof(hdr), p, 46, ETH_ZLEN_), 60,
	    "a payload of 46 bytes needs none");
	is_int(b.msgs[2].msg_hdr.msg_iovlen, 2, "  header and payload");
	is_int(txq_add(&b, hdr, sizeof(hdr), p, 2, 0), 16,
	    "no padding without a minimum");
	ok(txq_hdr(&b) == b.hdr[4], "the next frame's header space");
	is_int(b.n, 4, "four frames");
	is_int(b.lens[1], 60, "lens: the padded length");
}

/* Sends a batch of n frames of assorted sizes on a relayed target. */
static void
test_batch(enum txq_kind kind, const char *what)
{
	static struct txq_batch b;
	struct txq q;
	struct txq_fail f;
	pthread_t t;
	uint64_t bytes = 0;
	unsigned int i, pos = 0, bad = 0;
	int sv[2], ret;
	char name[128];

	pair(sv, 0, 0);
	memset(&got, 0, sizeof(got));
	got.fd = sv[1];
	got.want = TXQ_BATCH;
	pthread_create(&t, NULL, reader, NULL);
	b.n = 0;
	for (i = 0; i < TXQ_BATCH; i++)
		bytes += txq_add(&b, NULL, 0, fill(i, 60 + i * 7), 60 + i * 7,
		    0);
	txq_init(&q, sv[0], kind, &stop);
	ret = txq_send(&q, &b, &pos, b.n, &f);
	pthread_join(t, NULL);
	snprintf(name, sizeof(name), "%s: a full batch is sent", what);
	ok(ret == 0 && pos == TXQ_BATCH, name);
	is_int(q.sent, TXQ_BATCH, "  counted");
	is_int(q.bytes, bytes, "  with its bytes");
	is_int(q.errors, 0, "  no error");
	for (i = 0; i < TXQ_BATCH; i++)
		if (!is_frame(i, i, 60 + i * 7))
			bad++;
	is_int(bad, 0, "  every frame whole and in order");
	close(sv[0]);
	close(sv[1]);
}

/* Padding arrives as zeros, on either kind of target. */
static void
test_padding(enum txq_kind kind, const char *what)
{
	static struct txq_batch b;
	uint8_t hdr[ETH_HLEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0,
	    0, 0, 0, 1, 0x88, 0xb5 }, want[60];
	struct txq q;
	struct txq_fail f;
	unsigned int pos = 0;
	int sv[2];
	char name[128];

	pair(sv, 0, 0);
	memset(&got, 0, sizeof(got));
	b.n = 0;
	txq_add(&b, hdr, sizeof(hdr), "hi", 2, ETH_ZLEN_);
	txq_init(&q, sv[0], kind, &stop);
	snprintf(name, sizeof(name), "%s: a short payload is sent", what);
	ok(txq_send(&q, &b, &pos, b.n, &f) == 0 && q.bytes == 60, name);
	drain(sv[1]);
	memset(want, 0, sizeof(want));
	memcpy(want, hdr, sizeof(hdr));
	memcpy(want + sizeof(hdr), "hi", 2);
	ok(got.n == 1 && got.lens[0] == 60, "  as 60 bytes");
	is_mem(got.msgs[0], want, 60, "  header, payload, zeros");
	close(sv[0]);
	close(sv[1]);
}

/*
 * A frame the target refuses as such (EMSGSIZE: larger than the socket
 * may ever send) is reported with its index, the rest sent on the next
 * call; a range of the batch is sent alone.
 */
static void
test_refused(enum txq_kind kind, const char *what)
{
	static struct txq_batch b;
	static uint8_t huge[65536];
	struct txq q;
	struct txq_fail f = { 99, 0 };
	unsigned int i, pos = 1;
	int sv[2];
	char name[128];

	pair(sv, 4096, 0);
	memset(&got, 0, sizeof(got));
	b.n = 0;
	for (i = 0; i < 6; i++) {
		if (i == 3)
			txq_add(&b, NULL, 0, huge, sizeof(huge), 0);
		else
			txq_add(&b, NULL, 0, fill(i, 100), 100, 0);
	}
	txq_init(&q, sv[0], kind, &stop);
	snprintf(name, sizeof(name), "%s: a frame too large is reported", what);
	is_int(txq_send(&q, &b, &pos, 5, &f), 1, name);
	is_int(f.index, 3, "  with its index");
	is_int(f.err, EMSGSIZE, "  and EMSGSIZE");
	is_int(pos, 4, "  the next one is next");
	ok(q.sent == 2 && q.errors == 1, "  two sent before, one error");
	ok(txq_send(&q, &b, &pos, 5, &f) == 0 && pos == 5,
	    "  the rest of the range on the next call");
	drain(sv[1]);
	ok(got.n == 3 && is_frame(0, 1, 100) && is_frame(1, 2, 100) &&
	    is_frame(2, 4, 100), "  frames 1, 2 and 4 arrive, not 0 or 5");
	close(sv[0]);
	close(sv[1]);
}

/* The target fails: the rest of the range is counted and reported. */
static void
test_failed(enum txq_kind kind, const char *what)
{
	static struct txq_batch b;
	struct txq q;
	struct txq_fail f = { 99, 0 };
	unsigned int i, pos = 2;
	int sv[2], ret;
	char name[128];

	pair(sv, 0, 0);
	b.n = 0;
	for (i = 0; i < 8; i++)
		txq_add(&b, NULL, 0, fill(i, 100), 100, 0);
	close(sv[1]);
	txq_init(&q, sv[0], kind, &stop);
	errno = 0;
	ret = txq_send(&q, &b, &pos, 7, &f);
	snprintf(name, sizeof(name), "%s: a peer gone fails the target", what);
	ok(ret == -1 && errno == EPIPE, name);
	ok(f.index == 2 && f.err == EPIPE, "  at the first frame, EPIPE");
	ok(q.errors == 5 && q.sent == 0, "  frames 2 to 6 are errors");
	is_int(pos, 7, "  the range is done with");
	close(sv[0]);
}

/*
 * A nonblocking socket whose buffer fills: what fits goes, the rest
 * waits; with no time to retry the next frame is reported (EAGAIN), and
 * a stop ends the wait with nothing reported.  Then a reader empties it
 * as the sender fills it: a send cut short is resumed until the whole
 * batch is through.
 */
static void
test_full(void)
{
	static struct txq_batch b;
	struct txq q;
	struct txq_fail f = { 99, 0 };
	pthread_t t;
	unsigned int i, pos = 0, bad = 0, k;
	int sv[2];

	pair(sv, 4096, 1);
	memset(&got, 0, sizeof(got));
	b.n = 0;
	for (i = 0; i < TXQ_BATCH; i++)
		txq_add(&b, NULL, 0, fill(i, 1000), 1000, 0);
	txq_init(&q, sv[0], TXQ_RELAYED, &stop);
	q.retry_ns = 0;
	is_int(txq_send(&q, &b, &pos, b.n, &f), 1,
	    "a full buffer, no time to wait: reported");
	k = f.index;
	ok(k > 0 && k < 64, "  after some were sent");
	ok(f.err == EAGAIN && q.sent == k && q.errors == 1 && pos == k + 1,
	    "  EAGAIN, counted, passed by");
	stop = 1;
	q.retry_ns = TXQ_RETRY_NS;
	ok(txq_send(&q, &b, &pos, b.n, &f) == 0 && pos == k + 1 &&
	    q.errors == 1, "a stop ends the wait: not sent, not an error");
	stop = 0;
	drain(sv[1]);
	is_int(got.n, k, "  what was sent arrived");
	{
		/*
		 * A blocking relayed fd, as rawopen hands it over: the relay
		 * is waited for as long as it takes, yet a stop ends the wait
		 * (an alarm fails the test if it does not).
		 */
		struct txq qb;
		unsigned int pb = 0;
		int bv[2];

		pair(bv, 4096, 0);
		txq_init(&qb, bv[0], TXQ_RELAYED, &stop);
		stop = 1;
		alarm(10);
		ok(txq_send(&qb, &b, &pb, b.n, &f) == 0 && pb > 0 &&
		    pb < b.n && qb.errors == 0, "a blocking fd, full: a stop "
		    "ends the wait, not an error");
		alarm(0);
		stop = 0;
		close(bv[0]);
		close(bv[1]);
	}
	got.fd = sv[1];
	got.want = TXQ_BATCH - 1;
	pthread_create(&t, NULL, reader, NULL);
	ok(txq_send(&q, &b, &pos, b.n, &f) == 0 && pos == TXQ_BATCH,
	    "a reader makes room: the rest is sent");
	pthread_join(t, NULL);
	is_int(q.sent, TXQ_BATCH - 1, "  all but the one reported");
	is_int(q.errors, 1, "  no other error");
	for (i = 0; i < TXQ_BATCH - 1; i++)
		if (!is_frame(i, i < k ? i : i + 1, 1000))
			bad++;
	is_int(bad, 0, "  every frame whole and in order");
	close(sv[0]);
	close(sv[1]);
}

/* Frame i of b, its pieces put together, into out; returns its length. */
static size_t
flat(const struct txq_batch *b, unsigned int i, uint8_t *out)
{
	const struct msghdr *m = &b->msgs[i].msg_hdr;
	size_t k, n = 0;

	for (k = 0; k < m->msg_iovlen; k++) {
		memcpy(out + n, m->msg_iov[k].iov_base, m->msg_iov[k].iov_len);
		n += m->msg_iov[k].iov_len;
	}
	return n;
}

/* A record of caplen bytes at p, len on the wire. */
static struct pcapio_rec
rec(const uint8_t *p, uint32_t caplen, uint32_t len, uint16_t linktype)
{
	static uint64_t num;
	struct pcapio_rec r;

	memset(&r, 0, sizeof(r));
	r.data = p;
	r.caplen = caplen;
	r.len = len;
	r.num = ++num;
	r.linktype = linktype;
	return r;
}

/* add_record() refuses r with errno e and the words want. */
static void
refuses(struct txq_batch *b, struct pcapio_rec r,
    const struct txq_framing *fr, int e, const char *want)
{
	char why[256] = "", full[300];
	unsigned int n = b->n;

	snprintf(full, sizeof(full), "frame %llu: %s",
	    (unsigned long long)r.num, want);
	errno = 0;
	ok(txq_add_record(b, &r, fr, why, sizeof(why)) == -1 && errno == e,
	    want);
	is_str(why, full, "  its words");
	is_int(b->n, n, "  nothing added");
}

static void
test_records(void)
{
	static struct txq_batch b;
	static uint8_t f[2000], out[2100];
	uint8_t hdr[ETH_HLEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0,
	    0, 0, 0, 1, 0x88, 0xb5 };
	uint8_t dst[ETH_ALEN_] = { 2, 0, 0, 0, 0, 9 };
	struct txq_framing fr = { NULL, 0, dst, "eth9", 1500, 1514 };
	struct txq_framing pay = { hdr, sizeof(hdr), dst, "eth9", 1500, 1514 };
	struct pcapio_rec r;
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(i * 3 + 1);
	b.n = 0;
	r = rec(f, 1500, 1500, PCAPIO_LINKTYPE_ETHERNET);
	ok(txq_add_record(&b, &r, &pay, why, sizeof(why)) == 0 &&
	    b.lens[0] == 1514, "a payload of the MTU: behind the header");
	ok(flat(&b, 0, out) == 1514 && memcmp(out, hdr, 14) == 0 &&
	    memcmp(out + 14, f, 1500) == 0, "  header, then payload");
	r = rec(f, 2, 2, PCAPIO_LINKTYPE_ETHERNET);
	ok(txq_add_record(&b, &r, &pay, why, sizeof(why)) == 0 &&
	    b.lens[1] == 60, "a payload of 2 bytes: padded to 60");
	refuses(&b, rec(f, 1501, 1501, PCAPIO_LINKTYPE_ETHERNET), &pay,
	    EMSGSIZE, "a payload of 1501 bytes exceeds the MTU of eth9 (1500)");

	/* Frames as they are: 0x0800 at 12, or a tag. */
	f[12] = 0x08;
	f[13] = 0x00;
	r = rec(f, 1514, 1514, PCAPIO_LINKTYPE_ETHERNET);
	ok(txq_add_record(&b, &r, &fr, why, sizeof(why)) == 0 &&
	    b.lens[2] == 1514, "a frame of MTU + 14 bytes");
	ok(b.msgs[2].msg_hdr.msg_iovlen == 1 &&
	    b.msgs[2].msg_hdr.msg_iov[0].iov_base == f, "  as it lies");
	refuses(&b, rec(f, 1515, 1515, PCAPIO_LINKTYPE_ETHERNET), &fr,
	    EMSGSIZE, "1515 bytes exceeds the MTU of eth9 (1500 + 14)");
	f[12] = 0x81;
	r = rec(f, 1518, 1518, PCAPIO_LINKTYPE_ETHERNET);
	ok(txq_add_record(&b, &r, &fr, why, sizeof(why)) == 0,
	    "802.1Q: 4 bytes more");
	refuses(&b, rec(f, 1519, 1519, PCAPIO_LINKTYPE_ETHERNET), &fr,
	    EMSGSIZE, "1519 bytes exceeds the MTU of eth9 (1500 + 18)");
	f[12] = 0x88;
	f[13] = 0xa8;
	refuses(&b, rec(f, 1518, 1518, PCAPIO_LINKTYPE_ETHERNET), &fr,
	    EMSGSIZE, "1518 bytes exceeds the MTU of eth9 (1500 + 14)");
	refuses(&b, rec(f, 100, 200, PCAPIO_LINKTYPE_ETHERNET), &fr,
	    EBADMSG, "only 100 of 200 bytes were captured");
	refuses(&b, rec(f, 13, 13, PCAPIO_LINKTYPE_ETHERNET), &fr,
	    EMSGSIZE, "13 bytes is shorter than an Ethernet header");
	refuses(&b, rec(f, 100, 100, 105), &fr, EINVAL,
	    "linktype 105 is not Linux cooked");

	/* Linux cooked (SLL): type, ARPHRD, address length, address, proto. */
	memcpy(f, "\0\0\0\1\0\6\2\0\0\0\0\7\0\0\x88\xb5", 16);
	r = rec(f, 16 + 50, 16 + 50, PCAPIO_LINKTYPE_LINUX_SLL);
	ok(txq_add_record(&b, &r, &fr, why, sizeof(why)) == 0 &&
	    b.lens[b.n - 1] == 64, "a cooked record: an Ethernet frame");
	ok(flat(&b, b.n - 1, out) == 64 && memcmp(out, dst, 6) == 0 &&
	    memcmp(out + 6, "\2\0\0\0\0\7\x88\xb5", 8) == 0 &&
	    memcmp(out + 14, f + 16, 50) == 0,
	    "  to -d, from its address, its type, its payload");
	memcpy(f + 14, "\x81\x00", 2);
	r = rec(f, 16 + 1504, 16 + 1504, PCAPIO_LINKTYPE_LINUX_SLL);
	ok(txq_add_record(&b, &r, &fr, why, sizeof(why)) == 0 &&
	    b.lens[b.n - 1] == 1518, "  a tagged one: 4 bytes more");
	refuses(&b, rec(f, 16 + 1505, 16 + 1505, PCAPIO_LINKTYPE_LINUX_SLL),
	    &fr, EMSGSIZE, "1519 bytes exceeds the MTU of eth9 (1500 + 18)");
	f[5] = 4;
	refuses(&b, rec(f, 66, 66, PCAPIO_LINKTYPE_LINUX_SLL), &fr, EBADMSG,
	    "a Linux cooked header with a 4-byte address, not an Ethernet "
	    "one");
	refuses(&b, rec(f, 66, 70, PCAPIO_LINKTYPE_LINUX_SLL), &fr, EBADMSG,
	    "only 66 of 70 bytes were captured");
}

/*
 * txq_ring(): the same batches through a transmit ring on a packet
 * socket of lo in a network namespace of the test's own (root only), read
 * back by a socket bound to the frames' type: in order, whole, padded;
 * a frame over the MTU refused with its index and not counted as sent;
 * txq_drain() leaves nothing pending.
 */
static void
test_ring(void)
{
	static uint8_t buf[2048];
	struct txq_batch b;
	struct txq q, relayed;
	struct txq_fail f;
	struct sockaddr_ll sll;
	struct timeval tv = { 2, 0 };
	unsigned int pos, i, ok_order = 1, n = 0;
	uint8_t hdr[ETH_HLEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
	uint64_t want;
	ssize_t k;
	int s, r, ix, ret;

	/* lo up, at an MTU a ring slot holds. */
	if (geteuid() != 0 || (ix = netns_lo(1500)) == -1) {
		skip(8, "needs root and a network namespace");
		return;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ix;
	if ((s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sll, sizeof(sll)) == -1 ||
	    (r = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
	    htons(0x88b5))) == -1)
		abort();
	sll.sll_protocol = htons(0x88b5);
	if (bind(r, (struct sockaddr *)&sll, sizeof(sll)) == -1 ||
	    setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		abort();

	txq_init(&relayed, s, TXQ_RELAYED, NULL);
	errno = 0;
	ok(txq_ring(&relayed, 1500, 64) == -1 && errno == EINVAL,
	    "ring: only on a packet target: EINVAL");
	txq_init(&q, s, TXQ_PACKET, NULL);
	ok(txq_ring(&q, 1500, 64) == 0 && q.ringed, "ring: set up on a "
	    "packet socket of our own");
	/* 200 frames (more than the ring's 64 slots), frame 7 too long. */
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 200; i++) {
		memset(data[i], (int)i, 1500);
		txq_add(&b, hdr, sizeof(hdr), data[i], i == 7 ? 1501 :
		    i % 3 == 0 ? 10 : 100 + i, ETH_ZLEN_);
	}
	pos = 0;
	ret = txq_send(&q, &b, &pos, b.n, &f);
	ok(ret == 1 && f.index == 7 && f.err == EMSGSIZE && pos == 8,
	    "ring: a frame over the MTU refused, with its index");
	while ((ret = txq_send(&q, &b, &pos, b.n, &f)) == 1)
		;
	ok(ret == 0 && pos == 200, "ring: and the rest taken");
	ok(txq_drain(&q, &f) == 0 && q.ring.pending == 0,
	    "ring: drained, nothing pending");
	for (i = 0, want = 0; i < 200; i++)
		want += i == 7 ? 0 : b.lens[i];
	ok(q.sent == 199 && q.errors == 1 && q.bytes == want,
	    "ring: 199 sent and their bytes, 1 error");
	for (i = 0; i < 200 && n < 199; i++) {
		if (i == 7)
			continue;
		if ((k = recv(r, buf, sizeof(buf), 0)) == -1)
			break;
		n++;
		if ((size_t)k != b.lens[i] || memcmp(buf, hdr, sizeof(hdr)) != 0 ||
		    buf[ETH_HLEN_] != (uint8_t)i ||
		    (i % 3 == 0 && buf[ETH_ZLEN_ - 1] != 0))
			ok_order = 0;
	}
	is_int(n, 199, "ring: 199 frames arrived");
	ok(ok_order, "ring: in order, whole, the short ones padded to 60");
	txq_free(&q);
	close(r);
	close(s);
}

int
main(void)
{
	/* A tap's writev(2) on a closed socket raises it; a relay's not. */
	test_failed(TXQ_RELAYED, "relayed");
	signal(SIGPIPE, SIG_IGN);
	test_add();
	test_batch(TXQ_RELAYED, "relayed");
	test_batch(TXQ_TAP, "tap");
	test_batch(TXQ_PACKET, "packet");
	test_padding(TXQ_RELAYED, "relayed");
	test_padding(TXQ_TAP, "tap");
	test_refused(TXQ_RELAYED, "relayed");
	test_refused(TXQ_TAP, "tap");
	test_failed(TXQ_TAP, "tap");
	test_full();
	test_records();
	test_ring();
	return done();
}
