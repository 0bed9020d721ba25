/*
 * check_tpdu.c - TS 23.040 TPDU codec: the worked examples of the
 * digest (sms-wire-formats.md section 9) and libgammu's status report,
 * byte by byte in both directions; every truncation; malformed fields;
 * the field codecs (BCD, time stamps, addresses, GSM 7-bit); hex; and
 * round-trip properties over generated TPDUs and random or mutated
 * input, including the exact list of non-canonical encodings.
 */
#include "config.h"

#include <stdio.h>

#include "tests/testutil.h"
#include "transport/tpdu_fields.h"

/* Section 9 (a): SUBMIT, enhanced VP 20 s, ports 49152 -> 5684. */
#define HEX_A	"0069000C91447700091032000402140000000000" \
		"110605041634C0000102030405060708090A"
/* Its fallback with relative VP 00 (5 minutes). */
#define HEX_A_REL "0071000C9144770009103200040011" \
		"0605041634C0000102030405060708090A"
/* Section 9 (b): DELIVER with the SMSC prefix. */
#define HEX_B	"0791447758100650640C91447700094065000442305141035440" \
		"110605041634C0000102030405060708090A"
#define HEX_B_SMSC_CHARS 16
/* Section 9 (c): STATUS-REPORT for (a), ST 00. */
#define HEX_C	"0791447758100650062A0C914477000910324230514103444042" \
		"30514103744000"
/* Section 7: libgammu tests/at-sms/30.dump. */
#define HEX_GAMMU "079124603050020006E80C9166666666666690907061842280" \
		"9090706184628000"

static const uint8_t payload10[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

struct example {
	const char	*hex;
	bool		 smsc;
	int		 type;
};

static const struct example examples[] = {
	{ HEX_A, true, SMSDTLS_TPDU_SUBMIT },
	{ HEX_A_REL, true, SMSDTLS_TPDU_SUBMIT },
	{ HEX_B, true, SMSDTLS_TPDU_DELIVER },
	{ HEX_B + HEX_B_SMSC_CHARS, false, SMSDTLS_TPDU_DELIVER },
	{ HEX_C, true, SMSDTLS_TPDU_STATUS_REPORT },
	{ HEX_GAMMU, true, SMSDTLS_TPDU_STATUS_REPORT },
};
#define NEXAMPLES (sizeof(examples) / sizeof(examples[0]))

/* ------------------------------------------------------------ helpers */

static void
set_addr(struct smsdtls_addr *a, uint8_t ton, uint8_t npi, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->ton = ton;
	a->npi = npi;
	snprintf(a->text, sizeof(a->text), "%s", text);
}

static void
check_addr(const struct smsdtls_addr *a, uint8_t ton, uint8_t npi,
    const char *text)
{
	ck_assert_uint_eq(a->ton, ton);
	ck_assert_uint_eq(a->npi, npi);
	ck_assert_str_eq(a->text, text);
}

static void
check_scts(const struct smsdtls_scts *t, unsigned y, unsigned mo, unsigned d,
    unsigned h, unsigned mi, unsigned s, int tz)
{
	ck_assert_uint_eq(t->year, y);
	ck_assert_uint_eq(t->month, mo);
	ck_assert_uint_eq(t->day, d);
	ck_assert_uint_eq(t->hour, h);
	ck_assert_uint_eq(t->minute, mi);
	ck_assert_uint_eq(t->second, s);
	ck_assert_int_eq(t->tz, tz);
}

static struct smsdtls_scts
mk_scts(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
    unsigned s, int tz)
{
	struct smsdtls_scts t;

	memset(&t, 0, sizeof(t));
	t.year = (uint16_t)y;
	t.month = (uint8_t)mo;
	t.day = (uint8_t)d;
	t.hour = (uint8_t)h;
	t.minute = (uint8_t)mi;
	t.second = (uint8_t)s;
	t.tz = (int8_t)tz;
	return t;
}

/* Copy into a heap block of exactly len octets, so ASan sees overreads. */
static uint8_t *
exact_copy(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len > 0 ? len : 1);

	ck_assert_ptr_nonnull(q);
	if (len > 0)
		memcpy(q, p, len);
	return q;
}

static smsdtls_rc
decode_exact(const uint8_t *p, size_t len, bool smsc, int type,
    struct smsdtls_tpdu *t)
{
	uint8_t *q = exact_copy(p, len);
	smsdtls_rc rc;

	if (type < 0)
		rc = smsdtls_tpdu_decode_any(q, len, smsc, t);
	else
		rc = smsdtls_tpdu_decode(q, len, smsc,
		    (enum smsdtls_tpdu_type)type, t);
	free(q);
	return rc;
}

static bool
addr_same(const struct smsdtls_addr *a, const struct smsdtls_addr *b)
{
	return a->ton == b->ton && a->npi == b->npi &&
	    strcmp(a->text, b->text) == 0;
}

static bool
scts_same(const struct smsdtls_scts *a, const struct smsdtls_scts *b)
{
	return a->year == b->year && a->month == b->month &&
	    a->day == b->day && a->hour == b->hour &&
	    a->minute == b->minute && a->second == b->second &&
	    a->tz == b->tz;
}

static bool
vp_same(const struct smsdtls_vp *a, const struct smsdtls_vp *b)
{
	if (a->format != b->format)
		return false;
	switch (a->format) {
	case SMSDTLS_VPF_RELATIVE:
		return a->relative == b->relative;
	case SMSDTLS_VPF_ENHANCED:
		return memcmp(a->enhanced, b->enhanced, 7) == 0;
	case SMSDTLS_VPF_ABSOLUTE:
		return scts_same(&a->absolute, &b->absolute);
	default:
		return true;
	}
}

static bool
udh_same(const struct smsdtls_udh *a, const struct smsdtls_udh *b)
{
	return a->has_ports == b->has_ports && a->ports16 == b->ports16 &&
	    a->dst_port == b->dst_port && a->src_port == b->src_port &&
	    a->has_concat == b->has_concat && a->concat16 == b->concat16 &&
	    a->concat_ref == b->concat_ref &&
	    a->concat_total == b->concat_total &&
	    a->concat_seq == b->concat_seq &&
	    a->unknown_ies == b->unknown_ies;
}

/* Name of the first field where a and b differ, or NULL. */
static const char *
tpdu_diff(const struct smsdtls_tpdu *a, const struct smsdtls_tpdu *b)
{
#define DIFF(cond, name) do { if (cond) return name; } while (0)
	DIFF(a->type != b->type, "type");
	DIFF(a->has_smsc != b->has_smsc, "has_smsc");
	DIFF(a->has_smsc && !addr_same(&a->smsc, &b->smsc), "smsc");
	DIFF(a->reply_path != b->reply_path, "reply_path");
	DIFF(a->udhi != b->udhi, "udhi");
	DIFF(a->status_report != b->status_report, "status_report");
	DIFF(a->reject_duplicates != b->reject_duplicates, "rd");
	DIFF(a->more_messages != b->more_messages, "more_messages");
	DIFF(a->loop_prevention != b->loop_prevention, "loop_prevention");
	DIFF(a->mr != b->mr, "mr");
	DIFF(!addr_same(&a->addr, &b->addr), "addr");
	DIFF(a->pid != b->pid, "pid");
	DIFF(a->dcs != b->dcs, "dcs");
	DIFF(!vp_same(&a->vp, &b->vp), "vp");
	DIFF(!scts_same(&a->scts, &b->scts), "scts");
	DIFF(!scts_same(&a->dt, &b->dt), "dt");
	DIFF(a->st != b->st, "st");
	DIFF(a->has_pi != b->has_pi, "has_pi");
	DIFF(a->pi != b->pi, "pi");
	DIFF(a->udl != b->udl, "udl");
	DIFF(a->ud_len != b->ud_len, "ud_len");
	DIFF(a->ud_len <= SMSDTLS_UD_MAX &&
	    memcmp(a->ud, b->ud, a->ud_len) != 0, "ud");
	DIFF(!udh_same(&a->udh, &b->udh), "udh");
	DIFF(a->payload_off != b->payload_off, "payload_off");
	return NULL;
#undef DIFF
}

#define ck_assert_tpdu_eq(a, b) do {					\
	const char *ck_d_ = tpdu_diff((a), (b));			\
	ck_assert_msg(ck_d_ == NULL, "tpdu field %s differs", ck_d_);	\
} while (0)

/* Encode t and require exactly the octets of hex. */
static void
encode_is(const struct smsdtls_tpdu *t, const char *hex, size_t want_tpdu)
{
	uint8_t want[SMSDTLS_PDU_MAX], got[SMSDTLS_PDU_MAX];
	size_t wlen, len = 0, tlen = 0;

	wlen = test_unhex(hex, want, sizeof(want));
	ck_assert_rc(smsdtls_tpdu_encode(t, got, sizeof(got), &len, &tlen),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, wlen);
	ck_assert_mem_eq(got, want, wlen);
	ck_assert_uint_eq(tlen, want_tpdu);
}

static struct smsdtls_tpdu
decode_hex(const char *hex, bool smsc, int type)
{
	struct smsdtls_tpdu t, any;
	uint8_t buf[SMSDTLS_PDU_MAX * 2];
	size_t len;

	len = test_unhex(hex, buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, smsc, type, &t), SMSDTLS_OK);
	ck_assert_rc(decode_exact(buf, len, smsc, -1, &any), SMSDTLS_OK);
	ck_assert_tpdu_eq(&t, &any);
	return t;
}

