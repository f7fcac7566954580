/*
 * pcapgen: a pcap stream of identical test frames, for the benchmarks.
 *
 *	pcapgen SIZE COUNT
 *
 * Writes to stdout a pcap file (microsecond magic, LINKTYPE_ETHERNET) of
 * COUNT frames of SIZE bytes (14..9000): broadcast destination, source
 * 02:fd:b0:00:00:01, ethertype 0x88b5, a 32-bit big-endian sequence number,
 * then zeros.  Timestamps advance by one microsecond a frame.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXSIZE	9000

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* host order, as the pcap magic says */
}

int
main(int argc, char *argv[])
{
	static const uint8_t hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0xfd, 0xb0, 0x00, 0x00, 0x01,
		0x88, 0xb5
	};
	uint8_t fh[24], rec[16 + MAXSIZE];
	unsigned long long count, i;
	uint32_t seq;
	long size;
	char *end;

	if (argc != 3) {
		fprintf(stderr, "usage: pcapgen SIZE COUNT\n");
		return 100;
	}
	size = strtol(argv[1], &end, 10);
	if (*end != '\0' || size < 14 || size > MAXSIZE)
		errx(100, "%s: bad size (14..%d)", argv[1], MAXSIZE);
	count = strtoull(argv[2], &end, 10);
	if (*end != '\0' || argv[2][0] == '-')
		errx(100, "%s: bad count", argv[2]);

	put32(fh, 0xa1b2c3d4);
	fh[4] = 2; fh[5] = 0;		/* version 2.4, host order */
	fh[6] = 4; fh[7] = 0;
	memset(fh + 8, 0, 8);		/* thiszone, sigfigs */
	put32(fh + 16, 65535);		/* snaplen */
	put32(fh + 20, 1);		/* LINKTYPE_ETHERNET */
	if (fwrite(fh, sizeof(fh), 1, stdout) != 1)
		err(111, "write");

	memset(rec, 0, sizeof(rec));
	memcpy(rec + 16, hdr, sizeof(hdr));
	put32(rec + 8, (uint32_t)size);
	put32(rec + 12, (uint32_t)size);
	for (i = 0; i < count; i++) {
		put32(rec, (uint32_t)(i / 1000000));
		put32(rec + 4, (uint32_t)(i % 1000000));
		if (size >= 18) {
			seq = htobe32((uint32_t)i);
			memcpy(rec + 16 + 14, &seq, 4);
		}
		if (fwrite(rec, 16 + (size_t)size, 1, stdout) != 1)
			err(111, "write");
	}
	if (fflush(stdout) == EOF)
		err(111, "write");
	return 0;
}
