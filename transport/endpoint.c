/*
 * endpoint.c - a DTLS endpoint: configuration, the sessions it holds
 * (by peer in a hash table, by deadline in a binary heap), the server's
 * stateless cookie exchange and half-open cap, and the sans-IO entry
 * points (input, next deadline, on deadline).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/session_int.h"

#define INITIAL_BUCKETS		64
/* Peers whose round trips a client endpoint remembers (cfg.rto_learn). */
#define RTO_CLIENT_PEERS	16
/* Handshake type of a ClientHello. */
#define HS_CLIENT_HELLO		1

static int64_t
deadline_of(const struct smsdtls_session *s)
{
	return s->deadline;
}

void
endpoint_log(struct smsdtls_endpoint *ep, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ep->log == NULL || level > ep->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ep->log(level, msg, ep->logarg);
}

/* ------------------------------------------------------------ peer hash */

static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/* Hash of the fields smsdtls_peer_equal() compares. */
static uint32_t
peer_hash(const struct smsdtls_peer *p, uint32_t seed)
{
	uint32_t h = fnv(2166136261u ^ seed, &p->kind, 1);

	h = fnv(h, &p->port, sizeof(p->port));
	h = fnv(h, &p->local_port, sizeof(p->local_port));
	switch (p->kind) {
	case SMSDTLS_PEER_SMS:
		h = fnv(h, p->u.msisdn.text, strnlen(p->u.msisdn.text,
		    sizeof(p->u.msisdn.text)));
		break;
	case SMSDTLS_PEER_UDP:
		h = fnv(h, p->u.ip, p->ip_family == 4 ? 4 : 16);
		break;
	case SMSDTLS_PEER_MEM:
		h = fnv(h, &p->u.id, sizeof(p->u.id));
		break;
	}
	return h;
}

static struct smsdtls_session **
bucket_of(struct smsdtls_endpoint *ep, const struct smsdtls_peer *peer)
{
	return &ep->buckets[peer_hash(peer, ep->hash_seed) &
	    (ep->nbuckets - 1)];
}

static smsdtls_rc
rehash(struct smsdtls_endpoint *ep, size_t nbuckets)
{
	struct smsdtls_session **nb, *s, *next;
	size_t i, old = ep->nbuckets;
	struct smsdtls_session **ob = ep->buckets;

	nb = calloc(nbuckets, sizeof(*nb));
	if (nb == NULL)
		return SMSDTLS_ENOMEM;
	ep->buckets = nb;
	ep->nbuckets = nbuckets;
	for (i = 0; i < old; i++) {
		for (s = ob[i]; s != NULL; s = next) {
			struct smsdtls_session **b = bucket_of(ep, &s->peer);

			next = s->hnext;
			s->hnext = *b;
			*b = s;
		}
	}
	free(ob);
	return SMSDTLS_OK;
}

/* --------------------------------------------------------------- heap */

static void
heap_set(struct smsdtls_endpoint *ep, size_t i, struct smsdtls_session *s)
{
	ep->heap[i] = s;
	s->heap_idx = i;
}

static void
heap_up(struct smsdtls_endpoint *ep, size_t i)
{
	struct smsdtls_session *s = ep->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (deadline_of(ep->heap[parent]) <= deadline_of(s))
			break;
		heap_set(ep, i, ep->heap[parent]);
		i = parent;
	}
	heap_set(ep, i, s);
}

static void
heap_down(struct smsdtls_endpoint *ep, size_t i)
{
	struct smsdtls_session *s = ep->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= ep->nheap)
			break;
		if (c + 1 < ep->nheap &&
		    deadline_of(ep->heap[c + 1]) < deadline_of(ep->heap[c]))
			c++;
		if (deadline_of(s) <= deadline_of(ep->heap[c]))
			break;
		heap_set(ep, i, ep->heap[c]);
		i = c;
	}
	heap_set(ep, i, s);
}

void
endpoint_reschedule(struct smsdtls_endpoint *ep, struct smsdtls_session *s)
{
	heap_up(ep, s->heap_idx);
	heap_down(ep, s->heap_idx);
}

