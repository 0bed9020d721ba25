/*
 * atmodem.c - one virtual mobile station as an AT-command modem: 3GPP TS
 * 27.005 in PDU mode (+CMGF 3.2.3, +CSMS 3.2.1, +CPMS 3.2.2, +CSCA
 * 3.3.1, +CNMI 3.4.1 with +CMTI/+CMT/+CDS/+CDSI, +CNMA 3.4.4, +CMGL
 * 3.4.2, +CMGR 3.4.3, +CMGS 3.5.1, +CMGD 3.5.4, +CMS ERROR 3.2.5) and
 * the framing, echo and identification of ITU-T V.250 and TS 27.007
 * (E, Z, I, +CMEE, +CFUN, +CGMI..., +CREG, +CSQ, +CPIN 8.3): the subset
 * libgammu 1.42 uses.  atmodem.h states the behaviour in full.
 *
 * Bytes come in through atmodem_input(); the command line is echoed as
 * it arrives, run on CR, and answered with information lines and one
 * final result code.  AT+CMGS=<len> prompts "> " and takes a hex PDU
 * (SMSC prefix included) up to Ctrl-Z, or drops it on ESC.  Messages
 * from the SMSC are stored in "SM" memory or routed straight to the TE
 * as AT+CNMI asks; unsolicited result codes wait while a command line or
 * a prompt is open, so they never split a response.
 *
 * Memory full: the modem takes its station offline in the SMSC core, so
 * that later messages wait at the SMSC (subject to their VP) as a
 * network does after RP-ERROR "memory capacity exceeded", and brings it
 * back online when a slot frees.  Its own submits still go through
 * meanwhile.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smsc/atmodem.h"

#define AT_LINE_MAX	1024	/* command line, CR excluded */
#define AT_OUT_MAX	2048	/* output batched per call */
#define AT_URC_MAX	4096	/* URCs held while a command is open */
#define AT_TEXT_MAX	64	/* identification strings, +CSCA */
#define AT_FMT_MAX	512	/* one formatted response line */
#define AT_NAME_MAX	16	/* command name */
#define AT_SCA_MAX	12	/* SMSC prefix: length, TOA, 10 BCD octets */
#define AT_SLOTS_MAX	1000
#define AT_TPDU_MAX	(SMSDTLS_PDU_MAX - AT_SCA_MAX)	/* 164 */
#define AT_HEX_MAX	(2 * SMSDTLS_PDU_MAX)

#define AT_CTRL_Z	0x1a
#define AT_ESC		0x1b
#define AT_BS		0x08

/* TS 27.005 <stat> in PDU mode; the modem stores only received ones. */
#define AT_REC_UNREAD	0
#define AT_REC_READ	1
#define AT_STAT_ALL	4

/* +CMS ERROR codes of TS 27.005 3.2.5 the modem gives itself. */
#define AT_CMS_NOT_ALLOWED	302
#define AT_CMS_NOT_SUPPORTED	303
#define AT_CMS_SIM_PIN		311
#define AT_CMS_BAD_INDEX	321
#define AT_CMS_NO_CNMA		340

/* +CME ERROR codes of TS 27.007 9.2.1. */
#define AT_CME_NOT_ALLOWED	3
#define AT_CME_NOT_SUPPORTED	4
#define AT_CME_SIM_PUK		12
#define AT_CME_BAD_PASSWORD	16

/* A SIM PIN: 4-8 digits; three wrong ones and the SIM wants the PUK. */
#define AT_PIN_MAX	9
#define AT_PIN_TRIES	3

enum at_kind {
	AT_EXEC,		/* AT+X, or a basic command with its digits */
	AT_SET,			/* AT+X=... */
	AT_READ,		/* AT+X? */
	AT_TEST			/* AT+X=? */
};

struct at_slot {
	bool	used;
	uint8_t	stat;		/* AT_REC_UNREAD or AT_REC_READ */
	uint8_t	tpdu_len;	/* what +CMGR/+CMGL count */
	uint8_t	pdu_len;	/* SMSC prefix + TPDU */
	uint8_t	pdu[SMSDTLS_PDU_MAX];
};

struct atmodem {
	struct smsc	*sc;
	struct smsc_station *st;
	atmodem_write_cb write;
	void		*arg;
	int64_t		 now;		/* latest time seen */

	char		 manufacturer[AT_TEXT_MAX];
	char		 model[AT_TEXT_MAX];
	char		 revision[AT_TEXT_MAX];
	char		 imei[AT_TEXT_MAX];
	char		 imsi[AT_TEXT_MAX];
	uint8_t		 sca[AT_SCA_MAX];	/* prefix of stored PDUs */
	size_t		 sca_len;
	char		 csca[AT_TEXT_MAX];	/* AT+CSCA, kept on "SIM" */
	int		 csca_toa;
	char		 pin[AT_PIN_MAX];	/* "" if the SIM has none */
	bool		 locked;		/* until AT+CPIN=<pin> */
	int		 pin_tries;		/* wrong PINs given */

	/* Settings; ATZ and a power cycle restore them. */
	bool		 echo;
	int		 cmee;
	int		 csms;
	int		 cscs;
	int		 creg;
	int		 cusd;
	int		 cmms;
	int		 cnmi[5];	/* mode, mt, bm, ds, bfr */
	bool		 cnma_pending;	/* +CMT/+CDS sent under +CSMS=1 */

	/* The command line being typed, and the AT+CMGS prompt. */
	char		 line[AT_LINE_MAX + 1];
	size_t		 len;
	bool		 overflow;
	bool		 busy;		/* running a command */
	bool		 prompt;
	bool		 hexbad;
	size_t		 cmgs_len;
	char		 hex[AT_HEX_MAX + 1];
	size_t		 hexlen;

	uint8_t		 out[AT_OUT_MAX];
	size_t		 outlen;
	uint8_t		 urc[AT_URC_MAX];
	size_t		 urclen;

	enum atmodem_fault fault;
	int		 fault_cms;
	int64_t		 fault_until;

	struct at_slot	*slots;
	size_t		 nslots;
	size_t		 stored;
	bool		 held;		/* we took the station offline */
	uint64_t	 dropped;
};

typedef void at_cmd_fn(struct atmodem *, enum at_kind, const char *);

struct at_cmd {
	const char	*name;
	at_cmd_fn	*fn;
};

static const char *const at_charsets[] = { "GSM", "IRA", "UCS2" };

