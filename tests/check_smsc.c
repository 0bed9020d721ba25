/*
 * check_smsc.c - tests of the simulated SMSC's routing core and network
 * model (smsc/smsc.c, smsc/netmodel.c), all in virtual time from fixed
 * seeds.  TPDUs are checked byte by byte against the worked examples of
 * shared/sms-wire-formats.md section 9 (3GPP TS 23.040 9.2.2).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "testutil.h"
#include "smsc/netmodel.h"
#include "smsc/smsc.h"

#define MSISDN_A	"+447700900456"
#define MSISDN_B	"+447700900123"

/* Worked example (a), SMS-SUBMIT without the SMSC prefix, and (b), the
 * SMS-DELIVER it becomes, without the prefix. */
#define EX_SUBMIT	"69000C91447700091032000402140000000000" \
			"110605041634C0000102030405060708090A"
#define EX_DELIVER	"640C914477000940650004423051410354401106" \
			"05041634C0000102030405060708090A"
#define EX_EPOCH	1710509445	/* 2024-03-15T13:30:45Z */

struct rxrec {
	int64_t	t;
	uint8_t	type;
	uint32_t seq;		/* payload sequence number, or TP-MR */
	size_t	len;
	uint8_t	pdu[SMSDTLS_PDU_MAX];
};

struct rxlog {
	struct rxrec *v;
	size_t	n, cap;
};

static struct smsc *sc;
static struct smsc_station *sa, *sb;
static struct rxlog rxa, rxb;
static int echo_b;		/* SUBMITs B sends back per DELIVER */
static uint64_t trace;		/* FNV-1a over every log event */
static size_t nlog[5];		/* log events by kind */
static size_t ndupdeliver;	/* DELIVER logged as the extra copy */

static void
conf_base(struct smsc_conf *c)
{
	smsc_conf_default(c);
	memcpy(c->country_code, "44", 3);
}

static uint32_t
payload_seq(const struct smsdtls_tpdu *t)
{
	const uint8_t *p = t->ud + t->payload_off;

	if (t->ud_len < t->payload_off + 4)
		return UINT32_MAX;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* An SMS-SUBMIT to da carrying seq after a 16-bit port UDH. */
static size_t
mk_submit(uint8_t *buf, const char *da, int ton, bool srr,
    const struct smsdtls_vp *vp, uint32_t seq)
{
	static const uint8_t udh[] = { 0x06, 0x05, 0x04, 0x16, 0x34, 0xc0,
	    0x00 };
	struct smsdtls_tpdu t;
	size_t len;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_SUBMIT;
	ck_assert_rc(smsdtls_addr_parse(da, &t.addr), SMSDTLS_OK);
	if (ton >= 0)
		t.addr.ton = (uint8_t)ton;
	t.status_report = srr;
	t.dcs = SMSDTLS_DCS_8BIT;
	if (vp != NULL)
		t.vp = *vp;
	t.udhi = true;
	memcpy(t.ud, udh, sizeof(udh));
	t.ud[7] = (uint8_t)(seq >> 24);
	t.ud[8] = (uint8_t)(seq >> 16);
	t.ud[9] = (uint8_t)(seq >> 8);
	t.ud[10] = (uint8_t)seq;
	memset(t.ud + 11, 0xa5, 6);
	t.ud_len = 17;
	ck_assert_rc(smsdtls_tpdu_encode(&t, buf, SMSDTLS_PDU_MAX, &len, NULL),
	    SMSDTLS_OK);
	return len;
}

static struct smsdtls_vp *
vp_enh(struct smsdtls_vp *vp, uint8_t seconds)
{
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_ENHANCED;
	vp->enhanced[0] = SMSDTLS_EVPF_SECONDS;
	vp->enhanced[1] = seconds;
	return vp;
}

static struct smsdtls_vp *
vp_rel(struct smsdtls_vp *vp, uint8_t v)
{
	memset(vp, 0, sizeof(*vp));
	vp->format = SMSDTLS_VPF_RELATIVE;
	vp->relative = v;
	return vp;
}

static void
rx_cb(struct smsc *s, struct smsc_station *st, enum smsdtls_tpdu_type type,
    const uint8_t *pdu, size_t len, int64_t now, void *arg)
{
	struct rxlog *log = arg;
	struct smsdtls_tpdu t;
	struct rxrec *r;
	uint8_t buf[SMSDTLS_PDU_MAX], mr;
	int i;

	ck_assert_ptr_eq(s, sc);
	ck_assert_uint_le(len, SMSDTLS_PDU_MAX);
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, false, type, &t),
	    SMSDTLS_OK);
	if (log->n == log->cap) {
		log->cap = log->cap == 0 ? 256 : log->cap * 2;
		log->v = realloc(log->v, log->cap * sizeof(*log->v));
		ck_assert_ptr_nonnull(log->v);
	}
	r = &log->v[log->n++];
	r->t = now;
	r->type = (uint8_t)type;
	r->seq = type == SMSDTLS_TPDU_DELIVER ? payload_seq(&t) : t.mr;
	r->len = len;
	memcpy(r->pdu, pdu, len);
	if (st != sb || type != SMSDTLS_TPDU_DELIVER)
		return;
	for (i = 0; i < echo_b; i++) {
		len = mk_submit(buf, MSISDN_A, -1, false, NULL, r->seq);
		ck_assert_rc(smsc_submit(s, sb, buf, len, now, &mr),
		    SMSDTLS_OK);
	}
}

static void
log_cb(const struct smsc_log_event *ev, void *arg)
{
	const uint8_t *p[] = { (const uint8_t *)&ev->now, &ev->kind,
	    &ev->reason, &ev->type, &ev->mr, (const uint8_t *)ev->station,
	    (const uint8_t *)ev->peer, ev->pdu };
	size_t n[] = { sizeof(ev->now), 1, 1, 1, 1, strlen(ev->station),
	    strlen(ev->peer), ev->len };
	size_t i, j;

	(void)arg;
	ck_assert_uint_lt(ev->kind, 5);
	nlog[ev->kind]++;
	if (ev->kind == SMSC_LOG_DELIVER && ev->reason == SMSC_REASON_DUPLICATE)
		ndupdeliver++;
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		for (j = 0; j < n[i]; j++) {
			trace ^= p[i][j];
			trace *= 0x100000001b3ULL;
		}
}