/* UD of the examples: ports 49152 -> 5684 and ten payload octets. */
static void
example_ud(struct smsdtls_tpdu *t)
{
	struct smsdtls_udh u;
	size_t hl = 0;

	memset(&u, 0, sizeof(u));
	u.has_ports = true;
	u.ports16 = true;
	u.dst_port = 5684;
	u.src_port = 49152;
	ck_assert_rc(smsdtls_udh_build(&u, t->ud, sizeof(t->ud), &hl),
	    SMSDTLS_OK);
	ck_assert_uint_eq(hl, 7);
	memcpy(t->ud + hl, payload10, sizeof(payload10));
	t->ud_len = hl + sizeof(payload10);
	t->udl = (uint8_t)t->ud_len;
	t->udhi = true;
	t->udh = u;
	t->payload_off = hl;
}

/* The SUBMIT of 9 (a), built field by field. */
static struct smsdtls_tpdu
example_a(void)
{
	struct smsdtls_tpdu t;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_SUBMIT;
	t.has_smsc = true;
	t.status_report = true;
	t.mr = 0;
	set_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447700900123");
	t.pid = 0;
	t.dcs = SMSDTLS_DCS_8BIT;
	t.vp.format = SMSDTLS_VPF_ENHANCED;
	t.vp.enhanced[0] = 0x02;
	t.vp.enhanced[1] = 0x14;
	example_ud(&t);
	return t;
}

