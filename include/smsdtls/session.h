/*
 * session.h - DTLS 1.2 endpoints and sessions over any smsdtls transport,
 * following the RFC 7925 profile (and its Appendix A for SMS).
 *
 * An endpoint holds the role, credentials and profile of one side and
 * the sessions (associations) it has with its peers; a server endpoint
 * creates sessions as ClientHellos arrive.  The library is sans-IO: every
 * call that can act takes the caller's current time (monotonic
 * milliseconds), the endpoint reports its next deadline, and the caller
 * calls smsdtls_endpoint_on_deadline() when it has passed.  Datagrams go
 * out through the transport; received ones come in through
 * smsdtls_endpoint_input().  What happens to sessions is reported through
 * one event callback.  Single-threaded: one endpoint, one thread.
 */
#ifndef SMSDTLS_SESSION_H
#define SMSDTLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/transport.h>

#ifdef __cplusplus
extern "C" {
#endif

struct smsdtls_endpoint;
struct smsdtls_session;

enum smsdtls_role {
	SMSDTLS_CLIENT = 0,
	SMSDTLS_SERVER = 1
};

enum smsdtls_auth {
	SMSDTLS_AUTH_PSK = 0,	/* TLS_PSK_WITH_AES_128_CCM_8 */
	SMSDTLS_AUTH_RPK = 1,	/* raw public keys (RFC 7250), ECDHE-ECDSA */
	SMSDTLS_AUTH_X509 = 2	/* certificates, ECDHE-ECDSA on P-256 */
};

/* Encodings of keys and certificates given as buffers. */
enum smsdtls_format {
	SMSDTLS_FORMAT_PEM = 0,
	SMSDTLS_FORMAT_DER = 1
};

/* Limits of the profile for PSK credentials. */
#define SMSDTLS_PSK_IDENTITY_MAX	128
#define SMSDTLS_PSK_KEY_MAX		64

/* ------------------------------------------------------------ credentials */

/*
 * A PSK store: identities and keys a server accepts.  Text format, one
 * entry per line: "identity hexkey"; '#' starts a comment line; blank
 * lines are ignored.  Identities are 1-128 printable bytes without
 * spaces, keys 1-64 bytes.
 */
struct smsdtls_psk_store;

/*
 * Parse a PSK store from text.  On error returns SMSDTLS_EINVAL and, if
 * err is not NULL, writes "line N: reason" into err.
 */
smsdtls_rc smsdtls_psk_store_parse(const char *text, size_t len,
    struct smsdtls_psk_store **storep, char *err, size_t errlen);
/*
 * Load a PSK store from a file.  The file must not be readable or
 * writable by group or others (SMSDTLS_EINVAL, "mode 0644: readable by
 * others"), unless allow_shared is set.
 */
smsdtls_rc smsdtls_psk_store_load(const char *path, bool allow_shared,
    struct smsdtls_psk_store **storep, char *err, size_t errlen);
/* Add or replace one entry. */
smsdtls_rc smsdtls_psk_store_add(struct smsdtls_psk_store *store,
    const char *identity, const uint8_t *key, size_t keylen);
size_t	smsdtls_psk_store_count(const struct smsdtls_psk_store *store);
void	smsdtls_psk_store_free(struct smsdtls_psk_store *store);

/*
 * Read a whole file (keys, certificates, pins) into a new buffer that the
 * caller frees with free().  SMSDTLS_EINVAL with a reason in err.
 */
smsdtls_rc smsdtls_read_file(const char *path, uint8_t **bufp, size_t *lenp,
    char *err, size_t errlen);

/* --------------------------------------------------------------- config */

/* Log levels for smsdtls_log_cb. */
enum smsdtls_log_level {
	SMSDTLS_LOG_ERROR = 0,
	SMSDTLS_LOG_WARN = 1,
	SMSDTLS_LOG_INFO = 2,
	SMSDTLS_LOG_DEBUG = 3
};

typedef void (*smsdtls_log_cb)(int level, const char *msg, void *arg);


/*
 * Endpoint configuration.  Initialise with smsdtls_config_init(), then
 * set what differs.  Buffers are copied by smsdtls_endpoint_new(); the
 * psk_store is borrowed and must outlive the endpoint (swap it with
 * smsdtls_endpoint_set_psk_store() or smsdtls_endpoint_set_credentials()).
 */
struct smsdtls_config {
	uint8_t	role;		/* enum smsdtls_role */
	uint8_t	auth;		/* enum smsdtls_auth */

	/* PSK: the client's identity and key; the server's store. */
	const char *psk_identity;
	const uint8_t *psk_key;
	size_t	psk_key_len;
	const struct smsdtls_psk_store *psk_store;

	/* RPK and X.509: own private key (P-256). */
	const uint8_t *key;
	size_t	key_len;
	uint8_t	key_format;	/* enum smsdtls_format */
	/* X.509: own certificate chain (PEM, leaf first) or one DER cert. */
	const uint8_t *cert;
	size_t	cert_len;
	uint8_t	cert_format;
	/* X.509: trust anchors for the peer's chain (PEM). */
	const uint8_t *ca;
	size_t	ca_len;
	/* RPK: accepted peer public keys, PEM "PUBLIC KEY" blocks (text
	 * between blocks is ignored), all P-256.  The DER
	 * SubjectPublicKeyInfo the peer sends (RFC 7250 section 3) must
	 * equal one of them byte for byte.  Required, except on a server
	 * with no_client_auth.  Our own RPK is derived from key. */
	const uint8_t *rpk_pins;
	size_t	rpk_pins_len;
	/* X.509 and RPK on a server: require a client key/cert (default on). */
	bool	no_client_auth;
	/* Client: server name for SNI, and host name to verify (X.509). */
	const char *server_name;

	/* Retransmission (RFC 7925 section 13): 10 s doubling to 60 s. */
	uint32_t rto_initial_ms;
	uint32_t rto_max_ms;
	/* Learn the retransmission timeout per peer instead (off by
	 * default).  The timeout of a flight is then SRTT + 4 * RTTVAR
	 * (RFC 6298) over the round trips of earlier handshake flights that
	 * the peer answered without a retransmission (Karn's rule), kept
	 * between rto_min_ms and rto_max_ms, doubled on each retransmission
	 * and kept doubled until the next sample.  rto_initial_ms applies
	 * until there is a sample.  Estimates are kept per peer address
	 * (MSISDN or IP, ports ignored) for as many peers as max_sessions
	 * on a server and 16 on a client, so a new session with a known
	 * peer starts from what the last one learned. */
	bool	rto_learn;
	uint32_t rto_min_ms;
	/* A handshake not finished this long after it began fails. */
	uint32_t handshake_timeout_ms;
	/* An established session idle this long is dropped (0: never). */
	uint32_t idle_timeout_ms;
	/* An established session idle this long is parked (0: never): its
	 * wolfSSL object is freed and only its exported state kept, a few
	 * hundred bytes, until a datagram from or to the peer rebuilds it
	 * (docs/session.md).  Needs a wolfSSL with patches/wolfssl/0003. */
	uint32_t park_after_ms;
	/* Validity period asked for datagrams with application data. */
	uint32_t app_validity_s;

	/* Server: caps on sessions and on handshakes in progress. */
	unsigned max_sessions;
	unsigned max_half_open;
	/* RFC 5077 session tickets: a server issues them, a client asks
	 * for them.  Off by default.  They are for larger PMTUs (UDP),
	 * where the server is the constrained side: wolfSSL does not
	 * fragment a NewSessionTicket, so a server issues none below a
	 * 512-byte PMTU, and a client does not offer a ticket its
	 * ClientHello cannot carry (resumption by session ID goes on). */
	bool	session_tickets;
	/* Client: do not offer session resumption. */
	bool	no_resumption;
	/* Advertise max_fragment_length (RFC 6066) 2^9 = 512 bytes. */
	bool	max_fragment;

	/* For benchmarks only: behave as wolfSSL does on its own, to
	 * measure what smsdtls saves.  bench_no_coalesce sends each buffer
	 * wolfSSL writes as a datagram of its own instead of packing a
	 * flight into as few datagrams as fit; bench_no_trim leaves
	 * wolfSSL's default ClientHello extensions (all its groups,
	 * encrypt_then_mac) instead of the profile's.  Both cost SMS, and
	 * an untrimmed ClientHello may not fit one SMS at all (the
	 * handshake then fails).  Off by default; not for production. */
	bool	bench_no_coalesce;
	bool	bench_no_trim;
	/* For benchmarks only, server only: no HelloVerifyRequest, so a
	 * new client's handshake takes 4 flights instead of 6.  Weaker:
	 * the server then keeps state for every ClientHello and answers
	 * it with its whole first flight, spoofed ones included (the
	 * cookie exchange of RFC 6347 section 4.2.1 is what prevents
	 * that), so a forged sender number costs it memory and SMS.  For
	 * measurement only; needs a wolfSSL with patches/wolfssl/0006
	 * (smsdtls_config_check() says so otherwise). */
	bool	bench_no_cookie;

	/* Where the endpoint logs from its creation on (NULL: silent);
	 * smsdtls_endpoint_set_log_cb() changes it later. */
	smsdtls_log_cb log;
	void	*log_arg;
	int	log_level;	/* enum smsdtls_log_level, the most verbose */
};

/* Defaults: client, PSK, 10 s / 60 s fixed (rto_learn off, rto_min_ms
 * 1 s), 10 min handshake deadline, 24 h idle timeout, no parking, 1 h
 * application VP, 1024 sessions, 64 half-open, no tickets, resumption
 * on.  A server makes new clients go through the HelloVerifyRequest
 * cookie exchange (16-byte cookie), unless bench_no_cookie; a client that
 * resumes a session skips it (RFC 6347 section 4.2.1). */
void	smsdtls_config_init(struct smsdtls_config *cfg);

/* ---------------------------------------------------------------- events */

enum smsdtls_event_type {
	SMSDTLS_EV_CONNECTED = 1,	/* handshake finished */
	SMSDTLS_EV_DATA = 2,		/* application datagram received */
	SMSDTLS_EV_CLOSED = 3,		/* close_notify sent or received */
	SMSDTLS_EV_ERROR = 4		/* the session failed */
};

/*
 * An event.  After SMSDTLS_EV_CLOSED and SMSDTLS_EV_ERROR the session is
 * freed when the callback returns: do not keep the pointer.  data is
 * valid for the call only.  The callback may call smsdtls_session_send(),
 * smsdtls_session_close() and smsdtls_connect().
 */
struct smsdtls_event {
	uint8_t	type;		/* enum smsdtls_event_type */
	struct smsdtls_session *session;
	const struct smsdtls_peer *peer;
	const uint8_t *data;	/* DATA */
	size_t	len;
	smsdtls_rc rc;		/* ERROR: ETIMEDOUT, ETLS, EPROTO... */
	int	detail;		/* ERROR: wolfSSL's error code or alert */
	bool	resumed;	/* CONNECTED: abbreviated handshake */
};

typedef void (*smsdtls_event_cb)(struct smsdtls_endpoint *ep,
    const struct smsdtls_event *ev, void *arg);

/* Endpoint counters. */
struct smsdtls_endpoint_stats {
	uint64_t sessions;		/* gauge: sessions held */
	uint64_t half_open;		/* gauge: handshakes in progress */
	uint64_t handshakes_ok;
	uint64_t handshakes_resumed;
	uint64_t handshakes_failed;
	uint64_t handshakes_timedout;
	uint64_t cookies_sent;		/* HelloVerifyRequests */
	uint64_t datagrams_in;
	uint64_t datagrams_out;
	uint64_t records_out;
	uint64_t retransmissions;	/* retransmitted flights */
	uint64_t send_failures;		/* transport refused a datagram */
	uint64_t drop_unknown_peer;	/* not a ClientHello, no session */
	uint64_t drop_cap_sessions;	/* max_sessions reached */
	uint64_t drop_cap_half_open;	/* max_half_open reached */
	uint64_t drop_malformed;	/* not a DTLS record */
	uint64_t app_in;		/* application datagrams received */
	uint64_t app_out;		/* application datagrams sent */
	uint64_t parked;		/* gauge: sessions parked */
	uint64_t unparks;		/* parked sessions rebuilt */
};

/* -------------------------------------------------------------- endpoint */

/*
 * Create an endpoint.  The transport is copied (its arg must outlive the
 * endpoint).  Errors: SMSDTLS_EINVAL (inconsistent config; the reason is
 * logged through cfg->log, and smsdtls_config_check() gives it too),
 * SMSDTLS_ETLS (wolfSSL refused a key, certificate or pin; the reason is
 * logged), SMSDTLS_ENOMEM.
 */
smsdtls_rc smsdtls_endpoint_new(const struct smsdtls_config *cfg,
    const struct smsdtls_transport *transport, smsdtls_event_cb cb,
    void *cbarg, struct smsdtls_endpoint **epp);
/* Free the endpoint and its sessions without sending anything. */
void	smsdtls_endpoint_free(struct smsdtls_endpoint *ep);

/* Check a config; on SMSDTLS_EINVAL writes the reason into err. */
smsdtls_rc smsdtls_config_check(const struct smsdtls_config *cfg, char *err,
    size_t errlen);

void	smsdtls_endpoint_set_log_cb(struct smsdtls_endpoint *ep,
    smsdtls_log_cb cb, int level, void *arg);
/* Replace the server's PSK store (e.g. on reload).  Established sessions
 * are kept; resumable ones are forgotten, so that an identity removed
 * from the store cannot come back by resumption. */
void	smsdtls_endpoint_set_psk_store(struct smsdtls_endpoint *ep,
    const struct smsdtls_psk_store *store);
/*
 * Replace the endpoint's credentials (e.g. on reload) with those of cfg:
 * psk_identity, psk_key, psk_store, key, cert, ca, rpk_pins and their
 * lengths and formats.  cfg's role and auth must be the endpoint's
 * (SMSDTLS_EINVAL otherwise); its other fields are ignored: the
 * endpoint keeps its own.  Buffers are copied, psk_store is borrowed as
 * by smsdtls_endpoint_new().  Sessions created from then on, and parked
 * or imported sessions when their wolfSSL object is rebuilt, use the new
 * credentials; established sessions go on, with no new handshake.
 * Handshakes in progress finish with the own key, chain and trust
 * anchors they began with, but take RPK pins, PSK identities and keys
 * from the new ones.  Resumable sessions are forgotten, and a handshake that
 * began before the call does not leave one, so that a removed identity,
 * pin or trust anchor cannot come back by resumption.  Errors, with the
 * reason in err: SMSDTLS_EINVAL (role or mode differs, incomplete
 * credentials, malformed pins; smsdtls_config_check()), SMSDTLS_ETLS
 * (wolfSSL refused a key, certificate or trust anchor), SMSDTLS_ENOMEM.
 * Nothing changes on error.
 */
smsdtls_rc smsdtls_endpoint_set_credentials(struct smsdtls_endpoint *ep,
    const struct smsdtls_config *cfg, char *err, size_t errlen);

/*
 * Feed one received datagram from peer.  Creates a session on a
 * ClientHello (server), advances handshakes, delivers application data
 * as events and sends what the DTLS state machine answers.  Never fails
 * on bad input: garbage is dropped and counted (SMSDTLS_EPROTO is
 * returned for information, nothing else changes).
 */
smsdtls_rc smsdtls_endpoint_input(struct smsdtls_endpoint *ep,
    const struct smsdtls_peer *peer, const uint8_t *data, size_t len,
    int64_t now);

/* The earliest time at which smsdtls_endpoint_on_deadline() has work, or
 * SMSDTLS_NEVER. */
int64_t	smsdtls_endpoint_next_deadline(const struct smsdtls_endpoint *ep);

/* Run every timer due at now: retransmissions, handshake deadlines, idle
 * timeouts. */
void	smsdtls_endpoint_on_deadline(struct smsdtls_endpoint *ep, int64_t now);

void	smsdtls_endpoint_get_stats(const struct smsdtls_endpoint *ep,
    struct smsdtls_endpoint_stats *st);

/* The session with peer, or NULL. */
struct smsdtls_session *smsdtls_endpoint_find(struct smsdtls_endpoint *ep,
    const struct smsdtls_peer *peer);

/* Call fn for every session of ep (handshakes included).  fn must not
 * free or close sessions, nor call into ep. */
void	smsdtls_endpoint_foreach(struct smsdtls_endpoint *ep,
    void (*fn)(struct smsdtls_session *, void *), void *arg);

/* --------------------------------------------------------------- session */

/*
 * Client: start a handshake with peer.  *sp (may be NULL) gets the
 * session, which the endpoint owns.  SMSDTLS_EINVAL on a server endpoint
 * or when a session with peer exists already.
 */
smsdtls_rc smsdtls_connect(struct smsdtls_endpoint *ep,
    const struct smsdtls_peer *peer, int64_t now,
    struct smsdtls_session **sp);

/*
 * Send one application datagram.  SMSDTLS_ETOOBIG (nothing sent) when len
 * exceeds smsdtls_session_max_payload(); SMSDTLS_AGAIN while the
 * handshake is in progress; SMSDTLS_ECLOSED after close.
 */
smsdtls_rc smsdtls_session_send(struct smsdtls_session *s,
    const uint8_t *data, size_t len, int64_t now);

/* Send close_notify; the session is freed after its CLOSED event. */
void	smsdtls_session_close(struct smsdtls_session *s, int64_t now);

/* Largest application datagram that fits one transport datagram (104
 * with AES-128-CCM-8 at PMTU 133). */
size_t	smsdtls_session_max_payload(const struct smsdtls_session *s);

const struct smsdtls_peer *smsdtls_session_peer(
    const struct smsdtls_session *s);
bool	smsdtls_session_established(const struct smsdtls_session *s);
void	smsdtls_session_set_user(struct smsdtls_session *s, void *user);
void	*smsdtls_session_get_user(const struct smsdtls_session *s);
/* Last wolfSSL error code or alert seen by the session (0 if none). */
int	smsdtls_session_last_detail(const struct smsdtls_session *s);
/* Is the session parked (cfg.park_after_ms)? */
bool	smsdtls_session_parked(const struct smsdtls_session *s);

/* ----------------------------------------------------------- persistence */

/* Room enough for any exported session. */
#define SMSDTLS_SESSION_EXPORT_MAX	1024
/* How far an import moves the record sequence number forward: more than
 * a session sends between two exports, less than the 2^32 beyond which
 * wolfSSL drops a record as too far in the future. */
#define SMSDTLS_EXPORT_SEQ_JUMP		((uint64_t)1 << 30)

/*
 * Export an established session (parked or not) into buf, so that it can
 * be saved and later given to smsdtls_endpoint_import(): its peer, role
 * and wolfSSL state, in a versioned format with a checksum.  *len gets
 * the length.  The blob holds the session keys: keep it as secret as
 * the credentials.  SMSDTLS_AGAIN during the handshake, SMSDTLS_ECLOSED
 * after it ended, SMSDTLS_ETOOBIG if buflen is short (nothing written),
 * SMSDTLS_ETLS if wolfSSL cannot export it.  May be called from an event
 * callback.
 */
smsdtls_rc smsdtls_session_export(const struct smsdtls_session *s,
    uint8_t *buf, size_t buflen, size_t *len);

/*
 * Restore an exported session into ep, established, without a handshake
 * and without an event; *sp (may be NULL) gets it.  Crash safety: the
 * export may be older than the last records the session sent, so its
 * record sequence number is moved SMSDTLS_EXPORT_SEQ_JUMP past the
 * larger of the exported one and the one in the blob; save the session
 * again (smsdtls_session_export()) right after importing it, so that the
 * next import starts from there.  Records the peer sent after the export
 * are not known to the restored replay window (docs/session.md).
 * Parked at once when cfg.park_after_ms is set.  Errors: SMSDTLS_EPROTO
 * (not an export, truncated or corrupt), SMSDTLS_EUNSUPP (unknown format
 * version, or a wolfSSL without patches/wolfssl/0003), SMSDTLS_EINVAL
 * (made by an endpoint of another role or mode, or ep has a session with
 * that peer already), SMSDTLS_ELIMIT (max_sessions on a server, or the
 * sequence numbers are used up), SMSDTLS_ETLS (wolfSSL refused the
 * state), SMSDTLS_ENOMEM.  Nothing changes on error.
 */
smsdtls_rc smsdtls_endpoint_import(struct smsdtls_endpoint *ep,
    const uint8_t *buf, size_t len, int64_t now,
    struct smsdtls_session **sp);

#ifdef __cplusplus
}
#endif

#endif /* SMSDTLS_SESSION_H */
