/*
 * dconf.h - smsdtlsd's configuration file (conf/smsdtlsd.conf, every
 * keyword in man/smsdtlsd.conf.5).
 *
 * The file is INI-like: "[section]" and "[bearer NAME]" headers,
 * "key = value" lines, '#' comment lines, blank lines.  dconf_parse()
 * checks every value, every key against the role (and the DTLS
 * authentication mode, and the bearer type) that uses it, and every key a
 * role needs; each mistake is written as "file:line: reason" and the parse
 * goes on, so that one run reports them all.  On success the struct holds
 * the effective configuration: defaults filled in, MSISDNs canonical
 * (international, with country_code applied to national numbers).
 *
 * Single-threaded; a struct dconf is plain data once parsed.  On SIGHUP
 * the daemon parses into a fresh struct and swaps it in only on success.
 */
#ifndef SMSDTLSD_DCONF_H
#define SMSDTLSD_DCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <smsdtls/smsdtls.h>

#define DCONF_PATH_MAX		1024	/* paths, NUL included */
#define DCONF_NAME_MAX		32	/* bearer, user names: 31 + NUL */
#define DCONF_HOST_MAX		256	/* host names and addresses */
/* An MSISDN: "+", up to 20 digits, NUL. */
#define DCONF_MSISDN_MAX	(SMSDTLS_ADDR_DIGITS_MAX + 2)
#define DCONF_TEXT_MAX		1024	/* reset_hook */
#define DCONF_CC_MAX		4	/* country code: 1-3 digits + NUL */
#define DCONF_BEARERS_MAX	16
#define DCONF_ALLOW_MAX		32
#define DCONF_PREFIX_MAX	(SMSDTLS_ADDR_DIGITS_MAX + 2)
#define DCONF_MAP_MAX		65535	/* one device per local UDP port */

enum dconf_role {
	DCONF_GATEWAY = 0,	/* terminating gateway: DTLS server over SMS */
	DCONF_RELAY = 1,	/* DTLS passes through to a UDP DTLS server */
	DCONF_BRIDGE = 2	/* device bridge: DTLS client over SMS */
};

enum dconf_log {
	DCONF_LOG_STDERR = 0,
	DCONF_LOG_SYSLOG = 1
};

enum dconf_bearer_type {
	DCONF_BEARER_NONE = 0,	/* only while parsing: type not given */
	DCONF_BEARER_LINK = 1,	/* smsdtls-smsc's socket link */
	DCONF_BEARER_GAMMU = 2	/* a modem through libgammu */
};

/* HOST:PORT.  host is a name or a literal address, IPv6 without its
 * brackets; "" means unset (port 0). */
struct dconf_hostport {
	char	host[DCONF_HOST_MAX];
	uint16_t port;
};

/* A link bearer's address: "unix:/PATH" or "tcp:HOST:PORT". */
struct dconf_linkaddr {
	bool	tcp;
	char	path[DCONF_PATH_MAX];	/* unix; "" unset */
	struct dconf_hostport hp;	/* tcp */
};

/* An MSISDN: after a successful parse, text is the canonical "+digits"
 * form of addr; "" when unset. */
struct dconf_msisdn {
	char	text[DCONF_MSISDN_MAX];
	struct smsdtls_addr addr;
};

/* A rate "N/s", "N/min" or "N/h"; per_s is N / unit seconds, 0 none. */
struct dconf_rate {
	double	per_s;
	uint32_t count;
	uint32_t unit_s;	/* 1, 60 or 3600 */
};

struct dconf_bearer {
	char	name[DCONF_NAME_MAX];
	int	line;		/* of its [bearer NAME] header */
	uint8_t	type;		/* enum dconf_bearer_type */
	/* link */
	struct dconf_linkaddr address;
	struct dconf_msisdn msisdn;	/* link: required; gammu: for logs */
	/* gammu */
	char	device[DCONF_PATH_MAX];
	char	connection[DCONF_NAME_MAX];	/* [at115200] */
	char	pin_file[DCONF_PATH_MAX];	/* "" none */
	struct dconf_msisdn smsc;		/* "" the SIM's */
	int64_t	poll_interval_ms;	/* [30s] */
	int64_t	call_timeout_ms;	/* [60s] */
	int64_t	probe_interval_ms;	/* [60s] */
	char	reset_hook[DCONF_TEXT_MAX];	/* "" none */
	/* both */
	struct dconf_rate send_rate;	/* [0: unlimited] */
	bool	status_reports;		/* [from [sms]] */
};

/* [map]: a device's fixed local UDP port (gateway). */
struct dconf_map {
	struct dconf_msisdn msisdn;
	uint16_t port;
	int	line;
};

struct dconf {
	char	path[DCONF_PATH_MAX];	/* the file parsed */

	/* [smsdtlsd] */
	uint8_t	role;			/* enum dconf_role [gateway] */
	char	state_dir[DCONF_PATH_MAX]; /* [/var/lib/smsdtlsd] */
	char	user[DCONF_NAME_MAX];	/* "": no privilege drop */
	uint8_t	log;			/* enum dconf_log [stderr] */
	int	log_level;		/* enum smsdtls_log_level [info] */
	struct dconf_hostport metrics;	/* host "": off */

	/* [sms] */
	bool	wdp;			/* [on] */
	uint16_t port;			/* [5684] */
	struct dconf_msisdn gateway;	/* bridge */
	uint16_t gateway_port;		/* bridge [5684] */
	char	country_code[DCONF_CC_MAX];	/* [""] */
	bool	status_reports;		/* [off] */
	bool	concat;			/* relay [off] */
	int64_t	app_validity_ms;	/* [1h] */

	/* [bearer NAME], in file order */
	struct dconf_bearer *bearers;
	size_t	nbearers;

