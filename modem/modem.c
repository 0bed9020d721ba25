/*
 * modem.c - the libgammu SMS bearer, event-loop side (modem.h): the
 * outgoing queue, send pacing, the worker's life (fork, watchdog, health
 * probe, reset with backoff and the operator's hook) and the translation
 * of worker frames (proto.h) into callbacks.
 *
 * The worker (worker.c) is a fork of this process that owns the
 * GSM_StateMachine; this side never calls libgammu's blocking functions
 * and never waits on the worker.  One SUBMIT at a time is in the
 * worker's hands; it stays at the head of the queue until the worker
 * says how it went, so a worker that dies or is killed loses nothing:
 * the next one sends it again.  +CMS ERROR codes that say the message
 * itself is refused (TS 27.005 3.2.5, TS 24.011 E.2, TS 23.040 9.2.3.22)
 * end it; any other failure counts against the modem, and error_limit
 * of them in a row reset it.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <gammu.h>

#include <smsdtls/session.h>

#include "modem/convert.h"
#include "modem/modem.h"
#include "modem/proto.h"
#include "modem/worker.h"

/* Killed workers not reaped yet that we keep trying to reap. */
#define MODEM_ZOMBIES		16
/* Reap attempts at free time, 10 ms apart. */
#define MODEM_FREE_REAPS	20

struct modem_msg {
	TAILQ_ENTRY(modem_msg) entry;
	uint64_t id;
	uint32_t vp_seconds;
	unsigned attempts;
	size_t	len;
	uint8_t	tpdu[SMSDTLS_PDU_MAX];
};
TAILQ_HEAD(modem_queue, modem_msg);

struct modem {
	struct event_base *base;
	struct modem_conf conf;
	struct modem_cb cb;
	void	*arg;

	/* The worker. */
	pid_t	pid;
	int	fd;
	uint32_t gen;		/* of the worker; handles carry it */
	bool	up;		/* it said UP */
	bool	hook;		/* the next worker runs the reset hook */
	bool	final;		/* the SIM refused the PIN: no more workers */
	bool	tx_failed;	/* a frame could not be written */
	bool	announced;	/* STARTING was reported */
	char	reset_why[128];	/* modem_reset(), done from the loop */
	char	fail[PROTO_TEXT_MAX + 1];	/* its last words */
	struct event *ev_read;
	struct event *ev_watchdog;
	struct event *ev_start;
	struct event *ev_send;
	struct event *ev_probe;
	struct event *ev_reap;
	pid_t	zombies[MODEM_ZOMBIES];
	size_t	nzombies;

	/* Outgoing. */
	struct modem_queue queue;
	size_t	queued;
	bool	inflight;	/* the head is with the worker */
	bool	probing;
	int64_t	next_send;
	uint64_t bearer_id;

	/* Health. */
	enum modem_health health;
	unsigned errors;	/* probes, listings, deletions failed in a
				 * row */
	unsigned send_errors;	/* SUBMITs failed in a row (a modem that
				 * answers probes but sends nothing) */
	uint32_t backoff;
	struct modem_stats st;

	int	depth;		/* our callbacks under way */
	bool	dying;		/* modem_free() came from one */
};

