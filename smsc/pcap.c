/*
 * pcap.c - pcapng capture of the simulated SMSC's TPDUs (3GPP TS 23.040
 * 9.2.2) as Wireshark "exported PDUs" for its gsm_sms dissector.
 *
 * pcapng block layout (draft-ietf-opsawg-pcapng): section header block
 * 0x0A0D0D0A, interface description block 1, enhanced packet blocks 6;
 * every block is type, total length, body padded to 4 octets, total
 * length again; options are code, length, value padded to 4 octets.
 * We write little-endian, which the byte-order magic declares.  The
 * exported-PDU tags inside each packet are big-endian (Wireshark's
 * exported_pdu.h): tag (2), length (2), value.  See pcap.h for the tags
 * and why the direction tag matters.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "smsc/pcap.h"

#define BT_SHB		0x0A0D0D0AU
#define BT_IDB		0x00000001U
#define BT_EPB		0x00000006U
#define BYTE_ORDER_MAGIC 0x1A2B3C4DU

#define OPT_END		0
#define OPT_COMMENT	1
#define SHB_USERAPPL	4
#define IF_NAME		2
#define IF_DESCRIPTION	3
#define EPB_FLAGS	2
#define EPB_INBOUND	0x1U
#define EPB_OUTBOUND	0x2U

#define EXP_PDU_TAG_END		0
#define EXP_PDU_TAG_DISSECTOR	12
#define EXP_PDU_TAG_P2P_DIR	35
#define P2P_DIR_SENT		0
#define P2P_DIR_RECV		1

#define IF_DESCR	"simulated SMSC: GSM SMS TPDUs (3GPP TS 23.040)"

/* An output buffer that remembers overflowing instead of writing. */
struct wbuf {
	uint8_t	*p;
	size_t	cap;
	size_t	len;
	bool	over;
};

static void	put(struct wbuf *, const void *, size_t);
static void	put_le16(struct wbuf *, uint16_t);
static void	put_le32(struct wbuf *, uint32_t);
static void	put_be16(struct wbuf *, uint16_t);
static void	put_be32(struct wbuf *, uint32_t);
static void	put_pad(struct wbuf *);
static void	put_opt(struct wbuf *, uint16_t, const void *, size_t);
static void	put_opt_str(struct wbuf *, uint16_t, const char *, size_t);
static size_t	block_open(struct wbuf *, uint32_t);
static void	block_close(struct wbuf *, size_t);
static void	put_exp_tags(struct wbuf *, uint8_t);
static const char *comment_fmt(const struct smsc_log_event *, char *);

smsdtls_rc
pcap_encode_head(const char *appl, uint8_t *buf, size_t buflen, size_t *len)
{
	struct wbuf w = { buf, buflen, 0, false };
	size_t at;

	if (buf == NULL || len == NULL)
		return SMSDTLS_EINVAL;
	at = block_open(&w, BT_SHB);
	put_le32(&w, BYTE_ORDER_MAGIC);
	put_le16(&w, 1);		/* major version */
	put_le16(&w, 0);		/* minor version */
	put_le32(&w, 0xffffffffU);	/* section length: unknown */
	put_le32(&w, 0xffffffffU);
	if (appl != NULL && appl[0] != '\0')
		put_opt_str(&w, SHB_USERAPPL, appl, PCAP_APPL_MAX);
	put_opt(&w, OPT_END, NULL, 0);
	block_close(&w, at);

	at = block_open(&w, BT_IDB);
	put_le16(&w, PCAP_LINKTYPE_UPPER_PDU);
	put_le16(&w, 0);		/* reserved */
	put_le32(&w, 0);		/* snaplen: no limit */
	put_opt_str(&w, IF_NAME, "smsc", PCAP_APPL_MAX);
	put_opt_str(&w, IF_DESCRIPTION, IF_DESCR, PCAP_APPL_MAX);
	put_opt(&w, OPT_END, NULL, 0);
	block_close(&w, at);
	if (w.over)
		return SMSDTLS_ETOOBIG;
	*len = w.len;
	return SMSDTLS_OK;
}

smsdtls_rc
pcap_encode_rec(const struct pcap_rec *rec, uint8_t *buf, size_t buflen,
    size_t *len)
{
	struct wbuf w = { buf, buflen, 0, false };
	size_t at, caplen_at, data_at;
	uint64_t ts;
	uint32_t caplen;

	if (rec == NULL || buf == NULL || len == NULL || rec->usec < 0 ||
	    rec->tpdu == NULL || rec->len == 0 ||
	    rec->len > SMSDTLS_PDU_MAX ||
	    (rec->dir != PCAP_DIR_IN && rec->dir != PCAP_DIR_OUT))
		return SMSDTLS_EINVAL;
	ts = (uint64_t)rec->usec;
	at = block_open(&w, BT_EPB);
	put_le32(&w, 0);			/* interface 0 */
	put_le32(&w, (uint32_t)(ts >> 32));
	put_le32(&w, (uint32_t)ts);
	caplen_at = w.len;
	put_le32(&w, 0);			/* captured length, below */
	put_le32(&w, 0);			/* original length, below */
	data_at = w.len;
	put_exp_tags(&w, rec->dir);
	put(&w, rec->tpdu, rec->len);
	caplen = (uint32_t)(w.len - data_at);
	put_pad(&w);
	if (rec->comment != NULL && rec->comment[0] != '\0')
		put_opt_str(&w, OPT_COMMENT, rec->comment, PCAP_COMMENT_MAX);
	put_le16(&w, EPB_FLAGS);
	put_le16(&w, 4);
	put_le32(&w, rec->dir == PCAP_DIR_IN ? EPB_INBOUND : EPB_OUTBOUND);
	put_opt(&w, OPT_END, NULL, 0);
	block_close(&w, at);
	if (w.over)
		return SMSDTLS_ETOOBIG;
	/* Captured and original length: the whole packet, tags included. */
	buf[caplen_at] = buf[caplen_at + 4] = (uint8_t)caplen;
	buf[caplen_at + 1] = buf[caplen_at + 5] = (uint8_t)(caplen >> 8);
	*len = w.len;
	return SMSDTLS_OK;
}

