/*
 * check_auth.c - DTLS sessions with raw public keys (RFC 7250) and X.509
 * certificates over the simulated SMSC in virtual time, following the
 * RFC 7925 profile: TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 on P-256, pins and
 * chains of three, host names, client authentication, the SMS cost of
 * each flight, ClientHellos that fit one SMS, and resumption; and
 * credentials replaced under running sessions
 * (smsdtls_endpoint_set_credentials(), PSK included).
 *
 * The keys and certificates are in tests/data, made by
 * scripts/gen-test-certs.  With SMS latency fixed at 1 s the flights of a
 * full handshake leave at 0 s (ClientHello), 1 s (HelloVerifyRequest), 2 s
 * (ClientHello with cookie), 3 s (server flight), 4 s (client flight) and
 * 5 s (ChangeCipherSpec and Finished), which is how the tests find them.
 *
 * wolfSSL error codes (wolfssl/error-ssl.h, wolfcrypt/error-crypt.h; the
 * tests are built without wolfSSL's headers) are spelled out below.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "tests/simnet.h"

#define CLIENT_NUMBER	"+447700900456"
#define SERVER_NUMBER	"+447700900123"
#define SERVER_PORT	5684
#define CLIENT_PORT	16001
#define CLIENT2_NUMBER	"+447700900789"
#define PMTU_PORTS	133
#define PMTU_NO_PORTS	140
#define HOST		"gw.smsdtls.test"	/* 15 bytes */

/* wolfSSL's error codes. */
#define WOLF_ASN_AFTER_DATE_E		(-151)
#define WOLF_ASN_SIG_CONFIRM_E		(-155)
#define WOLF_ASN_NO_SIGNER_E		(-188)
#define WOLF_SOCKET_ERROR_E		(-308)
#define WOLF_FATAL_ERROR		(-313)	/* fatal alert received */
#define WOLF_DOMAIN_NAME_MISMATCH	(-322)
#define WOLF_VERIFY_CERT_ERROR		(-329)
#define WOLF_PSK_KEY_ERROR		(-333)
#define WOLF_DTLS_SIZE_ERROR		(-439)
#define WOLF_UNSUPPORTED_CERTIFICATE	(-506)

/* Content and handshake types (RFC 5246, RFC 6347). */
#define CT_CCS		20
#define HS_CLIENT_HELLO	1
#define HS_SERVER_HELLO	2
#define HS_HVR		3
#define HS_CERTIFICATE	11

struct blob {
	uint8_t	*p;
	size_t	len;
};

/* Test data, loaded by the fixture. */
static struct {
	struct blob client_key, client_key_der, server_key, stranger_key;
	struct blob client_chain, server_chain, stranger_chain, expired_chain;
	struct blob ca_root, pins, client_pub, server_pub;
	struct blob stranger_pub, rogue_root;
} d;

static struct blob
load(const char *name)
{
	char path[512], err[128];
	struct blob b;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
	ck_assert_rc(smsdtls_read_file(path, &b.p, &b.len, err, sizeof(err)),
	    SMSDTLS_OK);
	return b;
}

static void
data_load(void)
{
	d.client_key = load("client.key");
	d.client_key_der = load("client.key.der");
	d.server_key = load("server.key");
	d.stranger_key = load("stranger.key");
	d.client_chain = load("client-chain.pem");
	d.server_chain = load("server-chain.pem");
	d.stranger_chain = load("stranger-chain.pem");
	d.expired_chain = load("expired-chain.pem");
	d.ca_root = load("ca-root.pem");
	d.pins = load("pins.pem");
	d.client_pub = load("client.pub");
	d.server_pub = load("server.pub");
	d.stranger_pub = load("stranger.pub");
	d.rogue_root = load("rogue-root.pem");
}

static void
data_free(void)
{
	struct blob *b = (struct blob *)&d;
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(*b); i++)
		free(b[i].p);
	memset(&d, 0, sizeof(d));
}

static void
set_key(struct smsdtls_config *c, const struct blob *key)
{
	c->key = key->p;
	c->key_len = key->len;
}

static void
set_pins(struct smsdtls_config *c, const struct blob *pins)
{
	c->rpk_pins = pins->p;
	c->rpk_pins_len = pins->len;
}

static void
set_chain(struct smsdtls_config *c, const struct blob *chain)
{
	c->cert = chain->p;
	c->cert_len = chain->len;
}

/* RPK client and server, each pinning the other's key (pins.pem). */
static void
rpk_configs(struct smsdtls_config *c, struct smsdtls_config *s)
{
	smsdtls_config_init(c);
	c->auth = SMSDTLS_AUTH_RPK;
	set_key(c, &d.client_key);
	set_pins(c, &d.pins);
	smsdtls_config_init(s);
	s->role = SMSDTLS_SERVER;
	s->auth = SMSDTLS_AUTH_RPK;
	set_key(s, &d.server_key);
	set_pins(s, &d.pins);
}

/* X.509 client and server: both trust the root only and send leaf +
 * intermediate; the client checks the host name. */
static void
x509_configs(struct smsdtls_config *c, struct smsdtls_config *s)
{
	smsdtls_config_init(c);
	c->auth = SMSDTLS_AUTH_X509;
	set_key(c, &d.client_key);
	set_chain(c, &d.client_chain);
	c->ca = d.ca_root.p;
	c->ca_len = d.ca_root.len;
	c->server_name = HOST;
	smsdtls_config_init(s);
	s->role = SMSDTLS_SERVER;
	s->auth = SMSDTLS_AUTH_X509;
	set_key(s, &d.server_key);
	set_chain(s, &d.server_chain);
	s->ca = d.ca_root.p;
	s->ca_len = d.ca_root.len;
}

struct pair {
	struct simnet *net;
	struct simnet_node *client;
	struct simnet_node *server;
	struct smsdtls_session *cs;	/* the client's session */
	bool	ports;
	size_t	pmtu;
};

static void
sms_config(struct smsdtls_sms_config *scfg, bool ports)
{
	smsdtls_sms_config_init(scfg);
	scfg->ports = ports;
	scfg->vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE |
	    SMSDTLS_VP_ACCEPT_ENHANCED;
}

static void
pair_open(struct pair *p, const struct smsdtls_config *c,
    const struct smsdtls_config *s, bool ports)
{
	struct smsdtls_sms_config scfg;

	memset(p, 0, sizeof(*p));
	sms_config(&scfg, ports);
	p->ports = ports;
	p->pmtu = ports ? PMTU_PORTS : PMTU_NO_PORTS;
	p->net = simnet_new(NULL);
	ck_assert_ptr_nonnull(p->net);
	p->client = simnet_add(p->net, CLIENT_NUMBER, c, &scfg);
	p->server = simnet_add(p->net, SERVER_NUMBER, s, &scfg);
	ck_assert_ptr_nonnull(p->client);
	ck_assert_ptr_nonnull(p->server);
}

static void
pair_close(struct pair *p)
{
	simnet_free(p->net);
}

static void
pair_connect(struct pair *p)
{
	struct smsdtls_peer peer = simnet_peer(p->server,
	    p->ports ? SERVER_PORT : 0, p->ports ? CLIENT_PORT : 0);

	ck_assert_rc(smsdtls_connect(p->client->ep, &peer, p->net->now,
	    &p->cs), SMSDTLS_OK);
}

static bool
both_connected(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->client->connected > 0 && p->server->connected > 0;
}

static bool
settled(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return (p->client->connected > 0 || p->client->errors > 0) &&
	    (p->server->connected > 0 || p->server->errors > 0);
}

static const struct simnet_event *
last_event(const struct simnet_node *n, uint8_t type)
{
	size_t i;

	for (i = n->nevents; i > 0; i--)
		if (n->events[i - 1].type == type)
			return &n->events[i - 1];
	return NULL;
}

