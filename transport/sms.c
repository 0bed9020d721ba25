/*
 * sms.c - the SMS transport: DTLS datagrams as WDP datagrams (ports in
 * the user data header, TS 23.040 9.2.3.24.4) in SMS-SUBMIT TPDUs with
 * 8-bit data (TS 23.038 section 4), each with the validity period its
 * datagram asks for in the closest format the bearer carries; received
 * SMS-DELIVERs back to datagrams (reassembled by wdp.c) and
 * SMS-STATUS-REPORTs to report records, which are counted and never
 * touch the DTLS timers (RFC 7925 Appendix A).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <smsdtls/transport.h>

#include "wdp/wdp.h"

/* TP-ST values with bit 6 set are failures (TS 23.040 9.2.3.15). */
#define ST_FAILED	0x40

struct smsdtls_sms {
	struct smsdtls_sms_config cfg;
	struct smsdtls_bearer bearer;
	struct wdp *wdp;
	struct smsdtls_sms_stats stats;
};

/* What one wdp_output() call needs to turn segments into SUBMITs. */
struct sms_out {
	struct smsdtls_sms *sms;
	const struct smsdtls_peer *peer;
	struct smsdtls_sms_submit_info info;
};

void
smsdtls_sms_config_init(struct smsdtls_sms_config *cfg)
{
	struct wdp_config w;

	wdp_config_default(&w);
	memset(cfg, 0, sizeof(*cfg));
	cfg->ports = true;
	cfg->vp_accept = SMSDTLS_VP_ACCEPT_RELATIVE;
	cfg->reasm_max_bytes = w.max_bytes;
	cfg->reasm_max_messages = w.max_reassemblies;
	cfg->reasm_max_peer_parts = w.max_peer_parts;
	cfg->reasm_timeout_ms = (uint32_t)w.reasm_timeout_ms;
}

smsdtls_rc
smsdtls_sms_new(const struct smsdtls_sms_config *cfg,
    const struct smsdtls_bearer *bearer, struct smsdtls_sms **smsp)
{
	struct smsdtls_sms *sms;
	struct wdp_config w;
	smsdtls_rc rc;

	if (cfg == NULL || bearer == NULL || bearer->submit == NULL ||
	    smsp == NULL || (cfg->vp_accept & SMSDTLS_VP_ACCEPT_ALL) == 0)
		return SMSDTLS_EINVAL;
	sms = calloc(1, sizeof(*sms));
	if (sms == NULL)
		return SMSDTLS_ENOMEM;
	sms->cfg = *cfg;
	sms->bearer = *bearer;
	wdp_config_default(&w);
	w.ports = cfg->ports;
	memcpy(w.country_code, cfg->country_code, sizeof(w.country_code));
	w.country_code[sizeof(w.country_code) - 1] = '\0';
	w.max_bytes = cfg->reasm_max_bytes;
	w.max_reassemblies = cfg->reasm_max_messages;
	w.max_peer_parts = cfg->reasm_max_peer_parts;
	w.reasm_timeout_ms = cfg->reasm_timeout_ms;
	rc = wdp_new(&w, &sms->wdp);
	if (rc != SMSDTLS_OK) {
		free(sms);
		return rc;
	}
	*smsp = sms;
	return SMSDTLS_OK;
}

void
smsdtls_sms_free(struct smsdtls_sms *sms)
{
	if (sms == NULL)
		return;
	wdp_free(sms->wdp);
	free(sms);
}

void
smsdtls_sms_set_vp_accept(struct smsdtls_sms *sms, unsigned accept)
{
	if ((accept & SMSDTLS_VP_ACCEPT_ALL) != 0)
		sms->cfg.vp_accept = accept;
}

static size_t
sms_pmtu(void *arg, const struct smsdtls_peer *peer)
{
	struct smsdtls_sms *sms = arg;

	(void)peer;
	return wdp_pmtu(sms->wdp);
}

/* Encode one WDP segment as an SMS-SUBMIT and hand it to the bearer. */
static smsdtls_rc
sms_emit(void *arg, const struct wdp_segment *seg)
{
	struct sms_out *out = arg;
	struct smsdtls_sms *sms = out->sms;
	struct smsdtls_tpdu t;
	uint8_t pdu[SMSDTLS_PDU_MAX];
	size_t len;
	smsdtls_rc rc;

	memset(&t, 0, sizeof(t));
	t.type = SMSDTLS_TPDU_SUBMIT;
	t.udhi = seg->udhi;
	t.status_report = sms->cfg.status_reports;
	t.addr = out->peer->u.msisdn;
	t.pid = 0x00;
	t.dcs = SMSDTLS_DCS_8BIT;
	t.vp = out->info.vp;
	memcpy(t.ud, seg->ud, seg->ud_len);
	t.ud_len = seg->ud_len;
	rc = smsdtls_tpdu_encode(&t, pdu, sizeof(pdu), &len, NULL);
	if (rc != SMSDTLS_OK)
		return rc;
	out->info.part = seg->seq;
	out->info.parts = seg->total;
	rc = sms->bearer.submit(sms->bearer.arg, pdu, len, &out->info);
	if (rc == SMSDTLS_OK)
		sms->stats.submits++;
	else
		sms->stats.submit_failures++;
	return rc;
}