static void
start(const struct smsc_conf *c)
{
	ck_assert_rc(smsc_new(c, &sc), SMSDTLS_OK);
	smsc_set_log_cb(sc, log_cb, NULL);
	ck_assert_rc(smsc_station_add(sc, MSISDN_A, rx_cb, &rxa, &sa),
	    SMSDTLS_OK);
	ck_assert_rc(smsc_station_add(sc, MSISDN_B, rx_cb, &rxb, &sb),
	    SMSDTLS_OK);
}

static void
stop(void)
{
	smsc_free(sc);
	sc = NULL;
	free(rxa.v);
	free(rxb.v);
	memset(&rxa, 0, sizeof(rxa));
	memset(&rxb, 0, sizeof(rxb));
	echo_b = 0;
	trace = 0xcbf29ce484222325ULL;
	memset(nlog, 0, sizeof(nlog));
	ndupdeliver = 0;
}

/* Process every event, each at its own time. */
static void
drain(void)
{
	int64_t d;

	while ((d = smsc_next_deadline(sc)) != SMSC_NEVER)
		smsc_run(sc, d);
}

static uint8_t
submit_at(struct smsc_station *st, const char *da, bool srr,
    const struct smsdtls_vp *vp, uint32_t seq, int64_t now)
{
	uint8_t buf[SMSDTLS_PDU_MAX], mr = 0;
	size_t len;

	len = mk_submit(buf, da, -1, srr, vp, seq);
	ck_assert_rc(smsc_submit(sc, st, buf, len, now, &mr), SMSDTLS_OK);
	return mr;
}

static struct smsc_stats
stats(void)
{
	struct smsc_stats s;

	smsc_get_stats(sc, &s);
	return s;
}

static void
check_hex(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[SMSDTLS_PDU_MAX];
	size_t n;

	n = test_unhex(hex, want, sizeof(want));
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(got, want, n);
}

/* ------------------------------------------------------------ routing */

START_TEST(test_route_worked_example)
{
	struct smsc_conf c;
	struct smsdtls_tpdu d, s;
	uint8_t pdu[SMSDTLS_PDU_MAX], mr = 99;
	size_t len;

	conf_base(&c);
	c.epoch = EX_EPOCH;
	c.tz = 4;
	c.station.net.latency.a = 3000;
	start(&c);
	len = test_unhex(EX_SUBMIT, pdu, sizeof(pdu));
	ck_assert_rc(smsc_submit(sc, sa, pdu, len, 0, &mr), SMSDTLS_OK);
	ck_assert_uint_eq(mr, 0);
	ck_assert_int_eq(smsc_next_deadline(sc), 3000);
	ck_assert_uint_eq(smsc_run(sc, 2999), 0);
	ck_assert_uint_eq(rxb.n, 0);
	ck_assert_uint_eq(smsc_run(sc, 3000), 1);
	ck_assert_uint_eq(rxb.n, 1);
	ck_assert_int_eq(rxb.v[0].t, 3000);
	ck_assert_uint_eq(rxb.v[0].type, SMSDTLS_TPDU_DELIVER);
	check_hex(rxb.v[0].pdu, rxb.v[0].len, EX_DELIVER);

	/* Field by field, against the SUBMIT. */
	ck_assert_rc(smsdtls_tpdu_decode(pdu, len, false, SMSDTLS_TPDU_SUBMIT,
	    &s), SMSDTLS_OK);
	ck_assert_rc(smsdtls_tpdu_decode(rxb.v[0].pdu, rxb.v[0].len, false,
	    SMSDTLS_TPDU_DELIVER, &d), SMSDTLS_OK);
	ck_assert_uint_eq(d.addr.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_str_eq(d.addr.text, "447700900456");
	ck_assert(d.status_report);
	ck_assert(!d.more_messages);
	ck_assert(d.udhi);
	ck_assert_uint_eq(d.pid, s.pid);
	ck_assert_uint_eq(d.dcs, s.dcs);
	ck_assert_uint_eq(d.ud_len, s.ud_len);
	ck_assert_mem_eq(d.ud, s.ud, s.ud_len);
	ck_assert_uint_eq(d.scts.year, 2024);
	ck_assert_uint_eq(d.scts.month, 3);
	ck_assert_uint_eq(d.scts.day, 15);
	ck_assert_uint_eq(d.scts.hour, 14);
	ck_assert_uint_eq(d.scts.minute, 30);
	ck_assert_uint_eq(d.scts.second, 45);
	ck_assert_int_eq(d.scts.tz, 4);

	/* SRR: the report reaches A over A's link, 3 s later. */
	ck_assert_int_eq(smsc_next_deadline(sc), 6000);
	drain();
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_int_eq(rxa.v[0].t, 6000);
	ck_assert_uint_eq(rxa.v[0].type, SMSDTLS_TPDU_STATUS_REPORT);
	check_hex(rxa.v[0].pdu, rxa.v[0].len, "0600" "0C91447700091032"
	    "42305141035440" "42305141038440" "00");
	ck_assert_uint_eq(stats().submitted, 1);
	ck_assert_uint_eq(stats().delivered, 1);
	ck_assert_uint_eq(stats().reports_sent, 1);
	ck_assert_uint_eq(stats().queued, 0);
	ck_assert_int_eq(smsc_next_deadline(sc), SMSC_NEVER);
}
END_TEST

/* Worked example (c): the status report for MR 42, byte by byte. */
START_TEST(test_report_worked_example)
{
	struct smsc_conf c;
	struct smsdtls_tpdu r;
	uint32_t i;

	conf_base(&c);
	c.epoch = EX_EPOCH - 1;
	c.tz = 4;
	c.station.net.latency.a = 3000;
	start(&c);
	for (i = 0; i < 42; i++)
		ck_assert_uint_eq(submit_at(sa, MSISDN_B, false, NULL, i, 0),
		    i);
	ck_assert_uint_eq(submit_at(sa, MSISDN_B, true, NULL, 42, 0), 42);
	drain();
	ck_assert_uint_eq(rxb.n, 43);
	ck_assert_uint_eq(rxa.n, 1);
	check_hex(rxa.v[0].pdu, rxa.v[0].len,
	    "062A0C91447700091032423051410344404230514103744000");
	ck_assert_rc(smsdtls_tpdu_decode(rxa.v[0].pdu, rxa.v[0].len, false,
	    SMSDTLS_TPDU_STATUS_REPORT, &r), SMSDTLS_OK);
	ck_assert_uint_eq(r.mr, 42);
	ck_assert_uint_eq(r.st, SMSC_ST_DELIVERED);
	ck_assert_uint_eq(r.dt.second, 47);
	ck_assert_uint_eq(nlog[SMSC_LOG_SUBMIT], 43);
	ck_assert_uint_eq(nlog[SMSC_LOG_DELIVER], 43);
	ck_assert_uint_eq(nlog[SMSC_LOG_REPORT], 1);
}
END_TEST

/* TP-DA in national forms reaches the station; without a country code
 * the national forms are unknown destinations. */
START_TEST(test_national_da)
{
	static const struct { const char *da; int ton; } v[] = {
		{ "07700900123", -1 },
		{ "7700900123", SMSDTLS_TON_NATIONAL },
		{ "07700900123", SMSDTLS_TON_NATIONAL },
		{ "00447700900123", -1 },
		{ "447700900123", -1 },
	};
	struct smsc_conf c;
	uint8_t buf[SMSDTLS_PDU_MAX], mr;
	size_t i, len;

	conf_base(&c);
	start(&c);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		len = mk_submit(buf, v[i].da, v[i].ton, false, NULL,
		    (uint32_t)i);
		ck_assert_rc(smsc_submit(sc, sa, buf, len, 0, &mr),
		    SMSDTLS_OK);
	}
	drain();
	ck_assert_uint_eq(rxb.n, 5);
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(rxb.v[i].seq, i);
	ck_assert_ptr_eq(smsc_station_find(sc, "07700900123"), sb);
	ck_assert_ptr_eq(smsc_station_find(sc, "+447700900124"), NULL);
	stop();

	c.country_code[0] = '\0';
	start(&c);
	len = mk_submit(buf, "07700900123", -1, false, NULL, 0);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 0, &mr), SMSDTLS_OK);
	drain();
	ck_assert_uint_eq(rxb.n, 0);
	ck_assert_uint_eq(stats().unknown_dest, 1);
}
END_TEST

