/*
 * capout: a capture's output: records, headers, files.  See capout.h.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capout.h"
#include "pcapio.h"
#include "textio.h"
#include "timeutil.h"

/* A failure of step, errno kept: -1. */
static int
fail(struct capout *c, int step)
{
	c->step = step;
	return -1;
}

/*
 * No queue to write to (a rotation failed to close or open a file, or
 * nothing was started): -1 with EBADF, c->step as that failure left it.
 */
static int
dead(const struct capout *c)
{
	if (c->o.buf != NULL)
		return 0;
	errno = EBADF;
	return 1;
}

int
capout_files(struct capout *c, const struct fileset_conf *fc,
    uint64_t now_ns)
{
	if (fileset_init(&c->fs, fc, now_ns) == -1)
		return -1;
	c->tofile = 1;
	return 0;
}

const char *
capout_name(const struct capout *c)
{
	return c->tofile ? fileset_current(&c->fs) : c->name;
}

int
capout_fd(const struct capout *c)
{
	return outq_fd(&c->o);
}

void
capout_setif(struct capout *c, uint32_t ifid)
{
	c->rf.ifid = ifid;
}

uint64_t
capout_records(const struct capout *c)
{
	return c->records;
}

uint64_t
capout_written(const struct capout *c)
{
	return c->written;
}

size_t
capout_size(const struct capout *c, const struct ring_frame *f)
{
	return recfmt_size(&c->rf, f);
}

int
capout_flush(struct capout *c)
{
	if (outq_pending(&c->o) && outq_flush(&c->o) == -1)
		return fail(c, CAPOUT_STEP_WRITE);
	c->written = c->records;
	return 0;
}

int
capout_unref(struct capout *c)
{
	return outq_has_refs(&c->o) ? capout_flush(c) : 0;
}

/* n bytes at p as one record: 0, or -1 (WRITE). */
static int
put(struct capout *c, const void *p, size_t n)
{
	struct iovec v;

	v.iov_base = (void *)(uintptr_t)p;
	v.iov_len = n;
	return outq_put(&c->o, &v, 1) == -1 ? fail(c, CAPOUT_STEP_WRITE) : 0;
}

/* pcapng's interfaces: an IDB and an ISB each. */
static uint32_t
ng_nif(const struct capout *c)
{
	return c->conf.nif > 0 ? c->conf.nif : 1;
}

/*
 * pcapng's start: the SHB (who wrote it, on what, the comment) and one
 * IDB per interface; with files, counted against -C with the ISBs the
 * file will end with, so that the whole file keeps to -C.
 */
static int
ng_start(struct capout *c)
{
	char osbuf[256];
	const char *os;
	ssize_t n, m;
	uint8_t *p;
	uint32_t k;

	c->start_ns = ts_wall_ns();
	os = pcapio_ng_os(osbuf, sizeof(osbuf)) == 0 ? osbuf : NULL;
	n = pcapio_ng_shb(NULL, 0, c->conf.app, os, c->conf.comment);
	m = pcapio_ng_idb(NULL, 0, c->conf.ifname, c->conf.cut);
	if (n == -1 || m == -1)
		return fail(c, CAPOUT_STEP_HEADER);
	if ((p = outq_reserve(&c->o, (size_t)n)) == NULL)
		return fail(c, CAPOUT_STEP_WRITE);
	(void)pcapio_ng_shb(p, (size_t)n, c->conf.app, os, c->conf.comment);
	outq_commit(&c->o, (size_t)n);
	for (k = 0; k < ng_nif(c); k++) {
		if ((p = outq_reserve(&c->o, (size_t)m)) == NULL)
			return fail(c, CAPOUT_STEP_WRITE);
		(void)pcapio_ng_idb(p, (size_t)m, c->conf.ifname, c->conf.cut);
		outq_commit(&c->o, (size_t)m);
	}
	if (c->tofile)
		fileset_add(&c->fs, (size_t)n + ng_nif(c) * ((size_t)m +
		    PCAPIO_NG_ISB_LEN), 0);
	return 0;
}

