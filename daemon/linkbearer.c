/*
 * linkbearer.c - an SMS bearer over the simulated SMSC's socket link
 * (smsc/link.h, docs/smsc.md "The socket link"): the daemon becomes one
 * virtual mobile station, submits SMS-SUBMIT TPDUs and receives
 * SMS-DELIVER and SMS-STATUS-REPORT TPDUs.
 *
 * The SMSC answers each SUBMIT with one SUBMITTED or REFUSED, in order,
 * so the SUBMITs on the wire form a FIFO.  When the link drops, those
 * still unanswered go back to the head of the queue and are sent again
 * once the link is back: a queued SUBMIT is reported exactly once, as
 * accepted or as given up after LB_MAX_TRIES refusals.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <smsdtls/session.h>

#include "daemon/bearer.h"
#include "smsc/link.h"

#define LB_BACKOFF_MIN_MS	250
#define LB_BACKOFF_MAX_MS	30000
#define LB_MAX_TRIES		5
#define LB_RETRY_MS		1000

struct lb_msg {
	TAILQ_ENTRY(lb_msg) entry;
	uint64_t id;
	unsigned tries;
	size_t	len;
	uint8_t	tpdu[LINK_TPDU_MAX];
};
TAILQ_HEAD(lb_queue, lb_msg);

struct linkbearer {
	struct bearer b;		/* first: the daemon's view */
	struct event_base *base;
	struct sockaddr_storage sa;
	socklen_t salen;
	char	msisdn[LINK_MSISDN_MAX + 1];
	char	address[256];
	struct bufferevent *bev;
	struct event *timer;		/* reconnect, refusal retry */
	enum bearer_health health;
	bool	welcomed;
	uint32_t backoff_ms;
	size_t	queue_max;
	size_t	nqueued;		/* waiting + in flight */
	struct lb_queue waiting;	/* not yet on the wire */
	struct lb_queue inflight;	/* sent, answer pending */
	struct bearer_stats st;
};

static const struct bearer_ops lb_ops;

static void	lb_connect(struct linkbearer *);
static void	lb_drop(struct linkbearer *, const char *);

const char *
bearer_health_name(enum bearer_health h)
{
	switch (h) {
	case BEARER_STARTING:
		return "starting";
	case BEARER_UP:
		return "up";
	case BEARER_RESETTING:
		return "resetting";
	case BEARER_DOWN:
		return "down";
	}
	return "?";
}

static void
lb_log(struct linkbearer *lb, int level, const char *fmt, ...)
{
	char	msg[300];
	va_list	ap;

	if (lb->b.cb.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lb->b.cb.log(lb->b.arg, level, msg);
}

static void
lb_set_health(struct linkbearer *lb, enum bearer_health h, const char *why)
{
	if (lb->health == h)
		return;
	lb->health = h;
	lb->st.health = (uint8_t)h;
	if (lb->b.cb.health != NULL)
		lb->b.cb.health(lb->b.arg, &lb->b, h, why);
}

/* "unix:/path" or "tcp:HOST:PORT" (HOST an IPv4 address or [IPv6]). */
static bool
lb_parse_address(struct linkbearer *lb, const char *address)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&lb->sa;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&lb->sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&lb->sa;
	char	host[64], *end;
	const char *p, *colon;
	unsigned long port;
	size_t	hl;

	memset(&lb->sa, 0, sizeof(lb->sa));
	if (strncmp(address, "unix:", 5) == 0) {
		p = address + 5;
		if (*p == '\0' || strlen(p) >= sizeof(un->sun_path))
			return false;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, p, strlen(p) + 1);
		lb->salen = sizeof(*un);
		return true;
	}
	if (strncmp(address, "tcp:", 4) != 0)
		return false;
	p = address + 4;
	colon = strrchr(p, ':');
	if (colon == NULL || colon == p)
		return false;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || colon[1] == '\0' || port == 0 ||
	    port > 65535)
		return false;
	if (*p == '[' && colon[-1] == ']') {
		p++;
		hl = (size_t)(colon - 1 - p);
	} else
		hl = (size_t)(colon - p);
	if (hl == 0 || hl >= sizeof(host))
		return false;
	memcpy(host, p, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		lb->salen = sizeof(*in4);
		return true;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		lb->salen = sizeof(*in6);
		return true;
	}
	return false;
}

static void
lb_write(struct linkbearer *lb, const struct link_msg *m)
{
	uint8_t	frame[LINK_FRAME_MAX];
	size_t	len;

	if (link_encode(m, frame, sizeof(frame), &len) == SMSDTLS_OK)
		bufferevent_write(lb->bev, frame, len);
}

/* Put what can go on the wire while the link is up. */
static void
lb_pump(struct linkbearer *lb)
{
	struct link_msg m;
	struct lb_msg *q;

	if (lb->bev == NULL || !lb->welcomed)
		return;
	while ((q = TAILQ_FIRST(&lb->waiting)) != NULL) {
		TAILQ_REMOVE(&lb->waiting, q, entry);
		memset(&m, 0, sizeof(m));
		m.type = LINK_SUBMIT;
		memcpy(m.tpdu, q->tpdu, q->len);
		m.tpdu_len = q->len;
		lb_write(lb, &m);
		q->tries++;
		TAILQ_INSERT_TAIL(&lb->inflight, q, entry);
	}
}