smsdtls_rc
endpoint_add(struct smsdtls_endpoint *ep, struct smsdtls_session *s)
{
	struct smsdtls_session **b;

	if (ep->nheap == ep->heap_cap) {
		size_t cap = ep->heap_cap ? ep->heap_cap * 2 : 64;
		void *p = realloc(ep->heap, cap * sizeof(*ep->heap));

		if (p == NULL)
			return SMSDTLS_ENOMEM;
		ep->heap = p;
		ep->heap_cap = cap;
	}
	if (ep->stats.sessions + 1 > ep->nbuckets &&
	    rehash(ep, ep->nbuckets * 2) != SMSDTLS_OK)
		return SMSDTLS_ENOMEM;
	b = bucket_of(ep, &s->peer);
	s->hnext = *b;
	*b = s;
	heap_set(ep, ep->nheap++, s);
	heap_up(ep, s->heap_idx);
	ep->stats.sessions++;
	return SMSDTLS_OK;
}

void
endpoint_remove(struct smsdtls_endpoint *ep, struct smsdtls_session *s)
{
	struct smsdtls_session **b = bucket_of(ep, &s->peer);
	size_t i = s->heap_idx;

	while (*b != NULL && *b != s)
		b = &(*b)->hnext;
	if (*b == s)
		*b = s->hnext;
	ep->nheap--;
	if (i < ep->nheap) {
		heap_set(ep, i, ep->heap[ep->nheap]);
		endpoint_reschedule(ep, ep->heap[i]);
	}
	ep->stats.sessions--;
}

void
endpoint_doom(struct smsdtls_endpoint *ep, struct smsdtls_session *s)
{
	s->cnext = ep->closed;
	ep->closed = s;
}

struct smsdtls_session *
endpoint_find_id(struct smsdtls_endpoint *ep, const struct smsdtls_peer *peer,
    uint32_t id)
{
	struct smsdtls_session *s;

	for (s = *bucket_of(ep, peer); s != NULL; s = s->hnext)
		if (s->id == id && s->state != SESSION_CLOSED &&
		    smsdtls_peer_equal(&s->peer, peer))
			return s;
	return NULL;
}

/* Free ended sessions once no callback can still hold them. */
static void
endpoint_reap(struct smsdtls_endpoint *ep)
{
	struct smsdtls_session *s;

	if (ep->depth > 0)
		return;
	while ((s = ep->closed) != NULL) {
		ep->closed = s->cnext;
		session_free(s);
	}
}

/* ------------------------------------------------------------- config */

void
smsdtls_config_init(struct smsdtls_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = SMSDTLS_CLIENT;
	cfg->auth = SMSDTLS_AUTH_PSK;
	cfg->rto_initial_ms = 10 * 1000;
	cfg->rto_max_ms = 60 * 1000;
	cfg->rto_min_ms = 1000;
	cfg->handshake_timeout_ms = 10 * 60 * 1000;
	cfg->idle_timeout_ms = 24 * 3600 * 1000;
	cfg->app_validity_s = 3600;
	cfg->max_sessions = 1024;
	cfg->max_half_open = 64;
}

static smsdtls_rc
config_fail(char *err, size_t errlen, const char *reason)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", reason);
	return SMSDTLS_EINVAL;
}