static struct smsdtls_tpdu
example_b(void)
{
	struct smsdtls_tpdu t;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_DELIVER;
	t.has_smsc = true;
	set_addr(&t.smsc, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447785016005");
	t.status_report = true;
	t.more_messages = false;
	set_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447700900456");
	t.dcs = SMSDTLS_DCS_8BIT;
	t.scts = mk_scts(2024, 3, 15, 14, 30, 45, 4);
	example_ud(&t);
	return t;
}

static struct smsdtls_tpdu
example_c(uint8_t st)
{
	struct smsdtls_tpdu t;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_STATUS_REPORT;
	t.has_smsc = true;
	set_addr(&t.smsc, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447785016005");
	t.mr = 42;
	set_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447700900123");
	t.scts = mk_scts(2024, 3, 15, 14, 30, 44, 4);
	t.dt = mk_scts(2024, 3, 15, 14, 30, 47, 4);
	t.st = st;
	return t;
}

/* ------------------------------------------------- worked examples */

START_TEST(test_submit_a)
{
	struct smsdtls_tpdu t = decode_hex(HEX_A, true, SMSDTLS_TPDU_SUBMIT);
	struct smsdtls_tpdu want = example_a();
	uint32_t secs = 0;

	ck_assert_uint_eq(t.type, SMSDTLS_TPDU_SUBMIT);
	ck_assert(t.has_smsc);
	check_addr(&t.smsc, 0, 0, "");
	ck_assert(!t.reply_path);
	ck_assert(t.udhi);
	ck_assert(t.status_report);
	ck_assert(!t.reject_duplicates);
	ck_assert(!t.more_messages);
	ck_assert(!t.loop_prevention);
	ck_assert_uint_eq(t.mr, 0);
	check_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447700900123");
	ck_assert_uint_eq(t.pid, 0);
	ck_assert_uint_eq(t.dcs, 0x04);
	ck_assert_uint_eq(t.vp.format, SMSDTLS_VPF_ENHANCED);
	ck_assert_mem_eq(t.vp.enhanced, "\x02\x14\0\0\0\0\0", 7);
	ck_assert_rc(smsdtls_vp_seconds(&t.vp, 0, &secs), SMSDTLS_OK);
	ck_assert_uint_eq(secs, 20);
	ck_assert_uint_eq(t.udl, 17);
	ck_assert_uint_eq(t.ud_len, 17);
	ck_assert_mem_eq(t.ud, "\x06\x05\x04\x16\x34\xc0\x00", 7);
	ck_assert_mem_eq(t.ud + 7, payload10, 10);
	ck_assert(t.udh.has_ports && t.udh.ports16);
	ck_assert_uint_eq(t.udh.dst_port, 5684);
	ck_assert_uint_eq(t.udh.src_port, 49152);
	ck_assert(!t.udh.has_concat);
	ck_assert_uint_eq(t.payload_off, 7);
	ck_assert(!t.has_pi);
	ck_assert_tpdu_eq(&t, &want);
	encode_is(&want, HEX_A, 37);
}
END_TEST

START_TEST(test_submit_a_relative)
{
	struct smsdtls_tpdu t = decode_hex(HEX_A_REL, true,
	    SMSDTLS_TPDU_SUBMIT);
	struct smsdtls_tpdu want = example_a();
	uint32_t secs = 0;

	want.vp.format = SMSDTLS_VPF_RELATIVE;
	want.vp.relative = 0;
	memset(want.vp.enhanced, 0, sizeof(want.vp.enhanced));
	ck_assert_uint_eq(t.vp.format, SMSDTLS_VPF_RELATIVE);
	ck_assert_uint_eq(t.vp.relative, 0);
	ck_assert_rc(smsdtls_vp_seconds(&t.vp, 0, &secs), SMSDTLS_OK);
	ck_assert_uint_eq(secs, 300);
	ck_assert(t.status_report);	/* FO 71: SRR is still set */
	ck_assert_tpdu_eq(&t, &want);
	encode_is(&want, HEX_A_REL, 31);
}
END_TEST

START_TEST(test_deliver_b)
{
	struct smsdtls_tpdu t = decode_hex(HEX_B, true, SMSDTLS_TPDU_DELIVER);
	struct smsdtls_tpdu want = example_b();

	ck_assert_uint_eq(t.type, SMSDTLS_TPDU_DELIVER);
	ck_assert(t.has_smsc);
	check_addr(&t.smsc, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447785016005");
	ck_assert(!t.reply_path);
	ck_assert(t.udhi);
	ck_assert(t.status_report);
	ck_assert(!t.loop_prevention);
	ck_assert(!t.more_messages);
	ck_assert(!t.reject_duplicates);
	check_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447700900456");
	ck_assert_uint_eq(t.pid, 0);
	ck_assert_uint_eq(t.dcs, 0x04);
	check_scts(&t.scts, 2024, 3, 15, 14, 30, 45, 4);
	ck_assert_uint_eq(t.vp.format, SMSDTLS_VPF_NONE);
	ck_assert_uint_eq(t.udl, 17);
	ck_assert_uint_eq(t.ud_len, 17);
	ck_assert_mem_eq(t.ud + 7, payload10, 10);
	ck_assert(t.udh.has_ports && t.udh.ports16);
	ck_assert_uint_eq(t.udh.dst_port, 5684);
	ck_assert_uint_eq(t.udh.src_port, 49152);
	ck_assert_uint_eq(t.payload_off, 7);
	ck_assert_tpdu_eq(&t, &want);
	encode_is(&want, HEX_B, 36);
}
END_TEST

START_TEST(test_deliver_b_no_smsc)
{
	const char *hex = HEX_B + HEX_B_SMSC_CHARS;
	struct smsdtls_tpdu t = decode_hex(hex, false, SMSDTLS_TPDU_DELIVER);
	struct smsdtls_tpdu want = example_b();
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t len;

	want.has_smsc = false;
	memset(&want.smsc, 0, sizeof(want.smsc));
	ck_assert(!t.has_smsc);
	ck_assert_str_eq(t.smsc.text, "");
	ck_assert_tpdu_eq(&t, &want);
	encode_is(&want, hex, 36);

	/* The prefix read as a TPDU: 0x07 has the reserved MTI 11. */
	len = test_unhex(HEX_B, buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, false, -1, &t), SMSDTLS_EPROTO);
	/* And the TPDU alone read with a prefix: 0x64 is no length. */
	len = test_unhex(hex, buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
}
END_TEST

START_TEST(test_status_c)
{
	struct smsdtls_tpdu t = decode_hex(HEX_C, true,
	    SMSDTLS_TPDU_STATUS_REPORT);
	struct smsdtls_tpdu want = example_c(0x00);

	ck_assert_uint_eq(t.type, SMSDTLS_TPDU_STATUS_REPORT);
	check_addr(&t.smsc, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447785016005");
	ck_assert(!t.udhi);
	ck_assert(!t.status_report);
	ck_assert(!t.loop_prevention);
	ck_assert(!t.more_messages);
	ck_assert_uint_eq(t.mr, 42);
	check_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "447700900123");
	check_scts(&t.scts, 2024, 3, 15, 14, 30, 44, 4);
	check_scts(&t.dt, 2024, 3, 15, 14, 30, 47, 4);
	ck_assert_uint_eq(t.st, 0);
	ck_assert(!t.has_pi);
	ck_assert_uint_eq(t.ud_len, 0);
	ck_assert_tpdu_eq(&t, &want);
	encode_is(&want, HEX_C, 25);
}
END_TEST

/* Failure variants: 0x46 validity period expired, 0x62 no response. */
START_TEST(test_status_c_failures)
{
	static const uint8_t sts[] = { 0x46, 0x62 };
	char hex[sizeof(HEX_C)];
	struct smsdtls_tpdu t, want;
	size_t i;

	for (i = 0; i < sizeof(sts); i++) {
		memcpy(hex, HEX_C, sizeof(hex));
		snprintf(hex + sizeof(hex) - 3, 3, "%02X", sts[i]);
		t = decode_hex(hex, true, SMSDTLS_TPDU_STATUS_REPORT);
		want = example_c(sts[i]);
		ck_assert_uint_eq(t.st, sts[i]);
		ck_assert_tpdu_eq(&t, &want);
		encode_is(&want, hex, 25);
	}
}
END_TEST

START_TEST(test_status_gammu)
{
	struct smsdtls_tpdu t = decode_hex(HEX_GAMMU, true,
	    SMSDTLS_TPDU_STATUS_REPORT);

	check_addr(&t.smsc, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "420603052000");
	ck_assert_uint_eq(t.mr, 0xe8);
	check_addr(&t.addr, SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164,
	    "666666666666");
	check_scts(&t.scts, 2009, 9, 7, 16, 48, 22, 8);
	check_scts(&t.dt, 2009, 9, 7, 16, 48, 26, 8);
	ck_assert_uint_eq(t.st, 0);
	ck_assert(!t.has_pi);
	encode_is(&t, HEX_GAMMU, 25);
}
END_TEST

/* TP-PI 0xff, and 0xff padding after it, mean no PI (as libgammu). */
START_TEST(test_status_pi_ff)
{
	struct smsdtls_tpdu t;
	uint8_t buf[64];
	size_t len;

	t = decode_hex(HEX_GAMMU "FF", true, SMSDTLS_TPDU_STATUS_REPORT);
	ck_assert(!t.has_pi);
	t = decode_hex(HEX_GAMMU "FFFFFF", true, SMSDTLS_TPDU_STATUS_REPORT);
	ck_assert(!t.has_pi);
	len = test_unhex(HEX_GAMMU "FF00", buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
}
END_TEST

/* TP-PI with PID, DCS and a GSM 7-bit UD "hellohello". */
START_TEST(test_status_pi_fields)
{
	struct smsdtls_tpdu t;
	uint8_t buf[64];
	size_t len;

	t = decode_hex(HEX_C "07" "7F" "00" "0A" "E8329BFD4697D9EC37", true,
	    SMSDTLS_TPDU_STATUS_REPORT);
	ck_assert(t.has_pi);
	ck_assert_uint_eq(t.pi, 0x07);
	ck_assert_uint_eq(t.pid, 0x7f);
	ck_assert_uint_eq(t.dcs, 0x00);
	ck_assert_uint_eq(t.udl, 10);
	ck_assert_uint_eq(t.ud_len, 9);
	encode_is(&t, HEX_C "077F000AE8329BFD4697D9EC37", 38);

	/* PI 04 alone: no DCS, so the default alphabet (septets). */
	t = decode_hex(HEX_C "04" "08" "E8329BFD4697D9", true, -1);
	ck_assert_uint_eq(t.pi, 0x04);
	ck_assert_uint_eq(t.dcs, 0);
	ck_assert_uint_eq(t.ud_len, 7);

	/* PI 01: only a PID; PI 00: nothing. */
	t = decode_hex(HEX_C "01" "41", true, -1);
	ck_assert_uint_eq(t.pid, 0x41);
	ck_assert_uint_eq(t.ud_len, 0);
	t = decode_hex(HEX_C "00", true, -1);
	ck_assert(t.has_pi);
	encode_is(&t, HEX_C "00", 26);

	/* An extension octet is skipped and not written back. */
	t = decode_hex(HEX_C "81" "00" "7F", true, -1);
	ck_assert_uint_eq(t.pi, 0x81);
	ck_assert_uint_eq(t.pid, 0x7f);
	encode_is(&t, HEX_C "017F", 27);

	/* Announced fields missing, or junk after them. */
	len = test_unhex(HEX_C "07", buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_ETRUNC);
	len = test_unhex(HEX_C "01" "00" "00", buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	len = test_unhex(HEX_C "80", buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_ETRUNC);
}
END_TEST

/* Alphanumeric OA "DTLS" = 07 D0 44 2A 73 0A. */
START_TEST(test_alnum_oa)
{
	struct smsdtls_tpdu t, want = example_b();
	const char *hex = "00" "04" "07D0442A730A" "0000"
	    "42305141035440" "03" "414243";

	want.has_smsc = true;
	memset(&want.smsc, 0, sizeof(want.smsc));
	want.status_report = false;
	want.more_messages = false;
	set_addr(&want.addr, SMSDTLS_TON_ALPHANUMERIC, 0, "DTLS");
	want.dcs = 0;
	want.udhi = false;
	memset(&want.udh, 0, sizeof(want.udh));
	want.payload_off = 0;
	want.udl = 3;
	want.ud_len = 3;
	memcpy(want.ud, "ABC", 3);
	t = decode_hex(hex, true, SMSDTLS_TPDU_DELIVER);
	check_addr(&t.addr, SMSDTLS_TON_ALPHANUMERIC, 0, "DTLS");
	ck_assert_tpdu_eq(&t, &want);
	encode_is(&want, hex, 20);
}
END_TEST

START_TEST(test_mti_mismatch)
{
	static const int types[] = { SMSDTLS_TPDU_DELIVER,
	    SMSDTLS_TPDU_SUBMIT, SMSDTLS_TPDU_STATUS_REPORT };
	struct smsdtls_tpdu t;
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t i, j, len;

	for (i = 0; i < NEXAMPLES; i++) {
		len = test_unhex(examples[i].hex, buf, sizeof(buf));
		for (j = 0; j < 3; j++) {
			if (types[j] == examples[i].type)
				continue;
			ck_assert_rc(decode_exact(buf, len, examples[i].smsc,
			    types[j], &t), SMSDTLS_EPROTO);
		}
	}
	/* The reserved MTI 11, and a type out of range. */
	len = test_unhex(HEX_C, buf, sizeof(buf));
	buf[8] |= 0x03;
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	ck_assert_rc(smsdtls_tpdu_decode(buf, len, true,
	    (enum smsdtls_tpdu_type)3, &t), SMSDTLS_EINVAL);
}
END_TEST

/* Every proper prefix of every example fails and writes nothing. */
START_TEST(test_truncations)
{
	struct smsdtls_tpdu t, before;
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t i, n, len;
	int ty;

	for (i = 0; i < NEXAMPLES; i++) {
		len = test_unhex(examples[i].hex, buf, sizeof(buf));
		for (n = 0; n < len; n++) {
			for (ty = -1; ty <= 0; ty++) {
				memset(&t, 0xa5, sizeof(t));
				before = t;
				ck_assert_rc(decode_exact(buf, n,
				    examples[i].smsc,
				    ty < 0 ? -1 : examples[i].type, &t),
				    SMSDTLS_ETRUNC);
				ck_assert_mem_eq(&t, &before, sizeof(t));
			}
		}
	}
}
END_TEST

/* Trailing octets after a complete TPDU are rejected. */
START_TEST(test_trailing_junk)
{
	struct smsdtls_tpdu t;
	uint8_t buf[SMSDTLS_PDU_MAX + 1];
	size_t i, len;

	for (i = 0; i < NEXAMPLES; i++) {
		len = test_unhex(examples[i].hex, buf, sizeof(buf));
		if (examples[i].type == SMSDTLS_TPDU_STATUS_REPORT)
			continue;	/* a trailing octet would be a PI */
		buf[len] = 0x00;
		ck_assert_rc(decode_exact(buf, len + 1, examples[i].smsc, -1,
		    &t), SMSDTLS_EPROTO);
	}
}
END_TEST

/* TP-UDL beyond the input, and beyond 140 octets / 160 septets. */
START_TEST(test_udl_limits)
{
	struct smsdtls_tpdu t, w = example_b();
	uint8_t buf[SMSDTLS_PDU_MAX + 32];
	size_t len, udl_at = 8 + 1 + 8 + 2 + 7;

	len = test_unhex(HEX_B, buf, sizeof(buf));
	ck_assert_uint_eq(buf[udl_at], 0x11);
	buf[udl_at] = 0x12;
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_ETRUNC);
	buf[udl_at] = 0x8d;
	memset(buf + len, 0, 141 - 17);
	ck_assert_rc(decode_exact(buf, udl_at + 1 + 141, true, -1, &t),
	    SMSDTLS_EPROTO);
	buf[udl_at] = 0x8c;
	ck_assert_rc(decode_exact(buf, udl_at + 1 + 140, true, -1, &t),
	    SMSDTLS_OK);
	ck_assert_uint_eq(t.ud_len, 140);

	/* GSM 7-bit: 160 septets in 140 octets is the most. */
	w.udhi = false;
	memset(&w.udh, 0, sizeof(w.udh));
	w.payload_off = 0;
	w.dcs = 0x00;
	w.udl = 160;
	w.ud_len = 140;
	memset(w.ud, 0x55, sizeof(w.ud));
	ck_assert_rc(smsdtls_tpdu_encode(&w, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_OK);
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_OK);
	ck_assert_tpdu_eq(&t, &w);
	buf[udl_at] = 161;
	buf[len] = 0x55;
	ck_assert_rc(decode_exact(buf, len + 1, true, -1, &t),
	    SMSDTLS_EPROTO);
	buf[udl_at] = 159;	/* 159 septets: 140 octets still */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_OK);
	buf[udl_at] = 158;	/* 158 septets: 139 octets, one left over */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
}
END_TEST

/* A STATUS-REPORT is held to 164 octets like a SUBMIT. */
START_TEST(test_status_max)
{
	struct smsdtls_tpdu t = example_c(0), d;
	uint8_t buf[SMSDTLS_PDU_MAX + 16];
	size_t len, tlen;

	t.has_pi = true;
	t.pi = SMSDTLS_PI_PID | SMSDTLS_PI_DCS | SMSDTLS_PI_UDL;
	t.dcs = SMSDTLS_DCS_8BIT;
	t.ud_len = t.udl = 131;		/* 12-octet RA: 164 in all */
	set_addr(&t.addr, 1, 1, "12345678901234567890");
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, &tlen),
	    SMSDTLS_OK);
	ck_assert_uint_eq(tlen, 164);
	ck_assert_uint_eq(len, 164 + 8);
	ck_assert_rc(decode_exact(buf, len, true, -1, &d), SMSDTLS_OK);
	ck_assert_tpdu_eq(&d, &t);
	t.ud_len = t.udl = 132;
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, &tlen),
	    SMSDTLS_ETOOBIG);
	/* The same octets with UDL 132 and one more octet. */
	t.ud_len = t.udl = 131;
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, &tlen),
	    SMSDTLS_OK);
	buf[len - 132] = 132;
	buf[len] = 0;
	ck_assert_rc(decode_exact(buf, len + 1, true, -1, &d),
	    SMSDTLS_EPROTO);
}
END_TEST

