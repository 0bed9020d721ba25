/*
 * session.c - one DTLS 1.2 association: drives its WOLFSSL object with
 * the datagram that arrived or the timer that fired, packs what wolfSSL
 * wrote into datagrams (flight.c), gives each datagram its validity
 * period, keeps the retransmission timer (RFC 6347 section 4.2.4 with the
 * RFC 7925 section 13 values, or learned from the round trips of earlier
 * flights with cfg.rto_learn) and reports what happened as events.  An
 * idle established session can be parked (its WOLFSSL object freed, its
 * state kept exported), and sessions are exported and imported for the
 * daemon's state directory (docs/session.md).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>

#include "transport/session_int.h"

/* Alert numbers (RFC 5246 section 7.2). */
#define ALERT_FATAL		2
#define ALERT_DECRYPT_ERROR	51
#define ALERT_PROTOCOL_VERSION	70
/* DTLS 1.2 on the wire. */
#define DTLS12_MAJOR		0xfe
#define DTLS12_MINOR		0xfd
/* Handshake message types (RFC 6347 section 4.3.2). */
#define HS_CLIENT_HELLO		1
#define HS_SERVER_HELLO		2
#define HS_HELLO_VERIFY_REQUEST	3
/* A ClientHello's random follows its 2-byte client_version. */
#define HELLO_RANDOM_OFF	2
#define HELLO_RANDOM_LEN	32
/* DTLS handshake header: type(1) length(3) message_seq(2) fragment
 * offset(3) fragment length(3). */
#define HS_HEADER		12

/* Parking and export (at the end of the file). */
static void	session_park(struct smsdtls_session *, int64_t);
static smsdtls_rc session_unpark(struct smsdtls_session *);
static smsdtls_rc session_input_parked(struct smsdtls_session *,
		    const uint8_t *, size_t, int64_t);
static void	session_drop_parked(struct smsdtls_session *);

static int64_t
add_ms(int64_t t, uint64_t ms)
{
	return t > SMSDTLS_NEVER - (int64_t)ms ? SMSDTLS_NEVER :
	    t + (int64_t)ms;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* When an established session that is not parked gets parked, or
 * SMSDTLS_NEVER. */
static int64_t
session_park_at(const struct smsdtls_session *s)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;
	int64_t t;

	if (cfg->park_after_ms == 0 || s->ssl == NULL)
		return SMSDTLS_NEVER;
	t = add_ms(s->last_active, cfg->park_after_ms);
	return t > s->park_hold ? t : s->park_hold;
}

/* The time of the session's next timer. */
static int64_t
session_deadline(const struct smsdtls_session *s)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;
	int64_t idle;

	switch (s->state) {
	case SESSION_HANDSHAKE:
		return min64(s->rtx_at,
		    add_ms(s->started, cfg->handshake_timeout_ms));
	case SESSION_ESTABLISHED:
		idle = cfg->idle_timeout_ms == 0 ? SMSDTLS_NEVER :
		    add_ms(s->last_active, cfg->idle_timeout_ms);
		return min64(idle, session_park_at(s));
	default:
		return SMSDTLS_NEVER;
	}
}

static void
session_update_deadline(struct smsdtls_session *s)
{
	s->deadline = session_deadline(s);
	endpoint_reschedule(s->ep, s);
}

static void
session_emit(struct smsdtls_session *s, struct smsdtls_event *ev)
{
	struct smsdtls_endpoint *ep = s->ep;

	ev->session = s;
	ev->peer = &s->peer;
	if (ep->cb == NULL)
		return;
	ep->depth++;
	ep->cb(ep, ev, ep->cbarg);
	ep->depth--;
}

/* Leave the handshake counters consistent when a session stops. */
static void
session_end_half_open(struct smsdtls_session *s)
{
	if (s->counted_half_open) {
		s->counted_half_open = false;
		s->ep->stats.half_open--;
	}
}

/* End the session with an event; it is freed by the endpoint later. */
static void
session_finish(struct smsdtls_session *s, struct smsdtls_event *ev)
{
	if (s->state == SESSION_CLOSED)
		return;
	if (s->state == SESSION_HANDSHAKE) {
		if (ev->rc == SMSDTLS_ETIMEDOUT)
			s->ep->stats.handshakes_timedout++;
		else
			s->ep->stats.handshakes_failed++;
	}
	session_end_half_open(s);
	/* A resumption attempt that failed (session_resume_fallback()
	 * could not help): forget the session so that the next connect
	 * does a full handshake. */
	if (s->state == SESSION_HANDSHAKE && s->offered_resume &&
	    s->ep->resume != NULL) {
		wolfSSL_SESSION_free(s->ep->resume);
		s->ep->resume = NULL;
	}
	s->state = SESSION_CLOSED;
	s->rtx_at = SMSDTLS_NEVER;
	session_update_deadline(s);
	endpoint_doom(s->ep, s);
	session_emit(s, ev);
}

static void
session_fail(struct smsdtls_session *s, smsdtls_rc rc, int detail)
{
	struct smsdtls_event ev = { .type = SMSDTLS_EV_ERROR, .rc = rc,
	    .detail = detail };

	s->detail = detail;
	endpoint_log(s->ep, SMSDTLS_LOG_INFO,
	    "session %08x failed rc=%s detail=%d", s->id,
	    smsdtls_strerror(rc), detail);
	session_finish(s, &ev);
}

static void
session_closed(struct smsdtls_session *s)
{
	struct smsdtls_event ev = { .type = SMSDTLS_EV_CLOSED };

	session_finish(s, &ev);
}

int
session_io_recv(struct smsdtls_session *s, char *buf, int sz)
{
	size_t n;

	if (s->rx == NULL)
		return WOLFSSL_CBIO_ERR_WANT_READ;
	/* A datagram longer than wolfSSL's buffer is cut and fails its
	 * record checks, as a truncated UDP datagram would. */
	n = s->rx_len < (size_t)sz ? s->rx_len : (size_t)sz;
	memcpy(buf, s->rx, n);
	s->rx = NULL;
	s->rx_len = 0;
	return (int)n;
}

/*
 * Every record we send at epoch 1 or later must carry a sequence number
 * above those sent before in its epoch (after an import, above the jump:
 * tx_next), and an explicit AES-CCM nonce (both suites of the profile)
 * equal to it.  RFC 6655 section 3 leaves the nonce to the sender;
 * wolfSSL counts it up one per record, so it equals the sequence number,
 * and patches/wolfssl/0003 keeps it so across an import.  So no sequence
 * number and no nonce is ever used twice with one key, even when a
 * restored session or a wolfSSL without the patch would.
 */
