/*
 * check_session.c - DTLS sessions over the simulated SMSC in virtual time:
 * handshakes and their SMS cost, data, timers, validity periods, profile
 * rules and bad input.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "tests/simnet.h"
#include "transport/session_int.h"

#define CLIENT_NUMBER	"+447700900456"
#define SERVER_NUMBER	"+447700900123"
#define SERVER_PORT	5684
#define CLIENT_PORT	16001
#define PMTU_PORTS	133

static const uint8_t psk_key[16] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};

struct pair {
	struct simnet *net;
	struct simnet_node *client;
	struct simnet_node *server;
	struct smsdtls_psk_store *store;
	struct smsdtls_session *cs;	/* the client's session */
};

static void
pair_configs(struct smsdtls_config *c, struct smsdtls_config *s,
    struct smsdtls_psk_store *store)
{
	smsdtls_config_init(c);
	c->role = SMSDTLS_CLIENT;
	c->psk_identity = "device-0001";
	c->psk_key = psk_key;
	c->psk_key_len = sizeof(psk_key);
	smsdtls_config_init(s);
	s->role = SMSDTLS_SERVER;
	s->psk_store = store;
}

/* A PSK client and server on a network with the given SMSC conf. */
static void
pair_open(struct pair *p, const struct smsc_conf *sconf,
    const struct smsdtls_sms_config *scfg)
{
	struct smsdtls_config c, s;

	memset(p, 0, sizeof(*p));
	static const char psk_file[] =
	    "device-0001 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n";

	ck_assert_rc(smsdtls_psk_store_parse(psk_file, strlen(psk_file),
	    &p->store, NULL, 0), SMSDTLS_OK);
	pair_configs(&c, &s, p->store);
	p->net = simnet_new(sconf);
	ck_assert_ptr_nonnull(p->net);
	p->client = simnet_add(p->net, CLIENT_NUMBER, &c, scfg);
	p->server = simnet_add(p->net, SERVER_NUMBER, &s, scfg);
	ck_assert_ptr_nonnull(p->client);
	ck_assert_ptr_nonnull(p->server);
}

static void
pair_close(struct pair *p)
{
	simnet_free(p->net);
	smsdtls_psk_store_free(p->store);
}

static bool
both_connected(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->client->connected > 0 && p->server->connected > 0;
}

static void
pair_connect(struct pair *p, bool ports)
{
	struct smsdtls_peer peer = simnet_peer(p->server,
	    ports ? SERVER_PORT : 0, ports ? CLIENT_PORT : 0);

	ck_assert_rc(smsdtls_connect(p->client->ep, &peer, p->net->now,
	    &p->cs), SMSDTLS_OK);
}

START_TEST(test_psk_handshake_six_sms)
{
	struct pair p;
	size_t i;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	/* One SMS per flight: CH, HVR, CH+cookie, SH+SHD, CKE+CCS+Fin,
	 * CCS+Fin. */
	ck_assert_uint_eq(p.client->nsent, 3);
	ck_assert_uint_eq(p.server->nsent, 3);
	ck_assert_uint_eq(p.client->sent[0].first_hs, 1);	/* CH */
	ck_assert_uint_eq(p.server->sent[0].first_hs, 3);	/* HVR */
	ck_assert_uint_eq(p.client->sent[1].first_hs, 1);	/* CH */
	ck_assert_uint_eq(p.server->sent[1].first_hs, 2);	/* SH */
	ck_assert_uint_eq(p.server->sent[1].nrec, 2);		/* +SHD */
	ck_assert_uint_eq(p.client->sent[2].nrec, 3);		/* CKE CCS Fin */
	ck_assert_uint_eq(p.server->sent[2].nrec, 2);		/* CCS Fin */
	for (i = 0; i < 3; i++) {
		ck_assert_uint_le(p.client->sent[i].dgram_len, PMTU_PORTS);
		ck_assert_uint_le(p.server->sent[i].dgram_len, PMTU_PORTS);
		ck_assert(p.client->sent[i].handshake);
		/* VP: the 10 s retransmission timeout, in enhanced
		 * relative-seconds form. */
		ck_assert_uint_eq(p.client->sent[i].vp_seconds, 10);
		ck_assert_uint_eq(p.client->sent[i].vp_format,
		    SMSDTLS_VPF_ENHANCED);
		ck_assert_uint_eq(p.server->sent[i].vp_seconds, 10);
	}
	ck_assert_uint_eq(p.client->errors + p.server->errors, 0);
	pair_close(&p);
}
END_TEST

static void	assert_data_flows(struct pair *);

/*
 * bench_no_cookie: the server skips HelloVerifyRequest, so a PSK
 * handshake is 4 SMS (CH, SH+SHD, CKE+CCS+Fin, CCS+Fin), the session
 * made for the first ClientHello lives on and data flows.  A server on
 * the same network without the setting still asks for the cookie: 6 SMS.
 */
START_TEST(test_psk_no_cookie_four_sms)
{
#ifdef WOLFSSL_DTLS12_STATEFUL_ACCEPT
	struct pair p;
	struct smsdtls_config c, sv;
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer peer;
	struct simnet_node *plain;

	pair_open(&p, NULL, NULL);
	plain = p.server;
	pair_configs(&c, &sv, p.store);
	sv.bench_no_cookie = true;
	p.server = simnet_add(p.net, "+447700900126", &sv, NULL);
	ck_assert_ptr_nonnull(p.server);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(p.client->nsent, 2);
	ck_assert_uint_eq(p.server->nsent, 2);
	ck_assert_uint_eq(p.client->sent[0].first_hs, 1);	/* CH */
	ck_assert_uint_eq(p.server->sent[0].first_hs, 2);	/* SH */
	ck_assert_uint_eq(p.server->sent[0].nrec, 2);		/* +SHD */
	ck_assert_uint_eq(p.client->sent[1].nrec, 3);		/* CKE CCS Fin */
	ck_assert_uint_eq(p.server->sent[1].nrec, 2);		/* CCS Fin */
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.cookies_sent, 0);
	ck_assert_uint_eq(st.handshakes_ok, 1);
	ck_assert_uint_eq(st.half_open, 0);
	ck_assert_uint_eq(p.client->errors + p.server->errors, 0);
	assert_data_flows(&p);

	/* The same client to the server with the cookie exchange. */
	p.server = plain;
	p.client->nsent = 0;
	p.client->connected = 0;
	peer = simnet_peer(plain, SERVER_PORT, CLIENT_PORT + 1);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now,
	    &p.cs), SMSDTLS_OK);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000,
	    both_connected, &p));
	ck_assert_uint_eq(p.client->nsent, 3);
	ck_assert_uint_eq(plain->nsent, 3);
	ck_assert_uint_eq(plain->sent[0].first_hs, 3);		/* HVR */
	smsdtls_endpoint_get_stats(plain->ep, &st);
	ck_assert_uint_eq(st.cookies_sent, 1);
	pair_close(&p);
#else
	ck_abort_msg("this wolfSSL lacks patches/wolfssl/0006: rebuild it "
	    "(./bootstrap deps)");
#endif
}
END_TEST

/* bench_no_cookie is refused on a client, and on a wolfSSL without
 * patches/wolfssl/0006, with a reason. */
