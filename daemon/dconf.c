/*
 * dconf.c - smsdtlsd.conf's reader (dconf.h; keywords in
 * man/smsdtlsd.conf.5): the keyword table, the line lexer, section
 * headers and "key = value" assignments.  Every value is checked as it is
 * read; what depends on other keys (the role, the authentication mode,
 * the country code for national numbers) is checked once the whole file
 * is in, by dconf_check.c.  The parse goes on after an error so that all
 * of them are reported at once.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dconf_int.h"
#include "util/confval.h"

#define LINE_MAX_LEN	4096

#define SIZEOF(t, f)	sizeof(((t *)0)->f)
#define KC(name, sect, vt, roles, auths, flags, field, min, max, names, \
	    help)							\
	{ name, sect, vt, roles, auths, 0, flags,			\
	  offsetof(struct dconf, field), SIZEOF(struct dconf, field),	\
	  min, max, names, help }
#define KB(name, vt, btypes, field, min, max, names, help)		\
	{ name, DS_BEARER, vt, DR_ALL, 0, btypes, 0,			\
	  offsetof(struct dconf_bearer, field),				\
	  SIZEOF(struct dconf_bearer, field), min, max, names, help }

#define SEC	1000LL
#define MIN	(60 * SEC)
#define HOUR	(60 * MIN)
#define DAY	(24 * HOUR)
#define DR_DTLS	(DR_GATEWAY | DR_BRIDGE)
#define DR_UP	(DR_GATEWAY | DR_RELAY)

static const char *const role_names[] = { "gateway", "relay", "bridge",
	NULL };
static const char *const log_names[] = { "stderr", "syslog", NULL };
static const char *const level_names[] = { "error", "warn", "info",
	"debug", NULL };
static const char *const auth_names[] = { "psk", "rpk", "x509", NULL };
static const char *const type_names[] = { "", "link", "gammu", NULL };

#define H_BOOL	"on or off"
#define H_PATH	"an absolute path"
#define H_PORT	"a port, 1..65535"
#define H_MSISDN "a number such as +447700900123"
#define H_HP	"HOST:PORT"
#define H_RATE	"N/s, N/min or N/h (N 1..1000000), or 0"

/* In dump order; a section's keywords are together. */
const struct dconf_kw dconf_keywords[] = {
	KC("role", DS_MAIN, DV_ENUM, DR_ALL, 0, 0, role, 0, 0, role_names,
	    "gateway, relay or bridge"),
	KC("state_dir", DS_MAIN, DV_PATH, DR_ALL, 0, 0, state_dir, 0, 0,
	    NULL, H_PATH),
	KC("user", DS_MAIN, DV_NAME, DR_ALL, 0, 0, user, 0, 0, NULL,
	    "a user name (letters, digits, '.', '_', '-')"),
	KC("log", DS_MAIN, DV_ENUM, DR_ALL, 0, 0, log, 0, 0, log_names,
	    "stderr or syslog"),
	KC("log_level", DS_MAIN, DV_ENUM, DR_ALL, 0, DK_INT, log_level, 0, 0,
	    level_names, "error, warn, info or debug"),
	KC("metrics", DS_MAIN, DV_METRICS, DR_ALL, 0, 0, metrics, 0, 0, NULL,
	    "HOST:PORT or off"),

	KC("wdp", DS_SMS, DV_BOOL, DR_ALL, 0, 0, wdp, 0, 0, NULL, H_BOOL),
	KC("port", DS_SMS, DV_PORT, DR_ALL, 0, DK_WDP, port, 0, 0, NULL,
	    H_PORT),
	KC("gateway", DS_SMS, DV_MSISDN, DR_BRIDGE, 0, 0, gateway, 0, 0,
	    NULL, H_MSISDN),
	KC("gateway_port", DS_SMS, DV_PORT, DR_BRIDGE, 0, DK_WDP,
	    gateway_port, 0, 0, NULL, H_PORT),
	KC("country_code", DS_SMS, DV_DIGITS, DR_ALL, 0, 0, country_code, 0,
	    0, NULL, "1-3 digits"),
	KC("status_reports", DS_SMS, DV_BOOL, DR_ALL, 0, 0, status_reports,
	    0, 0, NULL, H_BOOL),
	KC("concat", DS_SMS, DV_BOOL, DR_RELAY, 0, 0, concat, 0, 0, NULL,
	    H_BOOL),
	KC("app_validity", DS_SMS, DV_DURATION, DR_ALL, 0, 0,
	    app_validity_ms, SEC, 441 * DAY, NULL, "a duration, 1s..441d"),

	KB("type", DV_ENUM, DB_ALL, type, 0, 0, type_names,
	    "link or gammu"),
	KB("address", DV_LINKADDR, DB_LINK, address, 0, 0, NULL,
	    "unix:/PATH (at most 107 octets) or tcp:HOST:PORT"),
	KB("msisdn", DV_MSISDN, DB_ALL, msisdn, 0, 0, NULL, H_MSISDN),
	KB("device", DV_PATH, DB_GAMMU, device, 0, 0, NULL, H_PATH),
	KB("connection", DV_NAME, DB_GAMMU, connection, 0, 0, NULL,
	    "a gammu connection name such as at115200"),
	KB("pin_file", DV_PATH, DB_GAMMU, pin_file, 0, 0, NULL, H_PATH),
	KB("smsc", DV_MSISDN, DB_GAMMU, smsc, 0, 0, NULL, H_MSISDN),
	KB("send_rate", DV_RATE, DB_ALL, send_rate, 0, 0, NULL, H_RATE),
	KB("poll_interval", DV_DURATION, DB_GAMMU, poll_interval_ms, SEC,
	    HOUR, NULL, "a duration, 1s..1h"),
	KB("call_timeout", DV_DURATION, DB_GAMMU, call_timeout_ms, SEC, HOUR,
	    NULL, "a duration, 1s..1h"),
	KB("probe_interval", DV_DURATION, DB_GAMMU, probe_interval_ms, SEC,
	    DAY, NULL, "a duration, 1s..1d"),
	KB("reset_hook", DV_TEXT, DB_GAMMU, reset_hook, 0, 0, NULL,
	    "a command, at most 1023 characters"),
	KB("status_reports", DV_BOOL, DB_ALL, status_reports, 0, 0, NULL,
	    H_BOOL),

	KC("auth", DS_DTLS, DV_ENUM, DR_DTLS, 0, 0, auth, 0, 0, auth_names,
	    "psk, rpk or x509"),
	KC("psk_store", DS_DTLS, DV_PATH, DR_GATEWAY, DA_PSK, 0, psk_store,
	    0, 0, NULL, H_PATH),
	KC("psk_identity", DS_DTLS, DV_IDENTITY, DR_BRIDGE, DA_PSK, 0,
	    psk_identity, 0, 0, NULL,
	    "1-128 printable characters without spaces"),
	KC("psk_key_file", DS_DTLS, DV_PATH, DR_BRIDGE, DA_PSK, 0,
	    psk_key_file, 0, 0, NULL, H_PATH),
	KC("key", DS_DTLS, DV_PATH, DR_DTLS, DA_RPK | DA_X509, 0, key, 0, 0,
	    NULL, H_PATH),
	KC("cert", DS_DTLS, DV_PATH, DR_DTLS, DA_X509, 0, cert, 0, 0, NULL,
	    H_PATH),
	KC("ca", DS_DTLS, DV_PATH, DR_DTLS, DA_X509, 0, ca, 0, 0, NULL,
	    H_PATH),
	KC("rpk_pins", DS_DTLS, DV_PATH, DR_DTLS, DA_RPK, 0, rpk_pins, 0, 0,
	    NULL, H_PATH),
	KC("server_name", DS_DTLS, DV_HOST, DR_BRIDGE, DA_X509, 0,
	    server_name, 0, 0, NULL, "a host name"),
	KC("client_auth", DS_DTLS, DV_BOOL, DR_GATEWAY, DA_RPK | DA_X509, 0,
	    client_auth, 0, 0, NULL, H_BOOL),
	KC("rto_initial", DS_DTLS, DV_DURATION, DR_DTLS, 0, 0, rto_initial_ms,
	    100, HOUR, NULL, "a duration, 100ms..1h"),
	KC("rto_max", DS_DTLS, DV_DURATION, DR_DTLS, 0, 0, rto_max_ms, 100,
	    DAY, NULL, "a duration, 100ms..1d"),
	KC("rto_learn", DS_DTLS, DV_BOOL, DR_DTLS, 0, 0, rto_learn, 0, 0,
	    NULL, H_BOOL),
	KC("handshake_timeout", DS_DTLS, DV_DURATION, DR_DTLS, 0, 0,
	    handshake_timeout_ms, SEC, 7 * DAY, NULL,
	    "a duration, 1s..7d"),
	KC("idle_timeout", DS_DTLS, DV_DURATION, DR_ALL, 0, 0,
	    idle_timeout_ms, 0, 30 * DAY, NULL,
	    "a duration up to 30d, or 0 for never"),
	KC("park_after", DS_DTLS, DV_DURATION, DR_GATEWAY, 0, 0,
	    park_after_ms, 0, 30 * DAY, NULL,
	    "a duration up to 30d, or 0 for never"),
	KC("session_tickets", DS_DTLS, DV_BOOL, DR_DTLS, 0, 0,
	    session_tickets, 0, 0, NULL, H_BOOL),
	KC("max_sessions", DS_DTLS, DV_UINT, DR_UP, 0, 0, max_sessions, 1,
	    100000000, NULL, "1..100000000"),
	KC("max_half_open", DS_DTLS, DV_UINT, DR_GATEWAY, 0, 0,
	    max_half_open, 1, 1000000, NULL, "1..1000000"),

	KC("address", DS_UPSTREAM, DV_HOSTPORT, DR_UP, 0, 0, upstream, 0, 0,
	    NULL, H_HP),
	KC("bind", DS_UPSTREAM, DV_HOST, DR_UP, 0, 0, bind, 0, 0, NULL,
	    "a host name or address, or any"),

	KC("listen", DS_BRIDGE, DV_HOSTPORT, DR_BRIDGE, 0, 0, listen, 0, 0,
	    NULL, H_HP),

	KC("rate", DS_LIMITS, DV_RATE, DR_ALL, 0, 0, rate, 0, 0, NULL,
	    H_RATE),
	KC("allow", DS_LIMITS, DV_ALLOW, DR_ALL, 0, 0, allow, 0, 0, NULL,
	    "all, or up to 32 prefixes such as +4477009, comma-separated"),
	KC("queue", DS_LIMITS, DV_UINT, DR_GATEWAY | DR_BRIDGE, 0, 0, queue,
	    1, 100000, NULL, "1..100000"),
	KC("journal_max", DS_LIMITS, DV_UINT, DR_ALL, 0, 0, journal_max, 1,
	    100000000, NULL, "1..100000000"),
};
const size_t dconf_nkeywords = sizeof(dconf_keywords) /
    sizeof(dconf_keywords[0]);

