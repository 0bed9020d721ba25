/*
 * relay.c - the relaying gateway: DTLS passes through untouched between
 * SMS and a UDP DTLS server.  Each device gets its own UDP socket towards
 * the server, as in the terminating gateway.
 *
 * A UDP datagram may hold several DTLS records (RFC 6347 4.1.1) and be
 * larger than one SMS.  It is split at record boundaries and the records
 * are packed, in order, into as few SMS datagrams of at most the PMTU as
 * possible; a record is never split.  A record that cannot fit one SMS
 * is dropped and counted, or sent as concatenated SMS when [sms] concat
 * is on.  Handshake records carry the profile's longest retransmission
 * timeout as their validity period (the relay does not know the peers'
 * timers); application data carries [sms] app_validity.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "daemon/devices.h"
#include "daemon/smsdtlsd.h"

#define DTLS_HDR_LEN		13
#define DTLS_CT_APP_DATA	23

/* Hand one packed datagram to the device's SMS transport. */
static void
relay_emit(struct smsd_dev *v, const uint8_t *data, size_t len,
    bool handshake, int64_t now)
{
	struct smsd *d = v->d;
	struct smsdtls_transport t;
	struct smsdtls_send_info info;

	smsdtls_sms_transport(v->link->sms, &t);
	info.now = now;
	info.handshake = handshake;
	info.validity = handshake ? (d->cfg.rto_max_ms + 999) / 1000 :
	    d->o.app_validity_s;
	if (t.ops->send(t.arg, &v->peer, data, len, &info) != SMSDTLS_OK)
		smsd_drop(d, SMSD_DROP_SEND_FAILED);
}

/*
 * Split a datagram from the DTLS server into records and pack them.
 * Returns false if it does not parse as DTLS records (nothing is sent).
 */
static bool
relay_pack(struct smsd_dev *v, const uint8_t *buf, size_t len, int64_t now)
{
	struct smsdtls_transport t;
	size_t	pmtu, off, rl, start, fill;
	bool	hs;

	/* Check the framing first: all or nothing. */
	for (off = 0; off < len; off += rl) {
		if (len - off < DTLS_HDR_LEN)
			return false;
		rl = DTLS_HDR_LEN + ((size_t)buf[off + 11] << 8 |
		    buf[off + 12]);
		if (rl > len - off)
			return false;
	}
	smsdtls_sms_transport(v->link->sms, &t);
	pmtu = t.ops->pmtu(t.arg, &v->peer);
	start = fill = 0;
	hs = false;
	for (off = 0; off < len; off += rl) {
		rl = DTLS_HDR_LEN + ((size_t)buf[off + 11] << 8 |
		    buf[off + 12]);
		if (fill > 0 && fill + rl > pmtu) {
			relay_emit(v, buf + start, fill, hs, now);
			fill = 0;
			hs = false;
		}
		if (rl > pmtu && !v->d->o.concat) {
			smsd_drop(v->d, SMSD_DROP_RECORD_TOO_BIG);
			smsd_log(v->d, SMSDTLS_LOG_INFO, "%s: %zu-byte record "
			    "cannot fit one SMS: dropped", v->key, rl);
			continue;
		}
		if (fill == 0)
			start = off;
		fill += rl;
		hs = hs || buf[off] != DTLS_CT_APP_DATA;
		if (rl > pmtu) {	/* concatenated SMS, alone */
			relay_emit(v, buf + start, fill, hs, now);
			fill = 0;
			hs = false;
		}
	}
	if (fill > 0)
		relay_emit(v, buf + start, fill, hs, now);
	return true;
}

/* A datagram from the DTLS server (the device socket's input,
 * dev_open_socket()). */
static void
relay_from_server(struct smsd_dev *v, const uint8_t *data, size_t len,
    int64_t now)
{
	if (!v->has_peer)
		return;
	if (!relay_pack(v, data, len, now)) {
		smsd_drop(v->d, SMSD_DROP_MALFORMED_SMS);
		smsd_log(v->d, SMSDTLS_LOG_INFO, "%s: datagram from the DTLS "
		    "server is not DTLS records: dropped", v->key);
	}
}

void
relay_input(struct smsd_link *l, const struct smsdtls_peer *peer,
    const uint8_t *data, size_t len)
{
	struct smsd *d = l->d;
	struct smsd_dev *v;
	char	key[SMSD_KEY_MAX];

	dev_key(peer, key, sizeof(key));
	if ((v = dev_get(d, key)) == NULL) {
		smsd_drop(d, SMSD_DROP_SEND_FAILED);
		return;
	}
	v->peer = *peer;
	v->has_peer = true;
	v->link = l;
	v->last = smsd_now();
	if (v->fd < 0 && !dev_open_socket(v, relay_from_server)) {
		smsd_drop(d, SMSD_DROP_SEND_FAILED);
		return;
	}
	if (send(v->fd, data, len, 0) < 0) {
		smsd_drop(d, SMSD_DROP_SEND_FAILED);
		smsd_log(d, SMSDTLS_LOG_WARN, "%s: to the DTLS server: %s",
		    key, strerror(errno));
		return;
	}
	d->st.udp_out++;
}

smsdtls_rc
relay_start(struct smsd *d)
{
	return dev_start_sweep(d) ? SMSDTLS_OK : SMSDTLS_ENOMEM;
}

void
relay_stop(struct smsd *d)
{
	dev_free_all(d);
}
