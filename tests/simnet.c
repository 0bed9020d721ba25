/*
 * simnet.c - virtual-time network of DTLS endpoints over the simulated
 * SMSC core; see simnet.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simnet.h"
#include "transport/flight.h"

/* Record what the node's bearer submits, then hand it to the SMSC. */
static smsdtls_rc
simnet_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct simnet_node *node = arg;
	struct smsdtls_tpdu t;
	uint8_t mr;

	if (node->nsent < SIMNET_MAX_SENT &&
	    smsdtls_tpdu_decode(tpdu, len, false, SMSDTLS_TPDU_SUBMIT, &t) ==
	    SMSDTLS_OK) {
		struct simnet_sms *s = &node->sent[node->nsent++];
		const uint8_t *p = t.ud + t.payload_off;
		size_t n = t.ud_len - t.payload_off, off;
		struct flight_record rec;

		memset(s, 0, sizeof(*s));
		s->at = node->net->now;
		s->tpdu_len = len;
		s->dgram_len = n;
		s->vp_seconds = info->vp_seconds;
		s->vp_format = t.vp.format;
		s->handshake = info->handshake;
		memcpy(s->data, p, n < sizeof(s->data) ? n : sizeof(s->data));
		s->first_type = n > 0 ? p[0] : 0;
		s->first_hs = n > FLIGHT_RECORD_HEADER ?
		    p[FLIGHT_RECORD_HEADER] : 0;
		for (off = 0; flight_parse_record(p + off, n - off, &rec);
		    off += rec.len)
			s->nrec++;
	}
	return smsc_submit(node->net->sc, node->st, tpdu, len, node->net->now,
	    &mr);
}

static void
simnet_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct simnet_node *node = arg;
	struct smsdtls_sms_rx rx;

	(void)sc;
	(void)st;
	(void)type;
	if (smsdtls_sms_input(node->sms, tpdu, len, false, now, &rx) !=
	    SMSDTLS_OK)
		return;
	if (rx.kind == SMSDTLS_SMS_RX_STATUS_REPORT)
		node->reports++;
	else
		smsdtls_endpoint_input(node->ep, &rx.peer, rx.data, rx.len,
		    now);
}

static void
simnet_event_cb(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct simnet_node *node = arg;
	struct simnet_event *e;

	(void)ep;
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		node->connected++;
		node->session = ev->session;
		break;
	case SMSDTLS_EV_DATA:
		node->data++;
		break;
	case SMSDTLS_EV_CLOSED:
		node->closed++;
		break;
	case SMSDTLS_EV_ERROR:
		node->errors++;
		break;
	}
	if (ev->type == SMSDTLS_EV_CLOSED || ev->type == SMSDTLS_EV_ERROR)
		if (node->session == ev->session)
			node->session = NULL;
	if (node->nevents < SIMNET_MAX_EVENTS) {
		e = &node->events[node->nevents++];
		memset(e, 0, sizeof(*e));
		e->at = node->net->now;
		e->type = ev->type;
		e->rc = ev->rc;
		e->detail = ev->detail;
		e->resumed = ev->resumed;
		e->len = ev->len;
		if (ev->data != NULL)
			memcpy(e->data, ev->data, ev->len < sizeof(e->data) ?
			    ev->len : sizeof(e->data));
	}
	if (ev->type == SMSDTLS_EV_DATA && node->echo)
		smsdtls_session_send(ev->session, ev->data, ev->len,
		    node->net->now);
}

struct simnet *
simnet_new(const struct smsc_conf *conf)
{
	struct simnet *net = calloc(1, sizeof(*net));
	struct smsc_conf c;

	if (net == NULL)
		return NULL;
	if (conf == NULL) {
		smsc_conf_default(&c);
		c.seed = 1;
		c.station.net.latency.dist = NETMODEL_FIXED;
		c.station.net.latency.a = 1000;
		conf = &c;
	}
	if (smsc_new(conf, &net->sc) != SMSDTLS_OK) {
		free(net);
		return NULL;
	}
	return net;
}

void
simnet_free(struct simnet *net)
{
	size_t i;

	if (net == NULL)
		return;
	for (i = 0; i < net->n; i++) {
		smsdtls_endpoint_free(net->nodes[i]->ep);
		smsdtls_sms_free(net->nodes[i]->sms);
		free(net->nodes[i]);
	}
	smsc_free(net->sc);
	free(net);
}

struct simnet_node *
simnet_add(struct simnet *net, const char *msisdn,
    const struct smsdtls_config *cfg, const struct smsdtls_sms_config *scfg)
{
	struct smsdtls_sms_config sc;
	struct smsdtls_bearer b;
	struct smsdtls_transport t;
	struct simnet_node *node;

	if (net->n == SIMNET_MAX_NODES)
		return NULL;
	node = calloc(1, sizeof(*node));
	if (node == NULL)
		return NULL;
	node->net = net;
	snprintf(node->msisdn, sizeof(node->msisdn), "%s", msisdn);
	if (scfg == NULL) {
		smsdtls_sms_config_init(&sc);
		sc.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE |
		    SMSDTLS_VP_ACCEPT_ENHANCED;
		scfg = &sc;
	}
	b.submit = simnet_submit;
	b.arg = node;
	if (smsc_station_add(net->sc, msisdn, simnet_deliver, node,
	    &node->st) != SMSDTLS_OK ||
	    smsdtls_sms_new(scfg, &b, &node->sms) != SMSDTLS_OK)
		goto fail;
	smsdtls_sms_transport(node->sms, &t);
	if (smsdtls_endpoint_new(cfg, &t, simnet_event_cb, node, &node->ep) !=
	    SMSDTLS_OK)
		goto fail;
	net->nodes[net->n++] = node;
	return node;
fail:
	smsdtls_sms_free(node->sms);
	free(node);
	return NULL;
}

struct smsdtls_peer
simnet_peer(const struct simnet_node *node, uint16_t port,
    uint16_t local_port)
{
	struct smsdtls_peer p;

	memset(&p, 0, sizeof(p));
	(void)smsdtls_peer_sms(&p, node->msisdn, NULL, port, local_port);
	return p;
}

static int64_t
simnet_next(const struct simnet *net)
{
	int64_t t = smsc_next_deadline(net->sc), d;
	size_t i;

	for (i = 0; i < net->n; i++) {
		d = smsdtls_endpoint_next_deadline(net->nodes[i]->ep);
		if (d < t)
			t = d;
	}
	return t;
}

bool
simnet_run(struct simnet *net, int64_t until,
    bool (*done)(struct simnet *, void *), void *arg)
{
	size_t i;
	int64_t next;

	while (!(done != NULL && done(net, arg))) {
		next = simnet_next(net);
		if (next > until || next == SMSDTLS_NEVER) {
			if (until != SMSDTLS_NEVER && net->now < until)
				net->now = until;
			return done != NULL && done(net, arg);
		}
		if (next > net->now)
			net->now = next;
		smsc_run(net->sc, net->now);
		for (i = 0; i < net->n; i++)
			smsdtls_endpoint_on_deadline(net->nodes[i]->ep,
			    net->now);
	}
	return true;
}

size_t
simnet_count(const struct simnet_node *node, bool handshake)
{
	size_t i, n = 0;

	for (i = 0; i < node->nsent; i++)
		if (node->sent[i].handshake == handshake)
			n++;
	return n;
}
