/*
 * fuzz_tpdu.c - libFuzzer target for the TPDU decoder (3GPP TS 23.040
 * 9.2.2: SMS-DELIVER, SMS-SUBMIT, SMS-STATUS-REPORT; with or without the
 * TS 27.005 AT PDU-mode SMSC prefix).
 *
 * The input is decoded both without and with the SMSC prefix.  Properties
 * checked:
 * - a failure leaves the out-parameter untouched, and decoding with each
 *   explicit type fails as well; a success equals the decode with the
 *   type found, and with the prefix equals the decode of the bytes after
 *   it (apart from the prefix);
 * - the decoded struct is sane: UD within 140 octets, payload_off and the
 *   UDH as smsdtls_udh_parse() gives them;
 * - re-encoding succeeds within SMSDTLS_PDU_MAX octets, *tpdu_len is the
 *   part after the prefix, the result decodes to the same struct (save
 *   what tpdu.c documents as lossy: the type of address of an empty SMSC,
 *   and the TP-PI extension bit) and encodes to the same octets again;
 * - the duration of a decoded TP-VP is computed without fault, and as
 *   9.2.3.12.1 says for the relative format;
 * - smsdtls_vp_choose(), with its arguments taken from the first 13
 *   octets, picks an accepted format lasting at least what was asked,
 *   exactly that where a format can express it, which a SUBMIT carries;
 * - the hex helpers round-trip the input, and the input read as hex text.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "targets.h"

#define PI_EXT		0x80

static bool
addr_equal(const struct smsdtls_addr *a, const struct smsdtls_addr *b)
{
	return a->ton == b->ton && a->npi == b->npi &&
	    strncmp(a->text, b->text, sizeof(a->text)) == 0;
}

static bool
scts_equal(const struct smsdtls_scts *a, const struct smsdtls_scts *b)
{
	return a->year == b->year && a->month == b->month &&
	    a->day == b->day && a->hour == b->hour &&
	    a->minute == b->minute && a->second == b->second &&
	    a->tz == b->tz;
}

static bool
udh_equal(const struct smsdtls_udh *a, const struct smsdtls_udh *b)
{
	return a->has_ports == b->has_ports && a->ports16 == b->ports16 &&
	    a->dst_port == b->dst_port && a->src_port == b->src_port &&
	    a->has_concat == b->has_concat && a->concat16 == b->concat16 &&
	    a->concat_ref == b->concat_ref &&
	    a->concat_total == b->concat_total &&
	    a->concat_seq == b->concat_seq &&
	    a->unknown_ies == b->unknown_ies;
}

static bool
vp_equal(const struct smsdtls_vp *a, const struct smsdtls_vp *b)
{
	return a->format == b->format && a->relative == b->relative &&
	    scts_equal(&a->absolute, &b->absolute) &&
	    memcmp(a->enhanced, b->enhanced, sizeof(a->enhanced)) == 0;
}

/* The SMSC prefix; an empty one keeps no type of address. */
static bool
smsc_equal(const struct smsdtls_tpdu *a, const struct smsdtls_tpdu *b)
{
	if (a->has_smsc != b->has_smsc)
		return false;
	if (a->smsc.text[0] == '\0')
		return b->smsc.text[0] == '\0';
	return addr_equal(&a->smsc, &b->smsc);
}

static bool
flags_equal(const struct smsdtls_tpdu *a, const struct smsdtls_tpdu *b)
{
	return a->type == b->type && a->reply_path == b->reply_path &&
	    a->udhi == b->udhi && a->status_report == b->status_report &&
	    a->reject_duplicates == b->reject_duplicates &&
	    a->more_messages == b->more_messages &&
	    a->loop_prevention == b->loop_prevention;
}

