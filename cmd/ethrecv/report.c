/*
 * ethrecv's lines on stderr: the readiness line, the counts (the
 * summary's and SIGUSR1's, with a line per worker), and -v's rate line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ethrecv.h"
#include "timeutil.h"

/* The kernel's drops so far, over every socket. */
static uint64_t
kdrops(struct ethrecv *e)
{
	uint64_t n = 0;
	int k;

	if (e->nw == 0)
		return rxsrc_drops(&e->src);
	for (k = 0; k < e->nw; k++)
		n += rxsrc_drops(&e->w[k].src);
	return n;
}

/* With workers, after the counts: one line for each. */
static void
worker_counts(struct ethrecv *e)
{
	int k;

	for (k = 0; k < e->nw; k++) {
		if (e->kv)
			fprintf(stderr, "ethrecv: worker=%d received=%" PRIu64
			    " dropped=%" PRIu64 "\n", k, e->w[k].frames,
			    rxsrc_drops(&e->w[k].src));
		else
			fprintf(stderr, "ethrecv: worker %d: %" PRIu64
			    " received, %" PRIu64 " dropped\n", k,
			    e->w[k].frames, rxsrc_drops(&e->w[k].src));
	}
}

/*
 * Prints the counts line (the summary's, and SIGUSR1's), and with
 * workers one line for each; -e adds its
 * handler counts, and any frame cut short is counted, never silently.
 */
static void
counts(struct ethrecv *e)
{
	char drops[96], extra[192] = "";
	size_t n;
	double secs, fps, mbps;

	if (e->relayed)
		snprintf(drops, sizeof(drops), " (kernel drops are counted "
		    "by rawopen's relay)");
	else if (e->tap)
		snprintf(drops, sizeof(drops), " (a tap device's fd has no "
		    "kernel drop counts)");
	else
		snprintf(drops, sizeof(drops), ", %" PRIu64 " dropped by "
		    "kernel", kdrops(e));
	if (e->prog != NULL)
		snprintf(extra, sizeof(extra), ", %" PRIu64 " %s sent, %"
		    PRIu64 " %s failed", e->replies,
		    cli_plural(e->replies, "reply", "replies"), e->failed,
		    cli_plural(e->failed, "handler", "handlers"));
	if (e->truncated > 0) {
		n = strlen(extra);
		snprintf(extra + n, sizeof(extra) - n, ", %" PRIu64
		    " truncated to %u bytes", e->truncated, e->snaplen);
	}
	secs = (double)((e->t1_ns != 0 ? e->t1_ns : ts_now_ns()) - e->t0_ns) /
	    NSEC_PER_SEC;
	cli_rates(e->frames, e->bytes, secs, &fps, &mbps);
	if (e->kv) {
		extra[0] = '\0';
		if (e->prog != NULL)
			snprintf(extra, sizeof(extra), " replies=%" PRIu64
			    " failed=%" PRIu64, e->replies, e->failed);
		fprintf(stderr, "ethrecv: received=%" PRIu64 " dropped=%" PRIu64
		    " bytes=%" PRIu64 " written=%" PRIu64 " truncated=%" PRIu64
		    " elapsed=%.3f fps=%.1f mbps=%.3f%s\n", e->frames,
		    e->relayed || e->tap ? 0 : kdrops(e), e->bytes,
		    e->prog != NULL ? 0 : capout_written(&e->out), e->truncated,
		    secs, fps, mbps, extra);
		worker_counts(e);
		return;
	}
	if (e->werror) {
		n = strlen(extra);
		snprintf(extra + n, sizeof(extra) - n, ", %" PRIu64 " written",
		    capout_written(&e->out));
	}
	fprintf(stderr, "ethrecv: %" PRIu64 " %s received%s%s in %.3f s "
	    "(%.1f frames/s, %.3f Mbit/s)\n", e->frames,
	    cli_plural(e->frames, "frame", "frames"), drops, extra, secs, fps,
	    mbps);
	worker_counts(e);
}

/* The summary at the end of a run: the counts, unless -q. */
void
summary(struct ethrecv *e)
{
	if (!e->quiet)
		counts(e);
}

/*
 * What SIGUSR1 and -v (--progress) ask for: the counts so far as the
 * summary gives them, and once a second a rate line over the last
 * interval (frames/s, bytes/s, the kernel's drops so far).
 */
void
feedback(struct ethrecv *e)
{
	uint64_t now;
	double dt;

	if (info) {
		info = 0;
		counts(e);
	}
	if (!e->progress || (now = ts_now_ns()) < e->tick_ns)
		return;
	dt = (double)(now - e->tick_ns + NSEC_PER_SEC) / NSEC_PER_SEC;
	fprintf(stderr, "ethrecv: %.0f frames/s, %.0f bytes/s, %" PRIu64
	    " received, %" PRIu64 " dropped\n",
	    (double)(e->frames - e->tick_frames) / dt,
	    (double)(e->bytes - e->tick_bytes) / dt, e->frames,
	    e->relayed || e->tap ? 0 : kdrops(e));
	e->tick_frames = e->frames;
	e->tick_bytes = e->bytes;
	e->tick_ns = now + NSEC_PER_SEC;
}

/* Milliseconds until the next rate line (-1: none), for a wait. */
long long
feedback_ms(const struct ethrecv *e, long long ms)
{
	uint64_t now = ts_now_ns();
	long long t;

	if (!e->progress)
		return ms;
	t = e->tick_ns > now ? (long long)((e->tick_ns - now +
	    NSEC_PER_MSEC - 1) / NSEC_PER_MSEC) : 0;
	return ms < 0 || t < ms ? t : ms;
}

/*
 * The socket is ready: unless -q, one line that says so, for a script to
 * wait for; the clocks of the summary and of -v start here.
 */
void
ready(struct ethrecv *e, uint16_t type)
{
	static const char *const fmts[] = { "pcap", "pcapng", "text", "hex",
	    "payload" };
	char t[16];

	e->t0_ns = ts_now_ns();
	e->tick_ns = e->t0_ns + NSEC_PER_SEC;
	if (e->quiet)
		return;
	if (type == ETHTYPE_ALL)
		strlcpy(t, "all", sizeof(t));
	else if (type == ETHTYPE_NONE)
		strlcpy(t, "as handed over", sizeof(t));
	else
		snprintf(t, sizeof(t), "0x%04x", type);
	if (e->prog != NULL)
		fprintf(stderr, "ethrecv: listening on %s (%s), serving %s\n",
		    e->name, t, e->prog[0]);
	else
		fprintf(stderr, "ethrecv: listening on %s (%s), %s to %s%s\n",
		    e->name, t, fmts[e->fmt], capout_name(&e->out),
		    e->nw > 0 ? ", with workers" : "");
}
