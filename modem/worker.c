/*
 * worker.c - one modem's libgammu state machine in a process of its own.
 *
 * libgammu blocks (a call can wait for seconds on a modem that says
 * nothing, or forever on a USB line stuck in the kernel) and must not be
 * re-entered from its callbacks.  So a worker does one thing at a time,
 * in a loop: frames from its owner (SEND, DELETE, PROBE; proto.h), then
 * up to 50 ms of GSM_ReadDevice() for unsolicited result codes, then a
 * listing of the storage when an indication came (+CMTI/+CDSI, TS 27.005
 * 3.4.1) or the poll interval passed.  Callbacks only set flags (or
 * convert a routed +CMT); libgammu is called from the loop alone.
 *
 * Between libgammu calls the worker sends ALIVE now and then; its owner
 * kills it when a call takes longer than the watchdog allows.  A message
 * read from the modem is offered once per worker under a token and is
 * deleted only when the owner sends DELETE for that token.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include <smsdtls/session.h>

#include "modem/convert.h"
#include "modem/proto.h"
#include "modem/worker.h"

/* Messages offered and not yet accepted that one worker tracks. */
#define WORKER_OFFERS_MAX	512
/* Unconvertible messages deleted per listing. */
#define WORKER_DROPS_MAX	16
/* Failed reads in a row after which the line is taken as gone. */
#define WORKER_READ_ERRORS	3
/* GSM_GetNextSMS() calls per listing, whatever the modem says. */
#define WORKER_LIST_MAX		1000
/* How long a SIM may take to become ready after the PIN. */
#define WORKER_PIN_WAIT_MS	15000

struct offer {
	bool	used;
	bool	routed;		/* came as +CMT/+CDS: nothing to delete */
	bool	seen;		/* in the current listing */
	uint32_t token;
	int	folder;
	int	location;
	GSM_MemoryType memory;
	uint64_t hash;		/* of the TPDU */
};

struct drop {
	int	folder;
	int	location;
	GSM_MemoryType memory;
	char	why[96];
};

struct worker {
	int	fd;
	const struct modem_conf *conf;
	GSM_StateMachine *g;
	GSM_MultiSMSMessage *list;
	unsigned char smsc[(GSM_MAX_NUMBER_LENGTH + 1) * 2];
	bool	have_smsc;
	bool	broken;		/* the owner is gone */
	GSM_Error line_err;	/* a call found the line broken */
	bool	incoming;	/* an indication came: list the storage */
	bool	sent_done;
	int	sent_status;
	int	sent_mr;
	int	read_errors;
	int64_t	hb_ms;
	int64_t	last_tx;
	int64_t	next_poll;
	uint32_t next_token;
	struct offer offers[WORKER_OFFERS_MAX];
	struct drop drops[WORKER_DROPS_MAX];
	size_t	ndrops;
};

static int	worker_connect(struct worker *w);
static int	worker_pin(struct worker *w);
static void	worker_smsc(struct worker *w);
static void	worker_hook(struct worker *w);
static int	worker_loop(struct worker *w);
static int	worker_frames(struct worker *w);
static int	worker_frame(struct worker *w, const uint8_t *buf, size_t n);
static void	worker_send(struct worker *w, const struct proto_msg *req);
static void	worker_wait_sent(struct worker *w);
static void	worker_delete(struct worker *w, uint32_t token);
static void	worker_probe(struct worker *w);
static void	worker_list(struct worker *w);
static void	worker_stored(struct worker *w, const GSM_SMSMessage *sms,
		    uint32_t *count);
static void	worker_drops(struct worker *w);
static void	worker_offer(struct worker *w, struct offer *o,
		    const uint8_t *tpdu, size_t len);
static struct offer *offer_find(struct worker *w, int folder, int location,
		    GSM_MemoryType memory);
