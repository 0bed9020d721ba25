/*
 * tpdu.c - 3GPP TS 23.040 TPDU codec: SMS-DELIVER (9.2.2.1), SMS-SUBMIT
 * (9.2.2.2) and SMS-STATUS-REPORT (9.2.2.3), optionally preceded by the
 * SMSC address of AT PDU mode (TS 27.005 3.1).  TP-DCS alphabets follow
 * TS 23.038 section 4.
 *
 * Every read goes through a bounded cursor (tpdu_fields.h), so the
 * decoder cannot read past len whatever the length fields say.
 *
 * TP-UDL counts septets for the GSM 7-bit alphabet and octets otherwise
 * (9.2.3.16); a reserved coding counts as GSM 7-bit (TS 23.038 4: "any
 * reserved codings shall be assumed to be the GSM 7 bit default
 * alphabet"), compressed data counts octets.  The UD is kept as octets.
 * For GSM 7-bit data with a UDH, payload_off is the octet offset after
 * the UDH: the fill bits up to the next septet boundary, and the septet
 * unpacking, are the caller's concern.
 *
 * TPDUs longer than 164 octets are rejected (a STATUS-REPORT with a long
 * RA, PID, DCS and 140 octets of UD would exceed it).
 *
 * Decoding is lossless, so that encode(decode(x)) == x, except for:
 * unused first-octet bits (DELIVER bit 4, STATUS-REPORT bits 7 and 4);
 * the filler nibble of an odd-length address; an SMSC prefix "01 TOA" or
 * with more than one F nibble of padding; alphanumeric addresses (spare
 * bits, unknown escapes); a negative zero time zone (0x08); TP-PI 0xFF,
 * which is treated as absent as libgammu does, and its 0xFF padding; and
 * TP-PI extension octets (bit 7), which are skipped and never written.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "transport/tpdu_fields.h"

/* First-octet bits (9.2.3.1-9.2.3.26). */
#define FO_MTI		0x03
#define FO_MMS_RD	0x04	/* TP-MMS (DELIVER, STATUS), TP-RD */
#define FO_LP		0x08
#define FO_VPF_SHIFT	3
#define FO_VPF		0x18
#define FO_SR		0x20	/* TP-SRI, TP-SRR, TP-SRQ */
#define FO_UDHI		0x40
#define FO_RP		0x80

#define MTI_DELIVER	0x00
#define MTI_SUBMIT	0x01
#define MTI_STATUS	0x02

#define UDL_SEPTETS_MAX	160
/*
 * Largest TPDU: a SUBMIT with a 12-octet DA, a 7-octet VP and 140 octets
 * of UD.  A STATUS-REPORT is held to the same size ("the maximum
 * guaranteed length of TP-UD is 131 octets", GSM 03.40 as quoted in
 * modem manuals), so its UD may not always reach 140 octets.
 */
#define TPDU_MAX	164
#define PI_ABSENT	0xff	/* libgammu: phones pad with 0xff */
#define PI_EXT		0x80

#define ENHANCED_LEN	7

static smsdtls_rc	decode(const uint8_t *pdu, size_t len, bool with_smsc,
			    int want, struct smsdtls_tpdu *out);
static smsdtls_rc	fo_type(uint8_t fo, uint8_t *type);
static smsdtls_rc	deliver_get(struct tpdu_rd *rd, uint8_t fo,
			    struct smsdtls_tpdu *t);
static smsdtls_rc	submit_get(struct tpdu_rd *rd, uint8_t fo,
			    struct smsdtls_tpdu *t);
static smsdtls_rc	status_get(struct tpdu_rd *rd, uint8_t fo,
			    struct smsdtls_tpdu *t);
static smsdtls_rc	pi_get(struct tpdu_rd *rd, struct smsdtls_tpdu *t);
static smsdtls_rc	vp_get(struct tpdu_rd *rd, uint8_t vpf,
			    struct smsdtls_vp *vp);
static smsdtls_rc	ud_get(struct tpdu_rd *rd, struct smsdtls_tpdu *t);
static smsdtls_rc	deliver_put(struct tpdu_wr *wr,
			    const struct smsdtls_tpdu *t);
static smsdtls_rc	submit_put(struct tpdu_wr *wr,
			    const struct smsdtls_tpdu *t);
static smsdtls_rc	status_put(struct tpdu_wr *wr,
			    const struct smsdtls_tpdu *t);
