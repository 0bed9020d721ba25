/*
 * main.c - smsdtls-smsc, the simulated SMSC as a program: the routing
 * core (smsc/smsc.h) driven in real time by a libevent 2.1 loop, with
 * virtual mobile stations reachable as AT-command modems on
 * pseudo-terminals (smsc/atmodem.h; 3GPP TS 27.005 PDU mode) and over
 * the socket link (smsc/link.h), a text log line and a pcapng record
 * (smsc/pcap.h) for every TPDU the core handles (3GPP TS 23.040 9.2.2).
 *
 * Time is CLOCK_MONOTONIC in milliseconds since the start; the simulated
 * wall clock is the configured epoch plus that.  One timer is armed at
 * the earlier of smsc_next_deadline() and the next scheduled fault.
 * After every input the core runs, faults start or end, and the timer is
 * re-armed (pump()).  SIGTERM and SIGINT end the loop cleanly.
 *
 * A station is online while it can be reached: its modem's line is open
 * or a link client is attached to it (a station with neither modem nor
 * link is a sink, always online), and no "offline" fault is on.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <smsdtls/sms.h>

#include "smsc/atmodem.h"
#include "smsc/conf.h"
#include "smsc/link.h"
#include "smsc/pcap.h"
#include "smsc/smsc.h"

#define EXIT_CONF	1
#define EXIT_USAGE	2
#define READ_CHUNK	4096
#define APPL		"smsdtls-smsc " PACKAGE_VERSION

struct station;

struct modem {
	struct station	*stn;
	struct atmodem	*am;
	int		 master;	/* -1: the line is closed */
	int		 slave;		/* open: master gets no EIO */
	struct bufferevent *bev;	/* on master, once the loop runs */
	bool		 dead;		/* failed: never reopened */
	char		 pty[64];
	const char	*symlink;	/* "" if none */
};

struct client {
	TAILQ_ENTRY(client) entry;
	struct bufferevent *bev;
	struct link_conn *conn;
	struct station	*stn;		/* attached to, or NULL */
	bool		 closing;
};
TAILQ_HEAD(clientq, client);

struct station {
	struct smsc_station *st;
	const struct conf_station *cs;	/* NULL: added by a link HELLO */
	struct modem	*modem;
	struct client	*client;
	int		 offline;	/* "offline" faults on now */
	bool		 link;
	uint64_t	 evdone[2];	/* events started, ended (bits) */
};

struct server {
	struct conf	 conf;
	bool		 debug;
	bool		 verbose;
	bool		 detached;	/* messages go to syslog */
	bool		 running;	/* the loop was entered */
	struct timespec	 t0;
	struct event_base *base;
	struct smsc	*sc;
	struct station	**stn;
	size_t		 nstn, capstn;
	struct clientq	 clients;
	struct event	*timer;
	struct event	*sig[4];
	int		 lfd[2];	/* Unix, TCP listening sockets */
	struct evconnlistener *listener[2];
	bool		 unix_bound;	/* we made the link socket */
	FILE		*pcap;
	FILE		*log;
	bool		 pcap_failed;
};

static struct server srv = { .lfd = { -1, -1 } };

