/*
 * policy_int: what lib/policy.c (the grammar), lib/policyfile.c (the file
 * checks and loading) and lib/policymatch.c (granting and suggesting)
 * share.  Private to them: lib/policy.h is the module's one public header.
 */
#ifndef LIB_POLICY_INT_H
#define LIB_POLICY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define ETHTYPE_MIN	0x0600	/* below: lengths and kernel pseudo-types */

enum principal {
	PRIN_ANY,		/* * */
	PRIN_USER,		/* user:NAME|UID */
	PRIN_GROUP		/* group:NAME|GID */
};

enum filtmode {
	FILT_NONE,		/* no filter= */
	FILT_REQUIRED,		/* filter=required */
	FILT_EXPR		/* filter="EXPR" */
};

/* An ethertype or a port, or a range of them. */
struct span {
	unsigned	lo, hi;
	int		range;		/* written as A-B */
};

#define FAM_IPV4	1
#define FAM_IPV6	2
#define L4_TCP		1
#define L4_UDP		2

/* An address of addr=: 4 bytes of IPv4 or 16 of IPv6, network order. */
struct paddr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	a[16];
};

struct policy_rule {
	int		 line;
	enum principal	 prin;
	unsigned	 id;		/* uid or gid */
	enum policy_kind kind;

	/* packet */
	char		*ifbuf;		/* the iface= value, cut at the commas */
	char		**ifaces;
	size_t		 nifaces;
	struct span	*types;
	size_t		 ntypes;
	int		 promisc;
	enum filtmode	 filtmode;
	char		*filter;
	enum policy_send send;
	int		 spoof;
	int		 outgoing;
	unsigned	 fanout;	/* fanout=: the most sockets per pair */

	/* ip */
	unsigned char	 protos[256];
	int		 families;

	/* port */
	int		 l4;
	struct span	*ports;
	size_t		 nports;
	struct paddr	*addrs;		/* addr=, or NULL: any address */
	size_t		 naddrs;

	/* tap */
	char		*namebuf;	/* the name= value, cut at the commas */
	char		**names;
	size_t		 nnames;
	int		 modes;		/* POLICY_MODE_TAP | POLICY_MODE_TUN */
	char		*brbuf;		/* the bridge= value, cut likewise */
	char		**bridges;	/* NULL: no --bridge granted */
	size_t		 nbridges;
};

struct policy {
	struct policy_rule	*rules;
	size_t		 nrules;
	char		*name;		/* the path or name it was parsed as */
};

/*
 * Formats a message into the buffer err, of POLICY_ERRLEN bytes (cut
 * short if need be), sets errno to e and returns -1.
 */
int	policy_fail(char *err, int e, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif /* LIB_POLICY_INT_H */
