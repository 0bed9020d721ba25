/*
 * check_wdp.c - WDP over SMS: PMTU and segmentation on send, ports and
 * bounded reassembly on receive (every cap, expiry under a fake clock),
 * association keys, and a shuffled send/receive round trip.
 */
#include "config.h"

#include "tests/testutil.h"
#include "wdp/wdp.h"

#define T0	1000000		/* a fake monotonic clock, ms */
#define TMO	60000

/* Segments captured from wdp_output(). */
struct capture {
	size_t			n;
	size_t			fail_at; /* fail this segment (1-based) */
	struct wdp_segment	seg[WDP_MAX_PARTS];
};

static smsdtls_rc
capture_cb(void *arg, const struct wdp_segment *seg)
{
	struct capture *c = arg;

	if (c->fail_at != 0 && c->n + 1 == c->fail_at)
		return SMSDTLS_ECLOSED;
	ck_assert_uint_lt(c->n, WDP_MAX_PARTS);
	c->seg[c->n++] = *seg;
	return SMSDTLS_OK;
}

static struct wdp *
mkwdp(bool ports, const char *cc)
{
	struct wdp_config cfg;
	struct wdp *w = NULL;

	wdp_config_default(&cfg);
	cfg.ports = ports;
	cfg.reasm_timeout_ms = TMO;
	if (cc != NULL)
		strcpy(cfg.country_code, cc);
	ck_assert_rc(wdp_new(&cfg, &w), SMSDTLS_OK);
	return w;
}

static struct wdp *
mkwdp_cfg(const struct wdp_config *cfg)
{
	struct wdp *w = NULL;

	ck_assert_rc(wdp_new(cfg, &w), SMSDTLS_OK);
	return w;
}

static struct smsdtls_addr
intl(const char *digits)
{
	struct smsdtls_addr a;

	memset(&a, 0, sizeof(a));
	a.ton = SMSDTLS_TON_INTERNATIONAL;
	a.npi = SMSDTLS_NPI_E164;
	strcpy(a.text, digits);
	return a;
}

static struct smsdtls_addr
numaddr(uint8_t ton, const char *digits)
{
	struct smsdtls_addr a = intl(digits);

	a.ton = ton;
	return a;
}

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* Send len octets from w through wdp_output into c. */
static smsdtls_rc
send_len(struct wdp *w, const uint8_t *data, size_t len, unsigned flags,
    struct capture *c)
{
	struct wdp_dgram dg;

	memset(&dg, 0, sizeof(dg));
	dg.src_port = 16001;
	dg.dst_port = 5684;
	dg.data = data;
	dg.len = len;
	memset(c, 0, sizeof(*c));
	return wdp_output(w, &dg, flags, capture_cb, c);
}

static smsdtls_rc
feed(struct wdp *w, const struct smsdtls_addr *oa,
    const struct wdp_segment *s, int64_t now, struct wdp_dgram *out)
{
	return wdp_input(w, oa, s->udhi, s->ud, s->ud_len, now, out);
}

static smsdtls_rc
feed_raw(struct wdp *w, const struct smsdtls_addr *oa, bool udhi,
    const uint8_t *ud, size_t len, int64_t now, struct wdp_dgram *out)
{
	return wdp_input(w, oa, udhi, ud, len, now, out);
}

static struct wdp_stats
stats(const struct wdp *w)
{
	struct wdp_stats st;

	wdp_get_stats(w, &st);
	return st;
}

/* Build a concat part by hand: UDH from h, then n payload octets. */
static size_t
mkpart(uint8_t *ud, const struct smsdtls_udh *h, const uint8_t *p,
    size_t n)
{
	size_t hl;

	ck_assert_rc(smsdtls_udh_build(h, ud, SMSDTLS_UD_MAX, &hl),
	    SMSDTLS_OK);
	ck_assert_uint_le(hl + n, SMSDTLS_UD_MAX);
	memcpy(ud + hl, p, n);
	return hl + n;
}

static struct smsdtls_udh
concat_udh(uint16_t ref, uint8_t total, uint8_t seq)
{
	struct smsdtls_udh h;

	memset(&h, 0, sizeof(h));
	h.has_ports = h.ports16 = true;
	h.dst_port = 5684;
	h.src_port = 16001;
	h.has_concat = h.concat16 = true;
	h.concat_ref = ref;
	h.concat_total = total;
	h.concat_seq = seq;
	return h;
}

/* Feed part seq of a (ref, total) message of 100-octet parts. */
static smsdtls_rc
feed_part(struct wdp *w, const struct smsdtls_addr *oa, uint16_t ref,
    uint8_t total, uint8_t seq, int64_t now, struct wdp_dgram *out)
{
	struct smsdtls_udh h = concat_udh(ref, total, seq);
	uint8_t ud[SMSDTLS_UD_MAX], p[100];
	size_t n;

	fill(p, sizeof(p), seq);
	n = mkpart(ud, &h, p, sizeof(p));
	return feed_raw(w, oa, true, ud, n, now, out);
}