static bool	text_copy(char *, const char *);
static bool	sca_encode(const char *, uint8_t *, size_t *);
static void	session_reset(struct atmodem *);
static void	clock_at(struct atmodem *, int64_t);
static bool	muted(const struct atmodem *);
static void	fault_end(struct atmodem *);
static void	out_put(struct atmodem *, const void *, size_t);
static void	out_str(struct atmodem *, const char *);
static void	out_flush(struct atmodem *);
static void	out_vfmt(struct atmodem *, bool, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));
static void	info(struct atmodem *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	more(struct atmodem *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	echo(struct atmodem *, uint8_t);
static void	res_ok(struct atmodem *);
static void	res_error(struct atmodem *);
static void	res_cms(struct atmodem *, int);
static void	res_cme(struct atmodem *, int);
static bool	idle(const struct atmodem *);
static bool	urc_put(struct atmodem *, const char *);
static void	urc_flush(struct atmodem *);
static void	line_byte(struct atmodem *, uint8_t);
static void	line_done(struct atmodem *);
static void	line_exec(struct atmodem *);
static bool	cmd_name(const char **, char *, size_t);
static enum at_kind cmd_kind(const char **);
static const struct at_cmd *cmd_find(const char *);
static bool	arg_int(const char **, long, long *);
static bool	arg_str(const char **, char *, size_t);
static bool	arg_next(const char **);
static bool	pin_valid(const char *);
static bool	sim_locked(struct atmodem *, const char *);
static void	prompt_byte(struct atmodem *, uint8_t);
static void	cmgs_done(struct atmodem *);
static int	cmgs_decode(struct atmodem *, uint8_t *, size_t *);
static void	cmgs_submit(struct atmodem *, const uint8_t *);
static bool	route_direct(struct atmodem *, enum smsdtls_tpdu_type,
		    const uint8_t *, size_t, size_t);
static void	announce(struct atmodem *, enum smsdtls_tpdu_type, size_t);
static size_t	slot_store(struct atmodem *, const uint8_t *, size_t, size_t);
static void	slot_show(struct atmodem *, size_t, const char *);
static void	slot_free(struct atmodem *, size_t);
static void	memory_full(struct atmodem *);
static void	memory_freed(struct atmodem *);
static bool	registered(const struct atmodem *);
static void	ident(struct atmodem *, enum at_kind, const char *,
		    const char *);

static at_cmd_fn cmd_e, cmd_i, cmd_z;
static at_cmd_fn cmd_cbc, cmd_cfun, cmd_cgmi, cmd_cgmm, cmd_cgmr, cmd_cgsn;
static at_cmd_fn cmd_chup, cmd_cimi, cmd_cmee, cmd_cmgd, cmd_cmgf, cmd_cmgl;
static at_cmd_fn cmd_cmgr, cmd_cmgs, cmd_cmms, cmd_cnma, cmd_cnmi, cmd_cpin;
static at_cmd_fn cmd_cpms, cmd_creg, cmd_csca, cmd_cscs, cmd_csms, cmd_csq;
static at_cmd_fn cmd_cusd;

/* Everything else answers ERROR: AT+MODE=2, AT+CPROT=?, AT+SYNCML=?,
 * AT$TSSPCSW=? among them, which tells libgammu there is no OBEX. */
static const struct at_cmd at_cmds[] = {
	{ "&F", cmd_z },
	{ "+CBC", cmd_cbc },
	{ "+CFUN", cmd_cfun },
	{ "+CGMI", cmd_cgmi },
	{ "+CGMM", cmd_cgmm },
	{ "+CGMR", cmd_cgmr },
	{ "+CGSN", cmd_cgsn },
	{ "+CHUP", cmd_chup },
	{ "+CIMI", cmd_cimi },
	{ "+CMEE", cmd_cmee },
	{ "+CMGD", cmd_cmgd },
	{ "+CMGF", cmd_cmgf },
	{ "+CMGL", cmd_cmgl },
	{ "+CMGR", cmd_cmgr },
	{ "+CMGS", cmd_cmgs },
	{ "+CMMS", cmd_cmms },
	{ "+CNMA", cmd_cnma },
	{ "+CNMI", cmd_cnmi },
	{ "+CPIN", cmd_cpin },
	{ "+CPMS", cmd_cpms },
	{ "+CREG", cmd_creg },
	{ "+CSCA", cmd_csca },
	{ "+CSCS", cmd_cscs },
	{ "+CSMS", cmd_csms },
	{ "+CSQ", cmd_csq },
	{ "+CUSD", cmd_cusd },
	{ "E", cmd_e },
	{ "I", cmd_i },
	{ "Z", cmd_z }
};

void
atmodem_conf_default(struct atmodem_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->manufacturer = "smsdtls";
	conf->model = "SIM-AT PDU modem";
	conf->revision = "smsdtls-sim 1.0";
	conf->imei = "356938035643809";
	conf->imsi = "001010123456789";
	conf->smsc_number = "+447785016005";
	conf->slots = 30;
}

smsdtls_rc
atmodem_new(struct smsc *sc, struct smsc_station *st,
    const struct atmodem_conf *conf, atmodem_write_cb write, void *arg,
    struct atmodem **mp)
{
	struct atmodem *m;

	if (sc == NULL || st == NULL || conf == NULL || write == NULL ||
	    mp == NULL || conf->smsc_number == NULL || conf->slots == 0 ||
	    conf->slots > AT_SLOTS_MAX)
		return SMSDTLS_EINVAL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return SMSDTLS_ENOMEM;
	if ((m->slots = calloc(conf->slots, sizeof(*m->slots))) == NULL) {
		free(m);
		return SMSDTLS_ENOMEM;
	}
	if (!text_copy(m->manufacturer, conf->manufacturer) ||
	    !text_copy(m->model, conf->model) ||
	    !text_copy(m->revision, conf->revision) ||
	    !text_copy(m->imei, conf->imei) ||
	    !text_copy(m->imsi, conf->imsi) ||
	    !text_copy(m->csca, conf->smsc_number) ||
	    !sca_encode(conf->smsc_number, m->sca, &m->sca_len) ||
	    (conf->pin != NULL && !pin_valid(conf->pin))) {
		atmodem_free(m);
		return SMSDTLS_EINVAL;
	}
	if (conf->pin != NULL) {
		memcpy(m->pin, conf->pin, strlen(conf->pin) + 1);
		m->locked = true;
	}
	m->csca_toa = m->csca[0] == '+' ? 145 : 129;
	m->sc = sc;
	m->st = st;
	m->write = write;
	m->arg = arg;
	m->nslots = conf->slots;
	m->now = INT64_MIN;
	session_reset(m);
	*mp = m;
	return SMSDTLS_OK;
}

void
atmodem_free(struct atmodem *m)
{
	if (m == NULL)
		return;
	/* Do not leave the station parked for a modem that is gone. */
	if (m->held)
		smsc_station_set_online(m->sc, m->st, true, m->now);
	free(m->slots);
	free(m);
}

void
atmodem_input(struct atmodem *m, const uint8_t *data, size_t len,
    int64_t now)
{
	size_t i;

	clock_at(m, now);
	/* A hung or unplugged modem swallows everything. */
	if (muted(m) || data == NULL)
		return;
	for (i = 0; i < len; i++) {
		if (m->prompt)
			prompt_byte(m, data[i]);
		else
			line_byte(m, data[i]);
	}
	out_flush(m);
}

void
atmodem_deliver(struct atmodem *m, enum smsdtls_tpdu_type type,
    const uint8_t *tpdu, size_t len, int64_t now)
{
	uint8_t pdu[SMSDTLS_PDU_MAX];
	size_t n, idx;

	clock_at(m, now);
	if ((type != SMSDTLS_TPDU_DELIVER &&
	    type != SMSDTLS_TPDU_STATUS_REPORT) || tpdu == NULL || len == 0 ||
	    len > sizeof(pdu) - m->sca_len) {
		m->dropped++;
		return;
	}
	memcpy(pdu, m->sca, m->sca_len);
	memcpy(pdu + m->sca_len, tpdu, len);
	n = m->sca_len + len;
	if (!route_direct(m, type, pdu, n, len)) {
		if ((idx = slot_store(m, pdu, n, len)) == 0) {
			m->dropped++;
			return;
		}
		announce(m, type, idx);
		memory_full(m);
	}
	out_flush(m);
}

void
atmodem_set_fault(struct atmodem *m, enum atmodem_fault fault, int cms,
    int64_t until)
{
	switch (fault) {
	case ATMODEM_FAULT_SILENT:
	case ATMODEM_FAULT_GONE:
		m->urclen = 0;
		break;
	case ATMODEM_FAULT_CMS_ERROR:
		break;
	default:
		fault_end(m);
		return;
	}
	m->fault = fault;
	m->fault_cms = cms > 0 && cms < 1000 ? cms : SMSC_CMS_UNKNOWN;
	m->fault_until = until;
}

bool
atmodem_gone(const struct atmodem *m, int64_t now)
{
	return m->fault == ATMODEM_FAULT_GONE && now < m->fault_until;
}

size_t
atmodem_stored(const struct atmodem *m)
{
	return m->stored;
}

uint64_t
atmodem_dropped(const struct atmodem *m)
{
	return m->dropped;
}

bool
atmodem_full(const struct atmodem *m)
{
	return m->stored == m->nslots;
}

/* Copy a printable identification string; NULL gives "". */
static bool
text_copy(char *dst, const char *src)
{
	size_t i;

	if (src == NULL)
		src = "";
	for (i = 0; src[i] != '\0'; i++)
		if (i + 1 >= AT_TEXT_MAX || !isprint((unsigned char)src[i]) ||
		    src[i] == '"')
			return false;
	memcpy(dst, src, i + 1);
	return true;
}

/* "+447785016005" as the AT PDU-mode SMSC prefix (TS 23.040 9.1.2.5:
 * the length octet counts TOA and BCD octets). */
static bool
sca_encode(const char *num, uint8_t *buf, size_t *len)
{
	static const char digits[] = "0123456789*#abc";
	const char *d;
	size_t i, n;

	buf[1] = 0x81;
	if (*num == '+') {
		buf[1] = 0x91;
		num++;
	}
	n = strlen(num);
	if (n == 0 || n > SMSDTLS_ADDR_DIGITS_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if ((d = strchr(digits, num[i])) == NULL)
			return false;
		if (i % 2 == 0)
			buf[2 + i / 2] = (uint8_t)(0xf0 | (d - digits));
		else
			buf[2 + i / 2] = (uint8_t)((buf[2 + i / 2] & 0x0f) |
			    (d - digits) << 4);
	}
	buf[0] = (uint8_t)(1 + (n + 1) / 2);
	*len = 1 + buf[0];
	return true;
}

/* The power-on profile (ATZ): echo on, no URCs, numeric errors off. */
static void
session_reset(struct atmodem *m)
{
	m->echo = true;
	m->cmee = 0;
	m->csms = 0;
	m->cscs = 0;
	m->creg = 0;
	m->cusd = 0;
	m->cmms = 0;
	memset(m->cnmi, 0, sizeof(m->cnmi));
	m->cnma_pending = false;
}

/* Take the time (never backwards) and end a fault whose time is up. */
static void
clock_at(struct atmodem *m, int64_t now)
{
	if (now > m->now)
		m->now = now;
	if (m->fault != ATMODEM_FAULT_NONE && m->now >= m->fault_until)
		fault_end(m);
}

static bool
muted(const struct atmodem *m)
{
	return m->fault == ATMODEM_FAULT_SILENT ||
	    m->fault == ATMODEM_FAULT_GONE;
}

/* A hung modem that recovers has lost what it was doing; an unplugged
 * one comes back with its power-on profile (the "SIM" keeps the SMS). */
static void
fault_end(struct atmodem *m)
{
	enum atmodem_fault was = m->fault;

	m->fault = ATMODEM_FAULT_NONE;
	if (was != ATMODEM_FAULT_SILENT && was != ATMODEM_FAULT_GONE)
		return;
	m->len = 0;
	m->overflow = false;
	m->prompt = false;
	m->urclen = 0;
	if (was == ATMODEM_FAULT_GONE) {
		session_reset(m);
		m->locked = m->pin[0] != '\0';	/* powered off and on */
	}
}

static void
out_put(struct atmodem *m, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	while (len > 0) {
		if (m->outlen == sizeof(m->out))
			out_flush(m);
		n = sizeof(m->out) - m->outlen;
		if (n > len)
			n = len;
		memcpy(m->out + m->outlen, p, n);
		m->outlen += n;
		p += n;
		len -= n;
	}
}

static void
out_str(struct atmodem *m, const char *s)
{
	out_put(m, s, strlen(s));
}

static void
out_flush(struct atmodem *m)
{
	size_t n = m->outlen;

	if (n == 0)
		return;
	m->outlen = 0;
	m->write(m->arg, m->out, n);
}

/* One response line, with the V.250 header (CR LF) if lead. */
static void
out_vfmt(struct atmodem *m, bool lead, const char *fmt, va_list ap)
{
	char buf[AT_FMT_MAX];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if (lead)
		out_str(m, "\r\n");
	out_put(m, buf, (size_t)n < sizeof(buf) ? (size_t)n :
	    sizeof(buf) - 1);
	out_str(m, "\r\n");
}

/* An information response: CR LF text CR LF. */
static void
info(struct atmodem *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vfmt(m, true, fmt, ap);
	va_end(ap);
}

/* A further line of the same response: text CR LF. */
static void
more(struct atmodem *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vfmt(m, false, fmt, ap);
	va_end(ap);
}

static void
echo(struct atmodem *m, uint8_t c)
{
	if (m->echo)
		out_put(m, &c, 1);
}

static void
res_ok(struct atmodem *m)
{
	out_str(m, "\r\nOK\r\n");
}

static void
res_error(struct atmodem *m)
{
	out_str(m, "\r\nERROR\r\n");
}

static void
res_cms(struct atmodem *m, int cms)
{
	info(m, "+CMS ERROR: %d", cms);
}

/* +CME ERROR as AT+CMEE asks: plain ERROR, numeric or verbose. */
static void
res_cme(struct atmodem *m, int cme)
{
	if (m->cmee == 0)
		res_error(m);
	else if (m->cmee == 1)
		info(m, "+CME ERROR: %d", cme);
	else
		info(m, "+CME ERROR: %s", cme == AT_CME_NOT_ALLOWED ?
		    "operation not allowed" : cme == AT_CME_SIM_PUK ?
		    "SIM PUK required" : cme == AT_CME_BAD_PASSWORD ?
		    "incorrect password" : "operation not supported");
}

/* No command line open: a URC can go out now. */
static bool
idle(const struct atmodem *m)
{
	return !m->busy && !m->prompt && m->len == 0 && !m->overflow;
}

/*
 * An unsolicited result code (with its CR LF header): out now if the
 * line is idle, held until the final result code otherwise.  False if
 * it was not given: indications off (+CNMI mode 0), modem mute, or no
 * room to hold it.
 */
static bool
urc_put(struct atmodem *m, const char *s)
{
	size_t n = strlen(s);

	if (muted(m) || m->cnmi[0] == 0)
		return false;
	if (idle(m)) {
		out_put(m, s, n);
		return true;
	}
	if (n > sizeof(m->urc) - m->urclen)
		return false;
	memcpy(m->urc + m->urclen, s, n);
	m->urclen += n;
	return true;
}

static void
urc_flush(struct atmodem *m)
{
	if (!idle(m) || m->urclen == 0)
		return;
	out_put(m, m->urc, m->urclen);
	m->urclen = 0;
}

/* A byte in command state (V.250 5.2: S3 = CR ends, S5 = BS edits). */
static void
line_byte(struct atmodem *m, uint8_t c)
{
	echo(m, c);
	switch (c) {
	case '\r':
		line_done(m);
		break;
	case '\n':
		break;
	case AT_BS:
		if (m->len > 0 && !m->overflow)
			m->len--;
		break;
	case AT_ESC:
		m->len = 0;
		m->overflow = false;
		urc_flush(m);
		break;
	default:
		if (m->len < AT_LINE_MAX)
			m->line[m->len++] = (char)c;
		else
			m->overflow = true;
		break;
	}
}

static void
line_done(struct atmodem *m)
{
	size_t n = m->len;
	bool overflow = m->overflow;

	if (n == 0 && !overflow)
		return;			/* an empty line is no command */
	m->line[n] = '\0';
	m->len = 0;
	m->overflow = false;
	m->busy = true;
	if (overflow || memchr(m->line, '\0', n) != NULL)
		res_error(m);
	else
		line_exec(m);
	m->busy = false;
	urc_flush(m);
}

static void
line_exec(struct atmodem *m)
{
	char name[AT_NAME_MAX];
	const struct at_cmd *cmd;
	const char *p = m->line;
	enum at_kind kind;

	while (*p == ' ')
		p++;
	if (toupper((unsigned char)p[0]) != 'A' ||
	    toupper((unsigned char)p[1]) != 'T') {
		res_error(m);
		return;
	}
	p += 2;
	if (*p == '\0') {
		res_ok(m);
		return;
	}
	if (!cmd_name(&p, name, sizeof(name)) ||
	    (cmd = cmd_find(name)) == NULL) {
		res_error(m);
		return;
	}
	kind = cmd_kind(&p);
	if ((kind == AT_READ || kind == AT_TEST) && *p != '\0')
		res_error(m);
	else if (!sim_locked(m, name))
		cmd->fn(m, kind, p);
}

/* "+CMGS" (extended), "&F", or one letter (basic), upper case. */
static bool
cmd_name(const char **pp, char *name, size_t size)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p != '\0' && strchr("+$^*#%", *p) != NULL) {
		name[n++] = *p++;
		while (isalnum((unsigned char)*p) && n < size - 1)
			name[n++] = (char)toupper((unsigned char)*p++);
		if (n == 1 || isalnum((unsigned char)*p))
			return false;
	} else if (*p == '&' && isalpha((unsigned char)p[1])) {
		name[n++] = *p++;
		name[n++] = (char)toupper((unsigned char)*p++);
	} else if (isalpha((unsigned char)*p)) {
		name[n++] = (char)toupper((unsigned char)*p++);
	} else
		return false;
	name[n] = '\0';
	*pp = p;
	return true;
}

