/*
 * check_modem_faults.c - the libgammu SMS bearer (modem/) against broken
 * modems, with the real libgammu over AT modems of smsdtls-smsc whose
 * faults are scheduled in its configuration ([station] fault keywords,
 * times from the SMSC's start):
 *
 *   a  stops answering at 7 s for 2 s, mid-use          -> b
 *   c  answers AT+CMGS with +CMS ERROR 500 for 10 s       <-> d
 *   d  answers AT+CMGS with +CMS ERROR 21 (for good)
 *   e  is unplugged at 7 s for 2 s, five messages queued  -> f
 *
 * The three pairs run at once, as modems of one gateway would, to keep
 * the program short.  Nothing queued is lost; health goes to resetting
 * and back to up; the reset hook runs.  Then a crash between reading a
 * message and accepting it, of the owner and of the worker.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "modemtest.h"
#include "modem/modem.h"

static bool
time_reached(void *arg)
{
	return mt_now() >= *(const int64_t *)arg;
}

/* Run the loop until the SMSC's clock reads at least ms. */
static void
wait_until(int64_t ms)
{
	mt_run_until(time_reached, &ms, ms - mt_now() + 100);
}

/* After the first UP: a RESETTING (or DOWN), then UP again. */
static void
assert_went_down_and_up(const struct mt_modem *t)
{
	size_t i = 0;

	while (i < t->nhealth && t->health[i] != MODEM_UP)
		i++;
	for (; i < t->nhealth; i++)
		if (t->health[i] == MODEM_RESETTING ||
		    t->health[i] == MODEM_DOWN)
			break;
	ck_assert_msg(i < t->nhealth, "%s: no reset seen", t->name);
	for (; i < t->nhealth; i++)
		if (t->health[i] == MODEM_UP)
			return;
	ck_abort_msg("%s: not up again", t->name);
}

/* The data octet of each DELIVER t got, as a bit set. */
static unsigned
payloads(const struct mt_modem *t)
{
	struct smsdtls_tpdu d;
	unsigned set = 0;
	size_t i;

	for (i = 0; i < t->nrx; i++) {
		ck_assert_rc(smsdtls_tpdu_decode(t->rx[i].tpdu, t->rx[i].len,
		    false, SMSDTLS_TPDU_DELIVER, &d), SMSDTLS_OK);
		ck_assert_uint_eq(d.ud_len - d.payload_off, 1);
		ck_assert_uint_lt(d.ud[d.payload_off], 32);
		set |= 1u << d.ud[d.payload_off];
	}
	return set;
}

/* One octet seq from t to station to, with id seq. */
static void
send_seq(struct mt_modem *t, const char *to, uint8_t seq)
{
	uint8_t pdu[SMSDTLS_PDU_MAX];
	size_t len;

	len = mt_submit_tpdu(mt_number(to), 16001, 5684, &seq, 1, 0, false,
	    pdu);
	ck_assert_rc(modem_submit(t->m, seq, pdu, len), SMSDTLS_OK);
}

static void
modem_up(struct mt_modem *t, const char *name, const char *hook)
{
	struct modem_conf c;

	mt_conf(&c, name);
	if (hook != NULL)
		snprintf(c.reset_hook, sizeof(c.reset_hook), "%s", hook);
	mt_modem_new(t, name, &c);
	t->auto_accept = true;
}

/* a stops answering: the watchdog finds the hung call (a probe or the
 * SUBMIT); the message queued in the silence goes after the reconnect. */
static void
check_hang(struct mt_modem *a, struct mt_modem *b)
{
	struct modem_stats st;

	ck_assert_rc(a->tx[0].rc, SMSDTLS_OK);
	ck_assert_uint_eq(a->tx[0].id, 1);
	ck_assert_uint_eq(payloads(b), 1u << 1);
	assert_went_down_and_up(a);
	modem_get_stats(a->m, &st);
	ck_assert_uint_ge(st.resets, 1);
	ck_assert_uint_ge(st.connects, 2);
	ck_assert_int_eq(st.health, MODEM_UP);
	ck_assert_uint_eq(st.queue_depth, 0);
	ck_assert(mt_log_has(a, "watchdog: no word from the worker"));
	modem_get_stats(b->m, &st);
	ck_assert_uint_eq(st.resets, 0);
}

