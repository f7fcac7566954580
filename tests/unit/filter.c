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
	int		 vlan;		/* a tag taken off, in the aux fields */
	uint16_t	 tci;		/* ... its TCI */
	uint16_t	 tpid;		/* ... and TPID */
};

/* A load of size bytes at off, or -1 when it is outside the frame. */
static int
bpf_load(const struct pkt *p, uint32_t off, uint32_t size, uint32_t *a)
{
	uint32_t i, v = 0;

	if (off >= p->len || size > p->len - off)
		return -1;
	for (i = 0; i < size; i++)
		v = v << 8 | p->data[off + i];
	*a = v;
	return 0;
}

/* An ancillary load at k (SKF_AD_OFF + what), or -1 for an unknown one. */
static int
bpf_anc(const struct pkt *p, uint32_t k, uint32_t *a)
{
	switch ((int32_t)k - SKF_AD_OFF) {
	case SKF_AD_IFINDEX:
		*a = (uint32_t)p->ifindex;
		return 0;
	case SKF_AD_PROTOCOL:
		*a = p->proto;
		return 0;
	case SKF_AD_PKTTYPE:
		*a = (uint32_t)p->pkttype;
		return 0;
	case SKF_AD_VLAN_TAG_PRESENT:
		*a = p->vlan != 0;
		return 0;
	case SKF_AD_VLAN_TAG:
		*a = p->vlan ? p->tci : 0;
		return 0;
	case SKF_AD_VLAN_TPID:
		*a = p->vlan ? p->tpid : 0;
		return 0;
	default:
		return -1;
	}
}

/*
 * Runs prog on p and returns its verdict, or -1 for an instruction this
 * interpreter does not know or an out-of-bounds load (the kernel returns
 * 0 there; -1 makes it visible).  Enough for the prefix, for what libpcap
 * makes of the expressions tested here, and for filter_vlan_fixup()'s
 * translations.
 */
static long
bpf_run(const struct sock_fprog *prog, const struct pkt *p)
{
	const struct sock_filter *f;
	uint32_t a = 0, x = 0, k, m[BPF_MEMWORDS] = { 0 }, size, v;
	size_t pc;

	for (pc = 0; pc < prog->len; pc++) {
		f = &prog->filter[pc];
		k = f->k;
		size = BPF_SIZE(f->code) == BPF_W ? 4 :
		    BPF_SIZE(f->code) == BPF_H ? 2 : 1;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			if (k >= (uint32_t)SKF_AD_OFF) {
				if (bpf_anc(p, k, &a) == -1)
					return -1;
			} else if (bpf_load(p, k, size, &a) == -1)
				return -1;
			break;
		case BPF_LD | BPF_W | BPF_IND:
		case BPF_LD | BPF_H | BPF_IND:
		case BPF_LD | BPF_B | BPF_IND:
			if (bpf_load(p, x + k, size, &a) == -1)
				return -1;
			break;
		case BPF_LDX | BPF_B | BPF_MSH:
			if (bpf_load(p, k, 1, &v) == -1)
				return -1;
			x = 4 * (v & 0xf);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			a = (uint32_t)p->len;
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			x = (uint32_t)p->len;
			break;
		case BPF_LD | BPF_IMM:
			a = k;
			break;
		case BPF_LDX | BPF_IMM:
			x = k;
			break;
		case BPF_LD | BPF_MEM:
			a = m[k % BPF_MEMWORDS];
			break;
		case BPF_LDX | BPF_MEM:
			x = m[k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			m[k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			m[k % BPF_MEMWORDS] = x;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			a += k;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
			a -= k;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
			a <<= k;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			a >>= k;
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
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) != 0 ? f->jt : f->jf;
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
	    0, 0, 0 };
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
	    0, 0, 0 };
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
	    0, 0, 0 };
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

/* A frame of 0x88b5 with a tag of vid, and its twin whose tag is off. */
static const uint8_t tagged5[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0x00,
	0x00, 0x05, 0x88, 0xb5, 'x',
};
static const uint8_t tagged7[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0x00,
	0x20, 0x07, 0x88, 0xb5, 'x',
};
/* Inner tag 7 still in the frame, for an outer one taken off. */
static const uint8_t inner7[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0x00,
	0x00, 0x07, 0x88, 0xb5, 'x',
};

/* IPv4/TCP to port 80 (no options), untagged and with tag 5. */
#define IPTCP(...) \
	0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, \
	0x30, 0x39, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0, 0, 0, 0, 0, 0
static const uint8_t ip_plain[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
	IPTCP()
};
static const uint8_t ip_tagged5[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0x00,
	0x00, 0x05, 0x08, 0x00, IPTCP()
};

/*
 * The verdicts of expr on: untagged, tagged 5 and 7 in the frame, tagged 5
 * and 7 with the tag taken off (aux fields): 1 accept, 0 drop.
 */
