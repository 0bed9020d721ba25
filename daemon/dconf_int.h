/*
 * dconf_int.h - what the parts of smsdtlsd's config parser share: the
 * value parsers and formatters (dconf_value.c), the keyword table and the
 * dump (dconf.c, dconf_dump.c).  Not for the rest of the daemon.
 */
#ifndef SMSDTLSD_DCONF_INT_H
#define SMSDTLSD_DCONF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/dconf.h"

/* Sections. */
enum dconf_sect {
	DS_NONE = 0,
	DS_MAIN,	/* [smsdtlsd] */
	DS_SMS,
	DS_BEARER,
	DS_DTLS,
	DS_UPSTREAM,
	DS_BRIDGE,
	DS_MAP,
	DS_LIMITS,
	DS_COUNT
};

/* Masks of roles, authentication modes and bearer types. */
#define DR_GATEWAY	(1u << DCONF_GATEWAY)
#define DR_RELAY	(1u << DCONF_RELAY)
#define DR_BRIDGE	(1u << DCONF_BRIDGE)
#define DR_ALL		(DR_GATEWAY | DR_RELAY | DR_BRIDGE)
#define DA_PSK		(1u << SMSDTLS_AUTH_PSK)
#define DA_RPK		(1u << SMSDTLS_AUTH_RPK)
#define DA_X509		(1u << SMSDTLS_AUTH_X509)
#define DA_ALL		(DA_PSK | DA_RPK | DA_X509)
#define DB_LINK		(1u << DCONF_BEARER_LINK)
#define DB_GAMMU	(1u << DCONF_BEARER_GAMMU)
#define DB_ALL		(DB_LINK | DB_GAMMU)

/* Keyword flags. */
#define DK_INT		0x01	/* DV_ENUM: the field is an int */
#define DK_WDP		0x02	/* used only with wdp = on */

/* Value types. */
enum dconf_vt {
	DV_BOOL = 0,	/* bool */
	DV_ENUM,	/* uint8_t or int, index into names */
	DV_DURATION,	/* int64_t ms, min..max */
	DV_RATE,	/* struct dconf_rate */
	DV_PORT,	/* uint16_t, 1..65535 */
	DV_UINT,	/* unsigned, min..max */
	DV_PATH,	/* char[size], absolute */
	DV_NAME,	/* char[size], [A-Za-z0-9._-] */
	DV_MSISDN,	/* struct dconf_msisdn, canonicalised at the end */
	DV_DIGITS,	/* char[size], 1..size-1 digits */
	DV_HOSTPORT,	/* struct dconf_hostport */
	DV_METRICS,	/* struct dconf_hostport, or "off" */
	DV_HOST,	/* char[size], or "any" for "" */
	DV_LINKADDR,	/* struct dconf_linkaddr */
	DV_TEXT,	/* char[size], printable, the rest of the line */
	DV_IDENTITY,	/* char[size], printable, no spaces */
	DV_ALLOW	/* [limits] allow: prefixes, or "all" */
};

struct dconf_kw {
	const char	*name;
	uint8_t		 sect;		/* enum dconf_sect */
	uint8_t		 vt;		/* enum dconf_vt */
	uint8_t		 roles;		/* DR_* using it */
	uint8_t		 auths;		/* DA_*, 0: not a DTLS credential */
	uint8_t		 btypes;	/* DB_*, bearer keys */
	uint8_t		 flags;		/* DK_* */
	size_t		 off;		/* in struct dconf or dconf_bearer */
	size_t		 size;
	int64_t		 min, max;
	const char *const *names;	/* DV_ENUM, NULL-terminated */
	const char	*help;		/* what is wanted */
};

extern const struct dconf_kw dconf_keywords[];
extern const size_t dconf_nkeywords;
extern const char *const dconf_sect_names[DS_COUNT];
extern const uint8_t dconf_sect_roles[DS_COUNT];

#define DCONF_KW_MAX	64	/* >= dconf_nkeywords */

/* The parser's state (dconf.c reads lines, dconf_check.c finishes). */
struct dparse {
	struct dconf	*conf;
	const char	*path;
	FILE		*errs;
	int		 line;
	int		 nerr;
	bool		 started;	/* a section header was seen */
	bool		 skip;		/* inside a bad or repeated section */
	bool		 bad_mode;	/* role or auth had a bad value */
	uint8_t		 sect;		/* enum dconf_sect */
	size_t		 map_cap;
	int		 sect_line[DS_COUNT];	/* header lines, 0: absent */
	int		 glines[DCONF_KW_MAX];	/* where a key was set */
	int		 blines[DCONF_BEARERS_MAX][DCONF_KW_MAX];
};

/* Count an error and write "path:line: message" (line 0: "path: "). */
void	dparse_err(struct dparse *p, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Checks that need the whole file; canonical MSISDNs; sorted [map]. */
void	dparse_finish(struct dparse *p);

/* The name of an enum keyword's value in the struct at base. */
const char *dconf_enum_name(const struct dconf_kw *k, const void *base);

/* Is keyword k used by conf's role, auth mode (and bearer b's type)? */
bool	dconf_kw_used(const struct dconf_kw *k, const struct dconf *conf,
	    const struct dconf_bearer *b);

/* Value parsers: false if s is not a valid value (nothing written). */
bool	dconf_parse_bool(const char *s, bool *v);
bool	dconf_parse_uint(const char *s, uint64_t min, uint64_t max,
	    uint64_t *v);
bool	dconf_parse_duration(const char *s, int64_t min, int64_t max,
	    int64_t *ms);
bool	dconf_parse_rate(const char *s, struct dconf_rate *r);
bool	dconf_parse_path(const char *s, char *buf, size_t size);
bool	dconf_parse_name(const char *s, char *buf, size_t size);
bool	dconf_parse_host(const char *s, char *buf, size_t size);
bool	dconf_parse_hostport(const char *s, struct dconf_hostport *hp);
bool	dconf_parse_linkaddr(const char *s, struct dconf_linkaddr *la);
bool	dconf_parse_text(const char *s, bool spaces, char *buf, size_t size);
bool	dconf_parse_prefix(const char *s, char *buf, size_t size);

/* Formatters for the dump. */
void	dconf_fmt_duration(int64_t ms, char *buf, size_t size);
void	dconf_fmt_rate(const struct dconf_rate *r, char *buf, size_t size);
void	dconf_fmt_hostport(const struct dconf_hostport *hp, char *buf,
	    size_t size);

#endif /* SMSDTLSD_DCONF_INT_H */
