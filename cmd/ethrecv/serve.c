/*
 * ethrecv -e: the frame server.  Each frame is handed to a program
 * (lib/fsrv) with its payload on stdin; what the program writes goes
 * back to the frame's source as the reply.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <endian.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ethrecv.h"
#include "fdcap.h"
#include "timeutil.h"

/* The interface with this index, from a one-entry cache. */
static const struct eth_if *
iface(struct ethrecv *e, int ifindex)
{
	if (e->relayed || e->tap)
		return &e->ifc;
	if (e->ifc.index != ifindex &&
	    eth_if_ofsocket(e->fd, ifindex, &e->ifc) == -1)
		return NULL;
	return &e->ifc;
}

/*
 * Sends a handler's reply back where the request came from: on a packet
 * socket to its source on its interface; on a relayed fd as one message
 * without an address, which the relay sends on its interface; on a tap
 * fd as one write(2), which the device takes in.
 */
static void
reply(struct ethrecv *e, struct fsrv_job *j, const char *mac)
{
	const struct eth_if *ifp;
	const uint8_t *frame;
	struct sockaddr_ll sll;
	size_t len;
	ssize_t n;

	if ((ifp = iface(e, j->ifindex)) == NULL) {
		warn("frame %" PRIu64 ": reply to %s", j->num, mac);
		e->failed++;
		return;
	}
	frame = fsrv_reply_frame(j, ifp->mac, &len);
	if (e->tap)
		n = write(e->fd, frame, len);
	else if (e->relayed)
		n = send(e->fd, frame, len, MSG_NOSIGNAL);
	else {
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_ifindex = j->ifindex;
		sll.sll_protocol = htobe16(j->req.type);
		sll.sll_halen = ETH_ALEN_;
		memcpy(sll.sll_addr, j->req.src, ETH_ALEN_);
		n = sendto(e->fd, frame, len, 0, (struct sockaddr *)&sll,
		    sizeof(sll));
	}
	if (n != (ssize_t)len) {
		warn("frame %" PRIu64 ": reply to %s", j->num, mac);
		e->failed++;
		return;
	}
	e->replies++;
}

/* A handler has exited: say how it went, send its reply. */
static void
finished(struct ethrecv *e, struct fsrv_job *j)
{
	char mac[ETH_MACSTRLEN];
	const char *p = e->prog[0];

	eth_format_mac(j->req.src, mac);
	if (j->killed)
		warnx("%s: frame %" PRIu64 " from %s: killed after %d s", p,
		    j->num, mac, e->srv.conf.timeout_s);
	else if (WIFSIGNALED(j->status))
		warnx("%s: frame %" PRIu64 " from %s: killed by signal %d", p,
		    j->num, mac, WTERMSIG(j->status));
	else if (WEXITSTATUS(j->status) != 0)
		warnx("%s: frame %" PRIu64 " from %s: exited with status %d",
		    p, j->num, mac, WEXITSTATUS(j->status));
	else if (j->overflow)
		warnx("%s: frame %" PRIu64 " from %s: reply longer than %zu "
		    "bytes, not sent", p, j->num, mac, e->srv.conf.maxreply);
	else {
		if (j->rlen > 0)
			reply(e, j, mac);
		fsrv_release(j);
		return;
	}
	e->failed++;
	fsrv_release(j);
}

/*
 * Hands one frame to handler slot j.  Frames too short to have a header,
 * or whose interface has gone, are reported and skipped.
 */
static void
serve_frame(struct ethrecv *e, struct fsrv_job *j, const struct ring_frame *f)
{
	const struct eth_if *ifp;
	char mac[ETH_MACSTRLEN];
	uint32_t caplen, len;
	int hl;

	caplen = (uint32_t)ring_frame_copy(f, e->frame, &len);
	e->frames++;
	if (caplen < len) {
		e->truncated++;
		warnx("frame %" PRIu64 ": %u bytes, only %u captured: not "
		    "served", e->frames, len, caplen);
		return;
	}
	if ((hl = eth_decode(e->frame, caplen, &j->req)) == -1) {
		warnx("frame %" PRIu64 ": %u bytes, shorter than a header",
		    e->frames, caplen);
		return;
	}
	if ((ifp = iface(e, f->ifindex)) == NULL) {
		warn("frame %" PRIu64 ": interface %d", e->frames, f->ifindex);
		return;
	}
	/*
	 * Marked for another host, yet sent to this one, to a group or to
	 * all: it came with a VLAN tag of no interface here, which the
	 * kernel took off, without a trace, before a socket bound to one
	 * ethertype saw it (ethrecv(1), VLAN tags).  Its reply would go out
	 * untagged, onto another network than the request's.
	 */
	if (f->pkttype == PACKET_OTHERHOST && !f->vlan_valid &&
	    ((j->req.dst[0] & 1) || memcmp(j->req.dst, ifp->mac,
	    ETH_ALEN_) == 0)) {
		warnx("frame %" PRIu64 ": it came with a VLAN tag, which the "
		    "kernel took off: not served (bind to all to serve tagged "
		    "frames)", e->frames);
		return;
	}
	j->num = e->frames;
	j->ifindex = f->ifindex;
	if (fsrv_spawn(&e->srv, j, e->frame + hl, caplen - (size_t)hl,
	    ifp->name) == -1) {
		/* A program gone since the start is said as its run would. */
		eth_format_mac(j->req.src, mac);
		warn("%s: frame %" PRIu64 " from %s", e->prog[0], e->frames,
		    mac);
		e->failed++;
	}
}

/*
 * The frame server: frames are taken only while a handler slot is free
 * (so a busy server lets the ring, then the kernel's drop counter, absorb
 * the excess).  A signal kills the running handlers; -c, -t and the
 * relay's end of file let them finish.
 */
void
serve(struct ethrecv *e)
{
	struct ring_frame f;
	struct pollfd *pfd;
	struct fsrv_job *j;
	struct timespec ts;
	long long ms;
	int n, ending = 0, signalled = 0, eof = 0;

	if ((pfd = reallocarray(NULL, (size_t)e->srv.conf.jobs * 2 + 2,
	    sizeof(*pfd))) == NULL)
		err(EXIT_SYS, "malloc");
	for (;;) {
		if (stop && !signalled) {
			signalled = 1;
			fsrv_kill(&e->srv, SIGTERM);
		}
		ending = ending || stop || eof || done(e);
		if (ending && fsrv_running(&e->srv) == 0)
			break;
		/* Take the next frame when a slot is free. */
		j = ending ? NULL : fsrv_slot(&e->srv);
		if (j != NULL) {
			if (rxsrc_frame(&e->src, &f) == 1) {
				if (f.pkttype != PACKET_OUTGOING)
					serve_frame(e, j, &f);
				continue;
			}
			rxsrc_done(&e->src);
			if ((n = next_batch(e)) == 1)
				continue;
			if (n == -1) {
				eof = 1;
				continue;
			}
		}
		ms = !ending && e->seconds > 0 ? ts_ms_until(&e->end) : -1;
		ms = feedback_ms(e, ms);
		n = fsrv_pollfds(&e->srv, pfd, &ms);
		ts = ts_from_ms(ms);
		if (j != NULL)
			wait_input(e, pfd, n, ms);
		else if (ppoll(pfd, (nfds_t)n, ms >= 0 ? &ts : NULL,
		    e->waitmask) == -1 && errno != EINTR)
			err(EXIT_SYS, "poll");
		feedback(e);
		while ((j = fsrv_reap(&e->srv)) != NULL)
			finished(e, j);
	}
	free(pfd);
}
