/*
 * check_creds.c - the PSK store (text format, every parse error with its
 * line, file permission checks, lookup over 10^5 identities, add and
 * replace) and smsdtls_read_file().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "transport/creds.h"

#define NBIG	100000

static char tmpdir[64];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_creds.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Remove what the tests left in tmpdir (files and empty directories). */
static void
tmp_teardown(void)
{
	char path[sizeof(tmpdir) + 256 + 1];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if (unlink(path) == -1)
			rmdir(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* Write text to tmpdir/name with the given mode; returns the path. */
static const char *
tmp_file(const char *name, const void *text, size_t len, mode_t mode)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
	return path;
}

/* Assert that identity maps to the key given in hex. */
static void
assert_key(const struct smsdtls_psk_store *st, const char *id,
    const char *hex)
{
	uint8_t want[SMSDTLS_PSK_KEY_MAX];
	const uint8_t *key;
	size_t len = 0, wantlen;

	wantlen = test_unhex(hex, want, sizeof(want));
	key = creds_psk_lookup(st, id, &len);
	ck_assert_msg(key != NULL, "identity '%s' not found", id);
	ck_assert_uint_eq(len, wantlen);
	ck_assert_mem_eq(key, want, wantlen);
}

static struct smsdtls_psk_store *
parse_ok(const char *text)
{
	struct smsdtls_psk_store *st = NULL;
	char err[128] = "";

	ck_assert_msg(smsdtls_psk_store_parse(text, strlen(text), &st, err,
	    sizeof(err)) == SMSDTLS_OK, "parse failed: %s", err);
	ck_assert_ptr_nonnull(st);
	return st;
}

START_TEST(test_parse_valid)
{
	static const char text[] =
	    "# PSK store\n"
	    "\n"
	    "client1 00112233445566778899aabbccddeeff\n"
	    "   # indented comment\n"
	    "  \t \n"
	    "\tclient2\t\tDEADbeef  \n"
	    "crlf-client 0102\r\n"
	    "\r\n"
	    "#not-an-entry 00\n"
	    "x!~\"$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ff\n"
	    "last-no-newline 7f";
	struct smsdtls_psk_store *st;

	st = parse_ok(text);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 5);
	assert_key(st, "client1", "00112233445566778899aabbccddeeff");
	assert_key(st, "client2", "deadbeef");
	assert_key(st, "crlf-client", "0102");
	assert_key(st, "x!~\"$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "ff");
	assert_key(st, "last-no-newline", "7f");
	ck_assert_ptr_null(creds_psk_lookup(st, "#not-an-entry", NULL));
	ck_assert_ptr_null(creds_psk_lookup(st, "crlf-client\r", NULL));
	ck_assert_ptr_null(creds_psk_lookup(st, "Client1", NULL));
	smsdtls_psk_store_free(st);
}
END_TEST

START_TEST(test_parse_limits)
{
	char text[512], id[SMSDTLS_PSK_IDENTITY_MAX + 1];
	char hex[2 * SMSDTLS_PSK_KEY_MAX + 1];
	struct smsdtls_psk_store *st;
	uint8_t want[SMSDTLS_PSK_KEY_MAX];
	const uint8_t *key;
	size_t i, len = 0;

	for (i = 0; i < SMSDTLS_PSK_IDENTITY_MAX; i++)
		id[i] = (char)('!' + i % 94);
	id[i] = '\0';
	if (id[0] == '#')
		id[0] = 'A';
	for (i = 0; i < SMSDTLS_PSK_KEY_MAX; i++) {
		want[i] = (uint8_t)(0xa5 ^ i);
		snprintf(hex + 2 * i, 3, "%02x", want[i]);
	}
	snprintf(text, sizeof(text), "%s %s\r\nk 01\r\n", id, hex);
	st = parse_ok(text);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 2);
	ck_assert_uint_eq(strlen(id), 128);
	key = creds_psk_lookup(st, id, &len);
	ck_assert_ptr_nonnull(key);
	ck_assert_uint_eq(len, 64);
	ck_assert_mem_eq(key, want, 64);
	assert_key(st, "k", "01");
	smsdtls_psk_store_free(st);
}
END_TEST

