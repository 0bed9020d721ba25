/*
 * check_daemon.c - integration tests of smsdtlsd: the real programs
 * (smsdtls-smsc, smsdtlsd, smsdtls-cat) in real time on a simulated SMSC
 * with a short fixed latency.
 *
 * Each test starts its own SMSC on a Unix socket link and its own
 * daemons with configurations and state directories in a fresh temporary
 * directory, on free ports (the "modem" case gives the gateway a
 * libgammu bearer on one of the SMSC's AT modems instead, on a pty whose
 * scheduled fault unplugs it).  The test process plays the applications on
 * the devices and the upstream peers with UDP sockets, the DTLS server
 * behind a relay (libsmsdtls over UDP), and flooding phones (link
 * clients of the SMSC); it reads the daemons' counters from their
 * Prometheus endpoints.  Every child gets SIGKILL when the test process
 * ends, however it ends.  A failing test leaves its directory, with every
 * program's output, and prints the daemons' logs.
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
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include <smsdtls/smsdtls.h>

#include "smsc/link.h"
#include "tests/testutil.h"

#ifndef SMSC_PROGRAM
#error SMSC_PROGRAM must name the smsdtls-smsc binary
#endif
#ifndef SMSDTLSD_PROGRAM
#error SMSDTLSD_PROGRAM must name the smsdtlsd binary
#endif
#ifndef SMSDTLS_CAT_PROGRAM
#error SMSDTLS_CAT_PROGRAM must name the smsdtls-cat binary
#endif

#define GW		"+447700900123"
#define DEV1		"+447700900456"
#define DEV2		"+447700900789"
#define DEV3		"+447700900999"
#define ALLOWED		"+4477009"	/* the fleet's prefix */
#define FLOOD_BASE	"+4479000"	/* strangers: FLOOD_BASE + 5 digits */

#define PROCS_MAX	32
#define START_MS	10000	/* a program comes up */
#define FLOW_MS		10000	/* a datagram crosses, handshake included */
#define QUIET_MS	700	/* nothing more arrives */
#define TEST_TIMEOUT_S	60

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

struct proc {
	pid_t	pid;
	char	name[32];
	char	out[128];
	char	err[128];
};
static struct proc procs[PROCS_MAX];
static int nprocs;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const char *
tpath(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
	return buf;
}

/* Write a file with mode (0600 for keys and PSK stores). */
static void
write_file(const char *path, mode_t mode, const char *fmt, ...)
{
	va_list ap;
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The whole file as a string (static buffer; "" if missing). */
static const char *
read_file(const char *path)
{
	static char buf[1 << 20];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

/* Copy src into dst[len], truncated if need be. */
static void
copy_str(char *dst, size_t len, const char *src)
{
	size_t	n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The last lines of every program's standard error, for a failure. */
static void
dump_logs(void)
{
	const char *text;
	size_t len;
	int i;

	for (i = 0; i < nprocs; i++) {
		if (i > 0 && strcmp(procs[i].err, procs[i - 1].err) == 0)
			continue;
		text = read_file(procs[i].err);
		len = strlen(text);
		if (len > 6000)
			text += len - 6000;
		fprintf(stderr, "---- %s (pid %d, %s):\n%s", procs[i].name,
		    (int)procs[i].pid, procs[i].err, text);
	}
	fprintf(stderr, "---- files kept in %s\n", tmpdir);
}

/* Like ck_assert_msg, with the programs' logs on failure. */
#define verify(cond, ...) do {						\
	if (!(cond)) {							\
		dump_logs();						\
		ck_abort_msg(__VA_ARGS__);				\
	}								\
} while (0)

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_daemon.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	nprocs = 0;
	signal(SIGPIPE, SIG_IGN);
}

static void
reap(struct proc *p)
{
	int status;

	if (p->pid <= 0)
		return;
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &status, 0);
	p->pid = -1;
}

/* Runs only when the test passed (a failure _exits the test process and
 * PR_SET_PDEATHSIG kills the children): the directory goes. */
