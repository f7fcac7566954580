/*
 * Unit tests of lib/capout, over pipes and in a scratch directory: the
 * bytes of a pcap output (file header, a record), of a pcapng one (SHB,
 * an IDB per interface, an EPB of the interface set, an ISB each with
 * the counts the caller gives), the written count, -C rotation into
 * several whole files, -z programs' ends said through zdone, a frame cut
 * short reported, and a reader gone (EPIPE) returned, never printed;
 * pcapng rotation (each file whole, its ISBs its own, within -C), -G by
 * the frames' time, capout_tick(), capout_unref(), capout_size(),
 * capout_fd(), and capout_end() after a rotation failed.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capout.h"
#include "tap.h"
#include "timeutil.h"

#define FLEN	100	/* a test frame's bytes */

static char scratch[] = "/tmp/fdcap-unit-capout.XXXXXX";
static uint8_t data[FLEN];

static int
rm1(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

/* A frame of n bytes of data (n of them captured), at second sec. */
static struct ring_frame
frame(uint32_t caplen, uint32_t len, uint64_t sec)
{
	struct ring_frame f;

	memset(&f, 0, sizeof(f));
	f.data = data;
	f.caplen = caplen;
	f.len = len;
	f.ts_ns = sec * 1000000000ULL + 5;
	f.ifindex = 1;
	f.proto = 0x88b5;
	f.pkttype = PACKET_HOST;
	return f;
}

static void
conf_of(struct capout_conf *oc, enum recfmt_format fmt)
{
	memset(oc, 0, sizeof(*oc));
	oc->fmt = fmt;
	oc->cut = 1514;
	oc->snaplen = 1514;
	oc->maxframe = 1518;
	oc->ifname = "veth9";
	oc->nif = 1;
	oc->app = "unit";
}

/* Up to size bytes of what fd holds now (a pipe: non-blocking). */
static size_t
drain(int fd, uint8_t *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += (size_t)n;
	return got;
}

static uint32_t
le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static size_t
slurp(const char *name, uint8_t *buf, size_t size)
{
	size_t n;
	int fd;

	if ((fd = open(name, O_RDONLY)) == -1)
		return 0;
	n = drain(fd, buf, size);
	close(fd);
	return n;
}

static void
test_pcap(void)
{
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	uint8_t buf[4096];
	int p[2];
	size_t n;

	if (pipe2(p, O_NONBLOCK) == -1) {
		skip(9, "pipe");
		return;
	}
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	is_int(capout_start(&c, &oc, p[1], "stdout"), 0, "pcap: started");
	is_str(capout_name(&c), "stdout", "pcap: its name");
	n = drain(p[0], buf, sizeof(buf));
	ok(n == 24 && le32(buf) == 0xa1b23c4d && le32(buf + 16) == 1514,
	    "pcap: the file header (ns magic, snaplen) is written at once");
	is_int(capout_frame(&c, &f, &cut), 0, "pcap: a frame taken in");
	ok(capout_records(&c) == 1 && capout_written(&c) == 0,
	    "pcap: counted, not yet written");
	is_int(capout_flush(&c), 0, "pcap: flushed");
	is_int(capout_written(&c), 1, "pcap: now written");
	n = drain(p[0], buf, sizeof(buf));
	ok(n == 16 + FLEN && le32(buf) == 7 && le32(buf + 4) == 5 &&
	    le32(buf + 8) == FLEN && le32(buf + 12) == FLEN &&
	    memcmp(buf + 16, data, FLEN) == 0,
	    "pcap: the record: time, lengths, the frame");
	is_int(capout_end(&c), 0, "pcap: ended");
	capout_free(&c);
	close(p[0]);
	close(p[1]);
}

static uint32_t isb_calls;

static int
counts(void *arg, uint32_t ifid, uint64_t *received, uint64_t *dropped)
{
	(void)arg;
	isb_calls |= 1U << ifid;
	*received = 100 + ifid;
	*dropped = ifid;
	return 1;
}

static void
test_pcapng(void)
{
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	uint8_t buf[8192];
	uint32_t types[16], ifids[16];
	size_t n, off;
	int p[2], nb = 0;

	if (pipe2(p, O_NONBLOCK) == -1) {
		skip(6, "pipe");
		return;
	}
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAPNG);
	oc.nif = 2;
	oc.comment = "a comment";
	oc.counts = counts;
	is_int(capout_start(&c, &oc, p[1], "stdout"), 0, "pcapng: started");
	capout_setif(&c, 1);
	is_int(capout_frame(&c, &f, &cut), 0, "pcapng: a frame taken in");
	is_int(capout_end(&c), 0, "pcapng: ended, ISBs written");
	n = drain(p[0], buf, sizeof(buf));
	for (off = 0; off + 12 <= n && nb < 16; nb++) {
		types[nb] = le32(buf + off);
		ifids[nb] = le32(buf + off + 8);
		if (le32(buf + off + 4) < 12)
			break;
		off += le32(buf + off + 4);
	}
	ok(off == n && nb == 6 && types[0] == 0x0a0d0d0a && types[1] == 1 &&
	    types[2] == 1 && types[3] == 6 && types[4] == 5 && types[5] == 5,
	    "pcapng: SHB, two IDBs, an EPB, two ISBs, nothing more");
	ok(nb == 6 && ifids[3] == 1 && ifids[4] == 0 && ifids[5] == 1,
	    "pcapng: the EPB of the interface set, an ISB for each");
	is_int(isb_calls, 3, "pcapng: the counts asked for both interfaces");
	capout_free(&c);
	close(p[0]);
	close(p[1]);
}

