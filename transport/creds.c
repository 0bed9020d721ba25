/*
 * creds.c - credentials from files: the server's PSK store (RFC 4279
 * identities and keys under the RFC 7925 section 4.2 PSK profile) and
 * whole-file reads for keys, certificates and pins.
 *
 * PSK file, one entry per line: "identity hexkey", separated by spaces
 * or tabs.  Blank lines and lines whose first non-blank byte is '#' are
 * skipped; "\r\n" line ends are accepted.  An identity is 1 to 128
 * printable ASCII bytes other than space (so it cannot start with '#'
 * in a file); a key is 1 to 64 bytes written as an even number of hex
 * digits of either case.  An identity given twice is an error, not a
 * silent override.  Error messages name the line and never quote key
 * material.
 *
 * The store is an open-addressing hash table (linear probing, at most
 * half full) of individually allocated entries, so that a lookup for an
 * identity from a ClientKeyExchange is O(1) for any number of entries and
 * growing the table never copies keys.  Keys are wiped on free and on
 * replacement.  Files are opened once and checked with fstat() on the
 * open descriptor: no window between check and use.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <smsdtls/session.h>

#include "transport/creds.h"

#define FILE_MAX	(64u * 1024 * 1024)	/* largest file read */
#define SLOTS_MIN	16u

struct psk_entry {
	uint64_t	hash;
	size_t		line;		/* where parsed; 0: added */
	uint8_t		idlen;
	uint8_t		keylen;
	uint8_t		key[SMSDTLS_PSK_KEY_MAX];
	char		identity[];	/* NUL-terminated */
};

struct smsdtls_psk_store {
	struct psk_entry **slots;
	size_t		nslots;		/* a power of two */
	size_t		count;
};

