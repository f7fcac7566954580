/*
 * Unit tests of lib/filter: libpcap compilation, and the confining prefix
 * run both by a small classic-BPF interpreter here (for its meaning) and by
 * the kernel's checker (SO_ATTACH_FILTER on an AF_UNIX socket, which needs
 * no privilege).  The prefix on a real packet socket is tested in rawsock.
 */
#include <sys/socket.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eth.h"
#include "filter.h"
#include "tap.h"

/* What the kernel's ancillary loads see of a frame. */
struct pkt {
	int		 ifindex;
	uint16_t	 proto;		/* host order */
	int		 pkttype;
	const uint8_t	*data;
	size_t		 len;
	int		 vlan;		/* a tag not yet taken off */
};

/*
 * Runs prog on p and returns its verdict, or -1 for an instruction this
 * interpreter does not know or an out-of-bounds load (the kernel returns
 * 0 there; -1 makes it visible).  Enough for the prefix and for what
 * libpcap makes of simple expressions.
 */
static long
bpf_run(const struct sock_fprog *prog, const struct pkt *p)
{
	const struct sock_filter *f;
	uint32_t a = 0, x = 0, k;
	size_t pc;

	for (pc = 0; pc < prog->len; pc++) {
		f = &prog->filter[pc];
		k = f->k;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_IFINDEX))
				a = (uint32_t)p->ifindex;
			else if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL))
				a = p->proto;
			else if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE))
				a = (uint32_t)p->pkttype;
			else if (k == (uint32_t)(SKF_AD_OFF +
			    SKF_AD_VLAN_TAG_PRESENT))
				a = p->vlan != 0;
			else if (BPF_SIZE(f->code) == BPF_H && k + 2 <= p->len)
				a = (uint32_t)p->data[k] << 8 | p->data[k + 1];
			else if (BPF_SIZE(f->code) == BPF_B && k < p->len)
				a = p->data[k];
			else
				return -1;
			break;
		case BPF_LD | BPF_IMM:
			a = k;
			break;
		case BPF_LDX | BPF_IMM:
			x = k;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > k ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return a;
		case BPF_RET | BPF_X:
			return x;
		default:
			diag("bpf_run: unknown code 0x%04x at %zu", f->code, pc);
			return -1;
		}
	}
	return -1;
}

static const uint8_t frame_b5[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5, 'x',
};
static const uint8_t frame_b6[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb6, 'x',
};

static void
test_compile(void)
{
	struct sock_fprog p = { 0, NULL };
	struct pkt pk = { 1, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5),
	    0 };
	char err[FILTER_ERRLEN];

	ok(filter_compile("ether proto 0x88b5", 0, &p, err) == 0,
	    "compile \"ether proto 0x88b5\"");
	ok(p.len >= 3 && p.filter != NULL, "a program came back");
	is_int(bpf_run(&p, &pk), 262144, "it accepts a 0x88b5 frame whole");
	pk.data = frame_b6;
	is_int(bpf_run(&p, &pk), 0, "it drops a 0x88b6 frame");
	filter_free(&p);
	ok(p.len == 0 && p.filter == NULL, "filter_free empties it");
	filter_free(&p);
	ok(1, "filter_free of an empty program is harmless");

	ok(filter_compile("ether proto 0x88b5", 96, &p, err) == 0,
	    "compile with snaplen 96");
	pk.data = frame_b5;
	is_int(bpf_run(&p, &pk), 96, "it returns the snaplen");
	filter_free(&p);

	strlcpy(err, "unchanged", sizeof(err));
	errno = 0;
	ok(filter_compile("ether proto", 0, &p, err) == -1 && errno == EINVAL,
	    "\"ether proto\": EINVAL");
	ok(err[0] != '\0' && strcmp(err, "unchanged") != 0,
	    "with libpcap's message");
	diag("libpcap says: %s", err);
	ok(p.len == 0 && p.filter == NULL, "and no program");
	errno = 0;
	ok(filter_compile("this is no filter )(", 0, &p, err) == -1 &&
	    errno == EINVAL && err[0] != '\0', "garbage: EINVAL and a message");
	errno = 0;
	ok(filter_compile("ether proto 0x88b5", 0, &p, NULL) == 0,
	    "a NULL errbuf is allowed");
	filter_free(&p);
	errno = 0;
	ok(filter_compile("port", 0, &p, NULL) == -1 && errno == EINVAL,
	    "a NULL errbuf on error");
}