static void	usage(FILE *);
static int	options(int, char **, const char **, bool *);
static void	say(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int64_t	now_ms(void);
static int	setup(void);
static int	setup_files(void);
static int	setup_station(const struct conf_station *);
static int	setup_listeners(void);
static int	listen_unix(const char *);
static int	listen_tcp(int);
static int	detach(void);
static int	setup_events(void);
static void	shutdown_all(void);
static void	pump(void);
static void	timer_arm(int64_t);
static void	timer_cb(evutil_socket_t, short, void *);
static void	signal_cb(evutil_socket_t, short, void *);
static void	log_cb(const struct smsc_log_event *, void *);
static void	log_stats(void);
static void	deliver_cb(struct smsc *, struct smsc_station *,
		    enum smsdtls_tpdu_type, const uint8_t *, size_t, int64_t,
		    void *);
static struct station *station_new(const char *,
		    const struct conf_station *);
static struct station *station_of(const struct smsc_station *);
static void	station_sync(struct station *, int64_t);
static int64_t	events_run(int64_t);
static void	event_start(struct station *, const struct conf_event *,
		    int64_t);
static int	modem_new(struct station *);
static int	modem_open(struct modem *);
static int	modem_watch(struct modem *);
static void	modem_close(struct modem *);
static void	modem_free(struct modem *);
static void	modem_sync(struct modem *, int64_t);
static void	modem_write_cb(void *, const uint8_t *, size_t);
static void	modem_read_cb(struct bufferevent *, void *);
static void	modem_event_cb(struct bufferevent *, short, void *);
static void	accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	client_free(struct client *);
static void	client_read_cb(struct bufferevent *, void *);
static void	client_write_cb(struct bufferevent *, void *);
static void	client_event_cb(struct bufferevent *, short, void *);
static void	client_write(void *, const uint8_t *, size_t);
static struct smsc_station *client_attach(void *, struct link_conn *,
		    const char *, uint16_t *);
static void	client_detach(void *, struct link_conn *,
		    struct smsc_station *);
static int	mkdir_parents(const char *);

static const struct option longopts[] = {
	{ "auto-station", no_argument, NULL, 'a' },
	{ "debug", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "link", required_argument, NULL, 'L' },
	{ "link-tcp", required_argument, NULL, 'T' },
	{ "log", required_argument, NULL, 'l' },
	{ "pcap", required_argument, NULL, 'p' },
	{ "seed", required_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	const char *file = NULL;
	bool check = false;
	int rc;

	conf_init(&srv.conf);
	TAILQ_INIT(&srv.clients);
	if ((rc = options(argc, argv, &file, &check)) >= 0)
		return rc;
	if (check) {
		fprintf(stderr, "configuration OK\n");
		if (srv.verbose)
			conf_dump(&srv.conf, stdout);
		conf_free(&srv.conf);
		return EXIT_SUCCESS;
	}
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &srv.t0);
	if (setup() != 0 || detach() != 0 || setup_events() != 0) {
		shutdown_all();
		return EXIT_FAILURE;
	}
	say(LOG_INFO, "smsc ready stations=%zu", srv.nstn);
	srv.running = true;
	pump();
	event_base_dispatch(srv.base);
	say(LOG_INFO, "smsc exiting");
	shutdown_all();
	return EXIT_SUCCESS;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: smsdtls-smsc [-adnv] [-f file] [-L path] [-l file] "
	    "[-p file]\n"
	    "                    [-s seed] [-T port]\n"
	    "  -a, --auto-station  a link HELLO may add unknown stations\n"
	    "  -d, --debug         stay in the foreground, log to stderr\n"
	    "  -f FILE             configuration file\n"
	    "  -L, --link PATH     link on a Unix socket at PATH\n"
	    "  -l, --log FILE      a line per TPDU to FILE (\"-\": stderr)\n"
	    "  -n                  check the configuration and exit\n"
	    "  -p, --pcap FILE     write the TPDUs to FILE (pcapng)\n"
	    "  -s, --seed N        seed of all randomness\n"
	    "  -T, --link-tcp PORT link on 127.0.0.1:PORT\n"
	    "  -v, --verbose       with -n, print the configuration\n"
	    "  -h, --help          this help;  -V, --version  the version\n");
}

/* Parse the command line and the file; returns an exit status, or -1
 * to go on.  Options override the file. */
