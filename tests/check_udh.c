/*
 * check_udh.c - user data header codec (TS 23.040 9.2.3.24): worked
 * examples byte by byte, every malformation with its code, last-wins,
 * truncation, build/parse round trips and random input.
 */
#include "config.h"

#include <stdio.h>

#include "tests/testutil.h"

/* Parse ud and require rc; on success also require the header length. */
static struct smsdtls_udh
parse_ok(const uint8_t *ud, size_t len, size_t want_hdrlen)
{
	struct smsdtls_udh h;
	size_t hl = 0;

	ck_assert_rc(smsdtls_udh_parse(ud, len, &h, &hl), SMSDTLS_OK);
	ck_assert_uint_eq(hl, want_hdrlen);
	return h;
}

/* A failed parse must leave both out-parameters untouched. */
static void
parse_fails(const uint8_t *ud, size_t len, smsdtls_rc want)
{
	struct smsdtls_udh h, before;
	size_t hl = 0x5a5a;

	memset(&h, 0xa5, sizeof(h));
	before = h;
	ck_assert_rc(smsdtls_udh_parse(ud, len, &h, &hl), want);
	ck_assert_mem_eq(&h, &before, sizeof(h));
	ck_assert_uint_eq(hl, 0x5a5a);
}

static bool
udh_same(const struct smsdtls_udh *a, const struct smsdtls_udh *b)
{
	if (a->has_ports != b->has_ports || a->has_concat != b->has_concat)
		return false;
	if (a->has_ports && (a->ports16 != b->ports16 ||
	    a->dst_port != b->dst_port || a->src_port != b->src_port))
		return false;
	if (a->has_concat && (a->concat16 != b->concat16 ||
	    a->concat_ref != b->concat_ref ||
	    a->concat_total != b->concat_total ||
	    a->concat_seq != b->concat_seq))
		return false;
	return true;
}

/* Worked example of the digest (9a/9b): dst 5684, src 49152. */
START_TEST(test_ports16_example)
{
	const uint8_t ud[] = { 0x06, 0x05, 0x04, 0x16, 0x34, 0xc0, 0x00,
	    0x01, 0x02, 0x03 };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 7);

	ck_assert(h.has_ports);
	ck_assert(h.ports16);
	ck_assert_uint_eq(h.dst_port, 5684);
	ck_assert_uint_eq(h.src_port, 49152);
	ck_assert(!h.has_concat);
	ck_assert_uint_eq(h.unknown_ies, 0);
}
END_TEST

/* WAP push: dst 2948 (wap-push), src 9200 (wsp). */
START_TEST(test_wap_push)
{
	const uint8_t ud[] = { 0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0 };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 7);

	ck_assert(h.has_ports && h.ports16);
	ck_assert_uint_eq(h.dst_port, 2948);
	ck_assert_uint_eq(h.src_port, 9200);
}
END_TEST

START_TEST(test_ports8)
{
	const uint8_t ud[] = { 0x04, 0x04, 0x02, 0xf5, 0xf0, 0xff };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 5);

	ck_assert(h.has_ports);
	ck_assert(!h.ports16);
	ck_assert_uint_eq(h.dst_port, 245);
	ck_assert_uint_eq(h.src_port, 240);
	ck_assert(!h.has_concat);
}
END_TEST

START_TEST(test_concat8)
{
	const uint8_t ud[] = { 0x05, 0x00, 0x03, 0x2a, 0x03, 0x02, 0x61 };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 6);

	ck_assert(h.has_concat);
	ck_assert(!h.concat16);
	ck_assert_uint_eq(h.concat_ref, 0x2a);
	ck_assert_uint_eq(h.concat_total, 3);
	ck_assert_uint_eq(h.concat_seq, 2);
	ck_assert(!h.has_ports);
}
END_TEST

START_TEST(test_concat16)
{
	const uint8_t ud[] = { 0x06, 0x08, 0x04, 0x12, 0x34, 0x05, 0x05 };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 7);

	ck_assert(h.has_concat);
	ck_assert(h.concat16);
	ck_assert_uint_eq(h.concat_ref, 0x1234);
	ck_assert_uint_eq(h.concat_total, 5);
	ck_assert_uint_eq(h.concat_seq, 5);
}
END_TEST

