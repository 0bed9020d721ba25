/*
 * dconf_check.c - what smsdtlsd.conf's parser checks once the whole file
 * is read (dconf.h): keys and sections the role (the authentication mode,
 * the bearer type) does not use, keys a role needs, MSISDNs made canonical
 * with [sms] country_code (3GPP TS 23.040 9.1.2.5 addresses; national
 * numbers need the country code), [map] entries sorted and unique; and
 * the lookups the daemon makes in a parsed configuration.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dconf_int.h"

static void	check_sections(struct dparse *);
static void	check_usage(struct dparse *);
static void	check_bearer_usage(struct dparse *, size_t);
static void	canonicalise(struct dparse *);
static void	canon_one(struct dparse *, struct dconf_msisdn *, int,
		    const char *);
static void	check_bearers(struct dparse *);
static void	check_role(struct dparse *);
static void	check_dtls_gateway(struct dparse *);
static void	check_dtls_bridge(struct dparse *);
static void	check_rto(struct dparse *);
static void	check_map(struct dparse *);
static void	require(struct dparse *, uint8_t, const char *, bool);
static int	line_of(struct dparse *, const char *);
static size_t	kw_index(uint8_t, const char *);
static const char *mask_names(unsigned, const char *const *, size_t);
static int	map_cmp_msisdn(const void *, const void *);
static int	map_cmp_port(const void *, const void *);

static const char *const roles[] = { "gateway", "relay", "bridge" };
static const char *const auths[] = { "psk", "rpk", "x509" };
static const char *const types[] = { "", "link", "gammu" };

void
dparse_finish(struct dparse *p)
{
	struct dconf *conf = p->conf;
	size_t i, sr = kw_index(DS_BEARER, "status_reports");

	/* With a bad role or auth, what they decide would only add noise. */
	if (!p->bad_mode) {
		check_sections(p);
		check_usage(p);
	} else
		for (i = 0; i < conf->nbearers; i++)
			check_bearer_usage(p, i);
	canonicalise(p);
	check_bearers(p);
	if (!p->bad_mode) {
		check_role(p);
		if (conf->role == DCONF_GATEWAY)
			check_dtls_gateway(p);
		else if (conf->role == DCONF_BRIDGE)
			check_dtls_bridge(p);
	}
	if (conf->role != DCONF_RELAY)
		check_rto(p);
	if (conf->role == DCONF_GATEWAY)
		check_map(p);
	for (i = 0; i < conf->nbearers; i++)
		if (p->blines[i][sr] == 0)
			conf->bearers[i].status_reports = conf->status_reports;
}

/* A section the role does not use is one error, at its header. */
static void
check_sections(struct dparse *p)
{
	unsigned rbit = 1u << p->conf->role;
	size_t i;

	for (i = DS_MAIN; i < DS_COUNT; i++)
		if (p->sect_line[i] != 0 && !(dconf_sect_roles[i] & rbit))
			dparse_err(p, p->sect_line[i], "[%s] is not used by "
			    "role = %s (only by %s)", dconf_sect_names[i],
			    roles[p->conf->role], mask_names(
			    dconf_sect_roles[i], roles, 3));
}

static void
check_usage(struct dparse *p)
{
	const struct dconf *conf = p->conf;
	const struct dconf_kw *k;
	unsigned rbit = 1u << conf->role;
	size_t i;

	for (i = 0; i < dconf_nkeywords; i++) {
		k = &dconf_keywords[i];
		if (k->sect == DS_BEARER || p->glines[i] == 0 ||
		    !(dconf_sect_roles[k->sect] & rbit))
			continue;
		if (!(k->roles & rbit))
			dparse_err(p, p->glines[i], "%s: not used by role = "
			    "%s (only by %s)", k->name, roles[conf->role],
			    mask_names(k->roles, roles, 3));
		else if (k->auths != 0 && !(k->auths & (1u << conf->auth)))
			dparse_err(p, p->glines[i], "%s: not used with auth "
			    "= %s (only with %s)", k->name, auths[conf->auth],
			    mask_names(k->auths, auths, 3));
		else if ((k->flags & DK_WDP) && !conf->wdp)
			dparse_err(p, p->glines[i], "%s: not used with wdp = "
			    "off", k->name);
	}
	for (i = 0; i < conf->nbearers; i++)
		check_bearer_usage(p, i);
}