/* Whether the kernel's checker takes prog (needs no privilege). */
static int
kernel_takes(const struct sock_fprog *prog)
{
	int s, rc;

	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, prog, sizeof(*prog));
	if (rc == -1)
		diag("SO_ATTACH_FILTER: %s", strerror(errno));
	close(s);
	return rc == 0;
}

static void
test_confine(void)
{
	struct sock_fprog inner = { 0, NULL }, out = { 0, NULL }, big;
	struct pkt pk = { 7, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5),
	    0 };
	char err[FILTER_ERRLEN];
	size_t i;

	ok(filter_confine(7, 0x88b5, 0, NULL, &out) == 0,
	    "confine to ifindex 7, 0x88b5");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "accepts 7/0x88b5/host whole");
	pk.pkttype = PACKET_BROADCAST;
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "accepts broadcast");
	pk.pkttype = PACKET_OUTGOING;
	is_int(bpf_run(&out, &pk), 0, "drops outgoing (of any process)");
	pk.pkttype = PACKET_OTHERHOST;
	is_int(bpf_run(&out, &pk), 0, "drops otherhost");
	pk.pkttype = PACKET_HOST;
	pk.ifindex = 8;
	is_int(bpf_run(&out, &pk), 0, "drops another interface");
	pk.ifindex = 7;
	pk.proto = 0x88b6;
	is_int(bpf_run(&out, &pk), 0, "drops another ethertype");
	pk.proto = 0x88b5;
	pk.vlan = 1;
	is_int(bpf_run(&out, &pk), 0, "drops it with a VLAN tag on");
	pk.vlan = 0;
	filter_free(&out);

	ok(filter_confine(7, 0x88b5, FILTER_OUTGOING, NULL, &out) == 0,
	    "confine with outgoing");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	pk.pkttype = PACKET_OUTGOING;
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "accepts outgoing then");
	pk.pkttype = PACKET_OTHERHOST;
	is_int(bpf_run(&out, &pk), 0, "but still drops otherhost");
	filter_free(&out);

	ok(filter_confine(7, 0x88b5, FILTER_OTHERHOST | FILTER_OUTGOING, NULL,
	    &out) == 0, "confine with otherhost and outgoing");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	pk.pkttype = PACKET_OUTGOING;
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "accepts outgoing");
	filter_free(&out);

	ok(filter_confine(7, 0x88b5, FILTER_OTHERHOST, NULL, &out) == 0,
	    "confine with otherhost");
	pk.pkttype = PACKET_OUTGOING;
	is_int(bpf_run(&out, &pk), 0, "drops outgoing then");
	pk.pkttype = PACKET_OTHERHOST;
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "accepts otherhost then");
	pk.ifindex = 1;
	is_int(bpf_run(&out, &pk), 0, "still drops another interface");
	pk.ifindex = 7;
	pk.pkttype = PACKET_HOST;
	filter_free(&out);

	ok(filter_confine(7, ETHTYPE_ALL, 0, NULL, &out) == 0,
	    "confine to all ethertypes");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	pk.proto = 0x0800;
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "accepts any ethertype");
	pk.vlan = 1;
	is_int(bpf_run(&out, &pk), FILTER_WHOLE, "tagged too");
	pk.vlan = 0;
	pk.ifindex = 2;
	is_int(bpf_run(&out, &pk), 0, "but not another interface");
	pk.ifindex = 7;
	pk.pkttype = PACKET_OTHERHOST;
	is_int(bpf_run(&out, &pk), 0, "nor otherhost");
	pk.pkttype = PACKET_HOST;
	pk.proto = 0x88b5;
	filter_free(&out);

	ok(filter_confine(7, ETHTYPE_NONE, 1, NULL, &out) == 0 &&
	    out.len == 1 && out.filter[0].code == (BPF_RET | BPF_K) &&
	    out.filter[0].k == 0, "none: just ret #0");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	filter_free(&out);

	/* With an inner program: both must accept, inner's verdict wins. */
	ok(filter_compile("ether proto 0x88b5", 128, &inner, err) == 0,
	    "an inner program");
	ok(filter_confine(7, ETHTYPE_ALL, 0, &inner, &out) == 0,
	    "confine all + inner");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	pk.proto = 0x88b6;	/* what the frame says is what inner sees */
	is_int(bpf_run(&out, &pk), 128, "inner accepts, its verdict");
	pk.data = frame_b6;
	is_int(bpf_run(&out, &pk), 0, "inner drops");
	pk.data = frame_b5;
	pk.ifindex = 9;
	is_int(bpf_run(&out, &pk), 0, "the prefix drops before inner");
	pk.ifindex = 7;
	pk.proto = 0x88b5;
	filter_free(&out);

	/* Sizes: the prefix and the inner program share BPF_MAXINSNS. */
	big.len = BPF_MAXINSNS - FILTER_CONFINE_MAX;
	if ((big.filter = calloc(BPF_MAXINSNS, sizeof(*big.filter))) == NULL)
		abort();
	for (i = 0; i < BPF_MAXINSNS; i++)
		big.filter[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    1);
	ok(filter_confine(7, 0x88b5, 0, &big, &out) == 0 &&
	    out.len <= BPF_MAXINSNS, "largest inner program fits");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	is_int(bpf_run(&out, &pk), 1, "and runs it");
	filter_free(&out);
	big.len = BPF_MAXINSNS;
	errno = 0;
	ok(filter_confine(7, 0x88b5, 0, &big, &out) == -1 && errno == EINVAL &&
	    out.filter == NULL, "too long: EINVAL");
	big.len = 0;
	errno = 0;
	ok(filter_confine(7, 0x88b5, 0, &big, &out) == -1 && errno == EINVAL,
	    "empty inner: EINVAL");
	free(big.filter);
	errno = 0;
	ok(filter_confine(0, 0x88b5, 0, NULL, &out) == -1 && errno == EINVAL,
	    "ifindex 0: EINVAL");
	filter_free(&inner);
}

