/*
 * main.c - smsdtlsd, the gateway and device-bridge daemon: reads the
 * configuration (daemon/dconf.c, smsdtlsd.conf(5)), opens the state
 * directory, starts the bearers and the role, and runs the libevent loop.
 *
 * Signals: SIGHUP reloads credentials, mappings and limits without
 * dropping sessions; SIGTERM and SIGINT stop taking new work, save the
 * sessions, give the bearers a few seconds to hand over what is queued
 * (what is left stays in the journal for the next start) and exit 0.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/dconf.h"
#include "daemon/journal.h"
#include "daemon/modembearer.h"
#include "daemon/reclog.h"
#include "daemon/sessstore.h"
#include "daemon/smsdtlsd.h"

#ifndef SMSDTLSD_CONF
#define SMSDTLSD_CONF	"/etc/smsdtlsd/smsdtlsd.conf"
#endif

#define DRAIN_POLL_MS	100
#define DRAIN_MAX_MS	5000

extern const struct bearer_cb smsd_bearer_cb;

static struct smsd daemon_state;
static struct dconf conf;
static struct dconf_creds creds;
static struct event *drain_ev;
static const int sigs[] = { SIGHUP, SIGTERM, SIGINT };
#define NSIGS	(sizeof(sigs) / sizeof(sigs[0]))
static struct event *sig_ev[NSIGS];
static int64_t drain_until;

static const char *const drop_names[SMSD_DROP_N] = {
	[SMSD_DROP_UNKNOWN_SENDER] = "unknown_sender",
	[SMSD_DROP_RATE] = "sender_rate",
	[SMSD_DROP_MALFORMED_SMS] = "malformed",
	[SMSD_DROP_QUEUE_FULL] = "queue_full",
	[SMSD_DROP_TOO_BIG] = "too_big",
	[SMSD_DROP_NO_SESSION] = "no_session",
	[SMSD_DROP_RECORD_TOO_BIG] = "record_too_big",
	[SMSD_DROP_BEARER_FULL] = "bearer_full",
	[SMSD_DROP_EXPIRED] = "expired",
	[SMSD_DROP_SEND_FAILED] = "send_failed"
};

const char *
smsd_drop_name(enum smsd_drop why)
{
	return (unsigned)why < SMSD_DROP_N ? drop_names[why] : "?";
}

void
smsd_drop(struct smsd *d, enum smsd_drop why)
{
	if ((unsigned)why < SMSD_DROP_N)
		d->st.drops[why]++;
}

int64_t
smsd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
smsd_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
smsd_log(struct smsd *d, int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info",
	    "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
	    LOG_DEBUG };
	char	msg[512], when[32];
	struct timespec ts;
	struct tm tm;
	va_list	ap;

	if (level > d->log_level || level < 0 || level > 3)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->syslog) {
		syslog(prio[level], "%s", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld smsdtlsd %s: %s\n", when,
	    ts.tv_nsec / 1000000, names[level], msg);
}

static void
lib_log(int level, const char *msg, void *arg)
{
	smsd_log(arg, level, "dtls: %s", msg);
}

/* HOST:PORT to a socket address; false with errno-like reason logged. */
static bool
resolve(struct smsd *d, const char *what, const char *host, uint16_t port,
    struct sockaddr_storage *sa, socklen_t *salen)
{
	struct addrinfo hints, *res;
	char	serv[8];
	int	e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV | (*host == '\0' ? AI_PASSIVE : 0);
	snprintf(serv, sizeof(serv), "%u", port);
	e = getaddrinfo(*host == '\0' ? NULL : host, serv, &hints, &res);
	if (e != 0) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "%s %s: %s", what, host,
		    gai_strerror(e));
		return false;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*salen = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* The wildcard address of the upstream's family, or [upstream] bind. */
static bool
resolve_bind(struct smsd *d)
{
	struct sockaddr_storage *sa = &d->o.bind;

	if (conf.bind[0] != '\0')
		return resolve(d, "[upstream] bind", conf.bind, 0, sa,
		    &d->o.bind_len);
	memset(sa, 0, sizeof(*sa));
	sa->ss_family = d->o.upstream.ss_family;
	d->o.bind_len = sa->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	return true;
}

static void
apply_limits(struct smsd *d)
{
	size_t	i;

	d->o.rate = conf.rate.per_s;
	d->o.rate_burst = conf.rate.count > 0 ? conf.rate.count : 1;
	d->o.nallow = conf.nallow < SMSD_ALLOW_MAX ? conf.nallow :
	    SMSD_ALLOW_MAX;
	for (i = 0; i < d->o.nallow; i++)
		snprintf(d->o.allow[i], sizeof(d->o.allow[i]), "%s",
		    conf.allow[i]);
	d->o.queue_max = conf.queue;
}