/* WDP segmentation as Kannel-style senders write it: concat8 + ports. */
START_TEST(test_concat_and_ports)
{
	const uint8_t ud[] = { 0x0b, 0x00, 0x03, 0x07, 0x02, 0x01,
	    0x05, 0x04, 0x23, 0xf0, 0x23, 0xf0, 0xde, 0xad };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 12);

	ck_assert(h.has_concat && !h.concat16);
	ck_assert_uint_eq(h.concat_ref, 7);
	ck_assert_uint_eq(h.concat_total, 2);
	ck_assert_uint_eq(h.concat_seq, 1);
	ck_assert(h.has_ports && h.ports16);
	ck_assert_uint_eq(h.dst_port, 9200);
	ck_assert_uint_eq(h.src_port, 9200);
}
END_TEST

/* Unknown elements (here 0x0a text formatting, 0x24 national language
 * shift, an empty 0x70) are skipped by their IEDL and counted. */
START_TEST(test_unknown_skipped)
{
	const uint8_t ud[] = { 0x10, 0x0a, 0x03, 0x00, 0x10, 0x00,
	    0x05, 0x04, 0x16, 0x34, 0x3e, 0x80, 0x24, 0x01, 0x01,
	    0x70, 0x00, 0x42 };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 17);

	ck_assert_uint_eq(h.unknown_ies, 3);
	ck_assert(h.has_ports && h.ports16);
	ck_assert_uint_eq(h.dst_port, 5684);
	ck_assert_uint_eq(h.src_port, 16000);
}
END_TEST

/* The most elements a header can hold: 127 empty unknown ones. */
START_TEST(test_unknown_many)
{
	uint8_t ud[1 + 254];
	struct smsdtls_udh h;

	memset(ud, 0, sizeof(ud));
	ud[0] = 254;
	for (size_t i = 1; i < sizeof(ud); i += 2)
		ud[i] = 0x7f;
	h = parse_ok(ud, sizeof(ud), 255);
	ck_assert_uint_eq(h.unknown_ies, 127);
	ck_assert(!h.has_ports && !h.has_concat);
}
END_TEST

/* UDHL 0 is an empty header: legal, payload at ud[1]. */
START_TEST(test_empty_header)
{
	const uint8_t ud[] = { 0x00, 0x99 };
	struct smsdtls_udh h = parse_ok(ud, sizeof(ud), 1);

	ck_assert(!h.has_ports && !h.has_concat);
	ck_assert_uint_eq(h.unknown_ies, 0);
	h = parse_ok(ud, 1, 1);
	ck_assert(!h.has_ports);
}
END_TEST

START_TEST(test_no_input)
{
	struct smsdtls_udh h;
	size_t hl;
	const uint8_t one = 0;

	parse_fails((const uint8_t *)"", 0, SMSDTLS_ETRUNC);
	parse_fails(NULL, 0, SMSDTLS_ETRUNC);
	ck_assert_rc(smsdtls_udh_parse(NULL, 1, &h, &hl), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_udh_parse(&one, 1, NULL, &hl), SMSDTLS_EINVAL);
	/* hdrlen may be NULL. */
	ck_assert_rc(smsdtls_udh_parse(&one, 1, &h, NULL), SMSDTLS_OK);
}
END_TEST

START_TEST(test_udhl_beyond_ud)
{
	const uint8_t ud[] = { 0x06, 0x05, 0x04, 0x16, 0x34, 0xc0, 0x00 };
	const uint8_t ff[] = { 0xff, 0x00, 0x03, 0x01, 0x01, 0x01 };

	parse_fails(ud, 6, SMSDTLS_EUDHL);
	parse_fails(ud, 1, SMSDTLS_EUDHL);
	parse_fails(ff, sizeof(ff), SMSDTLS_EUDHL);
}
END_TEST

