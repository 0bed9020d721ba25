/*
 * check_export.c - established sessions exported and imported (for the
 * daemon's state directory) and parked while idle (cfg.park_after_ms):
 * round trips across endpoint objects without a handshake, the sequence
 * number jump, bad blobs, parking and waking on input and on send, caps,
 * idle timeouts, resumption and PSK store swaps around parked sessions,
 * no record sequence number or AES-CCM nonce ever used twice, and what a
 * parked session costs in memory.
 *
 * The endpoints talk over two in-memory transports at the SMS PMTU; the
 * client reaches the server as peer mem:N and the server sees the
 * client as mem:(N ^ FLIP), so one pair of endpoints can hold many
 * sessions.
 */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "transport/session_int.h"

#define PMTU		133
#define QUEUE_MAX	256
#define FLIP		0x80000000u
#define SEEN_MAX	2048
#define MIN_MS		(60 * 1000)

static const uint8_t psk_key[16] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};
static const char psk_file[] =
    "device-0001 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n";

struct net;

struct side {
	struct net *net;
	int	index;			/* 0 client, 1 server */
	struct smsdtls_mem *mem;
	struct smsdtls_endpoint *ep;
	struct smsdtls_config cfg;
	struct smsdtls_session *session; /* last CONNECTED */
	unsigned connected, resumed, data, closed, errors;
	uint8_t	last[128];
	size_t	last_len;
	bool	echo;
	size_t	hs_out, app_out;	/* datagrams sent, by kind */
	uint64_t last_seq;		/* of its last protected record */
};

/* A protected record seen on the wire: who sent it in which session
 * (the client's peer id), at what epoch and sequence number. */
struct seen {
	int	side;
	uint32_t peer;
	uint16_t epoch;
	uint64_t seq;
};

struct net {
	struct side c, s;
	struct smsdtls_psk_store *store;
	int64_t	now;
	bool	log;			/* check every record */
	bool	drop;		/* lose what is sent */
	size_t	nseen;
	struct seen seen[SEEN_MAX];
};

static uint64_t
be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static void
event_cb(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct side *sd = arg;

	(void)ep;
	switch (ev->type) {
	case SMSDTLS_EV_CONNECTED:
		sd->connected++;
		sd->resumed += ev->resumed;
		sd->session = ev->session;
		break;
	case SMSDTLS_EV_DATA:
		sd->data++;
		sd->last_len = ev->len < sizeof(sd->last) ? ev->len :
		    sizeof(sd->last);
		memcpy(sd->last, ev->data, sd->last_len);
		if (sd->echo)
			smsdtls_session_send(ev->session, ev->data, ev->len,
			    sd->net->now);
		break;
	case SMSDTLS_EV_CLOSED:
	case SMSDTLS_EV_ERROR:
		if (ev->type == SMSDTLS_EV_CLOSED)
			sd->closed++;
		else
			sd->errors++;
		if (sd->session == ev->session)
			sd->session = NULL;
		break;
	}
}

static void
side_start(struct side *sd)
{
	struct smsdtls_transport t;

	smsdtls_mem_transport(sd->mem, &t);
	ck_assert_rc(smsdtls_endpoint_new(&sd->cfg, &t, event_cb, sd,
	    &sd->ep), SMSDTLS_OK);
	sd->session = NULL;
}

/* The process restarts: a new endpoint, whatever was queued is lost. */
static void
side_restart(struct side *sd)
{
	uint8_t buf[PMTU];

	smsdtls_endpoint_free(sd->ep);
	while (smsdtls_mem_pop(sd->mem, NULL, buf, sizeof(buf), NULL,
	    NULL) == SMSDTLS_OK)
		;
	side_start(sd);
}

static void
net_open(struct net *n, uint32_t park_c, uint32_t park_s)
{
	memset(n, 0, sizeof(*n));
	n->log = true;
	ck_assert_rc(smsdtls_psk_store_parse(psk_file, strlen(psk_file),
	    &n->store, NULL, 0), SMSDTLS_OK);
	n->c.net = n->s.net = n;
	n->s.index = 1;
	smsdtls_config_init(&n->c.cfg);
	n->c.cfg.psk_identity = "device-0001";
	n->c.cfg.psk_key = psk_key;
	n->c.cfg.psk_key_len = sizeof(psk_key);
	n->c.cfg.park_after_ms = park_c;
	smsdtls_config_init(&n->s.cfg);
	n->s.cfg.role = SMSDTLS_SERVER;
	n->s.cfg.psk_store = n->store;
	n->s.cfg.park_after_ms = park_s;
	ck_assert_rc(smsdtls_mem_new(PMTU, QUEUE_MAX, &n->c.mem), SMSDTLS_OK);
	ck_assert_rc(smsdtls_mem_new(PMTU, QUEUE_MAX, &n->s.mem), SMSDTLS_OK);
}

/* Start both endpoints after their configs were adjusted. */
static void
net_start(struct net *n)
{
	side_start(&n->c);
	side_start(&n->s);
}

