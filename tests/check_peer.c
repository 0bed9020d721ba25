/*
 * check_peer.c - transport peers (constructors, equality, text form,
 * sockaddr conversion) and the UDP and in-memory transports, the UDP one
 * over real sockets on 127.0.0.1.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/testutil.h"

static struct smsdtls_peer
sms_peer(const char *number, const char *cc, uint16_t port, uint16_t local)
{
	struct smsdtls_peer p;

	ck_assert_rc(smsdtls_peer_sms(&p, number, cc, port, local),
	    SMSDTLS_OK);
	return p;
}

static struct sockaddr_in
sin4(const char *ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	return sin;
}

static struct sockaddr_in6
sin6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 s6;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6.sin6_addr), 1);
	return s6;
}

static struct smsdtls_peer
udp_peer4(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = sin4(ip, port);
	struct smsdtls_peer p;

	ck_assert_rc(smsdtls_peer_udp(&p, &sin, sizeof(sin)), SMSDTLS_OK);
	return p;
}

static struct smsdtls_peer
udp_peer6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 s6 = sin6(ip, port);
	struct smsdtls_peer p;

	ck_assert_rc(smsdtls_peer_udp(&p, &s6, sizeof(s6)), SMSDTLS_OK);
	return p;
}

/* Leave a pattern on the stack where a callee's locals will be. */
static void __attribute__((noinline))
dirty_stack(int c)
{
	volatile uint8_t junk[4096];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)c;
}

