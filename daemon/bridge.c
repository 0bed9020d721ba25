/*
 * bridge.c - the device bridge: a local UDP port that unmodified UDP
 * programs use.  Their datagrams travel as DTLS over SMS to the gateway,
 * and what comes back goes to the program that spoke last.
 *
 * The session is opened on the first datagram and kept up; datagrams
 * wait in a bounded queue while it is being set up.  A failed handshake
 * drops the queue (each program retries as it sees fit) instead of
 * retrying on its own, so that a wrong key never turns into a loop of
 * paid SMS.  The bridge uses the first bearer.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/devices.h"
#include "daemon/smsdtlsd.h"

struct smsd_bridge {
	struct smsd *d;
	struct smsd_link *l;
	int	fd;
	struct event *ev;
	struct sockaddr_storage app;	/* the program that spoke last */
	socklen_t app_len;
	struct smsdtls_session *s;
	struct smsd_pktq queue;
	size_t	nqueued;
};

static void
br_queue_clear(struct smsd_bridge *br, bool count)
{
	struct smsd_pkt *p;

	while ((p = TAILQ_FIRST(&br->queue)) != NULL) {
		TAILQ_REMOVE(&br->queue, p, entry);
		free(p);
		if (count)
			smsd_drop(br->d, SMSD_DROP_SEND_FAILED);
	}
	br->nqueued = 0;
}

static bool
br_enqueue(struct smsd_bridge *br, const uint8_t *data, size_t len)
{
	struct smsd_pkt *p;

	if (br->nqueued >= br->d->o.queue_max ||
	    (p = malloc(sizeof(*p) + len)) == NULL)
		return false;
	p->len = len;
	memcpy(p->data, data, len);
	TAILQ_INSERT_TAIL(&br->queue, p, entry);
	br->nqueued++;
	return true;
}

static void
br_flush(struct smsd_bridge *br, int64_t now)
{
	struct smsd_pkt *p;
	smsdtls_rc rc;

	while ((p = TAILQ_FIRST(&br->queue)) != NULL) {
		rc = smsdtls_session_send(br->s, p->data, p->len, now);
		if (rc == SMSDTLS_AGAIN)
			break;
		TAILQ_REMOVE(&br->queue, p, entry);
		br->nqueued--;
		if (rc != SMSDTLS_OK)
			smsd_drop(br->d, rc == SMSDTLS_ETOOBIG ?
			    SMSD_DROP_TOO_BIG : SMSD_DROP_SEND_FAILED);
		free(p);
	}
}

static void
br_from_app(struct smsd_bridge *br, const uint8_t *data, size_t len,
    int64_t now)
{
	struct smsd *d = br->d;
	smsdtls_rc rc;

	if (br->s != NULL && smsdtls_session_established(br->s)) {
		rc = smsdtls_session_send(br->s, data, len, now);
		if (rc == SMSDTLS_ETOOBIG) {
			smsd_drop(d, SMSD_DROP_TOO_BIG);
			smsd_log(d, SMSDTLS_LOG_INFO, "%zu-byte datagram is "
			    "over the session's %zu: dropped", len,
			    smsdtls_session_max_payload(br->s));
		} else if (rc != SMSDTLS_OK)
			smsd_drop(d, SMSD_DROP_SEND_FAILED);
		return;
	}
	if (!br_enqueue(br, data, len)) {
		smsd_drop(d, SMSD_DROP_QUEUE_FULL);
		return;
	}
	if (br->s == NULL) {
		rc = smsdtls_connect(br->l->ep, &d->o.gateway, now, &br->s);
		if (rc != SMSDTLS_OK) {
			smsd_log(d, SMSDTLS_LOG_ERROR, "cannot start a "
			    "handshake: %s", smsdtls_strerror(rc));
			br->s = NULL;
			br_queue_clear(br, true);
		} else
			smsd_log(d, SMSDTLS_LOG_INFO, "handshake with the "
			    "gateway started");
	}
}

