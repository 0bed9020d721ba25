/*
 * smsc.h - the simulated SMSC's routing core: a sans-IO, virtual-time
 * store-and-forward SMS service centre with virtual mobile stations
 * (3GPP TS 23.040 3.1, 9.2.2; see docs/smsc.md for the model).
 *
 * Stations submit SMS-SUBMIT TPDUs and get SMS-DELIVER and
 * SMS-STATUS-REPORT TPDUs through their delivery callback.  The core
 * never reads the clock: every call takes now (monotonic milliseconds);
 * smsc_next_deadline() says when something is next due and smsc_run()
 * processes it.  Time never goes backwards: a now earlier than the latest
 * time already seen is taken as that time.
 *
 * Links.  A message (DELIVER or STATUS-REPORT) travels over the link of
 * the station it is delivered to: that station's netmodel parameters
 * decide its latency, loss, duplication and hold-back, its MT rate limit
 * paces it, and it waits while that station is offline.  The sending
 * station's MO rate limit paces the submits it makes, and its
 * reject_evp and reject switch decide whether they are accepted.
 *
 * Single-threaded.  Callbacks may call smsc_submit(), smsc_station_*()
 * and the getters re-entrantly, never smsc_free().  The log callback
 * must not change the SMSC (getters only).
 */
#ifndef SMSC_H
#define SMSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

#include "smsc/netmodel.h"

/* smsc_next_deadline() when nothing is scheduled. */
#define SMSC_NEVER		INT64_MAX

/* TP-ST values the core reports (TS 23.040 9.2.3.15). */
#define SMSC_ST_DELIVERED	0x00	/* received by the SME */
#define SMSC_ST_NOT_OBTAINABLE	0x43	/* permanent: unknown TP-DA */
#define SMSC_ST_VP_EXPIRED	0x46	/* permanent: VP expired */

/* +CMS ERROR codes (TS 27.005 3.2.5, TS 24.011 8.2.5.4, TS 23.040
 * 9.2.3.22) that smsc_last_cms_error() gives for a refused submit. */
#define SMSC_CMS_CONGESTION	42	/* queue cap (SMSDTLS_ELIMIT) */
#define SMSC_CMS_VPF_UNSUPP	198	/* enhanced VP refused */
#define SMSC_CMS_PDU_INVALID	304	/* malformed SUBMIT */
#define SMSC_CMS_NO_NETWORK	331	/* station offline */
#define SMSC_CMS_UNKNOWN	500	/* out of memory */

struct smsc;
struct smsc_station;

/* Per-station behaviour; smsc_conf.station is the default for all. */
struct smsc_station_conf {
	struct netmodel_params net; /* link towards this station (MT) */
	uint32_t mo_per_min;	/* submits per minute, 0: no limit */
	uint32_t mt_per_min;	/* deliveries per minute, 0: no limit */
	uint32_t burst;		/* bucket depth of both limits, >= 1 */
	bool	reject_evp;	/* refuse enhanced TP-VP (cms 198) */
};

struct smsc_conf {
	uint64_t seed;		/* the one seed of all randomness */
	char	country_code[4]; /* digits, "": national DA unroutable */
	int64_t	epoch;		/* Unix seconds at now == 0 */
	int8_t	tz;		/* time zone, quarter-hours, -48..56 */
	uint32_t default_vp;	/* seconds, when a SUBMIT has no TP-VP */
	uint32_t report_vp;	/* seconds a status report is kept */
	size_t	max_queued;	/* messages held, all stations */
	size_t	max_queued_station; /* messages held for one station */
	size_t	max_stations;
	struct smsc_station_conf station;
};

/* Statistics; counters only grow, except queued. */
struct smsc_stats {
	uint64_t submitted;	/* SUBMITs accepted (TP-MR assigned) */
	uint64_t rejected;	/* SUBMITs refused, any reason */
	uint64_t rejected_limit; /* of which refused by a queue cap */
	uint64_t delivered;	/* SMS-DELIVERs handed over, copies too */
	uint64_t reports_sent;	/* SMS-STATUS-REPORTs handed over */
	uint64_t lost;		/* messages and reports lost */
	uint64_t duplicated;	/* extra copies made */
	uint64_t expired;	/* messages and reports past their VP */
	uint64_t unknown_dest;	/* SUBMITs to no known station */
	uint64_t dropped_limit;	/* reports, copies not made: cap */
	uint64_t events;	/* timed events processed */
	uint64_t queued;	/* messages held now */
};

/*
 * Delivery to station st: tpdu is a complete SMS-DELIVER or
 * SMS-STATUS-REPORT (type says which) without the SMSC prefix, valid
 * during the call only.  now is the time of the delivery.
 */
typedef void (*smsc_deliver_cb)(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg);

enum smsc_log_kind {
	SMSC_LOG_SUBMIT = 0,	/* SUBMIT accepted from station */
	SMSC_LOG_REJECT = 1,	/* SUBMIT refused: reason, rc, cms */
	SMSC_LOG_DELIVER = 2,	/* DELIVER handed to station */
	SMSC_LOG_REPORT = 3,	/* STATUS-REPORT handed to station */
	SMSC_LOG_DROP = 4	/* a TPDU dropped: reason */
};

enum smsc_reason {
	SMSC_REASON_NONE = 0,
	SMSC_REASON_LOST = 1,		/* lost on the link */
	SMSC_REASON_EXPIRED = 2,	/* validity period ended */
	SMSC_REASON_UNKNOWN_DEST = 3,	/* TP-DA is no station */
	SMSC_REASON_MALFORMED = 4,	/* SUBMIT did not decode */
	SMSC_REASON_LIMIT = 5,		/* a queue cap */
	SMSC_REASON_BARRED = 6,		/* smsc_station_reject() */
	SMSC_REASON_OFFLINE = 7,	/* submitting station offline */
	SMSC_REASON_EVP = 8,		/* enhanced VP refused */
	SMSC_REASON_DUPLICATE = 9,	/* DELIVER: this is the extra copy */
	SMSC_REASON_NOMEM = 10
};

