/*
 * rto.c - learned retransmission timeouts (RFC 6298 sections 2 and 5,
 * for DTLS flights as RFC 6347 section 4.2.4.1 allows) and the
 * per-endpoint table of estimates by peer address; see rto.h.
 *
 * The estimate is kept in fixed point as BSD TCP does: SRTT times 8 and
 * RTTVAR times 4, so that alpha = 1/8 and beta = 1/4 are shifts and a
 * steady round trip is reached exactly rather than approached from
 * below by integer truncation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "transport/rto.h"

struct rto_entry {
	struct smsdtls_peer key;	/* ports zeroed */
	struct rto_est est;
	uint64_t used;			/* tick of the last get or put */
};

struct rto_table {
	size_t	cap;
	size_t	n;
	uint64_t tick;
	struct rto_entry e[];
};

void
rto_sample(struct rto_est *e, uint32_t rtt_ms)
{
	int64_t delta;

	e->backoff_ms = 0;
	if (e->samples == 0) {
		/* RFC 6298 (2.2): SRTT = R, RTTVAR = R / 2. */
		e->srtt8 = (uint64_t)rtt_ms << 3;
		e->rttvar4 = (uint64_t)rtt_ms << 1;
		e->samples = 1;
		return;
	}
	/* (2.3): RTTVAR from the old SRTT, then SRTT. */
	delta = (int64_t)rtt_ms - (int64_t)(e->srtt8 >> 3);
	e->srtt8 = (uint64_t)((int64_t)e->srtt8 + delta);
	if (delta < 0)
		delta = -delta;
	e->rttvar4 = e->rttvar4 - (e->rttvar4 >> 2) + (uint64_t)delta;
	if (e->samples < UINT32_MAX)
		e->samples++;
}

uint32_t
rto_srtt_ms(const struct rto_est *e)
{
	uint64_t v = e->srtt8 >> 3;

	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

uint32_t
rto_timeout(const struct rto_est *e, const struct rto_bounds *b)
{
	uint64_t rto;

	if (e->samples == 0)
		rto = b->initial_ms;
	else
		rto = (e->srtt8 >> 3) + (e->rttvar4 > 1 ? e->rttvar4 : 1);
	if (rto < e->backoff_ms)
		rto = e->backoff_ms;
	if (rto < b->min_ms)
		rto = b->min_ms;
	if (rto > b->max_ms)
		rto = b->max_ms;
	return (uint32_t)rto;
}

uint32_t
rto_backoff(uint32_t rto_ms, uint32_t max_ms)
{
	uint64_t rto = (uint64_t)rto_ms * 2;

	return rto > max_ms ? max_ms : (uint32_t)rto;
}

/* ---------------------------------------------------------------- table */

static void
rto_key(const struct smsdtls_peer *peer, struct smsdtls_peer *key)
{
	*key = *peer;
	key->port = 0;
	key->local_port = 0;
}

static struct rto_entry *
rto_find(struct rto_table *t, const struct smsdtls_peer *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (smsdtls_peer_equal(&t->e[i].key, key))
			return &t->e[i];
	return NULL;
}

smsdtls_rc
rto_table_new(size_t cap, struct rto_table **tp)
{
	struct rto_table *t;

	if (cap == 0 || cap > (SIZE_MAX - sizeof(*t)) / sizeof(t->e[0]))
		return SMSDTLS_EINVAL;
	t = calloc(1, sizeof(*t) + cap * sizeof(t->e[0]));
	if (t == NULL)
		return SMSDTLS_ENOMEM;
	t->cap = cap;
	*tp = t;
	return SMSDTLS_OK;
}

void
rto_table_free(struct rto_table *t)
{
	free(t);
}

bool
rto_table_get(struct rto_table *t, const struct smsdtls_peer *peer,
    struct rto_est *e)
{
	struct smsdtls_peer key;
	struct rto_entry *ent;

	rto_key(peer, &key);
	if (t == NULL || (ent = rto_find(t, &key)) == NULL) {
		memset(e, 0, sizeof(*e));
		return false;
	}
	ent->used = ++t->tick;
	*e = ent->est;
	return true;
}

void
rto_table_put(struct rto_table *t, const struct smsdtls_peer *peer,
    const struct rto_est *e)
{
	struct smsdtls_peer key;
	struct rto_entry *ent;
	size_t i;

	if (t == NULL)
		return;
	rto_key(peer, &key);
	if ((ent = rto_find(t, &key)) == NULL) {
		if (t->n < t->cap)
			ent = &t->e[t->n++];
		else {
			/* Full: the least recently used entry goes. */
			ent = &t->e[0];
			for (i = 1; i < t->n; i++)
				if (t->e[i].used < ent->used)
					ent = &t->e[i];
		}
		ent->key = key;
	}
	ent->est = *e;
	ent->used = ++t->tick;
}

size_t
rto_table_count(const struct rto_table *t)
{
	return t != NULL ? t->n : 0;
}