/*
 * pcapng's end: the ISB of each interface, everything written.  The ISB
 * covers this output only, from start_ns: the counts less those the last
 * ISB (of the file before) had, so that a rotation's files add up.
 */
static int
ng_end(struct capout *c)
{
	struct pcapio_ng_stats st;
	uint8_t isb[PCAPIO_NG_ISB_LEN];
	uint64_t recv, drop, *base;
	ssize_t n;
	uint32_t k;

	for (k = 0; k < ng_nif(c); k++) {
		memset(&st, 0, sizeof(st));
		st.start_ns = c->start_ns;
		st.end_ns = ts_wall_ns();
		if (c->conf.counts != NULL && c->conf.counts(c->conf.arg, k,
		    &recv, &drop)) {
			base = &c->isbbase[2 * k];
			st.counted = 1;
			st.ifrecv = recv >= base[0] ? recv - base[0] : 0;
			st.ifdrop = drop >= base[1] ? drop - base[1] : 0;
			base[0] = recv;
			base[1] = drop;
		}
		if ((n = pcapio_ng_isb(isb, sizeof(isb), k, &st)) == -1)
			return fail(c, CAPOUT_STEP_WRITE);
		if (put(c, isb, (size_t)n) == -1)
			return -1;
	}
	return capout_flush(c);
}

/*
 * The output on fd, its format's header first: written at once for
 * pcap, queued for pcapng; with files, the header counted against -C
 * (pcapng's with its ISBs to come).
 */
static int
open_out(struct capout *c, int fd)
{
	uint8_t hdr[PCAPIO_FILEHDR_LEN];
	size_t size = CAPOUT_BUF;

	/*
	 * Hex lines and payloads are copied whole: the longest frame a batch
	 * holds must fit, and a hex line is twice its size.
	 */
	if ((c->conf.fmt == RECFMT_HEX || c->conf.fmt == RECFMT_PAYLOAD) &&
	    size < TEXTIO_HEXLINE_LEN(c->conf.maxframe))
		size = TEXTIO_HEXLINE_LEN(c->conf.maxframe);
	if (outq_init(&c->o, fd, size) == -1)
		return fail(c, CAPOUT_STEP_INIT);
	outq_signals(&c->o, c->conf.waitmask, c->conf.signals);
	outq_deadline(&c->o, c->conf.end);
	if (c->conf.fmt == RECFMT_PCAPNG)
		return ng_start(c);
	if (c->conf.fmt != RECFMT_PCAP)
		return 0;
	if (c->conf.usec)
		pcapio_write_filehdr_us(hdr, c->conf.cut);
	else
		pcapio_write_filehdr(hdr, c->conf.cut);
	if (put(c, hdr, sizeof(hdr)) == -1 || capout_flush(c) == -1)
		return -1;
	if (c->tofile)
		fileset_add(&c->fs, sizeof(hdr), 0);
	return 0;
}

/* The next file of the set, opened at now_ns with its header. */
static int
open_file(struct capout *c, uint64_t now_ns)
{
	int fd;

	if ((fd = fileset_open(&c->fs, now_ns)) == -1)
		return fail(c, CAPOUT_STEP_OPEN);
	return open_out(c, fd);
}

int
capout_start(struct capout *c, const struct capout_conf *conf, int fd,
    const char *name)
{
	c->conf = *conf;
	c->name = name;
	c->o.fd = c->o.ownfd = -1;
	memset(&c->rf, 0, sizeof(c->rf));	/* any field added later too */
	c->rf.fmt = conf->fmt;
	c->rf.usec = conf->usec;
	c->rf.cut = conf->cut;
	c->rf.snaplen = conf->snaplen;
	if ((c->frame = malloc(conf->maxframe > 0 ? conf->maxframe : 1)) ==
	    NULL)
		return fail(c, CAPOUT_STEP_INIT);
	if (conf->fmt == RECFMT_PCAPNG && (c->isbbase = calloc(ng_nif(c),
	    2 * sizeof(*c->isbbase))) == NULL)
		return fail(c, CAPOUT_STEP_INIT);
	c->rf.frame = c->frame;
	if (c->tofile)
		return open_file(c, ts_wall_ns());
	return open_out(c, fd);
}

