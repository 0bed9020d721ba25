/*
 * check_flight.c - the TX batch and the flight packer.
 */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "transport/flight.h"

/* Write a record of type with body length body into buf; returns size. */
static size_t
mkrec(uint8_t *buf, uint8_t type, uint16_t epoch, uint64_t seq, size_t body)
{
	buf[0] = type;
	buf[1] = 0xfe;
	buf[2] = 0xfd;
	buf[3] = (uint8_t)(epoch >> 8);
	buf[4] = (uint8_t)epoch;
	for (int i = 10; i >= 5; i--) {
		buf[i] = (uint8_t)seq;
		seq >>= 8;
	}
	buf[11] = (uint8_t)(body >> 8);
	buf[12] = (uint8_t)body;
	memset(buf + 13, (int)type, body);
	return 13 + body;
}

/* The handshake flights measured with wolfSSL 5.7.2 (DESIGN.md): SH 107
 * and SHD 25 in two writes go in one datagram of 132. */
START_TEST(test_pack_server_hello_flight)
{
	static struct flight f;
	struct flight_dgram d[4];
	uint8_t rec[256];
	size_t n, len;

	flight_reset(&f);
	len = mkrec(rec, FLIGHT_CT_HANDSHAKE, 0, 1, 107 - 13);
	ck_assert_rc(flight_append(&f, rec, len), SMSDTLS_OK);
	len = mkrec(rec, FLIGHT_CT_HANDSHAKE, 0, 2, 25 - 13);
	ck_assert_rc(flight_append(&f, rec, len), SMSDTLS_OK);
	flight_pack(&f, 133, d, 4, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(d[0].len, 132);
	ck_assert_uint_eq(d[0].count, 2);
	ck_assert(d[0].handshake);
	/* One byte less of MTU splits it. */
	flight_pack(&f, 131, d, 4, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(d[0].len, 107);
	ck_assert_uint_eq(d[1].len, 25);
}
END_TEST

/* CKE 38 + CCS 14 + Finished 53 in one wolfSSL buffer and one write. */
START_TEST(test_pack_multi_record_write)
{
	static struct flight f;
	struct flight_dgram d[4];
	uint8_t buf[512];
	size_t n, len = 0;

	flight_reset(&f);
	len += mkrec(buf + len, FLIGHT_CT_HANDSHAKE, 0, 3, 25);
	len += mkrec(buf + len, FLIGHT_CT_CCS, 0, 4, 1);
	len += mkrec(buf + len, FLIGHT_CT_HANDSHAKE, 1, 0, 40);
	ck_assert_rc(flight_append(&f, buf, len), SMSDTLS_OK);
	ck_assert_uint_eq(f.nrec, 3);
	ck_assert_uint_eq(f.rec[2].epoch, 1);
	ck_assert_uint_eq(f.rec[1].seq, 4);
	flight_pack(&f, 133, d, 4, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(d[0].len, 38 + 14 + 53);
}
END_TEST

START_TEST(test_pack_greedy_order)
{
	static struct flight f;
	struct flight_dgram d[16];
	uint8_t rec[256];
	/* Sizes that a reordering packer could fit in fewer datagrams;
	 * records must stay in order, so greedy is right: 3 datagrams. */
	static const size_t sizes[] = { 70, 70, 60, 60 };
	size_t n, i, total = 0;

	flight_reset(&f);
	for (i = 0; i < 4; i++)
		ck_assert_rc(flight_append(&f, rec, mkrec(rec,
		    FLIGHT_CT_HANDSHAKE, 0, i, sizes[i] - 13)), SMSDTLS_OK);
	flight_pack(&f, 133, d, 16, &n);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_uint_le(d[i].len, 133);
		total += d[i].count;
	}
	ck_assert_uint_eq(total, 4);
	ck_assert_uint_eq(d[1].first, 1);
	ck_assert_uint_eq(d[1].len, 130);
}
END_TEST

START_TEST(test_appdata_not_handshake)
{
	static struct flight f;
	struct flight_dgram d[2];
	uint8_t rec[256];
	size_t n;

	flight_reset(&f);
	ck_assert_rc(flight_append(&f, rec, mkrec(rec, FLIGHT_CT_APPDATA,
	    1, 9, 104 + 16)), SMSDTLS_OK);
	flight_pack(&f, 133, d, 2, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(d[0].len, 133);
	ck_assert(!d[0].handshake);
}
END_TEST

START_TEST(test_oversize_record_alone)
{
	static struct flight f;
	struct flight_dgram d[4];
	uint8_t rec[512];
	size_t n;

	flight_reset(&f);
	ck_assert_rc(flight_append(&f, rec, mkrec(rec, FLIGHT_CT_HANDSHAKE,
	    0, 0, 20)), SMSDTLS_OK);
	ck_assert_rc(flight_append(&f, rec, mkrec(rec, FLIGHT_CT_HANDSHAKE,
	    0, 1, 200)), SMSDTLS_OK);
	flight_pack(&f, 133, d, 4, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(d[1].count, 1);
	ck_assert_uint_eq(d[1].len, 213);
}
END_TEST

START_TEST(test_bad_input_changes_nothing)
{
	static struct flight f;
	uint8_t rec[256];
	size_t len;

	flight_reset(&f);
	len = mkrec(rec, FLIGHT_CT_HANDSHAKE, 0, 0, 50);
	ck_assert_rc(flight_append(&f, rec, len), SMSDTLS_OK);
	/* A record whose length runs past the buffer. */
	ck_assert_rc(flight_append(&f, rec, len - 1), SMSDTLS_EPROTO);
	ck_assert_rc(flight_append(&f, rec, 5), SMSDTLS_EPROTO);
	ck_assert_uint_eq(f.nrec, 1);
	ck_assert_uint_eq(f.len, len);
	/* Full: the batch keeps what it had and says so. */
	while (flight_append(&f, rec, len) == SMSDTLS_OK)
		;
	ck_assert(f.overflow);
	ck_assert_uint_le(f.len, FLIGHT_MAX);
}
END_TEST

/* Random batches: packing keeps order, covers every record once, never
 * exceeds the PMTU with a multi-record datagram, and is minimal for
 * in-order packing (no two neighbours could merge). */
START_TEST(test_pack_random)
{
	static struct flight f;
	struct flight_dgram d[FLIGHT_MAX_RECORDS];
	uint8_t rec[256];
	uint64_t st = 42;
	size_t n, i, next;
	int iter;

	for (iter = 0; iter < 5000; iter++) {
		size_t nrec = 1 + test_rand(&st) % 20, pmtu = 60 +
		    test_rand(&st) % 120;

		flight_reset(&f);
		for (i = 0; i < nrec; i++)
			(void)flight_append(&f, rec, mkrec(rec,
			    (uint8_t)(20 + test_rand(&st) % 4), 0, i,
			    test_rand(&st) % 120));
		flight_pack(&f, pmtu, d, FLIGHT_MAX_RECORDS, &n);
		for (i = 0, next = 0; i < n; i++) {
			ck_assert_uint_eq(d[i].first, next);
			next += d[i].count;
			ck_assert(d[i].count == 1 || d[i].len <= pmtu);
			if (i + 1 < n)
				ck_assert_uint_gt(d[i].len +
				    f.rec[d[i + 1].first].len, pmtu);
		}
		ck_assert_uint_eq(next, f.nrec);
	}
}
END_TEST

static Suite *
flight_suite(void)
{
	Suite *s = suite_create("flight");
	TCase *tc = tcase_create("pack");

	tcase_add_test(tc, test_pack_server_hello_flight);
	tcase_add_test(tc, test_pack_multi_record_write);
	tcase_add_test(tc, test_pack_greedy_order);
	tcase_add_test(tc, test_appdata_not_handshake);
	tcase_add_test(tc, test_oversize_record_alone);
	tcase_add_test(tc, test_bad_input_changes_nothing);
	tcase_add_test(tc, test_pack_random);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(flight_suite)
