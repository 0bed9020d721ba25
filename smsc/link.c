/*
 * link.c - the simulated SMSC's socket link: frame codec and the server
 * side of one connection, both sans-IO (docs/smsc.md, "The socket
 * link").  TPDUs pass through untouched: SMS-SUBMIT in, SMS-DELIVER and
 * SMS-STATUS-REPORT out (3GPP TS 23.040 9.2.2); the routing core decodes
 * and checks them.  Decoding checks every length against the input and
 * never trusts the length field beyond LINK_FRAME_MAX.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smsc/link.h"

struct link_conn {
	struct smsc	*sc;
	struct link_host host;
	void		*arg;
	struct smsc_station *st;
	bool		 closing;
	size_t		 inlen;
	uint8_t		 in[LINK_FRAME_MAX];
};

static smsdtls_rc encode_payload(const struct link_msg *, uint8_t *, size_t,
		    size_t *);
static smsdtls_rc decode_payload(uint8_t, const uint8_t *, size_t,
		    struct link_msg *);
static bool	msisdn_valid(const char *, size_t);
static bool	text_valid(const char *, size_t);
static bool	tpdu_type(uint8_t);
static void	conn_frame(struct link_conn *, const struct link_msg *,
		    int64_t);
static void	conn_hello(struct link_conn *, const struct link_msg *);
static void	conn_submit(struct link_conn *, const struct link_msg *,
		    int64_t);
static void	conn_send(struct link_conn *, const struct link_msg *);
static void	conn_error(struct link_conn *, uint16_t, const char *);

smsdtls_rc
link_encode(const struct link_msg *msg, uint8_t *buf, size_t buflen,
    size_t *len)
{
	uint8_t frame[LINK_FRAME_MAX];
	size_t plen;
	smsdtls_rc rc;

	if (msg == NULL || buf == NULL || len == NULL)
		return SMSDTLS_EINVAL;
	rc = encode_payload(msg, frame + LINK_HDR_LEN,
	    sizeof(frame) - LINK_HDR_LEN, &plen);
	if (rc != SMSDTLS_OK)
		return rc;
	if (buflen < LINK_HDR_LEN + plen)
		return SMSDTLS_ETOOBIG;
	frame[0] = (uint8_t)((plen + 1) >> 8);
	frame[1] = (uint8_t)(plen + 1);
	frame[2] = msg->type;
	memcpy(buf, frame, LINK_HDR_LEN + plen);
	*len = LINK_HDR_LEN + plen;
	return SMSDTLS_OK;
}

smsdtls_rc
link_decode(const uint8_t *buf, size_t len, struct link_msg *msg,
    size_t *used)
{
	struct link_msg m;
	size_t flen;
	smsdtls_rc rc;

	if (buf == NULL || msg == NULL || used == NULL)
		return SMSDTLS_EINVAL;
	if (len < 2)
		return SMSDTLS_AGAIN;
	flen = 2 + ((size_t)buf[0] << 8 | buf[1]);
	if (flen < LINK_HDR_LEN || flen > LINK_FRAME_MAX)
		return SMSDTLS_ETOOBIG;
	if (len < flen)
		return SMSDTLS_AGAIN;
	memset(&m, 0, sizeof(m));
	m.type = buf[2];
	rc = decode_payload(m.type, buf + LINK_HDR_LEN, flen - LINK_HDR_LEN,
	    &m);
	if (rc != SMSDTLS_OK)
		return rc;
	*msg = m;
	*used = flen;
	return SMSDTLS_OK;
}

const char *
link_type_name(uint8_t type)
{
	switch (type) {
	case LINK_HELLO:
		return "HELLO";
	case LINK_SUBMIT:
		return "SUBMIT";
	case LINK_WELCOME:
		return "WELCOME";
	case LINK_SUBMITTED:
		return "SUBMITTED";
	case LINK_REFUSED:
		return "REFUSED";
	case LINK_DELIVER:
		return "DELIVER";
	case LINK_REPORT:
		return "REPORT";
	case LINK_ERROR:
		return "ERROR";
	}
	return "?";
}

smsdtls_rc
link_conn_new(struct smsc *sc, const struct link_host *host, void *arg,
    struct link_conn **out)
{
	struct link_conn *c;

	if (sc == NULL || host == NULL || host->write == NULL ||
	    host->attach == NULL || out == NULL)
		return SMSDTLS_EINVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SMSDTLS_ENOMEM;
	c->sc = sc;
	c->host = *host;
	c->arg = arg;
	*out = c;
	return SMSDTLS_OK;
}

void
link_conn_free(struct link_conn *c)
{
	if (c == NULL)
		return;
	if (c->st != NULL && c->host.detach != NULL)
		c->host.detach(c->arg, c, c->st);
	free(c);
}

void
link_conn_input(struct link_conn *c, const uint8_t *data, size_t len,
    int64_t now)
{
	struct link_msg msg;
	size_t n, off, used;
	smsdtls_rc rc;

	while (len > 0 && !c->closing) {
		n = sizeof(c->in) - c->inlen;
		if (n > len)
			n = len;
		memcpy(c->in + c->inlen, data, n);
		c->inlen += n;
		data += n;
		len -= n;
		off = 0;
		while (!c->closing) {
			rc = link_decode(c->in + off, c->inlen - off, &msg,
			    &used);
			if (rc == SMSDTLS_AGAIN)
				break;
			if (rc != SMSDTLS_OK) {
				conn_error(c, LINK_ERR_PROTO, rc ==
				    SMSDTLS_ETOOBIG ? "bad frame length" :
				    "malformed frame");
				break;
			}
			off += used;
			conn_frame(c, &msg, now);
		}
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
}

void
link_conn_deliver(struct link_conn *c, enum smsdtls_tpdu_type type,
    const uint8_t *tpdu, size_t len)
{
	struct link_msg msg;

	if (c == NULL || c->closing || len == 0 || len > LINK_TPDU_MAX)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.type = type == SMSDTLS_TPDU_STATUS_REPORT ? LINK_REPORT :
	    LINK_DELIVER;
	memcpy(msg.tpdu, tpdu, len);
	msg.tpdu_len = len;
	conn_send(c, &msg);
}

bool
link_conn_closing(const struct link_conn *c)
{
	return c->closing;
}

struct smsc_station *
link_conn_station(const struct link_conn *c)
{
	return c->st;
}

/* The payload of msg, checked as link_decode() checks it. */
static smsdtls_rc
encode_payload(const struct link_msg *msg, uint8_t *p, size_t cap,
    size_t *plen)
{
	size_t n;

	switch (msg->type) {
	case LINK_HELLO:
	case LINK_WELCOME:
		n = strnlen(msg->msisdn, sizeof(msg->msisdn));
		if (msg->version == 0 || !msisdn_valid(msg->msisdn, n))
			return SMSDTLS_EINVAL;
		p[0] = msg->version;
		memcpy(p + 1, msg->msisdn, n);
		*plen = 1 + n;
		return SMSDTLS_OK;
	case LINK_SUBMITTED:
		p[0] = msg->mr;
		*plen = 1;
		return SMSDTLS_OK;
	case LINK_REFUSED:
		p[0] = (uint8_t)(msg->code >> 8);
		p[1] = (uint8_t)msg->code;
		*plen = 2;
		return SMSDTLS_OK;
	case LINK_ERROR:
		n = strnlen(msg->text, sizeof(msg->text));
		if (!text_valid(msg->text, n))
			return SMSDTLS_EINVAL;
		p[0] = (uint8_t)(msg->code >> 8);
		p[1] = (uint8_t)msg->code;
		memcpy(p + 2, msg->text, n);
		*plen = 2 + n;
		return SMSDTLS_OK;
	}
	if (!tpdu_type(msg->type))
		return SMSDTLS_EINVAL;
	if (msg->tpdu_len == 0 || msg->tpdu_len > LINK_TPDU_MAX ||
	    msg->tpdu_len > cap)
		return SMSDTLS_EINVAL;
	memcpy(p, msg->tpdu, msg->tpdu_len);
	*plen = msg->tpdu_len;
	return SMSDTLS_OK;
}

