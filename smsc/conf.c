/*
 * conf.c - smsdtls-smsc's configuration file parser (conf.h; keywords in
 * man/smsdtls-smsc.8).  A line is a section header ("[smsc]",
 * "[station +447700900123]"), "keyword = value", a comment ('#' or ';'
 * first) or blank.  Keywords are looked up in a sorted table; each
 * handler checks its value and reports "file:line: reason".  The parse
 * goes on after an error so that every error is reported at once.
 * Lexing, numbers and durations are util/confval.c's, shared with
 * smsdtlsd.conf's parser.
 * Station link settings given in [smsc] are defaults: a station's own
 * keywords override them whatever the order of the sections.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <smsdtls/sms.h>

#include "smsc/atmodem.h"
#include "smsc/conf.h"
#include "smsc/netmodel.h"
#include "util/confval.h"

#define LINE_MAX_LEN	1024
#define TOKENS_MAX	8
#define CMS_MAX		999
#define EPOCH_MIN	631152000LL	/* 1990-01-01T00:00:00Z */
#define EPOCH_MAX	3786911999LL	/* 2089-12-31T23:59:59Z */
#define VP_MAX_MS	(63LL * 7 * 86400 * 1000)	/* TP-VP's longest */
#define LINK_SOCKET_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

#define IN_SMSC		0x01
#define IN_STATION	0x02
#define REPEAT		0x04

/* Link settings a [station] section may override. */
enum net_bit {
	NET_LATENCY = 0x001,
	NET_LOSS = 0x002,
	NET_DUP = 0x004,
	NET_REORDER = 0x008,
	NET_HOLD = 0x010,
	NET_MO = 0x020,
	NET_MT = 0x040,
	NET_BURST = 0x080,
	NET_EVP = 0x100
};

struct parse {
	struct conf	*conf;
	const char	*path;
	FILE		*errs;
	int		 line;
	int		 nerr;
	bool		 started;	/* a section header was seen */
	bool		 skip;		/* inside a bad section */
	size_t		 cur;		/* station; SIZE_MAX: smsc */
};

/* How a keyword's value is checked, and where it goes. */
enum kw_type {
	KT_FN = 0,	/* a handler of its own */
	KT_NUM,		/* a whole number, min..max */
	KT_PROB,	/* a probability (double) */
	KT_BOOL,
	KT_TEXT,	/* printable ASCII without '"' */
	KT_DIGITS,	/* min..max decimal digits */
	KT_PATH		/* at most max octets, or "none" for "" */
};

/* What a keyword's offset is relative to. */
enum kw_base {
	KB_CONF = 0,	/* struct conf */
	KB_NET,		/* [smsc]'s defaults, a station's overrides */
	KB_STATION	/* struct conf_station */
};

struct keyword {
	const char	*name;
	uint8_t		 flags;
	uint8_t		 type;		/* enum kw_type */
	uint8_t		 base;		/* enum kw_base */
	uint16_t	 netbit;	/* KB_NET: enum net_bit */
	size_t		 off;
	size_t		 size;
	uint64_t	 min, max;
	const char	*help;		/* what is wanted, for errors */
	void		(*fn)(struct parse *, char *);
};

#define SIZEOF(t, f)	sizeof(((t *)0)->f)
#define KW_FN(name, flags, fn)						\
	{ name, flags, KT_FN, 0, 0, 0, 0, 0, 0, NULL, fn }
#define KW_CONF(name, type, field, min, max, help)			\
	{ name, IN_SMSC, type, KB_CONF, 0,				\
	  offsetof(struct conf, field),					\
	  SIZEOF(struct conf, field), min, max, help, NULL }
#define KW_NET(name, type, bit, field, min, max, help)			\
	{ name, IN_SMSC | IN_STATION, type, KB_NET, bit,		\
	  offsetof(struct smsc_station_conf, field),			\
	  SIZEOF(struct smsc_station_conf, field), min, max, help, NULL }
#define KW_ST(name, type, field, min, max, help)			\
	{ name, IN_STATION, type, KB_STATION, 0,			\
	  offsetof(struct conf_station, field),				\
	  SIZEOF(struct conf_station, field), min, max, help, NULL }

#define H_BOOL		"yes or no"
#define H_PROB		"a probability, 0..1 or 0%..100%"
#define H_PATH		"a path, or none"
#define H_TEXT		"printable, no '\"', at most 63 characters"
#define H_QUEUE		"1..100000000"
#define H_RATE		"0..600000 (0: no limit)"

