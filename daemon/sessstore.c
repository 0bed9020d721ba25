/*
 * sessstore.c - saved DTLS sessions on a record log (sessstore.h,
 * reclog.h).  Record types: PUT (key = the peer, data = the exported
 * session) and DEL (key only).  The latest PUT of a key not deleted since
 * is its blob; every other record is dead and compaction drops it.
 *
 * The index is an open-addressing table with linear probing and
 * backward-shift deletion (no tombstones), 16 bytes a slot: a seeded
 * 64-bit hash of the key and the file offset of the key's latest PUT
 * (0: empty slot; no record starts at 0).  Keys are not kept in memory: a
 * slot whose hash matches is confirmed by reading the key back from the
 * file, so two keys with the same hash are still told apart.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/reclog.h"
#include "daemon/sessstore.h"

#define T_PUT		1
#define T_DEL		2
#define CAP_MIN		64

struct slot {
	uint64_t hash;
	uint64_t off;
};

struct sessstore {
	struct reclog	*rl;
	struct slot	*tab;
	size_t		 cap;		/* a power of two */
	size_t		 count;
	uint64_t	 seed;
	bool		 iterating;
	struct reclog_buf buf;
	char		 err[256];
};

static int	replay_cb(void *, const struct reclog_rec *);
static bool	key_ok(const uint8_t *, size_t);
static uint64_t	key_hash(const struct sessstore *, const void *, size_t);
static int	lookup(struct sessstore *, const void *, size_t, uint64_t,
		    size_t *, uint32_t *);
static int	reserve(struct sessstore *);
static void	slot_delete(struct sessstore *, size_t);
static void	forget_off(struct sessstore *, uint64_t);
static void	maybe_compact(struct sessstore *);
static int	off_cmp(const void *, const void *);

smsdtls_rc
sessstore_open(const char *dir, struct sessstore **sp, char *err,
    size_t errlen)
{
	struct sessstore *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->tab = calloc(CAP_MIN, sizeof(*s->tab))) == NULL) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return SMSDTLS_ENOMEM;
	}
	s->cap = CAP_MIN;
	if (getentropy(&s->seed, sizeof(s->seed)) == -1)
		s->seed = (uint64_t)(uintptr_t)s ^ (uint64_t)getpid();
	if (reclog_open(dir, SESSSTORE_FILE, "SESS", replay_cb, s, &s->rl,
	    err, errlen) == -1) {
		if (s->err[0] != '\0')
			snprintf(err, errlen, "%s", s->err);
		sessstore_close(s);
		return SMSDTLS_EINVAL;
	}
	maybe_compact(s);
	*sp = s;
	return SMSDTLS_OK;
}

void
sessstore_close(struct sessstore *s)
{
	if (s == NULL)
		return;
	reclog_close(s->rl);
	free(s->tab);
	if (s->buf.p != NULL)
		explicit_bzero(s->buf.p, s->buf.cap);
	free(s->buf.p);
	free(s);
}

smsdtls_rc
sessstore_put(struct sessstore *s, const char *key, const uint8_t *blob,
    size_t len)
{
	size_t keylen = key != NULL ? strlen(key) : 0, i;
	uint64_t h, off;
	uint32_t old = 0;
	int found;

	if (keylen == 0 || keylen > SESSSTORE_KEY_MAX || blob == NULL ||
	    len == 0)
		return SMSDTLS_EINVAL;
	if (len > SESSSTORE_BLOB_MAX)
		return SMSDTLS_ETOOBIG;
	if (reserve(s) == -1)
		return SMSDTLS_ENOMEM;
	h = key_hash(s, key, keylen);
	if ((found = lookup(s, key, keylen, h, &i, &old)) == -1)
		return reclog_rc_from_errno();
	if (reclog_append(s->rl, T_PUT, key, keylen, blob, len, &off, NULL) ==
	    -1)
		return reclog_rc_from_errno();
	if (found)
		reclog_release(s->rl, old);
	else {
		s->tab[i].hash = h;
		s->count++;
	}
	s->tab[i].off = off;
	maybe_compact(s);
	return SMSDTLS_OK;
}

