/*
 * check_atmodem.c - the AT modem emulator (smsc/atmodem.c, TS 27.005 PDU
 * mode): byte-exact responses, the worked examples of the wire-format
 * digest (section 9) through the SMSC core, memory full, URC deferral,
 * faults and hostile input; then the real libgammu 1.42 and the real
 * gammu command line driving two modems over pseudo-terminals.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "smsc/atmodem.h"
#include "smsc/smsc.h"
#include "testutil.h"

#define NUM_A		"+447700900456"
#define NUM_B		"+447700900123"
#define SMSC_NUM	"+447785016005"

/* 2024-03-15T13:30:45Z: with tz +4 quarter-hours the SCTS of a submit
 * at time 0 is the digest's 24-03-15 14:30:45 +01:00. */
#define EPOCH_9B	1710509445

/* Digest 9(a), relative-VP variant (FO 71: UDHI, SRR, VPF relative):
 * A -> B, ports 49152 -> 5684, ten payload octets; 31 TPDU octets. */
#define SUBMIT_REL	"0071000C91447700091032000400" \
			"110605041634C0000102030405060708090A"
/* Digest 9(a) as printed: enhanced VP of 20 s; 37 TPDU octets. */
#define SUBMIT_ENH	"0069000C914477000910320004021400000000" \
			"00110605041634C0000102030405060708090A"
/* Digest 9(b): the DELIVER at B, SMSC prefix included; 36 octets. */
#define DELIVER_B	"0791447758100650640C914477000940650004" \
			"42305141035440110605041634C0000102030405060708090A"
/* The report to A for the first submit: MR 0, RA = B, SCTS = DT = the
 * submit time (latency 0), ST 00; 25 octets. */
#define REPORT_A	"0791447758100650" "0600" "0C91447700091032" \
			"42305141035440" "42305141035440" "00"
/* B -> A, no report requested (FO 51); 31 octets. */
#define SUBMIT_B2A	"0051000C91447700094065000400" \
			"110605041634C0000102030405060708090A"

/* ------------------------------------------------------- unit harness */

#define CAP_MAX	(1 << 16)

struct cap {
	char	buf[CAP_MAX];
	size_t	len;
};

struct hx {
	struct smsc	*sc;
	struct smsc_station *st[2];
	struct atmodem	*m[2];
	struct cap	 out[2];
};

enum { A = 0, B = 1 };

static void
cap_write(void *arg, const uint8_t *data, size_t len)
{
	struct cap *c = arg;

	/* The garbage test outgrows any buffer: keep the tail. */
	if (len > CAP_MAX - c->len)
		c->len = 0;
	if (len > CAP_MAX)
		return;
	memcpy(c->buf + c->len, data, len);
	c->len += len;
}

static void
hx_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct atmodem **mp = arg;

	(void)sc;
	(void)st;
	atmodem_deliver(*mp, type, tpdu, len, now);
}

static void
hx_init(struct hx *h, size_t slots_b)
{
	struct smsc_conf sconf;
	struct atmodem_conf mconf;
	const char *num[2] = { NUM_A, NUM_B };
	int i;

	memset(h, 0, sizeof(*h));
	smsc_conf_default(&sconf);
	memcpy(sconf.country_code, "44", 3);
	sconf.epoch = EPOCH_9B;
	sconf.tz = 4;
	ck_assert_rc(smsc_new(&sconf, &h->sc), SMSDTLS_OK);
	atmodem_conf_default(&mconf);
	for (i = 0; i < 2; i++) {
		mconf.slots = i == B ? slots_b : 30;
		/* The station is added first; its callback finds the modem
		 * through a pointer filled in just after. */
		ck_assert_rc(smsc_station_add(h->sc, num[i], hx_deliver,
		    &h->m[i], &h->st[i]), SMSDTLS_OK);
		ck_assert_rc(atmodem_new(h->sc, h->st[i], &mconf, cap_write,
		    &h->out[i], &h->m[i]), SMSDTLS_OK);
	}
}

static void
hx_fini(struct hx *h)
{
	atmodem_free(h->m[A]);
	atmodem_free(h->m[B]);
	smsc_free(h->sc);
}

/* Printable rendering of modem output for failure messages. */
static const char *
vis(const char *s, size_t len)
{
	static char bufs[2][4 * CAP_MAX + 1];
	static int which;
	char *b = bufs[which ^= 1];
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			n += (size_t)sprintf(b + n, "\\r");
		else if (c == '\n')
			n += (size_t)sprintf(b + n, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			n += (size_t)sprintf(b + n, "\\x%02x", c);
		else
			b[n++] = (char)c;
	}
	b[n] = '\0';
	return b;
}

static void
in(struct hx *h, int i, const char *s, int64_t now)
{
	atmodem_input(h->m[i], (const uint8_t *)s, strlen(s), now);
}

static void
expect(struct hx *h, int i, const char *want)
{
	struct cap *c = &h->out[i];

	ck_assert_msg(c->len == strlen(want) &&
	    memcmp(c->buf, want, c->len) == 0,
	    "modem %c said \"%s\", want \"%s\"", "AB"[i],
	    vis(c->buf, c->len), vis(want, strlen(want)));
	c->len = 0;
}

/* A command line and the exact answer, echo included. */
static void
cmd(struct hx *h, int i, const char *line, const char *answer)
{
	in(h, i, line, 0);
	expect(h, i, answer);
}

static uint64_t
submitted(struct hx *h)
{
	struct smsc_stats stats;

	smsc_get_stats(h->sc, &stats);
	return stats.submitted;
}

/* Both modems set up as libgammu leaves them: +CMTI and +CDSI. */
static void
hx_gammu_cnmi(struct hx *h)
{
	cmd(h, A, "AT+CNMI=2,1,0,2,0\r", "AT+CNMI=2,1,0,2,0\r\r\nOK\r\n");
	cmd(h, B, "AT+CNMI=2,1,0,2,0\r", "AT+CNMI=2,1,0,2,0\r\r\nOK\r\n");
}

/* Station i submits hex (31-octet TPDU after a "00" prefix). */
static void
hx_submit31(struct hx *h, int i, const char *hex, const char *mr,
    int64_t now)
{
	char want[128];

	in(h, i, "AT+CMGS=31\r", now);
	expect(h, i, "AT+CMGS=31\r\r\n> ");
	in(h, i, hex, now);
	in(h, i, "\x1a", now);
	snprintf(want, sizeof(want), "%s\r\n+CMGS: %s\r\n\r\nOK\r\n", hex, mr);
	expect(h, i, want);
}

/* The TPDU of DELIVER_B without its SMSC prefix. */
static size_t
deliver_tpdu(uint8_t *buf)
{
	return test_unhex(DELIVER_B + 16, buf, SMSDTLS_PDU_MAX);
}

/* ------------------------------------------------------- unit tests */

START_TEST(test_echo_and_framing)
{
	struct hx h;
	const char *s = "AT+CGMI\r";
	size_t i;

	hx_init(&h, 30);
	cmd(&h, A, "AT\r", "AT\r\r\nOK\r\n");
	cmd(&h, A, "at\r", "at\r\r\nOK\r\n");
	cmd(&h, A, "\r", "\r");
	cmd(&h, A, "AT+NOPE\r", "AT+NOPE\r\r\nERROR\r\n");
	cmd(&h, A, "HELLO\r", "HELLO\r\r\nERROR\r\n");
	cmd(&h, A, "ATE2\r", "ATE2\r\r\nERROR\r\n");
	cmd(&h, A, "AT+CGMI?\r", "AT+CGMI?\r\r\nERROR\r\n");
	cmd(&h, A, "AT+CGMI;\r", "AT+CGMI;\r\r\nERROR\r\n");
	/* CR LF from a terminal: the LF is echoed and ignored. */
	cmd(&h, A, "AT\r\n", "AT\r\r\nOK\r\n\n");
	/* Backspace edits, ESC drops the line. */
	cmd(&h, A, "AT+CGMX\bI\r", "AT+CGMX\bI\r\r\nsmsdtls\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CG\x1b" "AT\r", "AT+CG\x1b" "AT\r\r\nOK\r\n");
	/* Echo off and on; the line that switches is still echoed. */
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	cmd(&h, A, "AT\r", "\r\nOK\r\n");
	cmd(&h, A, "ATE1\r", "\r\nOK\r\n");
	cmd(&h, A, "ATE\r", "ATE\r\r\nOK\r\n");
	cmd(&h, A, "ATE1\r", "\r\nOK\r\n");
	/* Any chunking gives the same bytes. */
	for (i = 0; s[i] != '\0'; i++)
		atmodem_input(h.m[A], (const uint8_t *)s + i, 1, 0);
	expect(&h, A, "AT+CGMI\r\r\nsmsdtls\r\n\r\nOK\r\n");
	cmd(&h, A, "AT\rAT+CGSN\r",
	    "AT\r\r\nOK\r\nAT+CGSN\r\r\n356938035643809\r\n\r\nOK\r\n");
	/* ATZ restores echo. */
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	cmd(&h, A, "ATZ\r", "\r\nOK\r\n");
	cmd(&h, A, "AT\r", "AT\r\r\nOK\r\n");
	hx_fini(&h);
}
END_TEST

