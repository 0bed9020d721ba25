/*
 * session_int.h - the insides of endpoints and sessions, shared by
 * endpoint.c (demultiplexing, timers, server accept), session.c (one
 * association's life) and wssl.c (wolfSSL set-up and I/O callbacks).
 * Not installed.
 */
#ifndef SMSDTLS_SESSION_INT_H
#define SMSDTLS_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <smsdtls/session.h>

#include "transport/flight.h"
#include "transport/sesscache.h"
#include "transport/rto.h"

enum session_state {
	SESSION_HANDSHAKE = 0,
	SESSION_ESTABLISHED = 1,
	SESSION_CLOSED = 2,	/* CLOSED or ERROR event pending or given */
};

struct smsdtls_session {
	struct smsdtls_endpoint *ep;
	struct smsdtls_peer peer;
	WOLFSSL	*ssl;
	uint32_t id;
	uint8_t	state;		/* enum session_state */
	bool	counted_half_open;
	bool	resumed;
	bool	offered_resume;	/* client: proposed ep->resume */
	bool	unknown_identity; /* the PSK callback refused the identity */
	bool	sent_hvr;	/* a HelloVerifyRequest went out */
	int	detail;		/* last wolfSSL error or alert */
	smsdtls_rc fail_rc;

	int64_t	started;	/* handshake start */
	int64_t	last_active;	/* last datagram in or out */
	int64_t	rtx_at;		/* retransmission deadline, or NEVER */
	int64_t	deadline;	/* min(rtx_at, handshake or idle deadline) */
	size_t	heap_idx;	/* position in the endpoint's timer heap */
	uint64_t tx_seq0;	/* highest epoch-0 sequence number sent + 1 */

	/* Round trips of handshake flights (cfg.rto_learn; rto.c). */
	struct rto_est rto;	/* the peer's estimate */
	uint32_t rto_cur_ms;	/* timeout in force, backoff included */
	int64_t	flight_at;	/* when our latest flight first left */
	bool	flight_open;	/* its answer has not come yet */
	bool	flight_rtx;	/* it was sent again: no sample (Karn) */
	bool	rx_new;		/* the input being fed starts a new flight */
	int32_t	rx_hs_seq;	/* highest handshake message_seq seen, or -1 */
	uint16_t rx_epoch;	/* highest record epoch seen */
	/* Server: the random of the ClientHello that made the session, to
	 * tell a late copy of it from a new one once established; client:
	 * that of the ServerHello, likewise. */
	uint8_t	hello_random[32];
	bool	has_hello_random;
	/* Server: the established session with the same peer that this
	 * handshake replaces once it completes (a resuming ClientHello
	 * came without a cookie: RFC 6347 section 4.2.8), by id. */
	bool	replaces;
	uint32_t replaces_id;

	/* Our records at the current write epoch (session_tx_check()). */
	uint16_t tx_epoch;	/* highest epoch we sent a record in */
	uint64_t tx_next;	/* lowest sequence number still unused */
	bool	tx_fault;	/* a record was refused: the session fails */
	/* Parking (cfg.park_after_ms): the packed wolfSSL state while ssl
	 * is NULL, and the earliest time the session may be parked. */
	uint8_t	*parked;
	uint16_t parked_len;
	int64_t	park_hold;

	/* The datagram being fed to wolfSSL (borrowed during one call). */
	const uint8_t *rx;
	size_t	rx_len;

	void	*user;
	struct smsdtls_session *hnext;	/* hash chain */
	struct smsdtls_session *cnext;	/* list of ended sessions */
};

struct smsdtls_endpoint {
	struct smsdtls_config cfg;	/* buffers point into owned copies */
	uint8_t	*owned;			/* those copies, one allocation */
	size_t	owned_len;
	WOLFSSL_CTX *ctx;
	struct smsdtls_transport tr;
	smsdtls_event_cb cb;
	void	*cbarg;
	smsdtls_log_cb log;
	int	log_level;
	void	*logarg;
	const struct smsdtls_psk_store *psk_store;
	uint8_t	cookie_secret[32];
	WOLFSSL_SESSION *resume;	/* client: last session, for resumption */
	struct sesscache *scache;	/* server: resumable sessions */
	struct smsdtls_peer resume_peer;

	/* The records wolfSSL writes during one call (one call at a time). */
	struct flight tx;

	/* Sessions by peer: open hashing with chains. */
	struct smsdtls_session **buckets;
	size_t	nbuckets;
	uint32_t hash_seed;
	/* Sessions by deadline: a binary min-heap. */
	struct smsdtls_session **heap;
	size_t	nheap;
	size_t	heap_cap;

