/*
 * fsrv: a frame server's handlers.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "fsrv.h"
#include "timeutil.h"

/*
 * The handlers' environment: a copy of environ less what names the
 * caller's fds (LISTEN_*) and the request (ETH_*), then four slots for
 * the request's.
 */
static int
fsrv_env(struct fsrv *s)
{
	static const char *const drop[] = { "LISTEN_FDS=", "LISTEN_PID=",
	    "LISTEN_FDNAMES=", "ETH_SRC=", "ETH_DST=", "ETH_TYPE=",
	    "ETH_IFACE=" };
	size_t i, k, n = 0;

	while (environ[n] != NULL)
		n++;
	if ((s->env = calloc(n + 5, sizeof(*s->env))) == NULL)
		return -1;
	for (i = n = 0; environ[i] != NULL; i++) {
		for (k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
			if (strncmp(environ[i], drop[k], strlen(drop[k])) == 0)
				break;
		if (k < sizeof(drop) / sizeof(drop[0]))
			continue;
		if ((s->env[n] = strdup(environ[i])) == NULL)
			return -1;	/* fsrv_free() frees the copies */
		s->nenv = ++n;
	}
	for (k = 0; k < 4; k++)
		s->env[n++] = s->eth[k];
	s->env[n] = NULL;
	return 0;
}

int
fsrv_init(struct fsrv *s, const struct fsrv_conf *c)
{
	int i;

	memset(s, 0, sizeof(*s));
	if (c->jobs < 1 || c->timeout_s < 1 || c->prog == NULL ||
	    c->prog[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	s->conf = *c;
	if ((s->job = calloc((size_t)c->jobs, sizeof(*s->job))) == NULL ||
	    fsrv_env(s) == -1) {
		fsrv_free(s);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < c->jobs; i++) {
		s->job[i].out = s->job[i].pidfd = -1;
		if ((s->job[i].reply = malloc(c->maxreply + ETH_VLAN_HLEN +
		    ETH_ZLEN_)) == NULL) {
			fsrv_free(s);
			errno = ENOMEM;
			return -1;
		}
	}
	return 0;
}

/* Whether path is a regular file we may execute: 0, or -1 with errno. */
static int
fsrv_runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int
fsrv_findprog(const char *prog)
{
	const char *path, *p, *end;
	char buf[PATH_MAX];
	int denied = 0;
	size_t n;

	if (*prog == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strchr(prog, '/') != NULL) {
		if (fsrv_runnable(prog) == 0)
			return 0;
		if (errno != EACCES)
			errno = ENOENT;
		return -1;
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/bin:/usr/bin";
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		n = (size_t)(end - p);
		/* An empty element is the current directory. */
		if (snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, p,
		    n > 0 ? "/" : "", prog) < (int)sizeof(buf)) {
			if (fsrv_runnable(buf) == 0)
				return 0;
			if (errno == EACCES)
				denied = 1;
		}
		if (*end == '\0')
			break;
	}
	errno = denied ? EACCES : ENOENT;
	return -1;
}

struct fsrv_job *
fsrv_slot(struct fsrv *s)
{
	int i;

	for (i = 0; i < s->conf.jobs; i++)
		if (s->job[i].pid == 0)
			return &s->job[i];
	return NULL;
}

int
fsrv_running(const struct fsrv *s)
{
	int i, n = 0;

	for (i = 0; i < s->conf.jobs; i++)
		if (s->job[i].pid != 0)
			n++;
	return n;
}

/*
 * Starts the program with in as its stdin, out as its stdout, fds 0-2
 * only, in its own process group, with conf's mask and SIGPIPE, in
 * s->env.  Returns 0 with *pid, or posix_spawnp(3)'s error number.
 */
static int
fsrv_start(const struct fsrv *s, int in, int out, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF;
	int e;

	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return e;
	if ((e = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return e;
	}
	if ((e = posix_spawn_file_actions_adddup2(&fa, in, 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, out, 1)) != 0)
		goto out;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	/* Elsewhere the fds it must not have are all close-on-exec. */
	if ((e = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0)
		goto out;
#endif
	sigemptyset(&def);
	if (s->conf.childpipe == NULL ||
	    s->conf.childpipe->sa_handler != SIG_IGN)
		sigaddset(&def, SIGPIPE);
	(void)posix_spawnattr_setsigdefault(&attr, &def);
	(void)posix_spawnattr_setpgroup(&attr, 0);
	if (s->conf.childmask != NULL) {
		flags |= POSIX_SPAWN_SETSIGMASK;
		(void)posix_spawnattr_setsigmask(&attr, s->conf.childmask);
	}
	(void)posix_spawnattr_setflags(&attr, flags);
	e = posix_spawnp(pid, s->conf.prog[0], &fa, &attr, s->conf.prog,
	    s->env);
out:
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return e;
}

int
fsrv_spawn(struct fsrv *s, struct fsrv_job *j, const uint8_t *payload,
    size_t plen, const char *ifname)
{
	char src[ETH_MACSTRLEN], dst[ETH_MACSTRLEN];
	int in[2], out[2], saved, pidfd, e;
	ssize_t n;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1) {
		saved = errno;
		close(in[0]);
		close(in[1]);
		errno = saved;
		return -1;
	}
	/*
	 * The payload goes in before there is a reader: the pipe must hold
	 * it whole.  It is grown when needed, and the write does not block,
	 * so a pipe that could not grow (past pipe-user-pages-soft a new
	 * pipe has two pages) fails the frame instead of hanging.
	 */
	if (plen > 65536)
		(void)fcntl(in[1], F_SETPIPE_SZ, (int)plen);
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) == -1)
		goto fail;
	if (plen > 0 && (n = write(in[1], payload, plen)) != (ssize_t)plen) {
		if (n >= 0 || errno == EAGAIN)
			errno = EMSGSIZE;
		goto fail;
	}
	eth_format_mac(j->req.src, src);
	eth_format_mac(j->req.dst, dst);
	snprintf(s->eth[0], sizeof(s->eth[0]), "ETH_SRC=%s", src);
	snprintf(s->eth[1], sizeof(s->eth[1]), "ETH_DST=%s", dst);
	snprintf(s->eth[2], sizeof(s->eth[2]), "ETH_TYPE=0x%04x",
	    j->req.type);
	snprintf(s->eth[3], sizeof(s->eth[3]), "ETH_IFACE=%s", ifname);
	if ((e = fsrv_start(s, in[0], out[1], &pid)) != 0) {
		errno = e;
		goto fail;
	}
	close(in[0]);
	close(in[1]);
	close(out[1]);
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		saved = errno;
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		close(out[0]);
		errno = saved;
		return -1;
	}
	(void)fcntl(pidfd, F_SETFD, FD_CLOEXEC);
	j->pid = pid;
	j->pidfd = pidfd;
	j->out = out[0];
	j->rlen = 0;
	j->overflow = j->killed = j->exited = 0;
	j->status = 0;
	ts_now(&j->deadline);
	ts_add(&j->deadline, ts_from_ms((long long)s->conf.timeout_s *
	    MSEC_PER_SEC));
	return 0;
fail:
	saved = errno;
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	errno = saved;
	return -1;
}

