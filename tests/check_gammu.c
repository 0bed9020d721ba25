/*
 * check_gammu.c - cross-check of the TS 23.040 codec (smsdtls/sms.h)
 * against libgammu 1.42, an implementation written independently of ours.
 *
 * Both directions are exercised over generated messages: SMS-SUBMIT
 * (9.2.2.2) and SMS-DELIVER (9.2.2.1) with 8-bit data, a port or
 * concatenation user data header (9.2.3.24) and, for SUBMIT, a relative
 * validity period (9.2.3.12.1); SMS-STATUS-REPORTs (9.2.2.3) are encoded
 * by us and decoded by both.  A generated message is a model (struct msg);
 * each side's view of a PDU is compared with the model, field by field,
 * and where libgammu can express the whole message the two encoders must
 * produce the same octets.  The worked examples of sms-wire-formats.md
 * section 9 and libgammu's known limits (no enhanced TP-VP, its century
 * pivot) are checked as well.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <gammu.h>

#include "testutil.h"

#define ITERATIONS	1000

/* UDH shapes the generator picks from. */
enum udh_kind {
	UDH_PORTS16,
	UDH_PORTS16_CONCAT8,
	UDH_CONCAT8,
	UDH_CONCAT16,
	UDH_PORTS8,
	UDH_NONE,
	UDH_KINDS
};

/* The model of one message: what both codecs must agree on. */
struct msg {
	uint8_t	type;			/* enum smsdtls_tpdu_type */
	char	smsc[24];		/* "+digits" */
	char	number[24];		/* "+digits" or "digits" */
	bool	rp, srr, rd, mms_more, lp;
	uint8_t	mr, pid, dcs, st;
	uint8_t	vpf;			/* enum smsdtls_vpf, not ENHANCED */
	uint8_t	vp;
	struct smsdtls_scts vpabs, scts, dt;
	bool	has_pi;
	uint8_t	pi;
	int	udh_kind;		/* enum udh_kind */
	uint16_t dst, src, ref;
	uint8_t	total, seq;
	uint8_t	udh[16];
	size_t	udh_len;		/* UDHL octet included */
	uint8_t	payload[SMSDTLS_UD_MAX];
	size_t	payload_len;
};

/* Hex of the PDU under test, for failure messages. */
static char ctx[2 * SMSDTLS_PDU_MAX + 1];

static void
set_ctx(const uint8_t *pdu, size_t len)
{
	if (smsdtls_hex_encode(pdu, len, ctx, sizeof(ctx)) != SMSDTLS_OK)
		strcpy(ctx, "?");
}

static unsigned
rnd(uint64_t *st, unsigned n)
{
	return (unsigned)(test_rand(st) % n);
}

