/*
 * atmodem.h - one virtual mobile station as an AT-command modem speaking
 * 3GPP TS 27.005 in PDU mode: the subset libgammu 1.42 and the gammu
 * command line use (identification, initialisation, AT+CMGF, AT+CPMS,
 * AT+CSCA, AT+CNMI with +CMTI/+CMT/+CDS/+CDSI, AT+CMGS, AT+CMGL, AT+CMGR,
 * AT+CMGD, with echo), plus the failure modes a real modem has.
 *
 * Sans-IO: bytes the terminal (libgammu) writes go in with
 * atmodem_input(); everything the modem says comes out through the write
 * callback.  SMS the SMSC delivers to the station go in with
 * atmodem_deliver() (call it from the station's smsc_deliver_cb); the
 * modem stores them in its "SM" memory and announces them as AT+CNMI
 * asks.  Submits go to the SMSC core with smsc_submit().  Times are the
 * SMSC's (monotonic milliseconds).  Single-threaded.
 *
 * Framing (V.250): every byte of a command line is echoed as it arrives
 * while echo is on (ATE1, the power-on default, which libgammu needs to
 * match replies); a line ends with CR; LF is ignored, BS edits, ESC
 * drops the line.  Answers are CR LF <line> CR LF, then one final result
 * code: OK, ERROR, +CME ERROR: <n> (as AT+CMEE says) or +CMS ERROR: <n>.
 * Lines longer than 1024 characters, unknown commands and bad syntax get
 * ERROR.  AT+CMGS=<length> prompts CR LF "> "; the hex PDU that follows
 * (echoed, SMSC prefix included, <length> counting the TPDU only) ends
 * with Ctrl-Z, or ESC drops it with OK.  A bad PDU gets +CMS ERROR: 304,
 * a refusal by the SMSC the code smsc_last_cms_error() gives.
 *
 * Storage: one memory, "SM", of conf->slots slots, indexes from 1.
 * SMS-DELIVERs and STATUS-REPORTs are stored REC UNREAD and become REC
 * READ once +CMGR or +CMGL shows them; an empty slot reads as OK alone,
 * an index out of range gives +CMS ERROR: 321.  Nothing is ever stored
 * as sent or unsent.
 *
 * Indications (AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>): mt 1 or 3 gives
 * +CMTI: "SM",<index>, mt 2 routes the message as +CMT: ,<length> and
 * its PDU without storing it; ds 2 gives +CDSI: "SM",<index>, ds 1 routes
 * the report as +CDS: <length> and its PDU.  An unsolicited result code
 * never splits a response: while a command line is being typed or run,
 * or the prompt is open, it is held (up to 4 KiB) and written after the
 * final result code.  Mode 0 gives none.  A +CMT/+CDS that cannot be
 * given (mode 0, mute, hold full) is stored instead.  With AT+CSMS=1 a
 * +CMT/+CDS expects AT+CNMA; the core has no RP layer, so a missing one
 * changes nothing.
 *
 * SIM PIN (conf->pin): AT+CPIN? says "SIM PIN" until AT+CPIN="<pin>"
 * (then READY); a wrong PIN gives +CME ERROR: 16, the third one leaves
 * the SIM at "SIM PUK" (+CME ERROR: 12 from then on).  Meanwhile the SMS
 * commands (+CMGS, +CMGL, +CMGR, +CMGD, +CPMS, +CSCA) answer +CMS ERROR:
 * 311; messages are still stored.  The SIM locks again when the modem
 * comes back from being unplugged.
 *
 * Memory full: when the last slot fills, the modem takes its station
 * offline in the core (if it was online), as a network that got RP-ERROR
 * "memory capacity exceeded" holds further messages at the SMSC, where
 * they wait subject to their VP; when a slot frees (AT+CMGD) it brings
 * the station back and the waiting messages come in.  Meanwhile the
 * station still submits (the modem lets its own submits through) and
 * AT+CREG? still says registered.  A station someone else took offline
 * is left alone.  A message delivered anyway is dropped and counted.  A
 * host that also switches the station (line closed, scheduled outage)
 * shares that one switch: it should keep the station offline while
 * atmodem_full() is true, and take it offline again if the modem's
 * release (on AT+CMGD) came during an outage of its own.
 */
#ifndef SMSC_ATMODEM_H
#define SMSC_ATMODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smsdtls/rc.h>
#include <smsdtls/sms.h>

#include "smsc/smsc.h"

struct atmodem;

