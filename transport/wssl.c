/*
 * wssl.c - wolfSSL set-up for the RFC 7925 profile: DTLS 1.2 only, one
 * CCM-8 suite per mode, a ClientHello trimmed to fit one SMS, PSK
 * callbacks without an identity hint, and the I/O callbacks that connect
 * a WOLFSSL object to its session's receive slot and to the endpoint's
 * TX batch.
 *
 * ClientHello budget at PMTU 133 (measured with wolfSSL 5.7.2): 13 record
 * + 12 handshake + 2 version + 32 random + 1 session id + 1 cookie + 4
 * suites + 2 compression + 2 extensions = 69 fixed bytes, plus the 16-byte
 * cookie, plus extensions: extended_master_secret (4), supported_groups
 * with P-256 only (8), ec_point_formats (6) and, with ECDHE,
 * signature_algorithms with ecdsa_secp256r1_sha256 only (8), and with RPK
 * the two certificate-type extensions (12).  encrypt_then_mac is not
 * offered (RFC 7925 section 6: not with AEAD suites).
 */
#include "config.h"

#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/random.h>

#include "transport/creds.h"
#include "transport/session_int.h"

/* wolfSSL counts retransmission timeouts in whole seconds and gives up
 * when the timeout reaches its maximum.  We start it at 1 s and let it
 * double up to 2^20 s, so that it only counts retransmissions: the
 * session computes the real timeout from its own configuration and ends
 * the handshake by its own deadline. */
#define WSSL_TIMEOUT_INIT	1
#define WSSL_TIMEOUT_MAX	(1 << 20)

static int
wssl_recv_cb(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	(void)ssl;
	return session_io_recv(ctx, buf, sz);
}

static int
wssl_send_cb(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	(void)ssl;
	return session_io_send(ctx, buf, sz);
}

static unsigned int
wssl_psk_client_cb(WOLFSSL *ssl, const char *hint, char *identity,
    unsigned int id_max, unsigned char *key, unsigned int key_max)
{
	struct smsdtls_session *s = wolfSSL_GetIOReadCtx(ssl);
	const struct smsdtls_config *cfg = &s->ep->cfg;
	size_t idlen = strlen(cfg->psk_identity);

	(void)hint;	/* RFC 7925: no hint is sent, none is used */
	if (idlen >= id_max || cfg->psk_key_len > key_max)
		return 0;
	memcpy(identity, cfg->psk_identity, idlen + 1);
	memcpy(key, cfg->psk_key, cfg->psk_key_len);
	return (unsigned int)cfg->psk_key_len;
}

static unsigned int
wssl_psk_server_cb(WOLFSSL *ssl, const char *identity, unsigned char *key,
    unsigned int key_max)
{
	struct smsdtls_session *s = wolfSSL_GetIOReadCtx(ssl);
	const uint8_t *k = NULL;
	size_t klen = 0;

	if (s->ep->psk_store != NULL)
		k = creds_psk_lookup(s->ep->psk_store, identity, &klen);
	if (k == NULL || klen > key_max) {
		/* Answered with decrypt_error by the session (RFC 7925
		 * section 4.2), which does not tell the identity apart from
		 * a wrong key. */
		s->unknown_identity = true;
		return 0;
	}
	memcpy(key, k, klen);
	return (unsigned int)klen;
}

static void
wssl_set_err(char *err, size_t errlen, const char *what, int code)
{
	char reason[WOLFSSL_MAX_ERROR_SZ];

	if (err == NULL || errlen == 0)
		return;
	wolfSSL_ERR_error_string_n((unsigned long)code, reason, sizeof(reason));
	snprintf(err, errlen, "%s: %s (%d)", what, reason, code);
}