const char *const dconf_sect_names[DS_COUNT] = {
	"", "smsdtlsd", "sms", "bearer", "dtls", "upstream", "bridge", "map",
	"limits"
};
const uint8_t dconf_sect_roles[DS_COUNT] = {
	0, DR_ALL, DR_ALL, DR_ALL, DR_ALL, DR_UP, DR_BRIDGE, DR_GATEWAY,
	DR_ALL
};

static bool	read_line(struct dparse *, FILE *, char *, size_t);
static void	parse_line(struct dparse *, char *);
static void	parse_header(struct dparse *, char *);
static void	parse_bearer_header(struct dparse *, char *);
static void	parse_assign(struct dparse *, char *);
static void	parse_map(struct dparse *, const char *, const char *);
static const struct dconf_kw *kw_find(uint8_t, const char *, size_t *);
static bool	kw_set(struct dparse *, const struct dconf_kw *, void *,
		    const char *);
static bool	set_enum(const struct dconf_kw *, void *, const char *);
static bool	set_allow(struct dconf *, const char *);

void
dconf_init(struct dconf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->role = DCONF_GATEWAY;
	snprintf(conf->state_dir, sizeof(conf->state_dir),
	    "/var/lib/smsdtlsd");
	conf->log = DCONF_LOG_STDERR;
	conf->log_level = SMSDTLS_LOG_INFO;
	conf->wdp = true;
	conf->port = 5684;
	conf->gateway_port = 5684;
	conf->app_validity_ms = HOUR;
	conf->auth = SMSDTLS_AUTH_PSK;
	conf->client_auth = true;
	conf->rto_initial_ms = 10 * SEC;
	conf->rto_max_ms = 60 * SEC;
	conf->handshake_timeout_ms = 10 * MIN;
	conf->idle_timeout_ms = 24 * HOUR;
	conf->park_after_ms = 5 * MIN;
	conf->max_sessions = 1024;
	conf->max_half_open = 64;
	snprintf(conf->listen.host, sizeof(conf->listen.host), "127.0.0.1");
	conf->listen.port = 5683;
	dconf_parse_rate("60/min", &conf->rate);
	conf->queue = 16;
	conf->journal_max = 100000;
}

