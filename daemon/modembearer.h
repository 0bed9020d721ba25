/*
 * modembearer.h - a libgammu modem (modem/modem.h) as one of smsdtlsd's
 * bearers (daemon/bearer.h), configured from a [bearer NAME] section of
 * type gammu.
 */
#ifndef DAEMON_MODEMBEARER_H
#define DAEMON_MODEMBEARER_H

#include "daemon/bearer.h"
#include "daemon/dconf.h"

smsdtls_rc modembearer_new(struct event_base *base,
    const struct dconf_bearer *conf, size_t queue_max,
    const struct bearer_cb *cb, void *arg, struct bearer **bp);

#endif /* DAEMON_MODEMBEARER_H */
