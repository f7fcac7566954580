/*
 * rawopen: open raw sockets for a caller who may not, drop every
 * privilege, verify the drop, and exec a program that finds the sockets
 * as plain fds (sd_listen_fds(3)).
 *
 * This is fdcap's only privileged program.  Its whole privileged life is
 * main(), read top to bottom: standard fds, argv, threads, capabilities
 * limited, arguments, caller, policy, sockets, drop; then, with no
 * privilege left, filters (libpcap parses the caller's expression only
 * now), confinement and binding, placement, verification, exec.  Nothing
 * from the environment is used while it holds privilege, except
 * SUDO_UID/SUDO_GID when the real uid is 0.
 *
 * What main() calls lives beside it when it is not about the caller and
 * the policy: cmd/rawopen/args.c parses the command line, filters.c
 * compiles the filters in an unprivileged child, open.c opens each socket
 * and device with one capability raised around the call, and confines
 * and relays them after the drop.
 */
#include <sys/capability.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "authlog.h"
#include "eth.h"
#include "fdcap.h"
#include "filter.h"
#include "ids.h"
#include "listenfd.h"
#include "policy.h"
#include "priv.h"
#include "tundev.h"

#include "rawopen/rawopen.h"

#ifdef __SANITIZE_ADDRESS__
#include <sys/auxv.h>
const char *__asan_default_options(void);

/*
 * Sanitizer builds only.  ASan must leave RLIMIT_CORE alone, which the
 * program inherits.  LeakSanitizer cannot inspect a process that started
 * with privilege (it is not dumpable) and fails at exit: leaks are checked
 * when rawopen runs unprivileged, as in most tests.
 */
const char *
__asan_default_options(void)
{
	return getauxval(AT_SECURE) ? "disable_coredump=0:detect_leaks=0" :
	    "disable_coredump=0";
}
#endif

#ifndef RAWOPEN_POLICY
#define RAWOPEN_POLICY	"/usr/local/etc/fdcap/rawopen.conf"
#endif

/*
 * Whom to become.  A caller other than root (uid 0 of the initial user
 * namespace) stays itself; root becomes -u user, else SUDO_UID/SUDO_GID,
 * else stays uid 0.
 */
static void
target(const struct opts *o, struct priv_target *t)
{
	struct passwd *pw;
	const char *s, *errstr;
	uid_t uid;
	gid_t gid;

	priv_target_self(t);
	if (!o->root) {
		if (o->user != NULL)
			errx(EXIT_REFUSED, "refused: -u: only root may choose "
			    "the user");
		return;
	}
	if (o->user != NULL) {
		if (priv_target_user(o->user, t) == -1) {
			if (errno == ENOENT)
				errx(EXIT_USAGE, "-u %s: no such user",
				    o->user);
			err(EXIT_SYS, "-u %s", o->user);
		}
		return;
	}
	if ((s = getenv("SUDO_UID")) == NULL)
		return;
	uid = (uid_t)strtonum(s, 0, IDS_MAX, &errstr);
	if (errstr != NULL)
		errx(EXIT_USAGE, "SUDO_UID=%s: %s", s, errstr);
	if ((s = getenv("SUDO_GID")) != NULL) {
		gid = (gid_t)strtonum(s, 0, IDS_MAX, &errstr);
		if (errstr != NULL)
			errx(EXIT_USAGE, "SUDO_GID=%s: %s", s, errstr);
	} else if ((pw = getpwuid(uid)) != NULL)
		gid = pw->pw_gid;
	else
		errx(EXIT_USAGE, "SUDO_UID=%u names no user, and SUDO_GID "
		    "is unset", (unsigned)uid);
	if (priv_target_ids(uid, gid, t) == -1)
		err(EXIT_SYS, "groups of uid %u", (unsigned)uid);
}