static bool	number_valid(const char *s);
static bool	conf_valid(const struct modem_conf *c);
static void	start_cb(evutil_socket_t fd, short ev, void *arg);
static void	worker_spawn(struct modem *m);
static void	child_main(struct modem *m, int fd) __attribute__((noreturn));
static void	read_cb(evutil_socket_t fd, short ev, void *arg);
static void	dispatch(struct modem *m, const struct proto_msg *msg);
static void	on_up(struct modem *m, const struct proto_msg *msg);
static void	on_sent(struct modem *m, const struct proto_msg *msg);
static void	on_received(struct modem *m, const struct proto_msg *msg);
static void	on_reply(struct modem *m, const struct proto_msg *msg);
static void	on_fail(struct modem *m, const struct proto_msg *msg);
static void	watchdog_cb(evutil_socket_t fd, short ev, void *arg);
static void	watchdog_arm(struct modem *m);
static void	worker_kill(struct modem *m, const char *why);
static void	worker_lost(struct modem *m, const char *why, bool now);
static void	send_cb(evutil_socket_t fd, short ev, void *arg);
static void	try_send(struct modem *m);
static void	send_kick(struct modem *m, int64_t at);
static void	probe_cb(evutil_socket_t fd, short ev, void *arg);
static void	reap_cb(evutil_socket_t fd, short ev, void *arg);
static void	reap(struct modem *m);
static void	failure(struct modem *m, unsigned *count, const char *what);
static smsdtls_rc cms_final(int cms);
static void	msg_done(struct modem *m, smsdtls_rc rc, int mr);
static void	set_health(struct modem *m, enum modem_health h,
		    const char *why);
static int	tx(struct modem *m, const struct proto_msg *msg);
static void	mlog(struct modem *m, int level, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static void	leave(struct modem *m);
static void	destroy(struct modem *m);
static void	copy_text(char *dst, size_t len, const char *src);
static int64_t	now_ms(void);
static void	timer_ms(struct event *ev, int64_t ms);
static smsdtls_rc bearer_submit(void *arg, const uint8_t *tpdu, size_t len,
		    const struct smsdtls_sms_submit_info *info);

void
modem_conf_init(struct modem_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "modem");
	snprintf(c->connection, sizeof(c->connection), "at");
	c->poll_ms = 10000;
	c->call_timeout_ms = 45000;
	c->probe_ms = 60000;
	c->backoff_min_ms = 1000;
	c->backoff_max_ms = 300000;
	c->queue_max = 1000;
	c->connect_timeout_ms = 90000;
	c->submit_timeout_ms = 60000;
	c->error_limit = 3;
	c->hook_timeout_ms = 30000;
}

smsdtls_rc
modem_new(struct event_base *base, const struct modem_conf *conf,
    const struct modem_cb *cb, void *arg, struct modem **mp)
{
	struct modem *m;

	if (base == NULL || conf == NULL || cb == NULL || mp == NULL ||
	    cb->received == NULL || cb->submitted == NULL ||
	    !conf_valid(conf))
		return SMSDTLS_EINVAL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return SMSDTLS_ENOMEM;
	m->base = base;
	m->conf = *conf;
	m->cb = *cb;
	m->arg = arg;
	m->pid = -1;
	m->fd = -1;
	m->backoff = conf->backoff_min_ms;
	m->health = MODEM_STARTING;
	m->bearer_id = MODEM_BEARER_ID_BASE;
	TAILQ_INIT(&m->queue);
	m->ev_watchdog = evtimer_new(base, watchdog_cb, m);
	m->ev_start = evtimer_new(base, start_cb, m);
	m->ev_send = evtimer_new(base, send_cb, m);
	m->ev_probe = event_new(base, -1, EV_PERSIST, probe_cb, m);
	m->ev_reap = event_new(base, -1, EV_PERSIST, reap_cb, m);
	if (m->ev_watchdog == NULL || m->ev_start == NULL ||
	    m->ev_send == NULL || m->ev_probe == NULL || m->ev_reap == NULL) {
		destroy(m);
		return SMSDTLS_ENOMEM;
	}
	timer_ms(m->ev_start, 0);
	*mp = m;
	return SMSDTLS_OK;
}

