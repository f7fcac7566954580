/*
 * pcapio: pcap and pcapng frame streams.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pcapio.h"

void
pcapio_write_filehdr(uint8_t buf[24], uint32_t snaplen)
{
	uint32_t magic = PCAPIO_MAGIC_NS, zero = 0;
	uint32_t linktype = PCAPIO_LINKTYPE_ETHERNET;
	uint16_t major = 2, minor = 4;

	memcpy(buf, &magic, 4);
	memcpy(buf + 4, &major, 2);
	memcpy(buf + 6, &minor, 2);
	memcpy(buf + 8, &zero, 4);	/* thiszone */
	memcpy(buf + 12, &zero, 4);	/* sigfigs */
	memcpy(buf + 16, &snaplen, 4);
	memcpy(buf + 20, &linktype, 4);
}

void
pcapio_write_rechdr(uint8_t buf[16], uint64_t ts_ns, uint32_t caplen,
    uint32_t len)
{
	uint32_t sec = (uint32_t)(ts_ns / 1000000000U);
	uint32_t nsec = (uint32_t)(ts_ns % 1000000000U);

	memcpy(buf, &sec, 4);
	memcpy(buf + 4, &nsec, 4);
	memcpy(buf + 8, &caplen, 4);
	memcpy(buf + 12, &len, 4);
}