/* Own key, certificates, trust anchors and pins for RPK and X.509. */
static smsdtls_rc
wssl_load_keys(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	const struct smsdtls_config *cfg = &ep->cfg;
	int fmt, rc;

	if (cfg->key != NULL) {
		fmt = cfg->key_format == SMSDTLS_FORMAT_DER ?
		    WOLFSSL_FILETYPE_ASN1 : WOLFSSL_FILETYPE_PEM;
		rc = wolfSSL_CTX_use_PrivateKey_buffer(ep->ctx, cfg->key,
		    (long)cfg->key_len, fmt);
		if (rc != WOLFSSL_SUCCESS) {
			wssl_set_err(err, errlen, "private key", rc);
			return SMSDTLS_ETLS;
		}
	}
	if (cfg->auth == SMSDTLS_AUTH_X509 && cfg->cert != NULL) {
		fmt = cfg->cert_format == SMSDTLS_FORMAT_DER ?
		    WOLFSSL_FILETYPE_ASN1 : WOLFSSL_FILETYPE_PEM;
		rc = wolfSSL_CTX_use_certificate_chain_buffer_format(ep->ctx,
		    cfg->cert, (long)cfg->cert_len, fmt);
		if (rc != WOLFSSL_SUCCESS) {
			wssl_set_err(err, errlen, "certificate", rc);
			return SMSDTLS_ETLS;
		}
	}
	if (cfg->auth == SMSDTLS_AUTH_X509 && cfg->ca != NULL) {
		rc = wolfSSL_CTX_load_verify_buffer(ep->ctx, cfg->ca,
		    (long)cfg->ca_len, WOLFSSL_FILETYPE_PEM);
		if (rc != WOLFSSL_SUCCESS) {
			wssl_set_err(err, errlen, "trust anchors", rc);
			return SMSDTLS_ETLS;
		}
	}
	return SMSDTLS_OK;
}

/* Settings shared by both roles. */
static smsdtls_rc
wssl_ctx_profile(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	const struct smsdtls_config *cfg = &ep->cfg;
	const char *suite = cfg->auth == SMSDTLS_AUTH_PSK ?
	    "PSK-AES128-CCM-8" : "ECDHE-ECDSA-AES128-CCM-8";
	int rc;

	rc = wolfSSL_CTX_set_cipher_list(ep->ctx, suite);
	if (rc != WOLFSSL_SUCCESS) {
		wssl_set_err(err, errlen, "cipher suite", rc);
		return SMSDTLS_ETLS;
	}
	wolfSSL_CTX_SetIORecv(ep->ctx, wssl_recv_cb);
	wolfSSL_CTX_SetIOSend(ep->ctx, wssl_send_cb);
	wolfSSL_CTX_AllowEncryptThenMac(ep->ctx, 0);
	rc = wolfSSL_CTX_UseSupportedCurve(ep->ctx, WOLFSSL_ECC_SECP256R1);
	if (rc != WOLFSSL_SUCCESS) {
		wssl_set_err(err, errlen, "supported groups", rc);
		return SMSDTLS_ETLS;
	}
	if (cfg->max_fragment &&
	    wolfSSL_CTX_UseMaxFragment(ep->ctx, WOLFSSL_MFL_2_9) !=
	    WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "max_fragment_length refused");
		return SMSDTLS_ETLS;
	}
	if (cfg->role == SMSDTLS_CLIENT)
		wolfSSL_CTX_set_psk_client_callback(ep->ctx,
		    wssl_psk_client_cb);
	else
		wolfSSL_CTX_set_psk_server_callback(ep->ctx,
		    wssl_psk_server_cb);
	if (cfg->role == SMSDTLS_SERVER && !cfg->session_tickets)
		wolfSSL_CTX_NoTicketTLSv12(ep->ctx);
	if (cfg->auth == SMSDTLS_AUTH_PSK)
		return SMSDTLS_OK;
	wolfSSL_CTX_set_verify(ep->ctx, cfg->role == SMSDTLS_SERVER &&
	    cfg->no_client_auth ? WOLFSSL_VERIFY_NONE : WOLFSSL_VERIFY_PEER |
	    WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return wssl_load_keys(ep, err, errlen);
}

smsdtls_rc
wssl_ctx_new(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	WOLFSSL_METHOD *method;
	WC_RNG rng;
	smsdtls_rc rc;

	if (wolfSSL_Init() != WOLFSSL_SUCCESS)
		return SMSDTLS_ETLS;
	method = ep->cfg.role == SMSDTLS_SERVER ?
	    wolfDTLSv1_2_server_method() : wolfDTLSv1_2_client_method();
	ep->ctx = method != NULL ? wolfSSL_CTX_new(method) : NULL;
	if (ep->ctx == NULL)
		return SMSDTLS_ENOMEM;
	rc = wssl_ctx_profile(ep, err, errlen);
	if (rc != SMSDTLS_OK)
		return rc;
	if (wc_InitRng(&rng) != 0)
		return SMSDTLS_ETLS;
	if (wc_RNG_GenerateBlock(&rng, ep->cookie_secret,
	    sizeof(ep->cookie_secret)) != 0 ||
	    wc_RNG_GenerateBlock(&rng, (byte *)&ep->hash_seed,
	    sizeof(ep->hash_seed)) != 0)
		rc = SMSDTLS_ETLS;
	wc_FreeRng(&rng);
	return rc;
}

