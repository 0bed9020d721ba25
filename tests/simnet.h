/*
 * simnet.h - the tests' virtual-time network: the core of sim/vnet.h
 * (the simulated SMSC with one station per node, each node an SMS
 * transport and a DTLS endpoint) plus a record of what each node sent
 * and saw, in fixed arrays, for the tests' assertions.  simnet_run()
 * advances virtual time from deadline to deadline, so a handshake with
 * minutes of SMS latency runs in microseconds.
 */
#ifndef SIMNET_H
#define SIMNET_H

#include <stdbool.h>
#include <stdint.h>

#include <smsdtls/smsdtls.h>

#include "sim/vnet.h"
#include "smsc/smsc.h"

#define SIMNET_MAX_NODES	8
#define SIMNET_MAX_SENT		512
#define SIMNET_MAX_EVENTS	512

/* One SMS-SUBMIT a node handed to the SMSC, as the bearer saw it. */
struct simnet_sms {
	int64_t	at;
	size_t	tpdu_len;
	size_t	dgram_len;	/* WDP payload: the DTLS datagram */
	uint32_t vp_seconds;
	uint8_t	vp_format;
	bool	handshake;
	uint8_t	first_type;	/* content type of the first record */
	uint8_t	first_hs;	/* its handshake type if any */
	uint8_t	nrec;		/* records in the datagram */
	uint8_t	data[140];	/* the datagram itself */
};

struct simnet_event {
	int64_t	at;
	uint8_t	type;
	smsdtls_rc rc;
	int	detail;
	bool	resumed;
	size_t	len;
	uint8_t	data[256];
};

struct simnet_node {
	struct simnet *net;
	struct vnet_node *vn;
	char	msisdn[24];
	struct smsc_station *st;
	struct smsdtls_sms *sms;
	struct smsdtls_endpoint *ep;
	struct smsdtls_session *session; /* last CONNECTED session */
	size_t	nsent;
	struct simnet_sms sent[SIMNET_MAX_SENT];
	size_t	nevents;
	struct simnet_event events[SIMNET_MAX_EVENTS];
	unsigned connected, data, closed, errors, reports;
	bool	echo;		/* send every DATA back */
};

struct simnet {
	struct vnet *core;
	struct smsc *sc;	/* the core's */
	int64_t	now;		/* the core's clock; may be moved forward */
	size_t	n;
	struct simnet_node *nodes[SIMNET_MAX_NODES];
};

/* A network with the SMSC configured by conf (NULL: defaults, fixed 1 s
 * latency, seed 1). */
struct simnet *simnet_new(const struct smsc_conf *conf);
void	simnet_free(struct simnet *net);

/* Add a node with number msisdn, endpoint config cfg, SMS config scfg
 * (NULL: defaults with enhanced VP accepted). */
struct simnet_node *simnet_add(struct simnet *net, const char *msisdn,
	    const struct smsdtls_config *cfg,
	    const struct smsdtls_sms_config *scfg);

/* The SMS peer of node at the given ports. */
struct smsdtls_peer simnet_peer(const struct simnet_node *node,
	    uint16_t port, uint16_t local_port);

/* Advance virtual time until done(arg) is true or until is reached;
 * returns done's last answer. */
bool	simnet_run(struct simnet *net, int64_t until,
	    bool (*done)(struct simnet *, void *), void *arg);

/* Count node's SMS sent with the handshake flag as given. */
size_t	simnet_count(const struct simnet_node *node, bool handshake);

#endif /* SIMNET_H */
