/*
 * vnet.h - the virtual-time network that the tests and the benchmarks
 * drive: the simulated SMSC core (smsc/smsc.h) with one station per
 * node, each node an SMS transport (TS 23.040 SUBMIT and DELIVER, WDP
 * ports as configured) and a DTLS endpoint.  vnet_run() jumps from
 * deadline to deadline, so a handshake with minutes of SMS latency runs
 * in microseconds.
 *
 * The core records nothing.  It reports every SMS with its fate and
 * every session event to the caller's hooks, so that a benchmark can
 * follow thousands of handshakes in bounded memory; tests/simnet.c
 * records them in arrays for the tests' assertions, bench/bnet.c passes
 * them on to the benchmarks.  It sits above the library and libsmsc and
 * below both: the library never uses it.
 *
 * Single-threaded.  A hook may call into the library (send on a
 * session, connect) but never vnet_add() or vnet_free().
 */
#ifndef SIM_VNET_H
#define SIM_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/smsdtls.h>

#include "smsc/smsc.h"

struct vnet;
struct vnet_node;

/* What happened to an SMS.  Each SMS is SUBMITTED when a node hands it
 * to the SMSC, then REFUSED, LOST, EXPIRED or (its datagram complete)
 * DELIVERED. */
enum vnet_fate {
	VNET_SUBMITTED = 0,
	VNET_REFUSED = 1,	/* the SMSC refused the SUBMIT */
	VNET_LOST = 2,		/* lost on the link */
	VNET_EXPIRED = 3,	/* its validity period ended in the SMSC */
	VNET_DELIVERED = 4	/* its datagram handed to the destination */
};

/*
 * One SMS as the hooks see it; every pointer is valid for the call only.
 * For DELIVERED it is the datagram the destination's transport put
 * together (one or, with concatenation, several SMS).
 */
struct vnet_sms {
	struct vnet_node *src;		/* NULL: not a node of the net */
	struct vnet_node *dst;		/* NULL: not a node of the net */
	const struct smsdtls_tpdu *tpdu; /* decoded; NULL for DELIVERED */
	size_t	tpdu_len;		/* octets of the TPDU, 0 DELIVERED */
	uint16_t src_port;		/* WDP ports, 0 if the UDH has none */
	uint16_t dst_port;
	const uint8_t *data;		/* the user data after the UDH */
	size_t	len;
	bool	handshake;		/* SUBMITTED, REFUSED: send info */
	uint32_t vp_s;			/* SUBMITTED, REFUSED: TP-VP */
	int64_t	at;
};

/* The caller's hooks, each optional; all get vnet_new()'s arg. */
struct vnet_hooks {
	void	(*sms)(const struct vnet_sms *sms, enum vnet_fate fate,
		    void *arg);
	/* A status report reached node (its SMS's sender). */
	void	(*report)(struct vnet_node *node,
		    const struct smsdtls_sms_rx *rx, void *arg);
	void	(*event)(struct vnet_node *node,
		    const struct smsdtls_event *ev, void *arg);
};

/* A network with the SMSC configured by conf (as smsc_new()); hooks is
 * copied (NULL: none).  NULL on failure.  Free with vnet_free(). */
struct vnet *vnet_new(const struct smsc_conf *conf,
	    const struct vnet_hooks *hooks, void *arg);
void	vnet_free(struct vnet *net);

/*
 * Keep virtual time in *clock, a variable of the caller's that the core
 * reads and advances, instead of its own; the caller may move it forward
 * between runs (tests/simnet.h exposes it as a field).  *clock must
 * outlive net.
 */
void	vnet_set_clock(struct vnet *net, int64_t *clock);

/* Add a node with number msisdn, endpoint config cfg and SMS config
 * scfg (NULL: the defaults with relative and enhanced VP accepted);
 * user is the caller's, for vnet_user().  NULL on failure (the endpoint
 * or transport refused its config, or out of memory). */
struct vnet_node *vnet_add(struct vnet *net, const char *msisdn,
	    const struct smsdtls_config *cfg,
	    const struct smsdtls_sms_config *scfg, void *user);

void	*vnet_user(const struct vnet_node *node);
struct smsdtls_endpoint *vnet_endpoint(const struct vnet_node *node);
struct smsdtls_sms *vnet_transport(const struct vnet_node *node);
struct smsc_station *vnet_station(const struct vnet_node *node);
/* The SMS peer of node at the given ports. */
struct smsdtls_peer vnet_peer(const struct vnet_node *node, uint16_t port,
	    uint16_t local_port);

int64_t	vnet_now(const struct vnet *net);
struct smsc *vnet_smsc(const struct vnet *net);

/*
 * Advance virtual time until done(net, arg) is true (asked before the
 * first step and after every step) or nothing is due before until, at
 * which time the clock stops (unless until is SMSDTLS_NEVER).  A step
 * runs the SMSC, then each node's timers in the order they were added.
 * Returns done's last answer; false if done is NULL.
 */
bool	vnet_run(struct vnet *net, int64_t until,
	    bool (*done)(struct vnet *, void *), void *arg);

#endif /* SIM_VNET_H */
