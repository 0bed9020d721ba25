/*
 * capacity.c - smsdtls-bench capacity: what one gateway holds and
 * computes.  The gateway endpoint (a DTLS server, PMTU 133 as over SMS)
 * runs in a process of its own; the devices (one client endpoint with a
 * session to each of N numbered peers) run in this one, and datagrams
 * travel between the two over a socketpair.  So the gateway process's
 * heap and CPU time are the gateway's alone:
 *
 * - sessions per GiB: heap in use (glibc mallinfo2: arena plus mmapped
 *   blocks) after N established sessions, less what it was before them,
 *   over N; idle (just after the handshakes), active (after one 104-byte
 *   datagram each way on every session) and parked (once the gateway's
 *   park_after_ms has passed, when only exported state is kept; needs a
 *   wolfSSL that can park).  The resident set growth is given too.
 *   The gateway's session cache (one resumable session per client) is
 *   part of it, as it would be in service.
 * - handshakes per second per core: N full handshakes (PSK, or ECDHE
 *   with raw public keys or certificates) over the gateway's CPU time
 *   (CLOCK_PROCESS_CPUTIME_ID), which includes its socket reads and
 *   writes.
 *
 * Nothing is lost and no timer runs: time stands still at 0 until the
 * gateway is told that park_after_ms has passed.  The third
 * figure of the question, datagrams per second through the terminating
 * gateway (smsdtlsd) over the simulated SMSC's socket link, is measured
 * in real time by gateway.c.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"

#define MSG_DGRAM	'D'	/* peer id, datagram: either way */
#define MSG_STATS	'S'	/* driver asks; gateway answers */
#define MSG_QUIT	'Q'
#define MSG_PARK	'P'	/* driver: let park_after_ms pass */
#define MSG_HEADER	5
#define MSG_MAX		2048
#define CAP_BATCH	32	/* handshakes in progress at once */
#define CAP_PAYLOAD	104	/* largest datagram at PMTU 133 */
#define CAP_WAIT_MS	30000
#define CAP_PARK_MS	60000	/* the gateway's park_after_ms */
#define CAP_NSTATS	4	/* before, idle, active, parked */
#define GIB		(1024.0 * 1024 * 1024)

/* What the gateway process reports. */
struct cap_stats {
	uint64_t heap;		/* bytes in use */
	uint64_t rss;		/* resident bytes */
	uint64_t cpu_ns;	/* process CPU time */
	uint64_t sessions;
	uint64_t handshakes;
	uint64_t parked;
	bool	can_park;	/* the gateway parks idle sessions */
};

/* One side: its endpoint and its end of the socketpair. */
struct cap_side {
	int	fd;
	struct smsdtls_endpoint *ep;
	unsigned connected, errors, data;
	bool	echo;
	bool	can_park;
	bool	got_stats;
	struct cap_stats stats;
};