/*
 * One TPDU the core handled.  station is the MSISDN ("+4477...") of the
 * station that submitted it or that it is (or was) for; peer is the other
 * party (the sender of a DELIVER, TP-DA of a SUBMIT, TP-RA of a report),
 * "" if none.  pdu is valid during the call only.
 */
struct smsc_log_event {
	int64_t	now;
	uint8_t	kind;		/* enum smsc_log_kind */
	uint8_t	reason;		/* enum smsc_reason */
	uint8_t	type;		/* enum smsdtls_tpdu_type of pdu */
	uint8_t	mr;		/* TP-MR assigned (SUBMIT, REPORT) */
	smsdtls_rc rc;		/* REJECT */
	int	cms;		/* REJECT */
	const char *station;
	const char *peer;
	const uint8_t *pdu;
	size_t	len;
};

typedef void (*smsc_log_cb)(const struct smsc_log_event *ev, void *arg);

/* Defaults: seed 1, no country code, epoch 2024-01-01T00:00:00Z, tz 0,
 * VP 24 h, report VP 24 h, caps 100000 / 10000 / 100000; links fixed
 * latency 0, no loss, duplication, reordering or rate limit. */
void	smsc_conf_default(struct smsc_conf *conf);

/* New SMSC; conf is copied.  Free with smsc_free().  SMSDTLS_EINVAL for
 * an invalid conf. */
smsdtls_rc smsc_new(const struct smsc_conf *conf, struct smsc **out);
void	smsc_free(struct smsc *sc);

void	smsc_set_log_cb(struct smsc *sc, smsc_log_cb cb, void *arg);

/*
 * Add a station with MSISDN msisdn ("+447700900123", or national form
 * with the country code configured), online, with the default conf.
 * The station lives as long as sc.  SMSDTLS_EADDR: not a number;
 * SMSDTLS_EDUP: already there; SMSDTLS_ELIMIT: max_stations.
 */
smsdtls_rc smsc_station_add(struct smsc *sc, const char *msisdn,
    smsc_deliver_cb cb, void *arg, struct smsc_station **out);

/* Station by MSISDN in any form canonicalisation accepts, or NULL. */
struct smsc_station *smsc_station_find(const struct smsc *sc,
    const char *msisdn);

/* "+447700900123": the canonical MSISDN of st. */
const char *smsc_station_msisdn(const struct smsc_station *st);

/* Override or read the behaviour of one station (EINVAL if invalid). */
smsdtls_rc smsc_station_set_conf(struct smsc *sc, struct smsc_station *st,
    const struct smsc_station_conf *conf);
void	smsc_station_get_conf(const struct smsc_station *st,
	    struct smsc_station_conf *conf);

/*
 * Take st offline or bring it back.  Offline, messages for it wait
 * (until their VP ends) and its submits are refused (+CMS ERROR 331).
 * Back online, the waiting messages are delivered in arrival order from
 * now on, through its MT rate limit.
 */
void	smsc_station_set_online(struct smsc *sc, struct smsc_station *st,
	    bool online, int64_t now);
bool	smsc_station_online(const struct smsc_station *st);

/* Refuse st's submits with +CMS ERROR cms (rc SMSDTLS_AGAIN) while
 * now < until; cms 0 clears the switch. */
void	smsc_station_reject(struct smsc *sc, struct smsc_station *st,
	    int cms, int64_t until);

/* Messages held for st now. */
size_t	smsc_station_queued(const struct smsc_station *st);

/*
 * Station st submits the SMS-SUBMIT tpdu (no SMSC prefix; its TP-MR is
 * ignored).  On success *mr is the TP-MR assigned, as +CMGS reports it
 * (a per-station counter from 0, modulo 256).  Errors, with nothing
 * queued and no state changed except the statistics:
 *   the codec's rc (SMSDTLS_ETRUNC, EPROTO, ...): malformed, cms 304;
 *   SMSDTLS_EUNSUPP: enhanced VP with reject_evp, cms 198;
 *   SMSDTLS_AGAIN: station offline (cms 331) or reject switch on;
 *   SMSDTLS_ELIMIT: a queue cap, cms 42;
 *   SMSDTLS_ENOMEM, cms 500.
 * The cms code of the latest refusal is smsc_last_cms_error().
 * A TP-DA that is no station is accepted and dropped (see docs).
 */
smsdtls_rc smsc_submit(struct smsc *sc, struct smsc_station *st,
    const uint8_t *tpdu, size_t len, int64_t now, uint8_t *mr);

int	smsc_last_cms_error(const struct smsc *sc);

/* Time of the next due event, SMSC_NEVER if none. */
int64_t	smsc_next_deadline(const struct smsc *sc);

/*
 * Process every event due at or before now, including those that
 * callbacks create on the way, in (time, creation) order.  Each is
 * handled at its own due time, so one call with a late now gives the
 * same TPDUs as stepping through the deadlines.  Returns the number of
 * events processed.
 */
size_t	smsc_run(struct smsc *sc, int64_t now);

void	smsc_get_stats(const struct smsc *sc, struct smsc_stats *stats);

/* The simulated wall clock at now, as a TP-SCTS (epoch + now, tz). */
void	smsc_scts(const struct smsc *sc, int64_t now,
	    struct smsdtls_scts *scts);

/* Static name of a reason ("lost", "expired", ...). */
const char *smsc_reason_name(enum smsc_reason reason);

#endif /* SMSC_H */
