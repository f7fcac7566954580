/*
 * filter: tcpdump expressions compiled to classic BPF, and the confining
 * prefix that keeps a handed-over packet socket to what it was opened for.
 */
#include <dlfcn.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "filter.h"

/*
 * The few parts of libpcap's ABI used here, declared locally: <pcap/bpf.h>
 * and <linux/filter.h> define the same macros and cannot both be included.
 * These layouts and prototypes have been stable since libpcap 0.8.
 */
struct filter_pcap_insn {		/* struct bpf_insn */
	unsigned short	code;
	unsigned char	jt;
	unsigned char	jf;
	uint32_t	k;
};

struct filter_pcap_prog {		/* struct bpf_program */
	unsigned int	bf_len;
	struct filter_pcap_insn *bf_insns;
};

#define FILTER_DLT_EN10MB	1		/* DLT_EN10MB */
#define FILTER_NETMASK_UNKNOWN	0xffffffffU	/* PCAP_NETMASK_UNKNOWN */
#define FILTER_SNAPLEN_MAX	262144		/* MAXIMUM_SNAPLEN */

struct filter_pcap {
	void	*dl;
	void	*(*open_dead)(int, int);
	int	 (*compile)(void *, struct filter_pcap_prog *, const char *,
		    int, uint32_t);
	void	 (*freecode)(struct filter_pcap_prog *);
	char	*(*geterr)(void *);
	void	 (*close)(void *);
};

/* Debian's soname first, then upstream's, then the development link. */
static const char *const filter_sonames[] = {
	"libpcap.so.0.8", "libpcap.so.1", "libpcap.so",
};

/* Puts "what: why", or only why, into errbuf when there is one. */
static void
filter_err(char *errbuf, const char *what, const char *why)
{
	if (errbuf != NULL)
		snprintf(errbuf, FILTER_ERRLEN, "%s%s%s", what ? what : "",
		    what ? ": " : "", why);
}

/*
 * Loads libpcap and the five functions used.  A program running with
 * privilege (AT_SECURE) has LD_LIBRARY_PATH ignored by the dynamic loader,
 * so the names are looked up in the system's directories only.  Returns 0,
 * or -1 with errno ENOSYS and the reason in errbuf.
 */
static int
filter_pcap_load(struct filter_pcap *p, char *errbuf)
{
	const char *why = "not found";
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(filter_sonames) / sizeof(filter_sonames[0]);
	    i++) {
		if ((p->dl = dlopen(filter_sonames[i],
		    RTLD_NOW | RTLD_LOCAL)) != NULL)
			break;
		if (i == 0 && (why = dlerror()) == NULL)
			why = "not found";
	}
	if (p->dl == NULL) {
		filter_err(errbuf, "cannot load libpcap", why);
		errno = ENOSYS;
		return -1;
	}
	/* POSIX's way around the object-to-function pointer cast. */
	*(void **)&p->open_dead = dlsym(p->dl, "pcap_open_dead");
	*(void **)&p->compile = dlsym(p->dl, "pcap_compile");
	*(void **)&p->freecode = dlsym(p->dl, "pcap_freecode");
	*(void **)&p->geterr = dlsym(p->dl, "pcap_geterr");
	*(void **)&p->close = dlsym(p->dl, "pcap_close");
	if (p->open_dead == NULL || p->compile == NULL ||
	    p->freecode == NULL || p->geterr == NULL || p->close == NULL) {
		filter_err(errbuf, "cannot load libpcap",
		    "a function is missing");
		dlclose(p->dl);
		p->dl = NULL;
		errno = ENOSYS;
		return -1;
	}
	return 0;
}

/*
 * A snaplen of 0 means the largest libpcap knows.  Programs longer than
 * the kernel takes (BPF_MAXINSNS) are refused here with EINVAL, so that
 * the error names the filter rather than a later setsockopt(2).
 */