/* Bad BCD in time stamps, bad addresses, bad SMSC prefixes. */
START_TEST(test_malformed_fields)
{
	struct smsdtls_tpdu t;
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t len, scts_at = 8 + 1 + 8 + 2, i;

	len = test_unhex(HEX_B, buf, sizeof(buf));
	for (i = 0; i < 12; i++) {
		uint8_t keep = buf[scts_at + i / 2];

		if (i % 2)
			buf[scts_at + i / 2] = (keep & 0x0f) | 0xc0;
		else
			buf[scts_at + i / 2] = (keep & 0xf0) | 0x0c;
		ck_assert_rc(decode_exact(buf, len, true, -1, &t),
		    SMSDTLS_EPROTO);
		buf[scts_at + i / 2] = keep;
	}
	buf[scts_at + 6] = 0xa0;		/* TZ units digit 10 */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[scts_at + 6] = 0x4f;		/* tens 7, negative: fine */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_OK);
	ck_assert_int_eq(t.scts.tz, -74);
	buf[scts_at + 6] = 0x40;

	buf[8 + 2] = 0x11;		/* OA TOA without bit 7 */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[8 + 2] = 0x91;
	buf[8 + 3] = 0x4f;		/* F nibble among the digits */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[8 + 3] = 0x44;
	buf[8 + 1] = 21;		/* 21 digits */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[8 + 1] = 0x0c;

	buf[0] = 12;			/* SMSC prefix of 12 octets */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[0] = 7;
	buf[1] = 0x11;			/* SMSC TOA without bit 7 */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[1] = 0xd0;			/* alphanumeric SMSC */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[1] = 0x91;
	buf[2] = 0xf4;			/* F then a digit */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EPROTO);
	buf[2] = 0x44;
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_OK);
}
END_TEST

/* SMSC prefixes: "00", odd digits with F, trailing F padding, TOA only. */
START_TEST(test_smsc_prefix)
{
	const char *tpdu = HEX_C + 16;
	struct smsdtls_tpdu t;
	char hex[128], hex2[128];

	snprintf(hex, sizeof(hex), "00%s", tpdu);
	t = decode_hex(hex, true, -1);
	ck_assert(t.has_smsc);
	check_addr(&t.smsc, 0, 0, "");
	encode_is(&t, hex, 25);
	snprintf(hex, sizeof(hex), "069144775810F6%s", tpdu);
	t = decode_hex(hex, true, -1);
	check_addr(&t.smsc, 1, 1, "447785016");
	encode_is(&t, hex, 25);
	/* Extra F padding and a TOA-only prefix decode, not canonically. */
	snprintf(hex2, sizeof(hex2), "079144775810F6FF%s", tpdu);
	t = decode_hex(hex2, true, -1);
	check_addr(&t.smsc, 1, 1, "447785016");
	encode_is(&t, hex, 25);
	snprintf(hex2, sizeof(hex2), "0191%s", tpdu);
	t = decode_hex(hex2, true, -1);
	check_addr(&t.smsc, 1, 1, "");
	snprintf(hex, sizeof(hex), "00%s", tpdu);
	encode_is(&t, hex, 25);
}
END_TEST

/* An address with an odd digit count gets an F filler. */
START_TEST(test_odd_address)
{
	struct smsdtls_tpdu t = example_c(0);
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t len;

	set_addr(&t.addr, SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "12345");
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_OK);
	ck_assert_mem_eq(buf + 10, "\x05\x81\x21\x43\xf5", 5);
	set_addr(&t.addr, SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "*#abc");
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_OK);
	ck_assert_mem_eq(buf + 10, "\x05\x81\xba\xdc\xfe", 5);
	set_addr(&t.addr, SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "");
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_OK);
	ck_assert_mem_eq(buf + 10, "\x00\x81\x42", 3);
}
END_TEST

/* GSM 7-bit UD with a UDH: payload_off is the octet after the UDH. */
START_TEST(test_gsm7_udh)
{
	struct smsdtls_tpdu t;
	uint8_t buf[SMSDTLS_PDU_MAX], sept[8];
	size_t len;

	/* UDH 05 00 03 2A 02 01 (6 octets = 48 bits, 1 fill bit), then
	 * "hi" from bit 49: UDL = 7 + 2 septets, 9 * 7 = 63 bits = 8
	 * octets. */
	t = decode_hex("00" "44" "0C91447700091032" "0000"
	    "42305141035440" "09" "050003" "2A0201" "D069", true, -1);
	ck_assert(t.udhi);
	ck_assert_uint_eq(t.ud_len, 8);
	ck_assert(t.udh.has_concat);
	ck_assert_uint_eq(t.udh.concat_ref, 0x2a);
	ck_assert_uint_eq(t.payload_off, 6);
	ck_assert_uint_eq(tpdu_gsm7_unpack(t.ud, t.ud_len, 49, sept, 2), 2);
	ck_assert_uint_eq(sept[0], 'h');
	ck_assert_uint_eq(sept[1], 'i');

	/* UDL 6 septets (42 bits) cannot hold a 6-octet UDH. */
	len = test_unhex("00" "44" "0C91447700091032" "0000"
	    "42305141035440" "06" "050003" "2A0201", buf, sizeof(buf));
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EUDHL);
}
END_TEST

/* UDH errors of smsdtls_udh_parse() come through unchanged. */
START_TEST(test_udh_errors)
{
	struct smsdtls_tpdu t;
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t len, ud_at = 8 + 1 + 8 + 2 + 7 + 1;

	len = test_unhex(HEX_B, buf, sizeof(buf));
	buf[ud_at] = 17;			/* UDHL beyond UD */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EUDHL);
	buf[ud_at] = 6;
	buf[ud_at + 2] = 5;			/* IEDL beyond UDHL */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t),
	    SMSDTLS_EIEOVERRUN);
	buf[ud_at + 2] = 4;
	buf[ud_at] = 4;			/* the IE overruns UDHL */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t),
	    SMSDTLS_EIEOVERRUN);
	buf[ud_at] = 6;
	buf[ud_at + 1] = 0x04;			/* 8-bit ports, IEDL 4 */
	ck_assert_rc(decode_exact(buf, len, true, -1, &t), SMSDTLS_EIEDL);
	buf[ud_at + 1] = 0x05;
	buf[ud_at - 1] = 0;			/* UDHI with UDL 0 */
	ck_assert_rc(decode_exact(buf, ud_at, true, -1, &t), SMSDTLS_ETRUNC);
}
END_TEST

/* Other alphabets decode and report, and count UDL in the right unit. */
START_TEST(test_dcs_units)
{
	struct smsdtls_tpdu t;
	const char *pre = "00" "04" "0C91447700091032" "00";
	char hex[128];

	snprintf(hex, sizeof(hex), "%s%s%s", pre, "00" "42305141035440",
	    "0A" "E8329BFD4697D9EC37");
	t = decode_hex(hex, true, -1);		/* GSM 7-bit */
	ck_assert_uint_eq(t.ud_len, 9);
	snprintf(hex, sizeof(hex), "%s%s%s", pre, "08" "42305141035440",
	    "04" "00680069");
	t = decode_hex(hex, true, -1);		/* UCS2 */
	ck_assert_uint_eq(t.ud_len, 4);
	snprintf(hex, sizeof(hex), "%s%s%s", pre, "20" "42305141035440",
	    "03" "010203");
	t = decode_hex(hex, true, -1);		/* compressed: octets */
	ck_assert_uint_eq(t.ud_len, 3);
	snprintf(hex, sizeof(hex), "%s%s%s", pre, "80" "42305141035440",
	    "08" "01020304050607");
	t = decode_hex(hex, true, -1);		/* reserved: septets */
	ck_assert_uint_eq(t.ud_len, 7);
	snprintf(hex, sizeof(hex), "%s%s%s", pre, "F6" "42305141035440",
	    "02" "0102");
	t = decode_hex(hex, true, -1);		/* 8-bit class 2 */
	ck_assert_uint_eq(t.ud_len, 2);
}
END_TEST

