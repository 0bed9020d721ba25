/*
 * bnet.c - the benchmarks' virtual-time network; see bnet.h.
 *
 * Each node's SMS bearer submits to the SMSC core; the core's log tells
 * which SMS it lost or let expire, and its delivery callback feeds the
 * destination's SMS transport and endpoint.  The datagram and WDP ports
 * of an SMS are read back from its TPDU (TS 23.040 9.2.3.24.4), so the
 * benchmark sees the same bytes at submission and at delivery.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bnet.h"

#define BNET_GROW	8

struct bnet_node {
	struct bnet *net;
	char	msisdn[24];
	struct smsc_station *st;
	struct smsdtls_sms *sms;
	struct smsdtls_endpoint *ep;
	void	*user;
};

struct bnet {
	struct smsc *sc;
	int64_t	now;
	bnet_sms_cb sms_cb;
	bnet_event_cb event_cb;
	void	*arg;
	size_t	n, cap;
	struct bnet_node **nodes;
};

static struct bnet_node *
bnet_find(const struct bnet *net, const char *msisdn)
{
	size_t i;

	for (i = 0; i < net->n; i++)
		if (strcmp(net->nodes[i]->msisdn, msisdn) == 0)
			return net->nodes[i];
	return NULL;
}

/* Fill sms from a decoded TPDU: ports from the UDH, the payload. */
static bool
bnet_from_tpdu(const struct smsdtls_tpdu *t, struct bnet_sms *sms)
{
	if (!t->udh.has_ports || t->payload_off > t->ud_len)
		return false;
	sms->src_port = t->udh.src_port;
	sms->dst_port = t->udh.dst_port;
	sms->data = t->ud + t->payload_off;
	sms->len = t->ud_len - t->payload_off;
	return true;
}

static smsdtls_rc
bnet_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct bnet_node *node = arg;
	struct bnet *net = node->net;
	struct smsdtls_tpdu t;
	struct bnet_sms sms;
	char to[SMSDTLS_ADDR_TEXT_MAX + 2];
	smsdtls_rc rc;
	uint8_t mr;
	bool seen;

	memset(&sms, 0, sizeof(sms));
	seen = smsdtls_tpdu_decode(tpdu, len, false, SMSDTLS_TPDU_SUBMIT,
	    &t) == SMSDTLS_OK && bnet_from_tpdu(&t, &sms);
	if (seen) {
		smsdtls_peer_format(info->peer, to, sizeof(to));
		to[strcspn(to, ":")] = '\0';
		sms.src = node;
		sms.dst = bnet_find(net, to);
		sms.handshake = info->handshake;
		sms.vp_s = info->vp_seconds;
		sms.at = net->now;
	}
	/* Reported first: the SMSC may lose it at once, and says so in its
	 * log from within smsc_submit(). */
	if (seen && net->sms_cb != NULL)
		net->sms_cb(&sms, BNET_SUBMITTED, net->arg);
	rc = smsc_submit(net->sc, node->st, tpdu, len, net->now, &mr);
	if (seen && rc != SMSDTLS_OK && net->sms_cb != NULL)
		net->sms_cb(&sms, BNET_REFUSED, net->arg);
	return rc;
}

/* Lost and expired SMS, from the SMSC's log. */
static void
bnet_log(const struct smsc_log_event *ev, void *arg)
{
	struct bnet *net = arg;
	struct smsdtls_tpdu t;
	struct bnet_sms sms;

	if (ev->kind != SMSC_LOG_DROP || ev->type != SMSDTLS_TPDU_DELIVER ||
	    (ev->reason != SMSC_REASON_LOST &&
	    ev->reason != SMSC_REASON_EXPIRED) || net->sms_cb == NULL)
		return;
	memset(&sms, 0, sizeof(sms));
	if (smsdtls_tpdu_decode(ev->pdu, ev->len, false, SMSDTLS_TPDU_DELIVER,
	    &t) != SMSDTLS_OK || !bnet_from_tpdu(&t, &sms))
		return;
	sms.src = bnet_find(net, ev->peer);
	sms.dst = bnet_find(net, ev->station);
	sms.at = ev->now;
	net->sms_cb(&sms, ev->reason == SMSC_REASON_LOST ? BNET_LOST :
	    BNET_EXPIRED, net->arg);
}