void
dconf_free(struct dconf *conf)
{
	free(conf->bearers);
	free(conf->map);
	dconf_init(conf);
}

int
dconf_parse(struct dconf *conf, const char *path, FILE *errs)
{
	struct dparse p;
	char line[LINE_MAX_LEN];
	FILE *fp;

	memset(&p, 0, sizeof(p));
	p.conf = conf;
	p.path = path;
	p.errs = errs;
	if (strlen(path) >= sizeof(conf->path)) {
		dparse_err(&p, 0, "path too long");
		return p.nerr;
	}
	snprintf(conf->path, sizeof(conf->path), "%s", path);
	if ((fp = fopen(path, "re")) == NULL) {
		dparse_err(&p, 0, "%s", strerror(errno));
		return p.nerr;
	}
	while (read_line(&p, fp, line, sizeof(line)))
		parse_line(&p, line);
	if (ferror(fp))
		dparse_err(&p, 0, "read error: %s", strerror(errno));
	fclose(fp);
	dparse_finish(&p);
	return p.nerr;
}

const char *
dconf_role_name(int role)
{
	return role >= 0 && role <= DCONF_BRIDGE ? role_names[role] : "?";
}

const char *
dconf_enum_name(const struct dconf_kw *k, const void *base)
{
	const uint8_t *f = (const uint8_t *)base + k->off;
	int v;
	size_t i;

	if (k->flags & DK_INT)
		memcpy(&v, f, sizeof(v));
	else
		v = *f;
	for (i = 0; k->names[i] != NULL; i++)
		if ((int)i == v)
			return k->names[i];
	return "?";
}

