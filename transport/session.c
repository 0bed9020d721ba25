/*
 * session.c - one DTLS 1.2 association: drives its WOLFSSL object with
 * the datagram that arrived or the timer that fired, packs what wolfSSL
 * wrote into datagrams (flight.c), gives each datagram its validity
 * period, keeps the retransmission timer (RFC 6347 section 4.2.4 with the
 * RFC 7925 section 13 values) and reports what happened as events.
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
/* Handshake message type (RFC 6347 section 4.3.2). */
#define HS_HELLO_VERIFY_REQUEST	3

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

/* The time of the session's next timer. */
static int64_t
session_deadline(const struct smsdtls_session *s)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;

	switch (s->state) {
	case SESSION_HANDSHAKE:
		return min64(s->rtx_at,
		    add_ms(s->started, cfg->handshake_timeout_ms));
	case SESSION_ESTABLISHED:
		if (cfg->idle_timeout_ms == 0)
			return SMSDTLS_NEVER;
		return add_ms(s->last_active, cfg->idle_timeout_ms);
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
	/* A resumption the server no longer knows makes it ask for a
	 * cookie, and the ClientHello with both no longer fits: forget the
	 * session so that the next connect does a full handshake. */
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

int
session_io_send(struct smsdtls_session *s, const char *buf, int sz)
{
	struct flight *f = &s->ep->tx;
	size_t i = f->nrec;

	if (flight_append(f, (const uint8_t *)buf, (size_t)sz) != SMSDTLS_OK)
		endpoint_log(s->ep, SMSDTLS_LOG_WARN,
		    "session %08x dropped %d bytes from wolfSSL", s->id, sz);
	for (; i < f->nrec; i++)
		if (f->rec[i].epoch == 0 && f->rec[i].seq >= s->tx_seq0)
			s->tx_seq0 = f->rec[i].seq + 1;
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

static void
session_established(struct smsdtls_session *s)
{
	struct smsdtls_event ev = { .type = SMSDTLS_EV_CONNECTED };
	struct smsdtls_endpoint *ep = s->ep;

	s->state = SESSION_ESTABLISHED;
	s->rtx_at = SMSDTLS_NEVER;
	s->resumed = wolfSSL_session_reused(s->ssl) == 1;
	session_end_half_open(s);
	ep->stats.handshakes_ok++;
	if (s->resumed)
		ep->stats.handshakes_resumed++;
	if (ep->cfg.role == SMSDTLS_CLIENT && !ep->cfg.no_resumption) {
		wolfSSL_SESSION_free(ep->resume);
		ep->resume = wolfSSL_get1_session(s->ssl);
		ep->resume_peer = s->peer;
	}
	endpoint_log(ep, SMSDTLS_LOG_INFO, "session %08x handshake-done%s",
	    s->id, s->resumed ? " resumed" : "");
	ev.resumed = s->resumed;
	session_emit(s, &ev);
}

/* Advance the handshake; returns false if the session ended. */
static bool
session_handshake(struct smsdtls_session *s, int64_t now)
{
	int rc, err, alert;

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
			s->rtx_at = add_ms(now, wssl_rto_ms(s));
		session_flush(s, now);
		return true;
	}
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
	free(s);
}

smsdtls_rc
session_input(struct smsdtls_session *s, const uint8_t *data, size_t len,
    int64_t now)
{
	if (s->state == SESSION_CLOSED)
		return SMSDTLS_ECLOSED;
	s->rx = data;
	s->rx_len = len;
	s->last_active = now;
	if (s->state == SESSION_HANDSHAKE && !session_handshake(s, now))
		goto out;
	/* Records after the handshake's last ones may share the datagram. */
	session_read(s, now);
out:
	s->rx = NULL;
	s->rx_len = 0;
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
	int n, err;

	if (s == NULL || (data == NULL && len > 0))
		return SMSDTLS_EINVAL;
	if (s->state == SESSION_CLOSED)
		return SMSDTLS_ECLOSED;
	if (s->state == SESSION_HANDSHAKE)
		return SMSDTLS_AGAIN;
	if (len > smsdtls_session_max_payload(s))
		return SMSDTLS_ETOOBIG;
	n = wssl_write(s, data, len);
	session_flush(s, now);
	if (n == (int)len) {
		s->ep->stats.app_out++;
		session_update_deadline(s);
		return SMSDTLS_OK;
	}
	err = wolfSSL_get_error(s->ssl, n);
	s->detail = err;
	return SMSDTLS_ETLS;
}

void
smsdtls_session_close(struct smsdtls_session *s, int64_t now)
{
	if (s == NULL || s->state == SESSION_CLOSED)
		return;
	if (s->state == SESSION_ESTABLISHED) {
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
