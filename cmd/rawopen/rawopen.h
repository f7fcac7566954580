/*
 * rawopen's parts (cmd/rawopen.c and cmd/rawopen/): what they share.
 * rawopen.c has main(), the privileged narrative, with the policy, the
 * drop, -x, -c and the handover; args.c the command line; filters.c the
 * filters, compiled in a child with no privilege; open.c the sockets and
 * devices, each opened with one capability raised around the call, and
 * what is done with them after the drop (confinement, relays).
 */
#ifndef CMD_RAWOPEN_H
#define CMD_RAWOPEN_H

#include <sys/socket.h>

#include <net/if.h>
#include <stddef.h>

#include "eth.h"
#include "filter.h"
#include "filterproc.h"
#include "policy.h"
#include "priv.h"

#define MAXSOCKS	64		/* sockets in one rawopen */
#define MAXFD		1023		/* the highest fd -o accepts */
#define SNAPLEN		262144		/* tcpdump's */

enum { OPT_IP = 256, OPT_IP6, OPT_TCP, OPT_UDP, OPT_TAP, OPT_TUN, OPT_BRIDGE };

/* One socket asked for. */
struct sock {
	struct policy_req	req;
	char			name[32];	/* in LISTEN_FDNAMES and messages */
	char			ifname[IF_NAMESIZE];	/* its own name */
	struct sockaddr_storage	ss;		/* PORT */
	socklen_t		sslen;
	struct policy_grant	grant;		/* send=, spoof=, filter= */
	struct sock_fprog	inner;		/* rule and -F, compiled */
	struct eth_if		ifc;		/* PACKET */
	char			tapname[IF_NAMESIZE];	/* TAP: as asked */
	char			brname[IF_NAMESIZE];	/* TAP: the bridge's own */
	int			brfixed;	/* TAP: its address set by hand;
						   -1: no bridge of the name */
	unsigned		brindex;	/* TAP: its index, when checked */
	size_t			pair;		/* PACKET: its pair, for -j */
	int			fd;
};

struct opts {
	const char	*filter, *netns, *names, *user;
	int		 promisc, outgoing, explain, check, ofd;
	int		 taps;		/* --tap and --tun asked */
	unsigned	 jobs;		/* -j: sockets per pair (0: 1) */
	int		 fanmode;	/* -j: the group's mode */
	size_t		 npairs;
	unsigned	 groups[MAXSOCKS];	/* -j: each pair's group id */
	int		 root;		/* uid 0 of the initial user namespace */
	int		 nsroot;	/* uid 0 of another user namespace */
	uid_t		 owner;		/* the uid prog runs as: a device's owner */
	struct policy	*policy;	/* kept: grants point into it */
	const struct policy_who *who;	/* the caller, for the policy */
	struct sock	 socks[MAXSOCKS];
	size_t		 nsocks;
	char		**prog;
	const char	*conf;		/* the policy file: RAWOPEN_POLICY */
};

/* args.c: parses the whole command line into o; any error exits 100. */
void	parse_args(int argc, char **argv, struct opts *o);

/*
 * filters.c.  compile_exprs() compiles exprs[0..n-1] in a child that
 * drops to arg (drop_for_filters) first: as filterproc_finish(), and
 * pipe(2) and fork(2) failures too.  compile_filters() compiles each
 * packet socket's filters (the rule's and -F), or exits.
 */
int	drop_for_filters(void *arg, const char **what);
int	compile_exprs(const char *const *exprs, size_t n, unsigned snaplen,
	    filterproc_drop_fn drop, void *arg, struct sock_fprog *progs,
	    size_t *bad, char errbuf[FILTER_ERRLEN]);
void	compile_filters(struct opts *o, const struct priv_target *t);

/*
 * open.c.  open_all() opens every socket and device (with -N in the
 * namespace); setup_packet() confines a packet socket after the drop;
 * start_relay() puts a relay in front of it for send=iface and send=no.
 * find_iface(), ethernet_only() and open_tundev() (which returns the fd
 * of /dev/net/tun) are the checks -x makes too.  Each exits with a
 * one-line reason when it fails.
 */
void	open_all(struct opts *o);
int	open_tundev(const struct sock *s);
void	setup_packet(struct opts *o, struct sock *s);
void	start_relay(struct sock *s);
void	find_iface(const char *name, struct eth_if *ifc);
void	ethernet_only(const struct sock *s, const struct eth_if *ifc);

#endif
