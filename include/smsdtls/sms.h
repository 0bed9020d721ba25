/*
 * sms.h - SMS framing codecs: 3GPP TS 23.040 TPDUs (SMS-SUBMIT,
 * SMS-DELIVER, SMS-STATUS-REPORT), their address, time-stamp and
 * validity-period fields, and the user data header (9.2.3.24).
 *
 * The codecs do no I/O, never allocate and never read the clock: they
 * read from and write into caller buffers.  A decoded struct holds copies,
 * never pointers into the input.  Decoders check every length against
 * the input and return an error without writing the out-parameter.
 */
#ifndef SMSDTLS_SMS_H
#define SMSDTLS_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Maximum TP-UD length in octets (TS 23.040 9.2.3.16). */
#define SMSDTLS_UD_MAX		140
/* Largest TPDU with a 12-octet SMSC prefix: SUBMIT 164 + 12. */
#define SMSDTLS_PDU_MAX		176
/* At most 20 digits in an address (10 octets of BCD). */
#define SMSDTLS_ADDR_DIGITS_MAX	20
/* Text buffer: 20 digits, or 11 GSM characters as UTF-8, plus NUL. */
#define SMSDTLS_ADDR_TEXT_MAX	40

/* Type of number (TON), bits 6-4 of the type-of-address octet. */
enum smsdtls_ton {
	SMSDTLS_TON_UNKNOWN = 0,
	SMSDTLS_TON_INTERNATIONAL = 1,
	SMSDTLS_TON_NATIONAL = 2,
	SMSDTLS_TON_NETWORK = 3,
	SMSDTLS_TON_SUBSCRIBER = 4,
	SMSDTLS_TON_ALPHANUMERIC = 5,
	SMSDTLS_TON_ABBREVIATED = 6,
	SMSDTLS_TON_RESERVED = 7
};

/* Numbering plan identification (NPI), bits 3-0. */
enum smsdtls_npi {
	SMSDTLS_NPI_UNKNOWN = 0,
	SMSDTLS_NPI_E164 = 1,
	SMSDTLS_NPI_X121 = 3,
	SMSDTLS_NPI_TELEX = 4,
	SMSDTLS_NPI_NATIONAL = 8,
	SMSDTLS_NPI_PRIVATE = 9,
	SMSDTLS_NPI_ERMES = 10
};

/*
 * An SMS address (TP-OA, TP-DA, TP-RA, or the SMSC address).  For numeric
 * types, text holds the digits "0-9*#abc" without a '+'; for
 * SMSDTLS_TON_ALPHANUMERIC it holds the decoded text as UTF-8.
 */
struct smsdtls_addr {
	uint8_t	ton;	/* enum smsdtls_ton */
	uint8_t	npi;	/* enum smsdtls_npi */
	char	text[SMSDTLS_ADDR_TEXT_MAX];
};

/*
 * Parse "+447700900123" (international, E.164) or "07700900123"
 * (unknown TON, E.164) into addr.  Returns SMSDTLS_EADDR for anything
 * that is not 1-20 digits from "0-9*#abc" after an optional '+'.
 */
smsdtls_rc smsdtls_addr_parse(const char *s, struct smsdtls_addr *addr);

/* Format addr as "+digits" (international) or plain text; NUL-terminated.
 * Returns SMSDTLS_ETOOBIG if buflen is too small. */
smsdtls_rc smsdtls_addr_format(const struct smsdtls_addr *addr, char *buf,
    size_t buflen);

/*
 * Canonical international form of a numeric address, for use as a lookup
 * key: TON international, NPI E.164, digits with the country code.
 * "+CCNNN", "00CCNNN" and international-TON numbers keep their digits;
 * a national number ("0NNN" or national TON) gets country_code prepended
 * after dropping one trunk prefix '0'.  country_code is digits without
 * '+', or NULL when unknown (then national numbers give SMSDTLS_EADDR).
 * Alphanumeric addresses give SMSDTLS_EADDR: they cannot be replied to.
 */
