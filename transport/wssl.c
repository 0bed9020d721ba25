/*
 * wssl.c - wolfSSL set-up for the RFC 7925 profile: DTLS 1.2 only, one
 * CCM-8 suite per mode, a ClientHello trimmed to fit one SMS, PSK
 * callbacks without an identity hint, raw public keys checked against
 * pins and certificate chains against trust anchors (RFC 7925 sections
 * 4.3 and 4.4), and the I/O callbacks that connect a WOLFSSL object to its
 * session's receive slot and to the endpoint's TX batch.
 *
 * ClientHello budget at PMTU 133 (measured with wolfSSL 5.7.2): 13 record
 * + 12 handshake + 2 version + 32 random + 1 session id + 1 cookie + 4
 * suites + 2 compression + 2 extensions = 69 fixed bytes, plus the 16-byte
 * cookie, plus extensions: extended_master_secret (4), supported_groups
 * with P-256 only (8), ec_point_formats (6) and, with ECDHE,
 * signature_algorithms with ecdsa_secp256r1_sha256 only (8: SHA-384/512
 * are not built), and with RPK the two certificate-type extensions (12).
 * encrypt_then_mac is not offered (RFC 7925 section 6: not with AEAD
 * suites).  So with the cookie: PSK 103, X.509 111, RPK 123;
 * max_fragment_length adds 5 and SNI 9 plus the name (wssl_hello_len()).
 *
 * What does not fit is left out rather than making the handshake
 * impossible (wolfSSL does not fragment a ClientHello):
 * - SNI (RFC 6066 section 3) is sent only when the ClientHello with the
 *   cookie still fits; the host name is verified against the server's
 *   certificate either way.
 * - Resumption: a resuming ClientHello carries the 32-byte session ID and
 *   no cookie (the server skips HelloVerifyRequest for it).  X.509: 95 +
 *   32 = 127 fits PMTU 133.  RPK: 107 + 32 = 139 fits PMTU 140 (no WDP
 *   ports) only; at PMTU 133 an RPK client forgets its stored session
 *   and makes a full handshake instead (6 flights, 12 SMS, not 4).
 *
 * Raw public keys (RFC 7250): both certificate-type extensions offer
 * RawPublicKey only.  Our key is the SubjectPublicKeyInfo derived from
 * the private key, loaded as a DER "certificate", which is how wolfSSL
 * recognises an RPK.  wolfSSL takes any well-formed peer key, so
 * wssl_verify_cb() compares its DER SubjectPublicKeyInfo byte for byte
 * with the pins.  wolfSSL calls that callback for a good certificate only
 * when built with WOLFSSL_ALWAYS_VERIFY_CB; without it, the pins are
 * checked by wssl_send_cb() before our next flight leaves, which is before
 * the peer can have our Finished, and the flight is replaced by a
 * bad_certificate alert.
 *
 * X.509: our chain is sent as configured (leaf, then intermediates); the
 * peer's is checked up to one of the trust anchors, so a root -> an
 * intermediate -> a leaf chain works when the peer sends the
 * intermediate.  Such a chain costs 6-7 SMS per Certificate message.
 * wolfSSL 5.7.2 corrupts a fragmented handshake message when a fragment
 * lands in a gap between two fragments it already holds (DtlsMsgSet()
 * merges it into the following one and counts the gap as received): with
 * SMS delivered out of order, multi-fragment certificate chains would fail
 * with ASN_PARSE_E; patches/wolfssl/0002 fixes it in our build.
 *
 * Export and import (parking, the daemon's state directory) go through
 * wolfSSL_dtls_export() and wolfSSL_dtls_import(); the session reads and
 * moves the write sequence number inside that state (wssl_state_seq()),
 * and needs patches/wolfssl/0003 so that the AES-CCM nonce goes on from
 * it after an import.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>

#include "transport/creds.h"
#include "transport/sesscache.h"
#include "transport/session_int.h"

/* wolfSSL counts retransmission timeouts in whole seconds and gives up
 * when the timeout reaches its maximum.  We start it at 1 s and let it
 * double up to 2^20 s, so that it only counts retransmissions: the
 * session computes the real timeout from its own configuration and ends
 * the handshake by its own deadline. */
#define WSSL_TIMEOUT_INIT	1
#define WSSL_TIMEOUT_MAX	(1 << 20)

/* ClientHello sizes: see the budget at the top of the file. */
#define WSSL_HELLO_FIXED	69
#define WSSL_HELLO_COOKIE	16	/* WOLFSSL_DTLS12_COOKIE_SZ */
#define WSSL_HELLO_SESSION_ID	32
#define WSSL_EXT_EMS		4
#define WSSL_EXT_GROUPS		8
#define WSSL_EXT_POINT_FORMATS	6
#define WSSL_EXT_SIGALGS	8
#define WSSL_EXT_CERT_TYPES	12
#define WSSL_EXT_MAX_FRAGMENT	5
#define WSSL_EXT_SNI		9	/* plus the name */
#define WSSL_EXT_TICKET		4	/* plus the ticket */
/* Smallest PMTU at which a server issues session tickets. */
#define WSSL_TICKET_MIN_PMTU	512

/* A DER SubjectPublicKeyInfo of a P-256 key is 91 bytes; room for one
 * with explicit curve parameters, which the pins check rejects. */
#define WSSL_SPKI_MAX		512
/* A DER private key: SEC 1 for P-256 is 121 bytes, PKCS #8 138. */
#define WSSL_KEY_DER_MAX	1024

