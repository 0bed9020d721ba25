/*
 * tpdu_fields.c - field codecs of 3GPP TS 23.040 TPDUs: addresses
 * (9.1.2.5), the AT PDU-mode SMSC prefix (TS 27.005 3.1, coded as the RP
 * address of TS 24.011 8.2.5.1) and time stamps (9.2.3.11).
 *
 * Decoders take a bounded read cursor and fill their out-parameter only
 * on success.  They accept what real networks send where the meaning is
 * clear (any filler nibble, a negative zero time zone, trailing F padding
 * in the SMSC number) and reject what cannot be represented: a type of
 * address without bit 7, more than 20 digits, an F nibble among the
 * digits, a non-BCD time-stamp digit.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "transport/tpdu_fields.h"

/* Largest address body: 20 semi-octets. */
#define ADDR_OCTETS_MAX	(SMSDTLS_ADDR_DIGITS_MAX / 2)
/* Largest alphanumeric address: 80 bits hold 11 septets. */
#define ALNUM_SEPT_MAX	11

static const char bcd_digits[] = "0123456789*#abc";

static smsdtls_rc	toa_get(uint8_t toa, struct smsdtls_addr *a);
static smsdtls_rc	toa_put(const struct smsdtls_addr *a, uint8_t *toa);
static uint8_t		nibble_at(const uint8_t *oct, size_t i);
static smsdtls_rc	digits_get(const uint8_t *oct, size_t n,
			    struct smsdtls_addr *a);
static smsdtls_rc	digits_put(struct tpdu_wr *wr, const char *text,
			    size_t n);
static smsdtls_rc	digit_nibble(char c, uint8_t *nib);
static smsdtls_rc	alnum_get(const uint8_t *oct, size_t nibbles,
			    struct smsdtls_addr *a);
static smsdtls_rc	alnum_put(struct tpdu_wr *wr,
			    const struct smsdtls_addr *a, uint8_t toa);
static smsdtls_rc	smsc_digits(const uint8_t *oct, size_t noct,
			    struct smsdtls_addr *a);
static int64_t		days_from_civil(int64_t y, unsigned m,
			    unsigned d);
static void		civil_from_days(int64_t z, int64_t *y, unsigned *m,
			    unsigned *d);
static unsigned		days_in_month(int64_t y, unsigned m);

smsdtls_rc
tpdu_bcd_get(uint8_t octet, uint8_t *value)
{
	uint8_t lo = octet & 0x0f, hi = octet >> 4;

	if (lo > 9 || hi > 9)
		return SMSDTLS_EPROTO;
	*value = (uint8_t)(lo * 10 + hi);
	return SMSDTLS_OK;
}

uint8_t
tpdu_bcd_put(uint8_t value)
{
	return (uint8_t)((value % 10) << 4 | (value / 10) % 10);
}

smsdtls_rc
tpdu_addr_get(struct tpdu_rd *rd, struct smsdtls_addr *addr)
{
	struct smsdtls_addr a;
	uint8_t n, toa, oct[ADDR_OCTETS_MAX];
	smsdtls_rc rc;

	if ((rc = tpdu_rd_u8(rd, &n)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_u8(rd, &toa)) != SMSDTLS_OK)
		return rc;
	if (n > SMSDTLS_ADDR_DIGITS_MAX)
		return SMSDTLS_EPROTO;
	if ((rc = tpdu_rd_bytes(rd, oct, (n + 1u) / 2)) != SMSDTLS_OK)
		return rc;
	memset(&a, 0, sizeof(a));
	if ((rc = toa_get(toa, &a)) != SMSDTLS_OK)
		return rc;
	if (a.ton == SMSDTLS_TON_ALPHANUMERIC)
		rc = alnum_get(oct, n, &a);
	else
		rc = digits_get(oct, n, &a);
	if (rc == SMSDTLS_OK)
		*addr = a;
	return rc;
}

