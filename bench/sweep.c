/*
 * sweep.c - smsdtls-bench loss-sweep: DTLS 1.2 handshakes over the
 * simulated SMSC in virtual time, SMS latency log-normal with a median
 * of 7 s and a 95th percentile of 30 s (published SMS measurements:
 * typically 6-8 s with a long tail), every SMS lost with probability p,
 * a handshake failing if not done within 10 minutes (the default
 * handshake_timeout_ms).  For each p and for the fixed (10 s doubling to
 * 60 s, RFC 7925 section 13) and the learned (RFC 6298 per peer,
 * cfg.rto_learn) retransmission timeout: success rate, median and 95th
 * percentile time to a usable session (the client's CONNECTED event),
 * and SMS spent per successful handshake, retransmissions included.
 *
 * Devices each make their share of the handshakes one after another
 * with the same gateway, each from a new client port (a new association,
 * no resumption), so that a learned round trip carries over from one
 * session to the next as it would for a device that reconnects.  A
 * handshake is counted once its client has finished (connected or
 * failed), the gateway holds no half-open session for it, and none of
 * its SMS is still in the SMSC; only then does the device start the
 * next one.
 *
 * An SMS is a retransmission when its side of the association already
 * sent one starting with the same message (content type, epoch,
 * handshake message_seq and fragment offset); it is spurious when an
 * earlier copy reached the peer (was delivered, whenever that was).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/bnet.h"

#define SWEEP_MEDIAN_MS		7000
#define SWEEP_P95_MS		30000
#define SWEEP_MAX_POINTS	64
#define SWEEP_PORTS		1000	/* client ports 16000-16999 */
#define SWEEP_RUN_MS		(10LL * 365 * 24 * 3600 * 1000)

enum sweep_tx_fate {
	TX_PENDING = 0,
	TX_DELIVERED = 1,
	TX_LOST = 2,		/* lost on the link, or refused */
	TX_EXPIRED = 3		/* its validity period ended in the SMSC */
};

/* One handshake SMS. */
struct sweep_tx {
	uint8_t	dir;		/* 0 device to gateway, 1 back */
	uint8_t	fate;
	uint16_t epoch;
	uint64_t seq;		/* of its first record: one transmission */
	uint64_t key;		/* its first message: the same on a resend */
};

struct sweep_hs {
	int64_t	start;
	int64_t	end;
	bool	ok;
	bool	failed;
	size_t	n, cap;
	struct sweep_tx *tx;
};

struct sweep_dev {
	struct bnet_node *node;
	unsigned quota;		/* handshakes to make */
	unsigned started;
	bool	active;
	uint16_t port;
	unsigned inflight;	/* its SMS still in the SMSC */
	struct sweep_hs hs;
};

/* Totals of one point. */
struct sweep_acc {
	unsigned n, ok;
	double	*times;		/* seconds, successful handshakes */
	uint64_t sms_ok, retx_ok, spur_ok, lost_ok, expired_ok;
	uint64_t sms_failed;
	uint64_t stray;		/* SMS of no running handshake */
	bool	oom;
};

struct sweep_ctx {
	struct bnet *net;
	struct bnet_node *server;
	struct sweep_dev *dev;
	unsigned ndev;
	unsigned left;		/* handshakes not yet counted */
	struct sweep_acc acc;
};

struct sweep_job {
	const struct bench_opts *opts;
	const struct bench_creds *cr;
	enum bench_mode mode;
	double	loss[SWEEP_MAX_POINTS];
	size_t	nloss;
	int	policies[2];
	size_t	npolicies;
};

static uint64_t
sweep_key(const struct bench_rec *r)
{
	return (uint64_t)r->type << 56 | (uint64_t)r->epoch << 40 |
	    (uint64_t)(uint32_t)(r->hs_seq + 1) << 24 | (r->hs_off & 0xffffff);
}

static struct sweep_tx *
sweep_find(struct sweep_hs *hs, uint8_t dir, uint16_t epoch, uint64_t seq)
{
	size_t i;

	for (i = hs->n; i-- > 0;)
		if (hs->tx[i].dir == dir && hs->tx[i].seq == seq &&
		    hs->tx[i].epoch == epoch)
			return &hs->tx[i];
	return NULL;
}

static bool
sweep_append(struct sweep_hs *hs, const struct sweep_tx *tx)
{
	void *p;

	if (hs->n == hs->cap) {
		p = realloc(hs->tx, (hs->cap ? hs->cap * 2 : 32) *
		    sizeof(*hs->tx));
		if (p == NULL)
			return false;
		hs->tx = p;
		hs->cap = hs->cap ? hs->cap * 2 : 32;
	}
	hs->tx[hs->n++] = *tx;
	return true;
}