START_TEST(test_unknown_destination)
{
	struct smsc_conf c;
	struct smsdtls_tpdu r;

	conf_base(&c);
	c.station.net.latency.a = 500;
	start(&c);
	ck_assert_uint_eq(submit_at(sa, "+447700900999", false, NULL, 1, 0), 0);
	ck_assert_int_eq(smsc_next_deadline(sc), SMSC_NEVER);
	ck_assert_uint_eq(submit_at(sa, "07700900999", true, NULL, 2, 1000),
	    1);
	drain();
	ck_assert_uint_eq(rxb.n, 0);
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_int_eq(rxa.v[0].t, 1500);
	ck_assert_rc(smsdtls_tpdu_decode(rxa.v[0].pdu, rxa.v[0].len, false,
	    SMSDTLS_TPDU_STATUS_REPORT, &r), SMSDTLS_OK);
	ck_assert_uint_eq(r.mr, 1);
	ck_assert_uint_eq(r.st, SMSC_ST_NOT_OBTAINABLE);
	ck_assert_uint_eq(r.st & 0x60, 0x40);	/* permanent error */
	ck_assert_uint_eq(r.addr.ton, SMSDTLS_TON_UNKNOWN);
	ck_assert_str_eq(r.addr.text, "07700900999");
	ck_assert_mem_eq(&r.scts, &r.dt, sizeof(r.scts));
	ck_assert_uint_eq(r.scts.second, 1);
	ck_assert_uint_eq(stats().unknown_dest, 2);
	ck_assert_uint_eq(stats().submitted, 2);
	ck_assert_uint_eq(stats().delivered, 0);
	ck_assert_uint_eq(nlog[SMSC_LOG_DROP], 2);
}
END_TEST

START_TEST(test_malformed_submit)
{
	struct smsc_conf c;
	struct smsdtls_tpdu t;
	uint8_t buf[SMSDTLS_PDU_MAX], mr = 77;
	size_t len, cut;
	smsdtls_rc want;

	conf_base(&c);
	start(&c);
	len = test_unhex(EX_SUBMIT, buf, sizeof(buf));
	for (cut = 0; cut < len; cut += 5) {
		want = smsdtls_tpdu_decode(buf, cut, false,
		    SMSDTLS_TPDU_SUBMIT, &t);
		ck_assert_int_ne(want, SMSDTLS_OK);
		ck_assert_rc(smsc_submit(sc, sa, buf, cut, 0, &mr), want);
		ck_assert_int_eq(smsc_last_cms_error(sc), SMSC_CMS_PDU_INVALID);
	}
	/* A DELIVER is not a SUBMIT. */
	len = test_unhex(EX_DELIVER, buf, sizeof(buf));
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 0, &mr), SMSDTLS_EPROTO);
	ck_assert_uint_eq(mr, 77);
	ck_assert_uint_eq(stats().rejected, 9);
	ck_assert_uint_eq(stats().submitted, 0);
	ck_assert_uint_eq(stats().queued, 0);
	ck_assert_uint_eq(nlog[SMSC_LOG_REJECT], 9);
	ck_assert_int_eq(smsc_next_deadline(sc), SMSC_NEVER);
	/* The MR counter did not move. */
	ck_assert_uint_eq(submit_at(sa, MSISDN_B, false, NULL, 0, 0), 0);
}
END_TEST