static void
net_close(struct net *n)
{
	smsdtls_endpoint_free(n->c.ep);
	smsdtls_endpoint_free(n->s.ep);
	smsdtls_mem_free(n->c.mem);
	smsdtls_mem_free(n->s.mem);
	smsdtls_psk_store_free(n->store);
}

/*
 * Every protected record: its explicit nonce is its sequence number, and
 * no side of a session (one set of keys) ever sends one (epoch, sequence
 * number) twice, whatever was exported, imported or parked meanwhile.
 */
static void
check_records(struct net *n, struct side *sd, uint32_t peer,
    const uint8_t *d, size_t len)
{
	struct flight_record r;
	size_t off, i;

	for (off = 0; flight_parse_record(d + off, len - off, &r);
	    off += r.len) {
		if (r.epoch == 0)
			continue;
		ck_assert_uint_ge(r.len, 13 + 8 + 8);
		ck_assert_uint_eq(be(d + off + 13, 8), r.seq);
		for (i = 0; i < n->nseen; i++)
			ck_assert(!(n->seen[i].side == sd->index &&
			    n->seen[i].peer == peer &&
			    n->seen[i].epoch == r.epoch &&
			    n->seen[i].seq == r.seq));
		ck_assert_uint_lt(n->nseen, SEEN_MAX);
		n->seen[n->nseen].side = sd->index;
		n->seen[n->nseen].peer = peer;
		n->seen[n->nseen].epoch = r.epoch;
		n->seen[n->nseen].seq = r.seq;
		n->nseen++;
		sd->last_seq = r.seq;
	}
	ck_assert_uint_eq(off, len);
}

/* Move what from sent to to; returns whether anything was there. */
static bool
pump_one(struct net *n, struct side *from, struct side *to)
{
	uint8_t buf[PMTU];
	struct smsdtls_peer dst, src;
	struct smsdtls_send_info info;
	size_t len;
	bool moved = false;

	while (smsdtls_mem_pop(from->mem, &dst, buf, sizeof(buf), &len,
	    &info) == SMSDTLS_OK) {
		moved = true;
		if (info.handshake)
			from->hs_out++;
		else
			from->app_out++;
		if (n->log)
			check_records(n, from, dst.u.id & ~FLIP, buf, len);
		if (n->drop)
			continue;
		smsdtls_peer_mem(&src, dst.u.id ^ FLIP);
		smsdtls_endpoint_input(to->ep, &src, buf, len, n->now);
	}
	return moved;
}

static void
pump(struct net *n)
{
	int i;

	for (i = 0; i < 1000; i++)
		if (!pump_one(n, &n->c, &n->s) && !pump_one(n, &n->s, &n->c))
			return;
	ck_abort_msg("datagrams never stop");
}

/* Run the timers of both sides up to t, delivering as they send. */
static void
run_until(struct net *n, int64_t t)
{
	int64_t d, ds;

	for (;;) {
		d = smsdtls_endpoint_next_deadline(n->c.ep);
		ds = smsdtls_endpoint_next_deadline(n->s.ep);
		if (ds < d)
			d = ds;
		if (d > t)
			break;
		if (d > n->now)
			n->now = d;
		smsdtls_endpoint_on_deadline(n->c.ep, n->now);
		smsdtls_endpoint_on_deadline(n->s.ep, n->now);
		pump(n);
	}
	if (t > n->now)
		n->now = t;
}

static struct smsdtls_peer
mem_peer(uint32_t id)
{
	struct smsdtls_peer p;

	smsdtls_peer_mem(&p, id);
	return p;
}

/* A new handshake with peer: new keys, records start over. */
static void
forget_records(struct net *n, uint32_t peer)
{
	size_t i, j = 0;

	for (i = 0; i < n->nseen; i++)
		if (n->seen[i].peer != peer)
			n->seen[j++] = n->seen[i];
	n->nseen = j;
}

/* The client connects to server peer mem:id; both sessions come up. */
static struct smsdtls_session *
connect_to(struct net *n, uint32_t id, struct smsdtls_session **ssp)
{
	struct smsdtls_peer peer = mem_peer(id);
	struct smsdtls_session *cs;
	unsigned c0 = n->c.connected, s0 = n->s.connected;

	forget_records(n, id);

	ck_assert_rc(smsdtls_connect(n->c.ep, &peer, n->now, &cs),
	    SMSDTLS_OK);
	pump(n);
	ck_assert_uint_eq(n->c.connected, c0 + 1);
	ck_assert_uint_eq(n->s.connected, s0 + 1);
	if (ssp != NULL)
		*ssp = n->s.session;
	return cs;
}

/* s sends text; the other side gets it as its latest datagram. */
static void
send_text(struct net *n, struct smsdtls_session *s, struct side *to,
    const char *text)
{
	unsigned d0 = to->data;

	ck_assert_rc(smsdtls_session_send(s, (const uint8_t *)text,
	    strlen(text), n->now), SMSDTLS_OK);
	pump(n);
	ck_assert_uint_ge(to->data, d0 + 1);
	ck_assert_uint_eq(to->last_len, strlen(text));
	ck_assert_mem_eq(to->last, text, strlen(text));
}

