/*
 * flight.c - collect the DTLS records of one wolfSSL call and pack them
 * into as few datagrams as the path MTU allows (RFC 6347 section 4.1.1:
 * several records may share a datagram; a record never spans two).
 */
#include "config.h"

#include <string.h>

#include "transport/flight.h"

void
flight_reset(struct flight *f)
{
	f->len = 0;
	f->nrec = 0;
	f->overflow = false;
}

bool
flight_parse_record(const uint8_t *data, size_t len, struct flight_record *rec)
{
	size_t body;

	if (len < FLIGHT_RECORD_HEADER)
		return false;
	body = (size_t)data[11] << 8 | data[12];
	if (FLIGHT_RECORD_HEADER + body > len)
		return false;
	rec->type = data[0];
	rec->epoch = (uint16_t)(data[3] << 8 | data[4]);
	rec->seq = 0;
	for (int i = 5; i < 11; i++)
		rec->seq = rec->seq << 8 | data[i];
	rec->len = (uint16_t)(FLIGHT_RECORD_HEADER + body);
	rec->call_start = false;
	return true;
}

smsdtls_rc
flight_append(struct flight *f, const uint8_t *data, size_t len)
{
	struct flight_record rec;
	size_t off, nrec;

	if (len > sizeof(f->buf) - f->len) {
		f->overflow = true;
		return SMSDTLS_ETOOBIG;
	}
	/* Index the records first, so that bad input changes nothing. */
	nrec = f->nrec;
	for (off = 0; off < len; off += rec.len) {
		if (!flight_parse_record(data + off, len - off, &rec))
			return SMSDTLS_EPROTO;
		if (nrec == FLIGHT_MAX_RECORDS) {
			f->overflow = true;
			return SMSDTLS_ETOOBIG;
		}
		rec.off = (uint16_t)(f->len + off);
		rec.call_start = off == 0;
		f->rec[nrec++] = rec;
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
	f->nrec = nrec;
	return SMSDTLS_OK;
}

/* Greedy in-order packing; with calls, an append also starts a datagram. */
static void
flight_pack_ex(const struct flight *f, size_t pmtu, bool calls,
    struct flight_dgram *out, size_t max, size_t *n)
{
	struct flight_dgram *d = NULL;
	size_t i, used = 0;

	for (i = 0; i < f->nrec; i++) {
		const struct flight_record *r = &f->rec[i];

		if (d == NULL || d->len + r->len > pmtu ||
		    (calls && r->call_start)) {
			/* d is never empty here: it got a record when made. */
			if (used == max)
				break;
			d = &out[used++];
			d->first = i;
			d->count = 0;
			d->len = 0;
			d->handshake = false;
		}
		d->count++;
		d->len += r->len;
		if (r->type != FLIGHT_CT_APPDATA)
			d->handshake = true;
	}
	*n = used;
}

void
flight_pack(const struct flight *f, size_t pmtu, struct flight_dgram *out,
    size_t max, size_t *n)
{
	flight_pack_ex(f, pmtu, false, out, max, n);
}

void
flight_pack_calls(const struct flight *f, size_t pmtu,
    struct flight_dgram *out, size_t max, size_t *n)
{
	flight_pack_ex(f, pmtu, true, out, max, n);
}

void
flight_copy(const struct flight *f, const struct flight_dgram *d, uint8_t *buf)
{
	const struct flight_record *first = &f->rec[d->first];

	/* Records of one datagram are contiguous in the batch. */
	memcpy(buf, f->buf + first->off, d->len);
}