static void	perr(struct parse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	perr_at(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	parse_line(struct parse *, char *);
static void	parse_header(struct parse *, char *);
static void	parse_station_header(struct parse *, char *);
static void	parse_assign(struct parse *, char *);
static size_t	split(char *, char **, size_t);
static bool	parse_prob(const char *, double *);
static bool	parse_bool(const char *, bool *);
static bool	parse_epoch(const char *, int64_t *);
static bool	parse_tz(const char *, int8_t *);
static int64_t	num_at(const char *, size_t);
static bool	parse_when(struct parse *, char **, size_t, int64_t *,
		    int64_t *);
static bool	printable(const char *);
static struct conf_station *cur_station(struct parse *);
static struct smsc_station_conf *net_target(struct parse *, uint32_t);
static void	add_event(struct parse *, const struct conf_event *);
static void	kw_value(struct parse *, const struct keyword *, char *);
static bool	value_ok(const struct keyword *, const char *, uint64_t *,
		    double *);
static void	*value_at(struct parse *, const struct keyword *);
static void	finish(struct parse *);
static void	finish_station(struct parse *, struct conf_station *,
		    size_t);
static void	dump_net(const struct smsc_station_conf *, FILE *);
static void	dump_events(const struct conf_station *, FILE *);
static void	dump_modem(const struct conf_station *, FILE *);
static void	dump_ms(FILE *, const char *, int64_t);
static int	keyword_cmp(const void *, const void *);

static void	kw_country_code(struct parse *, char *);
static void	kw_default_vp(struct parse *, char *);
static void	kw_epoch(struct parse *, char *);
static void	kw_fault(struct parse *, char *);
static void	kw_latency(struct parse *, char *);
static void	kw_modem(struct parse *, char *);
static void	kw_offline(struct parse *, char *);
static void	kw_reject(struct parse *, char *);
static void	kw_reorder_hold(struct parse *, char *);
static void	kw_report_vp(struct parse *, char *);
static void	kw_smsc_number(struct parse *, char *);
static void	kw_tz(struct parse *, char *);

/* Sorted by name for bsearch(). */
static const struct keyword keywords[] = {
	KW_CONF("auto-station", KT_BOOL, auto_station, 0, 0, H_BOOL),
	KW_NET("burst", KT_NUM, NET_BURST, burst, 1, 1000000, "1..1000000"),
	KW_FN("country-code", IN_SMSC, kw_country_code),
	KW_FN("default-vp", IN_SMSC, kw_default_vp),
	KW_NET("dup", KT_PROB, NET_DUP, net.dup, 0, 0, H_PROB),
	KW_FN("epoch", IN_SMSC, kw_epoch),
	KW_FN("fault", IN_STATION | REPEAT, kw_fault),
	KW_ST("imei", KT_DIGITS, imei, 1, 17, "1-17 digits"),
	KW_ST("imsi", KT_DIGITS, imsi, 1, 15, "1-15 digits"),
	KW_FN("latency", IN_SMSC | IN_STATION, kw_latency),
	KW_ST("link", KT_BOOL, link, 0, 0, H_BOOL),
	KW_CONF("link-socket", KT_PATH, link_path, 0, LINK_SOCKET_MAX,
	    "a path of at most 107 octets, or none"),
	KW_CONF("link-tcp", KT_NUM, link_tcp, 0, 65535,
	    "a port, 1..65535 (0: none)"),
	KW_CONF("log", KT_PATH, log_path, 0, CONF_PATH_MAX - 1,
	    "a path, stderr or none"),
	KW_NET("loss", KT_PROB, NET_LOSS, net.loss, 0, 0, H_PROB),
	KW_ST("manufacturer", KT_TEXT, manufacturer, 0, 0, H_TEXT),
	KW_CONF("max-queued", KT_NUM, smsc.max_queued, 1, 100000000,
	    H_QUEUE),
	KW_CONF("max-queued-station", KT_NUM, smsc.max_queued_station, 1,
	    100000000, H_QUEUE),
	KW_CONF("max-stations", KT_NUM, smsc.max_stations, 1, 100000000,
	    H_QUEUE),
	KW_NET("mo-per-min", KT_NUM, NET_MO, mo_per_min, 0, 600000, H_RATE),
	KW_ST("model", KT_TEXT, model, 0, 0, H_TEXT),
	KW_FN("modem", IN_STATION, kw_modem),
	KW_ST("modem-link", KT_PATH, modem_link, 0, CONF_PATH_MAX - 1,
	    H_PATH),
	KW_NET("mt-per-min", KT_NUM, NET_MT, mt_per_min, 0, 600000, H_RATE),
	KW_FN("offline", IN_STATION | REPEAT, kw_offline),
	KW_CONF("pcap", KT_PATH, pcap_path, 0, CONF_PATH_MAX - 1, H_PATH),
	KW_FN("reject", IN_STATION | REPEAT, kw_reject),
	KW_NET("reject-evp", KT_BOOL, NET_EVP, reject_evp, 0, 0, H_BOOL),
	KW_NET("reorder", KT_PROB, NET_REORDER, net.reorder, 0, 0, H_PROB),
	KW_FN("reorder-hold", IN_SMSC | IN_STATION, kw_reorder_hold),
	KW_FN("report-vp", IN_SMSC, kw_report_vp),
	KW_ST("revision", KT_TEXT, revision, 0, 0, H_TEXT),
	KW_CONF("seed", KT_NUM, smsc.seed, 0, UINT64_MAX,
	    "an unsigned 64-bit number"),
	KW_ST("slots", KT_NUM, slots, 1, 1000, "1..1000"),
	KW_FN("smsc-number", IN_SMSC, kw_smsc_number),
	KW_FN("tz", IN_SMSC, kw_tz)
};
#define NKEYWORDS	(sizeof(keywords) / sizeof(keywords[0]))
_Static_assert(NKEYWORDS <= 64, "the seen masks have 64 bits");

static const char *const fault_names[] = {
	[ATMODEM_FAULT_NONE] = "none",
	[ATMODEM_FAULT_SILENT] = "silent",
	[ATMODEM_FAULT_CMS_ERROR] = "cms-error",
	[ATMODEM_FAULT_GONE] = "gone"
};

static const char *const dist_names[] = {
	[NETMODEL_FIXED] = "fixed",
	[NETMODEL_UNIFORM] = "uniform",
	[NETMODEL_LOGNORMAL] = "lognormal"
};

void
conf_init(struct conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	smsc_conf_default(&conf->smsc);
}

void
conf_free(struct conf *conf)
{
	free(conf->st);
	conf->st = NULL;
	conf->nst = 0;
}

int
conf_parse(struct conf *conf, const char *path, FILE *errs)
{
	struct parse p = { conf, path, errs, 0, 0, false, false, SIZE_MAX };
	char line[LINE_MAX_LEN + 2];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(errs, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		p.line++;
		n = strlen(line);
		if (n > LINE_MAX_LEN) {
			perr(&p, "line longer than %d characters",
			    LINE_MAX_LEN);
			while (n > 0 && line[n - 1] != '\n' &&
			    fgets(line, sizeof(line), fp) != NULL)
				n = strlen(line);
			continue;
		}
		parse_line(&p, line);
	}
	if (ferror(fp))
		perr(&p, "read error");
	fclose(fp);
	finish(&p);
	return p.nerr;
}

int
conf_check(const struct conf *conf, FILE *errs)
{
	struct sockaddr_un sun;
	int nerr = 0;

	if (strlen(conf->link_path) >= sizeof(sun.sun_path)) {
		fprintf(errs, "link socket path longer than %zu bytes: %s\n",
		    sizeof(sun.sun_path) - 1, conf->link_path);
		nerr++;
	}
	if (conf->link_tcp < 0 || conf->link_tcp > 65535) {
		fprintf(errs, "link TCP port out of range: %d\n",
		    conf->link_tcp);
		nerr++;
	}
	return nerr;
}

void
conf_dump(const struct conf *conf, FILE *fp)
{
	const struct smsc_conf *c = &conf->smsc;
	const struct conf_station *st;
	size_t i;
	int tz = c->tz < 0 ? -c->tz : c->tz;

	fprintf(fp, "[smsc]\nseed = %llu\n", (unsigned long long)c->seed);
	fprintf(fp, "country-code = %s\n", c->country_code[0] != '\0' ?
	    c->country_code : "none");
	fprintf(fp, "epoch = %lld\n", (long long)c->epoch);
	fprintf(fp, "tz = %c%02d:%02d\n", c->tz < 0 ? '-' : '+', tz / 4,
	    tz % 4 * 15);
	dump_ms(fp, "default-vp", (int64_t)c->default_vp * 1000);
	dump_ms(fp, "report-vp", (int64_t)c->report_vp * 1000);
	fprintf(fp, "max-queued = %zu\nmax-queued-station = %zu\n"
	    "max-stations = %zu\n", c->max_queued, c->max_queued_station,
	    c->max_stations);
	fprintf(fp, "smsc-number = %s\n", conf->smsc_number[0] != '\0' ?
	    conf->smsc_number : "default");
	fprintf(fp, "auto-station = %s\n", conf->auto_station ? "yes" : "no");
	fprintf(fp, "link-socket = %s\n", conf->link_path[0] != '\0' ?
	    conf->link_path : "none");
	fprintf(fp, "link-tcp = %d\n", conf->link_tcp);
	fprintf(fp, "pcap = %s\n", conf->pcap_path[0] != '\0' ?
	    conf->pcap_path : "none");
	fprintf(fp, "log = %s\n", conf->log_path[0] != '\0' ?
	    conf->log_path : "none");
	dump_net(&c->station, fp);
	for (i = 0; i < conf->nst; i++) {
		st = &conf->st[i];
		fprintf(fp, "\n[station %s]\n", st->msisdn);
		fprintf(fp, "modem = %s\n", st->modem ? "pty" : "none");
		if (st->modem_link[0] != '\0')
			fprintf(fp, "modem-link = %s\n", st->modem_link);
		fprintf(fp, "link = %s\n", st->link ? "yes" : "no");
		dump_modem(st, fp);
		dump_net(&st->sconf, fp);
		dump_events(st, fp);
	}
}

bool
conf_duration(const char *s, int64_t max, int64_t *ms)
{
	return confval_duration(s, 0, max, ms);
}

static void
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	confval_verr(p->errs, p->path, p->line, fmt, ap);
	va_end(ap);
	p->nerr++;
}

static void
perr_at(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	confval_verr(p->errs, p->path, line, fmt, ap);
	va_end(ap);
	p->nerr++;
}

static void
parse_line(struct parse *p, char *line)
{
	char *s = confval_trim(line);

	if (*s == '\0' || *s == '#' || *s == ';')
		return;
	if (*s == '[')
		parse_header(p, s);
	else if (!p->started)
		perr(p, "'%s' outside any section", s);
	else if (!p->skip)
		parse_assign(p, s);
}

static void
parse_header(struct parse *p, char *s)
{
	char *name, *arg;

	p->started = true;
	p->skip = true;
	if ((name = confval_section(s)) == NULL) {
		perr(p, "section header without ']'");
		return;
	}
	if (strcmp(name, "smsc") == 0) {
		p->cur = SIZE_MAX;
		p->skip = false;
	} else if ((arg = confval_after_word(name, "station")) != NULL)
		parse_station_header(p, arg);
	else
		perr(p, "unknown section [%s]", name);
}

static void
parse_station_header(struct parse *p, char *msisdn)
{
	struct conf *c = p->conf;
	struct conf_station *st;
	struct smsdtls_addr a;
	size_t i;

	if (*msisdn == '\0') {
		perr(p, "[station] needs an MSISDN, as in "
		    "[station +447700900123]");
		return;
	}
	if (strlen(msisdn) > CONF_MSISDN_MAX ||
	    smsdtls_addr_parse(msisdn, &a) != SMSDTLS_OK) {
		perr(p, "station: not a phone number: %s", msisdn);
		return;
	}
	for (i = 0; i < c->nst; i++) {
		if (strcmp(c->st[i].msisdn, msisdn) == 0) {
			perr(p, "station %s: already defined at line %d",
			    msisdn, c->st[i].line);
			return;
		}
	}
	if (c->nst == CONF_STATIONS_MAX) {
		perr(p, "more than %d stations", CONF_STATIONS_MAX);
		return;
	}
	if ((st = realloc(c->st, (c->nst + 1) * sizeof(*st))) == NULL) {
		perr(p, "out of memory");
		return;
	}
	c->st = st;
	st = &c->st[c->nst];
	memset(st, 0, sizeof(*st));
	strncpy(st->msisdn, msisdn, sizeof(st->msisdn) - 1);
	st->line = p->line;
	p->cur = c->nst++;
	p->skip = false;
}

static void
parse_assign(struct parse *p, char *s)
{
	const struct keyword *kw;
	struct keyword key;
	uint64_t *seen, bit;
	char *name, *val;

	if (!confval_assign(s, &name, &val)) {
		perr(p, "expected 'keyword = value': %s", s);
		return;
	}
	key.name = name;
	kw = bsearch(&key, keywords, NKEYWORDS, sizeof(keywords[0]),
	    keyword_cmp);
	if (kw == NULL) {
		perr(p, "unknown keyword '%s'", name);
		return;
	}
	if (!(kw->flags & (p->cur == SIZE_MAX ? IN_SMSC : IN_STATION))) {
		perr(p, "'%s' belongs in %s", name, kw->flags & IN_SMSC ?
		    "[smsc]" : "a [station] section");
		return;
	}
	seen = p->cur == SIZE_MAX ? &p->conf->seen : &cur_station(p)->seen;
	bit = (uint64_t)1 << (kw - keywords);
	if (!(kw->flags & REPEAT) && (*seen & bit)) {
		perr(p, "'%s' given twice in this section", name);
		return;
	}
	*seen |= bit;
	if (*val == '\0') {
		perr(p, "%s: missing value", name);
		return;
	}
	if (kw->type == KT_FN)
		kw->fn(p, val);
	else
		kw_value(p, kw, val);
}

/* Check and store the value of a table-driven keyword. */
static void
kw_value(struct parse *p, const struct keyword *kw, char *v)
{
	uint8_t *dst;
	uint64_t n = 0;
	uint32_t u32;
	double d = 0;

	if (!value_ok(kw, v, &n, &d)) {
		perr(p, "%s: %s: %s", kw->name, kw->help, v);
		return;
	}
	dst = value_at(p, kw);
	switch (kw->type) {
	case KT_NUM:
		/* uint64_t or size_t; else uint32_t or an int, both of
		 * which hold the value range as a uint32_t does. */
		if (kw->size == sizeof(uint64_t)) {
			memcpy(dst, &n, sizeof(n));
		} else {
			u32 = (uint32_t)n;
			memcpy(dst, &u32, sizeof(u32));
		}
		break;
	case KT_PROB:
		memcpy(dst, &d, sizeof(d));
		break;
	case KT_BOOL:
		*(bool *)(void *)dst = n != 0;
		break;
	default:
		strcpy((char *)dst, strcmp(v, "none") == 0 &&
		    kw->type == KT_PATH ? "" : v);
		break;
	}
}

static bool
value_ok(const struct keyword *kw, const char *v, uint64_t *n, double *d)
{
	bool b;
	size_t len = strlen(v);

	switch (kw->type) {
	case KT_NUM:
		return confval_uint(v, kw->min, kw->max, n);
	case KT_PROB:
		return parse_prob(v, d);
	case KT_BOOL:
		if (!parse_bool(v, &b))
			return false;
		*n = b;
		return true;
	case KT_TEXT:
		return len < kw->size && printable(v);
	case KT_DIGITS:
		return len >= kw->min && len <= kw->max && len < kw->size &&
		    strspn(v, "0123456789") == len;
	default:
		return len <= kw->max && len < kw->size;
	}
}

static void *
value_at(struct parse *p, const struct keyword *kw)
{
	switch (kw->base) {
	case KB_NET:
		return (uint8_t *)net_target(p, kw->netbit) + kw->off;
	case KB_STATION:
		return (uint8_t *)cur_station(p) + kw->off;
	default:
		return (uint8_t *)p->conf + kw->off;
	}
}

/* Split s at white space into at most max tokens; returns the count, or
 * max + 1 if there are more. */
static size_t
split(char *s, char **tok, size_t max)
{
	size_t n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t", &save); t != NULL;
	    t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

/* A probability: "0.01" or "1%". */
static bool
parse_prob(const char *s, double *v)
{
	double d;
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s)
		return false;
	if (*end == '%') {
		d /= 100;
		end++;
	}
	if (*end != '\0' || !isfinite(d) || d < 0 || d > 1)
		return false;
	*v = d;
	return true;
}

/* As in smsdtlsd.conf, and "1" or "0". */
static bool
parse_bool(const char *s, bool *v)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "0") == 0) {
		*v = s[0] == '1';
		return true;
	}
	return confval_bool(s, v);
}