int
filter_compile(const char *expr, unsigned snaplen, struct sock_fprog *prog,
    char errbuf[FILTER_ERRLEN])
{
	struct filter_pcap p;
	struct filter_pcap_prog bp;
	struct sock_filter *f;
	void *pc;
	unsigned i;
	int e;

	if (errbuf != NULL)
		errbuf[0] = '\0';
	if (expr == NULL) {
		filter_err(errbuf, NULL, "no filter expression");
		errno = EINVAL;
		return -1;
	}
	if (snaplen == 0 || snaplen > FILTER_SNAPLEN_MAX)
		snaplen = FILTER_SNAPLEN_MAX;
	if (filter_pcap_load(&p, errbuf) == -1)
		return -1;
	if ((pc = p.open_dead(FILTER_DLT_EN10MB, (int)snaplen)) == NULL) {
		filter_err(errbuf, NULL, "pcap_open_dead failed");
		e = ENOMEM;
		goto out;
	}
	memset(&bp, 0, sizeof(bp));
	if (p.compile(pc, &bp, expr, 1, FILTER_NETMASK_UNKNOWN) == -1) {
		filter_err(errbuf, NULL, p.geterr(pc));
		e = EINVAL;
		goto close;
	}
	if (bp.bf_len == 0 || bp.bf_len > BPF_MAXINSNS) {
		if (errbuf != NULL)
			snprintf(errbuf, FILTER_ERRLEN,
			    "filter too long: %u instructions, at most %d",
			    bp.bf_len, BPF_MAXINSNS);
		e = EINVAL;
		goto free;
	}
	if ((f = calloc(bp.bf_len, sizeof(*f))) == NULL) {
		filter_err(errbuf, NULL, strerror(ENOMEM));
		e = ENOMEM;
		goto free;
	}
	/* The same layout, but copied field by field, not assumed. */
	for (i = 0; i < bp.bf_len; i++) {
		f[i].code = bp.bf_insns[i].code;
		f[i].jt = bp.bf_insns[i].jt;
		f[i].jf = bp.bf_insns[i].jf;
		f[i].k = bp.bf_insns[i].k;
	}
	prog->len = (unsigned short)bp.bf_len;
	prog->filter = f;
	if (filter_vlan_fixup(prog) == -1) {
		e = ENOMEM;
		filter_err(errbuf, NULL, strerror(e));
		filter_free(prog);
		goto free;
	}
	e = 0;
free:
	p.freecode(&bp);
close:
	p.close(pc);
out:
	dlclose(p.dl);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* Instruction builders, as <linux/filter.h> spells them. */
#define LD_ANC(what)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
			    (uint32_t)(SKF_AD_OFF + (what)))

/*
 * The program, for an interface, a type and no flags:
 *
 *	ld	#ifindex			; ancillary
 *	jeq	#IFINDEX, 0, drop
 *	ld	#proto				; host order, per the kernel
 *	jeq	#TYPE, 0, drop			; left out for ETHTYPE_ALL
 *	ld	#type				; the packet type
 *	jeq	#PACKET_OTHERHOST, drop, 0	; left out with FILTER_OTHERHOST
 *	jeq	#PACKET_OUTGOING, drop, 0	; left out with FILTER_OUTGOING
 *	ja	inner
 * drop:
 *	ret	#0
 * inner:
 *	ld	#0				; A as a fresh program finds it
 *	... inner, or ret #FILTER_WHOLE
 *
 * Every jump of the prefix is short, so jt/jf (8 bits) always reach; the
 * inner program's jumps are relative and stay valid.  X and the scratch
 * memory are not touched, so the inner program sees them as the kernel
 * leaves them for a new program.
 */
