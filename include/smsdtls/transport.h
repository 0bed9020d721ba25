/*
 * transport.h - datagram transports under a DTLS endpoint: peers, the
 * transport interface, and the built-in transports (SMS over a bearer,
 * UDP sockets, an in-memory queue).
 *
 * Sans-IO: a transport sends through a function the caller supplies and
 * is fed received datagrams by the caller; the library never reads the
 * clock, sleeps or arms timers.  Times are monotonic milliseconds (int64_t)
 * from the caller's clock.  Objects are single-threaded.
 */
#ifndef SMSDTLS_TRANSPORT_H
#define SMSDTLS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "No deadline": returned by the *_next_deadline() calls. */
#define SMSDTLS_NEVER		INT64_MAX

/* Peer kinds. */
enum smsdtls_peer_kind {
	SMSDTLS_PEER_NONE = 0,
	SMSDTLS_PEER_SMS = 1,	/* MSISDN and WDP ports */
	SMSDTLS_PEER_UDP = 2,	/* IPv4 or IPv6 address and port */
	SMSDTLS_PEER_MEM = 3	/* a numbered in-memory peer */
};

/*
 * A transport address.  Build one with smsdtls_peer_sms(),
 * smsdtls_peer_udp() or smsdtls_peer_mem() and compare with
 * smsdtls_peer_equal(): unused bytes are zero, so peers are plain values.
 *
 * SMS: msisdn is canonical international (TON 1, NPI 1); port is the
 * peer's WDP port and local_port ours (both 0 when WDP ports are off).
 */
struct smsdtls_peer {
	uint8_t	kind;		/* enum smsdtls_peer_kind */
	uint8_t	ip_family;	/* UDP: 4 or 6 */
	uint16_t port;		/* SMS, UDP: the peer's port */
	uint16_t local_port;	/* SMS: our port */
	union {
		struct smsdtls_addr msisdn;	/* SMS */
		uint8_t	ip[16];			/* UDP, network order */
		uint32_t id;			/* MEM */
	} u;
};

/*
 * An SMS peer from a number such as "+447700900123" (a national number
 * needs country_code, e.g. "44"; NULL or "" if unknown).  SMSDTLS_EADDR if the
 * number has no canonical international form.
 */
smsdtls_rc smsdtls_peer_sms(struct smsdtls_peer *peer, const char *number,
    const char *country_code, uint16_t port, uint16_t local_port);
/* A UDP peer from a struct sockaddr_in or sockaddr_in6 (sa, salen). */
smsdtls_rc smsdtls_peer_udp(struct smsdtls_peer *peer, const void *sa,
    size_t salen);
/* Write peer as a struct sockaddr_in/in6 into sa.  *salen is in/out: the
 * size of the buffer at sa on entry (SMSDTLS_ETOOBIG if too small), the
 * size written on success. */
smsdtls_rc smsdtls_peer_to_sockaddr(const struct smsdtls_peer *peer,
    void *sa, size_t *salen);
void	smsdtls_peer_mem(struct smsdtls_peer *peer, uint32_t id);
bool	smsdtls_peer_equal(const struct smsdtls_peer *a,
    const struct smsdtls_peer *b);
/* "+447700900123:5684>16001", "192.0.2.1:5684", "[2001:db8::1]:5684",
 * "mem:7".  Always NUL-terminates when buflen > 0. */
void	smsdtls_peer_format(const struct smsdtls_peer *peer, char *buf,
    size_t buflen);

/* What the DTLS layer says about one datagram it hands to a transport. */
struct smsdtls_send_info {
	int64_t	now;
	uint32_t validity;	/* seconds the datagram stays useful */
	bool	handshake;	/* carries handshake, CCS or alert records */
};

/*
 * The transport interface.  pmtu gives the largest datagram for peer.
 * send takes one datagram (borrowed for the call); SMSDTLS_OK means the
 * transport accepted it (queued it), anything else that it was dropped.
 * DTLS recovers from losses by retransmission, so a drop is not fatal.
 */
struct smsdtls_transport_ops {
	size_t	(*pmtu)(void *arg, const struct smsdtls_peer *peer);
	smsdtls_rc (*send)(void *arg, const struct smsdtls_peer *peer,
		    const uint8_t *data, size_t len,
		    const struct smsdtls_send_info *info);
};

struct smsdtls_transport {
	const struct smsdtls_transport_ops *ops;
	void	*arg;
};

/* ------------------------------------------------------------------ SMS */

/*
 * The SMS transport turns datagrams into SMS-SUBMIT TPDUs (WDP ports in
 * the UDH, 8-bit data, a validity period chosen from the datagram's
 * validity and the formats the bearer accepts) and received SMS-DELIVER
 * and SMS-STATUS-REPORT TPDUs back into datagrams and report records.
 */
struct smsdtls_sms;

struct smsdtls_sms_config {
	bool	ports;		/* WDP 16-bit ports (PMTU 133; else 140) */
	char	country_code[4]; /* for national originators; "" unknown */
	unsigned vp_accept;	/* SMSDTLS_VP_ACCEPT_* the bearer carries */
	bool	status_reports;	/* set TP-SRR on every SUBMIT */
	bool	concat;		/* opt in: concatenated SMS over the PMTU */
	size_t	reasm_max_bytes;	/* receive-side reassembly caps */
	unsigned reasm_max_messages;
	unsigned reasm_max_peer_parts;
	uint32_t reasm_timeout_ms;
};

/* Per-SUBMIT facts for the bearer and for tests and logs. */
struct smsdtls_sms_submit_info {
	const struct smsdtls_peer *peer;
	struct smsdtls_vp vp;	/* the TP-VP written into the TPDU */
	uint32_t vp_seconds;	/* its duration */
	bool	handshake;
	uint8_t	part, parts;	/* 1-based part number, part count */
};

