/*
 * smsc.c - the simulated SMSC's routing core: store-and-forward of
 * SMS-SUBMIT to SMS-DELIVER and SMS-STATUS-REPORT (3GPP TS 23.040 3.1,
 * 9.2.2.1-9.2.2.3), in injected virtual time (docs/smsc.md).
 *
 * Every message held by the SMSC sits in one binary heap keyed by (due
 * time, sequence number), so events due at the same time keep their
 * creation order.  A message's next event is ARRIVE (its latency has
 * passed), DELIVER (its MT rate-limit slot has come) or EXPIRE (its
 * validity period ends while it waits for an offline station, which also
 * keeps it on that station's parked list).  Every random draw comes from
 * per-station streams derived from the one seed, a fixed number per
 * message, and the core finishes its own work on an event before calling
 * out, so callbacks can re-enter smsc_submit() without changing the draws
 * or the order of anything already decided.
 */
#include "config.h"

#include <sys/queue.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "smsc/netmodel.h"
#include "smsc/smsc.h"

#define EV_ARRIVE	0
#define EV_DELIVER	1
#define EV_EXPIRE	2

/* Wall clock the TPDU codec can write: TP-SCTS years 1990-2089. */
#define EPOCH_MIN	631152000LL	/* 1990-01-01T00:00:00Z */
#define EPOCH_MAX	3786911999LL	/* 2089-12-31T23:59:59Z */

struct smsc_msg {
	int64_t		 due;		/* heap key, then seq */
	uint64_t	 seq;
	size_t		 hidx;		/* index in sc->heap */
	int64_t		 submitted;	/* SUBMIT accepted */
	int64_t		 expires;	/* end of the validity period */
	struct smsc_station *src;	/* sender; NULL for a report */
	struct smsc_station *dst;	/* station it is for */
	TAILQ_ENTRY(smsc_msg) entry;	/* dst->parked or sc->freeq */
	struct smsdtls_addr ra;		/* TP-DA as submitted */
	uint8_t		 ev;		/* EV_* due at due */
	uint8_t		 type;		/* TPDU type */
	uint8_t		 mr;
	bool		 srr;		/* a status report is owed */
	bool		 dup;		/* the extra copy */
	bool		 parked;
	size_t		 len;
	uint8_t		 pdu[SMSDTLS_PDU_MAX];
};

TAILQ_HEAD(smsc_msgq, smsc_msg);

struct smsc_station {
	struct smsdtls_addr addr;	/* canonical */
	char		 msisdn[SMSDTLS_ADDR_TEXT_MAX + 1];
	struct smsc_station_conf conf;
	struct netmodel_rng rng_mo;	/* fates of its submits */
	struct netmodel_rng rng_sr;	/* fates of reports to it */
	smsc_deliver_cb	 cb;
	void		*arg;
	bool		 online;
	uint8_t		 next_mr;
	int		 reject_cms;
	int64_t		 reject_until;
	int64_t		 mo_tat;	/* token buckets, microseconds */
	int64_t		 mt_tat;
	size_t		 queued;
	struct smsc_msgq parked;	/* waiting while offline */
};

struct smsc {
	struct smsc_conf conf;
	const char	*cc;		/* country code or NULL */
	smsc_log_cb	 logcb;
	void		*logarg;
	int64_t		 clock;		/* latest time seen */
	uint64_t	 seq;
	int		 last_cms;
	struct smsc_stats stats;
	struct smsc_msg	**heap;
	size_t		 hlen, hcap;
	struct smsc_msgq freeq;
	struct smsc_station **tab;	/* open addressing by MSISDN */
	size_t		 tabsz, nst;
};

static bool	conf_valid(const struct smsc_conf *);
static bool	station_conf_valid(const struct smsc_station_conf *);
static int64_t	clock_at(struct smsc *, int64_t);
static smsdtls_rc submit_check(struct smsc *, struct smsc_station *,
		    const uint8_t *, size_t, int64_t, struct smsdtls_tpdu *,
		    int64_t *, uint8_t *, int *);
static smsdtls_rc submit_reject(struct smsc *, struct smsc_station *,
		    const uint8_t *, size_t, int64_t, smsdtls_rc, uint8_t, int);
static void	submit_log(struct smsc *, struct smsc_station *,
		    const struct smsdtls_tpdu *, const uint8_t *, size_t,
		    int64_t, uint8_t, uint8_t, uint8_t);
