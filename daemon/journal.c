/*
 * journal.c - the outgoing SMS journal on a record log (journal.h,
 * reclog.h).  Two record types, both without a key:
 *
 *   ADD   id (8), expiry in wall ms (8, signed), bearer name length (1),
 *         bearer name, TPDU (3GPP TS 23.040 SMS-SUBMIT, at most 176
 *         octets); little-endian
 *   DONE  id (8)
 *
 * In memory only an index: the pending entries' ids and file positions,
 * sorted by id (ids grow, so adds append and the oldest is at the head).
 * A DONE makes both records dead; compaction keeps the ADDs still pending.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smsdtls/sms.h>

#include "daemon/journal.h"
#include "daemon/reclog.h"

#define T_ADD		1
#define T_DONE		2
#define ADD_FIXED	17	/* id, expiry, name length */

struct jent {
	uint64_t id;
	uint64_t off;		/* 0: done */
	uint32_t size;
};

struct journal {
	struct reclog	*rl;
	struct jent	*ent;
	size_t		 head, n, cap;	/* live window ent[head..n) */
	size_t		 pending;
	size_t		 max;
	uint64_t	 next_id;
	bool		 iterating;
	struct reclog_buf buf;
	char		 err[256];
};

/* An ADD record's payload, decoded. */
struct jadd {
	uint64_t id;
	int64_t	 expires;
	char	 bearer[JOURNAL_BEARER_MAX + 1];
	const uint8_t *tpdu;
	size_t	 len;
};

static int	replay_cb(void *, const struct reclog_rec *);
static bool	add_decode(const uint8_t *, size_t, struct jadd *);
static int	ent_insert(struct journal *, uint64_t, uint64_t, uint32_t);
static struct jent *ent_find(struct journal *, uint64_t);
static void	ent_kill(struct journal *, struct jent *);
static void	squeeze(struct journal *);
static void	tidy(struct journal *);
static void	maybe_compact(struct journal *);
static void	put64(uint8_t *, uint64_t);
static uint64_t	get64(const uint8_t *);

smsdtls_rc
journal_open(const char *dir, size_t max, struct journal **jp, char *err,
    size_t errlen)
{
	struct journal *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SMSDTLS_ENOMEM;
	}
	j->max = max;
	j->next_id = 1;
	if (reclog_open(dir, JOURNAL_FILE, "JRNL", replay_cb, j, &j->rl, err,
	    errlen) == -1) {
		if (j->err[0] != '\0')
			snprintf(err, errlen, "%s", j->err);
		journal_close(j);
		return SMSDTLS_EINVAL;
	}
	squeeze(j);
	maybe_compact(j);
	*jp = j;
	return SMSDTLS_OK;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	reclog_close(j->rl);
	free(j->ent);
	free(j->buf.p);
	free(j);
}

smsdtls_rc
journal_add(struct journal *j, const char *bearer, const uint8_t *tpdu,
    size_t len, int64_t expires_wall_ms, uint64_t *idp)
{
	uint8_t rec[ADD_FIXED + JOURNAL_BEARER_MAX + SMSDTLS_PDU_MAX];
	size_t blen = bearer != NULL ? strlen(bearer) : 0;
	uint64_t off;
	uint32_t size;

	if (blen == 0 || blen > JOURNAL_BEARER_MAX || tpdu == NULL ||
	    len == 0 || len > SMSDTLS_PDU_MAX)
		return SMSDTLS_EINVAL;
	if (j->pending >= j->max)
		return SMSDTLS_ELIMIT;
	put64(rec, j->next_id);
	put64(rec + 8, (uint64_t)expires_wall_ms);
	rec[16] = (uint8_t)blen;
	memcpy(rec + ADD_FIXED, bearer, blen);
	memcpy(rec + ADD_FIXED + blen, tpdu, len);
	if (ent_insert(j, j->next_id, 0, 0) == -1)
		return SMSDTLS_ENOMEM;
	if (reclog_append(j->rl, T_ADD, NULL, 0, rec, ADD_FIXED + blen + len,
	    &off, &size) == -1) {
		j->n--;		/* the slot ent_insert() appended */
		return reclog_rc_from_errno();
	}
	j->ent[j->n - 1].off = off;
	j->ent[j->n - 1].size = size;
	j->pending++;
	if (idp != NULL)
		*idp = j->next_id;
	j->next_id++;
	return SMSDTLS_OK;
}

smsdtls_rc
journal_sync(struct journal *j)
{
	if (reclog_sync(j->rl) == -1)
		return reclog_rc_from_errno();
	maybe_compact(j);
	return SMSDTLS_OK;
}

smsdtls_rc
journal_done(struct journal *j, uint64_t id)
{
	struct jent *e = ent_find(j, id);
	uint8_t rec[8];
	uint32_t size;
	int rc;

	if (e == NULL)
		return SMSDTLS_EINVAL;
	put64(rec, id);
	rc = reclog_append(j->rl, T_DONE, NULL, 0, rec, sizeof(rec), NULL,
	    &size);
	ent_kill(j, e);
	if (rc == -1)
		return reclog_rc_from_errno();
	reclog_release(j->rl, size);
	if (!j->iterating) {
		tidy(j);
		maybe_compact(j);
	}
	return SMSDTLS_OK;
}

