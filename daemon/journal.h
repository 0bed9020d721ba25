/*
 * journal.h - smsdtlsd's journal of outgoing SMS, kept in the state
 * directory (journal.log, a record log: reclog.h) so that nothing the
 * daemon accepted is lost: each SMS-SUBMIT TPDU is added and synced
 * before it goes to its bearer, marked done when the bearer reports that
 * the SMSC took it, and what a crash or a restart left pending is
 * submitted again (those not yet past their validity period).
 *
 * Entries get increasing ids, unique within the file.  The journal holds
 * at most max pending entries; the index costs 24 bytes per entry.  Done
 * entries are dropped from the file by compaction when they dominate it.
 *
 * Results: SMSDTLS_OK; SMSDTLS_EINVAL (bad arguments, an unknown id);
 * SMSDTLS_ELIMIT (max entries pending, or the disk is full: nothing was
 * written); SMSDTLS_ENOMEM; SMSDTLS_ECLOSED (the file failed: a write, a
 * read or an fsync; journal_error() says what).  Single-threaded.
 */
#ifndef SMSDTLSD_JOURNAL_H
#define SMSDTLSD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>

#define JOURNAL_FILE		"journal.log"
#define JOURNAL_BEARER_MAX	31	/* bearer name length */

struct journal;

/* A pending entry: the bearer's name, the TPDU (no SMSC prefix), its
 * expiry in wall-clock ms since the epoch.  Valid for the call. */
typedef void (*journal_cb)(void *arg, uint64_t id, const char *bearer,
	    const uint8_t *tpdu, size_t len, int64_t expires_wall_ms);

/* Open or create dir/journal.log and load what it holds pending.  On
 * failure err says why. */
smsdtls_rc journal_open(const char *dir, size_t max, struct journal **jp,
	    char *err, size_t errlen);
/* Close (no sync: call journal_sync() first to keep the last adds). */
void	journal_close(struct journal *j);

/* Journal one TPDU of 1..SMSDTLS_PDU_MAX octets for bearer (1-31
 * characters); *idp gets its id.  Durable after journal_sync(). */
smsdtls_rc journal_add(struct journal *j, const char *bearer,
	    const uint8_t *tpdu, size_t len, int64_t expires_wall_ms,
	    uint64_t *idp);
/* Make every add and done so far durable. */
smsdtls_rc journal_sync(struct journal *j);
/* The SMSC accepted entry id (or it was given up): it is no longer
 * pending, even if writing that down fails. */
smsdtls_rc journal_done(struct journal *j, uint64_t id);

/* Call fn for every pending entry, oldest first (after journal_open():
 * what the previous run left).  fn may call journal_done() and
 * journal_add(); entries added meanwhile are not visited.  An entry that
 * cannot be read back is reported through reclog_warn() and dropped. */
smsdtls_rc journal_foreach(struct journal *j, journal_cb fn, void *arg);

size_t	journal_pending(const struct journal *j);
/* Change the cap (on reload); entries above it stay. */
void	journal_set_max(struct journal *j, size_t max);
/* Rewrite the file with the pending entries only (also done by itself
 * when done entries dominate). */
smsdtls_rc journal_compact(struct journal *j);
/* Bytes in the file. */
uint64_t journal_file_size(const struct journal *j);
const char *journal_error(const struct journal *j);

#endif /* SMSDTLSD_JOURNAL_H */