/* SMS node sent at virtual time at (ms), from index from on. */
static size_t
sent_at(const struct simnet_node *n, size_t from, int64_t at)
{
	size_t i, k = 0;

	for (i = from; i < n->nsent; i++)
		if (n->sent[i].at == at)
			k++;
	return k;
}

/* The first SMS node sent at virtual time at, from index from on. */
static const struct simnet_sms *
first_at(const struct simnet_node *n, size_t from, int64_t at)
{
	size_t i;

	for (i = from; i < n->nsent; i++)
		if (n->sent[i].at == at)
			return &n->sent[i];
	ck_abort_msg("nothing sent at %lld", (long long)at);
	return NULL;
}

/* Every SMS of both nodes fits the PMTU. */
static void
assert_within_pmtu(const struct pair *p)
{
	const struct simnet_node *n[2] = { p->client, p->server };
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < n[k]->nsent; i++)
			ck_assert_uint_le(n[k]->sent[i].dgram_len, p->pmtu);
}

/*
 * Check the shape of a full handshake that started at time t0: the
 * cookie exchange, then server and client flights of the given sizes
 * in SMS, then the server's ChangeCipherSpec and Finished in one.
 * Returns the second ClientHello's length.
 */
static size_t
assert_full_handshake(const struct pair *p, size_t c0, size_t s0,
    int64_t t0, size_t server_flight, size_t client_flight)
{
	const struct simnet_sms *ch1, *ch2, *hvr, *sh, *last;

	ck_assert_uint_eq(sent_at(p->client, c0, t0), 1);
	ch1 = first_at(p->client, c0, t0);
	ck_assert_uint_eq(ch1->first_hs, HS_CLIENT_HELLO);
	ck_assert_uint_eq(sent_at(p->server, s0, t0 + 1000), 1);
	hvr = first_at(p->server, s0, t0 + 1000);
	ck_assert_uint_eq(hvr->first_hs, HS_HVR);
	/* 13 record + 12 handshake + 2 version + 1 + 16 cookie. */
	ck_assert_uint_eq(hvr->dgram_len, 44);
	ck_assert_uint_eq(sent_at(p->client, c0, t0 + 2000), 1);
	ch2 = first_at(p->client, c0, t0 + 2000);
	ck_assert_uint_eq(ch2->first_hs, HS_CLIENT_HELLO);
	/* The same ClientHello with the 16-byte cookie. */
	ck_assert_uint_eq(ch2->dgram_len, ch1->dgram_len + 16);
	ck_assert_uint_eq(sent_at(p->server, s0, t0 + 3000), server_flight);
	sh = first_at(p->server, s0, t0 + 3000);
	ck_assert_uint_eq(sh->first_hs, HS_SERVER_HELLO);
	ck_assert_uint_eq(sent_at(p->client, c0, t0 + 4000), client_flight);
	ck_assert_uint_eq(sent_at(p->server, s0, t0 + 5000), 1);
	last = first_at(p->server, s0, t0 + 5000);
	ck_assert_uint_eq(last->first_type, CT_CCS);
	ck_assert_uint_eq(last->nrec, 2);
	ck_assert_uint_eq(p->client->nsent - c0, 2 + client_flight);
	ck_assert_uint_eq(p->server->nsent - s0, 2 + server_flight);
	assert_within_pmtu(p);
	return ch2->dgram_len;
}

/* Application data both ways at the largest size one SMS carries. */
static void
assert_echo(struct pair *p)
{
	uint8_t buf[112];
	size_t max = p->pmtu - 29, c0 = p->client->nsent;
	const struct simnet_event *ev;

	memset(buf, 0x5a, sizeof(buf));
	p->server->echo = true;
	ck_assert_uint_eq(smsdtls_session_max_payload(p->cs), max);
	ck_assert_rc(smsdtls_session_send(p->cs, buf, max, p->net->now),
	    SMSDTLS_OK);
	ck_assert_uint_eq(p->client->nsent, c0 + 1);
	ck_assert_uint_eq(p->client->sent[c0].dgram_len, p->pmtu);
	ck_assert(!p->client->sent[c0].handshake);
	p->client->data = 0;
	simnet_run(p->net, p->net->now + 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p->client->data, 1);
	ev = last_event(p->client, SMSDTLS_EV_DATA);
	ck_assert_uint_eq(ev->len, max);
	ck_assert_mem_eq(ev->data, buf, max);
}

/* The handshake failed: the rejecting side with rc ETLS and detail
 * want (or one of want and alt), the peer with the fatal alert. */
static void
assert_rejected(const struct simnet_node *rejecter,
    const struct simnet_node *peer, int want, int alt)
{
	const struct simnet_event *ev;

	ck_assert_uint_eq(rejecter->connected, 0);
	ck_assert_uint_eq(rejecter->errors, 1);
	ev = last_event(rejecter, SMSDTLS_EV_ERROR);
	ck_assert_int_eq(ev->rc, SMSDTLS_ETLS);
	ck_assert_msg(ev->detail == want || ev->detail == alt,
	    "detail %d, want %d or %d", ev->detail, want, alt);
	/* Told by a fatal alert, not left to time out. */
	ck_assert_uint_eq(peer->connected, 0);
	ck_assert_uint_eq(peer->errors, 1);
	ev = last_event(peer, SMSDTLS_EV_ERROR);
	ck_assert_int_eq(ev->rc, SMSDTLS_ETLS);
	ck_assert_int_eq(ev->detail, WOLF_FATAL_ERROR);
	ck_assert_int_lt(ev->at, 60 * 1000);
}

/* ---------------------------------------------------------------- RPK */

/*
 * RPK, WDP ports (PMTU 133): 12 SMS.  Server flight, 4 SMS: ServerHello
 * with both certificate types (117), Certificate with the 91-byte
 * SubjectPublicKeyInfo (119), ServerKeyExchange (~170 bytes, so wolfSSL
 * fragments it: 133), and the rest of it with CertificateRequest and
 * ServerHelloDone (~119, 3 records); 488 bytes need 4 SMS in any case.
 * Client flight, 4 SMS: Certificate (119), ClientKeyExchange (91),
 * CertificateVerify + ChangeCipherSpec (~113), Finished (53); no two of
 * 119, 91, 99 (CertificateVerify) and 53 fit one SMS together, so 4 is
 * the floor.  ECDSA signatures are 70-72 bytes: sizes vary by 2.
 */
