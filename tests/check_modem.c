/*
 * check_modem.c - the libgammu SMS bearer (modem/): the conversion
 * between TS 23.040 TPDUs and libgammu's GSM_SMSMessage, checked against
 * libgammu's own encoder and decoder; the worker frames; the settings
 * and the PIN file; the queue cap; then the bearer end to end with the
 * real libgammu over two AT modems of smsdtls-smsc: 8-bit SMS with WDP
 * ports both ways, status reports matched by TP-MR, the SMS transport
 * over the bearer adapter, the send rate; and the SIM PIN, with an AT
 * modem served in-process.  The fault scenarios (a hung modem, +CMS
 * errors, an unplugged one, a crash before the accept) are in
 * check_modem_faults.c.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "testutil.h"
#include "modemtest.h"
#include "modem/convert.h"
#include "modem/modem.h"
#include "modem/proto.h"
#include "modem/worker.h"
#include "smsc/atmodem.h"
#include "smsc/smsc.h"

#define ITERATIONS	2000

/* Hex of the PDU under test, for failure messages. */
static char ctx[2 * SMSDTLS_PDU_MAX + 1];

static void
set_ctx(const uint8_t *pdu, size_t len)
{
	if (smsdtls_hex_encode(pdu, len, ctx, sizeof(ctx)) != SMSDTLS_OK)
		snprintf(ctx, sizeof(ctx), "?");
}

static unsigned
rnd(uint64_t *st, unsigned n)
{
	return (unsigned)(test_rand(st) % n);
}

/* ------------------------------------------------------ generators */

/* 1-15 digits; international, or unknown not starting "00". */
static void
gen_addr(uint64_t *st, struct smsdtls_addr *a)
{
	size_t i, n = 1 + rnd(st, 15);

	memset(a, 0, sizeof(*a));
	a->ton = rnd(st, 2) ? SMSDTLS_TON_INTERNATIONAL : SMSDTLS_TON_UNKNOWN;
	a->npi = SMSDTLS_NPI_E164;
	for (i = 0; i < n; i++)
		a->text[i] = (char)('0' + rnd(st, 10));
	if (a->ton == SMSDTLS_TON_UNKNOWN && n >= 2 && a->text[0] == '0')
		a->text[1] = '7';
}

static int
days_in(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && y % 4 == 0 ? 29 : d[m - 1];
}

/* 2000-2089 (libgammu reads yy >= 90 as 20yy too), any zone. */
static void
gen_time(uint64_t *st, struct smsdtls_scts *ts)
{
	ts->year = (uint16_t)(2000 + rnd(st, 90));
	ts->month = (uint8_t)(1 + rnd(st, 12));
	ts->day = (uint8_t)(1 + rnd(st, (unsigned)days_in(ts->year,
	    ts->month)));
	ts->hour = (uint8_t)rnd(st, 24);
	ts->minute = (uint8_t)rnd(st, 60);
	ts->second = (uint8_t)rnd(st, 60);
	ts->tz = (int8_t)((int)rnd(st, 105) - 48);
}

/* A UDH with 16-bit ports, 8-bit ports, concatenation, or none; then a
 * payload that fills the rest or some of it. */
static void
gen_ud(uint64_t *st, struct smsdtls_tpdu *t)
{
	struct smsdtls_udh u;
	size_t hlen = 0, plen, i;

	memset(&u, 0, sizeof(u));
	switch (rnd(st, 5)) {
	case 0:
		break;
	case 1:
		u.has_ports = true;
		u.ports16 = false;
		u.dst_port = (uint16_t)(240 + rnd(st, 16));
		u.src_port = (uint16_t)(240 + rnd(st, 16));
		break;
	case 2:
		u.has_concat = true;
		u.concat16 = rnd(st, 2);
		u.concat_ref = (uint16_t)rnd(st, u.concat16 ? 65536 : 256);
		u.concat_total = (uint8_t)(1 + rnd(st, 255));
		u.concat_seq = (uint8_t)(1 + rnd(st, u.concat_total));
		/* FALLTHROUGH */
	default:
		u.has_ports = true;
		u.ports16 = true;
		u.dst_port = (uint16_t)rnd(st, 65536);
		u.src_port = (uint16_t)rnd(st, 65536);
		break;
	}
	ck_assert_rc(smsdtls_udh_build(&u, t->ud, sizeof(t->ud), &hlen),
	    SMSDTLS_OK);
	t->udhi = hlen > 0;
	plen = SMSDTLS_UD_MAX - hlen;
	if (rnd(st, 3) != 0)
		plen = rnd(st, (unsigned)plen + 1);
	for (i = 0; i < plen; i++)
		t->ud[hlen + i] = (uint8_t)test_rand(st);
	t->ud_len = hlen + plen;
}

/* An 8-bit DCS as libgammu writes it: no class, or the 0xF0 group. */
static uint8_t
gen_dcs(uint64_t *st)
{
	return rnd(st, 2) ? 0x04 : (uint8_t)(0xf4 + rnd(st, 4));
}

static uint8_t
gen_pid(uint64_t *st)
{
	return rnd(st, 3) ? 0 : (uint8_t)(0x41 + rnd(st, 7));
}

/* ---------------------------------------------- libgammu as the judge */

static void
append(uint8_t *out, size_t *n, const unsigned char *p, size_t len)
{
	memcpy(out + *n, p, len);
	*n += len;
}

/*
 * The SUBMIT libgammu would put on the air for sms: GSM_EncodeSMSFrame
 * into its fixed layout, then the fields in TS 23.040 order, as its AT
 * driver does (phone/at/at-sms.c), without the SMSC prefix.
 */
static size_t
gammu_submit(GSM_SMSMessage *sms, uint8_t *pdu)
{
	const GSM_SMSMessageLayout *l = &PHONE_SMSSubmit;
	unsigned char f[1000];
	size_t n = 0;
	int flen = 0;

	memset(f, 0, sizeof(f));
	ck_assert_int_eq(GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), sms, f, *l,
	    &flen, TRUE), ERR_NONE);
	ck_assert_int_ge(flen, l->Text);
	pdu[n++] = f[l->firstbyte];
	pdu[n++] = f[l->TPMR];
	append(pdu, &n, f + l->Number, 2u + (f[l->Number] + 1u) / 2);
	pdu[n++] = f[l->TPPID];
	pdu[n++] = f[l->TPDCS];
	pdu[n++] = f[l->TPVP];
	pdu[n++] = f[l->TPUDL];
	append(pdu, &n, f + l->Text, (size_t)flen - l->Text);
	return n;
}

static void
gammu_decode(const uint8_t *pdu, size_t len, GSM_SMSMessage *sms)
{
	size_t end = 0;

	memset(sms, 0, sizeof(*sms));
	ck_assert_msg(GSM_DecodePDUFrame(GSM_GetGlobalDebug(), sms, pdu, len,
	    &end, TRUE) == ERR_NONE, "libgammu cannot decode %s", ctx);
	ck_assert_uint_eq(end, len);
}

/* ------------------------------------------------------- conversion */

/*
 * A SUBMIT as the SMS transport builds it, through convert_submit() and
 * libgammu's encoder, comes out octet for octet as it went in: address,
 * TP-MR, TP-SRR, TP-RD, TP-RP, PID, DCS class, relative VP, UDH, data.
 */
