/*
 * priv: holding privilege briefly, giving it up for good, and proving it
 * was given up.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_ether.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ids.h"
#include "priv.h"

/* Frees a libcap object, keeping errno. */
static void
priv_capfree(void *p)
{
	int saved = errno;

	cap_free(p);
	errno = saved;
}

int
priv_stdfds(void)
{
	int fd, nfd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (errno != EBADF)
			return -1;
		/* The lowest free fd is fd: every fd below it is open. */
		if ((nfd = open("/dev/null", O_RDWR)) == -1)
			return -1;
		if (nfd != fd) {
			close(nfd);
			errno = EBADF;
			return -1;
		}
	}
	return 0;
}

int
priv_threads(void)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	const char *errstr;
	long long n = -1;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return -1;
	while (getline(&line, &cap, f) != -1) {
		if (strncmp(line, "Threads:", 8) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		n = strtonum(line + 8 + strspn(line + 8, " \t"), 1, 1 << 22,
		    &errstr);
		if (errstr != NULL)
			n = -1;
		break;
	}
	free(line);
	fclose(f);
	if (n == -1) {
		errno = EPROTO;
		return -1;
	}
	return (int)n;
}

int
priv_init_userns(void)
{
	char buf[128];
	unsigned long inside, outside, count;
	ssize_t n;
	int fd, extra;

	if ((fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	/* One line, "0 0 4294967295", and nothing after it. */
	if (sscanf(buf, "%lu %lu %lu %n", &inside, &outside, &count,
	    &extra) != 3)
		return 0;
	return inside == 0 && outside == 0 && count == 4294967295UL &&
	    buf[extra] == '\0';
}

int
priv_limit(const cap_value_t *keep, size_t n)
{
	cap_t cur, new;
	cap_flag_value_t v;
	size_t i;
	int rc = -1;

	if ((cur = cap_get_proc()) == NULL)
		return -1;
	if ((new = cap_init()) == NULL) {
		priv_capfree(cur);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (cap_get_flag(cur, keep[i], CAP_PERMITTED, &v) == -1)
			goto out;
		if (v == CAP_SET &&
		    cap_set_flag(new, CAP_PERMITTED, 1, &keep[i], CAP_SET) == -1)
			goto out;
	}
	rc = cap_set_proc(new);
out:
	priv_capfree(cur);
	priv_capfree(new);
	return rc;
}

int
priv_become_real(void)
{
	uid_t r, e, sv;
	int rc, err;

	if (getresuid(&r, &e, &sv) == -1)
		return -1;
	if (e != 0 || r == 0)
		return 0;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return -1;
	rc = priv_raise(CAP_SETUID);
	if (rc == 0)
		rc = setresuid(r, r, r);
	err = errno;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 && rc == 0) {
		err = errno;
		rc = -1;
	}
	/* Lowers CAP_SETUID where the switch failed; a no-op where it took. */
	(void)priv_lower(CAP_SETUID);
	if (rc == 0 && (getresuid(&r, &e, &sv) == -1 || r != e || r != sv ||
	    r == 0)) {
		err = EPERM;
		rc = -1;
	}
	errno = err;
	return rc == 0 ? 1 : -1;
}

int
priv_permitted(cap_value_t cap)
{
	cap_t cur;
	cap_flag_value_t v;
	int rc;

	if ((cur = cap_get_proc()) == NULL)
		return -1;
	rc = cap_get_flag(cur, cap, CAP_PERMITTED, &v);
	priv_capfree(cur);
	if (rc == -1)
		return -1;
	return v == CAP_SET;
}

/* Sets cap in the effective set to v. */
static int
priv_effective(cap_value_t cap, cap_flag_value_t v)
{
	cap_t cur;
	int rc = -1;

	if ((cur = cap_get_proc()) == NULL)
		return -1;
	if (cap_set_flag(cur, CAP_EFFECTIVE, 1, &cap, v) == 0)
		rc = cap_set_proc(cur);
	priv_capfree(cur);
	return rc;
}

int
priv_raise(cap_value_t cap)
{
	return priv_effective(cap, CAP_SET);
}

int
priv_lower(cap_value_t cap)
{
	return priv_effective(cap, CAP_CLEAR);
}

int
priv_target_self(struct priv_target *t)
{
	t->uid = getuid();
	t->gid = getgid();
	t->groups = NULL;
	t->ngroups = 0;
	return 0;
}

/*
 * The groups of the user called name with primary group gid, into t
 * (getgrouplist(3) always includes gid).
 */
static int
priv_grouplist(const char *name, gid_t gid, struct priv_target *t)
{
	gid_t *g = NULL, *ng;
	int n = 16, want;

	for (;;) {
		if ((ng = reallocarray(g, (size_t)n, sizeof(*g))) == NULL) {
			free(g);
			return -1;
		}
		g = ng;
		want = n;
		if (getgrouplist(name, gid, g, &want) != -1)
			break;
		if (want <= n)		/* no progress: refuse to loop */
			want = n * 2;
		if (want > 65536) {
			free(g);
			errno = ENOMEM;
			return -1;
		}
		n = want;
	}
	t->groups = g;
	t->ngroups = (size_t)want;
	return 0;
}

int
priv_target_user(const char *user, struct priv_target *t)
{
	struct passwd *pw;
	uid_t uid;

	if (ids_uid(user, &uid) == -1)
		return -1;
	errno = 0;
	if ((pw = getpwuid(uid)) == NULL) {
		if (errno == 0)
			errno = ENOENT;
		return -1;
	}
	t->uid = pw->pw_uid;
	t->gid = pw->pw_gid;
	return priv_grouplist(pw->pw_name, pw->pw_gid, t);
}

int
priv_target_ids(uid_t uid, gid_t gid, struct priv_target *t)
{
	struct passwd *pw;

	t->uid = uid;
	t->gid = gid;
	if ((pw = getpwuid(uid)) != NULL)
		return priv_grouplist(pw->pw_name, gid, t);
	if ((t->groups = malloc(sizeof(*t->groups))) == NULL)
		return -1;
	t->groups[0] = gid;
	t->ngroups = 1;
	return 0;
}

void
priv_target_free(struct priv_target *t)
{
	free(t->groups);
	t->groups = NULL;
	t->ngroups = 0;
}

/* Makes the effective set equal to the permitted set. */
static int
priv_raise_all(void)
{
	cap_t cur;
	cap_flag_value_t v;
	cap_value_t c, max = cap_max_bits();
	int rc = -1;

	if ((cur = cap_get_proc()) == NULL)
		return -1;
	for (c = 0; c < max; c++) {
		if (cap_get_flag(cur, c, CAP_PERMITTED, &v) == -1 ||
		    cap_set_flag(cur, CAP_EFFECTIVE, 1, &c, v) == -1)
			goto out;
	}
	rc = cap_set_proc(cur);
out:
	priv_capfree(cur);
	return rc;
}

/* Empties the bounding set; CAP_SETPCAP must be effective. */
static int
priv_drop_bounding(void)
{
	cap_value_t c, max = cap_max_bits();

	/* Dropping a capability that is not there succeeds: no need to read. */
	for (c = 0; c < max; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1)
			return -1;
	return 0;
}

/* Empties the effective, permitted and inheritable sets. */
static int
priv_clear_caps(void)
{
	cap_t none;
	int rc;

	if ((none = cap_init()) == NULL)
		return -1;
	rc = cap_set_proc(none);
	priv_capfree(none);
	return rc;
}

int
priv_drop(const struct priv_target *t, const char **what)
{
	int setpcap;

	*what = "capabilities";
	if ((setpcap = priv_permitted(CAP_SETPCAP)) == -1 ||
	    priv_raise_all() == -1)
		return -1;
	*what = "bounding";
	if (setpcap && priv_drop_bounding() == -1)
		return -1;
	*what = "setgroups";
	if (t->groups != NULL && setgroups(t->ngroups, t->groups) == -1)
		return -1;
	*what = "setresgid";
	if (setresgid(t->gid, t->gid, t->gid) == -1)
		return -1;
	*what = "setresuid";
	if (setresuid(t->uid, t->uid, t->uid) == -1)
		return -1;
	*what = "capabilities";
	if (priv_clear_caps() == -1)
		return -1;
	*what = "ambient";
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)		/* EINVAL: a kernel without ambient */
		return -1;
	*what = "no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	*what = NULL;
	return 0;
}