static smsdtls_rc deliver_build(const struct smsc *,
		    const struct smsdtls_tpdu *, const struct smsc_station *,
		    int64_t, struct smsc_msg *);
static void	report_send(struct smsc *, struct smsc_station *, uint8_t,
		    const struct smsdtls_addr *, int64_t, int64_t, uint8_t);
static void	msg_dispatch(struct smsc *, struct smsc_msg *,
		    struct netmodel_rng *, int64_t);
static void	msg_schedule(struct smsc *, struct smsc_msg *, int64_t);
static void	msg_arrive(struct smsc *, struct smsc_msg *);
static void	msg_park(struct smsc *, struct smsc_msg *);
static void	msg_deliver(struct smsc *, struct smsc_msg *);
static void	msg_expire(struct smsc *, struct smsc_msg *);
static void	msg_log(struct smsc *, const struct smsc_msg *, uint8_t,
		    uint8_t, int64_t);
static bool	msg_room(const struct smsc *, const struct smsc_station *);
static struct smsc_msg *msg_new(struct smsc *, struct smsc_station *,
		    struct smsc_station *);
static void	msg_free(struct smsc *, struct smsc_msg *);
static void	heap_push(struct smsc *, struct smsc_msg *, int64_t);
static void	heap_remove(struct smsc *, struct smsc_msg *);
static void	heap_up(struct smsc *, size_t);
static void	heap_down(struct smsc *, size_t);
static void	heap_set(struct smsc *, size_t, struct smsc_msg *);
static bool	heap_less(const struct smsc_msg *, const struct smsc_msg *);
static uint64_t	text_hash(const char *);
static struct smsc_station **tab_slot(const struct smsc *, const char *);
static struct smsc_station *tab_find(const struct smsc *, const char *);
static smsdtls_rc tab_grow(struct smsc *);
static struct smsc_station *station_lookup(const struct smsc *,
		    const struct smsdtls_addr *);

static const char *const reason_names[] = {
	[SMSC_REASON_NONE] = "none",
	[SMSC_REASON_LOST] = "lost",
	[SMSC_REASON_EXPIRED] = "expired",
	[SMSC_REASON_UNKNOWN_DEST] = "unknown-destination",
	[SMSC_REASON_MALFORMED] = "malformed",
	[SMSC_REASON_LIMIT] = "queue-full",
	[SMSC_REASON_BARRED] = "barred",
	[SMSC_REASON_OFFLINE] = "offline",
	[SMSC_REASON_EVP] = "enhanced-vp-refused",
	[SMSC_REASON_DUPLICATE] = "duplicate",
	[SMSC_REASON_NOMEM] = "out-of-memory",
};

void
smsc_conf_default(struct smsc_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->seed = 1;
	conf->epoch = 1704067200;	/* 2024-01-01T00:00:00Z */
	conf->default_vp = 24 * 3600;
	conf->report_vp = 24 * 3600;
	conf->max_queued = 100000;
	conf->max_queued_station = 10000;
	conf->max_stations = 100000;
	conf->station.net.latency.dist = NETMODEL_FIXED;
	conf->station.burst = 1;
}

smsdtls_rc
smsc_new(const struct smsc_conf *conf, struct smsc **out)
{
	struct smsc *sc;

	if (conf == NULL || out == NULL || !conf_valid(conf))
		return SMSDTLS_EINVAL;
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return SMSDTLS_ENOMEM;
	sc->conf = *conf;
	sc->cc = sc->conf.country_code[0] != '\0' ? sc->conf.country_code :
	    NULL;
	sc->clock = INT64_MIN;
	TAILQ_INIT(&sc->freeq);
	*out = sc;
	return SMSDTLS_OK;
}

void
smsc_free(struct smsc *sc)
{
	struct smsc_msg *m;
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->hlen; i++)
		free(sc->heap[i]);
	while ((m = TAILQ_FIRST(&sc->freeq)) != NULL) {
		TAILQ_REMOVE(&sc->freeq, m, entry);
		free(m);
	}
	for (i = 0; i < sc->tabsz; i++)
		free(sc->tab[i]);
	free(sc->tab);
	free(sc->heap);
	free(sc);
}

void
smsc_set_log_cb(struct smsc *sc, smsc_log_cb cb, void *arg)
{
	sc->logcb = cb;
	sc->logarg = arg;
}

