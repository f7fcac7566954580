/*
 * Unit tests of lib/textio: hex decoding and its errors, the hex, lines
 * and raw formats through a reader (a 100 KB line, splitting at the MTU,
 * a last line without '\n'), and the output helpers.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcapio.h"
#include "textio.h"
#include "tap.h"

/* A reader over a memfd holding s[0..len), with a small buffer. */
static int
reader(struct pcapio_reader *r, const void *s, size_t len, size_t bufsize)
{
	int fd = memfd_create("textio", MFD_CLOEXEC);

	if (fd == -1 || write(fd, s, len) != (ssize_t)len ||
	    lseek(fd, 0, SEEK_SET) == -1 ||
	    pcapio_reader_init(r, fd, bufsize, 0) == -1)
		abort();
	return fd;
}

/*
 * Reads every record of format fmt; records' lengths go to lens (up to
 * 16), the concatenated bytes to out.  Returns the count, or -1.
 */
static int
read_all(struct pcapio_reader *r, enum pcapio_format fmt, size_t maxlen,
    size_t *lens, uint8_t *out)
{
	struct pcapio_rec rec;
	int n = 0, ret;

	for (;;) {
		ret = textio_next(r, fmt, maxlen, &rec);
		if (ret == -1)
			return -1;
		if (ret == 1) {
			if (n < 16)
				lens[n] = rec.caplen;
			memcpy(out, rec.data, rec.caplen);
			out += rec.caplen;
			if (rec.num != (uint64_t)n + 1)
				return -2;
			n++;
			continue;
		}
		if ((ret = pcapio_refill(r)) == -1)
			return -1;
		if (ret == 0)
			return n;
	}
}

static void
test_hex_decode(void)
{
	static const struct {
		const char *in;
		const char *out;	/* NULL: an error */
		size_t	 outlen;
		const char *err;
	} t[] = {
		{ "", "", 0, NULL },
		{ "00", "\0", 1, NULL },
		{ "deadBEEF", "\xde\xad\xbe\xef", 4, NULL },
		{ "de ad\tbe ef\r", "\xde\xad\xbe\xef", 4, NULL },
		{ "  01  ", "\x01", 1, NULL },
		{ "abc", NULL, 0, "odd number of hex digits" },
		{ "a bc", NULL, 0, "column 2: a blank inside a byte" },
		{ "ff:ff:00:01", "\xff\xff\x00\x01", 4, NULL },
		{ "ff:FF 00:01\r", "\xff\xff\x00\x01", 4, NULL },
		{ ":ab:", "\xab", 1, NULL },
		{ "a:bc", NULL, 0, "column 2: a colon inside a byte" },
		{ "zz", NULL, 0, "column 1: 'z' is not a hex digit" },
		{ "00 0x", NULL, 0, "column 5: 'x' is not a hex digit" },
		{ "00\x01", NULL, 0, "column 3: byte 0x01 is not a hex digit" },
		{ "ab\r\r", NULL, 0, "column 3: byte 0x0d is not a hex digit" },
	};
	uint8_t buf[64];
	char err[128], what[96];
	size_t i, len, outlen;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = strlen(t[i].in);
		memcpy(buf, t[i].in, len);
		err[0] = '\0';
		r = textio_hex_decode(buf, len, &outlen, err, sizeof(err));
		snprintf(what, sizeof(what), "hex \"%s\"", t[i].in);
		if (t[i].out != NULL) {
			ok(r == 0 && outlen == t[i].outlen &&
			    memcmp(buf, t[i].out, outlen) == 0, what);
		} else {
			ok(r == -1 && errno == EBADMSG, what);
			is_str(err, t[i].err, what);
		}
	}
}

static void
test_hex_stream(void)
{
	static const char in[] =
	    "# a comment\n"
	    "ffffffffffff 020000000001 88b5 68 69\n"
	    "\n"
	    "   \r\n"
	    "00112233445566778899aabbccdd\r\n"
	    "0102";			/* no '\n' at the end */
	struct pcapio_reader r;
	size_t lens[16];
	uint8_t out[256];
	int fd;

	fd = reader(&r, in, sizeof(in) - 1, 5);
	is_int(read_all(&r, PCAPIO_FMT_HEX, 0, lens, out), 3, "hex: three "
	    "frames, comments and blank lines skipped");
	ok(lens[0] == 16 && lens[1] == 14 && lens[2] == 2, "hex: lengths");
	is_mem(out, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x01\x88\xb5hi",
	    16, "hex: first frame");
	is_mem(out + 30, "\x01\x02", 2, "hex: last line without newline");
	pcapio_reader_free(&r);
	close(fd);

	fd = reader(&r, "00\n0011\n001\n", 12, 0);
	is_int(read_all(&r, PCAPIO_FMT_HEX, 0, lens, out), -1, "hex: odd");
	is_int(errno, EBADMSG, "hex: odd: EBADMSG");
	is_str(r.p.err, "line 3: odd number of hex digits", "hex: odd: line");
	pcapio_reader_free(&r);
	close(fd);

	fd = reader(&r, "00\nhello\n", 9, 0);
	is_int(read_all(&r, PCAPIO_FMT_HEX, 0, lens, out), -1, "hex: text");
	is_str(r.p.err, "line 2: column 1: 'h' is not a hex digit",
	    "hex: text: line and column");
	pcapio_reader_free(&r);
	close(fd);
}

