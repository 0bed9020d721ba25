/*
 * proto.h - the frames a modem worker (modem/worker.c) and its owner
 * (modem/modem.c) exchange over a SOCK_SEQPACKET socketpair, one frame
 * per packet, in the spirit of OpenBSD's imsg.
 *
 *   octet 0   1 ...
 *  +--------+-------------------------------------------+
 *  | type   | fixed fields (big-endian), then a tail    |
 *  +--------+-------------------------------------------+
 *
 * Which fixed fields a type has, in the order kind (1 octet), id (8),
 * token (4), err (4), cms (4), mr (4), and whether its tail is TPDU
 * octets, printable text or nothing, is one table in proto.c.  The
 * decoder checks every length and value against it and fills the
 * message only on success.  Sans-IO.
 */
#ifndef SMSDTLS_MODEM_PROTO_H
#define SMSDTLS_MODEM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

/* Largest frame: a RECEIVED with the largest TPDU, or a text frame. */
#define PROTO_FRAME_MAX		512
/* Longest text, printable ASCII. */
#define PROTO_TEXT_MAX		200

enum proto_type {
	/* owner to worker */
	PROTO_SEND = 0x01,	/* id, TPDU: an SMS-SUBMIT to send */
	PROTO_DELETE = 0x02,	/* token: delete a message offered */
	PROTO_PROBE = 0x03,	/* health probe */
	/* worker to owner */
	PROTO_UP = 0x81,	/* text: connected; the modem's identity */
	PROTO_SENT = 0x82,	/* id, err, cms, mr, text: outcome of SEND */
	PROTO_RECEIVED = 0x83,	/* token, TPDU: a stored or routed SMS */
	PROTO_DELETED = 0x84,	/* token, err, text */
	PROTO_PROBED = 0x85,	/* err, text */
	PROTO_FAIL = 0x86,	/* kind, err, text: the worker exits */
	PROTO_LOG = 0x87,	/* kind (log level), text */
	PROTO_ALIVE = 0x88,	/* heartbeat between libgammu calls */
	PROTO_SWEPT = 0x89,	/* token (messages listed), err, text:
				 * a listing of the storage ended */
	PROTO_DROPPED = 0x8a	/* err, text: unconvertible SMS deleted */
};

/* PROTO_FAIL kinds. */
enum proto_fail {
	PROTO_FAIL_CONNECT = 1,	/* could not connect; retry with backoff */
	PROTO_FAIL_DEVICE = 2,	/* the line broke or errors piled up */
	PROTO_FAIL_PIN = 3,	/* the SIM refused or wants a code: final */
	PROTO_FAIL_INTERNAL = 4	/* out of memory, a bad frame */
};

struct proto_msg {
	uint8_t	type;		/* enum proto_type */
	uint8_t	kind;		/* FAIL: enum proto_fail; LOG: level */
	uint64_t id;		/* SEND, SENT */
	uint32_t token;		/* RECEIVED, DELETE, DELETED; SWEPT: count */
	int32_t	err;		/* GSM_Error, 0 (ERR_NONE is 1) if none */
	int32_t	cms;		/* SENT: +CMS/+CME ERROR code, 0 if none */
	int32_t	mr;		/* SENT: TP-MR, -1 if none */
	uint8_t	data[SMSDTLS_PDU_MAX]; /* SEND, RECEIVED */
	size_t	len;
	char	text[PROTO_TEXT_MAX + 1];
};

/* A zeroed message of type t with mr -1. */
void	proto_init(struct proto_msg *m, uint8_t type);

/* printf into m->text, cut at PROTO_TEXT_MAX, every byte outside
 * printable ASCII replaced by '?'. */
void	proto_text(struct proto_msg *m, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Encode m into buf.  SMSDTLS_EINVAL for an unknown type, a TPDU of 0 or
 * more than SMSDTLS_PDU_MAX octets where one is due, or text that is not
 * printable; SMSDTLS_ETOOBIG if buflen is short.
 */
smsdtls_rc proto_encode(const struct proto_msg *m, uint8_t *buf,
	    size_t buflen, size_t *len);

/*
 * Decode one frame.  SMSDTLS_ETRUNC if it ends inside the fixed fields,
 * SMSDTLS_EPROTO for an unknown type, a tail where none is due, a TPDU
 * of 0 or too many octets, or text that is too long or not printable.
 */
smsdtls_rc proto_decode(const uint8_t *buf, size_t len, struct proto_msg *m);

/* True for the types the worker sends. */
bool	proto_from_worker(uint8_t type);

#endif /* SMSDTLS_MODEM_PROTO_H */