START_TEST(test_submit_crosscheck)
{
	uint8_t pdu[SMSDTLS_PDU_MAX], back[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms;
	struct smsdtls_tpdu t;
	struct smsdtls_vp vp;
	uint64_t st = 0x5eed0001;
	uint32_t secs, want;
	size_t len, blen;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		memset(&t, 0, sizeof(t));
		t.type = SMSDTLS_TPDU_SUBMIT;
		gen_addr(&st, &t.addr);
		t.mr = (uint8_t)rnd(&st, 256);
		t.status_report = rnd(&st, 2);
		t.reject_duplicates = rnd(&st, 2);
		t.reply_path = rnd(&st, 2);
		t.pid = gen_pid(&st);
		t.dcs = gen_dcs(&st);
		t.vp.format = SMSDTLS_VPF_RELATIVE;
		t.vp.relative = (uint8_t)rnd(&st, 256);
		gen_ud(&st, &t);
		ck_assert_rc(smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len,
		    NULL), SMSDTLS_OK);
		set_ctx(pdu, len);
		ck_assert_rc(convert_submit(pdu, len, false, 0, &sms, &secs),
		    SMSDTLS_OK);
		ck_assert_int_eq(sms.SMSC.Number[0] | sms.SMSC.Number[1], 0);
		vp = t.vp;
		ck_assert_rc(smsdtls_vp_seconds(&vp, 0, &want), SMSDTLS_OK);
		ck_assert_uint_eq(secs, want);
		blen = gammu_submit(&sms, back);
		ck_assert_msg(blen == len && memcmp(back, pdu, len) == 0,
		    "libgammu would send another SUBMIT for %s", ctx);
	}
}
END_TEST

/* The srr flag asks for a report even when the TPDU does not. */
START_TEST(test_submit_forced_srr)
{
	uint8_t pdu[SMSDTLS_PDU_MAX], back[SMSDTLS_PDU_MAX];
	static const uint8_t data[] = { 1, 2, 3 };
	static GSM_SMSMessage sms;
	size_t len;

	len = mt_submit_tpdu(MT_NUM_B, 16001, 5684, data, sizeof(data), 0,
	    false, pdu);
	ck_assert_rc(convert_submit(pdu, len, true, 0, &sms, NULL),
	    SMSDTLS_OK);
	ck_assert_int_eq(sms.PDU, SMS_Status_Report);
	ck_assert_uint_eq(gammu_submit(&sms, back), len);
	ck_assert_uint_eq(back[0], pdu[0] | 0x20);	/* TP-SRR */
	ck_assert_mem_eq(back + 1, pdu + 1, len - 1);
	ck_assert_rc(convert_submit(pdu, len, false, 0, &sms, NULL),
	    SMSDTLS_OK);
	ck_assert_int_eq(sms.PDU, SMS_Submit);
}
END_TEST

/* Only relative VPs reach libgammu: others are rounded up to the
 * closest relative value that is not shorter; none becomes 63 weeks. */
static const struct {
	uint8_t	format;
	uint8_t	enh[7];
	uint32_t abs_ahead;	/* ABSOLUTE: seconds after now */
	uint8_t	rel;		/* relative octet expected */
	uint32_t secs;
} vp_cases[] = {
	{ SMSDTLS_VPF_ENHANCED, { 0x02, 20 }, 0, 0, 300 },
	{ SMSDTLS_VPF_ENHANCED, { 0x02, 255 }, 0, 0, 300 },
	{ SMSDTLS_VPF_ENHANCED, { 0x01, 11 }, 0, 11, 3600 },
	{ SMSDTLS_VPF_ENHANCED, { 0x03, 0x00, 0x01, 0x00 }, 0, 1, 600 },
	/* 12:00:01: just over 143 (12 h) -> 144 (12 h 30). */
	{ SMSDTLS_VPF_ENHANCED, { 0x03, 0x21, 0x00, 0x10 }, 0, 144, 45000 },
	{ SMSDTLS_VPF_ENHANCED, { 0x00 }, 0, 0xff, 63 * 7 * 86400 },
	{ SMSDTLS_VPF_NONE, { 0 }, 0, 0xff, 63 * 7 * 86400 },
	{ SMSDTLS_VPF_ABSOLUTE, { 0 }, 86400, 167, 86400 },
	{ SMSDTLS_VPF_ABSOLUTE, { 0 }, 86401, 168, 2 * 86400 },
	{ SMSDTLS_VPF_ABSOLUTE, { 0 }, 400 * 86400, 250, 58 * 7 * 86400 },
	{ SMSDTLS_VPF_ABSOLUTE, { 0 }, 500 * 86400, 0xff, 63 * 7 * 86400 }
};

START_TEST(test_submit_vp)
{
	static const uint8_t data[] = { 0xaa };
	uint8_t pdu[SMSDTLS_PDU_MAX], back[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms;
	struct smsdtls_tpdu t;
	int64_t now = 1710509445;	/* 2024-03-15T13:30:45Z */
	uint32_t secs;
	size_t len;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_SUBMIT;
	ck_assert_rc(smsdtls_addr_parse(MT_NUM_B, &t.addr), SMSDTLS_OK);
	t.dcs = SMSDTLS_DCS_8BIT;
	t.vp.format = vp_cases[_i].format;
	memcpy(t.vp.enhanced, vp_cases[_i].enh, 7);
	if (t.vp.format == SMSDTLS_VPF_ABSOLUTE)
		ck_assert_rc(smsdtls_vp_choose(vp_cases[_i].abs_ahead,
		    SMSDTLS_VP_ACCEPT_ABSOLUTE, now, &t.vp), SMSDTLS_OK);
	memcpy(t.ud, data, sizeof(data));
	t.ud_len = sizeof(data);
	ck_assert_rc(smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len, NULL),
	    SMSDTLS_OK);
	ck_assert_rc(convert_submit(pdu, len, false, now, &sms, &secs),
	    SMSDTLS_OK);
	ck_assert_int_eq(sms.SMSC.Validity.Format, SMS_Validity_RelativeFormat);
	ck_assert_int_eq(sms.SMSC.Validity.Relative, vp_cases[_i].rel);
	ck_assert_uint_eq(secs, vp_cases[_i].secs);
	/* On the air: VPF relative, that octet. */
	len = gammu_submit(&sms, back);
	ck_assert_uint_eq(back[0] & 0x18, 0x10);
	/* FO, MR, DA length, TOA, digits, PID, DCS, then TP-VP. */
	ck_assert_uint_eq(back[4 + (back[2] + 1) / 2 + 2], vp_cases[_i].rel);
}
END_TEST

/* What libgammu cannot send as is gets EUNSUPP (or the decoder's code),
 * and nothing is written. */
