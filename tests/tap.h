/*
 * tap.h: a minimal Test Anything Protocol producer for the C unit tests.
 *
 *	plan(n);  ok(cond, "what");  is_int(got, want, "what");
 *	is_str(got, want, "what");  is_mem(got, want, len, "what");
 *	diag("fmt", ...);  skip(n, "why");  skip_all("why");  return done();
 *
 * Header only, so that each test is one file.  Output goes to stdout,
 * diagnostics to stderr, as prove(1) expects.
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned = -1;

static void __attribute__((unused))
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static void __attribute__((unused, format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int __attribute__((unused))
tap_result(int pass, const char *name)
{
	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - %s\n", pass ? "" : "not ", tap_run, name);
	fflush(stdout);
	return pass;
}

#define ok(cond, name) \
	(tap_result(!!(cond), (name)) ? 1 : \
	 (diag("  failed at %s:%d: %s", __FILE__, __LINE__, #cond), 0))

#define is_int(got, want, name) \
	tap_is_int((long long)(got), (long long)(want), (name), __FILE__, __LINE__)

static int __attribute__((unused))
tap_is_int(long long got, long long want, const char *name,
    const char *file, int line)
{
	if (tap_result(got == want, name))
		return 1;
	diag("  failed at %s:%d: got %lld, want %lld", file, line, got, want);
	return 0;
}

#define is_str(got, want, name) \
	tap_is_str((got), (want), (name), __FILE__, __LINE__)

static int __attribute__((unused))
tap_is_str(const char *got, const char *want, const char *name,
    const char *file, int line)
{
	int pass;

	if (got == NULL || want == NULL)
		pass = got == want;
	else
		pass = strcmp(got, want) == 0;
	if (tap_result(pass, name))
		return 1;
	diag("  failed at %s:%d: got \"%s\", want \"%s\"", file, line,
	    got ? got : "(null)", want ? want : "(null)");
	return 0;
}

#define is_mem(got, want, len, name) \
	tap_is_mem((got), (want), (len), (name), __FILE__, __LINE__)

static int __attribute__((unused))
tap_is_mem(const void *got, const void *want, size_t len, const char *name,
    const char *file, int line)
{
	const unsigned char *g = got, *w = want;
	size_t i;

	if (tap_result(memcmp(got, want, len) == 0, name))
		return 1;
	for (i = 0; i < len && g[i] == w[i]; i++)
		;
	diag("  failed at %s:%d: first difference at byte %zu: got 0x%02x, "
	    "want 0x%02x", file, line, i, g[i], w[i]);
	return 0;
}

static void __attribute__((unused))
skip(int n, const char *why)
{
	while (n-- > 0) {
		tap_run++;
		printf("ok %d # skip %s\n", tap_run, why);
	}
	fflush(stdout);
}

static void __attribute__((unused, noreturn))
skip_all(const char *why)
{
	printf("1..0 # skip %s\n", why);
	exit(0);
}

static int __attribute__((unused))
done(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	return tap_failed != 0 || (tap_planned >= 0 && tap_planned != tap_run);
}

#endif /* TESTS_TAP_H */