START_TEST(test_ie_overrun)
{
	/* The element's body runs past UDHL (ud itself is long enough). */
	const uint8_t body[] = { 0x03, 0x05, 0x04, 0x16, 0x34, 0xc0, 0x00 };
	/* UDHL 1: not even an element header fits. */
	const uint8_t hdr1[] = { 0x01, 0x05, 0x00 };
	/* A good element, then one octet left. */
	const uint8_t tail[] = { 0x04, 0x0a, 0x01, 0xaa, 0x05, 0x04 };
	/* Unknown element claims more than UDHL holds. */
	const uint8_t unk[] = { 0x03, 0x70, 0x02, 0x00, 0x00, 0x00 };

	parse_fails(body, sizeof(body), SMSDTLS_EIEOVERRUN);
	parse_fails(hdr1, sizeof(hdr1), SMSDTLS_EIEOVERRUN);
	parse_fails(tail, sizeof(tail), SMSDTLS_EIEOVERRUN);
	parse_fails(unk, sizeof(unk), SMSDTLS_EIEOVERRUN);
}
END_TEST

/* Each known IEI with each wrong IEDL from 0 to 6. */
START_TEST(test_iedl_mismatch)
{
	static const struct {
		uint8_t iei, iedl;
	} known[] = { { 0x00, 3 }, { 0x08, 4 }, { 0x04, 2 }, { 0x05, 4 } };
	uint8_t ud[16];

	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		for (uint8_t l = 0; l <= 6; l++) {
			if (l == known[k].iedl)
				continue;
			memset(ud, 0x01, sizeof(ud));
			ud[0] = (uint8_t)(2 + l);
			ud[1] = known[k].iei;
			ud[2] = l;
			parse_fails(ud, 3 + l, SMSDTLS_EIEDL);
		}
	}
}
END_TEST

START_TEST(test_concat_reserved)
{
	static const uint8_t c8[][6] = {
		{ 0x05, 0x00, 0x03, 0x01, 0x02, 0x00 },	/* seq 0 */
		{ 0x05, 0x00, 0x03, 0x01, 0x02, 0x03 },	/* seq > total */
		{ 0x05, 0x00, 0x03, 0x01, 0x00, 0x00 },	/* total 0 */
		{ 0x05, 0x00, 0x03, 0x01, 0x00, 0x01 },	/* total 0 */
	};
	static const uint8_t c16[][7] = {
		{ 0x06, 0x08, 0x04, 0x01, 0x02, 0x02, 0x00 },
		{ 0x06, 0x08, 0x04, 0x01, 0x02, 0x02, 0x03 },
		{ 0x06, 0x08, 0x04, 0x01, 0x02, 0x00, 0x00 },
		{ 0x06, 0x08, 0x04, 0x01, 0x02, 0xfe, 0xff },
	};

	for (size_t i = 0; i < sizeof(c8) / sizeof(c8[0]); i++)
		parse_fails(c8[i], sizeof(c8[i]), SMSDTLS_EPROTO);
	for (size_t i = 0; i < sizeof(c16) / sizeof(c16[0]); i++)
		parse_fails(c16[i], sizeof(c16[i]), SMSDTLS_EPROTO);
}
END_TEST

