/*
 * fuzz_udh.c - libFuzzer target for the user data header parser
 * (3GPP TS 23.040 9.2.3.24): smsdtls_udh_parse() on arbitrary TP-UD.
 *
 * Properties checked:
 * - a failure is one of the documented codes and leaves both
 *   out-parameters untouched;
 * - on success *hdrlen is 1 + UDHL and within the input, and the result
 *   does not depend on the payload after the header;
 * - smsdtls_udh_build() of the result succeeds, writes
 *   smsdtls_udh_size() octets (nothing when there are neither ports nor
 *   concatenation), no more than the header it came from, refuses a
 *   buffer one octet short, and parses back to the same ports and
 *   concatenation with no unknown elements.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "targets.h"

static bool
udh_equal(const struct smsdtls_udh *a, const struct smsdtls_udh *b)
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

static bool
rc_documented(smsdtls_rc rc)
{
	return rc == SMSDTLS_ETRUNC || rc == SMSDTLS_EUDHL ||
	    rc == SMSDTLS_EIEOVERRUN || rc == SMSDTLS_EIEDL ||
	    rc == SMSDTLS_EPROTO;
}

/* Parse, checking that a failure writes nothing. */
static smsdtls_rc
parse_checked(const uint8_t *ud, size_t len, struct smsdtls_udh *udh,
    size_t *hdrlen)
{
	struct smsdtls_udh canary;
	size_t hcanary;
	smsdtls_rc rc;

	memset(udh, 0xa5, sizeof(*udh));
	memcpy(&canary, udh, sizeof(canary));
	*hdrlen = hcanary = (size_t)0xa5a5a5a5u;
	rc = smsdtls_udh_parse(ud, len, udh, hdrlen);
	if (rc != SMSDTLS_OK) {
		FUZZ_ASSERT(rc_documented(rc));
		FUZZ_ASSERT(memcmp(udh, &canary, sizeof(canary)) == 0);
		FUZZ_ASSERT(*hdrlen == hcanary);
	}
	return rc;
}

/* Build udh (parsed from a header of hdrlen octets) and parse it back. */
static void
check_build(const struct smsdtls_udh *udh, size_t hdrlen)
{
	uint8_t buf[SMSDTLS_UD_MAX];
	struct smsdtls_udh again;
	size_t len = 1000, size, alen;

	size = smsdtls_udh_size(udh);
	FUZZ_ASSERT(smsdtls_udh_build(udh, buf, sizeof(buf), &len) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(len == size);
	if (!udh->has_ports && !udh->has_concat) {
		FUZZ_ASSERT(len == 0);
		return;
	}
	FUZZ_ASSERT(len >= 3 && len <= hdrlen);
	FUZZ_ASSERT(buf[0] == len - 1);
	FUZZ_ASSERT(smsdtls_udh_build(udh, buf, len - 1, &alen) ==
	    SMSDTLS_ETOOBIG);
	FUZZ_ASSERT(parse_checked(buf, len, &again, &alen) == SMSDTLS_OK);
	FUZZ_ASSERT(alen == len);
	FUZZ_ASSERT(again.unknown_ies == 0);
	FUZZ_ASSERT(udh_equal(udh, &again));
}

int
fuzz_udh(const uint8_t *data, size_t size)
{
	struct smsdtls_udh udh, hdr_only;
	size_t hdrlen, hlen2;

	if (parse_checked(data, size, &udh, &hdrlen) != SMSDTLS_OK)
		return 0;
	FUZZ_ASSERT(size > 0 && hdrlen == 1u + data[0] && hdrlen <= size);

	/* The payload after the header plays no part. */
	FUZZ_ASSERT(parse_checked(data, hdrlen, &hdr_only, &hlen2) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(hlen2 == hdrlen);
	FUZZ_ASSERT(udh_equal(&udh, &hdr_only));
	FUZZ_ASSERT(udh.unknown_ies == hdr_only.unknown_ies);

	check_build(&udh, hdrlen);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_udh(data, size);
}
#endif