bool
dconf_kw_used(const struct dconf_kw *k, const struct dconf *conf,
    const struct dconf_bearer *b)
{
	if (!(k->roles & (1u << conf->role)) ||
	    !(dconf_sect_roles[k->sect] & (1u << conf->role)))
		return false;
	if (k->auths != 0 && !(k->auths & (1u << conf->auth)))
		return false;
	if ((k->flags & DK_WDP) && !conf->wdp)
		return false;
	if (k->sect == DS_BEARER && b != NULL &&
	    !(k->btypes & (1u << b->type)))
		return false;
	return true;
}

void
dparse_err(struct dparse *p, int line, const char *fmt, ...)
{
	va_list ap;

	p->nerr++;
	if (p->errs == NULL)
		return;
	va_start(ap, fmt);
	confval_verr(p->errs, p->path, line, fmt, ap);
	va_end(ap);
}

/* One line into buf, NUL-terminated, without its newline; false at EOF.
 * A line that is too long or holds a control character is an error and
 * comes back empty. */
static bool
read_line(struct dparse *p, FILE *fp, char *buf, size_t size)
{
	size_t len = 0;
	bool bad = false, any = false;
	int c;

	while ((c = getc(fp)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (bad)
			continue;
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			dparse_err(p, p->line + 1, "control character 0x%02x",
			    c);
			bad = true;
		} else if (len + 1 >= size) {
			dparse_err(p, p->line + 1,
			    "line longer than %zu characters", size - 1);
			bad = true;
		} else
			buf[len++] = (char)c;
	}
	if (!any)
		return false;
	p->line++;
	buf[bad ? 0 : len] = '\0';
	return true;
}

