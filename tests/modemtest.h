/*
 * modemtest.h - a harness for the libgammu bearer's integration tests
 * (check_modem.c, check_modem_faults.c): smsdtls-smsc with two stations
 * on AT modems (pseudo-terminals behind stable symlinks), one
 * struct modem per station in a libevent loop, and a record of every
 * callback.
 *
 * Each test runs in its own process (Check's fork mode) and starts its
 * own SMSC; a failed test leaves its directory (configuration, the
 * SMSC's TPDU log, the modems' logs, libgammu's debug logs) behind and
 * names it.
 */
#ifndef SMSDTLS_MODEMTEST_H
#define SMSDTLS_MODEMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <event2/event.h>

#include "modem/modem.h"

#define MT_NUM_A	"+447700900456"
#define MT_NUM_B	"+447700900123"
#define MT_SMSC		"+447785016005"

/* Stations "a" to "f" at most. */
#define MT_STATIONS_MAX	6

#define MT_MAX_EVENTS	64

/* What a modem's callbacks reported, in order. */
struct mt_rx {
	uint8_t	tpdu[SMSDTLS_PDU_MAX];
	size_t	len;
	uint64_t handle;
};

struct mt_tx {
	uint64_t id;
	smsdtls_rc rc;
	int	mr;
	uint32_t vp;
	int64_t	at;		/* mt_now() */
};

struct mt_modem {
	const char *name;
	struct modem *m;
	char	logpath[256];		/* every log line of the modem */
	struct modem_conf conf;
	bool	auto_accept;
	struct mt_rx rx[MT_MAX_EVENTS];
	size_t	nrx;
	struct mt_tx tx[MT_MAX_EVENTS];
	size_t	ntx;
	enum modem_health health[MT_MAX_EVENTS];
	size_t	nhealth;
};

/* Milliseconds since the SMSC was started (its fault clock). */
int64_t	mt_now(void);

/*
 * A fresh directory, then smsdtls-smsc with n stations "a", "b", ... on
 * pty modems (symlinks DIR/modem-a, ...), each section followed by the
 * extra lines given as the n further arguments (faults; "" for none).
 * Returns once every symlink exists.
 */
void	mt_smsc_start(size_t n, ...);

/* The MSISDN of station "a" to "f" ("+447700900456" for "a"). */
const char *mt_number(const char *station);

/*
 * A fresh directory and an AT modem served by this process, from the
 * shared event base (the bearer's worker is another process): a station
 * of an in-process SMSC core whose SIM wants pin (NULL: none).  Returns
 * the pty's path.
 */
const char *mt_sim_start(const char *pin);

/* DIR/name into buf. */
const char *mt_path(const char *name, char *buf, size_t len);

/* Test settings for the modem on station "a" or "b": short timeouts,
 * libgammu's debug log in the directory. */
void	mt_conf(struct modem_conf *c, const char *station);

/* Start a modem with conf on the shared event base. */
void	mt_modem_new(struct mt_modem *t, const char *name,
	    const struct modem_conf *conf);
void	mt_modem_free(struct mt_modem *t);

struct event_base *mt_base(void);

/* Run the loop until pred(arg) holds or ms pass; returns pred(arg). */
bool	mt_run_until(bool (*pred)(void *), void *arg, int64_t ms);
/* Run the loop until *n >= want or ms pass. */
bool	mt_wait_count(const size_t *n, size_t want, int64_t ms);
/* Run the loop until both a and b have listed their storage once
 * more (fails after 5 s). */
void	mt_wait_sweeps(struct mt_modem *a, struct mt_modem *b);
/* Run the loop for ms. */
void	mt_run_for(int64_t ms);
/* Run until t's health is h (after at least `after` reports). */
bool	mt_wait_health(struct mt_modem *t, enum modem_health h, size_t after,
	    int64_t ms);

/*
 * An SMS-SUBMIT to `to` with 16-bit ports src -> dst, 8-bit data, the
 * relative TP-VP vp, TP-SRR if srr; returns its length.
 */
size_t	mt_submit_tpdu(const char *to, uint16_t src, uint16_t dst,
	    const uint8_t *payload, size_t plen, uint8_t vp, bool srr,
	    uint8_t *buf);

/* True if the tests' log of t mentions text. */
bool	mt_log_has(const struct mt_modem *t, const char *text);

#endif /* SMSDTLS_MODEMTEST_H */
