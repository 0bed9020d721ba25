/*
 * reclog.c - the append-only record log under smsdtlsd's journal and
 * session store (reclog.h has the file format and the contract), and
 * what the two stores share on top of it: the compaction of an index
 * kept as an array, and the result code for a failed call.
 *
 * Everything read from the file is checked before it is used: lengths
 * against the caps and the file size, the reserved byte, the type, the
 * CRC-32.  The first record that fails ends the replay and the file is cut
 * there, which is what a machine crash in the middle of an append leaves
 * behind; anything after a bad record can no longer be trusted either.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/reclog.h"

#define MAGIC		"SMSDRLOG"
#define FORMAT_VERSION		1
#define READ_CHUNK	(256 * 1024)
#define REC_MAX		(RECLOG_HDR + RECLOG_KEY_MAX + RECLOG_DATA_MAX)

struct reclog {
	int	 fd;
	char	*dir;
	char	*path;
	char	*tmp;
	char	 tag[4];
	uint64_t end;		/* file size: the next record goes here */
	uint64_t live;		/* bytes of live records */
	bool	 broken;
	uint8_t	*wbuf;
	size_t	 wcap;
	char	 err[512];
};

/* A record header as decoded. */
struct rhdr {
	uint32_t crc;
	uint32_t len;
	uint16_t keylen;
	uint8_t	 type;
	uint8_t	 zero;
};

/* Read-ahead over the file during the replay. */
struct reader {
	int	 fd;
	uint64_t fsize;
	uint8_t	*buf;
	size_t	 cap;
	uint64_t base;
	size_t	 len;
};

static void	warn_stderr(const char *);
static void	(*warn_fn)(const char *) = warn_stderr;

static int	set_paths(struct reclog *, const char *, const char *);
static int	open_file(struct reclog *, char *, size_t);
static int	check_header(struct reclog *, uint64_t, char *, size_t);
static int	write_header(struct reclog *, int);
static int	replay(struct reclog *, uint64_t, reclog_replay_cb, void *,
		    char *, size_t);
static int	cut_tail(struct reclog *, uint64_t, uint64_t, const char *);
static const uint8_t *rd_get(struct reader *, uint64_t, size_t);
static const char *hdr_check(const struct rhdr *, uint64_t, uint64_t);
static void	hdr_decode(const uint8_t *, struct rhdr *);
static void	hdr_encode(uint8_t *, const struct rhdr *);
static int	grow(uint8_t **, size_t *, size_t);
static int	pread_full(int, void *, size_t, uint64_t);
static int	pwrite_full(int, const void *, size_t, uint64_t);
static int	sync_dir(const char *);
static int	compact_write(struct reclog *, int, const uint64_t *, size_t,
		    uint64_t *, uint64_t *);
static uint64_t	*index_off(void *, size_t, size_t, size_t);
static int	fail(struct reclog *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	put32(uint8_t *, uint32_t);
static uint32_t	get32(const uint8_t *);

void
reclog_set_warn(void (*fn)(const char *msg))
{
	warn_fn = fn != NULL ? fn : warn_stderr;
}

void
reclog_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_fn(msg);
}