/* Unix seconds, or YYYY-MM-DDTHH:MM:SSZ (proleptic Gregorian, UTC). */
static bool
parse_epoch(const char *s, int64_t *v)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	int64_t y, mo, d, h, mi, se, era, yoe, doy, doe, days;
	uint64_t n;
	size_t i;

	if (confval_uint(s, EPOCH_MIN, EPOCH_MAX, &n)) {
		*v = (int64_t)n;
		return true;
	}
	if (strlen(s) != sizeof(pattern) - 1)
		return false;
	for (i = 0; pattern[i] != '\0'; i++)
		if (pattern[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != pattern[i])
			return false;
	y = num_at(s, 4);
	mo = num_at(s + 5, 2);
	d = num_at(s + 8, 2);
	h = num_at(s + 11, 2);
	mi = num_at(s + 14, 2);
	se = num_at(s + 17, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 59)
		return false;
	/* Days from civil (H. Hinnant's algorithm). */
	y -= mo <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	*v = days * 86400 + h * 3600 + mi * 60 + se;
	return *v >= EPOCH_MIN && *v <= EPOCH_MAX;
}

/* The n decimal digits at s, already checked. */
static int64_t
num_at(const char *s, size_t n)
{
	int64_t v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* "+01:00", "-03:30", "0", "Z" or "UTC": quarter-hours east of UTC. */
static bool
parse_tz(const char *s, int8_t *v)
{
	int64_t h, m;
	int q;

	if (strcmp(s, "0") == 0 || strcmp(s, "Z") == 0 ||
	    strcmp(s, "UTC") == 0) {
		*v = 0;
		return true;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    s[3] != ':' || !isdigit((unsigned char)s[4]) ||
	    !isdigit((unsigned char)s[5]))
		return false;
	h = num_at(s + 1, 2);
	m = num_at(s + 4, 2);
	if (m % 15 != 0 || m > 45)
		return false;
	q = (int)(h * 4 + m / 15) * (s[0] == '-' ? -1 : 1);
	if (q < -48 || q > 56)
		return false;
	*v = (int8_t)q;
	return true;
}

/* "at T [for D]" at tok[0..n). */
static bool
parse_when(struct parse *p, char **tok, size_t n, int64_t *at,
    int64_t *until)
{
	int64_t d;

	if ((n != 2 && n != 4) || strcmp(tok[0], "at") != 0) {
		perr(p, "expected 'at TIME [for DURATION]'");
		return false;
	}
	if (!conf_duration(tok[1], NETMODEL_DELAY_MAX * 100, at)) {
		perr(p, "bad time: %s", tok[1]);
		return false;
	}
	*until = CONF_NEVER;
	if (n == 2)
		return true;
	if (strcmp(tok[2], "for") != 0 ||
	    !conf_duration(tok[3], NETMODEL_DELAY_MAX * 100, &d) || d == 0) {
		perr(p, "expected 'for DURATION' (not 0): %s %s", tok[2],
		    tok[3]);
		return false;
	}
	*until = *at + d;
	return true;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"')
			return false;
	return true;
}

static struct conf_station *
cur_station(struct parse *p)
{
	return p->cur == SIZE_MAX ? NULL : &p->conf->st[p->cur];
}

/* The link settings a keyword changes: [smsc]'s defaults or the
 * station's overrides (recorded in over_set). */
static struct smsc_station_conf *
net_target(struct parse *p, uint32_t bit)
{
	struct conf_station *st = cur_station(p);

	if (st == NULL)
		return &p->conf->smsc.station;
	st->over_set |= bit;
	return &st->over;
}

static void
add_event(struct parse *p, const struct conf_event *ev)
{
	struct conf_station *st = cur_station(p);

	if (st->nev == CONF_EVENTS_MAX) {
		perr(p, "more than %d fault, reject and offline lines",
		    CONF_EVENTS_MAX);
		return;
	}
	st->ev[st->nev] = *ev;
	st->ev[st->nev++].line = p->line;
}

static void
finish(struct parse *p)
{
	struct conf *c = p->conf;
	struct smsc *sc;
	size_t i;

	for (i = 0; i < c->nst; i++)
		finish_station(p, &c->st[i], i);
	if (p->nerr == 0 && smsc_new(&c->smsc, &sc) != SMSDTLS_OK)
		perr_at(p, 0, "the [smsc] settings are inconsistent");
	else if (p->nerr == 0)
		smsc_free(sc);
}

/* Effective settings, reachability and a routable, unique number. */
static void
finish_station(struct parse *p, struct conf_station *st, size_t idx)
{
	const struct conf *c = p->conf;
	const char *cc = c->smsc.country_code[0] != '\0' ?
	    c->smsc.country_code : NULL;
	struct smsdtls_addr a, canon, other;
	struct smsc_station_conf *s = &st->sconf, *o = &st->over;
	size_t i;

	*s = c->smsc.station;
	if (st->over_set & NET_LATENCY)
		s->net.latency = o->net.latency;
	if (st->over_set & NET_LOSS)
		s->net.loss = o->net.loss;
	if (st->over_set & NET_DUP)
		s->net.dup = o->net.dup;
	if (st->over_set & NET_REORDER)
		s->net.reorder = o->net.reorder;
	if (st->over_set & NET_HOLD)
		s->net.reorder_hold = o->net.reorder_hold;
	if (st->over_set & NET_MO)
		s->mo_per_min = o->mo_per_min;
	if (st->over_set & NET_MT)
		s->mt_per_min = o->mt_per_min;
	if (st->over_set & NET_BURST)
		s->burst = o->burst;
	if (st->over_set & NET_EVP)
		s->reject_evp = o->reject_evp;
	if (!netmodel_params_valid(&s->net) || s->burst < 1)
		perr_at(p, st->line, "station %s: invalid link settings",
		    st->msisdn);
	if (st->modem_link[0] != '\0' && !st->modem)
		perr_at(p, st->line, "station %s: modem-link needs "
		    "modem = pty", st->msisdn);
	for (i = 0; i < st->nev; i++)
		if (st->ev[i].kind == CONF_EV_FAULT && !st->modem)
			perr_at(p, st->ev[i].line, "station %s: fault needs "
			    "modem = pty", st->msisdn);
	if (smsdtls_addr_parse(st->msisdn, &a) != SMSDTLS_OK ||
	    smsdtls_addr_canonical(&a, cc, &canon) != SMSDTLS_OK) {
		perr_at(p, st->line, "station %s: not routable (a national "
		    "number needs country-code)", st->msisdn);
		return;
	}
	for (i = 0; i < idx; i++) {
		if (smsdtls_addr_parse(c->st[i].msisdn, &a) == SMSDTLS_OK &&
		    smsdtls_addr_canonical(&a, cc, &other) == SMSDTLS_OK &&
		    smsdtls_addr_equal(&canon, &other))
			perr_at(p, st->line, "station %s: same number as "
			    "station %s at line %d", st->msisdn,
			    c->st[i].msisdn, c->st[i].line);
	}
}

static void
dump_net(const struct smsc_station_conf *s, FILE *fp)
{
	const struct netmodel_latency *l = &s->net.latency;

	fprintf(fp, "latency = %s", dist_names[l->dist]);
	dump_ms(fp, NULL, l->a);
	if (l->dist != NETMODEL_FIXED)
		dump_ms(fp, NULL, l->b);
	fprintf(fp, "\nloss = %.17g\ndup = %.17g\nreorder = %.17g\n",
	    s->net.loss, s->net.dup, s->net.reorder);
	dump_ms(fp, "reorder-hold", s->net.reorder_hold);
	fprintf(fp, "mo-per-min = %u\nmt-per-min = %u\nburst = %u\n",
	    s->mo_per_min, s->mt_per_min, s->burst);
	fprintf(fp, "reject-evp = %s\n", s->reject_evp ? "yes" : "no");
}

/* The modem's identity, where the file set it. */
static void
dump_modem(const struct conf_station *st, FILE *fp)
{
	const struct {
		const char *name;
		const char *value;
	} v[] = { { "manufacturer", st->manufacturer },
	    { "model", st->model }, { "revision", st->revision },
	    { "imei", st->imei }, { "imsi", st->imsi } };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].value[0] != '\0')
			fprintf(fp, "%s = %s\n", v[i].name, v[i].value);
	if (st->slots != 0)
		fprintf(fp, "slots = %zu\n", st->slots);
}