static int zcalls, zstatus_bad;

static void
zdone(void *arg, const struct fileset_done *d, int err)
{
	(void)arg;
	if (d == NULL || err != 0 || !WIFEXITED(d->status) ||
	    WEXITSTATUS(d->status) != 1)
		zstatus_bad++;
	zcalls++;
}

/* Whether name is a whole pcap file of records of FLEN bytes. */
static int
whole(const char *name, int *records)
{
	uint8_t buf[4096];
	size_t n = slurp(name, buf, sizeof(buf)), off = 24;

	*records = 0;
	if (n < 24 || le32(buf) != 0xa1b23c4d)
		return 0;
	while (off + 16 <= n && le32(buf + off + 8) == FLEN) {
		off += 16 + FLEN;
		(*records)++;
	}
	return off == n;
}

/* A -z program at path: waits for go (at most ~5 s), exits 1. */
static void
script(const char *path, const char *go)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fprintf(fp, "#!/bin/sh\ni=0\nwhile [ ! -e '%s' ] && [ $i -lt 50 ]; "
	    "do sleep 0.1; i=$((i + 1)); done\nexit 1\n", go);
	fclose(fp);
	chmod(path, 0700);
}

static void
touch(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1)
		close(fd);
}

static void
test_rotation(void)
{
	struct fileset_conf fc;
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	char pattern[PATH_MAX], name[PATH_MAX + 8], prog[PATH_MAX];
	char go[PATH_MAX];
	int i, r0, r1, r2, r3, ok0 = 1;

	snprintf(pattern, sizeof(pattern), "%s/cap", scratch);
	/* -z: runs until go is there (at most ~5 s), then says 1. */
	snprintf(go, sizeof(go), "%s/go", scratch);
	snprintf(prog, sizeof(prog), "%s/z.sh", scratch);
	script(prog, go);
	memset(&fc, 0, sizeof(fc));
	fc.pattern = pattern;
	fc.maxsize = 24 + 2 * (16 + FLEN);	/* two records a file */
	fc.prog = prog;
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	oc.zdone = zdone;
	is_int(capout_files(&c, &fc, 1000000000ULL * 1796416297), 0,
	    "-C: the file set");
	is_int(capout_start(&c, &oc, -1, NULL), 0, "-C: the first file");
	snprintf(name, sizeof(name), "%s.0", pattern);
	is_str(capout_name(&c), name, "-C: named NAME.0");
	for (i = 0; i < 5; i++)
		if (capout_frame(&c, &f, &cut) == -1 || cut.cut)
			ok0 = 0;
	ok(ok0, "-C: five frames taken in, none cut");
	ok(capout_running(&c) == 2 && capout_wait_ms(&c) == CAPOUT_REAP_MS,
	    "-C: -z programs running: reaped every CAPOUT_REAP_MS");
	touch(go);
	is_int(capout_end(&c), 0, "-C: ended");
	is_int(capout_written(&c), 5, "-C: five written");
	while (capout_running(&c) > 0)
		if (capout_reap(&c, 1) == -1 && errno != EINTR)
			break;
	is_int(zcalls, 3, "-z: three files, three programs, each said");
	is_int(zstatus_bad, 0, "-z: each with its status (false: 1)");
	snprintf(name, sizeof(name), "%s.0", pattern);
	ok(whole(name, &r0), "-C: NAME.0 is a whole pcap");
	snprintf(name, sizeof(name), "%s.1", pattern);
	ok(whole(name, &r1), "-C: NAME.1 is a whole pcap");
	snprintf(name, sizeof(name), "%s.2", pattern);
	ok(whole(name, &r2), "-C: NAME.2 is a whole pcap");
	snprintf(name, sizeof(name), "%s.3", pattern);
	ok(!whole(name, &r3) && r0 == 2 && r1 == 2 && r2 == 1,
	    "-C: 2, 2 and 1 records, no fourth file");
	capout_free(&c);
}

