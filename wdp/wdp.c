/*
 * wdp.c - WDP over GSM SMS: port addressing, segmentation on request and
 * bounded reassembly of concatenated SMS (WAP-259-WDP, GSM SMS bearer;
 * 3GPP TS 23.040 9.2.3.24.1, .3, .4 and .8).
 *
 * Sending: a datagram goes in one SMS with a 16-bit port UDH (PMTU 133),
 * or with no UDH when ports are disabled (PMTU 140).  Concatenated SMS is
 * used only when the caller asks for it (SHOULD NOT, see DESIGN.md), with a
 * 16-bit reference.  No heap: each segment is built on the stack.
 *
 * Receiving: parts of concatenated messages from any sender, with 8- or
 * 16-bit references, are kept in one heap block per message, keyed by
 * (canonical originator, reference, ports).  Everything a remote sender
 * can make us hold is capped (bytes, messages, parts per peer) and timed
 * out; past a cap the part is dropped and counted.  A block has one
 * 134-octet slot per announced part (34 KiB for 255 parts) and charges
 * its whole size to max_bytes when it is created, so the cap bounds the
 * memory really held, not the payload received so far.  A complete
 * message is compacted in place and handed out from its own block, which
 * lives until the next wdp_input().
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "wdp/wdp.h"

/* Payload room of one part: 140 minus the smallest concat UDH (00 03). */
#define REASM_SLOT	(SMSDTLS_UD_MAX - 6)

/* A message being reassembled; part i lives at data[i * REASM_SLOT]. */
struct reasm {
	TAILQ_ENTRY(reasm) entry;
	struct smsdtls_addr peer;	/* canonical originator */
	uint16_t	src_port;
	uint16_t	dst_port;
	uint16_t	ref;
	bool		ref16;
	uint8_t		total;
	uint8_t		count;		/* parts held */
	int64_t		deadline;
	size_t		size;		/* bytes charged to max_bytes */
	uint8_t		have[(WDP_MAX_PARTS + 7) / 8];
	uint8_t		len[WDP_MAX_PARTS];
	uint8_t		data[];
};

TAILQ_HEAD(reasm_list, reasm);

struct wdp {
	struct wdp_config cfg;
	struct wdp_stats st;
	struct reasm_list reasms;
	struct reasm	*done;		/* delivered; freed by the next input */
	uint16_t	 next_ref;	/* concatenation reference to send */
	uint8_t		 single[SMSDTLS_UD_MAX];
};

static smsdtls_rc	wdp_parse(struct wdp *, const struct smsdtls_addr *,
			    bool, const uint8_t *, size_t,
			    struct smsdtls_udh *, size_t *, struct wdp_dgram *);
static smsdtls_rc	wdp_deliver(struct wdp *, const struct wdp_dgram *,
			    struct wdp_dgram *);
static smsdtls_rc	wdp_segment(const struct smsdtls_udh *,
			    const uint8_t *, size_t, struct wdp_segment *);
static smsdtls_rc	reasm_add(struct wdp *, const struct wdp_dgram *,
			    const struct smsdtls_udh *, const uint8_t *, size_t,
			    int64_t, struct wdp_dgram *);
static smsdtls_rc	reasm_caps(struct wdp *, const struct smsdtls_addr *,
			    size_t, const struct reasm *);
static struct reasm	*reasm_find(struct wdp *, const struct wdp_dgram *,
			    const struct smsdtls_udh *);
static struct reasm	*reasm_new(struct wdp *, const struct wdp_dgram *,
			    const struct smsdtls_udh *, int64_t);
static void		 reasm_store(struct reasm *, unsigned,
			    const uint8_t *, size_t);
static smsdtls_rc	 reasm_complete(struct wdp *, struct reasm *,
			    const struct wdp_dgram *, struct wdp_dgram *);
static void		 reasm_drop(struct wdp *, struct reasm *);
static size_t		 reasm_size(unsigned);
static bool		 reasm_has(const struct reasm *, unsigned);
static uint32_t		 hash_bytes(uint32_t, const void *, size_t);