/* The caller, from the kernel. */
static void
who_am_i(struct policy_who *w, gid_t **groups)
{
	int n;

	w->uid = getuid();
	w->gid = getgid();
	if ((n = getgroups(0, NULL)) == -1)
		err(EXIT_SYS, "getgroups");
	if ((*groups = calloc((size_t)n + 1, sizeof(**groups))) == NULL)
		err(EXIT_SYS, NULL);
	if ((n = getgroups(n, *groups)) == -1)
		err(EXIT_SYS, "getgroups");
	w->groups = *groups;
	w->ngroups = (size_t)n;
}

/*
 * The kernel also finds an interface by an alternative name (`ip link
 * property add dev eth0 altname lab0`), which the policy never named: it
 * is matched against the name the interface has, and open_packet() checks
 * that the interface it opens still has it.  A name that matches nothing
 * is left as typed, for the policy to refuse or open_packet() to report.
 */
static void
own_ifname(struct sock *s)
{
	struct eth_if byname, byindex;

	if (eth_if_byname(s->req.iface, &byname) == -1 ||
	    eth_if_byindex(byname.index, &byindex) == -1) {
		if (errno == ENODEV)
			return;
		err(EXIT_SYS, "%s", s->req.iface);
	}
	strlcpy(s->ifname, byindex.name, sizeof(s->ifname));
	s->req.iface = s->ifname;
}

/*
 * --bridge names the bridge by its own name, as the policy does, and not
 * by an alternative name the policy never saw; whether its address is
 * fixed is noted for check_policy(), which refuses a caller who is not root
 * any other bridge (brfixed 0), or a name that is no bridge here (-1).
 */
static void
own_bridge(struct sock *s)
{
	s->brfixed = -1;
	if (tundev_bridge_info(s->req.bridge, s->brname, &s->brfixed) == -1) {
		if (errno == ENODEV || errno == ENOTDIR)
			return;
		err(EXIT_SYS, "--bridge %s", s->req.bridge);
	}
	s->brindex = if_nametoindex(s->brname);
	s->req.bridge = s->brname;
}


/*
 * Whether req, refused, would be granted with a filter of the caller's
 * (a filter=required rule): then the refusal says so, not a rule to add.
 */
static int
needs_filter(const struct policy *p, const struct policy_who *w,
    const struct policy_req *req, struct policy_grant *g)
{
	struct policy_req with = *req;

	if (req->kind != POLICY_PACKET || req->filter)
		return 0;
	with.filter = 1;
	return policy_check(p, w, &with, g);
}

/*
 * One syslog line for the decision (authlog(3) style, as sudo's): who,
 * what was asked, and verdict ("GRANTED=FILE:LINE send=iface, ..." or
 * "REFUSED=why").  A missing syslog is not an error.
 */
static void
audit(const struct opts *o, const struct policy_who *w, const char *verdict,
    int refused)
{
	char what[AUTHLOG_LINE_MAX], one[64], line[AUTHLOG_LINE_MAX];
	struct passwd *pw;
	size_t i, off;

	off = strlcpy(what, "OPEN=", sizeof(what));
	for (i = 0; i < o->nsocks && off < sizeof(what); i++) {
		policy_describe(&o->socks[i].req, one, sizeof(one));
		off += (size_t)snprintf(what + off, sizeof(what) - off, "%s%s",
		    i ? ", " : "", one);
	}
	pw = getpwuid(w->uid);
	if (authlog_format(line, sizeof(line), pw != NULL ? pw->pw_name : NULL,
	    w->uid, what, verdict, o->prog) != -1)
		authlog_send("rawopen", refused ? LOG_WARNING : LOG_NOTICE,
		    line);
}

/* Exits 1 with the refusal on stderr (vwarnx) and in the log. */
static void __attribute__((noreturn, format(printf, 3, 4)))
refuse(const struct opts *o, const struct policy_who *w, const char *fmt,
    ...)
{
	char why[512], verdict[sizeof(why) + 16];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	warnx("refused: %s", why);
	(void)snprintf(verdict, sizeof(verdict), "REFUSED=%s", why);
	if (!o->explain)
		audit(o, w, verdict, 1);
	exit(EXIT_REFUSED);
}