/* Station switches: reject for a while, offline, enhanced VP refused. */
START_TEST(test_submit_refusals)
{
	struct smsc_conf c;
	struct smsc_station_conf sconf;
	struct smsdtls_vp vp;
	uint8_t buf[SMSDTLS_PDU_MAX], mr;
	size_t len;

	conf_base(&c);
	start(&c);
	len = mk_submit(buf, MSISDN_B, -1, false, NULL, 1);
	smsc_station_reject(sc, sa, 331, 10000);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 5000, &mr), SMSDTLS_AGAIN);
	ck_assert_int_eq(smsc_last_cms_error(sc), 331);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 10000, &mr), SMSDTLS_OK);
	ck_assert_uint_eq(mr, 0);

	smsc_station_set_online(sc, sa, false, 10000);
	ck_assert(!smsc_station_online(sa));
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 10000, &mr), SMSDTLS_AGAIN);
	ck_assert_int_eq(smsc_last_cms_error(sc), SMSC_CMS_NO_NETWORK);
	smsc_station_set_online(sc, sa, true, 10000);

	smsc_station_get_conf(sa, &sconf);
	sconf.reject_evp = true;
	ck_assert_rc(smsc_station_set_conf(sc, sa, &sconf), SMSDTLS_OK);
	len = mk_submit(buf, MSISDN_B, -1, false, vp_enh(&vp, 20), 2);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 10000, &mr),
	    SMSDTLS_EUNSUPP);
	ck_assert_int_eq(smsc_last_cms_error(sc), SMSC_CMS_VPF_UNSUPP);
	len = mk_submit(buf, MSISDN_B, -1, false, vp_rel(&vp, 0), 3);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 10000, &mr), SMSDTLS_OK);
	ck_assert_uint_eq(mr, 1);
	/* B keeps the default: enhanced VP accepted. */
	len = mk_submit(buf, MSISDN_A, -1, false, vp_enh(&vp, 20), 4);
	ck_assert_rc(smsc_submit(sc, sb, buf, len, 10000, &mr), SMSDTLS_OK);
	ck_assert_uint_eq(stats().rejected, 3);
	ck_assert_uint_eq(stats().submitted, 3);
	sconf.burst = 0;
	ck_assert_rc(smsc_station_set_conf(sc, sa, &sconf), SMSDTLS_EINVAL);
}
END_TEST

START_TEST(test_stations)
{
	struct smsc_conf c;
	struct smsc_station *st;
	char msisdn[32];
	int i;

	conf_base(&c);
	c.max_stations = 1002;
	start(&c);
	ck_assert_str_eq(smsc_station_msisdn(sa), MSISDN_A);
	ck_assert_rc(smsc_station_add(sc, "07700900456", NULL, NULL, &st),
	    SMSDTLS_EDUP);
	ck_assert_rc(smsc_station_add(sc, "+44ABC", NULL, NULL, &st),
	    SMSDTLS_EADDR);
	for (i = 0; i < 1000; i++) {
		snprintf(msisdn, sizeof(msisdn), "+4915%08d", i * 7919);
		ck_assert_rc(smsc_station_add(sc, msisdn, NULL, NULL, &st),
		    SMSDTLS_OK);
	}
	ck_assert_rc(smsc_station_add(sc, "+33600000000", NULL, NULL, &st),
	    SMSDTLS_ELIMIT);
	for (i = 0; i < 1000; i++) {
		snprintf(msisdn, sizeof(msisdn), "+4915%08d", i * 7919);
		st = smsc_station_find(sc, msisdn);
		ck_assert_ptr_nonnull(st);
		ck_assert_str_eq(smsc_station_msisdn(st), msisdn);
	}
	ck_assert_ptr_eq(smsc_station_find(sc, MSISDN_B), sb);
	ck_assert_ptr_null(smsc_station_find(sc, "+4915999999999"));
}
END_TEST

START_TEST(test_scts_clock)
{
	struct smsc_conf c;
	struct smsdtls_scts t;

	conf_base(&c);
	c.epoch = EX_EPOCH;
	c.tz = 4;
	start(&c);
	smsc_scts(sc, 999, &t);
	ck_assert_uint_eq(t.hour, 14);
	ck_assert_uint_eq(t.second, 45);
	smsc_scts(sc, 1000, &t);
	ck_assert_uint_eq(t.second, 46);
	smsc_scts(sc, 16LL * 3600 * 1000, &t);	/* +16 h: next day */
	ck_assert_uint_eq(t.day, 16);
	ck_assert_uint_eq(t.hour, 6);
	stop();
	/* 2024-03-01T02:00:00Z at -05:00 is 2024-02-29 21:00 (leap year). */
	c.epoch = 1709258400;
	c.tz = -20;
	start(&c);
	smsc_scts(sc, 0, &t);
	ck_assert_uint_eq(t.year, 2024);
	ck_assert_uint_eq(t.month, 2);
	ck_assert_uint_eq(t.day, 29);
	ck_assert_uint_eq(t.hour, 21);
	ck_assert_int_eq(t.tz, -20);
	c.tz = 57;
	ck_assert_rc(smsc_new(&c, &sc), SMSDTLS_EINVAL);
}
END_TEST

/* ------------------------------------------------------ network model */

/* Submit n messages A->B, message i at i * interval, carrying i; the
 * events due meanwhile are processed on the way. */
static void
send_many(uint32_t n, int64_t interval)
{
	uint32_t i;
	int64_t t;

	for (i = 0; i < n; i++) {
		t = (int64_t)i * interval;
		smsc_run(sc, t);
		(void)submit_at(sa, MSISDN_B, false, NULL, i, t);
	}
}

START_TEST(test_loss_rate)
{
	struct smsc_conf c;
	struct smsc_stats s;

	conf_base(&c);
	c.seed = 20240315;
	c.station.net.latency.a = 1000;
	c.station.net.loss = 0.2;
	start(&c);
	send_many(10000, 10);
	drain();
	s = stats();
	/* Binomial(10000, 0.2): sd 40; allow 4 sd. */
	ck_assert_uint_ge(s.lost, 2000 - 160);
	ck_assert_uint_le(s.lost, 2000 + 160);
	ck_assert_uint_eq(s.lost + s.delivered, 10000);
	ck_assert_uint_eq(rxb.n, s.delivered);
	ck_assert_uint_eq(nlog[SMSC_LOG_DROP], s.lost);
	ck_assert_uint_eq(s.queued, 0);
}
END_TEST