START_TEST(test_last_wins)
{
	/* 8-bit ports then 16-bit ports: the 16-bit ones. */
	const uint8_t a[] = { 0x0a, 0x04, 0x02, 0xf5, 0xf0,
	    0x05, 0x04, 0x16, 0x34, 0x3e, 0x80 };
	/* 16-bit then 8-bit: the 8-bit ones. */
	const uint8_t b[] = { 0x0a, 0x05, 0x04, 0x16, 0x34, 0x3e, 0x80,
	    0x04, 0x02, 0xf5, 0xf0 };
	/* concat8 then concat16, and a repeated 16-bit port element. */
	const uint8_t c[] = { 0x17, 0x00, 0x03, 0x11, 0x04, 0x01,
	    0x05, 0x04, 0x00, 0x01, 0x00, 0x02,
	    0x08, 0x04, 0xbe, 0xef, 0x02, 0x02,
	    0x05, 0x04, 0x00, 0x03, 0x00, 0x04 };
	/* concat16 then concat8. */
	const uint8_t d[] = { 0x0b, 0x08, 0x04, 0xbe, 0xef, 0x02, 0x02,
	    0x00, 0x03, 0x11, 0x04, 0x03 };
	struct smsdtls_udh h;

	h = parse_ok(a, sizeof(a), 11);
	ck_assert(h.ports16);
	ck_assert_uint_eq(h.dst_port, 5684);
	ck_assert_uint_eq(h.src_port, 16000);
	h = parse_ok(b, sizeof(b), 11);
	ck_assert(!h.ports16);
	ck_assert_uint_eq(h.dst_port, 245);
	ck_assert_uint_eq(h.src_port, 240);
	h = parse_ok(c, sizeof(c), 24);
	ck_assert(h.concat16);
	ck_assert_uint_eq(h.concat_ref, 0xbeef);
	ck_assert_uint_eq(h.concat_total, 2);
	ck_assert_uint_eq(h.concat_seq, 2);
	ck_assert_uint_eq(h.dst_port, 3);
	ck_assert_uint_eq(h.src_port, 4);
	h = parse_ok(d, sizeof(d), 12);
	ck_assert(!h.concat16);
	ck_assert_uint_eq(h.concat_ref, 0x11);
	ck_assert_uint_eq(h.concat_total, 4);
	ck_assert_uint_eq(h.concat_seq, 3);
}
END_TEST

/*
 * Every truncation of a valid header: cutting ud_len below 1 + UDHL gives
 * EUDHL (ETRUNC at 0); lowering UDHL gives OK exactly on an element
 * boundary and EIEOVERRUN anywhere else.
 */
START_TEST(test_truncations)
{
	static const uint8_t ex[] = { 0x11, 0x08, 0x04, 0x12, 0x34, 0x03,
	    0x01, 0x0a, 0x01, 0x00, 0x05, 0x04, 0x16, 0x34, 0x3e, 0x80,
	    0x70, 0x00, 0xaa, 0xbb };
	static const bool boundary[18] = { [0] = true, [6] = true,
	    [9] = true, [15] = true, [17] = true };
	uint8_t ud[sizeof(ex)];
	struct smsdtls_udh h;
	size_t hl;

	for (size_t k = 0; k < sizeof(ex); k++) {
		memcpy(ud, ex, sizeof(ex));
		if (k == 0)
			parse_fails(ud, 0, SMSDTLS_ETRUNC);
		else if (k < 18)
			parse_fails(ud, k, SMSDTLS_EUDHL);
		else
			ck_assert_rc(smsdtls_udh_parse(ud, k, &h, &hl),
			    SMSDTLS_OK);
	}
	for (uint8_t m = 0; m <= 0x11; m++) {
		memcpy(ud, ex, sizeof(ex));
		ud[0] = m;
		if (boundary[m]) {
			h = parse_ok(ud, sizeof(ud), 1u + m);
			ck_assert(h.has_concat == (m >= 6));
			ck_assert(h.has_ports == (m >= 15));
			ck_assert_uint_eq(h.unknown_ies,
			    (m >= 9) + (m >= 17));
		} else
			parse_fails(ud, sizeof(ud), SMSDTLS_EIEOVERRUN);
	}
}
END_TEST