static bool
apply_maps(struct smsd *d)
{
	struct smsd_map *maps = NULL;
	size_t	i;

	if (conf.nmap > 0 && (maps = calloc(conf.nmap, sizeof(*maps))) ==
	    NULL)
		return false;
	for (i = 0; i < conf.nmap; i++) {
		snprintf(maps[i].msisdn, sizeof(maps[i].msisdn), "%s",
		    conf.map[i].msisdn.text);
		maps[i].port = conf.map[i].port;
	}
	free(d->maps);
	d->maps = maps;
	d->nmaps = conf.nmap;
	return true;
}

static bool
setup_opts(struct smsd *d)
{
	struct smsd_opts *o = &d->o;

	o->role = conf.role == DCONF_RELAY ? SMSD_RELAY :
	    conf.role == DCONF_BRIDGE ? SMSD_BRIDGE : SMSD_GATEWAY;
	o->wdp = conf.wdp;
	o->port = conf.port;
	o->concat = conf.concat;
	o->app_validity_s = (uint32_t)(conf.app_validity_ms / 1000);
	o->socket_idle_ms = conf.park_after_ms > 0 ? conf.park_after_ms :
	    conf.idle_timeout_ms;
	apply_limits(d);
	if (o->role == SMSD_BRIDGE) {
		if (smsdtls_peer_sms(&o->gateway, conf.gateway.text,
		    conf.country_code, conf.wdp ? conf.gateway_port : 0,
		    conf.wdp ? conf.port : 0) != SMSDTLS_OK) {
			smsd_log(d, SMSDTLS_LOG_ERROR, "[sms] gateway %s: not "
			    "a usable number", conf.gateway.text);
			return false;
		}
		return resolve(d, "[bridge] listen", conf.listen.host,
		    conf.listen.port, &o->listen, &o->listen_len);
	}
	if (!resolve(d, "[upstream] address", conf.upstream.host,
	    conf.upstream.port, &o->upstream, &o->upstream_len) ||
	    !resolve_bind(d))
		return false;
	return apply_maps(d);
}

static bool
setup_dtls(struct smsd *d)
{
	char	err[256];

	if (d->o.role == SMSD_RELAY) {
		/* No endpoint; relay.c takes the profile's timers (the
		 * handshake SMS validity) from the defaults. */
		smsdtls_config_init(&d->cfg);
		return true;
	}
	if (dconf_endpoint_config(&conf, &d->cfg, &creds, err, sizeof(err)) !=
	    SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "%s", err);
		return false;
	}
	d->cfg.log = lib_log;
	d->cfg.log_arg = d;
	d->cfg.log_level = d->log_level;
	d->cfg.park_after_ms = conf.park_after_ms > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)conf.park_after_ms;
	return true;
}

static void
store_warn(const char *msg)
{
	smsd_log(&daemon_state, SMSDTLS_LOG_WARN, "state: %s", msg);
}

static bool
setup_state(struct smsd *d)
{
	char	err[256];

	reclog_set_warn(store_warn);
	if (mkdir(conf.state_dir, 0700) != 0 && errno != EEXIST) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "state_dir %s: %s",
		    conf.state_dir, strerror(errno));
		return false;
	}
	if (journal_open(conf.state_dir, conf.journal_max, &d->journal, err,
	    sizeof(err)) != SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "journal: %s", err);
		return false;
	}
	if (sessstore_open(conf.state_dir,
	    &d->store, err, sizeof(err)) != SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "sessions: %s", err);
		return false;
	}
	return true;
}

/* "tcp:ADDRESS:PORT" for a link bearer, its host name resolved. */
static bool
link_tcp_address(struct smsd *d, const struct dconf_bearer *cb, char *buf,
    size_t buflen)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	char	host[NI_MAXHOST];

	if (!resolve(d, "[bearer] address", cb->address.hp.host,
	    cb->address.hp.port, &sa, &salen) ||
	    getnameinfo((struct sockaddr *)&sa, salen, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) != 0)
		return false;
	snprintf(buf, buflen, sa.ss_family == AF_INET6 ? "tcp:[%s]:%u" :
	    "tcp:%s:%u", host, cb->address.hp.port);
	return true;
}

static bool
setup_bearer(struct smsd *d, const struct dconf_bearer *cb,
    struct smsd_link *l)
{
	struct smsdtls_sms_config scfg;
	char	addr[DCONF_PATH_MAX + 16];
	smsdtls_rc rc;