static void
assert_format(const struct smsdtls_peer *p, const char *want)
{
	char buf[80];

	memset(buf, 'z', sizeof(buf));
	smsdtls_peer_format(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

/* ------------------------------------------------------------- peers */

START_TEST(test_sms_international)
{
	struct smsdtls_peer p = sms_peer("+447700900123", NULL, 5684, 16001);

	ck_assert_uint_eq(p.kind, SMSDTLS_PEER_SMS);
	ck_assert_uint_eq(p.port, 5684);
	ck_assert_uint_eq(p.local_port, 16001);
	ck_assert_uint_eq(p.u.msisdn.ton, SMSDTLS_TON_INTERNATIONAL);
	ck_assert_uint_eq(p.u.msisdn.npi, SMSDTLS_NPI_E164);
	ck_assert_str_eq(p.u.msisdn.text, "447700900123");
	ck_assert_uint_eq(p.ip_family, 0);
}
END_TEST

/* National, "00" and '+' forms meet in one peer, byte for byte. */
START_TEST(test_sms_forms_meet)
{
	static const struct {
		const char *number, *cc;
	} forms[] = {
		{ "+447700900123", NULL },
		{ "+447700900123", "49" },
		{ "07700900123", "44" },
		{ "00447700900123", NULL },
		{ "447700900123", NULL },
	};
	struct smsdtls_peer ref, p;
	size_t i;

	memset(&ref, 0xaa, sizeof(ref));
	ck_assert_rc(smsdtls_peer_sms(&ref, "+447700900123", NULL, 1, 2),
	    SMSDTLS_OK);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		/* Different garbage first: the constructor zeroes it all. */
		memset(&p, (int)(0x11 * (i + 1)), sizeof(p));
		dirty_stack((int)(0x11 * (i + 1)));
		ck_assert_rc(smsdtls_peer_sms(&p, forms[i].number, forms[i].cc,
		    1, 2), SMSDTLS_OK);
		ck_assert_msg(smsdtls_peer_equal(&p, &ref), "%s",
		    forms[i].number);
		ck_assert_mem_eq(&p, &ref, sizeof(p));
	}
	/* Another country code makes another subscriber. */
	p = sms_peer("07700900123", "49", 1, 2);
	ck_assert_str_eq(p.u.msisdn.text, "497700900123");
	ck_assert(!smsdtls_peer_equal(&p, &ref));
}
END_TEST

START_TEST(test_sms_errors)
{
	struct smsdtls_peer p, before;

	memset(&p, 0x5c, sizeof(p));
	before = p;
	/* National without a country code: no international form. */
	ck_assert_rc(smsdtls_peer_sms(&p, "07700900123", NULL, 0, 0),
	    SMSDTLS_EADDR);
	ck_assert_rc(smsdtls_peer_sms(&p, "07700900123", "", 0, 0),
	    SMSDTLS_EADDR);
	ck_assert_rc(smsdtls_peer_sms(&p, "+44 7700", NULL, 0, 0),
	    SMSDTLS_EADDR);
	ck_assert_rc(smsdtls_peer_sms(&p, "", NULL, 0, 0), SMSDTLS_EADDR);
	ck_assert_rc(smsdtls_peer_sms(&p, "*100#", "44", 0, 0),
	    SMSDTLS_EADDR);
	ck_assert_rc(smsdtls_peer_sms(&p, "+123456789012345678901", NULL, 0,
	    0), SMSDTLS_EADDR);
	/* Country code plus national number over 20 digits. */
	ck_assert_rc(smsdtls_peer_sms(&p, "01234567890123456789", "44", 0,
	    0), SMSDTLS_EADDR);
	/* A malformed country code is the caller's error. */
	ck_assert_rc(smsdtls_peer_sms(&p, "07700900123", "0", 0, 0),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_peer_sms(&p, "07700900123", "1234", 0, 0),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_peer_sms(&p, NULL, NULL, 0, 0), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_peer_sms(NULL, "+447700900123", NULL, 0, 0),
	    SMSDTLS_EINVAL);
	ck_assert_mem_eq(&p, &before, sizeof(p));
}
END_TEST

START_TEST(test_mem_peer)
{
	struct smsdtls_peer a, b;

	memset(&a, 0x33, sizeof(a));
	memset(&b, 0x44, sizeof(b));
	smsdtls_peer_mem(&a, 7);
	smsdtls_peer_mem(&b, 7);
	ck_assert_uint_eq(a.kind, SMSDTLS_PEER_MEM);
	ck_assert_uint_eq(a.u.id, 7);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	ck_assert(smsdtls_peer_equal(&a, &b));
	smsdtls_peer_mem(&b, 8);
	ck_assert(!smsdtls_peer_equal(&a, &b));
	smsdtls_peer_mem(NULL, 1);		/* no crash */
}
END_TEST

START_TEST(test_equal)
{
	struct smsdtls_peer s = sms_peer("+447700900123", NULL, 5684, 16001);
	struct smsdtls_peer u4 = udp_peer4("192.0.2.1", 5684);
	struct smsdtls_peer u6 = udp_peer6("2001:db8::1", 5684);
	struct smsdtls_peer m, x, none;

	smsdtls_peer_mem(&m, 5684);
	memset(&none, 0, sizeof(none));

	ck_assert(smsdtls_peer_equal(&s, &s));
	ck_assert(smsdtls_peer_equal(&u4, &u4));
	ck_assert(smsdtls_peer_equal(&u6, &u6));
	ck_assert(smsdtls_peer_equal(&none, &none));
	/* Ports: the peer's and ours. */
	ck_assert(!smsdtls_peer_equal(&s,
	    &(struct smsdtls_peer){ 0 }));
	x = sms_peer("+447700900123", NULL, 5685, 16001);
	ck_assert(!smsdtls_peer_equal(&s, &x));
	x = sms_peer("+447700900123", NULL, 5684, 16002);
	ck_assert(!smsdtls_peer_equal(&s, &x));
	x = sms_peer("+447700900124", NULL, 5684, 16001);
	ck_assert(!smsdtls_peer_equal(&s, &x));
	x = udp_peer4("192.0.2.1", 5685);
	ck_assert(!smsdtls_peer_equal(&u4, &x));
	x = udp_peer4("192.0.2.2", 5684);
	ck_assert(!smsdtls_peer_equal(&u4, &x));
	x = udp_peer6("2001:db8::2", 5684);
	ck_assert(!smsdtls_peer_equal(&u6, &x));
	/* Kinds differ; IPv4-mapped IPv6 is not the IPv4 peer. */
	ck_assert(!smsdtls_peer_equal(&s, &m));
	ck_assert(!smsdtls_peer_equal(&u4, &u6));
	ck_assert(!smsdtls_peer_equal(&u4, &m));
	x = udp_peer6("::ffff:192.0.2.1", 5684);
	ck_assert(!smsdtls_peer_equal(&u4, &x));
	/* NULLs. */
	ck_assert(!smsdtls_peer_equal(&s, NULL));
	ck_assert(!smsdtls_peer_equal(NULL, &s));
	ck_assert(smsdtls_peer_equal(NULL, NULL));
}
END_TEST

/* Bytes a kind does not use do not count: peers built by hand compare. */
START_TEST(test_equal_ignores_unused)
{
	struct smsdtls_peer u4 = udp_peer4("192.0.2.1", 5684), x;
	struct smsdtls_peer s = sms_peer("+447700900123", NULL, 1, 2);
	struct smsdtls_peer m;

	x = u4;
	memset(x.u.ip + 4, 0xee, 12);
	x.local_port = 99;
	ck_assert(smsdtls_peer_equal(&u4, &x));

	x = s;
	memset(x.u.msisdn.text + 13, 'q', sizeof(x.u.msisdn.text) - 13);
	x.ip_family = 6;
	ck_assert(smsdtls_peer_equal(&s, &x));

	smsdtls_peer_mem(&m, 3);
	x = m;
	x.port = 1;
	x.local_port = 2;
	x.ip_family = 4;
	ck_assert(smsdtls_peer_equal(&m, &x));
}
END_TEST

START_TEST(test_format)
{
	struct smsdtls_peer p, none;
	char buf[8];

	assert_format(&(struct smsdtls_peer){ 0 }, "none");
	p = sms_peer("+447700900123", NULL, 5684, 16001);
	assert_format(&p, "+447700900123:5684>16001");
	p = sms_peer("07700900123", "44", 0, 0);
	assert_format(&p, "+447700900123");
	p = sms_peer("+12345678901234567890", NULL, 65535, 65535);
	assert_format(&p, "+12345678901234567890:65535>65535");
	assert_format(&(struct smsdtls_peer){ 0 }, "none");
	p = udp_peer4("192.0.2.1", 5684);
	assert_format(&p, "192.0.2.1:5684");
	p = udp_peer4("255.255.255.255", 0);
	assert_format(&p, "255.255.255.255:0");
	p = udp_peer6("2001:db8::1", 5684);
	assert_format(&p, "[2001:db8::1]:5684");
	p = udp_peer6("::ffff:192.0.2.1", 443);
	assert_format(&p, "[::ffff:192.0.2.1]:443");
	smsdtls_peer_mem(&p, 7);
	assert_format(&p, "mem:7");
	smsdtls_peer_mem(&p, UINT32_MAX);
	assert_format(&p, "mem:4294967295");

	/* Truncated, always terminated. */
	p = sms_peer("+447700900123", NULL, 5684, 16001);
	memset(buf, 'z', sizeof(buf));
	smsdtls_peer_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "+447700");
	memset(buf, 'z', sizeof(buf));
	smsdtls_peer_format(&p, buf, 1);
	ck_assert_uint_eq(buf[0], '\0');
	ck_assert_uint_eq(buf[1], 'z');
	smsdtls_peer_format(&p, buf, 0);	/* writes nothing */
	ck_assert_uint_eq(buf[0], '\0');
	memset(&none, 0, sizeof(none));
	none.kind = SMSDTLS_PEER_UDP;
	none.ip_family = 5;
	assert_format(&none, "udp:?");
}
END_TEST