static void
dump_events(const struct conf_station *st, FILE *fp)
{
	const struct conf_event *ev;
	size_t i;

	for (i = 0; i < st->nev; i++) {
		ev = &st->ev[i];
		if (ev->kind == CONF_EV_OFFLINE)
			fprintf(fp, "offline =");
		else if (ev->kind == CONF_EV_REJECT)
			fprintf(fp, "reject = %d", ev->cms);
		else if (ev->fault == ATMODEM_FAULT_CMS_ERROR)
			fprintf(fp, "fault = cms-error %d", ev->cms);
		else
			fprintf(fp, "fault = %s", fault_names[ev->fault]);
		fprintf(fp, " at");
		dump_ms(fp, NULL, ev->at);
		if (ev->until != CONF_NEVER) {
			fprintf(fp, " for");
			dump_ms(fp, NULL, ev->until - ev->at);
		}
		fputc('\n', fp);
	}
}

/* "name = 24h\n", or " 24h" after a value when name is NULL; in the
 * largest unit that keeps the value whole, "0ms" for 0. */
static void
dump_ms(FILE *fp, const char *name, int64_t ms)
{
	char text[32];

	if (ms == 0)
		snprintf(text, sizeof(text), "0ms");
	else
		confval_fmt_duration(ms, text, sizeof(text));
	if (name != NULL)
		fprintf(fp, "%s = %s\n", name, text);
	else
		fprintf(fp, " %s", text);
}