START_TEST(test_rpk_handshake_ports)
{
	struct smsdtls_config c, s;
	struct pair p;

	rpk_configs(&c, &s);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	/* ClientHello 107 + 16-byte cookie: 12 bytes of certificate-type
	 * extensions over the 111 of X.509. */
	ck_assert_uint_eq(assert_full_handshake(&p, 0, 0, 0, 4, 4), 123);
	ck_assert_uint_eq(p.server->sent[1].dgram_len, 117);	/* SH */
	ck_assert_uint_eq(p.server->sent[2].first_hs, HS_CERTIFICATE);
	ck_assert_uint_eq(p.server->sent[2].dgram_len, 119);
	ck_assert_uint_eq(p.client->sent[2].first_hs, HS_CERTIFICATE);
	ck_assert_uint_eq(p.client->sent[2].dgram_len, 119);
	ck_assert(!last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	assert_echo(&p);
	ck_assert_uint_eq(p.client->errors + p.server->errors, 0);
	pair_close(&p);
}
END_TEST

/* Without ports (PMTU 140) the same 4 + 4 SMS flights: the gain of 7
 * bytes per SMS merges nothing. */
START_TEST(test_rpk_handshake_no_ports)
{
	struct smsdtls_config c, s;
	struct pair p;

	rpk_configs(&c, &s);
	pair_open(&p, &c, &s, false);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(assert_full_handshake(&p, 0, 0, 0, 4, 4), 123);
	assert_echo(&p);
	pair_close(&p);
}
END_TEST

/* A client key in DER, pins with several keys and text around them. */
START_TEST(test_rpk_der_key_and_pin_text)
{
	struct smsdtls_config c, s;
	struct pair p;
	char pins[1024];
	struct blob b;

	rpk_configs(&c, &s);
	c.key = d.client_key_der.p;
	c.key_len = d.client_key_der.len;
	c.key_format = SMSDTLS_FORMAT_DER;
	snprintf(pins, sizeof(pins), "# the gateway\n%.*s\n# spare\n%.*s",
	    (int)d.client_pub.len, (const char *)d.client_pub.p,
	    (int)d.server_pub.len, (const char *)d.server_pub.p);
	b.p = (uint8_t *)pins;
	b.len = strlen(pins);
	set_pins(&c, &b);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	pair_close(&p);
}
END_TEST

/* The client does not pin the server's key: it refuses it. */
START_TEST(test_rpk_server_not_pinned)
{
	struct smsdtls_config c, s;
	struct pair p;

	rpk_configs(&c, &s);
	set_pins(&c, &d.client_pub);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	/* VERIFY_CERT_ERROR from the verify callback when wolfSSL has
	 * WOLFSSL_ALWAYS_VERIFY_CB, else the refused write (wssl.c). */
	assert_rejected(p.client, p.server, WOLF_VERIFY_CERT_ERROR,
	    WOLF_SOCKET_ERROR_E);
	/* Nothing but the alert after the server's flight: no Finished. */
	ck_assert_uint_eq(p.client->nsent, 3);
	ck_assert_uint_eq(p.client->sent[2].first_type, 21);
	ck_assert_uint_eq(p.client->sent[2].dgram_len, 15);
	pair_close(&p);
}
END_TEST

/* A client whose key the server does not pin is refused. */
START_TEST(test_rpk_client_not_pinned)
{
	struct smsdtls_config c, s;
	struct pair p;

	rpk_configs(&c, &s);
	set_key(&c, &d.stranger_key);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.server, p.client, WOLF_VERIFY_CERT_ERROR,
	    WOLF_SOCKET_ERROR_E);
	/* The server never sent its Finished. */
	ck_assert_uint_eq(sent_at(p.server, 0, 5000), 1);
	ck_assert_uint_eq(first_at(p.server, 0, 5000)->first_type, 21);
	pair_close(&p);
}
END_TEST

/*
 * no_client_auth on an RPK server: no CertificateRequest, and the client
 * sends no key: its flight is ClientKeyExchange + ChangeCipherSpec (105)
 * and Finished (53): 2 SMS.  The server flight stays at 4 SMS
 * (ServerHello 112 without the client_certificate_type answer).
 */
START_TEST(test_rpk_no_client_auth)
{
	struct smsdtls_config c, s;
	struct pair p;

	rpk_configs(&c, &s);
	set_key(&c, &d.stranger_key);	/* would not be accepted */
	s.no_client_auth = true;
	s.rpk_pins = NULL;		/* and none are needed */
	s.rpk_pins_len = 0;
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(assert_full_handshake(&p, 0, 0, 0, 4, 2), 123);
	ck_assert_uint_eq(p.server->sent[1].dgram_len, 112);
	assert_echo(&p);
	pair_close(&p);
}
END_TEST

/* An X.509 client and an RPK server have no certificate type in
 * common: the client refuses the bare key it gets. */
START_TEST(test_rpk_server_x509_client)
{
	struct smsdtls_config c, s, unused;
	struct pair p;

	x509_configs(&c, &unused);
	c.server_name = NULL;
	rpk_configs(&unused, &s);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.client, p.server, WOLF_UNSUPPORTED_CERTIFICATE,
	    WOLF_UNSUPPORTED_CERTIFICATE);
	pair_close(&p);
}
END_TEST

static bool
server_closed(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->server->closed > 0;
}

/* Close the handshaken pair's session and connect again. */
static void
reconnect(struct pair *p, size_t *c0, size_t *s0, int64_t *t0)
{
	smsdtls_session_close(p->cs, p->net->now);
	ck_assert(simnet_run(p->net, p->net->now + 3600 * 1000,
	    server_closed, p));
	/* Start on a whole second so the flights keep their slots. */
	simnet_run(p->net, (p->net->now / 1000 + 10) * 1000, NULL, NULL);
	*c0 = p->client->nsent;
	*s0 = p->server->nsent;
	*t0 = p->net->now;
	p->client->connected = p->server->connected = 0;
	pair_connect(p);
	ck_assert(simnet_run(p->net, p->net->now + 3600 * 1000,
	    both_connected, p));
}

/*
 * RPK at PMTU 133: a resuming ClientHello would be 107 + 32-byte session
 * ID = 139 bytes, so the client does not offer its session and makes a
 * full handshake again, which works.
 */
START_TEST(test_rpk_reconnect_full_handshake)
{
	struct smsdtls_config c, s;
	struct pair p;
	size_t c0, s0;
	int64_t t0;

	rpk_configs(&c, &s);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	reconnect(&p, &c0, &s0, &t0);
	ck_assert(!last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert(!last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert_uint_eq(first_at(p.client, c0, t0)->dgram_len, 107);
	ck_assert_uint_eq(assert_full_handshake(&p, c0, s0, t0, 4, 4), 123);
	assert_echo(&p);
	pair_close(&p);
}
END_TEST

/*
 * Without ports (PMTU 140) the 139-byte resuming ClientHello fits: the
 * client resumes in 4 SMS, with no cookie exchange: ClientHello;
 * ServerHello (117) + ChangeCipherSpec (14) and Finished (53) in 2;
 * ChangeCipherSpec + Finished in 1.
 */
START_TEST(test_rpk_resumption_no_ports)
{
	struct smsdtls_config c, s;
	struct pair p;
	size_t c0, s0;
	int64_t t0;

	rpk_configs(&c, &s);
	pair_open(&p, &c, &s, false);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	reconnect(&p, &c0, &s0, &t0);
	ck_assert(last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert_uint_eq(p.client->nsent - c0, 2);
	ck_assert_uint_eq(p.server->nsent - s0, 2);
	ck_assert_uint_eq(p.client->sent[c0].first_hs, HS_CLIENT_HELLO);
	ck_assert_uint_eq(p.client->sent[c0].dgram_len, 139);
	ck_assert_uint_eq(p.server->sent[s0].first_hs, HS_SERVER_HELLO);
	assert_within_pmtu(&p);
	assert_echo(&p);
	pair_close(&p);
}
END_TEST

/* ---------------------------------------------------------------- X.509 */

/*
 * X.509, WDP ports: 23 SMS.  Certificates here: leaf 343 + intermediate
 * 337 bytes DER.  Server flight, 10 SMS: ServerHello (107), the
 * Certificate message (680 bytes of certificates + 9 + 12-byte headers
 * per fragment) in 6 full fragments and a 66-byte one, then
 * ServerKeyExchange in 133 + the rest with CertificateRequest and
 * ServerHelloDone (~118): 1222 bytes, 10 SMS at the least.  Client
 * flight, 9 SMS: its Certificate (648 bytes) in 6 full fragments, the
 * last fragment with ClientKeyExchange (125), CertificateVerify with
 * ChangeCipherSpec (~113) and Finished (53).  The host name is checked;
 * SNI is left out (111 + 9 + 15 = 135 would not fit).
 */
START_TEST(test_x509_handshake_ports)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(assert_full_handshake(&p, 0, 0, 0, 10, 9), 111);
	ck_assert_uint_eq(p.server->sent[2].first_hs, HS_CERTIFICATE);
	ck_assert_uint_eq(p.client->sent[2].first_hs, HS_CERTIFICATE);
	assert_echo(&p);
	ck_assert_uint_eq(p.client->errors + p.server->errors, 0);
	pair_close(&p);
}
END_TEST

/*
 * Without ports (PMTU 140): 22 SMS.  The server's Certificate takes 6
 * SMS instead of 7, the client's 6 (5 full fragments and 107 bytes)
 * still; and SNI now fits: ClientHello 95 + 24 = 119, 135 with cookie.
 */
START_TEST(test_x509_handshake_no_ports)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	pair_open(&p, &c, &s, false);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(assert_full_handshake(&p, 0, 0, 0, 9, 9), 135);
	assert_echo(&p);
	pair_close(&p);
}
END_TEST

/*
 * no_client_auth: the server sends no CertificateRequest and the client
 * no certificate: client flight ClientKeyExchange + ChangeCipherSpec
 * (105) and Finished (53) in 2 SMS; server flight still 10.  The client's
 * own certificate is from the rogue root: nobody looks at it.
 */
START_TEST(test_x509_no_client_auth)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	set_key(&c, &d.stranger_key);
	set_chain(&c, &d.stranger_chain);
	s.no_client_auth = true;
	s.ca = NULL;
	s.ca_len = 0;
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(assert_full_handshake(&p, 0, 0, 0, 10, 2), 111);
	pair_close(&p);
}
END_TEST

