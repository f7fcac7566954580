/*
 * ethrecv's parts (cmd/ethrecv.c and cmd/ethrecv/): what they share.
 * ethrecv.c has the options and the capture loop; args.c the words of
 * the command line (numbers, durations, -w, -j, the operands); sock.c
 * the socket(s) (lib/capsock); input.c the wait for frames and signals;
 * output.c the output (lib/capout) and its failures; workers.c the
 * capture workers of -j (lib/rxpool); report.c the lines on stderr
 * (readiness, counts, rate, summary); serve.c the frame server of -e.
 */
#ifndef CMD_ETHRECV_H
#define CMD_ETHRECV_H

#include <sys/types.h>

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "capout.h"
#include "eth.h"
#include "fsrv.h"
#include "recfmt.h"
#include "ring.h"
#include "rxpool.h"
#include "rxsrc.h"

/* The output formats: lib/recfmt's. */
enum fmt {
	FMT_PCAP = RECFMT_PCAP, FMT_PCAPNG = RECFMT_PCAPNG,
	FMT_TEXT = RECFMT_TEXT, FMT_HEX = RECFMT_HEX,
	FMT_PAYLOAD = RECFMT_PAYLOAD
};

/* Direction: which of PACKET_OUTGOING and the rest to keep. */
#define DIR_IN	1
#define DIR_OUT	2

struct ethrecv;

/*
 * A capture worker (-j without -e): a socket of its own with its ring,
 * read by a thread of its own (lib/rxpool), pinned to one CPU.
 */
struct worker {
	uint32_t	 k;		/* its number: its pcapng interface */
	int		 fd;
	struct rxsrc	 src;
	int		 cpu;
	uint64_t	 frames, bytes;	/* its share (under the pool's lock) */
};

/* Everything the loops share. */
struct ethrecv {
	int		 fd;		/* the packet socket, or relayed fd */
	struct rxsrc	 src;
	const char	*name;		/* the interface, for messages */
	enum fmt	 fmt;
	int		 dir;
	int		 unbuffered;	/* -U */
	uint64_t	 count;		/* -c; 0: no limit */
	int		 seconds;	/* -t, rounded up; 0: no limit */
	struct timespec	 end;
	uint32_t	 snaplen;
	uint32_t	 cut;		/* records cut to this: -s, or snaplen */
	int		 usec;		/* --tstamp-us: microsecond pcap */
	const char	*comment;	/* --comment: pcapng's SHB comment */
	uint8_t		*frame;		/* scratch: one frame, tag restored */
	struct capout	 out;		/* stdout, or the files of -o */
	int		 tofile;	/* -o */
	const char	*zprog;		/* -z */
	uint64_t	 frames;	/* frames received (written or served) */
	uint64_t	 bytes;		/* their length on the wire */
	int		 werror;	/* a write failed: say what was written */
	int		 progress;	/* -v, --progress: a rate line a second */
	int		 kv;		/* --stats-format=kv */
	int		 quiet;		/* -q: no readiness line, no summary */
	uint64_t	 t0_ns;		/* when the socket was ready */
	uint64_t	 t1_ns;		/* when capture ended (not the -z
					   wait); 0 while it runs */
	uint64_t	 tick_ns;	/* the next rate line is due */
	uint64_t	 tick_frames, tick_bytes;	/* at the last one */
	uint64_t	 truncated;
	int		 relayed;	/* rawopen's send=iface or send=no */
	int		 tap;		/* rawopen --tap: a tap device's fd */
	const sigset_t	*waitmask;
	/* -e */
	char		**prog;
	struct fsrv	 srv;
	uint64_t	 replies, failed;
	struct eth_if	 ifc;		/* cache of the last interface seen */
	/*
	 * -j without -e: the workers.  What they share (the output, the
	 * counts, the files) is used under the pool's lock, a batch at a
	 * time.
	 */
	struct worker	*w;
	int		 nw;		/* 0: the one socket of src, no thread */
	struct rxpool	 pool;
};

/* What the command line says of the socket(s), for open_sockets(). */
struct sockopts {
	const char	*ifname;	/* the iface operand, or NULL */
	uint16_t	 type;		/* the ethertype operand */
	int		 sockfd;	/* -S, or -1 */
	const char	*filter;	/* -F, or NULL */
	int		 promisc;	/* -p */
	size_t		 ringsize;	/* -B, or RING_SIZE_DEFAULT */
	int		 bset;		/* -B was given */
	int		 jobs;		/* -j N: N; 0: no -j */
	const char	*jobarg;	/* -j's argument, for messages */
	int		 fanout;	/* -j N:MODE: the mode */
	int		 modeset;	/* a mode was given */
	const char	*cpuarg;	/* -P, or NULL */
	int		 cpus[CPU_SETSIZE];	/* -P's, or all we may use */
	int		 ncpus;
};

/*
 * The signal handler's: a stop signal (its number), SIGUSR1, and how many
 * stop signals came (lib/outq's count).
 */
extern volatile sig_atomic_t stop;
extern volatile sig_atomic_t info;
extern volatile sig_atomic_t nsignals;

/* ethrecv.c */
void	take_batch(struct ethrecv *e, struct rxsrc *src, struct worker *w);
struct rxsrc *src0(struct ethrecv *e);

/* args.c: each exits 100 naming what is wrong. */
#define JOBS_MAX	1024	/* -j: handlers of -e */
#define WORKERS_MAX	256	/* -j: capture workers, a fanout group's most */
long long opt_number(int opt, const char *s, long long min, long long max);
long long opt_duration(int opt, const char *s, long long min_ms,
	    long long max_s);
int	operands(int server, int argc, char **argv, int first,
	    const char *lastarg, char ***prog, uint16_t *type);
enum fmt parse_format(const char *s);
int	parse_jobs(const char *arg, int server, int *mode, int *modeset);

/* input.c */
void	signals(sigset_t *origmask, struct sigaction *origpipe,
	    sigset_t *waitmask);
void	take_pending(void);
int	wanted(const struct ethrecv *e, const struct ring_frame *f);
int	done(const struct ethrecv *e);
int	next_batch(struct ethrecv *e);
void	wait_input(struct ethrecv *e, struct pollfd *pfd, int n, long long ms);

/* output.c */
void	start_output(struct ethrecv *e);
void	emit(struct ethrecv *e, const struct ring_frame *f);
void	out_flush(struct ethrecv *e);
void	out_fail(struct ethrecv *e) __attribute__((noreturn));
void	tick(struct ethrecv *e);

/* sock.c */
struct capsock;
void	open_sockets(struct ethrecv *e, struct sockopts *so, int server,
	    struct capsock *cs);

/* workers.c */
void	workers(struct ethrecv *e);

/* report.c */
void	summary(struct ethrecv *e);
void	feedback(struct ethrecv *e);
long long feedback_ms(const struct ethrecv *e, long long ms);
void	ready(struct ethrecv *e, uint16_t type);

/* serve.c */
void	serve(struct ethrecv *e);

#endif /* CMD_ETHRECV_H */
