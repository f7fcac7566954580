/*
 * Fuzz harness: lib/textio, frames as hex lines, text lines and raw bytes.
 *
 * The input is read through a struct pcapio_reader over a memfd, with a
 * tiny buffer so that it grows and moves under the records, in each of
 * the three formats, and every result is held to the format's definition:
 *   lines  the records, joined, are the input, each ending at its '\n';
 *   raw    the records, joined, are the input, all maxlen bytes but the
 *          last;
 *   hex    each record is what a plain reference decoder in this file
 *          makes of the next line that is not blank or a comment (blanks
 *          and colons between bytes), and the
 *          first line it refuses is the one textio reports ("line N: ").
 * textio_hexline() output decodes back to its frame, and textio_summary()
 * stays inside its buffer and its documented length.  A difference traps.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapio.h"
#include "textio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

static int
ref_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The reference: line s[0..len) (no '\n') as the header describes it.
 * Returns 1 and the bytes in out (*outlen), 0 for a line to skip, or -1.
 */
static int
ref_hexline(const uint8_t *s, size_t len, uint8_t *out, size_t *outlen)
{
	size_t i, o = 0;
	int hi, lo;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len || s[i] == '#')
		return 0;
	/* A '#' after blanks and '\r's is a comment too (skipline). */
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == ':')
			continue;
		if (i + 1 >= len || (hi = ref_hexval(s[i])) == -1 ||
		    (lo = ref_hexval(s[i + 1])) == -1)
			return -1;
		out[o++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	*outlen = o;
	return 1;
}

/* Whether a line is skipped: only blanks and '\r', or a '#' after them. */
static int
ref_skip(const uint8_t *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '#')
			return 1;
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	}
	return 1;
}

/* The length of the line at data[pos..size), without its '\n'. */
static size_t
linelen(const uint8_t *data, size_t pos, size_t size)
{
	const uint8_t *nl = memchr(data + pos, '\n', size - pos);

	return nl != NULL ? (size_t)(nl - (data + pos)) : size - pos;
}

/* Where the line after the one at pos (ll bytes long) starts. */
static size_t
nextline(size_t pos, size_t ll, size_t size)
{
	return pos + ll + (pos + ll < size);
}

/*
 * Moves *pos over skipped lines to the next line a hex reader decodes,
 * counting lines in *line; its length in *ll.
 */
static void
ref_next(const uint8_t *data, size_t size, size_t *pos, size_t *line,
    size_t *ll)
{
	for (;;) {
		check(*pos < size);
		++*line;
		*ll = linelen(data, *pos, size);
		if (!ref_skip(data + *pos, *ll))
			return;
		*pos = nextline(*pos, *ll, size);
	}
}

/* Reads fd in format fmt and checks each record against data. */
static void
read_fmt(int fd, const uint8_t *data, size_t size, enum pcapio_format fmt,
    size_t maxlen)
{
	struct pcapio_reader r;
	struct pcapio_rec rec;
	const uint8_t *nl;
	uint8_t *ref;
	char want[32];
	size_t pos = 0, line = 0, ll = 0, reflen;
	uint64_t n = 0;
	int ret, rr;

	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    pcapio_reader_init(&r, fd, 16, 0) == -1 ||
	    (ref = malloc(size + 1)) == NULL)
		abort();
	for (;;) {
		ret = textio_next(&r, fmt, maxlen, &rec);
		if (ret == 0) {
			if ((ret = pcapio_refill(&r)) == 1)
				continue;
			check(ret == 0);
			break;
		}
		if (ret == -1) {
			check(fmt == PCAPIO_FMT_HEX && errno == EBADMSG);
			break;
		}
		check(rec.data >= r.buf && rec.data + rec.caplen <= r.buf + r.end);
		check(rec.caplen == rec.len && rec.num == ++n);
		check(fmt == PCAPIO_FMT_HEX || rec.off == pos);
		switch (fmt) {
		case PCAPIO_FMT_LINES:
			check(rec.caplen > 0 && rec.caplen <= size - pos);
			check(memcmp(rec.data, data + pos, rec.caplen) == 0);
			pos += rec.caplen;
			/* Only the last line may lack its newline. */
			nl = memchr(rec.data, '\n', rec.caplen);
			check(nl != NULL ? (size_t)(nl - rec.data) ==
			    rec.caplen - 1 : pos == size);
			break;
		case PCAPIO_FMT_RAW:
			check(rec.caplen == maxlen ||
			    (rec.caplen > 0 && pos + rec.caplen == size));
			check(memcmp(rec.data, data + pos, rec.caplen) == 0);
			pos += rec.caplen;
			break;
		default:
			/* The next line the reference does not skip. */
			ref_next(data, size, &pos, &line, &ll);
			check(rec.off == pos);
			rr = ref_hexline(data + pos, ll, ref, &reflen);
			check(rr == 1 && reflen == rec.caplen);
			check(memcmp(ref, rec.data, reflen) == 0);
			pos = nextline(pos, ll, size);
			break;
		}
	}
	if (ret == -1) {
		/* textio refused the first line the reference refuses. */
		ref_next(data, size, &pos, &line, &ll);
		check(ref_hexline(data + pos, ll, ref, &reflen) == -1);
		snprintf(want, sizeof(want), "line %zu: ", line);
		check(strncmp(r.p.err, want, strlen(want)) == 0);
		check(memchr(r.p.err, '\0', sizeof(r.p.err)) != NULL);
	} else {
		/* The whole input, and nothing but skipped lines after. */
		if (fmt == PCAPIO_FMT_HEX)
			while (pos < size) {
				ll = linelen(data, pos, size);
				check(ref_skip(data + pos, ll));
				pos = nextline(pos, ll, size);
			}
		check(pos == size);
	}
	free(ref);
	pcapio_reader_free(&r);
}

