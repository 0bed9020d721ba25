/*
 * sms.c - the daemon's SMS side: each bearer carries an SMS transport
 * (WDP over TPDUs, libsmsdtls) and, unless the daemon relays, a DTLS
 * endpoint.
 *
 * Outgoing: the transport hands each SMS-SUBMIT to out_submit(), which
 * writes it to the journal and syncs the journal before the bearer gets
 * it; the entry is dropped when the bearer reports the outcome.  After a
 * crash, smsd_journal_replay() submits again what was never confirmed.
 *
 * Incoming: a TPDU from the bearer goes through the transport; a
 * datagram from an allowed sender within its rate goes to the endpoint
 * (or to the relay), a status report is counted.  Only then is the TPDU
 * acknowledged to the bearer, which may delete it from the modem.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/journal.h"
#include "daemon/smsdtlsd.h"

static void
link_arm_expire(struct smsd_link *l, int64_t next, int64_t now)
{
	struct timeval tv;
	int64_t	ms;

	if (next == SMSDTLS_NEVER) {
		evtimer_del(l->expire);
		return;
	}
	ms = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(l->expire, &tv);
}

static void
link_expire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smsd_link *l = arg;
	int64_t	now = smsd_now();

	(void)fd;
	(void)what;
	link_arm_expire(l, smsdtls_sms_expire(l->sms, now), now);
}

/* The SMS transport's bearer: journal first, then the real bearer. */
static smsdtls_rc
out_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct smsd_link *l = arg;
	struct smsd *d = l->d;
	uint64_t id = 0;
	smsdtls_rc rc;

	if (d->journal != NULL) {
		rc = journal_add(d->journal, l->name, tpdu, len,
		    smsd_wall_ms() + (int64_t)info->vp_seconds * 1000, &id);
		if (rc == SMSDTLS_OK)
			rc = journal_sync(d->journal);
		if (rc != SMSDTLS_OK) {
			smsd_log(d, SMSDTLS_LOG_ERROR, "%s: journal refused "
			    "an SMS (%s)", l->name, smsdtls_strerror(rc));
			smsd_drop(d, SMSD_DROP_BEARER_FULL);
			return rc;
		}
	}
	rc = bearer_submit(l->b, id, tpdu, len);
	if (rc != SMSDTLS_OK) {
		if (d->journal != NULL)
			journal_done(d->journal, id);
		smsd_drop(d, SMSD_DROP_BEARER_FULL);
		smsd_log(d, SMSDTLS_LOG_WARN, "%s: bearer refused an SMS (%s)",
		    l->name, smsdtls_strerror(rc));
		return rc;
	}
	l->sms_out++;
	return SMSDTLS_OK;
}

/* Is number allowed by [limits] allow, and within its rate? */
bool
smsd_sender_ok(struct smsd *d, const struct smsdtls_peer *peer, int64_t now)
{
	struct smsd_bucket *bk;
	char	num[24];
	uint64_t h = 1469598103934665603ULL;
	size_t	i;
	bool	ok;

	if (smsdtls_addr_format(&peer->u.msisdn, num, sizeof(num)) !=
	    SMSDTLS_OK) {
		smsd_drop(d, SMSD_DROP_UNKNOWN_SENDER);
		return false;
	}
	ok = d->o.nallow == 0;
	for (i = 0; i < d->o.nallow && !ok; i++)
		ok = strncmp(num, d->o.allow[i], strlen(d->o.allow[i])) == 0;
	if (!ok) {
		smsd_drop(d, SMSD_DROP_UNKNOWN_SENDER);
		return false;
	}
	if (d->o.rate <= 0)
		return true;
	/*
	 * A token bucket per sender in a fixed table: memory stays bounded
	 * whatever floods in.  A sender takes over a slot whose owner has
	 * refilled its bucket (it would get a full one anyway).
	 */
	for (i = 0; num[i] != '\0'; i++)
		h = (h ^ (uint8_t)num[i]) * 1099511628211ULL;
	bk = &d->rate[h % SMSD_RATE_SLOTS];
	if (bk->msisdn[0] != '\0') {
		bk->tokens += (double)(now - bk->at) / 1000.0 * d->o.rate;
		if (bk->tokens > d->o.rate_burst)
			bk->tokens = d->o.rate_burst;
	}
	bk->at = now;
	if (strcmp(bk->msisdn, num) != 0) {
		/* A newcomer inherits what the slot's owner has left. */
		if (bk->msisdn[0] == '\0')
			bk->tokens = d->o.rate_burst;
		snprintf(bk->msisdn, sizeof(bk->msisdn), "%s", num);
	}
	if (bk->tokens < 1.0) {
		smsd_drop(d, SMSD_DROP_RATE);
		return false;
	}
	bk->tokens -= 1.0;
	return true;
}