START_TEST(test_no_cookie_config)
{
	struct smsdtls_config c, sv;
	char err[128];

	pair_configs(&c, &sv, NULL);
	c.bench_no_cookie = true;
	ck_assert_rc(smsdtls_config_check(&c, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	ck_assert_str_eq(err, "bench_no_cookie is for a server");
	sv.bench_no_cookie = true;
#ifdef WOLFSSL_DTLS12_STATEFUL_ACCEPT
	ck_assert_rc(smsdtls_config_check(&sv, err, sizeof(err)),
	    SMSDTLS_OK);
#else
	ck_assert_rc(smsdtls_config_check(&sv, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	ck_assert_str_eq(err,
	    "bench_no_cookie needs a wolfSSL with patches/wolfssl/0006");
#endif
}
END_TEST

static bool
server_has_data(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->server->data > 0;
}

static bool
client_has_data(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->client->data > 0;
}

START_TEST(test_psk_data_max_payload)
{
	struct pair p;
	uint8_t buf[112];
	struct simnet_sms *last;

	memset(buf, 0xa5, sizeof(buf));
	pair_open(&p, NULL, NULL);
	p.server->echo = true;
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(smsdtls_session_max_payload(p.cs), 104);
	ck_assert_rc(smsdtls_session_send(p.cs, buf, 105, p.net->now),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(p.client->nsent, 3);	/* nothing went out */
	ck_assert_rc(smsdtls_session_send(p.cs, buf, 104, p.net->now),
	    SMSDTLS_OK);
	ck_assert_uint_eq(p.client->nsent, 4);
	last = &p.client->sent[3];
	ck_assert_uint_eq(last->dgram_len, PMTU_PORTS);
	ck_assert(!last->handshake);
	ck_assert_uint_eq(last->vp_seconds, 3600);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000,
	    client_has_data, &p));
	ck_assert_uint_eq(p.server->events[p.server->nevents - 1].len, 104);
	ck_assert_uint_eq(p.client->events[p.client->nevents - 1].len, 104);
	ck_assert_mem_eq(p.client->events[p.client->nevents - 1].data, buf,
	    104);
	(void)server_has_data;
	pair_close(&p);
}
END_TEST

START_TEST(test_psk_no_ports)
{
	struct pair p;
	struct smsdtls_sms_config scfg;

	smsdtls_sms_config_init(&scfg);
	scfg.ports = false;
	scfg.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE;
	pair_open(&p, NULL, &scfg);
	pair_connect(&p, false);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_eq(p.client->nsent + p.server->nsent, 6);
	ck_assert_uint_eq(smsdtls_session_max_payload(p.cs), 111);
	/* Relative format only: 5 minutes is the closest not below 10 s. */
	ck_assert_uint_eq(p.client->sent[0].vp_seconds, 300);
	ck_assert_uint_eq(p.client->sent[0].vp_format, SMSDTLS_VPF_RELATIVE);
	pair_close(&p);
}
END_TEST


static bool
failed_or_connected(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->client->errors > 0 || p->client->connected > 0;
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

START_TEST(test_psk_unknown_identity)
{
	struct pair p;
	struct smsdtls_config c;
	struct smsdtls_peer peer;
	struct simnet_node *stranger;
	const struct simnet_sms *alert;

	pair_open(&p, NULL, NULL);
	smsdtls_config_init(&c);
	c.psk_identity = "device-9999";
	c.psk_key = psk_key;
	c.psk_key_len = sizeof(psk_key);
	stranger = simnet_add(p.net, "+447700900789", &c, NULL);
	ck_assert_ptr_nonnull(stranger);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_rc(smsdtls_connect(stranger->ep, &peer, p.net->now, NULL),
	    SMSDTLS_OK);
	simnet_run(p.net, 3600 * 1000, NULL, NULL);
	ck_assert_uint_eq(stranger->connected, 0);
	ck_assert_uint_eq(stranger->errors, 1);
	ck_assert_uint_eq(p.server->errors, 1);
	/* The server's last SMS is one fatal decrypt_error alert. */
	alert = &p.server->sent[p.server->nsent - 1];
	ck_assert_uint_eq(alert->first_type, 21);
	ck_assert_uint_eq(alert->nrec, 1);
	ck_assert_uint_eq(alert->dgram_len, 15);
	ck_assert_int_eq(last_event(stranger, SMSDTLS_EV_ERROR)->rc,
	    SMSDTLS_ETLS);
	pair_close(&p);
}
END_TEST

START_TEST(test_psk_wrong_key)
{
	struct pair p;
	struct smsdtls_config c;
	struct smsdtls_peer peer;
	struct simnet_node *liar;
	uint8_t bad[16];

	memcpy(bad, psk_key, sizeof(bad));
	bad[0] ^= 1;
	pair_open(&p, NULL, NULL);
	smsdtls_config_init(&c);
	c.psk_identity = "device-0001";
	c.psk_key = bad;
	c.psk_key_len = sizeof(bad);
	liar = simnet_add(p.net, "+447700900789", &c, NULL);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_rc(smsdtls_connect(liar->ep, &peer, p.net->now, NULL),
	    SMSDTLS_OK);
	simnet_run(p.net, 3600 * 1000, NULL, NULL);
	ck_assert_uint_eq(liar->connected, 0);
	ck_assert_uint_eq(p.server->connected, 0);
	ck_assert_uint_eq(liar->errors, 1);
	pair_close(&p);
}
END_TEST

/* At 100% loss the handshake ends at its deadline, after retransmitting
 * at 10, 20, 40, 60, 60, ... seconds. */
START_TEST(test_handshake_deadline_total_loss)
{
	struct pair p;
	struct smsc_conf sc;
	const struct simnet_event *ev;
	size_t i;

	smsc_conf_default(&sc);
	sc.seed = 7;
	sc.station.net.latency.dist = NETMODEL_FIXED;
	sc.station.net.latency.a = 1000;
	sc.station.net.loss = 1.0;
	pair_open(&p, &sc, NULL);
	pair_connect(&p, true);
	simnet_run(p.net, 3600 * 1000, failed_or_connected, &p);
	ev = last_event(p.client, SMSDTLS_EV_ERROR);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->rc, SMSDTLS_ETIMEDOUT);
	ck_assert_int_eq(ev->at, 10 * 60 * 1000);
	/* Sent at 0, 10, 30, 70, 130, 190, ... 550 s: 12 ClientHellos. */
	ck_assert_uint_eq(p.client->nsent, 12);
	ck_assert_int_eq(p.client->sent[1].at, 10000);
	ck_assert_int_eq(p.client->sent[2].at, 30000);
	ck_assert_int_eq(p.client->sent[3].at, 70000);
	ck_assert_int_eq(p.client->sent[4].at, 130000);
	for (i = 0; i < p.client->nsent; i++) {
		ck_assert_uint_eq(p.client->sent[i].first_hs, 1);
		/* VP follows the timeout: 10, 20, 40, 60, 60... */
		ck_assert_uint_eq(p.client->sent[i].vp_seconds,
		    i < 3 ? 10u << i : 60u);
	}
	pair_close(&p);
}
END_TEST

/* Lossy, duplicating, reordering network with long delays: every one of
 * many seeds completes, and no SMS exceeds the PMTU. */
START_TEST(test_handshake_lossy_network)
{
	unsigned seed, ok = 0;

	for (seed = 1; seed <= 40; seed++) {
		struct pair p;
		struct smsc_conf sc;
		size_t i;

		smsc_conf_default(&sc);
		sc.seed = seed;
		sc.station.net.latency.dist = NETMODEL_LOGNORMAL;
		sc.station.net.latency.a = 7000;
		sc.station.net.latency.b = 30000;
		sc.station.net.loss = 0.2;
		sc.station.net.dup = 0.1;
		sc.station.net.reorder = 0.2;
		sc.station.net.reorder_hold = 20000;
		pair_open(&p, &sc, NULL);
		p.server->echo = true;
		pair_connect(&p, true);
		if (simnet_run(p.net, 3600 * 1000, both_connected, &p))
			ok++;
		for (i = 0; i < p.client->nsent; i++)
			ck_assert_uint_le(p.client->sent[i].dgram_len,
			    PMTU_PORTS);
		for (i = 0; i < p.server->nsent; i++)
			ck_assert_uint_le(p.server->sent[i].dgram_len,
			    PMTU_PORTS);
		pair_close(&p);
	}
	/* 20% loss each way over a 10 min deadline: nearly all succeed. */
	ck_assert_uint_ge(ok, 38);
}
END_TEST

/* Status reports are counted and never touch the DTLS timers: with SRR
 * on, every SMS goes out at the same instant as with it off. */
START_TEST(test_status_reports_leave_timers_alone)
{
	struct smsdtls_sms_config scfg;
	struct smsc_conf sc;
	int64_t at[2][64];
	size_t n[2], i;
	unsigned reports = 0;

	for (int srr = 0; srr < 2; srr++) {
		struct pair p;

		smsc_conf_default(&sc);
		sc.seed = 99;
		sc.station.net.latency.dist = NETMODEL_FIXED;
		sc.station.net.latency.a = 4000;
		/* Lose the server's first flight so a retransmission
		 * happens while reports are arriving. */
		sc.station.net.loss = 0.3;
		smsdtls_sms_config_init(&scfg);
		scfg.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE |
		    SMSDTLS_VP_ACCEPT_ENHANCED;
		scfg.status_reports = srr;
		pair_open(&p, &sc, &scfg);
		pair_connect(&p, true);
		simnet_run(p.net, 3600 * 1000, both_connected, &p);
		n[srr] = p.client->nsent;
		ck_assert_uint_le(n[srr], 64);
		for (i = 0; i < n[srr]; i++)
			at[srr][i] = p.client->sent[i].at;
		if (srr)
			reports = p.client->reports;
		pair_close(&p);
	}
	ck_assert_uint_gt(reports, 0);
	ck_assert_uint_eq(n[0], n[1]);
	for (i = 0; i < n[0]; i++)
		ck_assert_int_eq(at[0][i], at[1][i]);
}
END_TEST

/* Garbage from an unknown number is dropped and counted; garbage from
 * a peer with a session changes nothing for that session. */
START_TEST(test_garbage_datagrams)
{
	struct pair p;
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer stranger, client;
	uint8_t junk[133];
	uint64_t seed = 5;
	unsigned shorts = 0;
	int i;

	pair_open(&p, NULL, NULL);
	p.server->echo = true;
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_rc(smsdtls_peer_sms(&stranger, "+447700900999", NULL,
	    CLIENT_PORT, SERVER_PORT), SMSDTLS_OK);
	client = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	for (i = 0; i < 200; i++) {
		size_t len = test_rand(&seed) % sizeof(junk);

		for (size_t j = 0; j < len; j++)
			junk[j] = (uint8_t)test_rand(&seed);
		if (i % 3 == 0 && len > 13)
			junk[0] = 23;	/* looks like application data */
		if (len < 13)
			shorts++;	/* not even a record header */
		smsdtls_endpoint_input(p.server->ep, &stranger, junk, len,
		    p.net->now);
		smsdtls_endpoint_input(p.server->ep, &client, junk, len,
		    p.net->now);
	}
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 1);
	ck_assert_uint_eq(st.drop_unknown_peer + st.drop_malformed,
	    200 + shorts);
	ck_assert_uint_eq(p.server->errors, 0);
	ck_assert_uint_eq(p.server->data, 0);
	/* The real session still works. */
	ck_assert_rc(smsdtls_session_send(p.cs, (const uint8_t *)"ping", 4,
	    p.net->now), SMSDTLS_OK);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000,
	    client_has_data, &p));
	pair_close(&p);
}
END_TEST

