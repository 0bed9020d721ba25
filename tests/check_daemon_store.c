/*
 * check_daemon_store.c - smsdtlsd's durable state (daemon/reclog.c,
 * journal.c, sessstore.c): records survive a reopen; a torn tail, cut at
 * every byte of the last record, and corrupt records are cut off with a
 * warning; garbage never crashes the replay; compaction keeps exactly the
 * live records; caps hold; and a writer killed with SIGKILL loses nothing
 * it had synced.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/journal.h"
#include "daemon/reclog.h"
#include "daemon/sessstore.h"
#include "tests/testutil.h"

static char dir[64];
static int nwarn;
static char lastwarn[1024];

static void
count_warn(const char *msg)
{
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	reclog_set_warn(count_warn);
	nwarn = 0;
	lastwarn[0] = '\0';
}

static void
teardown(void)
{
	char cmd[128];

	reclog_set_warn(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *
path_of(const char *name)
{
	static char buf[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* The whole file at path into a new buffer. */
static uint8_t *
slurp(const char *path, size_t *lenp)
{
	uint8_t *buf;

	ck_assert_rc(smsdtls_read_file(path, &buf, lenp, NULL, 0), SMSDTLS_OK);
	return buf;
}

static void
spew(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/* ------------------------------------------------------------- reclog */

/* What a replay saw. */
struct seen {
	size_t	n;
	uint8_t	type[64];
	uint64_t off[64];
	char	text[64][64];	/* key "/" data, for comparison */
};

static int
seen_cb(void *arg, const struct reclog_rec *rec)
{
	struct seen *s = arg;

	if (s->n < 64) {
		s->type[s->n] = rec->type;
		s->off[s->n] = rec->off;
		snprintf(s->text[s->n], sizeof(s->text[0]), "%.*s/%.*s",
		    (int)rec->keylen, (const char *)rec->key, (int)rec->len,
		    (const char *)rec->data);
	}
	s->n++;
	return 0;
}

static struct reclog *
rl_open(struct seen *s)
{
	struct reclog *rl = NULL;
	char err[256] = "";

	memset(s, 0, sizeof(*s));
	ck_assert_msg(reclog_open(dir, "t.log", "TEST", seen_cb, s, &rl, err,
	    sizeof(err)) == 0, "%s", err);
	return rl;
}

static const char *const recs[][2] = {
	{ "k1", "first" }, { "", "no key" }, { "key-three", "" },
	{ "k4", "a longer value of some thirty bytes" }, { "k5", "last" }
};
#define NRECS	(sizeof(recs) / sizeof(recs[0]))

/* Write the records above; *lastp gets the offset of the last. */
static void
write_recs(uint64_t *lastp)
{
	struct seen s;
	struct reclog *rl = rl_open(&s);
	size_t i;

	for (i = 0; i < NRECS; i++)
		ck_assert_int_eq(reclog_append(rl, (uint8_t)(i + 1), recs[i][0],
		    strlen(recs[i][0]), recs[i][1], strlen(recs[i][1]), lastp,
		    NULL), 0);
	ck_assert_int_eq(reclog_sync(rl), 0);
	reclog_close(rl);
}

START_TEST(test_reclog_reopen)
{
	struct reclog_buf b = { NULL, 0 };
	struct reclog_rec rec;
	struct reclog *rl;
	struct seen s;
	uint64_t last;
	size_t i;

	write_recs(&last);
	rl = rl_open(&s);
	ck_assert_uint_eq(s.n, NRECS);
	for (i = 0; i < NRECS; i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s/%s", recs[i][0], recs[i][1]);
		ck_assert_str_eq(s.text[i], want);
		ck_assert_uint_eq(s.type[i], i + 1);
	}
	ck_assert_uint_eq(s.off[NRECS - 1], last);
	ck_assert_uint_eq(reclog_size(rl), (uint64_t)file_size(
	    path_of("t.log")));
	ck_assert_uint_eq(reclog_live(rl), reclog_size(rl) - RECLOG_FILE_HDR);
	/* Read back by offset, with and without the data. */
	ck_assert_int_eq(reclog_read(rl, s.off[3], true, &rec, &b), 0);
	ck_assert_uint_eq(rec.len, strlen(recs[3][1]));
	ck_assert_mem_eq(rec.data, recs[3][1], rec.len);
	ck_assert_int_eq(reclog_read(rl, s.off[2], false, &rec, &b), 0);
	ck_assert_uint_eq(rec.keylen, 9);
	ck_assert_ptr_null(rec.data);
	/* Offsets that are not records. */
	errno = 0;
	ck_assert_int_eq(reclog_read(rl, s.off[3] + 1, true, &rec, &b), -1);
	ck_assert_int_eq(errno, EBADMSG);
	ck_assert_int_eq(reclog_read(rl, 3, true, &rec, &b), -1);
	ck_assert_int_eq(reclog_read(rl, reclog_size(rl), true, &rec, &b), -1);
	ck_assert_int_eq(reclog_read(rl, UINT64_MAX - 4, true, &rec, &b), -1);
	/* Bad appends change nothing. */
	ck_assert_int_eq(reclog_append(rl, 0, "k", 1, "d", 1, NULL, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(reclog_append(rl, 1, b.p, RECLOG_KEY_MAX + 1, "d", 1,
	    NULL, NULL), -1);
	ck_assert_uint_eq(reclog_size(rl), (uint64_t)file_size(
	    path_of("t.log")));
	free(b.p);
	reclog_close(rl);
	ck_assert_int_eq(nwarn, 0);
}
END_TEST

START_TEST(test_reclog_torn_tail)
{
	struct reclog *rl;
	struct seen s;
	uint64_t last, cut;
	uint8_t *orig;
	size_t len;

	write_recs(&last);
	orig = slurp(path_of("t.log"), &len);
	for (cut = last; cut < len; cut++) {
		nwarn = 0;
		spew(path_of("t.log"), orig, (size_t)cut);
		rl = rl_open(&s);
		ck_assert_uint_eq(s.n, NRECS - 1);
		ck_assert_int_eq(nwarn, cut > last ? 1 : 0);
		if (cut > last)
			ck_assert_ptr_nonnull(strstr(lastwarn, "dropping the "
			    "last"));
		ck_assert_uint_eq((uint64_t)file_size(path_of("t.log")), last);
		ck_assert_uint_eq(reclog_size(rl), last);
		/* Appending goes on where the good records end. */
		ck_assert_int_eq(reclog_append(rl, 9, "n", 1, "new", 3, NULL,
		    NULL), 0);
		reclog_close(rl);
		nwarn = 0;
		rl = rl_open(&s);
		ck_assert_uint_eq(s.n, NRECS);
		ck_assert_str_eq(s.text[NRECS - 1], "n/new");
		ck_assert_int_eq(nwarn, 0);
		reclog_close(rl);
	}
	free(orig);
}
END_TEST

/* Damage byte at of a good file; the replay keeps what precedes the
 * damaged record (index keep) and cuts the rest. */
static void
damage(const uint8_t *orig, size_t len, size_t at, uint8_t val,
    size_t keep)
{
	struct reclog *rl;
	struct seen s;
	uint8_t *buf = malloc(len);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, orig, len);
	buf[at] = val;
	spew(path_of("t.log"), buf, len);
	nwarn = 0;
	rl = rl_open(&s);
	ck_assert_msg(s.n == keep, "damage at %zu: %zu records", at, s.n);
	ck_assert_int_eq(nwarn, 1);
	reclog_close(rl);
	free(buf);
}

START_TEST(test_reclog_corrupt)
{
	struct reclog *rl;
	struct seen s;
	uint64_t last, off[NRECS];
	uint8_t *orig, zeros[64];
	size_t len, i;

	write_recs(&last);
	rl = rl_open(&s);
	for (i = 0; i < NRECS; i++)
		off[i] = s.off[i];
	reclog_close(rl);
	orig = slurp(path_of("t.log"), &len);

	damage(orig, len, off[3] + RECLOG_HDR + 5, orig[off[3] +
	    RECLOG_HDR + 5] ^ 0x20, 3);			/* data: CRC */
	damage(orig, len, off[2], orig[off[2]] ^ 1, 2);	/* the CRC itself */
	damage(orig, len, off[1] + 7, 0x7f, 1);		/* len: huge */
	damage(orig, len, off[1] + 9, 0xff, 1);		/* keylen: huge */
	damage(orig, len, off[4] + 10, 0, 4);		/* type 0 */
	damage(orig, len, off[4] + 11, 1, 4);		/* reserved byte */
	damage(orig, len, off[0] + 4, orig[off[0] + 4] + 1, 0);	/* len */

	/* A tail of zeros (space allocated, never written). */
	memset(zeros, 0, sizeof(zeros));
	spew(path_of("t.log"), orig, len);
	{
		FILE *fp = fopen(path_of("t.log"), "a");

		ck_assert_uint_eq(fwrite(zeros, 1, sizeof(zeros), fp),
		    sizeof(zeros));
		fclose(fp);
	}
	nwarn = 0;
	rl = rl_open(&s);
	ck_assert_uint_eq(s.n, NRECS);
	ck_assert_int_eq(nwarn, 1);
	ck_assert_uint_eq(reclog_size(rl), len);
	reclog_close(rl);
	free(orig);
}
END_TEST

START_TEST(test_reclog_garbage)
{
	uint8_t buf[8192], *after;
	uint64_t seed = 0x5eed;
	struct reclog *rl = NULL;
	struct seen s;
	char err[256];
	size_t i, len, round;

	/* A valid header, then random bytes: no crash, never a record that
	 * was not written (the odds of a valid CRC are 2^-32). */
	for (round = 0; round < 50; round++) {
		memcpy(buf, "SMSDRLOG\x01\x00\x00\x00TEST", 16);
		for (i = 16; i < sizeof(buf); i++)
			buf[i] = (uint8_t)test_rand(&seed);
		len = 16 + (size_t)(test_rand(&seed) % (sizeof(buf) - 16));
		spew(path_of("t.log"), buf, len);
		rl = rl_open(&s);
		ck_assert_uint_eq(s.n, 0);
		ck_assert_uint_eq(reclog_size(rl), RECLOG_FILE_HDR);
		reclog_close(rl);
	}

	/* Not a record log: refused, and left alone. */
	memcpy(buf, "#!/bin/sh\necho hello\n", 21);
	spew(path_of("t.log"), buf, 21);
	ck_assert_int_eq(reclog_open(dir, "t.log", "TEST", seen_cb, &s, &rl,
	    err, sizeof(err)), -1);
	ck_assert_ptr_null(rl);
	ck_assert_ptr_nonnull(strstr(err, "not a smsdtlsd record log"));
	after = slurp(path_of("t.log"), &len);
	ck_assert_uint_eq(len, 21);
	ck_assert_mem_eq(after, buf, 21);
	free(after);

	/* Another store's log, another version. */
	memcpy(buf, "SMSDRLOG\x01\x00\x00\x00JRNL", 16);
	spew(path_of("t.log"), buf, 16);
	ck_assert_int_eq(reclog_open(dir, "t.log", "TEST", seen_cb, &s, &rl,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "another store"));
	memcpy(buf, "SMSDRLOG\x02\x00\x00\x00TEST", 16);
	spew(path_of("t.log"), buf, 16);
	ck_assert_int_eq(reclog_open(dir, "t.log", "TEST", seen_cb, &s, &rl,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "version 2"));

	/* A header torn while the file was created: started afresh. */
	spew(path_of("t.log"), (const uint8_t *)"SMSDR", 5);
	rl = rl_open(&s);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(file_size(path_of("t.log")), RECLOG_FILE_HDR);
	reclog_close(rl);
}
END_TEST

START_TEST(test_reclog_lock)
{
	struct reclog *rl, *rl2 = NULL;
	struct seen s, s2;
	char err[256];

	rl = rl_open(&s);
	ck_assert_int_eq(reclog_open(dir, "t.log", "TEST", seen_cb, &s2, &rl2,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "in use by another process"));
	reclog_close(rl);
	rl = rl_open(&s);
	reclog_close(rl);
}
END_TEST

START_TEST(test_reclog_compact)
{
	struct reclog_buf b = { NULL, 0 };
	struct reclog_rec rec;
	struct reclog *rl;
	struct seen s;
	uint64_t offs[100], live[10];
	uint32_t sizes[100];
	char key[16], data[64];
	size_t i, k = 0;

	rl = rl_open(&s);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		snprintf(data, sizeof(data), "value %zu", i * i);
		ck_assert_int_eq(reclog_append(rl, 1, key, strlen(key), data,
		    strlen(data), &offs[i], &sizes[i]), 0);
	}
	ck_assert(!reclog_compact_due(rl));
	for (i = 0; i < 100; i++) {
		if (i % 10 == 3)
			live[k++] = offs[i];
		else
			reclog_release(rl, sizes[i]);
	}
	/* A leftover of an interrupted compaction is not in the way. */
	spew(path_of("t.log.tmp"), (const uint8_t *)"junk", 4);
	ck_assert_int_eq(reclog_compact(rl, live, 10), 0);
	ck_assert_int_eq(access(path_of("t.log.tmp"), F_OK), -1);
	ck_assert_uint_eq(reclog_size(rl), (uint64_t)file_size(
	    path_of("t.log")));
	ck_assert_uint_eq(reclog_live(rl), reclog_size(rl) - RECLOG_FILE_HDR);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(reclog_read(rl, live[i], true, &rec, &b), 0);
		snprintf(data, sizeof(data), "value %zu", (i * 10 + 3) *
		    (i * 10 + 3));
		ck_assert_uint_eq(rec.len, strlen(data));
		ck_assert_mem_eq(rec.data, data, rec.len);
	}
	/* Appends go on in the new file. */
	ck_assert_int_eq(reclog_append(rl, 2, "x", 1, "y", 1, NULL, NULL), 0);
	reclog_close(rl);
	rl = rl_open(&s);
	ck_assert_uint_eq(s.n, 11);
	ck_assert_str_eq(s.text[0], "k3/value 9");
	ck_assert_str_eq(s.text[9], "k93/value 8649");
	ck_assert_str_eq(s.text[10], "x/y");
	/* Compacting to nothing. */
	ck_assert_int_eq(reclog_compact(rl, NULL, 0), 0);
	reclog_close(rl);
	rl = rl_open(&s);
	ck_assert_uint_eq(s.n, 0);
	reclog_close(rl);
	free(b.p);
	ck_assert_int_eq(nwarn, 0);
}
END_TEST