static smsdtls_rc	vp_put(struct tpdu_wr *wr,
			    const struct smsdtls_vp *vp);
static smsdtls_rc	ud_put(struct tpdu_wr *wr,
			    const struct smsdtls_tpdu *t);
static bool		udl_septets(uint8_t dcs);
static size_t		septet_octets(size_t septets);

enum smsdtls_alphabet
smsdtls_dcs_alphabet(uint8_t dcs)
{
	static const uint8_t general[4] = {
		SMSDTLS_ALPHABET_GSM7, SMSDTLS_ALPHABET_8BIT,
		SMSDTLS_ALPHABET_UCS2, SMSDTLS_ALPHABET_RESERVED
	};

	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3:	/* general data coding */
	case 0x4: case 0x5: case 0x6: case 0x7:	/* automatic deletion */
		return general[(dcs >> 2) & 0x03];
	case 0xc: case 0xd:			/* message waiting, GSM */
		return SMSDTLS_ALPHABET_GSM7;
	case 0xe:				/* message waiting, UCS2 */
		return SMSDTLS_ALPHABET_UCS2;
	case 0xf:				/* data coding/class */
		return dcs & 0x04 ? SMSDTLS_ALPHABET_8BIT :
		    SMSDTLS_ALPHABET_GSM7;
	default:				/* 1000-1011 reserved */
		return SMSDTLS_ALPHABET_RESERVED;
	}
}

smsdtls_rc
smsdtls_tpdu_decode(const uint8_t *pdu, size_t len, bool with_smsc,
    enum smsdtls_tpdu_type type, struct smsdtls_tpdu *tpdu)
{
	if ((unsigned)type > SMSDTLS_TPDU_STATUS_REPORT)
		return SMSDTLS_EINVAL;
	return decode(pdu, len, with_smsc, (int)type, tpdu);
}

smsdtls_rc
smsdtls_tpdu_decode_any(const uint8_t *pdu, size_t len, bool with_smsc,
    struct smsdtls_tpdu *tpdu)
{
	return decode(pdu, len, with_smsc, -1, tpdu);
}

smsdtls_rc
smsdtls_tpdu_encode(const struct smsdtls_tpdu *tpdu, uint8_t *buf,
    size_t buflen, size_t *len, size_t *tpdu_len)
{
	struct tpdu_wr wr;
	size_t start;
	smsdtls_rc rc;

	if (tpdu == NULL || len == NULL || (buf == NULL && buflen > 0))
		return SMSDTLS_EINVAL;
	tpdu_wr_init(&wr, buf, buflen);
	if (tpdu->has_smsc &&
	    (rc = tpdu_smsc_put(&wr, &tpdu->smsc)) != SMSDTLS_OK)
		return rc;
	start = wr.off;
	switch (tpdu->type) {
	case SMSDTLS_TPDU_DELIVER:
		rc = deliver_put(&wr, tpdu);
		break;
	case SMSDTLS_TPDU_SUBMIT:
		rc = submit_put(&wr, tpdu);
		break;
	case SMSDTLS_TPDU_STATUS_REPORT:
		rc = status_put(&wr, tpdu);
		break;
	default:
		return SMSDTLS_EINVAL;
	}
	if (rc != SMSDTLS_OK)
		return rc;
	if (wr.off - start > TPDU_MAX)
		return SMSDTLS_ETOOBIG;
	*len = wr.off;
	if (tpdu_len != NULL)
		*tpdu_len = wr.off - start;
	return SMSDTLS_OK;
}

/* Decode a TPDU; want is the expected type, or -1 for any. */
static smsdtls_rc
decode(const uint8_t *pdu, size_t len, bool with_smsc, int want,
    struct smsdtls_tpdu *out)
{
	struct smsdtls_tpdu t;
	struct tpdu_rd rd;
	size_t start;
	uint8_t fo;
	smsdtls_rc rc;

	if (out == NULL || (pdu == NULL && len > 0))
		return SMSDTLS_EINVAL;
	memset(&t, 0, sizeof(t));
	tpdu_rd_init(&rd, pdu, len);
	t.has_smsc = with_smsc;
	if (with_smsc && (rc = tpdu_smsc_get(&rd, &t.smsc)) != SMSDTLS_OK)
		return rc;
	start = rd.off;
	if ((rc = tpdu_rd_u8(&rd, &fo)) != SMSDTLS_OK ||
	    (rc = fo_type(fo, &t.type)) != SMSDTLS_OK)
		return rc;
	if (want >= 0 && t.type != want)
		return SMSDTLS_EPROTO;
	if (t.type == SMSDTLS_TPDU_DELIVER)
		rc = deliver_get(&rd, fo, &t);
	else if (t.type == SMSDTLS_TPDU_SUBMIT)
		rc = submit_get(&rd, fo, &t);
	else
		rc = status_get(&rd, fo, &t);
	if (rc != SMSDTLS_OK)
		return rc;
	if (tpdu_rd_left(&rd) != 0 || rd.off - start > TPDU_MAX)
		return SMSDTLS_EPROTO;
	*out = t;
	return SMSDTLS_OK;
}