/* One server endpoint, many devices at once, each on its own session. */
START_TEST(test_many_associations)
{
	struct pair p;
	struct simnet_node *dev[6];
	struct smsdtls_config c;
	struct smsdtls_peer peer;
	struct smsdtls_endpoint_stats st;
	char num[24];
	int i;

	pair_open(&p, NULL, NULL);
	p.server->echo = true;
	smsdtls_config_init(&c);
	c.psk_identity = "device-0001";
	c.psk_key = psk_key;
	c.psk_key_len = sizeof(psk_key);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	for (i = 0; i < 6; i++) {
		snprintf(num, sizeof(num), "+4477009002%02d", i);
		dev[i] = simnet_add(p.net, num, &c, NULL);
		ck_assert_ptr_nonnull(dev[i]);
		ck_assert_rc(smsdtls_connect(dev[i]->ep, &peer, 0, NULL),
		    SMSDTLS_OK);
	}
	simnet_run(p.net, 3600 * 1000, NULL, NULL);
	for (i = 0; i < 6; i++) {
		uint8_t msg[8];

		ck_assert_uint_eq(dev[i]->connected, 1);
		memset(msg, 'a' + i, sizeof(msg));
		ck_assert_rc(smsdtls_session_send(dev[i]->session, msg,
		    sizeof(msg), p.net->now), SMSDTLS_OK);
	}
	simnet_run(p.net, p.net->now + 3600 * 1000, NULL, NULL);
	for (i = 0; i < 6; i++) {
		ck_assert_uint_eq(dev[i]->data, 1);
		ck_assert_uint_eq(dev[i]->events[dev[i]->nevents - 1].data[0],
		    'a' + i);
	}
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 6);
	ck_assert_uint_eq(st.handshakes_ok, 6);
	ck_assert_uint_eq(st.half_open, 0);
	pair_close(&p);
}
END_TEST

/* Past max_half_open, further ClientHellos are dropped and counted. */
START_TEST(test_half_open_cap)
{
	struct pair p;
	struct smsdtls_config c;
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer peer;
	struct simnet_node *dev[5];
	char num[24];
	int i;

	pair_open(&p, NULL, NULL);
	/* Rebuild the server with a cap of 2. */
	smsdtls_config_init(&c);
	c.role = SMSDTLS_SERVER;
	c.psk_store = p.store;
	c.max_half_open = 2;
	p.server = simnet_add(p.net, "+447700900124", &c, NULL);
	ck_assert_ptr_nonnull(p.server);
	smsdtls_config_init(&c);
	c.psk_identity = "device-0001";
	c.psk_key = psk_key;
	c.psk_key_len = sizeof(psk_key);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	for (i = 0; i < 5; i++) {
		snprintf(num, sizeof(num), "+4477009003%02d", i);
		dev[i] = simnet_add(p.net, num, &c, NULL);
		ck_assert_rc(smsdtls_connect(dev[i]->ep, &peer, 0, NULL),
		    SMSDTLS_OK);
	}
	/* With 1 s each way, all five cookie-bearing ClientHellos reach
	 * the server at 3 s: two get in, three are refused until they
	 * retry. */
	simnet_run(p.net, 3500, NULL, NULL);
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.half_open, 2);
	ck_assert_uint_eq(st.drop_cap_half_open, 3);
	/* Retransmissions get the others through once the first finish. */
	simnet_run(p.net, 3600 * 1000, NULL, NULL);
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(dev[i]->connected, 1);
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

/* A client that closed its session resumes it in four SMS (no cookie
 * exchange for a resuming ClientHello; the server's SH+CCS+Finished is
 * 174 bytes, so two SMS), and the ClientHello with its 32-byte session
 * ID still fits one SMS. */
START_TEST(test_psk_resumption)
{
	struct pair p;
	struct smsdtls_peer peer;
	const struct simnet_event *ev;
	size_t c0, s0;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	smsdtls_session_close(p.cs, p.net->now);
	ck_assert_uint_eq(p.client->closed, 1);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, server_closed,
	    &p));
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now, &p.cs),
	    SMSDTLS_OK);
	p.client->connected = p.server->connected = 0;
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ev = last_event(p.client, SMSDTLS_EV_CONNECTED);
	ck_assert(ev->resumed);
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	/* CH; SH+CCS, Fin; CCS+Fin. */
	ck_assert_uint_eq(p.client->nsent - c0, 2);
	ck_assert_uint_eq(p.server->nsent - s0, 2);
	ck_assert_uint_eq(p.client->sent[c0].first_hs, 1);
	ck_assert_uint_le(p.client->sent[c0].dgram_len, PMTU_PORTS);
	ck_assert_uint_eq(p.server->sent[s0].first_hs, 2);
	ck_assert_uint_eq(p.server->sent[s0].nrec +
	    p.server->sent[s0 + 1].nrec, 3);
	ck_assert_uint_eq(p.client->sent[c0 + 1].nrec, 2);
	pair_close(&p);
}
END_TEST

struct udp_side {
	int fd;
	struct smsdtls_udp *udp;
	struct smsdtls_endpoint *ep;
	unsigned connected, data, errors, closed, resumed;
};

static void
udp_event_cb(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct udp_side *u = arg;

	(void)ep;
	if (ev->type == SMSDTLS_EV_CONNECTED) {
		u->connected++;
		u->resumed += ev->resumed;
	} else if (ev->type == SMSDTLS_EV_CLOSED)
		u->closed++;
	else if (ev->type == SMSDTLS_EV_DATA) {
		u->data++;
		smsdtls_session_send(ev->session, ev->data, ev->len, 0);
	} else if (ev->type == SMSDTLS_EV_ERROR)
		u->errors++;
}

