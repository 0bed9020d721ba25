/*
 * sessstore.h - smsdtlsd's saved DTLS sessions (state exported from
 * wolfSSL), keyed by peer (smsdtls_peer_format() output), kept in the
 * state directory (sessions.log, a record log: reclog.h) so that devices
 * keep their sessions across a restart, and so that a gateway can park
 * idle sessions on disk.
 *
 * Only an index lives in memory: 16 bytes per key in an open-addressing
 * table (a 64-bit hash of the key and the file position of its latest
 * blob), about 21-43 bytes per key with the table's slack; blobs are read
 * back from the file when asked for.  A million keys cost some 32 MB.
 *
 * Results: SMSDTLS_OK; SMSDTLS_EINVAL (bad arguments); SMSDTLS_ETOOBIG
 * (a blob over SESSSTORE_BLOB_MAX, or a caller buffer too small);
 * SMSDTLS_ELIMIT (the disk is full: nothing was written); SMSDTLS_ENOMEM;
 * SMSDTLS_ECLOSED (the file failed: a write, a read, an fsync, a record
 * that no longer reads back; sessstore_error() says what), as in
 * journal.h.  Single-threaded.
 */
#ifndef SMSDTLSD_SESSSTORE_H
#define SMSDTLSD_SESSSTORE_H

#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>

#define SESSSTORE_FILE		"sessions.log"
#define SESSSTORE_KEY_MAX	255
#define SESSSTORE_BLOB_MAX	(64 * 1024)

struct sessstore;

/* One saved session; key and blob valid for the call. */
typedef void (*sessstore_cb)(void *arg, const char *key,
	    const uint8_t *blob, size_t len);

/* Open or create dir/sessions.log and index it.  On failure err says
 * why. */
smsdtls_rc sessstore_open(const char *dir, struct sessstore **sp, char *err,
	    size_t errlen);
void	sessstore_close(struct sessstore *s);

/* Save blob (1..SESSSTORE_BLOB_MAX bytes) as key's latest (key: 1-255
 * characters).  Durable after sessstore_sync(). */
smsdtls_rc sessstore_put(struct sessstore *s, const char *key,
	    const uint8_t *blob, size_t len);
/* Forget key (SMSDTLS_OK also if it was not there). */
smsdtls_rc sessstore_del(struct sessstore *s, const char *key);
/* Copy key's blob into buf; *lenp gets its length, 0 if key has none
 * (SMSDTLS_OK), and is set with SMSDTLS_ETOOBIG too, so that the caller
 * can size a buffer. */
smsdtls_rc sessstore_get(struct sessstore *s, const char *key, uint8_t *buf,
	    size_t buflen, size_t *lenp);
/* Make every put and del so far durable. */
smsdtls_rc sessstore_sync(struct sessstore *s);

/* Call fn for each key with its latest blob, oldest first.  fn may put
 * or delete the key it is given (not others).  A blob that no longer
 * reads back is reported through reclog_warn() and forgotten. */
smsdtls_rc sessstore_foreach(struct sessstore *s, sessstore_cb fn,
	    void *arg);

size_t	sessstore_count(const struct sessstore *s);
/* Rewrite the file with the latest blobs only (also done by itself when
 * old versions dominate). */
smsdtls_rc sessstore_compact(struct sessstore *s);
/* Bytes of memory the index takes, and bytes in the file. */
size_t	sessstore_index_bytes(const struct sessstore *s);
uint64_t sessstore_file_size(const struct sessstore *s);
const char *sessstore_error(const struct sessstore *s);

#endif /* SMSDTLSD_SESSSTORE_H */
