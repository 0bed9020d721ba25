/*
 * devices.c - the devices a gateway or relay knows, keyed by MSISDN: the
 * SMS peer last heard from, the session (terminating gateway), the UDP
 * socket that stands for the device towards the upstream, and the
 * datagrams that wait for the device's session.  What the upstream sends
 * to a device's socket is read here, in bounded batches, and handed to
 * the gateway or the relay.
 *
 * The socket of a device without a static mapping is closed after
 * socket_idle_ms without traffic, so that idle devices cost no file
 * descriptor; a new one is opened when traffic resumes, on the same
 * local port if it is free.  That port is kept in the state directory
 * (the session store, key "port MSISDN"), so that a device keeps its
 * UDP source port across restarts too: a DTLS server behind the relay
 * knows its sessions by it.  A mapped device keeps its socket for the
 * daemon's life, so that the upstream can always reach it.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/devices.h"
#include "daemon/sessstore.h"

static uint16_t	dev_saved_port(struct smsd *, const char *);

#define DEV_TAB_MIN	64
#define DEV_SWEEP_MS	10000
#define DEV_READ_BATCH	32

static uint64_t
dev_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *key != '\0'; key++)
		h = (h ^ (uint8_t)*key) * 1099511628211ULL;
	return h;
}

static bool
dev_grow(struct smsd *d)
{
	struct smsd_dev **tab, *v, *next;
	size_t	cap, i, b;

	cap = d->dev_cap == 0 ? DEV_TAB_MIN : d->dev_cap * 2;
	if ((tab = calloc(cap, sizeof(*tab))) == NULL)
		return false;
	for (i = 0; i < d->dev_cap; i++) {
		for (v = d->dev_tab[i]; v != NULL; v = next) {
			next = v->next;
			b = dev_hash(v->key) & (cap - 1);
			v->next = tab[b];
			tab[b] = v;
		}
	}
	free(d->dev_tab);
	d->dev_tab = tab;
	d->dev_cap = cap;
	return true;
}

void
dev_key(const struct smsdtls_peer *peer, char *key, size_t keylen)
{
	if (smsdtls_addr_format(&peer->u.msisdn, key, keylen) != SMSDTLS_OK)
		snprintf(key, keylen, "?");
}

struct smsd_dev *
dev_find(struct smsd *d, const char *key)
{
	struct smsd_dev *v;

	if (d->dev_cap == 0)
		return NULL;
	for (v = d->dev_tab[dev_hash(key) & (d->dev_cap - 1)]; v != NULL;
	    v = v->next)
		if (strcmp(v->key, key) == 0)
			return v;
	return NULL;
}

struct smsd_dev *
dev_get(struct smsd *d, const char *key)
{
	struct smsd_dev *v;
	size_t	b;

	if ((v = dev_find(d, key)) != NULL)
		return v;
	if (strlen(key) >= sizeof(v->key))
		return NULL;
	if (d->ndev + 1 > d->dev_cap / 4 * 3 && !dev_grow(d))
		return NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->d = d;
	v->fd = -1;
	memcpy(v->key, key, strlen(key) + 1);
	v->port = dev_saved_port(d, key);
	TAILQ_INIT(&v->queue);
	b = dev_hash(key) & (d->dev_cap - 1);
	v->next = d->dev_tab[b];
	d->dev_tab[b] = v;
	d->ndev++;
	d->st.devices = d->ndev;
	return v;
}

static void
dev_unlink(struct smsd *d, struct smsd_dev *v)
{
	struct smsd_dev **pp;

	for (pp = &d->dev_tab[dev_hash(v->key) & (d->dev_cap - 1)];
	    *pp != NULL; pp = &(*pp)->next) {
		if (*pp == v) {
			*pp = v->next;
			d->ndev--;
			d->st.devices = d->ndev;
			return;
		}
	}
}

void
dev_queue_clear(struct smsd_dev *v)
{
	struct smsd_pkt *p;

	while ((p = TAILQ_FIRST(&v->queue)) != NULL) {
		TAILQ_REMOVE(&v->queue, p, entry);
		free(p);
	}
	v->nqueued = 0;
}

void
dev_free(struct smsd *d, struct smsd_dev *v)
{
	dev_unlink(d, v);
	dev_close_socket(v);
	dev_queue_clear(v);
	free(v);
}

void
dev_free_all(struct smsd *d)
{
	struct smsd_dev *v, *next;
	size_t	i;

	for (i = 0; i < d->dev_cap; i++) {
		for (v = d->dev_tab[i]; v != NULL; v = next) {
			next = v->next;
			dev_close_socket(v);
			dev_queue_clear(v);
			free(v);
		}
	}
	free(d->dev_tab);
	d->dev_tab = NULL;
	d->dev_cap = d->ndev = 0;
	if (d->sweep != NULL) {
		event_free(d->sweep);
		d->sweep = NULL;
	}
}

void
dev_foreach(struct smsd *d, void (*fn)(struct smsd_dev *, void *), void *arg)
{
	struct smsd_dev *v, *next;
	size_t	i;

	for (i = 0; i < d->dev_cap; i++)
		for (v = d->dev_tab[i]; v != NULL; v = next) {
			next = v->next;
			fn(v, arg);
		}
}

bool
dev_enqueue(struct smsd_dev *v, const uint8_t *data, size_t len)
{
	struct smsd_pkt *p;

	if (v->nqueued >= v->d->o.queue_max || len > SMSD_DGRAM_MAX)
		return false;
	if ((p = malloc(sizeof(*p) + len)) == NULL)
		return false;
	p->len = len;
	memcpy(p->data, data, len);
	TAILQ_INSERT_TAIL(&v->queue, p, entry);
	v->nqueued++;
	return true;
}

struct smsd_pkt *
dev_dequeue(struct smsd_dev *v)
{
	struct smsd_pkt *p;

	if ((p = TAILQ_FIRST(&v->queue)) != NULL) {
		TAILQ_REMOVE(&v->queue, p, entry);
		v->nqueued--;
	}
	return p;
}

void
dev_requeue_head(struct smsd_dev *v, struct smsd_pkt *p)
{
	TAILQ_INSERT_HEAD(&v->queue, p, entry);
	v->nqueued++;
}

static void
dev_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smsd_dev *v = arg;
	uint8_t	buf[SMSD_DGRAM_MAX];
	ssize_t	n;
	int	i;

	(void)what;
	/* A bounded batch per wakeup keeps one device from hogging. */
	for (i = 0; i < DEV_READ_BATCH; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return;	/* EAGAIN, or ICMP errors from the upstream */
		v->d->st.udp_in++;
		v->last = smsd_now();
		v->input(v, buf, (size_t)n, v->last);
	}
}