	snprintf(l->name, sizeof(l->name), "%s", cb->name);
	l->d = d;
	dconf_sms_config(&conf, cb, &scfg);
	if (cb->type == DCONF_BEARER_LINK) {
		if (cb->address.tcp) {
			if (!link_tcp_address(d, cb, addr, sizeof(addr)))
				return false;
		} else
			snprintf(addr, sizeof(addr), "unix:%s",
			    cb->address.path);
		/* The simulated SMSC takes every VP format. */
		scfg.vp_accept = SMSDTLS_VP_ACCEPT_ALL &
		    ~SMSDTLS_VP_ACCEPT_ABSOLUTE;
		rc = linkbearer_new(d->base, cb->name, addr, cb->msisdn.text,
		    conf.journal_max, &smsd_bearer_cb, l, &l->b);
	} else {
		scfg.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE;
		rc = modembearer_new(d->base, cb, conf.journal_max,
		    &smsd_bearer_cb, l, &l->b);
	}
	if (rc == SMSDTLS_OK)
		rc = smsd_link_start(d, l, &scfg);
	if (rc != SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "[bearer %s]: cannot start: %s",
		    cb->name, smsdtls_strerror(rc));
		return false;
	}
	return true;
}

static bool
setup_role(struct smsd *d)
{
	smsdtls_rc rc;

	switch (d->o.role) {
	case SMSD_RELAY:
		rc = relay_start(d);
		break;
	case SMSD_BRIDGE:
		rc = bridge_start(d);
		break;
	default:
		rc = gateway_start(d);
		break;
	}
	if (rc != SMSDTLS_OK)
		smsd_log(d, SMSDTLS_LOG_ERROR, "%s role cannot start: %s",
		    dconf_role_name(conf.role), smsdtls_strerror(rc));
	return rc == SMSDTLS_OK;
}

static bool
drop_privileges(struct smsd *d)
{
	struct passwd *pw;

	if (conf.user[0] == '\0')
		return true;
	if ((pw = getpwnam(conf.user)) == NULL) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "user %s: no such user",
		    conf.user);
		return false;
	}
	if (chown(conf.state_dir, pw->pw_uid, pw->pw_gid) != 0 ||
	    initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "cannot become %s: %s",
		    conf.user, strerror(errno));
		return false;
	}
	smsd_log(d, SMSDTLS_LOG_INFO, "running as %s", conf.user);
	return true;
}

/*
 * Give every endpoint the credentials of cfg, all or none: if one
 * refuses them, those that took them get d->cfg's back (its buffers are
 * still loaded).
 */
static bool
reload_credentials(struct smsd *d, const struct smsdtls_config *cfg)
{
	char	err[256];
	size_t	i, j;

	if (cfg->role != d->cfg.role || cfg->auth != d->cfg.auth) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "reload: %s changed, which "
		    "takes a restart; the running configuration stays",
		    cfg->role != d->cfg.role ? "[smsdtlsd] role" :
		    "[dtls] auth");
		return false;
	}
	for (i = 0; i < d->nlinks; i++) {
		if (d->links[i].ep == NULL ||
		    smsdtls_endpoint_set_credentials(d->links[i].ep, cfg, err,
		    sizeof(err)) == SMSDTLS_OK)
			continue;
		smsd_log(d, SMSDTLS_LOG_ERROR, "reload: [dtls] bearer %s: %s; "
		    "the running configuration stays", d->links[i].name, err);
		for (j = 0; j < i; j++)
			if (d->links[j].ep != NULL &&
			    smsdtls_endpoint_set_credentials(d->links[j].ep,
			    &d->cfg, err, sizeof(err)) != SMSDTLS_OK)
				smsd_log(d, SMSDTLS_LOG_ERROR, "reload: bearer "
				    "%s keeps the new credentials: %s",
				    d->links[j].name, err);
		return false;
	}
	return true;
}

/*
 * d->cfg takes the credentials of n, loaded (into creds) for the
 * configuration now in conf; n's strings point into the parse that conf
 * was copied from.
 */
static void
take_credentials(struct smsd *d, const struct smsdtls_config *n)
{
	struct smsdtls_config *c = &d->cfg;

	c->psk_identity = n->psk_identity != NULL ? conf.psk_identity : NULL;
	c->psk_key = n->psk_key;
	c->psk_key_len = n->psk_key_len;
	c->psk_store = n->psk_store;
	c->key = n->key;
	c->key_len = n->key_len;
	c->key_format = n->key_format;
	c->cert = n->cert;
	c->cert_len = n->cert_len;
	c->cert_format = n->cert_format;
	c->ca = n->ca;
	c->ca_len = n->ca_len;
	c->rpk_pins = n->rpk_pins;
	c->rpk_pins_len = n->rpk_pins_len;
}

