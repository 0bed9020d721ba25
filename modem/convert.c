/*
 * convert.c - TS 23.040 TPDUs to and from libgammu's GSM_SMSMessage.
 *
 * Sending: the SMS transport builds an SMS-SUBMIT (9.2.2.2) with 8-bit
 * data (TS 23.038 section 4), a user data header (9.2.3.24) and a
 * validity period (9.2.3.12); libgammu re-encodes it from its struct, so
 * everything the struct cannot say is refused here rather than changed
 * on the air, except the validity period, which libgammu writes only in
 * the relative format: it is rounded up (DESIGN.md, "Validity period").
 *
 * Receiving: libgammu decodes what AT+CMGL and AT+CMGR show into its
 * struct; the TPDU is rebuilt with smsdtls_tpdu_encode().  Text (7-bit or
 * UCS2), which is not ours, gets its user data from libgammu's own
 * encoder, the inverse of the decoder that read it (libgammu maps some
 * characters on the way, so only 8-bit data is sent through it).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <gammu.h>

#include <smsdtls/sms.h>

#include "modem/convert.h"

/* Number characters libgammu packs as BCD (others make it alphanumeric). */
#define DIGITS		"0123456789"

static smsdtls_rc	dcs_to_gammu(uint8_t dcs, GSM_SMSMessage *sms);
static uint8_t		dcs_from_gammu(const GSM_SMSMessage *sms);
static smsdtls_rc	vp_relative(const struct smsdtls_vp *vp,
			    int64_t unix_now, uint8_t *rel);
static smsdtls_rc	number_to_gammu(const struct smsdtls_addr *a,
			    unsigned char *ucs2, size_t size);
static smsdtls_rc	number_from_gammu(const unsigned char *ucs2,
			    struct smsdtls_addr *a);
static smsdtls_rc	time_from_gammu(const GSM_DateTime *dt,
			    struct smsdtls_scts *ts);
static smsdtls_rc	ud_from_gammu(const GSM_SMSMessage *sms,
			    struct smsdtls_tpdu *t);
static smsdtls_rc	ud_text(const GSM_SMSMessage *sms,
			    struct smsdtls_tpdu *t);
static void		ascii_ucs2(const char *s, unsigned char *ucs2);

smsdtls_rc
convert_submit(const uint8_t *tpdu, size_t len, bool srr, int64_t unix_now,
    GSM_SMSMessage *sms, uint32_t *vp_seconds)
{
	GSM_SMSMessage g;
	struct smsdtls_tpdu t;
	struct smsdtls_vp vp;
	size_t plen;
	uint8_t rel;
	uint32_t secs;
	smsdtls_rc rc;

	if (tpdu == NULL || sms == NULL)
		return SMSDTLS_EINVAL;
	rc = smsdtls_tpdu_decode(tpdu, len, false, SMSDTLS_TPDU_SUBMIT, &t);
	if (rc != SMSDTLS_OK)
		return rc;
	if (t.pid != 0 && (t.pid < 0x41 || t.pid > 0x47))
		return SMSDTLS_EUNSUPP;
	memset(&g, 0, sizeof(g));
	GSM_SetDefaultSMSData(&g);
	if ((rc = dcs_to_gammu(t.dcs, &g)) != SMSDTLS_OK ||
	    (rc = number_to_gammu(&t.addr, g.Number, sizeof(g.Number))) !=
	    SMSDTLS_OK ||
	    (rc = vp_relative(&t.vp, unix_now, &rel)) != SMSDTLS_OK)
		return rc;
	plen = t.ud_len - t.payload_off;
	g.PDU = t.status_report || srr ? SMS_Status_Report : SMS_Submit;
	g.ReplyViaSameSMSC = t.reply_path;
	g.RejectDuplicates = t.reject_duplicates;
	g.ReplaceMessage = t.pid == 0 ? 0 : (unsigned char)(t.pid - 0x40);
	g.MessageReference = t.mr;
	g.SMSC.Location = 0;
	g.SMSC.Validity.Format = SMS_Validity_RelativeFormat;
	g.SMSC.Validity.Relative = (GSM_ValidityPeriod)rel;
	if (t.udhi && t.payload_off > 0) {
		g.UDH.Type = UDH_UserUDH;
		g.UDH.Length = (int)t.payload_off;
		memcpy(g.UDH.Text, t.ud, t.payload_off);
	} else
		g.UDH.Type = UDH_NoUDH;
	memcpy(g.Text, t.ud + t.payload_off, plen);
	g.Length = (int)plen;
	if (vp_seconds != NULL) {
		memset(&vp, 0, sizeof(vp));
		vp.format = SMSDTLS_VPF_RELATIVE;
		vp.relative = rel;
		if (smsdtls_vp_seconds(&vp, 0, &secs) != SMSDTLS_OK)
			return SMSDTLS_EINVAL;
		*vp_seconds = secs;
	}
	memcpy(sms, &g, sizeof(g));
	return SMSDTLS_OK;
}