/*
 * c's +CMS ERROR 500 is transient: the message stays queued, three in a
 * row reset the modem (the hook runs with the modem's name and device)
 * and it goes once the modem sends again.  d's +CMS ERROR 21 (short
 * message transfer rejected) is final: reported at once, no reset.
 */
static void
check_errors(struct mt_modem *c, struct mt_modem *d)
{
	struct modem_stats st;
	char path[256], dev[256], want[300], line[300];
	FILE *fp;

	ck_assert_uint_eq(d->tx[0].id, 4);
	ck_assert_rc(d->tx[0].rc, SMSDTLS_EPROTO);
	ck_assert_int_eq(d->tx[0].mr, -1);
	modem_get_stats(d->m, &st);
	ck_assert_uint_eq(st.submits_failed, 1);
	ck_assert_uint_eq(st.resets, 0);
	ck_assert_int_eq(st.last_cms, 21);
	ck_assert_int_eq(st.health, MODEM_UP);

	ck_assert_rc(c->tx[0].rc, SMSDTLS_OK);
	ck_assert_uint_eq(payloads(d), 1u << 3);
	assert_went_down_and_up(c);
	modem_get_stats(c->m, &st);
	ck_assert_uint_ge(st.submit_errors, 3);
	ck_assert_uint_ge(st.resets, 1);
	ck_assert_uint_ge(st.hook_runs, 1);
	ck_assert_uint_eq(st.submits_failed, 0);
	ck_assert_int_eq(st.last_cms, 500);
	ck_assert(mt_log_has(c, "+CMS ERROR: 500"));
	ck_assert(mt_log_has(c, "3 errors in a row"));
	mt_path("modem-c", dev, sizeof(dev));
	mt_path("modem-c.hook", path, sizeof(path));
	snprintf(want, sizeof(want), "c %s\n", dev);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	fclose(fp);
	ck_assert_str_eq(line, want);
}

/* e's line broke with five messages queued; connecting failed until
 * the device was back; then every message went, in order, and arrived. */
static void
check_unplugged(struct mt_modem *e, struct mt_modem *f)
{
	struct modem_stats st;
	size_t i;

	for (i = 0; i < 5; i++) {
		ck_assert_uint_eq(e->tx[i].id, i);
		ck_assert_rc(e->tx[i].rc, SMSDTLS_OK);
	}
	ck_assert_uint_eq(payloads(f), 0x1f);
	assert_went_down_and_up(e);
	modem_get_stats(e->m, &st);
	ck_assert_uint_ge(st.resets, 1);
	ck_assert_uint_eq(st.submits_ok, 5);
	ck_assert_uint_eq(st.queue_depth, 0);
	/* libgammu's own words while the device was away. */
	ck_assert(mt_log_has(e, "Error opening device, it doesn't exist."));
}

static bool
all_done(void *arg)
{
	struct mt_modem *t = arg;

	return t[0].ntx >= 1 && t[1].nrx >= 1 && t[2].ntx >= 1 &&
	    t[3].ntx >= 1 && t[3].nrx >= 1 && t[4].ntx >= 5 && t[5].nrx >= 5;
}

START_TEST(test_faults)
{
	static const char *const names[6] = { "a", "b", "c", "d", "e", "f" };
	struct mt_modem t[6];
	uint8_t seq;
	size_t i;

	mt_smsc_start(6, "fault = silent at 7s for 2s", "",
	    "fault = cms-error 500 at 0 for 10s",
	    "fault = cms-error 21 at 0 for 60s",
	    "fault = gone at 7s for 2s", "");
	for (i = 0; i < 6; i++)
		modem_up(&t[i], names[i], i != 2 ? NULL :
		    "echo \"$SMSDTLS_MODEM_NAME $SMSDTLS_MODEM_DEVICE\" "
		    ">> \"$SMSDTLS_MODEM_DEVICE.hook\"");
	for (i = 0; i < 6; i++)
		ck_assert_msg(mt_wait_health(&t[i], MODEM_UP, 0, 15000),
		    "%s not up", names[i]);
	send_seq(&t[2], "d", 3);
	send_seq(&t[3], "c", 4);
	wait_until(6500);
	for (seq = 0; seq < 5; seq++)
		send_seq(&t[4], "f", seq);
	wait_until(7300);
	send_seq(&t[0], "b", 1);
	ck_assert_msg(mt_run_until(all_done, t, 40000), "outcomes: a %zu, "
	    "c %zu, d %zu, e %zu; received: b %zu, d %zu, f %zu", t[0].ntx,
	    t[2].ntx, t[3].ntx, t[4].ntx, t[1].nrx, t[3].nrx, t[5].nrx);
	check_hang(&t[0], &t[1]);
	check_errors(&t[2], &t[3]);
	check_unplugged(&t[4], &t[5]);
	for (i = 0; i < 6; i++)
		mt_modem_free(&t[i]);
}
END_TEST

