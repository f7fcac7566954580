/*
 * Unit tests of lib/priv: each case runs in a child of its own, because
 * what it does to the process (dropping privilege) cannot be undone.
 * Runs as root; skipped otherwise.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"
#include "tap.h"

/*
 * Runs fn in a child and returns its exit status: 0 when every check in it
 * passed, else the number of the check that failed (256 + signal when it
 * died).
 */
static int
run(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 256 + WTERMSIG(st);
}

/* Whether socket(AF_PACKET, SOCK_RAW) works now. */
static int
can_packet(void)
{
	int fd;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	close(fd);
	return 1;
}

static int
c_stdfds(void)
{
	struct stat st;

	close(0);
	close(2);
	if (priv_stdfds() == -1)
		return 1;
	if (fstat(0, &st) == -1 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		return 2;
	if (fstat(2, &st) == -1 || !S_ISCHR(st.st_mode))
		return 3;
	/* Opened without close-on-exec: the program keeps them. */
	if (fcntl(0, F_GETFD) != 0)
		return 4;
	return priv_stdfds() == 0 ? 0 : 5;
}

static void *
sleeper(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static int
c_threads(void)
{
	pthread_t th;

	if (priv_threads() != 1)
		return 1;
	if (pthread_create(&th, NULL, sleeper, NULL) != 0)
		return 2;
	return priv_threads() == 2 ? 0 : 3;
}

static int
c_limit_raise(void)
{
	cap_value_t keep[] = { CAP_NET_RAW };

	if (priv_limit(keep, 1) == -1)
		return 1;
	if (priv_permitted(CAP_NET_RAW) != 1 || priv_permitted(CAP_SETUID) != 0)
		return 2;
	if (can_packet())		/* the effective set is empty */
		return 3;
	if (priv_raise(CAP_NET_RAW) == -1 || !can_packet())
		return 4;
	if (priv_lower(CAP_NET_RAW) == -1 || can_packet())
		return 5;
	if (priv_raise(CAP_SETUID) != -1 || errno != EPERM)
		return 6;
	return 0;
}

/*
 * A setuid-root start (real uid 65534, effective 0): priv_become_real()
 * makes every id 65534 and keeps the permitted set, and a packet socket
 * made afterwards belongs to uid 65534.  Run as root, it does nothing.
 */
static int
c_become_real(void)
{
	cap_value_t keep[] = { CAP_NET_RAW, CAP_SETUID };
	struct stat sb;
	uid_t r, e, s;
	int fd;

	if (priv_become_real() != 0)
		return 1;
	if (setresuid(65534, 0, 0) == -1 || priv_limit(keep, 2) == -1)
		return 2;
	if (priv_become_real() != 1)
		return 3;
	if (getresuid(&r, &e, &s) == -1 || r != 65534 || e != 65534 ||
	    s != 65534)
		return 4;
	if (priv_permitted(CAP_NET_RAW) != 1 || can_packet())
		return 5;
	if (priv_raise(CAP_NET_RAW) == -1)
		return 6;
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1 ||
	    fstat(fd, &sb) == -1 || sb.st_uid != 65534)
		return 7;
	return 0;
}

static int
c_become_real_nocap(void)
{
	cap_value_t keep[] = { CAP_NET_RAW };

	if (setresuid(65534, 0, 0) == -1 || priv_limit(keep, 1) == -1)
		return 1;
	errno = 0;
	if (priv_become_real() != -1 || errno != EPERM)
		return 2;
	return 0;
}

static int
c_targets(void)
{
	struct priv_target t;
	size_t i;

	if (priv_target_user("nobody", &t) == -1)
		return 1;
	if (t.uid != 65534 || t.gid != 65534 || t.groups == NULL)
		return 2;
	for (i = 0; i < t.ngroups && t.groups[i] != 65534; i++)
		;
	if (i == t.ngroups)
		return 3;
	priv_target_free(&t);
	if (priv_target_user("65534", &t) == -1 || t.uid != 65534)
		return 4;
	priv_target_free(&t);
	if (priv_target_user("fdcap-no-such-user", &t) != -1 || errno != ENOENT)
		return 5;
	if (priv_target_user("4242999", &t) != -1 || errno != ENOENT)
		return 6;
	if (priv_target_ids(4242999, 4243999, &t) == -1 || t.uid != 4242999 ||
	    t.ngroups != 1 || t.groups[0] != 4243999)
		return 7;
	priv_target_free(&t);
	if (priv_target_self(&t) == -1 || t.uid != 0 || t.groups != NULL)
		return 8;
	return 0;
}

static int
c_drop_nobody(void)
{
	struct priv_target t;
	const char *what;
	uid_t r, e, s;

	if (priv_target_user("nobody", &t) == -1)
		return 1;
	if (priv_drop(&t, &what) == -1)
		return 2;
	if (priv_verify(&t, &what) == -1)
		return 3;
	if (getresuid(&r, &e, &s) == -1 || r != 65534 || e != 65534 ||
	    s != 65534)
		return 4;
	/* Root held CAP_SETPCAP, so the bounding set went too. */
	if (prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) != 0)
		return 5;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 6;
	if (can_packet())
		return 7;
	return 0;
}