/* TP-MTI as seen by whoever logs both directions; 11 is reserved. */
static smsdtls_rc
fo_type(uint8_t fo, uint8_t *type)
{
	switch (fo & FO_MTI) {
	case MTI_DELIVER:
		*type = SMSDTLS_TPDU_DELIVER;
		return SMSDTLS_OK;
	case MTI_SUBMIT:
		*type = SMSDTLS_TPDU_SUBMIT;
		return SMSDTLS_OK;
	case MTI_STATUS:
		*type = SMSDTLS_TPDU_STATUS_REPORT;
		return SMSDTLS_OK;
	default:
		return SMSDTLS_EPROTO;
	}
}

/* SMS-DELIVER: FO OA PID DCS SCTS UDL UD. */
static smsdtls_rc
deliver_get(struct tpdu_rd *rd, uint8_t fo, struct smsdtls_tpdu *t)
{
	smsdtls_rc rc;

	t->reply_path = (fo & FO_RP) != 0;
	t->udhi = (fo & FO_UDHI) != 0;
	t->status_report = (fo & FO_SR) != 0;
	t->loop_prevention = (fo & FO_LP) != 0;
	t->more_messages = (fo & FO_MMS_RD) == 0;
	if ((rc = tpdu_addr_get(rd, &t->addr)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_u8(rd, &t->pid)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_u8(rd, &t->dcs)) != SMSDTLS_OK ||
	    (rc = tpdu_scts_get(rd, &t->scts)) != SMSDTLS_OK)
		return rc;
	return ud_get(rd, t);
}

/* SMS-SUBMIT: FO MR DA PID DCS [VP] UDL UD. */
static smsdtls_rc
submit_get(struct tpdu_rd *rd, uint8_t fo, struct smsdtls_tpdu *t)
{
	smsdtls_rc rc;

	t->reply_path = (fo & FO_RP) != 0;
	t->udhi = (fo & FO_UDHI) != 0;
	t->status_report = (fo & FO_SR) != 0;
	t->reject_duplicates = (fo & FO_MMS_RD) != 0;
	if ((rc = tpdu_rd_u8(rd, &t->mr)) != SMSDTLS_OK ||
	    (rc = tpdu_addr_get(rd, &t->addr)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_u8(rd, &t->pid)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_u8(rd, &t->dcs)) != SMSDTLS_OK ||
	    (rc = vp_get(rd, (fo & FO_VPF) >> FO_VPF_SHIFT, &t->vp)) !=
	    SMSDTLS_OK)
		return rc;
	return ud_get(rd, t);
}

/* SMS-STATUS-REPORT: FO MR RA SCTS DT ST [PI [PID] [DCS] [UDL UD]]. */
static smsdtls_rc
status_get(struct tpdu_rd *rd, uint8_t fo, struct smsdtls_tpdu *t)
{
	smsdtls_rc rc;

	t->udhi = (fo & FO_UDHI) != 0;
	t->status_report = (fo & FO_SR) != 0;
	t->loop_prevention = (fo & FO_LP) != 0;
	t->more_messages = (fo & FO_MMS_RD) == 0;
	if ((rc = tpdu_rd_u8(rd, &t->mr)) != SMSDTLS_OK ||
	    (rc = tpdu_addr_get(rd, &t->addr)) != SMSDTLS_OK ||
	    (rc = tpdu_scts_get(rd, &t->scts)) != SMSDTLS_OK ||
	    (rc = tpdu_scts_get(rd, &t->dt)) != SMSDTLS_OK ||
	    (rc = tpdu_rd_u8(rd, &t->st)) != SMSDTLS_OK)
		return rc;
	if (tpdu_rd_left(rd) == 0)
		return SMSDTLS_OK;
	return pi_get(rd, t);
}

/*
 * TP-PI and the fields it announces (9.2.3.27).  0xff, possibly followed
 * by more 0xff padding, means no PI; extension octets are skipped.
 */