START_TEST(test_sockaddr_v4)
{
	struct sockaddr_in in = sin4("192.0.2.1", 5684), out;
	struct sockaddr_storage ss;
	struct smsdtls_peer p;
	size_t len;

	ck_assert_rc(smsdtls_peer_udp(&p, &in, sizeof(in)), SMSDTLS_OK);
	ck_assert_uint_eq(p.kind, SMSDTLS_PEER_UDP);
	ck_assert_uint_eq(p.ip_family, 4);
	ck_assert_uint_eq(p.port, 5684);
	ck_assert_mem_eq(p.u.ip, "\xc0\x00\x02\x01", 4);

	len = sizeof(ss);
	memset(&ss, 0x77, sizeof(ss));
	ck_assert_rc(smsdtls_peer_to_sockaddr(&p, &ss, &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in));
	memcpy(&out, &ss, sizeof(out));
	ck_assert_mem_eq(&out, &in, sizeof(in));

	/* Exactly the size is enough; one byte less is not. */
	len = sizeof(out);
	ck_assert_rc(smsdtls_peer_to_sockaddr(&p, &out, &len), SMSDTLS_OK);
	len = sizeof(out) - 1;
	ck_assert_rc(smsdtls_peer_to_sockaddr(&p, &out, &len),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, sizeof(out) - 1);
}
END_TEST