smsdtls_rc
smsdtls_config_check(const struct smsdtls_config *cfg, char *err,
    size_t errlen)
{
	size_t idlen;

	if (cfg == NULL)
		return config_fail(err, errlen, "no configuration");
	if (cfg->role > SMSDTLS_SERVER)
		return config_fail(err, errlen, "unknown role");
	if (cfg->auth > SMSDTLS_AUTH_X509)
		return config_fail(err, errlen, "unknown authentication mode");
	if (cfg->auth == SMSDTLS_AUTH_PSK && cfg->role == SMSDTLS_CLIENT) {
		idlen = cfg->psk_identity ? strlen(cfg->psk_identity) : 0;
		if (idlen == 0 || idlen > SMSDTLS_PSK_IDENTITY_MAX)
			return config_fail(err, errlen,
			    "PSK identity must be 1-128 bytes");
		if (cfg->psk_key == NULL || cfg->psk_key_len == 0 ||
		    cfg->psk_key_len > SMSDTLS_PSK_KEY_MAX)
			return config_fail(err, errlen,
			    "PSK key must be 1-64 bytes");
	}
	if (cfg->auth == SMSDTLS_AUTH_RPK && cfg->key == NULL)
		return config_fail(err, errlen, "RPK mode needs a private key");
	/* A certificate client may go without a certificate of its own,
	 * for servers that do not ask for one. */
	if (cfg->auth == SMSDTLS_AUTH_X509 && (cfg->key == NULL ||
	    cfg->cert == NULL) && (cfg->role == SMSDTLS_SERVER ||
	    cfg->key != NULL || cfg->cert != NULL))
		return config_fail(err, errlen, cfg->role == SMSDTLS_SERVER ?
		    "certificate mode needs a private key and a certificate" :
		    "a client certificate needs both its key and its chain");
	if (cfg->auth == SMSDTLS_AUTH_X509 && cfg->ca == NULL &&
	    !(cfg->role == SMSDTLS_SERVER && cfg->no_client_auth))
		return config_fail(err, errlen,
		    "certificate mode needs trust anchors to verify the peer");
	if (cfg->rto_initial_ms == 0 || cfg->rto_max_ms < cfg->rto_initial_ms)
		return config_fail(err, errlen,
		    "retransmission timeouts: need 0 < initial <= max");
	if (cfg->rto_learn &&
	    (cfg->rto_min_ms == 0 || cfg->rto_min_ms > cfg->rto_max_ms))
		return config_fail(err, errlen,
		    "learned retransmission timeout: need 0 < min <= max");
	if (cfg->handshake_timeout_ms == 0)
		return config_fail(err, errlen, "handshake timeout is 0");
#ifndef WOLFSSL_DTLS_IMPORT_CCM_NONCE
	/* A parked session's AES-CCM nonce would restart when it wakes. */
	if (cfg->park_after_ms != 0)
		return config_fail(err, errlen, "park_after_ms needs a wolfSSL "
		    "with patches/wolfssl/0003");
#endif
	if (cfg->role == SMSDTLS_SERVER &&
	    (cfg->max_sessions == 0 || cfg->max_half_open == 0))
		return config_fail(err, errlen, "session caps must be > 0");
	if (cfg->bench_no_cookie && cfg->role != SMSDTLS_SERVER)
		return config_fail(err, errlen,
		    "bench_no_cookie is for a server");
#ifndef WOLFSSL_DTLS12_STATEFUL_ACCEPT
	if (cfg->bench_no_cookie)
		return config_fail(err, errlen, "bench_no_cookie needs a "
		    "wolfSSL with patches/wolfssl/0006");
#endif
	return SMSDTLS_OK;
}

/* Copy len bytes to *cur and advance it; returns the copy. */
static const void *
take(uint8_t **cur, const void *p, size_t len)
{
	void *dst = *cur;

	if (p == NULL)
		return NULL;
	memcpy(dst, p, len);
	*cur += len;
	return dst;
}

/*
 * *out = *cfg with every buffer copied into one new allocation, *ownedp
 * (*lenp bytes), which the caller frees with owned_free().
 */
static smsdtls_rc
config_copy(const struct smsdtls_config *cfg, struct smsdtls_config *out,
    uint8_t **ownedp, size_t *lenp)
{
	size_t idlen = cfg->psk_identity ? strlen(cfg->psk_identity) + 1 : 0;
	size_t snlen = cfg->server_name ? strlen(cfg->server_name) + 1 : 0;
	size_t total = idlen + snlen + cfg->psk_key_len + cfg->key_len +
	    cfg->cert_len + cfg->ca_len + cfg->rpk_pins_len;
	uint8_t *cur;

	*ownedp = cur = malloc(total > 0 ? total : 1);
	if (cur == NULL)
		return SMSDTLS_ENOMEM;
	*lenp = total;
	*out = *cfg;
	out->psk_identity = take(&cur, cfg->psk_identity, idlen);
	out->server_name = take(&cur, cfg->server_name, snlen);
	out->psk_key = take(&cur, cfg->psk_key, cfg->psk_key_len);
	out->key = take(&cur, cfg->key, cfg->key_len);
	out->cert = take(&cur, cfg->cert, cfg->cert_len);
	out->ca = take(&cur, cfg->ca, cfg->ca_len);
	out->rpk_pins = take(&cur, cfg->rpk_pins, cfg->rpk_pins_len);
	return SMSDTLS_OK;
}