static int
options(int argc, char **argv, const char **file, bool *check)
{
	struct conf *c = &srv.conf;
	const char *pcap = NULL, *logf = NULL, *sock = NULL, *seed = NULL;
	long port = -1;
	bool autost = false;
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "adf:hL:l:np:s:T:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			autost = true;
			break;
		case 'd':
			srv.debug = true;
			break;
		case 'f':
			*file = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'L':
			sock = optarg;
			break;
		case 'l':
			logf = optarg;
			break;
		case 'n':
			*check = true;
			break;
		case 'p':
			pcap = optarg;
			break;
		case 's':
			seed = optarg;
			break;
		case 'T':
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 1 ||
			    port > 65535) {
				fprintf(stderr, "smsdtls-smsc: bad port: %s\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v':
			srv.verbose = true;
			break;
		case 'V':
			printf("%s\n", APPL);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (*file == NULL)
		c->auto_station = true;
	else if (conf_parse(c, *file, stderr) != 0)
		return EXIT_CONF;
	if (seed != NULL) {
		errno = 0;
		c->smsc.seed = strtoull(seed, &end, 10);
		if (*seed < '0' || *seed > '9' || *end != '\0' || errno) {
			fprintf(stderr, "smsdtls-smsc: bad seed: %s\n", seed);
			return EXIT_USAGE;
		}
	}
	if (autost)
		c->auto_station = true;
	if (port > 0)
		c->link_tcp = (int)port;
	if (pcap != NULL)
		snprintf(c->pcap_path, sizeof(c->pcap_path), "%s", pcap);
	if (logf != NULL)
		snprintf(c->log_path, sizeof(c->log_path), "%s",
		    strcmp(logf, "-") == 0 ? "stderr" : logf);
	if (sock != NULL)
		snprintf(c->link_path, sizeof(c->link_path), "%s", sock);
	return conf_check(c, stderr) == 0 ? -1 : EXIT_CONF;
}

/* A message about the program (not a TPDU): stderr, or syslog once
 * detached. */
static void
say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!srv.detached) {
		fprintf(stderr, "smsdtls-smsc: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else
		vsyslog(prio, fmt, ap);
	va_end(ap);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)(ts.tv_sec - srv.t0.tv_sec) * 1000 +
	    (ts.tv_nsec - srv.t0.tv_nsec) / 1000000;
}

/* Everything that can fail with a message, before detaching. */
static int
setup(void)
{
	size_t i;

	if (smsc_new(&srv.conf.smsc, &srv.sc) != SMSDTLS_OK) {
		say(LOG_ERR, "invalid SMSC settings");
		return -1;
	}
	smsc_set_log_cb(srv.sc, log_cb, NULL);
	if (setup_files() != 0)
		return -1;
	for (i = 0; i < srv.conf.nst; i++)
		if (setup_station(&srv.conf.st[i]) != 0)
			return -1;
	return setup_listeners();
}

static int
setup_files(void)
{
	const struct conf *c = &srv.conf;

	if (strcmp(c->log_path, "stderr") == 0 ||
	    (c->log_path[0] == '\0' && srv.debug))
		srv.log = stderr;
	else if (c->log_path[0] != '\0' &&
	    (srv.log = fopen(c->log_path, "a")) == NULL) {
		say(LOG_ERR, "log %s: %s", c->log_path, strerror(errno));
		return -1;
	}
	if (srv.log != NULL && srv.log != stderr)
		setvbuf(srv.log, NULL, _IOLBF, 0);
	if (c->pcap_path[0] == '\0')
		return 0;
	if ((srv.pcap = fopen(c->pcap_path, "wb")) == NULL) {
		say(LOG_ERR, "pcap %s: %s", c->pcap_path, strerror(errno));
		return -1;
	}
	if (pcap_write_head(srv.pcap, APPL) != SMSDTLS_OK ||
	    fflush(srv.pcap) != 0) {
		say(LOG_ERR, "pcap %s: cannot write", c->pcap_path);
		return -1;
	}
	return 0;
}

static int
setup_station(const struct conf_station *cs)
{
	struct station *stn;
	smsdtls_rc rc;

	if ((stn = station_new(cs->msisdn, cs)) == NULL)
		return -1;
	if ((rc = smsc_station_set_conf(srv.sc, stn->st, &cs->sconf)) !=
	    SMSDTLS_OK) {
		say(LOG_ERR, "station %s: %s", cs->msisdn,
		    smsdtls_strerror(rc));
		return -1;
	}
	if (cs->modem && (modem_new(stn) != 0 || modem_open(stn->modem) != 0))
		return -1;
	station_sync(stn, 0);
	return 0;
}