#define PEM_PUBLIC_KEY_BEGIN	"-----BEGIN PUBLIC KEY-----"
#define PEM_PUBLIC_KEY_END	"-----END PUBLIC KEY-----"

/* Alert numbers (RFC 5246 section 7.2) and DTLS 1.2 on the wire. */
#define WSSL_ALERT_FATAL	2
#define WSSL_ALERT_BAD_CERT	42
#define WSSL_CT_CCS		20
#define WSSL_CT_ALERT		21
#define WSSL_CT_HANDSHAKE	22
#define WSSL_RECORD_HEADER	13

static void
wssl_set_err(char *err, size_t errlen, const char *what, int code)
{
	char reason[WOLFSSL_MAX_ERROR_SZ];

	if (err == NULL || errlen == 0)
		return;
	wolfSSL_ERR_error_string_n((unsigned long)code, reason, sizeof(reason));
	snprintf(err, errlen, "%s: %s (%d)", what, reason, code);
}

/* memset() that the compiler keeps, for key material. */
static void
wssl_wipe(void *p, size_t len)
{
	volatile uint8_t *b = p;

	while (len-- > 0)
		*b++ = 0;
}

static smsdtls_rc
wssl_fail(char *err, size_t errlen, smsdtls_rc rc, const char *reason)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", reason);
	return rc;
}

/* ---------------------------------------------------------- PEM, pins */

/* The value of one base64 character, or -1. */
static int
wssl_b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode base64 text (RFC 4648 section 4, whitespace ignored, '=' only
 * at the end) into out.  Returns false on bad input or if out is short.
 */
static bool
wssl_b64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t outmax,
    size_t *outlen)
{
	uint32_t acc = 0;
	size_t i, n = 0, bits = 0, pad = 0;
	int v;

	for (i = 0; i < len; i++) {
		if (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' ||
		    in[i] == '\n')
			continue;
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = wssl_b64_value(in[i])) < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outmax)
				return false;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be padding: 2 chars -> 4 bits, 3 -> 2. */
	if (pad > 2 || bits >= 6 || (bits == 0 && pad > 0) ||
	    (bits > 0 && pad != bits / 2) || (acc & ((1u << bits) - 1)) != 0)
		return false;
	*outlen = n;
	return true;
}

/* The first occurrence of the C string needle in p[0..len), or NULL. */
static const uint8_t *
wssl_find(const uint8_t *p, size_t len, const char *needle)
{
	size_t nlen = strlen(needle), i;

	for (i = 0; nlen <= len && i <= len - nlen; i++)
		if (memcmp(p + i, needle, nlen) == 0)
			return p + i;
	return NULL;
}

/*
 * The next PEM "PUBLIC KEY" block of text[*off..len) decoded into der.
 * Returns 1 and advances *off past it, 0 when there is none, -1 when a
 * block is malformed.  Text outside blocks is ignored.
 */
static int
wssl_pem_next(const uint8_t *text, size_t len, size_t *off, uint8_t *der,
    size_t dermax, size_t *derlen)
{
	const uint8_t *b, *e, *body;

	if (text == NULL || *off >= len)
		return 0;
	b = wssl_find(text + *off, len - *off, PEM_PUBLIC_KEY_BEGIN);
	if (b == NULL)
		return 0;
	body = b + strlen(PEM_PUBLIC_KEY_BEGIN);
	e = wssl_find(body, (size_t)(text + len - body), PEM_PUBLIC_KEY_END);
	if (e == NULL ||
	    !wssl_b64_decode(body, (size_t)(e - body), der, dermax, derlen))
		return -1;
	*off = (size_t)(e - text) + strlen(PEM_PUBLIC_KEY_END);
	return 1;
}

/* Is der exactly a SubjectPublicKeyInfo of a P-256 key? */
static bool
wssl_spki_p256(const uint8_t *der, size_t len)
{
	ecc_key key;
	word32 idx = 0;
	bool ok;

	if (wc_ecc_init(&key) != 0)
		return false;
	ok = wc_EccPublicKeyDecode(der, &idx, &key, (word32)len) == 0 &&
	    idx == len && wc_ecc_get_curve_id(key.idx) == ECC_SECP256R1;
	wc_ecc_free(&key);
	return ok;
}

/* Check the configured pins: at least one, all P-256 keys. */
static smsdtls_rc
wssl_pins_check(const struct smsdtls_config *cfg, char *err, size_t errlen)
{
	uint8_t der[WSSL_SPKI_MAX];
	size_t off = 0, len, n = 0;
	int r;

	while ((r = wssl_pem_next(cfg->rpk_pins, cfg->rpk_pins_len, &off, der,
	    sizeof(der), &len)) == 1) {
		if (!wssl_spki_p256(der, len))
			return wssl_fail(err, errlen, SMSDTLS_EINVAL,
			    "rpk_pins: a PUBLIC KEY is not a P-256 key");
		n++;
	}
	if (r < 0)
		return wssl_fail(err, errlen, SMSDTLS_EINVAL,
		    "rpk_pins: malformed PUBLIC KEY block");
	if (n == 0)
		return wssl_fail(err, errlen, SMSDTLS_EINVAL,
		    "RPK mode needs rpk_pins (PEM PUBLIC KEY blocks)");
	return SMSDTLS_OK;
}