static void
test_lines(void)
{
	struct pcapio_reader r;
	size_t lens[16];
	static uint8_t in[100002], out[100002];
	int fd;

	fd = reader(&r, "hello\n\nworld", 12, 0);
	is_int(read_all(&r, PCAPIO_FMT_LINES, 0, lens, out), 3, "lines: 3");
	ok(lens[0] == 6 && lens[1] == 1 && lens[2] == 5, "lines: newline "
	    "kept, an empty line is a payload, the last needs none");
	is_mem(out, "hello\n\nworld", 12, "lines: bytes");
	pcapio_reader_free(&r);
	close(fd);

	/* A 100 KB line through a 4 KB buffer that must grow. */
	memset(in, 'x', 100000);
	in[100000] = '\n';
	in[100001] = 'y';
	fd = reader(&r, in, sizeof(in), 4096);
	is_int(read_all(&r, PCAPIO_FMT_LINES, 0, lens, out), 2, "lines: "
	    "a 100 KB line");
	ok(lens[0] == 100001 && lens[1] == 1, "lines: 100 KB line whole");
	pcapio_reader_free(&r);
	close(fd);

	fd = reader(&r, "", 0, 0);
	is_int(read_all(&r, PCAPIO_FMT_LINES, 0, lens, out), 0, "lines: "
	    "empty input, no payload");
	pcapio_reader_free(&r);
	close(fd);
}

static void
test_raw(void)
{
	struct pcapio_reader r;
	size_t lens[16];
	static uint8_t in[3500], out[3500];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	fd = reader(&r, in, sizeof(in), 1000);
	is_int(read_all(&r, PCAPIO_FMT_RAW, 1500, lens, out), 3, "raw: 3500 "
	    "bytes at MTU 1500 are 3 payloads");
	ok(lens[0] == 1500 && lens[1] == 1500 && lens[2] == 500, "raw: "
	    "1500, 1500, 500");
	is_mem(out, in, sizeof(in), "raw: every byte, in order");
	pcapio_reader_free(&r);
	close(fd);

	fd = reader(&r, in, 3000, 0);
	is_int(read_all(&r, PCAPIO_FMT_RAW, 1500, lens, out), 2, "raw: an "
	    "exact multiple");
	pcapio_reader_free(&r);
	close(fd);
}

static void
test_output(void)
{
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
		0x81, 0x00, 0xa0, 0x05, 0x08, 0x00, 'h', 'i', '\n', 0,
	};
	static const uint8_t g[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
		0x88, 0xb5,
	};
	char out[TEXTIO_SUMMARY_LEN];
	char hex[TEXTIO_HEXLINE_LEN(sizeof(f))];
	int n;

	is_int(textio_hexline(f, 3, hex), 7, "hexline: length");
	is_mem(hex, "ffffff\n", 7, "hexline: bytes");
	is_int(textio_hexline(f, 0, hex), 1, "hexline: empty frame");

	setenv("TZ", "UTC", 1);
	tzset();
	n = textio_summary(out, sizeof(out), 3723123456789ULL, g, 14);
	is_str(out, "01:02:03.123456 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff "
	    "0x88b5 len 14\n", "summary: header only");
	is_int(n, (int)strlen(out), "summary: length");
	textio_summary(out, sizeof(out), 0, f, sizeof(f));
	is_str(out, "00:00:00.000000 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff "
	    "ipv4 vlan 5 p 5 len 22: hi..\n", "summary: tagged, preview");
	textio_summary(out, sizeof(out), 0, f, 9);
	is_str(out, "00:00:00.000000 short frame, len 9\n", "summary: short");
}

static void
test_sniff(void)
{
	static const struct {
		const char	*in;
		size_t		 len;
		enum textio_kind kind;
	} t[] = {
		{ "", 0, TEXTIO_TEXT },
		{ "hello\n", 6, TEXTIO_TEXT },
		{ "ff ff\r\n\tcafe\f\x1b[0m\n", 18, TEXTIO_TEXT },
		{ "h\xc3\xa9llo\n", 7, TEXTIO_TEXT },
		{ "\x1f\x8b\x08\x00", 4, TEXTIO_GZIP },
		{ "BZh91AY", 7, TEXTIO_BZIP2 },
		{ "\xfd" "7zXZ\0\0", 7, TEXTIO_XZ },
		{ "\x28\xb5\x2f\xfd\x00", 5, TEXTIO_ZSTD },
		{ "abc\0def", 7, TEXTIO_BINARY },
		{ "abc\x01", 4, TEXTIO_BINARY },
		{ "\x1f", 1, TEXTIO_BINARY },
		{ "BZ", 2, TEXTIO_TEXT },
	};
	static uint8_t big[TEXTIO_SNIFF_LEN + 1];
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(what, sizeof(what), "sniff case %zu: %s", i,
		    textio_kindname(t[i].kind));
		is_int(textio_sniff((const uint8_t *)t[i].in, t[i].len),
		    t[i].kind, what);
	}
	memset(big, 'a', sizeof(big));
	big[TEXTIO_SNIFF_LEN] = 0;
	is_int(textio_sniff(big, sizeof(big)), TEXTIO_TEXT,
	    "sniff: a NUL past the bytes looked at is not seen");
	big[TEXTIO_SNIFF_LEN - 1] = 0;
	is_int(textio_sniff(big, sizeof(big)), TEXTIO_BINARY,
	    "sniff: the last byte looked at is");
	is_str(textio_kindname(TEXTIO_GZIP), "gzip", "kindname gzip");
}

int
main(void)
{
	test_hex_decode();
	test_hex_stream();
	test_lines();
	test_raw();
	test_output();
	test_sniff();
	return done();
}
