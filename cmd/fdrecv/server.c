/*
 * fdrecv -l: the fd server.  Each connection whose peer passes the rule
 * is kept (lib/ipcsrv: at most -C per uid, -t to send its message); each
 * message is served by a handler of its own, which runs the program with
 * the fds and the sender's credentials (UCSPI).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "fdcap.h"
#include "fdpass.h"
#include "ipcsrv.h"
#include "listenfd.h"
#include "usock.h"

#include "fdrecv.h"

/* Sets IPCREMOTEEUID, IPCREMOTEEGID and IPCREMOTEPID from c, or exits. */
static void
ucspi_setenv(const struct cred_peer *c)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", (unsigned long)c->uid);
	if (setenv("IPCREMOTEEUID", buf, 1) == -1)
		err(EXIT_SYS, "setenv");
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)c->gid);
	if (setenv("IPCREMOTEEGID", buf, 1) == -1)
		err(EXIT_SYS, "setenv");
	snprintf(buf, sizeof(buf), "%ld", (long)c->pid);
	if (setenv("IPCREMOTEPID", buf, 1) == -1)
		err(EXIT_SYS, "setenv");
}


/*
 * Serves the message on s: receives it, forks a handler that runs prog
 * with the fds and the sender's credentials, and closes the fds here.  A
 * bad message or a failure is one line on stderr; the server goes on.
 */
static void
serve(struct server *sv, int s, uid_t uid)
{
	struct cred_peer c;
	int fds[FDPASS_MAX];
	char why[128];
	size_t max = (size_t)(LISTENFD_MAX - sv->handed);
	pid_t pid;
	int n, i;

	if (cred_peer(s, &c) == -1) {
		warn("%s: peer credentials", sv->path);
		return;
	}
	n = fdpass_recv_names(s, fds, max, sv->names, FDPASS_NAMESLEN + 1);
	if (n == -1) {
		if (recv_why(errno, max, "sender", why, sizeof(why)) == -1)
			strlcpy(why, strerror(errno), sizeof(why));
		warnx("%s: peer pid=%ld uid=%lu gid=%lu: %s", sv->path,
		    (long)c.pid, (unsigned long)c.uid, (unsigned long)c.gid,
		    why);
		cred_peer_free(&c);
		return;
	}
	if ((pid = ipcsrv_fork(&sv->srv, uid)) == 0) {
		close(s);
		ucspi_setenv(&c);
		cred_peer_free(&c);
		run(fds, n, sv->handed, sv->names, sv->prog);
	}
	if (pid == -1)
		warn("fork a handler for peer pid=%ld", (long)c.pid);
	for (i = 0; i < n; i++)
		close(fds[i]);
	cred_peer_free(&c);
}

/*
 * A new connection s: kept until its message when its peer passes the
 * rule and the per-uid cap, else closed, with one line on stderr.
 */
static void
admit(struct server *sv, int s)
{
	struct cred_peer c;

	if (cred_peer(s, &c) == -1) {
		warn("peer credentials");
		close(s);
		return;
	}
	if (!peer_allowed(&c, sv->rule, "peer"))
		close(s);
	else if (ipcsrv_keep(&sv->srv, s, c.uid) == -1) {
		/* s is closed. */
		if (errno == EUSERS)
			warnx("peer pid=%ld uid=%lu gid=%lu refused: uid %lu "
			    "has %u %s in hand (-C %u)", (long)c.pid,
			    (unsigned long)c.uid, (unsigned long)c.gid,
			    (unsigned long)c.uid, sv->peruid,
			    sv->peruid == 1 ? "connection" : "connections",
			    sv->peruid);
		else
			warn("keep the connection of peer pid=%ld",
			    (long)c.pid);
	}
	cred_peer_free(&c);
}

/*
 * A kept connection s sent nothing within the timeout: one line naming
 * its peer, and it is closed.
 */
static void
expire(struct server *sv, int s)
{
	struct cred_peer c;
	char t[32];

	if (sv->timeout % 1000 == 0)
		snprintf(t, sizeof(t), "%us", sv->timeout / 1000);
	else
		snprintf(t, sizeof(t), "%ums", sv->timeout);
	if (cred_peer(s, &c) == -1)
		warnx("%s: a peer sent no message within %s: closed",
		    sv->path, t);
	else {
		warnx("%s: peer pid=%ld uid=%lu gid=%lu: no message within "
		    "%s: closed", sv->path, (long)c.pid, (unsigned long)c.uid,
		    (unsigned long)c.gid, t);
		cred_peer_free(&c);
	}
	close(s);
}

/* Says how a handler ended, unless it exited 0. */
static void
report(pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		warnx("handler %ld exited %d", (long)pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		warnx("handler %ld killed by signal %d%s", (long)pid,
		    WTERMSIG(status), WCOREDUMP(status) ? " (core dumped)" : "");
}

/*
 * The fd server: listens on path until SIGHUP, SIGINT or SIGTERM (those
 * not ignored), serving at most max connections at once; then removes
 * the socket file, waits for the handlers, and exits 0.
 */
void
server(struct server *sv, unsigned max)
{
	struct ipcsrv_event ev;
	struct usock_file uf;
	sigset_t stopsigs;
	int l;

	l = listen_on(sv->path, SOMAXCONN, &uf);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGHUP);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	if (ipcsrv_init(&sv->srv, l, max, &stopsigs) == -1) {
		warn("server on %s", sv->path);
		usock_remove(sv->path, &uf);
		exit(EXIT_SYS);
	}
	ipcsrv_set_timeout(&sv->srv, sv->timeout);
	ipcsrv_set_peruid(&sv->srv, sv->peruid);
	for (;;) {
		switch (ipcsrv_wait(&sv->srv, &ev)) {
		case IPCSRV_CONN:
			admit(sv, ev.fd);
			break;
		case IPCSRV_MSG:
			serve(sv, ev.fd, ev.uid);
			close(ev.fd);
			break;
		case IPCSRV_TIMEOUT:
			expire(sv, ev.fd);
			break;
		case IPCSRV_EXIT:
			report(ev.pid, ev.status);
			break;
		case IPCSRV_STOP:
			usock_remove(sv->path, &uf);
			break;
		case IPCSRV_BUSY:
			errno = ev.err;
			warn("accept on %s (waiting for a handler to end)",
			    sv->path);
			break;
		case IPCSRV_DONE:
			exit(0);
		default:
			warn("server on %s", sv->path);
			usock_remove(sv->path, &uf);
			exit(EXIT_SYS);
		}
	}
}