int
filter_confine(int ifindex, uint16_t type, int flags,
    const struct sock_fprog *inner, struct sock_fprog *out)
{
	struct sock_filter pre[FILTER_CONFINE_MAX], *f;
	size_t n = 0, drop, i, ninner;
	int otherhost = flags & FILTER_OTHERHOST;
	int outgoing = flags & FILTER_OUTGOING;

	if (ifindex <= 0 || (inner != NULL &&
	    (inner->len == 0 || inner->filter == NULL))) {
		errno = EINVAL;
		return -1;
	}
	if (type == ETHTYPE_NONE) {
		if ((f = calloc(1, sizeof(*f))) == NULL)
			return -1;
		f[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
		out->len = 1;
		out->filter = f;
		return 0;
	}

	/* Counted first: the drop's place fixes every jump's offset. */
	drop = 3 + (type != ETHTYPE_ALL ? 4 : 0) +
	    (otherhost && outgoing ? 0 : 1) + !otherhost + !outgoing;
	pre[n++] = (struct sock_filter)LD_ANC(SKF_AD_IFINDEX);
	pre[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    (uint32_t)ifindex, 0, (uint8_t)(drop - n - 1));
	n++;
	if (type != ETHTYPE_ALL) {
		pre[n++] = (struct sock_filter)LD_ANC(SKF_AD_PROTOCOL);
		pre[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, type, 0, (uint8_t)(drop - n - 1));
		n++;
		/*
		 * A tagged frame still carries its tag when it reaches a
		 * socket bound to all, and skb->protocol is then the inner
		 * type: a socket bound to that type never gets it so (the
		 * kernel takes the tag off first, and the frame belongs to
		 * the VLAN's interface or to no host).
		 */
		pre[n++] = (struct sock_filter)LD_ANC(SKF_AD_VLAN_TAG_PRESENT);
		pre[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, 0, 0, (uint8_t)(drop - n - 1));
		n++;
	}
	if (!otherhost || !outgoing)
		pre[n++] = (struct sock_filter)LD_ANC(SKF_AD_PKTTYPE);
	if (!otherhost) {
		pre[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, PACKET_OTHERHOST, (uint8_t)(drop - n - 1), 0);
		n++;
	}
	if (!outgoing) {
		pre[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, PACKET_OUTGOING, (uint8_t)(drop - n - 1), 0);
		n++;
	}
	pre[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0);
	pre[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	pre[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, 0);

	ninner = inner != NULL ? inner->len : 1;
	if (n + ninner > BPF_MAXINSNS) {
		errno = EINVAL;
		return -1;
	}
	if ((f = calloc(n + ninner, sizeof(*f))) == NULL)
		return -1;
	memcpy(f, pre, n * sizeof(*f));
	if (inner != NULL)
		for (i = 0; i < ninner; i++)
			f[n + i] = inner->filter[i];
	else
		f[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, FILTER_WHOLE);
	out->len = (unsigned short)(n + ninner);
	out->filter = f;
	return 0;
}

/*
 * The VLAN fixup.  libpcap's dead handle compiles for frames as they are
 * on the wire: "vlan 5" reads the TPID at 12 and the VID at 14, and what
 * follows the tag 4 bytes further on.  A packet socket's filter often runs
 * on a frame whose tag the kernel or the NIC has already taken off into
 * the skb (SKF_AD_VLAN_TAG_PRESENT); those bytes are then not there.  The
 * fixed program runs the compiled one unchanged when no tag was taken off,
 * and otherwise a translation of it that reads the frame as if the tag
 * were back in place (the "virtual frame"):
 *
 *	virtual [0, 12)		the frame's [0, 12)
 *	virtual [12, 14)	SKF_AD_VLAN_TPID
 *	virtual [14, 16)	SKF_AD_VLAN_TAG (the TCI)
 *	virtual [16, ...)	the frame's [12, ...)
 *	virtual length		the frame's length + 4
 *
 * which is what libpcap does on a live Linux handle, but exact: a tagged
 * frame is never also an untagged one, so "ip" does not match a tagged
 * IPv4 frame in either case, as in a capture file.
 */

/* Instructions one translated instruction may become, at most. */
#define VLAN_SEQ_MAX	12

/* A scratch memory slot the program never uses, or -1. */
static int
vlan_free_slot(const struct sock_fprog *p)
{
	unsigned used = 0;
	size_t i;
	uint16_t c;
	int s;

	for (i = 0; i < p->len; i++) {
		c = p->filter[i].code;
		if (p->filter[i].k >= BPF_MEMWORDS)
			continue;
		if (BPF_CLASS(c) == BPF_ST || BPF_CLASS(c) == BPF_STX ||
		    ((BPF_CLASS(c) == BPF_LD || BPF_CLASS(c) == BPF_LDX) &&
		    BPF_MODE(c) == BPF_MEM))
			used |= 1U << p->filter[i].k;
	}
	for (s = BPF_MEMWORDS - 1; s >= 0; s--)
		if (!(used & 1U << s))
			return s;
	return -1;
}

/* The bytes a load of this size reads. */
static uint32_t
vlan_size(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

/*
 * The byte or half-word of the tag at virtual offset k (12 to 15) into A:
 * 1 or 2 instructions at out.
 */
static size_t
vlan_tagbytes(uint32_t k, uint32_t size, struct sock_filter *out)
{
	size_t n = 0;

	out[n++] = (struct sock_filter)LD_ANC(k < 14 ? SKF_AD_VLAN_TPID :
	    SKF_AD_VLAN_TAG);
	if (size == 1)
		out[n++] = k % 2 == 0 ?
		    (struct sock_filter)BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 8) :
		    (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff);
	return n;
}

/*
 * The translation of one instruction for the virtual frame into out
 * (VLAN_SEQ_MAX entries): returns how many it became, 0 when it cannot be
 * translated (a load across the tag's edges; slot -1 when one is needed),
 * and sets *changed when they differ from the instruction.  Jumps are
 * copied as they are: the caller moves their targets.
 */
static size_t
vlan_xlate(const struct sock_filter *in, int slot, struct sock_filter *out,
    int *changed)
{
	uint16_t c = in->code;
	uint32_t k = in->k, size;
	size_t n = 0;

	*changed = 1;
	if (BPF_CLASS(c) == BPF_LD && BPF_MODE(c) == BPF_ABS &&
	    k < 0x80000000U) {
		size = vlan_size(c);
		if (k + size <= 12) {
			*changed = 0;
			out[0] = *in;
			return 1;
		}
		if (k >= 16) {
			out[0] = *in;
			out[0].k = k - 4;
			return 1;
		}
		if (k >= 12 && size <= 2 && (size == 1 || k % 2 == 0))
			return vlan_tagbytes(k, size, out);
		return 0;
	}
	if (c == (BPF_LD | BPF_W | BPF_LEN)) {
		out[n++] = *in;
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_ADD |
		    BPF_K, 4);
		return n;
	}
	if (c == (BPF_LDX | BPF_W | BPF_LEN)) {
		if (slot < 0)
			return 0;
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ST, slot);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W |
		    BPF_LEN, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_ADD |
		    BPF_K, 4);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TAX, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, slot);
		return n;
	}
	if (c == (BPF_LDX | BPF_B | BPF_MSH)) {
		if (k + 1 <= 12 || k >= 16) {
			*changed = k >= 16;
			out[0] = *in;
			out[0].k = k >= 16 ? k - 4 : k;
			return 1;
		}
		if (slot < 0)
			return 0;
		/* X = 4 * (byte & 0xf), A kept. */
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ST, slot);
		n += vlan_tagbytes(k, 1, out + n);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND |
		    BPF_K, 0xf);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_LSH |
		    BPF_K, 2);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TAX, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, slot);
		return n;
	}
	if (BPF_CLASS(c) == BPF_LD && BPF_MODE(c) == BPF_IND) {
		/* X >= 0: past the tag whenever k is. */
		if (k >= 16) {
			out[0] = *in;
			out[0].k = k - 4;
			return 1;
		}
		if (slot < 0)
			return 0;
		/*
		 * v = X + k, known only at run time: past the tag, read
		 * v - 4; before it, v; in it, the load fails (ret #0, as
		 * the kernel does for a load outside the frame).
		 */
		size = vlan_size(c);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_STX, slot);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TXA, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_ADD |
		    BPF_K, k);
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE |
		    BPF_K, 16, 0, 2);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB |
		    BPF_K, 4);
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0,
		    0);
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT |
		    BPF_K, 12 - size, 4, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TAX, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_SIZE(c) |
		    BPF_IND, 0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_MEM,
		    slot);
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0,
		    0);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
		return n;
	}
	*changed = 0;
	out[0] = *in;
	return 1;
}

