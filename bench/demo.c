/*
 * demo.c - a DTLS 1.2 PSK handshake and one request/response between a
 * device and a server over the simulated SMSC, in virtual time, printing
 * every SMS: what ./bootstrap demo shows until the gateway daemon exists.
 *
 * Network: log-normal SMS latency with a 7 s median and a 30 s 95th
 * percentile (published SMS measurements), no loss unless given as the
 * first argument (a fraction, e.g. 0.2); seed from the second argument.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smsdtls/smsdtls.h>

#include "tests/simnet.h"

#define DEVICE	"+447700900456"
#define SERVER	"+447700900123"

static const uint8_t key[16] = "smsdtls-demo-key";

static bool
replied(struct simnet *net, void *arg)
{
	struct simnet_node *dev = arg;

	(void)net;
	return dev->data > 0 || dev->errors > 0;
}

static bool
connected(struct simnet *net, void *arg)
{
	struct simnet_node *dev = arg;

	(void)net;
	return dev->connected > 0 || dev->errors > 0;
}

static const char *
what(const struct simnet_sms *s)
{
	static const char *const hs[] = {
		[1] = "ClientHello", [2] = "ServerHello", [3] =
		"HelloVerifyRequest", [14] = "ServerHelloDone", [16] =
		"ClientKeyExchange",
	};

	if (s->first_type == 23)
		return "application data";
	if (s->first_type == 20)
		return "ChangeCipherSpec, Finished";
	if (s->first_type == 21)
		return "alert";
	if (s->first_hs < 17 && hs[s->first_hs] != NULL)
		return hs[s->first_hs];
	return "handshake";
}

static void
print_sms(struct simnet *net)
{
	size_t i, j, k, n = 0, idx[2] = { 0, 0 };

	for (i = 0; i < 2; i++)
		n += net->nodes[i]->nsent;
	for (k = 0; k < n; k++) {
		const struct simnet_sms *best = NULL;

		for (i = 0; i < 2; i++) {
			j = idx[i];
			if (j < net->nodes[i]->nsent && (best == NULL ||
			    net->nodes[i]->sent[j].at < best->at))
				best = &net->nodes[i]->sent[j];
		}
		for (i = 0; i < 2; i++)
			if (idx[i] < net->nodes[i]->nsent &&
			    best == &net->nodes[i]->sent[idx[i]]) {
				printf("  %7.1f s  %-6s -> %-6s  SMS %2zu: %3zu bytes,"
				    " %zu record%s, VP %u s  %s\n",
				    best->at / 1000.0, i ? "server" : "device",
				    i ? "device" : "server", k + 1,
				    best->dgram_len, (size_t)best->nrec,
				    best->nrec == 1 ? "" : "s",
				    best->vp_seconds, what(best));
				idx[i]++;
				break;
			}
	}
}

int
main(int argc, char **argv)
{
	static const char store_text[] =
	    "device-0456 736d7364746c732d64656d6f2d6b6579\n";
	struct smsdtls_psk_store *store;
	struct smsdtls_config c, s;
	struct smsc_conf sc;
	struct smsc_stats st;
	struct simnet *net;
	struct simnet_node *dev, *srv;
	struct smsdtls_peer peer;
	const char *req = "GET coap://[server]/temperature";
	int rc = 1;

	smsc_conf_default(&sc);
	sc.seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	sc.station.net.latency.dist = NETMODEL_LOGNORMAL;
	sc.station.net.latency.a = 7000;
	sc.station.net.latency.b = 30000;
	sc.station.net.loss = argc > 1 ? strtod(argv[1], NULL) : 0.0;
	if (smsdtls_psk_store_parse(store_text, strlen(store_text), &store,
	    NULL, 0) != SMSDTLS_OK)
		return 1;
	smsdtls_config_init(&c);
	c.psk_identity = "device-0456";
	c.psk_key = key;
	c.psk_key_len = sizeof(key);
	smsdtls_config_init(&s);
	s.role = SMSDTLS_SERVER;
	s.psk_store = store;
	net = simnet_new(&sc);
	dev = net ? simnet_add(net, DEVICE, &c, NULL) : NULL;
	srv = dev ? simnet_add(net, SERVER, &s, NULL) : NULL;
	if (srv == NULL) {
		fprintf(stderr, "demo: cannot set up the simulated network\n");
		return 1;
	}
	srv->echo = true;
	printf("smsdtls %s demo: DTLS 1.2 PSK (TLS_PSK_WITH_AES_128_CCM_8) over"
	    " SMS\nsimulated SMSC: latency log-normal median 7 s, p95 30 s,"
	    " loss %.0f%%, seed %llu\n\n", smsdtls_version(),
	    sc.station.net.loss * 100, (unsigned long long)sc.seed);
	peer = simnet_peer(srv, 5684, 16001);
	if (smsdtls_connect(dev->ep, &peer, 0, NULL) != SMSDTLS_OK)
		goto out;
	simnet_run(net, 15 * 60 * 1000, connected, dev);
	if (dev->connected == 0) {
		printf("handshake failed\n");
		goto out;
	}
	printf("handshake done at %.1f s\n", net->now / 1000.0);
	smsdtls_session_send(dev->session, (const uint8_t *)req, strlen(req),
	    net->now);
	simnet_run(net, net->now + 15 * 60 * 1000, replied, dev);
	print_sms(net);
	if (dev->data == 0) {
		printf("no answer\n");
		goto out;
	}
	printf("\nanswer after %.1f s: \"%.*s\"\n", net->now / 1000.0,
	    (int)dev->events[dev->nevents - 1].len,
	    (const char *)dev->events[dev->nevents - 1].data);
	printf("SMS: %zu for the handshake (the floor is 6, one per flight), "
	    "%zu for the request and answer\n",
	    simnet_count(dev, true) + simnet_count(srv, true),
	    simnet_count(dev, false) + simnet_count(srv, false));
	smsc_get_stats(net->sc, &st);
	printf("SMSC: %llu delivered, %llu expired in the SMSC (each handshake "
	    "SMS lives as long as the\nsender's retransmission timeout), "
	    "%llu lost\n", (unsigned long long)st.delivered,
	    (unsigned long long)st.expired, (unsigned long long)st.lost);
	rc = 0;
out:
	simnet_free(net);
	smsdtls_psk_store_free(store);
	return rc;
}