START_TEST(test_parse_empty)
{
	struct smsdtls_psk_store *st = NULL;

	ck_assert_rc(smsdtls_psk_store_parse(NULL, 0, &st, NULL, 0),
	    SMSDTLS_OK);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 0);
	ck_assert_ptr_null(creds_psk_lookup(st, "a", NULL));
	smsdtls_psk_store_free(st);

	st = parse_ok("# only comments\n\n \r\n");
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 0);
	smsdtls_psk_store_free(st);
}
END_TEST

/* Every parse error, its line and its reason. */
static const struct {
	const char *text;
	size_t	len;		/* 0: strlen(text) */
	const char *err;
} parse_errors[] = {
	{ "a 0g\n", 0, "line 1: key is not hex (bad digit at position 2)" },
	{ "# c\n\nid 12z4\n", 0,
	    "line 3: key is not hex (bad digit at position 3)" },
	{ "ok 00\nid 0x12\n", 0,
	    "line 2: key is not hex (bad digit at position 2)" },
	{ "# c\n\nid 123\n", 0,
	    "line 3: key has an odd number of hex digits (3)" },
	{ "id 0\n", 0, "line 1: key has an odd number of hex digits (1)" },
	{ "id 00112233445566778899aabbccddeeff00112233445566778899aabbccdde"
	    "eff00112233445566778899aabbccddeeff00112233445566778899aabbcc"
	    "ddeeff00\n", 0, "line 1: key longer than 64 bytes (65)" },
	{ "ok 01\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxx 00\r\n", 0,
	    "line 2: identity longer than 128 bytes (129)" },
	{ "lonely\n", 0, "line 1: missing key after identity 'lonely'" },
	{ "a 00\n  lonely  \r\n", 0,
	    "line 2: missing key after identity 'lonely'" },
	{ "a 00\nb 11\na 22\n", 0,
	    "line 3: duplicate identity 'a' (first on line 1)" },
	{ "\n# x\nsame 00\r\n\r\nsame 00\r\n", 0,
	    "line 5: duplicate identity 'same' (first on line 3)" },
	{ "a\x01" "b 00\n", 0,
	    "line 1: non-printable byte 0x01 in identity at offset 1" },
	{ "\xc3\xa9t 00\n", 0,
	    "line 1: non-printable byte 0xc3 in identity at offset 0" },
	{ "ok 00\nab\x7f 00\n", 0,
	    "line 2: non-printable byte 0x7f in identity at offset 2" },
	{ "a\rb 00\n", 0,
	    "line 1: non-printable byte 0x0d in identity at offset 1" },
	{ "a\0b 00\n", 7,
	    "line 1: non-printable byte 0x00 in identity at offset 1" },
	{ "a 00 # comment\n", 0,
	    "line 1: unexpected text after the key "
	    "(expected \"identity hexkey\")" },
	{ "a 00 11\n", 0,
	    "line 1: unexpected text after the key "
	    "(expected \"identity hexkey\")" },
};

