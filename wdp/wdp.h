/*
 * wdp.h - WDP over GSM SMS (WAP-259-WDP annex, 3GPP TS 23.040 9.2.3.24):
 * internal API, not installed.
 *
 * A WDP datagram is (peer address, source port, destination port,
 * payload).  Ports travel in the user data header (IEI 0x05, 16-bit, on
 * send; 0x04 and 0x05 on receive).  The layer turns datagrams into TP-UD
 * segments and received TP-UD back into datagrams, reassembling
 * concatenated SMS (IEI 0x00 and 0x08) from any peer with bounded memory.
 *
 * Contracts:
 * - Single-threaded: a struct wdp is used by one thread at a time.
 * - Sans-IO: no clock, no I/O.  Times are monotonic milliseconds supplied
 *   by the caller (now_ms); only differences between them matter.
 * - The heap is used only by wdp_new() and for reassembly (one block per
 *   message being reassembled, freed on completion, expiry or wdp_free()),
 *   and reassembly memory is capped by struct wdp_config.
 * - Every drop is counted in struct wdp_stats.
 */
#ifndef SMSDTLS_WDP_H
#define SMSDTLS_WDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

/* Path MTU of one SMS: with 16-bit ports (UDH 06 05 04 dd dd ss ss). */
#define WDP_PMTU_PORTS		133
/* Path MTU of one SMS without a user data header. */
#define WDP_PMTU_NOPORTS	140
/* Most parts in one concatenated message (the seq field is one octet). */
#define WDP_MAX_PARTS		255
/* Payload per part when sending concatenated SMS (16-bit reference):
 * 140 - UDHL - (08 04 rr rr tt ss) [- (05 04 dd dd ss ss)]. */
#define WDP_PART_PORTS		127
#define WDP_PART_NOPORTS	133
/* Largest datagram wdp_input() can deliver: 255 parts of 140 - 6. */
#define WDP_DGRAM_MAX		(WDP_MAX_PARTS * (SMSDTLS_UD_MAX - 6))

/* wdp_expire() result when nothing is pending. */
#define WDP_NO_DEADLINE		INT64_MAX

/* wdp_output() flag: allow concatenated SMS for a datagram over the PMTU. */
#define WDP_OUT_CONCAT		0x01u

struct wdp;

struct wdp_config {
	bool	ports;			/* WDP ports in the UDH (default on) */
	char	country_code[4];	/* "44"; "" if unknown */
	size_t	max_bytes;		/* reassembly memory, all messages */
	unsigned max_reassemblies;	/* messages reassembled at once */
	unsigned max_peer_parts;	/* parts held for one originator */
	int64_t	reasm_timeout_ms;	/* from the first part received */
};

/*
 * A datagram.  On input, peer is the canonical originator, the ports are
 * those of the UDH (0 when ports are disabled; 8-bit ports are widened),
 * and data points into memory owned by the wdp object: it is valid until
 * the next wdp_input() or wdp_free() on that object.  On output, peer is
 * not used (the caller addresses the SMS), and data is borrowed for the
 * call only.
 */
struct wdp_dgram {
	struct smsdtls_addr peer;
	uint16_t src_port;
	uint16_t dst_port;
	const uint8_t *data;
	size_t	len;
};

/* One SMS worth of TP-UD: UDHL + UDH + payload when udhi is set. */
struct wdp_segment {
	bool	udhi;			/* set TP-UDHI in the TPDU */
	uint8_t	seq;			/* 1..total */
	uint8_t	total;			/* 1 unless concatenated */
	size_t	ud_len;
	uint8_t	ud[SMSDTLS_UD_MAX];
};

/*
 * Called by wdp_output() once per segment, in order.  seg is valid for
 * the call only.  A result other than SMSDTLS_OK stops the output, and
 * wdp_output() returns it.
 */
typedef smsdtls_rc (*wdp_emit_cb)(void *arg, const struct wdp_segment *seg);

/* Counters.  Drops are counted once, by the first reason found. */
struct wdp_stats {
	uint64_t dgrams_in;		/* datagrams delivered by wdp_input */
	uint64_t dgrams_out;		/* datagrams fully emitted */
	uint64_t segments_in;		/* calls to wdp_input */
	uint64_t segments_out;		/* segments emitted */
	uint64_t concat_out;		/* datagrams sent concatenated */
	uint64_t drop_malformed;	/* bad UDH, UD over 140 octets */
	uint64_t drop_addr;		/* originator has no canonical form */
	uint64_t drop_no_ports;		/* no port UDH while ports are on */
	uint64_t drop_duplicate;	/* part already held */
	uint64_t drop_timeout;		/* reassemblies expired */
	uint64_t drop_inconsistent;	/* dropped: total changed */
	uint64_t drop_cap_bytes;	/* part refused: max_bytes */
	uint64_t drop_cap_reasm;	/* part refused: max_reassemblies */
	uint64_t drop_cap_peer;		/* part refused: max_peer_parts */
	uint64_t drop_nomem;		/* part refused: malloc failed */
	uint64_t reasm_active;		/* gauge: messages being reassembled */
	uint64_t reasm_bytes;		/* gauge: bytes they hold */
};