static void
sweep_sms_cb(const struct bnet_sms *sms, enum bnet_fate fate, void *arg)
{
	struct sweep_ctx *c = arg;
	struct bnet_node *other;
	struct sweep_dev *d;
	struct sweep_tx tx, *t;
	struct bench_rec rec;
	uint8_t dir;

	if (sms->src == NULL || sms->dst == NULL ||
	    !bench_first_record(sms->data, sms->len, &rec))
		return;
	dir = sms->src == c->server;
	other = dir ? sms->dst : sms->src;
	if ((d = bnet_user(other)) == NULL)
		return;
	if (!d->active || (dir ? sms->dst_port : sms->src_port) != d->port) {
		if (fate == BNET_SUBMITTED)
			c->acc.stray++;
		return;
	}
	if (fate == BNET_SUBMITTED) {
		if (!sms->handshake)
			return;
		memset(&tx, 0, sizeof(tx));
		tx.dir = dir;
		tx.epoch = rec.epoch;
		tx.seq = rec.seq;
		tx.key = sweep_key(&rec);
		if (!sweep_append(&d->hs, &tx))
			c->acc.oom = true;
		else
			d->inflight++;
		return;
	}
	t = sweep_find(&d->hs, dir, rec.epoch, rec.seq);
	if (t == NULL || t->fate != TX_PENDING)
		return;
	t->fate = fate == BNET_DELIVERED ? TX_DELIVERED :
	    fate == BNET_EXPIRED ? TX_EXPIRED : TX_LOST;
	d->inflight--;
}

static void
sweep_event_cb(struct bnet_node *node, const struct smsdtls_event *ev,
    void *arg)
{
	struct sweep_ctx *c = arg;
	struct sweep_dev *d = bnet_user(node);

	if (node == c->server || d == NULL || !d->active || d->hs.ok ||
	    d->hs.failed)
		return;
	if (ev->type == SMSDTLS_EV_CONNECTED) {
		d->hs.ok = true;
		d->hs.end = bnet_now(c->net);
	} else if (ev->type == SMSDTLS_EV_ERROR ||
	    ev->type == SMSDTLS_EV_CLOSED) {
		d->hs.failed = true;
		d->hs.end = bnet_now(c->net);
	}
}

static void
sweep_start(struct sweep_ctx *c, struct sweep_dev *d)
{
	struct smsdtls_peer peer;

	d->port = (uint16_t)(BENCH_CLIENT_PORT + d->started % SWEEP_PORTS);
	d->started++;
	d->active = true;
	d->hs.n = 0;
	d->hs.ok = d->hs.failed = false;
	d->hs.start = bnet_now(c->net);
	peer = bnet_peer(c->server, BENCH_SERVER_PORT, d->port);
	if (smsdtls_connect(bnet_endpoint(d->node), &peer, d->hs.start,
	    NULL) != SMSDTLS_OK && !d->hs.failed) {
		d->hs.failed = true;
		d->hs.end = d->hs.start;
	}
}

/* Is the handshake over on both sides and out of the network? */
static bool
sweep_settled(const struct sweep_ctx *c, const struct sweep_dev *d)
{
	struct smsdtls_peer peer;
	struct smsdtls_session *s;

	if (!(d->hs.ok || d->hs.failed) || d->inflight > 0)
		return false;
	peer = bnet_peer(d->node, d->port, BENCH_SERVER_PORT);
	s = smsdtls_endpoint_find(bnet_endpoint(c->server), &peer);
	return s == NULL || smsdtls_session_established(s);
}

static void
sweep_count(struct sweep_acc *a, const struct sweep_hs *hs)
{
	uint64_t retx = 0, spur = 0, lost = 0, expired = 0;
	size_t i, j;
	bool again, useless;

	for (i = 0; i < hs->n; i++) {
		again = useless = false;
		for (j = 0; j < i; j++) {
			if (hs->tx[j].dir != hs->tx[i].dir ||
			    hs->tx[j].key != hs->tx[i].key)
				continue;
			again = true;
			if (hs->tx[j].fate == TX_DELIVERED)
				useless = true;
		}
		retx += again;
		spur += useless;
		lost += hs->tx[i].fate == TX_LOST;
		expired += hs->tx[i].fate == TX_EXPIRED;
	}
	a->n++;
	if (!hs->ok) {
		a->sms_failed += hs->n;
		return;
	}
	a->times[a->ok++] = (double)(hs->end - hs->start) / 1000.0;
	a->sms_ok += hs->n;
	a->retx_ok += retx;
	a->spur_ok += spur;
	a->lost_ok += lost;
	a->expired_ok += expired;
}

/* After every step: count settled handshakes, start the next ones. */
static bool
sweep_step(struct bnet *net, void *arg)
{
	struct sweep_ctx *c = arg;
	struct sweep_dev *d;
	unsigned i;

	(void)net;
	for (i = 0; i < c->ndev; i++) {
		d = &c->dev[i];
		if (d->active && sweep_settled(c, d)) {
			sweep_count(&c->acc, &d->hs);
			d->active = false;
			c->left--;
		}
		if (!d->active && d->started < d->quota)
			sweep_start(c, d);
	}
	return c->left == 0 || c->acc.oom;
}