START_TEST(test_crc32)
{
	/* The check value of CRC-32/ISO-HDLC. */
	ck_assert_uint_eq(reclog_crc32(0, "123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(reclog_crc32(reclog_crc32(0, "1234", 4), "56789",
	    5), 0xcbf43926u);
	ck_assert_uint_eq(reclog_crc32(0, "", 0), 0);
}
END_TEST

/* ------------------------------------------------------------ journal */

struct jseen {
	size_t	n;
	uint64_t id[4096];
	char	bearer[8][32];
	uint8_t	tpdu[8][200];
	size_t	len[8];
	int64_t	expires[8];
	struct journal *j;
	int	mode;		/* 1: done odd ids, add one for each */
};

static void
jseen_cb(void *arg, uint64_t id, const char *bearer, const uint8_t *tpdu,
    size_t len, int64_t expires)
{
	struct jseen *s = arg;
	uint64_t nid;

	if (s->n < 8) {
		snprintf(s->bearer[s->n], sizeof(s->bearer[0]), "%s", bearer);
		memcpy(s->tpdu[s->n], tpdu, len);
		s->len[s->n] = len;
		s->expires[s->n] = expires;
	}
	if (s->n < 4096)
		s->id[s->n] = id;
	s->n++;
	if (s->mode == 1 && id % 2 == 1) {
		ck_assert_rc(journal_done(s->j, id), SMSDTLS_OK);
		ck_assert_rc(journal_add(s->j, "late", tpdu, len, expires,
		    &nid), SMSDTLS_OK);
		ck_assert_uint_gt(nid, id);
	}
}