START_TEST(test_sockaddr_v6)
{
	struct sockaddr_in6 in = sin6("2001:db8::1", 5684), out;
	struct sockaddr_storage ss;
	struct smsdtls_peer p;
	size_t len;

	ck_assert_rc(smsdtls_peer_udp(&p, &in, sizeof(in)), SMSDTLS_OK);
	ck_assert_uint_eq(p.ip_family, 6);
	ck_assert_uint_eq(p.port, 5684);
	ck_assert_mem_eq(p.u.ip, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01",
	    16);
	len = sizeof(ss);
	ck_assert_rc(smsdtls_peer_to_sockaddr(&p, &ss, &len), SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));
	memcpy(&out, &ss, sizeof(out));
	ck_assert_mem_eq(&out, &in, sizeof(in));
	len = sizeof(struct sockaddr_in);
	ck_assert_rc(smsdtls_peer_to_sockaddr(&p, &ss, &len),
	    SMSDTLS_ETOOBIG);

	/* The flow label and scope id are not kept. */
	in.sin6_flowinfo = htonl(5);
	in.sin6_scope_id = 2;
	ck_assert_rc(smsdtls_peer_udp(&p, &in, sizeof(in)), SMSDTLS_OK);
	len = sizeof(out);
	ck_assert_rc(smsdtls_peer_to_sockaddr(&p, &out, &len), SMSDTLS_OK);
	ck_assert_uint_eq(out.sin6_flowinfo, 0);
	ck_assert_uint_eq(out.sin6_scope_id, 0);
}
END_TEST

START_TEST(test_sockaddr_errors)
{
	struct sockaddr_in in = sin4("192.0.2.1", 1);
	struct sockaddr_in6 in6 = sin6("::1", 1);
	struct sockaddr_storage ss;
	struct smsdtls_peer p, before, s;
	size_t len = sizeof(ss);

	memset(&p, 0x19, sizeof(p));
	before = p;
	ck_assert_rc(smsdtls_peer_udp(&p, &in, sizeof(in) - 1),
	    SMSDTLS_EINVAL);
	/* An IPv6 family with an IPv4-sized buffer. */
	ck_assert_rc(smsdtls_peer_udp(&p, &in6, sizeof(in)), SMSDTLS_EINVAL);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	ck_assert_rc(smsdtls_peer_udp(&p, &ss, sizeof(ss)), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_peer_udp(&p, NULL, sizeof(in)), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_peer_udp(NULL, &in, sizeof(in)), SMSDTLS_EINVAL);
	ck_assert_mem_eq(&p, &before, sizeof(p));

	/* Only UDP peers have a sockaddr. */
	s = sms_peer("+447700900123", NULL, 1, 2);
	ck_assert_rc(smsdtls_peer_to_sockaddr(&s, &ss, &len), SMSDTLS_EINVAL);
	smsdtls_peer_mem(&s, 1);
	ck_assert_rc(smsdtls_peer_to_sockaddr(&s, &ss, &len), SMSDTLS_EINVAL);
	ck_assert_uint_eq(len, sizeof(ss));
	ck_assert_rc(smsdtls_peer_to_sockaddr(NULL, &ss, &len),
	    SMSDTLS_EINVAL);
}
END_TEST

/* --------------------------------------------------- memory transport */

static void
mem_send(struct smsdtls_transport *t, const struct smsdtls_peer *to,
    const void *data, size_t len, uint32_t validity, smsdtls_rc want)
{
	struct smsdtls_send_info info;

	memset(&info, 0, sizeof(info));
	info.now = 1000 + (int64_t)len;
	info.validity = validity;
	info.handshake = (validity & 1) != 0;
	ck_assert_rc(t->ops->send(t->arg, to, data, len, &info), want);
}