smsdtls_rc smsdtls_addr_canonical(const struct smsdtls_addr *in,
    const char *country_code, struct smsdtls_addr *out);

/* True if two addresses are equal field by field. */
bool smsdtls_addr_equal(const struct smsdtls_addr *a,
    const struct smsdtls_addr *b);

/*
 * Service-centre time stamp (TP-SCTS), also TP-DT and absolute TP-VP.
 * year is the full year (yy < 90 decodes as 20yy, else 19yy, as libgammu
 * does); tz is the offset from UTC in quarter-hours, -48..+56.
 */
struct smsdtls_scts {
	uint16_t year;
	uint8_t	month, day, hour, minute, second;
	int8_t	tz;
};

/* TP-VPF values as carried in bits 4-3 of a SUBMIT's first octet. */
enum smsdtls_vpf {
	SMSDTLS_VPF_NONE = 0,
	SMSDTLS_VPF_ENHANCED = 1,
	SMSDTLS_VPF_RELATIVE = 2,
	SMSDTLS_VPF_ABSOLUTE = 3
};

/* Enhanced TP-VP functionality indicator, validity-period format bits. */
enum smsdtls_evpf {
	SMSDTLS_EVPF_NONE = 0,		/* no VP specified */
	SMSDTLS_EVPF_RELATIVE = 1,	/* one octet, as relative format */
	SMSDTLS_EVPF_SECONDS = 2,	/* one octet, 0-255 seconds */
	SMSDTLS_EVPF_HHMMSS = 3		/* three semi-octet BCD octets */
};

/* A decoded TP-VP. */
struct smsdtls_vp {
	uint8_t	format;		/* enum smsdtls_vpf */
	uint8_t	relative;	/* RELATIVE: the TP-VP octet */
	struct smsdtls_scts absolute;	/* ABSOLUTE */
	uint8_t	enhanced[7];	/* ENHANCED: the seven octets as sent */
};

/*
 * Formats a bearer accepts, for smsdtls_vp_choose().  A bearer that goes
 * through libgammu accepts only SMSDTLS_VP_ACCEPT_RELATIVE.
 */
#define SMSDTLS_VP_ACCEPT_RELATIVE	0x01u
#define SMSDTLS_VP_ACCEPT_ABSOLUTE	0x02u
#define SMSDTLS_VP_ACCEPT_ENH_RELATIVE	0x04u
#define SMSDTLS_VP_ACCEPT_ENH_SECONDS	0x08u
#define SMSDTLS_VP_ACCEPT_ENH_HHMMSS	0x10u
#define SMSDTLS_VP_ACCEPT_ENHANCED	0x1cu
#define SMSDTLS_VP_ACCEPT_ALL		0x1fu

/*
 * Duration of vp in seconds.  For the absolute format the duration is
 * measured from now (Unix time, seconds; an absolute VP in the past gives
 * 0).  Returns SMSDTLS_EINVAL for NONE or an enhanced VP without a
 * duration (FI format 0 or reserved), SMSDTLS_EPROTO for bad BCD.
 */
smsdtls_rc smsdtls_vp_seconds(const struct smsdtls_vp *vp, int64_t now,
    uint32_t *seconds);

/*
 * Pick, among the formats in accept, the encoding whose duration is
 * closest to want seconds without being below it, and write it to vp.
 * Ties go to the shorter encoding (relative before enhanced).  now is
 * used for the absolute format, which is written in UTC (tz 0).  Returns
 * SMSDTLS_ETOOBIG if no accepted format reaches want, SMSDTLS_EINVAL if
 * accept is empty.
 */
smsdtls_rc smsdtls_vp_choose(uint32_t want, unsigned accept, int64_t now,
    struct smsdtls_vp *vp);

