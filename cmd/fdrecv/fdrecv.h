/*
 * fdrecv's parts (cmd/fdrecv.c and cmd/fdrecv/): what they share.
 * fdrecv.c has the options, the one-shot receive and what both modes
 * use (the peer's check, the words for a bad message, the exec of the
 * program); server.c the fd server of -l (lib/ipcsrv).
 */
#ifndef CMD_FDRECV_H
#define CMD_FDRECV_H

#include <stddef.h>

#include "cred.h"
#include "ipcsrv.h"
#include "usock.h"

/* What the fd server needs for every message. */
struct server {
	struct ipcsrv		 srv;
	const char		*path;
	const struct cred_rule	*rule;
	unsigned		 peruid;	/* -C, or 0 */
	unsigned		 timeout;	/* -t, in ms */
	int			 handed;	/* fds handed to fdrecv itself */
	char			*names;		/* FDPASS_NAMESLEN + 1 bytes */
	char *const		*prog;
};

/*
 * fdrecv.c.  peer_allowed(): 1 when c passes rule, else 0 and why on
 * stderr.  recv_why(): the words for fdpass_recv_names()'s errno e, or -1
 * when strerror(e) says it.  run(): places the fds and execs prog.
 * listen_on(): the listening socket, or exit saying why.
 */
int	peer_allowed(const struct cred_peer *c, const struct cred_rule *rule,
	    const char *who);
int	recv_why(int e, size_t max, const char *who, char *buf, size_t len);
void	run(int *fds, int n, int handed, const char *names,
	    char *const prog[]) __attribute__((noreturn));
int	listen_on(const char *path, int backlog, struct usock_file *uf);

/* server.c: serves until a stop signal, then exits 0 (111 on failure). */
void	server(struct server *sv, unsigned max) __attribute__((noreturn));

#endif /* CMD_FDRECV_H */
