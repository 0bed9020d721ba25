/*
 * modemtest.c - the harness of the libgammu bearer's integration tests
 * (modemtest.h): smsdtls-smsc with two AT modems on ptys, modems in a
 * libevent loop, callbacks recorded.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "modemtest.h"
#include "smsc/atmodem.h"
#include "smsc/smsc.h"

#ifndef SMSC_PROGRAM
#error SMSC_PROGRAM must name the smsdtls-smsc binary
#endif

#define MT_WAIT_MS	5000
#define MT_TICK_MS	20

static char	 dir[64];
static pid_t	 smsc_pid = -1;
static int64_t	 t0;
static struct event_base *base;
static struct event *tick;

/* The in-process modem of mt_sim_start(). */
static struct smsc *sim_sc;
static struct atmodem *sim_modem;
static int	 sim_master = -1, sim_slave = -1;
static struct event *sim_ev;
static char	 sim_path[64];

static int64_t	mono_ms(void);
static void	cleanup(void);
static void	tick_cb(evutil_socket_t fd, short ev, void *arg);
static void	rx_cb(void *arg, struct modem *m, const uint8_t *tpdu,
		    size_t len, uint64_t handle);
static void	tx_cb(void *arg, struct modem *m, uint64_t id, smsdtls_rc rc,
		    int mr, uint32_t vp);
static void	health_cb(void *arg, struct modem *m, enum modem_health h,
		    const char *why);
static void	log_cb(void *arg, int level, const char *msg);
static void	setup(void);
static void	sim_write(void *arg, const uint8_t *data, size_t len);
static void	sim_read_cb(evutil_socket_t fd, short ev, void *arg);
static void	sim_deliver(struct smsc *sc, struct smsc_station *st,
		    enum smsdtls_tpdu_type type, const uint8_t *tpdu,
		    size_t len, int64_t now, void *arg);

int64_t
mt_now(void)
{
	return mono_ms() - t0;
}

const char *
mt_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

static const char *const numbers[MT_STATIONS_MAX] = {
	MT_NUM_A, MT_NUM_B, "+447700900789", "+447700900321",
	"+447700900654", "+447700900987"
};

const char *
mt_number(const char *station)
{
	ck_assert(station[0] >= 'a' && station[0] < 'a' + MT_STATIONS_MAX);
	return numbers[station[0] - 'a'];
}

void
mt_smsc_start(size_t n, ...)
{
	char conf[256], log[256], out[256], err[256], dev[256], name[16];
	char *argv[] = { SMSC_PROGRAM, "-d", "-f", conf, "--log", log, NULL };
	struct stat sb;
	int64_t until;
	va_list ap;
	size_t i;
	FILE *fp;
	int fd;

	ck_assert_uint_le(n, MT_STATIONS_MAX);
	setup();
	mt_path("smsc.conf", conf, sizeof(conf));
	mt_path("tpdu.log", log, sizeof(log));
	mt_path("smsc.out", out, sizeof(out));
	mt_path("smsc.err", err, sizeof(err));
	ck_assert_ptr_nonnull(fp = fopen(conf, "w"));
	fprintf(fp, "[smsc]\ncountry-code = 44\nsmsc-number = " MT_SMSC "\n"
	    "epoch = 2024-03-15T13:30:45Z\n");
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "modem-%c", (char)('a' + i));
		fprintf(fp, "[station %s]\nmodem = pty\nmodem-link = %s\n%s\n",
		    numbers[i], mt_path(name, dev, sizeof(dev)),
		    va_arg(ap, const char *));
	}
	va_end(ap);
	ck_assert_int_eq(fclose(fp), 0);
	t0 = mono_ms();
	smsc_pid = fork();
	ck_assert_int_ne(smsc_pid, -1);
	if (smsc_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1)
			dup2(fd, 1);
		if ((fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1)
			dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	until = mono_ms() + MT_WAIT_MS;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "modem-%c", (char)('a' + i));
		while (lstat(mt_path(name, dev, sizeof(dev)), &sb) != 0) {
			ck_assert_msg(mono_ms() < until, "smsdtls-smsc made "
			    "no %s (see %s)", name, dir);
			usleep(10000);
		}
	}
}

