/*
 * vnet.c - the virtual-time network of DTLS endpoints over the simulated
 * SMSC core; see vnet.h.
 *
 * Each node's SMS bearer submits to the SMSC core; the core's log tells
 * which SMS it lost or let expire, and its delivery callback feeds the
 * destination's SMS transport and endpoint.  The datagram and WDP ports
 * of an SMS are read back from its TPDU (TS 23.040 9.2.3.24.4), so the
 * hooks see the same bytes at submission and at delivery.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/vnet.h"

#define VNET_GROW	8

struct vnet_node {
	struct vnet *net;
	char	msisdn[24];
	struct smsc_station *st;
	struct smsdtls_sms *sms;
	struct smsdtls_endpoint *ep;
	void	*user;
};

struct vnet {
	struct smsc *sc;
	int64_t	own_clock;
	int64_t	*now;		/* &own_clock or the caller's */
	struct vnet_hooks hooks;
	void	*arg;
	size_t	n, cap;
	struct vnet_node **nodes;
};

static struct vnet_node *
vnet_find(const struct vnet *net, const char *msisdn)
{
	size_t i;

	for (i = 0; i < net->n; i++)
		if (strcmp(net->nodes[i]->msisdn, msisdn) == 0)
			return net->nodes[i];
	return NULL;
}

/* The node a peer's address names, if any. */
static struct vnet_node *
vnet_find_peer(const struct vnet *net, const struct smsdtls_peer *peer)
{
	char addr[SMSDTLS_ADDR_TEXT_MAX + 2];

	smsdtls_peer_format(peer, addr, sizeof(addr));
	addr[strcspn(addr, ":")] = '\0';
	return vnet_find(net, addr);
}

/* Decode pdu of the given type into *t and fill sms from it: the ports
 * from the UDH, the user data after it. */
static bool
vnet_from_tpdu(const uint8_t *pdu, size_t len, enum smsdtls_tpdu_type type,
    struct smsdtls_tpdu *t, struct vnet_sms *sms)
{
	memset(sms, 0, sizeof(*sms));
	if (smsdtls_tpdu_decode(pdu, len, false, type, t) != SMSDTLS_OK ||
	    t->payload_off > t->ud_len)
		return false;
	sms->tpdu = t;
	sms->tpdu_len = len;
	if (t->udh.has_ports) {
		sms->src_port = t->udh.src_port;
		sms->dst_port = t->udh.dst_port;
	}
	sms->data = t->ud + t->payload_off;
	sms->len = t->ud_len - t->payload_off;
	return true;
}

static void
vnet_report_sms(const struct vnet *net, const struct vnet_sms *sms,
    enum vnet_fate fate)
{
	if (net->hooks.sms != NULL)
		net->hooks.sms(sms, fate, net->arg);
}

/* The node's bearer: report the SMS, then hand it to the SMSC. */
static smsdtls_rc
vnet_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct vnet_node *node = arg;
	struct vnet *net = node->net;
	struct smsdtls_tpdu t;
	struct vnet_sms sms;
	smsdtls_rc rc;
	uint8_t mr;
	bool seen;

	seen = net->hooks.sms != NULL &&
	    vnet_from_tpdu(tpdu, len, SMSDTLS_TPDU_SUBMIT, &t, &sms);
	if (seen) {
		sms.src = node;
		sms.dst = vnet_find_peer(net, info->peer);
		sms.handshake = info->handshake;
		sms.vp_s = info->vp_seconds;
		sms.at = *net->now;
		/* Reported first: the SMSC may lose it at once, and says
		 * so in its log from within smsc_submit(). */
		vnet_report_sms(net, &sms, VNET_SUBMITTED);
	}
	rc = smsc_submit(net->sc, node->st, tpdu, len, *net->now, &mr);
	if (seen && rc != SMSDTLS_OK)
		vnet_report_sms(net, &sms, VNET_REFUSED);
	return rc;
}

/* Lost and expired SMS, from the SMSC's log. */
static void
vnet_log(const struct smsc_log_event *ev, void *arg)
{
	struct vnet *net = arg;
	struct smsdtls_tpdu t;
	struct vnet_sms sms;

	if (ev->kind != SMSC_LOG_DROP || ev->type != SMSDTLS_TPDU_DELIVER ||
	    (ev->reason != SMSC_REASON_LOST &&
	    ev->reason != SMSC_REASON_EXPIRED) ||
	    !vnet_from_tpdu(ev->pdu, ev->len, SMSDTLS_TPDU_DELIVER, &t, &sms))
		return;
	sms.src = vnet_find(net, ev->peer);
	sms.dst = vnet_find(net, ev->station);
	sms.at = ev->now;
	vnet_report_sms(net, &sms, ev->reason == SMSC_REASON_LOST ?
	    VNET_LOST : VNET_EXPIRED);
}

/* A TPDU from the SMSC for node: a status report, or (once complete) a
 * datagram for its endpoint. */