static bool
session_tx_check(struct smsdtls_session *s, const struct flight *f,
    const struct flight_record *r)
{
	const uint8_t *p = f->buf + r->off;
	uint64_t nonce = 0;
	int i;

	if (r->epoch == 0)
		return true;		/* plaintext: handshake only */
	if (r->epoch < s->tx_epoch)
		return false;
	if (r->epoch > s->tx_epoch) {
		s->tx_epoch = r->epoch;
		s->tx_next = 0;
	}
	if (r->seq < s->tx_next || r->len < FLIGHT_RECORD_HEADER + 8 + 8)
		return false;
	for (i = 0; i < 8; i++)
		nonce = nonce << 8 | p[FLIGHT_RECORD_HEADER + i];
	if (nonce != r->seq)
		return false;
	s->tx_next = r->seq + 1;
	return true;
}

int
session_io_send(struct smsdtls_session *s, const char *buf, int sz)
{
	struct flight *f = &s->ep->tx;
	size_t i = f->nrec, nrec0 = f->nrec, len0 = f->len;

	if (flight_append(f, (const uint8_t *)buf, (size_t)sz) != SMSDTLS_OK)
		endpoint_log(s->ep, SMSDTLS_LOG_WARN,
		    "session %08x dropped %d bytes from wolfSSL", s->id, sz);
	for (; i < f->nrec; i++) {
		if (f->rec[i].epoch == 0 && f->rec[i].seq >= s->tx_seq0)
			s->tx_seq0 = f->rec[i].seq + 1;
		if (!session_tx_check(s, f, &f->rec[i])) {
			endpoint_log(s->ep, SMSDTLS_LOG_ERROR, "session %08x "
			    "record refused epoch=%u seq=%llu: sequence number "
			    "or nonce used before", s->id, f->rec[i].epoch,
			    (unsigned long long)f->rec[i].seq);
			f->nrec = nrec0;
			f->len = len0;
			s->tx_fault = true;
			return WOLFSSL_CBIO_ERR_GENERAL;
		}
	}
	/* Taken: packed and sent when the wolfSSL call returns. */
	return sz;
}

/* Send the records wolfSSL wrote during the last call, packed. */
static void
session_flush(struct smsdtls_session *s, int64_t now)
{
	struct smsdtls_endpoint *ep = s->ep;
	struct flight *f = &ep->tx;
	struct flight_dgram d[FLIGHT_MAX_RECORDS];
	struct smsdtls_send_info info = { .now = now };
	size_t n, i, pmtu;
	uint32_t rto_s;

	if (f->nrec == 0)
		return;
	pmtu = ep->tr.ops->pmtu(ep->tr.arg, &s->peer);
	if (ep->cfg.bench_no_coalesce)
		flight_pack_calls(f, pmtu, d, FLIGHT_MAX_RECORDS, &n);
	else
		flight_pack(f, pmtu, d, FLIGHT_MAX_RECORDS, &n);
	rto_s = (wssl_rto_ms(s) + 999) / 1000;
	for (i = 0; i < n; i++) {
		const uint8_t *rec = f->buf + f->rec[d[i].first].off;

		if (rec[0] == FLIGHT_CT_HANDSHAKE && d[i].len > 13 &&
		    rec[13] == HS_HELLO_VERIFY_REQUEST)
			s->sent_hvr = true;
		info.handshake = d[i].handshake;
		info.validity = d[i].handshake ? rto_s : ep->cfg.app_validity_s;
		if (ep->tr.ops->send(ep->tr.arg, &s->peer, rec, d[i].len,
		    &info) !=
		    SMSDTLS_OK)
			ep->stats.send_failures++;
		ep->stats.datagrams_out++;
		ep->stats.records_out += d[i].count;
	}
	s->last_active = now;
	flight_reset(f);
}

/*
 * Send a fatal alert of our own at epoch 0, dropping whatever wolfSSL
 * wrote in this call; it takes the next epoch-0 sequence number.  Used
 * where the profile wants an alert that wolfSSL does not send.
 */
static void
session_send_alert(struct smsdtls_session *s, uint8_t desc, int64_t now)
{
	uint8_t rec[FLIGHT_RECORD_HEADER + 2];
	uint64_t seq = s->tx_seq0;

	flight_reset(&s->ep->tx);
	rec[0] = FLIGHT_CT_ALERT;
	rec[1] = DTLS12_MAJOR;
	rec[2] = DTLS12_MINOR;
	rec[3] = rec[4] = 0;
	for (int i = 10; i >= 5; i--) {
		rec[i] = (uint8_t)seq;
		seq >>= 8;
	}
	rec[11] = 0;
	rec[12] = 2;
	rec[13] = ALERT_FATAL;
	rec[14] = desc;
	session_io_send(s, (const char *)rec, sizeof(rec));
	session_flush(s, now);
}

/* The alert the profile wants for a failed handshake, if wolfSSL's
 * choice differs: an unknown PSK identity gets decrypt_error, which the
 * peer cannot tell from a wrong key (RFC 7925 section 4.2); a peer
 * without DTLS 1.2 gets protocol_version (RFC 7925 section 5), which
 * wolfSSL 5.7.2 does not send on its own. */
static int
session_profile_alert(const struct smsdtls_session *s, int err)
{
	if (s->unknown_identity)
		return ALERT_DECRYPT_ERROR;
	if (err == VERSION_ERROR)
		return ALERT_PROTOCOL_VERSION;
	return -1;
}

/* ------------------------------------------------ learned round trips */

static struct rto_bounds
session_rto_bounds(const struct smsdtls_config *cfg)
{
	struct rto_bounds b = { .min_ms = cfg->rto_min_ms,
	    .initial_ms = cfg->rto_initial_ms, .max_ms = cfg->rto_max_ms };

	return b;
}

/* A new session starts from what the endpoint learned of the peer. */
static void
session_rto_init(struct smsdtls_session *s)
{
	struct smsdtls_endpoint *ep = s->ep;
	struct rto_bounds b = session_rto_bounds(&ep->cfg);

	s->rx_hs_seq = -1;
	if (!ep->cfg.rto_learn)
		return;
	(void)rto_table_get(ep->rto, &s->peer, &s->rto);
	s->rto_cur_ms = rto_timeout(&s->rto, &b);
}

/*
 * Does the datagram bring something the peer had not sent before: a
 * handshake message later than any seen, or a record of a later epoch
 * (its Finished)?  A repeated flight or a late copy does not.  Only
 * whole records are looked at; what follows a malformed one is ignored.
 */