START_TEST(test_dcs_alphabet)
{
	static const struct { uint8_t dcs; int a; } v[] = {
#define G SMSDTLS_ALPHABET_GSM7
#define B SMSDTLS_ALPHABET_8BIT
#define U SMSDTLS_ALPHABET_UCS2
#define R SMSDTLS_ALPHABET_RESERVED
		{ 0x00, G }, { 0x04, B }, { 0x08, U }, { 0x0c, R },
		{ 0x10, G }, { 0x15, B }, { 0x24, B }, { 0x3a, U },
		{ 0x40, G }, { 0x44, B }, { 0x7c, R }, { 0x80, R },
		{ 0xb4, R }, { 0xc0, G }, { 0xcf, G }, { 0xd8, G },
		{ 0xe0, U }, { 0xef, U }, { 0xf0, G }, { 0xf3, G },
		{ 0xf4, B }, { 0xf5, B }, { 0xff, B },
#undef G
#undef B
#undef U
#undef R
	};

	size_t i;
	int counts[4] = { 0, 0, 0, 0 };

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_int_eq(smsdtls_dcs_alphabet(v[i].dcs), v[i].a);
	for (i = 0; i < 256; i++) {
		int a = smsdtls_dcs_alphabet((uint8_t)i);

		ck_assert(a >= 0 && a <= 3);
		counts[a]++;
	}
	/* 00xx/01xx: 32 values per alphabet each; 1000-1011 reserved
	 * (64); 1100, 1101 GSM; 1110 UCS2; 1111 8 of each GSM and 8-bit. */
	ck_assert_int_eq(counts[SMSDTLS_ALPHABET_GSM7], 32 + 32 + 8);
	ck_assert_int_eq(counts[SMSDTLS_ALPHABET_8BIT], 32 + 8);
	ck_assert_int_eq(counts[SMSDTLS_ALPHABET_UCS2], 32 + 16);
	ck_assert_int_eq(counts[SMSDTLS_ALPHABET_RESERVED], 32 + 64);
}
END_TEST

/* ---------------------------------------------------- encode errors */

START_TEST(test_encode_errors)
{
	struct smsdtls_tpdu t = example_a(), bad;
	uint8_t buf[SMSDTLS_PDU_MAX];
	size_t len = 0xdead, need, n;

	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &need, NULL),
	    SMSDTLS_OK);
	for (n = 0; n < need; n++) {
		ck_assert_rc(smsdtls_tpdu_encode(&t, buf, n, &len, NULL),
		    SMSDTLS_ETOOBIG);
		ck_assert_uint_eq(len, 0xdead);
	}
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, need, &len, NULL),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, need);

	bad = t;
	bad.type = 3;
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	bad = t;
	bad.vp.format = 4;
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	bad = t;
	bad.ud_len = SMSDTLS_UD_MAX + 1;
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	bad = t;
	bad.dcs = 0x00;		/* 17 septets are 15 octets */
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	bad.udl = 19;			/* 19 septets = 17 octets */
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_OK);
	bad = t;
	set_addr(&bad.addr, 1, 1, "12x4");
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EADDR);
	set_addr(&bad.addr, 1, 1, "123456789012345678901");
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EADDR);
	set_addr(&bad.addr, SMSDTLS_TON_ALPHANUMERIC, 0, "\xe4\xb8\xad");
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EADDR);
	set_addr(&bad.addr, SMSDTLS_TON_ALPHANUMERIC, 0, "ABCDEFGHIJKL");
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EADDR);
	bad.addr.ton = 8;
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	bad = t;
	set_addr(&bad.smsc, SMSDTLS_TON_ALPHANUMERIC, 0, "SMSC");
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EADDR);
	bad = t;
	bad.vp.format = SMSDTLS_VPF_ABSOLUTE;
	bad.vp.absolute = mk_scts(2090, 1, 1, 0, 0, 0, 0);
	ck_assert_rc(smsdtls_tpdu_encode(&bad, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_tpdu_encode(NULL, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), NULL, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_tpdu_decode_any(NULL, 3, true, &bad),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_tpdu_decode_any(buf, 3, true, NULL),
	    SMSDTLS_EINVAL);
}
END_TEST

/* ---------------------------------------------------- field codecs */

START_TEST(test_bcd)
{
	uint8_t v, i;

	for (i = 0; i < 100; i++) {
		ck_assert_uint_eq(tpdu_bcd_put(i), (i % 10) << 4 | i / 10);
		ck_assert_rc(tpdu_bcd_get(tpdu_bcd_put(i), &v), SMSDTLS_OK);
		ck_assert_uint_eq(v, i);
	}
	ck_assert_rc(tpdu_bcd_get(0x42, &v), SMSDTLS_OK);
	ck_assert_uint_eq(v, 24);
	v = 77;
	ck_assert_rc(tpdu_bcd_get(0x0a, &v), SMSDTLS_EPROTO);
	ck_assert_rc(tpdu_bcd_get(0xa0, &v), SMSDTLS_EPROTO);
	ck_assert_rc(tpdu_bcd_get(0xff, &v), SMSDTLS_EPROTO);
	ck_assert_uint_eq(v, 77);
}
END_TEST

/* Time zones checked with tshark by the digest. */
START_TEST(test_tz)
{
	static const struct { uint8_t oct; int tz; } v[] = {
		{ 0x40, 4 }, { 0x80, 8 }, { 0x21, 12 }, { 0x0a, -20 },
		{ 0x49, -14 }, { 0x00, 0 }, { 0x84, 48 }, { 0x65, 56 },
		{ 0x8c, -48 },
	};
	uint8_t o[7] = { 0x42, 0x30, 0x51, 0x41, 0x03, 0x54, 0 }, w[7];
	struct smsdtls_scts ts;
	struct tpdu_rd rd;
	struct tpdu_wr wr;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		o[6] = v[i].oct;
		tpdu_rd_init(&rd, o, sizeof(o));
		ck_assert_rc(tpdu_scts_get(&rd, &ts), SMSDTLS_OK);
		check_scts(&ts, 2024, 3, 15, 14, 30, 45, v[i].tz);
		tpdu_wr_init(&wr, w, sizeof(w));
		ck_assert_rc(tpdu_scts_put(&wr, &ts), SMSDTLS_OK);
		ck_assert_mem_eq(w, o, 7);
	}
	o[6] = 0x08;			/* -0: decodes as 0 */
	tpdu_rd_init(&rd, o, sizeof(o));
	ck_assert_rc(tpdu_scts_get(&rd, &ts), SMSDTLS_OK);
	ck_assert_int_eq(ts.tz, 0);
}
END_TEST

START_TEST(test_scts_years_and_limits)
{
	uint8_t o[7] = { 0x98, 0x21, 0x31, 0x32, 0x95, 0x95, 0x00 }, w[7];
	struct smsdtls_scts ts;
	struct tpdu_rd rd;
	struct tpdu_wr wr;

	tpdu_rd_init(&rd, o, sizeof(o));
	ck_assert_rc(tpdu_scts_get(&rd, &ts), SMSDTLS_OK);
	check_scts(&ts, 2089, 12, 13, 23, 59, 59, 0);
	o[0] = 0x09;			/* 90 -> 1990 */
	tpdu_rd_init(&rd, o, sizeof(o));
	ck_assert_rc(tpdu_scts_get(&rd, &ts), SMSDTLS_OK);
	ck_assert_uint_eq(ts.year, 1990);
	o[0] = 0x99;			/* 99 -> 1999 */
	tpdu_rd_init(&rd, o, sizeof(o));
	ck_assert_rc(tpdu_scts_get(&rd, &ts), SMSDTLS_OK);
	ck_assert_uint_eq(ts.year, 1999);

	tpdu_wr_init(&wr, w, sizeof(w));
	ts = mk_scts(1989, 1, 1, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_put(&wr, &ts), SMSDTLS_EINVAL);
	ts = mk_scts(2000, 100, 1, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_put(&wr, &ts), SMSDTLS_EINVAL);
	ts = mk_scts(2000, 1, 1, 0, 0, 0, 80);
	ck_assert_rc(tpdu_scts_put(&wr, &ts), SMSDTLS_EINVAL);
	ts = mk_scts(2000, 1, 1, 0, 0, 0, -80);
	ck_assert_rc(tpdu_scts_put(&wr, &ts), SMSDTLS_EINVAL);
	ck_assert_uint_eq(wr.off, 0);
	tpdu_wr_init(&wr, w, 6);
	ts = mk_scts(2000, 1, 1, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_put(&wr, &ts), SMSDTLS_ETOOBIG);
}
END_TEST

START_TEST(test_scts_unix)
{
	struct smsdtls_scts ts;
	int64_t t = 0, x;
	uint64_t rng = 0x5eed;
	int i;

	ts = mk_scts(2024, 3, 15, 14, 30, 45, 4);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_OK);
	ck_assert_int_eq(t, 1710509445);
	ts = mk_scts(2009, 9, 7, 16, 48, 22, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_OK);
	ck_assert_int_eq(t, 1252342102);
	ts = mk_scts(2024, 2, 29, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_OK);
	ts = mk_scts(2000, 2, 29, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_OK);
	ts = mk_scts(2023, 2, 29, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_EPROTO);
	ts = mk_scts(2023, 13, 1, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_EPROTO);
	ts = mk_scts(2023, 4, 31, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_EPROTO);
	ts = mk_scts(2023, 4, 1, 24, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_EPROTO);
	ts = mk_scts(2023, 0, 1, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_to_unix(&ts, &t), SMSDTLS_EPROTO);

	ck_assert_rc(tpdu_scts_from_unix(631152000, &ts), SMSDTLS_OK);
	check_scts(&ts, 1990, 1, 1, 0, 0, 0, 0);
	ck_assert_rc(tpdu_scts_from_unix(3786911999, &ts), SMSDTLS_OK);
	check_scts(&ts, 2089, 12, 31, 23, 59, 59, 0);
	ck_assert_rc(tpdu_scts_from_unix(631151999, &ts), SMSDTLS_ETOOBIG);
	ck_assert_rc(tpdu_scts_from_unix(3786912000, &ts), SMSDTLS_ETOOBIG);
	for (i = 0; i < 20000; i++) {
		t = 631152000 + (int64_t)(test_rand(&rng) % 3155760000u);
		ck_assert_rc(tpdu_scts_from_unix(t, &ts), SMSDTLS_OK);
		ck_assert_rc(tpdu_scts_to_unix(&ts, &x), SMSDTLS_OK);
		ck_assert_int_eq(x, t);
	}
}
END_TEST