/* The modem's output: echo, responses, URCs.  data is borrowed. */
typedef void (*atmodem_write_cb)(void *arg, const uint8_t *data, size_t len);

struct atmodem_conf {
	const char *manufacturer;	/* AT+CGMI */
	const char *model;		/* AT+CGMM */
	const char *revision;		/* AT+CGMR */
	const char *imei;		/* AT+CGSN */
	const char *imsi;		/* AT+CIMI */
	const char *smsc_number;	/* AT+CSCA?, e.g. "+447785016005" */
	size_t	slots;			/* SM memory size (AT+CPMS) */
	const char *pin;		/* NULL, or the SIM's PIN: 4-8 digits */
};

/*
 * Failure modes, to test a bearer's recovery.  They touch the serial
 * line only: messages keep arriving and are stored, but a mute modem
 * (SILENT, GONE) announces nothing, and the indications it would have
 * given are lost.
 */
enum atmodem_fault {
	ATMODEM_FAULT_NONE = 0,
	ATMODEM_FAULT_SILENT = 1,	/* no output at all; input swallowed,
					 * even mid-command or mid-prompt;
					 * afterwards the modem has lost the
					 * half-typed line or PDU */
	ATMODEM_FAULT_CMS_ERROR = 2,	/* AT+CMGS answers +CMS ERROR <cms>
					 * after a well-formed PDU, which
					 * never reaches the SMSC */
	ATMODEM_FAULT_GONE = 3		/* unplugged: as SILENT, and the
					 * host closes the line while
					 * atmodem_gone() says so; it comes
					 * back with its power-on settings
					 * (ATZ), messages kept */
};

/* Defaults: a plausible model and IMEI, SMSC +447785016005, 30 slots,
 * no PIN.  The manufacturer and model names match no entry of libgammu's
 * vendor and model tables ("Nokia", "Siemens", ... there switch on
 * quirks). */
void	atmodem_conf_default(struct atmodem_conf *conf);

/*
 * A modem for station st of sc.  conf is copied (strings too: printable,
 * no '"', under 64 characters; smsc_number a number of 1-20 digits with
 * an optional '+'; slots 1..1000; pin NULL or 4-8 digits; else
 * SMSDTLS_EINVAL).  write is called only from within atmodem_input()
 * and atmodem_deliver().  The caller
 * frees the modem with atmodem_free() before freeing sc; a station the
 * modem holds offline for memory full is then put back online.
 */
smsdtls_rc atmodem_new(struct smsc *sc, struct smsc_station *st,
	    const struct atmodem_conf *conf, atmodem_write_cb write, void *arg,
	    struct atmodem **mp);
void	atmodem_free(struct atmodem *m);

/* Bytes from the terminal, in any chunking. */
void	atmodem_input(struct atmodem *m, const uint8_t *data, size_t len,
	    int64_t now);

/* The SMSC delivers tpdu (SMS-DELIVER or SMS-STATUS-REPORT, no SMSC
 * prefix) to the station: routed to the TE or stored and announced, as
 * AT+CNMI asks; dropped and counted if memory is full, or if tpdu is
 * empty or too long to fit SMSDTLS_PDU_MAX with the SMSC prefix. */
void	atmodem_deliver(struct atmodem *m, enum smsdtls_tpdu_type type,
	    const uint8_t *tpdu, size_t len, int64_t now);

/*
 * Inject a fault from now until until (SMSC time; INT64_MAX: until
 * cleared with ATMODEM_FAULT_NONE).  cms is the +CMS ERROR code for
 * ATMODEM_FAULT_CMS_ERROR (e.g. 331 no network, 198 VP format; outside
 * 1..999, 500).  The end is noticed at the next atmodem_input() or
 * atmodem_deliver() at or after until; a new fault replaces the old.
 */
void	atmodem_set_fault(struct atmodem *m, enum atmodem_fault fault,
	    int cms, int64_t until);

/* True while an ATMODEM_FAULT_GONE fault is on: the host should close
 * the line and reopen it when it ends. */
bool	atmodem_gone(const struct atmodem *m, int64_t now);

/* Messages stored in the modem's memory now. */
size_t	atmodem_stored(const struct atmodem *m);

/* Messages atmodem_deliver() had to drop (memory full, bad TPDU). */
uint64_t atmodem_dropped(const struct atmodem *m);

/* True while every slot is used (the modem then holds its station
 * offline, if it was online when the last slot filled). */
bool	atmodem_full(const struct atmodem *m);

#endif /* SMSC_ATMODEM_H */
