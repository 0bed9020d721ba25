/*
 * gateway.c - capacity's throughput figure: datagrams per second through
 * smsdtlsd as a terminating gateway, over the socket link of the
 * simulated SMSC, in real time.
 *
 * smsdtls-smsc (no latency, nothing lost) and smsdtlsd (role gateway,
 * PSK, [limits] rate off) run as child processes in a temporary
 * directory.  This process is the devices, each a station on the link
 * (docs/smsc.md, "The socket link") with an SMS transport and a DTLS
 * client endpoint, and the upstream, a UDP socket that echoes.  After
 * every device's handshake, each keeps a few datagrams in flight until
 * they have all come back: one round trip is a datagram from a device
 * through the gateway to the upstream, and its echo back.  The gateway
 * decrypts, forwards, encrypts and journals (synced to disk before each
 * SMS leaves) every one.  Rates are over wall-clock time; smsdtlsd's own
 * CPU time (from /proc) gives the cost per datagram.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "smsc/link.h"

#define GW_NUMBER	"+447700900001"
#define GW_WINDOW	4		/* datagrams in flight per device */
#define GW_PAYLOAD	32
#define GW_WAIT_MS	60000		/* for any one phase */
#define GW_WAIT_SHORT_MS 15000		/* the same, for a tiny run */
#define GW_SHORT	100		/* round trips of a tiny run */
#define GW_CHECK_MS	100		/* how often smsdtlsd is looked at */
#define GW_MAX_DEVICES	64

struct gw;

struct gw_dev {
	struct gw *gw;
	int	fd;			/* link connection */
	uint8_t	rbuf[4 * LINK_FRAME_MAX];
	size_t	rlen;
	char	msisdn[24];
	struct smsdtls_sms *sms;
	struct smsdtls_endpoint *ep;
	struct smsdtls_session *s;
	bool	welcome, connected, failed;
	unsigned quota, sent, echoed;
};

struct gw {
	char	dir[64];
	pid_t	smsc, daemon;
	int	udp;			/* the upstream, echoing */
	struct gw_dev dev[GW_MAX_DEVICES];
	unsigned ndev;
	unsigned echoed;
	int64_t	wait_ms;		/* per phase */
	const char *error;
};

static int64_t
gw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CPU time of process pid in seconds, from /proc (utime + stime). */
static double
gw_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After "pid (comm) ": state is field 3, utime 14, stime 15. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
gw_write_file(const char *path, const char *text)
{
	FILE *f;
	int fd, rc;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) == 0 ? rc : -1;
}

/* Start argv with stdout and stderr to path (or /dev/null). */
static pid_t
gw_spawn(char *const argv[], const char *path)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	/* Do not outlive the benchmark if it is killed. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	fd = open(path != NULL ? path : "/dev/null",
	    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	execv(argv[0], argv);
	_exit(127);
}

static void
gw_stop(pid_t pid)
{
	int status, i;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* Connect to the link, waiting up to 5 s for the SMSC to listen (its
 * socket file appears before it does). */
static int
gw_link_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, i;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	for (i = 0; i < 500; i++) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return fd;
		close(fd);
		if (errno != ECONNREFUSED && errno != ENOENT)
			return -1;
		usleep(10000);
	}
	return -1;
}

static int
gw_send_frame(int fd, const struct link_msg *m)
{
	uint8_t buf[LINK_FRAME_MAX];
	size_t len, off = 0;
	ssize_t n;

	if (link_encode(m, buf, sizeof(buf), &len) != SMSDTLS_OK)
		return -1;
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* The device's bearer: a SUBMIT frame on its link. */
static smsdtls_rc
gw_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct gw_dev *d = arg;
	struct link_msg m;

	(void)info;
	memset(&m, 0, sizeof(m));
	m.type = LINK_SUBMIT;
	if (len > sizeof(m.tpdu))
		return SMSDTLS_ETOOBIG;
	memcpy(m.tpdu, tpdu, len);
	m.tpdu_len = len;
	return gw_send_frame(d->fd, &m) == 0 ? SMSDTLS_OK : SMSDTLS_EINVAL;
}