/* A number of 1..max digits, international or (not "00"-led) unknown. */
static void
gen_number(uint64_t *st, char *buf, size_t max, bool intl)
{
	size_t i, n, off = 0;

	n = 1 + rnd(st, (unsigned)max);
	if (intl)
		buf[off++] = '+';
	for (i = 0; i < n; i++)
		buf[off++] = (char)('0' + rnd(st, 10));
	/* libgammu reads a leading "00" as the international prefix. */
	if (!intl && n >= 2 && buf[0] == '0' && buf[1] == '0')
		buf[1] = '7';
	buf[off] = '\0';
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* A valid time stamp in 2000..2089, where both century pivots agree. */
static void
gen_scts(uint64_t *st, struct smsdtls_scts *ts, bool zero_tz)
{
	ts->year = (uint16_t)(2000 + rnd(st, 90));
	ts->month = (uint8_t)(1 + rnd(st, 12));
	ts->day = (uint8_t)(1 + rnd(st,
	    (unsigned)days_in_month(ts->year, ts->month)));
	ts->hour = (uint8_t)rnd(st, 24);
	ts->minute = (uint8_t)rnd(st, 60);
	ts->second = (uint8_t)rnd(st, 60);
	ts->tz = zero_tz ? 0 : (int8_t)((int)rnd(st, 105) - 48);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Write the UDH of m's kind by hand, independently of udh.c. */
static void
build_udh(struct msg *m)
{
	uint8_t *u = m->udh;
	size_t n = 1;

	if (m->udh_kind == UDH_NONE) {
		m->udh_len = 0;
		return;
	}
	if (m->udh_kind == UDH_PORTS16 || m->udh_kind == UDH_PORTS16_CONCAT8) {
		u[n++] = 0x05;
		u[n++] = 4;
		put16(u + n, m->dst);
		put16(u + n + 2, m->src);
		n += 4;
	}
	if (m->udh_kind == UDH_PORTS8) {
		u[n++] = 0x04;
		u[n++] = 2;
		u[n++] = (uint8_t)m->dst;
		u[n++] = (uint8_t)m->src;
	}
	if (m->udh_kind == UDH_CONCAT8 || m->udh_kind == UDH_PORTS16_CONCAT8) {
		u[n++] = 0x00;
		u[n++] = 3;
		u[n++] = (uint8_t)m->ref;
		u[n++] = m->total;
		u[n++] = m->seq;
	}
	if (m->udh_kind == UDH_CONCAT16) {
		u[n++] = 0x08;
		u[n++] = 4;
		put16(u + n, m->ref);
		n += 2;
		u[n++] = m->total;
		u[n++] = m->seq;
	}
	u[0] = (uint8_t)(n - 1);
	m->udh_len = n;
}

/* Ports-and-concatenation part of a message, weighted to 16-bit ports. */
static void
gen_ud(uint64_t *st, struct msg *m, bool pick_kind)
{
	size_t i, room;

	m->udh_kind = UDH_PORTS16;
	if (pick_kind && rnd(st, 2) == 0)
		m->udh_kind = (int)rnd(st, UDH_KINDS);
	m->dst = (uint16_t)rnd(st, 65536);
	m->src = (uint16_t)rnd(st, 65536);
	if (m->udh_kind == UDH_PORTS8) {
		/* 8-bit ports below 240 are reserved (9.2.3.24.3). */
		m->dst = (uint16_t)(240 + rnd(st, 16));
		m->src = (uint16_t)(240 + rnd(st, 16));
	}
	m->ref = (uint16_t)rnd(st, m->udh_kind == UDH_CONCAT16 ? 65536 : 256);
	m->total = (uint8_t)(1 + rnd(st, 255));
	m->seq = (uint8_t)(1 + rnd(st, m->total));
	build_udh(m);
	room = SMSDTLS_UD_MAX - m->udh_len;
	/* Often a full segment, as DTLS flights fill them. */
	m->payload_len = rnd(st, 4) == 0 ? room : rnd(st, (unsigned)room + 1);
	for (i = 0; i < m->payload_len; i++)
		m->payload[i] = (uint8_t)test_rand(st);
}

/* 8-bit DCS values on which libgammu's class logic matches 23.038. */
static uint8_t
gen_dcs(uint64_t *st, bool gammu_encodable)
{
	static const uint8_t any[] = {
		0x04, 0x14, 0x15, 0x16, 0x17, 0xf4, 0xf5, 0xf6, 0xf7
	};

	if (gammu_encodable)
		return rnd(st, 2) == 0 ? 0x04 : (uint8_t)(0xf4 + rnd(st, 4));
	return any[rnd(st, sizeof(any))];
}

static uint8_t
gen_pid(uint64_t *st, bool gammu_encodable)
{
	if (rnd(st, 4) != 0)
		return 0x00;
	if (gammu_encodable || rnd(st, 2) == 0)
		return (uint8_t)(0x41 + rnd(st, 7));	/* Replace Type */
	return (uint8_t)rnd(st, 256);
}


/* Optional STATUS-REPORT fields: none, or a TP-PI without reserved bits
 * whose TP-UDL, when present, comes with TP-DCS (libgammu assumes 7-bit
 * data otherwise). */
static void
gen_sr_tail(uint64_t *st, struct msg *m)
{
	static const uint8_t pis[] = { 0x01, 0x02, 0x03, 0x06, 0x07 };
	size_t i;

	m->rp = false;
	m->rd = false;
	m->udh_kind = UDH_NONE;
	m->has_pi = rnd(st, 2);
	if (!m->has_pi)
		return;
	m->pi = pis[rnd(st, sizeof(pis))];
	if (m->pi & SMSDTLS_PI_DCS)
		m->dcs = SMSDTLS_DCS_8BIT;
	if (!(m->pi & SMSDTLS_PI_UDL))
		return;
	m->payload_len = rnd(st, 101);
	for (i = 0; i < m->payload_len; i++)
		m->payload[i] = (uint8_t)test_rand(st);
}

/*
 * A random message of the given type.  With gammu_encodable it stays
 * within what GSM_EncodeSMSFrame can express: relative VP, PID 0 or a
 * Replace Type, DCS 0x04 or 0xF4-0xF7, TZ 0, MMS and LP clear, no SRI.
 */
static void
gen_msg(uint64_t *st, uint8_t type, bool gammu_encodable, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	gen_number(st, m->smsc, 20, true);
	gen_number(st, m->number, 20, rnd(st, 2) == 0);
	m->rp = rnd(st, 2);
	m->srr = rnd(st, 2);
	m->rd = type == SMSDTLS_TPDU_SUBMIT && rnd(st, 2);
	m->mms_more = gammu_encodable || rnd(st, 2);
	m->lp = !gammu_encodable && type != SMSDTLS_TPDU_SUBMIT && rnd(st, 2);
	m->mr = (uint8_t)rnd(st, 256);
	m->pid = gen_pid(st, gammu_encodable);
	m->dcs = gen_dcs(st, gammu_encodable);
	m->vpf = SMSDTLS_VPF_RELATIVE;
	if (!gammu_encodable && rnd(st, 4) == 0)
		m->vpf = rnd(st, 2) ? SMSDTLS_VPF_NONE : SMSDTLS_VPF_ABSOLUTE;
	m->vp = (uint8_t)rnd(st, 256);
	gen_scts(st, &m->vpabs, false);
	gen_scts(st, &m->scts, gammu_encodable);
	gen_scts(st, &m->dt, false);
	m->st = (uint8_t)rnd(st, 256);
	if (type == SMSDTLS_TPDU_DELIVER && gammu_encodable)
		m->srr = false;
	if (type == SMSDTLS_TPDU_STATUS_REPORT) {
		m->pid = 0;
		m->dcs = 0;
		gen_sr_tail(st, m);
		return;
	}
	gen_ud(st, m, true);
}

/* ------------------------------------------------------ our side */

static void
msg_to_tpdu(const struct msg *m, struct smsdtls_tpdu *t)
{
	bool submit = m->type == SMSDTLS_TPDU_SUBMIT;

	memset(t, 0, sizeof(*t));
	t->type = m->type;
	t->has_smsc = true;
	ck_assert_rc(smsdtls_addr_parse(m->smsc, &t->smsc), SMSDTLS_OK);
	ck_assert_rc(smsdtls_addr_parse(m->number, &t->addr), SMSDTLS_OK);
	t->reply_path = m->rp;
	t->udhi = m->udh_len > 0;
	t->status_report = m->srr;
	t->reject_duplicates = m->rd;
	t->more_messages = !submit && m->mms_more;
	t->loop_prevention = m->lp;
	t->mr = m->mr;
	t->pid = m->pid;
	t->dcs = m->dcs;
	if (submit) {
		t->vp.format = m->vpf;
		t->vp.relative = m->vp;
		t->vp.absolute = m->vpabs;
	}
	t->scts = m->scts;
	t->dt = m->dt;
	t->st = m->st;
	t->has_pi = m->has_pi;
	t->pi = m->pi;
	memcpy(t->ud, m->udh, m->udh_len);
	memcpy(t->ud + m->udh_len, m->payload, m->payload_len);
	t->ud_len = m->udh_len + m->payload_len;
	t->udl = (uint8_t)t->ud_len;
}

static void
check_scts(const struct smsdtls_scts *got, const struct smsdtls_scts *want)
{
	ck_assert_msg(got->year == want->year && got->month == want->month &&
	    got->day == want->day && got->hour == want->hour &&
	    got->minute == want->minute && got->second == want->second &&
	    got->tz == want->tz,
	    "%s: time %u-%u-%u %u:%u:%u tz %d, want %u-%u-%u %u:%u:%u tz %d",
	    ctx, got->year, got->month, got->day, got->hour, got->minute,
	    got->second, got->tz, want->year, want->month, want->day,
	    want->hour, want->minute, want->second, want->tz);
}

static void
check_addr(const struct smsdtls_addr *a, const char *want)
{
	char buf[SMSDTLS_ADDR_TEXT_MAX + 1];

	ck_assert_rc(smsdtls_addr_format(a, buf, sizeof(buf)), SMSDTLS_OK);
	ck_assert_msg(strcmp(buf, want) == 0, "%s: address %s, want %s",
	    ctx, buf, want);
	ck_assert_uint_eq(a->npi, SMSDTLS_NPI_E164);
	ck_assert_uint_eq(a->ton, want[0] == '+' ?
	    SMSDTLS_TON_INTERNATIONAL : SMSDTLS_TON_UNKNOWN);
}

/* Our parsed UDH against the model's ports and concatenation. */
static void
check_udh(const struct msg *m, const struct smsdtls_udh *u)
{
	int k = m->udh_kind;
	bool ports = k == UDH_PORTS16 || k == UDH_PORTS16_CONCAT8 ||
	    k == UDH_PORTS8;
	bool concat = k == UDH_CONCAT8 || k == UDH_CONCAT16 ||
	    k == UDH_PORTS16_CONCAT8;

	ck_assert_msg(u->has_ports == ports, "%s: has_ports", ctx);
	ck_assert_msg(u->has_concat == concat, "%s: has_concat", ctx);
	ck_assert_uint_eq(u->unknown_ies, 0);
	if (ports) {
		ck_assert(u->ports16 == (k != UDH_PORTS8));
		ck_assert_uint_eq(u->dst_port, m->dst);
		ck_assert_uint_eq(u->src_port, m->src);
	}
	if (concat) {
		ck_assert(u->concat16 == (k == UDH_CONCAT16));
		ck_assert_uint_eq(u->concat_ref, m->ref);
		ck_assert_uint_eq(u->concat_total, m->total);
		ck_assert_uint_eq(u->concat_seq, m->seq);
	}
}

static void
check_ours_ud(const struct msg *m, const struct smsdtls_tpdu *t)
{
	ck_assert_msg(t->udhi == (m->udh_len > 0), "%s: udhi", ctx);
	ck_assert_uint_eq(t->ud_len, m->udh_len + m->payload_len);
	ck_assert_uint_eq(t->payload_off, m->udh_len);
	ck_assert_msg(memcmp(t->ud, m->udh, m->udh_len) == 0, "%s: UDH", ctx);
	ck_assert_msg(memcmp(t->ud + t->payload_off, m->payload,
	    m->payload_len) == 0, "%s: payload", ctx);
	if (m->udh_len > 0)
		check_udh(m, &t->udh);
}

static void
check_ours_submit(const struct msg *m, const struct smsdtls_tpdu *t)
{
	ck_assert(t->reject_duplicates == m->rd);
	ck_assert_uint_eq(t->mr, m->mr);
	ck_assert_uint_eq(t->vp.format, m->vpf);
	if (m->vpf == SMSDTLS_VPF_RELATIVE)
		ck_assert_uint_eq(t->vp.relative, m->vp);
	if (m->vpf == SMSDTLS_VPF_ABSOLUTE)
		check_scts(&t->vp.absolute, &m->vpabs);
}

static void
check_ours_sr(const struct msg *m, const struct smsdtls_tpdu *t)
{
	ck_assert_uint_eq(t->mr, m->mr);
	check_scts(&t->dt, &m->dt);
	ck_assert_uint_eq(t->st, m->st);
	ck_assert(t->has_pi == m->has_pi);
	if (!m->has_pi)
		return;
	ck_assert_uint_eq(t->pi, m->pi);
	if (m->pi & SMSDTLS_PI_PID)
		ck_assert_uint_eq(t->pid, m->pid);
	if (m->pi & SMSDTLS_PI_DCS)
		ck_assert_uint_eq(t->dcs, m->dcs);
}

/* Our decoder's view of a PDU against the model. */
static void
check_ours(const struct msg *m, const struct smsdtls_tpdu *t)
{
	ck_assert_msg(t->type == m->type, "%s: type %u", ctx, t->type);
	ck_assert(t->has_smsc);
	check_addr(&t->smsc, m->smsc);
	check_addr(&t->addr, m->number);
	ck_assert_msg(t->status_report == m->srr, "%s: SRR/SRI/SRQ", ctx);
	if (m->type != SMSDTLS_TPDU_SUBMIT) {
		ck_assert_msg(t->more_messages == m->mms_more, "%s: MMS", ctx);
		ck_assert_msg(t->loop_prevention == m->lp, "%s: LP", ctx);
	}
	if (m->type == SMSDTLS_TPDU_STATUS_REPORT) {
		check_ours_sr(m, t);
		check_scts(&t->scts, &m->scts);
		if (m->has_pi && (m->pi & SMSDTLS_PI_UDL))
			check_ours_ud(m, t);
		return;
	}
	ck_assert(t->reply_path == m->rp);
	ck_assert_uint_eq(t->pid, m->pid);
	ck_assert_uint_eq(t->dcs, m->dcs);
	ck_assert_int_eq(smsdtls_dcs_alphabet(t->dcs), SMSDTLS_ALPHABET_8BIT);
	ck_assert_uint_eq(t->udl, m->udh_len + m->payload_len);
	check_ours_ud(m, t);
	if (m->type == SMSDTLS_TPDU_SUBMIT)
		check_ours_submit(m, t);
	else
		check_scts(&t->scts, &m->scts);
}

/* ---------------------------------------------------- libgammu side */

static GSM_SMSMessageType
gammu_pdu_type(uint8_t type)
{
	if (type == SMSDTLS_TPDU_SUBMIT)
		return SMS_Submit;
	if (type == SMSDTLS_TPDU_DELIVER)
		return SMS_Deliver;
	return SMS_Status_Report;
}

/* Message class of an 8-bit DCS, as 23.038 section 4 defines it. */
static int
dcs_class(uint8_t dcs)
{
	if ((dcs & 0xf0) == 0xf0 || (dcs & 0xf0) == 0x10)
		return dcs & 0x03;
	return -1;
}

static void
check_gammu_time(const GSM_DateTime *dt, const struct smsdtls_scts *want)
{
	ck_assert_msg(dt->Year == want->year && dt->Month == want->month &&
	    dt->Day == want->day && dt->Hour == want->hour &&
	    dt->Minute == want->minute && dt->Second == want->second &&
	    dt->Timezone == want->tz * 900,
	    "%s: gammu time %d-%d-%d %d:%d:%d tz %d s", ctx, dt->Year,
	    dt->Month, dt->Day, dt->Hour, dt->Minute, dt->Second,
	    dt->Timezone);
}

static void
check_gammu_number(const unsigned char *ucs2, const char *want)
{
	const char *got = DecodeUnicodeString(ucs2);

	ck_assert_msg(strcmp(got, want) == 0, "%s: gammu number %s, want %s",
	    ctx, got, want);
}

/* libgammu's reading of the UDH: the octets, and the concat fields it
 * extracts for the UDH shapes it knows. */
static void
check_gammu_udh(const struct msg *m, const GSM_UDHHeader *u)
{
	ck_assert_int_eq(u->Length, (int)m->udh_len);
	ck_assert_msg(memcmp(u->Text, m->udh, m->udh_len) == 0,
	    "%s: gammu UDH", ctx);
	if (m->udh_kind == UDH_CONCAT8) {
		ck_assert_int_eq(u->Type, UDH_ConcatenatedMessages);
		ck_assert_int_eq(u->ID8bit, m->ref);
	}
	if (m->udh_kind == UDH_CONCAT16) {
		ck_assert_int_eq(u->Type, UDH_ConcatenatedMessages16bit);
		ck_assert_int_eq(u->ID16bit, m->ref);
	}
	if (m->udh_kind == UDH_CONCAT8 || m->udh_kind == UDH_CONCAT16) {
		ck_assert_int_eq(u->AllParts, m->total);
		ck_assert_int_eq(u->PartNumber, m->seq);
	}
}

static void
check_gammu_payload(const struct msg *m, const GSM_SMSMessage *sms)
{
	ck_assert_int_eq(sms->Coding, SMS_Coding_8bit);
	ck_assert_int_eq(sms->Length, (int)m->payload_len);
	ck_assert_msg(memcmp(sms->Text, m->payload, m->payload_len) == 0,
	    "%s: gammu payload", ctx);
}

/* libgammu's view of a PDU against the model. */
static void
check_gammu(const struct msg *m, const GSM_SMSMessage *sms)
{
	ck_assert_int_eq(sms->PDU, gammu_pdu_type(m->type));
	check_gammu_number(sms->SMSC.Number, m->smsc);
	check_gammu_number(sms->Number, m->number);
	if (m->type != SMSDTLS_TPDU_DELIVER)
		ck_assert_uint_eq(sms->MessageReference, m->mr);
	if (m->type == SMSDTLS_TPDU_STATUS_REPORT) {
		check_gammu_time(&sms->DateTime, &m->scts);
		check_gammu_time(&sms->SMSCTime, &m->dt);
		ck_assert_uint_eq(sms->DeliveryStatus, m->st);
		if (m->has_pi && (m->pi & SMSDTLS_PI_UDL))
			check_gammu_payload(m, sms);
		return;
	}
	ck_assert_int_eq(sms->Class, dcs_class(m->dcs));
	ck_assert_uint_eq(sms->ReplaceMessage,
	    m->pid > 0x40 && m->pid < 0x48 ? m->pid - 0x40 : 0);
	check_gammu_udh(m, &sms->UDH);
	check_gammu_payload(m, sms);
	if (m->type == SMSDTLS_TPDU_DELIVER)
		check_gammu_time(&sms->DateTime, &m->scts);
	else if (m->vpf == SMSDTLS_VPF_RELATIVE) {
		ck_assert_int_eq(sms->SMSC.Validity.Format,
		    SMS_Validity_RelativeFormat);
		ck_assert_int_eq(sms->SMSC.Validity.Relative, m->vp);
	}
}

static GSM_Error
gammu_decode(const uint8_t *pdu, size_t len, GSM_SMSMessage *sms)
{
	size_t end = 0;
	GSM_Error err;

	memset(sms, 0, sizeof(*sms));
	err = GSM_DecodePDUFrame(GSM_GetGlobalDebug(), sms, pdu, len, &end,
	    TRUE);
	if (err == ERR_NONE)
		ck_assert_msg(end == len, "%s: gammu stopped at %zu", ctx, end);
	return err;
}

static void
msg_to_gammu(const struct msg *m, GSM_SMSMessage *sms)
{
	GSM_SetDefaultSMSData(sms);
	sms->PDU = m->type == SMSDTLS_TPDU_DELIVER ? SMS_Deliver :
	    m->srr ? SMS_Status_Report : SMS_Submit;
	EncodeUnicode(sms->SMSC.Number, m->smsc, strlen(m->smsc));
	EncodeUnicode(sms->Number, m->number, strlen(m->number));
	sms->ReplyViaSameSMSC = m->rp;
	sms->RejectDuplicates = m->rd;
	sms->MessageReference = m->mr;
	sms->ReplaceMessage = m->pid == 0 ? 0 : m->pid - 0x40;
	sms->Class = (signed char)dcs_class(m->dcs);
	sms->Coding = SMS_Coding_8bit;
	sms->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
	sms->SMSC.Validity.Relative = (GSM_ValidityPeriod)m->vp;
	sms->UDH.Type = m->udh_len > 0 ? UDH_UserUDH : UDH_NoUDH;
	sms->UDH.Length = (int)m->udh_len;
	memcpy(sms->UDH.Text, m->udh, m->udh_len);
	memcpy(sms->Text, m->payload, m->payload_len);
	sms->Length = (int)m->payload_len;
	sms->DateTime.Year = m->scts.year;
	sms->DateTime.Month = m->scts.month;
	sms->DateTime.Day = m->scts.day;
	sms->DateTime.Hour = m->scts.hour;
	sms->DateTime.Minute = m->scts.minute;
	sms->DateTime.Second = m->scts.second;
	sms->DateTime.Timezone = 0;
}

static void
append(uint8_t *out, size_t *n, const unsigned char *p, size_t len)
{
	memcpy(out + *n, p, len);
	*n += len;
}

/*
 * Encode with GSM_EncodeSMSFrame into a frame with one of libgammu's
 * fixed layouts (each field at a fixed offset), then pack the fields in
 * TS 23.040 order with the AT PDU-mode SMSC prefix first.  *tpdu_len is
 * the part after the prefix.
 */
static void
gammu_encode(const struct msg *m, uint8_t *pdu, size_t *len,
    size_t *tpdu_len)
{
	bool submit = m->type == SMSDTLS_TPDU_SUBMIT;
	const GSM_SMSMessageLayout *l = submit ? &PHONE_SMSSubmit :
	    &PHONE_SMSDeliver;
	unsigned char f[1000];
	GSM_SMSMessage sms;
	size_t n = 0;
	int flen = 0;

	memset(f, 0, sizeof(f));
	msg_to_gammu(m, &sms);
	ck_assert_int_eq(GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), &sms, f,
	    *l, &flen, TRUE), ERR_NONE);
	ck_assert_int_ge(flen, l->Text);
	append(pdu, &n, f + l->SMSCNumber, 1u + f[l->SMSCNumber]);
	*tpdu_len = n;
	pdu[n++] = f[l->firstbyte];
	if (submit)
		pdu[n++] = f[l->TPMR];
	append(pdu, &n, f + l->Number, 2u + (f[l->Number] + 1u) / 2);
	pdu[n++] = f[l->TPPID];
	pdu[n++] = f[l->TPDCS];
	if (submit)
		pdu[n++] = f[l->TPVP];
	else
		append(pdu, &n, f + l->DateTime, 7);
	pdu[n++] = f[l->TPUDL];
	append(pdu, &n, f + l->Text, (size_t)flen - l->Text);
	*tpdu_len = n - *tpdu_len;
	*len = n;
}