static void	creds_err(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static uint64_t	creds_hash(const char *, size_t);
static bool	creds_identity_ok(const char *, size_t, size_t *);
static struct smsdtls_psk_store *store_new(void);
static size_t	store_slot(const struct smsdtls_psk_store *, const char *,
		    size_t, uint64_t);
static smsdtls_rc store_grow(struct smsdtls_psk_store *);
static smsdtls_rc store_put(struct smsdtls_psk_store *, const char *,
		    size_t, const uint8_t *, size_t, size_t, size_t *);
static smsdtls_rc parse_line(struct smsdtls_psk_store *, const char *,
		    size_t, size_t, char *, size_t);
static smsdtls_rc parse_key(const char *, size_t, uint8_t *, size_t *,
		    size_t, char *, size_t);
static smsdtls_rc file_open(const char *, struct stat *, int *, char *,
		    size_t);
static smsdtls_rc file_read(int, const struct stat *, char **, size_t *,
		    char *, size_t);
static void	file_mode_reason(mode_t, char *, size_t);

/* --------------------------------------------------------- PSK store */

smsdtls_rc
smsdtls_psk_store_parse(const char *text, size_t len,
    struct smsdtls_psk_store **storep, char *err, size_t errlen)
{
	struct smsdtls_psk_store *store;
	const char *line, *eol;
	size_t pos = 0, n, lineno = 0;
	smsdtls_rc rc;

	if ((text == NULL && len > 0) || storep == NULL) {
		creds_err(err, errlen, "invalid argument");
		return SMSDTLS_EINVAL;
	}
	if ((store = store_new()) == NULL) {
		creds_err(err, errlen, "out of memory");
		return SMSDTLS_ENOMEM;
	}
	while (pos < len) {
		line = text + pos;
		eol = memchr(line, '\n', len - pos);
		n = eol != NULL ? (size_t)(eol - line) : len - pos;
		lineno++;
		rc = parse_line(store, line, n, lineno, err, errlen);
		if (rc != SMSDTLS_OK) {
			smsdtls_psk_store_free(store);
			return rc;
		}
		pos += n + (eol != NULL ? 1 : 0);
	}
	*storep = store;
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_psk_store_load(const char *path, bool allow_shared,
    struct smsdtls_psk_store **storep, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	smsdtls_rc rc;
	int fd;

	if (path == NULL || storep == NULL) {
		creds_err(err, errlen, "invalid argument");
		return SMSDTLS_EINVAL;
	}
	if ((rc = file_open(path, &st, &fd, err, errlen)) != SMSDTLS_OK)
		return rc;
	if (!allow_shared && (st.st_mode & 077) != 0) {
		file_mode_reason(st.st_mode, err, errlen);
		close(fd);
		return SMSDTLS_EINVAL;
	}
	rc = file_read(fd, &st, &buf, &len, err, errlen);
	close(fd);
	if (rc != SMSDTLS_OK)
		return rc;
	rc = smsdtls_psk_store_parse(buf, len, storep, err, errlen);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

smsdtls_rc
smsdtls_psk_store_add(struct smsdtls_psk_store *store, const char *identity,
    const uint8_t *key, size_t keylen)
{
	size_t idlen;

	if (store == NULL || identity == NULL || key == NULL ||
	    keylen == 0 || keylen > SMSDTLS_PSK_KEY_MAX)
		return SMSDTLS_EINVAL;
	idlen = strnlen(identity, SMSDTLS_PSK_IDENTITY_MAX + 1);
	if (!creds_identity_ok(identity, idlen, NULL))
		return SMSDTLS_EINVAL;
	return store_put(store, identity, idlen, key, keylen, 0, NULL);
}

size_t
smsdtls_psk_store_count(const struct smsdtls_psk_store *store)
{
	return store != NULL ? store->count : 0;
}

void
smsdtls_psk_store_free(struct smsdtls_psk_store *store)
{
	struct psk_entry *e;
	size_t i;

	if (store == NULL)
		return;
	for (i = 0; i < store->nslots; i++) {
		if ((e = store->slots[i]) == NULL)
			continue;
		explicit_bzero(e, sizeof(*e) + e->idlen + 1);
		free(e);
	}
	free(store->slots);
	free(store);
}

const uint8_t *
creds_psk_lookup(const struct smsdtls_psk_store *store, const char *identity,
    size_t *keylen)
{
	struct psk_entry *e;
	size_t idlen;

	if (store == NULL || identity == NULL)
		return NULL;
	idlen = strnlen(identity, SMSDTLS_PSK_IDENTITY_MAX + 1);
	if (idlen == 0 || idlen > SMSDTLS_PSK_IDENTITY_MAX)
		return NULL;
	e = store->slots[store_slot(store, identity, idlen,
	    creds_hash(identity, idlen))];
	if (e == NULL)
		return NULL;
	if (keylen != NULL)
		*keylen = e->keylen;
	return e->key;
}

/* -------------------------------------------------------------- files */

smsdtls_rc
smsdtls_read_file(const char *path, uint8_t **bufp, size_t *lenp, char *err,
    size_t errlen)
{
	struct stat st;
	char *buf;
	size_t len;
	smsdtls_rc rc;
	int fd;

	if (path == NULL || bufp == NULL || lenp == NULL) {
		creds_err(err, errlen, "invalid argument");
		return SMSDTLS_EINVAL;
	}
	if ((rc = file_open(path, &st, &fd, err, errlen)) != SMSDTLS_OK)
		return rc;
	rc = file_read(fd, &st, &buf, &len, err, errlen);
	close(fd);
	if (rc != SMSDTLS_OK)
		return rc;
	*bufp = (uint8_t *)buf;
	*lenp = len;
	return SMSDTLS_OK;
}

/*
 * Open path for reading and fstat it; only regular files pass.
 * O_NONBLOCK keeps a FIFO from blocking the open.
 */
static smsdtls_rc
file_open(const char *path, struct stat *st, int *fdp, char *err,
    size_t errlen)
{
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		creds_err(err, errlen, "cannot open: %s", strerror(errno));
		return SMSDTLS_EINVAL;
	}
	if (fstat(fd, st) == -1) {
		creds_err(err, errlen, "cannot stat: %s", strerror(errno));
		close(fd);
		return SMSDTLS_EINVAL;
	}
	if (!S_ISREG(st->st_mode)) {
		creds_err(err, errlen, "%s", S_ISDIR(st->st_mode) ?
		    "is a directory" : "not a regular file");
		close(fd);
		return SMSDTLS_EINVAL;
	}
	*fdp = fd;
	return SMSDTLS_OK;
}

/*
 * Read fd to its end into a new buffer with a NUL after the data (not
 * counted in *lenp).  The size from fstat is only a hint: the file may
 * change under us.  Buffers left behind while growing are wiped, as they
 * may hold keys.
 */
static smsdtls_rc
file_read(int fd, const struct stat *st, char **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	char *buf, *nbuf;
	size_t cap, len = 0;
	ssize_t n;

	if (st->st_size < 0 || (uintmax_t)st->st_size > FILE_MAX)
		goto toobig;
	/* Room for the data, the NUL, and one byte to see EOF at once. */
	cap = (size_t)st->st_size + 2;
	if ((buf = malloc(cap)) == NULL)
		goto nomem;
	for (;;) {
		if (len > FILE_MAX) {
			explicit_bzero(buf, len);
			free(buf);
			goto toobig;
		}
		if (len + 1 == cap) {
			if ((nbuf = malloc(cap * 2)) == NULL) {
				explicit_bzero(buf, len);
				free(buf);
				goto nomem;
			}
			memcpy(nbuf, buf, len);
			explicit_bzero(buf, len);
			free(buf);
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			creds_err(err, errlen, "read error: %s",
			    strerror(errno));
			explicit_bzero(buf, len);
			free(buf);
			return SMSDTLS_EINVAL;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return SMSDTLS_OK;

toobig:
	creds_err(err, errlen, "file too large (more than %u bytes)",
	    FILE_MAX);
	return SMSDTLS_EINVAL;
nomem:
	creds_err(err, errlen, "out of memory");
	return SMSDTLS_ENOMEM;
}

/* "mode 0644: readable by others": the widest audience, its widest use. */
static void
file_mode_reason(mode_t mode, char *err, size_t errlen)
{
	const char *who = (mode & 007) != 0 ? "others" : "group";
	unsigned bits = (mode & 007) != 0 ? mode & 007 : (mode >> 3) & 007;
	const char *what;

	if (bits & 4)
		what = "readable";
	else if (bits & 2)
		what = "writable";
	else
		what = "executable";
	creds_err(err, errlen, "mode %04o: %s by %s",
	    (unsigned)(mode & 07777), what, who);
}

/* ------------------------------------------------------------ parsing */

/* One line (without its '\n'): blank, comment or "identity hexkey". */
static smsdtls_rc
parse_line(struct smsdtls_psk_store *store, const char *s, size_t n,
    size_t lineno, char *err, size_t errlen)
{
	uint8_t key[SMSDTLS_PSK_KEY_MAX];
	size_t i = 0, idlen, kstart, klen, keylen, bad = 0, first = 0;
	smsdtls_rc rc;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return SMSDTLS_OK;
	s += i;
	n -= i;
	for (idlen = 0; idlen < n && s[idlen] != ' ' && s[idlen] != '\t';)
		idlen++;
	if (idlen > SMSDTLS_PSK_IDENTITY_MAX) {
		creds_err(err, errlen, "line %zu: identity longer than %d "
		    "bytes (%zu)", lineno, SMSDTLS_PSK_IDENTITY_MAX, idlen);
		return SMSDTLS_EINVAL;
	}
	if (!creds_identity_ok(s, idlen, &bad)) {
		creds_err(err, errlen, "line %zu: non-printable byte 0x%02x "
		    "in identity at offset %zu", lineno,
		    (unsigned)(unsigned char)s[bad], bad);
		return SMSDTLS_EINVAL;
	}
	for (kstart = idlen; kstart < n && (s[kstart] == ' ' ||
	    s[kstart] == '\t');)
		kstart++;
	if (kstart == n) {
		creds_err(err, errlen, "line %zu: missing key after identity "
		    "'%.*s'", lineno, (int)idlen, s);
		return SMSDTLS_EINVAL;
	}
	for (klen = 0; kstart + klen < n && s[kstart + klen] != ' ' &&
	    s[kstart + klen] != '\t';)
		klen++;
	if (kstart + klen != n) {
		creds_err(err, errlen, "line %zu: unexpected text after the "
		    "key (expected \"identity hexkey\")", lineno);
		return SMSDTLS_EINVAL;
	}
	rc = parse_key(s + kstart, klen, key, &keylen, lineno, err, errlen);
	if (rc != SMSDTLS_OK)
		return rc;
	rc = store_put(store, s, idlen, key, keylen, lineno, &first);
	explicit_bzero(key, sizeof(key));
	if (rc == SMSDTLS_EDUP) {
		creds_err(err, errlen, "line %zu: duplicate identity '%.*s' "
		    "(first on line %zu)", lineno, (int)idlen, s, first);
		return SMSDTLS_EINVAL;
	}
	if (rc != SMSDTLS_OK)
		creds_err(err, errlen, "line %zu: out of memory", lineno);
	return rc;
}

/* Decode n hex digits into key; the offending digit is not quoted. */
static smsdtls_rc
parse_key(const char *s, size_t n, uint8_t *key, size_t *keylen,
    size_t lineno, char *err, size_t errlen)
{
	char hex[2 * SMSDTLS_PSK_KEY_MAX + 1];
	smsdtls_rc rc;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i])) {
			creds_err(err, errlen, "line %zu: key is not hex "
			    "(bad digit at position %zu)", lineno, i + 1);
			return SMSDTLS_EINVAL;
		}
	}
	if (n % 2 != 0) {
		creds_err(err, errlen, "line %zu: key has an odd number of "
		    "hex digits (%zu)", lineno, n);
		return SMSDTLS_EINVAL;
	}
	if (n / 2 > SMSDTLS_PSK_KEY_MAX) {
		creds_err(err, errlen, "line %zu: key longer than %d bytes "
		    "(%zu)", lineno, SMSDTLS_PSK_KEY_MAX, n / 2);
		return SMSDTLS_EINVAL;
	}
	memcpy(hex, s, n);
	hex[n] = '\0';
	rc = smsdtls_hex_decode(hex, key, SMSDTLS_PSK_KEY_MAX, keylen);
	explicit_bzero(hex, sizeof(hex));
	return rc;
}