static int
keyword_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyword *)a)->name,
	    ((const struct keyword *)b)->name);
}

/* ---------------------------------------------------------- keywords */

static void
kw_country_code(struct parse *p, char *v)
{
	size_t n = strlen(v);

	if (strcmp(v, "none") == 0) {
		p->conf->smsc.country_code[0] = '\0';
		return;
	}
	if (n < 1 || n > 3 || strspn(v, "0123456789") != n || v[0] == '0') {
		perr(p, "country-code: 1-3 digits, not starting with 0: %s",
		    v);
		return;
	}
	memcpy(p->conf->smsc.country_code, v, n + 1);
}

static void
kw_default_vp(struct parse *p, char *v)
{
	int64_t ms;

	if (!conf_duration(v, VP_MAX_MS, &ms) || ms < 1000 || ms % 1000 != 0)
		perr(p, "default-vp: whole seconds, 1s..63 weeks: %s", v);
	else
		p->conf->smsc.default_vp = (uint32_t)(ms / 1000);
}

static void
kw_epoch(struct parse *p, char *v)
{
	if (!parse_epoch(v, &p->conf->smsc.epoch))
		perr(p, "epoch: Unix seconds or YYYY-MM-DDTHH:MM:SSZ, "
		    "1990..2089: %s", v);
}