static void
teardown(void)
{
	char cmd[128];
	int i;

	for (i = 0; i < nprocs; i++)
		reap(&procs[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/*
 * Start argv with stdin from in_fd (or /dev/null) and stdout and stderr
 * appended to NAME.out and NAME.err in the test directory; the child is
 * killed when the test process dies.  Returns its index in procs.
 */
static int
spawn(const char *name, char *const argv[], int in_fd)
{
	struct proc *p;
	pid_t pid;
	int fd;

	ck_assert_int_lt(nprocs, PROCS_MAX);
	p = &procs[nprocs];
	snprintf(p->name, sizeof(p->name), "%s", name);
	tpath(name, p->out, sizeof(p->out) - 4);
	strcat(p->out, ".out");
	tpath(name, p->err, sizeof(p->err) - 4);
	strcat(p->err, ".err");
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		fd = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		fd = open(p->out, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		fd = open(p->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	p->pid = pid;
	return nprocs++;
}

static bool
proc_alive(int i)
{
	int status;

	if (procs[i].pid <= 0)
		return false;
	if (waitpid(procs[i].pid, &status, WNOHANG) == 0)
		return true;
	procs[i].pid = -1;	/* reaped */
	return false;
}

/* Signal a child and wait (bounded) for its end; its exit status, or
 * 128 + the signal that killed it. */
static int
proc_stop(int i, int sig)
{
	int64_t until = mono_ms() + START_MS;
	int status;
	pid_t r;

	kill(procs[i].pid, sig);
	while ((r = waitpid(procs[i].pid, &status, WNOHANG)) == 0 &&
	    mono_ms() < until)
		sleep_ms(10);
	verify(r == procs[i].pid, "%s did not end on signal %d",
	    procs[i].name, sig);
	procs[i].pid = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}

/* Run argv to its end; its exit status, with stdout and stderr kept. */
static int
run(const char *name, char *const argv[], const char **out,
    const char **err)
{
	static char obuf[16384], ebuf[16384];
	int i = spawn(name, argv, -1), status;

	ck_assert_int_eq(waitpid(procs[i].pid, &status, 0), procs[i].pid);
	procs[i].pid = -1;
	copy_str(obuf, sizeof(obuf), read_file(procs[i].out));
	copy_str(ebuf, sizeof(ebuf), read_file(procs[i].err));
	*out = obuf;
	*err = ebuf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A port nobody uses now, of type SOCK_DGRAM or SOCK_STREAM. */
static uint16_t
free_port(int type)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

/* ---------------------------------------------- the DTLS test server */

/*
 * The UDP DTLS server behind a relay: libsmsdtls's own endpoint on a
 * UDP socket, PSK; it answers each datagram "pong:" and the datagram.
 * While it exists, every wait in the test runs it.
 */
struct tsrv {
	int	fd;
	uint16_t port;
	struct smsdtls_udp *udp;
	struct smsdtls_endpoint *ep;
	struct smsdtls_psk_store *store;
	unsigned connected, ndata;
	char	last[256];
};
static struct tsrv *srv;

static void
tsrv_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct tsrv *s = arg;
	uint8_t	reply[300];
	size_t	n;

	(void)ep;
	if (ev->type == SMSDTLS_EV_CONNECTED)
		s->connected++;
	if (ev->type != SMSDTLS_EV_DATA)
		return;
	s->ndata++;
	n = ev->len < sizeof(s->last) - 1 ? ev->len : sizeof(s->last) - 1;
	memcpy(s->last, ev->data, n);
	s->last[n] = '\0';
	memcpy(reply, "pong:", 5);
	memcpy(reply + 5, ev->data, n);
	smsdtls_session_send(ev->session, reply, n + 5, mono_ms());
}

/* Run the test server (if any) for ms, or just sleep. */
static void
pump(int ms)
{
	struct smsdtls_peer peer;
	struct pollfd pfd;
	uint8_t	buf[2048];
	int64_t	until = mono_ms() + ms, now, dl, wait;
	size_t	len;

	if (srv == NULL) {
		sleep_ms(ms);
		return;
	}
	while ((now = mono_ms()) < until) {
		wait = until - now;
		dl = smsdtls_endpoint_next_deadline(srv->ep);
		if (dl != SMSDTLS_NEVER && dl - now < wait)
			wait = dl > now ? dl - now : 0;
		pfd.fd = srv->fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, (int)wait);
		now = mono_ms();
		while (smsdtls_udp_recv(srv->udp, buf, sizeof(buf), &len,
		    &peer) == SMSDTLS_OK)
			smsdtls_endpoint_input(srv->ep, &peer, buf, len, now);
		if (smsdtls_endpoint_next_deadline(srv->ep) <= now)
			smsdtls_endpoint_on_deadline(srv->ep, now);
	}
}

static void
tsrv_start(struct tsrv *s, const char *psk_text)
{
	struct smsdtls_transport t;
	struct smsdtls_config cfg;
	struct sockaddr_in sin;
	char	err[128];

	memset(s, 0, sizeof(*s));
	s->port = free_port(SOCK_DGRAM);
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s->fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(s->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	ck_assert_rc(smsdtls_psk_store_parse(psk_text, strlen(psk_text),
	    &s->store, err, sizeof(err)), SMSDTLS_OK);
	/* A UDP server: its flights may be larger than one SMS. */
	ck_assert_rc(smsdtls_udp_new(s->fd, 1200, &s->udp), SMSDTLS_OK);
	smsdtls_udp_transport(s->udp, &t);
	smsdtls_config_init(&cfg);
	cfg.role = SMSDTLS_SERVER;
	cfg.psk_store = s->store;
	cfg.rto_initial_ms = 1000;
	cfg.rto_max_ms = 4000;
	ck_assert_rc(smsdtls_endpoint_new(&cfg, &t, tsrv_event, s, &s->ep),
	    SMSDTLS_OK);
	srv = s;
}

static void
tsrv_stop(struct tsrv *s)
{
	srv = NULL;
	smsdtls_endpoint_free(s->ep);
	smsdtls_udp_free(s->udp);
	smsdtls_psk_store_free(s->store);
	close(s->fd);
}

/* ------------------------------------------------------- UDP peers */

/* A UDP socket on 127.0.0.1:port (0: any port). */
static int
udp_open(uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void
udp_send(int fd, uint16_t port, const char *text)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(sendto(fd, text, strlen(text), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)strlen(text));
}

/*
 * Wait up to ms for a datagram on fd: its text in buf (NUL-terminated),
 * its source port in *from (may be NULL).  False on timeout.
 */
static bool
udp_recv(int fd, char *buf, size_t buflen, uint16_t *from, int ms)
{
	struct sockaddr_in sin;
	socklen_t slen;
	int64_t until = mono_ms() + ms;
	ssize_t n;

	do {
		slen = sizeof(sin);
		n = recvfrom(fd, buf, buflen - 1, 0, (struct sockaddr *)&sin,
		    &slen);
		if (n >= 0) {
			buf[n] = '\0';
			if (from != NULL)
				*from = ntohs(sin.sin_port);
			return true;
		}
		pump(10);
	} while (mono_ms() < until);
	return false;
}

/* Expect exactly the datagram want on fd within ms. */
static uint16_t
expect_dgram(int fd, const char *who, const char *want, int ms)
{
	char	buf[2048];
	uint16_t from = 0;

	verify(udp_recv(fd, buf, sizeof(buf), &from, ms), "%s: no datagram "
	    "within %d ms (wanted \"%s\")", who, ms, want);
	verify(strcmp(buf, want) == 0, "%s: got \"%s\", wanted \"%s\"", who,
	    buf, want);
	return from;
}

/* Expect no datagram on fd for ms. */
static void
expect_quiet(int fd, const char *who, int ms)
{
	char	buf[2048];

	verify(!udp_recv(fd, buf, sizeof(buf), NULL, ms), "%s: unexpected "
	    "datagram \"%s\"", who, buf);
}

/* ---------------------------------------------------------- metrics */

/* GET /metrics from 127.0.0.1:port into buf; false if nobody answers. */
static bool
http_metrics(uint16_t port, char *buf, size_t buflen)
{
	static const char req[] = "GET /metrics HTTP/1.0\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	size_t	len = 0;
	ssize_t	n;
	int	fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		close(fd);
		return false;
	}
	while (len + 1 < buflen &&
	    (n = read(fd, buf + len, buflen - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return strncmp(buf, "HTTP/1.", 7) == 0 && strstr(buf, " 200 ") !=
	    NULL;
}

/* The value of the sample named key ("name{labels}" exactly as the
 * daemon writes it), or -1 if the daemon or the sample is not there. */
static long long
metric(uint16_t port, const char *key)
{
	static char buf[65536];
	const char *p;
	size_t	klen = strlen(key);

	if (!http_metrics(port, buf, sizeof(buf)))
		return -1;
	for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

/* Wait up to ms for metric key to reach at least min; its value. */
static long long
wait_metric(uint16_t port, const char *key, long long min, int ms)
{
	int64_t until = mono_ms() + ms;
	long long v;

	while ((v = metric(port, key)) < min && mono_ms() < until)
		pump(20);
	return v;
}

#define M_UP		"smsdtlsd_bearer_up{bearer=\"smsc\",state=\"up\"}"
#define M_RESETS	"smsdtlsd_bearer_resets_total{bearer=\"smsc\"}"
#define M_HS_OK		"smsdtlsd_handshakes_total{bearer=\"smsc\"," \
			    "outcome=\"ok\"}"
#define M_HS_RESUMED	"smsdtlsd_handshakes_total{bearer=\"smsc\"," \
			    "outcome=\"resumed\"}"
#define M_HS_FAILED	"smsdtlsd_handshakes_total{bearer=\"smsc\"," \
			    "outcome=\"failed\"}"
#define M_RETRANS	"smsdtlsd_retransmissions_total{bearer=\"smsc\"}"
#define M_SESSIONS	"smsdtlsd_sessions{bearer=\"smsc\"}"
#define M_HALF_OPEN	"smsdtlsd_sessions_half_open{bearer=\"smsc\"}"
#define M_SMS_IN	"smsdtlsd_sms_total{bearer=\"smsc\",dir=\"in\"," \
			    "type=\"deliver\"}"
#define M_SMS_OUT	"smsdtlsd_sms_total{bearer=\"smsc\",dir=\"out\"," \
			    "type=\"submit\"}"
#define M_SMS_ACCEPTED	"smsdtlsd_sms_total{bearer=\"smsc\",dir=\"out\"," \
			    "type=\"accepted\"}"
#define M_UDP_IN	"smsdtlsd_udp_datagrams_total{dir=\"in\"}"
#define M_UDP_OUT	"smsdtlsd_udp_datagrams_total{dir=\"out\"}"
#define M_DEVICES	"smsdtlsd_devices"
#define M_RESTORED	"smsdtlsd_sessions_restored_total"
#define M_REPLAYED	"smsdtlsd_journal_replayed_total"
#define M_RELOADS	"smsdtlsd_reloads_total"
#define M_DROP(r)	"smsdtlsd_drops_total{reason=\"" r "\"}"

/* ----------------------------------------------------- the programs */

static char smsc_conf[128], smsc_sock[100];	/* fits sun_path */
static int smsc_proc = -1;

/* Start the SMSC: stations are added as link clients say HELLO. */
static void
smsc_start(const char *latency)
{
	char	log[128];
	char	*argv[] = { SMSC_PROGRAM, "-d", "-f", smsc_conf, NULL };
	struct stat sb;
	int64_t until;

	tpath("smsc.conf", smsc_conf, sizeof(smsc_conf));
	tpath("smsc.sock", smsc_sock, sizeof(smsc_sock));
	write_file(smsc_conf, 0644,
	    "[smsc]\n"
	    "seed = 7\n"
	    "auto-station = yes\n"
	    "link-socket = %s\n"
	    "log = %s\n"
	    "latency = %s\n",
	    smsc_sock, tpath("smsc.log", log, sizeof(log)), latency);
	smsc_proc = spawn("smsc", argv, -1);
	until = mono_ms() + START_MS;
	while ((stat(smsc_sock, &sb) != 0 || !S_ISSOCK(sb.st_mode)) &&
	    mono_ms() < until)
		sleep_ms(10);
	verify(stat(smsc_sock, &sb) == 0, "smsdtls-smsc did not start");
}

/* Start it again after a crash, on the same socket. */
static void
smsc_restart(void)
{
	char	*argv[] = { SMSC_PROGRAM, "-d", "-f", smsc_conf, NULL };
	struct sockaddr_un sun;
	int64_t until = mono_ms() + START_MS;
	int	fd;
	bool	up = false;

	smsc_proc = spawn("smsc", argv, -1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", smsc_sock);
	while (!up && mono_ms() < until) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		up = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
		close(fd);
		if (!up)
			sleep_ms(10);
	}
	verify(up, "smsdtls-smsc did not start again");
}

/* One smsdtlsd: its files, its ports and its process. */
struct node {
	char	name[16];
	char	msisdn[24];
	char	dir[96];
	char	conf[128];
	uint16_t mport;		/* metrics */
	uint16_t port;		/* bridge: the applications' port */
	int	proc;
};

static void
node_init(struct node *n, const char *name, const char *msisdn)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->msisdn, sizeof(n->msisdn), "%s", msisdn);
	tpath(name, n->dir, sizeof(n->dir));
	ck_assert_int_eq(mkdir(n->dir, 0700), 0);
	snprintf(n->conf, sizeof(n->conf), "%s/smsdtlsd.conf", n->dir);
	n->mport = free_port(SOCK_STREAM);
	n->proc = -1;
}

/* A 16-byte PSK in hex, different for each identity. */
static const char *
psk_hex(const char *identity)
{
	static char hex[33];
	unsigned h = 5381;
	int	i;

	for (i = 0; identity[i] != '\0'; i++)
		h = h * 33 + (unsigned char)identity[i];
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", (h >> (i % 4 * 8) ^
		    (unsigned)i * 37) & 0xff);
	return hex;
}

/* The gateway's PSK store: identities, space-separated. */
static void
write_psk_store(const struct node *gw, const char *ids)
{
	char	path[160], text[1024], id[64];
	const char *p = ids;
	size_t	len = 0;
	int	n;

	text[0] = '\0';
	while (sscanf(p, "%63s%n", id, &n) == 1) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s %s\n", id, psk_hex(id));
		p += n;
	}
	snprintf(path, sizeof(path), "%s/psk", gw->dir);
	write_file(path, 0600, "# identity key\n%s", text);
}

/* The common head of every configuration. */
static void
conf_head(const struct node *n, const char *role, char *buf, size_t len)
{
	snprintf(buf, len,
	    "# %s, written by check_daemon\n"
	    "[smsdtlsd]\n"
	    "role = %s\n"
	    "state_dir = %s/state\n"
	    "metrics = 127.0.0.1:%u\n"
	    "log_level = debug\n"
	    "\n"
	    "[bearer smsc]\n"
	    "type = link\n"
	    "address = unix:%s\n"
	    "msisdn = %s\n"
	    "\n",
	    n->name, role, n->dir, n->mport, smsc_sock, n->msisdn);
}

/* A terminating gateway in front of 127.0.0.1:upstream; dtls and tail
 * are lines added to [dtls] and after it. */
static void
gateway_conf(struct node *n, uint16_t upstream, const char *dtls,
    const char *tail)
{
	char	head[1024];

	conf_head(n, "gateway", head, sizeof(head));
	write_file(n->conf, 0644,
	    "%s"
	    "[dtls]\n"
	    "psk_store = %s/psk\n"
	    "%s"
	    "\n"
	    "[upstream]\n"
	    "address = 127.0.0.1:%u\n"
	    "\n"
	    "%s",
	    head, n->dir, dtls != NULL ? dtls : "", upstream,
	    tail != NULL ? tail : "");
}

/* A relaying gateway in front of the DTLS server at 127.0.0.1:upstream. */
static void
relay_conf(struct node *n, uint16_t upstream)
{
	char	head[1024];

	conf_head(n, "relay", head, sizeof(head));
	write_file(n->conf, 0644,
	    "%s"
	    "[upstream]\n"
	    "address = 127.0.0.1:%u\n",
	    head, upstream);
}

/* A device bridge whose PSK identity is its name. */
static void
bridge_conf(struct node *n, const char *gateway, const char *dtls)
{
	char	head[1024], key[160];

	n->port = free_port(SOCK_DGRAM);
	snprintf(key, sizeof(key), "%s/psk.key", n->dir);
	write_file(key, 0600, "%s\n", psk_hex(n->name));
	conf_head(n, "bridge", head, sizeof(head));
	write_file(n->conf, 0644,
	    "%s"
	    "[sms]\n"
	    "gateway = %s\n"
	    "\n"
	    "[dtls]\n"
	    "psk_identity = %s\n"
	    "psk_key_file = %s\n"
	    "%s"
	    "\n"
	    "[bridge]\n"
	    "listen = 127.0.0.1:%u\n",
	    head, gateway, n->name, key, dtls != NULL ? dtls : "", n->port);
}

/* Start the daemon and wait until its bearer is up. */
static void
node_start(struct node *n)
{
	char	*argv[] = { SMSDTLSD_PROGRAM, "-c", n->conf, NULL };
	int64_t	until;

	n->proc = spawn(n->name, argv, -1);
	until = mono_ms() + START_MS;
	while (metric(n->mport, M_UP) != 1 && mono_ms() < until) {
		verify(proc_alive(n->proc), "%s exited at start", n->name);
		pump(20);
	}
	verify(metric(n->mport, M_UP) == 1, "%s: not up within %d ms",
	    n->name, START_MS);
}

static long long
node_metric(const struct node *n, const char *key)
{
	return metric(n->mport, key);
}

/* Every process still running? */
static void
check_alive(void)
{
	pid_t	pid;
	int	i;

	for (i = 0; i < nprocs; i++)
		if ((pid = procs[i].pid) > 0)
			verify(proc_alive(i), "%s (pid %d) died", procs[i].name,
			    (int)pid);
}

/* How many times needle occurs in text. */
static int
count(const char *text, const char *needle)
{
	int	n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text++;
	}
	return n;
}

/* The resident set of a process, in KiB, from /proc/PID/status. */
static long
rss_kib(pid_t pid, const char *field)
{
	char	path[64];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	p = strstr(read_file(path), field);
	ck_assert_ptr_nonnull(p);
	return strtol(p + strlen(field) + 1, NULL, 10);
}

/*
 * The validity periods of the SUBMITs station made, from the SMSC's log:
 * the shortest of those carrying DTLS handshake records and of those
 * carrying application data (content type 23), in seconds; *n counts
 * them all.
 */
static void
submit_vps(const char *station, uint32_t *hs_min, uint32_t *app_min,
    int *n)
{
	char	path[128], key[64], hex[2 * SMSDTLS_PDU_MAX + 1];
	uint8_t	pdu[SMSDTLS_PDU_MAX];
	struct smsdtls_tpdu t;
	const char *p, *h;
	uint32_t vp;
	size_t	len, hl;

	*hs_min = *app_min = UINT32_MAX;
	*n = 0;
	snprintf(key, sizeof(key), " in SUBMIT station=%s ", station);
	for (p = read_file(tpath("smsc.log", path, sizeof(path)));
	    (p = strstr(p, key)) != NULL; p++) {
		h = strstr(p, " pdu=");
		ck_assert_ptr_nonnull(h);
		h += 5;
		hl = strcspn(h, "\n");
		ck_assert_uint_lt(hl, sizeof(hex));
		memcpy(hex, h, hl);
		hex[hl] = '\0';
		len = test_unhex(hex, pdu, sizeof(pdu));
		ck_assert_rc(smsdtls_tpdu_decode(pdu, len, false,
		    SMSDTLS_TPDU_SUBMIT, &t), SMSDTLS_OK);
		ck_assert_rc(smsdtls_vp_seconds(&t.vp, 0, &vp), SMSDTLS_OK);
		ck_assert_uint_lt(t.payload_off, t.ud_len);
		if (t.ud[t.payload_off] == 23)
			*app_min = vp < *app_min ? vp : *app_min;
		else
			*hs_min = vp < *hs_min ? vp : *hs_min;
		(*n)++;
	}
}

/* -------------------------------------------------- every role */

/*
 * Gateway and bridge end to end: an application's datagram reaches the
 * upstream from a source port of the device's own, and the answer comes
 * back to the application; a second device gets a port of its own.
 */
START_TEST(test_gateway_bridge)
{
	struct node gw, d1, d2;
	uint16_t up_port = free_port(SOCK_DGRAM), p1, p2;
	uint32_t hs_vp, app_vp;
	int	up, app1, app2, nsub;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1 dev2");
	gateway_conf(&gw, up_port, NULL, NULL);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_init(&d2, "dev2", DEV2);
	bridge_conf(&d2, GW, NULL);
	node_start(&gw);
	node_start(&d1);
	node_start(&d2);

	app1 = udp_open(0);
	udp_send(app1, d1.port, "GET /time from dev1");
	p1 = expect_dgram(up, "upstream", "GET /time from dev1", FLOW_MS);
	udp_send(up, p1, "12:00 for dev1");
	expect_dgram(app1, "dev1's application", "12:00 for dev1", FLOW_MS);

	/* The session is up: one SMS each way, same source port. */
	udp_send(app1, d1.port, "second from dev1");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "second from dev1",
	    FLOW_MS), p1);

	app2 = udp_open(0);
	udp_send(app2, d2.port, "hello from dev2");
	p2 = expect_dgram(up, "upstream", "hello from dev2", FLOW_MS);
	verify(p2 != p1, "both devices came from port %u", p1);
	udp_send(up, p2, "for dev2");
	udp_send(up, p1, "for dev1");
	expect_dgram(app2, "dev2's application", "for dev2", FLOW_MS);
	expect_dgram(app1, "dev1's application", "for dev1", FLOW_MS);
	expect_quiet(app2, "dev2's application", QUIET_MS);

	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 2);
	ck_assert_int_eq(node_metric(&gw, M_SESSIONS), 2);
	ck_assert_int_eq(node_metric(&gw, M_DEVICES), 2);
	ck_assert_int_eq(node_metric(&gw, M_UDP_OUT), 3);
	ck_assert_int_eq(node_metric(&gw, M_UDP_IN), 3);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);
	ck_assert_int_eq(node_metric(&d1, M_UDP_IN), 2);
	ck_assert_int_eq(node_metric(&d1, M_UDP_OUT), 2);
	/* One SMS per flight: the PSK handshake is 3 each way, and each
	 * datagram one more. */
	ck_assert_int_eq(node_metric(&d1, M_SMS_OUT), 3 + 2);
	ck_assert_int_eq(node_metric(&d2, M_SMS_OUT), 3 + 1);
	ck_assert_int_eq(node_metric(&gw, M_SMS_OUT), 2 * 3 + 2 + 1);
	/* Handshake SMS live at least the retransmission timeout (10 s),
	 * application data [sms] app_validity (1 h). */
	submit_vps(GW, &hs_vp, &app_vp, &nsub);
	ck_assert_int_eq(nsub, 2 * 3 + 2 + 1);
	ck_assert_uint_ge(hs_vp, 10);
	ck_assert_uint_ge(app_vp, 3600);
	check_alive();
	close(up);
	close(app1);
	close(app2);
}
END_TEST