void
wdp_config_default(struct wdp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ports = true;
	cfg->max_bytes = 256 * 1024;
	cfg->max_reassemblies = 32;
	cfg->max_peer_parts = WDP_MAX_PARTS;
	cfg->reasm_timeout_ms = 10 * 60 * 1000;
}

smsdtls_rc
wdp_new(const struct wdp_config *cfg, struct wdp **wdpp)
{
	struct smsdtls_addr probe = { SMSDTLS_TON_NATIONAL, 1, "1" }, tmp;
	struct wdp *wdp;
	size_t ccn;

	if (cfg == NULL || wdpp == NULL || cfg->reasm_timeout_ms <= 0)
		return SMSDTLS_EINVAL;
	ccn = strnlen(cfg->country_code, sizeof(cfg->country_code));
	/* Let the address code judge the country code on a probe. */
	if (ccn == sizeof(cfg->country_code) || (ccn != 0 &&
	    smsdtls_addr_canonical(&probe, cfg->country_code, &tmp) !=
	    SMSDTLS_OK))
		return SMSDTLS_EINVAL;
	if ((wdp = calloc(1, sizeof(*wdp))) == NULL)
		return SMSDTLS_ENOMEM;
	wdp->cfg = *cfg;
	TAILQ_INIT(&wdp->reasms);
	*wdpp = wdp;
	return SMSDTLS_OK;
}

void
wdp_free(struct wdp *wdp)
{
	struct reasm *r;

	if (wdp == NULL)
		return;
	while ((r = TAILQ_FIRST(&wdp->reasms)) != NULL)
		reasm_drop(wdp, r);
	free(wdp->done);
	free(wdp);
}

size_t
wdp_pmtu(const struct wdp *wdp)
{
	return wdp->cfg.ports ? WDP_PMTU_PORTS : WDP_PMTU_NOPORTS;
}

size_t
wdp_max_dgram(const struct wdp *wdp, unsigned flags)
{
	if ((flags & WDP_OUT_CONCAT) == 0)
		return wdp_pmtu(wdp);
	return WDP_MAX_PARTS *
	    (size_t)(wdp->cfg.ports ? WDP_PART_PORTS : WDP_PART_NOPORTS);
}

smsdtls_rc
wdp_output(struct wdp *wdp, const struct wdp_dgram *dg, unsigned flags,
    wdp_emit_cb emit, void *arg)
{
	struct wdp_segment seg;
	struct smsdtls_udh udh;
	size_t per, off, n;
	unsigned i, nparts = 1;
	smsdtls_rc rc;

	if (wdp == NULL || dg == NULL || emit == NULL ||
	    (dg->data == NULL && dg->len != 0))
		return SMSDTLS_EINVAL;
	if (dg->len > wdp_max_dgram(wdp, flags))
		return SMSDTLS_ETOOBIG;
	memset(&udh, 0, sizeof(udh));
	udh.has_ports = udh.ports16 = wdp->cfg.ports;
	if (wdp->cfg.ports) {
		udh.dst_port = dg->dst_port;
		udh.src_port = dg->src_port;
	}
	per = wdp_pmtu(wdp);
	if (dg->len > per) {
		udh.has_concat = udh.concat16 = true;
		udh.concat_ref = wdp->next_ref++;
		per = SMSDTLS_UD_MAX - smsdtls_udh_size(&udh);
		nparts = (unsigned)((dg->len + per - 1) / per);
		udh.concat_total = (uint8_t)nparts;
	}
	for (i = 0, off = 0; i < nparts; i++, off += n) {
		n = dg->len - off < per ? dg->len - off : per;
		udh.concat_seq = (uint8_t)(i + 1);
		if ((rc = wdp_segment(&udh, dg->data + off, n, &seg)) !=
		    SMSDTLS_OK ||
		    (rc = emit(arg, &seg)) != SMSDTLS_OK)
			return rc;
		wdp->st.segments_out++;
	}
	wdp->st.dgrams_out++;
	if (nparts > 1)
		wdp->st.concat_out++;
	return SMSDTLS_OK;
}