/* ----------------------------------------------------------- tests */

static const uint8_t types[] = {
	SMSDTLS_TPDU_SUBMIT, SMSDTLS_TPDU_DELIVER, SMSDTLS_TPDU_STATUS_REPORT
};

/* (a) Our encoder, then libgammu's decoder (and ours) agree with the
 * model. */
START_TEST(test_ours_to_gammu)
{
	uint8_t type = types[_i];
	uint64_t st = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(_i + 1);
	uint8_t pdu[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t, d;
	GSM_SMSMessage sms;
	size_t len, tlen;
	struct msg m;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		gen_msg(&st, type, false, &m);
		msg_to_tpdu(&m, &t);
		ck_assert_rc(smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len,
		    &tlen), SMSDTLS_OK);
		set_ctx(pdu, len);
		ck_assert_uint_eq(tlen, len - 1u - pdu[0]);
		ck_assert_msg(gammu_decode(pdu, len, &sms) == ERR_NONE,
		    "%s: libgammu refuses it", ctx);
		check_gammu(&m, &sms);
		ck_assert_rc(smsdtls_tpdu_decode(pdu, len, true, type, &d),
		    SMSDTLS_OK);
		check_ours(&m, &d);
	}
}
END_TEST

/* (b) libgammu's encoder, then ours: same fields, and our encoder
 * writes the very same octets. */