/*
 * A static mapping: the upstream reaches a device on its fixed port,
 * even while its session is being set up (the datagram waits), and the
 * device's own datagrams come from that port.
 */
START_TEST(test_gateway_map)
{
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM);
	uint16_t map_port = free_port(SOCK_DGRAM);
	char	tail[128];
	int	up, app;

	smsc_start("fixed 300ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	snprintf(tail, sizeof(tail), "[map]\n%s = %u\n", DEV1, map_port);
	gateway_conf(&gw, up_port, NULL, tail);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&gw);
	node_start(&d1);

	/* The application speaks first (a bridge answers the program
	 * that spoke last); the handshake starts and takes 6 SMS of 300
	 * ms.  Once the gateway holds the half-open session (after the
	 * ClientHello with the cookie), the upstream's datagram comes and
	 * waits. */
	app = udp_open(0);
	udp_send(app, d1.port, "register");
	verify(wait_metric(gw.mport, M_HALF_OPEN, 1, FLOW_MS) == 1,
	    "the gateway has no handshake in progress");
	udp_send(up, map_port, "queued for dev1");
	verify(wait_metric(gw.mport, M_UDP_IN, 1, FLOW_MS) == 1,
	    "the gateway did not read the mapped port");
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 0);	/* still going */
	ck_assert_int_eq(node_metric(&gw, M_HALF_OPEN), 1);
	expect_dgram(app, "dev1's application", "queued for dev1", FLOW_MS);
	ck_assert_uint_eq(expect_dgram(up, "upstream", "register", FLOW_MS),
	    map_port);

	/* And once the session is up, straight through. */
	udp_send(up, map_port, "direct");
	expect_dgram(app, "dev1's application", "direct", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_DROP("queue_full")), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 1);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/* A mapped device's waiting queue is bounded: what does not fit is
 * dropped and counted, what fits goes out once the session is up. */
START_TEST(test_gateway_map_queue_bound)
{
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM);
	uint16_t map_port = free_port(SOCK_DGRAM);
	char	tail[128], want[32], buf[256];
	int	up, app, i, got = 0;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	snprintf(tail, sizeof(tail), "[map]\n%s = %u\n\n[limits]\n"
	    "queue = 3\n", DEV1, map_port);
	gateway_conf(&gw, up_port, NULL, tail);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&gw);
	node_start(&d1);

	for (i = 0; i < 5; i++) {
		snprintf(want, sizeof(want), "early %d", i);
		udp_send(up, map_port, want);
	}
	verify(wait_metric(gw.mport, M_UDP_IN, 5, FLOW_MS) == 5,
	    "the gateway did not read the mapped port");
	ck_assert_int_eq(node_metric(&gw, M_DROP("queue_full")), 2);
	app = udp_open(0);
	udp_send(app, d1.port, "here");
	expect_dgram(up, "upstream", "here", FLOW_MS);
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "early %d", i);
		expect_dgram(app, "dev1's application", want, FLOW_MS);
		got++;
	}
	verify(!udp_recv(app, buf, sizeof(buf), NULL, QUIET_MS),
	    "a 4th queued datagram \"%s\" came through", buf);
	ck_assert_int_eq(got, 3);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/* The relay: DTLS from the device's bridge passes through to a UDP DTLS
 * server in the test, which terminates it; data both ways. */