static void
stats(const struct side *sd, struct smsdtls_endpoint_stats *st)
{
	smsdtls_endpoint_get_stats(sd->ep, st);
}

/* CRC-32 (IEEE 802.3), to forge blobs whose checksum is right. */
static uint32_t
crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffff;
	int k;

	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? crc >> 1 ^ 0xedb88320 : crc >> 1;
	}
	return ~crc;
}

static void
crc_fix(uint8_t *b, size_t len)
{
	uint32_t crc = crc32(b, len - 4);

	b[len - 4] = (uint8_t)(crc >> 24);
	b[len - 3] = (uint8_t)(crc >> 16);
	b[len - 2] = (uint8_t)(crc >> 8);
	b[len - 1] = (uint8_t)crc;
}

/* Offsets in a blob (docs/session.md): the peer, then the state. */
#define BLOB_PEER_LEN	16
#define BLOB_PEER	17
static size_t
blob_state(const uint8_t *b)
{
	return BLOB_PEER + b[BLOB_PEER_LEN] + 2;
}

/* ------------------------------------------------------------ round trip */

/* Import and parking need patches/wolfssl/0003 (and the replay checks
 * 0005): say so plainly when the wolfSSL in use is an older build. */
START_TEST(test_wolfssl_patched)
{
#ifndef WOLFSSL_DTLS_IMPORT_CCM_NONCE
	ck_abort_msg("this wolfSSL lacks patches/wolfssl/0003-0005: rebuild "
	    "it (./bootstrap deps)");
#endif
}
END_TEST

/*
 * Both ends are exported, both processes "restart" (new endpoint
 * objects), both sessions are imported: data goes both ways at once, not
 * one handshake datagram is sent, and each side's records carry on
 * SMSDTLS_EXPORT_SEQ_JUMP past the last one it sent before.
 */
START_TEST(test_round_trip)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer peer;
	uint8_t cb[SMSDTLS_SESSION_EXPORT_MAX], sb[SMSDTLS_SESSION_EXPORT_MAX];
	size_t clen, slen, hs0;
	uint64_t cseq, sseq;
	int gen;

	net_open(&n, 0, 0);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	n.s.echo = true;
	send_text(&n, cs, &n.s, "before");
	ck_assert_uint_eq(n.c.data, 1);
	for (gen = 0; gen < 2; gen++) {
		ck_assert_rc(smsdtls_session_export(cs, cb, sizeof(cb), &clen),
		    SMSDTLS_OK);
		ck_assert_rc(smsdtls_session_export(ss, sb, sizeof(sb), &slen),
		    SMSDTLS_OK);
		ck_assert_uint_le(clen, SMSDTLS_SESSION_EXPORT_MAX);
		cseq = n.c.last_seq;
		sseq = n.s.last_seq;
		side_restart(&n.c);
		side_restart(&n.s);
		ck_assert_rc(smsdtls_endpoint_import(n.c.ep, cb, clen, n.now,
		    &cs), SMSDTLS_OK);
		ck_assert_rc(smsdtls_endpoint_import(n.s.ep, sb, slen, n.now,
		    &ss), SMSDTLS_OK);
		ck_assert(smsdtls_session_established(cs));
		ck_assert(smsdtls_session_established(ss));
		peer = mem_peer(1);
		ck_assert(smsdtls_peer_equal(smsdtls_session_peer(cs), &peer));
		ck_assert_ptr_eq(smsdtls_endpoint_find(n.c.ep, &peer), cs);
		stats(&n.s, &st);
		ck_assert_uint_eq(st.sessions, 1);
		ck_assert_uint_eq(st.handshakes_ok, 0);
		ck_assert_uint_eq(n.c.connected + n.s.connected, 2);
		hs0 = n.c.hs_out + n.s.hs_out;
		send_text(&n, cs, &n.s, gen == 0 ? "after" : "again");
		ck_assert_uint_eq(n.c.data, 2 + gen);
		ck_assert_uint_eq(n.c.hs_out + n.s.hs_out, hs0);
		ck_assert_uint_eq(n.c.last_seq,
		    cseq + 1 + SMSDTLS_EXPORT_SEQ_JUMP);
		ck_assert_uint_eq(n.s.last_seq,
		    sseq + 1 + SMSDTLS_EXPORT_SEQ_JUMP);
	}
	ck_assert_uint_eq(n.c.errors + n.s.errors, 0);
	net_close(&n);
}
END_TEST

/*
 * A record replayed to the server is dropped (RFC 6347 section 4.1.2.6;
 * patches/wolfssl/0005), and still is after the server's session went
 * through an export and an import: the replay window goes with it.
 */