START_TEST(test_identification)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "AT+CGMI\r", "AT+CGMI\r\r\nsmsdtls\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CGMM\r", "AT+CGMM\r\r\nSIM-AT PDU modem\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CGMR\r", "AT+CGMR\r\r\nsmsdtls-sim 1.0\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CGSN\r", "AT+CGSN\r\r\n356938035643809\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CIMI\r", "AT+CIMI\r\r\n001010123456789\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CGMI=?\r", "AT+CGMI=?\r\r\nOK\r\n");
	cmd(&h, A, "ATI3\r", "ATI3\r\r\nsmsdtls\r\n\r\nOK\r\n");
	cmd(&h, A, "ATI4\r", "ATI4\r\r\nSIM-AT PDU modem\r\n\r\nOK\r\n");
	cmd(&h, A, "ATI5\r", "ATI5\r\r\nsmsdtls-sim 1.0\r\n\r\nOK\r\n");
	cmd(&h, A, "ATI\r", "ATI\r\r\nsmsdtls\r\nSIM-AT PDU modem\r\n"
	    "smsdtls-sim 1.0\r\n\r\nOK\r\n");
	cmd(&h, A, "ATI9\r", "ATI9\r\r\nERROR\r\n");
	hx_fini(&h);
}
END_TEST

/* The commands libgammu 1.42 sends to initialise and before SMS work,
 * in its order (digest 7a), and gammu-smsd's extras. */
START_TEST(test_gammu_init_sequence)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "\x1b\r", "\x1b\r");
	cmd(&h, A, "AT\r", "AT\r\r\nOK\r\n");
	cmd(&h, A, "ATE1\r", "ATE1\r\r\nOK\r\n");
	cmd(&h, A, "AT+MODE=2\r", "AT+MODE=2\r\r\nERROR\r\n");
	cmd(&h, A, "AT+CMEE=1\r", "AT+CMEE=1\r\r\nOK\r\n");
	cmd(&h, A, "AT+CSCS?\r", "AT+CSCS?\r\r\n+CSCS: \"GSM\"\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CSCS=?\r", "AT+CSCS=?\r\r\n"
	    "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CPROT=?\r", "AT+CPROT=?\r\r\nERROR\r\n");
	cmd(&h, A, "AT+SYNCML=?\r", "AT+SYNCML=?\r\r\nERROR\r\n");
	cmd(&h, A, "AT$TSSPCSW=?\r", "AT$TSSPCSW=?\r\r\nERROR\r\n");
	cmd(&h, A, "AT+CHUP=?\r", "AT+CHUP=?\r\r\nOK\r\n");
	cmd(&h, A, "AT+CFUN=1\r", "AT+CFUN=1\r\r\nOK\r\n");
	cmd(&h, A, "AT+CFUN?\r", "AT+CFUN?\r\r\n+CFUN: 1\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CFUN=0\r", "AT+CFUN=0\r\r\n+CME ERROR: 4\r\n");
	cmd(&h, A, "AT+CMGF=0\r", "AT+CMGF=0\r\r\nOK\r\n");
	cmd(&h, A, "AT+CMGF=1\r", "AT+CMGF=1\r\r\nERROR\r\n");
	cmd(&h, A, "AT+CMGF?\r", "AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CPIN?\r", "AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CSCA?\r",
	    "AT+CSCA?\r\r\n+CSCA: \"+447785016005\",145\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CSMS=0\r", "AT+CSMS=0\r\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CNMI=?\r", "AT+CNMI=?\r\r\n"
	    "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CNMI=2,1,0,2,0\r", "AT+CNMI=2,1,0,2,0\r\r\nOK\r\n");
	cmd(&h, A, "AT+CNMI?\r",
	    "AT+CNMI?\r\r\n+CNMI: 2,1,0,2,0\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CNMI=,,,1\r", "AT+CNMI=,,,1\r\r\nOK\r\n");
	cmd(&h, A, "AT+CNMI?\r",
	    "AT+CNMI?\r\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CNMI=2,1,1\r", "AT+CNMI=2,1,1\r\r\n+CMS ERROR: 303\r\n");
	cmd(&h, A, "AT+CNMI=4\r", "AT+CNMI=4\r\r\n+CMS ERROR: 303\r\n");
	cmd(&h, A, "AT+CUSD=1\r", "AT+CUSD=1\r\r\nOK\r\n");
	cmd(&h, A, "AT+CMMS=2\r", "AT+CMMS=2\r\r\nOK\r\n");
	cmd(&h, A, "AT+CSQ\r", "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CBC\r", "AT+CBC\r\r\n+CBC: 0,100\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CREG=2\r", "AT+CREG=2\r\r\nOK\r\n");
	cmd(&h, A, "AT+CREG?\r",
	    "AT+CREG?\r\r\n+CREG: 2,1,\"0001\",\"0001\"\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CREG=1\r", "AT+CREG=1\r\r\nOK\r\n");
	cmd(&h, A, "AT+CREG?\r", "AT+CREG?\r\r\n+CREG: 1,1\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CREG=0\r", "AT+CREG=0\r\r\nOK\r\n");
	smsc_station_set_online(h.sc, h.st[A], false, 0);
	cmd(&h, A, "AT+CREG?\r", "AT+CREG?\r\r\n+CREG: 0,0\r\n\r\nOK\r\n");
	/* +CME ERROR follows AT+CMEE. */
	cmd(&h, A, "AT+CSCS=\"HEX\"\r",
	    "AT+CSCS=\"HEX\"\r\r\n+CME ERROR: 4\r\n");
	cmd(&h, A, "AT+CMEE=2\r", "AT+CMEE=2\r\r\nOK\r\n");
	cmd(&h, A, "AT+CSCS=\"HEX\"\r", "AT+CSCS=\"HEX\"\r\r\n"
	    "+CME ERROR: operation not supported\r\n");
	cmd(&h, A, "AT+CMEE=0\r", "AT+CMEE=0\r\r\nOK\r\n");
	cmd(&h, A, "AT+CSCS=\"HEX\"\r", "AT+CSCS=\"HEX\"\r\r\nERROR\r\n");
	cmd(&h, A, "AT+CSCS=\"UCS2\"\r", "AT+CSCS=\"UCS2\"\r\r\nOK\r\n");
	cmd(&h, A, "AT+CSCS?\r", "AT+CSCS?\r\r\n+CSCS: \"UCS2\"\r\n\r\nOK\r\n");
	/* AT+CSCA= changes what AT+CSCA? says. */
	cmd(&h, A, "AT+CSCA=\"0123456\",129\r", "AT+CSCA=\"0123456\",129\r\r\n"
	    "OK\r\n");
	cmd(&h, A, "AT+CSCA?\r",
	    "AT+CSCA?\r\r\n+CSCA: \"0123456\",129\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CSCA=\"12x\"\r", "AT+CSCA=\"12x\"\r\r\nERROR\r\n");
	hx_fini(&h);
}
END_TEST