smsdtls_rc
wssl_new(struct smsdtls_session *s)
{
	struct smsdtls_endpoint *ep = s->ep;
	size_t pmtu = ep->tr.ops->pmtu(ep->tr.arg, &s->peer);
	WOLFSSL *ssl;

	ssl = wolfSSL_new(ep->ctx);
	if (ssl == NULL)
		return SMSDTLS_ENOMEM;
	wolfSSL_SetIOReadCtx(ssl, s);
	wolfSSL_SetIOWriteCtx(ssl, s);
	wolfSSL_dtls_set_using_nonblock(ssl, 1);
	if (pmtu > 0xffff)
		pmtu = 0xffff;
	if (wolfSSL_dtls_set_mtu(ssl, (unsigned short)pmtu) != WOLFSSL_SUCCESS ||
	    wolfSSL_dtls_set_timeout_init(ssl, WSSL_TIMEOUT_INIT) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_dtls_set_timeout_max(ssl, WSSL_TIMEOUT_MAX) !=
	    WOLFSSL_SUCCESS)
		goto fail;
	if (ep->cfg.role == SMSDTLS_SERVER) {
		/* The cookie's HMAC covers the peer: give wolfSSL its bytes. */
		if (wolfSSL_dtls_set_peer(ssl, &s->peer, sizeof(s->peer)) !=
		    WOLFSSL_SUCCESS ||
		    wolfSSL_DTLS_SetCookieSecret(ssl, ep->cookie_secret,
		    sizeof(ep->cookie_secret)) != 0)
			goto fail;
	} else if (ep->cfg.server_name != NULL) {
		if (wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME,
		    ep->cfg.server_name,
		    (unsigned short)strlen(ep->cfg.server_name)) !=
		    WOLFSSL_SUCCESS)
			goto fail;
		if (ep->cfg.auth == SMSDTLS_AUTH_X509 &&
		    wolfSSL_check_domain_name(ssl, ep->cfg.server_name) !=
		    WOLFSSL_SUCCESS)
			goto fail;
	}
	s->ssl = ssl;
	return SMSDTLS_OK;
fail:
	wolfSSL_free(ssl);
	return SMSDTLS_ETLS;
}

uint32_t
wssl_rto_ms(const struct smsdtls_session *s)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;
	int t = wolfSSL_dtls_get_current_timeout(s->ssl);
	uint64_t rto = cfg->rto_initial_ms;

	/* t is 2^n after n retransmissions (see WSSL_TIMEOUT_INIT). */
	while (t > WSSL_TIMEOUT_INIT && rto < cfg->rto_max_ms) {
		rto *= 2;
		t /= 2;
	}
	return rto < cfg->rto_max_ms ? (uint32_t)rto : cfg->rto_max_ms;
}

/*
 * wolfSSL_GetMaxFragSize() reserves a 12-byte DTLS handshake header in
 * every fragment estimate, application data included, so at MTU 133 it
 * refuses application data over 92 bytes although 104 fit one record of
 * 133 (13 header + 8 nonce + 104 + 8 tag).  The session checks the true
 * limit (wssl_max_payload) before writing; wolfSSL's MTU is raised by the
 * reserve for the duration of the write only.
 */
#define WSSL_HS_HEADER_RESERVE	12

/* A record with AES-128-CCM-8, the only cipher of both profile suites:
 * header, 8-byte explicit nonce (RFC 6655 section 3), 8-byte tag. */
#define WSSL_CCM8_OVERHEAD	(FLIGHT_RECORD_HEADER + 8 + 8)

size_t
wssl_max_payload(const struct smsdtls_session *s)
{
	size_t pmtu = s->ep->tr.ops->pmtu(s->ep->tr.arg, &s->peer);

	return pmtu > WSSL_CCM8_OVERHEAD ? pmtu - WSSL_CCM8_OVERHEAD : 0;
}

int
wssl_write(struct smsdtls_session *s, const uint8_t *data, size_t len)
{
	size_t pmtu = s->ep->tr.ops->pmtu(s->ep->tr.arg, &s->peer);
	int n;

	if (pmtu + WSSL_HS_HEADER_RESERVE > 0xffff)
		pmtu = 0xffff - WSSL_HS_HEADER_RESERVE;
	wolfSSL_dtls_set_mtu(s->ssl,
	    (unsigned short)(pmtu + WSSL_HS_HEADER_RESERVE));
	n = wolfSSL_write(s->ssl, data, (int)len);
	wolfSSL_dtls_set_mtu(s->ssl, (unsigned short)pmtu);
	return n;
}