/* A certificate client without a certificate of its own: refused by a
 * server that requires client authentication, accepted by one that does
 * not. */
START_TEST(test_x509_client_without_cert)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	c.key = c.cert = NULL;
	c.key_len = c.cert_len = 0;
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	ck_assert_uint_eq(p.client->connected + p.server->connected, 0);
	ck_assert_uint_eq(p.server->errors, 1);
	ck_assert_int_eq(last_event(p.server, SMSDTLS_EV_ERROR)->rc,
	    SMSDTLS_ETLS);
	/* Told by a fatal alert, not left to time out. */
	ck_assert_uint_eq(p.client->errors, 1);
	pair_close(&p);

	x509_configs(&c, &s);
	c.key = c.cert = NULL;
	c.key_len = c.cert_len = 0;
	s.no_client_auth = true;
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	pair_close(&p);
}
END_TEST

/*
 * A server chain from a rogue root that has the real root's name: the
 * client finds the real root by name and the leaf's signature fails.
 */
START_TEST(test_x509_untrusted_server)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	set_key(&s, &d.stranger_key);
	set_chain(&s, &d.stranger_chain);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.client, p.server, WOLF_ASN_SIG_CONFIRM_E,
	    WOLF_ASN_SIG_CONFIRM_E);
	pair_close(&p);
}
END_TEST

/* A server that sends its leaf without the intermediate: the client,
 * which trusts the root only, cannot build the chain. */
START_TEST(test_x509_server_without_intermediate)
{
	struct smsdtls_config c, s;
	struct pair p;
	struct blob leaf = d.server_chain;
	const char *end = "-----END CERTIFICATE-----\n";

	leaf.len = (size_t)(strstr((char *)leaf.p, end) - (char *)leaf.p) +
	    strlen(end);
	x509_configs(&c, &s);
	set_chain(&s, &leaf);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.client, p.server, WOLF_ASN_NO_SIGNER_E,
	    WOLF_ASN_NO_SIGNER_E);
	/* One certificate less: the server flight is 7 SMS, not 10. */
	ck_assert_uint_eq(sent_at(p.server, 0, 3000), 7);
	pair_close(&p);
}
END_TEST

/* The server's chain is good but for another name. */
START_TEST(test_x509_wrong_host)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	c.server_name = "gw2.smsdtls.test";
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.client, p.server, WOLF_DOMAIN_NAME_MISMATCH,
	    WOLF_DOMAIN_NAME_MISMATCH);
	pair_close(&p);
}
END_TEST

/* Without server_name the chain is checked, the name is not. */
START_TEST(test_x509_no_host_check)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	c.server_name = NULL;
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	pair_close(&p);
}
END_TEST

/* A leaf that expired in 2021 (the rest of the chain is good). */
START_TEST(test_x509_expired_server)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	set_chain(&s, &d.expired_chain);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.client, p.server, WOLF_ASN_AFTER_DATE_E,
	    WOLF_ASN_AFTER_DATE_E);
	pair_close(&p);
}
END_TEST

/* The server requires a client certificate and refuses one from the
 * rogue root. */
START_TEST(test_x509_untrusted_client)
{
	struct smsdtls_config c, s;
	struct pair p;

	x509_configs(&c, &s);
	set_key(&c, &d.stranger_key);
	set_chain(&c, &d.stranger_chain);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	simnet_run(p.net, 3600 * 1000, settled, &p);
	assert_rejected(p.server, p.client, WOLF_ASN_SIG_CONFIRM_E,
	    WOLF_ASN_SIG_CONFIRM_E);
	pair_close(&p);
}
END_TEST

/*
 * A client that closed its session resumes it: ClientHello with the
 * 32-byte session ID, 95 + 32 = 127 bytes, no cookie exchange; the
 * server's ServerHello (107) + ChangeCipherSpec and Finished in 2 SMS,
 * the client's ChangeCipherSpec + Finished in 1: 4 SMS instead of 23.
 */