static int
setup_listeners(void)
{
	const struct conf *c = &srv.conf;

	if (c->link_path[0] != '\0') {
		if ((srv.lfd[0] = listen_unix(c->link_path)) == -1)
			return -1;
		srv.unix_bound = true;
	}
	if (c->link_tcp > 0 && (srv.lfd[1] = listen_tcp(c->link_tcp)) == -1)
		return -1;
	return 0;
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un sun;
	struct stat sb;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		say(LOG_ERR, "link %s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		goto fail;
	/* A socket left by an instance that is gone is replaced. */
	if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode)) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			say(LOG_ERR, "link %s: in use", path);
			close(fd);
			return -1;
		}
		unlink(path);
		close(fd);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, SOMAXCONN) == -1)
		goto fail;
	return fd;
fail:
	say(LOG_ERR, "link %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
listen_tcp(int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		say(LOG_ERR, "link 127.0.0.1:%d: %s", port, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Without -d, go to the background; the parent exits once everything
 * can be reached. */
static int
detach(void)
{
	if (srv.debug)
		return 0;
	openlog("smsdtls-smsc", LOG_PID, LOG_DAEMON);
	if (daemon(1, 0) != 0) {
		say(LOG_ERR, "daemon: %s", strerror(errno));
		return -1;
	}
	srv.detached = true;
	return 0;
}

/* The event loop, after detaching: its backend must not be forked. */
static int
setup_events(void)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	size_t i;
	int j;

	if ((srv.base = event_base_new()) == NULL ||
	    (srv.timer = evtimer_new(srv.base, timer_cb, NULL)) == NULL)
		goto fail;
	for (i = 0; i < 4; i++) {
		srv.sig[i] = evsignal_new(srv.base, signals[i], signal_cb,
		    NULL);
		if (srv.sig[i] == NULL || event_add(srv.sig[i], NULL) != 0)
			goto fail;
	}
	for (j = 0; j < 2; j++) {
		if (srv.lfd[j] == -1)
			continue;
		if (evutil_make_socket_nonblocking(srv.lfd[j]) != 0)
			goto fail;
		srv.listener[j] = evconnlistener_new(srv.base, accept_cb,
		    NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0,
		    srv.lfd[j]);
		if (srv.listener[j] == NULL)
			goto fail;
		srv.lfd[j] = -1;	/* the listener owns it now */
	}
	for (i = 0; i < srv.nstn; i++)
		if (srv.stn[i]->modem != NULL &&
		    modem_watch(srv.stn[i]->modem) != 0)
			goto fail;
	return 0;
fail:
	say(LOG_ERR, "libevent setup failed");
	return -1;
}

static void
shutdown_all(void)
{
	struct client *c;
	size_t i;
	int j;

	while ((c = TAILQ_FIRST(&srv.clients)) != NULL)
		client_free(c);
	for (i = 0; i < srv.nstn; i++) {
		modem_free(srv.stn[i]->modem);
		free(srv.stn[i]);
	}
	free(srv.stn);
	for (j = 0; j < 2; j++) {
		if (srv.listener[j] != NULL)
			evconnlistener_free(srv.listener[j]);
		if (srv.lfd[j] != -1)
			close(srv.lfd[j]);
	}
	if (srv.unix_bound)
		unlink(srv.conf.link_path);
	if (srv.running)
		log_stats();
	if (srv.pcap != NULL && fclose(srv.pcap) != 0)
		say(LOG_ERR, "pcap %s: %s", srv.conf.pcap_path,
		    strerror(errno));
	if (srv.log != NULL && srv.log != stderr)
		fclose(srv.log);
	smsc_free(srv.sc);
	for (i = 0; i < 4; i++)
		if (srv.sig[i] != NULL)
			event_free(srv.sig[i]);
	if (srv.timer != NULL)
		event_free(srv.timer);
	if (srv.base != NULL)
		event_base_free(srv.base);
	conf_free(&srv.conf);
}

/* After any input: due faults, the core, modem lines, the timer. */
static void
pump(void)
{
	int64_t now = now_ms(), next;
	size_t i;

	next = events_run(now);
	smsc_run(srv.sc, now);
	for (i = 0; i < srv.nstn; i++)
		if (srv.stn[i]->modem != NULL)
			modem_sync(srv.stn[i]->modem, now);
	if (smsc_next_deadline(srv.sc) < next)
		next = smsc_next_deadline(srv.sc);
	timer_arm(next - now);
}

static void
timer_arm(int64_t delay)
{
	struct timeval tv;

	if (delay >= INT64_MAX / 2) {
		evtimer_del(srv.timer);
		return;
	}
	if (delay < 0)
		delay = 0;
	tv.tv_sec = (time_t)(delay / 1000);
	tv.tv_usec = (suseconds_t)(delay % 1000 * 1000);
	evtimer_add(srv.timer, &tv);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	pump();
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	if (sig == SIGUSR1) {
		log_stats();
		return;
	}
	if (sig == SIGHUP) {
		if (srv.log != NULL && srv.log != stderr &&
		    freopen(srv.conf.log_path, "a", srv.log) == NULL)
			srv.log = NULL;
		return;
	}
	say(LOG_INFO, "signal %d", (int)sig);
	event_base_loopexit(srv.base, NULL);
}

/* One log line and one pcap record per TPDU. */
static void
log_cb(const struct smsc_log_event *ev, void *arg)
{
	static const char *const kinds[] = { "in", "refused", "out", "out",
	    "drop" };
	static const char *const types[] = { "DELIVER", "SUBMIT",
	    "STATUS-REPORT" };
	char hex[2 * SMSDTLS_PDU_MAX + 1], when[40], comment[PCAP_COMMENT_MAX
	    + 1];
	struct pcap_rec rec;
	struct tm tm;
	int64_t wall = srv.conf.smsc.epoch * 1000 + ev->now;
	time_t secs = (time_t)(wall / 1000);

	(void)arg;
	if (srv.pcap != NULL && pcap_event_rec(ev, srv.conf.smsc.epoch,
	    comment, &rec) && (pcap_write_rec(srv.pcap, &rec) != SMSDTLS_OK ||
	    fflush(srv.pcap) != 0) && !srv.pcap_failed) {
		srv.pcap_failed = true;
		say(LOG_ERR, "pcap %s: write failed", srv.conf.pcap_path);
	}
	if (srv.log == NULL || ev->kind > SMSC_LOG_DROP)
		return;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (smsdtls_hex_encode(ev->pdu, ev->len, hex, sizeof(hex)) !=
	    SMSDTLS_OK)
		hex[0] = '\0';
	fprintf(srv.log, "%s.%03dZ %s %s station=%s peer=%s mr=%u", when,
	    (int)(wall % 1000), kinds[ev->kind], ev->type <= 2 ?
	    types[ev->type] : "?", ev->station, ev->peer[0] != '\0' ?
	    ev->peer : "-", ev->mr);
	if (ev->kind == SMSC_LOG_REJECT)
		fprintf(srv.log, " cms=%d", ev->cms);
	if (ev->reason != SMSC_REASON_NONE)
		fprintf(srv.log, " reason=%s", smsc_reason_name(ev->reason));
	fprintf(srv.log, " len=%zu pdu=%s\n", ev->len, hex);
}

static void
log_stats(void)
{
	struct smsc_stats s;

	smsc_get_stats(srv.sc, &s);
	say(LOG_INFO, "stats submitted=%llu rejected=%llu delivered=%llu "
	    "reports=%llu lost=%llu duplicated=%llu expired=%llu "
	    "unknown=%llu queued=%llu", (unsigned long long)s.submitted,
	    (unsigned long long)s.rejected, (unsigned long long)s.delivered,
	    (unsigned long long)s.reports_sent, (unsigned long long)s.lost,
	    (unsigned long long)s.duplicated, (unsigned long long)s.expired,
	    (unsigned long long)s.unknown_dest, (unsigned long long)s.queued);
}

/* The core delivers to a station: its modem and its link client. */
static void
deliver_cb(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct station *stn = arg;

	(void)sc;
	(void)st;
	if (stn->modem != NULL && stn->modem->master != -1)
		atmodem_deliver(stn->modem->am, type, tpdu, len, now);
	if (stn->client != NULL)
		link_conn_deliver(stn->client->conn, type, tpdu, len);
}

/* Add the station msisdn to the core and to srv.stn. */
static struct station *
station_new(const char *msisdn, const struct conf_station *cs)
{
	struct station *stn, **v;
	smsdtls_rc rc;
	size_t cap;

	if (srv.nstn == srv.capstn) {
		cap = srv.capstn == 0 ? 16 : srv.capstn * 2;
		if ((v = reallocarray(srv.stn, cap, sizeof(*v))) == NULL)
			return NULL;
		srv.stn = v;
		srv.capstn = cap;
	}
	if ((stn = calloc(1, sizeof(*stn))) == NULL)
		return NULL;
	rc = smsc_station_add(srv.sc, msisdn, deliver_cb, stn, &stn->st);
	if (rc != SMSDTLS_OK) {
		say(LOG_ERR, "station %s: %s", msisdn, smsdtls_strerror(rc));
		free(stn);
		return NULL;
	}
	stn->cs = cs;
	stn->link = cs == NULL || cs->link;
	srv.stn[srv.nstn++] = stn;
	return stn;
}

static struct station *
station_of(const struct smsc_station *st)
{
	size_t i;

	for (i = 0; i < srv.nstn; i++)
		if (srv.stn[i]->st == st)
			return srv.stn[i];
	return NULL;
}

/* Online while reachable, no "offline" fault is on and the modem has
 * room (a full modem leaves messages waiting at the SMSC). */
static void
station_sync(struct station *stn, int64_t now)
{
	bool reach, online;

	if (stn->modem == NULL && !stn->link)
		reach = true;
	else
		reach = (stn->modem != NULL && stn->modem->master != -1) ||
		    stn->client != NULL;
	online = reach && stn->offline == 0 && !(stn->modem != NULL &&
	    stn->modem->am != NULL && atmodem_full(stn->modem->am));
	if (online != smsc_station_online(stn->st))
		smsc_station_set_online(srv.sc, stn->st, online, now);
}

/* Start and end the scheduled faults due by now; returns the time of
 * the next one. */
static int64_t
events_run(int64_t now)
{
	const struct conf_event *ev;
	struct station *stn;
	int64_t next = INT64_MAX;
	size_t i, k;
	uint64_t bit;

	for (i = 0; i < srv.nstn; i++) {
		stn = srv.stn[i];
		for (k = 0; stn->cs != NULL && k < stn->cs->nev; k++) {
			ev = &stn->cs->ev[k];
			bit = (uint64_t)1 << k;
			if (!(stn->evdone[0] & bit) && ev->at <= now) {
				stn->evdone[0] |= bit;
				event_start(stn, ev, now);
			}
			if (!(stn->evdone[0] & bit)) {
				next = ev->at < next ? ev->at : next;
				continue;
			}
			if (!(stn->evdone[1] & bit) && ev->until <= now) {
				stn->evdone[1] |= bit;
				if (ev->kind == CONF_EV_OFFLINE)
					stn->offline--;
				station_sync(stn, now);
			}
			if (!(stn->evdone[1] & bit) && ev->until < next)
				next = ev->until;
		}
	}
	return next;
}

static void
event_start(struct station *stn, const struct conf_event *ev, int64_t now)
{
	static const char *const kinds[] = { "offline", "reject", "fault" };
	int64_t until = ev->until == CONF_NEVER ? INT64_MAX : ev->until;

	say(LOG_INFO, "station %s %s line=%d", stn->cs->msisdn,
	    kinds[ev->kind], ev->line);
	switch (ev->kind) {
	case CONF_EV_OFFLINE:
		stn->offline++;
		station_sync(stn, now);
		break;
	case CONF_EV_REJECT:
		smsc_station_reject(srv.sc, stn->st, ev->cms, until);
		break;
	default:
		if (stn->modem != NULL)
			atmodem_set_fault(stn->modem->am,
			    (enum atmodem_fault)ev->fault, ev->cms, until);
		break;
	}
}

static int
modem_new(struct station *stn)
{
	const struct conf_station *cs = stn->cs;
	struct atmodem_conf ac;
	struct modem *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->stn = stn;
	m->master = m->slave = -1;
	m->symlink = cs->modem_link;
	stn->modem = m;
	atmodem_conf_default(&ac);
	if (cs->manufacturer[0] != '\0')
		ac.manufacturer = cs->manufacturer;
	if (cs->model[0] != '\0')
		ac.model = cs->model;
	if (cs->revision[0] != '\0')
		ac.revision = cs->revision;
	if (cs->imei[0] != '\0')
		ac.imei = cs->imei;
	if (cs->imsi[0] != '\0')
		ac.imsi = cs->imsi;
	if (srv.conf.smsc_number[0] != '\0')
		ac.smsc_number = srv.conf.smsc_number;
	if (cs->slots != 0)
		ac.slots = cs->slots;
	if (atmodem_new(srv.sc, stn->st, &ac, modem_write_cb, m, &m->am) !=
	    SMSDTLS_OK) {
		say(LOG_ERR, "station %s: cannot make its modem", cs->msisdn);
		return -1;
	}
	return 0;
}

/* A new pty in raw mode, and the symlink to its slave. */
static int
modem_open(struct modem *m)
{
	struct termios t;

	if (openpty(&m->master, &m->slave, m->pty, NULL, NULL) == -1) {
		say(LOG_ERR, "openpty: %s", strerror(errno));
		m->master = m->slave = -1;
		return -1;
	}
	if (tcgetattr(m->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(m->slave, TCSANOW, &t);
	}
	if (evutil_make_socket_nonblocking(m->master) != 0 ||
	    fcntl(m->master, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(m->slave, F_SETFD, FD_CLOEXEC) == -1) {
		say(LOG_ERR, "pty %s: %s", m->pty, strerror(errno));
		return -1;
	}
	if (m->symlink[0] != '\0') {
		unlink(m->symlink);
		if (mkdir_parents(m->symlink) != 0 ||
		    symlink(m->pty, m->symlink) != 0) {
			say(LOG_ERR, "modem-link %s: %s", m->symlink,
			    strerror(errno));
			return -1;
		}
	}
	if (srv.debug) {
		printf("station %s modem %s%s%s\n", m->stn->cs->msisdn, m->pty,
		    m->symlink[0] != '\0' ? " link " : "", m->symlink);
		fflush(stdout);
	}
	return 0;
}

/* Read the line from the loop. */
static int
modem_watch(struct modem *m)
{
	if (m->master == -1)
		return 0;
	m->bev = bufferevent_socket_new(srv.base, m->master,
	    BEV_OPT_CLOSE_ON_FREE);
	if (m->bev == NULL)
		return -1;
	bufferevent_setcb(m->bev, modem_read_cb, NULL, modem_event_cb, m);
	bufferevent_enable(m->bev, EV_READ | EV_WRITE);
	return 0;
}

/* The line goes: the terminal sees a hang-up. */
static void
modem_close(struct modem *m)
{
	char target[sizeof(m->pty)];
	ssize_t n;

	if (m->bev != NULL)
		bufferevent_free(m->bev);	/* closes master */
	else if (m->master != -1)
		close(m->master);
	m->bev = NULL;
	m->master = -1;
	if (m->slave != -1)
		close(m->slave);
	m->slave = -1;
	if (m->symlink[0] != '\0' &&
	    (n = readlink(m->symlink, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		if (strcmp(target, m->pty) == 0)
			unlink(m->symlink);
	}
}

static void
modem_free(struct modem *m)
{
	if (m == NULL)
		return;
	modem_close(m);
	atmodem_free(m->am);
	free(m);
}

/* Unplug the modem while a "gone" fault is on, plug it back after. */
static void
modem_sync(struct modem *m, int64_t now)
{
	bool gone = atmodem_gone(m->am, now);

	if (gone && m->master != -1) {
		say(LOG_INFO, "station %s modem gone", m->stn->cs->msisdn);
		modem_close(m);
		station_sync(m->stn, now);
	} else if (!gone && m->master == -1 && !m->dead) {
		say(LOG_INFO, "station %s modem back", m->stn->cs->msisdn);
		if (modem_open(m) != 0 || modem_watch(m) != 0) {
			modem_close(m);
			m->dead = true;
		}
		station_sync(m->stn, now);
	}
}

static void
modem_write_cb(void *arg, const uint8_t *data, size_t len)
{
	struct modem *m = arg;

	if (m->bev != NULL)
		bufferevent_write(m->bev, data, len);
}

static void
modem_read_cb(struct bufferevent *bev, void *arg)
{
	struct modem *m = arg;
	uint8_t buf[READ_CHUNK];
	int n;

	while ((n = evbuffer_remove(bufferevent_get_input(bev), buf,
	    sizeof(buf))) > 0)
		atmodem_input(m->am, buf, (size_t)n, now_ms());
	/* AT+CMGD may have made room in a full modem. */
	station_sync(m->stn, now_ms());
	pump();
}

static void
modem_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct modem *m = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		say(LOG_WARNING, "station %s modem line failed",
		    m->stn->cs->msisdn);
		modem_close(m);
		m->dead = true;
		station_sync(m->stn, now_ms());
	}
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	static const struct link_host host = { client_write, client_attach,
	    client_detach };
	struct client *c;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    link_conn_new(srv.sc, &host, c, &c->conn) != SMSDTLS_OK ||
	    (c->bev = bufferevent_socket_new(srv.base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		say(LOG_WARNING, "link: cannot take a client");
		if (c != NULL)
			link_conn_free(c->conn);
		free(c);
		close(fd);
		return;
	}
	TAILQ_INSERT_TAIL(&srv.clients, c, entry);
	bufferevent_setcb(c->bev, client_read_cb, NULL, client_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
client_free(struct client *c)
{
	TAILQ_REMOVE(&srv.clients, c, entry);
	link_conn_free(c->conn);	/* detaches */
	bufferevent_free(c->bev);
	free(c);
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	uint8_t buf[READ_CHUNK];
	int n;

	while (!c->closing && (n = evbuffer_remove(bufferevent_get_input(bev),
	    buf, sizeof(buf))) > 0) {
		link_conn_input(c->conn, buf, (size_t)n, now_ms());
		c->closing = link_conn_closing(c->conn);
	}
	if (c->closing) {
		/* ERROR was written: close once it is out. */
		bufferevent_disable(bev, EV_READ);
		bufferevent_setcb(bev, NULL, client_write_cb, client_event_cb,
		    c);
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			client_free(c);
	}
	pump();
}

static void
client_write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	client_free(arg);
	pump();
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		client_free(arg);
		pump();
	}
}

static void
client_write(void *arg, const uint8_t *data, size_t len)
{
	struct client *c = arg;

	bufferevent_write(c->bev, data, len);
}

/* HELLO: a configured station with link = yes, or a new one. */
static struct smsc_station *
client_attach(void *arg, struct link_conn *conn, const char *msisdn,
    uint16_t *code)
{
	struct client *c = arg;
	struct smsc_station *st;
	struct station *stn = NULL;

	(void)conn;
	if ((st = smsc_station_find(srv.sc, msisdn)) != NULL)
		stn = station_of(st);
	else if (srv.conf.auto_station) {
		if ((stn = station_new(msisdn, NULL)) == NULL) {
			*code = LINK_ERR_UNKNOWN;
			return NULL;
		}
		st = stn->st;
		say(LOG_INFO, "station %s added", smsc_station_msisdn(st));
	}
	if (stn == NULL || !stn->link) {
		*code = LINK_ERR_UNKNOWN;
		return NULL;
	}
	if (stn->client != NULL) {
		*code = LINK_ERR_BUSY;
		return NULL;
	}
	stn->client = c;
	c->stn = stn;
	station_sync(stn, now_ms());
	say(LOG_INFO, "station %s link attached", smsc_station_msisdn(st));
	return st;
}

static void
client_detach(void *arg, struct link_conn *conn, struct smsc_station *st)
{
	struct client *c = arg;

	(void)conn;
	(void)st;
	if (c->stn == NULL)
		return;
	c->stn->client = NULL;
	station_sync(c->stn, now_ms());
	c->stn = NULL;
}

/* mkdir -p of the directory that will hold path. */
static int
mkdir_parents(const char *path)
{
	char dir[CONF_PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0755) != 0 && errno != EEXIST ? -1 : 0;
}