static const struct {
	const char *hex;
	smsdtls_rc rc;
} refused[] = {
	/* 7-bit text "hi" */
	{ "0100" "0B914477009001F3" "00" "00" "02" "E834", SMSDTLS_EUNSUPP },
	/* UCS2 */
	{ "0100" "0B914477009001F3" "00" "08" "02" "0041", SMSDTLS_EUNSUPP },
	/* compressed 8-bit */
	{ "0100" "0B914477009001F3" "00" "24" "01" "41", SMSDTLS_EUNSUPP },
	/* message waiting group */
	{ "0100" "0B914477009001F3" "00" "C0" "01" "41", SMSDTLS_EUNSUPP },
	/* PID: Internet electronic mail (0x32) */
	{ "0100" "0B914477009001F3" "32" "04" "01" "41", SMSDTLS_EUNSUPP },
	/* national type of number */
	{ "0100" "0AA17700900123" "00" "04" "01" "41", SMSDTLS_EUNSUPP },
	/* NPI unknown */
	{ "0100" "0B804477009001F3" "00" "04" "01" "41", SMSDTLS_EUNSUPP },
	/* unknown type starting 00: libgammu would make it international */
	{ "0100" "0B810044770090F1" "00" "04" "01" "41", SMSDTLS_EUNSUPP },
	/* '*' in the number */
	{ "0100" "0B914477A09001F3" "00" "04" "01" "41", SMSDTLS_EUNSUPP },
	/* alphanumeric TP-DA */
	{ "0100" "0AD0C8329BFD06" "00" "04" "01" "41", SMSDTLS_EUNSUPP },
	/* truncated */
	{ "0100" "0B914477009001F3" "00" "04" "05" "41", SMSDTLS_ETRUNC },
	/* a DELIVER, not a SUBMIT */
	{ "040B914477009001F30004423051410354400141", SMSDTLS_EPROTO }
};

START_TEST(test_submit_refused)
{
	uint8_t pdu[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms;
	uint32_t secs = 12345;
	size_t len;

	len = test_unhex(refused[_i].hex, pdu, sizeof(pdu));
	memset(&sms, 0x5a, sizeof(sms));
	ck_assert_rc(convert_submit(pdu, len, false, 0, &sms, &secs),
	    refused[_i].rc);
	ck_assert_uint_eq(secs, 12345);
	ck_assert_uint_eq(sms.Length, 0x5a5a5a5a);
}
END_TEST

/*
 * SMS-DELIVERs encoded by us with the SMSC prefix, read by libgammu's
 * decoder as its AT driver does, and converted back: the same TPDU,
 * octet for octet, without the prefix.  (libgammu's decoder drops TP-RP,
 * TP-SRI and TP-LP, which none of ours carries.)
 */
START_TEST(test_deliver_crosscheck)
{
	uint8_t pdu[SMSDTLS_PDU_MAX], want[SMSDTLS_PDU_MAX];
	uint8_t back[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms;
	struct smsdtls_tpdu t;
	uint64_t st = 0x5eed0002;
	size_t len, wlen, blen;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		memset(&t, 0, sizeof(t));
		t.type = SMSDTLS_TPDU_DELIVER;
		t.has_smsc = true;
		ck_assert_rc(smsdtls_addr_parse(MT_SMSC, &t.smsc), SMSDTLS_OK);
		gen_addr(&st, &t.addr);
		t.pid = gen_pid(&st);
		t.dcs = gen_dcs(&st);
		gen_time(&st, &t.scts);
		gen_ud(&st, &t);
		ck_assert_rc(smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len,
		    NULL), SMSDTLS_OK);
		set_ctx(pdu, len);
		t.has_smsc = false;
		ck_assert_rc(smsdtls_tpdu_encode(&t, want, sizeof(want), &wlen,
		    NULL), SMSDTLS_OK);
		gammu_decode(pdu, len, &sms);
		ck_assert_rc(convert_received(&sms, back, sizeof(back), &blen),
		    SMSDTLS_OK);
		ck_assert_msg(blen == wlen && memcmp(back, want, wlen) == 0,
		    "another DELIVER back from %s", ctx);
	}
}
END_TEST

/* STATUS-REPORTs the same way: TP-MR, TP-RA, SCTS, TP-DT, TP-ST. */
START_TEST(test_report_crosscheck)
{
	uint8_t pdu[SMSDTLS_PDU_MAX], want[SMSDTLS_PDU_MAX];
	uint8_t back[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms;
	struct smsdtls_tpdu t;
	uint64_t st = 0x5eed0003;
	size_t len, wlen, blen;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		memset(&t, 0, sizeof(t));
		t.type = SMSDTLS_TPDU_STATUS_REPORT;
		t.has_smsc = true;
		ck_assert_rc(smsdtls_addr_parse(MT_SMSC, &t.smsc), SMSDTLS_OK);
		t.mr = (uint8_t)rnd(&st, 256);
		gen_addr(&st, &t.addr);
		gen_time(&st, &t.scts);
		gen_time(&st, &t.dt);
		t.st = (uint8_t)rnd(&st, 256);
		ck_assert_rc(smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len,
		    NULL), SMSDTLS_OK);
		set_ctx(pdu, len);
		t.has_smsc = false;
		ck_assert_rc(smsdtls_tpdu_encode(&t, want, sizeof(want), &wlen,
		    NULL), SMSDTLS_OK);
		gammu_decode(pdu, len, &sms);
		ck_assert_int_eq(sms.PDU, SMS_Status_Report);
		ck_assert_rc(convert_received(&sms, back, sizeof(back), &blen),
		    SMSDTLS_OK);
		ck_assert_msg(blen == wlen && memcmp(back, want, wlen) == 0,
		    "another STATUS-REPORT back from %s", ctx);
	}
}
END_TEST

/* Text messages (not ours, but they must be offered and deleted like
 * any other): 7-bit "hellohello" and UCS2 "Hi", each with a port UDH
 * and without, and an alphanumeric sender. */
static const char *const text_delivers[] = {
	"0791447758100650" "04" "09D0C8329BFD06" "0000" "42305141035440"
	    "0A" "E8329BFD4697D9EC37",
	"0791447758100650" "44" "09D0C8329BFD06" "0000" "42305141035440"
	    "0D" "06050416341634" "E8329BFD06",
	"0791447758100650" "04" "0C91447700094065" "0008" "42305141035440"
	    "04" "00480069",
	"0791447758100650" "44" "0C91447700094065" "0008" "42305141035440"
	    "0B" "06050416341634" "00480069"
};

START_TEST(test_deliver_text)
{
	uint8_t pdu[SMSDTLS_PDU_MAX], back[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms;
	struct smsdtls_tpdu want, got;
	size_t len, blen;

	len = test_unhex(text_delivers[_i], pdu, sizeof(pdu));
	set_ctx(pdu, len);
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, true, SMSDTLS_TPDU_DELIVER,
	    &want), SMSDTLS_OK);
	gammu_decode(pdu, len, &sms);
	ck_assert_rc(convert_received(&sms, back, sizeof(back), &blen),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_tpdu_decode(back, blen, false,
	    SMSDTLS_TPDU_DELIVER, &got), SMSDTLS_OK);
	ck_assert_uint_eq(got.addr.ton, want.addr.ton);
	ck_assert_str_eq(got.addr.text, want.addr.text);
	ck_assert_uint_eq(got.dcs, want.dcs);
	ck_assert_uint_eq(got.udhi, want.udhi);
	ck_assert_uint_eq(got.udl, want.udl);
	ck_assert_uint_eq(got.ud_len, want.ud_len);
	ck_assert_mem_eq(got.ud, want.ud, want.ud_len);
	ck_assert_mem_eq(&got.scts, &want.scts, sizeof(want.scts));
	ck_assert_uint_eq(blen, len - 8);	/* the prefix is 8 octets */
	ck_assert_mem_eq(back, pdu + 8, blen);
}
END_TEST