static void
test_and(void)
{
	static const uint8_t frame_b5y[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
		0x88, 0xb5, 'y',
	};
	/* Two ways to accept, each its own return: 'x' and 'y'. */
	struct sock_filter two[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'x', 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 5),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'y', 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 7),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter reta[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog a = { 0, NULL }, b = { 0, NULL }, out = { 0, NULL };
	struct sock_fprog hand = { 6, two }, bad = { 2, reta }, big;
	struct sock_fprog conf = { 0, NULL };
	struct pkt pk = { 7, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5),
	    0 };
	char err[FILTER_ERRLEN];

	ok(filter_compile("ether[14] = 0x78", 0, &a, err) == 0 &&
	    filter_compile("ether proto 0x88b5", 128, &b, err) == 0,
	    "two programs");
	ok(filter_and(&a, &b, &out) == 0, "and: built");
	ok(kernel_takes(&out) == 1, "the kernel takes it");
	is_int(bpf_run(&out, &pk), 128, "both accept: the second's verdict");
	pk.data = frame_b6;
	is_int(bpf_run(&out, &pk), 0, "the second drops");
	pk.data = frame_b5y;
	is_int(bpf_run(&out, &pk), 0, "the first drops");
	filter_free(&out);

	ok(filter_and(&hand, &b, &out) == 0 && kernel_takes(&out) == 1,
	    "a first program with two accepting returns");
	pk.data = frame_b5;
	is_int(bpf_run(&out, &pk), 128, "the first return leads to the second");
	pk.data = frame_b5y;
	is_int(bpf_run(&out, &pk), 128, "so does the other");
	pk.data = frame_b6;
	is_int(bpf_run(&out, &pk), 0, "and the second still decides");
	filter_free(&out);

	errno = 0;
	ok(filter_and(&bad, &b, &out) == -1 && errno == EINVAL &&
	    out.filter == NULL, "a first program returning A: EINVAL");
	ok(filter_and(&b, &bad, &out) == 0, "a second one may");
	filter_free(&out);
	big.len = 0;
	big.filter = two;
	errno = 0;
	ok(filter_and(&big, &b, &out) == -1 && errno == EINVAL,
	    "empty: EINVAL");
	/* Room is left for filter_confine()'s prefix. */
	if ((big.filter = calloc(BPF_MAXINSNS, sizeof(*big.filter))) == NULL)
		abort();
	for (big.len = 0; big.len < BPF_MAXINSNS; big.len++)
		big.filter[big.len] = (struct sock_filter)BPF_STMT(BPF_RET |
		    BPF_K, 1);
	big.len = BPF_MAXINSNS - FILTER_CONFINE_MAX - 6 - 2;
	ok(filter_and(&hand, &big, &out) == 0 &&
	    filter_confine(7, 0x88b5, 0, &out, &conf) == 0 &&
	    kernel_takes(&conf) == 1, "the longest pair, confined, fits");
	filter_free(&out);
	filter_free(&conf);
	big.len++;
	errno = 0;
	ok(filter_and(&hand, &big, &out) == -1 && errno == EINVAL,
	    "one more: EINVAL");
	free(big.filter);
	filter_free(&a);
	filter_free(&b);
}

int
main(void)
{
	plan(15 + 39 + 15);
	test_compile();
	test_confine();
	test_and();
	return done();
}