START_TEST(test_relay)
{
	struct node rl, d1;
	struct tsrv ts;
	char	store[128];
	uint32_t hs_vp, app_vp;
	int	app, nsub;

	smsc_start("fixed 100ms");
	snprintf(store, sizeof(store), "dev1 %s\n", psk_hex("dev1"));
	tsrv_start(&ts, store);
	node_init(&rl, "relay", GW);
	relay_conf(&rl, ts.port);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&rl);
	node_start(&d1);

	app = udp_open(0);
	udp_send(app, d1.port, "ping 1");
	expect_dgram(app, "dev1's application", "pong:ping 1", FLOW_MS);
	ck_assert_uint_eq(ts.connected, 1);
	ck_assert_str_eq(ts.last, "ping 1");
	udp_send(app, d1.port, "ping 2");
	expect_dgram(app, "dev1's application", "pong:ping 2", FLOW_MS);
	ck_assert_uint_eq(ts.ndata, 2);
	ck_assert_uint_eq(ts.connected, 1);

	/* Both ways through the relay: the 6 handshake flights and 4
	 * application records, each one SMS and one UDP datagram. */
	ck_assert_int_eq(node_metric(&rl, M_UDP_OUT), 3 + 2);
	ck_assert_int_eq(node_metric(&rl, M_UDP_IN), 3 + 2);
	ck_assert_int_eq(node_metric(&rl, M_SMS_OUT), 3 + 2);
	ck_assert_int_eq(node_metric(&rl, M_DEVICES), 1);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);
	ck_assert_int_eq(node_metric(&rl, M_DROP("record_too_big")), 0);
	/* It gives handshake records at least the profile's longest
	 * retransmission timeout (60 s) to live, application data
	 * [sms] app_validity (1 h). */
	submit_vps(GW, &hs_vp, &app_vp, &nsub);
	ck_assert_int_eq(nsub, 3 + 2);
	ck_assert_uint_ge(hs_vp, 60);
	ck_assert_uint_ge(app_vp, 3600);
	/* The relay keeps no DTLS state of its own. */
	ck_assert_int_eq(node_metric(&rl, M_SESSIONS), -1);
	check_alive();
	close(app);
	tsrv_stop(&ts);
}
END_TEST

/*
 * The relay and a record that cannot fit one SMS: the DTLS server's
 * answer to a 100-byte datagram is a 134-byte record.  By default it is
 * dropped and counted; with [sms] concat = on it goes as concatenated
 * SMS, which the device reassembles.
 */
START_TEST(test_relay_big_record)
{
	struct node rl, d1;
	struct tsrv ts;
	char	store[128], big[101], want[110], conf[4096];
	int	app;

	smsc_start("fixed 100ms");
	snprintf(store, sizeof(store), "dev1 %s\n", psk_hex("dev1"));
	tsrv_start(&ts, store);
	node_init(&rl, "relay", GW);
	relay_conf(&rl, ts.port);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&rl);
	node_start(&d1);

	app = udp_open(0);
	udp_send(app, d1.port, "ping 1");
	expect_dgram(app, "dev1's application", "pong:ping 1", FLOW_MS);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(want, sizeof(want), "pong:%s", big);
	udp_send(app, d1.port, big);
	wait_metric(rl.mport, M_DROP("record_too_big"), 1, FLOW_MS);
	ck_assert_int_eq(node_metric(&rl, M_DROP("record_too_big")), 1);
	expect_quiet(app, "dev1's application", QUIET_MS);
	ck_assert_uint_eq(ts.ndata, 2);

	/* The same relay, restarted with concatenation: the record gets
	 * through, and the DTLS server's session with the device goes on,
	 * since the device's UDP source port was kept. */
	ck_assert_int_eq(proc_stop(rl.proc, SIGTERM), 0);
	copy_str(conf, sizeof(conf), read_file(rl.conf));
	write_file(rl.conf, 0644, "%s\n[sms]\nconcat = on\n", conf);
	node_start(&rl);
	udp_send(app, d1.port, big);
	expect_dgram(app, "dev1's application", want, FLOW_MS);
	ck_assert_int_eq(node_metric(&rl, M_DROP("record_too_big")), 0);
	/* One SMS in, two SMS out for the 134-byte record. */
	ck_assert_int_eq(node_metric(&rl, M_SMS_OUT), 2);
	ck_assert_uint_eq(ts.ndata, 3);
	ck_assert_uint_eq(ts.connected, 1);
	check_alive();
	close(app);
	tsrv_stop(&ts);
}
END_TEST

/* --------------------------------------------------------- reload */

/*
 * SIGHUP adds a PSK identity: a device unknown before can connect, and
 * the established session goes on without a new handshake.  A bad file
 * on SIGHUP changes nothing.
 */
START_TEST(test_reload)
{
	struct node gw, d1, d2;
	uint16_t up_port = free_port(SOCK_DGRAM), p1;
	char	good[4096], want[200];
	const char *p;
	int	up, app1, app2, line;
	int64_t	until;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, NULL, NULL);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_init(&d2, "dev2", DEV2);
	bridge_conf(&d2, GW, NULL);
	node_start(&gw);
	node_start(&d1);
	node_start(&d2);

	app1 = udp_open(0);
	udp_send(app1, d1.port, "dev1 before");
	p1 = expect_dgram(up, "upstream", "dev1 before", FLOW_MS);

	/* dev2's identity is unknown: its handshake fails. */
	app2 = udp_open(0);
	udp_send(app2, d2.port, "dev2 too early");
	verify(wait_metric(gw.mport, M_HS_FAILED, 1, FLOW_MS) == 1,
	    "dev2's handshake did not fail");
	expect_quiet(up, "upstream", QUIET_MS);

	write_psk_store(&gw, "dev1 dev2");
	kill(procs[gw.proc].pid, SIGHUP);
	verify(wait_metric(gw.mport, M_RELOADS, 1, START_MS) == 1,
	    "no reload");
	udp_send(app2, d2.port, "dev2 after");
	verify(expect_dgram(up, "upstream", "dev2 after", FLOW_MS) != p1,
	    "dev2 came from dev1's port");
	udp_send(app1, d1.port, "dev1 after");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev1 after",
	    FLOW_MS), p1);
	udp_send(up, p1, "to dev1");
	expect_dgram(app1, "dev1's application", "to dev1", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 2);
	ck_assert_int_eq(node_metric(&gw, M_HS_RESUMED), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_FAILED), 1);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);

	/* A file with an error, that would also shut everyone out: the
	 * running configuration stays. */
	copy_str(good, sizeof(good), read_file(gw.conf));
	for (p = good, line = 3; (p = strchr(p, '\n')) != NULL; p++)
		line++;		/* "queue = many" is the file's 3rd new line */
	write_file(gw.conf, 0644, "%s[limits]\nallow = +4479\nqueue = many\n",
	    good);
	kill(procs[gw.proc].pid, SIGHUP);
	snprintf(want, sizeof(want), "%s:%d: ", gw.conf, line);
	until = mono_ms() + START_MS;
	while (strstr(read_file(procs[gw.proc].err), want) == NULL &&
	    mono_ms() < until)
		sleep_ms(20);
	verify(strstr(read_file(procs[gw.proc].err), want) != NULL,
	    "the reload did not report \"%s\"", want);
	udp_send(app1, d1.port, "dev1 still");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev1 still",
	    FLOW_MS), p1);
	ck_assert_int_eq(node_metric(&gw, M_RELOADS), 1);
	ck_assert_int_eq(node_metric(&gw, M_DROP("unknown_sender")), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 2);
	check_alive();
	close(up);
	close(app1);
	close(app2);
}
END_TEST

/*
 * RPK: the keys of tests/data (scripts/gen-test-certs): the gateway has
 * server.key, the devices client.key (dev1) and stranger.key (dev2), and
 * each side pins the other's public key.
 */

static void	check_clean_log(const struct node *);

/* Copy tests/data/name to path with mode. */
static void
copy_data(const char *name, const char *path, mode_t mode)
{
	char	src[512], text[4096];

	snprintf(src, sizeof(src), "%s/%s", TEST_DATA_DIR, name);
	copy_str(text, sizeof(text), read_file(src));
	verify(text[0] != '\0', "%s: missing or empty", src);
	write_file(path, mode, "%s", text);
}

/* The gateway's rpk_pins: the public keys of tests/data named in keys
 * (space-separated). */
static void
write_pins(const struct node *gw, const char *keys)
{
	char	path[160], src[512], text[4096], name[64];
	const char *p = keys;
	size_t	len = 0;
	int	n;

	text[0] = '\0';
	while (sscanf(p, "%63s%n", name, &n) == 1) {
		snprintf(src, sizeof(src), "%s/%s.pub", TEST_DATA_DIR, name);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s",
		    read_file(src));
		p += n;
	}
	snprintf(path, sizeof(path), "%s/pins.pem", gw->dir);
	write_file(path, 0644, "%s", text);
}

/* An RPK gateway in front of 127.0.0.1:upstream, pinning write_pins(). */
static void
rpk_gateway_conf(struct node *n, uint16_t upstream)
{
	char	head[1024], key[160];

	snprintf(key, sizeof(key), "%s/key", n->dir);
	copy_data("server.key", key, 0600);
	conf_head(n, "gateway", head, sizeof(head));
	write_file(n->conf, 0644,
	    "%s"
	    "[dtls]\n"
	    "auth = rpk\n"
	    "key = %s\n"
	    "rpk_pins = %s/pins.pem\n"
	    "\n"
	    "[upstream]\n"
	    "address = 127.0.0.1:%u\n",
	    head, key, n->dir, upstream);
}

/* An RPK device bridge with tests/data/keyname.key, pinning the
 * gateway's key; a 1 s first retransmission timeout. */
static void
rpk_bridge_conf(struct node *n, const char *gateway, const char *keyname)
{
	char	head[1024], key[160], pins[160], name[64];

	n->port = free_port(SOCK_DGRAM);
	snprintf(name, sizeof(name), "%s.key", keyname);
	snprintf(key, sizeof(key), "%s/key", n->dir);
	copy_data(name, key, 0600);
	snprintf(pins, sizeof(pins), "%s/pins.pem", n->dir);
	copy_data("server.pub", pins, 0644);
	conf_head(n, "bridge", head, sizeof(head));
	write_file(n->conf, 0644,
	    "%s"
	    "[sms]\n"
	    "gateway = %s\n"
	    "\n"
	    "[dtls]\n"
	    "auth = rpk\n"
	    "key = %s\n"
	    "rpk_pins = %s\n"
	    "rto_initial = 1s\n"
	    "\n"
	    "[bridge]\n"
	    "listen = 127.0.0.1:%u\n",
	    head, gateway, key, pins, n->port);
}

/* SIGHUP n, wait for its next reload and for a new log line with
 * what. */
static void
sighup(const struct node *n, const char *what)
{
	long long nth = node_metric(n, M_RELOADS) + 1;
	int	before = count(read_file(procs[n->proc].err), what);
	int64_t	until = mono_ms() + START_MS;

	kill(procs[n->proc].pid, SIGHUP);
	verify(wait_metric(n->mport, M_RELOADS, nth, START_MS) == nth,
	    "%s: no reload", n->name);
	while (count(read_file(procs[n->proc].err), what) == before &&
	    mono_ms() < until)
		sleep_ms(20);
	verify(count(read_file(procs[n->proc].err), what) > before,
	    "%s: the reload did not log \"%s\"", n->name, what);
}

