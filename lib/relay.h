/*
 * relay: rawopen's send relay, between a program and a packet socket.
 *
 * Under a send=iface or send=no grant the program is handed one end of an
 * AF_UNIX SOCK_SEQPACKET socketpair instead of the packet socket: one
 * Ethernet frame per message, in both directions.  The other end is served
 * by a relay process that holds the bound, filter-locked packet socket and
 * nothing else.  Frames received on the packet socket go to the program as
 * they are (an 802.1Q tag the kernel took off is put back); frames the
 * program writes are checked by relay_check() and sent without an address,
 * so only on the interface the socket is bound to, or dropped and counted.
 *
 *	pid = relay_fork(&middle);		(in rawopen, after the drop)
 *	if (pid == 0 && middle)
 *		_exit(0);
 *	if (pid == 0) {
 *		relay_isolate(keep, 2);
 *		rc = relay_run(&conf, &st);
 *		relay_summary(&st, line, sizeof(line));   (if it says so, print)
 *		_exit(rc == 0 ? 0 : 111);
 *	}
 *
 * Nothing here prints or exits, and there is no global state.
 */
#ifndef LIB_RELAY_H
#define LIB_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The longest frame the relay carries: the largest IP datagram (a GRO'd
 * one, 65535 bytes without BIG TCP) behind an 802.1Q-tagged header.  A
 * longer frame, from either side, is dropped and counted, never cut short.
 */
#define RELAY_FRAME_MAX	(65535 + 18)
#define RELAY_BATCH	64	/* messages per recvmmsg(2) / sendmmsg(2) */
/* A relayed fd's MTU when its name does not tell (relay_peer() fails). */
#define RELAY_MTU_UNKNOWN	1500
/* The receive ring: 4 MiB, in blocks that hold a RELAY_FRAME_MAX frame. */
#define RELAY_RING_BLOCK	(1U << 18)
#define RELAY_RING_BLOCKS	16

#define RELAY_SEND_IFACE 0	/* frames checked, sent on the interface */
#define RELAY_SEND_NO	1	/* every frame of the program's is dropped */

struct relay_conf {
	int		pktfd;	/* bound AF_PACKET SOCK_RAW socket (tests: any
				   datagram socket) */
	int		progfd;	/* the relay's end of the SOCK_SEQPACKET pair */
	int		send;	/* RELAY_SEND_IFACE or RELAY_SEND_NO */
	int		spoof;	/* 1: any source MAC is allowed */
	uint8_t		mac[6];	/* the interface's own MAC */
	unsigned	mtu;	/* the interface's MTU: payload bytes after the
				   14-byte header */
	/* The granting rule's ethertypes: nonzero when type (host order) is
	   one of them.  NULL: none is. */
	int		(*type_ok)(const void *arg, uint16_t type);
	const void	*type_arg;
	/* The receive ring on an AF_PACKET pktfd: ring_blocks blocks of
	   ring_block bytes (ring_setup() in lib/ring.h); 0: the defaults,
	   RELAY_RING_BLOCKS of RELAY_RING_BLOCK.  A block holds a frame of
	   at most ring_block - 256 bytes whole. */
	size_t		ring_block;
	unsigned	ring_blocks;
	/* 1: once relay_run() reads every frame that comes from then on
	   (its ring set up), it sends one message of one NUL byte to the
	   program's end, before any frame, so that whoever holds that end
	   (rawopen, before the exec) can wait for it with recv(2): 1 byte,
	   ready; 0, the relay ended first.  Needs no fd. */
	int		hello;
};

/* What a relay_run() did; zero it before the call. */
struct relay_stats {
	/* From the wire to the program. */
	uint64_t	wire_in;	/* frames read from the packet socket */
	uint64_t	wire_in_bytes;
	uint64_t	prog_out;	/* of them, given to the program */
	uint64_t	too_long_wire;	/* over RELAY_FRAME_MAX: dropped */
	uint64_t	unread;		/* dropped: the program had shut its
					   reading side, or closed, or its
					   socket refused the frame */
	uint64_t	kernel_drops;	/* PACKET_STATISTICS at the end */
	/* From the program to the wire. */
	uint64_t	prog_in;	/* messages the program wrote */
	uint64_t	prog_in_bytes;
	uint64_t	wire_out;	/* of them, sent on the interface */
	uint64_t	wire_out_bytes;
	uint64_t	bad_type;	/* dropped by relay_check(), by why */
	uint64_t	bad_src;
	uint64_t	bad_size;	/* too short, over the MTU, or longer
					   than RELAY_FRAME_MAX */
	uint64_t	send_off;	/* send=no */
	uint64_t	send_err;	/* refused by the kernel (interface
					   down, no buffers after retries) */
};

