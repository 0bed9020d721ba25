/*
 * smsdtls-cat - a netcat for DTLS over SMS: each line read from stdin
 * goes to the peer as one DTLS datagram, and each datagram received is
 * written to stdout (followed by a newline with -n).  For trying a
 * gateway or a device by hand; see smsdtls-cat(1).
 *
 * The SMS bearer is the simulated SMSC's socket link (-L) or a modem
 * through libgammu (-M).  Client by default; -l waits for a client.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include <smsdtls/smsdtls.h>
#include <smsdtls/event.h>

#include "daemon/bearer.h"
#include "daemon/modembearer.h"

#define CAT_QUEUE	64
#define CAT_LINE_MAX	2048

struct cat {
	struct event_base *base;
	struct bearer *b;
	struct smsdtls_sms *sms;
	struct smsdtls_endpoint *ep;
	struct smsdtls_evdrv *drv;
	struct smsdtls_session *s;
	struct smsdtls_peer peer;
	struct event *in_ev, *quit_ev;
	struct evbuffer *in;
	bool	listen, newline, eof, verbose;
	unsigned wait_s;
	int	status;
};

static struct cat cat;

static void
say(const char *fmt, ...)
{
	va_list	ap;

	if (!cat.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "smsdtls-cat: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void
quit_after(unsigned s)
{
	struct timeval tv = { (time_t)s, 0 };

	evtimer_add(cat.quit_ev, &tv);
}

static void
quit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (cat.s != NULL)
		smsdtls_session_close(cat.s, smsdtls_evdrv_now(cat.drv));
	event_base_loopexit(cat.base, NULL);
}

/* Send every complete line waiting (all of it at EOF). */
static void
pump_stdin(void)
{
	char	*line;
	size_t	len;
	int64_t	now;
	smsdtls_rc rc;

	if (cat.s == NULL || !smsdtls_session_established(cat.s))
		return;
	now = smsdtls_evdrv_now(cat.drv);
	while ((line = evbuffer_readln(cat.in, &len, EVBUFFER_EOL_LF)) !=
	    NULL || (cat.eof && evbuffer_get_length(cat.in) > 0 &&
	    (line = calloc(1, CAT_LINE_MAX + 1)) != NULL &&
	    (len = evbuffer_remove(cat.in, line, CAT_LINE_MAX)) > 0)) {
		rc = smsdtls_session_send(cat.s, (uint8_t *)line, len, now);
		if (rc != SMSDTLS_OK)
			fprintf(stderr, "smsdtls-cat: %zu bytes not sent: %s "
			    "(at most %zu per datagram)\n", len,
			    smsdtls_strerror(rc),
			    smsdtls_session_max_payload(cat.s));
		free(line);
	}
	smsdtls_evdrv_kick(cat.drv);
	if (cat.eof && !cat.listen)
		quit_after(cat.wait_s);
}

static void
stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	int	n;

	(void)what;
	(void)arg;
	n = evbuffer_read(cat.in, fd, 4096);
	if (n <= 0) {
		cat.eof = true;
		event_del(cat.in_ev);
	}
	if (evbuffer_get_length(cat.in) > CAT_LINE_MAX * 8) {
		/* Nobody to send to yet: stop reading until the session. */
		event_del(cat.in_ev);
	}
	pump_stdin();
}

static void
ep_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	char	who[80];

	(void)ep;
	(void)arg;
	smsdtls_peer_format(ev->peer, who, sizeof(who));
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		say("session with %s up (%s)", who, ev->resumed ? "resumed" :
		    "full handshake");
		cat.s = ev->session;
		if (!cat.eof)
			event_add(cat.in_ev, NULL);
		pump_stdin();
		return;
	case SMSDTLS_EV_DATA:
		fwrite(ev->data, 1, ev->len, stdout);
		if (cat.newline)
			fputc('\n', stdout);
		fflush(stdout);
		return;
	case SMSDTLS_EV_CLOSED:
		say("session with %s closed", who);
		break;
	case SMSDTLS_EV_ERROR:
		fprintf(stderr, "smsdtls-cat: session with %s failed: %s "
		    "(%d)\n", who, smsdtls_strerror(ev->rc), ev->detail);
		cat.status = 1;
		break;
	}
	if (cat.s == ev->session)
		cat.s = NULL;
	if (!cat.listen)
		event_base_loopexit(cat.base, NULL);
}

static smsdtls_rc
submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	static uint64_t id;

	(void)arg;
	(void)info;
	return bearer_submit(cat.b, ++id, tpdu, len);
}

static void
received(void *arg, struct bearer *b, const uint8_t *tpdu, size_t len,
    uint64_t handle)
{
	struct smsdtls_sms_rx rx;
	int64_t	now = smsdtls_evdrv_now(cat.drv);

	(void)arg;
	if (smsdtls_sms_input(cat.sms, tpdu, len, false, now, &rx) ==
	    SMSDTLS_OK && rx.kind == SMSDTLS_SMS_RX_DATAGRAM) {
		smsdtls_endpoint_input(cat.ep, &rx.peer, rx.data, rx.len, now);
		smsdtls_evdrv_kick(cat.drv);
	}
	bearer_accept(b, handle);
}