static smsdtls_rc
sms_send(void *arg, const struct smsdtls_peer *peer, const uint8_t *data,
    size_t len, const struct smsdtls_send_info *info)
{
	struct smsdtls_sms *sms = arg;
	struct sms_out out = { .sms = sms, .peer = peer };
	struct wdp_dgram dg = { .src_port = peer->local_port,
	    .dst_port = peer->port, .data = data, .len = len };
	smsdtls_rc rc;

	if (peer->kind != SMSDTLS_PEER_SMS)
		return SMSDTLS_EINVAL;
	out.info.peer = peer;
	out.info.handshake = info->handshake;
	/* The absolute format needs a wall clock, which a transport driven
	 * by monotonic time does not have. */
	rc = smsdtls_vp_choose(info->validity > 0 ? info->validity : 1,
	    sms->cfg.vp_accept & ~SMSDTLS_VP_ACCEPT_ABSOLUTE, 0, &out.info.vp);
	if (rc == SMSDTLS_ETOOBIG)
		rc = smsdtls_vp_choose(1, sms->cfg.vp_accept &
		    ~SMSDTLS_VP_ACCEPT_ABSOLUTE, 0, &out.info.vp);
	if (rc != SMSDTLS_OK ||
	    smsdtls_vp_seconds(&out.info.vp, 0, &out.info.vp_seconds) !=
	    SMSDTLS_OK)
		return SMSDTLS_EINVAL;
	rc = wdp_output(sms->wdp, &dg, sms->cfg.concat ? WDP_OUT_CONCAT : 0,
	    sms_emit, &out);
	if (rc == SMSDTLS_ETOOBIG)
		sms->stats.drop_too_big++;
	else if (rc == SMSDTLS_OK)
		sms->stats.datagrams_out++;
	return rc;
}

static const struct smsdtls_transport_ops sms_ops = {
	.pmtu = sms_pmtu,
	.send = sms_send,
};

void
smsdtls_sms_transport(struct smsdtls_sms *sms, struct smsdtls_transport *t)
{
	t->ops = &sms_ops;
	t->arg = sms;
}

static smsdtls_rc
sms_input_deliver(struct smsdtls_sms *sms, const struct smsdtls_tpdu *t,
    int64_t now, struct smsdtls_sms_rx *rx)
{
	struct wdp_dgram dg;
	smsdtls_rc rc;

	sms->stats.delivers++;
	if (smsdtls_dcs_alphabet(t->dcs) != SMSDTLS_ALPHABET_8BIT) {
		sms->stats.drop_not_8bit++;
		return SMSDTLS_EPROTO;
	}
	rc = wdp_input(sms->wdp, &t->addr, t->udhi, t->ud, t->ud_len, now, &dg);
	if (rc == SMSDTLS_AGAIN)
		return rc;
	if (rc != SMSDTLS_OK) {
		sms->stats.drop_wdp++;
		return rc;
	}
	memset(rx, 0, sizeof(*rx));
	rx->kind = SMSDTLS_SMS_RX_DATAGRAM;
	rx->peer.kind = SMSDTLS_PEER_SMS;
	rx->peer.port = dg.src_port;
	rx->peer.local_port = dg.dst_port;
	rx->peer.u.msisdn = dg.peer;
	rx->data = dg.data;
	rx->len = dg.len;
	sms->stats.datagrams_in++;
	return SMSDTLS_OK;
}

static smsdtls_rc
sms_input_report(struct smsdtls_sms *sms, const struct smsdtls_tpdu *t,
    struct smsdtls_sms_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->kind = SMSDTLS_SMS_RX_STATUS_REPORT;
	rx->peer.kind = SMSDTLS_PEER_SMS;
	if (smsdtls_addr_canonical(&t->addr, sms->cfg.country_code,
	    &rx->peer.u.msisdn) != SMSDTLS_OK)
		rx->peer.u.msisdn = t->addr;
	rx->mr = t->mr;
	rx->st = t->st;
	sms->stats.reports++;
	if (t->st & ST_FAILED)
		sms->stats.reports_failed++;
	return SMSDTLS_OK;
}

smsdtls_rc
smsdtls_sms_input(struct smsdtls_sms *sms, const uint8_t *pdu, size_t len,
    bool with_smsc, int64_t now, struct smsdtls_sms_rx *rx)
{
	struct smsdtls_tpdu t;
	smsdtls_rc rc;

	if (sms == NULL || pdu == NULL || rx == NULL)
		return SMSDTLS_EINVAL;
	rc = smsdtls_tpdu_decode_any(pdu, len, with_smsc, &t);
	if (rc != SMSDTLS_OK) {
		sms->stats.drop_malformed++;
		return rc;
	}
	switch (t.type) {
	case SMSDTLS_TPDU_DELIVER:
		return sms_input_deliver(sms, &t, now, rx);
	case SMSDTLS_TPDU_STATUS_REPORT:
		return sms_input_report(sms, &t, rx);
	default:
		/* An SMS-SUBMIT is not for a mobile station to receive. */
		sms->stats.drop_malformed++;
		return SMSDTLS_EPROTO;
	}
}

int64_t
smsdtls_sms_expire(struct smsdtls_sms *sms, int64_t now)
{
	return wdp_expire(sms->wdp, now);
}

void
smsdtls_sms_get_stats(const struct smsdtls_sms *sms,
    struct smsdtls_sms_stats *st)
{
	*st = sms->stats;
}