static struct journal *
j_open(size_t max)
{
	struct journal *j = NULL;
	char err[256] = "";

	ck_assert_msg(journal_open(dir, max, &j, err, sizeof(err)) ==
	    SMSDTLS_OK, "%s", err);
	return j;
}

static void
tpdu_of(uint64_t i, uint8_t *buf, size_t *len)
{
	size_t k;

	*len = 20 + (size_t)(i % 150);
	for (k = 0; k < *len; k++)
		buf[k] = (uint8_t)(i * 31 + k);
}

START_TEST(test_journal_basic)
{
	struct journal *j = j_open(100);
	struct jseen s;
	uint8_t tpdu[SMSDTLS_PDU_MAX + 1];
	uint64_t id[5];
	size_t len, i;

	memset(tpdu, 0, sizeof(tpdu));
	for (i = 0; i < 5; i++) {
		tpdu_of(i, tpdu, &len);
		ck_assert_rc(journal_add(j, i == 2 ? "modem-0" : "smsc", tpdu,
		    len, 1700000000000LL + (int64_t)i, &id[i]), SMSDTLS_OK);
		if (i > 0)
			ck_assert_uint_gt(id[i], id[i - 1]);
	}
	ck_assert_uint_eq(journal_pending(j), 5);
	ck_assert_rc(journal_done(j, id[1]), SMSDTLS_OK);
	ck_assert_rc(journal_done(j, id[1]), SMSDTLS_EINVAL);
	ck_assert_rc(journal_done(j, 999), SMSDTLS_EINVAL);
	ck_assert_uint_eq(journal_pending(j), 4);
	/* Bad entries are refused. */
	ck_assert_rc(journal_add(j, "", tpdu, 10, 0, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(journal_add(j, "a-bearer-name-of-32-characters-x",
	    tpdu, 10, 0, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(journal_add(j, "smsc", tpdu, 0, 0, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(journal_add(j, "smsc", tpdu, SMSDTLS_PDU_MAX + 1, 0,
	    NULL), SMSDTLS_EINVAL);
	ck_assert_uint_eq(journal_pending(j), 4);
	ck_assert_rc(journal_sync(j), SMSDTLS_OK);
	journal_close(j);

	j = j_open(100);
	ck_assert_uint_eq(journal_pending(j), 4);
	memset(&s, 0, sizeof(s));
	ck_assert_rc(journal_foreach(j, jseen_cb, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_uint_eq(s.id[0], id[0]);
	ck_assert_uint_eq(s.id[1], id[2]);
	ck_assert_uint_eq(s.id[3], id[4]);
	ck_assert_str_eq(s.bearer[1], "modem-0");
	ck_assert_str_eq(s.bearer[2], "smsc");
	tpdu_of(2, tpdu, &len);
	ck_assert_uint_eq(s.len[1], len);
	ck_assert_mem_eq(s.tpdu[1], tpdu, len);
	ck_assert_int_eq(s.expires[3], 1700000000004LL);
	/* Ids stay unique after a reopen. */
	ck_assert_rc(journal_add(j, "smsc", tpdu, len, 0, &id[1]),
	    SMSDTLS_OK);
	ck_assert_uint_gt(id[1], id[4]);
	journal_close(j);
	ck_assert_int_eq(nwarn, 0);
}
END_TEST

START_TEST(test_journal_cap)
{
	struct journal *j = j_open(3);
	uint8_t tpdu[32] = { 1, 2, 3 };
	uint64_t id[4];
	size_t i;

	for (i = 0; i < 3; i++)
		ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, &id[i]),
		    SMSDTLS_OK);
	ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, &id[3]), SMSDTLS_ELIMIT);
	ck_assert_uint_eq(journal_pending(j), 3);
	ck_assert_rc(journal_done(j, id[0]), SMSDTLS_OK);
	ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, &id[3]), SMSDTLS_OK);
	ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, NULL), SMSDTLS_ELIMIT);
	journal_set_max(j, 5);
	ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, NULL), SMSDTLS_OK);
	ck_assert_rc(journal_sync(j), SMSDTLS_OK);
	journal_close(j);
	/* Reopened with a smaller cap: what is there stays. */
	j = j_open(2);
	ck_assert_uint_eq(journal_pending(j), 4);
	ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, NULL), SMSDTLS_ELIMIT);
	journal_close(j);
}
END_TEST