static bool
rx_again(void *arg)
{
	struct mt_modem *t = arg;

	return t->nrx > 0;
}

/*
 * A message read from b's modem and not accepted survives the owner's
 * end (modem_free, as in a daemon crash) and a killed worker: each time
 * it is offered again under a new handle; a stale handle deletes
 * nothing; the fresh one deletes it, and no listing offers it again.
 */
START_TEST(test_crash_before_accept)
{
	static const uint8_t data[] = { 'k', 'e', 'e', 'p' };
	struct mt_modem a, b;
	struct modem_conf ca, cb;
	struct modem_stats st;
	uint8_t pdu[SMSDTLS_PDU_MAX], first[SMSDTLS_PDU_MAX];
	uint64_t stale;
	size_t len, flen;
	int pid;

	mt_smsc_start(2, "", "");
	mt_conf(&ca, "a");
	mt_conf(&cb, "b");
	mt_modem_new(&a, "a", &ca);
	mt_modem_new(&b, "b", &cb);
	ck_assert(mt_wait_health(&a, MODEM_UP, 0, 15000));
	ck_assert(mt_wait_health(&b, MODEM_UP, 0, 15000));
	len = mt_submit_tpdu(MT_NUM_B, 16001, 5684, data, sizeof(data), 0,
	    false, pdu);
	ck_assert_rc(modem_submit(a.m, 1, pdu, len), SMSDTLS_OK);
	ck_assert(mt_wait_count(&b.nrx, 1, 10000));
	flen = b.rx[0].len;
	memcpy(first, b.rx[0].tpdu, flen);

	/* The owner goes away without accepting; a new one starts. */
	mt_modem_free(&b);
	mt_modem_new(&b, "b", &cb);
	ck_assert(mt_run_until(rx_again, &b, 15000));
	ck_assert_uint_eq(b.rx[0].len, flen);
	ck_assert_mem_eq(b.rx[0].tpdu, first, flen);
	stale = b.rx[0].handle;

	/* The worker dies between the read and the accept. */
	pid = modem_worker_pid(b.m);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(mt_wait_count(&b.nrx, 2, 15000));
	ck_assert_uint_eq(b.rx[1].len, flen);
	ck_assert_mem_eq(b.rx[1].tpdu, first, flen);
	ck_assert_uint_ne(b.rx[1].handle, stale);
	ck_assert_uint_eq(b.rx[1].handle >> 32, (stale >> 32) + 1);
	modem_get_stats(b.m, &st);
	ck_assert_uint_eq(st.resets, 1);

	modem_accept(b.m, stale);		/* ignored */
	modem_get_stats(b.m, &st);
	ck_assert_uint_eq(st.accepted, 0);
	modem_accept(b.m, b.rx[1].handle);
	mt_wait_sweeps(&a, &b);
	mt_wait_sweeps(&a, &b);
	modem_get_stats(b.m, &st);
	ck_assert_uint_eq(st.accepted, 1);
	ck_assert_uint_eq(st.deleted, 1);
	ck_assert_uint_eq(b.nrx, 2);
	mt_modem_free(&a);
	mt_modem_free(&b);
}
END_TEST

static Suite *
modem_faults_suite(void)
{
	Suite *s = suite_create("modem_faults");
	TCase *tc;

	tc = tcase_create("faults");
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_crash_before_accept);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(modem_faults_suite)