smsdtls_rc
modem_submit(struct modem *m, uint64_t id, const uint8_t *tpdu, size_t len)
{
	GSM_SMSMessage sms;
	struct modem_msg *q;
	uint32_t vp;
	smsdtls_rc rc;

	if (m == NULL || tpdu == NULL || len == 0 || len > SMSDTLS_PDU_MAX)
		return SMSDTLS_EINVAL;
	rc = convert_submit(tpdu, len, m->conf.status_reports,
	    (int64_t)time(NULL), &sms, &vp);
	if (rc != SMSDTLS_OK)
		return rc;
	if (m->queued >= m->conf.queue_max)
		return SMSDTLS_ELIMIT;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return SMSDTLS_ENOMEM;
	q->id = id;
	q->vp_seconds = vp;
	q->len = len;
	memcpy(q->tpdu, tpdu, len);
	TAILQ_INSERT_TAIL(&m->queue, q, entry);
	m->queued++;
	send_kick(m, 0);
	return SMSDTLS_OK;
}

void
modem_accept(struct modem *m, uint64_t handle)
{
	struct proto_msg d;

	if (m == NULL)
		return;
	if ((uint32_t)(handle >> 32) != m->gen || !m->up) {
		mlog(m, SMSDTLS_LOG_DEBUG, "accept handle=%016llx stale: "
		    "offered again by the new worker",
		    (unsigned long long)handle);
		return;
	}
	proto_init(&d, PROTO_DELETE);
	d.token = (uint32_t)handle;
	m->st.accepted++;
	tx(m, &d);
}

void
modem_get_stats(const struct modem *m, struct modem_stats *st)
{
	*st = m->st;
	st->health = m->health;
	st->queue_depth = m->queued;
}

void
modem_reset(struct modem *m, const char *why)
{
	char text[160];

	if (m == NULL || m->final)
		return;
	snprintf(text, sizeof(text), "reset: %s", why != NULL ? why : "asked");
	m->hook = true;
	if (m->pid > 0) {
		copy_text(m->reset_why, sizeof(m->reset_why), text);
		timer_ms(m->ev_watchdog, 0);
	} else
		timer_ms(m->ev_start, 0);
}

int
modem_worker_pid(const struct modem *m)
{
	return m != NULL && m->pid > 0 ? (int)m->pid : -1;
}

void
modem_free(struct modem *m)
{
	if (m == NULL)
		return;
	if (m->depth > 0) {
		m->dying = true;
		return;
	}
	destroy(m);
}

void
modem_bearer(struct modem *m, struct smsdtls_bearer *b)
{
	b->submit = bearer_submit;
	b->arg = m;
}

const char *
modem_health_name(enum modem_health h)
{
	switch (h) {
	case MODEM_STARTING:
		return "starting";
	case MODEM_UP:
		return "up";
	case MODEM_RESETTING:
		return "resetting";
	case MODEM_DOWN:
		return "down";
	}
	return "unknown";
}

/* ------------------------------------------------------------ worker */

/* "+digits" or "digits", 1-20 of them: an SMSC number. */
static bool
number_valid(const char *s)
{
	size_t n;

	if (*s == '+')
		s++;
	n = strlen(s);
	return n > 0 && n <= SMSDTLS_ADDR_DIGITS_MAX &&
	    strspn(s, "0123456789") == n;
}

static bool
conf_valid(const struct modem_conf *c)
{
	if (memchr(c->name, '\0', sizeof(c->name)) == NULL ||
	    memchr(c->device, '\0', sizeof(c->device)) == NULL ||
	    memchr(c->connection, '\0', sizeof(c->connection)) == NULL ||
	    memchr(c->pin_file, '\0', sizeof(c->pin_file)) == NULL ||
	    memchr(c->smsc, '\0', sizeof(c->smsc)) == NULL ||
	    memchr(c->reset_hook, '\0', sizeof(c->reset_hook)) == NULL ||
	    memchr(c->debug_log, '\0', sizeof(c->debug_log)) == NULL)
		return false;
	if (c->smsc[0] != '\0' && !number_valid(c->smsc))
		return false;
	return c->device[0] != '\0' && c->connection[0] != '\0' &&
	    !(c->send_rate < 0) && c->send_rate == c->send_rate &&
	    c->poll_ms > 0 && c->call_timeout_ms > 0 && c->probe_ms > 0 &&
	    c->backoff_min_ms > 0 && c->backoff_min_ms <= c->backoff_max_ms &&
	    c->queue_max > 0 && c->connect_timeout_ms > 0 &&
	    c->submit_timeout_ms > 0 && c->error_limit > 0 &&
	    c->hook_timeout_ms > 0;
}