const char *
mt_sim_start(const char *pin)
{
	struct smsc_conf sconf;
	struct atmodem_conf mconf;
	struct smsc_station *st;
	struct termios t;

	setup();
	t0 = mono_ms();
	smsc_conf_default(&sconf);
	memcpy(sconf.country_code, "44", 3);
	ck_assert_rc(smsc_new(&sconf, &sim_sc), SMSDTLS_OK);
	ck_assert_rc(smsc_station_add(sim_sc, MT_NUM_A, sim_deliver, NULL,
	    &st), SMSDTLS_OK);
	atmodem_conf_default(&mconf);
	mconf.pin = pin;
	ck_assert_int_eq(openpty(&sim_master, &sim_slave, sim_path, NULL,
	    NULL), 0);
	ck_assert_int_eq(tcgetattr(sim_slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(sim_slave, TCSANOW, &t), 0);
	fcntl(sim_master, F_SETFL, fcntl(sim_master, F_GETFL) | O_NONBLOCK);
	ck_assert_rc(atmodem_new(sim_sc, st, &mconf, sim_write, NULL,
	    &sim_modem), SMSDTLS_OK);
	ck_assert_ptr_nonnull(sim_ev = event_new(base, sim_master,
	    EV_READ | EV_PERSIST, sim_read_cb, NULL));
	ck_assert_int_eq(event_add(sim_ev, NULL), 0);
	return sim_path;
}

void
mt_conf(struct modem_conf *c, const char *station)
{
	char name[32];

	modem_conf_init(c);
	snprintf(c->name, sizeof(c->name), "%s", station);
	snprintf(name, sizeof(name), "modem-%s", station);
	mt_path(name, c->device, sizeof(c->device));
	snprintf(name, sizeof(name), "gammu-%s.log", station);
	mt_path(name, c->debug_log, sizeof(c->debug_log));
	c->poll_ms = 1000;
	c->call_timeout_ms = 2000;
	c->connect_timeout_ms = 10000;
	c->probe_ms = 1000;
	c->backoff_min_ms = 300;
	c->backoff_max_ms = 2400;
	c->submit_timeout_ms = 5000;
	c->hook_timeout_ms = 2000;
	c->queue_max = 16;
}

void
mt_modem_new(struct mt_modem *t, const char *name,
    const struct modem_conf *conf)
{
	static const struct modem_cb cb = { rx_cb, tx_cb, health_cb, log_cb };
	char file[64];

	memset(t, 0, sizeof(*t));
	t->name = name;
	t->conf = *conf;
	snprintf(file, sizeof(file), "%s.log", name);
	mt_path(file, t->logpath, sizeof(t->logpath));
	ck_assert_rc(modem_new(base, conf, &cb, t, &t->m), SMSDTLS_OK);
}

void
mt_modem_free(struct mt_modem *t)
{
	modem_free(t->m);
	t->m = NULL;
}

struct event_base *
mt_base(void)
{
	return base;
}

bool
mt_run_until(bool (*pred)(void *), void *arg, int64_t ms)
{
	int64_t until = mono_ms() + ms;
	struct timeval tv = { 0, MT_TICK_MS * 1000 };

	event_add(tick, &tv);
	while (!pred(arg) && mono_ms() < until)
		event_base_loop(base, EVLOOP_ONCE);
	event_del(tick);
	return pred(arg);
}

struct count_wait {
	const size_t *n;
	size_t	want;
};

static bool
count_reached(void *arg)
{
	const struct count_wait *w = arg;

	return *w->n >= w->want;
}

bool
mt_wait_count(const size_t *n, size_t want, int64_t ms)
{
	struct count_wait w = { n, want };

	return mt_run_until(count_reached, &w, ms);
}

void
mt_wait_sweeps(struct mt_modem *a, struct mt_modem *b)
{
	struct modem_stats sa, sb;
	uint64_t na, nb;
	int64_t until = mt_now() + 5000;

	modem_get_stats(a->m, &sa);
	modem_get_stats(b->m, &sb);
	na = sa.sweeps + 1;
	nb = sb.sweeps + 1;
	while (mt_now() < until) {
		mt_run_for(100);
		modem_get_stats(a->m, &sa);
		modem_get_stats(b->m, &sb);
		if (sa.sweeps >= na && sb.sweeps >= nb)
			return;
	}
	ck_abort_msg("no storage listing in 5 s");
}

static bool
never(void *arg)
{
	(void)arg;
	return false;
}

void
mt_run_for(int64_t ms)
{
	mt_run_until(never, NULL, ms);
}

struct health_wait {
	struct mt_modem *t;
	enum modem_health h;
	size_t after;
};

static bool
health_is(void *arg)
{
	struct health_wait *w = arg;
	size_t i;

	for (i = w->after; i < w->t->nhealth; i++)
		if (w->t->health[i] == w->h)
			return true;
	return false;
}

bool
mt_wait_health(struct mt_modem *t, enum modem_health h, size_t after,
    int64_t ms)
{
	struct health_wait w = { t, h, after };

	return mt_run_until(health_is, &w, ms);
}

size_t
mt_submit_tpdu(const char *to, uint16_t src, uint16_t dst,
    const uint8_t *payload, size_t plen, uint8_t vp, bool srr, uint8_t *buf)
{
	struct smsdtls_tpdu t;
	size_t hlen, len;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_SUBMIT;
	t.status_report = srr;
	ck_assert_rc(smsdtls_addr_parse(to, &t.addr), SMSDTLS_OK);
	t.dcs = SMSDTLS_DCS_8BIT;
	t.vp.format = SMSDTLS_VPF_RELATIVE;
	t.vp.relative = vp;
	t.udh.has_ports = true;
	t.udh.ports16 = true;
	t.udh.src_port = src;
	t.udh.dst_port = dst;
	ck_assert_rc(smsdtls_udh_build(&t.udh, t.ud, sizeof(t.ud), &hlen),
	    SMSDTLS_OK);
	ck_assert_uint_le(hlen + plen, SMSDTLS_UD_MAX);
	memcpy(t.ud + hlen, payload, plen);
	t.ud_len = hlen + plen;
	t.udhi = true;
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, SMSDTLS_PDU_MAX, &len, NULL),
	    SMSDTLS_OK);
	return len;
}