static bool
session_rx_advances(struct smsdtls_session *s, const uint8_t *data,
    size_t len)
{
	struct flight_record rec;
	const uint8_t *hs;
	size_t off;
	int32_t seq;
	bool adv = false;

	for (off = 0; off < len && flight_parse_record(data + off, len - off,
	    &rec); off += rec.len) {
		if (rec.epoch > s->rx_epoch) {
			s->rx_epoch = rec.epoch;
			adv = true;
		} else if (rec.epoch == 0 && rec.type == FLIGHT_CT_HANDSHAKE &&
		    rec.len >= FLIGHT_RECORD_HEADER + HS_HEADER) {
			hs = data + off + FLIGHT_RECORD_HEADER;
			seq = (int32_t)(hs[4] << 8 | hs[5]);
			if (seq > s->rx_hs_seq) {
				s->rx_hs_seq = seq;
				adv = true;
			}
		}
	}
	return adv;
}

/* The peer answered our latest flight: a round-trip sample, unless the
 * flight went out more than once and the answer may be to any copy
 * (Karn's rule). */
static void
session_rtt_answer(struct smsdtls_session *s, int64_t now)
{
	struct smsdtls_endpoint *ep = s->ep;
	struct rto_bounds b = session_rto_bounds(&ep->cfg);
	int64_t rtt = now - s->flight_at;

	if (!s->flight_open)
		return;
	s->flight_open = false;
	if (!ep->cfg.rto_learn || s->flight_rtx || rtt < 0)
		return;
	rto_sample(&s->rto, rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt);
	s->rto_cur_ms = rto_timeout(&s->rto, &b);
	rto_table_put(ep->rto, &s->peer, &s->rto);
	endpoint_log(ep, SMSDTLS_LOG_DEBUG, "session %08x rtt=%lld srtt=%u "
	    "rto=%u", s->id, (long long)rtt, rto_srtt_ms(&s->rto),
	    s->rto_cur_ms);
}

/* wolfSSL wrote handshake records: a new flight if what came in was new
 * (or at the start), otherwise the retransmission that a repeated flight
 * of the peer asks for. */
static void
session_flight_out(struct smsdtls_session *s, int64_t now)
{
	if (s->rx_new) {
		s->flight_at = now;
		s->flight_open = true;
		s->flight_rtx = false;
	} else
		s->flight_rtx = true;
	s->rtx_at = add_ms(now, wssl_rto_ms(s));
}

static void
session_established(struct smsdtls_session *s)
{
	struct smsdtls_event ev = { .type = SMSDTLS_EV_CONNECTED };
	struct smsdtls_endpoint *ep = s->ep;

	s->state = SESSION_ESTABLISHED;
	s->rtx_at = SMSDTLS_NEVER;
	s->resumed = wolfSSL_session_reused(s->ssl) == 1;
	/* Our last flight may still have to be sent again (from wolfSSL's
	 * copy, which parking drops) until the peer shows it has it. */
	s->park_hold = add_ms(s->last_active, ep->cfg.handshake_timeout_ms);
	session_end_half_open(s);
	if (s->replaces) {
		struct smsdtls_session *old = endpoint_find_id(ep, &s->peer,
		    s->replaces_id);

		s->replaces = false;
		if (old != NULL)
			session_replace(old);
	}
	ep->stats.handshakes_ok++;
	if (s->resumed)
		ep->stats.handshakes_resumed++;
	/* Not a session whose handshake began under credentials replaced
	 * since (smsdtls_endpoint_set_credentials()). */
	if (ep->cfg.role == SMSDTLS_CLIENT && !ep->cfg.no_resumption &&
	    wssl_current(s)) {
		wolfSSL_SESSION_free(ep->resume);
		ep->resume = wolfSSL_get1_session(s->ssl);
		ep->resume_peer = s->peer;
	}
	endpoint_log(ep, SMSDTLS_LOG_INFO, "session %08x handshake-done%s",
	    s->id, s->resumed ? " resumed" : "");
	ev.resumed = s->resumed;
	session_emit(s, &ev);
}

/*
 * Client: the server did not know the session offered for resumption
 * (restart, credentials replaced, cache eviction) and asked for a cookie;
 * the ClientHello with the session ID and the cookie does not fit the
 * PMTU (DTLS_SIZE_ERROR).  Forget the session and start over in the same
 * smsdtls_session with a new WOLFSSL object and a full handshake.
 * Returns false (nothing changed but the forgotten session) if it cannot.
 */
static bool
session_resume_fallback(struct smsdtls_session *s, int err)
{
	struct smsdtls_endpoint *ep = s->ep;
	WOLFSSL *old = s->ssl;

	if (ep->cfg.role != SMSDTLS_CLIENT || !s->offered_resume ||
	    err != DTLS_SIZE_ERROR)
		return false;
	s->offered_resume = false;
	wolfSSL_SESSION_free(ep->resume);
	ep->resume = NULL;
	s->ssl = NULL;
	if (wssl_new(s) != SMSDTLS_OK) {
		s->ssl = old;
		return false;
	}
	wolfSSL_free(old);
	flight_reset(&ep->tx);
	s->sent_hvr = false;
	s->has_hello_random = false;
	s->rx_hs_seq = -1;
	s->rx_epoch = 0;
	endpoint_log(ep, SMSDTLS_LOG_INFO, "session %08x resumption-refused "
	    "full-handshake", s->id);
	return true;
}

/* Advance the handshake; returns false if the session ended. */
static bool
session_handshake(struct smsdtls_session *s, int64_t now)
{
	int rc, err, alert;

again:
	rc = s->ep->cfg.role == SMSDTLS_CLIENT ? wolfSSL_connect(s->ssl) :
	    wolfSSL_accept(s->ssl);
	if (rc == WOLFSSL_SUCCESS) {
		session_flush(s, now);
		session_established(s);
		return s->state == SESSION_ESTABLISHED;
	}
	err = wolfSSL_get_error(s->ssl, rc);
	if (err == WOLFSSL_ERROR_WANT_READ || err == WOLFSSL_ERROR_WANT_WRITE) {
		if (s->ep->tx.nrec > 0)
			session_flight_out(s, now);
		session_flush(s, now);
		return true;
	}
	if (session_resume_fallback(s, err))
		goto again;
	alert = session_profile_alert(s, err);
	if (alert >= 0)
		session_send_alert(s, (uint8_t)alert, now);
	else
		session_flush(s, now);
	session_fail(s, SMSDTLS_ETLS, err);
	return false;
}