static void
start_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct modem *m = arg;

	(void)fd;
	(void)ev;
	m->depth++;
	if (m->pid <= 0 && !m->final)
		worker_spawn(m);
	leave(m);
}

static void
worker_spawn(struct modem *m)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		mlog(m, SMSDTLS_LOG_ERROR, "socketpair: %s", strerror(errno));
		worker_lost(m, "cannot make a socketpair", false);
		return;
	}
	if ((pid = fork()) == -1) {
		mlog(m, SMSDTLS_LOG_ERROR, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		worker_lost(m, "cannot fork", false);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(m, sv[1]);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	m->ev_read = event_new(m->base, sv[0], EV_READ | EV_PERSIST, read_cb,
	    m);
	if (m->ev_read == NULL || event_add(m->ev_read, NULL) == -1) {
		kill(pid, SIGKILL);
		close(sv[0]);
		m->pid = pid;
		m->fd = -1;
		worker_lost(m, "out of memory", false);
		return;
	}
	m->pid = pid;
	m->fd = sv[0];
	m->gen++;
	m->up = false;
	m->tx_failed = false;
	m->fail[0] = '\0';
	if (m->hook && m->conf.reset_hook[0] != '\0')
		m->st.hook_runs++;
	mlog(m, SMSDTLS_LOG_INFO, "worker pid=%d gen=%u device=%s%s",
	    (int)pid, (unsigned)m->gen, m->conf.device,
	    m->hook && m->conf.reset_hook[0] != '\0' ? " hook" : "");
	watchdog_arm(m);
	m->hook = false;
	if (!m->announced) {
		m->announced = true;
		set_health(m, MODEM_STARTING, "connecting");
	}
}

/* In the fresh child: drop what belongs to the owner, then work. */
static void
child_main(struct modem *m, int fd)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM,
		SIGPIPE
	};
	struct modem_conf conf = m->conf;
	sigset_t none;
	struct dirent *de;
	DIR *d;
	size_t i;
	int n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			n = atoi(de->d_name);
			if (n > 2 && n != fd && n != dirfd(d))
				close(n);
		}
		closedir(d);
	}
	_exit(worker_run(fd, &conf, m->hook));
}

static void
read_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct modem *m = arg;
	uint8_t buf[PROTO_FRAME_MAX];
	struct proto_msg msg;
	char why[PROTO_TEXT_MAX + 64];
	ssize_t n;

	(void)ev;
	m->depth++;
	while (!m->dying && m->fd == fd) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			snprintf(why, sizeof(why), "worker ended%s%s",
			    m->fail[0] != '\0' ? ": " : "", m->fail);
			worker_lost(m, why, false);
			break;
		}
		if ((size_t)n > sizeof(buf) ||
		    proto_decode(buf, (size_t)n, &msg) != SMSDTLS_OK ||
		    !proto_from_worker(msg.type)) {
			worker_kill(m, "bad frame from the worker");
			break;
		}
		watchdog_arm(m);
		dispatch(m, &msg);
	}
	leave(m);
}

static void
dispatch(struct modem *m, const struct proto_msg *msg)
{
	switch (msg->type) {
	case PROTO_UP:
		on_up(m, msg);
		break;
	case PROTO_SENT:
		on_sent(m, msg);
		break;
	case PROTO_RECEIVED:
		on_received(m, msg);
		break;
	case PROTO_DELETED:
	case PROTO_PROBED:
	case PROTO_SWEPT:
	case PROTO_DROPPED:
		on_reply(m, msg);
		break;
	case PROTO_FAIL:
		on_fail(m, msg);
		break;
	case PROTO_LOG:
		mlog(m, msg->kind <= SMSDTLS_LOG_DEBUG ? msg->kind :
		    SMSDTLS_LOG_DEBUG, "worker: %s", msg->text);
		break;
	case PROTO_ALIVE:
		break;
	}
}