/*
 *	ld	#vlan_tag_present		; ancillary
 *	jeq	#0, plain, 0
 *	ja	virtual
 * plain:
 *	... the program as compiled
 * virtual:
 *	ld	#0				; A as a fresh program finds it
 *	... its translation, each jump moved to where its target went
 */
int
filter_vlan_fixup(struct sock_fprog *prog)
{
	struct sock_filter seq[VLAN_SEQ_MAX], *f, *in = prog->filter;
	size_t *at, i, j, n = prog->len, naux = 0, k, total, base;
	long off;
	int slot, changed, any = 0;

	if (n == 0 || in == NULL)
		return 0;
	if ((at = calloc(n + 1, sizeof(*at))) == NULL)
		return -1;
	slot = vlan_free_slot(prog);
	/* Where each instruction's translation starts. */
	for (i = 0; i < n; i++) {
		at[i] = naux;
		if ((k = vlan_xlate(&in[i], slot, seq, &changed)) == 0)
			goto asis;
		naux += k;
		any |= changed;
	}
	at[n] = naux;
	total = 3 + n + 1 + naux;
	if (!any || total > BPF_MAXINSNS - FILTER_CONFINE_MAX)
		goto asis;
	if ((f = calloc(total, sizeof(*f))) == NULL) {
		free(at);
		return -1;
	}
	f[0] = (struct sock_filter)LD_ANC(SKF_AD_VLAN_TAG_PRESENT);
	f[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
	    0);
	f[2] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)n,
	    0, 0);
	memcpy(f + 3, in, n * sizeof(*f));
	f[3 + n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, 0);
	base = 3 + n + 1;
	for (i = 0; i < n; i++) {
		k = vlan_xlate(&in[i], slot, seq, &changed);
		memcpy(f + base + at[i], seq, k * sizeof(*f));
		if (BPF_CLASS(in[i].code) != BPF_JMP)
			continue;
		/* A jump is never expanded: it is f[base + at[i]]. */
		j = base + at[i];
		if (BPF_OP(in[i].code) == BPF_JA) {
			if (i + 1 + in[i].k > n)
				goto bad;
			f[j].k = (uint32_t)(at[i + 1 + in[i].k] - at[i] - 1);
			continue;
		}
		if (i + 1 + in[i].jt > n || i + 1 + in[i].jf > n)
			goto bad;
		off = (long)at[i + 1 + in[i].jt] - (long)at[i] - 1;
		if (off > 255)
			goto bad;
		f[j].jt = (uint8_t)off;
		off = (long)at[i + 1 + in[i].jf] - (long)at[i] - 1;
		if (off > 255)
			goto bad;
		f[j].jf = (uint8_t)off;
	}
	free(at);
	free(prog->filter);
	prog->filter = f;
	prog->len = (unsigned short)total;
	return 0;