START_TEST(test_addr_codec)
{
	struct smsdtls_addr a;
	struct tpdu_rd rd;
	struct tpdu_wr wr;
	uint8_t w[16];
	const uint8_t dtls[] = { 0x07, 0xd0, 0x44, 0x2a, 0x73, 0x0a };

	tpdu_rd_init(&rd, dtls, sizeof(dtls));
	ck_assert_rc(tpdu_addr_get(&rd, &a), SMSDTLS_OK);
	check_addr(&a, SMSDTLS_TON_ALPHANUMERIC, 0, "DTLS");
	ck_assert_uint_eq(rd.off, sizeof(dtls));
	tpdu_wr_init(&wr, w, sizeof(w));
	ck_assert_rc(tpdu_addr_put(&wr, &a), SMSDTLS_OK);
	ck_assert_uint_eq(wr.off, sizeof(dtls));
	ck_assert_mem_eq(w, dtls, sizeof(dtls));

	/* Non-ASCII and extension characters survive a round trip. */
	set_addr(&a, SMSDTLS_TON_ALPHANUMERIC, 0,
	    "\xc3\x84\xe2\x82\xac@[\xce\xa9" "Z");
	tpdu_wr_init(&wr, w, sizeof(w));
	ck_assert_rc(tpdu_addr_put(&wr, &a), SMSDTLS_OK);
	ck_assert_uint_eq(w[0], (8 * 7 + 3) / 4);	/* 8 septets */
	tpdu_rd_init(&rd, w, wr.off);
	ck_assert_rc(tpdu_addr_get(&rd, &a), SMSDTLS_OK);
	ck_assert_str_eq(a.text, "\xc3\x84\xe2\x82\xac@[\xce\xa9Z");

	/* Eleven characters is the most. */
	set_addr(&a, SMSDTLS_TON_ALPHANUMERIC, 0, "ABCDEFGHIJK");
	tpdu_wr_init(&wr, w, sizeof(w));
	ck_assert_rc(tpdu_addr_put(&wr, &a), SMSDTLS_OK);
	ck_assert_uint_eq(w[0], 20);
	ck_assert_uint_eq(wr.off, 12);
}
END_TEST

/* The classic "hellohello" and the alphabet tables. */
START_TEST(test_gsm7)
{
	const uint8_t packed[] = { 0xe8, 0x32, 0x9b, 0xfd, 0x46, 0x97, 0xd9,
	    0xec, 0x37 };
	uint8_t sept[16], out[16], big[32], back[16];
	char text[64];
	uint64_t rng = 7;
	size_t i, k, n, off;

	n = tpdu_gsm7_from_text("hellohello", sept, sizeof(sept));
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(tpdu_gsm7_pack(sept, n, 0, out, sizeof(out)), 9);
	ck_assert_mem_eq(out, packed, 9);
	ck_assert_uint_eq(tpdu_gsm7_pack(sept, n, 0, out, 8), (size_t)-1);
	ck_assert_uint_eq(tpdu_gsm7_unpack(packed, 9, 0, sept, 10), 10);
	ck_assert_uint_eq(tpdu_gsm7_to_utf8(sept, 10, text, sizeof(text)),
	    10);
	ck_assert_str_eq(text, "hellohello");
	ck_assert_uint_eq(tpdu_gsm7_unpack(packed, 8, 0, sept, 10), 9);
	ck_assert_uint_eq(tpdu_gsm7_to_utf8(sept, 10, text, 10), (size_t)-1);

	/* Escapes: known, unknown (shown as the basic char), final. */
	n = tpdu_gsm7_from_text("\xe2\x82\xac[]^", sept, sizeof(sept));
	ck_assert_uint_eq(n, 8);
	ck_assert_mem_eq(sept, "\x1b\x65\x1b\x3c\x1b\x3e\x1b\x14", 8);
	memcpy(sept, "\x1b\x41\x1b", 3);
	tpdu_gsm7_to_utf8(sept, 3, text, sizeof(text));
	ck_assert_str_eq(text, "A ");
	ck_assert_uint_eq(tpdu_gsm7_from_text("\xe4\xb8\xad", sept, 16),
	    (size_t)-1);
	ck_assert_uint_eq(tpdu_gsm7_from_text("abc", sept, 2), (size_t)-1);

	/* Every non-ESC septet maps to UTF-8 and back. */
	for (i = 0; i < 128; i++) {
		if (i == TPDU_GSM7_ESC)
			continue;
		out[0] = (uint8_t)i;
		tpdu_gsm7_to_utf8(out, 1, text, sizeof(text));
		ck_assert_uint_eq(tpdu_gsm7_from_text(text, sept, 16), 1);
		ck_assert_uint_eq(sept[0], i);
	}
	/* Pack and unpack at every bit offset. */
	for (i = 0; i < 2000; i++) {
		n = test_rand(&rng) % 16;
		off = test_rand(&rng) % 50;
		for (k = 0; k < n; k++)
			sept[k] = test_rand(&rng) & 0x7f;
		memset(big, 0xff, sizeof(big));
		ck_assert_uint_eq(tpdu_gsm7_pack(sept, n, off, big,
		    sizeof(big)), (off + n * 7 + 7) / 8);
		if (off % 8)
			ck_assert_uint_eq(big[off / 8] |
			    (uint8_t)(0xff << (off % 8)), 0xff);
		ck_assert_uint_eq(tpdu_gsm7_unpack(big, (off + n * 7 + 7) / 8,
		    off, back, n), n);
		ck_assert_mem_eq(back, sept, n);
	}
}
END_TEST

