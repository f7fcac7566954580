/*
 * ethsend's lines on stderr: the counts and rates on SIGUSR1 and at the
 * end, one line for each -j sender, and the rate line of --progress.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "timeutil.h"

#include "ethsend.h"

/*
 * The counts so far, with the time since the first frame was read (0
 * before it: an idle wait for input is not counted), and the rates over
 * it (frames/s, Mbit/s of Ethernet frames, as tcpreplay gives them);
 * under -j then one line for each sender, from r->counts (which
 * senders_sum() read, and r's totals are the sum of); --stats-format=kv:
 * key=value pairs.  What SIGUSR1 asks for, and the summary.
 */
void
report(const struct opts *o, const struct run *r)
{
	const struct txpool_counts *c;
	double secs = r->started ? (double)(ts_now_ns() - r->start) /
	    NSEC_PER_SEC : 0;
	double fps, mbps;
	unsigned int k;

	cli_rates(r->q.sent, r->q.bytes, secs, &fps, &mbps);

	if (o->kv) {
		fprintf(stderr, "ethsend: sent=%" PRIu64 " bytes=%" PRIu64
		    " errors=%" PRIu64 " skipped=%" PRIu64 " elapsed=%.3f "
		    "fps=%.1f mbps=%.3f\n", r->q.sent, r->q.bytes,
		    r->q.errors, r->skipped, secs, fps, mbps);
	} else {
		fprintf(stderr, "ethsend: %" PRIu64 " %s sent, %" PRIu64
		    " %s, %" PRIu64 " %s", r->q.sent, cli_plural(r->q.sent,
		    "frame", "frames"), r->q.bytes, cli_plural(r->q.bytes,
		    "byte", "bytes"), r->q.errors, cli_plural(r->q.errors,
		    "error", "errors"));
		if (o->skip)
			fprintf(stderr, ", %" PRIu64 " skipped", r->skipped);
		fprintf(stderr, " in %.3f s (%.1f frames/s, %.3f Mbit/s)\n",
		    secs, fps, mbps);
	}
	for (k = 0; r->mt != NULL && k < txpool_size(r->mt); k++) {
		c = &r->counts[k];
		if (o->kv)
			fprintf(stderr, "ethsend: sender=%u sent=%" PRIu64
			    " errors=%" PRIu64 "\n", k, c->sent, c->errors);
		else
			fprintf(stderr, "ethsend: sender %u: %" PRIu64
			    " sent, %" PRIu64 " %s\n", k, c->sent, c->errors,
			    cli_plural(c->errors, "error", "errors"));
	}
}

/* The summary: report()'s lines, unless -q. */
void
summary(const struct opts *o, const struct run *r)
{
	if (!o->quiet)
		report(o, r);
}

/*
 * The rate line of -P (--progress), once a second on the timer's signal:
 * frames/s and bytes/s over the last interval, then the totals.  The
 * first interval begins with the first frame read, as report()'s time
 * does; before it every line says 0.
 */
void
progress(const struct opts *o, struct run *r)
{
	uint64_t t = ts_now_ns(), dt;

	if (!o->progress)
		return;
	if (r->last_progress == 0)
		r->last_progress = r->started ? r->start : t;
	dt = t > r->last_progress ? t - r->last_progress : 1;
	fprintf(stderr, "ethsend: %.0f frames/s, %.0f bytes/s, %" PRIu64
	    " sent, %" PRIu64 " %s\n",
	    (double)(r->q.sent - r->progress_sent) * NSEC_PER_SEC / (double)dt,
	    (double)(r->q.bytes - r->progress_bytes) * NSEC_PER_SEC /
	    (double)dt,
	    r->q.sent, r->q.errors, cli_plural(r->q.errors, "error", "errors"));
	r->last_progress = r->started ? t : 0;
	r->progress_sent = r->q.sent;
	r->progress_bytes = r->q.bytes;
}