START_TEST(test_mem_fifo)
{
	struct smsdtls_transport t;
	struct smsdtls_mem *mem;
	struct smsdtls_peer a, b, to;
	struct smsdtls_send_info info;
	uint8_t buf[200], big[134];
	size_t len;

	ck_assert_rc(smsdtls_mem_new(133, 3, &mem), SMSDTLS_OK);
	smsdtls_mem_transport(mem, &t);
	ck_assert_ptr_eq(t.arg, mem);
	smsdtls_peer_mem(&a, 1);
	smsdtls_peer_mem(&b, 2);
	ck_assert_uint_eq(t.ops->pmtu(t.arg, &a), 133);

	ck_assert_rc(smsdtls_mem_pop(mem, &to, buf, sizeof(buf), &len, &info),
	    SMSDTLS_AGAIN);
	memset(big, 0xbb, sizeof(big));
	mem_send(&t, &a, "first", 5, 11, SMSDTLS_OK);
	mem_send(&t, &b, big, 133, 22, SMSDTLS_OK);
	/* Over the PMTU: refused, not queued. */
	mem_send(&t, &a, big, 134, 33, SMSDTLS_ETOOBIG);
	mem_send(&t, &a, NULL, 0, 44, SMSDTLS_OK);
	/* Queue full. */
	mem_send(&t, &b, "x", 1, 55, SMSDTLS_ELIMIT);

	/* Oldest first, with peer and info. */
	ck_assert_rc(smsdtls_mem_pop(mem, &to, buf, sizeof(buf), &len, &info),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(buf, "first", 5);
	ck_assert(smsdtls_peer_equal(&to, &a));
	ck_assert_int_eq(info.now, 1005);
	ck_assert_uint_eq(info.validity, 11);
	ck_assert(info.handshake);

	/* Room again for one. */
	mem_send(&t, &b, "last", 4, 66, SMSDTLS_OK);
	mem_send(&t, &b, "x", 1, 77, SMSDTLS_ELIMIT);

	/* Too small a buffer: the datagram stays queued. */
	len = 999;
	ck_assert_rc(smsdtls_mem_pop(mem, &to, buf, 132, &len, &info),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 999);
	ck_assert_rc(smsdtls_mem_pop(mem, &to, buf, 133, &len, &info),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, 133);
	ck_assert_mem_eq(buf, big, 133);
	ck_assert(smsdtls_peer_equal(&to, &b));
	ck_assert_uint_eq(info.validity, 22);
	ck_assert(!info.handshake);

	/* An empty datagram pops with a zero-length buffer. */
	ck_assert_rc(smsdtls_mem_pop(mem, &to, NULL, 0, &len, NULL),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert(smsdtls_peer_equal(&to, &a));

	ck_assert_rc(smsdtls_mem_pop(mem, NULL, buf, sizeof(buf), &len, NULL),
	    SMSDTLS_OK);
	ck_assert_mem_eq(buf, "last", 4);
	ck_assert_rc(smsdtls_mem_pop(mem, &to, buf, sizeof(buf), &len, &info),
	    SMSDTLS_AGAIN);

	/* Freed with datagrams still queued (the sanitizer build checks). */
	mem_send(&t, &a, "left", 4, 1, SMSDTLS_OK);
	mem_send(&t, &a, "over", 4, 1, SMSDTLS_OK);
	smsdtls_mem_free(mem);
	smsdtls_mem_free(NULL);
}
END_TEST

START_TEST(test_mem_args)
{
	struct smsdtls_transport t;
	struct smsdtls_mem *mem = NULL;
	struct smsdtls_peer a;
	uint8_t buf[4];
	size_t len;

	ck_assert_rc(smsdtls_mem_new(0, 1, &mem), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_mem_new(1, 0, &mem), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_mem_new(1, 1, NULL), SMSDTLS_EINVAL);
	ck_assert_ptr_null(mem);
	ck_assert_rc(smsdtls_mem_new(4, 1, &mem), SMSDTLS_OK);
	smsdtls_mem_transport(mem, &t);
	smsdtls_peer_mem(&a, 1);
	ck_assert_rc(t.ops->send(t.arg, NULL, buf, 1, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(t.ops->send(t.arg, &a, NULL, 1, NULL), SMSDTLS_EINVAL);
	/* A NULL send info is queued as zero. */
	ck_assert_rc(t.ops->send(t.arg, &a, (const uint8_t *)"abcd", 4,
	    NULL), SMSDTLS_OK);
	ck_assert_rc(smsdtls_mem_pop(mem, NULL, NULL, 4, &len, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_mem_pop(NULL, NULL, buf, 4, &len, NULL),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_mem_pop(mem, NULL, buf, 4, &len, NULL),
	    SMSDTLS_OK);
	ck_assert_mem_eq(buf, "abcd", 4);
	smsdtls_mem_free(mem);
}
END_TEST

/* ---------------------------------------------------- UDP transport */

/* A non-blocking UDP socket bound to 127.0.0.1 on a free port. */
static int
loopback_socket(struct smsdtls_peer *self)
{
	struct sockaddr_in sin = sin4("127.0.0.1", 0);
	socklen_t len = sizeof(sin);
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	ck_assert_rc(smsdtls_peer_udp(self, &sin, len), SMSDTLS_OK);
	return fd;
}

/* Receive one datagram, retrying briefly: loopback is quick, not instant. */
static smsdtls_rc
udp_recv_wait(struct smsdtls_udp *u, uint8_t *buf, size_t buflen,
    size_t *len, struct smsdtls_peer *from)
{
	smsdtls_rc rc = SMSDTLS_AGAIN;
	int i;

	for (i = 0; i < 200; i++) {
		rc = smsdtls_udp_recv(u, buf, buflen, len, from);
		if (rc != SMSDTLS_AGAIN)
			break;
		usleep(5000);
	}
	return rc;
}

START_TEST(test_udp_loopback)
{
	struct smsdtls_peer pa, pb, from, before, mapped;
	struct smsdtls_transport ta;
	struct smsdtls_udp *ua, *ub;
	struct smsdtls_send_info info;
	uint8_t buf[300], msg[133];
	char text[32];
	size_t len = 0;
	int fa, fb;

	fa = loopback_socket(&pa);
	fb = loopback_socket(&pb);
	ck_assert(!smsdtls_peer_equal(&pa, &pb));
	ck_assert_rc(smsdtls_udp_new(fa, 133, &ua), SMSDTLS_OK);
	ck_assert_rc(smsdtls_udp_new(fb, 1200, &ub), SMSDTLS_OK);
	smsdtls_udp_transport(ua, &ta);
	ck_assert_uint_eq(ta.ops->pmtu(ta.arg, &pb), 133);
	memset(&info, 0, sizeof(info));

	/* Nothing waiting. */
	memset(&from, 0x3e, sizeof(from));
	before = from;
	ck_assert_rc(smsdtls_udp_recv(ub, buf, sizeof(buf), &len, &from),
	    SMSDTLS_AGAIN);
	ck_assert_mem_eq(&from, &before, sizeof(from));

	/* A full-PMTU datagram from a to b; b sees a's address. */
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	ck_assert_rc(ta.ops->send(ta.arg, &pb, msg, sizeof(msg), &info),
	    SMSDTLS_OK);
	ck_assert_rc(udp_recv_wait(ub, buf, sizeof(buf), &len, &from),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, sizeof(msg));
	ck_assert_mem_eq(buf, msg, sizeof(msg));
	ck_assert(smsdtls_peer_equal(&from, &pa));

	/* An IPv4-mapped peer is reached from the IPv4 socket. */
	snprintf(text, sizeof(text), "::ffff:127.0.0.1");
	mapped = udp_peer6(text, pb.port);
	ck_assert_rc(ta.ops->send(ta.arg, &mapped, msg, 3, &info),
	    SMSDTLS_OK);
	ck_assert_rc(udp_recv_wait(ub, buf, sizeof(buf), &len, &from),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert(smsdtls_peer_equal(&from, &pa));

	/* Over the PMTU: refused before the kernel sees it. */
	ck_assert_rc(ta.ops->send(ta.arg, &pb, buf, 134, &info),
	    SMSDTLS_ETOOBIG);
	/* An empty datagram. */
	ck_assert_rc(ta.ops->send(ta.arg, &pb, NULL, 0, &info), SMSDTLS_OK);
	len = 99;
	ck_assert_rc(udp_recv_wait(ub, buf, sizeof(buf), &len, &from),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_rc(smsdtls_udp_recv(ub, buf, sizeof(buf), &len, &from),
	    SMSDTLS_AGAIN);

	smsdtls_udp_free(ua);
	smsdtls_udp_free(ub);
	/* The sockets stay the caller's. */
	ck_assert_int_eq(close(fa), 0);
	ck_assert_int_eq(close(fb), 0);
}
END_TEST

START_TEST(test_udp_truncated)
{
	struct smsdtls_peer pa, pb, from, before;
	struct smsdtls_transport ta;
	struct smsdtls_udp *ua, *ub;
	uint8_t msg[100], buf[100];
	size_t len = 12345;
	int fa, fb;

	fa = loopback_socket(&pa);
	fb = loopback_socket(&pb);
	ck_assert_rc(smsdtls_udp_new(fa, 1200, &ua), SMSDTLS_OK);
	ck_assert_rc(smsdtls_udp_new(fb, 1200, &ub), SMSDTLS_OK);
	smsdtls_udp_transport(ua, &ta);
	memset(msg, 0x5a, sizeof(msg));
	ck_assert_rc(ta.ops->send(ta.arg, &pb, msg, 100, NULL), SMSDTLS_OK);
	ck_assert_rc(ta.ops->send(ta.arg, &pb, msg, 50, NULL), SMSDTLS_OK);

	/* 100 bytes into 50: dropped and reported, out-params untouched. */
	memset(&from, 0x3e, sizeof(from));
	before = from;
	ck_assert_rc(udp_recv_wait(ub, buf, 50, &len, &from),
	    SMSDTLS_ETOOBIG);
	ck_assert_uint_eq(len, 12345);
	ck_assert_mem_eq(&from, &before, sizeof(from));
	/* The next one fits exactly; the truncated one is gone. */
	ck_assert_rc(udp_recv_wait(ub, buf, 50, &len, &from), SMSDTLS_OK);
	ck_assert_uint_eq(len, 50);
	ck_assert(smsdtls_peer_equal(&from, &pa));
	ck_assert_rc(smsdtls_udp_recv(ub, buf, 50, &len, &from),
	    SMSDTLS_AGAIN);

	smsdtls_udp_free(ua);
	smsdtls_udp_free(ub);
	close(fa);
	close(fb);
}
END_TEST

START_TEST(test_udp_errors)
{
	struct smsdtls_peer pa, s, m, v6;
	struct smsdtls_transport ta;
	struct smsdtls_udp *ua = NULL;
	uint8_t buf[16];
	size_t len;
	int fa, p[2], fu;

	fa = loopback_socket(&pa);
	ck_assert_rc(smsdtls_udp_new(-1, 1200, &ua), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_udp_new(fa, 0, &ua), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_udp_new(fa, 1200, NULL), SMSDTLS_EINVAL);
	/* Not a socket; not an IP socket. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_rc(smsdtls_udp_new(p[0], 1200, &ua), SMSDTLS_EINVAL);
	close(p[0]);
	close(p[1]);
	fu = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_ge(fu, 0);
	ck_assert_rc(smsdtls_udp_new(fu, 1200, &ua), SMSDTLS_EINVAL);
	close(fu);
	ck_assert_ptr_null(ua);

	ck_assert_rc(smsdtls_udp_new(fa, 1200, &ua), SMSDTLS_OK);
	smsdtls_udp_transport(ua, &ta);
	/* Not UDP peers. */
	s = sms_peer("+447700900123", NULL, 1, 2);
	ck_assert_rc(ta.ops->send(ta.arg, &s, buf, 1, NULL), SMSDTLS_EINVAL);
	smsdtls_peer_mem(&m, 1);
	ck_assert_rc(ta.ops->send(ta.arg, &m, buf, 1, NULL), SMSDTLS_EINVAL);
	/* An IPv6 peer on an IPv4 socket: the kernel refuses, no crash. */
	v6 = udp_peer6("::1", pa.port);
	ck_assert_rc(ta.ops->send(ta.arg, &v6, buf, 1, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(ta.ops->send(ta.arg, NULL, buf, 1, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(ta.ops->send(ta.arg, &pa, NULL, 1, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_udp_recv(ua, buf, sizeof(buf), NULL, &pa),
	    SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_udp_recv(ua, NULL, 4, &len, &pa),
	    SMSDTLS_EINVAL);
	smsdtls_udp_free(ua);
	smsdtls_udp_free(NULL);

	/* A socket closed under the transport: an error, not a crash. */
	ck_assert_rc(smsdtls_udp_new(fa, 1200, &ua), SMSDTLS_OK);
	smsdtls_udp_transport(ua, &ta);
	close(fa);
	ck_assert_rc(ta.ops->send(ta.arg, &pa, buf, 1, NULL), SMSDTLS_EINVAL);
	ck_assert_rc(smsdtls_udp_recv(ua, buf, sizeof(buf), &len, &pa),
	    SMSDTLS_EINVAL);
	smsdtls_udp_free(ua);
}
END_TEST

/*
 * An IPv6 socket bound to ::ffff:127.0.0.1 (still 127.0.0.1 on the wire):
 * an IPv4 peer is sent to as IPv4-mapped, and the sender shows up as an
 * IPv4-mapped IPv6 peer.  Skipped where IPv6 sockets are unavailable.
 */
START_TEST(test_udp_v6_socket)
{
	struct sockaddr_in6 s6 = sin6("::ffff:127.0.0.1", 0);
	struct smsdtls_peer p6, pb, from, want;
	struct smsdtls_transport t6;
	struct smsdtls_udp *u6, *ub;
	socklen_t slen = sizeof(s6);
	uint8_t buf[16];
	char text[64];
	size_t len = 0;
	int f6, fb, off = 0;

	f6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (f6 == -1)
		return;
	if (setsockopt(f6, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ==
	    -1 || bind(f6, (struct sockaddr *)&s6, sizeof(s6)) == -1) {
		close(f6);
		return;
	}
	ck_assert_int_eq(getsockname(f6, (struct sockaddr *)&s6, &slen), 0);
	ck_assert_rc(smsdtls_peer_udp(&p6, &s6, slen), SMSDTLS_OK);
	fb = loopback_socket(&pb);
	ck_assert_rc(smsdtls_udp_new(f6, 1200, &u6), SMSDTLS_OK);
	ck_assert_rc(smsdtls_udp_new(fb, 1200, &ub), SMSDTLS_OK);
	smsdtls_udp_transport(u6, &t6);

	/* pb is an IPv4 peer; the IPv6 socket reaches it. */
	ck_assert_rc(t6.ops->send(t6.arg, &pb, (const uint8_t *)"hi", 2,
	    NULL), SMSDTLS_OK);
	ck_assert_rc(udp_recv_wait(ub, buf, sizeof(buf), &len, &from),
	    SMSDTLS_OK);
	ck_assert_uint_eq(len, 2);
	want = udp_peer4("127.0.0.1", p6.port);
	ck_assert(smsdtls_peer_equal(&from, &want));

	/* The reply arrives from an IPv4-mapped address, left as is. */
	smsdtls_udp_free(u6);
	ck_assert_rc(smsdtls_udp_new(fb, 1200, &u6), SMSDTLS_OK);
	smsdtls_udp_transport(u6, &t6);
	ck_assert_rc(t6.ops->send(t6.arg, &p6, (const uint8_t *)"yo", 2,
	    NULL), SMSDTLS_OK);
	smsdtls_udp_free(u6);
	ck_assert_rc(smsdtls_udp_new(f6, 1200, &u6), SMSDTLS_OK);
	ck_assert_rc(udp_recv_wait(u6, buf, sizeof(buf), &len, &from),
	    SMSDTLS_OK);
	ck_assert_uint_eq(from.ip_family, 6);
	want = udp_peer6("::ffff:127.0.0.1", pb.port);
	ck_assert(smsdtls_peer_equal(&from, &want));
	ck_assert(!smsdtls_peer_equal(&from, &pb));
	snprintf(text, sizeof(text), "[::ffff:127.0.0.1]:%u",
	    (unsigned)pb.port);
	assert_format(&from, text);
	smsdtls_udp_free(u6);
	smsdtls_udp_free(ub);
	close(f6);
	close(fb);
}
END_TEST

static Suite *
peer_suite(void)
{
	Suite *s = suite_create("peer");
	TCase *tc;

	tc = tcase_create("peers");
	tcase_add_test(tc, test_sms_international);
	tcase_add_test(tc, test_sms_forms_meet);
	tcase_add_test(tc, test_sms_errors);
	tcase_add_test(tc, test_mem_peer);
	tcase_add_test(tc, test_equal);
	tcase_add_test(tc, test_equal_ignores_unused);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_sockaddr_v4);
	tcase_add_test(tc, test_sockaddr_v6);
	tcase_add_test(tc, test_sockaddr_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("mem");
	tcase_add_test(tc, test_mem_fifo);
	tcase_add_test(tc, test_mem_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("udp");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_udp_loopback);
	tcase_add_test(tc, test_udp_truncated);
	tcase_add_test(tc, test_udp_errors);
	tcase_add_test(tc, test_udp_v6_socket);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(peer_suite)