static bool
dev_bind(struct smsd_dev *v, int fd, uint16_t port)
{
	struct sockaddr_storage sa = v->d->o.bind;

	if (sa.ss_family == AF_INET)
		((struct sockaddr_in *)&sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&sa)->sin6_port = htons(port);
	return bind(fd, (struct sockaddr *)&sa, v->d->o.bind_len) == 0;
}

/* The port a device had in an earlier life (the state directory). */
static uint16_t
dev_saved_port(struct smsd *d, const char *msisdn)
{
	char	key[SMSD_MSISDN_MAX + 8];
	uint8_t	blob[2];
	size_t	len;

	snprintf(key, sizeof(key), "port %s", msisdn);
	if (d->store == NULL || sessstore_get(d->store, key, blob,
	    sizeof(blob), &len) != SMSDTLS_OK || len != sizeof(blob))
		return 0;
	return (uint16_t)(blob[0] << 8 | blob[1]);
}

/* Remember the port the socket got, in the state directory too. */
static void
dev_keep_port(struct smsd_dev *v, int fd)
{
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	char	key[SMSD_MSISDN_MAX + 8];
	uint8_t	blob[2];
	uint16_t port;

	if (getsockname(fd, (struct sockaddr *)&sa, &salen) != 0)
		return;
	port = ntohs(sa.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&sa)->sin_port :
	    ((struct sockaddr_in6 *)&sa)->sin6_port);
	if (port == v->port || v->d->store == NULL)
		return;
	v->port = port;
	snprintf(key, sizeof(key), "port %s", v->key);
	blob[0] = (uint8_t)(port >> 8);
	blob[1] = (uint8_t)port;
	if (sessstore_put(v->d->store, key, blob, sizeof(blob)) == SMSDTLS_OK)
		sessstore_sync(v->d->store);
}

/*
 * Open the device's socket towards the upstream: bound to the mapped
 * port (or any port) on the configured address, connected to the
 * upstream so that only its answers come in.
 */
bool
dev_open_socket(struct smsd_dev *v, dev_input_fn fn)
{
	struct smsd *d = v->d;
	int	fd, one = 1;

	if (v->fd >= 0)
		return true;
	v->input = fn;
	fd = socket(d->o.upstream.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (v->mapped_port != 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The mapped port, else the port it had (so that the upstream
	 * keeps seeing the same source), else any. */
	if (!dev_bind(v, fd, v->mapped_port != 0 ? v->mapped_port : v->port) &&
	    (v->mapped_port != 0 || v->port == 0 || !dev_bind(v, fd, 0)))
		goto fail;
	if (connect(fd, (struct sockaddr *)&d->o.upstream,
	    d->o.upstream_len) != 0)
		goto fail;
	dev_keep_port(v, fd);
	if ((v->ev = event_new(d->base, fd, EV_READ | EV_PERSIST, dev_udp_cb,
	    v)) == NULL || event_add(v->ev, NULL) != 0)
		goto fail;
	v->fd = fd;
	v->last = smsd_now();
	return true;
fail:
	smsd_log(d, SMSDTLS_LOG_ERROR, "%s: cannot open its UDP socket%s: %s",
	    v->key, v->mapped_port ? " on its mapped port" : "",
	    strerror(errno));
	if (v->ev != NULL) {
		event_free(v->ev);
		v->ev = NULL;
	}
	if (fd >= 0)
		close(fd);
	return false;
}

void
dev_close_socket(struct smsd_dev *v)
{
	if (v->ev != NULL) {
		event_free(v->ev);
		v->ev = NULL;
	}
	if (v->fd >= 0) {
		close(v->fd);
		v->fd = -1;
	}
}

static void
dev_sweep_one(struct smsd_dev *v, void *arg)
{
	int64_t	now = *(int64_t *)arg;

	if (v->fd >= 0 && v->mapped_port == 0 &&
	    now - v->last >= v->d->o.socket_idle_ms)
		dev_close_socket(v);
	/* A device with nothing left is forgotten. */
	if (v->fd < 0 && v->mapped_port == 0 && v->s == NULL &&
	    v->nqueued == 0 && now - v->last >= v->d->o.socket_idle_ms)
		dev_free(v->d, v);
}

static void
dev_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smsd *d = arg;
	int64_t	now = smsd_now();

	(void)fd;
	(void)what;
	dev_foreach(d, dev_sweep_one, &now);
}

bool
dev_start_sweep(struct smsd *d)
{
	struct timeval tv = { DEV_SWEEP_MS / 1000, 0 };

	if (d->o.socket_idle_ms <= 0)
		return true;
	if ((d->sweep = event_new(d->base, -1, EV_PERSIST, dev_sweep_cb,
	    d)) == NULL)
		return false;
	return event_add(d->sweep, &tv) == 0;
}