START_TEST(test_replays_dropped)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_peer from = mem_peer(1 ^ FLIP);
	uint8_t rec[3][PMTU], b[SMSDTLS_SESSION_EXPORT_MAX];
	size_t len[3], blen;
	int i, round;

	net_open(&n, 0, 0);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	for (i = 0; i < 3; i++) {
		ck_assert_rc(smsdtls_session_send(cs, (const uint8_t *)"abc" + i,
		    1, n.now), SMSDTLS_OK);
		ck_assert_rc(smsdtls_mem_pop(n.c.mem, NULL, rec[i], PMTU,
		    &len[i], NULL), SMSDTLS_OK);
		smsdtls_endpoint_input(n.s.ep, &from, rec[i], len[i], n.now);
	}
	ck_assert_uint_eq(n.s.data, 3);
	for (round = 0; round < 2; round++) {
		for (i = 2; i >= 0; i--)
			smsdtls_endpoint_input(n.s.ep, &from, rec[i], len[i],
			    n.now);
		ck_assert_uint_eq(n.s.data, 3);
		ck_assert_rc(smsdtls_session_export(ss, b, sizeof(b), &blen),
		    SMSDTLS_OK);
		side_restart(&n.s);
		ck_assert_rc(smsdtls_endpoint_import(n.s.ep, b, blen, n.now,
		    &ss), SMSDTLS_OK);
	}
	send_text(&n, cs, &n.s, "new");
	ck_assert_uint_eq(n.s.data, 4);
	net_close(&n);
}
END_TEST

/* Export is refused before the handshake ends, for a closed session and
 * into a short buffer, and then writes nothing. */
START_TEST(test_export_refusals)
{
	struct net n;
	struct smsdtls_session *cs;
	struct smsdtls_peer peer = mem_peer(1);
	uint8_t b[SMSDTLS_SESSION_EXPORT_MAX];
	size_t len = 77, need;

	net_open(&n, 0, 0);
	net_start(&n);
	ck_assert_rc(smsdtls_connect(n.c.ep, &peer, n.now, &cs), SMSDTLS_OK);
	ck_assert_rc(smsdtls_session_export(cs, b, sizeof(b), &len),
	    SMSDTLS_AGAIN);
	ck_assert_uint_eq(len, 77);
	pump(&n);
	ck_assert_rc(smsdtls_session_export(cs, b, sizeof(b), &need),
	    SMSDTLS_OK);
	memset(b, 0xee, sizeof(b));
	ck_assert_rc(smsdtls_session_export(cs, b, need - 1, &len),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 77);
	ck_assert_uint_eq(b[0], 0xee);
	ck_assert_rc(smsdtls_session_export(NULL, b, sizeof(b), &len),
	    SMSDTLS_EINVAL);
	net_close(&n);
}
END_TEST

/* ------------------------------------------------------------ bad blobs */

/* Import must fail with want (or any error if want is OK) and leave the
 * endpoint as it was. */
static void
import_fails_at(struct side *sd, const uint8_t *b, size_t len,
    smsdtls_rc want, int line)
{
	struct smsdtls_endpoint_stats st0, st1;
	struct smsdtls_session *s = (void *)1;
	smsdtls_rc rc;

	stats(sd, &st0);
	rc = smsdtls_endpoint_import(sd->ep, b, len, sd->net->now, &s);
	if (want == SMSDTLS_OK)
		ck_assert_msg(rc != SMSDTLS_OK, "line %d: garbage imported "
		    "(len %zu)", line, len);
	else
		ck_assert_msg(rc == want, "line %d: import got %s, want %s",
		    line, smsdtls_strerror(rc), smsdtls_strerror(want));
	ck_assert_ptr_eq(s, (void *)1);
	stats(sd, &st1);
	ck_assert_mem_eq(&st0, &st1, sizeof(st0));
}

#define import_fails(sd, b, len, want)					\
	import_fails_at((sd), (b), (len), (want), __LINE__)

/* Set one byte of a copy of blob, fix the checksum, expect want. */
static void
forged_at(struct side *sd, const uint8_t *blob, size_t len, size_t off,
    uint8_t value, smsdtls_rc want, int line)
{
	uint8_t b[SMSDTLS_SESSION_EXPORT_MAX];

	memcpy(b, blob, len);
	b[off] = value;
	crc_fix(b, len);
	import_fails_at(sd, b, len, want, line);
}

#define forged(sd, blob, len, off, value, want)				\
	forged_at((sd), (blob), (len), (off), (value), (want), __LINE__)