START_TEST(test_output_pmtu_ports)
{
	struct wdp *w = mkwdp(true, NULL);
	static const uint8_t hdr[] = { 0x06, 0x05, 0x04, 0x16, 0x34,
	    0x3e, 0x81 };
	uint8_t data[200];
	static struct capture c;

	fill(data, sizeof(data), 1);
	ck_assert_uint_eq(wdp_pmtu(w), 133);
	ck_assert_uint_eq(wdp_max_dgram(w, 0), 133);
	ck_assert_rc(send_len(w, data, 133, 0, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 1);
	ck_assert(c.seg[0].udhi);
	ck_assert_uint_eq(c.seg[0].ud_len, 140);
	ck_assert_uint_eq(c.seg[0].seq, 1);
	ck_assert_uint_eq(c.seg[0].total, 1);
	ck_assert_mem_eq(c.seg[0].ud, hdr, sizeof(hdr));
	ck_assert_mem_eq(c.seg[0].ud + 7, data, 133);

	ck_assert_rc(send_len(w, data, 134, 0, &c), SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(stats(w).dgrams_out, 1);
	ck_assert_uint_eq(stats(w).segments_out, 1);

	/* The empty datagram is just the port header. */
	ck_assert_rc(send_len(w, data, 0, 0, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.seg[0].ud_len, 7);
	wdp_free(w);
}
END_TEST

START_TEST(test_output_pmtu_noports)
{
	struct wdp *w = mkwdp(false, NULL);
	uint8_t data[200];
	static struct capture c;

	fill(data, sizeof(data), 2);
	ck_assert_uint_eq(wdp_pmtu(w), 140);
	ck_assert_rc(send_len(w, data, 140, 0, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 1);
	ck_assert(!c.seg[0].udhi);
	ck_assert_uint_eq(c.seg[0].ud_len, 140);
	ck_assert_mem_eq(c.seg[0].ud, data, 140);
	ck_assert_rc(send_len(w, data, 141, 0, &c), SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_rc(send_len(w, data, 0, 0, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.seg[0].ud_len, 0);
	ck_assert(!c.seg[0].udhi);
	wdp_free(w);
}
END_TEST

START_TEST(test_output_concat_ports)
{
	struct wdp *w = mkwdp(true, NULL);
	static uint8_t data[WDP_MAX_PARTS * WDP_PART_PORTS + 1];
	static struct capture c;
	struct smsdtls_udh h;
	size_t hl, off;

	fill(data, sizeof(data), 3);
	/* Within the PMTU the opt-in changes nothing. */
	ck_assert_rc(send_len(w, data, 133, WDP_OUT_CONCAT, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.seg[0].ud[0], 6);

	ck_assert_rc(send_len(w, data, 134, WDP_OUT_CONCAT, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 2);
	{
		static const uint8_t h1[] = { 0x0c, 0x08, 0x04, 0x00, 0x00,
		    0x02, 0x01, 0x05, 0x04, 0x16, 0x34, 0x3e, 0x81 };
		static const uint8_t h2[] = { 0x0c, 0x08, 0x04, 0x00, 0x00,
		    0x02, 0x02, 0x05, 0x04, 0x16, 0x34, 0x3e, 0x81 };

		ck_assert_uint_eq(c.seg[0].ud_len, 140);
		ck_assert_mem_eq(c.seg[0].ud, h1, sizeof(h1));
		ck_assert_mem_eq(c.seg[0].ud + 13, data, 127);
		ck_assert_uint_eq(c.seg[1].ud_len, 13 + 7);
		ck_assert_mem_eq(c.seg[1].ud, h2, sizeof(h2));
		ck_assert_mem_eq(c.seg[1].ud + 13, data + 127, 7);
		ck_assert(c.seg[0].udhi && c.seg[1].udhi);
		ck_assert_uint_eq(c.seg[1].seq, 2);
		ck_assert_uint_eq(c.seg[1].total, 2);
	}

	/* The next concatenated datagram takes the next reference. */
	ck_assert_rc(send_len(w, data, 300, WDP_OUT_CONCAT, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.seg[0].ud[3], 0);
	ck_assert_uint_eq(c.seg[0].ud[4], 1);

	/* 255 full parts, then one octet too many. */
	ck_assert_uint_eq(wdp_max_dgram(w, WDP_OUT_CONCAT),
	    WDP_MAX_PARTS * WDP_PART_PORTS);
	ck_assert_rc(send_len(w, data, sizeof(data) - 1, WDP_OUT_CONCAT, &c),
	    SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 255);
	for (size_t i = 0, off0 = 0; i < c.n; i++, off0 += 127) {
		ck_assert_uint_eq(c.seg[i].ud_len, 140);
		ck_assert_rc(smsdtls_udh_parse(c.seg[i].ud, c.seg[i].ud_len,
		    &h, &hl), SMSDTLS_OK);
		ck_assert_uint_eq(hl, 13);
		ck_assert(h.concat16 && h.has_ports && h.ports16);
		ck_assert_uint_eq(h.concat_ref, 2);
		ck_assert_uint_eq(h.concat_total, 255);
		ck_assert_uint_eq(h.concat_seq, i + 1);
		ck_assert_uint_eq(h.dst_port, 5684);
		ck_assert_uint_eq(h.src_port, 16001);
		ck_assert_mem_eq(c.seg[i].ud + 13, data + off0, 127);
	}
	ck_assert_rc(send_len(w, data, sizeof(data), WDP_OUT_CONCAT, &c),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(stats(w).concat_out, 3);

	/* Sizes of every part for a few lengths. */
	for (size_t len = 134; len < 2000; len += 97) {
		ck_assert_rc(send_len(w, data, len, WDP_OUT_CONCAT, &c),
		    SMSDTLS_OK);
		ck_assert_uint_eq(c.n, (len + 126) / 127);
		off = 0;
		for (size_t i = 0; i < c.n; i++) {
			ck_assert_uint_eq(c.seg[i].total, c.n);
			off += c.seg[i].ud_len - 13;
			if (i + 1 < c.n)
				ck_assert_uint_eq(c.seg[i].ud_len, 140);
		}
		ck_assert_uint_eq(off, len);
	}
	wdp_free(w);
}
END_TEST

START_TEST(test_output_concat_noports)
{
	struct wdp *w = mkwdp(false, NULL);
	static uint8_t data[WDP_MAX_PARTS * WDP_PART_NOPORTS + 1];
	static struct capture c;
	static const uint8_t h1[] = { 0x06, 0x08, 0x04, 0x00, 0x00, 0x02,
	    0x01 };

	fill(data, sizeof(data), 4);
	ck_assert_rc(send_len(w, data, 141, WDP_OUT_CONCAT, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.seg[0].ud_len, 140);
	ck_assert_mem_eq(c.seg[0].ud, h1, sizeof(h1));
	ck_assert_mem_eq(c.seg[0].ud + 7, data, 133);
	ck_assert_uint_eq(c.seg[1].ud_len, 7 + 8);
	ck_assert_rc(send_len(w, data, sizeof(data) - 1, WDP_OUT_CONCAT, &c),
	    SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 255);
	ck_assert_rc(send_len(w, data, sizeof(data), WDP_OUT_CONCAT, &c),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(c.n, 0);
	wdp_free(w);
}
END_TEST

START_TEST(test_output_errors)
{
	struct wdp *w = mkwdp(true, NULL);
	static struct capture c;
	struct wdp_dgram dg;
	uint8_t data[400];

	fill(data, sizeof(data), 5);
	memset(&dg, 0, sizeof(dg));
	dg.len = 3;
	ck_assert_rc(wdp_output(w, &dg, 0, capture_cb, &c), SMSDTLS_EINVAL);
	dg.data = data;
	ck_assert_rc(wdp_output(w, &dg, 0, NULL, &c), SMSDTLS_EINVAL);
	ck_assert_rc(wdp_output(w, NULL, 0, capture_cb, &c), SMSDTLS_EINVAL);
	ck_assert_rc(wdp_output(NULL, &dg, 0, capture_cb, &c),
	    SMSDTLS_EINVAL);

	/* The callback's error stops the output and comes back. */
	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	dg.len = 300;
	ck_assert_rc(wdp_output(w, &dg, WDP_OUT_CONCAT, capture_cb, &c),
	    SMSDTLS_ECLOSED);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(stats(w).segments_out, 1);
	ck_assert_uint_eq(stats(w).dgrams_out, 0);
	wdp_free(w);
}
END_TEST

/* Send len octets concatenated, feed the parts in order perm. */
static void
reassemble(struct wdp *tx, struct wdp *rx, size_t len, const size_t *perm)
{
	static uint8_t data[WDP_MAX_PARTS * WDP_PART_NOPORTS];
	static struct capture c;
	struct smsdtls_addr oa = intl("447700900456");
	struct wdp_dgram out;
	size_t i;

	fill(data, len, (uint8_t)len);
	ck_assert_rc(send_len(tx, data, len, WDP_OUT_CONCAT, &c), SMSDTLS_OK);
	for (i = 0; i + 1 < c.n; i++)
		ck_assert_rc(feed(rx, &oa, &c.seg[perm[i]], T0, &out),
		    SMSDTLS_AGAIN);
	ck_assert_rc(feed(rx, &oa, &c.seg[perm[i]], T0, &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.len, len);
	ck_assert_mem_eq(out.data, data, len);
	ck_assert_uint_eq(out.src_port, 16001);
	ck_assert_uint_eq(out.dst_port, 5684);
	ck_assert(smsdtls_addr_equal(&out.peer, &oa));
	ck_assert_uint_eq(stats(rx).reasm_active, 0);
	ck_assert_uint_eq(stats(rx).reasm_bytes, 0);
}

START_TEST(test_reasm_orders)
{
	struct wdp *tx = mkwdp(true, NULL), *rx = mkwdp(true, NULL);
	size_t perm[WDP_MAX_PARTS], n = 5;
	uint64_t rs = 77;

	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	reassemble(tx, rx, 600, perm);
	for (size_t i = 0; i < n; i++)
		perm[i] = n - 1 - i;
	reassemble(tx, rx, 600, perm);
	for (int k = 0; k < 200; k++) {
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = test_rand(&rs) % (i + 1), t = perm[i];

			perm[i] = perm[j];
			perm[j] = t;
		}
		reassemble(tx, rx, 600, perm);
	}
	/* 255 parts, reversed. */
	for (size_t i = 0; i < WDP_MAX_PARTS; i++)
		perm[i] = WDP_MAX_PARTS - 1 - i;
	reassemble(tx, rx, WDP_MAX_PARTS * WDP_PART_PORTS, perm);
	ck_assert_uint_eq(stats(rx).dgrams_in, 203);
	ck_assert_uint_eq(stats(rx).segments_in, 202 * 5 + 255);
	wdp_free(tx);
	wdp_free(rx);
}
END_TEST

START_TEST(test_reasm_duplicates)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	struct wdp_dgram out, before;

	memset(&out, 0x11, sizeof(out));
	before = out;
	ck_assert_rc(feed_part(rx, &oa, 9, 3, 2, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &oa, 9, 3, 2, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &oa, 9, 3, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &oa, 9, 3, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_mem_eq(&out, &before, sizeof(out));
	ck_assert_uint_eq(stats(rx).drop_duplicate, 2);
	ck_assert_rc(feed_part(rx, &oa, 9, 3, 3, T0, &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 300);
	for (int i = 0; i < 3; i++) {
		uint8_t p[100];

		fill(p, sizeof(p), (uint8_t)(i + 1));
		ck_assert_mem_eq(out.data + i * 100, p, 100);
	}
	/* A late copy of a part starts a new message that times out. */
	ck_assert_rc(feed_part(rx, &oa, 9, 3, 3, T0, &out), SMSDTLS_AGAIN);
	ck_assert_uint_eq(stats(rx).reasm_active, 1);
	wdp_free(rx);
}
END_TEST

START_TEST(test_reasm_expiry)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	struct wdp_dgram out;

	ck_assert_int_eq(wdp_expire(rx, T0), WDP_NO_DEADLINE);
	ck_assert_rc(feed_part(rx, &oa, 1, 3, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &oa, 2, 2, 1, T0 + 500, &out),
	    SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &oa, 1, 3, 3, T0 + 1000, &out),
	    SMSDTLS_AGAIN);
	/* The deadline runs from the first part, not the last. */
	ck_assert_int_eq(wdp_expire(rx, T0 + TMO - 1), T0 + TMO);
	ck_assert_uint_eq(stats(rx).reasm_active, 2);
	ck_assert_int_eq(wdp_expire(rx, T0 + TMO), T0 + 500 + TMO);
	ck_assert_uint_eq(stats(rx).drop_timeout, 1);
	ck_assert_uint_eq(stats(rx).reasm_active, 1);
	/* The missing part comes too late: a new message is started. */
	ck_assert_rc(feed_part(rx, &oa, 1, 3, 2, T0 + TMO, &out),
	    SMSDTLS_AGAIN);
	ck_assert_uint_eq(stats(rx).reasm_active, 2);
	/* wdp_input expires too, before it looks at the part. */
	ck_assert_rc(feed_part(rx, &oa, 7, 2, 1, T0 + 500 + TMO, &out),
	    SMSDTLS_AGAIN);
	ck_assert_uint_eq(stats(rx).drop_timeout, 2);
	ck_assert_uint_eq(stats(rx).reasm_active, 2);
	ck_assert_int_eq(wdp_expire(rx, T0 + 10 * TMO), WDP_NO_DEADLINE);
	ck_assert_uint_eq(stats(rx).drop_timeout, 4);
	ck_assert_uint_eq(stats(rx).reasm_active, 0);
	ck_assert_uint_eq(stats(rx).reasm_bytes, 0);
	wdp_free(rx);
}
END_TEST

START_TEST(test_cap_reassemblies)
{
	struct wdp_config cfg;
	struct wdp *rx;
	struct smsdtls_addr a = intl("447700900001"), b = intl("447700900002");
	struct wdp_dgram out;
	struct wdp_stats st;

	wdp_config_default(&cfg);
	cfg.max_reassemblies = 2;
	rx = mkwdp_cfg(&cfg);
	ck_assert_rc(feed_part(rx, &a, 1, 2, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &b, 1, 2, 1, T0, &out), SMSDTLS_AGAIN);
	st = stats(rx);
	ck_assert_rc(feed_part(rx, &a, 2, 2, 1, T0, &out), SMSDTLS_ELIMIT);
	ck_assert_uint_eq(stats(rx).drop_cap_reasm, 1);
	ck_assert_uint_eq(stats(rx).reasm_active, st.reasm_active);
	ck_assert_uint_eq(stats(rx).reasm_bytes, st.reasm_bytes);
	/* Parts of held messages still get in, and free a slot. */
	ck_assert_rc(feed_part(rx, &a, 1, 2, 2, T0, &out), SMSDTLS_OK);
	ck_assert_rc(feed_part(rx, &a, 2, 2, 1, T0, &out), SMSDTLS_AGAIN);
	wdp_free(rx);
}
END_TEST

START_TEST(test_cap_bytes)
{
	struct wdp_config cfg;
	struct wdp *rx;
	struct smsdtls_addr a = intl("447700900001"), b = intl("447700900002");
	struct wdp_dgram out;
	uint64_t one;

	/* Learn what a 3-part message charges. */
	rx = mkwdp(true, NULL);
	ck_assert_rc(feed_part(rx, &a, 1, 3, 1, T0, &out), SMSDTLS_AGAIN);
	one = stats(rx).reasm_bytes;
	ck_assert_uint_gt(one, 3 * 100);
	wdp_free(rx);

	wdp_config_default(&cfg);
	cfg.max_bytes = (size_t)(2 * one - 1);
	rx = mkwdp_cfg(&cfg);
	ck_assert_rc(feed_part(rx, &a, 1, 3, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &b, 1, 3, 1, T0, &out), SMSDTLS_ELIMIT);
	ck_assert_uint_eq(stats(rx).drop_cap_bytes, 1);
	ck_assert_uint_eq(stats(rx).reasm_bytes, one);
	/* A smaller message still fits. */
	ck_assert_rc(feed_part(rx, &b, 1, 2, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_uint_lt(stats(rx).reasm_bytes, 2 * one);
	/* A 255-part announcement never fits a small cap. */
	ck_assert_rc(feed_part(rx, &b, 3, 255, 1, T0, &out), SMSDTLS_ELIMIT);
	ck_assert_uint_eq(stats(rx).drop_cap_bytes, 2);
	wdp_free(rx);

	/* Exactly at the cap is allowed. */
	cfg.max_bytes = (size_t)one;
	rx = mkwdp_cfg(&cfg);
	ck_assert_rc(feed_part(rx, &a, 1, 3, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &a, 1, 3, 2, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &a, 1, 3, 3, T0, &out), SMSDTLS_OK);
	/* A single SMS needs no reassembly memory at all. */
	cfg.max_bytes = 0;
	wdp_free(rx);
	rx = mkwdp_cfg(&cfg);
	ck_assert_rc(feed_part(rx, &a, 1, 1, 1, T0, &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 100);
	ck_assert_rc(feed_part(rx, &a, 1, 2, 1, T0, &out), SMSDTLS_ELIMIT);
	wdp_free(rx);
}
END_TEST

START_TEST(test_cap_peer_parts)
{
	struct wdp_config cfg;
	struct wdp *rx;
	struct smsdtls_addr a = intl("447700900001"), b = intl("447700900002");
	struct smsdtls_addr a_nat = numaddr(SMSDTLS_TON_UNKNOWN,
	    "07700900001");
	struct wdp_dgram out;

	wdp_config_default(&cfg);
	cfg.max_peer_parts = 3;
	strcpy(cfg.country_code, "44");
	rx = mkwdp_cfg(&cfg);
	ck_assert_rc(feed_part(rx, &a, 1, 5, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &a, 1, 5, 2, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &a, 2, 5, 1, T0, &out), SMSDTLS_AGAIN);
	/* A fourth part from the same subscriber, in any form, is refused. */
	ck_assert_rc(feed_part(rx, &a, 1, 5, 3, T0, &out), SMSDTLS_ELIMIT);
	ck_assert_rc(feed_part(rx, &a_nat, 3, 5, 1, T0, &out),
	    SMSDTLS_ELIMIT);
	ck_assert_uint_eq(stats(rx).drop_cap_peer, 2);
	ck_assert_uint_eq(stats(rx).reasm_active, 2);
	/* Other peers are not affected. */
	ck_assert_rc(feed_part(rx, &b, 1, 2, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &b, 1, 2, 2, T0, &out), SMSDTLS_OK);
	/* Single SMS from a capped peer still pass. */
	ck_assert_rc(feed_part(rx, &a, 9, 1, 1, T0, &out), SMSDTLS_OK);
	wdp_free(rx);
}
END_TEST

START_TEST(test_reasm_inconsistent)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	struct wdp_dgram out;

	ck_assert_rc(feed_part(rx, &oa, 7, 3, 1, T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &oa, 7, 3, 2, T0, &out), SMSDTLS_AGAIN);
	/* Same key, another total: the old message goes. */
	ck_assert_rc(feed_part(rx, &oa, 7, 2, 2, T0, &out), SMSDTLS_AGAIN);
	ck_assert_uint_eq(stats(rx).drop_inconsistent, 1);
	ck_assert_uint_eq(stats(rx).reasm_active, 1);
	ck_assert_rc(feed_part(rx, &oa, 7, 2, 1, T0, &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 200);
	ck_assert_uint_eq(stats(rx).reasm_active, 0);
	ck_assert_uint_eq(stats(rx).reasm_bytes, 0);
	wdp_free(rx);
}
END_TEST

/* 8- and 16-bit references with the same value are different messages,
 * and so are different ports. */
START_TEST(test_reasm_keys)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	struct smsdtls_udh h = concat_udh(5, 2, 1);
	uint8_t ud[SMSDTLS_UD_MAX], p[10];
	struct wdp_dgram out;
	size_t n;

	memset(p, 0xab, sizeof(p));
	ck_assert_rc(feed_part(rx, &oa, 5, 2, 1, T0, &out), SMSDTLS_AGAIN);
	h.concat16 = false;
	h.concat_seq = 2;
	n = mkpart(ud, &h, p, sizeof(p));
	ck_assert_rc(feed_raw(rx, &oa, true, ud, n, T0, &out), SMSDTLS_AGAIN);
	h.concat16 = true;
	h.src_port = 16002;
	n = mkpart(ud, &h, p, sizeof(p));
	ck_assert_rc(feed_raw(rx, &oa, true, ud, n, T0, &out), SMSDTLS_AGAIN);
	ck_assert_uint_eq(stats(rx).reasm_active, 3);
	h.src_port = 16001;
	n = mkpart(ud, &h, p, sizeof(p));
	ck_assert_rc(feed_raw(rx, &oa, true, ud, n, T0, &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 110);
	ck_assert_uint_eq(stats(rx).reasm_active, 2);
	wdp_free(rx);
}
END_TEST

/* 8-bit ports and 8-bit references, as older WDP stacks send them. */
START_TEST(test_ports8_receive)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	static const uint8_t single[] = { 0x04, 0x04, 0x02, 0xf5, 0xf0,
	    0x61, 0x62 };
	static const uint8_t p1[] = { 0x09, 0x00, 0x03, 0x2a, 0x02, 0x01,
	    0x04, 0x02, 0xf5, 0xf0, 0x31, 0x32 };
	static const uint8_t p2[] = { 0x09, 0x00, 0x03, 0x2a, 0x02, 0x02,
	    0x04, 0x02, 0xf5, 0xf0, 0x33 };
	struct wdp_dgram out;

	ck_assert_rc(feed_raw(rx, &oa, true, single, sizeof(single), T0,
	    &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.dst_port, 245);
	ck_assert_uint_eq(out.src_port, 240);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_mem_eq(out.data, "ab", 2);
	ck_assert_rc(feed_raw(rx, &oa, true, p2, sizeof(p2), T0, &out),
	    SMSDTLS_AGAIN);
	ck_assert_rc(feed_raw(rx, &oa, true, p1, sizeof(p1), T0, &out),
	    SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 3);
	ck_assert_mem_eq(out.data, "123", 3);
	ck_assert_uint_eq(out.dst_port, 245);
	ck_assert_uint_eq(out.src_port, 240);
	wdp_free(rx);
}
END_TEST

/* The worked example 9b, and its reply's UDH. */
START_TEST(test_receive_example)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	static const uint8_t ud[] = { 0x06, 0x05, 0x04, 0x16, 0x34, 0xc0,
	    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	    0x0a };
	static const uint8_t reply_hdr[] = { 0x06, 0x05, 0x04, 0xc0, 0x00,
	    0x16, 0x34 };
	static struct capture c;
	struct wdp_dgram out, tx;
	struct wdp_key key;

	ck_assert_rc(feed_raw(rx, &oa, true, ud, sizeof(ud), T0, &out),
	    SMSDTLS_OK);
	ck_assert_uint_eq(out.dst_port, 5684);
	ck_assert_uint_eq(out.src_port, 49152);
	ck_assert_uint_eq(out.len, 10);
	ck_assert_mem_eq(out.data, ud + 7, 10);
	wdp_key_from_dgram(&out, &key);
	ck_assert_uint_eq(key.peer_port, 49152);
	ck_assert_uint_eq(key.local_port, 5684);
	ck_assert(smsdtls_addr_equal(&key.peer, &oa));

	wdp_reply(&out, (const uint8_t *)"pong", 4, &tx);
	ck_assert_uint_eq(tx.dst_port, 49152);
	ck_assert_uint_eq(tx.src_port, 5684);
	ck_assert(smsdtls_addr_equal(&tx.peer, &oa));
	memset(&c, 0, sizeof(c));
	ck_assert_rc(wdp_output(rx, &tx, 0, capture_cb, &c), SMSDTLS_OK);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.seg[0].ud_len, 11);
	ck_assert_mem_eq(c.seg[0].ud, reply_hdr, sizeof(reply_hdr));
	ck_assert_mem_eq(c.seg[0].ud + 7, "pong", 4);
	wdp_free(rx);
}
END_TEST

START_TEST(test_ports_disabled)
{
	struct wdp *rx = mkwdp(false, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	static const uint8_t ported[] = { 0x06, 0x05, 0x04, 0x16, 0x34,
	    0xc0, 0x00, 0x41 };
	static const uint8_t p1[] = { 0x05, 0x00, 0x03, 0x10, 0x02, 0x01,
	    0x41 };
	static const uint8_t p2[] = { 0x05, 0x00, 0x03, 0x10, 0x02, 0x02,
	    0x42 };
	uint8_t ud[SMSDTLS_UD_MAX];
	struct wdp_dgram out;

	fill(ud, sizeof(ud), 9);
	ck_assert_rc(feed_raw(rx, &oa, false, ud, sizeof(ud), T0, &out),
	    SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 140);
	ck_assert_mem_eq(out.data, ud, 140);
	ck_assert_uint_eq(out.src_port, 0);
	ck_assert_uint_eq(out.dst_port, 0);
	/* A port header is skipped and its ports ignored. */
	ck_assert_rc(feed_raw(rx, &oa, true, ported, sizeof(ported), T0,
	    &out), SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_uint_eq(out.data[0], 0x41);
	ck_assert_uint_eq(out.src_port, 0);
	ck_assert_uint_eq(out.dst_port, 0);
	/* Concatenation without ports is reassembled. */
	ck_assert_rc(feed_raw(rx, &oa, true, p2, sizeof(p2), T0, &out),
	    SMSDTLS_AGAIN);
	ck_assert_rc(feed_raw(rx, &oa, true, p1, sizeof(p1), T0, &out),
	    SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_mem_eq(out.data, "AB", 2);
	/* An empty SMS is an empty datagram. */
	ck_assert_rc(feed_raw(rx, &oa, false, NULL, 0, T0, &out),
	    SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_uint_eq(stats(rx).dgrams_in, 4);
	wdp_free(rx);
}
END_TEST

START_TEST(test_no_ports_dropped)
{
	struct wdp *rx = mkwdp(true, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	static const uint8_t concat_only[] = { 0x05, 0x00, 0x03, 0x10, 0x02,
	    0x01, 0x41 };
	static const uint8_t empty_udh[] = { 0x00, 0x41 };
	uint8_t ud[20];
	struct wdp_dgram out, before;

	memset(ud, 0x41, sizeof(ud));
	memset(&out, 0x5e, sizeof(out));
	before = out;
	ck_assert_rc(feed_raw(rx, &oa, false, ud, sizeof(ud), T0, &out),
	    SMSDTLS_EPROTO);
	ck_assert_rc(feed_raw(rx, &oa, true, concat_only,
	    sizeof(concat_only), T0, &out), SMSDTLS_EPROTO);
	ck_assert_rc(feed_raw(rx, &oa, true, empty_udh, sizeof(empty_udh),
	    T0, &out), SMSDTLS_EPROTO);
	ck_assert_mem_eq(&out, &before, sizeof(out));
	ck_assert_uint_eq(stats(rx).drop_no_ports, 3);
	ck_assert_uint_eq(stats(rx).segments_in, 3);
	ck_assert_uint_eq(stats(rx).dgrams_in, 0);
	ck_assert_uint_eq(stats(rx).reasm_active, 0);
	wdp_free(rx);
}
END_TEST

START_TEST(test_malformed_counted)
{
	struct wdp *rx = mkwdp(true, "44");
	struct smsdtls_addr oa = intl("447700900456");
	struct smsdtls_addr alpha = numaddr(SMSDTLS_TON_ALPHANUMERIC, "");
	struct smsdtls_addr nat = numaddr(SMSDTLS_TON_NATIONAL, "7700900456");
	static const uint8_t udhl[] = { 0x07, 0x05, 0x04, 0x16, 0x34, 0xc0,
	    0x00 };
	static const uint8_t over[] = { 0x03, 0x05, 0x04, 0x16, 0x34 };
	static const uint8_t iedl[] = { 0x05, 0x05, 0x03, 0x16, 0x34, 0xc0 };
	static const uint8_t seq0[] = { 0x0c, 0x08, 0x04, 0x00, 0x01, 0x02,
	    0x00, 0x05, 0x04, 0x16, 0x34, 0xc0, 0x00 };
	static const uint8_t good[] = { 0x06, 0x05, 0x04, 0x16, 0x34, 0xc0,
	    0x00 };
	uint8_t big[SMSDTLS_UD_MAX + 1];
	struct wdp_dgram out;

	strcpy(alpha.text, "DTLS");
	memset(big, 0, sizeof(big));
	memcpy(big, good, sizeof(good));
	ck_assert_rc(feed_raw(rx, &oa, true, udhl, sizeof(udhl), T0, &out),
	    SMSDTLS_EUDHL);
	ck_assert_rc(feed_raw(rx, &oa, true, over, sizeof(over), T0, &out),
	    SMSDTLS_EIEOVERRUN);
	ck_assert_rc(feed_raw(rx, &oa, true, iedl, sizeof(iedl), T0, &out),
	    SMSDTLS_EIEDL);
	ck_assert_rc(feed_raw(rx, &oa, true, seq0, sizeof(seq0), T0, &out),
	    SMSDTLS_EPROTO);
	ck_assert_rc(feed_raw(rx, &oa, true, big, sizeof(big), T0, &out),
	    SMSDTLS_EPROTO);
	ck_assert_rc(feed_raw(rx, &oa, true, NULL, 0, T0, &out),
	    SMSDTLS_ETRUNC);
	ck_assert_uint_eq(stats(rx).drop_malformed, 6);
	ck_assert_rc(feed_raw(rx, &alpha, true, good, sizeof(good), T0,
	    &out), SMSDTLS_EADDR);
	ck_assert_uint_eq(stats(rx).drop_addr, 1);
	ck_assert_rc(feed_raw(rx, &nat, true, good, sizeof(good), T0, &out),
	    SMSDTLS_OK);
	ck_assert_str_eq(out.peer.text, "447700900456");
	ck_assert_uint_eq(out.len, 0);

	ck_assert_rc(wdp_input(rx, NULL, true, good, sizeof(good), T0, &out),
	    SMSDTLS_EINVAL);
	ck_assert_rc(wdp_input(rx, &oa, true, good, sizeof(good), T0, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(wdp_input(rx, &oa, true, NULL, 3, T0, &out),
	    SMSDTLS_EINVAL);
	ck_assert_rc(wdp_input(NULL, &oa, true, good, sizeof(good), T0,
	    &out), SMSDTLS_EINVAL);
	wdp_free(rx);

	/* Without a country code, national originators are unusable. */
	rx = mkwdp(true, NULL);
	ck_assert_rc(feed_raw(rx, &nat, true, good, sizeof(good), T0, &out),
	    SMSDTLS_EADDR);
	wdp_free(rx);
}
END_TEST

/* Forms of one originator map to one key, and meet in one reassembly. */
START_TEST(test_originator_forms)
{
	struct wdp *rx = mkwdp(true, "44");
	struct smsdtls_addr forms[4];
	struct wdp_dgram out;
	struct wdp_key key[4];

	forms[0] = intl("447700900456");
	forms[1] = numaddr(SMSDTLS_TON_UNKNOWN, "07700900456");
	forms[2] = numaddr(SMSDTLS_TON_NATIONAL, "7700900456");
	forms[3] = numaddr(SMSDTLS_TON_UNKNOWN, "00447700900456");
	for (int i = 0; i < 4; i++) {
		ck_assert_rc(feed_part(rx, &forms[i], 3, 1, 1, T0, &out),
		    SMSDTLS_OK);
		wdp_key_from_dgram(&out, &key[i]);
		ck_assert(key[i].peer.ton == SMSDTLS_TON_INTERNATIONAL);
		ck_assert(wdp_key_equal(&key[i], &key[0]));
		ck_assert_uint_eq(wdp_key_hash(&key[i], 42),
		    wdp_key_hash(&key[0], 42));
	}
	for (int i = 0; i < 3; i++)
		ck_assert_rc(feed_part(rx, &forms[i], 4, 4, (uint8_t)(i + 1),
		    T0, &out), SMSDTLS_AGAIN);
	ck_assert_rc(feed_part(rx, &forms[3], 4, 4, 4, T0, &out),
	    SMSDTLS_OK);
	ck_assert_uint_eq(out.len, 400);
	wdp_free(rx);
}
END_TEST

START_TEST(test_keys)
{
	struct wdp_dgram rx, tx;
	struct wdp_key k, k2, back;
	uint8_t d[3] = { 1, 2, 3 };

	memset(&rx, 0, sizeof(rx));
	rx.peer = intl("447700900456");
	rx.src_port = 16005;
	rx.dst_port = 5684;
	wdp_key_from_dgram(&rx, &k);
	ck_assert_uint_eq(k.peer_port, 16005);
	ck_assert_uint_eq(k.local_port, 5684);
	wdp_dgram_from_key(&k, d, sizeof(d), &tx);
	ck_assert_uint_eq(tx.dst_port, 16005);
	ck_assert_uint_eq(tx.src_port, 5684);
	ck_assert_ptr_eq(tx.data, d);
	ck_assert_uint_eq(tx.len, 3);
	ck_assert(smsdtls_addr_equal(&tx.peer, &rx.peer));
	/* What the peer receives from tx is keyed, on its side, as k
	 * with the ports swapped; swapping twice gives k back. */
	wdp_reply(&tx, NULL, 0, &rx);
	wdp_key_from_dgram(&rx, &back);
	ck_assert(wdp_key_equal(&back, &k));

	k2 = k;
	ck_assert(wdp_key_equal(&k, &k2));
	ck_assert_uint_eq(wdp_key_hash(&k, 0), wdp_key_hash(&k2, 0));
	k2.local_port = 5683;
	ck_assert(!wdp_key_equal(&k, &k2));
	ck_assert_uint_ne(wdp_key_hash(&k, 0), wdp_key_hash(&k2, 0));
	k2 = k;
	k2.peer_port = 16004;
	ck_assert(!wdp_key_equal(&k, &k2));
	k2 = k;
	k2.peer.text[11] = '7';
	ck_assert(!wdp_key_equal(&k, &k2));
	ck_assert_uint_ne(wdp_key_hash(&k, 0), wdp_key_hash(&k2, 0));
	/* Junk after the terminator changes neither equality nor hash. */
	k2 = k;
	k2.peer.text[35] = 'j';
	ck_assert(wdp_key_equal(&k, &k2));
	ck_assert_uint_eq(wdp_key_hash(&k, 7), wdp_key_hash(&k2, 7));
	ck_assert_uint_ne(wdp_key_hash(&k, 7), wdp_key_hash(&k, 8));
}
END_TEST

START_TEST(test_new_errors)
{
	struct wdp_config cfg;
	struct wdp *w = NULL;

	wdp_config_default(&cfg);
	ck_assert(cfg.ports);
	ck_assert_rc(wdp_new(NULL, &w), SMSDTLS_EINVAL);
	ck_assert_rc(wdp_new(&cfg, NULL), SMSDTLS_EINVAL);
	cfg.reasm_timeout_ms = 0;
	ck_assert_rc(wdp_new(&cfg, &w), SMSDTLS_EINVAL);
	wdp_config_default(&cfg);
	strcpy(cfg.country_code, "0");
	ck_assert_rc(wdp_new(&cfg, &w), SMSDTLS_EINVAL);
	strcpy(cfg.country_code, "4x");
	ck_assert_rc(wdp_new(&cfg, &w), SMSDTLS_EINVAL);
	memcpy(cfg.country_code, "1234", 4);
	ck_assert_rc(wdp_new(&cfg, &w), SMSDTLS_EINVAL);
	ck_assert_ptr_null(w);
	strcpy(cfg.country_code, "358");
	ck_assert_rc(wdp_new(&cfg, &w), SMSDTLS_OK);
	wdp_free(w);
	wdp_free(NULL);
}
END_TEST

/*
 * Random datagrams sent with concatenation, parts shuffled and some
 * duplicated, come out whole exactly once, with nothing left over.
 */
START_TEST(test_round_trip_random)
{
	static uint8_t data[WDP_MAX_PARTS * WDP_PART_NOPORTS];
	static struct capture c;
	static size_t order[2 * WDP_MAX_PARTS];
	uint64_t rs = 0xc0ffee;
	bool ports = _i == 0;
	struct wdp *tx = mkwdp(ports, NULL), *rx = mkwdp(ports, NULL);
	struct smsdtls_addr oa = intl("447700900456");
	struct wdp_dgram dg, out;
	size_t max = wdp_max_dgram(tx, WDP_OUT_CONCAT), n, len, got;
	smsdtls_rc rc;

	for (int it = 0; it < 3000; it++) {
		uint64_t r = test_rand(&rs);

		/* Mostly small, sometimes up to the largest. */
		len = (r & 7) == 0 ? (r >> 8) % (max + 1) :
		    (r >> 8) % 1200;
		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)test_rand(&rs);
		memset(&dg, 0, sizeof(dg));
		dg.src_port = (uint16_t)(r >> 32);
		dg.dst_port = (uint16_t)(r >> 48);
		dg.data = data;
		dg.len = len;
		memset(&c, 0, sizeof(c));
		ck_assert_rc(wdp_output(tx, &dg, WDP_OUT_CONCAT, capture_cb,
		    &c), SMSDTLS_OK);
		/* Duplicate some parts (a single SMS duplicated would
		 * rightly be delivered twice: WDP does not dedup). */
		n = 0;
		for (size_t i = 0; i < c.n; i++) {
			order[n++] = i;
			if (c.n > 1 && test_rand(&rs) % 8 == 0)
				order[n++] = i;
		}
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = test_rand(&rs) % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		got = 0;
		for (size_t i = 0; i < n; i++) {
			rc = feed(rx, &oa, &c.seg[order[i]],
			    T0 + it, &out);
			/* Late duplicates start messages: expire them. */
			if (got != 0)
				(void)wdp_expire(rx, INT64_MAX - 1);
			if (rc == SMSDTLS_AGAIN)
				continue;
			ck_assert_rc(rc, SMSDTLS_OK);
			got++;
			ck_assert_uint_eq(out.len, len);
			ck_assert(len == 0 ||
			    memcmp(out.data, data, len) == 0);
			ck_assert_uint_eq(out.src_port, ports ? dg.src_port :
			    0);
			ck_assert_uint_eq(out.dst_port, ports ? dg.dst_port :
			    0);
		}
		ck_assert_uint_eq(got, 1);
		(void)wdp_expire(rx, INT64_MAX - 1);
		ck_assert_uint_eq(stats(rx).reasm_active, 0);
	}
	ck_assert_uint_eq(stats(rx).dgrams_in, 3000);
	ck_assert_uint_eq(stats(rx).reasm_bytes, 0);
	wdp_free(tx);
	wdp_free(rx);
}
END_TEST

static Suite *
wdp_suite(void)
{
	Suite *s = suite_create("wdp");
	TCase *tc;

	tc = tcase_create("output");
	tcase_add_test(tc, test_output_pmtu_ports);
	tcase_add_test(tc, test_output_pmtu_noports);
	tcase_add_test(tc, test_output_concat_ports);
	tcase_add_test(tc, test_output_concat_noports);
	tcase_add_test(tc, test_output_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_test(tc, test_receive_example);
	tcase_add_test(tc, test_ports8_receive);
	tcase_add_test(tc, test_ports_disabled);
	tcase_add_test(tc, test_no_ports_dropped);
	tcase_add_test(tc, test_malformed_counted);
	tcase_add_test(tc, test_originator_forms);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_new_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("reassembly");
	tcase_add_test(tc, test_reasm_orders);
	tcase_add_test(tc, test_reasm_duplicates);
	tcase_add_test(tc, test_reasm_expiry);
	tcase_add_test(tc, test_reasm_inconsistent);
	tcase_add_test(tc, test_reasm_keys);
	tcase_add_test(tc, test_cap_reassemblies);
	tcase_add_test(tc, test_cap_bytes);
	tcase_add_test(tc, test_cap_peer_parts);
	suite_add_tcase(s, tc);

	tc = tcase_create("round-trip");
	tcase_add_loop_test(tc, test_round_trip_random, 0, 2);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(wdp_suite)
