/*
 * vp.c - TP-Validity-Period (3GPP TS 23.040 9.2.3.12): its duration, and
 * the choice of the encoding closest to a wanted duration.
 *
 * Relative format (9.2.3.12.1), one octet:
 *   0-143 (n+1) x 5 min, 144-167 12 h + (n-143) x 30 min,
 *   168-196 (n-166) days, 197-255 (n-192) weeks.
 * Absolute format (9.2.3.12.2): a time stamp as TP-SCTS.
 * Enhanced format (9.2.3.12.3), seven octets: a functionality indicator
 * (bit 7 extension, bit 6 single shot, bits 2-0 format) and then
 *   001 one octet coded as the relative format,
 *   010 one octet of seconds, 1-255 (0 is reserved),
 *   011 three swapped-BCD octets hh mm ss, "the same representation as
 *       the Hours, Minutes and Seconds in the TP-SCTS": so hh is 0-23
 *       and the longest such period is 23:59:59.  Decoding rejects hh >
 *       23 or mm, ss > 59 as malformed, as Qualcomm's WMS does.
 * Extension FI octets (bit 7) are skipped, as libosmocore does.  Unused
 * octets are written as 0.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "transport/tpdu_fields.h"

#define ENH_LEN		7
#define FI_EXT		0x80
#define FI_FORMAT	0x07

#define MINUTE		60u
#define HOUR		(60 * MINUTE)
#define DAY		(24 * HOUR)
#define WEEK		(7 * DAY)

/* One way to write a VP, in order of preference for ties. */
struct vp_way {
	unsigned	  accept;
	smsdtls_rc	(*make)(uint32_t want, int64_t now,
			    struct smsdtls_vp *vp);
};

static uint32_t		relative_seconds(uint8_t v);
static smsdtls_rc	enhanced_seconds(const uint8_t e[ENH_LEN],
			    uint32_t *seconds);
static smsdtls_rc	hhmmss_seconds(const uint8_t o[3], uint32_t *seconds);
static smsdtls_rc	absolute_seconds(const struct smsdtls_scts *ts,
			    int64_t now, uint32_t *seconds);
static smsdtls_rc	relative_octet(uint32_t want, uint8_t *v);
static smsdtls_rc	make_relative(uint32_t want, int64_t now,
			    struct smsdtls_vp *vp);
static smsdtls_rc	make_enh_relative(uint32_t want, int64_t now,
			    struct smsdtls_vp *vp);
static smsdtls_rc	make_enh_seconds(uint32_t want, int64_t now,
			    struct smsdtls_vp *vp);
static smsdtls_rc	make_enh_hhmmss(uint32_t want, int64_t now,
			    struct smsdtls_vp *vp);
static smsdtls_rc	make_absolute(uint32_t want, int64_t now,
			    struct smsdtls_vp *vp);

/* Shortest first (relative is one octet), then simplest. */
static const struct vp_way vp_ways[] = {
	{ SMSDTLS_VP_ACCEPT_RELATIVE, make_relative },
	{ SMSDTLS_VP_ACCEPT_ENH_RELATIVE, make_enh_relative },
	{ SMSDTLS_VP_ACCEPT_ENH_SECONDS, make_enh_seconds },
	{ SMSDTLS_VP_ACCEPT_ENH_HHMMSS, make_enh_hhmmss },
	{ SMSDTLS_VP_ACCEPT_ABSOLUTE, make_absolute },
};

smsdtls_rc
smsdtls_vp_seconds(const struct smsdtls_vp *vp, int64_t now,
    uint32_t *seconds)
{
	if (vp == NULL || seconds == NULL)
		return SMSDTLS_EINVAL;
	switch (vp->format) {
	case SMSDTLS_VPF_RELATIVE:
		*seconds = relative_seconds(vp->relative);
		return SMSDTLS_OK;
	case SMSDTLS_VPF_ENHANCED:
		return enhanced_seconds(vp->enhanced, seconds);
	case SMSDTLS_VPF_ABSOLUTE:
		return absolute_seconds(&vp->absolute, now, seconds);
	default:
		return SMSDTLS_EINVAL;
	}
}

smsdtls_rc
smsdtls_vp_choose(uint32_t want, unsigned accept, int64_t now,
    struct smsdtls_vp *vp)
{
	struct smsdtls_vp best, c;
	uint32_t best_s = 0, s;
	size_t i;
	bool found = false;

	if (vp == NULL || (accept & SMSDTLS_VP_ACCEPT_ALL) == 0)
		return SMSDTLS_EINVAL;
	/* A zero validity period is reserved or useless: ask for 1 s. */
	if (want == 0)
		want = 1;
	memset(&best, 0, sizeof(best));
	for (i = 0; i < sizeof(vp_ways) / sizeof(vp_ways[0]); i++) {
		if ((accept & vp_ways[i].accept) == 0 ||
		    vp_ways[i].make(want, now, &c) != SMSDTLS_OK ||
		    smsdtls_vp_seconds(&c, now, &s) != SMSDTLS_OK)
			continue;
		if (!found || s < best_s) {
			best = c;
			best_s = s;
			found = true;
		}
	}
	if (!found)
		return SMSDTLS_ETOOBIG;
	*vp = best;
	return SMSDTLS_OK;
}

