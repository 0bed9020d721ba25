/*
 * modembearer.c - a libgammu modem (modem/modem.h) as an smsdtlsd bearer.
 * The modem module does the work (worker process, watchdog, resets, the
 * outgoing queue); this only maps the [bearer NAME] settings onto a
 * struct modem_conf and the modem's callbacks onto the bearer's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/modembearer.h"
#include "modem/modem.h"

struct modembearer {
	struct bearer b;		/* first: the daemon's view */
	struct modem *m;
};

static const enum bearer_health health_map[] = {
	[MODEM_STARTING] = BEARER_STARTING,
	[MODEM_UP] = BEARER_UP,
	[MODEM_RESETTING] = BEARER_RESETTING,
	[MODEM_DOWN] = BEARER_DOWN
};

static void
mb_received(void *arg, struct modem *m, const uint8_t *tpdu, size_t len,
    uint64_t handle)
{
	struct modembearer *mb = arg;

	(void)m;
	mb->b.cb.received(mb->b.arg, &mb->b, tpdu, len, handle);
}

static void
mb_submitted(void *arg, struct modem *m, uint64_t id, smsdtls_rc rc, int mr,
    uint32_t vp_seconds)
{
	struct modembearer *mb = arg;

	(void)m;
	mb->b.cb.submitted(mb->b.arg, &mb->b, id, rc, mr, vp_seconds);
}

static void
mb_health(void *arg, struct modem *m, enum modem_health h, const char *why)
{
	struct modembearer *mb = arg;

	(void)m;
	if (mb->b.cb.health != NULL)
		mb->b.cb.health(mb->b.arg, &mb->b, health_map[h], why);
}

static void
mb_log(void *arg, int level, const char *msg)
{
	struct modembearer *mb = arg;

	if (mb->b.cb.log != NULL)
		mb->b.cb.log(mb->b.arg, level, msg);
}

static smsdtls_rc
mb_submit(struct bearer *b, uint64_t id, const uint8_t *tpdu, size_t len)
{
	return modem_submit(((struct modembearer *)b)->m, id, tpdu, len);
}

static void
mb_accept(struct bearer *b, uint64_t handle)
{
	modem_accept(((struct modembearer *)b)->m, handle);
}

static void
mb_stats(const struct bearer *b, struct bearer_stats *st)
{
	struct modem_stats ms;

	modem_get_stats(((const struct modembearer *)b)->m, &ms);
	memset(st, 0, sizeof(*st));
	st->health = (uint8_t)health_map[ms.health];
	st->submitted = ms.submits_ok;
	st->failed = ms.submits_failed;
	st->retries = ms.submit_errors;
	st->received = ms.received;
	st->resets = ms.resets;
	st->queued = ms.queue_depth;
}

static void
mb_free(struct bearer *b)
{
	struct modembearer *mb = (struct modembearer *)b;

	modem_free(mb->m);
	free(mb);
}

static const struct bearer_ops mb_ops = {
	.submit = mb_submit,
	.accept = mb_accept,
	.stats = mb_stats,
	.free = mb_free
};

static uint32_t
ms32(int64_t ms)
{
	return ms <= 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

smsdtls_rc
modembearer_new(struct event_base *base, const struct dconf_bearer *conf,
    size_t queue_max, const struct bearer_cb *cb, void *arg,
    struct bearer **bp)
{
	static const struct modem_cb mcb = { mb_received, mb_submitted,
	    mb_health, mb_log };
	struct modembearer *mb;
	struct modem_conf mc;
	smsdtls_rc rc;

	modem_conf_init(&mc);
	snprintf(mc.name, sizeof(mc.name), "%s", conf->name);
	if (strlen(conf->device) >= sizeof(mc.device) ||
	    strlen(conf->pin_file) >= sizeof(mc.pin_file) ||
	    strlen(conf->reset_hook) >= sizeof(mc.reset_hook) ||
	    strlen(conf->smsc.text) >= sizeof(mc.smsc))
		return SMSDTLS_EINVAL;
	snprintf(mc.device, sizeof(mc.device), "%s", conf->device);
	snprintf(mc.connection, sizeof(mc.connection), "%s",
	    conf->connection);
	snprintf(mc.pin_file, sizeof(mc.pin_file), "%s", conf->pin_file);
	snprintf(mc.smsc, sizeof(mc.smsc), "%s", conf->smsc.text);
	snprintf(mc.reset_hook, sizeof(mc.reset_hook), "%s",
	    conf->reset_hook);
	mc.send_rate = conf->send_rate.per_s;
	mc.status_reports = conf->status_reports;
	if (conf->poll_interval_ms > 0)
		mc.poll_ms = ms32(conf->poll_interval_ms);
	if (conf->call_timeout_ms > 0)
		mc.call_timeout_ms = ms32(conf->call_timeout_ms);
	/*
	 * The worker stays alive while it waits for +CMGS after a PDU, so
	 * the watchdog never sees a modem that went silent there: bound that
	 * wait by call_timeout too (it counts as a failed SUBMIT, retried),
	 * not by the module's 60 s.
	 */
	mc.submit_timeout_ms = mc.call_timeout_ms;
	if (conf->probe_interval_ms > 0)
		mc.probe_ms = ms32(conf->probe_interval_ms);
	mc.queue_max = queue_max;
	if ((mb = calloc(1, sizeof(*mb))) == NULL)
		return SMSDTLS_ENOMEM;
	mb->b.ops = &mb_ops;
	snprintf(mb->b.name, sizeof(mb->b.name), "%s", conf->name);
	mb->b.cb = *cb;
	mb->b.arg = arg;
	if ((rc = modem_new(base, &mc, &mcb, mb, &mb->m)) != SMSDTLS_OK) {
		free(mb);
		return rc;
	}
	*bp = &mb->b;
	return SMSDTLS_OK;
}
