/*
 * devices.h - the gateway's and relay's table of devices (devices.c).
 */
#ifndef DAEMON_DEVICES_H
#define DAEMON_DEVICES_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/smsdtlsd.h"

/* A datagram waiting for a device's session. */
struct smsd_pkt {
	TAILQ_ENTRY(smsd_pkt) entry;
	size_t	len;
	uint8_t	data[];
};
TAILQ_HEAD(smsd_pktq, smsd_pkt);

struct smsd_dev;

/* A datagram the upstream sent to a device's socket; now is when it was
 * read (monotonic ms, also in v->last). */
typedef void (*dev_input_fn)(struct smsd_dev *v, const uint8_t *data,
	    size_t len, int64_t now);

struct smsd_dev {
	struct smsd_dev *next;		/* hash chain */
	struct smsd *d;
	char	key[SMSD_MSISDN_MAX];	/* the MSISDN, "+4477..." */
	struct smsdtls_peer peer;	/* last SMS peer heard from */
	bool	has_peer;
	struct smsd_link *link;		/* its bearer */
	struct smsdtls_session *s;	/* gateway: the session, if any */
	uint16_t mapped_port;		/* 0: none */
	uint16_t port;			/* its last local port, 0: none */
	int	fd;			/* towards the upstream, -1 */
	struct event *ev;
	dev_input_fn input;		/* what the socket reads goes here */
	struct smsd_pktq queue;
	size_t	nqueued;
	int64_t	last;			/* last traffic, monotonic ms */
};

/* The key of an SMS peer: its MSISDN. */
void	dev_key(const struct smsdtls_peer *peer, char *key, size_t keylen);
struct smsd_dev *dev_find(struct smsd *d, const char *key);
/* Find or create; NULL when out of memory. */
struct smsd_dev *dev_get(struct smsd *d, const char *key);
void	dev_free(struct smsd *d, struct smsd_dev *v);
void	dev_free_all(struct smsd *d);
void	dev_foreach(struct smsd *d, void (*fn)(struct smsd_dev *, void *),
	    void *arg);

/* The waiting queue, at most o.queue_max datagrams. */
bool	dev_enqueue(struct smsd_dev *v, const uint8_t *data, size_t len);
struct smsd_pkt *dev_dequeue(struct smsd_dev *v);
void	dev_requeue_head(struct smsd_dev *v, struct smsd_pkt *p);
void	dev_queue_clear(struct smsd_dev *v);

/* The UDP socket towards the upstream; each datagram read from it is
 * counted and handed to fn. */
bool	dev_open_socket(struct smsd_dev *v, dev_input_fn fn);
void	dev_close_socket(struct smsd_dev *v);
/* Close idle unmapped sockets now and then. */
bool	dev_start_sweep(struct smsd *d);

#endif /* DAEMON_DEVICES_H */
