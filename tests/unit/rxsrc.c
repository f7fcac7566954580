/*
 * Unit tests of lib/rxsrc on a relayed fd (a SOCK_SEQPACKET pair, as
 * rawopen's relay hands over): frames whole and in order, batches no
 * larger than asked, a message longer than its buffer marked cut short,
 * nothing ready said as 0, and the peer's close as EPIPE; and on a tap
 * device's fd (as root, in a network namespace of its own): the frames
 * the kernel sends into the device, whole, in order, in batches.  The
 * ring side is lib/ring's, tested in tests/unit/ring.c.
 */
#include <sys/socket.h>

#include <endian.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rxsrc.h"
#include "tap.h"
#include "tundev.h"

#define TAP_TESTS	8

/*
 * Frames of ethertype 0x88b5 and lengths 60, 61, ..., sent into a tap
 * device from the kernel's side, come out of its fd; other frames (the
 * kernel's own) are passed over.
 */
static void
tap_tests(void)
{
	struct sockaddr_ll sll;
	struct ring_frame f;
	struct rxsrc s;
	char name[IF_NAMESIZE];
	uint8_t fr[300];
	unsigned ix;
	int fd, tx, i, n = 0, batches = 0, most = 0, inorder = 1, k;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) == -1) {
		skip(TAP_TESTS, "a tap device needs root");
		return;
	}
	fd = tundev_open("fdrx%d", TUNDEV_TAP, name);
	ok(fd >= 0 && tundev_up(name) == 0, "a tap device, up");
	ix = if_nametoindex(name);
	ok(rxsrc_tap(&s, fd, (int)ix, 200) == 0, "rxsrc on its fd");
	is_int(rxsrc_snaplen(&s), 200, "snaplen as given");
	is_int(rxsrc_batch(&s, RXSRC_BATCH), 0, "nothing yet: 0");
	tx = socket(AF_PACKET, SOCK_RAW, 0);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ix;
	for (i = 0; i < 10; i++) {
		memset(fr, i, sizeof(fr));
		memcpy(fr, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x01\x88\xb5", 14);
		if (sendto(tx, fr, i < 9 ? 60 + (size_t)i : 300, 0,
		    (struct sockaddr *)&sll, sizeof(sll)) == -1) {
			diag("sendto: %s", strerror(errno));
			break;
		}
	}
	/* Batches of at most 3 until the 10 are in. */
	while (n < 10 && batches < 1000) {
		if ((k = rxsrc_batch(&s, 3)) != 1) {
			if (k == -1)
				diag("rxsrc_batch: %s", strerror(errno));
			usleep(1000);
			batches++;
			continue;
		}
		for (k = 0; rxsrc_frame(&s, &f) == 1; k++) {
			if (f.proto != 0x88b5)
				continue;
			inorder &= f.data[14] == n && f.caplen == f.len &&
			    f.len == (n < 9 ? 60u + (unsigned)n : 300u) &&
			    f.ifindex == (int)ix && f.pkttype == 0 &&
			    f.ts_ns > 0;
			n++;
		}
		most = k > most ? k : most;
		rxsrc_done(&s);
	}
	is_int(n, 10, "the 10 frames sent into the device");
	ok(inorder, "whole (300 bytes past snaplen too), in order, stamped, "
	    "PACKET_HOST, on its index");
	ok(most >= 1 && most <= 3, "batches of at most what was asked");
	is_int(rxsrc_drops(&s), 0, "no kernel drop counts on a tap fd");
	rxsrc_close(&s);
	close(tx);
	close(fd);
}

int
main(void)
{
	struct ring_frame f;
	struct rxsrc s;
	uint8_t msg[100], *huge;
	int sv[2], i, n, ok_order = 1, sz = 1 << 22;

	plan(12 + TAP_TESTS);
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
	tap_tests();
	return done();
}
