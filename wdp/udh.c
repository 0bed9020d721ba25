/*
 * udh.c - the TP-User-Data-Header codec (3GPP TS 23.040 9.2.3.24).
 *
 * Only the elements WDP over SMS needs are decoded: concatenation with an
 * 8-bit (IEI 0x00, 9.2.3.24.1) or 16-bit reference (IEI 0x08, 9.2.3.24.8)
 * and application ports with 8-bit (IEI 0x04, 9.2.3.24.3) or 16-bit
 * addresses (IEI 0x05, 9.2.3.24.4).  Other elements are skipped by their
 * length and counted.
 *
 * Receive rules (the digest's "receiver validation rules"), and where we
 * are stricter than TS 23.040 asks:
 * - UDHL 0 is accepted as an empty header: it is well formed (no element
 *   overruns it) and the payload starts at ud[1].  A UDHL of 1 cannot hold
 *   an element header and fails with SMSDTLS_EIEOVERRUN.
 * - An element running past UDHL fails the whole header (EIEOVERRUN); the
 *   spec says "ignore the header", but for a datagram transport a header
 *   we cannot read means ports we cannot trust, so the SMS is dropped.
 * - A known element with a wrong IEDL fails with SMSDTLS_EIEDL rather
 *   than being ignored, for the same reason.
 * - Concatenation with total 0, seq 0 or seq > total is SMSDTLS_EPROTO.
 * - Ports in the 3GPP-reserved bands (8-bit < 240, 16-bit >= 49152) are
 *   accepted: carriers do send them.
 * - A repeated element, or both of 0x04/0x05 or of 0x00/0x08: last wins.
 *
 * Build writes the concatenation element first, then the ports, as WDP
 * implementations do (WAP-259 segmentation practice); the order carries
 * no meaning to a receiver.
 */
#include "config.h"

#include <string.h>

#include <smsdtls/sms.h>

#define IEI_CONCAT8	0x00
#define IEI_PORTS8	0x04
#define IEI_PORTS16	0x05
#define IEI_CONCAT16	0x08

#define IEDL_CONCAT8	3
#define IEDL_CONCAT16	4
#define IEDL_PORTS8	2
#define IEDL_PORTS16	4

static smsdtls_rc	udh_element(struct smsdtls_udh *, uint8_t,
			    const uint8_t *, uint8_t);
static smsdtls_rc	udh_concat(struct smsdtls_udh *, bool,
			    const uint8_t *, uint8_t);
static void		udh_ports(struct smsdtls_udh *, bool,
			    const uint8_t *);
static uint16_t		udh_be16(const uint8_t *);

smsdtls_rc
smsdtls_udh_parse(const uint8_t *ud, size_t ud_len, struct smsdtls_udh *udh,
    size_t *hdrlen)
{
	struct smsdtls_udh h;
	size_t pos, end;
	uint8_t iei, iedl;
	smsdtls_rc rc;

	if (udh == NULL || (ud == NULL && ud_len != 0))
		return SMSDTLS_EINVAL;
	if (ud_len == 0)
		return SMSDTLS_ETRUNC;
	end = 1 + (size_t)ud[0];
	if (end > ud_len)
		return SMSDTLS_EUDHL;

	memset(&h, 0, sizeof(h));
	for (pos = 1; pos < end; pos += 2 + (size_t)iedl) {
		if (end - pos < 2)
			return SMSDTLS_EIEOVERRUN;
		iei = ud[pos];
		iedl = ud[pos + 1];
		if (iedl > end - pos - 2)
			return SMSDTLS_EIEOVERRUN;
		rc = udh_element(&h, iei, ud + pos + 2, iedl);
		if (rc != SMSDTLS_OK)
			return rc;
	}
	*udh = h;
	if (hdrlen != NULL)
		*hdrlen = end;
	return SMSDTLS_OK;
}

size_t
smsdtls_udh_size(const struct smsdtls_udh *udh)
{
	size_t n = 1;

	if (udh == NULL || (!udh->has_ports && !udh->has_concat))
		return 0;
	if (udh->has_concat)
		n += 2 + (udh->concat16 ? IEDL_CONCAT16 : IEDL_CONCAT8);
	if (udh->has_ports)
		n += 2 + (udh->ports16 ? IEDL_PORTS16 : IEDL_PORTS8);
	return n;
}