/* Messages that are no TPDU we can write: refused, nothing written. */
START_TEST(test_received_refused)
{
	uint8_t buf[SMSDTLS_PDU_MAX];
	static GSM_SMSMessage sms, bad;
	size_t len = 77;

	len = test_unhex(text_delivers[3], buf, sizeof(buf));
	gammu_decode(buf, len, &sms);
	len = 77;
	memcpy(&bad, &sms, sizeof(bad));
	bad.PDU = SMS_Submit;
	ck_assert_rc(convert_received(&bad, buf, sizeof(buf), &len),
	    SMSDTLS_EUNSUPP);
	memcpy(&bad, &sms, sizeof(bad));
	bad.Number[0] = bad.Number[1] = 0;
	ck_assert_rc(convert_received(&bad, buf, sizeof(buf), &len),
	    SMSDTLS_EADDR);
	memcpy(&bad, &sms, sizeof(bad));
	bad.DateTime.Year = 0;
	ck_assert_rc(convert_received(&bad, buf, sizeof(buf), &len),
	    SMSDTLS_EPROTO);
	memcpy(&bad, &sms, sizeof(bad));
	bad.DateTime.Timezone = 100;
	ck_assert_rc(convert_received(&bad, buf, sizeof(buf), &len),
	    SMSDTLS_EPROTO);
	memcpy(&bad, &sms, sizeof(bad));
	bad.Coding = SMS_Coding_Default_Compression;
	ck_assert_rc(convert_received(&bad, buf, sizeof(buf), &len),
	    SMSDTLS_EUNSUPP);
	memcpy(&bad, &sms, sizeof(bad));
	bad.Coding = SMS_Coding_8bit;
	bad.Length = 200;
	ck_assert_rc(convert_received(&bad, buf, sizeof(buf), &len),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 77);
	ck_assert_rc(convert_received(&sms, buf, 10, &len), SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 77);
}
END_TEST

START_TEST(test_ucs2_utf8)
{
	static const unsigned char s[] = {
		0x00, '+', 0x00, '4', 0x00, 0xe9, 0x20, 0xac, 0x00, 0x00
	};
	char buf[16];

	ck_assert_rc(convert_ucs2_utf8(s, buf, sizeof(buf)), SMSDTLS_OK);
	ck_assert_str_eq(buf, "+4\xc3\xa9\xe2\x82\xac");
	ck_assert_rc(convert_ucs2_utf8(s, buf, 6), SMSDTLS_ETOOBIG);
	ck_assert_str_eq(buf, "+4\xc3\xa9");
	ck_assert_rc(convert_ucs2_utf8(s, buf, 4), SMSDTLS_ETOOBIG);
	ck_assert_str_eq(buf, "+4");
	ck_assert_rc(convert_ucs2_utf8(s, buf, 0), SMSDTLS_ETOOBIG);
}
END_TEST

/* ----------------------------------------------------------- frames */

static void
sample_frames(struct proto_msg *v, size_t *n)
{
	size_t i = 0;

	proto_init(&v[i], PROTO_SEND);
	v[i].id = UINT64_C(0x8000000000000007);
	v[i].len = SMSDTLS_PDU_MAX;
	memset(v[i++].data, 0xa5, SMSDTLS_PDU_MAX);
	proto_init(&v[i], PROTO_DELETE);
	v[i++].token = 0xfffffffe;
	proto_init(&v[i++], PROTO_PROBE);
	proto_init(&v[i], PROTO_UP);
	proto_text(&v[i++], "smsdtls SIM-AT PDU modem imei=356938035643809");
	proto_init(&v[i], PROTO_SENT);
	v[i].id = 42;
	v[i].err = 81;
	v[i].cms = 500;
	v[i].mr = -1;
	proto_text(&v[i++], "+CMS ERROR: %d", 500);
	proto_init(&v[i], PROTO_SENT);
	v[i].id = 43;
	v[i].mr = 255;
	v[i++].text[0] = '\0';
	proto_init(&v[i], PROTO_RECEIVED);
	v[i].token = 1;
	v[i].len = 1;
	v[i++].data[0] = 0x04;
	proto_init(&v[i], PROTO_DELETED);
	v[i].token = 9;
	v[i].err = 123;
	proto_text(&v[i++], "location %d", 3);
	proto_init(&v[i], PROTO_PROBED);
	proto_text(&v[i++], "signal -73 dBm 60%%");
	proto_init(&v[i], PROTO_FAIL);
	v[i].kind = PROTO_FAIL_PIN;
	v[i].err = -5;
	memset(v[i].text, 'x', PROTO_TEXT_MAX);
	i++;
	proto_init(&v[i], PROTO_LOG);
	v[i].kind = 3;
	proto_text(&v[i++], "hello");
	proto_init(&v[i++], PROTO_ALIVE);
	proto_init(&v[i], PROTO_SWEPT);
	v[i].token = 30;
	i++;
	proto_init(&v[i], PROTO_DROPPED);
	v[i].err = 27;
	proto_text(&v[i++], "from Operator: unsupported");
	*n = i;
}

START_TEST(test_proto_roundtrip)
{
	struct proto_msg v[16], got;
	uint8_t buf[PROTO_FRAME_MAX];
	size_t n, i, len, cut;

	sample_frames(v, &n);
	for (i = 0; i < n; i++) {
		ck_assert_rc(proto_encode(&v[i], buf, sizeof(buf), &len),
		    SMSDTLS_OK);
		ck_assert_uint_le(len, PROTO_FRAME_MAX);
		ck_assert_rc(proto_decode(buf, len, &got), SMSDTLS_OK);
		ck_assert_mem_eq(&got, &v[i], sizeof(got));
		ck_assert_int_eq(proto_from_worker(v[i].type),
		    v[i].type >= 0x80);
		/* A shorter frame is refused with nothing written, or,
		 * past the fixed fields, read with a shorter tail. */
		for (cut = 0; cut < len; cut++) {
			memset(&got, 0x77, sizeof(got));
			if (proto_decode(buf, cut, &got) != SMSDTLS_OK) {
				ck_assert_uint_eq(got.type, 0x77);
				continue;
			}
			ck_assert(v[i].len > 0 || v[i].text[0] != '\0');
			ck_assert_uint_eq(got.type, v[i].type);
			ck_assert_uint_eq(got.id, v[i].id);
			ck_assert_uint_eq(got.token, v[i].token);
			ck_assert_uint_lt(got.len + strlen(got.text),
			    v[i].len + strlen(v[i].text));
		}
		ck_assert_rc(proto_encode(&v[i], buf, len - 1, &len),
		    SMSDTLS_ETOOBIG);
	}
}
END_TEST