int
reclog_open(const char *dir, const char *name, const char tag[4],
    reclog_replay_cb cb, void *arg, struct reclog **rlp, char *err,
    size_t errlen)
{
	struct reclog *rl;
	struct stat st;

	if ((rl = calloc(1, sizeof(*rl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rl->fd = -1;
	memcpy(rl->tag, tag, sizeof(rl->tag));
	if (set_paths(rl, dir, name) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (unlink(rl->tmp) == -1 && errno != ENOENT)
		reclog_warn("%s: cannot remove: %s", rl->tmp, strerror(errno));
	if (open_file(rl, err, errlen) == -1)
		goto fail;
	if (fstat(rl->fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", rl->path, strerror(errno));
		goto fail;
	}
	if (check_header(rl, (uint64_t)st.st_size, err, errlen) == -1)
		goto fail;
	*rlp = rl;	/* the callback may read records back */
	if (st.st_size > RECLOG_FILE_HDR && replay(rl, (uint64_t)st.st_size,
	    cb, arg, err, errlen) == -1)
		goto fail;
	return 0;
fail:
	*rlp = NULL;
	reclog_close(rl);
	return -1;
}

void
reclog_close(struct reclog *rl)
{
	if (rl == NULL)
		return;
	if (rl->fd != -1)
		close(rl->fd);
	free(rl->dir);
	free(rl->path);
	free(rl->tmp);
	free(rl->wbuf);
	free(rl);
}

int
reclog_append(struct reclog *rl, uint8_t type, const void *key,
    size_t keylen, const void *data, size_t len, uint64_t *offp,
    uint32_t *sizep)
{
	struct rhdr h;
	size_t size = RECLOG_HDR + keylen + len;
	int saved;

	if (rl->broken) {
		errno = EIO;
		return fail(rl, "%s: unusable after an earlier failure",
		    rl->path);
	}
	if (type == 0 || keylen > RECLOG_KEY_MAX || len > RECLOG_DATA_MAX) {
		errno = EINVAL;
		return fail(rl, "%s: bad record", rl->path);
	}
	if (grow(&rl->wbuf, &rl->wcap, size) == -1)
		return fail(rl, "%s: out of memory", rl->path);
	if (keylen > 0)
		memcpy(rl->wbuf + RECLOG_HDR, key, keylen);
	if (len > 0)
		memcpy(rl->wbuf + RECLOG_HDR + keylen, data, len);
	h.len = (uint32_t)len;
	h.keylen = (uint16_t)keylen;
	h.type = type;
	h.zero = 0;
	h.crc = 0;
	hdr_encode(rl->wbuf, &h);
	put32(rl->wbuf, reclog_crc32(0, rl->wbuf + 4, size - 4));
	if (pwrite_full(rl->fd, rl->wbuf, size, rl->end) == -1) {
		saved = errno;
		if (ftruncate(rl->fd, (off_t)rl->end) == -1)
			rl->broken = true;
		explicit_bzero(rl->wbuf, size);
		errno = saved;
		return fail(rl, "write %s: %s", rl->path, strerror(saved));
	}
	explicit_bzero(rl->wbuf, size);
	if (offp != NULL)
		*offp = rl->end;
	if (sizep != NULL)
		*sizep = (uint32_t)size;
	rl->end += size;
	rl->live += size;
	return 0;
}

int
reclog_sync(struct reclog *rl)
{
	if (rl->broken) {
		errno = EIO;
		return fail(rl, "%s: unusable after an earlier failure",
		    rl->path);
	}
	if (fdatasync(rl->fd) == -1) {
		rl->broken = true;
		return fail(rl, "fsync %s: %s", rl->path, strerror(errno));
	}
	return 0;
}

int
reclog_read(struct reclog *rl, uint64_t off, bool with_data,
    struct reclog_rec *rec, struct reclog_buf *b)
{
	uint8_t raw[RECLOG_HDR];
	const char *why;
	struct rhdr h;
	size_t body;

	if (off < RECLOG_FILE_HDR || off >= rl->end ||
	    rl->end - off < RECLOG_HDR) {
		errno = EBADMSG;
		return fail(rl, "%s: no record at %" PRIu64, rl->path, off);
	}
	if (pread_full(rl->fd, raw, sizeof(raw), off) == -1)
		return fail(rl, "read %s: %s", rl->path, strerror(errno));
	hdr_decode(raw, &h);
	if ((why = hdr_check(&h, off, rl->end)) != NULL) {
		errno = EBADMSG;
		return fail(rl, "%s: record at %" PRIu64 ": %s", rl->path,
		    off, why);
	}
	body = h.keylen + (with_data ? h.len : 0);
	if (grow(&b->p, &b->cap, RECLOG_HDR + body) == -1)
		return fail(rl, "%s: out of memory", rl->path);
	memcpy(b->p, raw, RECLOG_HDR);
	if (body > 0 && pread_full(rl->fd, b->p + RECLOG_HDR, body,
	    off + RECLOG_HDR) == -1)
		return fail(rl, "read %s: %s", rl->path, strerror(errno));
	if (with_data && reclog_crc32(0, b->p + 4, RECLOG_HDR - 4 + body) !=
	    h.crc) {
		errno = EBADMSG;
		return fail(rl, "%s: record at %" PRIu64 ": bad checksum",
		    rl->path, off);
	}
	rec->off = off;
	rec->size = RECLOG_HDR + h.keylen + h.len;
	rec->type = h.type;
	rec->key = b->p + RECLOG_HDR;
	rec->keylen = h.keylen;
	rec->data = with_data ? b->p + RECLOG_HDR + h.keylen : NULL;
	rec->len = with_data ? h.len : 0;
	return 0;
}

void
reclog_release(struct reclog *rl, uint32_t size)
{
	rl->live = size > rl->live ? 0 : rl->live - size;
}

bool
reclog_compact_due(const struct reclog *rl)
{
	uint64_t dead = rl->end - RECLOG_FILE_HDR - rl->live;

	return dead >= RECLOG_COMPACT_MIN && dead > rl->live;
}

int
reclog_compact(struct reclog *rl, uint64_t *offs, size_t n)
{
	uint64_t *noffs = NULL, end = 0;
	int fd, saved;

	if (rl->broken) {
		errno = EIO;
		return fail(rl, "%s: unusable after an earlier failure",
		    rl->path);
	}
	if (n > 0 && (noffs = calloc(n, sizeof(*noffs))) == NULL)
		return fail(rl, "%s: out of memory", rl->path);
	fd = open(rl->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		saved = errno;
		free(noffs);
		errno = saved;
		return fail(rl, "open %s: %s", rl->tmp, strerror(saved));
	}
	if (compact_write(rl, fd, offs, n, noffs, &end) == -1 ||
	    rename(rl->tmp, rl->path) == -1) {
		saved = errno;
		if (rl->err[0] == '\0')
			fail(rl, "compact %s: %s", rl->path, strerror(saved));
		close(fd);
		unlink(rl->tmp);
		free(noffs);
		errno = saved;
		return -1;
	}
	if (sync_dir(rl->dir) == -1)
		reclog_warn("%s: fsync after compaction: %s", rl->dir,
		    strerror(errno));
	close(rl->fd);
	rl->fd = fd;
	rl->end = end;
	rl->live = end - RECLOG_FILE_HDR;
	if (n > 0)
		memcpy(offs, noffs, n * sizeof(*offs));
	free(noffs);
	return 0;
}

smsdtls_rc
reclog_compact_index(struct reclog *rl, void *base, size_t n, size_t size,
    size_t offoff)
{
	uint64_t *offs, *off;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += *index_off(base, i, size, offoff) != 0;
	if ((offs = calloc(k + 1, sizeof(*offs))) == NULL) {
		fail(rl, "%s: out of memory", rl->path);
		return SMSDTLS_ENOMEM;
	}
	for (i = 0, k = 0; i < n; i++)
		if (*(off = index_off(base, i, size, offoff)) != 0)
			offs[k++] = *off;
	if (reclog_compact(rl, offs, k) == -1) {
		free(offs);
		return reclog_rc_from_errno();
	}
	for (i = 0, k = 0; i < n; i++)
		if (*(off = index_off(base, i, size, offoff)) != 0)
			*off = offs[k++];
	free(offs);
	return SMSDTLS_OK;
}

smsdtls_rc
reclog_rc_from_errno(void)
{
	switch (errno) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return SMSDTLS_ELIMIT;
	case ENOMEM:
		return SMSDTLS_ENOMEM;
	case EINVAL:
		return SMSDTLS_EINVAL;
	default:
		return SMSDTLS_ECLOSED;
	}
}

uint64_t
reclog_size(const struct reclog *rl)
{
	return rl->end;
}

uint64_t
reclog_live(const struct reclog *rl)
{
	return rl->live;
}

const char *
reclog_path(const struct reclog *rl)
{
	return rl->path;
}

const char *
reclog_error(const struct reclog *rl)
{
	return rl->err;
}

uint32_t
reclog_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const uint8_t *p = buf;
	uint32_t c;
	size_t i;
	int k;

	if (table[1] == 0) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ------------------------------------------------------------ opening */

static int
set_paths(struct reclog *rl, const char *dir, const char *name)
{
	size_t len = strlen(dir) + 1 + strlen(name) + sizeof(".tmp");

	if ((rl->dir = strdup(dir)) == NULL ||
	    (rl->path = malloc(len)) == NULL || (rl->tmp = malloc(len)) ==
	    NULL)
		return -1;
	snprintf(rl->path, len, "%s/%s", dir, name);
	snprintf(rl->tmp, len, "%s/%s.tmp", dir, name);
	return 0;
}

static int
open_file(struct reclog *rl, char *err, size_t errlen)
{
	struct stat st;

	rl->fd = open(rl->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (rl->fd == -1) {
		snprintf(err, errlen, "open %s: %s", rl->path, strerror(errno));
		return -1;
	}
	if (flock(rl->fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "%s: %s", rl->path,
		    errno == EWOULDBLOCK ? "in use by another process" :
		    strerror(errno));
		return -1;
	}
	if (fstat(rl->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", rl->path);
		return -1;
	}
	return 0;
}

/* Check the file header, or write it into a new (or torn new) file. */
static int
check_header(struct reclog *rl, uint64_t size, char *err, size_t errlen)
{
	uint8_t want[RECLOG_FILE_HDR], have[RECLOG_FILE_HDR];
	size_t n = size < sizeof(have) ? (size_t)size : sizeof(have);

	memcpy(want, MAGIC, 8);
	put32(want + 8, FORMAT_VERSION);
	memcpy(want + 12, rl->tag, 4);
	if (n > 0 && pread_full(rl->fd, have, n, 0) == -1) {
		snprintf(err, errlen, "read %s: %s", rl->path,
		    strerror(errno));
		return -1;
	}
	if (n < sizeof(have) && memcmp(have, want, n) == 0) {
		if (write_header(rl, rl->fd) == -1 || fdatasync(rl->fd) ==
		    -1 || sync_dir(rl->dir) == -1) {
			snprintf(err, errlen, "create %s: %s", rl->path,
			    strerror(errno));
			return -1;
		}
		rl->end = RECLOG_FILE_HDR;
		return 0;
	}
	if (n < sizeof(have) || memcmp(have, MAGIC, 8) != 0)
		snprintf(err, errlen, "%s: not a smsdtlsd record log",
		    rl->path);
	else if (get32(have + 8) != FORMAT_VERSION)
		snprintf(err, errlen, "%s: format version %" PRIu32 ", not %d",
		    rl->path, get32(have + 8), FORMAT_VERSION);
	else if (memcmp(have + 12, rl->tag, 4) != 0)
		snprintf(err, errlen, "%s: holds another store's records",
		    rl->path);
	else {
		rl->end = RECLOG_FILE_HDR;
		return 0;
	}
	return -1;
}

static int
write_header(struct reclog *rl, int fd)
{
	uint8_t h[RECLOG_FILE_HDR];

	memcpy(h, MAGIC, 8);
	put32(h + 8, FORMAT_VERSION);
	memcpy(h + 12, rl->tag, 4);
	if (ftruncate(fd, 0) == -1)
		return -1;
	return pwrite_full(fd, h, sizeof(h), 0);
}

/* Replay the records of a file of size bytes; cut a bad tail. */
static int
replay(struct reclog *rl, uint64_t size, reclog_replay_cb cb, void *arg,
    char *err, size_t errlen)
{
	struct reader rd = { rl->fd, size, NULL, 0, 0, 0 };
	struct reclog_rec rec;
	const uint8_t *p;
	const char *why = NULL;
	struct rhdr h;
	uint64_t off = RECLOG_FILE_HDR;
	int rc = 0;

	while (off < size && why == NULL) {
		if (size - off < RECLOG_HDR) {
			why = "record header cut short";
			break;
		}
		if ((p = rd_get(&rd, off, RECLOG_HDR)) == NULL) {
			why = "unreadable";
			break;
		}
		hdr_decode(p, &h);
		if ((why = hdr_check(&h, off, size)) != NULL)
			break;
		rec.size = RECLOG_HDR + h.keylen + h.len;
		if ((p = rd_get(&rd, off, rec.size)) == NULL) {
			why = "unreadable";
			break;
		}
		if (reclog_crc32(0, p + 4, rec.size - 4) != h.crc) {
			why = "bad checksum";
			break;
		}
		rec.off = off;
		rec.type = h.type;
		rec.key = p + RECLOG_HDR;
		rec.keylen = h.keylen;
		rec.data = p + RECLOG_HDR + h.keylen;
		rec.len = h.len;
		rl->end = off + rec.size;
		rl->live += rec.size;
		if (cb(arg, &rec) == -1) {
			rc = -1;
			break;
		}
		off += rec.size;
	}
	if (rd.buf != NULL)
		explicit_bzero(rd.buf, rd.cap);
	free(rd.buf);
	if (rc == 0 && why != NULL && cut_tail(rl, off, size, why) == -1) {
		snprintf(err, errlen, "%s", rl->err);
		rc = -1;
	}
	return rc;
}

static int
cut_tail(struct reclog *rl, uint64_t off, uint64_t size, const char *why)
{
	reclog_warn("%s: %s at offset %" PRIu64 ": dropping the last %" PRIu64
	    " bytes (an interrupted write or a damaged file)", rl->path, why,
	    off, size - off);
	if (ftruncate(rl->fd, (off_t)off) == -1 || fdatasync(rl->fd) == -1)
		return fail(rl, "truncate %s: %s", rl->path, strerror(errno));
	rl->end = off;
	return 0;
}

/* n bytes of the file from off, through the read-ahead buffer; NULL if
 * the file no longer has them. */
static const uint8_t *
rd_get(struct reader *r, uint64_t off, size_t n)
{
	size_t want;

	if (r->buf != NULL && off >= r->base && off + n <= r->base + r->len)
		return r->buf + (off - r->base);
	want = n > READ_CHUNK ? n : READ_CHUNK;
	if (want > r->fsize - off)
		want = (size_t)(r->fsize - off);
	if (want < n || grow(&r->buf, &r->cap, want) == -1)
		return NULL;
	if (pread_full(r->fd, r->buf, want, off) == -1)
		return NULL;
	r->base = off;
	r->len = want;
	return r->buf;
}

/* Why a header at off cannot start a record in a file of size bytes. */
static const char *
hdr_check(const struct rhdr *h, uint64_t off, uint64_t size)
{
	if (h->zero != 0 || h->type == 0)
		return "bad record header";
	if (h->keylen > RECLOG_KEY_MAX || h->len > RECLOG_DATA_MAX)
		return "record length out of bounds";
	if ((uint64_t)RECLOG_HDR + h->keylen + h->len > size - off)
		return "record cut short";
	return NULL;
}

static void
hdr_decode(const uint8_t *p, struct rhdr *h)
{
	h->crc = get32(p);
	h->len = get32(p + 4);
	h->keylen = (uint16_t)(p[8] | p[9] << 8);
	h->type = p[10];
	h->zero = p[11];
}

static void
hdr_encode(uint8_t *p, const struct rhdr *h)
{
	put32(p, h->crc);
	put32(p + 4, h->len);
	p[8] = (uint8_t)(h->keylen & 0xff);
	p[9] = (uint8_t)(h->keylen >> 8);
	p[10] = h->type;
	p[11] = h->zero;
}

/* ---------------------------------------------------------- compaction */

/* Copy the records at offs[] into fd (header first) and fsync it. */
static int
compact_write(struct reclog *rl, int fd, const uint64_t *offs, size_t n,
    uint64_t *noffs, uint64_t *endp)
{
	struct reclog_buf b = { NULL, 0 };
	struct reclog_rec rec;
	uint64_t pos = RECLOG_FILE_HDR;
	size_t i;
	int rc = -1;

	rl->err[0] = '\0';
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || write_header(rl, fd) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (reclog_read(rl, offs[i], true, &rec, &b) == -1)
			goto out;
		if (pwrite_full(fd, b.p, rec.size, pos) == -1)
			goto out;
		noffs[i] = pos;
		pos += rec.size;
	}
	if (fdatasync(fd) == -1)
		goto out;
	*endp = pos;
	rc = 0;
out:
	if (b.p != NULL)
		explicit_bzero(b.p, b.cap);
	free(b.p);
	return rc;
}

/* The offset field of entry i of a store's index (reclog_compact_index). */
static uint64_t *
index_off(void *base, size_t i, size_t size, size_t offoff)
{
	return (uint64_t *)(void *)((uint8_t *)base + i * size + offoff);
}

/* ------------------------------------------------------------- helpers */

static int
grow(uint8_t **p, size_t *cap, size_t want)
{
	uint8_t *np;
	size_t ncap;

	if (want <= *cap)
		return 0;
	if (want > REC_MAX + READ_CHUNK) {
		errno = EINVAL;
		return -1;
	}
	ncap = *cap == 0 ? 4096 : *cap;
	while (ncap < want)
		ncap *= 2;
	if ((np = malloc(ncap)) == NULL)
		return -1;
	if (*p != NULL) {
		memcpy(np, *p, *cap);
		explicit_bzero(*p, *cap);
		free(*p);
	}
	*p = np;
	*cap = ncap;
	return 0;
}

static int
pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pread(fd, p, len, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EBADMSG;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int
pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, p, len, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int
sync_dir(const char *dir)
{
	int fd, rc, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int
fail(struct reclog *rl, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(rl->err, sizeof(rl->err), fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

static void
warn_stderr(const char *msg)
{
	fprintf(stderr, "smsdtlsd: %s\n", msg);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}