static void
udp_side_open(struct udp_side *u, const struct smsdtls_config *cfg,
    size_t pmtu)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct smsdtls_transport t;

	memset(u, 0, sizeof(*u));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(u->fd, 0);
	ck_assert_int_eq(bind(u->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	ck_assert_rc(smsdtls_udp_new(u->fd, pmtu, &u->udp), SMSDTLS_OK);
	smsdtls_udp_transport(u->udp, &t);
	ck_assert_rc(smsdtls_endpoint_new(cfg, &t, udp_event_cb, u, &u->ep),
	    SMSDTLS_OK);
}

static void
udp_side_close(struct udp_side *u)
{
	smsdtls_endpoint_free(u->ep);
	smsdtls_udp_free(u->udp);
	close(u->fd);
}

/* Deliver whatever waits on u's socket to its endpoint. */
static void
udp_pump(struct udp_side *u)
{
	uint8_t buf[2048];
	struct smsdtls_peer from;
	size_t len;

	while (smsdtls_udp_recv(u->udp, buf, sizeof(buf), &len, &from) ==
	    SMSDTLS_OK)
		smsdtls_endpoint_input(u->ep, &from, buf, len, 0);
}

/* The same session code over UDP on loopback, at the SMS PMTU. */
START_TEST(test_udp_handshake)
{
	struct smsdtls_psk_store *store;
	struct smsdtls_config c, sv;
	struct udp_side cl, srv;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct smsdtls_peer peer;
	struct smsdtls_session *cs;
	static const char psk_file[] =
	    "device-0001 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n";
	int i;

	ck_assert_rc(smsdtls_psk_store_parse(psk_file, strlen(psk_file),
	    &store, NULL, 0), SMSDTLS_OK);
	pair_configs(&c, &sv, store);
	udp_side_open(&cl, &c, 133);
	udp_side_open(&srv, &sv, 133);
	ck_assert_int_eq(getsockname(srv.fd, (struct sockaddr *)&sin, &slen),
	    0);
	ck_assert_rc(smsdtls_peer_udp(&peer, &sin, slen), SMSDTLS_OK);
	ck_assert_rc(smsdtls_connect(cl.ep, &peer, 0, &cs), SMSDTLS_OK);
	for (i = 0; i < 100 && !(cl.connected && srv.connected); i++) {
		udp_pump(&srv);
		udp_pump(&cl);
	}
	ck_assert_uint_eq(cl.connected, 1);
	ck_assert_uint_eq(srv.connected, 1);
	ck_assert_uint_eq(smsdtls_session_max_payload(cs), 104);
	ck_assert_rc(smsdtls_session_send(cs, (const uint8_t *)"hello", 5, 0),
	    SMSDTLS_OK);
	for (i = 0; i < 100 && cl.data == 0; i++) {
		udp_pump(&srv);
		udp_pump(&cl);
	}
	ck_assert_uint_eq(srv.data, 1);
	ck_assert_uint_eq(cl.data, 1);
	udp_side_close(&cl);
	udp_side_close(&srv);
	smsdtls_psk_store_free(store);
}
END_TEST

/* Offsets in a DTLS ClientHello datagram with one record. */
#define CH_HS		13		/* handshake header */
#define CH_BODY		(13 + 12)	/* client_version */

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16);
	put16(p + 1, v);
}

/*
 * A client offering only DTLS 1.0 is refused with a protocol_version
 * alert once it has passed the cookie exchange, and no session is made
 * (RFC 7925 section 5: DTLS 1.2 only).
 */
START_TEST(test_version_downgrade_refused)
{
	struct pair p;
	struct smsdtls_peer old;
	struct smsdtls_endpoint_stats st;
	const struct simnet_sms *hvr, *alert;
	uint8_t ch[256];
	size_t len, sid, off, cookie_len, s0;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);		/* to capture a real ClientHello */
	len = p.client->sent[0].dgram_len;
	memcpy(ch, p.client->sent[0].data, len);
	ch[CH_BODY] = 0xfe;
	ch[CH_BODY + 1] = 0xff;		/* DTLS 1.0 */
	ck_assert_rc(smsdtls_peer_sms(&old, "+447700900777", NULL,
	    CLIENT_PORT, SERVER_PORT), SMSDTLS_OK);
	s0 = p.server->nsent;
	p.net->now = 1;
	smsdtls_endpoint_input(p.server->ep, &old, ch, len, p.net->now);
	ck_assert_uint_eq(p.server->nsent, s0 + 1);
	hvr = &p.server->sent[s0];
	ck_assert_uint_eq(hvr->first_hs, 3);
	/* Echo the cookie as a client would: insert it, fix the lengths,
	 * next message and record sequence numbers. */
	cookie_len = hvr->data[CH_BODY + 2];
	sid = ch[CH_BODY + 2 + 32];
	off = CH_BODY + 2 + 32 + 1 + sid;
	ck_assert_uint_eq(ch[off], 0);
	memmove(ch + off + 1 + cookie_len, ch + off + 1, len - off - 1);
	ch[off] = (uint8_t)cookie_len;
	memcpy(ch + off + 1, hvr->data + CH_BODY + 3, cookie_len);
	len += cookie_len;
	put16(ch + 11, len - 13);		/* record length */
	put24(ch + CH_HS + 1, len - CH_BODY);	/* handshake length */
	put16(ch + CH_HS + 4, 1);		/* message_seq */
	put24(ch + CH_HS + 9, len - CH_BODY);	/* fragment length */
	ch[10] = 1;				/* record sequence */
	smsdtls_endpoint_input(p.server->ep, &old, ch, len, p.net->now);
	ck_assert_uint_eq(p.server->nsent, s0 + 2);
	alert = &p.server->sent[s0 + 1];
	ck_assert_uint_eq(alert->first_type, 21);
	ck_assert_uint_eq(alert->data[13], 2);		/* fatal */
	ck_assert_uint_eq(alert->data[14], 70);		/* protocol_version */
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 0);
	ck_assert_uint_eq(st.handshakes_ok, 0);
	pair_close(&p);
}
END_TEST

/*
 * The server forgot the session (here: its PSK store was swapped, which
 * flushes the session cache): it asks the resuming client for a cookie,
 * and the ClientHello with both would not fit one SMS (DTLS_SIZE_ERROR).
 * The client forgets the session and does a full handshake within the
 * same connect, with no ERROR event: CH(resume), HVR, CH, HVR, CH+cookie,
 * SH+SHD, CKE+CCS+Fin, CCS+Fin = 8 SMS.
 */
START_TEST(test_resumption_server_forgot)
{
	static const char psk_file[] =
	    "device-0001 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n";
	struct smsdtls_psk_store *same;
	struct smsdtls_endpoint_stats st0, st;
	struct smsdtls_peer peer;
	struct pair p;
	size_t c0, s0;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	smsdtls_session_close(p.cs, p.net->now);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, server_closed,
	    &p));
	ck_assert_uint_eq(sesscache_count(p.server->ep->scache), 1);
	ck_assert_rc(smsdtls_psk_store_parse(psk_file, strlen(psk_file),
	    &same, NULL, 0), SMSDTLS_OK);
	smsdtls_endpoint_set_psk_store(p.server->ep, same);
	ck_assert_uint_eq(sesscache_count(p.server->ep->scache), 0);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_ptr_nonnull(p.client->ep->resume);
	smsdtls_endpoint_get_stats(p.server->ep, &st0);
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	p.client->connected = p.server->connected = 0;
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now, &p.cs),
	    SMSDTLS_OK);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ck_assert_uint_eq(p.client->errors + p.server->errors, 0);
	ck_assert(!last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert_uint_eq(p.client->nsent - c0, 4);
	ck_assert_uint_eq(p.server->nsent - s0, 4);
	ck_assert_uint_eq(p.server->sent[s0].first_hs, 3);	/* HVR */
	ck_assert_uint_eq(p.server->sent[s0 + 1].first_hs, 3);	/* HVR */
	ck_assert_uint_eq(p.server->sent[s0 + 2].first_hs, 2);	/* SH */
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.cookies_sent - st0.cookies_sent, 2);
	ck_assert_uint_eq(st.handshakes_ok - st0.handshakes_ok, 1);
	/* The new session is the one to resume next time. */
	ck_assert_ptr_nonnull(p.client->ep->resume);
	assert_data_flows(&p);
	pair_close(&p);
	smsdtls_psk_store_free(same);
}
END_TEST

/* An established session that stays idle past idle_timeout_ms is closed
 * with close_notify; traffic in either direction keeps it open. */
START_TEST(test_idle_timeout)
{
	struct pair p;
	struct smsdtls_config c, sv;
	struct smsdtls_peer peer;
	int64_t t0;

	pair_open(&p, NULL, NULL);
	pair_configs(&c, &sv, p.store);
	c.idle_timeout_ms = 30 * 60 * 1000;
	p.client = simnet_add(p.net, "+447700900457", &c, NULL);
	ck_assert_ptr_nonnull(p.client);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, 0, &p.cs),
	    SMSDTLS_OK);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	t0 = p.net->now;
	/* Activity at 20 minutes pushes the deadline. */
	simnet_run(p.net, t0 + 20 * 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->closed, 0);
	ck_assert_rc(smsdtls_session_send(p.cs, (const uint8_t *)"x", 1,
	    p.net->now), SMSDTLS_OK);
	simnet_run(p.net, t0 + 45 * 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->closed, 0);
	simnet_run(p.net, t0 + 51 * 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->closed, 1);
	ck_assert_int_eq(last_event(p.client, SMSDTLS_EV_CLOSED)->at,
	    t0 + 50 * 60 * 1000);
	/* The close_notify reached the server, which closed too. */
	ck_assert(simnet_run(p.net, p.net->now + 60 * 1000, server_closed,
	    &p));
	pair_close(&p);
}
END_TEST