/* Read, test and malformed forms: the answer with echo off. */
static const struct {
	const char *line;
	const char *answer;
} forms[] = {
	{ "AT+CBC=?\r", "\r\n+CBC: (0-3),(0-100)\r\n\r\nOK\r\n" },
	{ "AT+CBC=1\r", "\r\nERROR\r\n" },
	{ "AT+CFUN=?\r", "\r\n+CFUN: (1),(0-1)\r\n\r\nOK\r\n" },
	{ "AT+CFUN=1,1\r", "\r\nOK\r\n" },
	{ "AT+CFUN=1,2\r", "\r\nERROR\r\n" },
	{ "AT+CHUP\r", "\r\nOK\r\n" },
	{ "AT+CHUP?\r", "\r\nERROR\r\n" },
	{ "AT+CMEE?\r", "\r\n+CMEE: 0\r\n\r\nOK\r\n" },
	{ "AT+CMEE=?\r", "\r\n+CMEE: (0-2)\r\n\r\nOK\r\n" },
	{ "AT+CMEE=3\r", "\r\nERROR\r\n" },
	{ "AT+CMGF=?\r", "\r\n+CMGF: (0)\r\n\r\nOK\r\n" },
	{ "AT+CMGF\r", "\r\nERROR\r\n" },
	{ "AT+CMGR=?\r", "\r\nOK\r\n" },
	{ "AT+CMGR\r", "\r\nERROR\r\n" },
	{ "AT+CMGS=?\r", "\r\nOK\r\n" },
	{ "AT+CMMS?\r", "\r\n+CMMS: 0\r\n\r\nOK\r\n" },
	{ "AT+CMMS=?\r", "\r\n+CMMS: (0-2)\r\n\r\nOK\r\n" },
	{ "AT+CMMS=3\r", "\r\nERROR\r\n" },
	{ "AT+CNMA=?\r", "\r\n+CNMA: (0-2)\r\n\r\nOK\r\n" },
	{ "AT+CNMA=1\r", "\r\nERROR\r\n" },
	{ "AT+CNMI\r", "\r\n+CMS ERROR: 303\r\n" },
	{ "AT+CNMI=1,2,0,0,0,0\r", "\r\n+CMS ERROR: 303\r\n" },
	{ "AT+CNMI=,,,2\r", "\r\nOK\r\n" },
	{ "AT+CPIN=?\r", "\r\nOK\r\n" },
	{ "AT+CPIN=\"1234\"\r", "\r\nERROR\r\n" },
	{ "AT+CPMS\r", "\r\nERROR\r\n" },
	{ "AT+CPMS=sm\r", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n" },
	{ "AT+CREG=?\r", "\r\n+CREG: (0-2)\r\n\r\nOK\r\n" },
	{ "AT+CREG=1\r", "\r\nOK\r\n" },
	{ "AT+CREG=3\r", "\r\nERROR\r\n" },
	{ "AT+CSCA=?\r", "\r\nOK\r\n" },
	{ "AT+CSCA\r", "\r\nERROR\r\n" },
	{ "AT+CSCA=\"+44123\",145,1\r", "\r\nERROR\r\n" },
	{ "AT+CSCS\r", "\r\nERROR\r\n" },
	{ "AT+CSMS=?\r", "\r\n+CSMS: (0,1)\r\n\r\nOK\r\n" },
	{ "AT+CSMS=2\r", "\r\nERROR\r\n" },
	{ "AT+CSQ=?\r", "\r\n+CSQ: (0-31,99),(0-7,99)\r\n\r\nOK\r\n" },
	{ "AT+CSQ?\r", "\r\nERROR\r\n" },
	{ "AT+CUSD?\r", "\r\n+CUSD: 0\r\n\r\nOK\r\n" },
	{ "AT+CUSD=?\r", "\r\n+CUSD: (0-2)\r\n\r\nOK\r\n" },
	{ "AT+CUSD=1,\"*100#\",15\r", "\r\nERROR\r\n" },
	{ "ATI?\r", "\r\nERROR\r\n" },
	{ "ATZ1\r", "\r\nERROR\r\n" },
	{ "AT&F\r", "\r\nOK\r\n" },
	{ "AT&\r", "\r\nERROR\r\n" },
	{ "AT+\r", "\r\nERROR\r\n" },
	{ "AT+CMGSS=1\r", "\r\nERROR\r\n" },
	{ "AT+ABCDEFGHIJKLMNOPQRSTUVWXYZ\r", "\r\nERROR\r\n" },
	{ "AT1\r", "\r\nERROR\r\n" },
	{ "  AT\r", "\r\nOK\r\n" }
};

START_TEST(test_forms)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	in(&h, A, forms[_i].line, 0);
	expect(&h, A, forms[_i].answer);
	hx_fini(&h);
}
END_TEST

START_TEST(test_cpms)
{
	struct hx h;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	size_t n;

	hx_init(&h, 30);
	cmd(&h, B, "AT+CPMS=?\r", "AT+CPMS=?\r\r\n"
	    "+CPMS: (\"SM\"),(\"SM\"),(\"SM\")\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CPMS?\r", "AT+CPMS?\r\r\n"
	    "+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30\r\n\r\nOK\r\n");
	n = deliver_tpdu(tpdu);
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	expect(&h, B, "");		/* AT+CNMI is 0,0,0,0,0 */
	cmd(&h, B, "AT+CPMS=\"SM\"\r", "AT+CPMS=\"SM\"\r\r\n"
	    "+CPMS: 1,30,1,30,1,30\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CPMS=\"SM\",\"SM\"\r", "AT+CPMS=\"SM\",\"SM\"\r\r\n"
	    "+CPMS: 1,30,1,30,1,30\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CPMS=\"SM\",\"SM\",\"SM\"\r",
	    "AT+CPMS=\"SM\",\"SM\",\"SM\"\r\r\n"
	    "+CPMS: 1,30,1,30,1,30\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CPMS=\"ME\"\r",
	    "AT+CPMS=\"ME\"\r\r\n+CMS ERROR: 302\r\n");
	cmd(&h, B, "AT+CPMS=\"SM\",\"SR\"\r",
	    "AT+CPMS=\"SM\",\"SR\"\r\r\n+CMS ERROR: 302\r\n");
	cmd(&h, B, "AT+CPMS=\"SM\",\"SM\",\"SM\",\"SM\"\r",
	    "AT+CPMS=\"SM\",\"SM\",\"SM\",\"SM\"\r\r\nERROR\r\n");
	cmd(&h, B, "AT+CPMS?\r", "AT+CPMS?\r\r\n"
	    "+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n");
	hx_fini(&h);
}
END_TEST

/* Digest 9(a) submitted, 9(b) read back at B, the report read at A. */
START_TEST(test_cmgs_worked_example)
{
	struct hx h;

	hx_init(&h, 30);
	hx_gammu_cnmi(&h);
	hx_submit31(&h, A, SUBMIT_REL, "0", 0);
	ck_assert_uint_eq(submitted(&h), 1);
	ck_assert_uint_eq(smsc_run(h.sc, 0), 2);
	expect(&h, B, "\r\n+CMTI: \"SM\",1\r\n");
	expect(&h, A, "\r\n+CDSI: \"SM\",1\r\n");
	cmd(&h, B, "AT+CMGR=1\r", "AT+CMGR=1\r\r\n+CMGR: 0,,36\r\n"
	    DELIVER_B "\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CMGR=1\r", "AT+CMGR=1\r\r\n+CMGR: 1,,36\r\n"
	    DELIVER_B "\r\n\r\nOK\r\n");
	cmd(&h, A, "AT+CMGR=1\r", "AT+CMGR=1\r\r\n+CMGR: 0,,25\r\n"
	    REPORT_A "\r\n\r\nOK\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[A]), 1);
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 1);

	/* The enhanced-VP original, with its real SMSC in the prefix. */
	in(&h, A, "AT+CMGS=37\r", 0);
	expect(&h, A, "AT+CMGS=37\r\r\n> ");
	in(&h, A, "079144775810065069000C914477000910320004021400000000"
	    "00110605041634C0000102030405060708090A\x1a", 0);
	expect(&h, A, "079144775810065069000C914477000910320004021400000000"
	    "00110605041634C0000102030405060708090A\r\n+CMGS: 1\r\n\r\nOK\r\n");
	ck_assert_uint_eq(submitted(&h), 2);
	smsc_run(h.sc, 0);
	expect(&h, B, "\r\n+CMTI: \"SM\",2\r\n");
	expect(&h, A, "\r\n+CDSI: \"SM\",2\r\n");
	hx_fini(&h);
}
END_TEST

START_TEST(test_cmgs_errors)
{
	struct hx h;
	struct smsc_station_conf sconf;
	char big[512];

	hx_init(&h, 30);
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	/* <length> one short of the TPDU after the prefix. */
	cmd(&h, A, "AT+CMGS=30\r", "\r\n> ");
	cmd(&h, A, SUBMIT_REL "\x1a", "\r\n+CMS ERROR: 304\r\n");
	/* Odd hex, a non-hex character, nothing at all. */
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, SUBMIT_REL "0\x1a", "\r\n+CMS ERROR: 304\r\n");
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, "0G" SUBMIT_REL "\x1a", "\r\n+CMS ERROR: 304\r\n");
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, "\x1a", "\r\n+CMS ERROR: 304\r\n");
	/* An SMSC prefix whose length runs past the PDU. */
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, "0C" SUBMIT_REL "\x1a", "\r\n+CMS ERROR: 304\r\n");
	/* Far too much hex. */
	memset(big, '0', 400);
	big[400] = '\x1a';
	big[401] = '\0';
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, big, "\r\n+CMS ERROR: 304\r\n");
	/* Lengths no SUBMIT has. */
	cmd(&h, A, "AT+CMGS=0\r", "\r\n+CMS ERROR: 304\r\n");
	cmd(&h, A, "AT+CMGS=165\r", "\r\n+CMS ERROR: 304\r\n");
	cmd(&h, A, "AT+CMGS\r", "\r\nERROR\r\n");
	cmd(&h, A, "AT+CMGS=\"+447700900123\"\r", "\r\nERROR\r\n");
	/* Right length, but the core cannot decode it. */
	cmd(&h, A, "AT+CMGS=3\r", "\r\n> ");
	cmd(&h, A, "00010203\x1a", "\r\n+CMS ERROR: 304\r\n");
	ck_assert_uint_eq(submitted(&h), 0);
	/* The core's refusals: no network, enhanced VP unsupported. */
	smsc_station_set_online(h.sc, h.st[A], false, 0);
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, SUBMIT_REL "\x1a", "\r\n+CMS ERROR: 331\r\n");
	smsc_station_set_online(h.sc, h.st[A], true, 0);
	smsc_station_get_conf(h.st[A], &sconf);
	sconf.reject_evp = true;
	ck_assert_rc(smsc_station_set_conf(h.sc, h.st[A], &sconf), SMSDTLS_OK);
	cmd(&h, A, "AT+CMGS=37\r", "\r\n> ");
	cmd(&h, A, SUBMIT_ENH "\x1a", "\r\n+CMS ERROR: 198\r\n");
	ck_assert_uint_eq(submitted(&h), 0);
	/* A prefix with the SMSC, then lower-case hex: both fine. */
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, "079144775810065071000c91447700091032000400"
	    "110605041634c0000102030405060708090a\x1a",
	    "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	ck_assert_uint_eq(submitted(&h), 1);
	hx_fini(&h);
}
END_TEST