START_TEST(test_build_examples)
{
	const uint8_t p16[] = { 0x06, 0x05, 0x04, 0x16, 0x34, 0xc0, 0x00 };
	const uint8_t c16p16[] = { 0x0c, 0x08, 0x04, 0x12, 0x34, 0x03,
	    0x01, 0x05, 0x04, 0x16, 0x34, 0x3e, 0x80 };
	const uint8_t c8p8[] = { 0x09, 0x00, 0x03, 0x2a, 0x02, 0x01,
	    0x04, 0x02, 0xf5, 0xf0 };
	const uint8_t c16[] = { 0x06, 0x08, 0x04, 0xff, 0xfe, 0xff, 0xff };
	struct smsdtls_udh h;
	uint8_t buf[32];
	size_t len;

	memset(&h, 0, sizeof(h));
	h.has_ports = h.ports16 = true;
	h.dst_port = 5684;
	h.src_port = 49152;
	ck_assert_uint_eq(smsdtls_udh_size(&h), 7);
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(p16));
	ck_assert_mem_eq(buf, p16, len);

	h.src_port = 16000;
	h.has_concat = h.concat16 = true;
	h.concat_ref = 0x1234;
	h.concat_total = 3;
	h.concat_seq = 1;
	ck_assert_uint_eq(smsdtls_udh_size(&h), 13);
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(c16p16));
	ck_assert_mem_eq(buf, c16p16, len);

	memset(&h, 0, sizeof(h));
	h.has_ports = h.has_concat = true;
	h.dst_port = 245;
	h.src_port = 240;
	h.concat_ref = 0x2a;
	h.concat_total = 2;
	h.concat_seq = 1;
	ck_assert_uint_eq(smsdtls_udh_size(&h), 10);
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(c8p8));
	ck_assert_mem_eq(buf, c8p8, len);

	memset(&h, 0, sizeof(h));
	h.has_concat = h.concat16 = true;
	h.concat_ref = 0xfffe;
	h.concat_total = h.concat_seq = 255;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(c16));
	ck_assert_mem_eq(buf, c16, len);
}
END_TEST

START_TEST(test_build_errors)
{
	struct smsdtls_udh h;
	uint8_t buf[16];
	size_t len = 99;

	/* Nothing to write. */
	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(smsdtls_udh_size(&h), 0);
	ck_assert_rc(smsdtls_udh_build(&h, NULL, 0, &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(smsdtls_udh_size(NULL), 0);

	/* Too small a buffer: nothing written. */
	h.has_ports = h.ports16 = true;
	memset(buf, 0xee, sizeof(buf));
	len = 99;
	ck_assert_rc(smsdtls_udh_build(&h, buf, 6, &len), SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 99);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xee);
	ck_assert_rc(smsdtls_udh_build(&h, buf, 7, &len), SMSDTLS_OK);

	/* 8-bit fields out of range. */
	h.ports16 = false;
	h.dst_port = 256;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	h.dst_port = 255;
	h.src_port = 300;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	h.src_port = 0;
	h.has_concat = true;
	h.concat_ref = 256;
	h.concat_total = 1;
	h.concat_seq = 1;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	h.concat16 = true;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_OK);

	/* Reserved concatenation values. */
	h.concat_seq = 0;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	h.concat_seq = 2;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	h.concat_total = 0;
	h.concat_seq = 0;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);

	ck_assert_rc(smsdtls_udh_build(NULL, buf, sizeof(buf), &len),
	    SMSDTLS_EINVAL);
	h.concat_total = h.concat_seq = 1;
	ck_assert_rc(smsdtls_udh_build(&h, buf, sizeof(buf), NULL),
	    SMSDTLS_EINVAL);
}
END_TEST

static void
random_udh(uint64_t *rs, struct smsdtls_udh *h)
{
	uint64_t r = test_rand(rs);

	memset(h, 0, sizeof(*h));
	h->has_ports = r & 1;
	h->ports16 = (r >> 1) & 1;
	h->has_concat = (r >> 2) & 1;
	h->concat16 = (r >> 3) & 1;
	h->dst_port = (uint16_t)(r >> 16);
	h->src_port = (uint16_t)(r >> 32);
	if (!h->ports16) {
		h->dst_port &= 0xff;
		h->src_port &= 0xff;
	}
	h->concat_ref = (uint16_t)(r >> 48);
	if (!h->concat16)
		h->concat_ref &= 0xff;
	r = test_rand(rs);
	h->concat_total = (uint8_t)(1 + r % 255);
	h->concat_seq = (uint8_t)(1 + (r >> 8) % h->concat_total);
}

