/*
 * vmsplice: what vmsplice(2) of ring blocks would save over writev(2)
 * when pcap records go from a TPACKET_V3 ring into a pipe.
 *
 *	vmsplice [-inu] [-b BLOCK] [-k BLOCKS] [-p PIPESZ] [-P WCPU,RCPU]
 *	    [-r cat|sum] [-s SECS] MODE SIZE MB
 *
 * No socket: the program fills a mmap'd region of BLOCKS blocks of BLOCK
 * bytes (default 14 of 1 MiB, ethrecv's ring) the way the kernel fills a
 * TPACKET_V3 ring (a block descriptor, then each frame behind a tpacket3_hdr
 * and a sockaddr_ll, its MAC header at tp_mac = 82, the next one 16-byte
 * aligned), with frames of SIZE bytes whose contents depend on how many
 * blocks were filled before (a 64-bit stamp after the Ethernet header, the
 * rest a fixed pattern).  It then walks each block as lib/ring.c does and
 * moves its frames as pcap records (a 16-byte header from a small buffer,
 * then the frame bytes in the block) into a pipe, as ethrecv's lib/outq.c
 * does, until MB megabytes (2^20 bytes) of records or SECS seconds have
 * gone, at a block boundary; then it refills the next block.  MODE:
 *
 *   writev    writev(2) of the iovecs [header, frame, header, frame...],
 *             1024 at a time: ethrecv today.  The kernel copies the bytes
 *             into pipe pages, so a block may be refilled at once.
 *   vmsplice  vmsplice(2) of the same iovecs, no flags: the kernel takes a
 *             reference to each user page and puts every piece of every
 *             iovec in a pipe buffer of its own (one slot of the pipe's
 *             PIPESZ / 4096), no copy; the reader's read(2) copies from the
 *             block itself.  So a block is refilled only once the pipe has
 *             drained past its last byte: the bytes handed over minus
 *             FIONREAD (what the pipe still holds) tell how far the reader
 *             has read.
 *   gift      the records copied (memcpy, by us) into a ring of
 *             page-aligned staging pages as big as the ring, each whole page
 *             handed over with vmsplice(2) SPLICE_F_GIFT (the last, partial
 *             one without it), a page rewritten only once the pipe has
 *             drained past it: the form the kernel asks for gifts in (whole
 *             pages, never touched again while the pipe holds them), one
 *             pipe slot per 4 KiB.
 *   copy      the control for gift: the block's records copied (memcpy)
 *             into one buffer, handed over with one write(2): what gift
 *             gains from the gathering alone, with the kernel's copy.
 *   fill      only fills the blocks and builds the iovecs, no pipe and no
 *             reader: the writer's CPU time that is not the output's.
 *
 * -n (gift only) hands the pages over without SPLICE_F_GIFT: what the flag
 * itself does, which is nothing for a reader that read(2)s (only a
 * consumer that steals pages from a pipe looks at it).
 *
 * -i puts each record's header in the block, in the 16 bytes before the
 * frame (the end of the sockaddr_ll and the padding, which ethrecv has read
 * by then), so that a record is one iovec and one pipe slot, not two.  -u
 * (unsafe) refills blocks and staging pages without waiting for the pipe to
 * drain past them: what the checksum must catch.
 *
 * The reader is a child reading the pipe's other end (-r): cat, exec'd with
 * its output to /dev/null (read(2) and write(2), as it does from a pipe), or
 * sum (the default): read(2) into 1 MiB, as bench/pcapcount.c, and a
 * checksum over every byte (what a reader that looks at the frames pays).
 * With sum the writer, once the run is timed, makes the same stream again
 * and checks the reader's checksum against it.  -P pins the writer and the
 * reader to CPUs.  -p sets the pipe's size (F_SETPIPE_SZ; default: the
 * system's, 64 KiB).
 *
 * Prints one line: MODE SIZE BYTES FRAMES SECS WCPU RCPU WAITS CHECK, where
 * BYTES are the pcap stream's bytes (global header and records), SECS the
 * time from the first write to the reader's exit, WCPU and RCPU the user
 * plus system seconds (getrusage) of the writer while it wrote and of the
 * reader, WAITS how often the writer found a block (or staging page) still
 * in the pipe and slept 20 us, and CHECK ok, bad (the reader received other
 * bytes than were sent: exit 1) or - (not checked).  Exits 111 when a system
 * call fails, 100 on bad usage.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096
#define IOVMAX		1024
#define FIRST		48	/* first frame's offset in a block */
#define MACOFF		82	/* tp_mac of a V3 frame: 96 - 14 */
#define CHUNK		(1 << 20)
#define WAIT_NS		20000