/* Read application data until wolfSSL wants more input. */
static void
session_read(struct smsdtls_session *s, int64_t now)
{
	uint8_t buf[2048];
	int n, err;

	while (s->state == SESSION_ESTABLISHED) {
		n = wolfSSL_read(s->ssl, buf, sizeof(buf));
		session_flush(s, now);
		if (n > 0) {
			struct smsdtls_event ev = { .type = SMSDTLS_EV_DATA,
			    .data = buf, .len = (size_t)n };

			s->ep->stats.app_in++;
			s->park_hold = 0;	/* it has our last flight */
			session_emit(s, &ev);
			continue;
		}
		err = wolfSSL_get_error(s->ssl, n);
		if (err == WOLFSSL_ERROR_WANT_READ ||
		    err == WOLFSSL_ERROR_WANT_WRITE)
			return;
		if (err == WOLFSSL_ERROR_ZERO_RETURN)
			session_closed(s);
		else
			session_fail(s, SMSDTLS_ETLS, err);
	}
}

smsdtls_rc
session_new(struct smsdtls_endpoint *ep, const struct smsdtls_peer *peer,
    int64_t now, struct smsdtls_session **sp)
{
	struct smsdtls_session *s;
	smsdtls_rc rc;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return SMSDTLS_ENOMEM;
	s->ep = ep;
	s->peer = *peer;
	s->id = ep->next_id++;
	s->started = now;
	s->last_active = now;
	s->rtx_at = SMSDTLS_NEVER;
	s->deadline = SMSDTLS_NEVER;
	session_rto_init(s);
	rc = wssl_new(s);
	if (rc == SMSDTLS_OK)
		rc = endpoint_add(ep, s);
	if (rc != SMSDTLS_OK) {
		wolfSSL_free(s->ssl);
		free(s);
		return rc;
	}
	s->counted_half_open = true;
	ep->stats.half_open++;
	session_update_deadline(s);
	*sp = s;
	return SMSDTLS_OK;
}

void
session_free(struct smsdtls_session *s)
{
	if (s == NULL)
		return;
	session_end_half_open(s);
	endpoint_remove(s->ep, s);
	wolfSSL_free(s->ssl);
	session_drop_parked(s);
	free(s);
}

/* The random of a whole, unfragmented ClientHello (or ServerHello) at
 * the start of data, or NULL. */
static const uint8_t *
session_hello_random_of(const uint8_t *data, size_t len, uint8_t type)
{
	struct flight_record rec;
	const uint8_t *hs;

	if (data == NULL || !flight_parse_record(data, len, &rec) ||
	    rec.type != FLIGHT_CT_HANDSHAKE || rec.epoch != 0 ||
	    rec.len < FLIGHT_RECORD_HEADER + HS_HEADER + HELLO_RANDOM_OFF +
	    HELLO_RANDOM_LEN)
		return NULL;
	hs = data + FLIGHT_RECORD_HEADER;
	if (hs[0] != type || (hs[6] | hs[7] | hs[8]) != 0)
		return NULL;
	return hs + HS_HEADER + HELLO_RANDOM_OFF;
}

static const uint8_t *
session_hello_random(const uint8_t *data, size_t len)
{
	return session_hello_random_of(data, len, HS_CLIENT_HELLO);
}

/*
 * Client: is data a plaintext flight that an established session must
 * not give wolfSSL (it would end the session with DUPLICATE_MSG_E)?  A
 * HelloVerifyRequest, or a ServerHello other than the one that made the
 * session: the server's answers to ClientHellos forged in our name
 * (RFC 6347 section 4.2.8 keeps the server's session; this keeps ours).
 * A copy of our ServerHello, from a server resending its last flight of
 * a resumption, still goes to wolfSSL, which answers it.
 */
static bool
session_stray_hello(struct smsdtls_session *s, const uint8_t *data,
    size_t len)
{
	struct flight_record rec;
	const uint8_t *r;

	if (s->ep->cfg.role != SMSDTLS_CLIENT || data == NULL)
		return false;
	r = session_hello_random_of(data, len, HS_SERVER_HELLO);
	if (s->state == SESSION_HANDSHAKE) {
		if (r != NULL && !s->has_hello_random) {
			memcpy(s->hello_random, r, HELLO_RANDOM_LEN);
			s->has_hello_random = true;
		}
		return false;
	}
	if (s->state != SESSION_ESTABLISHED ||
	    !flight_parse_record(data, len, &rec) ||
	    rec.type != FLIGHT_CT_HANDSHAKE || rec.epoch != 0 ||
	    rec.len <= FLIGHT_RECORD_HEADER)
		return false;
	if (data[FLIGHT_RECORD_HEADER] == HS_HELLO_VERIFY_REQUEST)
		return true;
	return r != NULL && (!s->has_hello_random ||
	    memcmp(s->hello_random, r, HELLO_RANDOM_LEN) != 0);
}

/*
 * Server: keep the random of the ClientHello that makes the session.
 * Once it is established, a copy of that ClientHello (a retransmission
 * the SMSC delivered late) is to be dropped: wolfSSL would take it for a
 * renegotiation in plaintext and end the session (OUT_OF_ORDER_E).  The
 * client sends the same random in both of its ClientHellos (RFC 6347
 * section 4.2.1); a ClientHello with another one, from a client that
 * started over, still goes to wolfSSL.
 */
static bool
session_late_hello(struct smsdtls_session *s, const uint8_t *data,
    size_t len)
{
	const uint8_t *r;

	if (s->ep->cfg.role != SMSDTLS_SERVER ||
	    (r = session_hello_random(data, len)) == NULL)
		return false;
	if (s->state == SESSION_HANDSHAKE) {
		if (!s->has_hello_random) {
			memcpy(s->hello_random, r, HELLO_RANDOM_LEN);
			s->has_hello_random = true;
		}
		return false;
	}
	return s->state == SESSION_ESTABLISHED && s->has_hello_random &&
	    memcmp(s->hello_random, r, HELLO_RANDOM_LEN) == 0;
}

bool
session_new_hello(struct smsdtls_session *s, const uint8_t *data,
    size_t len)
{
	const uint8_t *r;

	if (s->ep->cfg.role != SMSDTLS_SERVER ||
	    s->state != SESSION_ESTABLISHED ||
	    (r = session_hello_random(data, len)) == NULL)
		return false;
	return !s->has_hello_random ||
	    memcmp(s->hello_random, r, HELLO_RANDOM_LEN) != 0;
}

