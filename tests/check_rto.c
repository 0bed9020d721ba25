/*
 * check_rto.c - the learned retransmission timeout (cfg.rto_learn):
 * RFC 6298's estimator (transport/rto.c) on its own, and DTLS handshakes
 * over the simulated SMSC in virtual time with a fixed SMS latency, so
 * that every true round trip is known exactly (two SMS legs).
 *
 * What is checked: the estimate converges on a steady round trip, a
 * learned timeout never leaves [rto_min_ms, rto_max_ms], a flight that
 * was sent twice gives no sample (Karn's rule), what one session learned
 * serves the next one with the same peer, and with rto_learn off the
 * fixed 10 s / 60 s policy is what it was.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "tests/simnet.h"
#include "transport/rto.h"
#include "transport/session_int.h"

#define CLIENT_NUMBER	"+447700900456"
#define SERVER_NUMBER	"+447700900123"
#define SERVER_PORT	5684
#define CLIENT_PORT	16001

static const uint8_t psk_key[16] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0
};

/* ------------------------------------------------------------ estimator */

START_TEST(test_first_sample)
{
	struct rto_est e;
	struct rto_bounds b = { 1000, 10000, 60000 };

	memset(&e, 0, sizeof(e));
	ck_assert_uint_eq(rto_timeout(&e, &b), 10000);
	ck_assert_uint_eq(rto_srtt_ms(&e), 0);
	/* RFC 6298 (2.2): SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2. */
	rto_sample(&e, 4000);
	ck_assert_uint_eq(rto_srtt_ms(&e), 4000);
	ck_assert_uint_eq(rto_timeout(&e, &b), 12000);
	/* (2.3) with R' = 8000: RTTVAR = 3/4 2000 + 1/4 4000 = 2500,
	 * SRTT = 7/8 4000 + 1/8 8000 = 4500, RTO = 4500 + 10000. */
	rto_sample(&e, 8000);
	ck_assert_uint_eq(rto_srtt_ms(&e), 4500);
	ck_assert_uint_eq(rto_timeout(&e, &b), 14500);
	ck_assert_uint_eq(e.samples, 2);
}
END_TEST

/* A steady round trip is reached exactly, and the timeout comes down to
 * within a few milliseconds of it, from above. */
START_TEST(test_converges)
{
	static const uint32_t rtts[] = { 300, 14000, 61000, 2500000 };
	struct rto_bounds b = { 1, 10000, UINT32_MAX };
	struct rto_est e;
	size_t i, k;

	for (i = 0; i < sizeof(rtts) / sizeof(rtts[0]); i++) {
		memset(&e, 0, sizeof(e));
		rto_sample(&e, 1000);	/* a start far away */
		for (k = 0; k < 200; k++)
			rto_sample(&e, rtts[i]);
		ck_assert_uint_eq(rto_srtt_ms(&e), rtts[i]);
		ck_assert_uint_ge(rto_timeout(&e, &b), rtts[i] + 1);
		ck_assert_uint_le(rto_timeout(&e, &b), rtts[i] + 4);
	}
}
END_TEST

/* Whatever the samples, the timeout and its backoff stay in bounds. */
START_TEST(test_bounds_property)
{
	uint64_t seed = 0x5eed;
	size_t round, k;

	for (round = 0; round < 200; round++) {
		struct rto_bounds b;
		struct rto_est e;
		uint32_t rto;

		b.min_ms = 1 + (uint32_t)(test_rand(&seed) % 30000);
		b.max_ms = b.min_ms + (uint32_t)(test_rand(&seed) % 100000);
		b.initial_ms = b.min_ms + (uint32_t)(test_rand(&seed) %
		    (b.max_ms - b.min_ms + 1));
		memset(&e, 0, sizeof(e));
		for (k = 0; k < 100; k++) {
			uint64_t r = test_rand(&seed);

			/* Mostly SMS-like round trips, some extremes. */
			rto_sample(&e, k % 10 == 0 ? (uint32_t)r :
			    (uint32_t)(r % 120000));
			rto = rto_timeout(&e, &b);
			ck_assert_uint_ge(rto, b.min_ms);
			ck_assert_uint_le(rto, b.max_ms);
			rto = rto_backoff(rto, b.max_ms);
			ck_assert_uint_ge(rto, b.min_ms);
			ck_assert_uint_le(rto, b.max_ms);
		}
	}
	ck_assert_uint_eq(rto_backoff(UINT32_MAX, UINT32_MAX), UINT32_MAX);
	ck_assert_uint_eq(rto_backoff(20000, 60000), 40000);
	ck_assert_uint_eq(rto_backoff(40000, 60000), 60000);
}
END_TEST

