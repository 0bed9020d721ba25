/*
 * reclog.h - an append-only file of typed, checksummed records in
 * smsdtlsd's state directory: the one durable mechanism under the outgoing
 * SMS journal (journal.c) and the saved DTLS sessions (sessstore.c).
 *
 * File: a 16-byte header ("SMSDRLOG", version 1 as a little-endian
 * 32-bit number, a 4-byte tag naming the store), then records:
 *
 *   crc32   4  CRC-32 (IEEE 802.3) of the rest of the record
 *   len     4  data length, little-endian, <= RECLOG_DATA_MAX
 *   keylen  2  key length, little-endian, <= RECLOG_KEY_MAX
 *   type    1  1..255, the store's record type
 *   zero    1
 *   key, data
 *
 * Appends are written at once (a crash of the process loses nothing that
 * was appended) and are durable after reclog_sync(), so callers can group
 * commits.  Opening replays the intact records in order; a torn or
 * corrupt tail (a crash of the machine in the middle of a write, bad
 * sectors) is cut off with a warning.  The owner tells the log which
 * records died (a newer version, a deletion); when dead bytes dominate,
 * reclog_compact() rewrites the live ones into a new file that replaces
 * the old one atomically (temp file, fsync, rename, fsync of the
 * directory).  An exclusive flock() keeps a second process out.
 *
 * Functions returning int give 0, or -1 with errno set and a message for
 * reclog_error(); reclog_rc_from_errno() turns that errno into the
 * stores' result.  Single-threaded.
 */
#ifndef SMSDTLSD_RECLOG_H
#define SMSDTLSD_RECLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>

#define RECLOG_FILE_HDR		16
#define RECLOG_HDR		12
#define RECLOG_KEY_MAX		1024
#define RECLOG_DATA_MAX		(1024 * 1024)
/* Compaction is due when dead bytes exceed both this and the live ones. */
#define RECLOG_COMPACT_MIN	(256 * 1024)

struct reclog;

/* A record as replayed or read back; key and data point into a buffer
 * that is valid for the callback, or until the next read with it. */
struct reclog_rec {
	uint64_t off;		/* where it starts in the file */
	uint32_t size;		/* header, key and data */
	uint8_t	type;
	const uint8_t *key;
	size_t	keylen;
	const uint8_t *data;
	size_t	len;
};

/* A caller's buffer for reclog_read(), grown as needed; free(b.p). */
struct reclog_buf {
	uint8_t	*p;
	size_t	cap;
};

/* Called for each intact record, in file order.  Return 0 to go on, -1
 * to fail the open (write the reason into the open's err first, through
 * the callback's own arg). */
typedef int (*reclog_replay_cb)(void *arg, const struct reclog_rec *rec);

/* Where warnings go (a cut tail, a directory fsync that failed): a
 * daemon-wide hook, stderr by default. */
void	reclog_set_warn(void (*fn)(const char *msg));

/* Send a warning through that hook (for the stores on the log too). */
void	reclog_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * Open (creating it, mode 0600) the log dir/name whose header carries
 * tag, and replay it through cb.  *rlp is set before the replay, so
 * that the callback can reclog_read() earlier records; it is NULL after a
 * failure.  A leftover dir/name.tmp of an
 * interrupted compaction is removed.  Errors (with a reason in err): the
 * file cannot be opened or locked, is not a record log, has another tag
 * or version, or the callback failed.
 */
int	reclog_open(const char *dir, const char *name, const char tag[4],
	    reclog_replay_cb cb, void *arg, struct reclog **rlp, char *err,
	    size_t errlen);
void	reclog_close(struct reclog *rl);

/* Append one record; *offp and *sizep (either may be NULL) say where it
 * is.  EINVAL for a type 0 or a key or data over the caps.  A write that
 * fails is undone (the file is cut back); if even that fails, the log is
 * broken and every later call fails with EIO. */
int	reclog_append(struct reclog *rl, uint8_t type, const void *key,
	    size_t keylen, const void *data, size_t len, uint64_t *offp,
	    uint32_t *sizep);
/* Make every append so far durable (fdatasync).  A failure breaks the
 * log: the kernel may have dropped what it could not write. */
int	reclog_sync(struct reclog *rl);

/* Read the record at off into b.  with_data: key and data, checksum
 * verified; else the header and key only.  EBADMSG if the bytes there
 * are not a record. */
int	reclog_read(struct reclog *rl, uint64_t off, bool with_data,
	    struct reclog_rec *rec, struct reclog_buf *b);

/* A record of size bytes is dead (superseded, deleted, done). */
void	reclog_release(struct reclog *rl, uint32_t size);
bool	reclog_compact_due(const struct reclog *rl);
/*
 * Rewrite the n live records at offs[] (in that order) into a new file
 * that replaces the log; on success offs[] holds their new offsets.  On
 * failure the log and offs[] are as they were.
 */
int	reclog_compact(struct reclog *rl, uint64_t *offs, size_t n);
/*
 * reclog_compact() for a store whose index is an array of n entries of
 * size bytes at base, each holding a live record's file offset as a
 * uint64_t at byte offoff of the entry, or 0 if the entry is empty.  The
 * records are rewritten in index order and the entries get their new
 * offsets; on failure the index and the log are as they were.
 */
smsdtls_rc reclog_compact_index(struct reclog *rl, void *base, size_t n,
	    size_t size, size_t offoff);
/* The result for a reclog call that failed, from errno: SMSDTLS_ELIMIT
 * (the disk or the file is full), SMSDTLS_ENOMEM, SMSDTLS_EINVAL (a bad
 * record), else SMSDTLS_ECLOSED. */
smsdtls_rc reclog_rc_from_errno(void);

uint64_t reclog_size(const struct reclog *rl);	/* file bytes */
uint64_t reclog_live(const struct reclog *rl);	/* live record bytes */
const char *reclog_path(const struct reclog *rl);
const char *reclog_error(const struct reclog *rl);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()), continued from crc. */
uint32_t reclog_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* SMSDTLSD_RECLOG_H */