static int
cap_write(int fd, uint8_t type, uint32_t id, const void *p, size_t len)
{
	uint8_t buf[MSG_MAX];

	if (len > sizeof(buf) - MSG_HEADER)
		return -1;
	buf[0] = type;
	buf[1] = (uint8_t)(id >> 24);
	buf[2] = (uint8_t)(id >> 16);
	buf[3] = (uint8_t)(id >> 8);
	buf[4] = (uint8_t)id;
	if (len > 0)
		memcpy(buf + MSG_HEADER, p, len);
	while (send(fd, buf, MSG_HEADER + len, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static size_t
cap_pmtu(void *arg, const struct smsdtls_peer *peer)
{
	(void)arg;
	(void)peer;
	return BENCH_PMTU;
}

static smsdtls_rc
cap_send(void *arg, const struct smsdtls_peer *peer, const uint8_t *data,
    size_t len, const struct smsdtls_send_info *info)
{
	struct cap_side *side = arg;

	(void)info;
	return cap_write(side->fd, MSG_DGRAM, peer->u.id, data, len) == 0 ?
	    SMSDTLS_OK : SMSDTLS_EINVAL;
}

static const struct smsdtls_transport_ops cap_ops = {
	.pmtu = cap_pmtu,
	.send = cap_send
};

static void
cap_event(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct cap_side *side = arg;

	(void)ep;
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		side->connected++;
		break;
	case SMSDTLS_EV_DATA:
		side->data++;
		if (side->echo)
			(void)smsdtls_session_send(ev->session, ev->data,
			    ev->len, 0);
		break;
	case SMSDTLS_EV_ERROR:
		side->errors++;
		break;
	}
}

static uint64_t
cap_rss(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	int n;

	if (f == NULL)
		return 0;
	n = fscanf(f, "%lu %lu", &size, &resident);
	fclose(f);
	return n == 2 ? (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE) :
	    0;
}

static void
cap_measure(const struct cap_side *g, struct cap_stats *st)
{
	struct smsdtls_endpoint_stats es;
	struct mallinfo2 mi = mallinfo2();
	struct timespec ts;

	smsdtls_endpoint_get_stats(g->ep, &es);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	st->heap = mi.uordblks + mi.hblkhd;
	st->rss = cap_rss();
	st->cpu_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	st->sessions = es.sessions;
	st->handshakes = es.handshakes_ok;
	st->parked = es.parked;
	st->can_park = g->ep != NULL && g->can_park;
}

/* The gateway process: serve until told to quit. */
static int
cap_gateway(int fd, const struct smsdtls_config *cfg)
{
	struct smsdtls_transport t = { .ops = &cap_ops };
	struct cap_side g = { .fd = fd, .echo = true };
	struct smsdtls_config pcfg;
	struct smsdtls_peer peer;
	struct cap_stats st;
	uint8_t buf[MSG_MAX];
	ssize_t n;

	t.arg = &g;
	/* Parking needs a wolfSSL with patches/wolfssl/0003; without it the
	 * endpoint refuses park_after_ms and the gateway goes on without. */
	pcfg = *cfg;
	pcfg.park_after_ms = CAP_PARK_MS;
	g.can_park = smsdtls_endpoint_new(&pcfg, &t, cap_event, &g, &g.ep) ==
	    SMSDTLS_OK;
	if (!g.can_park &&
	    smsdtls_endpoint_new(cfg, &t, cap_event, &g, &g.ep) != SMSDTLS_OK)
		return 1;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < MSG_HEADER || buf[0] == MSG_QUIT)
			break;
		if (buf[0] == MSG_PARK) {
			/* Every session was last active at time 0. */
			smsdtls_endpoint_on_deadline(g.ep, CAP_PARK_MS + 1000);
			continue;
		}
		if (buf[0] == MSG_STATS) {
			cap_measure(&g, &st);
			if (cap_write(fd, MSG_STATS, 0, &st, sizeof(st)) != 0)
				break;
			continue;
		}
		smsdtls_peer_mem(&peer, (uint32_t)buf[1] << 24 |
		    (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 8 | buf[4]);
		smsdtls_endpoint_input(g.ep, &peer, buf + MSG_HEADER,
		    (size_t)n - MSG_HEADER, 0);
	}
	smsdtls_endpoint_free(g.ep);
	return 0;
}

/* Feed what the gateway sends to the devices until pred holds. */
static int
cap_pump(struct cap_side *d, bool (*pred)(const struct cap_side *, unsigned),
    unsigned want)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	struct smsdtls_peer peer;
	uint8_t buf[MSG_MAX];
	ssize_t n;

	while (!pred(d, want)) {
		if (poll(&pfd, 1, CAP_WAIT_MS) <= 0)
			return -1;
		n = recv(d->fd, buf, sizeof(buf), 0);
		if (n < MSG_HEADER)
			return -1;
		if (buf[0] == MSG_STATS) {
			if ((size_t)n - MSG_HEADER != sizeof(d->stats))
				return -1;
			memcpy(&d->stats, buf + MSG_HEADER, sizeof(d->stats));
			d->got_stats = true;
			continue;
		}
		smsdtls_peer_mem(&peer, (uint32_t)buf[1] << 24 |
		    (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 8 | buf[4]);
		smsdtls_endpoint_input(d->ep, &peer, buf + MSG_HEADER,
		    (size_t)n - MSG_HEADER, 0);
	}
	return 0;
}

static bool
cap_handshakes_done(const struct cap_side *d, unsigned want)
{
	return d->connected + d->errors >= want;
}

static bool
cap_data_done(const struct cap_side *d, unsigned want)
{
	return d->data >= want;
}

static bool
cap_stats_done(const struct cap_side *d, unsigned want)
{
	(void)want;
	return d->got_stats;
}

static int
cap_stats(struct cap_side *d, struct cap_stats *st)
{
	d->got_stats = false;
	if (cap_write(d->fd, MSG_STATS, 0, NULL, 0) != 0 ||
	    cap_pump(d, cap_stats_done, 0) != 0)
		return -1;
	*st = d->stats;
	return 0;
}

/* Handshakes with peers first..last, CAP_BATCH at a time. */
static int
cap_connect(struct cap_side *d, unsigned first, unsigned last)
{
	struct smsdtls_peer peer;
	unsigned k, base = d->connected + d->errors;

	for (k = first; k <= last; k++) {
		smsdtls_peer_mem(&peer, k);
		if (smsdtls_connect(d->ep, &peer, 0, NULL) != SMSDTLS_OK)
			return -1;
		if ((k - first + 1) % CAP_BATCH == 0 || k == last)
			if (cap_pump(d, cap_handshakes_done,
			    base + k - first + 1) != 0)
				return -1;
	}
	return d->errors == 0 ? 0 : -1;
}

/* One datagram each way on every session. */
static int
cap_activity(struct cap_side *d, unsigned first, unsigned last)
{
	uint8_t payload[CAP_PAYLOAD];
	struct smsdtls_peer peer;
	struct smsdtls_session *s;
	unsigned k, base = d->data;

	memset(payload, 0x5a, sizeof(payload));
	for (k = first; k <= last; k++) {
		smsdtls_peer_mem(&peer, k);
		s = smsdtls_endpoint_find(d->ep, &peer);
		if (s == NULL || smsdtls_session_send(s, payload,
		    sizeof(payload), 0) != SMSDTLS_OK)
			return -1;
		if ((k - first + 1) % CAP_BATCH == 0 || k == last)
			if (cap_pump(d, cap_data_done,
			    base + k - first + 1) != 0)
				return -1;
	}
	return 0;
}

/* The devices' side of one mode: warm-up, N handshakes, traffic. */
static int
cap_drive(int fd, const struct smsdtls_config *cfg, unsigned n,
    struct cap_stats st[CAP_NSTATS])
{
	struct smsdtls_transport t = { .ops = &cap_ops };
	struct cap_side d = { .fd = fd };
	int rc = -1;

	t.arg = &d;
	if (smsdtls_endpoint_new(cfg, &t, cap_event, &d, &d.ep) != SMSDTLS_OK)
		return -1;
	/* Peer 0 warms the gateway up (wolfSSL's first-use set-up). */
	if (cap_connect(&d, 0, 0) == 0 && cap_stats(&d, &st[0]) == 0 &&
	    cap_connect(&d, 1, n) == 0 && cap_stats(&d, &st[1]) == 0 &&
	    cap_activity(&d, 1, n) == 0 && cap_stats(&d, &st[2]) == 0 &&
	    cap_write(fd, MSG_PARK, 0, NULL, 0) == 0 &&
	    cap_stats(&d, &st[3]) == 0)
		rc = 0;
	(void)cap_write(fd, MSG_QUIT, 0, NULL, 0);
	smsdtls_endpoint_free(d.ep);
	return rc;
}

/* Both processes for one mode; st[]: before, idle, active, parked. */
static int
cap_run(const struct bench_creds *cr, enum bench_mode mode, unsigned n,
    struct cap_stats st[CAP_NSTATS])
{
	struct smsdtls_config cc, sc;
	int sv[2], status, rc;
	pid_t pid;

	bench_config(cr, mode, SMSDTLS_CLIENT, &cc);
	bench_config(cr, mode, SMSDTLS_SERVER, &sc);
	cc.no_resumption = true;
	sc.max_sessions = n + 16;
	sc.max_half_open = CAP_BATCH * 2;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		_exit(cap_gateway(sv[1], &sc));
	}
	close(sv[1]);
	rc = cap_drive(sv[0], &cc, n, st);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = -1;
	return rc;
}

