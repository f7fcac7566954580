/*
 * ipcsrv: a forking server's loop on a listening socket, as s6-ipcserverd
 * runs it: accept, wait for the client's first message, fork a handler,
 * reap it; at most max connections in hand at once (waiting for their
 * message, or served by a running handler); while max are in hand, the
 * listening socket is not even polled, so new clients wait in its queue.
 *
 * So that no client can hold a place for ever, a kept connection may be
 * given a deadline for its message (ipcsrv_set_timeout()), and the
 * connections in hand of one uid may be capped (ipcsrv_set_peruid()):
 * the uid is the caller's to say, from SO_PEERCRED or whatever key it
 * counts by; ipcsrv itself never reads credentials.
 *
 * The caller drives it one event at a time:
 *
 *	while ((e = ipcsrv_wait(&srv, &ev)) > IPCSRV_DONE)
 *		switch (e) { ... }
 *
 * Signals are read from a signalfd, never by a handler: ipcsrv_init()
 * blocks SIGCHLD and the stop signals, and ipcsrv_fork() gives the child
 * back the mask and the SIGCHLD disposition the caller had.  A stop signal
 * the caller ignores is left alone, so it stays ignored.  Children
 * of the process that ipcsrv_fork() did not make (inherited across an
 * exec) are reaped but never reported or counted.
 */
#ifndef LIB_IPCSRV_H
#define LIB_IPCSRV_H

#include <sys/types.h>
#include <poll.h>
#include <signal.h>

struct ipcsrv {
	int		 listen;	/* the listening socket, or -1 once stopped */
	int		 sigfd;		/* signalfd for SIGCHLD and the stop set */
	unsigned	 max;		/* the most connections in hand */
	unsigned	 peruid;	/* the most of one uid, or 0: no cap */
	long long	 timeout;	/* ns for a message, or 0: none */
	int		*pending;	/* [max] accepted, waiting for a message */
	uid_t		*puid;		/* [max] the uid of each */
	long long	*deadline;	/* [max] CLOCK_MONOTONIC ns, or 0: none */
	unsigned	 npending;
	pid_t		*pids;		/* [max] running handlers */
	uid_t		*ruid;		/* [max] the uid each serves */
	unsigned	 nrunning;
	struct pollfd	*pfd;		/* [max + 2] for poll(2) */
	int		 reap;		/* SIGCHLD seen: waitpid before polling */
	int		 paused;	/* accept failed: wait for a free slot */
	sigset_t	 oldmask;	/* the caller's mask, for children */
	struct sigaction oldchld;	/* the caller's SIGCHLD, for children */
};

enum ipcsrv_event_type {
	IPCSRV_ERROR = -1,	/* a fatal error: errno says which */
	IPCSRV_DONE = 0,	/* stopped, and every handler has exited */
	IPCSRV_CONN,		/* ev.fd: a new connection, to keep or close */
	IPCSRV_MSG,		/* ev.fd, ev.uid: a kept connection is
				   readable */
	IPCSRV_EXIT,		/* ev.pid, ev.status: a handler was reaped */
	IPCSRV_STOP,		/* ev.sig: a stop signal; no more accepting */
	IPCSRV_BUSY,		/* ev.err: accept(2) failed for want of a
				   resource; retried once a slot is free */
	IPCSRV_TIMEOUT		/* ev.fd, ev.uid: a kept connection sent
				   nothing in time; the caller's to close */
};

struct ipcsrv_event {
	int	fd;
	uid_t	uid;		/* the uid the connection was kept for */
	pid_t	pid;
	int	status;		/* as waitpid(2) gives it */
	int	sig;
	int	err;
};

/*
 * Takes over the listening socket l (non-blocking accept is not needed:
 * it is polled) for a server of at most max (>= 1) connections in hand,
 * and blocks SIGCHLD and the signals in stop (which must not hold
 * SIGCHLD), to be read from a signalfd.  A SIGCHLD the caller ignores is
 * set to its default action while the server runs, so that children can
 * be reaped.  Returns 0, or -1 with errno EINVAL (max 0), ENOMEM, or the
 * error of sigprocmask(2), sigaction(2) or signalfd(2); l is then left to
 * the caller and nothing is changed.
 */
