/*
 * Fuzz harness: lib/pcapio, pcap and pcapng from a hostile peer.
 *
 * The input is one capture stream, read three ways that must agree:
 *   1. pcapio_parse() over the whole input with eof set, the reference;
 *   2. pcapio_parse() fed in small pieces, as a pipe would bring them,
 *      each call seeing only the unconsumed bytes in a buffer of exactly
 *      that size (so an over-read is an AddressSanitizer report);
 *   3. the buffered reader over a memfd, with a tiny buffer so that it
 *      grows and moves, then rewound and read again.
 * Every record must lie inside what was parsed, be no longer than the
 * limits, and come out identical (bytes, lengths, timestamp, interface,
 * number, offset) from each way; the end must be the same (clean, or an
 * error with errno EBADMSG and a message).  A difference traps.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

/* A value pcapio_parse() never leaves in *used: it must always set it. */
#define UNSET		((size_t)-1)

/* A record as the reference parse saw it, its data as an input offset. */
struct seen {
	size_t		 doff;
	uint32_t	 caplen, len, ifid;
	uint64_t	 ts_ns, num, off;
};

struct run {
	struct seen	*recs;
	size_t		 n, cap;
	int		 fail;		/* ended in an error */
};

/* Checks what every call that failed must leave. */
static void
check_error(const struct pcapio_parser *p)
{
	check(errno == EBADMSG);
	check(p->err[0] != '\0');
	check(memchr(p->err, '\0', sizeof(p->err)) != NULL);
}

/* Checks rec against the limits and records it in run. */
static void
add(struct run *run, const struct pcapio_rec *rec, const uint8_t *base,
    size_t baselen)
{
	struct seen *s;

	check(rec->data >= base);
	check(rec->caplen <= PCAPIO_MAXCAPLEN);
	check(rec->caplen <= rec->len);
	check((size_t)(rec->data - base) + rec->caplen <= baselen);
	check(rec->num == run->n + 1);
	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 16;
		if ((s = reallocarray(run->recs, run->cap, sizeof(*s))) == NULL)
			abort();
		run->recs = s;
	}
	s = &run->recs[run->n++];
	s->doff = (size_t)(rec->data - base);
	s->caplen = rec->caplen;
	s->len = rec->len;
	s->ifid = rec->ifid;
	s->ts_ns = rec->ts_ns;
	s->num = rec->num;
	s->off = rec->off;
	/* The record header lies before its data, inside the stream. */
	check(s->off < s->doff || (s->off == s->doff && s->caplen == 0));
}

/* Whether rec is the i-th record of the reference, data included. */
static void
same(const struct run *ref, size_t i, const struct pcapio_rec *rec,
    const uint8_t *input)
{
	const struct seen *s;

	check(i < ref->n);
	s = &ref->recs[i];
	check(rec->caplen == s->caplen && rec->len == s->len);
	check(rec->ifid == s->ifid && rec->ts_ns == s->ts_ns);
	check(rec->num == s->num && rec->off == s->off);
	check(memcmp(rec->data, input + s->doff, s->caplen) == 0);
}

/* 1: the whole input at once. */
static void
parse_whole(const uint8_t *data, size_t size, struct run *run)
{
	struct pcapio_parser p;
	struct pcapio_rec rec;
	size_t u = 0, used;
	int r;

	pcapio_parser_init(&p, PCAPIO_FMT_NONE);
	for (;;) {
		used = UNSET;
		r = pcapio_parse(&p, data + u, size - u, 1, &rec, &used);
		check(used <= size - u);
		u += used;
		check(p.off == u);
		if (r == 1) {
			check(used > 0);
			add(run, &rec, data, size);
			continue;
		}
		if (r == -1) {
			check_error(&p);
			run->fail = 1;
		} else {
			check(r == 0);
			check(u == size);
		}
		return;
	}
}

/*
 * 2: in pieces.  The piece sizes come from the input itself, so that the
 * fuzzer steers them too; each call gets a copy of just the unconsumed
 * bytes, in a heap block of exactly that size.
 */
static void
parse_pieces(const uint8_t *data, size_t size, const struct run *ref)
{
	struct pcapio_parser p;
	struct pcapio_rec rec;
	uint8_t *win;
	size_t u = 0, avail = 0, used, n = 0, step;
	int r, eof = 0;

	pcapio_parser_init(&p, PCAPIO_FMT_NONE);
	for (;;) {
		if ((win = malloc(avail - u + 1)) == NULL)
			abort();
		memcpy(win, data + u, avail - u);
		used = UNSET;
		r = pcapio_parse(&p, win, avail - u, eof, &rec, &used);
		check(used <= avail - u);
		if (r == 1) {
			check(rec.data >= win &&
			    rec.data + rec.caplen <= win + avail - u);
			same(ref, n++, &rec, data);
		}
		free(win);
		u += used;
		if (r == 1)
			continue;
		if (r == -1) {
			check_error(&p);
			/*
			 * The reference failed too, at the same record;
			 * before the end, only on bytes it has seen whole.
			 */
			check(ref->fail && n == ref->n);
			return;
		}
		if (eof) {
			check(!ref->fail && n == ref->n && u == size);
			return;
		}
		step = size > 0 ? 1 + data[(u + avail) % size] % 61 : 1;
		if (step > size - avail)
			step = size - avail;
		avail += step;
		eof = avail == size;
	}
}

/* 3: the buffered reader over a memfd, twice (rewound). */
static void
read_fd(int fd, const uint8_t *data, size_t size, const struct run *ref,
    size_t keep)
{
	struct pcapio_reader r;
	struct pcapio_rec rec;
	size_t n;
	int f, pass, ret;

	if (lseek(fd, 0, SEEK_SET) == -1)
		abort();
	if (pcapio_reader_init(&r, fd, 64, keep) == -1)
		abort();
	f = pcapio_detect(&r);
	check(f == (int)pcapio_sniff(data, size));
	if (f == PCAPIO_FMT_NONE) {
		pcapio_reader_free(&r);
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		n = 0;
		for (;;) {
			ret = pcapio_next(&r, &rec);
			if (ret == 1) {
				check(rec.data >= r.buf &&
				    rec.data + rec.caplen <= r.buf + r.end);
				same(ref, n++, &rec, data);
				continue;
			}
			if (ret == -1) {
				check_error(&r.p);
				check(ref->fail && n == ref->n);
				break;
			}
			if ((ret = pcapio_refill(&r)) == 1)
				continue;
			if (ret == 0) {
				check(!ref->fail && n == ref->n);
				break;
			}
			/* Only a kept stream that grew too big may fail. */
			check(errno == EBADMSG || errno == EFBIG);
			if (errno == EBADMSG)
				check(ref->fail && n == ref->n);
			break;
		}
		if (pass == 0 && pcapio_rewind(&r) == -1)
			abort();
	}
	pcapio_reader_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct run ref;
	size_t off;
	ssize_t w;

	memset(&ref, 0, sizeof(ref));
	parse_whole(data, size, &ref);
	parse_pieces(data, size, &ref);

	if (fd == -1 && (fd = memfd_create("pcapio-fuzz", MFD_CLOEXEC)) == -1)
		abort();
	if (ftruncate(fd, 0) == -1)
		abort();
	for (off = 0; off < size; off += (size_t)w)
		if ((w = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			abort();
	read_fd(fd, data, size, &ref, 0);
	read_fd(fd, data, size, &ref, size + 1);
	free(ref.recs);
	return 0;
}