static void
check_bearer_usage(struct dparse *p, size_t bi)
{
	const struct dconf_bearer *b = &p->conf->bearers[bi];
	const struct dconf_kw *k;
	size_t i;

	if (b->type == DCONF_BEARER_NONE)
		return;
	for (i = 0; i < dconf_nkeywords; i++) {
		k = &dconf_keywords[i];
		if (k->sect == DS_BEARER && p->blines[bi][i] != 0 &&
		    !(k->btypes & (1u << b->type)))
			dparse_err(p, p->blines[bi][i], "%s: not used by type "
			    "= %s bearers (only by %s)", k->name,
			    types[b->type], mask_names(k->btypes, types, 3));
	}
}

static void
canonicalise(struct dparse *p)
{
	struct dconf *conf = p->conf;
	struct dconf_bearer *b;
	size_t i, ms = kw_index(DS_BEARER, "msisdn");
	size_t sc = kw_index(DS_BEARER, "smsc");

	canon_one(p, &conf->gateway, line_of(p, "gateway"), "gateway");
	for (i = 0; i < conf->nbearers; i++) {
		b = &conf->bearers[i];
		canon_one(p, &b->msisdn, p->blines[i][ms], "msisdn");
		canon_one(p, &b->smsc, p->blines[i][sc], "smsc");
	}
	for (i = 0; i < conf->nmap; i++)
		canon_one(p, &conf->map[i].msisdn, conf->map[i].line, "[map]");
}

/* Turn m->text into the canonical "+digits" form, or report why not. */
static void
canon_one(struct dparse *p, struct dconf_msisdn *m, int line,
    const char *what)
{
	const char *cc = p->conf->country_code;
	struct smsdtls_peer peer;
	char text[sizeof(m->text)];

	if (m->text[0] == '\0')
		return;
	if (smsdtls_peer_sms(&peer, m->text, cc[0] != '\0' ? cc : NULL, 0,
	    0) != SMSDTLS_OK ||
	    smsdtls_addr_format(&peer.u.msisdn, text, sizeof(text)) !=
	    SMSDTLS_OK) {
		dparse_err(p, line, "%s %s: no international form (a "
		    "national number needs country_code in [sms])", what,
		    m->text);
		return;
	}
	memcpy(m->text, text, sizeof(text));
	m->addr = peer.u.msisdn;
}

static void
check_bearers(struct dparse *p)
{
	const struct dconf_bearer *b;
	const int *l;
	size_t i, ad = kw_index(DS_BEARER, "address");
	size_t ms = kw_index(DS_BEARER, "msisdn");
	size_t dv = kw_index(DS_BEARER, "device");

	if (p->conf->nbearers == 0)
		dparse_err(p, 0, "no [bearer NAME] section: at least one "
		    "bearer is required");
	for (i = 0; i < p->conf->nbearers; i++) {
		b = &p->conf->bearers[i];
		l = p->blines[i];
		if (b->type == DCONF_BEARER_NONE &&
		    l[kw_index(DS_BEARER, "type")] == 0)
			dparse_err(p, b->line, "[bearer %s]: type is required "
			    "(link or gammu)", b->name);
		if (b->type == DCONF_BEARER_LINK && l[ad] == 0)
			dparse_err(p, b->line, "[bearer %s]: address is "
			    "required by type = link", b->name);
		if (b->type == DCONF_BEARER_LINK && l[ms] == 0)
			dparse_err(p, b->line, "[bearer %s]: msisdn is "
			    "required by type = link", b->name);
		if (b->type == DCONF_BEARER_GAMMU && l[dv] == 0)
			dparse_err(p, b->line, "[bearer %s]: device is "
			    "required by type = gammu", b->name);
	}
}