/* One point: handshakes over a fresh network. */
static int
sweep_point(const struct sweep_job *job, double loss, int policy,
    struct sweep_acc *acc)
{
	const struct bench_opts *o = job->opts;
	struct smsdtls_config cc, sc;
	struct smsc_conf conf;
	struct sweep_ctx c;
	char number[24];
	unsigned i;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.ndev = o->devices < o->handshakes ? o->devices : o->handshakes;
	c.left = o->handshakes;
	c.dev = calloc(c.ndev, sizeof(*c.dev));
	c.acc.times = calloc(o->handshakes, sizeof(double));
	smsc_conf_default(&conf);
	/* One network per loss rate, the same for both policies. */
	conf.seed = o->seed * 1000003u + (uint64_t)llround(loss * 100);
	conf.station.net.latency.dist = NETMODEL_LOGNORMAL;
	conf.station.net.latency.a = SWEEP_MEDIAN_MS;
	conf.station.net.latency.b = SWEEP_P95_MS;
	conf.station.net.loss = loss / 100.0;
	bench_config(job->cr, job->mode, SMSDTLS_CLIENT, &cc);
	bench_config(job->cr, job->mode, SMSDTLS_SERVER, &sc);
	cc.no_resumption = true;
	cc.rto_learn = sc.rto_learn = policy == 1;
	sc.max_sessions = o->handshakes + c.ndev + 16;
	sc.max_half_open = c.ndev + 16;
	if (c.dev == NULL || c.acc.times == NULL ||
	    (c.net = bnet_new(&conf, sweep_sms_cb, sweep_event_cb, &c)) ==
	    NULL ||
	    (c.server = bnet_add(c.net, BENCH_SERVER_NUMBER, &sc)) == NULL)
		goto out;
	for (i = 0; i < c.ndev; i++) {
		snprintf(number, sizeof(number), "+4477009%05u", 10000 + i);
		if ((c.dev[i].node = bnet_add(c.net, number, &cc)) == NULL)
			goto out;
		bnet_set_user(c.dev[i].node, &c.dev[i]);
		c.dev[i].quota = o->handshakes / c.ndev +
		    (i < o->handshakes % c.ndev);
	}
	bnet_run(c.net, SWEEP_RUN_MS, sweep_step, &c);
	if (c.left == 0 && !c.acc.oom) {
		*acc = c.acc;
		c.acc.times = NULL;
		rc = 0;
	}
out:
	bnet_free(c.net);
	for (i = 0; c.dev != NULL && i < c.ndev; i++)
		free(c.dev[i].hs.tx);
	free(c.dev);
	free(c.acc.times);
	return rc;
}

static double
per(uint64_t v, unsigned n)
{
	return n > 0 ? (double)v / n : NAN;
}

static int
sweep_job(unsigned i, char *line, size_t linemax, void *arg)
{
	const struct sweep_job *job = arg;
	int policy = job->policies[i / job->nloss];
	double loss = job->loss[i % job->nloss];
	struct sweep_acc a;

	if (sweep_point(job, loss, policy, &a) != 0)
		return -1;
	bench_sort(a.times, a.ok);
	if (a.stray > 0)
		fprintf(stderr, "smsdtls-bench: loss %g: %llu SMS outside any "
		    "handshake\n", loss, (unsigned long long)a.stray);
	snprintf(line, linemax, "%s,%s,%g,%u,%u,%.1f,%.1f,%.1f,%.1f,%.2f,"
	    "%.2f,%.2f,%.2f,%.2f,%.2f\n", bench_mode_name(job->mode),
	    policy ? "learned" : "fixed", loss, a.n, a.ok,
	    100.0 * a.ok / a.n, bench_percentile(a.times, a.ok, 50),
	    bench_percentile(a.times, a.ok, 95), bench_percentile(a.times,
	    a.ok, 100), per(a.sms_ok, a.ok), per(a.retx_ok, a.ok),
	    per(a.spur_ok, a.ok), per(a.lost_ok, a.ok),
	    per(a.expired_ok, a.ok), per(a.sms_failed, a.n - a.ok));
	free(a.times);
	return 0;
}

int
bench_loss_sweep(const struct bench_opts *opts, const struct bench_creds *cr,
    FILE *out)
{
	struct sweep_job job;

	memset(&job, 0, sizeof(job));
	job.opts = opts;
	job.cr = cr;
	job.mode = opts->mode >= 0 ? (enum bench_mode)opts->mode : BENCH_PSK;
	job.nloss = bench_parse_list(opts->losses, job.loss,
	    SWEEP_MAX_POINTS);
	if (job.nloss == 0)
		return -1;
	if (opts->policy != 1)
		job.policies[job.npolicies++] = 0;
	if (opts->policy != 0)
		job.policies[job.npolicies++] = 1;
	fprintf(out, "mode,policy,loss_pct,handshakes,ok,success_pct,"
	    "median_s,p95_s,max_s,sms_per_ok,retx_per_ok,spurious_per_ok,"
	    "lost_per_ok,expired_per_ok,sms_per_failed\n");
	return bench_run_jobs(opts, (unsigned)(job.nloss * job.npolicies),
	    sweep_job, &job, out);
}
