/*
 * fuzz_wdp.c - libFuzzer target for WDP over SMS reassembly (WAP-259-WDP
 * GSM SMS bearer; 3GPP TS 23.040 9.2.3.24.1 and .8): a sequence of
 * received SMS fed to one wdp object with small caps.
 *
 * Input: a 5-octet header, then records.
 *   header  flags (bit 0 ports, bit 1 country code "44", bits 2-3 start
 *           time: 0, near INT64_MAX, near INT64_MIN, bit 4 expire all
 *           before wdp_free() rather than free held parts), max_reassemblies
 *           (% 9), max_peer_parts (% 17), max_bytes (in 256-octet
 *           units), reassembly timeout (in 250 ms units, + 1)
 *   record  sel step len ud[len]
 *     sel bits 0-2  originator (table below; 7 has TON step & 7)
 *         bit 3     TP-UDHI
 *         bit 4     call wdp_expire() first
 *         bit 5     an output record instead (below)
 *     step          the clock advances by step * 50 ms first
 *     len, ud       TP-UD, cut short at the end of the input
 *   An output record sends a datagram of len + 140 * (step & 0x3f)
 *   octets (ud repeated) with wdp_output(), WDP_OUT_CONCAT when step bit
 *   6 is set, and feeds every segment to a second wdp object (default
 *   caps, its own clock, one tick per record), which must give the
 *   datagram back, whole, with the last segment.
 *
 * Properties checked: results are the documented codes, *out is written
 * only on success, a delivered datagram is readable and within
 * WDP_DGRAM_MAX (and, unsegmented, equals the payload after the UDH),
 * the caps and the deadlines hold after every call, everything expires,
 * and (under ASan) nothing leaks or is touched after free.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "wdp/wdp.h"
#include "targets.h"

#define HDR_LEN		5
#define STEP_MS		50
#define OUT_MAX		(255 + 140 * 63)

struct cursor {
	const uint8_t	*p;
	size_t		 left;
};

/* One fuzz run: the object under test, its peer, the clock. */
struct run {
	struct wdp_config cfg;
	struct wdp	*wdp;
	struct wdp	*peer;		/* gets what wdp_output() sends */
	int64_t		 now;
	int64_t		 peer_now;	/* the peer's own clock */
	uint64_t	 calls;		/* wdp_input() calls on wdp */
	uint64_t	 delivered;	/* SMSDTLS_OK results from them */
	/* state of the output record being checked */
	const uint8_t	*out_data;
	size_t		 out_len;
	unsigned	 out_segs, out_want;
	uint16_t	 out_src, out_dst;
	bool		 out_done;
};

static const struct smsdtls_addr origins[8] = {
	{ SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164, "447700900123" },
	{ SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164, "447700900456" },
	{ SMSDTLS_TON_NATIONAL, SMSDTLS_NPI_E164, "7700900123" },
	{ SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "07700900456" },
	{ SMSDTLS_TON_ALPHANUMERIC, SMSDTLS_NPI_UNKNOWN, "DTLS" },
	{ SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "00447700900789" },
	{ SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164, "" },
	{ SMSDTLS_TON_UNKNOWN, SMSDTLS_NPI_E164, "447700900999" },
};