static void
vnet_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct vnet_node *node = arg;
	struct vnet *net = node->net;
	struct smsdtls_sms_rx rx;
	struct vnet_sms sms;

	(void)sc;
	(void)st;
	(void)type;
	if (smsdtls_sms_input(node->sms, tpdu, len, false, now, &rx) !=
	    SMSDTLS_OK)
		return;
	if (rx.kind == SMSDTLS_SMS_RX_STATUS_REPORT) {
		if (net->hooks.report != NULL)
			net->hooks.report(node, &rx, net->arg);
		return;
	}
	if (rx.kind != SMSDTLS_SMS_RX_DATAGRAM)
		return;
	if (net->hooks.sms != NULL) {
		memset(&sms, 0, sizeof(sms));
		sms.src = vnet_find_peer(net, &rx.peer);
		sms.dst = node;
		sms.src_port = rx.peer.port;
		sms.dst_port = rx.peer.local_port;
		sms.data = rx.data;
		sms.len = rx.len;
		sms.at = now;
		vnet_report_sms(net, &sms, VNET_DELIVERED);
	}
	smsdtls_endpoint_input(node->ep, &rx.peer, rx.data, rx.len, now);
}

static void
vnet_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct vnet_node *node = arg;

	(void)ep;
	if (node->net->hooks.event != NULL)
		node->net->hooks.event(node, ev, node->net->arg);
}

struct vnet *
vnet_new(const struct smsc_conf *conf, const struct vnet_hooks *hooks,
    void *arg)
{
	struct vnet *net = calloc(1, sizeof(*net));

	if (net == NULL)
		return NULL;
	if (smsc_new(conf, &net->sc) != SMSDTLS_OK) {
		free(net);
		return NULL;
	}
	net->now = &net->own_clock;
	if (hooks != NULL)
		net->hooks = *hooks;
	net->arg = arg;
	if (net->hooks.sms != NULL)
		smsc_set_log_cb(net->sc, vnet_log, net);
	return net;
}

void
vnet_free(struct vnet *net)
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

void
vnet_set_clock(struct vnet *net, int64_t *clock)
{
	net->now = clock;
}

/* Room for one more node pointer. */
static bool
vnet_grow(struct vnet *net)
{
	void *p;

	if (net->n < net->cap)
		return true;
	p = realloc(net->nodes, (net->cap + VNET_GROW) * sizeof(*net->nodes));
	if (p == NULL)
		return false;
	net->nodes = p;
	net->cap += VNET_GROW;
	return true;
}

struct vnet_node *
vnet_add(struct vnet *net, const char *msisdn,
    const struct smsdtls_config *cfg, const struct smsdtls_sms_config *scfg,
    void *user)
{
	struct smsdtls_sms_config sc;
	struct smsdtls_bearer b;
	struct smsdtls_transport t;
	struct vnet_node *node;

	if (!vnet_grow(net) || (node = calloc(1, sizeof(*node))) == NULL)
		return NULL;
	node->net = net;
	node->user = user;
	snprintf(node->msisdn, sizeof(node->msisdn), "%s", msisdn);
	if (scfg == NULL) {
		smsdtls_sms_config_init(&sc);
		sc.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE |
		    SMSDTLS_VP_ACCEPT_ENHANCED;
		scfg = &sc;
	}
	b.submit = vnet_submit;
	b.arg = node;
	if (smsc_station_add(net->sc, msisdn, vnet_deliver, node,
	    &node->st) != SMSDTLS_OK ||
	    smsdtls_sms_new(scfg, &b, &node->sms) != SMSDTLS_OK)
		goto fail;
	smsdtls_sms_transport(node->sms, &t);
	if (smsdtls_endpoint_new(cfg, &t, vnet_event, node, &node->ep) !=
	    SMSDTLS_OK)
		goto fail;
	net->nodes[net->n++] = node;
	return node;
fail:
	smsdtls_sms_free(node->sms);
	free(node);
	return NULL;
}

void *
vnet_user(const struct vnet_node *node)
{
	return node->user;
}

struct smsdtls_endpoint *
vnet_endpoint(const struct vnet_node *node)
{
	return node->ep;
}

struct smsdtls_sms *
vnet_transport(const struct vnet_node *node)
{
	return node->sms;
}

struct smsc_station *
vnet_station(const struct vnet_node *node)
{
	return node->st;
}

struct smsdtls_peer
vnet_peer(const struct vnet_node *node, uint16_t port, uint16_t local_port)
{
	struct smsdtls_peer p;

	memset(&p, 0, sizeof(p));
	(void)smsdtls_peer_sms(&p, node->msisdn, NULL, port, local_port);
	return p;
}

int64_t
vnet_now(const struct vnet *net)
{
	return *net->now;
}

struct smsc *
vnet_smsc(const struct vnet *net)
{
	return net->sc;
}

/* The earliest deadline of the SMSC and of every endpoint. */
static int64_t
vnet_next(const struct vnet *net)
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
vnet_run(struct vnet *net, int64_t until,
    bool (*done)(struct vnet *, void *), void *arg)
{
	int64_t next;
	size_t i;

	while (!(done != NULL && done(net, arg))) {
		next = vnet_next(net);
		if (next > until || next == SMSDTLS_NEVER) {
			if (until != SMSDTLS_NEVER && *net->now < until)
				*net->now = until;
			return done != NULL && done(net, arg);
		}
		if (next > *net->now)
			*net->now = next;
		smsc_run(net->sc, *net->now);
		for (i = 0; i < net->n; i++)
			smsdtls_endpoint_on_deadline(net->nodes[i]->ep,
			    *net->now);
	}
	return true;
}