static smsdtls_rc
pi_get(struct tpdu_rd *rd, struct smsdtls_tpdu *t)
{
	uint8_t pi, ext;
	smsdtls_rc rc;

	if ((rc = tpdu_rd_u8(rd, &pi)) != SMSDTLS_OK)
		return rc;
	if (pi == PI_ABSENT) {
		while (tpdu_rd_u8(rd, &ext) == SMSDTLS_OK)
			if (ext != PI_ABSENT)
				return SMSDTLS_EPROTO;
		return SMSDTLS_OK;
	}
	t->has_pi = true;
	t->pi = pi;
	for (ext = pi; ext & PI_EXT;)
		if ((rc = tpdu_rd_u8(rd, &ext)) != SMSDTLS_OK)
			return rc;
	if ((pi & SMSDTLS_PI_PID) &&
	    (rc = tpdu_rd_u8(rd, &t->pid)) != SMSDTLS_OK)
		return rc;
	if ((pi & SMSDTLS_PI_DCS) &&
	    (rc = tpdu_rd_u8(rd, &t->dcs)) != SMSDTLS_OK)
		return rc;
	if (pi & SMSDTLS_PI_UDL)
		return ud_get(rd, t);
	return SMSDTLS_OK;
}

static smsdtls_rc
vp_get(struct tpdu_rd *rd, uint8_t vpf, struct smsdtls_vp *vp)
{
	vp->format = vpf;
	switch (vpf) {
	case SMSDTLS_VPF_RELATIVE:
		return tpdu_rd_u8(rd, &vp->relative);
	case SMSDTLS_VPF_ENHANCED:
		return tpdu_rd_bytes(rd, vp->enhanced, ENHANCED_LEN);
	case SMSDTLS_VPF_ABSOLUTE:
		return tpdu_scts_get(rd, &vp->absolute);
	default:
		return SMSDTLS_OK;
	}
}

/* TP-UDL and TP-UD, then the UDH when TP-UDHI is set. */
static smsdtls_rc
ud_get(struct tpdu_rd *rd, struct smsdtls_tpdu *t)
{
	size_t n, hdrlen;
	bool septets = udl_septets(t->dcs);
	smsdtls_rc rc;

	if ((rc = tpdu_rd_u8(rd, &t->udl)) != SMSDTLS_OK)
		return rc;
	if (t->udl > (septets ? UDL_SEPTETS_MAX : SMSDTLS_UD_MAX))
		return SMSDTLS_EPROTO;
	n = septets ? septet_octets(t->udl) : t->udl;
	if ((rc = tpdu_rd_bytes(rd, t->ud, n)) != SMSDTLS_OK)
		return rc;
	t->ud_len = n;
	if (!t->udhi)
		return SMSDTLS_OK;
	rc = smsdtls_udh_parse(t->ud, t->ud_len, &t->udh, &hdrlen);
	if (rc != SMSDTLS_OK)
		return rc;
	/* With septets, the UDH must fit in the TP-UDL septets too. */
	if (septets && hdrlen * 8 > (size_t)t->udl * 7)
		return SMSDTLS_EUDHL;
	t->payload_off = hdrlen;
	return SMSDTLS_OK;
}

static smsdtls_rc
deliver_put(struct tpdu_wr *wr, const struct smsdtls_tpdu *t)
{
	uint8_t fo = MTI_DELIVER;
	smsdtls_rc rc;

	fo |= t->reply_path ? FO_RP : 0;
	fo |= t->udhi ? FO_UDHI : 0;
	fo |= t->status_report ? FO_SR : 0;
	fo |= t->loop_prevention ? FO_LP : 0;
	fo |= t->more_messages ? 0 : FO_MMS_RD;
	if ((rc = tpdu_wr_u8(wr, fo)) != SMSDTLS_OK ||
	    (rc = tpdu_addr_put(wr, &t->addr)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->pid)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->dcs)) != SMSDTLS_OK ||
	    (rc = tpdu_scts_put(wr, &t->scts)) != SMSDTLS_OK)
		return rc;
	return ud_put(wr, t);
}