/* The table: ports ignored, addresses apart, least recently used out. */
START_TEST(test_table)
{
	struct rto_table *t;
	struct smsdtls_peer a, a2, b, c;
	struct rto_est e, got;

	ck_assert_rc(rto_table_new(0, &t), SMSDTLS_EINVAL);
	ck_assert_rc(rto_table_new(2, &t), SMSDTLS_OK);
	ck_assert_rc(smsdtls_peer_sms(&a, "+447700900001", NULL, 5684, 16001),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_peer_sms(&a2, "+447700900001", NULL, 5684, 16777),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_peer_sms(&b, "+447700900002", NULL, 5684, 16001),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_peer_sms(&c, "+447700900003", NULL, 5684, 16001),
	    SMSDTLS_OK);
	memset(&e, 0, sizeof(e));
	ck_assert(!rto_table_get(t, &a, &got));
	ck_assert_uint_eq(got.samples, 0);
	rto_sample(&e, 14000);
	rto_table_put(t, &a, &e);
	ck_assert(rto_table_get(t, &a2, &got));		/* other port */
	ck_assert_uint_eq(rto_srtt_ms(&got), 14000);
	ck_assert(!rto_table_get(t, &b, &got));
	rto_sample(&e, 14000);
	rto_table_put(t, &b, &e);
	ck_assert_uint_eq(rto_table_count(t), 2);
	ck_assert(rto_table_get(t, &a, &got));		/* a is now newer */
	rto_table_put(t, &c, &e);			/* b goes */
	ck_assert_uint_eq(rto_table_count(t), 2);
	ck_assert(!rto_table_get(t, &b, &got));
	ck_assert(rto_table_get(t, &a, &got));
	ck_assert_uint_eq(got.samples, 1);
	ck_assert(rto_table_get(t, &c, &got));
	ck_assert_uint_eq(got.samples, 2);
	rto_table_free(t);
	rto_table_free(NULL);
}
END_TEST

START_TEST(test_config_check)
{
	struct smsdtls_config c;
	char err[128];

	smsdtls_config_init(&c);
	c.psk_identity = "device-0001";
	c.psk_key = psk_key;
	c.psk_key_len = sizeof(psk_key);
	ck_assert(!c.rto_learn);
	ck_assert_uint_eq(c.rto_min_ms, 1000);
	c.rto_learn = true;
	ck_assert_rc(smsdtls_config_check(&c, err, sizeof(err)), SMSDTLS_OK);
	c.rto_min_ms = 0;
	ck_assert_rc(smsdtls_config_check(&c, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "min"));
	c.rto_min_ms = c.rto_max_ms + 1;
	ck_assert_rc(smsdtls_config_check(&c, err, sizeof(err)),
	    SMSDTLS_EINVAL);
	/* Not checked when not learning: the fixed policy ignores it. */
	c.rto_learn = false;
	ck_assert_rc(smsdtls_config_check(&c, err, sizeof(err)), SMSDTLS_OK);
}
END_TEST

/* ------------------------------------------------------- over the SMSC */

struct net {
	struct simnet *net;
	struct simnet_node *client, *server;
	struct smsdtls_psk_store *store;
	unsigned handshakes;
};

/* A PSK pair over SMS with a fixed latency of latency_ms each way. */
static void
net_open(struct net *n, int64_t latency_ms, bool learn, uint32_t min_ms,
    uint32_t max_ms)
{
	static const char psk_file[] =
	    "device-0001 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n";
	struct smsdtls_config c, s;
	struct smsc_conf sc;

	memset(n, 0, sizeof(*n));
	ck_assert_rc(smsdtls_psk_store_parse(psk_file, strlen(psk_file),
	    &n->store, NULL, 0), SMSDTLS_OK);
	smsdtls_config_init(&c);
	c.psk_identity = "device-0001";
	c.psk_key = psk_key;
	c.psk_key_len = sizeof(psk_key);
	c.no_resumption = true;
	smsdtls_config_init(&s);
	s.role = SMSDTLS_SERVER;
	s.psk_store = n->store;
	c.rto_learn = s.rto_learn = learn;
	c.rto_min_ms = s.rto_min_ms = min_ms;
	c.rto_max_ms = s.rto_max_ms = max_ms;
	smsc_conf_default(&sc);
	sc.seed = 3;
	sc.station.net.latency.dist = NETMODEL_FIXED;
	sc.station.net.latency.a = latency_ms;
	n->net = simnet_new(&sc);
	ck_assert_ptr_nonnull(n->net);
	n->client = simnet_add(n->net, CLIENT_NUMBER, &c, NULL);
	n->server = simnet_add(n->net, SERVER_NUMBER, &s, NULL);
	ck_assert_ptr_nonnull(n->client);
	ck_assert_ptr_nonnull(n->server);
}