static void
lb_finish(struct linkbearer *lb, struct lb_msg *q, smsdtls_rc rc, int mr)
{
	lb->nqueued--;
	lb->st.queued = lb->nqueued;
	if (rc == SMSDTLS_OK)
		lb->st.submitted++;
	else
		lb->st.failed++;
	if (lb->b.cb.submitted != NULL)
		lb->b.cb.submitted(lb->b.arg, &lb->b, q->id, rc, mr, 0);
	free(q);
}

static void
lb_arm(struct linkbearer *lb, uint32_t ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	event_add(lb->timer, &tv);
}

static void
lb_frame(struct linkbearer *lb, const struct link_msg *m)
{
	struct lb_msg *q;

	switch (m->type) {
	case LINK_WELCOME:
		if (lb->welcomed) {
			lb_drop(lb, "a second WELCOME");
			return;
		}
		lb->welcomed = true;
		lb->backoff_ms = LB_BACKOFF_MIN_MS;
		lb_log(lb, SMSDTLS_LOG_INFO, "link %s: attached as %s",
		    lb->address, m->msisdn);
		lb_set_health(lb, BEARER_UP, "attached");
		lb_pump(lb);
		return;
	case LINK_SUBMITTED:
	case LINK_REFUSED:
		if ((q = TAILQ_FIRST(&lb->inflight)) == NULL) {
			lb_drop(lb, "an answer to no SUBMIT");
			return;
		}
		TAILQ_REMOVE(&lb->inflight, q, entry);
		if (m->type == LINK_SUBMITTED) {
			lb_finish(lb, q, SMSDTLS_OK, m->mr);
			return;
		}
		lb_log(lb, SMSDTLS_LOG_WARN, "link %s: SUBMIT refused, "
		    "+CMS ERROR %u (try %u of %u)", lb->address, m->code,
		    q->tries, LB_MAX_TRIES);
		if (q->tries >= LB_MAX_TRIES) {
			lb_finish(lb, q, SMSDTLS_ETIMEDOUT, -1);
			return;
		}
		/* Try again after a pause, behind what is already waiting. */
		lb->st.retries++;
		TAILQ_INSERT_TAIL(&lb->waiting, q, entry);
		if (!evtimer_pending(lb->timer, NULL))
			lb_arm(lb, LB_RETRY_MS);
		return;
	case LINK_DELIVER:
	case LINK_REPORT:
		lb->st.received++;
		if (lb->b.cb.received != NULL)
			lb->b.cb.received(lb->b.arg, &lb->b, m->tpdu,
			    m->tpdu_len, 0);
		return;
	case LINK_ERROR:
		lb_log(lb, SMSDTLS_LOG_ERROR, "link %s: SMSC error %u: %s",
		    lb->address, m->code, m->text);
		lb_drop(lb, "SMSC error");
		return;
	default:
		lb_drop(lb, "unexpected frame");
		return;
	}
}

static void
lb_read_cb(struct bufferevent *bev, void *arg)
{
	struct linkbearer *lb = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct link_msg m;
	uint8_t	*p;
	size_t	avail, used;
	smsdtls_rc rc;

	while (lb->bev == bev && (avail = evbuffer_get_length(in)) > 0) {
		if (avail > LINK_FRAME_MAX)
			avail = LINK_FRAME_MAX;
		p = evbuffer_pullup(in, (ev_ssize_t)avail);
		rc = link_decode(p, avail, &m, &used);
		if (rc == SMSDTLS_AGAIN)
			return;
		if (rc != SMSDTLS_OK) {
			lb_drop(lb, "malformed frame from the SMSC");
			return;
		}
		evbuffer_drain(in, used);
		lb_frame(lb, &m);
	}
}

static void
lb_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct linkbearer *lb = arg;
	struct link_msg m;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		memset(&m, 0, sizeof(m));
		m.type = LINK_HELLO;
		m.version = LINK_VERSION;
		snprintf(m.msisdn, sizeof(m.msisdn), "%s", lb->msisdn);
		lb_write(lb, &m);
		return;
	}
	if (what & BEV_EVENT_EOF)
		lb_drop(lb, "closed by the SMSC");
	else if (what & BEV_EVENT_ERROR)
		lb_drop(lb, strerror(EVUTIL_SOCKET_ERROR()));
}

