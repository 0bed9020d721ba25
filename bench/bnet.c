/*
 * bnet.c - the benchmarks' virtual-time network: the core of sim/vnet.c
 * under the names and types the benchmarks use; see bnet.h.  Each
 * bnet_node wraps a core node and carries the benchmark's user pointer.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "bench/bnet.h"

struct bnet_node {
	struct vnet_node *vn;
	void	*user;
	SLIST_ENTRY(bnet_node) entry;
};

struct bnet {
	struct vnet *core;
	bnet_sms_cb sms_cb;
	bnet_event_cb event_cb;
	void	*arg;
	SLIST_HEAD(, bnet_node) nodes;
};

/* A run's done test, as the core asks it. */
struct bnet_done {
	struct bnet *net;
	bool	(*done)(struct bnet *, void *);
	void	*arg;
};

static struct bnet_node *
bnet_wrap(struct vnet_node *vn)
{
	return vn != NULL ? vnet_user(vn) : NULL;
}

/* Pass an SMS on; the benchmarks follow only SMS with WDP ports. */
static void
bnet_sms_hook(const struct vnet_sms *vs, enum vnet_fate fate, void *arg)
{
	struct bnet *net = arg;
	struct bnet_sms sms;

	if (net->sms_cb == NULL ||
	    (vs->tpdu != NULL && !vs->tpdu->udh.has_ports))
		return;
	memset(&sms, 0, sizeof(sms));
	sms.src = bnet_wrap(vs->src);
	sms.dst = bnet_wrap(vs->dst);
	sms.src_port = vs->src_port;
	sms.dst_port = vs->dst_port;
	sms.data = vs->data;
	sms.len = vs->len;
	sms.handshake = vs->handshake;
	sms.vp_s = vs->vp_s;
	sms.at = vs->at;
	net->sms_cb(&sms, (enum bnet_fate)fate, net->arg);
}

static void
bnet_event_hook(struct vnet_node *vn, const struct smsdtls_event *ev,
    void *arg)
{
	struct bnet *net = arg;

	if (net->event_cb != NULL)
		net->event_cb(bnet_wrap(vn), ev, net->arg);
}

static const struct vnet_hooks bnet_hooks = {
	.sms = bnet_sms_hook,
	.event = bnet_event_hook
};

struct bnet *
bnet_new(const struct smsc_conf *conf, bnet_sms_cb sms_cb,
    bnet_event_cb event_cb, void *arg)
{
	struct bnet *net = calloc(1, sizeof(*net));

	if (net == NULL)
		return NULL;
	if ((net->core = vnet_new(conf, &bnet_hooks, net)) == NULL) {
		free(net);
		return NULL;
	}
	net->sms_cb = sms_cb;
	net->event_cb = event_cb;
	net->arg = arg;
	SLIST_INIT(&net->nodes);
	return net;
}

void
bnet_free(struct bnet *net)
{
	struct bnet_node *node;

	if (net == NULL)
		return;
	vnet_free(net->core);
	while ((node = SLIST_FIRST(&net->nodes)) != NULL) {
		SLIST_REMOVE_HEAD(&net->nodes, entry);
		free(node);
	}
	free(net);
}

struct bnet_node *
bnet_add(struct bnet *net, const char *msisdn,
    const struct smsdtls_config *cfg)
{
	struct bnet_node *node;

	if ((node = calloc(1, sizeof(*node))) == NULL)
		return NULL;
	if ((node->vn = vnet_add(net->core, msisdn, cfg, NULL, node)) ==
	    NULL) {
		free(node);
		return NULL;
	}
	SLIST_INSERT_HEAD(&net->nodes, node, entry);
	return node;
}

struct smsdtls_endpoint *
bnet_endpoint(const struct bnet_node *node)
{
	return vnet_endpoint(node->vn);
}

struct smsc_station *
bnet_station(const struct bnet_node *node)
{
	return vnet_station(node->vn);
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
	return vnet_peer(node->vn, port, local_port);
}

int64_t
bnet_now(const struct bnet *net)
{
	return vnet_now(net->core);
}

struct smsc *
bnet_smsc(const struct bnet *net)
{
	return vnet_smsc(net->core);
}

static bool
bnet_done_cb(struct vnet *core, void *arg)
{
	struct bnet_done *d = arg;

	(void)core;
	return d->done(d->net, d->arg);
}

bool
bnet_run(struct bnet *net, int64_t until,
    bool (*done)(struct bnet *, void *), void *arg)
{
	struct bnet_done d = { net, done, arg };

	return vnet_run(net->core, until, done != NULL ? bnet_done_cb : NULL,
	    &d);
}
