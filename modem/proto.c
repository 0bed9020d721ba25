/*
 * proto.c - the framed protocol between a modem worker and its owner
 * (modem/proto.h): one table of field layouts, an encoder and a
 * bounds-checked decoder.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "modem/proto.h"

/* Fixed fields, in wire order. */
#define F_KIND		0x01u
#define F_ID		0x02u
#define F_TOKEN		0x04u
#define F_ERR		0x08u
#define F_CMS		0x10u
#define F_MR		0x20u

enum tail { T_NONE, T_TPDU, T_TEXT };

struct layout {
	uint8_t	type;
	unsigned fields;
	enum tail tail;
};

static const struct layout layouts[] = {
	{ PROTO_SEND, F_ID, T_TPDU },
	{ PROTO_DELETE, F_TOKEN, T_NONE },
	{ PROTO_PROBE, 0, T_NONE },
	{ PROTO_UP, 0, T_TEXT },
	{ PROTO_SENT, F_ID | F_ERR | F_CMS | F_MR, T_TEXT },
	{ PROTO_RECEIVED, F_TOKEN, T_TPDU },
	{ PROTO_DELETED, F_TOKEN | F_ERR, T_TEXT },
	{ PROTO_PROBED, F_ERR, T_TEXT },
	{ PROTO_FAIL, F_KIND | F_ERR, T_TEXT },
	{ PROTO_LOG, F_KIND, T_TEXT },
	{ PROTO_ALIVE, 0, T_NONE },
	{ PROTO_SWEPT, F_TOKEN | F_ERR, T_TEXT },
	{ PROTO_DROPPED, F_ERR, T_TEXT }
};

static const struct layout *layout_of(uint8_t type);
static size_t	fixed_size(unsigned fields);
static void	put_be(uint8_t *p, uint64_t v, size_t n);
static uint64_t	get_be(const uint8_t *p, size_t n);
static bool	printable(const char *s, size_t n);

void
proto_init(struct proto_msg *m, uint8_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->mr = -1;
}

void
proto_text(struct proto_msg *m, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
	for (i = 0; m->text[i] != '\0'; i++)
		if ((unsigned char)m->text[i] < 0x20 ||
		    (unsigned char)m->text[i] > 0x7e)
			m->text[i] = '?';
}

smsdtls_rc
proto_encode(const struct proto_msg *m, uint8_t *buf, size_t buflen,
    size_t *len)
{
	const struct layout *l = layout_of(m->type);
	size_t n, tail = 0;
	uint8_t *p;

	if (l == NULL)
		return SMSDTLS_EINVAL;
	if (l->tail == T_TPDU) {
		if (m->len == 0 || m->len > SMSDTLS_PDU_MAX)
			return SMSDTLS_EINVAL;
		tail = m->len;
	} else if (l->tail == T_TEXT) {
		tail = strnlen(m->text, sizeof(m->text));
		if (tail > PROTO_TEXT_MAX || !printable(m->text, tail))
			return SMSDTLS_EINVAL;
	}
	n = 1 + fixed_size(l->fields) + tail;
	if (n > buflen)
		return SMSDTLS_ETOOBIG;
	p = buf;
	*p++ = m->type;
	if (l->fields & F_KIND)
		*p++ = m->kind;
	if (l->fields & F_ID) {
		put_be(p, m->id, 8);
		p += 8;
	}
	if (l->fields & F_TOKEN) {
		put_be(p, m->token, 4);
		p += 4;
	}
	if (l->fields & F_ERR) {
		put_be(p, (uint32_t)m->err, 4);
		p += 4;
	}
	if (l->fields & F_CMS) {
		put_be(p, (uint32_t)m->cms, 4);
		p += 4;
	}
	if (l->fields & F_MR) {
		put_be(p, (uint32_t)m->mr, 4);
		p += 4;
	}
	if (tail > 0)
		memcpy(p, l->tail == T_TPDU ? (const void *)m->data :
		    (const void *)m->text, tail);
	*len = n;
	return SMSDTLS_OK;
}

smsdtls_rc
proto_decode(const uint8_t *buf, size_t len, struct proto_msg *m)
{
	const struct layout *l;
	struct proto_msg d;
	const uint8_t *p = buf;
	size_t tail;

	if (len == 0)
		return SMSDTLS_ETRUNC;
	if ((l = layout_of(buf[0])) == NULL)
		return SMSDTLS_EPROTO;
	if (len < 1 + fixed_size(l->fields))
		return SMSDTLS_ETRUNC;
	proto_init(&d, *p++);
	if (l->fields & F_KIND)
		d.kind = *p++;
	if (l->fields & F_ID) {
		d.id = get_be(p, 8);
		p += 8;
	}
	if (l->fields & F_TOKEN) {
		d.token = (uint32_t)get_be(p, 4);
		p += 4;
	}
	if (l->fields & F_ERR) {
		d.err = (int32_t)(uint32_t)get_be(p, 4);
		p += 4;
	}
	if (l->fields & F_CMS) {
		d.cms = (int32_t)(uint32_t)get_be(p, 4);
		p += 4;
	}
	if (l->fields & F_MR) {
		d.mr = (int32_t)(uint32_t)get_be(p, 4);
		p += 4;
	}
	tail = len - (size_t)(p - buf);
	switch (l->tail) {
	case T_NONE:
		if (tail != 0)
			return SMSDTLS_EPROTO;
		break;
	case T_TPDU:
		if (tail == 0 || tail > SMSDTLS_PDU_MAX)
			return SMSDTLS_EPROTO;
		memcpy(d.data, p, tail);
		d.len = tail;
		break;
	case T_TEXT:
		if (tail > PROTO_TEXT_MAX || !printable((const char *)p, tail))
			return SMSDTLS_EPROTO;
		memcpy(d.text, p, tail);
		d.text[tail] = '\0';
		break;
	}
	*m = d;
	return SMSDTLS_OK;
}

bool
proto_from_worker(uint8_t type)
{
	return (type & 0x80) != 0 && layout_of(type) != NULL;
}

static const struct layout *
layout_of(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

static size_t
fixed_size(unsigned fields)
{
	return (fields & F_KIND ? 1 : 0) + (fields & F_ID ? 8 : 0) +
	    (fields & F_TOKEN ? 4 : 0) + (fields & F_ERR ? 4 : 0) +
	    (fields & F_CMS ? 4 : 0) + (fields & F_MR ? 4 : 0);
}

static void
put_be(uint8_t *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t
get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static bool
printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}