static void
kw_fault(struct parse *p, char *v)
{
	struct conf_event ev = { .kind = CONF_EV_FAULT };
	char *tok[TOKENS_MAX];
	size_t n, i, skip = 1;
	uint64_t cms;

	n = split(v, tok, TOKENS_MAX);
	for (i = ATMODEM_FAULT_SILENT; i <= ATMODEM_FAULT_GONE; i++)
		if (n > 0 && n <= TOKENS_MAX && strcmp(tok[0],
		    fault_names[i]) == 0)
			ev.fault = (uint8_t)i;
	if (ev.fault == ATMODEM_FAULT_NONE) {
		perr(p, "fault: silent, cms-error CMS or gone, then "
		    "at TIME [for DURATION]");
		return;
	}
	if (ev.fault == ATMODEM_FAULT_CMS_ERROR) {
		if (n < 2 || !confval_uint(tok[1], 1, CMS_MAX, &cms)) {
			perr(p, "fault: cms-error needs a code, 1..%d",
			    CMS_MAX);
			return;
		}
		ev.cms = (int)cms;
		skip = 2;
	}
	if (parse_when(p, tok + skip, n - skip, &ev.at, &ev.until))
		add_event(p, &ev);
}

static void
kw_latency(struct parse *p, char *v)
{
	struct netmodel_latency l = { 0, 0, 0 };
	char *tok[TOKENS_MAX];
	size_t n;
	int d;

	n = split(v, tok, TOKENS_MAX);
	for (d = NETMODEL_FIXED; d <= NETMODEL_LOGNORMAL; d++)
		if (n > 0 && n <= TOKENS_MAX && strcmp(tok[0],
		    dist_names[d]) == 0)
			break;
	if (d > NETMODEL_LOGNORMAL ||
	    n != (d == NETMODEL_FIXED ? 2u : 3u)) {
		perr(p, "latency: fixed D, uniform MIN MAX or "
		    "lognormal MEDIAN P95");
		return;
	}
	l.dist = (uint8_t)d;
	if (!conf_duration(tok[1], NETMODEL_DELAY_MAX, &l.a) ||
	    (n == 3 && !conf_duration(tok[2], NETMODEL_DELAY_MAX, &l.b))) {
		perr(p, "latency: bad duration (0..30d, with a unit: ms, s, "
		    "m, h, d)");
		return;
	}
	if (d == NETMODEL_UNIFORM && l.b < l.a) {
		perr(p, "latency: uniform MAX below MIN");
		return;
	}
	if (d == NETMODEL_LOGNORMAL && (l.a == 0 || l.b < l.a)) {
		perr(p, "latency: lognormal needs 0 < MEDIAN <= P95");
		return;
	}
	net_target(p, NET_LATENCY)->net.latency = l;
}