/*
 * SIGHUP reloads RPK pins.  The gateway pins dev1's key, not dev2's.
 * After a reload that adds dev2's key, dev2 connects and dev1's session
 * goes on without a new handshake.  After one that removes dev1's key,
 * that session still goes on, but a new handshake with dev1's key is
 * refused.  It comes from another number: the gateway holds dev1's
 * session, and a ClientHello from dev1's own number would not reach a
 * new handshake while it does (docs/session.md, "Server side").
 */
START_TEST(test_reload_rpk)
{
	struct node gw, d1, d2, d3;
	uint16_t up_port = free_port(SOCK_DGRAM), p1, p2;
	char	what[256];
	int	up, app1, app2, app3;
	int64_t	until;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_pins(&gw, "client");
	rpk_gateway_conf(&gw, up_port);
	node_init(&d1, "dev1", DEV1);
	rpk_bridge_conf(&d1, GW, "client");
	node_init(&d2, "dev2", DEV2);
	rpk_bridge_conf(&d2, GW, "stranger");
	node_start(&gw);
	node_start(&d1);
	node_start(&d2);

	app1 = udp_open(0);
	udp_send(app1, d1.port, "dev1 before");
	p1 = expect_dgram(up, "upstream", "dev1 before", FLOW_MS);
	app2 = udp_open(0);
	udp_send(app2, d2.port, "dev2 too early");
	verify(wait_metric(gw.mport, M_HS_FAILED, 1, FLOW_MS) == 1,
	    "dev2's handshake did not fail");
	expect_quiet(up, "upstream", QUIET_MS);

	write_pins(&gw, "client stranger");
	snprintf(what, sizeof(what), "rpk_pins=%s/pins.pem pinned=2", gw.dir);
	sighup(&gw, what);
	udp_send(app2, d2.port, "dev2 after");
	p2 = expect_dgram(up, "upstream", "dev2 after", FLOW_MS);
	verify(p2 != p1, "dev2 came from dev1's port");
	udp_send(app1, d1.port, "dev1 after");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev1 after",
	    FLOW_MS), p1);
	udp_send(up, p1, "to dev1");
	expect_dgram(app1, "dev1's application", "to dev1", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 2);
	ck_assert_int_eq(node_metric(&gw, M_HS_FAILED), 1);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);

	write_pins(&gw, "stranger");
	snprintf(what, sizeof(what), "rpk_pins=%s/pins.pem pinned=1", gw.dir);
	sighup(&gw, what);
	udp_send(app1, d1.port, "dev1 still");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev1 still",
	    FLOW_MS), p1);
	udp_send(app2, d2.port, "dev2 still");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev2 still",
	    FLOW_MS), p2);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 2);
	ck_assert_int_eq(node_metric(&gw, M_RELOADS), 2);

	node_init(&d3, "dev3", DEV3);
	rpk_bridge_conf(&d3, GW, "client");
	node_start(&d3);
	app3 = udp_open(0);
	udp_send(app3, d3.port, "dev1's key refused");
	verify(wait_metric(gw.mport, M_HS_FAILED, 2, FLOW_MS) == 2,
	    "the handshake with dev1's key was not refused");
	expect_quiet(up, "upstream", QUIET_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 2);
	ck_assert_int_eq(node_metric(&d3, M_HS_OK), 0);
	ck_assert_int_eq(count(read_file(procs[gw.proc].err),
	    "peer raw public key not pinned"), 2);

	/* Pins that cannot be loaded: the running ones stay. */
	snprintf(what, sizeof(what), "%s/pins.pem", gw.dir);
	write_file(what, 0644, "-----BEGIN PUBLIC KEY-----\n!\n"
	    "-----END PUBLIC KEY-----\n");
	kill(procs[gw.proc].pid, SIGHUP);
	snprintf(what, sizeof(what), "reload: [dtls] bearer smsc: rpk_pins: "
	    "malformed");
	until = mono_ms() + START_MS;
	while (strstr(read_file(procs[gw.proc].err), what) == NULL &&
	    mono_ms() < until)
		sleep_ms(20);
	verify(strstr(read_file(procs[gw.proc].err), what) != NULL,
	    "the reload did not report \"%s\"", what);
	ck_assert_int_eq(node_metric(&gw, M_RELOADS), 2);
	udp_send(app1, d1.port, "dev1 at the end");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev1 at the end",
	    FLOW_MS), p1);
	udp_send(app2, d2.port, "dev2 at the end");
	ck_assert_uint_eq(expect_dgram(up, "upstream", "dev2 at the end",
	    FLOW_MS), p2);
	check_alive();
	check_clean_log(&gw);
	close(up);
	close(app1);
	close(app2);
	close(app3);
}
END_TEST

/* ------------------------------------------------ crash and restart */

/*
 * SIGKILL in the middle of traffic: the SMSC is stopped, so the
 * gateway's SUBMITs stay unanswered; the upstream sends N datagrams to
 * the device; the gateway is killed and started again on its state
 * directory.  The device receives every datagram exactly once (the SMSC
 * may also carry the SUBMITs the dead gateway had written to the link:
 * DTLS replay protection drops those copies).
 */
START_TEST(test_sigkill_no_loss)
{
	enum { N = 6 };
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM), p1;
	char	buf[256], want[32], log[128];
	int	up, app, i, seen[N], gwi, st, n;
	long long in0;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, NULL, NULL);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&gw);
	node_start(&d1);

	app = udp_open(0);
	udp_send(app, d1.port, "hello");
	p1 = expect_dgram(up, "upstream", "hello", FLOW_MS);
	/* Let the handshake's last SMS be accepted before the stop. */
	verify(wait_metric(gw.mport, M_SMS_ACCEPTED,
	    node_metric(&gw, M_SMS_OUT), FLOW_MS) >= 3, "SMS not accepted");
	in0 = node_metric(&gw, M_UDP_IN);

	kill(procs[smsc_proc].pid, SIGSTOP);
	for (i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "datagram %d", i);
		udp_send(up, p1, want);
	}
	/* Read by the gateway: journaled and handed to the bearer. */
	verify(wait_metric(gw.mport, M_UDP_IN, in0 + N, FLOW_MS) == in0 + N,
	    "the gateway did not take the %d datagrams", N);
	ck_assert_int_eq(node_metric(&gw, M_SMS_ACCEPTED) + N,
	    node_metric(&gw, M_SMS_OUT));
	st = proc_stop(gw.proc, SIGKILL);
	ck_assert_int_eq(st, 128 + SIGKILL);
	kill(procs[smsc_proc].pid, SIGCONT);

	gwi = gw.proc;
	node_start(&gw);
	ck_assert_int_ne(gw.proc, gwi);
	ck_assert_int_eq(node_metric(&gw, M_REPLAYED), N);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		verify(udp_recv(app, buf, sizeof(buf), NULL, FLOW_MS),
		    "only %d of %d datagrams arrived", i, N);
		verify(strncmp(buf, "datagram ", 9) == 0 &&
		    atoi(buf + 9) >= 0 && atoi(buf + 9) < N,
		    "unexpected datagram \"%s\"", buf);
		seen[atoi(buf + 9)]++;
	}
	expect_quiet(app, "dev1's application", QUIET_MS);
	for (i = 0; i < N; i++)
		verify(seen[i] == 1, "datagram %d arrived %d times", i,
		    seen[i]);
	/* Each reached the device twice, from the dead gateway's link and
	 * from the journal: DTLS replay protection dropped the copies.  The
	 * handshake's 3 SMS came before. */
	n = count(read_file(tpath("smsc.log", log, sizeof(log))),
	    " out DELIVER station=" DEV1 " ");
	verify(n == 3 + 2 * N, "the SMSC delivered %d SMS to the device, "
	    "not %d", n, 3 + 2 * N);
	/* The session itself survived the crash: no new handshake. */
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 0);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/*
 * A restart with the sessions restored: SIGTERM the gateway and start it
 * again, and the device goes on with no new handshake; the same for the
 * device's bridge.
 */
START_TEST(test_restart_sessions)
{
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM), p;
	int	up, app;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, NULL, NULL);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&gw);
	node_start(&d1);

	app = udp_open(0);
	udp_send(app, d1.port, "first");
	p = expect_dgram(up, "upstream", "first", FLOW_MS);
	udp_send(up, p, "answer 1");
	expect_dgram(app, "dev1's application", "answer 1", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 1);

	ck_assert_int_eq(proc_stop(gw.proc, SIGTERM), 0);
	node_start(&gw);
	ck_assert_int_ge(node_metric(&gw, M_RESTORED), 1);
	ck_assert_int_eq(node_metric(&gw, M_SESSIONS), 1);
	udp_send(app, d1.port, "after the gateway's restart");
	p = expect_dgram(up, "upstream", "after the gateway's restart",
	    FLOW_MS);
	udp_send(up, p, "answer 2");
	expect_dgram(app, "dev1's application", "answer 2", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_RESUMED), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_FAILED), 0);

	/* The bridge too: its application's next datagram needs no
	 * handshake on either side. */
	ck_assert_int_eq(proc_stop(d1.proc, SIGTERM), 0);
	node_start(&d1);
	ck_assert_int_ge(node_metric(&d1, M_RESTORED), 1);
	udp_send(app, d1.port, "after the bridge's restart");
	ck_assert_uint_eq(expect_dgram(up, "upstream",
	    "after the bridge's restart", FLOW_MS), p);
	udp_send(up, p, "answer 3");
	expect_dgram(app, "dev1's application", "answer 3", FLOW_MS);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 0);
	ck_assert_int_eq(node_metric(&d1, M_HS_RESUMED), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_RESUMED), 0);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/*
 * The bearer fails during a handshake: the SMSC dies with the device's
 * second ClientHello in it and comes back; both link bearers reconnect
 * and DTLS retransmission completes the handshake.
 */