smsdtls_rc
smsc_station_add(struct smsc *sc, const char *msisdn, smsc_deliver_cb cb,
    void *arg, struct smsc_station **out)
{
	struct smsdtls_addr a, c;
	struct smsc_station *st, **slot;
	uint64_t x;
	smsdtls_rc rc;

	if (sc == NULL || msisdn == NULL)
		return SMSDTLS_EINVAL;
	if ((rc = smsdtls_addr_parse(msisdn, &a)) != SMSDTLS_OK ||
	    (rc = smsdtls_addr_canonical(&a, sc->cc, &c)) != SMSDTLS_OK)
		return SMSDTLS_EADDR;
	if (tab_find(sc, c.text) != NULL)
		return SMSDTLS_EDUP;
	if (sc->nst >= sc->conf.max_stations)
		return SMSDTLS_ELIMIT;
	if ((rc = tab_grow(sc)) != SMSDTLS_OK)
		return rc;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return SMSDTLS_ENOMEM;
	st->addr = c;
	st->msisdn[0] = '+';
	memcpy(st->msisdn + 1, c.text, sizeof(c.text));
	st->conf = sc->conf.station;
	/* Streams depend on the seed and the MSISDN, not on the order of
	 * addition or on other stations' traffic. */
	x = sc->conf.seed ^ text_hash(c.text);
	netmodel_rng_seed(&st->rng_mo, netmodel_splitmix(&x));
	netmodel_rng_seed(&st->rng_sr, netmodel_splitmix(&x));
	st->cb = cb;
	st->arg = arg;
	st->online = true;
	st->mo_tat = st->mt_tat = NETMODEL_BUCKET_FULL;
	TAILQ_INIT(&st->parked);
	slot = tab_slot(sc, c.text);
	*slot = st;
	sc->nst++;
	if (out != NULL)
		*out = st;
	return SMSDTLS_OK;
}

struct smsc_station *
smsc_station_find(const struct smsc *sc, const char *msisdn)
{
	struct smsdtls_addr a;

	if (sc == NULL || msisdn == NULL ||
	    smsdtls_addr_parse(msisdn, &a) != SMSDTLS_OK)
		return NULL;
	return station_lookup(sc, &a);
}

const char *
smsc_station_msisdn(const struct smsc_station *st)
{
	return st->msisdn;
}

smsdtls_rc
smsc_station_set_conf(struct smsc *sc, struct smsc_station *st,
    const struct smsc_station_conf *conf)
{
	(void)sc;
	if (st == NULL || conf == NULL || !station_conf_valid(conf))
		return SMSDTLS_EINVAL;
	st->conf = *conf;
	return SMSDTLS_OK;
}

void
smsc_station_get_conf(const struct smsc_station *st,
    struct smsc_station_conf *conf)
{
	*conf = st->conf;
}

void
smsc_station_set_online(struct smsc *sc, struct smsc_station *st,
    bool online, int64_t now)
{
	struct smsc_msg *m;

	now = clock_at(sc, now);
	st->online = online;
	if (!online)
		return;
	/* Parked messages leave their EXPIRE slot and arrive now, in the
	 * order they were parked; those past their VP keep it. */
	while ((m = TAILQ_FIRST(&st->parked)) != NULL) {
		TAILQ_REMOVE(&st->parked, m, entry);
		m->parked = false;
		if (m->expires < now)
			continue;
		heap_remove(sc, m);
		m->ev = EV_ARRIVE;
		heap_push(sc, m, now);
	}
}

bool
smsc_station_online(const struct smsc_station *st)
{
	return st->online;
}

void
smsc_station_reject(struct smsc *sc, struct smsc_station *st, int cms,
    int64_t until)
{
	(void)sc;
	st->reject_cms = cms;
	st->reject_until = until;
}

size_t
smsc_station_queued(const struct smsc_station *st)
{
	return st->queued;
}