static void
parse_line(struct dparse *p, char *line)
{
	char *s = confval_trim(line);

	if (*s == '\0' || *s == '#')
		return;
	if (*s == '[')
		parse_header(p, s);
	else if (!p->started)
		dparse_err(p, p->line, "'%s' is outside any section", s);
	else if (!p->skip)
		parse_assign(p, s);
}

static void
parse_header(struct dparse *p, char *s)
{
	char *name, *arg;
	size_t i;

	p->started = true;
	p->skip = true;
	if ((name = confval_section(s)) == NULL) {
		dparse_err(p, p->line, "section header without ']'");
		return;
	}
	if ((arg = confval_after_word(name, "bearer")) != NULL) {
		parse_bearer_header(p, arg);
		return;
	}
	for (i = DS_MAIN; i < DS_COUNT; i++)
		if (i != DS_BEARER && strcmp(name, dconf_sect_names[i]) == 0)
			break;
	if (i == DS_COUNT) {
		dparse_err(p, p->line, "unknown section [%s]", name);
		return;
	}
	if (p->sect_line[i] != 0) {
		dparse_err(p, p->line, "[%s] repeated (first at line %d)",
		    name, p->sect_line[i]);
		return;
	}
	p->sect_line[i] = p->line;
	p->sect = (uint8_t)i;
	p->skip = false;
}