bool
mt_log_has(const struct mt_modem *t, const char *text)
{
	static char buf[1 << 20];
	FILE *fp;
	size_t n;

	if ((fp = fopen(t->logpath, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return strstr(buf, text) != NULL;
}

/* ------------------------------------------------------------ helpers */

/* The directory (removed at a normal exit) and the event base. */
static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_modem.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	atexit(cleanup);
	ck_assert_ptr_nonnull(base = event_base_new());
	ck_assert_ptr_nonnull(tick = event_new(base, -1, EV_PERSIST, tick_cb,
	    NULL));
}

/* The in-process modem's output; give up if nobody reads for 2 s. */
static void
sim_write(void *arg, const uint8_t *data, size_t len)
{
	struct pollfd pfd = { sim_master, POLLOUT, 0 };
	ssize_t n;
	int waits = 0;

	(void)arg;
	while (len > 0) {
		n = write(sim_master, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;
		if (poll(&pfd, 1, 100) == 0 && ++waits > 20)
			return;
	}
}

static void
sim_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t buf[4096];
	ssize_t n;

	(void)ev;
	(void)arg;
	if ((n = read(fd, buf, sizeof(buf))) > 0)
		atmodem_input(sim_modem, buf, (size_t)n, mt_now());
	smsc_run(sim_sc, mt_now());
}

static void
sim_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	(void)sc;
	(void)st;
	(void)arg;
	atmodem_deliver(sim_modem, type, tpdu, len, now);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* At a normal exit (the test passed): stop the SMSC, remove the files.
 * A failed test ends with _exit() and leaves them for the post-mortem;
 * the SMSC then gets SIGTERM as its parent dies. */
static void
cleanup(void)
{
	char cmd[128];
	int status;

	if (smsc_pid > 0) {
		kill(smsc_pid, SIGTERM);
		waitpid(smsc_pid, &status, 0);
		smsc_pid = -1;
	}
	if (dir[0] != '\0' && getenv("CHECK_MODEM_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	} else if (dir[0] != '\0')
		fprintf(stderr, "check_modem: files kept in %s\n", dir);
	dir[0] = '\0';
}

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
}

static void
rx_cb(void *arg, struct modem *m, const uint8_t *tpdu, size_t len,
    uint64_t handle)
{
	struct mt_modem *t = arg;
	struct mt_rx *r;

	ck_assert_ptr_eq(m, t->m);
	ck_assert_uint_lt(t->nrx, MT_MAX_EVENTS);
	ck_assert_uint_le(len, SMSDTLS_PDU_MAX);
	r = &t->rx[t->nrx++];
	memcpy(r->tpdu, tpdu, len);
	r->len = len;
	r->handle = handle;
	if (t->auto_accept)
		modem_accept(m, handle);
}

static void
tx_cb(void *arg, struct modem *m, uint64_t id, smsdtls_rc rc, int mr,
    uint32_t vp)
{
	struct mt_modem *t = arg;
	struct mt_tx *x;

	ck_assert_ptr_eq(m, t->m);
	ck_assert_uint_lt(t->ntx, MT_MAX_EVENTS);
	x = &t->tx[t->ntx++];
	x->id = id;
	x->rc = rc;
	x->mr = mr;
	x->vp = vp;
	x->at = mt_now();
}

static void
health_cb(void *arg, struct modem *m, enum modem_health h, const char *why)
{
	struct mt_modem *t = arg;
	char line[512];

	ck_assert_ptr_eq(m, t->m);
	if (t->nhealth < MT_MAX_EVENTS)
		t->health[t->nhealth++] = h;
	snprintf(line, sizeof(line), "health %s: %s", modem_health_name(h),
	    why);
	log_cb(arg, SMSDTLS_LOG_INFO, line);
}

static void
log_cb(void *arg, int level, const char *msg)
{
	struct mt_modem *t = arg;
	FILE *fp;

	if ((fp = fopen(t->logpath, "a")) == NULL)
		return;
	fprintf(fp, "%8lld %d %s\n", (long long)mt_now(), level, msg);
	fclose(fp);
	if (getenv("CHECK_MODEM_VERBOSE") != NULL)
		fprintf(stderr, "%8lld %s %s\n", (long long)mt_now(), t->name,
		    msg);
}