/*
 * User data header (TS 23.040 9.2.3.24).  Only the elements smsdtls uses
 * are decoded; other elements are skipped and counted.
 */
struct smsdtls_udh {
	bool	has_ports;
	bool	ports16;	/* IEI 0x05 (else 0x04, 8-bit) */
	uint16_t dst_port;
	uint16_t src_port;
	bool	has_concat;
	bool	concat16;	/* IEI 0x08 (else 0x00, 8-bit reference) */
	uint16_t concat_ref;
	uint8_t	concat_total;
	uint8_t	concat_seq;
	uint8_t	unknown_ies;	/* elements skipped */
};

/*
 * Parse the UDH at the start of ud (ud[0] is UDHL).  On success *hdrlen
 * is 1 + UDHL, the offset of the payload in ud.  Errors: SMSDTLS_ETRUNC
 * (ud_len 0), SMSDTLS_EUDHL (UDHL beyond ud_len), SMSDTLS_EIEOVERRUN (an
 * element runs past UDHL), SMSDTLS_EIEDL (a known element with the wrong
 * length), SMSDTLS_EPROTO (reserved values such as concat seq 0 or
 * seq > total).  When an element repeats, the last occurrence wins.
 */
smsdtls_rc smsdtls_udh_parse(const uint8_t *ud, size_t ud_len,
    struct smsdtls_udh *udh, size_t *hdrlen);

/*
 * Write udh (UDHL included) to buf.  Writes nothing and sets *len 0 when
 * udh has neither ports nor concatenation.  Errors: SMSDTLS_ETOOBIG,
 * SMSDTLS_EINVAL (an 8-bit field out of range, concat seq 0 or > total).
 */
smsdtls_rc smsdtls_udh_build(const struct smsdtls_udh *udh, uint8_t *buf,
    size_t buflen, size_t *len);

/* Length smsdtls_udh_build() would write for udh. */
size_t smsdtls_udh_size(const struct smsdtls_udh *udh);

/* TPDU types by direction-resolved TP-MTI. */
enum smsdtls_tpdu_type {
	SMSDTLS_TPDU_DELIVER = 0,	/* SC -> MS, MTI 00 */
	SMSDTLS_TPDU_SUBMIT = 1,	/* MS -> SC, MTI 01 */
	SMSDTLS_TPDU_STATUS_REPORT = 2	/* SC -> MS, MTI 10 */
};

/* Alphabet given by TP-DCS (TS 23.038 section 4). */
enum smsdtls_alphabet {
	SMSDTLS_ALPHABET_GSM7 = 0,
	SMSDTLS_ALPHABET_8BIT = 1,
	SMSDTLS_ALPHABET_UCS2 = 2,
	SMSDTLS_ALPHABET_RESERVED = 3
};

/* Data coding for 8-bit data without a message class (recommended). */
#define SMSDTLS_DCS_8BIT	0x04

/* TP-PI bits of a STATUS-REPORT. */
#define SMSDTLS_PI_PID		0x01
#define SMSDTLS_PI_DCS		0x02
#define SMSDTLS_PI_UDL		0x04

/*
 * A TPDU.  Which fields are meaningful depends on type:
 *
 *   field          SUBMIT  DELIVER  STATUS-REPORT
 *   mr               x                 x
 *   addr            DA       OA        RA
 *   pid, dcs         x       x        if pi says so
 *   vp               x
 *   scts                     x         x
 *   dt, st                             x
 *   ud, udh          x       x        if pi says so
 *
 * status_report is TP-SRR (SUBMIT), TP-SRI (DELIVER) or TP-SRQ
 * (STATUS-REPORT).  more_messages is the inverse of the TP-MMS bit.
 */
struct smsdtls_tpdu {
	uint8_t	type;		/* enum smsdtls_tpdu_type */
	bool	has_smsc;	/* the AT PDU-mode SMSC prefix is present */
	struct smsdtls_addr smsc; /* empty text: "00", use the default */

