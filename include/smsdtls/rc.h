/*
 * rc.h - result codes of libsmsdtls.
 *
 * Every fallible call returns an smsdtls_rc.  The numeric values are part
 * of the ABI: they never change, new codes are only appended.
 */
#ifndef SMSDTLS_RC_H
#define SMSDTLS_RC_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	SMSDTLS_OK = 0,		/* 0: success */
	SMSDTLS_AGAIN = 1,	/* 1: nothing yet; call again later */
	SMSDTLS_EINVAL = 2,	/* 2: invalid argument from the caller */
	SMSDTLS_ENOMEM = 3,	/* 3: out of memory */
	SMSDTLS_EPROTO = 4,	/* 4: malformed input from the peer */
	SMSDTLS_ETOOBIG = 5,	/* 5: does not fit (PMTU, buffer, field) */
	SMSDTLS_ETLS = 6,	/* 6: DTLS failure */
	SMSDTLS_ETIMEDOUT = 7,	/* 7: deadline passed */
	SMSDTLS_ECLOSED = 8,	/* 8: association closed */
	SMSDTLS_ETRUNC = 9,	/* 9: input ends inside a field */
	SMSDTLS_EUNSUPP = 10,	/* 10: valid but not supported here */
	SMSDTLS_EUDHL = 11,	/* 11: UDH length beyond user data */
	SMSDTLS_EIEOVERRUN = 12, /* 12: information element overruns UDH */
	SMSDTLS_EIEDL = 13,	/* 13: known IE with a wrong length */
	SMSDTLS_ELIMIT = 14,	/* 14: a resource cap was reached */
	SMSDTLS_EADDR = 15,	/* 15: invalid address */
	SMSDTLS_EDUP = 16	/* 16: duplicate, ignored */
} smsdtls_rc;

/* Number of defined codes; smsdtls_strerror() names every value below. */
#define SMSDTLS_RC_COUNT 17

/* A static, human-readable name for rc ("unknown error" if undefined). */
const char *smsdtls_strerror(smsdtls_rc rc);

/* Library version as "MAJOR.MINOR.PATCH". */
const char *smsdtls_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SMSDTLS_RC_H */
