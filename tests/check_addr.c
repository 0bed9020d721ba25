/*
 * check_addr.c - SMS address helpers: text parsing and formatting, the
 * canonical international form used as a session key, equality.
 */
#include "config.h"

#include "tests/testutil.h"

static struct smsdtls_addr
mkaddr(uint8_t ton, uint8_t npi, const char *text)
{
	struct smsdtls_addr a;

	memset(&a, 0, sizeof(a));
	a.ton = ton;
	a.npi = npi;
	strncpy(a.text, text, sizeof(a.text) - 1);
	return a;
}

START_TEST(test_parse)
{
	struct smsdtls_addr a;

	ck_assert_rc(smsdtls_addr_parse("+447700900123", &a), SMSDTLS_OK);
	ck_assert_uint_eq(a.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_uint_eq(a.npi, SMSDTLS_NPI_E164);
	ck_assert_str_eq(a.text, "447700900123");

	ck_assert_rc(smsdtls_addr_parse("07700900123", &a), SMSDTLS_OK);
	ck_assert_uint_eq(a.ton, SMSDTLS_TON_UNKNOWN);
	ck_assert_uint_eq(a.npi, SMSDTLS_NPI_E164);
	ck_assert_str_eq(a.text, "07700900123");

	ck_assert_rc(smsdtls_addr_parse("*#abc0", &a), SMSDTLS_OK);
	ck_assert_str_eq(a.text, "*#abc0");

	/* 20 digits is the most an address field carries. */
	ck_assert_rc(smsdtls_addr_parse("+12345678901234567890", &a),
	    SMSDTLS_OK);
	ck_assert_str_eq(a.text, "12345678901234567890");
}
END_TEST

START_TEST(test_parse_errors)
{
	static const char *bad[] = {
		"", "+", "++44", "+44 7700", "447-700", "12d", "A1",
		"123456789012345678901", "+123456789012345678901", "4+4",
		"\xc3\xa9",
	};
	struct smsdtls_addr a, before;

	memset(&a, 0x77, sizeof(a));
	before = a;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(smsdtls_addr_parse(bad[i], &a) == SMSDTLS_EADDR,
		    "\"%s\" accepted", bad[i]);
		ck_assert_mem_eq(&a, &before, sizeof(a));
	}
	ck_assert_rc(smsdtls_addr_parse(NULL, &a), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_addr_parse("1", NULL), SMSDTLS_EINVAL);
}
END_TEST

START_TEST(test_format)
{
	struct smsdtls_addr a;
	char buf[SMSDTLS_ADDR_TEXT_MAX + 1];

	a = mkaddr(SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164, "4477");
	ck_assert_rc(smsdtls_addr_format(&a, buf, sizeof(buf)), SMSDTLS_OK);
	ck_assert_str_eq(buf, "+4477");
	/* Exactly enough room, then one octet short. */
	ck_assert_rc(smsdtls_addr_format(&a, buf, 6), SMSDTLS_OK);
	ck_assert_str_eq(buf, "+4477");
	memset(buf, 'x', sizeof(buf));
	ck_assert_rc(smsdtls_addr_format(&a, buf, 5), SMSDTLS_ETOOBIG);
	ck_assert_int_eq(buf[0], 'x');

	a = mkaddr(SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "07700900123");
	ck_assert_rc(smsdtls_addr_format(&a, buf, sizeof(buf)), SMSDTLS_OK);
	ck_assert_str_eq(buf, "07700900123");
	ck_assert_rc(smsdtls_addr_format(&a, buf, 12), SMSDTLS_OK);
	ck_assert_rc(smsdtls_addr_format(&a, buf, 11), SMSDTLS_ETOOBIG);

	a = mkaddr(SMSDTLS_TON_ALPHANUMERIC, SMSDTLS_NPI_UNKNOWN, "DTLS");
	ck_assert_rc(smsdtls_addr_format(&a, buf, sizeof(buf)), SMSDTLS_OK);
	ck_assert_str_eq(buf, "DTLS");

	/* Unterminated text is refused rather than over-read. */
	memset(a.text, '1', sizeof(a.text));
	ck_assert_rc(smsdtls_addr_format(&a, buf, sizeof(buf)),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_addr_format(NULL, buf, sizeof(buf)),
	    SMSDTLS_EINVAL);
}
END_TEST