START_TEST(test_gammu_to_ours)
{
	uint8_t type = types[_i];
	uint64_t st = 0xd1b54a32d192ed03ULL ^ (uint64_t)(_i + 1);
	uint8_t pdu[SMSDTLS_PDU_MAX], ours[SMSDTLS_PDU_MAX];
	size_t len, tlen, olen, otlen;
	struct smsdtls_tpdu t, d;
	struct msg m;
	int i;

	for (i = 0; i < ITERATIONS; i++) {
		gen_msg(&st, type, true, &m);
		gammu_encode(&m, pdu, &len, &tlen);
		set_ctx(pdu, len);
		ck_assert_msg(smsdtls_tpdu_decode(pdu, len, true, type, &d) ==
		    SMSDTLS_OK, "%s: we refuse libgammu's PDU", ctx);
		check_ours(&m, &d);
		msg_to_tpdu(&m, &t);
		ck_assert_rc(smsdtls_tpdu_encode(&t, ours, sizeof(ours), &olen,
		    &otlen), SMSDTLS_OK);
		ck_assert_uint_eq(olen, len);
		ck_assert_uint_eq(otlen, tlen);
		ck_assert_msg(memcmp(ours, pdu, len) == 0,
		    "%s: libgammu's octets differ from ours", ctx);
	}
}
END_TEST