/* Free what config_copy() allocated; keys live there: wipe it first. */
static void
owned_free(uint8_t *owned, size_t len)
{
	if (owned == NULL)
		return;
	explicit_bzero(owned, len);
	free(owned);
}

/* Give the endpoint its own copy of every buffer in cfg. */
static smsdtls_rc
endpoint_copy_config(struct smsdtls_endpoint *ep,
    const struct smsdtls_config *cfg)
{
	smsdtls_rc rc;

	rc = config_copy(cfg, &ep->cfg, &ep->owned, &ep->owned_len);
	if (rc == SMSDTLS_OK)
		ep->psk_store = cfg->psk_store;
	return rc;
}

/* ------------------------------------------------------------ endpoint */

smsdtls_rc
smsdtls_endpoint_new(const struct smsdtls_config *cfg,
    const struct smsdtls_transport *transport, smsdtls_event_cb cb,
    void *cbarg, struct smsdtls_endpoint **epp)
{
	struct smsdtls_endpoint *ep;
	char err[128];
	smsdtls_rc rc;

	if (epp == NULL || transport == NULL || transport->ops == NULL ||
	    cfg == NULL)
		return SMSDTLS_EINVAL;
	rc = smsdtls_config_check(cfg, err, sizeof(err));
	if (rc != SMSDTLS_OK) {
		if (cfg->log != NULL)
			cfg->log(SMSDTLS_LOG_ERROR, err, cfg->log_arg);
		return rc;
	}
	ep = calloc(1, sizeof(*ep));
	if (ep == NULL)
		return SMSDTLS_ENOMEM;
	smsdtls_endpoint_set_log_cb(ep, cfg->log, cfg->log_level, cfg->log_arg);
	ep->tr = *transport;
	ep->cb = cb;
	ep->cbarg = cbarg;
	ep->next_id = 1;
	rc = endpoint_copy_config(ep, cfg);
	if (rc == SMSDTLS_OK) {
		err[0] = '\0';
		rc = wssl_ctx_new(ep, err, sizeof(err));
		if (rc != SMSDTLS_OK)
			endpoint_log(ep, SMSDTLS_LOG_ERROR, "endpoint: %s",
			    err[0] != '\0' ? err : smsdtls_strerror(rc));
	}
	if (rc == SMSDTLS_OK)
		rc = rehash(ep, INITIAL_BUCKETS);
	if (rc == SMSDTLS_OK && cfg->rto_learn)
		rc = rto_table_new(cfg->role == SMSDTLS_SERVER ?
		    cfg->max_sessions : RTO_CLIENT_PEERS, &ep->rto);
	if (rc != SMSDTLS_OK) {
		smsdtls_endpoint_free(ep);
		return rc;
	}
	*epp = ep;
	return SMSDTLS_OK;
}

void
smsdtls_endpoint_free(struct smsdtls_endpoint *ep)
{
	if (ep == NULL)
		return;
	ep->closed = NULL;
	while (ep->nheap > 0)
		session_free(ep->heap[0]);
	free(ep->heap);
	free(ep->buckets);
	wolfSSL_SESSION_free(ep->resume);
	sesscache_free(ep->scache);
	rto_table_free(ep->rto);
	wolfSSL_CTX_free(ep->ctx);
	owned_free(ep->owned, ep->owned_len);
	explicit_bzero(ep->cookie_secret, sizeof(ep->cookie_secret));
	free(ep);
}

void
smsdtls_endpoint_set_log_cb(struct smsdtls_endpoint *ep, smsdtls_log_cb cb,
    int level, void *arg)
{
	ep->log = cb;
	ep->log_level = level;
	ep->logarg = arg;
}