START_TEST(test_duplication_rate)
{
	struct smsc_conf c;
	struct smsc_stats s;
	size_t i;

	conf_base(&c);
	c.seed = 7;
	c.station.net.latency.a = 1000;
	c.station.net.dup = 0.1;
	start(&c);
	send_many(10000, 1);
	drain();
	s = stats();
	/* Binomial(10000, 0.1): sd 30; allow 4 sd. */
	ck_assert_uint_ge(s.duplicated, 1000 - 120);
	ck_assert_uint_le(s.duplicated, 1000 + 120);
	ck_assert_uint_eq(s.delivered, 10000 + s.duplicated);
	ck_assert_uint_eq(rxb.n, s.delivered);
	ck_assert_uint_eq(ndupdeliver, s.duplicated);
	/* Fixed latency: the copy comes right after its original, equal. */
	ck_assert_uint_eq(rxb.v[0].seq, 0);
	for (i = 1; i < rxb.n; i++) {
		if (rxb.v[i].seq == rxb.v[i - 1].seq) {
			ck_assert_int_eq(rxb.v[i].t, rxb.v[i - 1].t);
			ck_assert_uint_eq(rxb.v[i].len, rxb.v[i - 1].len);
			ck_assert_mem_eq(rxb.v[i].pdu, rxb.v[i - 1].pdu,
			    rxb.v[i].len);
		} else
			ck_assert_uint_eq(rxb.v[i].seq, rxb.v[i - 1].seq + 1);
	}
}
END_TEST

static size_t
inversions(const struct rxlog *log)
{
	size_t i, n = 0;

	for (i = 1; i < log->n; i++)
		if (log->v[i].seq < log->v[i - 1].seq)
			n++;
	return n;
}

/* Fixed latency, no reordering option: FIFO, even for equal times. */
START_TEST(test_fifo_without_reorder)
{
	struct smsc_conf c;
	size_t i;

	conf_base(&c);
	c.station.net.latency.a = 5000;
	c.station.net.reorder_hold = 60000;	/* inert: probability 0 */
	start(&c);
	send_many(1000, 0);
	drain();
	ck_assert_uint_eq(rxb.n, 1000);
	for (i = 0; i < rxb.n; i++) {
		ck_assert_uint_eq(rxb.v[i].seq, i);
		ck_assert_int_eq(rxb.v[i].t, 5000);
	}
	stop();
	start(&c);
	send_many(1000, 37);
	drain();
	ck_assert_uint_eq(inversions(&rxb), 0);
	for (i = 0; i < rxb.n; i++)
		ck_assert_int_eq(rxb.v[i].t, 5000 + 37 * (int64_t)i);
}
END_TEST

START_TEST(test_reorder)
{
	struct smsc_conf c;
	size_t i, held = 0;
	int64_t d;

	conf_base(&c);
	c.seed = 99;
	c.station.net.latency.a = 2000;
	c.station.net.reorder = 0.2;
	c.station.net.reorder_hold = 10000;
	start(&c);
	send_many(1000, 100);
	drain();
	ck_assert_uint_eq(rxb.n, 1000);
	ck_assert_uint_gt(inversions(&rxb), 50);
	for (i = 0; i < rxb.n; i++) {
		d = rxb.v[i].t - 100 * (int64_t)rxb.v[i].seq;
		ck_assert_int_ge(d, 2000);
		ck_assert_int_le(d, 12000);
		if (d > 2000)
			held++;
	}
	/* Binomial(1000, 0.2): sd 12.6; allow 4 sd. */
	ck_assert_uint_ge(held, 200 - 51);
	ck_assert_uint_le(held, 200 + 51);
}
END_TEST