static void
kw_modem(struct parse *p, char *v)
{
	if (strcmp(v, "pty") == 0)
		cur_station(p)->modem = true;
	else if (strcmp(v, "none") == 0)
		cur_station(p)->modem = false;
	else
		perr(p, "modem: pty or none: %s", v);
}

static void
kw_offline(struct parse *p, char *v)
{
	struct conf_event ev = { .kind = CONF_EV_OFFLINE };
	char *tok[TOKENS_MAX];
	size_t n;

	n = split(v, tok, TOKENS_MAX);
	if (n > TOKENS_MAX)
		n = TOKENS_MAX;
	if (parse_when(p, tok, n, &ev.at, &ev.until))
		add_event(p, &ev);
}

static void
kw_reject(struct parse *p, char *v)
{
	struct conf_event ev = { .kind = CONF_EV_REJECT };
	char *tok[TOKENS_MAX];
	uint64_t cms;
	size_t n;

	n = split(v, tok, TOKENS_MAX);
	if (n < 1 || n > TOKENS_MAX ||
	    !confval_uint(tok[0], 1, CMS_MAX, &cms)) {
		perr(p, "reject: CMS at TIME [for DURATION], CMS 1..%d",
		    CMS_MAX);
		return;
	}
	ev.cms = (int)cms;
	if (parse_when(p, tok + 1, n - 1, &ev.at, &ev.until))
		add_event(p, &ev);
}