smsdtls_rc
smsdtls_udh_build(const struct smsdtls_udh *udh, uint8_t *buf, size_t buflen,
    size_t *len)
{
	size_t n, pos = 1;

	if (udh == NULL || len == NULL || (buf == NULL && buflen != 0))
		return SMSDTLS_EINVAL;
	if (udh->has_concat && (udh->concat_total == 0 ||
	    udh->concat_seq == 0 || udh->concat_seq > udh->concat_total ||
	    (!udh->concat16 && udh->concat_ref > 0xff)))
		return SMSDTLS_EINVAL;
	if (udh->has_ports && !udh->ports16 &&
	    (udh->dst_port > 0xff || udh->src_port > 0xff))
		return SMSDTLS_EINVAL;
	n = smsdtls_udh_size(udh);
	if (n > buflen)
		return SMSDTLS_ETOOBIG;
	if (n == 0) {
		*len = 0;
		return SMSDTLS_OK;
	}

	buf[0] = (uint8_t)(n - 1);
	if (udh->has_concat) {
		buf[pos++] = udh->concat16 ? IEI_CONCAT16 : IEI_CONCAT8;
		buf[pos++] = udh->concat16 ? IEDL_CONCAT16 : IEDL_CONCAT8;
		if (udh->concat16)
			buf[pos++] = (uint8_t)(udh->concat_ref >> 8);
		buf[pos++] = (uint8_t)udh->concat_ref;
		buf[pos++] = udh->concat_total;
		buf[pos++] = udh->concat_seq;
	}
	if (udh->has_ports && udh->ports16) {
		buf[pos++] = IEI_PORTS16;
		buf[pos++] = IEDL_PORTS16;
		buf[pos++] = (uint8_t)(udh->dst_port >> 8);
		buf[pos++] = (uint8_t)udh->dst_port;
		buf[pos++] = (uint8_t)(udh->src_port >> 8);
		buf[pos++] = (uint8_t)udh->src_port;
	} else if (udh->has_ports) {
		buf[pos++] = IEI_PORTS8;
		buf[pos++] = IEDL_PORTS8;
		buf[pos++] = (uint8_t)udh->dst_port;
		buf[pos++] = (uint8_t)udh->src_port;
	}
	*len = pos;
	return SMSDTLS_OK;
}

/* Decode one element whose iedl octets at data are known to be present. */
static smsdtls_rc
udh_element(struct smsdtls_udh *h, uint8_t iei, const uint8_t *data,
    uint8_t iedl)
{
	switch (iei) {
	case IEI_CONCAT8:
		if (iedl != IEDL_CONCAT8)
			return SMSDTLS_EIEDL;
		return udh_concat(h, false, data, iedl);
	case IEI_CONCAT16:
		if (iedl != IEDL_CONCAT16)
			return SMSDTLS_EIEDL;
		return udh_concat(h, true, data, iedl);
	case IEI_PORTS8:
		if (iedl != IEDL_PORTS8)
			return SMSDTLS_EIEDL;
		udh_ports(h, false, data);
		return SMSDTLS_OK;
	case IEI_PORTS16:
		if (iedl != IEDL_PORTS16)
			return SMSDTLS_EIEDL;
		udh_ports(h, true, data);
		return SMSDTLS_OK;
	default:
		if (h->unknown_ies < UINT8_MAX)
			h->unknown_ies++;
		return SMSDTLS_OK;
	}
}

/* Concatenation: [ref-hi] ref total seq; reserved values are refused. */
static smsdtls_rc
udh_concat(struct smsdtls_udh *h, bool ref16, const uint8_t *data,
    uint8_t iedl)
{
	uint8_t total = data[iedl - 2], seq = data[iedl - 1];

	if (total == 0 || seq == 0 || seq > total)
		return SMSDTLS_EPROTO;
	h->has_concat = true;
	h->concat16 = ref16;
	h->concat_ref = ref16 ? udh_be16(data) : data[0];
	h->concat_total = total;
	h->concat_seq = seq;
	return SMSDTLS_OK;
}

/* Application port addressing: destination first, then source. */
static void
udh_ports(struct smsdtls_udh *h, bool ports16, const uint8_t *data)
{
	h->has_ports = true;
	h->ports16 = ports16;
	if (ports16) {
		h->dst_port = udh_be16(data);
		h->src_port = udh_be16(data + 2);
	} else {
		h->dst_port = data[0];
		h->src_port = data[1];
	}
}

static uint16_t
udh_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