/* The server's phone is off for five minutes in the middle of the
 * handshake: SMS queued for it outlive their validity period, the
 * client keeps retransmitting at 60 s, and the handshake completes once
 * the server is back, well within the 10-minute deadline. */
START_TEST(test_handshake_across_outage)
{
	struct pair p;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	/* CH at 0 s, HVR at 1 s, CH with cookie at 2 s: go offline just
	 * before it arrives. */
	simnet_run(p.net, 2500, NULL, NULL);
	smsc_station_set_online(p.net->sc, p.server->st, false, p.net->now);
	simnet_run(p.net, 2500 + 5 * 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->connected, 0);
	smsc_station_set_online(p.net->sc, p.server->st, true, p.net->now);
	ck_assert(simnet_run(p.net, 10 * 60 * 1000, both_connected, &p));
	ck_assert_uint_eq(p.client->errors, 0);
	pair_close(&p);
}
END_TEST

static bool
client_settled(struct simnet *net, void *arg)
{
	struct simnet_node *n = arg;

	(void)net;
	return n->connected > 0 || n->errors > 0;
}

/* A session made with one server endpoint does not resume on another,
 * even in the same process (each endpoint has its own cache). */
START_TEST(test_resumption_stays_with_endpoint)
{
	struct pair p;
	struct smsdtls_config c, sv;
	struct simnet_node *other;
	struct smsdtls_peer peer;

	pair_open(&p, NULL, NULL);
	pair_configs(&c, &sv, p.store);
	other = simnet_add(p.net, "+447700900124", &sv, NULL);
	ck_assert_ptr_nonnull(other);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	smsdtls_session_close(p.cs, p.net->now);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, server_closed,
	    &p));
	ck_assert_uint_eq(sesscache_count(p.server->ep->scache), 1);
	ck_assert_uint_eq(sesscache_count(other->ep->scache), 0);
	/* Offer the first server's session to the second one. */
	peer = simnet_peer(other, SERVER_PORT, CLIENT_PORT);
	p.client->ep->resume_peer = peer;
	p.client->connected = 0;
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now, &p.cs),
	    SMSDTLS_OK);
	simnet_run(p.net, p.net->now + 3600 * 1000, client_settled,
	    p.client);
	/* The second server does not know the session: it asks for a
	 * cookie, which no longer fits beside the session ID, so the
	 * client forgets the session and does a full handshake.  (With a
	 * process-wide cache it would have resumed.) */
	ck_assert_uint_eq(other->connected, 1);
	ck_assert_uint_eq(p.client->connected, 1);
	ck_assert_uint_eq(p.client->errors, 0);
	ck_assert(!last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert(!last_event(other, SMSDTLS_EV_CONNECTED)->resumed);
	pair_close(&p);
}
END_TEST

/* An identity removed from the server's PSK store cannot come back by
 * resuming a session made before the removal. */
START_TEST(test_revoked_identity_cannot_resume)
{
	static const char other_file[] =
	    "device-0002 00112233445566778899aabbccddeeff\n";
	struct smsdtls_psk_store *other;
	struct pair p;
	struct smsdtls_peer peer;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	smsdtls_session_close(p.cs, p.net->now);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, server_closed,
	    &p));
	ck_assert_rc(smsdtls_psk_store_parse(other_file, strlen(other_file),
	    &other, NULL, 0), SMSDTLS_OK);
	smsdtls_endpoint_set_psk_store(p.server->ep, other);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	p.client->connected = p.server->connected = 0;
	/* The resumption attempt fails, then a full handshake is refused. */
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now, &p.cs),
	    SMSDTLS_OK);
	simnet_run(p.net, p.net->now + 3600 * 1000, client_settled,
	    p.client);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now, &p.cs),
	    SMSDTLS_OK);
	simnet_run(p.net, p.net->now + 3600 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->connected, 0);
	ck_assert_uint_eq(p.server->connected, 0);
	ck_assert_uint_eq(p.client->errors, 2);
	pair_close(&p);
	smsdtls_psk_store_free(other);
}
END_TEST

/* The endpoint's session cache: bounded, oldest out first, replace by
 * ID, flush. */
START_TEST(test_sesscache_bounds)
{
	struct sesscache *c;
	uint8_t id[SESSCACHE_ID_LEN];
	int i;

	ck_assert_rc(sesscache_new(0, &c), SMSDTLS_EINVAL);
	ck_assert_rc(sesscache_new(8, &c), SMSDTLS_OK);
	memset(id, 0, sizeof(id));
	for (i = 0; i < 13; i++) {
		id[0] = (uint8_t)i;
		sesscache_put(c, id, wolfSSL_SESSION_new());
	}
	ck_assert_uint_eq(sesscache_count(c), 8);
	for (i = 0; i < 13; i++) {
		id[0] = (uint8_t)i;
		ck_assert((sesscache_get(c, id, sizeof(id)) != NULL) ==
		    (i >= 5));
	}
	/* Replacing an ID keeps one entry for it. */
	id[0] = 7;
	sesscache_put(c, id, wolfSSL_SESSION_new());
	ck_assert_uint_eq(sesscache_count(c), 8);
	ck_assert_ptr_null(sesscache_get(c, id, sizeof(id) - 1));
	/* After the replacement 7 is the newest: 5 is evicted next. */
	id[0] = 20;
	sesscache_put(c, id, wolfSSL_SESSION_new());
	id[0] = 5;
	ck_assert_ptr_null(sesscache_get(c, id, sizeof(id)));
	id[0] = 7;
	ck_assert_ptr_nonnull(sesscache_get(c, id, sizeof(id)));
	sesscache_flush(c);
	ck_assert_uint_eq(sesscache_count(c), 0);
	ck_assert_ptr_null(sesscache_get(c, id, sizeof(id)));
	id[0] = 1;
	sesscache_put(c, id, wolfSSL_SESSION_new());
	ck_assert_uint_eq(sesscache_count(c), 1);
	sesscache_free(c);
}
END_TEST

/* RFC 5077 tickets over UDP (PMTU 1200): the server keeps no session
 * state, yet the client resumes with its ticket. */
START_TEST(test_udp_session_ticket)
{
	struct smsdtls_psk_store *store;
	struct smsdtls_config c, sv;
	struct udp_side cl, srv;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct smsdtls_peer peer;
	struct smsdtls_session *cs;
	static const char psk_file[] =
	    "device-0001 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n";
	int i;

	ck_assert_rc(smsdtls_psk_store_parse(psk_file, strlen(psk_file),
	    &store, NULL, 0), SMSDTLS_OK);
	pair_configs(&c, &sv, store);
	c.session_tickets = sv.session_tickets = true;
	udp_side_open(&cl, &c, 1200);
	udp_side_open(&srv, &sv, 1200);
	ck_assert_int_eq(getsockname(srv.fd, (struct sockaddr *)&sin, &slen),
	    0);
	ck_assert_rc(smsdtls_peer_udp(&peer, &sin, slen), SMSDTLS_OK);
	ck_assert_rc(smsdtls_connect(cl.ep, &peer, 0, &cs), SMSDTLS_OK);
	for (i = 0; i < 100 && !(cl.connected && srv.connected); i++) {
		udp_pump(&srv);
		udp_pump(&cl);
	}
	ck_assert_uint_eq(cl.connected, 1);
	smsdtls_session_close(cs, 0);
	for (i = 0; i < 10 && srv.closed == 0; i++)
		udp_pump(&srv);
	ck_assert_uint_eq(srv.closed, 1);
	/* No server-side state: only the ticket can resume. */
	sesscache_flush(srv.ep->scache);
	ck_assert_rc(smsdtls_connect(cl.ep, &peer, 0, &cs), SMSDTLS_OK);
	for (i = 0; i < 100 && !(cl.connected == 2 && srv.connected == 2);
	    i++) {
		udp_pump(&srv);
		udp_pump(&cl);
	}
	ck_assert_uint_eq(cl.connected, 2);
	ck_assert_uint_eq(srv.connected, 2);
	ck_assert_uint_eq(cl.resumed, 1);
	ck_assert_uint_eq(srv.resumed, 1);
	udp_side_close(&cl);
	udp_side_close(&srv);
	smsdtls_psk_store_free(store);
}
END_TEST