/* ---------------------------------------------------------- the table */

static struct smsdtls_psk_store *
store_new(void)
{
	struct smsdtls_psk_store *store;

	if ((store = calloc(1, sizeof(*store))) == NULL)
		return NULL;
	if ((store->slots = calloc(SLOTS_MIN, sizeof(*store->slots))) ==
	    NULL) {
		free(store);
		return NULL;
	}
	store->nslots = SLOTS_MIN;
	return store;
}

/* The slot holding identity, or the empty slot where it would go. */
static size_t
store_slot(const struct smsdtls_psk_store *store, const char *id,
    size_t idlen, uint64_t hash)
{
	size_t mask = store->nslots - 1, i = (size_t)hash & mask;
	struct psk_entry *e;

	while ((e = store->slots[i]) != NULL) {
		if (e->hash == hash && e->idlen == idlen &&
		    memcmp(e->identity, id, idlen) == 0)
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

/* Double the table; entries move by pointer, keys are not copied. */
static smsdtls_rc
store_grow(struct smsdtls_psk_store *store)
{
	struct psk_entry **old = store->slots, *e;
	size_t oldn = store->nslots, i, j, mask;

	if (oldn > SIZE_MAX / 2 / sizeof(*old))
		return SMSDTLS_ENOMEM;
	if ((store->slots = calloc(oldn * 2, sizeof(*old))) == NULL) {
		store->slots = old;
		return SMSDTLS_ENOMEM;
	}
	store->nslots = oldn * 2;
	mask = store->nslots - 1;
	for (i = 0; i < oldn; i++) {
		if ((e = old[i]) == NULL)
			continue;
		for (j = (size_t)e->hash & mask; store->slots[j] != NULL;)
			j = (j + 1) & mask;
		store->slots[j] = e;
	}
	free(old);
	return SMSDTLS_OK;
}

/*
 * Insert or replace identity's key.  With first not NULL an existing
 * identity is refused with SMSDTLS_EDUP and *first gets its line.
 */
static smsdtls_rc
store_put(struct smsdtls_psk_store *store, const char *id, size_t idlen,
    const uint8_t *key, size_t keylen, size_t line, size_t *first)
{
	uint64_t hash = creds_hash(id, idlen);
	struct psk_entry *e;
	size_t i;
	smsdtls_rc rc;

	i = store_slot(store, id, idlen, hash);
	if ((e = store->slots[i]) != NULL) {
		if (first != NULL) {
			*first = e->line;
			return SMSDTLS_EDUP;
		}
		explicit_bzero(e->key, sizeof(e->key));
		memcpy(e->key, key, keylen);
		e->keylen = (uint8_t)keylen;
		e->line = line;
		return SMSDTLS_OK;
	}
	if ((store->count + 1) * 2 > store->nslots) {
		if ((rc = store_grow(store)) != SMSDTLS_OK)
			return rc;
		i = store_slot(store, id, idlen, hash);
	}
	if ((e = calloc(1, sizeof(*e) + idlen + 1)) == NULL)
		return SMSDTLS_ENOMEM;
	e->hash = hash;
	e->line = line;
	e->idlen = (uint8_t)idlen;
	e->keylen = (uint8_t)keylen;
	memcpy(e->key, key, keylen);
	memcpy(e->identity, id, idlen);
	store->slots[i] = e;
	store->count++;
	return SMSDTLS_OK;
}

/* FNV-1a with a final avalanche so that the low bits index well. */
static uint64_t
creds_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* 1 to 128 bytes of printable ASCII without space; *bad: first bad byte. */
static bool
creds_identity_ok(const char *s, size_t n, size_t *bad)
{
	size_t i;

	if (n == 0 || n > SMSDTLS_PSK_IDENTITY_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
	}
	return true;
}

static void
creds_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