smsdtls_rc
sessstore_del(struct sessstore *s, const char *key)
{
	size_t keylen = key != NULL ? strlen(key) : 0, i;
	uint32_t old = 0, size;
	int found;

	if (keylen == 0 || keylen > SESSSTORE_KEY_MAX)
		return SMSDTLS_EINVAL;
	found = lookup(s, key, keylen, key_hash(s, key, keylen), &i, &old);
	if (found <= 0)
		return found == 0 ? SMSDTLS_OK : reclog_rc_from_errno();
	if (reclog_append(s->rl, T_DEL, key, keylen, NULL, 0, NULL, &size) ==
	    -1)
		return reclog_rc_from_errno();
	reclog_release(s->rl, old);
	reclog_release(s->rl, size);
	slot_delete(s, i);
	s->count--;
	maybe_compact(s);
	return SMSDTLS_OK;
}

smsdtls_rc
sessstore_get(struct sessstore *s, const char *key, uint8_t *buf,
    size_t buflen, size_t *lenp)
{
	size_t keylen = key != NULL ? strlen(key) : 0, i;
	struct reclog_rec rec;
	uint32_t size;
	int found;

	if (keylen == 0 || keylen > SESSSTORE_KEY_MAX || lenp == NULL)
		return SMSDTLS_EINVAL;
	found = lookup(s, key, keylen, key_hash(s, key, keylen), &i, &size);
	if (found <= 0) {
		*lenp = 0;
		return found == 0 ? SMSDTLS_OK : reclog_rc_from_errno();
	}
	if (reclog_read(s->rl, s->tab[i].off, true, &rec, &s->buf) == -1)
		return reclog_rc_from_errno();
	*lenp = rec.len;
	if (rec.len > buflen || buf == NULL) {
		explicit_bzero(s->buf.p, rec.size);
		return SMSDTLS_ETOOBIG;
	}
	memcpy(buf, rec.data, rec.len);
	explicit_bzero(s->buf.p, rec.size);
	return SMSDTLS_OK;
}

smsdtls_rc
sessstore_sync(struct sessstore *s)
{
	if (reclog_sync(s->rl) == -1)
		return reclog_rc_from_errno();
	return SMSDTLS_OK;
}

smsdtls_rc
sessstore_foreach(struct sessstore *s, sessstore_cb fn, void *arg)
{
	char key[SESSSTORE_KEY_MAX + 1];
	struct reclog_rec rec;
	uint64_t *offs;
	size_t i, n = 0;

	if ((offs = calloc(s->count + 1, sizeof(*offs))) == NULL)
		return SMSDTLS_ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->tab[i].off != 0)
			offs[n++] = s->tab[i].off;
	qsort(offs, n, sizeof(*offs), off_cmp);
	s->iterating = true;
	for (i = 0; i < n; i++) {
		if (reclog_read(s->rl, offs[i], true, &rec, &s->buf) == -1 ||
		    rec.type != T_PUT) {
			reclog_warn("%s: session at %llu unreadable: "
			    "forgotten", reclog_path(s->rl),
			    (unsigned long long)offs[i]);
			forget_off(s, offs[i]);
			continue;
		}
		memcpy(key, rec.key, rec.keylen);
		key[rec.keylen] = '\0';
		fn(arg, key, rec.data, rec.len);
		explicit_bzero(s->buf.p, s->buf.cap);
	}
	s->iterating = false;
	free(offs);
	maybe_compact(s);
	return SMSDTLS_OK;
}

size_t
sessstore_count(const struct sessstore *s)
{
	return s->count;
}

smsdtls_rc
sessstore_compact(struct sessstore *s)
{
	if (s->iterating)
		return SMSDTLS_EINVAL;
	return reclog_compact_index(s->rl, s->tab, s->cap, sizeof(*s->tab),
	    offsetof(struct slot, off));
}

size_t
sessstore_index_bytes(const struct sessstore *s)
{
	return sizeof(*s) + s->cap * sizeof(*s->tab);
}

uint64_t
sessstore_file_size(const struct sessstore *s)
{
	return reclog_size(s->rl);
}

const char *
sessstore_error(const struct sessstore *s)
{
	return reclog_error(s->rl);
}

/* ------------------------------------------------------------- replay */