/* Is the peer's SubjectPublicKeyInfo one of the pins (byte for byte)? */
static bool
wssl_pinned(const struct smsdtls_config *cfg, const uint8_t *spki,
    size_t spkilen)
{
	uint8_t der[WSSL_SPKI_MAX];
	size_t off = 0, len;

	while (wssl_pem_next(cfg->rpk_pins, cfg->rpk_pins_len, &off, der,
	    sizeof(der), &len) == 1)
		if (len == spkilen && memcmp(der, spki, len) == 0)
			return true;
	return false;
}

/* --------------------------------------------------------------- verify */

/*
 * wolfSSL's verdict on the peer's certificate (preverify: 1 good, 0
 * not); we keep it for X.509 and, for a raw public key, which wolfSSL
 * takes without any check, require a pin.  Called for the leaf (depth 0)
 * and for any certificate wolfSSL found an error in.
 */
static int
wssl_verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *st)
{
	struct smsdtls_endpoint *ep = st->userCtx;

	if (!preverify) {
		endpoint_log(ep, SMSDTLS_LOG_INFO,
		    "peer certificate rejected depth=%d error=%d",
		    st->error_depth, st->error);
		return 0;
	}
	if (ep->cfg.auth != SMSDTLS_AUTH_RPK || st->error_depth != 0)
		return 1;
	if (st->totalCerts >= 1 && st->certs != NULL &&
	    wssl_pinned(&ep->cfg, st->certs[0].buffer, st->certs[0].length))
		return 1;
	endpoint_log(ep, SMSDTLS_LOG_INFO, "peer raw public key not pinned");
	return 0;
}

#ifndef WOLFSSL_ALWAYS_VERIFY_CB
/*
 * Without WOLFSSL_ALWAYS_VERIFY_CB, wssl_verify_cb() never sees a good
 * raw public key.  wolfSSL keeps the peer's key in the session's chain
 * (SESSION_CERTS) as soon as its Certificate message is parsed; every
 * flight we send after that passes here first.  false: not pinned.
 */
static bool
wssl_peer_rpk_ok(struct smsdtls_session *s, const uint8_t *buf, int sz)
{
	WOLFSSL_X509_CHAIN *chain;
	const uint8_t *der;
	int len;

	/* Handshake flights only (a server counts its handshake as done
	 * before its last flight is out, so the content type tells). */
	if (s->ep->cfg.auth != SMSDTLS_AUTH_RPK || sz < 1 ||
	    (buf[0] != WSSL_CT_HANDSHAKE && buf[0] != WSSL_CT_CCS))
		return true;
	chain = wolfSSL_get_peer_chain(s->ssl);
	if (chain == NULL || wolfSSL_get_chain_count(chain) < 1)
		return true;	/* nothing received yet */
	der = wolfSSL_get_chain_cert(chain, 0);
	len = wolfSSL_get_chain_length(chain, 0);
	return der != NULL && len > 0 && wssl_pinned(&s->ep->cfg, der,
	    (size_t)len);
}

/*
 * Replace a flight that must not leave with a fatal bad_certificate
 * alert in plaintext, under the epoch-0 sequence number wolfSSL gave the
 * flight's first record (the client's Certificate on a client, the
 * ChangeCipherSpec on a server), so that the peer stops at once.
 */
static void
wssl_send_bad_certificate(struct smsdtls_session *s, const uint8_t *buf,
    int sz)
{
	uint8_t rec[WSSL_RECORD_HEADER + 2];

	if (sz < WSSL_RECORD_HEADER || buf[3] != 0 || buf[4] != 0)
		return;		/* not epoch 0: send nothing */
	memcpy(rec, buf, 11);	/* type, version, epoch, sequence number */
	rec[0] = WSSL_CT_ALERT;
	rec[11] = 0;
	rec[12] = 2;
	rec[13] = WSSL_ALERT_FATAL;
	rec[14] = WSSL_ALERT_BAD_CERT;
	session_io_send(s, (const char *)rec, sizeof(rec));
}
#endif /* !WOLFSSL_ALWAYS_VERIFY_CB */

/* ------------------------------------------------------------ callbacks */

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
#ifndef WOLFSSL_ALWAYS_VERIFY_CB
	if (!wssl_peer_rpk_ok(ctx, (const uint8_t *)buf, sz)) {
		struct smsdtls_session *s = ctx;

		endpoint_log(s->ep, SMSDTLS_LOG_INFO,
		    "session %08x peer raw public key not pinned", s->id);
		wssl_send_bad_certificate(s, (const uint8_t *)buf, sz);
		return WOLFSSL_CBIO_ERR_GENERAL;
	}
#endif
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

/* ------------------------------------------------------- own credentials */

/* The private key in DER (SEC 1 or PKCS #8), whatever its encoding. */
static smsdtls_rc
wssl_key_der(const struct smsdtls_config *cfg, uint8_t *der, size_t dermax,
    size_t *derlen)
{
	int n;

	if (cfg->key_format == SMSDTLS_FORMAT_DER) {
		if (cfg->key_len > dermax)
			return SMSDTLS_EINVAL;
		memcpy(der, cfg->key, cfg->key_len);
		*derlen = cfg->key_len;
		return SMSDTLS_OK;
	}
	n = wc_KeyPemToDer(cfg->key, (int)cfg->key_len, der, (int)dermax, NULL);
	if (n <= 0)
		return SMSDTLS_EINVAL;
	*derlen = (size_t)n;
	return SMSDTLS_OK;
}