START_TEST(test_x509_resumption)
{
	struct smsdtls_config c, s;
	struct pair p;
	size_t c0, s0;
	int64_t t0;

	x509_configs(&c, &s);
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	reconnect(&p, &c0, &s0, &t0);
	ck_assert(last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert_uint_eq(p.client->nsent - c0, 2);
	ck_assert_uint_eq(p.server->nsent - s0, 2);
	ck_assert_uint_eq(p.client->sent[c0].first_hs, HS_CLIENT_HELLO);
	ck_assert_uint_eq(p.client->sent[c0].dgram_len, 127);
	ck_assert_uint_eq(p.server->sent[s0].first_hs, HS_SERVER_HELLO);
	ck_assert_uint_eq(p.server->sent[s0].dgram_len, 107 + 14);
	ck_assert_uint_eq(p.client->sent[c0 + 1].nrec, 2);
	assert_within_pmtu(&p);
	assert_echo(&p);
	pair_close(&p);
}
END_TEST

/* ------------------------------------------------------ ClientHello */

static struct smsdtls_psk_store *
psk_configs(struct smsdtls_config *c, struct smsdtls_config *s)
{
	static const uint8_t key[4] = { 1, 2, 3, 4 };
	static const char store_text[] = "device-0001 01020304\n";
	struct smsdtls_psk_store *store;

	ck_assert_rc(smsdtls_psk_store_parse(store_text, strlen(store_text),
	    &store, NULL, 0), SMSDTLS_OK);
	smsdtls_config_init(c);
	c->psk_identity = "device-0001";
	c->psk_key = key;
	c->psk_key_len = sizeof(key);
	smsdtls_config_init(s);
	s->role = SMSDTLS_SERVER;
	s->psk_store = store;
	return store;
}

/* The second ClientHello (with the 16-byte cookie) of each mode, with
 * and without max_fragment_length (5 bytes), at PMTU 133: PSK 103
 * (no signature_algorithms), RPK 123, X.509 111. */
START_TEST(test_client_hello_sizes)
{
	static const size_t want[3] = { 103, 123, 111 };
	struct smsdtls_config c, s;
	struct smsdtls_psk_store *store = NULL;
	struct pair p;
	int auth, mfl;

	for (auth = SMSDTLS_AUTH_PSK; auth <= SMSDTLS_AUTH_X509; auth++) {
		for (mfl = 0; mfl < 2; mfl++) {
			if (auth == SMSDTLS_AUTH_PSK)
				store = psk_configs(&c, &s);
			else if (auth == SMSDTLS_AUTH_RPK)
				rpk_configs(&c, &s);
			else
				x509_configs(&c, &s);
			c.max_fragment = s.max_fragment = mfl;
			pair_open(&p, &c, &s, true);
			pair_connect(&p);
			ck_assert(simnet_run(p.net, 3600 * 1000,
			    both_connected, &p));
			ck_assert_uint_eq(p.client->sent[1].first_hs,
			    HS_CLIENT_HELLO);
			ck_assert_uint_eq(p.client->sent[1].dgram_len,
			    want[auth] + 5 * mfl);
			ck_assert_uint_le(p.client->sent[1].dgram_len,
			    PMTU_PORTS);
			assert_within_pmtu(&p);
			pair_close(&p);
			smsdtls_psk_store_free(store);
			store = NULL;
		}
	}
}
END_TEST

/* SNI goes out when it fits: RPK with a 1-byte name is 123 + 10 = 133. */
START_TEST(test_client_hello_sni)
{
	struct smsdtls_config c, s;
	struct pair p;

	rpk_configs(&c, &s);
	c.server_name = "g";
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(p.client->sent[1].dgram_len, 133);
	pair_close(&p);
	c.server_name = "gw";
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(p.client->sent[1].dgram_len, 123);
	pair_close(&p);
}
END_TEST

/* ------------------------------------------------------------- lossy */

/* Handshakes of one mode over a network with the given SMSC conf, seeds
 * 1..n: how many complete within the 10-minute deadline. */
static unsigned
lossy_runs(int auth, struct smsc_conf *sc, unsigned n)
{
	struct smsdtls_sms_config scfg;
	struct smsdtls_config c, s;
	unsigned seed, ok = 0;
	struct pair p;

	smsdtls_sms_config_init(&scfg);
	scfg.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE |
	    SMSDTLS_VP_ACCEPT_ENHANCED;
	for (seed = 1; seed <= n; seed++) {
		if (auth == SMSDTLS_AUTH_RPK)
			rpk_configs(&c, &s);
		else
			x509_configs(&c, &s);
		sc->seed = seed;
		memset(&p, 0, sizeof(p));
		p.ports = true;
		p.pmtu = PMTU_PORTS;
		p.net = simnet_new(sc);
		ck_assert_ptr_nonnull(p.net);
		p.client = simnet_add(p.net, CLIENT_NUMBER, &c, &scfg);
		p.server = simnet_add(p.net, SERVER_NUMBER, &s, &scfg);
		ck_assert_ptr_nonnull(p.server);
		pair_connect(&p);
		if (simnet_run(p.net, 3600 * 1000, both_connected, &p))
			ok++;
		assert_within_pmtu(&p);
		pair_close(&p);
	}
	return ok;
}

/*
 * 7 s per SMS, 10% lost, 5% duplicated, in order: every handshake
 * completes, retransmitted multi-SMS flights included (wolfSSL keeps the
 * fragments it got from earlier copies).
 */
START_TEST(test_lossy_in_order)
{
	struct smsc_conf sc;

	smsc_conf_default(&sc);
	sc.station.net.latency.dist = NETMODEL_FIXED;
	sc.station.net.latency.a = 7000;
	sc.station.net.loss = 0.1;
	sc.station.net.dup = 0.05;
	ck_assert_uint_eq(lossy_runs(SMSDTLS_AUTH_RPK, &sc, 20), 20);
	ck_assert_uint_eq(lossy_runs(SMSDTLS_AUTH_X509, &sc, 20), 20);
}
END_TEST

/*
 * Log-normal delays (median 7 s, 95th percentile 30 s), loss, duplicates
 * and reordering.  The certificate chain's 6-7 fragments arrive out of
 * order here, which needs patches/wolfssl/0002 (a fragment landing in a
 * gap between two held ones).
 */
START_TEST(test_lossy_reordering)
{
	struct smsc_conf sc;

	smsc_conf_default(&sc);
	sc.station.net.latency.dist = NETMODEL_LOGNORMAL;
	sc.station.net.latency.a = 7000;
	sc.station.net.latency.b = 30000;
	sc.station.net.loss = 0.05;
	sc.station.net.dup = 0.05;
	sc.station.net.reorder = 0.2;
	sc.station.net.reorder_hold = 20000;
	ck_assert_uint_eq(lossy_runs(SMSDTLS_AUTH_RPK, &sc, 20), 20);
	ck_assert_uint_eq(lossy_runs(SMSDTLS_AUTH_X509, &sc, 20), 20);
}
END_TEST

/* ------------------------------------------------------------- config */

static smsdtls_rc
no_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	(void)arg;
	(void)tpdu;
	(void)len;
	(void)info;
	return SMSDTLS_OK;
}

static char last_log[256];

static void
capture_log(int level, const char *msg, void *arg)
{
	(void)level;
	(void)arg;
	snprintf(last_log, sizeof(last_log), "%s", msg);
}

/* smsdtls_endpoint_new()'s verdict on cfg; a refusal must log why. */
static smsdtls_rc
try_endpoint(const struct smsdtls_config *cfg0)
{
	struct smsdtls_config c = *cfg0, *cfg = &c;
	struct smsdtls_sms_config scfg;
	struct smsdtls_sms *sms;
	struct smsdtls_transport t;
	struct smsdtls_endpoint *ep = NULL;
	struct smsdtls_bearer b = { .submit = no_submit };
	smsdtls_rc rc;

	smsdtls_sms_config_init(&scfg);
	ck_assert_rc(smsdtls_sms_new(&scfg, &b, &sms), SMSDTLS_OK);
	smsdtls_sms_transport(sms, &t);
	c.log = capture_log;
	c.log_level = SMSDTLS_LOG_ERROR;
	last_log[0] = '\0';
	rc = smsdtls_endpoint_new(cfg, &t, NULL, NULL, &ep);
	ck_assert(rc == SMSDTLS_OK ? ep != NULL : ep == NULL);
	if (rc != SMSDTLS_OK)
		ck_assert_msg(strlen(last_log) > 8, "no reason logged for %s",
		    smsdtls_strerror(rc));
	smsdtls_endpoint_free(ep);
	smsdtls_sms_free(sms);
	return rc;
}

/* RFC 8410's example Ed25519 key: a well-formed key, not P-256. */
static const char ed25519_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
    "-----END PUBLIC KEY-----\n";