smsdtls_rc
smsc_submit(struct smsc *sc, struct smsc_station *st, const uint8_t *tpdu,
    size_t len, int64_t now, uint8_t *mr)
{
	struct smsdtls_tpdu in;
	struct smsc_station *dst;
	struct smsc_msg *m = NULL;
	int64_t expires;
	uint8_t reason, ref;
	int cms;
	smsdtls_rc rc;

	if (sc == NULL || st == NULL || tpdu == NULL || mr == NULL)
		return SMSDTLS_EINVAL;
	now = clock_at(sc, now);
	rc = submit_check(sc, st, tpdu, len, now, &in, &expires, &reason,
	    &cms);
	if (rc != SMSDTLS_OK)
		return submit_reject(sc, st, tpdu, len, now, rc, reason, cms);
	if ((dst = station_lookup(sc, &in.addr)) != NULL) {
		if (!msg_room(sc, dst))
			return submit_reject(sc, st, tpdu, len, now,
			    SMSDTLS_ELIMIT, SMSC_REASON_LIMIT,
			    SMSC_CMS_CONGESTION);
		if ((m = msg_new(sc, st, dst)) == NULL)
			return submit_reject(sc, st, tpdu, len, now,
			    SMSDTLS_ENOMEM, SMSC_REASON_NOMEM,
			    SMSC_CMS_UNKNOWN);
		if ((rc = deliver_build(sc, &in, st, now, m)) != SMSDTLS_OK) {
			msg_free(sc, m);
			return submit_reject(sc, st, tpdu, len, now, rc,
			    SMSC_REASON_MALFORMED, SMSC_CMS_PDU_INVALID);
		}
	}

	/* Accepted: from here on nothing fails. */
	ref = st->next_mr++;
	sc->stats.submitted++;
	submit_log(sc, st, &in, tpdu, len, now, SMSC_LOG_SUBMIT,
	    SMSC_REASON_NONE, ref);
	if (m == NULL) {
		sc->stats.unknown_dest++;
		submit_log(sc, st, &in, tpdu, len, now, SMSC_LOG_DROP,
		    SMSC_REASON_UNKNOWN_DEST, ref);
		if (in.status_report)
			report_send(sc, st, ref, &in.addr, now, now,
			    SMSC_ST_NOT_OBTAINABLE);
	} else {
		m->mr = ref;
		m->srr = in.status_report;
		m->ra = in.addr;
		m->submitted = now;
		m->expires = expires;
		msg_dispatch(sc, m, &st->rng_mo, netmodel_bucket(&st->mo_tat,
		    st->conf.mo_per_min, st->conf.burst, now, true));
	}
	*mr = ref;
	return SMSDTLS_OK;
}

int
smsc_last_cms_error(const struct smsc *sc)
{
	return sc->last_cms;
}

int64_t
smsc_next_deadline(const struct smsc *sc)
{
	return sc->hlen > 0 ? sc->heap[0]->due : SMSC_NEVER;
}

size_t
smsc_run(struct smsc *sc, int64_t now)
{
	struct smsc_msg *m;
	size_t n = 0;

	if (now < sc->clock)
		now = sc->clock;
	while (sc->hlen > 0 && sc->heap[0]->due <= now) {
		m = sc->heap[0];
		heap_remove(sc, m);
		if (m->due > sc->clock)
			sc->clock = m->due;
		n++;
		sc->stats.events++;
		switch (m->ev) {
		case EV_ARRIVE:
			msg_arrive(sc, m);
			break;
		case EV_DELIVER:
			if (m->dst->online)
				msg_deliver(sc, m);
			else
				msg_park(sc, m);
			break;
		default:
			msg_expire(sc, m);
			break;
		}
	}
	sc->clock = now;
	return n;
}

void
smsc_get_stats(const struct smsc *sc, struct smsc_stats *stats)
{
	*stats = sc->stats;
}

void
smsc_scts(const struct smsc *sc, int64_t now, struct smsdtls_scts *scts)
{
	netmodel_scts(sc->conf.epoch, sc->conf.tz, now, scts);
}

const char *
smsc_reason_name(enum smsc_reason reason)
{
	if ((size_t)reason >= sizeof(reason_names) / sizeof(reason_names[0]))
		return "unknown";
	return reason_names[reason];
}

static bool
conf_valid(const struct smsc_conf *c)
{
	size_t n, i;

	n = strnlen(c->country_code, sizeof(c->country_code));
	if (n == sizeof(c->country_code) ||
	    (n > 0 && c->country_code[0] == '0'))
		return false;
	for (i = 0; i < n; i++)
		if (c->country_code[i] < '0' || c->country_code[i] > '9')
			return false;
	return c->tz >= -48 && c->tz <= 56 && c->epoch >= EPOCH_MIN &&
	    c->epoch <= EPOCH_MAX && c->max_queued > 0 &&
	    c->max_queued_station > 0 && c->max_stations > 0 &&
	    station_conf_valid(&c->station);
}

static bool
station_conf_valid(const struct smsc_station_conf *c)
{
	return c->burst >= 1 && netmodel_params_valid(&c->net);
}

