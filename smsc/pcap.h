/*
 * pcap.h - a capture file of the TPDUs the simulated SMSC handles, for
 * Wireshark and tshark (4.0 or later) to decode as GSM SMS (3GPP TS
 * 23.040 9.2.2), user data header and ports included.
 *
 * The file is pcapng (one section, one interface) with link type
 * LINKTYPE_WIRESHARK_UPPER_PDU (252, "exported PDU").  Each packet is a
 * list of exported-PDU tags followed by the bare TPDU:
 *
 *	EXP_PDU_TAG_DISSECTOR_NAME (12) "gsm_sms"
 *	EXP_PDU_TAG_P2P_DIRECTION  (35) 1 = received by the SC (MS->SC),
 *	                                0 = sent by the SC (SC->MS)
 *	EXP_PDU_TAG_END_OF_OPT     (0)
 *
 * The gsm_sms dissector resolves the direction-dependent TP-MTI from the
 * packet's p2p direction, which the second tag sets; the enhanced packet
 * block's epb_flags carry the same direction (inbound / outbound) and
 * its comment names the stations ("SUBMIT from +44... to +44... mr=3").
 * Timestamps are the SMSC's simulated wall clock (epoch + now).
 *
 * Encoders write into caller buffers; the writers put whole blocks to a
 * stdio stream the caller opened (and flushes and closes).
 */
#ifndef SMSC_PCAP_H
#define SMSC_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <smsdtls/rc.h>

#include "smsc/smsc.h"

#define PCAP_LINKTYPE_UPPER_PDU	252
#define PCAP_HEAD_MAX		256	/* SHB and IDB */
#define PCAP_REC_MAX		512	/* one enhanced packet block */
#define PCAP_COMMENT_MAX	160
#define PCAP_APPL_MAX		64

/* Direction, as the SMSC sees it. */
enum pcap_dir {
	PCAP_DIR_IN = 1,	/* MS -> SC: SMS-SUBMIT */
	PCAP_DIR_OUT = 2	/* SC -> MS: SMS-DELIVER, STATUS-REPORT */
};

struct pcap_rec {
	int64_t	usec;		/* Unix time, microseconds, >= 0 */
	uint8_t	dir;		/* enum pcap_dir */
	const uint8_t *tpdu;	/* no SMSC prefix */
	size_t	len;		/* 1..SMSDTLS_PDU_MAX */
	const char *comment;	/* NULL or "": none; cut at COMMENT_MAX */
};

/*
 * The section header block (with appl, e.g. "smsdtls-smsc 0.1.0", as
 * shb_userappl; NULL for none; cut at PCAP_APPL_MAX) and the interface
 * description block.  SMSDTLS_ETOOBIG if buflen is too small.
 */
smsdtls_rc pcap_encode_head(const char *appl, uint8_t *buf, size_t buflen,
    size_t *len);

/* One enhanced packet block.  SMSDTLS_EINVAL for a bad rec,
 * SMSDTLS_ETOOBIG if buflen is too small. */
smsdtls_rc pcap_encode_rec(const struct pcap_rec *rec, uint8_t *buf,
    size_t buflen, size_t *len);

/*
 * The record for a core log event, at the wall clock epoch (Unix
 * seconds) + ev->now: SUBMIT and REJECT come in, DELIVER and REPORT go
 * out; DROP (nothing crossed the air), or no TPDU, gives false.  The
 * comment is written to comment (PCAP_COMMENT_MAX + 1 octets) and rec
 * points to it and to ev->pdu, so rec is valid as long as both are.
 */
bool	pcap_event_rec(const struct smsc_log_event *ev, int64_t epoch,
	    char *comment, struct pcap_rec *rec);

/* Write the head, or one record, to fp.  SMSDTLS_EINVAL as the encoders
 * say; SMSDTLS_ECLOSED if the stream refused the octets. */
smsdtls_rc pcap_write_head(FILE *fp, const char *appl);
smsdtls_rc pcap_write_rec(FILE *fp, const struct pcap_rec *rec);

#endif /* SMSC_PCAP_H */