START_TEST(test_config_errors)
{
	struct smsdtls_config c, s;
	struct blob b;
	char text[512];

	rpk_configs(&c, &s);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_OK);
	ck_assert_rc(try_endpoint(&s), SMSDTLS_OK);
	/* Pins: none, none needed, not P-256, broken base64, no END. */
	c.rpk_pins = NULL;
	c.rpk_pins_len = 0;
	ck_assert_rc(try_endpoint(&c), SMSDTLS_EINVAL);
	s.rpk_pins = NULL;
	s.rpk_pins_len = 0;
	ck_assert_rc(try_endpoint(&s), SMSDTLS_EINVAL);
	s.no_client_auth = true;
	ck_assert_rc(try_endpoint(&s), SMSDTLS_OK);
	b.p = (uint8_t *)text;
	snprintf(text, sizeof(text), "no key here\n");
	b.len = strlen(text);
	set_pins(&c, &b);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_EINVAL);
	snprintf(text, sizeof(text), "%.*s%s", (int)d.server_pub.len,
	    (const char *)d.server_pub.p, ed25519_pub);
	b.len = strlen(text);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_EINVAL);
	snprintf(text, sizeof(text), "%.*s", (int)d.server_pub.len,
	    (const char *)d.server_pub.p);
	text[40] = '*';
	b.len = strlen(text);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_EINVAL);
	snprintf(text, sizeof(text), "%.*s", (int)d.server_pub.len - 26,
	    (const char *)d.server_pub.p);
	b.len = strlen(text);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_EINVAL);
	/* A certificate where the key should be; a key where the chain
	 * should be; a PEM key declared DER; a key that is not the
	 * certificate's. */
	rpk_configs(&c, &s);
	set_key(&c, &d.ca_root);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_ETLS);
	x509_configs(&c, &s);
	set_chain(&c, &d.client_key);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_ETLS);
	x509_configs(&c, &s);
	c.key_format = SMSDTLS_FORMAT_DER;
	ck_assert_rc(try_endpoint(&c), SMSDTLS_ETLS);
	/* The server's key with the client's chain. */
	x509_configs(&c, &s);
	set_key(&c, &d.server_key);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_ETLS);
	x509_configs(&c, &s);
	ck_assert_rc(try_endpoint(&c), SMSDTLS_OK);
}
END_TEST

/* ----------------------------------------------------- credential swaps */

/* Another device on p's network, with the pair's SMS settings. */
static struct simnet_node *
pair_add_client(struct pair *p, const char *number,
    const struct smsdtls_config *c)
{
	struct smsdtls_sms_config scfg;
	struct simnet_node *n;

	sms_config(&scfg, p->ports);
	n = simnet_add(p->net, number, c, &scfg);
	ck_assert_ptr_nonnull(n);
	return n;
}

/* A node's counts before an attempt: done when the ones asked for grow. */
struct watch {
	const struct simnet_node *n;
	unsigned connected, errors, closed;
};

static struct watch
watch_of(const struct simnet_node *n)
{
	struct watch w = { n, n->connected, n->errors, n->closed };

	return w;
}

static bool
watch_settled(struct simnet *net, void *arg)
{
	const struct watch *w = arg;

	(void)net;
	return w->n->connected > w->connected || w->n->errors > w->errors;
}

static bool
watch_closed(struct simnet *net, void *arg)
{
	const struct watch *w = arg;

	(void)net;
	return w->n->closed > w->closed;
}

/*
 * Node n starts a handshake with the server; true if it connects (*sp,
 * may be NULL, gets the session), false if it fails.  Either way the
 * server has seen the outcome when it returns.
 */
static bool
try_connect(struct pair *p, struct simnet_node *n,
    struct smsdtls_session **sp)
{
	struct smsdtls_peer peer = simnet_peer(p->server,
	    p->ports ? SERVER_PORT : 0, p->ports ? CLIENT_PORT : 0);
	struct watch w = watch_of(n);
	struct smsdtls_session *s;

	ck_assert_rc(smsdtls_connect(n->ep, &peer, p->net->now, &s),
	    SMSDTLS_OK);
	ck_assert(simnet_run(p->net, p->net->now + 3600 * 1000,
	    watch_settled, &w));
	simnet_run(p->net, p->net->now + 60 * 1000, NULL, NULL);
	if (n->connected == w.connected)
		return false;
	if (sp != NULL)
		*sp = s;
	return true;
}

/* Close s and wait until the server has seen the close_notify. */
static void
close_session(struct pair *p, struct smsdtls_session *s)
{
	struct watch w = watch_of(p->server);

	smsdtls_session_close(s, p->net->now);
	ck_assert(simnet_run(p->net, p->net->now + 3600 * 1000,
	    watch_closed, &w));
}

/* The server refuses node n's handshake with detail want or alt. */
static void
assert_refused(struct pair *p, struct simnet_node *n, int want, int alt)
{
	unsigned errors = p->server->errors;
	const struct simnet_event *ev;

	ck_assert(!try_connect(p, n, NULL));
	ck_assert_uint_eq(p->server->errors, errors + 1);
	ev = last_event(p->server, SMSDTLS_EV_ERROR);
	ck_assert_int_eq(ev->rc, SMSDTLS_ETLS);
	ck_assert_msg(ev->detail == want || ev->detail == alt,
	    "detail %d, want %d or %d", ev->detail, want, alt);
}

/*
 * Node n offered a session (a ClientHello of hello_len bytes with its
 * ID, its first SMS from c0 on) that the server does not know (any
 * more): the server asked for a cookie (its first SMS from s0 on), the
 * ClientHello with both would not fit, and the client dropped the
 * session and went on, in the same connect, with a full handshake: a
 * shorter ClientHello without the ID.  No error came of the failed
 * resumption itself (session_resume_fallback() in transport/session.c).
 */
static void
assert_not_resumed(struct pair *p, struct simnet_node *n, size_t c0,
    size_t s0, size_t hello_len)
{
	const struct simnet_event *ev;

	ck_assert_uint_gt(n->nsent, c0 + 1);
	ck_assert_uint_eq(n->sent[c0].first_hs, HS_CLIENT_HELLO);
	ck_assert_uint_eq(n->sent[c0].dgram_len, hello_len);
	ck_assert_uint_eq(p->server->sent[s0].first_hs, HS_HVR);
	ck_assert_uint_eq(n->sent[c0 + 1].first_hs, HS_CLIENT_HELLO);
	ck_assert_uint_lt(n->sent[c0 + 1].dgram_len, hello_len);
	ev = last_event(n, SMSDTLS_EV_ERROR);
	ck_assert(ev == NULL || ev->detail != WOLF_DTLS_SIZE_ERROR);
}

/*
 * Session s of node n carries a datagram to the (echoing) server and
 * back: one SMS each way, no handshake on either side.
 */
static void
assert_carries(struct pair *p, struct simnet_node *n,
    struct smsdtls_session *s)
{
	static const uint8_t msg[] = "still up";
	struct smsdtls_endpoint_stats before, after;
	size_t c0 = n->nsent, s0 = p->server->nsent;
	unsigned data0 = n->data;
	const struct simnet_event *ev;

