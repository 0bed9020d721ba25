/*
 * link.h - the simulated SMSC's socket link: a small framed protocol by
 * which a client program becomes one virtual mobile station, submits
 * SMS-SUBMIT TPDUs (3GPP TS 23.040 9.2.2.2) and receives SMS-DELIVER and
 * SMS-STATUS-REPORT TPDUs (9.2.2.1, 9.2.2.3).  docs/smsc.md, "The socket
 * link", is the protocol's specification.
 *
 * Every frame is
 *
 *	length (2 octets, big-endian) | type (1 octet) | payload
 *
 * where length counts the type octet and the payload (1..LINK_FRAME_MAX-2).
 * The client opens with HELLO naming its MSISDN; the SMSC answers WELCOME
 * (or ERROR and closes).  Each SUBMIT gets exactly one SUBMITTED (the
 * TP-MR, as +CMGS gives it) or REFUSED (the +CMS ERROR code), in order.
 * DELIVER and REPORT frames come whenever the SMSC delivers.
 *
 * Two layers, both sans-IO: the codec (link_encode, link_decode), and
 * the server side of one connection (struct link_conn), which feeds
 * frames to the routing core and writes its answers through a callback.
 * The sockets themselves belong to the program (smsc/main.c) or to a
 * test.  Nothing here allocates except link_conn_new().
 */
#ifndef SMSC_LINK_H
#define SMSC_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

#include "smsc/smsc.h"

#define LINK_VERSION		1
#define LINK_HDR_LEN		3	/* length (2) and type (1) */
#define LINK_FRAME_MAX		512	/* a frame, header included */
#define LINK_TPDU_MAX		164	/* the longest SMS-SUBMIT */
#define LINK_MSISDN_MAX		21	/* '+' and 20 digits */
#define LINK_TEXT_MAX		200	/* ERROR reason */

enum link_type {
	LINK_HELLO = 0x01,	/* C->S: version, MSISDN (text) */
	LINK_SUBMIT = 0x02,	/* C->S: SMS-SUBMIT TPDU, no SMSC prefix */
	LINK_WELCOME = 0x81,	/* S->C: version, canonical MSISDN */
	LINK_SUBMITTED = 0x82,	/* S->C: TP-MR assigned (1 octet) */
	LINK_REFUSED = 0x83,	/* S->C: +CMS ERROR code (2 octets) */
	LINK_DELIVER = 0x84,	/* S->C: SMS-DELIVER TPDU */
	LINK_REPORT = 0x85,	/* S->C: SMS-STATUS-REPORT TPDU */
	LINK_ERROR = 0x86	/* S->C: code (2 octets), reason; then EOF */
};

/* LINK_ERROR codes. */
enum link_error {
	LINK_ERR_PROTO = 1,	/* malformed frame */
	LINK_ERR_VERSION = 2,	/* HELLO with a version not spoken */
	LINK_ERR_NO_HELLO = 3,	/* a frame other than HELLO came first */
	LINK_ERR_HELLO_AGAIN = 4, /* a second HELLO */
	LINK_ERR_UNKNOWN = 5,	/* no such station, none may be added */
	LINK_ERR_BUSY = 6,	/* another client is that station */
	LINK_ERR_INTERNAL = 7	/* the SMSC could not add the station */
};

/*
 * One decoded frame.  Which fields count depends on type:
 *   HELLO, WELCOME: version, msisdn;   SUBMITTED: mr;
 *   REFUSED: code (the +CMS ERROR);     ERROR: code, text;
 *   SUBMIT, DELIVER, REPORT: tpdu, tpdu_len.
 * Strings are NUL-terminated copies; nothing points into the input.
 */
struct link_msg {
	uint8_t	type;		/* enum link_type */
	uint8_t	version;
	char	msisdn[LINK_MSISDN_MAX + 1];
	uint8_t	mr;
	uint16_t code;
	char	text[LINK_TEXT_MAX + 1];
	uint8_t	tpdu[LINK_TPDU_MAX];
	size_t	tpdu_len;
};

/*
 * Encode msg as one frame into buf; *len is the frame's size.
 * SMSDTLS_EINVAL: a field out of its range (see link_decode), unknown
 * type; SMSDTLS_ETOOBIG: buflen too small.
 */
smsdtls_rc link_encode(const struct link_msg *msg, uint8_t *buf,
    size_t buflen, size_t *len);

/*
 * Decode the frame at the start of buf (len octets available).  On
 * success *used is its size; the octets after it are not looked at.
 * SMSDTLS_AGAIN: buf holds only part of a frame (read more);
 * SMSDTLS_ETOOBIG: the length field is 0 or beyond LINK_FRAME_MAX (the
 * stream cannot be resynchronised: close it); SMSDTLS_EPROTO: a
 * complete frame that is malformed (unknown type, payload of the wrong
 * size, an MSISDN that is not '+' and 1-20 of "0-9*#abc", a version 0,
 * a reason that is not printable ASCII, an empty TPDU).
 */
smsdtls_rc link_decode(const uint8_t *buf, size_t len, struct link_msg *msg,
    size_t *used);

/* Static name of a frame type ("HELLO", ...), "?" if unknown. */
const char *link_type_name(uint8_t type);

/*
 * The server side of one connection.
 *
 * write sends frames to the client (data is borrowed).  attach is called
 * on HELLO: it returns the station the client becomes, or NULL with
 * *code set (LINK_ERR_UNKNOWN, LINK_ERR_BUSY, ...); the host then sends
 * it deliveries with link_conn_deliver().  detach is called once when an
 * attached connection is freed.  The host must not free the connection
 * from these callbacks.
 */
struct link_conn;

struct link_host {
	void	(*write)(void *arg, const uint8_t *data, size_t len);
	struct smsc_station *(*attach)(void *arg, struct link_conn *c,
		    const char *msisdn, uint16_t *code);
	void	(*detach)(void *arg, struct link_conn *c,
		    struct smsc_station *st);
};

/* A connection to sc; host is copied, arg is passed to its callbacks.
 * Free with link_conn_free() before sc. */
smsdtls_rc link_conn_new(struct smsc *sc, const struct link_host *host,
    void *arg, struct link_conn **out);
void	link_conn_free(struct link_conn *c);

/*
 * Bytes from the client, in any chunking.  SUBMITs go to smsc_submit()
 * at now; the host then runs the core (smsc_run) as usual.  After a
 * protocol error the connection answers ERROR once, ignores all further
 * input and link_conn_closing() turns true: the host flushes what was
 * written and closes.
 */
void	link_conn_input(struct link_conn *c, const uint8_t *data,
	    size_t len, int64_t now);

/* Send a DELIVER or REPORT frame for tpdu (from the station's
 * smsc_deliver_cb).  Ignored once the connection is closing. */
void	link_conn_deliver(struct link_conn *c, enum smsdtls_tpdu_type type,
	    const uint8_t *tpdu, size_t len);

bool	link_conn_closing(const struct link_conn *c);

/* The station the client became, NULL before WELCOME. */
struct smsc_station *link_conn_station(const struct link_conn *c);

#endif /* SMSC_LINK_H */