START_TEST(test_import_rejects_garbage)
{
	struct net n;
	struct smsdtls_session *cs;
	uint8_t blob[SMSDTLS_SESSION_EXPORT_MAX], b[SMSDTLS_SESSION_EXPORT_MAX];
	uint64_t seed = 11;
	size_t len, i, st;
	int bit;

	net_open(&n, 0, 0);
	net_start(&n);
	cs = connect_to(&n, 1, NULL);
	ck_assert_rc(smsdtls_session_export(cs, blob, sizeof(blob), &len),
	    SMSDTLS_OK);
	side_restart(&n.c);
	/* Every truncation, every single bit flipped. */
	for (i = 0; i < len; i++)
		import_fails(&n.c, blob, i, SMSDTLS_OK);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, blob, len);
			b[i] ^= (uint8_t)(1 << bit);
			import_fails(&n.c, b, len, SMSDTLS_OK);
		}
	/* Random bytes, some with the right magic and version. */
	for (i = 0; i < 300; i++) {
		size_t l = test_rand(&seed) % sizeof(b);

		for (size_t j = 0; j < l; j++)
			b[j] = (uint8_t)test_rand(&seed);
		if (i % 2 == 0 && l > 5)
			memcpy(b, "SDTX\001", 5);
		if (i % 4 == 0 && l > 4)
			crc_fix(b, l);
		import_fails(&n.c, b, l, SMSDTLS_OK);
	}
	/* Well-formed checksums over bad contents. */
	forged(&n.c, blob, len, 4, 2, SMSDTLS_EUNSUPP);	/* version */
	forged(&n.c, blob, len, 5, 1, SMSDTLS_EINVAL);	/* server's */
	forged(&n.c, blob, len, 6, 1, SMSDTLS_EINVAL);	/* RPK's */
	forged(&n.c, blob, len, 5, 7, SMSDTLS_EPROTO);	/* no role */
	forged(&n.c, blob, len, 7, 2, SMSDTLS_EPROTO);	/* flags */
	forged(&n.c, blob, len, 9, 0, SMSDTLS_EPROTO);	/* epoch 0 */
	forged(&n.c, blob, len, BLOB_PEER, 9, SMSDTLS_EPROTO);
	forged(&n.c, blob, len, BLOB_PEER_LEN, 200, SMSDTLS_EPROTO);
	st = blob_state(blob);
	forged(&n.c, blob, len, st - 1, (uint8_t)(blob[st - 1] - 1),
	    SMSDTLS_EPROTO);			/* state length */
	forged(&n.c, blob, len, st, 0x5a, SMSDTLS_EPROTO); /* not wolfSSL's */
	forged(&n.c, blob, len, st + 5, 61, SMSDTLS_EPROTO); /* options len */
	/* wolfSSL's options (export format 5): side, suite, handshake
	 * done; wolfSSL takes them, the import checks them. */
	forged(&n.c, blob, len, st + 6 + 17, 0, SMSDTLS_ETLS);
	forged(&n.c, blob, len, st + 6 + 50, 0x2f, SMSDTLS_ETLS);
	forged(&n.c, blob, len, st + 6 + 53, 0, SMSDTLS_ETLS);
	/* No sequence numbers left for the jump. */
	memcpy(b, blob, len);
	memset(b + 10, 0xff, 6);
	crc_fix(b, len);
	import_fails(&n.c, b, len, SMSDTLS_ELIMIT);
	/* The endpoint is untouched: the real blob still imports. */
	ck_assert_rc(smsdtls_endpoint_import(n.c.ep, blob, len, n.now, &cs),
	    SMSDTLS_OK);
	n.s.echo = true;
	send_text(&n, cs, &n.s, "still fine");
	net_close(&n);
}
END_TEST

/* A session for that peer already there, the other role, a full server. */
START_TEST(test_import_conflicts)
{
	struct net n;
	struct smsdtls_session *ss[2];
	uint8_t b[2][SMSDTLS_SESSION_EXPORT_MAX];
	size_t len[2];
	int i;

	net_open(&n, 0, 0);
	net_start(&n);
	for (i = 0; i < 2; i++) {
		connect_to(&n, (uint32_t)(i + 1), &ss[i]);
		ck_assert_rc(smsdtls_session_export(ss[i], b[i], sizeof(b[i]),
		    &len[i]), SMSDTLS_OK);
	}
	/* The session is there already. */
	import_fails(&n.s, b[0], len[0], SMSDTLS_EINVAL);
	/* A server's session into a client. */
	import_fails(&n.c, b[0], len[0], SMSDTLS_EINVAL);
	/* A server that may hold one session. */
	n.s.cfg.max_sessions = 1;
	side_restart(&n.s);
	ck_assert_rc(smsdtls_endpoint_import(n.s.ep, b[0], len[0], n.now,
	    NULL), SMSDTLS_OK);
	import_fails(&n.s, b[1], len[1], SMSDTLS_ELIMIT);
	net_close(&n);
}
END_TEST

/* The library's own guard: a record whose sequence number was used
 * already (here because the session's count was pushed ahead, as an
 * import without the jump would leave wolfSSL behind it) is not sent,
 * and the session fails. */
START_TEST(test_reused_sequence_refused)
{
	struct net n;
	struct smsdtls_session *cs;
	size_t out0;

	net_open(&n, 0, 0);
	net_start(&n);
	cs = connect_to(&n, 1, NULL);
	cs->tx_next += 3;
	out0 = n.c.app_out;
	ck_assert_rc(smsdtls_session_send(cs, (const uint8_t *)"x", 1, n.now),
	    SMSDTLS_ETLS);
	pump(&n);
	ck_assert_uint_eq(n.c.app_out, out0);
	ck_assert_uint_eq(n.s.data, 0);
	ck_assert_uint_eq(n.c.errors, 1);
	net_close(&n);
}
END_TEST

/* -------------------------------------------------------------- parking */

/* A parked server session wakes for a datagram from the client, delivers
 * it, and parks again after another quiet park_after_ms. */