/* Association key: canonical peer MSISDN, peer port, local port. */
struct wdp_key {
	struct smsdtls_addr peer;
	uint16_t peer_port;
	uint16_t local_port;
};

/*
 * Defaults: ports on, no country code, 256 KiB of reassembly memory,
 * 32 concurrent reassemblies, 255 parts per peer, 10 minute timeout.
 */
void		wdp_config_default(struct wdp_config *cfg);

/*
 * Create a WDP object from cfg (copied, not retained).  The caller frees
 * it with wdp_free().  SMSDTLS_EINVAL for a bad country code or a
 * timeout <= 0, SMSDTLS_ENOMEM.
 */
smsdtls_rc	wdp_new(const struct wdp_config *cfg, struct wdp **wdpp);

/* Free wdp and everything it holds; NULL is a no-op. */
void		wdp_free(struct wdp *wdp);

/* PMTU of one SMS: WDP_PMTU_PORTS, or WDP_PMTU_NOPORTS without ports. */
size_t		wdp_pmtu(const struct wdp *wdp);

/* Largest datagram wdp_output() accepts with flags. */
size_t		wdp_max_dgram(const struct wdp *wdp, unsigned flags);

/*
 * Cut dg into TP-UD segments and hand each to emit.  A datagram up to
 * wdp_pmtu() goes in one SMS with a 16-bit port UDH (no UDH when ports
 * are disabled).  A larger one is refused with SMSDTLS_ETOOBIG, nothing
 * emitted, unless flags has WDP_OUT_CONCAT: then it is sent as up to 255
 * parts of concatenated SMS with a 16-bit reference taken from a counter
 * in wdp (IEI 0x08 first, then ports), each part carrying
 * WDP_PART_PORTS (or WDP_PART_NOPORTS) octets except the last.  Over
 * that, SMSDTLS_ETOOBIG and nothing emitted.  SMSDTLS_EINVAL for a NULL
 * argument.  Ports >= 49152 are not refused: the caller picks them.
 */
smsdtls_rc	wdp_output(struct wdp *wdp, const struct wdp_dgram *dg,
		    unsigned flags, wdp_emit_cb emit, void *arg);

/*
 * Feed one received SMS: its originator (TP-OA), TP-UDHI and TP-UD octets
 * (ud is borrowed).  The originator is canonicalised with the configured
 * country code.  Reassemblies past their deadline are dropped first.
 * Results:
 *   SMSDTLS_OK      *out holds a complete datagram (see struct wdp_dgram
 *                   for how long out->data lives);
 *   SMSDTLS_AGAIN   a part was stored and others are missing, or the part
 *                   was a duplicate (counted) and ignored;
 *   SMSDTLS_EUDHL, SMSDTLS_EIEOVERRUN, SMSDTLS_EIEDL, SMSDTLS_EPROTO
 *                   malformed UDH, or UD over 140 octets (EPROTO), or no
 *                   port UDH while ports are on (EPROTO): dropped, counted;
 *   SMSDTLS_EADDR   alphanumeric or otherwise unusable originator;
 *   SMSDTLS_ELIMIT  a reassembly cap was reached: the part is dropped;
 *   SMSDTLS_ENOMEM  the part is dropped, nothing else changed;
 *   SMSDTLS_EINVAL  NULL argument.
 * With ports disabled every SMS is delivered with ports 0 (the default
 * association), any port UDH being ignored.  A part whose key (peer,
 * reference, ports) matches a held message with a different total
 * replaces that message, which is dropped and counted as inconsistent.
 * *out is written only on SMSDTLS_OK.
 */
smsdtls_rc	wdp_input(struct wdp *wdp,
		    const struct smsdtls_addr *originator, bool udhi,
		    const uint8_t *ud, size_t ud_len, int64_t now_ms,
		    struct wdp_dgram *out);

/*
 * Drop the reassemblies whose deadline is at or before now_ms (counted as
 * timeouts) and return the earliest remaining deadline, or
 * WDP_NO_DEADLINE.
 */
int64_t		wdp_expire(struct wdp *wdp, int64_t now_ms);

/* Copy the counters into st. */
void		wdp_get_stats(const struct wdp *wdp, struct wdp_stats *st);

/* Key of a received datagram: peer_port = src_port, local_port = dst. */
void		wdp_key_from_dgram(const struct wdp_dgram *dg,
		    struct wdp_key *key);

/*
 * A datagram to the peer of key: dst_port = key->peer_port, src_port =
 * key->local_port.  data is borrowed by the result.
 */
void		wdp_dgram_from_key(const struct wdp_key *key,
		    const uint8_t *data, size_t len, struct wdp_dgram *dg);

/* The reply to received datagram rx: same peer, ports swapped. */
void		wdp_reply(const struct wdp_dgram *rx, const uint8_t *data,
		    size_t len, struct wdp_dgram *tx);

bool		wdp_key_equal(const struct wdp_key *a, const struct wdp_key *b);

/* Hash of key (FNV-1a mixed with seed), consistent with wdp_key_equal. */
uint32_t	wdp_key_hash(const struct wdp_key *key, uint32_t seed);

#endif /* SMSDTLS_WDP_H */