static void
br_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smsd_bridge *br = arg;
	struct sockaddr_storage src;
	socklen_t srclen;
	uint8_t	buf[SMSD_DGRAM_MAX];
	ssize_t	n;
	int	i;

	(void)what;
	for (i = 0; i < 32; i++) {
		srclen = sizeof(src);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&src,
		    &srclen);
		if (n < 0)
			break;
		br->d->st.udp_in++;
		br->app = src;
		br->app_len = srclen;
		br_from_app(br, buf, (size_t)n, smsd_now());
	}
	smsdtls_evdrv_kick(br->l->drv);
}

void
bridge_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct smsd_link *l = arg;
	struct smsd *d = l->d;
	struct smsd_bridge *br = d->bridge;

	(void)ep;
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		smsd_log(d, SMSDTLS_LOG_INFO, "session with the gateway up "
		    "(%s)", ev->resumed ? "resumed" : "full handshake");
		br->s = ev->session;
		smsd_session_save(d, ev->session);
		br_flush(br, smsd_now());
		return;
	case SMSDTLS_EV_DATA:
		br->s = ev->session;
		if (br->app_len == 0) {
			smsd_drop(d, SMSD_DROP_NO_SESSION);
			return;
		}
		if (sendto(br->fd, ev->data, ev->len, 0,
		    (struct sockaddr *)&br->app, br->app_len) < 0) {
			smsd_drop(d, SMSD_DROP_SEND_FAILED);
			smsd_log(d, SMSDTLS_LOG_WARN, "to the application: %s",
			    strerror(errno));
			return;
		}
		d->st.udp_out++;
		return;
	case SMSDTLS_EV_CLOSED:
	case SMSDTLS_EV_ERROR:
		if (ev->type == SMSDTLS_EV_ERROR)
			smsd_log(d, SMSDTLS_LOG_WARN, "session with the "
			    "gateway failed: %s (%d)",
			    smsdtls_strerror(ev->rc), ev->detail);
		else
			smsd_log(d, SMSDTLS_LOG_INFO, "session with the "
			    "gateway closed");
		if (br->s == ev->session)
			br->s = NULL;
		br_queue_clear(br, true);
		smsd_session_forget(d, ev->peer);
		return;
	}
}

/* A session restored from the state directory. */
void
bridge_adopt(struct smsd *d, struct smsdtls_session *s)
{
	if (d->bridge != NULL && d->bridge->s == NULL)
		d->bridge->s = s;
}

smsdtls_rc
bridge_start(struct smsd *d)
{
	struct smsd_bridge *br;
	int	one = 1;

	if (d->nlinks == 0)
		return SMSDTLS_EINVAL;
	if ((br = calloc(1, sizeof(*br))) == NULL)
		return SMSDTLS_ENOMEM;
	br->d = d;
	br->l = &d->links[0];
	TAILQ_INIT(&br->queue);
	br->fd = socket(d->o.listen.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (br->fd < 0)
		goto fail;
	setsockopt(br->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(br->fd, (struct sockaddr *)&d->o.listen, d->o.listen_len) != 0)
		goto fail;
	if ((br->ev = event_new(d->base, br->fd, EV_READ | EV_PERSIST,
	    br_udp_cb, br)) == NULL || event_add(br->ev, NULL) != 0)
		goto fail;
	d->bridge = br;
	return SMSDTLS_OK;
fail:
	smsd_log(d, SMSDTLS_LOG_ERROR, "bridge: cannot listen: %s",
	    strerror(errno));
	if (br->ev != NULL)
		event_free(br->ev);
	if (br->fd >= 0)
		close(br->fd);
	free(br);
	return SMSDTLS_EINVAL;
}

void
bridge_stop(struct smsd *d)
{
	struct smsd_bridge *br = d->bridge;

	if (br == NULL)
		return;
	if (br->ev != NULL)
		event_free(br->ev);
	if (br->fd >= 0)
		close(br->fd);
	br_queue_clear(br, false);
	free(br);
	d->bridge = NULL;
}
