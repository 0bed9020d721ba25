/*
 * event.h - a libevent 2.1 driver for smsdtls endpoints (library
 * libsmsdtls-event, pkg-config smsdtls-event).
 *
 * libsmsdtls itself never reads the clock or arms timers.  This driver
 * does that for applications built on libevent: it keeps one timer at the
 * endpoint's next deadline, supplies the monotonic time, and can read UDP
 * sockets into the endpoint.  Everything else stays with the caller.
 */
#ifndef SMSDTLS_EVENT_H
#define SMSDTLS_EVENT_H

#include <stdint.h>

#include <event2/event.h>

#include <smsdtls/session.h>
#include <smsdtls/transport.h>

#ifdef __cplusplus
extern "C" {
#endif

struct smsdtls_evdrv;

/*
 * Drive ep from base.  Neither is owned.  Free the driver before the
 * endpoint.  SMSDTLS_ENOMEM, SMSDTLS_EINVAL.
 */
smsdtls_rc smsdtls_evdrv_new(struct event_base *base,
    struct smsdtls_endpoint *ep, struct smsdtls_evdrv **dp);
void	smsdtls_evdrv_free(struct smsdtls_evdrv *d);

/* The monotonic time in milliseconds, as the driver passes it to ep. */
int64_t	smsdtls_evdrv_now(const struct smsdtls_evdrv *d);

/* Re-arm the timer after calling into the endpoint outside the driver's
 * callbacks (smsdtls_connect, smsdtls_session_send, ...). */
void	smsdtls_evdrv_kick(struct smsdtls_evdrv *d);

/* Read every datagram that arrives on udp's socket fd into the endpoint. */
smsdtls_rc smsdtls_evdrv_add_udp(struct smsdtls_evdrv *d,
    struct smsdtls_udp *udp, int fd);

#ifdef __cplusplus
}
#endif

#endif /* SMSDTLS_EVENT_H */
