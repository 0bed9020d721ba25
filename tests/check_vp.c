/*
 * check_vp.c - TP-Validity-Period (TS 23.040 9.2.3.12): the duration of
 * every relative value, of the enhanced forms and of absolute time
 * stamps; and smsdtls_vp_choose() against a brute-force oracle built by
 * enumerating every encoding, for every subset of accepted formats.
 */
#include "config.h"

#include "tests/testutil.h"

/* 2023-11-14T22:13:20Z */
#define NOW		1700000000
/* 1990-01-01T00:00:00Z and 2090-01-01T00:00:00Z: time stamps hold
 * [SCTS_START, SCTS_END). */
#define SCTS_START	631152000LL
#define SCTS_END	3786912000LL
#define WEEK		604800u

/* The relative table as the digest (section 4) states it, in minutes. */
static uint32_t
table_minutes(unsigned v)
{
	if (v <= 143)
		return (v + 1) * 5;
	if (v <= 167)
		return 12 * 60 + (v - 143) * 30;
	if (v <= 196)
		return (v - 166) * 24 * 60;
	return (v - 192) * 7 * 24 * 60;
}

static struct smsdtls_vp
relative(uint8_t v)
{
	struct smsdtls_vp vp;

	memset(&vp, 0, sizeof(vp));
	vp.format = SMSDTLS_VPF_RELATIVE;
	vp.relative = v;
	return vp;
}

static struct smsdtls_vp
enhanced(const char *seven)
{
	struct smsdtls_vp vp;

	memset(&vp, 0, sizeof(vp));
	vp.format = SMSDTLS_VPF_ENHANCED;
	memcpy(vp.enhanced, seven, 7);
	return vp;
}

static smsdtls_rc
seconds_of(struct smsdtls_vp vp, int64_t now, uint32_t *s)
{
	return smsdtls_vp_seconds(&vp, now, s);
}

START_TEST(test_relative_boundaries)
{
	static const struct { uint8_t v; uint32_t s; } b[] = {
		{ 0, 300 }, { 11, 3600 }, { 143, 43200 }, { 144, 45000 },
		{ 167, 86400 }, { 168, 2 * 86400 }, { 196, 30 * 86400 },
		{ 197, 5 * WEEK }, { 255, 63 * WEEK },
	};
	uint32_t s;
	unsigned i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		ck_assert_rc(seconds_of(relative(b[i].v), 0, &s), SMSDTLS_OK);
		ck_assert_uint_eq(s, b[i].s);
	}
	for (i = 0; i < 256; i++) {
		ck_assert_rc(seconds_of(relative((uint8_t)i), 0, &s),
		    SMSDTLS_OK);
		ck_assert_uint_eq(s, table_minutes(i) * 60);
		/* now does not matter for a relative VP */
		ck_assert_rc(seconds_of(relative((uint8_t)i), -12345, &s),
		    SMSDTLS_OK);
		ck_assert_uint_eq(s, table_minutes(i) * 60);
	}
}
END_TEST