enum mode { M_WRITEV, M_VMSPLICE, M_GIFT, M_COPY, M_FILL };

/* A checksum over a byte stream, fed in pieces of any length. */
struct sum {
	uint64_t	 a, b, n;
	uint8_t		 carry[8];
	unsigned int	 nc;
};

static void
sum_word(struct sum *s, uint64_t w)
{
	s->a += w ^ 0x9e3779b97f4a7c15ULL;
	s->b += s->a;
}

static void
sum_feed(struct sum *s, const uint8_t *p, size_t len)
{
	uint64_t w;

	s->n += len;
	while (s->nc > 0 && len > 0) {
		s->carry[s->nc++] = *p++;
		len--;
		if (s->nc == 8) {
			memcpy(&w, s->carry, 8);
			sum_word(s, w);
			s->nc = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		sum_word(s, w);
	}
	while (len-- > 0)
		s->carry[s->nc++] = *p++;
}

static uint64_t
sum_end(struct sum *s)
{
	uint64_t w = 0;

	if (s->nc > 0) {
		memcpy(&w, s->carry, s->nc);
		sum_word(s, w);
	}
	return s->a ^ (s->b << 32 | s->b >> 32) ^ s->n;
}

struct run {
	enum mode	 mode;
	int		 inplace, unsafe, nogift;
	size_t		 size, bsize;
	unsigned int	 nblocks;
	uint8_t		*ring;
	uint8_t		*hdrs;		/* per block: 16 bytes a frame */
	unsigned int	 perblock;	/* frames a block holds */
	uint64_t	*bend;		/* per block: stream offset past it */
	struct iovec	*iov;
	int		 fd;
	uint64_t	 out;		/* stream bytes handed to the pipe */
	uint64_t	 drained;	/* known read by the reader */
	unsigned long	 waits;
	/* gift */
	uint8_t		*stage;
	size_t		 ssize;
	uint64_t	 sbase, sfill;	/* stream offsets: staging index 0, end */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		err(111, "sched_setaffinity %d", cpu);
}

/* Frames of size bytes a block of bsize holds. */
static unsigned int
frames_per_block(size_t bsize, size_t size)
{
	size_t stride = (MACOFF + size + 15) & ~(size_t)15;

	return (unsigned int)((bsize - FIRST) / stride);
}

/*
 * Fills the block at blk as the kernel would, its frames stamped with seq (the
 * count of blocks filled before it) and their index.
 */
static void
fill_block(uint8_t *blk, size_t bsize, size_t size, uint64_t seq)
{
	static const uint8_t eth[14] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x02, 0xfd, 0xb0, 0x00, 0x00, 0x03, 0x88, 0xb5 };
	static uint8_t pattern[9000];
	struct tpacket_block_desc bd;
	struct tpacket3_hdr h;
	unsigned int i, n = frames_per_block(bsize, size);
	size_t off = FIRST, stride = (MACOFF + size + 15) & ~(size_t)15;
	uint64_t stamp;

	if (pattern[0] == 0)
		for (i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(i * 7 + 1);
	memset(&bd, 0, sizeof(bd));
	bd.version = TPACKET_V3;
	bd.offset_to_priv = 16;
	bd.hdr.bh1.num_pkts = n;
	bd.hdr.bh1.offset_to_first_pkt = FIRST;
	bd.hdr.bh1.seq_num = seq;
	memcpy(blk, &bd, sizeof(bd));
	for (i = 0; i < n; i++, off += stride) {
		memset(&h, 0, sizeof(h));
		h.tp_next_offset = i + 1 < n ? (uint32_t)stride : 0;
		h.tp_sec = (uint32_t)seq;
		h.tp_nsec = i * 1000;
		h.tp_snaplen = h.tp_len = (uint32_t)size;
		h.tp_mac = MACOFF;
		memcpy(blk + off, &h, sizeof(h));
		memcpy(blk + off + MACOFF, eth, 14);
		memcpy(blk + off + MACOFF + 14, pattern, size - 14);
		stamp = seq << 24 | i;
		memcpy(blk + off + MACOFF + 14, &stamp, 8);
	}
}

/*
 * Walks block blk as lib/ring.c does and builds its records' iovecs in
 * iov, each header in hdrs (or, inplace, before its frame); returns the
 * count of iovecs, *bytes the records' bytes.
 */
static unsigned int
walk_block(uint8_t *blk, uint8_t *hdrs, int inplace, struct iovec *iov,
    uint64_t *bytes)
{
	struct tpacket_block_desc bd;
	struct tpacket3_hdr h;
	uint32_t rec[4];
	unsigned int i, n, k = 0;
	size_t off;
	uint8_t *hp;

	memcpy(&bd, blk, sizeof(bd));
	n = bd.hdr.bh1.num_pkts;
	off = bd.hdr.bh1.offset_to_first_pkt;
	*bytes = 0;
	for (i = 0; i < n; i++) {
		memcpy(&h, blk + off, sizeof(h));
		rec[0] = h.tp_sec;
		rec[1] = h.tp_nsec / 1000;
		rec[2] = h.tp_snaplen;
		rec[3] = h.tp_len;
		if (inplace) {
			hp = blk + off + h.tp_mac - 16;
			memcpy(hp, rec, 16);
			iov[k].iov_base = hp;
			iov[k++].iov_len = 16 + h.tp_snaplen;
		} else {
			hp = hdrs + (size_t)i * 16;
			memcpy(hp, rec, 16);
			iov[k].iov_base = hp;
			iov[k++].iov_len = 16;
			iov[k].iov_base = blk + off + h.tp_mac;
			iov[k++].iov_len = h.tp_snaplen;
		}
		*bytes += 16 + h.tp_snaplen;
		off += h.tp_next_offset;
	}
	return k;
}

/* The reader has read every byte before stream offset end: waits for it. */
static void
wait_drained(struct run *r, uint64_t end)
{
	struct timespec ts = { 0, WAIT_NS };
	int left;

	if (r->unsafe || r->drained >= end)
		return;
	for (;;) {
		if (ioctl(r->fd, FIONREAD, &left) == -1)
			err(111, "FIONREAD");
		r->drained = r->out - (uint64_t)left;
		if (r->drained >= end)
			return;
		r->waits++;
		nanosleep(&ts, NULL);
	}
}

/* Hands the n iovecs of v to the pipe, all of them. */
static void
put(struct run *r, struct iovec *v, unsigned int n, unsigned int flags)
{
	unsigned int cnt;
	ssize_t k;

	while (n > 0) {
		cnt = n < IOVMAX ? n : IOVMAX;
		if (r->mode == M_WRITEV || r->mode == M_COPY)
			k = writev(r->fd, v, (int)cnt);
		else
			k = vmsplice(r->fd, v, cnt, flags);
		if (k == -1) {
			if (errno == EINTR)
				continue;
			err(111, r->mode == M_VMSPLICE || r->mode == M_GIFT ?
			    "vmsplice" : "writev");
		}
		r->out += (uint64_t)k;
		for (; n > 0 && (size_t)k >= v->iov_len; n--, v++)
			k -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (uint8_t *)v->iov_base + k;
			v->iov_len -= (size_t)k;
		}
	}
}