/* What a grant's send= gives the program, for -x. */
static const char *
send_says(const struct sock *s)
{
	if (s->req.kind == POLICY_TAP)
		return "; a new device, up, owned by the caller, gone when "
		    "the last holder closes the fd unless a holder makes it "
		    "persistent (which needs no privilege), and then only the "
		    "caller may attach to it again; on a bridge, frames of any "
		    "source address on the bridge's segment (cap_net_admin is "
		    "raised only to make it)";
	if (s->req.kind != POLICY_PACKET)
		return "";
	switch (s->grant.send) {
	case POLICY_SEND_IFACE:
		return s->grant.spoof ? "; relayed (AF_UNIX SOCK_SEQPACKET, "
		    "one frame per message, send=iface spoof=yes): frames "
		    "go out on this interface only, of a granted ethertype, "
		    "from any source address" :
		    "; relayed (AF_UNIX SOCK_SEQPACKET, one frame per "
		    "message, send=iface): frames go out on this interface "
		    "only, of a granted ethertype, from its own address";
	case POLICY_SEND_NO:
		return "; relayed (AF_UNIX SOCK_SEQPACKET, one frame per "
		    "message, send=no): receive only, every frame written "
		    "is dropped";
	default:
		return "; the AF_PACKET socket itself (send=any): it can "
		    "send any frame on every interface of the network "
		    "namespace, and make any of them promiscuous";
	}
}

/*
 * A caller who is not root gets what the policy grants, all or nothing:
 * the first socket refused ends it with exit 1 and the rule it needs.
 * Root gets everything, each packet socket itself (send=any); with -x -u
 * USER, root is told what USER would get (w is then USER).  The policy is
 * kept: the grants point into it.  Logs the decision (not for -x).
 */
static void
check_policy(struct opts *o, const struct policy_who *w)
{
	struct policy *p;
	struct policy_grant g;
	char why[POLICY_ERRLEN], rule[256], what[64], verdict[1024];
	size_t i, off;

	if (o->root && !(o->explain && o->user != NULL)) {
		for (i = 0; i < o->nsocks; i++) {
			o->socks[i].grant.send = POLICY_SEND_ANY;
			o->socks[i].grant.spoof = 1;
		}
		if (o->explain)
			printf("policy: not consulted: the caller is root\n");
		else
			audit(o, w, "GRANTED=root, policy not consulted", 0);
		return;
	}
	if (o->netns != NULL)
		refuse(o, w, "-N: only root may open sockets in another "
		    "network namespace");
	p = o->policy = policy_load(RAWOPEN_POLICY, why);
	off = strlcpy(verdict, "GRANTED=", sizeof(verdict));
	for (i = 0; i < o->nsocks; i++) {
		struct sock *s = &o->socks[i];

		if (s->req.kind == POLICY_PACKET)
			own_ifname(s);
		else if (s->req.kind == POLICY_TAP && s->req.bridge != NULL)
			own_bridge(s);
		policy_describe(&s->req, what, sizeof(what));
		if (p != NULL && policy_check(p, w, &s->req, &g)) {
			s->grant = g;
			/*
			 * A bridge takes the lowest address of its ports
			 * unless one was set, and the holder of a tap fd
			 * may set the tap's (SIOCSIFHWADDR): the bridge's
			 * own address would be the holder's to choose.
			 */
			if (s->req.kind == POLICY_TAP &&
			    s->req.bridge != NULL && s->brfixed == -1)
				refuse(o, w, "--bridge %s: no bridge of that "
				    "name", s->req.bridge);
			if (s->req.kind == POLICY_TAP &&
			    s->req.bridge != NULL && s->brfixed == 0)
				refuse(o, w, "--bridge %s: the bridge's "
				    "address is not fixed, so a port's holder "
				    "could change it (ip link set %s address "
				    "... fixes it)", s->brname, s->brname);
			if (o->explain)
				printf("policy: %s: granted by %s:%d\n",
				    what, RAWOPEN_POLICY, g.line);
			if (off < sizeof(verdict))
				off += (size_t)snprintf(verdict + off,
				    sizeof(verdict) - off, "%s%s:%d%s", i ?
				    ", " : "", RAWOPEN_POLICY, g.line,
				    s->req.kind != POLICY_PACKET ? "" :
				    g.send == POLICY_SEND_IFACE ? " send=iface" :
				    g.send == POLICY_SEND_NO ? " send=no" :
				    " send=any");
			continue;
		}
		policy_suggest(w, &s->req, rule, sizeof(rule));
		if (p != NULL && needs_filter(p, w, &s->req, &g))
			refuse(o, w, "uid %u may not open %s without a filter "
			    "(%s:%d has filter=required: give one with -F)",
			    (unsigned)w->uid, what, RAWOPEN_POLICY, g.line);
		if (p == NULL)
			refuse(o, w, "%s%s (policy %s unusable; rule needed: "
			    "%s)", o->nsroot ? "uid 0 of a user namespace is "
			    "not root, and " : "", why, RAWOPEN_POLICY, rule);
		refuse(o, w, "uid %u may not open %s (rule needed in %s: %s)",
		    (unsigned)w->uid, what, RAWOPEN_POLICY, rule);
	}
	if (!o->explain)
		audit(o, w, verdict, 0);
}