START_TEST(test_cmgs_escape)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "AT+CMGS=31\r", "AT+CMGS=31\r\r\n> ");
	cmd(&h, A, "0071000C\x1b", "0071000C\r\nOK\r\n");
	cmd(&h, A, "AT\r", "AT\r\r\nOK\r\n");
	cmd(&h, A, "AT+CMGS=31\r", "AT+CMGS=31\r\r\n> ");
	cmd(&h, A, "\x1b", "\r\nOK\r\n");
	ck_assert_uint_eq(submitted(&h), 0);
	/* Backspace inside the PDU. */
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	cmd(&h, A, "AT+CMGS=31\r", "\r\n> ");
	cmd(&h, A, SUBMIT_REL "F\b\x1a", "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	ck_assert_uint_eq(submitted(&h), 1);
	hx_fini(&h);
}
END_TEST

START_TEST(test_cmgl_cmgd)
{
	struct hx h;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	size_t n, i;

	hx_init(&h, 30);
	n = deliver_tpdu(tpdu);
	for (i = 0; i < 3; i++)
		atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 3);
	cmd(&h, B, "ATE0\r", "ATE0\r\r\nOK\r\n");
	cmd(&h, B, "AT+CMGR=2\r",
	    "\r\n+CMGR: 0,,36\r\n" DELIVER_B "\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CMGL=0\r", "\r\n"
	    "+CMGL: 1,0,,36\r\n" DELIVER_B "\r\n"
	    "+CMGL: 3,0,,36\r\n" DELIVER_B "\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CMGL\r", "\r\nOK\r\n");
	cmd(&h, B, "AT+CMGL=4\r", "\r\n"
	    "+CMGL: 1,1,,36\r\n" DELIVER_B "\r\n"
	    "+CMGL: 2,1,,36\r\n" DELIVER_B "\r\n"
	    "+CMGL: 3,1,,36\r\n" DELIVER_B "\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CMGL=2\r", "\r\nOK\r\n");
	cmd(&h, B, "AT+CMGL=\"ALL\"\r", "\r\nERROR\r\n");
	cmd(&h, B, "AT+CMGL=5\r", "\r\nERROR\r\n");
	cmd(&h, B, "AT+CMGL=?\r", "\r\n+CMGL: (0-4)\r\n\r\nOK\r\n");
	/* Delete one; its slot reads empty and is reused first. */
	cmd(&h, B, "AT+CMGD=2\r", "\r\nOK\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 2);
	cmd(&h, B, "AT+CMGR=2\r", "\r\nOK\r\n");
	cmd(&h, B, "AT+CMGD=2\r", "\r\nOK\r\n");
	cmd(&h, B, "AT+CMGD=31\r", "\r\n+CMS ERROR: 321\r\n");
	cmd(&h, B, "AT+CMGD=0\r", "\r\n+CMS ERROR: 321\r\n");
	cmd(&h, B, "AT+CMGR=0\r", "\r\n+CMS ERROR: 321\r\n");
	cmd(&h, B, "AT+CMGR=31\r", "\r\n+CMS ERROR: 321\r\n");
	cmd(&h, B, "AT+CMGD=1,5\r", "\r\nERROR\r\n");
	cmd(&h, B, "AT+CMGD=?\r", "\r\n+CMGD: (1-30),(0-4)\r\n\r\nOK\r\n");
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	cmd(&h, B, "AT+CMGL=0\r", "\r\n"
	    "+CMGL: 2,0,,36\r\n" DELIVER_B "\r\n\r\nOK\r\n");
	/* Flag 1 deletes the read ones, then 4 all. */
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 4);
	cmd(&h, B, "AT+CMGD=1,1\r", "\r\nOK\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 1);
	cmd(&h, B, "AT+CMGL=4\r", "\r\n"
	    "+CMGL: 4,0,,36\r\n" DELIVER_B "\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CMGD=1,4\r", "\r\nOK\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 0);
	cmd(&h, B, "AT+CMGL=4\r", "\r\nOK\r\n");
	hx_fini(&h);
}
END_TEST

/* Memory full: the SMSC keeps the rest until a slot frees. */
START_TEST(test_memory_full)
{
	struct hx h;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	size_t n;

	hx_init(&h, 2);
	hx_gammu_cnmi(&h);
	hx_submit31(&h, A, SUBMIT_REL, "0", 0);
	hx_submit31(&h, A, SUBMIT_REL, "1", 0);
	hx_submit31(&h, A, SUBMIT_REL, "2", 0);
	smsc_run(h.sc, 0);
	expect(&h, B, "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n");
	expect(&h, A, "\r\n+CDSI: \"SM\",1\r\n\r\n+CDSI: \"SM\",2\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 2);
	ck_assert(atmodem_full(h.m[B]));
	ck_assert(!atmodem_full(h.m[A]));
	ck_assert(!smsc_station_online(h.st[B]));
	ck_assert_uint_eq(smsc_station_queued(h.st[B]), 1);
	ck_assert_uint_eq(atmodem_dropped(h.m[B]), 0);
	cmd(&h, B, "AT+CPMS?\r", "AT+CPMS?\r\r\n"
	    "+CPMS: \"SM\",2,2,\"SM\",2,2,\"SM\",2,2\r\n\r\nOK\r\n");
	/* Still registered, and its own submits go out. */
	cmd(&h, B, "AT+CREG?\r", "AT+CREG?\r\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	hx_submit31(&h, B, SUBMIT_B2A, "0", 10);
	ck_assert(!smsc_station_online(h.st[B]));
	smsc_run(h.sc, 10);
	expect(&h, A, "\r\n+CMTI: \"SM\",3\r\n");
	expect(&h, B, "");
	ck_assert_uint_eq(smsc_station_queued(h.st[B]), 1);
	/* Something delivered anyway is dropped and counted. */
	n = deliver_tpdu(tpdu);
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 10);
	ck_assert_uint_eq(atmodem_dropped(h.m[B]), 1);
	expect(&h, B, "");
	/* A slot frees: the waiting message comes in. */
	cmd(&h, B, "AT+CMGD=1\r", "AT+CMGD=1\r\r\nOK\r\n");
	ck_assert(!atmodem_full(h.m[B]));
	ck_assert(smsc_station_online(h.st[B]));
	smsc_run(h.sc, 20);
	expect(&h, B, "\r\n+CMTI: \"SM\",1\r\n");
	expect(&h, A, "\r\n+CDSI: \"SM\",4\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 2);
	ck_assert(!smsc_station_online(h.st[B]));
	ck_assert_uint_eq(smsc_station_queued(h.st[B]), 0);
	/* Emptied: back online for good. */
	cmd(&h, B, "AT+CMGD=1,4\r", "AT+CMGD=1,4\r\r\nOK\r\n");
	ck_assert(smsc_station_online(h.st[B]));
	hx_fini(&h);
}
END_TEST

/* Memory full when the station was offline already: not ours to undo. */
START_TEST(test_memory_full_offline)
{
	struct hx h;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	size_t n;

	hx_init(&h, 1);
	n = deliver_tpdu(tpdu);
	smsc_station_set_online(h.sc, h.st[B], false, 0);
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	cmd(&h, B, "AT+CMGD=1\r", "AT+CMGD=1\r\r\nOK\r\n");
	ck_assert(!smsc_station_online(h.st[B]));
	hx_fini(&h);
}
END_TEST

START_TEST(test_direct_routing)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "AT+CNMI=2,2,0,1,0\r", "AT+CNMI=2,2,0,1,0\r\r\nOK\r\n");
	cmd(&h, B, "AT+CNMI=2,2,0,1,0\r", "AT+CNMI=2,2,0,1,0\r\r\nOK\r\n");
	hx_submit31(&h, A, SUBMIT_REL, "0", 0);
	smsc_run(h.sc, 0);
	expect(&h, B, "\r\n+CMT: ,36\r\n" DELIVER_B "\r\n");
	expect(&h, A, "\r\n+CDS: 25\r\n" REPORT_A "\r\n");
	ck_assert_uint_eq(atmodem_stored(h.m[A]), 0);
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 0);
	/* +CNMA only after a +CMT under +CSMS=1. */
	cmd(&h, B, "AT+CNMA\r", "AT+CNMA\r\r\n+CMS ERROR: 340\r\n");
	cmd(&h, B, "AT+CSMS=1\r", "AT+CSMS=1\r\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
	cmd(&h, B, "AT+CSMS?\r", "AT+CSMS?\r\r\n+CSMS: 1,1,1,1\r\n\r\nOK\r\n");
	hx_submit31(&h, A, SUBMIT_REL, "1", 0);
	smsc_run(h.sc, 0);
	expect(&h, B, "\r\n+CMT: ,36\r\n" DELIVER_B "\r\n");
	h.out[A].len = 0;
	cmd(&h, B, "AT+CNMA\r", "AT+CNMA\r\r\nOK\r\n");
	cmd(&h, B, "AT+CNMA=0\r", "AT+CNMA=0\r\r\n+CMS ERROR: 340\r\n");
	/* Mode 0: no indication, so the message is stored. */
	cmd(&h, B, "AT+CNMI=0\r", "AT+CNMI=0\r\r\nOK\r\n");
	cmd(&h, B, "AT+CNMI?\r",
	    "AT+CNMI?\r\r\n+CNMI: 0,2,0,1,0\r\n\r\nOK\r\n");
	hx_submit31(&h, A, SUBMIT_REL, "2", 0);
	smsc_run(h.sc, 0);
	expect(&h, B, "");
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 1);
	hx_fini(&h);
}
END_TEST

