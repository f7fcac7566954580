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
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "authlog.h"
#include "cli.h"
#include "eth.h"
#include "fdcap.h"
#include "filter.h"
#include "filterproc.h"
#include "ids.h"
#include "inetsock.h"
#include "listenfd.h"
#include "policy.h"
#include "priv.h"
#include "rawsock.h"
#include "relay.h"
#include "tundev.h"

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
};

#define USAGE \
	"usage: rawopen [-Lpx] [-F filter] [-j n[:mode]] [-N netns] [-n name]\n" \
	"               [-o fd] [-u user]\n" \
	"               [--ip proto] [--ip6 proto] [--tcp [addr:]port] " \
	"[--udp [addr:]port]\n" \
	"               [--tap name] [--tun name] [--bridge bridge]\n" \
	"               [iface ethertype ...] -- prog [arg ...]\n" \
	"       rawopen -c\n"

static void __attribute__((noreturn))
usage(void)
{
	fputs(USAGE, stderr);
	exit(EXIT_USAGE);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usagex(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

static struct sock *
newsock(struct opts *o, enum policy_kind kind)
{
	struct sock *s;

	if (o->nsocks == MAXSOCKS)
		usagex("too many sockets (at most %d)", MAXSOCKS);
	s = &o->socks[o->nsocks++];
	memset(s, 0, sizeof(*s));
	s->req.kind = kind;
	s->fd = -1;
	return s;
}

/* One socket for the pair, or -j of them, members of one fanout group. */
static void
add_packet(struct opts *o, const char *iface, const char *type)
{
	struct sock *s;
	uint16_t t;
	unsigned i;

	if (eth_ifname_check(iface) == -1)
		usagex("%s: bad interface name", iface);
	if (eth_parse_type(type, &t) == -1)
		usagex("%s: bad ethertype", type);
	for (i = 0; i < (o->jobs > 1 ? o->jobs : 1); i++) {
		s = newsock(o, POLICY_PACKET);
		s->req.ethertype = t;
		s->req.iface = iface;
		s->req.fanout = o->jobs > 1 ? o->jobs : 0;
		s->pair = o->npairs;
		strlcpy(s->name, iface, sizeof(s->name));
	}
	o->npairs++;
}

/* -j N[:MODE] */
static void
parse_jobs(struct opts *o, const char *arg)
{
	const char *colon = strchr(arg, ':'), *errstr = "too large";
	char num[16];
	size_t len = colon != NULL ? (size_t)(colon - arg) : strlen(arg);

	/* The count alone, never cut short: "000...2:lb" is not "000...". */
	if (len < sizeof(num)) {
		memcpy(num, arg, len);
		num[len] = '\0';
		o->jobs = (unsigned)strtonum(num, 1, MAXSOCKS, &errstr);
	}
	if (errstr != NULL)
		usagex("-j %s: sockets per pair is %s (1 to %d)", arg, errstr,
		    MAXSOCKS);
	if (rawsock_fanout_mode(colon != NULL ? colon + 1 : "hash",
	    &o->fanmode) == -1)
		usagex("-j %s: the mode is hash, lb, cpu, qm or rollover",
		    arg);
}

static void
add_ip(struct opts *o, const char *arg, int ip6)
{
	struct sock *s = newsock(o, POLICY_IP);

	if (inetsock_proto(arg, &s->req.proto) == -1)
		usagex("%s: bad IP protocol", arg);
	s->req.ip6 = ip6;
	policy_ipname(&s->req, s->name, sizeof(s->name));
}

static void
add_port(struct opts *o, const char *arg, int proto)
{
	struct sock *s = newsock(o, POLICY_PORT);

	if (inetsock_parse(arg, &s->ss, &s->sslen) == -1)
		usagex("%s: bad [address:]port", arg);
	s->req.proto = proto;
	s->req.ip6 = s->ss.ss_family == AF_INET6;
	s->req.port = inetsock_port(&s->ss);
	s->req.addr = (const struct sockaddr *)&s->ss;
	s->req.addrlen = s->sslen;
	snprintf(s->name, sizeof(s->name), "%s-%u",
	    proto == IPPROTO_TCP ? "tcp" : "udp", s->req.port);
}

static void
add_tap(struct opts *o, const char *arg, int mode)
{
	struct sock *s;

	if (tundev_name_check(arg) == -1)
		usagex("%s: bad device name", arg);
	s = newsock(o, POLICY_TAP);
	strlcpy(s->tapname, arg, sizeof(s->tapname));
	s->req.tapname = s->tapname;
	s->req.tapmode = mode;
	strlcpy(s->name, arg, sizeof(s->name));
	o->taps++;
}

/* --bridge: for the --tap or --tun just before it. */
static void
add_bridge(struct opts *o, const char *arg)
{
	struct sock *s = o->nsocks > 0 ? &o->socks[o->nsocks - 1] : NULL;

	if (s == NULL || s->req.kind != POLICY_TAP)
		usagex("--bridge %s: give it after --tap or --tun", arg);
	if (s->req.bridge != NULL)
		usagex("--bridge %s: one bridge for each device", arg);
	if (eth_ifname_check(arg) == -1)
		usagex("%s: bad bridge name", arg);
	s->req.bridge = arg;
}

/* Checks -n: one name per socket, each a valid fd name. */
static void
check_names(const struct opts *o)
{
	char why[64];

	if (listenfd_names_check(o->names, o->nsocks, why, sizeof(why)) == -1)
		usagex("-n: %s", why);
}

/* Parses the whole command line into o; any error exits 100. */
static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "ip", required_argument, NULL, OPT_IP },
		{ "ip6", required_argument, NULL, OPT_IP6 },
		{ "tcp", required_argument, NULL, OPT_TCP },
		{ "udp", required_argument, NULL, OPT_UDP },
		{ "tap", required_argument, NULL, OPT_TAP },
		{ "tun", required_argument, NULL, OPT_TUN },
		{ "bridge", required_argument, NULL, OPT_BRIDGE },
		CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char *last = NULL;
	struct cli_args a;
	struct cli_err e;
	long long n;
	int ch, i;

	while ((ch = getopt_long(argc, argv, "+cF:j:LN:n:o:pu:x", longopts,
	    NULL)) != -1) {
		last = optarg;
		switch (ch) {
		case 'c':
			o->check = 1;
			break;
		case 'F':
			o->filter = optarg;
			break;
		case 'j':
			parse_jobs(o, optarg);
			break;
		case 'L':
			o->outgoing = 1;
			break;
		case 'N':
			o->netns = optarg;
			break;
		case 'n':
			o->names = optarg;
			break;
		case 'o':
			if (cli_number("-o", optarg, 3, MAXFD, &n, &e) == -1)
				cli_exit(&e);
			o->ofd = (int)n;
			break;
		case 'p':
			o->promisc = 1;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'x':
			o->explain = 1;
			break;
		case OPT_IP:
		case OPT_IP6:
			add_ip(o, optarg, ch == OPT_IP6);
			break;
		case OPT_TCP:
		case OPT_UDP:
			add_port(o, optarg, ch == OPT_TCP ? IPPROTO_TCP :
			    IPPROTO_UDP);
			break;
		case OPT_TAP:
		case OPT_TUN:
			add_tap(o, optarg, ch == OPT_TAP ? POLICY_MODE_TAP :
			    POLICY_MODE_TUN);
			break;
		case OPT_BRIDGE:
			add_bridge(o, optarg);
			break;
		case CLI_OPT_HELP:
			cli_help(USAGE);
		case CLI_OPT_VERSION:
			cli_version_exit();
		default:
			usage();
		}
	}
	if (o->check) {
		/* -c checks the policy file, and takes nothing else. */
		if (argc != 2)
			usage();
		return;
	}
	if (optind == argc)
		usage();
	/* -x explains without a program; the "--" is still asked for. */
	if (cli_split(argc, argv, optind, last, CLI_PROG_REQUIRED, &a, &e) ==
	    -1 && !(o->explain && strcmp(argv[argc - 1], "--") == 0 &&
	    cli_split(argc - 1, argv, optind, last, CLI_PROG_NONE, &a,
	    &e) == 0))
		cli_exit(&e);
	for (i = 0; i < a.nops; i += 2) {
		if (i + 1 >= a.nops)
			usagex("%s: interface without an ethertype", a.ops[i]);
		add_packet(o, a.ops[i], a.ops[i + 1]);
	}
	o->prog = a.prog != NULL ? a.prog : argv + argc;
	if (o->nsocks == 0)
		usagex("nothing to open");
	if (o->ofd != 0 && o->nsocks != 1)
		usagex("-o places one socket, not %zu", o->nsocks);
	if (o->ofd != 0 && o->names != NULL)
		usagex("-n names sockets in LISTEN_FDNAMES, which -o unsets");
	if (o->names != NULL)
		check_names(o);
	for (i = 0; (size_t)i < o->nsocks; i++)
		if (o->socks[i].req.kind == POLICY_PACKET) {
			o->socks[i].req.promisc = o->promisc;
			o->socks[i].req.outgoing = o->outgoing;
			/* An empty -F admits everything: no filter. */
			o->socks[i].req.filter = o->filter != NULL &&
			    o->filter[strspn(o->filter, " \t\n\r\f\v")] != '\0';
		}
	if (o->netns != NULL && (o->netns[0] == '\0' ||
	    (strchr(o->netns, '/') == NULL && (strcmp(o->netns, ".") == 0 ||
	    strcmp(o->netns, "..") == 0))))
		usagex("-N %s: bad namespace name", o->netns);
}

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
 * Just before the device joins it: the bridge still has the index and the
 * fixed address check_policy() saw (a bridge of that name could have been
 * made anew since, while a child of the caller's ran).  Exits 1 if not.
 */
static void
same_bridge(const struct sock *s)
{
	char own[IF_NAMESIZE];
	int fixed = 0;

	if (tundev_bridge_info(s->brname, own, &fixed) == -1 ||
	    strcmp(own, s->brname) != 0 || fixed != 1 ||
	    if_nametoindex(own) != s->brindex)
		errx(EXIT_REFUSED, "refused: --bridge %s: not the bridge "
		    "that was checked, or its address is no longer fixed",
		    s->brname);
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

/* The filter child's drop: arg is the target. */
static int
drop_for_filters(void *arg, const char **what)
{
	return priv_drop(arg, what);
}

/*
 * Compiles exprs[0..n-1] in filterproc's child, which drops to the
 * target (arg) first and ends here with the status its work says: lib/
 * never ends a process.  As filterproc_finish(), pipe(2) and fork(2)
 * failures too.
 */
static int
compile(const char *const *exprs, size_t n, unsigned snaplen,
    filterproc_drop_fn drop, void *arg, struct sock_fprog *progs,
    size_t *bad, char errbuf[FILTER_ERRLEN])
{
	struct filterproc fp;
	size_t i;
	pid_t pid;
	int status, e;

	if ((pid = filterproc_start(&fp, exprs, n, snaplen, drop, arg,
	    &status)) == 0)
		_exit(status);
	if (pid != -1)
		return filterproc_finish(&fp, exprs, n, progs, bad, errbuf);
	e = errno;
	for (i = 0; i < n; i++) {
		progs[i].len = 0;
		progs[i].filter = NULL;
	}
	*bad = n;
	snprintf(errbuf, FILTER_ERRLEN, "%s", strerror(e));
	errno = e;
	return -1;
}

/*
 * -c: checks the policy file as visudo -c does: every bad line, then every
 * rule's filter compiled (in a child with no privilege), each error with
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
		if (compile(&expr, 1, SNAPLEN, drop_for_filters,
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

/*
 * Compiles the filter of each packet socket, before any socket exists,
 * in a child that has dropped every privilege (filterproc): libpcap never
 * runs beside privilege or a socket.  The rule's filter= and -F are
 * compiled each on its own, then chained (filter_and) when both are
 * given, so that no text of the caller's can change what the rule's
 * means.  A bad rule filter is a policy error naming file:line.  The
 * confining prefix is added per socket once its interface is known.
 */
static void
compile_filters(struct opts *o, const struct priv_target *t)
{
	const char *exprs[MAXSOCKS + 1];
	struct sock_fprog progs[MAXSOCKS + 1], *caller = &progs[0];
	char errbuf[FILTER_ERRLEN];
	size_t i, bad, n = 0;

	memset(exprs, 0, sizeof(exprs));
	for (i = 0; i < o->nsocks; i++) {
		struct sock *s = &o->socks[i];

		if (s->req.kind != POLICY_PACKET)
			continue;
		if (s->req.filter)
			exprs[0] = o->filter;
		exprs[i + 1] = s->grant.filter;
		if (exprs[0] != NULL || exprs[i + 1] != NULL)
			n = o->nsocks + 1;
	}
	if (n == 0)
		return;
	if (compile(exprs, n, SNAPLEN, drop_for_filters,
	    (void *)t, progs, &bad, errbuf) == -1) {
		if (errno != EINVAL && errno != EMSGSIZE)
			errx(EXIT_SYS, "filter: %s", errbuf);
		if (bad == 0)
			errx(EXIT_USAGE, "-F: %s", errbuf);
		errx(EXIT_REFUSED, "refused: %s:%d: filter of the rule for "
		    "%s: %s", RAWOPEN_POLICY, o->socks[bad - 1].grant.line,
		    o->socks[bad - 1].name, errbuf);
	}
	for (i = 0; i < o->nsocks; i++) {
		struct sock *s = &o->socks[i];
		struct sock_fprog *rule = &progs[i + 1];

		if (rule->len == 0) {
			if (caller->len == 0 || s->req.kind != POLICY_PACKET)
				continue;
			if (caller->len > BPF_MAXINSNS - FILTER_CONFINE_MAX)
				errx(EXIT_USAGE, "-F: too long: %u "
				    "instructions, at most %d", caller->len,
				    BPF_MAXINSNS - FILTER_CONFINE_MAX);
			if ((s->inner.filter = calloc(caller->len,
			    sizeof(*caller->filter))) == NULL)
				err(EXIT_SYS, "filter");
			memcpy(s->inner.filter, caller->filter,
			    caller->len * sizeof(*caller->filter));
			s->inner.len = caller->len;
			continue;
		}
		if (caller->len == 0) {
			s->inner = *rule;
			continue;
		}
		if (filter_and(rule, caller, &s->inner) == -1) {
			if (errno == EINVAL)
				errx(EXIT_USAGE, "-F: the rule's filter for "
				    "%s and -F together are too long", s->name);
			err(EXIT_SYS, "filter");
		}
		filter_free(rule);
	}
	filter_free(caller);
}

/* The message for a capability that could not be raised. */
static void __attribute__((noreturn))
nocap(const char *what, const char *cap)
{
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		errx(EXIT_SYS, "%s: no %s: no_new_privs is set, so rawopen "
		    "was started without its capabilities", what, cap);
	errx(EXIT_SYS, "%s: no %s: rawopen is not installed with it "
	    "(make install-caps)", what, cap);
}

/* Raises cap around one call; exits when it cannot be raised or lowered. */
static void
raise_cap(cap_value_t cap, const char *what, const char *name)
{
	if (priv_raise(cap) == -1) {
		if (errno == EPERM)
			nocap(what, name);
		err(EXIT_SYS, "%s: raise %s", what, name);
	}
}

static void
lower_cap(cap_value_t cap, const char *name)
{
	if (priv_lower(cap) == -1)
		err(EXIT_SYS, "lower %s", name);
}

/* Looks the interface name up, or exits saying why. */
static void
find_iface(const char *name, struct eth_if *ifc)
{
	if (eth_if_byname(name, ifc) == -1) {
		if (errno == ENODEV)
			errx(EXIT_SYS, "%s: no such interface", name);
		err(EXIT_SYS, "%s", name);
	}
}

/*
 * The relay reads Ethernet headers: on another kind of interface (a tun,
 * a tunnel, radiotap) bytes 6-13 are something else, and its checks
 * would pass what the rule never said.  Exits 1 for such a send=iface
 * grant.
 */
static void
ethernet_only(const struct sock *s, const struct eth_if *ifc)
{
	if (s->grant.send == POLICY_SEND_IFACE &&
	    ifc->arptype != ARPHRD_ETHER && ifc->arptype != ARPHRD_LOOPBACK)
		errx(EXIT_REFUSED, "refused: %s: not an Ethernet interface, "
		    "so a relay cannot check what is sent (send=no or "
		    "send=any would do)", s->req.iface);
}

/*
 * Looks the interface up and opens the socket: protocol 0, so nothing
 * arrives until setup_packet() has confined and bound it.  This is all
 * that happens with CAP_NET_RAW effective.
 */
static void
open_packet(const struct opts *o, struct sock *s)
{
	struct eth_if ifc, own;
	int e;

	find_iface(s->req.iface, &ifc);
	/* The policy granted a name: the interface must still have it. */
	if (!o->root && (eth_if_byindex(ifc.index, &own) == -1 ||
	    strcmp(own.name, s->req.iface) != 0))
		errx(EXIT_REFUSED, "refused: %s: the interface was renamed",
		    s->req.iface);
	ethernet_only(s, &ifc);
	s->ifc = ifc;
	raise_cap(CAP_NET_RAW, s->name, "cap_net_raw");
	s->fd = rawsock_socket();
	e = errno;
	lower_cap(CAP_NET_RAW, "cap_net_raw");
	if (s->fd == -1) {
		errno = e;
		err(EXIT_SYS, "%s: socket", s->name);
	}
}

/*
 * After the drop: attaches and locks the confining filter (with the rule's
 * and the caller's filter inside), binds, and pins the socket in a fanout
 * group of its own, so that its holder can neither rebind it nor join it
 * to another program's group.  None of it needs privilege.
 */
static void
setup_packet(struct opts *o, struct sock *s)
{
	struct rawsock_conf c;

	memset(&c, 0, sizeof(c));
	c.ifindex = s->ifc.index;
	c.type = s->req.ethertype;
	c.promisc = o->promisc;
	/* Frames to other hosts only when promiscuity was asked (and granted). */
	c.otherhost = o->promisc;
	c.outgoing = o->outgoing;
	c.inner = s->inner.len > 0 ? &s->inner : NULL;
	c.lock = 1;
	c.pin = 1;
	/* -j: the first member makes the pair's group, the others join it. */
	if (s->req.fanout > 1) {
		c.group = &o->groups[s->pair];
		c.fanout = o->fanmode;
		c.members = s->req.fanout;	/* and no socket of another's */
	}
	if (rawsock_confine(s->fd, &c) == -1)
		err(EXIT_SYS, "%s", s->name);
	filter_free(&s->inner);
}

/*
 * The relay of a send=iface or send=no grant (relay(3) in lib/relay.h):
 * a process that holds the packet socket and nothing else, not the
 * program's child, not dumpable; the program gets the other end of a
 * SOCK_SEQPACKET pair in the socket's place.  Forked after the drop and
 * its verification: it has no privilege to lose.
 */
static void
start_relay(struct sock *s)
{
	struct relay_conf c;
	struct relay_stats st;
	struct relay_peer peer;
	char line[256];
	int sv[2], keep[2], rc;
	pid_t pid;


	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		err(EXIT_SYS, "%s: socketpair", s->name);
	/* The program's end says what it was granted (getpeername). */
	memset(&peer, 0, sizeof(peer));
	strlcpy(peer.ifname, s->ifc.name, sizeof(peer.ifname));
	peer.type = s->req.ethertype;
	memcpy(peer.mac, s->ifc.mac, sizeof(peer.mac));
	peer.mtu = (unsigned)s->ifc.mtu;
	if (relay_bind(sv[0], &peer) == -1)
		err(EXIT_SYS, "%s: name the relay", s->name);
	if ((pid = relay_fork()) == -1)
		err(EXIT_SYS, "%s: fork the relay", s->name);
	if (pid != 0) {
		close(sv[0]);
		close(s->fd);
		s->fd = sv[1];
		return;
	}
	memset(&c, 0, sizeof(c));
	c.pktfd = keep[0] = s->fd;
	c.progfd = keep[1] = sv[0];
	c.send = s->grant.send == POLICY_SEND_NO ? RELAY_SEND_NO :
	    RELAY_SEND_IFACE;
	c.spoof = s->grant.spoof;
	memcpy(c.mac, s->ifc.mac, sizeof(c.mac));
	c.mtu = (unsigned)s->ifc.mtu;
	c.type_ok = policy_grant_type_cb;
	c.type_arg = &s->grant;
	if (relay_isolate(keep, 2) == -1) {
		warn("relay %s", s->name);
		_exit(EXIT_SYS);
	}
	memset(&st, 0, sizeof(st));
	if ((rc = relay_run(&c, &st)) == -1)
		warn("relay %s", s->name);
	if (relay_summary(&st, line, sizeof(line)))
		warnx("relay %s: %s", s->name, line);
	_exit(rc == 0 ? 0 : EXIT_SYS);
}

static void
open_ip(struct sock *s)
{
	int e;

	raise_cap(CAP_NET_RAW, s->name, "cap_net_raw");
	s->fd = inetsock_raw(s->req.ip6, s->req.proto);
	e = errno;
	lower_cap(CAP_NET_RAW, "cap_net_raw");
	if (s->fd == -1) {
		errno = e;
		err(EXIT_SYS, "%s: socket", s->name);
	}
}

static void
open_port(struct sock *s)
{
	int type = s->req.proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int rc, e, privport = s->req.port < 1024;

	if ((s->fd = inetsock_socket(&s->ss, type)) == -1)
		err(EXIT_SYS, "%s: socket", s->name);
	if (privport)
		raise_cap(CAP_NET_BIND_SERVICE, s->name,
		    "cap_net_bind_service");
	rc = inetsock_bind(s->fd, &s->ss, s->sslen, type);
	e = errno;
	if (privport)
		lower_cap(CAP_NET_BIND_SERVICE, "cap_net_bind_service");
	if (rc == -1) {
		errno = e;
		err(EXIT_SYS, "%s: bind", s->name);
	}
}

/*
 * Makes the device, with CAP_NET_ADMIN raised around each call that needs
 * it: TUNSETIFF (never on an existing device), up, the bridge.  A caller
 * who is not root must be granted the name the device got as well as the
 * one asked for ("%d" as written): a device it may not have is closed,
 * and so gone.
 */
static void
open_tap(const struct opts *o, struct sock *s)
{
	struct policy_req final;
	char got[IF_NAMESIZE];
	int rc, e;

	raise_cap(CAP_NET_ADMIN, s->name, "cap_net_admin");
	s->fd = tundev_open(s->tapname, s->req.tapmode == POLICY_MODE_TAP ?
	    TUNDEV_TAP : TUNDEV_TUN, got);
	e = errno;
	lower_cap(CAP_NET_ADMIN, "cap_net_admin");
	if (s->fd == -1) {
		if (e == EBUSY || e == EEXIST)
			errx(EXIT_SYS, "%s: a device of that name exists",
			    s->name);
		errno = e;
		err(EXIT_SYS, "%s", s->name);
	}
	/*
	 * The caller's device: should a holder make it persistent, nobody
	 * else may attach to it (the kernel lets anyone, with no owner).
	 */
	if (tundev_own(s->fd, o->owner) == -1)
		err(EXIT_SYS, "%s: owner", s->name);
	if (!o->root) {
		final = s->req;
		final.tapname = got;
		if (!policy_check(o->policy, o->who, &final, NULL))
			errx(EXIT_REFUSED, "refused: %s: the device got the "
			    "name %s, which no rule grants", s->name, got);
	}
	strlcpy(s->name, got, sizeof(s->name));
	if (!o->root && s->req.bridge != NULL)
		same_bridge(s);
	raise_cap(CAP_NET_ADMIN, s->name, "cap_net_admin");
	rc = tundev_up(got);
	if (rc == 0 && s->req.bridge != NULL)
		rc = tundev_bridge(got, s->req.bridge);
	e = errno;
	lower_cap(CAP_NET_ADMIN, "cap_net_admin");
	if (rc == -1) {
		errno = e;
		err(EXIT_SYS, "%s%s%s", got, s->req.bridge != NULL ?
		    ": bridge " : ": up", s->req.bridge != NULL ?
		    s->req.bridge : "");
	}
}

/* Enters the network namespace -N names; returns an fd for coming back. */
static int
enter_netns(const char *ns)
{
	char path[PATH_MAX];
	int self, fd;

	if (strchr(ns, '/') != NULL)
		strlcpy(path, ns, sizeof(path));
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
		err(EXIT_SYS, "/proc/self/ns/net");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(EXIT_SYS, "-N %s", path);
	raise_cap(CAP_SYS_ADMIN, "-N", "cap_sys_admin");
	if (setns(fd, CLONE_NEWNET) == -1)
		err(EXIT_SYS, "-N %s: setns", path);
	lower_cap(CAP_SYS_ADMIN, "cap_sys_admin");
	close(fd);
	return self;
}

static void
leave_netns(int self)
{
	raise_cap(CAP_SYS_ADMIN, "-N", "cap_sys_admin");
	if (setns(self, CLONE_NEWNET) == -1)
		err(EXIT_SYS, "-N: setns back");
	lower_cap(CAP_SYS_ADMIN, "cap_sys_admin");
	close(self);
}

static void
open_all(struct opts *o)
{
	size_t i;
	int self = -1;

	if (o->netns != NULL)
		self = enter_netns(o->netns);
	for (i = 0; i < o->nsocks; i++) {
		switch (o->socks[i].req.kind) {
		case POLICY_PACKET:
			open_packet(o, &o->socks[i]);
			break;
		case POLICY_IP:
			open_ip(&o->socks[i]);
			break;
		case POLICY_PORT:
			open_port(&o->socks[i]);
			break;
		case POLICY_TAP:
			open_tap(o, &o->socks[i]);
			break;
		}
	}
	if (self != -1)
		leave_netns(self);
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

	/* What the real run would fail on, it fails on here, alike. */
	for (i = 0; i < o->nsocks && o->netns == NULL; i++)
		if (o->socks[i].req.kind == POLICY_PACKET) {
			find_iface(o->socks[i].req.iface, &ifc);
			ethernet_only(&o->socks[i], &ifc);
		}
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
	parse(argc, argv, &o);
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