START_TEST(test_parse_errors)
{
	struct smsdtls_psk_store *st, *sentinel;
	const char *text = parse_errors[_i].text;
	size_t len = parse_errors[_i].len;
	char err[160];

	if (len == 0)
		len = strlen(text);
	sentinel = (struct smsdtls_psk_store *)&st;
	st = sentinel;
	memset(err, 0, sizeof(err));
	ck_assert_rc(smsdtls_psk_store_parse(text, len, &st, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_str_eq(err, parse_errors[_i].err);
	ck_assert_ptr_eq(st, sentinel);
	/* Without an error buffer the result is the same. */
	ck_assert_rc(smsdtls_psk_store_parse(text, len, &st, NULL, 0),
	    SMSDTLS_EINVAL);
	ck_assert_ptr_eq(st, sentinel);
}
END_TEST

START_TEST(test_parse_err_truncated)
{
	struct smsdtls_psk_store *st = NULL;
	char err[8];

	memset(err, 'x', sizeof(err));
	ck_assert_rc(smsdtls_psk_store_parse("bad", 3, &st, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "line 1:");
	ck_assert_ptr_null(st);
	ck_assert_rc(smsdtls_psk_store_parse("a 00", 4, NULL, err,
	    sizeof(err)), SMSDTLS_EINVAL);
}
END_TEST

START_TEST(test_load_private)
{
	static const char text[] = "# keys\nnode-1 0a0b0c\n";
	struct smsdtls_psk_store *st = NULL;
	const char *path;
	char err[128] = "";

	path = tmp_file("psk", text, sizeof(text) - 1, 0600);
	ck_assert_msg(smsdtls_psk_store_load(path, false, &st, err,
	    sizeof(err)) == SMSDTLS_OK, "%s", err);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 1);
	assert_key(st, "node-1", "0a0b0c");
	smsdtls_psk_store_free(st);

	/* 0400 is private too. */
	path = tmp_file("psk", text, sizeof(text) - 1, 0400);
	st = NULL;
	ck_assert_rc(smsdtls_psk_store_load(path, false, &st, err,
	    sizeof(err)), SMSDTLS_OK);
	smsdtls_psk_store_free(st);
}
END_TEST

static const struct {
	mode_t	mode;
	const char *err;
} shared_modes[] = {
	{ 0644, "mode 0644: readable by others" },
	{ 0640, "mode 0640: readable by group" },
	{ 0604, "mode 0604: readable by others" },
	{ 0620, "mode 0620: writable by group" },
	{ 0602, "mode 0602: writable by others" },
	{ 0610, "mode 0610: executable by group" },
	{ 0666, "mode 0666: readable by others" },
	{ 0660, "mode 0660: readable by group" },
};

START_TEST(test_load_shared)
{
	static const char text[] = "node-1 0a0b0c\n";
	struct smsdtls_psk_store *st = NULL;
	const char *path;
	char err[128] = "";

	path = tmp_file("psk", text, sizeof(text) - 1, shared_modes[_i].mode);
	ck_assert_rc(smsdtls_psk_store_load(path, false, &st, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_str_eq(err, shared_modes[_i].err);
	ck_assert_ptr_null(st);

	/* allow_shared lets it through. */
	ck_assert_rc(smsdtls_psk_store_load(path, true, &st, err,
	    sizeof(err)), SMSDTLS_OK);
	assert_key(st, "node-1", "0a0b0c");
	smsdtls_psk_store_free(st);
}
END_TEST

START_TEST(test_load_errors)
{
	struct smsdtls_psk_store *st = NULL;
	char err[128], path[256];

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	ck_assert_rc(smsdtls_psk_store_load(path, true, &st, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "cannot open: No such file or directory");

	ck_assert_rc(smsdtls_psk_store_load(tmpdir, true, &st, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "is a directory");

	/* A FIFO with no writer must neither block nor pass. */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_rc(smsdtls_psk_store_load(path, false, &st, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "not a regular file");

	/* A parse error in a file names the line. */
	ck_assert_rc(smsdtls_psk_store_load(tmp_file("bad", "a 00\nb\n", 7,
	    0600), false, &st, err, sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "line 2: missing key after identity 'b'");
	ck_assert_ptr_null(st);

	ck_assert_rc(smsdtls_psk_store_load(NULL, false, &st, err,
	    sizeof(err)), SMSDTLS_EINVAL);
	ck_assert_ptr_null(st);
}
END_TEST

START_TEST(test_read_file)
{
	static const uint8_t data[] = { 'P', 'E', 'M', 0, 0xff, '\n', 'x' };
	uint8_t *buf = NULL;
	size_t len = 99;
	char err[128], path[256];

	ck_assert_rc(smsdtls_read_file(tmp_file("f", data, sizeof(data), 0644),
	    &buf, &len, err, sizeof(err)), SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_mem_eq(buf, data, sizeof(data));
	ck_assert_uint_eq(buf[len], 0);		/* NUL after the data */
	free(buf);

	buf = NULL;
	ck_assert_rc(smsdtls_read_file(tmp_file("e", "", 0, 0600), &buf, &len,
	    err, sizeof(err)), SMSDTLS_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_nonnull(buf);
	free(buf);

	buf = NULL;
	len = 99;
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	ck_assert_rc(smsdtls_read_file(path, &buf, &len, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "cannot open: No such file or directory");
	ck_assert_rc(smsdtls_read_file(tmpdir, &buf, &len, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "is a directory");
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(len, 99);
}
END_TEST

START_TEST(test_read_file_large)
{
	uint8_t *data, *buf = NULL;
	size_t n = 3 * 65536 + 17, len = 0;
	uint64_t seed = 42;
	char err[128];

	data = malloc(n);
	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)test_rand(&seed);
	ck_assert_rc(smsdtls_read_file(tmp_file("big", data, n, 0600), &buf,
	    &len, err, sizeof(err)), SMSDTLS_OK);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(buf, data, n);
	free(buf);
	free(data);
}
END_TEST

/* Identity number i: "dev-<i>"; its key: 1-64 PRNG bytes. */
static size_t
big_key(uint64_t i, uint8_t *key)
{
	uint64_t seed = i * 2654435761u + 1;
	size_t len = 1 + test_rand(&seed) % SMSDTLS_PSK_KEY_MAX, j;

	for (j = 0; j < len; j++)
		key[j] = (uint8_t)test_rand(&seed);
	return len;
}

START_TEST(test_lookup_big)
{
	struct smsdtls_psk_store *st = NULL;
	uint8_t key[SMSDTLS_PSK_KEY_MAX];
	char *text, *p, id[SMSDTLS_PSK_IDENTITY_MAX + 2], err[128] = "";
	const uint8_t *got;
	size_t cap = (size_t)NBIG * 160, len, klen, glen, i, j;

	p = text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	for (i = 0; i < NBIG; i++) {
		klen = big_key(i, key);
		p += sprintf(p, "dev-%zu ", i);
		for (j = 0; j < klen; j++)
			p += sprintf(p, "%02X", key[j]);
		*p++ = '\n';
	}
	len = (size_t)(p - text);
	ck_assert_msg(smsdtls_psk_store_parse(text, len, &st, err,
	    sizeof(err)) == SMSDTLS_OK, "%s", err);
	free(text);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), NBIG);

	for (i = 0; i < NBIG; i++) {
		klen = big_key(i, key);
		snprintf(id, sizeof(id), "dev-%zu", i);
		glen = 0;
		got = creds_psk_lookup(st, id, &glen);
		ck_assert_msg(got != NULL, "%s not found", id);
		ck_assert_uint_eq(glen, klen);
		ck_assert_mem_eq(got, key, klen);
	}
	/* Misses: near names, the empty string, an over-long identity. */
	glen = 77;
	ck_assert_ptr_null(creds_psk_lookup(st, "dev-100000", &glen));
	ck_assert_ptr_null(creds_psk_lookup(st, "dev-", &glen));
	ck_assert_ptr_null(creds_psk_lookup(st, "dev-01", &glen));
	ck_assert_ptr_null(creds_psk_lookup(st, "Dev-1", &glen));
	ck_assert_ptr_null(creds_psk_lookup(st, "", &glen));
	memset(id, 'd', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	ck_assert_ptr_null(creds_psk_lookup(st, id, &glen));
	ck_assert_ptr_null(creds_psk_lookup(st, NULL, &glen));
	ck_assert_ptr_null(creds_psk_lookup(NULL, "dev-1", &glen));
	ck_assert_uint_eq(glen, 77);
	smsdtls_psk_store_free(st);
}
END_TEST

START_TEST(test_add_big)
{
	struct smsdtls_psk_store *st = NULL;
	uint8_t key[SMSDTLS_PSK_KEY_MAX];
	char id[32];
	const uint8_t *got;
	size_t klen, glen = 0, i;

	ck_assert_rc(smsdtls_psk_store_parse("", 0, &st, NULL, 0), SMSDTLS_OK);
	for (i = 0; i < NBIG; i++) {
		klen = big_key(i, key);
		snprintf(id, sizeof(id), "imsi%015zu", i);
		ck_assert_rc(smsdtls_psk_store_add(st, id, key, klen),
		    SMSDTLS_OK);
	}
	ck_assert_uint_eq(smsdtls_psk_store_count(st), NBIG);
	for (i = 0; i < NBIG; i += 7) {
		klen = big_key(i, key);
		snprintf(id, sizeof(id), "imsi%015zu", i);
		got = creds_psk_lookup(st, id, &glen);
		ck_assert_ptr_nonnull(got);
		ck_assert_uint_eq(glen, klen);
		ck_assert_mem_eq(got, key, klen);
	}
	ck_assert_ptr_null(creds_psk_lookup(st, "imsi000000000100000", NULL));
	smsdtls_psk_store_free(st);
}
END_TEST

START_TEST(test_add_replace)
{
	static const uint8_t k1[] = { 1, 2, 3 }, k2[] = { 9, 8, 7, 6, 5 };
	uint8_t k64[SMSDTLS_PSK_KEY_MAX + 1];
	struct smsdtls_psk_store *st;
	char id[SMSDTLS_PSK_IDENTITY_MAX + 2];
	const uint8_t *got, *again;
	size_t glen = 0;

	st = parse_ok("file-id 00ff\n");
	ck_assert_rc(smsdtls_psk_store_add(st, "new", k1, sizeof(k1)),
	    SMSDTLS_OK);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 2);
	got = creds_psk_lookup(st, "new", &glen);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(glen, 3);
	ck_assert_mem_eq(got, k1, 3);

	/* Replace: same count, new key, in place. */
	ck_assert_rc(smsdtls_psk_store_add(st, "new", k2, sizeof(k2)),
	    SMSDTLS_OK);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 2);
	again = creds_psk_lookup(st, "new", &glen);
	ck_assert_ptr_eq(again, got);
	ck_assert_uint_eq(glen, 5);
	ck_assert_mem_eq(again, k2, 5);

	/* A parsed entry can be replaced too, with a shorter key. */
	ck_assert_rc(smsdtls_psk_store_add(st, "file-id", k1, 1),
	    SMSDTLS_OK);
	assert_key(st, "file-id", "01");

	/* Refused: bad identities and key lengths; nothing changes. */
	memset(k64, 0x42, sizeof(k64));
	ck_assert_rc(smsdtls_psk_store_add(st, "", k1, 1), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(st, "a b", k1, 1), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(st, "tab\t", k1, 1),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(st, "caf\xc3\xa9", k1, 1),
	    SMSDTLS_EINVAL);
	memset(id, 'i', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	ck_assert_rc(smsdtls_psk_store_add(st, id, k1, 1), SMSDTLS_EINVAL);
	id[SMSDTLS_PSK_IDENTITY_MAX] = '\0';
	ck_assert_rc(smsdtls_psk_store_add(st, "k", k64, 0), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(st, "k", k64, 65), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(st, "k", NULL, 1), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(st, NULL, k1, 1), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_psk_store_add(NULL, "k", k1, 1), SMSDTLS_EINVAL);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 2);

	/* Limits: a 128-byte identity and a 64-byte key are fine. */
	ck_assert_rc(smsdtls_psk_store_add(st, id, k64, 64), SMSDTLS_OK);
	got = creds_psk_lookup(st, id, &glen);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(glen, 64);
	ck_assert_mem_eq(got, k64, 64);
	ck_assert_uint_eq(smsdtls_psk_store_count(st), 3);
	smsdtls_psk_store_free(st);

	smsdtls_psk_store_free(NULL);
	ck_assert_uint_eq(smsdtls_psk_store_count(NULL), 0);
}
END_TEST

static Suite *
creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_valid);
	tcase_add_test(tc, test_parse_limits);
	tcase_add_test(tc, test_parse_empty);
	tcase_add_loop_test(tc, test_parse_errors, 0,
	    (int)(sizeof(parse_errors) / sizeof(parse_errors[0])));
	tcase_add_test(tc, test_parse_err_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_load_private);
	tcase_add_loop_test(tc, test_load_shared, 0,
	    (int)(sizeof(shared_modes) / sizeof(shared_modes[0])));
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_file_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lookup_big);
	tcase_add_test(tc, test_add_big);
	tcase_add_test(tc, test_add_replace);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(creds_suite)