static struct offer *offer_new(struct worker *w);
static int	worker_read(struct worker *w, bool wait);
static void	worker_tx(struct worker *w, const struct proto_msg *m);
static void	worker_alive(struct worker *w);
static void	worker_log(struct worker *w, int level, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static int	worker_fail(struct worker *w, enum proto_fail kind,
		    GSM_Error err, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
static void	sent_cb(GSM_StateMachine *g, int status, int mr, void *arg);
static void	incoming_cb(GSM_StateMachine *g, GSM_SMSMessage *sms,
		    void *arg);
static void	line_check(struct worker *w, GSM_Error err);
static int64_t	now_ms(void);
static uint64_t	fnv64(const uint8_t *p, size_t n);

int
worker_run(int fd, const struct modem_conf *conf, bool run_hook)
{
	struct worker *w;
	int rc;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return WORKER_EXIT_FAIL;
	w->fd = fd;
	w->conf = conf;
	w->line_err = ERR_NONE;
	w->hb_ms = conf->call_timeout_ms / 4;
	if (w->hb_ms < 20)
		w->hb_ms = 20;
	if (w->hb_ms > 5000)
		w->hb_ms = 5000;
	w->last_tx = now_ms();
	if ((w->list = calloc(1, sizeof(*w->list))) == NULL)
		rc = worker_fail(w, PROTO_FAIL_INTERNAL, ERR_NONE,
		    "out of memory");
	else {
		if (run_hook && conf->reset_hook[0] != '\0')
			worker_hook(w);
		rc = worker_connect(w);
		if (rc == 0)
			rc = worker_loop(w);
	}
	/* No GSM_TerminateConnection(): it talks to a modem that may be
	 * the reason we stop.  Exiting closes the line. */
	return rc;
}

int
worker_read_pin(const char *path, char *pin, size_t pinlen,
    const char **why)
{
	char buf[64];
	size_t n, start = 0, end;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		*why = "cannot open it";
		return -1;
	}
	r = read(fd, buf, sizeof(buf));
	close(fd);
	if (r < 0 || (size_t)r == sizeof(buf)) {
		*why = r < 0 ? "cannot read it" : "it is too long";
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	n = (size_t)r;
	while (start < n && strchr(" \t\r\n", buf[start]) != NULL)
		start++;
	end = n;
	while (end > start && strchr(" \t\r\n", buf[end - 1]) != NULL)
		end--;
	if (end - start < 4 || end - start > 8 ||
	    strspn(buf + start, "0123456789") < end - start ||
	    end - start >= pinlen) {
		*why = "it does not hold a PIN (four to eight digits)";
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	memcpy(pin, buf + start, end - start);
	pin[end - start] = '\0';
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* ------------------------------------------------------------ connect */

static int
worker_connect(struct worker *w)
{
	const struct modem_conf *c = w->conf;
	char man[GSM_MAX_INFO_LENGTH + 1], model[GSM_MAX_INFO_LENGTH + 1];
	char imei[GSM_MAX_INFO_LENGTH + 1];
	struct proto_msg up;
	GSM_Config *cfg;
	GSM_Error err;

	if ((w->g = GSM_AllocStateMachine()) == NULL)
		return worker_fail(w, PROTO_FAIL_INTERNAL, ERR_NONE,
		    "out of memory");
	cfg = GSM_GetConfig(w->g, 0);
	(void)GSM_ReadConfig(NULL, cfg, 0);	/* the defaults */
	free(cfg->Device);
	free(cfg->Connection);
	cfg->Device = strdup(c->device);
	cfg->Connection = strdup(c->connection);
	if (c->debug_log[0] != '\0') {
		free(cfg->DebugFile);
		cfg->DebugFile = strdup(c->debug_log);
		snprintf(cfg->DebugLevel, sizeof(cfg->DebugLevel), "%s",
		    "textalldate");
	}
	if (cfg->Device == NULL || cfg->Connection == NULL ||
	    cfg->DebugFile == NULL)
		return worker_fail(w, PROTO_FAIL_INTERNAL, ERR_NONE,
		    "out of memory");
	cfg->UseGlobalDebugFile = FALSE;
	cfg->LockDevice = FALSE;
	cfg->StartInfo = FALSE;
	cfg->SyncTime = FALSE;
	GSM_SetConfigNum(w->g, 1);
	err = GSM_InitConnection(w->g, 1);
	if (err != ERR_NONE)
		return worker_fail(w, PROTO_FAIL_CONNECT, err,
		    "connecting to %s: %s", c->device, GSM_ErrorString(err));
	if (worker_pin(w) != 0)
		return WORKER_EXIT_FAIL;
	worker_smsc(w);
	GSM_SetSendSMSStatusCallback(w->g, sent_cb, w);
	GSM_SetIncomingSMSCallback(w->g, incoming_cb, w);
	err = GSM_SetIncomingSMS(w->g, TRUE);
	if (err != ERR_NONE)
		worker_log(w, SMSDTLS_LOG_WARN, "no new-message indications "
		    "(%s): polling the storage only", GSM_ErrorString(err));
	man[0] = model[0] = imei[0] = '\0';
	(void)GSM_GetManufacturer(w->g, man);
	(void)GSM_GetModel(w->g, model);
	(void)GSM_GetIMEI(w->g, imei);
	proto_init(&up, PROTO_UP);
	proto_text(&up, "%s %s imei=%s", man, model, imei);
	worker_tx(w, &up);
	return 0;
}

/* Enter the PIN once; a refusal is final (the owner never retries it,
 * since three wrong PINs lock the SIM). */
static int
worker_pin(struct worker *w)
{
	const struct modem_conf *c = w->conf;
	GSM_SecurityCodeType st;
	GSM_SecurityCode code;
	const char *why = NULL;
	GSM_Error err;
	int64_t until;

	err = GSM_GetSecurityStatus(w->g, &st);
	if (err == ERR_NOTSUPPORTED || err == ERR_NOTIMPLEMENTED)
		return 0;
	if (err != ERR_NONE)
		return worker_fail(w, PROTO_FAIL_CONNECT, err,
		    "asking for the SIM state: %s", GSM_ErrorString(err));
	if (st == SEC_None)
		return 0;
	if (st != SEC_Pin)
		return worker_fail(w, PROTO_FAIL_PIN, ERR_NONE, "the SIM wants "
		    "a code other than the PIN (type %d): unlock it by hand",
		    (int)st);
	if (c->pin_file[0] == '\0')
		return worker_fail(w, PROTO_FAIL_PIN, ERR_NONE,
		    "the SIM wants a PIN and no PIN file is set");
	memset(&code, 0, sizeof(code));
	if (worker_read_pin(c->pin_file, code.Code, sizeof(code.Code),
	    &why) != 0)
		return worker_fail(w, PROTO_FAIL_PIN, ERR_NONE,
		    "PIN file %s: %s", c->pin_file, why);
	code.Type = SEC_Pin;
	/* libgammu's debug log shows every command: keep the PIN out. */
	if (c->debug_log[0] != '\0')
		GSM_SetDebugLevel("nothing", GSM_GetDebug(w->g));
	err = GSM_EnterSecurityCode(w->g, &code);
	explicit_bzero(&code, sizeof(code));
	if (c->debug_log[0] != '\0')
		GSM_SetDebugLevel("textalldate", GSM_GetDebug(w->g));
	if (err != ERR_NONE)
		return worker_fail(w, PROTO_FAIL_PIN, err, "the SIM refused "
		    "the PIN from %s: %s", c->pin_file, GSM_ErrorString(err));
	worker_log(w, SMSDTLS_LOG_INFO, "PIN accepted");
	for (until = now_ms() + WORKER_PIN_WAIT_MS; now_ms() < until;) {
		if (GSM_GetSecurityStatus(w->g, &st) == ERR_NONE &&
		    st == SEC_None)
			return 0;
		worker_alive(w);
		usleep(250000);
	}
	return worker_fail(w, PROTO_FAIL_CONNECT, ERR_NONE,
	    "the SIM is not ready %d s after the PIN",
	    WORKER_PIN_WAIT_MS / 1000);
}

/* The SMSC number: configured, or the SIM's, or libgammu asks each time. */
static void
worker_smsc(struct worker *w)
{
	GSM_SMSC smsc;
	GSM_Error err;

	if (w->conf->smsc[0] != '\0') {
		EncodeUnicode(w->smsc, w->conf->smsc, strlen(w->conf->smsc));
		w->have_smsc = true;
		return;
	}
	memset(&smsc, 0, sizeof(smsc));
	smsc.Location = 1;
	err = GSM_GetSMSC(w->g, &smsc);
	if (err == ERR_NONE && (smsc.Number[0] != 0 || smsc.Number[1] != 0)) {
		CopyUnicodeString(w->smsc, smsc.Number);
		w->have_smsc = true;
		return;
	}
	worker_log(w, SMSDTLS_LOG_WARN, "no SMSC number from the SIM (%s); "
	    "set one in the configuration",
	    err == ERR_NONE ? "empty" : GSM_ErrorString(err));
}

/* The operator's reset hook, in its own process group, bounded. */
static void
worker_hook(struct worker *w)
{
	const struct modem_conf *c = w->conf;
	int64_t until = now_ms() + c->hook_timeout_ms;
	int status, fd;
	pid_t pid, r;

	if ((pid = fork()) == -1) {
		worker_log(w, SMSDTLS_LOG_WARN, "reset hook: fork: %s",
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		setenv("SMSDTLS_MODEM_NAME", c->name, 1);
		setenv("SMSDTLS_MODEM_DEVICE", c->device, 1);
		execl("/bin/sh", "sh", "-c", c->reset_hook, (char *)NULL);
		_exit(127);
	}
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	    now_ms() < until) {
		worker_alive(w);
		usleep(20000);
	}
	if (r == pid) {
		worker_log(w, WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
		    SMSDTLS_LOG_INFO : SMSDTLS_LOG_WARN, "reset hook ran: %s "
		    "%d", WIFEXITED(status) ? "exit" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status));
		return;
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	worker_log(w, SMSDTLS_LOG_WARN, "reset hook killed after %u ms",
	    (unsigned)c->hook_timeout_ms);
}

/* --------------------------------------------------------------- loop */

static int
worker_loop(struct worker *w)
{
	int64_t now;

	w->next_poll = now_ms();	/* what waited comes first */
	for (;;) {
		if (worker_frames(w) != 0 || w->broken)
			return w->broken ? WORKER_EXIT_OK : WORKER_EXIT_FAIL;
		if (w->line_err != ERR_NONE)
			return worker_fail(w, PROTO_FAIL_DEVICE, w->line_err,
			    "the line to %s is gone (%s)", w->conf->device,
			    GSM_ErrorString(w->line_err));
		if (worker_read(w, false) != 0)
			return WORKER_EXIT_FAIL;
		now = now_ms();
		if (w->incoming || now >= w->next_poll) {
			w->incoming = false;
			w->next_poll = now + w->conf->poll_ms;
			worker_list(w);
		}
		worker_alive(w);
	}
}

/* Serve every frame waiting; nonzero when the worker must stop. */
static int
worker_frames(struct worker *w)
{
	uint8_t buf[PROTO_FRAME_MAX];
	ssize_t n;

	for (;;) {
		n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n == 0) {
			w->broken = true;	/* the owner closed */
			return 0;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			w->broken = true;
			return 0;
		}
		if ((size_t)n > sizeof(buf))
			return worker_fail(w, PROTO_FAIL_INTERNAL, ERR_NONE,
			    "frame of %zd octets from the owner", n);
		if (worker_frame(w, buf, (size_t)n) != 0)
			return -1;
		if (w->broken || w->line_err != ERR_NONE)
			return 0;
	}
}

static int
worker_frame(struct worker *w, const uint8_t *buf, size_t n)
{
	struct proto_msg m;

	if (proto_decode(buf, n, &m) != SMSDTLS_OK ||
	    proto_from_worker(m.type))
		return worker_fail(w, PROTO_FAIL_INTERNAL, ERR_NONE,
		    "bad frame from the owner (type 0x%02x)", buf[0]);
	switch (m.type) {
	case PROTO_SEND:
		worker_send(w, &m);
		break;
	case PROTO_DELETE:
		worker_delete(w, m.token);
		break;
	case PROTO_PROBE:
		worker_probe(w);
		break;
	}
	return 0;
}

/* GSM_ReadDevice: up to 50 ms (or about a second with wait) for URCs and
 * answers; nonzero once the line keeps failing. */
static int
worker_read(struct worker *w, bool wait)
{
	if (GSM_ReadDevice(w->g, wait ? TRUE : FALSE) >= 0) {
		w->read_errors = 0;
		return 0;
	}
	if (++w->read_errors < WORKER_READ_ERRORS) {
		usleep(10000);
		return 0;
	}
	return worker_fail(w, PROTO_FAIL_DEVICE, ERR_DEVICEREADERROR,
	    "reading %s failed %d times: the line is gone", w->conf->device,
	    WORKER_READ_ERRORS);
}

/* ------------------------------------------------------------ requests */

static void
worker_send(struct worker *w, const struct proto_msg *req)
{
	GSM_SMSMessage sms;
	struct proto_msg r;
	GSM_Error err;
	smsdtls_rc rc;
	uint32_t vp;

	proto_init(&r, PROTO_SENT);
	r.id = req->id;
	rc = convert_submit(req->data, req->len, w->conf->status_reports,
	    (int64_t)time(NULL), &sms, &vp);
	if (rc != SMSDTLS_OK) {
		r.err = ERR_BUG;
		proto_text(&r, "cannot convert the SUBMIT: %s",
		    smsdtls_strerror(rc));
		worker_tx(w, &r);
		return;
	}
	if (w->have_smsc)
		CopyUnicodeString(sms.SMSC.Number, w->smsc);
	else
		sms.SMSC.Location = 1;
	w->sent_done = false;
	w->sent_status = -1;
	w->sent_mr = -1;
	err = GSM_SendSMS(w->g, &sms);
	line_check(w, err);
	if (err == ERR_NONE)
		worker_wait_sent(w);
	if (w->sent_done && w->sent_status == 0) {
		r.mr = w->sent_mr;
		proto_text(&r, "sent");
	} else if (w->sent_done) {
		r.err = err != ERR_NONE ? err : ERR_UNKNOWN;
		r.cms = w->sent_status > 0 ? w->sent_status : 0;
		if (r.cms > 0)
			proto_text(&r, "+CMS ERROR: %d", r.cms);
		else
			proto_text(&r, "ERROR: %s", GSM_ErrorString(r.err));
	} else {
		r.err = err != ERR_NONE ? err : ERR_TIMEOUT;
		proto_text(&r, "%s%s", GSM_ErrorString(r.err), err == ERR_NONE ?
		    " waiting for +CMGS" : "");
	}
	worker_tx(w, &r);
}

/* After the PDU: read until libgammu reports +CMGS or an error. */
static void
worker_wait_sent(struct worker *w)
{
	int64_t until = now_ms() + w->conf->submit_timeout_ms;

	while (!w->sent_done && !w->broken && now_ms() < until) {
		if (GSM_ReadDevice(w->g, TRUE) < 0 &&
		    ++w->read_errors >= WORKER_READ_ERRORS)
			return;
		worker_alive(w);
	}
}

static void
worker_delete(struct worker *w, uint32_t token)
{
	GSM_SMSMessage sms;
	struct proto_msg r;
	struct offer *o = NULL;
	GSM_Error err;
	size_t i;

	proto_init(&r, PROTO_DELETED);
	r.token = token;
	for (i = 0; i < WORKER_OFFERS_MAX && o == NULL; i++)
		if (w->offers[i].used && w->offers[i].token == token)
			o = &w->offers[i];
	if (o == NULL) {
		r.err = ERR_INVALIDLOCATION;
		proto_text(&r, "no message offered under token %u",
		    (unsigned)token);
	} else if (o->routed) {
		proto_text(&r, "routed, nothing stored");
		o->used = false;
	} else {
		memset(&sms, 0, sizeof(sms));
		sms.Folder = o->folder;
		sms.Location = o->location;
		sms.Memory = o->memory;
		err = GSM_DeleteSMS(w->g, &sms);
		line_check(w, err);
		if (err == ERR_NONE || err == ERR_EMPTY)
			o->used = false;
		r.err = err == ERR_NONE ? 0 : err;
		proto_text(&r, "location %d: %s", o->location,
		    GSM_ErrorString(err));
	}
	worker_tx(w, &r);
}

static void
worker_probe(struct worker *w)
{
	GSM_SignalQuality sig;
	struct proto_msg r;
	GSM_Error err;

	memset(&sig, 0, sizeof(sig));
	err = GSM_GetSignalQuality(w->g, &sig);
	line_check(w, err);
	proto_init(&r, PROTO_PROBED);
	if (err == ERR_NONE)
		proto_text(&r, "signal %d dBm %d%%", sig.SignalStrength,
		    sig.SignalPercent);
	else {
		r.err = err;
		proto_text(&r, "signal quality: %s", GSM_ErrorString(err));
	}
	worker_tx(w, &r);
}

/* ------------------------------------------------------------- storage */

/* List every stored message; offer what was not offered yet. */
static void
worker_list(struct worker *w)
{
	struct proto_msg r;
	GSM_Error err = ERR_NONE;
	uint32_t count = 0;
	bool start = true;
	size_t i, calls;
	int n;

	for (i = 0; i < WORKER_OFFERS_MAX; i++)
		w->offers[i].seen = w->offers[i].routed;
	w->ndrops = 0;
	memset(&w->list->SMS[0], 0, sizeof(w->list->SMS[0]));
	for (calls = 0; calls < WORKER_LIST_MAX && !w->broken; calls++) {
		err = GSM_GetNextSMS(w->g, w->list, start ? TRUE : FALSE);
		line_check(w, err);
		start = false;
		worker_alive(w);
		if (err == ERR_EMPTY)
			break;
		if (err == ERR_CORRUPTED) {
			worker_log(w, SMSDTLS_LOG_DEBUG, "location %d: "
			    "libgammu cannot read it",
			    w->list->SMS[0].Location);
			continue;
		}
		if (err != ERR_NONE)
			break;
		n = w->list->Number;
		for (i = 0; n > 0 && i < (size_t)n && i < GSM_MAX_MULTI_SMS;
		    i++)
			worker_stored(w, &w->list->SMS[i], &count);
	}
	proto_init(&r, PROTO_SWEPT);
	r.token = count;
	if (err != ERR_EMPTY && err != ERR_NONE && err != ERR_CORRUPTED) {
		r.err = err;
		proto_text(&r, "listing messages: %s", GSM_ErrorString(err));
		worker_tx(w, &r);
		return;
	}
	/* What was offered but is gone was deleted by someone else. */
	for (i = 0; i < WORKER_OFFERS_MAX; i++)
		if (!w->offers[i].seen)
			w->offers[i].used = false;
	worker_drops(w);
	worker_tx(w, &r);
}

static void
worker_stored(struct worker *w, const GSM_SMSMessage *sms, uint32_t *count)
{
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	struct offer *o;
	struct drop *d;
	char from[SMSDTLS_ADDR_TEXT_MAX];
	size_t len;
	smsdtls_rc rc;

	if (sms->PDU == SMS_Submit)
		return;			/* stored outgoing: not ours */
	(*count)++;
	rc = convert_received(sms, tpdu, sizeof(tpdu), &len);
	if (rc != SMSDTLS_OK) {
		if (w->ndrops == WORKER_DROPS_MAX)
			return;
		d = &w->drops[w->ndrops++];
		d->folder = sms->Folder;
		d->location = sms->Location;
		d->memory = sms->Memory;
		(void)convert_ucs2_utf8(sms->Number, from, sizeof(from));
		snprintf(d->why, sizeof(d->why), "from %s: %s", from,
		    smsdtls_strerror(rc));
		return;
	}
	o = offer_find(w, sms->Folder, sms->Location, sms->Memory);
	if (o != NULL && o->hash == fnv64(tpdu, len)) {
		o->seen = true;
		return;
	}
	if (o == NULL && (o = offer_new(w)) == NULL) {
		worker_log(w, SMSDTLS_LOG_WARN, "%d messages offered and not "
		    "accepted: location %d waits", WORKER_OFFERS_MAX,
		    sms->Location);
		return;
	}
	o->folder = sms->Folder;
	o->location = sms->Location;
	o->memory = sms->Memory;
	o->routed = false;
	worker_offer(w, o, tpdu, len);
}

/* Messages that cannot be TPDUs would fill the memory: delete them. */
static void
worker_drops(struct worker *w)
{
	GSM_SMSMessage sms;
	struct proto_msg r;
	GSM_Error err;
	size_t i;

	for (i = 0; i < w->ndrops && !w->broken; i++) {
		memset(&sms, 0, sizeof(sms));
		sms.Folder = w->drops[i].folder;
		sms.Location = w->drops[i].location;
		sms.Memory = w->drops[i].memory;
		err = GSM_DeleteSMS(w->g, &sms);
		line_check(w, err);
		proto_init(&r, PROTO_DROPPED);
		r.err = err == ERR_NONE ? 0 : err;
		proto_text(&r, "location %d %s; deleting it: %s",
		    w->drops[i].location, w->drops[i].why,
		    GSM_ErrorString(err));
		worker_tx(w, &r);
		worker_alive(w);
	}
	w->ndrops = 0;
}

static void
worker_offer(struct worker *w, struct offer *o, const uint8_t *tpdu,
    size_t len)
{
	struct proto_msg r;

	if (++w->next_token == 0)
		w->next_token = 1;
	o->used = true;
	o->seen = true;
	o->token = w->next_token;
	o->hash = fnv64(tpdu, len);
	proto_init(&r, PROTO_RECEIVED);
	r.token = o->token;
	memcpy(r.data, tpdu, len);
	r.len = len;
	worker_tx(w, &r);
}

static struct offer *
offer_find(struct worker *w, int folder, int location, GSM_MemoryType memory)
{
	size_t i;

	for (i = 0; i < WORKER_OFFERS_MAX; i++)
		if (w->offers[i].used && !w->offers[i].routed &&
		    w->offers[i].folder == folder &&
		    w->offers[i].location == location &&
		    w->offers[i].memory == memory)
			return &w->offers[i];
	return NULL;
}

static struct offer *
offer_new(struct worker *w)
{
	size_t i;

	for (i = 0; i < WORKER_OFFERS_MAX; i++)
		if (!w->offers[i].used) {
			memset(&w->offers[i], 0, sizeof(w->offers[i]));
			return &w->offers[i];
		}
	return NULL;
}

/* ---------------------------------------------------------- callbacks */

/* +CMGS or an error: from inside GSM_ReadDevice(); no libgammu calls. */
static void
sent_cb(GSM_StateMachine *g, int status, int mr, void *arg)
{
	struct worker *w = arg;

	(void)g;
	w->sent_done = true;
	w->sent_status = status;
	w->sent_mr = mr;
}

/*
 * +CMTI/+CDSI (State 0: only where it was stored) sets a flag for the
 * loop; a routed +CMT/+CDS (State SMS_UnRead) carries the message, which
 * is offered at once with nothing to delete.
 */
static void
incoming_cb(GSM_StateMachine *g, GSM_SMSMessage *sms, void *arg)
{
	struct worker *w = arg;
	uint8_t tpdu[SMSDTLS_PDU_MAX];
	struct offer *o;
	size_t len;

	(void)g;
	if (sms->State != SMS_UnRead) {
		w->incoming = true;
		return;
	}
	if (convert_received(sms, tpdu, sizeof(tpdu), &len) != SMSDTLS_OK) {
		worker_log(w, SMSDTLS_LOG_WARN, "a routed message cannot be "
		    "converted: dropped");
		return;
	}
	if ((o = offer_new(w)) == NULL) {
		worker_log(w, SMSDTLS_LOG_WARN, "a routed message is lost: "
		    "%d offers pending", WORKER_OFFERS_MAX);
		return;
	}
	o->routed = true;
	worker_offer(w, o, tpdu, len);
}

/* ----------------------------------------------------------- plumbing */

static void
worker_tx(struct worker *w, const struct proto_msg *m)
{
	uint8_t buf[PROTO_FRAME_MAX];
	size_t n;

	if (w->broken || proto_encode(m, buf, sizeof(buf), &n) != SMSDTLS_OK)
		return;
	while (send(w->fd, buf, n, MSG_NOSIGNAL) == -1) {
		if (errno != EINTR) {
			w->broken = true;
			return;
		}
	}
	w->last_tx = now_ms();
}

static void
worker_alive(struct worker *w)
{
	struct proto_msg m;

	if (now_ms() - w->last_tx < w->hb_ms)
		return;
	proto_init(&m, PROTO_ALIVE);
	worker_tx(w, &m);
}

static void
worker_log(struct worker *w, int level, const char *fmt, ...)
{
	struct proto_msg m;
	va_list ap;

	char text[PROTO_TEXT_MAX + 1];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	proto_init(&m, PROTO_LOG);
	m.kind = (uint8_t)level;
	proto_text(&m, "%s", text);
	worker_tx(w, &m);
}

/* Tell the owner why we stop; returns the exit code. */
static int
worker_fail(struct worker *w, enum proto_fail kind, GSM_Error err,
    const char *fmt, ...)
{
	struct proto_msg m;
	va_list ap;

	char text[PROTO_TEXT_MAX + 1];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	proto_init(&m, PROTO_FAIL);
	m.kind = (uint8_t)kind;
	m.err = err == ERR_NONE ? 0 : err;
	proto_text(&m, "%s", text);
	worker_tx(w, &m);
	return WORKER_EXIT_FAIL;
}

/* Errors that say the line itself broke (unplugged, hung up): after
 * the answer, the worker stops and its owner starts another. */
static void
line_check(struct worker *w, GSM_Error err)
{
	switch (err) {
	case ERR_DEVICEOPENERROR:
	case ERR_DEVICENOTEXIST:
	case ERR_DEVICENOTWORK:
	case ERR_DEVICEWRITEERROR:
	case ERR_DEVICEREADERROR:
		if (w->line_err == ERR_NONE)
			w->line_err = err;
		break;
	default:
		break;
	}
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
fnv64(const uint8_t *p, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}