smsdtls_rc
wdp_input(struct wdp *wdp, const struct smsdtls_addr *originator, bool udhi,
    const uint8_t *ud, size_t ud_len, int64_t now_ms, struct wdp_dgram *out)
{
	struct smsdtls_udh udh;
	struct wdp_dgram dg;
	size_t off;
	smsdtls_rc rc;

	if (wdp == NULL || originator == NULL || out == NULL ||
	    (ud == NULL && ud_len != 0))
		return SMSDTLS_EINVAL;
	free(wdp->done);
	wdp->done = NULL;
	(void)wdp_expire(wdp, now_ms);
	wdp->st.segments_in++;
	rc = wdp_parse(wdp, originator, udhi, ud, ud_len, &udh, &off, &dg);
	if (rc != SMSDTLS_OK)
		return rc;
	if (!udh.has_concat || udh.concat_total == 1) {
		if (ud_len > off)
			memcpy(wdp->single, ud + off, ud_len - off);
		dg.data = wdp->single;
		dg.len = ud_len - off;
		return wdp_deliver(wdp, &dg, out);
	}
	return reasm_add(wdp, &dg, &udh, ud + off, ud_len - off, now_ms, out);
}

int64_t
wdp_expire(struct wdp *wdp, int64_t now_ms)
{
	struct reasm *r, *next;
	int64_t deadline = WDP_NO_DEADLINE;

	if (wdp == NULL)
		return WDP_NO_DEADLINE;
	for (r = TAILQ_FIRST(&wdp->reasms); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->deadline <= now_ms) {
			reasm_drop(wdp, r);
			wdp->st.drop_timeout++;
		} else if (r->deadline < deadline)
			deadline = r->deadline;
	}
	return deadline;
}

void
wdp_get_stats(const struct wdp *wdp, struct wdp_stats *st)
{
	*st = wdp->st;
}

void
wdp_key_from_dgram(const struct wdp_dgram *dg, struct wdp_key *key)
{
	memset(key, 0, sizeof(*key));
	key->peer = dg->peer;
	key->peer_port = dg->src_port;
	key->local_port = dg->dst_port;
}

void
wdp_dgram_from_key(const struct wdp_key *key, const uint8_t *data,
    size_t len, struct wdp_dgram *dg)
{
	memset(dg, 0, sizeof(*dg));
	dg->peer = key->peer;
	dg->dst_port = key->peer_port;
	dg->src_port = key->local_port;
	dg->data = data;
	dg->len = len;
}

void
wdp_reply(const struct wdp_dgram *rx, const uint8_t *data, size_t len,
    struct wdp_dgram *tx)
{
	struct wdp_key key;

	wdp_key_from_dgram(rx, &key);
	wdp_dgram_from_key(&key, data, len, tx);
}

bool
wdp_key_equal(const struct wdp_key *a, const struct wdp_key *b)
{
	return a->peer_port == b->peer_port &&
	    a->local_port == b->local_port &&
	    smsdtls_addr_equal(&a->peer, &b->peer);
}

uint32_t
wdp_key_hash(const struct wdp_key *key, uint32_t seed)
{
	uint8_t hdr[6];
	uint32_t h = 2166136261u ^ seed;

	hdr[0] = key->peer.ton;
	hdr[1] = key->peer.npi;
	hdr[2] = (uint8_t)(key->peer_port >> 8);
	hdr[3] = (uint8_t)key->peer_port;
	hdr[4] = (uint8_t)(key->local_port >> 8);
	hdr[5] = (uint8_t)key->local_port;
	h = hash_bytes(h, hdr, sizeof(hdr));
	return hash_bytes(h, key->peer.text,
	    strnlen(key->peer.text, sizeof(key->peer.text)));
}

/*
 * Check one received SMS and fill dg's peer and ports; *off is where its
 * payload starts.  Every refusal is counted here.
 */
static smsdtls_rc
wdp_parse(struct wdp *wdp, const struct smsdtls_addr *originator, bool udhi,
    const uint8_t *ud, size_t ud_len, struct smsdtls_udh *udh, size_t *off,
    struct wdp_dgram *dg)
{
	const char *cc = wdp->cfg.country_code;
	smsdtls_rc rc;

