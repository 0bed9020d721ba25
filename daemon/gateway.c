/*
 * gateway.c - the terminating gateway: a DTLS server over SMS whose
 * devices each get a UDP socket towards the upstream peer, so that the
 * upstream sees every device as a distinct UDP source; what the upstream
 * answers on that socket goes back to the device through its session.
 *
 * A static mapping gives a device a fixed local port: the upstream can
 * send to it whenever it likes.  Datagrams for a device whose session is
 * not up wait in a bounded queue and go out when it is.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/devices.h"
#include "daemon/smsdtlsd.h"

/* Send one upstream datagram to the device, or keep it for later (the
 * device socket's input, dev_open_socket()). */
static void
gw_to_device(struct smsd_dev *v, const uint8_t *data, size_t len,
    int64_t now)
{
	struct smsd *d = v->d;
	smsdtls_rc rc = SMSDTLS_AGAIN;

	if (v->s != NULL && smsdtls_session_established(v->s))
		rc = smsdtls_session_send(v->s, data, len, now);
	switch (rc) {
	case SMSDTLS_OK:
		smsdtls_evdrv_kick(v->link->drv);
		return;
	case SMSDTLS_ETOOBIG:
		smsd_drop(d, SMSD_DROP_TOO_BIG);
		smsd_log(d, SMSDTLS_LOG_INFO, "%s: %zu-byte datagram from "
		    "the upstream is over the session's %zu: dropped", v->key,
		    len, smsdtls_session_max_payload(v->s));
		return;
	case SMSDTLS_AGAIN:
		if (!dev_enqueue(v, data, len)) {
			smsd_drop(d, SMSD_DROP_QUEUE_FULL);
			smsd_log(d, SMSDTLS_LOG_INFO, "%s: waiting queue full: "
			    "datagram dropped", v->key);
		}
		return;
	default:
		smsd_drop(d, SMSD_DROP_SEND_FAILED);
		smsd_log(d, SMSDTLS_LOG_WARN, "%s: send failed: %s", v->key,
		    smsdtls_strerror(rc));
		return;
	}
}

static void
gw_flush(struct smsd_dev *v, int64_t now)
{
	struct smsd_pkt *p;
	smsdtls_rc rc;

	while ((p = dev_dequeue(v)) != NULL) {
		rc = smsdtls_session_send(v->s, p->data, p->len, now);
		if (rc == SMSDTLS_AGAIN) {
			dev_requeue_head(v, p);
			break;
		}
		if (rc != SMSDTLS_OK)
			smsd_drop(v->d, rc == SMSDTLS_ETOOBIG ?
			    SMSD_DROP_TOO_BIG : SMSD_DROP_SEND_FAILED);
		free(p);
	}
	smsdtls_evdrv_kick(v->link->drv);
}

/* The device of an event's session, created on first sight. */
static struct smsd_dev *
gw_dev(struct smsd_link *l, const struct smsdtls_event *ev)
{
	struct smsd_dev *v = smsdtls_session_get_user(ev->session);
	char	key[SMSD_KEY_MAX];

	if (v == NULL) {
		dev_key(ev->peer, key, sizeof(key));
		if ((v = dev_get(l->d, key)) == NULL)
			return NULL;
		smsdtls_session_set_user(ev->session, v);
	}
	v->s = ev->session;
	v->peer = *ev->peer;
	v->has_peer = true;
	v->link = l;
	return v;
}

void
gateway_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct smsd_link *l = arg;
	struct smsd *d = l->d;
	struct smsd_dev *v;
	char	who[SMSD_KEY_MAX + 16];
	int64_t	now = smsd_now();

	(void)ep;
	smsdtls_peer_format(ev->peer, who, sizeof(who));
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		smsd_log(d, SMSDTLS_LOG_INFO, "%s: session up (%s)", who,
		    ev->resumed ? "resumed" : "full handshake");
		if ((v = gw_dev(l, ev)) == NULL)
			return;
		v->last = now;
		smsd_session_save(d, ev->session);
		if (v->fd < 0 && !dev_open_socket(v, gw_to_device))
			return;
		gw_flush(v, now);
		return;
	case SMSDTLS_EV_DATA:
		if ((v = gw_dev(l, ev)) == NULL)
			return;
		v->last = now;
		if (v->fd < 0 && !dev_open_socket(v, gw_to_device)) {
			smsd_drop(d, SMSD_DROP_SEND_FAILED);
			return;
		}
		if (send(v->fd, ev->data, ev->len, 0) < 0) {
			smsd_drop(d, SMSD_DROP_SEND_FAILED);
			smsd_log(d, SMSDTLS_LOG_WARN, "%s: to the upstream: %s",
			    who, strerror(errno));
			return;
		}
		d->st.udp_out++;
		return;
	case SMSDTLS_EV_CLOSED:
	case SMSDTLS_EV_ERROR:
		if (ev->type == SMSDTLS_EV_ERROR)
			smsd_log(d, SMSDTLS_LOG_INFO, "%s: session failed: %s "
			    "(%d)", who, smsdtls_strerror(ev->rc), ev->detail);
		else
			smsd_log(d, SMSDTLS_LOG_INFO, "%s: session closed",
			    who);
		if ((v = smsdtls_session_get_user(ev->session)) != NULL &&
		    v->s == ev->session)
			v->s = NULL;
		smsd_session_forget(d, ev->peer);
		return;
	}
}

static bool
gw_map(struct smsd *d, const char *msisdn, uint16_t port)
{
	struct smsd_dev *v;

	if ((v = dev_get(d, msisdn)) == NULL)
		return false;
	if (v->mapped_port == port && v->fd >= 0)
		return true;
	dev_close_socket(v);
	v->mapped_port = port;
	return dev_open_socket(v, gw_to_device);
}

static void
gw_unmap_one(struct smsd_dev *v, void *arg)
{
	struct smsd *d = arg;
	size_t	i;

	if (v->mapped_port == 0)
		return;
	for (i = 0; i < d->nmaps; i++)
		if (strcmp(d->maps[i].msisdn, v->key) == 0)
			return;
	smsd_log(d, SMSDTLS_LOG_INFO, "%s: mapping to port %u removed",
	    v->key, v->mapped_port);
	dev_close_socket(v);
	v->mapped_port = 0;
	if (v->s != NULL)
		dev_open_socket(v, gw_to_device);
}

/* Apply d->maps: open what is new, release what is gone. */
bool
gateway_apply_maps(struct smsd *d)
{
	bool	ok = true;
	size_t	i;

	dev_foreach(d, gw_unmap_one, d);
	for (i = 0; i < d->nmaps; i++)
		ok = gw_map(d, d->maps[i].msisdn, d->maps[i].port) && ok;
	return ok;
}

smsdtls_rc
gateway_start(struct smsd *d)
{
	if (!gateway_apply_maps(d))
		return SMSDTLS_EINVAL;
	if (!dev_start_sweep(d))
		return SMSDTLS_ENOMEM;
	return SMSDTLS_OK;
}

void
gateway_stop(struct smsd *d)
{
	dev_free_all(d);
}