static void
on_up(struct modem *m, const struct proto_msg *msg)
{
	m->up = true;
	m->errors = 0;
	m->send_errors = 0;
	m->backoff = m->conf.backoff_min_ms;
	m->st.connects++;
	copy_text(m->st.identity, sizeof(m->st.identity), msg->text);
	watchdog_arm(m);
	timer_ms(m->ev_probe, m->conf.probe_ms);
	send_kick(m, 0);
	set_health(m, MODEM_UP, msg->text);
}

static void
on_sent(struct modem *m, const struct proto_msg *msg)
{
	struct modem_msg *q = TAILQ_FIRST(&m->queue);
	smsdtls_rc rc;
	char what[PROTO_TEXT_MAX + 64];

	if (!m->inflight || q == NULL || q->id != msg->id) {
		worker_kill(m, "SENT for a message not sent");
		return;
	}
	m->inflight = false;
	q->attempts++;
	if (msg->err == 0) {
		m->send_errors = 0;
		m->st.submits_ok++;
		mlog(m, SMSDTLS_LOG_DEBUG, "submitted id=%llu mr=%d vp=%u "
		    "attempts=%u", (unsigned long long)q->id, (int)msg->mr,
		    (unsigned)q->vp_seconds, q->attempts);
		msg_done(m, SMSDTLS_OK, msg->mr);
		return;
	}
	m->st.submit_errors++;
	copy_text(m->st.last_error, sizeof(m->st.last_error), msg->text);
	if (msg->cms > 0)
		m->st.last_cms = msg->cms;
	rc = msg->err == ERR_BUG ? SMSDTLS_EUNSUPP : cms_final(msg->cms);
	if (rc != SMSDTLS_OK) {
		m->send_errors = 0;	/* the modem works; the message is
					 * refused */
		mlog(m, SMSDTLS_LOG_WARN, "submit refused id=%llu: %s",
		    (unsigned long long)q->id, msg->text);
		msg_done(m, rc, -1);
		return;
	}
	snprintf(what, sizeof(what), "submit id=%llu attempt %u: %s",
	    (unsigned long long)q->id, q->attempts, msg->text);
	send_kick(m, now_ms() + m->conf.backoff_min_ms);
	failure(m, &m->send_errors, what);
}

static void
on_received(struct modem *m, const struct proto_msg *msg)
{
	uint64_t handle = (uint64_t)m->gen << 32 | msg->token;

	m->st.received++;
	mlog(m, SMSDTLS_LOG_DEBUG, "received handle=%016llx len=%zu",
	    (unsigned long long)handle, msg->len);
	m->cb.received(m->arg, m, msg->data, msg->len, handle);
}

/* DELETED, PROBED, SWEPT, DROPPED: the modem works or it does not. */
static void
on_reply(struct modem *m, const struct proto_msg *msg)
{
	switch (msg->type) {
	case PROTO_DELETED:
		if (msg->err == 0) {
			m->st.deleted++;
			break;
		}
		mlog(m, SMSDTLS_LOG_WARN, "delete token=%u: %s",
		    (unsigned)msg->token, msg->text);
		if (msg->err != ERR_INVALIDLOCATION && msg->err != ERR_EMPTY) {
			failure(m, &m->errors, msg->text);
			return;
		}
		break;
	case PROTO_PROBED:
		m->probing = false;
		if (msg->err != 0) {
			failure(m, &m->errors, msg->text);
			return;
		}
		m->st.probes++;
		break;
	case PROTO_SWEPT:
		if (msg->err != 0) {
			failure(m, &m->errors, msg->text);
			return;
		}
		m->st.sweeps++;
		break;
	case PROTO_DROPPED:
		m->st.rx_dropped++;
		mlog(m, SMSDTLS_LOG_WARN, "unconvertible message: %s",
		    msg->text);
		return;
	}
	m->errors = 0;
}