/* gift: hands over the whole staged pages (all, with last: the rest). */
static void
stage_flush(struct run *r, int last)
{
	struct iovec v;
	uint64_t end;
	size_t at;

	for (;;) {
		end = last ? r->sfill :
		    r->sbase + ((r->sfill - r->sbase) & ~(uint64_t)(PAGE - 1));
		if (end <= r->out)
			return;
		at = (size_t)((r->out - r->sbase) % r->ssize);
		v.iov_base = r->stage + at;
		v.iov_len = (size_t)(end - r->out);
		if (v.iov_len > r->ssize - at)
			v.iov_len = r->ssize - at;
		put(r, &v, 1, v.iov_len % PAGE == 0 && !r->nogift ?
		    SPLICE_F_GIFT : 0);
	}
}

/*
 * gift: copies len bytes into the staging pages; a page is rewritten only
 * once it was handed over and the pipe has drained past it.
 */
static void
stage_put(struct run *r, const uint8_t *p, size_t len)
{
	uint64_t old;
	size_t at, k;

	while (len > 0) {
		at = (size_t)((r->sfill - r->sbase) % r->ssize);
		k = r->ssize - at;
		if (k > len)
			k = len;
		if (r->sfill + k > r->sbase + r->ssize) {
			/* Stream bytes before old were here. */
			old = r->sfill + k - r->ssize;
			if (r->out < old)
				stage_flush(r, 0);
			wait_drained(r, old);
		}
		memcpy(r->stage + at, p, k);
		r->sfill += k;
		p += k;
		len -= k;
	}
}

/* Writes all of buf (the pcap global header). */
static void
put_all(struct run *r, const void *buf, size_t len)
{
	struct iovec v = { (void *)buf, len };
	enum mode m = r->mode;

	r->mode = M_WRITEV;
	put(r, &v, 1, 0);
	r->mode = m;
	r->drained = 0;
}