int	ipcsrv_init(struct ipcsrv *srv, int l, unsigned max,
	    const sigset_t *stop);

/*
 * Gives every connection kept from now on ms milliseconds, counted from
 * ipcsrv_keep(), to send its message (to become readable): past that it
 * is handed back as IPCSRV_TIMEOUT, and its place is free.  0, the
 * default after ipcsrv_init(), is no deadline.  Cannot fail.
 */
void	ipcsrv_set_timeout(struct ipcsrv *srv, unsigned ms);

/*
 * Caps the connections in hand of one uid (kept, or served by a handler
 * that ipcsrv_fork() made for that uid) at n; 0, the default after
 * ipcsrv_init(), is no cap but max.  Connections already in hand are
 * left alone.  Cannot fail.
 */
void	ipcsrv_set_peruid(struct ipcsrv *srv, unsigned n);

/*
 * Waits for the next event and returns its type, filling *ev:
 *	IPCSRV_CONN	a connection was accepted (close-on-exec); hand it
 *			back with ipcsrv_keep() to wait for its message, or
 *			close it.
 *	IPCSRV_MSG	a kept connection has data, or was closed by its
 *			peer: it is the caller's again (receive, then
 *			ipcsrv_fork() for ev.uid, and close it).  A
 *			connection that is readable when its deadline
 *			passes comes as IPCSRV_MSG.
 *	IPCSRV_TIMEOUT	a kept connection's deadline passed with nothing
 *			to read: it is no longer kept, and the caller's to
 *			close (its fd is still open, so that the caller
 *			can say whose it was).  The earliest first.
 *	IPCSRV_EXIT	a handler made by ipcsrv_fork() was reaped.
 *	IPCSRV_STOP	a stop signal arrived: the listening socket and every
 *			kept connection are closed (their clients see the end
 *			of the connection); later calls report the handlers
 *			that still run, then IPCSRV_DONE.  Later stop
 *			signals are read and dropped.
 *	IPCSRV_BUSY	accept(2) failed with EMFILE, ENFILE, ENOBUFS or
 *			ENOMEM while connections were in hand: no accepting
 *			until one is let go.
 *	IPCSRV_DONE	stopped, and nothing is left in hand.
 *	IPCSRV_ERROR	with errno: the error of poll(2), read(2),
 *			waitpid(2) or clock_gettime(2), or of accept(2)
 *			(one not listed above, or one of those with nothing
 *			in hand).
 * EINTR and ECONNABORTED are retried.
 */
int	ipcsrv_wait(struct ipcsrv *srv, struct ipcsrv_event *ev);

/*
 * Keeps the connection fd of an IPCSRV_CONN event, counted for uid, until
 * its message arrives (IPCSRV_MSG) or its deadline passes
 * (IPCSRV_TIMEOUT).  Returns 0, or -1 with errno ENOSPC (never after
 * IPCSRV_CONN, which only comes when there is room), ESHUTDOWN (after
 * IPCSRV_STOP), EUSERS (uid has the ipcsrv_set_peruid() cap in hand
 * already), or the error of clock_gettime(2); fd is then closed.
 */
int	ipcsrv_keep(struct ipcsrv *srv, int fd, uid_t uid);

/*
 * Forks a handler, counted for uid (that of the connection it serves,
 * ev.uid of its IPCSRV_MSG) until IPCSRV_EXIT reports it.  In the child
 * (0 is returned) the server's own fds (the listening socket, the
 * signalfd, every kept connection) are closed, and the caller's signal
 * mask and SIGCHLD disposition are back.  Returns the pid in the parent,
 * or -1 with errno EAGAIN or ENOMEM (fork(2)) or ENOSPC (max handlers
 * already: never after IPCSRV_MSG, whose connection was in hand).
 */
pid_t	ipcsrv_fork(struct ipcsrv *srv, uid_t uid);

/*
 * Closes what is left (the listening socket unless stopped, the signalfd,
 * the kept connections), frees the tables, and gives back the caller's
 * signal mask and SIGCHLD disposition.  Running handlers are not waited
 * for: they are left as children of the process.
 */
void	ipcsrv_free(struct ipcsrv *srv);

#endif /* LIB_IPCSRV_H */