/* Over SMS a server with tickets on issues none (wolfSSL does not
 * fragment a NewSessionTicket), and the client, which asked for one,
 * resumes by session ID as usual. */
START_TEST(test_sms_no_ticket_resumes_by_id)
{
	struct pair p;
	struct smsdtls_config c, sv;
	struct smsdtls_peer peer;

	pair_open(&p, NULL, NULL);
	pair_configs(&c, &sv, p.store);
	c.session_tickets = sv.session_tickets = true;
	p.client = simnet_add(p.net, "+447700900457", &c, NULL);
	p.server = simnet_add(p.net, "+447700900125", &sv, NULL);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, 0, &p.cs),
	    SMSDTLS_OK);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	ck_assert_uint_le(p.client->sent[1].dgram_len, PMTU_PORTS);
	smsdtls_session_close(p.cs, p.net->now);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, server_closed,
	    &p));
	p.client->connected = p.server->connected = 0;
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, p.net->now, &p.cs),
	    SMSDTLS_OK);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ck_assert(last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	pair_close(&p);
}
END_TEST

/*
 * A copy of the client's ClientHello that the SMSC delivers after the
 * handshake (a retransmission held back) is dropped: the established
 * session stays and carries data.  A ClientHello with another random,
 * from a client that started over, still reaches wolfSSL, which ends the
 * old session so that the client's next attempt makes a new one.
 */
START_TEST(test_late_client_hello)
{
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer from;
	struct simnet_sms hello[2];
	struct pair p;
	int i;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	hello[0] = p.client->sent[0];	/* without the cookie */
	hello[1] = p.client->sent[1];	/* with it */
	ck_assert_uint_eq(hello[0].first_hs, 1);
	ck_assert_uint_eq(hello[1].first_hs, 1);
	from = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	/* A resent record has a sequence number of its own (else wolfSSL's
	 * replay window would drop it anyway). */
	for (i = 0; i < 2; i++)
		hello[i].data[10] = (uint8_t)(hello[i].data[10] + 100);
	for (i = 0; i < 2; i++)
		ck_assert_rc(smsdtls_endpoint_input(p.server->ep, &from,
		    hello[i].data, hello[i].dgram_len, p.net->now),
		    SMSDTLS_OK);
	ck_assert_uint_eq(p.server->errors, 0);
	ck_assert(smsdtls_session_established(smsdtls_endpoint_find(
	    p.server->ep, &from)));
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.handshakes_failed, 0);
	ck_assert_rc(smsdtls_session_send(p.cs, (const uint8_t *)"ping", 4,
	    p.net->now), SMSDTLS_OK);
	ck_assert(simnet_run(p.net, p.net->now + 60 * 1000, server_has_data,
	    &p));
	pair_close(&p);

	/* Another random (its first byte follows the record header, the
	 * handshake header and client_version), right after the
	 * handshake: a client that starts over.  It gets a
	 * HelloVerifyRequest and the session stays (test_reconnect_*). */
	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	hello[0] = p.client->sent[0];
	hello[0].data[10] = (uint8_t)(hello[0].data[10] + 100);
	hello[0].data[FLIGHT_RECORD_HEADER + 12 + 2] ^= 0xff;
	smsdtls_endpoint_input(p.server->ep, &from, hello[0].data,
	    hello[0].dgram_len, p.net->now);
	ck_assert_uint_eq(p.server->errors, 0);
	ck_assert(smsdtls_session_established(smsdtls_endpoint_find(
	    p.server->ep, &from)));
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.cookies_sent, 2);
	pair_close(&p);
}
END_TEST

/* ----------------------------------------------------------- reconnect */

/* The client loses its state (a reboot): its session and the session it
 * could resume are gone, without a close_notify. */
static void
client_lose_state(struct pair *p)
{
	session_free(p->cs);
	p->cs = NULL;
	wolfSSL_SESSION_free(p->client->ep->resume);
	p->client->ep->resume = NULL;
}

/*
 * A client that lost its state connects again from the same peer while
 * the server still holds their established session (RFC 6347 section
 * 4.2.8): one full handshake of 6 SMS, the old session ends with an
 * ERROR event with SMSDTLS_ECLOSED once the cookie came back, and data
 * flows on the new one.
 */
START_TEST(test_reconnect_after_state_loss)
{
	struct smsdtls_endpoint_stats st;
	struct smsdtls_session *old;
	struct smsdtls_peer from;
	const struct simnet_event *ev;
	struct pair p;
	size_t c0, s0;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	from = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	old = smsdtls_endpoint_find(p.server->ep, &from);
	ck_assert_ptr_nonnull(old);
	/* Long after: wolfSSL no longer keeps the handshake's records. */
	simnet_run(p.net, p.net->now + 3600 * 1000, NULL, NULL);
	client_lose_state(&p);
	c0 = p.client->nsent;
	s0 = p.server->nsent;
	p.client->connected = p.server->connected = 0;
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ck_assert_uint_eq(p.client->nsent - c0, 3);
	ck_assert_uint_eq(p.server->nsent - s0, 3);
	ck_assert_uint_eq(p.server->sent[s0].first_hs, 3);	/* HVR */
	ck_assert_uint_eq(p.client->errors, 0);
	ck_assert_uint_eq(p.server->errors, 1);
	ev = last_event(p.server, SMSDTLS_EV_ERROR);
	ck_assert_rc(ev->rc, SMSDTLS_ECLOSED);
	/* It ended when the ClientHello with the cookie came, before the
	 * new session connected. */
	ck_assert_int_lt(ev->at, last_event(p.server,
	    SMSDTLS_EV_CONNECTED)->at);
	ck_assert_ptr_ne(smsdtls_endpoint_find(p.server->ep, &from), old);
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 1);
	ck_assert_uint_eq(st.half_open, 0);
	ck_assert_uint_eq(st.handshakes_ok, 2);
	ck_assert_uint_eq(st.handshakes_failed, 0);
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

/*
 * Forged ClientHellos from the peer of an established session: one
 * without a cookie, one with a cookie that does not match it.  Each gets
 * a HelloVerifyRequest and nothing else; the session is untouched and
 * goes on carrying data.
 */
START_TEST(test_reconnect_spoofed_hello)
{
	struct smsdtls_endpoint_stats st;
	struct smsdtls_session *ss;
	struct smsdtls_peer from;
	struct simnet_sms hello[2];
	struct pair p;
	size_t s0;
	int i;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	from = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	ss = smsdtls_endpoint_find(p.server->ep, &from);
	hello[0] = p.client->sent[0];	/* without a cookie */
	hello[1] = p.client->sent[1];	/* with one, for the old random */
	for (i = 0; i < 2; i++) {
		hello[i].data[10] = (uint8_t)(hello[i].data[10] + 100);
		hello[i].data[FLIGHT_RECORD_HEADER + 12 + 2] ^= 0x5a;
	}
	simnet_run(p.net, p.net->now + 3600 * 1000, NULL, NULL);
	s0 = p.server->nsent;
	for (i = 0; i < 2; i++)
		ck_assert_rc(smsdtls_endpoint_input(p.server->ep, &from,
		    hello[i].data, hello[i].dgram_len, p.net->now),
		    SMSDTLS_OK);
	ck_assert_uint_eq(p.server->nsent - s0, 2);
	ck_assert_uint_eq(p.server->sent[s0].first_hs, 3);
	ck_assert_uint_eq(p.server->sent[s0 + 1].first_hs, 3);
	ck_assert_uint_eq(p.server->errors, 0);
	ck_assert_ptr_eq(smsdtls_endpoint_find(p.server->ep, &from), ss);
	ck_assert(smsdtls_session_established(ss));
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 1);
	ck_assert_uint_eq(st.half_open, 0);
	ck_assert_uint_eq(st.cookies_sent, 3);
	/* The HelloVerifyRequests reached the client, which ignored them. */
	simnet_run(p.net, p.net->now + 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->errors, 0);
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

/*
 * A client that kept the session to resume but lost the association
 * (no close_notify reached the server) resumes while the server still
 * holds it.  A resuming ClientHello gets no cookie exchange, so the old
 * session ends only when the resumed handshake completes.
 */
