/*
 * fsrv: a frame server's handlers.  For each request frame a program is
 * started with the payload on its stdin and ETH_SRC, ETH_DST, ETH_TYPE
 * and ETH_IFACE in its environment; what it writes on stdout, up to a
 * frame's worth, is the reply.  At most conf.jobs run at once; one that
 * runs past conf.timeout_s is killed with its process group.
 *
 *	fsrv_init(&s, &conf);
 *	loop:	if ((j = fsrv_slot(&s)) != NULL) fsrv_spawn(&s, j, &req, ...);
 *		n = fsrv_pollfds(&s, pfd, &ms);  ppoll(...);
 *		while ((j = fsrv_reap(&s)) != NULL) { look at j; fsrv_release(j); }
 *	fsrv_free(&s);
 *
 * Nothing here prints or exits, and there is no global state.  Handlers
 * are started with posix_spawnp(3): a program that cannot be run fails
 * fsrv_spawn() with its error, and no process is left to report it.
 */
#ifndef LIB_FSRV_H
#define LIB_FSRV_H

#include <sys/types.h>

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "eth.h"

struct fsrv_conf {
	char *const	*prog;		/* argv, execvp(3)ed */
	int		 jobs;		/* handlers at once, >= 1 */
	int		 timeout_s;	/* a handler's time, >= 1 */
	size_t		 maxreply;	/* reply bytes that fit in a frame */
	/* What a handler inherits: the caller's original mask and SIGPIPE. */
	const sigset_t	*childmask;
	const struct sigaction *childpipe;
};

/* One handler. */
struct fsrv_job {
	pid_t		 pid;		/* 0: the slot is free */
	int		 pidfd;
	int		 out;		/* its stdout, or -1 at end of file */
	uint8_t		*reply;		/* ETH_VLAN_HLEN + maxreply + pad */
	size_t		 rlen;		/* reply payload bytes so far */
	int		 overflow;	/* it wrote more than fits */
	int		 killed;	/* killed at its deadline */
	int		 exited;	/* reaped: status is valid */
	int		 status;	/* waitpid(2)'s */
	struct timespec	 deadline;
	/* The caller's, kept for the reply. */
	uint64_t	 num;
	struct eth_hdr	 req;
	int		 ifindex;
};

struct fsrv {
	struct fsrv_conf conf;
	struct fsrv_job	*job;		/* conf.jobs of them */
	/* The handlers' environment: fsrv_init()'s, less LISTEN_* and
	   ETH_*, then the four ETH_* of the request at hand, in eth[]. */
	char		**env;
	size_t		 nenv;		/* env[0..nenv-1]: copies, freed */
	char		 eth[4][32];
};

/*
 * Allocates c->jobs slots with their reply buffers, and the handlers'
 * environment from environ(7) as it is now.  Returns 0, or -1 with errno
 * EINVAL (jobs or timeout_s < 1, prog empty) or ENOMEM.
 */
int	fsrv_init(struct fsrv *s, const struct fsrv_conf *c);

/*
 * Whether prog can be run: execvp(3)'s search of PATH (a name with a '/'
 * is taken as it is; PATH unset: /bin:/usr/bin) finds a regular file that
 * may be executed.  Returns 0, or -1 with errno ENOENT (not found, the
 * shell's 127) or EACCES (found, not executable: 126).
 */
int	fsrv_findprog(const char *prog);

/* A free slot, or NULL when conf.jobs handlers are running. */
struct fsrv_job *fsrv_slot(struct fsrv *s);

/* The number of handlers running (not yet released). */
int	fsrv_running(const struct fsrv *s);

/*
 * Starts the program in slot j for the request j->req (the caller fills
 * j->req, j->num and j->ifindex) with payload (plen bytes) on a pipe as
 * stdin, a pipe as stdout, fds 0, 1 and 2 only, LISTEN_* unset, ETH_*
 * set (ETH_IFACE to ifname) in the environment fsrv_init() found, in its
 * own process group, with the signal mask and SIGPIPE disposition of conf
 * (SIG_IGN is kept only where the caller ignores SIGPIPE too).  Returns 0,
 * or -1 with errno: EMSGSIZE (the payload does not fit in a pipe), the
 * error of pipe2(2), posix_spawnp(3) (ENOENT, EACCES: the program cannot
 * be run) or pidfd_open(2); then the slot stays free.
 */
int	fsrv_spawn(struct fsrv *s, struct fsrv_job *j, const uint8_t *payload,
	    size_t plen, const char *ifname);

/*
 * Fills pfd with what to poll for the running handlers (at most
 * 2 * conf.jobs entries) and lowers *ms (-1: no timeout) to the nearest
 * deadline.  Returns the number of entries.
 */
int	fsrv_pollfds(const struct fsrv *s, struct pollfd *pfd, long long *ms);

/*
 * After a poll: reads what handlers wrote, kills those past their
 * deadline (SIGKILL to the group), and returns one that has exited,
 * reaped (j->exited, j->status, j->reply and j->rlen, j->overflow,
 * j->killed), or NULL when none has.  Call until NULL.  Never fails: a
 * waitpid(2) that fails leaves the handler running.
 */
struct fsrv_job *fsrv_reap(struct fsrv *s);

/* Frees slot j for the next request, once the caller is done with it. */
void	fsrv_release(struct fsrv_job *j);

/* Sends sig to every running handler's process group. */
void	fsrv_kill(struct fsrv *s, int sig);

/*
 * The reply frame of j in place: to j->req.src, from mac, with the
 * request's ethertype and VLAN tag, padded to 60 bytes.  Returns its
 * start (in j->reply) and its length in *len.  Never fails.
 */
const uint8_t *fsrv_reply_frame(struct fsrv_job *j, const uint8_t *mac,
	    size_t *len);

/* Frees what fsrv_init() allocated; handlers must have been reaped. */
void	fsrv_free(struct fsrv *s);

#endif /* LIB_FSRV_H */