static enum at_kind
cmd_kind(const char **pp)
{
	const char *p = *pp;

	if (p[0] == '=' && p[1] == '?') {
		*pp = p + 2;
		return AT_TEST;
	}
	if (p[0] == '?') {
		*pp = p + 1;
		return AT_READ;
	}
	if (p[0] == '=') {
		*pp = p + 1;
		return AT_SET;
	}
	return AT_EXEC;
}

static const struct at_cmd *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(at_cmds) / sizeof(at_cmds[0]); i++)
		if (strcmp(at_cmds[i].name, name) == 0)
			return &at_cmds[i];
	return NULL;
}

/* A decimal parameter 0..max, spaces around it allowed. */
static bool
arg_int(const char **pp, long max, long *v)
{
	const char *p = *pp;
	long n = 0;

	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > max)
			return false;
	}
	while (*p == ' ')
		p++;
	*pp = p;
	*v = n;
	return true;
}

/* A string parameter, quoted or bare; at most size - 1 characters. */
static bool
arg_str(const char **pp, char *buf, size_t size)
{
	const char *p = *pp;
	size_t n = 0;
	bool quoted;

	while (*p == ' ')
		p++;
	if ((quoted = *p == '"'))
		p++;
	while (*p != '\0' && (quoted ? *p != '"' : *p != ',' && *p != ' ')) {
		if (n + 1 >= size)
			return false;
		buf[n++] = *p++;
	}
	if (quoted && *p++ != '"')
		return false;
	while (*p == ' ')
		p++;
	buf[n] = '\0';
	*pp = p;
	return true;
}