static void
gw_send_next(struct gw_dev *d)
{
	uint8_t payload[GW_PAYLOAD];

	if (d->s == NULL || d->sent >= d->quota)
		return;
	memset(payload, 'a' + (int)(d->sent % 26), sizeof(payload));
	if (smsdtls_session_send(d->s, payload, sizeof(payload), gw_now()) ==
	    SMSDTLS_OK)
		d->sent++;
}

static void
gw_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct gw_dev *d = arg;

	(void)ep;
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		d->connected = true;
		d->s = ev->session;
		break;
	case SMSDTLS_EV_DATA:
		d->echoed++;
		d->gw->echoed++;
		gw_send_next(d);
		break;
	case SMSDTLS_EV_ERROR:
	case SMSDTLS_EV_CLOSED:
		d->failed = true;
		d->s = NULL;
		break;
	}
}

/* Frames from the SMSC for device d. */
static int
gw_dev_read(struct gw_dev *d)
{
	struct smsdtls_sms_rx rx;
	struct link_msg m;
	size_t used;
	ssize_t n;
	smsdtls_rc rc;

	n = read(d->fd, d->rbuf + d->rlen, sizeof(d->rbuf) - d->rlen);
	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	d->rlen += (size_t)n;
	while ((rc = link_decode(d->rbuf, d->rlen, &m, &used)) == SMSDTLS_OK) {
		if (m.type == LINK_WELCOME)
			d->welcome = true;
		else if (m.type == LINK_ERROR)
			return -1;
		else if (m.type == LINK_DELIVER &&
		    smsdtls_sms_input(d->sms, m.tpdu, m.tpdu_len, false,
		    gw_now(), &rx) == SMSDTLS_OK &&
		    rx.kind == SMSDTLS_SMS_RX_DATAGRAM)
			smsdtls_endpoint_input(d->ep, &rx.peer, rx.data, rx.len,
			    gw_now());
		memmove(d->rbuf, d->rbuf + used, d->rlen - used);
		d->rlen -= used;
	}
	return rc == SMSDTLS_AGAIN ? 0 : -1;
}

static void
gw_echo(struct gw *g)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	uint8_t buf[2048];
	ssize_t n;

	n = recvfrom(g->udp, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen);
	if (n > 0)
		(void)sendto(g->udp, buf, (size_t)n, 0,
		    (struct sockaddr *)&from, fromlen);
}

/* Has smsdtlsd exited (a configuration it refused, a crash)? */
static bool
gw_daemon_gone(struct gw *g)
{
	int status;

	if (g->daemon <= 0 || waitpid(g->daemon, &status, WNOHANG) !=
	    g->daemon)
		return false;
	g->daemon = 0;
	g->error = "smsdtlsd exited";
	return true;
}

/* Serve links, the upstream and the timers until pred(g) or timeout. */
static int
gw_loop(struct gw *g, bool (*pred)(const struct gw *))
{
	struct pollfd pfd[GW_MAX_DEVICES + 1];
	int64_t end = gw_now() + g->wait_ms, next, t;
	unsigned i;
	int wait;

	while (!pred(g)) {
		if ((t = gw_now()) >= end || gw_daemon_gone(g))
			return -1;
		next = t + GW_CHECK_MS;
		for (i = 0; i < g->ndev; i++) {
			smsdtls_endpoint_on_deadline(g->dev[i].ep, t);
			if (smsdtls_endpoint_next_deadline(g->dev[i].ep) < next)
				next = smsdtls_endpoint_next_deadline(
				    g->dev[i].ep);
			pfd[i].fd = g->dev[i].fd;
			pfd[i].events = POLLIN;
		}
		pfd[g->ndev].fd = g->udp;
		pfd[g->ndev].events = POLLIN;
		wait = next > t ? (int)(next - t) : 0;
		if (poll(pfd, g->ndev + 1, wait) < 0 && errno != EINTR)
			return -1;
		for (i = 0; i < g->ndev; i++)
			if ((pfd[i].revents & (POLLIN | POLLHUP)) != 0 &&
			    gw_dev_read(&g->dev[i]) != 0)
				return -1;
		if (pfd[g->ndev].revents & POLLIN)
			gw_echo(g);
	}
	return 0;
}