smsdtls_rc
tpdu_addr_put(struct tpdu_wr *wr, const struct smsdtls_addr *addr)
{
	uint8_t toa;
	size_t n;
	smsdtls_rc rc;

	if ((rc = toa_put(addr, &toa)) != SMSDTLS_OK)
		return rc;
	if (addr->ton == SMSDTLS_TON_ALPHANUMERIC)
		return alnum_put(wr, addr, toa);
	n = strnlen(addr->text, sizeof(addr->text));
	if (n > SMSDTLS_ADDR_DIGITS_MAX)
		return SMSDTLS_EADDR;
	if ((rc = tpdu_wr_u8(wr, (uint8_t)n)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, toa)) != SMSDTLS_OK)
		return rc;
	return digits_put(wr, addr->text, n);
}

smsdtls_rc
tpdu_smsc_get(struct tpdu_rd *rd, struct smsdtls_addr *addr)
{
	struct smsdtls_addr a;
	uint8_t len, toa, oct[ADDR_OCTETS_MAX];
	smsdtls_rc rc;

	if ((rc = tpdu_rd_u8(rd, &len)) != SMSDTLS_OK)
		return rc;
	memset(&a, 0, sizeof(a));
	if (len == 0) {
		*addr = a;
		return SMSDTLS_OK;
	}
	if (len > 1 + ADDR_OCTETS_MAX)
		return SMSDTLS_EPROTO;
	if ((rc = tpdu_rd_u8(rd, &toa)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_bytes(rd, oct, len - 1u)) != SMSDTLS_OK)
		return rc;
	if ((rc = toa_get(toa, &a)) != SMSDTLS_OK)
		return rc;
	/* An RP address is BCD only (TS 24.008 10.5.4.7). */
	if (a.ton == SMSDTLS_TON_ALPHANUMERIC)
		return SMSDTLS_EPROTO;
	if ((rc = smsc_digits(oct, len - 1u, &a)) != SMSDTLS_OK)
		return rc;
	*addr = a;
	return SMSDTLS_OK;
}

smsdtls_rc
tpdu_smsc_put(struct tpdu_wr *wr, const struct smsdtls_addr *addr)
{
	uint8_t toa;
	size_t n;
	smsdtls_rc rc;

	n = strnlen(addr->text, sizeof(addr->text));
	if (n == 0)
		return tpdu_wr_u8(wr, 0);
	if ((rc = toa_put(addr, &toa)) != SMSDTLS_OK)
		return rc;
	if (addr->ton == SMSDTLS_TON_ALPHANUMERIC ||
	    n > SMSDTLS_ADDR_DIGITS_MAX)
		return SMSDTLS_EADDR;
	if ((rc = tpdu_wr_u8(wr, (uint8_t)(1 + (n + 1) / 2))) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, toa)) != SMSDTLS_OK)
		return rc;
	return digits_put(wr, addr->text, n);
}

smsdtls_rc
tpdu_scts_get(struct tpdu_rd *rd, struct smsdtls_scts *ts)
{
	uint8_t o[TPDU_SCTS_LEN], v[6], units;
	struct smsdtls_scts t;
	size_t i;
	smsdtls_rc rc;

	if ((rc = tpdu_rd_bytes(rd, o, sizeof(o))) != SMSDTLS_OK)
		return rc;
	for (i = 0; i < 6; i++)
		if ((rc = tpdu_bcd_get(o[i], &v[i])) != SMSDTLS_OK)
			return rc;
	/* Time zone: units in bits 7-4, tens in bits 2-0, sign in bit 3. */
	if ((units = o[6] >> 4) > 9)
		return SMSDTLS_EPROTO;
	t.year = (uint16_t)(v[0] < 90 ? 2000 + v[0] : 1900 + v[0]);
	t.month = v[1];
	t.day = v[2];
	t.hour = v[3];
	t.minute = v[4];
	t.second = v[5];
	t.tz = (int8_t)((o[6] & 0x07) * 10 + units);
	if (o[6] & 0x08)
		t.tz = (int8_t)-t.tz;
	*ts = t;
	return SMSDTLS_OK;
}