bool
session_hello_cookie(const uint8_t *data, size_t len)
{
	struct flight_record rec;
	const uint8_t *r;
	size_t sid, end;

	if ((r = session_hello_random(data, len)) == NULL ||
	    !flight_parse_record(data, len, &rec))
		return false;
	/* random, session_id<0..32>, cookie<0..255> */
	end = rec.len - (size_t)(r - data);
	if (end < HELLO_RANDOM_LEN + 1)
		return false;
	sid = r[HELLO_RANDOM_LEN];
	if (end < HELLO_RANDOM_LEN + 1 + sid + 1)
		return false;
	return r[HELLO_RANDOM_LEN + 1 + sid] > 0;
}

void
session_replace(struct smsdtls_session *s)
{
	endpoint_log(s->ep, SMSDTLS_LOG_INFO, "session %08x replaced: the "
	    "peer started a new association", s->id);
	session_fail(s, SMSDTLS_ECLOSED, 0);
}

smsdtls_rc
session_input(struct smsdtls_session *s, const uint8_t *data, size_t len,
    int64_t now)
{
	const struct smsdtls_endpoint_stats *st = &s->ep->stats;
	uint64_t in0 = st->app_in, out0 = st->datagrams_out;
	int64_t active0 = s->last_active;
	bool was_up = s->state == SESSION_ESTABLISHED;

	if (s->state == SESSION_CLOSED)
		return SMSDTLS_ECLOSED;
	if (s->ssl == NULL)
		return session_input_parked(s, data, len, now);
	if (session_late_hello(s, data, len)) {
		endpoint_log(s->ep, SMSDTLS_LOG_DEBUG,
		    "session %08x late-client-hello dropped", s->id);
		return SMSDTLS_OK;
	}
	if (session_stray_hello(s, data, len)) {
		endpoint_log(s->ep, SMSDTLS_LOG_DEBUG,
		    "session %08x stray-server-hello dropped", s->id);
		return SMSDTLS_OK;
	}
	s->rx = data;
	s->rx_len = len;
	s->last_active = now;
	if (s->state == SESSION_HANDSHAKE) {
		/* The first call, or a flight the peer had not sent before. */
		s->rx_new = data == NULL || session_rx_advances(s, data, len);
		if (s->rx_new && data != NULL)
			session_rtt_answer(s, now);
		if (!session_handshake(s, now))
			goto out;
	}
	/* Records after the handshake's last ones may share the datagram. */
	session_read(s, now);
out:
	s->rx = NULL;
	s->rx_len = 0;
	/* Input that came to nothing (dropped by wolfSSL: garbage, a
	 * replay, a late copy) is no activity: it must not keep the
	 * session from its idle timeout. */
	if (was_up && s->state == SESSION_ESTABLISHED &&
	    st->app_in == in0 && st->datagrams_out == out0)
		s->last_active = active0;
	if (s->state != SESSION_CLOSED)
		session_update_deadline(s);
	return SMSDTLS_OK;
}

smsdtls_rc
session_start(struct smsdtls_session *s, int64_t now)
{
	session_input(s, NULL, 0, now);
	return s->state == SESSION_CLOSED ? SMSDTLS_ETLS : SMSDTLS_OK;
}

static void
session_retransmit(struct smsdtls_session *s, int64_t now)
{
	if (wolfSSL_dtls_got_timeout(s->ssl) != WOLFSSL_SUCCESS) {
		flight_reset(&s->ep->tx);
		session_fail(s, SMSDTLS_ETLS,
		    wolfSSL_get_error(s->ssl, WOLFSSL_FATAL_ERROR));
		return;
	}
	s->ep->stats.retransmissions++;
	s->flight_rtx = true;
	if (s->ep->cfg.rto_learn) {
		/* RFC 6298 (5.5, 5.7): kept until the next sample. */
		s->rto_cur_ms = rto_backoff(s->rto_cur_ms,
		    s->ep->cfg.rto_max_ms);
		s->rto.backoff_ms = s->rto_cur_ms;
		rto_table_put(s->ep->rto, &s->peer, &s->rto);
	}
	s->rtx_at = add_ms(now, wssl_rto_ms(s));
	session_flush(s, now);
}

void
session_on_deadline(struct smsdtls_session *s, int64_t now)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;

	switch (s->state) {
	case SESSION_HANDSHAKE:
		if (now >= add_ms(s->started, cfg->handshake_timeout_ms)) {
			session_fail(s, SMSDTLS_ETIMEDOUT, 0);
			return;
		}
		if (now >= s->rtx_at)
			session_retransmit(s, now);
		break;
	case SESSION_ESTABLISHED:
		if (cfg->idle_timeout_ms != 0 &&
		    now >= add_ms(s->last_active, cfg->idle_timeout_ms)) {
			endpoint_log(s->ep, SMSDTLS_LOG_INFO,
			    "session %08x idle-timeout", s->id);
			smsdtls_session_close(s, now);
			return;
		}
		if (now >= session_park_at(s))
			session_park(s, now);
		break;
	default:
		return;
	}
	if (s->state != SESSION_CLOSED)
		session_update_deadline(s);
}

/* ------------------------------------------------------------ public API */

smsdtls_rc
smsdtls_session_send(struct smsdtls_session *s, const uint8_t *data,
    size_t len, int64_t now)
{
	smsdtls_rc rc;
	int n, err;

	if (s == NULL || (data == NULL && len > 0))
		return SMSDTLS_EINVAL;
	if (s->state == SESSION_CLOSED)
		return SMSDTLS_ECLOSED;
	if (s->state == SESSION_HANDSHAKE)
		return SMSDTLS_AGAIN;
	if (len > smsdtls_session_max_payload(s))
		return SMSDTLS_ETOOBIG;
	if (s->ssl == NULL && (rc = session_unpark(s)) != SMSDTLS_OK)
		return rc;
	n = wssl_write(s, data, len);
	session_flush(s, now);
	if (n == (int)len) {
		s->ep->stats.app_out++;
		session_update_deadline(s);
		return SMSDTLS_OK;
	}
	err = wolfSSL_get_error(s->ssl, n);
	s->detail = err;
	if (s->tx_fault)
		session_fail(s, SMSDTLS_ETLS, err);
	return SMSDTLS_ETLS;
}

void
smsdtls_session_close(struct smsdtls_session *s, int64_t now)
{
	if (s == NULL || s->state == SESSION_CLOSED)
		return;
	/* A parked session is rebuilt for its close_notify, if it can be. */
	if (s->state == SESSION_ESTABLISHED &&
	    (s->ssl != NULL || session_unpark(s) == SMSDTLS_OK)) {
		(void)wolfSSL_shutdown(s->ssl);
		session_flush(s, now);
	}
	session_closed(s);
}

size_t
smsdtls_session_max_payload(const struct smsdtls_session *s)
{
	if (s == NULL || s->state != SESSION_ESTABLISHED)
		return 0;
	return wssl_max_payload(s);
}