	memset(udh, 0, sizeof(*udh));
	memset(dg, 0, sizeof(*dg));
	*off = 0;
	if (ud_len > SMSDTLS_UD_MAX) {
		wdp->st.drop_malformed++;
		return SMSDTLS_EPROTO;
	}
	if (udhi && (rc = smsdtls_udh_parse(ud, ud_len, udh, off)) !=
	    SMSDTLS_OK) {
		wdp->st.drop_malformed++;
		return rc;
	}
	if (wdp->cfg.ports && !udh->has_ports) {
		wdp->st.drop_no_ports++;
		return SMSDTLS_EPROTO;
	}
	if (smsdtls_addr_canonical(originator, *cc != '\0' ? cc : NULL,
	    &dg->peer) != SMSDTLS_OK) {
		wdp->st.drop_addr++;
		return SMSDTLS_EADDR;
	}
	if (wdp->cfg.ports) {
		dg->src_port = udh->src_port;
		dg->dst_port = udh->dst_port;
	}
	return SMSDTLS_OK;
}

static smsdtls_rc
wdp_deliver(struct wdp *wdp, const struct wdp_dgram *dg,
    struct wdp_dgram *out)
{
	*out = *dg;
	wdp->st.dgrams_in++;
	return SMSDTLS_OK;
}

/* Lay out one segment: the UDH (if any) and n payload octets. */
static smsdtls_rc
wdp_segment(const struct smsdtls_udh *udh, const uint8_t *p, size_t n,
    struct wdp_segment *seg)
{
	size_t hl;
	smsdtls_rc rc;

	rc = smsdtls_udh_build(udh, seg->ud, sizeof(seg->ud), &hl);
	if (rc != SMSDTLS_OK)
		return rc;
	if (n > sizeof(seg->ud) - hl)
		return SMSDTLS_ETOOBIG;
	if (n != 0)
		memcpy(seg->ud + hl, p, n);
	seg->ud_len = hl + n;
	seg->udhi = hl != 0;
	seg->seq = udh->has_concat ? udh->concat_seq : 1;
	seg->total = udh->has_concat ? udh->concat_total : 1;
	return SMSDTLS_OK;
}

/* Store one part of a concatenated message, n <= REASM_SLOT octets. */
static smsdtls_rc
reasm_add(struct wdp *wdp, const struct wdp_dgram *dg,
    const struct smsdtls_udh *udh, const uint8_t *p, size_t n, int64_t now,
    struct wdp_dgram *out)
{
	struct reasm *r, *stale = NULL;
	unsigned i = udh->concat_seq - 1u;
	smsdtls_rc rc;

	r = reasm_find(wdp, dg, udh);
	if (r != NULL && r->total != udh->concat_total) {
		stale = r;
		r = NULL;
	}
	if (r != NULL && reasm_has(r, i)) {
		wdp->st.drop_duplicate++;
		return SMSDTLS_AGAIN;
	}
	rc = reasm_caps(wdp, &dg->peer,
	    r == NULL ? reasm_size(udh->concat_total) : 0, stale);
	if (rc != SMSDTLS_OK)
		return rc;
	if (r == NULL) {
		if ((r = reasm_new(wdp, dg, udh, now)) == NULL) {
			wdp->st.drop_nomem++;
			return SMSDTLS_ENOMEM;
		}
		if (stale != NULL) {
			reasm_drop(wdp, stale);
			wdp->st.drop_inconsistent++;
		}
	}
	reasm_store(r, i, p, n);
	if (r->count < r->total)
		return SMSDTLS_AGAIN;
	return reasm_complete(wdp, r, dg, out);
}

/*
 * Would one more part for peer, and a new block of size octets (0 when
 * the message exists), fit the caps?  stale is about to be dropped and
 * does not count.  A refusal is counted.
 */