smsdtls_rc
tpdu_scts_put(struct tpdu_wr *wr, const struct smsdtls_scts *ts)
{
	uint8_t o[TPDU_SCTS_LEN];
	unsigned tz;

	if (ts->year < 1990 || ts->year > 2089 || ts->month > 99 ||
	    ts->day > 99 || ts->hour > 99 || ts->minute > 99 ||
	    ts->second > 99 || ts->tz < -79 || ts->tz > 79)
		return SMSDTLS_EINVAL;
	o[0] = tpdu_bcd_put((uint8_t)(ts->year % 100));
	o[1] = tpdu_bcd_put(ts->month);
	o[2] = tpdu_bcd_put(ts->day);
	o[3] = tpdu_bcd_put(ts->hour);
	o[4] = tpdu_bcd_put(ts->minute);
	o[5] = tpdu_bcd_put(ts->second);
	tz = (unsigned)(ts->tz < 0 ? -ts->tz : ts->tz);
	o[6] = (uint8_t)((tz % 10) << 4 | tz / 10 | (ts->tz < 0 ? 0x08 : 0));
	return tpdu_wr_bytes(wr, o, sizeof(o));
}

smsdtls_rc
tpdu_scts_to_unix(const struct smsdtls_scts *ts, int64_t *t)
{
	int64_t days;

	if (ts->month < 1 || ts->month > 12 || ts->day < 1 ||
	    ts->day > days_in_month(ts->year, ts->month) || ts->hour > 23 ||
	    ts->minute > 59 || ts->second > 59 || ts->tz < -79 ||
	    ts->tz > 79)
		return SMSDTLS_EPROTO;
	days = days_from_civil(ts->year, ts->month, ts->day);
	*t = days * 86400 + ts->hour * 3600 + ts->minute * 60 +
	    ts->second - (int64_t)ts->tz * 15 * 60;
	return SMSDTLS_OK;
}

smsdtls_rc
tpdu_scts_from_unix(int64_t t, struct smsdtls_scts *ts)
{
	struct smsdtls_scts r;
	int64_t y, secs;
	unsigned m, d;

	/* 1990-01-01T00:00:00Z and 2090-01-01T00:00:00Z */
	if (t < 631152000 || t >= 3786912000)
		return SMSDTLS_ETOOBIG;
	civil_from_days(t / 86400, &y, &m, &d);
	secs = t % 86400;
	r.year = (uint16_t)y;
	r.month = (uint8_t)m;
	r.day = (uint8_t)d;
	r.hour = (uint8_t)(secs / 3600);
	r.minute = (uint8_t)(secs / 60 % 60);
	r.second = (uint8_t)(secs % 60);
	r.tz = 0;
	*ts = r;
	return SMSDTLS_OK;
}

/* Type of address (9.1.2.5): bit 7 is always 1. */
static smsdtls_rc
toa_get(uint8_t toa, struct smsdtls_addr *a)
{
	if ((toa & 0x80) == 0)
		return SMSDTLS_EPROTO;
	a->ton = (toa >> 4) & 0x07;
	a->npi = toa & 0x0f;
	return SMSDTLS_OK;
}

static smsdtls_rc
toa_put(const struct smsdtls_addr *a, uint8_t *toa)
{
	if (a->ton > 7 || a->npi > 15)
		return SMSDTLS_EINVAL;
	*toa = (uint8_t)(0x80 | a->ton << 4 | a->npi);
	return SMSDTLS_OK;
}

/* Semi-octet i of oct: low nibble first. */
static uint8_t
nibble_at(const uint8_t *oct, size_t i)
{
	return i % 2 ? oct[i / 2] >> 4 : oct[i / 2] & 0x0f;
}