static smsdtls_rc
decode_payload(uint8_t type, const uint8_t *p, size_t n, struct link_msg *m)
{
	switch (type) {
	case LINK_HELLO:
	case LINK_WELCOME:
		if (n < 2 || n - 1 > LINK_MSISDN_MAX || p[0] == 0 ||
		    !msisdn_valid((const char *)p + 1, n - 1))
			return SMSDTLS_EPROTO;
		m->version = p[0];
		memcpy(m->msisdn, p + 1, n - 1);
		return SMSDTLS_OK;
	case LINK_SUBMITTED:
		if (n != 1)
			return SMSDTLS_EPROTO;
		m->mr = p[0];
		return SMSDTLS_OK;
	case LINK_REFUSED:
		if (n != 2)
			return SMSDTLS_EPROTO;
		m->code = (uint16_t)(p[0] << 8 | p[1]);
		return SMSDTLS_OK;
	case LINK_ERROR:
		if (n < 2 || n - 2 > LINK_TEXT_MAX ||
		    !text_valid((const char *)p + 2, n - 2))
			return SMSDTLS_EPROTO;
		m->code = (uint16_t)(p[0] << 8 | p[1]);
		memcpy(m->text, p + 2, n - 2);
		return SMSDTLS_OK;
	}
	if (!tpdu_type(type) || n == 0 || n > LINK_TPDU_MAX)
		return SMSDTLS_EPROTO;
	memcpy(m->tpdu, p, n);
	m->tpdu_len = n;
	return SMSDTLS_OK;
}

