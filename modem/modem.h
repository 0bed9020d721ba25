/*
 * modem.h - the libgammu SMS bearer: one GSM modem (AT commands over a
 * serial or USB line, 3GPP TS 27.005 PDU mode) driven through libgammu
 * from a libevent loop.
 *
 * libgammu blocks and must not be re-entered from its own callbacks, so
 * each modem runs in a worker process of its own (modem/worker.c) that
 * owns the GSM_StateMachine and talks to this side over a socketpair
 * (modem/proto.h).  The event loop never blocks on the modem: a hung
 * call is found by a watchdog, the worker is killed and started again
 * after a backoff, and the queue of outgoing messages lives on this side,
 * so nothing queued is lost when the modem is reset.
 *
 * Contracts:
 * - Single-threaded: every call is made from the thread that runs base.
 * - Only the log callback is ever called from within a call into this
 *   API; every other callback comes from the event loop.  A callback
 *   other than log may call modem_submit(), modem_accept(),
 *   modem_reset() and modem_free() on its modem; log must only log.
 * - Delivery upward is at least once: a message is deleted from the
 *   modem only after modem_accept(), so a crash anywhere before that
 *   offers it again; a crash between modem_accept() and the deletion
 *   offers it twice.  Outgoing messages are sent at least once: a
 *   SUBMIT whose outcome is unknown when the modem hangs is sent again.
 * - Times are real (CLOCK_MONOTONIC through libevent); the worker is a
 *   fork(2) of the calling process.  The caller should not ignore
 *   SIGCHLD (SIG_IGN) if it wants worker exit codes in the log.
 */
#ifndef SMSDTLS_MODEM_H
#define SMSDTLS_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include <smsdtls/rc.h>
#include <smsdtls/transport.h>

/* The VP formats this bearer carries (smsdtls_sms_config.vp_accept):
 * libgammu writes only the relative format. */
#define MODEM_VP_ACCEPT		SMSDTLS_VP_ACCEPT_RELATIVE

/* Ids at or above this are taken by the bearer adapter (modem_bearer()). */
#define MODEM_BEARER_ID_BASE	(UINT64_C(1) << 63)

struct modem;

struct modem_conf {
	char	name[32];		/* for logs and metrics */
	char	device[256];		/* e.g. /dev/ttyUSB0 or a pty symlink */
	char	connection[32];		/* gammu connection, e.g. "at115200" */
	char	pin_file[256];		/* "" = no PIN; never logged */
	char	smsc[24];		/* "" = the SIM's SMSC number */
	double	send_rate;		/* SUBMITs per second, 0 = unlimited */
	uint32_t poll_ms;		/* storage poll interval (safety net) */
	bool	status_reports;		/* request status reports */
	uint32_t call_timeout_ms;	/* watchdog: a libgammu call longer
					 * than this = hung */
	uint32_t probe_ms;		/* health probe interval */
	uint32_t backoff_min_ms, backoff_max_ms; /* reconnect backoff */
	char	reset_hook[256];	/* "" or a command run before
					 * reconnecting (e.g. a USB reset) */
	size_t	queue_max;		/* outgoing queue cap */

	/* Added to the interface the daemon codes against. */
	uint32_t connect_timeout_ms;	/* watchdog while connecting (the
					 * first AT commands of libgammu go
					 * out slowly: about 3 s) */
	uint32_t submit_timeout_ms;	/* wait for +CMGS after the PDU */
	unsigned error_limit;		/* consecutive failures (sends,
					 * probes, reads) before a reset */
	uint32_t hook_timeout_ms;	/* the reset hook is killed after */
	char	debug_log[256];		/* "" or libgammu's debug log file
					 * (the PIN is kept out of it) */
};

enum modem_health {
	MODEM_STARTING,		/* first connection under way */
	MODEM_UP,		/* connected, sending and receiving */
	MODEM_RESETTING,	/* lost; reconnecting with backoff */
	MODEM_DOWN		/* the backoff reached its maximum, or the
				 * SIM refused the PIN (then no retries) */
};