static void
on_fail(struct modem *m, const struct proto_msg *msg)
{
	copy_text(m->fail, sizeof(m->fail), msg->text);
	copy_text(m->st.last_error, sizeof(m->st.last_error), msg->text);
	if (msg->kind == PROTO_FAIL_PIN)
		m->final = true;
	mlog(m, msg->kind == PROTO_FAIL_CONNECT ? SMSDTLS_LOG_WARN :
	    SMSDTLS_LOG_ERROR, "worker failed: %s", msg->text);
}

/* A failure of the modem (not of one message): error_limit of one kind
 * in a row reset it. */
static void
failure(struct modem *m, unsigned *count, const char *what)
{
	char why[PROTO_TEXT_MAX + 64];

	copy_text(m->st.last_error, sizeof(m->st.last_error), what);
	mlog(m, SMSDTLS_LOG_WARN, "error %u/%u: %s", *count + 1,
	    m->conf.error_limit, what);
	if (++*count < m->conf.error_limit)
		return;
	snprintf(why, sizeof(why), "%u errors in a row, last: %s", *count,
	    what);
	worker_kill(m, why);
}

static void
watchdog_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct modem *m = arg;
	char why[128];

	(void)fd;
	(void)ev;
	m->depth++;
	if (m->pid > 0 && m->reset_why[0] != '\0') {
		snprintf(why, sizeof(why), "%s", m->reset_why);
		m->reset_why[0] = '\0';
		kill(m->pid, SIGKILL);
		worker_lost(m, why, true);
	} else if (m->pid > 0) {
		if (m->tx_failed)
			snprintf(why, sizeof(why), "the worker takes no "
			    "frames");
		else
			snprintf(why, sizeof(why), "watchdog: no word from the "
			    "worker in %u ms", (unsigned)(m->up ?
			    m->conf.call_timeout_ms :
			    m->conf.connect_timeout_ms));
		worker_kill(m, why);
	}
	leave(m);
}

static void
watchdog_arm(struct modem *m)
{
	int64_t t = m->up ? m->conf.call_timeout_ms :
	    m->conf.connect_timeout_ms;

	if (!m->up && m->hook && m->conf.reset_hook[0] != '\0')
		t += m->conf.hook_timeout_ms;
	timer_ms(m->ev_watchdog, t);
}

static void
worker_kill(struct modem *m, const char *why)
{
	if (m->pid > 0)
		kill(m->pid, SIGKILL);
	worker_lost(m, why, false);
}

/*
 * The worker is gone or going: forget it, keep the queue, and start the
 * next one after the backoff (now: without).  The health is DOWN once
 * the backoff has reached its maximum, or for good after a PIN refusal.
 */
static void
worker_lost(struct modem *m, const char *why, bool now)
{
	uint32_t delay;

	if (m->ev_read != NULL) {
		event_free(m->ev_read);
		m->ev_read = NULL;
	}
	if (m->fd != -1)
		close(m->fd);
	m->fd = -1;
	if (m->pid > 0 && m->nzombies < MODEM_ZOMBIES)
		m->zombies[m->nzombies++] = m->pid;
	m->pid = -1;
	reap(m);
	m->up = false;
	m->inflight = false;
	m->probing = false;
	m->errors = 0;
	m->send_errors = 0;
	m->st.resets++;
	m->hook = true;
	evtimer_del(m->ev_watchdog);
	event_del(m->ev_probe);
	evtimer_del(m->ev_send);
	copy_text(m->st.last_error, sizeof(m->st.last_error), why);
	if (m->final) {
		set_health(m, MODEM_DOWN, why);
		return;
	}
	delay = now ? 0 : m->backoff;
	if (!now)
		m->backoff = m->backoff > m->conf.backoff_max_ms / 2 ?
		    m->conf.backoff_max_ms : m->backoff * 2;
	mlog(m, SMSDTLS_LOG_WARN, "worker lost (%s); next in %u ms", why,
	    (unsigned)delay);
	timer_ms(m->ev_start, delay);
	set_health(m, delay >= m->conf.backoff_max_ms ? MODEM_DOWN :
	    MODEM_RESETTING, why);
}