void
smsdtls_endpoint_set_psk_store(struct smsdtls_endpoint *ep,
    const struct smsdtls_psk_store *store)
{
	ep->psk_store = store;
	/* A removed identity must not live on through resumption. */
	if (ep->scache != NULL)
		sesscache_flush(ep->scache);
}

/* The credential fields of src into dst (smsdtls_endpoint_set_credentials()
 * says which). */
static void
config_take_credentials(struct smsdtls_config *dst,
    const struct smsdtls_config *src)
{
	dst->psk_identity = src->psk_identity;
	dst->psk_key = src->psk_key;
	dst->psk_key_len = src->psk_key_len;
	dst->psk_store = src->psk_store;
	dst->key = src->key;
	dst->key_len = src->key_len;
	dst->key_format = src->key_format;
	dst->cert = src->cert;
	dst->cert_len = src->cert_len;
	dst->cert_format = src->cert_format;
	dst->ca = src->ca;
	dst->ca_len = src->ca_len;
	dst->rpk_pins = src->rpk_pins;
	dst->rpk_pins_len = src->rpk_pins_len;
}

/*
 * Build a context for cfg (owned copies in owned) and make both the
 * endpoint's; on error the endpoint is as it was.  wssl builds from
 * ep->cfg, which its callbacks read too, so cfg goes in first and the
 * old one back on failure.
 */
