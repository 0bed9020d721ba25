/*
 * dconf_creds.c - from a parsed smsdtlsd.conf to the library's settings:
 * the endpoint configuration of the role (struct smsdtls_config,
 * include/smsdtls/session.h) with the credentials [dtls] names loaded
 * from their files, and the SMS transport's settings.  The daemon calls
 * it at start and on SIGHUP, so a failure says which key and which file.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dconf.h"

static smsdtls_rc load_psk(const struct dconf *, struct smsdtls_config *,
		    struct dconf_creds *, char *, size_t);
static smsdtls_rc load_certs(const struct dconf *, struct smsdtls_config *,
		    struct dconf_creds *, char *, size_t);
static smsdtls_rc load_file(const char *, const char *, bool, uint8_t **,
		    size_t *, char *, size_t);
static smsdtls_rc load_psk_key(const char *, struct dconf_creds *, char *,
		    size_t);
static smsdtls_rc hex_key(const uint8_t *, size_t, struct dconf_creds *,
		    const char **);
static uint8_t	buf_format(const uint8_t *, size_t);
static smsdtls_rc fail(char *, size_t, smsdtls_rc, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

smsdtls_rc
dconf_endpoint_config(const struct dconf *conf, struct smsdtls_config *cfg,
    struct dconf_creds *creds, char *err, size_t errlen)
{
	struct smsdtls_config c;
	char why[256];
	smsdtls_rc rc;

	memset(creds, 0, sizeof(*creds));
	if (conf->role == DCONF_RELAY)
		return fail(err, errlen, SMSDTLS_EINVAL, "role = relay "
		    "terminates no DTLS");
	smsdtls_config_init(&c);
	c.role = conf->role == DCONF_GATEWAY ? SMSDTLS_SERVER :
	    SMSDTLS_CLIENT;
	c.auth = conf->auth;
	c.rto_initial_ms = (uint32_t)conf->rto_initial_ms;
	c.rto_max_ms = (uint32_t)conf->rto_max_ms;
	c.handshake_timeout_ms = (uint32_t)conf->handshake_timeout_ms;
	c.idle_timeout_ms = (uint32_t)conf->idle_timeout_ms;
	c.app_validity_s = (uint32_t)((conf->app_validity_ms + 999) / 1000);
	c.max_sessions = conf->max_sessions;
	c.max_half_open = conf->max_half_open;
	c.session_tickets = conf->session_tickets;
	c.rto_learn = conf->rto_learn;
	c.no_client_auth = conf->role == DCONF_GATEWAY && !conf->client_auth;
	if (conf->role == DCONF_BRIDGE && conf->server_name[0] != '\0')
		c.server_name = conf->server_name;
	if (conf->auth == SMSDTLS_AUTH_PSK)
		rc = load_psk(conf, &c, creds, err, errlen);
	else
		rc = load_certs(conf, &c, creds, err, errlen);
	if (rc == SMSDTLS_OK && smsdtls_config_check(&c, why, sizeof(why)) !=
	    SMSDTLS_OK)
		rc = fail(err, errlen, SMSDTLS_EINVAL, "[dtls]: %s", why);
	if (rc != SMSDTLS_OK) {
		dconf_creds_free(creds);
		return rc;
	}
	*cfg = c;
	return SMSDTLS_OK;
}

void
dconf_creds_free(struct dconf_creds *creds)
{
	if (creds == NULL)
		return;
	smsdtls_psk_store_free(creds->psk_store);
	if (creds->key != NULL) {
		explicit_bzero(creds->key, creds->key_len);
		free(creds->key);
	}
	free(creds->cert);
	free(creds->ca);
	free(creds->rpk_pins);
	explicit_bzero(creds, sizeof(*creds));
}

void
dconf_sms_config(const struct dconf *conf, const struct dconf_bearer *b,
    struct smsdtls_sms_config *scfg)
{
	smsdtls_sms_config_init(scfg);
	scfg->ports = conf->wdp;
	snprintf(scfg->country_code, sizeof(scfg->country_code), "%s",
	    conf->country_code);
	scfg->status_reports = b != NULL ? b->status_reports :
	    conf->status_reports;
	scfg->concat = conf->role == DCONF_RELAY && conf->concat;
}

static smsdtls_rc
load_psk(const struct dconf *conf, struct smsdtls_config *c,
    struct dconf_creds *creds, char *err, size_t errlen)
{
	char why[256];
	smsdtls_rc rc;

	if (conf->role == DCONF_BRIDGE) {
		rc = load_psk_key(conf->psk_key_file, creds, err, errlen);
		if (rc != SMSDTLS_OK)
			return rc;
		c->psk_identity = conf->psk_identity;
		c->psk_key = creds->psk_key;
		c->psk_key_len = creds->psk_key_len;
		return SMSDTLS_OK;
	}
	why[0] = '\0';
	rc = smsdtls_psk_store_load(conf->psk_store, false, &creds->psk_store,
	    why, sizeof(why));
	if (rc != SMSDTLS_OK)
		return fail(err, errlen, rc, "[dtls] psk_store %s: %s",
		    conf->psk_store, why[0] != '\0' ? why :
		    smsdtls_strerror(rc));
	c->psk_store = creds->psk_store;
	return SMSDTLS_OK;
}

/* RPK and X.509: the files that are set; the config check then says
 * what is missing. */