const struct smsdtls_peer *
smsdtls_session_peer(const struct smsdtls_session *s)
{
	return &s->peer;
}

bool
smsdtls_session_established(const struct smsdtls_session *s)
{
	return s != NULL && s->state == SESSION_ESTABLISHED;
}

void
smsdtls_session_set_user(struct smsdtls_session *s, void *user)
{
	s->user = user;
}

void *
smsdtls_session_get_user(const struct smsdtls_session *s)
{
	return s->user;
}

int
smsdtls_session_last_detail(const struct smsdtls_session *s)
{
	return s->detail;
}

/* -------------------------------------------------------------- parking */

/*
 * Exported wolfSSL state is mostly zeros (MAC keys an AEAD suite does not
 * use, flags, counters).  Parked, each run of zeros is a zero byte and
 * the run's length less one: 325 bytes of PSK session state take 180.
 * Both return the output's length, or 0 if it does not fit.
 */
static size_t
session_pack(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	size_t i = 0, n = 0, run;

	while (i < len) {
		if (in[i] != 0) {
			if (n == max)
				return 0;
			out[n++] = in[i++];
			continue;
		}
		for (run = 1; i + run < len && in[i + run] == 0 && run < 256;
		    run++)
			;
		if (max - n < 2)
			return 0;
		out[n++] = 0;
		out[n++] = (uint8_t)(run - 1);
		i += run;
	}
	return n;
}

static size_t
session_unpack(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	size_t i = 0, n = 0, run;

	while (i < len) {
		if (in[i] != 0) {
			if (n == max)
				return 0;
			out[n++] = in[i++];
			continue;
		}
		if (len - i < 2)
			return 0;
		run = (size_t)in[i + 1] + 1;
		if (run > max - n)
			return 0;
		memset(out + n, 0, run);
		n += run;
		i += 2;
	}
	return n;
}

/*
 * The wolfSSL state of an established session, exported from its WOLFSSL
 * object or unpacked from parking, into st: its length, or 0.  The write
 * epoch and sequence number in it must be those of the records the
 * session saw wolfSSL send; if not, wssl.c does not know the layout.
 */
static size_t
session_state(const struct smsdtls_session *s, uint8_t *st, size_t max)
{
	uint16_t epoch;
	uint64_t seq;
	size_t n;

	if (s->ssl != NULL)
		n = wssl_export(s->ssl, st, max);
	else
		n = session_unpack(s->parked, s->parked_len, st, max);
	if (n > 0 && wssl_state_seq(st, n, &epoch, &seq) &&
	    epoch == s->tx_epoch && seq == s->tx_next)
		return n;
	endpoint_log(s->ep, SMSDTLS_LOG_ERROR, "session %08x state not "
	    "exported: not as wolfSSL 5.7 lays it out", s->id);
	explicit_bzero(st, max);
	return 0;
}

/* Park an idle established session: keep its wolfSSL state, packed, and
 * free its WOLFSSL object.  If that fails the session stays as it is and
 * is not tried again for another park_after_ms. */
static void
session_park(struct smsdtls_session *s, int64_t now)
{
	uint8_t st[WSSL_STATE_MAX], packed[2 * WSSL_STATE_MAX];
	uint8_t *blob = NULL;
	size_t n, plen = 0;

	n = session_state(s, st, sizeof(st));
	if (n > 0)
		plen = session_pack(st, n, packed, sizeof(packed));
	if (plen > 0 && plen <= UINT16_MAX)
		blob = malloc(plen);
	if (blob == NULL) {
		s->park_hold = add_ms(now, s->ep->cfg.park_after_ms);
		endpoint_log(s->ep, SMSDTLS_LOG_WARN, "session %08x not parked",
		    s->id);
	} else {
		memcpy(blob, packed, plen);
		wolfSSL_free(s->ssl);
		s->ssl = NULL;
		s->parked = blob;
		s->parked_len = (uint16_t)plen;
		s->ep->stats.parked++;
		endpoint_log(s->ep, SMSDTLS_LOG_DEBUG,
		    "session %08x parked bytes=%zu", s->id, plen);
	}
	explicit_bzero(st, sizeof(st));
	explicit_bzero(packed, sizeof(packed));
}

/* Rebuild the WOLFSSL object of a parked session; its parked state stays
 * beside it until the caller decides. */
static smsdtls_rc
session_wake(struct smsdtls_session *s)
{
	uint8_t st[WSSL_STATE_MAX];
	size_t n;
	smsdtls_rc rc;

	n = session_unpack(s->parked, s->parked_len, st, sizeof(st));
	rc = n > 0 ? wssl_import(s, st, n) : SMSDTLS_ETLS;
	explicit_bzero(st, sizeof(st));
	if (rc != SMSDTLS_OK)
		endpoint_log(s->ep, SMSDTLS_LOG_WARN, "session %08x not "
		    "rebuilt: %s", s->id, smsdtls_strerror(rc));
	return rc;
}

static void
session_drop_parked(struct smsdtls_session *s)
{
	if (s->parked == NULL)
		return;
	explicit_bzero(s->parked, s->parked_len);
	free(s->parked);
	s->parked = NULL;
	s->parked_len = 0;
	s->ep->stats.parked--;
}

/* A woken session stays awake. */
static void
session_unparked(struct smsdtls_session *s)
{
	session_drop_parked(s);
	s->ep->stats.unparks++;
	endpoint_log(s->ep, SMSDTLS_LOG_DEBUG, "session %08x unparked", s->id);
}

/* Wake a parked session for good (to send, to close): SMSDTLS_OK, or it
 * stays parked (SMSDTLS_ENOMEM), or it has failed. */
static smsdtls_rc
session_unpark(struct smsdtls_session *s)
{
	smsdtls_rc rc = session_wake(s);

	if (rc == SMSDTLS_OK)
		session_unparked(s);
	else if (rc != SMSDTLS_ENOMEM)
		session_fail(s, rc, 0);
	return rc;
}

/*
 * A datagram for a parked session: wake it, feed the datagram, and park
 * it again at once if nothing came of it (no data, nothing sent, no end:
 * garbage, a replay, a late copy), as it was, so that datagrams anyone
 * can forge neither keep sessions awake nor keep them from timing out.
 */