static bool
gw_all_welcome(const struct gw *g)
{
	unsigned i;

	for (i = 0; i < g->ndev; i++)
		if (!g->dev[i].welcome)
			return false;
	return true;
}

static bool
gw_all_connected(const struct gw *g)
{
	unsigned i;

	for (i = 0; i < g->ndev; i++)
		if (!g->dev[i].connected)
			return false;
	return true;
}

static bool
gw_all_echoed(const struct gw *g)
{
	unsigned i;

	for (i = 0; i < g->ndev; i++)
		if (g->dev[i].echoed < g->dev[i].quota || g->dev[i].failed)
			return g->dev[i].failed;
	return true;
}

/* The temporary directory: PSK store, configuration, state. */
static int
gw_files(struct gw *g, int upstream_port)
{
	char path[128], conf[1024];

	snprintf(g->dir, sizeof(g->dir), "/tmp/smsdtls-bench.XXXXXX");
	if (mkdtemp(g->dir) == NULL) {
		g->dir[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), "%s/state", g->dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/psk", g->dir);
	if (gw_write_file(path, "device-0001 "
	    "736d7364746c732d62656e63682d6b79\n") != 0)
		return -1;
	snprintf(conf, sizeof(conf),
	    "[smsdtlsd]\nrole = gateway\nstate_dir = %s/state\n"
	    "log_level = warn\n"
	    "[bearer smsc]\ntype = link\naddress = unix:%s/smsc.sock\n"
	    "msisdn = " GW_NUMBER "\n"
	    "[dtls]\npsk_store = %s/psk\n"
	    /* Busy devices are never idle long enough to be parked. */
	    "park_after = 0\n"
	    "[upstream]\naddress = 127.0.0.1:%d\n"
	    "[limits]\nrate = 0\n", g->dir, g->dir, g->dir, upstream_port);
	snprintf(path, sizeof(path), "%s/smsdtlsd.conf", g->dir);
	return gw_write_file(path, conf);
}

static int
gw_upstream(struct gw *g)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((g->udp = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(g->udp, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(g->udp, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	return ntohs(sin.sin_port);
}

/* Both programs, the SMSC first (its socket must exist). */
static int
gw_start(struct gw *g, const char *smsc, const char *daemon)
{
	char sock[128], conf[128], log[128];
	char *sargv[] = { (char *)smsc, "-d", "-a", "-L", sock, NULL };
	char *dargv[] = { (char *)daemon, "-c", conf, NULL };
	struct stat sb;
	int i;

	snprintf(sock, sizeof(sock), "%s/smsc.sock", g->dir);
	snprintf(conf, sizeof(conf), "%s/smsdtlsd.conf", g->dir);
	snprintf(log, sizeof(log), "%s/smsdtlsd.log", g->dir);
	if ((g->smsc = gw_spawn(sargv, NULL)) < 0)
		return -1;
	for (i = 0; i < 500 && stat(sock, &sb) != 0; i++)
		usleep(10000);
	if (stat(sock, &sb) != 0) {
		g->error = "smsdtls-smsc did not start";
		return -1;
	}
	if ((g->daemon = gw_spawn(dargv, log)) < 0)
		return -1;
	return 0;
}

static int
gw_devices(struct gw *g, unsigned ndev, unsigned total)
{
	struct smsdtls_sms_config scfg;
	struct smsdtls_config cfg;
	struct smsdtls_bearer b;
	struct smsdtls_transport t;
	struct link_msg m;
	char sock[128];
	unsigned i;

	snprintf(sock, sizeof(sock), "%s/smsc.sock", g->dir);
	smsdtls_sms_config_init(&scfg);
	scfg.vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE |
	    SMSDTLS_VP_ACCEPT_ENHANCED;
	g->ndev = ndev;
	for (i = 0; i < ndev; i++) {
		struct gw_dev *d = &g->dev[i];

		d->gw = g;
		d->quota = total / ndev + (i < total % ndev);
		snprintf(d->msisdn, sizeof(d->msisdn), "+4477009%05u",
		    20000 + i);
		if ((d->fd = gw_link_connect(sock)) < 0) {
			g->error = "cannot connect to smsdtls-smsc's link";
			return -1;
		}
		memset(&m, 0, sizeof(m));
		m.type = LINK_HELLO;
		m.version = LINK_VERSION;
		snprintf(m.msisdn, sizeof(m.msisdn), "%s", d->msisdn);
		if (gw_send_frame(d->fd, &m) != 0)
			return -1;
		b.submit = gw_submit;
		b.arg = d;
		smsdtls_config_init(&cfg);
		cfg.psk_identity = "device-0001";
		cfg.psk_key = (const uint8_t *)"smsdtls-bench-ky";
		cfg.psk_key_len = 16;
		cfg.no_resumption = true;
		/* The gateway may attach to the link after the first
		 * ClientHello: retry soon. */
		cfg.rto_initial_ms = 500;
		cfg.rto_max_ms = 2000;
		if (smsdtls_sms_new(&scfg, &b, &d->sms) != SMSDTLS_OK)
			return -1;
		smsdtls_sms_transport(d->sms, &t);
		if (smsdtls_endpoint_new(&cfg, &t, gw_event, d, &d->ep) !=
		    SMSDTLS_OK) {
			g->error = "device endpoint refused";
			return -1;
		}
	}
	return 0;
}

/* Remove path and, if it is a directory, what it holds. */
static int
gw_rm(const char *path, int depth)
{
	char sub[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	int rc = 0;

	if (lstat(path, &sb) != 0)
		return -1;
	if (S_ISDIR(sb.st_mode) && depth < 8 &&
	    (dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			rc |= gw_rm(sub, depth + 1);
		}
		closedir(dir);
	}
	return remove(path) | rc;
}

/* On failure, what smsdtlsd said, for whoever reads stderr. */
static void
gw_show_log(const struct gw *g)
{
	char path[128], line[256];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/smsdtlsd.log", g->dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (n++ < 20 && fgets(line, sizeof(line), f) != NULL)
		fprintf(stderr, "smsdtlsd: %s", line);
	fclose(f);
}

static void
gw_cleanup(struct gw *g)
{
	unsigned i;

	for (i = 0; i < g->ndev; i++) {
		smsdtls_endpoint_free(g->dev[i].ep);
		smsdtls_sms_free(g->dev[i].sms);
		if (g->dev[i].fd >= 0)
			close(g->dev[i].fd);
	}
	gw_stop(g->daemon);
	gw_stop(g->smsc);
	if (g->udp >= 0)
		close(g->udp);
	if (g->dir[0] != '\0' && gw_rm(g->dir, 0) != 0)
		fprintf(stderr, "smsdtls-bench: could not remove %s\n",
		    g->dir);
}

/* Handshakes, then the timed round trips. */
static int
gw_measure(struct gw *g, unsigned total, double *secs, double *cpu)
{
	struct smsdtls_peer peer;
	double cpu0;
	int64_t t0;
	unsigned i, k;

	if (gw_loop(g, gw_all_welcome) != 0) {
		if (g->error == NULL)
			g->error = "the SMSC did not welcome the devices";
		return -1;
	}
	for (i = 0; i < g->ndev; i++) {
		if (smsdtls_peer_sms(&peer, GW_NUMBER, NULL, 5684,
		    (uint16_t)(BENCH_CLIENT_PORT + i)) != SMSDTLS_OK ||
		    smsdtls_connect(g->dev[i].ep, &peer, gw_now(), NULL) !=
		    SMSDTLS_OK)
			return -1;
	}
	if (gw_loop(g, gw_all_connected) != 0) {
		if (g->error == NULL)
			g->error = "handshakes with smsdtlsd did not finish";
		return -1;
	}
	cpu0 = gw_cpu(g->daemon);
	t0 = gw_now();
	for (i = 0; i < g->ndev; i++)
		for (k = 0; k < GW_WINDOW; k++)
			gw_send_next(&g->dev[i]);
	if (gw_loop(g, gw_all_echoed) != 0 || g->echoed < total) {
		if (g->error == NULL)
			g->error = "datagrams did not all come back";
		return -1;
	}
	*secs = (double)(gw_now() - t0) / 1000.0;
	*cpu = gw_cpu(g->daemon) - cpu0;
	return 0;
}

int
bench_gateway(const struct bench_opts *opts, FILE *out)
{
	struct gw *g;
	double secs = 0, cpu = 0;
	unsigned i, ndev, total = opts->gateway;
	int port, rc = -1;

	if (total == 0) {
		fprintf(out, "gateway_datagrams_per_s,psk,,datagrams/s,0,"
		    "needs a run: skipped with --gateway 0\n");
		return 0;
	}
	if (access(opts->smsc_program, X_OK) != 0 ||
	    access(opts->daemon_program, X_OK) != 0) {
		fprintf(out, "gateway_datagrams_per_s,psk,,datagrams/s,0,"
		    "needs smsdtlsd and smsdtls-smsc (not measured)\n");
		return 0;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return -1;
	g->udp = -1;
	g->wait_ms = total <= GW_SHORT ? GW_WAIT_SHORT_MS : GW_WAIT_MS;
	for (i = 0; i < GW_MAX_DEVICES; i++)
		g->dev[i].fd = -1;
	ndev = opts->devices < GW_MAX_DEVICES ? opts->devices : GW_MAX_DEVICES;
	if (ndev > total)
		ndev = total;
	signal(SIGPIPE, SIG_IGN);
	if ((port = gw_upstream(g)) > 0 && gw_files(g, port) == 0 &&
	    gw_start(g, opts->smsc_program, opts->daemon_program) == 0 &&
	    gw_devices(g, ndev, total) == 0)
		rc = gw_measure(g, total, &secs, &cpu);
	if (rc == 0 && secs > 0) {
		fprintf(out, "gateway_datagrams_per_s,psk,%.6g,datagrams/s,%u,"
		    "both ways through smsdtlsd: wall clock with its journal "
		    "synced to disk per SMS\n", 2.0 * total / secs, total);
		fprintf(out, "gateway_roundtrips_per_s,psk,%.6g,round trips/s,"
		    "%u,%u devices over smsdtls-smsc's socket link\n",
		    total / secs, total, ndev);
		if (cpu > 0) {
			fprintf(out, "gateway_cpu_per_datagram,psk,%.6g,ms,%u,"
			    "smsdtlsd CPU time\n", cpu * 1000 / (2.0 * total),
			    total);
			fprintf(out, "gateway_datagrams_per_cpu_s,psk,%.6g,"
			    "datagrams/s,%u,per core of smsdtlsd CPU time\n",
			    2.0 * total / cpu, total);
		}
	} else {
		fprintf(out, "gateway_datagrams_per_s,psk,,datagrams/s,%u,"
		    "failed: %s\n", total, g->error != NULL ? g->error :
		    "could not set up smsdtls-smsc and smsdtlsd");
		gw_show_log(g);
	}
	gw_cleanup(g);
	free(g);
	return 0;
}