	p->server->echo = true;
	smsdtls_endpoint_get_stats(p->server->ep, &before);
	ck_assert_rc(smsdtls_session_send(s, msg, sizeof(msg), p->net->now),
	    SMSDTLS_OK);
	simnet_run(p->net, p->net->now + 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(n->data, data0 + 1);
	ev = last_event(n, SMSDTLS_EV_DATA);
	ck_assert_uint_eq(ev->len, sizeof(msg));
	ck_assert_mem_eq(ev->data, msg, sizeof(msg));
	smsdtls_endpoint_get_stats(p->server->ep, &after);
	ck_assert_uint_eq(after.app_in, before.app_in + 1);
	ck_assert_uint_eq(after.handshakes_ok, before.handshakes_ok);
	ck_assert_uint_eq(after.handshakes_failed, before.handshakes_failed);
	ck_assert_uint_eq(n->nsent, c0 + 1);
	ck_assert_uint_eq(p->server->nsent, s0 + 1);
	ck_assert(!n->sent[c0].handshake);
	ck_assert(!p->server->sent[s0].handshake);
}

static void
swap_ok(struct simnet_node *n, const struct smsdtls_config *cfg)
{
	char err[256] = "";

	ck_assert_msg(smsdtls_endpoint_set_credentials(n->ep, cfg, err,
	    sizeof(err)) == SMSDTLS_OK, "refused: %s", err);
}

static void
swap_refused(struct simnet_node *n, const struct smsdtls_config *cfg,
    smsdtls_rc want)
{
	char err[256] = "";

	ck_assert_rc(smsdtls_endpoint_set_credentials(n->ep, cfg, err,
	    sizeof(err)), want);
	ck_assert_msg(strlen(err) > 8, "no reason given for %s",
	    smsdtls_strerror(want));
}

/*
 * RPK without ports (PMTU 140, where resumption fits): the server pins
 * device A, then B instead of A.  A's session goes on without a
 * handshake and B gets in.  A's next handshake offers its old session,
 * which the server has forgotten, and the full one after it is refused.
 */
START_TEST(test_swap_rpk_pins)
{
	struct smsdtls_config c, s, cb, s2;
	struct smsdtls_session *bs;
	struct simnet_node *b;
	struct pair p;
	size_t c0, s0;

	rpk_configs(&c, &s);
	set_pins(&s, &d.client_pub);
	cb = c;
	set_key(&cb, &d.stranger_key);
	pair_open(&p, &c, &s, false);
	b = pair_add_client(&p, CLIENT2_NUMBER, &cb);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	assert_refused(&p, b, WOLF_VERIFY_CERT_ERROR, WOLF_SOCKET_ERROR_E);

	s2 = s;
	set_pins(&s2, &d.stranger_pub);
	swap_ok(p.server, &s2);
	assert_carries(&p, p.client, p.cs);
	ck_assert(try_connect(&p, b, &bs));
	assert_carries(&p, b, bs);
	assert_carries(&p, p.client, p.cs);

	close_session(&p, p.cs);
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	assert_refused(&p, p.client, WOLF_VERIFY_CERT_ERROR,
	    WOLF_SOCKET_ERROR_E);
	assert_not_resumed(&p, p.client, c0, s0, 139);
	ck_assert_uint_eq(p.client->sent[c0 + 1].dgram_len, 107);
	assert_carries(&p, b, bs);
	pair_close(&p);
}
END_TEST

/*
 * A parked session (its WOLFSSL object freed) is rebuilt on the new
 * context when its next datagram comes, and goes on although its key is
 * no longer pinned: established sessions are kept.
 */
START_TEST(test_swap_rpk_parked)
{
	struct smsdtls_config c, s, s2;
	struct smsdtls_endpoint_stats st;
	struct pair p;

	rpk_configs(&c, &s);
	s.park_after_ms = 60 * 1000;
	pair_open(&p, &c, &s, true);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	assert_carries(&p, p.client, p.cs);
	simnet_run(p.net, p.net->now + 10 * 60 * 1000, NULL, NULL);
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.parked, 1);

	s2 = s;
	set_pins(&s2, &d.stranger_pub);
	swap_ok(p.server, &s2);
	assert_carries(&p, p.client, p.cs);
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.unparks, 1);
	ck_assert_uint_eq(st.handshakes_ok, 1);
	pair_close(&p);
}
END_TEST

/*
 * A device's own credentials: with a key the server does not pin it is
 * refused; after a swap to its real key it gets in.  Once it no longer
 * pins the server, it forgets the session it could resume (the
 * ClientHello is 107 bytes, no session ID) and refuses the server.
 */
START_TEST(test_swap_rpk_client)
{
	struct smsdtls_config c, s, c2;
	const struct simnet_event *ev;
	struct pair p;
	size_t c0;

	rpk_configs(&c, &s);
	set_key(&c, &d.stranger_key);
	pair_open(&p, &c, &s, false);
	assert_refused(&p, p.client, WOLF_VERIFY_CERT_ERROR,
	    WOLF_SOCKET_ERROR_E);

	c2 = c;
	set_key(&c2, &d.client_key);
	swap_ok(p.client, &c2);
	ck_assert(try_connect(&p, p.client, &p.cs));
	assert_carries(&p, p.client, p.cs);
	close_session(&p, p.cs);

	set_pins(&c2, &d.client_pub);
	swap_ok(p.client, &c2);
	c0 = p.client->nsent;
	ck_assert(!try_connect(&p, p.client, NULL));
	ck_assert_uint_eq(p.client->sent[c0].dgram_len, 107);
	ev = last_event(p.client, SMSDTLS_EV_ERROR);
	ck_assert_int_eq(ev->detail, WOLF_VERIFY_CERT_ERROR);
	pair_close(&p);
}
END_TEST

/* Run until virtual time t (ms after the epoch of the network). */
static void
run_to(struct pair *p, int64_t t)
{
	simnet_run(p->net, t, NULL, NULL);
	ck_assert_int_eq(p->net->now, t);
}

/*
 * A handshake under way when the credentials change finishes, but its
 * session is not kept for resumption, on the server (which does not know
 * it when the client offers it) nor on the client (which offers nothing
 * next time).
 */
START_TEST(test_swap_mid_handshake)
{
	struct smsdtls_config c, s;
	struct smsdtls_peer peer;
	struct pair p;
	size_t c0, s0;
	int64_t t0;

	rpk_configs(&c, &s);
	pair_open(&p, &c, &s, false);
	pair_connect(&p);
	run_to(&p, 3500);	/* the server's flight is on its way */
	ck_assert_uint_eq(p.server->connected, 0);
	swap_ok(p.server, &s);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	close_session(&p, p.cs);
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	ck_assert(try_connect(&p, p.client, &p.cs));
	assert_not_resumed(&p, p.client, c0, s0, 139);
	ck_assert_uint_eq(p.client->sent[c0 + 1].dgram_len, 107);
	ck_assert(!last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);

	/* That one is resumable: the client's turn to swap during the
	 * (abbreviated) handshake. */
	close_session(&p, p.cs);
	t0 = p.net->now;
	peer = simnet_peer(p.server, 0, 0);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, t0, &p.cs),
	    SMSDTLS_OK);
	run_to(&p, t0 + 500);
	swap_ok(p.client, &c);
	p.client->connected = 0;
	p.server->connected = 0;
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ck_assert(last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	close_session(&p, p.cs);
	c0 = p.client->nsent;
	ck_assert(try_connect(&p, p.client, &p.cs));
	ck_assert_uint_eq(p.client->sent[c0].dgram_len, 107);
	ck_assert(!last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	pair_close(&p);
}
END_TEST

/*
 * Credentials that cannot work are refused with a reason and change
 * nothing: A's session goes on, B is still refused, and A resumes its
 * session afterwards (the resumable sessions were kept).
 */
START_TEST(test_swap_refused)
{
	struct smsdtls_config c, s, cb, bad;
	struct simnet_node *b;
	struct pair p;
	struct blob text;
	char pins[1024];

	rpk_configs(&c, &s);
	set_pins(&s, &d.client_pub);
	cb = c;
	set_key(&cb, &d.stranger_key);
	pair_open(&p, &c, &s, false);
	b = pair_add_client(&p, CLIENT2_NUMBER, &cb);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));

	ck_assert_rc(smsdtls_endpoint_set_credentials(p.server->ep, NULL,
	    NULL, 0), SMSDTLS_EINVAL);
	bad = s;
	bad.role = SMSDTLS_CLIENT;
	swap_refused(p.server, &bad, SMSDTLS_EINVAL);
	bad = s;
	bad.auth = SMSDTLS_AUTH_X509;
	swap_refused(p.server, &bad, SMSDTLS_EINVAL);
	bad = s;
	bad.rpk_pins = NULL;
	bad.rpk_pins_len = 0;
	swap_refused(p.server, &bad, SMSDTLS_EINVAL);
	/* B's key, then a well-formed key that is not P-256. */
	snprintf(pins, sizeof(pins), "%.*s%s", (int)d.stranger_pub.len,
	    (const char *)d.stranger_pub.p, ed25519_pub);
	text.p = (uint8_t *)pins;
	text.len = strlen(pins);
	bad = s;
	set_pins(&bad, &text);
	swap_refused(p.server, &bad, SMSDTLS_EINVAL);
	/* A certificate for a key; a PEM key said to be DER. */
	bad = s;
	set_pins(&bad, &d.stranger_pub);
	set_key(&bad, &d.ca_root);
	swap_refused(p.server, &bad, SMSDTLS_ETLS);
	bad = s;
	set_pins(&bad, &d.stranger_pub);
	bad.key_format = SMSDTLS_FORMAT_DER;
	swap_refused(p.server, &bad, SMSDTLS_ETLS);

	assert_carries(&p, p.client, p.cs);
	assert_refused(&p, b, WOLF_VERIFY_CERT_ERROR, WOLF_SOCKET_ERROR_E);
	close_session(&p, p.cs);
	ck_assert(try_connect(&p, p.client, &p.cs));
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	pair_close(&p);
}
END_TEST