/*
 * The DER SubjectPublicKeyInfo of the configured private key, which must
 * be a P-256 key: its length, or a wolfSSL error (<= 0).
 */
static int
wssl_key_spki(const struct smsdtls_config *cfg, uint8_t *spki, size_t max)
{
	uint8_t der[WSSL_KEY_DER_MAX];
	size_t derlen = 0;
	word32 idx = 0;
	ecc_key key;
	int n, rc;

	if (wssl_key_der(cfg, der, sizeof(der), &derlen) != SMSDTLS_OK)
		return ASN_PARSE_E;
	if (wc_GetPkcs8TraditionalOffset(der, &idx, (word32)derlen) < 0)
		idx = 0;
	if ((rc = wc_ecc_init(&key)) != 0)
		return rc;
	rc = wc_EccPrivateKeyDecode(der, &idx, &key, (word32)derlen);
	if (rc == 0 && wc_ecc_get_curve_id(key.idx) != ECC_SECP256R1)
		rc = ECC_CURVE_OID_E;
	if (rc == 0 && key.type == ECC_PRIVATEKEY_ONLY)
		rc = wc_ecc_make_pub(&key, NULL);
	n = rc == 0 ? wc_EccPublicKeyToDer(&key, spki, (word32)max, 1) : rc;
	wc_ecc_free(&key);
	wssl_wipe(der, sizeof(der));
	return n;
}

/*
 * Load our raw public key: the SubjectPublicKeyInfo of our private key,
 * given to wolfSSL as a DER "certificate", which it recognises as an RPK
 * (RFC 7250 section 3).
 */
static smsdtls_rc
wssl_load_own_rpk(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	uint8_t spki[WSSL_SPKI_MAX];
	int n, rc;

	n = wssl_key_spki(&ep->cfg, spki, sizeof(spki));
	if (n <= 0) {
		wssl_set_err(err, errlen, "private key: not a P-256 key", n);
		return SMSDTLS_ETLS;
	}
	rc = wolfSSL_CTX_use_certificate_buffer(ep->ctx, spki, n,
	    WOLFSSL_FILETYPE_ASN1);
	if (rc != WOLFSSL_SUCCESS) {
		wssl_set_err(err, errlen, "raw public key", rc);
		return SMSDTLS_ETLS;
	}
	return SMSDTLS_OK;
}

/*
 * Is our private key a P-256 key, and the one of our certificate (the
 * first of the chain)?  wolfSSL_CTX_check_private_key() does not compare
 * EC keys in this build.
 */
static smsdtls_rc
wssl_check_cert_key(const struct smsdtls_config *cfg, int fmt, char *err,
    size_t errlen)
{
	uint8_t own[WSSL_SPKI_MAX], leaf[WSSL_SPKI_MAX];
	int n, len = (int)sizeof(leaf);
	WOLFSSL_X509 *x509;
	bool same;

	n = wssl_key_spki(cfg, own, sizeof(own));
	if (n <= 0) {
		wssl_set_err(err, errlen, "private key: not a P-256 key", n);
		return SMSDTLS_ETLS;
	}
	x509 = wolfSSL_X509_load_certificate_buffer(cfg->cert,
	    (int)cfg->cert_len, fmt);
	same = x509 != NULL &&
	    wolfSSL_X509_get_pubkey_buffer(x509, leaf, &len) ==
	    WOLFSSL_SUCCESS && len == n && memcmp(own, leaf, (size_t)n) == 0;
	wolfSSL_X509_free(x509);
	if (!same)
		return wssl_fail(err, errlen, SMSDTLS_ETLS,
		    "private key does not match the certificate");
	return SMSDTLS_OK;
}

/* X.509: our chain (leaf first), checked against our private key. */
static smsdtls_rc
wssl_load_chain(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	const struct smsdtls_config *cfg = &ep->cfg;
	int fmt, rc;

	fmt = cfg->cert_format == SMSDTLS_FORMAT_DER ? WOLFSSL_FILETYPE_ASN1 :
	    WOLFSSL_FILETYPE_PEM;
	/* PEM: leaf first, then the intermediates wolfSSL sends with it. */
	rc = wolfSSL_CTX_use_certificate_chain_buffer_format(ep->ctx, cfg->cert,
	    (long)cfg->cert_len, fmt);
	if (rc != WOLFSSL_SUCCESS) {
		wssl_set_err(err, errlen, "certificate", rc);
		return SMSDTLS_ETLS;
	}
	return wssl_check_cert_key(cfg, fmt, err, errlen);
}

/*
 * Own key, certificates, trust anchors and pins for RPK and X.509.  A
 * certificate client may have no key and chain of its own
 * (smsdtls_config_check() allows it, for servers that do not ask for one).
 */
static smsdtls_rc
wssl_load_keys(struct smsdtls_endpoint *ep, bool verify, char *err,
    size_t errlen)
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
	if (cfg->auth == SMSDTLS_AUTH_RPK) {
		if (verify && wssl_pins_check(cfg, err, errlen) != SMSDTLS_OK)
			return SMSDTLS_EINVAL;
		return wssl_load_own_rpk(ep, err, errlen);
	}
	if (cfg->key != NULL && wssl_load_chain(ep, err, errlen) != SMSDTLS_OK)
		return SMSDTLS_ETLS;
	if (cfg->ca != NULL) {
		rc = wolfSSL_CTX_load_verify_buffer(ep->ctx, cfg->ca,
		    (long)cfg->ca_len, WOLFSSL_FILETYPE_PEM);
		if (rc != WOLFSSL_SUCCESS) {
			wssl_set_err(err, errlen, "trust anchors", rc);
			return SMSDTLS_ETLS;
		}
	}
	return SMSDTLS_OK;
}

