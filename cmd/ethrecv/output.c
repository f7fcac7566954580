/*
 * ethrecv's output (lib/capout): started on stdout or the first file of
 * -o, a frame at a time, the clock of -G and the -z programs; a failure
 * is said, with the summary, and ends the run.
 */
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ethrecv.h"
#include "fdcap.h"

/*
 * Ends the run on a failure of the output (lib/capout's step, errno):
 * quietly when the reader has gone.
 */
void __attribute__((noreturn))
out_fail(struct ethrecv *e)
{
	switch (e->out.step) {
	case CAPOUT_STEP_INIT:
		err(EXIT_SYS, "%s", capout_name(&e->out));
	case CAPOUT_STEP_HEADER:
		err(EXIT_USAGE, "pcapng header");
	case CAPOUT_STEP_OPEN:
	case CAPOUT_STEP_CLOSE:
		warn("%s", capout_name(&e->out));
		summary(e);
		exit(EXIT_SYS);
	default:
		break;
	}
	if (errno == EPIPE)
		exit(0);
	/* Stopped while the output would take nothing: a normal end. */
	if (errno == EINTR || errno == ETIMEDOUT) {
		summary(e);
		exit(0);
	}
	warn("write to %s", capout_name(&e->out));
	e->werror = 1;
	summary(e);
	exit(EXIT_SYS);
}

void
out_flush(struct ethrecv *e)
{
	if (capout_flush(&e->out) == -1)
		out_fail(e);
}

/*
 * One captured frame to the output (lib/capout); a frame cut short is
 * counted (and said once at once).
 */
void
emit(struct ethrecv *e, const struct ring_frame *f)
{
	struct capout_cut cut;
	int rc, saved;

	rc = capout_frame(&e->out, f, &cut);
	saved = errno;
	if (cut.cut && e->truncated++ == 0)
		warnx("frame %" PRIu64 ": %u bytes, only %u captured "
		    "(counted in the summary)", e->frames + 1, cut.wire,
		    cut.kept);
	errno = saved;
	if (rc == -1)
		out_fail(e);
}

/* -o -z: says how a program went, or why it did not run. */
static void
zdone(void *arg, const struct fileset_done *d, int error)
{
	struct ethrecv *e = arg;

	errno = error;
	if (d == NULL)
		warn("-z: waitpid");
	else if (error != 0)
		warn("-z %s %s", e->zprog, d->file);
	else if (WIFSIGNALED(d->status))
		warnx("-z %s %s: killed by signal %d", e->zprog, d->file,
		    WTERMSIG(d->status));
	else if (WEXITSTATUS(d->status) != 0)
		warnx("-z %s %s: exited with status %d", e->zprog, d->file,
		    WEXITSTATUS(d->status));
}

/* pcapng's ISB of interface k: the socket's counts, or worker k's. */
static int
isb_counts(void *arg, uint32_t k, uint64_t *received, uint64_t *dropped)
{
	struct ethrecv *e = arg;

	return rxsrc_counts(e->nw > 0 ? &e->w[k].src : &e->src, received,
	    dropped);
}

/* -o: a new file when the -G interval has ended; the -z programs reaped. */
void
tick(struct ethrecv *e)
{
	if (capout_tick(&e->out) == -1)
		out_fail(e);
}

/*
 * The output started (lib/capout): stdout, or the first file of -o,
 * its header written.
 */
void
start_output(struct ethrecv *e)
{
	struct capout_conf oc;

	memset(&oc, 0, sizeof(oc));
	oc.fmt = (enum recfmt_format)e->fmt;
	oc.usec = e->usec;
	oc.cut = e->cut;
	oc.snaplen = e->snaplen;
	oc.maxframe = rxsrc_maxframe(src0(e));
	oc.ifname = e->name;
	oc.nif = e->nw > 0 ? (uint32_t)e->nw : 1;
	oc.comment = e->comment;
	oc.app = "fdcap ethrecv";
	oc.waitmask = e->waitmask;
	oc.signals = &nsignals;
	oc.end = e->seconds > 0 ? &e->end : NULL;
	oc.counts = isb_counts;
	oc.zdone = zdone;
	oc.arg = e;
	if (capout_start(&e->out, &oc, e->tofile ? -1 : STDOUT_FILENO,
	    "stdout") == -1) {
		if (e->out.step == CAPOUT_STEP_OPEN)
			err(EXIT_SYS, "%s", capout_name(&e->out));
		out_fail(e);
	}
}