START_TEST(test_park_wake_on_input)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_endpoint_stats st;

	net_open(&n, 0, MIN_MS);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	n.s.echo = true;
	send_text(&n, cs, &n.s, "hello");
	ck_assert(!smsdtls_session_parked(ss));
	run_until(&n, n.now + MIN_MS - 1);
	ck_assert(!smsdtls_session_parked(ss));
	run_until(&n, n.now + 1);
	ck_assert(smsdtls_session_parked(ss));
	stats(&n.s, &st);
	ck_assert_uint_eq(st.parked, 1);
	ck_assert_uint_eq(st.sessions, 1);
	ck_assert_uint_eq(smsdtls_session_max_payload(ss), 104);
	send_text(&n, cs, &n.s, "wake up");
	ck_assert_uint_eq(n.c.data, 2);		/* the echo came back */
	ck_assert(!smsdtls_session_parked(ss));
	stats(&n.s, &st);
	ck_assert_uint_eq(st.parked, 0);
	ck_assert_uint_eq(st.unparks, 1);
	run_until(&n, n.now + MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	send_text(&n, cs, &n.s, "and again");
	stats(&n.s, &st);
	ck_assert_uint_eq(st.unparks, 2);
	ck_assert_uint_eq(n.c.errors + n.s.errors, 0);
	net_close(&n);
}
END_TEST

/* The application sends on a parked session: it wakes and sends. */
START_TEST(test_park_wake_on_send)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_endpoint_stats st;

	net_open(&n, MIN_MS, MIN_MS);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	send_text(&n, cs, &n.s, "hello");
	run_until(&n, n.now + 11 * MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	ck_assert(smsdtls_session_parked(cs));
	send_text(&n, ss, &n.c, "from the server");
	stats(&n.s, &st);
	ck_assert_uint_eq(st.unparks, 1);
	stats(&n.c, &st);
	ck_assert_uint_eq(st.unparks, 1);
	ck_assert(!smsdtls_session_parked(cs));
	send_text(&n, cs, &n.s, "from the client");
	net_close(&n);
}
END_TEST

/*
 * Datagrams that come to nothing (garbage, a replayed record, an empty
 * one) leave a parked session parked and do not refresh it: its idle
 * deadline stays where it was.
 */
START_TEST(test_parked_garbage)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer from = mem_peer(1 ^ FLIP);
	uint8_t junk[PMTU], rec[PMTU];
	uint64_t seed = 3;
	int64_t deadline;
	size_t len;
	int i;

	net_open(&n, 0, MIN_MS);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	/* Keep a copy of a real record to replay. */
	ck_assert_rc(smsdtls_session_send(cs, (const uint8_t *)"r", 1, n.now),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_mem_pop(n.c.mem, NULL, rec, sizeof(rec), &len,
	    NULL), SMSDTLS_OK);
	smsdtls_endpoint_input(n.s.ep, &from, rec, len, n.now);
	ck_assert_uint_eq(n.s.data, 1);
	run_until(&n, n.now + MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	deadline = smsdtls_endpoint_next_deadline(n.s.ep);
	for (i = 0; i < 100; i++) {
		size_t l = test_rand(&seed) % sizeof(junk);

		for (size_t j = 0; j < l; j++)
			junk[j] = (uint8_t)test_rand(&seed);
		if (i % 2 == 0 && l > 13) {
			memcpy(junk, rec, 13);	/* a plausible header */
			junk[11] = 0;
			junk[12] = (uint8_t)(l - 13);
		}
		n.now += 1000;
		smsdtls_endpoint_input(n.s.ep, &from, junk, l, n.now);
		smsdtls_endpoint_input(n.s.ep, &from, rec, len, n.now);
	}
	ck_assert(smsdtls_session_parked(ss));
	ck_assert_uint_eq(n.s.data, 1);
	ck_assert_uint_eq(smsdtls_endpoint_next_deadline(n.s.ep), deadline);
	stats(&n.s, &st);
	ck_assert_uint_eq(st.unparks, 0);
	ck_assert_uint_eq(st.parked, 1);
	/* Nothing but its handshake: HVR, SH + SHD, CCS + Finished. */
	ck_assert_uint_eq(n.s.hs_out + n.s.app_out, 3);
	send_text(&n, cs, &n.s, "real");
	net_close(&n);
}
END_TEST

/*
 * Right after the handshake the server keeps its WOLFSSL object (and the
 * copy of its last flight there) until the client shows it has that
 * flight, or until a handshake deadline has passed.
 */