START_TEST(test_journal_foreach_changes)
{
	struct journal *j = j_open(100);
	uint8_t tpdu[8] = { 9, 9, 9 };
	struct jseen s;
	size_t i;

	for (i = 0; i < 6; i++)
		ck_assert_rc(journal_add(j, "b", tpdu, 3, 0, NULL), SMSDTLS_OK);
	memset(&s, 0, sizeof(s));
	s.j = j;
	s.mode = 1;
	/* Odd ids are done and replaced in the callback; the new ones are
	 * not visited. */
	ck_assert_rc(journal_foreach(j, jseen_cb, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s.n, 6);
	ck_assert_uint_eq(journal_pending(j), 6);
	ck_assert_rc(journal_sync(j), SMSDTLS_OK);
	journal_close(j);
	j = j_open(100);
	memset(&s, 0, sizeof(s));
	ck_assert_rc(journal_foreach(j, jseen_cb, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s.n, 6);
	ck_assert_uint_eq(s.id[0], 2);
	ck_assert_uint_eq(s.id[2], 6);
	ck_assert_uint_eq(s.id[3], 7);
	ck_assert_str_eq(s.bearer[3], "late");
	journal_close(j);
}
END_TEST

START_TEST(test_journal_compact)
{
	struct journal *j = j_open(100000);
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	uint64_t id, first = 0;
	struct jseen s;
	size_t i, len;
	off_t big;

	/* Steady traffic: the file stays small by itself. */
	for (i = 0; i < 30000; i++) {
		tpdu_of(i, tpdu, &len);
		ck_assert_rc(journal_add(j, "b", tpdu, len, 0, &id),
		    SMSDTLS_OK);
		if (i % 100 == 0)
			ck_assert_rc(journal_sync(j), SMSDTLS_OK);
		if (i >= 5 && (i < 29990 || i % 2 == 0))
			ck_assert_rc(journal_done(j, id - 5), SMSDTLS_OK);
		if (i == 0)
			first = id;
	}
	ck_assert_rc(journal_sync(j), SMSDTLS_OK);
	ck_assert_int_lt(file_size(path_of(JOURNAL_FILE)),
	    3 * RECLOG_COMPACT_MIN);
	/* Explicitly, to just the pending ones. */
	big = file_size(path_of(JOURNAL_FILE));
	ck_assert_rc(journal_compact(j), SMSDTLS_OK);
	ck_assert_int_le(file_size(path_of(JOURNAL_FILE)), big);
	ck_assert_uint_eq(journal_file_size(j),
	    (uint64_t)file_size(path_of(JOURNAL_FILE)));
	ck_assert_uint_eq(journal_pending(j), 10);
	journal_close(j);

	j = j_open(100000);
	memset(&s, 0, sizeof(s));
	ck_assert_rc(journal_foreach(j, jseen_cb, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s.n, 10);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(s.id[i], first + (i < 4 ? 29986 + 2 * i :
		    29990 + i));
	tpdu_of(29986, tpdu, &len);
	ck_assert_uint_eq(s.len[0], len);
	ck_assert_mem_eq(s.tpdu[0], tpdu, len);
	journal_close(j);
	ck_assert_int_eq(nwarn, 0);
}
END_TEST

START_TEST(test_journal_torn)
{
	struct journal *j = j_open(100);
	uint8_t tpdu[40] = { 7 }, *orig;
	uint64_t before;
	struct jseen s;
	size_t len, cut;

	ck_assert_rc(journal_add(j, "b", tpdu, 40, 0, NULL), SMSDTLS_OK);
	ck_assert_rc(journal_add(j, "b", tpdu, 40, 0, NULL), SMSDTLS_OK);
	ck_assert_rc(journal_sync(j), SMSDTLS_OK);
	before = journal_file_size(j);
	ck_assert_rc(journal_add(j, "b", tpdu, 40, 0, NULL), SMSDTLS_OK);
	ck_assert_rc(journal_sync(j), SMSDTLS_OK);
	journal_close(j);
	orig = slurp(path_of(JOURNAL_FILE), &len);
	for (cut = before + 1; cut < len; cut += 7) {
		spew(path_of(JOURNAL_FILE), orig, cut);
		nwarn = 0;
		j = j_open(100);
		ck_assert_int_eq(nwarn, 1);
		memset(&s, 0, sizeof(s));
		ck_assert_rc(journal_foreach(j, jseen_cb, &s), SMSDTLS_OK);
		ck_assert_uint_eq(s.n, 2);
		journal_close(j);
	}
	free(orig);
}
END_TEST

/* ---------------------------------------------------------- sessstore */

struct sseen {
	size_t	n;
	char	keys[16][64];
	char	blobs[16][64];
	struct sessstore *s;
	int	mode;		/* 1: delete each; 2: put each anew */
};

static void
sseen_cb(void *arg, const char *key, const uint8_t *blob, size_t len)
{
	struct sseen *v = arg;

	if (v->n < 16) {
		snprintf(v->keys[v->n], sizeof(v->keys[0]), "%s", key);
		snprintf(v->blobs[v->n], sizeof(v->blobs[0]), "%.*s",
		    (int)len, (const char *)blob);
	}
	v->n++;
	if (v->mode == 1)
		ck_assert_rc(sessstore_del(v->s, key), SMSDTLS_OK);
	if (v->mode == 2)
		ck_assert_rc(sessstore_put(v->s, key,
		    (const uint8_t *)"again", 5), SMSDTLS_OK);
}

static struct sessstore *
s_open(void)
{
	struct sessstore *s = NULL;
	char err[256] = "";

	ck_assert_msg(sessstore_open(dir, &s, err, sizeof(err)) == SMSDTLS_OK,
	    "%s", err);
	return s;
}

static void
expect_blob(struct sessstore *s, const char *key, const char *want)
{
	uint8_t buf[64];
	size_t len = 99;

	ck_assert_rc(sessstore_get(s, key, buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	if (want == NULL) {
		ck_assert_uint_eq(len, 0);
		return;
	}
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_mem_eq(buf, want, len);
}

#define PUT(s, k, v)							\
	ck_assert_rc(sessstore_put(s, k, (const uint8_t *)(v), strlen(v)), \
	    SMSDTLS_OK)

START_TEST(test_sessstore_basic)
{
	struct sessstore *s = s_open();
	uint8_t small[2], big[SESSSTORE_BLOB_MAX + 1];
	struct sseen v;
	size_t len;

	PUT(s, "+447700900001:5684>16001", "one");
	PUT(s, "+447700900002:5684>16001", "two");
	PUT(s, "+447700900001:5684>16001", "one, again");
	PUT(s, "+447700900003", "three");
	ck_assert_rc(sessstore_del(s, "+447700900002:5684>16001"),
	    SMSDTLS_OK);
	ck_assert_rc(sessstore_del(s, "never-there"), SMSDTLS_OK);
	ck_assert_uint_eq(sessstore_count(s), 2);
	expect_blob(s, "+447700900001:5684>16001", "one, again");
	expect_blob(s, "+447700900002:5684>16001", NULL);
	ck_assert_rc(sessstore_get(s, "+447700900003", small, sizeof(small),
	    &len), SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 5);
	/* Bad arguments. */
	memset(big, 'b', sizeof(big));
	ck_assert_rc(sessstore_put(s, "k", big, sizeof(big)), SMSDTLS_ETOOBIG);
	ck_assert_rc(sessstore_put(s, "k", big, 0), SMSDTLS_EINVAL);
	ck_assert_rc(sessstore_put(s, "", big, 1), SMSDTLS_EINVAL);
	big[SESSSTORE_KEY_MAX + 1] = '\0';
	ck_assert_rc(sessstore_put(s, (const char *)big, big, 1),
	    SMSDTLS_EINVAL);
	ck_assert_rc(sessstore_sync(s), SMSDTLS_OK);
	sessstore_close(s);

	s = s_open();
	ck_assert_uint_eq(sessstore_count(s), 2);
	expect_blob(s, "+447700900001:5684>16001", "one, again");
	expect_blob(s, "+447700900003", "three");
	expect_blob(s, "+447700900002:5684>16001", NULL);
	/* foreach: oldest first, the latest blob of each key. */
	memset(&v, 0, sizeof(v));
	ck_assert_rc(sessstore_foreach(s, sseen_cb, &v), SMSDTLS_OK);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_str_eq(v.keys[0], "+447700900001:5684>16001");
	ck_assert_str_eq(v.blobs[0], "one, again");
	ck_assert_str_eq(v.keys[1], "+447700900003");
	/* The callback may replace, or delete, its own key. */
	memset(&v, 0, sizeof(v));
	v.s = s;
	v.mode = 2;
	ck_assert_rc(sessstore_foreach(s, sseen_cb, &v), SMSDTLS_OK);
	expect_blob(s, "+447700900003", "again");
	memset(&v, 0, sizeof(v));
	v.s = s;
	v.mode = 1;
	ck_assert_rc(sessstore_foreach(s, sseen_cb, &v), SMSDTLS_OK);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_uint_eq(sessstore_count(s), 0);
	sessstore_close(s);
	s = s_open();
	ck_assert_uint_eq(sessstore_count(s), 0);
	sessstore_close(s);
	ck_assert_int_eq(nwarn, 0);
}
END_TEST

START_TEST(test_sessstore_torn)
{
	struct sessstore *s = s_open();
	uint64_t before;
	uint8_t *orig;
	size_t len, cut;

	PUT(s, "dev-a", "version 1 of a");
	PUT(s, "dev-b", "b");
	ck_assert_rc(sessstore_sync(s), SMSDTLS_OK);
	before = sessstore_file_size(s);
	PUT(s, "dev-a", "version 2 of a");
	ck_assert_rc(sessstore_sync(s), SMSDTLS_OK);
	sessstore_close(s);
	orig = slurp(path_of(SESSSTORE_FILE), &len);
	/* Cut anywhere in the last put: the version before it is back. */
	for (cut = before; cut < len; cut++) {
		spew(path_of(SESSSTORE_FILE), orig, cut);
		nwarn = 0;
		s = s_open();
		ck_assert_int_eq(nwarn, cut > before ? 1 : 0);
		ck_assert_uint_eq(sessstore_count(s), 2);
		expect_blob(s, "dev-a", "version 1 of a");
		sessstore_close(s);
	}
	/* A flipped bit in the last put: the same. */
	orig[len - 3] ^= 0x10;
	spew(path_of(SESSSTORE_FILE), orig, len);
	nwarn = 0;
	s = s_open();
	ck_assert_int_eq(nwarn, 1);
	expect_blob(s, "dev-a", "version 1 of a");
	expect_blob(s, "dev-b", "b");
	sessstore_close(s);
	free(orig);
}
END_TEST

START_TEST(test_sessstore_compact)
{
	struct sessstore *s = s_open();
	char key[32], blob[300];
	size_t i, round;

	/* 100 devices save their session 200 times each (6 MB of puts):
	 * compaction keeps the file near the live size by itself. */
	memset(blob, 'x', sizeof(blob) - 1);
	blob[sizeof(blob) - 1] = '\0';
	for (round = 0; round < 200; round++)
		for (i = 0; i < 100; i++) {
			snprintf(key, sizeof(key), "+4477009%05zu", i);
			snprintf(blob, 16, "%06zu-%06zu", i, round);
			blob[13] = 'x';
			PUT(s, key, blob);
		}
	ck_assert_int_lt(file_size(path_of(SESSSTORE_FILE)),
	    3 * RECLOG_COMPACT_MIN);
	for (i = 0; i < 100; i += 10) {
		snprintf(key, sizeof(key), "+4477009%05zu", i);
		ck_assert_rc(sessstore_del(s, key), SMSDTLS_OK);
	}
	ck_assert_rc(sessstore_compact(s), SMSDTLS_OK);
	ck_assert_uint_eq(sessstore_count(s), 90);
	ck_assert_uint_eq(sessstore_file_size(s), RECLOG_FILE_HDR + 90 *
	    (RECLOG_HDR + 13 + 299));
	ck_assert_rc(sessstore_sync(s), SMSDTLS_OK);
	sessstore_close(s);
	s = s_open();
	ck_assert_uint_eq(sessstore_count(s), 90);
	snprintf(blob, 16, "%06d-%06d", 42, 199);
	blob[13] = 'x';
	expect_blob(s, "+447700900040", NULL);
	{
		uint8_t buf[400];
		size_t len;

		ck_assert_rc(sessstore_get(s, "+447700900042", buf,
		    sizeof(buf), &len), SMSDTLS_OK);
		ck_assert_uint_eq(len, 299);
		ck_assert_mem_eq(buf, blob, 299);
	}
	sessstore_close(s);
}
END_TEST

START_TEST(test_sessstore_many)
{
	struct sessstore *s = s_open();
	uint8_t blob[64], buf[64];
	char key[32];
	size_t i, n = 100000, len;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "+4477%08zu:5684>16001", i);
		memset(blob, (int)(i & 0xff), sizeof(blob));
		ck_assert_rc(sessstore_put(s, key, blob, 40 + i % 24),
		    SMSDTLS_OK);
	}
	ck_assert_uint_eq(sessstore_count(s), n);
	/* The index: a few dozen bytes a key, whatever the blobs. */
	ck_assert_uint_le(sessstore_index_bytes(s), n * 48);
	ck_assert_rc(sessstore_sync(s), SMSDTLS_OK);
	sessstore_close(s);
	s = s_open();
	ck_assert_uint_eq(sessstore_count(s), n);
	for (i = 0; i < n; i += 997) {
		snprintf(key, sizeof(key), "+4477%08zu:5684>16001", i);
		ck_assert_rc(sessstore_get(s, key, buf, sizeof(buf), &len),
		    SMSDTLS_OK);
		ck_assert_uint_eq(len, 40 + i % 24);
		ck_assert_uint_eq(buf[0], i & 0xff);
		ck_assert_rc(sessstore_del(s, key), SMSDTLS_OK);
	}
	expect_blob(s, "+447700000997:5684>16001", NULL);
	ck_assert_uint_eq(sessstore_count(s), n - (n + 996) / 997);
	/* Keys are not prefixes of one another. */
	expect_blob(s, "+447700000001:5684>1600", NULL);
	sessstore_close(s);
}
END_TEST

/* ------------------------------------------------------ SIGKILL test */

/* The child writes and syncs in batches, and after each sync tells the
 * parent (through fd) how far it got; it never stops by itself. */
static void
child_writer(int fd, int which)
{
	struct sessstore *s = NULL;
	struct journal *j = NULL;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	char err[256], key[32], blob[64];
	uint64_t n = 0, id;
	size_t len, k;

	if ((which == 0 ? journal_open(dir, 1000000, &j, err, sizeof(err)) :
	    sessstore_open(dir, &s, err, sizeof(err))) != SMSDTLS_OK)
		_exit(2);
	for (;;) {
		for (k = 0; k < 25; k++, n++) {
			if (which == 0) {
				tpdu_of(n, tpdu, &len);
				if (journal_add(j, "b", tpdu, len, (int64_t)n,
				    &id) != SMSDTLS_OK || id != n + 1)
					_exit(3);
			} else {
				snprintf(key, sizeof(key), "k%llu",
				    (unsigned long long)(n % 500));
				snprintf(blob, sizeof(blob), "blob %llu",
				    (unsigned long long)n);
				if (sessstore_put(s, key, (uint8_t *)blob,
				    strlen(blob)) != SMSDTLS_OK)
					_exit(3);
			}
		}
		if ((which == 0 ? journal_sync(j) : sessstore_sync(s)) !=
		    SMSDTLS_OK)
			_exit(4);
		if (write(fd, &n, sizeof(n)) != sizeof(n))
			_exit(5);
	}
}

/* Run the child, kill it in full flight after some syncs; returns how
 * many items it had synced. */
static uint64_t
run_and_kill(int which)
{
	uint64_t n = 0, got;
	int p[2], status, syncs = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(p[0]);
		child_writer(p[1], which);
	}
	close(p[1]);
	while (syncs < 40 && read(p[0], &got, sizeof(got)) == sizeof(got)) {
		n = got;
		syncs++;
	}
	ck_assert_int_eq(syncs, 40);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* Syncs reported after the 40th (still in the pipe) count too. */
	while (read(p[0], &got, sizeof(got)) == sizeof(got))
		n = got;
	close(p[0]);
	return n;
}

struct jcheck {
	uint64_t next;
	bool	ok;
};

static void
jcheck_cb(void *arg, uint64_t id, const char *bearer, const uint8_t *tpdu,
    size_t len, int64_t expires)
{
	struct jcheck *c = arg;
	uint8_t want[SMSDTLS_PDU_MAX];
	size_t wlen;

	tpdu_of(id - 1, want, &wlen);
	if (id != c->next + 1 || strcmp(bearer, "b") != 0 || len != wlen ||
	    memcmp(tpdu, want, len) != 0 || expires != (int64_t)id - 1)
		c->ok = false;
	c->next = id;
}

START_TEST(test_sigkill_journal)
{
	struct jcheck c = { 0, true };
	struct journal *j;
	uint64_t synced = run_and_kill(0);

	ck_assert_uint_ge(synced, 1000);
	j = j_open(1000000);
	ck_assert_uint_ge(journal_pending(j), synced);
	ck_assert_rc(journal_foreach(j, jcheck_cb, &c), SMSDTLS_OK);
	ck_assert(c.ok);
	ck_assert_uint_ge(c.next, synced);
	journal_close(j);
}
END_TEST

START_TEST(test_sigkill_sessstore)
{
	struct sessstore *s;
	uint64_t synced = run_and_kill(1), latest, k;
	char key[32];
	uint8_t buf[64];
	size_t len;

	ck_assert_uint_ge(synced, 1000);
	s = s_open();
	ck_assert_uint_eq(sessstore_count(s), 500);
	/* Each key holds what was synced last for it, or something newer
	 * that the child had written before it was killed. */
	for (k = 0; k < 500; k++) {
		snprintf(key, sizeof(key), "k%llu", (unsigned long long)k);
		ck_assert_rc(sessstore_get(s, key, buf, sizeof(buf) - 1, &len),
		    SMSDTLS_OK);
		buf[len] = '\0';
		ck_assert_int_eq(sscanf((char *)buf, "blob %llu",
		    (unsigned long long *)&latest), 1);
		ck_assert_uint_eq(latest % 500, k);
		ck_assert_uint_ge(latest + 500, synced);
	}
	sessstore_close(s);
}
END_TEST

static Suite *
daemon_store_suite(void)
{
	Suite *s = suite_create("daemon_store");
	TCase *tc;

	tc = tcase_create("reclog");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_crc32);
	tcase_add_test(tc, test_reclog_reopen);
	tcase_add_test(tc, test_reclog_torn_tail);
	tcase_add_test(tc, test_reclog_corrupt);
	tcase_add_test(tc, test_reclog_garbage);
	tcase_add_test(tc, test_reclog_lock);
	tcase_add_test(tc, test_reclog_compact);
	suite_add_tcase(s, tc);

	tc = tcase_create("journal");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_journal_basic);
	tcase_add_test(tc, test_journal_cap);
	tcase_add_test(tc, test_journal_foreach_changes);
	tcase_add_test(tc, test_journal_compact);
	tcase_add_test(tc, test_journal_torn);
	suite_add_tcase(s, tc);

	tc = tcase_create("sessstore");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sessstore_basic);
	tcase_add_test(tc, test_sessstore_torn);
	tcase_add_test(tc, test_sessstore_compact);
	tcase_add_test(tc, test_sessstore_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("sigkill");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sigkill_journal);
	tcase_add_test(tc, test_sigkill_sessstore);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(daemon_store_suite)