size_t
capout_running(const struct capout *c)
{
	return c->tofile ? fileset_running(&c->fs) : 0;
}

int
capout_reap(struct capout *c, int block)
{
	struct fileset_done d;
	int rc;

	if (!c->tofile)
		return 0;
	while ((rc = fileset_reap(&c->fs, block, &d)) == 1)
		if (c->conf.zdone != NULL)
			c->conf.zdone(c->conf.arg, &d, 0);
	return rc;
}

/* Reaps what has ended, a failed waitpid(2) said through zdone. */
static void
reap_now(struct capout *c)
{
	if (capout_reap(c, 0) == -1 && errno != EINTR &&
	    c->conf.zdone != NULL)
		c->conf.zdone(c->conf.arg, NULL, errno);
}

/*
 * The open file written out (a pcapng one with its ISBs, as every file
 * is whole on its own), closed and given to -z.
 */
static int
close_file(struct capout *c)
{
	struct fileset_done d;

	if (c->conf.fmt == RECFMT_PCAPNG && ng_end(c) == -1)
		return -1;
	if (capout_flush(c) == -1)
		return -1;
	outq_free(&c->o);
	if (fileset_close(&c->fs) == -1)
		return fail(c, CAPOUT_STEP_CLOSE);
	if (fileset_post(&c->fs) == -1 && c->conf.zdone != NULL) {
		memset(&d, 0, sizeof(d));
		strlcpy(d.file, fileset_current(&c->fs), sizeof(d.file));
		c->conf.zdone(c->conf.arg, &d, errno);
	}
	reap_now(c);
	return 0;
}

/*
 * Files: before a record of n bytes at t_ns (none: rec 0), a new file
 * when the -G interval has ended or the record would take this one past
 * -C; the record is counted in the file it goes to.
 */
static int
to_file(struct capout *c, size_t n, uint64_t t_ns, int rec)
{
	if (fileset_due(&c->fs, t_ns) || (rec && fileset_full(&c->fs, n))) {
		if (close_file(c) == -1 || open_file(c, ts_wall_ns()) == -1)
			return -1;
	}
	if (rec)
		fileset_add(&c->fs, n, 1);
	return 0;
}

int
capout_frame(struct capout *c, const struct ring_frame *f,
    struct capout_cut *cut)
{
	memset(cut, 0, sizeof(*cut));
	if (dead(c))
		return -1;
	if (c->tofile && to_file(c, recfmt_size(&c->rf, f), f->ts_ns, 1) == -1)
		return -1;
	cut->cut = recfmt_cut(&c->rf, f, &cut->wire, &cut->kept);
	if (recfmt_write(&c->rf, &c->o, f) == -1)
		return fail(c, CAPOUT_STEP_WRITE);
	c->records++;
	return 0;
}

int
capout_tick(struct capout *c)
{
	if (!c->tofile)
		return 0;
	if (dead(c))
		return -1;
	if (to_file(c, 0, ts_wall_ns(), 0) == -1)
		return -1;
	reap_now(c);
	return 0;
}

long long
capout_wait_ms(const struct capout *c)
{
	long long ms;

	if (!c->tofile)
		return -1;
	ms = fileset_ms_until(&c->fs, ts_wall_ns());
	if (fileset_running(&c->fs) > 0 && (ms == -1 || ms > CAPOUT_REAP_MS))
		ms = CAPOUT_REAP_MS;
	return ms;
}

int
capout_end(struct capout *c)
{
	if (dead(c))
		return -1;
	if (c->tofile)
		return close_file(c);
	if (c->conf.fmt == RECFMT_PCAPNG)
		return ng_end(c);
	return capout_flush(c);
}

void
capout_free(struct capout *c)
{
	outq_free(&c->o);
	if (c->tofile)
		fileset_free(&c->fs);
	c->tofile = 0;
	free(c->frame);
	c->frame = NULL;
	free(c->isbbase);
	c->isbbase = NULL;
}
