/*
 * creds.h - internal access to the PSK store (RFC 4279 identities, the
 * RFC 7925 section 4.2 PSK profile) for the session layer.
 */
#ifndef SMSDTLS_CREDS_H
#define SMSDTLS_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include <smsdtls/session.h>

/*
 * The key stored for identity (a NUL-terminated string, as wolfSSL's PSK
 * server callback gives it), or NULL if the identity is unknown (or
 * store is NULL).  On a hit *keylen (if keylen is not NULL) gets the key
 * length, 1 to SMSDTLS_PSK_KEY_MAX.  The key is borrowed from the store:
 * it stays valid until the store is freed, and smsdtls_psk_store_add()
 * for the same identity overwrites it in place.  Expected O(1).
 */
const uint8_t	*creds_psk_lookup(const struct smsdtls_psk_store *store,
		    const char *identity, size_t *keylen);

#endif /* SMSDTLS_CREDS_H */