static smsdtls_rc
endpoint_swap_credentials(struct smsdtls_endpoint *ep,
    const struct smsdtls_config *cfg, uint8_t *owned, size_t owned_len,
    char *err, size_t errlen)
{
	struct smsdtls_config old = ep->cfg;
	WOLFSSL_CTX *old_ctx = ep->ctx;
	smsdtls_rc rc;

	ep->cfg = *cfg;
	rc = wssl_ctx_make(ep, err, errlen);
	if (rc != SMSDTLS_OK) {
		ep->cfg = old;
		ep->ctx = old_ctx;
		return rc;
	}
	/* Sessions made with the old context hold references to it (each
	 * WOLFSSL object does): wolfSSL frees it after the last of them. */
	wolfSSL_CTX_free(old_ctx);
	owned_free(ep->owned, ep->owned_len);
	ep->owned = owned;
	ep->owned_len = owned_len;
	ep->psk_store = cfg->psk_store;
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_endpoint_set_credentials(struct smsdtls_endpoint *ep,
    const struct smsdtls_config *cfg, char *err, size_t errlen)
{
	struct smsdtls_config next, copy;
	uint8_t *owned;
	size_t	owned_len;
	smsdtls_rc rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (ep == NULL || cfg == NULL)
		return config_fail(err, errlen, "no endpoint or configuration");
	if (cfg->role != ep->cfg.role)
		return config_fail(err, errlen, "not the endpoint's role");
	if (cfg->auth != ep->cfg.auth)
		return config_fail(err, errlen,
		    "not the endpoint's authentication mode");
	next = ep->cfg;
	config_take_credentials(&next, cfg);
	rc = smsdtls_config_check(&next, err, errlen);
	if (rc != SMSDTLS_OK)
		return rc;
	rc = config_copy(&next, &copy, &owned, &owned_len);
	if (rc == SMSDTLS_OK) {
		rc = endpoint_swap_credentials(ep, &copy, owned, owned_len,
		    err, errlen);
		if (rc != SMSDTLS_OK)
			owned_free(owned, owned_len);
	}
	if (rc != SMSDTLS_OK) {
		if (err != NULL && errlen > 0 && err[0] == '\0')
			snprintf(err, errlen, "%s", smsdtls_strerror(rc));
		return rc;
	}
	/* What was resumable was authenticated with what is gone. */
	if (ep->scache != NULL)
		sesscache_flush(ep->scache);
	wolfSSL_SESSION_free(ep->resume);
	ep->resume = NULL;
	endpoint_log(ep, SMSDTLS_LOG_INFO, "endpoint credentials-replaced");
	return SMSDTLS_OK;
}

struct smsdtls_session *
smsdtls_endpoint_find(struct smsdtls_endpoint *ep,
    const struct smsdtls_peer *peer)
{
	struct smsdtls_session *s;

	for (s = *bucket_of(ep, peer); s != NULL; s = s->hnext)
		if (s->state != SESSION_CLOSED &&
		    smsdtls_peer_equal(&s->peer, peer))
			return s;
	return NULL;
}

void
smsdtls_endpoint_foreach(struct smsdtls_endpoint *ep,
    void (*fn)(struct smsdtls_session *, void *), void *arg)
{
	struct smsdtls_session *s, *next;
	size_t	i;

	for (i = 0; i < ep->nbuckets; i++)
		for (s = ep->buckets[i]; s != NULL; s = next) {
			next = s->hnext;
			if (s->state != SESSION_CLOSED)
				fn(s, arg);
		}
}

/* A plaintext DTLS ClientHello at the start of data? */
static bool
is_client_hello(const uint8_t *data, size_t len)
{
	struct flight_record rec;

	return flight_parse_record(data, len, &rec) &&
	    rec.type == FLIGHT_CT_HANDSHAKE && rec.epoch == 0 &&
	    rec.len > FLIGHT_RECORD_HEADER &&
	    data[FLIGHT_RECORD_HEADER] == HS_CLIENT_HELLO;
}

/* Server: a ClientHello from a peer without a session. */
static smsdtls_rc
endpoint_accept(struct smsdtls_endpoint *ep, const struct smsdtls_peer *peer,
    const uint8_t *data, size_t len, int64_t now)
{
	struct smsdtls_session *s;
	smsdtls_rc rc;

	if (!is_client_hello(data, len)) {
		ep->stats.drop_unknown_peer++;
		return SMSDTLS_EPROTO;
	}
	if (ep->stats.sessions >= ep->cfg.max_sessions) {
		ep->stats.drop_cap_sessions++;
		return SMSDTLS_ELIMIT;
	}
	if (ep->stats.half_open >= ep->cfg.max_half_open) {
		ep->stats.drop_cap_half_open++;
		return SMSDTLS_ELIMIT;
	}
	rc = session_new(ep, peer, now, &s);
	if (rc != SMSDTLS_OK)
		return rc;
	session_input(s, data, len, now);
	if (s->state == SESSION_HANDSHAKE && s->sent_hvr) {
		/* Stateless until the peer proves it gets our datagrams. */
		ep->stats.cookies_sent++;
		session_free(s);
	}
	return SMSDTLS_OK;
}

/*
 * Server: a new ClientHello from the peer of established session old, a
 * client that lost its state and starts over (RFC 6347 section 4.2.8).
 * It gets the stateless cookie exchange of a new peer, so that a forged
 * one costs nothing but a HelloVerifyRequest; a ClientHello with a valid
 * cookie ends old (an SMSDTLS_EV_ERROR event with SMSDTLS_ECLOSED) and
 * its handshake goes on in a new session.  A resuming ClientHello, which
 * wolfSSL answers without a cookie exchange, ends old only once its
 * handshake completes; until then old keeps its application data
 * (endpoint_route()).  The new session takes the place of old, so only
 * the half-open cap applies.
 */
static smsdtls_rc
endpoint_reconnect(struct smsdtls_endpoint *ep, struct smsdtls_session *old,
    const uint8_t *data, size_t len, int64_t now)
{
	struct smsdtls_session *s;
	smsdtls_rc rc;

	if (ep->stats.half_open >= ep->cfg.max_half_open) {
		ep->stats.drop_cap_half_open++;
		return SMSDTLS_ELIMIT;
	}
	rc = session_new(ep, &old->peer, now, &s);
	if (rc != SMSDTLS_OK)
		return rc;
	session_input(s, data, len, now);
	if (s->state == SESSION_HANDSHAKE && s->sent_hvr) {
		ep->stats.cookies_sent++;
		session_free(s);
	} else if (s->state == SESSION_HANDSHAKE &&
	    !session_hello_cookie(data, len)) {
		s->replaces = true;
		s->replaces_id = old->id;
	} else if (s->state != SESSION_CLOSED)
		session_replace(old);
	return SMSDTLS_OK;
}

/*
 * The session of peer for an incoming datagram: the one in handshake
 * that is to replace an established one (endpoint_reconnect()), unless
 * the datagram starts with application data, which is the established
 * one's; otherwise the only one.
 */
static struct smsdtls_session *
endpoint_route(struct smsdtls_endpoint *ep, const struct smsdtls_peer *peer,
    const uint8_t *data)
{
	struct smsdtls_session *s, *old;

	for (s = *bucket_of(ep, peer); s != NULL; s = s->hnext)
		if (s->state == SESSION_HANDSHAKE && s->replaces &&
		    smsdtls_peer_equal(&s->peer, peer))
			break;
	if (s == NULL)
		return smsdtls_endpoint_find(ep, peer);
	if (data[0] == FLIGHT_CT_APPDATA &&
	    (old = endpoint_find_id(ep, peer, s->replaces_id)) != NULL)
		return old;
	return s;
}

smsdtls_rc
smsdtls_endpoint_input(struct smsdtls_endpoint *ep,
    const struct smsdtls_peer *peer, const uint8_t *data, size_t len,
    int64_t now)
{
	struct smsdtls_session *s;
	smsdtls_rc rc = SMSDTLS_OK;

	if (ep == NULL || peer == NULL || (data == NULL && len > 0))
		return SMSDTLS_EINVAL;
	ep->stats.datagrams_in++;
	if (len < FLIGHT_RECORD_HEADER) {
		ep->stats.drop_malformed++;
		return SMSDTLS_EPROTO;
	}
	s = endpoint_route(ep, peer, data);
	if (s != NULL && !ep->cfg.bench_no_cookie &&
	    session_new_hello(s, data, len))
		rc = endpoint_reconnect(ep, s, data, len, now);
	else if (s != NULL)
		rc = session_input(s, data, len, now);
	else if (ep->cfg.role == SMSDTLS_SERVER)
		rc = endpoint_accept(ep, peer, data, len, now);
	else {
		ep->stats.drop_unknown_peer++;
		rc = SMSDTLS_EPROTO;
	}
	endpoint_reap(ep);
	return rc;
}

int64_t
smsdtls_endpoint_next_deadline(const struct smsdtls_endpoint *ep)
{
	return ep->nheap > 0 ? deadline_of(ep->heap[0]) : SMSDTLS_NEVER;
}

void
smsdtls_endpoint_on_deadline(struct smsdtls_endpoint *ep, int64_t now)
{
	while (ep->nheap > 0 && deadline_of(ep->heap[0]) <= now) {
		struct smsdtls_session *s = ep->heap[0];
		int64_t before = s->deadline;

		session_on_deadline(s, now);
		/* A session whose timer did not move would spin here. */
		if (s->state != SESSION_CLOSED && s->deadline <= before) {
			s->deadline = SMSDTLS_NEVER;
			endpoint_reschedule(ep, s);
		}
		endpoint_reap(ep);
	}
	endpoint_reap(ep);
}

void
smsdtls_endpoint_get_stats(const struct smsdtls_endpoint *ep,
    struct smsdtls_endpoint_stats *st)
{
	*st = ep->stats;
}

smsdtls_rc
smsdtls_connect(struct smsdtls_endpoint *ep, const struct smsdtls_peer *peer,
    int64_t now, struct smsdtls_session **sp)
{
	struct smsdtls_session *s;
	smsdtls_rc rc;

	if (ep == NULL || peer == NULL || ep->cfg.role != SMSDTLS_CLIENT ||
	    smsdtls_endpoint_find(ep, peer) != NULL)
		return SMSDTLS_EINVAL;
	rc = session_new(ep, peer, now, &s);
	if (rc != SMSDTLS_OK)
		return rc;
	if (ep->resume != NULL && smsdtls_peer_equal(&ep->resume_peer, peer))
		s->offered_resume = wolfSSL_set_session(s->ssl, ep->resume) ==
		    WOLFSSL_SUCCESS;
	rc = session_start(s, now);
	if (sp != NULL)
		*sp = rc == SMSDTLS_OK ? s : NULL;
	endpoint_reap(ep);
	return rc;
}