	/* [dtls] */
	uint8_t	auth;			/* enum smsdtls_auth [psk] */
	char	psk_store[DCONF_PATH_MAX];	/* gateway, psk */
	char	psk_identity[SMSDTLS_PSK_IDENTITY_MAX + 1]; /* bridge, psk */
	char	psk_key_file[DCONF_PATH_MAX];	/* bridge, psk */
	char	key[DCONF_PATH_MAX];		/* rpk, x509 */
	char	cert[DCONF_PATH_MAX];		/* x509 */
	char	ca[DCONF_PATH_MAX];		/* x509 */
	char	rpk_pins[DCONF_PATH_MAX];	/* rpk */
	char	server_name[DCONF_HOST_MAX];	/* bridge, x509 */
	bool	client_auth;			/* gateway, rpk/x509 [on] */
	int64_t	rto_initial_ms;		/* [10s] */
	int64_t	rto_max_ms;		/* [60s] */
	bool	rto_learn;		/* [off] */
	int64_t	handshake_timeout_ms;	/* [10m] */
	int64_t	idle_timeout_ms;	/* [24h], 0 never */
	int64_t	park_after_ms;		/* [5m], 0 never */
	bool	session_tickets;	/* [off] */
	unsigned max_sessions;		/* [1024] */
	unsigned max_half_open;		/* [64] */

	/* [upstream] gateway, relay */
	struct dconf_hostport upstream;
	char	bind[DCONF_HOST_MAX];	/* "": any */

	/* [bridge] */
	struct dconf_hostport listen;	/* [127.0.0.1:5683] */

	/* [map], sorted by MSISDN after a successful parse */
	struct dconf_map *map;
	size_t	nmap;

	/* [limits] */
	struct dconf_rate rate;		/* [60/min] per sender */
	char	allow[DCONF_ALLOW_MAX][DCONF_PREFIX_MAX]; /* "+digits" */
	size_t	nallow;			/* 0: all */
	unsigned queue;			/* [16] */
	unsigned journal_max;		/* [100000] */
};

/* Fill conf with the defaults (role gateway, no bearers). */
void	dconf_init(struct dconf *conf);

/*
 * Parse the file at path into conf, which dconf_init() prepared.  Each
 * error goes to errs (may be NULL) as "path:line: reason", or "path:
 * reason" for what has no line (a missing section, an unreadable file).
 * Returns the number of errors; 0 means conf is complete and checked.
 * Whatever the result, dconf_free() releases conf.
 */
int	dconf_parse(struct dconf *conf, const char *path, FILE *errs);

/* Write the effective configuration in the file's syntax: every key the
 * role uses, with its value; unset optional keys as comments.  Parsing
 * the output gives the same configuration. */
void	dconf_dump(const struct dconf *conf, FILE *fp);

/* Release what dconf_parse() allocated; conf is left as dconf_init()
 * makes it. */
void	dconf_free(struct dconf *conf);

/* Name of a role, "gateway", "relay" or "bridge". */
const char *dconf_role_name(int role);

/* The bearer called name, or NULL. */
const struct dconf_bearer *dconf_bearer_find(const struct dconf *conf,
	    const char *name);

/* [map] entries by canonical MSISDN and by local port (NULL: none). */
const struct dconf_map *dconf_map_by_msisdn(const struct dconf *conf,
	    const struct smsdtls_addr *canonical);
const struct dconf_map *dconf_map_by_port(const struct dconf *conf,
	    uint16_t port);

/* True if [limits] allow admits a canonical (international) sender. */
bool	dconf_allowed(const struct dconf *conf,
	    const struct smsdtls_addr *canonical);

/*
 * Credentials loaded from the files [dtls] names.  The buffers are the
 * files' contents; keys are wiped when freed.
 */
struct dconf_creds {
	struct smsdtls_psk_store *psk_store;	/* gateway, psk */
	uint8_t	psk_key[SMSDTLS_PSK_KEY_MAX];	/* bridge, psk */
	size_t	psk_key_len;
	uint8_t	*key, *cert, *ca, *rpk_pins;
	size_t	key_len, cert_len, ca_len, rpk_pins_len;
};

/*
 * Build the endpoint configuration of conf's role (gateway: server,
 * bridge: client; relay terminates no DTLS: SMSDTLS_EINVAL) and load the
 * credentials it names into creds.  Private keys and PSK files must not
 * be readable or writable by group or others.  cfg points into creds
 * (keys, PSK store) and into conf (psk_identity, server_name): both must
 * outlive smsdtls_endpoint_new(), and creds->psk_store the endpoint (the
 * library borrows it; on reload, smsdtls_endpoint_set_credentials() the
 * new ones before freeing the old creds).  The log fields of cfg are left
 * NULL.  On error, writes "[dtls] KEY PATH: reason" into err, frees
 * anything loaded and returns SMSDTLS_EINVAL or SMSDTLS_ENOMEM; creds is
 * then empty.  park_after has no library field yet: the daemon reads
 * conf->park_after_ms itself.
 */
smsdtls_rc dconf_endpoint_config(const struct dconf *conf,
	    struct smsdtls_config *cfg, struct dconf_creds *creds, char *err,
	    size_t errlen);
void	dconf_creds_free(struct dconf_creds *creds);

/* The SMS transport settings for bearer b (NULL: [sms] alone): WDP
 * ports, country code, status reports (the bearer's own setting),
 * concatenation; other fields at their defaults.  vp_accept is left at
 * the default for the bearer code to set. */
void	dconf_sms_config(const struct dconf *conf,
	    const struct dconf_bearer *b, struct smsdtls_sms_config *scfg);

#endif /* SMSDTLSD_DCONF_H */