static int
c_drop_root(void)
{
	struct priv_target t;
	const char *what;

	priv_target_self(&t);
	if (priv_drop(&t, &what) == -1)
		return 1;
	if (priv_verify(&t, &what) == -1)
		return 2;
	if (getuid() != 0 || geteuid() != 0)
		return 3;
	if (can_packet() || setuid(1) != -1)
		return 4;
	return 0;
}

/* A limited drop that leaves CAP_NET_RAW permitted must not verify. */
static int
c_verify_cap_held(void)
{
	cap_value_t keep[] = { CAP_NET_RAW };
	struct priv_target t;
	const char *what;

	priv_target_self(&t);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    priv_limit(keep, 1) == -1)
		return 1;
	if (priv_verify(&t, &what) != -1 || errno != EPERM)
		return 2;
	return strcmp(what, "capabilities") == 0 ? 0 : 3;
}

static int
c_verify_no_nnp(void)
{
	struct priv_target t = { 65534, 65534, NULL, 0 };
	const char *what;

	if (setresgid(65534, 65534, 65534) == -1 ||
	    setresuid(65534, 65534, 65534) == -1)
		return 1;
	if (priv_verify(&t, &what) != -1 || strcmp(what, "no_new_privs") != 0)
		return 2;
	return 0;
}

static int
c_verify_root_bounding(void)
{
	struct priv_target t;
	const char *what;

	priv_target_self(&t);
	if (priv_limit(NULL, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return 1;
	if (priv_verify(&t, &what) != -1 || strcmp(what, "bounding") != 0)
		return 2;
	return 0;
}

static int
c_verify_wrong_ids(void)
{
	struct priv_target t = { 65534, 0, NULL, 0 };
	const char *what;

	if (priv_verify(&t, &what) != -1 || strcmp(what, "uid") != 0)
		return 1;
	t.uid = 0;
	t.gid = 65534;
	if (priv_verify(&t, &what) != -1 || strcmp(what, "gid") != 0)
		return 2;
	return 0;
}

static int
c_verify_groups(void)
{
	gid_t want[] = { 65534 }, have[] = { 0, 4 };
	struct priv_target t = { 0, 0, want, 1 };
	const char *what;

	if (setgroups(2, have) == -1)
		return 1;
	if (priv_verify(&t, &what) != -1 || strcmp(what, "groups") != 0)
		return 2;
	return 0;
}

/* An unprivileged process cannot become root: the step is named. */
static int
c_drop_fails(void)
{
	struct priv_target t = { 0, 0, NULL, 0 };
	const char *what;

	if (setresgid(65534, 65534, 65534) == -1 ||
	    setresuid(65534, 65534, 65534) == -1)
		return 1;
	if (priv_drop(&t, &what) != -1 || errno != EPERM)
		return 2;
	return strcmp(what, "setresgid") == 0 ? 0 : 3;
}

static int
c_describe(void)
{
	cap_value_t keep[] = { CAP_NET_RAW };
	char buf[1024];

	if (priv_describe(NULL, buf, sizeof(buf)) == -1 ||
	    strstr(buf, "bounding none") != NULL ||
	    strstr(buf, "no_new_privs 0") == NULL)
		return 1;
	if (priv_limit(keep, 1) == -1 || priv_describe(NULL, buf, sizeof(buf)) == -1)
		return 2;
	if (strstr(buf, "\"cap_net_raw=p\"") == NULL ||
	    strstr(buf, "ambient none") == NULL)
		return 3;
	return 0;
}

int
main(void)
{
	if (geteuid() != 0)
		skip_all("needs root");
	plan(15);
	is_int(run(c_stdfds), 0, "stdfds: closed 0 and 2 become /dev/null");
	is_int(run(c_threads), 0, "threads: counts 1, then 2");
	is_int(run(c_limit_raise), 0,
	    "limit keeps only what is asked; raise/lower the effective bit");
	is_int(run(c_become_real), 0,
	    "become_real: a setuid start becomes the caller, caps kept");
	is_int(run(c_become_real_nocap), 0,
	    "become_real without CAP_SETUID: EPERM");
	is_int(run(c_targets), 0, "targets: by name, number, ids, self");
	is_int(run(c_drop_nobody), 0, "drop root to nobody, verified");
	is_int(run(c_drop_root), 0, "drop to uid 0 without capabilities, verified");
	is_int(run(c_verify_cap_held), 0, "verify fails while a cap is held");
	is_int(run(c_verify_no_nnp), 0, "verify fails without no_new_privs");
	is_int(run(c_verify_root_bounding), 0,
	    "verify fails for uid 0 with a bounding set");
	is_int(run(c_verify_wrong_ids), 0, "verify fails on wrong uid, gid");
	is_int(run(c_verify_groups), 0, "verify fails on other groups");
	is_int(run(c_drop_fails), 0, "drop names the step that failed");
	is_int(run(c_describe), 0, "describe says the sets");
	return done();
}
