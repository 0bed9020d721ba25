/*
 * metrics.c - the status and metrics endpoint: GET /metrics answers the
 * daemon's counters in the Prometheus text exposition format (version
 * 0.0.4) on a local address from [smsdtlsd] metrics.  Every figure is
 * read when asked; nothing is kept here.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "daemon/journal.h"
#include "daemon/smsdtlsd.h"

#define METRICS_BUF	65536

static struct evhttp *metrics_http;

struct out {
	char	*buf;
	size_t	len, cap;
};

static void
put(struct out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (o->len >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < o->cap - o->len ? (size_t)n :
		    o->cap - o->len;
}

static void
head(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP smsdtlsd_%s %s\n# TYPE smsdtlsd_%s %s\n", name, help,
	    name, type);
}

static void
render_links(struct smsd *d, struct out *o)
{
	struct smsdtls_endpoint_stats es;
	struct smsdtls_sms_stats ss;
	struct bearer_stats bs;
	struct smsd_link *l;
	size_t	i;

	head(o, "bearer_up", "gauge", "1 if the bearer can send and receive.");
	for (i = 0; i < d->nlinks; i++) {
		l = &d->links[i];
		bearer_stats(l->b, &bs);
		put(o, "smsdtlsd_bearer_up{bearer=\"%s\",state=\"%s\"} %d\n",
		    l->name, bearer_health_name(bs.health),
		    bs.health == BEARER_UP);
	}
	head(o, "bearer_resets_total", "counter",
	    "Reconnections and modem resets.");
	head(o, "bearer_queue_depth", "gauge", "SMS waiting in the bearer.");
	for (i = 0; i < d->nlinks; i++) {
		l = &d->links[i];
		bearer_stats(l->b, &bs);
		put(o, "smsdtlsd_bearer_resets_total{bearer=\"%s\"} %llu\n"
		    "smsdtlsd_bearer_queue_depth{bearer=\"%s\"} %zu\n",
		    l->name, (unsigned long long)bs.resets, l->name,
		    bs.queued);
	}
	head(o, "sms_total", "counter", "SMS by bearer, direction and type.");
	for (i = 0; i < d->nlinks; i++) {
		l = &d->links[i];
		smsdtls_sms_get_stats(l->sms, &ss);
		bearer_stats(l->b, &bs);
		put(o, "smsdtlsd_sms_total{bearer=\"%s\",dir=\"out\","
		    "type=\"submit\"} %llu\n", l->name,
		    (unsigned long long)ss.submits);
		put(o, "smsdtlsd_sms_total{bearer=\"%s\",dir=\"out\","
		    "type=\"accepted\"} %llu\n", l->name,
		    (unsigned long long)bs.submitted);
		put(o, "smsdtlsd_sms_total{bearer=\"%s\",dir=\"out\","
		    "type=\"failed\"} %llu\n", l->name,
		    (unsigned long long)bs.failed);
		put(o, "smsdtlsd_sms_total{bearer=\"%s\",dir=\"in\","
		    "type=\"deliver\"} %llu\n", l->name,
		    (unsigned long long)ss.delivers);
		put(o, "smsdtlsd_sms_total{bearer=\"%s\",dir=\"in\","
		    "type=\"status_report\"} %llu\n", l->name,
		    (unsigned long long)ss.reports);
	}
	head(o, "sessions", "gauge", "DTLS sessions held, half-open included.");
	head(o, "sessions_half_open", "gauge", "Handshakes in progress.");
	head(o, "handshakes_total", "counter", "Handshakes by outcome.");
	head(o, "retransmissions_total", "counter", "Flights sent again.");
	for (i = 0; i < d->nlinks; i++) {
		l = &d->links[i];
		if (l->ep == NULL)
			continue;
		smsdtls_endpoint_get_stats(l->ep, &es);
		put(o, "smsdtlsd_sessions{bearer=\"%s\"} %llu\n"
		    "smsdtlsd_sessions_half_open{bearer=\"%s\"} %llu\n",
		    l->name, (unsigned long long)es.sessions, l->name,
		    (unsigned long long)es.half_open);
		put(o, "smsdtlsd_handshakes_total{bearer=\"%s\",outcome=\"ok\"}"
		    " %llu\n", l->name, (unsigned long long)
		    (es.handshakes_ok - es.handshakes_resumed));
		put(o, "smsdtlsd_handshakes_total{bearer=\"%s\",outcome="
		    "\"resumed\"} %llu\n", l->name,
		    (unsigned long long)es.handshakes_resumed);
		put(o, "smsdtlsd_handshakes_total{bearer=\"%s\",outcome="
		    "\"failed\"} %llu\n", l->name,
		    (unsigned long long)es.handshakes_failed);
		put(o, "smsdtlsd_handshakes_total{bearer=\"%s\",outcome="
		    "\"timedout\"} %llu\n", l->name,
		    (unsigned long long)es.handshakes_timedout);
		put(o, "smsdtlsd_retransmissions_total{bearer=\"%s\"} %llu\n",
		    l->name, (unsigned long long)es.retransmissions);
	}
}

/* Drops inside the library, by reason, summed over the bearers. */
static void
render_lib_drops(struct smsd *d, struct out *o)
{
	struct smsdtls_endpoint_stats es;
	struct smsdtls_sms_stats ss;
	uint64_t unknown = 0, cap = 0, malformed = 0, sms_bad = 0;
	size_t	i;

	for (i = 0; i < d->nlinks; i++) {
		smsdtls_sms_get_stats(d->links[i].sms, &ss);
		sms_bad += ss.drop_malformed + ss.drop_not_8bit +
		    ss.drop_wdp + ss.drop_too_big;
		if (d->links[i].ep == NULL)
			continue;
		smsdtls_endpoint_get_stats(d->links[i].ep, &es);
		unknown += es.drop_unknown_peer;
		cap += es.drop_cap_sessions + es.drop_cap_half_open;
		malformed += es.drop_malformed;
	}
	put(o, "smsdtlsd_drops_total{reason=\"dtls_unknown_peer\"} %llu\n",
	    (unsigned long long)unknown);
	put(o, "smsdtlsd_drops_total{reason=\"dtls_session_cap\"} %llu\n",
	    (unsigned long long)cap);
	put(o, "smsdtlsd_drops_total{reason=\"dtls_malformed\"} %llu\n",
	    (unsigned long long)malformed);
	put(o, "smsdtlsd_drops_total{reason=\"sms_undecodable\"} %llu\n",
	    (unsigned long long)sms_bad);
}

