/*
 * testutil.h - shared helpers for the Check test programs.
 *
 * Each tests/check_<module>.c defines Suite *<module>_suite(void) and ends
 * with SMSDTLS_CHECK_MAIN(<module>_suite).
 */
#ifndef SMSDTLS_TESTUTIL_H
#define SMSDTLS_TESTUTIL_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <smsdtls/smsdtls.h>

/* Assert that an smsdtls call returned the expected code, naming both. */
#define ck_assert_rc(call, want) do {					\
	smsdtls_rc ck_rc_ = (call);					\
	ck_assert_msg(ck_rc_ == (want), "%s: got %s (%d), want %s",	\
	    #call, smsdtls_strerror(ck_rc_), (int)ck_rc_,		\
	    smsdtls_strerror(want));					\
} while (0)

/* Decode a hex string known to be valid into buf; returns the length. */
static inline size_t
test_unhex(const char *hex, uint8_t *buf, size_t buflen)
{
	size_t len = 0;

	ck_assert_rc(smsdtls_hex_decode(hex, buf, buflen, &len), SMSDTLS_OK);
	return len;
}

/* A small deterministic PRNG (xorshift64*) for property tests. */
static inline uint64_t
test_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#define SMSDTLS_CHECK_MAIN(suite_fn)					\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_NORMAL);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;		\
}

#endif /* SMSDTLS_TESTUTIL_H */