static void
vlan_case(const char *expr, const int want[5])
{
	static const char *const what[5] = { "untagged", "tag 5 in the frame",
	    "tag 7 in the frame", "tag 5 taken off", "tag 7 taken off" };
	struct sock_fprog p = { 0, NULL };
	struct pkt pk[5] = {
		{ 1, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5), 0, 0, 0 },
		{ 1, 0x8100, PACKET_HOST, tagged5, sizeof(tagged5), 0, 0, 0 },
		{ 1, 0x8100, PACKET_HOST, tagged7, sizeof(tagged7), 0, 0, 0 },
		{ 1, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5), 1, 5,
		    0x8100 },
		{ 1, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5), 1,
		    0x2007, 0x8100 },
	};
	char err[FILTER_ERRLEN], name[160];
	int i;

	if (filter_compile(expr, 0, &p, err) == -1) {
		diag("%s: %s", expr, err);
		for (i = 0; i < 6; i++)
			ok(0, "it compiles");
		return;
	}
	snprintf(name, sizeof(name), "\"%s\": the kernel takes it", expr);
	ok(kernel_takes(&p) == 1, name);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "\"%s\": %s %s", expr, what[i],
		    want[i] ? "accepted" : "dropped");
		is_int(bpf_run(&p, &pk[i]) > 0, want[i], name);
	}
	filter_free(&p);
}

static void
test_vlan(void)
{
	static const int only5[5] = { 0, 1, 0, 1, 0 };
	static const int tagged[5] = { 0, 1, 1, 1, 1 };
	static const int untagged[5] = { 1, 0, 0, 0, 0 };
	static const int all[5] = { 1, 1, 1, 1, 1 };
	static const int long19[5] = { 0, 1, 1, 1, 1 };
	struct sock_filter rd6[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter across[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 10),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter ind[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 4),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 12),	/* virtual 16 */
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter *f;
	struct sock_fprog p = { 0, NULL };
	struct pkt pk = { 1, 0x88b5, PACKET_HOST, frame_b5, sizeof(frame_b5),
	    1, 5, 0x8100 };
	char err[FILTER_ERRLEN];

	vlan_case("vlan 5", only5);
	vlan_case("vlan 5 and ether proto 0x88b5", only5);
	vlan_case("vlan and ether proto 0x88b5", tagged);
	vlan_case("ether proto 0x88b5", untagged);
	vlan_case("not vlan", untagged);
	vlan_case("ether[0] = 0xff", all);
	vlan_case("len >= 19", long19);
	vlan_case("vlan 5 and ether[18] = 0x78", only5);

	/* A port behind the tag: an indirect load after the IP header. */
	ok(filter_compile("vlan 5 and tcp port 80", 0, &p, err) == 0 &&
	    kernel_takes(&p) == 1, "\"vlan 5 and tcp port 80\"");
	pk.data = ip_tagged5;
	pk.len = sizeof(ip_tagged5);
	pk.vlan = 0;
	ok(bpf_run(&p, &pk) > 0, "accepts IPv4/TCP to 80 tagged 5 in the frame");
	pk.data = ip_plain;
	pk.len = sizeof(ip_plain);
	pk.vlan = 1;
	ok(bpf_run(&p, &pk) > 0, "and with the tag taken off");
	pk.tci = 7;
	is_int(bpf_run(&p, &pk), 0, "not tagged 7");
	pk.vlan = 0;
	is_int(bpf_run(&p, &pk), 0, "nor untagged");
	filter_free(&p);

	/* Two tags: the outer one off, the inner one still in the frame. */
	ok(filter_compile("vlan 5 and vlan 7", 0, &p, err) == 0,
	    "\"vlan 5 and vlan 7\"");
	pk.data = inner7;
	pk.len = sizeof(inner7);
	pk.vlan = 1;
	pk.tci = 5;
	ok(bpf_run(&p, &pk) > 0, "accepts 5 taken off and 7 in the frame");
	pk.tci = 6;
	is_int(bpf_run(&p, &pk), 0, "but not 6 and 7");
	filter_free(&p);

	/* filter_vlan_fixup() on hand-made programs. */
	if ((f = calloc(3, sizeof(*f))) == NULL)
		abort();
	memcpy(f, rd6, sizeof(rd6));
	p.filter = f;
	p.len = 2;
	ok(filter_vlan_fixup(&p) == 0 && p.filter == f && p.len == 2,
	    "a program that stops before byte 12 is left as it is");
	memcpy(f, across, sizeof(across));
	ok(filter_vlan_fixup(&p) == 0 && p.filter == f && p.len == 2,
	    "so is one that reads across the tag's edge");
	memcpy(f, ind, sizeof(ind));
	p.len = 3;
	ok(filter_vlan_fixup(&p) == 0 && p.len > 3 && kernel_takes(&p) == 1,
	    "an indirect load before 16 is translated");
	pk.data = tagged5;
	pk.len = sizeof(tagged5);
	pk.vlan = 0;
	is_int(bpf_run(&p, &pk), 0x88, "no tag taken off: it reads byte 16");
	pk.data = frame_b5;
	pk.len = sizeof(frame_b5);
	pk.vlan = 1;
	is_int(bpf_run(&p, &pk), 0x88, "tag taken off: virtual 16 is byte 12");
	filter_free(&p);
	p.len = 0;
	ok(filter_vlan_fixup(&p) == 0 && p.filter == NULL,
	    "an empty program is left alone");
}

int
main(void)
{
	plan(15 + 39 + 15 + 8 * 6 + 5 + 3 + 6);
	test_compile();
	test_confine();
	test_and();
	test_vlan();
	return done();
}
