/*
 * sesscache.h - a server endpoint's own cache of resumable DTLS sessions
 * (RFC 5246 section 7.3 session IDs).
 *
 * wolfSSL's built-in cache is one per process, so two server endpoints
 * would resume each other's sessions, and a PSK identity removed from a
 * store would go on resuming.  Each endpoint keeps its sessions here
 * instead, through wolfSSL's external-cache callbacks: bounded (the
 * oldest entry goes first), and emptied when the credentials change.
 */
#ifndef SMSDTLS_SESSCACHE_H
#define SMSDTLS_SESSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <smsdtls/rc.h>

#define SESSCACHE_ID_LEN	32

struct sesscache;

/* A cache of at most cap sessions; SMSDTLS_ENOMEM, SMSDTLS_EINVAL (0). */
smsdtls_rc sesscache_new(size_t cap, struct sesscache **cp);
/* Free the cache and release every session it holds; NULL is a no-op. */
void	sesscache_free(struct sesscache *c);
/* Store sess (the cache takes the reference) under its 32-byte ID,
 * replacing one with the same ID and evicting the oldest when full. */
void	sesscache_put(struct sesscache *c, const uint8_t *id,
	    WOLFSSL_SESSION *sess);
/* The session with that ID, or NULL.  The cache owns it; it stays valid
 * until the next sesscache_get() or sesscache_free(). */
WOLFSSL_SESSION *sesscache_get(struct sesscache *c, const uint8_t *id,
	    size_t idlen);
/* Drop every session. */
void	sesscache_flush(struct sesscache *c);
size_t	sesscache_count(const struct sesscache *c);

#endif /* SMSDTLS_SESSCACHE_H */
