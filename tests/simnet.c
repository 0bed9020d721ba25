/*
 * simnet.c - the tests' virtual-time network: the core of sim/vnet.c
 * with hooks that record every SMS a node submits and every event it
 * sees, and count status reports; see simnet.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simnet.h"
#include "transport/flight.h"

/* A simnet_run() done test, as the core asks it. */
struct simnet_done {
	struct simnet *net;
	bool	(*done)(struct simnet *, void *);
	void	*arg;
};

/* Record an SMS as its sender's bearer submitted it. */
static void
simnet_record_sms(struct simnet_node *node, const struct vnet_sms *sms)
{
	struct simnet_sms *s;
	struct flight_record rec;
	const uint8_t *p = sms->data;
	size_t n = sms->len, off;

	if (node->nsent == SIMNET_MAX_SENT)
		return;
	s = &node->sent[node->nsent++];
	memset(s, 0, sizeof(*s));
	s->at = sms->at;
	s->tpdu_len = sms->tpdu_len;
	s->dgram_len = n;
	s->vp_seconds = sms->vp_s;
	s->vp_format = sms->tpdu->vp.format;
	s->handshake = sms->handshake;
	memcpy(s->data, p, n < sizeof(s->data) ? n : sizeof(s->data));
	s->first_type = n > 0 ? p[0] : 0;
	s->first_hs = n > FLIGHT_RECORD_HEADER ? p[FLIGHT_RECORD_HEADER] : 0;
	for (off = 0; flight_parse_record(p + off, n - off, &rec);
	    off += rec.len)
		s->nrec++;
}

static void
simnet_sms_cb(const struct vnet_sms *sms, enum vnet_fate fate, void *arg)
{
	(void)arg;
	if (fate == VNET_SUBMITTED)
		simnet_record_sms(vnet_user(sms->src), sms);
}

static void
simnet_report_cb(struct vnet_node *vn, const struct smsdtls_sms_rx *rx,
    void *arg)
{
	struct simnet_node *node = vnet_user(vn);

	(void)rx;
	(void)arg;
	node->reports++;
}

/* Count the event and keep the node's last connected session. */
static void
simnet_count_event(struct simnet_node *node, const struct smsdtls_event *ev)
{
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
}

static void
simnet_event_cb(struct vnet_node *vn, const struct smsdtls_event *ev,
    void *arg)
{
	struct simnet_node *node = vnet_user(vn);
	struct simnet_event *e;

	(void)arg;
	simnet_count_event(node, ev);
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

static const struct vnet_hooks simnet_hooks = {
	.sms = simnet_sms_cb,
	.report = simnet_report_cb,
	.event = simnet_event_cb
};

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
	if ((net->core = vnet_new(conf, &simnet_hooks, net)) == NULL) {
		free(net);
		return NULL;
	}
	vnet_set_clock(net->core, &net->now);
	net->sc = vnet_smsc(net->core);
	return net;
}

void
simnet_free(struct simnet *net)
{
	size_t i;

	if (net == NULL)
		return;
	vnet_free(net->core);
	for (i = 0; i < net->n; i++)
		free(net->nodes[i]);
	free(net);
}

struct simnet_node *
simnet_add(struct simnet *net, const char *msisdn,
    const struct smsdtls_config *cfg, const struct smsdtls_sms_config *scfg)
{
	struct simnet_node *node;

	if (net->n == SIMNET_MAX_NODES)
		return NULL;
	node = calloc(1, sizeof(*node));
	if (node == NULL)
		return NULL;
	node->net = net;
	snprintf(node->msisdn, sizeof(node->msisdn), "%s", msisdn);
	node->vn = vnet_add(net->core, msisdn, cfg, scfg, node);
	if (node->vn == NULL) {
		free(node);
		return NULL;
	}
	node->st = vnet_station(node->vn);
	node->sms = vnet_transport(node->vn);
	node->ep = vnet_endpoint(node->vn);
	net->nodes[net->n++] = node;
	return node;
}

struct smsdtls_peer
simnet_peer(const struct simnet_node *node, uint16_t port,
    uint16_t local_port)
{
	return vnet_peer(node->vn, port, local_port);
}

static bool
simnet_done_cb(struct vnet *core, void *arg)
{
	struct simnet_done *d = arg;

	(void)core;
	return d->done(d->net, d->arg);
}

bool
simnet_run(struct simnet *net, int64_t until,
    bool (*done)(struct simnet *, void *), void *arg)
{
	struct simnet_done d = { net, done, arg };

	return vnet_run(net->core, until, done != NULL ? simnet_done_cb :
	    NULL, &d);
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