static void
submitted(void *arg, struct bearer *b, uint64_t id, smsdtls_rc rc, int mr,
    uint32_t vp)
{
	(void)arg;
	(void)b;
	(void)vp;
	if (rc != SMSDTLS_OK)
		fprintf(stderr, "smsdtls-cat: SMS %llu failed: %s\n",
		    (unsigned long long)id, smsdtls_strerror(rc));
	else
		say("SMS %llu accepted, MR %d", (unsigned long long)id, mr);
}

static void
health(void *arg, struct bearer *b, enum bearer_health h, const char *why)
{
	(void)arg;
	say("bearer %s: %s (%s)", b->name, bearer_health_name(h), why);
}

static void
bearer_log(void *arg, int level, const char *msg)
{
	(void)arg;
	if (level <= SMSDTLS_LOG_WARN || cat.verbose)
		fprintf(stderr, "smsdtls-cat: %s\n", msg);
}

static void
lib_log(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level <= SMSDTLS_LOG_WARN || cat.verbose)
		fprintf(stderr, "smsdtls-cat: dtls: %s\n", msg);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: smsdtls-cat [-lnv] (-L address | -M device) -m msisdn\n"
"           [-i identity -k keyfile | -S pskstore] [-c country-code]\n"
"           [-p port] [-P local-port] [-W] [-w seconds] [peer]\n"
"  -L address  the simulated SMSC's link: unix:/path or tcp:HOST:PORT\n"
"  -M device   a modem through libgammu (connection at115200)\n"
"  -m msisdn   our own number\n"
"  -i, -k      PSK identity, and a file with the key in hex (client)\n"
"  -S file     PSK store: \"identity hexkey\" lines (with -l)\n"
"  -l          listen: wait for a client instead of connecting to peer\n"
"  -p, -P      the peer's and our WDP port (default 5684 and 5684)\n"
"  -W          no WDP ports (PMTU 140)\n"
"  -n          write a newline after each datagram received\n"
"  -w seconds  after EOF on stdin, wait this long for answers (10)\n"
"  -v          tell what happens on stderr\n");
}