static void
test_cut(void)
{
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(60, FLEN, 1);
	int fd;

	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	if ((fd = open("/dev/null", O_WRONLY)) == -1) {
		skip(2, "/dev/null");
		return;
	}
	is_int(capout_start(&c, &oc, fd, "null"), 0, "cut: started");
	ok(capout_frame(&c, &f, &cut) == 0 && cut.cut && cut.wire == FLEN &&
	    cut.kept == 60, "cut: a frame cut short is said, with its sizes");
	capout_free(&c);
	close(fd);
}

static void
test_epipe(void)
{
	struct capout_conf oc;
	struct capout c;
	char errname[PATH_MAX];
	struct stat st;
	int p[2], saved, efd, rc, e;

	snprintf(errname, sizeof(errname), "%s/stderr", scratch);
	if (pipe(p) == -1 || (efd = open(errname, O_WRONLY | O_CREAT |
	    O_TRUNC, 0600)) == -1) {
		skip(3, "pipe");
		return;
	}
	close(p[0]);
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	fflush(stderr);
	saved = dup(2);
	dup2(efd, 2);
	rc = capout_start(&c, &oc, p[1], "stdout");
	e = errno;
	dup2(saved, 2);
	close(saved);
	close(efd);
	ok(rc == -1 && e == EPIPE, "EPIPE: a reader gone is returned");
	is_int(c.step, CAPOUT_STEP_WRITE, "EPIPE: at the write step");
	ok(stat(errname, &st) == 0 && st.st_size == 0,
	    "EPIPE: nothing printed");
	capout_free(&c);
	close(p[1]);
}

/* The pcapng blocks of a file: their types, ISBs' ifrecv per ifid. */
struct blocks {
	int		 n;
	uint32_t	 type[64];
	int		 epbs;
	int		 isbs;
	uint64_t	 ifrecv[2];	/* the ISBs' isb_ifrecv, by ifid */
	size_t		 size;
	int		 whole;
};