static const uint32_t pcap_global[6] = { 0xa1b2c3d4, 0x00040002, 0, 0,
    262144, 1 };

/* The reader: sums what comes on fd, or runs cat; never returns. */
static void
reader(int fd, int sumfd, const char *how, int cpu)
{
	static uint8_t buf[CHUNK];
	struct sum s;
	uint64_t res[2];
	ssize_t n;
	int devnull;

	pin(cpu);
	if (strcmp(how, "cat") == 0) {
		if ((devnull = open("/dev/null", O_WRONLY)) == -1)
			err(111, "/dev/null");
		if (dup2(fd, 0) == -1 || dup2(devnull, 1) == -1)
			err(111, "dup2");
		execlp("cat", "cat", (char *)NULL);
		err(126, "cat");
	}
	memset(&s, 0, sizeof(s));
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(111, "read");
		}
		if (n == 0)
			break;
		sum_feed(&s, buf, (size_t)n);
	}
	res[1] = s.n;
	res[0] = sum_end(&s);
	if (write(sumfd, res, sizeof(res)) != sizeof(res))
		err(111, "write");
	_exit(0);
}

/* The checksum of the stream of nblk blocks the run sent. */
static uint64_t
expected(const struct run *r, uint64_t nblk, uint64_t *len)
{
	struct sum s;
	uint64_t seq, bytes;
	unsigned int i, k;
	uint8_t *blk = malloc(r->bsize), *hdrs = malloc((size_t)r->perblock * 16);
	struct iovec *iov = calloc((size_t)r->perblock * 2, sizeof(*iov));

	if (blk == NULL || hdrs == NULL || iov == NULL)
		err(111, "malloc");
	memset(&s, 0, sizeof(s));
	sum_feed(&s, (const uint8_t *)pcap_global, sizeof(pcap_global));
	for (seq = 0; seq < nblk; seq++) {
		fill_block(blk, r->bsize, r->size, seq);
		k = walk_block(blk, hdrs, r->inplace, iov, &bytes);
		for (i = 0; i < k; i++)
			sum_feed(&s, iov[i].iov_base, iov[i].iov_len);
	}
	*len = s.n;
	free(blk);
	free(hdrs);
	free(iov);
	return sum_end(&s);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: vmsplice [-inu] [-b BLOCK] [-k BLOCKS] [-p PIPESZ] "
	    "[-P WCPU,RCPU] [-r cat|sum] [-s SECS] writev|vmsplice|gift|copy|fill "
	    "SIZE MB\n");
	exit(100);
}

