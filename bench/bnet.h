/*
 * bnet.h - the benchmarks' virtual-time network: the core of sim/vnet.h
 * (the simulated SMSC with one station per node, each node an SMS
 * transport with WDP ports, PMTU 133, and a DTLS endpoint) under the
 * benchmarks' names.  Unlike the tests' simnet it records nothing: it
 * reports every SMS that has WDP ports and every session event to the
 * benchmark's callbacks, with the SMS's fate (lost, expired in the SMSC,
 * delivered), so that a benchmark can follow thousands of handshakes in
 * bounded memory.
 *
 * Time is virtual: bnet_run() jumps from deadline to deadline.
 */
#ifndef BENCH_BNET_H
#define BENCH_BNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/smsdtls.h>

#include "sim/vnet.h"
#include "smsc/smsc.h"

struct bnet;
struct bnet_node;

/* What happened to an SMS: the core's fates (sim/vnet.h). */
enum bnet_fate {
	BNET_SUBMITTED = VNET_SUBMITTED,
	BNET_REFUSED = VNET_REFUSED,
	BNET_LOST = VNET_LOST,
	BNET_EXPIRED = VNET_EXPIRED,
	BNET_DELIVERED = VNET_DELIVERED
};

/* One SMS carrying one DTLS datagram, as the benchmark sees it. */
struct bnet_sms {
	struct bnet_node *src;
	struct bnet_node *dst;		/* NULL: not a node of the net */
	uint16_t src_port;
	uint16_t dst_port;
	const uint8_t *data;		/* the datagram, valid for the call */
	size_t	len;
	bool	handshake;		/* SUBMITTED, REFUSED: send info */
	uint32_t vp_s;			/* SUBMITTED, REFUSED: TP-VP */
	int64_t	at;
};

typedef void (*bnet_sms_cb)(const struct bnet_sms *sms, enum bnet_fate fate,
    void *arg);
typedef void (*bnet_event_cb)(struct bnet_node *node,
    const struct smsdtls_event *ev, void *arg);

/* A network with the SMSC configured by conf; the callbacks (either may
 * be NULL) get arg. */
struct bnet *bnet_new(const struct smsc_conf *conf, bnet_sms_cb sms_cb,
	    bnet_event_cb event_cb, void *arg);
void	bnet_free(struct bnet *net);

/* Add a node with number msisdn and endpoint config cfg; NULL on
 * failure (the endpoint refused cfg, or out of memory). */
struct bnet_node *bnet_add(struct bnet *net, const char *msisdn,
	    const struct smsdtls_config *cfg);

struct smsdtls_endpoint *bnet_endpoint(const struct bnet_node *node);
struct smsc_station *bnet_station(const struct bnet_node *node);
void	bnet_set_user(struct bnet_node *node, void *user);
void	*bnet_user(const struct bnet_node *node);
/* The SMS peer of node at the given ports. */
struct smsdtls_peer bnet_peer(const struct bnet_node *node, uint16_t port,
	    uint16_t local_port);

int64_t	bnet_now(const struct bnet *net);
struct smsc *bnet_smsc(const struct bnet *net);

/* Advance virtual time until done(net, arg) is true (checked after
 * every step) or nothing is due before until; returns done's answer. */
bool	bnet_run(struct bnet *net, int64_t until,
	    bool (*done)(struct bnet *, void *), void *arg);

#endif /* BENCH_BNET_H */
