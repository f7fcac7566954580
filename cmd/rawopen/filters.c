/*
 * rawopen's filters: libpcap runs only in a child that has dropped every
 * privilege (lib/filterproc), before any socket exists.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdcap.h"
#include "filter.h"
#include "filterproc.h"
#include "policy.h"
#include "priv.h"

#include "rawopen.h"

/* The filter child's drop: arg is the target. */
int
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
int
compile_exprs(const char *const *exprs, size_t n, unsigned snaplen,
    filterproc_drop_fn drop, void *arg, struct sock_fprog *progs,
    size_t *bad, char errbuf[FILTER_ERRLEN])
{
	struct filterproc fp;
	int status;

	if (filterproc_start(&fp, exprs, n, snaplen, drop, arg, &status) == 0)
		_exit(status);
	return filterproc_finish(&fp, exprs, n, progs, bad, errbuf);
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
void
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
	if (compile_exprs(exprs, n, SNAPLEN, drop_for_filters,
	    (void *)t, progs, &bad, errbuf) == -1) {
		if (errno != EINVAL && errno != EMSGSIZE)
			errx(EXIT_SYS, "filter: %s", errbuf);
		if (bad == 0)
			errx(EXIT_USAGE, "-F: %s", errbuf);
		errx(EXIT_REFUSED, "refused: %s:%d: filter of the rule for "
		    "%s: %s", o->conf, o->socks[bad - 1].grant.line,
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