/* A URC never lands inside a command line, its response or a prompt. */
START_TEST(test_urc_deferral)
{
	struct hx h;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	size_t n, i;

	hx_init(&h, 30);
	hx_gammu_cnmi(&h);
	n = deliver_tpdu(tpdu);
	/* Idle: at once. */
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	expect(&h, B, "\r\n+CMTI: \"SM\",1\r\n");
	/* Half a command line typed. */
	cmd(&h, B, "AT+CG", "AT+CG");
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	expect(&h, B, "");
	cmd(&h, B, "MI\r", "MI\r\r\nsmsdtls\r\n\r\nOK\r\n"
	    "\r\n+CMTI: \"SM\",2\r\n\r\n+CMTI: \"SM\",3\r\n");
	/* At the prompt; ESC gives OK, then the URC. */
	cmd(&h, B, "AT+CMGS=31\r", "AT+CMGS=31\r\r\n> ");
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	expect(&h, B, "");
	cmd(&h, B, "00\x1b", "00\r\nOK\r\n\r\n+CMTI: \"SM\",4\r\n");
	/* At the prompt; the submit's answer comes first. */
	cmd(&h, B, "AT+CMGS=31\r", "AT+CMGS=31\r\r\n> ");
	atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	cmd(&h, B, SUBMIT_B2A "\x1a", SUBMIT_B2A
	    "\r\n+CMGS: 0\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",5\r\n");
	/* What does not fit in the hold buffer is stored instead. */
	cmd(&h, B, "AT+CMGD=1,4\r", "AT+CMGD=1,4\r\r\nOK\r\n");
	cmd(&h, B, "AT+CNMI=2,2\r", "AT+CNMI=2,2\r\r\nOK\r\n");
	cmd(&h, B, "A", "A");
	for (i = 0; i < 45; i++)
		atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
	expect(&h, B, "");
	/* 103 octets each: 39 fit in 4096. */
	ck_assert_uint_eq(atmodem_stored(h.m[B]), 6);
	in(&h, B, "T\r", 0);
	ck_assert_uint_eq(h.out[B].len, strlen("T\r\r\nOK\r\n") + 39 *
	    strlen("\r\n+CMT: ,36\r\n" DELIVER_B "\r\n"));
	h.out[B].len = 0;
	/* A line that overflows holds it too, until its ERROR. */
	cmd(&h, B, "ATE0\r", "ATE0\r\r\nOK\r\n");
	cmd(&h, B, "AT+CNMI=2,1\r", "\r\nOK\r\n");
	{
		char big[1100];

		memset(big, 'A', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		cmd(&h, B, big, "");
		atmodem_deliver(h.m[B], SMSDTLS_TPDU_DELIVER, tpdu, n, 0);
		cmd(&h, B, "\r", "\r\nERROR\r\n\r\n+CMTI: \"SM\",7\r\n");
	}
	hx_fini(&h);
}
END_TEST

START_TEST(test_fault_silent)
{
	struct hx h;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	size_t n;

	hx_init(&h, 30);
	hx_gammu_cnmi(&h);
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_SILENT, 0, 1000);
	in(&h, A, "AT\r", 10);
	expect(&h, A, "");
	ck_assert(!atmodem_gone(h.m[A], 10));
	in(&h, A, "AT\r", 999);
	expect(&h, A, "");
	in(&h, A, "AT\r", 1000);
	expect(&h, A, "AT\r\r\nOK\r\n");
	/* Silent in the middle of a prompt: the PDU is lost, and the modem
	 * comes back in command state. */
	in(&h, A, "AT+CMGS=31\r", 1000);
	expect(&h, A, "AT+CMGS=31\r\r\n> ");
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_SILENT, 0, 2000);
	in(&h, A, SUBMIT_REL "\x1a", 1500);
	expect(&h, A, "");
	ck_assert_uint_eq(submitted(&h), 0);
	in(&h, A, "AT\r", 2000);
	expect(&h, A, "AT\r\r\nOK\r\n");
	/* In the middle of a line, and with a message arriving: stored,
	 * never announced. */
	in(&h, A, "AT+CG", 2000);
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_SILENT, 0, 3000);
	n = deliver_tpdu(tpdu);
	atmodem_deliver(h.m[A], SMSDTLS_TPDU_DELIVER, tpdu, n, 2500);
	in(&h, A, "MI\r", 2500);
	expect(&h, A, "AT+CG");
	ck_assert_uint_eq(atmodem_stored(h.m[A]), 1);
	in(&h, A, "AT\r", 3000);
	expect(&h, A, "AT\r\r\nOK\r\n");
	/* Until further notice, then cleared. */
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_SILENT, 0, INT64_MAX);
	in(&h, A, "AT\r", 1000000);
	expect(&h, A, "");
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_NONE, 0, 0);
	in(&h, A, "AT\r", 1000000);
	expect(&h, A, "AT\r\r\nOK\r\n");
	hx_fini(&h);
}
END_TEST

START_TEST(test_fault_cms_error)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_CMS_ERROR, 38, 3000);
	in(&h, A, "AT+CMGS=31\r", 100);
	expect(&h, A, "\r\n> ");
	in(&h, A, SUBMIT_REL "\x1a", 100);
	expect(&h, A, "\r\n+CMS ERROR: 38\r\n");
	in(&h, A, "AT+CGMI\r", 100);
	expect(&h, A, "\r\nsmsdtls\r\n\r\nOK\r\n");
	ck_assert_uint_eq(submitted(&h), 0);
	/* A malformed PDU is still the modem's own 304. */
	in(&h, A, "AT+CMGS=31\r", 100);
	in(&h, A, "00\x1a", 100);
	expect(&h, A, "\r\n> \r\n+CMS ERROR: 304\r\n");
	in(&h, A, "AT+CMGS=31\r", 3000);
	in(&h, A, SUBMIT_REL "\x1a", 3000);
	expect(&h, A, "\r\n> \r\n+CMGS: 0\r\n\r\nOK\r\n");
	ck_assert_uint_eq(submitted(&h), 1);
	hx_fini(&h);
}
END_TEST