/* Time never goes backwards: an earlier now is the latest time seen. */
static int64_t
clock_at(struct smsc *sc, int64_t now)
{
	if (now < sc->clock)
		return sc->clock;
	sc->clock = now;
	return now;
}

/*
 * Everything that can refuse a SUBMIT before the destination is known:
 * the station's state, the TPDU itself and its validity period.  On
 * success *in is the decoded SUBMIT and *expires the end of its VP.
 */
static smsdtls_rc
submit_check(struct smsc *sc, struct smsc_station *st, const uint8_t *tpdu,
    size_t len, int64_t now, struct smsdtls_tpdu *in, int64_t *expires,
    uint8_t *reason, int *cms)
{
	uint32_t vp = sc->conf.default_vp;
	int64_t wall;
	smsdtls_rc rc;

	*reason = SMSC_REASON_MALFORMED;
	*cms = SMSC_CMS_PDU_INVALID;
	if (st->reject_cms != 0 && now < st->reject_until) {
		*reason = SMSC_REASON_BARRED;
		*cms = st->reject_cms;
		return SMSDTLS_AGAIN;
	}
	if (!st->online) {
		*reason = SMSC_REASON_OFFLINE;
		*cms = SMSC_CMS_NO_NETWORK;
		return SMSDTLS_AGAIN;
	}
	rc = smsdtls_tpdu_decode(tpdu, len, false, SMSDTLS_TPDU_SUBMIT, in);
	if (rc != SMSDTLS_OK)
		return rc;
	if (in->vp.format == SMSDTLS_VPF_ENHANCED && st->conf.reject_evp) {
		*reason = SMSC_REASON_EVP;
		*cms = SMSC_CMS_VPF_UNSUPP;
		return SMSDTLS_EUNSUPP;
	}
	if (in->vp.format != SMSDTLS_VPF_NONE) {
		wall = sc->conf.epoch + netmodel_floordiv(now, 1000);
		rc = smsdtls_vp_seconds(&in->vp, wall, &vp);
		if (rc == SMSDTLS_EINVAL)	/* enhanced, no duration */
			vp = sc->conf.default_vp;
		else if (rc != SMSDTLS_OK)
			return rc;
	}
	*expires = now + (int64_t)vp * 1000;
	return SMSDTLS_OK;
}

static smsdtls_rc
submit_reject(struct smsc *sc, struct smsc_station *st, const uint8_t *tpdu,
    size_t len, int64_t now, smsdtls_rc rc, uint8_t reason, int cms)
{
	struct smsc_log_event ev = { .now = now, .kind = SMSC_LOG_REJECT,
	    .reason = reason, .type = SMSDTLS_TPDU_SUBMIT, .rc = rc,
	    .cms = cms, .station = st->msisdn, .peer = "", .pdu = tpdu,
	    .len = len };

	sc->stats.rejected++;
	if (rc == SMSDTLS_ELIMIT)
		sc->stats.rejected_limit++;
	sc->last_cms = cms;
	if (sc->logcb != NULL)
		sc->logcb(&ev, sc->logarg);
	return rc;
}

/* Log an accepted SUBMIT (or its drop), naming TP-DA as submitted. */
static void
submit_log(struct smsc *sc, struct smsc_station *st,
    const struct smsdtls_tpdu *in, const uint8_t *tpdu, size_t len,
    int64_t now, uint8_t kind, uint8_t reason, uint8_t mr)
{
	char peer[SMSDTLS_ADDR_TEXT_MAX + 2];
	struct smsc_log_event ev = { .now = now, .kind = kind,
	    .reason = reason, .type = SMSDTLS_TPDU_SUBMIT, .mr = mr,
	    .station = st->msisdn, .peer = peer, .pdu = tpdu, .len = len };

	if (sc->logcb == NULL)
		return;
	if (smsdtls_addr_format(&in->addr, peer, sizeof(peer)) != SMSDTLS_OK)
		peer[0] = '\0';
	sc->logcb(&ev, sc->logarg);
}

/*
 * The SMS-DELIVER for a SUBMIT from station from: TP-OA its MSISDN,
 * TP-SCTS now, TP-SRI from TP-SRR, TP-MMS "no more messages"; PID, DCS,
 * UDHI and the user data (UDH included) as submitted.
 */