static uint32_t
relative_seconds(uint8_t v)
{
	if (v <= 143)
		return (v + 1u) * 5 * MINUTE;
	if (v <= 167)
		return 12 * HOUR + (v - 143u) * 30 * MINUTE;
	if (v <= 196)
		return (v - 166u) * DAY;
	return (v - 192u) * WEEK;
}

static smsdtls_rc
enhanced_seconds(const uint8_t e[ENH_LEN], uint32_t *seconds)
{
	size_t i = 1;
	uint8_t x = e[0];

	while (x & FI_EXT) {
		if (i >= ENH_LEN)
			return SMSDTLS_EPROTO;
		x = e[i++];
	}
	switch (e[0] & FI_FORMAT) {
	case 1:
		if (i >= ENH_LEN)
			return SMSDTLS_EPROTO;
		*seconds = relative_seconds(e[i]);
		return SMSDTLS_OK;
	case 2:
		if (i >= ENH_LEN)
			return SMSDTLS_EPROTO;
		if (e[i] == 0)
			return SMSDTLS_EINVAL;
		*seconds = e[i];
		return SMSDTLS_OK;
	case 3:
		if (i + 3 > ENH_LEN)
			return SMSDTLS_EPROTO;
		return hhmmss_seconds(e + i, seconds);
	default:
		return SMSDTLS_EINVAL;
	}
}

static smsdtls_rc
hhmmss_seconds(const uint8_t o[3], uint32_t *seconds)
{
	uint8_t h, m, s;

	if (tpdu_bcd_get(o[0], &h) != SMSDTLS_OK ||
	    tpdu_bcd_get(o[1], &m) != SMSDTLS_OK ||
	    tpdu_bcd_get(o[2], &s) != SMSDTLS_OK ||
	    h > 23 || m > 59 || s > 59)
		return SMSDTLS_EPROTO;
	*seconds = h * HOUR + m * MINUTE + s;
	return SMSDTLS_OK;
}

static smsdtls_rc
absolute_seconds(const struct smsdtls_scts *ts, int64_t now,
    uint32_t *seconds)
{
	int64_t t;
	smsdtls_rc rc;

	if ((rc = tpdu_scts_to_unix(ts, &t)) != SMSDTLS_OK)
		return rc;
	if (now >= t)
		*seconds = 0;
	else if (t - now > UINT32_MAX)
		*seconds = UINT32_MAX;
	else
		*seconds = (uint32_t)(t - now);
	return SMSDTLS_OK;
}

/* The smallest relative octet lasting at least want seconds. */
static smsdtls_rc
relative_octet(uint32_t want, uint8_t *v)
{
	unsigned i;

	for (i = 0; i <= 255; i++) {
		if (relative_seconds((uint8_t)i) >= want) {
			*v = (uint8_t)i;
			return SMSDTLS_OK;
		}
	}
	return SMSDTLS_ETOOBIG;
}

static smsdtls_rc
make_relative(uint32_t want, int64_t now, struct smsdtls_vp *vp)
{
	(void)now;
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_RELATIVE;
	return relative_octet(want, &vp->relative);
}

static smsdtls_rc
make_enh_relative(uint32_t want, int64_t now, struct smsdtls_vp *vp)
{
	(void)now;
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_ENHANCED;
	vp->enhanced[0] = 1;
	return relative_octet(want, &vp->enhanced[1]);
}

static smsdtls_rc
make_enh_seconds(uint32_t want, int64_t now, struct smsdtls_vp *vp)
{
	(void)now;
	if (want < 1 || want > 255)
		return SMSDTLS_ETOOBIG;
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_ENHANCED;
	vp->enhanced[0] = 2;
	vp->enhanced[1] = (uint8_t)want;
	return SMSDTLS_OK;
}

static smsdtls_rc
make_enh_hhmmss(uint32_t want, int64_t now, struct smsdtls_vp *vp)
{
	(void)now;
	if (want < 1 || want >= DAY)
		return SMSDTLS_ETOOBIG;
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_ENHANCED;
	vp->enhanced[0] = 3;
	vp->enhanced[1] = tpdu_bcd_put((uint8_t)(want / HOUR));
	vp->enhanced[2] = tpdu_bcd_put((uint8_t)(want / MINUTE % 60));
	vp->enhanced[3] = tpdu_bcd_put((uint8_t)(want % 60));
	return SMSDTLS_OK;
}

/* now + want as a UTC time stamp. */
static smsdtls_rc
make_absolute(uint32_t want, int64_t now, struct smsdtls_vp *vp)
{
	if (now > INT64_MAX - (int64_t)want)
		return SMSDTLS_ETOOBIG;
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_ABSOLUTE;
	return tpdu_scts_from_unix(now + want, &vp->absolute);
}