/* Whether every gid of a[] is in b[]. */
static int
priv_subset(const gid_t *a, size_t na, const gid_t *b, size_t nb)
{
	size_t i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return 0;
	}
	return 1;
}

/* Whether the supplementary groups are exactly the set of t's. */
static int
priv_groups_are(const struct priv_target *t)
{
	gid_t *g;
	int n, same;

	if ((n = getgroups(0, NULL)) == -1)
		return -1;
	if ((g = calloc((size_t)n + 1, sizeof(*g))) == NULL)
		return -1;
	if ((n = getgroups(n, g)) == -1) {
		free(g);
		return -1;
	}
	same = priv_subset(g, (size_t)n, t->groups, t->ngroups) &&
	    priv_subset(t->groups, t->ngroups, g, (size_t)n);
	free(g);
	return same;
}

/* Whether the effective, permitted and inheritable sets are all empty. */
static int
priv_caps_empty(void)
{
	cap_t cur, none;
	int diff;

	if ((cur = cap_get_proc()) == NULL)
		return -1;
	if ((none = cap_init()) == NULL) {
		priv_capfree(cur);
		return -1;
	}
	diff = cap_compare(cur, none);
	priv_capfree(cur);
	priv_capfree(none);
	if (diff < 0)
		return -1;
	return diff == 0;
}