/* Worked examples, sms-wire-formats.md section 9. */
#define EX_PAYLOAD	"0102030405060708090A"
#define EX_SUBMIT_ENH	"0069000C914477000910320004021400000000001106" \
			"05041634C000" EX_PAYLOAD
#define EX_SUBMIT_REL	"0071000C91447700091032000400110605041634C000" \
			EX_PAYLOAD
#define EX_DELIVER	"0791447758100650640C91447700094065000442305141" \
			"035440110605041634C000" EX_PAYLOAD
#define EX_REPORT	"0791447758100650062A0C9144770009103242305141" \
			"0344404230514103744000"
/* A status report from gammu's own tests (tests/at-sms/30.dump). */
#define GAMMU_REPORT	"079124603050020006E80C9166666666666690907061" \
			"8422809090706184628000"

static const uint8_t ex_payload[10] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10
};

/* The model of example (a) with relative VP 0 and SRR, as the fallback. */
static void
ex_submit_model(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = SMSDTLS_TPDU_SUBMIT;
	strcpy(m->number, "+447700900123");
	m->srr = true;
	m->dcs = SMSDTLS_DCS_8BIT;
	m->vpf = SMSDTLS_VPF_RELATIVE;
	m->vp = 0;
	m->udh_kind = UDH_PORTS16;
	m->dst = 5684;
	m->src = 49152;
	build_udh(m);
	memcpy(m->payload, ex_payload, sizeof(ex_payload));
	m->payload_len = sizeof(ex_payload);
}

