/*
 * textio: the text and raw frame formats, in and out.
 *
 * Input (through a struct pcapio_reader, so that every format shares one
 * buffer and records point into it):
 *   hex    one frame per line in hex digits, upper or lower case; blanks
 *          (space, tab) and colons (ff:ff:..., as Wireshark copies
 *          bytes) may separate whole bytes; a trailing CR is
 *          ignored; empty lines and lines starting with '#' are skipped.
 *   lines  each text line, its '\n' included, is one payload.
 *   raw    the bytes cut into payloads of exactly maxlen bytes, the last
 *          one shorter.
 * Output helpers for ethrecv: a hex line, and a one-line text summary.
 */
#ifndef LIB_TEXTIO_H
#define LIB_TEXTIO_H

#include <stddef.h>
#include <stdint.h>

#include "pcapio.h"

/*
 * Decodes the hex line s[0..len) (no '\n') in place: the bytes land at
 * s[0..*outlen).  Blanks and colons may separate bytes, a final '\r' is
 * ignored.
 * Returns 0, or -1 with errno EBADMSG and a message in err (errlen bytes)
 * naming the column (1-based) of a bad digit or the odd count.
 * Never touches anything outside s[0..len).
 */
int	textio_hex_decode(uint8_t *s, size_t len, size_t *outlen, char *err,
	    size_t errlen);

/*
 * The next record of a text format (PCAPIO_FMT_HEX, _LINES or _RAW) from
 * r's buffer; maxlen is the raw chunk size (ignored otherwise).  A hex line
 * is decoded in place in the buffer.  Returns 1 with *rec set (data points
 * into the buffer, valid until pcapio_refill; caplen = len; ts_ns 0; num
 * counts records from 1; off is the stream offset of the line), 0 when no
 * complete record is buffered (call pcapio_refill, then again; after the
 * end of the input 0 means the end), or -1 with errno EBADMSG and r->p.err
 * set ("line 3: odd number of hex digits"), or EMSGSIZE when a line does
 * not fit the largest buffer.  The last line needs no '\n'.
 */
int	textio_next(struct pcapio_reader *r, enum pcapio_format fmt,
	    size_t maxlen, struct pcapio_rec *rec);

/* What the first bytes of an input say it is. */
enum textio_kind {
	TEXTIO_TEXT,		/* text: lines or hex */
	TEXTIO_BINARY,		/* neither a capture nor text */
	TEXTIO_GZIP,		/* compressed, by its magic number */
	TEXTIO_BZIP2,
	TEXTIO_XZ,
	TEXTIO_ZSTD,
};

#define TEXTIO_SNIFF_LEN	4096	/* bytes textio_sniff() looks at */

/*
 * What buf[0..len) (the first bytes of an input that is neither pcap nor
 * pcapng) is: compressed by gzip, bzip2, xz or zstd (their magic
 * numbers), binary (a NUL or another control character than BEL to CR
 * and ESC in its first TEXTIO_SNIFF_LEN bytes, as file(1) tells text), or
 * text.  An empty buffer is text.  Never fails.
 */
enum textio_kind textio_sniff(const uint8_t *buf, size_t len);

/* "gzip", "bzip2", "xz", "zstd", "binary" or "text".  Never fails. */
const char *textio_kindname(enum textio_kind kind);

/* The bytes textio_hexline() writes for a frame of n bytes. */
#define TEXTIO_HEXLINE_LEN(n)	(2 * (size_t)(n) + 1)

/*
 * Writes frame[0..len) as lowercase hex digits and a '\n' into out, which
 * holds TEXTIO_HEXLINE_LEN(len) bytes (no NUL).  Returns the bytes written.
 */
size_t	textio_hexline(const uint8_t *frame, size_t len, char *out);

#define TEXTIO_PREVIEW	32	/* payload bytes shown by textio_summary */
#define TEXTIO_SUMMARY_LEN 160	/* enough for any summary line */

/*
 * Formats a one-line summary of a frame captured at ts_ns (ns since the
 * epoch, shown as local time) into out (outlen bytes, NUL-terminated,
 * ending in '\n'):
 *   12:34:56.789012 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff 0x88b5 vlan 5 p 0 len 60: hello....
 * The ethertype by name when it has one ("ipv4"), the VLAN part only when
 * tagged, and up to TEXTIO_PREVIEW payload bytes with anything not
 * printable ASCII shown as '.'.  A frame shorter than 14 bytes shows as
 * "12:34:56.789012 short frame, len 9".  Returns the length as snprintf(3)
 * would (truncated to fit outlen).
 */
int	textio_summary(char *out, size_t outlen, uint64_t ts_ns,
	    const uint8_t *frame, size_t len);

#endif /* LIB_TEXTIO_H */