/*
 * The number of capabilities set in the ambient set (PR_CAP_AMBIENT) or
 * the bounding set (PR_CAPBSET_READ), or -1 with errno.  A kernel without
 * ambient capabilities has an empty ambient set.
 */
static int
priv_count(int ambient)
{
	cap_value_t c, max = cap_max_bits();
	int n = 0, r;

	for (c = 0; c < max; c++) {
		if (ambient)
			r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
		else
			r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (r == -1) {
			if (ambient && errno == EINVAL && c == 0)
				return 0;
			return -1;
		}
		n += r == 1;
	}
	return n;
}

/* Sets *what and errno for a failed check. */
static int
priv_fail(const char **what, const char *check, int e)
{
	*what = check;
	errno = e;
	return -1;
}

int
priv_verify(const struct priv_target *t, const char **what)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int r, fd;

	if (getresuid(&ru, &eu, &su) == -1)
		return priv_fail(what, "uid", errno);
	if (ru != t->uid || eu != t->uid || su != t->uid)
		return priv_fail(what, "uid", EPERM);
	if (getresgid(&rg, &eg, &sg) == -1)
		return priv_fail(what, "gid", errno);
	if (rg != t->gid || eg != t->gid || sg != t->gid)
		return priv_fail(what, "gid", EPERM);
	if (t->groups != NULL && (r = priv_groups_are(t)) != 1)
		return priv_fail(what, "groups", r == -1 ? errno : EPERM);
	if ((r = priv_caps_empty()) != 1)
		return priv_fail(what, "capabilities", r == -1 ? errno : EPERM);
	if ((r = priv_count(1)) != 0)
		return priv_fail(what, "ambient", r == -1 ? errno : EPERM);
	if ((r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) != 1)
		return priv_fail(what, "no_new_privs", r == -1 ? errno : EPERM);
	/* uid 0 would get every capability back from any exec. */
	if (t->uid == 0 && (r = priv_count(0)) != 0)
		return priv_fail(what, "bounding", r == -1 ? errno : EPERM);
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) != -1) {
		close(fd);
		return priv_fail(what, "canary", EPERM);
	}
	if (errno != EPERM)
		return priv_fail(what, "canary", errno);
	*what = NULL;
	return 0;
}

int
priv_describe(cap_t sets, char *buf, size_t len)
{
	cap_t cur = NULL;
	char *text, *name, amb[512], bnd[32];
	cap_value_t c, max = cap_max_bits();
	size_t off = 0;
	int nb, nnp;

	if (sets == NULL && (sets = cur = cap_get_proc()) == NULL)
		return -1;
	text = cap_to_text(sets, NULL);
	if (cur != NULL)
		priv_capfree(cur);
	if (text == NULL)
		return -1;
	amb[0] = '\0';
	for (c = 0; c < max && off < sizeof(amb) - 1; c++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) != 1 ||
		    (name = cap_to_name(c)) == NULL)
			continue;
		off += (size_t)snprintf(amb + off, sizeof(amb) - off, "%s%s",
		    off ? "," : "", name);
		cap_free(name);
	}
	nb = priv_count(0);
	if (nb == (int)max)
		strlcpy(bnd, "all", sizeof(bnd));
	else if (nb == 0)
		strlcpy(bnd, "none", sizeof(bnd));
	else
		snprintf(bnd, sizeof(bnd), "%d of %d", nb, (int)max);
	nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	snprintf(buf, len, "sets \"%s\", ambient %s, bounding %s, "
	    "no_new_privs %d", text, amb[0] ? amb : "none", bnd, nnp);
	cap_free(text);
	return 0;
}
