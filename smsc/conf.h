/*
 * conf.h - smsdtls-smsc's configuration file: an INI-like file with one
 * [smsc] section (the SMSC and the default link behaviour of every
 * station) and one [station +MSISDN] section per virtual mobile station
 * (its overrides, how it is reachable, scheduled faults).  The keywords
 * are documented in man/smsdtls-smsc.8; the routing core's own settings
 * are those of struct smsc_conf (smsc/smsc.h, docs/smsc.md).
 *
 * Errors are reported as "file:line: reason", every one of them, before
 * the parse fails.
 */
#ifndef SMSC_CONF_H
#define SMSC_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "smsc/smsc.h"

#define CONF_PATH_MAX		1024
#define CONF_STR_MAX		64
#define CONF_MSISDN_MAX		(SMSDTLS_ADDR_DIGITS_MAX + 2)
#define CONF_EVENTS_MAX		16
#define CONF_STATIONS_MAX	10000
#define CONF_NEVER		INT64_MAX

/* A scheduled change to one station, times in ms since the start. */
enum conf_event_kind {
	CONF_EV_OFFLINE = 0,	/* smsc_station_set_online(false) */
	CONF_EV_REJECT = 1,	/* smsc_station_reject(cms) */
	CONF_EV_FAULT = 2	/* atmodem_set_fault(fault, cms) */
};

struct conf_event {
	uint8_t	kind;		/* enum conf_event_kind */
	uint8_t	fault;		/* enum atmodem_fault, for FAULT */
	int	cms;		/* REJECT; FAULT with cms-error */
	int64_t	at;
	int64_t	until;		/* CONF_NEVER: for good */
	int	line;
};

struct conf_station {
	char	msisdn[CONF_MSISDN_MAX + 1]; /* as written */
	int	line;		/* of its section header */
	struct smsc_station_conf sconf; /* effective, after conf_parse */
	bool	modem;		/* modem = pty */
	char	modem_link[CONF_PATH_MAX]; /* symlink to the pty, or "" */
	bool	link;		/* link = yes */
	char	manufacturer[CONF_STR_MAX];	/* "": default */
	char	model[CONF_STR_MAX];
	char	revision[CONF_STR_MAX];
	char	imei[CONF_STR_MAX];
	char	imsi[CONF_STR_MAX];
	size_t	slots;		/* 0 = atmodem default */
	struct conf_event ev[CONF_EVENTS_MAX];
	size_t	nev;

	/* Parser state: keywords given in this section (net overrides). */
	struct smsc_station_conf over;
	uint32_t over_set;
	uint64_t seen;
};

struct conf {
	struct smsc_conf smsc;
	char	smsc_number[CONF_MSISDN_MAX + 1]; /* AT+CSCA, "": default */
	bool	auto_station;	/* a HELLO may add a station */
	char	link_path[CONF_PATH_MAX];	/* Unix socket, "": none */
	int	link_tcp;	/* port on 127.0.0.1, 0 = none */
	char	pcap_path[CONF_PATH_MAX];	/* "" = none */
	char	log_path[CONF_PATH_MAX];	/* "" = none, "stderr" */
	struct conf_station *st;
	size_t	nst;

	uint64_t seen;		/* parser state: [smsc] keywords given */
};

/* Defaults: smsc_conf_default(), nothing reachable, no files. */
void	conf_init(struct conf *conf);
void	conf_free(struct conf *conf);

/*
 * Parse the file at path into conf (which conf_init() prepared).  Each
 * error goes to errs as "path:line: reason"; returns the number of
 * errors (0: conf is complete and checked).  A file that cannot be
 * opened is one error, with line 0 left out.
 */
int	conf_parse(struct conf *conf, const char *path, FILE *errs);

/* Check what the command line may have changed (paths, ports); errors
 * to errs, returns their number. */
int	conf_check(const struct conf *conf, FILE *errs);

/* Write conf back in the file's syntax, every value explicit. */
void	conf_dump(const struct conf *conf, FILE *fp);

/* Parse a duration ("0", "250ms", "20s", "5m", "24h", "2d") into ms;
 * false if malformed or above max. */
bool	conf_duration(const char *s, int64_t max, int64_t *ms);

#endif /* SMSC_CONF_H */