static smsdtls_rc
deliver_build(const struct smsc *sc, const struct smsdtls_tpdu *in,
    const struct smsc_station *from, int64_t now, struct smsc_msg *m)
{
	struct smsdtls_tpdu d;
	size_t len;
	smsdtls_rc rc;

	d = *in;
	d.type = SMSDTLS_TPDU_DELIVER;
	d.has_smsc = false;
	d.reply_path = false;
	d.reject_duplicates = false;
	d.more_messages = false;
	d.loop_prevention = false;
	d.mr = 0;
	d.addr = from->addr;
	memset(&d.vp, 0, sizeof(d.vp));
	smsc_scts(sc, now, &d.scts);
	rc = smsdtls_tpdu_encode(&d, m->pdu, sizeof(m->pdu), &len, NULL);
	if (rc != SMSDTLS_OK)
		return rc;
	m->len = len;
	m->type = SMSDTLS_TPDU_DELIVER;
	return SMSDTLS_OK;
}

/*
 * Send station to an SMS-STATUS-REPORT for its SUBMIT mr to ra: TP-SCTS
 * the time of the submit, TP-DT at, TP-ST status.  The report travels
 * like any message to that station; past a queue cap it is dropped.
 */
static void
report_send(struct smsc *sc, struct smsc_station *to, uint8_t mr,
    const struct smsdtls_addr *ra, int64_t submitted, int64_t at,
    uint8_t status)
{
	struct smsdtls_tpdu r;
	struct smsc_msg *m, tmp;

	memset(&r, 0, sizeof(r));
	r.type = SMSDTLS_TPDU_STATUS_REPORT;
	r.mr = mr;
	r.addr = *ra;
	r.st = status;
	smsc_scts(sc, submitted, &r.scts);
	smsc_scts(sc, at, &r.dt);
	memset(&tmp, 0, sizeof(tmp));
	tmp.dst = to;
	tmp.ra = *ra;
	tmp.mr = mr;
	tmp.type = SMSDTLS_TPDU_STATUS_REPORT;
	/* Fails only for a wall clock beyond 2089: no report then. */
	if (smsdtls_tpdu_encode(&r, tmp.pdu, sizeof(tmp.pdu), &tmp.len,
	    NULL) != SMSDTLS_OK)
		return;
	if (!msg_room(sc, to) || (m = msg_new(sc, NULL, to)) == NULL) {
		sc->stats.dropped_limit++;
		msg_log(sc, &tmp, SMSC_LOG_DROP, SMSC_REASON_LIMIT, at);
		return;
	}
	*m = tmp;
	m->submitted = submitted;
	m->expires = at + (int64_t)sc->conf.report_vp * 1000;
	msg_dispatch(sc, m, &to->rng_sr, at);
}

/* Put m on its destination's link at time t: draw its fate (from rng),
 * then schedule its arrival and that of a copy. */
static void
msg_dispatch(struct smsc *sc, struct smsc_msg *m, struct netmodel_rng *rng,
    int64_t t)
{
	struct netmodel_fate f;
	struct smsc_msg *c;

	netmodel_fate_draw(&m->dst->conf.net, rng, &f);
	if (f.lost) {
		sc->stats.lost++;
		msg_log(sc, m, SMSC_LOG_DROP, SMSC_REASON_LOST, t);
		msg_free(sc, m);
		return;
	}
	msg_schedule(sc, m, t + f.delay);
	if (!f.dup)
		return;
	if (!msg_room(sc, m->dst) || (c = msg_new(sc, m->src, m->dst)) ==
	    NULL) {
		sc->stats.dropped_limit++;
		msg_log(sc, m, SMSC_LOG_DROP, SMSC_REASON_LIMIT, t);
		return;
	}
	*c = *m;	/* m is in no list: its entry is not live */
	c->dup = true;
	sc->stats.duplicated++;
	msg_schedule(sc, c, t + f.dup_delay);
}

/* Arrival at t, or expiry at the end of the VP if that comes first. */
static void
msg_schedule(struct smsc *sc, struct smsc_msg *m, int64_t t)
{
	if (t > m->expires) {
		m->ev = EV_EXPIRE;
		t = m->expires;
	} else
		m->ev = EV_ARRIVE;
	heap_push(sc, m, t);
}

/* The latency has passed: wait for the station, or for its MT rate
 * limit, or deliver now. */