bool
pcap_event_rec(const struct smsc_log_event *ev, int64_t epoch, char *comment,
    struct pcap_rec *rec)
{
	if (ev->pdu == NULL || ev->len == 0 || ev->len > SMSDTLS_PDU_MAX)
		return false;
	switch (ev->kind) {
	case SMSC_LOG_SUBMIT:
	case SMSC_LOG_REJECT:
		rec->dir = PCAP_DIR_IN;
		break;
	case SMSC_LOG_DELIVER:
	case SMSC_LOG_REPORT:
		rec->dir = PCAP_DIR_OUT;
		break;
	default:
		return false;
	}
	rec->usec = (epoch * 1000 + ev->now) * 1000;
	rec->tpdu = ev->pdu;
	rec->len = ev->len;
	rec->comment = comment_fmt(ev, comment);
	return true;
}

smsdtls_rc
pcap_write_head(FILE *fp, const char *appl)
{
	uint8_t buf[PCAP_HEAD_MAX];
	size_t len;
	smsdtls_rc rc;

	if (fp == NULL)
		return SMSDTLS_EINVAL;
	if ((rc = pcap_encode_head(appl, buf, sizeof(buf), &len)) !=
	    SMSDTLS_OK)
		return rc;
	return fwrite(buf, 1, len, fp) == len ? SMSDTLS_OK : SMSDTLS_ECLOSED;
}

smsdtls_rc
pcap_write_rec(FILE *fp, const struct pcap_rec *rec)
{
	uint8_t buf[PCAP_REC_MAX];
	size_t len;
	smsdtls_rc rc;

	if (fp == NULL)
		return SMSDTLS_EINVAL;
	if ((rc = pcap_encode_rec(rec, buf, sizeof(buf), &len)) != SMSDTLS_OK)
		return rc;
	return fwrite(buf, 1, len, fp) == len ? SMSDTLS_OK : SMSDTLS_ECLOSED;
}

static void
put(struct wbuf *w, const void *p, size_t n)
{
	if (w->over || w->cap - w->len < n) {
		w->over = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void
put_le16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(w, b, sizeof(b));
}

static void
put_le32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	put(w, b, sizeof(b));
}

static void
put_be16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, sizeof(b));
}

static void
put_be32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, sizeof(b));
}

static void
put_pad(struct wbuf *w)
{
	static const uint8_t zero[4];

	put(w, zero, (4 - w->len % 4) % 4);
}

static void
put_opt(struct wbuf *w, uint16_t code, const void *v, size_t n)
{
	put_le16(w, code);
	put_le16(w, (uint16_t)n);
	put(w, v, n);
	put_pad(w);
}

static void
put_opt_str(struct wbuf *w, uint16_t code, const char *s, size_t max)
{
	put_opt(w, code, s, strnlen(s, max));
}

/* Write the block type and a length placeholder; returns its offset. */
static size_t
block_open(struct wbuf *w, uint32_t type)
{
	size_t at = w->len;

	put_le32(w, type);
	put_le32(w, 0);
	return at;
}

/* Append the trailing length and patch the leading one. */
static void
block_close(struct wbuf *w, size_t at)
{
	uint32_t total = (uint32_t)(w->len - at + 4);

	put_le32(w, total);
	if (w->over)
		return;
	w->p[at + 4] = (uint8_t)total;
	w->p[at + 5] = (uint8_t)(total >> 8);
	w->p[at + 6] = (uint8_t)(total >> 16);
	w->p[at + 7] = (uint8_t)(total >> 24);
}

static void
put_exp_tags(struct wbuf *w, uint8_t dir)
{
	static const char name[8] = "gsm_sms";	/* NUL-padded to 8 */

	put_be16(w, EXP_PDU_TAG_DISSECTOR);
	put_be16(w, sizeof(name));
	put(w, name, sizeof(name));
	put_be16(w, EXP_PDU_TAG_P2P_DIR);
	put_be16(w, 4);
	put_be32(w, dir == PCAP_DIR_IN ? P2P_DIR_RECV : P2P_DIR_SENT);
	put_be16(w, EXP_PDU_TAG_END);
	put_be16(w, 0);
}

static const char *
comment_fmt(const struct smsc_log_event *ev, char *buf)
{
	const char *peer = ev->peer != NULL && ev->peer[0] != '\0' ?
	    ev->peer : "?";
	size_t n = PCAP_COMMENT_MAX + 1;

	switch (ev->kind) {
	case SMSC_LOG_SUBMIT:
		snprintf(buf, n, "SUBMIT from %s to %s mr=%u", ev->station,
		    peer, ev->mr);
		break;
	case SMSC_LOG_REJECT:
		snprintf(buf, n, "SUBMIT from %s refused: +CMS ERROR %d (%s)",
		    ev->station, ev->cms, smsc_reason_name(ev->reason));
		break;
	case SMSC_LOG_DELIVER:
		snprintf(buf, n, "DELIVER to %s from %s%s", ev->station, peer,
		    ev->reason == SMSC_REASON_DUPLICATE ? " (duplicate)" : "");
		break;
	default:
		snprintf(buf, n, "STATUS-REPORT to %s for mr=%u to %s",
		    ev->station, ev->mr, peer);
		break;
	}
	return buf;
}