int
fsrv_pollfds(const struct fsrv *s, struct pollfd *pfd, long long *ms)
{
	const struct fsrv_job *j;
	int i, n = 0;

	for (i = 0; i < s->conf.jobs; i++) {
		j = &s->job[i];
		if (j->pid == 0 || j->exited)
			continue;
		if (!j->killed)
			*ms = ts_ms_sooner(*ms, &j->deadline);
		pfd[n].fd = j->pidfd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
		pfd[n].fd = j->out;	/* -1 is ignored by poll */
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

/* Reads what a handler has written so far; more than fits is counted. */
static void
fsrv_drain(const struct fsrv *s, struct fsrv_job *j)
{
	uint8_t sink[4096];
	size_t room;
	ssize_t n;

	while (j->out != -1) {
		room = s->conf.maxreply - j->rlen;
		if (room > 0)
			n = read(j->out, j->reply + ETH_VLAN_HLEN + j->rlen,
			    room);
		else
			n = read(j->out, sink, sizeof(sink));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(j->out);
			j->out = -1;
			return;
		}
		if (room > 0)
			j->rlen += (size_t)n;
		else
			j->overflow = 1;
	}
}

struct fsrv_job *
fsrv_reap(struct fsrv *s)
{
	struct fsrv_job *j;
	struct pollfd p;
	int i;

	for (i = 0; i < s->conf.jobs; i++) {
		j = &s->job[i];
		if (j->pid == 0 || j->exited)
			continue;
		fsrv_drain(s, j);
		if (!j->killed && ts_ms_until(&j->deadline) == 0) {
			j->killed = 1;
			(void)kill(-j->pid, SIGKILL);
			(void)kill(j->pid, SIGKILL);
		}
		p.fd = j->pidfd;
		p.events = POLLIN;
		if (poll(&p, 1, 0) != 1)
			continue;
		if (waitpid(j->pid, &j->status, WNOHANG) != j->pid)
			continue;
		fsrv_drain(s, j);
		if (j->out != -1)
			close(j->out);
		close(j->pidfd);
		j->out = j->pidfd = -1;
		j->exited = 1;
		return j;
	}
	return NULL;
}

void
fsrv_release(struct fsrv_job *j)
{
	j->pid = 0;
	j->exited = 0;
}

void
fsrv_kill(struct fsrv *s, int sig)
{
	int i;

	for (i = 0; i < s->conf.jobs; i++)
		if (s->job[i].pid != 0 && !s->job[i].exited)
			(void)kill(-s->job[i].pid, sig);
}

const uint8_t *
fsrv_reply_frame(struct fsrv_job *j, const uint8_t *mac, size_t *len)
{
	struct eth_hdr h;
	size_t n;
	int hl;

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, j->req.src, ETH_ALEN_);
	memcpy(h.src, mac, ETH_ALEN_);
	h.type = j->req.type;
	h.tagged = j->req.tagged;
	h.tpid = j->req.tpid;
	h.tci = j->req.tci;
	/* The payload sits at ETH_VLAN_HLEN: move it up behind the header. */
	hl = eth_encode(j->reply, ETH_VLAN_HLEN, &h);
	if (hl != ETH_VLAN_HLEN)
		memmove(j->reply + hl, j->reply + ETH_VLAN_HLEN, j->rlen);
	n = (size_t)hl + j->rlen;
	if (n < ETH_ZLEN_) {
		memset(j->reply + n, 0, ETH_ZLEN_ - n);
		n = ETH_ZLEN_;
	}
	*len = n;
	return j->reply;
}

void
fsrv_free(struct fsrv *s)
{
	int i;

	for (i = 0; s->job != NULL && i < s->conf.jobs; i++)
		free(s->job[i].reply);
	free(s->job);
	s->job = NULL;
	for (i = 0; s->env != NULL && (size_t)i < s->nenv; i++)
		free(s->env[i]);
	free(s->env);
	s->env = NULL;
}