START_TEST(test_fault_gone)
{
	struct hx h;

	hx_init(&h, 30);
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	in(&h, A, "AT+CNMI=2,1,0,2,0\r", 0);
	expect(&h, A, "\r\nOK\r\n");
	ck_assert(!atmodem_gone(h.m[A], 4000));
	atmodem_set_fault(h.m[A], ATMODEM_FAULT_GONE, 0, 5000);
	ck_assert(atmodem_gone(h.m[A], 4000));
	ck_assert(atmodem_gone(h.m[A], 4999));
	ck_assert(!atmodem_gone(h.m[A], 5000));
	in(&h, A, "AT\r", 4500);
	expect(&h, A, "");
	/* Plugged back in: power-on profile, echo on and no URCs. */
	in(&h, A, "AT+CNMI?\r", 5000);
	expect(&h, A, "AT+CNMI?\r\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
	hx_fini(&h);
}
END_TEST

START_TEST(test_overlong_lines)
{
	struct hx h;
	char line[1100];

	hx_init(&h, 30);
	cmd(&h, A, "ATE0\r", "ATE0\r\r\nOK\r\n");
	/* 1024 characters fit (leading zeros keep the number small). */
	memset(line, '0', sizeof(line));
	memcpy(line, "AT+CMGL=", 8);
	line[1023] = '4';
	line[1024] = '\r';
	line[1025] = '\0';
	cmd(&h, A, line, "\r\nOK\r\n");
	/* 1025 do not. */
	memset(line, '0', sizeof(line));
	memcpy(line, "AT+CMGL=", 8);
	line[1024] = '4';
	line[1025] = '\r';
	line[1026] = '\0';
	cmd(&h, A, line, "\r\nERROR\r\n");
	memset(line, 'A', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\0';
	cmd(&h, A, line, "\r\nERROR\r\n");
	cmd(&h, A, "AT\r", "\r\nOK\r\n");
	/* A NUL in the line. */
	atmodem_input(h.m[A], (const uint8_t *)"AT\0\r", 4, 0);
	expect(&h, A, "\r\nERROR\r\n");
	hx_fini(&h);
}
END_TEST

START_TEST(test_bad_conf)
{
	struct hx h;
	struct atmodem_conf conf;
	struct atmodem *m = NULL;

	hx_init(&h, 30);
	atmodem_conf_default(&conf);
	conf.slots = 0;
	ck_assert_rc(atmodem_new(h.sc, h.st[A], &conf, cap_write, &h.out[A],
	    &m), SMSDTLS_EINVAL);
	atmodem_conf_default(&conf);
	conf.smsc_number = "+44x";
	ck_assert_rc(atmodem_new(h.sc, h.st[A], &conf, cap_write, &h.out[A],
	    &m), SMSDTLS_EINVAL);
	atmodem_conf_default(&conf);
	conf.model = "two\r\nlines";
	ck_assert_rc(atmodem_new(h.sc, h.st[A], &conf, cap_write, &h.out[A],
	    &m), SMSDTLS_EINVAL);
	ck_assert_ptr_null(m);
	atmodem_free(NULL);
	hx_fini(&h);
}
END_TEST

/* Tokens the garbage generator strings together, among random bytes. */
static const char *const garbage_tokens[] = {
	"AT", "AT+CMGS=", "AT+CMGS=31\r", "AT+CMGR=", "AT+CMGL=4\r",
	"AT+CMGD=", ",4", "AT+CNMI=", "2,1,0,2,0", "2,2,0,1,0", "AT+CPMS=",
	"\"SM\"", "AT+CSCA=\"", "AT+CSMS=1\r", "AT+CNMA\r", "ATE0\r",
	"ATE1\r", "ATZ\r", "=?", "?", "\r", "\n", "\x1a", "\x1b", "\b",
	"1", "31", "\r\n", SUBMIT_REL, SUBMIT_B2A, "00", "\"", ","
};

START_TEST(test_garbage)
{
	struct hx h;
	uint8_t buf[64], tpdu[SMSDTLS_PDU_MAX];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	int64_t now = 0;
	size_t i, j, n, len, ntok;
	const char *tok;
	int who;

	hx_init(&h, 4);
	ntok = sizeof(garbage_tokens) / sizeof(garbage_tokens[0]);
	for (i = 0; i < 100000; i++) {
		who = (int)(test_rand(&rng) % 2);
		now += (int64_t)(test_rand(&rng) % 50);
		switch (test_rand(&rng) % 16) {
		case 0:		/* random bytes */
			len = test_rand(&rng) % sizeof(buf);
			for (j = 0; j < len; j++)
				buf[j] = (uint8_t)test_rand(&rng);
			atmodem_input(h.m[who], buf, len, now);
			break;
		case 1:		/* a random TPDU from the network */
			len = test_rand(&rng) % (sizeof(tpdu) + 8);
			for (j = 0; j < len && j < sizeof(tpdu); j++)
				tpdu[j] = (uint8_t)test_rand(&rng);
			atmodem_deliver(h.m[who], (enum smsdtls_tpdu_type)
			    (test_rand(&rng) % 4), tpdu, len, now);
			break;
		case 2:		/* a fault, soon over */
			atmodem_set_fault(h.m[who], (enum atmodem_fault)
			    (test_rand(&rng) % 5), (int)(test_rand(&rng) % 600),
			    now + (int64_t)(test_rand(&rng) % 500));
			break;
		case 3:
			n = deliver_tpdu(tpdu);
			atmodem_deliver(h.m[who], SMSDTLS_TPDU_DELIVER, tpdu, n,
			    now);
			smsc_run(h.sc, now);
			break;
		default:	/* tokens */
			tok = garbage_tokens[test_rand(&rng) % ntok];
			in(&h, who, tok, now);
			break;
		}
		ck_assert_uint_le(atmodem_stored(h.m[who]), who == B ? 4 : 30);
	}
	/* Whatever state it was left in, the modem comes back. */
	for (who = 0; who < 2; who++) {
		atmodem_set_fault(h.m[who], ATMODEM_FAULT_NONE, 0, 0);
		in(&h, who, "\x1b\x1b" "ATE1\r", now);
		h.out[who].len = 0;
		in(&h, who, "AT\r", now);
		expect(&h, who, "AT\r\r\nOK\r\n");
	}
	hx_fini(&h);
}
END_TEST

/* ----------------------------------------- integration: ptys + gammu */

/* The SMSC and two modems on two ptys, served in real time by a thread
 * (libgammu blocks the test's own thread). */
struct srv {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	int		 stop[2];	/* pipe: a byte means stop */
	int		 master[2];
	int		 slave[2];	/* kept open: no hangups */
	char		 path[2][64];
	struct smsc	*sc;
	struct smsc_station *st[2];
	struct atmodem	*m[2];
	struct timespec	 t0;
	bool		 running;
};

static int64_t
srv_now(const struct srv *s)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - s->t0.tv_sec) * 1000 +
	    (t.tv_nsec - s->t0.tv_nsec) / 1000000;
}

/* The modem's output goes to the pty master; give up after 2 s if the
 * other side reads nothing. */
static void
srv_write(void *arg, const uint8_t *data, size_t len)
{
	int fd = *(int *)arg;
	struct pollfd pfd;
	ssize_t n;
	int waits = 0;

	while (len > 0) {
		n = write(fd, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 100) == 0 && ++waits > 20)
			return;
	}
}

static void
srv_deliver(struct smsc *sc, struct smsc_station *st,
    enum smsdtls_tpdu_type type, const uint8_t *tpdu, size_t len,
    int64_t now, void *arg)
{
	struct atmodem **mp = arg;

	(void)sc;
	(void)st;
	atmodem_deliver(*mp, type, tpdu, len, now);
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;
	struct pollfd pfd[3];
	uint8_t buf[4096];
	int64_t now, due, wait;
	ssize_t n;
	int i;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		now = srv_now(s);
		due = smsc_next_deadline(s->sc);
		pthread_mutex_unlock(&s->mu);
		wait = due == SMSC_NEVER || due - now > 100 ? 100 :
		    due - now < 0 ? 0 : due - now;
		for (i = 0; i < 2; i++) {
			pfd[i].fd = s->master[i];
			pfd[i].events = POLLIN;
		}
		pfd[2].fd = s->stop[0];
		pfd[2].events = POLLIN;
		if (poll(pfd, 3, (int)wait) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents != 0)
			break;
		pthread_mutex_lock(&s->mu);
		now = srv_now(s);
		for (i = 0; i < 2; i++) {
			if ((pfd[i].revents & POLLIN) == 0)
				continue;
			n = read(s->master[i], buf, sizeof(buf));
			if (n > 0)
				atmodem_input(s->m[i], buf, (size_t)n, now);
		}
		smsc_run(s->sc, now);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static void
srv_start(struct srv *s)
{
	struct smsc_conf sconf;
	struct atmodem_conf mconf;
	struct termios t;
	const char *num[2] = { NUM_A, NUM_B };
	int i;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	pthread_mutex_init(&s->mu, NULL);
	ck_assert_int_eq(pipe(s->stop), 0);
	smsc_conf_default(&sconf);
	memcpy(sconf.country_code, "44", 3);
	sconf.station.net.latency.a = 50;
	ck_assert_rc(smsc_new(&sconf, &s->sc), SMSDTLS_OK);
	atmodem_conf_default(&mconf);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(openpty(&s->master[i], &s->slave[i],
		    s->path[i], NULL, NULL), 0);
		ck_assert_int_eq(tcgetattr(s->slave[i], &t), 0);
		cfmakeraw(&t);
		ck_assert_int_eq(tcsetattr(s->slave[i], TCSANOW, &t), 0);
		fcntl(s->master[i], F_SETFL,
		    fcntl(s->master[i], F_GETFL) | O_NONBLOCK);
		ck_assert_rc(smsc_station_add(s->sc, num[i], srv_deliver,
		    &s->m[i], &s->st[i]), SMSDTLS_OK);
		ck_assert_rc(atmodem_new(s->sc, s->st[i], &mconf, srv_write,
		    &s->master[i], &s->m[i]), SMSDTLS_OK);
	}
	ck_assert_int_eq(pthread_create(&s->thread, NULL, srv_main, s), 0);
	s->running = true;
}