static bool
read_key(const char *path, uint8_t *key, size_t *keylen)
{
	char	err[128], hex[2 * SMSDTLS_PSK_KEY_MAX + 2];
	uint8_t	*buf;
	size_t	len, n = 0, i;

	if (smsdtls_read_file(path, &buf, &len, err, sizeof(err)) !=
	    SMSDTLS_OK) {
		fprintf(stderr, "smsdtls-cat: %s: %s\n", path, err);
		return false;
	}
	for (i = 0; i < len && n + 1 < sizeof(hex); i++)
		if (buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ')
			hex[n++] = (char)buf[i];
	hex[n] = '\0';
	free(buf);
	if (smsdtls_hex_decode(hex, key, SMSDTLS_PSK_KEY_MAX, keylen) !=
	    SMSDTLS_OK || *keylen == 0) {
		fprintf(stderr, "smsdtls-cat: %s: not a key in hex\n", path);
		return false;
	}
	return true;
}

struct opts {
	const char *link, *modem, *msisdn, *identity, *keyfile, *store;
	const char *cc, *peer;
	unsigned port, lport;
	bool	wdp;
};

static bool
setup_bearer(const struct opts *o)
{
	static const struct bearer_cb cb = { received, submitted, health,
	    bearer_log };
	struct dconf_bearer mb;
	smsdtls_rc rc;

	if (o->link != NULL)
		rc = linkbearer_new(cat.base, "link", o->link, o->msisdn,
		    CAT_QUEUE, &cb, NULL, &cat.b);
	else {
		memset(&mb, 0, sizeof(mb));
		snprintf(mb.name, sizeof(mb.name), "modem");
		mb.type = DCONF_BEARER_GAMMU;
		snprintf(mb.device, sizeof(mb.device), "%s", o->modem);
		snprintf(mb.connection, sizeof(mb.connection), "at115200");
		mb.poll_interval_ms = 5000;
		mb.call_timeout_ms = 60000;
		mb.probe_interval_ms = 60000;
		rc = modembearer_new(cat.base, &mb, CAT_QUEUE, &cb, NULL,
		    &cat.b);
	}
	if (rc != SMSDTLS_OK)
		fprintf(stderr, "smsdtls-cat: bearer: %s\n",
		    smsdtls_strerror(rc));
	return rc == SMSDTLS_OK;
}

static bool
setup(const struct opts *o, struct smsdtls_psk_store **store)
{
	struct smsdtls_sms_config scfg;
	struct smsdtls_bearer sb = { submit, NULL };
	struct smsdtls_transport t;
	struct smsdtls_config cfg;
	static uint8_t key[SMSDTLS_PSK_KEY_MAX];
	size_t	keylen;
	char	err[256];

	smsdtls_config_init(&cfg);
	cfg.log = lib_log;
	cfg.log_level = cat.verbose ? SMSDTLS_LOG_DEBUG : SMSDTLS_LOG_WARN;
	if (cat.listen) {
		cfg.role = SMSDTLS_SERVER;
		if (smsdtls_psk_store_load(o->store, false, store, err,
		    sizeof(err)) != SMSDTLS_OK) {
			fprintf(stderr, "smsdtls-cat: %s: %s\n", o->store, err);
			return false;
		}
		cfg.psk_store = *store;
	} else {
		if (!read_key(o->keyfile, key, &keylen))
			return false;
		cfg.psk_identity = o->identity;
		cfg.psk_key = key;
		cfg.psk_key_len = keylen;
	}
	if (!setup_bearer(o))
		return false;
	smsdtls_sms_config_init(&scfg);
	scfg.ports = o->wdp;
	snprintf(scfg.country_code, sizeof(scfg.country_code), "%s",
	    o->cc != NULL ? o->cc : "");
	scfg.vp_accept = o->link != NULL ? SMSDTLS_VP_ACCEPT_RELATIVE |
	    SMSDTLS_VP_ACCEPT_ENHANCED : SMSDTLS_VP_ACCEPT_RELATIVE;
	if (smsdtls_sms_new(&scfg, &sb, &cat.sms) != SMSDTLS_OK)
		return false;
	smsdtls_sms_transport(cat.sms, &t);
	if (smsdtls_endpoint_new(&cfg, &t, ep_event, NULL, &cat.ep) !=
	    SMSDTLS_OK || smsdtls_evdrv_new(cat.base, cat.ep, &cat.drv) !=
	    SMSDTLS_OK)
		return false;
	if (!cat.listen) {
		if (smsdtls_peer_sms(&cat.peer, o->peer, o->cc, o->wdp ?
		    (uint16_t)o->port : 0, o->wdp ? (uint16_t)o->lport : 0) !=
		    SMSDTLS_OK) {
			fprintf(stderr, "smsdtls-cat: %s: not a usable "
			    "number\n", o->peer);
			return false;
		}
		if (smsdtls_connect(cat.ep, &cat.peer,
		    smsdtls_evdrv_now(cat.drv), &cat.s) != SMSDTLS_OK)
			return false;
		smsdtls_evdrv_kick(cat.drv);
	}
	return true;
}

static bool
parse_args(int argc, char **argv, struct opts *o)
{
	unsigned long v;
	char	*end;
	int	c;

	memset(o, 0, sizeof(*o));
	o->port = o->lport = 5684;
	o->wdp = true;
	cat.wait_s = 10;
	while ((c = getopt(argc, argv, "c:hi:k:L:lM:m:nP:p:S:vWw:")) != -1) {
		switch (c) {
		case 'c': o->cc = optarg; break;
		case 'i': o->identity = optarg; break;
		case 'k': o->keyfile = optarg; break;
		case 'L': o->link = optarg; break;
		case 'l': cat.listen = true; break;
		case 'M': o->modem = optarg; break;
		case 'm': o->msisdn = optarg; break;
		case 'n': cat.newline = true; break;
		case 'S': o->store = optarg; break;
		case 'v': cat.verbose = true; break;
		case 'W': o->wdp = false; break;
		case 'P':
		case 'p':
		case 'w':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v > 65535)
				return false;
			if (c == 'w')
				cat.wait_s = (unsigned)v;
			else if (c == 'p')
				o->port = (unsigned)v;
			else
				o->lport = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return false;
		}
	}
	if ((o->link == NULL) == (o->modem == NULL) || o->msisdn == NULL)
		return false;
	if (cat.listen)
		return optind == argc && o->store != NULL;
	if (optind + 1 != argc || o->identity == NULL || o->keyfile == NULL)
		return false;
	o->peer = argv[optind];
	return true;
}

int
main(int argc, char **argv)
{
	struct smsdtls_psk_store *store = NULL;
	struct opts o;
	int	rc = 1;

	if (!parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if ((cat.base = event_base_new()) == NULL ||
	    (cat.in = evbuffer_new()) == NULL ||
	    (cat.quit_ev = evtimer_new(cat.base, quit_cb, NULL)) == NULL ||
	    (cat.in_ev = event_new(cat.base, STDIN_FILENO, EV_READ |
	    EV_PERSIST, stdin_cb, NULL)) == NULL)
		return 1;
	if (setup(&o, &store)) {
		if (cat.listen)
			event_add(cat.in_ev, NULL);
		event_base_dispatch(cat.base);
		rc = cat.status;
	}
	if (cat.drv != NULL)
		smsdtls_evdrv_free(cat.drv);
	if (cat.ep != NULL)
		smsdtls_endpoint_free(cat.ep);
	bearer_free(cat.b);
	if (cat.sms != NULL)
		smsdtls_sms_free(cat.sms);
	smsdtls_psk_store_free(store);
	event_free(cat.in_ev);
	event_free(cat.quit_ev);
	evbuffer_free(cat.in);
	event_base_free(cat.base);
	return rc;
}