static void
msg_arrive(struct smsc *sc, struct smsc_msg *m)
{
	struct smsc_station *d = m->dst;
	int64_t rel;

	if (!d->online) {
		msg_park(sc, m);
		return;
	}
	rel = netmodel_bucket(&d->mt_tat, d->conf.mt_per_min, d->conf.burst,
	    m->due, false);
	if (rel > m->expires) {
		m->ev = EV_EXPIRE;
		heap_push(sc, m, m->expires);
		return;
	}
	(void)netmodel_bucket(&d->mt_tat, d->conf.mt_per_min, d->conf.burst,
	    m->due, true);
	if (rel > m->due) {
		m->ev = EV_DELIVER;
		heap_push(sc, m, rel);
		return;
	}
	msg_deliver(sc, m);
}

static void
msg_park(struct smsc *sc, struct smsc_msg *m)
{
	m->parked = true;
	TAILQ_INSERT_TAIL(&m->dst->parked, m, entry);
	m->ev = EV_EXPIRE;
	heap_push(sc, m, m->expires);
}

/*
 * Hand m to its station.  Logging, statistics and the status report are
 * done and m is freed (its slot counts for the report) before the
 * callback, which may re-enter.
 */
static void
msg_deliver(struct smsc *sc, struct smsc_msg *m)
{
	struct smsc_station *d = m->dst, *src = m->src;
	struct smsdtls_addr ra = m->ra;
	uint8_t buf[SMSDTLS_PDU_MAX];
	uint8_t type = m->type, mr = m->mr;
	bool report = m->srr && !m->dup;
	size_t len = m->len;
	int64_t t = m->due, submitted = m->submitted;

	if (type == SMSDTLS_TPDU_DELIVER)
		sc->stats.delivered++;
	else
		sc->stats.reports_sent++;
	msg_log(sc, m, type == SMSDTLS_TPDU_DELIVER ? SMSC_LOG_DELIVER :
	    SMSC_LOG_REPORT, m->dup ? SMSC_REASON_DUPLICATE :
	    SMSC_REASON_NONE, t);
	memcpy(buf, m->pdu, len);
	msg_free(sc, m);
	if (report)
		report_send(sc, src, mr, &ra, submitted, t, SMSC_ST_DELIVERED);
	if (d->cb != NULL)
		d->cb(sc, d, (enum smsdtls_tpdu_type)type, buf, len, t, d->arg);
}

static void
msg_expire(struct smsc *sc, struct smsc_msg *m)
{
	struct smsc_station *src = m->src;
	struct smsdtls_addr ra = m->ra;
	bool report = m->srr && !m->dup;
	uint8_t mr = m->mr;
	int64_t t = m->due, submitted = m->submitted;

	if (m->parked) {
		TAILQ_REMOVE(&m->dst->parked, m, entry);
		m->parked = false;
	}
	sc->stats.expired++;
	msg_log(sc, m, SMSC_LOG_DROP, SMSC_REASON_EXPIRED, t);
	msg_free(sc, m);
	if (report)
		report_send(sc, src, mr, &ra, submitted, t,
		    SMSC_ST_VP_EXPIRED);
}

static void
msg_log(struct smsc *sc, const struct smsc_msg *m, uint8_t kind,
    uint8_t reason, int64_t now)
{
	char peer[SMSDTLS_ADDR_TEXT_MAX + 2];
	struct smsc_log_event ev = { .now = now, .kind = kind,
	    .reason = reason, .type = m->type, .mr = m->mr,
	    .station = m->dst->msisdn, .peer = peer, .pdu = m->pdu,
	    .len = m->len };

	if (sc->logcb == NULL)
		return;
	if (m->src != NULL)
		memcpy(peer, m->src->msisdn, sizeof(m->src->msisdn));
	else if (smsdtls_addr_format(&m->ra, peer, sizeof(peer)) != SMSDTLS_OK)
		peer[0] = '\0';
	sc->logcb(&ev, sc->logarg);
}

/* Is there room for one more message for station d? */
static bool
msg_room(const struct smsc *sc, const struct smsc_station *d)
{
	return sc->stats.queued < sc->conf.max_queued &&
	    d->queued < sc->conf.max_queued_station;
}

/*
 * A message from src (NULL: the SMSC) for dst, counted as queued.  The
 * heap grows here so that every held message has a slot: pushes cannot
 * fail.
 */