bad:
	/* A jump that no longer reaches: the program stays as it was. */
	free(f);
asis:
	free(at);
	return 0;
}

/*
 * a, with each "ret #k" (k > 0, accept) turned into a jump to b:
 *
 *	... a, its "ret #0" kept, its "ret #k" now "ja b"
 * b:
 *	ld	#0				; A and X as a fresh program
 *	ldx	#0				; finds them
 *	... b
 *
 * A jump takes the place of a return, so a's own jumps keep their
 * offsets; "ja" has 32 bits of offset and reaches b from anywhere.  A
 * return of A or X (a verdict computed at run time) is refused rather
 * than guessed at: libpcap never makes one.
 */
int
filter_and(const struct sock_fprog *a, const struct sock_fprog *b,
    struct sock_fprog *out)
{
	struct sock_filter *f;
	size_t n, i;
	uint16_t code;

	if (a->len == 0 || a->filter == NULL || b->len == 0 ||
	    b->filter == NULL || (size_t)a->len + 2 + b->len >
	    BPF_MAXINSNS - FILTER_CONFINE_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < a->len; i++) {
		code = a->filter[i].code;
		if (BPF_CLASS(code) == BPF_RET && BPF_RVAL(code) != BPF_K) {
			errno = EINVAL;
			return -1;
		}
	}
	n = (size_t)a->len + 2 + b->len;
	if ((f = calloc(n, sizeof(*f))) == NULL)
		return -1;
	for (i = 0; i < a->len; i++) {
		f[i] = a->filter[i];
		if (BPF_CLASS(f[i].code) == BPF_RET && f[i].k != 0)
			f[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
			    (uint32_t)(a->len - i - 1), 0, 0);
	}
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	memcpy(f + i, b->filter, b->len * sizeof(*f));
	out->len = (unsigned short)n;
	out->filter = f;
	return 0;
}

void
filter_free(struct sock_fprog *prog)
{
	if (prog == NULL)
		return;
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}
