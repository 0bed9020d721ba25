/*
 * smsdtlsd.h - the gateway and device-bridge daemon's shared state.
 *
 * The daemon stacks, per SMS bearer (a modem or a link to the simulated
 * SMSC), an SMS transport (libsmsdtls) and, unless it relays, a DTLS
 * endpoint.  The role modules sit on top:
 *
 *   gateway.c  terminating gateway: DTLS server over SMS, one UDP socket
 *              per device towards the upstream, static port mappings;
 *   relay.c    DTLS passes through between SMS and a UDP DTLS server;
 *   bridge.c   device bridge: a local UDP port whose datagrams travel as
 *              DTLS over SMS to the gateway.
 *
 * sms.c joins bearers, transports and the outgoing journal; devices.c is
 * the table of devices the gateway and relay keep; metrics.c serves the
 * counters; main.c reads the config, owns the loop and the signals.
 */
#ifndef SMSDTLSD_H
#define SMSDTLSD_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/smsdtls.h>
#include <smsdtls/event.h>

#include "daemon/bearer.h"

#define SMSD_LINKS_MAX		16
#define SMSD_KEY_MAX		64	/* smsdtls_peer_format() output */
#define SMSD_MSISDN_MAX		24	/* "+" 20 digits, NUL */
#define SMSD_ALLOW_MAX		32
#define SMSD_RATE_SLOTS		4096
#define SMSD_DGRAM_MAX		2048

struct dconf;
struct journal;
struct sessstore;
struct smsd;
struct smsd_dev;

enum smsd_role {
	SMSD_GATEWAY = 0,
	SMSD_RELAY = 1,
	SMSD_BRIDGE = 2
};

/* Why something was dropped: the metrics' "reason" label. */
enum smsd_drop {
	SMSD_DROP_UNKNOWN_SENDER = 0,	/* not in [limits] allow */
	SMSD_DROP_RATE,			/* sender over [limits] rate */
	SMSD_DROP_MALFORMED_SMS,	/* the SMS transport refused it */
	SMSD_DROP_QUEUE_FULL,		/* a device's waiting queue */
	SMSD_DROP_TOO_BIG,		/* over the session's payload */
	SMSD_DROP_NO_SESSION,		/* upstream datagram, no device */
	SMSD_DROP_RECORD_TOO_BIG,	/* relay: a record over the PMTU */
	SMSD_DROP_BEARER_FULL,		/* a bearer's queue */
	SMSD_DROP_EXPIRED,		/* journaled SMS past its VP */
	SMSD_DROP_SEND_FAILED,		/* a bearer gave up */
	SMSD_DROP_N
};

/* The runtime options main.c derives from the config file. */
struct smsd_opts {
	uint8_t	role;			/* enum smsd_role */
	bool	wdp;
	uint16_t port;			/* our WDP port */
	struct smsdtls_peer gateway;	/* bridge: the gateway */
	struct sockaddr_storage upstream; /* gateway, relay */
	socklen_t upstream_len;
	struct sockaddr_storage bind;	/* per-device sockets, port 0 */
	socklen_t bind_len;
	struct sockaddr_storage listen;	/* bridge: applications */
	socklen_t listen_len;
	size_t	queue_max;		/* per device, while waiting */
	double	rate;			/* SMS per second per sender, 0 off */
	double	rate_burst;
	char	allow[SMSD_ALLOW_MAX][24];	/* sender prefixes */
	size_t	nallow;			/* 0: everyone */
	int64_t	socket_idle_ms;		/* close idle device sockets */
	bool	concat;			/* relay: oversize records */
	uint32_t app_validity_s;
};

/* One bearer and what is stacked on it. */
struct smsd_link {
	struct smsd *d;
	char	name[32];
	struct bearer *b;
	struct smsdtls_sms *sms;
	struct smsdtls_endpoint *ep;	/* NULL when relaying */
	struct smsdtls_evdrv *drv;
	struct event *expire;		/* SMS reassembly timer */
	enum bearer_health health;
	uint64_t sms_in, sms_out, reports;
};