/* '+' (optional) and 1-20 of the digits an address may hold. */
static bool
msisdn_valid(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 0 && s[0] == '+')
		i = 1;
	if (n - i < 1 || n - i > SMSDTLS_ADDR_DIGITS_MAX)
		return false;
	for (; i < n; i++)
		if (s[i] == '\0' || strchr("0123456789*#abc", s[i]) == NULL)
			return false;
	return true;
}

static bool
text_valid(const char *s, size_t n)
{
	size_t i;

	if (n > LINK_TEXT_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static bool
tpdu_type(uint8_t type)
{
	return type == LINK_SUBMIT || type == LINK_DELIVER ||
	    type == LINK_REPORT;
}

static void
conn_frame(struct link_conn *c, const struct link_msg *msg, int64_t now)
{
	if (msg->type == LINK_HELLO) {
		if (c->st != NULL)
			conn_error(c, LINK_ERR_HELLO_AGAIN, "HELLO again");
		else
			conn_hello(c, msg);
	} else if (c->st == NULL)
		conn_error(c, LINK_ERR_NO_HELLO, "HELLO first");
	else if (msg->type == LINK_SUBMIT)
		conn_submit(c, msg, now);
	else
		conn_error(c, LINK_ERR_PROTO, "not a client frame");
}

static void
conn_hello(struct link_conn *c, const struct link_msg *msg)
{
	struct link_msg out;
	uint16_t code = LINK_ERR_UNKNOWN;

	if (msg->version != LINK_VERSION) {
		conn_error(c, LINK_ERR_VERSION, "version 1 only");
		return;
	}
	c->st = c->host.attach(c->arg, c, msg->msisdn, &code);
	if (c->st == NULL) {
		conn_error(c, code, code == LINK_ERR_BUSY ? "station busy" :
		    code == LINK_ERR_UNKNOWN ? "unknown station" :
		    "cannot add station");
		return;
	}
	memset(&out, 0, sizeof(out));
	out.type = LINK_WELCOME;
	out.version = LINK_VERSION;
	strncpy(out.msisdn, smsc_station_msisdn(c->st),
	    sizeof(out.msisdn) - 1);
	conn_send(c, &out);
}

static void
conn_submit(struct link_conn *c, const struct link_msg *msg, int64_t now)
{
	struct link_msg out;
	uint8_t mr;

	memset(&out, 0, sizeof(out));
	if (smsc_submit(c->sc, c->st, msg->tpdu, msg->tpdu_len, now, &mr) ==
	    SMSDTLS_OK) {
		out.type = LINK_SUBMITTED;
		out.mr = mr;
	} else {
		out.type = LINK_REFUSED;
		out.code = (uint16_t)smsc_last_cms_error(c->sc);
	}
	conn_send(c, &out);
}

static void
conn_send(struct link_conn *c, const struct link_msg *msg)
{
	uint8_t buf[LINK_FRAME_MAX];
	size_t len;

	if (link_encode(msg, buf, sizeof(buf), &len) == SMSDTLS_OK)
		c->host.write(c->arg, buf, len);
}

/* Answer ERROR once and stop reading. */
static void
conn_error(struct link_conn *c, uint16_t code, const char *text)
{
	struct link_msg out;

	memset(&out, 0, sizeof(out));
	out.type = LINK_ERROR;
	out.code = code;
	strncpy(out.text, text, sizeof(out.text) - 1);
	conn_send(c, &out);
	c->closing = true;
}