/* PEM blocks ("-----BEGIN ") in buf. */
static size_t
pem_count(const uint8_t *buf, size_t len)
{
	static const char tag[] = "-----BEGIN ";
	size_t	i, n = 0;

	for (i = 0; buf != NULL && i + sizeof(tag) - 1 <= len; i++)
		if (memcmp(buf + i, tag, sizeof(tag) - 1) == 0)
			n++;
	return n;
}

/* The credentials of cfg and the files of conf they come from, for the
 * log. */
static void
describe_credentials(const struct smsdtls_config *cfg, char *buf,
    size_t len)
{
	if (cfg->auth == SMSDTLS_AUTH_PSK && cfg->psk_store != NULL)
		snprintf(buf, len, "psk_store=%s identities=%zu",
		    conf.psk_store, smsdtls_psk_store_count(cfg->psk_store));
	else if (cfg->auth == SMSDTLS_AUTH_PSK)
		snprintf(buf, len, "psk_identity=%s psk_key_file=%s",
		    conf.psk_identity, conf.psk_key_file);
	else if (cfg->auth == SMSDTLS_AUTH_RPK)
		snprintf(buf, len, "key=%s rpk_pins=%s pinned=%zu", conf.key,
		    cfg->rpk_pins != NULL ? conf.rpk_pins : "none",
		    pem_count(cfg->rpk_pins, cfg->rpk_pins_len));
	else
		snprintf(buf, len, "key=%s cert=%s certs=%zu ca=%s anchors=%zu",
		    cfg->key != NULL ? conf.key : "none",
		    cfg->cert != NULL ? conf.cert : "none",
		    pem_count(cfg->cert, cfg->cert_len),
		    cfg->ca != NULL ? conf.ca : "none",
		    pem_count(cfg->ca, cfg->ca_len));
}

/* SIGHUP: credentials, mappings and limits, sessions untouched. */
static void
reload(struct smsd *d)
{
	struct dconf next;
	struct dconf_creds nc, old;
	struct smsdtls_config ncfg;
	char	err[256], what[4 * DCONF_PATH_MAX];
	bool	dtls = d->o.role != SMSD_RELAY;

	dconf_init(&next);
	if (dconf_parse(&next, conf.path, stderr) != 0) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "reload: %s has errors; the "
		    "running configuration stays", conf.path);
		dconf_free(&next);
		return;
	}
	memset(&nc, 0, sizeof(nc));
	if (dtls && dconf_endpoint_config(&next, &ncfg, &nc, err,
	    sizeof(err)) != SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "reload: %s; the running "
		    "configuration stays", err);
		dconf_free(&next);
		return;
	}
	if (dtls && !reload_credentials(d, &ncfg)) {
		dconf_creds_free(&nc);
		dconf_free(&next);
		return;
	}
	/* The endpoints have their own copies now; d->cfg points into the
	 * new creds, and the old ones can go. */
	old = creds;
	creds = nc;
	dconf_free(&conf);
	conf = next;
	if (dtls)
		take_credentials(d, &ncfg);
	dconf_creds_free(&old);
	apply_limits(d);
	if (d->o.role == SMSD_GATEWAY && apply_maps(d))
		gateway_apply_maps(d);
	d->st.reloads++;
	if (dtls)
		describe_credentials(&d->cfg, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "none: relaying");
	smsd_log(d, SMSDTLS_LOG_INFO, "reloaded %s: credentials (%s), "
	    "mappings and limits (other changes need a restart)", conf.path,
	    what);
}

static size_t
queued_total(struct smsd *d)
{
	struct bearer_stats bs;
	size_t	i, n = 0;

	for (i = 0; i < d->nlinks; i++) {
		bearer_stats(d->links[i].b, &bs);
		n += bs.queued;
	}
	return n;
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smsd *d = arg;
	struct timeval tv = { 0, DRAIN_POLL_MS * 1000 };
	size_t	n = queued_total(d);

	(void)fd;
	(void)what;
	if (n == 0 || smsd_now() >= drain_until) {
		if (n > 0)
			smsd_log(d, SMSDTLS_LOG_WARN, "%zu SMS still queued: "
			    "kept in the journal for the next start", n);
		event_base_loopbreak(d->base);
		return;
	}
	evtimer_add(drain_ev, &tv);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct smsd *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		reload(d);
		return;
	}
	if (d->stopping)
		return;
	d->stopping = true;
	smsd_log(d, SMSDTLS_LOG_INFO, "stopping (signal %d)", (int)sig);
	smsd_sessions_save_all(d);
	drain_until = smsd_now() + DRAIN_MAX_MS;
	if ((drain_ev = evtimer_new(d->base, drain_cb, d)) == NULL)
		event_base_loopbreak(d->base);
	else
		drain_cb(-1, 0, d);
}