START_TEST(test_enhanced)
{
	uint32_t s = 77;

	/* Digest examples: 20 s, and 00:02:05. */
	ck_assert_rc(seconds_of(enhanced("\x02\x14\0\0\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 20);
	ck_assert_rc(seconds_of(enhanced("\x03\x00\x20\x50\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 125);
	ck_assert_rc(seconds_of(enhanced("\x03\x32\x95\x95\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 86399);
	ck_assert_rc(seconds_of(enhanced("\x01\xa7\0\0\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 86400);
	ck_assert_rc(seconds_of(enhanced("\x02\xff\0\0\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 255);
	/* Single shot (bit 6) and reserved bits 5-3 do not change it. */
	ck_assert_rc(seconds_of(enhanced("\x7a\x14\0\0\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 20);
	/* Extension FI octets are skipped. */
	ck_assert_rc(seconds_of(enhanced("\x82\x00\x14\0\0\0\0"), 0, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 20);
	ck_assert_rc(seconds_of(enhanced("\x83\x80\x00\x00\x01\x00\0"), 0,
	    &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 60 * 10);
	ck_assert_rc(seconds_of(enhanced("\x83\x80\x80\x00\x01\x00\x00"), 0,
	    &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 3600 * 10);

	s = 77;
	ck_assert_rc(seconds_of(enhanced("\x83\x80\x80\x80\x00\x01\x00"), 0,
	    &s), SMSDTLS_EPROTO);	/* hh mm ss run past octet 7 */
	ck_assert_rc(seconds_of(enhanced("\x81\x80\x80\x80\x80\x80\x00"), 0,
	    &s), SMSDTLS_EPROTO);
	ck_assert_rc(seconds_of(enhanced("\x81\x80\x80\x80\x80\x80\x80"), 0,
	    &s), SMSDTLS_EPROTO);
	ck_assert_rc(seconds_of(enhanced("\x00\x14\0\0\0\0\0"), 0, &s),
	    SMSDTLS_EINVAL);	/* no VP specified */
	ck_assert_rc(seconds_of(enhanced("\x02\x00\0\0\0\0\0"), 0, &s),
	    SMSDTLS_EINVAL);	/* 0 s is reserved */
	ck_assert_rc(seconds_of(enhanced("\x04\x14\0\0\0\0\0"), 0, &s),
	    SMSDTLS_EINVAL);
	ck_assert_rc(seconds_of(enhanced("\x07\x14\0\0\0\0\0"), 0, &s),
	    SMSDTLS_EINVAL);
	ck_assert_rc(seconds_of(enhanced("\x03\x42\0\0\0\0\0"), 0, &s),
	    SMSDTLS_EPROTO);	/* 24 hours */
	ck_assert_rc(seconds_of(enhanced("\x03\x00\x06\0\0\0\0"), 0, &s),
	    SMSDTLS_EPROTO);	/* 60 minutes */
	ck_assert_rc(seconds_of(enhanced("\x03\x00\x00\x06\0\0\0"), 0, &s),
	    SMSDTLS_EPROTO);	/* 60 seconds */
	ck_assert_rc(seconds_of(enhanced("\x03\x0a\x00\x00\0\0\0"), 0, &s),
	    SMSDTLS_EPROTO);	/* not BCD */
	ck_assert_uint_eq(s, 77);
}
END_TEST

START_TEST(test_absolute)
{
	struct smsdtls_vp vp;
	const int64_t t = 1710509445;	/* 2024-03-15T14:30:45+01:00 */
	uint32_t s = 77;

	memset(&vp, 0, sizeof(vp));
	vp.format = SMSDTLS_VPF_ABSOLUTE;
	vp.absolute.year = 2024;
	vp.absolute.month = 3;
	vp.absolute.day = 15;
	vp.absolute.hour = 14;
	vp.absolute.minute = 30;
	vp.absolute.second = 45;
	vp.absolute.tz = 4;
	ck_assert_rc(smsdtls_vp_seconds(&vp, t - 100, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 100);
	ck_assert_rc(smsdtls_vp_seconds(&vp, t, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_rc(smsdtls_vp_seconds(&vp, t + 5, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_rc(smsdtls_vp_seconds(&vp, t - 3000000000LL, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, 3000000000u);
	ck_assert_rc(smsdtls_vp_seconds(&vp, t - 5000000000LL, &s),
	    SMSDTLS_OK);
	ck_assert_uint_eq(s, UINT32_MAX);
	/* The same wall-clock time in UTC is an hour later. */
	vp.absolute.tz = 0;
	ck_assert_rc(smsdtls_vp_seconds(&vp, t - 100, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 3700);
	vp.absolute.tz = -20;		/* -05:00 */
	ck_assert_rc(smsdtls_vp_seconds(&vp, t, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 6 * 3600);

	s = 77;
	vp.absolute.month = 13;
	ck_assert_rc(smsdtls_vp_seconds(&vp, t, &s), SMSDTLS_EPROTO);
	vp.absolute.month = 2;
	vp.absolute.day = 30;
	ck_assert_rc(smsdtls_vp_seconds(&vp, t, &s), SMSDTLS_EPROTO);
	ck_assert_uint_eq(s, 77);
}
END_TEST

START_TEST(test_seconds_errors)
{
	struct smsdtls_vp vp;
	uint32_t s = 77;

	memset(&vp, 0, sizeof(vp));
	ck_assert_rc(smsdtls_vp_seconds(&vp, 0, &s), SMSDTLS_EINVAL);
	vp.format = 4;
	ck_assert_rc(smsdtls_vp_seconds(&vp, 0, &s), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_vp_seconds(NULL, 0, &s), SMSDTLS_EINVAL);
	vp.format = SMSDTLS_VPF_RELATIVE;
	ck_assert_rc(smsdtls_vp_seconds(&vp, 0, NULL), SMSDTLS_EINVAL);
	ck_assert_uint_eq(s, 77);
}
END_TEST

/* Worked choices: the digest's 20 s, the libgammu fallback, ties. */
START_TEST(test_choose_examples)
{
	struct smsdtls_vp vp;
	uint32_t s;

	ck_assert_rc(smsdtls_vp_choose(20, SMSDTLS_VP_ACCEPT_ALL, NOW, &vp),
	    SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_ENHANCED);
	ck_assert_mem_eq(vp.enhanced, "\x02\x14\0\0\0\0\0", 7);

	ck_assert_rc(smsdtls_vp_choose(20, SMSDTLS_VP_ACCEPT_RELATIVE, NOW,
	    &vp), SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_RELATIVE);
	ck_assert_uint_eq(vp.relative, 0);

	/* 300 s: relative, enhanced and absolute tie; relative wins. */
	ck_assert_rc(smsdtls_vp_choose(300, SMSDTLS_VP_ACCEPT_ALL, NOW, &vp),
	    SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_RELATIVE);
	ck_assert_uint_eq(vp.relative, 0);
	/* 301 s: relative would give 600; hh:mm:ss gives 00:05:01. */
	ck_assert_rc(smsdtls_vp_choose(301, SMSDTLS_VP_ACCEPT_ALL, NOW, &vp),
	    SMSDTLS_OK);
	ck_assert_mem_eq(vp.enhanced, "\x03\x00\x50\x10\0\0\0", 7);
	/* Without seconds and hh:mm:ss, the enhanced relative octet. */
	ck_assert_rc(smsdtls_vp_choose(301, SMSDTLS_VP_ACCEPT_ENH_RELATIVE |
	    SMSDTLS_VP_ACCEPT_ABSOLUTE, NOW, &vp), SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_ABSOLUTE);
	ck_assert_rc(smsdtls_vp_choose(600, SMSDTLS_VP_ACCEPT_ENH_RELATIVE |
	    SMSDTLS_VP_ACCEPT_ABSOLUTE, NOW, &vp), SMSDTLS_OK);
	ck_assert_mem_eq(vp.enhanced, "\x01\x01\0\0\0\0\0", 7);

	/* Beyond a day: absolute is exact, relative rounds up to 2 d. */
	ck_assert_rc(smsdtls_vp_choose(100000, SMSDTLS_VP_ACCEPT_ALL, NOW,
	    &vp), SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_ABSOLUTE);
	ck_assert_int_eq(vp.absolute.tz, 0);
	ck_assert_rc(smsdtls_vp_seconds(&vp, NOW, &s), SMSDTLS_OK);
	ck_assert_uint_eq(s, 100000);
	ck_assert_rc(smsdtls_vp_choose(100000, SMSDTLS_VP_ACCEPT_ENHANCED |
	    SMSDTLS_VP_ACCEPT_RELATIVE, NOW, &vp), SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_RELATIVE);
	ck_assert_uint_eq(vp.relative, 168);

	/* 0 is asked as 1 s. */
	ck_assert_rc(smsdtls_vp_choose(0, SMSDTLS_VP_ACCEPT_ALL, NOW, &vp),
	    SMSDTLS_OK);
	ck_assert_mem_eq(vp.enhanced, "\x02\x01\0\0\0\0\0", 7);
}
END_TEST

START_TEST(test_choose_errors)
{
	struct smsdtls_vp vp, before;

	memset(&vp, 0xa5, sizeof(vp));
	before = vp;
	ck_assert_rc(smsdtls_vp_choose(20, 0, NOW, &vp), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_vp_choose(20, 0x20, NOW, &vp), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_vp_choose(20, SMSDTLS_VP_ACCEPT_ALL, NOW, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_vp_choose(63 * WEEK + 1,
	    SMSDTLS_VP_ACCEPT_RELATIVE | SMSDTLS_VP_ACCEPT_ENHANCED, NOW,
	    &vp), SMSDTLS_ETOOBIG);
	ck_assert_rc(smsdtls_vp_choose(256, SMSDTLS_VP_ACCEPT_ENH_SECONDS,
	    NOW, &vp), SMSDTLS_ETOOBIG);
	ck_assert_rc(smsdtls_vp_choose(86400, SMSDTLS_VP_ACCEPT_ENH_HHMMSS,
	    NOW, &vp), SMSDTLS_ETOOBIG);
	/* An absolute VP must end before 2090. */
	ck_assert_rc(smsdtls_vp_choose(10, SMSDTLS_VP_ACCEPT_ABSOLUTE,
	    SCTS_END - 10, &vp), SMSDTLS_ETOOBIG);
	ck_assert_rc(smsdtls_vp_choose(10, SMSDTLS_VP_ACCEPT_ABSOLUTE,
	    INT64_MAX - 5, &vp), SMSDTLS_ETOOBIG);
	ck_assert_mem_eq(&vp, &before, sizeof(vp));
	ck_assert_rc(smsdtls_vp_choose(10, SMSDTLS_VP_ACCEPT_ABSOLUTE,
	    SCTS_END - 11, &vp), SMSDTLS_OK);
	ck_assert_uint_eq(vp.absolute.year, 2089);
	ck_assert_uint_eq(vp.absolute.second, 59);
	/* Unknown accept bits are ignored next to known ones. */
	ck_assert_rc(smsdtls_vp_choose(20, 0x20 | SMSDTLS_VP_ACCEPT_RELATIVE,
	    NOW, &vp), SMSDTLS_OK);
	ck_assert_uint_eq(vp.format, SMSDTLS_VPF_RELATIVE);
}
END_TEST

/* ---------------------------------------------------------- the oracle */

enum { W_REL, W_ENH_REL, W_ENH_SEC, W_ENH_HMS, W_ABS, NWAYS };

/* In order of preference for equal durations. */
static const unsigned way_flag[NWAYS] = {
	SMSDTLS_VP_ACCEPT_RELATIVE, SMSDTLS_VP_ACCEPT_ENH_RELATIVE,
	SMSDTLS_VP_ACCEPT_ENH_SECONDS, SMSDTLS_VP_ACCEPT_ENH_HHMMSS,
	SMSDTLS_VP_ACCEPT_ABSOLUTE
};

/* Every duration each enhanced format can carry, found by enumerating
 * its octets and decoding them independently of the library. */
static uint32_t hms_durs[24 * 60 * 60];
static size_t hms_n;
static uint32_t rel_durs[256];

static void
oracle_init(void)
{
	unsigned h, m, s, v;

	for (v = 0; v < 256; v++)
		rel_durs[v] = table_minutes(v) * 60;
	hms_n = 0;
	for (h = 0; h < 24; h++)
		for (m = 0; m < 60; m++)
			for (s = 0; s < 60; s++)
				if (h + m + s > 0)
					hms_durs[hms_n++] = h * 3600 +
					    m * 60 + s;
}

/* Smallest element of d[0..n) (in increasing order) >= want. */
static uint32_t
sorted_ceil(const uint32_t *d, size_t n, uint32_t want)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? d[lo] : 0;
}

/* Best duration way w gives for want, 0 if none reaches it. */
static uint32_t
oracle_way(int w, uint32_t want, int64_t now)
{
	uint32_t best = 0;
	unsigned v;

	switch (w) {
	case W_REL:
	case W_ENH_REL:
		for (v = 0; v < 256; v++)	/* no order assumed */
			if (rel_durs[v] >= want &&
			    (best == 0 || rel_durs[v] < best))
				best = rel_durs[v];
		return best;
	case W_ENH_SEC:
		for (v = 1; v < 256; v++)
			if (v >= want && (best == 0 || v < best))
				best = v;
		return best;
	case W_ENH_HMS:
		return sorted_ceil(hms_durs, hms_n, want);
	default:
		return now + want >= SCTS_START && now + want < SCTS_END ?
		    want : 0;
	}
}

/* Which way produced vp, checking that unused octets are zero. */
static int
vp_way(const struct smsdtls_vp *vp)
{
	static const uint8_t zero[7];

	if (vp->format == SMSDTLS_VPF_RELATIVE)
		return W_REL;
	if (vp->format == SMSDTLS_VPF_ABSOLUTE)
		return vp->absolute.tz == 0 ? W_ABS : -1;
	if (vp->format != SMSDTLS_VPF_ENHANCED)
		return -1;
	switch (vp->enhanced[0]) {
	case 1:
		return memcmp(vp->enhanced + 2, zero, 5) == 0 ? W_ENH_REL : -1;
	case 2:
		return memcmp(vp->enhanced + 2, zero, 5) == 0 ? W_ENH_SEC : -1;
	case 3:
		return memcmp(vp->enhanced + 4, zero, 3) == 0 ? W_ENH_HMS : -1;
	default:
		return -1;
	}
}

/* Check every accept subset for one want against the oracle. */
static void
check_want(uint32_t want, int64_t now)
{
	struct smsdtls_vp vp;
	uint32_t per[NWAYS], best, got;
	unsigned accept;
	int w, winner;
	smsdtls_rc rc;

	for (w = 0; w < NWAYS; w++)
		per[w] = oracle_way(w, want == 0 ? 1 : want, now);
	for (accept = 1; accept <= SMSDTLS_VP_ACCEPT_ALL; accept++) {
		best = 0;
		winner = -1;
		for (w = 0; w < NWAYS; w++)
			if ((accept & way_flag[w]) && per[w] != 0 &&
			    (best == 0 || per[w] < best)) {
				best = per[w];
				winner = w;
			}
		rc = smsdtls_vp_choose(want, accept, now, &vp);
		if (winner < 0) {
			ck_assert_msg(rc == SMSDTLS_ETOOBIG,
			    "want %u accept %#x: rc %d", want, accept, rc);
			continue;
		}
		ck_assert_msg(rc == SMSDTLS_OK, "want %u accept %#x: rc %d",
		    want, accept, rc);
		ck_assert_rc(smsdtls_vp_seconds(&vp, now, &got), SMSDTLS_OK);
		ck_assert_msg(got >= want && got == best && vp_way(&vp) ==
		    winner, "want %u accept %#x: got %u via %d, oracle %u "
		    "via %d", want, accept, got, vp_way(&vp), best, winner);
	}
}

START_TEST(test_choose_oracle)
{
	uint32_t want, v;

	oracle_init();
	for (want = 0; want <= 1000; want++)
		check_want(want, NOW);
	for (want = 1000; want <= 2 * 86400; want += 37)
		check_want(want, NOW);
	for (want = 2 * 86400; want <= 63 * WEEK + 5000; want += 4999)
		check_want(want, NOW);
	/* Every relative step, on it and either side of it. */
	for (v = 0; v < 256; v++) {
		check_want(rel_durs[v] - 1, NOW);
		check_want(rel_durs[v], NOW);
		check_want(rel_durs[v] + 1, NOW);
	}
	check_want(86399, NOW);
	check_want(86400, NOW);
	check_want(UINT32_MAX, NOW);
}
END_TEST

/* Near the end of time stamps, absolute drops out of the race. */
START_TEST(test_choose_oracle_late)
{
	uint32_t want;

	oracle_init();
	for (want = 1; want <= 63 * WEEK; want = want * 3 / 2 + 1) {
		check_want(want, SCTS_END - 100000);
		check_want(want, SCTS_END - 1);
		check_want(want, 0);
	}
}
END_TEST

static Suite *
vp_suite(void)
{
	Suite *s = suite_create("vp");
	TCase *tc = tcase_create("seconds");
	TCase *to = tcase_create("choose");

	tcase_add_test(tc, test_relative_boundaries);
	tcase_add_test(tc, test_enhanced);
	tcase_add_test(tc, test_absolute);
	tcase_add_test(tc, test_seconds_errors);
	suite_add_tcase(s, tc);
	tcase_add_test(to, test_choose_examples);
	tcase_add_test(to, test_choose_errors);
	tcase_add_test(to, test_choose_oracle);
	tcase_add_test(to, test_choose_oracle_late);
	tcase_set_timeout(to, 300);
	suite_add_tcase(s, to);
	return s;
}

SMSDTLS_CHECK_MAIN(vp_suite)