static smsdtls_rc
session_input_parked(struct smsdtls_session *s, const uint8_t *data,
    size_t len, int64_t now)
{
	struct smsdtls_endpoint_stats *st = &s->ep->stats;
	uint64_t in0 = st->app_in, out0 = st->datagrams_out;
	int64_t active0 = s->last_active;
	smsdtls_rc rc;

	rc = session_wake(s);
	if (rc != SMSDTLS_OK) {
		if (rc != SMSDTLS_ENOMEM)
			session_fail(s, rc, 0);
		return rc;
	}
	rc = session_input(s, data, len, now);
	if (s->state == SESSION_ESTABLISHED && s->ssl != NULL &&
	    st->app_in == in0 && st->datagrams_out == out0) {
		wolfSSL_free(s->ssl);
		s->ssl = NULL;
		s->last_active = active0;
		session_update_deadline(s);
	} else
		session_unparked(s);
	return rc;
}

/* ------------------------------------------------------ export, import */

/*
 * An exported session, integers big-endian:
 *
 *	magic "SDTX", format version (1), role, auth mode, flags (bit 0:
 *	resumed), write epoch (2), next write sequence number (6), peer
 *	length (1), peer, wolfSSL state length (2), the state as
 *	wolfSSL_dtls_export() wrote it, CRC-32 (IEEE 802.3) of all the
 *	bytes before it (4).
 *
 * The peer is its kind, then for SMS: port (2), local port (2), TON, NPI,
 * the digits; UDP: port (2), family (4 or 6), address (4 or 16); MEM: id
 * (4).  The write sequence number is the session's own count, beside the
 * one in the wolfSSL state; an import starts SMSDTLS_EXPORT_SEQ_JUMP past
 * the larger of the two.
 */
#define EXPORT_MAGIC		"SDTX"
#define EXPORT_VERSION		1
#define EXPORT_HEADER		17	/* up to the peer length */
#define EXPORT_CRC		4
#define EXPORT_FLAG_RESUMED	0x01
#define EXPORT_PEER_MAX		(1 + 2 + 2 + 2 + SMSDTLS_ADDR_TEXT_MAX)
#define EXPORT_SEQ_MAX		(((uint64_t)1 << 48) - 1)

#ifdef WOLFSSL_DTLS_IMPORT_CCM_NONCE
#define EXPORT_IMPORT_SAFE	true
#else
#define EXPORT_IMPORT_SAFE	false	/* the nonce would restart */
#endif

struct export_blob {
	uint8_t	role;
	uint8_t	auth;
	uint8_t	flags;
	uint16_t epoch;
	uint64_t seq;
	struct smsdtls_peer peer;
	const uint8_t *state;
	size_t	state_len;
};

static void
export_put(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
export_get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static uint32_t
export_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffff;
	int k;

	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320 & (0 - (crc & 1)));
	}
	return ~crc;
}

/* Write peer at p (EXPORT_PEER_MAX bytes); returns the length. */
static size_t
export_put_peer(const struct smsdtls_peer *peer, uint8_t *p)
{
	size_t n = 1, len;

	p[0] = peer->kind;
	switch (peer->kind) {
	case SMSDTLS_PEER_SMS:
		export_put(p + 1, peer->port, 2);
		export_put(p + 3, peer->local_port, 2);
		p[5] = peer->u.msisdn.ton;
		p[6] = peer->u.msisdn.npi;
		len = strnlen(peer->u.msisdn.text, SMSDTLS_ADDR_TEXT_MAX - 1);
		memcpy(p + 7, peer->u.msisdn.text, len);
		n = 7 + len;
		break;
	case SMSDTLS_PEER_UDP:
		export_put(p + 1, peer->port, 2);
		p[3] = peer->ip_family;
		len = peer->ip_family == 4 ? 4 : 16;
		memcpy(p + 4, peer->u.ip, len);
		n = 4 + len;
		break;
	case SMSDTLS_PEER_MEM:
		export_put(p + 1, peer->u.id, 4);
		n = 5;
		break;
	}
	return n;
}

/* Read a peer written by export_put_peer(); false if malformed. */
static bool
export_get_peer(const uint8_t *p, size_t len, struct smsdtls_peer *peer)
{
	memset(peer, 0, sizeof(*peer));
	if (len < 1)
		return false;
	peer->kind = p[0];
	switch (p[0]) {
	case SMSDTLS_PEER_SMS:
		if (len < 8 || len - 7 >= SMSDTLS_ADDR_TEXT_MAX ||
		    memchr(p + 7, 0, len - 7) != NULL)
			return false;
		peer->port = (uint16_t)export_get(p + 1, 2);
		peer->local_port = (uint16_t)export_get(p + 3, 2);
		peer->u.msisdn.ton = p[5];
		peer->u.msisdn.npi = p[6];
		memcpy(peer->u.msisdn.text, p + 7, len - 7);
		return true;
	case SMSDTLS_PEER_UDP:
		if (len < 4 || (p[3] != 4 && p[3] != 6) ||
		    len != 4 + (p[3] == 4 ? 4u : 16u))
			return false;
		peer->port = (uint16_t)export_get(p + 1, 2);
		peer->ip_family = p[3];
		memcpy(peer->u.ip, p + 4, len - 4);
		return true;
	case SMSDTLS_PEER_MEM:
		if (len != 5)
			return false;
		peer->u.id = (uint32_t)export_get(p + 1, 4);
		return true;
	default:
		return false;
	}
}

static smsdtls_rc
export_encode(const struct smsdtls_session *s, const uint8_t *st,
    size_t stlen, uint8_t *buf, size_t buflen, size_t *outlen)
{
	uint8_t peer[EXPORT_PEER_MAX];
	size_t plen = export_put_peer(&s->peer, peer), n;

	if (EXPORT_HEADER + plen + 2 + stlen + EXPORT_CRC > buflen)
		return SMSDTLS_ETOOBIG;
	memcpy(buf, EXPORT_MAGIC, 4);
	buf[4] = EXPORT_VERSION;
	buf[5] = s->ep->cfg.role;
	buf[6] = s->ep->cfg.auth;
	buf[7] = s->resumed ? EXPORT_FLAG_RESUMED : 0;
	export_put(buf + 8, s->tx_epoch, 2);
	export_put(buf + 10, s->tx_next, 6);
	buf[16] = (uint8_t)plen;
	n = EXPORT_HEADER;
	memcpy(buf + n, peer, plen);
	n += plen;
	export_put(buf + n, stlen, 2);
	n += 2;
	memcpy(buf + n, st, stlen);
	n += stlen;
	export_put(buf + n, export_crc32(buf, n), EXPORT_CRC);
	*outlen = n + EXPORT_CRC;
	return SMSDTLS_OK;
}