static bool
pin_valid(const char *pin)
{
	size_t n = strlen(pin);

	return n >= 4 && n < AT_PIN_MAX && strspn(pin, "0123456789") == n;
}

/* The SMS commands need the SIM: +CMS ERROR 311 until the PIN. */
static bool
sim_locked(struct atmodem *m, const char *name)
{
	static const char *const need[] = {
		"+CMGD", "+CMGL", "+CMGR", "+CMGS", "+CPMS", "+CSCA"
	};
	size_t i;

	if (!m->locked)
		return false;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (strcmp(name, need[i]) == 0) {
			res_cms(m, AT_CMS_SIM_PIN);
			return true;
		}
	return false;
}

/* Step over the comma before a further parameter, if there is one. */
static bool
arg_next(const char **pp)
{
	if (**pp != ',')
		return false;
	(*pp)++;
	return true;
}

/* A byte after the "> " prompt: hex digits up to Ctrl-Z, ESC aborts. */
static void
prompt_byte(struct atmodem *m, uint8_t c)
{
	switch (c) {
	case AT_CTRL_Z:
		cmgs_done(m);
		return;
	case AT_ESC:
		m->prompt = false;
		res_ok(m);
		urc_flush(m);
		return;
	default:
		break;
	}
	echo(m, c);
	if (c == '\r' || c == '\n' || c == ' ')
		return;
	if (c == AT_BS) {
		if (m->hexlen > 0)
			m->hexlen--;
	} else if (!isxdigit(c) || m->hexlen == AT_HEX_MAX)
		m->hexbad = true;
	else
		m->hex[m->hexlen++] = (char)c;
}