/* policy_lint()'s reports, one line each. */
static void
lint_report(void *arg, const char *msg)
{
	(void)arg;
	warnx("%s", msg);
}


/*
 * -c: checks the policy file as visudo -c does: every bad line; then, only
 * if there is none (policy_load() takes no file with one), every rule's
 * filter compiled (in a child with no privilege), each error with
 * file:line on stderr.  Exits 0 when the file would be used as it is,
 * 1 otherwise.
 */
static void __attribute__((noreturn))
check_file(const struct priv_target *t)
{
	struct policy *p;
	struct sock_fprog prog;
	const char *expr;
	char why[POLICY_ERRLEN], errbuf[FILTER_ERRLEN];
	size_t i, bad;
	int n, line, nbad = 0;

	if ((n = policy_lint(RAWOPEN_POLICY, lint_report, NULL)) != 0)
		exit(EXIT_REFUSED);
	if ((p = policy_load(RAWOPEN_POLICY, why)) == NULL)
		errx(EXIT_REFUSED, "%s", why);
	for (i = 0; policy_filter_at(p, i, &expr, &line); i++) {
		if (expr == NULL)
			continue;
		if (compile_exprs(&expr, 1, SNAPLEN, drop_for_filters,
		    (void *)t, &prog, &bad, errbuf) == -1) {
			if (errno != EINVAL && errno != EMSGSIZE)
				errx(EXIT_SYS, "filter: %s", errbuf);
			warnx("%s:%d: filter: %s", RAWOPEN_POLICY, line,
			    errbuf);
			nbad++;
		}
		filter_free(&prog);
	}
	policy_free(p);
	if (nbad > 0)
		exit(EXIT_REFUSED);
	printf("%s: %zu rule%s, OK\n", RAWOPEN_POLICY, i, i == 1 ? "" : "s");
	exit(0);
}

/* Drops to t and checks it; any failure exits 111 without exec. */
static void
drop(const struct priv_target *t)
{
	const char *what;

	if (priv_drop(t, &what) == -1)
		err(EXIT_SYS, "drop privileges: %s", what);
}

static void
verify(const struct priv_target *t)
{
	const char *what;

	if (priv_verify(t, &what) == -1)
		err(EXIT_SYS, "verify the drop: %s", what);
}

/*
 * -x: what would be opened, and the capability sets before and after the
 * drop (the drop is done for real, in a child).
 */