/* One figure; NAN prints as an empty value. */
static void
cap_row(FILE *out, const char *figure, const char *mode, double value,
    const char *unit, unsigned n, const char *note)
{
	if (isnan(value))
		fprintf(out, "%s,%s,,%s,%u,%s\n", figure, mode, unit, n, note);
	else
		fprintf(out, fabs(value) >= 1e5 ? "%s,%s,%.0f,%s,%u,%s\n" :
		    "%s,%s,%.6g,%s,%u,%s\n", figure, mode, value, unit, n,
		    note);
}

static void
cap_print(FILE *out, enum bench_mode mode, unsigned n,
    const struct cap_stats st[CAP_NSTATS])
{
	const char *m = bench_mode_name(mode);
	double cpu_s = (double)(st[1].cpu_ns - st[0].cpu_ns) / 1e9;
	double idle = ((double)st[1].heap - (double)st[0].heap) / n;
	double active = ((double)st[2].heap - (double)st[0].heap) / n;
	double rss_idle = ((double)st[1].rss - (double)st[0].rss) / n;
	double rss_active = ((double)st[2].rss - (double)st[0].rss) / n;
	double parked = ((double)st[3].heap - (double)st[0].heap) / n;
	/* A sanitizer's allocator leaves glibc's counters at zero. */
	bool heap = st[1].heap > 0;
	bool park = st[3].can_park && st[3].parked == n;
	const char *na = "not measurable: mallinfo2 reports no heap here";

	cap_row(out, "handshakes_per_s_per_core", m, cpu_s > 0 ? n / cpu_s :
	    NAN, "handshakes/s", n, "gateway process CPU time");
	cap_row(out, "gateway_cpu_per_handshake", m, cpu_s * 1000 / n, "ms", n,
	    "gateway process CPU time");
	cap_row(out, "heap_per_session_idle", m, heap ? idle : NAN, "bytes", n,
	    heap ? "heap growth (mallinfo2) just after the handshakes" : na);
	cap_row(out, "sessions_per_gib_idle", m, heap && idle > 0 ?
	    GIB / idle : NAN, "sessions/GiB", n, heap ?
	    "from heap_per_session_idle" : na);
	cap_row(out, "heap_per_session_active", m, heap ? active : NAN,
	    "bytes", n, heap ?
	    "heap growth after one datagram each way per session" : na);
	cap_row(out, "sessions_per_gib_active", m, heap && active > 0 ?
	    GIB / active : NAN, "sessions/GiB", n, heap ?
	    "from heap_per_session_active" : na);
	cap_row(out, "heap_per_session_parked", m, heap && park ? parked :
	    NAN, "bytes", n, !heap ? na : park ?
	    "heap growth once park_after_ms has passed (all parked)" :
	    "not measurable: this wolfSSL cannot park sessions");
	cap_row(out, "sessions_per_gib_parked", m, heap && park &&
	    parked > 0 ? GIB / parked : NAN, "sessions/GiB", n, !heap ? na :
	    park ? "from heap_per_session_parked" :
	    "not measurable: this wolfSSL cannot park sessions");
	cap_row(out, "rss_per_session_idle", m, rss_idle, "bytes", n,
	    "resident set growth just after the handshakes");
	cap_row(out, "rss_per_session_active", m, rss_active, "bytes", n,
	    "resident set growth after one datagram each way");
}

