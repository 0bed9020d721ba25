/*
 * mem.c - the in-memory transport: what the DTLS layer sends is queued,
 * with its peer and send info, in a bounded FIFO that the caller drains
 * with smsdtls_mem_pop().  It stands in for a bearer in tests and
 * examples; a PMTU of 133 mimics one SMS with WDP ports (RFC 7925
 * Appendix A, 3GPP TS 23.040 9.2.3.24.4).
 *
 * Each datagram is one allocation holding its bytes.  The queue depth is
 * capped (SMSDTLS_ELIMIT past it) and datagrams over the PMTU are refused
 * (SMSDTLS_ETOOBIG), as a real transport would drop them.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <smsdtls/transport.h>

struct mem_dgram {
	STAILQ_ENTRY(mem_dgram) entry;
	struct smsdtls_peer to;
	struct smsdtls_send_info info;
	size_t		len;
	uint8_t		data[];
};

struct smsdtls_mem {
	STAILQ_HEAD(, mem_dgram) queue;
	size_t		queued;
	size_t		max_queued;
	size_t		pmtu;
};

static size_t	mem_pmtu(void *, const struct smsdtls_peer *);
static smsdtls_rc mem_send(void *, const struct smsdtls_peer *,
		    const uint8_t *, size_t, const struct smsdtls_send_info *);

static const struct smsdtls_transport_ops mem_ops = {
	.pmtu = mem_pmtu,
	.send = mem_send
};

smsdtls_rc
smsdtls_mem_new(size_t pmtu, size_t max_queued, struct smsdtls_mem **memp)
{
	struct smsdtls_mem *mem;

	if (memp == NULL || pmtu == 0 || max_queued == 0)
		return SMSDTLS_EINVAL;
	if ((mem = calloc(1, sizeof(*mem))) == NULL)
		return SMSDTLS_ENOMEM;
	STAILQ_INIT(&mem->queue);
	mem->pmtu = pmtu;
	mem->max_queued = max_queued;
	*memp = mem;
	return SMSDTLS_OK;
}

void
smsdtls_mem_free(struct smsdtls_mem *mem)
{
	struct mem_dgram *d;

	if (mem == NULL)
		return;
	while ((d = STAILQ_FIRST(&mem->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&mem->queue, entry);
		free(d);
	}
	free(mem);
}

void
smsdtls_mem_transport(struct smsdtls_mem *mem, struct smsdtls_transport *t)
{
	if (t == NULL)
		return;
	t->ops = &mem_ops;
	t->arg = mem;
}

/* to, info and len may be NULL when the caller does not want them. */
smsdtls_rc
smsdtls_mem_pop(struct smsdtls_mem *mem, struct smsdtls_peer *to,
    uint8_t *buf, size_t buflen, size_t *len, struct smsdtls_send_info *info)
{
	struct mem_dgram *d;

	if (mem == NULL || (buf == NULL && buflen > 0))
		return SMSDTLS_EINVAL;
	if ((d = STAILQ_FIRST(&mem->queue)) == NULL)
		return SMSDTLS_AGAIN;
	if (d->len > buflen)
		return SMSDTLS_ETOOBIG;
	STAILQ_REMOVE_HEAD(&mem->queue, entry);
	mem->queued--;
	if (d->len > 0)
		memcpy(buf, d->data, d->len);
	if (to != NULL)
		*to = d->to;
	if (len != NULL)
		*len = d->len;
	if (info != NULL)
		*info = d->info;
	free(d);
	return SMSDTLS_OK;
}

static size_t
mem_pmtu(void *arg, const struct smsdtls_peer *peer)
{
	const struct smsdtls_mem *mem = arg;

	(void)peer;
	return mem != NULL ? mem->pmtu : 0;
}

/* Queue a copy of the datagram; a NULL info is queued as all zero. */
static smsdtls_rc
mem_send(void *arg, const struct smsdtls_peer *peer, const uint8_t *data,
    size_t len, const struct smsdtls_send_info *info)
{
	struct smsdtls_mem *mem = arg;
	struct mem_dgram *d;

	if (mem == NULL || peer == NULL || (data == NULL && len > 0))
		return SMSDTLS_EINVAL;
	if (len > mem->pmtu)
		return SMSDTLS_ETOOBIG;
	if (mem->queued >= mem->max_queued)
		return SMSDTLS_ELIMIT;
	if ((d = malloc(sizeof(*d) + len)) == NULL)
		return SMSDTLS_ENOMEM;
	memset(d, 0, sizeof(*d));
	d->to = *peer;
	if (info != NULL)
		d->info = *info;
	d->len = len;
	if (len > 0)
		memcpy(d->data, data, len);
	STAILQ_INSERT_TAIL(&mem->queue, d, entry);
	mem->queued++;
	return SMSDTLS_OK;
}
