/*
 * dconf_value.c - the value syntaxes of smsdtlsd.conf (man/smsdtlsd.conf.5):
 * booleans, whole numbers, durations ("250ms 10s 5m 24h 2d"), rates
 * ("N/s N/min N/h"), absolute paths, names, host names and addresses,
 * HOST:PORT, the socket link's address and sender prefixes; and the
 * formatters the dump uses, so that a dumped value parses back to itself.
 * Each parser checks the whole string and writes nothing when it fails.
 * Booleans, whole numbers and durations are parsed by util/confval.c,
 * which smsdtls-smsc's parser shares.
 */
#include "config.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dconf_int.h"
#include "util/confval.h"

#define HOSTNAME_MAX	253
#define RATE_COUNT_MAX	1000000
#define SUN_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

static bool	printable(const char *, bool);
static bool	hostname_ok(const char *);
static bool	ipv6_ok(const char *);

bool
dconf_parse_bool(const char *s, bool *v)
{
	return confval_bool(s, v);
}

bool
dconf_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	return confval_uint(s, min, max, v);
}

bool
dconf_parse_duration(const char *s, int64_t min, int64_t max, int64_t *ms)
{
	return confval_duration(s, min, max, ms);
}

bool
dconf_parse_rate(const char *s, struct dconf_rate *r)
{
	static const struct {
		const char	*name;
		uint32_t	 s;
	} per[] = { { "s", 1 }, { "min", 60 }, { "h", 3600 } };
	const char *slash;
	char num[8];
	uint64_t n;
	size_t i, len;

	if (strcmp(s, "0") == 0) {
		r->per_s = 0;
		r->count = 0;
		r->unit_s = 1;
		return true;
	}
	if ((slash = strchr(s, '/')) == NULL)
		return false;
	len = (size_t)(slash - s);
	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, s, len);
	num[len] = '\0';
	if (!dconf_parse_uint(num, 1, RATE_COUNT_MAX, &n))
		return false;
	for (i = 0; i < sizeof(per) / sizeof(per[0]); i++) {
		if (strcmp(slash + 1, per[i].name) != 0)
			continue;
		r->count = (uint32_t)n;
		r->unit_s = per[i].s;
		r->per_s = (double)n / per[i].s;
		return true;
	}
	return false;
}

bool
dconf_parse_path(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (s[0] != '/' || len >= size || !printable(s, true))
		return false;
	memcpy(buf, s, len + 1);
	return true;
}

bool
dconf_parse_name(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (len == 0 || len >= size || s[0] == '-' ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") != len)
		return false;
	memcpy(buf, s, len + 1);
	return true;
}

/* A host name, an IPv4 address, or an IPv6 address (brackets optional). */
bool
dconf_parse_host(const char *s, char *buf, size_t size)
{
	char tmp[DCONF_HOST_MAX];
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		if (len - 2 >= sizeof(tmp))
			return false;
		memcpy(tmp, s + 1, len - 2);
		tmp[len - 2] = '\0';
		s = tmp;
		len -= 2;
		if (!ipv6_ok(s))
			return false;
	} else if (!hostname_ok(s) && !ipv6_ok(s))
		return false;
	if (len >= size)
		return false;
	memcpy(buf, s, len + 1);
	return true;
}

/* "host:port", "1.2.3.4:port" or "[v6]:port". */
bool
dconf_parse_hostport(const char *s, struct dconf_hostport *hp)
{
	char host[DCONF_HOST_MAX + 2];
	const char *colon;
	uint64_t port;
	size_t len;

	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return false;
		colon++;
	} else if ((colon = strrchr(s, ':')) == NULL ||
	    memchr(s, ':', (size_t)(colon - s)) != NULL)
		return false;
	len = (size_t)(colon - s);
	if (len == 0 || len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	if (s[0] != '[' && !hostname_ok(host))
		return false;
	if (!dconf_parse_uint(colon + 1, 1, 65535, &port))
		return false;
	if (!dconf_parse_host(host, hp->host, sizeof(hp->host)))
		return false;
	hp->port = (uint16_t)port;
	return true;
}

/* "unix:/PATH" (a socket path, at most 107 octets) or "tcp:HOST:PORT". */
bool
dconf_parse_linkaddr(const char *s, struct dconf_linkaddr *la)
{
	struct dconf_hostport hp;

	if (strncmp(s, "unix:", 5) == 0) {
		if (strlen(s + 5) > SUN_PATH_MAX ||
		    !dconf_parse_path(s + 5, la->path, sizeof(la->path)))
			return false;
		la->tcp = false;
		memset(&la->hp, 0, sizeof(la->hp));
		return true;
	}
	if (strncmp(s, "tcp:", 4) == 0 && dconf_parse_hostport(s + 4, &hp)) {
		la->tcp = true;
		la->path[0] = '\0';
		la->hp = hp;
		return true;
	}
	return false;
}

bool
dconf_parse_text(const char *s, bool spaces, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (len == 0 || len >= size || !printable(s, spaces))
		return false;
	memcpy(buf, s, len + 1);
	return true;
}

/* A sender prefix in international form: '+' and 1-20 digits. */
bool
dconf_parse_prefix(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (s[0] != '+' || len < 2 || len > SMSDTLS_ADDR_DIGITS_MAX + 1 ||
	    len >= size || strspn(s + 1, "0123456789") != len - 1)
		return false;
	memcpy(buf, s, len + 1);
	return true;
}

void
dconf_fmt_duration(int64_t ms, char *buf, size_t size)
{
	confval_fmt_duration(ms, buf, size);
}

void
dconf_fmt_rate(const struct dconf_rate *r, char *buf, size_t size)
{
	if (r->count == 0)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%" PRIu32 "/%s", r->count,
		    r->unit_s == 3600 ? "h" : r->unit_s == 60 ? "min" : "s");
}

void
dconf_fmt_hostport(const struct dconf_hostport *hp, char *buf, size_t size)
{
	if (strchr(hp->host, ':') != NULL)
		snprintf(buf, size, "[%s]:%u", hp->host, (unsigned)hp->port);
	else
		snprintf(buf, size, "%s:%u", hp->host, (unsigned)hp->port);
}

/* Printable ASCII or UTF-8 bytes; tabs and spaces only if spaces. */
static bool
printable(const char *s, bool spaces)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t') {
			if (!spaces)
				return false;
		} else if (*p < 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and '-'. */
static bool
hostname_ok(const char *s)
{
	size_t len = strlen(s), label = 0;
	const char *p;

	if (len == 0 || len > HOSTNAME_MAX)
		return false;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
		if ((*p == '-' && label == 0) || ++label > 63)
			return false;
	}
	return label > 0 && p[-1] != '-';
}

static bool
ipv6_ok(const char *s)
{
	struct in6_addr a;

	return strchr(s, ':') != NULL && inet_pton(AF_INET6, s, &a) == 1;
}
