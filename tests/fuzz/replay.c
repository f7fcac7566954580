/*
 * replay: a main() for the fuzz harnesses, so that `make check` runs every
 * seed and regression input through them with the ordinary compiler (and
 * ASan/UBSan under SANITIZE=1), without libFuzzer.
 *
 *	NAME.replay FILE|DIR...
 *
 * Prints TAP: one test per input.  A crash is a crash: the sanitizers or
 * the kernel end the run, and prove reports the missing tests.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

/* Runs the harness on the contents of path. */
static void
replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	size_t off = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		err(111, "%s", path);
	/* One spare byte, so that an empty file is still a valid pointer. */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		err(111, "malloc");
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			err(111, "%s: read", path);
		off += (size_t)n;
	}
	close(fd);
	LLVMFuzzerTestOneInput(buf, off);
	free(buf);
	printf("ok %d - %s\n", ++count, path);
	fflush(stdout);
}

static void
replay(const char *path)
{
	struct dirent **ents;
	struct stat st;
	char sub[4096];
	int i, n;

	if (stat(path, &st) == -1)
		err(111, "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	if ((n = scandir(path, &ents, NULL, alphasort)) == -1)
		err(111, "%s", path);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			replay(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		replay(argv[i]);
	printf("1..%d\n", count);
	return 0;
}