	bool	reply_path;	/* TP-RP */
	bool	udhi;		/* TP-UDHI */
	bool	status_report;	/* TP-SRR / TP-SRI / TP-SRQ */
	bool	reject_duplicates; /* TP-RD, SUBMIT */
	bool	more_messages;	/* !TP-MMS, DELIVER and STATUS-REPORT */
	bool	loop_prevention; /* TP-LP, DELIVER and STATUS-REPORT */

	uint8_t	mr;		/* TP-MR */
	struct smsdtls_addr addr; /* TP-DA, TP-OA or TP-RA */
	uint8_t	pid;		/* TP-PID */
	uint8_t	dcs;		/* TP-DCS */
	struct smsdtls_vp vp;	/* TP-VPF and TP-VP */
	struct smsdtls_scts scts; /* TP-SCTS */
	struct smsdtls_scts dt;	/* TP-DT */
	uint8_t	st;		/* TP-ST */
	bool	has_pi;		/* TP-PI present (STATUS-REPORT) */
	uint8_t	pi;		/* TP-PI */

	uint8_t	udl;		/* TP-UDL as on the wire (septets if GSM7) */
	uint8_t	ud[SMSDTLS_UD_MAX]; /* TP-UD octets, UDH included */
	size_t	ud_len;		/* octets used in ud */
	struct smsdtls_udh udh;	/* parsed UDH when udhi */
	size_t	payload_off;	/* start of the payload in ud */
};

/* Alphabet of a TP-DCS value; reserved coding groups give RESERVED. */
enum smsdtls_alphabet smsdtls_dcs_alphabet(uint8_t dcs);

/*
 * Decode a TPDU of the given direction-resolved type (an MS receives
 * DELIVER and STATUS-REPORT, an SC receives SUBMIT; the MTI must match
 * type, else SMSDTLS_EPROTO).  with_smsc says whether the PDU starts with
 * the AT PDU-mode SMSC prefix.  Trailing octets after the TPDU are
 * rejected (SMSDTLS_EPROTO), except the optional STATUS-REPORT fields.
 * UDH errors are those of smsdtls_udh_parse().
 */
smsdtls_rc smsdtls_tpdu_decode(const uint8_t *pdu, size_t len, bool with_smsc,
    enum smsdtls_tpdu_type type, struct smsdtls_tpdu *tpdu);

/*
 * Decode without knowing the direction: tries the MTI as DELIVER (00),
 * SUBMIT (01) or STATUS-REPORT (10), as a tool reading modem logs must.
 */
smsdtls_rc smsdtls_tpdu_decode_any(const uint8_t *pdu, size_t len,
    bool with_smsc, struct smsdtls_tpdu *tpdu);

/*
 * Encode tpdu into buf; with tpdu->has_smsc the SMSC prefix is written
 * first ("00" when smsc.text is empty).  The UD is taken from ud/ud_len
 * as is (the caller builds the UDH with smsdtls_udh_build() and sets
 * udhi); udl is computed from ud_len for 8-bit and UCS2 data and taken
 * from tpdu->udl for GSM 7-bit.  *len is the total written; *tpdu_len (may
 * be NULL) the part after the SMSC prefix, which AT+CMGS counts.
 */
smsdtls_rc smsdtls_tpdu_encode(const struct smsdtls_tpdu *tpdu, uint8_t *buf,
    size_t buflen, size_t *len, size_t *tpdu_len);

/* Hex helpers for PDUs as AT commands and modem logs show them.
 * smsdtls_hex_decode accepts upper and lower case and ignores spaces. */
smsdtls_rc smsdtls_hex_decode(const char *hex, uint8_t *buf, size_t buflen,
    size_t *len);
smsdtls_rc smsdtls_hex_encode(const uint8_t *data, size_t len, char *buf,
    size_t buflen);

#ifdef __cplusplus
}
#endif

#endif /* SMSDTLS_SMS_H */