static void
explain(struct opts *o, const struct priv_target *t, const char *before)
{
	char what[64], caps[1024];
	const char *check;
	struct eth_if ifc;
	size_t i;
	pid_t pid;
	int st;

	/*
	 * What the real run would fail on, it fails on here, alike: an
	 * interface, or a /dev/net/tun the caller may not open (opened and
	 * closed, attached to nothing: no device is made).
	 */
	for (i = 0; i < o->nsocks; i++)
		if (o->socks[i].req.kind == POLICY_PACKET && o->netns == NULL) {
			find_iface(o->socks[i].req.iface, &ifc);
			ethernet_only(&o->socks[i], &ifc);
		} else if (o->socks[i].req.kind == POLICY_TAP)
			close(open_tundev(&o->socks[i]));
	for (i = 0; i < o->nsocks; i++) {
		policy_describe(&o->socks[i].req, what, sizeof(what));
		printf("open: fd %d: %s%s%s%s%s\n", o->ofd != 0 ? o->ofd :
		    LISTENFD_START + (int)i, what,
		    o->socks[i].req.kind == POLICY_PACKET ? ", filter locked" :
		    "", o->netns != NULL ? ", in netns " : "",
		    o->netns != NULL ? o->netns : "", send_says(&o->socks[i]));
	}
	printf("run as: uid %u gid %u\n", (unsigned)t->uid, (unsigned)t->gid);
	printf("capabilities before: %s\n", before);
	fflush(stdout);
	if ((pid = fork()) == -1)
		err(EXIT_SYS, "fork");
	if (pid == 0) {
		if (priv_drop(t, &check) == -1 ||
		    priv_describe(NULL, caps, sizeof(caps)) == -1 ||
		    priv_verify(t, &check) == -1)
			err(EXIT_SYS, "drop: %s", check != NULL ? check : "describe");
		printf("capabilities after: %s\n", caps);
		printf("verified: ids, capabilities, ambient, no_new_privs, "
		    "canary socket refused\n");
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == -1)
		err(EXIT_SYS, "waitpid");
	if (!WIFEXITED(st))
		exit(EXIT_SYS);
	if (WEXITSTATUS(st) != 0)
		exit(WEXITSTATUS(st));
	/* As in the real run: compiled by a child with no privilege. */
	compile_filters(o, t);
	for (i = 0; i < o->nsocks; i++)
		if (o->socks[i].inner.len > 0)
			printf("filter: fd %d: %u instructions\n", o->ofd != 0 ?
			    o->ofd : LISTENFD_START + (int)i,
			    o->socks[i].inner.len);
}

/* Closes every fd above 2 that is not one of the n placed from first. */
static void
close_others(int first, size_t n)
{
	int fd;

	for (fd = LISTENFD_START; fd < first; fd++)
		close(fd);
	listenfd_closefrom(first + (int)n);
}

/* Places the sockets at 3... (or -o), closes everything else above 2. */
static void
handover(struct opts *o)
{
	int fds[MAXSOCKS], first, fd;
	size_t i, off = 0;
	char names[MAXSOCKS * 33];

	for (i = 0; i < o->nsocks; i++)
		fds[i] = o->socks[i].fd;
	first = o->ofd != 0 ? o->ofd : LISTENFD_START;
	/* Move out of the way anything sitting below the first target. */
	for (fd = LISTENFD_START; fd < first; fd++) {
		for (i = 0; i < o->nsocks && fds[i] != fd; i++)
			;
		if (i == o->nsocks)
			close(fd);
	}
	if (listenfd_place(fds, o->nsocks, first) == -1)
		err(EXIT_SYS, "place the sockets");
	close_others(first, o->nsocks);
	if (o->ofd != 0) {
		listenfd_unsetenv();
		return;
	}
	names[0] = '\0';
	for (i = 0; i < o->nsocks; i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off,
		    "%s%s", i ? ":" : "", o->socks[i].name);
	if (listenfd_setenv(o->nsocks, o->names != NULL ? o->names : names)
	    == -1)
		err(EXIT_SYS, "setenv");
}