static smsdtls_rc
load_certs(const struct dconf *conf, struct smsdtls_config *c,
    struct dconf_creds *creds, char *err, size_t errlen)
{
	smsdtls_rc rc = SMSDTLS_OK;

	if (conf->key[0] != '\0' && (rc = load_file("key", conf->key, true,
	    &creds->key, &creds->key_len, err, errlen)) != SMSDTLS_OK)
		return rc;
	if (conf->auth == SMSDTLS_AUTH_X509 && conf->cert[0] != '\0' &&
	    (rc = load_file("cert", conf->cert, false, &creds->cert,
	    &creds->cert_len, err, errlen)) != SMSDTLS_OK)
		return rc;
	if (conf->auth == SMSDTLS_AUTH_X509 && conf->ca[0] != '\0' &&
	    (rc = load_file("ca", conf->ca, false, &creds->ca,
	    &creds->ca_len, err, errlen)) != SMSDTLS_OK)
		return rc;
	if (conf->auth == SMSDTLS_AUTH_RPK && conf->rpk_pins[0] != '\0' &&
	    (rc = load_file("rpk_pins", conf->rpk_pins, false,
	    &creds->rpk_pins, &creds->rpk_pins_len, err, errlen)) !=
	    SMSDTLS_OK)
		return rc;
	c->key = creds->key;
	c->key_len = creds->key_len;
	c->key_format = buf_format(creds->key, creds->key_len);
	c->cert = creds->cert;
	c->cert_len = creds->cert_len;
	c->cert_format = buf_format(creds->cert, creds->cert_len);
	c->ca = creds->ca;
	c->ca_len = creds->ca_len;
	c->rpk_pins = creds->rpk_pins;
	c->rpk_pins_len = creds->rpk_pins_len;
	return SMSDTLS_OK;
}

/* Read a file; a secret one must not be open to group or others. */
static smsdtls_rc
load_file(const char *what, const char *path, bool secret, uint8_t **bufp,
    size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char why[256];
	smsdtls_rc rc;

	if (secret && stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		return fail(err, errlen, SMSDTLS_EINVAL, "[dtls] %s %s: mode "
		    "%04o: open to group or others (chmod 600)", what, path,
		    (unsigned)(st.st_mode & 07777));
	why[0] = '\0';
	rc = smsdtls_read_file(path, bufp, lenp, why, sizeof(why));
	if (rc != SMSDTLS_OK)
		return fail(err, errlen, rc, "[dtls] %s %s: %s", what, path,
		    why[0] != '\0' ? why : smsdtls_strerror(rc));
	if (*lenp == 0) {
		free(*bufp);
		*bufp = NULL;
		return fail(err, errlen, SMSDTLS_EINVAL, "[dtls] %s %s: "
		    "empty file", what, path);
	}
	return SMSDTLS_OK;
}

/* The bridge's PSK: a file holding the key in hex (white space ignored). */
static smsdtls_rc
load_psk_key(const char *path, struct dconf_creds *creds, char *err,
    size_t errlen)
{
	const char *why = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	smsdtls_rc rc;

	rc = load_file("psk_key_file", path, true, &buf, &len, err, errlen);
	if (rc != SMSDTLS_OK)
		return rc;
	rc = hex_key(buf, len, creds, &why);
	explicit_bzero(buf, len);
	free(buf);
	if (rc != SMSDTLS_OK)
		return fail(err, errlen, rc, "[dtls] psk_key_file %s: %s",
		    path, why);
	return SMSDTLS_OK;
}

static smsdtls_rc
hex_key(const uint8_t *buf, size_t len, struct dconf_creds *creds,
    const char **why)
{
	char hex[2 * SMSDTLS_PSK_KEY_MAX + 1];
	size_t i, n = 0;

	*why = NULL;
	for (i = 0; i < len && *why == NULL; i++) {
		if (isspace(buf[i]))
			continue;
		if (!isxdigit(buf[i]))
			*why = "not a key in hex";
		else if (n == sizeof(hex) - 1)
			*why = "key longer than 64 bytes";
		else
			hex[n++] = (char)buf[i];
	}
	hex[n] = '\0';
	if (*why == NULL && (n == 0 || n % 2 != 0))
		*why = n == 0 ? "no key" : "odd number of hex digits";
	if (*why == NULL && smsdtls_hex_decode(hex, creds->psk_key,
	    sizeof(creds->psk_key), &creds->psk_key_len) != SMSDTLS_OK)
		*why = "not a key in hex";
	explicit_bzero(hex, sizeof(hex));
	return *why == NULL ? SMSDTLS_OK : SMSDTLS_EINVAL;
}

static uint8_t
buf_format(const uint8_t *buf, size_t len)
{
	static const char pem[] = "-----BEGIN";
	size_t i;

	if (buf == NULL)
		return SMSDTLS_FORMAT_PEM;
	for (i = 0; i + sizeof(pem) - 1 <= len; i++)
		if (memcmp(buf + i, pem, sizeof(pem) - 1) == 0)
			return SMSDTLS_FORMAT_PEM;
	return SMSDTLS_FORMAT_DER;
}

static smsdtls_rc
fail(char *err, size_t errlen, smsdtls_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}
