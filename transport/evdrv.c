/*
 * evdrv.c - libevent driver for a sans-IO smsdtls endpoint: one timer at
 * the endpoint's next deadline, CLOCK_MONOTONIC as the time source, and
 * optional UDP sockets read into the endpoint.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include <smsdtls/event.h>

#define EVDRV_MAX_UDP	8

struct evdrv_udp {
	struct smsdtls_evdrv *d;
	struct smsdtls_udp *udp;
	struct event *ev;
};

struct smsdtls_evdrv {
	struct event_base *base;
	struct smsdtls_endpoint *ep;
	struct event *timer;
	size_t	nudp;
	struct evdrv_udp udp[EVDRV_MAX_UDP];
};

int64_t
smsdtls_evdrv_now(const struct smsdtls_evdrv *d)
{
	struct timespec ts;

	(void)d;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
smsdtls_evdrv_kick(struct smsdtls_evdrv *d)
{
	int64_t next = smsdtls_endpoint_next_deadline(d->ep), now, wait;
	struct timeval tv;

	if (next == SMSDTLS_NEVER) {
		evtimer_del(d->timer);
		return;
	}
	now = smsdtls_evdrv_now(d);
	wait = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(d->timer, &tv);
}

static void
evdrv_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smsdtls_evdrv *d = arg;

	(void)fd;
	(void)what;
	smsdtls_endpoint_on_deadline(d->ep, smsdtls_evdrv_now(d));
	smsdtls_evdrv_kick(d);
}

static void
evdrv_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evdrv_udp *u = arg;
	struct smsdtls_peer peer;
	uint8_t buf[2048];
	size_t len;
	smsdtls_rc rc;

	(void)fd;
	(void)what;
	/* Bounded: a flood cannot keep the loop here forever. */
	for (int i = 0; i < 64; i++) {
		rc = smsdtls_udp_recv(u->udp, buf, sizeof(buf), &len, &peer);
		if (rc == SMSDTLS_AGAIN)
			break;
		if (rc == SMSDTLS_OK)
			smsdtls_endpoint_input(u->d->ep, &peer, buf, len,
			    smsdtls_evdrv_now(u->d));
	}
	smsdtls_evdrv_kick(u->d);
}

smsdtls_rc
smsdtls_evdrv_new(struct event_base *base, struct smsdtls_endpoint *ep,
    struct smsdtls_evdrv **dp)
{
	struct smsdtls_evdrv *d;

	if (base == NULL || ep == NULL || dp == NULL)
		return SMSDTLS_EINVAL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return SMSDTLS_ENOMEM;
	d->base = base;
	d->ep = ep;
	d->timer = evtimer_new(base, evdrv_timer_cb, d);
	if (d->timer == NULL) {
		free(d);
		return SMSDTLS_ENOMEM;
	}
	smsdtls_evdrv_kick(d);
	*dp = d;
	return SMSDTLS_OK;
}

void
smsdtls_evdrv_free(struct smsdtls_evdrv *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nudp; i++)
		event_free(d->udp[i].ev);
	event_free(d->timer);
	free(d);
}

smsdtls_rc
smsdtls_evdrv_add_udp(struct smsdtls_evdrv *d, struct smsdtls_udp *udp,
    int fd)
{
	struct evdrv_udp *u;

	if (d == NULL || udp == NULL || fd < 0)
		return SMSDTLS_EINVAL;
	if (d->nudp == EVDRV_MAX_UDP)
		return SMSDTLS_ELIMIT;
	u = &d->udp[d->nudp];
	u->d = d;
	u->udp = udp;
	u->ev = event_new(d->base, fd, EV_READ | EV_PERSIST, evdrv_udp_cb, u);
	if (u->ev == NULL || event_add(u->ev, NULL) != 0) {
		event_free(u->ev);
		return SMSDTLS_ENOMEM;
	}
	d->nudp++;
	return SMSDTLS_OK;
}