static void
shutdown_all(struct smsd *d)
{
	size_t	i;

	switch (d->o.role) {
	case SMSD_RELAY:
		relay_stop(d);
		break;
	case SMSD_BRIDGE:
		bridge_stop(d);
		break;
	default:
		gateway_stop(d);
		break;
	}
	metrics_stop();
	for (i = 0; i < d->nlinks; i++)
		smsd_link_stop(&d->links[i]);
	if (d->store != NULL)
		sessstore_close(d->store);
	if (d->journal != NULL)
		journal_close(d->journal);
	free(d->maps);
	if (drain_ev != NULL)
		event_free(drain_ev);
	for (i = 0; i < NSIGS; i++)
		if (sig_ev[i] != NULL)
			event_free(sig_ev[i]);
	dconf_creds_free(&creds);
	dconf_free(&conf);
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: smsdtlsd [-dnV] [-c file]\n"
	    "  -c file  configuration (default %s)\n"
	    "  -d       log at debug level to stderr\n"
	    "  -n       check the configuration, print it and exit\n"
	    "  -V       print the version and exit\n", SMSDTLSD_CONF);
}

static bool
start(struct smsd *d)
{
	char	maddr[DCONF_HOST_MAX + 16];
	size_t	i;

	for (i = 0; i < NSIGS; i++) {
		if ((sig_ev[i] = evsignal_new(d->base, sigs[i], signal_cb,
		    d)) == NULL || event_add(sig_ev[i], NULL) != 0)
			return false;
	}
	if (!setup_opts(d) || !setup_dtls(d) || !setup_state(d))
		return false;
	for (i = 0; i < conf.nbearers && i < SMSD_LINKS_MAX; i++) {
		if (!setup_bearer(d, &conf.bearers[i], &d->links[i]))
			return false;
		d->nlinks++;
	}
	if (!setup_role(d))
		return false;
	smsd_sessions_restore(d);
	smsd_journal_replay(d);
	snprintf(maddr, sizeof(maddr), strchr(conf.metrics.host, ':') ?
	    "[%s]:%u" : "%s:%u", conf.metrics.host, conf.metrics.port);
	if (conf.metrics.host[0] != '\0' && metrics_start(d, maddr) !=
	    SMSDTLS_OK) {
		smsd_log(d, SMSDTLS_LOG_ERROR, "metrics %s:%u: cannot listen",
		    conf.metrics.host, conf.metrics.port);
		return false;
	}
	return drop_privileges(d);
}

int
main(int argc, char **argv)
{
	struct smsd *d = &daemon_state;
	const char *path = SMSDTLSD_CONF;
	bool	check = false, debug = false;
	int	c, rc = 0;

	while ((c = getopt(argc, argv, "c:dhnV")) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 'n':
			check = true;
			break;
		case 'V':
			printf("smsdtlsd %s (libsmsdtls %s)\n", PACKAGE_VERSION,
			    smsdtls_version());
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	dconf_init(&conf);
	if (dconf_parse(&conf, path, stderr) != 0) {
		fprintf(stderr, "smsdtlsd: %s: configuration rejected\n", path);
		dconf_free(&conf);
		return 1;
	}
	if (check) {
		dconf_dump(&conf, stdout);
		dconf_free(&conf);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	d->log_level = debug ? SMSDTLS_LOG_DEBUG : conf.log_level;
	d->syslog = !debug && conf.log == DCONF_LOG_SYSLOG;
	if (d->syslog)
		openlog("smsdtlsd", LOG_PID, LOG_DAEMON);
	if ((d->base = event_base_new()) == NULL)
		return 1;
	smsd_log(d, SMSDTLS_LOG_INFO, "smsdtlsd %s starting as %s (%s)",
	    PACKAGE_VERSION, dconf_role_name(conf.role), path);
	if (!start(d))
		rc = 1;
	else {
		smsd_log(d, SMSDTLS_LOG_INFO, "ready");
		event_base_dispatch(d->base);
		smsd_log(d, SMSDTLS_LOG_INFO, "stopped");
	}
	shutdown_all(d);
	event_base_free(d->base);
	return rc;
}