/* Delays of B's deliveries, message i submitted at i * interval. */
static int64_t *
delays(int64_t interval)
{
	int64_t *d;
	size_t i;

	d = calloc(rxb.n, sizeof(*d));
	ck_assert_ptr_nonnull(d);
	for (i = 0; i < rxb.n; i++)
		d[i] = rxb.v[i].t - interval * (int64_t)rxb.v[i].seq;
	return d;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

START_TEST(test_latency_uniform)
{
	struct smsc_conf c;
	int64_t *d, lo = INT64_MAX, hi = 0;
	double sum = 0;
	size_t i;

	conf_base(&c);
	c.seed = 3;
	c.station.net.latency.dist = NETMODEL_UNIFORM;
	c.station.net.latency.a = 1000;
	c.station.net.latency.b = 5000;
	start(&c);
	send_many(5000, 10);
	drain();
	ck_assert_uint_eq(rxb.n, 5000);
	d = delays(10);
	for (i = 0; i < rxb.n; i++) {
		ck_assert_int_ge(d[i], 1000);
		ck_assert_int_le(d[i], 5000);
		lo = d[i] < lo ? d[i] : lo;
		hi = d[i] > hi ? d[i] : hi;
		sum += (double)d[i];
	}
	free(d);
	ck_assert_int_lt(lo, 1010);
	ck_assert_int_gt(hi, 4990);
	/* Mean 3000, sd of the mean 4001 / sqrt(12 * 5000) = 16.3. */
	ck_assert_double_eq_tol(sum / 5000, 3000, 66);
}
END_TEST

START_TEST(test_latency_lognormal)
{
	struct smsc_conf c;
	int64_t *d;
	size_t n = 20000;

	conf_base(&c);
	c.seed = 11;
	c.max_queued_station = n;
	c.station.net.latency.dist = NETMODEL_LOGNORMAL;
	c.station.net.latency.a = 7000;
	c.station.net.latency.b = 30000;
	start(&c);
	send_many((uint32_t)n, 5);
	drain();
	ck_assert_uint_eq(rxb.n, n);
	d = delays(5);
	qsort(d, n, sizeof(*d), cmp_i64);
	/* sd of the sample median about 0.8%, of the p95 about 1.3%. */
	ck_assert_double_eq_tol((double)d[n / 2], 7000, 7000 * 0.04);
	ck_assert_double_eq_tol((double)d[n * 95 / 100], 30000, 30000 * 0.06);
	ck_assert_int_ge(d[0], 0);
	free(d);
}
END_TEST

START_TEST(test_netmodel_draws)
{
	struct netmodel_params p;
	struct netmodel_rng r1, r2;
	struct netmodel_fate f;
	int64_t v[4001];
	int i;

	memset(&p, 0, sizeof(p));
	ck_assert(netmodel_params_valid(&p));
	p.loss = 1.5;
	ck_assert(!netmodel_params_valid(&p));
	p.loss = NAN;
	ck_assert(!netmodel_params_valid(&p));
	p.loss = 1;
	p.latency.dist = NETMODEL_LOGNORMAL;
	p.latency.a = 7000;
	p.latency.b = 6999;
	ck_assert(!netmodel_params_valid(&p));
	p.latency.b = 30000;
	ck_assert(netmodel_params_valid(&p));
	p.latency.a = 0;
	ck_assert(!netmodel_params_valid(&p));
	p.latency.dist = 9;
	ck_assert(!netmodel_params_valid(&p));

	/* A fate always consumes the same number of draws. */
	p.latency.dist = NETMODEL_FIXED;
	p.latency.a = 42;
	netmodel_rng_seed(&r1, 5);
	netmodel_rng_seed(&r2, 5);
	netmodel_fate_draw(&p, &r1, &f);
	ck_assert(f.lost);
	ck_assert_int_eq(f.delay, 42);
	for (i = 0; i < NETMODEL_FATE_DRAWS; i++)
		(void)netmodel_rng_next(&r2);
	ck_assert_mem_eq(&r1, &r2, sizeof(r1));

	/* Same seed, same stream; different seed, different stream. */
	netmodel_rng_seed(&r1, 0);
	netmodel_rng_seed(&r2, 0);
	ck_assert_uint_eq(netmodel_rng_next(&r1), netmodel_rng_next(&r2));
	netmodel_rng_seed(&r2, 1);
	ck_assert_uint_ne(netmodel_rng_next(&r1), netmodel_rng_next(&r2));

	/* Log-normal drawn directly: median and p95. */
	p.latency.dist = NETMODEL_LOGNORMAL;
	p.latency.a = 7000;
	p.latency.b = 30000;
	for (i = 0; i < 4001; i++)
		v[i] = netmodel_latency_draw(&p.latency, &r1);
	qsort(v, 4001, sizeof(v[0]), cmp_i64);
	ck_assert_double_eq_tol((double)v[2000], 7000, 7000 * 0.08);
	ck_assert_double_eq_tol((double)v[3800], 30000, 30000 * 0.12);
}
END_TEST

/* VP 30 s, B offline 60 s: expired at 30 s, report 0x46.  VP 5 min:
 * delivered when B is back, report 0x00. */
START_TEST(test_vp_expiry_offline)
{
	struct smsc_conf c;
	struct smsdtls_vp vp;
	struct smsdtls_tpdu r;

	conf_base(&c);
	c.station.net.latency.a = 1000;
	start(&c);
	smsc_station_set_online(sc, sb, false, 0);
	(void)submit_at(sa, MSISDN_B, true, vp_enh(&vp, 30), 1, 0);
	smsc_run(sc, 1000);
	ck_assert_uint_eq(smsc_station_queued(sb), 1);
	ck_assert_int_eq(smsc_next_deadline(sc), 30000);
	smsc_run(sc, 59999);
	ck_assert_uint_eq(stats().expired, 1);
	ck_assert_uint_eq(smsc_station_queued(sb), 0);
	smsc_station_set_online(sc, sb, true, 60000);
	drain();
	ck_assert_uint_eq(rxb.n, 0);
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_int_eq(rxa.v[0].t, 31000);
	ck_assert_rc(smsdtls_tpdu_decode(rxa.v[0].pdu, rxa.v[0].len, false,
	    SMSDTLS_TPDU_STATUS_REPORT, &r), SMSDTLS_OK);
	ck_assert_uint_eq(r.st, SMSC_ST_VP_EXPIRED);
	ck_assert_uint_eq(r.dt.second, 30);
	ck_assert_uint_eq(r.scts.second, 0);
	stop();

	start(&c);
	smsc_station_set_online(sc, sb, false, 0);
	(void)submit_at(sa, MSISDN_B, true, vp_rel(&vp, 0), 1, 0);
	smsc_run(sc, 59999);
	ck_assert_int_eq(smsc_next_deadline(sc), 300000);
	smsc_station_set_online(sc, sb, true, 60000);
	ck_assert_int_eq(smsc_next_deadline(sc), 60000);
	drain();
	ck_assert_uint_eq(rxb.n, 1);
	ck_assert_int_eq(rxb.v[0].t, 60000);
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_int_eq(rxa.v[0].t, 61000);
	ck_assert_rc(smsdtls_tpdu_decode(rxa.v[0].pdu, rxa.v[0].len, false,
	    SMSDTLS_TPDU_STATUS_REPORT, &r), SMSDTLS_OK);
	ck_assert_uint_eq(r.st, SMSC_ST_DELIVERED);
	ck_assert_uint_eq(r.dt.minute, 1);
	ck_assert_uint_eq(stats().expired, 0);
	stop();

	/* Back online after the VP without running up to it: expired all
	 * the same, at the end of the VP. */
	start(&c);
	smsc_station_set_online(sc, sb, false, 0);
	(void)submit_at(sa, MSISDN_B, true, vp_enh(&vp, 30), 1, 0);
	smsc_run(sc, 1000);
	smsc_station_set_online(sc, sb, true, 60000);
	drain();
	ck_assert_uint_eq(rxb.n, 0);
	ck_assert_uint_eq(stats().expired, 1);
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_int_eq(rxa.v[0].t, 31000);
}
END_TEST

/* A latency beyond the VP expires the message at the end of the VP. */
START_TEST(test_vp_shorter_than_latency)
{
	struct smsc_conf c;
	struct smsdtls_vp vp;

	conf_base(&c);
	c.station.net.latency.a = 30000;
	start(&c);
	(void)submit_at(sa, MSISDN_B, true, vp_enh(&vp, 20), 1, 0);
	ck_assert_int_eq(smsc_next_deadline(sc), 20000);
	drain();
	ck_assert_uint_eq(rxb.n, 0);
	ck_assert_uint_eq(stats().expired, 1);
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_int_eq(rxa.v[0].t, 50000);
}
END_TEST

/* Parked messages come back in order, through the MT limit. */
START_TEST(test_offline_order_and_limit)
{
	struct smsc_conf c;
	struct smsc_station_conf sconf;
	size_t i;

	conf_base(&c);
	c.station.net.latency.a = 500;
	start(&c);
	smsc_station_get_conf(sb, &sconf);
	sconf.mt_per_min = 60;
	ck_assert_rc(smsc_station_set_conf(sc, sb, &sconf), SMSDTLS_OK);
	smsc_station_set_online(sc, sb, false, 0);
	send_many(10, 1);
	smsc_run(sc, 99999);
	ck_assert_uint_eq(smsc_station_queued(sb), 10);
	ck_assert_uint_eq(rxb.n, 0);
	smsc_station_set_online(sc, sb, true, 100000);
	drain();
	ck_assert_uint_eq(rxb.n, 10);
	for (i = 0; i < 10; i++) {
		ck_assert_uint_eq(rxb.v[i].seq, i);
		ck_assert_int_eq(rxb.v[i].t, 100000 + 1000 * (int64_t)i);
	}
}
END_TEST

START_TEST(test_throughput_limit)
{
	struct smsc_conf c;
	struct smsc_station_conf sconf;
	size_t i;

	conf_base(&c);
	c.station.net.latency.a = 1000;
	start(&c);
	smsc_station_get_conf(sb, &sconf);
	sconf.mt_per_min = 6;
	ck_assert_rc(smsc_station_set_conf(sc, sb, &sconf), SMSDTLS_OK);
	send_many(5, 0);
	drain();
	ck_assert_uint_eq(rxb.n, 5);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rxb.v[i].t, 1000 + 10000 * (int64_t)i);
	stop();

	/* The same through A's MO limit. */
	start(&c);
	smsc_station_get_conf(sa, &sconf);
	sconf.mo_per_min = 6;
	ck_assert_rc(smsc_station_set_conf(sc, sa, &sconf), SMSDTLS_OK);
	send_many(5, 0);
	drain();
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rxb.v[i].t, 1000 + 10000 * (int64_t)i);
	stop();

	/* A bucket 3 deep lets 3 through at once, then paces. */
	start(&c);
	smsc_station_get_conf(sb, &sconf);
	sconf.mt_per_min = 6;
	sconf.burst = 3;
	ck_assert_rc(smsc_station_set_conf(sc, sb, &sconf), SMSDTLS_OK);
	send_many(5, 0);
	drain();
	ck_assert_int_eq(rxb.v[2].t, 1000);
	ck_assert_int_eq(rxb.v[3].t, 11000);
	ck_assert_int_eq(rxb.v[4].t, 21000);
	ck_assert_uint_eq(inversions(&rxb), 0);
}
END_TEST