size_t
metrics_render(struct smsd *d, char *buf, size_t buflen)
{
	struct out o = { buf, 0, buflen };
	int	i;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	render_links(d, &o);
	head(&o, "drops_total", "counter", "Datagrams and SMS dropped, by "
	    "reason.");
	for (i = 0; i < SMSD_DROP_N; i++)
		put(&o, "smsdtlsd_drops_total{reason=\"%s\"} %llu\n",
		    smsd_drop_name((enum smsd_drop)i),
		    (unsigned long long)d->st.drops[i]);
	render_lib_drops(d, &o);
	head(&o, "udp_datagrams_total", "counter", "UDP datagrams by "
	    "direction.");
	put(&o, "smsdtlsd_udp_datagrams_total{dir=\"in\"} %llu\n"
	    "smsdtlsd_udp_datagrams_total{dir=\"out\"} %llu\n",
	    (unsigned long long)d->st.udp_in,
	    (unsigned long long)d->st.udp_out);
	head(&o, "devices", "gauge", "Devices known (gateway, relay).");
	put(&o, "smsdtlsd_devices %llu\n", (unsigned long long)d->st.devices);
	head(&o, "journal_pending", "gauge", "Outgoing SMS journaled and not "
	    "yet accepted by the SMSC.");
	put(&o, "smsdtlsd_journal_pending %zu\n", d->journal != NULL ?
	    journal_pending(d->journal) : (size_t)0);
	head(&o, "journal_replayed_total", "counter", "SMS submitted again "
	    "from the journal after a restart.");
	put(&o, "smsdtlsd_journal_replayed_total %llu\n",
	    (unsigned long long)d->st.journal_replayed);
	head(&o, "sessions_restored_total", "counter", "Sessions restored "
	    "from the state directory.");
	put(&o, "smsdtlsd_sessions_restored_total %llu\n",
	    (unsigned long long)d->st.sessions_restored);
	head(&o, "reloads_total", "counter", "Configuration reloads.");
	put(&o, "smsdtlsd_reloads_total %llu\n",
	    (unsigned long long)d->st.reloads);
	return o.len;
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct smsd *d = arg;
	struct evbuffer *b;
	char	*buf;
	size_t	len;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	if ((buf = malloc(METRICS_BUF)) == NULL ||
	    (b = evbuffer_new()) == NULL) {
		free(buf);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	len = metrics_render(d, buf, METRICS_BUF);
	evbuffer_add(b, buf, len);
	free(buf);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

smsdtls_rc
metrics_start(struct smsd *d, const char *addr)
{
	char	host[64];
	const char *colon = strrchr(addr, ':');
	unsigned long port;
	size_t	hl;

	if (colon == NULL || (hl = (size_t)(colon - addr)) == 0 ||
	    hl >= sizeof(host))
		return SMSDTLS_EINVAL;
	port = strtoul(colon + 1, NULL, 10);
	if (addr[0] == '[' && hl >= 2) {
		memcpy(host, addr + 1, hl - 2);
		host[hl - 2] = '\0';
	} else {
		memcpy(host, addr, hl);
		host[hl] = '\0';
	}
	if (port == 0 || port > 65535 ||
	    (metrics_http = evhttp_new(d->base)) == NULL)
		return SMSDTLS_EINVAL;
	evhttp_set_cb(metrics_http, "/metrics", metrics_cb, d);
	if (evhttp_bind_socket(metrics_http, host, (uint16_t)port) != 0) {
		evhttp_free(metrics_http);
		metrics_http = NULL;
		return SMSDTLS_EADDR;
	}
	return SMSDTLS_OK;
}

void
metrics_stop(void)
{
	if (metrics_http != NULL)
		evhttp_free(metrics_http);
	metrics_http = NULL;
}