/* Everything after the SMSC prefix; TP-PI without its extension bit. */
static bool
body_equal(const struct smsdtls_tpdu *a, const struct smsdtls_tpdu *b)
{
	return flags_equal(a, b) && a->mr == b->mr &&
	    addr_equal(&a->addr, &b->addr) && a->pid == b->pid &&
	    a->dcs == b->dcs && vp_equal(&a->vp, &b->vp) &&
	    scts_equal(&a->scts, &b->scts) && scts_equal(&a->dt, &b->dt) &&
	    a->st == b->st && a->has_pi == b->has_pi &&
	    (a->pi & ~PI_EXT) == (b->pi & ~PI_EXT) && a->udl == b->udl &&
	    a->ud_len == b->ud_len && memcmp(a->ud, b->ud, a->ud_len) == 0 &&
	    udh_equal(&a->udh, &b->udh) && a->payload_off == b->payload_off;
}

/* TS 23.040 9.2.3.12.1, written out again to check vp.c against. */
static uint32_t
relative_seconds(uint8_t v)
{
	if (v < 144)
		return (v + 1u) * 300;
	if (v < 168)
		return 43200 + (v - 143u) * 1800;
	if (v < 197)
		return (v - 166u) * 86400;
	return (v - 192u) * 604800;
}

/* The duration of a decoded TP-VP, at two different times. */
static void
check_vp(const struct smsdtls_vp *vp)
{
	static const int64_t nows[] = { 0, 1700000000 };
	uint32_t secs;
	smsdtls_rc rc;
	size_t i;

	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		rc = smsdtls_vp_seconds(vp, nows[i], &secs);
		switch (vp->format) {
		case SMSDTLS_VPF_NONE:
			FUZZ_ASSERT(rc == SMSDTLS_EINVAL);
			break;
		case SMSDTLS_VPF_RELATIVE:
			FUZZ_ASSERT(rc == SMSDTLS_OK &&
			    secs == relative_seconds(vp->relative));
			break;
		case SMSDTLS_VPF_ABSOLUTE:
			FUZZ_ASSERT(rc == SMSDTLS_OK || rc == SMSDTLS_EPROTO);
			break;
		default:
			FUZZ_ASSERT(rc == SMSDTLS_OK || rc == SMSDTLS_EINVAL ||
			    rc == SMSDTLS_EPROTO);
			break;
		}
	}
}

static uint64_t
get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/*
 * smsdtls_vp_choose() with want, accept and now taken from the input: the
 * choice lasts at least want (1 s at least), uses an accepted format,
 * is exact where a format can be, and survives a SUBMIT round trip.
 */