START_TEST(test_park_waits_for_last_flight)
{
	struct net n;
	struct smsdtls_session *ss;
	int64_t t0;

	net_open(&n, 0, MIN_MS);
	net_start(&n);
	t0 = n.now;
	connect_to(&n, 1, &ss);
	run_until(&n, t0 + 5 * MIN_MS);
	ck_assert(!smsdtls_session_parked(ss));
	run_until(&n, t0 + 10 * MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	net_close(&n);
}
END_TEST

/* A parked session still ends at its idle timeout, with close_notify. */
START_TEST(test_parked_idle_timeout)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_endpoint_stats st;
	int64_t t0;

	net_open(&n, 0, MIN_MS);
	n.s.cfg.idle_timeout_ms = 30 * MIN_MS;
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	send_text(&n, cs, &n.s, "hello");
	t0 = n.now;
	run_until(&n, t0 + 2 * MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	run_until(&n, t0 + 30 * MIN_MS - 1);
	ck_assert_uint_eq(n.s.closed, 0);
	run_until(&n, t0 + 30 * MIN_MS);
	ck_assert_uint_eq(n.s.closed, 1);
	ck_assert_uint_eq(n.c.closed, 1);	/* got the close_notify */
	stats(&n.s, &st);
	ck_assert_uint_eq(st.sessions, 0);
	ck_assert_uint_eq(st.parked, 0);
	net_close(&n);
}
END_TEST

/* Parked sessions count against max_sessions: a new client and an
 * import are turned away. */
START_TEST(test_parked_count_in_caps)
{
	struct net n;
	struct smsdtls_session *cs[2], *ss[2];
	struct smsdtls_endpoint_stats st;
	struct smsdtls_peer third = mem_peer(3);
	uint8_t b[SMSDTLS_SESSION_EXPORT_MAX];
	size_t len;
	int i;

	net_open(&n, 0, MIN_MS);
	n.s.cfg.max_sessions = 2;
	net_start(&n);
	for (i = 0; i < 2; i++) {
		cs[i] = connect_to(&n, (uint32_t)(i + 1), &ss[i]);
		send_text(&n, cs[i], &n.s, "hello");
	}
	run_until(&n, n.now + 2 * MIN_MS);
	stats(&n.s, &st);
	ck_assert_uint_eq(st.parked, 2);
	ck_assert_rc(smsdtls_session_export(ss[0], b, sizeof(b), &len),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_connect(n.c.ep, &third, n.now, NULL), SMSDTLS_OK);
	pump(&n);
	ck_assert_uint_eq(n.c.connected, 2);
	stats(&n.s, &st);
	ck_assert_uint_gt(st.drop_cap_sessions, 0);
	ck_assert_uint_eq(st.sessions, 2);
	/* A server that restarted with one session restored is full too:
	 * the third client's retransmitted ClientHello is dropped. */
	n.s.cfg.max_sessions = 1;
	side_restart(&n.s);
	ck_assert_rc(smsdtls_endpoint_import(n.s.ep, b, len, n.now, NULL),
	    SMSDTLS_OK);
	stats(&n.s, &st);
	ck_assert_uint_eq(st.parked, 1);	/* parked at once */
	run_until(&n, n.now + MIN_MS);
	stats(&n.s, &st);
	ck_assert_uint_gt(st.drop_cap_sessions, 0);
	ck_assert_uint_eq(st.sessions, 1);
	ck_assert_uint_eq(n.c.connected, 2);
	net_close(&n);
}
END_TEST

/* Parking changes nothing for resumption: a client whose parked session
 * closed comes back with an abbreviated handshake. */
START_TEST(test_parked_resumption)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	size_t hs0;

	net_open(&n, MIN_MS, MIN_MS);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	send_text(&n, cs, &n.s, "hello");
	run_until(&n, n.now + 11 * MIN_MS);
	ck_assert(smsdtls_session_parked(cs));
	ck_assert(smsdtls_session_parked(ss));
	smsdtls_session_close(cs, n.now);
	pump(&n);
	ck_assert_uint_eq(n.s.closed, 1);
	hs0 = n.c.hs_out + n.s.hs_out;
	cs = connect_to(&n, 1, &ss);
	ck_assert_uint_eq(n.c.resumed, 1);
	ck_assert_uint_eq(n.s.resumed, 1);
	ck_assert_uint_eq(n.c.hs_out + n.s.hs_out - hs0, 4);
	send_text(&n, cs, &n.s, "resumed");
	net_close(&n);
}
END_TEST

/* A new PSK store (a reload) keeps parked sessions, like the others,
 * and still forgets the resumable ones. */
START_TEST(test_parked_psk_store_swap)
{
	static const char other_file[] =
	    "device-0002 00112233445566778899aabbccddeeff\n";
	struct smsdtls_psk_store *other;
	struct net n;
	struct smsdtls_session *cs, *ss;

	net_open(&n, 0, MIN_MS);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	send_text(&n, cs, &n.s, "hello");
	run_until(&n, n.now + 2 * MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	ck_assert_uint_eq(sesscache_count(n.s.ep->scache), 1);
	ck_assert_rc(smsdtls_psk_store_parse(other_file, strlen(other_file),
	    &other, NULL, 0), SMSDTLS_OK);
	smsdtls_endpoint_set_psk_store(n.s.ep, other);
	ck_assert_uint_eq(sesscache_count(n.s.ep->scache), 0);
	ck_assert(smsdtls_session_parked(ss));
	send_text(&n, cs, &n.s, "still here");
	ck_assert(!smsdtls_session_parked(ss));
	net_close(&n);
	smsdtls_psk_store_free(other);
}
END_TEST

/* A parked session exports without waking; imported into an endpoint
 * that parks, it is parked at once and wakes for the client. */
START_TEST(test_export_parked)
{
	struct net n;
	struct smsdtls_session *cs, *ss;
	struct smsdtls_endpoint_stats st;
	uint8_t b[SMSDTLS_SESSION_EXPORT_MAX];
	size_t len;

	net_open(&n, 0, MIN_MS);
	net_start(&n);
	cs = connect_to(&n, 1, &ss);
	n.s.echo = true;
	send_text(&n, cs, &n.s, "hello");
	run_until(&n, n.now + 2 * MIN_MS);
	ck_assert(smsdtls_session_parked(ss));
	ck_assert_rc(smsdtls_session_export(ss, b, sizeof(b), &len),
	    SMSDTLS_OK);
	ck_assert(smsdtls_session_parked(ss));
	stats(&n.s, &st);
	ck_assert_uint_eq(st.unparks, 0);
	side_restart(&n.s);
	ck_assert_rc(smsdtls_endpoint_import(n.s.ep, b, len, n.now, &ss),
	    SMSDTLS_OK);
	ck_assert(smsdtls_session_parked(ss));
	stats(&n.s, &st);
	ck_assert_uint_eq(st.parked, 1);
	send_text(&n, cs, &n.s, "restored");
	ck_assert_uint_eq(n.c.data, 2);
	stats(&n.s, &st);
	ck_assert_uint_eq(st.unparks, 1);
	net_close(&n);
}
END_TEST

/* --------------------------------------------------------------- memory */

/* Bytes in use by malloc. */
static size_t
heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks;
}