	/* Ended sessions, freed once no event callback is running. */
	struct smsdtls_session *closed;
	int	depth;			/* event callbacks running */

	uint32_t next_id;
	struct smsdtls_endpoint_stats stats;
	/* Learned round trips by peer address (cfg.rto_learn), or NULL. */
	struct rto_table *rto;
};

/* endpoint.c */
void	endpoint_log(struct smsdtls_endpoint *ep, int level, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
smsdtls_rc endpoint_add(struct smsdtls_endpoint *ep, struct smsdtls_session *s);
void	endpoint_remove(struct smsdtls_endpoint *ep, struct smsdtls_session *s);
void	endpoint_reschedule(struct smsdtls_endpoint *ep,
	    struct smsdtls_session *s);
/* Queue an ended session for freeing. */
void	endpoint_doom(struct smsdtls_endpoint *ep, struct smsdtls_session *s);
/* The session of peer with the given id that is not closed, or NULL. */
struct smsdtls_session *endpoint_find_id(struct smsdtls_endpoint *ep,
	    const struct smsdtls_peer *peer, uint32_t id);

/* session.c */
smsdtls_rc session_new(struct smsdtls_endpoint *ep,
	    const struct smsdtls_peer *peer, int64_t now,
	    struct smsdtls_session **sp);
void	session_free(struct smsdtls_session *s);
smsdtls_rc session_input(struct smsdtls_session *s, const uint8_t *data,
	    size_t len, int64_t now);
void	session_on_deadline(struct smsdtls_session *s, int64_t now);
/* Client: send the first ClientHello. */
smsdtls_rc session_start(struct smsdtls_session *s, int64_t now);
/* Server: is data a ClientHello that starts a new association with the
 * peer of established session s (not a late copy of the one that made
 * s)? */
bool	session_new_hello(struct smsdtls_session *s, const uint8_t *data,
	    size_t len);
/* End s, replaced by a new association with its peer: an
 * SMSDTLS_EV_ERROR event with SMSDTLS_ECLOSED, nothing sent. */
void	session_replace(struct smsdtls_session *s);
/* Does the whole, unfragmented ClientHello in data carry a cookie? */
bool	session_hello_cookie(const uint8_t *data, size_t len);
int	session_io_recv(struct smsdtls_session *s, char *buf, int sz);
int	session_io_send(struct smsdtls_session *s, const char *buf, int sz);

/* wssl.c */
/* ep->ctx and, on a server, ep->scache, the cookie secret and hash seed,
 * for a new endpoint. */
smsdtls_rc wssl_ctx_new(struct smsdtls_endpoint *ep, char *err,
	    size_t errlen);
/* A new ep->ctx from ep->cfg (the caller keeps the old one); on error
 * ep->ctx is NULL. */
smsdtls_rc wssl_ctx_make(struct smsdtls_endpoint *ep, char *err,
	    size_t errlen);
/* Is s's WOLFSSL object made with ep->ctx, the current credentials? */
bool	wssl_current(const struct smsdtls_session *s);
smsdtls_rc wssl_new(struct smsdtls_session *s);
/* Current retransmission timeout of s in milliseconds. */
uint32_t wssl_rto_ms(const struct smsdtls_session *s);
/* Largest application datagram in one record within the PMTU. */
size_t	wssl_max_payload(const struct smsdtls_session *s);
/* wolfSSL_write() of at most wssl_max_payload() bytes, in one record. */
int	wssl_write(struct smsdtls_session *s, const uint8_t *data, size_t len);

/* The largest wolfSSL session state wssl_export() writes. */
#define WSSL_STATE_MAX		768
/* wolfSSL_dtls_export() of an established session into buf: its
 * length, or 0 if wolfSSL refused. */
size_t	wssl_export(WOLFSSL *ssl, uint8_t *buf, size_t max);
/* A new s->ssl from exported state, checked to be an established DTLS
 * 1.2 session of the endpoint's role and suite. */
smsdtls_rc wssl_import(struct smsdtls_session *s, const uint8_t *state,
	    size_t len);
/* The write epoch and next write sequence number in exported state;
 * false if it is not laid out as wolfSSL 5.7 writes it. */
bool	wssl_state_seq(const uint8_t *state, size_t len, uint16_t *epoch,
	    uint64_t *seq);
/* Set the next write sequence number in exported state. */
bool	wssl_state_set_seq(uint8_t *state, size_t len, uint64_t seq);

#endif /* SMSDTLS_SESSION_INT_H */