/* RPK and X.509: certificate types, keys, and how the peer is checked. */
static smsdtls_rc
wssl_ctx_certs(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	const struct smsdtls_config *cfg = &ep->cfg;
	bool verify = !(cfg->role == SMSDTLS_SERVER && cfg->no_client_auth);
	static const char rpk_only[] = { WOLFSSL_CERT_TYPE_RPK };

	if (cfg->auth == SMSDTLS_AUTH_RPK &&
	    (wolfSSL_CTX_set_client_cert_type(ep->ctx, rpk_only,
	    sizeof(rpk_only)) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_server_cert_type(ep->ctx, rpk_only,
	    sizeof(rpk_only)) != WOLFSSL_SUCCESS))
		return wssl_fail(err, errlen, SMSDTLS_ETLS,
		    "raw public keys not supported by wolfSSL");
	/* A client always verifies the server; a server asks for the
	 * client's certificate or key unless no_client_auth. */
	if (verify) {
		wolfSSL_CTX_set_verify(ep->ctx, WOLFSSL_VERIFY_PEER |
		    WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT, wssl_verify_cb);
		wolfSSL_CTX_SetCertCbCtx(ep->ctx, ep);
	} else
		wolfSSL_CTX_set_verify(ep->ctx, WOLFSSL_VERIFY_NONE, NULL);
	return wssl_load_keys(ep, verify, err, errlen);
}

/*
 * The profile's ClientHello: no encrypt_then_mac, P-256 as the only
 * group.  bench_no_trim leaves wolfSSL's defaults, to measure what the
 * trimming saves (the size estimates of wssl_hello_len() then run
 * short, and a ClientHello that does not fit fails the handshake).
 */
static int
wssl_ctx_trim(struct smsdtls_endpoint *ep)
{
	if (ep->cfg.bench_no_trim)
		return WOLFSSL_SUCCESS;
	wolfSSL_CTX_AllowEncryptThenMac(ep->ctx, 0);
	return wolfSSL_CTX_UseSupportedCurve(ep->ctx, WOLFSSL_ECC_SECP256R1);
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
	rc = wssl_ctx_trim(ep);
	if (rc != WOLFSSL_SUCCESS) {
		wssl_set_err(err, errlen, "supported groups", rc);
		return SMSDTLS_ETLS;
	}
	if (cfg->max_fragment &&
	    wolfSSL_CTX_UseMaxFragment(ep->ctx, WOLFSSL_MFL_2_9) !=
	    WOLFSSL_SUCCESS)
		return wssl_fail(err, errlen, SMSDTLS_ETLS,
		    "max_fragment_length refused");
	if (cfg->role == SMSDTLS_CLIENT)
		wolfSSL_CTX_set_psk_client_callback(ep->ctx,
		    wssl_psk_client_cb);
	else
		wolfSSL_CTX_set_psk_server_callback(ep->ctx,
		    wssl_psk_server_cb);
	if (!cfg->session_tickets)
		wolfSSL_CTX_NoTicketTLSv12(ep->ctx);
	else if (cfg->role == SMSDTLS_CLIENT &&
	    wolfSSL_CTX_UseSessionTicket(ep->ctx) != WOLFSSL_SUCCESS)
		return wssl_fail(err, errlen, SMSDTLS_ETLS,
		    "session tickets refused");
	if (cfg->auth == SMSDTLS_AUTH_PSK)
		return SMSDTLS_OK;
	return wssl_ctx_certs(ep, err, errlen);
}

/*
 * wolfSSL_dtls_export() asks for the peer's address through a callback
 * made for sockets, and wolfSSL_dtls_import() gives it back.  The session
 * keeps its peer itself (and exports it in its own format), so an empty
 * address goes out and whatever comes in is ignored.
 */
static int
wssl_get_peer_cb(WOLFSSL *ssl, char *ip, int *ipsz, unsigned short *port,
    int *fam)
{
	(void)ssl;
	(void)ip;
	*ipsz = 0;
	*port = 0;
	*fam = 0;
	return WOLFSSL_SUCCESS;
}

static int
wssl_set_peer_cb(WOLFSSL *ssl, char *ip, int ipsz, unsigned short port,
    int fam)
{
	(void)ssl;
	(void)ip;
	(void)ipsz;
	(void)port;
	(void)fam;
	return WOLFSSL_SUCCESS;
}

/* wolfSSL made a resumable session on a server: keep it in the
 * endpoint's own cache, which takes the reference.  Not one whose
 * handshake began under credentials replaced since (wssl_current()). */
static int
wssl_sess_new_cb(WOLFSSL *ssl, WOLFSSL_SESSION *sess)
{
	struct smsdtls_session *s = wolfSSL_GetIOReadCtx(ssl);
	const uint8_t *id = wolfSSL_get_sessionID(sess);

	if (s == NULL || s->ep->scache == NULL || id == NULL ||
	    !wssl_current(s))
		return 0;
	sesscache_put(s->ep->scache, id, sess);
	return 1;
}