static smsdtls_rc
reasm_caps(struct wdp *wdp, const struct smsdtls_addr *peer, size_t size,
    const struct reasm *stale)
{
	const struct reasm *r;
	size_t parts = 0, active = 0, bytes = 0;

	TAILQ_FOREACH(r, &wdp->reasms, entry) {
		if (r == stale)
			continue;
		active++;
		bytes += r->size;
		if (smsdtls_addr_equal(&r->peer, peer))
			parts += r->count;
	}
	if (parts + 1 > wdp->cfg.max_peer_parts) {
		wdp->st.drop_cap_peer++;
		return SMSDTLS_ELIMIT;
	}
	if (size != 0 && active + 1 > wdp->cfg.max_reassemblies) {
		wdp->st.drop_cap_reasm++;
		return SMSDTLS_ELIMIT;
	}
	if (size != 0 && (size > wdp->cfg.max_bytes ||
	    bytes > wdp->cfg.max_bytes - size)) {
		wdp->st.drop_cap_bytes++;
		return SMSDTLS_ELIMIT;
	}
	return SMSDTLS_OK;
}

static struct reasm *
reasm_find(struct wdp *wdp, const struct wdp_dgram *dg,
    const struct smsdtls_udh *udh)
{
	struct reasm *r;

	TAILQ_FOREACH(r, &wdp->reasms, entry) {
		if (r->ref == udh->concat_ref && r->ref16 == udh->concat16 &&
		    r->src_port == dg->src_port &&
		    r->dst_port == dg->dst_port &&
		    smsdtls_addr_equal(&r->peer, &dg->peer))
			return r;
	}
	return NULL;
}

/* Allocate and link a block for the message udh announces. */
static struct reasm *
reasm_new(struct wdp *wdp, const struct wdp_dgram *dg,
    const struct smsdtls_udh *udh, int64_t now)
{
	struct reasm *r;
	size_t size = reasm_size(udh->concat_total);
	int64_t timeout = wdp->cfg.reasm_timeout_ms;

	if ((r = malloc(size)) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->peer = dg->peer;
	r->src_port = dg->src_port;
	r->dst_port = dg->dst_port;
	r->ref = udh->concat_ref;
	r->ref16 = udh->concat16;
	r->total = udh->concat_total;
	r->size = size;
	/* Saturate below WDP_NO_DEADLINE rather than overflow. */
	r->deadline = now < WDP_NO_DEADLINE - timeout ? now + timeout :
	    WDP_NO_DEADLINE - 1;
	TAILQ_INSERT_TAIL(&wdp->reasms, r, entry);
	wdp->st.reasm_active++;
	wdp->st.reasm_bytes += size;
	return r;
}

static void
reasm_store(struct reasm *r, unsigned i, const uint8_t *p, size_t n)
{
	if (n != 0)
		memcpy(r->data + (size_t)i * REASM_SLOT, p, n);
	r->len[i] = (uint8_t)n;
	r->have[i / 8] |= (uint8_t)(1u << (i % 8));
	r->count++;
}

/*
 * Unlink a complete message, close the gaps between its parts in place
 * (part i moves down from i * REASM_SLOT, never over an unread part) and
 * keep the block as wdp->done so that out->data stays valid.
 */
static smsdtls_rc
reasm_complete(struct wdp *wdp, struct reasm *r, const struct wdp_dgram *dg,
    struct wdp_dgram *out)
{
	struct wdp_dgram full = *dg;
	size_t off = 0;
	unsigned i;

	TAILQ_REMOVE(&wdp->reasms, r, entry);
	wdp->st.reasm_active--;
	wdp->st.reasm_bytes -= r->size;
	for (i = 0; i < r->total; i++) {
		memmove(r->data + off, r->data + (size_t)i * REASM_SLOT,
		    r->len[i]);
		off += r->len[i];
	}
	wdp->done = r;
	full.data = r->data;
	full.len = off;
	return wdp_deliver(wdp, &full, out);
}

static void
reasm_drop(struct wdp *wdp, struct reasm *r)
{
	TAILQ_REMOVE(&wdp->reasms, r, entry);
	wdp->st.reasm_active--;
	wdp->st.reasm_bytes -= r->size;
	free(r);
}

static size_t
reasm_size(unsigned total)
{
	return sizeof(struct reasm) + (size_t)total * REASM_SLOT;
}

static bool
reasm_has(const struct reasm *r, unsigned i)
{
	return (r->have[i / 8] & (1u << (i % 8))) != 0;
}

static uint32_t
hash_bytes(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}