START_TEST(test_hex)
{
	uint8_t b[8];
	char s[17];
	size_t len = 99;

	ck_assert_rc(smsdtls_hex_decode("07 91 4a\tFf\r\n", b, sizeof(b),
	    &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(b, "\x07\x91\x4a\xff", 4);
	ck_assert_rc(smsdtls_hex_decode("", b, sizeof(b), &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, 0);
	len = 99;
	ck_assert_rc(smsdtls_hex_decode("079", b, sizeof(b), &len),
	    SMSDTLS_EPROTO);
	ck_assert_rc(smsdtls_hex_decode("07g1", b, sizeof(b), &len),
	    SMSDTLS_EPROTO);
	ck_assert_rc(smsdtls_hex_decode("0x07", b, sizeof(b), &len),
	    SMSDTLS_EPROTO);
	ck_assert_rc(smsdtls_hex_decode("010203", b, 2, &len),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 99);
	ck_assert_rc(smsdtls_hex_decode(NULL, b, 2, &len), SMSDTLS_EINVAL);

	ck_assert_rc(smsdtls_hex_encode((const uint8_t *)"\x00\xab\x7f", 3,
	    s, 7), SMSDTLS_OK);
	ck_assert_str_eq(s, "00AB7F");
	ck_assert_rc(smsdtls_hex_encode((const uint8_t *)"\x00\xab\x7f", 3,
	    s, 6), SMSDTLS_ETOOBIG);
	ck_assert_rc(smsdtls_hex_encode(NULL, 0, s, 1), SMSDTLS_OK);
	ck_assert_str_eq(s, "");
}
END_TEST

/* ----------------------------------------------- property: generator */

static uint32_t
rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)(test_rand(s) % n);
}

static void
gen_numeric(uint64_t *s, struct smsdtls_addr *a, size_t min)
{
	static const char digits[] = "0123456789*#abc";
	size_t n = min + rnd(s, (uint32_t)(21 - min)), i;

	memset(a, 0, sizeof(*a));
	do
		a->ton = (uint8_t)rnd(s, 8);
	while (a->ton == SMSDTLS_TON_ALPHANUMERIC);
	a->npi = (uint8_t)rnd(s, 16);
	for (i = 0; i < n; i++)
		a->text[i] = digits[rnd(s, 15)];
}

static void
gen_alnum(uint64_t *s, struct smsdtls_addr *a)
{
	size_t sept = 0, want = rnd(s, 12);
	const char *c;
	uint8_t x;

	memset(a, 0, sizeof(*a));
	a->ton = SMSDTLS_TON_ALPHANUMERIC;
	a->npi = (uint8_t)rnd(s, 16);
	while (sept < want) {
		x = (uint8_t)rnd(s, 128);
		if (rnd(s, 8) == 0 && (c = tpdu_gsm7_ext(x)) != NULL) {
			if (sept + 2 > want)
				break;
			sept += 2;
		} else if (x != TPDU_GSM7_ESC) {
			c = tpdu_gsm7_basic(x);
			sept++;
		} else
			continue;
		strcat(a->text, c);
	}
}

static void
gen_addr(uint64_t *s, struct smsdtls_addr *a)
{
	if (rnd(s, 6) == 0)
		gen_alnum(s, a);
	else
		gen_numeric(s, a, 0);
}

static struct smsdtls_scts
gen_scts(uint64_t *s)
{
	return mk_scts(1990 + rnd(s, 100), rnd(s, 100), rnd(s, 100),
	    rnd(s, 100), rnd(s, 100), rnd(s, 100), (int)rnd(s, 159) - 79);
}

static void
gen_vp(uint64_t *s, struct smsdtls_vp *vp)
{
	size_t i;

	memset(vp, 0, sizeof(*vp));
	vp->format = (uint8_t)rnd(s, 4);
	if (vp->format == SMSDTLS_VPF_RELATIVE)
		vp->relative = (uint8_t)rnd(s, 256);
	else if (vp->format == SMSDTLS_VPF_ENHANCED)
		for (i = 0; i < 7; i++)
			vp->enhanced[i] = (uint8_t)rnd(s, 256);
	else if (vp->format == SMSDTLS_VPF_ABSOLUTE)
		vp->absolute = gen_scts(s);
}

static uint8_t
gen_dcs(uint64_t *s)
{
	static const uint8_t common[] = { 0x04, 0x00, 0x08, 0xf5, 0x24,
	    0x20, 0x80, 0xc0, 0xe0, 0x16 };

	if (rnd(s, 4) == 0)
		return (uint8_t)rnd(s, 256);
	return common[rnd(s, sizeof(common))];
}

static void
gen_udh(uint64_t *s, struct smsdtls_udh *u)
{
	memset(u, 0, sizeof(*u));
	do {
		u->has_ports = rnd(s, 2);
		u->has_concat = rnd(s, 2);
	} while (!u->has_ports && !u->has_concat);
	if (u->has_ports) {
		u->ports16 = rnd(s, 2);
		u->dst_port = (uint16_t)rnd(s, u->ports16 ? 65536 : 256);
		u->src_port = (uint16_t)rnd(s, u->ports16 ? 65536 : 256);
	}
	if (u->has_concat) {
		u->concat16 = rnd(s, 2);
		u->concat_ref = (uint16_t)rnd(s, u->concat16 ? 65536 : 256);
		u->concat_total = (uint8_t)(1 + rnd(s, 255));
		u->concat_seq = (uint8_t)(1 + rnd(s, u->concat_total));
	}
}

/* UD of at most room octets for t->dcs and t->udhi: a built UDH, then
 * random octets. */
static void
gen_ud(uint64_t *s, struct smsdtls_tpdu *t, size_t room)
{
	bool septets;
	size_t hl = 0, i, min, max;

	septets = smsdtls_dcs_alphabet(t->dcs) == SMSDTLS_ALPHABET_GSM7 ||
	    smsdtls_dcs_alphabet(t->dcs) == SMSDTLS_ALPHABET_RESERVED;
	if ((t->dcs & 0xa0) == 0x20)
		septets = false;		/* compressed */
	for (i = 0; i < sizeof(t->ud); i++)
		t->ud[i] = (uint8_t)rnd(s, 256);
	if (t->udhi) {
		gen_udh(s, &t->udh);
		ck_assert_rc(smsdtls_udh_build(&t->udh, t->ud, sizeof(t->ud),
		    &hl), SMSDTLS_OK);
		t->payload_off = hl;
	}
	if (room > SMSDTLS_UD_MAX)
		room = SMSDTLS_UD_MAX;
	if (septets) {
		min = (hl * 8 + 6) / 7;
		max = room * 8 / 7;
		t->udl = (uint8_t)(min + rnd(s, (uint32_t)(max + 1 - min)));
		t->ud_len = ((size_t)t->udl * 7 + 7) / 8;
	} else {
		t->ud_len = hl + rnd(s, (uint32_t)(room + 1 - hl));
		t->udl = (uint8_t)t->ud_len;
	}
}

static void
gen_smsc(uint64_t *s, struct smsdtls_tpdu *t)
{
	t->has_smsc = rnd(s, 2);
	if (t->has_smsc && rnd(s, 4) != 0)
		gen_numeric(s, &t->smsc, 1);
}

/* Octets of an encoded address. */
static size_t
addr_octets(const struct smsdtls_addr *a)
{
	uint8_t tmp[16];
	struct tpdu_wr wr;

	tpdu_wr_init(&wr, tmp, sizeof(tmp));
	ck_assert_rc(tpdu_addr_put(&wr, a), SMSDTLS_OK);
	return wr.off;
}

static void
gen_status_pi(uint64_t *s, struct smsdtls_tpdu *t)
{
	size_t used;

	t->has_pi = rnd(s, 2);
	if (!t->has_pi)
		return;
	t->pi = (uint8_t)rnd(s, 8);
	if (rnd(s, 4) == 0)
		t->pi |= (uint8_t)(rnd(s, 16) << 3);
	if (t->pi & SMSDTLS_PI_PID)
		t->pid = (uint8_t)rnd(s, 256);
	if (t->pi & SMSDTLS_PI_DCS)
		t->dcs = gen_dcs(s);
	/* FO MR RA SCTS DT ST PI [PID] [DCS] UDL: the TPDU is <= 164. */
	used = 2 + addr_octets(&t->addr) + 7 + 7 + 1 + 1 +
	    !!(t->pi & SMSDTLS_PI_PID) + !!(t->pi & SMSDTLS_PI_DCS) + 1;
	if (t->pi & SMSDTLS_PI_UDL)
		gen_ud(s, t, 164 - used);
	else
		t->udhi = t->udhi && rnd(s, 2);	/* UDHI without UD */
}

static void
gen_tpdu(uint64_t *s, struct smsdtls_tpdu *t)
{
	memset(t, 0, sizeof(*t));
	t->type = (uint8_t)rnd(s, 3);
	gen_smsc(s, t);
	gen_addr(s, &t->addr);
	t->udhi = rnd(s, 2);
	t->status_report = rnd(s, 2);
	if (t->type != SMSDTLS_TPDU_STATUS_REPORT)
		t->reply_path = rnd(s, 2);
	if (t->type != SMSDTLS_TPDU_DELIVER)
		t->mr = (uint8_t)rnd(s, 256);
	if (t->type == SMSDTLS_TPDU_SUBMIT) {
		t->reject_duplicates = rnd(s, 2);
		gen_vp(s, &t->vp);
	} else {
		t->more_messages = rnd(s, 2);
		t->loop_prevention = rnd(s, 2);
		t->scts = gen_scts(s);
	}
	if (t->type == SMSDTLS_TPDU_STATUS_REPORT) {
		t->dt = gen_scts(s);
		t->st = (uint8_t)rnd(s, 256);
		gen_status_pi(s, t);
		return;
	}
	t->pid = (uint8_t)rnd(s, 256);
	t->dcs = gen_dcs(s);
	gen_ud(s, t, SMSDTLS_UD_MAX);
}

/* Generated TPDUs survive encode and decode field by field. */
START_TEST(test_roundtrip_generated)
{
	struct smsdtls_tpdu t, d;
	uint8_t buf[SMSDTLS_PDU_MAX], again[SMSDTLS_PDU_MAX];
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	size_t len, len2, tlen, i;
	unsigned kinds[3] = { 0, 0, 0 };

	for (i = 0; i < 6000; i++) {
		gen_tpdu(&s, &t);
		kinds[t.type]++;
		ck_assert_rc(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len,
		    &tlen), SMSDTLS_OK);
		ck_assert_uint_le(len, SMSDTLS_PDU_MAX);
		ck_assert_uint_le(tlen, len);
		ck_assert_uint_eq(len - tlen, t.has_smsc ? 1 + buf[0] : 0);
		ck_assert_rc(decode_exact(buf, len, t.has_smsc, t.type, &d),
		    SMSDTLS_OK);
		ck_assert_tpdu_eq(&d, &t);
		ck_assert_rc(smsdtls_tpdu_encode(&d, again, sizeof(again),
		    &len2, NULL), SMSDTLS_OK);
		ck_assert_uint_eq(len2, len);
		ck_assert_mem_eq(again, buf, len);
	}
	ck_assert_uint_gt(kinds[0], 1500);
	ck_assert_uint_gt(kinds[1], 1500);
	ck_assert_uint_gt(kinds[2], 1500);
}
END_TEST

/* ------------------------------------- property: random and mutated */

/*
 * Does x use one of the encodings the decoder accepts but does not
 * reproduce (the list at the top of tpdu.c)?
 */
static bool
lossy(const uint8_t *x, size_t len, bool smsc, const struct smsdtls_tpdu *d)
{
	uint8_t tmp[16];
	struct tpdu_wr wr;
	size_t off = 0, a, p, n;
	uint8_t fo;

	if (smsc) {
		tpdu_wr_init(&wr, tmp, sizeof(tmp));
		ck_assert_rc(tpdu_smsc_put(&wr, &d->smsc), SMSDTLS_OK);
		if (wr.off != 1u + x[0] || memcmp(tmp, x, wr.off) != 0)
			return true;
		off = wr.off;
	}
	fo = x[off];
	if ((d->type == SMSDTLS_TPDU_DELIVER && (fo & 0x10)) ||
	    (d->type == SMSDTLS_TPDU_STATUS_REPORT && (fo & 0x90)))
		return true;
	a = off + (d->type == SMSDTLS_TPDU_DELIVER ? 1 : 2);
	if (d->addr.ton == SMSDTLS_TON_ALPHANUMERIC)
		return true;
	n = x[a];
	if ((n & 1) && x[a + 2 + n / 2] >> 4 != 0x0f)
		return true;
	p = a + 2 + (n + 1) / 2;
	if (d->type == SMSDTLS_TPDU_DELIVER)
		return x[p + 2 + 6] == 0x08;
	if (d->type == SMSDTLS_TPDU_SUBMIT)
		return d->vp.format == SMSDTLS_VPF_ABSOLUTE &&
		    x[p + 2 + 6] == 0x08;
	if (x[p + 6] == 0x08 || x[p + 13] == 0x08)
		return true;
	return len > p + 15 && (x[p + 15] == 0xff || (x[p + 15] & 0x80));
}

/* A successful decode re-encodes, is a fixed point, and is exact
 * unless lossy() says otherwise. */