/* n BCD digits; the filler of an odd count is not checked. */
static smsdtls_rc
digits_get(const uint8_t *oct, size_t n, struct smsdtls_addr *a)
{
	size_t i;
	uint8_t nib;

	for (i = 0; i < n; i++) {
		if ((nib = nibble_at(oct, i)) == 0x0f)
			return SMSDTLS_EPROTO;
		a->text[i] = bcd_digits[nib];
	}
	a->text[n] = '\0';
	return SMSDTLS_OK;
}

static smsdtls_rc
digit_nibble(char c, uint8_t *nib)
{
	const char *p;

	if (c >= 'A' && c <= 'C')
		c = (char)(c - 'A' + 'a');
	if (c == '\0' || (p = strchr(bcd_digits, c)) == NULL)
		return SMSDTLS_EADDR;
	*nib = (uint8_t)(p - bcd_digits);
	return SMSDTLS_OK;
}

/* Write n digits of text as BCD, padding an odd count with F. */
static smsdtls_rc
digits_put(struct tpdu_wr *wr, const char *text, size_t n)
{
	uint8_t lo, hi;
	size_t i;
	smsdtls_rc rc;

	for (i = 0; i < n; i += 2) {
		if ((rc = digit_nibble(text[i], &lo)) != SMSDTLS_OK)
			return rc;
		hi = 0x0f;
		if (i + 1 < n &&
		    (rc = digit_nibble(text[i + 1], &hi)) != SMSDTLS_OK)
			return rc;
		if ((rc = tpdu_wr_u8(wr, (uint8_t)(hi << 4 | lo))) !=
		    SMSDTLS_OK)
			return rc;
	}
	return SMSDTLS_OK;
}

/* Alphanumeric address: nibbles * 4 / 7 packed septets (9.1.2.5). */
static smsdtls_rc
alnum_get(const uint8_t *oct, size_t nibbles, struct smsdtls_addr *a)
{
	uint8_t sept[ALNUM_SEPT_MAX];
	size_t n;

	n = nibbles * 4 / 7;
	if (tpdu_gsm7_unpack(oct, (nibbles + 1) / 2, 0, sept, n) != n)
		return SMSDTLS_EPROTO;
	if (tpdu_gsm7_to_utf8(sept, n, a->text, sizeof(a->text)) ==
	    (size_t)-1)
		return SMSDTLS_EPROTO;
	return SMSDTLS_OK;
}

static smsdtls_rc
alnum_put(struct tpdu_wr *wr, const struct smsdtls_addr *a, uint8_t toa)
{
	char text[SMSDTLS_ADDR_TEXT_MAX];
	uint8_t sept[ALNUM_SEPT_MAX], oct[ADDR_OCTETS_MAX];
	size_t n, olen;
	smsdtls_rc rc;

	if (memchr(a->text, '\0', sizeof(a->text)) == NULL)
		return SMSDTLS_EADDR;
	memcpy(text, a->text, sizeof(text));
	n = tpdu_gsm7_from_text(text, sept, sizeof(sept));
	if (n == (size_t)-1)
		return SMSDTLS_EADDR;
	olen = tpdu_gsm7_pack(sept, n, 0, oct, sizeof(oct));
	if ((rc = tpdu_wr_u8(wr, (uint8_t)((n * 7 + 3) / 4))) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, toa)) != SMSDTLS_OK)
		return rc;
	return tpdu_wr_bytes(wr, oct, olen);
}

/*
 * SMSC digits: every nibble up to the first F is a digit; from there on
 * only F padding may follow.
 */
static smsdtls_rc
smsc_digits(const uint8_t *oct, size_t noct, struct smsdtls_addr *a)
{
	size_t i, n = 0;
	uint8_t nib;

	for (i = 0; i < noct * 2; i++) {
		nib = nibble_at(oct, i);
		if (nib == 0x0f)
			continue;
		if (n != i)
			return SMSDTLS_EPROTO;
		a->text[n++] = bcd_digits[nib];
	}
	a->text[n] = '\0';
	return SMSDTLS_OK;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const uint8_t mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil(), for z >= 0. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}
