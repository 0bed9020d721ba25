/*
 * netmodel.h - the network model of the simulated SMSC: a seeded PRNG
 * (xoshiro256**, seeded through splitmix64), delivery-latency
 * distributions, the per-message "fate" (loss, duplication, extra
 * hold-back for reordering), rate limits and the simulated wall clock.
 * See docs/smsc.md.
 *
 * Nothing here reads the clock or allocates.  Every draw is a pure
 * function of the PRNG state, so a run is reproducible from its seed.
 * Times are in milliseconds.
 */
#ifndef SMSC_NETMODEL_H
#define SMSC_NETMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <smsdtls/sms.h>

/* Upper bound of any drawn delay: 30 days.  Keeps sums far from overflow. */
#define NETMODEL_DELAY_MAX	(30LL * 24 * 3600 * 1000)

/* Number of PRNG outputs netmodel_fate_draw() consumes, whatever it
 * decides: a message's fate never shifts the draws of the next one. */
#define NETMODEL_FATE_DRAWS	8

enum netmodel_dist {
	NETMODEL_FIXED = 0,	/* always a */
	NETMODEL_UNIFORM = 1,	/* a..b inclusive, integer ms */
	NETMODEL_LOGNORMAL = 2	/* median a, 95th percentile b */
};

/*
 * A delivery-latency distribution, in milliseconds.  a is the delay
 * (FIXED), the minimum (UNIFORM) or the median (LOGNORMAL); b is the
 * maximum (UNIFORM) or the 95th percentile, >= a (LOGNORMAL).
 */
struct netmodel_latency {
	uint8_t	dist;		/* enum netmodel_dist */
	int64_t	a;
	int64_t	b;
};

/* The behaviour of one radio link (see smsc.h for which link applies). */
struct netmodel_params {
	struct netmodel_latency latency;
	double	loss;		/* P(message vanishes), 0..1 */
	double	dup;		/* P(one extra copy), 0..1 */
	double	reorder;	/* P(extra hold-back), 0..1 */
	int64_t	reorder_hold;	/* hold-back: uniform 1..this ms */
};

/* xoshiro256** state; never all zero once seeded. */
struct netmodel_rng {
	uint64_t s[4];
};

/* What happens to one message on its link. */
struct netmodel_fate {
	bool	lost;		/* never arrives */
	bool	dup;		/* a second copy arrives too */
	int64_t	delay;		/* latency, plus any hold-back */
	int64_t	dup_delay;	/* the copy's own latency */
};

/* One step of splitmix64 on *x; used to seed and to derive seeds. */
uint64_t netmodel_splitmix(uint64_t *x);

/* Seed rng from a 64-bit value (any value, zero included). */
void	netmodel_rng_seed(struct netmodel_rng *rng, uint64_t seed);

/* Next 64 random bits. */
uint64_t netmodel_rng_next(struct netmodel_rng *rng);

/* Uniform double in [0, 1) with 53 random bits. */
double	netmodel_rng_unit(struct netmodel_rng *rng);

/* True if p is valid: distributions well formed, probabilities in 0..1,
 * delays in 0..NETMODEL_DELAY_MAX. */
bool	netmodel_params_valid(const struct netmodel_params *p);

/* Draw one latency; consumes exactly two PRNG outputs. */
int64_t	netmodel_latency_draw(const struct netmodel_latency *lat,
	    struct netmodel_rng *rng);

/* A token bucket's state before its first use. */
#define NETMODEL_BUCKET_FULL	(INT64_MIN / 4)

/*
 * Rate limit: a token bucket of depth burst (>= 1) refilled with per_min
 * tokens a minute (0: no limit), kept as GCRA virtual scheduling in *tat
 * (microseconds).  Returns the earliest time (ms) at or after t that a
 * message may pass; with commit, that message takes its token.  Messages
 * are delayed, never dropped, and pass in the order they ask.
 */
int64_t	netmodel_bucket(int64_t *tat, uint32_t per_min, uint32_t burst,
	    int64_t t, bool commit);

/* Draw the fate of one message; consumes exactly NETMODEL_FATE_DRAWS. */
void	netmodel_fate_draw(const struct netmodel_params *p,
	    struct netmodel_rng *rng, struct netmodel_fate *fate);

/* The simulated wall clock: epoch (Unix seconds) + now (ms), as a local
 * time in time zone tz (quarter-hours east of UTC), proleptic Gregorian. */
void	netmodel_scts(int64_t epoch, int8_t tz, int64_t now,
	    struct smsdtls_scts *scts);

/* a / b rounded towards minus infinity (b > 0). */
int64_t	netmodel_floordiv(int64_t a, int64_t b);

#endif /* SMSC_NETMODEL_H */
