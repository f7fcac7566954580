/*
 * Unit tests of lib/rxsrc on a relayed fd (a SOCK_SEQPACKET pair, as
 * rawopen's relay hands over): frames whole and in order, batches no
 * larger than asked, a message longer than its buffer marked cut short,
 * nothing ready said as 0, and the peer's close as EPIPE.  The ring side
 * is lib/ring's, tested in tests/unit/ring.c.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rxsrc.h"
#include "tap.h"

int
main(void)
{
	struct ring_frame f;
	struct rxsrc s;
	uint8_t msg[100], *huge;
	int sv[2], i, n, ok_order = 1, sz = 1 << 22;

	plan(12);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		skip_all("no SOCK_SEQPACKET");
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	ok(rxsrc_relayed(&s, sv[1], 7) == 0, "set up on a relayed fd");
	is_int(rxsrc_batch(&s, RXSRC_BATCH), 0, "nothing yet: 0");
	for (i = 0; i < 10; i++) {
		memset(msg, i, sizeof(msg));
		if (send(sv[0], msg, 60 + i, 0) == -1)
			return 1;
	}
	is_int(rxsrc_batch(&s, 4), 1, "a batch");
	for (n = 0; rxsrc_frame(&s, &f) == 1; n++)
		ok_order &= f.len == 60u + (unsigned)n && f.caplen == f.len &&
		    f.data[0] == n && f.ifindex == 7 && f.ts_ns > 0;
	is_int(n, 4, "of at most what was asked");
	rxsrc_done(&s);
	is_int(rxsrc_batch(&s, RXSRC_BATCH), 1, "the next batch");
	for (; rxsrc_frame(&s, &f) == 1; n++)
		ok_order &= f.len == 60u + (unsigned)n && f.data[0] == n;
	is_int(n, 10, "holds the rest");
	ok(ok_order, "every frame whole, in order, stamped");
	rxsrc_done(&s);

	huge = calloc(1, RXSRC_RELAYED_BUF + 100);
	ok(send(sv[0], huge, RXSRC_RELAYED_BUF + 100, 0) > 0, "a huge message");
	rxsrc_batch(&s, 1);
	ok(rxsrc_frame(&s, &f) == 1 && f.len == RXSRC_RELAYED_BUF + 100 &&
	    f.caplen == RXSRC_RELAYED_BUF, "cut short, and marked so");
	rxsrc_done(&s);
	free(huge);
	is_int(rxsrc_snaplen(&s), RXSRC_RELAYED_BUF, "snaplen: the buffer");

	close(sv[0]);
	ok(rxsrc_batch(&s, RXSRC_BATCH) == -1 && errno == EPIPE,
	    "the relay gone: EPIPE");
	is_int(rxsrc_drops(&s), 0, "no kernel drops of ours on a relayed fd");
	rxsrc_close(&s);
	close(sv[1]);
	return done();
}