/*
 * PSK: the server's store loses device A's identity and gains B's; A's
 * session goes on, B gets in, A's next handshakes are refused (after the
 * forgotten session it offers).  Then A itself takes B's identity and key
 * and gets in with them; an incomplete PSK is refused.
 */
START_TEST(test_swap_psk)
{
	size_t	c0, s0;
	static const uint8_t key2[4] = { 5, 6, 7, 8 };
	static const char text2[] = "device-0002 05060708\n";
	struct smsdtls_config c, s, cb, s2, bad;
	struct smsdtls_psk_store *store, *store2;
	struct smsdtls_session *bs;
	struct simnet_node *b;
	struct pair p;

	store = psk_configs(&c, &s);
	ck_assert_rc(smsdtls_psk_store_parse(text2, strlen(text2), &store2,
	    NULL, 0), SMSDTLS_OK);
	cb = c;
	cb.psk_identity = "device-0002";
	cb.psk_key = key2;
	pair_open(&p, &c, &s, true);
	b = pair_add_client(&p, CLIENT2_NUMBER, &cb);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	assert_refused(&p, b, WOLF_PSK_KEY_ERROR, WOLF_PSK_KEY_ERROR);

	s2 = s;
	s2.psk_store = store2;
	swap_ok(p.server, &s2);
	assert_carries(&p, p.client, p.cs);
	ck_assert(try_connect(&p, b, &bs));
	assert_carries(&p, b, bs);
	close_session(&p, p.cs);
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	assert_refused(&p, p.client, WOLF_PSK_KEY_ERROR, WOLF_PSK_KEY_ERROR);
	assert_not_resumed(&p, p.client, c0, s0, 119);

	bad = cb;
	bad.psk_key_len = 0;
	swap_refused(p.client, &bad, SMSDTLS_EINVAL);
	bad = cb;
	bad.psk_identity = NULL;
	swap_refused(p.client, &bad, SMSDTLS_EINVAL);
	swap_ok(p.client, &cb);
	ck_assert(try_connect(&p, p.client, &p.cs));
	assert_carries(&p, p.client, p.cs);
	pair_close(&p);
	smsdtls_psk_store_free(store);
	smsdtls_psk_store_free(store2);
}
END_TEST

/*
 * X.509: the server trusts the real root, then only a rogue root with
 * the same name.  Bad certificates and anchors are refused first.  After
 * the swap, A's session goes on and B (whose chain the rogue root
 * signed) gets in; A cannot resume its session, and its full handshake
 * is refused.
 */
START_TEST(test_swap_x509_anchors)
{
	size_t	c0, s0;
	struct smsdtls_config c, s, cb, s2;
	struct smsdtls_session *bs;
	struct simnet_node *b;
	struct pair p;
	struct blob junk = { (uint8_t *)"not a certificate\n", 18 };

	x509_configs(&c, &s);
	cb = c;
	set_key(&cb, &d.stranger_key);
	set_chain(&cb, &d.stranger_chain);
	pair_open(&p, &c, &s, true);
	b = pair_add_client(&p, CLIENT2_NUMBER, &cb);
	pair_connect(&p);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));

	/* The client's chain with the server's key; no anchors; junk. */
	s2 = s;
	set_chain(&s2, &d.client_chain);
	swap_refused(p.server, &s2, SMSDTLS_ETLS);
	s2 = s;
	s2.ca = NULL;
	s2.ca_len = 0;
	swap_refused(p.server, &s2, SMSDTLS_EINVAL);
	s2.ca = junk.p;
	s2.ca_len = junk.len;
	swap_refused(p.server, &s2, SMSDTLS_ETLS);
	assert_refused(&p, b, WOLF_ASN_SIG_CONFIRM_E, WOLF_ASN_NO_SIGNER_E);

	s2.ca = d.rogue_root.p;
	s2.ca_len = d.rogue_root.len;
	swap_ok(p.server, &s2);
	assert_carries(&p, p.client, p.cs);
	ck_assert(try_connect(&p, b, &bs));
	assert_carries(&p, b, bs);

	close_session(&p, p.cs);
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	assert_refused(&p, p.client, WOLF_ASN_SIG_CONFIRM_E,
	    WOLF_ASN_NO_SIGNER_E);
	assert_not_resumed(&p, p.client, c0, s0, 127);
	assert_carries(&p, b, bs);
	pair_close(&p);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc;

	tc = tcase_create("rpk");
	tcase_add_checked_fixture(tc, data_load, data_free);
	tcase_add_test(tc, test_rpk_handshake_ports);
	tcase_add_test(tc, test_rpk_handshake_no_ports);
	tcase_add_test(tc, test_rpk_der_key_and_pin_text);
	tcase_add_test(tc, test_rpk_server_not_pinned);
	tcase_add_test(tc, test_rpk_client_not_pinned);
	tcase_add_test(tc, test_rpk_no_client_auth);
	tcase_add_test(tc, test_rpk_server_x509_client);
	tcase_add_test(tc, test_rpk_reconnect_full_handshake);
	tcase_add_test(tc, test_rpk_resumption_no_ports);
	suite_add_tcase(s, tc);

	tc = tcase_create("x509");
	tcase_add_checked_fixture(tc, data_load, data_free);
	tcase_add_test(tc, test_x509_handshake_ports);
	tcase_add_test(tc, test_x509_handshake_no_ports);
	tcase_add_test(tc, test_x509_no_client_auth);
	tcase_add_test(tc, test_x509_client_without_cert);
	tcase_add_test(tc, test_x509_untrusted_server);
	tcase_add_test(tc, test_x509_server_without_intermediate);
	tcase_add_test(tc, test_x509_wrong_host);
	tcase_add_test(tc, test_x509_no_host_check);
	tcase_add_test(tc, test_x509_expired_server);
	tcase_add_test(tc, test_x509_untrusted_client);
	tcase_add_test(tc, test_x509_resumption);
	suite_add_tcase(s, tc);

	tc = tcase_create("hello");
	tcase_add_checked_fixture(tc, data_load, data_free);
	tcase_add_test(tc, test_client_hello_sizes);
	tcase_add_test(tc, test_client_hello_sni);
	tcase_add_test(tc, test_config_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("swap");
	tcase_add_checked_fixture(tc, data_load, data_free);
	tcase_add_test(tc, test_swap_rpk_pins);
	tcase_add_test(tc, test_swap_rpk_parked);
	tcase_add_test(tc, test_swap_rpk_client);
	tcase_add_test(tc, test_swap_mid_handshake);
	tcase_add_test(tc, test_swap_refused);
	tcase_add_test(tc, test_swap_psk);
	tcase_add_test(tc, test_swap_x509_anchors);
	suite_add_tcase(s, tc);

	tc = tcase_create("lossy");
	tcase_add_checked_fixture(tc, data_load, data_free);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lossy_in_order);
	tcase_add_test(tc, test_lossy_reordering);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(auth_suite)