START_TEST(test_round_trip)
{
	uint64_t rs = 0x9e3779b97f4a7c15ULL;
	struct smsdtls_udh in, out;
	uint8_t buf[SMSDTLS_UD_MAX];
	size_t len, hl, plen;

	for (int i = 0; i < 20000; i++) {
		random_udh(&rs, &in);
		ck_assert_rc(smsdtls_udh_build(&in, buf, sizeof(buf), &len),
		    SMSDTLS_OK);
		ck_assert_uint_eq(len, smsdtls_udh_size(&in));
		if (len == 0) {
			ck_assert(!in.has_ports && !in.has_concat);
			continue;
		}
		/* Some payload after the header. */
		plen = test_rand(&rs) % (sizeof(buf) - len + 1);
		memset(buf + len, 0x5c, plen);
		ck_assert_rc(smsdtls_udh_parse(buf, len + plen, &out, &hl),
		    SMSDTLS_OK);
		ck_assert_uint_eq(hl, len);
		ck_assert_msg(udh_same(&in, &out), "round trip %d differs",
		    i);
		ck_assert_uint_eq(out.unknown_ies, 0);
	}
}
END_TEST

/* Random octets (in exactly sized heap blocks, so that a sanitizer sees
 * any over-read) parse or fail with one of the documented codes. */
START_TEST(test_random_bytes)
{
	uint64_t rs = 12345;
	struct smsdtls_udh h;
	size_t hl, len;
	uint8_t *ud;
	smsdtls_rc rc;

	for (int i = 0; i < 200000; i++) {
		len = test_rand(&rs) % 160;
		ud = malloc(len != 0 ? len : 1);
		ck_assert_ptr_nonnull(ud);
		for (size_t k = 0; k < len; k++) {
			uint64_t r = test_rand(&rs);
			/* Bias towards known IEIs and small lengths. */
			ud[k] = (r & 3) == 0 ? (uint8_t)((r >> 8) % 9) :
			    (uint8_t)(r >> 16);
		}
		if (len != 0 && (i & 1))
			ud[0] = (uint8_t)(test_rand(&rs) % len);
		hl = 0;
		rc = smsdtls_udh_parse(ud, len, &h, &hl);
		switch (rc) {
		case SMSDTLS_OK:
			ck_assert_uint_eq(hl, 1u + ud[0]);
			ck_assert_uint_le(hl, len);
			break;
		case SMSDTLS_ETRUNC:
			ck_assert_uint_eq(len, 0);
			break;
		case SMSDTLS_EUDHL:
			ck_assert_uint_gt(1u + ud[0], len);
			break;
		case SMSDTLS_EIEOVERRUN:
		case SMSDTLS_EIEDL:
		case SMSDTLS_EPROTO:
			break;
		default:
			ck_abort_msg("unexpected rc %d", (int)rc);
		}
		free(ud);
	}
}
END_TEST

static Suite *
udh_suite(void)
{
	Suite *s = suite_create("udh");
	TCase *tc;

	tc = tcase_create("examples");
	tcase_add_test(tc, test_ports16_example);
	tcase_add_test(tc, test_wap_push);
	tcase_add_test(tc, test_ports8);
	tcase_add_test(tc, test_concat8);
	tcase_add_test(tc, test_concat16);
	tcase_add_test(tc, test_concat_and_ports);
	tcase_add_test(tc, test_unknown_skipped);
	tcase_add_test(tc, test_unknown_many);
	tcase_add_test(tc, test_empty_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_no_input);
	tcase_add_test(tc, test_udhl_beyond_ud);
	tcase_add_test(tc, test_ie_overrun);
	tcase_add_test(tc, test_iedl_mismatch);
	tcase_add_test(tc, test_concat_reserved);
	tcase_add_test(tc, test_last_wins);
	tcase_add_test(tc, test_truncations);
	suite_add_tcase(s, tc);

	tc = tcase_create("build");
	tcase_add_test(tc, test_build_examples);
	tcase_add_test(tc, test_build_errors);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_random_bytes);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(udh_suite)