START_TEST(test_queue_caps)
{
	struct smsc_conf c;
	struct smsc_station *sc3;
	uint8_t buf[SMSDTLS_PDU_MAX], mr = 0;
	size_t len;
	int i;

	conf_base(&c);
	c.max_queued_station = 3;
	c.max_queued = 5;
	c.station.net.latency.a = 1000;
	start(&c);
	ck_assert_rc(smsc_station_add(sc, "+447700900789", NULL, NULL, &sc3),
	    SMSDTLS_OK);
	smsc_station_set_online(sc, sb, false, 0);
	for (i = 0; i < 3; i++)
		(void)submit_at(sa, MSISDN_B, false, NULL, (uint32_t)i, 0);
	len = mk_submit(buf, MSISDN_B, -1, false, NULL, 3);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 0, &mr), SMSDTLS_ELIMIT);
	ck_assert_int_eq(smsc_last_cms_error(sc), SMSC_CMS_CONGESTION);
	ck_assert_uint_eq(smsc_station_queued(sb), 3);
	ck_assert_uint_eq(stats().queued, 3);
	ck_assert_uint_eq(stats().rejected_limit, 1);
	ck_assert_int_eq(smsc_next_deadline(sc), 1000);
	/* Total cap: 2 more fit, to another station. */
	(void)submit_at(sa, "+447700900789", false, NULL, 10, 0);
	(void)submit_at(sa, "+447700900789", false, NULL, 11, 0);
	len = mk_submit(buf, "+447700900789", -1, false, NULL, 12);
	ck_assert_rc(smsc_submit(sc, sa, buf, len, 0, &mr), SMSDTLS_ELIMIT);
	ck_assert_uint_eq(stats().queued, 5);
	ck_assert_uint_eq(stats().rejected_limit, 2);
	ck_assert_uint_eq(stats().rejected, 2);
	ck_assert_uint_eq(stats().submitted, 5);
	/* Drained, there is room again; the MR counter skipped nothing. */
	smsc_station_set_online(sc, sb, true, 2000);
	drain();
	ck_assert_uint_eq(rxb.n, 3);
	ck_assert_uint_eq(stats().queued, 0);
	ck_assert_uint_eq(submit_at(sa, MSISDN_B, false, NULL, 4, 3000), 5);
}
END_TEST

/* A report past the cap is dropped and counted; the delivered message
 * no longer holds its slot when the report is made. */
START_TEST(test_report_cap)
{
	struct smsc_conf c;

	conf_base(&c);
	c.max_queued = 1;
	c.station.net.latency.a = 1000;
	start(&c);
	(void)submit_at(sa, MSISDN_B, true, NULL, 1, 0);
	drain();
	ck_assert_uint_eq(rxa.n, 1);
	ck_assert_uint_eq(stats().dropped_limit, 0);
	/* One message waits for B: no room for a report to A. */
	smsc_station_set_online(sc, sb, false, 5000);
	(void)submit_at(sa, MSISDN_B, false, NULL, 2, 5000);
	(void)submit_at(sa, "+447700900999", true, NULL, 3, 5000);
	ck_assert_uint_eq(stats().dropped_limit, 1);
	ck_assert_uint_eq(stats().unknown_dest, 1);
	ck_assert_uint_eq(stats().queued, 1);
	ck_assert_uint_eq(nlog[SMSC_LOG_DROP], 2);
}
END_TEST