static uint64_t
le64_at(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
ng_blocks(const char *name, struct blocks *b)
{
	uint8_t buf[8192];
	size_t n = slurp(name, buf, sizeof(buf)), off = 0, o;
	uint32_t len, ifid;
	uint16_t code, olen;

	memset(b, 0, sizeof(*b));
	b->size = n;
	while (off + 12 <= n && b->n < 64) {
		len = le32(buf + off + 4);
		if (len < 12 || off + len > n)
			return;
		b->type[b->n++] = le32(buf + off);
		if (le32(buf + off) == 6)
			b->epbs++;
		if (le32(buf + off) == 5) {
			b->isbs++;
			ifid = le32(buf + off + 8);
			/* Options after ifid and the 8-byte timestamp. */
			for (o = off + 20; o + 4 <= off + len - 4;
			    o += 4 + ((olen + 3U) & ~3U)) {
				memcpy(&code, buf + o, 2);
				memcpy(&olen, buf + o + 2, 2);
				if (code == 0)
					break;
				if (code == 4 && olen == 8 && ifid < 2)
					b->ifrecv[ifid] = le64_at(buf + o + 4);
			}
		}
		off += len;
	}
	b->whole = off == n;
}

static uint64_t kernel;	/* frames the "kernel" has counted so far */

/* Interface k has counted (k + 1) times kernel: cumulative, as rxsrc's. */
static int
rising(void *arg, uint32_t ifid, uint64_t *received, uint64_t *dropped)
{
	(void)arg;
	*received = kernel * (ifid + 1);
	*dropped = 0;
	return 1;
}

/*
 * pcapng into files by -C: every file its SHB, two IDBs, its EPBs and
 * two ISBs, none past -C with them, and each ISB counting that file's
 * frames only.
 */
static void
test_ng_rotation(void)
{
	struct fileset_conf fc;
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	struct blocks b;
	char pattern[PATH_MAX], name[PATH_MAX + 8];
	int i, j, files = 0, shape = 1, size = 1, isb = 1, epbs = 0;

	snprintf(pattern, sizeof(pattern), "%s/ng", scratch);
	memset(&fc, 0, sizeof(fc));
	fc.pattern = pattern;
	fc.maxsize = 1024;
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAPNG);
	oc.nif = 2;
	oc.counts = rising;
	kernel = 0;
	is_int(capout_files(&c, &fc, 1000000000ULL * 1796416297), 0,
	    "pcapng -C: the file set");
	is_int(capout_start(&c, &oc, -1, NULL), 0, "pcapng -C: the first file");
	for (i = 0; i < 20; i++) {
		kernel = (uint64_t)i;	/* those before this one */
		capout_setif(&c, (uint32_t)(i & 1));
		if (capout_frame(&c, &f, &cut) == -1)
			break;
	}
	kernel = 20;
	is_int(i, 20, "pcapng -C: twenty frames taken in");
	is_int(capout_end(&c), 0, "pcapng -C: ended");
	capout_free(&c);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "%s.%d", pattern, i);
		if (access(name, F_OK) == -1)
			break;
		files++;
		ng_blocks(name, &b);
		epbs += b.epbs;
		if (!b.whole || b.n < 5 || b.type[0] != 0x0a0d0d0a ||
		    b.type[1] != 1 || b.type[2] != 1 || b.isbs != 2 ||
		    b.type[b.n - 1] != 5 || b.type[b.n - 2] != 5)
			shape = 0;
		for (j = 3; j < b.n - 2; j++)
			if (b.type[j] != 6)
				shape = 0;
		if (b.size > fc.maxsize)
			size = 0;
		if (b.ifrecv[0] != (uint64_t)b.epbs ||
		    b.ifrecv[1] != 2 * (uint64_t)b.epbs) {
			diag("%s: %d EPBs, ISBs say %llu, %llu", name, b.epbs,
			    (unsigned long long)b.ifrecv[0],
			    (unsigned long long)b.ifrecv[1]);
			isb = 0;
		}
	}
	ok(files >= 3 && epbs == 20, "pcapng -C: several files, every frame "
	    "in one");
	ok(shape, "pcapng -C: each file SHB, two IDBs, EPBs, two ISBs");
	ok(size, "pcapng -C: none past -C, headers and ISBs counted");
	ok(isb, "pcapng -C: each file's ISBs count its own frames only");
}

/* -G: the interval ends by a frame's time: a new file, no sleep. */
static void
test_interval(void)
{
	struct fileset_conf fc;
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f;
	char pattern[PATH_MAX], name[PATH_MAX + 8];
	uint64_t now = ts_wall_ns();
	long long ms;
	int r0 = 0, r1 = 0, r2 = 0;

	snprintf(pattern, sizeof(pattern), "%s/g", scratch);
	memset(&fc, 0, sizeof(fc));
	fc.pattern = pattern;
	fc.seconds = 3600;
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	is_int(capout_files(&c, &fc, now), 0, "-G: the file set");
	is_int(capout_start(&c, &oc, -1, NULL), 0, "-G: the first file");
	ms = capout_wait_ms(&c);
	ok(ms > 0 && ms <= 3600 * 1000LL, "-G: a wait at most to the "
	    "interval's end");
	is_int(capout_tick(&c), 0, "-G: a tick within the interval");
	f = frame(FLEN, FLEN, now / 1000000000ULL);
	is_int(capout_frame(&c, &f, &cut), 0, "-G: a frame of now");
	f = frame(FLEN, FLEN, now / 1000000000ULL + 7200);
	is_int(capout_frame(&c, &f, &cut), 0, "-G: a frame two hours on");
	is_int(capout_end(&c), 0, "-G: ended");
	capout_free(&c);
	snprintf(name, sizeof(name), "%s.0", pattern);
	ok(whole(name, &r0) && r0 == 1, "-G: the tick kept the file, the "
	    "first frame in it");
	snprintf(name, sizeof(name), "%s.1", pattern);
	ok(whole(name, &r1) && r1 == 1, "-G: the later frame in a new file");
	snprintf(name, sizeof(name), "%s.2", pattern);
	ok(!whole(name, &r2), "-G: no third file");
}