static bool
take(struct cursor *c, size_t n, const uint8_t **p)
{
	if (c->left < n)
		return false;
	*p = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static int
take_byte(struct cursor *c)
{
	const uint8_t *p;

	return take(c, 1, &p) ? *p : -1;
}

static bool
rc_documented(smsdtls_rc rc)
{
	switch (rc) {
	case SMSDTLS_OK:
	case SMSDTLS_AGAIN:
	case SMSDTLS_EUDHL:
	case SMSDTLS_EIEOVERRUN:
	case SMSDTLS_EIEDL:
	case SMSDTLS_EPROTO:
	case SMSDTLS_ETRUNC:
	case SMSDTLS_EADDR:
	case SMSDTLS_ELIMIT:
		return true;
	default:
		return false;
	}
}

/* Caps and gauges after any call. */
static void
check_stats(const struct run *r)
{
	struct wdp_stats st;

	wdp_get_stats(r->wdp, &st);
	FUZZ_ASSERT(st.reasm_active <= r->cfg.max_reassemblies);
	FUZZ_ASSERT(st.reasm_bytes <= r->cfg.max_bytes);
	FUZZ_ASSERT((st.reasm_active == 0) == (st.reasm_bytes == 0));
	FUZZ_ASSERT(st.segments_in == r->calls);
	FUZZ_ASSERT(st.dgrams_in == r->delivered);
}

static void
check_deadline(const struct run *r, int64_t deadline)
{
	if (deadline == WDP_NO_DEADLINE)
		return;
	FUZZ_ASSERT(deadline > r->now);
	FUZZ_ASSERT(deadline - r->now <= r->cfg.reasm_timeout_ms);
}

/* The association key of a received datagram, and of the reply to it. */
static void
check_keys(const struct wdp_dgram *rx)
{
	static const uint8_t reply[] = { 0x17 };
	struct wdp_key k, kb;
	struct wdp_dgram tx, back;

	wdp_key_from_dgram(rx, &k);
	FUZZ_ASSERT(k.peer_port == rx->src_port &&
	    k.local_port == rx->dst_port);
	wdp_reply(rx, reply, sizeof(reply), &tx);
	FUZZ_ASSERT(tx.dst_port == rx->src_port &&
	    tx.src_port == rx->dst_port && tx.data == reply && tx.len == 1);
	FUZZ_ASSERT(smsdtls_addr_equal(&tx.peer, &rx->peer));
	wdp_dgram_from_key(&k, NULL, 0, &back);
	FUZZ_ASSERT(back.dst_port == tx.dst_port &&
	    back.src_port == tx.src_port);
	/* The reply's receiver would key it with the ports swapped back. */
	memset(&kb, 0, sizeof(kb));
	kb.peer = rx->peer;
	kb.peer_port = tx.dst_port;
	kb.local_port = tx.src_port;
	FUZZ_ASSERT(wdp_key_equal(&k, &kb));
	FUZZ_ASSERT(wdp_key_hash(&k, 7) == wdp_key_hash(&kb, 7));
}

/* A datagram wdp_input() delivered for TP-UD ud. */
static void
check_delivered(const struct run *r, const struct wdp_dgram *dg, bool udhi,
    const uint8_t *ud, size_t ud_len)
{
	struct smsdtls_udh udh;
	size_t off = 0;
	volatile uint8_t sink = 0;
	size_t i;

	FUZZ_ASSERT(dg->len <= WDP_DGRAM_MAX);
	FUZZ_ASSERT(dg->len == 0 || dg->data != NULL);
	for (i = 0; i < dg->len; i++)
		sink ^= dg->data[i];
	(void)sink;
	FUZZ_ASSERT(dg->peer.ton == SMSDTLS_TON_INTERNATIONAL);
	check_keys(dg);
	if (!r->cfg.ports)
		FUZZ_ASSERT(dg->src_port == 0 && dg->dst_port == 0);
	if (udhi) {
		FUZZ_ASSERT(smsdtls_udh_parse(ud, ud_len, &udh, &off) ==
		    SMSDTLS_OK);
		if (udh.has_concat && udh.concat_total > 1)
			return;
		if (r->cfg.ports)
			FUZZ_ASSERT(dg->src_port == udh.src_port &&
			    dg->dst_port == udh.dst_port);
	}
	FUZZ_ASSERT(dg->len == ud_len - off);
	FUZZ_ASSERT(dg->len == 0 || memcmp(dg->data, ud + off, dg->len) == 0);
}

static void
input_record(struct run *r, int sel, int step, const uint8_t *ud,
    size_t ud_len)
{
	struct smsdtls_addr origin = origins[sel & 7];
	struct wdp_dgram out, canary;
	bool udhi = (sel & 0x08) != 0;
	smsdtls_rc rc;

	if ((sel & 7) == 7)
		origin.ton = (uint8_t)(step & 7);
	if (sel & 0x10)
		check_deadline(r, wdp_expire(r->wdp, r->now));
	memset(&out, 0xa5, sizeof(out));
	canary = out;
	rc = wdp_input(r->wdp, &origin, udhi, ud, ud_len, r->now, &out);
	r->calls++;
	FUZZ_ASSERT(rc_documented(rc));
	if (rc == SMSDTLS_OK) {
		r->delivered++;
		check_delivered(r, &out, udhi, ud, ud_len);
	} else
		FUZZ_ASSERT(memcmp(&out, &canary, sizeof(out)) == 0);
	check_stats(r);
}

/* The peer receives one segment of the datagram being sent. */
static smsdtls_rc
emit_cb(void *arg, const struct wdp_segment *seg)
{
	static const struct smsdtls_addr from = {
		SMSDTLS_TON_INTERNATIONAL, SMSDTLS_NPI_E164, "447700900123"
	};
	struct run *r = arg;
	struct wdp_dgram dg;
	smsdtls_rc rc;

	FUZZ_ASSERT(seg->ud_len <= SMSDTLS_UD_MAX);
	FUZZ_ASSERT(seg->seq == r->out_segs + 1 && seg->total == r->out_want);
	FUZZ_ASSERT(!r->out_done);
	r->out_segs++;
	rc = wdp_input(r->peer, &from, seg->udhi, seg->ud, seg->ud_len,
	    r->peer_now, &dg);
	if (r->out_segs < r->out_want) {
		FUZZ_ASSERT(rc == SMSDTLS_AGAIN);
		return SMSDTLS_OK;
	}
	FUZZ_ASSERT(rc == SMSDTLS_OK);
	FUZZ_ASSERT(dg.len == r->out_len);
	FUZZ_ASSERT(dg.len == 0 || memcmp(dg.data, r->out_data, dg.len) == 0);
	FUZZ_ASSERT(dg.src_port == r->out_src && dg.dst_port == r->out_dst);
	FUZZ_ASSERT(strcmp(dg.peer.text, from.text) == 0);
	r->out_done = true;
	return SMSDTLS_OK;
}

/* Segments wdp_output() must use for len octets, 0 if it must refuse. */
static unsigned
segments_for(const struct run *r, size_t len, unsigned flags)
{
	size_t per;

	if (len > wdp_max_dgram(r->wdp, flags))
		return 0;
	if (len <= wdp_pmtu(r->wdp))
		return 1;
	per = r->cfg.ports ? WDP_PART_PORTS : WDP_PART_NOPORTS;
	return (unsigned)((len + per - 1) / per);
}

static void
output_record(struct run *r, int step, const uint8_t *ud, size_t ud_len)
{
	static uint8_t buf[OUT_MAX];
	struct wdp_dgram dg;
	unsigned flags = (step & 0x40) ? WDP_OUT_CONCAT : 0;
	size_t i, len = ud_len + 140 * (size_t)(step & 0x3f);
	smsdtls_rc rc;

	for (i = 0; i < len; i++)
		buf[i] = ud_len == 0 ? (uint8_t)i : ud[i % ud_len];
	memset(&dg, 0, sizeof(dg));
	dg.data = buf;
	dg.len = len;
	dg.dst_port = (uint16_t)(step << 8 | (int)ud_len);
	dg.src_port = (uint16_t)~dg.dst_port;
	r->out_data = buf;
	r->out_len = len;
	r->out_segs = 0;
	r->out_want = segments_for(r, len, flags);
	r->out_src = r->cfg.ports ? dg.src_port : 0;
	r->out_dst = r->cfg.ports ? dg.dst_port : 0;
	r->out_done = false;
	r->peer_now++;
	rc = wdp_output(r->wdp, &dg, flags, emit_cb, r);
	if (r->out_want == 0) {
		FUZZ_ASSERT(rc == SMSDTLS_ETOOBIG && r->out_segs == 0);
		return;
	}
	FUZZ_ASSERT(rc == SMSDTLS_OK && r->out_done);
}

static int64_t
start_time(int flags)
{
	switch ((flags >> 2) & 3) {
	case 1:
		return INT64_MAX - 60000;
	case 2:
		return INT64_MIN + 60000;
	default:
		return 0;
	}
}

static bool
run_setup(struct run *r, struct cursor *c)
{
	struct wdp_config peer_cfg;
	const uint8_t *h;

	if (!take(c, HDR_LEN, &h))
		return false;
	memset(r, 0, sizeof(*r));
	wdp_config_default(&r->cfg);
	r->cfg.ports = (h[0] & 1) != 0;
	if (h[0] & 2)
		memcpy(r->cfg.country_code, "44", 3);
	r->cfg.max_reassemblies = h[1] % 9u;
	r->cfg.max_peer_parts = h[2] % 17u;
	r->cfg.max_bytes = 256 * (size_t)h[3];
	r->cfg.reasm_timeout_ms = 250 * ((int64_t)h[4] + 1);
	r->now = start_time(h[0]);
	wdp_config_default(&peer_cfg);
	peer_cfg.ports = r->cfg.ports;
	FUZZ_ASSERT(wdp_new(&r->cfg, &r->wdp) == SMSDTLS_OK);
	FUZZ_ASSERT(wdp_new(&peer_cfg, &r->peer) == SMSDTLS_OK);
	return true;
}

/* Advance the clock, staying below INT64_MAX. */
static void
advance(struct run *r, int step)
{
	int64_t d = (int64_t)step * STEP_MS;

	r->now = r->now < INT64_MAX - 1 - d ? r->now + d : INT64_MAX - 1;
}

static void
run_teardown(struct run *r, bool expire_all)
{
	struct wdp_stats st;

	if (expire_all) {
		FUZZ_ASSERT(wdp_expire(r->wdp, INT64_MAX) == WDP_NO_DEADLINE);
		wdp_get_stats(r->wdp, &st);
		FUZZ_ASSERT(st.reasm_active == 0 && st.reasm_bytes == 0);
	}
	wdp_free(r->wdp);
	wdp_free(r->peer);
}

int
fuzz_wdp(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct run r;
	const uint8_t *ud;
	int sel, step, len;

	if (!run_setup(&r, &c))
		return 0;
	while ((sel = take_byte(&c)) >= 0 && (step = take_byte(&c)) >= 0 &&
	    (len = take_byte(&c)) >= 0) {
		if ((size_t)len > c.left)
			len = (int)c.left;
		(void)take(&c, (size_t)len, &ud);
		advance(&r, step);
		if (sel & 0x20)
			output_record(&r, step, ud, (size_t)len);
		else
			input_record(&r, sel, step, ud, (size_t)len);
	}
	run_teardown(&r, (data[0] & 0x10) != 0);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_wdp(data, size);
}
#endif