smsdtls_rc
convert_received(const GSM_SMSMessage *sms, uint8_t *buf, size_t buflen,
    size_t *len)
{
	struct smsdtls_tpdu t;
	smsdtls_rc rc;

	if (sms == NULL || buf == NULL || len == NULL)
		return SMSDTLS_EINVAL;
	memset(&t, 0, sizeof(t));
	if ((rc = number_from_gammu(sms->Number, &t.addr)) != SMSDTLS_OK ||
	    (rc = time_from_gammu(&sms->DateTime, &t.scts)) != SMSDTLS_OK)
		return rc;
	switch (sms->PDU) {
	case SMS_Deliver:
		t.type = SMSDTLS_TPDU_DELIVER;
		t.reply_path = sms->ReplyViaSameSMSC;
		if (sms->ReplaceMessage > 0 && sms->ReplaceMessage < 8)
			t.pid = (uint8_t)(0x40 + sms->ReplaceMessage);
		if ((rc = ud_from_gammu(sms, &t)) != SMSDTLS_OK)
			return rc;
		break;
	case SMS_Status_Report:
		t.type = SMSDTLS_TPDU_STATUS_REPORT;
		t.mr = sms->MessageReference;
		t.st = sms->DeliveryStatus;
		if ((rc = time_from_gammu(&sms->SMSCTime, &t.dt)) !=
		    SMSDTLS_OK)
			return rc;
		break;
	default:
		return SMSDTLS_EUNSUPP;
	}
	return smsdtls_tpdu_encode(&t, buf, buflen, len, NULL);
}