static void
kw_reorder_hold(struct parse *p, char *v)
{
	int64_t ms;

	if (!conf_duration(v, NETMODEL_DELAY_MAX, &ms))
		perr(p, "reorder-hold: a duration, 0..30d: %s", v);
	else
		net_target(p, NET_HOLD)->net.reorder_hold = ms;
}

static void
kw_report_vp(struct parse *p, char *v)
{
	int64_t ms;

	if (!conf_duration(v, VP_MAX_MS, &ms) || ms < 1000 || ms % 1000 != 0)
		perr(p, "report-vp: whole seconds, 1s..63 weeks: %s", v);
	else
		p->conf->smsc.report_vp = (uint32_t)(ms / 1000);
}

static void
kw_smsc_number(struct parse *p, char *v)
{
	struct smsdtls_addr a;

	if (strlen(v) > CONF_MSISDN_MAX ||
	    smsdtls_addr_parse(v, &a) != SMSDTLS_OK)
		perr(p, "smsc-number: not a phone number: %s", v);
	else
		strcpy(p->conf->smsc_number, v);
}

static void
kw_tz(struct parse *p, char *v)
{
	if (!parse_tz(v, &p->conf->smsc.tz))
		perr(p, "tz: +HH:MM or -HH:MM in quarter hours, "
		    "-12:00..+14:00: %s", v);
}