/*
 * The SMS bearer (a modem, the simulated SMSC link): submit one SUBMIT
 * TPDU (no SMSC prefix; tpdu borrowed for the call).  SMSDTLS_OK means the
 * bearer took responsibility for it.
 */
struct smsdtls_bearer {
	smsdtls_rc (*submit)(void *arg, const uint8_t *tpdu, size_t len,
		    const struct smsdtls_sms_submit_info *info);
	void	*arg;
};

/* What smsdtls_sms_input() found. */
enum smsdtls_sms_rx_kind {
	SMSDTLS_SMS_RX_DATAGRAM = 1,
	SMSDTLS_SMS_RX_STATUS_REPORT = 2
};

struct smsdtls_sms_rx {
	uint8_t	kind;		/* enum smsdtls_sms_rx_kind */
	struct smsdtls_peer peer; /* DATAGRAM: sender; REPORT: recipient */
	const uint8_t *data;	/* DATAGRAM: valid until the next input */
	size_t	len;
	uint8_t	mr;		/* REPORT: TP-MR */
	uint8_t	st;		/* REPORT: TP-ST */
};

struct smsdtls_sms_stats {
	uint64_t submits;		/* SUBMITs handed to the bearer */
	uint64_t submit_failures;	/* bearer refused */
	uint64_t delivers;		/* DELIVERs received */
	uint64_t datagrams_in;
	uint64_t datagrams_out;
	uint64_t reports;		/* STATUS-REPORTs received */
	uint64_t reports_failed;	/* of which with a permanent error */
	uint64_t drop_malformed;	/* undecodable TPDU */
	uint64_t drop_not_8bit;		/* DCS other than 8-bit data */
	uint64_t drop_wdp;		/* refused by WDP (see wdp stats) */
	uint64_t drop_too_big;		/* datagram over the PMTU */
};

/* Defaults: ports on, VP relative only, no SRR, no concat, WDP caps. */
void	smsdtls_sms_config_init(struct smsdtls_sms_config *cfg);

/* Create an SMS transport; cfg is copied, bearer copied.  Free with
 * smsdtls_sms_free(). */
smsdtls_rc smsdtls_sms_new(const struct smsdtls_sms_config *cfg,
    const struct smsdtls_bearer *bearer, struct smsdtls_sms **smsp);
void	smsdtls_sms_free(struct smsdtls_sms *sms);

/* The transport interface of sms, for smsdtls_endpoint_new(). */
void	smsdtls_sms_transport(struct smsdtls_sms *sms,
    struct smsdtls_transport *t);

/* Change the VP formats the bearer accepts (e.g. after +CMS ERROR 198). */
void	smsdtls_sms_set_vp_accept(struct smsdtls_sms *sms, unsigned accept);

/*
 * Feed one received TPDU (SMS-DELIVER or SMS-STATUS-REPORT; with_smsc if
 * it starts with the AT PDU-mode SMSC prefix).  SMSDTLS_OK: *rx holds a
 * datagram for smsdtls_endpoint_input() or a status report.
 * SMSDTLS_AGAIN: a part of a concatenated message was stored.  Errors:
 * the SMS was dropped and counted (decode and WDP errors as returned).
 */
smsdtls_rc smsdtls_sms_input(struct smsdtls_sms *sms, const uint8_t *pdu,
    size_t len, bool with_smsc, int64_t now, struct smsdtls_sms_rx *rx);

/* Drop expired reassemblies; returns the next deadline or SMSDTLS_NEVER. */
int64_t	smsdtls_sms_expire(struct smsdtls_sms *sms, int64_t now);

void	smsdtls_sms_get_stats(const struct smsdtls_sms *sms,
    struct smsdtls_sms_stats *st);

/* ------------------------------------------------------------------ UDP */

/*
 * UDP transport over a socket the caller owns and polls.  pmtu is the
 * largest datagram (e.g. 1200; 133 to mimic SMS).
 */
struct smsdtls_udp;

smsdtls_rc smsdtls_udp_new(int fd, size_t pmtu, struct smsdtls_udp **udpp);
void	smsdtls_udp_free(struct smsdtls_udp *udp);
void	smsdtls_udp_transport(struct smsdtls_udp *udp,
    struct smsdtls_transport *t);
/*
 * Read one datagram from the socket (non-blocking) into buf.
 * SMSDTLS_AGAIN when none is waiting.
 */
smsdtls_rc smsdtls_udp_recv(struct smsdtls_udp *udp, uint8_t *buf,
    size_t buflen, size_t *len, struct smsdtls_peer *peer);

/* --------------------------------------------------------------- memory */

/*
 * In-memory transport: send appends to a bounded FIFO that the caller
 * drains with smsdtls_mem_pop().  For tests and examples.
 */
struct smsdtls_mem;

smsdtls_rc smsdtls_mem_new(size_t pmtu, size_t max_queued,
    struct smsdtls_mem **memp);
void	smsdtls_mem_free(struct smsdtls_mem *mem);
void	smsdtls_mem_transport(struct smsdtls_mem *mem,
    struct smsdtls_transport *t);
/* Take the oldest datagram (copied into buf).  SMSDTLS_AGAIN if empty,
 * SMSDTLS_ETOOBIG if buflen is too small (the datagram stays queued). */
smsdtls_rc smsdtls_mem_pop(struct smsdtls_mem *mem, struct smsdtls_peer *to,
    uint8_t *buf, size_t buflen, size_t *len,
    struct smsdtls_send_info *info);

#ifdef __cplusplus
}
#endif

#endif /* SMSDTLS_TRANSPORT_H */
