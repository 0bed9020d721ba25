/*
 * check_fuzz_corpus.c - replay every seed and regression input of the
 * libFuzzer targets (fuzz/fuzz_*.c, built with FUZZ_NO_MAIN) so that make
 * check, and its sanitizer build, run the parser properties of the TS
 * 23.040 TPDU and UDH codecs and of WDP reassembly on them.
 *
 * FUZZ_CORPUS_DIR is the absolute path of fuzz/corpus, set by
 * Makefile.am; each target reads the files of its own subdirectory.  A
 * target whose directory is empty or missing fails: a replay that finds
 * nothing proves nothing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <signal.h>
#include <unistd.h>

#include "testutil.h"

#include "fuzz/targets.h"

#ifndef FUZZ_CORPUS_DIR
#error "FUZZ_CORPUS_DIR must name the fuzz/corpus directory"
#endif

/* Larger than any input the targets care about; corpus files are small. */
#define INPUT_MAX	(64 * 1024)

struct target {
	const char	*name;
	int		(*fn)(const uint8_t *, size_t);
};

static const struct target targets[] = {
	{ "tpdu", fuzz_tpdu },
	{ "udh", fuzz_udh },
	{ "wdp", fuzz_wdp },
	{ "link", fuzz_link },
};

/* The input being replayed, named when the replay dies. */
static char current[4096];

/* Present only in sanitizer builds (GCC's and clang's runtimes). */
extern void __sanitizer_set_death_callback(void (*)(void))
    __attribute__((weak));

static void
name_current(void)
{
	static const char pfx[] = "fuzz corpus: died replaying ";

	if (current[0] == '\0')
		return;
	(void)!write(STDERR_FILENO, pfx, sizeof(pfx) - 1);
	(void)!write(STDERR_FILENO, current, strlen(current));
	(void)!write(STDERR_FILENO, "\n", 1);
}

static void
on_signal(int sig)
{
	name_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
setup(void)
{
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(name_current);
}

/* Read path whole into a fresh buffer; *len is its size. */
static uint8_t *
read_file(const char *path, size_t *len)
{
	uint8_t *buf;
	FILE *f;

	ck_assert_msg((f = fopen(path, "rb")) != NULL, "cannot open %s", path);
	/* One extra octet so that a malloc(0) is never asked for. */
	ck_assert((buf = malloc(INPUT_MAX + 1)) != NULL);
	*len = fread(buf, 1, INPUT_MAX + 1, f);
	ck_assert_msg(!ferror(f), "cannot read %s", path);
	ck_assert_msg(*len <= INPUT_MAX, "%s is over %d octets", path,
	    INPUT_MAX);
	fclose(f);
	return buf;
}

/* Feed one corpus file to t; returns 1 if it was a regular file. */
static int
replay(const struct target *t, const char *dir, const char *name)
{
	char path[4096];
	struct stat sb;
	uint8_t *buf, *copy;
	size_t len;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	ck_assert_msg(stat(path, &sb) == 0, "cannot stat %s", path);
	if (!S_ISREG(sb.st_mode))
		return 0;
	buf = read_file(path, &len);
	/* An exact-size copy, so that ASan sees any read past the end. */
	ck_assert((copy = malloc(len + (len == 0))) != NULL);
	memcpy(copy, buf, len);
	free(buf);
	memcpy(current, path, sizeof(current));
	ck_assert_msg(t->fn(copy, len) == 0, "fuzz_%s(%s) failed", t->name,
	    path);
	current[0] = '\0';
	free(copy);
	return 1;
}

START_TEST(test_corpus)
{
	const struct target *t = &targets[_i];
	char dir[4096];
	struct dirent *de;
	DIR *d;
	int n, files = 0;

	n = snprintf(dir, sizeof(dir), "%s/%s", FUZZ_CORPUS_DIR, t->name);
	ck_assert(n > 0 && (size_t)n < sizeof(dir));
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open corpus %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		files += replay(t, dir, de->d_name);
	}
	closedir(d);
	ck_assert_msg(files > 0, "corpus %s is empty", dir);
}
END_TEST

static Suite *
fuzz_corpus_suite(void)
{
	Suite *s = suite_create("fuzz_corpus");
	TCase *tc = tcase_create("replay");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_corpus, 0,
	    (int)(sizeof(targets) / sizeof(targets[0])));
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(fuzz_corpus_suite)