/* Decode hex with ours, assert OK, and check that re-encoding gives the
 * same octets back. */
static size_t
ex_decode(const char *hex, uint8_t type, uint8_t *pdu,
    struct smsdtls_tpdu *t)
{
	uint8_t again[SMSDTLS_PDU_MAX];
	size_t len, alen, tlen;

	len = test_unhex(hex, pdu, SMSDTLS_PDU_MAX);
	set_ctx(pdu, len);
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, true, type, t), SMSDTLS_OK);
	ck_assert_rc(smsdtls_tpdu_encode(t, again, sizeof(again), &alen,
	    &tlen), SMSDTLS_OK);
	ck_assert_uint_eq(alen, len);
	ck_assert_uint_eq(tlen, len - 1u - pdu[0]);
	ck_assert(memcmp(again, pdu, len) == 0);
	return len;
}

/* (a) libgammu 1.42 refuses VPF=01 (enhanced); we decode it. */
START_TEST(test_example_submit_enhanced)
{
	static const uint8_t vp[7] = { 0x02, 0x14, 0, 0, 0, 0, 0 };
	uint8_t pdu[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t;
	GSM_SMSMessage sms;
	uint32_t secs;
	size_t len;

	len = ex_decode(EX_SUBMIT_ENH, SMSDTLS_TPDU_SUBMIT, pdu, &t);
	ck_assert_uint_eq(len, 38);
	ck_assert(t.has_smsc && t.smsc.text[0] == '\0');
	ck_assert(t.udhi && t.status_report && !t.reject_duplicates);
	ck_assert_uint_eq(t.vp.format, SMSDTLS_VPF_ENHANCED);
	ck_assert(memcmp(t.vp.enhanced, vp, sizeof(vp)) == 0);
	ck_assert_rc(smsdtls_vp_seconds(&t.vp, 0, &secs), SMSDTLS_OK);
	ck_assert_uint_eq(secs, 20);
	ck_assert_uint_eq(t.udh.dst_port, 5684);
	ck_assert_uint_eq(t.udh.src_port, 49152);
	ck_assert(memcmp(t.ud + t.payload_off, ex_payload, 10) == 0);
	ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_UNKNOWN);
}
END_TEST