/* A ClientHello proposes a session ID: only this endpoint's count. */
static WOLFSSL_SESSION *
wssl_sess_get_cb(WOLFSSL *ssl, const unsigned char *id, int len, int *copy)
{
	struct smsdtls_session *s = wolfSSL_GetIOReadCtx(ssl);

	*copy = 1;	/* the cache keeps its reference */
	if (s == NULL || len < 0)
		return NULL;
	return sesscache_get(s->ep->scache, id, (size_t)len);
}

/*
 * wolfSSL's own session cache is one per process: a session made with
 * one endpoint's credentials would resume on another.  It is switched
 * off; a server keeps its sessions in its endpoint (sesscache.c), and a
 * client keeps the one it may resume in ep->resume.
 */
static void
wssl_ctx_cache(struct smsdtls_endpoint *ep)
{
	wolfSSL_CTX_set_session_cache_mode(ep->ctx,
	    WOLFSSL_SESS_CACHE_NO_INTERNAL);
	if (ep->cfg.role != SMSDTLS_SERVER)
		return;
	wolfSSL_CTX_sess_set_new_cb(ep->ctx, wssl_sess_new_cb);
	wolfSSL_CTX_sess_set_get_cb(ep->ctx, wssl_sess_get_cb);
}

smsdtls_rc
wssl_ctx_make(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	WOLFSSL_METHOD *method;
	smsdtls_rc rc;

	ep->ctx = NULL;
	if (wolfSSL_Init() != WOLFSSL_SUCCESS)
		return SMSDTLS_ETLS;
	method = ep->cfg.role == SMSDTLS_SERVER ?
	    wolfDTLSv1_2_server_method() : wolfDTLSv1_2_client_method();
	ep->ctx = method != NULL ? wolfSSL_CTX_new(method) : NULL;
	if (ep->ctx == NULL)
		return SMSDTLS_ENOMEM;
	wolfSSL_CTX_SetIOGetPeer(ep->ctx, wssl_get_peer_cb);
	wolfSSL_CTX_SetIOSetPeer(ep->ctx, wssl_set_peer_cb);
	wssl_ctx_cache(ep);
	rc = wssl_ctx_profile(ep, err, errlen);
	if (rc != SMSDTLS_OK) {
		wolfSSL_CTX_free(ep->ctx);
		ep->ctx = NULL;
	}
	return rc;
}

bool
wssl_current(const struct smsdtls_session *s)
{
	/* s->ssl holds a reference to its context, so an address equal to
	 * ep->ctx cannot be a freed context's. */
	return s->ssl != NULL && wolfSSL_get_SSL_CTX(s->ssl) == s->ep->ctx;
}