/*
 * cap_run() in a process of its own, so that each mode's gateway starts
 * from a heap that no earlier mode has grown (freed memory that is still
 * resident would hide the resident set growth).
 */
static int
cap_isolated(const struct bench_creds *cr, enum bench_mode mode, unsigned n,
    struct cap_stats st[CAP_NSTATS])
{
	size_t want = CAP_NSTATS * sizeof(*st), got = 0;
	int fds[2], status, rc;
	ssize_t r;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		rc = cap_run(cr, mode, n, st);
		if (rc == 0 && write(fds[1], st, want) != (ssize_t)want)
			rc = -1;
		_exit(rc == 0 ? 0 : 1);
	}
	close(fds[1]);
	while (got < want && ((r = read(fds[0], (uint8_t *)st + got,
	    want - got)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			got += (size_t)r;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return got == want && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
bench_capacity(const struct bench_opts *opts, const struct bench_creds *cr,
    FILE *out)
{
	struct cap_stats st[CAP_NSTATS];
	int m;

	fprintf(out, "figure,mode,value,unit,n,note\n");
	for (m = 0; m < BENCH_NMODES; m++) {
		if (opts->mode >= 0 && opts->mode != m)
			continue;
		if (cap_isolated(cr, (enum bench_mode)m, opts->sessions,
		    st) != 0)
			return -1;
		cap_print(out, (enum bench_mode)m, opts->sessions, st);
		fflush(out);
	}
	return bench_gateway(opts, out);
}