/* ---------------------------------------------------------- sending */

static void
send_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct modem *m = arg;

	(void)fd;
	(void)ev;
	m->depth++;
	try_send(m);
	leave(m);
}

static void
try_send(struct modem *m)
{
	struct modem_msg *q = TAILQ_FIRST(&m->queue);
	struct proto_msg s;
	int64_t now = now_ms();

	if (!m->up || m->inflight || q == NULL || m->dying)
		return;
	if (now < m->next_send) {
		send_kick(m, m->next_send);
		return;
	}
	proto_init(&s, PROTO_SEND);
	s.id = q->id;
	memcpy(s.data, q->tpdu, q->len);
	s.len = q->len;
	if (tx(m, &s) != 0)
		return;
	m->inflight = true;
	if (m->conf.send_rate > 0)
		m->next_send = now + (int64_t)(1000.0 / m->conf.send_rate);
}

/* Run try_send() from the loop at time at (0: at once). */
static void
send_kick(struct modem *m, int64_t at)
{
	int64_t d = at == 0 ? 0 : at - now_ms();

	if (at != 0 && at > m->next_send)
		m->next_send = at;
	timer_ms(m->ev_send, d < 0 ? 0 : d);
}

static void
probe_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct modem *m = arg;
	struct proto_msg p;

	(void)fd;
	(void)ev;
	if (!m->up || m->inflight || m->probing)
		return;
	proto_init(&p, PROTO_PROBE);
	if (tx(m, &p) == 0)
		m->probing = true;
}

static void
reap_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	reap(arg);
}

/* waitpid() our own killed workers, never blocking. */
static void
reap(struct modem *m)
{
	size_t i = 0;
	int status;
	pid_t r;

	while (i < m->nzombies) {
		r = waitpid(m->zombies[i], &status, WNOHANG);
		if (r == 0) {
			i++;
			continue;
		}
		if (r == m->zombies[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) != WORKER_EXIT_OK)
			mlog(m, SMSDTLS_LOG_DEBUG, "worker %d exit %d",
			    (int)r, WEXITSTATUS(status));
		m->zombies[i] = m->zombies[--m->nzombies];
	}
	if (m->nzombies > 0)
		timer_ms(m->ev_reap, 100);
	else
		event_del(m->ev_reap);
}

/*
 * +CMS ERROR codes that refuse the message itself: it would fail again
 * on any modem.  SMSDTLS_OK for the rest (network, SIM, modem trouble).
 */
static smsdtls_rc
cms_final(int cms)
{
	switch (cms) {
	case 1:		/* unassigned number */
	case 28:	/* unidentified subscriber */
	case 30:	/* unknown subscriber */
	case 195:	/* invalid SME address */
	case 196:	/* destination SME barred */
		return SMSDTLS_EADDR;
	case 197:	/* duplicate rejected */
		return SMSDTLS_EDUP;
	case 8: case 10: case 21: case 29: case 50: case 81:
	case 95: case 96: case 97: case 98: case 99: case 111:
	case 193:	/* no SC subscription */
	case 304:	/* invalid PDU mode parameter */
	case 305:	/* invalid text mode parameter */
		return SMSDTLS_EPROTO;
	case 69:	/* facility not implemented */
	case 198:	/* TP-VPF not supported */
	case 199:	/* TP-VP not supported */
	case 303:	/* operation not supported */
		return SMSDTLS_EUNSUPP;
	}
	/* TP-FCS: PID, DCS and command errors. */
	return cms >= 128 && cms <= 175 ? SMSDTLS_EUNSUPP : SMSDTLS_OK;
}