struct smsd_stats {
	uint64_t drops[SMSD_DROP_N];
	uint64_t udp_in, udp_out;	/* datagrams to and from UDP */
	uint64_t journal_replayed;
	uint64_t sessions_restored;
	uint64_t reloads;
	uint64_t devices;		/* gauge */
};

struct smsd {
	struct event_base *base;
	struct smsd_opts o;
	struct smsdtls_config cfg;	/* the endpoints' */
	struct smsd_link links[SMSD_LINKS_MAX];
	size_t	nlinks;
	struct journal *journal;	/* NULL: no state directory */
	struct sessstore *store;
	struct smsd_stats st;
	int	log_level;
	bool	syslog;
	bool	stopping;

	/* devices.c */
	struct smsd_dev **dev_tab;
	size_t	dev_cap, ndev;
	struct event *sweep;

	/* per-sender token buckets (limits) */
	struct smsd_bucket {
		char	msisdn[24];
		double	tokens;
		int64_t	at;
	} rate[SMSD_RATE_SLOTS];

	/* gateway.c: static mappings, MSISDN to local UDP port */
	struct smsd_map {
		char	msisdn[24];
		uint16_t port;
	} *maps;
	size_t	nmaps;

	/* bridge.c */
	struct smsd_bridge *bridge;
};

/* --- main.c */
void	smsd_log(struct smsd *d, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	smsd_drop(struct smsd *d, enum smsd_drop why);
int64_t	smsd_now(void);			/* monotonic ms */
int64_t	smsd_wall_ms(void);		/* realtime ms */
const char *smsd_drop_name(enum smsd_drop why);

/* --- sms.c: bearers, transports, journal */
smsdtls_rc smsd_link_start(struct smsd *d, struct smsd_link *l,
	    const struct smsdtls_sms_config *scfg);
void	smsd_link_stop(struct smsd_link *l);
/* Resubmit what the journal holds from a previous run. */
void	smsd_journal_replay(struct smsd *d);
/* The link whose bearer is called name, or NULL. */
struct smsd_link *smsd_link_by_name(struct smsd *d, const char *name);
/* Is the sender of an SMS allowed and within its rate?  Counts drops. */
bool	smsd_sender_ok(struct smsd *d, const struct smsdtls_peer *peer,
	    int64_t now);

/* --- the roles: the SMS side hands them what arrives */
smsdtls_rc gateway_start(struct smsd *d);
void	gateway_event(struct smsdtls_endpoint *ep,
	    const struct smsdtls_event *ev, void *arg);
void	gateway_stop(struct smsd *d);
/* Apply d->maps after a reload: open new mappings, release old ones. */
bool	gateway_apply_maps(struct smsd *d);

smsdtls_rc relay_start(struct smsd *d);
void	relay_input(struct smsd_link *l, const struct smsdtls_peer *peer,
	    const uint8_t *data, size_t len);
void	relay_stop(struct smsd *d);

smsdtls_rc bridge_start(struct smsd *d);
void	bridge_event(struct smsdtls_endpoint *ep,
	    const struct smsdtls_event *ev, void *arg);
void	bridge_stop(struct smsd *d);
/* Take a session restored from the state directory as the bridge's. */
void	bridge_adopt(struct smsd *d, struct smsdtls_session *s);

/* --- persist.c: sessions in the state directory */
void	smsd_sessions_restore(struct smsd *d);
void	smsd_session_save(struct smsd *d, struct smsdtls_session *s);
void	smsd_session_forget(struct smsd *d, const struct smsdtls_peer *peer);
void	smsd_sessions_save_all(struct smsd *d);

/* --- metrics.c */
smsdtls_rc metrics_start(struct smsd *d, const char *addr);
void	metrics_stop(void);
/* Write the Prometheus text exposition of d into buf (for tests too). */
size_t	metrics_render(struct smsd *d, char *buf, size_t buflen);

#endif /* SMSDTLSD_H */
