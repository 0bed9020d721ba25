/*
 * cost.c - smsdtls-bench handshake-cost: SMS and bytes per flight of a
 * DTLS 1.2 handshake over SMS (RFC 7925 Appendix A, PMTU 133 with WDP
 * ports), nothing lost, for PSK, raw public keys and certificates, full
 * (with and without the cookie exchange) and resumed, next to the floor
 * and to wolfSSL without smsdtls's flight coalescing and ClientHello
 * trimming (the config's bench_no_coalesce and bench_no_trim).
 *
 * The network has a fixed 1 s latency, so that each flight leaves at a
 * time of its own: a flight is the run of SMS one side sends at one
 * instant.  Bytes are DTLS datagram bytes (the SMS user data after the
 * WDP header).
 *
 * Cookie off is measured with a server whose config has bench_no_cookie
 * (it needs patches/wolfssl/0006; without it those rows say so).  A
 * resumed handshake skips the cookie exchange either way, so it is run
 * once, after the full handshake with the cookie.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "bench/bench.h"
#include "bench/bnet.h"

#define COST_CLIENT_NUMBER	"+447700900456"
#define COST_MAX_SMS		256
#define COST_MAX_FLIGHTS	64
#define COST_LATENCY_MS		1000
#define COST_RUN_MS		(15 * 60 * 1000)
#define CT_ALERT		21

/* The stacks compared: smsdtls as it is, and wolfSSL with one or both
 * of smsdtls's savings switched off. */
enum cost_impl {
	IMPL_SMSDTLS = 0,
	IMPL_UNTRIMMED = 1,
	IMPL_UNCOALESCED = 2,
	IMPL_WOLFSSL = 3,
	IMPL_N = 4
};

static const char *const impl_names[IMPL_N] = {
	"smsdtls", "untrimmed", "uncoalesced", "wolfssl"
};

struct cost_flight {
	bool	client;
	unsigned sms;
	size_t	bytes;
};

/* One handshake's outcome and flights. */
struct cost_result {
	const char *na;		/* not run: why */
	bool	ok;
	bool	resumed;
	smsdtls_rc rc;
	int	detail;
	size_t	n;
	struct cost_flight f[COST_MAX_FLIGHTS];
};

struct cost_sms {
	int64_t	at;
	bool	client;
	size_t	len;
};

struct cost_run {
	struct bnet_node *client, *server;
	struct smsdtls_session *cs;
	bool	recording;
	size_t	n;
	struct cost_sms sms[COST_MAX_SMS];
	unsigned client_ok, server_ok, client_err;
	bool	resumed;
	smsdtls_rc rc;
	int	detail;
};

static void
cost_sms_cb(const struct bnet_sms *sms, enum bnet_fate fate, void *arg)
{
	struct cost_run *r = arg;
	struct bench_rec rec;
	struct cost_sms *c;

	if (fate != BNET_SUBMITTED || !r->recording || !sms->handshake ||
	    r->n == COST_MAX_SMS || !bench_first_record(sms->data, sms->len,
	    &rec))
		return;
	/* An encrypted alert is close_notify, not the handshake. */
	if (rec.type == CT_ALERT && rec.epoch > 0)
		return;
	c = &r->sms[r->n++];
	c->at = sms->at;
	c->client = sms->src == r->client;
	c->len = sms->len;
}

static void
cost_event_cb(struct bnet_node *node, const struct smsdtls_event *ev,
    void *arg)
{
	struct cost_run *r = arg;

	if (node == r->client) {
		if (ev->type == SMSDTLS_EV_CONNECTED) {
			r->client_ok++;
			r->resumed = ev->resumed;
			r->cs = ev->session;
		} else if (ev->type == SMSDTLS_EV_ERROR) {
			r->client_err++;
			r->rc = ev->rc;
			r->detail = ev->detail;
			r->cs = NULL;
		} else if (ev->type == SMSDTLS_EV_CLOSED)
			r->cs = NULL;
	} else if (ev->type == SMSDTLS_EV_CONNECTED)
		r->server_ok++;
}

static bool
cost_quiet(struct bnet *net, void *arg)
{
	(void)arg;
	return smsc_next_deadline(bnet_smsc(net)) == SMSC_NEVER;
}

static bool
cost_done(struct bnet *net, void *arg)
{
	struct cost_run *r = arg;

	if (r->client_err > 0)
		return true;
	return r->client_ok > 0 && r->server_ok > 0 && cost_quiet(net, NULL);
}