START_TEST(test_reconnect_resumed)
{
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer from;
	struct pair p;
	size_t c0;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	from = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	session_free(p.cs);
	c0 = p.client->nsent;
	p.client->connected = p.server->connected = 0;
	pair_connect(&p, true);
	/* The resuming ClientHello reached the server: the old session is
	 * still there beside the new handshake. */
	simnet_run(p.net, p.net->now + 1500, NULL, NULL);
	ck_assert_uint_eq(p.client->nsent - c0, 1);
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 2);
	ck_assert_uint_eq(p.server->errors, 0);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ck_assert(last_event(p.client, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	ck_assert_uint_eq(p.server->errors, 1);
	ck_assert_rc(last_event(p.server, SMSDTLS_EV_ERROR)->rc,
	    SMSDTLS_ECLOSED);
	smsdtls_endpoint_get_stats(p.server->ep, &st);
	ck_assert_uint_eq(st.sessions, 1);
	ck_assert(smsdtls_session_established(smsdtls_endpoint_find(
	    p.server->ep, &from)));
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

/*
 * A forged resuming ClientHello (a copy with another random) while the
 * session is established: its handshake cannot complete, and until it
 * fails the established session keeps receiving data; afterwards it
 * is still there.
 */
START_TEST(test_reconnect_forged_resumption)
{
	struct smsdtls_peer from;
	struct smsdtls_session *ss;
	struct simnet_sms ch;
	struct pair p;
	size_t c0;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	smsdtls_session_close(p.cs, p.net->now);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, server_closed,
	    &p));
	c0 = p.client->nsent;
	p.client->connected = p.server->connected = 0;
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000, both_connected,
	    &p));
	ck_assert(last_event(p.server, SMSDTLS_EV_CONNECTED)->resumed);
	ch = p.client->sent[c0];	/* the resuming ClientHello */
	ck_assert_uint_eq(ch.first_hs, 1);
	ch.data[10] = (uint8_t)(ch.data[10] + 100);
	ch.data[FLIGHT_RECORD_HEADER + 12 + 2] ^= 0x5a;
	from = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	ss = smsdtls_endpoint_find(p.server->ep, &from);
	ck_assert_rc(smsdtls_endpoint_input(p.server->ep, &from, ch.data,
	    ch.dgram_len, p.net->now), SMSDTLS_OK);
	ck_assert(smsdtls_session_established(ss));
	ck_assert_uint_eq(p.server->errors, 0);
	simnet_run(p.net, p.net->now + 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->errors, 0);
	assert_data_flows(&p);
	/* The forged handshake times out; the session stays. */
	simnet_run(p.net, p.net->now + 15 * 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.server->errors, 1);
	ck_assert_rc(last_event(p.server, SMSDTLS_EV_ERROR)->rc,
	    SMSDTLS_ETIMEDOUT);
	ck_assert_ptr_eq(smsdtls_endpoint_find(p.server->ep, &from), ss);
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

/* Input that comes to nothing (junk that looks like application data, a
 * replayed record) does not keep an established session from its idle
 * timeout. */
START_TEST(test_idle_timeout_ignores_junk)
{
	struct pair p;
	struct smsdtls_config c, sv;
	struct smsdtls_peer peer;
	struct simnet_sms replay;
	uint8_t junk[60];
	int64_t t0;
	int i;

	pair_open(&p, NULL, NULL);
	pair_configs(&c, &sv, p.store);
	c.idle_timeout_ms = 30 * 60 * 1000;
	p.client = simnet_add(p.net, "+447700900457", &c, NULL);
	ck_assert_ptr_nonnull(p.client);
	peer = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	ck_assert_rc(smsdtls_connect(p.client->ep, &peer, 0, &p.cs),
	    SMSDTLS_OK);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected, &p));
	t0 = p.net->now;
	ck_assert_uint_ge(p.server->nsent, 1);
	replay = p.server->sent[p.server->nsent - 1];	/* CCS+Fin */
	memset(junk, 0xa5, sizeof(junk));
	junk[0] = 23;
	junk[1] = 0xfe;
	junk[2] = 0xfd;
	junk[3] = 0;
	junk[4] = 1;			/* epoch 1 */
	junk[11] = 0;
	junk[12] = sizeof(junk) - 13;
	for (i = 1; i <= 5; i++) {
		simnet_run(p.net, t0 + i * 5 * 60 * 1000, NULL, NULL);
		junk[10] = (uint8_t)(100 + i);	/* a fresh sequence number */
		smsdtls_endpoint_input(p.client->ep, &peer, junk,
		    sizeof(junk), p.net->now);
		smsdtls_endpoint_input(p.client->ep, &peer, replay.data,
		    replay.dgram_len, p.net->now);
	}
	ck_assert_uint_eq(p.client->closed + p.client->errors, 0);
	simnet_run(p.net, t0 + 31 * 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p.client->closed, 1);
	ck_assert_int_eq(last_event(p.client, SMSDTLS_EV_CLOSED)->at,
	    t0 + 30 * 60 * 1000);
	pair_close(&p);
}
END_TEST

/* ------------------------------------------------------- renegotiation */

/*
 * wolfSSL's record layer (WOLFSSL_LOCAL in its internal.h; the tests link
 * the static library, so it is there): one record of the given content
 * type, protected under the current write epoch of ssl, as a peer that
 * renegotiates would send it.  Returns the record's length.  Weak, so
 * that the tests still link against a shared wolfSSL, which hides it.
 */
int	BuildMessage(WOLFSSL *ssl, unsigned char *output, int outSz,
	    const unsigned char *input, int inSz, int type, int hashOutput,
	    int sizeOnly, int asyncOkay, int epochOrder)
	    __attribute__((weak));

#define CT_ALERT		21
#define CT_HANDSHAKE		22
#define ALERT_WARNING		1
#define ALERT_NO_RENEGOTIATION	100
/* An encrypted two-byte alert: header, explicit nonce, alert, CCM-8 tag. */
#define ALERT_RECORD_LEN	(13 + 8 + 2 + 8)

/* The refusals need patches/wolfssl/0004, which comes with 0003. */
static void
require_patched_wolfssl(void)
{
#ifndef WOLFSSL_DTLS_IMPORT_CCM_NONCE
	ck_abort_msg("this wolfSSL lacks patches/wolfssl/0003-0005: rebuild "
	    "it (./bootstrap deps)");
#endif
}

/* The handshake message hs (with its 12-byte DTLS header) in a record
 * protected by ssl's keys, with message_seq set to mseq. */
static size_t
protected_handshake(WOLFSSL *ssl, const uint8_t *hs, size_t len,
    unsigned mseq, uint8_t *rec, size_t max)
{
	uint8_t msg[256];
	int n;

	ck_assert_msg(BuildMessage != NULL,
	    "needs wolfSSL's static library (BuildMessage)");
	ck_assert_uint_le(len, sizeof(msg));
	memcpy(msg, hs, len);
	put16(msg + 4, mseq);
	n = BuildMessage(ssl, rec, (int)max, msg, (int)len, CT_HANDSHAKE, 0,
	    0, 0, 0);
	ck_assert_int_gt(n, 13);
	ck_assert_uint_eq(rec[4], 1);		/* epoch 1: protected */
	return (size_t)n;
}

/* The last alert ssl received is a no_renegotiation warning. */
static void
assert_no_renegotiation_seen(WOLFSSL *ssl)
{
	WOLFSSL_ALERT_HISTORY h;

	ck_assert_int_eq(wolfSSL_get_alert_history(ssl, &h), WOLFSSL_SUCCESS);
	ck_assert_int_eq(h.last_rx.level, ALERT_WARNING);
	ck_assert_int_eq(h.last_rx.code, ALERT_NO_RENEGOTIATION);
}

/* Data still goes both ways: the client's ping comes back echoed. */
static void
assert_data_flows(struct pair *p)
{
	unsigned cdata = p->client->data, sdata = p->server->data;

	p->server->echo = true;
	ck_assert_rc(smsdtls_session_send(p->cs, (const uint8_t *)"ping", 4,
	    p->net->now), SMSDTLS_OK);
	simnet_run(p->net, p->net->now + 60 * 1000, NULL, NULL);
	ck_assert_uint_eq(p->server->data, sdata + 1);
	ck_assert_uint_eq(p->client->data, cdata + 1);
}

/*
 * The client renegotiates: a new ClientHello (message_seq 0, RFC 6347
 * section 4.2.2) protected under the session's keys.  The server answers
 * each with a no_renegotiation warning (RFC 5246 section 7.4.1.2) and
 * keeps the session, which goes on carrying data.
 */