static void
cmgs_done(struct atmodem *m)
{
	uint8_t pdu[SMSDTLS_PDU_MAX];
	size_t off;
	int cms;

	m->prompt = false;
	m->busy = true;
	if ((cms = cmgs_decode(m, pdu, &off)) != 0)
		res_cms(m, cms);
	else if (m->fault == ATMODEM_FAULT_CMS_ERROR)
		res_cms(m, m->fault_cms);
	else
		cmgs_submit(m, pdu + off);
	m->busy = false;
	urc_flush(m);
}

/* The hex PDU: valid hex, and <length> octets after the SMSC prefix. */
static int
cmgs_decode(struct atmodem *m, uint8_t *pdu, size_t *off)
{
	size_t n;

	if (m->hexbad || m->hexlen == 0 || m->hexlen % 2 != 0)
		return SMSC_CMS_PDU_INVALID;
	m->hex[m->hexlen] = '\0';
	if (smsdtls_hex_decode(m->hex, pdu, SMSDTLS_PDU_MAX, &n) !=
	    SMSDTLS_OK)
		return SMSC_CMS_PDU_INVALID;
	if (pdu[0] >= AT_SCA_MAX || n != 1 + (size_t)pdu[0] + m->cmgs_len)
		return SMSC_CMS_PDU_INVALID;
	*off = 1 + pdu[0];
	return 0;
}

/* The SMSC has the last word.  A station we hold offline because its
 * memory is full is still on the network for its own submits. */
static void
cmgs_submit(struct atmodem *m, const uint8_t *tpdu)
{
	smsdtls_rc rc;
	uint8_t mr;

	if (m->held)
		smsc_station_set_online(m->sc, m->st, true, m->now);
	rc = smsc_submit(m->sc, m->st, tpdu, m->cmgs_len, m->now, &mr);
	if (m->held)
		smsc_station_set_online(m->sc, m->st, false, m->now);
	if (rc != SMSDTLS_OK) {
		res_cms(m, smsc_last_cms_error(m->sc));
		return;
	}
	info(m, "+CMGS: %u", (unsigned)mr);
	res_ok(m);
}

/* +CMT (mt 2) or +CDS (ds 1): routed to the TE and not stored.  When
 * the TE cannot be told, the message is stored instead. */
static bool
route_direct(struct atmodem *m, enum smsdtls_tpdu_type type,
    const uint8_t *pdu, size_t n, size_t tpdu_len)
{
	char hex[AT_HEX_MAX + 1], urc[AT_FMT_MAX];

	if (type == SMSDTLS_TPDU_DELIVER ? m->cnmi[1] != 2 : m->cnmi[3] != 1)
		return false;
	if (smsdtls_hex_encode(pdu, n, hex, sizeof(hex)) != SMSDTLS_OK)
		return false;
	if (type == SMSDTLS_TPDU_DELIVER)
		snprintf(urc, sizeof(urc), "\r\n+CMT: ,%zu\r\n%s\r\n",
		    tpdu_len, hex);
	else
		snprintf(urc, sizeof(urc), "\r\n+CDS: %zu\r\n%s\r\n",
		    tpdu_len, hex);
	if (!urc_put(m, urc))
		return false;
	if (m->csms == 1)
		m->cnma_pending = true;
	return true;
}

/* +CMTI (mt 1 or 3) or +CDSI (ds 2) for a message stored at idx. */
static void
announce(struct atmodem *m, enum smsdtls_tpdu_type type, size_t idx)
{
	char urc[64];

	if (type == SMSDTLS_TPDU_DELIVER && (m->cnmi[1] == 1 ||
	    m->cnmi[1] == 3))
		snprintf(urc, sizeof(urc), "\r\n+CMTI: \"SM\",%zu\r\n", idx);
	else if (type == SMSDTLS_TPDU_STATUS_REPORT && m->cnmi[3] == 2)
		snprintf(urc, sizeof(urc), "\r\n+CDSI: \"SM\",%zu\r\n", idx);
	else
		return;
	(void)urc_put(m, urc);
}

