/*
 * convert.h - between TS 23.040 TPDUs (smsdtls/sms.h) and libgammu's
 * GSM_SMSMessage, which is not a TPDU: libgammu keeps the decoded
 * fields, carries only the relative validity period, and drops the type
 * of number of all but international numbers.
 *
 * Pure functions: no I/O, no libgammu state machine, no allocation.
 */
#ifndef SMSDTLS_MODEM_CONVERT_H
#define SMSDTLS_MODEM_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gammu.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

/* Relative TP-VP used when a SUBMIT has none or asks for more than the
 * relative format holds: 63 weeks, libgammu's own default. */
#define CONVERT_VP_MAX		0xff

/*
 * An SMS-SUBMIT TPDU (no SMSC prefix) as a GSM_SMSMessage for
 * GSM_SendSMS(), without an SMSC number (the caller sets it).  srr forces
 * a status-report request on top of the TPDU's TP-SRR.  The validity
 * period is rounded up to the relative format; *vp_seconds (may be NULL)
 * is its duration.  unix_now is only read for an absolute TP-VP.  Errors:
 * the decoder's; SMSDTLS_EUNSUPP for what libgammu cannot send as is
 * (data other than uncompressed 8-bit, a PID other than 0 or 0x41-0x47,
 * a TP-DA that is not E.164 digits, international or unknown, or an
 * unknown-type one starting "00", which libgammu makes international).
 * sms is written only on success.
 */
smsdtls_rc convert_submit(const uint8_t *tpdu, size_t len, bool srr,
	    int64_t unix_now, GSM_SMSMessage *sms, uint32_t *vp_seconds);

/*
 * A message libgammu read from the modem (PDU SMS_Deliver or
 * SMS_Status_Report) as a TPDU without SMSC prefix in buf.  Kept:
 * originator or recipient, user data header and data, SCTS, TP-DT, TP-ST,
 * TP-MR, PID (replace types), DCS class and alphabet, TP-RP.  Lost in
 * libgammu: TP-SRI, TP-MMS, TP-LP, other PIDs, the type of number of a
 * national number (it comes back as unknown).  SMSDTLS_EUNSUPP for a
 * SUBMIT or a compressed message, SMSDTLS_EADDR for an address our
 * encoder cannot write, SMSDTLS_ETOOBIG if buf is short.
 */
smsdtls_rc convert_received(const GSM_SMSMessage *sms, uint8_t *buf,
	    size_t buflen, size_t *len);

/* libgammu's NUL-terminated UCS-2 (big-endian) string as UTF-8 into buf
 * (always NUL-terminated when buflen > 0); SMSDTLS_ETOOBIG if cut. */
smsdtls_rc convert_ucs2_utf8(const unsigned char *ucs2, char *buf,
	    size_t buflen);

#endif /* SMSDTLS_MODEM_CONVERT_H */