/* textio_hexline() and textio_hex_decode() undo each other. */
static void
hex_roundtrip(const uint8_t *data, size_t size)
{
	char err[64];
	uint8_t *line;
	size_t n, outlen = 0;

	if ((line = malloc(TEXTIO_HEXLINE_LEN(size))) == NULL)
		abort();
	n = textio_hexline(data, size, (char *)line);
	check(n == TEXTIO_HEXLINE_LEN(size) && line[n - 1] == '\n');
	check(textio_hex_decode(line, n - 1, &outlen, err, sizeof(err)) == 0);
	check(outlen == size && memcmp(line, data, size) == 0);
	free(line);
}

/* textio_hex_decode() on the raw input, against the reference. */
static void
hex_decode_raw(const uint8_t *data, size_t size)
{
	char err[64];
	uint8_t *s, *ref;
	size_t outlen = 0, reflen = 0, i;
	int r, rr;

	if ((s = malloc(size + 1)) == NULL || (ref = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	err[0] = '\0';
	r = textio_hex_decode(s, size, &outlen, err, sizeof(err));
	/* As a whole line, every blank counts; no line is skipped here. */
	for (i = 0; i < size && (data[i] == ' ' || data[i] == '\t'); i++)
		;
	rr = ref_hexline(data, size, ref, &reflen);
	if (rr == 0 && (i == size || (i == size - 1 && data[i] == '\r'))) {
		rr = 1;		/* all blanks: no bytes */
		reflen = 0;
	}
	if (r == 0) {
		check(rr == 1 && outlen == reflen);
		check(memcmp(s, ref, outlen) == 0);
	} else {
		check(errno == EBADMSG && err[0] != '\0');
		check(rr != 1);
	}
	free(s);
	free(ref);
}

/* The summary fits TEXTIO_SUMMARY_LEN, and a short buffer is not overrun. */
static void
summary(const uint8_t *data, size_t size)
{
	char out[TEXTIO_SUMMARY_LEN], *small;
	uint64_t ts = 0;
	int n;

	memcpy(&ts, data, size < sizeof(ts) ? size : sizeof(ts));
	n = textio_summary(out, sizeof(out), ts, data, size);
	check(n > 0 && (size_t)n < sizeof(out));
	check(out[n - 1] == '\n' && strlen(out) == (size_t)n);
	if ((small = malloc(8)) == NULL)
		abort();
	check(textio_summary(small, 8, ts, data, size) == n);
	check(small[7] == '\0');
	free(small);
}

/*
 * textio_sniff(): a magic number is named only when the input starts
 * with it, and text is said only of bytes with no NUL among the first
 * TEXTIO_SNIFF_LEN.
 */
static void
sniff(const uint8_t *data, size_t size)
{
	enum textio_kind k = textio_sniff(data, size);
	size_t n = size < TEXTIO_SNIFF_LEN ? size : TEXTIO_SNIFF_LEN;

	if (k == TEXTIO_TEXT)
		check(memchr(data, 0, n) == NULL);
	if (k == TEXTIO_GZIP)
		check(size >= 2 && data[0] == 0x1f && data[1] == 0x8b);
	if (k == TEXTIO_BINARY)
		check(size > 0);
	check(textio_kindname(k) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	size_t off;
	ssize_t w;

	if (fd == -1 && (fd = memfd_create("textio-fuzz", MFD_CLOEXEC)) == -1)
		abort();
	if (ftruncate(fd, 0) == -1)
		abort();
	for (off = 0; off < size; off += (size_t)w)
		if ((w = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			abort();
	read_fmt(fd, data, size, PCAPIO_FMT_HEX, 0);
	read_fmt(fd, data, size, PCAPIO_FMT_LINES, 0);
	read_fmt(fd, data, size, PCAPIO_FMT_RAW, size > 0 ? 1 + data[0] % 64 : 1);
	read_fmt(fd, data, size, PCAPIO_FMT_RAW, 1514);
	hex_roundtrip(data, size);
	hex_decode_raw(data, size);
	summary(data, size);
	sniff(data, size);
	return 0;
}
