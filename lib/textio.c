/*
 * textio: the text and raw frame formats, in and out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "eth.h"
#include "pcapio.h"
#include "textio.h"

static const char hexdigits[] = "0123456789abcdef";

/* The value of the hex digit c, or -1. */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
textio_hex_decode(uint8_t *s, size_t len, size_t *outlen, char *err,
    size_t errlen)
{
	size_t i, o = 0;
	int d, hi = -1;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == ':') {
			if (hi >= 0) {
				snprintf(err, errlen, "column %zu: a %s "
				    "inside a byte", i + 1, s[i] == ':' ?
				    "colon" : "blank");
				goto bad;
			}
			continue;
		}
		if ((d = hexval(s[i])) == -1) {
			if (s[i] > ' ' && s[i] < 0x7f)
				snprintf(err, errlen, "column %zu: '%c' is "
				    "not a hex digit", i + 1, s[i]);
			else
				snprintf(err, errlen, "column %zu: byte "
				    "0x%02x is not a hex digit", i + 1, s[i]);
			goto bad;
		}
		if (hi < 0) {
			hi = d;
		} else {
			/* o < i: the output never overtakes the input. */
			s[o++] = (uint8_t)(hi << 4 | d);
			hi = -1;
		}
	}
	if (hi >= 0) {
		snprintf(err, errlen, "odd number of hex digits");
		goto bad;
	}
	*outlen = o;
	return 0;
bad:
	errno = EBADMSG;
	return -1;
}

/* Whether s[0..len) holds only blanks, or is a '#' comment. */
static int
skipline(const uint8_t *s, size_t len)
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

/* Fills rec with the record of len bytes at data and consumes k bytes. */
static int
textio_emit(struct pcapio_reader *r, struct pcapio_rec *rec,
    const uint8_t *data, size_t len, size_t k)
{
	rec->data = data;
	rec->caplen = rec->len = (uint32_t)len;
	rec->ts_ns = 0;
	rec->ifid = 0;
	rec->flags = 0;
	rec->linktype = PCAPIO_LINKTYPE_ETHERNET;
	rec->num = ++r->p.nrec;
	rec->off = r->p.off;
	pcapio_consume(r, k);
	return 1;
}

int
textio_next(struct pcapio_reader *r, enum pcapio_format fmt, size_t maxlen,
    struct pcapio_rec *rec)
{
	char err[PCAPIO_ERRLEN - 32];
	uint8_t *b, *nl;
	size_t n, linelen, k, outlen;

	for (;;) {
		b = r->buf + r->pos;
		n = r->end - r->pos;
		if (n == 0)
			return 0;
		if (fmt == PCAPIO_FMT_RAW) {
			if (maxlen == 0) {
				errno = EINVAL;
				return -1;
			}
			if (n < maxlen && !r->eof)
				return 0;
			k = n < maxlen ? n : maxlen;
			return textio_emit(r, rec, b, k, k);
		}
		if ((nl = memchr(b, '\n', n)) != NULL) {
			linelen = (size_t)(nl - b);
			k = linelen + 1;
		} else if (r->eof) {
			linelen = k = n;
		} else
			return 0;
		r->p.line++;
		if (fmt == PCAPIO_FMT_LINES)
			return textio_emit(r, rec, b, k, k);
		if (skipline(b, linelen)) {
			pcapio_consume(r, k);
			continue;
		}
		if (textio_hex_decode(b, linelen, &outlen, err,
		    sizeof(err)) == -1) {
			snprintf(r->p.err, sizeof(r->p.err), "line %llu: %s",
			    (unsigned long long)r->p.line, err);
			return -1;
		}
		return textio_emit(r, rec, b, outlen, k);
	}
}

enum textio_kind
textio_sniff(const uint8_t *buf, size_t len)
{
	static const struct {
		enum textio_kind kind;
		size_t		 n;
		uint8_t		 magic[6];
	} magics[] = {
		{ TEXTIO_GZIP, 2, { 0x1f, 0x8b } },
		{ TEXTIO_BZIP2, 3, { 'B', 'Z', 'h' } },
		{ TEXTIO_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
		{ TEXTIO_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
	};
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].n &&
		    memcmp(buf, magics[i].magic, magics[i].n) == 0)
			return magics[i].kind;
	if (len > TEXTIO_SNIFF_LEN)
		len = TEXTIO_SNIFF_LEN;
	/* As file(1) tells text: no NUL, no control but BEL..CR and ESC. */
	for (i = 0; i < len; i++)
		if (buf[i] < 0x20 && (buf[i] < '\a' || buf[i] > '\r') &&
		    buf[i] != 0x1b)
			return TEXTIO_BINARY;
	return TEXTIO_TEXT;
}

const char *
textio_kindname(enum textio_kind kind)
{
	switch (kind) {
	case TEXTIO_TEXT:
		return "text";
	case TEXTIO_BINARY:
		return "binary";
	case TEXTIO_GZIP:
		return "gzip";
	case TEXTIO_BZIP2:
		return "bzip2";
	case TEXTIO_XZ:
		return "xz";
	case TEXTIO_ZSTD:
		return "zstd";
	}
	return "unknown";
}

size_t
textio_hexline(const uint8_t *frame, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hexdigits[frame[i] >> 4];
		out[2 * i + 1] = hexdigits[frame[i] & 0xf];
	}
	out[2 * len] = '\n';
	return 2 * len + 1;
}

int
textio_summary(char *out, size_t outlen, uint64_t ts_ns,
    const uint8_t *frame, size_t len)
{
	char tbuf[32], src[ETH_MACSTRLEN], dst[ETH_MACSTRLEN], type[16];
	char vlan[24], preview[TEXTIO_PREVIEW + 1];
	struct eth_hdr h;
	struct tm tm;
	time_t t = (time_t)(ts_ns / 1000000000U);
	size_t i, n;
	int hl;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(tbuf, sizeof(tbuf), "%02d:%02d:%02d.%06u", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(ts_ns % 1000000000U / 1000U));
	if ((hl = eth_decode(frame, len, &h)) == -1)
		return snprintf(out, outlen, "%s short frame, len %zu\n",
		    tbuf, len);
	eth_format_mac(h.src, src);
	eth_format_mac(h.dst, dst);
	eth_format_type(h.type, type, sizeof(type));
	vlan[0] = '\0';
	if (h.tagged)
		snprintf(vlan, sizeof(vlan), " vlan %u p %u", h.tci & 0xfffU,
		    (unsigned)h.tci >> 13);
	n = len - (size_t)hl;
	if (n > TEXTIO_PREVIEW)
		n = TEXTIO_PREVIEW;
	for (i = 0; i < n; i++) {
		uint8_t c = frame[hl + i];

		preview[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	preview[n] = '\0';
	return snprintf(out, outlen, "%s %s > %s %s%s len %zu%s%s\n", tbuf,
	    src, dst, type, vlan, len, n > 0 ? ": " : "", preview);
}
