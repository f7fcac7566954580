/*
 * ethsend's parts (cmd/ethsend.c and cmd/ethsend/): what they share.
 * ethsend.c has the options, the operands and the loop; open.c the
 * socket (or relayed fd, or tap fd) the frames go out on; input.c the
 * input's format and each record made a frame; senders.c the -j senders
 * (lib/txpool) and the words for a frame not sent; stats.c the lines on
 * stderr (counts, rate, summary).
 */
#ifndef CMD_ETHSEND_H
#define CMD_ETHSEND_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "eth.h"
#include "pace.h"
#include "pcapio.h"
#include "txpool.h"
#include "txq.h"

#define KEEP_MAX	(256U * 1024 * 1024)	/* -l on a pipe */
#define SENDERS_MAX	256	/* -j */
#define RING_SLOTS	512	/* a transmit ring's: 1 MiB at an MTU of 1500 */

extern volatile sig_atomic_t stop;	/* SIGINT, SIGTERM */
extern volatile sig_atomic_t info;	/* SIGUSR1: say the counts */
extern volatile sig_atomic_t tick;	/* SIGALRM: a second of --progress */

/* What the user asked for. */
struct opts {
	uint64_t	 count;		/* -c; 0: no limit */
	int		 have_dst, have_src, have_type, tagged;
	uint8_t		 dst[ETH_ALEN_], src[ETH_ALEN_];
	uint16_t	 type, tci;
	enum pcapio_format fmt;		/* -f; NONE: by magic, else lines */
	int		 skip;		/* -k */
	uint64_t	 loops;		/* -l; 0: forever */
	int		 progress;	/* -P */
	int		 quiet;		/* -q */
	double		 factor;	/* -R; 0: ignore timestamps */
	double		 rate;		/* -r; 0: as fast as possible */
	int		 bitrate;	/* -r is in bits per second */
	int		 kv;		/* --stats-format=kv */
	int		 fd;		/* -S; -1: none */
	int64_t		 ifid;		/* -i: pcapng interface; -1: all */
	int		 senders;	/* -j; 0: not given (one) */
	uint16_t	 optype;	/* the ETHERTYPE operand, or ETHTYPE_NONE */
	int		 txring;	/* --tx-ring */
};

/* The state of a run. */
struct run {
	int		 fd;
	struct eth_if	 ifc;
	size_t		 maxframe;	/* untagged; +4 when tagged */
	int		 payload;	/* the input is payloads, not frames */
	int		 relayed;	/* fd is a relay's SOCK_SEQPACKET end */
	int		 tap;		/* fd is a tap device's (rawopen --tap) */
	int		 have_ifc;	/* ifc holds a real interface */
	int		 own;		/* fd was opened here, not handed over */
	uint8_t		 hdr[ETH_VLAN_HLEN];
	size_t		 hdrlen;
	struct txq_framing fr;		/* how a record becomes a frame */
	struct txq	 q;		/* fd as the target: what was sent */
	uint64_t	 skipped;	/* bad frames passed by (-k) */
	/* The batch: b, or under -j the next sender's (add() fills cur). */
	struct txq_batch b;
	struct txq_batch *cur;
	struct txpool	*mt;		/* -j N > 1; NULL: one sender, here */
	struct txpool_counts *counts;	/* -j: each sender's, as senders_sum()
					   last read them (the totals' sum) */
	uint64_t	 start;		/* ns: when the first frame was read */
	int		 started;	/* a frame was read: start is set */
	struct pace	 pace;		/* -r, -R; its clock from the run's start */
	uint64_t	 last_progress, progress_sent, progress_bytes;
	int		 typesaid;	/* the ETHERTYPE operand's warning */
};

/* ethsend.c */
void	usage(void) __attribute__((noreturn));
void	finish(const struct opts *o, struct run *r, int ex)
	    __attribute__((noreturn));
void	feedback(const struct opts *o, struct run *r);
void	flush(const struct opts *o, struct run *r);

/* open.c */
void	open_target(const struct opts *o, struct run *r, char **argv,
	    int argc, uint16_t *btype);

/* input.c */
enum pcapio_format open_input(const struct opts *o, struct run *r,
	    struct pcapio_reader *rd);
void	payload_header(const struct opts *o, struct run *r,
	    enum pcapio_format fmt);
int	next_record(struct pcapio_reader *rd, enum pcapio_format fmt,
	    size_t mtu, struct pcapio_rec *rec);
int	add(const struct opts *o, struct run *r,
	    const struct pcapio_rec *rec);

/* senders.c */
void	send_batch(const struct opts *o, struct run *r,
	    struct txq_batch *b, unsigned int i, unsigned int n);
void	senders_open(const struct opts *o, struct run *r, char **argv,
	    int argc);
void	senders_wait(const struct opts *o, struct run *r);
void	senders_sum(struct run *r);
void	senders_end(struct run *r);

/* stats.c */
void	report(const struct opts *o, const struct run *r);
void	summary(const struct opts *o, const struct run *r);
void	progress(const struct opts *o, struct run *r);

#endif /* CMD_ETHSEND_H */