static int
replay_cb(void *arg, const struct reclog_rec *rec)
{
	struct sessstore *s = arg;
	uint32_t old = 0;
	uint64_t h;
	size_t i;
	int found;

	if (!key_ok(rec->key, rec->keylen) || (rec->type == T_PUT &&
	    (rec->len == 0 || rec->len > SESSSTORE_BLOB_MAX)) ||
	    (rec->type == T_DEL && rec->len != 0) ||
	    (rec->type != T_PUT && rec->type != T_DEL)) {
		reclog_warn("%s: record at %llu: unknown or malformed, "
		    "ignored", reclog_path(s->rl),
		    (unsigned long long)rec->off);
		reclog_release(s->rl, rec->size);
		return 0;
	}
	if (reserve(s) == -1) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return -1;
	}
	h = key_hash(s, rec->key, rec->keylen);
	if ((found = lookup(s, rec->key, rec->keylen, h, &i, &old)) == -1) {
		snprintf(s->err, sizeof(s->err), "%s", reclog_error(s->rl));
		return -1;
	}
	if (found)
		reclog_release(s->rl, old);
	if (rec->type == T_DEL) {
		reclog_release(s->rl, rec->size);
		if (found) {
			slot_delete(s, i);
			s->count--;
		}
		return 0;
	}
	if (!found) {
		s->tab[i].hash = h;
		s->count++;
	}
	s->tab[i].off = rec->off;
	return 0;
}

/* Keys are C strings: no NUL inside. */
static bool
key_ok(const uint8_t *key, size_t len)
{
	return len > 0 && len <= SESSSTORE_KEY_MAX &&
	    memchr(key, '\0', len) == NULL;
}

/* ---------------------------------------------------------------- index */

/* FNV-1a from a per-process seed, then a 64-bit finaliser (MurmurHash3's
 * fmix64) so that the low bits, which pick the slot, mix every byte. */
static uint64_t
key_hash(const struct sessstore *s, const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ s->seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* 1 and *slotp = key's slot (*sizep its record size), 0 and *slotp =
 * the free slot where it would go, -1 if a record did not read back. */
static int
lookup(struct sessstore *s, const void *key, size_t keylen, uint64_t h,
    size_t *slotp, uint32_t *sizep)
{
	struct reclog_rec rec;
	size_t mask = s->cap - 1, i;

	for (i = h & mask;; i = (i + 1) & mask) {
		if (s->tab[i].off == 0) {
			*slotp = i;
			return 0;
		}
		if (s->tab[i].hash != h)
			continue;
		if (reclog_read(s->rl, s->tab[i].off, false, &rec, &s->buf) ==
		    -1)
			return -1;
		if (rec.keylen == keylen && memcmp(rec.key, key, keylen) ==
		    0) {
			*slotp = i;
			*sizep = rec.size;
			return 1;
		}
	}
}

/* Room for one more key at a load of at most 3/4. */
static int
reserve(struct sessstore *s)
{
	struct slot *nt;
	size_t ncap, i, k;

	if ((s->count + 1) * 4 <= s->cap * 3)
		return 0;
	ncap = s->cap * 2;
	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (s->tab[i].off == 0)
			continue;
		for (k = s->tab[i].hash & (ncap - 1); nt[k].off != 0;
		    k = (k + 1) & (ncap - 1))
			;
		nt[k] = s->tab[i];
	}
	free(s->tab);
	s->tab = nt;
	s->cap = ncap;
	return 0;
}

/* Empty slot i, shifting back the entries of its probe run that may not
 * stay behind a hole. */
static void
slot_delete(struct sessstore *s, size_t i)
{
	size_t mask = s->cap - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (s->tab[j].off == 0)
			break;
		k = s->tab[j].hash & mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->tab[i] = s->tab[j];
		i = j;
	}
	s->tab[i].hash = 0;
	s->tab[i].off = 0;
}

/* Drop the key whose blob is at off (its record did not read back). */
static void
forget_off(struct sessstore *s, uint64_t off)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->tab[i].off == off) {
			slot_delete(s, i);
			s->count--;
			return;
		}
}

static void
maybe_compact(struct sessstore *s)
{
	if (!s->iterating && reclog_compact_due(s->rl) &&
	    sessstore_compact(s) != SMSDTLS_OK)
		reclog_warn("%s", reclog_error(s->rl));
}

static int
off_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}