int
main(int argc, char **argv)
{
	/*
	 * A caller who is not root keeps only the first three: the sockets'
	 * two, and CAP_SETPCAP (setuid installs) to empty the bounding set;
	 * and the fourth, CAP_NET_ADMIN, only when it asks for a device.
	 */
	static const cap_value_t keep[] = { CAP_NET_RAW, CAP_NET_BIND_SERVICE,
	    CAP_SETPCAP, CAP_NET_ADMIN, CAP_SETUID, CAP_SETGID, CAP_SYS_ADMIN };
	struct opts o;
	struct policy_who who;
	struct priv_target t;
	gid_t *groups;
	char before[1024];
	cap_t start;
	size_t i;
	int n;

	/* Nothing may be opened onto 0, 1 or 2 by accident. */
	if (priv_stdfds() == -1)
		_exit(EXIT_SYS);
	program_invocation_name = program_invocation_short_name =
	    (char *)"rawopen";
	if (argc < 1 || argv[0] == NULL || argv[0][0] == '\0')
		errx(EXIT_USAGE, "refused: empty argument vector");
	if ((n = priv_threads()) != 1)
		errx(EXIT_SYS, "must start single-threaded (%d threads%s%s)",
		    n, n == -1 ? ": " : "", n == -1 ? strerror(errno) : "");
	/* Kept for -x; the rest of what it says is told when it is asked. */
	if ((start = cap_get_proc()) == NULL)
		err(EXIT_SYS, "capabilities");
	/* From here on only these are permitted, and none is effective. */
	if (priv_limit(keep, sizeof(keep) / sizeof(keep[0])) == -1)
		err(EXIT_SYS, "limit capabilities");

	memset(&o, 0, sizeof(o));
	o.conf = RAWOPEN_POLICY;
	parse_args(argc, argv, &o);
	who_am_i(&who, &groups);
	/*
	 * Root is unrestricted only in the initial user namespace: uid 0 of
	 * a namespace a user made is that user, and the policy applies.
	 */
	if (who.uid == 0 && (n = priv_init_userns()) != 1) {
		if (n == -1)
			err(EXIT_SYS, "/proc/self/uid_map");
		o.nsroot = 1;
	} else
		o.root = who.uid == 0;
	/*
	 * Known not to be root.  Started setuid root, it becomes the caller
	 * first (keeping its capabilities), so that every socket it makes
	 * belongs to the caller, never to root; then the other three go,
	 * before the policy is read.
	 */
	if (!o.root && priv_become_real() == -1)
		err(EXIT_SYS, "become uid %u", (unsigned)who.uid);
	if (!o.root && priv_limit(keep, o.taps > 0 ? 4 : 3) == -1)
		err(EXIT_SYS, "limit capabilities");
	target(&o, &t);
	o.owner = t.uid;
	if (o.check)
		check_file(&t);
	/* -x -u USER: root asks what USER would be granted. */
	if (o.root && o.explain && o.user != NULL) {
		who.uid = t.uid;
		who.gid = t.gid;
		who.groups = t.groups;
		who.ngroups = t.ngroups;
	}
	o.who = &who;
	check_policy(&o, &who);
	if (o.explain) {
		if (priv_describe(start, before, sizeof(before)) == -1)
			err(EXIT_SYS, "capabilities");
		cap_free(start);
		explain(&o, &t, before);
		exit(0);
	}
	cap_free(start);
	/* libpcap runs now, in a child with nothing: no socket exists yet. */
	compile_filters(&o, &t);
	open_all(&o);

	drop(&t);
	for (i = 0; i < o.nsocks; i++)
		if (o.socks[i].req.kind == POLICY_PACKET)
			setup_packet(&o, &o.socks[i]);
	verify(&t);
	for (i = 0; i < o.nsocks; i++)
		if (o.socks[i].req.kind == POLICY_PACKET &&
		    o.socks[i].grant.send != POLICY_SEND_ANY)
			start_relay(&o.socks[i]);
	handover(&o);
	/* Once more: nothing opened since (by libc) goes along. */
	close_others(o.ofd != 0 ? o.ofd : LISTENFD_START, o.nsocks);
	execvp(o.prog[0], o.prog);
	err(EXIT_EXECERR(errno), "%s", o.prog[0]);
}
