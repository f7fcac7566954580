/*
 * Unit tests of lib/fsrv: a handler sees its payload and ETH_*, its
 * output is the reply, more than fits is flagged, one past its time is
 * killed, a failing one's status is kept, and fsrv_findprog() searches
 * PATH as execvp(3) does.
 */
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "fsrv.h"
#include "tap.h"

/* Runs prog for one request and waits for it; returns the reaped job. */
static struct fsrv_job *
run(struct fsrv *s, const char *payload)
{
	struct pollfd pfd[4];
	struct fsrv_job *j;
	long long ms;
	int n;

	j = fsrv_slot(s);
	memset(&j->req, 0, sizeof(j->req));
	memcpy(j->req.src, "\x02\x00\x00\x00\x00\x07", 6);
	memset(j->req.dst, 0xff, 6);
	j->req.type = 0x88b5;
	if (fsrv_spawn(s, j, (const uint8_t *)payload, strlen(payload),
	    "veth9") == -1)
		return NULL;
	for (;;) {
		ms = -1;
		n = fsrv_pollfds(s, pfd, &ms);
		(void)poll(pfd, (nfds_t)n, (int)ms);
		if ((j = fsrv_reap(s)) != NULL)
			return j;
	}
}

int
main(void)
{
	static char *echo[] = { "sh", "-c",
	    "printf '%s %s %s %s ' \"$ETH_SRC\" \"$ETH_DST\" \"$ETH_TYPE\" "
	    "\"$ETH_IFACE\"; cat", NULL };
	static char *big[] = { "head", "-c", "3000", "/dev/zero", NULL };
	static char *slow[] = { "sleep", "30", NULL };
	static char *fail[] = { "sh", "-c", "exit 3", NULL };
	static char *gone[] = { "/nonexistent/fdcap-handler", NULL };
	static char *envp[] = { "sh", "-c",
	    "echo ${LISTEN_FDS-none} $ETH_SRC $FSRV_KEPT; ls /proc/self/fd | "
	    "sort -n | tr \"\\n\" \" \"", NULL };
	static const char wantenv[] = "none 02:00:00:00:00:07 yes\n0 1 2 3 ";
	static const char want[] = "02:00:00:00:00:07 ff:ff:ff:ff:ff:ff "
	    "0x88b5 veth9 hello";
	struct fsrv_conf c;
	struct fsrv s;
	struct fsrv_job *j;
	const uint8_t *f;
	size_t len;

	plan(21);
	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof(c));
	c.prog = echo;
	c.jobs = 2;
	c.timeout_s = 1;
	c.maxreply = 1500;
	ok(fsrv_init(&s, &c) == 0, "init");
	is_int(fsrv_running(&s), 0, "nothing running");
	j = run(&s, "hello");
	ok(j != NULL && WIFEXITED(j->status) && WEXITSTATUS(j->status) == 0,
	    "the handler exits 0");
	ok(j->rlen == sizeof(want) - 1 &&
	    memcmp(j->reply + ETH_VLAN_HLEN, want, j->rlen) == 0,
	    "it saw ETH_* and its payload; its output is the reply");
	f = fsrv_reply_frame(j, (const uint8_t *)"\x02\x00\x00\x00\x00\x01",
	    &len);
	ok(memcmp(f, "\x02\x00\x00\x00\x00\x07\x02\x00\x00\x00\x00\x01"
	    "\x88\xb5", 14) == 0, "the reply goes back to the source");
	ok(len == 14 + sizeof(want) - 1 &&
	    memcmp(f + 14, want, sizeof(want) - 1) == 0,
	    "the payload behind it");
	ok(!j->overflow && !j->killed, "neither too long nor killed");
	fsrv_release(j);
	fsrv_free(&s);

	c.prog = big;
	fsrv_init(&s, &c);
	j = run(&s, "");
	ok(j != NULL && j->overflow && j->rlen == 1500,
	    "more than fits: flagged, the rest read away");
	fsrv_release(j);
	fsrv_free(&s);

	c.prog = slow;
	fsrv_init(&s, &c);
	j = run(&s, "");
	ok(j != NULL && j->killed && WIFSIGNALED(j->status) &&
	    WTERMSIG(j->status) == SIGKILL, "past its time: killed");
	fsrv_release(j);
	fsrv_free(&s);

	c.prog = fail;
	fsrv_init(&s, &c);
	j = run(&s, "x");
	ok(j != NULL && WIFEXITED(j->status) && WEXITSTATUS(j->status) == 3,
	    "a failing handler's status is kept");
	is_int(fsrv_running(&s), 1, "running until released");
	fsrv_release(j);
	is_int(fsrv_running(&s), 0, "released");
	fsrv_free(&s);

	/* A program that cannot be run fails the spawn; no process is left. */
	c.prog = gone;
	fsrv_init(&s, &c);
	j = fsrv_slot(&s);
	memset(&j->req, 0, sizeof(j->req));
	errno = 0;
	ok(fsrv_spawn(&s, j, (const uint8_t *)"x", 1, "veth9") == -1 &&
	    errno == ENOENT && fsrv_running(&s) == 0 && waitpid(-1, NULL,
	    WNOHANG) == -1 && errno == ECHILD,
	    "a program not there: ENOENT, the slot free, no child");
	fsrv_free(&s);

	/* The environment: LISTEN_* and old ETH_* left out, the fds too. */
	setenv("LISTEN_FDS", "1", 1);
	setenv("ETH_SRC", "old", 1);
	setenv("FSRV_KEPT", "yes", 1);
	c.prog = envp;
	fsrv_init(&s, &c);
	unsetenv("FSRV_KEPT");
	j = run(&s, "");
	ok(j != NULL && j->rlen == sizeof(wantenv) - 1 &&
	    memcmp(j->reply + ETH_VLAN_HLEN, wantenv, j->rlen) == 0,
	    "no LISTEN_*, ETH_* the request's, the rest as at init, fds 0-2");
	fsrv_release(j);
	fsrv_free(&s);
	unsetenv("LISTEN_FDS");
	unsetenv("ETH_SRC");

	c.jobs = 0;
	ok(fsrv_init(&s, &c) == -1 && errno == EINVAL, "jobs 0: EINVAL");

	is_int(fsrv_findprog("sh"), 0, "sh is found on PATH");
	is_int(fsrv_findprog("/bin/sh"), 0, "a path is taken as it is");
	ok(fsrv_findprog("nosuchprog-fdcap") == -1 && errno == ENOENT,
	    "not on PATH: ENOENT");
	ok(fsrv_findprog("/nonexistent/x") == -1 && errno == ENOENT,
	    "no such path: ENOENT");
	ok(fsrv_findprog("/etc/passwd") == -1 && errno == EACCES,
	    "not executable: EACCES");
	setenv("PATH", "/nonexistent", 1);
	ok(fsrv_findprog("sh") == -1 && errno == ENOENT,
	    "PATH is what is searched");
	return done();
}