/* The head of the queue is done: dequeue it, then tell the owner. */
static void
msg_done(struct modem *m, smsdtls_rc rc, int mr)
{
	struct modem_msg *q = TAILQ_FIRST(&m->queue);
	uint64_t id = q->id;
	uint32_t vp = q->vp_seconds;

	TAILQ_REMOVE(&m->queue, q, entry);
	m->queued--;
	free(q);
	if (rc != SMSDTLS_OK)
		m->st.submits_failed++;
	send_kick(m, 0);
	m->cb.submitted(m->arg, m, id, rc, rc == SMSDTLS_OK ? mr : -1, vp);
}

/* ---------------------------------------------------------- plumbing */

static void
set_health(struct modem *m, enum modem_health h, const char *why)
{
	bool changed = m->health != h;

	m->health = h;
	mlog(m, h == MODEM_UP ? SMSDTLS_LOG_INFO : SMSDTLS_LOG_WARN,
	    "health %s: %s", modem_health_name(h), why);
	if (m->cb.health != NULL && (changed || h == MODEM_STARTING))
		m->cb.health(m->arg, m, h, why);
}

/* Write one frame to the worker; a failure is handled from the loop. */
static int
tx(struct modem *m, const struct proto_msg *msg)
{
	uint8_t buf[PROTO_FRAME_MAX];
	size_t n;

	if (m->fd == -1 || proto_encode(msg, buf, sizeof(buf), &n) !=
	    SMSDTLS_OK)
		return -1;
	if (send(m->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)n)
		return 0;
	m->tx_failed = true;
	timer_ms(m->ev_watchdog, 0);
	return -1;
}

static void
mlog(struct modem *m, int level, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	if (m->cb.log == NULL)
		return;
	n = snprintf(text, sizeof(text), "modem %s ", m->conf.name);
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	m->cb.log(m->arg, level, text);
}

/* End of an event callback: free the modem if a callback asked to. */
static void
leave(struct modem *m)
{
	if (--m->depth == 0 && m->dying)
		destroy(m);
}

static void
destroy(struct modem *m)
{
	struct modem_msg *q;
	int i;

	if (m->pid > 0) {
		kill(m->pid, SIGKILL);
		if (m->nzombies < MODEM_ZOMBIES)
			m->zombies[m->nzombies++] = m->pid;
		m->pid = -1;
	}
	for (i = 0; i < MODEM_FREE_REAPS && m->nzombies > 0; i++) {
		if (i > 0)
			usleep(10000);
		reap(m);
	}
	if (m->fd != -1)
		close(m->fd);
	if (m->ev_read != NULL)
		event_free(m->ev_read);
	if (m->ev_watchdog != NULL)
		event_free(m->ev_watchdog);
	if (m->ev_start != NULL)
		event_free(m->ev_start);
	if (m->ev_send != NULL)
		event_free(m->ev_send);
	if (m->ev_probe != NULL)
		event_free(m->ev_probe);
	if (m->ev_reap != NULL)
		event_free(m->ev_reap);
	while ((q = TAILQ_FIRST(&m->queue)) != NULL) {
		TAILQ_REMOVE(&m->queue, q, entry);
		free(q);
	}
	free(m);
}

/* src cut to fit len (without the format-truncation warnings). */
static void
copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
timer_ms(struct event *ev, int64_t ms)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	event_add(ev, &tv);
}

static smsdtls_rc
bearer_submit(void *arg, const uint8_t *tpdu, size_t len,
    const struct smsdtls_sms_submit_info *info)
{
	struct modem *m = arg;
	smsdtls_rc rc;

	(void)info;
	rc = modem_submit(m, m->bearer_id, tpdu, len);
	if (rc == SMSDTLS_OK && ++m->bearer_id == 0)
		m->bearer_id = MODEM_BEARER_ID_BASE;
	return rc;
}