static void
net_close(struct net *n)
{
	simnet_free(n->net);
	smsdtls_psk_store_free(n->store);
}

static bool
connected(struct simnet *net, void *arg)
{
	struct net *n = arg;

	(void)net;
	return n->client->connected >= n->handshakes &&
	    n->server->connected >= n->handshakes;
}

static bool
quiet(struct simnet *net, void *arg)
{
	(void)arg;
	return smsc_next_deadline(net->sc) == SMSC_NEVER;
}

/* One more full handshake, from a new client port (a new association
 * with the same peer), then until the network is quiet. */
static void
net_handshake(struct net *n)
{
	struct smsdtls_peer peer = simnet_peer(n->server, SERVER_PORT,
	    (uint16_t)(CLIENT_PORT + n->handshakes));

	n->handshakes++;
	ck_assert_rc(smsdtls_connect(n->client->ep, &peer, n->net->now,
	    NULL), SMSDTLS_OK);
	ck_assert(simnet_run(n->net, n->net->now + 600 * 1000, connected, n));
	simnet_run(n->net, n->net->now + 600 * 1000, quiet, NULL);
}

/* What node's endpoint learned of its peer. */
static struct rto_est
learned(const struct simnet_node *node, const struct simnet_node *peer)
{
	struct smsdtls_peer p = simnet_peer(peer, 0, 0);
	struct rto_est e;

	ck_assert_ptr_nonnull(node->ep->rto);
	ck_assert(rto_table_get(node->ep->rto, &p, &e));
	return e;
}

static uint64_t
retransmissions(const struct simnet_node *node)
{
	struct smsdtls_endpoint_stats st;

	smsdtls_endpoint_get_stats(node->ep, &st);
	return st.retransmissions;
}

/*
 * Karn's rule, with 7 s each way.  The client's first ClientHello is
 * refused by the SMSC, so the copy that gets through is the
 * retransmission at 10 s, answered at 24 s: timed from the first copy
 * that would be a 24 s sample, which must not be taken.  The ClientHello
 * with the cookie leaves at 24 s with the timeout backed off to 20 s,
 * and its answer at 38 s gives the one sample, 14 s.  The server starts
 * at 10 s and resends its flight at 41 s; that repeated flight makes the
 * client resend its own, so neither of their answers is a sample.
 */
START_TEST(test_karn)
{
	struct net n;
	struct rto_est e;

	net_open(&n, 7000, true, 1000, 60000);
	smsc_station_reject(n.net->sc, n.client->st, 500, 1000);
	net_handshake(&n);
	ck_assert_uint_eq(retransmissions(n.client), 1);
	ck_assert_uint_eq(retransmissions(n.server), 1);
	e = learned(n.client, n.server);
	ck_assert_uint_eq(e.samples, 1);
	ck_assert_uint_eq(rto_srtt_ms(&e), 14000);
	/* The server has no sample, only its backed-off timeout, which
	 * its next session with the client starts from. */
	e = learned(n.server, n.client);
	ck_assert_uint_eq(e.samples, 0);
	ck_assert_uint_eq(e.backoff_ms, 20000);
	net_close(&n);
}
END_TEST

/* The first handshake learns a 14 s round trip (and retransmits, since
 * 14 s > 10 s); the next ones with the same peer start from it, send one
 * SMS per flight and never retransmit, and the timeout converges. */
