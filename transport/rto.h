/*
 * rto.h - the learned retransmission timeout: RFC 6298's smoothed
 * round-trip time and variation, applied to DTLS handshake flights
 * (RFC 6347 section 4.2.4.1 lets the timer follow the path), and a
 * small table of estimates per endpoint, keyed by peer address, so that
 * what one session learned serves the next session with the same peer.
 *
 * No clock and no I/O: round trips are measured by the session and
 * passed in.  Not thread-safe, like the endpoint that owns the table.
 */
#ifndef SMSDTLS_RTO_H
#define SMSDTLS_RTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/transport.h>

/*
 * One peer's estimate; all zero means "nothing known yet".  backoff_ms
 * carries RFC 6298 (5.7) across sessions: a timeout that had to be
 * backed off stays in force, for the next session with the peer too,
 * until a sample comes (without it, a peer whose round trip exceeds the
 * initial timeout would have every first flight sent twice and never
 * give a sample).
 */
struct rto_est {
	uint64_t srtt8;		/* smoothed RTT, milliseconds times 8 */
	uint64_t rttvar4;	/* RTT variation, milliseconds times 4 */
	uint32_t samples;
	uint32_t backoff_ms;	/* backed-off timeout in force, or 0 */
};

/* What the configuration allows. */
struct rto_bounds {
	uint32_t min_ms;	/* floor of a learned timeout */
	uint32_t initial_ms;	/* before the first sample */
	uint32_t max_ms;	/* ceiling, backoff included */
};

/* Fold one round-trip sample into e (RFC 6298 section 2, alpha 1/8,
 * beta 1/4, clock granularity 1 ms); clears the backoff. */
void	rto_sample(struct rto_est *e, uint32_t rtt_ms);

/* The smoothed round-trip time in milliseconds (0 without samples). */
uint32_t rto_srtt_ms(const struct rto_est *e);

/* The timeout of a new flight: initial_ms without samples, otherwise
 * SRTT + max(1 ms, 4 * RTTVAR); the backoff if that is longer; clamped
 * to [min_ms, max_ms]. */
uint32_t rto_timeout(const struct rto_est *e, const struct rto_bounds *b);

/* The timeout after one more retransmission: doubled, at most max_ms. */
uint32_t rto_backoff(uint32_t rto_ms, uint32_t max_ms);

/*
 * A table of estimates for at most cap peers, least recently used
 * evicted first.  Peers are compared by kind and address only (ports are
 * ignored: the round trip belongs to the number or host).  Lookups scan
 * the table, which is meant for up to a few thousand peers.
 */
struct rto_table;

smsdtls_rc rto_table_new(size_t cap, struct rto_table **tp);
void	rto_table_free(struct rto_table *t);
/* The estimate for peer into *e; false (and *e zeroed) if none. */
bool	rto_table_get(struct rto_table *t, const struct smsdtls_peer *peer,
	    struct rto_est *e);
/* Store the estimate for peer, evicting the least recently used one
 * when the table is full. */
void	rto_table_put(struct rto_table *t, const struct smsdtls_peer *peer,
	    const struct rto_est *e);
size_t	rto_table_count(const struct rto_table *t);

#endif /* SMSDTLS_RTO_H */