static void
srv_stop(struct srv *s)
{
	int i;

	if (s->running) {
		ck_assert_int_eq(write(s->stop[1], "x", 1), 1);
		pthread_join(s->thread, NULL);
		s->running = false;
	}
	for (i = 0; i < 2; i++) {
		atmodem_free(s->m[i]);
		close(s->master[i]);
		close(s->slave[i]);
	}
	smsc_free(s->sc);
	close(s->stop[0]);
	close(s->stop[1]);
	pthread_mutex_destroy(&s->mu);
}

static size_t
srv_stored(struct srv *s, int i)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	n = atmodem_stored(s->m[i]);
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* Wait up to ms for station i to hold want messages. */
static bool
srv_wait_stored(struct srv *s, int i, size_t want, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (srv_stored(s, i) == want)
			return true;
		usleep(20000);
	}
	return srv_stored(s, i) == want;
}

/* A gammurc for pty i in dir; its path in rc, the debug log in log. */
static void
write_gammurc(const struct srv *s, const char *dir, int i, char *rc,
    size_t rclen, char *log, size_t loglen)
{
	FILE *f;

	snprintf(rc, rclen, "%s/gammurc-%c", dir, "ab"[i]);
	snprintf(log, loglen, "%s/gammu-%c.log", dir, "ab"[i]);
	ck_assert_ptr_nonnull(f = fopen(rc, "w"));
	fprintf(f, "[gammu]\ndevice = %s\nconnection = at\n"
	    "logfile = %s\nlogformat = textalldate\n", s->path[i], log);
	ck_assert_int_eq(fclose(f), 0);
}

static GSM_StateMachine *
gammu_connect(const struct srv *s, const char *dir, int i)
{
	GSM_StateMachine *g;
	INI_Section *ini = NULL;
	GSM_Error err;
	char rc[256], log[256];

	write_gammurc(s, dir, i, rc, sizeof(rc), log, sizeof(log));
	ck_assert_ptr_nonnull(g = GSM_AllocStateMachine());
	ck_assert_int_eq(GSM_FindGammuRC(&ini, rc), ERR_NONE);
	ck_assert_int_eq(GSM_ReadConfig(ini, GSM_GetConfig(g, 0), 0),
	    ERR_NONE);
	INI_Free(ini);
	GSM_GetConfig(g, 0)->UseGlobalDebugFile = FALSE;
	GSM_SetConfigNum(g, 1);
	err = GSM_InitConnection(g, 1);
	ck_assert_msg(err == ERR_NONE, "GSM_InitConnection on %s: %s "
	    "(log in %s)", s->path[i], GSM_ErrorString(err), log);
	return g;
}

static void
gammu_close(GSM_StateMachine *g)
{
	GSM_TerminateConnection(g);
	GSM_FreeStateMachine(g);
}

struct send_status {
	bool	done;
	int	status;
	int	mr;
};

static void
send_status_cb(GSM_StateMachine *g, int status, int mr, void *arg)
{
	struct send_status *ss = arg;

	(void)g;
	ss->done = true;
	ss->status = status;
	ss->mr = mr;
}

struct incoming {
	bool	done;
	int	location;
	int	memory;
};

/* +CMTI as libgammu reports it: where the message was stored. */
static void
incoming_cb(GSM_StateMachine *g, GSM_SMSMessage *sms, void *arg)
{
	struct incoming *inc = arg;

	(void)g;
	inc->done = true;
	inc->location = sms->Location;
	inc->memory = (int)sms->Memory;
}

static char *
make_tmpdir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/check_atmodem.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

/* Remove the files the tests put in dir, then dir; with
 * CHECK_ATMODEM_KEEP set, keep them (libgammu's debug logs) and say
 * where. */