/* Check and split an exported session; b->state points into buf. */
static smsdtls_rc
export_decode(const uint8_t *buf, size_t len, struct export_blob *b)
{
	size_t plen, off = EXPORT_HEADER;

	if (len < EXPORT_HEADER || memcmp(buf, EXPORT_MAGIC, 4) != 0)
		return SMSDTLS_EPROTO;
	if (buf[4] != EXPORT_VERSION)
		return SMSDTLS_EUNSUPP;
	if (len < EXPORT_HEADER + 2 + EXPORT_CRC ||
	    export_get(buf + len - EXPORT_CRC, EXPORT_CRC) !=
	    export_crc32(buf, len - EXPORT_CRC))
		return SMSDTLS_EPROTO;
	b->role = buf[5];
	b->auth = buf[6];
	b->flags = buf[7];
	b->epoch = (uint16_t)export_get(buf + 8, 2);
	b->seq = export_get(buf + 10, 6);
	plen = buf[16];
	if (b->role > SMSDTLS_SERVER || b->auth > SMSDTLS_AUTH_X509 ||
	    (b->flags & ~EXPORT_FLAG_RESUMED) != 0 || b->epoch == 0 ||
	    plen > len - off - 2 - EXPORT_CRC ||
	    !export_get_peer(buf + off, plen, &b->peer))
		return SMSDTLS_EPROTO;
	off += plen;
	b->state_len = (size_t)export_get(buf + off, 2);
	off += 2;
	if (b->state_len == 0 || b->state_len != len - off - EXPORT_CRC ||
	    b->state_len > WSSL_STATE_MAX)
		return SMSDTLS_EPROTO;
	b->state = buf + off;
	return SMSDTLS_OK;
}

/* A new established session from an import's state st, whose write
 * sequence number has been moved to next. */
static smsdtls_rc
session_restore(struct smsdtls_endpoint *ep, const struct export_blob *b,
    const uint8_t *st, uint64_t next, int64_t now,
    struct smsdtls_session **sp)
{
	struct smsdtls_session *s;
	smsdtls_rc rc;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return SMSDTLS_ENOMEM;
	s->ep = ep;
	s->peer = b->peer;
	s->id = ep->next_id++;
	s->state = SESSION_ESTABLISHED;
	s->resumed = (b->flags & EXPORT_FLAG_RESUMED) != 0;
	s->started = now;
	s->last_active = now;
	s->rtx_at = SMSDTLS_NEVER;
	s->deadline = SMSDTLS_NEVER;
	s->tx_epoch = b->epoch;
	s->tx_next = next;
	rc = wssl_import(s, st, b->state_len);
	if (rc == SMSDTLS_OK && (rc = endpoint_add(ep, s)) != SMSDTLS_OK)
		wolfSSL_free(s->ssl);
	if (rc != SMSDTLS_OK) {
		free(s);
		return rc;
	}
	session_update_deadline(s);
	*sp = s;
	return SMSDTLS_OK;
}

/* Check an import against ep and restore it, its sequence number moved
 * on (state is a copy of the blob's). */
static smsdtls_rc
session_import(struct smsdtls_endpoint *ep, const struct export_blob *b,
    uint8_t *state, int64_t now, struct smsdtls_session **sp)
{
	uint16_t epoch;
	uint64_t seq;

	if (b->role != ep->cfg.role || b->auth != ep->cfg.auth ||
	    smsdtls_endpoint_find(ep, &b->peer) != NULL)
		return SMSDTLS_EINVAL;
	if (ep->cfg.role == SMSDTLS_SERVER &&
	    ep->stats.sessions >= ep->cfg.max_sessions)
		return SMSDTLS_ELIMIT;
	if (!wssl_state_seq(state, b->state_len, &epoch, &seq) ||
	    epoch != b->epoch)
		return SMSDTLS_EPROTO;
	if (seq < b->seq)
		seq = b->seq;
	if (seq > EXPORT_SEQ_MAX - SMSDTLS_EXPORT_SEQ_JUMP)
		return SMSDTLS_ELIMIT;
	seq += SMSDTLS_EXPORT_SEQ_JUMP;
	if (!wssl_state_set_seq(state, b->state_len, seq))
		return SMSDTLS_EPROTO;
	return session_restore(ep, b, state, seq, now, sp);
}

/* ------------------------------------------------------------ public API */

bool
smsdtls_session_parked(const struct smsdtls_session *s)
{
	return s != NULL && s->ssl == NULL && s->parked != NULL;
}

smsdtls_rc
smsdtls_session_export(const struct smsdtls_session *s, uint8_t *buf,
    size_t buflen, size_t *len)
{
	uint8_t st[WSSL_STATE_MAX];
	size_t n;
	smsdtls_rc rc;

	if (s == NULL || buf == NULL || len == NULL)
		return SMSDTLS_EINVAL;
	if (s->state == SESSION_HANDSHAKE)
		return SMSDTLS_AGAIN;
	if (s->state == SESSION_CLOSED)
		return SMSDTLS_ECLOSED;
	n = session_state(s, st, sizeof(st));
	if (n == 0)
		return SMSDTLS_ETLS;
	rc = export_encode(s, st, n, buf, buflen, len);
	explicit_bzero(st, sizeof(st));
	return rc;
}

smsdtls_rc
smsdtls_endpoint_import(struct smsdtls_endpoint *ep, const uint8_t *buf,
    size_t len, int64_t now, struct smsdtls_session **sp)
{
	struct export_blob b;
	struct smsdtls_session *s = NULL;
	uint8_t state[WSSL_STATE_MAX];
	char peer[64];
	smsdtls_rc rc;

	if (ep == NULL || buf == NULL)
		return SMSDTLS_EINVAL;
	if (!EXPORT_IMPORT_SAFE) {
		endpoint_log(ep, SMSDTLS_LOG_ERROR, "import refused: wolfSSL "
		    "lacks patches/wolfssl/0003 (AES-CCM nonce on import)");
		return SMSDTLS_EUNSUPP;
	}
	rc = export_decode(buf, len, &b);
	if (rc == SMSDTLS_OK) {
		memcpy(state, b.state, b.state_len);
		rc = session_import(ep, &b, state, now, &s);
		explicit_bzero(state, sizeof(state));
	}
	if (rc != SMSDTLS_OK) {
		endpoint_log(ep, SMSDTLS_LOG_INFO, "import refused: %s",
		    smsdtls_strerror(rc));
		return rc;
	}
	smsdtls_peer_format(&s->peer, peer, sizeof(peer));
	endpoint_log(ep, SMSDTLS_LOG_INFO, "session %08x imported peer=%s "
	    "seq=%llu", s->id, peer, (unsigned long long)s->tx_next);
	if (ep->cfg.park_after_ms != 0)
		session_park(s, now);
	if (sp != NULL)
		*sp = s;
	return SMSDTLS_OK;
}