static void
in_received(void *arg, struct bearer *b, const uint8_t *tpdu, size_t len,
    uint64_t handle)
{
	struct smsd_link *l = arg;
	struct smsd *d = l->d;
	struct smsdtls_sms_rx rx;
	char	who[SMSD_KEY_MAX + 16];
	int64_t	now = smsd_now();
	smsdtls_rc rc;

	l->sms_in++;
	rc = smsdtls_sms_input(l->sms, tpdu, len, false, now, &rx);
	if (rc == SMSDTLS_OK && rx.kind == SMSDTLS_SMS_RX_STATUS_REPORT) {
		l->reports++;
		smsdtls_peer_format(&rx.peer, who, sizeof(who));
		smsd_log(d, SMSDTLS_LOG_DEBUG, "%s: status report MR %u for "
		    "%s: ST 0x%02x", l->name, rx.mr, who, rx.st);
	} else if (rc == SMSDTLS_OK && smsd_sender_ok(d, &rx.peer, now)) {
		if (l->ep != NULL) {
			smsdtls_endpoint_input(l->ep, &rx.peer, rx.data,
			    rx.len, now);
			smsdtls_evdrv_kick(l->drv);
		} else
			relay_input(l, &rx.peer, rx.data, rx.len);
	} else if (rc != SMSDTLS_OK && rc != SMSDTLS_AGAIN) {
		smsd_drop(d, SMSD_DROP_MALFORMED_SMS);
		smsd_log(d, SMSDTLS_LOG_INFO, "%s: SMS dropped: %s", l->name,
		    smsdtls_strerror(rc));
	}
	link_arm_expire(l, smsdtls_sms_expire(l->sms, now), now);
	bearer_accept(b, handle);
}

static void
out_submitted(void *arg, struct bearer *b, uint64_t id, smsdtls_rc rc,
    int mr, uint32_t vp_seconds)
{
	struct smsd_link *l = arg;
	struct smsd *d = l->d;

	(void)b;
	(void)vp_seconds;
	if (d->journal != NULL)
		journal_done(d->journal, id);
	if (rc != SMSDTLS_OK) {
		smsd_drop(d, SMSD_DROP_SEND_FAILED);
		smsd_log(d, SMSDTLS_LOG_WARN, "%s: an SMS was given up: %s",
		    l->name, smsdtls_strerror(rc));
	} else
		smsd_log(d, SMSDTLS_LOG_DEBUG, "%s: SMS accepted, MR %d",
		    l->name, mr);
}

static void
link_health(void *arg, struct bearer *b, enum bearer_health h,
    const char *why)
{
	struct smsd_link *l = arg;

	(void)b;
	l->health = h;
	smsd_log(l->d, h == BEARER_UP ? SMSDTLS_LOG_INFO : SMSDTLS_LOG_WARN,
	    "%s: bearer %s (%s)", l->name, bearer_health_name(h), why);
}

static void
link_log(void *arg, int level, const char *msg)
{
	struct smsd_link *l = arg;

	smsd_log(l->d, level, "%s", msg);
}

const struct bearer_cb smsd_bearer_cb = {
	.received = in_received,
	.submitted = out_submitted,
	.health = link_health,
	.log = link_log
};

smsdtls_rc
smsd_link_start(struct smsd *d, struct smsd_link *l,
    const struct smsdtls_sms_config *scfg)
{
	struct smsdtls_bearer sb = { out_submit, l };
	struct smsdtls_transport t;
	smsdtls_event_cb cb;
	smsdtls_rc rc;

	l->d = d;
	if ((rc = smsdtls_sms_new(scfg, &sb, &l->sms)) != SMSDTLS_OK)
		return rc;
	if ((l->expire = evtimer_new(d->base, link_expire_cb, l)) == NULL)
		return SMSDTLS_ENOMEM;
	if (d->o.role == SMSD_RELAY)
		return SMSDTLS_OK;
	cb = d->o.role == SMSD_BRIDGE ? bridge_event : gateway_event;
	smsdtls_sms_transport(l->sms, &t);
	rc = smsdtls_endpoint_new(&d->cfg, &t, cb, l, &l->ep);
	if (rc != SMSDTLS_OK)
		return rc;
	return smsdtls_evdrv_new(d->base, l->ep, &l->drv);
}

void
smsd_link_stop(struct smsd_link *l)
{
	if (l->drv != NULL)
		smsdtls_evdrv_free(l->drv);
	if (l->ep != NULL)
		smsdtls_endpoint_free(l->ep);
	bearer_free(l->b);
	if (l->sms != NULL)
		smsdtls_sms_free(l->sms);
	if (l->expire != NULL)
		event_free(l->expire);
	memset(l, 0, sizeof(*l));
}

struct smsd_link *
smsd_link_by_name(struct smsd *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->nlinks; i++)
		if (strcmp(d->links[i].name, name) == 0)
			return &d->links[i];
	return NULL;
}

static void
replay_one(void *arg, uint64_t id, const char *bearer, const uint8_t *tpdu,
    size_t len, int64_t expires)
{
	struct smsd *d = arg;
	struct smsd_link *l = smsd_link_by_name(d, bearer);

	if (l == NULL || expires <= smsd_wall_ms()) {
		smsd_log(d, SMSDTLS_LOG_WARN, "journal: SMS %llu for bearer "
		    "%s %s", (unsigned long long)id, bearer, l == NULL ?
		    "which is no longer configured: dropped" :
		    "expired while the daemon was down: dropped");
		smsd_drop(d, SMSD_DROP_EXPIRED);
		journal_done(d->journal, id);
		return;
	}
	if (bearer_submit(l->b, id, tpdu, len) != SMSDTLS_OK) {
		smsd_drop(d, SMSD_DROP_BEARER_FULL);
		journal_done(d->journal, id);
		return;
	}
	l->sms_out++;
	d->st.journal_replayed++;
}

void
smsd_journal_replay(struct smsd *d)
{
	if (d->journal == NULL)
		return;
	journal_foreach(d->journal, replay_one, d);
	if (d->st.journal_replayed > 0)
		smsd_log(d, SMSDTLS_LOG_INFO, "journal: %llu SMS from the "
		    "previous run submitted again",
		    (unsigned long long)d->st.journal_replayed);
}