/* The recorded SMS as flights: runs of one side at one instant. */
static void
cost_flights(const struct cost_run *r, struct cost_result *res)
{
	const struct cost_sms *s;
	struct cost_flight *f = NULL;
	size_t i;

	res->n = 0;
	for (i = 0; i < r->n; i++) {
		s = &r->sms[i];
		if (f == NULL || f->client != s->client ||
		    s->at != r->sms[i - 1].at) {
			if (res->n == COST_MAX_FLIGHTS)
				return;
			f = &res->f[res->n++];
			memset(f, 0, sizeof(*f));
			f->client = s->client;
		}
		f->sms++;
		f->bytes += s->len;
	}
}

/* One handshake with connect at the current time; the result. */
static void
cost_handshake(struct bnet *net, struct cost_run *r,
    const struct smsdtls_peer *peer, struct cost_result *res)
{
	r->n = 0;
	r->client_ok = r->server_ok = r->client_err = 0;
	r->resumed = false;
	r->recording = true;
	if (smsdtls_connect(bnet_endpoint(r->client), peer, bnet_now(net),
	    NULL) == SMSDTLS_OK)
		bnet_run(net, bnet_now(net) + COST_RUN_MS, cost_done, r);
	r->recording = false;
	memset(res, 0, sizeof(*res));
	res->ok = r->client_ok > 0 && r->server_ok > 0 && r->client_err == 0;
	res->resumed = r->resumed;
	res->rc = r->client_err > 0 ? r->rc : SMSDTLS_OK;
	res->detail = r->detail;
	cost_flights(r, res);
}

static void
cost_impl_config(struct smsdtls_config *c, enum cost_impl impl)
{
	c->bench_no_trim = impl == IMPL_UNTRIMMED || impl == IMPL_WOLFSSL;
	c->bench_no_coalesce = impl == IMPL_UNCOALESCED ||
	    impl == IMPL_WOLFSSL;
}

/* A full handshake, with the cookie exchange unless no_cookie; then,
 * if resumed is not NULL, close_notify and a resumed handshake. */
static int
cost_measure(const struct bench_opts *opts, const struct bench_creds *cr,
    enum bench_mode mode, enum cost_impl impl, bool no_cookie,
    struct cost_result *full, struct cost_result *resumed)
{
	struct smsdtls_config cc, sc;
	struct smsc_conf conf;
	struct cost_run *r;
	struct bnet *net;
	struct smsdtls_peer peer;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	smsc_conf_default(&conf);
	conf.seed = opts->seed;
	conf.station.net.latency.dist = NETMODEL_FIXED;
	conf.station.net.latency.a = COST_LATENCY_MS;
	bench_config(cr, mode, SMSDTLS_CLIENT, &cc);
	bench_config(cr, mode, SMSDTLS_SERVER, &sc);
	cost_impl_config(&cc, impl);
	cost_impl_config(&sc, impl);
	sc.bench_no_cookie = no_cookie;
	net = bnet_new(&conf, cost_sms_cb, cost_event_cb, r);
	if (net == NULL || (r->client = bnet_add(net, COST_CLIENT_NUMBER,
	    &cc)) == NULL || (r->server = bnet_add(net, BENCH_SERVER_NUMBER,
	    &sc)) == NULL) {
		bnet_free(net);
		free(r);
		return -1;
	}
	peer = bnet_peer(r->server, BENCH_SERVER_PORT, BENCH_CLIENT_PORT + 1);
	cost_handshake(net, r, &peer, full);
	if (resumed == NULL)
		goto out;
	memset(resumed, 0, sizeof(*resumed));
	resumed->na = "not run: the full handshake failed";
	if (full->ok && r->cs != NULL) {
		smsdtls_session_close(r->cs, bnet_now(net));
		bnet_run(net, bnet_now(net) + COST_RUN_MS, cost_quiet, NULL);
		cost_handshake(net, r, &peer, resumed);
	}
out:
	bnet_free(net);
	free(r);
	return 0;
}

/* Cookie off: a server that skips HelloVerifyRequest, if this wolfSSL
 * has the switch (patches/wolfssl/0006). */
static int
cost_measure_no_cookie(const struct bench_opts *opts,
    const struct bench_creds *cr, enum bench_mode mode, enum cost_impl impl,
    struct cost_result *full)
{
#ifdef WOLFSSL_DTLS12_STATEFUL_ACCEPT
	return cost_measure(opts, cr, mode, impl, true, full, NULL);
#else
	(void)opts;
	(void)cr;
	(void)mode;
	(void)impl;
	memset(full, 0, sizeof(*full));
	full->na = "not run: needs a wolfSSL with patches/wolfssl/0006";
	return 0;
#endif
}