static void
check_role(struct dparse *p)
{
	const struct dconf *conf = p->conf;

	if (conf->role != DCONF_BRIDGE)
		require(p, DS_UPSTREAM, "address", conf->upstream.host[0] !=
		    '\0');
	else
		require(p, DS_SMS, "gateway", conf->gateway.text[0] != '\0');
}

static void
check_dtls_gateway(struct dparse *p)
{
	const struct dconf *conf = p->conf;

	switch (conf->auth) {
	case SMSDTLS_AUTH_PSK:
		require(p, DS_DTLS, "psk_store", conf->psk_store[0] != '\0');
		break;
	case SMSDTLS_AUTH_RPK:
		require(p, DS_DTLS, "key", conf->key[0] != '\0');
		if (conf->client_auth)
			require(p, DS_DTLS, "rpk_pins",
			    conf->rpk_pins[0] != '\0');
		break;
	case SMSDTLS_AUTH_X509:
		require(p, DS_DTLS, "key", conf->key[0] != '\0');
		require(p, DS_DTLS, "cert", conf->cert[0] != '\0');
		if (conf->client_auth)
			require(p, DS_DTLS, "ca", conf->ca[0] != '\0');
		break;
	}
}

static void
check_dtls_bridge(struct dparse *p)
{
	const struct dconf *conf = p->conf;
	bool key = conf->key[0] != '\0', cert = conf->cert[0] != '\0';

	switch (conf->auth) {
	case SMSDTLS_AUTH_PSK:
		require(p, DS_DTLS, "psk_identity",
		    conf->psk_identity[0] != '\0');
		require(p, DS_DTLS, "psk_key_file",
		    conf->psk_key_file[0] != '\0');
		break;
	case SMSDTLS_AUTH_RPK:
		require(p, DS_DTLS, "key", key);
		require(p, DS_DTLS, "rpk_pins", conf->rpk_pins[0] != '\0');
		break;
	case SMSDTLS_AUTH_X509:
		require(p, DS_DTLS, "ca", conf->ca[0] != '\0');
		if (key != cert)
			dparse_err(p, line_of(p, key ? "key" : "cert"),
			    "%s: a client certificate needs both key and "
			    "cert", key ? "key" : "cert");
		break;
	}
}

static void
check_rto(struct dparse *p)
{
	char a[32], b[32];
	int line;

	if (p->conf->rto_max_ms >= p->conf->rto_initial_ms)
		return;
	dconf_fmt_duration(p->conf->rto_max_ms, a, sizeof(a));
	dconf_fmt_duration(p->conf->rto_initial_ms, b, sizeof(b));
	if ((line = line_of(p, "rto_max")) == 0)
		line = line_of(p, "rto_initial");
	dparse_err(p, line, "rto_max %s is below rto_initial %s", a, b);
}

/* Sort [map] by number; a number or a port given twice is an error. */
static void
check_map(struct dparse *p)
{
	struct dconf *conf = p->conf;
	struct dconf_map *byport;
	size_t i;

	if (conf->nmap == 0)
		return;
	qsort(conf->map, conf->nmap, sizeof(*conf->map), map_cmp_msisdn);
	for (i = 1; i < conf->nmap; i++)
		if (strcmp(conf->map[i].msisdn.text,
		    conf->map[i - 1].msisdn.text) == 0)
			dparse_err(p, conf->map[i].line, "[map] %s: repeated "
			    "(first at line %d)", conf->map[i].msisdn.text,
			    conf->map[i - 1].line);
	if ((byport = calloc(conf->nmap, sizeof(*byport))) == NULL) {
		dparse_err(p, 0, "out of memory");
		return;
	}
	memcpy(byport, conf->map, conf->nmap * sizeof(*byport));
	qsort(byport, conf->nmap, sizeof(*byport), map_cmp_port);
	for (i = 1; i < conf->nmap; i++)
		if (byport[i].port == byport[i - 1].port)
			dparse_err(p, byport[i].line, "[map] %s: port %u is "
			    "%s's already (line %d)", byport[i].msisdn.text,
			    (unsigned)byport[i].port,
			    byport[i - 1].msisdn.text, byport[i - 1].line);
	free(byport);
}