START_TEST(test_bearer_failure_handshake)
{
	static const char rto[] = "rto_initial = 500ms\nrto_max = 2s\n";
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM);
	int	up, app;

	smsc_start("fixed 300ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, rto, NULL);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, rto);
	node_start(&gw);
	node_start(&d1);

	app = udp_open(0);
	udp_send(app, d1.port, "through the outage");
	/* ClientHello, then the one with the cookie: accepted by the SMSC,
	 * 300 ms from the gateway, when the SMSC dies. */
	verify(wait_metric(d1.mport, M_SMS_ACCEPTED, 2, FLOW_MS) >= 2,
	    "the bridge's second ClientHello was not accepted");
	proc_stop(smsc_proc, SIGKILL);
	verify(wait_metric(gw.mport, M_RESETS, 1, START_MS) == 1 &&
	    wait_metric(d1.mport, M_RESETS, 1, START_MS) == 1,
	    "the bearers did not see the SMSC go");
	/* The sample with state="up" is gone: the state is "down". */
	ck_assert_int_eq(node_metric(&gw, M_UP), -1);
	sleep_ms(500);
	smsc_restart();

	expect_dgram(up, "upstream", "through the outage", 3 * FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 1);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);
	ck_assert_int_ge(node_metric(&gw, M_RESETS), 1);
	ck_assert_int_ge(node_metric(&d1, M_RESETS), 1);
	ck_assert_int_ge(node_metric(&d1, M_RETRANS), 1);
	ck_assert_int_eq(node_metric(&gw, M_UP), 1);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/* ---------------------------------------------------------- floods */

/* A client of the SMSC's socket link, as a phone. */
static void
lc_write(int fd, const struct link_msg *m)
{
	uint8_t	frame[LINK_FRAME_MAX];
	size_t	len;

	ck_assert_rc(link_encode(m, frame, sizeof(frame), &len), SMSDTLS_OK);
	ck_assert_int_eq(write(fd, frame, len), (ssize_t)len);
}

static bool
read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* The next frame other than a DELIVER or REPORT. */
static void
lc_answer(int fd, struct link_msg *m)
{
	uint8_t	frame[LINK_FRAME_MAX];
	size_t	len, used;

	do {
		ck_assert(read_full(fd, frame, 2));
		len = (size_t)frame[0] << 8 | frame[1];
		ck_assert_uint_le(len, LINK_FRAME_MAX - 2);
		ck_assert(read_full(fd, frame + 2, len));
		ck_assert_rc(link_decode(frame, len + 2, m, &used),
		    SMSDTLS_OK);
	} while (m->type == LINK_DELIVER || m->type == LINK_REPORT);
}

static int
lc_hello(const char *msisdn)
{
	struct sockaddr_un sun;
	struct timeval tv = { 5, 0 };
	struct link_msg m;
	int	fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", smsc_sock);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	memset(&m, 0, sizeof(m));
	m.type = LINK_HELLO;
	m.version = LINK_VERSION;
	snprintf(m.msisdn, sizeof(m.msisdn), "%s", msisdn);
	lc_write(fd, &m);
	lc_answer(fd, &m);
	ck_assert_uint_eq(m.type, LINK_WELCOME);
	return fd;
}

static void
lc_submit(int fd, const uint8_t *tpdu, size_t len)
{
	struct link_msg m;

	memset(&m, 0, sizeof(m));
	m.type = LINK_SUBMIT;
	memcpy(m.tpdu, tpdu, len);
	m.tpdu_len = len;
	lc_write(fd, &m);
	lc_answer(fd, &m);
	ck_assert_uint_eq(m.type, LINK_SUBMITTED);
}

/* An SMS-SUBMIT carrying data to the gateway, made by libsmsdtls's
 * SMS transport (with WDP ports or without). */
struct capture {
	uint8_t	tpdu[LINK_TPDU_MAX];
	size_t	len;
};

static smsdtls_rc
capture_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct capture *c = arg;

	(void)info;
	ck_assert_uint_le(len, sizeof(c->tpdu));
	memcpy(c->tpdu, tpdu, len);
	c->len = len;
	return SMSDTLS_OK;
}

static size_t
make_submit(bool ports, const uint8_t *data, size_t len, uint8_t *tpdu)
{
	struct smsdtls_sms_config cfg;
	struct capture c = { { 0 }, 0 };
	struct smsdtls_bearer b = { capture_submit, &c };
	struct smsdtls_send_info info = { 0, 600, true };
	struct smsdtls_transport t;
	struct smsdtls_peer peer;
	struct smsdtls_sms *sms;

	smsdtls_sms_config_init(&cfg);
	cfg.ports = ports;
	ck_assert_rc(smsdtls_sms_new(&cfg, &b, &sms), SMSDTLS_OK);
	smsdtls_sms_transport(sms, &t);
	ck_assert_rc(smsdtls_peer_sms(&peer, GW, NULL, ports ? 5684 : 0,
	    ports ? 16000 : 0), SMSDTLS_OK);
	ck_assert_rc(t.ops->send(t.arg, &peer, data, len, &info),
	    SMSDTLS_OK);
	smsdtls_sms_free(sms);
	memcpy(tpdu, c.tpdu, c.len);
	return c.len;
}

static void
ignore_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	(void)ep;
	(void)ev;
	(void)arg;
}

/* A real DTLS ClientHello (PSK, the profile's), as a stranger sends. */
static size_t
client_hello(uint8_t *buf, size_t buflen)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct smsdtls_config cfg;
	struct smsdtls_transport t;
	struct smsdtls_send_info info;
	struct smsdtls_endpoint *ep;
	struct smsdtls_peer p, to;
	struct smsdtls_mem *mem;
	size_t	len;

	smsdtls_config_init(&cfg);
	cfg.psk_identity = "stranger";
	cfg.psk_key = key;
	cfg.psk_key_len = sizeof(key);
	ck_assert_rc(smsdtls_mem_new(133, 8, &mem), SMSDTLS_OK);
	smsdtls_mem_transport(mem, &t);
	ck_assert_rc(smsdtls_endpoint_new(&cfg, &t, ignore_event, NULL, &ep),
	    SMSDTLS_OK);
	smsdtls_peer_mem(&p, 1);
	ck_assert_rc(smsdtls_connect(ep, &p, 0, NULL), SMSDTLS_OK);
	ck_assert_rc(smsdtls_mem_pop(mem, &to, buf, buflen, &len, &info),
	    SMSDTLS_OK);
	ck_assert_uint_eq(buf[0], 22);		/* a handshake record */
	smsdtls_endpoint_free(ep);
	smsdtls_mem_free(mem);
	return len;
}

/*
 * nflood strangers each send the gateway a datagram of garbage and a
 * ClientHello, and every third one an SMS without WDP ports.  Returns
 * how many SMS went out.
 */
static long long
flood(int nflood)
{
	uint8_t	ch[256], garbage[100], t_ch[LINK_TPDU_MAX];
	uint8_t	t_bad[LINK_TPDU_MAX], t_raw[LINK_TPDU_MAX];
	size_t	chlen, l_ch, l_bad, l_raw, i;
	uint64_t seed = 42;
	char	num[16];
	long long sent = 0;
	int	k, fd;

	chlen = client_hello(ch, sizeof(ch));
	l_ch = make_submit(true, ch, chlen, t_ch);
	for (k = 0; k < nflood; k++) {
		for (i = 0; i < sizeof(garbage); i++)
			garbage[i] = (uint8_t)test_rand(&seed);
		garbage[0] |= 0x80;	/* no DTLS content type */
		l_bad = make_submit(true, garbage, 60, t_bad);
		snprintf(num, sizeof(num), "%s%05d", FLOOD_BASE, k);
		fd = lc_hello(num);
		lc_submit(fd, t_bad, l_bad);
		lc_submit(fd, t_ch, l_ch);
		sent += 2;
		if (k % 3 == 0) {
			l_raw = make_submit(false, garbage, sizeof(garbage),
			    t_raw);
			lc_submit(fd, t_raw, l_raw);
			sent++;
		}
		close(fd);
	}
	return sent;
}

/*
 * Hundreds of unknown numbers flood a gateway that takes SMS from all:
 * every SMS is read and counted as a drop or answered with a stateless
 * HelloVerifyRequest, no session or device is kept for them, memory
 * stays bounded, and a real device still gets through.
 */
START_TEST(test_flood_open)
{
	enum { NFLOOD = 300 };
	static const char caps[] = "max_half_open = 8\nmax_sessions = 64\n";
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM);
	long long sent, lib_drops;
	long	rss0, rss1;
	pid_t	pid;
	int	up, app;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, caps, NULL);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&gw);
	node_start(&d1);
	pid = procs[gw.proc].pid;
	rss0 = rss_kib(pid, "VmRSS:");

	sent = flood(NFLOOD);
	verify(wait_metric(gw.mport, M_SMS_IN, sent, 3 * FLOW_MS) == sent,
	    "the gateway got %lld of %lld SMS",
	    node_metric(&gw, M_SMS_IN), sent);
	lib_drops = node_metric(&gw, M_DROP("dtls_malformed")) +
	    node_metric(&gw, M_DROP("dtls_unknown_peer"));
	ck_assert_int_eq(lib_drops, NFLOOD);
	ck_assert_int_eq(node_metric(&gw, M_DROP("sms_undecodable")),
	    (NFLOOD + 2) / 3);
	ck_assert_int_eq(node_metric(&gw, M_DROP("malformed")),
	    (NFLOOD + 2) / 3);
	ck_assert_int_eq(node_metric(&gw, M_DROP("unknown_sender")), 0);
	/* One HelloVerifyRequest each, and nothing kept. */
	verify(wait_metric(gw.mport, M_SMS_OUT, NFLOOD, FLOW_MS) == NFLOOD,
	    "the gateway sent %lld SMS", node_metric(&gw, M_SMS_OUT));
	ck_assert_int_le(node_metric(&gw, M_HALF_OPEN), 8);
	ck_assert_int_le(node_metric(&gw, M_SESSIONS), 8);
	ck_assert_int_eq(node_metric(&gw, M_DEVICES), 0);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 0);
	rss1 = rss_kib(pid, "VmRSS:");
	verify(rss1 - rss0 < 32 * 1024, "RSS grew from %ld to %ld KiB", rss0,
	    rss1);

	app = udp_open(0);
	udp_send(app, d1.port, "still served");
	expect_dgram(up, "upstream", "still served", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 1);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/* The same flood with [limits] allow set to the fleet's prefix: every
 * SMS from a stranger is dropped as unknown_sender and never answered. */