START_TEST(test_proto_malformed)
{
	struct proto_msg m, got;
	uint8_t buf[PROTO_FRAME_MAX + 1], again[PROTO_FRAME_MAX];
	uint64_t st = 0x5eed0004;
	size_t len, n, i;

	/* Unknown types, a tail where none is due, bad text. */
	buf[0] = 0x04;
	ck_assert_rc(proto_decode(buf, 1, &got), SMSDTLS_EPROTO);
	buf[0] = 0x80;
	ck_assert_rc(proto_decode(buf, 1, &got), SMSDTLS_EPROTO);
	buf[0] = PROTO_ALIVE;
	buf[1] = 'x';
	ck_assert_rc(proto_decode(buf, 2, &got), SMSDTLS_EPROTO);
	buf[0] = PROTO_UP;
	buf[1] = 0x07;
	ck_assert_rc(proto_decode(buf, 2, &got), SMSDTLS_EPROTO);
	memset(buf + 1, 'a', PROTO_TEXT_MAX + 1);
	ck_assert_rc(proto_decode(buf, PROTO_TEXT_MAX + 2, &got),
	    SMSDTLS_EPROTO);
	ck_assert_rc(proto_decode(buf, PROTO_TEXT_MAX + 1, &got), SMSDTLS_OK);
	buf[0] = PROTO_RECEIVED;
	ck_assert_rc(proto_decode(buf, 5, &got), SMSDTLS_EPROTO);
	ck_assert_rc(proto_decode(buf, 5 + SMSDTLS_PDU_MAX + 1, &got),
	    SMSDTLS_EPROTO);
	ck_assert_rc(proto_decode(buf, 0, &got), SMSDTLS_ETRUNC);
	/* The encoder refuses what the decoder would. */
	proto_init(&m, 0x55);
	ck_assert_rc(proto_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	proto_init(&m, PROTO_SEND);
	ck_assert_rc(proto_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	m.len = SMSDTLS_PDU_MAX + 1;
	ck_assert_rc(proto_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	proto_init(&m, PROTO_LOG);
	m.text[0] = '\n';
	ck_assert_rc(proto_encode(&m, buf, sizeof(buf), &len), SMSDTLS_EINVAL);
	proto_text(&m, "a\tb\x80");
	ck_assert_str_eq(m.text, "a?b?");
	/* Random frames: never a crash; what decodes encodes back. */
	for (i = 0; i < 200000; i++) {
		n = rnd(&st, 40);
		if (rnd(&st, 8) == 0)
			n = rnd(&st, sizeof(buf));
		for (len = 0; len < n; len++)
			buf[len] = (uint8_t)test_rand(&st);
		if (n > 0 && rnd(&st, 2))
			buf[0] = (uint8_t)(rnd(&st, 2) ? 0x80 + rnd(&st, 12) :
			    1 + rnd(&st, 3));
		if (proto_decode(buf, n, &got) != SMSDTLS_OK)
			continue;
		ck_assert_rc(proto_encode(&got, again, sizeof(again), &len),
		    SMSDTLS_OK);
		ck_assert_uint_eq(len, n);
		ck_assert_mem_eq(again, buf, n);
	}
}
END_TEST

/* -------------------------------------------------- settings, queue */

static void
nop_rx(void *arg, struct modem *m, const uint8_t *tpdu, size_t len,
    uint64_t handle)
{
	(void)arg;
	(void)m;
	(void)tpdu;
	(void)len;
	(void)handle;
}

static void
nop_tx(void *arg, struct modem *m, uint64_t id, smsdtls_rc rc, int mr,
    uint32_t vp)
{
	(void)arg;
	(void)m;
	(void)id;
	(void)rc;
	(void)mr;
	(void)vp;
}

static const struct modem_cb nop_cb = { nop_rx, nop_tx, NULL, NULL };

static void
good_conf(struct modem_conf *c)
{
	modem_conf_init(c);
	snprintf(c->device, sizeof(c->device), "/nonexistent/modem");
}

/* Each broken setting on its own is refused. */
static void
break_conf(struct modem_conf *c, int i)
{
	switch (i) {
	case 0: c->device[0] = '\0'; break;
	case 1: c->connection[0] = '\0'; break;
	case 2: c->poll_ms = 0; break;
	case 3: c->call_timeout_ms = 0; break;
	case 4: c->probe_ms = 0; break;
	case 5: c->backoff_min_ms = 0; break;
	case 6: c->backoff_min_ms = c->backoff_max_ms + 1; break;
	case 7: c->queue_max = 0; break;
	case 8: c->connect_timeout_ms = 0; break;
	case 9: c->submit_timeout_ms = 0; break;
	case 10: c->error_limit = 0; break;
	case 11: c->hook_timeout_ms = 0; break;
	case 12: c->send_rate = -1; break;
	case 13: c->send_rate = NAN; break;
	case 14: snprintf(c->smsc, sizeof(c->smsc), "+44abc"); break;
	case 15: snprintf(c->smsc, sizeof(c->smsc), "+"); break;
	case 16: memset(c->smsc, '1', sizeof(c->smsc)); break;
	case 17: memset(c->name, 'n', sizeof(c->name)); break;
	case 18: memset(c->pin_file, 'p', sizeof(c->pin_file)); break;
	case 19: memset(c->reset_hook, 'h', sizeof(c->reset_hook)); break;
	}
}

START_TEST(test_conf)
{
	struct event_base *base = event_base_new();
	struct modem_cb cb = nop_cb;
	struct modem_conf c;
	struct modem *m = NULL;
	int i;

	ck_assert_ptr_nonnull(base);
	good_conf(&c);
	snprintf(c.smsc, sizeof(c.smsc), "+447785016005");
	ck_assert_rc(modem_new(base, &c, &cb, NULL, &m), SMSDTLS_OK);
	modem_free(m);
	for (i = 0; i < 20; i++) {
		good_conf(&c);
		break_conf(&c, i);
		m = NULL;
		ck_assert_msg(modem_new(base, &c, &cb, NULL, &m) ==
		    SMSDTLS_EINVAL && m == NULL, "setting %d taken", i);
	}
	good_conf(&c);
	cb.received = NULL;
	ck_assert_rc(modem_new(base, &c, &cb, NULL, &m), SMSDTLS_EINVAL);
	cb = nop_cb;
	cb.submitted = NULL;
	ck_assert_rc(modem_new(base, &c, &cb, NULL, &m), SMSDTLS_EINVAL);
	ck_assert_rc(modem_new(NULL, &c, &nop_cb, NULL, &m), SMSDTLS_EINVAL);
	modem_free(NULL);
	event_base_free(base);
}
END_TEST

/* The PIN file: 4-8 digits with white space around; anything else is
 * refused with a reason that never holds the file's digits. */
static const struct {
	const char *text;	/* NULL: no such file */
	const char *pin;	/* NULL: refused */
} pins[] = {
	{ "1234", "1234" },
	{ "  12345678 \r\n", "12345678" },
	{ "0000\n", "0000" },
	{ "123", NULL },
	{ "123456789", NULL },
	{ "12a4", NULL },
	{ "12 34", NULL },
	{ "", NULL },
	{ "9999999999999999999999999999999999999999999999999999999999999999"
	    "9999", NULL },
	{ NULL, NULL }
};

START_TEST(test_pin_file)
{
	char path[] = "/tmp/check_modem_pin.XXXXXX";
	char pin[16];
	const char *why = NULL;
	FILE *fp;
	int fd, r;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	if (pins[_i].text == NULL)
		unlink(path);
	else {
		ck_assert_ptr_nonnull(fp = fopen(path, "w"));
		fputs(pins[_i].text, fp);
		ck_assert_int_eq(fclose(fp), 0);
	}
	memset(pin, 'z', sizeof(pin));
	r = worker_read_pin(path, pin, sizeof(pin), &why);
	unlink(path);
	if (pins[_i].pin != NULL) {
		ck_assert_int_eq(r, 0);
		ck_assert_str_eq(pin, pins[_i].pin);
		return;
	}
	ck_assert_int_eq(r, -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strpbrk(why, "0123456789") == NULL, "why: %s", why);
	ck_assert_uint_eq(pin[0], 'z');
}
END_TEST

/* The cap, bad arguments and SUBMITs libgammu cannot send are refused
 * before anything is queued. */
START_TEST(test_queue_cap)
{
	static const uint8_t data[] = { 9 };
	struct event_base *base = event_base_new();
	struct smsdtls_bearer b;
	struct modem_stats st;
	struct modem_conf c;
	struct modem *m;
	uint8_t pdu[SMSDTLS_PDU_MAX];
	size_t len;

	ck_assert_ptr_nonnull(base);
	good_conf(&c);
	c.queue_max = 3;
	ck_assert_rc(modem_new(base, &c, &nop_cb, NULL, &m), SMSDTLS_OK);
	len = mt_submit_tpdu(MT_NUM_B, 1, 2, data, sizeof(data), 0, false,
	    pdu);
	ck_assert_rc(modem_submit(m, 1, pdu, 0), SMSDTLS_EINVAL);
	ck_assert_rc(modem_submit(m, 1, NULL, len), SMSDTLS_EINVAL);
	ck_assert_rc(modem_submit(m, 1, pdu, SMSDTLS_PDU_MAX + 1),
	    SMSDTLS_EINVAL);
	ck_assert_rc(modem_submit(m, 1, pdu, len - 1), SMSDTLS_ETRUNC);
	/* DCS, VP, UDL, 7 octets of UDH, 1 of data: the DCS is at -11. */
	pdu[len - 11] = 0x08;			/* UCS2 */
	ck_assert_rc(modem_submit(m, 1, pdu, len), SMSDTLS_EUNSUPP);
	pdu[len - 11] = SMSDTLS_DCS_8BIT;
	modem_get_stats(m, &st);
	ck_assert_uint_eq(st.queue_depth, 0);
	ck_assert_rc(modem_submit(m, 1, pdu, len), SMSDTLS_OK);
	ck_assert_rc(modem_submit(m, 2, pdu, len), SMSDTLS_OK);
	modem_bearer(m, &b);
	ck_assert_rc(b.submit(b.arg, pdu, len, NULL), SMSDTLS_OK);
	ck_assert_rc(modem_submit(m, 4, pdu, len), SMSDTLS_ELIMIT);
	ck_assert_rc(b.submit(b.arg, pdu, len, NULL), SMSDTLS_ELIMIT);
	modem_get_stats(m, &st);
	ck_assert_uint_eq(st.queue_depth, 3);
	ck_assert_int_eq(st.health, MODEM_STARTING);
	ck_assert_int_eq(modem_worker_pid(m), -1);
	modem_free(m);
	event_base_free(base);
}
END_TEST

/* ------------------------------------------------- the emulator's PIN */

struct capture {
	char	buf[4096];
	size_t	len;
};

static void
capture_write(void *arg, const uint8_t *data, size_t len)
{
	struct capture *c = arg;

	ck_assert_uint_lt(c->len + len, sizeof(c->buf));
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	c->buf[c->len] = '\0';
}

/* Type line at the modem; its answer (echo included) must be want. */
static void
at(struct atmodem *m, struct capture *c, const char *line, const char *want)
{
	c->len = 0;
	c->buf[0] = '\0';
	atmodem_input(m, (const uint8_t *)line, strlen(line), 0);
	ck_assert_str_eq(c->buf, want);
}

static void
nop_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	(void)sc;
	(void)st;
	(void)type;
	(void)tpdu;
	(void)len;
	(void)now;
	(void)arg;
}

/* The emulated SIM PIN (TS 27.007 8.3), which the bearer's PIN tests
 * below drive through libgammu. */
START_TEST(test_emulator_pin)
{
	struct smsc_conf sconf;
	struct atmodem_conf mconf;
	struct smsc_station *st;
	struct capture c;
	struct atmodem *m;
	struct smsc *sc;

	smsc_conf_default(&sconf);
	ck_assert_rc(smsc_new(&sconf, &sc), SMSDTLS_OK);
	ck_assert_rc(smsc_station_add(sc, MT_NUM_A, nop_deliver, NULL, &st),
	    SMSDTLS_OK);
	atmodem_conf_default(&mconf);
	mconf.pin = "12";
	ck_assert_rc(atmodem_new(sc, st, &mconf, capture_write, &c, &m),
	    SMSDTLS_EINVAL);
	mconf.pin = "7913";
	ck_assert_rc(atmodem_new(sc, st, &mconf, capture_write, &c, &m),
	    SMSDTLS_OK);
	at(m, &c, "AT+CMEE=1\r", "AT+CMEE=1\r\r\nOK\r\n");
	at(m, &c, "AT+CPIN?\r", "AT+CPIN?\r\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	at(m, &c, "AT+CMGL=4\r", "AT+CMGL=4\r\r\n+CMS ERROR: 311\r\n");
	at(m, &c, "AT+CPIN=\"1111\"\r",
	    "AT+CPIN=\"1111\"\r\r\n+CME ERROR: 16\r\n");
	at(m, &c, "AT+CPIN=\"7913\"\r", "AT+CPIN=\"7913\"\r\r\nOK\r\n");
	at(m, &c, "AT+CPIN?\r", "AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n");
	at(m, &c, "AT+CMGL=4\r", "AT+CMGL=4\r\r\nOK\r\n");
	at(m, &c, "AT+CPIN=\"7913\"\r",
	    "AT+CPIN=\"7913\"\r\r\n+CME ERROR: 3\r\n");
	atmodem_free(m);
	/* Three wrong PINs and the SIM wants the PUK. */
	ck_assert_rc(atmodem_new(sc, st, &mconf, capture_write, &c, &m),
	    SMSDTLS_OK);
	at(m, &c, "ATE0\r", "ATE0\r\r\nOK\r\n");
	at(m, &c, "AT+CPIN=1\r", "\r\nERROR\r\n");
	at(m, &c, "AT+CPIN=2\r", "\r\nERROR\r\n");
	at(m, &c, "AT+CPIN=3\r", "\r\nERROR\r\n");
	at(m, &c, "AT+CPIN?\r", "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	at(m, &c, "AT+CPIN=7913\r", "\r\nERROR\r\n");
	at(m, &c, "AT+CPIN?\r", "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	atmodem_free(m);
	smsc_free(sc);
}
END_TEST

/* --------------------------------------------------------- end to end */

static void
decode_rx(const struct mt_rx *r, enum smsdtls_tpdu_type type,
    struct smsdtls_tpdu *t)
{
	ck_assert_rc(smsdtls_tpdu_decode(r->tpdu, r->len, false, type, t),
	    SMSDTLS_OK);
}

/* A datagram through the SMS transport with the modem as its bearer,
 * and back up through the transport at B. */
static void
transport_check(struct mt_modem *pa, struct mt_modem *pb)
{
	static const uint8_t dgram[] = { 0x16, 0xfe, 0xfd, 1, 2, 3, 4, 5 };
	struct smsdtls_sms_config sc;
	struct smsdtls_sms *sa, *sb;
	struct smsdtls_transport tr;
	struct smsdtls_send_info info;
	struct smsdtls_bearer bearer;
	struct smsdtls_sms_rx rx;
	struct smsdtls_peer peer;
	struct mt_modem *a = pa, *b = pb;
	size_t ntx = a->ntx, nrx = b->nrx;
	char text[64];

	smsdtls_sms_config_init(&sc);
	sc.vp_accept = MODEM_VP_ACCEPT;
	modem_bearer(a->m, &bearer);
	ck_assert_rc(smsdtls_sms_new(&sc, &bearer, &sa), SMSDTLS_OK);
	modem_bearer(b->m, &bearer);
	ck_assert_rc(smsdtls_sms_new(&sc, &bearer, &sb), SMSDTLS_OK);
	smsdtls_sms_transport(sa, &tr);
	ck_assert_rc(smsdtls_peer_sms(&peer, MT_NUM_B, NULL, 5684, 16123),
	    SMSDTLS_OK);
	memset(&info, 0, sizeof(info));
	info.validity = 20;
	info.handshake = true;
	ck_assert_rc(tr.ops->send(tr.arg, &peer, dgram, sizeof(dgram), &info),
	    SMSDTLS_OK);
	ck_assert(mt_wait_count(&a->ntx, ntx + 1, 10000));
	ck_assert_uint_eq(a->tx[ntx].id, MODEM_BEARER_ID_BASE);
	ck_assert_rc(a->tx[ntx].rc, SMSDTLS_OK);
	ck_assert_uint_eq(a->tx[ntx].vp, 300);	/* 20 s, rounded up */
	ck_assert(mt_wait_count(&b->nrx, nrx + 1, 10000));
	ck_assert_rc(smsdtls_sms_input(sb, b->rx[nrx].tpdu, b->rx[nrx].len,
	    false, 0, &rx), SMSDTLS_OK);
	ck_assert_uint_eq(rx.kind, SMSDTLS_SMS_RX_DATAGRAM);
	ck_assert_uint_eq(rx.len, sizeof(dgram));
	ck_assert_mem_eq(rx.data, dgram, sizeof(dgram));
	smsdtls_peer_format(&rx.peer, text, sizeof(text));
	ck_assert_str_eq(text, MT_NUM_A ":16123>5684");
	modem_accept(b->m, b->rx[nrx].handle);
	smsdtls_sms_free(sa);
	smsdtls_sms_free(sb);
}

/*
 * A -> B with WDP ports 16001 -> 5684 and TP-SRR: B gets the DELIVER
 * (originator, ports, data, SCTS from the SMSC's clock), A the
 * STATUS-REPORT with the TP-MR that +CMGS gave.  B -> A without TP-SRR,
 * B set to request reports: A gets it, B its report.  Once accepted,
 * nothing is offered again.  Then a datagram through the SMS transport
 * over the bearer adapter.
 */
START_TEST(test_exchange)
{
	static const uint8_t ping[] = { 0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0x03, 'p', 'i', 'n' };
	static const uint8_t pong[] = { 0x17, 0xfe, 0xfd, 'p', 'o', 'n', 'g' };
	struct mt_modem a, b;
	struct modem_conf cb;
	struct modem_stats st;
	struct smsdtls_tpdu t;
	uint8_t pdu[SMSDTLS_PDU_MAX];
	size_t len;

	mt_smsc_start(2, "", "");
	mt_conf(&cb, "b");
	cb.status_reports = true;
	{
		struct modem_conf ca;

		mt_conf(&ca, "a");
		mt_modem_new(&a, "a", &ca);
	}
	mt_modem_new(&b, "b", &cb);
	ck_assert(mt_wait_health(&a, MODEM_UP, 0, 15000));
	ck_assert(mt_wait_health(&b, MODEM_UP, 0, 15000));
	ck_assert_int_eq(a.health[0], MODEM_STARTING);
	modem_get_stats(a.m, &st);
	ck_assert_ptr_nonnull(strstr(st.identity, "imei=356938035643809"));

	len = mt_submit_tpdu(MT_NUM_B, 16001, 5684, ping, sizeof(ping), 0,
	    true, pdu);
	ck_assert_rc(modem_submit(a.m, 7, pdu, len), SMSDTLS_OK);
	ck_assert(mt_wait_count(&b.nrx, 1, 10000));
	ck_assert(mt_wait_count(&a.ntx, 1, 10000));
	ck_assert_uint_eq(a.tx[0].id, 7);
	ck_assert_rc(a.tx[0].rc, SMSDTLS_OK);
	ck_assert_int_eq(a.tx[0].mr, 0);	/* A's first submit */
	ck_assert_uint_eq(a.tx[0].vp, 300);
	decode_rx(&b.rx[0], SMSDTLS_TPDU_DELIVER, &t);
	ck_assert_uint_eq(t.addr.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_str_eq(t.addr.text, MT_NUM_A + 1);
	ck_assert(t.udhi && t.udh.has_ports && t.udh.ports16);
	ck_assert_uint_eq(t.udh.src_port, 16001);
	ck_assert_uint_eq(t.udh.dst_port, 5684);
	ck_assert_uint_eq(t.dcs, SMSDTLS_DCS_8BIT);
	ck_assert_uint_eq(t.ud_len - t.payload_off, sizeof(ping));
	ck_assert_mem_eq(t.ud + t.payload_off, ping, sizeof(ping));
	ck_assert_uint_eq(t.scts.year, 2024);	/* the SMSC's epoch */
	ck_assert_uint_eq(t.scts.month, 3);
	ck_assert_uint_eq(t.scts.day, 15);
	ck_assert_uint_eq(b.rx[0].handle >> 32, 1);	/* first worker */
	modem_accept(b.m, b.rx[0].handle);

	ck_assert(mt_wait_count(&a.nrx, 1, 10000));
	decode_rx(&a.rx[0], SMSDTLS_TPDU_STATUS_REPORT, &t);
	ck_assert_uint_eq(t.mr, (unsigned)a.tx[0].mr);
	ck_assert_str_eq(t.addr.text, MT_NUM_B + 1);
	ck_assert_uint_eq(t.st, 0x00);
	ck_assert_uint_eq(t.dt.year, 2024);
	modem_accept(a.m, a.rx[0].handle);

	/* Back, with the report requested by B's setting. */
	len = mt_submit_tpdu(MT_NUM_A, 5684, 16001, pong, sizeof(pong), 11,
	    false, pdu);
	ck_assert_rc(modem_submit(b.m, 8, pdu, len), SMSDTLS_OK);
	ck_assert(mt_wait_count(&a.nrx, 2, 10000));
	ck_assert(mt_wait_count(&b.nrx, 2, 10000));
	ck_assert_rc(b.tx[0].rc, SMSDTLS_OK);
	ck_assert_uint_eq(b.tx[0].vp, 3600);
	decode_rx(&a.rx[1], SMSDTLS_TPDU_DELIVER, &t);
	ck_assert_str_eq(t.addr.text, MT_NUM_B + 1);
	ck_assert_uint_eq(t.udh.src_port, 5684);
	ck_assert_uint_eq(t.udh.dst_port, 16001);
	ck_assert_mem_eq(t.ud + t.payload_off, pong, sizeof(pong));
	decode_rx(&b.rx[1], SMSDTLS_TPDU_STATUS_REPORT, &t);
	ck_assert_uint_eq(t.mr, (unsigned)b.tx[0].mr);
	ck_assert_str_eq(t.addr.text, MT_NUM_A + 1);
	modem_accept(a.m, a.rx[1].handle);
	modem_accept(b.m, b.rx[1].handle);

	/* Deleted: two more listings and nothing new is offered. */
	mt_wait_sweeps(&a, &b);
	mt_wait_sweeps(&a, &b);
	ck_assert_uint_eq(a.nrx, 2);
	ck_assert_uint_eq(b.nrx, 2);
	modem_get_stats(a.m, &st);
	ck_assert_uint_eq(st.received, 2);
	ck_assert_uint_eq(st.accepted, 2);
	ck_assert_uint_eq(st.deleted, 2);
	ck_assert_uint_eq(st.submits_ok, 1);
	ck_assert_uint_eq(st.resets, 0);
	ck_assert_int_eq(st.health, MODEM_UP);
	ck_assert_uint_eq(st.queue_depth, 0);
	transport_check(&a, &b);
	mt_modem_free(&a);
	mt_modem_free(&b);
}
END_TEST


/*
 * Four SUBMITs queued at once at 1 per second: they go in order, B reads
 * each on its new-message indication (it does not poll), and by the
 * time the k-th outcome comes no more than 1 + elapsed/interval (plus
 * half an interval of slack) have gone.  libgammu alone takes about
 * 0.75 s per SUBMIT, so without the limit the fourth would come 2.25 s
 * after the first.
 */
START_TEST(test_rate)
{
	struct mt_modem a, b;
	struct modem_conf ca, cb;
	struct smsdtls_tpdu t;
	uint8_t pdu[SMSDTLS_PDU_MAX], seq;
	size_t len, k;

	mt_smsc_start(2, "", "");
	mt_conf(&ca, "a");
	ca.send_rate = 1.0;
	mt_conf(&cb, "b");
	cb.poll_ms = 600000;	/* B reads on +CMTI only, after the first */
	mt_modem_new(&a, "a", &ca);
	mt_modem_new(&b, "b", &cb);
	b.auto_accept = true;
	ck_assert(mt_wait_health(&a, MODEM_UP, 0, 15000));
	ck_assert(mt_wait_health(&b, MODEM_UP, 0, 15000));
	for (seq = 0; seq < 4; seq++) {
		len = mt_submit_tpdu(MT_NUM_B, 16001, 5684, &seq, 1, 0, false,
		    pdu);
		ck_assert_rc(modem_submit(a.m, 100 + seq, pdu, len),
		    SMSDTLS_OK);
	}
	ck_assert(mt_wait_count(&a.ntx, 4, 15000));
	ck_assert(mt_wait_count(&b.nrx, 4, 10000));
	for (k = 0; k < 4; k++) {
		ck_assert_uint_eq(a.tx[k].id, 100 + k);
		ck_assert_rc(a.tx[k].rc, SMSDTLS_OK);
		ck_assert_int_eq(a.tx[k].mr, (int)k);
		ck_assert_msg((double)(k + 1) <= 1.5 +
		    (double)(a.tx[k].at - a.tx[0].at) / 1000.0,
		    "%zu SUBMITs in %lld ms at 1/s", k + 1,
		    (long long)(a.tx[k].at - a.tx[0].at));
		decode_rx(&b.rx[k], SMSDTLS_TPDU_DELIVER, &t);
		ck_assert_uint_eq(t.ud[t.payload_off], k);
	}
	mt_modem_free(&a);
	mt_modem_free(&b);
}
END_TEST

static bool
file_has(const char *path, const char *text)
{
	static char buf[1 << 20];
	FILE *fp;
	size_t n;

	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return strstr(buf, text) != NULL;
}

/* A modem on the in-process AT modem whose SIM wants 7913, with the
 * PIN file holding pin. */
static void
pin_modem(struct mt_modem *t, const char *pin)
{
	struct modem_conf c;
	const char *dev;
	FILE *fp;

	dev = mt_sim_start("7913");
	mt_conf(&c, "a");
	snprintf(c.device, sizeof(c.device), "%s", dev);
	mt_path("pin", c.pin_file, sizeof(c.pin_file));
	ck_assert_ptr_nonnull(fp = fopen(c.pin_file, "w"));
	fprintf(fp, "%s\n", pin);
	ck_assert_int_eq(fclose(fp), 0);
	mt_modem_new(t, "a", &c);
}

/* The PIN from the file unlocks the SIM; it is in no log, libgammu's
 * debug log included. */
START_TEST(test_pin)
{
	struct modem_stats st;
	struct mt_modem a;

	pin_modem(&a, "7913");
	ck_assert(mt_wait_health(&a, MODEM_UP, 0, 15000));
	do {
		mt_run_for(100);
		modem_get_stats(a.m, &st);
	} while (st.sweeps == 0 && mt_now() < 20000);
	ck_assert_uint_ge(st.sweeps, 1);	/* the SMS commands work */
	ck_assert(mt_log_has(&a, "PIN accepted"));
	ck_assert(!mt_log_has(&a, "7913"));
	ck_assert(file_has(a.conf.debug_log, "AT+CPIN?"));
	ck_assert(!file_has(a.conf.debug_log, "7913"));
	mt_modem_free(&a);
}
END_TEST

/* A PIN the SIM refuses is tried once, never again (three wrong ones
 * lock the SIM): the modem is down for good. */
START_TEST(test_pin_refused)
{
	struct modem_stats st;
	struct mt_modem a;

	pin_modem(&a, "1111");
	ck_assert(mt_wait_health(&a, MODEM_DOWN, 0, 15000));
	mt_run_for(4 * a.conf.backoff_min_ms);	/* no retry comes */
	modem_get_stats(a.m, &st);
	ck_assert_int_eq(st.health, MODEM_DOWN);
	ck_assert_uint_eq(st.resets, 1);
	ck_assert_uint_eq(st.connects, 0);
	ck_assert_int_eq(modem_worker_pid(a.m), -1);
	ck_assert_ptr_nonnull(strstr(st.last_error, "refused the PIN"));
	ck_assert(!mt_log_has(&a, "1111"));
	ck_assert(!file_has(a.conf.debug_log, "1111"));
	mt_modem_free(&a);
}
END_TEST

static Suite *
modem_suite(void)
{
	Suite *s = suite_create("modem");
	TCase *tc;

	tc = tcase_create("convert");
	tcase_add_test(tc, test_submit_crosscheck);
	tcase_add_test(tc, test_submit_forced_srr);
	tcase_add_loop_test(tc, test_submit_vp, 0,
	    sizeof(vp_cases) / sizeof(vp_cases[0]));
	tcase_add_loop_test(tc, test_submit_refused, 0,
	    sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, test_deliver_crosscheck);
	tcase_add_test(tc, test_report_crosscheck);
	tcase_add_loop_test(tc, test_deliver_text, 0,
	    sizeof(text_delivers) / sizeof(text_delivers[0]));
	tcase_add_test(tc, test_received_refused);
	tcase_add_test(tc, test_ucs2_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("proto");
	tcase_add_test(tc, test_proto_roundtrip);
	tcase_add_test(tc, test_proto_malformed);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("settings");
	tcase_add_test(tc, test_conf);
	tcase_add_loop_test(tc, test_pin_file, 0,
	    sizeof(pins) / sizeof(pins[0]));
	tcase_add_test(tc, test_queue_cap);
	tcase_add_test(tc, test_emulator_pin);
	suite_add_tcase(s, tc);

	tc = tcase_create("bearer");
	tcase_add_test(tc, test_exchange);
	tcase_add_test(tc, test_rate);
	tcase_add_test(tc, test_pin);
	tcase_add_test(tc, test_pin_refused);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(modem_suite)
