/*
 * fuzz_link.c - libFuzzer target for the simulated SMSC's socket-link
 * frame decoder (smsc/link.h, docs/smsc.md "The socket link"), which
 * smsdtlsd and smsdtls-cat run on every byte the SMSC sends them.
 *
 * Properties checked:
 * - the result is one of the documented codes;
 * - on success the frame's size is within the input and at least a
 *   header, every prefix of the frame is "read more" (SMSDTLS_AGAIN), and
 *   the decoded message encodes back to a frame that decodes to the same
 *   message, byte for byte, whatever followed the frame in the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "smsc/link.h"

#include "targets.h"

static bool
rc_documented(smsdtls_rc rc)
{
	return rc == SMSDTLS_OK || rc == SMSDTLS_AGAIN ||
	    rc == SMSDTLS_ETOOBIG || rc == SMSDTLS_EPROTO;
}

int
fuzz_link(const uint8_t *data, size_t size)
{
	struct link_msg m, m2;
	uint8_t	frame[LINK_FRAME_MAX], frame2[LINK_FRAME_MAX];
	size_t	used, used2, len, len2, i;
	smsdtls_rc rc;

	rc = link_decode(data, size, &m, &used);
	FUZZ_ASSERT(rc_documented(rc));
	if (rc != SMSDTLS_OK)
		return 0;
	FUZZ_ASSERT(used >= LINK_HDR_LEN && used <= size);
	for (i = 0; i < used; i++)
		FUZZ_ASSERT(link_decode(data, i, &m2, &used2) == SMSDTLS_AGAIN);
	FUZZ_ASSERT(link_encode(&m, frame, sizeof(frame), &len) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(link_decode(frame, len, &m2, &used2) == SMSDTLS_OK);
	FUZZ_ASSERT(used2 == len);
	FUZZ_ASSERT(link_encode(&m2, frame2, sizeof(frame2), &len2) ==
	    SMSDTLS_OK);
	FUZZ_ASSERT(len2 == len && memcmp(frame, frame2, len) == 0);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_link(data, size);
}
#endif