START_TEST(test_flood_allow)
{
	enum { NFLOOD = 300 };
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM);
	long long sent;
	long	rss0, rss1;
	pid_t	pid;
	int	up, app;

	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, NULL, "[limits]\nallow = " ALLOWED "\n");
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&gw);
	node_start(&d1);
	pid = procs[gw.proc].pid;
	rss0 = rss_kib(pid, "VmRSS:");

	sent = flood(NFLOOD);
	verify(wait_metric(gw.mport, M_SMS_IN, sent, 3 * FLOW_MS) == sent,
	    "the gateway got %lld of %lld SMS",
	    node_metric(&gw, M_SMS_IN), sent);
	/* The SMS without ports fail before the sender is looked at. */
	ck_assert_int_eq(node_metric(&gw, M_DROP("unknown_sender")),
	    2 * NFLOOD);
	ck_assert_int_eq(node_metric(&gw, M_DROP("malformed")),
	    (NFLOOD + 2) / 3);
	ck_assert_int_eq(node_metric(&gw, M_DROP("dtls_malformed")), 0);
	ck_assert_int_eq(node_metric(&gw, M_SMS_OUT), 0);
	ck_assert_int_eq(node_metric(&gw, M_SESSIONS), 0);
	ck_assert_int_eq(node_metric(&gw, M_DEVICES), 0);
	rss1 = rss_kib(pid, "VmRSS:");
	verify(rss1 - rss0 < 16 * 1024, "RSS grew from %ld to %ld KiB", rss0,
	    rss1);

	app = udp_open(0);
	udp_send(app, d1.port, "allowed");
	expect_dgram(up, "upstream", "allowed", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_DROP("unknown_sender")),
	    2 * NFLOOD);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/* ----------------------------------------------------- configuration */

/* smsdtlsd -n: a bad file exits 1 with file:line: reason for each
 * mistake; a good one exits 0 and prints the effective configuration. */
START_TEST(test_config_check)
{
	struct node gw;
	char	bad[128], want[160];
	char	*argv_good[] = { SMSDTLSD_PROGRAM, "-n", "-c", NULL, NULL };
	char	*argv_bad[] = { SMSDTLSD_PROGRAM, "-n", "-c", bad, NULL };
	char	*argv_run[] = { SMSDTLSD_PROGRAM, "-c", bad, NULL };
	const char *out, *err;
	struct stat sb;

	smsc_start("fixed 100ms");
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, 5683, NULL, "[map]\n" DEV1 " = 20000\n");
	argv_good[3] = gw.conf;
	ck_assert_int_eq(run("check-good", argv_good, &out, &err), 0);
	verify(strstr(out, "role = gateway") != NULL, "-n printed: %s", out);
	verify(strstr(out, DEV1) != NULL, "-n printed: %s", out);
	verify(*err == '\0', "-n complained: %s", err);

	/* Line 3: a value out of range; line 7: an unknown key; line 9:
	 * a key of another role; no [upstream] at all. */
	tpath("bad.conf", bad, sizeof(bad));
	write_file(bad, 0644,
	    "[smsdtlsd]\n"
	    "role = gateway\n"
	    "log_level = loud\n"
	    "state_dir = %s/badstate\n"
	    "[sms]\n"
	    "port = 5684\n"
	    "colour = blue\n"
	    "[dtls]\n"
	    "psk_identity = dev1\n"
	    "psk_store = %s/psk\n"
	    "[bearer smsc]\n"
	    "type = link\n"
	    "address = unix:%s\n"
	    "msisdn = " GW "\n", tmpdir, gw.dir, smsc_sock);
	ck_assert_int_eq(run("check-bad", argv_bad, &out, &err), 1);
	snprintf(want, sizeof(want), "%s:3: ", bad);
	verify(strstr(err, want) != NULL, "no \"%s\" in: %s", want, err);
	snprintf(want, sizeof(want), "%s:7: ", bad);
	verify(strstr(err, want) != NULL, "no \"%s\" in: %s", want, err);
	snprintf(want, sizeof(want), "%s:9: ", bad);
	verify(strstr(err, want) != NULL, "no \"%s\" in: %s", want, err);
	verify(strstr(err, "upstream") != NULL, "no word of [upstream]: %s",
	    err);
	verify(*out == '\0', "-n printed a bad configuration: %s", out);

	/* Without -n the same: exit 1, nothing created. */
	ck_assert_int_eq(run("run-bad", argv_run, &out, &err), 1);
	snprintf(want, sizeof(want), "%s:3: ", bad);
	verify(strstr(err, want) != NULL, "no \"%s\" in: %s", want, err);
	snprintf(want, sizeof(want), "%s/badstate", tmpdir);
	verify(stat(want, &sb) != 0, "%s was created", want);

	/* A file that parses but whose PSK store others may read: the
	 * start fails, with the reason, before anything is set up. */
	write_file(bad, 0644, "%s", read_file(gw.conf));
	write_psk_store(&gw, "dev1");
	snprintf(want, sizeof(want), "%s/psk", gw.dir);
	ck_assert_int_eq(chmod(want, 0644), 0);
	ck_assert_int_eq(run("run-shared-psk", argv_run, &out, &err), 1);
	verify(strstr(err, want) != NULL, "the error does not name %s: %s",
	    want, err);
	snprintf(want, sizeof(want), "%s/state", gw.dir);
	verify(stat(want, &sb) != 0, "%s was created", want);
	ck_assert_int_eq(metric(gw.mport, M_UP), -1);
}
END_TEST

/* ------------------------------------------------------ smsdtls-cat */

/* smsdtls-cat: a listener and a client over the link; a line goes
 * through each way. */