static void
parse_bearer_header(struct dparse *p, char *name)
{
	struct dconf *conf = p->conf;
	struct dconf_bearer *b;
	size_t i;

	if (*name == '\0') {
		dparse_err(p, p->line, "[bearer] needs a name: [bearer NAME]");
		return;
	}
	if (strlen(name) >= DCONF_NAME_MAX || strspn(name,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") != strlen(name)) {
		dparse_err(p, p->line, "bad bearer name '%s': 1-31 of "
		    "A-Z a-z 0-9 _ -", name);
		return;
	}
	for (i = 0; i < conf->nbearers; i++)
		if (strcmp(conf->bearers[i].name, name) == 0) {
			dparse_err(p, p->line, "[bearer %s] repeated (first "
			    "at line %d)", name, conf->bearers[i].line);
			return;
		}
	if (conf->nbearers == DCONF_BEARERS_MAX) {
		dparse_err(p, p->line, "more than %d bearers",
		    DCONF_BEARERS_MAX);
		return;
	}
	if (conf->bearers == NULL && (conf->bearers = calloc(
	    DCONF_BEARERS_MAX, sizeof(*conf->bearers))) == NULL) {
		dparse_err(p, p->line, "out of memory");
		return;
	}
	b = &conf->bearers[conf->nbearers++];
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->line = p->line;
	snprintf(b->connection, sizeof(b->connection), "at115200");
	b->poll_interval_ms = 30 * SEC;
	b->call_timeout_ms = 60 * SEC;
	b->probe_interval_ms = 60 * SEC;
	dconf_parse_rate("0", &b->send_rate);
	p->sect = DS_BEARER;
	p->skip = false;
}

static void
parse_assign(struct dparse *p, char *s)
{
	const struct dconf_kw *k;
	char *key, *val;
	void *base;
	int *lines;
	size_t idx;

	if (!confval_assign(s, &key, &val)) {
		dparse_err(p, p->line, "expected 'key = value': %s", s);
		return;
	}
	if (*key == '\0') {
		dparse_err(p, p->line, "no key before '='");
		return;
	}
	if (*val == '\0') {
		dparse_err(p, p->line, "%s: no value", key);
		return;
	}
	if (p->sect == DS_MAP) {
		parse_map(p, key, val);
		return;
	}
	if ((k = kw_find(p->sect, key, &idx)) == NULL) {
		if (p->sect == DS_BEARER)
			dparse_err(p, p->line, "unknown key '%s' in [bearer "
			    "%s]", key,
			    p->conf->bearers[p->conf->nbearers - 1].name);
		else
			dparse_err(p, p->line, "unknown key '%s' in [%s]",
			    key, dconf_sect_names[p->sect]);
		return;
	}
	if (p->sect == DS_BEARER) {
		lines = p->blines[p->conf->nbearers - 1];
		base = &p->conf->bearers[p->conf->nbearers - 1];
	} else {
		lines = p->glines;
		base = p->conf;
	}
	if (lines[idx] != 0) {
		dparse_err(p, p->line, "%s: repeated (first at line %d)",
		    key, lines[idx]);
		return;
	}
	lines[idx] = p->line;
	if (kw_set(p, k, base, val))
		return;
	dparse_err(p, p->line, "%s: expected %s, not '%s'", key, k->help,
	    val);
	if (k->sect != DS_BEARER && (strcmp(key, "role") == 0 ||
	    strcmp(key, "auth") == 0))
		p->bad_mode = true;
}

/* "+MSISDN = PORT"; the number is canonicalised at the end, once the
 * country code is known. */
static void
parse_map(struct dparse *p, const char *key, const char *val)
{
	struct dconf *conf = p->conf;
	struct dconf_map *m;
	struct smsdtls_addr a;
	uint64_t port;
	size_t ncap;
	bool ok = true;

	if (strlen(key) >= DCONF_MSISDN_MAX ||
	    smsdtls_addr_parse(key, &a) != SMSDTLS_OK) {
		dparse_err(p, p->line, "[map]: '%s' is not a number such as "
		    "+447700900123", key);
		ok = false;
	}
	if (!dconf_parse_uint(val, 1, 65535, &port)) {
		dparse_err(p, p->line, "[map] %s: expected %s, not '%s'", key,
		    H_PORT, val);
		ok = false;
	}
	if (!ok)
		return;
	if (conf->nmap == DCONF_MAP_MAX) {
		dparse_err(p, p->line, "[map]: more than %d entries",
		    DCONF_MAP_MAX);
		return;
	}
	if (conf->nmap == p->map_cap) {
		ncap = p->map_cap == 0 ? 16 : p->map_cap * 2;
		if ((m = reallocarray(conf->map, ncap, sizeof(*m))) == NULL) {
			dparse_err(p, p->line, "out of memory");
			return;
		}
		conf->map = m;
		p->map_cap = ncap;
	}
	m = &conf->map[conf->nmap++];
	memset(m, 0, sizeof(*m));
	snprintf(m->msisdn.text, sizeof(m->msisdn.text), "%s", key);
	m->port = (uint16_t)port;
	m->line = p->line;
}

static const struct dconf_kw *
kw_find(uint8_t sect, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < dconf_nkeywords; i++)
		if (dconf_keywords[i].sect == sect &&
		    strcmp(dconf_keywords[i].name, name) == 0) {
			*idx = i;
			return &dconf_keywords[i];
		}
	return NULL;
}