smsdtls_rc
wssl_ctx_new(struct smsdtls_endpoint *ep, char *err, size_t errlen)
{
	WC_RNG rng;
	smsdtls_rc rc;

	rc = wssl_ctx_make(ep, err, errlen);
	if (rc == SMSDTLS_OK && ep->cfg.role == SMSDTLS_SERVER)
		rc = sesscache_new(ep->cfg.max_sessions, &ep->scache);
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

/* ----------------------------------------------------------- sessions */

/* Our ClientHello's length with an SNI name of sni bytes (0: none), a
 * session ID of sid bytes, a cookie of cookie bytes and, when tickets are
 * on, a session_ticket extension carrying ticket bytes. */
static size_t
wssl_hello_len(const struct smsdtls_config *cfg, size_t sni, size_t sid,
    size_t cookie, size_t ticket)
{
	size_t n = WSSL_HELLO_FIXED + sid + cookie + WSSL_EXT_EMS +
	    WSSL_EXT_GROUPS + WSSL_EXT_POINT_FORMATS;

	if (cfg->auth != SMSDTLS_AUTH_PSK)
		n += WSSL_EXT_SIGALGS;
	if (cfg->auth == SMSDTLS_AUTH_RPK)
		n += WSSL_EXT_CERT_TYPES;
	if (cfg->max_fragment)
		n += WSSL_EXT_MAX_FRAGMENT;
	if (sni > 0)
		n += WSSL_EXT_SNI + sni;
	if (cfg->session_tickets)
		n += WSSL_EXT_TICKET + ticket;
	return n;
}

/* Length of the ticket of the session set on ssl (0: none). */
static size_t
wssl_ticket_len(WOLFSSL *ssl)
{
	unsigned char buf[1024];
	word32 len = sizeof(buf);

	if (wolfSSL_get_SessionTicket(ssl, buf, &len) != WOLFSSL_SUCCESS)
		return sizeof(buf);	/* too long to matter: never fits */
	return len;
}

/* Client: SNI if it fits, the host name check, and no stored session
 * whose resuming ClientHello would not fit. */
static smsdtls_rc
wssl_client_hello(struct smsdtls_session *s, size_t pmtu)
{
	struct smsdtls_endpoint *ep = s->ep;
	const struct smsdtls_config *cfg = &ep->cfg;
	size_t sni = cfg->server_name != NULL ? strlen(cfg->server_name) : 0;
	size_t ticket = 0;

	if (sni > 0xff ||
	    wssl_hello_len(cfg, sni, 0, WSSL_HELLO_COOKIE, 0) > pmtu) {
		if (sni > 0)
			endpoint_log(ep, SMSDTLS_LOG_INFO, "session %08x "
			    "sni-omitted len=%zu pmtu=%zu", s->id, sni, pmtu);
		sni = 0;
	}
	if (sni > 0 && wolfSSL_UseSNI(s->ssl, WOLFSSL_SNI_HOST_NAME,
	    cfg->server_name, (unsigned short)sni) != WOLFSSL_SUCCESS)
		return SMSDTLS_ETLS;
	if (cfg->server_name != NULL && cfg->auth == SMSDTLS_AUTH_X509 &&
	    wolfSSL_check_domain_name(s->ssl, cfg->server_name) !=
	    WOLFSSL_SUCCESS)
		return SMSDTLS_ETLS;
	/* The endpoint offers ep->resume to this peer after wssl_new(). */
	if (ep->resume == NULL || !smsdtls_peer_equal(&ep->resume_peer,
	    &s->peer))
		return SMSDTLS_OK;
	if (cfg->session_tickets && wolfSSL_SESSION_has_ticket(ep->resume) &&
	    wolfSSL_set_session(s->ssl, ep->resume) == WOLFSSL_SUCCESS)
		ticket = wssl_ticket_len(s->ssl);
	if (wssl_hello_len(cfg, sni, WSSL_HELLO_SESSION_ID, 0, ticket) >
	    pmtu) {
		endpoint_log(ep, SMSDTLS_LOG_INFO, "session %08x "
		    "resumption-skipped pmtu=%zu", s->id, pmtu);
		wolfSSL_SESSION_free(ep->resume);
		ep->resume = NULL;
	}
	return SMSDTLS_OK;
}

/*
 * bench_no_cookie: the server object starts stateful, so wolfSSL answers
 * the first ClientHello with its ServerHello flight instead of a
 * HelloVerifyRequest (patches/wolfssl/0006).  The endpoint then keeps
 * the session it made for that ClientHello, as it does for one with a
 * valid cookie.  smsdtls_config_check() refuses the setting on a wolfSSL
 * without the patch.
 */
static smsdtls_rc
wssl_no_cookie(struct smsdtls_endpoint *ep, WOLFSSL *ssl)
{
	if (!ep->cfg.bench_no_cookie)
		return SMSDTLS_OK;
#ifdef WOLFSSL_DTLS12_STATEFUL_ACCEPT
	if (wolfSSL_dtls12_set_stateful(ssl, 1) == WOLFSSL_SUCCESS)
		return SMSDTLS_OK;
#else
	(void)ssl;
#endif
	return SMSDTLS_ETLS;
}

/* A WOLFSSL object for s with what every session needs: its I/O
 * callbacks, non-blocking mode, the path MTU and the timer counters. */
static smsdtls_rc
wssl_alloc(struct smsdtls_session *s, size_t pmtu, WOLFSSL **sslp)
{
	WOLFSSL *ssl;

	ssl = wolfSSL_new(s->ep->ctx);
	if (ssl == NULL)
		return SMSDTLS_ENOMEM;
	wolfSSL_SetIOReadCtx(ssl, s);
	wolfSSL_SetIOWriteCtx(ssl, s);
	wolfSSL_dtls_set_using_nonblock(ssl, 1);
	if (pmtu > 0xffff)
		pmtu = 0xffff;
	if (wolfSSL_dtls_set_mtu(ssl, (unsigned short)pmtu) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_dtls_set_timeout_init(ssl, WSSL_TIMEOUT_INIT) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_dtls_set_timeout_max(ssl, WSSL_TIMEOUT_MAX) !=
	    WOLFSSL_SUCCESS) {
		wolfSSL_free(ssl);
		return SMSDTLS_ETLS;
	}
	*sslp = ssl;
	return SMSDTLS_OK;
}

smsdtls_rc
wssl_new(struct smsdtls_session *s)
{
	struct smsdtls_endpoint *ep = s->ep;
	size_t pmtu = ep->tr.ops->pmtu(ep->tr.arg, &s->peer);
	WOLFSSL *ssl;
	smsdtls_rc rc;

	rc = wssl_alloc(s, pmtu, &ssl);
	if (rc != SMSDTLS_OK)
		return rc;
	s->ssl = ssl;
	if (ep->cfg.role == SMSDTLS_SERVER) {
		/* The cookie's HMAC covers the peer: give wolfSSL its bytes. */
		if (wolfSSL_dtls_set_peer(ssl, &s->peer, sizeof(s->peer)) !=
		    WOLFSSL_SUCCESS ||
		    wolfSSL_DTLS_SetCookieSecret(ssl, ep->cookie_secret,
		    sizeof(ep->cookie_secret)) != 0)
			goto fail;
		/* wolfSSL does not fragment a NewSessionTicket (about 200
		 * bytes): over SMS it would end the handshake with
		 * DTLS_SIZE_ERROR, so no ticket below this PMTU. */
		if (ep->cfg.session_tickets && pmtu < WSSL_TICKET_MIN_PMTU &&
		    wolfSSL_NoTicketTLSv12(ssl) != WOLFSSL_SUCCESS)
			goto fail;
		if (wssl_no_cookie(ep, ssl) != SMSDTLS_OK)
			goto fail;
	} else if (wssl_client_hello(s, pmtu) != SMSDTLS_OK)
		goto fail;
	return SMSDTLS_OK;
fail:
	s->ssl = NULL;
	wolfSSL_free(ssl);
	return SMSDTLS_ETLS;
}

uint32_t
wssl_rto_ms(const struct smsdtls_session *s)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;
	int t = wolfSSL_dtls_get_current_timeout(s->ssl);
	uint64_t rto = cfg->rto_initial_ms;

	/* Learned: the session keeps it, backoff included (session.c). */
	if (cfg->rto_learn)
		return s->rto_cur_ms;
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

/* ------------------------------------------------------ export, import */

/*
 * wolfSSL_dtls_export() state as wolfSSL 5.7 writes it (export format
 * version 5): protocol and version bytes, the length of the rest, then
 * sections each with a 16-bit length: options (62 bytes), keys, cipher
 * specs, peer.  The keys section starts with the sequence numbers; the
 * next write sequence number (16 + 32 bits) is at offset 42 and the
 * write epoch at 54.  The session checks these against the records it
 * saw wolfSSL send (session.c), so a layout this code does not know is
 * refused rather than misread.
 */
#define WSSL_EXP_PROTO		0xa5	/* DTLS_EXPORT_PRO */
#define WSSL_EXP_VERSION	5	/* WOLFSSL_EXPORT_VERSION */
#define WSSL_EXP_OPT_LEN	62	/* DTLS_EXPORT_OPT_SZ */
#define WSSL_EXP_KEY_SEQ	42
#define WSSL_EXP_KEY_EPOCH	54
#define WSSL_EXP_KEY_MIN	58
/* Largest sequence number of DTLS 1.2 (48 bits). */
#define WSSL_SEQ_MAX		(((uint64_t)1 << 48) - 1)

static size_t
wssl_get16(const uint8_t *p)
{
	return (size_t)p[0] << 8 | p[1];
}

/* The keys section of exported state, or NULL. */
static const uint8_t *
wssl_state_keys(const uint8_t *st, size_t len)
{
	size_t off = 6 + WSSL_EXP_OPT_LEN, klen;

	if (len < off + 2 || st[0] != WSSL_EXP_PROTO ||
	    st[1] != ((WSSL_EXP_PROTO & 0xf0) | WSSL_EXP_VERSION) ||
	    wssl_get16(st + 2) != len - 2 ||
	    wssl_get16(st + 4) != WSSL_EXP_OPT_LEN)
		return NULL;
	klen = wssl_get16(st + off);
	off += 2;
	if (klen < WSSL_EXP_KEY_MIN || klen > len - off)
		return NULL;
	return st + off;
}

bool
wssl_state_seq(const uint8_t *state, size_t len, uint16_t *epoch,
    uint64_t *seq)
{
	const uint8_t *k = wssl_state_keys(state, len);

	if (k == NULL)
		return false;
	*seq = (uint64_t)wssl_get16(k + WSSL_EXP_KEY_SEQ) << 32 |
	    (uint64_t)k[WSSL_EXP_KEY_SEQ + 2] << 24 |
	    (uint64_t)k[WSSL_EXP_KEY_SEQ + 3] << 16 |
	    (uint64_t)k[WSSL_EXP_KEY_SEQ + 4] << 8 | k[WSSL_EXP_KEY_SEQ + 5];
	*epoch = (uint16_t)wssl_get16(k + WSSL_EXP_KEY_EPOCH);
	return true;
}

bool
wssl_state_set_seq(uint8_t *state, size_t len, uint64_t seq)
{
	uint8_t *k = (uint8_t *)wssl_state_keys(state, len);
	int i;

	if (k == NULL || seq > WSSL_SEQ_MAX)
		return false;
	for (i = 5; i >= 0; i--) {
		k[WSSL_EXP_KEY_SEQ + i] = (uint8_t)seq;
		seq >>= 8;
	}
	return true;
}

size_t
wssl_export(WOLFSSL *ssl, uint8_t *buf, size_t max)
{
	unsigned int sz = max > UINT_MAX ? UINT_MAX : (unsigned int)max;
	int n;

	n = wolfSSL_dtls_export(ssl, buf, &sz);
	return n > 0 && (size_t)n <= max ? (size_t)n : 0;
}

/* The name wolfSSL gives the profile's suite for the endpoint's mode. */
static const char *
wssl_suite_name(const struct smsdtls_config *cfg)
{
	return cfg->auth == SMSDTLS_AUTH_PSK ? "PSK-AES128-CCM-8" :
	    "ECDHE-ECDSA-AES128-CCM-8";
}

smsdtls_rc
wssl_import(struct smsdtls_session *s, const uint8_t *state, size_t len)
{
	const struct smsdtls_config *cfg = &s->ep->cfg;
	int side = cfg->role == SMSDTLS_SERVER ? WOLFSSL_SERVER_END :
	    WOLFSSL_CLIENT_END;
	const char *suite;
	WOLFSSL *ssl;
	smsdtls_rc rc;

	if (len == 0 || len > WSSL_STATE_MAX)
		return SMSDTLS_ETLS;
	rc = wssl_alloc(s, s->ep->tr.ops->pmtu(s->ep->tr.arg, &s->peer), &ssl);
	if (rc != SMSDTLS_OK)
		return rc;
	if (wolfSSL_dtls_import(ssl, state, (unsigned int)len) != (int)len ||
	    !wolfSSL_is_init_finished(ssl) || wolfSSL_GetSide(ssl) != side ||
	    wolfSSL_version(ssl) != DTLS1_2_VERSION ||
	    (suite = wolfSSL_get_cipher_name(ssl)) == NULL ||
	    strcmp(suite, wssl_suite_name(cfg)) != 0) {
		wolfSSL_free(ssl);
		return SMSDTLS_ETLS;
	}
	s->ssl = ssl;
	return SMSDTLS_OK;
}