static void
remove_tmpdir(const char *dir)
{
	static const char *const names[] = {
		"gammurc-a", "gammurc-b", "gammu-a.log", "gammu-b.log",
		"sendsms.out", "getallsms.out"
	};
	char path[256];
	size_t i;

	if (getenv("CHECK_ATMODEM_KEEP") != NULL) {
		fprintf(stderr, "check_atmodem: files kept in %s\n", dir);
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* libgammu from C: an 8-bit SMS with a 16-bit port UDH from A to B,
 * announced to B's libgammu by +CMTI, read back with the UDH, payload
 * and sender intact, then deleted. */
START_TEST(test_libgammu_udh_roundtrip)
{
	static const unsigned char udh[7] = {
		0x06, 0x05, 0x04, 0x16, 0x34, 0x3e, 0x81
	};
	static const unsigned char payload[12] = {
		0x16, 0xfe, 0xfd, 0x00, 0x00, 0x1a, 0x0d, 0x0a, 0x00, 0x7f,
		0x80, 0xff
	};
	struct srv s;
	struct send_status ss;
	struct incoming inc;
	GSM_StateMachine *ga, *gb;
	GSM_SMSMessage sms;
	GSM_MultiSMSMessage got;
	GSM_SMSC smsc;
	GSM_SMSMessage *r;
	GSM_Error err;
	char *dir;
	int64_t until;

	dir = make_tmpdir();
	srv_start(&s);

	gb = gammu_connect(&s, dir, B);
	memset(&inc, 0, sizeof(inc));
	GSM_SetIncomingSMSCallback(gb, incoming_cb, &inc);
	err = GSM_SetIncomingSMS(gb, TRUE);
	ck_assert_msg(err == ERR_NONE, "GSM_SetIncomingSMS: %s",
	    GSM_ErrorString(err));

	ga = gammu_connect(&s, dir, A);
	memset(&smsc, 0, sizeof(smsc));
	smsc.Location = 1;
	ck_assert_int_eq(GSM_GetSMSC(ga, &smsc), ERR_NONE);
	ck_assert_str_eq(DecodeUnicodeString(smsc.Number), SMSC_NUM);
	memset(&sms, 0, sizeof(sms));
	GSM_SetDefaultSMSData(&sms);
	CopyUnicodeString(sms.SMSC.Number, smsc.Number);
	EncodeUnicode(sms.Number, NUM_B, strlen(NUM_B));
	sms.PDU = SMS_Submit;
	sms.Coding = SMS_Coding_8bit;
	sms.Class = -1;
	sms.UDH.Type = UDH_UserUDH;
	sms.UDH.Length = sizeof(udh);
	memcpy(sms.UDH.Text, udh, sizeof(udh));
	memcpy(sms.Text, payload, sizeof(payload));
	sms.Length = sizeof(payload);
	memset(&ss, 0, sizeof(ss));
	GSM_SetSendSMSStatusCallback(ga, send_status_cb, &ss);
	err = GSM_SendSMS(ga, &sms);
	ck_assert_msg(err == ERR_NONE, "GSM_SendSMS: %s", GSM_ErrorString(err));
	until = srv_now(&s) + 10000;
	while (!ss.done && srv_now(&s) < until)
		GSM_ReadDevice(ga, TRUE);
	ck_assert_msg(ss.done, "no +CMGS within 10 s (log in %s)", dir);
	ck_assert_int_eq(ss.status, 0);
	ck_assert_int_eq(ss.mr, 0);
	gammu_close(ga);

	until = srv_now(&s) + 5000;
	while (!inc.done && srv_now(&s) < until)
		GSM_ReadDevice(gb, TRUE);
	ck_assert_msg(inc.done, "no +CMTI within 5 s (log in %s)", dir);
	ck_assert_int_eq(inc.location, 1);
	ck_assert_int_eq(inc.memory, MEM_SM);
	ck_assert_uint_eq(srv_stored(&s, B), 1);
	memset(&got, 0, sizeof(got));
	err = GSM_GetNextSMS(gb, &got, TRUE);
	ck_assert_msg(err == ERR_NONE, "GSM_GetNextSMS: %s (log in %s)",
	    GSM_ErrorString(err), dir);
	ck_assert_int_eq(got.Number, 1);
	r = &got.SMS[0];
	ck_assert_int_eq(r->PDU, SMS_Deliver);
	ck_assert_int_eq(r->Coding, SMS_Coding_8bit);
	ck_assert_int_eq(r->State, SMS_UnRead);
	ck_assert_str_eq(DecodeUnicodeString(r->Number), NUM_A);
	ck_assert_str_eq(DecodeUnicodeString(r->SMSC.Number), SMSC_NUM);
	ck_assert_int_eq(r->UDH.Length, sizeof(udh));
	ck_assert_mem_eq(r->UDH.Text, udh, sizeof(udh));
	ck_assert_int_eq(r->Length, sizeof(payload));
	ck_assert_mem_eq(r->Text, payload, sizeof(payload));
	err = GSM_GetNextSMS(gb, &got, FALSE);
	ck_assert_int_eq(err, ERR_EMPTY);

	err = GSM_DeleteSMS(gb, r);
	ck_assert_msg(err == ERR_NONE, "GSM_DeleteSMS: %s",
	    GSM_ErrorString(err));
	ck_assert_uint_eq(srv_stored(&s, B), 0);
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(GSM_GetNextSMS(gb, &got, TRUE), ERR_EMPTY);
	gammu_close(gb);

	srv_stop(&s);
	remove_tmpdir(dir);
}
END_TEST

/* The gammu program on PATH, or a failure that says what is missing. */
static void
find_gammu(char *path, size_t len)
{
	const char *env = getenv("PATH");
	char dirs[4096], *p, *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", env != NULL ? env :
	    "/usr/bin:/bin");
	for (p = strtok_r(dirs, ":", &save); p != NULL;
	    p = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/gammu", p);
		if (access(path, X_OK) == 0)
			return;
	}
	ck_abort_msg("the gammu command line (Debian package gammu, a "
	    "declared dependency) is not on PATH");
}

/* Run gammu -c rc args... with output to outpath; its exit status, or
 * -1 if it ran past timeout_ms (then it is killed). */
static int
run_gammu(const char *gammu, const char *rc, const char *outpath,
    const char *const *args, int timeout_ms)
{
	const char *argv[16];
	pid_t pid, r;
	int st, fd, n = 0;

	argv[n++] = "gammu";
	argv[n++] = "-c";
	argv[n++] = rc;
	while (*args != NULL && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("LC_ALL", "C", 1);
		execv(gammu, (char *const *)argv);
		_exit(127);
	}
	for (; timeout_ms > 0; timeout_ms -= 20) {
		if ((r = waitpid(pid, &st, WNOHANG)) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *f;
	size_t n;

	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The gammu command line: sendsms with a status report on A, getallsms
 * on B for the message and on A for the report. */
START_TEST(test_gammu_cli)
{
	static const char *const send_args[] = {
		"sendsms", "TEXT", NUM_B, "-report", "-text",
		"Hello from the gammu CLI", NULL
	};
	static const char *const get_args[] = { "getallsms", NULL };
	struct srv s;
	char gammu[512], rc[2][256], log[2][256], out[256], text[16384];
	char *dir;
	int i, rv;

	find_gammu(gammu, sizeof(gammu));
	dir = make_tmpdir();
	srv_start(&s);
	for (i = 0; i < 2; i++)
		write_gammurc(&s, dir, i, rc[i], sizeof(rc[i]), log[i],
		    sizeof(log[i]));

	snprintf(out, sizeof(out), "%s/sendsms.out", dir);
	rv = run_gammu(gammu, rc[A], out, send_args, 15000);
	slurp(out, text, sizeof(text));
	ck_assert_msg(rv == 0, "gammu sendsms exited %d:\n%s\n(log in %s)",
	    rv, text, log[A]);
	ck_assert_msg(strstr(text, "OK, message reference=0") != NULL,
	    "gammu sendsms said:\n%s", text);
	ck_assert(srv_wait_stored(&s, B, 1, 2000));
	ck_assert(srv_wait_stored(&s, A, 1, 2000));	/* the report */

	snprintf(out, sizeof(out), "%s/getallsms.out", dir);
	rv = run_gammu(gammu, rc[B], out, get_args, 15000);
	slurp(out, text, sizeof(text));
	ck_assert_msg(rv == 0, "gammu getallsms exited %d:\n%s\n(log in %s)",
	    rv, text, log[B]);
	ck_assert_msg(strstr(text, "Hello from the gammu CLI") != NULL &&
	    strstr(text, "\"" NUM_A "\"") != NULL &&
	    strstr(text, "\"" SMSC_NUM "\"") != NULL &&
	    strstr(text, "1 SMS parts in 1 SMS sequences") != NULL,
	    "gammu getallsms said:\n%s", text);

	/* The report at A, as libgammu decodes it from +CMGL. */
	rv = run_gammu(gammu, rc[A], out, get_args, 15000);
	slurp(out, text, sizeof(text));
	ck_assert_msg(rv == 0, "gammu getallsms exited %d:\n%s\n(log in %s)",
	    rv, text, log[A]);
	ck_assert_msg(strstr(text, "SMS status report") != NULL &&
	    strstr(text, "\"" NUM_B "\"") != NULL &&
	    strstr(text, "Reference number     : 0") != NULL &&
	    strstr(text, "Delivery status      : Delivered") != NULL,
	    "gammu getallsms said:\n%s", text);

	srv_stop(&s);
	remove_tmpdir(dir);
}
END_TEST

/* The gammu command line with 8-bit data and a 16-bit port UDH: an MMS
 * indication is WAP push (8-bit, ports 9200 -> 2948); B's getallsms must
 * show it as such, with the UDH and the sender intact. */
START_TEST(test_gammu_cli_8bit_ports)
{
	static const char *const send_args[] = {
		"sendsms", "MMSINDICATOR", NUM_B, "http://mms.example/m1",
		"Title", "Sender", NULL
	};
	static const char *const get_args[] = { "getallsms", NULL };
	struct srv s;
	char gammu[512], rc[2][256], log[2][256], out[256], text[16384];
	char *dir;
	int i, rv;

	find_gammu(gammu, sizeof(gammu));
	dir = make_tmpdir();
	srv_start(&s);
	for (i = 0; i < 2; i++)
		write_gammurc(&s, dir, i, rc[i], sizeof(rc[i]), log[i],
		    sizeof(log[i]));
	snprintf(out, sizeof(out), "%s/sendsms.out", dir);
	rv = run_gammu(gammu, rc[A], out, send_args, 15000);
	slurp(out, text, sizeof(text));
	ck_assert_msg(rv == 0, "gammu sendsms exited %d:\n%s\n(log in %s)",
	    rv, text, log[A]);
	ck_assert(srv_wait_stored(&s, B, 1, 2000));
	snprintf(out, sizeof(out), "%s/getallsms.out", dir);
	rv = run_gammu(gammu, rc[B], out, get_args, 15000);
	slurp(out, text, sizeof(text));
	ck_assert_msg(rv == 0, "gammu getallsms exited %d:\n%s\n(log in %s)",
	    rv, text, log[B]);
	/* gammu names the UDH by its ports: 2948/9200 is WAP push, which
	 * an MMS indication is; the URL is the payload it decoded. */
	ck_assert_msg(strstr(text, "Coding               : 8-bit") != NULL &&
	    strstr(text, "User Data Header     : MMS indicator") != NULL &&
	    strstr(text, "\"" NUM_A "\"") != NULL &&
	    strstr(text, "http://mms.example/m1") != NULL,
	    "gammu getallsms said:\n%s", text);
	srv_stop(&s);
	remove_tmpdir(dir);
}
END_TEST

static Suite *
atmodem_suite(void)
{
	Suite *s = suite_create("atmodem");
	TCase *tc;

	tc = tcase_create("commands");
	tcase_add_test(tc, test_echo_and_framing);
	tcase_add_test(tc, test_identification);
	tcase_add_loop_test(tc, test_forms, 0,
	    (int)(sizeof(forms) / sizeof(forms[0])));
	tcase_add_test(tc, test_gammu_init_sequence);
	tcase_add_test(tc, test_cpms);
	tcase_add_test(tc, test_cmgs_worked_example);
	tcase_add_test(tc, test_cmgs_errors);
	tcase_add_test(tc, test_cmgs_escape);
	tcase_add_test(tc, test_cmgl_cmgd);
	tcase_add_test(tc, test_memory_full);
	tcase_add_test(tc, test_memory_full_offline);
	tcase_add_test(tc, test_direct_routing);
	tcase_add_test(tc, test_urc_deferral);
	tcase_add_test(tc, test_fault_silent);
	tcase_add_test(tc, test_fault_cms_error);
	tcase_add_test(tc, test_fault_gone);
	tcase_add_test(tc, test_overlong_lines);
	tcase_add_test(tc, test_bad_conf);
	suite_add_tcase(s, tc);

	tc = tcase_create("garbage");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);

	/* libgammu types each command of its initialisation at 1 ms a
	 * character plus 400 ms on a plain "at" line: some 5 s a start. */
	tc = tcase_create("libgammu");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_libgammu_udh_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("gammu-cli");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_gammu_cli);
	tcase_add_test(tc, test_gammu_cli_8bit_ports);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(atmodem_suite)