/* capout_tick() reaps the -z programs that have ended (no frame). */
static void
test_tick(void)
{
	struct fileset_conf fc;
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	char pattern[PATH_MAX];
	int i;

	snprintf(pattern, sizeof(pattern), "%s/t", scratch);
	memset(&fc, 0, sizeof(fc));
	fc.pattern = pattern;
	fc.maxsize = 24 + 16 + FLEN;	/* one record a file */
	fc.prog = "false";
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	oc.zdone = zdone;
	zcalls = zstatus_bad = 0;
	is_int(capout_files(&c, &fc, 1000000000ULL * 1796416297), 0,
	    "tick: the file set");
	is_int(capout_start(&c, &oc, -1, NULL), 0, "tick: the first file");
	(void)capout_frame(&c, &f, &cut);
	is_int(capout_frame(&c, &f, &cut), 0, "tick: a second file, the "
	    "first to -z");
	/* Bounded: ~5 s for false(1) to end. */
	for (i = 0; i < 500 && zcalls == 0; i++) {
		if (capout_tick(&c) == -1)
			break;
		if (zcalls == 0)
			usleep(10000);
	}
	ok(zcalls == 1 && zstatus_bad == 0 && capout_running(&c) == 0,
	    "tick: the ended -z program reaped and said");
	capout_free(&c);
}

/* capout_size(), capout_fd(), capout_unref() of a long frame. */
static void
test_unref(void)
{
	static uint8_t big[1500];
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	struct stat a, b;
	uint8_t buf[4096];
	int p[2];
	size_t n;

	if (pipe2(p, O_NONBLOCK) == -1) {
		skip(5, "pipe");
		return;
	}
	memset(big, 0x5a, sizeof(big));
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAP);
	is_int(capout_start(&c, &oc, p[1], "stdout"), 0, "unref: started");
	ok(fstat(capout_fd(&c), &a) == 0 && fstat(p[1], &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	    "capout_fd: the pipe written to");
	(void)drain(p[0], buf, sizeof(buf));
	is_int(capout_size(&c, &f), 16 + FLEN, "capout_size: a record's "
	    "header and its frame");
	f.data = big;
	f.caplen = f.len = sizeof(big);
	(void)capout_frame(&c, &f, &cut);
	is_int(capout_unref(&c), 0, "unref: returns 0");
	n = drain(p[0], buf, sizeof(buf));
	ok(n == 16 + sizeof(big) && capout_written(&c) == 1 &&
	    memcmp(buf + 16, big, sizeof(big)) == 0,
	    "unref: a record referring to its frame written out at once");
	capout_free(&c);
	close(p[0]);
	close(p[1]);
}

/*
 * After a rotation failed to open its next file, the queue is gone:
 * capout_end() says EBADF, nothing written.
 */
static void
test_dead(void)
{
	struct fileset_conf fc;
	struct capout_conf oc;
	struct capout c;
	struct capout_cut cut;
	struct ring_frame f = frame(FLEN, FLEN, 7);
	char dir[PATH_MAX], pattern[PATH_MAX + 8];
	int rc, e;

	snprintf(dir, sizeof(dir), "%s/gone", scratch);
	snprintf(pattern, sizeof(pattern), "%s/d", dir);
	if (mkdir(dir, 0700) == -1) {
		skip(4, "mkdir");
		return;
	}
	memset(&fc, 0, sizeof(fc));
	fc.pattern = pattern;
	fc.maxsize = 24 + 16 + FLEN;	/* one record a file */
	memset(&c, 0, sizeof(c));
	conf_of(&oc, RECFMT_PCAPNG);
	is_int(capout_files(&c, &fc, 1000000000ULL * 1796416297), 0,
	    "dead: the file set");
	is_int(capout_start(&c, &oc, -1, NULL), 0, "dead: the first file");
	(void)capout_frame(&c, &f, &cut);
	/* The directory gone: the next file cannot open. */
	nftw(dir, rm1, 8, FTW_DEPTH | FTW_PHYS);
	rc = capout_frame(&c, &f, &cut);
	ok(rc == -1 && c.step == CAPOUT_STEP_OPEN, "dead: the next file "
	    "failed to open");
	rc = capout_end(&c);
	e = errno;
	ok(rc == -1 && e == EBADF && c.step == CAPOUT_STEP_OPEN,
	    "dead: capout_end() after it: EBADF, the step kept");
	capout_free(&c);
}

int
main(void)
{
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	if (mkdtemp(scratch) == NULL)
		skip_all("mkdtemp");
	plan(33 + 8 + 10 + 4 + 5 + 4);
	test_pcap();
	test_pcapng();
	test_rotation();
	test_cut();
	test_epipe();
	test_ng_rotation();
	test_interval();
	test_tick();
	test_unref();
	test_dead();
	nftw(scratch, rm1, 8, FTW_DEPTH | FTW_PHYS);
	return done();
}
