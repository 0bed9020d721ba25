/*
 * errors.c - names of the smsdtls_rc result codes and the library version.
 */
#include "config.h"

#include <stddef.h>

#include <smsdtls/rc.h>

static const char *const rc_names[SMSDTLS_RC_COUNT] = {
	[SMSDTLS_OK] = "success",
	[SMSDTLS_AGAIN] = "try again later",
	[SMSDTLS_EINVAL] = "invalid argument",
	[SMSDTLS_ENOMEM] = "out of memory",
	[SMSDTLS_EPROTO] = "malformed input",
	[SMSDTLS_ETOOBIG] = "too big",
	[SMSDTLS_ETLS] = "DTLS failure",
	[SMSDTLS_ETIMEDOUT] = "timed out",
	[SMSDTLS_ECLOSED] = "association closed",
	[SMSDTLS_ETRUNC] = "input truncated",
	[SMSDTLS_EUNSUPP] = "not supported",
	[SMSDTLS_EUDHL] = "user data header length beyond user data",
	[SMSDTLS_EIEOVERRUN] = "information element overruns user data header",
	[SMSDTLS_EIEDL] = "information element has a wrong length",
	[SMSDTLS_ELIMIT] = "resource limit reached",
	[SMSDTLS_EADDR] = "invalid address",
	[SMSDTLS_EDUP] = "duplicate",
};

const char *
smsdtls_strerror(smsdtls_rc rc)
{
	if ((unsigned)rc >= SMSDTLS_RC_COUNT || rc_names[rc] == NULL)
		return "unknown error";
	return rc_names[rc];
}

const char *
smsdtls_version(void)
{
	return PACKAGE_VERSION;
}