static void
bnet_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct bnet_node *node = arg;
	struct bnet *net = node->net;
	struct smsdtls_sms_rx rx;
	struct bnet_sms sms;
	char from[SMSDTLS_ADDR_TEXT_MAX + 2];

	(void)sc;
	(void)st;
	(void)type;
	if (smsdtls_sms_input(node->sms, tpdu, len, false, now, &rx) !=
	    SMSDTLS_OK || rx.kind != SMSDTLS_SMS_RX_DATAGRAM)
		return;
	if (net->sms_cb != NULL) {
		memset(&sms, 0, sizeof(sms));
		smsdtls_peer_format(&rx.peer, from, sizeof(from));
		from[strcspn(from, ":")] = '\0';
		sms.src = bnet_find(net, from);
		sms.dst = node;
		sms.src_port = rx.peer.port;
		sms.dst_port = rx.peer.local_port;
		sms.data = rx.data;
		sms.len = rx.len;
		sms.at = now;
		net->sms_cb(&sms, BNET_DELIVERED, net->arg);
	}
	smsdtls_endpoint_input(node->ep, &rx.peer, rx.data, rx.len, now);
}

static void
bnet_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct bnet_node *node = arg;

	(void)ep;
	if (node->net->event_cb != NULL)
		node->net->event_cb(node, ev, node->net->arg);
}

struct bnet *
bnet_new(const struct smsc_conf *conf, bnet_sms_cb sms_cb,
    bnet_event_cb event_cb, void *arg)
{
	struct bnet *net = calloc(1, sizeof(*net));

	if (net == NULL)
		return NULL;
	if (smsc_new(conf, &net->sc) != SMSDTLS_OK) {
		free(net);
		return NULL;
	}
	smsc_set_log_cb(net->sc, bnet_log, net);
	net->sms_cb = sms_cb;
	net->event_cb = event_cb;
	net->arg = arg;
	return net;
}

void
bnet_free(struct bnet *net)
{
	size_t i;

	if (net == NULL)
		return;
	for (i = 0; i < net->n; i++) {
		smsdtls_endpoint_free(net->nodes[i]->ep);
		smsdtls_sms_free(net->nodes[i]->sms);
		free(net->nodes[i]);
	}
	free(net->nodes);
	smsc_free(net->sc);
	free(net);
}

struct bnet_node *
bnet_add(struct bnet *net, const char *msisdn,
    const struct smsdtls_config *cfg)
{
	struct smsdtls_sms_config sc;
	struct smsdtls_bearer b;
	struct smsdtls_transport t;
	struct bnet_node *node;
	void *p;

	if (net->n == net->cap) {
		p = realloc(net->nodes, (net->cap + BNET_GROW) *
		    sizeof(*net->nodes));
		if (p == NULL)
			return NULL;
		net->nodes = p;
		net->cap += BNET_GROW;
	}
	if ((node = calloc(1, sizeof(*node))) == NULL)
		return NULL;
	node->net = net;
	snprintf(node->msisdn, sizeof(node->msisdn), "%s", msisdn);
	smsdtls_sms_config_init(&sc);
	sc.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE | SMSDTLS_VP_ACCEPT_ENHANCED;
	b.submit = bnet_submit;
	b.arg = node;
	if (smsc_station_add(net->sc, msisdn, bnet_deliver, node,
	    &node->st) != SMSDTLS_OK ||
	    smsdtls_sms_new(&sc, &b, &node->sms) != SMSDTLS_OK)
		goto fail;
	smsdtls_sms_transport(node->sms, &t);
	if (smsdtls_endpoint_new(cfg, &t, bnet_event, node, &node->ep) !=
	    SMSDTLS_OK)
		goto fail;
	net->nodes[net->n++] = node;
	return node;
fail:
	smsdtls_sms_free(node->sms);
	free(node);
	return NULL;
}

struct smsdtls_endpoint *
bnet_endpoint(const struct bnet_node *node)
{
	return node->ep;
}

struct smsc_station *
bnet_station(const struct bnet_node *node)
{
	return node->st;
}

void
bnet_set_user(struct bnet_node *node, void *user)
{
	node->user = user;
}

void *
bnet_user(const struct bnet_node *node)
{
	return node->user;
}

struct smsdtls_peer
bnet_peer(const struct bnet_node *node, uint16_t port, uint16_t local_port)
{
	struct smsdtls_peer p;

	memset(&p, 0, sizeof(p));
	(void)smsdtls_peer_sms(&p, node->msisdn, NULL, port, local_port);
	return p;
}

int64_t
bnet_now(const struct bnet *net)
{
	return net->now;
}

struct smsc *
bnet_smsc(const struct bnet *net)
{
	return net->sc;
}

static int64_t
bnet_next(const struct bnet *net)
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
bnet_run(struct bnet *net, int64_t until,
    bool (*done)(struct bnet *, void *), void *arg)
{
	int64_t next;
	size_t i;

	while (!(done != NULL && done(net, arg))) {
		next = bnet_next(net);
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