START_TEST(test_learns_across_sessions)
{
	struct rto_bounds b = { 1000, 10000, 60000 };
	struct net n;
	struct rto_est e;
	uint64_t rtx;
	size_t sent, csent, i;

	net_open(&n, 7000, true, 1000, 60000);
	net_handshake(&n);
	ck_assert_uint_gt(retransmissions(n.client), 0);
	e = learned(n.client, n.server);
	ck_assert_uint_eq(rto_srtt_ms(&e), 14000);
	for (i = 0; i < 8; i++) {
		rtx = retransmissions(n.client) + retransmissions(n.server);
		sent = n.client->nsent + n.server->nsent;
		csent = n.client->nsent;
		net_handshake(&n);
		ck_assert_uint_eq(retransmissions(n.client) +
		    retransmissions(n.server), rtx);
		ck_assert_uint_eq(n.client->nsent + n.server->nsent, sent + 6);
		/* The VP of a handshake SMS is the timeout in force. */
		ck_assert_uint_ge(n.client->sent[csent].vp_seconds, 15);
	}
	e = learned(n.client, n.server);
	ck_assert_uint_eq(rto_srtt_ms(&e), 14000);
	ck_assert_uint_ge(rto_timeout(&e, &b), 14001);
	ck_assert_uint_le(rto_timeout(&e, &b), 15000);
	e = learned(n.server, n.client);
	ck_assert_uint_eq(rto_srtt_ms(&e), 14000);
	net_close(&n);
}
END_TEST

/* Every handshake SMS's VP (the timeout in force, in whole seconds) stays
 * within the bounds, whatever the round trip. */
static void
check_vp_bounds(const struct simnet_node *node, uint32_t min_s,
    uint32_t max_s)
{
	size_t i;

	for (i = 0; i < node->nsent; i++) {
		if (!node->sent[i].handshake)
			continue;
		ck_assert_uint_ge(node->sent[i].vp_seconds, min_s);
		ck_assert_uint_le(node->sent[i].vp_seconds, max_s);
	}
}

START_TEST(test_bounds_in_handshakes)
{
	struct net n;
	int k;

	/* A 2 s round trip with a 20 s floor: never below 20 s. */
	net_open(&n, 1000, true, 20000, 60000);
	for (k = 0; k < 4; k++)
		net_handshake(&n);
	check_vp_bounds(n.client, 20, 60);
	check_vp_bounds(n.server, 20, 60);
	ck_assert_uint_eq(n.client->sent[n.client->nsent - 1].vp_seconds, 20);
	net_close(&n);
	/* A 14 s round trip with a 12 s ceiling: never above it, and the
	 * flights keep being sent twice. */
	net_open(&n, 7000, true, 1000, 12000);
	for (k = 0; k < 4; k++)
		net_handshake(&n);
	check_vp_bounds(n.client, 1, 12);
	check_vp_bounds(n.server, 1, 12);
	ck_assert_uint_ge(retransmissions(n.client), 4);
	net_close(&n);
}
END_TEST

/* rto_learn off: no table, every flight starts at 10 s and doubles, and
 * a second handshake with the same peer retransmits just as the first. */
START_TEST(test_fixed_policy_unchanged)
{
	struct net n;
	uint64_t first, second;
	size_t i;

	net_open(&n, 7000, false, 1000, 60000);
	net_handshake(&n);
	ck_assert_ptr_null(n.client->ep->rto);
	ck_assert_ptr_null(n.server->ep->rto);
	first = retransmissions(n.client) + retransmissions(n.server);
	ck_assert_uint_gt(first, 0);
	net_handshake(&n);
	second = retransmissions(n.client) + retransmissions(n.server) -
	    first;
	ck_assert_uint_eq(second, first);
	/* Each flight leaves with a 10 s VP; a retransmission with 20 s. */
	ck_assert_uint_eq(n.client->sent[0].vp_seconds, 10);
	ck_assert_uint_eq(n.client->sent[1].vp_seconds, 20);
	for (i = 0; i < n.client->nsent; i++)
		ck_assert(n.client->sent[i].vp_seconds == 10 ||
		    n.client->sent[i].vp_seconds == 20);
	net_close(&n);
}
END_TEST

static Suite *
rto_suite(void)
{
	Suite *s = suite_create("rto");
	TCase *tc = tcase_create("estimator");

	tcase_add_test(tc, test_first_sample);
	tcase_add_test(tc, test_converges);
	tcase_add_test(tc, test_bounds_property);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_config_check);
	suite_add_tcase(s, tc);
	tc = tcase_create("handshakes");
	tcase_add_test(tc, test_karn);
	tcase_add_test(tc, test_learns_across_sessions);
	tcase_add_test(tc, test_bounds_in_handshakes);
	tcase_add_test(tc, test_fixed_policy_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(rto_suite)