/* Store in the lowest free slot, REC UNREAD; its index (1-based) or 0. */
static size_t
slot_store(struct atmodem *m, const uint8_t *pdu, size_t n, size_t tpdu_len)
{
	struct at_slot *s;
	size_t i;

	for (i = 0; i < m->nslots; i++) {
		s = &m->slots[i];
		if (s->used)
			continue;
		s->used = true;
		s->stat = AT_REC_UNREAD;
		s->tpdu_len = (uint8_t)tpdu_len;
		s->pdu_len = (uint8_t)n;
		memcpy(s->pdu, pdu, n);
		m->stored++;
		return i + 1;
	}
	return 0;
}

/* "+CMGR: <stat>,,<length>" or "+CMGL: ..." and the PDU line; reading
 * an unread message marks it read (TS 27.005 3.4.2, 3.4.3). */
static void
slot_show(struct atmodem *m, size_t i, const char *head)
{
	struct at_slot *s = &m->slots[i];
	char hex[AT_HEX_MAX + 1];

	if (smsdtls_hex_encode(s->pdu, s->pdu_len, hex, sizeof(hex)) !=
	    SMSDTLS_OK)
		return;
	if (head != NULL)
		more(m, "%s %u,,%u", head, (unsigned)s->stat,
		    (unsigned)s->tpdu_len);
	else
		more(m, "+CMGL: %zu,%u,,%u", i + 1, (unsigned)s->stat,
		    (unsigned)s->tpdu_len);
	more(m, "%s", hex);
	s->stat = AT_REC_READ;
}

static void
slot_free(struct atmodem *m, size_t i)
{
	if (!m->slots[i].used)
		return;
	m->slots[i].used = false;
	m->stored--;
}

/* Memory now full: the network keeps further messages. */
static void
memory_full(struct atmodem *m)
{
	if (m->stored < m->nslots || m->held || !smsc_station_online(m->st))
		return;
	m->held = true;
	smsc_station_set_online(m->sc, m->st, false, m->now);
}

/* A slot is free again (the MS's "memory available" to the network). */
static void
memory_freed(struct atmodem *m)
{
	if (!m->held || m->stored >= m->nslots)
		return;
	m->held = false;
	smsc_station_set_online(m->sc, m->st, true, m->now);
}

static bool
registered(const struct atmodem *m)
{
	return m->held || smsc_station_online(m->st);
}

static void
ident(struct atmodem *m, enum at_kind k, const char *a, const char *text)
{
	if (k == AT_TEST)
		res_ok(m);
	else if (k != AT_EXEC || *a != '\0')
		res_error(m);
	else {
		info(m, "%s", text);
		res_ok(m);
	}
}

/* ATE, ATE0, ATE1. */
static void
cmd_e(struct atmodem *m, enum at_kind k, const char *a)
{
	if (k != AT_EXEC || (strcmp(a, "") != 0 && strcmp(a, "0") != 0 &&
	    strcmp(a, "1") != 0)) {
		res_error(m);
		return;
	}
	m->echo = strcmp(a, "1") == 0;
	res_ok(m);
}

/* ATI (all), ATI3 (manufacturer), ATI4 (model), ATI5 (revision). */
static void
cmd_i(struct atmodem *m, enum at_kind k, const char *a)
{
	if (k != AT_EXEC)
		res_error(m);
	else if (strcmp(a, "") == 0 || strcmp(a, "0") == 0) {
		info(m, "%s", m->manufacturer);
		more(m, "%s", m->model);
		more(m, "%s", m->revision);
		res_ok(m);
	} else if (strcmp(a, "3") == 0)
		ident(m, k, "", m->manufacturer);
	else if (strcmp(a, "4") == 0)
		ident(m, k, "", m->model);
	else if (strcmp(a, "5") == 0)
		ident(m, k, "", m->revision);
	else
		res_error(m);
}

/* ATZ, AT&F: back to the power-on profile. */
static void
cmd_z(struct atmodem *m, enum at_kind k, const char *a)
{
	if (k != AT_EXEC || (strcmp(a, "") != 0 && strcmp(a, "0") != 0)) {
		res_error(m);
		return;
	}
	session_reset(m);
	res_ok(m);
}