/* (a) with the relative-VP fallback: both decoders agree; and libgammu
 * encodes the same message (without SRR) to what the digest recorded. */
START_TEST(test_example_submit_relative)
{
	uint8_t pdu[SMSDTLS_PDU_MAX], want[SMSDTLS_PDU_MAX];
	size_t len, wlen, tlen;
	struct smsdtls_tpdu t;
	GSM_SMSMessage sms;
	struct msg m;

	ex_submit_model(&m);
	len = ex_decode(EX_SUBMIT_REL, SMSDTLS_TPDU_SUBMIT, pdu, &t);
	ck_assert_uint_eq(len - 1, 31);
	ck_assert(t.smsc.text[0] == '\0');
	ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_NONE);
	check_gammu_udh(&m, &sms.UDH);
	check_gammu_payload(&m, &sms);
	check_gammu_number(sms.Number, m.number);
	ck_assert_int_eq(sms.SMSC.Validity.Relative, 0);

	/* Ours encodes an SMSC like libgammu; then the whole PDU matches. */
	m.srr = false;
	strcpy(m.smsc, "+447785016005");
	gammu_encode(&m, pdu, &len, &tlen);
	wlen = test_unhex("0791447758100650" "51000C9144770009103200040011"
	    "0605041634C000" EX_PAYLOAD, want, sizeof(want));
	ck_assert_uint_eq(len, wlen);
	ck_assert_uint_eq(tlen, 31);
	ck_assert(memcmp(pdu, want, len) == 0);
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, true, SMSDTLS_TPDU_SUBMIT,
	    &t), SMSDTLS_OK);
	check_ours(&m, &t);
}
END_TEST