smsdtls_rc
journal_foreach(struct journal *j, journal_cb fn, void *arg)
{
	struct reclog_rec rec;
	struct jadd a;
	size_t i, end = j->n;
	bool ok;

	j->iterating = true;
	for (i = j->head; i < end; i++) {
		if (j->ent[i].off == 0)
			continue;
		ok = reclog_read(j->rl, j->ent[i].off, true, &rec, &j->buf) ==
		    0 && rec.type == T_ADD && add_decode(rec.data, rec.len,
		    &a) && a.id == j->ent[i].id;
		if (!ok) {
			reclog_warn("%s: entry %llu unreadable (%s): "
			    "dropped", reclog_path(j->rl),
			    (unsigned long long)j->ent[i].id,
			    reclog_error(j->rl));
			ent_kill(j, &j->ent[i]);
			continue;
		}
		fn(arg, a.id, a.bearer, a.tpdu, a.len, a.expires);
	}
	j->iterating = false;
	tidy(j);
	maybe_compact(j);
	return SMSDTLS_OK;
}

size_t
journal_pending(const struct journal *j)
{
	return j->pending;
}

void
journal_set_max(struct journal *j, size_t max)
{
	j->max = max;
}

smsdtls_rc
journal_compact(struct journal *j)
{
	if (j->iterating)
		return SMSDTLS_EINVAL;
	squeeze(j);
	return reclog_compact_index(j->rl, j->ent, j->n, sizeof(*j->ent),
	    offsetof(struct jent, off));
}

uint64_t
journal_file_size(const struct journal *j)
{
	return reclog_size(j->rl);
}

const char *
journal_error(const struct journal *j)
{
	return reclog_error(j->rl);
}

/* ------------------------------------------------------------- replay */

static int
replay_cb(void *arg, const struct reclog_rec *rec)
{
	struct journal *j = arg;
	struct jent *e;
	struct jadd a;
	uint64_t id;

	if (rec->type == T_ADD && add_decode(rec->data, rec->len, &a)) {
		if ((e = ent_find(j, a.id)) != NULL)
			ent_kill(j, e);		/* a repeat: the later wins */
		if (ent_insert(j, a.id, rec->off, rec->size) == -1) {
			snprintf(j->err, sizeof(j->err), "out of memory");
			return -1;
		}
		j->pending++;
		if (a.id >= j->next_id)
			j->next_id = a.id + 1;
		return 0;
	}
	if (rec->type == T_DONE && rec->len == 8) {
		id = get64(rec->data);
		if ((e = ent_find(j, id)) != NULL)
			ent_kill(j, e);
		if (id >= j->next_id)
			j->next_id = id + 1;
	} else
		reclog_warn("%s: record at %llu: unknown or malformed, "
		    "ignored", reclog_path(j->rl),
		    (unsigned long long)rec->off);
	reclog_release(j->rl, rec->size);
	return 0;
}

/* Decode an ADD payload; false if malformed. */
static bool
add_decode(const uint8_t *p, size_t len, struct jadd *a)
{
	size_t blen, i;

	if (len < ADD_FIXED)
		return false;
	blen = p[16];
	if (blen == 0 || blen > JOURNAL_BEARER_MAX || len <= ADD_FIXED +
	    blen || len - ADD_FIXED - blen > SMSDTLS_PDU_MAX)
		return false;
	for (i = 0; i < blen; i++)
		if (p[ADD_FIXED + i] <= 0x20 || p[ADD_FIXED + i] >= 0x7f)
			return false;
	a->id = get64(p);
	a->expires = (int64_t)get64(p + 8);
	memcpy(a->bearer, p + ADD_FIXED, blen);
	a->bearer[blen] = '\0';
	a->tpdu = p + ADD_FIXED + blen;
	a->len = len - ADD_FIXED - blen;
	return a->id != 0;
}

/* ---------------------------------------------------------------- index */

/* Insert id in order (at the end unless a replay brings it late). */
static int
ent_insert(struct journal *j, uint64_t id, uint64_t off, uint32_t size)
{
	struct jent *ne;
	size_t ncap, pos;

	if (j->n == j->cap && !j->iterating && j->pending < j->cap / 2)
		squeeze(j);
	if (j->n == j->cap) {
		ncap = j->cap == 0 ? 64 : j->cap * 2;
		if ((ne = reallocarray(j->ent, ncap, sizeof(*ne))) == NULL)
			return -1;
		j->ent = ne;
		j->cap = ncap;
	}
	pos = j->n;
	while (pos > j->head && j->ent[pos - 1].id > id)
		pos--;
	memmove(&j->ent[pos + 1], &j->ent[pos], (j->n - pos) *
	    sizeof(*j->ent));
	j->ent[pos].id = id;
	j->ent[pos].off = off;
	j->ent[pos].size = size;
	j->n++;
	return 0;
}

/* The pending entry id, or NULL. */
static struct jent *
ent_find(struct journal *j, uint64_t id)
{
	size_t lo = j->head, hi = j->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (j->ent[mid].id == id)
			return j->ent[mid].off != 0 ? &j->ent[mid] : NULL;
		if (j->ent[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
ent_kill(struct journal *j, struct jent *e)
{
	reclog_release(j->rl, e->size);
	e->off = 0;
	j->pending--;
}

/* Step the head over done entries; squeeze when holes dominate, so that
 * a done in the middle costs O(1) and the index stays O(pending). */
static void
tidy(struct journal *j)
{
	while (j->head < j->n && j->ent[j->head].off == 0)
		j->head++;
	if (j->n - j->head > 2 * j->pending + 64)
		squeeze(j);
}

/* Drop done entries from the index. */
static void
squeeze(struct journal *j)
{
	size_t i, k = 0;

	for (i = j->head; i < j->n; i++)
		if (j->ent[i].off != 0)
			j->ent[k++] = j->ent[i];
	j->head = 0;
	j->n = k;
}

static void
maybe_compact(struct journal *j)
{
	if (!j->iterating && reclog_compact_due(j->rl) &&
	    journal_compact(j) != SMSDTLS_OK)
		reclog_warn("%s", reclog_error(j->rl));
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}