static void
fuzz_vp_choose(const uint8_t *data, size_t size)
{
	struct smsdtls_tpdu t, back;
	struct smsdtls_vp vp;
	uint8_t buf[SMSDTLS_PDU_MAX];
	uint32_t want, need, secs;
	unsigned accept;
	int64_t now;
	size_t len;
	smsdtls_rc rc;

	if (size < 13)
		return;
	want = (uint32_t)get_be(data, 4);
	accept = data[4];
	now = (int64_t)get_be(data + 5, 8);
	need = want == 0 ? 1 : want;
	rc = smsdtls_vp_choose(want, accept, now, &vp);
	if ((accept & SMSDTLS_VP_ACCEPT_ALL) == 0) {
		FUZZ_ASSERT(rc == SMSDTLS_EINVAL);
		return;
	}
	if (rc == SMSDTLS_ETOOBIG) {
		FUZZ_ASSERT(!(accept & SMSDTLS_VP_ACCEPT_RELATIVE) ||
		    need > relative_seconds(255));
		FUZZ_ASSERT(!(accept & SMSDTLS_VP_ACCEPT_ENH_SECONDS) ||
		    need > 255);
		return;
	}
	FUZZ_ASSERT(rc == SMSDTLS_OK);
	FUZZ_ASSERT(smsdtls_vp_seconds(&vp, now, &secs) == SMSDTLS_OK);
	FUZZ_ASSERT(secs >= need);
	if ((accept & SMSDTLS_VP_ACCEPT_ENH_SECONDS) && need <= 255)
		FUZZ_ASSERT(secs == need);
	if ((accept & SMSDTLS_VP_ACCEPT_ENH_HHMMSS) && need < 86400)
		FUZZ_ASSERT(secs == need);
	FUZZ_ASSERT(vp.format == SMSDTLS_VPF_RELATIVE ?
	    (accept & SMSDTLS_VP_ACCEPT_RELATIVE) != 0 :
	    vp.format == SMSDTLS_VPF_ABSOLUTE ?
	    (accept & SMSDTLS_VP_ACCEPT_ABSOLUTE) != 0 :
	    (accept & SMSDTLS_VP_ACCEPT_ENHANCED) != 0);

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_SUBMIT;
	t.addr.ton = SMSDTLS_TON_INTERNATIONAL;
	t.addr.npi = SMSDTLS_NPI_E164;
	memcpy(t.addr.text, "447700900123", 13);
	t.dcs = SMSDTLS_DCS_8BIT;
	t.vp = vp;
	FUZZ_ASSERT(smsdtls_tpdu_encode(&t, buf, sizeof(buf), &len, NULL) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(smsdtls_tpdu_decode(buf, len, false, SMSDTLS_TPDU_SUBMIT,
	    &back) == SMSDTLS_OK);
	FUZZ_ASSERT(vp_equal(&back.vp, &vp));
}

/* Decode, checking that a failure writes nothing. */
static smsdtls_rc
decode_checked(const uint8_t *p, size_t len, bool with_smsc, int type,
    struct smsdtls_tpdu *t)
{
	struct smsdtls_tpdu canary;
	smsdtls_rc rc;

	memset(t, 0x5a, sizeof(*t));
	memcpy(&canary, t, sizeof(canary));
	if (type < 0)
		rc = smsdtls_tpdu_decode_any(p, len, with_smsc, t);
	else
		rc = smsdtls_tpdu_decode(p, len, with_smsc,
		    (enum smsdtls_tpdu_type)type, t);
	if (rc != SMSDTLS_OK)
		FUZZ_ASSERT(memcmp(t, &canary, sizeof(canary)) == 0);
	return rc;
}

/* Invariants of any decoded TPDU. */
static void
check_sane(const struct smsdtls_tpdu *t)
{
	struct smsdtls_udh udh;
	size_t hdrlen;

	FUZZ_ASSERT(t->type <= SMSDTLS_TPDU_STATUS_REPORT);
	FUZZ_ASSERT(t->ud_len <= SMSDTLS_UD_MAX);
	FUZZ_ASSERT(t->payload_off <= t->ud_len);
	FUZZ_ASSERT(memchr(t->addr.text, '\0', sizeof(t->addr.text)));
	FUZZ_ASSERT(memchr(t->smsc.text, '\0', sizeof(t->smsc.text)));
	if (!t->udhi || t->ud_len == 0) {
		FUZZ_ASSERT(t->payload_off == 0);
		FUZZ_ASSERT(!t->udh.has_ports && !t->udh.has_concat);
		return;
	}
	FUZZ_ASSERT(smsdtls_udh_parse(t->ud, t->ud_len, &udh, &hdrlen) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(hdrlen == t->payload_off);
	FUZZ_ASSERT(udh_equal(&udh, &t->udh));
}

/* Encode t; decoding and encoding again must change nothing. */
static void
check_reencode(const struct smsdtls_tpdu *t)
{
	uint8_t buf[SMSDTLS_PDU_MAX], again[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t2;
	size_t len, tlen, alen, atlen, pfx;

	FUZZ_ASSERT(smsdtls_tpdu_encode(t, buf, sizeof(buf), &len, &tlen) ==
	    SMSDTLS_OK);
	pfx = t->has_smsc ? 1u + buf[0] : 0;
	FUZZ_ASSERT(pfx <= len && tlen == len - pfx);
	FUZZ_ASSERT(decode_checked(buf, len, t->has_smsc, t->type, &t2) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(smsc_equal(t, &t2));
	FUZZ_ASSERT(body_equal(t, &t2));
	FUZZ_ASSERT(smsdtls_tpdu_encode(&t2, again, sizeof(again), &alen,
	    &atlen) == SMSDTLS_OK);
	FUZZ_ASSERT(alen == len && atlen == tlen);
	FUZZ_ASSERT(memcmp(again, buf, len) == 0);
}

/* With the prefix, the TPDU must read the same as the bytes after it. */
static void
check_prefix(const uint8_t *data, size_t size, const struct smsdtls_tpdu *t)
{
	struct smsdtls_tpdu bare;
	size_t pfx = 1u + data[0];

	FUZZ_ASSERT(pfx <= size);
	FUZZ_ASSERT(decode_checked(data + pfx, size - pfx, false, -1, &bare) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(!bare.has_smsc && bare.smsc.text[0] == '\0');
	FUZZ_ASSERT(body_equal(t, &bare));
}

static void
fuzz_one(const uint8_t *data, size_t size, bool with_smsc)
{
	struct smsdtls_tpdu t, typed;
	int type;

	if (decode_checked(data, size, with_smsc, -1, &t) != SMSDTLS_OK) {
		for (type = 0; type <= SMSDTLS_TPDU_STATUS_REPORT; type++)
			FUZZ_ASSERT(decode_checked(data, size, with_smsc,
			    type, &typed) != SMSDTLS_OK);
		return;
	}
	FUZZ_ASSERT(t.has_smsc == with_smsc);
	FUZZ_ASSERT(decode_checked(data, size, with_smsc, t.type, &typed) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(smsc_equal(&t, &typed) && body_equal(&t, &typed));
	check_sane(&t);
	check_vp(&t.vp);
	check_reencode(&t);
	if (with_smsc)
		check_prefix(data, size, &t);
}

/*
 * The input read as text: if it decodes as hex, encoding gives it back
 * in upper case without the white space.
 */
static void
fuzz_hex_text(const uint8_t *data, size_t size)
{
	char text[4 * SMSDTLS_PDU_MAX + 1], norm[sizeof(text)];
	char hex[2 * SMSDTLS_PDU_MAX + 1];
	uint8_t bin[SMSDTLS_PDU_MAX];
	size_t i, n = 0, len;

	if (size >= sizeof(text))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (smsdtls_hex_decode(text, bin, sizeof(bin), &len) != SMSDTLS_OK)
		return;
	for (i = 0; text[i] != '\0'; i++)
		if (strchr(" \t\r\n", text[i]) == NULL)
			norm[n++] = (char)toupper((unsigned char)text[i]);
	norm[n] = '\0';
	FUZZ_ASSERT(n == 2 * len);
	FUZZ_ASSERT(smsdtls_hex_encode(bin, len, hex, sizeof(hex)) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(strcmp(hex, norm) == 0);
}

/* Hex of the input decodes back to it. */
static void
fuzz_hex(const uint8_t *data, size_t size)
{
	char hex[2 * SMSDTLS_PDU_MAX + 1];
	uint8_t back[SMSDTLS_PDU_MAX];
	size_t len;

	fuzz_hex_text(data, size);
	if (size > SMSDTLS_PDU_MAX)
		return;
	FUZZ_ASSERT(smsdtls_hex_encode(data, size, hex, sizeof(hex)) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(strlen(hex) == 2 * size);
	FUZZ_ASSERT(smsdtls_hex_decode(hex, back, sizeof(back), &len) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(len == size && memcmp(back, data, size) == 0);
}

int
fuzz_tpdu(const uint8_t *data, size_t size)
{
	fuzz_one(data, size, false);
	fuzz_one(data, size, true);
	fuzz_hex(data, size);
	fuzz_vp_choose(data, size);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_tpdu(data, size);
}
#endif
