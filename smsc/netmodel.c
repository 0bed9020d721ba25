/*
 * netmodel.c - the simulated SMSC's network model: seeded randomness,
 * latency distributions and the fate of one message (docs/smsc.md).
 *
 * The PRNG is xoshiro256** (Blackman and Vigna, 2018), seeded through
 * splitmix64 so that any 64-bit seed, zero included, gives a good state.
 * A log-normal latency is given by its median m and 95th percentile q:
 * ln(delay) is normal with mean ln(m) and standard deviation
 * ln(q / m) / z95, z95 being the 0.95 quantile of the standard normal.
 * Normal deviates come from the Box-Muller transform, one per two
 * uniforms, so every draw consumes a fixed number of PRNG outputs.
 * Rate limits are token buckets kept as the GCRA's theoretical arrival
 * time (ITU-T I.371), which delays messages instead of dropping them.
 * The wall clock gives TP-SCTS and TP-DT (3GPP TS 23.040 9.2.3.11).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>

#include "smsc/netmodel.h"

#define Z95	1.6448536269514722	/* Phi^-1(0.95) */
#define TWO_PI	6.283185307179586

static uint64_t	rotl(uint64_t, int);
static void	civil_from_days(int64_t, int64_t *, unsigned *, unsigned *);
static bool	prob_valid(double);
static bool	delay_valid(int64_t);
static int64_t	delay_clamp(double);

uint64_t
netmodel_splitmix(uint64_t *x)
{
	uint64_t z;

	z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
netmodel_rng_seed(struct netmodel_rng *rng, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		rng->s[i] = netmodel_splitmix(&seed);
}

uint64_t
netmodel_rng_next(struct netmodel_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result, t;

	result = rotl(s[1] * 5, 7) * 9;
	t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
netmodel_rng_unit(struct netmodel_rng *rng)
{
	return (double)(netmodel_rng_next(rng) >> 11) * 0x1.0p-53;
}

bool
netmodel_params_valid(const struct netmodel_params *p)
{
	const struct netmodel_latency *l = &p->latency;

	if (!prob_valid(p->loss) || !prob_valid(p->dup) ||
	    !prob_valid(p->reorder) || !delay_valid(p->reorder_hold))
		return false;
	if (!delay_valid(l->a))
		return false;
	switch (l->dist) {
	case NETMODEL_FIXED:
		return true;
	case NETMODEL_UNIFORM:
		return delay_valid(l->b) && l->b >= l->a;
	case NETMODEL_LOGNORMAL:
		return delay_valid(l->b) && l->a > 0 && l->b >= l->a;
	default:
		return false;
	}
}

int64_t
netmodel_latency_draw(const struct netmodel_latency *lat,
    struct netmodel_rng *rng)
{
	double u1, u2, sigma, z;

	/* Always two draws, whatever the distribution. */
	u1 = netmodel_rng_unit(rng);
	u2 = netmodel_rng_unit(rng);
	switch (lat->dist) {
	case NETMODEL_UNIFORM:
		return lat->a + (int64_t)(u1 * (double)(lat->b - lat->a + 1));
	case NETMODEL_LOGNORMAL:
		sigma = log((double)lat->b / (double)lat->a) / Z95;
		z = sqrt(-2.0 * log(1.0 - u1)) * cos(TWO_PI * u2);
		return delay_clamp((double)lat->a * exp(sigma * z));
	default:
		return lat->a;
	}
}

void
netmodel_fate_draw(const struct netmodel_params *p, struct netmodel_rng *rng,
    struct netmodel_fate *fate)
{
	double u_loss, u_dup, u_reorder, u_hold;
	int64_t hold = 0;

	u_loss = netmodel_rng_unit(rng);
	u_dup = netmodel_rng_unit(rng);
	u_reorder = netmodel_rng_unit(rng);
	u_hold = netmodel_rng_unit(rng);
	fate->lost = u_loss < p->loss;
	fate->dup = u_dup < p->dup;
	if (u_reorder < p->reorder && p->reorder_hold > 0)
		hold = 1 + (int64_t)(u_hold * (double)p->reorder_hold);
	fate->delay = netmodel_latency_draw(&p->latency, rng) + hold;
	fate->dup_delay = netmodel_latency_draw(&p->latency, rng);
}

int64_t
netmodel_bucket(int64_t *tat, uint32_t per_min, uint32_t burst, int64_t t,
    bool commit)
{
	int64_t T, rel;

	if (per_min == 0 || (T = 60000000LL / per_min) == 0)
		return t;
	/* A message may pass burst - 1 intervals ahead of the schedule. */
	rel = *tat - (int64_t)(burst - 1) * T;
	if (rel < t * 1000)
		rel = t * 1000;
	if (commit)
		*tat = (rel > *tat ? rel : *tat) + T;
	return rel / 1000 + (rel % 1000 > 0);	/* ceiling, in ms */
}

void
netmodel_scts(int64_t epoch, int8_t tz, int64_t now,
    struct smsdtls_scts *scts)
{
	int64_t s, days, secs, year;
	unsigned month, day;

	s = epoch + netmodel_floordiv(now, 1000) + (int64_t)tz * 900;
	days = netmodel_floordiv(s, 86400);
	secs = s - days * 86400;
	civil_from_days(days, &year, &month, &day);
	scts->year = (uint16_t)year;
	scts->month = (uint8_t)month;
	scts->day = (uint8_t)day;
	scts->hour = (uint8_t)(secs / 3600);
	scts->minute = (uint8_t)(secs / 60 % 60);
	scts->second = (uint8_t)(secs % 60);
	scts->tz = tz;
}

int64_t
netmodel_floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static bool
prob_valid(double p)
{
	return p >= 0.0 && p <= 1.0;	/* false for NaN */
}

static bool
delay_valid(int64_t d)
{
	return d >= 0 && d <= NETMODEL_DELAY_MAX;
}

static int64_t
delay_clamp(double d)
{
	if (!(d >= 0.0))
		return 0;
	if (d >= (double)NETMODEL_DELAY_MAX)
		return NETMODEL_DELAY_MAX;
	return llround(d);
}

/* Proleptic Gregorian date of a day count from 1970-01-01, by 400-year
 * eras of 146097 days counted from 0000-03-01. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;			/* days from 0000-03-01 */
	era = netmodel_floordiv(z, 146097);
	doe = z - era * 146097;		/* 0..146096 */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;	/* March = 0 */
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}