smsdtls_rc
convert_ucs2_utf8(const unsigned char *ucs2, char *buf, size_t buflen)
{
	unsigned cp;
	size_t i, n = 0, need;

	if (buflen == 0)
		return SMSDTLS_ETOOBIG;
	for (i = 0; ucs2[i] != 0 || ucs2[i + 1] != 0; i += 2) {
		cp = (unsigned)ucs2[i] << 8 | ucs2[i + 1];
		need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
		if (n + need >= buflen) {
			buf[n] = '\0';
			return SMSDTLS_ETOOBIG;
		}
		if (need == 1)
			buf[n++] = (char)cp;
		else if (need == 2) {
			buf[n++] = (char)(0xc0 | cp >> 6);
			buf[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			buf[n++] = (char)(0xe0 | cp >> 12);
			buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			buf[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	buf[n] = '\0';
	return SMSDTLS_OK;
}

/*
 * 8-bit data only; libgammu writes the class into the DCS itself (the
 * 0xF0 group): accept what means the same, uncompressed.
 */
static smsdtls_rc
dcs_to_gammu(uint8_t dcs, GSM_SMSMessage *sms)
{
	if (smsdtls_dcs_alphabet(dcs) != SMSDTLS_ALPHABET_8BIT)
		return SMSDTLS_EUNSUPP;
	if ((dcs & 0xc0) == 0x00) {
		if (dcs & 0x20)
			return SMSDTLS_EUNSUPP;		/* compressed */
		sms->Class = (signed char)(dcs & 0x10 ? dcs & 0x03 : -1);
	} else if ((dcs & 0xf0) == 0xf0)
		sms->Class = (signed char)(dcs & 0x03);
	else
		return SMSDTLS_EUNSUPP;
	sms->Coding = SMS_Coding_8bit;
	return SMSDTLS_OK;
}

/* The 8-bit DCS libgammu's struct stands for (what it would write). */
static uint8_t
dcs_from_gammu(const GSM_SMSMessage *sms)
{
	bool cls = sms->Class >= 0 && sms->Class <= 3;

	return (uint8_t)(cls ? 0xf4 | sms->Class : 0x04);
}

/* The relative TP-VP at or above what vp asks for. */
static smsdtls_rc
vp_relative(const struct smsdtls_vp *vp, int64_t unix_now, uint8_t *rel)
{
	struct smsdtls_vp r;
	uint32_t secs;
	smsdtls_rc rc;

	if (vp->format == SMSDTLS_VPF_RELATIVE) {
		*rel = vp->relative;
		return SMSDTLS_OK;
	}
	*rel = CONVERT_VP_MAX;
	if (vp->format == SMSDTLS_VPF_NONE)
		return SMSDTLS_OK;
	rc = smsdtls_vp_seconds(vp, unix_now, &secs);
	if (rc == SMSDTLS_EINVAL)
		return SMSDTLS_OK;		/* enhanced without duration */
	if (rc != SMSDTLS_OK)
		return rc;
	rc = smsdtls_vp_choose(secs, SMSDTLS_VP_ACCEPT_RELATIVE, 0, &r);
	if (rc == SMSDTLS_OK)
		*rel = r.relative;
	return rc == SMSDTLS_ETOOBIG ? SMSDTLS_OK : rc;
}

/* libgammu writes "+digits" as international E.164 and "digits" as
 * unknown E.164; anything else would change on the air. */
static smsdtls_rc
number_to_gammu(const struct smsdtls_addr *a, unsigned char *ucs2,
    size_t size)
{
	char num[SMSDTLS_ADDR_DIGITS_MAX + 2];
	size_t n = strnlen(a->text, sizeof(a->text));

	if (n == 0 || n > SMSDTLS_ADDR_DIGITS_MAX ||
	    strspn(a->text, DIGITS) != n || a->npi != SMSDTLS_NPI_E164)
		return SMSDTLS_EUNSUPP;
	if (a->ton == SMSDTLS_TON_INTERNATIONAL)
		num[0] = '+';
	else if (a->ton == SMSDTLS_TON_UNKNOWN &&
	    strncmp(a->text, "00", 2) != 0)
		num[0] = '\0';
	else
		return SMSDTLS_EUNSUPP;
	memcpy(num + (num[0] == '+'), a->text, n + 1);
	if ((strlen(num) + 1) * 2 > size)
		return SMSDTLS_ETOOBIG;
	ascii_ucs2(num, ucs2);
	return SMSDTLS_OK;
}

/* "+digits" international, "digits" unknown (libgammu kept no more),
 * anything else the alphanumeric text libgammu decoded. */
static smsdtls_rc
number_from_gammu(const unsigned char *ucs2, struct smsdtls_addr *a)
{
	char text[SMSDTLS_ADDR_TEXT_MAX];
	const char *d;
	size_t n;

	if (convert_ucs2_utf8(ucs2, text, sizeof(text)) != SMSDTLS_OK)
		return SMSDTLS_EADDR;
	memset(a, 0, sizeof(*a));
	d = text[0] == '+' ? text + 1 : text;
	n = strlen(d);
	if (n > 0 && n <= SMSDTLS_ADDR_DIGITS_MAX &&
	    strspn(d, "0123456789*#abc") == n) {
		a->ton = d == text ? SMSDTLS_TON_UNKNOWN :
		    SMSDTLS_TON_INTERNATIONAL;
		a->npi = SMSDTLS_NPI_E164;
		memcpy(a->text, d, n + 1);
		return SMSDTLS_OK;
	}
	if (text[0] == '\0')
		return SMSDTLS_EADDR;
	a->ton = SMSDTLS_TON_ALPHANUMERIC;
	a->npi = SMSDTLS_NPI_UNKNOWN;
	memcpy(a->text, text, strlen(text) + 1);
	return SMSDTLS_OK;
}

/* GSM_DateTime keeps the zone in seconds; TP-SCTS in quarter-hours. */
static smsdtls_rc
time_from_gammu(const GSM_DateTime *dt, struct smsdtls_scts *ts)
{
	if (dt->Year < 1990 || dt->Year > 2089 || dt->Month < 1 ||
	    dt->Month > 12 || dt->Day < 1 || dt->Day > 31 || dt->Hour > 23 ||
	    dt->Minute > 59 || dt->Second > 59 || dt->Timezone % 900 != 0 ||
	    dt->Timezone < -79 * 900 || dt->Timezone > 79 * 900)
		return SMSDTLS_EPROTO;
	ts->year = (uint16_t)dt->Year;
	ts->month = (uint8_t)dt->Month;
	ts->day = (uint8_t)dt->Day;
	ts->hour = (uint8_t)dt->Hour;
	ts->minute = (uint8_t)dt->Minute;
	ts->second = (uint8_t)dt->Second;
	ts->tz = (int8_t)(dt->Timezone / 900);
	return SMSDTLS_OK;
}

/* TP-UD: libgammu's UDH octets (UDHL included) and its data. */
static smsdtls_rc
ud_from_gammu(const GSM_SMSMessage *sms, struct smsdtls_tpdu *t)
{
	size_t hlen = 0, plen;

	if (sms->Coding == SMS_Coding_Default_No_Compression ||
	    sms->Coding == SMS_Coding_Unicode_No_Compression)
		return ud_text(sms, t);
	if (sms->Coding != SMS_Coding_8bit)
		return SMSDTLS_EUNSUPP;
	t->dcs = dcs_from_gammu(sms);
	if (sms->UDH.Type != UDH_NoUDH && sms->UDH.Length > 0) {
		hlen = (size_t)sms->UDH.Length;
		if (hlen > SMSDTLS_UD_MAX || sms->UDH.Text[0] + 1u != hlen)
			return SMSDTLS_EPROTO;
		memcpy(t->ud, sms->UDH.Text, hlen);
		t->udhi = true;
	}
	if (sms->Length < 0)
		return SMSDTLS_EPROTO;
	plen = (size_t)sms->Length;
	if (plen > SMSDTLS_UD_MAX - hlen)
		return SMSDTLS_ETOOBIG;
	memcpy(t->ud + hlen, sms->Text, plen);
	t->ud_len = hlen + plen;
	return SMSDTLS_OK;
}

/* Text: libgammu encodes again what it decoded (septets or UCS2). */
static smsdtls_rc
ud_text(const GSM_SMSMessage *sms, struct smsdtls_tpdu *t)
{
	GSM_SMSMessage copy;
	unsigned char frame[1024];
	const GSM_SMSMessageLayout *l = &PHONE_SMSDeliver;
	int flen = 0;
	size_t n;

	memcpy(&copy, sms, sizeof(copy));
	memset(frame, 0, sizeof(frame));
	if (copy.Length < 0 || copy.Length > GSM_MAX_SMS_LENGTH ||
	    copy.UDH.Length < 0 || copy.UDH.Length > GSM_MAX_UDH_LENGTH ||
	    GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), &copy, frame, *l, &flen,
	    TRUE) != ERR_NONE || flen < l->Text)
		return SMSDTLS_EPROTO;
	n = (size_t)flen - l->Text;
	if (n > SMSDTLS_UD_MAX)
		return SMSDTLS_ETOOBIG;
	memcpy(t->ud, frame + l->Text, n);
	t->ud_len = n;
	t->udl = frame[l->TPUDL];
	t->dcs = frame[l->TPDCS];
	t->udhi = copy.UDH.Type != UDH_NoUDH && copy.UDH.Length > 0;
	return SMSDTLS_OK;
}

static void
ascii_ucs2(const char *s, unsigned char *ucs2)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		ucs2[2 * i] = 0;
		ucs2[2 * i + 1] = (unsigned char)s[i];
	}
	ucs2[2 * i] = 0;
	ucs2[2 * i + 1] = 0;
}