static bool
check_decoded(const uint8_t *x, size_t len, bool smsc,
    const struct smsdtls_tpdu *d)
{
	struct smsdtls_tpdu d2, norm;
	uint8_t y[SMSDTLS_PDU_MAX];
	size_t ylen;

	ck_assert_rc(smsdtls_tpdu_encode(d, y, sizeof(y), &ylen, NULL),
	    SMSDTLS_OK);
	ck_assert_rc(decode_exact(y, ylen, smsc, d->type, &d2), SMSDTLS_OK);
	norm = *d;
	if (norm.smsc.text[0] == '\0')
		norm.smsc.ton = norm.smsc.npi = 0;
	norm.pi &= 0x7f;
	ck_assert_tpdu_eq(&d2, &norm);
	if (lossy(x, len, smsc, d))
		return false;
	ck_assert_uint_eq(ylen, len);
	ck_assert_mem_eq(y, x, len);
	return true;
}

/* A random octet, usually two BCD digits. */
static uint8_t
rnd_bcd(uint64_t *s)
{
	if (rnd(s, 16) == 0)
		return (uint8_t)rnd(s, 256);
	return (uint8_t)(rnd(s, 10) << 4 | rnd(s, 10));
}

/* Append n random octets, usually BCD. */
static void
put_rnd(uint64_t *s, uint8_t *x, size_t *len, size_t n, bool bcd)
{
	while (n-- > 0 && *len < SMSDTLS_PDU_MAX + 8)
		x[(*len)++] = bcd ? rnd_bcd(s) : (uint8_t)rnd(s, 256);
}

/* An address field: length, TOA (usually with bit 7), digits. */
static void
put_addr(uint64_t *s, uint8_t *x, size_t *len, bool smsc)
{
	size_t n = rnd(s, smsc ? 13 : 23);

	x[(*len)++] = (uint8_t)n;
	if (smsc && n == 0)
		return;
	x[(*len)++] = (uint8_t)(rnd(s, 16) ? 0x80 | rnd(s, 128) :
	    rnd(s, 256));
	n = smsc ? n - 1 : (n + 1) / 2;
	put_rnd(s, x, len, n, rnd(s, 8) != 0);
	if (n > 0 && rnd(s, 2))
		x[*len - 1] |= 0xf0;		/* filler */
}

/* TP-PI and the PID and DCS it announces; returns the PI. */
static uint8_t
put_pi(uint64_t *s, uint8_t *x, size_t *len, uint8_t *dcs)
{
	uint8_t pi = (uint8_t)(rnd(s, 4) ? rnd(s, 8) : rnd(s, 256));

	x[(*len)++] = pi;
	if (pi & SMSDTLS_PI_PID)
		x[(*len)++] = (uint8_t)rnd(s, 256);
	if (pi & SMSDTLS_PI_DCS)
		x[(*len)++] = *dcs = (uint8_t)rnd(s, 256);
	return pi;
}

/* TP-UDL and about as many UD octets as it says. */
static void
put_ud(uint64_t *s, uint8_t *x, size_t *len, uint8_t dcs)
{
	uint8_t udl = (uint8_t)rnd(s, 170);
	size_t n = udl;

	x[(*len)++] = udl;
	if (smsdtls_dcs_alphabet(dcs) != SMSDTLS_ALPHABET_8BIT &&
	    smsdtls_dcs_alphabet(dcs) != SMSDTLS_ALPHABET_UCS2)
		n = (udl * 7u + 7) / 8;
	if (rnd(s, 8) == 0)
		n = n + rnd(s, 3) - 1;
	put_rnd(s, x, len, n, false);
}

/*
 * Random octets shaped like a TPDU, field by field, with random values:
 * what a broken modem or SC might send.  x holds SMSDTLS_PDU_MAX + 64.
 */
static size_t
shaped_bytes(uint64_t *s, uint8_t *x, bool smsc)
{
	static const size_t vp_len[4] = { 0, 7, 1, 7 };
	uint8_t fo = (uint8_t)rnd(s, 256), mti = fo & 3, dcs = 0;
	size_t len = 0;

	if (smsc)
		put_addr(s, x, &len, true);
	x[len++] = fo;
	if (mti != 0)
		x[len++] = (uint8_t)rnd(s, 256);		/* MR */
	put_addr(s, x, &len, false);
	if (mti != 2) {
		x[len++] = (uint8_t)rnd(s, 256);		/* PID */
		x[len++] = dcs = (uint8_t)rnd(s, 256);	/* DCS */
	}
	if (mti == 1)
		put_rnd(s, x, &len, vp_len[fo >> 3 & 3], true);
	else
		put_rnd(s, x, &len, mti == 2 ? 15 : 7, true);
	if (mti == 2 && (rnd(s, 2) == 0 ||
	    (put_pi(s, x, &len, &dcs) & SMSDTLS_PI_UDL) == 0))
		return len;
	put_ud(s, x, &len, dcs);
	return len;
}

START_TEST(test_random_bytes)
{
	struct smsdtls_tpdu d;
	uint8_t x[SMSDTLS_PDU_MAX + 64];
	uint64_t s = 0xfeedface;
	size_t i, j, len, ok = 0, exact = 0;
	bool smsc;

	for (i = 0; i < 200000; i++) {
		smsc = rnd(&s, 2);
		if (rnd(&s, 4) == 0) {
			len = rnd(&s, SMSDTLS_PDU_MAX + 9);
			for (j = 0; j < len; j++)
				x[j] = (uint8_t)rnd(&s, 256);
		} else
			len = shaped_bytes(&s, x, smsc);
		if (decode_exact(x, len, smsc, -1, &d) != SMSDTLS_OK)
			continue;
		ok++;
		exact += check_decoded(x, len, smsc, &d);
	}
	/* Enough decode for the exactness check to mean something. */
	ck_assert_uint_gt(ok, 10000);
	ck_assert_uint_gt(exact, 3000);
}
END_TEST

/* Mutate one to three octets of a valid TPDU, or cut or extend it. */
static size_t
mutate(uint64_t *s, uint8_t *x, size_t len, size_t cap)
{
	uint32_t k = 1 + rnd(s, 3), i;
	size_t pos;

	switch (rnd(s, 4)) {
	case 0:
		return len > 0 ? rnd(s, (uint32_t)len) : 0;
	case 1:
		while (len < cap && k-- > 0)
			x[len++] = (uint8_t)rnd(s, 256);
		return len;
	default:
		for (i = 0; i < k && len > 0; i++) {
			pos = rnd(s, (uint32_t)len);
			if (rnd(s, 2))
				x[pos] ^= (uint8_t)(1u << rnd(s, 8));
			else
				x[pos] = (uint8_t)rnd(s, 256);
		}
		return len;
	}
}

START_TEST(test_mutated)
{
	struct smsdtls_tpdu t, d;
	uint8_t x[SMSDTLS_PDU_MAX + 8];
	uint64_t s = 0xc0ffee;
	size_t i, len, ok = 0, exact = 0;
	smsdtls_rc rc;

	for (i = 0; i < 100000; i++) {
		gen_tpdu(&s, &t);
		ck_assert_rc(smsdtls_tpdu_encode(&t, x, sizeof(x), &len,
		    NULL), SMSDTLS_OK);
		len = mutate(&s, x, len, sizeof(x));
		rc = decode_exact(x, len, t.has_smsc, -1, &d);
		ck_assert_uint_lt((unsigned)rc, SMSDTLS_RC_COUNT);
		if (rc != SMSDTLS_OK)
			continue;
		ok++;
		exact += check_decoded(x, len, t.has_smsc, &d);
	}
	/* Enough survive for the exactness check to mean something. */
	ck_assert_uint_gt(ok, 10000);
	ck_assert_uint_gt(exact, 5000);
}
END_TEST

static Suite *
tpdu_suite(void)
{
	Suite *s = suite_create("tpdu");
	TCase *tc = tcase_create("examples");
	TCase *tf = tcase_create("fields");
	TCase *tp = tcase_create("properties");

	tcase_add_test(tc, test_submit_a);
	tcase_add_test(tc, test_submit_a_relative);
	tcase_add_test(tc, test_deliver_b);
	tcase_add_test(tc, test_deliver_b_no_smsc);
	tcase_add_test(tc, test_status_c);
	tcase_add_test(tc, test_status_c_failures);
	tcase_add_test(tc, test_status_gammu);
	tcase_add_test(tc, test_status_pi_ff);
	tcase_add_test(tc, test_status_pi_fields);
	tcase_add_test(tc, test_alnum_oa);
	tcase_add_test(tc, test_mti_mismatch);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_trailing_junk);
	tcase_add_test(tc, test_udl_limits);
	tcase_add_test(tc, test_status_max);
	tcase_add_test(tc, test_malformed_fields);
	tcase_add_test(tc, test_smsc_prefix);
	tcase_add_test(tc, test_odd_address);
	tcase_add_test(tc, test_gsm7_udh);
	tcase_add_test(tc, test_udh_errors);
	tcase_add_test(tc, test_dcs_units);
	tcase_add_test(tc, test_dcs_alphabet);
	tcase_add_test(tc, test_encode_errors);
	suite_add_tcase(s, tc);

	tcase_add_test(tf, test_bcd);
	tcase_add_test(tf, test_tz);
	tcase_add_test(tf, test_scts_years_and_limits);
	tcase_add_test(tf, test_scts_unix);
	tcase_add_test(tf, test_addr_codec);
	tcase_add_test(tf, test_gsm7);
	tcase_add_test(tf, test_hex);
	suite_add_tcase(s, tf);

	tcase_add_test(tp, test_roundtrip_generated);
	tcase_add_test(tp, test_random_bytes);
	tcase_add_test(tp, test_mutated);
	tcase_set_timeout(tp, 120);
	suite_add_tcase(s, tp);
	return s;
}

SMSDTLS_CHECK_MAIN(tpdu_suite)
