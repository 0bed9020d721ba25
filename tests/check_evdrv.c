/*
 * check_evdrv.c - the libevent driver: two endpoints on one event base
 * over loopback UDP complete a handshake and echo a datagram in real
 * time, and the driver's timer retransmits a lost flight.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include <smsdtls/event.h>

#include "testutil.h"

static const uint8_t psk_key[16] = "0123456789abcdef";

struct side {
	int fd;
	struct smsdtls_udp *udp;
	struct smsdtls_endpoint *ep;
	struct smsdtls_evdrv *drv;
	struct event_base *base;
	unsigned connected, data;
	bool echo;
};

static void
event_cb(struct smsdtls_endpoint *ep, const struct smsdtls_event *ev,
    void *arg)
{
	struct side *s = arg;

	(void)ep;
	if (ev->type == SMSDTLS_EV_CONNECTED)
		s->connected++;
	if (ev->type != SMSDTLS_EV_DATA)
		return;
	s->data++;
	if (s->echo)
		smsdtls_session_send(ev->session, ev->data, ev->len,
		    smsdtls_evdrv_now(s->drv));
	else
		event_base_loopbreak(s->base);
}

static void
side_open(struct side *s, struct event_base *base,
    const struct smsdtls_config *cfg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct smsdtls_transport t;

	memset(s, 0, sizeof(*s));
	s->base = base;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(s->fd, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	ck_assert_rc(smsdtls_udp_new(s->fd, 133, &s->udp), SMSDTLS_OK);
	smsdtls_udp_transport(s->udp, &t);
	ck_assert_rc(smsdtls_endpoint_new(cfg, &t, event_cb, s, &s->ep),
	    SMSDTLS_OK);
	ck_assert_rc(smsdtls_evdrv_new(base, s->ep, &s->drv), SMSDTLS_OK);
	ck_assert_rc(smsdtls_evdrv_add_udp(s->drv, s->udp, s->fd),
	    SMSDTLS_OK);
}

static void
side_close(struct side *s)
{
	smsdtls_evdrv_free(s->drv);
	smsdtls_endpoint_free(s->ep);
	smsdtls_udp_free(s->udp);
	close(s->fd);
}

static void
run(struct side *cl, struct side *srv, uint32_t rto_ms, bool drop_first)
{
	static const char store_text[] =
	    "dev 30313233343536373839616263646566\n";
	struct smsdtls_psk_store *store;
	struct smsdtls_config c, s;
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct smsdtls_peer peer;
	struct smsdtls_session *cs;
	struct timeval limit = { 10, 0 };
	struct smsdtls_endpoint_stats st;

	ck_assert_ptr_nonnull(base);
	ck_assert_rc(smsdtls_psk_store_parse(store_text, strlen(store_text),
	    &store, NULL, 0), SMSDTLS_OK);
	smsdtls_config_init(&c);
	c.psk_identity = "dev";
	c.psk_key = psk_key;
	c.psk_key_len = sizeof(psk_key);
	c.rto_initial_ms = rto_ms;
	c.rto_max_ms = rto_ms * 4;
	smsdtls_config_init(&s);
	s.role = SMSDTLS_SERVER;
	s.psk_store = store;
	side_open(cl, base, &c);
	side_open(srv, base, &s);
	srv->echo = true;
	ck_assert_int_eq(getsockname(srv->fd, (struct sockaddr *)&sin, &slen),
	    0);
	ck_assert_rc(smsdtls_peer_udp(&peer, &sin, slen), SMSDTLS_OK);
	ck_assert_rc(smsdtls_connect(cl->ep, &peer,
	    smsdtls_evdrv_now(cl->drv), &cs), SMSDTLS_OK);
	if (drop_first) {
		uint8_t junk[2048];

		/* The first ClientHello is lost: read it off the server's
		 * socket before the loop can hand it to the endpoint. */
		ck_assert_int_gt(recv(srv->fd, junk, sizeof(junk), 0), 0);
	}
	smsdtls_evdrv_kick(cl->drv);
	event_base_loopexit(base, &limit);
	while (cl->connected == 0 && event_base_got_exit(base) == 0)
		event_base_loop(base, EVLOOP_ONCE);
	ck_assert_uint_eq(cl->connected, 1);
	ck_assert_rc(smsdtls_session_send(cs, (const uint8_t *)"ping", 4,
	    smsdtls_evdrv_now(cl->drv)), SMSDTLS_OK);
	smsdtls_evdrv_kick(cl->drv);
	event_base_dispatch(base);
	ck_assert_uint_eq(cl->data, 1);
	ck_assert_uint_eq(srv->data, 1);
	smsdtls_endpoint_get_stats(cl->ep, &st);
	ck_assert_uint_eq(st.retransmissions, drop_first ? 1 : 0);
	side_close(cl);
	side_close(srv);
	event_base_free(base);
	smsdtls_psk_store_free(store);
}

START_TEST(test_evdrv_udp_echo)
{
	struct side cl, srv;

	run(&cl, &srv, 1000, false);
}
END_TEST

/* Only the driver's timer can recover a lost first flight. */
START_TEST(test_evdrv_retransmits)
{
	struct side cl, srv;

	run(&cl, &srv, 200, true);
}
END_TEST

static Suite *
evdrv_suite(void)
{
	Suite *s = suite_create("evdrv");
	TCase *tc = tcase_create("udp");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_evdrv_udp_echo);
	tcase_add_test(tc, test_evdrv_retransmits);
	suite_add_tcase(s, tc);
	return s;
}

SMSDTLS_CHECK_MAIN(evdrv_suite)
