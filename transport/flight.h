/*
 * flight.h - the TX batch of a DTLS session and the flight packer.
 *
 * wolfSSL hands records to the send callback one by one or in small
 * buffers, and flushes early using worst-case size estimates.  Everything
 * it writes during one call is appended here; after the call returns the
 * batch is packed, in order, into as few datagrams of at most PMTU bytes
 * as possible, never splitting a record (RFC 6347 section 4.1.1 allows
 * several records per datagram).  Over SMS every datagram is an SMS, so
 * this packing is what makes a PSK handshake take one SMS per flight.
 */
#ifndef SMSDTLS_FLIGHT_H
#define SMSDTLS_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>

/* DTLS record header: type(1) version(2) epoch(2) seq(6) length(2). */
#define FLIGHT_RECORD_HEADER	13
/* Record content types (RFC 5246 section 6.2.1). */
#define FLIGHT_CT_CCS		20
#define FLIGHT_CT_ALERT		21
#define FLIGHT_CT_HANDSHAKE	22
#define FLIGHT_CT_APPDATA	23
/* Room for the largest flight we send: a certificate chain in records
 * of at most one PMTU each. */
#define FLIGHT_MAX		8192
/* At most this many records per batch. */
#define FLIGHT_MAX_RECORDS	128

struct flight_record {
	uint16_t off;		/* offset in flight.buf */
	uint16_t len;		/* header included */
	uint8_t	type;		/* content type */
	uint16_t epoch;
	uint64_t seq;
	bool	call_start;	/* first record of one flight_append() */
};

/* The records written during one wolfSSL call. */
struct flight {
	size_t	len;
	size_t	nrec;
	bool	overflow;	/* something did not fit and was dropped */
	struct flight_record rec[FLIGHT_MAX_RECORDS];
	uint8_t	buf[FLIGHT_MAX];
};

/* One packed datagram: records [first, first + count) of the flight. */
struct flight_dgram {
	size_t	first;
	size_t	count;
	size_t	len;
	bool	handshake;	/* holds a record other than application data */
};

void	flight_reset(struct flight *f);

/*
 * Append what wolfSSL wrote (one or more whole records).  Returns
 * SMSDTLS_OK, SMSDTLS_ETOOBIG if the batch is full (the data is dropped
 * and overflow set), or SMSDTLS_EPROTO if data is not a sequence of whole
 * DTLS records (dropped as well).
 */
smsdtls_rc flight_append(struct flight *f, const uint8_t *data, size_t len);

/*
 * Pack the batch for a path MTU: fills out[0..*n) (at most max entries).
 * A record longer than pmtu goes alone in its datagram (the transport
 * will refuse it).  Greedy in-order packing is optimal here: records may
 * not be reordered, so filling each datagram before starting the next
 * gives the fewest datagrams.
 */
void	flight_pack(const struct flight *f, size_t pmtu,
	    struct flight_dgram *out, size_t max, size_t *n);

/*
 * For benchmarks: pack as wolfSSL alone would send, each appended buffer
 * (one wolfSSL write) in datagrams of its own, never sharing one with
 * records of another append.
 */
void	flight_pack_calls(const struct flight *f, size_t pmtu,
	    struct flight_dgram *out, size_t max, size_t *n);

/* Copy the bytes of packed datagram d into buf (at least d->len long). */
void	flight_copy(const struct flight *f, const struct flight_dgram *d,
	    uint8_t *buf);

/* Parse the header of the record at data; false if not a whole record. */
bool	flight_parse_record(const uint8_t *data, size_t len,
	    struct flight_record *rec);

#endif /* SMSDTLS_FLIGHT_H */