START_TEST(test_cat)
{
	char	store[128], key[128], lsock[160], buf[256];
	char	*listen_argv[] = { SMSDTLS_CAT_PROGRAM, "-l", "-n", "-v", "-L",
	    lsock, "-m", GW, "-S", store, NULL };
	char	*client_argv[] = { SMSDTLS_CAT_PROGRAM, "-n", "-w", "3",
	    "-L", lsock, "-m", DEV1, "-i", "cat1", "-k", key, GW, NULL };
	int	lin[2], cin[2], li, ci, status, i;
	int64_t	until;

	smsc_start("fixed 100ms");
	snprintf(lsock, sizeof(lsock), "unix:%s", smsc_sock);
	write_file(tpath("store", store, sizeof(store)), 0600,
	    "cat1 %s\n", psk_hex("cat1"));
	write_file(tpath("cat1.key", key, sizeof(key)), 0600, "%s\n",
	    psk_hex("cat1"));
	ck_assert_int_eq(pipe(lin), 0);
	ck_assert_int_eq(pipe(cin), 0);
	for (i = 0; i < 2; i++) {
		fcntl(lin[i], F_SETFD, FD_CLOEXEC);
		fcntl(cin[i], F_SETFD, FD_CLOEXEC);
	}
	li = spawn("cat-listen", listen_argv, lin[0]);
	close(lin[0]);
	/* Attached: the SMSC knows the listener's number. */
	until = mono_ms() + START_MS;
	while (strstr(read_file(procs[li].err), "up (attached)") == NULL &&
	    mono_ms() < until)
		sleep_ms(20);
	ci = spawn("cat-client", client_argv, cin[0]);
	close(cin[0]);
	ck_assert_int_eq(write(cin[1], "hello over SMS\n", 15), 15);
	close(cin[1]);

	until = mono_ms() + FLOW_MS;
	while (strstr(read_file(procs[li].out), "hello over SMS\n") == NULL &&
	    mono_ms() < until)
		sleep_ms(20);
	verify(strcmp(read_file(procs[li].out), "hello over SMS\n") == 0,
	    "the listener wrote \"%s\"", read_file(procs[li].out));
	ck_assert_int_eq(write(lin[1], "and back\n", 9), 9);
	ck_assert_int_eq(waitpid(procs[ci].pid, &status, 0), procs[ci].pid);
	procs[ci].pid = -1;
	copy_str(buf, sizeof(buf), read_file(procs[ci].out));
	verify(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the client ended with status 0x%x", status);
	verify(strcmp(buf, "and back\n") == 0, "the client wrote \"%s\"", buf);
	verify(proc_alive(li), "the listener died");
	close(lin[1]);
}
END_TEST

/* --------------------------------------------------- a modem bearer */

#define M_MODEM_UP	"smsdtlsd_bearer_up{bearer=\"modem\",state=\"up\"}"
#define M_MODEM_RESETS	"smsdtlsd_bearer_resets_total{bearer=\"modem\"}"
#define M_MODEM_HS_OK	"smsdtlsd_handshakes_total{bearer=\"modem\"," \
			    "outcome=\"ok\"}"
#define M_MODEM_HS_FAILED "smsdtlsd_handshakes_total{bearer=\"modem\"," \
			    "outcome=\"failed\"}"
#define M_MODEM_SMS_IN	"smsdtlsd_sms_total{bearer=\"modem\",dir=\"in\"," \
			    "type=\"deliver\"}"
#define M_MODEM_SESSIONS "smsdtlsd_sessions{bearer=\"modem\"}"
#define GAMMU_START_MS	15000	/* libgammu connects in about 4 s */

static int64_t smsc_t0;		/* when the SMSC's fault clock started */

/* Milliseconds on the SMSC's clock, which times its faults. */
static int64_t
smsc_clock(void)
{
	return mono_ms() - smsc_t0;
}

/*
 * Start the SMSC with the gateway's station on an AT modem, a pty behind
 * the symlink dev, with the lines station added to its section (faults);
 * devices are link clients, added as they say HELLO.
 */
static void
smsc_start_modem(const char *latency, const char *station, char *dev,
    size_t devlen)
{
	char	log[128];
	char	*argv[] = { SMSC_PROGRAM, "-d", "-f", smsc_conf, NULL };
	struct stat sb;
	int64_t until;

	tpath("smsc.conf", smsc_conf, sizeof(smsc_conf));
	tpath("smsc.sock", smsc_sock, sizeof(smsc_sock));
	tpath("modem-gw", dev, devlen);
	write_file(smsc_conf, 0644,
	    "[smsc]\n"
	    "seed = 7\n"
	    "auto-station = yes\n"
	    "link-socket = %s\n"
	    "log = %s\n"
	    "latency = %s\n"
	    "\n"
	    "[station " GW "]\n"
	    "modem = pty\n"
	    "modem-link = %s\n"
	    "%s\n",
	    smsc_sock, tpath("smsc.log", log, sizeof(log)), latency, dev,
	    station);
	smsc_t0 = mono_ms();
	smsc_proc = spawn("smsc", argv, -1);
	until = mono_ms() + START_MS;
	while ((stat(smsc_sock, &sb) != 0 || lstat(dev, &sb) != 0) &&
	    mono_ms() < until)
		sleep_ms(10);
	verify(stat(smsc_sock, &sb) == 0 && lstat(dev, &sb) == 0,
	    "smsdtls-smsc did not start");
}

/* A terminating gateway whose bearer "modem" is the AT modem at dev,
 * with short libgammu watchdog and probe times. */
static void
gateway_modem_conf(struct node *n, const char *dev, uint16_t upstream,
    const char *dtls)
{
	write_file(n->conf, 0644,
	    "# %s, written by check_daemon\n"
	    "[smsdtlsd]\n"
	    "role = gateway\n"
	    "state_dir = %s/state\n"
	    "metrics = 127.0.0.1:%u\n"
	    "log_level = debug\n"
	    "\n"
	    "[bearer modem]\n"
	    "type = gammu\n"
	    "device = %s\n"
	    "msisdn = %s\n"
	    "poll_interval = 1s\n"
	    "call_timeout = 2s\n"
	    "probe_interval = 1s\n"
	    "\n"
	    "[dtls]\n"
	    "psk_store = %s/psk\n"
	    "%s"
	    "\n"
	    "[upstream]\n"
	    "address = 127.0.0.1:%u\n",
	    n->name, n->dir, n->mport, dev, n->msisdn, n->dir,
	    dtls != NULL ? dtls : "", upstream);
}

/* Start the daemon and wait up to ms until the sample up reads 1. */
static void
node_start_up(struct node *n, const char *up, int ms)
{
	char	*argv[] = { SMSDTLSD_PROGRAM, "-c", n->conf, NULL };
	int64_t	until;

	n->proc = spawn(n->name, argv, -1);
	until = mono_ms() + ms;
	while (metric(n->mport, up) != 1 && mono_ms() < until) {
		verify(proc_alive(n->proc), "%s exited at start", n->name);
		pump(50);
	}
	verify(metric(n->mport, up) == 1, "%s: not up within %d ms",
	    n->name, ms);
}

/* Did a sanitizer or a crash leave its words in a program's log? */
static void
check_clean_log(const struct node *n)
{
	const char *text = read_file(procs[n->proc].err);

	verify(strstr(text, "Sanitizer") == NULL &&
	    strstr(text, "runtime error:") == NULL, "%s: a sanitizer "
	    "reported an error", n->name);
}

/*
 * A modem failure during a handshake (issue 6).  The gateway's bearer is
 * a libgammu modem on the SMSC's AT emulator; the device's bridge is a
 * link client.  The device starts its handshake 1.5 s before the modem
 * is unplugged for 2 s: the gateway has read the first ClientHello and
 * is in the middle of the exchange.  Its worker finds the line gone, the
 * next ones cannot open the device until it is back; then a worker
 * connects, what the gateway had queued goes out (SMS for it waited in
 * the SMSC) and DTLS retransmission completes the handshake.  Data then
 * flows both ways on the session.
 *
 * A silent modem ("fault = silent") is not used here: whether it ends in
 * a reset depends on what libgammu was doing when it fell silent, and a
 * worker that starts connecting before the silence is over waits 20 s
 * for libgammu's first command.
 */
START_TEST(test_modem_fault_handshake)
{
	enum { FAULT_AT = 10000, LEAD = 1500 };
	static const char rto[] = "rto_initial = 2s\nrto_max = 4s\n";
	struct node gw, d1;
	uint16_t up_port = free_port(SOCK_DGRAM), p1;
	char	dev[128];
	const char *log;
	int	up, app;
	int64_t	t_up;

	smsc_start_modem("fixed 100ms", "fault = gone at 10s for 2s", dev,
	    sizeof(dev));
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_modem_conf(&gw, dev, up_port, rto);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, rto);
	node_start_up(&gw, M_MODEM_UP, GAMMU_START_MS);
	node_start(&d1);
	t_up = smsc_clock();
	verify(t_up < FAULT_AT - LEAD, "the modem came up only %lld ms "
	    "after the SMSC's start", (long long)t_up);

	pump((int)(FAULT_AT - LEAD - smsc_clock()));
	app = udp_open(0);
	udp_send(app, d1.port, "across the unplugging");
	pump((int)(FAULT_AT + 300 - smsc_clock()));
	/* The fault came in the middle of the handshake. */
	verify(node_metric(&gw, M_MODEM_SMS_IN) >= 1, "the gateway had "
	    "no ClientHello when its modem was unplugged");
	ck_assert_int_eq(node_metric(&gw, M_MODEM_HS_OK), 0);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 0);
	verify(wait_metric(gw.mport, M_MODEM_RESETS, 1, START_MS) >= 1,
	    "the gateway's modem was not reset");
	ck_assert_int_ne(node_metric(&gw, M_MODEM_UP), 1);

	p1 = expect_dgram(up, "upstream", "across the unplugging",
	    3 * FLOW_MS);
	udp_send(up, p1, "answer after the unplugging");
	expect_dgram(app, "dev1's application", "answer after the unplugging",
	    FLOW_MS);

	ck_assert_int_eq(node_metric(&gw, M_MODEM_HS_OK), 1);
	ck_assert_int_eq(node_metric(&gw, M_MODEM_HS_FAILED), 0);
	ck_assert_int_eq(node_metric(&gw, M_MODEM_SESSIONS), 1);
	ck_assert_int_eq(node_metric(&d1, M_HS_OK), 1);
	ck_assert_int_eq(node_metric(&d1, M_HS_FAILED), 0);
	/* The device's flight went unanswered while the modem was away. */
	ck_assert_int_ge(node_metric(&d1, M_RETRANS), 1);
	ck_assert_int_ge(node_metric(&gw, M_MODEM_RESETS), 1);
	ck_assert_int_eq(node_metric(&gw, M_MODEM_UP), 1);
	ck_assert_int_eq(node_metric(&gw, M_UDP_OUT), 1);
	ck_assert_int_eq(node_metric(&gw, M_UDP_IN), 1);
	/* Nothing the gateway queued was given up or refused. */
	ck_assert_int_eq(node_metric(&gw, M_DROP("send_failed")), 0);
	ck_assert_int_eq(node_metric(&gw, M_DROP("bearer_full")), 0);
	/* The worker found the line gone; a later one connected. */
	log = read_file(procs[gw.proc].err);
	verify(strstr(log, "modem: bearer resetting (") != NULL &&
	    strstr(log, " is gone") != NULL, "the gateway's log does "
	    "not tell of the unplugged modem");
	verify(count(log, "modem: bearer up") >= 2, "the gateway's modem "
	    "did not come up again");
	check_clean_log(&gw);
	check_clean_log(&d1);
	check_alive();
	close(up);
	close(app);
}
END_TEST

/*
 * [smsdtlsd] user: the daemon opens its state directory and its bearer
 * as root, then runs as that user, and goes on carrying traffic and
 * journaling its SMS.
 */
START_TEST(test_privilege_drop)
{
	struct node gw, d1;
	struct passwd *pw;
	uint16_t up_port = free_port(SOCK_DGRAM), p;
	char	conf[4096], path[64], want[64];
	const char *text, *role, *uid;
	int64_t	until;
	int	up, app;

	if (geteuid() != 0) {
		fprintf(stderr, "test_privilege_drop: needs root, skipped\n");
		return;
	}
	pw = getpwnam("nobody");
	ck_assert_ptr_nonnull(pw);
	/* The unprivileged daemon must still reach its state directory. */
	ck_assert_int_eq(chmod(tmpdir, 0711), 0);
	smsc_start("fixed 100ms");
	up = udp_open(up_port);
	node_init(&gw, "gw", GW);
	write_psk_store(&gw, "dev1");
	gateway_conf(&gw, up_port, NULL, NULL);
	text = read_file(gw.conf);
	role = strstr(text, "role = gateway\n");
	ck_assert_ptr_nonnull(role);
	snprintf(conf, sizeof(conf), "%.*suser = nobody\n%s",
	    (int)(role - text), text, role);
	write_file(gw.conf, 0644, "%s", conf);
	node_start(&gw);
	node_init(&d1, "dev1", DEV1);
	bridge_conf(&d1, GW, NULL);
	node_start(&d1);

	snprintf(path, sizeof(path), "/proc/%d/status",
	    (int)procs[gw.proc].pid);
	snprintf(want, sizeof(want), "Uid:\t%u\t%u\t%u\t%u\n",
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
	uid = strstr(read_file(path), "Uid:");
	verify(uid != NULL && strncmp(uid, want, strlen(want)) == 0,
	    "the gateway does not run as nobody: %.40s", uid);

	app = udp_open(0);
	udp_send(app, d1.port, "GET /time as nobody");
	p = expect_dgram(up, "upstream", "GET /time as nobody", FLOW_MS);
	udp_send(up, p, "12:00");
	expect_dgram(app, "dev1's application", "12:00", FLOW_MS);
	ck_assert_int_eq(node_metric(&gw, M_HS_OK), 1);
	/* Every SMS it journaled was accepted and marked done. */
	until = mono_ms() + FLOW_MS;
	while (node_metric(&gw, "smsdtlsd_journal_pending") != 0 &&
	    mono_ms() < until)
		pump(20);
	ck_assert_int_eq(node_metric(&gw, "smsdtlsd_journal_pending"), 0);
	ck_assert_int_gt(node_metric(&gw, M_SMS_ACCEPTED), 0);
	check_alive();
	close(up);
	close(app);
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite	*s = suite_create("daemon");
	TCase	*tc;

	tc = tcase_create("roles");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT_S);
	tcase_add_test(tc, test_gateway_bridge);
	tcase_add_test(tc, test_gateway_map);
	tcase_add_test(tc, test_gateway_map_queue_bound);
	tcase_add_test(tc, test_relay);
	tcase_add_test(tc, test_relay_big_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("operation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT_S);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_sigkill_no_loss);
	tcase_add_test(tc, test_restart_sessions);
	tcase_add_test(tc, test_privilege_drop);
	tcase_add_test(tc, test_bearer_failure_handshake);
	suite_add_tcase(s, tc);

	tc = tcase_create("abuse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT_S);
	tcase_add_test(tc, test_flood_open);
	tcase_add_test(tc, test_flood_allow);
	tcase_add_test(tc, test_config_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("cat");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT_S);
	tcase_add_test(tc, test_cat);
	suite_add_tcase(s, tc);

	tc = tcase_create("modem");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT_S);
	tcase_add_test(tc, test_modem_fault_handshake);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT_S);
	tcase_add_test(tc, test_reload_rpk);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(daemon_suite)