/* Run a busy scenario and return its trace hash. */
static uint64_t
scenario(uint64_t seed, bool stepwise, struct smsc_stats *s)
{
	struct smsc_conf c;
	uint32_t i;
	uint64_t h;

	conf_base(&c);
	c.seed = seed;
	c.station.net.latency.dist = NETMODEL_LOGNORMAL;
	c.station.net.latency.a = 7000;
	c.station.net.latency.b = 30000;
	c.station.net.loss = 0.1;
	c.station.net.dup = 0.05;
	c.station.net.reorder = 0.1;
	c.station.net.reorder_hold = 20000;
	start(&c);
	for (i = 0; i < 2000; i++) {
		(void)submit_at(sa, MSISDN_B, i % 3 == 0, NULL, i,
		    (int64_t)i * 50);
		(void)submit_at(sb, MSISDN_A, i % 5 == 0, NULL, i,
		    (int64_t)i * 50);
	}
	if (stepwise)
		drain();
	else
		smsc_run(sc, 1000000000);
	smsc_get_stats(sc, s);
	h = trace;
	stop();
	return h;
}

START_TEST(test_seed_reproducible)
{
	struct smsc_stats s1, s2, s3, s4;
	uint64_t h1, h2, h3, h4;

	stop();		/* reset the trace */
	h1 = scenario(1234, true, &s1);
	h2 = scenario(1234, true, &s2);
	h3 = scenario(1235, true, &s3);
	h4 = scenario(1234, false, &s4);
	ck_assert_uint_eq(h1, h2);
	ck_assert_mem_eq(&s1, &s2, sizeof(s1));
	ck_assert_uint_ne(h1, h3);
	/* One late run gives the same trace as stepping. */
	ck_assert_uint_eq(h1, h4);
	ck_assert_uint_gt(s1.lost, 0);
	ck_assert_uint_gt(s1.duplicated, 0);
	ck_assert_uint_gt(s1.reports_sent, 0);
	ck_assert_uint_eq(s1.queued, 0);
}
END_TEST

/* B answers from its delivery callback, re-entering smsc_submit(). */
START_TEST(test_reentrant_submit)
{
	struct smsc_conf c;
	size_t i;

	conf_base(&c);
	start(&c);
	echo_b = 3;
	for (i = 0; i < 100; i++)
		(void)submit_at(sa, MSISDN_B, true, NULL, (uint32_t)i, 0);
	/* Zero latency: the replies arrive in the same run. */
	smsc_run(sc, 0);
	ck_assert_int_eq(smsc_next_deadline(sc), SMSC_NEVER);
	ck_assert_uint_eq(rxb.n, 100);
	ck_assert_uint_eq(rxa.n, 400);	/* 300 replies and 100 reports */
	ck_assert_uint_eq(stats().submitted, 400);
	ck_assert_uint_eq(stats().queued, 0);
	stop();

	c.station.net.latency.a = 1000;
	start(&c);
	echo_b = 1;
	for (i = 0; i < 100; i++)
		(void)submit_at(sa, MSISDN_B, false, NULL, (uint32_t)i,
		    (int64_t)i);
	drain();
	ck_assert_uint_eq(rxa.n, 100);
	for (i = 0; i < 100; i++) {
		ck_assert_uint_eq(rxa.v[i].seq, i);
		ck_assert_int_eq(rxa.v[i].t, 2000 + (int64_t)i);
	}
	/* B's replies got B's own MRs. */
	ck_assert_uint_eq(submit_at(sb, MSISDN_A, false, NULL, 0, 5000), 100);
}
END_TEST

START_TEST(test_log_events)
{
	struct smsc_conf c;

	conf_base(&c);
	c.station.net.latency.a = 10;
	start(&c);
	(void)submit_at(sa, MSISDN_B, true, NULL, 1, 0);
	drain();
	ck_assert_uint_eq(nlog[SMSC_LOG_SUBMIT], 1);
	ck_assert_uint_eq(nlog[SMSC_LOG_DELIVER], 1);
	ck_assert_uint_eq(nlog[SMSC_LOG_REPORT], 1);
	ck_assert_uint_eq(nlog[SMSC_LOG_DROP], 0);
	ck_assert_str_eq(smsc_reason_name(SMSC_REASON_EXPIRED), "expired");
	ck_assert_str_eq(smsc_reason_name(SMSC_REASON_LOST), "lost");
	ck_assert_str_eq(smsc_reason_name((enum smsc_reason)200), "unknown");
}
END_TEST

static Suite *
smsc_suite(void)
{
	Suite *s = suite_create("smsc");
	TCase *tc;

	tc = tcase_create("routing");
	tcase_add_checked_fixture(tc, NULL, stop);
	tcase_add_test(tc, test_route_worked_example);
	tcase_add_test(tc, test_report_worked_example);
	tcase_add_test(tc, test_national_da);
	tcase_add_test(tc, test_unknown_destination);
	tcase_add_test(tc, test_malformed_submit);
	tcase_add_test(tc, test_submit_refusals);
	tcase_add_test(tc, test_stations);
	tcase_add_test(tc, test_scts_clock);
	tcase_add_test(tc, test_log_events);
	suite_add_tcase(s, tc);

	tc = tcase_create("network");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, NULL, stop);
	tcase_add_test(tc, test_loss_rate);
	tcase_add_test(tc, test_duplication_rate);
	tcase_add_test(tc, test_fifo_without_reorder);
	tcase_add_test(tc, test_reorder);
	tcase_add_test(tc, test_latency_uniform);
	tcase_add_test(tc, test_latency_lognormal);
	tcase_add_test(tc, test_netmodel_draws);
	tcase_add_test(tc, test_vp_expiry_offline);
	tcase_add_test(tc, test_vp_shorter_than_latency);
	tcase_add_test(tc, test_offline_order_and_limit);
	tcase_add_test(tc, test_throughput_limit);
	tcase_add_test(tc, test_queue_caps);
	tcase_add_test(tc, test_report_cap);
	tcase_add_test(tc, test_seed_reproducible);
	tcase_add_test(tc, test_reentrant_submit);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(smsc_suite)