static double
cpu_secs(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	    ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct run r;
	struct rusage ru0, ru1, rru;
	const char *how = "sum";
	double secs = 1e9, t0, t1, wcpu, rcpu = 0;
	uint64_t limit, bytes, frames = 0, seq = 0, res[2], want, wantlen;
	unsigned int b, k;
	int ch, pipesz = 0, wcpu_n = -1, rcpu_n = -1, p[2], sp[2], st;
	const char *check = "-";
	pid_t pid = -1;
	uint8_t *blk;

	memset(&r, 0, sizeof(r));
	r.bsize = 1 << 20;
	r.nblocks = 14;
	while ((ch = getopt(argc, argv, "b:ik:np:P:r:s:u")) != -1) {
		switch (ch) {
		case 'b': r.bsize = strtoul(optarg, NULL, 0); break;
		case 'i': r.inplace = 1; break;
		case 'k': r.nblocks = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'n': r.nogift = 1; break;
		case 'p': pipesz = (int)strtol(optarg, NULL, 0); break;
		case 'P':
			if (sscanf(optarg, "%d,%d", &wcpu_n, &rcpu_n) != 2)
				usage();
			break;
		case 'r': how = optarg; break;
		case 's': secs = strtod(optarg, NULL); break;
		case 'u': r.unsafe = 1; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	if (strcmp(argv[0], "writev") == 0)
		r.mode = M_WRITEV;
	else if (strcmp(argv[0], "vmsplice") == 0)
		r.mode = M_VMSPLICE;
	else if (strcmp(argv[0], "gift") == 0)
		r.mode = M_GIFT;
	else if (strcmp(argv[0], "copy") == 0)
		r.mode = M_COPY;
	else if (strcmp(argv[0], "fill") == 0)
		r.mode = M_FILL;
	else
		usage();
	r.size = strtoul(argv[1], NULL, 0);
	limit = strtoull(argv[2], NULL, 0) << 20;
	if (r.size < 22 || r.size > 9000 || r.bsize < PAGE ||
	    r.bsize % PAGE != 0 || r.nblocks < 1 ||
	    (strcmp(how, "cat") != 0 && strcmp(how, "sum") != 0) ||
	    (r.perblock = frames_per_block(r.bsize, r.size)) == 0)
		usage();

	r.ring = mmap(NULL, r.bsize * r.nblocks, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (r.ring == MAP_FAILED)
		err(111, "mmap");
	r.hdrs = calloc((size_t)r.nblocks * r.perblock, 16);
	r.bend = calloc(r.nblocks, sizeof(*r.bend));
	r.iov = calloc((size_t)r.perblock * 2, sizeof(*r.iov));
	if (r.hdrs == NULL || r.bend == NULL || r.iov == NULL)
		err(111, "calloc");
	if (r.mode == M_GIFT || r.mode == M_COPY) {
		r.ssize = r.bsize * (r.mode == M_GIFT ? r.nblocks : 1);
		r.stage = mmap(NULL, r.ssize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (r.stage == MAP_FAILED)
			err(111, "mmap");
	}
	signal(SIGPIPE, SIG_IGN);

	if (r.mode != M_FILL) {
		if (pipe(p) == -1 || pipe(sp) == -1)
			err(111, "pipe");
		if (pipesz > 0 && fcntl(p[1], F_SETPIPE_SZ, pipesz) == -1)
			err(111, "F_SETPIPE_SZ %d", pipesz);
		if ((pid = fork()) == -1)
			err(111, "fork");
		if (pid == 0) {
			close(p[1]);
			close(sp[0]);
			reader(p[0], sp[1], how, rcpu_n);
		}
		close(p[0]);
		close(sp[1]);
		r.fd = p[1];
	}
	pin(wcpu_n);

	getrusage(RUSAGE_SELF, &ru0);
	t0 = now();
	if (r.mode != M_FILL)
		put_all(&r, pcap_global, sizeof(pcap_global));
	r.sbase = r.sfill = r.out;
	bytes = sizeof(pcap_global);
	while (bytes < limit) {
		b = (unsigned int)(seq % r.nblocks);
		blk = r.ring + (size_t)b * r.bsize;
		/* The block goes back to the "kernel" only once read. */
		if (r.mode == M_VMSPLICE && seq >= r.nblocks)
			wait_drained(&r, r.bend[b]);
		fill_block(blk, r.bsize, r.size, seq);
		k = walk_block(blk, r.hdrs + (size_t)b * r.perblock * 16,
		    r.inplace, r.iov, &r.bend[b]);
		bytes += r.bend[b];
		frames += r.perblock;
		switch (r.mode) {
		case M_WRITEV:
		case M_VMSPLICE:
			put(&r, r.iov, k, 0);
			break;
		case M_GIFT:
			for (unsigned int i = 0; i < k; i++)
				stage_put(&r, r.iov[i].iov_base, r.iov[i].iov_len);
			stage_flush(&r, 0);
			break;
		case M_COPY:
			r.sfill = 0;
			for (unsigned int i = 0; i < k; i++) {
				memcpy(r.stage + r.sfill, r.iov[i].iov_base,
				    r.iov[i].iov_len);
				r.sfill += r.iov[i].iov_len;
			}
			r.iov[0].iov_base = r.stage;
			r.iov[0].iov_len = (size_t)r.sfill;
			put(&r, r.iov, 1, 0);
			break;
		case M_FILL:
			break;
		}
		r.bend[b] = r.out;
		seq++;
		if (now() - t0 >= secs)
			break;
	}
	if (r.mode == M_GIFT)
		stage_flush(&r, 1);
	if (r.mode != M_FILL)
		close(r.fd);
	getrusage(RUSAGE_SELF, &ru1);
	wcpu = cpu_secs(&ru1) - cpu_secs(&ru0);
	if (pid > 0) {
		if (wait4(pid, &st, 0, &rru) == -1)
			err(111, "wait4");
		t1 = now();
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			errx(111, "reader failed (status %#x)", st);
		rcpu = cpu_secs(&rru);
		if (strcmp(how, "sum") == 0) {
			if (read(sp[0], res, sizeof(res)) != sizeof(res))
				errx(111, "no checksum from the reader");
			want = expected(&r, seq, &wantlen);
			check = res[0] == want && res[1] == wantlen &&
			    wantlen == bytes ? "ok" : "bad";
		}
	} else
		t1 = now();
	printf("%s %zu %llu %llu %.6f %.6f %.6f %lu %s\n", argv[0], r.size,
	    (unsigned long long)bytes, (unsigned long long)frames, t1 - t0,
	    wcpu, rcpu, r.waits, check);
	return strcmp(check, "bad") == 0;
}