START_TEST(test_renegotiation_refused)
{
	struct pair p;
	struct smsdtls_peer from;
	struct smsdtls_session *ss;
	const struct simnet_sms *ch, *alert;
	uint8_t rec[256];
	size_t len, s0;
	int i;

	require_patched_wolfssl();
	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected,
	    &p));
	from = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	ss = smsdtls_endpoint_find(p.server->ep, &from);
	ch = &p.client->sent[0];
	ck_assert_uint_eq(ch->first_hs, 1);
	for (i = 0; i < 2; i++) {
		s0 = p.server->nsent;
		len = protected_handshake(p.cs->ssl, ch->data + 13,
		    ch->dgram_len - 13, 0, rec, sizeof(rec));
		ck_assert_rc(smsdtls_endpoint_input(p.server->ep, &from,
		    rec, len, p.net->now), SMSDTLS_OK);
		ck_assert_ptr_eq(smsdtls_endpoint_find(p.server->ep,
		    &from), ss);
		ck_assert(smsdtls_session_established(ss));
		/* One SMS: one protected alert record. */
		ck_assert_uint_eq(p.server->nsent, s0 + 1);
		alert = &p.server->sent[s0];
		ck_assert_uint_eq(alert->first_type, CT_ALERT);
		ck_assert_uint_eq(alert->nrec, 1);
		ck_assert_uint_eq(alert->dgram_len, ALERT_RECORD_LEN);
		ck_assert_uint_eq(alert->data[4], 1);
		/* The client reads it: a warning, no_renegotiation. */
		simnet_run(p.net, p.net->now + 10 * 1000, NULL,
		    NULL);
		assert_no_renegotiation_seen(p.cs->ssl);
	}
	ck_assert_uint_eq(p.server->errors + p.client->errors, 0);
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

/*
 * The server asks for renegotiation with a HelloRequest (message_seq 0,
 * then 1): the client answers each with a no_renegotiation warning
 * (RFC 5246 section 7.4.1.1) and never starts a handshake.
 */
START_TEST(test_hello_request_refused)
{
	struct pair p;
	static const uint8_t hello_request[12];	/* type 0, all lengths 0 */
	struct smsdtls_peer from, to;
	struct smsdtls_session *ss;
	const struct simnet_sms *alert;
	uint8_t rec[64];
	size_t len, c0;
	unsigned mseq;

	require_patched_wolfssl();
	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, both_connected,
	    &p));
	from = simnet_peer(p.server, SERVER_PORT, CLIENT_PORT);
	to = simnet_peer(p.client, CLIENT_PORT, SERVER_PORT);
	ss = smsdtls_endpoint_find(p.server->ep, &to);
	for (mseq = 0; mseq < 2; mseq++) {
		c0 = p.client->nsent;
		len = protected_handshake(ss->ssl, hello_request,
		    sizeof(hello_request), mseq, rec, sizeof(rec));
		ck_assert_rc(smsdtls_endpoint_input(p.client->ep, &from,
		    rec, len, p.net->now), SMSDTLS_OK);
		ck_assert(smsdtls_session_established(p.cs));
		ck_assert_uint_eq(p.client->nsent, c0 + 1);
		alert = &p.client->sent[c0];
		ck_assert_uint_eq(alert->first_type, CT_ALERT);
		ck_assert_uint_eq(alert->dgram_len, ALERT_RECORD_LEN);
		simnet_run(p.net, p.net->now + 10 * 1000, NULL,
		    NULL);
		assert_no_renegotiation_seen(ss->ssl);
	}
	ck_assert_uint_eq(p.server->errors + p.client->errors, 0);
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

static bool
client_sent_three(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->client->nsent >= 3;
}

static bool
server_connected(struct simnet *net, void *arg)
{
	struct pair *p = arg;

	(void)net;
	return p->server->connected > 0;
}

/* Set the loss of the link towards node's station. */
static void
node_loss(struct pair *p, struct simnet_node *node, double loss)
{
	struct smsc_station_conf conf;

	smsc_station_get_conf(node->st, &conf);
	conf.net.loss = loss;
	ck_assert_rc(smsc_station_set_conf(p->net->sc, node->st, &conf),
	    SMSDTLS_OK);
}

/*
 * The server's last flight (CCS, Finished) is lost: the client sends its
 * own last flight again, whose Finished is a protected handshake record
 * reaching an established server.  That is no renegotiation: the server
 * sends its last flight again, with no alert, and both end up connected
 * with one session each.
 */
START_TEST(test_final_flight_resent_not_renegotiation)
{
	struct pair p;
	const struct simnet_sms *again;
	struct flight_record rec, last = { 0 };
	size_t i, off;

	pair_open(&p, NULL, NULL);
	pair_connect(&p, true);
	ck_assert(simnet_run(p.net, 3600 * 1000, client_sent_three,
	    &p));
	node_loss(&p, p.client, 1.0);
	ck_assert(simnet_run(p.net, 3600 * 1000, server_connected,
	    &p));
	simnet_run(p.net, p.net->now + 3000, NULL, NULL);
	node_loss(&p, p.client, 0.0);
	ck_assert_uint_eq(p.client->connected, 0);
	ck_assert(simnet_run(p.net, p.net->now + 3600 * 1000,
	    both_connected, &p));
	/* The client's flight went out again, its Finished at epoch 1. */
	ck_assert_uint_eq(p.client->nsent, 4);
	again = &p.client->sent[3];
	ck_assert_uint_eq(again->nrec, 3);
	for (off = 0; flight_parse_record(again->data + off,
	    again->dgram_len - off, &rec); off += rec.len)
		last = rec;
	ck_assert_uint_eq(off, again->dgram_len);
	ck_assert_uint_eq(last.type, CT_HANDSHAKE);
	ck_assert_uint_eq(last.epoch, 1);
	/* The server answered with its last flight, never an alert. */
	ck_assert_uint_eq(p.server->nsent, 4);
	for (i = 0; i < p.server->nsent; i++)
		ck_assert_uint_ne(p.server->sent[i].first_type, CT_ALERT);
	ck_assert_uint_eq(p.server->sent[3].first_type, 20);
	ck_assert_uint_eq(p.server->connected, 1);
	ck_assert_uint_eq(p.server->errors + p.client->errors, 0);
	assert_data_flows(&p);
	pair_close(&p);
}
END_TEST

static Suite *
session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("psk");

	tcase_add_test(tc, test_psk_handshake_six_sms);
	tcase_add_test(tc, test_psk_no_cookie_four_sms);
	tcase_add_test(tc, test_no_cookie_config);
	tcase_add_test(tc, test_psk_data_max_payload);
	tcase_add_test(tc, test_psk_no_ports);
	tcase_add_test(tc, test_psk_unknown_identity);
	tcase_add_test(tc, test_psk_wrong_key);
	tcase_add_test(tc, test_handshake_deadline_total_loss);
	tcase_add_test(tc, test_handshake_lossy_network);
	tcase_add_test(tc, test_status_reports_leave_timers_alone);
	tcase_add_test(tc, test_garbage_datagrams);
	tcase_add_test(tc, test_many_associations);
	tcase_add_test(tc, test_half_open_cap);
	tcase_add_test(tc, test_psk_resumption);
	tcase_add_test(tc, test_version_downgrade_refused);
	tcase_add_test(tc, test_resumption_server_forgot);
	tcase_add_test(tc, test_idle_timeout);
	tcase_add_test(tc, test_handshake_across_outage);
	tcase_add_test(tc, test_resumption_stays_with_endpoint);
	tcase_add_test(tc, test_revoked_identity_cannot_resume);
	tcase_add_test(tc, test_sms_no_ticket_resumes_by_id);
	tcase_add_test(tc, test_late_client_hello);
	tcase_add_test(tc, test_reconnect_after_state_loss);
	tcase_add_test(tc, test_reconnect_spoofed_hello);
	tcase_add_test(tc, test_reconnect_resumed);
	tcase_add_test(tc, test_reconnect_forged_resumption);
	tcase_add_test(tc, test_idle_timeout_ignores_junk);
	suite_add_tcase(s, tc);
	tc = tcase_create("sesscache");
	tcase_add_test(tc, test_sesscache_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("udp");
	tcase_add_test(tc, test_udp_handshake);
	tcase_add_test(tc, test_udp_session_ticket);
	suite_add_tcase(s, tc);
	tc = tcase_create("renegotiation");
	tcase_add_test(tc, test_renegotiation_refused);
	tcase_add_test(tc, test_hello_request_refused);
	tcase_add_test(tc, test_final_flight_resent_not_renegotiation);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(session_suite)