static smsdtls_rc
submit_put(struct tpdu_wr *wr, const struct smsdtls_tpdu *t)
{
	uint8_t fo = MTI_SUBMIT;
	smsdtls_rc rc;

	if (t->vp.format > SMSDTLS_VPF_ABSOLUTE)
		return SMSDTLS_EINVAL;
	fo |= t->reply_path ? FO_RP : 0;
	fo |= t->udhi ? FO_UDHI : 0;
	fo |= t->status_report ? FO_SR : 0;
	fo |= (uint8_t)(t->vp.format << FO_VPF_SHIFT);
	fo |= t->reject_duplicates ? FO_MMS_RD : 0;
	if ((rc = tpdu_wr_u8(wr, fo)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->mr)) != SMSDTLS_OK ||
	    (rc = tpdu_addr_put(wr, &t->addr)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->pid)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->dcs)) != SMSDTLS_OK ||
	    (rc = vp_put(wr, &t->vp)) != SMSDTLS_OK)
		return rc;
	return ud_put(wr, t);
}

static smsdtls_rc
status_put(struct tpdu_wr *wr, const struct smsdtls_tpdu *t)
{
	uint8_t fo = MTI_STATUS, pi = t->pi & (uint8_t)~PI_EXT;
	smsdtls_rc rc;

	fo |= t->udhi ? FO_UDHI : 0;
	fo |= t->status_report ? FO_SR : 0;
	fo |= t->loop_prevention ? FO_LP : 0;
	fo |= t->more_messages ? 0 : FO_MMS_RD;
	if ((rc = tpdu_wr_u8(wr, fo)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->mr)) != SMSDTLS_OK ||
	    (rc = tpdu_addr_put(wr, &t->addr)) != SMSDTLS_OK ||
	    (rc = tpdu_scts_put(wr, &t->scts)) != SMSDTLS_OK ||
	    (rc = tpdu_scts_put(wr, &t->dt)) != SMSDTLS_OK ||
	    (rc = tpdu_wr_u8(wr, t->st)) != SMSDTLS_OK)
		return rc;
	if (!t->has_pi)
		return SMSDTLS_OK;
	if ((rc = tpdu_wr_u8(wr, pi)) != SMSDTLS_OK)
		return rc;
	if ((pi & SMSDTLS_PI_PID) &&
	    (rc = tpdu_wr_u8(wr, t->pid)) != SMSDTLS_OK)
		return rc;
	if ((pi & SMSDTLS_PI_DCS) &&
	    (rc = tpdu_wr_u8(wr, t->dcs)) != SMSDTLS_OK)
		return rc;
	if (pi & SMSDTLS_PI_UDL)
		return ud_put(wr, t);
	return SMSDTLS_OK;
}

static smsdtls_rc
vp_put(struct tpdu_wr *wr, const struct smsdtls_vp *vp)
{
	switch (vp->format) {
	case SMSDTLS_VPF_RELATIVE:
		return tpdu_wr_u8(wr, vp->relative);
	case SMSDTLS_VPF_ENHANCED:
		return tpdu_wr_bytes(wr, vp->enhanced, ENHANCED_LEN);
	case SMSDTLS_VPF_ABSOLUTE:
		return tpdu_scts_put(wr, &vp->absolute);
	default:
		return SMSDTLS_OK;
	}
}

/* TP-UDL from ud_len (octets) or tpdu->udl (septets), then TP-UD. */
static smsdtls_rc
ud_put(struct tpdu_wr *wr, const struct smsdtls_tpdu *t)
{
	uint8_t udl;
	smsdtls_rc rc;

	if (t->ud_len > SMSDTLS_UD_MAX)
		return SMSDTLS_EINVAL;
	if (udl_septets(t->dcs)) {
		if (t->udl > UDL_SEPTETS_MAX ||
		    septet_octets(t->udl) != t->ud_len)
			return SMSDTLS_EINVAL;
		udl = t->udl;
	} else
		udl = (uint8_t)t->ud_len;
	if ((rc = tpdu_wr_u8(wr, udl)) != SMSDTLS_OK)
		return rc;
	return tpdu_wr_bytes(wr, t->ud, t->ud_len);
}

/* Does TP-UDL count septets for this TP-DCS (9.2.3.16)? */
static bool
udl_septets(uint8_t dcs)
{
	enum smsdtls_alphabet a = smsdtls_dcs_alphabet(dcs);
	bool compressed = (dcs & 0x80) == 0 && (dcs & 0x20) != 0;

	if (compressed)
		return false;
	return a == SMSDTLS_ALPHABET_GSM7 || a == SMSDTLS_ALPHABET_RESERVED;
}

static size_t
septet_octets(size_t septets)
{
	return (septets * 7 + 7) / 8;
}