/* The floor: one SMS per flight, or its bytes over the PMTU. */
static void
cost_floor(const struct cost_result *in, struct cost_result *out)
{
	size_t i;

	*out = *in;
	for (i = 0; i < out->n; i++) {
		out->f[i].sms = (unsigned)((out->f[i].bytes + BENCH_PMTU - 1) /
		    BENCH_PMTU);
		if (out->f[i].sms == 0)
			out->f[i].sms = 1;
	}
}

static void
cost_result_text(const struct cost_result *res, char *buf, size_t len)
{
	char reason[WOLFSSL_MAX_ERROR_SZ];
	size_t i;

	if (res->ok) {
		snprintf(buf, len, "ok");
		return;
	}
	if (res->detail != 0) {
		wolfSSL_ERR_error_string_n((unsigned long)res->detail, reason,
		    sizeof(reason));
		snprintf(buf, len, "failed %d %s", res->detail, reason);
	} else
		snprintf(buf, len, "failed %s", smsdtls_strerror(res->rc));
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == ',' || buf[i] == '"')
			buf[i] = ';';
}

static void
cost_print(FILE *out, enum bench_mode mode, const char *hs,
    const char *cookie, const char *impl, const char *method,
    const struct cost_result *res)
{
	char result[160];
	unsigned sms = 0;
	size_t i, bytes = 0;

	if (res->na != NULL) {
		fprintf(out, "%s,%s,%s,%s,%s,%d,%s,,,,,\n",
		    bench_mode_name(mode), hs, cookie, impl, method,
		    BENCH_PMTU, res->na);
		return;
	}
	cost_result_text(res, result, sizeof(result));
	for (i = 0; i < res->n; i++) {
		sms += res->f[i].sms;
		bytes += res->f[i].bytes;
	}
	fprintf(out, "%s,%s,%s,%s,%s,%d,%s,%s,%zu,%u,%zu,", bench_mode_name(
	    mode), hs, cookie, impl, method, BENCH_PMTU, result,
	    res->resumed ? "yes" : "no", res->n, sms, bytes);
	for (i = 0; i < res->n; i++)
		fprintf(out, "%s%ux%zu", i > 0 ? " " : "", res->f[i].sms,
		    res->f[i].bytes);
	fputc('\n', out);
}

/* The five rows of one kind of handshake: smsdtls, the floor, then the
 * wolfSSL variants. */
static void
cost_rows(FILE *out, enum bench_mode mode, const char *hs,
    const char *cookie, const struct cost_result *res)
{
	struct cost_result fl;
	int i;

	for (i = 0; i < IMPL_N; i++) {
		cost_print(out, mode, hs, cookie, impl_names[i], "measured",
		    &res[i]);
		if (i == IMPL_SMSDTLS) {
			cost_floor(&res[i], &fl);
			cost_print(out, mode, hs, cookie, "floor", "computed",
			    &fl);
		}
	}
}

int
bench_handshake_cost(const struct bench_opts *opts,
    const struct bench_creds *cr, FILE *out)
{
	struct cost_result *full, *off, *resumed;
	int m, i, rc = 0;

	full = calloc(IMPL_N, sizeof(*full));
	off = calloc(IMPL_N, sizeof(*off));
	resumed = calloc(IMPL_N, sizeof(*resumed));
	if (full == NULL || off == NULL || resumed == NULL) {
		rc = -1;
		goto out;
	}
	fprintf(out, "mode,handshake,cookie,impl,method,pmtu,result,resumed,"
	    "flights,sms,bytes,per_flight\n");
	for (m = 0; m < BENCH_NMODES; m++) {
		if (opts->mode >= 0 && opts->mode != m)
			continue;
		for (i = 0; i < IMPL_N && rc == 0; i++) {
			rc = cost_measure(opts, cr, (enum bench_mode)m,
			    (enum cost_impl)i, false, &full[i], &resumed[i]);
			if (rc == 0)
				rc = cost_measure_no_cookie(opts, cr,
				    (enum bench_mode)m, (enum cost_impl)i,
				    &off[i]);
		}
		if (rc != 0)
			break;
		cost_rows(out, (enum bench_mode)m, "full", "on", full);
		cost_rows(out, (enum bench_mode)m, "full", "off", off);
		cost_rows(out, (enum bench_mode)m, "resumed", "skipped",
		    resumed);
	}
out:
	free(full);
	free(off);
	free(resumed);
	return rc;
}