static void
cmd_cbc(struct atmodem *m, enum at_kind k, const char *a)
{
	if (k == AT_TEST)
		info(m, "+CBC: (0-3),(0-100)");
	else if (k == AT_EXEC && *a == '\0')
		info(m, "+CBC: 0,100");
	else {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* Full functionality only: AT+CFUN=1[,<rst>]. */
static void
cmd_cfun(struct atmodem *m, enum at_kind k, const char *a)
{
	long fun, rst;

	if (k == AT_READ)
		info(m, "+CFUN: 1");
	else if (k == AT_TEST)
		info(m, "+CFUN: (1),(0-1)");
	else if (k != AT_SET || !arg_int(&a, 1, &fun) || fun != 1 ||
	    (arg_next(&a) && !arg_int(&a, 1, &rst)) || *a != '\0') {
		res_cme(m, AT_CME_NOT_SUPPORTED);
		return;
	}
	res_ok(m);
}

static void
cmd_cgmi(struct atmodem *m, enum at_kind k, const char *a)
{
	ident(m, k, a, m->manufacturer);
}

static void
cmd_cgmm(struct atmodem *m, enum at_kind k, const char *a)
{
	ident(m, k, a, m->model);
}

static void
cmd_cgmr(struct atmodem *m, enum at_kind k, const char *a)
{
	ident(m, k, a, m->revision);
}

static void
cmd_cgsn(struct atmodem *m, enum at_kind k, const char *a)
{
	ident(m, k, a, m->imei);
}

static void
cmd_cimi(struct atmodem *m, enum at_kind k, const char *a)
{
	ident(m, k, a, m->imsi);
}

/* No calls to hang up; AT+CHUP=? tells libgammu it may use it. */
static void
cmd_chup(struct atmodem *m, enum at_kind k, const char *a)
{
	if ((k == AT_EXEC && *a == '\0') || k == AT_TEST)
		res_ok(m);
	else
		res_error(m);
}

static void
cmd_cmee(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;

	if (k == AT_READ)
		info(m, "+CMEE: %d", m->cmee);
	else if (k == AT_TEST)
		info(m, "+CMEE: (0-2)");
	else if (k == AT_SET && arg_int(&a, 2, &v) && *a == '\0')
		m->cmee = (int)v;
	else {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* AT+CMGD=<index>[,<delflag>]: 0 that one, 1-3 all read (nothing is
 * ever sent or unsent here), 4 all. */
static void
cmd_cmgd(struct atmodem *m, enum at_kind k, const char *a)
{
	long idx, flag = 0;
	size_t i;

	if (k == AT_TEST) {
		info(m, "+CMGD: (1-%zu),(0-4)", m->nslots);
		res_ok(m);
		return;
	}
	if (k != AT_SET || !arg_int(&a, AT_SLOTS_MAX, &idx) ||
	    (arg_next(&a) && !arg_int(&a, 4, &flag)) || *a != '\0') {
		res_error(m);
		return;
	}
	if (flag == 0 && (idx < 1 || (size_t)idx > m->nslots)) {
		res_cms(m, AT_CMS_BAD_INDEX);
		return;
	}
	if (flag == 0)
		slot_free(m, (size_t)idx - 1);
	for (i = 0; flag != 0 && i < m->nslots; i++)
		if (flag == 4 || m->slots[i].stat == AT_REC_READ)
			slot_free(m, i);
	memory_freed(m);
	res_ok(m);
}

/* PDU mode only; AT+CMGF=1 gets ERROR (libgammu then stays in PDU). */
static void
cmd_cmgf(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;

	if (k == AT_READ)
		info(m, "+CMGF: 0");
	else if (k == AT_TEST)
		info(m, "+CMGF: (0)");
	else if (k != AT_SET || !arg_int(&a, 0, &v) || *a != '\0') {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* AT+CMGL[=<stat>]: numeric stat only, as PDU mode has it. */
static void
cmd_cmgl(struct atmodem *m, enum at_kind k, const char *a)
{
	long stat = AT_REC_UNREAD;
	bool first = true;
	size_t i;

	if (k == AT_TEST) {
		info(m, "+CMGL: (0-4)");
		res_ok(m);
		return;
	}
	if ((k == AT_EXEC && *a != '\0') || k == AT_READ ||
	    (k == AT_SET && (!arg_int(&a, AT_STAT_ALL, &stat) || *a != '\0'))) {
		res_error(m);
		return;
	}
	for (i = 0; i < m->nslots; i++) {
		if (!m->slots[i].used || (stat != AT_STAT_ALL &&
		    m->slots[i].stat != stat))
			continue;
		if (first)
			out_str(m, "\r\n");
		first = false;
		slot_show(m, i, NULL);
	}
	res_ok(m);
}

/* AT+CMGR=<index>: an empty slot gives OK alone (libgammu: empty). */
static void
cmd_cmgr(struct atmodem *m, enum at_kind k, const char *a)
{
	long idx;

	if (k == AT_TEST) {
		res_ok(m);
		return;
	}
	if (k != AT_SET || !arg_int(&a, AT_SLOTS_MAX, &idx) || *a != '\0') {
		res_error(m);
		return;
	}
	if (idx < 1 || (size_t)idx > m->nslots) {
		res_cms(m, AT_CMS_BAD_INDEX);
		return;
	}
	if (m->slots[idx - 1].used) {
		out_str(m, "\r\n");
		slot_show(m, (size_t)idx - 1, "+CMGR:");
	}
	res_ok(m);
}

/* AT+CMGS=<length>: the TPDU octets, SMSC prefix excluded. */
static void
cmd_cmgs(struct atmodem *m, enum at_kind k, const char *a)
{
	long len;

	if (k == AT_TEST) {
		res_ok(m);
		return;
	}
	if (k != AT_SET || !arg_int(&a, AT_SLOTS_MAX, &len) || *a != '\0') {
		res_error(m);
		return;
	}
	if (len < 1 || len > AT_TPDU_MAX) {
		res_cms(m, SMSC_CMS_PDU_INVALID);
		return;
	}
	m->cmgs_len = (size_t)len;
	m->hexlen = 0;
	m->hexbad = false;
	m->prompt = true;
	out_str(m, "\r\n> ");
}

static void
cmd_cmms(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;

	if (k == AT_READ)
		info(m, "+CMMS: %d", m->cmms);
	else if (k == AT_TEST)
		info(m, "+CMMS: (0-2)");
	else if (k == AT_SET && arg_int(&a, 2, &v) && *a == '\0')
		m->cmms = (int)v;
	else {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* AT+CNMA[=0]: acknowledges a +CMT/+CDS under +CSMS=1.  The core has
 * no RP layer, so a missing acknowledgement costs nothing. */
static void
cmd_cnma(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;

	if (k == AT_TEST) {
		info(m, "+CNMA: (0-2)");
		res_ok(m);
		return;
	}
	if ((k == AT_EXEC && *a != '\0') || k == AT_READ ||
	    (k == AT_SET && (!arg_int(&a, 0, &v) || *a != '\0'))) {
		res_error(m);
		return;
	}
	if (m->csms != 1 || !m->cnma_pending) {
		res_cms(m, AT_CMS_NO_CNMA);
		return;
	}
	m->cnma_pending = false;
	res_ok(m);
}

/*
 * AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>; omitted parameters keep their
 * value.  Modes 1-3 all hold URCs while a command is open and give them
 * after its final result code; mode 0 gives none (the message is still
 * stored).  mt 3 is taken as mt 1 (no class 3 routing); cell broadcast
 * is accepted (bm 2) and never comes.
 */
static void
cmd_cnmi(struct atmodem *m, enum at_kind k, const char *a)
{
	static const long max[5] = { 3, 3, 2, 2, 1 };
	int v[5];
	long x;
	size_t i;

	if (k == AT_READ || k == AT_TEST) {
		if (k == AT_READ)
			info(m, "+CNMI: %d,%d,%d,%d,%d", m->cnmi[0],
			    m->cnmi[1], m->cnmi[2], m->cnmi[3], m->cnmi[4]);
		else
			info(m, "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)");
		res_ok(m);
		return;
	}
	memcpy(v, m->cnmi, sizeof(v));
	for (i = 0; k == AT_SET && i < 5; i++) {
		if (arg_int(&a, max[i], &x))
			v[i] = (int)x;
		if (!arg_next(&a))
			break;
	}
	if (k != AT_SET || i == 5 || *a != '\0' || v[2] == 1) {
		res_cms(m, AT_CMS_NOT_SUPPORTED);
		return;
	}
	memcpy(m->cnmi, v, sizeof(v));
	res_ok(m);
}

/* TS 27.007 8.3: READY, or the code the SIM waits for; a PIN unlocks
 * it, a wrong one counts towards the PUK. */
static void
cmd_cpin(struct atmodem *m, enum at_kind k, const char *a)
{
	char pin[AT_PIN_MAX];

	if (k == AT_READ)
		info(m, "+CPIN: %s", !m->locked ? "READY" :
		    m->pin_tries >= AT_PIN_TRIES ? "SIM PUK" : "SIM PIN");
	else if (k == AT_SET) {
		if (!arg_str(&a, pin, sizeof(pin)) || *a != '\0') {
			res_error(m);
			return;
		}
		if (!m->locked || m->pin_tries >= AT_PIN_TRIES) {
			res_cme(m, m->locked ? AT_CME_SIM_PUK :
			    AT_CME_NOT_ALLOWED);
			return;
		}
		if (strcmp(pin, m->pin) != 0) {
			m->pin_tries++;
			res_cme(m, AT_CME_BAD_PASSWORD);
			return;
		}
		m->locked = false;
		m->pin_tries = 0;
	} else if (k != AT_TEST) {
		res_cme(m, AT_CME_NOT_ALLOWED);
		return;
	}
	res_ok(m);
}

/* One memory, "SM", for reading, writing and receiving. */
static void
cmd_cpms(struct atmodem *m, enum at_kind k, const char *a)
{
	char mem[8];
	size_t i, u = m->stored, t = m->nslots;

	if (k == AT_TEST)
		info(m, "+CPMS: (\"SM\"),(\"SM\"),(\"SM\")");
	else if (k == AT_READ)
		info(m, "+CPMS: \"SM\",%zu,%zu,\"SM\",%zu,%zu,\"SM\",%zu,%zu",
		    u, t, u, t, u, t);
	else if (k == AT_SET) {
		for (i = 0; i < 3; i++) {
			if (!arg_str(&a, mem, sizeof(mem)) ||
			    strcasecmp(mem, "SM") != 0) {
				res_cms(m, AT_CMS_NOT_ALLOWED);
				return;
			}
			if (!arg_next(&a))
				break;
		}
		if (i == 3 || *a != '\0') {
			res_error(m);
			return;
		}
		info(m, "+CPMS: %zu,%zu,%zu,%zu,%zu,%zu", u, t, u, t, u, t);
	} else {
		res_error(m);
		return;
	}
	res_ok(m);
}

static void
cmd_creg(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;
	int stat = registered(m) ? 1 : 0;

	if (k == AT_READ && m->creg == 2)
		info(m, "+CREG: 2,%d,\"0001\",\"0001\"", stat);
	else if (k == AT_READ)
		info(m, "+CREG: %d,%d", m->creg, stat);
	else if (k == AT_TEST)
		info(m, "+CREG: (0-2)");
	else if (k == AT_SET && arg_int(&a, 2, &v) && *a == '\0')
		m->creg = (int)v;
	else {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* AT+CSCA: the SMSC a submit names; the simulated network has one SMSC
 * and takes the submit whatever the prefix says. */
static void
cmd_csca(struct atmodem *m, enum at_kind k, const char *a)
{
	char num[AT_TEXT_MAX];
	uint8_t sca[AT_SCA_MAX];
	size_t n;
	long toa;

	if (k == AT_READ)
		info(m, "+CSCA: \"%s\",%d", m->csca, m->csca_toa);
	else if (k == AT_SET && arg_str(&a, num, sizeof(num)) &&
	    sca_encode(num, sca, &n)) {
		toa = num[0] == '+' ? 145 : 129;
		if ((arg_next(&a) && !arg_int(&a, 255, &toa)) || *a != '\0') {
			res_error(m);
			return;
		}
		memcpy(m->csca, num, sizeof(m->csca));
		m->csca_toa = (int)toa;
	} else if (k != AT_TEST) {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* The TE character set only matters for text parameters; PDUs are hex
 * whatever it is.  "HEX" is not offered: libgammu would pick it. */
static void
cmd_cscs(struct atmodem *m, enum at_kind k, const char *a)
{
	char cs[8];
	size_t i;

	if (k == AT_READ)
		info(m, "+CSCS: \"%s\"", at_charsets[m->cscs]);
	else if (k == AT_TEST)
		info(m, "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")");
	else if (k == AT_SET && arg_str(&a, cs, sizeof(cs)) && *a == '\0') {
		for (i = 0; i < 3; i++)
			if (strcasecmp(cs, at_charsets[i]) == 0)
				break;
		if (i == 3) {
			res_cme(m, AT_CME_NOT_SUPPORTED);
			return;
		}
		m->cscs = (int)i;
	} else {
		res_error(m);
		return;
	}
	res_ok(m);
}

static void
cmd_csms(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;

	if (k == AT_READ)
		info(m, "+CSMS: %d,1,1,1", m->csms);
	else if (k == AT_TEST)
		info(m, "+CSMS: (0,1)");
	else if (k == AT_SET && arg_int(&a, 1, &v) && *a == '\0') {
		m->csms = (int)v;
		info(m, "+CSMS: 1,1,1");
	} else {
		res_error(m);
		return;
	}
	res_ok(m);
}

static void
cmd_csq(struct atmodem *m, enum at_kind k, const char *a)
{
	if (k == AT_TEST)
		info(m, "+CSQ: (0-31,99),(0-7,99)");
	else if (k == AT_EXEC && *a == '\0')
		info(m, "+CSQ: %d,99", registered(m) ? 20 : 99);
	else {
		res_error(m);
		return;
	}
	res_ok(m);
}

/* USSD result codes on or off; no USSD is ever sent. */
static void
cmd_cusd(struct atmodem *m, enum at_kind k, const char *a)
{
	long v;

	if (k == AT_READ)
		info(m, "+CUSD: %d", m->cusd);
	else if (k == AT_TEST)
		info(m, "+CUSD: (0-2)");
	else if (k == AT_SET && arg_int(&a, 2, &v) && *a == '\0')
		m->cusd = (int)v;
	else {
		res_cme(m, AT_CME_NOT_SUPPORTED);
		return;
	}
	res_ok(m);
}