/* The number of sessions of the memory test: SMSDTLS_MEM_SESSIONS, or
 * 10,000 (1,000 under AddressSanitizer, which is slower and whose
 * allocator mallinfo2 does not see). */
static unsigned
mem_sessions(void)
{
	const char *e = getenv("SMSDTLS_MEM_SESSIONS");
	long v = e != NULL ? strtol(e, NULL, 10) : 0;

	if (v > 0 && v <= 1000000)
		return (unsigned)v;
#ifdef __SANITIZE_ADDRESS__
	return 1000;
#else
	return 10000;
#endif
}

/*
 * A server with many established sessions, first awake, then parked:
 * what each costs (malloc's bytes in use, the server's share: the client
 * closes each session once it is up and keeps one to resume).  A parked
 * one must stay well under 1 KiB.
 */
START_TEST(test_memory_per_session)
{
	struct net n;
	struct smsdtls_session *cs;
	struct smsdtls_endpoint_stats st;
	unsigned i, count = mem_sessions();
	size_t m0, m1, m2, m3;
	double awake, parked, cache;

	net_open(&n, 0, MIN_MS);
	n.log = false;
	n.s.cfg.max_sessions = count + 1;
	n.s.cfg.max_half_open = 4;
	net_start(&n);
	/* Warm up malloc's arenas and wolfSSL's globals. */
	cs = connect_to(&n, FLIP - 1, NULL);
	smsdtls_session_close(cs, n.now);
	pump(&n);
	m0 = heap_used();
	for (i = 1; i <= count; i++) {
		cs = connect_to(&n, i, NULL);
		n.drop = true;	/* the server keeps its end */
		smsdtls_session_close(cs, n.now);
		pump(&n);
		n.drop = false;
	}
	m1 = heap_used();
	run_until(&n, n.now + 11 * MIN_MS);
	m2 = heap_used();
	stats(&n.s, &st);
	ck_assert_uint_eq(st.sessions, count);
	ck_assert_uint_eq(st.parked, count);
	ck_assert_uint_eq(sesscache_count(n.s.ep->scache), count + 1);
	sesscache_flush(n.s.ep->scache);
	m3 = heap_used();
	awake = ((double)m1 - (double)m0) / count;
	parked = ((double)m2 - (double)m0) / count;
	cache = ((double)m2 - (double)m3) / count;
#ifndef __SANITIZE_ADDRESS__
	printf("memory: %u server sessions: %.0f bytes each awake, %.0f "
	    "parked, of which %.0f for the resumption cache\n", count,
	    awake, parked, cache);
	ck_assert_double_gt(awake, 4 * 1024);
	ck_assert_double_lt(parked, 1024);
#else
	/* AddressSanitizer has its own allocator: mallinfo2 sees none. */
	(void)awake;
	(void)parked;
	(void)cache;
#endif
	net_close(&n);
}
END_TEST

static Suite *
export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_add_test(tc, test_wolfssl_patched);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_replays_dropped);
	tcase_add_test(tc, test_export_refusals);
	tcase_add_test(tc, test_import_rejects_garbage);
	tcase_add_test(tc, test_import_conflicts);
	tcase_add_test(tc, test_reused_sequence_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("park");
	tcase_add_test(tc, test_park_wake_on_input);
	tcase_add_test(tc, test_park_wake_on_send);
	tcase_add_test(tc, test_parked_garbage);
	tcase_add_test(tc, test_park_waits_for_last_flight);
	tcase_add_test(tc, test_parked_idle_timeout);
	tcase_add_test(tc, test_parked_count_in_caps);
	tcase_add_test(tc, test_parked_resumption);
	tcase_add_test(tc, test_parked_psk_store_swap);
	tcase_add_test(tc, test_export_parked);
	suite_add_tcase(s, tc);
	tc = tcase_create("memory");
	tcase_add_test(tc, test_memory_per_session);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(export_suite)
