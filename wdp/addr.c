/*
 * addr.c - SMS address helpers: text form and the canonical international
 * form used as a lookup key (3GPP TS 23.040 9.1.2.5, ITU-T E.164).
 *
 * A network may deliver the same sender in international form (TON 1,
 * "447700900123"), in national form (TON 2 or TON 0 with a trunk prefix,
 * "07700900123"), with the "00" international access prefix, or as
 * digits with the country code but TON unknown: many modems and SMSCs
 * report 0x81 for an international number written without '+'.  Sessions
 * are keyed by the canonical form so that all of these meet.
 *
 * Canonicalisation of a numeric address, by TON:
 *   international  digits kept as they are;
 *   unknown        "00" + digits: the access prefix is dropped;
 *                  "0" + digits:  national, trunk '0' replaced by the
 *                                 country code;
 *                  other digits:  taken as already international (the
 *                                 0x81-without-'+' case above);
 *   national       one leading trunk '0' dropped, country code prepended;
 *   anything else  (network-specific, subscriber, abbreviated, reserved,
 *                  alphanumeric) SMSDTLS_EADDR: no international form.
 * The NPI of the input is not looked at; the result is always E.164.
 * A national number with no country code configured gives EADDR.  The
 * price of the "other digits" rule: a short code delivered with TON
 * unknown ("12345") becomes "+12345", a key that is stable but may not
 * route a reply; short codes are not DTLS peers in practice.
 * Only the digits 0-9 can be canonical; '*', '#' and a-c give EADDR.
 */
#include "config.h"

#include <string.h>

#include <smsdtls/sms.h>

#define CC_MAX	3	/* E.164 country codes have 1 to 3 digits */

static bool	addr_cc_valid(const char *);
static bool	addr_digits_only(const char *, size_t);
static bool	addr_valid_char(char);
static smsdtls_rc addr_join(const char *, const char *, size_t,
		    struct smsdtls_addr *);
static smsdtls_rc addr_national(const char *, const char *, size_t,
		    struct smsdtls_addr *);
static size_t	addr_textlen(const struct smsdtls_addr *);

smsdtls_rc
smsdtls_addr_parse(const char *s, struct smsdtls_addr *addr)
{
	struct smsdtls_addr a;
	size_t i, n;

	if (s == NULL || addr == NULL)
		return SMSDTLS_EINVAL;
	memset(&a, 0, sizeof(a));
	a.npi = SMSDTLS_NPI_E164;
	a.ton = SMSDTLS_TON_UNKNOWN;
	if (*s == '+') {
		a.ton = SMSDTLS_TON_INTERNATIONAL;
		s++;
	}
	n = strnlen(s, SMSDTLS_ADDR_DIGITS_MAX + 1);
	if (n == 0 || n > SMSDTLS_ADDR_DIGITS_MAX)
		return SMSDTLS_EADDR;
	for (i = 0; i < n; i++) {
		if (!addr_valid_char(s[i]))
			return SMSDTLS_EADDR;
		a.text[i] = s[i];
	}
	*addr = a;
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_addr_format(const struct smsdtls_addr *addr, char *buf,
    size_t buflen)
{
	size_t n, plus;

	if (addr == NULL || buf == NULL)
		return SMSDTLS_EINVAL;
	n = addr_textlen(addr);
	if (n == SMSDTLS_ADDR_TEXT_MAX)
		return SMSDTLS_EINVAL;		/* text not terminated */
	plus = addr->ton == SMSDTLS_TON_INTERNATIONAL ? 1 : 0;
	if (plus + n + 1 > buflen)
		return SMSDTLS_ETOOBIG;
	if (plus)
		buf[0] = '+';
	memcpy(buf + plus, addr->text, n);
	buf[plus + n] = '\0';
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_addr_canonical(const struct smsdtls_addr *in,
    const char *country_code, struct smsdtls_addr *out)
{
	const char *d;
	size_t n;

	if (in == NULL || out == NULL)
		return SMSDTLS_EINVAL;
	if (country_code != NULL && !addr_cc_valid(country_code))
		return SMSDTLS_EINVAL;
	d = in->text;
	n = addr_textlen(in);
	if (n == 0 || n > SMSDTLS_ADDR_DIGITS_MAX || !addr_digits_only(d, n))
		return SMSDTLS_EADDR;

	switch (in->ton) {
	case SMSDTLS_TON_INTERNATIONAL:
		return addr_join(NULL, d, n, out);
	case SMSDTLS_TON_UNKNOWN:
		if (n >= 2 && d[0] == '0' && d[1] == '0')
			return addr_join(NULL, d + 2, n - 2, out);
		if (d[0] == '0')
			return addr_national(country_code, d + 1, n - 1, out);
		return addr_join(NULL, d, n, out);
	case SMSDTLS_TON_NATIONAL:
		if (d[0] == '0')
			return addr_national(country_code, d + 1, n - 1, out);
		return addr_national(country_code, d, n, out);
	default:
		return SMSDTLS_EADDR;
	}
}

bool
smsdtls_addr_equal(const struct smsdtls_addr *a, const struct smsdtls_addr *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->ton == b->ton && a->npi == b->npi &&
	    strncmp(a->text, b->text, SMSDTLS_ADDR_TEXT_MAX) == 0;
}

/* A national significant number needs the country code to be known. */
static smsdtls_rc
addr_national(const char *cc, const char *digits, size_t n,
    struct smsdtls_addr *out)
{
	if (cc == NULL)
		return SMSDTLS_EADDR;
	return addr_join(cc, digits, n, out);
}

/*
 * Write the international address cc + digits[0..n) to out.  A NULL cc
 * means the digits already carry the country code.  The digits after the
 * country code must not be empty.
 */
static smsdtls_rc
addr_join(const char *cc, const char *digits, size_t n,
    struct smsdtls_addr *out)
{
	struct smsdtls_addr a;
	size_t ccn = 0;

	if (n == 0)
		return SMSDTLS_EADDR;
	if (cc != NULL)
		ccn = strlen(cc);
	if (ccn + n > SMSDTLS_ADDR_DIGITS_MAX)
		return SMSDTLS_EADDR;
	memset(&a, 0, sizeof(a));
	a.ton = SMSDTLS_TON_INTERNATIONAL;
	a.npi = SMSDTLS_NPI_E164;
	if (ccn != 0)
		memcpy(a.text, cc, ccn);
	memcpy(a.text + ccn, digits, n);
	*out = a;
	return SMSDTLS_OK;
}

/* A country code: 1 to 3 digits, not starting with 0. */
static bool
addr_cc_valid(const char *cc)
{
	size_t n = strnlen(cc, CC_MAX + 1);

	return n != 0 && n <= CC_MAX && cc[0] != '0' &&
	    addr_digits_only(cc, n);
}

/* Length of addr->text, or SMSDTLS_ADDR_TEXT_MAX if it is unterminated. */
static size_t
addr_textlen(const struct smsdtls_addr *addr)
{
	return strnlen(addr->text, SMSDTLS_ADDR_TEXT_MAX);
}

static bool
addr_digits_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool
addr_valid_char(char c)
{
	return (c >= '0' && c <= '9') || c == '*' || c == '#' ||
	    (c >= 'a' && c <= 'c');
}