static struct smsc_msg *
msg_new(struct smsc *sc, struct smsc_station *src, struct smsc_station *dst)
{
	struct smsc_msg *m, **h;
	size_t cap;

	if (sc->stats.queued + 1 > sc->hcap) {
		cap = sc->hcap < 64 ? 64 : sc->hcap * 2;
		if ((h = reallocarray(sc->heap, cap, sizeof(*h))) == NULL)
			return NULL;
		sc->heap = h;
		sc->hcap = cap;
	}
	if ((m = TAILQ_FIRST(&sc->freeq)) != NULL)
		TAILQ_REMOVE(&sc->freeq, m, entry);
	else if ((m = malloc(sizeof(*m))) == NULL)
		return NULL;
	memset(m, 0, offsetof(struct smsc_msg, pdu));
	m->src = src;
	m->dst = dst;
	dst->queued++;
	sc->stats.queued++;
	return m;
}

static void
msg_free(struct smsc *sc, struct smsc_msg *m)
{
	m->dst->queued--;
	sc->stats.queued--;
	TAILQ_INSERT_HEAD(&sc->freeq, m, entry);
}

static void
heap_push(struct smsc *sc, struct smsc_msg *m, int64_t due)
{
	m->due = due;
	m->seq = sc->seq++;
	heap_set(sc, sc->hlen++, m);
	heap_up(sc, m->hidx);
}

static void
heap_remove(struct smsc *sc, struct smsc_msg *m)
{
	size_t i = m->hidx;
	struct smsc_msg *last = sc->heap[--sc->hlen];

	if (last == m)
		return;
	heap_set(sc, i, last);
	heap_down(sc, i);
	heap_up(sc, last->hidx);
}

static void
heap_up(struct smsc *sc, size_t i)
{
	struct smsc_msg *m = sc->heap[i];
	size_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!heap_less(m, sc->heap[p]))
			break;
		heap_set(sc, i, sc->heap[p]);
		i = p;
	}
	heap_set(sc, i, m);
}

static void
heap_down(struct smsc *sc, size_t i)
{
	struct smsc_msg *m = sc->heap[i];
	size_t c;

	while ((c = 2 * i + 1) < sc->hlen) {
		if (c + 1 < sc->hlen && heap_less(sc->heap[c + 1],
		    sc->heap[c]))
			c++;
		if (!heap_less(sc->heap[c], m))
			break;
		heap_set(sc, i, sc->heap[c]);
		i = c;
	}
	heap_set(sc, i, m);
}

static void
heap_set(struct smsc *sc, size_t i, struct smsc_msg *m)
{
	sc->heap[i] = m;
	m->hidx = i;
}

static bool
heap_less(const struct smsc_msg *a, const struct smsc_msg *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

/* FNV-1a, 64 bits. */
static uint64_t
text_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (uint8_t)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot holding text, or the empty slot where it would go.  The
 * table exists and is never full (tab_grow keeps it at most half full). */
static struct smsc_station **
tab_slot(const struct smsc *sc, const char *text)
{
	size_t i;

	i = (size_t)text_hash(text) & (sc->tabsz - 1);
	while (sc->tab[i] != NULL && strcmp(sc->tab[i]->addr.text, text) != 0)
		i = (i + 1) & (sc->tabsz - 1);
	return &sc->tab[i];
}

static struct smsc_station *
tab_find(const struct smsc *sc, const char *text)
{
	return sc->tabsz == 0 ? NULL : *tab_slot(sc, text);
}

/* Make room for one more station. */
static smsdtls_rc
tab_grow(struct smsc *sc)
{
	struct smsc_station **old = sc->tab;
	size_t oldsz = sc->tabsz, i;

	if ((sc->nst + 1) * 2 <= sc->tabsz)
		return SMSDTLS_OK;
	sc->tabsz = oldsz == 0 ? 16 : oldsz * 2;
	if ((sc->tab = calloc(sc->tabsz, sizeof(*sc->tab))) == NULL) {
		sc->tab = old;
		sc->tabsz = oldsz;
		return SMSDTLS_ENOMEM;
	}
	for (i = 0; i < oldsz; i++)
		if (old[i] != NULL)
			*tab_slot(sc, old[i]->addr.text) = old[i];
	free(old);
	return SMSDTLS_OK;
}

/* The station a TP-DA designates, after canonicalisation, or NULL. */
static struct smsc_station *
station_lookup(const struct smsc *sc, const struct smsdtls_addr *da)
{
	struct smsdtls_addr c;

	if (smsdtls_addr_canonical(da, sc->cc, &c) != SMSDTLS_OK)
		return NULL;
	return tab_find(sc, c.text);
}