/* parse(format(x)) == x for numeric addresses. */
START_TEST(test_parse_format_round_trip)
{
	static const char *s[] = { "+447700900123", "07700900123", "123",
	    "*100#", "+1" };
	struct smsdtls_addr a, b;
	char buf[SMSDTLS_ADDR_TEXT_MAX + 1];

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		ck_assert_rc(smsdtls_addr_parse(s[i], &a), SMSDTLS_OK);
		ck_assert_rc(smsdtls_addr_format(&a, buf, sizeof(buf)),
		    SMSDTLS_OK);
		ck_assert_str_eq(buf, s[i]);
		ck_assert_rc(smsdtls_addr_parse(buf, &b), SMSDTLS_OK);
		ck_assert(smsdtls_addr_equal(&a, &b));
	}
}
END_TEST

static const struct canon_case {
	uint8_t		 ton;
	uint8_t		 npi;
	const char	*text;
	const char	*cc;
	smsdtls_rc	 rc;
	const char	*want;
} canon_cases[] = {
	/* international stays */
	{ 1, 1, "447700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 1, 0, "447700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 1, 1, "447700900123", NULL, SMSDTLS_OK, "447700900123" },
	{ 1, 1, "14155550100", "44", SMSDTLS_OK, "14155550100" },
	/* unknown TON with the 00 international prefix */
	{ 0, 1, "00447700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 0, 1, "0014155550100", "44", SMSDTLS_OK, "14155550100" },
	{ 0, 1, "00447700900123", NULL, SMSDTLS_OK, "447700900123" },
	/* unknown TON with a trunk 0: national */
	{ 0, 1, "07700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 0, 0, "07700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 0, 1, "0301234567", "49", SMSDTLS_OK, "49301234567" },
	{ 0, 1, "07700900123", NULL, SMSDTLS_EADDR, NULL },
	/* unknown TON without a prefix: already international (0x81) */
	{ 0, 1, "447700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 0, 1, "447700900123", NULL, SMSDTLS_OK, "447700900123" },
	/* national TON, with or without the trunk 0 */
	{ 2, 1, "07700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 2, 1, "7700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 2, 8, "7700900123", "44", SMSDTLS_OK, "447700900123" },
	{ 2, 1, "5550100", "1", SMSDTLS_OK, "15550100" },
	{ 2, 1, "7700900123", NULL, SMSDTLS_EADDR, NULL },
	/* nothing left after the prefix */
	{ 0, 1, "0", "44", SMSDTLS_EADDR, NULL },
	{ 0, 1, "00", "44", SMSDTLS_EADDR, NULL },
	{ 2, 1, "0", "44", SMSDTLS_EADDR, NULL },
	/* too long once the country code is added: 2 + 19 > 20 */
	{ 2, 1, "01234567890123456789", "44", SMSDTLS_EADDR, NULL },
	{ 2, 1, "0123456789012345678", "44", SMSDTLS_OK,
	    "44123456789012345678" },
	/* no international form */
	{ 5, 0, "DTLS", "44", SMSDTLS_EADDR, NULL },
	{ 3, 1, "12345", "44", SMSDTLS_EADDR, NULL },
	{ 4, 1, "12345", "44", SMSDTLS_EADDR, NULL },
	{ 6, 1, "12345", "44", SMSDTLS_EADDR, NULL },
	{ 7, 1, "12345", "44", SMSDTLS_EADDR, NULL },
	{ 1, 1, "", "44", SMSDTLS_EADDR, NULL },
	{ 1, 1, "44*77", "44", SMSDTLS_EADDR, NULL },
	{ 0, 1, "#100#", "44", SMSDTLS_EADDR, NULL },
	{ 1, 1, "4477abc", "44", SMSDTLS_EADDR, NULL },
	/* bad country codes are the caller's error */
	{ 0, 1, "07700900123", "", SMSDTLS_EINVAL, NULL },
	{ 0, 1, "07700900123", "0", SMSDTLS_EINVAL, NULL },
	{ 0, 1, "07700900123", "4a", SMSDTLS_EINVAL, NULL },
	{ 0, 1, "07700900123", "1234", SMSDTLS_EINVAL, NULL },
	{ 0, 1, "07700900123", "+44", SMSDTLS_EINVAL, NULL },
};

START_TEST(test_canonical_table)
{
	const struct canon_case *c = &canon_cases[_i];
	struct smsdtls_addr in, out, before;

	in = mkaddr(c->ton, c->npi, c->text);
	memset(&out, 0x3c, sizeof(out));
	before = out;
	ck_assert_msg(smsdtls_addr_canonical(&in, c->cc, &out) == c->rc,
	    "case %d (%u/%u \"%s\" cc %s): rc %d", _i, c->ton, c->npi,
	    c->text, c->cc ? c->cc : "NULL",
	    (int)smsdtls_addr_canonical(&in, c->cc, &out));
	if (c->rc != SMSDTLS_OK) {
		ck_assert_mem_eq(&out, &before, sizeof(out));
		return;
	}
	ck_assert_uint_eq(out.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_uint_eq(out.npi, SMSDTLS_NPI_E164);
	ck_assert_str_eq(out.text, c->want);
	/* Canonical is idempotent, and in may alias out. */
	ck_assert_rc(smsdtls_addr_canonical(&out, c->cc, &out), SMSDTLS_OK);
	ck_assert_str_eq(out.text, c->want);
	ck_assert_uint_eq(out.ton, SMSDTLS_TON_INTERNATIONAL);
}
END_TEST

/* The forms a network may deliver for one subscriber meet in one key. */
START_TEST(test_canonical_forms_meet)
{
	struct smsdtls_addr forms[5], c0, c;

	forms[0] = mkaddr(1, 1, "447700900123");
	forms[1] = mkaddr(0, 1, "00447700900123");
	forms[2] = mkaddr(0, 1, "07700900123");
	forms[3] = mkaddr(2, 1, "07700900123");
	forms[4] = mkaddr(2, 0, "7700900123");
	ck_assert_rc(smsdtls_addr_parse("+447700900123", &c0), SMSDTLS_OK);
	for (int i = 0; i < 5; i++) {
		ck_assert_rc(smsdtls_addr_canonical(&forms[i], "44", &c),
		    SMSDTLS_OK);
		ck_assert_msg(smsdtls_addr_equal(&c, &c0), "form %d", i);
	}
}
END_TEST

START_TEST(test_canonical_args)
{
	struct smsdtls_addr a = mkaddr(1, 1, "44"), out;

	ck_assert_rc(smsdtls_addr_canonical(NULL, "44", &out),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_addr_canonical(&a, "44", NULL), SMSDTLS_EINVAL);
	/* Unterminated text. */
	memset(a.text, '4', sizeof(a.text));
	ck_assert_rc(smsdtls_addr_canonical(&a, "44", &out), SMSDTLS_EADDR);
}
END_TEST

START_TEST(test_equal)
{
	struct smsdtls_addr a = mkaddr(1, 1, "447700900123"), b;

	b = a;
	ck_assert(smsdtls_addr_equal(&a, &b));
	b.ton = 0;
	ck_assert(!smsdtls_addr_equal(&a, &b));
	b = a;
	b.npi = 0;
	ck_assert(!smsdtls_addr_equal(&a, &b));
	b = a;
	b.text[11] = '4';
	ck_assert(!smsdtls_addr_equal(&a, &b));
	b = a;
	b.text[12] = '4';
	ck_assert(!smsdtls_addr_equal(&a, &b));
	/* Octets after the terminator do not count. */
	b = a;
	b.text[30] = 'z';
	ck_assert(smsdtls_addr_equal(&a, &b));
	ck_assert(!smsdtls_addr_equal(&a, NULL));
	ck_assert(!smsdtls_addr_equal(NULL, &a));
	ck_assert(smsdtls_addr_equal(NULL, NULL));
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc;

	tc = tcase_create("text");
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_parse_format_round_trip);
	tcase_add_test(tc, test_equal);
	suite_add_tcase(s, tc);

	tc = tcase_create("canonical");
	tcase_add_loop_test(tc, test_canonical_table, 0,
	    (int)(sizeof(canon_cases) / sizeof(canon_cases[0])));
	tcase_add_test(tc, test_canonical_forms_meet);
	tcase_add_test(tc, test_canonical_args);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(addr_suite)
