/*
 * sesscache.c - per-endpoint DTLS session cache: entries in a fixed
 * array, chained in a hash table on the session ID and in a list by age,
 * so that lookups are O(1) and the oldest entry goes first when full.
 *
 * Sessions are kept serialized (wolfSSL_i2d_SSL_SESSION: ID, master
 * secret, suite, peer chain if any; about 110 bytes with PSK), not as
 * WOLFSSL_SESSION objects, which take 19 KB each in this build (room for
 * a whole certificate chain, SESSION_CERTS): a gateway keeps one entry
 * per device that may come back.  A lookup rebuilds the session into one
 * object that the cache reuses.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "transport/sesscache.h"

#define NONE	SIZE_MAX

struct sesscache_entry {
	uint8_t	id[SESSCACHE_ID_LEN];
	uint8_t	*der;			/* the session, serialized */
	size_t	len;
	size_t	hnext;			/* hash chain, or free list */
	size_t	older, newer;		/* age list */
};

struct sesscache {
	size_t	cap;
	size_t	count;
	size_t	oldest, newest;
	size_t	free;			/* first free entry */
	size_t	nbuckets;		/* power of two >= cap */
	size_t	*buckets;
	struct sesscache_entry *e;
	WOLFSSL_SESSION *last;		/* what sesscache_get() returned */
};

/* Session IDs are random: their first bytes are a fine hash. */
static size_t
bucket(const struct sesscache *c, const uint8_t *id)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	return (size_t)h & (c->nbuckets - 1);
}

smsdtls_rc
sesscache_new(size_t cap, struct sesscache **cp)
{
	struct sesscache *c;
	size_t i;

	if (cap == 0 || cap > SIZE_MAX / 4)
		return SMSDTLS_EINVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return SMSDTLS_ENOMEM;
	c->cap = cap;
	for (c->nbuckets = 1; c->nbuckets < cap; c->nbuckets *= 2)
		;
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	c->e = calloc(cap, sizeof(*c->e));
	if (c->buckets == NULL || c->e == NULL) {
		free(c->buckets);
		free(c->e);
		free(c);
		return SMSDTLS_ENOMEM;
	}
	for (i = 0; i < c->nbuckets; i++)
		c->buckets[i] = NONE;
	for (i = 0; i < cap; i++)
		c->e[i].hnext = i + 1 < cap ? i + 1 : NONE;
	c->free = 0;
	c->oldest = c->newest = NONE;
	*cp = c;
	return SMSDTLS_OK;
}

/* Unlink entry i everywhere, release its session, free the entry. */
static void
drop(struct sesscache *c, size_t i)
{
	struct sesscache_entry *e = &c->e[i];
	size_t *link = &c->buckets[bucket(c, e->id)];

	while (*link != i)
		link = &c->e[*link].hnext;
	*link = e->hnext;
	if (e->older != NONE)
		c->e[e->older].newer = e->newer;
	else
		c->oldest = e->newer;
	if (e->newer != NONE)
		c->e[e->newer].older = e->older;
	else
		c->newest = e->older;
	explicit_bzero(e->der, e->len);	/* the master secret */
	free(e->der);
	e->der = NULL;
	e->len = 0;
	e->hnext = c->free;
	c->free = i;
	c->count--;
}

static size_t
find(const struct sesscache *c, const uint8_t *id)
{
	size_t i;

	for (i = c->buckets[bucket(c, id)]; i != NONE; i = c->e[i].hnext)
		if (memcmp(c->e[i].id, id, SESSCACHE_ID_LEN) == 0)
			return i;
	return NONE;
}

/* sess serialized into a new buffer, or NULL. */
static uint8_t *
serialize(WOLFSSL_SESSION *sess, size_t *lenp)
{
	unsigned char *der;
	int len, n;

	len = wolfSSL_i2d_SSL_SESSION(sess, NULL);
	if (len <= 0 || (der = malloc((size_t)len)) == NULL)
		return NULL;
	n = wolfSSL_i2d_SSL_SESSION(sess, &der);
	if (n != len) {
		explicit_bzero(der, (size_t)len);
		free(der);
		return NULL;
	}
	*lenp = (size_t)len;
	return der;
}

void
sesscache_put(struct sesscache *c, const uint8_t *id, WOLFSSL_SESSION *sess)
{
	struct sesscache_entry *e;
	size_t i = find(c, id), b, len = 0;
	uint8_t *der;

	der = serialize(sess, &len);
	wolfSSL_SESSION_free(sess);
	if (i != NONE)
		drop(c, i);
	if (der == NULL)
		return;		/* not resumable, as if evicted */
	if (c->count == c->cap)
		drop(c, c->oldest);
	i = c->free;
	e = &c->e[i];
	c->free = e->hnext;
	memcpy(e->id, id, SESSCACHE_ID_LEN);
	e->der = der;
	e->len = len;
	b = bucket(c, id);
	e->hnext = c->buckets[b];
	c->buckets[b] = i;
	e->older = c->newest;
	e->newer = NONE;
	if (c->newest != NONE)
		c->e[c->newest].newer = i;
	else
		c->oldest = i;
	c->newest = i;
	c->count++;
}

WOLFSSL_SESSION *
sesscache_get(struct sesscache *c, const uint8_t *id, size_t idlen)
{
	const unsigned char *p;
	size_t i;

	if (c == NULL || id == NULL || idlen != SESSCACHE_ID_LEN)
		return NULL;
	i = find(c, id);
	if (i == NONE)
		return NULL;
	wolfSSL_SESSION_free(c->last);
	p = c->e[i].der;
	c->last = wolfSSL_d2i_SSL_SESSION(NULL, &p, (long)c->e[i].len);
	return c->last;
}

void
sesscache_flush(struct sesscache *c)
{
	while (c->oldest != NONE)
		drop(c, c->oldest);
}

void
sesscache_free(struct sesscache *c)
{
	if (c == NULL)
		return;
	sesscache_flush(c);
	wolfSSL_SESSION_free(c->last);
	free(c->buckets);
	free(c->e);
	free(c);
}

size_t
sesscache_count(const struct sesscache *c)
{
	return c->count;
}
