/*
 * pcapcount: count the frames in a pcap stream, as cheaply as cat(1).
 *
 *	capture-tool | pcapcount
 *
 * Reads stdin in 1 MiB chunks and walks the record headers of a pcap
 * stream (either byte order, microsecond or nanosecond magic; also the
 * Kuznetzov variant netsniff-ng can write, whose record headers are 24
 * bytes).  Prints "FRAMES BYTES END" on stdout at end of input: BYTES are
 * the captured frame bytes, END the time (CLOCK_MONOTONIC seconds) of the
 * last read that came less than 250 ms after the one before it: when the
 * output of a tool stopped flowing, not counting what it flushed at exit
 * after a pause (the scripts stop a tool only once its output stands
 * still).  A stream that is not pcap, or that ends in the
 * middle of a record, is an error (exit 1) after printing what it counted:
 * a benchmark must not count garbage as frames.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(1 << 20)

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(111, "clock_gettime");
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	static uint8_t buf[CHUNK + 65536 + 64];
	unsigned long long frames = 0, bytes = 0;
	size_t have = 0, off, rhlen = 16;
	uint32_t magic, caplen;
	ssize_t n;
	double t, prev = 0, end = 0;
	int swap = 0, header = 0, eof = 0;

	for (;;) {
		if (!eof) {
			n = read(0, buf + have, CHUNK);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				err(111, "read");
			}
			if (n == 0)
				eof = 1;
			else {
				t = now();
				if (t - prev < 0.25)
					end = t;
				prev = t;
			}
			have += (size_t)n;
		}
		off = 0;
		if (!header) {
			if (have < 24) {
				if (eof)
					break;
				continue;
			}
			memcpy(&magic, buf, 4);
			switch (magic) {
			case 0xa1b2c3d4: case 0xa1b23c4d:
				break;
			case 0xd4c3b2a1: case 0x4d3cb2a1:
				swap = 1;
				break;
			case 0xa1b2cd34:
				rhlen = 24;
				break;
			case 0x34cdb2a1:
				swap = 1;
				rhlen = 24;
				break;
			default:
				errx(1, "not a pcap stream (magic %08x)", magic);
			}
			header = 1;
			off = 24;
		}
		while (have - off >= rhlen) {
			memcpy(&caplen, buf + off + 8, 4);
			if (swap)
				caplen = bswap_32(caplen);
			if (caplen > 65536)
				errx(1, "record %llu: caplen %u", frames + 1, caplen);
			if (have - off < rhlen + caplen)
				break;
			off += rhlen + caplen;
			frames++;
			bytes += caplen;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (eof)
			break;
	}
	printf("%llu %llu %.6f\n", frames, bytes, end);
	if (!header && have > 0)
		errx(1, "not a pcap stream (%zu bytes)", have);
	if (have > 0)
		errx(1, "%zu bytes of a cut record at the end", have);
	return 0;
}