struct modem_cb {
	/*
	 * A received SMS-DELIVER or SMS-STATUS-REPORT TPDU (no SMSC
	 * prefix; borrowed for the call).  Call modem_accept(m, handle)
	 * once the layer above has taken it; until then it stays in the
	 * modem and is offered again after a worker restart.
	 */
	void	(*received)(void *arg, struct modem *m, const uint8_t *tpdu,
		    size_t len, uint64_t handle);
	/*
	 * Outcome of modem_submit(id): rc SMSDTLS_OK with the TP-MR from
	 * the modem, or the final failure (mr -1); vp_seconds is the
	 * validity period actually used.
	 */
	void	(*submitted)(void *arg, struct modem *m, uint64_t id,
		    smsdtls_rc rc, int mr, uint32_t vp_seconds);
	void	(*health)(void *arg, struct modem *m, enum modem_health h,
		    const char *why);
	void	(*log)(void *arg, int level, const char *msg);
					/* enum smsdtls_log_level */
};

struct modem_stats {
	enum modem_health health;
	uint64_t resets;		/* workers killed or lost */
	uint64_t connects;		/* connections that came up */
	uint64_t submits_ok;
	uint64_t submits_failed;	/* final failures */
	uint64_t submit_errors;		/* attempts that failed */
	uint64_t received;		/* offers made upward */
	uint64_t accepted;		/* modem_accept() calls taken */
	uint64_t deleted;		/* messages deleted from the modem */
	uint64_t rx_dropped;		/* unconvertible, deleted */
	uint64_t probes;		/* health probes answered */
	uint64_t sweeps;		/* storage listings completed */
	uint64_t hook_runs;		/* workers started with the hook */
	size_t	queue_depth;		/* outgoing, in flight included */
	int	last_cms;		/* last +CMS ERROR code, 0 if none */
	char	last_error[128];	/* last gammu error text */
	char	identity[128];		/* manufacturer, model, IMEI */
};

/* Sensible defaults: connection "at", 10 s poll, 45 s call watchdog,
 * 60 s probe, backoff 1 s to 5 min, 1000 queued, unlimited rate. */
void	modem_conf_init(struct modem_conf *c);

/*
 * Create a modem on base; conf and cb are copied, arg is passed to the
 * callbacks.  The first worker is started from the event loop.
 * SMSDTLS_EINVAL for a bad configuration (no device, a zero timeout or
 * queue cap, backoff_min_ms > backoff_max_ms, a negative rate, strings
 * not NUL-terminated, cb->received or cb->submitted missing),
 * SMSDTLS_ENOMEM.  Free with modem_free().
 */
smsdtls_rc modem_new(struct event_base *base, const struct modem_conf *conf,
	    const struct modem_cb *cb, void *arg, struct modem **mp);

/*
 * Queue one SMS-SUBMIT TPDU (no SMSC prefix; copied).  SMSDTLS_OK: it is
 * queued and never lost while the object lives (it is retried across
 * modem resets) and submitted() will report its outcome.
 * SMSDTLS_ELIMIT when the queue is full; SMSDTLS_EINVAL and the decoder's
 * codes for a TPDU that does not decode as a SUBMIT; SMSDTLS_EUNSUPP for
 * one libgammu cannot send (7-bit data, a PID other than 0 or replace,
 * a national or alphanumeric TP-DA).  Nothing is queued on error.
 */
smsdtls_rc modem_submit(struct modem *m, uint64_t id, const uint8_t *tpdu,
	    size_t len);

/* The layer above has taken the message: delete it from the modem.  A
 * handle from before a worker restart is ignored (the message has been
 * offered again under a new handle). */
void	modem_accept(struct modem *m, uint64_t handle);

void	modem_get_stats(const struct modem *m, struct modem_stats *st);

/* Kill the worker now and reconnect (after the hook, without backoff),
 * as the watchdog would; for operators and tests. */
void	modem_reset(struct modem *m, const char *why);

/* The worker's process id, or -1 while there is none. */
int	modem_worker_pid(const struct modem *m);

/* Stop the worker (SIGKILL) and free everything; queued messages are
 * dropped without callbacks.  NULL is a no-op. */
void	modem_free(struct modem *m);

/*
 * The bearer adapter: b->submit queues the TPDU with modem_submit() under
 * an id from MODEM_BEARER_ID_BASE up, which submitted() reports like any
 * other.  Configure the SMS transport with vp_accept = MODEM_VP_ACCEPT.
 */
void	modem_bearer(struct modem *m, struct smsdtls_bearer *b);

/* A static name for h ("starting", "up", "resetting", "down"). */
const char *modem_health_name(enum modem_health h);

#endif /* SMSDTLS_MODEM_H */