/* If !ok, report that the role needs key in section sect: at the
 * section's header, else at the role's line, else without a line. */
static void
require(struct dparse *p, uint8_t sect, const char *key, bool ok)
{
	const struct dconf *conf = p->conf;
	char how[48] = "";
	int line;

	if (ok || line_of(p, key) != 0)	/* given, with a bad value */
		return;
	if ((line = p->sect_line[sect]) == 0)
		line = line_of(p, "role");
	if (sect == DS_DTLS)
		snprintf(how, sizeof(how), " with auth = %s",
		    auths[conf->auth]);
	dparse_err(p, line, "[%s] %s is required by role = %s%s",
	    dconf_sect_names[sect], key, roles[conf->role], how);
}

/* Where a key outside [bearer] was set (0: not set). */
static int
line_of(struct dparse *p, const char *name)
{
	size_t i;

	for (i = 0; i < dconf_nkeywords; i++)
		if (dconf_keywords[i].sect != DS_BEARER &&
		    strcmp(dconf_keywords[i].name, name) == 0)
			return p->glines[i];
	return 0;
}

static size_t
kw_index(uint8_t sect, const char *name)
{
	size_t i;

	for (i = 0; i < dconf_nkeywords; i++)
		if (dconf_keywords[i].sect == sect &&
		    strcmp(dconf_keywords[i].name, name) == 0)
			break;
	return i;
}

/* "gateway", "gateway or relay": the names of the bits in mask. */
static const char *
mask_names(unsigned mask, const char *const *names, size_t n)
{
	static char buf[64];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!(mask & (1u << i)) || names[i][0] == '\0')
			continue;
		if (buf[0] != '\0')
			strncat(buf, " or ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, names[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static int
map_cmp_msisdn(const void *a, const void *b)
{
	const struct dconf_map *x = a, *y = b;
	int c = strcmp(x->msisdn.text, y->msisdn.text);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

static int
map_cmp_port(const void *a, const void *b)
{
	const struct dconf_map *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* ---------------------------------------------- lookups after a parse */

const struct dconf_bearer *
dconf_bearer_find(const struct dconf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nbearers; i++)
		if (strcmp(conf->bearers[i].name, name) == 0)
			return &conf->bearers[i];
	return NULL;
}

const struct dconf_map *
dconf_map_by_msisdn(const struct dconf *conf,
    const struct smsdtls_addr *canonical)
{
	struct dconf_map key;
	size_t lo = 0, hi = conf->nmap, mid;
	int c;

	memset(&key, 0, sizeof(key));
	if (smsdtls_addr_format(canonical, key.msisdn.text,
	    sizeof(key.msisdn.text)) != SMSDTLS_OK)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key.msisdn.text, conf->map[mid].msisdn.text);
		if (c == 0)
			return &conf->map[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct dconf_map *
dconf_map_by_port(const struct dconf *conf, uint16_t port)
{
	size_t i;

	for (i = 0; i < conf->nmap; i++)
		if (conf->map[i].port == port)
			return &conf->map[i];
	return NULL;
}

bool
dconf_allowed(const struct dconf *conf, const struct smsdtls_addr *canonical)
{
	char num[DCONF_MSISDN_MAX + SMSDTLS_ADDR_TEXT_MAX];
	size_t i;

	if (conf->nallow == 0)
		return true;
	if (canonical->ton != SMSDTLS_TON_INTERNATIONAL ||
	    smsdtls_addr_format(canonical, num, sizeof(num)) != SMSDTLS_OK)
		return false;
	for (i = 0; i < conf->nallow; i++)
		if (strncmp(num, conf->allow[i], strlen(conf->allow[i])) == 0)
			return true;
	return false;
}