enum relay_verdict {
	RELAY_OK,
	RELAY_BAD_TYPE,		/* the ethertype is not granted */
	RELAY_BAD_SRC,		/* the source MAC is not the interface's */
	RELAY_BAD_SIZE,		/* shorter than its header, or over the MTU */
	RELAY_SEND_OFF		/* send=no: nothing is sent */
};

/*
 * Whether the relay may send frame (len bytes) under c.  With
 * RELAY_SEND_NO every frame is RELAY_SEND_OFF.  Otherwise, checked in this
 * order: the length (at least 14 bytes, 18 behind an 802.1Q tag, and at
 * most 14 + c->mtu, + 4 behind an 802.1Q tag, as the kernel allows), the
 * ethertype (after one 802.1Q tag, TPID 0x8100) must satisfy c->type_ok,
 * and the source MAC (bytes 6..11) must be c->mac unless c->spoof.  An
 * 802.1ad tag (TPID 0x88a8) is not looked through: its frame's ethertype
 * is 0x88a8, which a rule must grant by name, since a service tag is not
 * what a grant of the inner type covers (and the kernel gives it no
 * extra 4 bytes).  Behind an 802.1Q tag, another tag (0x8100, 0x88a8 or
 * 0x9100) is RELAY_BAD_TYPE whatever c->type_ok says: stacked tags would
 * hop from the first tag's VLAN to the second's.  Never fails.
 */
enum relay_verdict relay_check(const struct relay_conf *c,
	    const uint8_t *frame, size_t len);

/*
 * The relay's loop.  Sets both fds O_NONBLOCK.  When c->pktfd is an
 * AF_PACKET socket (bound or not, filter-locked, in a fanout group: none
 * of it matters), gives it a TPACKET_V3 receive ring (ring_setup() in
 * lib/ring.h: c->ring_blocks of c->ring_block bytes, 4 MiB by default,
 * which needs no privilege and no net.core.rmem_max) and reads frames
 * from it, after the frames queued on the socket before the ring; the
 * kernel unhooks a bound socket while it sets the ring up, and frames
 * that arrive in that moment are lost, uncounted.  A block of the ring is
 * handed over when full or after 1 ms, and its frames are sent to the
 * program from the ring itself, the block given back once they are.  A
 * frame the ring cut short (longer than a block holds) is dropped and
 * counted in too_long_wire.  pktfd must not have a ring already.  When
 * the ring cannot be set up, and for any other socket (the unit tests'
 * datagram wire), frames are read with recvmmsg(2) into buffers (2 *
 * RELAY_BATCH frames of RELAY_FRAME_MAX bytes), the packet socket's
 * SO_RCVBUF grown as far as net.core.rmem_max lets it (8 MiB at most).
 * Either way a tag the kernel took off (the ring's tp_vlan_tci, or
 * PACKET_AUXDATA) is put back.  The relay's end of the pair gets an
 * SO_SNDBUF of 4 MiB, or as much as net.core.wmem_max allows; refusals
 * are ignored.  Then, with c->hello, the hello is sent: from then on no
 * frame that arrives is lost to the ring's setting up.
 *
 * Frames move in batches of up to RELAY_BATCH with sendmmsg(2) (and
 * recvmmsg(2) from the program), driven by poll(2): while frames for the
 * program wait (its socket is full) the wire is not read, and while
 * frames for the wire wait (EAGAIN, or ENOBUFS, retried with a growing
 * pause and dropped as send_err after about a quarter of a second) the
 * program is not read, so nothing already read is lost and nothing
 * spins.  Frames from the program go through relay_check(); those that
 * pass are sent with no address.  Sends to the program carry
 * MSG_NOSIGNAL.
 *
 * When the program shuts down its writing side, the relay reads what is
 * left and stops reading it; when it shuts down its reading side (EPIPE),
 * the relay stops reading the wire (frames then wait in, and are dropped
 * by, the kernel).  The loop ends when the program's end is closed by
 * every process holding it (POLLHUP), once what it wrote has been read and
 * sent; then PACKET_STATISTICS is read into st->kernel_drops and the ring
 * is taken off the socket.  The fds are left open.  st is added to as the
 * loop goes.
 *
 * Returns 0, or -1 with errno: ENOMEM; EINVAL (c->send unknown); the
 * pending error of the packet socket (ENETDOWN: the interface went down
 * or away), or the error of recvmmsg(2), sendmmsg(2) or poll(2) that is
 * not one of those above.
 */