/* (b) The matching SMS-DELIVER. */
START_TEST(test_example_deliver)
{
	static const struct smsdtls_scts scts = {
		2024, 3, 15, 14, 30, 45, 4
	};
	uint8_t pdu[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t;
	GSM_SMSMessage sms;
	struct msg m;
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = SMSDTLS_TPDU_DELIVER;
	strcpy(m.smsc, "+447785016005");
	strcpy(m.number, "+447700900456");
	m.srr = true;
	m.mms_more = false;
	m.dcs = SMSDTLS_DCS_8BIT;
	m.scts = scts;
	m.udh_kind = UDH_PORTS16;
	m.dst = 5684;
	m.src = 49152;
	build_udh(&m);
	memcpy(m.payload, ex_payload, sizeof(ex_payload));
	m.payload_len = sizeof(ex_payload);

	len = ex_decode(EX_DELIVER, SMSDTLS_TPDU_DELIVER, pdu, &t);
	ck_assert_uint_eq(len - 8, 36);
	check_ours(&m, &t);
	ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_NONE);
	check_gammu(&m, &sms);
	ck_assert_int_eq(sms.DateTime.Timezone, 3600);
}
END_TEST

static void
ex_report_model(struct msg *m)
{
	static const struct smsdtls_scts scts = {
		2024, 3, 15, 14, 30, 44, 4
	};
	static const struct smsdtls_scts dt = {
		2024, 3, 15, 14, 30, 47, 4
	};

	memset(m, 0, sizeof(*m));
	m->type = SMSDTLS_TPDU_STATUS_REPORT;
	strcpy(m->smsc, "+447785016005");
	strcpy(m->number, "+447700900123");
	m->mms_more = false;
	m->mr = 42;
	m->scts = scts;
	m->dt = dt;
	m->udh_kind = UDH_NONE;
}

/* (c) The SMS-STATUS-REPORT for (a), and its failure variants. */
START_TEST(test_example_report)
{
	static const uint8_t sts[] = { 0x00, 0x46, 0x62 };
	uint8_t pdu[SMSDTLS_PDU_MAX];
	char hex[2 * SMSDTLS_PDU_MAX + 1];
	struct smsdtls_tpdu t;
	GSM_SMSMessage sms;
	struct msg m;
	size_t i, len;

	ex_report_model(&m);
	for (i = 0; i < sizeof(sts); i++) {
		strcpy(hex, EX_REPORT);
		snprintf(hex + strlen(hex) - 2, 3, "%02X", sts[i]);
		m.st = sts[i];
		len = ex_decode(hex, SMSDTLS_TPDU_STATUS_REPORT, pdu, &t);
		ck_assert_uint_eq(len - 8, 25);
		check_ours(&m, &t);
		ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_NONE);
		check_gammu(&m, &sms);
	}
}
END_TEST

/* A status report recorded in libgammu's own test suite. */
START_TEST(test_gammu_report_dump)
{
	static const struct smsdtls_scts scts = {
		2009, 9, 7, 16, 48, 22, 8
	};
	static const struct smsdtls_scts dt = {
		2009, 9, 7, 16, 48, 26, 8
	};
	uint8_t pdu[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t;
	GSM_SMSMessage sms;
	struct msg m;
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = SMSDTLS_TPDU_STATUS_REPORT;
	strcpy(m.smsc, "+420603052000");
	strcpy(m.number, "+666666666666");
	m.mms_more = false;
	m.mr = 0xe8;
	m.scts = scts;
	m.dt = dt;
	m.udh_kind = UDH_NONE;
	len = ex_decode(GAMMU_REPORT, SMSDTLS_TPDU_STATUS_REPORT, pdu, &t);
	ck_assert_uint_eq(len - 8, 25);
	check_ours(&m, &t);
	ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_NONE);
	check_gammu(&m, &sms);
}
END_TEST

/*
 * The century pivot: for yy >= 90 libgammu 1.42 adds 1990 (so "95" is
 * 2085), where we give 19yy.  Below 90 both give 20yy.
 */
START_TEST(test_century_pivot)
{
	uint8_t pdu[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t;
	GSM_SMSMessage sms;
	size_t len;

	len = test_unhex("0791447758100650040C914477000940650004" "59" "1051"
	    "41035440" "00", pdu, sizeof(pdu));
	set_ctx(pdu, len);
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, true, SMSDTLS_TPDU_DELIVER,
	    &t), SMSDTLS_OK);
	ck_assert_uint_eq(t.scts.year, 1995);
	ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_NONE);
	ck_assert_int_eq(sms.DateTime.Year, 2085);

	pdu[19] = 0x98;		/* yy = 89 */
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, true, SMSDTLS_TPDU_DELIVER,
	    &t), SMSDTLS_OK);
	ck_assert_uint_eq(t.scts.year, 2089);
	ck_assert_int_eq(gammu_decode(pdu, len, &sms), ERR_NONE);
	ck_assert_int_eq(sms.DateTime.Year, 2089);
}
END_TEST

static Suite *
gammu_suite(void)
{
	Suite *s = suite_create("gammu");
	TCase *tc;

	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_ours_to_gammu, 0, 3);
	tcase_add_loop_test(tc, test_gammu_to_ours, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("examples");
	tcase_add_test(tc, test_example_submit_enhanced);
	tcase_add_test(tc, test_example_submit_relative);
	tcase_add_test(tc, test_example_deliver);
	tcase_add_test(tc, test_example_report);
	tcase_add_test(tc, test_gammu_report_dump);
	tcase_add_test(tc, test_century_pivot);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(gammu_suite)
