/*
 * bearer.h - what smsdtlsd sees of an SMS bearer: a libgammu modem
 * (modem/modem.h) or a client of the simulated SMSC's socket link
 * (daemon/linkbearer.c).  Both queue SMS-SUBMIT TPDUs, report each
 * outcome once, hand received SMS-DELIVER and SMS-STATUS-REPORT TPDUs up
 * with a handle to acknowledge once the daemon has taken them, and report
 * their health.  Everything runs on the daemon's libevent loop.
 */
#ifndef DAEMON_BEARER_H
#define DAEMON_BEARER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>

struct event_base;
struct bearer;

enum bearer_health {
	BEARER_STARTING = 0,
	BEARER_UP = 1,
	BEARER_RESETTING = 2,
	BEARER_DOWN = 3
};

struct bearer_cb {
	/* A DELIVER or STATUS-REPORT TPDU, no SMSC prefix.  The daemon
	 * calls bearer_accept(b, handle) once it has taken it. */
	void	(*received)(void *arg, struct bearer *b, const uint8_t *tpdu,
		    size_t len, uint64_t handle);
	/* The outcome of bearer_submit(id), exactly once: SMSDTLS_OK and
	 * the TP-MR, or the final failure.  vp_seconds: the validity
	 * period used (0 if unchanged). */
	void	(*submitted)(void *arg, struct bearer *b, uint64_t id,
		    smsdtls_rc rc, int mr, uint32_t vp_seconds);
	void	(*health)(void *arg, struct bearer *b, enum bearer_health h,
		    const char *why);
	void	(*log)(void *arg, int level, const char *msg);
};

struct bearer_stats {
	uint8_t	health;		/* enum bearer_health */
	uint64_t submitted;	/* accepted by the SMSC */
	uint64_t failed;	/* given up */
	uint64_t retries;
	uint64_t received;
	uint64_t resets;	/* reconnects, modem resets */
	size_t	queued;		/* waiting or in flight */
};

struct bearer_ops {
	smsdtls_rc (*submit)(struct bearer *b, uint64_t id,
		    const uint8_t *tpdu, size_t len);
	void	(*accept)(struct bearer *b, uint64_t handle);
	void	(*stats)(const struct bearer *b, struct bearer_stats *st);
	void	(*free)(struct bearer *b);
};

struct bearer {
	const struct bearer_ops *ops;
	char	name[32];
	struct bearer_cb cb;
	void	*arg;
};

/* Queue one SMS-SUBMIT.  SMSDTLS_OK: the bearer owns it until it reports
 * the outcome; SMSDTLS_ELIMIT: its queue is full. */
static inline smsdtls_rc
bearer_submit(struct bearer *b, uint64_t id, const uint8_t *tpdu, size_t len)
{
	return b->ops->submit(b, id, tpdu, len);
}

static inline void
bearer_accept(struct bearer *b, uint64_t handle)
{
	b->ops->accept(b, handle);
}

static inline void
bearer_stats(const struct bearer *b, struct bearer_stats *st)
{
	b->ops->stats(b, st);
}

static inline void
bearer_free(struct bearer *b)
{
	if (b != NULL)
		b->ops->free(b);
}

/* Static name of a health state. */
const char *bearer_health_name(enum bearer_health h);

/*
 * A client of smsdtls-smsc's socket link (docs/smsc.md): address is
 * "unix:/path" or "tcp:HOST:PORT"; msisdn is the station to become.  It
 * connects at once and reconnects with backoff; SUBMITs wait in a queue
 * of at most queue_max while the link is down and are sent again if the
 * link drops before the SMSC answered them.
 */
smsdtls_rc linkbearer_new(struct event_base *base, const char *name,
    const char *address, const char *msisdn, size_t queue_max,
    const struct bearer_cb *cb, void *arg, struct bearer **bp);

#endif /* DAEMON_BEARER_H */