/* The link is gone: requeue what was unanswered and reconnect later. */
static void
lb_drop(struct linkbearer *lb, const char *why)
{
	struct lb_msg *q;

	if (lb->bev != NULL) {
		bufferevent_free(lb->bev);
		lb->bev = NULL;
	}
	lb->welcomed = false;
	while ((q = TAILQ_LAST(&lb->inflight, lb_queue)) != NULL) {
		TAILQ_REMOVE(&lb->inflight, q, entry);
		q->tries--;	/* the SMSC never answered it */
		TAILQ_INSERT_HEAD(&lb->waiting, q, entry);
	}
	if (lb->health == BEARER_UP)
		lb->st.resets++;
	lb_log(lb, SMSDTLS_LOG_WARN, "link %s: down (%s), retry in %u ms",
	    lb->address, why, lb->backoff_ms);
	lb_set_health(lb, BEARER_DOWN, why);
	evtimer_del(lb->timer);
	lb_arm(lb, lb->backoff_ms);
	lb->backoff_ms = lb->backoff_ms * 2 > LB_BACKOFF_MAX_MS ?
	    LB_BACKOFF_MAX_MS : lb->backoff_ms * 2;
}

static void
lb_connect(struct linkbearer *lb)
{
	lb->bev = bufferevent_socket_new(lb->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (lb->bev == NULL) {
		lb_drop(lb, "out of memory");
		return;
	}
	bufferevent_setcb(lb->bev, lb_read_cb, NULL, lb_event_cb, lb);
	bufferevent_enable(lb->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(lb->bev, (struct sockaddr *)&lb->sa,
	    (int)lb->salen) != 0)
		lb_drop(lb, strerror(errno));
}

static void
lb_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct linkbearer *lb = arg;

	(void)fd;
	(void)what;
	if (lb->bev == NULL)
		lb_connect(lb);
	else
		lb_pump(lb);
}

static smsdtls_rc
lb_submit(struct bearer *b, uint64_t id, const uint8_t *tpdu, size_t len)
{
	struct linkbearer *lb = (struct linkbearer *)b;
	struct lb_msg *q;

	if (len == 0 || len > LINK_TPDU_MAX)
		return SMSDTLS_ETOOBIG;
	if (lb->nqueued >= lb->queue_max)
		return SMSDTLS_ELIMIT;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return SMSDTLS_ENOMEM;
	q->id = id;
	q->len = len;
	memcpy(q->tpdu, tpdu, len);
	TAILQ_INSERT_TAIL(&lb->waiting, q, entry);
	lb->nqueued++;
	lb->st.queued = lb->nqueued;
	if (!evtimer_pending(lb->timer, NULL))
		lb_pump(lb);
	return SMSDTLS_OK;
}

/* The link has no storage to delete from: nothing to acknowledge. */
static void
lb_accept(struct bearer *b, uint64_t handle)
{
	(void)b;
	(void)handle;
}

static void
lb_stats(const struct bearer *b, struct bearer_stats *st)
{
	const struct linkbearer *lb = (const struct linkbearer *)b;

	*st = lb->st;
}

static void
lb_free_queue(struct lb_queue *qh)
{
	struct lb_msg *q;

	while ((q = TAILQ_FIRST(qh)) != NULL) {
		TAILQ_REMOVE(qh, q, entry);
		free(q);
	}
}

static void
lb_free(struct bearer *b)
{
	struct linkbearer *lb = (struct linkbearer *)b;

	if (lb->bev != NULL)
		bufferevent_free(lb->bev);
	if (lb->timer != NULL)
		event_free(lb->timer);
	lb_free_queue(&lb->waiting);
	lb_free_queue(&lb->inflight);
	free(lb);
}

static const struct bearer_ops lb_ops = {
	.submit = lb_submit,
	.accept = lb_accept,
	.stats = lb_stats,
	.free = lb_free
};

smsdtls_rc
linkbearer_new(struct event_base *base, const char *name, const char *address,
    const char *msisdn, size_t queue_max, const struct bearer_cb *cb,
    void *arg, struct bearer **bp)
{
	struct linkbearer *lb;

	if (strlen(msisdn) > LINK_MSISDN_MAX || strlen(address) >= 256 ||
	    queue_max == 0)
		return SMSDTLS_EINVAL;
	if ((lb = calloc(1, sizeof(*lb))) == NULL)
		return SMSDTLS_ENOMEM;
	if (!lb_parse_address(lb, address)) {
		free(lb);
		return SMSDTLS_EADDR;
	}
	lb->b.ops = &lb_ops;
	snprintf(lb->b.name, sizeof(lb->b.name), "%s", name);
	lb->b.cb = *cb;
	lb->b.arg = arg;
	lb->base = base;
	snprintf(lb->msisdn, sizeof(lb->msisdn), "%s", msisdn);
	snprintf(lb->address, sizeof(lb->address), "%s", address);
	lb->queue_max = queue_max;
	lb->backoff_ms = LB_BACKOFF_MIN_MS;
	lb->health = BEARER_STARTING;
	TAILQ_INIT(&lb->waiting);
	TAILQ_INIT(&lb->inflight);
	if ((lb->timer = evtimer_new(base, lb_timer_cb, lb)) == NULL) {
		free(lb);
		return SMSDTLS_ENOMEM;
	}
	lb_connect(lb);
	*bp = &lb->b;
	return SMSDTLS_OK;
}
