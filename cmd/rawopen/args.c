/*
 * rawopen's command line: every option and operand into struct opts, each
 * bad one a usage error (exit 100) with a one-line reason.
 */
#include <err.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eth.h"
#include "fdcap.h"
#include "inetsock.h"
#include "listenfd.h"
#include "policy.h"
#include "rawsock.h"
#include "tundev.h"

#include "rawopen.h"


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
	const char *colon = strchr(arg, ':'), *errstr;
	char *num;

	/* The count alone, whole: "000...2:lb" is 2, as ethrecv reads it. */
	if ((num = strndup(arg, colon != NULL ? (size_t)(colon - arg) :
	    strlen(arg))) == NULL)
		err(EXIT_SYS, "-j");
	o->jobs = (unsigned)strtonum(num, 1, MAXSOCKS, &errstr);
	free(num);
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
void
parse_args(int argc, char **argv, struct opts *o)
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