int	relay_run(const struct relay_conf *c, struct relay_stats *st);

/*
 * Whether fd is the program's end of a relay, as rawopen hands it over
 * under send=iface or send=no: 1 for an AF_UNIX SOCK_SEQPACKET socket, 0
 * for any other socket or file (an AF_PACKET socket: send=any), or -1 with
 * errno EBADF when fd is not open.  Tools tell the two kinds apart by it.
 */
int	relay_fd(int fd);

/*
 * What a relayed fd was granted, as its relay's end says it: the program
 * learns it with relay_peer() on its own end, where it was handed over or
 * passed on (fdsend(1)), since the address travels with the socket.
 */
struct relay_peer {
	char		ifname[16];	/* IF_NAMESIZE */
	uint16_t	type;		/* the ethertype asked for, host order */
	uint8_t		mac[6];		/* the interface's own address */
	unsigned	mtu;
};

/*
 * Binds fd, the relay's end of the pair, to the abstract address
 * "\0fdcap-relay/IFACE/0xTYPE/MAC/MTU/NONCE" (NONCE: 64 random bits in
 * hex, so that nobody in the network namespace can take the name first;
 * MAC as 02:00:00:00:00:01), trying another nonce on EADDRINUSE.  Nobody
 * can connect to it: the socket is already connected to its pair.  Anyone
 * in the namespace can read the name (/proc/net/unix): it tells what was
 * granted, nothing secret.  Returns 0, or -1 with errno (EINVAL:
 * p->ifname empty or holding '/'; the error of getrandom(2) or bind(2)).
 */
int	relay_bind(int fd, const struct relay_peer *p);

/*
 * Reads into *p what the relay's end of fd (the program's end) was bound
 * to by relay_bind().  Returns 0, or -1 with errno ENOENT (the peer has no
 * such name: not a relay of rawopen's, or one that could not be named),
 * EPROTO (a name that starts as relay_bind()'s but does not parse), or
 * the error of getpeername(2).
 */
int	relay_peer(int fd, struct relay_peer *p);

/*
 * Forks twice, so that the relay is not the caller's child: the middle
 * process forks the relay, writes its pid into a shared anonymous page
 * (no fd is used, so a caller at its RLIMIT_NOFILE can still fork) and
 * must then exit at once; the caller reaps it.  Returns three times, as
 * fork(2) returns twice, and nothing here ends a process:
 *	in the middle process, 0 with *middle 1: the caller calls _exit(0);
 *	in the relay, 0 with *middle 0;
 *	in the caller, the relay's pid (*middle 0), or -1 with errno (that
 *	of mmap(2), fork(2) in either process, or EIO when the middle
 *	process died without saying).
 * The relay is reparented to init (or the nearest subreaper).
 *
 *	if ((pid = relay_fork(&middle)) == 0 && middle)
 *		_exit(0);
 */
pid_t	relay_fork(int *middle);

/*
 * In the relay, before relay_run(): PR_SET_DUMPABLE 0 (the program's user
 * can neither ptrace it nor take its fds with pidfd_getfd(2)),
 * PR_SET_NO_NEW_PRIVS 1, fds 0 and 1 onto /dev/null, every fd but 2 and
 * keep[0..nkeep-1] closed, SIGINT, SIGQUIT, SIGHUP and SIGPIPE ignored
 * (a ^C in the terminal reaches the program; the relay ends only when the
 * program's side closes) and no signal blocked.  Returns 0, or -1 with
 * errno EINVAL (a keep[] fd below 3), EBADF (a keep[] fd not open) or the
 * error of prctl(2), open(2) or dup2(2).
 */
int	relay_isolate(const int *keep, size_t nkeep);

/*
 * Writes into buf (of size len, NUL-terminated, cut short if need be) one
 * line without a newline or a program name saying what the relay
 * dropped, e.g. "12 frames dropped: 3 wrong ethertype, 9 foreign source
 * address", then the frames for the program it dropped and the kernel's
 * drops, each part only when nonzero and "frame" or "frames" as the count
 * wants.  Returns 1 when anything was dropped (the line is worth
 * printing), else 0 (and buf holds "nothing dropped").
 */
int	relay_summary(const struct relay_stats *st, char *buf, size_t len);

#endif /* LIB_RELAY_H */