/* Check val and store it in the field k describes; false if invalid. */
static bool
kw_set(struct dparse *p, const struct dconf_kw *k, void *base,
    const char *val)
{
	void *f = (uint8_t *)base + k->off;
	struct dconf_msisdn *ms;
	struct smsdtls_addr a;
	uint64_t u;
	uint16_t port;
	unsigned n;

	switch (k->vt) {
	case DV_BOOL:
		return dconf_parse_bool(val, f);
	case DV_ENUM:
		return set_enum(k, f, val);
	case DV_DURATION:
		return dconf_parse_duration(val, k->min, k->max, f);
	case DV_RATE:
		return dconf_parse_rate(val, f);
	case DV_PORT:
		if (!dconf_parse_uint(val, 1, 65535, &u))
			return false;
		port = (uint16_t)u;
		memcpy(f, &port, sizeof(port));
		return true;
	case DV_UINT:
		if (!dconf_parse_uint(val, (uint64_t)k->min, (uint64_t)k->max,
		    &u))
			return false;
		n = (unsigned)u;
		memcpy(f, &n, sizeof(n));
		return true;
	case DV_PATH:
		return dconf_parse_path(val, f, k->size);
	case DV_NAME:
		return dconf_parse_name(val, f, k->size);
	case DV_MSISDN:
		ms = f;
		if (strlen(val) >= sizeof(ms->text) ||
		    smsdtls_addr_parse(val, &a) != SMSDTLS_OK)
			return false;
		snprintf(ms->text, sizeof(ms->text), "%s", val);
		return true;
	case DV_DIGITS:
		if (strlen(val) >= k->size ||
		    strspn(val, "0123456789") != strlen(val))
			return false;
		memcpy(f, val, strlen(val) + 1);
		return true;
	case DV_METRICS:
		if (strcmp(val, "off") == 0) {
			memset(f, 0, k->size);
			return true;
		}
		return dconf_parse_hostport(val, f);
	case DV_HOSTPORT:
		return dconf_parse_hostport(val, f);
	case DV_HOST:
		if (strcmp(val, "any") == 0 && k->sect == DS_UPSTREAM) {
			memset(f, 0, k->size);
			return true;
		}
		return dconf_parse_host(val, f, k->size);
	case DV_LINKADDR:
		return dconf_parse_linkaddr(val, f);
	case DV_TEXT:
		return dconf_parse_text(val, true, f, k->size);
	case DV_IDENTITY:
		return dconf_parse_text(val, false, f, k->size);
	case DV_ALLOW:
		return set_allow(p->conf, val);
	}
	return false;
}

static bool
set_enum(const struct dconf_kw *k, void *f, const char *val)
{
	size_t i;
	int v;

	for (i = 0; k->names[i] != NULL; i++) {
		if (k->names[i][0] == '\0' || strcmp(k->names[i], val) != 0)
			continue;
		if (k->flags & DK_INT) {
			v = (int)i;
			memcpy(f, &v, sizeof(v));
		} else
			*(uint8_t *)f = (uint8_t)i;
		return true;
	}
	return false;
}

/* "all", or prefixes separated by commas (spaces allowed around them). */
static bool
set_allow(struct dconf *conf, const char *val)
{
	char buf[LINE_MAX_LEN], *tok, *save = NULL;
	char allow[DCONF_ALLOW_MAX][DCONF_PREFIX_MAX];
	size_t n = 0;

	if (strcmp(val, "all") == 0) {
		conf->nallow = 0;
		return true;
	}
	snprintf(buf, sizeof(buf), "%s", val);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' ||
	    strstr(buf, ",,") != NULL)
		return false;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (n == DCONF_ALLOW_MAX || !dconf_parse_prefix(
		    confval_trim(tok), allow[n], sizeof(allow[n])))
			return false;
		n++;
	}
	if (n == 0)
		return false;
	memcpy(conf->allow, allow, sizeof(allow));
	conf->nallow = n;
	return true;
}
